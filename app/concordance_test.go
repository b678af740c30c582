package app

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

var (
	ctrlF      = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	ctrlShiftF = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	ctrlShiftT = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// openKwic opens the concordance with Ctrl+F and waits for the index
// (the workspace's callbacks queued for the test's goroutine: queueUI).
func (f *wsFixture) openKwic() *kwicPanel {
	f.t.Helper()
	f.menu(ctrlF)
	ct := f.ws.corpus()
	f.t.Cleanup(func() { forgetCorpus(f.ws) })
	f.waitJobs()
	if ct.ix == nil {
		f.t.Fatal("Ctrl+F built no corpus index")
	}
	k := ct.kwic
	if !k.shown || !k.root.Visible() {
		f.t.Fatal("Ctrl+F did not show the concordance")
	}
	waitFor(f.t, "the keyboard in the query after Ctrl+F", func() bool { return f.ws.win.Canvas().Focused() == fyne.Focusable(k.query) })
	return k
}

// openKwicSync builds the index and opens the concordance with Ctrl+F,
// all on the test's goroutine (Ctrl+F then gives the query the keyboard
// at once, with no long work started).
func (f *wsFixture) openKwicSync() *kwicPanel {
	f.t.Helper()
	ws := f.ws
	ct := ws.corpus()
	f.t.Cleanup(func() { forgetCorpus(ws) })
	ix, err := corpus.BuildIndex(context.Background(), ws.proj, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	docs, err := ws.proj.Documents()
	if err != nil {
		f.t.Fatal(err)
	}
	ct.proj, ct.ix, ct.stamps = ws.proj, ix, map[int64]time.Time{}
	for _, d := range docs {
		ct.stamps[d.ID] = d.Updated
	}
	f.menu(ctrlF)
	k := ct.kwic
	if !k.shown || ws.job != nil || ws.win.Canvas().Focused() != fyne.Focusable(k.query) {
		f.t.Fatal("Ctrl+F did not show the concordance with the keyboard in its query at once")
	}
	return k
}

// searchSync shows the hits of q in k, searched on the test's goroutine.
func searchSync(t *testing.T, k *kwicPanel, q corpus.Query) {
	t.Helper()
	res, err := k.ct.ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	k.setResult(res, res, q, corpus.SortPosition, 0)
}

// forgetCorpus drops ws's corpus tools (and their index), so that a
// test's index does not outlive it.
func forgetCorpus(ws *workspace) { ws.tools = nil }

// kwicSearch types query in mode (0 text, 1 regex, 2 word, 3 word regex)
// and presses Enter, then waits for the hits (or the error).
func (f *wsFixture) kwicSearch(k *kwicPanel, query string, mode int) {
	f.t.Helper()
	searched := false
	k.onSearched = func() { searched = true }
	defer func() { k.onSearched = nil }()
	k.mode.SetSelectedIndex(mode)
	k.query.SetText("")
	test.Type(k.query, query)
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitFor(f.t, fmt.Sprintf("the search of %q", query), func() bool { return searched })
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
		n, done := 0, false
		k.exportHits(path, export.TableOptions{}, func(got int, err error) {
			if err != nil {
				t.Error(err)
			}
			n, done = got, true
		})
		waitFor(t, "the export", func() bool { return done })
		return n
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
		s := strings.Repeat("叶", 10_000)
		docs = append(docs, &annotate.Document{Name: fmt.Sprintf("d%03d.txt", i), Text: s, Raw: s,
			Sentences: []text.Sentence{{Start: 0, End: 10_000}}})
	}
	if err := ws.proj.AddDocuments(docs, nil); err != nil {
		t.Fatal(err)
	}
	ws.refreshDocs()
	start := time.Now()
	k := f.openKwic()
	t.Logf("index built in %v (%d characters)", time.Since(start), ws.corpus().ix.Chars())

	var at time.Time // when the hits were shown
	k.onSearched = func() { at = time.Now() }
	k.mode.SetSelectedIndex(0)
	k.query.SetText("叶")
	start = time.Now()
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	enter := time.Since(start)
	waitFor(t, "the search", func() bool { return !at.IsZero() })
	first := at.Sub(start)
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
	// The times are logged, not asserted (a timed assertion fails on a
	// loaded machine): what is asserted is the structure that makes them
	// short — the hits shown by a callback after Enter returned, two pages
	// of rows made, the sort off the UI goroutine.

	// Sorting a million hits runs off the UI goroutine.
	at = time.Time{}
	start = time.Now()
	k.sortSel.SetSelectedIndex(1)
	changed := time.Since(start)
	if !k.sorting && at.IsZero() {
		t.Error("sorting 1,000,000 hits ran on the UI goroutine")
	}
	waitFor(t, "the sort", func() bool { return !at.IsZero() })
	t.Logf("sort by 1st word left: the UI goroutine waited %v, sorted in %v", changed, at.Sub(start))
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
	ct.withIndex(func(*corpus.Index) { used = true })
	if !used || ws.job != nil {
		t.Errorf("first use after the background build: used %v, long job %v; want the index at once", used, ws.job)
	}
}

// yeDocs makes n documents of size characters, all 叶 (every character a
// hit for 叶), and adds them to ws's project.
func yeDocs(t *testing.T, ws *workspace, n, size int) {
	t.Helper()
	var docs []*annotate.Document
	for i := range n {
		s := strings.Repeat("叶", size)
		docs = append(docs, &annotate.Document{Name: fmt.Sprintf("ye%03d.txt", i), Text: s, Raw: s,
			Sentences: []text.Sentence{{Start: 0, End: size}}})
	}
	if err := ws.proj.AddDocuments(docs, nil); err != nil {
		t.Fatal(err)
	}
	ws.refreshDocs()
}

// TestConcordanceApplyWhileSorting: the commands on the checked hits
// (Apply label…, Apply POS…, Select all and the count line) read the hits
// while a sort of many runs on another goroutine. The sort works on a
// copy, so they read hits nobody changes (run with -race: the review
// found Result.Sort permuting the hits hitsToApply read), and the checks
// survive the sort. The only goroutine is the sort's, held until the
// commands have run.
func TestConcordanceApplyWhileSorting(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	yeDocs(t, ws, 3, 10_000) // 30,000 hits: more than are sorted at once
	k := f.openKwicSync()
	searchSync(t, k, corpus.Query{Text: "叶"})
	if k.res == nil || k.res.Len() != 30_000 {
		t.Fatalf("叶: %v hits, want 30,000", k.res)
	}
	k.setChecked(10, true)
	k.setChecked(20_010, true)
	want := []hitKey{k.key(10), k.key(20_010)}
	shown := k.res

	hold := make(chan struct{})
	sorted := false
	k.sortHook = func() { <-hold } // the sort waits there, its copy sorted
	k.onSearched = func() { sorted = true }
	k.sortSel.SetSelectedIndex(5) // by hit
	if !k.sorting {
		close(hold)
		t.Fatal("sorting 30,000 hits ran on the UI goroutine")
	}
	locs, ok := k.hitsToApply()
	if !ok || !slices.Equal(locs, want) {
		t.Errorf("while sorting: hitsToApply = %v, %v; want %v", locs, ok, want)
	}
	k.showCount()
	if got := k.count.Text; !strings.Contains(got, "2 selected") || !strings.Contains(got, "Sorting…") {
		t.Errorf("while sorting: count line %q, want 2 selected and Sorting…", got)
	}
	k.toggleAll() // Select all
	if got := k.checkedCount(); got != 30_000 {
		t.Errorf("Select all while sorting: %d checked, want 30,000", got)
	}
	k.toggleAll() // Select none
	k.setChecked(10, true)
	k.setChecked(20_010, true)
	if k.res != shown || k.key(10) != want[0] {
		t.Error("the hits shown changed before the sort ended")
	}
	close(hold)
	waitFor(t, "the sort", func() bool { return sorted })
	if k.sorting || k.sortBy != corpus.SortMatch || k.res == shown {
		t.Errorf("after the sort: sorting %v, order %v, same result %v; want the hits sorted by hit", k.sorting, k.sortBy, k.res == shown)
	}
	if k.base != shown || k.base.Sorted() != corpus.SortPosition {
		t.Errorf("after the sort the position order was changed (%v)", k.base.Sorted())
	}
	if locs, ok := k.hitsToApply(); !ok || !slices.Equal(locs, want) {
		t.Errorf("after the sort: hitsToApply = %v, %v; want the same %v", locs, ok, want)
	}
	// Back to position order: at once, the result searched.
	k.sortSel.SetSelectedIndex(0)
	if k.sorting || k.res != shown {
		t.Errorf("back to position order: sorting %v, the searched result %v; want it at once", k.sorting, k.res == shown)
	}
}

// TestConcordanceApplyLabelManyHits: labelling 20,000 hits of one document
// (the review timed 11-15 s on the UI goroutine: each hit compared with
// every span) is planned off the UI goroutine in n log n, then applied as
// one step that one undo takes back.
func TestConcordanceApplyLabelManyHits(t *testing.T) {
	if testing.Short() {
		t.Skip("labels 20,000 hits")
	}
	if raceEnabled {
		t.Skip("labels 20,000 hits: under the race detector the store's 20,000 inserts alone take minutes")
	}
	f := newWSFixture(t)
	ws := f.ws
	yeDocs(t, ws, 1, 20_000)
	k := f.openKwic()
	f.kwicSearch(k, "叶", 0)
	k.toggleAll()
	locs, ok := k.hitsToApply()
	if !ok || len(locs) != 20_000 {
		t.Fatalf("%d hits to apply (%v), want 20,000", len(locs), ok)
	}
	id := locs[0].doc
	start := time.Now()
	k.applyLabel(locs, "entity", "LOC", true)
	ui := time.Since(start)
	f.waitJobs()
	total := time.Since(start)
	// Logged, not asserted (a timed assertion fails on a loaded machine).
	t.Logf("20,000 hits: applyLabel returned after %v, labelled after %v", ui, total)
	d, err := ws.proj.Document(id)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Spans); n != 20_000 {
		t.Errorf("%d spans after labelling, want 20,000", n)
	}
	if got := ws.statusSave.Text; !strings.Contains(got, "Labelled 20000 hits") {
		t.Errorf("status %q, want 20000 labelled", got)
	}
	ws.onUndo()
	f.waitJobs()
	if d, err = ws.proj.Document(id); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Spans); n != 0 {
		t.Errorf("%d spans after undo, want none", n)
	}
}

