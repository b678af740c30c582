package text

import (
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/assets"
)

func tokenSpans(toks []Token) [][2]int {
	out := make([][2]int, len(toks))
	for i, t := range toks {
		out[i] = [2]int{t.Start, t.End}
	}
	return out
}

// goldTokens makes the tokens of a text written with "|" between words
// and an optional "/POS" after a word; whitespace is in no token.
func goldTokens(marked string) (string, []Token) {
	var text []rune
	var toks []Token
	start, tag, inTag := -1, []rune(nil), false
	end := func() {
		if start >= 0 && len(text) > start {
			toks = append(toks, Token{Start: start, End: len(text), Text: string(text[start:]), POS: string(tag)})
		}
		start, tag, inTag = -1, nil, false
	}
	for _, r := range marked {
		switch {
		case r == '|':
			end()
		case unicode.IsSpace(r):
			end()
			text = append(text, r)
		case r == '/':
			inTag = true
		case inTag:
			tag = append(tag, r)
		default:
			if start < 0 {
				start = len(text)
			}
			text = append(text, r)
		}
	}
	end()
	return string(text), toks
}

// madeUp returns the tokens of got (l.Segment(text)) that are neither a
// token of the Segmenter's, nor an added word, nor a dictionary word; with
// fused, only those longer than maxFused characters that cross a boundary
// of the Segmenter's (a fragment of one long token of the Segmenter's is
// not fused).
func madeUp(l *Learner, text string, got []Token, fused bool) []Token {
	base := map[[2]int]bool{}
	bound := map[int]bool{}
	for _, b := range l.seg.Segment(text) {
		base[[2]int{b.Start, b.End}] = true
		bound[b.Start] = true
	}
	added, _ := l.Words()
	isAdded := map[string]bool{}
	for _, w := range added {
		isAdded[string(l.foldRunes(nil, []rune(w)))] = true
	}
	var out []Token
	for _, tk := range got {
		if base[[2]int{tk.Start, tk.End}] || isAdded[string(l.foldRunes(nil, []rune(tk.Text)))] {
			continue
		}
		if _, _, ok := l.seg.Lookup(tk.Text); ok {
			continue
		}
		if fused {
			crosses := false
			for k := tk.Start + 1; k < tk.End && !crosses; k++ {
				crosses = bound[k]
			}
			if !crosses || tk.End-tk.Start <= maxFused {
				continue
			}
		}
		out = append(out, tk)
	}
	return out
}

// checkNotFused fails when got (l.Segment(text)) holds a token that fuses
// more than maxFused characters across the Segmenter's boundaries and is
// neither an added word nor a dictionary word.
func checkNotFused(t *testing.T, l *Learner, text string, got []Token) {
	t.Helper()
	for _, tk := range madeUp(l, text, got, true) {
		t.Errorf("Segment(%q) = %v: %q fuses %d characters", text, testkit.TokenTexts(got, kitToken), tk.Text, tk.End-tk.Start)
	}
}

// learnerCase is a Learner of the Segmenter taught a sentence the
// annotator left as gold ("|" between words, "/POS" after a word) or given
// a sequence of user dictionary calls (do), then a new text and the tokens
// it must and must not get, or all its tokens ("|" between them), and the
// Learner's dictionary afterwards.
type learnerCase struct {
	name           string
	gold           string
	do             func(l *Learner)
	probe          string
	tokens         string
	want, notWant  []testkit.Want
	added, stopped []string
}

// run checks the case on a new Learner of seg.
func (tt learnerCase) run(t *testing.T, seg *Segmenter) {
	l := NewLearner(seg)
	var text string
	var gold []Token
	if tt.gold != "" {
		text, gold = goldTokens(tt.gold)
		l.Learn(text, gold)
	}
	if tt.do != nil {
		tt.do(l)
	}
	got := l.Segment(tt.probe)
	testkit.CheckTokens(t, tt.probe, got, kitToken)
	if tt.tokens != "" {
		if got, want := strings.Join(testkit.TokenTexts(got, kitToken), "|"), tt.tokens; got != want {
			if len(got) > 200 {
				got, want = got[:200]+"…", want[:min(len(want), 200)]+"…"
			}
			t.Errorf("Segment(%q) = %s, want %s", shorten(tt.probe), got, want)
		}
	}
	testkit.CheckWant(t, tt.probe, got, tt.want, tt.notWant, kitToken)
	checkNotFused(t, l, tt.probe, got)
	if tt.gold != "" {
		// The learnt sentence itself comes out as the annotator left it.
		if got := tokenSpans(l.Segment(text)); !reflect.DeepEqual(got, tokenSpans(gold)) {
			t.Errorf("Segment(%q) spans = %v, want the learnt %v", text, got, tokenSpans(gold))
		}
	}
	added, stopped := l.Words()
	if !reflect.DeepEqual(added, tt.added) || !reflect.DeepEqual(stopped, tt.stopped) {
		t.Errorf("Words() = %q, %q; want %q, %q", added, stopped, tt.added, tt.stopped)
	}
}

