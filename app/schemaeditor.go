package app

import (
	"fmt"
	"image/color"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// labelRef names a label by the names the project's spans carry now, that
// is by its layer and label names in the schema the editor was opened
// with. Label "" stands for the layer itself.
type labelRef struct{ Layer, Label string }

// okabeIto is the colour-blind-safe palette of Okabe and Ito (2008) that
// the schema editor offers for labels; any other "#rrggbb" may be typed or
// picked.
var okabeIto = []string{"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#000000"}

// posPresets are the POS tagset presets the schema editor offers, by their
// annotate.POSPreset names.
var posPresets = []string{"gse", "upos"}

// maxSchemaFile is the largest schema file Import reads.
const maxSchemaFile = 16 << 20

// editLabel is a label being edited; orig is its name in the schema the
// editor was opened with, "" for a label added in the editor.
type editLabel struct {
	annotate.Label
	orig string
}

// editLayer is a layer being edited; orig is its name in the schema the
// editor was opened with, "" for a layer added in the editor.
type editLayer struct {
	name, description string
	overlap           annotate.Overlap
	orig              string
	labels            []editLabel
}

// schemaEditor edits a copy of a schema; nothing changes in the project
// until Apply, which hands the new schema to onApply.
//
// It is a dialog of three columns. On the left the layers: a list ("name
// (number of labels)"), Add layer and Delete layer, and the selected
// layer's name, description and "Spans may overlap" check. In the middle
// the labels of the selected layer: a list whose rows show the colour, the
// name, the shortcut key and the description, with Add label, Delete label,
// Move up and Move down. On the right the selected label: name, shortcut
// key (one character; a key that another label or the workspace already
// uses is refused, and a message under the entry names its owner), colour
// (the Okabe–Ito palette, a "#rrggbb" entry with a preview, and More
// colours… for Fyne's colour picker) and description. Along the bottom the
// POS tagset (a choice of presets, or the schema's own tagset when it is
// not a preset, with its tag count and description) and Import JSON… and
// Export JSON…; then Cancel and Apply.
//
// Deleting a label or layer that spans use first asks, saying how many
// spans go with it; so does an import that drops labels in use.
type schemaEditor struct {
	win     fyne.Window
	orig    *annotate.Schema
	inUse   func(layer, label string) int
	onApply func(s *annotate.Schema, removed []labelRef, renamed map[labelRef]string) error

	layers []*editLayer
	pos    annotate.Tagset
	// rels are the relation layers, edited in their text form (see
	// editRelations).
	rels           []annotate.RelationLayer
	relationsBtn   *escButton
	relationsEntry *widget.Entry
	// custom is the tagset offered under customOption when it is not a
	// preset (the schema's own, or an imported one); nil when there is none.
	custom       *annotate.Tagset
	customOption string

	layer, label int  // the selection; -1 for none
	syncing      bool // set while the editor fills its own widgets, whose callbacks then do nothing

	dialog *dialog.CustomDialog
	// base is the schema as opened, as schema() gives it: what the editor
	// holds differs from it when there are edits not applied.
	base *annotate.Schema
	// showDialog shows the editor's dialogs with what Esc does in them
	// (the workspace's showDialogEsc); nil shows them with d.Show.
	showDialog func(d dialog.Dialog, esc func())

	layerList                   *escList
	layerName, layerDesc        *keyEntry
	layerOverlap                *escCheck
	addLayerBtn, deleteLayerBtn *escButton

	labelsTitle                        *widget.Label
	labelList                          *escList
	addLabelBtn, deleteLabelBtn        *escButton
	upBtn, downBtn                     *tipButton
	labelName, labelKey, labelDesc     *keyEntry
	labelPOS                           *keyEntry // POS tags suggested as the label, comma-separated
	labelColor                         *keyEntry
	keyMsg                             *widget.Label
	swatches                           []*colorSwatch
	preview                            *canvas.Rectangle
	moreColorsBtn                      *escButton
	posSelect                          *escSelect
	posInfo                            *widget.Label
	importBtn, exportBtn               *escButton
	applyBtn, cancelBtn                *escButton
	labelForm, layerForm, labelPalette fyne.CanvasObject
}

// newSchemaEditor returns an editor of a copy of s, shown over win by
// Show. s itself is never modified.
//
// inUse(layer, label) counts the spans of the project that carry a label,
// by the names of s; nil counts none. The editor asks it before deleting a
// label or layer, to say how many spans go with it.
//
// onApply is called by Apply with the edited schema, already validated,
// and with what happened to the labels the project's spans carry, by their
// names in s:
//   - removed lists what was deleted: {layer, label} for a label deleted
//     from a layer that stays, {layer, ""} for a deleted layer (all its
//     spans go, whatever their label);
//   - renamed maps {layer, ""} to the new name of a renamed layer and
//     {layer, label} to the new name of a renamed label (the label's name
//     only: its layer's new name, if any, is under {layer, ""}).
//
// A name in removed is never a key of renamed, so the two apply to each
// span at once by the names it carries: a span of {L, X} is removed when
// {L, ""} or {L, X} is in removed, and otherwise moves to layer
// renamed[{L, ""}] (or stays on L) with label renamed[{L, X}] (or keeps
// X). Renames may swap names (A→B and B→A), so the workspace must not apply
// them one after another. Labels and layers added in the editor appear in
// neither. onApply is meant to make all this one undoable step; if it
// returns an error, the error is shown and the editor stays open.
func newSchemaEditor(win fyne.Window, s *annotate.Schema, inUse func(layer, label string) int, onApply func(s *annotate.Schema, removed []labelRef, renamed map[labelRef]string) error) *schemaEditor {
	e := &schemaEditor{win: win, orig: s.Clone(), inUse: inUse, onApply: onApply, layer: -1, label: -1}
	e.build()
	e.load(s)
	e.base = e.schema()
	return e
}

// Show shows the editor as a dialog over its window; Esc in it is escape.
func (e *schemaEditor) Show() {
	e.show(e.dialog, e.escape)
	e.dialog.Resize(fyne.NewSize(800, 560))
}

// show shows d with showDialog, Esc calling esc.
func (e *schemaEditor) show(d dialog.Dialog, esc func()) {
	if e.showDialog != nil {
		e.showDialog(d, esc)
		return
	}
	d.Show()
}

// showError shows err over the editor.
func (e *schemaEditor) showError(err error) {
	d := newErrorDialog(err, e.win)
	e.show(d, d.Hide)
}

// edited reports whether the editor holds edits not applied.
func (e *schemaEditor) edited() bool { return !reflect.DeepEqual(e.schema(), e.base) }

// escape is Esc in the editor: it closes the editor at once when nothing
// was edited, and otherwise asks first whether to discard the edits (Esc
// there keeps them).
func (e *schemaEditor) escape() {
	if !e.edited() {
		e.dialog.Hide()
		return
	}
	msg := widget.NewLabel(lang.L("The changes to the schema have not been applied: closing the editor discards them."))
	msg.Wrapping = fyne.TextWrapWord
	d := newConfirmDialog(lang.L("Discard changes?"), lang.L("Discard"), lang.L("Keep editing"), msg, func(ok bool) {
		if ok {
			e.dialog.Hide()
		}
	}, e.win)
	d.Resize(fyne.NewSize(420, 0))
	e.show(d, d.Hide)
}

// build makes the editor's widgets and its dialog.
func (e *schemaEditor) build() {
	bold := fyne.TextStyle{Bold: true}

	// Layers.
	e.layerList = newEscList(
		func() int { return len(e.layers) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(e.layers) {
				l := e.layers[id]
				o.(*widget.Label).SetText(fmt.Sprintf("%s (%d)", l.name, len(l.labels)))
			}
		})
	e.layerList.OnSelected = func(id widget.ListItemID) {
		if !e.syncing {
			e.selectLayer(id)
		}
	}
	e.addLayerBtn = newEscButton(lang.L("Add layer"), theme.ContentAddIcon(), e.addLayer)
	e.deleteLayerBtn = newEscButton(lang.L("Delete layer"), theme.DeleteIcon(), e.deleteLayer)
	e.layerName = newEscEntry()
	e.layerName.Validator = nameValidator("layer")
	e.layerName.OnChanged = func(s string) {
		if l := e.curLayer(); l != nil && !e.syncing {
			l.name = s
			e.layerList.RefreshItem(e.layer)
			e.showLabelsTitle()
		}
	}
	// The layers' column is narrow: its description wraps over two lines
	// under its title (beside it, it was clipped to a few characters).
	e.layerDesc = newEscEntry()
	e.layerDesc.MultiLine = true
	e.layerDesc.Wrapping = fyne.TextWrapWord
	e.layerDesc.SetMinRowsVisible(2)
	e.layerDesc.OnChanged = func(s string) {
		if l := e.curLayer(); l != nil && !e.syncing {
			l.description = s
		}
	}
	e.layerOverlap = newEscCheck(lang.L("Spans may overlap"), func(b bool) {
		if l := e.curLayer(); l != nil && !e.syncing {
			l.overlap = annotate.OverlapForbidden
			if b {
				l.overlap = annotate.OverlapAllowed
			}
		}
	})
	e.layerForm = container.NewVBox(
		widget.NewLabel(lang.L("Name")), e.layerName,
		widget.NewLabel(lang.L("Description")), e.layerDesc)
	layersCol := container.NewBorder(
		widget.NewLabelWithStyle(lang.L("Layers"), fyne.TextAlignLeading, bold),
		container.NewVBox(container.NewGridWithColumns(2, e.addLayerBtn, e.deleteLayerBtn), e.layerForm, e.layerOverlap),
		nil, nil, e.layerList)

	// Labels of the selected layer.
	e.labelsTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, bold)
	e.labelsTitle.Truncation = fyne.TextTruncateEllipsis
	e.labelList = newEscList(
		func() int {
			if l := e.curLayer(); l != nil {
				return len(l.labels)
			}
			return 0
		},
		newLabelRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if l := e.curLayer(); l != nil && id < len(l.labels) {
				updateLabelRow(o, l.labels[id].Label)
			}
		})
	e.labelList.OnSelected = func(id widget.ListItemID) {
		if !e.syncing {
			e.selectLabel(id)
		}
	}
	e.addLabelBtn = newEscButton(lang.L("Add label"), theme.ContentAddIcon(), e.addLabel)
	e.deleteLabelBtn = newEscButton(lang.L("Delete label"), theme.DeleteIcon(), e.deleteLabel)
	tips := newTipLayer() // the words of the buttons that show only an icon
	e.upBtn = newTipButton(tips, lang.L("Move the label up"), "", theme.MoveUpIcon(), func() { e.moveLabel(-1) })
	e.downBtn = newTipButton(tips, lang.L("Move the label down"), "", theme.MoveDownIcon(), func() { e.moveLabel(+1) })
	labelsCol := container.NewBorder(e.labelsTitle,
		container.NewHBox(e.addLabelBtn, e.deleteLabelBtn, e.upBtn, e.downBtn),
		nil, nil, e.labelList)

	// The selected label.
	e.labelName = newEscEntry()
	e.labelName.Validator = nameValidator("label")
	e.labelName.OnChanged = func(s string) {
		if lb := e.curLabel(); lb != nil && !e.syncing {
			lb.Name = s
			e.refreshLabelRow()
		}
	}
	e.labelKey = newEscEntry()
	e.labelKey.SetPlaceHolder(lang.L("none"))
	e.labelKey.OnChanged = e.keyChanged
	e.keyMsg = widget.NewLabel("")
	e.keyMsg.Importance = widget.DangerImportance
	e.keyMsg.Wrapping = fyne.TextWrapWord
	e.keyMsg.Hide()
	e.labelColor = newEscEntry()
	e.labelColor.SetPlaceHolder("#rrggbb")
	e.labelColor.OnChanged = func(s string) {
		if lb := e.curLabel(); lb != nil && !e.syncing {
			if c, ok := normalHex(s); ok {
				lb.Color = c
				e.showColor(c)
				e.refreshLabelRow()
			}
		}
	}
	e.preview = canvas.NewRectangle(color.Transparent)
	e.preview.SetMinSize(fyne.NewSquareSize(24))
	e.preview.CornerRadius = 4
	for _, c := range okabeIto {
		e.swatches = append(e.swatches, newColorSwatch(c, e.setColor))
	}
	palette := make([]fyne.CanvasObject, len(e.swatches))
	for i, s := range e.swatches {
		palette[i] = s
	}
	// A grid that wraps: in a narrow editor (a 1024-pixel window) the
	// swatches go on two rows rather than past the editor's edge.
	e.labelPalette = container.NewGridWrap(fyne.NewSquareSize(28), palette...)
	e.moreColorsBtn = newEscButton(lang.L("More colours…"), nil, e.pickColor)
	e.labelDesc = newEscEntry()
	e.labelDesc.OnChanged = func(s string) {
		if lb := e.curLabel(); lb != nil && !e.syncing {
			lb.Description = s
			e.refreshLabelRow()
		}
	}
	e.labelPOS = newEscEntry()
	e.labelPOS.SetPlaceHolder("nr, nrfg")
	e.labelPOS.OnChanged = func(s string) {
		if lb := e.curLabel(); lb != nil && !e.syncing {
			lb.POS = posList(s)
		}
	}
	// The hints are wrapping labels, not the form's hint text, which is
	// one line as wide as its words and pushed the form past the editor's
	// edge in a 1024-pixel window.
	hint := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		l.SizeName = theme.SizeNameCaptionText
		l.Importance = widget.LowImportance
		return l
	}
	e.labelForm = widget.NewForm(
		widget.NewFormItem(lang.L("Name"), e.labelName),
		widget.NewFormItem(lang.L("Key"), container.NewVBox(e.labelKey, e.keyMsg, hint(lang.L("One character: typing it applies the label")))),
		widget.NewFormItem(lang.L("Colour"), e.labelPalette),
		widget.NewFormItem("", container.NewVBox(container.NewBorder(nil, nil, e.preview, nil, e.labelColor), container.NewHBox(e.moreColorsBtn))),
		widget.NewFormItem(lang.L("Description"), e.labelDesc),
		widget.NewFormItem(lang.L("Suggest from POS"), container.NewVBox(e.labelPOS, hint(lang.L("Tokens with these POS tags are suggested as this label")))))
	labelCol := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Label"), fyne.TextAlignLeading, bold),
		e.labelForm)

	// POS tagset, import and export.
	e.posSelect = newEscSelect(nil, e.posChanged)
	e.posInfo = widget.NewLabel("")
	e.posInfo.Wrapping = fyne.TextWrapWord
	e.importBtn = newEscButton(lang.L("Import JSON…"), theme.FolderOpenIcon(), e.importDialog)
	e.exportBtn = newEscButton(lang.L("Export JSON…"), theme.DocumentSaveIcon(), e.exportDialog)
	e.relationsBtn = newEscButton(lang.L("Relation layers…"), nil, e.editRelations)
	bottom := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel(lang.L("POS tagset")), e.posSelect),
		container.NewHBox(e.relationsBtn, e.importBtn, e.exportBtn),
		e.posInfo)

	right := container.NewHSplit(labelsCol, container.NewVScroll(labelCol))
	right.Offset = 0.45
	main := container.NewHSplit(layersCol, right)
	main.Offset = 0.28
	content := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), bottom), nil, nil, main)

	e.cancelBtn = newEscButton(lang.L("Cancel"), theme.CancelIcon(), func() { e.dialog.Hide() })
	e.applyBtn = newEscButton(lang.L("Apply"), theme.ConfirmIcon(), e.apply)
	e.applyBtn.Importance = widget.HighImportance
	e.dialog = dialog.NewCustomWithoutButtons(lang.L("Label schema"), tips.over(content), e.win)
	e.dialog.SetButtons([]fyne.CanvasObject{e.cancelBtn, e.applyBtn})
}

