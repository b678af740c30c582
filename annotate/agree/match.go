package agree

import (
	"cmp"
	"slices"
)

// The matching of two annotators' spans in one document, one to one:
//
//   - exact: two spans match when they have the same start, end and label;
//   - overlap: two spans match when they have the same label and share at
//     least one character. Of the pairs that could match, the one sharing
//     the most characters is taken first, then the one whose ends differ
//     least (so an exact match is always preferred), then the earlier
//     (by the first annotator's span, then the second's); a span taken is
//     matched to no other.
//
// Precision is the matched share of the second annotator's spans, recall
// of the first's; F1 is 2·matched / (spans of both). Unmatched spans count
// against. The confusion table matches the same way as overlap, whatever
// the labels, and counts each matched pair's two labels; an unmatched span
// is counted against no label ("").

// mspan is a span as matching sees it.
type mspan struct {
	start, end int
	label      string
}

// candidate is a pair of overlapping spans, by index.
type candidate struct {
	a, b         int
	shared, diff int
}

// matchOverlap matches a and b one to one by overlap, the same label only
// when sameLabel; it returns the pairs as indexes into a and b.
func matchOverlap(a, b []mspan, sameLabel bool) [][2]int {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	ia, ib := order(a), order(b)
	var cands []candidate
	// Sweep: b's spans by start; for each of a's (by start), those of b
	// that start before it ends and end after it starts. A span of b that
	// ends before a span of a starts ends before every later one starts.
	lo := 0
	for _, i := range ia {
		x := a[i]
		for lo < len(ib) && b[ib[lo]].end <= x.start {
			lo++
		}
		for k := lo; k < len(ib) && b[ib[k]].start < x.end; k++ {
			y := b[ib[k]]
			if y.end <= x.start || (sameLabel && y.label != x.label) {
				continue
			}
			shared := min(x.end, y.end) - max(x.start, y.start)
			diff := abs(x.start-y.start) + abs(x.end-y.end)
			cands = append(cands, candidate{i, ib[k], shared, diff})
		}
	}
	slices.SortFunc(cands, func(p, q candidate) int {
		return cmp.Or(cmp.Compare(q.shared, p.shared), cmp.Compare(p.diff, q.diff),
			cmp.Compare(a[p.a].start, a[q.a].start), cmp.Compare(b[p.b].start, b[q.b].start),
			cmp.Compare(p.a, q.a), cmp.Compare(p.b, q.b))
	})
	usedA, usedB := make([]bool, len(a)), make([]bool, len(b))
	var out [][2]int
	for _, c := range cands {
		if !usedA[c.a] && !usedB[c.b] {
			usedA[c.a], usedB[c.b] = true, true
			out = append(out, [2]int{c.a, c.b})
		}
	}
	return out
}

// order returns the indexes of s by start, then end.
func order(s []mspan) []int {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		return cmp.Or(cmp.Compare(s[i].start, s[j].start), cmp.Compare(s[i].end, s[j].end), cmp.Compare(i, j))
	})
	return idx
}

// matchExact counts the spans of a and b with the same start, end and
// label, one to one.
func matchExact(a, b []mspan) int {
	count := map[mspan]int{}
	for _, x := range a {
		count[x]++
	}
	n := 0
	for _, y := range b {
		if count[y] > 0 {
			count[y]--
			n++
		}
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
