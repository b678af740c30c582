package corpus

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"regexp/syntax"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"

	"github.com/biaozhu/biaozhu/annotate"
)

// The corpus index behind the concordance (KWIC), the frequency lists and
// the statistics.
//
// An Index keeps, per document, the clean text as UTF-8 (the Document's own
// string, not a copy) with code point checkpoints, the text folded to
// simplified characters when folding changes it, and the token layer as
// columns: start offsets, word IDs into one vocabulary of word types shared
// by the corpus, and POS IDs; spans are kept as (start, end, label key, ID)
// records. A query is answered by scanning those columns on every
// processor, one document at a time:
//
//   - Text: strings.Index over the UTF-8 text (vectorised), code points
//     counted only up to each hit, from the nearest checkpoint.
//   - Regex: Go's regexp. An expression that is one literal or a small
//     character class ([国学]) needs none: its strings are found as Text's.
//     Otherwise, when there is a character the expression cannot match (a
//     full stop 。, a line break, a comma ，) and no \A or \z, it runs on
//     the pieces of text between those, and only on the pieces holding one
//     of a set of literals every match must contain (found in the syntax
//     tree): a few strings.Index scans instead of a regexp pass over 30 MB,
//     and short pieces let regexp use its backtracker instead of the NFA.
//     FuzzConcordanceRegex holds this to regexp over the whole text.
//   - Word, WordRegex: the word test runs once per vocabulary type (a regex
//     over perhaps 100,000 types, not millions of tokens), then the word
//     ID column is scanned against the set of types found.
//   - POS, Label, Layer, LabelText: the same column and span scans.
//
// Posting lists (word → token positions) were considered and not built:
// on a 10-million-character corpus (6 million tokens, 250,000 word types,
// 490,000 spans; BenchmarkKWIC, 2 cores shared with other work) the scan
// of the word ID column for 的 (266,000 hits) takes 17-35 ms and for every
// NOUN (1.9 million hits) 70-125 ms, inside the 200 ms budget, and columns
// make Update and Remove a matter of replacing one document's arrays.
// Every query kind measured there answers in 3-131 ms.
//
// Fold ignores the traditional/simplified difference: text, vocabulary,
// span texts and the query are read through OpenCC's t2s mapping
// character for character (a character maps to one character, so offsets
// do not move), as the Segmenter reads traditional text.

// Index is a search index over a project's documents: see Search, Freq and
// Stats. It copies what it needs from the documents (sharing their text
// strings), so later edits reach it only through Update. An Index is safe
// for concurrent use; a Result stays valid (and unchanged) after Update or
// Remove.
type Index struct {
	mu   sync.RWMutex
	docs []*docIndex // in ID order
	voc  vocab
	pos  interner // POS tags
	keys interner // "layer\x00label" of spans

	rankMu sync.Mutex
	order  []int32 // vocabulary IDs in code point order of their words
	rank   []int32 // rank[id]: the place of word id in order
}

// cachedRanks returns the ranks of the first n words if they are known,
// else nil.
func (ix *Index) cachedRanks(n int) []int32 {
	ix.rankMu.Lock()
	defer ix.rankMu.Unlock()
	if len(ix.rank) >= n {
		return ix.rank
	}
	return nil
}

// ranks returns the rank of each word of words, a snapshot of the
// vocabulary, in code point order (words being distinct, ranks are). The
// order is kept and merged with the words added since the last call.
func (ix *Index) ranks(words []string) []int32 {
	ix.rankMu.Lock()
	defer ix.rankMu.Unlock()
	if len(ix.rank) >= len(words) {
		return ix.rank
	}
	byText := func(a, b int32) int { return strings.Compare(words[a], words[b]) }
	added := make([]int32, 0, len(words)-len(ix.rank))
	for id := len(ix.rank); id < len(words); id++ {
		added = append(added, int32(id))
	}
	slices.SortFunc(added, byText)
	order := make([]int32, 0, len(words))
	i, j := 0, 0
	for i < len(ix.order) && j < len(added) {
		if byText(ix.order[i], added[j]) < 0 {
			order = append(order, ix.order[i])
			i++
		} else {
			order = append(order, added[j])
			j++
		}
	}
	order = append(append(order, ix.order[i:]...), added[j:]...)
	rank := make([]int32, len(words))
	for r, id := range order {
		rank[id] = int32(r)
	}
	ix.order, ix.rank = order, rank
	return rank
}

// interner gives strings small dense IDs.
type interner struct {
	ids  map[string]int32
	strs []string
}

func (in *interner) intern(s string) int32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	if in.ids == nil {
		in.ids = map[string]int32{}
	}
	s = strings.Clone(s)
	id := int32(len(in.strs))
	in.ids[s] = id
	in.strs = append(in.strs, s)
	return id
}

func (in *interner) lookup(s string) (int32, bool) {
	id, ok := in.ids[s]
	return id, ok
}

