// The document view's input: focus, keys (token, character, line,
// sentence and page moves; the cursor kept in view) and the mouse
// (click, double click, drag, Alt for a character selection).

package app

import (
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

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
// fyne.DoubleTappable, which would delay every tap); a click on a
// relation's arc goes to OnArcTapped instead (and, with a relation
// selected, any other click calls it with 0).
func (v *textView) MouseDown(e *desktop.MouseEvent) {
	v.focus()
	if v.doc == nil || e.Button == desktop.MouseButtonSecondary {
		return
	}
	shift := e.Modifier&fyne.KeyModifierShift != 0
	alt := e.Modifier&fyne.KeyModifierAlt != 0
	if !v.charMode && !alt && v.OnArcTapped != nil {
		if id := v.lay.arcAt(e.Position); id != 0 {
			v.lastDownTok = -1
			v.OnArcTapped(id)
			return
		} else if v.selRel != 0 {
			v.OnArcTapped(0) // a click beside the arcs leaves the relation
		}
	}
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
		v.followChars()
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
		v.followChars()
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

// followChars puts the token cursor and anchor on the character
// selection (Alt+click, Alt+drag), so that the keyboard goes on from what
// the mouse selected: the cursor on the token holding the last character
// selected at the caret's end, the anchor on the one at the other end.
// Character mode has its own caret and leaves them alone.
func (v *textView) followChars() {
	if v.charMode || len(v.tokens()) == 0 {
		return
	}
	// edgeToken is the token of the character selected at edge off of a
	// selection whose other edge is at other: the one after off when the
	// selection lies after it, else the one before.
	edgeToken := func(off, other int) int {
		if off > other {
			off--
		}
		return v.tokenAtOffset(off)
	}
	v.cursor, v.anchor = edgeToken(v.caret, v.charAnchor), edgeToken(v.charAnchor, v.caret)
}
