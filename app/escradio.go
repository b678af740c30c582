package app

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// escRadio is a group of radio buttons that passes Esc on to the window
// (Fyne's RadioGroup keeps its focusable items to itself, so they cannot be
// made to). It draws and takes the keyboard as Fyne's does — Tab goes from
// option to option, Space chooses the focused one — and ← ↑ → ↓ choose the
// previous or next option, taking the focus with them. One option is always
// chosen: choosing it again leaves it chosen (a RadioGroup that is not
// Required un-chooses it, leaving an option with no value).
type escRadio struct {
	widget.DisableableWidget
	Options    []string
	Selected   string
	Horizontal bool
	OnChanged  func(string)

	items []*escRadioItem
}

// newEscRadio makes an escRadio with options, the first one chosen.
func newEscRadio(options []string, changed func(string)) *escRadio {
	r := &escRadio{Options: options, OnChanged: changed}
	if len(options) > 0 {
		r.Selected = options[0]
	}
	for i, o := range options {
		it := &escRadioItem{group: r, index: i, label: o}
		it.ExtendBaseWidget(it)
		r.items = append(r.items, it)
	}
	r.ExtendBaseWidget(r)
	return r
}

// SetSelected chooses option (one of Options), calling OnChanged if it was
// not chosen already.
func (r *escRadio) SetSelected(option string) {
	if option == r.Selected || !slices.Contains(r.Options, option) {
		return
	}
	r.Selected = option
	if r.OnChanged != nil {
		r.OnChanged(option)
	}
	r.Refresh()
}

// choose chooses the i-th option, as a click or a key does.
func (r *escRadio) choose(i int) {
	if r.Disabled() || i < 0 || i >= len(r.Options) {
		return
	}
	r.SetSelected(r.Options[i])
}

// CreateRenderer lays the options out in a row or a column.
func (r *escRadio) CreateRenderer() fyne.WidgetRenderer {
	var objs []fyne.CanvasObject
	for _, it := range r.items {
		objs = append(objs, it)
	}
	return &escRadioRenderer{r: r, objs: objs}
}

type escRadioRenderer struct {
	r    *escRadio
	objs []fyne.CanvasObject
}

func (rr *escRadioRenderer) Destroy()                     {}
func (rr *escRadioRenderer) Objects() []fyne.CanvasObject { return rr.objs }

// MinSize is the largest option's times the options, as a RadioGroup.
func (rr *escRadioRenderer) MinSize() fyne.Size {
	var w, h float32
	for _, o := range rr.objs {
		m := o.MinSize()
		w, h = max(w, m.Width), max(h, m.Height)
	}
	n := float32(len(rr.objs))
	if rr.r.Horizontal {
		return fyne.NewSize(w*n, h)
	}
	return fyne.NewSize(w, h*n)
}

func (rr *escRadioRenderer) Layout(fyne.Size) {
	m := rr.MinSize()
	n := float32(max(1, len(rr.objs)))
	size := fyne.NewSize(m.Width, m.Height/n)
	if rr.r.Horizontal {
		size = fyne.NewSize(m.Width/n, m.Height)
	}
	var pos fyne.Position
	for _, o := range rr.objs {
		o.Resize(size)
		o.Move(pos)
		if rr.r.Horizontal {
			pos.X += size.Width
		} else {
			pos.Y += size.Height
		}
	}
}

func (rr *escRadioRenderer) Refresh() {
	for _, o := range rr.objs {
		o.Refresh()
	}
}

// escRadioItem is one option of an escRadio, focusable on its own as
// Fyne's radio items are.
type escRadioItem struct {
	widget.BaseWidget
	group            *escRadio
	index            int
	label            string
	focused, hovered bool
}

// Disabled is the group's: Tab skips the options of a disabled group.
func (it *escRadioItem) Disabled() bool { return it.group.Disabled() }

// Enable enables the whole group.
func (it *escRadioItem) Enable() { it.group.Enable() }

// Disable disables the whole group.
func (it *escRadioItem) Disable() { it.group.Disable() }

func (it *escRadioItem) FocusGained() { it.focused = true; it.Refresh() }
func (it *escRadioItem) FocusLost()   { it.focused = false; it.Refresh() }

func (it *escRadioItem) MouseIn(*desktop.MouseEvent)    { it.hovered = true; it.Refresh() }
func (it *escRadioItem) MouseMoved(*desktop.MouseEvent) {}
func (it *escRadioItem) MouseOut()                      { it.hovered = false; it.Refresh() }

