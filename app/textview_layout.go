// The document view's layout: the metrics at the zoom, line breaking as
// in Chinese typesetting, the per-line index of spans and marks, and the
// mapping between positions on screen and offsets in the text.

package app

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"sort"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// Spacing of the view, in Fyne units at zoom 1.
const (
	tvPad      = 8 // left and right
	tvTop      = 6
	tvGap      = 3 // between tokens when boundaries are shown
	tvLineGap  = 6
	tvParaGap  = 8
	tvLaneGap  = 2
	tvTextUp   = 4 // word text is this much larger than the theme's text
	tvTagScale = 0.8
	tvHintGap  = 3 // between a POS tag and a pinyin hint
	tvTagRoom  = 5 // room around a span tag: 2 before it (where it is drawn), 3 after
)

// tvMetrics are the sizes a layout was made with.
type tvMetrics struct {
	key                        string
	textSize, capSize, tagSize float32
	textH, capH, tagH, laneH   float32
}

// tvLine is one visual line: code points [start, end) (trailing spaces
// and the line break included), fragments [frag0, frag1).
type tvLine struct {
	start, end   int32
	frag0, frag1 int32
	y, h         float32
	para         bool // the first line of a paragraph (not the first one)
	lanes        int
	arcs         int // levels of relation arcs above the text
}

// tvFrag is the part of a token (tok >= 0) or of text outside tokens
// (tok == -1) on one line: code points [start, end), box [x0, x1).
type tvFrag struct {
	tok        int32
	start, end int32
	x0, x1     float32
}

// tvLayout is the line table of a textView.
type tvLayout struct {
	v      *textView
	dirty  bool
	width  float32
	height float32
	m      tvMetrics
	posRow bool

	lines []tvLine
	frags []tvFrag
	charX []float32 // x of each code point's glyph
	charW []float32 // width of each code point's glyph

	// scratch of the line breaking
	adv     []float32
	lead    []float32
	flags   []uint8
	spanTag []float32 // the room the tags of spans starting at a code point need
	widen   []float32 // room added after a code point for the tag of the span before
	tagAt   []int32   // the code points tagRoom set spanTag or widen at (0 elsewhere)

	// what update compares with: the last layout's tag room, tokens and
	// text; the lines it re-broke (code points placed), for the tests
	spanTagOld, widenOld []float32
	tagAtOld             []int32
	snapToks             []tvTokSnap
	textGen              int
	doc                  *annotate.Document
	marks0               tvMarksKey
	rebroken             int
	midLines             []tvLine // scratch of rebreak
	tagIDs               []int32  // scratch of tagRoom
	midFrags             []tvFrag

	// span and mark index
	lanes       []int   // per doc.Spans index
	lineSpanOff []int32 // CSR: spans on line i are lineSpans[off[i]:off[i+1]]
	lineSpans   []int32
	marks       []text.Mark
	lineMarkOff []int32
	lineMarks   []int32

	lineArcs [][]tvArc // the relation arcs of each line

	// what updateArcs compares with: the relations' ends as last laid
	// out (and a second buffer), the spans' places in order and by ID
	// (spanPos kept only while the document has relations: spanPosOK),
	// what rebreak did to the lines; arcs' colours by layer and type
	relEnds, relEndsOld []tvRelEnds
	spanSnap            []tvSpanSnap
	spanPos             map[int64]tvSpanSnap
	spanPosOK           bool
	arcsBuilt           bool
	rb                  tvRebroken
	spanDiffAt          [3]int // spanDiff's answer, when update asked it already (spanDiffOK)
	spanDiffOK          bool
	movedSpans          map[int64]bool
	arcDirty            []bool
	arcUsed             []int
	arcColors           map[[2]string]color.Color
	arcLines            int // the lines whose arcs the last layout made (for the tests)

	tokHint map[int]string // pinyin hints by token

	ntoks, nspans int  // the document's counts when it was laid out
	syncing       bool // inside relayout or sync

	runeW map[rune]float32
	bmpW  []float32 // widths of the Basic Multilingual Plane, 0 = not measured, -1 = none
	capW  map[string]float32
	tagW  map[string]float32
}

// Per-code-point flags of the line breaking.
const (
	fBreak  = 1 << iota // a line may break before this code point (between tokens)
	fSoft               // prose may break before it (also inside a token, as Han text may)
	fForce              // a line must break before it
	fSpace              // white space: hangs at the line end
	fTokEnd             // the last code point of a token
)

