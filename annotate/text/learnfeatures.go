// The Learner's classifier: its weight table, what it knows of a run of
// text (the Segmenter's tokens, the dictionary's evidence, the word
// memory's occurrences), the features of a place and their score.

package text

import (
	"math"
	"math/bits"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/internal/gse"
)

// weightTable maps features to perceptron weights with their running sums
// for averaging (the averaged weight is w - u/c, Daumé's trick): an open
// addressing hash table of entries that each fit a cache line, about three
// times as fast to probe as a Go map here. Feature 0 is stored as 1 (0
// marks an empty slot).
type weightTable struct {
	slots []weightSlot
	n     int
	shift uint
}

type weightSlot struct {
	key  uint64
	w, u float64
}

// slot is f's slot, or the empty one where it would go.
func (t *weightTable) slot(f uint64) *weightSlot {
	f = max(f, 1)
	mask := len(t.slots) - 1
	for i := int((f * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		if s := &t.slots[i]; s.key == f || s.key == 0 {
			return s
		}
	}
}

// get returns the weight of f and its running sum (0, 0 when f has none).
func (t *weightTable) get(f uint64) (w, u float64) {
	if t.n == 0 {
		return 0, 0
	}
	s := t.slot(f)
	return s.w, s.u
}

// add adds dw to f's weight and du to its running sum.
func (t *weightTable) add(f uint64, dw, du float64) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	s := t.slot(f)
	if s.key == 0 {
		s.key = max(f, 1)
		t.n++
	}
	s.w += dw
	s.u += du
}

// grow doubles the table (at least 1,024 slots).
func (t *weightTable) grow() {
	old := t.slots
	size := max(1024, 2*len(old))
	t.slots = make([]weightSlot, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, s := range old {
		if s.key != 0 {
			*t.slot(s.key) = s
		}
	}
}

// runCtx is what the classifier knows of one run of text without
// whitespace, and the working memory of one Segment or Learn call.
type runCtx struct {
	m        []rune   // the run's characters as the dictionary reads them
	ty       []uint8  // their types (charType)
	g        []bool   // g[i]: the Segmenter has a boundary before character i (i in 0..n)
	bs, be   []int32  // the Segmenter's token holding character i: start and end
	bpos     []uint64 // its POS, hashed
	dEnd     []int8   // longest dictionary word ending with character i
	dStart   []int8   // longest dictionary word starting with character i
	dCross   []int8   // longest dictionary word crossing boundary i
	mem      []uint8  // memory flags of boundary i (memIn, memEdge, memStop, userIn, userEdge)
	occ      []occurrence
	dpA, dpB []int64 // chooseOccurrences' dynamic programme
	backA    []int32
	backB    []int32
	cut      []bool // the decisions
	scores   []float64
	feats    []uint64
	bytes    []byte
	texts    []gse.Text
	toks     []*gse.Token
	tokLen   map[*gse.Token]int8 // rune lengths of dictionary tokens met
	posCache map[string]uint64
}

// Memory flags of a boundary.
const (
	memIn    = 1 << iota // inside a chosen occurrence of an added learnt word
	memEdge              // at the edge of one
	memStop              // inside a stopped learnt word
	userIn               // inside a chosen occurrence of a user's added word
	userEdge             // at the edge of one
)

// occurrence is an occurrence of an added word in a run: characters
// [s, e), and whether the word is the user's.
type occurrence struct {
	s, e int32
	user bool
}

// getCtx returns a runCtx from the pool, or a new one.
func (l *Learner) getCtx() *runCtx {
	if c, ok := l.pool.Get().(*runCtx); ok {
		return c
	}
	return &runCtx{tokLen: map[*gse.Token]int8{}, posCache: map[string]uint64{}}
}

// resized returns s with length n, all zero, reusing its array when it is
// large enough.
func resized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	s = s[:n]
	clear(s)
	return s
}

// foldRunes appends run as the dictionary reads it, Latin lower-cased.
func (l *Learner) foldRunes(dst, run []rune) []rune {
	n := len(dst)
	dst = l.seg.mapRun(dst, run)
	for i := n; i < len(dst); i++ {
		if r := dst[i]; r >= 'A' && r <= 'Z' {
			dst[i] = r + ('a' - 'A')
		}
	}
	return dst
}

