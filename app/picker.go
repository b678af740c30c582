package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// keyEntry is an entry that reports Esc, ↑ and ↓ instead of ignoring them.
type keyEntry struct {
	widget.Entry
	onKey func(fyne.KeyName) bool // true: handled
}

func newKeyEntry(onKey func(fyne.KeyName) bool) *keyEntry {
	e := &keyEntry{onKey: onKey}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives Esc, ↑ and ↓ to onKey first.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if !keyFirst(e.onKey, ev) {
		e.Entry.TypedKey(ev)
	}
}

// keyFirst gives Esc, ↑ and ↓ to onKey and reports whether it handled
// the key.
func keyFirst(onKey func(fyne.KeyName) bool, ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyUp, fyne.KeyDown:
		return onKey(ev.Name)
	}
	return false
}

// labelChoice is one label of the schema in the label picker.
type labelChoice struct {
	layer string
	label annotate.Label
}

// labelPicker applies any label of the schema from the keyboard, however
// many there are: type part of its name (or layer, description or key),
// ↑ ↓ to choose, Enter to apply, Esc to close. It is the keyboard path to
// labels without a shortcut key.
type labelPicker struct {
	ws      *workspace
	pick    func(layer, name string) // what choosing does
	all     []labelChoice
	shown   []labelChoice
	sel     int
	entry   *keyEntry
	list    *widget.List
	dlg     dialog.Dialog
	applied bool
	moving  bool // the selection is moved by the keyboard, not a click
}

// choose selects row i without applying it.
func (p *labelPicker) choose(i int) {
	p.moving = true
	p.list.Select(i)
	p.moving = false
	p.sel = i
}

// onLabelPicker opens the label picker (key l).
func (ws *workspace) onLabelPicker() {
	if ws.proj == nil || ws.doc == nil {
		return
	}
	var choices []labelChoice
	for _, l := range ws.proj.Schema().Layers {
		for _, lb := range l.Labels {
			choices = append(choices, labelChoice{layer: l.Name, label: lb})
		}
	}
	ws.openPicker(lang.L("Apply label"), choices, ws.applyLabel)
}

// openPicker opens a picker of choices called title: choosing one calls
// pick with its layer and name (the label picker, the relation type
// picker).
func (ws *workspace) openPicker(title string, choices []labelChoice, pick func(layer, name string)) {
	p := &labelPicker{ws: ws, all: choices, pick: pick}
	p.entry = newKeyEntry(p.key)
	p.entry.SetPlaceHolder(lang.L("Type part of a label's name"))
	p.entry.OnChanged = p.filter
	p.entry.OnSubmitted = func(string) { p.apply() }
	p.list = widget.NewList(
		func() int { return len(p.shown) },
		func() fyne.CanvasObject { return newPickerRow(p.applyChoice) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.shown) {
				o.(*pickerRow).set(p.shown[i])
			}
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		p.sel = i
		if !p.moving { // a click on a row applies it
			p.apply()
		}
	}
	p.filter("")
	body := container.NewBorder(p.entry, nil, nil, nil, p.list)
	p.dlg = dialog.NewCustom(title, lang.L("Cancel"), body, ws.win)
	p.dlg.SetOnClosed(ws.focusView)
	p.dlg.Resize(fyne.NewSize(480, 420))
	p.dlg.Show()
	ws.win.Canvas().Focus(p.entry)
}

func (p *labelPicker) filter(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	p.shown = p.shown[:0]
	for _, c := range p.all {
		hay := strings.ToLower(c.layer + " " + c.label.Name + " " + c.label.Description + " " + c.label.Key)
		if q == "" || strings.Contains(hay, q) {
			p.shown = append(p.shown, c)
		}
	}
	p.sel = 0
	p.list.Refresh()
	if len(p.shown) > 0 {
		p.choose(0)
	}
}

func (p *labelPicker) key(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyEscape:
		p.dlg.Hide()
	case fyne.KeyDown:
		if p.sel+1 < len(p.shown) {
			p.choose(p.sel + 1)
		}
	case fyne.KeyUp:
		if p.sel > 0 {
			p.choose(p.sel - 1)
		}
	}
	return true
}

func (p *labelPicker) apply() {
	if p.sel < 0 || p.sel >= len(p.shown) {
		return
	}
	p.applyChoice(p.shown[p.sel])
}

// applyChoice closes the picker and applies c (a click on a row, or Enter).
func (p *labelPicker) applyChoice(c labelChoice) {
	if p.applied {
		return
	}
	p.applied = true
	p.dlg.Hide()
	p.pick(c.layer, c.label.Name)
}

// pickerRow is a line of the label picker: colour, layer / name, key and
// description.
type pickerRow struct {
	widget.BaseWidget
	rect   fyne.CanvasObject
	set    func(labelChoice)
	choice labelChoice
	tapped func(labelChoice)
}

// Tapped applies the row's label: a click picks it, highlighted or not.
func (r *pickerRow) Tapped(*fyne.PointEvent) { r.tapped(r.choice) }

func newPickerRow(tapped func(labelChoice)) *pickerRow {
	r := &pickerRow{tapped: tapped}
	sw := canvas.NewRectangle(color.Transparent)
	sw.CornerRadius = 3
	sw.SetMinSize(fyne.NewSize(14, 14))
	text := widget.NewLabel("")
	text.Truncation = fyne.TextTruncateEllipsis
	r.set = func(c labelChoice) {
		r.choice = c
		sw.FillColor = labelColor(c.label.Color)
		sw.Refresh()
		s := c.layer + " / " + c.label.Name
		if c.label.Key != "" {
			s += "  [" + c.label.Key + "]"
		}
		if c.label.Description != "" {
			s += "  " + c.label.Description
		}
		text.SetText(s)
	}
	r.rect = container.NewBorder(nil, nil, container.NewCenter(sw), nil, text)
	r.ExtendBaseWidget(r)
	return r
}

func (r *pickerRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.rect) }