// learnCases are the table of TestLearnerLearn and seeds of
// FuzzLearnerSegment. The Segmenter cuts 馬冬梅 as 馬/冬/梅 and 焦作網 as
// 焦作/網, and makes 一個 one word.
var learnCases = []learnerCase{
	{
		name: "merge", gold: "馬冬梅/nr|說", probe: "我看見馬冬梅了",
		want: []testkit.Want{{Text: "馬冬梅", Start: 3, POS: "nr"}, {Text: "了", Start: 6}}, added: []string{"馬冬梅"},
	},
	{
		name: "merge learnt traditional, used simplified", gold: "馬冬梅/nr|說", probe: "我看见马冬梅了",
		want: []testkit.Want{{Text: "马冬梅", Start: 3, POS: "nr"}}, added: []string{"馬冬梅"},
	},
	{
		name: "merge in a longer sentence", gold: "他|在|焦作網|工作|。", probe: "焦作網記者報道",
		want: []testkit.Want{{Text: "焦作網", Start: 0}}, added: []string{"焦作網"},
	},
	{
		name: "split of a dictionary word", gold: "我|有|一|個|蘋果", probe: "這一個問題",
		want: []testkit.Want{{Text: "一", Start: 1}, {Text: "個", Start: 2}}, notWant: []testkit.Want{{Text: "一個", Start: 1}}, stopped: []string{"一個"},
	},
	{
		name: "split and merge in one sentence", gold: "馬冬梅|有|一|個|蘋果", probe: "馬冬梅買了一個",
		want: []testkit.Want{{Text: "馬冬梅", Start: 0}, {Text: "一", Start: 5}, {Text: "個", Start: 6}}, added: []string{"馬冬梅"}, stopped: []string{"一個"},
	},
	{
		name: "non-BMP merge", gold: "我|𠀀好|😀|了", probe: "他𠀀好😀 😀𠀀好",
		want: []testkit.Want{{Text: "𠀀好", Start: 1, POS: "x"}, {Text: "😀", Start: 3, POS: "x"}, {Text: "😀", Start: 5, POS: "x"}, {Text: "𠀀好", Start: 6, POS: "x"}}, added: []string{"𠀀好"},
	},
	{
		name: "non-BMP around a split", gold: "😀|一|個|𠀀", probe: "𠀀一個😀",
		want: []testkit.Want{{Text: "𠀀", Start: 0, POS: "x"}, {Text: "一", Start: 1}, {Text: "個", Start: 2}, {Text: "😀", Start: 3, POS: "x"}}, stopped: []string{"一個"},
	},
	{
		name: "whitespace between words", gold: "馬冬梅 說|了", probe: "馬冬梅\t說",
		want: []testkit.Want{{Text: "馬冬梅", Start: 0}, {Text: "說", Start: 4}}, added: []string{"馬冬梅"},
	},
	// A learnt word does not glue onto the next one (the Segmenter: 马 冬
	// 梅花 开 了 。, with two weak tokens against one in 马冬梅 花).
	{
		name: "learnt word against a crossing word", gold: "马冬梅|来|了|。", probe: "马冬梅花开了。",
		want:    []testkit.Want{{Text: "马冬梅", Start: 0}, {Text: "花", Start: 3}, {Text: "开", Start: 4}},
		notWant: []testkit.Want{{Text: "马冬梅花", Start: 0}}, added: []string{"马冬梅"},
	},
	{
		name: "learnt word next to a word", gold: "马冬梅|来|了|。", probe: "看马冬梅花园",
		want: []testkit.Want{{Text: "看", Start: 0}, {Text: "马冬梅", Start: 1}, {Text: "花园", Start: 4}}, added: []string{"马冬梅"},
	},
	{
		name: "learnt word repeated", gold: "马冬梅|来|了|。", probe: "馬冬梅馬冬梅",
		want: []testkit.Want{{Text: "馬冬梅", Start: 0}, {Text: "馬冬梅", Start: 3}}, added: []string{"马冬梅"},
	},
}

