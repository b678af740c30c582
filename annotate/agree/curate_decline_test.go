package agree

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate"
)

// relationCuration merges lin's and wang's copies of 张三在华为工作，认识李四。
// (lin: PER 张三, ORG 华为, PER 李四, works_for 张三→华为, knows 张三→李四;
// wang: PER 张三, PER 华为, PER 李四, works_for 张三→华为, works_for
// 张三→李四) with -accept agreed, and returns the path of the curation
// project.
func relationCuration(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "PER", "ORG")
	schema.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{{Name: "works_for"}, {Name: "knows"}}}}
	txt := "张三在华为工作，认识李四。"
	sp := func(id int64, label string, s, e int) annotate.Span {
		return annotate.Span{ID: id, Layer: "NER", Label: label, Start: s, End: e}
	}
	rel := func(typ string, from, to int64) annotate.Relation {
		return annotate.Relation{Layer: "rel", Type: typ, From: from, To: to, Origin: annotate.OriginManual}
	}
	paths := []string{
		writeProject(t, dir, "lin", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans:     []annotate.Span{sp(1, "PER", 0, 2), sp(2, "ORG", 3, 5), sp(3, "PER", 10, 12)},
			relations: []annotate.Relation{rel("works_for", 1, 2), rel("knows", 1, 3)}}}),
		writeProject(t, dir, "wang", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans:     []annotate.Span{sp(1, "PER", 0, 2), sp(2, "PER", 3, 5), sp(3, "PER", 10, 12)},
			relations: []annotate.Relation{rel("works_for", 1, 2), rel("works_for", 1, 3)}}}),
	}
	gold := filepath.Join(dir, "gold.biaozhu")
	if _, err := Merge(context.Background(), gold, paths, AcceptAgreed); err != nil {
		t.Fatal(err)
	}
	return gold
}

// TestDecideRelationsNone: accepting no relation at a place is recorded
// (the place declined), so the decision counts as decided — also where
// its target 华为 is not curated yet, and when the version taken is that
// of an annotator who linked nothing there (wang at 张三→华为 ORG); the
// step is named after the curator and dated; the file keeps it (the
// project reopened); undo opens the decision again. OpenDecisions counts
// the relation decisions with the span decisions. Before the fix a
// relation decided to be none stayed open and taking an empty version
// was refused.
func TestDecideRelationsNone(t *testing.T) {
	gold := relationCuration(t)
	open := func() (*annotate.Project, *annotate.Curation, int64) {
		t.Helper()
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
	p, cur, id := open()
	d, _ := p.Document(id)
	// Spans: 张三 and 李四 agreed, 华为 open; relations: three open.
	if n := OpenDecisions(d, cur); n != 4 {
		t.Errorf("open decisions %d, want 4 (1 span, 3 relations)", n)
	}
	rds := RelationDecisions(d, cur)
	if len(rds) != 3 || rds[0].To.Label != "ORG" || rds[0].ToID != 0 {
		t.Fatalf("relation decisions %+v, want 张三→华为 ORG first, 华为 not curated", rds)
	}
	before := time.Now().Add(-time.Second)
	e, err := DecideRelations(rds[0], cur, 1, "curator") // wang linked nothing to 华为 ORG
	if err != nil {
		t.Fatalf("taking wang's (nothing): %v", err)
	}
	if _, err := p.Apply(id, e); err != nil {
		t.Fatal(err)
	}
	if !RelationDecisions(d, cur)[0].Decided {
		t.Error("after accepting none the decision is still open")
	}
	if n := OpenDecisions(d, cur); n != 3 {
		t.Errorf("open decisions %d after accepting none, want 3", n)
	}
	h, _ := p.History(id)
	step := h.Done[len(h.Done)-1]
	if step.Name != "accept no relation PER [0,2) → ORG [3,5) in rel (decided by curator)" || step.Time.Before(before) {
		t.Errorf("the step is %q of %v, want accept no relation … (decided by curator), now", step.Name, step.Time)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, cur, id = open()
	d, _ = p.Document(id)
	if rd := RelationDecisions(d, cur)[0]; !rd.Decided {
		t.Errorf("reopened: the declined decision is open (declined %v)", d.DeclinedRelations)
	}
	if sd, err := p.AnnotatedText(context.Background(), id); err != nil || OpenDecisions(sd, cur) != 3 {
		t.Errorf("reopened, AnnotatedText: open decisions %d (%v), want 3", OpenDecisions(sd, cur), err)
	}
	if _, err := p.Undo(id); err != nil {
		t.Fatal(err)
	}
	if RelationDecisions(d, cur)[0].Decided || len(d.DeclinedRelations) != 0 {
		t.Errorf("after undo the decision is decided (declined %v)", d.DeclinedRelations)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, cur, id = open()
	d, _ = p.Document(id)
	if RelationDecisions(d, cur)[0].Decided {
		t.Error("reopened after undo: the decision is decided")
	}
	// DecideRelationsNone where curated relations are: they go.
	rds = RelationDecisions(d, cur)
	e, err = DecideRelations(rds[2], cur, 0, "curator")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(id, e); err != nil {
		t.Fatal(err)
	}
	rds = RelationDecisions(d, cur)
	if _, err := p.Apply(id, DecideRelationsNone(rds[2], "curator")); err != nil {
		t.Fatal(err)
	}
	rd := RelationDecisions(d, cur)[2]
	if !rd.Decided || len(rd.Curated) != 0 {
		t.Errorf("none after lin's: decided %v, curated %v; want decided, none curated", rd.Decided, rd.Curated)
	}
	// A declined place of no relation layer is refused.
	bad := annotate.DeclineRelations{Place: annotate.RelationPlace{Layer: "nope", From: annotate.Span{Layer: "NER", Start: 0, End: 2}, To: annotate.Span{Layer: "NER", Start: 3, End: 5}}}
	if _, err := p.Apply(id, bad); err == nil || !strings.Contains(err.Error(), `no relation layer "nope"`) {
		t.Errorf("declining in no relation layer: err %v", err)
	}
}
