package annotate

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// goldOf is a gold sentence from a text and its words, which lie in it in
// order with only whitespace between them.
func goldOf(tb testing.TB, s string, words []string) GoldSentence {
	tb.Helper()
	g := GoldSentence{Text: s}
	rs := []rune(s)
	at := 0
	for _, w := range words {
		for at < len(rs) && unicode.IsSpace(rs[at]) {
			at++
		}
		n := utf8.RuneCountInString(w)
		if at+n > len(rs) || string(rs[at:at+n]) != w {
			tb.Fatalf("%q: word %q is not at %d", s, w, at)
		}
		g.Tokens = append(g.Tokens, text.Token{Start: at, End: at + n})
		at += n
	}
	return g
}

// goldFile is the sentences of a UD file as gold sentences.
func goldFile(tb testing.TB, name string) []GoldSentence {
	var out []GoldSentence
	for _, s := range testkit.ReadGold(tb, name) {
		out = append(out, goldOf(tb, s.Text, s.Forms))
	}
	return out
}

// segGold is the word segmentation score of segment on sents.
func segGold(sents []GoldSentence, segment func(string) []text.Token) text.SegScore {
	var sc text.SegScore
	for _, s := range sents {
		gold := make([]string, len(s.Tokens))
		for i, t := range s.Tokens {
			gold[i] = string([]rune(s.Text)[t.Start:t.End])
		}
		sc.Add(gold, testkit.TokenTexts(segment(s.Text), kitToken))
	}
	return sc
}

func TestCheckGold(t *testing.T) {
	tok := func(s, e int) text.Token { return text.Token{Start: s, End: e} }
	for _, tc := range []struct {
		name  string
		sents []GoldSentence
		want  string // "" for no error
	}{
		{"good", []GoldSentence{{"我們 在北京。", []text.Token{tok(0, 2), tok(3, 4), tok(4, 6), tok(6, 7)}}}, ""},
		{"no sentences", nil, "gold corpus g: no sentences"},
		{"no tokens", []GoldSentence{{"我們", nil}}, `sentence 1 "我們": no tokens`},
		{"past the end", []GoldSentence{{"我們", []text.Token{tok(0, 3)}}}, "token 1 [0,3) is empty, out of order or outside the text (2 characters)"},
		{"overlapping", []GoldSentence{{"我們在", []text.Token{tok(0, 2), tok(1, 3)}}}, "token 2 [1,3)"},
		{"empty token", []GoldSentence{{"我們", []text.Token{tok(1, 1)}}}, "token 1 [1,1)"},
		{"whitespace in a token", []GoldSentence{{"我們 在", []text.Token{tok(0, 4)}}}, `token 1 "我們 在" holds whitespace`},
		{"second sentence", []GoldSentence{{"好", []text.Token{tok(0, 1)}}, {"\xff", []text.Token{tok(0, 1)}}}, "sentence 2: text is not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckGold("g", tc.sents)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckGold() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "annotate: gold corpus g: ")):
				t.Errorf("CheckGold() = %v, want an error naming the corpus with %q", err, tc.want)
			}
		})
	}
}

