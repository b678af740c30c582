package app

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

// waitFor polls cond until it holds (the corpus tools hand their results
// back from other goroutines; under the test driver fyne.Do runs there).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

var (
	ctrlF      = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	ctrlShiftF = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	ctrlShiftT = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// openKwic opens the concordance with Ctrl+F and waits for the index.
func (f *wsFixture) openKwic() *kwicPanel {
	f.t.Helper()
	f.menu(ctrlF)
	ct := f.ws.corpus()
	f.t.Cleanup(func() { forgetCorpus(f.ws) })
	waitFor(f.t, "the corpus index", func() bool { return ct.ix != nil && f.ws.job == nil })
	k := ct.kwic
	if !k.shown || !k.root.Visible() {
		f.t.Fatal("Ctrl+F did not show the concordance")
	}
	waitFor(f.t, "the keyboard in the query after Ctrl+F", func() bool { return f.ws.win.Canvas().Focused() == fyne.Focusable(k.query) })
	return k
}

// forgetCorpus drops ws's corpus tools (and their index), so that a
// test's index does not outlive it.
func forgetCorpus(ws *workspace) { ws.tools = nil }

// kwicSearch types query in mode (0 text, 1 regex, 2 word, 3 word regex)
// and presses Enter, then waits for the hits (or the error).
func (f *wsFixture) kwicSearch(k *kwicPanel, query string, mode int) {
	f.t.Helper()
	done := make(chan struct{}, 1)
	k.onSearched = func() { done <- struct{}{} }
	defer func() { k.onSearched = nil }()
	k.mode.SetSelectedIndex(mode)
	k.query.SetText("")
	test.Type(k.query, query)
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		f.t.Fatalf("search %q did not finish", query)
	}
}

// rows returns the KWIC rows on screen, by hit number.
func (k *kwicPanel) rowsShown() map[int]*kwicRow {
	rows := map[int]*kwicRow{}
	for _, o := range test.LaidOutObjects(k.list) {
		if r, ok := o.(*kwicRow); ok && r.Visible() && r.id >= 0 && r.texts[2] != "" {
			rows[r.id] = r
		}
	}
	return rows
}

