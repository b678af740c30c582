package text_test

import (
	"bufio"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// udSentence is a sentence of a CoNLL-U file: its text and its gold tokens
// (offsets into the text, POS the XPOS column).
type udSentence struct {
	text string
	gold []text.Token
}

// readUD reads the sentences of a CoNLL-U file the way export.ReadCoNLLU
// gives them (package export imports annotate, so its tests cannot use it):
// the text is the FORMs joined with a space after every word whose MISC
// column lacks SpaceAfter=No, and must equal the "# text" comment.
func readUD(tb testing.TB, name string) []udSentence {
	tb.Helper()
	f, path := testkit.OpenGold(tb, name)
	defer f.Close()
	var (
		out     []udSentence
		b       strings.Builder
		toks    []text.Token
		comment string
		n, line int
	)
	flush := func() {
		if len(toks) > 0 {
			text := strings.TrimRight(b.String(), " ")
			if text != comment {
				tb.Fatalf("%s:%d: FORMs joined by SpaceAfter give %q, the # text comment is %q", path, line, text, comment)
			}
			out = append(out, udSentence{text: text, gold: toks})
		}
		b.Reset()
		toks, n, comment = nil, 0, ""
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line++
		l := sc.Text()
		switch {
		case l == "":
			flush()
			continue
		case strings.HasPrefix(l, "# text = "):
			comment = strings.TrimPrefix(l, "# text = ")
			continue
		case strings.HasPrefix(l, "#"):
			continue
		}
		fs := strings.Split(l, "\t")
		if len(fs) != 10 || strings.ContainsAny(fs[0], "-.") {
			continue
		}
		k := len([]rune(fs[1]))
		toks = append(toks, text.Token{Start: n, End: n + k, Text: fs[1], POS: fs[4]})
		b.WriteString(fs[1])
		n += k
		if !slices.Contains(strings.Split(fs[9], "|"), "SpaceAfter=No") {
			b.WriteByte(' ')
			n++
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	flush()
	if len(out) == 0 {
		tb.Fatalf("%s: no sentences", path)
	}
	return out
}

// simResult is what the simulated annotator measured.
type simResult struct {
	before, after         text.SegScore // test, before and after learning dev
	corr                  [2]int        // corrections on the first and second half of dev
	baseCorr              [2]int        // corrections the Segmenter alone would have needed
	chars                 [2]int        // characters of the halves
	learn                 time.Duration
	sentences             int
	words, added, stopped int // weights learnt; the dictionary
}

func (r simResult) per1k(half int, corr [2]int) float64 {
	return 1000 * float64(corr[half]) / float64(r.chars[half])
}

func (r simResult) String() string {
	return fmt.Sprintf("test F1 %.4f before, %.4f after learning dev; corrections per 1,000 characters: first half of dev %.1f, second half %.1f (the Segmenter alone: %.1f, %.1f); "+
		"learn %.0f µs per sentence; %d weights, %d words added, %d stopped",
		r.before.F1(), r.after.F1(), r.per1k(0, r.corr), r.per1k(1, r.corr), r.per1k(0, r.baseCorr), r.per1k(1, r.baseCorr),
		float64(r.learn.Microseconds())/float64(r.sentences), r.words, r.added, r.stopped)
}

// corrections is how many splits and merges turn pred into gold: a split
// at every gold boundary inside a predicted token, then a merge for every
// gold token that is still more than one token.
func corrections(pred, gold []text.Token) int {
	bound := map[int]bool{}
	for _, g := range gold {
		bound[g.Start], bound[g.End] = true, true
	}
	cuts := map[int]bool{}
	n := 0
	for _, p := range pred {
		cuts[p.Start], cuts[p.End] = true, true
		for k := p.Start + 1; k < p.End; k++ {
			if bound[k] {
				n++
				cuts[k] = true
			}
		}
	}
	for _, g := range gold {
		for k := g.Start + 1; k < g.End; k++ {
			if cuts[k] {
				n++
				break
			}
		}
	}
	return n
}

// correctToGold edits doc's tokens into gold with the GUI's commands,
// Split{At} and Merge{Start, End}, applied through an Editor, and returns
// how many it applied.
func correctToGold(tb testing.TB, doc *annotate.Document, gold []text.Token) int {
	tb.Helper()
	ed := &annotate.Editor{Doc: doc}
	bound := map[int]bool{}
	for _, g := range gold {
		bound[g.Start], bound[g.End] = true, true
	}
	var splits []int
	for _, t := range doc.Tokens {
		for k := t.Start + 1; k < t.End; k++ {
			if bound[k] {
				splits = append(splits, k)
			}
		}
	}
	n := 0
	for _, at := range splits {
		if _, err := ed.Apply(annotate.Split{At: at}); err != nil {
			tb.Fatalf("%q: Split{At: %d}: %v", doc.Text, at, err)
		}
		n++
	}
	for _, g := range gold {
		if i := doc.TokenAt(g.Start); i >= 0 && doc.Tokens[i].Start == g.Start && doc.Tokens[i].End == g.End {
			continue
		}
		if _, err := ed.Apply(annotate.Merge{Start: g.Start, End: g.End}); err != nil {
			tb.Fatalf("%q: Merge{Start: %d, End: %d}: %v", doc.Text, g.Start, g.End, err)
		}
		n++
	}
	if got, want := text.TokenSpans(doc.Tokens), text.TokenSpans(gold); !reflect.DeepEqual(got, want) {
		tb.Fatalf("%q: tokens after correcting = %v, want %v", doc.Text, got, want)
	}
	return n
}

// simulate is the simulated annotator: test is scored with l, then each
// dev sentence is segmented with l, corrected to gold through an Editor
// (each Split and Merge one correction) and learnt, and test is scored
// again.
func simulate(tb testing.TB, l *text.Learner, dev, test []udSentence) simResult {
	tb.Helper()
	var r simResult
	for _, s := range test {
		r.before.Add(testkit.TokenTexts(s.gold, text.KitToken), testkit.TokenTexts(l.Segment(s.text), text.KitToken))
	}
	for i, s := range dev {
		half := 0
		if i >= len(dev)/2 {
			half = 1
		}
		toks := l.Segment(s.text)
		n := len([]rune(s.text))
		doc := &annotate.Document{Text: s.text, Sentences: []text.Sentence{{Start: 0, End: n}}, Tokens: toks, Status: annotate.StatusNew}
		want := corrections(toks, s.gold)
		got := correctToGold(tb, doc, s.gold)
		if got != want {
			tb.Fatalf("%q: %d edits corrected it, want %d", s.text, got, want)
		}
		r.corr[half] += got
		r.baseCorr[half] += corrections(text.LearnerSegmenter(l).Segment(s.text), s.gold)
		r.chars[half] += n
		start := time.Now()
		l.Learn(s.text, doc.Tokens)
		r.learn += time.Since(start)
		r.sentences++
	}
	for _, s := range test {
		r.after.Add(testkit.TokenTexts(s.gold, text.KitToken), testkit.TokenTexts(l.Segment(s.text), text.KitToken))
	}
	r.words = text.LearnerWeights(l)
	added, stopped := l.Words()
	r.added, r.stopped = len(added), len(stopped)
	return r
}

func TestLearnSimulatedAnnotator(t *testing.T) {
	seg := text.SegmenterForTest(t)
	dev := readUD(t, "zh_gsd-ud-dev.conllu")
	test := readUD(t, "zh_gsd-ud-test.conllu")
	start := time.Now()
	l := text.NewLearner(seg)
	r := simulate(t, l, dev, test)
	t.Logf("%v (%v)", r, time.Since(start).Round(time.Millisecond))
	if got, floor := r.after.F1(), 0.86; got < floor {
		t.Errorf("test F1 after learning dev = %.4f, want >= %.2f", got, floor)
	}
	if got := r.before.F1(); got < 0.78 {
		t.Errorf("test F1 before learning = %.4f, want the Segmenter's (>= 0.78)", got)
	}
	if first, second := r.per1k(0, r.corr), r.per1k(1, r.corr); second >= first {
		t.Errorf("corrections per 1,000 characters: second half of dev %.1f, want fewer than the first half's %.1f", second, first)
	}
	for _, s := range test[:50] {
		testkit.CheckTokens(t, s.text, l.Segment(s.text), text.KitToken)
	}
	// Tokens the Learner makes up (neither the Segmenter's, nor added, nor
	// dictionary words) are rare, and none fuses more than maxFused
	// characters across the Segmenter's boundaries.
	made, total := 0, 0
	for _, s := range test {
		got := l.Segment(s.text)
		total += len(got)
		made += len(text.MadeUp(l, s.text, got, false))
		for _, tk := range text.MadeUp(l, s.text, got, true) {
			t.Errorf("Segment(%q) made the fused token %q (%d characters, over %d)", s.text, tk.Text, tk.End-tk.Start, text.MaxFused)
		}
	}
	t.Logf("%d of the %d tokens of test are made up", made, total)
	if made*40 > total {
		t.Errorf("%d of the %d tokens of test are made up, want under 2.5%%", made, total)
	}
	// After all that learning (the averaged weights now move slowly), one
	// more merge and one more split still change new sentences at once.
	for _, c := range []struct {
		gold, probe, word string
		want              bool
	}{
		{"馬冬梅|說", "我看見馬冬梅了", "馬冬梅", true},
		{"樓頂|有|天文|台", "他去天文台了", "天文台", false},
	} {
		s, gold := text.GoldTokens(c.gold)
		if before := l.Segment(c.probe); slices.Contains(testkit.TokenTexts(before, text.KitToken), c.word) == c.want {
			t.Fatalf("after learning dev: Segment(%q) = %v, want %q a token: %v (before the last lesson)", c.probe, before, c.word, !c.want)
		}
		l.Learn(s, gold)
		got := l.Segment(c.probe)
		if slices.Contains(testkit.TokenTexts(got, text.KitToken), c.word) != c.want {
			t.Errorf("after learning dev and %q: Segment(%q) = %v, want %q a token: %v", c.gold, c.probe, got, c.word, c.want)
		}
	}
}
