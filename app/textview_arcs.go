// Relations in the document view: arcs above the text of each line,
// levelled so that they can be read, with an arrowhead at the target and
// the type written on the arc; a relation between spans on different
// lines is an arc to the edge of each line (an edge marker).

package app

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/biaozhu/biaozhu/annotate"
)

// tvArc is a relation's arc on one line: from x0 to x1 at level (0 the
// lowest), the arrowhead at x1 when toRight, else at x0; a stub runs to
// (or from) the line's edge, the other end being on another line.
type tvArc struct {
	x0, x1  float32
	level   int
	toRight bool
	stubIn  bool // the source is on an earlier or later line: no arrow foot at x0/x1's far end
	stubOut bool // the target is on another line: the arrow points at the edge
	typ     string
	color   color.Color
}

// tvArcLevelH is the height of a level of arcs at zoom 1.
const tvArcLevelH = 14

// indexArcs gives each line the arcs of the relations between its spans
// (of any layer, hidden ones included: a dependency tree's words), levels
// assigned shortest first so that nested arcs stack, and sets the lines'
// arc levels.
func (l *tvLayout) indexArcs() {
	v := l.v
	nl := len(l.lines)
	if cap(l.lineArcs) < nl {
		l.lineArcs = make([][]tvArc, nl)
	}
	l.lineArcs = l.lineArcs[:nl]
	for i := range l.lineArcs {
		l.lineArcs[i] = l.lineArcs[i][:0]
	}
	if v.doc == nil || len(v.doc.Relations) == 0 || len(l.charX) == 0 {
		for i := range l.lines {
			l.lines[i].arcs = 0
		}
		return
	}
	byID := make(map[int64]annotate.Span, len(v.doc.Spans))
	for _, s := range v.doc.Spans {
		byID[s.ID] = s
	}
	n := len(l.charX)
	mid := func(s annotate.Span) (int, float32) {
		a := min(max(s.Start, 0), n-1)
		li := l.lineOf(a)
		e := min(s.End, int(l.lines[li].end), n) - 1
		return li, (l.charX[a] + l.charX[e] + l.charW[e]) / 2
	}
	colours := map[[2]string]color.Color{}
	for _, r := range v.doc.Relations {
		f, okf := byID[r.From]
		t, okt := byID[r.To]
		if !okf || !okt {
			continue
		}
		c, ok := colours[[2]string{r.Layer, r.Type}]
		if !ok {
			c = l.arcColor(r)
			colours[[2]string{r.Layer, r.Type}] = c
		}
		lf, xf := mid(f)
		lt, xt := mid(t)
		switch {
		case lf == lt:
			l.lineArcs[lf] = append(l.lineArcs[lf], tvArc{x0: min(xf, xt), x1: max(xf, xt), toRight: xt >= xf, typ: r.Type, color: c})
		case lt > lf: // the target below: to the right edge, then from the left edge
			l.lineArcs[lf] = append(l.lineArcs[lf], tvArc{x0: xf, x1: l.width - tvPad/2, toRight: true, stubOut: true, typ: r.Type, color: c})
			l.lineArcs[lt] = append(l.lineArcs[lt], tvArc{x0: tvPad / 2, x1: xt, toRight: true, stubIn: true, typ: r.Type, color: c})
		default: // the target above: to the left edge, then from the right edge
			l.lineArcs[lf] = append(l.lineArcs[lf], tvArc{x0: tvPad / 2, x1: xf, toRight: false, stubOut: true, typ: r.Type, color: c})
			l.lineArcs[lt] = append(l.lineArcs[lt], tvArc{x0: xt, x1: l.width - tvPad/2, toRight: false, stubIn: true, typ: r.Type, color: c})
		}
	}
	var used [][2]float32
	for li := range l.lineArcs {
		arcs := l.lineArcs[li]
		slices.SortStableFunc(arcs, func(a, b tvArc) int {
			switch wa, wb := a.x1-a.x0, b.x1-b.x0; {
			case wa < wb:
				return -1
			case wa > wb:
				return 1
			}
			return 0
		})
		levels := 0
		for k := range arcs {
			a := &arcs[k]
			// the lowest level free over [x0, x1] (levels hold the
			// ranges of the arcs on them, as used: level, x0 and x1)
			used = used[:0]
			for _, o := range arcs[:k] {
				if o.x0 <= a.x1+2 && a.x0 <= o.x1+2 {
					used = append(used, [2]float32{float32(o.level), 0})
				}
			}
			lv := 0
			for slices.ContainsFunc(used, func(u [2]float32) bool { return int(u[0]) == lv }) {
				lv++
			}
			a.level = lv
			levels = max(levels, lv+1)
		}
		l.lines[li].arcs = levels
	}
}