// metrics returns the sizes for the current theme and zoom.
func (l *tvLayout) metrics() tvMetrics {
	th := l.v.Theme()
	z := l.v.zoom
	if z <= 0 {
		z = 1
	}
	m := tvMetrics{
		textSize: (th.Size(theme.SizeNameText) + tvTextUp) * z,
		capSize:  th.Size(theme.SizeNameCaptionText) * z,
	}
	m.tagSize = m.capSize * tvTagScale
	probe := fyne.MeasureText("中a", m.textSize, fyne.TextStyle{})
	m.key = fmt.Sprintf("%T/%g/%g/%g", th, m.textSize, m.capSize, probe.Width)
	m.textH = probe.Height
	m.capH = fyne.MeasureText("Ag", m.capSize, fyne.TextStyle{}).Height
	m.tagH = fyne.MeasureText("Ag", m.tagSize, fyne.TextStyle{}).Height
	m.laneH = m.tagH + tvLaneGap
	return m
}

// metricsChanged reports whether the theme or zoom changed the sizes.
func (l *tvLayout) metricsChanged() bool {
	return l.metrics().key != l.m.key
}

// glyphW is the cached width of r at the text size.
func (l *tvLayout) glyphW(r rune) float32 {
	if r < 0x10000 {
		if l.bmpW == nil {
			l.bmpW = make([]float32, 0x10000)
		}
		if w := l.bmpW[r]; w != 0 {
			return max(w, 0) // -1: measured, no width
		}
	} else if w, ok := l.runeW[r]; ok {
		return w
	}
	var w float32
	switch r {
	case '\n', '\r':
		w = 0
	case '\t':
		w = 4 * l.glyphW(' ')
	default:
		w = fyne.MeasureText(string(r), l.m.textSize, fyne.TextStyle{}).Width
	}
	if r < 0x10000 {
		l.bmpW[r] = w // 0 means "not measured"
		if w == 0 {
			l.bmpW[r] = -1
		}
	} else {
		l.runeW[r] = w
	}
	return w
}

// posText is what the POS row shows under token t: its POS (if shown)
// and the pinyin hint of a damage mark in it.
func (l *tvLayout) posText(t int) (pos, hint string) {
	if l.v.showPOS {
		pos = l.v.doc.Tokens[t].POS
	}
	return pos, l.tokHint[t]
}

// capWidth is the cached width of a POS tag or hint.
func (l *tvLayout) capWidth(s string) float32 {
	if s == "" {
		return 0
	}
	if w, ok := l.capW[s]; ok {
		return w
	}
	w := fyne.MeasureText(s, l.m.capSize, fyne.TextStyle{}).Width
	l.capW[s] = w
	return w
}

// fitTag returns the longest prefix of a label's name (at least its first
// character) that fits in width.
func (l *tvLayout) fitTag(name string, width float32) string {
	rs := []rune(name)
	for n := len(rs); n > 1; n-- {
		s := string(rs[:n])
		if l.tagWidth(s) <= width {
			return s
		}
	}
	if len(rs) == 0 {
		return ""
	}
	return string(rs[:1])
}

// relayout breaks the document into lines if it is dirty and the width is
// known. It reports whether it did.
func (l *tvLayout) relayout() bool {
	if !l.dirty || l.width <= 0 {
		return false
	}
	l.dirty = false
	if m := l.metrics(); m.key != l.m.key {
		l.m = m
		l.runeW, l.capW, l.tagW = map[rune]float32{}, map[string]float32{}, map[string]float32{}
		clear(l.bmpW)
	}
	l.syncing = true
	defer func() { l.syncing = false }()
	l.breakLines()
	l.index()
	l.indexArcs()
	l.place()
	l.snapshot()
	return true
}

