// Relations in the document view: arcs above the text of each line,
// levelled so that they can be read, with an arrowhead at the target and
// the type written on the arc; a relation between spans on different
// lines is an arc to the edge of each line (an edge marker).

package app

import (
	"cmp"
	"image/color"
	"math"
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
	id      int64 // the relation's
}

// tvArcLevelH is the height of a level of arcs at zoom 1.
const tvArcLevelH = 14

// tvRelEnds is a relation as the layout drew it: its type and ends, and
// where the middles of its two spans were laid out (line and x; lf < 0
// when an end is not a span of the document: no arc). The layout keeps
// one per relation, in the document's order, to work out after an edit
// which lines' arcs changed.
type tvRelEnds struct {
	id, from, to int64
	layer, typ   string
	lf, lt       int32
	xf, xt       float32
}

// tvRebroken is what update's rebreak did to the lines: it replaced old
// lines [from, oldEnd) by new lines [from, newEnd) (ok: it did).
type tvRebroken struct {
	ok                   bool
	from, oldEnd, newEnd int
}

// added is the number of lines the rebreak added (negative: removed).
func (r tvRebroken) added() int {
	if !r.ok {
		return 0
	}
	return r.newEnd - r.oldEnd
}

// tvSpanSnap is what the layout of a span depends on: where it is (what
// the arcs of its relations depend on), its layer and label.
type tvSpanSnap struct {
	id           int64
	start, end   int32
	layer, label string
}

func spanSnap(s *annotate.Span) tvSpanSnap {
	return tvSpanSnap{s.ID, int32(s.Start), int32(s.End), s.Layer, s.Label}
}

// spanDiff compares the spans with the last layout's: old[i0:j0] became
// spans[i0:j1].
func (l *tvLayout) spanDiff(spans []annotate.Span) (i0, j0, j1 int) {
	old := l.spanSnap
	for i0 < len(old) && i0 < len(spans) && old[i0] == spanSnap(&spans[i0]) {
		i0++
	}
	j0, j1 = len(old), len(spans)
	for j0 > i0 && j1 > i0 && old[j0-1] == spanSnap(&spans[j1-1]) {
		j0--
		j1--
	}
	return i0, j0, j1
}

// indexArcs gives each line the arcs of the relations between its spans
// (of any layer, hidden ones included: a dependency tree's words), levels
// assigned shortest first so that nested arcs stack, and sets the lines'
// arc levels: for the whole document, after a full layout.
func (l *tvLayout) indexArcs() {
	v := l.v
	nl := len(l.lines)
	l.lineArcs = grow(l.lineArcs, nl)
	for i := range l.lineArcs {
		l.lineArcs[i] = l.lineArcs[i][:0]
	}
	clear(l.arcColors)
	if l.arcColors == nil {
		l.arcColors = map[[2]string]color.Color{}
	}
	l.spanSnap = l.spanSnap[:0]
	clear(l.spanPos)
	if l.spanPos == nil {
		l.spanPos = map[int64]tvSpanSnap{}
	}
	l.relEnds = l.relEnds[:0]
	l.arcsBuilt, l.spanPosOK, l.spanDiffOK = true, false, false
	if v.doc == nil {
		for i := range l.lines {
			l.lines[i].arcs = 0
		}
		return
	}
	for _, s := range v.doc.Spans {
		p := spanSnap(&s)
		l.spanSnap = append(l.spanSnap, p)
		if len(v.doc.Relations) > 0 {
			l.spanPos[s.ID] = p
		}
	}
	l.spanPosOK = len(v.doc.Relations) > 0
	for _, r := range v.doc.Relations {
		e := tvRelEnds{id: r.ID, from: r.From, to: r.To, layer: r.Layer, typ: r.Type}
		l.arcEnds(&e)
		l.relEnds = append(l.relEnds, e)
		l.addArcs(e, nil)
	}
	for li := range l.lineArcs {
		l.levelArcs(li)
	}
	l.arcLines = len(l.lines)
}

