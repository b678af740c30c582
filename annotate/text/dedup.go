package text

import (
	"slices"
	"sort"
	"unicode/utf8"
)

// Duplicate blocks. A scraped page often holds its body twice, the copies
// damaged in different places. The duplicates step removes the second copy
// of such a block, keeping the least damaged copy of each paragraph in the
// first one's place. It removes nothing else: a line that recurs on its
// own (好。 是啊。 in dialogue, a table's header, a chorus) is text and is
// kept as often as it occurs, and paragraphs that differ by a number or a
// word are different paragraphs.
//
// Two paragraphs are copies when, their spaces left out, they are equal or
// differ only where one of them is damaged: aligned (an edit script with
// the fewest insertions and deletions), every differing region has a side
// that lies wholly in damage (a damage or repaired mark; with the damage
// step off, ? \ and U+FFFD, the characters scrapers leave for lost ones),
// and the other side is no more than twice as long plus two. A copy may be
// dropped only if what it has and the kept one lacks is damage: a copy
// whose differing regions hold real text on its side is kept.
//
// A block is a run of at least minBlockParagraphs consecutive paragraphs
// (blank and removed lines between them do not count) that are copies of
// an earlier run of as many consecutive paragraphs, ending before it, with
// at least minBlockChars characters in its distinct paragraphs.
//
// Time is near-linear: exact copies are found by sorting the paragraphs'
// hashes; near copies, only needed where there is damage, by one-permutation
// MinHash over character 3-grams with banding (dedupBands bands of two
// values), each bucket holding only damaged paragraphs and each look-up
// taking at most dedupNear of them on either side. Each paragraph so has a
// bounded number of candidates, each pair of paragraphs on one diagonal
// (the same distance apart) is compared at most once, and the alignment
// stops after maxAlignEdits edits. A paragraph over maxNearKey characters
// has only exact copies; keys are hashed without being built.
const (
	minBlockParagraphs = 2
	minBlockChars      = 100
	maxAlignEdits      = 1000
	dedupBands         = 8
	dedupNear          = 4  // candidates per bucket look-up and side
	dedupMaxNear       = 16 // near candidates kept per paragraph
	maxGroupChecks     = 8  // copies a new kept copy is checked against
)

// para is a non-blank kept line as the duplicate search sees it: its key
// is its text without spaces.
type para struct {
	line    int32  // index into the lines
	keyLen  int32  // code points of the key
	damaged int32  // code points of the key that are damage
	hash    uint64 // of the key
}

// dedup is the state of one duplicate search.
type dedup struct {
	t          *lineTable
	lines      []cleanLine
	ps         []para
	damageStep bool
	twin       []int32           // the previous paragraph with the same hash, or -1
	near       map[int32][]int32 // near-copy candidates, by paragraph
	ka, kb     paraKey
	group      map[int32]int32   // line → the first line of its group of copies
	members    map[int32][]int32 // first line → the lines removed as its copies
	edits      editScratch
	done       <-chan struct{} // the search stops when it is closed
}

// removeDuplicates marks as removed the second copies of duplicate blocks
// in lines and sets the replacement of a first copy when a later copy is
// less damaged. damageStep says whether damage marks are the evidence of
// damage (else the lost-character marks are). It returns how many lines it
// removed. Once done is closed it stops early, having removed some copies
// or none (the caller returns the context's error).
func removeDuplicates(t *lineTable, damageStep bool, done <-chan struct{}) int {
	d := &dedup{t: t, lines: t.lines, damageStep: damageStep, ps: make([]para, 0, len(t.lines)), done: done}
	anyDamage := false
	var ranges [][2]int
	for i := range d.lines {
		if i&0xfff == 0 && isDone(done) {
			return 0
		}
		l := &d.lines[i]
		if l.removed || l.n == 0 {
			continue
		}
		p := para{line: int32(i)}
		p.keyLen, p.damaged, p.hash, ranges = keySummary(t, l, damageStep, ranges)
		if p.keyLen == 0 {
			continue
		}
		d.ps = append(d.ps, p)
		anyDamage = anyDamage || p.damaged > 0
	}
	if len(d.ps) < 2*minBlockParagraphs {
		return 0
	}
	d.findTwins()
	if anyDamage && !isDone(done) {
		d.findNear()
	}
	return d.scan()
}