// prepare fills c for the run runes[start:end], whose Segmenter tokens are
// base (offsets into runes). Called with l.mu held.
func (l *Learner) prepare(c *runCtx, run []rune, base []Token, start int) {
	n := len(run)
	c.m = l.foldRunes(c.m[:0], run)
	c.ty = resized(c.ty, n)
	for k, r := range c.m {
		c.ty[k] = charType(r)
	}
	c.g = resized(c.g, n+1)
	c.bs = resized(c.bs, n)
	c.be = resized(c.be, n)
	c.bpos = resized(c.bpos, n)
	for _, t := range base {
		s, e := t.Start-start, t.End-start
		if s < 0 || e > n || s >= e {
			continue // cannot happen: the Segmenter's tokens lie in runs
		}
		c.g[s] = true
		p := c.posKey(t.POS)
		for k := s; k < e; k++ {
			c.bs[k], c.be[k], c.bpos[k] = int32(s), int32(e), p
		}
	}
	c.g[0], c.g[n] = true, true
	for k := range n {
		if c.be[k] == 0 { // in no token of the Segmenter's (cannot happen): a token alone
			c.bs[k], c.be[k] = int32(k), int32(k+1)
			c.g[k], c.g[k+1] = true, true
		}
	}
	l.dictEvidence(c)
	l.memoryEvidence(c)
}

// posKey is the feature value of a POS tag.
func (c *runCtx) posKey(p string) uint64 {
	if k, ok := c.posCache[p]; ok {
		return k
	}
	k := hashString(p)
	c.posCache[p] = k
	return k
}

// dictEvidence fills c.dEnd, c.dStart and c.dCross from the Segmenter's
// dictionary (words of two or more characters the dictionary holds with a
// frequency of at least 2, as the Segmenter counts them).
func (l *Learner) dictEvidence(c *runCtx) {
	n := len(c.m)
	c.dEnd = resized(c.dEnd, n)
	c.dStart = resized(c.dStart, n)
	c.dCross = resized(c.dCross, n+1)
	d := l.seg.seg.Dict
	if d == nil {
		return
	}
	c.bytes = c.bytes[:0]
	for _, r := range c.m {
		c.bytes = utf8.AppendRune(c.bytes, r)
	}
	c.texts = c.texts[:0]
	b := 0
	for _, r := range c.m {
		k := utf8.RuneLen(r)
		if k < 0 {
			k = 3 // utf8.AppendRune wrote U+FFFD
		}
		c.texts = append(c.texts, c.bytes[b:b+k:b+k])
		b += k
	}
	ml := d.MaxTokenLen()
	if len(c.toks) < ml {
		c.toks = make([]*gse.Token, ml)
	}
	for j := 0; j < n; j++ {
		nt := d.LookupTokens(c.texts[j:min(j+ml, n)], c.toks)
		for _, tk := range c.toks[:nt] {
			if tk.Freq() < 2 {
				continue
			}
			k, ok := c.tokLen[tk]
			if !ok {
				k = int8(min(utf8.RuneCountInString(tk.Text()), 127))
				c.tokLen[tk] = k
			}
			if k < 2 {
				continue
			}
			e := j + int(k) - 1
			c.dStart[j] = max(c.dStart[j], k)
			c.dEnd[e] = max(c.dEnd[e], k)
			for i := j + 1; i <= e; i++ {
				c.dCross[i] = max(c.dCross[i], k)
			}
		}
	}
}