// vocab is the vocabulary of word types of the corpus: a word's text, its
// length in code points and the ID of its folded form (itself when folding
// does not change it). It only grows.
type vocab struct {
	interner
	lens []int32
	fold []int32
}

func (v *vocab) intern(w string) int32 {
	if id, ok := v.ids[w]; ok {
		return id
	}
	id := v.interner.intern(w)
	v.lens = append(v.lens, int32(utf8.RuneCountInString(w)))
	v.fold = append(v.fold, id)
	if fw, _ := foldString(w); fw != w {
		f := v.intern(fw) // may grow v.fold: assign after
		v.fold[id] = f
	}
	return id
}

// docIndex is what the index keeps of one document. It never changes once
// built: Update replaces it.
type docIndex struct {
	id     int64
	name   string
	status annotate.Status
	text   string
	folded string // text folded; the same string when folding changes nothing
	chars  int
	idx    annotate.TextIndex  // checkpoints of text
	fidx   *annotate.TextIndex // checkpoints of folded when its bytes differ from text's; else nil
	// The token layer as columns.
	tokStart []int32
	tokWord  []int32 // vocabulary IDs
	tokPOS   []int32 // POS IDs
	tagged   int     // tokens Edited
	spans    []spanRec
}

// spanRec is a span as the index keeps it.
type spanRec struct {
	start, end   int32
	bstart, bend int32 // byte offsets in the text
	key          int32 // "layer\x00label" ID
	suggested    bool
	id           int64
}

// foldIndex returns the checkpoints of the folded text.
func (x *docIndex) foldIndex() *annotate.TextIndex {
	if x.fidx != nil {
		return x.fidx
	}
	return &x.idx
}

// slice returns code points [start, end) of the text (or of the folded
// text).
func (x *docIndex) slice(start, end int, folded bool) string {
	start, end = max(0, min(start, x.chars)), max(0, min(end, x.chars))
	if start >= end {
		return ""
	}
	if folded {
		fx := x.foldIndex()
		return x.folded[fx.ByteOffset(start):fx.ByteOffset(end)]
	}
	return x.text[x.idx.ByteOffset(start):x.idx.ByteOffset(end)]
}

// spanText returns the text of sp (folded if folded).
func (x *docIndex) spanText(sp spanRec, folded bool) string {
	switch {
	case !folded:
		return x.text[sp.bstart:sp.bend]
	case x.fidx == nil:
		return x.folded[sp.bstart:sp.bend] // same byte offsets
	}
	return x.slice(int(sp.start), int(sp.end), true)
}

// tokenEnd returns the end of token i.
func (x *docIndex) tokenEnd(i int, lens []int32) int32 {
	return x.tokStart[i] + lens[x.tokWord[i]]
}

// firstTokenFrom returns the index of the first token starting at or after
// cp.
func (x *docIndex) firstTokenFrom(cp int32) int {
	i, _ := slices.BinarySearch(x.tokStart, cp)
	return i
}

// tokenCovering returns the token that holds all of [start, end), or -1.
func (x *docIndex) tokenCovering(start, end int32, lens []int32) int {
	i, found := slices.BinarySearch(x.tokStart, start)
	if !found {
		i--
	}
	if i < 0 || x.tokenEnd(i, lens) < end {
		return -1
	}
	return i
}

// NewIndex indexes docs (tokens that overlap or lie outside the text and
// spans outside it are left out) on every processor. Documents are kept
// in ID order; of two with the same ID, the later is kept.
func NewIndex(docs []*annotate.Document) *Index {
	ix := &Index{}
	xs := make([]*docIndex, len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(docs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(docs); i = int(next.Add(1) - 1) {
				xs[i] = ix.build(docs[i])
			}
		})
	}
	wg.Wait()
	ix.putAll(xs)
	return ix
}

// BuildIndex indexes every document of p as the project file has it
// (progress, if not nil, is called after each document with the number
// done and the total, on BuildIndex's goroutine). It stops with ctx's
// error when ctx is done. It reads the file, not the live documents, one
// document at a time under the project's lock, so edits may go on while it
// runs: Update the documents edited meanwhile.
func BuildIndex(ctx context.Context, p *annotate.Project, progress func(done, total int)) (*Index, error) {
	list, err := p.Documents()
	if err != nil {
		return nil, err
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// One goroutine loads (the project has one connection), the others
	// index.
	ix := &Index{}
	type job struct {
		i int
		d *annotate.Document
	}
	jobs := make(chan job, 8)
	var loadErr error
	go func() {
		defer close(jobs)
		for i, s := range list {
			if ctx.Err() != nil {
				return
			}
			d, err := p.AnnotatedText(ctx, s.ID)
			if err != nil {
				loadErr = err
				cancel()
				return
			}
			select {
			case jobs <- job{i, d}:
			case <-ctx.Done():
				return
			}
		}
	}()
	xs := make([]*docIndex, len(list))
	built := make(chan struct{}, len(list))
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for j := range jobs {
				if ctx.Err() != nil {
					continue // drain
				}
				xs[j.i] = ix.build(j.d)
				built <- struct{}{}
			}
		})
	}
	go func() {
		wg.Wait()
		close(built)
	}()
	done := 0
	for range built {
		done++
		if progress != nil && ctx.Err() == nil {
			progress(done, len(list))
		}
	}
	// jobs is closed and drained: loadErr is set if it will be.
	if err := parent.Err(); err != nil {
		return nil, err
	}
	if loadErr != nil {
		return nil, loadErr
	}
	ix.putAll(xs)
	return ix, nil
}