func TestLearnerLearn(t *testing.T) {
	seg := segmenterForTest(t)
	for _, tt := range learnCases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, seg) })
	}
}

// addWords returns a learnerCase.do that adds the words.
func addWords(words ...string) func(l *Learner) {
	return func(l *Learner) {
		for _, w := range words {
			l.AddWord(w)
		}
	}
}

// userGlueCases are the user words next to or across the Segmenter's words
// (the Segmenter's tokens in the comments). An added word is a token when
// the reading with it has no more weak tokens (single characters, and
// longer tokens that are neither solid dictionary words nor added words)
// than the Segmenter's; it never glues onto a neighbour.
var userGlueCases = []learnerCase{
	// 北京大學 生在 讀書: 生在 is weak (frequency 3), as weak as 在 alone.
	{name: "across a weak word", do: addWords("大學生"), probe: "北京大學生在讀書",
		tokens: "北京|大學生|在|讀書", added: []string{"大學生"}},
	// 大學 生活 很 好: 大學生 would leave 活 alone, 生活 is solid.
	{name: "not across a solid word", do: addWords("大學生"), probe: "大學生活很好",
		tokens: "大學|生活|很|好", added: []string{"大學生"}},
	{name: "not across a solid word 2", do: addWords("研究生"), probe: "研究生命起源",
		tokens: "研究|生命|起源", added: []string{"研究生"}},
	{name: "two added words, one across the other", do: addWords("研究生", "生命"), probe: "研究生命起源",
		tokens: "研究|生命|起源", added: []string{"生命", "研究生"}},
	{name: "edges agree", do: addWords("研究生"), probe: "他是研究生",
		tokens: "他|是|研究生", added: []string{"研究生"}},
	{name: "repeated", do: addWords("大學生"), probe: "大學生大學生",
		tokens: "大學生|大學生", added: []string{"大學生"}},
	// 他 說 哈哈哈 哈哈哈 。: overlapping occurrences tile.
	{name: "overlapping occurrences tile", do: addWords("哈哈"), probe: "他說哈哈哈哈哈哈。",
		tokens: "他|說|哈哈|哈哈|哈哈|。", added: []string{"哈哈"}},
	{name: "overlapping occurrences, odd", do: addWords("哈哈"), probe: "哈哈哈哈哈",
		tokens: "哈哈|哈哈哈", added: []string{"哈哈"}},
	// A part of a solid word is not cut out of it.
	{name: "inside a solid word", do: addWords("京大"), probe: "北京大學",
		tokens: "北京大學", added: []string{"京大"}},
	{name: "prefix of a solid word", do: addWords("大學"), probe: "他是大學生",
		tokens: "他|是|大學生", added: []string{"大學"}},
	// 马 冬 梅花 开 了: 冬梅花 leaves 马 alone, as the Segmenter does.
	{name: "across a word, weak neighbours", do: addWords("冬梅花"), probe: "马冬梅花开了",
		tokens: "马|冬梅花|开|了", added: []string{"冬梅花"}},
	{name: "overlapping words, one stopped", do: func(l *Learner) { l.AddWord("一個一個"); l.StopWord("一個") }, probe: "一個一個一個一個",
		tokens: "一個一個|一個一個", added: []string{"一個一個"}, stopped: []string{"一個"}},
	{name: "overlapping occurrences in a long run", do: func(l *Learner) {
		l.AddWord("一個一個")
		l.StopWord("一個")
		l.Learn("一個人", []Token{{Start: 0, End: 1}, {Start: 1, End: 3}})
	}, probe: strings.Repeat("一個", 100000), tokens: strings.Repeat("|一個一個", 50000)[1:],
		added: []string{"一個一個", "個人"}, stopped: []string{"一個"}},
}