// maxNearKey is the longest key compared other than exactly: a page body
// repeated is made of paragraphs, not of a line of a million characters.
const maxNearKey = 20000

// keySummary is line l's key length, how much of it is damage, and its
// hash (hashRunes of the key), computed without building the key; ranges
// is scratch.
func keySummary(t *lineTable, l *cleanLine, damageStep bool, ranges [][2]int) (n, damaged int32, h uint64, _ [][2]int) {
	ranges = ranges[:0]
	if damageStep {
		for _, m := range t.marks(l) {
			if m.Kind == MarkDamage || m.Kind == MarkRepaired {
				ranges = append(ranges, [2]int{m.Start, m.End})
			}
		}
		slices.SortFunc(ranges, func(a, b [2]int) int { return a[0] - b[0] })
	}
	h = fnvOffset
	i, k := 0, 0
	for _, r := range t.text(l) {
		if !isSpace(r) {
			for k < len(ranges) && ranges[k][1] <= i {
				k++
			}
			if damageStep && k < len(ranges) && ranges[k][0] <= i || !damageStep && isLostMark(r) {
				damaged++
			}
			h = (h ^ uint64(r)) * fnvPrime
			n++
		}
		i++
	}
	return n, damaged, h, ranges
}

// paraKey is a line's key: its code points without spaces, and which of
// them are damage.
type paraKey struct {
	rs      []rune
	dmg     []bool
	damaged int
	at      []bool // scratch: damage by code point of the line
}

func (k *paraKey) of(t *lineTable, l *cleanLine, damageStep bool) *paraKey {
	k.rs, k.dmg, k.damaged = k.rs[:0], k.dmg[:0], 0
	if damageStep {
		k.at = resize(k.at, int(l.n))
		for _, m := range t.marks(l) {
			if m.Kind == MarkDamage || m.Kind == MarkRepaired {
				for p := m.Start; p < m.End && p < len(k.at); p++ {
					k.at[p] = true
				}
			}
		}
	}
	i := 0
	for _, r := range t.text(l) {
		if !isSpace(r) {
			dm := isLostMark(r)
			if damageStep {
				dm = k.at[i]
			}
			k.rs = append(k.rs, r)
			k.dmg = append(k.dmg, dm)
			if dm {
				k.damaged++
			}
		}
		i++
	}
	return k
}

// mix64 is SplitMix64's finaliser: a cheap, well-spread hash of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// findTwins sets twin: for each paragraph the previous one with the same
// hash. It keeps the last paragraph of each hash in an open-addressing
// table of twice the paragraphs' number: linear time, no pointers.
func (d *dedup) findTwins() {
	size := 1
	for size < 2*len(d.ps) {
		size <<= 1
	}
	last := make([]int32, size)
	for i := range last {
		last[i] = -1
	}
	d.twin = make([]int32, len(d.ps))
	for i, p := range d.ps {
		k := p.hash & uint64(size-1)
		for last[k] >= 0 && d.ps[last[k]].hash != p.hash {
			k = (k + 1) & uint64(size-1)
		}
		d.twin[i] = last[k]
		last[k] = int32(i)
	}
}

// signature is a paragraph's banded one-permutation MinHash.
func signature(rs []rune) [dedupBands]uint64 {
	const bins = 2 * dedupBands
	var mins [bins]uint64
	var seen [bins]bool
	add := func(h uint64) {
		b := h >> 60 // bins == 16
		if v := h << 4; !seen[b] || v < mins[b] {
			mins[b], seen[b] = v, true
		}
	}
	if len(rs) < 3 {
		add(hashRunes(rs))
	}
	for i := 2; i < len(rs); i++ {
		add(mix64(uint64(rs[i-2])<<42 ^ uint64(rs[i-1])<<21 ^ uint64(rs[i])))
	}
	// An empty bin borrows from the next full one (densification).
	for b := range bins {
		if seen[b] {
			continue
		}
		for k := 1; k < bins; k++ {
			if o := (b + k) % bins; seen[o] {
				mins[b] = mix64(mins[o] + uint64(k))
				break
			}
		}
	}
	var sig [dedupBands]uint64
	for b := range sig {
		sig[b] = mix64(mins[2*b] ^ mix64(mins[2*b+1]+uint64(b)))
	}
	return sig
}