// update lays the document out again after its tokens or spans changed
// (an edit, undo or redo), re-breaking only the lines the change touches:
// it compares the tokens and spans with those of the last layout, works
// out the code points whose widths, break flags or tag room changed, and
// breaks lines again from a line a little before the first of them to the
// first line start after the last of them that the old layout also
// started a line at; the lines before and after are kept (their token
// indices shifted when tokens were split or merged). Spans are indexed
// and lines placed again in full (cheap: no measuring), unless neither
// tokens nor spans changed (a relation edit): then only the arcs of the
// lines the change touches are made again (updateArcs). Anything else (no
// layout yet, another text, width, zoom, options) is a full relayout.
func (l *tvLayout) update() {
	v := l.v
	if l.dirty || l.width <= 0 || v.doc == nil || l.textGen != v.textGen || l.doc != v.doc || l.marks0 != marksKey(v.doc) ||
		len(l.charX) != len(v.runes) || len(l.spanTag) != len(v.runes) || len(l.widen) != len(v.runes) || l.m.key == "" {
		l.dirty = true
		l.relayout()
		return
	}
	l.syncing = true
	defer func() { l.syncing = false }()
	rs, toks := v.runes, v.doc.Tokens
	n := len(rs)
	l.rebroken = 0

	// the tokens that changed: old[i0:j0] became toks[i0:j1]
	old := l.snapToks
	i0 := 0
	for i0 < len(old) && i0 < len(toks) && old[i0].same(toks[i0]) {
		i0++
	}
	j0, j1 := len(old), len(toks)
	for j0 > i0 && j1 > i0 && old[j0-1].same(toks[j1-1]) {
		j0--
		j1--
	}
	l.rb = tvRebroken{}
	l.spanDiffOK = false
	if i0 == len(old) && len(old) == len(toks) {
		si0, sj0, sj1 := l.spanDiff(v.doc.Spans)
		l.spanDiffAt, l.spanDiffOK = [3]int{si0, sj0, sj1}, true // for updateArcs
		if si0 == sj0 && si0 == sj1 {
			// neither tokens nor spans changed (a relation edit): the
			// lines and the spans' lanes stay, only arcs may change
			l.updateArcs()
			l.place()
			return
		}
	}
	ds, de := n, 0 // the code points to lay out again
	if i0 < j0 {
		ds, de = min(ds, int(old[i0].start)), max(de, int(old[j0-1].end))
	}
	if i0 < j1 {
		ds, de = min(ds, toks[i0].Start), max(de, toks[j1-1].End)
	}
	l.hints()
	if ds < de {
		// whole tokens: a token's padding is at its ends
		ds, de = max(ds, 0), min(de, n)
		if k := v.tokenIndexAt(ds); k >= 0 {
			ds = min(ds, toks[k].Start)
		}
		if k := v.tokenIndexAt(de - 1); k >= 0 {
			de = max(de, min(toks[k].End, n))
		}
		l.prepare(ds, de)
	}
	// the tag room of the spans, compared with the last layout's
	l.spanTag, l.spanTagOld = l.spanTagOld, l.spanTag
	l.widen, l.widenOld = l.widenOld, l.widen
	l.tagAt, l.tagAtOld = l.tagAtOld, l.tagAt
	l.tagRoom(rs)
	if len(l.spanTagOld) != n || len(l.widenOld) != n {
		ds, de = 0, n
	}
	// they can differ only where either set them (both are 0 elsewhere):
	// the first code point before ds and the last from de on where they
	// differ widen the range (a scan of every code point took 1 ms a key
	// on a 1 MB document)
	ds0, de0 := ds, de
	for _, at := range [2][]int32{l.tagAt, l.tagAtOld} {
		for _, c := range at {
			if c := int(c); (c < ds0 || c >= de0) && (l.spanTag[c] != l.spanTagOld[c] || l.widen[c] != l.widenOld[c]) {
				if c < ds0 {
					ds = min(ds, c)
				}
				if c >= de0 {
					de = max(de, c+1)
				}
			}
		}
	}
	if ds < de {
		l.rebreak(ds, de, j1-j0)
	} else if d := j1 - j0; d != 0 {
		l.shiftTokens(0, d)
	}
	l.index()
	l.updateArcs()
	l.place()
	// the snapshot: the tokens that changed replaced
	snap := l.snapToks
	if j1-i0 != j0-i0 {
		snap = slices.Replace(snap, i0, j0, make([]tvTokSnap, j1-i0)...)
	}
	for i := i0; i < j1; i++ {
		t := toks[i]
		snap[i] = tvTokSnap{int32(t.Start), int32(t.End), t.POS}
	}
	l.snapToks = snap
	l.ntoks, l.nspans = len(toks), len(v.doc.Spans)
}

// tvTokSnap is what the layout of a token depends on.
type tvTokSnap struct {
	start, end int32
	pos        string
}

func (s tvTokSnap) same(t text.Token) bool {
	return int(s.start) == t.Start && int(s.end) == t.End && s.pos == t.POS
}

// snapshot records the tokens and the text the layout was made from, for
// update to compare with.
func (l *tvLayout) snapshot() {
	v := l.v
	l.textGen, l.doc, l.marks0 = v.textGen, v.doc, marksKey(v.doc)
	l.snapToks = l.snapToks[:0]
	if v.doc == nil {
		l.ntoks, l.nspans = 0, 0
		return
	}
	for _, t := range v.doc.Tokens {
		l.snapToks = append(l.snapToks, tvTokSnap{int32(t.Start), int32(t.End), t.POS})
	}
	l.ntoks, l.nspans = len(v.doc.Tokens), len(v.doc.Spans)
}

// tvMarksKey identifies the marks of a document (edits do not change
// them): their array and number.
type tvMarksKey struct {
	first *text.Mark
	n     int
}

