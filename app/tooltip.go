package app

import (
	"image/color"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tooltips. Fyne has none. A tooltip is drawn in a tipLayer laid over the
// content of a dialog (or a window): plain canvas objects, no widget, so
// that it takes neither the pointer nor the keyboard — a pop-up would, and
// Fyne looks for what the pointer hovers only in the pop-up on top, so the
// control would lose the pointer as soon as its tooltip showed. What shows
// a tooltip is a hoverTip: a tipArea laid over a control (a disabled one:
// Fyne's widgets under it keep no hover of their own then), or a tipButton.
// The tip shows after tipDelay with the pointer still, below the pointer,
// and goes when the pointer leaves or presses.

// tipDelay is how long the pointer rests on a control before its tooltip
// shows (0: at once; tests).
var tipDelay = 600 * time.Millisecond

// tipMaxWidth is the widest a tooltip's line is before it wraps.
const tipMaxWidth = 320

// tipLayer is where the tooltips over one content are drawn.
type tipLayer struct {
	root  *fyne.Container   // no layout: the tip is placed by show
	under fyne.CanvasObject // the content the layer is laid over
	box   *canvas.Rectangle
	lines []*canvas.Text
	owner *hoverTip // whose tip is shown, nil: none
	text  string    // the text shown ("" when none; tests read it)
}

// newTipLayer makes an empty layer.
func newTipLayer() *tipLayer {
	l := &tipLayer{box: canvas.NewRectangle(color.Transparent)}
	l.root = container.NewWithoutLayout(l.box)
	l.root.Hide()
	return l
}

// over returns content with the layer laid over it.
func (l *tipLayer) over(content fyne.CanvasObject) fyne.CanvasObject {
	l.under = content
	return container.NewStack(content, l.root)
}

// show shows text for owner, below the pointer at abs (an absolute
// position), inside the layer.
func (l *tipLayer) show(owner *hoverTip, text string, abs fyne.Position) {
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	size := th.Size(theme.SizeNameCaptionText)
	pad := th.Size(theme.SizeNameInnerPadding) / 2
	style := fyne.TextStyle{}
	wrapped := wrapTip(text, size, style)
	for _, t := range l.lines {
		l.root.Remove(t)
	}
	l.lines = l.lines[:0]
	var w, h float32
	for _, line := range wrapped {
		t := canvas.NewText(line, th.Color(theme.ColorNameForeground, v))
		t.TextSize = size
		t.TextStyle = style
		ms := t.MinSize()
		t.Move(fyne.NewPos(pad, pad+h))
		t.Resize(ms)
		w = max(w, ms.Width)
		h += ms.Height
		l.lines = append(l.lines, t)
		l.root.Add(t)
	}
	box := fyne.NewSize(w+2*pad, h+2*pad)
	l.box.FillColor = th.Color(theme.ColorNameOverlayBackground, v)
	l.box.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	l.box.StrokeWidth = 1
	l.box.CornerRadius = th.Size(theme.SizeNameInputRadius)
	l.box.Resize(box)

	// Below the pointer (clear of the cursor), inside the layer: above
	// the pointer when there is no room below.
	// Where the layer is: where its content is (the window knows the
	// content, not the layer's objects until drawn).
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(l.under)
	area := l.under.Size()
	at := abs.Subtract(origin).Add(fyne.NewPos(0, 20))
	if at.Y+box.Height > area.Height {
		at.Y = abs.Y - origin.Y - 4 - box.Height
	}
	at.X = max(0, min(at.X, area.Width-box.Width))
	at.Y = max(0, at.Y)
	// The layer is as big as the content; the tip is moved in it.
	l.box.Move(at)
	for i, t := range l.lines {
		t.Move(at.Add(fyne.NewPos(pad, pad+float32(i)*t.MinSize().Height)))
	}
	l.owner, l.text = owner, text
	l.root.Show()
	l.repaint(owner)
}

// repaint redraws the layer after a change. The layer's objects are new or
// were hidden when the window was drawn, so Fyne's window does not know
// them yet (Refresh on them finds no window): the window of the control
// the tip is for (which has the pointer) is told.
func (l *tipLayer) repaint(owner *hoverTip) {
	l.root.Refresh()
	if owner.obj == nil {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(owner.obj); c != nil {
		c.Refresh(l.root)
	}
}

// hide hides the tip if owner's is shown.
func (l *tipLayer) hide(owner *hoverTip) {
	if l.owner != owner {
		return
	}
	l.owner, l.text = nil, ""
	l.root.Hide()
	l.repaint(owner)
}

// wrapTip breaks text into lines no wider than tipMaxWidth: at spaces, or
// between any two characters of a script written without them (Chinese).
func wrapTip(text string, size float32, style fyne.TextStyle) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := []rune{}
		lastBreak := -1 // in line: the index after which it may break
		for _, r := range para {
			line = append(line, r)
			if unicode.IsSpace(r) || r > 0x2e80 {
				lastBreak = len(line)
			}
			if fyne.MeasureText(string(line), size, style).Width <= tipMaxWidth || len(line) == 1 {
				continue
			}
			cut := len(line) - 1 // before the character that overflowed
			if lastBreak > 0 && lastBreak < len(line) {
				cut = lastBreak
			}
			lines = append(lines, strings.TrimRight(string(line[:cut]), " "))
			line = append([]rune{}, line[cut:]...)
			lastBreak = -1
		}
		lines = append(lines, string(line))
	}
	return lines
}