// memoryEvidence sets the memory flags of the run's boundaries from the
// occurrences of the memory's words: inside every occurrence of a stopped
// learnt word, and inside and at the edges of the occurrences of added
// words that chooseOccurrences picks. Occurrences are found by folded
// text, so they cross the Segmenter's tokens freely; they are handed to
// chooseOccurrences in clusters: the stretch of the Segmenter's tokens
// that hold overlapping occurrences (from the start of the token holding
// the first character of one to the end of the token holding its last).
func (l *Learner) memoryEvidence(c *runCtx) {
	n := len(c.m)
	c.mem = resized(c.mem, n+1)
	c.occ = c.occ[:0]
	if l.trie.next == nil {
		return
	}
	for j := 0; j < n; j++ {
		nd := l.trie.next[c.m[j]]
		for k := j + 1; k < n && nd != nil; k++ {
			nd = nd.next[c.m[k]]
			if nd == nil || nd.word == nil {
				continue
			}
			// the word is c.m[j:k+1], two or more characters
			switch w := nd.word; {
			case w.status() > 0:
				c.occ = append(c.occ, occurrence{s: int32(j), e: int32(k + 1), user: w.user > 0})
			case w.user == 0 && w.status() < 0:
				for i := j + 1; i <= k; i++ {
					c.mem[i] |= memStop
				}
			}
		}
	}
	for i := 0; i < len(c.occ); {
		lo, hi := c.bs[c.occ[i].s], c.be[c.occ[i].e-1]
		j := i + 1
		for j < len(c.occ) && c.bs[c.occ[j].s] < hi {
			hi = max(hi, c.be[c.occ[j].e-1])
			j++
		}
		l.chooseOccurrences(c, int(lo), int(hi), c.occ[i:j])
		i = j
	}
}

// solidFreq is the least dictionary frequency of a solid word (below it
// the dictionary's entries are mostly chance pairs such as 生在, 3).
const solidFreq = 10 // at least 2: weakPiece reads c.dStart

// weakPiece reports whether a token of the characters [p, q) of c's run
// would be a weak one: a single character, a word the Learner stops, a
// word that holds a place inside a stopped learnt word (the annotator cut
// a longer word there: 足球隊 in 國家足球隊 once cut 國家 足球 隊), or a
// word of two or more characters that is neither an added word nor a
// solid dictionary word.
func (l *Learner) weakPiece(c *runCtx, p, q int) bool {
	if q-p < 2 {
		return true
	}
	w := c.m[p:q]
	for i := p + 1; i < q; i++ {
		if c.mem[i]&memStop != 0 {
			return true
		}
	}
	if lw := l.lookup(w); lw != nil {
		if st := lw.status(); st != 0 {
			return st < 0
		}
	}
	if q-p > int(c.dStart[p]) { // longer than any dictionary word starting at p
		return true
	}
	f, _, ok := l.seg.seg.Find(string(w))
	return !ok || f < solidFreq
}

