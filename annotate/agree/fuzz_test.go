package agree

import (
	"math"
	"testing"
)

// spansFrom makes up to 12 spans of labels X and Y from data, three bytes
// each (start, length, label).
func spansFrom(data []byte) []mspan {
	var out []mspan
	for i := 0; i+2 < len(data) && len(out) < 12; i += 3 {
		s := int(data[i] % 40)
		out = append(out, mspan{s, s + 1 + int(data[i+1]%8), string(rune('X' + data[i+2]%2))})
	}
	return out
}

// FuzzMatchOverlap checks the matching's invariants on made-up spans: one
// to one, only overlapping pairs, the same label unless the confusion
// table asks, and never fewer overlap matches than exact ones (an exact
// match always wins its tie). Seeded from TestMatchOverlap's cases.
func FuzzMatchOverlap(f *testing.F) {
	f.Add([]byte{0, 9, 0}, []byte{0, 11, 0, 0, 9, 0})
	f.Add([]byte{0, 3, 0, 4, 3, 0}, []byte{2, 5, 0})
	f.Add([]byte{0, 1, 0, 50, 1, 0}, []byte{0, 99, 0, 10, 9, 0, 50, 0, 0})
	f.Fuzz(func(t *testing.T, da, db []byte) {
		a, b := spansFrom(da), spansFrom(db)
		for _, same := range []bool{true, false} {
			pairs := matchOverlap(a, b, same)
			usedA, usedB := map[int]bool{}, map[int]bool{}
			for _, p := range pairs {
				x, y := a[p[0]], b[p[1]]
				if usedA[p[0]] || usedB[p[1]] {
					t.Fatalf("span matched twice: %v in %v", p, pairs)
				}
				usedA[p[0]], usedB[p[1]] = true, true
				if x.start >= y.end || y.start >= x.end {
					t.Fatalf("%v and %v matched without overlapping", x, y)
				}
				if same && x.label != y.label {
					t.Fatalf("%v and %v matched across labels", x, y)
				}
			}
			if same && len(pairs) < matchExact(a, b) {
				t.Fatalf("%d overlap matches, fewer than %d exact ones (a %v, b %v)", len(pairs), matchExact(a, b), a, b)
			}
		}
	})
}

// FuzzCoefficients checks κ and α on made-up codings of three annotators
// (values 0–2, 3 missing): finite, at most 1, κ symmetric, and 1 when
// every annotator gives every unit the same value (with two values in
// use). Seeded from the hand-computed 2×2 table.
func FuzzCoefficients(f *testing.F) {
	f.Add([]byte{1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 3
		c := coding{k: 3, vals: make([][]int32, 3)}
		for r := range 3 {
			c.vals[r] = make([]int32, n)
			for u := range n {
				v := int32(data[u*3+r] % 4)
				if v == 3 {
					v = missing
				}
				c.vals[r][u] = v
			}
		}
		check := func(what string, r result) {
			if r.ok && (math.IsNaN(r.v) || math.IsInf(r.v, 0) || r.v > 1+1e-12) {
				t.Fatalf("%s = %v", what, r.v)
			}
		}
		check("alpha", c.alpha())
		check("fleiss", c.fleiss())
		for a := range 3 {
			for b := range 3 {
				k1, k2 := c.cohen(a, b), c.cohen(b, a)
				check("cohen", k1)
				if k1.ok != k2.ok || math.Abs(k1.v-k2.v) > 1e-12 {
					t.Fatalf("cohen(%d,%d) = %v, cohen(%d,%d) = %v", a, b, k1, b, a, k2)
				}
			}
		}
		same := coding{k: 3, vals: [][]int32{c.vals[0], c.vals[0]}}
		if r := same.alpha(); r.ok && math.Abs(r.v-1) > 1e-12 {
			t.Fatalf("alpha of identical codings = %v", r.v)
		}
	})
}
