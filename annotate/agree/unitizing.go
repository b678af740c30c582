package agree

import (
	"fmt"
	"slices"
	"sort"
)

// Krippendorff's αu for unitizing (Krippendorff 1995; Content Analysis,
// 2004, pp. 251–256), as DKPro Agreement computes it
// (KrippendorffAlphaUnitizingAgreement): on one continuum [0, L), each
// annotator's units of a category, with the gaps between them, are
// segments; the observed disagreement of a category sums, over every pair
// of annotators and every pair of their segments that overlap, the
// squared differences of the ends of two units, or the squared length of
// a unit that lies inside a gap of the other; the expected disagreement
// considers every unitizing the annotators' units and gaps allow. The
// overall αu is 1 − the mean observed disagreement of the categories used
// / their mean expected disagreement.

// ucUnit is one annotator's unit of one category on the continuum.
type ucUnit struct {
	start, end int64
	rater      int
	cat        int
}

// unitizing is a unitizing study: R annotators on the continuum [0, L).
type unitizing struct {
	units []ucUnit
	l     int64
	r     int
	k     int // categories: 0 … k-1
	// bad[c], when not "", is why category c cannot be measured (two
	// units of one annotator overlap).
	bad []string
}

// segment is a unit (unit true) or a gap of one annotator.
type segment struct {
	start, end int64
	unit       bool
}

// segments returns the units of category c of annotator r with the gaps
// around them, in order over [0, L), or an error when two of them overlap
// (αu has no rule for that).
func (s *unitizing) segments(units []ucUnit) ([]segment, error) {
	var out []segment
	pos := int64(0)
	for _, u := range units {
		if u.start < pos {
			return nil, fmt.Errorf("two units of one annotator overlap at %d", u.start)
		}
		if u.start > pos {
			out = append(out, segment{pos, u.start, false})
		}
		out = append(out, segment{u.start, u.end, true})
		pos = u.end
	}
	if pos < s.l {
		out = append(out, segment{pos, s.l, false})
	}
	return out, nil
}

// distance is the disagreement of two overlapping segments.
func distance(a, b segment) float64 {
	switch {
	case a.unit && b.unit:
		ds, de := float64(a.start-b.start), float64(a.end-b.end)
		return ds*ds + de*de
	case a.unit && b.start <= a.start && a.end <= b.end:
		l := float64(a.end - a.start)
		return l * l
	case b.unit && a.start <= b.start && b.end <= a.end:
		l := float64(b.end - b.start)
		return l * l
	}
	return 0
}

// disagreement is the observed and the expected disagreement of
// category c.
func (s *unitizing) disagreement(c int) (do, de float64, err error) {
	byRater := make([][]ucUnit, s.r)
	nc, squares := 0, 0.0
	for _, u := range s.units {
		if u.cat == c {
			byRater[u.rater] = append(byRater[u.rater], u)
			nc++
			l := float64(u.end - u.start)
			squares += l * (l - 1)
		}
	}
	segs := make([][]segment, s.r)
	var gaps []float64
	for r := range s.r {
		slices.SortFunc(byRater[r], func(a, b ucUnit) int {
			if a.start != b.start {
				return int(a.start - b.start)
			}
			return int(a.end - b.end)
		})
		if segs[r], err = s.segments(byRater[r]); err != nil {
			return 0, 0, err
		}
		for _, g := range segs[r] {
			if !g.unit {
				gaps = append(gaps, float64(g.end-g.start))
			}
		}
	}
	// Observed: every pair of annotators, every overlapping pair of
	// their segments (a sweep: the segment that ends first moves on).
	for a := range s.r {
		for b := a + 1; b < s.r; b++ {
			x, y := segs[a], segs[b]
			for i, j := 0, 0; i < len(x) && j < len(y); {
				if x[i].start < y[j].end && y[j].start < x[i].end {
					do += distance(x[i], y[j])
				}
				switch {
				case x[i].end < y[j].end:
					i++
				case y[j].end < x[i].end:
					j++
				default:
					i, j = i+1, j+1
				}
			}
		}
	}
	l, r := float64(s.l), float64(s.r)
	do = 2 * do / (r * (r - 1) * l * l)
	// Expected: each unit of c (length λ) against the other units and
	// against every gap at least as long as it: (N_c − 1)(2λ³ − 3λ² + λ)/3
	// + λ²·Σ_{gaps g ≥ λ} (g − λ + 1).
	sort.Float64s(gaps)
	suffix := make([]float64, len(gaps)+1)
	for i := len(gaps) - 1; i >= 0; i-- {
		suffix[i] = suffix[i+1] + gaps[i]
	}
	for _, u := range s.units {
		if u.cat != c {
			continue
		}
		lam := float64(u.end - u.start)
		de += float64(nc-1) * (2*lam*lam*lam - 3*lam*lam + lam) / 3
		i := sort.SearchFloat64s(gaps, lam)
		de += lam * lam * (suffix[i] - (lam-1)*float64(len(gaps)-i))
	}
	de = de * 2 / l / (r*l*(r*l-1) - squares)
	return do, de, nil
}

// alphaU is αu of every category (per[c]; a category no unit has gets
// none) and over all the categories used.
func (s *unitizing) alphaU() (overall result, per []result) {
	per = make([]result, s.k)
	if s.r < 2 {
		overall = none("fewer than two annotators")
		for c := range per {
			per[c] = overall
		}
		return overall, per
	}
	if s.l == 0 {
		overall = none("no text every annotator worked on")
		for c := range per {
			per[c] = overall
		}
		return overall, per
	}
	used := make([]int, s.k)
	for _, u := range s.units {
		used[u.cat]++
	}
	var sumDo, sumDe float64
	var cats int
	var bad error
	for c := range s.k {
		if used[c] == 0 {
			per[c] = none("no annotator marked a span of it in the documents every annotator worked on")
			continue
		}
		if c < len(s.bad) && s.bad[c] != "" {
			per[c] = none(s.bad[c])
			bad = fmt.Errorf("%s", s.bad[c])
			continue
		}
		do, de, err := s.disagreement(c)
		if err != nil {
			per[c] = none(err.Error())
			bad = err
			continue
		}
		sumDo, sumDe, cats = sumDo+do, sumDe+de, cats+1
		switch {
		case de == 0:
			per[c] = none("the expected disagreement is 0: αu is 0/0")
		default:
			per[c] = result{v: 1 - do/de, ok: true, n: used[c]}
		}
	}
	switch {
	case bad != nil:
		overall = none(bad.Error())
	case cats == 0:
		overall = none("no annotator marked a span")
	case sumDe == 0:
		overall = none("the expected disagreement is 0: αu is 0/0")
	default:
		overall = result{v: 1 - sumDo/sumDe, ok: true, n: len(s.units)}
	}
	return overall, per
}
