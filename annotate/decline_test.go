package annotate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestDecline: a declined place is remembered in the file with no span
// there; undo forgets it; a place outside the text or in no layer is
// refused.
func TestDecline(t *testing.T) {
	p, path := newTestProject(t, Options{})
	doc := &Document{Name: "d", Text: "张三去北京。", Raw: "张三去北京。"}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	place := Span{Layer: "entity", Label: "LOC", Start: 3, End: 5}
	if _, err := p.Apply(doc.ID, Decline{Place: place}); err != nil {
		t.Fatal(err)
	}
	d, _ := p.Document(doc.ID)
	if !d.IsRejected(place) || len(d.Spans) != 0 {
		t.Errorf("after Decline: rejected %v, spans %v; want the place rejected, no span", d.Rejected, d.Spans)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	q, err := Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	d, _ = q.Document(doc.ID)
	if !d.IsRejected(place) {
		t.Errorf("reopened: rejected %v, want %v", d.Rejected, place)
	}
	if _, err := q.Undo(doc.ID); err != nil {
		t.Fatal(err)
	}
	if d.IsRejected(place) {
		t.Errorf("after undo: rejected %v, want none", d.Rejected)
	}
	for _, tc := range []struct {
		place Span
		want  error
	}{
		{Span{Layer: "entity", Label: "LOC", Start: 4, End: 9}, ErrOffsets},
		{Span{Layer: "nope", Label: "LOC", Start: 0, End: 1}, ErrLayer},
		{Span{Layer: "entity", Label: "NOPE", Start: 0, End: 1}, ErrLabel},
	} {
		if _, err := q.Apply(doc.ID, Decline{Place: tc.place}); !errors.Is(err, tc.want) {
			t.Errorf("Decline %v: %v, want %v", tc.place, err, tc.want)
		}
	}
}

// TestSchemaChangeKeepsPlaces: the places a document remembers — a
// declined place, a rejected suggestion, a declined relation place —
// follow a schema change that renames their label, then their layer
// (saved, reopened, undone, redone), and are forgotten with a removed
// label; a document with no span in the changed layer still gets them
// changed.
func TestSchemaChangeKeepsPlaces(t *testing.T) {
	p, path := newTestProject(t, Options{})
	s := p.Schema()
	s.Relations = append(s.Relations, RelationLayer{Name: "rel", Types: []RelationType{{Name: "near"}}})
	if _, err := p.ChangeSchema(s, nil, nil, 0); err != nil {
		t.Fatal(err)
	}
	doc := &Document{Name: "d", Text: "张三去北京。", Raw: "张三去北京。"}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	loc := Span{Layer: "entity", Label: "LOC", Start: 3, End: 5}
	per := Span{Layer: "entity", Label: "PER", Start: 0, End: 2}
	for _, e := range []Edit{Decline{Place: loc}, Decline{Place: per},
		DeclineRelations{Place: RelationPlace{Layer: "rel", From: per, To: loc}}} {
		if _, err := p.Apply(doc.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	places := func(p *Project) string {
		t.Helper()
		d, err := p.Document(doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range d.Rejected {
			out = append(out, fmt.Sprintf("%s/%s[%d,%d)", r.Layer, r.Label, r.Start, r.End))
		}
		for _, r := range d.DeclinedRelations {
			out = append(out, r.String()+" "+r.From.Layer+"→"+r.To.Layer)
		}
		return strings.Join(out, "; ")
	}
	states := []string{
		"entity/PER[0,2); entity/LOC[3,5); rel PER [0,2) → LOC [3,5) entity→entity",
		"entity/PER[0,2); entity/地名[3,5); rel PER [0,2) → 地名 [3,5) entity→entity",
		"实体/PER[0,2); 实体/地名[3,5); rel PER [0,2) → 地名 [3,5) 实体→实体",
		"实体/地名[3,5)",
	}
	if got := places(p); got != states[0] {
		t.Fatalf("before: %q, want %q", got, states[0])
	}
	change := func(edit func(s *Schema), removed []LabelRef, renamed map[LabelRef]string) {
		t.Helper()
		s := p.Schema()
		edit(s)
		if _, err := p.ChangeSchema(s, removed, renamed, 0); err != nil {
			t.Fatal(err)
		}
	}
	change(func(s *Schema) {
		l, _ := s.Layer("entity")
		for i := range l.Labels {
			if l.Labels[i].Name == "LOC" {
				l.Labels[i].Name = "地名"
			}
		}
	}, nil, map[LabelRef]string{{Layer: "entity", Label: "LOC"}: "地名"})
	change(func(s *Schema) {
		l, _ := s.Layer("entity")
		l.Name = "实体"
	}, nil, map[LabelRef]string{{Layer: "entity"}: "实体"})
	change(func(s *Schema) {
		l, _ := s.Layer("实体")
		l.Labels = slices.DeleteFunc(l.Labels, func(lb Label) bool { return lb.Name == "PER" })
	}, []LabelRef{{Layer: "实体", Label: "PER"}}, nil)
	if got := places(p); got != states[3] {
		t.Fatalf("after the changes: %q, want %q", got, states[3])
	}
	p.Close()
	p, err := Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { p.Close() }()
	if got := places(p); got != states[3] {
		t.Fatalf("reopened: %q, want %q", got, states[3])
	}
	for k := 2; k >= 0; k-- {
		if _, err := p.Undo(doc.ID); err != nil {
			t.Fatal(err)
		}
		if got := places(p); got != states[k] {
			t.Fatalf("undo to state %d: %q, want %q", k, got, states[k])
		}
	}
	for k := 1; k <= 3; k++ {
		if _, err := p.Redo(doc.ID); err != nil {
			t.Fatal(err)
		}
		if got := places(p); got != states[k] {
			t.Fatalf("redo to state %d: %q, want %q", k, got, states[k])
		}
	}
}