// load puts s in the editor in place of what it holds. Layers and labels
// keep their identity (for renames and deletions) by name: those whose
// names are in the schema the editor was opened with are those.
func (e *schemaEditor) load(s *annotate.Schema) {
	e.layers = editLayersOf(e.orig, s)
	e.rels = s.Clone().Relations
	e.setPOS(s.POS)
	e.layerList.Refresh()
	e.layerList.UnselectAll()
	e.layer = -1
	if len(e.layers) > 0 {
		e.selectLayer(0)
	} else {
		e.selectLayer(-1)
	}
}

// editLayersOf is s as the editor holds it, with the identity of its
// layers and labels taken by name from orig.
func editLayersOf(orig, s *annotate.Schema) []*editLayer {
	var layers []*editLayer
	for _, l := range s.Layers {
		el := &editLayer{name: l.Name, description: l.Description, overlap: l.Overlap}
		ol, ok := orig.Layer(l.Name)
		if ok {
			el.orig = l.Name
		}
		for _, lb := range l.Labels {
			x := editLabel{Label: lb}
			if ok {
				if _, had := ol.Label(lb.Name); had {
					x.orig = lb.Name
				}
			}
			el.labels = append(el.labels, x)
		}
		layers = append(layers, el)
	}
	return layers
}

// setPOS makes t the editor's tagset: a preset when it is one, otherwise
// a custom entry of the choice.
func (e *schemaEditor) setPOS(t annotate.Tagset) {
	e.pos = t
	e.custom, e.customOption = nil, ""
	selected := ""
	for _, name := range posPresets {
		if p, err := annotate.POSPreset(name); err == nil && p.Name == t.Name && slices.Equal(p.Tags, t.Tags) {
			selected = name
		}
	}
	opts := slices.Clone(posPresets)
	if selected == "" {
		c := t
		c.Tags = slices.Clone(t.Tags)
		e.custom = &c
		e.customOption = t.Name
		if t.Name == "" || slices.Contains(posPresets, t.Name) {
			e.customOption = lang.L("{{.Name}} (custom)", map[string]any{"Name": t.Name})
		}
		opts = append(opts, e.customOption)
		selected = e.customOption
	}
	e.sync(func() {
		e.posSelect.Options = opts
		e.posSelect.SetSelected(selected)
	})
	e.showPOS()
}

