package app

import (
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// docView is the read-only view of one processed document: a header with
// its name, encoding and counts above the segmented, tagged text.
type docView struct {
	model  docModel
	body   *docBody
	scroll *container.Scroll
	root   fyne.CanvasObject
}

// newDocView builds the view of m. It must run on the Fyne goroutine.
func newDocView(m docModel, demo bool) *docView {
	v := &docView{model: m, body: newDocBody(m.tokenItems())}
	v.scroll = container.NewVScroll(container.New(&insetLayout{inset: 16}, v.body))
	v.body.onHeight = v.scroll.Refresh
	v.root = container.NewBorder(v.header(demo), nil, nil, nil, v.scroll)
	return v
}

// header shows the document's name, encoding and counts, and a legend of
// the highlights.
func (v *docView) header(demo bool) fyne.CanvasObject {
	m := v.model
	title := widget.NewLabelWithStyle(m.name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Selectable = true

	left := []fyne.CanvasObject{title}
	if demo {
		badge := widget.NewLabel(strDemoBadge)
		badge.Importance = widget.HighImportance
		left = append(left, badge)
	}

	meta := widget.NewLabel(m.summary() + strSectionSeparator + strCleaned + ": " + m.cleaningSummary())
	meta.Truncation = fyne.TextTruncateEllipsis

	n := m.markCounts()
	legend := container.NewHBox(
		newSwatch(theme.ColorNameError), widget.NewLabel(strDamage+" "+strconv.Itoa(n[annotate.MarkDamage])),
		newSwatch(theme.ColorNameSuccess), widget.NewLabel(strRepaired+" "+strconv.Itoa(n[annotate.MarkRepaired])),
		newSwatchText(theme.ColorNameWarning, strPinyinSwatch), widget.NewLabel(strPinyinHint+" "+strconv.Itoa(n[annotate.MarkPinyinHint])),
	)
	top := container.NewBorder(nil, nil, container.NewHBox(left...), legend)
	return container.NewVBox(
		container.New(&insetLayout{inset: 8, vertical: 4}, container.NewVBox(top, meta)),
		widget.NewSeparator(),
	)
}

// summary is the document's encoding, script and size.
func (m docModel) summary() string {
	enc := m.encoding
	if enc == "" {
		enc = strUnknown
	}
	parts := []string{strEncoding + " " + enc}
	if name, ok := scriptNames[m.script]; ok {
		parts = append(parts, name)
	}
	parts = append(parts,
		group(len(m.text))+" "+strChars,
		group(len(m.sentences))+" "+strSentences,
		group(len(m.tokens))+" "+strTokens)
	return strings.Join(parts, strListSeparator)
}

// cleaningSummary lists what cleaning did: the non-zero counts of the
// report, known ones first in a fixed order, then others by key.
func (m docModel) cleaningSummary() string {
	var parts []string
	known := map[string]bool{}
	for _, c := range countNames {
		known[c.key] = true
		if n := m.counts[c.key]; n != 0 {
			parts = append(parts, c.name+" "+group(n))
		}
	}
	var other []string
	for k, n := range m.counts {
		if !known[k] && n != 0 {
			other = append(other, k+" "+group(n))
		}
	}
	sort.Strings(other)
	parts = append(parts, other...)
	if len(parts) == 0 {
		return strNothing
	}
	return strings.Join(parts, strListSeparator)
}

// group writes n with thousands separators.
func group(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// swatch is a small square of a theme colour, for the legend; it follows
// the theme's variant when refreshed.
type swatch struct {
	widget.BaseWidget
	name  fyne.ThemeColorName
	label string
}

func newSwatch(name fyne.ThemeColorName) *swatch {
	s := &swatch{name: name}
	s.ExtendBaseWidget(s)
	return s
}

func newSwatchText(name fyne.ThemeColorName, label string) *swatch {
	s := &swatch{name: name, label: label}
	s.ExtendBaseWidget(s)
	return s
}

// CreateRenderer implements fyne.Widget.
func (s *swatch) CreateRenderer() fyne.WidgetRenderer {
	rect := canvas.NewRectangle(nil)
	rect.CornerRadius = 3
	text := canvas.NewText(s.label, nil)
	text.TextStyle = fyne.TextStyle{Italic: true}
	r := &swatchRenderer{s: s, rect: rect, text: text}
	r.Refresh()
	return r
}

type swatchRenderer struct {
	s    *swatch
	rect *canvas.Rectangle
	text *canvas.Text
}

func (r *swatchRenderer) Destroy() {}

func (r *swatchRenderer) Objects() []fyne.CanvasObject {
	if r.s.label != "" {
		return []fyne.CanvasObject{r.text}
	}
	return []fyne.CanvasObject{r.rect}
}

func (r *swatchRenderer) MinSize() fyne.Size {
	if r.s.label != "" {
		return r.text.MinSize()
	}
	return fyne.NewSize(22, 16)
}

func (r *swatchRenderer) Layout(size fyne.Size) {
	ms := r.MinSize()
	pos := fyne.NewPos(0, (size.Height-ms.Height)/2)
	r.rect.Move(pos)
	r.rect.Resize(ms)
	r.text.Move(pos)
	r.text.Resize(ms)
}

func (r *swatchRenderer) Refresh() {
	th := r.s.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.rect.FillColor = withAlpha(th.Color(r.s.name, v), 0x48)
	r.text.Color = th.Color(r.s.name, v)
	r.text.TextSize = th.Size(theme.SizeNameCaptionText)
	r.rect.Refresh()
	r.text.Refresh()
}

// insetLayout lays its objects out stacked, inset by a margin on each side
// (vertical, if set, replaces the margin at top and bottom).
type insetLayout struct {
	inset, vertical float32
}

func (l *insetLayout) v() float32 {
	if l.vertical > 0 {
		return l.vertical
	}
	return l.inset
}

func (l *insetLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pos := fyne.NewPos(l.inset, l.v())
	in := fyne.NewSize(size.Width-2*l.inset, size.Height-2*l.v())
	for _, o := range objs {
		o.Move(pos)
		o.Resize(in)
	}
}

func (l *insetLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var ms fyne.Size
	for _, o := range objs {
		ms = ms.Max(o.MinSize())
	}
	return ms.AddWidthHeight(2*l.inset, 2*l.v())
}
