package app

import (
	"reflect"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
)

// wait runs start (which calls back with the outcome of long work) and
// waits for the outcome.
func wait(t *testing.T, what string, start func(then func(error))) error {
	t.Helper()
	done := make(chan error, 1)
	start(func(err error) { done <- err })
	return recv(t, what, done)
}

// docsSnapshot copies the spans, rejected places and tokens of every
// document, as the project file holds them.
func (f *wsFixture) docsSnapshot() map[int64][3]any {
	f.t.Helper()
	out := map[int64][3]any{}
	for _, id := range f.ids {
		d := f.stored(id)
		out[id] = [3]any{d.Spans, d.Rejected, tokenTexts(d)}
	}
	return out
}

func (f *wsFixture) sameAs(when string, want map[int64][3]any) {
	f.t.Helper()
	got := f.docsSnapshot()
	for _, id := range f.ids {
		if !reflect.DeepEqual(got[id], want[id]) {
			f.t.Errorf("%s: document %d = %v, want %v", when, id, got[id], want[id])
		}
	}
}

func TestWorkspaceSuggestions(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.openDocument(1) // 张三 去 广州 出差 。 with PER 张三 and LOC 广州 suggested
	start := f.docsSnapshot()

	// Backspace on a suggestion rejects it: gone, and remembered.
	ws.view.Select(0, 2)
	ws.onReject()
	if d := f.stored(f.ids[1]); len(d.Spans) != 1 || len(d.Rejected) != 1 || d.Rejected[0].Label != "PER" {
		t.Fatalf("after Backspace on PER 张三: spans %v, rejected %v", d.Spans, d.Rejected)
	}
	rejected := f.docsSnapshot()

	// Suggest from POS over all documents: 北京 and 上海 (ns) in the first
	// document; 张三 stays rejected and 广州 is already suggested.
	cfg := suggestConfig{opts: corpus.SuggestOptions{Layer: "entity", POS: true}, scope: scopeAll}
	if err := wait(t, "suggest", func(then func(error)) { ws.runSuggest(cfg, then) }); err != nil {
		t.Fatal(err)
	}
	d1 := f.stored(f.ids[0])
	if got := spanSet(d1.Spans); len(got) != 2 || got[[2]int{0, 2}] != "LOC/suggested" || got[[2]int{8, 10}] != "LOC/suggested" {
		t.Errorf("document 1 after Suggest = %v, want LOC 北京 and 上海 suggested", got)
	}
	if got := spanSet(f.stored(f.ids[1]).Spans); len(got) != 1 {
		t.Errorf("document 2 after Suggest = %v, want only LOC 广州 (张三 was rejected)", got)
	}
	// One Undo takes the whole suggestion step back, in both documents.
	ws.onUndo()
	f.sameAs("after Undo of Suggest", rejected)
	ws.onRedo()
	if got := spanSet(f.stored(f.ids[0]).Spans); len(got) != 2 {
		t.Errorf("after Redo: document 1 spans %v, want the 2 suggestions back", got)
	}
	ws.onUndo()

	// Accept all in this document, then undo; reject all, then undo.
	ws.openDocument(1)
	ws.onAcceptAll()
	if got := spanSet(f.stored(f.ids[1]).Spans); got[[2]int{3, 5}] != "LOC/manual" {
		t.Errorf("after Accept all: %v, want LOC 广州 manual", got)
	}
	ws.onUndo()
	f.sameAs("after Undo of Accept all", rejected)
	ws.onRejectAll()
	if d := f.stored(f.ids[1]); len(d.Spans) != 0 || len(d.Rejected) != 2 {
		t.Errorf("after Reject all: spans %v, rejected %v; want none and 2", d.Spans, d.Rejected)
	}
	ws.onUndo()
	f.sameAs("after Undo of Reject all", rejected)
	// And the first Backspace.
	ws.onUndo()
	f.sameAs("after the last Undo", start)
}

func TestWorkspaceLabelAll(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	d3 := testDoc("三.txt", []string{"上海", "和", "上海", "人", "。", "大上海", "。"}, []string{"ns", "c", "ns", "n", "x", "ns", "x"})
	if err := ws.proj.AddDocument(d3); err != nil {
		t.Fatal(err)
	}
	f.ids = append(f.ids, d3.ID)
	ws.refreshDocs()
	ws.openDocument(0)
	before := f.docsSnapshot()
	ws.view.Select(8, 10) // 上海
	f.typeRunes("2")      // LOC
	if !ws.labelAll("上海", "entity", "LOC", scopeAll, false) {
		t.Fatalf("label all refused: %v", ws.lastErr)
	}
	if got := spanSet(f.stored(d3.ID).Spans); len(got) != 2 || got[[2]int{0, 2}] != "LOC/manual" || got[[2]int{3, 5}] != "LOC/manual" {
		t.Errorf("document 3 after label all = %v, want LOC over both token 上海 (not inside 大上海)", got)
	}
	ws.onUndo()
	if got := spanSet(f.stored(d3.ID).Spans); len(got) != 0 {
		t.Errorf("document 3 after Undo = %v, want no span", got)
	}
	if got := spanSet(f.stored(f.ids[0]).Spans); got[[2]int{8, 10}] != "LOC/manual" {
		t.Errorf("document 1 after Undo of label all = %v, want its own LOC 上海 kept", got)
	}
	ws.onUndo() // the LOC typed
	f.sameAs("after both undos", before)
}

