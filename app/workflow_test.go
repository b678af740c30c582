package app

// The workspace as a linguist uses it all day (issue 18): selection and
// editing, suggestions and learning, words and counts, dialogs and layout.

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/assets"
	"github.com/biaozhu/biaozhu/export"
)

// addDoc adds d to the fixture's project and opens it.
func (f *wsFixture) addDoc(d *annotate.Document) {
	f.t.Helper()
	if err := f.ws.proj.AddDocument(d); err != nil {
		f.t.Fatal(err)
	}
	f.ids = append(f.ids, d.ID)
	f.ws.refreshDocs()
	f.ws.openDocument(len(f.ws.docs) - 1)
	if f.ws.doc == nil || f.ws.doc.ID != d.ID {
		f.t.Fatalf("document %q not opened", d.Name)
	}
}

// cursorScreenY is how far below the top of the view the cursor's line
// is, and whether all of that line is in view.
func cursorScreenY(ws *workspace) (float32, bool) {
	v := ws.view
	l := &v.lay
	start, _ := v.Selection()
	if !v.CharMode() {
		start = ws.doc.Tokens[v.Cursor()].Start
	}
	ln := l.lines[l.lineOf(start)]
	top, h := v.scroll.Offset.Y, v.scroll.Size().Height
	return ln.y - top, ln.y >= top && ln.y+ln.h <= top+h+0.5
}

// TestWorkspaceKeepsViewport checks that long work keeps the viewport and
// the selection: label all (whose new lanes make the lines above taller)
// leaves the cursor's line where it was on screen, and so does a step big
// enough to run behind a progress dialog (which empties the view
// meanwhile) and its undo; before, label all scrolled the selection off
// screen and a big Suggest sent the view back to the top.
func TestWorkspaceKeepsViewport(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	f.addDoc(bigDocument(20000))
	// The cursor on a token in the middle, its line in the middle of the view.
	mid := len(ws.doc.Tokens) / 2
	for ws.doc.Slice(ws.doc.Tokens[mid].Start, ws.doc.Tokens[mid].End) != "医院" {
		mid++
	}
	tok := ws.doc.Tokens[mid]
	ws.view.Select(tok.Start, tok.End)
	ws.view.scroll.ScrollToOffset(ws.view.scroll.Offset.AddXY(0, ws.view.scroll.Size().Height/3))
	ws.view.Refresh()
	y0, shown := cursorScreenY(ws)
	if !shown {
		t.Fatal("the cursor's line is not in view to begin with")
	}
	check := func(when string) {
		t.Helper()
		if s, e := ws.view.Selection(); s != tok.Start || e != tok.End {
			t.Errorf("%s: selection = [%d,%d), want [%d,%d)", when, s, e, tok.Start, tok.End)
		}
		if y, shown := cursorScreenY(ws); !shown || y < y0-0.5 || y > y0+0.5 {
			t.Errorf("%s: the cursor's line is %.0f below the view's top (in view: %v), want %.0f", when, y, shown, y0)
		}
	}
	// Label all 焦作 LOC: a lane under every line above the cursor.
	if !ws.labelAll("焦作", "entity", "LOC", scopeDocument, false) {
		t.Fatalf("label all refused: %v", ws.lastErr)
	}
	check("after label all")
	ws.onUndo()
	check("after undoing label all")

	// The same as a big step, behind a progress dialog.
	saved := bigCorpusStep
	bigCorpusStep = 0
	t.Cleanup(func() { bigCorpusStep = saved })
	err := wait(t, "label all as a big step", func(then func(error)) {
		ws.applyCorpusThen("label all", []annotate.DocEdit{{Doc: ws.doc.ID, Edit: annotate.Batch{Name: "label all",
			Edits: labelAllEdits(ws.doc, "焦作")}}}, func(ok bool) { then(ws.lastErrIf(!ok)) })
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the long work to end", func() bool { return ws.job == nil })
	check("after a big step")
	ws.onUndo()
	waitFor(t, "the undo", func() bool { return ws.corpusUndone != nil })
	waitFor(t, "the long work to end", func() bool { return ws.job == nil })
	check("after undoing a big step")
}

// lastErrIf is the last error shown when failed, else nil.
func (ws *workspace) lastErrIf(failed bool) error {
	if failed {
		return ws.lastErr
	}
	return nil
}

// labelAllEdits labels every token whose text is word LOC.
func labelAllEdits(d *annotate.Document, word string) []annotate.Edit {
	var edits []annotate.Edit
	for _, t := range d.Tokens {
		if d.Slice(t.Start, t.End) == word {
			edits = append(edits, annotate.AddSpan{Span: annotate.Span{Layer: "entity", Label: "LOC", Start: t.Start, End: t.End}})
		}
	}
	return edits
}

// altDrag selects the characters [from, to) of the open document with
// Alt+drag.
func (f *wsFixture) altDrag(from, to int) {
	f.t.Helper()
	v := f.ws.view
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: tvCharAt(v, from, 1)}, Button: desktop.MouseButtonPrimary, Modifier: fyne.KeyModifierAlt})
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: tvCharAt(v, to, 1)}})
	v.DragEnd()
	if s, e := v.Selection(); s != from || e != to {
		f.t.Fatalf("alt+drag: selection = [%d,%d), want [%d,%d)", s, e, from, to)
	}
}