func TestLearnerUserWords(t *testing.T) {
	seg := segmenterForTest(t)
	tests := []learnerCase{
		{name: "add", do: func(l *Learner) { l.AddWord("馬冬梅") }, probe: "我看見馬冬梅了",
			want: []testkit.Want{{Text: "馬冬梅", Start: 3}}, added: []string{"馬冬梅"}},
		{name: "add simplified, text traditional", do: func(l *Learner) { l.AddWord("马冬梅") }, probe: "馬冬梅說",
			want: []testkit.Want{{Text: "馬冬梅", Start: 0}}, added: []string{"马冬梅"}},
		{name: "stop", do: func(l *Learner) { l.StopWord("一個") }, probe: "我有一個蘋果",
			notWant: []testkit.Want{{Text: "一個", Start: 2}}, stopped: []string{"一個"}},
		{name: "stop a long word", do: func(l *Learner) { l.StopWord("北京大學") }, probe: "他研究北京大學",
			notWant: []testkit.Want{{Text: "北京大學", Start: 3}}, stopped: []string{"北京大學"}},
		{name: "add then stop", do: func(l *Learner) { l.AddWord("馬冬梅"); l.StopWord("馬冬梅") }, probe: "馬冬梅說",
			notWant: []testkit.Want{{Text: "馬冬梅", Start: 0}}, stopped: []string{"馬冬梅"}},
		{name: "stop then add", do: func(l *Learner) { l.StopWord("一個"); l.AddWord("一個") }, probe: "我有一個蘋果",
			want: []testkit.Want{{Text: "一個", Start: 2, POS: "m"}}, added: []string{"一個"}},
		{name: "user word beats learning", do: func(l *Learner) {
			text, gold := goldTokens("馬冬梅|說")
			l.Learn(text, gold)
			l.StopWord("馬冬梅")
		}, probe: "馬冬梅說", notWant: []testkit.Want{{Text: "馬冬梅", Start: 0}}, stopped: []string{"馬冬梅"}},
		{name: "empty and spaced words ignored", do: func(l *Learner) { l.AddWord(""); l.AddWord("馬 冬梅"); l.StopWord(" ") }, probe: "馬 冬梅",
			want: []testkit.Want{{Text: "馬", Start: 0}}},
		{name: "non-BMP user word", do: func(l *Learner) { l.AddWord("😀𠀀") }, probe: "我😀𠀀了",
			want: []testkit.Want{{Text: "我", Start: 0}, {Text: "😀𠀀", Start: 1, POS: "x"}, {Text: "了", Start: 3}}, added: []string{"😀𠀀"}},
	}
	tests = append(tests, userGlueCases...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, seg) })
	}
}

// shorten is s, cut to 40 characters for a message.
func shorten(s string) string {
	if rs := []rune(s); len(rs) > 40 {
		return string(rs[:40]) + "…"
	}
	return s
}

// TestLearnerLongRuns segments and learns runs of 100,000 and more
// characters without whitespace, with added words overlapping all along
// them: no token is longer than needed, and it takes about as long as the
// Segmenter.
func TestLearnerLongRuns(t *testing.T) {
	seg := segmenterForTest(t)
	l := NewLearner(seg)
	l.AddWord("一個一個")
	l.AddWord("哈哈")
	l.AddWord("aa")
	l.AddWord("大學生")
	l.StopWord("一個")
	l.Learn("一個人", []Token{{Start: 0, End: 1}, {Start: 1, End: 3}})
	for _, tc := range []struct {
		text   string
		maxLen int // the longest token
	}{
		{strings.Repeat("一個", 100000), 4},
		{strings.Repeat("哈", 200000), 3},
		{strings.Repeat("a", 200000), 2},
		{strings.Repeat("😀", 100000), 1},
		{strings.Repeat("北京大學生在讀書", 20000), 3},
	} {
		t.Run(shorten(tc.text[:12]), func(t *testing.T) {
			start := time.Now()
			base := seg.Segment(tc.text)
			segTime := time.Since(start)
			start = time.Now()
			got := l.Segment(tc.text)
			t.Logf("%d characters: the Segmenter %v, the Learner %v", len([]rune(tc.text)), segTime, time.Since(start))
			testkit.CheckTokens(t, tc.text, got, kitToken)
			longest := 0
			for _, tk := range got {
				longest = max(longest, tk.End-tk.Start)
			}
			if longest > tc.maxLen {
				t.Errorf("the longest token has %d characters, want at most %d", longest, tc.maxLen)
			}
			checkNotFused(t, l, tc.text, got)
			l.Learn(tc.text, base)
		})
	}
}

// seedTexts are the seed article, as raw lines and as the pipeline's clean
// sentences, the demo article's lines and the Segment table's texts.
func seedTexts(t *testing.T, seg *Segmenter) []string {
	t.Helper()
	var texts []string
	for _, c := range segCases {
		texts = append(texts, c.text)
	}
	texts = append(texts, strings.Split(string(assets.DemoArticle), "\n")...)
	path := "../../../shared/corpus/jiaozuo-news-2021.txt"
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Logf("%s not found: ../shared is absent; the seed article is left out", path)
		return texts
	}
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, strings.Split(string(data), "\n")...)
	doc, err := Process(path, data, seg, CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rs := []rune(doc.Text)
	for _, s := range doc.Sentences {
		texts = append(texts, string(rs[s.Start:s.End]))
	}
	return append(texts, doc.Text)
}

