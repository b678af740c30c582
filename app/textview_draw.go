// The document view's drawing: its renderer, which makes pooled canvas
// objects for the lines in view only (text, token tints, POS tags, span
// bars, damage marks), and the colour helpers it uses.

package app

import (
	"cmp"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// MinSize is the height of the whole laid-out document.
func (v *textView) MinSize() fyne.Size {
	return fyne.NewSize(50, v.lay.height)
}

// CreateRenderer implements fyne.Widget.
func (v *textView) CreateRenderer() fyne.WidgetRenderer {
	return &tvRenderer{v: v}
}

type tvRenderer struct {
	v       *textView
	rects   []*canvas.Rectangle
	texts   []*canvas.Text
	lines   []*canvas.Line
	nr, nt  int
	nl      int
	objects []fyne.CanvasObject
	bars    []tvBar // scratch
	laneMap []int   // scratch

	tagBoxes [][4]float32 // scratch of arcs: the type tags of a line (x0, y0, x1, y1)
	cuts     [][2]float32 // scratch of cutLine
}

// tvBar is a span's bar on one line.
type tvBar struct {
	span   int
	lane   int
	x0, x1 float32
}

func (r *tvRenderer) Destroy()                     {}
func (r *tvRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *tvRenderer) MinSize() fyne.Size           { return r.v.MinSize() }

func (r *tvRenderer) Layout(s fyne.Size) {
	l := &r.v.lay
	if s.Width != l.width {
		l.width = s.Width
		l.dirty = true
	}
	if l.relayout() && r.v.scroll != nil {
		r.v.scroll.Refresh()
	}
	r.build()
}

// Refresh lays out again if the theme's sizes or font changed, then draws
// the lines in view.
func (r *tvRenderer) Refresh() {
	if r.v.lay.metricsChanged() {
		r.v.lay.dirty = true
		if r.v.lay.relayout() && r.v.scroll != nil {
			r.v.scroll.Refresh()
		}
	}
	r.build()
	canvas.Refresh(r.v)
}

func (r *tvRenderer) rect(fill color.Color, x, y, w, h float32) *canvas.Rectangle {
	if r.nr == len(r.rects) {
		r.rects = append(r.rects, canvas.NewRectangle(nil))
	}
	o := r.rects[r.nr]
	r.nr++
	o.FillColor, o.StrokeColor, o.StrokeWidth, o.CornerRadius = fill, nil, 0, 0
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(w, h))
	return o
}

func (r *tvRenderer) text(s string, c color.Color, size, x, y, h float32, style fyne.TextStyle) *canvas.Text {
	if r.nt == len(r.texts) {
		r.texts = append(r.texts, canvas.NewText("", nil))
	}
	o := r.texts[r.nt]
	r.nt++
	o.Text, o.Color, o.TextSize, o.TextStyle = s, c, size, style
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(0, h))
	return o
}

