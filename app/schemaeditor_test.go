package app

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// appliedSchema records the calls of an editor's onApply.
type appliedSchema struct {
	calls   int
	schema  *annotate.Schema
	removed []labelRef
	renamed map[labelRef]string
	err     error // what onApply returns
}

// newTestEditor shows an editor of s (nil: the default schema) in a new
// test window; spans counts the spans per label.
func newTestEditor(t *testing.T, s *annotate.Schema, spans map[labelRef]int) (*schemaEditor, fyne.Window, *appliedSchema) {
	t.Helper()
	w := newEditorWindow(t)
	e, got := openEditor(t, w, s, spans)
	return e, w, got
}

// newEditorWindow is a test window for editors, with Biaozhu's theme.
func newEditorWindow(t *testing.T) fyne.Window {
	test.NewTempApp(t).Settings().SetTheme(newTheme())
	w := test.NewTempWindow(t, widget.NewLabel("workspace"))
	w.Resize(fyne.NewSize(1000, 700))
	return w
}

// openEditor shows an editor of s (nil: the default schema) over w, and
// closes it when t ends; spans counts the spans per label.
func openEditor(t *testing.T, w fyne.Window, s *annotate.Schema, spans map[labelRef]int) (*schemaEditor, *appliedSchema) {
	t.Helper()
	if s == nil {
		s = annotate.DefaultSchema()
	}
	got := &appliedSchema{}
	e := newSchemaEditor(w, s, func(layer, label string) int { return spans[labelRef{layer, label}] },
		func(s *annotate.Schema, removed []labelRef, renamed map[labelRef]string) error {
			got.calls++
			got.schema, got.removed, got.renamed = s, removed, renamed
			return got.err
		})
	e.Show()
	t.Cleanup(func() {
		for dialogCount(w) > 0 {
			w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
		}
	})
	return e, got
}

// walkObjects lists o and everything under it, through the widgets' renderers.
func walkObjects(o fyne.CanvasObject) []fyne.CanvasObject {
	all := []fyne.CanvasObject{o}
	switch c := o.(type) {
	case fyne.Widget:
		for _, ch := range test.WidgetRenderer(c).Objects() {
			all = append(all, walkObjects(ch)...)
		}
	case *fyne.Container:
		for _, ch := range c.Objects {
			all = append(all, walkObjects(ch)...)
		}
	}
	return all
}

// overlayText is the text of the labels of the topmost dialog.
func overlayText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	for _, o := range walkObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// tapOverlayButton taps the button called text of the topmost dialog.
func tapOverlayButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog to tap %q in", text)
	}
	for _, o := range walkObjects(top) {
		switch b := o.(type) {
		case *widget.Button:
			if b.Text == text {
				test.Tap(b)
				return
			}
		case *escButton:
			if b.Text == text {
				test.Tap(b)
				return
			}
		}
	}
	t.Fatalf("the dialog has no button %q; it says:\n%s", text, overlayText(w))
}

// dialogCount is how many dialogs are open.
func dialogCount(w fyne.Window) int { return len(w.Canvas().Overlays().List()) }

// retype replaces the text of an entry as a user would: clear, then type.
func retype(en interface {
	fyne.Focusable
	SetText(string)
}, s string) {
	en.SetText("")
	test.Type(en, s)
}

// selectLabelNamed selects the label called name of the selected layer
// through the label list.
func selectLabelNamed(t *testing.T, e *schemaEditor, name string) {
	t.Helper()
	for i, lb := range e.curLayer().labels {
		if lb.Name == name {
			e.labelList.Select(i)
			if e.curLabel() == nil || e.curLabel().Name != name {
				t.Fatalf("selecting %s selected %+v", name, e.curLabel())
			}
			return
		}
	}
	t.Fatalf("no label %s in layer %s", name, e.curLayer().name)
}

