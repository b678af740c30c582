package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

// relSearchSample is a small treebank: three sentences, their arcs.
const relSearchSample = "# sent_id = r1\n# text = 他喜欢书。\n" +
	"1\t他\t他\tPRON\tPN\t_\t2\tnsubj\t_\tSpaceAfter=No\n" +
	"2\t喜欢\t喜欢\tVERB\tVV\t_\t0\troot\t_\tSpaceAfter=No\n" +
	"3\t书\t书\tNOUN\tNN\t_\t2\tobj\t_\tSpaceAfter=No\n" +
	"4\t。\t。\tPUNCT\tPU\t_\t2\tpunct\t_\tSpaceAfter=No\n\n" +
	"# sent_id = r2\n# text = 我喜欢她。\n" +
	"1\t我\t我\tPRON\tPN\t_\t2\tnsubj\t_\tSpaceAfter=No\n" +
	"2\t喜欢\t喜欢\tVERB\tVV\t_\t0\troot\t_\tSpaceAfter=No\n" +
	"3\t她\t她\tPRON\tPN\t_\t2\tobj\t_\tSpaceAfter=No\n" +
	"4\t。\t。\tPUNCT\tPU\t_\t2\tpunct\t_\tSpaceAfter=No\n\n" +
	"# sent_id = r3\n# text = 她走了。\n" +
	"1\t她\t她\tPRON\tPN\t_\t2\tnsubj\t_\tSpaceAfter=No\n" +
	"2\t走\t走\tVERB\tVV\t_\t0\troot\t_\tSpaceAfter=No\n" +
	"3\t了\t了\tAUX\tAS\t_\t2\taux\t_\tSpaceAfter=No\n" +
	"4\t。\t。\tPUNCT\tPU\t_\t2\tpunct\t_\tSpaceAfter=No\n\n"

