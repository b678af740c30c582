package agree

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/biaozhu/biaozhu/annotate"
)

// Decision is one place of a curation document that annotators marked, in
// one curated layer: their spans grouped while they overlap one another,
// [Start, End) covering them. Versions are each annotator's spans there
// (in Curation.Annotators order; none for an annotator who marked
// nothing), Curated the curated layer's spans overlapping it. It is
// decided when the curated layer has a span there, or every version's
// spans are declined there (annotate.Decline: accept none).
type Decision struct {
	Layer      string
	Start, End int
	Versions   [][]annotate.Span
	Curated    []annotate.Span
	Decided    bool
}

// Agreed reports whether every annotator's version is the same (the same
// starts, ends and labels), none missing.
func (dc *Decision) Agreed() bool {
	for _, v := range dc.Versions[1:] {
		if !sameVersion(v, dc.Versions[0]) {
			return false
		}
	}
	return len(dc.Versions) > 0 && len(dc.Versions[0]) > 0
}

func sameVersion(a, b []annotate.Span) bool {
	return slices.EqualFunc(a, b, func(x, y annotate.Span) bool {
		return x.Start == y.Start && x.End == y.End && x.Label == y.Label
	})
}

// Decisions lists the decisions of curation document d, layer by layer
// (in Curation order of the layers' names), each in text order.
func Decisions(d *annotate.Document, cur *annotate.Curation) []Decision {
	var out []Decision
	layers := make([]string, 0, len(cur.Layers))
	for l := range cur.Layers {
		layers = append(layers, l)
	}
	slices.Sort(layers)
	for _, layer := range layers {
		index := map[string]int{} // annotator layer → annotator
		for i, name := range cur.Annotators {
			if l, ok := cur.Layers[layer][name]; ok {
				index[l] = i
			}
		}
		var marks, curated []annotate.Span
		for _, s := range d.Spans {
			if s.Layer == layer {
				curated = append(curated, s)
			} else if _, ok := index[s.Layer]; ok {
				marks = append(marks, s)
			}
		}
		slices.SortStableFunc(marks, func(a, b annotate.Span) int { return cmp.Compare(a.Start, b.Start) })
		for i := 0; i < len(marks); {
			dc := Decision{Layer: layer, Start: marks[i].Start, End: marks[i].End, Versions: make([][]annotate.Span, len(cur.Annotators))}
			j := i
			for ; j < len(marks) && marks[j].Start < dc.End; j++ {
				dc.End = max(dc.End, marks[j].End)
				a := index[marks[j].Layer]
				dc.Versions[a] = append(dc.Versions[a], marks[j])
			}
			declined := true
			for _, m := range marks[i:j] {
				if !d.IsRejected(annotate.Span{Layer: layer, Label: m.Label, Start: m.Start, End: m.End}) {
					declined = false
				}
			}
			for _, c := range curated {
				if c.Start < dc.End && dc.Start < c.End {
					dc.Curated = append(dc.Curated, c)
				}
			}
			dc.Decided = len(dc.Curated) > 0 || declined
			out = append(out, dc)
			i = j
		}
	}
	return out
}

// OpenDecisions counts the decisions of curation document d not decided:
// its span decisions (Decisions) and its relation decisions
// (RelationDecisions).
func OpenDecisions(d *annotate.Document, cur *annotate.Curation) int {
	n := 0
	for _, dc := range Decisions(d, cur) {
		if !dc.Decided {
			n++
		}
	}
	for _, rd := range RelationDecisions(d, cur) {
		if !rd.Decided {
			n++
		}
	}
	return n
}

// DecideVersion is the edit that decides dc for annotator a's version (an
// index into Curation.Annotators): the curated spans there removed, a's
// spans added to the curated layer with a's name as their annotator, as
// one step named after a and the curator who decided.
func DecideVersion(dc Decision, cur *annotate.Curation, a int, curator string) annotate.Edit {
	var edits []annotate.Edit
	for _, c := range dc.Curated {
		edits = append(edits, annotate.RemoveSpan{ID: c.ID})
	}
	for _, s := range dc.Versions[a] {
		edits = append(edits, annotate.AddSpan{Span: annotate.Span{Layer: dc.Layer, Label: s.Label, Start: s.Start, End: s.End,
			Origin: annotate.OriginManual, Annotator: cur.Annotators[a]}})
	}
	if len(dc.Versions[a]) == 0 {
		edits = append(edits, declineAll(dc)...)
	}
	return annotate.Batch{Name: fmt.Sprintf("accept %s's version of [%d,%d) in %s (decided by %s)", cur.Annotators[a], dc.Start, dc.End, dc.Layer, curator), Edits: edits}
}

// DecideNone is the edit that decides dc for no annotator's version: the
// curated spans there removed and every version declined.
func DecideNone(dc Decision, curator string) annotate.Edit {
	var edits []annotate.Edit
	for _, c := range dc.Curated {
		edits = append(edits, annotate.RemoveSpan{ID: c.ID})
	}
	edits = append(edits, declineAll(dc)...)
	return annotate.Batch{Name: fmt.Sprintf("accept none of [%d,%d) in %s (decided by %s)", dc.Start, dc.End, dc.Layer, curator), Edits: edits}
}