// arcColor is the colour of relation r: its type's, else the theme's
// foreground, half transparent.
func (l *tvLayout) arcColor(r annotate.Relation) color.Color {
	if s := l.v.schema; s != nil {
		if rl, ok := s.RelationLayer(r.Layer); ok {
			if t, ok := rl.Type(r.Type); ok && t.Color != "" {
				return labelColor(t.Color)
			}
		}
	}
	th := l.v.Theme()
	return tvAlpha(th.Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant()), 0xb0)
}

// arcH is the height of line ln's arc band.
func (l *tvLayout) arcH(ln tvLine) float32 { return float32(ln.arcs) * tvArcLevelH * l.v.zoom }

// line draws a line segment from the pool.
func (r *tvRenderer) line(c color.Color, x0, y0, x1, y1, w float32) {
	if r.nl == len(r.lines) {
		r.lines = append(r.lines, canvas.NewLine(c))
	}
	o := r.lines[r.nl]
	r.nl++
	o.StrokeColor, o.StrokeWidth = c, w
	o.Position1, o.Position2 = fyne.NewPos(x0, y0), fyne.NewPos(x1, y1)
	o.Refresh()
}

// arcs draws the arcs of line li in its band, whose foot is at y (the top
// of the text).
func (r *tvRenderer) arcs(li int, y float32, bg color.Color) {
	l := &r.v.lay
	z := r.v.zoom
	levelH := tvArcLevelH * z
	tagSize := l.m.capSize * 0.85
	for _, a := range l.lineArcs[li] {
		top := y - float32(a.level+1)*levelH + levelH*0.35
		foot := y - 1
		// the two legs (a stub has one, at its span's end) and the span
		if !a.stubIn || !a.toRight {
			r.line(a.color, a.x0, foot, a.x0, top, 1.2)
		}
		if !a.stubIn || a.toRight {
			r.line(a.color, a.x1, foot, a.x1, top, 1.2)
		}
		if a.stubOut || a.stubIn {
			// the edge end has no leg: the arc runs off the line
		}
		r.line(a.color, a.x0, top, a.x1, top, 1.2)
		// the arrowhead at the target's end
		tip, ty := a.x1, foot
		if !a.toRight {
			tip = a.x0
		}
		if a.stubOut {
			// the target is on another line: the arrow points at the edge
			ty = top
			dir := float32(1)
			if !a.toRight {
				dir = -1
			}
			r.line(a.color, tip, ty, tip-dir*4*z, ty-3*z, 1.2)
			r.line(a.color, tip, ty, tip-dir*4*z, ty+3*z, 1.2)
		} else if !(a.stubIn && ((a.toRight && tip == a.x0) || (!a.toRight && tip == a.x1))) {
			r.line(a.color, tip, ty, tip-3*z, ty-4*z, 1.2)
			r.line(a.color, tip, ty, tip+3*z, ty-4*z, 1.2)
		}
		// the type, on the arc
		w := l.capWidth(a.typ) * 0.85
		x := (a.x0 + a.x1 - w) / 2
		r.rect(bg, x-1, top-tagSize*0.6, w+2, tagSize*1.2)
		r.text(a.typ, a.color, tagSize, x, top-tagSize*0.6, tagSize*1.2, fyne.TextStyle{})
	}
}
