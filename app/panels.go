package app

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// labelColor parses "#rrggbb" (grey when malformed).
func labelColor(s string) color.NRGBA {
	if c, ok := parseLabelColor(s); ok {
		return c
	}
	return color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
}

// newLabelButton is one label of the palette: its colour, its name and its
// shortcut key; tapping applies it.
func newLabelButton(lb annotate.Label, apply func()) fyne.CanvasObject {
	sw := canvas.NewRectangle(labelColor(lb.Color))
	sw.CornerRadius = 3
	sw.SetMinSize(fyne.NewSize(14, 14))
	text := lb.Name
	if lb.Key != "" {
		text += "   [" + lb.Key + "]"
	}
	btn := widget.NewButton(text, apply)
	btn.Alignment = widget.ButtonAlignLeading
	return container.NewBorder(nil, nil, container.NewCenter(sw), nil, btn)
}

// spanRow is a line of the span list: colour, label, text and offsets.
type spanRow struct {
	widget.BaseWidget
	swatch *canvas.Rectangle
	label  *widget.Label
	text   *fitLabel
}

func newSpanRow() *spanRow {
	r := &spanRow{swatch: canvas.NewRectangle(color.Transparent), label: widget.NewLabel(""), text: newFitLabel("", fyne.TextStyle{})}
	r.swatch.SetMinSize(fyne.NewSize(6, 18))
	r.label.TextStyle = fyne.TextStyle{Bold: true}
	r.ExtendBaseWidget(r)
	return r
}

func (r *spanRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewHBox(r.swatch, r.label), nil, r.text))
}

func (r *spanRow) set(sp annotate.Span, d *annotate.Document, s *annotate.Schema) {
	c := "#888888"
	if l, ok := s.Layer(sp.Layer); ok {
		if lb, ok := l.Label(sp.Label); ok {
			c = lb.Color
		}
	}
	col := labelColor(c)
	if sp.Origin == annotate.OriginSuggested {
		col.A = 0x66
	}
	if r.swatch.FillColor != col {
		r.swatch.FillColor = col
		r.swatch.Refresh()
	}
	setLabel(r.label, r.label.Text, sp.Label)
	text := ""
	if d != nil && sp.End <= d.Chars() {
		text = d.Slice(sp.Start, sp.End)
	}
	text = shorten(strings.ReplaceAll(text, "\n", " "), 60)
	suffix := fmt.Sprintf("  [%d,%d)", sp.Start, sp.End)
	if sp.Origin == annotate.OriginSuggested {
		suffix += " " + lang.L("suggested")
	}
	if sp.Note != "" {
		suffix += "  " + noteMark + " " + shorten(strings.ReplaceAll(sp.Note, "\n", " "), 40)
	}
	r.text.SetText(text + suffix)
}

// noteMark marks a span that has a note, in the span list (the text view
// draws a corner on its bar).
const noteMark = "※"

// inspector shows the token or span at the cursor: text, offsets, POS
// (a button that opens the POS picker, the tag with its gloss) and the
// span's note.
type inspector struct {
	ws      *workspace
	root    *fyne.Container
	buttons *fyne.Container // Accept, Reject, Delete: kept in view under the scrolled panel
	text    *widget.Label
	offsets *widget.Label
	pos     *widget.Button
	span    *widget.Label
	note    *widget.Entry
	accept  *widget.Button
	reject  *widget.Button
	del     *widget.Button
	// The words of the disabled Accept, Reject and Delete: what to select.
	acceptTip, rejectTip, delTip *tipArea
	glosses                      map[string]string // the tagset's glosses in the UI's language, by tag
	tok                          *text.Token
	sp                           *annotate.Span
}

func newInspector(ws *workspace) *inspector {
	in := &inspector{ws: ws}
	in.text = widget.NewLabel("")
	in.text.Wrapping = fyne.TextWrapWord
	in.text.TextStyle = fyne.TextStyle{Bold: true}
	in.offsets = widget.NewLabel("")
	in.offsets.Importance = widget.LowImportance
	in.pos = widget.NewButton("", ws.onPOSPicker)
	in.pos.Alignment = widget.ButtonAlignLeading
	in.span = widget.NewLabel("")
	in.span.Wrapping = fyne.TextWrapWord
	in.note = widget.NewEntry()
	in.note.SetPlaceHolder(lang.L("Note on the span (Enter saves)"))
	in.note.OnSubmitted = in.setNote
	in.accept = widget.NewButtonWithIcon(lang.L("Accept"), theme.ConfirmIcon(), ws.onAccept)
	in.reject = widget.NewButtonWithIcon(lang.L("Reject"), theme.CancelIcon(), ws.onReject)
	in.del = widget.NewButtonWithIcon(lang.L("Delete span"), theme.DeleteIcon(), ws.onDeleteSpan)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("POS"), in.pos),
		widget.NewFormItem(lang.L("Span"), in.span),
		widget.NewFormItem(lang.L("Note"), in.note),
	)
	in.root = container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Inspector"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		in.text, in.offsets, form)
	accept, acceptTip := newTipArea(ws.tips, in.accept)
	reject, rejectTip := newTipArea(ws.tips, in.reject)
	del, delTip := newTipArea(ws.tips, in.del)
	in.acceptTip, in.rejectTip, in.delTip = acceptTip, rejectTip, delTip
	in.buttons = container.NewGridWithColumns(3, accept, reject, del)
	in.show(nil, nil, 0, 0)
	return in
}

