package corpus

// Search: a Query compiled into a matcher and run over the index's
// columns, one document at a time on every processor.

import (
	"cmp"
	"context"
	"errors"
	"io"
	"regexp"
	"regexp/syntax"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// The unit of a query's hits.
const (
	unitText = iota
	unitToken
	unitSpan
)

// matcher is a compiled Query over a snapshot of the index's tables.
type matcher struct {
	q    Query
	unit int
	// The snapshot: vocabulary, tags, label keys.
	words []string
	lens  []int32
	fold  []int32
	pos   []string
	keys  []string

	// needles are the strings a text search looks for: Text (folded if
	// Fold), or the strings a Regex that is a literal or a small character
	// class matches, which need no regular expression.
	needles []string
	re      *regexp.Regexp // Regex, folded if Fold
	insts   int            // the instructions of re's program
	// after is (?s:.)(re), built when first needed (once): re's matches
	// from a place on, with the character before it as context.
	after     *regexp.Regexp
	afterErr  error
	afterOnce sync.Once
	// sep is a character no match of re can hold: re runs on the pieces
	// of text between them ("": on the whole text). Every match holds one
	// of lits (nil: no such set is known), so only the pieces holding
	// one are searched.
	sep  string
	lits []string

	tokens   bool   // token fields are set
	wordSet  []bool // vocabulary IDs the word fields accept; nil: any
	wordID   int32  // the one ID wordSet holds, for the fast scan; -1 if not one
	posID    int32  // -1: any POS
	none     bool   // a field can match nothing: no hits
	spans    bool   // span fields are set
	keySet   []bool // label key IDs the span fields accept; nil: any
	spanText string // LabelText, folded if Fold
}

// Search runs q over the index. It returns a *QueryError for a bad query
// and ctx's error when ctx is done first. Searches run on every processor
// and never block Update for long.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	m := &matcher{q: q, wordID: -1, posID: -1}
	switch {
	case q.textFields():
		m.unit = unitText
	case q.tokenFields():
		m.unit = unitToken
	default:
		m.unit = unitSpan
	}
	ix.mu.RLock()
	docs := ix.docs
	if q.Doc != 0 {
		if i, ok := ix.find(q.Doc); ok {
			docs = ix.docs[i : i+1]
		} else {
			docs = nil
		}
	}
	m.words, m.lens, m.fold = ix.voc.strs, ix.voc.lens, ix.voc.fold
	m.pos, m.keys = ix.pos.strs, ix.keys.strs
	if q.Word != "" {
		w := q.Word
		if q.Fold {
			w, _ = foldString(w)
		}
		if id, ok := ix.voc.lookup(w); ok {
			m.wordID = id
		} else {
			m.none = true
		}
	}
	if q.POS != "" {
		if id, ok := ix.pos.lookup(q.POS); ok {
			m.posID = id
		} else {
			m.none = true
		}
	}
	ix.mu.RUnlock()

	if err := m.compile(ctx); err != nil {
		return nil, err
	}
	res := &Result{ix: ix, q: q, m: m, docs: docs, sorted: SortPosition}
	if m.none || len(docs) == 0 {
		return res, nil
	}
	parts := make([][]hitRec, len(docs))
	var next, total atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range min(len(errs), len(docs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(docs) || total.Load() > int64(MaxHits) {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				hits, err := m.search(ctx, docs[i], int32(i))
				if err != nil {
					errs[w] = err
					return
				}
				parts[i] = hits
				total.Add(int64(len(hits)))
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, cmp.Or(ctx.Err(), err)
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n > MaxHits {
		n, res.truncated = MaxHits, true
	}
	res.hits = make([]hitRec, 0, n)
	for _, p := range parts {
		if len(res.hits)+len(p) > n {
			p = p[:n-len(res.hits)]
		}
		res.hits = append(res.hits, p...)
		if len(res.hits) == n {
			break
		}
	}
	return res, nil
}

// compile prepares what m needs beyond the snapshot's lookups: the
// regular expressions, the set of word types the word fields accept and
// the set of label keys the span fields accept.
func (m *matcher) compile(ctx context.Context) error {
	q := m.q
	m.tokens, m.spans = q.tokenFields(), q.spanFields()
	if q.Text != "" {
		text := q.Text
		if q.Fold {
			text, _ = foldString(q.Text)
		}
		m.needles = []string{text}
	}
	if q.Regex != "" {
		re, insts, err := compileRegex(q.Regex, false, q.Fold)
		if err != nil {
			return regexError("Regex", q.Regex, err)
		}
		m.re, m.insts = re, insts
		if tree, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
			tree = tree.Simplify()
			m.sep = separator(tree)
			m.lits = requiredLiterals(tree)
			if (tree.Op == syntax.OpLiteral || tree.Op == syntax.OpCharClass) && m.lits != nil {
				// The matches are the strings of lits (one literal, or
				// single characters that cannot overlap).
				m.needles, m.re = m.lits, nil
			}
		}
	}
	if m.none {
		return nil
	}
	// Word fields: one ID (Word alone, not folded) or a set over the
	// vocabulary.
	if q.WordRegex != "" || (q.Word != "" && q.Fold) {
		set := make([]bool, len(m.words))
		if q.WordRegex != "" {
			re, _, err := compileRegex(q.WordRegex, true, q.Fold)
			if err != nil {
				return regexError("WordRegex", q.WordRegex, err)
			}
			if err := m.matchVocab(ctx, re, set); err != nil {
				return err
			}
		} else {
			for i := range set {
				set[i] = true
			}
		}
		any := false
		for id := range set {
			if !set[id] {
				continue
			}
			switch {
			case q.Word != "" && q.Fold && m.fold[id] != m.wordID:
				set[id] = false
			case q.Word != "" && !q.Fold && int32(id) != m.wordID:
				set[id] = false
			default:
				any = true
			}
		}
		if !any {
			m.none = true
			return nil
		}
		m.wordSet, m.wordID = set, -1
	}
	// Span fields: the label keys.
	if q.Layer != "" || q.Label != "" {
		m.keySet = make([]bool, len(m.keys))
		any := false
		for id, k := range m.keys {
			layer, label, _ := strings.Cut(k, "\x00")
			if (q.Layer == "" || layer == q.Layer) && (q.Label == "" || label == q.Label) {
				m.keySet[id], any = true, true
			}
		}
		if !any {
			m.none = true
		}
	}
	m.spanText = q.LabelText
	if q.Fold {
		m.spanText, _ = foldString(q.LabelText)
	}
	return nil
}

// matchVocab sets set[id] for the word types re matches (their folded
// forms when folding), on every processor.
func (m *matcher) matchVocab(ctx context.Context, re *regexp.Regexp, set []bool) error {
	n := len(set)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/4096))
	var wg sync.WaitGroup
	var failed atomic.Bool
	var lits []string
	if tree, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		lits = requiredLiterals(tree.Simplify())
	}
	done := ctx.Done()
	for w := range workers {
		wg.Go(func() {
			for id := w * n / workers; id < (w+1)*n/workers; id++ {
				if id%64 == 0 && isDone(done) {
					failed.Store(true)
					return
				}
				word := m.words[id]
				if m.q.Fold {
					if int(m.fold[id]) != id {
						continue // decided by its folded form, below
					}
				}
				if lits != nil && !containsAny(word, lits) {
					continue
				}
				set[id] = re.MatchString(word)
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return ctx.Err()
	}
	if m.q.Fold {
		for id := range set {
			if f := int(m.fold[id]); f != id && f < n {
				set[id] = set[f]
			}
		}
	}
	return nil
}

// search returns the hits of m in document x (number i of the search).
func (m *matcher) search(ctx context.Context, x *docIndex, i int32) ([]hitRec, error) {
	var cands []int // matching spans, when span fields are set
	var reach []int32
	if m.spans {
		cands = m.matchingSpans(x)
		if len(cands) == 0 {
			return nil, nil
		}
		if m.unit != unitSpan {
			// reach[k]: the furthest end of cands[:k+1], so that the
			// spans that may hold a place are found going back from it.
			reach = make([]int32, len(cands))
			for k, c := range cands {
				reach[k] = x.spans[c].end
				if k > 0 {
					reach[k] = max(reach[k], reach[k-1])
				}
			}
		}
	}
	inSpan := func(s, e int32) bool {
		if !m.spans {
			return true
		}
		return coveringSpan(x, cands, reach, s, e) >= 0
	}
	var hits []hitRec
	switch m.unit {
	case unitSpan:
		for _, c := range cands {
			sp := x.spans[c]
			hits = append(hits, hitRec{doc: i, start: sp.start, end: sp.end, ref: int32(c)})
		}
	case unitToken:
		err := m.scanTokens(ctx, x, func(t int) {
			s := x.tokStart[t]
			e := x.tokenEnd(t, m.lens)
			if inSpan(s, e) && len(hits) <= MaxHits {
				hits = append(hits, hitRec{doc: i, start: s, end: e, ref: int32(t)})
			}
		})
		if err != nil {
			return nil, err
		}
	default:
		err := m.scanText(ctx, x, func(s, e int32) bool {
			if m.tokens {
				t := x.tokenCovering(s, e, m.lens)
				if t < 0 || !m.tokenOK(x, t) {
					return true
				}
			}
			if inSpan(s, e) {
				hits = append(hits, hitRec{doc: i, start: s, end: e, ref: -1})
			}
			return len(hits) <= MaxHits // one more tells that there are more
		})
		if err != nil {
			return nil, err
		}
	}
	return hits, nil
}

// tokenOK reports whether token t meets the token fields.
func (m *matcher) tokenOK(x *docIndex, t int) bool {
	w := x.tokWord[t]
	switch {
	case m.wordID >= 0 && w != m.wordID:
		return false
	case m.wordSet != nil && !m.wordSet[w]:
		return false
	case m.posID >= 0 && x.tokPOS[t] != m.posID:
		return false
	}
	return true
}

// scanTokens calls f for every token of x meeting the token fields, in
// order.
func (m *matcher) scanTokens(ctx context.Context, x *docIndex, f func(t int)) error {
	const chunk = 1 << 16
	for lo := 0; lo < len(x.tokWord); lo += chunk {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		hi := min(lo+chunk, len(x.tokWord))
		words, tags := x.tokWord[lo:hi], x.tokPOS[lo:hi]
		switch {
		case m.wordID >= 0 && m.posID < 0:
			for k, w := range words {
				if w == m.wordID {
					f(lo + k)
				}
			}
		case m.wordID < 0 && m.wordSet == nil && m.posID >= 0:
			for k, p := range tags {
				if p == m.posID {
					f(lo + k)
				}
			}
		default:
			for k := range words {
				if m.tokenOK(x, lo+k) {
					f(lo + k)
				}
			}
		}
	}
	return nil
}

// scanText calls f with the code point range of every match of Text or
// Regex in x, in order, until f returns false.
func (m *matcher) scanText(ctx context.Context, x *docIndex, f func(s, e int32) bool) error {
	text, idx := x.text, &x.idx
	if m.q.Fold {
		text, idx = x.folded, x.foldIndex()
	}
	c := cpCounter{s: text, idx: idx}
	if m.re == nil {
		return scanNeedles(ctx, text, &c, m.needles, f)
	}
	emit := func(base int, locs [][]int) bool {
		for _, l := range locs {
			if l[0] == l[1] {
				continue // an empty match is no hit
			}
			s := c.at(base + l[0])
			if !f(int32(s), int32(s+utf8.RuneCountInString(text[base+l[0]:base+l[1]]))) {
				return false
			}
		}
		return true
	}
	if m.lits != nil && !containsAny(text, m.lits) {
		return nil
	}
	if m.sep == "" {
		locs, err := m.findAll(ctx, text)
		if err != nil {
			return err
		}
		emit(0, locs)
		return ctx.Err()
	}
	// Piece by piece between separators: only the pieces holding one of
	// lits (every piece if there are none). next[k] is the next place of
	// lits[k] at or after b (-1: not looked for yet, len(text): none).
	next := make([]int, len(m.lits))
	for k := range next {
		next[k] = -1
	}
	done := ctx.Done()
	for b := 0; b <= len(text); {
		if isDone(done) { // every piece: one may take a while (see findAll)
			return ctx.Err()
		}
		ps := b
		if m.lits != nil {
			at := len(text)
			for i, l := range m.lits {
				if next[i] < b {
					if j := strings.Index(text[b:], l); j >= 0 {
						next[i] = b + j
					} else {
						next[i] = len(text)
					}
				}
				at = min(at, next[i])
			}
			if at == len(text) {
				return nil
			}
			if j := strings.LastIndex(text[b:at], m.sep); j >= 0 {
				ps = b + j + len(m.sep)
			}
		}
		pe := strings.Index(text[ps:], m.sep)
		if pe < 0 {
			pe = len(text)
		} else {
			pe += ps
		}
		if pe > ps {
			locs, err := m.findAll(ctx, text[ps:pe])
			if err != nil {
				return err
			}
			if !emit(ps, locs) {
				return nil
			}
		}
		b = pe + len(m.sep)
	}
	return nil
}

// regexCallBudget bounds the work of one regexp call that cannot be
// interrupted, as instructions of the program times bytes of text: at
// regexp's slowest, about 12 ns per unit (measured with 1,003
// instructions), a tenth of a second. Everyday pieces of text (a sentence
// or a line, or a whole document for a small expression) stay below it.
var regexCallBudget = 1 << 23

// findAll is m.re.FindAllStringIndex(s, -1), stopping with ctx's error
// soon after ctx is done. When s is long for the program (see
// regexCallBudget), regexp reads s through a doneReader, one match after
// the other (as FindAllStringIndex finds them), each match from its place
// on with the character before it as context (m.after), and the reader
// ends the text early once ctx is done.
func (m *matcher) findAll(ctx context.Context, s string) ([][]int, error) {
	if len(s)*max(m.insts, 1) <= regexCallBudget {
		return m.re.FindAllStringIndex(s, -1), nil
	}
	m.afterOnce.Do(func() { m.after, m.afterErr = regexp.Compile(`(?s:.)(` + m.re.String() + `)`) })
	if m.afterErr != nil {
		return nil, m.afterErr
	}
	r := &doneReader{s: s, done: ctx.Done()}
	var locs [][]int
	prevEnd := -1
	for pos := 0; pos <= len(s); {
		var loc []int
		if pos == 0 {
			r.at(0)
			loc = m.re.FindReaderIndex(r)
		} else {
			_, w := utf8.DecodeLastRuneInString(s[:pos])
			r.at(pos - w)
			if l := m.after.FindReaderSubmatchIndex(r); l != nil {
				loc = []int{pos - w + l[2], pos - w + l[3]}
			}
		}
		if r.stopped {
			return nil, ctx.Err()
		}
		if loc == nil {
			break
		}
		// As regexp's allMatches: an empty match right after a match is
		// no match, and after an empty match the search goes on one
		// character later.
		accept := true
		if loc[1] == pos {
			accept = loc[0] != prevEnd
			if pos < len(s) {
				_, w := utf8.DecodeRuneInString(s[pos:])
				pos += w
			} else {
				pos++
			}
		} else {
			pos = loc[1]
		}
		prevEnd = loc[1]
		if accept {
			locs = append(locs, loc)
		}
	}
	return locs, nil
}

// isDone reports whether done (a context's Done channel; nil for one
// never done) is closed, without waiting: cheap enough for a hot loop.
// (annotate's text pipeline has the same three lines.)
func isDone(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// doneReader reads s from a place on, rune by rune as regexp reads a
// string, and ends it early (stopped) once done is closed, looking every
// 1,024 runes.
type doneReader struct {
	s       string
	i, n    int
	done    <-chan struct{}
	stopped bool
}

// at makes the reader start again at byte i.
func (r *doneReader) at(i int) { r.i = i }

func (r *doneReader) ReadRune() (rune, int, error) {
	if r.i >= len(r.s) {
		return 0, 0, io.EOF
	}
	if r.n++; r.n%1024 == 0 && isDone(r.done) {
		r.stopped, r.i = true, len(r.s)
		return 0, 0, io.EOF
	}
	c, w := utf8.DecodeRuneInString(r.s[r.i:])
	r.i += w
	return c, w, nil
}

// scanNeedles calls f with the code point range of each place of the
// needles in text, in order, going on after each (so places do not
// overlap), until f returns false. next[k] is the next place of
// needles[k] at or after b (-1: not looked for yet; len(text): none).
func scanNeedles(ctx context.Context, text string, c *cpCounter, needles []string, f func(s, e int32) bool) error {
	lens := make([]int32, len(needles))
	next := make([]int, len(needles))
	for k, n := range needles {
		lens[k] = int32(utf8.RuneCountInString(n))
		next[k] = -1
	}
	for b, k := 0, 0; ; k++ {
		if k%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		at, which := len(text), -1
		for i, n := range needles {
			if next[i] < b {
				if j := strings.Index(text[b:], n); j >= 0 {
					next[i] = b + j
				} else {
					next[i] = len(text)
				}
			}
			if next[i] < at {
				at, which = next[i], i
			}
		}
		if which < 0 {
			return nil
		}
		s := int32(c.at(at))
		if !f(s, s+lens[which]) {
			return nil
		}
		b = at + len(needles[which])
	}
}

// cpCounter turns increasing byte offsets of s into code point offsets,
// counting from the last offset or from the nearest checkpoint of idx.
type cpCounter struct {
	s     string
	idx   *text.TextIndex
	b, cp int
}

func (c *cpCounter) at(b int) int {
	if b-c.b > 4*text.TextIndexStep {
		// Jump to the last checkpoint at or before b.
		if off, cp, ok := c.idx.Checkpoint(b); ok && off > c.b {
			c.b, c.cp = off, cp
		}
	}
	c.cp += utf8.RuneCountInString(c.s[c.b:b])
	c.b = b
	return c.cp
}

// matchingSpans returns the indices of x's spans that meet the span
// fields, in order.
func (m *matcher) matchingSpans(x *docIndex) []int {
	var out []int
	for k, sp := range x.spans {
		if m.spanOK(x, sp) {
			out = append(out, k)
		}
	}
	return out
}

func (m *matcher) spanOK(x *docIndex, sp spanRec) bool {
	if m.keySet != nil && (int(sp.key) >= len(m.keySet) || !m.keySet[sp.key]) {
		return false
	}
	if m.spanText != "" && !strings.Contains(x.spanText(sp, m.q.Fold), m.spanText) {
		return false
	}
	return true
}

// coveringSpan returns the first (in span order) of the candidate spans
// cands that holds all of [s, e), or -1; reach is their running furthest
// end.
func coveringSpan(x *docIndex, cands []int, reach []int32, s, e int32) int {
	// The last candidate starting at or before s.
	k, _ := slices.BinarySearchFunc(cands, s, func(c int, s int32) int {
		if x.spans[c].start <= s {
			return -1
		}
		return 1
	})
	best := -1
	for k--; k >= 0 && reach[k] >= e; k-- {
		if x.spans[cands[k]].end >= e {
			best = cands[k]
		}
	}
	return best
}

// spanCovering returns the span of x that holds [s, e) and meets the span
// fields, or -1.
func (m *matcher) spanCovering(x *docIndex, s, e int32) int {
	for k, sp := range x.spans {
		if sp.start > s {
			break
		}
		if sp.end >= e && m.spanOK(x, sp) {
			return k
		}
	}
	return -1
}