func tapApply(t *testing.T, e *schemaEditor, w fyne.Window, got *appliedSchema) {
	t.Helper()
	test.Tap(e.applyBtn)
	if got.calls != 1 {
		t.Fatalf("onApply called %d times, want 1; the window shows:\n%s", got.calls, overlayText(w))
	}
	if n := dialogCount(w); n != 0 {
		t.Errorf("after Apply %d dialogs are open, want 0", n)
	}
}

func schemaLabel(t *testing.T, s *annotate.Schema, layer, name string) annotate.Label {
	t.Helper()
	l, ok := s.Layer(layer)
	if !ok {
		t.Fatalf("no layer %s in %v", layer, s.LayerNames())
	}
	lb, ok := l.Label(name)
	if !ok {
		t.Fatalf("no label %s in layer %s: %v", name, layer, l.LabelNames())
	}
	return *lb
}

func TestSchemaEditorAddLabel(t *testing.T) {
	e, w, got := newTestEditor(t, nil, nil)
	if e.curLayer() == nil || e.curLayer().name != "entity" {
		t.Fatalf("selected layer = %+v, want entity", e.curLayer())
	}
	test.Tap(e.addLabelBtn)
	if lb := e.curLabel(); lb == nil || lb.Key != "7" || lb.Color != "#d55e00" {
		t.Fatalf("new label = %+v, want key 7 (the first free digit) and #d55e00 (the first unused colour)", lb)
	}
	retype(e.labelName, "EVENT")
	test.Type(e.labelKey, "e")
	if e.labelKey.Text != "e" {
		t.Errorf("key entry = %q, want the typed key to replace the old one", e.labelKey.Text)
	}
	test.Tap(e.swatches[4]) // #0072b2
	retype(e.labelDesc, "事件 event")
	retype(e.labelPOS, "nz，vn  nz")
	tapApply(t, e, w, got)

	want := annotate.Label{Name: "EVENT", Color: "#0072b2", Key: "e", Description: "事件 event", POS: []string{"nz", "vn"}}
	if lb := schemaLabel(t, got.schema, "entity", "EVENT"); !reflect.DeepEqual(lb, want) {
		t.Errorf("added label = %+v, want %+v", lb, want)
	}
	if l, _ := got.schema.Layer("entity"); len(l.Labels) != 7 || l.Labels[6].Name != "EVENT" {
		t.Errorf("entity labels = %v, want the preset's six then EVENT", l.LabelNames())
	}
	if len(got.removed) != 0 || len(got.renamed) != 0 {
		t.Errorf("removed %v, renamed %v; want none", got.removed, got.renamed)
	}
}

func TestSchemaEditorRenameRecolourMove(t *testing.T) {
	e, w, got := newTestEditor(t, nil, nil)
	retype(e.layerName, "ner")
	selectLabelNamed(t, e, "PER")
	retype(e.labelName, "PERSON")
	selectLabelNamed(t, e, "LOC")
	retype(e.labelColor, "#ABCDEF")
	test.Tap(e.downBtn) // LOC after ORG
	selectLabelNamed(t, e, "ORG")
	retype(e.labelColor, "12345") // not a colour: ORG keeps its own
	test.Tap(e.upBtn)             // ORG first
	tapApply(t, e, w, got)

	l, ok := got.schema.Layer("ner")
	if !ok {
		t.Fatalf("layers = %v, want ner", got.schema.LayerNames())
	}
	if names, want := strings.Join(l.LabelNames(), " "), "ORG PERSON LOC GPE TIME MISC"; names != want {
		t.Errorf("labels = %s, want %s", names, want)
	}
	if lb := schemaLabel(t, got.schema, "ner", "LOC"); lb.Color != "#abcdef" || lb.Key != "2" {
		t.Errorf("LOC = %+v, want colour #abcdef, key 2", lb)
	}
	if lb := schemaLabel(t, got.schema, "ner", "ORG"); lb.Color != "#0072b2" {
		t.Errorf("ORG colour = %s, want #0072b2 kept", lb.Color)
	}
	if lb := schemaLabel(t, got.schema, "ner", "PERSON"); lb.Key != "1" || lb.Color != "#e69f00" {
		t.Errorf("PERSON = %+v, want PER's key and colour", lb)
	}
	wantRenamed := map[labelRef]string{{"entity", ""}: "ner", {"entity", "PER"}: "PERSON"}
	if !reflect.DeepEqual(got.renamed, wantRenamed) || len(got.removed) != 0 {
		t.Errorf("renamed %v, removed %v; want %v and none", got.renamed, got.removed, wantRenamed)
	}
}