// Update indexes d again (or for the first time), by its ID.
func (ix *Index) Update(d *annotate.Document) {
	x := ix.build(d)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.put(x)
}

// Remove drops document id from the index.
func (ix *Index) Remove(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if i, ok := ix.find(id); ok {
		ix.docs = slices.Delete(slices.Clone(ix.docs), i, i+1)
	}
}

// find returns where document id is (or would be) in ix.docs.
func (ix *Index) find(id int64) (int, bool) {
	return slices.BinarySearchFunc(ix.docs, id, func(x *docIndex, id int64) int { return cmp.Compare(x.id, id) })
}

// put adds or replaces x. The docs slice is copied when an entry is
// replaced or inserted, so snapshots taken by searches never change.
func (ix *Index) put(x *docIndex) {
	i, ok := ix.find(x.id)
	if ok {
		ix.docs = slices.Clone(ix.docs)
		ix.docs[i] = x
		return
	}
	if i == len(ix.docs) {
		ix.docs = append(ix.docs, x) // appending never changes a snapshot's elements
		return
	}
	ix.docs = slices.Insert(slices.Clone(ix.docs), i, x)
}

// putAll makes xs (in any order; nil entries skipped) the index's
// documents; of two with the same ID the later in xs is kept.
func (ix *Index) putAll(xs []*docIndex) {
	xs = slices.DeleteFunc(slices.Clone(xs), func(x *docIndex) bool { return x == nil })
	slices.SortStableFunc(xs, func(a, b *docIndex) int { return cmp.Compare(a.id, b.id) })
	out := xs[:0]
	for _, x := range xs {
		if len(out) > 0 && out[len(out)-1].id == x.id {
			out[len(out)-1] = x
			continue
		}
		out = append(out, x)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.docs = out
}

// build indexes one document. The text work and a first pass over the
// words and tags (each distinct one given a local ID) happen without the
// lock; only the distinct words, tags and labels are interned under it.
func (ix *Index) build(d *annotate.Document) *docIndex {
	x := &docIndex{id: d.ID, name: d.Name, status: d.Status, text: d.Text}
	x.idx.Build(d.Text)
	x.chars = x.idx.Len()
	var same bool
	x.folded, same = foldString(d.Text)
	if !same {
		x.fidx = &annotate.TextIndex{}
		x.fidx.Build(x.folded)
	}
	// Token texts are sliced from the text by their offsets (never taken
	// from Token.Text); tokens out of order or outside the text are left
	// out.
	// A document of n tokens has about n/3 distinct words (UD Chinese:
	// 10,000 tokens, 3,100 types): the map is made that size at once.
	words := localIDs{ids: make(map[string]int32, len(d.Tokens)/3+16)}
	var tags, keys localIDs
	x.tokStart = make([]int32, 0, len(d.Tokens))
	x.tokWord = make([]int32, 0, len(d.Tokens))
	x.tokPOS = make([]int32, 0, len(d.Tokens))
	w := runeWalker{s: d.Text}
	prevEnd := 0
	for _, t := range d.Tokens {
		if t.Start < prevEnd || t.End <= t.Start || t.End > x.chars {
			continue
		}
		b := w.seek(t.Start)
		x.tokStart = append(x.tokStart, int32(t.Start))
		x.tokWord = append(x.tokWord, words.id(d.Text[b:w.seek(t.End)]))
		x.tokPOS = append(x.tokPOS, tags.id(t.POS))
		prevEnd = t.End
		if t.Edited {
			x.tagged++
		}
	}
	x.spans = make([]spanRec, 0, len(d.Spans))
	for _, s := range d.Spans {
		if s.Start < 0 || s.End <= s.Start || s.End > x.chars {
			continue
		}
		x.spans = append(x.spans, spanRec{start: int32(s.Start), end: int32(s.End),
			key: keys.id(s.Layer + "\x00" + s.Label), suggested: s.Origin == annotate.OriginSuggested, id: s.ID})
	}
	slices.SortStableFunc(x.spans, func(a, b spanRec) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), cmp.Compare(a.id, b.id))
	})
	w = runeWalker{s: d.Text}
	for k := range x.spans {
		sp := &x.spans[k]
		b := w.seek(int(sp.start))
		e := b
		for n := sp.end - sp.start; n > 0; n-- {
			_, size := utf8.DecodeRuneInString(d.Text[e:])
			e += size
		}
		sp.bstart, sp.bend = int32(b), int32(e)
	}

	ix.mu.Lock()
	gw := make([]int32, len(words.strs))
	for i, w := range words.strs {
		gw[i] = ix.voc.intern(w)
	}
	gt := make([]int32, len(tags.strs))
	for i, t := range tags.strs {
		gt[i] = ix.pos.intern(t)
	}
	gk := make([]int32, len(keys.strs))
	for i, k := range keys.strs {
		gk[i] = ix.keys.intern(k)
	}
	ix.mu.Unlock()
	for k, id := range x.tokWord {
		x.tokWord[k] = gw[id]
	}
	for k, id := range x.tokPOS {
		x.tokPOS[k] = gt[id]
	}
	for k := range x.spans {
		x.spans[k].key = gk[x.spans[k].key]
	}
	return x
}