func marksKey(d *annotate.Document) tvMarksKey {
	if d == nil || len(d.Report.Marks) == 0 {
		return tvMarksKey{}
	}
	return tvMarksKey{&d.Report.Marks[0], len(d.Report.Marks)}
}

// tokenIndexAt is the token holding code point off, -1 if none.
func (v *textView) tokenIndexAt(off int) int {
	toks := v.doc.Tokens
	i := sort.Search(len(toks), func(i int) bool { return toks[i].End > off })
	if i < len(toks) && toks[i].Start <= off {
		return i
	}
	return -1
}

// hints indexes the pinyin hints of damage marks by token.
func (l *tvLayout) hints() {
	v := l.v
	clear(l.tokHint)
	if l.tokHint == nil {
		l.tokHint = map[int]string{}
	}
	if v.doc != nil {
		toks := v.doc.Tokens
		for _, mk := range v.doc.Report.Marks {
			h := strings.TrimSpace(mk.Original)
			if mk.Kind != text.MarkPinyinHint || h == "" {
				continue
			}
			if t := v.tokenAtOffset(mk.Start); t >= 0 && toks[t].Start <= mk.Start {
				if old := l.tokHint[t]; old != "" {
					h = old + " " + h
				}
				l.tokHint[t] = h
			}
		}
	}
	l.posRow = v.showPOS || len(l.tokHint) > 0
}

// breakLines fills charX, charW, lines and frags for the whole document.
func (l *tvLayout) breakLines() {
	v := l.v
	rs := v.runes
	n := len(rs)
	l.charX = grow(l.charX, n)
	l.charW = grow(l.charW, n)
	l.adv = grow(l.adv, n)
	l.lead = grow(l.lead, n)
	l.flags = grow(l.flags, n)
	l.hints()
	l.prepare(0, n)
	l.tagRoom(rs)
	l.lines, l.frags = l.lines[:0], l.frags[:0]
	l.rebroken = 0
	l.lines, l.frags, _ = l.flow(0, false, 0, -1, l.lines, l.frags)
}

// prepare sets the widths, advances and break flags of code points [s, e),
// which begin and end at token edges (or hold no token).
func (l *tvLayout) prepare(s, e int) {
	v := l.v
	rs := v.runes
	n := len(rs)
	var toks []text.Token
	if v.doc != nil {
		toks = v.doc.Tokens
	}
	gap := l.gap()
	// glyph widths and advances
	for i := s; i < e; i++ {
		r := rs[i]
		w := l.glyphW(r)
		l.charW[i], l.adv[i], l.lead[i] = w, w, 0
		var f uint8
		if isSpace(r) {
			f |= fSpace
		}
		if i > 0 {
			p := rs[i-1]
			switch {
			case p == '\n':
				f |= fForce | fBreak | fSoft
			case f&fSpace != 0:
			case isSpace(p):
				f |= fBreak | fSoft
			case isClosing(r) || isOpening(p):
			case isCJK(p) || isCJK(r):
				f |= fBreak | fSoft
			}
		}
		l.flags[i] = f
	}
	// token paddings and boundary gaps
	ti := sort.Search(len(toks), func(i int) bool { return toks[i].End > s })
	prevEnd := 0
	if ti > 0 {
		prevEnd = min(toks[ti-1].End, n)
	}
	for ; ti < len(toks) && toks[ti].Start < e; ti++ {
		t := toks[ti]
		s, e := max(t.Start, prevEnd), min(t.End, n)
		if e <= s {
			continue
		}
		prevEnd = e
		if s > 0 && l.flags[s]&fSpace == 0 && !isSpace(rs[s-1]) && !isClosing(rs[s]) && !isOpening(rs[s-1]) {
			l.flags[s] |= fBreak | fSoft // between two tokens
		}
		l.flags[e-1] |= fTokEnd
		var pad float32
		if pos, hint := l.posText(ti); pos != "" || hint != "" {
			var tw float32
			for i := s; i < e; i++ {
				tw += l.charW[i]
			}
			pw := l.capWidth(pos) + l.capWidth(hint) + 2
			if pos != "" && hint != "" {
				pw += tvHintGap
			}
			if pw > tw {
				pad = pw - tw
			}
		}
		l.lead[s] += pad / 2
		l.adv[s] += pad / 2
		l.adv[e-1] += pad/2 + gap
		// A token is a word: lines break between tokens, not inside one
		// (unless it is wider than a line: then at characters, below).
		for i := s + 1; i < e; i++ {
			if l.flags[i]&fForce == 0 {
				l.flags[i] &^= fBreak
			}
		}
	}
}

// gap is the room between tokens.
func (l *tvLayout) gap() float32 {
	if l.v.showBoundaries {
		return tvGap * l.v.zoom
	}
	return 0
}