func TestSchemaEditorSwapNames(t *testing.T) {
	e, w, got := newTestEditor(t, nil, nil)
	selectLabelNamed(t, e, "PER")
	retype(e.labelName, "LOC")
	e.labelList.Select(1) // the old LOC
	retype(e.labelName, "PER")
	tapApply(t, e, w, got)
	want := map[labelRef]string{{"entity", "PER"}: "LOC", {"entity", "LOC"}: "PER"}
	if !reflect.DeepEqual(got.renamed, want) {
		t.Errorf("renamed %v, want %v", got.renamed, want)
	}
}

func TestSchemaEditorDeleteLabel(t *testing.T) {
	spans := map[labelRef]int{{"entity", "PER"}: 37, {"entity", "LOC"}: 1}
	e, w, got := newTestEditor(t, nil, spans)

	selectLabelNamed(t, e, "PER")
	test.Tap(e.deleteLabelBtn)
	if msg := overlayText(w); !strings.Contains(msg, "Delete label PER? It removes 37 spans.") {
		t.Fatalf("confirmation says:\n%s\nwant the span count", msg)
	}
	tapOverlayButton(t, w, "Cancel")
	if e.curLabel() == nil || e.curLabel().Name != "PER" || len(e.curLayer().labels) != 6 {
		t.Fatalf("after Cancel the selected label is %+v of %d, want PER kept", e.curLabel(), len(e.curLayer().labels))
	}

	test.Tap(e.deleteLabelBtn)
	tapOverlayButton(t, w, "Delete")
	if e.curLabel() == nil || e.curLabel().Name != "LOC" {
		t.Errorf("after deleting PER the selection is %+v, want LOC", e.curLabel())
	}
	test.Tap(e.deleteLabelBtn)
	if msg := overlayText(w); !strings.Contains(msg, "It removes 1 span.") {
		t.Errorf("confirmation says:\n%s\nwant one span", msg)
	}
	tapOverlayButton(t, w, "Delete")

	selectLabelNamed(t, e, "MISC") // no spans: deleted without asking
	test.Tap(e.deleteLabelBtn)
	if n := dialogCount(w); n != 1 {
		t.Errorf("deleting an unused label opened %d dialogs", n-1)
	}
	test.Tap(e.addLabelBtn) // a new label, deleted again: in neither list
	test.Tap(e.deleteLabelBtn)
	tapApply(t, e, w, got)

	if names := strings.Join(got.schema.Layers[0].LabelNames(), " "); names != "ORG GPE TIME" {
		t.Errorf("labels = %s, want ORG GPE TIME", names)
	}
	want := []labelRef{{"entity", "PER"}, {"entity", "LOC"}, {"entity", "MISC"}}
	if !reflect.DeepEqual(got.removed, want) || len(got.renamed) != 0 {
		t.Errorf("removed %v, renamed %v; want %v and none", got.removed, got.renamed, want)
	}
}