// TestWorkspaceUndoSelectsStep checks that after undo and redo the
// selection is the range the step touched: undoing a label that split a
// token selects the token restored (it landed one token off, on
// 服務中心，, in issue 18).
func TestWorkspaceUndoSelectsStep(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	f.addDoc(testDoc("三.txt",
		[]string{"在", "中州", "社區衛生服務中心", "，", "徐", "衣", "顯", "強調", "。"},
		[]string{"p", "ns", "n", "x", "nr", "n", "v", "v", "x"}))
	// 社區衛生服務中心 [3,11); 服務中心 [7,11) at its end, labelled ORG.
	f.altDrag(7, 11)
	f.typeRunes("3")
	if got := tokenTexts(ws.doc)[2:5]; got[0] != "社區衛生" || got[1] != "服務中心" {
		t.Fatalf("after labelling 服務中心: tokens %q, want it split off", got)
	}
	steps := []struct {
		name       string
		run        func()
		start, end int
	}{
		{"undo the label", ws.onUndo, 3, 11},
		{"redo it", ws.onRedo, 3, 11},
		{"undo again", ws.onUndo, 3, 11},
	}
	for _, st := range steps {
		st.run()
		if s, e := ws.view.Selection(); s != st.start || e != st.end {
			t.Errorf("%s: selection = [%d,%d) %q, want [%d,%d)", st.name, s, e, ws.doc.Slice(s, e), st.start, st.end)
		}
	}
	// A merge and its undo: the three tokens of 徐衣顯.
	ws.view.Select(12, 15)
	f.typeRunes("=")
	ws.view.Select(0, 1)
	ws.onUndo()
	if s, e := ws.view.Selection(); s != 12 || e != 15 {
		t.Errorf("undo of the merge: selection = [%d,%d), want [12,15)", s, e)
	}
	if first, last := ws.view.SelectedTokens(); last-first != 2 {
		t.Errorf("undo of the merge: tokens %d..%d selected, want the three restored", first, last)
	}
}

// TestWorkspaceLabelReplacesSuggestions checks that a manual label over
// suggestions replaces those it overlaps, in one undoable step, and that
// they count as rejected: labelling 楊麗娜 PER over the suggested 麗娜 was
// refused ("overlaps sp…") in issue 18.
func TestWorkspaceLabelReplacesSuggestions(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	d := testDoc("三.txt", []string{"（", "記者", "楊", "麗娜", "）", "王", "小明", "說", "。"},
		[]string{"x", "n", "nr", "nr", "x", "nr", "nr", "v", "x"})
	d.Spans = []annotate.Span{
		{Layer: "entity", Label: "PER", Start: 4, End: 6, Origin: annotate.OriginSuggested},  // 麗娜
		{Layer: "entity", Label: "LOC", Start: 8, End: 10, Origin: annotate.OriginSuggested}, // 小明, another label
	}
	f.addDoc(d)
	before := f.docsSnapshot()
	ws.view.Select(3, 6) // 楊麗娜
	f.typeRunes("1")     // PER
	if ws.lastErr != nil {
		t.Fatalf("refused: %v", ws.lastErr)
	}
	if got := spanSet(ws.doc.Spans); len(got) != 2 || got[[2]int{3, 6}] != "PER/manual" || got[[2]int{8, 10}] != "LOC/suggested" {
		t.Errorf("after labelling 楊麗娜: spans %v, want PER over it, the other suggestion kept", got)
	}
	if len(ws.doc.Rejected) != 1 || ws.doc.Rejected[0].Start != 4 || ws.doc.Rejected[0].Label != "PER" {
		t.Errorf("rejected = %v, want the suggestion 麗娜 PER", ws.doc.Rejected)
	}
	// 王小明 PER over the LOC suggestion 小明: the layer forbids overlaps.
	ws.view.Select(7, 10)
	f.typeRunes("1")
	if got := spanSet(ws.doc.Spans); len(got) != 2 || got[[2]int{7, 10}] != "PER/manual" {
		t.Errorf("after labelling 王小明: spans %v, want PER over it and no suggestion", got)
	}
	ws.onUndo()
	ws.onUndo()
	f.sameAs("after two undos", before)
}

// modelWords matches the model's words in a status message.
var modelWords = regexp.MustCompile(`annotate:|span \d|origin|add span|\[\d`)

// TestWorkspaceStatusWords checks that the status bar says what happened
// in the annotator's words ("Accepted PER “张三”"), not the model's ("set
// the origin of span 2 to manual", "annotate: …").
func TestWorkspaceStatusWords(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.openDocument(1) // 张三 去 广州 出差 。 with PER 张三 and LOC 广州 suggested
	steps := []struct {
		name string
		run  func()
		want string
	}{
		{"accept", func() { ws.view.Select(0, 2); ws.onAccept() }, "Accepted PER “张三”"},
		{"reject", func() { ws.view.Select(3, 5); ws.onReject() }, "Rejected LOC “广州”"},
		{"undo", ws.onUndo, "Undone: Rejected LOC “广州”"},
		{"redo", ws.onRedo, "Redone: Rejected LOC “广州”"},
		{"label", func() { ws.view.Select(2, 3); f.typeRunes("3") }, "Labelled ORG “去”"},
		{"relabel", func() { ws.view.Select(2, 3); f.typeRunes("2") }, "Relabelled as LOC: “去”"},
		{"delete", func() { ws.view.Select(2, 3); ws.onDeleteSpan() }, "Deleted LOC “去”"},
		{"merge", func() { ws.view.Select(2, 7); f.typeRunes("=") }, "Merged 去 | 广州 | 出差 into “去广州出差”"},
		{"split", func() {
			ws.setCharMode(true)
			ws.view.Select(3, 3)
			f.typeRunes("/")
			ws.setCharMode(false)
		}, "Split “去广州出差” into 去 | 广州出差"},
		{"refused merge", func() { ws.view.Select(0, 8); f.typeRunes("=") }, "Refused: a span starts or ends inside the tokens to merge"},
		{"done", func() { ws.onToggleDone() }, "Marked done"},
	}
	for _, st := range steps {
		st.run()
		got := ws.statusSave.Text
		if !strings.Contains(got, st.want) {
			t.Errorf("%s: status %q, want it to say %q", st.name, got, st.want)
		}
		if m := modelWords.FindString(got); m != "" {
			t.Errorf("%s: status %q speaks the model's language (%q)", st.name, got, m)
		}
	}
}

// pickerShown is the names and texts of the rows the open picker shows,
// in order.
func pickerShown(t *testing.T, ws *workspace) (names, texts []string) {
	t.Helper()
	p := ws.picker
	if p == nil || p.applied || ws.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no picker open")
	}
	for _, it := range p.shown {
		names = append(names, it.name)
		texts = append(texts, it.text)
	}
	return names, texts
}