// posChanged switches the tagset to the one chosen.
func (e *schemaEditor) posChanged(opt string) {
	if e.syncing {
		return
	}
	if e.custom != nil && opt == e.customOption {
		e.pos = *e.custom
		e.pos.Tags = slices.Clone(e.custom.Tags)
	} else {
		t, err := annotate.POSPreset(opt)
		if err != nil {
			e.showError(err)
			return
		}
		e.pos = t
	}
	e.showPOS()
}

func (e *schemaEditor) showPOS() {
	info := lang.L("{{.Count}} tags", map[string]any{"Count": len(e.pos.Tags)})
	// A preset's description in the UI's language (its Description mixes
	// simplified Chinese and English); a project's own tagset's as is.
	if desc, _ := tagGlosses(e.pos); desc != "" {
		info += " — " + desc
	}
	e.posInfo.SetText(info)
}

// sync runs f, which sets the editor's own widgets, with their callbacks
// silenced.
func (e *schemaEditor) sync(f func()) {
	was := e.syncing
	e.syncing = true
	defer func() { e.syncing = was }()
	f()
}

func (e *schemaEditor) curLayer() *editLayer {
	if e.layer < 0 || e.layer >= len(e.layers) {
		return nil
	}
	return e.layers[e.layer]
}

func (e *schemaEditor) curLabel() *editLabel {
	l := e.curLayer()
	if l == nil || e.label < 0 || e.label >= len(l.labels) {
		return nil
	}
	return &l.labels[e.label]
}

