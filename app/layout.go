// Pieces of the workspace's layout: the status bar's widths, and what an
// empty project (or no project) shows where the document would be.

package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// statusLayout lays out the status bar's labels (the dictionary, the last
// step, the selection, the counts) side by side: each as wide as its text
// when they all fit, the last step's message taking what is left; when
// they do not fit, the last step keeps at least a third of the width and
// the others share the rest in proportion to their texts (a label
// narrower than its text truncates it with an ellipsis).
type statusLayout struct{}

// statusSaveIndex is the label of the last step's message.
const statusSaveIndex = 1

// statusLabel is a label of the status bar: setting its text lays the bar
// out again (statusLayout sizes the labels by their texts).
//
// A label truncates only when the bar gives it less than its text's width
// (statusLayout sets its Truncation): Fyne truncates a label with an
// ellipsis by shaping its text again with a new shaper each time its text
// or size changes (a new HarfBuzz font of the bundled CJK font: about
// 0.3 ms), and a label whose text fits needs none of it. The status bar's
// texts change at every key (the last step, the counts, the selection).
type statusLabel struct {
	widget.Label
	bar *fyne.Container
}

func newStatusLabel(text string) *statusLabel {
	l := &statusLabel{}
	l.Text = text
	l.SizeName = theme.SizeNameCaptionText
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// SetText sets the label's text and lays the status bar out again: the
// other labels are moved and resized, not refreshed (a refresh of the bar
// shapes the text of every label in it again, 1 ms a key on the 1 MB
// document), unless they now need an ellipsis or no longer do.
func (l *statusLabel) SetText(text string) {
	if l.bar == nil || l.bar.Layout == nil {
		l.Label.SetText(text)
		return
	}
	l.Text = text
	l.bar.Layout.Layout(l.bar.Objects, l.bar.Size())
	l.Refresh()
}

// natural is the width a label needs for its whole text.
func natural(o fyne.CanvasObject) float32 {
	l, ok := o.(*statusLabel)
	if !ok || !o.Visible() {
		return 0
	}
	if l.Text == "" {
		return 0
	}
	th := l.Theme()
	size := th.Size(theme.SizeNameText)
	if l.SizeName != "" {
		size = th.Size(l.SizeName)
	}
	return fyne.MeasureText(l.Text, size, l.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding) + 2
}

func (statusLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	nat := make([]float32, len(objs))
	var others float32
	for i, o := range objs {
		nat[i] = natural(o)
		if i != statusSaveIndex {
			others += nat[i]
		}
	}
	widths := make([]float32, len(objs))
	minSave := size.Width / 3
	room := size.Width - minSave
	scale := float32(1)
	if others > room && others > 0 {
		scale = room / others
	}
	used := float32(0)
	for i := range objs {
		if i != statusSaveIndex {
			widths[i] = nat[i] * scale
			used += widths[i]
		}
	}
	if statusSaveIndex < len(objs) {
		widths[statusSaveIndex] = max(size.Width-used, 0)
	}
	x := float32(0)
	for i, o := range objs {
		if l, ok := o.(*statusLabel); ok {
			trunc := fyne.TextTruncateOff
			if widths[i] < nat[i] {
				trunc = fyne.TextTruncateEllipsis
			}
			if l.Truncation != trunc {
				l.Truncation = trunc
				defer l.Refresh()
			}
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(widths[i], h))
		x += widths[i]
	}
}

func (statusLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(100, h)
}

// emptyHint is shown over the document view when there is nothing to show:
// no project (how to open or create one), or a project without documents
// (how to import: the keys, the menu, and that files dropped on the
// window are imported).
type emptyHint struct {
	ws    *workspace
	root  *fyne.Container
	title *widget.Label
	text  *widget.Label
	btns  *fyne.Container
}

func newEmptyHint(ws *workspace) *emptyHint {
	h := &emptyHint{ws: ws}
	h.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	h.text = widget.NewLabel("")
	h.text.Alignment = fyne.TextAlignCenter
	h.text.Wrapping = fyne.TextWrapWord
	h.btns = container.NewHBox()
	box := container.NewVBox(h.title, h.text, container.NewCenter(h.btns))
	h.root = container.NewCenter(container.NewGridWrap(fyne.NewSize(440, box.MinSize().Height+160), box))
	h.root.Hide()
	return h
}

// refresh shows the hint the workspace needs, or hides it.
func (h *emptyHint) refresh() {
	if h == nil {
		return
	}
	ws := h.ws
	c := mod() + "+"
	switch {
	case ws.proj == nil:
		h.title.SetText(lang.L("No project open"))
		h.text.SetText(lang.L("Create a project or open one: File → New project… ({{.New}}) or Open project… ({{.Open}}).", map[string]any{"New": c + "N", "Open": c + "O"}))
		h.btns.Objects = []fyne.CanvasObject{
			widget.NewButtonWithIcon(lang.L("New project…"), theme.ContentAddIcon(), ws.onNewProject),
			widget.NewButtonWithIcon(lang.L("Open project…"), theme.FolderOpenIcon(), ws.onOpenProject),
		}
	case len(ws.docs) == 0:
		h.title.SetText(lang.L("This project has no documents yet"))
		h.text.SetText(lang.L("Drop text files or folders (or annotated files: CoNLL, brat, doccano, CSV…) on this window, or import them: File → Import files… ({{.Files}}) or Import folder… ({{.Folder}}).", map[string]any{"Files": c + "I", "Folder": c + "Shift+I"}))
		h.btns.Objects = []fyne.CanvasObject{
			widget.NewButtonWithIcon(lang.L("Import files…"), theme.FileIcon(), ws.onImportFiles),
			widget.NewButtonWithIcon(lang.L("Import folder…"), theme.FolderIcon(), ws.onImportFolder),
		}
	default:
		h.root.Hide()
		return
	}
	h.btns.Refresh()
	h.root.Show()
}

// fitLabel is a one-line label that truncates its text with an ellipsis
// when the text does not fit its width, and otherwise clips it (there is
// nothing to clip): Fyne's ellipsis shapes the text again, with a new
// HarfBuzz font of the bundled CJK font, at every change of its text or
// size (about 0.3 ms), where clipping only measures it (Fyne caches the
// measure). Its minimum size is the ellipsis label's either way. The
// labels of the document list, the document's head and the span list
// change at every label key.
type fitLabel struct {
	widget.Label
}

func newFitLabel(text string, style fyne.TextStyle) *fitLabel {
	l := &fitLabel{}
	l.Text = text
	l.TextStyle = style
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// fit sets the truncation for a width: an ellipsis unless the text fits
// (with a margin: Fyne decides it again when it draws). It reports
// whether the truncation changed.
func (l *fitLabel) fit(width float32) bool {
	trunc := fyne.TextTruncateEllipsis
	if width > 0 && !strings.ContainsAny(l.Text, "\n\r\t") {
		th := l.Theme()
		size := th.Size(theme.SizeNameText)
		if l.SizeName != "" {
			size = th.Size(l.SizeName)
		}
		if fyne.MeasureText(l.Text, size, l.TextStyle).Width+2*th.Size(theme.SizeNameInnerPadding)+2 <= width {
			trunc = fyne.TextTruncateClip
		}
	}
	if l.Truncation == trunc {
		return false
	}
	l.Truncation = trunc
	return true
}

// SetText sets the label's text, when it differs.
func (l *fitLabel) SetText(text string) {
	if text == l.Text {
		return
	}
	l.Text = text
	l.fit(l.Size().Width)
	l.Refresh()
}

// Resize resizes the label, truncating its text with an ellipsis when it
// no longer fits.
func (l *fitLabel) Resize(size fyne.Size) {
	if l.fit(size.Width) {
		l.Refresh()
	}
	l.Label.Resize(size)
}

// MinSize is the label's minimum size with an ellipsis (clipping needs
// the ellipsis' width less).
func (l *fitLabel) MinSize() fyne.Size {
	m := l.Label.MinSize()
	if l.Truncation == fyne.TextTruncateClip {
		m.Width += fyne.MeasureText("…", l.Theme().Size(theme.SizeNameText), fyne.TextStyle{}).Width
	}
	return m
}