// localIDs numbers the distinct strings of one document.
type localIDs struct {
	ids  map[string]int32
	strs []string
	last string // the last string seen and its ID: tags repeat
	lid  int32
}

func (l *localIDs) id(s string) int32 {
	if len(l.strs) > 0 && s == l.last {
		return l.lid
	}
	id, ok := l.ids[s]
	if !ok {
		if l.ids == nil {
			l.ids = map[string]int32{}
		}
		id = int32(len(l.strs))
		l.ids[s] = id
		l.strs = append(l.strs, s)
	}
	l.last, l.lid = s, id
	return id
}

// Docs returns the number of documents indexed.
func (ix *Index) Docs() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.docs)
}

// Chars returns the number of code points of the texts indexed.
func (ix *Index) Chars() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := 0
	for _, x := range ix.docs {
		n += x.chars
	}
	return n
}

// Bytes returns the approximate memory the index holds, texts included.
func (ix *Index) Bytes() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := 0
	for _, x := range ix.docs {
		n += 200 + len(x.name) + len(x.text) + x.idx.Bytes()
		if x.fidx != nil {
			n += len(x.folded) + x.fidx.Bytes()
		}
		n += 12*cap(x.tokStart) + 32*cap(x.spans)
	}
	for _, in := range []*interner{&ix.voc.interner, &ix.pos, &ix.keys} {
		for _, s := range in.strs {
			n += len(s) + 16 + 48 // the string, its header in strs, a map entry
		}
	}
	n += 8 * len(ix.voc.lens)
	return n
}

// Query says what Search looks for. Its fields combine with AND; empty
// fields are not used.
//
// Text and Regex find places in the text; Word, WordRegex and POS describe
// one token; Layer, Label and LabelText describe one span. The hits are
// the finest unit the query names: text matches if Text or Regex is set
// (they must then lie inside one token matching the token fields, if any,
// and inside one span matching the span fields, if any); else tokens (which
// must lie inside such a span); else spans.
type Query struct {
	Text      string // a plain substring of the text
	Regex     string // a regular expression (Go's RE2 syntax) over the text
	Word      string // a token's exact text
	WordRegex string // a regular expression a whole token must match (anchored)
	POS       string // a token's POS tag, exactly
	Layer     string // a span's layer
	Label     string // a span's label
	LabelText string // a string the span's text contains
	// Fold ignores the difference between traditional and simplified
	// characters (OpenCC t2s, character by character) in the text, the
	// words, span texts and the query.
	Fold bool
	Doc  int64 // only this document (0: all)
}

// QueryError is a query Search cannot run: Field names the Query field at
// fault ("" for the query as a whole).
type QueryError struct {
	Field string
	Err   error
}

func (e *QueryError) Error() string { return "annotate: query: " + e.Err.Error() }

func (e *QueryError) Unwrap() error { return e.Err }

// ErrEmptyQuery is the error (in a QueryError) of a query with nothing to
// look for.
var ErrEmptyQuery = errors.New("nothing to search for: give a text, regular expression, word, POS tag or label")

func (q Query) textFields() bool  { return q.Text != "" || q.Regex != "" }
func (q Query) tokenFields() bool { return q.Word != "" || q.WordRegex != "" || q.POS != "" }
func (q Query) spanFields() bool  { return q.Layer != "" || q.Label != "" || q.LabelText != "" }

// Validate checks q: something to look for, not both Text and Regex, and
// regular expressions that compile. Errors are *QueryError.
func (q Query) Validate() error {
	switch {
	case !q.textFields() && !q.tokenFields() && !q.spanFields():
		return &QueryError{Err: ErrEmptyQuery}
	case q.Text != "" && q.Regex != "":
		return &QueryError{Field: "Regex", Err: errors.New("give a text or a regular expression, not both")}
	case q.Doc < 0:
		return &QueryError{Field: "Doc", Err: fmt.Errorf("no document %d", q.Doc)}
	}
	if q.Regex != "" {
		if _, _, err := compileRegex(q.Regex, false, false); err != nil {
			return regexError("Regex", q.Regex, err)
		}
	}
	if q.WordRegex != "" {
		if _, _, err := compileRegex(q.WordRegex, true, false); err != nil {
			return regexError("WordRegex", q.WordRegex, err)
		}
	}
	return nil
}