// TestGoldCorpus: a gold corpus is stored whole, survives reopening, is
// not stored twice, is learnt by the project's Learner (which segments as
// it teaches), and is forgotten when removed.
func TestGoldCorpus(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	seg := segmenterForTest(t)
	probe := "我看見馬冬梅了"
	lesson := []GoldSentence{
		goldOf(t, "馬冬梅說話。", []string{"馬冬梅", "說話", "。"}),
		goldOf(t, "昨天 馬冬梅來了", []string{"昨天", "馬冬梅", "來", "了"}),
	}
	if slices.Contains(testkit.TokenTexts(seg.Segment(probe), kitToken), "馬冬梅") {
		t.Fatalf("the dictionary already makes 馬冬梅 a word: the probe tests nothing")
	}
	c, added, err := p.AddGoldCorpus(t.Context(), "lesson.txt", lesson)
	if err != nil || !added {
		t.Fatalf("AddGoldCorpus() = %+v, %v, %v; want added", c, added, err)
	}
	if c.Sentences != 2 || c.Tokens != 7 || c.Name != "lesson.txt" || c.ID == 0 {
		t.Errorf("AddGoldCorpus() = %+v, want 2 sentences, 7 tokens, named lesson.txt", c)
	}
	if again, added, err := p.AddGoldCorpus(t.Context(), "copy.conllu", lesson); err != nil || added || again.ID != c.ID {
		t.Errorf("AddGoldCorpus() of the same sentences = %+v, %v, %v; want the stored corpus %d, not added", again, added, err, c.ID)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	corpora, err := p.GoldCorpora()
	if err != nil || len(corpora) != 1 || corpora[0].ID != c.ID || corpora[0].Hash != c.Hash || corpora[0].Added.IsZero() {
		t.Fatalf("GoldCorpora() after reopening = %+v, %v; want [%+v]", corpora, err, c)
	}
	got, err := p.goldSentences(t.Context())
	if err != nil || !reflect.DeepEqual(got, lesson) {
		t.Fatalf("goldSentences() after reopening = %+v, %v; want %+v", got, err, lesson)
	}
	var progress [][2]int
	l, err := p.LearnerContext(t.Context(), seg, func(done, total int) { progress = append(progress, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if toks := l.Segment(probe); !slices.Contains(testkit.TokenTexts(toks, kitToken), "馬冬梅") {
		t.Errorf("the project's Learner after learning the corpus: Segment(%q) = %v, want 馬冬梅 a token", probe, testkit.TokenTexts(toks, kitToken))
	}
	if len(progress) == 0 || progress[len(progress)-1] != [2]int{2, 2} {
		t.Errorf("progress = %v, want it to end at 2 of 2", progress)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.LearnerContext(ctx, seg, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("LearnerContext(cancelled) error = %v, want context.Canceled", err)
	}
	if err := p.RemoveGoldCorpus(c.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveGoldCorpus(c.ID); err == nil || !strings.Contains(err.Error(), "no gold corpus") {
		t.Errorf("RemoveGoldCorpus() of a removed corpus = %v, want no gold corpus", err)
	}
	l, err = p.Learner(seg)
	if err != nil {
		t.Fatal(err)
	}
	if toks := l.Segment(probe); slices.Contains(testkit.TokenTexts(toks, kitToken), "馬冬梅") {
		t.Errorf("after RemoveGoldCorpus: Segment(%q) = %v, want the dictionary's segmentation", probe, testkit.TokenTexts(toks, kitToken))
	}
	var n int
	if err := p.conn.QueryRowContext(t.Context(), "SELECT count(*) FROM gold_sentences").Scan(&n); err != nil || n != 0 {
		t.Errorf("gold sentences left after RemoveGoldCorpus: %d (%v)", n, err)
	}
}

// TestGoldCorpusRefused: bad sentences, a cancelled context and a
// read-only project store nothing.
func TestGoldCorpusRefused(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	good := []GoldSentence{goldOf(t, "我們在北京。", []string{"我們", "在", "北京", "。"})}
	bad := append(slices.Clone(good), GoldSentence{Text: "好", Tokens: []text.Token{{Start: 0, End: 2}}})
	if _, _, err := p.AddGoldCorpus(t.Context(), "bad.txt", bad); err == nil || !strings.Contains(err.Error(), "gold corpus bad.txt: sentence 2") {
		t.Errorf("AddGoldCorpus(bad) error = %v, want one naming sentence 2", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := p.AddGoldCorpus(ctx, "good.txt", good); !errors.Is(err, context.Canceled) {
		t.Errorf("AddGoldCorpus(cancelled) error = %v, want context.Canceled", err)
	}
	if cs, err := p.GoldCorpora(); err != nil || len(cs) != 0 {
		t.Errorf("GoldCorpora() after refusals = %+v, %v; want none", cs, err)
	}
	p.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, _, err := ro.AddGoldCorpus(t.Context(), "good.txt", good); !errors.Is(err, ErrReadOnly) {
		t.Errorf("AddGoldCorpus() on a read-only project = %v, want ErrReadOnly", err)
	}
}

// undoFormat6 takes a project file of format 6 back to format 5 (tests
// that make older files run it first).
const undoFormat6 = "DROP TABLE gold_sentences; DROP TABLE gold_corpora; "

// TestOpenMigratesVersion5 takes a file of format 5 (no gold corpora)
// forward, backing it up first, and it learns a gold corpus then.
func TestOpenMigratesVersion5(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	if _, err := p.conn.ExecContext(t.Context(), undoFormat8+undoFormat7+undoFormat6+"PRAGMA user_version=5"); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	old := ""
	for _, b := range p.Backups() {
		if strings.Contains(filepath.Base(b), "-format5-") {
			old = b
		}
	}
	if old == "" {
		t.Fatalf("backups %v: none of format 5 made before migrating", p.Backups())
	}
	db, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != 5 {
		t.Errorf("user_version of %s = %d (%v), want 5", old, version, err)
	}
	db.Close()
	if _, added, err := p.AddGoldCorpus(t.Context(), "g.txt", []GoldSentence{goldOf(t, "北京", []string{"北京"})}); err != nil || !added {
		t.Errorf("AddGoldCorpus() in a migrated file: %v, %v", added, err)
	}
}

// TestLearnGoldCorpus is issue 20's target for learning from a gold
// corpus: after the project learns UD GSD dev, its segmenter scores
// F1 ≥ 0.90 on GSD test. And the gain carries over to sentences it did
// not learn: learning the first half of dev raises F1 on the second half,
// on test and on the simplified test (another script) by at least 0.05
// each. The figures are logged.
func TestLearnGoldCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("learns and scores some 2,000 sentences")
	}
	seg := segmenterForTest(t)
	dev := goldFile(t, "zh_gsd-ud-dev.conllu")
	test := goldFile(t, "zh_gsd-ud-test.conllu")
	simp := goldFile(t, "zh_gsdsimp-ud-test.conllu")
	half := len(dev) / 2
	learnt := func(t *testing.T, sents []GoldSentence) *text.Learner {
		p, _ := newTestProject(t, Options{NoBackup: true})
		if _, _, err := p.AddGoldCorpus(t.Context(), "gold", sents); err != nil {
			t.Fatal(err)
		}
		l, err := p.Learner(seg)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	t.Run("dev", func(t *testing.T) {
		l := learnt(t, dev)
		before, after := segGold(test, seg.Segment), segGold(test, l.Segment)
		t.Logf("learnt dev (%d sentences): test F1 %.4f → %.4f", len(dev), before.F1(), after.F1())
		if after.F1() < 0.90 {
			t.Errorf("test F1 after learning dev = %.4f, want ≥ 0.90", after.F1())
		}
	})
	t.Run("half of dev", func(t *testing.T) {
		l := learnt(t, dev[:half])
		for _, c := range []struct {
			name  string
			sents []GoldSentence
		}{{"second half of dev", dev[half:]}, {"test", test}, {"simplified test", simp}} {
			before, after := segGold(c.sents, seg.Segment), segGold(c.sents, l.Segment)
			t.Logf("learnt the first half of dev (%d sentences): %s F1 %.4f → %.4f", half, c.name, before.F1(), after.F1())
			if after.F1() < before.F1()+0.05 {
				t.Errorf("%s: F1 %.4f after learning half of dev, want at least 0.05 over the dictionary's %.4f", c.name, after.F1(), before.F1())
			}
		}
	})
}
