// Package agree measures how far several annotators agree on one corpus:
// the project files handed out to them (one per annotator), their
// documents matched by the SHA-256 of their clean text
// (annotate.Document.TextHash), never by name or ID.
//
// A document an annotator has not worked on — status new and no span in
// the layer — is missing data for that annotator, not disagreement;
// imported spans count as work; suggested spans never accepted count
// neither as work nor as annotations. Only documents at least two
// annotators worked on are measured.
//
// Per layer it computes, at token level (each token a unit whose value is
// the label of the spans over it, in whole or in part, or none; several
// labels make one value, the set of them) when every annotator has the
// same tokens, else at
// character level (said so): Cohen's κ per pair of annotators and their
// mean, Fleiss' κ (over the units every annotator has a value for) and
// Krippendorff's α, nominal, with missing data; at span level
// Krippendorff's αu (unitizing, as DKPro Agreement computes it) on the
// continuum of the documents every annotator worked on, one after the
// other, and precision, recall and F1 per pair with spans matched one to
// one, exactly and by overlap (the rule: see match.go), with a confusion
// table of the labels of matched spans; and every measure again per label
// (a unit's value: the label or not). A measure that cannot be computed
// is nil, with the reason in Notes. A relation layer is measured by
// precision, recall and F1 per pair on (from span, to span, type) and on
// (from span, to span), its spans matched across the files by exact
// offsets and label (see relations.go).
package agree

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// Annotation is one annotator's work, as Measure compares it: what Load
// reads of a project file.
type Annotation struct {
	Annotator string
	Path      string
	Schema    *annotate.Schema
	Docs      []Doc
}

// Doc is one document of an Annotation.
type Doc struct {
	Name   string
	Hash   string // annotate.HashText of the clean text
	Chars  int    // code points of the clean text
	Status annotate.Status
	Tokens []text.Token // Start and End are read
	Spans  []annotate.Span
	// Relations link Spans by their IDs (From, To, Layer, Type and
	// Origin are read).
	Relations []annotate.Relation
}

// Options choose what Measure measures.
type Options struct {
	// Layers to measure, span or relation layers; nil: every layer of
	// the annotators' schemas, the span layers, then the relation layers.
	Layers []string
}

// Measures are the coefficients of a layer, of one label of it, or of a
// pair of annotators; nil where one cannot be computed, the reason in
// Notes.
type Measures struct {
	Units       int      `json:"units"`
	CohenKappa  *float64 `json:"cohen_kappa"`
	FleissKappa *float64 `json:"fleiss_kappa"`
	Alpha       *float64 `json:"alpha"`
	AlphaU      *float64 `json:"alpha_u"`
	F1Exact     *float64 `json:"f1_exact"`
	F1Overlap   *float64 `json:"f1_overlap"`
	// F1Unlabelled is a relation layer's F1 on (from span, to span)
	// whatever the type; absent for a span layer.
	F1Unlabelled *float64 `json:"f1_unlabelled,omitempty"`
	Notes        []string `json:"notes,omitempty"`
}

// Pair is what two annotators agree on in a layer, over the documents
// both worked on: Cohen's κ, and precision (of B's spans), recall (of A's)
// and F1 of their spans matched one to one, exactly and by overlap, with
// the confusion table of matched spans' labels (A's label → B's label →
// count; "" for a span the other has no match for).
type Pair struct {
	A                string   `json:"a"`
	B                string   `json:"b"`
	Documents        int      `json:"documents"`
	Units            int      `json:"units"`
	CohenKappa       *float64 `json:"cohen_kappa"`
	F1Exact          *float64 `json:"f1_exact"`
	F1Overlap        *float64 `json:"f1_overlap"`
	PrecisionExact   *float64 `json:"precision_exact"`
	RecallExact      *float64 `json:"recall_exact"`
	PrecisionOverlap *float64 `json:"precision_overlap"`
	RecallOverlap    *float64 `json:"recall_overlap"`
	SpansA           int      `json:"spans_a"`
	SpansB           int      `json:"spans_b"`
	// A relation layer's pairs: the relations compared, and precision,
	// recall and F1 on (from, to) whatever the type (F1Exact and the
	// others are on from, to and type); the confusion table is of the
	// types of relations matched on (from, to).
	RelationsA          int                       `json:"relations_a,omitempty"`
	RelationsB          int                       `json:"relations_b,omitempty"`
	F1Unlabelled        *float64                  `json:"f1_unlabelled,omitempty"`
	PrecisionUnlabelled *float64                  `json:"precision_unlabelled,omitempty"`
	RecallUnlabelled    *float64                  `json:"recall_unlabelled,omitempty"`
	Confusion           map[string]map[string]int `json:"confusion"`
	Notes               []string                  `json:"notes,omitempty"`
}