// build makes the objects of the lines in view, from the pools.
func (r *tvRenderer) build() {
	v := r.v
	l := &v.lay
	r.nr, r.nt, r.nl = 0, 0, 0
	r.objects = r.objects[:0]
	if v.doc == nil || len(l.lines) == 0 {
		return
	}
	v.sync()
	th := v.Theme()
	vr := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, vr)
	posC := th.Color(theme.ColorNamePlaceHolder, vr)
	tint := tvAlpha(th.Color(theme.ColorNameForeground, vr), 0x10)
	selC := th.Color(theme.ColorNameSelection, vr)
	cursorC := th.Color(theme.ColorNamePrimary, vr)
	if !v.focused {
		cursorC = th.Color(theme.ColorNameDisabled, vr)
	}
	damageC := tvAlpha(th.Color(theme.ColorNameError, vr), 0x50)
	repairC := tvAlpha(th.Color(theme.ColorNameSuccess, vr), 0x50)
	hintC := th.Color(theme.ColorNameWarning, vr)
	noLabel := color.NRGBA{0x80, 0x80, 0x80, 0xff}
	m := l.m

	top := float32(0)
	if v.scroll != nil {
		top = v.scroll.Offset.Y
	}
	h := v.viewHeight()
	if c := v.canvas(); c != nil {
		h = max(h, c.Size().Height) // covers a viewport grown taller without a new width
	}
	first := l.lineAtY(top)
	toks := v.tokens()
	selA, selB := -1, -1
	if !v.charMode && !v.charSel && len(toks) > 0 {
		selA, selB = min(v.cursor, v.anchor), max(v.cursor, v.anchor)
	}
	charA, charB := -1, -1
	if v.charMode || v.charSel {
		charA, charB = min(v.caret, v.charAnchor), max(v.caret, v.charAnchor)
	}
	boxH := m.textH
	if l.posRow {
		boxH += m.capH
	}

	for li := max(first, 0); li < len(l.lines) && l.lines[li].y < top+h; li++ {
		ln := l.lines[li]
		y := ln.y + l.arcH(ln) // the text's top, under the line's arcs
		if ln.arcs > 0 {
			r.arcs(li, y, th.Color(theme.ColorNameBackground, vr))
		}
		frags := l.frags[ln.frag0:ln.frag1]
		// word boundaries and token selection
		for _, f := range frags {
			switch {
			case f.tok >= 0 && int(f.tok) >= selA && int(f.tok) <= selB:
				r.rect(selC, f.x0, y, f.x1-f.x0, boxH)
			case v.showBoundaries && f.tok >= 0 && f.tok%2 == 1:
				r.rect(tint, f.x0, y, f.x1-f.x0, boxH)
			}
		}
		// character selection
		if charB > charA && charA < int(ln.end) && charB > int(ln.start) {
			a, b := max(charA, int(ln.start)), min(charB, int(ln.end))
			x0 := l.charX[a]
			x1 := l.charX[b-1] + l.charW[b-1]
			r.rect(selC, x0, y, x1-x0, m.textH)
		}
		// marks
		for _, mi := range l.lineMarks[l.lineMarkOff[li]:l.lineMarkOff[li+1]] {
			mk := l.marks[mi]
			switch mk.Kind {
			case text.MarkDamage, text.MarkRepaired:
				a, b := max(mk.Start, int(ln.start)), min(mk.End, int(ln.end))
				if b <= a {
					continue
				}
				c := damageC
				if mk.Kind == text.MarkRepaired {
					c = repairC
				}
				x0, x1 := l.charX[a], l.charX[b-1]+l.charW[b-1]
				o := r.rect(c, x0-1, y+1, x1-x0+2, m.textH-2)
				o.CornerRadius = 3
			}
		}
		// text and POS
		for _, f := range frags {
			s := l.fragText(f)
			r.text(s, fg, m.textSize, l.charX[f.start], y, m.textH, fyne.TextStyle{})
			if f.tok < 0 || !l.posRow || toks[f.tok].Start != int(f.start) {
				continue
			}
			pos, hint := l.posText(int(f.tok))
			pw, hw := l.capWidth(pos), l.capWidth(hint)
			gw := pw + hw
			if pos != "" && hint != "" {
				gw += tvHintGap
			}
			x := (f.x0 + f.x1 - gw) / 2
			if pos != "" {
				r.text(pos, posC, m.capSize, x, y+m.textH, m.capH, fyne.TextStyle{})
				x += pw + tvHintGap
			}
			if hint != "" {
				r.text(hint, hintC, m.capSize, x, y+m.textH, m.capH, fyne.TextStyle{Italic: true})
			}
		}
		// cursor token outline
		if !v.charMode && !v.charSel && len(toks) > 0 {
			for _, f := range frags {
				if int(f.tok) == v.cursor {
					o := r.rect(color.Transparent, f.x0-1, y, f.x1-f.x0+2, boxH)
					o.StrokeColor, o.StrokeWidth, o.CornerRadius = cursorC, 1.5, 2
				}
			}
		}
		// caret
		if v.charMode && l.lineOf(min(v.caret, len(v.runes)-1)) == li {
			r.rect(cursorC, l.caretX(v.caret)-1, y, 2, m.textH)
		}
		// span bars
		r.spanBars(li, y+boxH, fg, noLabel)
	}
	for _, o := range r.rects[:r.nr] {
		r.objects = append(r.objects, o)
	}
	for _, o := range r.lines[:r.nl] {
		r.objects = append(r.objects, o)
	}
	for _, o := range r.texts[:r.nt] {
		r.objects = append(r.objects, o)
	}
}