// TestWorkspacePOSPicker checks the POS picker (key t): it lists the tags
// with their glosses in the UI's language, filters the list as the
// annotator types a tag or part of its meaning (the tags whose name starts
// with it first), and Enter tags the cursor token; the inspector's POS
// button shows the tag with its gloss. Before, t put the keyboard in a
// select entry that showed no list while typing, and bare codes.
func TestWorkspacePOSPicker(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.view.Select(5, 7) // 学生 n
	if got := ws.insp.pos.Text; got != "n  noun" {
		t.Errorf("inspector POS = %q, want %q", got, "n  noun")
	}
	f.typeRunes("t")
	_, texts := pickerShown(t, ws)
	if len(texts) == 0 || !slices.Contains(texts, "v  verb") {
		t.Fatalf("the picker shows %q, want every tag with its gloss (v  verb)", texts)
	}
	entry := ws.win.Canvas().Focused().(*keyEntry)
	test.Type(entry, "v")
	names, _ := pickerShown(t, ws)
	if len(names) < 2 || names[0] != "v" || !slices.Contains(names, "vn") {
		t.Errorf("after typing v the picker shows %q, want v first, then the other tags starting with v", names)
	}
	entry.SetText("")
	test.Type(entry, "pronoun")
	if names, _ = pickerShown(t, ws); !slices.Equal(names, []string{"r", "rg", "rr", "rz"}) {
		t.Errorf("after typing pronoun the picker shows %q, want r rg rr rz", names)
	}
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := ws.doc.Tokens[3].POS; got != "rg" {
		t.Errorf("after ↓ Enter the token is tagged %q, want rg", got)
	}
	if ws.win.Canvas().Overlays().Top() != nil {
		t.Error("the picker is still open after Enter")
	}
	if got := ws.insp.pos.Text; got != "rg  pronoun morpheme" {
		t.Errorf("inspector POS = %q, want %q", got, "rg  pronoun morpheme")
	}

	// In 繁體中文 the glosses are in traditional Chinese, and typing
	// one finds its tag.
	if err := useLanguage("zh-Hant"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { useLanguage("en") })
	f.typeRunes("t")
	entry = ws.win.Canvas().Focused().(*keyEntry)
	test.Type(entry, "名詞")
	names, texts = pickerShown(t, ws)
	if len(names) == 0 || names[0] != "n" || texts[0] != "n  名詞" {
		t.Errorf("after typing 名詞 the picker shows %q, want n  名詞 first", texts)
	}
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := ws.doc.Tokens[3].POS; got != "n" {
		t.Errorf("after Enter the token is tagged %q, want n", got)
	}
}

// TestMenuKeysAsTyped checks that the menus and the shortcut overlay show
// the plain keys as they are typed: l, t, c, n, p (they showed L, T, C, N
// and P, which are Shift+l…, keys that do nothing), and that typing each
// one as shown does what the menu item does.
func TestMenuKeysAsTyped(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	f.addDoc(testDoc("三.txt", []string{"你好", "。"}, []string{"l", "x"}))
	ws.openDocument(1) // the middle one: n and p both move
	ws.view.Select(0, 2)
	seen := 0
	for _, g := range ws.menu.groups {
		for _, cmd := range g {
			if cmd == nil || cmd.key == "" {
				continue
			}
			key, _, _ := strings.Cut(cmd.key, "  /  ")
			if len([]rune(key)) != 1 || !unicode.IsLetter([]rune(key)[0]) {
				continue
			}
			seen++
			doc, char := ws.docIdx, ws.view.CharMode()
			ws.statusSave.SetText("")
			f.typeRunes(key)
			opened := ws.win.Canvas().Overlays().Top() != nil
			said := ws.statusSave.Text != "" // r without a span says what it needs
			if !opened && !said && doc == ws.docIdx && char == ws.view.CharMode() {
				t.Errorf("%s: typing %q as the menu shows it did nothing", cmd.label, key)
			}
			if top := ws.win.Canvas().Overlays().Top(); top != nil {
				ws.win.Canvas().Overlays().Remove(top)
			}
			if char != ws.view.CharMode() {
				ws.setCharMode(char)
			}
			if doc != ws.docIdx {
				ws.openDocument(doc)
				ws.view.Select(0, 2)
			}
		}
	}
	if seen < 5 {
		t.Errorf("%d commands with a letter key, want l t c n p", seen)
	}
}

// TestSpanCountsAgree checks that the document's head, the document list,
// the status bar and the statistics count spans one way: every span,
// suggestions included, saying how many are suggestions ("3 spans (2
// suggested)"); before, the statistics left the suggestions out (1 span)
// while the others counted them without saying so (3 spans).
func TestSpanCountsAgree(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.openDocument(1) // 张三 去 广州 出差 。 with PER 张三 and LOC 广州 suggested
	ws.view.Select(2, 3)
	f.typeRunes("3") // ORG over 去, manual
	const want = "3 spans (2 suggested)"
	var listed string
	for _, o := range test.LaidOutObjects(ws.docList) {
		if l, ok := o.(*fitLabel); ok && strings.Contains(l.Text, "spans") && l.Visible() {
			listed += l.Text + "\n"
		}
	}
	f.menu(ctrlShiftT)
	t.Cleanup(func() { forgetCorpus(ws) })
	waitFor(t, "the statistics", func() bool { return ws.job == nil && ws.win.Canvas().Overlays().Top() != nil })
	for what, got := range map[string]string{
		"the document's head": ws.docMeta.Text,
		"the document list":   listed,
		"the status bar":      ws.statusCnt.Text,
		"the statistics":      overlayText(ws.win),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("%s says %q, want %q", what, got, want)
		}
	}
}