// planLabelSlow is planLabel as it was: each hit compared with every span
// (quadratic), the reference for TestConcordancePlanLabel.
func planLabelSlow(t *testing.T, p *annotate.Project, locs []hitKey, layer, label string, forbid, split bool) labelPlan {
	var plan labelPlan
	for len(locs) > 0 {
		id := locs[0].doc
		n := 1
		for n < len(locs) && locs[n].doc == id {
			n++
		}
		group := locs[:n]
		locs = locs[n:]
		d, err := p.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		var added []annotate.Span
		var adds, origins []annotate.Edit
		cuts := map[int]bool{}
	hits:
		for _, h := range group {
			for _, sp := range d.Spans {
				if sp.Layer == layer && sp.Label == label && sp.Start == h.start && sp.End == h.end {
					if sp.Origin == annotate.OriginSuggested {
						origins = append(origins, annotate.SetOrigin{ID: sp.ID, Origin: annotate.OriginManual})
						plan.labelled++
					} else {
						plan.same++
					}
					continue hits
				}
			}
			if forbid {
				for _, sp := range slices.Concat(d.Spans, added) {
					if sp.Layer == layer && sp.Start < h.end && h.start < sp.End {
						plan.overlap++
						continue hits
					}
				}
			}
			sp := annotate.Span{Layer: layer, Label: label, Start: h.start, End: h.end, Origin: annotate.OriginManual}
			added = append(added, sp)
			adds = append(adds, annotate.AddSpan{Span: sp})
			plan.labelled++
			if split {
				for _, at := range []int{h.start, h.end} {
					if i := d.TokenAt(at); i >= 0 && d.Tokens[i].Start < at && at < d.Tokens[i].End {
						cuts[at] = true
					}
				}
			}
		}
		at := slices.Sorted(maps.Keys(cuts))
		for _, c := range at {
			plan.edits = append(plan.edits, annotate.DocEdit{Doc: id, Edit: annotate.Split{At: c}})
		}
		plan.splits += len(at)
		for _, e := range slices.Concat(origins, adds) {
			plan.edits = append(plan.edits, annotate.DocEdit{Doc: id, Edit: e})
		}
	}
	return plan
}

