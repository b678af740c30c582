package app

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Spacing of the document body, in Fyne units.
const (
	tokenGap     = 9  // between two tokens on a line
	numberGap    = 3  // between a sentence number and its first token
	tagGap       = 1  // between a word and its tag
	hintGap      = 5  // between a tag and a pinyin hint
	lineGap      = 7  // between two lines of a paragraph
	paragraphGap = 12 // added between two paragraphs
	wordSizeUp   = 4  // word text is this much larger than theme text
)

// highlight is the part of a token's word that a cleaning mark covers:
// runes [from, to) of the word.
type highlight struct {
	from, to int
	kind     markStyle
	rect     *canvas.Rectangle
}

// markStyle is how a highlight is drawn.
type markStyle int

const (
	styleDamage markStyle = iota
	styleRepaired
)

// tokenItem is one token of the body as drawn: the word with its POS tag
// (and any pinyin hint) beneath, optionally led by the number of the
// sentence it starts.
type tokenItem struct {
	runes  []rune // the word, for measuring highlights
	number *canvas.Text
	word   *canvas.Text
	tag    *canvas.Text
	hint   *canvas.Text
	marks  []highlight

	paragraph bool // starts a new paragraph
	noStart   bool // closing punctuation: never starts a line
	noEnd     bool // opening punctuation: never ends a line
	size      fyne.Size
	pos       fyne.Position // top left, set by Layout
	numberW   float32
}

// docBody shows a segmented document as running prose: each token is its
// word with the POS tag beneath, tokens wrap like text, paragraphs are
// kept, sentences are numbered and text that cleaning marked as damaged or
// repaired is highlighted.
//
// Its height depends on its width, which Fyne's MinSize cannot express: the
// body reports the height of its last layout and calls onHeight when that
// changes, so that the scroll around it can lay out again.
type docBody struct {
	widget.BaseWidget

	items    []*tokenItem
	height   float32
	onHeight func()
}

func newDocBody(items []*tokenItem) *docBody {
	b := &docBody{items: items}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer implements fyne.Widget.
func (b *docBody) CreateRenderer() fyne.WidgetRenderer {
	var objs []fyne.CanvasObject
	for _, it := range b.items {
		for _, h := range it.marks {
			objs = append(objs, h.rect)
		}
		if it.number != nil {
			objs = append(objs, it.number)
		}
		objs = append(objs, it.word, it.tag)
		if it.hint != nil {
			objs = append(objs, it.hint)
		}
	}
	r := &docBodyRenderer{body: b, objects: objs}
	r.applyTheme()
	return r
}

type docBodyRenderer struct {
	body    *docBody
	objects []fyne.CanvasObject

	themeKey  string // what applyTheme last applied; skip when unchanged
	lineH     float32
	widest    float32
	laidWidth float32
}

func (r *docBodyRenderer) Destroy() {}

func (r *docBodyRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *docBodyRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.widest, r.body.height)
}

// Refresh re-applies the theme (colours follow the light or dark variant)
// and lays the tokens out again if their sizes changed.
func (r *docBodyRenderer) Refresh() {
	if r.applyTheme() {
		r.laidWidth = -1
		r.Layout(r.body.Size())
		for _, o := range r.objects {
			o.Refresh()
		}
	}
}

// applyTheme sets colours and sizes from the current theme and measures
// every item. It reports whether anything changed.
func (r *docBodyRenderer) applyTheme() bool {
	th := r.body.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	tagC := th.Color(theme.ColorNamePlaceHolder, v)
	numC := th.Color(theme.ColorNamePrimary, v)
	hintC := th.Color(theme.ColorNameWarning, v)
	damageC := withAlpha(th.Color(theme.ColorNameError, v), 0x48)
	repairC := withAlpha(th.Color(theme.ColorNameSuccess, v), 0x48)
	wordSize := th.Size(theme.SizeNameText) + wordSizeUp
	tagSize := th.Size(theme.SizeNameCaptionText)

	key := colorKey(fg) + colorKey(tagC) + colorKey(numC) + colorKey(hintC) +
		colorKey(damageC) + colorKey(repairC) +
		strconv.FormatFloat(float64(wordSize), 'f', 2, 32) + "/" +
		strconv.FormatFloat(float64(tagSize), 'f', 2, 32)
	if key == r.themeKey {
		return false
	}
	r.themeKey = key

	r.lineH, r.widest = 0, 0
	for _, it := range r.body.items {
		it.word.Color, it.word.TextSize = fg, wordSize
		it.tag.Color, it.tag.TextSize = tagC, tagSize
		wordS := it.word.MinSize()
		tagS := it.tag.MinSize()
		w := max(wordS.Width, tagS.Width)
		h := wordS.Height + tagGap + tagS.Height
		if it.hint != nil {
			it.hint.Color, it.hint.TextSize = hintC, tagSize
			hs := it.hint.MinSize()
			w = max(w, tagS.Width+hintGap+hs.Width)
		}
		it.numberW = 0
		if it.number != nil {
			it.number.Color, it.number.TextSize = numC, tagSize
			it.numberW = it.number.MinSize().Width + numberGap
		}
		for i := range it.marks {
			if it.marks[i].kind == styleDamage {
				it.marks[i].rect.FillColor = damageC
			} else {
				it.marks[i].rect.FillColor = repairC
			}
		}
		it.size = fyne.NewSize(it.numberW+w, h)
		r.lineH = max(r.lineH, h)
		r.widest = max(r.widest, it.size.Width)
	}
	return true
}

