package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/internal/gse"
	"github.com/longbridgeapp/opencc"
)

// Segmenter is the Segment+Tag stage: it splits clean text into words with
// exact code-point offsets and gives each a part-of-speech tag of gse's
// (jieba/ICTCLAS) tagset. It wraps gse v0.80.3 with its embedded simplified
// dictionary (zh_s), through the small fork in annotate/internal/gse (gse's
// segmentation, dictionary and results, entry for entry and segment for
// segment, loaded in a quarter of the time and 40 % of the heap), and reads
// traditional text through an OpenCC t2s mapping that keeps every character
// in place, so both scripts segment alike.
// A loaded Segmenter is safe for concurrent Segment and Lookup calls.
//
// Choice of dictionary, measured on UD Chinese GSD test (500 sentences,
// traditional and simplified; SIGHAN word F1, see SegScore), with heap
// after load (runtime.GC, then MemStats.HeapAlloc) and load time on the
// 2-core development machine (BenchmarkSegmenterLoad):
//
//	option                                 trad F1  simp F1  heap       load
//	(a) gse "zh" (zh_s+zh_t), raw text     0.7918   0.7939   194.8 MiB  2.1 s
//	(b) OpenCC t2s, then gse "zh_s"        0.7944   0.7946   127.7 MiB  1.2 s
//
// Option (b) is used: better on both scripts, a third less heap, about
// half the load time (OpenCC's t2s tables cost 0.4 MB and under 0.01 s).
// The fork then brought (b) to 52.5 MiB and 0.25–0.27 s (upstream gse on the
// same machine in the same run: 127.2 MiB, 0.96–1.03 s;
// BenchmarkSegmenterLoad).
// Raw libraries before this package's rules (the whole-number rule and
// the full-width fold below) scored (a) 0.7878/0.7899, (b) 0.7904/0.7905.
//
// gse's HMM for unknown words, applied as jieba does to runs of
// single-character words, was measured on the raw libraries: with (b) it
// moved F1 by +0.0000 (trad) and +0.0002 (simp) on test and -0.0005 on
// the dev set (0.7890 to 0.7885); with (a) it lost 0.0051 on trad test.
// It is not used and gse's HMM model is not loaded. No rule here is tuned
// to UD's conventions.
//
// Text is segmented in runs between whitespace. In each run, full-width
// ASCII letters and digits are read as their ASCII forms and traditional
// characters as OpenCC's simplified ones, character for character (a t2s
// phrase whose simplified form has another length is read as written; no
// UD test sentence or line of the seed article has one). gse's byte
// offsets on the mapped run are converted to code points in one function
// (runeSpans), and every Token's Text is sliced from the original text, so
// case and script are kept.
type Segmenter struct {
	seg gse.Segmenter
	t2s *opencc.OpenCC
}

// NewSegmenter loads gse's embedded zh_s dictionary and OpenCC's t2s tables.
// It takes a quarter of a second on a quiet machine (more under load) and
// about 53 MiB of heap: run it in the background.
func NewSegmenter() (*Segmenter, error) {
	s := &Segmenter{}
	if err := s.seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("annotate: load segmentation dictionary: %w", err)
	}
	if s.seg.Dict == nil || s.seg.Dict.NumTokens() == 0 {
		return nil, fmt.Errorf("annotate: load segmentation dictionary: empty")
	}
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, fmt.Errorf("annotate: load t2s conversion: %w", err)
	}
	s.t2s = cc
	return s, nil
}

// Segment splits text into tokens: every code point that is not whitespace
// lies in exactly one token, in order; whitespace is never in a token. Token
// offsets are code points into text and Token.Text is always
// string([]rune(text)[Start:End]). Every token has a POS: the dictionary's
// tag, or for words it lacks "m" (numbers), "eng" (Latin and other
// alphabetic words), "w" (punctuation) or "x" (symbols and unknown
// characters, as gse tags them).
func (s *Segmenter) Segment(text string) []Token {
	if text == "" {
		return nil
	}
	var sc scratch
	return s.segmentInto(make([]Token, 0, utf8.RuneCountInString(text)*2/3+1), &sc, text)
}