func TestConcordanceSearch(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	k := f.openKwic()

	f.kwicSearch(k, "。", 0)
	if k.res == nil || k.res.Len() != 3 {
		t.Fatalf("。: %v hits, want 3", k.res)
	}
	if got := k.count.Text; !strings.HasPrefix(got, "3 hits") {
		t.Errorf("count line = %q, want it to start with 3 hits", got)
	}
	rows := k.rowsShown()
	if len(rows) != 3 {
		t.Fatalf("%d rows on screen, want 3", len(rows))
	}
	want := [][4]string{
		{"一.txt", "北京大学的学生在上海工作", "。", "他们很忙。"},
		{"一.txt", "北京大学的学生在上海工作。他们很忙", "。", ""},
		{"二.txt", "张三去广州出差", "。", ""},
	}
	for i, w := range want {
		if got := rows[i].texts; got != w {
			t.Errorf("row %d = %q, want %q", i, got, w)
		}
	}
	// The hit column starts at the same x on every row.
	if x0, x2 := rows[0].match.Position().X, rows[2].match.Position().X; x0 != x2 || x0 == 0 {
		t.Errorf("hits start at x %v and %v, want the same (aligned)", x0, x2)
	}

	// Ctrl+click checks a hit, Shift+click the hits from it.
	click := func(r *kwicRow, mod fyne.KeyModifier) {
		r.MouseDown(&desktop.MouseEvent{Modifier: mod})
		test.Tap(r)
	}
	click(rows[0], fyne.KeyModifierShortcutDefault)
	if !k.checked(0) || k.checkedCount() != 1 {
		t.Errorf("Ctrl+click: row 0 checked %v, %d checked; want it alone", k.checked(0), k.checkedCount())
	}
	click(rows[2], fyne.KeyModifierShift)
	if k.checkedCount() != 3 || !strings.Contains(k.count.Text, "3 selected") {
		t.Errorf("Shift+click: %d checked (%q), want 3", k.checkedCount(), k.count.Text)
	}
	rows = k.rowsShown()            // the list made its rows again
	rows[1].check.SetChecked(false) // its check box
	if k.checked(1) || k.checkedCount() != 2 {
		t.Errorf("unchecking row 1: %d checked, want 2", k.checkedCount())
	}
	if ws.doc.ID != f.ids[0] {
		t.Errorf("Ctrl/Shift+click opened document %d", ws.doc.ID)
	}

	// Clicking the third line opens 二.txt at the hit.
	test.Tap(rows[2])
	if ws.doc == nil || ws.doc.ID != f.ids[1] {
		t.Fatalf("after clicking: document %v, want %d", ws.doc, f.ids[1])
	}
	if s, e := ws.view.Selection(); s != 7 || e != 8 {
		t.Errorf("after clicking: selection [%d,%d), want [7,8)", s, e)
	}

	// ↓ in the query shows the next hits, the keyboard stays there.
	ws.win.Canvas().Focus(k.query)
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	if ws.doc.ID != f.ids[0] || k.cur != 1 {
		t.Fatalf("after ↑: document %d, current row %d; want %d and 1", ws.doc.ID, k.cur, f.ids[0])
	}
	if s, e := ws.view.Selection(); s != 17 || e != 18 {
		t.Errorf("after ↑: selection [%d,%d), want [17,18)", s, e)
	}
	if got := ws.win.Canvas().Focused(); got != fyne.Focusable(k.query) {
		t.Errorf("after ↑ the keyboard is with %T, want the query", got)
	}
	// Enter on the same query opens the current hit (keyboard to the document).
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := ws.win.Canvas().Focused(); got != fyne.Focusable(ws.view) {
		t.Errorf("Enter on the hit: the keyboard is with %T, want the document", got)
	}

	// Sort by the first word to the left: 出差 < 工作 < 忙.
	k.sortSel.SetSelectedIndex(1)
	var lefts []string
	for i := range 3 {
		h, _ := k.hit(i)
		lefts = append(lefts, h.Left)
	}
	if !strings.HasSuffix(lefts[0], "出差") || !strings.HasSuffix(lefts[1], "工作") || !strings.HasSuffix(lefts[2], "忙") {
		t.Errorf("sorted by 1st word left: %q, want …出差, …工作, …忙", lefts)
	}
	// Back to position order.
	k.sortSel.SetSelectedIndex(0)
	if h, _ := k.hit(0); h.DocName != "一.txt" || h.Start != 12 {
		t.Errorf("back to position order: first hit %+v, want 一.txt at 12", h)
	}

	// Word + POS: the ns tokens.
	k.pos.SetText("ns")
	f.kwicSearch(k, "", 0)
	if k.res == nil || k.res.Len() != 3 {
		t.Fatalf("POS ns: %v hits, want 3 (北京 上海 广州)", k.res)
	}
	k.pos.SetText("")

	// A regular expression that does not compile: said in the panel.
	f.kwicSearch(k, "([", 1)
	if !k.msg.Visible() || !strings.Contains(k.msg.Text, "does not compile") {
		t.Errorf("bad regex: message %q (shown %v), want one saying it does not compile", k.msg.Text, k.msg.Visible())
	}
	if ws.win.Canvas().Overlays().Top() != nil {
		t.Error("bad regex: a dialog opened")
	}
	f.kwicSearch(k, "上.", 1)
	if k.msg.Visible() || k.res.Len() != 1 {
		t.Errorf("after a good regex: message shown %v, %d hits; want none and 1", k.msg.Visible(), k.res.Len())
	}

	// Esc closes the panel and gives the keyboard to the document.
	ws.win.Canvas().Focus(k.query)
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if k.shown || k.root.Visible() {
		t.Error("Esc did not close the concordance")
	}
	if got := ws.win.Canvas().Focused(); got != fyne.Focusable(ws.view) {
		t.Errorf("after Esc the keyboard is with %T, want the document", got)
	}
}

// storedSpans reads every document's spans from the project file.
func (f *wsFixture) storedSpans() map[int64][]annotate.Span {
	f.t.Helper()
	out := map[int64][]annotate.Span{}
	for _, id := range f.ids {
		out[id] = f.stored(id).Spans
	}
	return out
}