func declineAll(dc Decision) []annotate.Edit {
	var edits []annotate.Edit
	for _, v := range dc.Versions {
		for _, s := range v {
			edits = append(edits, annotate.Decline{Place: annotate.Span{Layer: dc.Layer, Label: s.Label, Start: s.Start, End: s.End}})
		}
	}
	return edits
}

// DecideAll is the edit that decides every decision of d for annotator
// a's version, spans and relations, as one step: first the spans, then
// at each relation decision a's relations between the curated spans at
// its ends (those a's version put there, found by place when the step is
// planned) or, where a linked nothing, no relation (declined).
func DecideAll(d *annotate.Document, cur *annotate.Curation, a int, curator string) annotate.Edit {
	var edits []annotate.Edit
	rds := RelationDecisions(d, cur)
	// The curated relations first: removing a curated span below removes
	// its relations with it.
	for _, rd := range rds {
		for _, c := range rd.Curated {
			edits = append(edits, annotate.RemoveRelation{ID: c.ID})
		}
	}
	for _, dc := range Decisions(d, cur) {
		edits = append(edits, DecideVersion(dc, cur, a, curator).(annotate.Batch).Edits...)
	}
	for _, rd := range rds {
		if len(rd.Versions[a]) == 0 {
			edits = append(edits, annotate.DeclineRelations{Place: rd.Place()})
			continue
		}
		pl := rd.Place()
		for _, r := range rd.Versions[a] {
			edits = append(edits, annotate.AddRelationAt{Relation: annotate.Relation{Layer: rd.Layer, Type: r.Type,
				Note: r.Note, Origin: annotate.OriginManual, Annotator: cur.Annotators[a]}, From: pl.From, To: pl.To})
		}
	}
	return annotate.Batch{Name: fmt.Sprintf("accept all of %s's versions (decided by %s)", cur.Annotators[a], curator), Edits: edits}
}

// RelationEnd is the place of one end of a relation decision: a span of
// the curated span layer Layer at [Start, End) with Label.
type RelationEnd struct {
	Layer, Label string
	Start, End   int
}

// RelationDecision is one place of a curation document where annotators
// linked two spans in one curated relation layer (Layer): the places of
// its ends, From and To (an annotator's spans mapped to the curated span
// layer, by offsets and label, as agreement matches them); Versions are
// each annotator's relations there (in Curation.Annotators order; none
// for an annotator who linked nothing there), Curated the curated layer's
// relations between the curated spans at those places, FromID and ToID
// those spans (0 while the curated span layer has none there: decide the
// spans first). It is decided when Curated is not empty, or the place is
// declined (annotate.DeclineRelations: accept none).
type RelationDecision struct {
	Layer        string
	From, To     RelationEnd
	FromID, ToID int64
	Versions     [][]annotate.Relation
	Curated      []annotate.Relation
	Decided      bool
}

// Agreed reports whether every annotator has the same relation types
// there, none missing.
func (rd *RelationDecision) Agreed() bool {
	types := func(v []annotate.Relation) []string {
		out := make([]string, len(v))
		for i, r := range v {
			out[i] = r.Type
		}
		slices.Sort(out)
		return out
	}
	for _, v := range rd.Versions[1:] {
		if !slices.Equal(types(v), types(rd.Versions[0])) {
			return false
		}
	}
	return len(rd.Versions) > 0 && len(rd.Versions[0]) > 0
}

