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

// OpenDecisions counts the decisions of curation document d not decided.
func OpenDecisions(d *annotate.Document, cur *annotate.Curation) int {
	n := 0
	for _, dc := range Decisions(d, cur) {
		if !dc.Decided {
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
// a's version, as one step.
func DecideAll(d *annotate.Document, cur *annotate.Curation, a int, curator string) annotate.Edit {
	var edits []annotate.Edit
	for _, dc := range Decisions(d, cur) {
		edits = append(edits, DecideVersion(dc, cur, a, curator).(annotate.Batch).Edits...)
	}
	return annotate.Batch{Name: fmt.Sprintf("accept all of %s's versions (decided by %s)", cur.Annotators[a], curator), Edits: edits}
}
