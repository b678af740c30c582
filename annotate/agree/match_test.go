package agree

import (
	"slices"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// TestMatchOverlap: one to one, most shared characters first, then the
// smaller difference of ends (an exact match wins a tie), same label only
// unless the confusion table asks.
func TestMatchOverlap(t *testing.T) {
	for _, tc := range []struct {
		name      string
		a, b      []mspan
		sameLabel bool
		want      [][2]int
	}{
		{"exact wins a tie", []mspan{{0, 10, "X"}}, []mspan{{0, 12, "X"}, {0, 10, "X"}}, true, [][2]int{{0, 1}}},
		{"most shared first", []mspan{{0, 4, "X"}, {4, 8, "X"}}, []mspan{{2, 8, "X"}}, true, [][2]int{{1, 0}}},
		{"one to one", []mspan{{0, 10, "X"}}, []mspan{{0, 3, "X"}, {5, 9, "X"}}, true, [][2]int{{0, 1}}},
		{"labels apart", []mspan{{0, 4, "X"}}, []mspan{{0, 4, "Y"}}, true, nil},
		{"labels together", []mspan{{0, 4, "X"}}, []mspan{{0, 4, "Y"}}, false, [][2]int{{0, 0}}},
		{"touching is not overlapping", []mspan{{0, 4, "X"}}, []mspan{{4, 8, "X"}}, true, nil},
		{"a long span of b before", []mspan{{0, 2, "X"}, {50, 52, "X"}}, []mspan{{0, 100, "X"}, {10, 20, "X"}, {50, 51, "X"}}, true, [][2]int{{0, 0}, {1, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := matchOverlap(tc.a, tc.b, tc.sameLabel)
			slices.SortFunc(got, func(x, y [2]int) int { return x[0] - y[0] })
			if !slices.Equal(got, tc.want) {
				t.Errorf("matchOverlap = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCharacterLevel: when one annotator re-segmented a document, the
// units are characters, and the report says so.
func TestCharacterLevel(t *testing.T) {
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "LOC")
	txt := "我们去北京大学。"
	words := []text.Token{{Start: 0, End: 2}, {Start: 2, End: 3}, {Start: 3, End: 5}, {Start: 5, End: 7}, {Start: 7, End: 8}}
	merged := []text.Token{{Start: 0, End: 2}, {Start: 2, End: 3}, {Start: 3, End: 7}, {Start: 7, End: 8}}
	loc := []annotate.Span{{Layer: "NER", Label: "LOC", Start: 3, End: 7}}
	a := writeProject(t, dir, "lin", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone, spans: loc, tokens: words}})
	b := writeProject(t, dir, "wang", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone, spans: loc, tokens: merged}})
	rep, _ := measureJSON(t, []string{a, b})
	l := rep.Layers["NER"]
	if l.Unit != "character" || l.Units != 8 {
		t.Errorf("unit %q, %d units; want character, 8", l.Unit, l.Units)
	}
	if len(l.Notes) == 0 || l.Notes[0] != `character level: the annotators' tokens of document "d" differ` {
		t.Errorf("notes %q, want the reason for character level first", l.Notes)
	}
	if l.CohenKappa == nil || *l.CohenKappa != 1 {
		t.Errorf("cohen_kappa = %v, want 1", l.CohenKappa)
	}
}
