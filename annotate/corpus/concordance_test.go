package corpus_test

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

const gsdTest = "../../../shared/gold/ud-gsd/zh_gsd-ud-test.conllu"

// gsdWord is a word of the CoNLL-U file as the test reads it itself.
type gsdWord struct{ form, upos, xpos string }

// gsdGold is the UD test file read by the test, independently of the
// importer: its words in order and its sentences' texts.
type gsdGold struct {
	words []gsdWord
	sents []string
}

func readGSDGold(t testing.TB) gsdGold {
	t.Helper()
	f, err := os.Open(gsdTest)
	if err != nil {
		t.Skipf("%s is not here (%v): ../shared is needed for this test", gsdTest, err)
	}
	defer f.Close()
	var g gsdGold
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if txt, ok := strings.CutPrefix(l, "# text = "); ok {
			g.sents = append(g.sents, txt)
			continue
		}
		cols := strings.Split(l, "\t")
		if len(cols) != 10 || strings.ContainsAny(cols[0], "-.") {
			continue
		}
		g.words = append(g.words, gsdWord{cols[1], cols[3], cols[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

// importGSDDocs imports the UD test file with the conllu reader (gold tokens,
// the other POS column as spans in layer xpos or upos).
func importGSDDocs(t testing.TB) []*annotate.Document {
	t.Helper()
	if _, err := os.Stat(gsdTest); err != nil {
		t.Skipf("%s is not here (%v): ../shared is needed for this test", gsdTest, err)
	}
	r, ok := export.LookupReader("conllu")
	if !ok {
		t.Fatal("no conllu reader")
	}
	im, err := r.Read(gsdTest, export.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range im.Docs {
		d.ID = int64(i + 1)
	}
	return im.Docs
}

func kwicSearch(t testing.TB, ix *corpus.Index, q corpus.Query) *corpus.Result {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// TestConcordanceCountsGSD is the acceptance test: on the UD test set
// imported with its gold tokens, the hits of words, POS tags, labels,
// regular expressions and their combinations are counted as the test
// counts them over the FORM, UPOS and XPOS columns (and the # text lines).
func TestConcordanceCountsGSD(t *testing.T) {
	g := readGSDGold(t)
	docs := importGSDDocs(t)
	ix := corpus.NewIndex(docs)

	// Which column the importer made the token POS: the test reads the
	// first word's tags.
	posCol, layer := func(w gsdWord) string { return w.upos }, "xpos"
	first := docs[0].Tokens[0]
	if first.POS == g.words[0].xpos && first.POS != g.words[0].upos {
		posCol, layer = func(w gsdWord) string { return w.xpos }, "upos"
	}
	spanCol := func(w gsdWord) string { return w.xpos }
	if layer == "upos" {
		spanCol = func(w gsdWord) string { return w.upos }
	}
	t.Logf("token POS from the %s column; the other in layer %q", map[bool]string{true: "UPOS", false: "XPOS"}[layer == "xpos"], layer)

	count := func(f func(w gsdWord) bool) int {
		n := 0
		for _, w := range g.words {
			if f(w) {
				n++
			}
		}
		return n
	}
	countText := func(re *regexp.Regexp) int {
		n := 0
		for _, s := range g.sents {
			n += len(re.FindAllStringIndex(s, -1))
		}
		return n
	}
	tests := []struct {
		name string
		q    corpus.Query
		want int
	}{
		{"word 的", corpus.Query{Word: "的"}, count(func(w gsdWord) bool { return w.form == "的" })},
		{"word 在", corpus.Query{Word: "在"}, count(func(w gsdWord) bool { return w.form == "在" })},
		{"word 中國", corpus.Query{Word: "中國"}, count(func(w gsdWord) bool { return w.form == "中國" })},
		{"word ，", corpus.Query{Word: "，"}, count(func(w gsdWord) bool { return w.form == "，" })},
		{"word absent", corpus.Query{Word: "沒有這個詞"}, 0},
		{"pos NOUN", corpus.Query{POS: "NOUN"}, count(func(w gsdWord) bool { return posCol(w) == "NOUN" })},
		{"pos VERB", corpus.Query{POS: "VERB"}, count(func(w gsdWord) bool { return posCol(w) == "VERB" })},
		{"pos PROPN", corpus.Query{POS: "PROPN"}, count(func(w gsdWord) bool { return posCol(w) == "PROPN" })},
		{"pos PUNCT", corpus.Query{POS: "PUNCT"}, count(func(w gsdWord) bool { return posCol(w) == "PUNCT" })},
		{"word 的 pos PART", corpus.Query{Word: "的", POS: "PART"}, count(func(w gsdWord) bool { return w.form == "的" && posCol(w) == "PART" })},
		{"word regex .*國", corpus.Query{WordRegex: ".*國"}, count(func(w gsdWord) bool { return regexp.MustCompile(`^.*國$`).MatchString(w.form) })},
		{"word regex [0-9]+", corpus.Query{WordRegex: "[0-9]+"}, count(func(w gsdWord) bool { return regexp.MustCompile(`^[0-9]+$`).MatchString(w.form) })},
		{"word regex 第.+ or .+年", corpus.Query{WordRegex: "第.+|.+年"}, count(func(w gsdWord) bool { return regexp.MustCompile(`^(?:第.+|.+年)$`).MatchString(w.form) })},
		{"word regex .*市 pos PROPN", corpus.Query{WordRegex: ".*市", POS: "PROPN"}, count(func(w gsdWord) bool { return strings.HasSuffix(w.form, "市") && posCol(w) == "PROPN" })},
		{"word regex + word", corpus.Query{WordRegex: ".*國", Word: "中國"}, count(func(w gsdWord) bool { return w.form == "中國" })},
		{"text 中國", corpus.Query{Text: "中國"}, countText(regexp.MustCompile(regexp.QuoteMeta("中國")))},
		{"text 的", corpus.Query{Text: "的"}, countText(regexp.MustCompile("的"))},
		{"regex [0-9]+年", corpus.Query{Regex: "[0-9]+年"}, countText(regexp.MustCompile("[0-9]+年"))},
		{"regex 中國|美國", corpus.Query{Regex: "中國|美國"}, countText(regexp.MustCompile("中國|美國"))},
		{"regex 的[^\\s，。]", corpus.Query{Regex: `的[^\s，。]`}, countText(regexp.MustCompile(`的[^\s，。]`))},
		{"regex (?m)^在", corpus.Query{Regex: "(?m)^在"}, countText(regexp.MustCompile("^在"))},
		{"regex .+大學", corpus.Query{Regex: "[^\\s，。、]+大學"}, countText(regexp.MustCompile("[^\\s，。、]+大學"))},
		{"text 國 inside PROPN", corpus.Query{Text: "國", POS: "PROPN"}, func() int {
			n := 0
			for _, w := range g.words {
				if posCol(w) == "PROPN" {
					n += strings.Count(w.form, "國")
				}
			}
			return n
		}()},
		{"label NN", corpus.Query{Layer: layer, Label: spanCol(g.words[4])}, count(func(w gsdWord) bool { return spanCol(w) == spanCol(g.words[4]) })},
		{"label NNP", corpus.Query{Label: "NNP"}, count(func(w gsdWord) bool { return spanCol(w) == "NNP" })},
		{"label NNP text 國", corpus.Query{Label: "NNP", LabelText: "國"}, count(func(w gsdWord) bool { return spanCol(w) == "NNP" && strings.Contains(w.form, "國") })},
		{"layer only", corpus.Query{Layer: layer}, count(func(w gsdWord) bool { return spanCol(w) != "_" })},
		{"label absent", corpus.Query{Label: "NOPE"}, 0},
		{"word inside label", corpus.Query{WordRegex: ".*國", Label: "NNP"}, count(func(w gsdWord) bool { return strings.HasSuffix(w.form, "國") && spanCol(w) == "NNP" })},
		{"text inside label", corpus.Query{Text: "國", Label: "NNP"}, func() int {
			n := 0
			for _, w := range g.words {
				if spanCol(w) == "NNP" {
					n += strings.Count(w.form, "國")
				}
			}
			return n
		}()},
		{"other document", corpus.Query{Word: "的", Doc: 99}, 0},
		{"this document", corpus.Query{Word: "的", Doc: 1}, count(func(w gsdWord) bool { return w.form == "的" })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := kwicSearch(t, ix, tc.q)
			if got := res.Len(); got != tc.want {
				t.Errorf("Search(%+v).Len() = %d, want %d", tc.q, got, tc.want)
			}
			if tc.want == 0 {
				return
			}
			// Every hit's text is what the query asked for.
			for _, h := range res.Hits(0, res.Len(), 3) {
				d := docs[h.Doc-1]
				if got := d.Slice(h.Start, h.End); got != h.Match {
					t.Fatalf("hit %+v: Match %q, text there %q", h, h.Match, got)
				}
				switch {
				case tc.q.Word != "" && h.Match != tc.q.Word,
					tc.q.Text != "" && h.Match != tc.q.Text,
					tc.q.POS != "" && h.POS != tc.q.POS,
					tc.q.Label != "" && h.SpanLabel != tc.q.Label:
					t.Fatalf("hit %+v does not meet %+v", h, tc.q)
				}
			}
		})
	}
	if t.Failed() {
		return
	}
	// The hit counts are not all trivial.
	if res := kwicSearch(t, ix, corpus.Query{Word: "的"}); res.Len() < 500 {
		t.Errorf("的: %d hits; the test set has more", res.Len())
	}
}

// TestConcordanceFoldGSD: with Fold, simplified queries find traditional
// text (国 finds 國) in the text, words, regular expressions and span texts.
func TestConcordanceFoldGSD(t *testing.T) {
	g := readGSDGold(t)
	ix := corpus.NewIndex(importGSDDocs(t))
	textCount := func(s string) int {
		n := 0
		for _, x := range g.sents {
			n += strings.Count(x, s)
		}
		return n
	}
	wordCount := func(f func(string) bool) int {
		n := 0
		for _, w := range g.words {
			if f(w.form) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name string
		q    corpus.Query
		want int
	}{
		{"text 国 folded", corpus.Query{Text: "国", Fold: true}, textCount("國") + textCount("国")},
		{"text 国 as written", corpus.Query{Text: "国"}, textCount("国")},
		{"text 國 folded", corpus.Query{Text: "國", Fold: true}, textCount("國") + textCount("国")},
		{"text 中国 folded", corpus.Query{Text: "中国", Fold: true}, textCount("中國") + textCount("中国")},
		{"word 中国 folded", corpus.Query{Word: "中国", Fold: true}, wordCount(func(f string) bool { return f == "中國" || f == "中国" })},
		{"word 学 folded", corpus.Query{Word: "学", Fold: true}, wordCount(func(f string) bool { return f == "學" || f == "学" })},
		{"regex 国|学 folded", corpus.Query{Regex: "国|学", Fold: true}, textCount("國") + textCount("国") + textCount("學") + textCount("学")},
		{"regex [国学] folded", corpus.Query{Regex: "[国学]", Fold: true}, textCount("國") + textCount("国") + textCount("學") + textCount("学")},
		{"word regex .*国 folded", corpus.Query{WordRegex: ".*国", Fold: true}, wordCount(func(f string) bool { return strings.HasSuffix(f, "國") || strings.HasSuffix(f, "国") })},
		{"label text 国 folded", corpus.Query{Label: "NNP", LabelText: "国", Fold: true}, func() int {
			n := 0
			for _, w := range g.words {
				if w.xpos == "NNP" && (strings.Contains(w.form, "國") || strings.Contains(w.form, "国")) {
					n++
				}
			}
			return n
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := kwicSearch(t, ix, tc.q).Len(); got != tc.want {
				t.Errorf("Search(%+v).Len() = %d, want %d", tc.q, got, tc.want)
			}
		})
	}
	if textCount("國") == 0 {
		t.Error("the test set has no 國: the fold test proves nothing")
	}
}

// TestConcordanceSortGSD checks each sort order against a sort done by
// hand over the gold tokens, and that sorts are stable (chain).
func TestConcordanceSortGSD(t *testing.T) {
	g := readGSDGold(t)
	docs := importGSDDocs(t)
	ix := corpus.NewIndex(docs)
	// Token hits: hit k is gold word i; its context words are words i-1,
	// i-2, i+1, i+2 (one document, every character in a token but the
	// separators).
	forms := make([]string, len(g.words))
	for i, w := range g.words {
		forms[i] = w.form
	}
	word := func(i int) string {
		if i < 0 || i >= len(forms) {
			return "" // none: sorts first
		}
		return forms[i]
	}
	var idx []int // gold word indices of 的, in position order
	for i, f := range forms {
		if f == "的" {
			idx = append(idx, i)
		}
	}
	keyOf := map[corpus.SortKey]func(i int) string{
		corpus.SortLeft1:  func(i int) string { return word(i - 1) },
		corpus.SortLeft2:  func(i int) string { return word(i - 2) },
		corpus.SortRight1: func(i int) string { return word(i + 1) },
		corpus.SortRight2: func(i int) string { return word(i + 2) },
		corpus.SortMatch:  func(i int) string { return word(i) },
	}
	// starts maps a gold word index to its hit's start (position order is
	// the same).
	res := kwicSearch(t, ix, corpus.Query{Word: "的"})
	if res.Len() != len(idx) {
		t.Fatalf("的: %d hits, want %d", res.Len(), len(idx))
	}
	startOf := map[int]int{}
	for k, h := range res.Hits(0, res.Len(), 0) {
		startOf[idx[k]] = h.Start
	}
	starts := func(r *corpus.Result) []int {
		var out []int
		for _, h := range r.Hits(0, r.Len(), 0) {
			out = append(out, h.Start)
		}
		return out
	}
	byHand := func(order []int, key func(int) string) []int {
		o := slices.Clone(order)
		slices.SortStableFunc(o, func(a, b int) int { return strings.Compare(key(a), key(b)) })
		return o
	}
	toStarts := func(order []int) []int {
		out := make([]int, len(order))
		for k, i := range order {
			out[k] = startOf[i]
		}
		return out
	}
	for _, by := range []corpus.SortKey{corpus.SortLeft1, corpus.SortLeft2, corpus.SortRight1, corpus.SortRight2, corpus.SortMatch} {
		t.Run(string(by), func(t *testing.T) {
			r := kwicSearch(t, ix, corpus.Query{Word: "的"})
			r.Sort(by)
			if r.Sorted() != by {
				t.Errorf("Sorted() = %q, want %q", r.Sorted(), by)
			}
			if got, want := starts(r), toStarts(byHand(idx, keyOf[by])); !slices.Equal(got, want) {
				t.Errorf("Sort(%s): starts %v…, want %v…", by, got[:min(10, len(got))], want[:min(10, len(want))])
			}
			// Chained: by Right1, then by this key.
			r.Sort(corpus.SortRight1)
			r.Sort(by)
			want := toStarts(byHand(byHand(idx, keyOf[corpus.SortRight1]), keyOf[by]))
			if got := starts(r); !slices.Equal(got, want) {
				t.Errorf("Sort(right1) then Sort(%s): not stable", by)
			}
			r.Sort(corpus.SortPosition)
			if got := starts(r); !slices.Equal(got, toStarts(idx)) {
				t.Errorf("Sort(position) does not restore position order")
			}
		})
	}
	// Text hits inside tokens: the context words are the tokens wholly
	// outside the hit.
	t.Run("text hit inside a token", func(t *testing.T) {
		r := kwicSearch(t, ix, corpus.Query{Text: "國", POS: "PROPN"})
		r.Sort(corpus.SortLeft1)
		var prev string
		for k, h := range r.Hits(0, r.Len(), 0) {
			key := leftWordOf(docs[h.Doc-1], h.Start)
			if k > 0 && key < prev {
				t.Fatalf("hit %d %+v: left word %q sorts before %q", k, h, key, prev)
			}
			prev = key
		}
	})
}

// leftWordOf returns the text of the last token of d that ends at or
// before start ("" if none).
func leftWordOf(d *annotate.Document, start int) string {
	k, _ := slices.BinarySearchFunc(d.Tokens, start, func(t text.Token, start int) int { return cmp.Compare(t.End, start+1) })
	if k == 0 {
		return ""
	}
	return d.Tokens[k-1].Text
}

// TestQueryErrors: queries that cannot run give a clear *QueryError.
func TestQueryErrors(t *testing.T) {
	ix := corpus.NewIndex(nil)
	tests := []struct {
		name  string
		q     corpus.Query
		field string
		want  string
	}{
		{"bad regex", corpus.Query{Regex: "("}, "Regex", "annotate: query: regular expression \"(\" does not compile: missing closing ) in `(`"},
		{"bad regex class", corpus.Query{Regex: "[a-"}, "Regex", "annotate: query: regular expression \"[a-\" does not compile: missing closing ] in `[a-`"},
		{"bad word regex", corpus.Query{WordRegex: "*國"}, "WordRegex", "annotate: query: word regular expression \"*國\" does not compile: missing argument to repetition operator in `*`"},
		{"empty", corpus.Query{Fold: true}, "", "annotate: query: nothing to search for: give a text, regular expression, word, POS tag or label"},
		{"text and regex", corpus.Query{Text: "a", Regex: "b"}, "Regex", "annotate: query: give a text or a regular expression, not both"},
		{"negative doc", corpus.Query{Text: "a", Doc: -1}, "Doc", "annotate: query: no document -1"},
		{"regex too large", corpus.Query{Regex: strings.Repeat("(焦|作)?", 1000)}, "Regex",
			"annotate: query: regular expression is too large: it compiles to 4002 instructions, more than the 1000 a search allows"},
		{"regex too large, folded", corpus.Query{Regex: strings.Repeat("(焦|作)?", 5000), Fold: true}, "Regex",
			"annotate: query: regular expression is too large: it compiles to 20002 instructions, more than the 1000 a search allows"},
		{"regex one over", corpus.Query{Regex: "a{999}"}, "Regex", "annotate: query: regular expression is too large: it compiles to 1001 instructions, more than the 1000 a search allows"},
		{"word regex too large", corpus.Query{WordRegex: strings.Repeat("(焦|作)?", 1000)}, "WordRegex",
			"annotate: query: word regular expression is too large: it compiles to 4004 instructions, more than the 1000 a search allows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, err := range []error{tc.q.Validate(), func() error { _, err := ix.Search(context.Background(), tc.q); return err }()} {
				var qe *corpus.QueryError
				if !errors.As(err, &qe) || qe.Field != tc.field || err.Error() != tc.want {
					t.Errorf("error %v (field %v), want %q in field %q", err, qe, tc.want, tc.field)
				}
			}
		})
	}
	if !errors.Is(corpus.Query{}.Validate(), corpus.ErrEmptyQuery) {
		t.Error("an empty query's error is not ErrEmptyQuery")
	}
	var se *corpus.RegexSizeError
	if err := (corpus.Query{Regex: strings.Repeat("(焦|作)?", 1000)}).Validate(); !errors.As(err, &se) || se.Insts != 4002 {
		t.Errorf("a regex too large: %v, want a *RegexSizeError of 4002 instructions", err)
	}
	// Large, but within the cap: a(n alternation of) 300 two-character
	// words, up to 300 Han characters, a{998} (a{995} as a word: ^(?:…)$ adds four).
	var words []string
	for i := range 300 {
		words = append(words, string(rune(0x4e00+i*7))+string(rune(0x4e01+i*13)))
	}
	for _, q := range []corpus.Query{{Regex: "(" + strings.Join(words, "|") + ")"}, {Regex: `\p{Han}{1,300}`}, {Regex: "a{998}"}, {WordRegex: "a{995}"}} {
		if err := q.Validate(); err != nil {
			t.Errorf("Validate(%.40q…): %v", q.Regex+q.WordRegex, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ix = corpus.NewIndex(kwicSynthetic(10, 1000))
	if _, err := ix.Search(ctx, corpus.Query{Text: "甲"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a cancelled context: %v, want context.Canceled", err)
	}
}

// kwicSynthetic returns docs documents of "甲乙" repeated n times, one token
// per character (甲 POS a, 乙 POS b), a span X over every 10th 甲.
func kwicSynthetic(docs, n int) []*annotate.Document {
	s := strings.Repeat("甲乙", n)
	out := make([]*annotate.Document, docs)
	for d := range out {
		doc := &annotate.Document{ID: int64(d + 1), Name: fmt.Sprintf("s%d", d+1), Text: s, Status: annotate.StatusNew}
		doc.Tokens = make([]text.Token, 0, 2*n)
		for i := range 2 * n {
			pos, txt := "a", "甲"
			if i%2 == 1 {
				pos, txt = "b", "乙"
			}
			doc.Tokens = append(doc.Tokens, text.Token{Start: i, End: i + 1, Text: txt, POS: pos})
			if i%20 == 0 {
				doc.Spans = append(doc.Spans, annotate.Span{ID: int64(d*n + i), Layer: "entity", Label: "X", Start: i, End: i + 1, Origin: annotate.OriginManual})
			}
		}
		doc.Sentences = []text.Sentence{{Start: 0, End: 2 * n}}
		out[d] = doc
	}
	return out
}

// TestConcordanceMillionHits: a query matching 1,000,000 times answers
// quickly, holds them compactly and pages them.
func TestConcordanceMillionHits(t *testing.T) {
	ix := corpus.NewIndex(kwicSynthetic(100, 10_000))
	for _, q := range []corpus.Query{{Text: "甲"}, {Word: "甲"}, {POS: "a"}, {Regex: "甲"}} {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			start := time.Now()
			res := kwicSearch(t, ix, q)
			took := time.Since(start)
			if res.Len() != 1_000_000 || res.Truncated() {
				t.Fatalf("Len() = %d (truncated %v), want 1000000", res.Len(), res.Truncated())
			}
			// Logged, not asserted: BenchmarkKWIC measures it (a timed
			// assertion fails on a loaded machine).
			t.Logf("%+v: 1,000,000 hits in %v", q, took)
			page := res.Hits(500_005, 500_015, 3)
			if len(page) != 10 {
				t.Fatalf("Hits(500005, 500015) gave %d hits", len(page))
			}
			for k, h := range page {
				if h.Doc != 51 || h.Start != 10+2*k || h.Match != "甲" || h.Left != "乙甲乙" || h.Right != "乙甲乙" {
					t.Fatalf("hit %+v, want document 51, 乙甲乙 │ 甲 │ 乙甲乙", h)
				}
			}
			if got := res.Hits(999_995, 2_000_000, 1); len(got) != 5 || got[4].Start != 19998 || got[4].Right != "乙" {
				t.Errorf("the last page: %+v", got)
			}
			if got := res.Hits(-5, 0, 1); got != nil {
				t.Errorf("Hits(-5, 0) = %v", got)
			}
		})
	}
	res := kwicSearch(t, ix, corpus.Query{Text: "甲"})
	start := time.Now()
	res.Sort(corpus.SortLeft1)
	t.Logf("Sort(left1) of 1,000,000 hits: %v", time.Since(start))
	// First the hits with no left word (each document's first), then the
	// others, each group in position order.
	for k, h := range res.Hits(0, 102, 1) {
		want := [2]int{k + 1, 0}
		if k >= 100 {
			want = [2]int{1, 2 * (k - 99)}
		}
		if [2]int{int(h.Doc), h.Start} != want {
			t.Fatalf("Sort(left1): hit %d %+v, want document %d at %d", k, h, want[0], want[1])
		}
	}
	old := corpus.MaxHits
	corpus.MaxHits = 1000
	defer func() { corpus.MaxHits = old }()
	if res := kwicSearch(t, ix, corpus.Query{Word: "甲"}); res.Len() != 1000 || !res.Truncated() {
		t.Errorf("MaxHits 1000: Len() = %d, truncated %v", res.Len(), res.Truncated())
	} else if doc, start, _ := res.Loc(999); doc != 1 || start != 1998 {
		t.Errorf("MaxHits 1000: the last hit is %d at %d, want the first 1000 in position order", doc, start)
	}
}

// TestIndexUpdateRemove: Update and Remove keep counts right, and a Result
// taken before stays as it was.
func TestIndexUpdateRemove(t *testing.T) {
	docs := kwicSynthetic(3, 100)
	ix := corpus.NewIndex(docs)
	count := func(q corpus.Query) int { return kwicSearch(t, ix, q).Len() }
	if got := count(corpus.Query{Word: "甲"}); got != 300 {
		t.Fatalf("甲: %d, want 300", got)
	}
	before := kwicSearch(t, ix, corpus.Query{Word: "甲"})

	d := *docs[1]
	d.Text = "丙" + d.Text
	d.Tokens = append([]text.Token{{Start: 0, End: 1, Text: "丙", POS: "c"}}, shiftTokens(d.Tokens[:50], 1)...)
	d.Spans = nil
	ix.Update(&d)
	steps := []struct {
		name string
		do   func()
		docs int
		jia  int
		bing int
		x    int
	}{
		{"update", func() {}, 3, 225, 1, 20},
		{"remove", func() { ix.Remove(1) }, 2, 125, 1, 10},
		{"remove missing", func() { ix.Remove(42) }, 2, 125, 1, 10},
		{"add", func() { ix.Update(kwicSynthetic(5, 10)[4]) }, 3, 135, 1, 11},
		{"add before", func() { e := kwicSynthetic(1, 1)[0]; e.ID = -3; ix.Update(e) }, 4, 136, 1, 12},
	}
	for _, s := range steps {
		s.do()
		t.Run(s.name, func(t *testing.T) {
			if got := ix.Docs(); got != s.docs {
				t.Errorf("Docs() = %d, want %d", got, s.docs)
			}
			if got := count(corpus.Query{Word: "甲"}); got != s.jia {
				t.Errorf("甲: %d, want %d", got, s.jia)
			}
			if got := count(corpus.Query{Text: "丙"}); got != s.bing {
				t.Errorf("丙: %d, want %d", got, s.bing)
			}
			if got := count(corpus.Query{Label: "X"}); got != s.x {
				t.Errorf("label X: %d, want %d", got, s.x)
			}
			if got := freqRows(ix.Freq(corpus.FreqWord, 0, false)); got["甲\x00"] != s.jia || got["丙\x00"] != 1 {
				t.Errorf("Freq word: %v, want 甲 %d, 丙 1", got, s.jia)
			}
		})
	}
	var ids []int64
	for k := range before.Len() {
		doc, _, _ := before.Loc(k)
		if len(ids) == 0 || ids[len(ids)-1] != doc {
			ids = append(ids, doc)
		}
	}
	if before.Len() != 300 || !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Errorf("a Result taken before the updates changed: %d hits in %v", before.Len(), ids)
	}
	if h := before.Hits(0, 1, 2)[0]; h.Match != "甲" || h.Right != "乙甲" {
		t.Errorf("old result's first hit: %+v", h)
	}
	if ix.Chars() <= 0 || ix.Bytes() <= ix.Chars() {
		t.Errorf("Chars() = %d, Bytes() = %d", ix.Chars(), ix.Bytes())
	}
}

func shiftTokens(toks []text.Token, by int) []text.Token {
	out := slices.Clone(toks)
	for i := range out {
		out[i].Start += by
		out[i].End += by
	}
	return out
}

// TestIndexBadLayers: tokens and spans outside the text or out of order
// are left out, never a panic.
func TestIndexBadLayers(t *testing.T) {
	d := &annotate.Document{ID: 1, Name: "bad", Text: "甲乙丙",
		Tokens: []text.Token{{Start: 0, End: 2, POS: "x"}, {Start: 1, End: 2, POS: "y"}, {Start: 2, End: 2}, {Start: 2, End: 9, POS: "z"}, {Start: 2, End: 3, POS: "w"}},
		Spans:  []annotate.Span{{ID: 1, Label: "A", Start: -1, End: 2}, {ID: 2, Label: "A", Start: 2, End: 1}, {ID: 3, Label: "A", Start: 1, End: 3}}}
	ix := corpus.NewIndex([]*annotate.Document{d})
	tests := []struct {
		q    corpus.Query
		want []string
	}{
		{corpus.Query{WordRegex: ".+"}, []string{"甲乙 x", "丙 w"}},
		{corpus.Query{Label: "A"}, []string{"乙丙 "}},
		{corpus.Query{POS: "z"}, nil},
	}
	for _, tc := range tests {
		var got []string
		for _, h := range kwicSearch(t, ix, tc.q).Hits(0, 10, 0) {
			got = append(got, h.Match+" "+h.POS)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Search(%+v) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

// TestBuildIndexFromProject: an index built from a project file (the UD
// test set imported through export.ImportFiles) equals one built from the
// documents read, and BuildIndex stops when cancelled.
func TestBuildIndexFromProject(t *testing.T) {
	docs := importGSDDocs(t)
	path := filepath.Join(t.TempDir(), "gsd.biaozhu")
	p, err := annotate.Create(path, nil, annotate.Options{NoBackup: true, Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	small := filepath.Join(t.TempDir(), "small.conllu")
	if err := os.WriteFile(small, []byte("# text = 中國的國家\n1\t中國\t_\tPROPN\tNNP\t_\t_\t_\t_\tSpaceAfter=No\n2\t的\t_\tPART\tDEC\t_\t_\t_\t_\tSpaceAfter=No\n3\t國家\t_\tNOUN\tNN\t_\t_\t_\t_\tSpaceAfter=No\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := export.ImportFiles(context.Background(), p, nil, "conllu", []string{gsdTest, small}, export.ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	var calls []string
	start := time.Now()
	ix, err := corpus.BuildIndex(context.Background(), p, func(done, total int) { calls = append(calls, fmt.Sprint(done, "/", total)) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("BuildIndex of %d documents, %d characters: %v", ix.Docs(), ix.Chars(), time.Since(start))
	if !slices.Equal(calls, []string{"1/2", "2/2"}) {
		t.Errorf("progress calls %q, want 1/2, 2/2", calls)
	}
	mem := corpus.NewIndex(docs)
	if ix.Docs() != 2 || ix.Chars() != mem.Chars()+5 {
		t.Errorf("Docs() = %d, Chars() = %d; want 2, %d", ix.Docs(), ix.Chars(), mem.Chars()+5)
	}
	for _, by := range corpus.FreqBys {
		got, want := freqRows(ix.Freq(by, 1, false)), freqRows(mem.Freq(by, 0, false))
		if !maps.Equal(got, want) {
			t.Errorf("Freq(%s) of the project's document 1 differs from the documents read (%d rows, want %d)", by, len(got), len(want))
		}
	}
	if got, want := kwicSearch(t, ix, corpus.Query{Word: "的"}).Len(), kwicSearch(t, mem, corpus.Query{Word: "的"}).Len()+1; got != want {
		t.Errorf("的 in the project: %d, want %d", got, want)
	}
	if got := kwicSearch(t, ix, corpus.Query{Word: "國家", Label: "NN", Doc: 2}).Hits(0, 1, 5); len(got) != 1 || got[0].Left != "中國的" || got[0].DocName != "small" || got[0].SpanLabel != "NN" {
		t.Errorf("國家 in the small document: %+v", got)
	}
	st := ix.Stats()
	if st.Docs != 2 || st.Status[annotate.StatusNew] != 2 || st.Tokens != mem.Stats().Tokens+3 || st.Spans["xpos/NN"] != mem.Stats().Spans["xpos/NN"]+1 {
		t.Errorf("Stats() = %+v", st)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := corpus.BuildIndex(ctx, p, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("BuildIndex with a cancelled context: %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	_, err = corpus.BuildIndex(ctx, p, func(done, total int) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("BuildIndex cancelled after the first document: %v, want context.Canceled", err)
	}
	p.Close()
	if _, err := corpus.BuildIndex(context.Background(), p, nil); err == nil || !strings.Contains(err.Error(), "gsd.biaozhu") {
		t.Errorf("BuildIndex of a closed project: %v, want an error naming the file", err)
	}
}

func freqRows(rows []corpus.FreqRow) map[string]int {
	m := map[string]int{}
	for _, r := range rows {
		m[r.Key+"\x00"+r.Key2] = r.Count
	}
	return m
}

// TestFreqGSD: the word and POS lists equal counts over the FORM and POS
// columns, the label lists counts over the other POS column.
func TestFreqGSD(t *testing.T) {
	g := readGSDGold(t)
	docs := importGSDDocs(t)
	ix := corpus.NewIndex(docs)
	useX := docs[0].Tokens[0].POS == g.words[0].xpos && g.words[0].xpos != g.words[0].upos
	words, tags, labels, labelWords := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, w := range g.words {
		words[w.form+"\x00"]++
		pos, other, layer := w.upos, w.xpos, "xpos"
		if useX {
			pos, other, layer = w.xpos, w.upos, "upos"
		}
		tags[pos+"\x00"]++
		if other != "_" {
			labels[layer+"/"+other+"\x00"]++
			labelWords[layer+"/"+other+"\x00"+w.form]++
		}
	}
	tests := []struct {
		by   corpus.FreqBy
		want map[string]int
	}{
		{corpus.FreqWord, words},
		{corpus.FreqPOS, tags},
		{corpus.FreqLabel, labels},
		{corpus.FreqLabelWord, labelWords},
	}
	for _, tc := range tests {
		t.Run(string(tc.by), func(t *testing.T) {
			rows := ix.Freq(tc.by, 0, false)
			if got := freqRows(rows); !maps.Equal(got, tc.want) {
				t.Errorf("Freq(%s): %d rows, want %d; first rows %+v", tc.by, len(got), len(tc.want), rows[:min(5, len(rows))])
			}
			share := 0.0
			for i, r := range rows {
				share += r.Share
				if i > 0 && (r.Count > rows[i-1].Count || r.Count == rows[i-1].Count && r.Key+"\x00"+r.Key2 < rows[i-1].Key+"\x00"+rows[i-1].Key2) {
					t.Fatalf("rows %d and %d out of order: %+v, %+v", i-1, i, rows[i-1], r)
				}
				if r.Docs != 1 {
					t.Fatalf("row %+v: Docs %d, want 1", r, r.Docs)
				}
			}
			if share < 0.9999 || share > 1.0001 {
				t.Errorf("shares add up to %v", share)
			}
		})
	}
}

// TestFreqByHand: small documents counted by hand, fold, one document,
// suggestions left out, and Stats.
func TestFreqByHand(t *testing.T) {
	tok := func(s string, toks ...string) []text.Token {
		var out []text.Token
		rs := []rune(s)
		at := 0
		for _, tp := range toks {
			w, pos, _ := strings.Cut(tp, "/")
			n := len([]rune(w))
			if string(rs[at:at+n]) != w {
				panic(w)
			}
			out = append(out, text.Token{Start: at, End: at + n, Text: w, POS: pos, Edited: pos == "ns"})
			at += n
		}
		return out
	}
	d1 := &annotate.Document{ID: 1, Name: "一", Status: annotate.StatusDone, Text: "我愛北京國家。"}
	d1.Tokens = tok(d1.Text, "我/r", "愛/v", "北京/ns", "國家/n", "。/w")
	d1.Spans = []annotate.Span{{ID: 1, Layer: "entity", Label: "LOC", Start: 2, End: 4, Origin: annotate.OriginManual},
		{ID: 2, Layer: "entity", Label: "ORG", Start: 4, End: 6, Origin: annotate.OriginSuggested}}
	d2 := &annotate.Document{ID: 2, Name: "二", Status: annotate.StatusNew, Text: "北京国家很大"}
	d2.Tokens = tok(d2.Text, "北京/ns", "国家/n", "很/d", "大/a")
	d2.Spans = []annotate.Span{{ID: 3, Layer: "entity", Label: "LOC", Start: 0, End: 2, Origin: annotate.OriginImported},
		{ID: 4, Layer: "other", Label: "LOC", Start: 0, End: 4, Origin: annotate.OriginManual}}
	ix := corpus.NewIndex([]*annotate.Document{d2, d1})
	row := func(k, k2 string, c, d int, total int) corpus.FreqRow {
		return corpus.FreqRow{Key: k, Key2: k2, Count: c, Docs: d, Share: float64(c) / float64(total)}
	}
	tests := []struct {
		name string
		by   corpus.FreqBy
		doc  int64
		fold bool
		want []corpus.FreqRow
	}{
		{"word", corpus.FreqWord, 0, false, []corpus.FreqRow{row("北京", "", 2, 2, 9), row("。", "", 1, 1, 9), row("国家", "", 1, 1, 9),
			row("國家", "", 1, 1, 9), row("大", "", 1, 1, 9), row("很", "", 1, 1, 9), row("愛", "", 1, 1, 9), row("我", "", 1, 1, 9)}},
		{"word folded", corpus.FreqWord, 0, true, []corpus.FreqRow{row("北京", "", 2, 2, 9), row("国家", "", 2, 2, 9), row("。", "", 1, 1, 9),
			row("大", "", 1, 1, 9), row("很", "", 1, 1, 9), row("我", "", 1, 1, 9), row("爱", "", 1, 1, 9)}},
		{"word doc 1", corpus.FreqWord, 1, false, []corpus.FreqRow{row("。", "", 1, 1, 5), row("北京", "", 1, 1, 5), row("國家", "", 1, 1, 5), row("愛", "", 1, 1, 5), row("我", "", 1, 1, 5)}},
		{"pos", corpus.FreqPOS, 0, false, []corpus.FreqRow{row("n", "", 2, 2, 9), row("ns", "", 2, 2, 9), row("a", "", 1, 1, 9),
			row("d", "", 1, 1, 9), row("r", "", 1, 1, 9), row("v", "", 1, 1, 9), row("w", "", 1, 1, 9)}},
		{"label", corpus.FreqLabel, 0, false, []corpus.FreqRow{row("entity/LOC", "", 2, 2, 3), row("other/LOC", "", 1, 1, 3)}},
		{"label-word", corpus.FreqLabelWord, 0, false, []corpus.FreqRow{row("entity/LOC", "北京", 2, 2, 3), row("other/LOC", "北京国家", 1, 1, 3)}},
		{"label-word doc 2 folded", corpus.FreqLabelWord, 2, true, []corpus.FreqRow{row("entity/LOC", "北京", 1, 1, 2), row("other/LOC", "北京国家", 1, 1, 2)}},
		{"missing doc", corpus.FreqWord, 7, false, nil},
		{"unknown list", corpus.FreqBy("nope"), 0, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ix.Freq(tc.by, tc.doc, tc.fold); !slices.Equal(got, tc.want) {
				t.Errorf("Freq(%s, %d, %v) =\n%+v\nwant\n%+v", tc.by, tc.doc, tc.fold, got, tc.want)
			}
		})
	}
	st := ix.Stats()
	want := corpus.Stats{Docs: 2, Chars: 13, Tokens: 9, Tagged: 2,
		Spans:     map[string]int{"entity/LOC": 2, "other/LOC": 1},
		Suggested: map[string]int{"entity/ORG": 1},
		Status:    map[annotate.Status]int{annotate.StatusDone: 1, annotate.StatusNew: 1}}
	if st.Docs != want.Docs || st.Chars != want.Chars || st.Tokens != want.Tokens || st.Tagged != want.Tagged ||
		!maps.Equal(st.Spans, want.Spans) || !maps.Equal(st.Suggested, want.Suggested) || !maps.Equal(st.Status, want.Status) {
		t.Errorf("Stats() = %+v, want %+v", st, want)
	}
	// The span hits: suggestions are found (they are in the text), with
	// their layer and label.
	res := kwicSearch(t, ix, corpus.Query{Label: "ORG"})
	if h := res.Hits(0, 1, 2); len(h) != 1 || h[0].SpanID != 2 || h[0].SpanLayer != "entity" || h[0].Left != "北京" || h[0].Match != "國家" || h[0].Right != "。" {
		t.Errorf("label ORG: %+v", h)
	}
	res = kwicSearch(t, ix, corpus.Query{Label: "LOC", LabelText: "国家", Fold: true})
	if h := res.Hits(0, 5, 0); len(h) != 1 || h[0].SpanID != 4 {
		t.Errorf("label LOC text 国家 folded: %+v, want span 4", h)
	}
	res = kwicSearch(t, ix, corpus.Query{Text: "京", Layer: "entity"})
	if h := res.Hits(0, 5, 1); len(h) != 2 || h[0].SpanID != 1 || h[1].SpanID != 3 || h[0].POS != "ns" || h[0].Doc != 1 || h[0].Left != "北" {
		t.Errorf("text 京 in entity spans: %+v, want document 1 (span 1), then 2 (span 3), POS ns", h)
	}
	if h := kwicSearch(t, ix, corpus.Query{Word: "北京"}).Hits(0, 1, 0); h[0].Doc != 1 || h[0].DocName != "一" {
		t.Errorf("documents are searched in ID order: first hit %+v", h[0])
	}
}

// TestConcordanceRegexPieces: a regular expression run piece by piece
// (between separators it cannot match, only on pieces holding a literal it
// needs) finds exactly what regexp finds over the whole text.
func TestConcordanceRegexPieces(t *testing.T) {
	docs := importGSDDocs(t)
	extra := &annotate.Document{ID: 2, Name: "extra", Text: regexPieceText}
	docs = append(docs, extra)
	ix := corpus.NewIndex(docs)
	for _, pat := range regexPieceCases {
		t.Run(pat, func(t *testing.T) {
			got, want := regexHits(t, ix, docs, pat)
			if !slices.Equal(got, want) {
				t.Errorf("Search(%q): %d hits, want %d (first differences: %v)", pat, len(got), len(want), firstHitDiff(got, want))
			}
			// Every piece read as a long one is (through the reader that
			// looks at the context, match after match).
			restore := corpus.SetRegexCallBudget(0)
			got, want = regexHits(t, ix, docs, pat)
			restore()
			if !slices.Equal(got, want) {
				t.Errorf("Search(%q) through the reader: %d hits, want %d (first differences: %v)", pat, len(got), len(want), firstHitDiff(got, want))
			}
		})
	}
}

// TestSearchInterrupted: a regular expression search that would run for
// a minute (a program of 963 instructions over 6 MB of text without a
// full stop, line break or comma, so one piece) stops soon after its
// context is cancelled, with the context's error. The bound checked is a
// hang detector (10 s); the time taken is logged (0.5 s is the target).
func TestSearchInterrupted(t *testing.T) {
	var sb strings.Builder
	for i := 0; sb.Len() < 6<<20; i++ {
		sb.WriteRune(rune(0x4e00 + (i*7919)%20000))
	}
	sb.WriteString("x")
	d := &annotate.Document{ID: 1, Name: "long", Text: sb.String(), Status: annotate.StatusNew}
	ix := corpus.NewIndex([]*annotate.Document{d})
	for _, q := range []corpus.Query{
		{Regex: strings.Repeat("(焦|作)?", 240) + "x"},
		{Regex: "(?s)" + strings.Repeat("(焦|作)?", 240) + "x", Fold: true},
	} {
		t.Run(q.Regex[:12], func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := ix.Search(ctx, q)
				done <- err
			}()
			time.Sleep(100 * time.Millisecond)
			cancel()
			start := time.Now()
			select {
			case err := <-done:
				t.Logf("returned %v after the cancel", time.Since(start).Round(time.Millisecond))
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Search cancelled: %v, want context.Canceled", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Search still running 10 s after its context was cancelled")
			}
		})
	}
}

const regexPieceText = "然而。在這裡\n在那裡，國家。ABC abc 2024年\n\n。在"

var regexPieceCases = []string{
	`[^，。]*大學`, `(?m)^在`, `(?m)在$`, `[国學]`, `中國|美國`, `\d{4}`, `[0-9]{4}年`, `的.`, `(?s)。.在`, `\A然而`, `裡\z`,
	`[^。]+。`, `.+`, `\p{Han}{2}大學`, `(?i)abc`, `\bABC\b`, `國家。`, `在|`, `x*`, `[\n。]在`, `(大|小)學`, `(?:國家|大學)+`,
}

// regexHits returns the hits of Search(Regex: pat) and of regexp over each
// document's text, as "doc:start-end".
func regexHits(t *testing.T, ix *corpus.Index, docs []*annotate.Document, pat string) (got, want []string) {
	t.Helper()
	re := regexp.MustCompile(pat)
	for _, d := range docs {
		for _, l := range re.FindAllStringIndex(d.Text, -1) {
			if l[0] == l[1] {
				continue
			}
			s := runeCount(d.Text[:l[0]])
			want = append(want, fmt.Sprintf("%d:%d-%d", d.ID, s, s+runeCount(d.Text[l[0]:l[1]])))
		}
	}
	res := kwicSearch(t, ix, corpus.Query{Regex: pat})
	for k := range res.Len() {
		doc, s, e := res.Loc(k)
		got = append(got, fmt.Sprintf("%d:%d-%d", doc, s, e))
	}
	return got, want
}

// FuzzConcordanceRegex: on any text, a regular expression search finds
// what regexp finds, a text search what strings.Index finds, and folded
// searches stay inside the text (never a panic).
func FuzzConcordanceRegex(f *testing.F) {
	for _, pat := range regexPieceCases {
		f.Add(regexPieceText, pat)
	}
	f.Fuzz(func(t *testing.T, s, pat string) {
		if !utf8.ValidString(s) || len(s) > 4096 || pat == "" {
			return // clean text is valid UTF-8; an empty query is refused
		}
		d := &annotate.Document{ID: 1, Name: "f", Text: s}
		for i, r := range []rune(s) {
			d.Tokens = append(d.Tokens, text.Token{Start: i, End: i + 1, POS: string(r)})
		}
		ix := corpus.NewIndex([]*annotate.Document{d})
		if _, err := regexp.Compile(pat); err != nil {
			if (corpus.Query{Regex: pat}).Validate() == nil {
				t.Fatalf("Validate accepts %q, which regexp refuses", pat)
			}
			return
		}
		if got, want := regexHits(t, ix, []*annotate.Document{d}, pat); !slices.Equal(got, want) {
			t.Fatalf("Search(%q) on %q: %v, want %v", pat, s, got, want)
		}
		restore := corpus.SetRegexCallBudget(0) // through the interruptible reader
		got, want := regexHits(t, ix, []*annotate.Document{d}, pat)
		restore()
		if !slices.Equal(got, want) {
			t.Fatalf("Search(%q) through the reader on %q: %v, want %v", pat, s, got, want)
		}
		if want := strings.Count(s, pat); kwicSearch(t, ix, corpus.Query{Text: pat}).Len() != want {
			t.Fatalf("Search(Text: %q) on %q: %d hits, want %d", pat, s, kwicSearch(t, ix, corpus.Query{Text: pat}).Len(), want)
		}
		n := len([]rune(s))
		for _, q := range []corpus.Query{{Regex: pat, Fold: true}, {WordRegex: pat, Fold: true}, {Text: pat, Fold: true}, {WordRegex: pat, POS: pat}} {
			res := kwicSearch(t, ix, q)
			for _, h := range res.Hits(0, res.Len(), 3) {
				if h.Start < 0 || h.End > n || h.Start >= h.End {
					t.Fatalf("Search(%+v) on %q: hit %+v outside the text", q, s, h)
				}
			}
			res.Sort(corpus.SortLeft2)
			res.Sort(corpus.SortMatch)
		}
	})
}

func runeCount(s string) int { return len([]rune(s)) }

func firstHitDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("hit %d: got %s, want %s", i, got[i], want[i])
		}
	}
	return "one is a prefix of the other"
}

// TestIndexConcurrent: searches, sorts, pages and lists run while another
// goroutine updates and removes documents (run under -race).
func TestIndexConcurrent(t *testing.T) {
	docs := kwicSynthetic(20, 500)
	ix := corpus.NewIndex(docs)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			d := *docs[i%len(docs)]
			d.Text = fmt.Sprintf("新%d", i) + d.Text[len("甲"):]
			d.Tokens = append([]text.Token{{Start: 0, End: len([]rune(fmt.Sprintf("新%d", i))), POS: "x"}}, d.Tokens[1:]...)
			ix.Update(&d)
			if i%50 == 49 {
				ix.Remove(int64(i%len(docs) + 1))
			}
		}
	}()
	for {
		select {
		case <-done:
			return
		default:
		}
		for _, q := range []corpus.Query{{Word: "甲"}, {WordRegex: "新.*", Fold: true}, {Text: "乙甲"}, {Label: "X"}} {
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			res.Sort(corpus.SortRight1)
			res.Hits(0, 20, 5)
		}
		ix.Freq(corpus.FreqWord, 0, true)
		ix.Stats()
		ix.Bytes()
	}
}