// TestConcordancePlanLabel: the planned edits and counts are those of
// comparing each hit with every span, on random spans (overlapping, in a
// layer that allows it, planned as if it forbade overlaps) and random
// hits.
func TestConcordancePlanLabel(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	s := ws.proj.Schema().Clone()
	s.Layers = append(s.Layers, annotate.Layer{Name: "topic", Overlap: annotate.OverlapAllowed,
		Labels: []annotate.Label{{Name: "A", Color: "#888888"}, {Name: "B", Color: "#448844"}}})
	rng := rand.New(rand.NewPCG(6, 10))
	words := []string{"上海", "的", "学生", "在", "工作", "。", "北京大学", "很", "忙"}
	var docs []*annotate.Document
	for i := range 4 {
		var w, p []string
		for range 30 {
			w = append(w, words[rng.IntN(len(words))])
			p = append(p, "n")
		}
		d := testDoc(fmt.Sprintf("plan%d.txt", i), w, p)
		n := len([]rune(d.Text))
		for range 25 {
			st := rng.IntN(n - 1)
			sp := annotate.Span{Layer: "topic", Label: []string{"A", "B"}[rng.IntN(2)], Start: st, End: min(n, st+1+rng.IntN(4)),
				Origin: []annotate.Origin{annotate.OriginManual, annotate.OriginSuggested}[rng.IntN(2)]}
			d.Spans = append(d.Spans, sp)
		}
		docs = append(docs, d)
	}
	if err := ws.proj.AddDocuments(docs, s); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name          string
		forbid, split bool
	}{
		{"forbidden overlaps, split", true, true},
		{"forbidden overlaps", true, false},
		{"overlaps allowed", false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var sum labelPlan
			for round := range 20 {
				seen := map[hitKey]bool{}
				var locs []hitKey
				for _, d := range docs {
					n := len([]rune(d.Text))
					for range 1 + rng.IntN(30) {
						st := rng.IntN(n - 1)
						h := hitKey{d.ID, st, min(n, st+1+rng.IntN(3))}
						if !seen[h] {
							seen[h] = true
							locs = append(locs, h)
						}
					}
				}
				slices.SortFunc(locs, func(a, b hitKey) int {
					return cmp.Or(cmp.Compare(a.doc, b.doc), cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end))
				})
				got, err := planLabel(context.Background(), ws.proj, locs, "topic", "A", tt.forbid, tt.split, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := planLabelSlow(t, ws.proj, locs, "topic", "A", tt.forbid, tt.split)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("round %d: planLabel = %+v\nwant %+v", round, got, want)
				}
				sum.labelled += got.labelled
				sum.same += got.same
				sum.overlap += got.overlap
				sum.splits += got.splits
			}
			// The random cases met every rule.
			if sum.labelled == 0 || sum.same == 0 || (sum.overlap == 0) == tt.forbid || (sum.splits == 0) == tt.split {
				t.Errorf("counts over the rounds %+v: a rule was never met", sum)
			}
		})
	}
}