func TestLearnerUnlearntIsSegmenter(t *testing.T) {
	seg := segmenterForTest(t)
	fresh := NewLearner(seg)
	// A Learner taught the Segmenter's own segmentation has nothing to
	// correct: it still segments as the Segmenter does.
	taught := NewLearner(seg)
	texts := seedTexts(t, seg)
	for _, text := range texts {
		taught.Learn(text, seg.Segment(text))
	}
	for name, l := range map[string]*Learner{"new": fresh, "taught the Segmenter's tokens": taught} {
		t.Run(name, func(t *testing.T) {
			for _, text := range texts {
				want := seg.Segment(text)
				if got := l.Segment(text); !reflect.DeepEqual(got, want) {
					t.Fatalf("Segment(%q) =\n%v\nwant Segmenter.Segment's\n%v", text, got, want)
				}
			}
			if added, stopped := l.Words(); len(added)+len(stopped) > 0 {
				t.Errorf("Words() = %q, %q; want none", added, stopped)
			}
		})
	}
}

// TestLearnerInterleavedNoPanic is the regression test for gse v0.80.3's
// trie: interleaving RemoveToken and AddToken on a loaded dictionary
// panics in cedar.resolve. The Learner never touches the dictionary: many
// learnt merges and splits of the same words, user AddWord and StopWord of
// them and Segment calls, interleaved, neither panic nor change the
// Segmenter, and two Learners fed the same steps give the same results.
func TestLearnerInterleavedNoPanic(t *testing.T) {
	seg := segmenterForTest(t)
	dictWords := seg.seg.Dict.NumTokens()
	probes := []string{"我看見馬冬梅了", "這一個問題", "焦作網記者報道", "他研究北京大學", "物體的加速度很大", "我𠀀好😀了"}
	before := make([][]Token, len(probes))
	for i, p := range probes {
		before[i] = seg.Segment(p)
	}
	steps := []func(l *Learner) string{
		func(l *Learner) string { text, g := goldTokens("馬冬梅|說"); l.Learn(text, g); return "" },
		func(l *Learner) string { text, g := goldTokens("馬|冬梅|說"); l.Learn(text, g); return "" },
		func(l *Learner) string { text, g := goldTokens("我|有|一|個|蘋果"); l.Learn(text, g); return "" },
		func(l *Learner) string { text, g := goldTokens("我|有|一個|蘋果"); l.Learn(text, g); return "" },
		func(l *Learner) string {
			text, g := goldTokens("他|在|焦作網|工作")
			l.Learn(text, g)
			return ""
		},
		func(l *Learner) string { text, g := goldTokens("焦作|網|記者"); l.Learn(text, g); return "" },
		func(l *Learner) string { text, g := goldTokens("北京|大學"); l.Learn(text, g); return "" },
		func(l *Learner) string { text, g := goldTokens("加速|度"); l.Learn(text, g); return "" },
		func(l *Learner) string { l.AddWord("馬冬梅"); return "" },
		func(l *Learner) string { l.StopWord("馬冬梅"); return "" },
		func(l *Learner) string { l.AddWord("一個"); return "" },
		func(l *Learner) string { l.StopWord("一個"); return "" },
		func(l *Learner) string { l.AddWord("加速度"); return "" },
		func(l *Learner) string { l.StopWord("北京大學"); return "" },
	}
	run := func() []string {
		l := NewLearner(seg)
		rng := rand.New(rand.NewPCG(6, 6))
		var out []string
		for range 600 {
			steps[rng.IntN(len(steps))](l)
			p := probes[rng.IntN(len(probes))]
			toks := l.Segment(p)
			testkit.CheckTokens(t, p, toks, kitToken)
			out = append(out, fmt.Sprint(toks))
		}
		added, stopped := l.Words()
		return append(out, fmt.Sprint(added, stopped))
	}
	first, second := run(), run()
	if !reflect.DeepEqual(first, second) {
		t.Errorf("two Learners fed the same steps differ")
	}
	if got := seg.seg.Dict.NumTokens(); got != dictWords {
		t.Errorf("the Segmenter's dictionary has %d words, had %d", got, dictWords)
	}
	for i, p := range probes {
		if got := seg.Segment(p); !reflect.DeepEqual(got, before[i]) {
			t.Errorf("Segmenter.Segment(%q) = %v after learning, was %v", p, got, before[i])
		}
	}
}