// chooseOccurrences decides which of the occurrences occ (sorted by start)
// of added words in the stretch [lo, hi) of the run, where the Segmenter
// has boundaries at lo and hi, become words, and flags those: memIn or
// userIn inside, memEdge or userEdge at both edges. The others are left
// alone (no prior, no feature), so an added word never glues onto its
// neighbours.
//
// The rule: among the readings of the stretch that take some
// non-overlapping occurrences as tokens and leave the rest of the
// Segmenter's tokens whole or cut only by those occurrences' edges, pick
// the one with the fewest weak tokens (weakPiece: single characters, and
// longer tokens that are neither solid dictionary words nor added words),
// then the most characters in occurrences (a user's word counts twice).
// An occurrence whose edges agree with the Segmenter's boundaries is thus
// always taken (it only replaces tokens by a word), and so is one that
// crosses a token of the Segmenter's that is no solid word, or whose cut
// leaves solid words: with 大學生 added, 北京大學生在讀書 reads 北京 大學生
// 在 讀書 (北京大學 生在 has the weak 生在) and 马冬梅 learnt, 马冬梅花开了
// reads 马冬梅 花 开 了 (马 冬 梅花 has two weak tokens). But an
// occurrence that would cut solid words into weak pieces is not: with 大學生
// added, 大學生活很好 stays 大學 生活 很 好 (大學生 活 leaves 活 alone) and
// 研究生命起源 stays 研究 生命 起源. Overlapping occurrences of the same
// word tile (哈哈 in 哈哈哈哈哈哈 gives 哈哈 哈哈 哈哈), never fuse.
//
// It is a shortest path over the stretch's places, in time proportional
// to its length times the longest word's, whatever the occurrences.
func (l *Learner) chooseOccurrences(c *runCtx, lo, hi int, occ []occurrence) {
	n := hi - lo
	const inf = math.MaxInt64 / 4
	weak := int64(2*n + 1) // the cost of a weak token: more than any coverage
	// A[q]: the best cost of [lo, lo+q) with a boundary at lo+q that is the
	// Segmenter's or an occurrence's end; B[q]: one that only starts an
	// occurrence (so one must start there). backA, backB: where the last
	// token started (>= 0), or -1-k when it is occ[k].
	c.dpA, c.dpB = resized(c.dpA, n+1), resized(c.dpB, n+1)
	c.backA, c.backB = resized(c.backA, n+1), resized(c.backB, n+1)
	A, B := c.dpA, c.dpB
	for q := range A {
		A[q], B[q] = inf, inf
	}
	A[0] = 0
	lmax := l.maxLen
	if d := l.seg.seg.Dict; d != nil {
		lmax = max(lmax, d.MaxTokenLen())
	}
	oi := 0
	push := func(q int) { // the occurrences starting at lo+q
		for ; oi < len(occ) && int(occ[oi].s) == lo+q; oi++ {
			from := min(A[q], B[q])
			if from >= inf {
				continue
			}
			o := occ[oi]
			gain := int64(o.e - o.s)
			if o.user {
				gain *= 2
			}
			if e, v := int(o.e)-lo, from-gain; v < A[e] {
				A[e], c.backA[e] = v, -1-int32(oi)
			}
		}
	}
	push(0)
	// far*: the best start of a token ending at q that is longer than any
	// word (so weak, whatever it is), in the Segmenter's token farTs starts.
	farTs, farNext, farMin, farArg := -1, 0, int64(inf), int32(-1)
	for q := 1; q <= n; q++ {
		isG := c.g[lo+q]
		if isG || oi < len(occ) && int(occ[oi].s) == lo+q {
			ts := int(c.bs[lo+q-1]) - lo // no boundary of the Segmenter's in (ts, q)
			best, from := int64(inf), int32(-1)
			for p := q - 1; p >= ts && q-p <= lmax; p-- {
				if A[p] >= inf {
					continue
				}
				v := A[p]
				if l.weakPiece(c, lo+p, lo+q) {
					v += weak
				}
				if v < best {
					best, from = v, int32(p)
				}
			}
			if ts != farTs {
				farTs, farNext, farMin, farArg = ts, ts, inf, -1
			}
			for ; farNext < q-lmax; farNext++ {
				if A[farNext] < farMin {
					farMin, farArg = A[farNext], int32(farNext)
				}
			}
			if farMin < inf && farMin+weak < best {
				best, from = farMin+weak, farArg
			}
			if isG {
				if best < A[q] {
					A[q], c.backA[q] = best, from
				}
			} else {
				B[q], c.backB[q] = best, from
			}
		}
		push(q)
	}
	for q, inA := n, true; q > 0; {
		if !inA {
			q = int(c.backB[q])
			inA = true
			continue
		}
		b := c.backA[q]
		if b >= 0 {
			q = int(b)
			continue
		}
		o := occ[-1-b]
		in, edge := uint8(memIn), uint8(memEdge)
		if o.user {
			in, edge = userIn, userEdge
		}
		c.mem[o.s] |= edge
		c.mem[o.e] |= edge
		for i := o.s + 1; i < o.e; i++ {
			c.mem[i] |= in
		}
		q = int(o.s) - lo
		inA = A[q] <= B[q]
	}
}

// The feature hash: FNV-1a over 64-bit values.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fh is the feature of template tmpl with values vals.
func fh(tmpl uint64, vals ...uint64) uint64 {
	h := (uint64(fnvOffset) ^ tmpl) * fnvPrime
	for _, v := range vals {
		h = (h ^ v) * fnvPrime
	}
	return h
}

func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func hashRunes(rs []rune) uint64 {
	h := uint64(fnvOffset)
	for _, r := range rs {
		h = (h ^ uint64(r)) * fnvPrime
	}
	return h
}

