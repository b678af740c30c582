package text

import (
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Learner segments text as a Segmenter does and learns the annotator's
// segmentation conventions from the sentences the annotator corrected. It keeps what it
// learns outside gse: gse v0.80.3 panics in its trie (cedar.resolve) when
// RemoveToken and AddToken are interleaved on a loaded dictionary, so the
// Learner never changes the Segmenter's dictionary and shares it safely.
//
// It decides, at every place between two characters of a run without
// whitespace, whether a word ends there, with an online averaged
// perceptron stacked on the Segmenter. The classifier's score is
//
//	±gsePrior (the Segmenter's own decision) + learnt-word priors + Σ weights
//
// where the weights start at zero, so that before any learning it agrees
// with the Segmenter everywhere (and Segment returns the Segmenter's tokens
// as they are). Learn only changes weights where the classifier errs on
// the annotator's segmentation. The features of a place, each conjoined
// with the Segmenter's decision there, are: the characters in a window of
// two on either side (unigrams, bigrams, the skip bigrams) as the
// Segmenter's dictionary reads them (traditional folded to simplified,
// full-width to ASCII, Latin lower-cased), their types (Han, Han numeral,
// digit, letter, punctuation, other); the Segmenter's tokens on either
// side (lengths, POS tags, the pair of words) or around the place (its
// length, POS, word and the offset in it); the dictionary's evidence (the
// longest dictionary words ending before, starting after and crossing the
// place); and the word memory (inside or at the edge of a learnt word,
// inside a stopped word).
//
// The word memory is the dictionary the annotator teaches: a word the
// annotator made that the Segmenter did not (a merge) counts for the word,
// a word of the Segmenter or of the memory that the annotator cut (a split)
// counts against it. A word with more for than against is added, one of
// the Segmenter's with more against is stopped (Words lists them). Places
// inside a stopped word get a prior for a boundary. An added word's
// occurrences are not all taken: where they overlap each other or cross
// the Segmenter's words, chooseOccurrences picks those a sensible reading
// makes words (no more weak tokens than the Segmenter's reading, see
// there); places inside a picked occurrence get a prior against a boundary
// and its two edges a prior for one, each larger than gsePrior, so that
// one merge or split already changes new sentences (and an added word
// never glues onto its neighbours), while the perceptron still learns
// where the memory is wrong. AddWord and StopWord are the user's explicit
// dictionary: a picked occurrence of a user's added word is always a token,
// a stopped word of two or more characters never is. They are read the
// way the Segmenter reads text, so 马冬梅 also adds 馬冬梅. Lastly, a token
// the Learner makes up (neither the Segmenter's, nor an added word, nor a
// dictionary word) is never longer than maxFused characters across the
// Segmenter's boundaries (capFused).
//
// Measured with the simulated annotator (TestLearnSimulatedAnnotator,
// BenchmarkSimulatedAnnotator): segment each UD Chinese GSD dev sentence,
// correct it to gold with Split and Merge through annotate's Editor,
// learn it.
// After the 500 dev sentences (20,522 characters) the word F1 on GSD test
// (traditional) goes from 0.7944 to 0.9032, and the corrections per 1,000
// characters are 55.4 on the first half of dev and 47.9 on the second (the
// Segmenter alone would have needed 87.7 and 91.1); 182 of the 12,172
// tokens of test are made up, none fused over four characters. (Before
// occurrences were picked, when every occurrence pushed against the
// boundaries inside it and none for its edges: 0.9035, 54.9 and 46.4, but
// added words glued onto their neighbours.) On the 2-core development
// machine, shared with other work: Learn takes 40–100 µs a sentence;
// Segment about 2.5 times the Segmenter's time, 0.5–1.5 million
// characters a second on one core after learning dev (the Segmenter alone
// 2–4.7 million); 10 million characters in 265,200 sentences on both cores
// take 10–14 s (the Segmenter alone 5–7 s). Runs of 200,000 characters
// with an added word at every place take a few tenths of a second. Without
// the dictionary evidence test F1 is 0.8993, without the word memory 0.8927.
//
// A Learner is safe for concurrent use: Segment calls run in parallel,
// Learn, AddWord and StopWord wait for them.
type Learner struct {
	seg *Segmenter

	mu     sync.RWMutex
	wts    weightTable
	c      float64 // places learnt from, plus one (the averaging clock)
	trie   trieNode
	words  []*learntWord // in the order first seen
	maxLen int           // the longest word's length in the memory
	learnt bool          // Learn, AddWord or StopWord was called

	pool sync.Pool // *runCtx
}

// The classifier's priors, in units of one perceptron update.
const (
	gsePrior    = 4.0 // for the Segmenter's decision
	memoryPrior = 6.0 // inside a learnt added word: no boundary; inside a stopped one: a boundary
	userPrior   = 1e6 // inside a user's added word: no boundary; at its edges: a boundary
	edgePrior   = 6.0 // at the edges of a learnt added word: a boundary
)

// learntWord is a word of the memory: the evidence for and against it as a
// token, whether the Segmenter made it, and the user's explicit say.
type learntWord struct {
	text       string // as first seen
	pos        string // the annotator's last POS for it, or the user dictionary's
	tok, split int
	// merges and pieces count the tokens of it the annotator made by
	// joining the Segmenter's tokens, and by cutting one.
	merges, pieces int
	base           bool // the Segmenter produced it
	user           int8 // +1 AddWord, -1 StopWord
}

// status is +1 for an added word, -1 for a stopped one, 0 otherwise.
func (w *learntWord) status() int8 {
	switch {
	case w.user != 0:
		return w.user
	case w.tok > w.split:
		return 1
	case w.split > w.tok && w.base:
		return -1
	}
	return 0
}

// trieNode is a node of the word memory's trie over folded characters.
type trieNode struct {
	next map[rune]*trieNode
	word *learntWord
}

// NewLearner returns a Learner that segments as seg does until it learns.
func NewLearner(seg *Segmenter) *Learner {
	return &Learner{seg: seg, c: 1}
}

// nonSpaceRuns returns the [start, end) runs of non-whitespace code points of
// runes.
func nonSpaceRuns(runes []rune) [][2]int {
	var out [][2]int
	for i := 0; i < len(runes); {
		if unicode.IsSpace(runes[i]) {
			i++
			continue
		}
		j := i
		for j < len(runes) && !unicode.IsSpace(runes[j]) {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// Segment splits text into tokens under the same contract as
// Segmenter.Segment (code-point offsets, Text sliced from text, no
// whitespace in a token, every token with a POS), with what the Learner
// has learnt. Before any learning it returns seg.Segment(text). A token the
// Segmenter also made keeps its POS; another takes the dictionary's POS,
// else the annotator's last POS for the word, else the Segmenter's rules
// ("m", "eng", "w", "x").
func (l *Learner) Segment(text string) []Token {
	base := l.seg.Segment(text)
	l.mu.RLock()
	defer l.mu.RUnlock()
	if !l.learnt || len(base) == 0 {
		return base
	}
	c := l.getCtx()
	defer l.pool.Put(c)
	runes := []rune(text)
	// word slices text from the code point at byte offset at to e (both
	// moving forward only), or the code points when text is not valid UTF-8.
	valid := utf8.ValidString(text)
	cp, at := 0, 0
	word := func(s, e int) string {
		if !valid {
			return string(runes[s:e])
		}
		for ; cp < s; cp++ {
			at += utf8.RuneLen(runes[cp])
		}
		b := at
		for ; cp < e; cp++ {
			at += utf8.RuneLen(runes[cp])
		}
		return text[b:at]
	}
	out := make([]Token, 0, len(base)+len(base)/8)
	bi := 0
	for _, r := range nonSpaceRuns(runes) {
		start, end := r[0], r[1]
		bj := bi
		for bj < len(base) && base[bj].Start < end {
			bj++
		}
		rb := base[bi:bj]
		bi = bj
		l.decide(c, runes[start:end], rb, start)
		k := 0 // the first Segmenter token of the run not before s
		for s, n := 0, end-start; s < n; {
			e := s + 1
			for !c.cut[e] {
				e++
			}
			for k < len(rb) && rb[k].Start-start < s {
				k++
			}
			if k < len(rb) && rb[k].Start-start == s && rb[k].End-start == e {
				out = append(out, rb[k])
			} else {
				w := word(start+s, start+e)
				out = append(out, Token{Start: start + s, End: start + e, Text: w, POS: l.posOf(w, c.m[s:e])})
			}
			s = e
		}
	}
	return out
}

// decide prepares c for a run and sets c.cut: the boundaries of its tokens.
// Called with l.mu held.
func (l *Learner) decide(c *runCtx, run []rune, base []Token, start int) {
	l.prepare(c, run, base, start)
	n := len(run)
	c.cut = resized(c.cut, n+1)
	c.scores = resized(c.scores, n+1)
	c.cut[0], c.cut[n] = true, true
	for i := 1; i < n; i++ {
		c.feats = c.features(c.feats[:0], i)
		s := l.score(c, i, c.feats, true)
		if c.mem[i]&userIn != 0 {
			s -= userPrior
		}
		if c.mem[i]&userEdge != 0 {
			s += userPrior
		}
		c.scores[i] = s
		c.cut[i] = s > 0
	}
	l.capFused(c)
	l.stopUserWords(c)
}

// maxFused is the longest token, in characters, the Learner makes that is
// neither the Segmenter's, nor an added word, nor a dictionary word.
const maxFused = 4

// capFused cuts every token of c longer than maxFused characters that is
// neither a token of the Segmenter's, nor an added word, nor a word of the
// dictionary back at every place inside it where the Segmenter has a
// boundary (unless inside a chosen occurrence of an added word) or a chosen
// occurrence an edge: its pieces are no longer than the Segmenter's tokens
// and the added words. Such long tokens are the perceptron's guesses, and
// rare (4 in the 12,181 tokens of GSD test after learning dev, 1 right).
func (l *Learner) capFused(c *runCtx) {
	n := len(c.m)
	for s := 0; s < n; {
		e := s + 1
		for !c.cut[e] {
			e++
		}
		if e-s > maxFused && !l.knownToken(c, s, e) {
			for i := s + 1; i < e; i++ {
				m := c.mem[i]
				c.cut[i] = m&(memEdge|userEdge) != 0 || c.g[i] && m&(memIn|userIn) == 0
			}
		}
		s = e
	}
}

// knownToken reports whether c.m[s:e] is a token of the Segmenter's, an
// added word or a word of the dictionary.
func (l *Learner) knownToken(c *runCtx, s, e int) bool {
	if int(c.bs[s]) == s && int(c.be[s]) == e {
		return true
	}
	if w := l.lookup(c.m[s:e]); w != nil && w.status() > 0 {
		return true
	}
	d := l.seg.seg.Dict
	if d == nil || e-s > d.MaxTokenLen() {
		return false
	}
	f, _, ok := l.seg.seg.Find(string(c.m[s:e]))
	return ok && f > 0
}

// stopUserWords cuts every token of c that is a word the user stopped, at
// its most boundary-like place.
func (l *Learner) stopUserWords(c *runCtx) {
	if l.trie.next == nil {
		return
	}
	n := len(c.m)
	for s := 0; s < n; {
		e := s + 1
		for !c.cut[e] {
			e++
		}
		if e-s > 1 {
			if w := l.lookup(c.m[s:e]); w != nil && w.user < 0 {
				best := s + 1
				for i := s + 2; i < e; i++ {
					if c.scores[i] > c.scores[best] {
						best = i
					}
				}
				c.cut[best] = true
				e = best
			}
		}
		s = e
	}
}

// posOf is the POS of a token the Segmenter did not make.
func (l *Learner) posOf(word string, folded []rune) string {
	if _, pos, ok := l.seg.Lookup(word); ok && pos != "" {
		return pos
	}
	if w := l.lookup(folded); w != nil && w.pos != "" {
		return w.pos
	}
	return rulePOS(folded)
}

// lookup is the memory's entry for a folded word, or nil.
func (l *Learner) lookup(folded []rune) *learntWord {
	nd := &l.trie
	for _, r := range folded {
		nd = nd.next[r]
		if nd == nil {
			return nil
		}
	}
	return nd.word
}

// memWord is the memory's entry for word (as written), made if need be.
func (l *Learner) memWord(word []rune) *learntWord {
	nd := &l.trie
	for _, r := range l.foldRunes(nil, word) {
		if nd.next == nil {
			nd.next = map[rune]*trieNode{}
		}
		nx := nd.next[r]
		if nx == nil {
			nx = &trieNode{}
			nd.next[r] = nx
		}
		nd = nx
	}
	if nd.word == nil {
		l.maxLen = max(l.maxLen, len(word))
		nd.word = &learntWord{text: string(word)}
		l.words = append(l.words, nd.word)
	}
	return nd.word
}

// Learn learns from text as the annotator left it: gold are its tokens,
// offsets (code points) relative to text; a token's Text is not read.
// Tokens outside the text, empty or out of order are ignored, and so are
// the places next to a character no token covers. Learn costs about as
// much as segmenting the text.
func (l *Learner) Learn(text string, gold []Token) { l.learn(text, gold, false) }

// LearnEdited learns from text as Learn does, but from what the annotator
// changed only: the places inside or at the edges of the tokens marked
// Edited. The rest of the sentence is the Segmenter's, which the annotator
// may not have read (a sentence is learnt because one of its words was
// merged): an occurrence of a learnt word left cut there (徐|衣|顯 beside
// the merged 徐衣顯) neither counts against the word nor teaches the
// classifier a boundary. A word the annotator made still counts for itself
// wherever it is a token.
func (l *Learner) LearnEdited(text string, gold []Token) { l.learn(text, gold, true) }

func (l *Learner) learn(text string, gold []Token, editedOnly bool) {
	runes := []rune(text)
	n := len(runes)
	// bound[i]: a gold token starts or ends at i; covered[i]: character i
	// lies in a gold token; decided[i]: the place before character i is
	// the annotator's decision (every place, unless editedOnly).
	bound := make([]bool, n+1)
	covered := make([]bool, n)
	decided := make([]bool, n+1)
	valid := make([]Token, 0, len(gold))
	prev := 0
	for _, t := range gold {
		if t.Start < prev || t.End > n || t.Start >= t.End {
			continue
		}
		prev = t.End
		bound[t.Start], bound[t.End] = true, true
		for k := t.Start; k < t.End; k++ {
			covered[k] = true
		}
		if !editedOnly || t.Edited {
			for k := t.Start; k <= t.End; k++ {
				decided[k] = true
			}
		}
		valid = append(valid, t)
	}
	base := l.seg.Segment(text)

	l.mu.Lock()
	defer l.mu.Unlock()
	l.learnt = true
	c := l.getCtx()
	defer l.pool.Put(c)
	bi := 0
	for _, r := range nonSpaceRuns(runes) {
		start, end := r[0], r[1]
		bj := bi
		for bj < len(base) && base[bj].Start < end {
			bj++
		}
		l.prepare(c, runes[start:end], base[bi:bj], start)
		bi = bj
		for i := 1; i < end-start; i++ {
			a := start + i
			if !covered[a-1] || !covered[a] || !decided[a] {
				continue
			}
			c.feats = c.features(c.feats[:0], i)
			if s := l.score(c, i, c.feats, false); (s > 0) != bound[a] {
				if bound[a] {
					l.update(c.feats, 1)
				} else {
					l.update(c.feats, -1)
				}
			}
			l.c++
		}
	}
	l.learnWords(runes, base, valid, bound, covered, decided)
}

// learnWords updates the word memory: every word of two or more
// characters that the annotator made and the Segmenter did not, every word
// of the Segmenter's that the annotator cut, and every occurrence of a
// word already in the memory count for the word when it is a gold token
// and against it when a gold boundary the annotator decided lies inside
// it. A word the annotator made counts as merged when it joins the
// Segmenter's tokens, as a piece of a split when it lies inside one.
func (l *Learner) learnWords(runes []rune, base, gold []Token, bound, covered, decided []bool) {
	goldSpan := make(map[[2]int]string, len(gold))
	for _, t := range gold {
		goldSpan[[2]int{t.Start, t.End}] = t.POS
	}
	// baseBound[i]: the Segmenter has a boundary at i.
	baseBound := make([]bool, len(runes)+1)
	for _, t := range base {
		baseBound[t.Start], baseBound[t.End] = true, true
	}
	inBase := func(s, e int) bool {
		return !slices.Contains(baseBound[s+1:e], true)
	}
	seen := map[[2]int]bool{}
	visit := func(s, e int, fromBase, made bool) {
		key := [2]int{s, e}
		if e-s < 2 || seen[key] {
			return
		}
		seen[key] = true
		pos, isGold := goldSpan[key]
		if !isGold {
			cutInside := false
			for k := s + 1; k < e && !cutInside; k++ {
				cutInside = bound[k] && covered[k-1] && covered[k] && decided[k]
			}
			if !cutInside {
				return
			}
		}
		if slices.ContainsFunc(runes[s:e], unicode.IsSpace) {
			return
		}
		w := l.memWord(runes[s:e])
		w.base = w.base || fromBase
		if isGold && made {
			if inBase(s, e) {
				w.pieces++
			} else {
				w.merges++
			}
		}
		if isGold {
			w.tok++
			if pos != "" {
				w.pos = pos
			}
		} else {
			w.split++
		}
	}
	baseSpan := make(map[[2]int]bool, len(base))
	for _, t := range base {
		baseSpan[[2]int{t.Start, t.End}] = true
	}
	for _, t := range gold {
		if !baseSpan[[2]int{t.Start, t.End}] {
			visit(t.Start, t.End, false, true)
		}
	}
	for _, t := range base {
		if _, ok := goldSpan[[2]int{t.Start, t.End}]; !ok {
			visit(t.Start, t.End, true, false)
		}
	}
	if l.trie.next == nil {
		return
	}
	m := l.foldRunes(nil, runes)
	for j := range m {
		nd := l.trie.next[m[j]]
		for k := j + 1; k < len(m) && nd != nil; k++ {
			if nd = nd.next[m[k]]; nd != nil && nd.word != nil {
				visit(j, k+1, false, false)
			}
		}
	}
}

// userWord validates a user dictionary word: not empty, no whitespace.
func userWord(w string) ([]rune, bool) {
	rs := []rune(w)
	return rs, len(rs) > 0 && !slices.ContainsFunc(rs, unicode.IsSpace)
}

// AddWord adds w to the user dictionary: Segment makes an occurrence of w
// a token, cut from its neighbours, unless its occurrences overlap (then
// they tile the text: 哈哈 makes 哈哈哈哈哈哈 哈哈 哈哈 哈哈) or the reading
// with it has more weak tokens than the Segmenter's (大學生 leaves 大學生活
// as 大學 生活, but makes 北京大學生在 北京 大學生 在): see
// chooseOccurrences. A word of one character changes nothing. It undoes a
// StopWord of w. A word that is empty or holds whitespace (never a token)
// is ignored.
func (l *Learner) AddWord(w string) { l.AddWordPOS(w, "") }

// AddWordPOS is AddWord, and gives w the POS tag pos (unless it is empty),
// which a token w takes when the Segmenter's dictionary has no tag for it.
// annotate's Project.Learner adds the user dictionary's words so.
func (l *Learner) AddWordPOS(w, pos string) {
	rs, ok := userWord(w)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.learnt = true
	lw := l.memWord(rs)
	lw.user = 1
	if pos != "" {
		lw.pos = pos
	}
}

// StopWord stops w: Segment never makes it a token (a token that would be
// w is cut where the classifier most expects a boundary); a single
// character cannot be stopped. It undoes an AddWord of w. A word that is
// empty or holds whitespace is ignored.
func (l *Learner) StopWord(w string) {
	rs, ok := userWord(w)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.learnt = true
	l.memWord(rs).user = -1
}

// WordLists is the Learner's dictionary by where each word comes from,
// each list sorted.
type WordLists struct {
	Merged  []string // added: made by joining the Segmenter's tokens
	Pieces  []string // added: cut out of a Segmenter's token (a split)
	User    []string // added: the user dictionary's (AddWord)
	Stopped []string // the Segmenter's words cut more often than kept, and StopWord's
}

// WordLists lists the words Words does, the added ones by where they come
// from: a word the annotator made both ways is listed as merged when most
// of its tokens were.
func (l *Learner) WordLists() WordLists {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out WordLists
	for _, w := range l.words {
		switch {
		case w.status() == -1:
			out.Stopped = append(out.Stopped, w.text)
		case w.status() != 1:
		case w.user == 1:
			out.User = append(out.User, w.text)
		case w.pieces > w.merges:
			out.Pieces = append(out.Pieces, w.text)
		default:
			out.Merged = append(out.Merged, w.text)
		}
	}
	for _, ws := range [][]string{out.Merged, out.Pieces, out.User, out.Stopped} {
		slices.Sort(ws)
	}
	return out
}

// Words lists the Learner's dictionary, each list sorted: the words it adds
// (the user's and those the annotator made more often than cut) and the
// words it stops (the user's and the Segmenter's words the annotator cut
// more often than kept).
func (l *Learner) Words() (added []string, stopped []string) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, w := range l.words {
		switch w.status() {
		case 1:
			added = append(added, w.text)
		case -1:
			stopped = append(stopped, w.text)
		}
	}
	slices.Sort(added)
	slices.Sort(stopped)
	return added, stopped
}