// TestLearnerConcurrent segments while another goroutine learns (for the
// race detector), then checks that concurrent Segment calls agree with a
// lone one.
func TestLearnerConcurrent(t *testing.T) {
	seg := segmenterForTest(t)
	l := NewLearner(seg)
	text := string(assets.DemoArticle)
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, c := range learnCases {
			tx, g := goldTokens(c.gold)
			l.Learn(tx, g)
		}
		l.AddWord("焦作")
		l.StopWord("一個")
	})
	for range 2 {
		wg.Go(func() {
			for _, c := range learnCases {
				l.Segment(c.probe)
			}
		})
	}
	wg.Wait()
	want := l.Segment(text)
	errs := make(chan string, 4)
	for range 4 {
		wg.Go(func() {
			if got := l.Segment(text); !reflect.DeepEqual(got, want) {
				errs <- "concurrent Segment differs from a lone one"
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestLearnerBadGold(t *testing.T) {
	seg := segmenterForTest(t)
	tests := []struct {
		name string
		text string
		gold []Token
	}{
		{"no tokens", "馬冬梅說", nil},
		{"outside the text", "馬冬梅說", []Token{{Start: 0, End: 3}, {Start: 3, End: 9}}},
		{"negative", "馬冬梅說", []Token{{Start: -2, End: 3}}},
		{"empty and reversed", "馬冬梅說", []Token{{Start: 1, End: 1}, {Start: 3, End: 2}}},
		{"overlapping", "馬冬梅說", []Token{{Start: 0, End: 3}, {Start: 1, End: 4}}},
		{"gaps", "馬冬梅說了", []Token{{Start: 0, End: 1}, {Start: 3, End: 5}}},
		{"over whitespace", "馬冬 梅說", []Token{{Start: 0, End: 4}, {Start: 4, End: 5}}},
		{"empty text", "", []Token{{Start: 0, End: 1}}},
		{"invalid UTF-8", "馬\xff冬梅", []Token{{Start: 0, End: 2}, {Start: 2, End: 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLearner(seg)
			l.Learn(tt.text, tt.gold)
			testkit.CheckTokens(t, tt.text, l.Segment(tt.text), kitToken)
			testkit.CheckTokens(t, "我看見馬冬梅了", l.Segment("我看見馬冬梅了"), kitToken)
		})
	}
}

var (
	fuzzLearnerOnce sync.Once
	fuzzLearner     *Learner
)

// learnerForFuzz is a Learner taught the learnCases and some user words.
func learnerForFuzz(tb testing.TB) *Learner {
	seg := segmenterForTest(tb)
	fuzzLearnerOnce.Do(func() {
		l := NewLearner(seg)
		for _, c := range learnCases {
			text, gold := goldTokens(c.gold)
			l.Learn(text, gold)
		}
		l.AddWord("IMAX摄影")
		l.AddWord("😀𠀀")
		l.AddWord("大學生")
		l.AddWord("哈哈")
		l.StopWord("一個")
		l.StopWord("北京大學")
		fuzzLearner = l
	})
	return fuzzLearner
}

func FuzzLearnerSegment(f *testing.F) {
	for _, c := range segCases {
		f.Add(c.text)
	}
	for _, c := range learnCases {
		text, _ := goldTokens(c.gold)
		f.Add(text)
		f.Add(c.probe)
	}
	for _, c := range userGlueCases {
		if len(c.probe) < 100 {
			f.Add(c.probe)
		}
	}
	seg := segmenterForTest(f)
	l := learnerForFuzz(f)
	fresh := NewLearner(seg)
	f.Fuzz(func(t *testing.T, text string) {
		got := l.Segment(text)
		testkit.CheckTokens(t, text, got, kitToken)
		checkNotFused(t, l, text, got)
		if got, want := fresh.Segment(text), seg.Segment(text); !reflect.DeepEqual(got, want) {
			t.Errorf("unlearnt Learner.Segment(%q) = %v, want Segmenter.Segment's %v", text, got, want)
		}
		// Learning any cut of the text (here every two code points) never
		// fails, and the learnt text segments as learnt.
		n := len([]rune(text))
		var gold []Token
		for k := 0; k < n; k += 2 {
			gold = append(gold, Token{Start: k, End: min(k+2, n)})
		}
		nl := NewLearner(seg)
		nl.Learn(text, gold)
		testkit.CheckTokens(t, text, nl.Segment(text), kitToken)
	})
}
