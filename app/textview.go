package app

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
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
// italic tag, until accepted. Damage marks are tinted in the theme's error
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
	// OnTypedRune receives every rune typed while the view has the focus.
	OnTypedRune func(r rune)
	// OnTypedKey receives the keys the view does not navigate with; it
	// returns whether it handled the key.
	OnTypedKey func(ev *fyne.KeyEvent) bool
	// OnTypedShortcut receives the shortcuts the view does not use; it
	// returns whether it handled the shortcut. Unhandled shortcuts go to the
	// canvas's shortcut handlers.
	OnTypedShortcut func(s fyne.Shortcut) bool

	doc    *annotate.Document
	schema *annotate.Schema
	text   string // the doc.Text that runes was made from
	runes  []rune

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
func (v *textView) DocumentChanged() {
	v.loadText()
	v.clamp()
	v.lay.dirty = true
	v.lay.relayout()
	if v.scroll != nil {
		v.scroll.Refresh()
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

func (v *textView) tokens() []annotate.Token {
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
	l.syncing = true
	defer func() { l.syncing = false }()
	v.clamp()
	l.dirty = true
	l.relayout()
}

func (v *textView) loadText() {
	if v.doc == nil {
		v.text, v.runes = "", nil
		return
	}
	if v.runes == nil || v.text != v.doc.Text {
		v.text, v.runes = v.doc.Text, []rune(v.doc.Text)
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

// ---- focus and keys ----

// FocusGained implements fyne.Focusable.
func (v *textView) FocusGained() { v.focused = true; v.Refresh() }

// FocusLost implements fyne.Focusable; it forgets the modifiers held.
func (v *textView) FocusLost() {
	v.focused, v.shift, v.ctrl, v.alt = false, false, false, false
	v.Refresh()
}

// AcceptsTab implements fyne.Tabbable, so that Tab reaches OnTypedKey.
func (v *textView) AcceptsTab() bool { return v.OnTypedKey != nil }

// TypedRune implements fyne.Focusable: runes go to OnTypedRune.
func (v *textView) TypedRune(r rune) {
	if v.OnTypedRune != nil {
		v.OnTypedRune(r)
	}
}

// KeyDown implements desktop.Keyable: it tracks Shift, Ctrl and Alt,
// because fyne.KeyEvent carries no modifiers.
func (v *textView) KeyDown(e *fyne.KeyEvent) { v.modifier(e.Name, true) }

// KeyUp implements desktop.Keyable.
func (v *textView) KeyUp(e *fyne.KeyEvent) { v.modifier(e.Name, false) }

// syncModifiers takes the modifiers from the desktop driver when it knows
// them (a real window): a key released while a dialog had the keyboard
// never reaches KeyUp here, and must not leave Shift or Ctrl stuck. The
// test driver does not know them; there the tracked state stands.
func (v *textView) syncModifiers() {
	app := fyne.CurrentApp()
	if app == nil {
		return
	}
	if d, ok := app.Driver().(desktop.Driver); ok {
		m := d.CurrentKeyModifiers()
		v.shift = m&fyne.KeyModifierShift != 0
		v.ctrl = m&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0
		v.alt = m&fyne.KeyModifierAlt != 0
	}
}

func (v *textView) modifier(k fyne.KeyName, down bool) {
	switch k {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		v.shift = down
	case desktop.KeyControlLeft, desktop.KeyControlRight, desktop.KeySuperLeft, desktop.KeySuperRight:
		v.ctrl = down
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		v.alt = down
	}
}

// TypedKey implements fyne.Focusable: navigation keys move the cursor
// (with Shift held, they extend the selection); other keys go to
// OnTypedKey.
func (v *textView) TypedKey(e *fyne.KeyEvent) {
	v.syncModifiers()
	if v.navigate(e.Name, v.shift, v.ctrl) {
		return
	}
	if v.OnTypedKey != nil && v.OnTypedKey(e) {
		return
	}
	if e.Name == fyne.KeyTab {
		if c := v.canvas(); c != nil {
			if v.shift {
				c.FocusPrevious()
			} else {
				c.FocusNext()
			}
		}
	}
}

// TypedShortcut implements fyne.Shortcutable: Ctrl+←/→ (sentences) and
// Ctrl+Home/End, with or without Shift. Other shortcuts go to
// OnTypedShortcut, then to the canvas's shortcut handlers.
func (v *textView) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok {
		mod := cs.Modifier &^ fyne.KeyModifierShift
		if mod == fyne.KeyModifierShortcutDefault || mod == fyne.KeyModifierControl {
			switch cs.KeyName {
			case fyne.KeyLeft, fyne.KeyRight, fyne.KeyHome, fyne.KeyEnd:
				v.navigate(cs.KeyName, cs.Modifier&fyne.KeyModifierShift != 0, true)
				return
			}
		}
	}
	if v.OnTypedShortcut != nil && v.OnTypedShortcut(s) {
		return
	}
	if c, ok := v.canvas().(fyne.Shortcutable); ok {
		c.TypedShortcut(s)
	}
}

func (v *textView) canvas() fyne.Canvas {
	if a := fyne.CurrentApp(); a != nil {
		return a.Driver().CanvasForObject(v)
	}
	return nil
}

func (v *textView) focus() {
	if c := v.canvas(); c != nil && c.Focused() != v {
		c.Focus(v)
	}
}

// navigate handles a navigation key; it reports false for other keys.
func (v *textView) navigate(k fyne.KeyName, extend, ctrl bool) bool {
	switch k {
	case fyne.KeyLeft, fyne.KeyRight, fyne.KeyUp, fyne.KeyDown, fyne.KeyHome, fyne.KeyEnd,
		fyne.KeyPageUp, fyne.KeyPageDown:
	default:
		return false
	}
	if v.doc == nil {
		return true
	}
	v.selSpan = 0
	if v.charMode {
		v.caret = v.moveCaret(k, ctrl)
		if !extend {
			v.charAnchor = v.caret
		}
	} else if len(v.tokens()) > 0 {
		v.charSel = false
		v.cursor = v.moveToken(k, ctrl)
		if !extend {
			v.anchor = v.cursor
		}
	}
	v.showCursor()
	v.Refresh()
	v.notify()
	return true
}

// moveToken returns where key k moves the token cursor.
func (v *textView) moveToken(k fyne.KeyName, ctrl bool) int {
	toks := v.tokens()
	c := v.cursor
	last := len(toks) - 1
	switch k {
	case fyne.KeyLeft:
		if ctrl {
			return v.tokenAtOffset(v.sentenceBack(toks[c].Start))
		}
		return max(c-1, 0)
	case fyne.KeyRight:
		if ctrl {
			return v.tokenAtOffset(v.sentenceForward(toks[c].Start))
		}
		return min(c+1, last)
	case fyne.KeyHome:
		if ctrl {
			return 0
		}
		if li := v.lay.lineOf(toks[c].Start); li >= 0 {
			return v.tokenAtOffset(int(v.lay.lines[li].start))
		}
	case fyne.KeyEnd:
		if ctrl {
			return last
		}
		if li := v.lay.lineOf(toks[c].Start); li >= 0 {
			t := v.tokenAtOffset(max(int(v.lay.lines[li].end)-1, 0))
			if toks[t].Start >= int(v.lay.lines[li].end) && t > 0 {
				t--
			}
			return max(t, c)
		}
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyPageUp, fyne.KeyPageDown:
		off := v.verticalMove(toks[c].Start, k)
		t := v.tokenAtOffset(off)
		if off >= len(v.runes) {
			t = last
		}
		return t
	}
	return c
}

// moveCaret returns where key k moves the caret.
func (v *textView) moveCaret(k fyne.KeyName, ctrl bool) int {
	c, n := v.caret, len(v.runes)
	switch k {
	case fyne.KeyLeft:
		if ctrl {
			return v.sentenceBack(c)
		}
		return max(c-1, 0)
	case fyne.KeyRight:
		if ctrl {
			return v.sentenceForward(c)
		}
		return min(c+1, n)
	case fyne.KeyHome:
		if ctrl {
			return 0
		}
		if li := v.lay.lineOf(min(c, n-1)); li >= 0 {
			return int(v.lay.lines[li].start)
		}
	case fyne.KeyEnd:
		if ctrl {
			return n
		}
		if li := v.lay.lineOf(min(c, n-1)); li >= 0 {
			return v.lay.lineEndCaret(li)
		}
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyPageUp, fyne.KeyPageDown:
		return v.verticalMove(c, k)
	}
	return c
}

// verticalMove returns the offset at the same x on the line a line or a
// page above or below the one of off.
func (v *textView) verticalMove(off int, k fyne.KeyName) int {
	l := &v.lay
	n := len(v.runes)
	li := l.lineOf(min(off, n-1))
	if li < 0 {
		return off
	}
	x := l.caretX(off)
	target := li
	switch k {
	case fyne.KeyUp:
		target = li - 1
	case fyne.KeyDown:
		target = li + 1
	case fyne.KeyPageUp, fyne.KeyPageDown:
		page := v.viewHeight() - l.lines[li].h
		if page <= 0 {
			page = l.lines[li].h
		}
		y := l.lines[li].y - page
		if k == fyne.KeyPageDown {
			y = l.lines[li].y + page
		}
		target = l.lineAtY(y)
		if target == li {
			if k == fyne.KeyPageUp {
				target--
			} else {
				target++
			}
		}
	}
	if target < 0 {
		return 0
	}
	if target >= len(l.lines) {
		if v.charMode {
			return n
		}
		return off
	}
	return l.caretAtX(target, x)
}

// sentenceForward is the start of the sentence after the one of off
// (the end of the text if none).
func (v *textView) sentenceForward(off int) int {
	ss := v.doc.Sentences
	i := sort.Search(len(ss), func(i int) bool { return ss[i].Start > off })
	if i < len(ss) {
		return ss[i].Start
	}
	if v.charMode {
		return len(v.runes)
	}
	return off
}

// sentenceBack is the start of the sentence of off, or of the one before
// if off is already at that start.
func (v *textView) sentenceBack(off int) int {
	ss := v.doc.Sentences
	i := sort.Search(len(ss), func(i int) bool { return ss[i].Start >= off }) - 1
	if i >= 0 {
		if !v.charMode {
			// the sentence's first token may start after the sentence
			if t := v.tokenAtOffset(ss[i].Start); t >= 0 && v.tokens()[t].Start >= off && i > 0 {
				return ss[i-1].Start
			}
		}
		return ss[i].Start
	}
	return 0
}

// showCursor scrolls so that the cursor (caret) is in view.
func (v *textView) showCursor() {
	if v.doc == nil {
		return
	}
	off := v.caret
	if !v.charMode {
		if toks := v.tokens(); len(toks) > 0 {
			off = toks[v.cursor].Start
		}
	}
	v.scrollToOffset(off)
}

// scrollToOffset scrolls so that the line of code point off is in view.
func (v *textView) scrollToOffset(off int) {
	l := &v.lay
	li := l.lineOf(min(off, len(v.runes)-1))
	if li < 0 || v.scroll == nil {
		return
	}
	top, h := v.scroll.Offset.Y, v.scroll.Size().Height
	ln := l.lines[li]
	y := top
	switch {
	case h <= 0:
		return
	case ln.y < top:
		y = ln.y - tvTop
	case ln.y+ln.h > top+h:
		y = ln.y + ln.h - h
	}
	if y != top {
		v.scroll.ScrollToOffset(fyne.NewPos(0, max(y, 0)))
		v.Refresh() // ScrollToOffset does not call OnScrolled
	}
}

func (v *textView) viewHeight() float32 {
	if v.scroll != nil && v.scroll.Size().Height > 0 {
		return v.scroll.Size().Height
	}
	return v.Size().Height
}

// ---- mouse ----

// MouseDown implements desktop.Mouseable: it focuses the view and selects
// at once (a double click is detected here rather than through
// fyne.DoubleTappable, which would delay every tap).
func (v *textView) MouseDown(e *desktop.MouseEvent) {
	v.focus()
	if v.doc == nil || e.Button == desktop.MouseButtonSecondary {
		return
	}
	shift := e.Modifier&fyne.KeyModifierShift != 0
	alt := e.Modifier&fyne.KeyModifierAlt != 0
	v.selSpan = 0
	if v.charMode || alt {
		c := v.lay.caretAt(e.Position)
		v.dragChars = true
		if !v.charMode && !v.charSel {
			s, _ := v.tokenSelection()
			v.charAnchor = s
		}
		v.caret = c
		if !shift {
			v.charAnchor = c
		}
		v.charSel = !v.charMode
		v.lastDownTok = -1
	} else if t := v.lay.tokenAt(e.Position); t >= 0 {
		v.dragChars = false
		double := t == v.lastDownTok && time.Since(v.lastDown) < doubleClickDelay
		v.lastDown, v.lastDownTok = time.Now(), t
		v.charSel = false
		switch {
		case double:
			if s, ok := v.innermostSpan(v.tokens()[t].Start, nil); ok {
				v.SelectSpan(s.ID)
				v.lastDownTok = -1
				return
			}
			v.cursor, v.anchor = t, t
		case shift:
			v.cursor = t
		default:
			v.cursor, v.anchor = t, t
		}
	}
	v.Refresh()
	v.notify()
}

// MouseUp implements desktop.Mouseable.
//
// Releasing Alt alone opens the window's menu bar on Linux and Windows
// (Fyne's driver does it, and gives the keyboard to the menu). After an
// Alt+click or Alt+drag that is not what the user asked for: once Alt is
// released, the menu is closed again and the keyboard stays with the
// document.
func (v *textView) MouseUp(e *desktop.MouseEvent) {
	if e.Modifier&fyne.KeyModifierAlt == 0 || fyne.CurrentApp() == nil {
		return
	}
	d, ok := fyne.CurrentApp().Driver().(desktop.Driver)
	if !ok {
		return
	}
	if v.altWatch {
		return // one watcher at a time
	}
	v.altWatch = true
	c := v.canvas()
	go func() {
		defer fyne.Do(func() { v.altWatch = false })
		for range 3000 { // a minute at most
			time.Sleep(20 * time.Millisecond)
			held := true
			fyne.DoAndWait(func() { held = d.CurrentKeyModifiers()&fyne.KeyModifierAlt != 0 })
			if !held {
				break
			}
		}
		time.Sleep(20 * time.Millisecond) // let the driver finish the release
		fyne.Do(func() {
			if m, ok := c.(interface{ DismissMenu() bool }); ok && m.DismissMenu() {
				c.Focus(v)
			}
		})
	}()
}

// Dragged implements fyne.Draggable: it extends the selection to the token
// (or character, after Alt+click or in character mode) under the pointer,
// scrolling when the pointer leaves the view.
func (v *textView) Dragged(e *fyne.DragEvent) {
	if v.doc == nil {
		return
	}
	p := e.Position
	if v.dragChars {
		v.caret = v.lay.caretAt(p)
	} else if t := v.lay.tokenAt(p); t >= 0 {
		v.cursor = t
	}
	v.selSpan = 0
	if v.scroll != nil {
		top, h := v.scroll.Offset.Y, v.scroll.Size().Height
		if h > 0 && (p.Y < top || p.Y > top+h) {
			y := p.Y
			if p.Y > top+h {
				y = p.Y - h
			}
			v.scroll.ScrollToOffset(fyne.NewPos(0, max(y, 0)))
		}
	}
	v.Refresh()
	v.notify()
}

// DragEnd implements fyne.Draggable.
func (v *textView) DragEnd() {}

// ---- rendering ----

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
	nr, nt  int
	objects []fyne.CanvasObject
	bars    []tvBar // scratch
	laneMap []int   // scratch
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
	r.nr, r.nt = 0, 0
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
		y := ln.y
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
			case annotate.MarkDamage, annotate.MarkRepaired:
				a, b := max(mk.Start, int(ln.start)), min(mk.End, int(ln.end))
				if b <= a {
					continue
				}
				c := damageC
				if mk.Kind == annotate.MarkRepaired {
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
		if s.Start < int(ln.start) {
			continue // the tag is on the span's first line
		}
		limit := l.width - tvPad - b.x0 - 3
		if i+1 < len(r.bars) && r.bars[i+1].lane == b.lane {
			limit = r.bars[i+1].x0 - b.x0 - 3
		}
		tag := l.fitTag(s.Label, limit)
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

// ---- layout ----

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
	adv   []float32
	lead  []float32
	flags []uint8

	// span and mark index
	lanes       []int   // per doc.Spans index
	lineSpanOff []int32 // CSR: spans on line i are lineSpans[off[i]:off[i+1]]
	lineSpans   []int32
	marks       []annotate.Mark
	lineMarkOff []int32
	lineMarks   []int32

	tokHint map[int]string // pinyin hints by token

	ntoks, nspans int  // the document's counts when it was laid out
	syncing       bool // inside relayout or sync

	runeW map[rune]float32
	bmpW  []float32 // widths of the Basic Multilingual Plane, 0 = not measured
	capW  map[string]float32
	tagW  map[string]float32
}

// Per-code-point flags of the line breaking.
const (
	fBreak  = 1 << iota // a line may break before this code point
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
		if w := l.bmpW[r]; w > 0 {
			return w
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
		l.bmpW[r] = max(w, 1e-3) // 0 means "not measured"
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
		w, ok := l.tagW[s]
		if !ok {
			w = fyne.MeasureText(s, l.m.tagSize, fyne.TextStyle{}).Width
			l.tagW[s] = w
		}
		if w <= width {
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
	l.place()
	if d := l.v.doc; d != nil {
		l.ntoks, l.nspans = len(d.Tokens), len(d.Spans)
	}
	return true
}

// breakLines fills charX, charW, lines and frags.
func (l *tvLayout) breakLines() {
	v := l.v
	rs := v.runes
	n := len(rs)
	var toks []annotate.Token
	if v.doc != nil {
		toks = v.doc.Tokens
	}
	l.charX = grow(l.charX, n)
	l.charW = grow(l.charW, n)
	l.adv = grow(l.adv, n)
	l.lead = grow(l.lead, n)
	l.flags = grow(l.flags, n)
	l.lines, l.frags = l.lines[:0], l.frags[:0]
	clear(l.tokHint)
	if l.tokHint == nil {
		l.tokHint = map[int]string{}
	}
	if v.doc != nil {
		for _, mk := range v.doc.Report.Marks {
			h := strings.TrimSpace(mk.Original)
			if mk.Kind != annotate.MarkPinyinHint || h == "" {
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

	gap := float32(0)
	if v.showBoundaries {
		gap = tvGap * v.zoom
	}
	// glyph widths and advances; token paddings and boundary gaps
	for i, r := range rs {
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
				f |= fForce | fBreak
			case f&fSpace != 0:
			case isSpace(p):
				f |= fBreak
			case isClosing(r) || isOpening(p):
			case isCJK(p) || isCJK(r):
				f |= fBreak
			}
		}
		l.flags[i] = f
	}
	prevEnd := 0
	for ti, t := range toks {
		s, e := max(t.Start, prevEnd), min(t.End, n)
		if e <= s {
			continue
		}
		prevEnd = e
		if s > 0 && l.flags[s]&fSpace == 0 && !isSpace(rs[s-1]) && !isClosing(rs[s]) && !isOpening(rs[s-1]) {
			l.flags[s] |= fBreak // between two tokens
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
	}

	maxW := max(l.width-2*tvPad, 2*l.m.textSize)
	x := float32(0)
	ln := tvLine{}
	ti := 0
	newLine := func(at int, para bool) {
		ln.end = int32(at)
		ln.frag1 = int32(len(l.frags))
		l.lines = append(l.lines, ln)
		ln = tvLine{start: int32(at), frag0: int32(len(l.frags)), para: para}
		x = 0
	}
	place := func(i int) {
		l.charX[i] = tvPad + x + l.lead[i]
		f := l.flags[i]
		x += l.adv[i]
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
		if k := len(l.frags) - 1; k >= int(ln.frag0) && l.frags[k].tok == tok && int(l.frags[k].end) == i {
			l.frags[k].end, l.frags[k].x1 = int32(i+1), x1
			return
		}
		l.frags = append(l.frags, tvFrag{tok: tok, start: int32(i), end: int32(i + 1), x0: l.charX[i] - l.lead[i], x1: x1})
	}
	for i := 0; i < n; {
		if l.flags[i]&fForce != 0 {
			newLine(i, true)
		}
		// the unbreakable chunk [i, k)
		k := i + 1
		for k < n && l.flags[k]&fBreak == 0 {
			k++
		}
		var cw, trail float32
		for j := i; j < k; j++ {
			cw += l.adv[j]
			if l.flags[j]&fSpace != 0 || rs[j] == '\n' {
				trail += l.adv[j]
			} else {
				trail = 0
				if l.flags[j]&fTokEnd != 0 {
					trail = gap
				}
			}
		}
		visible := cw - trail
		if x > 0 && x+visible > maxW {
			newLine(i, false)
		}
		if visible <= maxW {
			for j := i; j < k; j++ {
				place(j)
			}
		} else { // longer than a line: break at characters
			for j := i; j < k; j++ {
				if x > 0 && x+l.charW[j] > maxW && l.flags[j]&fSpace == 0 {
					newLine(j, false)
				}
				place(j)
			}
		}
		i = k
	}
	ln.end = int32(n)
	ln.frag1 = int32(len(l.frags))
	l.lines = append(l.lines, ln)
}

// index assigns lanes to the spans and indexes spans and marks per line.
func (l *tvLayout) index() {
	v := l.v
	var spans []annotate.Span
	var marks []annotate.Mark
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
		if mk.End > mk.Start || mk.Kind == annotate.MarkPinyinHint {
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
		ln.h = m.textH + float32(ln.lanes)*m.laneH + tvLineGap*l.v.zoom
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

// Punctuation that may not start a line (closing) or end one (opening).
const (
	tvClosing = "，。、；：？！…—～·）》〉」』】〕〗’”,.;:?!)]}%"
	tvOpening = "（《〈「『【〔〖‘“([{"
)

// tvAlpha returns c with alpha a.
func tvAlpha(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

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