// TestNewProjectEnter checks that Enter in the New project dialog creates
// the project, as its Create button does (before, Enter did nothing), and
// that the empty project then says how to import: the keys, the menu,
// dropping files on the window, with buttons.
func TestNewProjectEnter(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	if ws.hint.root.Visible() {
		t.Error("the empty-project hint is shown over a project with documents")
	}
	dir := t.TempDir()
	ws.onNewProject()
	var entries []*widget.Entry
	for _, o := range walkObjects(ws.win.Canvas().Overlays().Top()) {
		if e, ok := entryOf(o); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 {
		t.Fatalf("the dialog has %d entries, want the name and the folder", len(entries))
	}
	entries[0].SetText("neu")
	entries[1].SetText(dir)
	focused := ws.win.Canvas().Focused()
	if o, _ := focused.(fyne.CanvasObject); o == nil || !isEntry(o, entries[0]) {
		t.Fatalf("the keyboard is with %T, want the name", ws.win.Canvas().Focused())
	}
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	want := filepath.Join(dir, "neu.biaozhu")
	if ws.proj == nil || ws.proj.Path() != want {
		t.Fatalf("after Enter the project is %v, want %s", ws.proj, want)
	}
	if ws.win.Canvas().Overlays().Top() != nil {
		t.Error("the dialog is still open after Enter")
	}
	if !ws.hint.root.Visible() {
		t.Fatal("an empty project shows no hint")
	}
	text := ws.hint.title.Text + "\n" + ws.hint.text.Text
	for _, want := range []string{"no documents", "Drop", "Ctrl+I", "Import folder"} {
		if !strings.Contains(text, want) {
			t.Errorf("the hint says %q, want it to say %q", text, want)
		}
	}
	if len(ws.hint.btns.Objects) != 2 {
		t.Errorf("the hint has %d buttons, want Import files… and Import folder…", len(ws.hint.btns.Objects))
	}
}

// TestSplitsRemembered checks that the side panels keep the sizes the
// annotator dragged them to: across a rebuild (a change of language) and
// in a new window, through the preferences.
func TestSplitsRemembered(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	want := [3]float64{0.3, 0.6, 0.5}
	for i, s := range ws.splits {
		s.SetOffset(want[i])
	}
	ws.saveWindow()
	ws.build()
	for i, s := range ws.splits {
		if s.Offset != want[i] {
			t.Errorf("after a rebuild split %d is at %.2f, want %.2f", i, s.Offset, want[i])
		}
	}
	ws2 := newWorkspace(fyne.CurrentApp(), test.NewTempWindow(t, nil))
	for i, s := range ws2.splits {
		if s.Offset != want[i] {
			t.Errorf("in a new window split %d is at %.2f, want %.2f", i, s.Offset, want[i])
		}
	}
}

// TestPlurals checks the counted words of the status bar and the
// re-segment dialog with counts of one ("1 documents", "1 characters"
// before).
func TestPlurals(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.setCharMode(true)
	ws.view.Select(2, 3)
	if got := ws.statusSelection.Text; !strings.HasSuffix(got, " · 1 character") {
		t.Errorf("selection status %q, want it to end in 1 character", got)
	}
	ws.setCharMode(false)
	ws.onToggleDone() // the first document done: one left to re-segment
	ws.onResegment()
	got := overlayText(ws.win)
	if !strings.Contains(got, "Re-segment the document not marked done") || strings.Contains(got, "1 documents") {
		t.Errorf("the re-segment dialog says %q, want the document in the singular", got)
	}
	if c := ws.statusCnt.Text; !strings.HasPrefix(c, "2 documents (1 done)") {
		t.Errorf("counts %q", c)
	}
}

// TestWorkspaceLearnsWhatWasMeant is issue 18's working stretch in the
// workspace, on the seed article: merge 徐|衣|顯 where it first occurs,
// tag a POS in a sentence where it occurs again (left cut), label 冬春
// inside 冬春季 as TIME (the token is split for the span), split 檢查指導
// on purpose; then re-segment a second copy of the article. Every 徐衣顯
// there is one token, 冬春季 stays whole, and Learnt words lists the merged
// word and the split's pieces under their own headings, without 冬春.
func TestWorkspaceLearnsWhatWasMeant(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.loadSegmenter()
	waitDict(t, ws)
	seg, err := ws.waitSegmenter(t.Context(), func(float64, string) {})
	if err != nil {
		t.Fatal(err)
	}
	article := func(name string) *annotate.Document {
		res, err := text.Process(name, assets.DemoArticle, seg, text.DefaultCleanOptions())
		if err != nil {
			t.Fatal(err)
		}
		return annotate.NewDocument(res)
	}
	other := article("copy.txt")
	if err := ws.proj.AddDocument(other); err != nil {
		t.Fatal(err)
	}
	f.addDoc(article(assets.DemoName))
	// at is where the n-th occurrence of s starts.
	at := func(s string, n int) int {
		t.Helper()
		runes, sr := []rune(ws.doc.Text), []rune(s)
		for i := 0; i+len(sr) <= len(runes); i++ {
			if string(runes[i:i+len(sr)]) == s {
				if n--; n == 0 {
					return i
				}
			}
		}
		t.Fatalf("no occurrence %d of %s", n, s)
		return 0
	}
	s := at("徐衣顯", 1)
	ws.view.Select(s, s+3)
	f.typeRunes("=")
	s = at("詳細", 1)
	ws.view.Select(s, s+2)
	f.typeRunes("t")
	test.Type(ws.win.Canvas().Focused().(*keyEntry), "a")
	ws.win.Canvas().Focused().(*keyEntry).TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	ws.setCharMode(true)
	s = at("冬春季", 1)
	ws.view.Select(s, s+2)
	f.typeRunes("5") // TIME
	ws.view.Select(at("檢查指導", 1)+2, at("檢查指導", 1)+2)
	f.typeRunes("/")
	ws.setCharMode(false)
	if got := strings.Join(tokenTexts(ws.doc), "|"); !strings.Contains(got, "|徐衣顯|帶隊|檢查|指導|冬春|季|") || !strings.Contains(got, "|徐|衣|顯|詳細|") {
		t.Fatalf("the edits did not take: %s", got)
	}
	if err := wait(t, "re-segment", func(then func(error)) { ws.runResegment([]int64{other.ID}, then) }); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(tokenTexts(f.stored(other.ID)), "|")
	if n, all := strings.Count(got, "|徐衣顯|"), strings.Count(other.Text, "徐衣顯"); n != all || n < 3 {
		t.Errorf("the other copy has %d tokens 徐衣顯 of %d: %s", n, all, got)
	}
	if !strings.Contains(got, "|冬春季|") {
		t.Errorf("the other copy lost the token 冬春季: %s", got)
	}
	ws.onLearntWords()
	waitFor(t, "the learnt words", func() bool { return ws.job == nil && strings.Contains(overlayText(ws.win), "merges taught") })
	text := overlayText(ws.win)
	for _, want := range []string{"Words your merges taught (1)\n徐衣顯\n", "Words your splits cut out (2)\n指導  檢查\n", "Dictionary words your splits stopped (1)\n檢查指導\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("Learnt words says:\n%s\nwant %q", text, want)
		}
	}
}