// MaxRegexInsts is the largest program, in instructions of Go's
// regexp/syntax, that a Regex or WordRegex may compile to. regexp's time
// per byte of text grows with the program: (焦|作)? written 250 times
// (1,003 instructions) costs about 12 µs a byte (a Han character is
// three), written 1,000 times (4,002) about 300 µs a byte in
// sentence-long pieces, where everyday expressions take well under 0.1 µs.
// An alternation of 300 two-character words stays below the cap.
const MaxRegexInsts = 1000

// RegexSizeError is the error (in a QueryError) of a regular expression
// that compiles to more than MaxRegexInsts instructions.
type RegexSizeError struct {
	Insts int // the instructions it compiles to
}

func (e *RegexSizeError) Error() string {
	return fmt.Sprintf("it compiles to %d instructions, more than the %d a search allows", e.Insts, MaxRegexInsts)
}

// regexError is the QueryError of the regular expression pattern, the
// Regex or WordRegex field (named by field), that compileRegex refused
// with err.
func regexError(field, pattern string, err error) *QueryError {
	what := "regular expression"
	if field == "WordRegex" {
		what = "word regular expression"
	}
	if se := (*RegexSizeError)(nil); errors.As(err, &se) {
		// Not quoted: such an expression is long.
		return &QueryError{Field: field, Err: fmt.Errorf("%s is too large: %w", what, err)}
	}
	return &QueryError{Field: field, Err: fmt.Errorf("%s %q does not compile: %s", what, pattern, regexErr(err))}
}

// regexErr is a regexp error without its "error parsing regexp: " prefix.
func regexErr(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s in `%s`", se.Code, se.Expr)
	}
	return err.Error()
}

// compileRegex compiles pattern, anchored to the whole string if whole,
// with its literal characters folded if fold, and returns the number of
// instructions of its program: a *RegexSizeError when that is more than
// MaxRegexInsts.
func compileRegex(pattern string, whole, fold bool) (*regexp.Regexp, int, error) {
	if whole {
		pattern = `^(?:` + pattern + `)$`
	}
	tree, err := syntax.Parse(pattern, syntax.Perl) // as regexp.Compile does
	if err != nil {
		return nil, 0, err
	}
	if fold {
		foldRegexp(tree)
		pattern = tree.String()
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil {
		return nil, 0, err
	}
	if n := len(prog.Inst); n > MaxRegexInsts {
		return nil, n, &RegexSizeError{Insts: n}
	}
	re, err := regexp.Compile(pattern)
	return re, len(prog.Inst), err
}

// foldRegexp folds the literal characters of re and adds the folded form
// of each member of its character classes (classes of more than 65,536
// characters, such as negated ones, are left as they are).
func foldRegexp(re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		for i, r := range re.Rune {
			re.Rune[i] = foldRune(r)
		}
	case syntax.OpCharClass:
		size := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			size += int(re.Rune[i+1] - re.Rune[i] + 1)
		}
		if size <= 1<<16 {
			var add []rune
			for i := 0; i+1 < len(re.Rune); i += 2 {
				for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
					if f := foldRune(r); f != r {
						add = append(add, f, f)
					}
				}
			}
			re.Rune = append(re.Rune, add...)
		}
	}
	for _, s := range re.Sub {
		foldRegexp(s)
	}
}

// MaxHits is the most hits a Result holds; a query finding more is cut
// there (Result.Truncated).
var MaxHits = 10_000_000

// hitRec is one hit, compactly: 16 bytes.
type hitRec struct {
	doc        int32 // index into Result.docs
	start, end int32
	ref        int32 // token (token hits) or span (span hits) index; -1
}

// Result is the answer to a Search: its hits, in position order (document
// ID, then start, then end) until sorted. Only the page asked for is
// turned into text (Hits). A Result is not safe for concurrent Sort.
type Result struct {
	ix        *Index
	q         Query
	m         *matcher
	docs      []*docIndex
	hits      []hitRec
	truncated bool
	sorted    SortKey
}

// Len returns the number of hits.
func (r *Result) Len() int { return len(r.hits) }

// Truncated reports whether the query found more than MaxHits hits (the
// first MaxHits, in position order, are kept).
func (r *Result) Truncated() bool { return r.truncated }

// Query returns the query r answers.
func (r *Result) Query() Query { return r.q }

// Sorted returns the order the hits are in.
func (r *Result) Sorted() SortKey { return r.sorted }