// hoverTip shows a text in a tipLayer while the pointer rests on a
// control.
type hoverTip struct {
	obj   fyne.CanvasObject // the control (the widget embedding the hoverTip)
	layer *tipLayer
	text  string
	gen   int           // counts the pointer's comings and goings
	at    fyne.Position // where the pointer is (absolute)
}

// in starts the wait for the tip: the pointer came in.
func (h *hoverTip) in(ev *desktop.MouseEvent) {
	h.gen++
	h.at = ev.AbsolutePosition
	if h.text == "" || h.layer == nil {
		return
	}
	if tipDelay <= 0 {
		h.layer.show(h, h.text, h.at)
		return
	}
	g := h.gen
	time.AfterFunc(tipDelay, func() {
		fyne.Do(func() {
			if h.gen == g {
				h.layer.show(h, h.text, h.at)
			}
		})
	})
}

// moved follows the pointer until the tip shows.
func (h *hoverTip) moved(ev *desktop.MouseEvent) {
	if h.layer == nil || h.layer.owner != h {
		h.at = ev.AbsolutePosition
	}
}

// out hides the tip, or stops the wait for it: the pointer left or
// pressed.
func (h *hoverTip) out() {
	h.gen++
	if h.layer != nil {
		h.layer.hide(h)
	}
}

// setText changes the text (""; no tip); a tip shown goes.
func (h *hoverTip) setText(text string) {
	h.out()
	h.text = text
}

// tipArea is an invisible widget laid over a control to show a tooltip on
// it; with no text it hides, so that the control has the pointer to
// itself.
type tipArea struct {
	widget.BaseWidget
	hoverTip
}

// newTipArea lays a tipArea over control, for the tips of layer.
func newTipArea(layer *tipLayer, control fyne.CanvasObject) (fyne.CanvasObject, *tipArea) {
	a := &tipArea{hoverTip: hoverTip{layer: layer}}
	a.obj = a
	a.ExtendBaseWidget(a)
	a.Hide()
	return container.NewStack(control, a), a
}

// SetText sets the tooltip's text; "" hides the area.
func (a *tipArea) SetText(text string) {
	a.setText(text)
	if text == "" {
		a.Hide()
	} else {
		a.Show()
	}
}

// CreateRenderer draws nothing.
func (a *tipArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MouseIn waits for the tip.
func (a *tipArea) MouseIn(ev *desktop.MouseEvent) { a.in(ev) }

// MouseMoved follows the pointer.
func (a *tipArea) MouseMoved(ev *desktop.MouseEvent) { a.moved(ev) }

// MouseOut hides the tip.
func (a *tipArea) MouseOut() { a.out() }

// Tapped hides the tip (the control under it is disabled).
func (a *tipArea) Tapped(*fyne.PointEvent) { a.out() }

// tipButton is an escButton with a tooltip: for a button that shows only
// an icon.
type tipButton struct {
	escButton
	hoverTip
}

// newTipButton is newEscButton with a tooltip in layer.
func newTipButton(layer *tipLayer, tip, text string, icon fyne.Resource, tapped func()) *tipButton {
	b := &tipButton{hoverTip: hoverTip{layer: layer, text: tip}}
	b.obj = b
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// MouseIn highlights the button and waits for the tip.
func (b *tipButton) MouseIn(ev *desktop.MouseEvent) {
	b.escButton.MouseIn(ev)
	b.in(ev)
}

// MouseMoved follows the pointer.
func (b *tipButton) MouseMoved(ev *desktop.MouseEvent) {
	b.escButton.MouseMoved(ev)
	b.moved(ev)
}

// MouseOut hides the tip.
func (b *tipButton) MouseOut() {
	b.escButton.MouseOut()
	b.out()
}

// Tapped hides the tip and taps the button.
func (b *tipButton) Tapped(ev *fyne.PointEvent) {
	b.out()
	b.escButton.Tapped(ev)
}

// TypedKey passes Esc on to the window (escButton's would look for the
// window of the embedded escButton, which is not in any: the tipButton is).
func (b *tipButton) TypedKey(ev *fyne.KeyEvent) {
	if !passEsc(b, ev) {
		b.Button.TypedKey(ev)
	}
}