// Layout places the tokens in lines no wider than size.Width. As in
// Chinese typesetting, closing punctuation does not start a line and
// opening punctuation does not end one: such a token moves to the next
// line together with the token it belongs to.
func (r *docBodyRenderer) Layout(size fyne.Size) {
	if size.Width == r.laidWidth {
		return
	}
	r.laidWidth = size.Width
	items := r.body.items
	var x, y float32
	for i, it := range items {
		switch {
		case i == 0:
		case it.paragraph:
			x, y = 0, y+r.lineH+lineGap+paragraphGap
		case glued(items, i):
		case x > 0 && x+chainWidth(items, i) > size.Width:
			x, y = 0, y+r.lineH+lineGap
		}
		r.place(it, fyne.NewPos(x, y))
		x += it.size.Width + tokenGap
	}
	height := float32(0)
	if len(items) > 0 {
		height = y + r.lineH
	}
	if height != r.body.height {
		r.body.height = height
		if r.body.onHeight != nil {
			r.body.onHeight()
		}
	}
}

// glued reports whether items[i] must stay on the line of items[i-1].
func glued(items []*tokenItem, i int) bool {
	return i > 0 && !items[i].paragraph && (items[i].noStart || items[i-1].noEnd)
}

// chainWidth is the width of items[i] and the items glued after it.
func chainWidth(items []*tokenItem, i int) float32 {
	w := items[i].size.Width
	for j := i + 1; j < len(items) && glued(items, j); j++ {
		w += tokenGap + items[j].size.Width
	}
	return w
}

// place moves the parts of a token to an item whose top left is at pos.
func (r *docBodyRenderer) place(it *tokenItem, pos fyne.Position) {
	it.pos = pos
	if it.number != nil {
		it.number.Move(pos)
		it.number.Resize(it.number.MinSize())
	}
	colW := it.size.Width - it.numberW
	left := pos.X + it.numberW
	wordS := it.word.MinSize()
	wordPos := fyne.NewPos(left+(colW-wordS.Width)/2, pos.Y)
	it.word.Move(wordPos)
	it.word.Resize(wordS)

	tagS := it.tag.MinSize()
	lineW := tagS.Width
	var hintS fyne.Size
	if it.hint != nil {
		hintS = it.hint.MinSize()
		lineW += hintGap + hintS.Width
	}
	tagPos := fyne.NewPos(left+(colW-lineW)/2, pos.Y+wordS.Height+tagGap)
	it.tag.Move(tagPos)
	it.tag.Resize(tagS)
	if it.hint != nil {
		it.hint.Move(tagPos.AddXY(tagS.Width+hintGap, 0))
		it.hint.Resize(hintS)
	}

	for _, h := range it.marks {
		x0 := prefixWidth(it, h.from)
		x1 := prefixWidth(it, h.to)
		if x1-x0 < 4 { // keep a mark on a zero-width run visible
			x0, x1 = x0-2, x0+2
		}
		h.rect.Move(wordPos.AddXY(x0-1, 0))
		h.rect.Resize(fyne.NewSize(x1-x0+2, wordS.Height))
	}
}

// prefixWidth is the drawn width of the first n runes of an item's word.
func prefixWidth(it *tokenItem, n int) float32 {
	if n <= 0 {
		return 0
	}
	if n >= len(it.runes) {
		return it.word.MinSize().Width
	}
	return fyne.MeasureText(string(it.runes[:n]), it.word.TextSize, it.word.TextStyle).Width
}

func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

func colorKey(c color.Color) string {
	r, g, b, a := c.RGBA()
	return strconv.FormatUint(uint64(r)<<48|uint64(g)<<32|uint64(b)<<16|uint64(a), 16) + ";"
}