// TestWorkspaceSuggestReasons checks that Suggest says what it skipped as
// noise and why (before: "No new suggestions" while lone surnames were
// tagged nr), skips what the annotator rejected in another document, and
// that the inspector says why a suggestion was made.
func TestWorkspaceSuggestReasons(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	f.addDoc(testDoc("三.txt", []string{"王", "、", "薛", "要", "加强", "常识", "普及", "。", "上海", "很", "大", "。"},
		[]string{"nr", "w", "nr", "v", "v", "n", "ns", "x", "ns", "d", "a", "x"}))
	suggest := func(scope docScope) {
		t.Helper()
		cfg := suggestConfig{opts: corpus.SuggestOptions{Layer: "entity", POS: true}, scope: scope}
		if err := wait(t, "suggest", func(then func(error)) { ws.runSuggest(cfg, then) }); err != nil {
			t.Fatal(err)
		}
	}
	// The first document: 北京 and 上海 (ns) suggested, with their reason.
	ws.openDocument(0)
	suggest(scopeDocument)
	ws.view.Select(8, 10)
	if sp := ws.insp.sp; sp == nil || sp.Origin != annotate.OriginSuggested {
		t.Fatalf("no suggestion over 上海 in the first document: %v", spanSet(ws.doc.Spans))
	}
	if got := ws.insp.span.Text; !strings.Contains(got, "from the segmenter's POS tag ns (place name)") {
		t.Errorf("the inspector says %q, want the reason", got)
	}
	// Suggestions made in an earlier session (the second document's)
	// say their reason too, from the token's tag.
	ws.openDocument(1)
	ws.view.Select(3, 5)
	if got := ws.insp.span.Text; !strings.Contains(got, "from the segmenter's POS tag ns (place name)") {
		t.Errorf("the inspector says %q of an earlier suggestion, want the reason", got)
	}
	ws.openDocument(0)
	ws.view.Select(8, 10)
	// Rejected there, 上海 is not suggested in the third document; the
	// lone surnames and 普及 after 常识 are skipped, and the status says so.
	ws.onReject()
	suggest(scopeAll)
	got := ws.statusSave.Text
	for _, want := range []string{"No new suggestions", "2 single characters skipped", "2 rejected before", "1 inside a compound (after a noun)"} {
		if !strings.Contains(got, want) {
			t.Errorf("status %q, want it to say %q", got, want)
		}
	}
	if d := f.stored(f.ids[2]); len(d.Spans) != 0 {
		t.Errorf("the third document got %v, want nothing (上海 rejected elsewhere)", spanSet(d.Spans))
	}
}

// TestConcordanceFromSelection checks that Ctrl+F with text selected (in
// character mode, or more than one token) opens the concordance on it and
// searches it (typing Chinese is optional), and that the queries searched
// come back from the history.
func TestConcordanceFromSelection(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	t.Cleanup(func() { forgetCorpus(ws) })
	k := ws.corpus().kwic
	done := 0
	k.onSearched = func() { done++ }
	searched := func(what string) {
		t.Helper()
		waitFor(t, what, func() bool { return done > 0 })
		done--
	}
	ws.setCharMode(true)
	ws.view.Select(8, 10) // 上海
	f.menu(ctrlF)
	searched("Ctrl+F on 上海")
	if k.searched.Text != "上海" || k.res == nil || k.res.Len() != 1 {
		t.Fatalf("after Ctrl+F on 上海: query %+v, %v hits; want the text 上海, 1 hit", k.searched, k.res)
	}
	k.hide()
	ws.setCharMode(false)
	ws.view.Select(0, 4) // 北京 大学: more than the cursor's token
	f.menu(ctrlF)
	searched("Ctrl+F on 北京大学")
	if got := k.history.Options; !slices.Equal(got, []string{"北京大学", "上海"}) {
		t.Errorf("history %q, want 北京大学 上海", got)
	}
	k.history.SetSelected("上海")
	searched("上海 from the history")
	if k.searched.Text != "上海" || k.query.Text != "上海" {
		t.Errorf("after choosing 上海 in the history: query %+v, entry %q", k.searched, k.query.Text)
	}
}

// TestFrequencyNoiseEscDark checks the frequency lists' filter for
// punctuation and numbers (remembered), that Esc closes the dialog after
// a click on a row or a control (the filter takes the keyboard back; Esc
// did nothing once the table or a check had it), and that the statistics'
// charts are drawn on the theme's background (white in the dark theme
// before).
func TestFrequencyNoiseEscDark(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	f.addDoc(testDoc("数.txt", []string{"2021", "年", "，", "3.5%", "。"}, []string{"m", "m", "x", "m", "x"}))
	v := f.openFreq()
	all := len(v.shownRows())
	test.Tap(v.noiseCk)
	var keys []string
	for _, r := range v.shownRows() {
		keys = append(keys, r.Key)
		if noiseWord(r.Key) {
			t.Errorf("%q is shown with punctuation and numbers hidden", r.Key)
		}
	}
	if len(keys) != all-4 || !slices.Contains(keys, "年") {
		t.Errorf("with punctuation and numbers hidden: %q (%d rows of %d), want 4 fewer and 年 kept", keys, len(keys), all)
	}
	if !ws.prefs.Bool("freq.hideNoise") {
		t.Error("the filter is not remembered")
	}
	if got := ws.win.Canvas().Focused(); got != fyne.Focusable(v.filter) {
		t.Errorf("after a click on the check the keyboard is with %T, want the filter", got)
	}
	v.table.Select(widget.TableCellID{Row: 0, Col: 1}) // a row: its concordance, and the keyboard back
	ws.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if ws.win.Canvas().Overlays().Top() != nil || ws.corpus().freq != nil {
		t.Error("Esc after a click on a row left the frequency list open")
	}

	ws.setTheme("dark")
	ws.showStatistics(ws.corpus().ix.Stats())
	var img *canvas.Image
	for _, o := range walkObjects(ws.win.Canvas().Overlays().Top()) {
		if ci, ok := o.(*canvas.Image); ok && ci.Image != nil {
			img = ci
			break
		}
	}
	if img == nil {
		t.Fatal("no chart in the statistics")
	}
	want := ws.app.Settings().Theme().Color(theme.ColorNameBackground, ws.app.Settings().ThemeVariant())
	r1, g1, b1, _ := img.Image.At(1, 1).RGBA()
	r2, g2, b2, _ := want.RGBA()
	if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 {
		t.Errorf("the chart's background is %v, want the dark theme's %v", img.Image.At(1, 1), want)
	}
}