// selectLayer selects layer i (-1: none) and its first label.
func (e *schemaEditor) selectLayer(i int) {
	if i >= len(e.layers) {
		i = len(e.layers) - 1
	}
	e.layer = i
	e.sync(func() {
		if i < 0 {
			e.layerList.UnselectAll()
		} else {
			e.layerList.Select(i)
		}
	})
	l := e.curLayer()
	e.sync(func() {
		if l == nil {
			e.layerName.SetText("")
			e.layerDesc.SetText("")
			e.layerOverlap.SetChecked(false)
			return
		}
		e.layerName.SetText(l.name)
		e.layerDesc.SetText(descriptionIn(l.description))
		e.layerOverlap.SetChecked(l.overlap == annotate.OverlapAllowed)
	})
	enableAll(l != nil, e.layerName, e.layerDesc, e.layerOverlap, e.deleteLayerBtn, e.addLabelBtn)
	e.showLabelsTitle()
	e.label = -1
	e.sync(func() { e.labelList.UnselectAll() })
	e.labelList.Refresh()
	if l != nil && len(l.labels) > 0 {
		e.selectLabel(0)
	} else {
		e.selectLabel(-1)
	}
}

func (e *schemaEditor) showLabelsTitle() {
	if l := e.curLayer(); l != nil {
		e.labelsTitle.SetText(lang.L("Labels of {{.Layer}}", map[string]any{"Layer": l.name}))
	} else {
		e.labelsTitle.SetText(lang.L("Labels"))
	}
}