func TestSchemaEditorKeys(t *testing.T) {
	tests := []struct {
		typed string
		msg   string // "" = accepted
	}{
		{"1", "Key 1 is already PER in layer entity."},
		{"6", "Key 6 is already MISC in layer entity."},
		{"n", "Key n is the workspace's next document key."},
		{"?", "Key ? is the workspace's keyboard shortcuts key."},
		{" ", "Key Space is the workspace's space key."},
		{"2", ""}, // its own key
		{"9", ""},
		{"N", ""},
	}
	w := newEditorWindow(t)
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			e, got := openEditor(t, w, nil, nil)
			selectLabelNamed(t, e, "LOC")
			test.Type(e.labelKey, tt.typed)
			want := tt.typed
			if tt.msg != "" {
				want = "2"
				if !e.keyMsg.Visible() || e.keyMsg.Text != tt.msg {
					t.Errorf("message = %q (shown %v), want %q", e.keyMsg.Text, e.keyMsg.Visible(), tt.msg)
				}
			} else if e.keyMsg.Visible() {
				t.Errorf("message %q shown for a free key", e.keyMsg.Text)
			}
			if e.labelKey.Text != want {
				t.Errorf("key entry = %q, want %q", e.labelKey.Text, want)
			}
			tapApply(t, e, w, got)
			if lb := schemaLabel(t, got.schema, "entity", "LOC"); lb.Key != want {
				t.Errorf("LOC key = %q, want %q", lb.Key, want)
			}
			if lb := schemaLabel(t, got.schema, "entity", "PER"); lb.Key != "1" {
				t.Errorf("PER key = %q, want 1", lb.Key)
			}
		})
	}
	t.Run("cleared", func(t *testing.T) {
		e, got := openEditor(t, w, nil, nil)
		selectLabelNamed(t, e, "LOC")
		e.labelKey.SetText("")
		tapApply(t, e, w, got)
		if lb := schemaLabel(t, got.schema, "entity", "LOC"); lb.Key != "" {
			t.Errorf("LOC key = %q, want none", lb.Key)
		}
	})
}

func TestPickKey(t *testing.T) {
	tests := []struct{ text, old, want string }{
		{"", "2", ""},
		{"7", "", "7"},
		{"7e", "7", "e"},
		{"e7", "7", "e"},
		{"77", "7", "7"},
		{"ab", "", "b"},
		{"中", "1", "中"},
	}
	for _, tt := range tests {
		if got := pickKey(tt.text, tt.old); got != tt.want {
			t.Errorf("pickKey(%q, %q) = %q, want %q", tt.text, tt.old, got, tt.want)
		}
	}
}

func TestSchemaEditorLayers(t *testing.T) {
	spans := map[labelRef]int{{"entity", "PER"}: 30, {"entity", "ORG"}: 10}
	e, w, got := newTestEditor(t, nil, spans)

	test.Tap(e.addLayerBtn)
	if l := e.curLayer(); l == nil || l.name != "layer" || l.overlap != annotate.OverlapForbidden {
		t.Fatalf("new layer = %+v", l)
	}
	if e.curLabel() != nil || !e.labelName.Disabled() {
		t.Errorf("a new layer has a selected label %+v / an enabled label form", e.curLabel())
	}
	retype(e.layerName, "topic")
	retype(e.layerDesc, "话题 topic")
	test.Tap(e.layerOverlap)
	test.Tap(e.addLabelBtn)
	retype(e.labelName, "SPORT")

	e.layerList.Select(0)
	if e.curLayer().name != "entity" || e.curLabel().Name != "PER" {
		t.Fatalf("selecting layer 0 selected %s/%+v", e.curLayer().name, e.curLabel())
	}
	test.Tap(e.deleteLayerBtn)
	if msg := overlayText(w); !strings.Contains(msg, "Delete layer entity and its labels? It removes 40 spans.") {
		t.Fatalf("confirmation says:\n%s", msg)
	}
	tapOverlayButton(t, w, "Delete")
	if e.curLayer() == nil || e.curLayer().name != "topic" {
		t.Fatalf("after deleting entity the selection is %+v, want topic", e.curLayer())
	}
	tapApply(t, e, w, got)

	want := annotate.Layer{Name: "topic", Overlap: annotate.OverlapAllowed, Description: "话题 topic",
		Labels: []annotate.Label{{Name: "SPORT", Color: "#e69f00", Key: "7"}}} // 7: entity had 1 to 6 when SPORT was added
	if len(got.schema.Layers) != 1 || !reflect.DeepEqual(got.schema.Layers[0], want) {
		t.Errorf("layers = %+v, want %+v", got.schema.Layers, want)
	}
	if wantRm := []labelRef{{"entity", ""}}; !reflect.DeepEqual(got.removed, wantRm) || len(got.renamed) != 0 {
		t.Errorf("removed %v, renamed %v; want %v and none", got.removed, got.renamed, wantRm)
	}
}