// Loc returns where hit i is: its document and its [start, end) in code
// points.
func (r *Result) Loc(i int) (doc int64, start, end int) {
	h := r.hits[i]
	return r.docs[h.doc].id, int(h.start), int(h.end)
}

// Hit is one line of a concordance: the hit's document and place (code
// points, end-exclusive), the text before, of and after it (line breaks,
// tabs and other control characters shown as spaces), the POS of the token
// it lies in (for token hits and text hits inside one token) and, for
// span hits (or hits inside a span the query named), the span's ID, layer
// and label.
type Hit struct {
	Doc                  int64
	DocName              string
	Start, End           int
	Left, Match, Right   string
	POS                  string
	SpanID               int64
	SpanLayer, SpanLabel string
}

// Hits returns hits [from, to) (clamped to the result) as KWIC lines with
// width characters of context on each side.
func (r *Result) Hits(from, to, width int) []Hit {
	from, to = max(0, from), min(to, len(r.hits))
	if from >= to {
		return nil
	}
	width = max(0, width)
	out := make([]Hit, 0, to-from)
	for _, h := range r.hits[from:to] {
		x := r.docs[h.doc]
		s, e := int(h.start), int(h.end)
		hit := Hit{Doc: x.id, DocName: x.name, Start: s, End: e,
			Left: display(x.slice(s-width, s, false)), Match: display(x.slice(s, e, false)), Right: display(x.slice(e, e+width, false))}
		tok, sp := -1, -1
		switch r.m.unit {
		case unitToken:
			tok = int(h.ref)
		case unitSpan:
			sp = int(h.ref)
		default:
			tok = x.tokenCovering(h.start, h.end, r.m.lens)
		}
		if r.m.unit != unitSpan && r.m.spans {
			sp = r.m.spanCovering(x, h.start, h.end)
		}
		if tok >= 0 {
			hit.POS = r.m.pos[x.tokPOS[tok]]
		}
		if sp >= 0 {
			rec := x.spans[sp]
			hit.SpanID = rec.id
			hit.SpanLayer, hit.SpanLabel, _ = strings.Cut(r.m.keys[rec.key], "\x00")
		}
		out = append(out, hit)
	}
	return out
}

// display shows s on one line: control characters (line breaks, tabs)
// and the line and paragraph separators become spaces.
func display(s string) string {
	clean := true
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '\u2028' || r == '\u2029' || (r >= 0x80 && r < 0xa0) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == '\u2028' || r == '\u2029' || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}

// SortKey is an order of a Result's hits.
type SortKey string

// The orders of Result.Sort. Context words are the tokens wholly left or
// right of the hit (in a document without tokens, the characters).
const (
	SortPosition SortKey = "position" // document, then start, then end
	SortLeft1    SortKey = "left1"    // the first word to the left
	SortLeft2    SortKey = "left2"    // the second word to the left
	SortRight1   SortKey = "right1"   // the first word to the right
	SortRight2   SortKey = "right2"   // the second word to the right
	SortMatch    SortKey = "match"    // the hit's own text
)

// SortKeys lists every SortKey.
var SortKeys = []SortKey{SortPosition, SortLeft1, SortLeft2, SortRight1, SortRight2, SortMatch}

