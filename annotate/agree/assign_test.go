package agree

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// TestPlan: each document goes to overlap distinct annotators, the loads
// differ by one at most, the same seed gives the same plan.
func TestPlan(t *testing.T) {
	for _, tc := range []struct{ n, annotators, overlap int }{
		{10, 3, 2}, {7, 4, 1}, {100, 5, 3}, {3, 3, 0}, {1, 2, 1}, {0, 2, 2},
	} {
		t.Run(fmt.Sprintf("%d docs %d annotators overlap %d", tc.n, tc.annotators, tc.overlap), func(t *testing.T) {
			plan, err := Plan(tc.n, tc.annotators, tc.overlap, 42)
			if err != nil {
				t.Fatal(err)
			}
			k := tc.overlap
			if k == 0 {
				k = tc.annotators
			}
			load := make([]int, tc.annotators)
			for d, who := range plan {
				if len(who) != k || len(slices.Compact(slices.Clone(who))) != k {
					t.Errorf("document %d to %v, want %d distinct annotators", d, who, k)
				}
				for _, a := range who {
					load[a]++
				}
			}
			if slices.Max(load)-slices.Min(load) > 1 {
				t.Errorf("loads %v are not balanced", load)
			}
			again, _ := Plan(tc.n, tc.annotators, tc.overlap, 42)
			if fmt.Sprint(again) != fmt.Sprint(plan) {
				t.Errorf("the same seed gave %v, then %v", plan, again)
			}
		})
	}
	if _, err := Plan(3, 2, 3, 1); err == nil {
		t.Error("Plan with overlap 3 of 2 annotators: no error")
	}
}

// TestAssignSuggestions: the copies leave suggestions out unless asked,
// keep the confirmed spans, reset the status, and record the annotator.
func TestAssignSuggestions(t *testing.T) {
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "PER")
	sugg := annotate.Span{Layer: "NER", Label: "PER", Start: 0, End: 2, Origin: annotate.OriginSuggested}
	imported := annotate.Span{Layer: "NER", Label: "PER", Start: 3, End: 5, Origin: annotate.OriginImported}
	mainPath := writeProject(t, dir, "main", schema, []docSpec{{name: "d", text: "张三和李四。", status: annotate.StatusDone, spans: []annotate.Span{sugg, imported}}})
	main, err := annotate.Open(mainPath, annotate.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer main.Close()
	for _, keep := range []bool{false, true} {
		out := filepath.Join(dir, fmt.Sprint(keep))
		if err := mkdir(out); err != nil {
			t.Fatal(err)
		}
		copies, err := Assign(context.Background(), main, AssignOptions{Annotators: []string{"lin", "wang"}, Suggestions: keep, Dir: out})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range copies {
			p, err := annotate.Open(c.Path, annotate.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			name, _ := p.HandedTo()
			list, _ := p.Documents()
			d, _ := p.Document(list[0].ID)
			var origins []annotate.Origin
			for _, s := range d.Spans {
				origins = append(origins, s.Origin)
			}
			want := []annotate.Origin{annotate.OriginImported}
			if keep {
				want = []annotate.Origin{annotate.OriginSuggested, annotate.OriginImported}
			}
			if name != c.Annotator || d.Status != annotate.StatusNew || !slices.Equal(origins, want) || filepath.Base(c.Path) != "main-copy-"+c.Annotator+".biaozhu" {
				t.Errorf("suggestions %v: %s: annotator %q, status %s, spans %v; want %s, new, %v", keep, c.Path, name, d.Status, origins, c.Annotator, want)
			}
			p.Close()
		}
	}
	if _, err := Assign(context.Background(), main, AssignOptions{Annotators: []string{"lin"}, Dir: filepath.Join(dir, "true")}); err == nil {
		t.Error("Assign over an existing copy: no error")
	}
}

func mkdir(dir string) error { return os.Mkdir(dir, 0o755) }