// TestSchemaEditorTagsetHant checks that in 繁體中文 the schema editor
// describes the tagset in traditional Chinese only (it showed the
// preset's "gse / ICTCLAS 词性标记 (gse's tagset)"), and in English in
// English; and that the layer's description is not squeezed beside its
// title in the narrow column.
func TestSchemaEditorTagsetHant(t *testing.T) {
	for _, tc := range []struct{ lang, want, notWant string }{
		{"zh-Hant", "56 個標記 — gse / ICTCLAS 詞性標記（斷詞器的標記集）", "词性"},
		{"en", "56 tags — gse / ICTCLAS POS tags (the segmenter's tagset)", "词"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			if err := useLanguage(tc.lang); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { useLanguage("en") })
			e, _, _ := newTestEditor(t, nil, nil)
			if got := e.posInfo.Text; got != tc.want || strings.Contains(got, tc.notWant) {
				t.Errorf("tagset info %q, want %q", got, tc.want)
			}
			if !e.layerDesc.MultiLine || e.layerDesc.Wrapping != fyne.TextWrapWord {
				t.Error("the layer's description does not wrap")
			}
		})
	}
}

// TestEntityDescriptionsHant checks that the entity preset's layer and
// label descriptions ("人名 person": simplified Chinese and English) are
// shown in the UI's language — in 繁體中文 in traditional Chinese only —
// in the schema editor and the label picker, while the project keeps its
// descriptions: one the annotator did not edit is applied unchanged.
func TestEntityDescriptionsHant(t *testing.T) {
	for _, tc := range []struct{ lang, layer, per, loc, pickPER string }{
		{"zh-Hant", "命名實體", "人名", "地點（非政治地點：山脈、河流、地區）", "entity / PER  [1]  人名"},
		{"en", "named entities", "person", "location (non-political: mountains, rivers, regions)", "entity / PER  [1]  person"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			if err := useLanguage(tc.lang); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { useLanguage("en") })
			e, w, got := newTestEditor(t, nil, nil)
			e.layerList.Select(0)
			if g := e.layerDesc.Text; g != tc.layer {
				t.Errorf("the entity layer's description shows %q, want %q", g, tc.layer)
			}
			selectLabelNamed(t, e, "LOC")
			if g := e.labelDesc.Text; g != tc.loc {
				t.Errorf("LOC's description shows %q, want %q", g, tc.loc)
			}
			selectLabelNamed(t, e, "PER")
			if g := e.labelDesc.Text; g != tc.per {
				t.Errorf("PER's description shows %q, want %q", g, tc.per)
			}
			retype(e.labelDesc, tc.per+" 2")
			tapApply(t, e, w, got)
			def := annotate.DefaultSchema()
			if g, want := schemaLabel(t, got.schema, "entity", "LOC").Description, schemaLabel(t, def, "entity", "LOC").Description; g != want {
				t.Errorf("LOC's description, not edited, was applied as %q, want %q", g, want)
			}
			if g := schemaLabel(t, got.schema, "entity", "PER").Description; g != tc.per+" 2" {
				t.Errorf("PER's description, edited, was applied as %q, want %q", g, tc.per+" 2")
			}

			f := newWSFixture(t)
			if err := useLanguage(tc.lang); err != nil { // newWSFixture chose English
				t.Fatal(err)
			}
			f.ws.onLabelPicker()
			if text := overlayText(f.ws.win); !strings.Contains(text, tc.pickPER) {
				t.Errorf("the label picker shows\n%s\nwant %q", text, tc.pickPER)
			}
		})
	}
}

// TestExportOptionsUsed checks that the export dialog knows, for every
// export format, which options it uses.
func TestExportOptionsUsed(t *testing.T) {
	for _, f := range export.Formats() {
		if _, ok := exportOptionsUsed[f.Name]; !ok {
			t.Errorf("format %s: not in exportOptionsUsed", f.Name)
		}
	}
}

// exportDialog finds the export dialog's format choice, folder entry and
// checks.
func exportDialog(t *testing.T, ws *workspace) (format *widget.Select, folder *widget.Entry, checks map[string]*widget.Check, notUsed string) {
	t.Helper()
	checks = map[string]*widget.Check{}
	for _, o := range walkObjects(ws.win.Canvas().Overlays().Top()) {
		switch w := o.(type) {
		case *widget.Select:
			if slices.Contains(w.Options, "doccano") {
				format = w
			}
		case *widget.Entry, *keyEntry:
			if e, _ := entryOf(w); filepath.IsAbs(e.Text) {
				folder = e
			}
		case *escSelect:
			if slices.Contains(w.Options, "doccano") {
				format = &w.Select
			}
		case *widget.Check:
			checks[w.Text] = w
		case *escCheck:
			checks[w.Text] = &w.Check
		case *widget.Label:
			if strings.Contains(w.Text, "does not use") {
				notUsed = w.Text
			}
		}
	}
	if format == nil || folder == nil {
		t.Fatal("no format choice or folder in the export dialog")
	}
	return format, folder, checks, notUsed
}

