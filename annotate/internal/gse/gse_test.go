package gse

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"

	upstream "github.com/go-ego/gse"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
)

var (
	loadFork = testkit.Once("LoadDictEmbed", func() (*Segmenter, error) {
		var s Segmenter
		return &s, s.LoadDictEmbed("zh_s")
	})
	loadUpstream = testkit.Once("upstream LoadDictEmbed", func() (*upstream.Segmenter, error) {
		var s upstream.Segmenter
		s.SkipLog = true
		s.NotLoadHMM = true
		return &s, s.LoadDictEmbed("zh_s")
	})
)

// TestEmbeddedDictionaryIsGses checks data/zh_s.txt against the upstream
// module's dictionary file, byte for byte (the module's folder is read
// here, in a test, only to compare).
func TestEmbeddedDictionaryIsGses(t *testing.T) {
	dir := moduleDir(t)
	up, err := os.ReadFile(dir + "/data/dict/zh/s_1.txt")
	if err != nil {
		t.Skipf("upstream gse's dictionary not readable: %v", err)
	}
	if !bytes.Equal(up, []byte(zhS)) {
		t.Errorf("data/zh_s.txt (%d bytes) differs from gse v0.80.3's data/dict/zh/s_1.txt (%d bytes)", len(zhS), len(up))
	}
}

// TestForkMatchesGse checks the fork's dictionary, entry by entry, against
// the upstream module's, loaded the upstream way.
func TestForkMatchesGse(t *testing.T) {
	fork, up := loadFork(t), loadUpstream(t)
	fd, ud := fork.Dict, up.Dict
	if fd.NumTokens() != ud.NumTokens() || fd.TotalFreq() != ud.TotalFreq() || fd.MaxTokenLen() != ud.MaxTokenLen() {
		t.Fatalf("fork: %d entries, total %v, longest %d; gse: %d, %v, %d",
			fd.NumTokens(), fd.TotalFreq(), fd.MaxTokenLen(), ud.NumTokens(), ud.TotalFreq(), ud.MaxTokenLen())
	}
	bad := 0
	for i := range fd.Tokens {
		f, u := &fd.Tokens[i], &ud.Tokens[i]
		if f.Text() != u.Text() || f.Freq() != u.Freq() || f.Pos() != u.Pos() || int(f.words) != len(upstream.SplitWords([]byte(u.Text()))) {
			if bad++; bad <= 5 {
				t.Errorf("entry %d: fork %q %v %q (%d words), gse %q %v %q", i, f.Text(), f.Freq(), f.Pos(), f.words, u.Text(), u.Freq(), u.Pos())
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d entries differ", bad)
	}
	for _, w := range []string{"中华", "中华人", "中华人民共和国", "4S店", "4s店", "aa制", "AA制", "", "的", "zzz", "中华人民共和国万岁"} {
		ff, fp, fok := fork.Find(w)
		uf, upos, uok := up.Find(w)
		if ff != uf || fp != upos || fok != uok {
			t.Errorf("Find(%q) = %v %q %v, gse %v %q %v", w, ff, fp, fok, uf, upos, uok)
		}
	}
}

// segmentTexts are texts of several kinds, most not from UD: dialogue,
// lists, tables, Latin and digits in every case, full-width forms, other
// scripts, characters beyond the BMP, invalid UTF-8.
var segmentTexts = []string{
	"",
	"中华人民共和国万岁",
	"第一章　開始\n\n「你好嗎？」他問。\n「很好！」她說，然後走了……",
	"甲：你今天去哪儿了？乙：我在第三号会议室开会。——那是二〇二一年的事⋯⋯「真的吗？！」",
	"一、苹果；二、香蕉；三、橘子。| 名称 | 数量 |\n| 苹果 | 3 |",
	"价格：苹果 5 元／斤，梨 3.5 元。Yahoo!Japan 与 1,000 人。4S店 AA制 T恤 CPU和GPU，iPhone14Pro",
	"ＡＢＣ１２３，ｉＰｈｏｎｅ，Ω欧姆、Привет мир、ελληνικά、العربية、한국어、ひらがなカタカナ",
	"𠮷野家的𩸽魚很好吃。😀 他說：「𪚥𪚥𪚥！」\U0002A6A5\U0002B734在這裡。",
	"\xff\xfe中\x80文\xc3(无效",
	"時(shí)刻 ??? |||||| 2021年11月3日 10:30，焦作市委书记葛巧红主持召开会议。",
}

// TestForkSegmentsAsGse checks that the fork segments as gse on the texts
// above, the seed article, UD GSD (simplified and traditional) and random
// strings of dictionary words, Latin, digits and punctuation.
func TestForkSegmentsAsGse(t *testing.T) {
	fork, up := loadFork(t), loadUpstream(t)
	texts := append([]string(nil), segmentTexts...)
	for _, nt := range testkit.CompactTexts() {
		if nt.Text != "" {
			texts = append(texts, nt.Text)
		}
	}
	if b, ok := testkit.ReadShared(t, "corpus/jiaozuo-news-2021.txt"); ok {
		texts = append(texts, string(b))
	}
	for _, f := range []string{"zh_gsd-ud-test.conllu", "zh_gsd-ud-dev.conllu", "zh_gsdsimp-ud-test.conllu"} {
		if _, err := os.Stat(testkit.UDGoldDir + "/" + f); err == nil {
			for _, s := range testkit.ReadGold(t, f) {
				texts = append(texts, s.Text)
			}
		}
	}
	texts = append(texts, randomTexts(fork, 2000)...)
	for i, text := range texts {
		if diff := compareSegments(fork, up, []byte(text)); diff != "" {
			t.Fatalf("text %d %q: %s", i, clip(text), diff)
		}
	}
	t.Logf("%d texts segmented alike", len(texts))
}

// FuzzForkSegment checks the fork against gse on any text.
func FuzzForkSegment(f *testing.F) {
	for _, s := range segmentTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if diff := compareSegments(loadFork(t), loadUpstream(t), []byte(text)); diff != "" {
			t.Fatal(diff)
		}
	})
}