// rebreak breaks lines again for a change of code points [ds, de) (their
// advances, flags and tag room already set), tokens after it shifted by
// dTok (split or merged), and splices the new lines into the old.
func (l *tvLayout) rebreak(ds, de, dTok int) {
	// The line to start from: the one before the line holding the start
	// of the word (chunk between two places lines break) holding ds, as a
	// narrower word may move up to the line before; a line that starts at
	// such a place, so that the flow starts as it did.
	p := ds
	for p > 0 && l.flags[p]&fBreak == 0 {
		p--
	}
	lr := max(l.lineOf(p)-1, 0)
	for lr > 0 && l.flags[l.lines[lr].start]&fBreak == 0 {
		lr--
	}
	from := int(l.lines[lr].start)
	f0 := int(l.lines[lr].frag0)
	lines, frags, resume := l.flow(from, l.lines[lr].para, f0, de, l.midLines[:0], l.midFrags[:0])
	l.midLines, l.midFrags = lines, frags
	k1, f1 := len(l.lines), len(l.frags)
	if resume >= 0 {
		k1, f1 = resume, int(l.lines[resume].frag0)
	}
	tail := k1
	l.rb = tvRebroken{ok: true, from: lr, oldEnd: k1, newEnd: lr + len(lines)}
	l.lines = slices.Replace(l.lines, lr, k1, lines...)
	l.frags = slices.Replace(l.frags, f0, f1, frags...)
	tail += len(lines) - (k1 - lr)
	dFrag := int32(len(frags) - (f1 - f0))
	for i := tail; i < len(l.lines); i++ {
		l.lines[i].frag0 += dFrag
		l.lines[i].frag1 += dFrag
	}
	if dTok != 0 && tail < len(l.lines) {
		l.shiftTokens(int(l.lines[tail].frag0), dTok)
	}
}

// shiftTokens adds d to the token index of frags [from:].
func (l *tvLayout) shiftTokens(from, d int) {
	for i := from; i < len(l.frags); i++ {
		if l.frags[i].tok >= 0 {
			l.frags[i].tok += int32(d)
		}
	}
}

// flow breaks lines from code point from, the start of a line (para: of a
// paragraph), appending them to lines and their fragments to frags (the
// first fragment's index being fragBase). With resyncAfter >= 0 it stops
// at the first line it starts at or after code point resyncAfter that the
// current layout also starts a line at, between two words, and returns
// that line's index as resume (else -1: it went to the end).
//
// Lines break as in Chinese typesetting: between tokens first,
// punctuation kept with its word; a word wider than a line (with its
// punctuation) at the places prose may break (between Han characters,
// punctuation kept with its character); a piece still wider at any
// character.
func (l *tvLayout) flow(from int, para bool, fragBase, resyncAfter int, lines []tvLine, frags []tvFrag) (_ []tvLine, _ []tvFrag, resume int) {
	v := l.v
	rs := v.runes
	n := len(rs)
	var toks []text.Token
	if v.doc != nil {
		toks = v.doc.Tokens
	}
	gap := l.gap()
	maxW := max(l.width-2*tvPad, 2*l.m.textSize)
	x := float32(0)
	ln := tvLine{start: int32(from), frag0: int32(fragBase), para: para}
	ti := sort.Search(len(toks), func(i int) bool { return toks[i].End > from })
	resume = -1
	newLine := func(at int, para bool) {
		ln.end = int32(at)
		ln.frag1 = int32(fragBase + len(frags))
		lines = append(lines, ln)
		ln = tvLine{start: int32(at), frag0: int32(fragBase + len(frags)), para: para}
		x = 0
	}
	// resync reports whether the flow, at a new line starting at code
	// point at between two words, is where the current layout is.
	resync := func(at int) bool {
		if resyncAfter < 0 || at < resyncAfter || len(lines) == 0 {
			return false
		}
		if k := l.lineOf(at); k >= 0 && int(l.lines[k].start) == at && l.lines[k].para == ln.para {
			resume = k
			return true
		}
		return false
	}
	adv := func(c int) float32 { return l.adv[c] + l.widen[c] }
	place := func(i int) {
		l.rebroken++
		l.charX[i] = tvPad + x + l.lead[i]
		f := l.flags[i]
		x += adv(i)
		if f&fSpace != 0 || rs[i] == '\n' {
			return
		}
		for ti < len(toks) && toks[ti].End <= i {
			ti++
		}
		tok := int32(-1)
		if ti < len(toks) && toks[ti].Start <= i {
			tok = int32(ti)
		}
		x1 := l.charX[i] + l.charW[i]
		if f&fTokEnd != 0 && tok >= 0 {
			x1 = tvPad + x - gap
		}
		if k := len(frags) - 1; k >= int(ln.frag0)-fragBase && frags[k].tok == tok && int(frags[k].end) == i {
			frags[k].end, frags[k].x1 = int32(i+1), x1
			return
		}
		frags = append(frags, tvFrag{tok: tok, start: int32(i), end: int32(i + 1), x0: l.charX[i] - l.lead[i], x1: x1})
	}
	// fill places [i, k) in chunks that do not break where brk is not
	// set. It reports false when the flow met the current layout again.
	var fill func(i, k int, brk uint8) bool
	fill = func(i, k int, brk uint8) bool {
		for i < k {
			if brk == fBreak && l.flags[i]&fForce != 0 && i != from {
				newLine(i, true)
				if resync(i) {
					return false
				}
			}
			// the chunk [i, j)
			j := i + 1
			for j < k && l.flags[j]&brk == 0 {
				j++
			}
			var cw, trail, tag float32
			for c := i; c < j; c++ {
				if t := l.spanTag[c]; t > 0 {
					tag = max(tag, cw+l.lead[c]+t) // a span's tag starts here
				}
				cw += adv(c)
				if l.flags[c]&fSpace != 0 || rs[c] == '\n' {
					trail += adv(c)
				} else {
					trail = 0
					if l.flags[c]&fTokEnd != 0 {
						trail = gap
					}
				}
			}
			visible := cw - trail
			if x > 0 && (x+visible > maxW || tag <= maxW && x+tag > maxW) {
				newLine(i, false) // the chunk, or the tag of a span starting in it, needs the next line
				if brk == fBreak && resync(i) {
					return false
				}
			}
			switch {
			case visible <= maxW:
				for c := i; c < j; c++ {
					place(c)
				}
			case brk == fBreak:
				fill(i, j, fSoft)
			default: // longer than a line: break at characters
				for c := i; c < j; c++ {
					if x > 0 && x+l.charW[c] > maxW && l.flags[c]&fSpace == 0 {
						newLine(c, false)
					}
					place(c)
				}
			}
			i = j
		}
		return true
	}
	if fill(from, n, fBreak) {
		ln.end = int32(n)
		ln.frag1 = int32(fragBase + len(frags))
		lines = append(lines, ln)
	} else {
		// the line just started is the current layout's line resume
		lines = lines[:len(lines)]
	}
	return lines, frags, resume
}

