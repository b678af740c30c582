// The document view: the textView widget (its documentation), its state,
// and the API the workspace drives it with: document, schema, display
// options, selection. Input is in textview_input.go, drawing in
// textview_draw.go, the line layout in textview_layout.go.

package app

import (
	"image/color"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// textView is the document view of the annotation workspace: the clean
// text of a Document laid out as prose, with its tokens, their POS, the
// spans of every layer and the damage marks of cleaning.
//
// # Layout
//
// Text flows and wraps like prose. Han (and other CJK) text breaks between
// any two characters, Latin words and numbers are kept whole (unless one
// is wider than the line), and as in Chinese typesetting closing
// punctuation never starts a line and opening punctuation never ends one
// (the punctuation moves with the character it belongs to). A line break
// in the text starts a paragraph. With boundaries shown (SetShowBoundaries)
// tokens are set apart by a thin gap and alternate tint; with POS shown
// (SetShowPOS) each token's tag is written beneath it and the token is at
// least as wide as its tag.
//
// Under the text, each span is a bar in its label's colour, stacked in
// lanes when spans overlap: the active layer's spans take the top lanes,
// then the schema's layers in order, each layer's overlapping spans
// (nested or crossing) in lanes of their own. Lanes are assigned when the
// spans change; each line shows only the lanes it uses. The label's name
// is written in the bar at the span's start. Suggested spans
// (annotate.OriginSuggested) are drawn outlined and unfilled, with an
// italic tag, until accepted. Relations are arcs above the text of a line
// (see textview_arcs.go). Damage marks are tinted in the theme's error
// colour, repaired text in its success colour, and pinyin hints are
// written in the POS row after the damaged token.
//
// # Virtualisation
//
// The whole document is laid out into a table of visual lines (positions
// per code point, cheap: widths come from our own per-rune cache, never a
// MeasureText per token), but canvas objects exist only for the lines in
// view; they come from pools reused on every scroll. Spans and marks are
// indexed per line, so drawing a page never loops over the document.
//
// # Selection
//
// In token mode the view has a cursor token and an anchor token; the
// selection is the tokens between them, from the first one's start to the
// last one's end. Alt+click or Alt+drag makes a character selection inside
// tokens, which Selection reports as it is until the next token move. In
// character mode (SetCharMode) the view has a caret between characters and
// a character selection.
//
// # Keys and mouse
//
//   - ←/→: previous/next token (character mode: move the caret one
//     character); with Shift, extend the selection.
//   - ↑/↓: the token (caret) at the same place on the line above/below.
//   - Home/End: start/end of the visual line; Ctrl+Home/Ctrl+End: start/end
//     of the document.
//   - PgUp/PgDn: a page up/down (the view scrolls with the cursor).
//   - Ctrl+←/→: start of the previous/next sentence (Shift extends).
//   - Click: select a token (place the caret); Shift+click or drag: extend;
//     double click: select the innermost span under the token (active layer
//     first); Alt+click/drag: character selection.
//
// Every rune typed goes to OnTypedRune; every other key (Delete, Return,
// BackSpace, Escape, F2, Tab, …) goes first to OnTypedKey, and shortcuts
// the view does not use are handed to OnTypedShortcut and then to the
// window canvas's shortcuts (canvas.AddShortcut). Tab moves the focus on
// unless OnTypedKey handles it.
type textView struct {
	widget.BaseWidget

	// OnSelectionChanged is called after the selection changed, with the
	// new Selection.
	OnSelectionChanged func(start, end int)
	// OnArcTapped is called with the relation whose arc (its type tag or
	// a line of it) was clicked, the selection staying; with 0 for a click
	// elsewhere while a relation is drawn selected.
	OnArcTapped func(id int64)
	// OnTypedRune receives every rune typed while the view has the focus.
	OnTypedRune func(r rune)
	// OnTypedKey receives the keys the view does not navigate with; it
	// returns whether it handled the key.
	OnTypedKey func(ev *fyne.KeyEvent) bool
	// OnTypedShortcut receives the shortcuts the view does not use; it
	// returns whether it handled the shortcut. Unhandled shortcuts go to the
	// canvas's shortcut handlers.
	OnTypedShortcut func(s fyne.Shortcut) bool

	doc     *annotate.Document
	schema  *annotate.Schema
	text    string // the doc.Text that runes was made from
	runes   []rune
	textGen int // counts the texts runes was made from

	showPOS, showBoundaries bool
	zoom                    float32
	activeLayer             string
	hidden                  map[string]bool // layers whose spans are not drawn
	charMode                bool

	// token mode
	cursor, anchor int
	// character selection: caret and its anchor, in code points; charSel
	// says that a character selection (Alt+drag) stands in token mode.
	caret, charAnchor int
	charSel           bool
	selSpan           int64 // span chosen by double click or Select; 0 = none
	selRel            int64 // the relation drawn as selected (SetSelectedRelation); 0 = none
	lastNotifiedSpan  int64 // selSpan when OnSelectionChanged last ran
	lastNotified      [2]int

	shift, ctrl, alt, focused bool
	lastDown                  time.Time
	lastDownTok               int
	dragChars                 bool
	altWatch                  bool // a goroutine waits for Alt to be released after an Alt+click

	scroll *container.Scroll
	lay    tvLayout
	colors map[[2]string]color.NRGBA
	// spanStyle, when set, may give a span's bar another colour and its
	// tag another text than its label's (ok false: the label's): the
	// curation mode colours the annotators' lanes by agreement and names
	// the annotator in each tag.
	spanStyle func(s annotate.Span) (c color.NRGBA, tag string, ok bool)
}

var (
	_ fyne.Widget       = (*textView)(nil)
	_ fyne.Focusable    = (*textView)(nil)
	_ fyne.Draggable    = (*textView)(nil)
	_ fyne.Shortcutable = (*textView)(nil)
	_ fyne.Tabbable     = (*textView)(nil)
	_ desktop.Mouseable = (*textView)(nil)
	_ desktop.Keyable   = (*textView)(nil)
)

// doubleClickDelay is the longest time between two clicks on one token
// that makes a double click.
const doubleClickDelay = 400 * time.Millisecond

// newTextView returns an empty view; Scroll gives the container to place
// in a layout. The view owns the scroll's OnScrolled.
func newTextView() *textView {
	v := &textView{zoom: 1, showPOS: true, showBoundaries: true, lastDownTok: -1, lastNotified: [2]int{-1, -1}}
	v.lay.v = v
	v.ExtendBaseWidget(v)
	v.scroll = container.NewVScroll(v)
	v.scroll.OnScrolled = func(fyne.Position) { v.Refresh() }
	return v
}

// Scroll returns the vertical scroll the view lives in.
func (v *textView) Scroll() *container.Scroll { return v.scroll }

// SetDocument shows doc with the colours of schema; a nil doc empties the
// view. The cursor goes back to the start.
func (v *textView) SetDocument(doc *annotate.Document, schema *annotate.Schema) {
	v.doc = doc
	if schema != nil {
		v.setSchema(schema)
	}
	v.cursor, v.anchor, v.caret, v.charAnchor, v.charSel, v.selSpan = 0, 0, 0, 0, false, 0
	v.loadText()
	v.lay.dirty = true
	v.lay.relayout()
	if v.scroll != nil {
		v.scroll.Offset = fyne.Position{}
		v.scroll.Refresh()
	}
	v.Refresh()
	v.notify()
}

// Document returns the document shown, nil if none.
func (v *textView) Document() *annotate.Document { return v.doc }

// DocumentChanged lays the live document out again after its tokens or
// spans changed (an edit, undo or redo), keeping the cursor and the
// selection where they were, clamped to the document.
//
// What was on screen stays there: an edit that adds lanes above the
// cursor (label all) makes the lines above taller, and the view scrolls by
// as much, so that the cursor's line (else the top line) keeps its place.
func (v *textView) DocumentChanged() {
	at, dy, ok := v.screenAnchor()
	v.loadText()
	v.clamp()
	v.lay.update()
	if v.scroll != nil {
		v.scroll.Refresh()
		if ok {
			v.scrollAnchor(at, dy)
		}
	}
	v.Refresh()
	v.notify()
}

// screenAnchor is what the view keeps in place when the document is laid
// out again: the code point at the start of the cursor's line when it is
// in view, else of the top line, and how far below the view's top that
// line is.
func (v *textView) screenAnchor() (at int, dy float32, ok bool) {
	l := &v.lay
	if v.scroll == nil || v.doc == nil || len(l.lines) == 0 || l.dirty {
		return 0, 0, false
	}
	top, h := v.scroll.Offset.Y, v.scroll.Size().Height
	li := l.lineAtY(top)
	off := v.caret
	if !v.charMode {
		if toks := v.doc.Tokens; v.cursor < len(toks) {
			off = toks[v.cursor].Start
		}
	}
	if c := l.lineOf(min(off, len(v.runes)-1)); c >= 0 && l.lines[c].y >= top && l.lines[c].y+l.lines[c].h <= top+h {
		li = c
	}
	return int(l.lines[li].start), l.lines[li].y - top, true
}

// scrollAnchor scrolls so that the line holding code point at is dy below
// the view's top.
func (v *textView) scrollAnchor(at int, dy float32) {
	l := &v.lay
	li := l.lineOf(min(at, len(v.runes)-1))
	if li < 0 {
		return
	}
	y := max(l.lines[li].y-dy, 0)
	if y != v.scroll.Offset.Y {
		v.scroll.ScrollToOffset(fyne.NewPos(0, y))
	}
}

// tvState is where the view is: its mode, selection and scroll (the
// workspace keeps it over a long step that empties the view).
type tvState struct {
	doc                               *annotate.Document
	charMode, charSel                 bool
	cursor, anchor, caret, charAnchor int
	selSpan                           int64
	at                                int     // the code point the scroll keeps in place
	dy                                float32 // how far below the view's top its line is
	scrolled                          bool
}

// State returns where the view is.
func (v *textView) State() tvState {
	st := tvState{doc: v.doc, charMode: v.charMode, charSel: v.charSel, cursor: v.cursor, anchor: v.anchor,
		caret: v.caret, charAnchor: v.charAnchor, selSpan: v.selSpan}
	st.at, st.dy, st.scrolled = v.screenAnchor()
	return st
}

// Restore puts the view back where st says, when it shows a document of
// the same ID as st's (another document: nothing is done). Offsets are
// clamped to the document.
func (v *textView) Restore(st tvState) {
	if v.doc == nil || st.doc == nil || v.doc.ID != st.doc.ID {
		return
	}
	v.charMode, v.charSel, v.cursor, v.anchor, v.caret, v.charAnchor, v.selSpan =
		st.charMode, st.charSel, st.cursor, st.anchor, st.caret, st.charAnchor, st.selSpan
	v.clamp()
	if v.scroll != nil && st.scrolled {
		v.lay.relayout()
		v.scroll.Refresh()
		v.scrollAnchor(st.at, st.dy)
	}
	v.Refresh()
	v.notify()
}

// SetSchema changes the schema the colours and lanes come from.
func (v *textView) SetSchema(s *annotate.Schema) {
	v.setSchema(s)
	v.lay.dirty = true
	v.lay.relayout()
	v.Refresh()
}

func (v *textView) setSchema(s *annotate.Schema) {
	v.schema = s
	v.colors = map[[2]string]color.NRGBA{}
	if s == nil {
		return
	}
	for _, l := range s.Layers {
		for _, lb := range l.Labels {
			if c, ok := parseLabelColor(lb.Color); ok {
				v.colors[[2]string{l.Name, lb.Name}] = c
			}
		}
	}
}

// SetShowPOS shows or hides the POS tags under the tokens.
func (v *textView) SetShowPOS(on bool) {
	if v.showPOS != on {
		v.showPOS = on
		v.relayoutKeep()
	}
}

// SetShowBoundaries shows or hides the word boundaries (a gap and an
// alternating tint between tokens).
func (v *textView) SetShowBoundaries(on bool) {
	if v.showBoundaries != on {
		v.showBoundaries = on
		v.relayoutKeep()
	}
}

// SetZoom multiplies the text sizes by f (1 = the theme's sizes), clamped
// to [0.5, 4].
func (v *textView) SetZoom(f float32) {
	f = min(max(f, 0.5), 4)
	if v.zoom != f {
		v.zoom = f
		v.relayoutKeep()
	}
}

// Zoom returns the zoom factor.
func (v *textView) Zoom() float32 { return v.zoom }

// SetHiddenLayers hides the spans of the layers named (nil: none): they
// are neither drawn nor given lanes. The workspace hides the token-tag
// layers an import may add (xpos, upos), which would put a bar under every
// word.
func (v *textView) SetHiddenLayers(names []string) {
	v.hidden = map[string]bool{}
	for _, n := range names {
		v.hidden[n] = true
	}
	v.relayoutKeep()
}

// SetActiveLayer makes the spans of the layer called name take the top
// lanes, drawn a little stronger.
func (v *textView) SetActiveLayer(name string) {
	if v.activeLayer != name {
		v.activeLayer = name
		v.relayoutKeep()
	}
}

// relayoutKeep lays the document out again and keeps the cursor in view.
func (v *textView) relayoutKeep() {
	v.lay.dirty = true
	v.lay.relayout()
	if v.scroll != nil {
		v.scroll.Refresh()
	}
	v.Refresh()
	v.showCursor()
}

// SetCharMode switches between token mode and character mode. Entering
// character mode puts the caret at the start of the selection; leaving it
// puts the cursor on the token at the caret.
func (v *textView) SetCharMode(on bool) {
	if v.charMode == on {
		return
	}
	if on {
		if !v.charSel {
			s, _ := v.tokenSelection()
			v.caret, v.charAnchor = s, s
		}
	} else {
		if t := v.tokenAtOffset(v.caret); t >= 0 {
			v.cursor, v.anchor = t, t
		}
	}
	v.charMode, v.charSel, v.selSpan = on, false, 0
	v.Refresh()
	v.notify()
}

// CharMode reports whether the view is in character mode.
func (v *textView) CharMode() bool { return v.charMode }

// Selection returns the selected code points [start, end). In token mode
// it is snapped to token edges and holds at least the cursor token (unless
// an Alt+drag character selection stands); in character mode it is the
// character selection, start == end being the caret. Without tokens it is
// (0, 0) in token mode.
func (v *textView) Selection() (start, end int) {
	if v.charMode || v.charSel {
		return min(v.caret, v.charAnchor), max(v.caret, v.charAnchor)
	}
	return v.tokenSelection()
}

func (v *textView) tokenSelection() (int, int) {
	toks := v.tokens()
	if len(toks) == 0 {
		return 0, 0
	}
	a, b := min(v.cursor, v.anchor), max(v.cursor, v.anchor)
	return toks[a].Start, toks[b].End
}

// SelectedTokens returns the token indices [first, last] of the token
// selection; (-1, -1) without tokens.
func (v *textView) SelectedTokens() (first, last int) {
	if len(v.tokens()) == 0 {
		return -1, -1
	}
	return min(v.cursor, v.anchor), max(v.cursor, v.anchor)
}

// Cursor returns the index of the cursor token, -1 without tokens.
func (v *textView) Cursor() int {
	if len(v.tokens()) == 0 {
		return -1
	}
	return v.cursor
}

// CaretOffset returns the caret of character mode, in code points.
func (v *textView) CaretOffset() int { return v.caret }

// Select selects [start, end) (snapped to tokens in token mode), moves the
// cursor (caret) to its end and scrolls it into view. If a span has
// exactly that range it becomes the SelectedSpan.
func (v *textView) Select(start, end int) {
	n := len(v.runes)
	start, end = min(max(start, 0), n), min(max(end, 0), n)
	if end < start {
		start, end = end, start
	}
	v.charSel, v.selSpan = false, 0
	if v.charMode {
		v.charAnchor, v.caret = start, end
	} else if toks := v.tokens(); len(toks) > 0 {
		a := sort.Search(len(toks), func(i int) bool { return toks[i].End > start })
		b := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= end }) - 1
		a = min(a, len(toks)-1)
		if b < a {
			b = a
		}
		v.anchor, v.cursor = a, b
	}
	if v.doc != nil {
		best := -1
		for i, s := range v.doc.Spans {
			if s.Start == start && s.End == end && (best < 0 || s.Layer == v.activeLayer) {
				best = i
			}
		}
		if best >= 0 {
			v.selSpan = v.doc.Spans[best].ID
		}
	}
	v.showCursor()
	v.Refresh()
	v.notify()
}

