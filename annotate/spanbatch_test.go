package annotate

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// TestAddSpansInBatches: documents with as many spans as make every mix
// of the Adder's multi-row statements (128, 64, …, 8 rows) and the rows
// written one by one come back from the file as they went in, each with
// its text and note.
func TestAddSpansInBatches(t *testing.T) {
	p, _ := newTestProject(t, Options{})
	txt := strings.Repeat("张三和李四在北京。", 40) // 360 characters
	counts := []int{0, 1, 7, 8, 9, 15, 16, 127, 128, 129, 255, 300, 359}
	var docs []*Document
	for _, n := range counts {
		d := &Document{Name: fmt.Sprintf("%d spans", n), Text: txt, Raw: txt, Sentences: []text.Sentence{{Start: 0, End: 360}}}
		for k := range n {
			d.Spans = append(d.Spans, Span{ID: int64(k + 1), Layer: "entity", Label: []string{"PER", "LOC"}[k%2], Start: k, End: k + 1, Origin: OriginManual,
				Note: fmt.Sprint("note ", k)})
		}
		docs = append(docs, d)
	}
	if err := p.AddDocumentsContext(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	list, err := p.Documents()
	if err != nil || len(list) != len(counts) {
		t.Fatalf("%d documents (%v), want %d", len(list), err, len(counts))
	}
	for i, s := range list {
		d, err := p.AnnotatedText(context.Background(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Spans) != counts[i] || s.Spans != counts[i] {
			t.Errorf("%s: %d spans stored (summary %d), want %d", s.Name, len(d.Spans), s.Spans, counts[i])
			continue
		}
		slices.SortFunc(d.Spans, func(a, b Span) int { return a.Start - b.Start })
		for k, sp := range d.Spans {
			if sp.Start != k || sp.End != k+1 || sp.Label != []string{"PER", "LOC"}[k%2] || sp.Layer != "entity" || sp.Origin != OriginManual {
				t.Errorf("%s: span %d is %v", s.Name, k, sp)
				break
			}
		}
	}
	full, err := p.Document(list[len(list)-1].ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(full.Spans, func(a, b Span) int { return a.Start - b.Start })
	if got := full.Spans[358]; got.Note != "note 358" {
		t.Errorf("the last span's note %q, want note 358", got.Note)
	}
	texts, err := p.ConfirmedSpanTexts("entity")
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]int{}
	runes := []rune(txt)
	for _, n := range counts {
		for k := range n {
			want[[2]string{string(runes[k]), []string{"PER", "LOC"}[k%2]}]++
		}
	}
	got := map[[2]string]int{}
	for _, x := range texts {
		got[[2]string{x.Text, x.Label}] += x.N
	}
	if !maps.Equal(got, want) {
		t.Errorf("span texts stored %v, want %v", got, want)
	}
}
