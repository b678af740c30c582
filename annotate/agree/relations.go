package agree

import (
	"slices"

	"github.com/biaozhu/biaozhu/annotate"
)

// Relation agreement. Two annotators' relations are compared per document
// both worked on in the relation layer (status other than new, or a
// relation there that is not a suggestion; the rest is missing data), each
// relation as the key (from span, to span, type), a span as its layer,
// start, end and label: spans are matched across the files by exact
// offsets and label, never by ID (each file numbers its spans on its own).
// Relations are matched one to one on that key ("labelled", f1_exact) and
// on (from span, to span) whatever the type ("unlabelled",
// f1_unlabelled); precision is the matched share of the second
// annotator's relations, recall of the first's, unmatched relations count
// against. Suggested relations, and relations from or to a suggested span
// never accepted, count neither as work nor as annotations. The
// confusion table counts the types of relations matched unlabelled
// ("" for one the other has no match for).

// relEnd is a relation's span as relation matching sees it.
type relEnd struct {
	layer, label string
	start, end   int
}

// relKey is a relation as relation matching sees it (unlabelled matching
// compares from and to only).
type relKey struct {
	from, to relEnd
	typ      string
}

// relWork returns d's relations of layer as keys (suggestions, and
// relations from or to a suggestion, left out) and whether the annotator
// worked on d in that layer: status other than new, or a relation there.
func relWork(d *Doc, layer string) ([]relKey, bool) {
	var out []relKey
	if len(d.Relations) > 0 {
		byID := make(map[int64]*annotate.Span, len(d.Spans))
		for i := range d.Spans {
			byID[d.Spans[i].ID] = &d.Spans[i]
		}
		end := func(id int64) (relEnd, bool) {
			s, ok := byID[id]
			if !ok || s.Origin == annotate.OriginSuggested {
				return relEnd{}, false
			}
			return relEnd{s.Layer, s.Label, s.Start, s.End}, true
		}
		for _, r := range d.Relations {
			if r.Layer != layer || r.Origin == annotate.OriginSuggested {
				continue
			}
			from, okf := end(r.From)
			to, okt := end(r.To)
			if okf && okt {
				out = append(out, relKey{from, to, r.Type})
			}
		}
	}
	return out, d.Status != annotate.StatusNew || len(out) > 0
}

// relNotMeasured is the note of a relation layer's measures that only
// span layers have.
const relNotMeasured = "cohen_kappa, fleiss_kappa, alpha, alpha_u, f1_overlap: measures of span layers; a relation layer has f1_exact (from, to and type) and f1_unlabelled (from and to)"

// measureRelations measures relation layer over docs, marking in measured
// the documents at least two annotators worked on in it.
func measureRelations(anns []*Annotation, docs []*aligned, layer string, measured []bool) *LayerReport {
	R := len(anns)
	lr := &LayerReport{Kind: KindRelations, Unit: "relation", Labels: map[string]*Measures{}}
	var types []string
	for _, a := range anns {
		if rl, ok := a.Schema.RelationLayer(layer); ok {
			for _, t := range rl.Types {
				if !slices.Contains(types, t.Name) {
					types = append(types, t.Name)
				}
			}
		}
	}
	nSchema := len(types)
	type pairKey struct{ a, b int }
	var pairs []pairKey
	for a := range R {
		for b := a + 1; b < R; b++ {
			pairs = append(pairs, pairKey{a, b})
		}
	}
	accs := make([]*pairAcc, len(pairs))
	for i := range accs {
		accs[i] = &pairAcc{labels: map[string]*[4]int{}, confusion: map[string]map[string]int{}}
	}
	typeUnits := map[string]int{}
	rels := make([][]relKey, R)
	worked := make([]bool, R)
	for di, al := range docs {
		n := 0
		for r, d := range al.docs {
			rels[r], worked[r] = nil, false
			if d == nil {
				continue
			}
			rels[r], worked[r] = relWork(d, layer)
			if worked[r] {
				n++
			}
		}
		if n < 2 {
			continue
		}
		measured[di] = true
		lr.Documents++
		for r := range R {
			if !worked[r] {
				continue
			}
			lr.Units += len(rels[r])
			for _, k := range rels[r] {
				typeUnits[k.typ]++
				if !slices.Contains(types, k.typ) {
					types = append(types, k.typ)
				}
			}
		}
		for i, pk := range pairs {
			if !worked[pk.a] || !worked[pk.b] {
				continue
			}
			matchRelations(accs[i], rels[pk.a], rels[pk.b])
		}
	}
	slices.Sort(types[nSchema:])
	lr.LabelOrder = types
	lr.Notes = append(lr.Notes, relNotMeasured)
	labelled := func(a *pairAcc) (int, int, int) { return a.nA, a.nB, a.exact }
	unlabelled := func(a *pairAcc) (int, int, int) { return a.nA, a.nB, a.overlap }
	for i, pk := range pairs {
		acc := accs[i]
		p := Pair{A: anns[pk.a].Annotator, B: anns[pk.b].Annotator, Documents: acc.docs, Units: acc.nA + acc.nB,
			RelationsA: acc.nA, RelationsB: acc.nB, Confusion: acc.confusion}
		p.Notes = append(p.Notes, "cohen_kappa, f1_overlap: measures of span layers")
		p.PrecisionExact, p.RecallExact, p.F1Exact = prf(acc.nA, acc.nB, acc.exact, &p.Notes, "exact", "relation")
		p.PrecisionUnlabelled, p.RecallUnlabelled, p.F1Unlabelled = prf(acc.nA, acc.nB, acc.overlap, &p.Notes, "unlabelled", "relation")
		if acc.docs == 0 {
			p.Notes = append(p.Notes, "no document both worked on in this relation layer")
		}
		lr.Pairs = append(lr.Pairs, p)
	}
	lr.F1Exact = meanF1(accs, labelled, &lr.Notes, "f1_exact", "relation")
	lr.F1Unlabelled = meanF1(accs, unlabelled, &lr.Notes, "f1_unlabelled", "relation")
	for _, typ := range types {
		m := &Measures{Units: typeUnits[typ]}
		m.F1Exact = meanF1(accs, func(a *pairAcc) (int, int, int) {
			c := a.labels[typ]
			if c == nil {
				return 0, 0, 0
			}
			return c[0], c[1], c[2]
		}, &m.Notes, "f1_exact", "relation")
		m.Notes = append(m.Notes, "cohen_kappa, fleiss_kappa, alpha, alpha_u, f1_overlap: measures of span layers")
		lr.Labels[typ] = m
	}
	return lr
}