// Sort orders the hits by key (in code point order of the key's text; a
// hit without such a word, at the edge of its document, comes first). The
// sort is stable: hits with the same key keep their order, so sorting by
// Right1 then by Left1 orders by Left1, then Right1. SortPosition restores
// position order. An unknown key sorts by position.
func (r *Result) Sort(by SortKey) {
	if !slices.Contains(SortKeys, by) || by == SortPosition {
		slices.SortFunc(r.hits, func(a, b hitRec) int {
			return cmp.Or(cmp.Compare(a.doc, b.doc), cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), cmp.Compare(a.ref, b.ref))
		})
		r.sorted = SortPosition
		return
	}
	// Each hit gets the ID of its key: a vocabulary ID, or (for a text
	// key that is no word: a hit's text, a character of a document
	// without tokens) an ID past the vocabulary. The distinct keys are
	// ranked (vocabulary words by the index's cached order, the others
	// sorted and merged in) and the hits placed by a counting sort on the
	// rank, which is stable.
	n, nv := len(r.hits), int32(len(r.m.words))
	ids := make([]int32, n)
	var other map[string]int32
	var others []string
	used := make([]bool, nv)
	for i, h := range r.hits {
		id, str, ok := r.key(h, by)
		switch {
		case !ok:
			id = -1
		case id < 0:
			if other == nil {
				other = map[string]int32{}
			}
			oid, seen := other[str]
			if !seen {
				oid = nv + int32(len(others))
				other[str] = oid
				others = append(others, str)
			}
			id = oid
		default:
			used[id] = true
		}
		ids[i] = id
	}
	var words []int32 // the vocabulary keys used, in order
	for id, u := range used {
		if u {
			words = append(words, int32(id))
		}
	}
	if rank := r.ix.cachedRanks(len(r.m.words)); rank != nil {
		slices.SortFunc(words, func(a, b int32) int { return cmp.Compare(rank[a], rank[b]) })
	} else {
		slices.SortFunc(words, func(a, b int32) int { return strings.Compare(r.m.words[a], r.m.words[b]) })
	}
	oorder := make([]int32, len(others))
	for i := range oorder {
		oorder[i] = int32(i)
	}
	slices.SortFunc(oorder, func(a, b int32) int { return strings.Compare(others[a], others[b]) })
	// keyRank[id]: the key's place among the distinct keys, from 1 (0:
	// no key).
	keyRank := make([]int32, int(nv)+len(others))
	k, i, j := int32(1), 0, 0
	for i < len(words) || j < len(oorder) {
		c := -1
		switch {
		case i == len(words):
			c = 1
		case j < len(oorder):
			c = strings.Compare(r.m.words[words[i]], others[oorder[j]])
		}
		if c <= 0 {
			keyRank[words[i]] = k
			i++
		}
		if c >= 0 {
			keyRank[nv+oorder[j]] = k
			j++
		}
		k++
	}
	counts := make([]int, k+1)
	for i, id := range ids {
		rk := int32(0)
		if id >= 0 {
			rk = keyRank[id]
		}
		ids[i] = rk
		counts[rk+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	sorted := make([]hitRec, n)
	for i, rk := range ids {
		sorted[counts[rk]] = r.hits[i]
		counts[rk]++
	}
	r.hits = sorted
	r.sorted = by
}

// key returns the sort key of h: a vocabulary ID (id >= 0), or a text
// (id < 0); ok is false when h has no such key (no word there).
func (r *Result) key(h hitRec, by SortKey) (id int32, text string, ok bool) {
	x := r.docs[h.doc]
	if by == SortMatch {
		if r.m.unit == unitToken {
			return x.tokWord[h.ref], "", true
		}
		return -1, x.slice(int(h.start), int(h.end), false), true
	}
	if len(x.tokStart) == 0 {
		var cp int
		switch by {
		case SortLeft1:
			cp = int(h.start) - 1
		case SortLeft2:
			cp = int(h.start) - 2
		case SortRight1:
			cp = int(h.end)
		case SortRight2:
			cp = int(h.end) + 1
		}
		if cp < 0 || cp >= x.chars {
			return -1, "", false
		}
		return -1, x.slice(cp, cp+1, false), true
	}
	var t int
	switch by {
	case SortLeft1, SortLeft2:
		// The last token ending at or before the hit's start.
		if r.m.unit == unitToken {
			t = int(h.ref) - 1
		} else {
			t = x.firstTokenFrom(h.start) - 1
			if t >= 0 && x.tokenEnd(t, r.m.lens) > h.start {
				t--
			}
		}
		if by == SortLeft2 {
			t--
		}
	case SortRight1, SortRight2:
		if r.m.unit == unitToken {
			t = int(h.ref) + 1
		} else {
			t = x.firstTokenFrom(h.end)
		}
		if by == SortRight2 {
			t++
		}
	}
	if t < 0 || t >= len(x.tokStart) {
		return -1, "", false
	}
	return x.tokWord[t], "", true
}

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

// separator returns a character re cannot match, as a string, so that
// every match lies between two of them: a line break, or a Chinese full
// stop or comma ("": none, or re has \A or \z, or line anchors and the
// character is not a line break). The full stop comes first: sentences are
// shorter than lines.
func separator(re *syntax.Regexp) string {
	if hasOp(re, syntax.OpBeginText, syntax.OpEndText) {
		return ""
	}
	lineAnchors := hasOp(re, syntax.OpBeginLine, syntax.OpEndLine)
	for _, c := range []rune{'。', '\n', '，'} {
		if c != '\n' && lineAnchors {
			continue
		}
		if !mayMatch(re, c) {
			return string(c)
		}
	}
	return ""
}

// hasOp reports whether re or a part of it is one of ops.
func hasOp(re *syntax.Regexp, ops ...syntax.Op) bool {
	if slices.Contains(ops, re.Op) {
		return true
	}
	for _, s := range re.Sub {
		if hasOp(s, ops...) {
			return true
		}
	}
	return false
}

// mayMatch reports whether some part of re may match character c.
func mayMatch(re *syntax.Regexp, c rune) bool {
	switch re.Op {
	case syntax.OpAnyChar:
		return true
	case syntax.OpAnyCharNotNL:
		return c != '\n'
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == c || re.Flags&syntax.FoldCase != 0 && unicode.SimpleFold(r) != r && equalFold(r, c) {
				return true
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= c && c <= re.Rune[i+1] {
				return true
			}
		}
	}
	for _, s := range re.Sub {
		if mayMatch(s, c) {
			return true
		}
	}
	return false
}

// equalFold reports whether a and b are the same letter but for case.
func equalFold(a, b rune) bool {
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return a == b
}

// maxLits is the most literals requiredLiterals returns.
const maxLits = 16

// requiredLiterals returns a set of strings one of which every match of
// re holds (nil: none found): the literal runs, small character classes
// and alternations of them, choosing in a concatenation the set with the
// fewest strings, then the longest shortest string.
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if len(out)+int(re.Rune[i+1]-re.Rune[i]+1) > maxLits {
				return nil
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l := requiredLiterals(s)
			if l == nil || len(out)+len(l) > maxLits {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpConcat:
		var best []string
		better := func(l []string) bool {
			if best == nil || len(l) != len(best) {
				return best == nil || len(l) < len(best)
			}
			return shortest(l) > shortest(best)
		}
		run := ""
		for _, s := range re.Sub {
			if s.Op == syntax.OpLiteral && s.Flags&syntax.FoldCase == 0 {
				run += string(s.Rune)
				if l := []string{run}; better(l) {
					best = l
				}
				continue
			}
			run = ""
			if l := requiredLiterals(s); l != nil && better(l) {
				best = l
			}
		}
		return best
	}
	return nil
}

func shortest(l []string) int {
	n := len(l[0])
	for _, s := range l[1:] {
		n = min(n, len(s))
	}
	return n
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
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

// runeWalker turns increasing code point offsets of s into byte offsets.
// (A copy of annotate's, which its pipeline and store walk texts with: a
// loop of four lines is no API.)
type runeWalker struct {
	s          string
	cp, offset int // code point cp starts at byte offset
}

// seek returns the byte offset of code point cp, which must not be before
// the last one sought.
func (w *runeWalker) seek(cp int) int {
	for w.cp < cp && w.offset < len(w.s) {
		_, n := utf8.DecodeRuneInString(w.s[w.offset:])
		w.offset += n
		w.cp++
	}
	return w.offset
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
	idx   *annotate.TextIndex
	b, cp int
}

func (c *cpCounter) at(b int) int {
	if b-c.b > 4*annotate.TextIndexStep {
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

// The t2s mapping, one character to one character, built on first use.
var foldTable struct {
	once   sync.Once
	bmp    []rune        // bmp[r] for r < 0x10000
	astral map[rune]rune // the others that change
}

func loadFold() {
	t := &foldTable
	t.bmp = make([]rune, 0x10000)
	for r := range t.bmp {
		t.bmp[r] = rune(r)
	}
	t.astral = map[rune]rune{}
	cc, err := opencc.New("t2s")
	if err != nil {
		return // folding then changes nothing; the Segmenter reports this error
	}
	one := func(r rune) rune {
		rs := []rune{r}
		for _, g := range cc.DictChains {
			annotate.ConvertInPlace(g, rs)
		}
		return rs[0]
	}
	// The CJK blocks (radicals, ideographs and their extensions,
	// compatibility ideographs).
	for _, rg := range [][2]rune{{0x2E80, 0x2FDF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x323AF}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if f := one(r); f != r {
				if r < 0x10000 {
					t.bmp[r] = f
				} else {
					t.astral[r] = f
				}
			}
		}
	}
	// Make the mapping idempotent: a character mapped to one that maps on
	// goes to the end of the chain.
	get := func(r rune) rune {
		if r < 0x10000 {
			return t.bmp[r]
		}
		if f, ok := t.astral[r]; ok {
			return f
		}
		return r
	}
	final := func(r rune) rune {
		for range 8 {
			f := get(r)
			if f == r {
				break
			}
			r = f
		}
		return r
	}
	for r := range t.bmp {
		t.bmp[r] = final(rune(r))
	}
	for r := range t.astral {
		t.astral[r] = final(r)
	}
}

// foldRune returns r's simplified form under OpenCC t2s (r itself if it
// has none).
func foldRune(r rune) rune {
	foldTable.once.Do(loadFold)
	if r >= 0 && r < 0x10000 {
		return foldTable.bmp[r]
	}
	if f, ok := foldTable.astral[r]; ok {
		return f
	}
	return r
}

// foldString returns s with every character folded (s itself when none
// changes) and whether every byte offset of s is the same in the result.
func foldString(s string) (string, bool) {
	foldTable.once.Do(loadFold)
	bmp := foldTable.bmp
	i := 0
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < 0x10000 {
			if bmp[r] != r {
				break
			}
		} else if _, ok := foldTable.astral[r]; ok {
			break
		}
		i += n
	}
	if i == len(s) {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	same := true
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		f := foldRune(r)
		switch {
		case f == r || r == utf8.RuneError:
			b.WriteString(s[i : i+n]) // as written, invalid bytes included
		default:
			if utf8.RuneLen(f) != n {
				same = false
			}
			b.WriteRune(f)
		}
		i += n
	}
	return b.String(), same
}