func TestSchemaEditorPOS(t *testing.T) {
	e, w, got := newTestEditor(t, nil, nil)
	if e.posSelect.Selected != "gse" {
		t.Fatalf("POS choice = %q, want gse", e.posSelect.Selected)
	}
	gse, _ := annotate.POSPreset("gse")
	gloss, _, _ := annotate.PresetGlosses("gse")
	if want := fmt.Sprintf("%d tags — %s", len(gse.Tags), gloss.En); e.posInfo.Text != want {
		t.Errorf("POS info = %q, want %q", e.posInfo.Text, want)
	}
	e.posSelect.SetSelected("upos")
	if !strings.HasPrefix(e.posInfo.Text, "17 tags") {
		t.Errorf("POS info = %q, want 17 tags", e.posInfo.Text)
	}
	tapApply(t, e, w, got)
	if upos, _ := annotate.POSPreset("upos"); !reflect.DeepEqual(got.schema.POS, upos) {
		t.Errorf("POS = %s with %d tags, want upos", got.schema.POS.Name, len(got.schema.POS.Tags))
	}

	t.Run("custom", func(t *testing.T) {
		s := annotate.DefaultSchema()
		s.POS = annotate.Tagset{Name: "mine", Tags: []annotate.Tag{{Name: "N"}, {Name: "V"}}}
		e, w, got := newTestEditor(t, s, nil)
		if e.posSelect.Selected != "mine" || len(e.posSelect.Options) != 3 {
			t.Fatalf("POS choice = %q of %v, want mine among the presets", e.posSelect.Selected, e.posSelect.Options)
		}
		e.posSelect.SetSelected("gse")
		e.posSelect.SetSelected("mine")
		tapApply(t, e, w, got)
		if !reflect.DeepEqual(got.schema.POS, s.POS) {
			t.Errorf("POS = %+v, want %+v", got.schema.POS, s.POS)
		}
	})
}

func TestSchemaEditorApplyRefused(t *testing.T) {
	e, w, got := newTestEditor(t, nil, nil)
	selectLabelNamed(t, e, "LOC")
	retype(e.labelName, "PER")
	test.Tap(e.applyBtn)
	if got.calls != 0 {
		t.Errorf("onApply called with a duplicate label")
	}
	if msg := overlayText(w); !strings.Contains(msg, `label "PER" appears twice`) {
		t.Errorf("error dialog says:\n%s", msg)
	}
	if n := dialogCount(w); n != 2 {
		t.Errorf("%d dialogs open, want the editor and the error", n)
	}
	tapOverlayButton(t, w, "OK")
	retype(e.labelName, "LOC")
	got.err = errors.New("annotate: layer entity: overlapping spans")
	test.Tap(e.applyBtn)
	if got.calls != 1 || !strings.Contains(overlayText(w), "overlapping spans") || dialogCount(w) != 2 {
		t.Errorf("onApply's error: %d calls, %d dialogs, text:\n%s", got.calls, dialogCount(w), overlayText(w))
	}
}

