package corpus

// The Result of a Search: its hits, as KWIC lines, and their sorts.

import (
	"cmp"
	"slices"
	"strings"
)

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

// Context returns [start, end) of document doc as a KWIC line — its
// text, width characters of context on each side, the document's name —
// as Hits makes them (Start, End, DocName, Left, Match, Right set); ok is
// false when the index has no such document.
func (ix *Index) Context(doc int64, start, end, width int) (h Hit, ok bool) {
	ix.mu.RLock()
	i, ok := ix.find(doc)
	var x *docIndex
	if ok {
		x = ix.docs[i]
	}
	ix.mu.RUnlock()
	if !ok {
		return Hit{}, false
	}
	width = max(0, width)
	return Hit{Doc: x.id, DocName: x.name, Start: start, End: end,
		Left: display(x.slice(start-width, start, false)), Match: display(x.slice(start, end, false)), Right: display(x.slice(end, end+width, false))}, true
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