// SelectSpan selects the span with that ID (its range, and the span
// itself even where other spans share the range), as a click in the span
// list does. It does nothing if the document has no such span.
func (v *textView) SelectSpan(id int64) {
	if v.doc == nil {
		return
	}
	for _, s := range v.doc.Spans {
		if s.ID == id {
			cb := v.OnSelectionChanged
			v.OnSelectionChanged = nil
			v.Select(s.Start, s.End)
			v.OnSelectionChanged = cb
			v.selSpan = id
			v.lastNotified = [2]int{-1, -1}
			v.Refresh()
			v.notify()
			return
		}
	}
}

// SetSelectedRelation draws the arc of relation id as selected (0: none).
func (v *textView) SetSelectedRelation(id int64) {
	if v.selRel != id {
		v.selRel = id
		v.Refresh()
	}
}

// SelectedSpan returns the span chosen by a double click or by Select of
// its exact range; otherwise the innermost span covering the cursor (the
// caret or the start of the character selection), the active layer's
// first. It reports false if there is none.
func (v *textView) SelectedSpan() (int64, bool) {
	if v.doc == nil {
		return 0, false
	}
	if v.selSpan != 0 {
		for _, s := range v.doc.Spans {
			if s.ID == v.selSpan {
				return s.ID, true
			}
		}
	}
	off, _ := v.Selection()
	if !v.charMode && !v.charSel {
		if toks := v.tokens(); len(toks) > 0 {
			off = toks[v.cursor].Start
		}
	}
	if s, ok := v.innermostSpan(off, nil); ok {
		return s.ID, true
	}
	return 0, false
}