func TestWorkspaceResegment(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.loadSegmenter()
	d3 := testDoc("三.txt", []string{"北京", "大学", "的", "老师", "。"}, []string{"ns", "n", "uj", "n", "x"})
	if err := ws.proj.AddDocument(d3); err != nil {
		t.Fatal(err)
	}
	f.ids = append(f.ids, d3.ID)
	ws.refreshDocs()
	ws.openDocument(0)
	ws.view.Select(0, 4) // 北京 大学
	f.typeRunes("=")
	if got := tokenTexts(ws.doc)[0]; got != "北京大学" {
		t.Fatalf("after =: first token %q, want 北京大学", got)
	}
	before := f.docsSnapshot()
	err := wait(t, "re-segment", func(then func(error)) { ws.runResegment([]int64{d3.ID}, then) })
	if err != nil {
		t.Fatal(err)
	}
	if got := tokenTexts(f.stored(d3.ID)); len(got) == 0 || got[0] != "北京大学" {
		t.Errorf("document 3 after re-segmenting: %v, want 北京大学 learnt from the merge", got)
	}
	if got := tokenTexts(f.stored(f.ids[0])); got[0] != "北京大学" {
		t.Errorf("document 1 after re-segmenting: %v, its edited token must stay", got)
	}
	ws.onUndo()
	f.sameAs("after Undo of the re-segmentation", before)
}

// TestWorkspaceUndoCorpusAfterEdit: a corpus step stays one step for Undo
// and Redo after other edits came and went.
func TestWorkspaceUndoCorpusAfterEdit(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	d3 := testDoc("三.txt", []string{"上海", "和", "上海", "。"}, []string{"ns", "c", "ns", "x"})
	if err := ws.proj.AddDocument(d3); err != nil {
		t.Fatal(err)
	}
	f.ids = append(f.ids, d3.ID)
	ws.refreshDocs()
	ws.openDocument(0)
	before := f.docsSnapshot()
	if !ws.labelAll("上海", "entity", "LOC", scopeAll, false) {
		t.Fatalf("label all refused: %v", ws.lastErr)
	}
	after := f.docsSnapshot()
	f.menu(sc(fyne.KeyD, fyne.KeyModifierShortcutDefault)) // mark done: an edit of the open document
	ws.onUndo()                                            // the status
	ws.onUndo()                                            // all of label all, in both documents
	f.sameAs("after undoing the status, then label all", before)
	ws.onRedo()
	f.sameAs("after Redo", after)
	// Undo, an undo of an older step elsewhere... then Redo from a document
	// holding a part still redoes the whole step.
	ws.onUndo()
	ws.openDocument(2)
	ws.corpusStep, ws.corpusUndone = nil, nil // as after other work
	ws.onRedo()
	f.sameAs("after Redo from the other document", after)
}

// TestWorkspaceBigCorpusStep: a big step runs behind a progress dialog,
// and its undo too.
func TestWorkspaceBigCorpusStep(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	saved := bigCorpusStep
	bigCorpusStep = 0
	t.Cleanup(func() { bigCorpusStep = saved })
	before := f.docsSnapshot()
	edits := []annotate.DocEdit{
		{Doc: f.ids[0], Edit: annotate.AddSpan{Span: annotate.Span{Layer: "entity", Label: "LOC", Start: 0, End: 2}}},
		{Doc: f.ids[1], Edit: annotate.RemoveSpan{ID: f.stored(f.ids[1]).Spans[0].ID}},
	}
	err := wait(t, "a big step", func(then func(error)) {
		ws.applyCorpusThen("big", edits, func(ok bool) {
			if !ok {
				then(ws.lastErr)
				return
			}
			then(nil)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the long work to end", func() bool { return ws.job == nil })
	if ws.doc == nil || ws.doc.ID != f.ids[0] || !reflect.DeepEqual(spanSet(ws.doc.Spans), map[[2]int]string{{0, 2}: "LOC/manual"}) {
		t.Fatalf("open document after the step: %v", ws.doc)
	}
	ws.onUndo()
	waitFor(t, "the undo", func() bool { return ws.corpusUndone != nil }) // set last
	f.sameAs("after undoing a big step", before)
}