// TestExportDialogRemembers checks that the export dialog disables (and
// names) the options the chosen format does not use, and opens with the
// format and folder of the last export.
func TestExportDialogRemembers(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	dir := t.TempDir()
	ws.onExport()
	format, folder, checks, _ := exportDialog(t, ws)
	format.SetSelected("doccano")
	_, _, _, notUsed := exportDialog(t, ws)
	for name, on := range map[string]bool{"UTF-16 offsets (JavaScript tools)": true, "UTF-8 BOM (for Excel)": false, "POS column": false, "As predictions": false, "Include suggestions": true} {
		if c := checks[name]; c == nil || c.Disabled() == on {
			t.Errorf("doccano: %q enabled %v, want %v", name, c != nil && !c.Disabled(), on)
		}
	}
	if !strings.Contains(notUsed, "doccano does not use: ") || !strings.Contains(notUsed, "POS column") {
		t.Errorf("the dialog says %q, want the options doccano does not use", notUsed)
	}
	folder.SetText(dir)
	tapOverlayButton(t, ws.win, "Export")
	f.waitJobs()
	if _, err := os.Stat(filepath.Join(dir, "test-doccano.jsonl")); err != nil {
		t.Fatalf("the export: %v", err)
	}
	for ws.win.Canvas().Overlays().Top() != nil {
		ws.win.Canvas().Overlays().Top().Hide()
	}
	ws.onExport()
	format, folder, _, _ = exportDialog(t, ws)
	if format.Selected != "doccano" || folder.Text != dir {
		t.Errorf("the export dialog opens on %s in %s, want doccano in %s", format.Selected, folder.Text, dir)
	}
}