func TestConcordanceApplyLabelUndo(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	before := f.storedSpans()
	k := f.openKwic()

	f.kwicSearch(k, "北京|上海|广州", 1)
	if k.res.Len() != 3 {
		t.Fatalf("%d hits, want 3", k.res.Len())
	}
	k.toggleAll()
	if got := k.checkedCount(); got != 3 {
		t.Fatalf("select all: %d checked, want 3", got)
	}
	locs, ok := k.hitsToApply()
	if !ok {
		t.Fatal("no hits to apply")
	}
	k.applyLabel(locs, "entity", "LOC", true)
	// 二.txt had LOC suggested over 广州: accepted; the others added.
	live := func(id int64) map[[2]int]string {
		d, err := ws.proj.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		return spanSet(d.Spans)
	}
	d1, d2 := live(f.ids[0]), live(f.ids[1])
	if len(d1) != 2 || d1[[2]int{0, 2}] != "LOC/manual" || d1[[2]int{8, 10}] != "LOC/manual" {
		t.Errorf("一.txt after apply: %v, want LOC over 北京 and 上海", d1)
	}
	if d2[[2]int{3, 5}] != "LOC/manual" || d2[[2]int{0, 2}] != "PER/suggested" {
		t.Errorf("二.txt after apply: %v, want LOC accepted, PER still suggested", d2)
	}
	if !strings.Contains(ws.statusSave.Text, "Labelled 3 hits") {
		t.Errorf("status after apply: %q, want 3 labelled", ws.statusSave.Text)
	}

	// Applying again skips all three; ORG over 北京大学 would overlap.
	f.kwicSearch(k, "北京|上海|广州", 1)
	k.toggleAll()
	locs, _ = k.hitsToApply()
	k.applyLabel(locs, "entity", "LOC", true)
	if msg := ws.statusSave.Text; !strings.Contains(msg, "skipped 3 already labelled") {
		t.Errorf("second apply: status %q, want 3 skipped as already labelled", msg)
	}
	f.kwicSearch(k, "北京大学", 0)
	k.toggleAll()
	locs, _ = k.hitsToApply()
	k.applyLabel(locs, "entity", "ORG", true)
	if msg := ws.statusSave.Text; !strings.Contains(msg, "1 that would overlap") {
		t.Errorf("ORG over 北京大学: status %q, want 1 skipped for overlap", msg)
	}

	// One undo restores every span exactly (the ORG apply changed nothing).
	ws.onUndo()
	after := f.storedSpans()
	for _, id := range f.ids {
		if !slices.Equal(before[id], after[id]) {
			t.Errorf("document %d after undo:\n got  %+v\n want %+v", id, after[id], before[id])
		}
	}
}