// The kinds of layer a LayerReport is of.
const (
	KindSpans     = "spans"
	KindRelations = "relations"
)

// LayerReport is the agreement on one layer: its kind (KindSpans or
// KindRelations), its Measures, the unit ("token" or "character"; for a
// relation layer "relation", Units the relations compared), the documents
// measured, each label's (a relation layer's: each type's) Measures and
// each pair's.
type LayerReport struct {
	Kind string `json:"kind"`
	Measures
	Unit      string               `json:"unit"`
	Documents int                  `json:"documents"`
	Labels    map[string]*Measures `json:"labels"`
	Pairs     []Pair               `json:"pairs"`
	// LabelOrder is the labels (types) in schema order (then the others,
	// sorted).
	LabelOrder []string `json:"-"`
}

// Report is what Measure found.
type Report struct {
	Annotators []string                `json:"annotators"`
	Files      []string                `json:"files"`
	Documents  int                     `json:"documents"` // measured: at least two annotators worked on them, in some layer
	Layers     map[string]*LayerReport `json:"layers"`
	Notes      []string                `json:"notes,omitempty"`
	// LayerOrder is the layers in schema order, span layers first.
	LayerOrder []string `json:"-"`
}

// aligned is one document (one text) across the annotations: docs[r] is
// annotator r's, nil when r's file does not have it.
type aligned struct {
	name  string
	chars int
	docs  []*Doc
}

// Measure compares the annotations (two or more, each annotator's name
// given once) document by document, matched by text hash.
func Measure(anns []*Annotation, opts Options) (*Report, error) {
	if len(anns) < 2 {
		return nil, fmt.Errorf("agree: want two or more annotators' files, got %d", len(anns))
	}
	rep := &Report{Layers: map[string]*LayerReport{}}
	seen := map[string]string{}
	for _, a := range anns {
		if other, ok := seen[a.Annotator]; ok {
			return nil, fmt.Errorf("agree: %s and %s are both annotator %q: give each annotator's file once", other, a.Path, a.Annotator)
		}
		seen[a.Annotator] = a.Path
		rep.Annotators = append(rep.Annotators, a.Annotator)
		rep.Files = append(rep.Files, a.Path)
	}
	docs := align(anns, rep)
	layers := opts.Layers
	if layers == nil {
		for _, a := range anns {
			for _, l := range a.Schema.Layers {
				if !slices.Contains(layers, l.Name) {
					layers = append(layers, l.Name)
				}
			}
		}
		layers = append(layers, relationLayers(anns)...)
	}
	measured := make([]bool, len(docs))
	for _, name := range layers {
		known, relation := knownLayer(anns, name)
		switch {
		case !known:
			return nil, fmt.Errorf("agree: no annotator's schema has a layer %q (nor a relation layer)", name)
		case relation:
			rep.Layers[name] = measureRelations(anns, docs, name, measured)
		default:
			rep.Layers[name] = measureLayer(anns, docs, name, measured)
		}
		rep.LayerOrder = append(rep.LayerOrder, name)
	}
	for _, m := range measured {
		if m {
			rep.Documents++
		}
	}
	return rep, nil
}