// Tapped chooses the option and gives it the focus, as Fyne's do.
func (it *escRadioItem) Tapped(*fyne.PointEvent) {
	if it.Disabled() {
		return
	}
	if !it.focused && !fyne.CurrentDevice().IsMobile() {
		it.focus()
	}
	it.group.choose(it.index)
}

func (it *escRadioItem) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(it); c != nil {
		c.Focus(it)
	}
}

// TypedRune chooses the option on Space.
func (it *escRadioItem) TypedRune(r rune) {
	if r == ' ' {
		it.group.choose(it.index)
	}
}

// TypedKey passes Esc on to the window; the arrows choose the previous or
// next option and move the focus to it.
func (it *escRadioItem) TypedKey(ev *fyne.KeyEvent) {
	if passEsc(it, ev) || it.Disabled() {
		return
	}
	step := 0
	switch ev.Name {
	case fyne.KeyLeft, fyne.KeyUp:
		step = -1
	case fyne.KeyRight, fyne.KeyDown:
		step = 1
	}
	items := it.group.items
	if next := it.index + step; step != 0 && next >= 0 && next < len(items) {
		it.group.choose(next)
		items[next].focus()
	}
}

// CreateRenderer draws the option as Fyne's radio item does.
func (it *escRadioItem) CreateRenderer() fyne.WidgetRenderer {
	r := &escRadioItemRenderer{it: it, label: canvas.NewText(it.label, color.Black)}
	r.update()
	return r
}

type escRadioItemRenderer struct {
	it             *escRadioItem
	focusIndicator canvas.Circle
	icon, over     canvas.Image
	label          *canvas.Text
}

func (r *escRadioItemRenderer) Destroy() {}
func (r *escRadioItemRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{&r.focusIndicator, &r.icon, &r.over, r.label}
}

func (r *escRadioItemRenderer) Layout(size fyne.Size) {
	th := r.it.Theme()
	inner := th.Size(theme.SizeNameInnerPadding)
	border := th.Size(theme.SizeNameInputBorder)
	iconSize := th.Size(theme.SizeNameInlineIcon)
	fi := fyne.NewSquareSize(iconSize + inner)
	r.focusIndicator.Resize(fi)
	r.focusIndicator.Move(fyne.NewPos(border, (size.Height-fi.Height)/2))
	r.label.Resize(size)
	r.label.Move(fyne.NewPos(fi.Width+th.Size(theme.SizeNamePadding), 0))
	pos := fyne.NewPos(inner/2+border, (size.Height-iconSize)/2)
	for _, im := range []*canvas.Image{&r.icon, &r.over} {
		im.Resize(fyne.NewSquareSize(iconSize))
		im.Move(pos)
	}
}

func (r *escRadioItemRenderer) MinSize() fyne.Size {
	th := r.it.Theme()
	pad := th.Size(theme.SizeNameInnerPadding) * 2
	return r.label.MinSize().AddWidthHeight(pad+th.Size(theme.SizeNameInlineIcon)+th.Size(theme.SizeNamePadding), pad)
}

func (r *escRadioItemRenderer) Refresh() {
	r.update()
	canvas.Refresh(r.it)
}

// update colours the option as Fyne's radio item: chosen or not, disabled,
// focused, under the mouse.
func (r *escRadioItemRenderer) update() {
	th := r.it.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	chosen := r.it.group.Selected == r.it.label
	disabled := r.it.Disabled()
	r.label.TextSize = th.Size(theme.SizeNameText)
	r.label.Color = th.Color(theme.ColorNameForeground, v)
	out := theme.NewThemedResource(th.Icon(theme.IconNameRadioButton))
	out.ColorName = theme.ColorNameInputBorder
	in := theme.NewThemedResource(th.Icon(theme.IconNameRadioButtonFill))
	in.ColorName = theme.ColorNameInputBackground
	if chosen {
		in.ColorName, out.ColorName = theme.ColorNamePrimary, theme.ColorNameForeground
	}
	if disabled {
		r.label.Color = th.Color(theme.ColorNameDisabled, v)
		in.ColorName, out.ColorName = theme.ColorNameBackground, theme.ColorNameDisabled
		if chosen {
			in.ColorName = theme.ColorNameDisabled
		}
	}
	r.icon.Resource, r.over.Resource = in, out
	r.icon.Refresh()
	r.over.Refresh()
	switch {
	case disabled:
		r.focusIndicator.FillColor = color.Transparent
	case r.it.focused:
		r.focusIndicator.FillColor = th.Color(theme.ColorNameFocus, v)
	case r.it.hovered:
		r.focusIndicator.FillColor = th.Color(theme.ColorNameHover, v)
	default:
		r.focusIndicator.FillColor = color.Transparent
	}
	r.label.Refresh()
}