// segmentInto is Segment appending to toks, with working memory sc that
// it reuses from call to call.
func (s *Segmenter) segmentInto(toks []Token, sc *scratch, text string) []Token {
	sc.runes = append(sc.runes[:0], []rune(text)...)
	r := runText{text: text, runes: sc.runes, valid: utf8.ValidString(text)}
	for i, bi := 0, 0; i < len(r.runes); {
		if unicode.IsSpace(r.runes[i]) {
			bi += utf8.RuneLen(r.runes[i])
			i++
			continue
		}
		j, bj := i, bi
		for j < len(r.runes) && !unicode.IsSpace(r.runes[j]) {
			bj += utf8.RuneLen(r.runes[j])
			j++
		}
		toks = s.segmentRun(toks, sc, r, i, j, bi)
		i, bi = j, bj
	}
	return toks
}

// runText is the text Segment works on, as a string and as code points.
// When the string is valid UTF-8, token texts are sliced from it (no copy);
// otherwise from the code points, so that Token.Text is always
// string(runes[Start:End]).
type runText struct {
	text  string
	runes []rune
	valid bool
}

// scratch is the working memory of one Segment call, reused from run to
// run.
type scratch struct {
	runes  []rune
	mapped []rune
	bytes  []byte
	spans  []span
}

// segmentRun appends the tokens of runes[start:end], a run without
// whitespace that starts at byte bstart of the text, to toks.
func (s *Segmenter) segmentRun(toks []Token, sc *scratch, t runText, start, end, bstart int) []Token {
	run := t.runes[start:end]
	sc.mapped = s.mapRun(sc.mapped[:0], run)
	mapped := sc.mapped
	sc.bytes = sc.bytes[:0]
	for _, r := range mapped {
		sc.bytes = utf8.AppendRune(sc.bytes, r)
	}
	sc.spans = joinNumbers(mapped, runeSpans(sc.spans[:0], sc.bytes, s.seg.Segment(sc.bytes)))
	spans := sc.spans
	bi := bstart
	for _, sp := range spans {
		var word string
		if t.valid {
			bj := bi
			for _, r := range run[sp.start:sp.end] {
				bj += utf8.RuneLen(r)
			}
			word, bi = t.text[bi:bj], bj
		} else {
			word = string(run[sp.start:sp.end])
		}
		pos := sp.pos
		if pos == "" {
			pos = rulePOS(mapped[sp.start:sp.end])
		}
		toks = append(toks, Token{
			Start: start + sp.start,
			End:   start + sp.end,
			Text:  word,
			POS:   pos,
		})
	}
	return toks
}

// mapRun appends to dst the run as the dictionary reads it: full-width
// ASCII letters and digits folded to ASCII and traditional characters
// mapped to simplified, one code point for one code point, so the length
// never changes.
func (s *Segmenter) mapRun(dst, run []rune) []rune {
	n := len(dst)
	hasHan := false
	for _, r := range run {
		dst = append(dst, foldWidth(r))
		if !hasHan && unicode.Is(unicode.Han, r) {
			hasHan = true
		}
	}
	if hasHan && s.t2s != nil {
		for _, g := range s.t2s.DictChains {
			ConvertInPlace(g, dst[n:])
		}
	}
	return dst
}

// openccMaxKey is the longest key, in code points, OpenCC's Convert tries.
const openccMaxKey = 10

// ConvertInPlace applies one group of OpenCC's conversion chain to rs the
// way (*opencc.OpenCC).Convert does (at each position the longest key of the
// first dictionary of the group that has one, its first value, then on past
// the key), without Convert's allocations, and keeps the length: a key whose
// value has another number of code points is left as written.
// TestSegmentT2SMatchesOpenCC holds it to Convert. The Segmenter reads
// traditional text through it; the corpus tools build their folding table
// (Query.Fold in package corpus) with it.
func ConvertInPlace(g *opencc.Group, rs []rune) {
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(rs); {
		keyLen, val := 0, -1
		for _, d := range g.Dicts {
			if d == nil || d.Trie == nil {
				continue
			}
			from := 0
			for k := i; k < len(rs) && k-i < openccMaxKey; k++ {
				n := utf8.EncodeRune(buf[:], rs[k])
				to, err := d.Trie.Jump(buf[:n], from)
				if err != nil {
					break
				}
				if v, err := d.Trie.Value(to); err == nil && v < len(d.Values) && len(d.Values[v]) > 0 {
					keyLen, val = k-i+1, v
				}
				from = to
			}
			if val >= 0 {
				if out := []rune(d.Values[val][0]); len(out) == keyLen {
					copy(rs[i:], out)
				}
				break
			}
		}
		if keyLen == 0 {
			keyLen = 1
		}
		i += keyLen
	}
}

