package app

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

// testDoc builds a document from words: the text is their concatenation,
// one sentence per "。"-ended run, each word a token tagged pos[i].
func testDoc(name string, words, pos []string) *annotate.Document {
	d := &annotate.Document{Name: name}
	at, sentStart := 0, 0
	var sb strings.Builder
	for i, w := range words {
		n := len([]rune(w))
		d.Tokens = append(d.Tokens, text.Token{Start: at, End: at + n, Text: w, POS: pos[i]})
		sb.WriteString(w)
		at += n
		if w == "。" {
			d.Sentences = append(d.Sentences, text.Sentence{Start: sentStart, End: at})
			sentStart = at
		}
	}
	if sentStart < at {
		d.Sentences = append(d.Sentences, text.Sentence{Start: sentStart, End: at})
	}
	d.Text, d.Raw = sb.String(), sb.String()
	return d
}

// wsFixture is a workspace in a test window on a real project file.
type wsFixture struct {
	t    *testing.T
	ws   *workspace
	win  fyne.Window
	path string
	ids  []int64
}

func newWSFixture(t *testing.T) *wsFixture {
	t.Helper()
	a := test.NewTempApp(t)
	// The workspace used on the test's goroutine only (uiqueue_test.go).
	queueUI(t)
	if err := useLanguage("en"); err != nil { // as New does: our translations loaded
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	ws := newWorkspace(a, w)
	ws.indexAtOpen = false // no background work the test did not ask for
	a.Settings().SetTheme(themeFor("light"))
	w.SetContent(ws.root)
	w.Resize(fyne.NewSize(1200, 800))

	path := filepath.Join(t.TempDir(), "test.biaozhu")
	p, err := annotate.Create(path, nil, annotate.Options{NoBackup: true, Annotator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	d1 := testDoc("一.txt",
		[]string{"北京", "大学", "的", "学生", "在", "上海", "工作", "。", "他们", "很", "忙", "。"},
		[]string{"ns", "n", "uj", "n", "p", "ns", "vn", "x", "r", "d", "a", "x"})
	d2 := testDoc("二.txt",
		[]string{"张三", "去", "广州", "出差", "。"},
		[]string{"nr", "v", "ns", "v", "x"})
	d2.Spans = []annotate.Span{
		{Layer: "entity", Label: "PER", Start: 0, End: 2, Origin: annotate.OriginSuggested},
		{Layer: "entity", Label: "LOC", Start: 3, End: 5, Origin: annotate.OriginSuggested},
	}
	f := &wsFixture{t: t, ws: ws, win: w, path: path}
	for _, d := range []*annotate.Document{d1, d2} {
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
		f.ids = append(f.ids, d.ID)
	}
	ws.setProject(p)
	t.Cleanup(func() { ws.closeProject() })
	// Before the project closes: the long work still running ends first.
	t.Cleanup(func() { waitIdle(t, ws) })
	return f
}

func (f *wsFixture) key(name fyne.KeyName) { f.ws.view.TypedKey(&fyne.KeyEvent{Name: name}) }

func (f *wsFixture) shiftKey(name fyne.KeyName) {
	f.ws.view.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	f.key(name)
	f.ws.view.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
}

func (f *wsFixture) typeRunes(s string) {
	for _, r := range s {
		f.ws.view.TypedRune(r)
	}
}

// menu runs the menu command with shortcut s, as the window's main menu
// would (the test window does not route keys to the menu).
func (f *wsFixture) menu(s fyne.Shortcut) {
	f.t.Helper()
	cmd := f.ws.menu.commandFor(s)
	if cmd == nil {
		f.t.Fatalf("no menu command for %s", s.ShortcutName())
	}
	cmd.action()
}

// stored reopens the project file in a second connection-free way: it
// closes the workspace's project, opens the file, returns the document,
// and reopens it in the workspace on the same document.
func (f *wsFixture) stored(id int64) *annotate.Document {
	f.t.Helper()
	idx := f.ws.docIdx
	// The last corpus step stays undoable, as if the project had stayed
	// open (steps are matched by their history IDs, which the file keeps).
	step, undone, steps := f.ws.corpusStep, f.ws.corpusUndone, f.ws.corpusSteps
	defer func() { f.ws.corpusStep, f.ws.corpusUndone, f.ws.corpusSteps = step, undone, steps }()
	f.ws.closeProject()
	p, err := annotate.Open(f.path, annotate.Options{NoBackup: true, Annotator: "tester"})
	if err != nil {
		f.t.Fatal(err)
	}
	d, err := p.Document(id)
	if err != nil {
		f.t.Fatal(err)
	}
	// A copy: the live document belongs to p, which the workspace keeps.
	cp := *d
	cp.Spans = append([]annotate.Span(nil), d.Spans...)
	cp.Tokens = append([]text.Token(nil), d.Tokens...)
	f.ws.setProject(p)
	f.ws.openDocument(idx)
	return &cp
}

func spanSet(spans []annotate.Span) map[[2]int]string {
	m := map[[2]int]string{}
	for _, s := range spans {
		m[[2]int{s.Start, s.End}] = s.Label + "/" + string(s.Origin)
	}
	return m
}

func tokenTexts(d *annotate.Document) []string {
	var out []string
	for _, t := range d.Tokens {
		out = append(out, d.Slice(t.Start, t.End))
	}
	return out
}

func TestWorkspaceEditing(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	if ws.doc == nil || ws.doc.ID != f.ids[0] {
		t.Fatalf("open document = %v, want the first", ws.doc)
	}

	// Move the cursor and extend: 北京|大学 selected.
	f.key(fyne.KeyRight)
	if got := ws.view.Cursor(); got != 1 {
		t.Fatalf("after →: cursor = %d, want 1", got)
	}
	f.key(fyne.KeyLeft)
	f.shiftKey(fyne.KeyRight)
	if s, e := ws.view.Selection(); s != 0 || e != 4 {
		t.Fatalf("after ← Shift+→: selection = [%d,%d), want [0,4)", s, e)
	}

	// Label it ORG with its key (3).
	f.typeRunes("3")
	if got := spanSet(ws.doc.Spans); got[[2]int{0, 4}] != "ORG/manual" {
		t.Fatalf("after key 3: spans = %v, want ORG over [0,4)", got)
	}
	if got := len(ws.spanItems); got != 1 {
		t.Errorf("span list has %d rows, want 1", got)
	}

	// Relabel: the same selection, key 2 (LOC).
	ws.view.Select(0, 4)
	f.typeRunes("2")
	if got := spanSet(ws.doc.Spans); len(got) != 1 || got[[2]int{0, 4}] != "LOC/manual" {
		t.Fatalf("after key 2: spans = %v, want only LOC over [0,4)", got)
	}
	if got := spanSet(f.stored(f.ids[0]).Spans); got[[2]int{0, 4}] != "LOC/manual" {
		t.Fatalf("project file after relabel: spans = %v, want LOC over [0,4)", got)
	}

	// Delete the span under the cursor.
	ws.view.Select(0, 4)
	f.key(fyne.KeyDelete)
	if len(ws.doc.Spans) != 0 {
		t.Fatalf("after Delete: spans = %v, want none", ws.doc.Spans)
	}

	// Undo brings it back, redo removes it again (through the menu).
	f.menu(&fyne.ShortcutUndo{})
	if got := spanSet(ws.doc.Spans); got[[2]int{0, 4}] != "LOC/manual" {
		t.Fatalf("after undo: spans = %v, want LOC back", got)
	}
	f.menu(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	if len(ws.doc.Spans) != 0 {
		t.Fatalf("after redo: spans = %v, want none", ws.doc.Spans)
	}
	if got := f.stored(f.ids[0]).Spans; len(got) != 0 {
		t.Fatalf("project file after redo: spans = %v, want none", got)
	}

	// Split 北京 into 北|京 in character mode: c, →, /.
	ws.view.Select(0, 2)
	f.typeRunes("c")
	if !ws.view.CharMode() {
		t.Fatal("c did not switch to character mode")
	}
	ws.view.Select(1, 1)
	f.typeRunes("/")
	if got := tokenTexts(ws.doc)[:3]; got[0] != "北" || got[1] != "京" || got[2] != "大学" {
		t.Fatalf("after split: tokens start %q, want 北 京 大学", got)
	}
	f.typeRunes("c")

	// Merge 京 and 大学: select both tokens, =.
	ws.view.Select(1, 4)
	f.typeRunes("=")
	if got := tokenTexts(ws.doc)[:2]; got[0] != "北" || got[1] != "京大学" {
		t.Fatalf("after merge: tokens start %q, want 北 京大学", got)
	}
	if got := tokenTexts(f.stored(f.ids[0]))[:2]; got[0] != "北" || got[1] != "京大学" {
		t.Fatalf("project file after merge: tokens start %q, want 北 京大学", got)
	}
	// Undo the merge and the split.
	f.menu(&fyne.ShortcutUndo{})
	f.menu(&fyne.ShortcutUndo{})
	if got := tokenTexts(ws.doc)[:2]; got[0] != "北京" || got[1] != "大学" {
		t.Fatalf("after two undos: tokens start %q, want 北京 大学", got)
	}

	// Next document with n; its suggestions: accept PER with Enter,
	// reject LOC with Backspace.
	f.typeRunes("n")
	if ws.doc.ID != f.ids[1] {
		t.Fatalf("after n: document %d, want %d", ws.doc.ID, f.ids[1])
	}
	ws.view.Select(0, 2)
	f.key(fyne.KeyReturn)
	ws.view.Select(3, 5)
	f.key(fyne.KeyBackspace)
	want := map[[2]int]string{{0, 2}: "PER/manual"}
	if got := spanSet(ws.doc.Spans); len(got) != 1 || got[[2]int{0, 2}] != want[[2]int{0, 2}] {
		t.Fatalf("after accept and reject: spans = %v, want %v", got, want)
	}
	if got := spanSet(f.stored(f.ids[1]).Spans); len(got) != 1 || got[[2]int{0, 2}] != "PER/manual" {
		t.Fatalf("project file after accept and reject: spans = %v, want %v", got, want)
	}
	// Back with p.
	f.typeRunes("p")
	if ws.doc.ID != f.ids[0] {
		t.Fatalf("after p: document %d, want %d", ws.doc.ID, f.ids[0])
	}
	// Mark done through the menu.
	f.menu(&desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault})
	if ws.doc.Status != annotate.StatusDone || ws.docs[ws.docIdx].Status != annotate.StatusDone {
		t.Fatalf("after Ctrl+D: status %q (list %q), want done", ws.doc.Status, ws.docs[ws.docIdx].Status)
	}
	if got := f.stored(f.ids[0]).Status; got != annotate.StatusDone {
		t.Fatalf("project file: status %q, want done", got)
	}
}

func TestWorkspaceSchemaChange(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	// Two spans in document 1: ORG over 北京大学, LOC over 上海.
	ws.view.Select(0, 4)
	f.typeRunes("3")
	ws.view.Select(8, 10)
	f.typeRunes("2")
	if len(ws.doc.Spans) != 2 {
		t.Fatalf("spans = %v, want 2", ws.doc.Spans)
	}
	uses, err := ws.proj.LabelUses()
	if err != nil {
		t.Fatal(err)
	}
	if got := uses["entity/ORG"].Spans; got != 1 {
		t.Fatalf("LabelUses entity/ORG = %d, want 1", got)
	}
	// Delete ORG, rename LOC to PLACE.
	s := ws.proj.Schema().Clone()
	l := &s.Layers[0]
	var kept []annotate.Label
	for _, lb := range l.Labels {
		switch lb.Name {
		case "ORG":
			continue
		case "LOC":
			lb.Name = "PLACE"
		}
		kept = append(kept, lb)
	}
	l.Labels = kept
	removed := []labelRef{{Layer: "entity", Label: "ORG"}}
	renamed := map[labelRef]string{{Layer: "entity", Label: "LOC"}: "PLACE"}
	if err := ws.changeSchema(s, removed, renamed); err != nil {
		t.Fatal(err)
	}
	if got := spanSet(ws.doc.Spans); len(got) != 1 || got[[2]int{8, 10}] != "PLACE/manual" {
		t.Fatalf("after the schema change: spans = %v, want PLACE over [8,10) only", got)
	}
	if _, ok := ws.proj.Schema().Layers[0].Label("ORG"); ok {
		t.Error("ORG is still in the schema")
	}
	// The palette shows the labels left.
	if got := len(ws.palette.Objects); got != 5 {
		t.Errorf("palette has %d labels, want 5", got)
	}
	// One Undo restores the schema and every span it changed.
	f.menu(&fyne.ShortcutUndo{})
	if got := spanSet(ws.doc.Spans); len(got) != 2 || got[[2]int{0, 4}] != "ORG/manual" || got[[2]int{8, 10}] != "LOC/manual" {
		t.Fatalf("after undo: spans = %v, want ORG and LOC back", got)
	}
	if _, ok := ws.proj.Schema().Layers[0].Label("ORG"); !ok {
		t.Error("after undo: ORG is not back in the schema")
	}
	if _, ok := ws.proj.Schema().Layers[0].Label("PLACE"); ok {
		t.Error("after undo: PLACE is still in the schema")
	}
	stored := f.stored(f.ids[0])
	if got := spanSet(stored.Spans); len(got) != 2 || got[[2]int{0, 4}] != "ORG/manual" {
		t.Fatalf("project file after undo: spans = %v, want ORG and LOC", got)
	}
	if lb, ok := f.ws.proj.Schema().Layers[0].Label("ORG"); !ok || lb.Key != "3" {
		t.Errorf("project file after undo: ORG = %+v, want it back with key 3", lb)
	}
}

func TestWorkspaceExport(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.view.Select(0, 4)
	f.typeRunes("3")
	out := filepath.Join(t.TempDir(), "spans.csv")
	done := make(chan struct{})
	ws.runExportThen("csv-spans", out, export.Options{}, func(err error) {
		if err != nil {
			t.Error(err)
		}
		close(done)
	})
	recv(t, "the export", done)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "ORG") || !strings.Contains(string(data), "北京大学") {
		t.Errorf("export = %q, want the ORG span 北京大学", data)
	}
}

// TestWorkspaceExportSafety: the export dialog's path refuses the open
// project under another name (a link to it), and a brat export over files
// edited since the last export asks before it overwrites them.
func TestWorkspaceExportSafety(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	dir := t.TempDir()
	link := filepath.Join(dir, "data.jsonl")
	if err := os.Symlink(ws.proj.Path(), link); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	ws.lastErr = nil
	ws.runExportThen("doccano", link, export.Options{}, nil)
	if ws.lastErr == nil || !strings.Contains(ws.lastErr.Error(), "is the project") {
		t.Fatalf("export to a link to the project: error %v, want a refusal", ws.lastErr)
	}
	tapButton(t, ws.win.Canvas().Overlays().Top(), "OK")

	out := filepath.Join(dir, "brat")
	run := func() error {
		done := make(chan error, 1)
		ws.runExportThen("brat", out, export.Options{}, func(err error) { done <- err })
		return recv(t, "the export", done)
	}
	if err := run(); err != nil {
		t.Fatal(err)
	}
	anns, _ := filepath.Glob(filepath.Join(out, "*.ann"))
	if len(anns) == 0 {
		t.Fatal("no .ann written")
	}
	os.WriteFile(anns[0], []byte("edited in brat\n"), 0o644)
	done := make(chan error, 1)
	ws.runExportThen("brat", out, export.Options{}, func(err error) { done <- err })
	f.waitJobs()
	waitFor(t, "the question", func() bool { return ws.win.Canvas().Overlays().Top() != nil })
	tapButton(t, ws.win.Canvas().Overlays().Top(), "Cancel")
	if err := recv(t, "the cancelled export", done); err == nil {
		t.Error("cancelled overwrite: then got no error")
	}
	if data, _ := os.ReadFile(anns[0]); string(data) != "edited in brat\n" {
		t.Fatalf("cancelled overwrite changed the edited file: %q", data)
	}
	ws.runExportThen("brat", out, export.Options{}, func(err error) { done <- err })
	f.waitJobs()
	waitFor(t, "the question", func() bool { return ws.win.Canvas().Overlays().Top() != nil })
	tapButton(t, ws.win.Canvas().Overlays().Top(), "Overwrite")
	if err := recv(t, "the export", done); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(anns[0]); string(data) == "edited in brat\n" {
		t.Error("after Overwrite the edited file is still there")
	}
}

func TestWorkspaceLanguageAndTheme(t *testing.T) {
	t.Setenv("LC_ALL", "")
	f := newWSFixture(t)
	ws := f.ws
	t.Cleanup(func() { useLanguage("en") })
	if err := useLanguage("zh-Hans"); err != nil {
		t.Fatal(err)
	}
	ws.build()
	if got := ws.win.MainMenu().Items[0].Label; got != "文件" {
		t.Errorf("File menu in zh-Hans = %q, want 文件", got)
	}
	if err := useLanguage("zh-Hant"); err != nil {
		t.Fatal(err)
	}
	ws.build()
	if got := ws.win.MainMenu().Items[0].Label; got != "檔案" {
		t.Errorf("File menu in zh-Hant = %q, want 檔案", got)
	}
	if ws.doc == nil || ws.doc.ID != f.ids[0] {
		t.Errorf("after rebuilding, the document is %v, want the first still open", ws.doc)
	}
	ws.setTheme("dark")
	if th, ok := ws.app.Settings().Theme().(biaozhuTheme); !ok || !th.Force || th.Variant != theme.VariantDark {
		t.Errorf("theme after dark = %#v, want forced dark", ws.app.Settings().Theme())
	}
	if got := ws.prefs.String("theme"); got != "dark" {
		t.Errorf("theme preference = %q, want dark", got)
	}
}

func TestWorkspaceImport(t *testing.T) {
	fixture := filepath.Join("..", "..", "shared", "gold", "doccano", "doccano_official_import_test_sequence_labeling.jsonl")
	if _, err := os.Stat(fixture); err != nil {
		t.Skipf("%s: %v (../shared is needed)", fixture, err)
	}
	f := newWSFixture(t)
	ws := f.ws
	ws.loadSegmenter()
	run := func(opts export.ReadOptions) error {
		done := make(chan error, 1)
		ws.importPathsWith([]string{fixture}, "doccano", opts, func(err error) { done <- err })
		return recv(t, "the import", done)
	}
	// Line 3 has no text: the import fails naming it, and nothing is added.
	if err := run(export.ReadOptions{}); err == nil || !strings.Contains(err.Error(), ".jsonl:3") {
		t.Fatalf("import error = %v, want one naming line 3", err)
	}
	if len(ws.docs) != 2 {
		t.Fatalf("after the failed import: %d documents, want the 2 there were", len(ws.docs))
	}
	// Skipping bad records imports the other two.
	if err := run(export.ReadOptions{SkipBad: true}); err != nil {
		t.Fatal(err)
	}
	if len(ws.docs) != 4 || len(ws.shown) != 4 {
		t.Fatalf("after -skip-bad: %d documents (%d shown), want 4", len(ws.docs), len(ws.shown))
	}
	ws.openDocument(2)
	if got := spanSet(ws.doc.Spans); got[[2]int{0, 1}] != "LOC/imported" {
		t.Errorf("imported document spans = %v, want LOC over [0,1)", got)
	}
}

// TestWorkspaceEscapeClosesDialogs: Esc with a dialog open closes it and
// gives the keyboard back to the document; with no dialog, keys typed
// with nothing focused reach the document view.
func TestWorkspaceEscapeClosesDialogs(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	c := ws.win.Canvas()
	ws.showShortcuts()
	if c.Overlays().Top() == nil {
		t.Fatal("the shortcuts overlay is not shown")
	}
	c.Unfocus()
	ws.canvasKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Fatal("Esc did not close the dialog")
	}
	if c.Focused() != fyne.Focusable(ws.view) {
		t.Errorf("after Esc the keyboard is with %v, want the document view", c.Focused())
	}
	c.Unfocus()
	ws.canvasRune('n')
	if ws.doc.ID != f.ids[1] {
		t.Errorf("n typed with nothing focused: document %d, want %d", ws.doc.ID, f.ids[1])
	}
}

// TestWorkspaceLabelPicker: l opens the picker, typing narrows the labels,
// ↓ moves, Enter applies — a label without a shortcut key, from the
// keyboard.
func TestWorkspaceLabelPicker(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.view.Select(8, 10) // 上海
	f.typeRunes("l")
	focused, ok := ws.win.Canvas().Focused().(*keyEntry)
	if !ok {
		t.Fatalf("after l the keyboard is with %T, want the picker's entry", ws.win.Canvas().Focused())
	}
	test.Type(focused, "o") // LOC, ORG, GPE (geo-pOlitical)… in schema order
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	got := spanSet(ws.doc.Spans)
	if len(got) != 1 || got[[2]int{8, 10}] == "" {
		t.Fatalf("after the picker: spans = %v, want one over [8,10)", got)
	}
	if ws.win.Canvas().Overlays().Top() != nil {
		t.Error("the picker is still open after Enter")
	}
	// Esc closes it without applying anything.
	ws.view.Select(0, 2)
	f.typeRunes("l")
	ws.win.Canvas().Focused().(*keyEntry).TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if ws.win.Canvas().Overlays().Top() != nil || len(ws.doc.Spans) != 1 {
		t.Errorf("after Esc: overlay %v, %d spans; want closed and still 1 span", ws.win.Canvas().Overlays().Top(), len(ws.doc.Spans))
	}
}

func TestFileNameAndFolder(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"out.jsonl", true}, {" out.csv ", true}, {"", false}, {".", false}, {"..", false},
		{"a/b.csv", false}, {`a\b.csv`, false}, {"../x", false},
	} {
		if _, err := fileName(tt.in); (err == nil) != tt.ok {
			t.Errorf("fileName(%q) error = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
	dir := t.TempDir()
	if got, err := folderPath(dir); err != nil || got != dir {
		t.Errorf("folderPath(%q) = %q, %v", dir, got, err)
	}
	if _, err := folderPath(filepath.Join(dir, "missing")); err == nil {
		t.Error("folderPath of a missing folder succeeded")
	}
	home, _ := os.UserHomeDir()
	if got, err := folderPath("~"); err != nil || got != home {
		t.Errorf("folderPath(~) = %q, %v; want %q", got, err, home)
	}
}

// TestLabelPickerClick: a click on a row applies that label, the
// highlighted first row included.
func TestLabelPickerClick(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.view.Select(8, 10)
	f.typeRunes("l")
	var first *pickerRow
	test.Type(ws.win.Canvas().Focused().(*keyEntry), "PER")
	for _, o := range test.LaidOutObjects(ws.win.Canvas().Overlays().Top()) {
		if r, ok := o.(*pickerRow); ok && r.item.name == "PER" {
			first = r
			break
		}
	}
	if first == nil {
		t.Fatal("no PER row in the picker")
	}
	test.Tap(first)
	if got := spanSet(ws.doc.Spans); got[[2]int{8, 10}] != "PER/manual" {
		t.Fatalf("after clicking PER: spans = %v, want PER over [8,10)", got)
	}
}

// TestWorkspaceSchemaUndoAfterEdit is issue 12's sequence: a label in use
// is deleted and another added with a key, the new label is used, and
// then every step is undone one by one: the deleted label and its span
// come back, and everything redoes, also after reopening the project.
func TestWorkspaceSchemaUndoAfterEdit(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.view.Select(8, 10) // 上海
	f.typeRunes("5")      // TIME
	if got := spanSet(ws.doc.Spans); got[[2]int{8, 10}] != "TIME/manual" {
		t.Fatalf("after key 5: spans = %v, want TIME over [8,10)", got)
	}
	// Delete TIME, add NEWL with key 7.
	s := ws.proj.Schema().Clone()
	l := &s.Layers[0]
	var kept []annotate.Label
	for _, lb := range l.Labels {
		if lb.Name != "TIME" {
			kept = append(kept, lb)
		}
	}
	l.Labels = append(kept, annotate.Label{Name: "NEWL", Color: "#123456", Key: "7"})
	if err := ws.changeSchema(s, []labelRef{{Layer: "entity", Label: "TIME"}}, nil); err != nil {
		t.Fatal(err)
	}
	if len(ws.doc.Spans) != 0 {
		t.Fatalf("after deleting TIME: spans = %v, want none", ws.doc.Spans)
	}
	ws.view.Select(0, 2) // 北京
	f.typeRunes("7")
	if got := spanSet(ws.doc.Spans); got[[2]int{0, 2}] != "NEWL/manual" {
		t.Fatalf("after key 7: spans = %v, want NEWL over [0,2)", got)
	}
	undo := func(what string) {
		t.Helper()
		ws.lastErr = nil
		f.menu(&fyne.ShortcutUndo{})
		if ws.lastErr != nil {
			t.Fatalf("undo %s: %v", what, ws.lastErr)
		}
	}
	redo := func(what string) {
		t.Helper()
		ws.lastErr = nil
		ws.onRedo() // Ctrl+Y
		if ws.lastErr != nil {
			t.Fatalf("redo %s: %v", what, ws.lastErr)
		}
	}
	hasLabel := func(name string) bool {
		_, ok := ws.proj.Schema().Layers[0].Label(name)
		return ok
	}
	undo("the NEWL span")
	if len(ws.doc.Spans) != 0 {
		t.Fatalf("after the first undo: spans = %v, want none", ws.doc.Spans)
	}
	undo("the schema change")
	if got := spanSet(ws.doc.Spans); len(got) != 1 || got[[2]int{8, 10}] != "TIME/manual" {
		t.Fatalf("after undoing the schema change: spans = %v, want TIME back over [8,10)", got)
	}
	if !hasLabel("TIME") || hasLabel("NEWL") {
		t.Errorf("after undoing the schema change: TIME in the schema %v, NEWL %v; want TIME back and NEWL gone", hasLabel("TIME"), hasLabel("NEWL"))
	}
	undo("the TIME span")
	if len(ws.doc.Spans) != 0 {
		t.Fatalf("after the third undo: spans = %v, want none", ws.doc.Spans)
	}
	// Reopen, then redo everything.
	if got := f.stored(f.ids[0]).Spans; len(got) != 0 {
		t.Fatalf("project file after undoing all: spans = %v", got)
	}
	ws.corpusStep, ws.corpusUndone, ws.corpusSteps = nil, nil, nil // a new session
	redo("the TIME span")
	redo("the schema change")
	if len(ws.doc.Spans) != 0 || hasLabel("TIME") || !hasLabel("NEWL") {
		t.Fatalf("after redoing the schema change: spans %v, TIME %v, NEWL %v", ws.doc.Spans, hasLabel("TIME"), hasLabel("NEWL"))
	}
	if lb, _ := ws.proj.Schema().Layers[0].Label("NEWL"); lb == nil || lb.Key != "7" {
		t.Errorf("after redoing the schema change: NEWL = %+v, want key 7", lb)
	}
	redo("the NEWL span")
	if got := spanSet(f.stored(f.ids[0]).Spans); len(got) != 1 || got[[2]int{0, 2}] != "NEWL/manual" {
		t.Fatalf("project file after redoing all: spans = %v, want NEWL over [0,2)", got)
	}
	// And back again after reopening.
	ws.corpusStep, ws.corpusUndone, ws.corpusSteps = nil, nil, nil
	undo("the NEWL span after reopening")
	undo("the schema change after reopening")
	if got := spanSet(ws.doc.Spans); len(got) != 1 || got[[2]int{8, 10}] != "TIME/manual" || !hasLabel("TIME") {
		t.Fatalf("after undoing the schema change after reopening: spans = %v, TIME %v", got, hasLabel("TIME"))
	}
	if lb, _ := ws.proj.Schema().Layers[0].Label("TIME"); lb == nil || lb.Key != "5" {
		t.Errorf("TIME came back as %+v, want its key 5", lb)
	}
}

// TestWorkspaceRefusedUndo opens a project whose stored history holds a
// step that no longer fits (its file was changed outside Biaozhu): Undo
// says which step cannot be undone and why, editing and redo still work,
// Keep leaves the step, and Discard drops it with the older steps so that
// Undo is no dead end.
func TestWorkspaceRefusedUndo(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.view.Select(0, 4) // 北京大学
	f.typeRunes("3")     // ORG
	ws.view.Select(8, 10)
	f.typeRunes("2") // LOC
	d := f.stored(f.ids[0])
	if len(d.Spans) != 2 {
		t.Fatalf("spans %v, want 2", d.Spans)
	}
	// Another program changes the file: the ORG step now adds a span
	// the document does not have.
	ws.closeProject()
	db, err := sql.Open("sqlite", f.path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE history SET changes = replace(changes, '"label":"ORG"', '"label":"ORG","note":"changed elsewhere"') WHERE name = 'add span [0,4) entity/ORG'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d history rows changed, want 1", n)
	}
	db.Close()
	p, err := annotate.Open(f.path, annotate.Options{NoBackup: true, Annotator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	ws.setProject(p)
	ws.openDocument(0)

	undo := func() { f.menu(&fyne.ShortcutUndo{}) }
	undo() // the LOC step: fine
	if ws.lastErr != nil || len(ws.doc.Spans) != 1 {
		t.Fatalf("undo of the LOC step: %v, spans %v", ws.lastErr, ws.doc.Spans)
	}
	undo() // the ORG step: refused, named, nothing changed
	var se *annotate.StepError
	if !errors.As(ws.lastErr, &se) || se.Entry.Name != "add span [0,4) entity/ORG" {
		t.Fatalf("undo of the changed step: error %v, want a StepError naming it", ws.lastErr)
	}
	text := overlayText(ws.win)
	for _, want := range []string{"Cannot undo: Labelled ORG “北京大学”", "not as the step recorded it: it has note \"\", not \"changed elsewhere\"", "Nothing was changed"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dialog does not say %q; it says:\n%s", want, text)
		}
	}
	if got := spanSet(ws.doc.Spans); len(got) != 1 || got[[2]int{0, 4}] != "ORG/manual" {
		t.Fatalf("after the refused undo: spans %v, want ORG only", got)
	}
	tapOverlayButton(t, ws.win, "Keep")
	if dialogCount(ws.win) != 0 {
		t.Fatal("Keep left the dialog open")
	}
	// Redo and new edits work.
	ws.lastErr = nil
	ws.onRedo()
	if ws.lastErr != nil || len(ws.doc.Spans) != 2 {
		t.Fatalf("redo after the refused undo: %v, spans %v", ws.lastErr, ws.doc.Spans)
	}
	ws.view.Select(16, 17) // 很
	f.typeRunes("1")       // PER
	if ws.lastErr != nil || len(ws.doc.Spans) != 3 {
		t.Fatalf("a new edit after the refused undo: %v, spans %v", ws.lastErr, ws.doc.Spans)
	}
	undo() // the new edit
	undo() // LOC
	ws.lastErr = nil
	undo() // ORG: refused again
	if !errors.As(ws.lastErr, &se) {
		t.Fatalf("undo of the changed step again: %v, want a StepError", ws.lastErr)
	}
	// Discard: the step goes (with the older ones: the first edit also set
	// the status in the same step), the document stays.
	tapOverlayButton(t, ws.win, "Discard the step")
	h, err := ws.proj.History(ws.doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Done) != 0 || len(h.Undone) != 2 {
		t.Fatalf("after discarding: %d steps to undo, %d to redo; want 0 and 2", len(h.Done), len(h.Undone))
	}
	if got := spanSet(ws.doc.Spans); len(got) != 1 || got[[2]int{0, 4}] != "ORG/manual" {
		t.Fatalf("after discarding: spans %v, want ORG as it was", got)
	}
	ws.lastErr = nil
	undo()
	if ws.lastErr != nil || ws.statusSave.Text != "Nothing to undo" {
		t.Fatalf("undo after discarding: %v, status %q; want nothing to undo", ws.lastErr, ws.statusSave.Text)
	}
	// The file agrees, and redo goes on from there.
	d = f.stored(f.ids[0])
	if got := spanSet(d.Spans); len(got) != 1 {
		t.Fatalf("project file after discarding: spans %v", got)
	}
	ws.onRedo()
	ws.onRedo()
	if ws.lastErr != nil || len(ws.doc.Spans) != 3 {
		t.Fatalf("redo after discarding: %v, spans %v", ws.lastErr, ws.doc.Spans)
	}
}