// innermostSpan is the shortest span covering off for which keep (nil:
// any) is true, the active layer's preferred.
func (v *textView) innermostSpan(off int, keep func(annotate.Span) bool) (annotate.Span, bool) {
	var best annotate.Span
	found := false
	for _, s := range v.SpanAt(off) {
		if keep != nil && !keep(s) {
			continue
		}
		better := !found ||
			(s.Layer == v.activeLayer) != (best.Layer == v.activeLayer) && s.Layer == v.activeLayer ||
			(s.Layer == v.activeLayer) == (best.Layer == v.activeLayer) && s.End-s.Start < best.End-best.Start
		if better {
			best, found = s, true
		}
	}
	return best, found
}

// SpanAt returns the spans covering code point offset.
func (v *textView) SpanAt(offset int) []annotate.Span {
	if v.doc == nil || offset < 0 || offset >= len(v.runes) {
		return nil
	}
	v.sync()
	var out []annotate.Span
	l := &v.lay
	if li := l.lineOf(offset); li >= 0 && li+1 < len(l.lineSpanOff) && len(l.lanes) == len(v.doc.Spans) {
		for _, si := range l.lineSpans[l.lineSpanOff[li]:l.lineSpanOff[li+1]] {
			if s := v.doc.Spans[si]; s.Start <= offset && offset < s.End {
				out = append(out, s)
			}
		}
		return out
	}
	for _, s := range v.doc.Spans {
		if s.Start <= offset && offset < s.End {
			out = append(out, s)
		}
	}
	return out
}