// TestImportSeveralFiles checks the import chooser: it starts in the
// folder last imported from, lists its folders and the files the importer
// reads (a filter shows all), imports several files checked at once, and
// the import dialog hides the options only annotated formats use when the
// files are text.
func TestImportSeveralFiles(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.loadSegmenter()
	dir := t.TempDir()
	for name, body := range map[string]string{"a.txt": "甲说：“你好。”", "b.txt": "乙答：好的。", "c.conllu": "", "x.png": "", ".hidden.txt": "秘密。"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	ws.prefs.SetString("import.folder", dir)
	ws.onImportFiles()
	c := ws.lastChooser
	if c == nil || c.dir != dir {
		t.Fatalf("the chooser starts in %v, want %s", c, dir)
	}
	names := func() (out []string) {
		for _, e := range c.entries {
			out = append(out, e.name)
		}
		return out
	}
	if got := names(); !slices.Equal(got, []string{"sub", "a.txt", "b.txt", "c.conllu"}) {
		t.Errorf("the chooser lists %q, want sub a.txt b.txt c.conllu", got)
	}
	c.filter.SetSelectedIndex(filterAll)
	if got := names(); !slices.Equal(got, []string{"sub", "a.txt", "b.txt", "c.conllu", "x.png"}) {
		t.Errorf("with all files the chooser lists %q", got)
	}
	c.filter.SetSelectedIndex(filterText)
	if !c.ok.Disabled() {
		t.Error("Import… is enabled with no file checked")
	}
	c.toggleAll()
	if got := c.paths(); !slices.Equal(got, []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")}) {
		t.Fatalf("checked %q, want a.txt and b.txt", got)
	}
	test.Tap(c.ok)
	// The import dialog: text files, so no layer, columns or skipping.
	var form *widget.Form
	for _, o := range walkObjects(ws.win.Canvas().Overlays().Top()) {
		if fm, ok := o.(*widget.Form); ok && len(fm.Items) == 4 {
			form = fm
		}
	}
	if form == nil || form.Visible() {
		t.Errorf("the import dialog of text files shows the annotated formats' options")
	}
	tapOverlayButton(t, ws.win, "Import")
	f.waitJobs()
	if len(ws.docs) != 4 {
		t.Fatalf("after importing two files: %d documents, want 4", len(ws.docs))
	}
	if got := ws.prefs.String("import.folder"); got != dir {
		t.Errorf("the folder remembered is %q, want %s", got, dir)
	}
}

// TestNotesShown checks that a span's note is shown in the span list and
// marked on the text (a corner at the end of the span's bar); before, a
// note was only seen in the inspector.
func TestNotesShown(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.view.Select(8, 10)
	f.typeRunes("2") // LOC 上海
	corners := func() int {
		n := 0
		for _, o := range test.WidgetRenderer(ws.view).Objects() {
			if r, ok := o.(*canvas.Rectangle); ok && o.Visible() && r.Size() == fyne.NewSize(5, 5) {
				n++
			}
		}
		return n
	}
	before := corners()
	ws.apply(annotate.SetNote{ID: ws.doc.Spans[0].ID, Note: "直辖市"})
	ws.view.Refresh()
	if got := corners(); got != before+1 {
		t.Errorf("%d note corners drawn, want %d", got, before+1)
	}
	var rows []string
	for _, o := range test.LaidOutObjects(ws.spanList) {
		if r, ok := o.(*spanRow); ok {
			rows = append(rows, r.text.Text)
		}
	}
	if len(rows) == 0 || !strings.Contains(rows[0], noteMark+" 直辖市") {
		t.Errorf("the span list shows %q, want the note", rows)
	}
}

// TestLayout1024 checks the workspace at 1024×700: the document's title
// is not squeezed to "…", the inspector's Accept, Reject and Delete are in
// the window without scrolling, and the status bar's counts are whole.
func TestLayout1024(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.win.Resize(fyne.NewSize(1024, 700))
	ws.openDocument(1)
	ws.view.Select(0, 2) // a suggestion: the buttons are enabled
	size := ws.win.Canvas().Size()
	d := fyne.CurrentApp().Driver()
	for _, b := range []*widget.Button{ws.insp.accept, ws.insp.reject, ws.insp.del} {
		p := d.AbsolutePositionForObject(b)
		if !b.Visible() || p.X < 0 || p.Y < 0 || p.X+b.Size().Width > size.Width+0.5 || p.Y+b.Size().Height > size.Height+0.5 || b.Size().Height < b.MinSize().Height {
			t.Errorf("%q at %v size %v, not whole in the %v window", b.Text, p, b.Size(), size)
		}
	}
	need := fyne.MeasureText(ws.title.Text, theme.TextSize(), ws.title.TextStyle).Width
	if w := ws.title.Size().Width; w < need {
		t.Errorf("the title %q has %.0f of the %.0f it needs", ws.title.Text, w, need)
	}
	if w, need := ws.statusCnt.Size().Width, natural(ws.statusCnt); w+0.5 < need {
		t.Errorf("the counts %q have %.0f of the %.0f they need", ws.statusCnt.Text, w, need)
	}
}

// TestExportOptionTooltips checks that an export option the format does
// not use says why in a tooltip: it shows while the pointer rests on the
// disabled option, inside the dialog, and goes when the pointer leaves or
// presses; an option the format uses has none (and the pointer to itself).
func TestExportOptionTooltips(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	defer func(d time.Duration) { tipDelay = d }(tipDelay)
	tipDelay = 0
	ws.onExport()
	format, _, _, _ := exportDialog(t, ws)
	format.SetSelected("doccano")
	c := ws.win.Canvas()
	top := c.Overlays().Top()
	var area *tipArea
	var check *escCheck
	for _, o := range walkObjects(top) {
		if st, ok := o.(*fyne.Container); ok && len(st.Objects) == 2 {
			ck, ok1 := st.Objects[0].(*escCheck)
			a, ok2 := st.Objects[1].(*tipArea)
			if ok1 && ok2 && ck.Text == "UTF-8 BOM (for Excel)" {
				area, check = a, ck
			}
		}
	}
	if area == nil {
		t.Fatal("the BOM option has no tooltip area")
	}
	layer := area.layer
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(check).Add(fyne.NewPos(10, 10))
	const want = "doccano is not a CSV file: only CSV files take a BOM for Excel"
	test.MoveMouse(c, at)
	if layer.text != want || !layer.root.Visible() {
		t.Fatalf("over the disabled BOM option the tooltip is %q (shown %v), want %q", layer.text, layer.root.Visible(), want)
	}
	box := layer.box
	if p, s := box.Position(), layer.root.Size(); p.X < 0 || p.Y < 0 || p.X+box.Size().Width > s.Width || p.Y+box.Size().Height > s.Height {
		t.Errorf("the tooltip at %v %v is not inside the dialog's %v", p, box.Size(), s)
	}
	test.MoveMouse(c, fyne.NewPos(1, 1))
	if layer.text != "" || layer.root.Visible() {
		t.Errorf("the pointer left, the tooltip %q stays", layer.text)
	}
	test.MoveMouse(c, at)
	test.TapCanvas(c, at)
	if layer.text != "" {
		t.Errorf("after a press the tooltip %q stays", layer.text)
	}

	format.SetSelected("csv-tokens") // uses the BOM: no tooltip
	test.MoveMouse(c, fyne.NewPos(1, 1))
	test.MoveMouse(c, at)
	if layer.text != "" || area.Visible() || check.Disabled() {
		t.Errorf("csv-tokens: BOM enabled %v, tooltip %q (area shown %v), want enabled with none", !check.Disabled(), layer.text, area.Visible())
	}
}

// TestIconButtonTooltips checks that the schema editor's buttons that show
// only an arrow say what they do while the pointer rests on them, and that
// a press hides the word and still moves the label.
func TestIconButtonTooltips(t *testing.T) {
	defer func(d time.Duration) { tipDelay = d }(tipDelay)
	tipDelay = 0
	e, w, _ := newTestEditor(t, nil, nil)
	e.layerList.Select(0)
	selectLabelNamed(t, e, "LOC")
	c := w.Canvas()
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(e.downBtn).Add(fyne.NewPos(4, 4))
	test.MoveMouse(c, at)
	if got := e.downBtn.layer.text; got != "Move the label down" {
		t.Fatalf("over the ↓ button the tooltip is %q, want %q", got, "Move the label down")
	}
	test.TapCanvas(c, at)
	if got := e.downBtn.layer.text; got != "" {
		t.Errorf("after a press the tooltip %q stays", got)
	}
	var names []string
	for _, lb := range e.curLayer().labels {
		names = append(names, lb.Name)
	}
	if len(names) < 3 || names[1] != "ORG" || names[2] != "LOC" {
		t.Errorf("after ↓ on LOC the labels are %v, want LOC after ORG", names)
	}
	test.MoveMouse(c, at)
	test.MoveMouse(c, fyne.NewPos(1, 1))
	if got := e.downBtn.layer.text; got != "" {
		t.Errorf("the pointer left, the tooltip %q stays", got)
	}
}

// TestInspectorButtonTooltips checks that the inspector's disabled Accept
// and Delete say what would enable them, in the window's tooltip layer.
func TestInspectorButtonTooltips(t *testing.T) {
	defer func(d time.Duration) { tipDelay = d }(tipDelay)
	tipDelay = 0
	f := newWSFixture(t)
	ws := f.ws
	in := ws.insp
	in.show(nil, nil, 0, 0)
	if !in.accept.Disabled() || !in.del.Disabled() {
		t.Fatal("with no span Accept and Delete are enabled")
	}
	c := ws.win.Canvas()
	for _, tc := range []struct {
		b    *widget.Button
		want string
	}{
		{in.accept, "Put the cursor on a suggested span to accept it"},
		{in.del, "Put the cursor on a span to delete it"},
	} {
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(tc.b).Add(fyne.NewPos(5, 5))
		test.MoveMouse(c, at)
		if got := ws.tips.text; got != tc.want {
			t.Errorf("over the disabled %q the tooltip is %q, want %q", tc.b.Text, got, tc.want)
		}
		test.MoveMouse(c, fyne.NewPos(1, 1))
		if got := ws.tips.text; got != "" {
			t.Errorf("the pointer left %q, the tooltip %q stays", tc.b.Text, got)
		}
	}
}
