package app

import (
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// TestDescribeDeclines: a curator's accept none — a declined span place
// or relation place, nothing else changed — says so (it said "No
// change"); a rejected suggestion stays a rejected suggestion.
func TestDescribeDeclines(t *testing.T) {
	if err := useLanguage("en"); err != nil {
		t.Fatal(err)
	}
	text := "张三和李四在北京见了王五。"
	slice := func(s, e int) string { return string([]rune(text)[s:e]) }
	place := annotate.Span{Layer: "entity", Label: "LOC", Start: 6, End: 8}
	sugg := annotate.Span{ID: 3, Layer: "entity", Label: "PER", Start: 3, End: 5, Origin: annotate.OriginSuggested}
	rejected := annotate.Span{Layer: "entity", Label: "PER", Start: 3, End: 5}
	rel := annotate.RelationPlace{Layer: "rel", From: annotate.Span{Layer: "entity", Label: "PER", Start: 0, End: 2},
		To: annotate.Span{Layer: "entity", Label: "PER", Start: 3, End: 5}}
	decline := func(s annotate.Span) annotate.Change {
		return annotate.Change{Rejected: &annotate.SpanChange{After: &s}}
	}
	declineRel := func(p annotate.RelationPlace) annotate.Change {
		return annotate.Change{DeclinedRelation: &annotate.RelationPlaceChange{After: &p}}
	}
	for _, c := range []struct {
		name    string
		changes []annotate.Change
		slice   func(int, int) string
		want    string
	}{
		{"a span place", []annotate.Change{decline(place)}, slice, "Declined LOC “北京”"},
		{"two span places", []annotate.Change{decline(place), decline(rejected)}, slice, "Declined 2 places"},
		{"a relation place", []annotate.Change{declineRel(rel)}, slice, "Declined the relations “张三” → “李四”"},
		{"a relation place, no text", []annotate.Change{declineRel(rel)}, nil, "Declined the relations at 1 place"},
		{"a rejected suggestion", []annotate.Change{{Span: &annotate.SpanChange{Before: &sugg}}, decline(rejected)}, slice, "Rejected PER “李四”"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := summarize(c.changes).text(c.slice); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