// align matches the annotations' documents by text hash, in the order of
// the first file that has each, noting texts that are not in every file
// and texts a file has twice (only the first of which is compared).
func align(anns []*Annotation, rep *Report) []*aligned {
	var docs []*aligned
	byHash := map[string]*aligned{}
	for r, a := range anns {
		for i := range a.Docs {
			d := &a.Docs[i]
			al, ok := byHash[d.Hash]
			if !ok {
				al = &aligned{name: d.Name, chars: d.Chars, docs: make([]*Doc, len(anns))}
				byHash[d.Hash] = al
				docs = append(docs, al)
			}
			if al.docs[r] != nil {
				rep.Notes = append(rep.Notes, fmt.Sprintf("%s: documents %q and %q have the same text: only the first is compared", a.Path, al.docs[r].Name, d.Name))
				continue
			}
			al.docs[r] = d
		}
	}
	var partial []string
	for _, al := range docs {
		var missingIn []string
		for r, d := range al.docs {
			if d == nil {
				missingIn = append(missingIn, anns[r].Annotator)
			}
		}
		if missingIn != nil {
			partial = append(partial, fmt.Sprintf("%q (not in the file of %s)", al.name, strings.Join(missingIn, ", ")))
		}
	}
	if len(partial) > 0 {
		const show = 10
		total, more := len(partial), ""
		if len(partial) > show {
			more = fmt.Sprintf(" and %d more", len(partial)-show)
			partial = partial[:show]
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s not in every file (matched by the SHA-256 of their clean text; missing data for the others): %s%s",
			count(total, "document is", "documents are"), strings.Join(partial, ", "), more))
	}
	return docs
}

// f is a result as a Measures field.
func f(r result, notes *[]string, what string) *float64 {
	if !r.ok {
		*notes = append(*notes, what+": "+r.why)
		return nil
	}
	v := r.v
	return &v
}

// mean is the mean of the results that are there, noting those that are
// not.
func mean(rs []result, notes *[]string, what string) *float64 {
	var sum float64
	var n int
	var whys []string
	for _, r := range rs {
		if r.ok {
			sum += r.v
			n++
		} else if !slices.Contains(whys, r.why) {
			whys = append(whys, r.why)
		}
	}
	switch {
	case n == 0 && len(rs) == 0:
		*notes = append(*notes, what+": no pair of annotators worked on a document together")
		return nil
	case n == 0:
		*notes = append(*notes, what+": for no pair: "+strings.Join(whys, "; "))
		return nil
	case n < len(rs):
		*notes = append(*notes, fmt.Sprintf("%s: the mean of %d of %d pairs (the others: %s)", what, n, len(rs), strings.Join(whys, "; ")))
	}
	v := sum / float64(n)
	return &v
}

// labelSets numbers the values of units: 0 is no label, the others sets
// of labels.
type labelSets struct {
	sets  [][]string
	index map[string]int32
}

func newLabelSets() *labelSets {
	return &labelSets{sets: [][]string{nil}, index: map[string]int32{"": 0}}
}

// with returns the value of set v with label added.
func (ls *labelSets) with(v int32, label string) int32 {
	set := ls.sets[v]
	if slices.Contains(set, label) {
		return v
	}
	set = append(slices.Clone(set), label)
	slices.Sort(set)
	key := strings.Join(set, "\x00")
	if i, ok := ls.index[key]; ok {
		return i
	}
	i := int32(len(ls.sets))
	ls.sets = append(ls.sets, set)
	ls.index[key] = i
	return i
}

// pairAcc accumulates a pair's span counts.
type pairAcc struct {
	docs                   int
	nA, nB, exact, overlap int
	labels                 map[string]*[4]int // nA, nB, exact, overlap
	confusion              map[string]map[string]int
}

func (p *pairAcc) label(l string) *[4]int {
	c, ok := p.labels[l]
	if !ok {
		c = new([4]int)
		p.labels[l] = c
	}
	return c
}