// selectLabel selects label i (-1: none) of the selected layer and shows
// it in the label form.
func (e *schemaEditor) selectLabel(i int) {
	l := e.curLayer()
	if l == nil || i >= len(l.labels) {
		i = -1
	}
	e.label = i
	e.sync(func() {
		if i < 0 {
			e.labelList.UnselectAll()
		} else {
			e.labelList.Select(i)
		}
	})
	lb := e.curLabel()
	e.sync(func() {
		if lb == nil {
			e.labelName.SetText("")
			e.labelKey.SetText("")
			e.labelColor.SetText("")
			e.labelDesc.SetText("")
			e.labelPOS.SetText("")
			return
		}
		e.labelName.SetText(lb.Name)
		e.labelKey.SetText(lb.Key)
		e.labelColor.SetText(lb.Color)
		e.labelDesc.SetText(descriptionIn(lb.Description))
		e.labelPOS.SetText(strings.Join(lb.POS, ", "))
	})
	e.keyMsg.Hide()
	hex := ""
	if lb != nil {
		hex = lb.Color
	}
	e.showColor(hex)
	enableAll(lb != nil, e.labelName, e.labelKey, e.labelColor, e.labelDesc, e.labelPOS, e.deleteLabelBtn, e.moreColorsBtn)
	enableAll(lb != nil && i > 0, e.upBtn)
	enableAll(lb != nil && i < len(l.labels)-1, e.downBtn)
}