// findNear sets near: for each paragraph, damaged paragraphs before it
// that share a band with it, and for each damaged paragraph, undamaged ones
// before it that do. Only damaged paragraphs are indexed.
func (d *dedup) findNear() {
	index := map[uint64][]int32{}
	for i, p := range d.ps {
		if p.damaged == 0 || p.keyLen > maxNearKey {
			continue
		}
		for _, h := range signature(d.ka.of(d.t, &d.lines[p.line], d.damageStep).rs) {
			if l := index[h]; len(l) == 0 || l[len(l)-1] != int32(i) {
				index[h] = append(l, int32(i))
			}
		}
	}
	d.near = map[int32][]int32{}
	add := func(to, c int32) {
		l := d.near[to]
		if slices.Contains(l, c) {
			return
		}
		if len(l) == dedupMaxNear {
			l = l[1:]
		}
		d.near[to] = append(l, c)
	}
	for i, p := range d.ps {
		if p.keyLen > maxNearKey {
			continue
		}
		for _, h := range signature(d.ka.of(d.t, &d.lines[p.line], d.damageStep).rs) {
			l := index[h]
			if len(l) == 0 {
				continue
			}
			at := sort.Search(len(l), func(k int) bool { return l[k] >= int32(i) })
			for _, c := range l[max(0, at-dedupNear):at] {
				add(int32(i), c)
			}
			if p.damaged == 0 {
				for _, c := range l[at:min(len(l), at+dedupNear)] {
					add(c, int32(i))
				}
			}
		}
	}
}

// candidates are the paragraphs before j that may be its copies, the
// nearest first.
func (d *dedup) candidates(j int32, buf []int32) []int32 {
	buf = buf[:0]
	if t := d.twin[j]; t >= 0 {
		buf = append(buf, t)
	}
	for _, c := range d.near[j] {
		if c < j && !slices.Contains(buf, c) {
			buf = append(buf, c)
		}
	}
	slices.SortFunc(buf, func(a, b int32) int { return int(b - a) })
	return buf
}

// blockRun is a block: paragraphs j… are copies of i…, k of them.
type blockRun struct{ i, j, k int32 }

// scan finds the blocks in order and removes their copies.
func (d *dedup) scan() int {
	removed := 0
	n := int32(len(d.ps))
	covered := map[int32]int32{} // diagonal j-i → the last j compared on it
	last := int32(-1)            // the last paragraph of the last block
	var cands []int32
	for j, steps := int32(1), 0; j < n; steps++ {
		if steps&0xfff == 0 && isDone(d.done) {
			return removed
		}
		var best blockRun
		cands = d.candidates(j, cands)
		for _, i := range cands {
			if c, ok := covered[j-i]; ok && c >= j {
				continue
			}
			k, chars := d.follow(i, j)
			covered[j-i] = j + max(k, 1) - 1
			if k >= minBlockParagraphs && chars >= minBlockChars && k > best.k {
				best = blockRun{i, j, k}
			}
		}
		if best.k == 0 {
			j++
			continue
		}
		// The paragraphs just before the block may be copies too (a first
		// line whose nearest twin was elsewhere).
		for best.j-1 > last && best.i > 0 && d.same(best.i-1, best.j-1) {
			best.i, best.j, best.k = best.i-1, best.j-1, best.k+1
		}
		removed += d.apply(best)
		last = best.j + best.k - 1
		j = last + 1
	}
	return removed
}

