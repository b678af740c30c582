package agree

// The coefficients of coding studies: every unit (a token, or a
// character) has one value per annotator, or none when the annotator did
// not work on its document (missing).

// missing is the value of a unit an annotator has no value for.
const missing = -1

// coding is a coding study: vals[r][u] is annotator r's value of unit u,
// a category index in [0, k), or missing.
type coding struct {
	vals [][]int32
	k    int
}

// binary is the study of one category against the rest: a unit's value is
// 1 where its category is in (the label set holds the label), else 0.
func (c coding) binary(in []bool) coding {
	out := coding{vals: make([][]int32, len(c.vals)), k: 2}
	for r, vs := range c.vals {
		b := make([]int32, len(vs))
		for u, v := range vs {
			switch {
			case v == missing:
				b[u] = missing
			case in[v]:
				b[u] = 1
			}
		}
		out.vals[r] = b
	}
	return out
}

// result is a coefficient, or why there is none.
type result struct {
	v   float64
	ok  bool
	why string
	n   int // the units it was computed over
}

func none(why string) result { return result{why: why} }

// cohen is Cohen's κ of annotators a and b over the units both have a
// value for: (pₒ − pₑ) / (1 − pₑ), pₑ from each annotator's own
// distribution of values.
func (c coding) cohen(a, b int) result {
	va, vb := c.vals[a], c.vals[b]
	na, nb := make([]float64, c.k), make([]float64, c.k)
	n, same := 0, 0
	for u := range va {
		x, y := va[u], vb[u]
		if x == missing || y == missing {
			continue
		}
		n++
		na[x]++
		nb[y]++
		if x == y {
			same++
		}
	}
	if n == 0 {
		return none("no unit both annotators have a value for")
	}
	po, pe := float64(same)/float64(n), 0.0
	for i := range na {
		pe += na[i] / float64(n) * nb[i] / float64(n)
	}
	if pe >= 1 {
		return result{why: "every unit has the same value for both annotators: κ is 0/0", n: n}
	}
	return result{v: (po - pe) / (1 - pe), ok: true, n: n}
}

// fleiss is Fleiss' κ over the units every annotator has a value for (it
// has no rule for missing values; those units are left out).
func (c coding) fleiss() result {
	r := len(c.vals)
	if r < 2 {
		return none("fewer than two annotators")
	}
	counts := make([]float64, c.k)
	sumP, n := 0.0, 0
	nu := len(c.vals[0])
unit:
	for u := range nu {
		for a := range r {
			if c.vals[a][u] == missing {
				continue unit
			}
		}
		equal := 0
		for a := range r {
			counts[c.vals[a][u]]++
			for b := a + 1; b < r; b++ {
				if c.vals[a][u] == c.vals[b][u] {
					equal++
				}
			}
		}
		sumP += 2 * float64(equal) / float64(r*(r-1))
		n++
	}
	if n == 0 {
		return none("no unit every annotator has a value for (Fleiss' κ takes no missing values; see α)")
	}
	pe := 0.0
	for _, x := range counts {
		p := x / float64(n*r)
		pe += p * p
	}
	if pe >= 1 {
		return result{why: "every unit has the same value for every annotator: κ is 0/0", n: n}
	}
	pbar := sumP / float64(n)
	return result{v: (pbar - pe) / (1 - pe), ok: true, n: n}
}

// alpha is Krippendorff's α for nominal values with missing data: over the
// units that two or more annotators have a value for (pairable), from the
// coincidence matrix, 1 − (n−1)·Σ_u (disagreeing pairs of u)/(m_u−1) /
// (n² − Σ_c n_c²).
func (c coding) alpha() result {
	r := len(c.vals)
	nc := make([]float64, c.k)
	observed, n, units := 0.0, 0.0, 0
	nu := 0
	if r > 0 {
		nu = len(c.vals[0])
	}
	for u := range nu {
		m, unequal := 0, 0
		for a := range r {
			x := c.vals[a][u]
			if x == missing {
				continue
			}
			m++
			for b := a + 1; b < r; b++ {
				if y := c.vals[b][u]; y != missing && y != x {
					unequal++
				}
			}
		}
		if m < 2 {
			continue
		}
		units++
		for a := range r {
			if x := c.vals[a][u]; x != missing {
				nc[x]++
			}
		}
		n += float64(m)
		observed += 2 * float64(unequal) / float64(m-1)
	}
	if units == 0 {
		return none("no unit two annotators have a value for")
	}
	expected := n * n
	for _, x := range nc {
		expected -= x * x
	}
	if expected == 0 {
		return result{why: "every value is the same: α is 0/0", n: units}
	}
	return result{v: 1 - (n-1)*observed/expected, ok: true, n: units}
}