// TestSchemaEditorRefusesBadNames: a label or layer name that
// annotate.CheckName refuses (a tab or NUL pasted in, more than 100
// characters) is marked on its entry as it is typed and refused by Apply,
// which says why; nothing reaches the project.
func TestSchemaEditorRefusesBadNames(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"PER\tX", "holds a tab"},
		{"A\x00B", "NUL"},
		{"A\nB", "line break"},
		{strings.Repeat("機", annotate.MaxNameLen+1), "at most 100"},
	} {
		for _, kind := range []string{"label", "layer"} {
			t.Run(kind+" "+tc.want, func(t *testing.T) {
				e, w, got := newTestEditor(t, nil, nil)
				entry := e.layerName
				if kind == "label" {
					selectLabelNamed(t, e, "LOC")
					entry = e.labelName
				}
				entry.SetText(tc.name)
				if err := entry.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("the entry's validation = %v, want %q", err, tc.want)
				}
				test.Tap(e.applyBtn)
				if got.calls != 0 {
					t.Errorf("onApply called with %s %q", kind, tc.name)
				}
				if msg := overlayText(w); !strings.Contains(msg, tc.want) {
					t.Errorf("error dialog says:\n%s\nwant %q", msg, tc.want)
				}
			})
		}
	}
}

func TestSchemaEditorCancel(t *testing.T) {
	orig := annotate.DefaultSchema()
	e, w, got := newTestEditor(t, orig, nil)
	retype(e.layerName, "x")
	test.Tap(e.cancelBtn)
	if got.calls != 0 || dialogCount(w) != 0 {
		t.Errorf("Cancel: %d onApply calls, %d dialogs", got.calls, dialogCount(w))
	}
	if !reflect.DeepEqual(orig, annotate.DefaultSchema()) {
		t.Errorf("the editor changed the schema it was given")
	}
}

func TestSchemaEditorJSONRoundTrip(t *testing.T) {
	dir := t.TempDir()
	e, _, _ := newTestEditor(t, nil, nil)
	selectLabelNamed(t, e, "GPE")
	retype(e.labelName, "地名")
	test.Tap(e.addLayerBtn)
	test.Tap(e.addLabelBtn)
	e.posSelect.SetSelected("upos")
	data, err := e.exportJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := e.schema()

	spans := map[labelRef]int{{"entity", "GPE"}: 5, {"entity", "TIME"}: 2}
	e2, w2, got := newTestEditor(t, nil, spans)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := e2.importFrom(f, "schema.json"); err != nil {
		t.Fatal(err)
	}
	if msg := overlayText(w2); !strings.Contains(msg, "schema.json has no labels entity/GPE. It removes 5 spans.") {
		t.Fatalf("import confirmation says:\n%s", msg)
	}
	tapOverlayButton(t, w2, "Delete")
	if e2.posSelect.Selected != "upos" || e2.curLayer().name != "entity" {
		t.Errorf("after import: POS %q, layer %q", e2.posSelect.Selected, e2.curLayer().name)
	}
	tapApply(t, e2, w2, got)
	if !reflect.DeepEqual(got.schema, want) {
		t.Errorf("imported schema = %+v\nwant %+v", got.schema, want)
	}
	if rm := []labelRef{{"entity", "GPE"}}; !reflect.DeepEqual(got.removed, rm) || len(got.renamed) != 0 {
		t.Errorf("removed %v, renamed %v; want %v and none (an import matches by name)", got.removed, got.renamed, rm)
	}
}

func TestSchemaEditorImportErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"layers\": [\n    {\"name\": \"x\",,}\n  ]\n}", "bad.json:3: not a schema: invalid character ','"},
		{"type", "{\n\"layers\": 3}", "bad.json:2: not a schema: json: cannot unmarshal number"},
		{"unknown field", `{"name": "entity", "overlap": "forbidden", "labels": []}`, `bad.json:1: not a schema: json: unknown field "name"`},
		{"empty", `{}`, "bad.json: not a schema: no layers and no POS tags"},
		{"trailing", "{\"pos\": {\"name\": \"a\", \"tags\": [{\"name\": \"n\"}]}}\n{}", "bad.json:2: not a schema: data after the schema"},
		{"invalid", `{"layers": [{"name": "e", "overlap": "forbidden", "labels": [{"name": "A", "color": "#000000", "key": "n"}]}]}`,
			`bad.json: annotate: schema: label e/A: shortcut "n" is the workspace's next document key`},
	}
	w := newEditorWindow(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := openEditor(t, w, nil, nil)
			err := e.importFrom(strings.NewReader(tt.data), "bad.json")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("importFrom(%q) = %v, want an error containing %q", tt.data, err, tt.want)
			}
			if dialogCount(w) != 1 || e.curLayer().name != "entity" {
				t.Errorf("a failed import changed the editor")
			}
		})
	}
}

