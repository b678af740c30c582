// Tests of the history in the project file: undo and redo across
// reopening, the limit, span IDs, and the token blocks a step rewrites.

package annotate

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// htNewProject creates a project with htSchema in a temporary directory.
func htNewProject(t *testing.T) (*Project, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ht.biaozhu")
	p, err := Create(path, htSchema(), Options{Synchronous: "NORMAL", Annotator: "lin"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, path
}

// htReopen closes p and opens path again.
func htReopen(t *testing.T, p *Project, path string) *Project {
	t.Helper()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	q, err := Open(path, Options{NoBackup: true, Synchronous: "NORMAL", Annotator: "lin"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// TestHistoryProjectReopen makes random edits, undos and redos through a
// Project, comparing it with the model after each step, and closes and
// opens the project in between: the document, its history and what undo
// and redo do must survive.
func TestHistoryProjectReopen(t *testing.T) {
	seeds := uint64(6)
	if raceEnabled {
		seeds = 2
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			p, path := htNewProject(t)
			other := etDoc() // a second document, whose spans take IDs too
			other.Spans = other.Spans[:2]
			if err := p.AddDocument(other); err != nil {
				t.Fatal(err)
			}
			doc := htSmallDoc()
			if err := p.AddDocument(doc); err != nil {
				t.Fatal(err)
			}
			schema := p.Schema()
			tg := htProject{p, doc.ID}
			// Schema changes too: those that would take a label from
			// the other document's spans are refused.
			g := &htGen{r: htRand(2000 + seed), schema: schema, schemaSteps: true}
			m := htNewSchemaModel(tg.doc(), schema, 0)
			if m.top().Status != StatusNew || len(m.top().Spans) != 3 {
				t.Fatalf("stored document: status %q, %d spans", m.top().Status, len(m.top().Spans))
			}
			for round := range 3 {
				if err := m.run(g, tg, 40, 4); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				p = htReopen(t, p, path)
				tg = htProject{p, doc.ID}
				if err := m.check(tg, schema); err != nil {
					t.Fatalf("round %d, after reopening: %v", round, err)
				}
				// Undo and redo right after opening.
				for _, op := range []func(htTarget) error{m.undo, m.undo, m.redo, m.undo, m.redo, m.redo} {
					if err := op(tg); err != nil {
						t.Fatalf("round %d, after reopening: %v", round, err)
					}
					if err := m.check(tg, schema); err != nil {
						t.Fatalf("round %d, after reopening and undo/redo: %v", round, err)
					}
				}
				// Leave something to redo across the next reopen.
				if err := m.undo(tg); err != nil {
					t.Fatal(err)
				}
			}
			if m.schemaChanges < 2 {
				t.Errorf("only %d schema changes applied", m.schemaChanges)
			}
			if err := m.undoRedoAll(tg, schema); err != nil {
				t.Fatal(err)
			}
			p = htReopen(t, p, path)
			tg = htProject{p, doc.ID}
			if err := m.check(tg, schema); err != nil {
				t.Fatalf("after redoing all and reopening: %v", err)
			}
			for len(m.done) > 1 {
				if err := m.undo(tg); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.check(tg, schema); err != nil {
				t.Fatalf("after undoing all: %v", err)
			}
			p = htReopen(t, p, path)
			tg = htProject{p, doc.ID}
			if err := m.check(tg, schema); err != nil {
				t.Fatalf("after undoing all and reopening: %v", err)
			}
			// The other document is untouched.
			got, err := p.Document(other.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := etCheck(got, p.Schema()); err != nil || len(got.Spans) != 2 || got.Status != StatusNew {
				t.Errorf("other document: %v, %d spans, status %q", err, len(got.Spans), got.Status)
			}
		})
	}
}

// TestHistoryProjectLimit checks that the project keeps a bounded history
// in the file and that what is kept still undoes after reopening.
func TestHistoryProjectLimit(t *testing.T) {
	p, path := htNewProject(t)
	doc := htSmallDoc()
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	const limit = 5
	p.historyMax = limit // before the document is loaded
	schema := p.Schema()
	tg := htProject{p, doc.ID}
	g := &htGen{r: htRand(77), schema: schema}
	m := htNewModel(tg.doc(), limit)
	for m.steps < 3*limit {
		if err := m.run(g, tg, 1, 0); err != nil {
			t.Fatal(err)
		}
	}
	var rows int
	if err := p.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM history WHERE doc_id = ?", doc.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != limit {
		t.Errorf("%d history rows in the file, want %d", rows, limit)
	}
	p = htReopen(t, p, path)
	tg = htProject{p, doc.ID}
	if h := tg.history(); len(h.Done) != limit || len(h.Done) > DefaultHistoryLimit {
		t.Errorf("after reopening: %d steps, want %d", len(h.Done), limit)
	}
	if err := m.check(tg, schema); err != nil {
		t.Fatal(err)
	}
	if err := m.undoRedoAll(tg, schema); err != nil {
		t.Fatal(err)
	}
}

// TestHistoryProjectSpanIDs checks that span IDs stay unique in a project
// when undo or redo after reopening brings back a span whose ID was the
// largest.
func TestHistoryProjectSpanIDs(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, p *Project, a int64) // before the reopen
		after func(t *testing.T, p *Project, a int64) // after: brings the span back
	}{
		{"redo of an added span",
			func(t *testing.T, p *Project, a int64) {
				htMust(t)(p.Apply(a, AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}}))
				htMust(t)(p.Undo(a))
			},
			func(t *testing.T, p *Project, a int64) { htMust(t)(p.Redo(a)) }},
		{"undo of a removed span",
			func(t *testing.T, p *Project, a int64) {
				htMust(t)(p.Apply(a, AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}}))
				d, _ := p.Document(a)
				htMust(t)(p.Apply(a, RemoveSpan{ID: d.Spans[len(d.Spans)-1].ID}))
			},
			func(t *testing.T, p *Project, a int64) { htMust(t)(p.Undo(a)) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, path := htNewProject(t)
			a, b := etDoc(), etDoc()
			a.Spans, b.Spans = a.Spans[:1], nil
			for _, d := range []*Document{a, b} {
				if err := p.AddDocument(d); err != nil {
					t.Fatal(err)
				}
			}
			c.setup(t, p, a.ID)
			p = htReopen(t, p, path)
			c.after(t, p, a.ID)
			// A new span in each document, b first.
			htMust(t)(p.Apply(b.ID, AddSpan{Span{Layer: "entity", Label: "ORG", Start: 29, End: 31}}))
			htMust(t)(p.Apply(a.ID, AddSpan{Span{Layer: "entity", Label: "ORG", Start: 29, End: 31}}))
			want := map[int64][]Span{}
			seen := map[int64]int64{}
			for _, id := range []int64{a.ID, b.ID} {
				d, err := p.Document(id)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range d.Spans {
					if other, ok := seen[s.ID]; ok {
						t.Errorf("span ID %d is in document %d and in document %d", s.ID, other, id)
					}
					seen[s.ID] = id
				}
				if err := etCheck(d, p.Schema()); err != nil {
					t.Errorf("document %d: %v", id, err)
				}
				want[id] = etNil(d.Spans)
			}
			p = htReopen(t, p, path)
			for _, id := range []int64{a.ID, b.ID} {
				d, err := p.Document(id)
				if err != nil {
					t.Fatal(err)
				}
				if got := etNil(d.Spans); fmt.Sprint(got) != fmt.Sprint(want[id]) {
					t.Errorf("document %d after reopening: spans %v, want %v", id, got, want[id])
				}
			}
		})
	}
}