func compareSegments(fork *Segmenter, up *upstream.Segmenter, text []byte) string {
	fs, us := fork.Segment(text), up.Segment(text)
	if len(fs) != len(us) {
		return "fork " + describe(text, fs, nil) + "\ngse  " + describe(text, nil, us)
	}
	for i := range fs {
		f, u := &fs[i], &us[i]
		if f.Start() != u.Start() || f.End() != u.End() || f.Token().Pos() != u.Token().Pos() ||
			f.Token().Freq() != u.Token().Freq() || f.Token().Text() != u.Token().Text() {
			return "fork " + describe(text, fs, nil) + "\ngse  " + describe(text, nil, us)
		}
	}
	return ""
}

func describe(text []byte, fs []Segment, us []upstream.Segment) string {
	var sb strings.Builder
	for i := range fs {
		sb.WriteString(string(text[fs[i].Start():fs[i].End()]) + "/" + fs[i].Token().Pos() + " ")
	}
	for i := range us {
		sb.WriteString(string(text[us[i].Start():us[i].End()]) + "/" + us[i].Token().Pos() + " ")
	}
	return clip(sb.String())
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > 200 {
		return string([]rune(s)[:200]) + "…"
	}
	return s
}

// randomTexts makes n strings of dictionary entries (some upper-cased),
// digits, Latin words and punctuation, in random order.
func randomTexts(fork *Segmenter, n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	toks := fork.Dict.Tokens
	extra := []string{"ABC", "x2", "123", "3.14", "，", "。", " ", "\n", "·", "-", "（", "Ｑ", "é", "ß", "Я", "\u00a0", "😀", "𠮷"}
	out := make([]string, n)
	for i := range out {
		var sb strings.Builder
		for k := r.IntN(30); k >= 0; k-- {
			if r.IntN(4) == 0 {
				sb.WriteString(extra[r.IntN(len(extra))])
				continue
			}
			w := toks[r.IntN(len(toks))].Text()
			if r.IntN(10) == 0 {
				w = strings.ToUpper(w)
			}
			sb.WriteString(w)
		}
		out[i] = sb.String()
	}
	return out
}

// moduleDir is the upstream gse module's folder, as the go command gives
// it; the test skips when it cannot.
func moduleDir(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-ego/gse").Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Skipf("go list -m github.com/go-ego/gse: %v", err)
	}
	return string(bytes.TrimSpace(out))
}