// matchRelations adds to acc one document's relations of two annotators:
// counts, labelled matches (exact, per type) and unlabelled ones (overlap),
// and the confusion of the types of relations matched unlabelled.
func matchRelations(acc *pairAcc, a, b []relKey) {
	acc.docs++
	acc.nA += len(a)
	acc.nB += len(b)
	for _, x := range a {
		acc.label(x.typ)[0]++
	}
	for _, y := range b {
		acc.label(y.typ)[1]++
	}
	matchedA, matchedB := make([]bool, len(a)), make([]bool, len(b))
	// Labelled first (a labelled match is an unlabelled one too), then
	// the rest by (from, to) whatever the type; each in order.
	same := map[relKey][]int{}
	for i, x := range a {
		same[x] = append(same[x], i)
	}
	for j, y := range b {
		if is := same[y]; len(is) > 0 {
			same[y] = is[1:]
			matchedA[is[0]], matchedB[j] = true, true
			acc.exact++
			acc.overlap++
			acc.label(y.typ)[2]++
			confuse(acc.confusion, y.typ, y.typ)
		}
	}
	ends := map[[2]relEnd][]int{}
	for i, x := range a {
		if !matchedA[i] {
			ends[[2]relEnd{x.from, x.to}] = append(ends[[2]relEnd{x.from, x.to}], i)
		}
	}
	for j, y := range b {
		k := [2]relEnd{y.from, y.to}
		if is := ends[k]; !matchedB[j] && len(is) > 0 {
			ends[k] = is[1:]
			matchedA[is[0]], matchedB[j] = true, true
			acc.overlap++
			confuse(acc.confusion, a[is[0]].typ, y.typ)
		}
	}
	for i, x := range a {
		if !matchedA[i] {
			confuse(acc.confusion, x.typ, "")
		}
	}
	for j, y := range b {
		if !matchedB[j] {
			confuse(acc.confusion, "", y.typ)
		}
	}
}

// relationLayers lists the relation layers of the annotators' schemas, in
// order.
func relationLayers(anns []*Annotation) []string {
	var out []string
	for _, a := range anns {
		for _, rl := range a.Schema.Relations {
			if !slices.Contains(out, rl.Name) {
				out = append(out, rl.Name)
			}
		}
	}
	return out
}

// knownLayer reports whether some annotator's schema has a span layer
// (spans true) or a relation layer called name.
func knownLayer(anns []*Annotation, name string) (known, relation bool) {
	for _, a := range anns {
		if _, ok := a.Schema.Layer(name); ok {
			return true, false
		}
	}
	for _, a := range anns {
		if _, ok := a.Schema.RelationLayer(name); ok {
			return true, true
		}
	}
	return false, false
}