// foldWidth maps full-width ASCII letters and digits to ASCII.
func foldWidth(r rune) rune {
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		return r - 0xFEE0
	}
	return r
}

// span is a word of a run in code points of the run; pos is the
// dictionary's tag, or "" when the dictionary lacks the word.
type span struct {
	start, end int
	pos        string
}

// runeSpans appends to dst gse's segments of b, their byte offsets
// converted to code point spans. It is the one place where gse's byte
// offsets are converted.
// gse's segments tile b in order; a segment gse made up for a character its
// dictionary lacks (frequency below 2) gets no POS.
func runeSpans(dst []span, b []byte, segs []gse.Segment) []span {
	out := dst
	bi, ri := 0, 0
	advance := func(to int) {
		for bi < to && bi < len(b) {
			_, size := utf8.DecodeRune(b[bi:])
			bi += size
			ri++
		}
	}
	for i := range segs {
		sg := &segs[i]
		advance(sg.Start())
		st := ri
		advance(sg.End())
		if ri == st {
			continue
		}
		pos := ""
		if tk := sg.Token(); tk != nil && tk.Freq() >= 2 {
			pos = tk.Pos()
		}
		out = append(out, span{start: st, end: ri, pos: pos})
	}
	// gse's segments always reach the end of b; should they not, the rest
	// is one more word so that no character is left out.
	if bi < len(b) {
		st := ri
		advance(len(b))
		out = append(out, span{start: st, end: ri})
	}
	return out
}

// joinNumbers keeps numbers whole: a decimal point between digits (3.5) and
// a comma before exactly three digits (1,000) join the words on either side
// when the word before ends in a digit and the word after is all digits.
func joinNumbers(text []rune, spans []span) []span {
	if len(spans) < 3 {
		return spans
	}
	out := spans[:0] // written behind the reading index
	for i := 0; i < len(spans); i++ {
		cur := spans[i]
		for i+2 < len(spans) {
			sep, next := spans[i+1], spans[i+2]
			if sep.end-sep.start != 1 || !isASCIIDigit(text[cur.end-1]) || !allASCIIDigits(text[next.start:next.end]) {
				break
			}
			c := text[sep.start]
			if c != '.' && !(c == ',' && next.end-next.start == 3) {
				break
			}
			if allASCIIDigits(text[cur.start:cur.end]) {
				cur.pos = "m"
			} else {
				cur.pos = ""
			}
			cur.end = next.end
			i += 2
		}
		out = append(out, cur)
	}
	return out
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func allASCIIDigits(rs []rune) bool {
	for _, r := range rs {
		if !isASCIIDigit(r) {
			return false
		}
	}
	return len(rs) > 0
}

// rulePOS tags a word the dictionary lacks by its characters (as the
// dictionary reads them): digits, with the points and commas joinNumbers
// keeps inside numbers, "m"; alphabetic (not Han) letters with or without
// digits "eng"; punctuation "w"; anything else (symbols, emoji, Han
// characters the dictionary lacks) "x", as gse tags its unknown characters.
func rulePOS(w []rune) string {
	digits, letters, seps, punct := 0, 0, 0, 0
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Han, r):
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLetter(r):
			letters++
		case r == '.' || r == ',':
			seps++
		}
		if unicode.IsPunct(r) {
			punct++
		}
	}
	n := len(w)
	switch {
	case n == 0:
		return "x"
	case digits > 0 && digits+seps == n:
		return "m"
	case letters > 0 && letters+digits+seps == n:
		return "eng"
	case punct == n:
		return "w"
	}
	return "x"
}

// Lookup is the dictionary's evidence for word: its frequency and POS, and
// whether the dictionary holds it as a word. The word is read as Segment
// reads text (full-width folded, traditional mapped to simplified, Latin
// lower-cased).
func (s *Segmenter) Lookup(word string) (freq float64, pos string, ok bool) {
	if word == "" || s.seg.Dict == nil {
		return 0, "", false
	}
	key := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, string(s.mapRun(nil, []rune(word))))
	freq, pos, ok = s.seg.Find(key)
	if !ok || freq <= 0 {
		return 0, "", false
	}
	return freq, pos, true
}

// TotalFreq is the sum of the frequencies of the dictionary's words.
func (s *Segmenter) TotalFreq() float64 {
	if s.seg.Dict == nil {
		return 0
	}
	return s.seg.Dict.TotalFreq()
}
