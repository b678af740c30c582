package app

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Esc and the keyboard focus.
//
// Fyne's window hands a key to the focused widget only, and to the window's
// own key handler (the canvas's OnTypedKey: workspace.canvasKey) only when
// nothing has the focus; Fyne's buttons, checks, selects and tables ignore
// Esc, and there is no key event that bubbles up, nor a shortcut without a
// modifier. So once Tab had put the focus on one of them, Esc did nothing in
// a dialog. The esc* widgets below are Fyne's, with one difference: Esc is
// passed on to the window as if nothing had the focus, so that one handler
// decides what Esc does (close the dialog on top, cancel the long work behind
// a progress dialog). A dialog whose every focusable widget is one of them
// (or a keyEntry giving Esc on), with its buttons from newCustomDialog or
// newConfirmDialog, closes on Esc whatever has the focus.

// passEsc gives Esc to the key handler of the window obj is in, as if
// nothing had the focus, and reports whether it did.
func passEsc(obj fyne.CanvasObject, ev *fyne.KeyEvent) bool {
	if ev.Name != fyne.KeyEscape || fyne.CurrentApp() == nil {
		return false
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(obj)
	if c == nil || c.OnTypedKey() == nil {
		return false
	}
	c.OnTypedKey()(ev)
	return true
}

// escButton is a widget.Button that passes Esc on to the window.
type escButton struct{ widget.Button }

// newEscButton is widget.NewButtonWithIcon for a button that passes Esc on.
func newEscButton(text string, icon fyne.Resource, tapped func()) *escButton {
	b := &escButton{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey passes Esc on to the window.
func (b *escButton) TypedKey(ev *fyne.KeyEvent) {
	if !passEsc(b, ev) {
		b.Button.TypedKey(ev)
	}
}

// escCheck is a widget.Check that passes Esc on to the window.
type escCheck struct{ widget.Check }

// newEscCheck is widget.NewCheck for a check that passes Esc on.
func newEscCheck(text string, changed func(bool)) *escCheck {
	c := &escCheck{}
	c.Text, c.OnChanged = text, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey passes Esc on to the window.
func (c *escCheck) TypedKey(ev *fyne.KeyEvent) {
	if !passEsc(c, ev) {
		c.Check.TypedKey(ev)
	}
}

// escSelect is a widget.Select that passes Esc on to the window (its list,
// once open, is a pop-up menu of its own, which Esc closes).
type escSelect struct{ widget.Select }

// newEscSelect is widget.NewSelect for a select that passes Esc on.
func newEscSelect(options []string, changed func(string)) *escSelect {
	s := &escSelect{}
	s.Options, s.OnChanged = options, changed
	s.PlaceHolder = "(Select one)" // as widget.NewSelect
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey passes Esc on to the window.
func (s *escSelect) TypedKey(ev *fyne.KeyEvent) {
	if !passEsc(s, ev) {
		s.Select.TypedKey(ev)
	}
}

// escTable is a widget.Table that passes Esc on to the window.
type escTable struct{ widget.Table }

// newEscTable is widget.NewTableWithHeaders for a table that passes Esc on.
func newEscTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *escTable {
	t := &escTable{}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ShowHeaderRow, t.ShowHeaderColumn = true, true
	t.ExtendBaseWidget(t)
	return t
}

// TypedKey passes Esc on to the window.
func (t *escTable) TypedKey(ev *fyne.KeyEvent) {
	if !passEsc(t, ev) {
		t.Table.TypedKey(ev)
	}
}

// escList is a widget.List that passes Esc on to the window.
type escList struct{ widget.List }

// newEscList is widget.NewList for a list that passes Esc on.
func newEscList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *escList {
	l := &escList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey passes Esc on to the window.
func (l *escList) TypedKey(ev *fyne.KeyEvent) {
	if !passEsc(l, ev) {
		l.List.TypedKey(ev)
	}
}

// newEscEntry is widget.NewEntry for an entry that passes Esc on.
func newEscEntry() *keyEntry {
	e := &keyEntry{}
	e.onKey = func(name fyne.KeyName) bool {
		return name == fyne.KeyEscape && passEsc(e, &fyne.KeyEvent{Name: name})
	}
	e.ExtendBaseWidget(e)
	return e
}

// newCustomDialog is dialog.NewCustom with a dismiss button that passes
// Esc on.
func newCustomDialog(title, dismiss string, content fyne.CanvasObject, parent fyne.Window) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, content, parent)
	d.SetButtons([]fyne.CanvasObject{newEscButton(dismiss, nil, d.Hide)})
	return d
}

// newErrorDialog is dialog.NewError with an OK button that passes Esc on.
func newErrorDialog(err error, parent fyne.Window) *dialog.CustomDialog {
	msg := err.Error()
	if r, size := utf8.DecodeRuneInString(msg); r != utf8.RuneError {
		msg = string(unicode.ToUpper(r)) + msg[size:] // as dialog.NewError
	}
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.ErrorIcon())), nil, text)
	d := newCustomDialog(lang.L("Error"), lang.L("OK"), body, parent)
	if c := parent.Canvas(); c != nil {
		d.Resize(fyne.NewSize(min(560, c.Size().Width-40), 0))
	}
	return d
}

// confirmDialog is the dialog newConfirmDialog makes.
type confirmDialog struct {
	*dialog.CustomDialog
	confirm *escButton
}

// Confirm closes the dialog as its confirm button does.
func (d *confirmDialog) Confirm() { d.confirm.OnTapped() }

// newConfirmDialog is dialog.NewCustomConfirm with buttons that pass Esc
// on: callback gets true after the confirm button (or Confirm), false
// however else the dialog was closed (its dismiss button, Esc).
func newConfirmDialog(title, confirm, dismiss string, content fyne.CanvasObject, callback func(bool), parent fyne.Window) *confirmDialog {
	d := dialog.NewCustomWithoutButtons(title, content, parent)
	confirmed := false
	ok := newEscButton(confirm, theme.ConfirmIcon(), func() {
		confirmed = true
		d.Hide()
	})
	ok.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{newEscButton(dismiss, theme.CancelIcon(), d.Hide), ok})
	d.SetOnClosed(func() {
		c := confirmed
		confirmed = false // the dialog may be shown again
		if callback != nil {
			callback(c)
		}
	})
	return &confirmDialog{CustomDialog: d, confirm: ok}
}

