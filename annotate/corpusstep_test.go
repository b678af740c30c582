package annotate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// reopen closes p and opens its file again.
func reopen(t *testing.T, p *Project, path string) *Project {
	t.Helper()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	q, err := Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func TestRejectRemembered(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	if err := p.SetSchema(DefaultSchema()); err != nil {
		t.Fatal(err)
	}
	doc := goldDocument(t, 30)
	doc.Spans = []Span{
		{Layer: "entity", Label: "PER", Start: 0, End: 2, Origin: OriginSuggested},
		{Layer: "entity", Label: "ORG", Start: 4, End: 6, Origin: OriginManual},
	}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	id := doc.ID
	d, _ := p.Document(id)
	sugg, manual := d.Spans[0], d.Spans[1]
	if _, err := p.Apply(id, Reject{ID: manual.ID}); !errors.Is(err, ErrOrigin) {
		t.Errorf("Reject of a manual span: err = %v, want ErrOrigin", err)
	}
	if _, err := p.Apply(id, Reject{ID: sugg.ID}); err != nil {
		t.Fatal(err)
	}
	place := Span{Layer: "entity", Label: "PER", Start: 0, End: 2}
	p = reopen(t, p, path)
	d, _ = p.Document(id)
	if len(d.Spans) != 1 || !slices.Equal(d.Rejected, []Span{place}) || !d.IsRejected(place) {
		t.Fatalf("after Reject and reopen: spans %v, rejected %v; want 1 span and %v", d.Spans, d.Rejected, place)
	}
	if _, err := p.Undo(id); err != nil {
		t.Fatal(err)
	}
	p = reopen(t, p, path)
	d, _ = p.Document(id)
	if len(d.Spans) != 2 || d.Spans[0] != sugg || len(d.Rejected) != 0 {
		t.Fatalf("after Undo and reopen: spans %v, rejected %v; want %v back and none rejected", d.Spans, d.Rejected, sugg)
	}
	if _, err := p.Redo(id); err != nil {
		t.Fatal(err)
	}
	p = reopen(t, p, path)
	if d, _ = p.Document(id); !slices.Equal(d.Rejected, []Span{place}) {
		t.Errorf("after Redo and reopen: rejected %v, want %v", d.Rejected, place)
	}
}

func TestLabelPOSStored(t *testing.T) {
	if l, _ := DefaultSchema().Layers[0].Label("PER"); !slices.Equal(l.POS, []string{"nr"}) {
		t.Errorf("default PER POS = %v, want [nr]", l.POS)
	}
	p, path := newTestProject(t, Options{NoBackup: true})
	s := DefaultSchema()
	s.Layers[0].Labels[1].POS = []string{"ns", "nsf"}
	s.Layers[0].Labels[0].POS = nil
	if err := p.SetSchema(s); err != nil {
		t.Fatal(err)
	}
	p = reopen(t, p, path)
	got := p.Schema()
	if !slices.Equal(got.Layers[0].Labels[1].POS, []string{"ns", "nsf"}) || got.Layers[0].Labels[0].POS != nil {
		t.Errorf("POS after reopen: %v / %v, want [ns nsf] / nil", got.Layers[0].Labels[1].POS, got.Layers[0].Labels[0].POS)
	}
}

// TestOpenMigratesVersion1 takes a file of format 1 (no rejections, no POS
// lists on labels) forward.
func TestOpenMigratesVersion1(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	if err := p.SetSchema(DefaultSchema()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.conn.ExecContext(t.Context(), undoFormat8+undoFormat7+undoFormat6+undoFormat5+"DROP TABLE rejections; ALTER TABLE labels DROP COLUMN pos; ALTER TABLE documents DROP COLUMN tokens_from; ALTER TABLE documents DROP COLUMN suggested; PRAGMA user_version=1"); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := Open(path, Options{}) // with backups
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	var old string
	for _, b := range p.Backups() {
		if strings.Contains(filepath.Base(b), "-format1-") {
			old = b
		}
	}
	if old == "" {
		t.Fatalf("backups %v: none of format 1 made before migrating", p.Backups())
	}
	db, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != 1 {
		t.Errorf("user_version of %s = %d (%v), want 1", old, version, err)
	}
	db.Close()
	if l, _ := p.Schema().Layers[0].Label("PER"); l.POS != nil {
		t.Errorf("POS of a migrated label = %v, want none", l.POS)
	}
	doc := goldDocument(t, 10)
	doc.Spans = []Span{{Layer: "entity", Label: "PER", Start: 0, End: 1, Origin: OriginSuggested}}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(doc.ID, Reject{ID: doc.Spans[0].ID}); err != nil {
		t.Errorf("Reject in a migrated file: %v", err)
	}
}

// corpusProject is a project of n gold documents with the default schema.
func corpusProject(t *testing.T, n int) (*Project, string, []int64) {
	t.Helper()
	p, path := newTestProject(t, Options{NoBackup: true})
	if err := p.SetSchema(DefaultSchema()); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range n {
		doc := goldDocument(t, 40+i)
		if err := p.AddDocument(doc); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, doc.ID)
	}
	return p, path, ids
}

func snapshotDocs(t *testing.T, p *Project, ids []int64) []*Document {
	var out []*Document
	for _, id := range ids {
		out = append(out, cloneDoc(t, p, id))
	}
	return out
}

func sameDocs(t *testing.T, when string, p *Project, ids []int64, want []*Document) {
	t.Helper()
	for i, id := range ids {
		got := cloneDoc(t, p, id)
		if diff := docDiff(want[i], got); diff != "" {
			t.Errorf("%s: document %d: %s", when, id, diff)
		}
		if got.Status != want[i].Status {
			t.Errorf("%s: document %d: status %q, want %q", when, id, got.Status, want[i].Status)
		}
	}
}

func TestApplyCorpus(t *testing.T) {
	p, path, ids := corpusProject(t, 3)
	before := snapshotDocs(t, p, ids)
	edits := []DocEdit{
		{ids[0], AddSpan{Span{Layer: "entity", Label: "PER", Start: 0, End: 2}}},
		{ids[2], AddSpan{Span{Layer: "entity", Label: "ORG", Start: 3, End: 5}}},
		{ids[0], AddSpan{Span{Layer: "entity", Label: "LOC", Start: 5, End: 7}}},
	}
	step, err := p.ApplyCorpus("label all", edits)
	if err != nil {
		t.Fatal(err)
	}
	if got := step.Docs(); !slices.Equal(got, []int64{ids[0], ids[2]}) || step.Changes() != 5 {
		t.Errorf("step docs %v with %d changes, want %v with 5 (3 spans, 2 status)", got, step.Changes(), []int64{ids[0], ids[2]})
	}
	after := snapshotDocs(t, p, ids)
	if len(after[0].Spans) != 2 || len(after[2].Spans) != 1 {
		t.Fatalf("spans after the step: %d, %d; want 2, 1", len(after[0].Spans), len(after[2].Spans))
	}
	if err := p.UndoCorpus(step); err != nil {
		t.Fatal(err)
	}
	sameDocs(t, "after UndoCorpus", p, ids, before)
	p = reopen(t, p, path)
	sameDocs(t, "after UndoCorpus and reopen", p, ids, before)
	if err := p.RedoCorpus(step); err != nil {
		t.Fatal(err)
	}
	sameDocs(t, "after RedoCorpus", p, ids, after)
	p = reopen(t, p, path)
	sameDocs(t, "after RedoCorpus and reopen", p, ids, after)

	t.Run("edited since", func(t *testing.T) {
		if _, err := p.Apply(ids[2], SetStatus{StatusDone}); err != nil {
			t.Fatal(err)
		}
		err := p.UndoCorpus(step)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprint("document ", ids[2])) {
			t.Fatalf("UndoCorpus after a later edit: %v, want a refusal naming document %d", err, ids[2])
		}
		sameDocs(t, "after a refused UndoCorpus", p, ids[:2], after[:2])
	})

	t.Run("all or none", func(t *testing.T) {
		now := snapshotDocs(t, p, ids)
		bad := []DocEdit{
			{ids[1], AddSpan{Span{Layer: "entity", Label: "PER", Start: 0, End: 2}}},
			{ids[0], AddSpan{Span{Layer: "entity", Label: "ORG", Start: 1, End: 3}}}, // overlaps PER [0,2)
		}
		_, err := p.ApplyCorpus("label all", bad)
		if !errors.Is(err, ErrOverlap) || !strings.Contains(err.Error(), fmt.Sprint("document ", ids[0])) {
			t.Fatalf("ApplyCorpus with an overlap: %v, want ErrOverlap naming document %d", err, ids[0])
		}
		sameDocs(t, "after a refused step", p, ids, now)
		p2 := reopen(t, p, path)
		sameDocs(t, "after a refused step and reopen", p2, ids, now)
	})
}