// enableAll enables or disables widgets.
func enableAll(on bool, ws ...fyne.Disableable) {
	for _, w := range ws {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

func (e *schemaEditor) refreshLabelRow() {
	if e.label >= 0 {
		e.labelList.RefreshItem(e.label)
	}
}

// addLayer adds an empty layer, overlaps forbidden, and selects it.
func (e *schemaEditor) addLayer() {
	name := uniqueName(lang.L("layer"), func(n string) bool {
		return slices.ContainsFunc(e.layers, func(l *editLayer) bool { return l.name == n })
	})
	e.layers = append(e.layers, &editLayer{name: name, overlap: annotate.OverlapForbidden})
	e.layerList.Refresh()
	e.selectLayer(len(e.layers) - 1)
}

// deleteLayer deletes the selected layer, asking first when spans use it.
func (e *schemaEditor) deleteLayer() {
	l := e.curLayer()
	if l == nil {
		return
	}
	i := e.layer
	del := func() {
		e.layers = slices.Delete(e.layers, i, i+1)
		e.layerList.Refresh()
		e.selectLayer(min(i, len(e.layers)-1))
	}
	n := 0
	if l.orig != "" {
		for _, lb := range l.labels {
			if lb.orig != "" {
				n += e.count(l.orig, lb.orig)
			}
		}
	}
	if n == 0 {
		del()
		return
	}
	e.confirm(lang.L("Delete layer"),
		lang.L("Delete layer {{.Name}} and its labels?", map[string]any{"Name": l.name})+" "+removesSpans(n), del)
}

// addLabel adds a label to the selected layer, with a colour of the
// palette and a free digit key where there is one, and selects it.
func (e *schemaEditor) addLabel() {
	l := e.curLayer()
	if l == nil {
		return
	}
	name := uniqueName(lang.L("label"), func(n string) bool {
		return slices.ContainsFunc(l.labels, func(lb editLabel) bool { return lb.Name == n })
	})
	lb := annotate.Label{Name: name, Color: okabeIto[len(l.labels)%len(okabeIto)]}
	for _, c := range okabeIto {
		if !slices.ContainsFunc(l.labels, func(x editLabel) bool { return strings.EqualFold(x.Color, c) }) {
			lb.Color = c
			break
		}
	}
	for _, k := range "1234567890" {
		if e.keyConflict(string(k), nil) == "" {
			lb.Key = string(k)
			break
		}
	}
	l.labels = append(l.labels, editLabel{Label: lb})
	e.labelList.Refresh()
	e.layerList.RefreshItem(e.layer)
	e.selectLabel(len(l.labels) - 1)
}

// deleteLabel deletes the selected label, asking first when spans use it.
func (e *schemaEditor) deleteLabel() {
	l, lb := e.curLayer(), e.curLabel()
	if lb == nil {
		return
	}
	i := e.label
	del := func() {
		l.labels = slices.Delete(l.labels, i, i+1)
		e.labelList.Refresh()
		e.layerList.RefreshItem(e.layer)
		e.selectLabel(min(i, len(l.labels)-1))
	}
	n := 0
	if l.orig != "" && lb.orig != "" {
		n = e.count(l.orig, lb.orig)
	}
	if n == 0 {
		del()
		return
	}
	e.confirm(lang.L("Delete label"),
		lang.L("Delete label {{.Name}}?", map[string]any{"Name": lb.Name})+" "+removesSpans(n), del)
}

// moveLabel moves the selected label by d places in its layer.
func (e *schemaEditor) moveLabel(d int) {
	l := e.curLayer()
	i, j := e.label, e.label+d
	if l == nil || i < 0 || j < 0 || j >= len(l.labels) {
		return
	}
	l.labels[i], l.labels[j] = l.labels[j], l.labels[i]
	e.labelList.Refresh()
	e.selectLabel(j)
}

// keyChanged takes the key typed into the key entry: the character just
// typed replaces the old key. A key that another label or the workspace
// uses is refused: the entry goes back to the old key and the message
// under it names the owner.
func (e *schemaEditor) keyChanged(text string) {
	lb := e.curLabel()
	if lb == nil || e.syncing {
		return
	}
	key := pickKey(text, lb.Key)
	if msg := e.keyConflict(key, lb); msg != "" {
		e.keyMsg.SetText(msg)
		e.keyMsg.Show()
		e.sync(func() { e.labelKey.SetText(lb.Key) })
		return
	}
	e.keyMsg.Hide()
	lb.Key = key
	if text != key {
		e.sync(func() { e.labelKey.SetText(key) })
	}
	e.refreshLabelRow()
}

// pickKey is the key an entry holding text gives, old being the key it
// held: the last character typed, ignoring old where the user typed next
// to it.
func pickKey(text, old string) string {
	r := []rune(text)
	if len(r) > 1 && old != "" {
		if i := slices.Index(r, []rune(old)[0]); i >= 0 {
			r = slices.Delete(r, i, i+1)
		}
	}
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
}

// keyConflict says why key cannot be the shortcut of label self (nil: a
// new label): the workspace uses it, or another label does. It is "" when
// key is free.
func (e *schemaEditor) keyConflict(key string, self *editLabel) string {
	if key == "" {
		return ""
	}
	if cmd, ok := annotate.ReservedKeys[key]; ok {
		return lang.L("Key {{.Key}} is the workspace's {{.Command}} key.",
			map[string]any{"Key": shortcutName(key), "Command": lang.L(cmd)})
	}
	for _, l := range e.layers {
		for i := range l.labels {
			if lb := &l.labels[i]; lb != self && lb.Key == key {
				return lang.L("Key {{.Key}} is already {{.Label}} in layer {{.Layer}}.",
					map[string]any{"Key": shortcutName(key), "Label": lb.Name, "Layer": l.name})
			}
		}
	}
	return ""
}

// shortcutName is how messages show a shortcut key.
func shortcutName(k string) string {
	if k == " " {
		return lang.L("Space")
	}
	return k
}

// setColor sets the selected label's colour, "#rrggbb".
func (e *schemaEditor) setColor(hex string) {
	lb := e.curLabel()
	if lb == nil {
		return
	}
	lb.Color = hex
	e.sync(func() { e.labelColor.SetText(hex) })
	e.showColor(hex)
	e.refreshLabelRow()
}

// showColor shows hex ("": none) in the preview and marks its swatch.
func (e *schemaEditor) showColor(hex string) {
	e.preview.FillColor = color.Transparent
	if c, ok := parseLabelColor(hex); ok {
		e.preview.FillColor = c
	}
	e.preview.Refresh()
	for _, s := range e.swatches {
		s.setSelected(strings.EqualFold(s.hex, hex))
	}
}

// pickColor opens Fyne's colour picker on the selected label's colour.
func (e *schemaEditor) pickColor() {
	lb := e.curLabel()
	if lb == nil {
		return
	}
	p := dialog.NewColorPicker(lang.L("Label colour"), lang.L("Colour of {{.Label}}", map[string]any{"Label": lb.Name}),
		func(c color.Color) { e.setColor(hexColor(c)) }, e.win)
	p.Advanced = true
	p.Show()
	if c, ok := parseLabelColor(lb.Color); ok {
		p.SetColor(c)
	}
}

// confirm asks a yes/no question whose yes is destructive and runs do on
// yes.
func (e *schemaEditor) confirm(title, msg string, do func()) {
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	d := newConfirmDialog(title, lang.L("Delete"), lang.L("Cancel"), text, func(ok bool) {
		if ok {
			do()
		}
	}, e.win)
	d.confirm.Importance = widget.DangerImportance
	d.Resize(fyne.NewSize(420, 0))
	e.show(d, d.Hide)
}

// removesSpans says how many spans a deletion removes.
func removesSpans(n int) string {
	if n == 1 {
		return lang.L("It removes 1 span.")
	}
	return lang.L("It removes {{.Count}} spans.", map[string]any{"Count": n})
}

// count is inUse, 0 without it.
func (e *schemaEditor) count(layer, label string) int {
	if e.inUse == nil {
		return 0
	}
	return e.inUse(layer, label)
}

// schema is the schema the editor holds, names trimmed.
func (e *schemaEditor) schema() *annotate.Schema {
	s := &annotate.Schema{POS: e.pos, Layers: make([]annotate.Layer, 0, len(e.layers))}
	s.POS.Tags = slices.Clone(e.pos.Tags)
	if s.POS.Tags == nil {
		s.POS.Tags = []annotate.Tag{}
	}
	for _, l := range e.layers {
		nl := annotate.Layer{Name: strings.TrimSpace(l.name), Overlap: l.overlap,
			Description: strings.TrimSpace(l.description), Labels: make([]annotate.Label, 0, len(l.labels))}
		for _, lb := range l.labels {
			x := lb.Label
			x.Name = strings.TrimSpace(x.Name)
			x.Description = strings.TrimSpace(x.Description)
			nl.Labels = append(nl.Labels, x)
		}
		s.Layers = append(s.Layers, nl)
	}
	s.Relations = (&annotate.Schema{Relations: e.rels}).Clone().Relations
	return s
}

// editRelations edits the relation layers in their text form (see
// annotate.FormatRelationLayers: "[LAYER]", then a line per type with its
// colour, key and the labels its Arg1 and Arg2 admit). OK checks the text
// and the constraints against the labels as edited, and reports what is
// wrong (naming the line) without closing.
func (e *schemaEditor) editRelations() {
	e.relationsEntry = widget.NewMultiLineEntry()
	e.relationsEntry.SetText(annotate.FormatRelationLayers(e.rels))
	e.relationsEntry.TextStyle = fyne.TextStyle{Monospace: true}
	e.relationsEntry.SetMinRowsVisible(12)
	help := widget.NewLabel(lang.L("[LAYER], then a line per type: NAME #rrggbb key:K Arg1:LAYER/LABEL|LAYER/* Arg2:… -- description"))
	help.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	ok := widget.NewButton(lang.L("OK"), func() {
		rels, err := annotate.ParseRelationLayers(e.relationsEntry.Text)
		if err == nil {
			s := e.schema()
			s.Relations = rels
			err = s.Validate()
		}
		if err != nil {
			e.showError(err)
			return
		}
		e.rels = rels
		d.Hide()
	})
	ok.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(lang.L("Relation layers"), container.NewBorder(help, nil, nil, nil, e.relationsEntry), e.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), func() { d.Hide() }), ok})
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
}

