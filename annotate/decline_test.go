package annotate

import (
	"errors"
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