// updateArcs brings the arcs up to date after an edit (update), redoing
// only the lines it touched: the lines rebreak laid out again and the
// lines of the relations that were added, removed, retyped or reversed
// or whose spans moved (their old lines and their new ones). It compares
// the spans and relations with the last layout's, keeps the ends of the
// other relations (their lines shifted by the lines rebreak added or
// removed), and makes the arcs of a line it redoes from all the relations
// with an end on it, in the document's order, as indexArcs does: so the
// arcs are those indexArcs would make.
func (l *tvLayout) updateArcs() {
	v := l.v
	if !l.arcsBuilt || v.doc == nil || len(l.charX) == 0 || len(l.lineArcs) != len(l.lines)-l.rb.added() ||
		len(v.doc.Relations) > 0 && !l.spanPosOK {
		l.indexArcs()
		return
	}
	nl := len(l.lines)
	dirty := grow(l.arcDirty, nl)
	clear(dirty)
	l.arcDirty = dirty
	rb := l.rb
	if rb.ok {
		l.lineArcs = slices.Replace(l.lineArcs, rb.from, rb.oldEnd, make([][]tvArc, rb.newEnd-rb.from)...)
		for li := rb.from; li < rb.newEnd; li++ {
			dirty[li] = true
		}
	}
	// where an old line is now, -1 if laid out again
	shift := func(li int32) int32 {
		switch {
		case !rb.ok || li < int32(rb.from):
			return li
		case li < int32(rb.oldEnd):
			return -1
		}
		return li + int32(rb.added())
	}
	// the spans that moved (came, went or changed place)
	spans := v.doc.Spans
	old := l.spanSnap
	var i0, j0, j1 int
	if l.spanDiffOK {
		i0, j0, j1 = l.spanDiffAt[0], l.spanDiffAt[1], l.spanDiffAt[2]
		l.spanDiffOK = false
	} else {
		i0, j0, j1 = l.spanDiff(spans)
	}
	moved := l.movedSpans
	clear(moved)
	if moved == nil {
		moved = map[int64]bool{}
		l.movedSpans = moved
	}
	for _, p := range old[i0:j0] {
		if l.spanPosOK {
			delete(l.spanPos, p.id)
		}
		moved[p.id] = true
	}
	mid := make([]tvSpanSnap, j1-i0)
	for k := range spans[i0:j1] {
		s := &spans[i0+k]
		p := spanSnap(s)
		mid[k] = p
		if l.spanPosOK {
			l.spanPos[s.ID] = p
		}
		moved[s.ID] = true
	}
	l.spanSnap = slices.Replace(old, i0, j0, mid...)
	// the relations, old and new, merged by ID (the document keeps them
	// in ID order; any order gives the right arcs, only more work)
	mark := func(e tvRelEnds, shifted bool) {
		if e.lf < 0 {
			return
		}
		lf, lt := e.lf, e.lt
		if shifted {
			lf, lt = shift(lf), shift(lt)
		}
		if lf >= 0 {
			dirty[lf] = true
		}
		if lt >= 0 {
			dirty[lt] = true
		}
	}
	prev, out := l.relEnds, l.relEndsOld[:0]
	i := 0
	touched := rb.ok
	for _, r := range v.doc.Relations {
		for i < len(prev) && prev[i].id < r.ID {
			mark(prev[i], true) // removed
			touched = true
			i++
		}
		if i < len(prev) && prev[i].id == r.ID {
			o := prev[i]
			i++
			e := o
			e.from, e.to, e.layer, e.typ = r.From, r.To, r.Layer, r.Type
			if e.lf >= 0 {
				e.lf, e.lt = shift(o.lf), shift(o.lt)
			}
			if e.lf < 0 || e.lt < 0 || e.from != o.from || e.to != o.to || len(moved) > 0 && (moved[e.from] || moved[e.to]) {
				l.arcEnds(&e)
			}
			if e.from != o.from || e.to != o.to || e.layer != o.layer || e.typ != o.typ ||
				e.lf >= 0 && (e.xf != o.xf || e.xt != o.xt || e.lf != shift(o.lf) || e.lt != shift(o.lt)) || (e.lf < 0) != (o.lf < 0) {
				mark(o, true)
				mark(e, false)
				touched = true
			}
			out = append(out, e)
			continue
		}
		e := tvRelEnds{id: r.ID, from: r.From, to: r.To, layer: r.Layer, typ: r.Type} // added
		l.arcEnds(&e)
		mark(e, false)
		touched = true
		out = append(out, e)
	}
	for ; i < len(prev); i++ {
		mark(prev[i], true)
		touched = true
	}
	l.relEnds, l.relEndsOld = out, prev
	l.arcLines = 0
	if !touched {
		return
	}
	for li, d := range dirty {
		if d {
			l.lineArcs[li] = l.lineArcs[li][:0]
		}
	}
	for _, e := range out {
		if e.lf >= 0 && (dirty[e.lf] || dirty[e.lt]) {
			l.addArcs(e, dirty)
		}
	}
	for li, d := range dirty {
		if d {
			l.levelArcs(li)
			l.arcLines++
		}
	}
}

// arcEnds sets where the ends of e are laid out: the line and the middle
// of each span (on its first line), lf = -1 if a span is not there.
func (l *tvLayout) arcEnds(e *tvRelEnds) {
	f, okf := l.spanPos[e.from]
	t, okt := l.spanPos[e.to]
	if !okf || !okt || len(l.charX) == 0 {
		e.lf, e.lt, e.xf, e.xt = -1, -1, 0, 0
		return
	}
	n := len(l.charX)
	mid := func(s tvSpanSnap) (int32, float32) {
		a := min(max(int(s.start), 0), n-1)
		li := l.lineOf(a)
		z := min(int(s.end), int(l.lines[li].end), n) - 1
		return int32(li), (l.charX[a] + l.charX[z] + l.charW[z]) / 2
	}
	e.lf, e.xf = mid(f)
	e.lt, e.xt = mid(t)
}

