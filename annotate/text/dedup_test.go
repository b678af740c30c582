package text

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestCleanKeepsTemplatedLines cleans the lines of a list or form, which
// differ only by a number: every one is kept.
func TestCleanKeepsTemplatedLines(t *testing.T) {
	var sb strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&sb, "第%d號，我們在北京。\n", i)
	}
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(t)
	c := Clean(sb.String(), opts)
	if got, want := strings.Count(c.Text, "\n")+1, 5000; got != want {
		t.Errorf("%d lines out of %d; counts %v", got, want, c.Report.Counts)
	}
	if c.Text != strings.TrimSuffix(sb.String(), "\n") {
		t.Error("the clean text differs from the input")
	}
}

// readConversation reads the conversational corpus: dialogue, an
// interview, subtitles, a price list, a table and a notice, written for
// these tests (not the seed article), clean text as real corpora hold it.
func readConversation(tb testing.TB) map[string]string {
	tb.Helper()
	paths, err := filepath.Glob("testdata/conversation/*.txt")
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no conversation files: %v", err)
	}
	out := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(p)] = string(b)
	}
	return out
}

// TestCleanConversation cleans clean conversational text in which short
// lines recur (好。 對。 嗯。) and the symbols of real corpora occur: it
// comes out unchanged, with no mark and nothing removed.
func TestCleanConversation(t *testing.T) {
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(t)
	sentences := 0
	for name, text := range readConversation(t) {
		t.Run(name, func(t *testing.T) {
			c := Clean(text, opts)
			sentences += len(Sentences(c.Text))
			if want := strings.TrimSuffix(text, "\n"); c.Text != want {
				i := firstRuneDiff(c.Text, want)
				t.Errorf("clean text differs from the input at code point %d:\n got %q\nwant %q", i,
					shortForLog(string([]rune(c.Text)[max(0, i-10):])), shortForLog(string([]rune(want)[max(0, i-10):])))
			}
			for _, m := range c.Report.Marks {
				t.Errorf("mark %s/%s %q at %d", m.Kind, m.Cause, m.Text, m.Start)
			}
			if n := c.Report.Counts[CountDuplicates]; n != 0 {
				t.Errorf("%d paragraphs removed as duplicates", n)
			}
		})
	}
	t.Logf("%d sentences", sentences)
}

// TestCleanDuplicateProperties cleans random documents made of blocks of
// paragraphs, some repeated whole, some with lost characters (?), and
// checks what the duplicate step may do: every paragraph out was in, every
// paragraph in without damage is out, and a paragraph repeated on its own
// stays.
func TestCleanDuplicateProperties(t *testing.T) {
	pool := []string{dupA, dupB, dupC, "好。", "是啊。", "對。", "第一章",
		"他說這件事以後再談，現在先把手上的工作做完，週末大家一起去郊外走走。",
		"會議記錄：出席十二人，缺席兩人，主席宣佈開會，通過上次會議記錄。"}
	rng := rand.New(rand.NewPCG(3, 4))
	damage := func(p string) string {
		rs := []rune(p)
		if len(rs) < 6 || rng.IntN(3) > 0 {
			return p
		}
		rs[1+rng.IntN(len(rs)-2)] = '?'
		return string(rs)
	}
	for round := range 300 {
		var paras []string
		for len(paras) < 12 {
			var block []string
			for range 1 + rng.IntN(4) {
				block = append(block, pool[rng.IntN(len(pool))])
			}
			paras = append(paras, block...)
			if rng.IntN(2) == 0 {
				for _, p := range block {
					paras = append(paras, damage(p))
				}
			}
		}
		in := strings.Join(paras, "\n")
		c := Clean(in, CleanOptions{Duplicates: true, Damage: true})
		out := strings.Split(c.Text, "\n")
		for _, p := range out {
			if !slices.Contains(paras, p) {
				t.Fatalf("round %d: paragraph %q out was not in:\n%s", round, p, in)
			}
		}
		for _, p := range paras {
			if !strings.Contains(p, "?") && !slices.Contains(out, p) {
				t.Fatalf("round %d: undamaged paragraph %q dropped:\n%s\nout:\n%s", round, p, in, c.Text)
			}
		}
		if got := len(paras) - len(out); got != c.Report.Counts[CountDuplicates] {
			t.Fatalf("round %d: %d paragraphs fewer, count %d", round, got, c.Report.Counts[CountDuplicates])
		}
	}
}

// ordinaryText are the characters of real corpora that are not damage:
// the CJK Symbols and Punctuation, Enclosed Alphanumerics, General
// Punctuation and fullwidth forms blocks, Greek letters, and the symbols
// of lists, tables and price lists.
func ordinaryText() []rune {
	var rs []rune
	for _, block := range [][2]rune{{0x3000, 0x303F}, {0x2460, 0x24FF}, {0x2000, 0x206F}, {0xFF01, 0xFF64}, {0xFFE0, 0xFFEE}, {0x0391, 0x03C9}} {
		for r := block[0]; r <= block[1]; r++ {
			if unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Mn, r) {
				rs = append(rs, r)
			}
		}
	}
	return append(rs, []rune("⋯─○×√℃㎡№Ⅲ½→■□▲△◆◇●★☆")...)
}

// TestCleanOrdinaryCharacters cleans clean sentences with each ordinary
// character, alone, doubled (⋯⋯, ──) and inside words, and with variant
// and Cantonese characters: no mark.
func TestCleanOrdinaryCharacters(t *testing.T) {
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(t)
	var lines []string
	for _, r := range ordinaryText() {
		c := string(r)
		lines = append(lines, "我們昨天在北京"+c+"看到了很多人。", "他說"+c+c+"這件事以後再談。", "第"+c+"項：價格"+c+"數量")
	}
	lines = append(lines,
		"二〇二一年三月，會議在北京擧行。", "他在街上踫到了老同學。", "媽媽每天早上去街市買餸。", "他把麵包掰開，分給我一半。",
		"α粒子和β粒子的穿透能力不同，γ射線更強。", "他想了很久⋯⋯最後還是答應了。", "這件事──我是說那封信──你看過了嗎？")
	c := Clean(strings.Join(lines, "\n"), opts)
	for _, m := range c.Report.Marks {
		t.Errorf("mark %s/%s %q in %q", m.Kind, m.Cause, m.Text, lineAt(c.Text, m.Start))
	}
}

// lineAt is the line of text holding code point i.
func lineAt(text string, i int) string {
	rs := []rune(text)
	s, e := i, i
	for s > 0 && rs[s-1] != '\n' {
		s--
	}
	for e < len(rs) && rs[e] != '\n' {
		e++
	}
	return string(rs[s:e])
}