// htMust returns a function that fails t on an error.
func htMust(t *testing.T) func(*Entry, error) {
	return func(_ *Entry, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// htBigDoc is a document of n tokens of four characters (one in eleven a
// full stop ending the sentence), so that each can be split twice.
func htBigDoc(n int) *Document {
	words := []string{"人民政府", "经济发展", "焦作市区", "河南省会", "太行山脉", "文化旅游", "黄河流域", "𠀀𠀁𠀂𠀃", "科技创新", "城乡😀设"}
	var sents [][]string
	var s []string
	for k := range n {
		if k%11 == 10 {
			s = append(s, "。")
			sents = append(sents, s)
			s = nil
			continue
		}
		s = append(s, words[k%len(words)])
	}
	if len(s) > 0 {
		sents = append(sents, s)
	}
	d := etBuild("big.txt", sents...)
	return d
}

// htOneSentence reports whether [start, end) lies in one sentence of d.
func htOneSentence(d *Document, start, end int) bool {
	for _, s := range d.Sentences {
		if s.Start <= start && end <= s.End {
			return true
		}
	}
	return false
}

// htBlocks checks the token blocks of document id in the file against
// the tokens in memory: they tile the token layer in order, each starts
// at its first token's start, holds 1 to 2*tokenBlockSize tokens, and the
// project's block index agrees. It returns the blocks' sizes.
func htBlocks(t *testing.T, p *Project, id int64) []int {
	t.Helper()
	d, err := p.Document(id)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := p.conn.QueryContext(context.Background(), "SELECT start, count, data FROM token_blocks WHERE doc_id = ? ORDER BY start", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sizes, starts []int
	var toks []text.Token
	for rows.Next() {
		var start, count int
		var data []byte
		if err := rows.Scan(&start, &count, &data); err != nil {
			t.Fatal(err)
		}
		k := len(toks)
		if toks, err = decodeTokens(toks, start, data); err != nil {
			t.Fatalf("block at %d: %v", start, err)
		}
		switch {
		case len(toks)-k != count:
			t.Errorf("block at %d says %d tokens, holds %d", start, count, len(toks)-k)
		case count < 1 || count > 2*tokenBlockSize:
			t.Errorf("block at %d holds %d tokens", start, count)
		case toks[k].Start != start:
			t.Errorf("block at %d starts with a token at %d", start, toks[k].Start)
		}
		sizes, starts = append(sizes, count), append(starts, start)
	}
	if len(toks) != len(d.Tokens) {
		t.Fatalf("the blocks hold %d tokens, memory %d", len(toks), len(d.Tokens))
	}
	for i := range toks {
		want := d.Tokens[i]
		want.Text = ""
		if toks[i] != want {
			t.Fatalf("token %d in the file is %+v, in memory %+v", i, toks[i], d.Tokens[i])
		}
	}
	if got := p.docs[id].blocks; fmt.Sprint(got) != fmt.Sprint(starts) {
		t.Errorf("block index %v, file %v", got, starts)
	}
	return sizes
}

// TestHistoryTokenBlocks edits a document of more than 3000 tokens, stored
// in blocks of tokenBlockSize: merges and splits across block boundaries,
// a block grown past twice its size by many splits, random edits near the
// boundaries; the blocks must match memory after every step and the
// document after reopening.
func TestHistoryTokenBlocks(t *testing.T) {
	p, path := htNewProject(t)
	doc := htBigDoc(3300)
	doc.Spans = []Span{
		{Layer: "entity", Label: "ORG", Start: doc.Tokens[1030].Start, End: doc.Tokens[1031].End},
		{Layer: "note", Label: "B", Start: doc.Tokens[2060].Start + 1, End: doc.Tokens[2063].End},
	}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	id := doc.ID
	schema := p.Schema()
	tg := htProject{p, id}
	m := htNewModel(tg.doc(), 0)
	if got := htBlocks(t, p, id); fmt.Sprint(got) != "[1024 1024 1024 228]" {
		t.Fatalf("blocks %v, want 1024 1024 1024 228", got)
	}
	step := func(e Edit) {
		t.Helper()
		before := m.steps
		if err := m.apply(tg, e); err != nil {
			t.Fatal(err)
		}
		if m.steps == before {
			t.Fatalf("%s was refused", e.Describe())
		}
		if err := m.check(tg, schema); err != nil {
			t.Fatalf("%s: %v", e.Describe(), err)
		}
		htBlocks(t, p, id)
	}
	d := tg.doc()
	// Grow the first block by splits, in two steps: past twice its size
	// it must be cut.
	grow := func(n int) {
		t.Helper()
		b := Batch{Name: fmt.Sprintf("%d splits", n)}
		first := htBlocks(t, p, id)[0]
		for i := 0; len(b.Edits) < n; i++ {
			if i == first {
				t.Fatalf("only %d tokens of the first block can be split", len(b.Edits))
			}
			if tok := d.Tokens[i]; tok.End-tok.Start >= 2 {
				b.Edits = append(b.Edits, Split{At: tok.Start + 1})
			}
		}
		step(b)
	}
	grow(500)
	if got := htBlocks(t, p, id); fmt.Sprint(got) != "[1524 1024 1024 228]" {
		t.Errorf("after 500 splits in the first block: blocks %v, want 1524 1024 1024 228", got)
	}
	grow(600)
	if got := htBlocks(t, p, id); fmt.Sprint(got) != "[1024 1024 76 1024 1024 228]" {
		t.Errorf("after 1100 splits in the first block: blocks %v, want it cut: 1024 1024 76 1024 1024 228", got)
	}
	// Merge across each block boundary, then split back at it.
	for _, b := range append([]int(nil), p.docs[id].blocks[1:]...) {
		i := d.TokenAt(b)
		if start, end := d.Tokens[i-1].Start, d.Tokens[i].End; htOneSentence(d, start, end) {
			step(Merge{Start: start, End: end})
			step(Split{At: b})
		}
	}
	// Split the first token of each block, and the last of each.
	for _, b := range append([]int(nil), p.docs[id].blocks...) {
		i := d.TokenAt(b)
		if d.Tokens[i].End-b >= 2 {
			step(Split{At: b + 1})
		}
		if i > 0 && d.Tokens[i-1].End-d.Tokens[i-1].Start >= 2 {
			step(Split{At: d.Tokens[i-1].End - 1})
		}
	}
	// Merge three tokens across each block boundary (where they lie in
	// one sentence) and leave them merged.
	merged := 0
	for _, b := range append([]int(nil), p.docs[id].blocks[1:]...) {
		i := d.TokenAt(b)
		if start, end := d.Tokens[i-1].Start, d.Tokens[i+1].End; htOneSentence(d, start, end) {
			step(Merge{Start: start, End: end})
			merged++
		}
	}
	if merged == 0 {
		t.Error("no block boundary inside a sentence")
	}
	// Random edits, half of them near block boundaries.
	g := &htGen{r: htRand(99), schema: schema, hot: func() []int { return p.docs[id].blocks }}
	steps := 150
	if raceEnabled {
		steps = 40
	}
	for k := range steps {
		if err := m.run(g, tg, 1, 3); err != nil {
			t.Fatalf("random step %d: %v", k, err)
		}
		htBlocks(t, p, id)
	}
	final := m.top() // the state once every step is redone
	if len(m.undone) > 0 {
		final = m.undone[0]
	}
	p = htReopen(t, p, path)
	tg = htProject{p, id}
	if err := m.check(tg, schema); err != nil {
		t.Fatalf("after reopening: %v", err)
	}
	htBlocks(t, p, id)
	for len(m.done) > 1 {
		if err := m.undo(tg); err != nil {
			t.Fatal(err)
		}
		if len(m.done)%16 == 0 {
			if err := m.check(tg, schema); err != nil {
				t.Fatalf("undoing all, %d left: %v", len(m.done)-1, err)
			}
			htBlocks(t, p, id)
		}
	}
	if err := m.check(tg, schema); err != nil {
		t.Fatalf("after undoing all: %v", err)
	}
	if got := htBlocks(t, p, id); len(got) < 4 {
		t.Errorf("blocks %v after undoing all", got)
	}
	p = htReopen(t, p, path)
	tg = htProject{p, id}
	if err := m.check(tg, schema); err != nil {
		t.Fatalf("after undoing all and reopening: %v", err)
	}
	for len(m.undone) > 0 {
		if err := m.redo(tg); err != nil {
			t.Fatal(err)
		}
		if err := m.check(tg, schema); err != nil {
			h := tg.history()
			t.Fatalf("redoing all after reopening, %d left: %v (redone %q)", len(m.undone), err, h.Done[len(h.Done)-1].Name)
		}
	}
	if diff := etDiff(etStateOf(tg.doc()), final); diff != "" {
		t.Fatalf("after redoing all: %s", diff)
	}
	htBlocks(t, p, id)
	p = htReopen(t, p, path)
	tg = htProject{p, id}
	if err := m.check(tg, schema); err != nil {
		t.Fatalf("after redoing all and reopening: %v", err)
	}
	htBlocks(t, p, id)
}