// charType is the type of a folded character: 1 digit, 2 Han, 3 letter, 4
// punctuation, 5 other, 6 Han numeral.
func charType(r rune) uint8 {
	switch {
	case r >= '0' && r <= '9':
		return 1
	case r >= 0x3400 && r <= 0x9FFF || unicode.Is(unicode.Han, r):
		switch r {
		case '〇', '零', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿':
			return 6
		}
		return 2
	case unicode.IsDigit(r):
		return 1
	case unicode.IsLetter(r):
		return 3
	case unicode.IsPunct(r):
		return 4
	}
	return 5
}

// capLen is a length as a feature value: 1, 2, 3, 4 or 5 (five or more).
func capLen(n int32) uint64 { return uint64(min(n, 5)) }

// Values of characters outside the run.
const (
	beforeRun = 1 << 32
	afterRun  = 2 << 32
)

// features appends the features of boundary i (0 < i < n) of c.
func (c *runCtx) features(dst []uint64, i int) []uint64 {
	n := len(c.m)
	ch := func(k int) uint64 {
		switch {
		case k < 0:
			return beforeRun
		case k >= n:
			return afterRun
		}
		return uint64(c.m[k])
	}
	ty := func(k int) uint64 {
		if k < 0 || k >= n {
			return 0
		}
		return uint64(c.ty[k])
	}
	var g uint64
	if c.g[i] {
		g = 1
	}
	t := func(id uint64) uint64 { return id<<1 | g }
	a, b, x, y := ch(i-2), ch(i-1), ch(i), ch(i+1)
	dst = append(dst,
		fh(t(1)),
		fh(t(2), b), fh(t(3), x), fh(t(4), a), fh(t(5), y),
		fh(t(6), b, x), fh(t(7), a, b), fh(t(8), x, y), fh(t(9), a, x), fh(t(10), b, y),
		fh(t(11), ty(i-2)<<24|ty(i-1)<<16|ty(i)<<8|ty(i+1)),
	)
	ls, le := c.bs[i-1], c.be[i-1]
	lp := c.bpos[i-1]
	if g == 1 {
		rs, re := c.bs[i], c.be[i]
		rp := c.bpos[i]
		dst = append(dst,
			fh(t(12), capLen(le-ls), capLen(re-rs)),
			fh(t(13), lp, rp),
			fh(t(14), lp, x), fh(t(15), b, rp),
			fh(t(16), capLen(le-ls), x), fh(t(17), b, capLen(re-rs)),
		)
		if le-ls <= 4 && re-rs <= 4 {
			dst = append(dst, fh(t(18), hashRunes(c.m[ls:le]), hashRunes(c.m[rs:re])))
		}
	} else {
		off := uint64(int32(i) - ls)
		dst = append(dst,
			fh(t(12), capLen(le-ls), off),
			fh(t(13), lp),
			fh(t(14), lp, off, capLen(le-ls)),
		)
		if le-ls <= 6 {
			dst = append(dst, fh(t(18), hashRunes(c.m[ls:le]), off))
		}
	}
	dst = append(dst,
		fh(t(20), uint64(c.dEnd[i-1]), uint64(c.dStart[i])),
		fh(t(21), uint64(c.dCross[i])),
		fh(t(22), uint64(c.dEnd[i-1]), x), fh(t(23), b, uint64(c.dStart[i])),
		fh(t(30), uint64(c.mem[i]&(memIn|memEdge|memStop))),
	)
	return dst
}

// score is the classifier's score of boundary i of c (a boundary when > 0)
// with the averaged weights or the current ones. Called with l.mu held.
func (l *Learner) score(c *runCtx, i int, feats []uint64, averaged bool) float64 {
	s := -gsePrior
	if c.g[i] {
		s = gsePrior
	}
	if c.mem[i]&memIn != 0 {
		s -= memoryPrior
	}
	if c.mem[i]&memEdge != 0 {
		s += edgePrior
	}
	if c.mem[i]&memStop != 0 {
		s += memoryPrior
	}
	if averaged {
		for _, f := range feats {
			w, u := l.wts.get(f)
			s += w - u/l.c
		}
	} else {
		for _, f := range feats {
			w, _ := l.wts.get(f)
			s += w
		}
	}
	return s
}

// update adds y to the weights of feats.
func (l *Learner) update(feats []uint64, y float64) {
	for _, f := range feats {
		l.wts.add(f, y, l.c*y)
	}
}