// spanBars draws the bars of the spans on line li, lanes from y down.
func (r *tvRenderer) spanBars(li int, y float32, fg, noLabel color.Color) {
	v := r.v
	l := &v.lay
	m := l.m
	ln := l.lines[li]
	ids := l.lineSpans[l.lineSpanOff[li]:l.lineSpanOff[li+1]]
	if len(ids) == 0 {
		return
	}
	r.bars = r.bars[:0]
	r.laneMap = r.laneMap[:0]
	for _, si := range ids {
		s := v.doc.Spans[si]
		a, b := max(s.Start, int(ln.start)), min(s.End, int(ln.end))
		if b <= a {
			continue
		}
		x0, x1 := l.charX[a], l.charX[b-1]+l.charW[b-1]
		r.bars = append(r.bars, tvBar{span: int(si), lane: l.lanes[si], x0: x0, x1: x1})
		r.laneMap = append(r.laneMap, l.lanes[si])
	}
	slices.Sort(r.laneMap)
	r.laneMap = slices.Compact(r.laneMap)
	slices.SortFunc(r.bars, func(a, b tvBar) int {
		return cmp.Or(cmp.Compare(a.lane, b.lane), cmp.Compare(a.x0, b.x0))
	})
	for i, b := range r.bars {
		s := v.doc.Spans[b.span]
		lane, _ := slices.BinarySearch(r.laneMap, b.lane)
		by := y + float32(lane)*m.laneH + 1
		c, ok := v.colors[[2]string{s.Layer, s.Label}]
		var lc color.Color = c
		if !ok {
			lc = noLabel
			c = color.NRGBAModel.Convert(noLabel).(color.NRGBA)
		}
		tagText := s.Label
		if v.spanStyle != nil {
			if sc, t, ok := v.spanStyle(s); ok {
				c, lc, tagText = sc, sc, t
			}
		}
		suggested := s.Origin == annotate.OriginSuggested
		alpha := uint8(0x40)
		if s.Layer == v.activeLayer {
			alpha = 0x60
		}
		bw := b.x1 - b.x0
		var o *canvas.Rectangle
		if suggested {
			o = r.rect(tvAlpha(c, 0x14), b.x0+0.5, by+0.5, bw-1, m.tagH-1)
			o.StrokeColor, o.StrokeWidth = lc, 1
		} else {
			o = r.rect(tvAlpha(c, alpha), b.x0, by, bw, m.tagH)
			r.rect(lc, b.x0, by+m.tagH-2, bw, 2) // a solid edge keeps the colour clear
		}
		o.CornerRadius = 2
		if s.Note != "" && s.End <= int(ln.end) {
			r.rect(lc, b.x1-5, by, 5, 5) // a note: a corner at the span's end, as a spreadsheet marks a comment
		}
		if s.Start < int(ln.start) {
			continue // the tag is on the span's first line
		}
		limit := l.width - tvPad - b.x0 - 3
		if i+1 < len(r.bars) && r.bars[i+1].lane == b.lane {
			limit = r.bars[i+1].x0 - b.x0 - 3
		}
		tag := l.fitTag(tagText, limit)
		if tag == "" {
			continue
		}
		tc := lighten(c) // dark theme: light text
		if isDark(fg) {
			tc = darken(c)
		}
		r.text(tag, tc, m.tagSize, b.x0+2, by-1, m.tagH, fyne.TextStyle{Italic: suggested})
	}
}

// isDark reports whether c is a dark colour.
func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return (299*r+587*g+114*b)/1000 < 0x8000
}

// darken returns c at 60% brightness, for text on a light background.
func darken(c color.NRGBA) color.NRGBA {
	return color.NRGBA{uint8(int(c.R) * 6 / 10), uint8(int(c.G) * 6 / 10), uint8(int(c.B) * 6 / 10), 0xff}
}

// lighten returns c moved 40% towards white, for text on a dark background.
func lighten(c color.NRGBA) color.NRGBA {
	l := func(x uint8) uint8 { return uint8(int(x) + (255-int(x))*4/10) }
	return color.NRGBA{l(c.R), l(c.G), l(c.B), 0xff}
}

// tvAlpha returns c with alpha a.
func tvAlpha(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}
