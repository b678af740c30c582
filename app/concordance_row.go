// A concordance line: the kwicRow widget (check box, document, left
// context, hit, right context, aligned on the hit) and the cached text
// widths it cuts the contexts with.

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// kwicRow is one KWIC line: a check box, the document's name, the left
// context (right-aligned, cut at its start), the hit (bold, coloured)
// and the right context. The hits of all rows start at the same x.
type kwicRow struct {
	widget.BaseWidget
	k        *kwicPanel
	id       int
	mod      fyne.KeyModifier // the modifiers of the last mouse press
	setting  bool             // the check box is being set, not clicked
	check    *widget.Check
	texts    [4]string // document, left, hit, right
	doc      *canvas.Text
	left     *canvas.Text
	match    *canvas.Text
	right    *canvas.Text
	lastSize fyne.Size
}

var (
	_ fyne.Tappable     = (*kwicRow)(nil)
	_ desktop.Mouseable = (*kwicRow)(nil)
)

func newKwicRow(k *kwicPanel) *kwicRow {
	r := &kwicRow{k: k, id: -1}
	r.check = widget.NewCheck("", func(on bool) {
		if !r.setting {
			k.setChecked(r.id, on)
		}
	})
	r.doc = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	r.left = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.left.Alignment = fyne.TextAlignTrailing
	r.match = canvas.NewText("", theme.Color(theme.ColorNamePrimary))
	r.match.TextStyle = fyne.TextStyle{Bold: true}
	r.right = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.ExtendBaseWidget(r)
	return r
}

// set shows hit id.
func (r *kwicRow) set(id int) {
	r.id = id
	if rels := r.k.rels; rels != nil { // a relation: no check box
		r.texts = [4]string{}
		if id >= 0 && id < len(rels) {
			h := rels[id]
			r.texts = [4]string{h.docName, h.left, h.match, h.right}
		}
		r.check.Hide()
		r.Refresh()
		return
	}
	r.check.Show()
	h, ok := r.k.hit(id)
	if !ok {
		r.texts = [4]string{}
	} else {
		r.texts = [4]string{h.DocName, h.Left, h.Match, h.Right}
	}
	r.setting = true
	r.check.SetChecked(r.k.checked(id))
	r.setting = false
	r.Refresh()
}

func (r *kwicRow) MouseDown(ev *desktop.MouseEvent) { r.mod = ev.Modifier }
func (r *kwicRow) MouseUp(*desktop.MouseEvent)      {}

func (r *kwicRow) Tapped(*fyne.PointEvent) {
	mod := r.mod
	r.mod = 0
	r.k.tapRow(r.id, mod)
}

func (r *kwicRow) CreateRenderer() fyne.WidgetRenderer { return &kwicRowRenderer{r: r} }

type kwicRowRenderer struct{ r *kwicRow }

func (rr *kwicRowRenderer) Objects() []fyne.CanvasObject {
	r := rr.r
	return []fyne.CanvasObject{r.check, r.doc, r.left, r.match, r.right}
}

func (rr *kwicRowRenderer) Destroy() {}

func (rr *kwicRowRenderer) MinSize() fyne.Size {
	r := rr.r
	h := fyne.MeasureText("中", theme.TextSize(), fyne.TextStyle{}).Height
	return fyne.NewSize(r.check.MinSize().Width+300, max(r.check.MinSize().Height, h+2*theme.Padding()))
}

// Layout places the columns: check box, document (up to 16% of the width),
// then the left context over 45% of the rest, the hit (at most 35%) and
// the right context; the texts are cut to fit.
func (rr *kwicRowRenderer) Layout(size fyne.Size) {
	r := rr.r
	r.lastSize = size
	k := r.k
	pad := theme.Padding()
	cw := r.check.MinSize().Width
	r.check.Move(fyne.NewPos(0, (size.Height-r.check.MinSize().Height)/2))
	r.check.Resize(r.check.MinSize())
	x := cw
	textH := fyne.MeasureText("中", theme.TextSize(), fyne.TextStyle{}).Height
	y := (size.Height - textH) / 2
	docW := min(180, size.Width*0.16)
	place := func(t *canvas.Text, x, w float32) {
		t.Move(fyne.NewPos(x, y))
		t.Resize(fyne.NewSize(max(w, 0), textH))
	}
	r.doc.Text = k.widths.prefix(r.texts[0], docW-2*pad, fyne.TextStyle{})
	place(r.doc, x, docW-pad)
	x += docW
	rest := size.Width - x - pad
	leftW := rest * 0.45
	matchW := min(k.widths.width(r.texts[2], fyne.TextStyle{Bold: true}), rest*0.35)
	r.left.Text = k.widths.suffix(r.texts[1], leftW-pad, fyne.TextStyle{})
	place(r.left, x, leftW-pad/2)
	r.match.Text = k.widths.prefix(r.texts[2], matchW, fyne.TextStyle{Bold: true})
	place(r.match, x+leftW, matchW+pad/2)
	rightX := x + leftW + matchW + pad
	r.right.Text = k.widths.prefix(r.texts[3], size.Width-rightX-pad, fyne.TextStyle{})
	place(r.right, rightX, size.Width-rightX)
}

func (rr *kwicRowRenderer) Refresh() {
	r := rr.r
	r.doc.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.left.Color = theme.Color(theme.ColorNameForeground)
	r.right.Color = theme.Color(theme.ColorNameForeground)
	r.match.Color = theme.Color(theme.ColorNamePrimary)
	for _, t := range []*canvas.Text{r.doc, r.left, r.match, r.right} {
		t.TextSize = theme.TextSize()
	}
	rr.Layout(r.lastSize)
	for _, o := range rr.Objects() {
		o.Refresh()
	}
}

// textWidths measures text by the sum of its characters' cached widths
// (no kerning: CJK has none, and a cut needs no more precision).
type textWidths struct {
	size  float32
	runes map[fyne.TextStyle]map[rune]float32
}

func (tw *textWidths) rune(r rune, style fyne.TextStyle) float32 {
	if size := theme.TextSize(); size != tw.size || tw.runes == nil {
		tw.size, tw.runes = size, map[fyne.TextStyle]map[rune]float32{}
	}
	m := tw.runes[style]
	if m == nil {
		m = map[rune]float32{}
		tw.runes[style] = m
	}
	w, ok := m[r]
	if !ok {
		w = fyne.MeasureText(string(r), tw.size, style).Width
		m[r] = w
	}
	return w
}

func (tw *textWidths) width(s string, style fyne.TextStyle) float32 {
	var w float32
	for _, r := range s {
		w += tw.rune(r, style)
	}
	return w
}

// prefix is the start of s that fits in w, with "…" when cut.
func (tw *textWidths) prefix(s string, w float32, style fyne.TextStyle) string {
	if tw.width(s, style) <= w {
		return s
	}
	limit := w - tw.rune('…', style)
	var used float32
	for i, r := range s {
		used += tw.rune(r, style)
		if used > limit {
			return s[:i] + "…"
		}
	}
	return s
}

// suffix is the end of s that fits in w, with "…" when cut.
func (tw *textWidths) suffix(s string, w float32, style fyne.TextStyle) string {
	if tw.width(s, style) <= w {
		return s
	}
	limit := w - tw.rune('…', style)
	rs := []rune(s)
	var used float32
	for i := len(rs) - 1; i >= 0; i-- {
		used += tw.rune(rs[i], style)
		if used > limit {
			return "…" + string(rs[i+1:])
		}
	}
	return s
}