// importTree imports the CoNLL-U file path into ws's project.
func importTree(t *testing.T, ws *workspace, path string) {
	t.Helper()
	if _, err := export.ImportFiles(context.Background(), ws.proj, nil, "conllu", []string{path}, export.ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	ws.refreshSchema()
	ws.refreshDocs()
}

// relRowsLaidOut returns the texts (document, left, match, right) of the
// concordance rows laid out, by row, and the rows.
func relRowsLaidOut(k *kwicPanel) (map[int][4]string, map[int]*kwicRow) {
	texts, rows := map[int][4]string{}, map[int]*kwicRow{}
	for _, o := range test.LaidOutObjects(k.list) {
		if r, ok := o.(*kwicRow); ok && r.Visible() && r.id >= 0 && r.texts[2] != "" {
			texts[r.id], rows[r.id] = r.texts, r
		}
	}
	return texts, rows
}

// relSearch fills the form in mode Relations (typ "layer/type" or "" for
// any) and presses Enter in the source word, then waits for the list (at
// once when k.relInline is set).
func relSearch(t *testing.T, k *kwicPanel, typ, from, to string) {
	t.Helper()
	done := false
	k.onSearched = func() { done = true }
	defer func() { k.onSearched = nil }()
	k.mode.SetSelectedIndex(kwicModeRelations)
	if typ == "" {
		k.relType.SetSelectedIndex(0)
	} else {
		k.relType.SetSelected(typ)
		if k.relType.Selected != typ {
			t.Fatalf("the relation types offered are %q, not %q", k.relType.Options, typ)
		}
	}
	k.relTo.SetText(to)
	k.query.SetText("")
	test.Type(k.query, from)
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitFor(t, fmt.Sprintf("relation search %s %q→%q", typ, from, to), func() bool { return done })
}

// TestConcordanceRelations: in mode Relations the concordance finds a
// treebank's arcs by type and by the words at either end (as `biaozhu
// relations` does), lists them as KWIC lines — context, the two ends in
// text order with the type on an arrow from head to dependent, context —
// and a click opens the relation's document with its source span
// selected; the commands on checked hits say they are not for relations;
// the scope "This document" holds; the text modes work as before after.
func TestConcordanceRelations(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	path := filepath.Join(t.TempDir(), "tree.conllu")
	if err := os.WriteFile(path, []byte(relSearchSample), 0o644); err != nil {
		t.Fatal(err)
	}
	importTree(t, ws, path)
	tree := slices.IndexFunc(ws.docs, func(d annotate.DocumentSummary) bool { return d.Name == "tree" })
	if tree < 0 {
		t.Fatalf("no document tree among %v", ws.docs)
	}
	treeID := ws.docs[tree].ID
	ws.openDocument(0) // another document: a click must open the tree's

	k := f.openKwicSync()
	k.relInline = true
	if k.relRow.Visible() {
		t.Error("the relation row is shown in mode Text")
	}
	const doc = "tree"
	for _, c := range []struct {
		name          string
		typ, from, to string
		want          [][3]string // left, match, right of each row
	}{
		{"by type", "deprel/nsubj", "", "", [][3]string{
			{"", "他 ←nsubj— 喜欢", "书。 我喜欢她。 她走了。"},
			{"他喜欢书。 ", "我 ←nsubj— 喜欢", "她。 她走了。"},
			{"他喜欢书。 我喜欢她。 ", "她 ←nsubj— 走", "了。"},
		}},
		{"by type and head", "deprel/nsubj", "喜欢", "", [][3]string{
			{"", "他 ←nsubj— 喜欢", "书。 我喜欢她。 她走了。"},
			{"他喜欢书。 ", "我 ←nsubj— 喜欢", "她。 她走了。"},
		}},
		{"by dependent, any type", "", "", "她", [][3]string{
			{"他喜欢书。 我", "喜欢 —obj→ 她", "。 她走了。"},
			{"他喜欢书。 我喜欢她。 ", "她 ←nsubj— 走", "了。"},
		}},
		{"both ends, text between", "", "喜欢", "。", [][3]string{
			{"他", "喜欢 —punct→ … 。", " 我喜欢她。 她走了。"},
			{"他喜欢书。 我", "喜欢 —punct→ … 。", " 她走了。"},
		}},
		{"none", "deprel/obj", "走", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			relSearch(t, k, c.typ, c.from, c.to)
			if !k.relRow.Visible() || k.labelRow.Visible() || k.posBox.Visible() || k.sortSel.Visible() || k.cmdBox.Visible() {
				t.Errorf("mode Relations shows relation row %v, label row %v, POS %v, sort %v, commands %v; want the relation row alone",
					k.relRow.Visible(), k.labelRow.Visible(), k.posBox.Visible(), k.sortSel.Visible(), k.cmdBox.Visible())
			}
			if k.msg.Visible() {
				t.Fatalf("error shown: %s", k.msg.Text)
			}
			if got := len(k.rels); got != len(c.want) {
				t.Fatalf("%d relations found, want %d", got, len(c.want))
			}
			wantCount := map[bool]string{true: "1 relation ·", false: "relations ·"}[len(c.want) == 1]
			if !strings.Contains(k.count.Text, wantCount) {
				t.Errorf("count %q, want it to say %q", k.count.Text, wantCount)
			}
			texts, rows := relRowsLaidOut(k)
			for i, w := range c.want {
				got, ok := texts[i]
				if !ok {
					t.Fatalf("row %d is not laid out (rows %v)", i, texts)
				}
				if got != [4]string{doc, w[0], w[1], w[2]} {
					t.Errorf("row %d = %q, want %q", i, got, [4]string{doc, w[0], w[1], w[2]})
				}
				if rows[i].check.Visible() {
					t.Errorf("row %d shows a check box", i)
				}
			}
		})
	}

	// A click on a row: the tree's document, the relation's source span
	// selected.
	relSearch(t, k, "deprel/nsubj", "", "她")
	if len(k.rels) != 1 {
		t.Fatalf("nsubj → 她: %d relations, want 1", len(k.rels))
	}
	h := k.rels[0]
	_, rows := relRowsLaidOut(k)
	test.Tap(rows[0])
	if ws.doc == nil || ws.doc.ID != treeID {
		t.Fatalf("after the click the document open is %v, want tree (%d)", ws.doc, treeID)
	}
	if id, ok := ws.view.SelectedSpan(); !ok || id != h.rel.From {
		t.Errorf("selected span %d (%v), want the relation's source %d", id, ok, h.rel.From)
	}
	if s, e := ws.view.Selection(); s != h.from.Start || e != h.from.End || ws.doc.Slice(s, e) != "走" {
		t.Errorf("selection [%d,%d) %q, want the source span [%d,%d) 走", s, e, ws.doc.Slice(s, e), h.from.Start, h.from.End)
	}
	if k.cur != 0 {
		t.Errorf("current row %d, want 0", k.cur)
	}
	r, ok := ws.doc.Relation(h.rel.ID)
	if !ok || r.Type != "nsubj" || r.To != h.to.ID {
		t.Errorf("document's relation %d = %+v (%v), want nsubj to span %d", h.rel.ID, r, ok, h.to.ID)
	}

	// ↓ in the source word moves through the relations found, each shown
	// in its document; Enter on the same query opens the current one.
	relSearch(t, k, "deprel/nsubj", "", "")
	for want := range 2 {
		k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		if id, _ := ws.view.SelectedSpan(); k.cur != want || id != k.rels[want].rel.From {
			t.Errorf("↓ %d times: row %d, span %d selected; want row %d, span %d", want+1, k.cur, id, want, k.rels[want].rel.From)
		}
	}
	ws.view.SelectSpan(k.rels[0].rel.To)
	k.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if id, _ := ws.view.SelectedSpan(); k.cur != 1 || id != k.rels[1].rel.From {
		t.Errorf("Enter on the query searched: row %d, span %d selected; want row 1 opened again, span %d", k.cur, id, k.rels[1].rel.From)
	}

	// A relation removed since the search, clicked before the list follows
	// the edit: its row says so and the list is searched again, without it.
	k.relRefresh = time.Hour
	gone := k.rels[2]
	ws.apply(annotate.RemoveRelation{ID: gone.rel.ID})
	if _, ok := ws.doc.Relation(gone.rel.ID); ok {
		t.Fatalf("relation %d not removed", gone.rel.ID)
	}
	_, rows = relRowsLaidOut(k)
	again := false
	k.onSearched = func() { again = true }
	test.Tap(rows[2])
	waitFor(t, "the relations searched again", func() bool { return again })
	k.onSearched = nil
	if want := "That relation is no longer there: the relations are searched again"; ws.statusSave.Text != want {
		t.Errorf("a click on a removed relation: status %q, want %q", ws.statusSave.Text, want)
	}
	if len(k.rels) != 2 || slices.ContainsFunc(k.rels, func(h relHit) bool { return h.rel.ID == gone.rel.ID }) {
		t.Errorf("after the click on a removed relation: %d relations listed, want the 2 left", len(k.rels))
	}

	// The list follows the edits a moment after the last one: the current
	// row stays on its relation, the keyboard in the document.
	k.relRefresh = 10 * time.Millisecond
	undoGone := func() { ws.onUndo() }
	k.setCur(1)
	keepID := k.rels[1].rel.ID
	ws.focusView()
	searched := 0
	k.onSearched = func() { searched++ }
	undoGone() // the removed relation comes back, before the current row
	waitFor(t, "the relations searched again after the undo", func() bool { return searched > 0 })
	if len(k.rels) != 3 || !slices.ContainsFunc(k.rels, func(h relHit) bool { return h.rel.ID == gone.rel.ID }) {
		t.Errorf("after undoing the removal: %d relations listed, want 3 with relation %d back", len(k.rels), gone.rel.ID)
	}
	if k.cur < 0 || k.rels[k.cur].rel.ID != keepID {
		t.Errorf("after the list followed the edit: row %d current, want relation %d's", k.cur, keepID)
	}
	if fo := ws.win.Canvas().Focused(); fo != ws.view {
		t.Errorf("after the list followed the edit: %T focused, want the document view", fo)
	}
	searched = 0
	ws.apply(annotate.RemoveRelation{ID: keepID})
	waitFor(t, "the relations searched again after the removal", func() bool { return searched > 0 })
	if len(k.rels) != 2 || slices.ContainsFunc(k.rels, func(h relHit) bool { return h.rel.ID == keepID }) || k.cur != 1 {
		t.Errorf("after removing the current row's relation: %d relations listed, row %d current; want 2 without relation %d, row 1", len(k.rels), k.cur, keepID)
	}
	k.onSearched = nil
	k.relRefresh = 0

	// The relations listed are exported as a table: one row each, the
	// ends' texts at their offsets (code points, end-exclusive).
	for _, name := range []string{"relations.csv", "relations.xlsx"} {
		path := filepath.Join(t.TempDir(), name)
		n, done := 0, false
		k.exportRels(path, export.TableOptions{}, func(got int, err error) {
			if err != nil {
				t.Error(err)
			}
			n, done = got, true
		})
		waitFor(t, "the export of the relations", func() bool { return done })
		if n != len(k.rels) || n == 0 {
			t.Fatalf("%s: %d relations exported, want the %d listed", name, n, len(k.rels))
		}
		if name != "relations.csv" {
			if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		recs := readCSV(t, path)
		if want := []string{"document", "layer", "type", "source", "source_label", "source_start", "source_end",
			"target", "target_label", "target_start", "target_end", "left", "right"}; len(recs) != n+1 || !slices.Equal(recs[0], want) {
			t.Fatalf("%s: %d records, header %q; want %d and %q", name, len(recs), recs[0], n+1, want)
		}
		runes := []rune(ws.doc.Text)
		for i, r := range recs[1:] {
			h := k.rels[i]
			fs, _ := strconv.Atoi(r[5])
			fe, _ := strconv.Atoi(r[6])
			ts, _ := strconv.Atoi(r[9])
			te, _ := strconv.Atoi(r[10])
			if r[0] != doc || r[1] != h.rel.Layer || r[2] != h.rel.Type || string(runes[fs:fe]) != r[3] || string(runes[ts:te]) != r[7] {
				t.Errorf("%s row %d: %q; want document %s, relation %s/%s, the ends' texts at their offsets", name, i+1, r, doc, h.rel.Layer, h.rel.Type)
			}
		}
	}

	// The commands on checked hits are not for relations (their buttons
	// are hidden; called all the same, they say so).
	k.onApplyLabel()
	if want := "Labels and POS tags apply to the hits of a text search, not to relations"; ws.statusSave.Text != want {
		t.Errorf("Apply label on relations: status %q, want %q", ws.statusSave.Text, want)
	}

	// This document: the other document has no relations.
	ws.openDocument(0)
	k.scope.SetSelectedIndex(1)
	relSearch(t, k, "deprel/nsubj", "", "")
	if len(k.rels) != 0 {
		t.Errorf("nsubj in document %q: %d relations, want none", ws.doc.Name, len(k.rels))
	}
	k.scope.SetSelectedIndex(0)

	// Back to a text search: concordance lines with check boxes.
	k.mode.SetSelectedIndex(0)
	k.query.SetText("喜欢")
	searchSync(t, k, k.queryFor(k.form()))
	if k.rels != nil || k.res == nil || k.res.Len() != 2 || k.relRow.Visible() || !k.labelRow.Visible() || !k.cmdBox.Visible() {
		t.Fatalf("text search after relations: rels %v, %v hits, relation row %v, commands %v; want 2 hits, the label row and the commands",
			k.rels != nil, k.res, k.relRow.Visible(), k.cmdBox.Visible())
	}
	_, rows = relRowsLaidOut(k)
	if r := rows[0]; r == nil || !r.check.Visible() || r.texts[2] != "喜欢" {
		t.Errorf("first text hit row %+v: want 喜欢 with its check box", r)
	}
}