func (v *textView) tokens() []text.Token {
	if v.doc == nil {
		return nil
	}
	v.sync()
	return v.doc.Tokens
}

// sync lays the document out again if its tokens or spans were changed
// without DocumentChanged, so that no index is ever stale.
func (v *textView) sync() {
	l := &v.lay
	if v.doc == nil || l.syncing || l.width <= 0 || len(v.doc.Tokens) == l.ntoks && len(v.doc.Spans) == l.nspans {
		return
	}
	v.clamp()
	l.update()
}

func (v *textView) loadText() {
	if v.doc == nil {
		v.text, v.runes = "", nil
		v.textGen++
		return
	}
	if v.runes == nil || v.text != v.doc.Text {
		v.text, v.runes = v.doc.Text, []rune(v.doc.Text)
		v.textGen++
	}
}

// clamp keeps cursor, anchor and caret inside the document.
func (v *textView) clamp() {
	nt := 0
	if v.doc != nil {
		nt = len(v.doc.Tokens)
	}
	v.cursor, v.anchor = min(max(v.cursor, 0), max(nt-1, 0)), min(max(v.anchor, 0), max(nt-1, 0))
	n := len(v.runes)
	v.caret, v.charAnchor = min(max(v.caret, 0), n), min(max(v.charAnchor, 0), n)
}

// notify calls OnSelectionChanged if the selection changed since the last
// call.
func (v *textView) notify() {
	s, e := v.Selection()
	if v.lastNotified == [2]int{s, e} && v.lastNotifiedSpan == v.selSpan {
		return
	}
	v.lastNotified, v.lastNotifiedSpan = [2]int{s, e}, v.selSpan
	if v.OnSelectionChanged != nil {
		v.OnSelectionChanged(s, e)
	}
}

// tokenAtOffset is the token holding offset, else the next token, else the
// last; -1 without tokens.
func (v *textView) tokenAtOffset(off int) int {
	toks := v.tokens()
	if len(toks) == 0 {
		return -1
	}
	i := sort.Search(len(toks), func(i int) bool { return toks[i].End > off })
	return min(i, len(toks)-1)
}