// addArcs adds the arcs of relation e to its lines (only to the lines
// set in only, if not nil).
func (l *tvLayout) addArcs(e tvRelEnds, only []bool) {
	if e.lf < 0 {
		return
	}
	c, ok := l.arcColors[[2]string{e.layer, e.typ}]
	if !ok {
		c = l.arcColor(e.layer, e.typ)
		l.arcColors[[2]string{e.layer, e.typ}] = c
	}
	add := func(li int32, a tvArc) {
		if only == nil || only[li] {
			l.lineArcs[li] = append(l.lineArcs[li], a)
		}
	}
	lf, lt, xf, xt := e.lf, e.lt, e.xf, e.xt
	switch {
	case lf == lt:
		add(lf, tvArc{x0: min(xf, xt), x1: max(xf, xt), toRight: xt >= xf, typ: e.typ, color: c, id: e.id})
	case lt > lf: // the target below: to the right edge, then from the left edge
		add(lf, tvArc{x0: xf, x1: l.width - tvPad/2, toRight: true, stubOut: true, typ: e.typ, color: c, id: e.id})
		add(lt, tvArc{x0: tvPad / 2, x1: xt, toRight: true, stubIn: true, typ: e.typ, color: c, id: e.id})
	default: // the target above: to the left edge, then from the right edge
		add(lf, tvArc{x0: tvPad / 2, x1: xf, toRight: false, stubOut: true, typ: e.typ, color: c, id: e.id})
		add(lt, tvArc{x0: xt, x1: l.width - tvPad/2, toRight: false, stubIn: true, typ: e.typ, color: c, id: e.id})
	}
}

// levelArcs assigns the levels of line li's arcs, shortest first, each
// the lowest free over its extent, and sets the line's arc levels.
func (l *tvLayout) levelArcs(li int) {
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
	used := l.arcUsed[:0]
	for k := range arcs {
		a := &arcs[k]
		// the lowest level that no arc placed before it and overlapping
		// it (with 2 units of room) is on
		used = used[:0]
		for _, o := range arcs[:k] {
			if o.x0 <= a.x1+2 && a.x0 <= o.x1+2 {
				used = append(used, o.level)
			}
		}
		lv := 0
		for slices.Contains(used, lv) {
			lv++
		}
		a.level = lv
		levels = max(levels, lv+1)
	}
	l.arcUsed = used
	l.lines[li].arcs = levels
}

