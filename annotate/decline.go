package annotate

import (
	"fmt"
	"slices"
)

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

// RelationPlace is the place of a relation decision in a curation
// project: relation layer Layer from a span of From's layer and label at
// From's range to one of To's (nothing else of From and To is read).
type RelationPlace struct {
	Layer string `json:"layer"`
	From  Span   `json:"from"`
	To    Span   `json:"to"`
}

// place is p with only what a place is of its ends.
func (p RelationPlace) place() RelationPlace {
	end := func(s Span) Span { return Span{Layer: s.Layer, Label: s.Label, Start: s.Start, End: s.End} }
	return RelationPlace{Layer: p.Layer, From: end(p.From), To: end(p.To)}
}

func (p RelationPlace) String() string {
	return fmt.Sprintf("%s %s [%d,%d) → %s [%d,%d)", p.Layer, p.From.Label, p.From.Start, p.From.End, p.To.Label, p.To.Start, p.To.End)
}

func relationPlaceLess(a, b RelationPlace) bool {
	if a.Layer != b.Layer {
		return a.Layer < b.Layer
	}
	if a.From != b.From {
		return rejectedLess(a.From, b.From)
	}
	return rejectedLess(a.To, b.To)
}

// DeclineRelations remembers Place in Document.DeclinedRelations: a
// curator's decision that no annotator's relations at a place go into the
// curated relation layer (accept none), as Decline remembers a span's
// place. Its ends need no span there. A place already remembered is left
// as it is. Undo forgets it again.
type DeclineRelations struct{ Place RelationPlace }

func (e DeclineRelations) Describe() string { return "decline the relations " + e.Place.String() }

func (e DeclineRelations) plan(p *planner) error {
	pl := e.Place.place()
	if _, ok := p.schema.RelationLayer(pl.Layer); !ok {
		return refuse(e, ErrLayer, "no relation layer %q in the schema", pl.Layer)
	}
	for _, s := range []Span{pl.From, pl.To} {
		if n := p.doc.Chars(); s.Start < 0 || s.End > n || s.Start >= s.End {
			return refuse(e, ErrOffsets, "offsets [%d,%d) are not a range inside the text [0,%d)", s.Start, s.End, n)
		}
		if _, ok := p.schema.Layer(s.Layer); !ok {
			return refuse(e, ErrLayer, "no layer %q in the schema", s.Layer)
		}
	}
	if p.doc.IsDeclined(pl) {
		return nil
	}
	return p.do(Change{DeclinedRelation: &RelationPlaceChange{After: &pl}})
}

// RelationPlaceChange adds (Before nil) or removes (After nil) a declined
// relation place.
type RelationPlaceChange struct {
	Before *RelationPlace `json:"before,omitempty"`
	After  *RelationPlace `json:"after,omitempty"`
}

// IsDeclined reports whether the relations at place p were declined in d
// (DeclineRelations).
func (d *Document) IsDeclined(p RelationPlace) bool {
	return slices.Contains(d.DeclinedRelations, p.place())
}

// RenamePlaces keeps the places a document remembers — rejected
// suggestions and declined places in Document.Rejected, declined relation
// places in Document.DeclinedRelations — with their layers and labels when
// a schema change renames or removes them: a place of a renamed span layer
// or label (Renamed, old name → new name, as ChangeSchema's renamed) is
// remembered under the new name, one of a removed layer or label (Gone,
// the layers and labels ChangeSchema removes) is forgotten, and so is a
// declined relation place either of whose ends is. ChangeSchema adds it to
// a document's part of the step; undo takes it back.
type RenamePlaces struct {
	Gone    map[LabelRef]bool
	Renamed map[LabelRef]string
}

func (e RenamePlaces) Describe() string {
	return "rename or forget the remembered places of renamed or removed layers and labels"
}

// rename returns s under its new layer and label, and false when its
// layer or label is removed.
func (e RenamePlaces) rename(s Span) (Span, bool) {
	var keep bool
	s.Layer, s.Label, keep = renameRef(e.Gone, e.Renamed, s.Layer, s.Label)
	return s, keep
}

// changes reports whether e changes any place d remembers.
func (e RenamePlaces) changes(d *Document) bool {
	for _, s := range d.Rejected {
		if n, ok := e.rename(s); !ok || n != s {
			return true
		}
	}
	for _, pl := range d.DeclinedRelations {
		from, ok1 := e.rename(pl.From)
		to, ok2 := e.rename(pl.To)
		if !ok1 || !ok2 || from != pl.From || to != pl.To {
			return true
		}
	}
	return false
}

func (e RenamePlaces) plan(p *planner) error {
	// Forget every place that changes first, then remember the renamed
	// ones, so that swapped names do not meet half-way.
	var rejected []Span
	for _, s := range slices.Clone(p.doc.Rejected) {
		n, keep := e.rename(s)
		if keep && n == s {
			continue
		}
		if err := p.do(Change{Rejected: &SpanChange{Before: &s}}); err != nil {
			return err
		}
		if keep {
			rejected = append(rejected, n)
		}
	}
	var declined []RelationPlace
	for _, pl := range slices.Clone(p.doc.DeclinedRelations) {
		from, ok1 := e.rename(pl.From)
		to, ok2 := e.rename(pl.To)
		if ok1 && ok2 && from == pl.From && to == pl.To {
			continue
		}
		if err := p.do(Change{DeclinedRelation: &RelationPlaceChange{Before: &pl}}); err != nil {
			return err
		}
		if ok1 && ok2 {
			declined = append(declined, RelationPlace{Layer: pl.Layer, From: from, To: to})
		}
	}
	for _, s := range rejected {
		if !p.doc.IsRejected(s) {
			if err := p.do(Change{Rejected: &SpanChange{After: &s}}); err != nil {
				return err
			}
		}
	}
	for _, pl := range declined {
		if !p.doc.IsDeclined(pl) {
			if err := p.do(Change{DeclinedRelation: &RelationPlaceChange{After: &pl}}); err != nil {
				return err
			}
		}
	}
	return nil
}