// measureLayer measures layer over docs, marking in measured the
// documents at least two annotators worked on in it.
func measureLayer(anns []*Annotation, docs []*aligned, layer string, measured []bool) *LayerReport {
	R := len(anns)
	lr := &LayerReport{Kind: KindSpans, Labels: map[string]*Measures{}, Unit: "token"}
	// The labels: the schemas' (in order), then those only spans have.
	var labels []string
	for _, a := range anns {
		if l, ok := a.Schema.Layer(layer); ok {
			for _, lb := range l.Labels {
				if !slices.Contains(labels, lb.Name) {
					labels = append(labels, lb.Name)
				}
			}
		}
	}
	nSchema := len(labels)
	// Each document's spans of the layer per annotator, and who worked.
	type docWork struct {
		al     *aligned
		spans  [][]annotate.Span
		worked []bool
		n      int
	}
	var works []docWork
	for i, al := range docs {
		w := docWork{al: al, spans: make([][]annotate.Span, R), worked: make([]bool, R)}
		for r, d := range al.docs {
			if d == nil {
				continue
			}
			w.spans[r], w.worked[r] = work(d, layer)
			for _, s := range w.spans[r] {
				if !slices.Contains(labels, s.Label) {
					labels = append(labels, s.Label)
				}
			}
			if w.worked[r] {
				w.n++
			}
		}
		if w.n >= 2 {
			works = append(works, w)
			measured[i] = true
		}
	}
	slices.Sort(labels[nSchema:])
	lr.LabelOrder = labels
	lr.Documents = len(works)
	// Token level when every annotator who worked on a document has the
	// same tokens, else character level.
	for _, w := range works {
		var first []text.Token
		for r, d := range w.al.docs {
			if !w.worked[r] {
				continue
			}
			if first == nil {
				first = d.Tokens
				if len(first) == 0 {
					lr.Unit = "character"
					lr.Notes = append(lr.Notes, fmt.Sprintf("character level: document %q has no tokens", w.al.name))
					break
				}
				continue
			}
			if !sameTokens(first, d.Tokens) {
				lr.Unit = "character"
				lr.Notes = append(lr.Notes, fmt.Sprintf("character level: the annotators' tokens of document %q differ", w.al.name))
				break
			}
		}
		if lr.Unit == "character" {
			break
		}
	}
	// The coding study: each unit's value per annotator.
	sets := newLabelSets()
	vals := make([][]int32, R)
	for _, w := range works {
		var bounds []text.Token // the units: tokens, or nil for characters
		nu := w.al.chars
		if lr.Unit == "token" {
			for r := range R {
				if w.worked[r] {
					bounds = w.al.docs[r].Tokens
					break
				}
			}
			nu = len(bounds)
		}
		for r := range R {
			base := len(vals[r])
			vals[r] = slices.Grow(vals[r], nu)[:base+nu]
			v := vals[r][base:]
			if !w.worked[r] {
				for u := range v {
					v[u] = missing
				}
				continue
			}
			clear(v)
			for _, s := range w.spans[r] {
				from, to := s.Start, s.End
				if bounds != nil {
					from = sort.Search(len(bounds), func(i int) bool { return bounds[i].End > s.Start })
					to = sort.Search(len(bounds), func(i int) bool { return bounds[i].Start >= s.End })
				}
				for u := max(from, 0); u < min(to, nu); u++ {
					v[u] = sets.with(v[u], s.Label)
				}
			}
		}
	}
	units := 0
	if R > 0 {
		units = len(vals[0])
	}
	study := coding{vals: vals, k: len(sets.sets)}
	lr.Units = units
	// Span matching per pair.
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
	ms := make([][]mspan, R)
	for _, w := range works {
		for r := range R {
			ms[r] = ms[r][:0]
			for _, s := range w.spans[r] {
				ms[r] = append(ms[r], mspan{s.Start, s.End, s.Label})
			}
		}
		for i, pk := range pairs {
			if !w.worked[pk.a] || !w.worked[pk.b] {
				continue
			}
			acc := accs[i]
			acc.docs++
			a, b := ms[pk.a], ms[pk.b]
			acc.nA += len(a)
			acc.nB += len(b)
			for _, x := range a {
				acc.label(x.label)[0]++
			}
			for _, y := range b {
				acc.label(y.label)[1]++
			}
			// Exact, per label (matches never cross labels).
			exact := map[mspan]int{}
			for _, x := range a {
				exact[x]++
			}
			for _, y := range b {
				if exact[y] > 0 {
					exact[y]--
					acc.exact++
					acc.label(y.label)[2]++
				}
			}
			for _, m := range matchOverlap(a, b, true) {
				acc.overlap++
				acc.label(a[m[0]].label)[3]++
			}
			usedA, usedB := make([]bool, len(a)), make([]bool, len(b))
			for _, m := range matchOverlap(a, b, false) {
				usedA[m[0]], usedB[m[1]] = true, true
				confuse(acc.confusion, a[m[0]].label, b[m[1]].label)
			}
			for i, x := range a {
				if !usedA[i] {
					confuse(acc.confusion, x.label, "")
				}
			}
			for i, y := range b {
				if !usedB[i] {
					confuse(acc.confusion, "", y.label)
				}
			}
		}
	}
	// The unitizing study: the documents every annotator worked on, one
	// after the other.
	labelIndex := map[string]int{}
	for i, l := range labels {
		labelIndex[l] = i
	}
	uz := &unitizing{r: R, k: len(labels)}
	bad := make([]string, len(labels))
	left := 0
	for _, w := range works {
		if w.n < R {
			left++
			continue
		}
		for r := range R {
			spans := slices.Clone(w.spans[r])
			slices.SortFunc(spans, func(x, y annotate.Span) int {
				return cmp.Or(cmp.Compare(x.Label, y.Label), cmp.Compare(x.Start, y.Start), cmp.Compare(x.End, y.End))
			})
			for i, s := range spans {
				if i > 0 && spans[i-1].Label == s.Label && spans[i-1].End > s.Start && bad[labelIndex[s.Label]] == "" {
					bad[labelIndex[s.Label]] = fmt.Sprintf("%s's spans %s and %s in document %q overlap (αu needs the units of one label of one annotator apart)",
						anns[r].Annotator, spans[i-1], s, w.al.name)
				}
				uz.units = append(uz.units, ucUnit{start: uz.l + int64(s.Start), end: uz.l + int64(s.End), rater: r, cat: labelIndex[s.Label]})
			}
		}
		uz.l += int64(w.al.chars)
	}
	uz.bad = bad
	if left > 0 && uz.l > 0 {
		lr.Notes = append(lr.Notes, fmt.Sprintf("alpha_u: over the %s every annotator worked on; %d with missing annotators left out (αu has no rule for missing data)",
			count(len(works)-left, "document", "documents"), left))
	}
	alphaU, perU := uz.alphaU()
	// The layer's measures.
	cohens := make([]result, len(pairs))
	for i, pk := range pairs {
		acc := accs[i]
		p := Pair{A: anns[pk.a].Annotator, B: anns[pk.b].Annotator, Documents: acc.docs, SpansA: acc.nA, SpansB: acc.nB, Confusion: acc.confusion}
		cohens[i] = study.cohen(pk.a, pk.b)
		p.Units = cohens[i].n
		p.CohenKappa = f(cohens[i], &p.Notes, "cohen_kappa")
		p.PrecisionExact, p.RecallExact, p.F1Exact = prf(acc.nA, acc.nB, acc.exact, &p.Notes, "exact", "span")
		p.PrecisionOverlap, p.RecallOverlap, p.F1Overlap = prf(acc.nA, acc.nB, acc.overlap, &p.Notes, "overlap", "span")
		lr.Pairs = append(lr.Pairs, p)
	}
	lr.CohenKappa = mean(cohens, &lr.Notes, "cohen_kappa")
	lr.FleissKappa = f(study.fleiss(), &lr.Notes, "fleiss_kappa")
	lr.Alpha = f(study.alpha(), &lr.Notes, "alpha")
	lr.AlphaU = f(alphaU, &lr.Notes, "alpha_u")
	lr.F1Exact = meanF1(accs, func(a *pairAcc) (int, int, int) { return a.nA, a.nB, a.exact }, &lr.Notes, "f1_exact", "span")
	lr.F1Overlap = meanF1(accs, func(a *pairAcc) (int, int, int) { return a.nA, a.nB, a.overlap }, &lr.Notes, "f1_overlap", "span")
	// Each label's.
	for li, label := range labels {
		m := &Measures{Units: units}
		in := make([]bool, len(sets.sets))
		for v, set := range sets.sets {
			in[v] = slices.Contains(set, label)
		}
		bin := study.binary(in)
		cs := make([]result, len(pairs))
		for i, pk := range pairs {
			cs[i] = bin.cohen(pk.a, pk.b)
		}
		m.CohenKappa = mean(cs, &m.Notes, "cohen_kappa")
		m.FleissKappa = f(bin.fleiss(), &m.Notes, "fleiss_kappa")
		m.Alpha = f(bin.alpha(), &m.Notes, "alpha")
		m.AlphaU = f(perU[li], &m.Notes, "alpha_u")
		count := func(k int) func(a *pairAcc) (int, int, int) {
			return func(a *pairAcc) (int, int, int) {
				c := a.labels[label]
				if c == nil {
					return 0, 0, 0
				}
				return c[0], c[1], c[k]
			}
		}
		m.F1Exact = meanF1(accs, count(2), &m.Notes, "f1_exact", "span")
		m.F1Overlap = meanF1(accs, count(3), &m.Notes, "f1_overlap", "span")
		lr.Labels[label] = m
	}
	return lr
}

