package agree

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// TestMergeAccept: three annotators on one document; the curated layer
// holds what all three marked (agreed), what two of three marked
// (majority), or nothing (none); every annotator's spans are in their
// layer with their name; the suggestion nobody accepted is nowhere; the
// open decisions are counted; the curation is recorded.
func TestMergeAccept(t *testing.T) {
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "PER", "LOC")
	txt := "张三和李四在北京见了王五。"
	sp := func(label string, s, e int) annotate.Span {
		return annotate.Span{Layer: "NER", Label: label, Start: s, End: e}
	}
	sugg := sp("PER", 10, 12)
	sugg.Origin = annotate.OriginSuggested
	paths := []string{
		writeProject(t, dir, "lin", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans: []annotate.Span{sp("PER", 0, 2), sp("PER", 3, 5), sp("LOC", 6, 8)}}}),
		writeProject(t, dir, "wang", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans: []annotate.Span{sp("PER", 0, 2), sp("PER", 3, 5), sp("PER", 6, 8), sugg}}}),
		writeProject(t, dir, "zhao", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans: []annotate.Span{sp("PER", 0, 2), sp("LOC", 3, 5)}}}),
	}
	for _, tc := range []struct {
		accept string
		want   []string // the curated layer: label start end annotators
		open   int
	}{
		{AcceptAgreed, []string{"PER 0 2 lin,wang,zhao"}, 2},
		{AcceptMajority, []string{"PER 0 2 lin,wang,zhao", "PER 3 5 lin,wang"}, 1},
		{AcceptNone, nil, 3},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			out := filepath.Join(dir, tc.accept+".biaozhu")
			sum, err := Merge(context.Background(), out, paths, tc.accept)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Accepted != len(tc.want) || sum.Open != tc.open || sum.Documents != 1 {
				t.Errorf("summary %+v; want %d accepted, %d open, 1 document", sum, len(tc.want), tc.open)
			}
			p, err := annotate.Open(out, annotate.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			cur, err := p.Curation()
			if err != nil || cur == nil || len(cur.Files) != 3 || !filepath.IsAbs(cur.Files[0]) || cur.Accept != tc.accept || cur.Layers["NER"]["wang"] != "NER@wang" || !cur.AnnotatorLayer("NER@zhao") {
				t.Fatalf("Curation() = %+v, %v", cur, err)
			}
			list, _ := p.Documents()
			d, err := p.Document(list[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			var curated []string
			per := map[string]int{}
			for _, s := range d.Spans {
				if s.Layer == "NER" {
					curated = append(curated, strings.Join([]string{s.Label, strconv.Itoa(s.Start), strconv.Itoa(s.End), s.Annotator}, " "))
					continue
				}
				name := strings.TrimPrefix(s.Layer, "NER@")
				if s.Annotator != name || s.Origin == annotate.OriginSuggested {
					t.Errorf("span %v in %s: annotator %q, origin %s", s, s.Layer, s.Annotator, s.Origin)
				}
				per[name]++
			}
			if !slices.Equal(curated, tc.want) {
				t.Errorf("curated %q, want %q", curated, tc.want)
			}
			if per["lin"] != 3 || per["wang"] != 3 || per["zhao"] != 2 {
				t.Errorf("annotators' spans %v, want lin 3, wang 3 (not the suggestion), zhao 2", per)
			}
		})
	}
	if _, err := Merge(context.Background(), filepath.Join(dir, "agreed.biaozhu"), paths, AcceptAgreed); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("merge onto an existing file: %v, want already exists", err)
	}
	// A journal an earlier gold.biaozhu left would be read into the new one.
	stale := filepath.Join(dir, "gold.biaozhu")
	if err := os.WriteFile(stale+"-wal", []byte("left over"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(context.Background(), stale, paths, AcceptAgreed); err == nil || !strings.Contains(err.Error(), "gold.biaozhu-wal") {
		t.Errorf("merge beside a stale journal: %v, want an error naming it", err)
	}
	if _, err := os.Lstat(stale); err == nil {
		t.Error("merge beside a stale journal wrote the file")
	}
}

// TestMergeRelations: each annotator's relations go into their relation
// layer between their spans (the spans of two files carry the same IDs),
// annotator recorded, suggestions left out; the types' ends name the
// annotator's span layer.
func TestMergeRelations(t *testing.T) {
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "PER")
	schema.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{
		{Name: "knows", Arg1: []annotate.LabelRef{{Layer: "NER", Label: "PER"}}}}}}
	txt := "张三认识李四。"
	per := func(id int64, s, e int) annotate.Span {
		return annotate.Span{ID: id, Layer: "NER", Label: "PER", Start: s, End: e}
	}
	knows := func(from, to int64, o annotate.Origin) annotate.Relation {
		return annotate.Relation{Layer: "rel", Type: "knows", From: from, To: to, Origin: o}
	}
	paths := []string{
		writeProject(t, dir, "lin", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans: []annotate.Span{per(1, 0, 2), per(2, 4, 6)}, relations: []annotate.Relation{knows(1, 2, annotate.OriginManual)}}}),
		writeProject(t, dir, "wang", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
			spans: []annotate.Span{per(1, 0, 2), per(2, 4, 6)}, relations: []annotate.Relation{knows(2, 1, annotate.OriginManual), knows(1, 2, annotate.OriginSuggested)}}}),
	}
	out := filepath.Join(dir, "gold.biaozhu")
	sum, err := Merge(context.Background(), out, paths, AcceptAgreed)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Relations != 2 {
		t.Errorf("%d relations copied, want 2 (not the suggestion)", sum.Relations)
	}
	p, err := annotate.Open(out, annotate.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cur, _ := p.Curation()
	if cur.Relations["rel"]["wang"] != "rel@wang" || !cur.AnnotatorLayer("rel@lin") {
		t.Errorf("Curation relations %v", cur.Relations)
	}
	s := p.Schema()
	for _, rl := range s.Relations {
		if rl.Name == "rel@lin" && (len(rl.Types) != 1 || rl.Types[0].Arg1[0].Layer != "NER@lin") {
			t.Errorf("rel@lin types %+v, want knows with Arg1 NER@lin", rl.Types)
		}
	}
	list, _ := p.Documents()
	d, _ := p.Document(list[0].ID)
	var got []string
	for _, r := range d.Relations {
		from, _ := d.Span(r.From)
		to, _ := d.Span(r.To)
		got = append(got, r.Layer+" "+d.Slice(from.Start, from.End)+"→"+d.Slice(to.Start, to.End)+" "+r.Annotator+" "+from.Layer)
	}
	want := []string{"rel@lin 张三→李四 lin NER@lin", "rel@wang 李四→张三 wang NER@wang"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("relations %q, want %q", got, want)
	}
}