func TestRetokenize(t *testing.T) {
	d := goldDocument(t, 12)
	ed := &Editor{Doc: d, Schema: DefaultSchema()}
	t0, t1 := d.Tokens[0], d.Tokens[1]
	for _, e := range []Retokenize{
		{Start: t0.Start + 1, End: t1.End, Tokens: nil},
		{Start: t0.Start, End: t1.End, Tokens: []text.Token{{Start: t0.Start, End: t0.End, POS: "n"}}}, // leaves t1 uncovered
		{Start: t0.Start, End: t1.End, Tokens: []text.Token{{Start: t1.Start, End: t1.End, POS: "n"}, {Start: t0.Start, End: t0.End, POS: "n"}}},
	} {
		if _, err := ed.Apply(e); !errors.Is(err, ErrToken) {
			t.Errorf("%+v: err = %v, want ErrToken", e, err)
		}
	}
	// The first sentence's last token and the next sentence's first.
	s0 := d.Sentences[0]
	last, next := d.Tokens[d.TokenAt(s0.End-1)], d.Tokens[d.TokenAt(d.Sentences[1].Start)]
	for _, c := range []struct {
		name string
		e    Retokenize
		want error
	}{
		{"across sentences", Retokenize{Start: last.Start, End: next.End, Tokens: []text.Token{{Start: last.Start, End: next.End, POS: "n"}}}, ErrToken},
		{"a space at the end", Retokenize{Start: last.Start, End: next.End, Tokens: []text.Token{{Start: last.Start, End: last.End + 1, POS: "n"}, {Start: next.Start, End: next.End, POS: "n"}}}, ErrToken},
		{"no POS", Retokenize{Start: t0.Start, End: t1.End, Tokens: []text.Token{{Start: t0.Start, End: t1.End}}}, ErrPOS},
		{"POS outside the tagset", Retokenize{Start: t0.Start, End: t1.End, Tokens: []text.Token{{Start: t0.Start, End: t1.End, POS: "NOUN"}}}, ErrPOS},
	} {
		if _, err := ed.Apply(c.e); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	t.Run("span edge and edited token", func(t *testing.T) {
		d := goldDocument(t, 12)
		ed := &Editor{Doc: d, Schema: DefaultSchema()}
		t0, t1, t2 := d.Tokens[0], d.Tokens[1], d.Tokens[2]
		if _, err := ed.Apply(AddSpan{Span{Layer: "entity", Label: "PER", Start: t0.Start, End: t0.End}}); err != nil {
			t.Fatal(err)
		}
		whole := Retokenize{Start: t0.Start, End: t1.End, Tokens: []text.Token{{Start: t0.Start, End: t1.End, POS: "n"}}}
		if _, err := ed.Apply(whole); !errors.Is(err, ErrSpanBoundary) {
			t.Errorf("a token over a span edge: err = %v, want ErrSpanBoundary", err)
		}
		if _, err := ed.Apply(Merge{Start: t1.Start, End: t2.End}); err != nil {
			t.Fatal(err)
		}
		over := Retokenize{Start: t1.Start, End: t2.End, Tokens: []text.Token{{Start: t1.Start, End: t1.End, POS: "n"}, {Start: t2.Start, End: t2.End, POS: "n"}}}
		if _, err := ed.Apply(over); !errors.Is(err, ErrToken) {
			t.Errorf("re-segmenting the annotator's merge: err = %v, want ErrToken", err)
		}
	})
	want := slices.Clone(d.Tokens)
	merged := text.Token{Start: t0.Start, End: t1.End, POS: "nz"}
	if _, err := ed.Apply(Retokenize{Start: t0.Start, End: t1.End, Tokens: []text.Token{merged}}); err != nil {
		t.Fatal(err)
	}
	if d.Tokens[0].Start != merged.Start || d.Tokens[0].End != merged.End || d.Tokens[0].Edited || d.Tokens[0].Text != d.Slice(merged.Start, merged.End) {
		t.Errorf("token 0 after Retokenize = %+v, want %+v with its text", d.Tokens[0], merged)
	}
	if _, err := ed.Undo(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Tokens, want) {
		t.Errorf("tokens after Undo differ")
	}
}

// charSegmenter segments text into single characters, tagged "x".
type charSegmenter struct{}

func (charSegmenter) Segment(s string) []text.Token {
	var out []text.Token
	for i, r := range []rune(s) {
		if r != ' ' && r != '\n' {
			out = append(out, text.Token{Start: i, End: i + 1, Text: string(r), POS: "x"})
		}
	}
	return out
}

func TestResegment(t *testing.T) {
	p, path, ids := corpusProject(t, 2)
	id := ids[0]
	d, _ := p.Document(id)
	t0, t1 := d.Tokens[0], d.Tokens[1]
	if _, err := p.Apply(id, Merge{Start: t0.Start, End: t1.End}); err != nil {
		t.Fatal(err)
	}
	// A span over a two-character token keeps it whole.
	var spanTok text.Token
	for _, tk := range d.Tokens[4:] {
		if tk.End-tk.Start == 2 {
			spanTok = tk
			break
		}
	}
	if _, err := p.Apply(id, AddSpan{Span{Layer: "entity", Label: "LOC", Start: spanTok.Start, End: spanTok.End + 1}}); err != nil {
		t.Fatal(err)
	}
	before := snapshotDocs(t, p, ids)
	edits, _ := p.SegmentationEdits()
	step, n, err := p.Resegment(context.Background(), charSegmenter{}, ids, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || step == nil {
		t.Fatalf("Resegment changed %d tokens, step %v; want some", n, step)
	}
	d, _ = p.Document(id)
	if d.Tokens[0].Start != t0.Start || d.Tokens[0].End != t1.End || !d.Tokens[0].Edited {
		t.Errorf("the merged token became %+v; edited tokens must stay", d.Tokens[0])
	}
	first := d.Sentences[0]
	for _, tk := range d.Tokens[1:] {
		if tk.Start < first.End {
			if tk.Edited {
				t.Errorf("token %+v in the edited sentence is marked edited", tk)
			}
			continue // the sentence the annotator edited keeps its tokens
		}
		if tk.Edited || tk.End-tk.Start > 1 {
			t.Errorf("token %+v: the character segmenter gives one character, not edited", tk)
		}
	}
	if got, want := testkit.TokenTexts(d.Tokens, kitToken)[1:4], testkit.TokenTexts(before[0].Tokens, kitToken)[1:4]; !slices.Equal(got, want) {
		t.Errorf("the edited sentence's other tokens became %v, want %v kept", got, want)
	}
	if got, _ := p.SegmentationEdits(); len(got) != len(edits) {
		t.Errorf("re-segmentation recorded %d segmentation edits, want the %d of the annotator", len(got), len(edits))
	}
	if err := p.UndoCorpus(step); err != nil {
		t.Fatal(err)
	}
	sameDocs(t, "after undoing Resegment", p, ids, before)
	p = reopen(t, p, filepath.Clean(path))
	sameDocs(t, "after undoing Resegment and reopen", p, ids, before)

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := p.Resegment(ctx, charSegmenter{}, ids, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Resegment: %v", err)
		}
		sameDocs(t, "after a cancelled Resegment", p, ids, before)
	})
}