// follow counts the copies i+t of j+t from t = 0 on, up to the first
// paragraph that is not one or that would overlap j, and the characters of
// their distinct paragraphs, counted until there are minBlockChars.
func (d *dedup) follow(i, j int32) (k, chars int32) {
	var distinct []uint64
	for j+k < int32(len(d.ps)) && i+k < j && d.same(i+k, j+k) {
		if p := d.ps[j+k]; chars < minBlockChars && !slices.Contains(distinct, p.hash) {
			distinct = append(distinct, p.hash)
			chars += p.keyLen
		}
		k++
	}
	return k, chars
}

// same reports whether paragraphs i and j are copies.
func (d *dedup) same(i, j int32) bool {
	p, q := d.ps[i], d.ps[j]
	if p.hash != q.hash && p.damaged+q.damaged == 0 {
		return false
	}
	return d.compare(p.line, q.line).copies
}

// verdict is how two lines a and b compare: copies says they differ only
// by damage; dropA that a may be dropped for b (all a has and b lacks is
// damage), dropB the other way round.
type verdict struct{ copies, dropA, dropB bool }

// compare compares lines a and b.
func (d *dedup) compare(a, b int32) verdict {
	la, lb := &d.lines[a], &d.lines[b]
	if equalKeys(d.t.text(la), d.t.text(lb)) {
		return verdict{true, true, true}
	}
	if la.n > maxNearKey || lb.n > maxNearKey {
		return verdict{}
	}
	ka, kb := d.ka.of(d.t, la, d.damageStep), d.kb.of(d.t, lb, d.damageStep)
	if ka.damaged+kb.damaged == 0 {
		return verdict{}
	}
	hunks, ok := d.edits.align(ka.rs, kb.rs, min(5*(ka.damaged+kb.damaged)+4, maxAlignEdits))
	if !ok {
		return verdict{}
	}
	v := verdict{copies: true, dropA: true, dropB: true}
	for _, h := range hunks {
		na, nb := h.a1-h.a0, h.b1-h.b0
		aDam := na > 0 && !slices.Contains(ka.dmg[h.a0:h.a1], false)
		bDam := nb > 0 && !slices.Contains(kb.dmg[h.b0:h.b1], false)
		if !(aDam && nb <= 2*na+2 || bDam && na <= 2*nb+2) {
			return verdict{}
		}
		v.dropA = v.dropA && (na == 0 || aDam)
		v.dropB = v.dropB && (nb == 0 || bDam)
	}
	v.copies = v.dropA || v.dropB
	return v
}