// count is n with the singular or the plural.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func confuse(t map[string]map[string]int, a, b string) {
	row, ok := t[a]
	if !ok {
		row = map[string]int{}
		t[a] = row
	}
	row[b]++
}

// prf is precision (of B's spans or relations: noun), recall (of A's)
// and F1 of those matched.
func prf(nA, nB, matched int, notes *[]string, what, noun string) (p, r, f1 *float64) {
	ratio := func(x, y int) *float64 {
		if y == 0 {
			return nil
		}
		v := float64(x) / float64(y)
		return &v
	}
	p, r, f1 = ratio(matched, nB), ratio(matched, nA), ratio(2*matched, nA+nB)
	switch {
	case nA+nB == 0:
		*notes = append(*notes, what+": neither annotator marked a "+noun+": no precision, recall or F1")
	case nB == 0:
		*notes = append(*notes, what+": precision: the second annotator marked no "+noun)
	case nA == 0:
		*notes = append(*notes, what+": recall: the first annotator marked no "+noun)
	}
	return p, r, f1
}

// meanF1 is the mean over the pairs of F1 from count's numbers (spans, or
// relations: noun, of A, of B, matched).
func meanF1(accs []*pairAcc, count func(*pairAcc) (int, int, int), notes *[]string, what, noun string) *float64 {
	var rs []result
	for _, a := range accs {
		if a.docs == 0 {
			rs = append(rs, none("no document both worked on"))
			continue
		}
		nA, nB, m := count(a)
		if nA+nB == 0 {
			rs = append(rs, none("neither annotator marked a "+noun))
			continue
		}
		rs = append(rs, result{v: 2 * float64(m) / float64(nA+nB), ok: true})
	}
	return mean(rs, notes, what)
}

func sameTokens(a, b []text.Token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Start != b[i].Start || a[i].End != b[i].End {
			return false
		}
	}
	return true
}