func TestConcordanceApplyPOS(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	k := f.openKwic()
	f.kwicSearch(k, "上海", 2)
	k.toggleAll()
	locs, _ := k.hitsToApply()
	k.applyPOS(locs, "nz")
	d, err := ws.proj.Document(f.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if i := d.TokenAt(8); d.Tokens[i].POS != "nz" || !d.Tokens[i].Edited {
		t.Fatalf("上海 after apply POS: %+v, want nz, edited", d.Tokens[i])
	}
	ws.onUndo()
	d = f.stored(f.ids[0])
	if i := d.TokenAt(8); d.Tokens[i].POS != "ns" || d.Tokens[i].Edited {
		t.Fatalf("上海 after undo, in the file: %+v, want ns, not edited", d.Tokens[i])
	}
	// A text hit inside a token is skipped.
	k = ws.corpus().kwic
	f.kwicSearch(k, "海", 0)
	k.toggleAll()
	locs, _ = k.hitsToApply()
	k.applyPOS(locs, "nz")
	if msg := ws.statusSave.Text; !strings.Contains(msg, "1 hits that are not one whole token") {
		t.Errorf("POS on a character: status %q, want it skipped", msg)
	}
}

// TestConcordanceFollowsEdits: an edit made in the document reaches the
// index; documents added by import are picked up.
func TestConcordanceFollowsEdits(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	k := f.openKwic()
	ws.view.Select(8, 10) // 上海
	f.typeRunes("2")      // LOC
	k.label.SetSelected("entity/LOC")
	f.kwicSearch(k, "", 0)
	if k.res == nil || k.res.Len() != 2 { // 上海 (manual) and 广州 (suggested)
		t.Fatalf("label LOC after labelling 上海: %v hits, want 2", k.res)
	}
	k.label.SetSelectedIndex(0)
	d := testDoc("三.txt", []string{"上海", "很", "大", "。"}, []string{"ns", "d", "a", "x"})
	if err := ws.proj.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	ws.refreshDocs()
	f.kwicSearch(k, "上海", 2)
	if k.res.Len() != 2 {
		t.Fatalf("上海 after adding a document: %d hits, want 2", k.res.Len())
	}
}

func TestConcordanceExport(t *testing.T) {
	f := newWSFixture(t)
	k := f.openKwic()
	f.kwicSearch(k, "。", 0)
	dir := t.TempDir()
	run := func(path string) int {
		done := make(chan int, 1)
		k.exportHits(path, export.TableOptions{}, func(n int, err error) {
			if err != nil {
				t.Error(err)
			}
			done <- n
		})
		select {
		case n := <-done:
			return n
		case <-time.After(30 * time.Second):
			t.Fatal("export did not finish")
		}
		return 0
	}
	path := filepath.Join(dir, "hits.csv")
	if n := run(path); n != 3 {
		t.Errorf("exported %d hits, want 3", n)
	}
	recs := readCSV(t, path)
	if len(recs) != 4 || recs[0][0] != "document" || recs[3][0] != "二.txt" || recs[3][4] != "。" || recs[3][1] != "7" {
		t.Errorf("hits.csv = %q, want a header and 3 hits, the last in 二.txt at 7", recs)
	}
	// Only the checked hits, when some are.
	k.setChecked(2, true)
	if n := run(filepath.Join(dir, "one.xlsx")); n != 1 {
		t.Errorf("exported %d checked hits, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "one.xlsx")); err != nil {
		t.Error(err)
	}
	if _, err := tablePath(dir, "x.txt"); err == nil {
		t.Error("tablePath accepted x.txt")
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestConcordanceMillionHits: a query matching 1,000,000 times shows its
// first page at once and stays responsive: the search runs off the UI
// goroutine, only the rows on screen are turned into text, and sorting a
// million hits runs off it too.
func TestConcordanceMillionHits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1,000,000-character project")
	}
	f := newWSFixture(t)
	ws := f.ws
	// 100 documents of 10,000 characters, every one a hit for 叶.
	var docs []*annotate.Document
	for i := range 100 {
		text := strings.Repeat("叶", 10_000)
		docs = append(docs, &annotate.Document{Name: fmt.Sprintf("d%03d.txt", i), Text: text, Raw: text,
			Sentences: []annotate.Sentence{{Start: 0, End: 10_000}}})
	}
	if err := ws.proj.AddDocuments(docs, nil); err != nil {
		t.Fatal(err)
	}
	ws.refreshDocs()
	start := time.Now()
	k := f.openKwic()
	t.Logf("index built in %v (%d characters)", time.Since(start), ws.corpus().ix.Chars())

	done := make(chan time.Time, 1)
	k.onSearched = func() { done <- time.Now() }
	k.mode.SetSelectedIndex(0)
	k.query.SetText("叶")
	start = time.Now()
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	enter := time.Since(start)
	var first time.Duration
	select {
	case at := <-done:
		first = at.Sub(start)
	case <-time.After(60 * time.Second):
		t.Fatal("the search did not finish")
	}
	if k.res.Len() != 1_000_000 {
		t.Fatalf("%d hits, want 1,000,000", k.res.Len())
	}
	rows := k.rowsShown()
	if len(rows) == 0 || rows[0].texts[2] != "叶" {
		t.Fatalf("first page: %d rows, want some showing 叶", len(rows))
	}
	// Only the pages on screen were turned into text.
	if len(k.pages) > 2 {
		t.Errorf("%d pages of hits made, want only what is on screen", len(k.pages))
	}
	// Scroll to the end: one more page.
	t0 := time.Now()
	k.list.ScrollToBottom()
	rows = k.rowsShown()
	scroll := time.Since(t0)
	if _, ok := rows[999_999]; !ok {
		t.Errorf("after scrolling to the bottom the last row is not shown")
	}
	t.Logf("1,000,000 hits: Enter returned in %v, first page after %v (search %v, then the UI goroutine %v), scroll to the end %v",
		enter, first, k.took, first-k.took, scroll)
	if enter > 100*time.Millisecond {
		t.Errorf("Enter took %v on the UI goroutine, want the search off it", enter)
	}
	if first > 10*time.Second {
		t.Errorf("first page after %v, want a few seconds at most", first)
	}
	if scroll > 200*time.Millisecond {
		t.Errorf("scrolling to the end took %v", scroll)
	}

	// Sorting a million hits runs off the UI goroutine.
	k.onSearched = func() { done <- time.Now() }
	start = time.Now()
	k.sortSel.SetSelectedIndex(1)
	changed := time.Since(start)
	if !k.sorting && len(done) == 0 {
		t.Error("sorting 1,000,000 hits ran on the UI goroutine")
	}
	select {
	case at := <-done:
		t.Logf("sort by 1st word left: the UI goroutine waited %v, sorted in %v", changed, at.Sub(start))
	case <-time.After(60 * time.Second):
		t.Fatal("the sort did not finish")
	}
	if changed > 100*time.Millisecond {
		t.Errorf("changing the sort took %v on the UI goroutine", changed)
	}
	// Select all and apply: refused, with a message, above the limit.
	k.toggleAll()
	if _, ok := k.hitsToApply(); ok {
		t.Error("applying to 1,000,000 hits was accepted")
	}
	ws.win.Canvas().Overlays().Top().Hide()
}

// TestIndexBuiltAtOpen: with indexAtOpen, the index is built in the
// background when a project opens, and the first search needs no dialog.
func TestIndexBuiltAtOpen(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ct := ws.corpus()
	ws.indexAtOpen = true
	ws.setProject(ws.proj)
	waitFor(t, "the index built at open", func() bool { return ct.building == nil && ct.ix != nil })
	if got := ct.ix.Docs(); got != len(f.ids) {
		t.Errorf("index holds %d documents, want %d", got, len(f.ids))
	}
	used := false
	ct.withIndex(func(*annotate.Index) { used = true })
	if !used || ws.job != nil {
		t.Errorf("first use after the background build: used %v, long job %v; want the index at once", used, ws.job)
	}
}