// setTagset sets the tagset whose glosses the POS button shows.
func (in *inspector) setTagset(t annotate.Tagset) {
	_, in.glosses = tagGlosses(t)
	for _, g := range t.Tags {
		if in.glosses[g.Name] == "" && g.Description != "" {
			in.glosses[g.Name] = g.Description
		}
	}
}

// posText is what the POS button shows for tag: the tag and its gloss.
func (in *inspector) posText(tag string) string {
	if tag == "" {
		return lang.L("POS (t)")
	}
	if g := in.glosses[tag]; g != "" {
		return tag + "  " + g
	}
	return tag
}

// show fills the inspector for the cursor token tok and the selected span
// sp (either may be nil) and the selection [start, end).
func (in *inspector) show(tok *text.Token, sp *annotate.Span, start, end int) {
	defer in.showTips()
	in.tok, in.sp = tok, sp
	d := in.ws.doc
	if d == nil {
		setLabel(in.text, in.text.Text, "")
		setLabel(in.offsets, in.offsets.Text, "")
		setLabel(in.pos, in.pos.Text, lang.L("POS (t)"))
		in.pos.Disable()
		in.note.Disable()
		setLabel(in.span, in.span.Text, "")
		in.accept.Disable()
		in.reject.Disable()
		in.del.Disable()
		return
	}
	setLabel(in.text, in.text.Text, shorten(strings.ReplaceAll(d.Slice(start, end), "\n", " "), 200))
	offs := fmt.Sprintf(lang.L("offsets [%d, %d)"), start, end)
	if tok != nil {
		offs += " · " + fmt.Sprintf(lang.L("token [%d, %d)"), tok.Start, tok.End)
		if tok.Edited {
			offs += " · " + lang.L("edited")
		}
		in.pos.Enable()
		setLabel(in.pos, in.pos.Text, in.posText(tok.POS))
	} else {
		setLabel(in.pos, in.pos.Text, lang.L("POS (t)"))
		in.pos.Disable()
	}
	setLabel(in.offsets, in.offsets.Text, offs)
	if sp != nil {
		desc := fmt.Sprintf("%s / %s  [%d, %d)  %s", sp.Layer, sp.Label, sp.Start, sp.End, originName(sp.Origin))
		if sp.Annotator != "" {
			desc += " · " + sp.Annotator
		}
		if sp.Origin == annotate.OriginSuggested {
			if why := in.ws.suggestionReason(sp); why != "" {
				desc += "\n" + why
			}
		}
		setLabel(in.span, in.span.Text, desc)
		in.note.Enable()
		setLabel(in.note, in.note.Text, sp.Note)
		in.del.Enable()
		if sp.Origin == annotate.OriginSuggested {
			in.accept.Enable()
			in.reject.Enable()
		} else {
			in.accept.Disable()
			in.reject.Disable()
		}
	} else {
		setLabel(in.span, in.span.Text, lang.L("no span"))
		setLabel(in.note, in.note.Text, "")
		in.note.Disable()
		in.accept.Disable()
		in.reject.Disable()
		in.del.Disable()
	}
}

// showTips gives the disabled Accept, Reject and Delete a tooltip saying
// what would enable them.
func (in *inspector) showTips() {
	tip := func(a *tipArea, b *widget.Button, noSpan, notSuggested string) {
		switch {
		case !b.Disabled():
			a.SetText("")
		case in.sp == nil:
			a.SetText(noSpan)
		default:
			a.SetText(notSuggested)
		}
	}
	notSuggested := lang.L("This span is not a suggestion: only suggestions are accepted or rejected")
	tip(in.acceptTip, in.accept, lang.L("Put the cursor on a suggested span to accept it"), notSuggested)
	tip(in.rejectTip, in.reject, lang.L("Put the cursor on a suggested span to reject it"), notSuggested)
	tip(in.delTip, in.del, lang.L("Put the cursor on a span to delete it"), "")
}

// shorten cuts s to n code points and an ellipsis: a label must not have
// to wrap a whole document's text.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// focusNote puts the keyboard in the span's note (when a span is
// selected).
func (in *inspector) focusNote() {
	if in.sp == nil {
		in.ws.info(lang.L("No span under the cursor"))
		return
	}
	in.ws.win.Canvas().Focus(in.note)
}

func (in *inspector) setNote(note string) {
	defer in.ws.focusView()
	if in.sp == nil || note == in.sp.Note {
		return
	}
	in.ws.apply(annotate.SetNote{ID: in.sp.ID, Note: note})
}

// originName is a span origin in the UI's language.
func originName(o annotate.Origin) string {
	switch o {
	case annotate.OriginManual:
		return lang.L("manual")
	case annotate.OriginSuggested:
		return lang.L("suggested")
	case annotate.OriginImported:
		return lang.L("imported")
	}
	return string(o)
}
