package agree

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// curationFixture merges three annotators' copies of 张三和李四在北京见了王五。
// (lin: PER 张三, PER 李四, LOC 北京; wang: PER 张三, PER 李四, PER 北京;
// zhao: PER 张三, LOC 李四) with -accept agreed, and opens the curation
// project.
func curationFixture(t *testing.T) (*annotate.Project, *annotate.Curation, int64) {
	t.Helper()
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "PER", "LOC")
	txt := "张三和李四在北京见了王五。"
	sp := func(label string, s, e int) annotate.Span {
		return annotate.Span{Layer: "NER", Label: label, Start: s, End: e}
	}
	paths := []string{
		writeProject(t, dir, "lin", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans: []annotate.Span{sp("PER", 0, 2), sp("PER", 3, 5), sp("LOC", 6, 8)}}}),
		writeProject(t, dir, "wang", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans: []annotate.Span{sp("PER", 0, 2), sp("PER", 3, 5), sp("PER", 6, 8)}}}),
		writeProject(t, dir, "zhao", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans: []annotate.Span{sp("PER", 0, 2), sp("LOC", 3, 5)}}}),
	}
	gold := filepath.Join(dir, "gold.biaozhu")
	if _, err := Merge(context.Background(), gold, paths, AcceptAgreed); err != nil {
		t.Fatal(err)
	}
	p, err := annotate.Open(gold, annotate.Options{NoBackup: true, Annotator: "curator"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	cur, err := p.Curation()
	if err != nil {
		t.Fatal(err)
	}
	list, _ := p.Documents()
	return p, cur, list[0].ID
}

// curated is the curated layer of the document as the file has it.
func curated(t *testing.T, p *annotate.Project, id int64) []string {
	t.Helper()
	d, err := p.AnnotatedText(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range d.Spans {
		if s.Layer == "NER" {
			out = append(out, s.Label+" "+d.Slice(s.Start, s.End))
		}
	}
	return out
}

// TestDecisions: the decisions of the merged document, deciding one for
// wang's version, one for none, undo, and accept all of zhao.
func TestDecisions(t *testing.T) {
	p, cur, id := curationFixture(t)
	d, _ := p.Document(id)
	dcs := Decisions(d, cur)
	if len(dcs) != 3 || !dcs[0].Decided || !dcs[0].Agreed() || dcs[1].Decided || dcs[1].Agreed() || dcs[2].Decided {
		t.Fatalf("decisions %+v; want 张三 agreed and decided, 李四 and 北京 open", dcs)
	}
	if len(dcs[2].Versions[2]) != 0 {
		t.Errorf("zhao's version of 北京: %v, want none", dcs[2].Versions[2])
	}
	// 北京: wang's version (PER).
	if _, err := p.Apply(id, DecideVersion(dcs[2], cur, 1, "curator")); err != nil {
		t.Fatal(err)
	}
	if got := curated(t, p, id); len(got) != 2 || got[1] != "PER 北京" {
		t.Errorf("curated after accepting wang's 北京: %q", got)
	}
	h, _ := p.History(id)
	if e := h.Done[len(h.Done)-1]; e.Name != "accept wang's version of [6,8) in NER (decided by curator)" {
		t.Errorf("the step is named %q", e.Name)
	}
	// 李四: none.
	if _, err := p.Apply(id, DecideNone(Decisions(d, cur)[1], "curator")); err != nil {
		t.Fatal(err)
	}
	if n := OpenDecisions(d, cur); n != 0 {
		t.Errorf("%d open decisions after deciding both, want 0", n)
	}
	if _, err := p.Undo(id); err != nil {
		t.Fatal(err)
	}
	if n := OpenDecisions(d, cur); n != 1 {
		t.Errorf("%d open decisions after undoing accept none, want 1", n)
	}
	// Accept all of zhao: 张三 PER, 李四 LOC, 北京 none.
	if _, err := p.Apply(id, DecideAll(d, cur, 2, "curator")); err != nil {
		t.Fatal(err)
	}
	if got := curated(t, p, id); len(got) != 2 || got[0] != "PER 张三" || got[1] != "LOC 李四" {
		t.Errorf("curated after accepting all of zhao: %q", got)
	}
	if n := OpenDecisions(d, cur); n != 0 {
		t.Errorf("%d open decisions after accepting all of zhao, want 0", n)
	}
}