// TestConcordanceErrorText: a query's errors are said in the interface's
// language; a regular expression's fault keeps the regexp package's words.
func TestConcordanceErrorText(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Cleanup(func() { useLanguage("en") })
	for _, tt := range []struct {
		language, name string
		q              corpus.Query
		want           []string
	}{
		{"en", "empty", corpus.Query{}, []string{"Nothing to search for"}},
		{"en", "regex", corpus.Query{Regex: "a(b"}, []string{`The regular expression "a(b" does not compile`, "missing closing )"}},
		{"en", "word regex", corpus.Query{WordRegex: "[上"}, []string{`The word regular expression "[上" does not compile`, "missing closing ]"}},
		{"zh-Hans", "empty", corpus.Query{}, []string{"没有可搜索的内容"}},
		{"zh-Hans", "regex", corpus.Query{Regex: "a(b"}, []string{`正则表达式 "a(b" 无法编译`, "missing closing )"}},
		{"zh-Hans", "word regex folded", corpus.Query{WordRegex: "[上", Fold: true}, []string{`词正则表达式 "[上" 无法编译`, "missing closing ]"}},
		{"zh-Hant", "empty", corpus.Query{}, []string{"沒有可搜尋的內容"}},
		{"en", "regex too large", corpus.Query{Regex: strings.Repeat("(焦|作)?", 1000)}, []string{"The regular expression is too large: it compiles to 4,002 instructions, more than the 1,000 a search allows"}},
		{"zh-Hans", "word regex too large", corpus.Query{WordRegex: strings.Repeat("(焦|作)?", 1000)}, []string{"词正则表达式过大", "4,004", "1,000"}},
		{"zh-Hant", "regex too large", corpus.Query{Regex: strings.Repeat("(焦|作)?", 1000), Fold: true}, []string{"正規表示式過大", "4,002", "1,000"}},
	} {
		t.Run(tt.language+"/"+tt.name, func(t *testing.T) {
			if err := useLanguage(tt.language); err != nil {
				t.Fatal(err)
			}
			err := tt.q.Validate()
			if err == nil {
				t.Fatal("the query is valid")
			}
			got := queryErrText(err, tt.q)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("queryErrText = %q, want it to contain %q", got, w)
				}
			}
			if strings.Contains(got, "annotate:") || (tt.language != "en" && strings.Contains(got, "nothing to search")) {
				t.Errorf("queryErrText = %q: the package's English error", got)
			}
		})
	}
	// In the panel: an empty query in Chinese.
	if err := useLanguage("zh-Hans"); err != nil {
		t.Fatal(err)
	}
	f := newWSFixture(t)
	if err := useLanguage("zh-Hans"); err != nil { // newWSFixture chose English
		t.Fatal(err)
	}
	k := f.openKwic()
	f.kwicSearch(k, "", 0)
	if got := k.msg.Text; !k.msg.Visible() || !strings.HasPrefix(got, "没有可搜索的内容") {
		t.Errorf("empty query in zh-Hans: message %q (shown %v)", got, k.msg.Visible())
	}
}

// TestConcordanceDialogsEsc: Esc in the Set POS dialog's entry (which
// keeps keys from the window) cancels it.
func TestConcordanceDialogsEsc(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	k := f.openKwic()
	f.kwicSearch(k, "上海", 2)
	k.toggleAll()
	k.onApplyPOS()
	if ws.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Apply POS… showed no dialog")
	}
	e, ok := ws.win.Canvas().Focused().(*keySelectEntry)
	if !ok {
		t.Fatalf("the keyboard is with %T, want the POS entry", ws.win.Canvas().Focused())
	}
	test.Type(e, "nz")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if ws.win.Canvas().Overlays().Top() != nil {
		t.Error("Esc in the POS entry left the dialog open")
	}
	if got := ws.win.Canvas().Focused(); got != fyne.Focusable(ws.view) {
		t.Errorf("after Esc the keyboard is with %T, want the document", got)
	}
	d, err := ws.proj.Document(f.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if i := d.TokenAt(8); d.Tokens[i].POS != "ns" {
		t.Errorf("Esc applied the POS: %+v", d.Tokens[i])
	}
}