func TestMarshalSchemaPresets(t *testing.T) {
	s := annotate.DefaultSchema()
	data, err := marshalSchema(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := readSchema(bytes.NewReader(data), "default.json")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("the default schema does not survive export and import")
	}
}

func TestHexColor(t *testing.T) {
	tests := []struct {
		c    color.Color
		want string
	}{
		{color.NRGBA{R: 0xe6, G: 0x9f, A: 0xff}, "#e69f00"},
		{color.RGBA{R: 0x80, G: 0x40, B: 0x20, A: 0xff}, "#804020"},
		{color.Black, "#000000"},
	}
	for _, tt := range tests {
		if got := hexColor(tt.c); got != tt.want {
			t.Errorf("hexColor(%v) = %s, want %s", tt.c, got, tt.want)
		}
		if c, ok := parseLabelColor(tt.want); !ok || hexColor(c) != tt.want {
			t.Errorf("parseLabelColor(%s) = %v, %v", tt.want, c, ok)
		}
	}
}

// TestSchemaEditorRelationLayers: the editor keeps the schema's relation
// layers through an edit of the labels, and edits them in their text form
// (Relation layers…): a line the form refuses, or a constraint naming a
// label the schema lacks, is reported and changes nothing.
func TestSchemaEditorRelationLayers(t *testing.T) {
	s := annotate.DefaultSchema()
	s.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{
		{Name: "works_for", Arg1: []annotate.LabelRef{{Layer: "entity", Label: "PER"}}, Arg2: []annotate.LabelRef{{Layer: "entity", Label: "ORG"}}}}}}
	e, w, got := newTestEditor(t, s, nil)
	test.Tap(e.addLabelBtn)
	retype(e.labelName, "EVENT")
	tapApply(t, e, w, got)
	if len(got.schema.Relations) != 1 || got.schema.Relations[0].Types[0].Name != "works_for" {
		t.Fatalf("relation layers after a label edit: %+v, want rel/works_for kept", got.schema.Relations)
	}

	e, w, got = newTestEditor(t, s, nil)
	test.Tap(e.relationsBtn)
	entry := e.relationsEntry
	if want := "[rel]\nworks_for Arg1:entity/PER Arg2:entity/ORG\n"; entry.Text != want {
		t.Errorf("relation layers text %q, want %q", entry.Text, want)
	}
	entry.SetText("[rel]\nworks_for Arg1:entity/PER Arg2:entity/CITY\n")
	tapOverlayButton(t, w, "OK")
	if !strings.Contains(overlayText(w), "Arg2 names label entity/CITY") {
		t.Errorf("after a constraint on a missing label: dialog says %q", overlayText(w))
	}
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top()) // the error
	entry.SetText("[rel]\nworks_for Arg1:entity/PER Arg2:entity/ORG|entity/GPE\nlocated_in #2ca02c\n\n[coref]\nsame\n")
	tapOverlayButton(t, w, "OK")
	tapApply(t, e, w, got)
	if names := got.schema.RelationLayerNames(); len(names) != 2 || len(got.schema.Relations[0].Types) != 2 ||
		len(got.schema.Relations[0].Types[0].Arg2) != 2 || got.schema.Relations[0].Types[1].Color != "#2ca02c" {
		t.Errorf("relation layers applied: %+v", got.schema.Relations)
	}
}