// newYesNoDialog is dialog.NewConfirm (a question, Yes and No) with
// buttons that pass Esc on.
func newYesNoDialog(title, msg string, callback func(bool), parent fyne.Window) *confirmDialog {
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	d := newConfirmDialog(title, lang.L("Yes"), lang.L("No"), text, callback, parent)
	if c := parent.Canvas(); c != nil {
		d.Resize(fyne.NewSize(min(520, c.Size().Width-40), 0))
	}
	return d
}

// showDialog shows d and remembers which pop-up is d's, so that Esc closes
// it as its dismiss button does (d.Hide: its callbacks run) rather than
// only hiding the pop-up.
func (ws *workspace) showDialog(d dialog.Dialog) { ws.showDialogEsc(d, d.Hide) }

// showDialogEsc shows d and remembers which pop-up is d's, so that Esc
// calls esc rather than only hiding the pop-up.
func (ws *workspace) showDialogEsc(d dialog.Dialog, esc func()) {
	d.Show()
	c := ws.win.Canvas()
	shown := c.Overlays().List()
	for p := range ws.dialogs { // forget the pop-ups closed since
		if !slices.Contains(shown, p) {
			delete(ws.dialogs, p)
		}
	}
	if top := c.Overlays().Top(); top != nil {
		if ws.dialogs == nil {
			ws.dialogs = map[fyne.CanvasObject]func(){}
		}
		ws.dialogs[top] = esc
	}
}