// arcColor is the colour of the relations of type typ of layer: the
// type's, else the theme's foreground, half transparent.
func (l *tvLayout) arcColor(layer, typ string) color.Color {
	if s := l.v.schema; s != nil {
		if rl, ok := s.RelationLayer(layer); ok {
			if t, ok := rl.Type(typ); ok && t.Color != "" {
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

// arcGeom is where arc a of a line whose text starts at y is drawn: the
// height of its span (top), and the box of its type tag (centred on the
// arc, kept inside the view).
func (l *tvLayout) arcGeom(a tvArc, y float32) (top, tagX, tagY, tagW, tagH float32) {
	levelH := tvArcLevelH * l.v.zoom
	tagSize := l.m.capSize * 0.85
	top = y - float32(a.level+1)*levelH + levelH*0.35
	w := l.capWidth(a.typ) * 0.85
	// centred on the arc, inside the view (a short arc at a line's edge
	// has a tag wider than itself)
	x := min(max((a.x0+a.x1-w)/2, 1), l.width-w-1)
	return top, x - 1, top - tagSize*0.6, w + 2, tagSize * 1.2
}

// arcAt is the relation whose arc is at p (widget coordinates): its type
// tag, else the nearest of its span and legs within a few units; 0 if
// none.
func (l *tvLayout) arcAt(p fyne.Position) int64 {
	if len(l.lines) == 0 {
		return 0
	}
	li := l.lineAtY(p.Y)
	ln := l.lines[li]
	y := ln.y + l.arcH(ln)
	if ln.arcs == 0 || p.Y < ln.y || p.Y > y {
		return 0
	}
	arcs := l.lineArcs[li]
	for k := len(arcs) - 1; k >= 0; k-- { // the tag drawn last is on top
		_, tx, ty, tw, th := l.arcGeom(arcs[k], y)
		if p.X >= tx && p.X <= tx+tw && p.Y >= ty && p.Y <= ty+th {
			return arcs[k].id
		}
	}
	best, bestD := int64(0), 4*max(l.v.zoom, 1)
	for _, a := range arcs {
		top, _, _, _, _ := l.arcGeom(a, y)
		d := segDist(p, a.x0, top, a.x1, top)
		d = min(d, segDist(p, a.x0, top, a.x0, y), segDist(p, a.x1, top, a.x1, y))
		if d <= bestD {
			best, bestD = a.id, d
		}
	}
	return best
}

// segDist is the distance from p to the horizontal or vertical segment
// (x0, y0)–(x1, y1).
func segDist(p fyne.Position, x0, y0, x1, y1 float32) float32 {
	dx := max(min(x0, x1)-p.X, p.X-max(x0, x1), 0)
	dy := max(min(y0, y1)-p.Y, p.Y-max(y0, y1), 0)
	return float32(math.Hypot(float64(dx), float64(dy)))
}

// arcs draws the arcs of line li in its band, whose foot is at y (the top
// of the text), the selected relation's thicker: their lines, cut where
// they would cross a type tag (the canvas draws every line over every
// rectangle: a tag's background cannot hide them), and the tags.
func (r *tvRenderer) arcs(li int, y float32, bg color.Color) {
	l := &r.v.lay
	z := r.v.zoom
	tagSize := l.m.capSize * 0.85
	arcs := l.lineArcs[li]
	tags := r.tagBoxes[:0]
	for _, a := range arcs {
		_, tx, ty, tw, th := l.arcGeom(a, y)
		tags = append(tags, [4]float32{tx, ty, tx + tw, ty + th})
	}
	r.tagBoxes = tags
	for _, a := range arcs {
		top, _, _, _, _ := l.arcGeom(a, y)
		foot := y - 1
		sw := float32(1.2)
		if a.id == r.v.selRel {
			sw = 2.6
		}
		// the two legs (a stub has one, at its span's end) and the span
		if !a.stubIn || !a.toRight {
			r.cutLine(a.color, a.x0, foot, a.x0, top, sw)
		}
		if !a.stubIn || a.toRight {
			r.cutLine(a.color, a.x1, foot, a.x1, top, sw)
		}
		r.cutLine(a.color, a.x0, top, a.x1, top, sw)
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
			r.line(a.color, tip, ty, tip-dir*4*z, ty-3*z, sw)
			r.line(a.color, tip, ty, tip-dir*4*z, ty+3*z, sw)
		} else if !(a.stubIn && ((a.toRight && tip == a.x0) || (!a.toRight && tip == a.x1))) {
			r.line(a.color, tip, ty, tip-3*z, ty-4*z, sw)
			r.line(a.color, tip, ty, tip+3*z, ty-4*z, sw)
		}
	}
	// the types, on the arcs
	for k, a := range arcs {
		b := tags[k]
		style := fyne.TextStyle{}
		if a.id == r.v.selRel {
			style = fyne.TextStyle{Bold: true}
		}
		r.rect(bg, b[0], b[1], b[2]-b[0], b[3]-b[1])
		r.text(a.typ, a.color, tagSize, b[0]+1, b[1], b[3]-b[1], style)
	}
}

// cutLine draws the horizontal or vertical line (x0, y0)–(x1, y1) but
// where it crosses the type tags of the line's arcs (tagBoxes).
func (r *tvRenderer) cutLine(c color.Color, x0, y0, x1, y1, w float32) {
	vertical := x0 == x1
	a, b := min(x0, x1), max(x0, x1)
	if vertical {
		a, b = min(y0, y1), max(y0, y1)
	}
	// the parts of [a, b] the tags cover, in order
	cuts := r.cuts[:0]
	for _, t := range r.tagBoxes {
		if vertical && t[0] <= x0 && x0 <= t[2] {
			cuts = append(cuts, [2]float32{t[1], t[3]})
		} else if !vertical && t[1] <= y0 && y0 <= t[3] {
			cuts = append(cuts, [2]float32{t[0], t[2]})
		}
	}
	slices.SortFunc(cuts, func(p, q [2]float32) int { return cmp.Compare(p[0], q[0]) })
	r.cuts = cuts
	for _, cu := range cuts {
		if cu[1] <= a || cu[0] >= b {
			continue
		}
		if cu[0] > a {
			r.axisLine(c, vertical, x0, y0, a, cu[0], w)
		}
		a = max(a, cu[1])
	}
	if a < b {
		r.axisLine(c, vertical, x0, y0, a, b, w)
	}
}

// axisLine draws [a, b] of the vertical line at x0 or the horizontal one
// at y0.
func (r *tvRenderer) axisLine(c color.Color, vertical bool, x0, y0, a, b, w float32) {
	if vertical {
		r.line(c, x0, a, x0, b, w)
	} else {
		r.line(c, a, y0, b, y0, w)
	}
}