// tagRoom makes room for the span tags, so that a tag is never cut: it
// sets spanTag (per code point: the room the tags of the spans starting
// there need, which the line breaking keeps on their line), and widens a
// span too narrow for its tag when the next span of its layer follows on
// its heels (their bars would share a lane, the second cutting the first's
// tag short): widen is the room added after a code point.
func (l *tvLayout) tagRoom(rs []rune) {
	v := l.v
	n := len(rs)
	l.spanTag = grow(l.spanTag, n)
	clear(l.spanTag)
	l.widen = grow(l.widen, n)
	clear(l.widen)
	l.tagAt = l.tagAt[:0]
	if v.doc == nil {
		return
	}
	// the spans drawn, by layer (layers in name order), each layer's in
	// order: indices into doc.Spans, sorted (cheaper to move than spans)
	spans := v.doc.Spans
	ids := l.tagIDs[:0]
	for i, s := range spans {
		if v.hidden[s.Layer] || s.Start < 0 || s.End > n || s.Start >= s.End {
			continue
		}
		ids = append(ids, int32(i))
		l.spanTag[s.Start] = max(l.spanTag[s.Start], l.tagWidth(s.Label)+tvTagRoom)
		l.tagAt = append(l.tagAt, int32(s.Start))
	}
	slices.SortFunc(ids, func(a, b int32) int {
		sa, sb := &spans[a], &spans[b]
		return cmp.Or(strings.Compare(sa.Layer, sb.Layer), sa.Start-sb.Start, sa.End-sb.End)
	})
	l.tagIDs = ids
	for k := 1; k < len(ids); k++ {
		a, b := &spans[ids[k-1]], &spans[ids[k]]
		if a.Layer != b.Layer || b.Start < a.End {
			continue // another layer; overlapping: lanes of their own
		}
		need := l.tagWidth(a.Label) + tvTagRoom
		w := l.lead[b.Start] - l.lead[a.Start]
		for i := a.Start; i < b.Start && w < need; i++ {
			w += l.adv[i] + l.widen[i]
		}
		if w < need {
			l.widen[b.Start-1] += need - w
			l.tagAt = append(l.tagAt, int32(b.Start-1))
		}
	}
}

// tagWidth is the width of a span tag (a label's name).
func (l *tvLayout) tagWidth(name string) float32 {
	if w, ok := l.tagW[name]; ok {
		return w
	}
	w := fyne.MeasureText(name, l.m.tagSize, fyne.TextStyle{}).Width
	l.tagW[name] = w
	return w
}