// posList reads a comma- or space-separated list of POS tags, each once.
func posList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || unicode.IsSpace(r) }) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// changes is what the edits do to the labels of the schema the editor was
// opened with: see newSchemaEditor.
func (e *schemaEditor) changes() (removed []labelRef, renamed map[labelRef]string) {
	return changesOf(e.orig, e.layers)
}

func changesOf(orig *annotate.Schema, layers []*editLayer) (removed []labelRef, renamed map[labelRef]string) {
	renamed = map[labelRef]string{}
	for _, ol := range orig.Layers {
		i := slices.IndexFunc(layers, func(l *editLayer) bool { return l.orig == ol.Name })
		if i < 0 {
			removed = append(removed, labelRef{ol.Name, ""})
			continue
		}
		l := layers[i]
		if name := strings.TrimSpace(l.name); name != ol.Name {
			renamed[labelRef{ol.Name, ""}] = name
		}
		for _, olb := range ol.Labels {
			j := slices.IndexFunc(l.labels, func(lb editLabel) bool { return lb.orig == olb.Name })
			if j < 0 {
				removed = append(removed, labelRef{ol.Name, olb.Name})
				continue
			}
			if name := strings.TrimSpace(l.labels[j].Name); name != olb.Name {
				renamed[labelRef{ol.Name, olb.Name}] = name
			}
		}
	}
	return removed, renamed
}