func TestResegmentEditsSpanEdges(t *testing.T) {
	// One two-character token with a span edge between its characters
	// stays cut there; a span edge inside a token now is not a cut.
	d := &Document{Text: "北京大学生", Tokens: []text.Token{{Start: 0, End: 2, POS: "ns"}, {Start: 2, End: 3, POS: "n"}, {Start: 3, End: 5, POS: "n"}},
		Sentences: []text.Sentence{{Start: 0, End: 5}}}
	d.Spans = []Span{{ID: 1, Layer: "entity", Label: "LOC", Start: 0, End: 2}, {ID: 2, Layer: "entity", Label: "ORG", Start: 0, End: 4}}
	whole := segFunc(func(src string) []text.Token { return []text.Token{{Start: 0, End: len([]rune(src)), POS: "n"}} })
	edits, n := ResegmentEdits(d, whole, nil)
	if len(edits) != 1 || n != 2 {
		t.Fatalf("edits %v, %d new tokens; want one edit, 2 new tokens", edits, n)
	}
	got := edits[0].(Retokenize).Tokens
	want := []text.Token{{Start: 0, End: 2, POS: "n"}, {Start: 2, End: 4, POS: "n"}, {Start: 4, End: 5, POS: "n"}}
	if !slices.Equal(got, want) {
		t.Errorf("tokens %+v, want %+v (cut at the span edges 2 and 4)", got, want)
	}
	// With a tagset that lacks the segmenter's tag: the old tag where the
	// token is the same, else x.
	s := DefaultSchema()
	wholeZ := segFunc(func(src string) []text.Token { return []text.Token{{Start: 0, End: len([]rune(src)), POS: "ZZ"}} })
	edits, _ = ResegmentEdits(d, wholeZ, s)
	got = edits[0].(Retokenize).Tokens
	want = []text.Token{{Start: 0, End: 2, POS: "ns"}, {Start: 2, End: 4, POS: "x"}, {Start: 4, End: 5, POS: "x"}}
	if !slices.Equal(got, want) {
		t.Errorf("tokens with an unknown tag %+v, want %+v", got, want)
	}
}