// index assigns lanes to the spans and indexes spans and marks per line.
func (l *tvLayout) index() {
	v := l.v
	var spans []annotate.Span
	var marks []text.Mark
	if v.doc != nil {
		spans = v.doc.Spans
		marks = v.doc.Report.Marks
	}
	// lanes: a band per layer, the active layer's first
	order := []string{}
	if v.activeLayer != "" {
		order = append(order, v.activeLayer)
	}
	if v.schema != nil {
		for _, ly := range v.schema.Layers {
			if ly.Name != v.activeLayer {
				order = append(order, ly.Name)
			}
		}
	}
	byLayer := map[string][]int{}
	for i, s := range spans {
		if v.hidden[s.Layer] {
			continue
		}
		if !slices.Contains(order, s.Layer) {
			order = append(order, s.Layer)
		}
		byLayer[s.Layer] = append(byLayer[s.Layer], i)
	}
	l.lanes = grow(l.lanes, len(spans))
	band := 0
	var ends []int
	for _, name := range order {
		ids := byLayer[name]
		slices.SortStableFunc(ids, func(a, b int) int {
			return cmp.Or(cmp.Compare(spans[a].Start, spans[b].Start), cmp.Compare(spans[b].End, spans[a].End))
		})
		ends = ends[:0]
		for _, i := range ids {
			s := spans[i]
			lane := slices.IndexFunc(ends, func(e int) bool { return e <= s.Start })
			if lane < 0 {
				lane = len(ends)
				ends = append(ends, 0)
			}
			ends[lane] = max(s.End, s.Start+1)
			l.lanes[i] = band + lane
		}
		band += len(ends)
	}
	// per-line span lists
	nl := len(l.lines)
	l.lineSpanOff, l.lineSpans = l.csr(l.lineSpanOff, l.lineSpans, len(spans), func(i int) (int, int) {
		if v.hidden[spans[i].Layer] {
			return 0, 0 // not drawn
		}
		return spans[i].Start, spans[i].End
	})
	l.marks = l.marks[:0]
	for _, mk := range marks {
		if mk.End > mk.Start || mk.Kind == text.MarkPinyinHint {
			l.marks = append(l.marks, mk)
		}
	}
	l.lineMarkOff, l.lineMarks = l.csr(l.lineMarkOff, l.lineMarks, len(l.marks), func(i int) (int, int) {
		return l.marks[i].Start, max(l.marks[i].End, l.marks[i].Start+1)
	})
	var lanes []int
	for li := 0; li < nl; li++ {
		lanes = lanes[:0]
		for _, si := range l.lineSpans[l.lineSpanOff[li]:l.lineSpanOff[li+1]] {
			lanes = append(lanes, l.lanes[si])
		}
		slices.Sort(lanes)
		l.lines[li].lanes = len(slices.Compact(lanes))
	}
}

// csr indexes count intervals (given by at) by the lines they touch.
func (l *tvLayout) csr(off, items []int32, count int, at func(int) (int, int)) ([]int32, []int32) {
	nl := len(l.lines)
	off = grow(off, nl+1)
	clear(off)
	n := len(l.v.runes)
	span := func(i int) (int, int, bool) {
		s, e := at(i)
		s, e = max(s, 0), min(e, n)
		if e <= s {
			return 0, 0, false
		}
		return l.lineOf(s), l.lineOf(e - 1), true
	}
	for i := 0; i < count; i++ {
		if a, b, ok := span(i); ok {
			for li := a; li <= b; li++ {
				off[li+1]++
			}
		}
	}
	for li := 0; li < nl; li++ {
		off[li+1] += off[li]
	}
	items = grow(items, int(off[nl]))
	fill := make([]int32, nl)
	for i := 0; i < count; i++ {
		if a, b, ok := span(i); ok {
			for li := a; li <= b; li++ {
				items[off[li]+fill[li]] = int32(i)
				fill[li]++
			}
		}
	}
	return off, items
}

// place sets the lines' y and heights and the document's height.
func (l *tvLayout) place() {
	m := l.m
	y := float32(tvTop)
	for i := range l.lines {
		ln := &l.lines[i]
		if ln.para && i > 0 {
			y += tvParaGap * l.v.zoom
		}
		ln.y = y
		ln.h = l.arcH(*ln) + m.textH + float32(ln.lanes)*m.laneH + tvLineGap*l.v.zoom
		if l.posRow {
			ln.h += m.capH
		}
		y += ln.h
	}
	l.height = y + tvTop
	if l.v.doc == nil {
		l.height = 0
	}
}

