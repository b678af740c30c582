package app

import (
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// TestDescribeRelationSteps: a step that adds, deletes, retypes or
// reverses relations says so in the status bar (it said "No change").
func TestDescribeRelationSteps(t *testing.T) {
	if err := useLanguage("en"); err != nil {
		t.Fatal(err)
	}
	knows := annotate.Relation{ID: 7, Layer: "rel", Type: "knows", From: 1, To: 2}
	meets, back := knows, knows
	meets.Type = "meets"
	back.From, back.To = 2, 1
	change := func(b, a *annotate.Relation) annotate.Change {
		return annotate.Change{Relation: &annotate.RelationChange{Before: b, After: a}}
	}
	for _, c := range []struct {
		changes []annotate.Change
		want    string
	}{
		{[]annotate.Change{change(nil, &knows)}, "Added relation knows"},
		{[]annotate.Change{change(nil, &knows), change(nil, &meets)}, "Relations added: 2"},
		{[]annotate.Change{change(&knows, nil)}, "Deleted relation knows"},
		{[]annotate.Change{change(&knows, &meets)}, "Relation retyped as meets"},
		{[]annotate.Change{change(&knows, &back)}, "Reversed relation knows"},
		{[]annotate.Change{change(&meets, nil), change(nil, &knows)}, "Added relation knows · Deleted relation meets"},
	} {
		if got := summarize(c.changes).text(nil); got != c.want {
			t.Errorf("%d changes: %q, want %q", len(c.changes), got, c.want)
		}
	}
}