// nameValidator checks a layer or label name as it is typed with
// annotate.CheckName, the check every import makes too (on the name
// trimmed, as the editor keeps it; Apply checks the whole schema again).
func nameValidator(kind string) func(string) error {
	return func(s string) error { return annotate.CheckName(kind, strings.TrimSpace(s)) }
}

// apply validates the edited schema and hands it to onApply; on an error
// the error is shown and the editor stays open.
func (e *schemaEditor) apply() {
	s := e.schema()
	if err := s.Validate(); err != nil {
		e.showError(err)
		return
	}
	removed, renamed := e.changes()
	if e.onApply != nil {
		if err := e.onApply(s, removed, renamed); err != nil {
			e.showError(err)
			return
		}
	}
	e.dialog.Hide()
}

// uniqueName is base, or base followed by the first number from 2 that
// makes it not taken.
func uniqueName(base string, taken func(string) bool) string {
	name := base
	for i := 2; taken(name); i++ {
		name = base + " " + strconv.Itoa(i)
	}
	return name
}

// newLabelRow makes a row of the label list: colour, name, key,
// description.
func newLabelRow() fyne.CanvasObject {
	sw := canvas.NewRectangle(color.Transparent)
	sw.SetMinSize(fyne.NewSquareSize(16))
	sw.CornerRadius = 3
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	key := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	desc := widget.NewLabel("")
	desc.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(sw), name, key), nil, desc)
}

// updateLabelRow shows lb in a row made by newLabelRow.
func updateLabelRow(o fyne.CanvasObject, lb annotate.Label) {
	row := o.(*fyne.Container)
	desc := row.Objects[0].(*widget.Label)
	left := row.Objects[1].(*fyne.Container)
	sw := left.Objects[0].(*fyne.Container).Objects[0].(*canvas.Rectangle)
	name := left.Objects[1].(*widget.Label)
	key := left.Objects[2].(*widget.Label)
	if c, ok := parseLabelColor(lb.Color); ok {
		sw.FillColor = c
	} else {
		sw.FillColor = color.Transparent
	}
	sw.Refresh()
	name.SetText(lb.Name)
	k := "·"
	if lb.Key != "" {
		k = shortcutName(lb.Key)
	}
	key.SetText(k)
	desc.SetText(descriptionIn(lb.Description))
}

// normalHex is s as a lower-case "#rrggbb" colour ("#" optional in s).
func normalHex(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "#") {
		s = "#" + s
	}
	_, ok := parseLabelColor(s)
	return s, ok
}

// parseLabelColor reads a "#rrggbb" colour.
func parseLabelColor(s string) (color.NRGBA, bool) {
	if len(s) != 7 || s[0] != '#' {
		return color.NRGBA{}, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.NRGBA{}, false
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}, true
}

// hexColor is c as "#rrggbb", its alpha dropped.
func hexColor(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
}

// colorSwatch is a tappable square of one colour of the palette.
type colorSwatch struct {
	widget.BaseWidget
	hex   string
	rect  *canvas.Rectangle
	onTap func(hex string)
}

func newColorSwatch(hex string, onTap func(string)) *colorSwatch {
	c, _ := parseLabelColor(hex)
	s := &colorSwatch{hex: hex, rect: canvas.NewRectangle(c), onTap: onTap}
	s.rect.SetMinSize(fyne.NewSquareSize(24))
	s.rect.CornerRadius = 4
	s.ExtendBaseWidget(s)
	return s
}

// CreateRenderer draws the swatch.
func (s *colorSwatch) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.rect)
}

// Tapped chooses the swatch's colour.
func (s *colorSwatch) Tapped(*fyne.PointEvent) {
	if s.onTap != nil {
		s.onTap(s.hex)
	}
}

// setSelected outlines the swatch when it is the label's colour.
func (s *colorSwatch) setSelected(on bool) {
	if on {
		s.rect.StrokeColor = theme.Color(theme.ColorNameForeground)
		s.rect.StrokeWidth = 3
	} else {
		s.rect.StrokeWidth = 0
	}
	s.rect.Refresh()
}
