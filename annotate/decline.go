package annotate

import "fmt"

// Decline remembers Place (its layer, label, start and end; nothing else
// is read) in Document.Rejected without a span there: a curator's
// decision that no annotator's version of a place goes into the curated
// layer (accept none), which a curation project keeps as it keeps a
// rejected suggestion. A place already remembered is left as it is. Undo
// forgets it again.
type Decline struct{ Place Span }

func (e Decline) Describe() string {
	return fmt.Sprintf("decline %s [%d,%d) in %s", e.Place.Label, e.Place.Start, e.Place.End, e.Place.Layer)
}

func (e Decline) plan(p *planner) error {
	s := Span{Layer: e.Place.Layer, Label: e.Place.Label, Start: e.Place.Start, End: e.Place.End}
	if n := p.doc.Chars(); s.Start < 0 || s.End > n || s.Start >= s.End {
		return refuse(e, ErrOffsets, "offsets [%d,%d) are not a range inside the text [0,%d)", s.Start, s.End, n)
	}
	layer, ok := p.schema.Layer(s.Layer)
	if !ok {
		return refuse(e, ErrLayer, "no layer %q in the schema", s.Layer)
	}
	if _, ok := layer.Label(s.Label); !ok {
		return refuse(e, ErrLabel, "label %q is not in layer %q", s.Label, s.Layer)
	}
	if p.doc.IsRejected(s) {
		return nil
	}
	return p.do(Change{Rejected: &SpanChange{After: &s}})
}