// lineOf is the line holding code point off, -1 if none.
func (l *tvLayout) lineOf(off int) int {
	if len(l.lines) == 0 || off < 0 {
		return -1
	}
	i := sort.Search(len(l.lines), func(i int) bool { return int(l.lines[i].start) > off }) - 1
	return max(i, 0)
}

// lineAtY is the line at height y (clamped to the lines).
func (l *tvLayout) lineAtY(y float32) int {
	i := sort.Search(len(l.lines), func(i int) bool { return l.lines[i].y+l.lines[i].h > y })
	return min(i, len(l.lines)-1)
}

// lineEndCaret is the last caret position of line li: before its line
// break or trailing spaces.
func (l *tvLayout) lineEndCaret(li int) int {
	ln := l.lines[li]
	e := int(ln.end)
	if li == len(l.lines)-1 {
		return e
	}
	for e > int(ln.start) && l.flags[e-1]&fSpace != 0 {
		e--
	}
	return e
}

// caretX is the x of the caret before code point off.
func (l *tvLayout) caretX(off int) float32 {
	n := len(l.charX)
	if n == 0 {
		return tvPad
	}
	if off >= n {
		return l.charX[n-1] + l.charW[n-1]
	}
	return l.charX[off]
}

// caretAtX is the caret position nearest x on line li.
func (l *tvLayout) caretAtX(li int, x float32) int {
	ln := l.lines[li]
	s, e := int(ln.start), l.lineEndCaret(li)
	i := s + sort.Search(e-s, func(k int) bool {
		j := s + k
		return l.charX[j]+l.charW[j]/2 > x
	})
	return i
}

// caretAt is the caret position nearest the point p (widget coordinates).
func (l *tvLayout) caretAt(p fyne.Position) int {
	if len(l.lines) == 0 {
		return 0
	}
	return l.caretAtX(l.lineAtY(p.Y), p.X)
}

// tokenAt is the token under p, or the token nearest it on its line; -1
// if the document has no tokens.
func (l *tvLayout) tokenAt(p fyne.Position) int {
	if len(l.lines) == 0 || len(l.v.tokens()) == 0 {
		return -1
	}
	ln := l.lines[l.lineAtY(p.Y)]
	best, bestD := -1, float32(0)
	for _, f := range l.frags[ln.frag0:ln.frag1] {
		if f.tok < 0 {
			continue
		}
		var d float32
		switch {
		case p.X < f.x0:
			d = f.x0 - p.X
		case p.X >= f.x1:
			d = p.X - f.x1
		}
		if best < 0 || d < bestD {
			best, bestD = int(f.tok), d
		}
		if d == 0 {
			break
		}
	}
	if best < 0 {
		return l.v.tokenAtOffset(int(ln.start))
	}
	return best
}

// fragText is the text a fragment draws: a lost character's U+FFFD is
// drawn as '?'.
func (l *tvLayout) fragText(f tvFrag) string {
	rs := l.v.runes[f.start:f.end]
	if !slices.Contains(rs, unicode.ReplacementChar) {
		return string(rs)
	}
	out := slices.Clone(rs)
	for i, r := range out {
		if r == unicode.ReplacementChar {
			out[i] = '?'
		}
	}
	return string(out)
}

// isCJK reports whether r is CJK text that lines may break around.
func isCJK(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r <= 0x9FFF, 0xAC00 <= r && r <= 0xD7AF, 0xF900 <= r && r <= 0xFAFF,
		0xFE30 <= r && r <= 0xFE4F, 0xFF00 <= r && r <= 0xFFEF, 0x20000 <= r && r <= 0x3FFFF:
		return true
	}
	return false
}

// grow returns s with length n, reusing its array when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/8)
}

// Punctuation that may not start a line (closing) or end one (opening).
const (
	tvClosing = "，。、；：？！…—～·）》〉」』】〕〗’”,.;:?!)]}%"
	tvOpening = "（《〈「『【〔〖‘“([{"
)

// isSpace is unicode.IsSpace with a fast path for Han text.
func isSpace(r rune) bool {
	if r <= ' ' {
		return r == ' ' || '\t' <= r && r <= '\r'
	}
	return r >= 0x80 && r < 0x4E00 && unicode.IsSpace(r)
}

// isClosing reports whether r is punctuation that does not start a line.
func isClosing(r rune) bool {
	if 0x4E00 <= r && r <= 0x9FFF || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
		return false
	}
	return strings.ContainsRune(tvClosing, r)
}

// isOpening reports whether r is punctuation that does not end a line.
func isOpening(r rune) bool {
	if 0x4E00 <= r && r <= 0x9FFF || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
		return false
	}
	return strings.ContainsRune(tvOpening, r)
}
