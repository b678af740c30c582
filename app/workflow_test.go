package app

// The workspace as a linguist uses it all day (issue 18): selection and
// editing, suggestions and learning, words and counts, dialogs and layout.

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/biaozhu/biaozhu/annotate"
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