type segFunc func(string) []text.Token

func (f segFunc) Segment(text string) []text.Token { return f(text) }

// TestApplyCorpusRefusedKeepsHistory: a refused step changes no history:
// the steps that could be redone before it still can, also after reopening.
func TestApplyCorpusRefusedKeepsHistory(t *testing.T) {
	p, path, ids := corpusProject(t, 3)
	if _, err := p.Apply(ids[0], AddSpan{Span{Layer: "entity", Label: "PER", Start: 0, End: 2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Undo(ids[0]); err != nil {
		t.Fatal(err)
	}
	before := snapshotDocs(t, p, ids)
	bad := []DocEdit{
		{ids[0], AddSpan{Span{Layer: "entity", Label: "ORG", Start: 0, End: 2}}},
		{ids[2], AddSpan{Span{Layer: "entity", Label: "ORG", Start: 0, End: 2}}},
		{ids[2], AddSpan{Span{Layer: "entity", Label: "LOC", Start: 1, End: 3}}}, // overlaps
	}
	if _, err := p.ApplyCorpus("label all", bad); !errors.Is(err, ErrOverlap) {
		t.Fatalf("ApplyCorpus: %v, want ErrOverlap", err)
	}
	check := func(when string, p *Project) {
		t.Helper()
		sameDocs(t, when, p, ids, before)
		h, err := p.History(ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if name, ok := h.CanRedo(); !ok || !strings.HasPrefix(name, "add span [0,2) entity/PER") {
			t.Errorf("%s: next redo of document %d = %q, %v; want the PER span undone before", when, ids[0], name, ok)
		}
	}
	check("after a refused step", p)
	p = reopen(t, p, path)
	check("after a refused step and reopen", p)
}

// TestUndoCorpusReusedID: a step with the ID of a part of the corpus step
// (the part undone on its own, then another edit) is not taken for it.
func TestUndoCorpusReusedID(t *testing.T) {
	p, _, ids := corpusProject(t, 2)
	step, err := p.ApplyCorpus("label all", []DocEdit{
		{ids[0], AddSpan{Span{Layer: "entity", Label: "PER", Start: 0, End: 2}}},
		{ids[1], AddSpan{Span{Layer: "entity", Label: "PER", Start: 0, End: 2}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Undo(ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(ids[1], AddSpan{Span{Layer: "entity", Label: "LOC", Start: 3, End: 5}}); err != nil {
		t.Fatal(err)
	}
	if err := p.UndoCorpus(step); err == nil {
		t.Fatal("UndoCorpus after the part was undone and another edit made: nil error, want a refusal")
	}
	if d, _ := p.Document(ids[1]); len(d.Spans) != 1 || d.Spans[0].Label != "LOC" {
		t.Errorf("document %d spans = %v, want the LOC edit kept", ids[1], d.Spans)
	}
}
