package agree

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
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

// TestRelationDecisions: lin and wang link the same three spans of
// 张三在华为工作，认识李四。 but for the label of 华为 (ORG for lin, PER for
// wang): lin works_for 张三→华为 and knows 张三→李四, wang works_for
// 张三→华为 and works_for 张三→李四. Merged with -accept agreed, the
// curated layer has 张三 and 李四, not 华为. Three relation decisions:
// 张三→华为 ORG (lin's), 张三→华为 PER (wang's) — their end not curated
// yet, refused until 华为 is decided — and 张三→李四 (lin knows, wang
// works_for). Deciding for wang is one step named after wang and the
// curator; undo opens it again.
func TestRelationDecisions(t *testing.T) {
	gold := relationCuration(t)
	p, err := annotate.Open(gold, annotate.Options{NoBackup: true, Annotator: "curator"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cur, _ := p.Curation()
	list, _ := p.Documents()
	id := list[0].ID
	d, _ := p.Document(id)
	rds := RelationDecisions(d, cur)
	describe := func(rds []RelationDecision) []string {
		var out []string
		for _, rd := range rds {
			s := rd.Layer + " " + d.Slice(rd.From.Start, rd.From.End) + "→" + d.Slice(rd.To.Start, rd.To.End) + " " + rd.To.Label + ":"
			for i, v := range rd.Versions {
				for _, r := range v {
					s += " " + cur.Annotators[i] + "=" + r.Type
				}
			}
			for _, r := range rd.Curated {
				s += " curated=" + r.Type + "/" + r.Annotator
			}
			if rd.Decided {
				s += " decided"
			}
			out = append(out, s)
		}
		return out
	}
	want := []string{"rel 张三→华为 ORG: lin=works_for", "rel 张三→华为 PER: wang=works_for", "rel 张三→李四 PER: lin=knows wang=works_for"}
	if got := describe(rds); !slices.Equal(got, want) {
		t.Fatalf("relation decisions %q, want %q", got, want)
	}
	if rds[0].ToID != 0 || rds[2].FromID == 0 || rds[2].ToID == 0 || rds[2].Agreed() {
		t.Errorf("ends %d→%d and %d→%d, agreed %v: want 华为 not curated, 张三 and 李四 curated, not agreed", rds[0].FromID, rds[0].ToID, rds[2].FromID, rds[2].ToID, rds[2].Agreed())
	}
	if _, err := DecideRelations(rds[0], cur, 0, "curator"); err == nil || !strings.Contains(err.Error(), "decide the spans first") {
		t.Errorf("deciding a relation whose end is not curated: err %v", err)
	}
	e, err := DecideRelations(rds[2], cur, 1, "curator")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(id, e); err != nil {
		t.Fatal(err)
	}
	want[2] += " curated=works_for/wang decided"
	if got := describe(RelationDecisions(d, cur)); !slices.Equal(got, want) {
		t.Errorf("after accepting wang's: %q, want %q", got, want)
	}
	h, _ := p.History(id)
	if name := h.Done[len(h.Done)-1].Name; name != "accept wang's relations PER [0,2) → PER [10,12) in rel (decided by curator)" {
		t.Errorf("the step is named %q", name)
	}
	// What is stored: the file has the curated relation (AnnotatedText
	// reads the file).
	sd, err := p.AnnotatedText(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for _, r := range sd.Relations {
		if r.Layer == "rel" {
			stored = append(stored, r.Type+" "+fmt.Sprint(r.From == rds[2].FromID && r.To == rds[2].ToID))
		}
	}
	if !slices.Equal(stored, []string{"works_for true"}) {
		t.Errorf("stored curated relations %q, want [works_for true] (between the curated 张三 and 李四)", stored)
	}
	if _, err := p.Undo(id); err != nil {
		t.Fatal(err)
	}
	want[2] = "rel 张三→李四 PER: lin=knows wang=works_for"
	if got := describe(RelationDecisions(d, cur)); !slices.Equal(got, want) {
		t.Errorf("after undo: %q, want %q", got, want)
	}
	// 华为 decided for lin (ORG): lin's relation to it can be taken.
	for _, dc := range Decisions(d, cur) {
		if dc.Start == 3 {
			if _, err := p.Apply(id, DecideVersion(dc, cur, 0, "curator")); err != nil {
				t.Fatal(err)
			}
		}
	}
	rds = RelationDecisions(d, cur)
	if rds[0].ToID == 0 {
		t.Fatalf("华为 ORG curated, but the decision's end is %d", rds[0].ToID)
	}
	if e, err = DecideRelations(rds[0], cur, 0, "curator"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(id, e); err != nil {
		t.Fatal(err)
	}
	if !RelationDecisions(d, cur)[0].Decided {
		t.Error("lin's works_for 张三→华为 taken, the decision is not decided")
	}
}
