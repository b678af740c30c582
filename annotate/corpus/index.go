package corpus

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
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
	idx    text.TextIndex  // checkpoints of text
	fidx   *text.TextIndex // checkpoints of folded when its bytes differ from text's; else nil
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
func (x *docIndex) foldIndex() *text.TextIndex {
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
		x.fidx = &text.TextIndex{}
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