// RelationDecisions lists the relation decisions of curation document d,
// relation layer by relation layer (by name), each by the place of its
// source, then of its target.
func RelationDecisions(d *annotate.Document, cur *annotate.Curation) []RelationDecision {
	var out []RelationDecision
	if len(cur.Relations) == 0 || len(d.Relations) == 0 {
		return nil // nothing linked: nothing to decide (and no maps built)
	}
	// The curated span layer of each annotator's span layer.
	curatedOf := map[string]string{}
	for layer, m := range cur.Layers {
		for _, l := range m {
			curatedOf[l] = layer
		}
	}
	spans := make(map[int64]*annotate.Span, len(d.Spans))
	curatedAt := map[RelationEnd]int64{}
	for i := range d.Spans {
		s := &d.Spans[i]
		spans[s.ID] = s
		if _, ok := cur.Layers[s.Layer]; ok {
			k := RelationEnd{s.Layer, s.Label, s.Start, s.End}
			if _, dup := curatedAt[k]; !dup {
				curatedAt[k] = s.ID
			}
		}
	}
	end := func(id int64) (RelationEnd, bool) {
		s, ok := spans[id]
		if !ok {
			return RelationEnd{}, false
		}
		layer, ok := curatedOf[s.Layer]
		if !ok {
			layer = s.Layer // a curated span
		}
		return RelationEnd{layer, s.Label, s.Start, s.End}, true
	}
	layers := slices.Sorted(func(yield func(string) bool) {
		for l := range cur.Relations {
			if !yield(l) {
				return
			}
		}
	})
	type place struct{ from, to RelationEnd }
	for _, layer := range layers {
		index := map[string]int{} // annotator relation layer → annotator
		for i, name := range cur.Annotators {
			if l, ok := cur.Relations[layer][name]; ok {
				index[l] = i
			}
		}
		byPlace := map[place]*RelationDecision{}
		var places []place
		for _, r := range d.Relations {
			a, mine := index[r.Layer]
			if !mine && r.Layer != layer {
				continue
			}
			from, okf := end(r.From)
			to, okt := end(r.To)
			if !okf || !okt {
				continue
			}
			k := place{from, to}
			rd, ok := byPlace[k]
			if !ok {
				rd = &RelationDecision{Layer: layer, From: from, To: to, Versions: make([][]annotate.Relation, len(cur.Annotators))}
				byPlace[k] = rd
				places = append(places, k)
			}
			if mine {
				rd.Versions[a] = append(rd.Versions[a], r)
			} else {
				rd.Curated = append(rd.Curated, r)
			}
		}
		slices.SortFunc(places, func(x, y place) int {
			return cmp.Or(cmp.Compare(x.from.Start, y.from.Start), cmp.Compare(x.from.End, y.from.End), cmp.Compare(x.from.Label, y.from.Label),
				cmp.Compare(x.to.Start, y.to.Start), cmp.Compare(x.to.End, y.to.End), cmp.Compare(x.to.Label, y.to.Label))
		})
		for _, k := range places {
			rd := byPlace[k]
			if slices.IndexFunc(rd.Versions, func(v []annotate.Relation) bool { return len(v) > 0 }) < 0 {
				continue // curated only: nothing to decide
			}
			rd.FromID, rd.ToID = curatedAt[rd.From], curatedAt[rd.To]
			rd.Decided = len(rd.Curated) > 0 || d.IsDeclined(rd.Place())
			out = append(out, *rd)
		}
	}
	return out
}

// DecideRelations is the edit that decides rd for annotator a's relations
// (an index into Curation.Annotators): the curated relations there
// removed, a's added to the curated relation layer between the curated
// spans at its ends, with a's name as their annotator, as one step named
// after a and the curator who decided. The curated spans must be there
// (decide the spans first); else it is an error. Taking the version of
// an annotator who linked nothing there is DecideRelationsNone.
func DecideRelations(rd RelationDecision, cur *annotate.Curation, a int, curator string) (annotate.Edit, error) {
	if len(rd.Versions[a]) == 0 {
		return DecideRelationsNone(rd, curator), nil
	}
	if rd.FromID == 0 || rd.ToID == 0 {
		return nil, fmt.Errorf("agree: relation %s %s → %s: the curated layer %s has no span there yet: decide the spans first", rd.Layer, rd.From, rd.To, rd.From.Layer)
	}
	var edits []annotate.Edit
	for _, c := range rd.Curated {
		edits = append(edits, annotate.RemoveRelation{ID: c.ID})
	}
	for _, r := range rd.Versions[a] {
		edits = append(edits, annotate.AddRelation{Relation: annotate.Relation{Layer: rd.Layer, Type: r.Type, From: rd.FromID, To: rd.ToID,
			Note: r.Note, Origin: annotate.OriginManual, Annotator: cur.Annotators[a]}})
	}
	return annotate.Batch{Name: fmt.Sprintf("accept %s's relations %s → %s in %s (decided by %s)", cur.Annotators[a], rd.From, rd.To, rd.Layer, curator), Edits: edits}, nil
}

// DecideRelationsNone is the edit that decides rd for no annotator's
// relations: the curated relations there removed and the place declined
// (annotate.DeclineRelations), as one step named after the curator who
// decided. It needs no curated span at the ends.
func DecideRelationsNone(rd RelationDecision, curator string) annotate.Edit {
	var edits []annotate.Edit
	for _, c := range rd.Curated {
		edits = append(edits, annotate.RemoveRelation{ID: c.ID})
	}
	edits = append(edits, annotate.DeclineRelations{Place: rd.Place()})
	return annotate.Batch{Name: fmt.Sprintf("accept no relation %s → %s in %s (decided by %s)", rd.From, rd.To, rd.Layer, curator), Edits: edits}
}

// Place is where rd lies, as annotate.DeclineRelations records it.
func (rd *RelationDecision) Place() annotate.RelationPlace {
	end := func(e RelationEnd) annotate.Span {
		return annotate.Span{Layer: e.Layer, Label: e.Label, Start: e.Start, End: e.End}
	}
	return annotate.RelationPlace{Layer: rd.Layer, From: end(rd.From), To: end(rd.To)}
}

// String is the place as step names show it: PER [0,2).
func (e RelationEnd) String() string { return fmt.Sprintf("%s [%d,%d)", e.Label, e.Start, e.End) }