// equalKeys reports whether a and b are equal but for spaces.
func equalKeys(a, b string) bool {
	i, j := 0, 0
	for {
		var ra, rb rune
		for i < len(a) {
			r, n := utf8.DecodeRuneInString(a[i:])
			if !isSpace(r) {
				ra = r
				break
			}
			i += n
		}
		for j < len(b) {
			r, n := utf8.DecodeRuneInString(b[j:])
			if !isSpace(r) {
				rb = r
				break
			}
			j += n
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if ra != rb {
			return false
		}
		i += utf8.RuneLen(ra)
		j += utf8.RuneLen(rb)
	}
}

// apply removes the copies of block r that only damage distinguishes from
// the kept copy of their group, and puts a better copy in the first one's
// place. It returns how many lines it removed.
func (d *dedup) apply(r blockRun) int {
	if d.group == nil {
		d.group, d.members = map[int32]int32{}, map[int32][]int32{}
	}
	removed := 0
	for t := range r.k {
		a, b := d.ps[r.i+t].line, d.ps[r.j+t].line
		root := a
		if g, ok := d.group[a]; ok {
			root = g
		}
		shown := root
		if rep := d.lines[root].replacement; rep != 0 {
			shown = rep - 1
		}
		v := d.compare(shown, b)
		better := v.dropA && d.lines[b].damage < d.lines[shown].damage
		switch {
		case !v.copies:
			continue // b has text the kept copy lacks: keep it
		case v.dropA && (better || !v.dropB) && d.droppableFor(root, b):
			d.lines[root].replacement = b + 1
		case !v.dropB:
			continue
		}
		d.lines[b].removed = true
		d.group[b] = root
		d.members[root] = append(d.members[root], b)
		removed++
	}
	return removed
}

// droppableFor reports whether every copy of root's group so far may be
// dropped for line b.
func (d *dedup) droppableFor(root, b int32) bool {
	ms := d.members[root]
	if len(ms) >= maxGroupChecks {
		return false
	}
	for _, m := range append([]int32{root}, ms...) {
		if !d.compare(m, b).dropA {
			return false
		}
	}
	return true
}

// hunk is a differing region of an alignment: a[a0:a1] stands where
// b[b0:b1] stands.
type hunk struct{ a0, a1, b0, b1 int }

// editScratch is the working memory of align.
type editScratch struct {
	trace []int32
	edits []editStep
	hunks []hunk
}

type editStep struct {
	x, y int32
	del  bool
}

// align aligns a and b with the fewest insertions and deletions (Myers'
// O(ND) algorithm) and returns the differing regions, or ok false when
// more than maxD are needed. Time is O((len(a)+len(b))·D), memory O(D²).
func (s *editScratch) align(a, b []rune, maxD int) (hunks []hunk, ok bool) {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	A, B := a[pre:len(a)-suf], b[pre:len(b)-suf]
	N, M := len(A), len(B)
	s.hunks = s.hunks[:0]
	if N+M == 0 {
		return s.hunks, true
	}
	if N-M > maxD || M-N > maxD {
		return nil, false
	}
	// trace holds, for each D, the furthest x reached on the diagonals
	// k = x-y from -D to D (at D²+D+k; -1 where none is reached, and on
	// the diagonals of the other parity).
	s.trace = s.trace[:0]
	at := func(dd, k int) int {
		if k < -dd || k > dd {
			return -1
		}
		return int(s.trace[dd*dd+dd+k])
	}
	// step is how diagonal k is reached at D = dd from D-1: down (an
	// insertion from B, from diagonal k+1) or right (a deletion from A,
	// from k-1), whichever goes further inside the grid.
	step := func(dd, k int) (x int, down bool) {
		xd, xr := -1, -1
		if p := at(dd-1, k+1); p >= 0 && p-k <= M {
			xd = p
		}
		if p := at(dd-1, k-1); p >= 0 && p+1 <= N {
			xr = p + 1
		}
		if xd >= xr {
			return xd, true
		}
		return xr, false
	}
	end := -1
	for dd := 0; dd <= maxD && end < 0; dd++ {
		for k := -dd; k <= dd; k++ {
			if (k+dd)%2 != 0 {
				s.trace = append(s.trace, -1)
				continue
			}
			x := 0
			if dd > 0 {
				x, _ = step(dd, k)
			}
			if x >= 0 {
				y := x - k
				for x < N && y < M && A[x] == B[y] {
					x, y = x+1, y+1
				}
				if x == N && y == M && end < 0 {
					end = dd
				}
			}
			s.trace = append(s.trace, int32(x))
		}
	}
	if end < 0 {
		return nil, false
	}
	// Walk back from (N, M), then group the steps into hunks.
	s.edits = s.edits[:0]
	x, y := N, M
	for dd := end; dd > 0; dd-- {
		k := x - y
		_, down := step(dd, k)
		pk := k - 1
		if down {
			pk = k + 1
		}
		px := at(dd-1, pk)
		py := px - pk
		s.edits = append(s.edits, editStep{x: int32(px), y: int32(py), del: !down})
		x, y = px, py
	}
	slices.Reverse(s.edits)
	for _, e := range s.edits {
		x, y := int(e.x)+pre, int(e.y)+pre
		h := len(s.hunks) - 1
		if h < 0 || s.hunks[h].a1 != x || s.hunks[h].b1 != y {
			s.hunks = append(s.hunks, hunk{x, x, y, y})
			h++
		}
		if e.del {
			s.hunks[h].a1++
		} else {
			s.hunks[h].b1++
		}
	}
	return s.hunks, true
}
