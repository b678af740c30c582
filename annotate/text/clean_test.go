package text

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	uc "unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
)

const seedArticlePath = "../../../shared/corpus/jiaozuo-news-2021.txt"

func readSeed(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile(seedArticlePath)
	if err != nil {
		tb.Skipf("the seed article is not here (%v): ../shared is needed for this test", err)
	}
	return data
}

// cleanSeed decodes and cleans data with every step on and the dictionary
// as evidence.
func cleanSeed(tb testing.TB, data []byte) Cleaned {
	tb.Helper()
	raw, _, err := Decode("seed", data)
	if err != nil {
		tb.Fatal(err)
	}
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(tb)
	return Clean(raw, opts)
}

func TestCleanSeedArticle(t *testing.T) {
	data := readSeed(t)
	raw := string(data)
	c := cleanSeed(t, data)
	text := c.Text

	t.Run("no pinyin artefact", func(t *testing.T) {
		for i, r := range []rune(text) {
			if isToneLetter(r) {
				t.Errorf("tone-marked letter %q left at %d", r, i)
			}
		}
	})
	t.Run("body once", func(t *testing.T) {
		for _, p := range []string{"昨日上午,市委副書記", "在伊賽牛肉,徐衣顯", "在中州社區衛生服務中心", "徐衣顯強調,當前", "(記者楊麗娜)"} {
			if got := strings.Count(text, p); got != 1 {
				t.Errorf("%q appears %d times, want 1", p, got)
			}
		}
	})
	t.Run("boilerplate gone", func(t *testing.T) {
		for _, s := range []string{"|", "免責聲明"} {
			if strings.Contains(text, s) {
				t.Errorf("clean text still holds %q", s)
			}
		}
	})
	t.Run("sentence intact", func(t *testing.T) {
		if !strings.Contains(text, "市委副書記、市長徐衣顯帶隊檢查指導冬春季疫情防控工作") {
			t.Error("the sentence about 徐衣顯 is not intact")
		}
	})
	t.Run("repairs", func(t *testing.T) {
		for _, want := range []string{"品是外防輸入的關鍵關口", "品采購、運輸"} {
			i := strings.Index(text, want)
			if i < 0 {
				t.Errorf("clean text lacks %q", want)
				continue
			}
			at := utf8.RuneCountInString(text[:i])
			found := false
			for _, m := range c.Report.Marks {
				if m.Kind == MarkRepaired && m.Start == at && m.Original != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("no repaired mark at %q (code point %d)", want, at)
			}
		}
	})
	t.Run("damage after each 冷鏈", func(t *testing.T) {
		if got := strings.Count(raw, "冷鏈?"); got != 6 {
			t.Fatalf("raw file has %d damaged 冷鏈, want 6 (both copies)", got)
		}
		rs := []rune(text)
		kept := 0
		for i := 0; i+3 < len(rs); i++ {
			if string(rs[i:i+2]) != "冷鏈" || rs[i+2] != '?' {
				continue
			}
			kept++
			if !hasMark(c.Report.Marks, i+2, MarkDamage) {
				t.Errorf("the ? after 冷鏈 at %d is not marked", i+2)
			}
			if !hasMark(c.Report.Marks, i+3, MarkRepaired) && !hasMark(c.Report.Marks, i+3, MarkDamage) {
				t.Errorf("the garbled run after 冷鏈? at %d is not marked", i+3)
			}
		}
		if kept != 3 {
			t.Errorf("clean text has %d damaged 冷鏈, want 3 (one copy)", kept)
		}
	})
	t.Run("every damage character marked", func(t *testing.T) {
		for i, r := range []rune(text) {
			if isLostMark(r) && !hasMark(c.Report.Marks, i, MarkDamage) {
				t.Errorf("%q at %d is not in a damage mark", r, i)
			}
		}
	})
	t.Run("pinyin hints", func(t *testing.T) {
		var hints []string
		for _, m := range c.Report.Marks {
			if m.Kind == MarkPinyinHint {
				hints = append(hints, m.Original)
			}
		}
		for _, want := range []string{"zhǔn", "yùn", "guān"} {
			if !slices.Contains(hints, want) {
				t.Errorf("hints %q lack %q", hints, want)
			}
		}
	})
	t.Run("counts agree with the kept text", func(t *testing.T) {
		hints := 0
		for _, m := range c.Report.Marks {
			if m.Kind == MarkPinyinHint {
				hints++
			}
			if m.Kind == MarkRepaired {
				if got := []rune(raw)[m.RawStart:m.RawEnd]; string(got) != m.Original {
					t.Errorf("repaired mark %+v: raw range holds %q, want the original", m, string(got))
				}
			}
		}
		if got := c.Report.Counts[CountLostPinyin]; got != hints {
			t.Errorf("lost-pinyin count %d, but %d hint marks", got, hints)
		}
	})
	t.Run("counts", func(t *testing.T) {
		for _, k := range []string{CountPinyin, CountLostPinyin, CountLost, CountRepaired, CountDuplicates, CountBoilerplate} {
			if c.Report.Counts[k] == 0 {
				t.Errorf("count %q is 0; counts %v", k, c.Report.Counts)
			}
		}
		if c.Report.Script != ScriptTraditional {
			t.Errorf("script %q, want traditional", c.Report.Script)
		}
	})
	t.Run("offset map", func(t *testing.T) {
		checkOffsetMap(t, raw, c)
	})
	t.Log(text)
}

func hasMark(marks []Mark, pos int, kind MarkKind) bool {
	for _, m := range marks {
		if m.Kind == kind && m.Start <= pos && pos < m.End {
			return true
		}
	}
	return false
}

// checkOffsetMap checks that every clean code point maps into raw, and to
// the same character unless repair or the whitespace step changed it.
func checkOffsetMap(t *testing.T, raw string, c Cleaned) {
	t.Helper()
	rr, cr := []rune(raw), []rune(c.Text)
	if c.RawMap.Len() != len(cr) {
		t.Fatalf("map covers %d code points, clean text has %d", c.RawMap.Len(), len(cr))
	}
	for i, r := range cr {
		j := c.RawMap.Raw(i)
		if j < 0 || j >= len(rr) {
			t.Fatalf("clean %d maps to raw %d, outside [0,%d)", i, j, len(rr))
		}
		if rr[j] == r || isSpace(r) && isSpace(rr[j]) || hasMark(c.Report.Marks, i, MarkRepaired) || hasMark(c.Report.Marks, i, MarkDamage) {
			continue
		}
		t.Errorf("clean %d %q maps to raw %d %q", i, r, j, rr[j])
	}
	for _, m := range c.Report.Marks {
		if m.Start < 0 || m.End > len(cr) || m.Start >= m.End {
			t.Errorf("mark %+v outside the clean text [0,%d)", m, len(cr))
			continue
		}
		if got := string(cr[m.Start:m.End]); got != m.Text {
			t.Errorf("mark %+v: text %q, clean slice %q", m, m.Text, got)
		}
	}
}

func TestCleanSameTextInEveryEncoding(t *testing.T) {
	data := readSeed(t)
	want := cleanSeed(t, data).Text
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	crlf := []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
	for name, b := range map[string][]byte{"GB18030": gb, "UTF-16LE BOM": u16, "UTF-8 CRLF": crlf} {
		t.Run(name, func(t *testing.T) {
			if got := cleanSeed(t, b).Text; got != want {
				t.Errorf("clean text differs from the UTF-8 file's (%d vs %d bytes)", len(got), len(want))
			}
		})
	}
}

// Paragraphs for the duplicate cases: a block of dupA and dupB has 102
// characters (minBlockChars is 100), of dupC and dupA 89.
const (
	dupA = "市民王先生說，他每天早上七點出門，先坐公交車到地鐵站，再換乘兩條線才能到公司，單程要一個半小時。"
	dupB = "他希望明年新線開通以後，通勤時間能縮短一半，這樣就有更多時間陪家人吃早飯，晚上也能去公園散步、看書、聽音樂。"
	dupC = "在伊賽牛肉,徐衣顯詳細了解進口冷鏈食品採購、運輸、消毒、儲存、加工等環節防控措施。"
)

// cleanCases are the single-step cases: input, the step switched on, the
// clean text and the counts wanted. They also seed FuzzClean.
var cleanCases = []struct {
	name   string
	in     string
	opts   CleanOptions
	want   string
	counts map[string]int
	marks  []Mark // Kind, Start, End and Original are compared
}{
	{name: "glued pinyin", in: "時(shí)刻緊繃", opts: CleanOptions{Pinyin: true}, want: "時刻緊繃",
		counts: map[string]int{CountPinyin: 1}},
	{name: "full-width parentheses", in: "習（xí）近平強(qiáng)調", opts: CleanOptions{Pinyin: true}, want: "習近平強調",
		counts: map[string]int{CountPinyin: 2}},
	{name: "real parentheses stay", in: "(記者楊麗娜)文(a)章 (shí) 字(shi)", opts: CleanOptions{Pinyin: true},
		want: "(記者楊麗娜)文(a)章 (shí) 字(shi)"},
	{name: "pinyin after a damage mark", in: "彙⑦\\(yùn)輸", opts: CleanOptions{Pinyin: true, LostPinyin: true},
		want: "彙⑦\\輸", counts: map[string]int{CountLostPinyin: 1},
		marks: []Mark{{Kind: MarkPinyinHint, Start: 2, End: 3, Original: "yùn"}}},
	{name: "pinyin after a glued letter", in: "氲年P(guān)鍵", opts: CleanOptions{Pinyin: true, LostPinyin: true},
		want: "氲年P鍵", counts: map[string]int{CountLostPinyin: 1},
		marks: []Mark{{Kind: MarkPinyinHint, Start: 2, End: 3, Original: "guān"}}},
	{name: "pinyin with its parenthesis lost", in: "冷鏈?zhǔn)称", opts: CleanOptions{LostPinyin: true},
		want: "冷鏈?称", counts: map[string]int{CountLostPinyin: 1},
		marks: []Mark{{Kind: MarkPinyinHint, Start: 2, End: 3, Original: "zhǔn"}}},
	{name: "lost characters", in: "這是?的\n說\ufffd明\nWhat? a\\b", opts: CleanOptions{Damage: true},
		want: "這是?的\n說\ufffd明\nWhat? a\\b", counts: map[string]int{CountLost: 2},
		marks: []Mark{{Kind: MarkDamage, Start: 2, End: 3}, {Kind: MarkDamage, Start: 6, End: 7}}},
	{name: "question marks are not lost characters", in: "你吃饭了吗?我吃了。为什么?\n真的? 好\nC:\\Windows\\系统\n鏈??称",
		opts: CleanOptions{Damage: true}, want: "你吃饭了吗?我吃了。为什么?\n真的? 好\nC:\\Windows\\系统\n鏈??称",
		counts: map[string]int{CountLost: 1}, marks: []Mark{{Kind: MarkDamage, Start: 36, End: 38}}},
	{name: "whitespace", in: "\n\n\u3000\u3000第一段  有   空格 \t\n\n\n\n第二段\u3000\n\n",
		opts: CleanOptions{Whitespace: true}, want: "第一段 有 空格\n\n第二段",
		counts: map[string]int{CountWhitespace: 8}},
	{name: "whitespace off keeps everything", in: "a  b\n\n\nc ", opts: CleanOptions{}, want: "a  b\n\n\nc "},
	{name: "boilerplate", in: "正文第一句。\n焦作網免責聲明: | ||||||||\n|\n+---+---+\n｜\n正文｜很長的一句話有很多字在這裡。",
		opts: CleanOptions{Boilerplate: true}, want: "正文第一句。\n正文｜很長的一句話有很多字在這裡。",
		counts: map[string]int{CountBoilerplate: 4}},
	{name: "notice phrases inside prose stay", in: "未经授权擅自使用他人商标属于侵权行为。\n他說版權所有人不同意。\n版權所有，違者必究\n本站免责声明：以上内容\nCopyright © 2021 焦作網",
		opts: CleanOptions{Boilerplate: true}, want: "未经授权擅自使用他人商标属于侵权行为。\n他說版權所有人不同意。",
		counts: map[string]int{CountBoilerplate: 3}},
	{name: "near duplicate block", in: dupA + "\n" + dupB + "\n中間\n" + strings.Replace(dupA, "七", "?", 1) + "\n" + dupB,
		opts: CleanOptions{Duplicates: true}, want: dupA + "\n" + dupB + "\n中間",
		counts: map[string]int{CountDuplicates: 2}},
	{name: "exact duplicate block with blank lines between", in: "題目\n\n" + dupA + "\n\n" + dupB + "\n\n" + dupA + "\n" + dupB + "\n\n",
		opts: CleanOptions{Duplicates: true, Whitespace: true}, want: "題目\n\n" + dupA + "\n\n" + dupB,
		counts: map[string]int{CountDuplicates: 2}},
	{name: "near duplicate block keeps the least damaged copy in the first place",
		in: "標題\n" + strings.Replace(dupC, "食品", "??", 1) + "\n" + dupA + "\n" + dupB + "\n中間一段完全不同的文字。\n" +
			dupC + "\n" + strings.Replace(dupA, "公交車", "公?車", 1) + "\n" + dupB,
		opts:   CleanOptions{Duplicates: true, Damage: true},
		want:   "標題\n" + dupC + "\n" + dupA + "\n" + dupB + "\n中間一段完全不同的文字。",
		counts: map[string]int{CountDuplicates: 3}},
	{name: "a block under 100 characters is kept", in: dupC + "\n" + dupA + "\n" + dupC + "\n" + dupA,
		opts: CleanOptions{Duplicates: true}, want: dupC + "\n" + dupA + "\n" + dupC + "\n" + dupA},
	{name: "duplicate block tie keeps the first", in: dupA + "\n" + dupB + "\nx\n" + dupA + "\n" + dupB, opts: CleanOptions{Duplicates: true, Whitespace: true},
		want: dupA + "\n" + dupB + "\nx", counts: map[string]int{CountDuplicates: 2}},
	{name: "a paragraph that recurs on its own is kept", in: dupA + "\n好。\n" + dupA + "\n是啊。\n好。\n對。\n好。\n對。",
		opts: DefaultCleanOptions(), want: dupA + "\n好。\n" + dupA + "\n是啊。\n好。\n對。\n好。\n對。",
		counts: map[string]int{CountDuplicates: 0}},
	{name: "a short exchange that recurs is kept", in: strings.Repeat("甲：你好。\n乙：你好，請坐。\n甲：謝謝。\n", 3),
		opts: DefaultCleanOptions(), want: strings.Repeat("甲：你好。\n乙：你好，請坐。\n甲：謝謝。\n", 3)[:len(strings.Repeat("甲：你好。\n乙：你好，請坐。\n甲：謝謝。\n", 3))-1],
		counts: map[string]int{CountDuplicates: 0}},
	{name: "a block that differs by a number is kept", in: dupA + "\n" + dupB + "\n" + strings.Replace(dupA, "七點", "八點", 1) + "\n" + dupB,
		opts: DefaultCleanOptions(), want: dupA + "\n" + dupB + "\n" + strings.Replace(dupA, "七點", "八點", 1) + "\n" + dupB},
	{name: "a copy with a word more is kept", in: dupA + "\n" + dupB + "\n" + dupA + "\n" + strings.Replace(dupB, "看書", "看書、下棋", 1),
		opts: DefaultCleanOptions(), want: dupA + "\n" + dupB + "\n" + dupA + "\n" + strings.Replace(dupB, "看書", "看書、下棋", 1)},
	{name: "a copy whose damage stands where the first has a word is dropped, the word kept",
		in:   dupA + "\n" + dupB + "\n" + strings.Replace(dupA, "地鐵站", "地\ufffd站", 1) + "\n" + dupB,
		opts: CleanOptions{Duplicates: true, Damage: true}, want: dupA + "\n" + dupB, counts: map[string]int{CountDuplicates: 2}},
	{name: "a copy with real text where the first is damaged takes its place",
		in:   strings.Replace(dupA, "地鐵站", "地\ufffd站", 1) + "\n" + dupB + "\n" + dupA + "\n" + dupB,
		opts: CleanOptions{Duplicates: true, Damage: true}, want: dupA + "\n" + dupB, counts: map[string]int{CountDuplicates: 2}},
	{name: "copies damaged in different places are both kept",
		in:     strings.Replace(dupA, "地鐵站", "地\ufffd站", 1) + "\n" + dupB + "\n" + strings.Replace(dupA, "公司", "公\ufffd", 1) + "\n" + dupB,
		opts:   CleanOptions{Duplicates: true, Damage: true},
		want:   strings.Replace(dupA, "地鐵站", "地\ufffd站", 1) + "\n" + dupB + "\n" + strings.Replace(dupA, "公司", "公\ufffd", 1) + "\n" + dupB,
		counts: map[string]int{CountDuplicates: 0}},
	{name: "empty", in: "", opts: DefaultCleanOptions(), want: "", counts: map[string]int{CountWhitespace: 0}},
	{name: "final line end is not a whitespace change", in: "好\n", opts: DefaultCleanOptions(), want: "好", counts: map[string]int{CountWhitespace: 0}},
	{name: "only blank lines", in: "\n\n \n", opts: DefaultCleanOptions(), want: ""},
	{name: "non-BMP kept", in: "𠀀字😀(shí)好", opts: DefaultCleanOptions(), want: "𠀀字😀(shí)好"},
}

func TestCleanSteps(t *testing.T) {
	for _, tc := range cleanCases {
		t.Run(tc.name, func(t *testing.T) {
			c := Clean(tc.in, tc.opts)
			if c.Text != tc.want {
				t.Errorf("text\n got %q\nwant %q", c.Text, tc.want)
			}
			for k, want := range tc.counts {
				if got := c.Report.Counts[k]; got != want {
					t.Errorf("count %s = %d, want %d (all %v)", k, got, want, c.Report.Counts)
				}
			}
			for _, want := range tc.marks {
				found := false
				for _, m := range c.Report.Marks {
					found = found || m.Kind == want.Kind && m.Start == want.Start && m.End == want.End && m.Original == want.Original
				}
				if !found {
					t.Errorf("no mark %+v in %+v", want, c.Report.Marks)
				}
			}
			checkOffsetMap(t, tc.in, c)
		})
	}
}

// TestCleanNoFalseRepairs cleans 1,500 clean UD sentences: nothing may be
// repaired and almost nothing marked.
func TestCleanNoFalseRepairs(t *testing.T) {
	var texts []string
	for _, f := range []string{"zh_gsd-ud-test.conllu", "zh_gsd-ud-dev.conllu", "zh_gsdsimp-ud-test.conllu"} {
		for _, s := range testkit.ReadGold(t, f) {
			texts = append(texts, s.Text)
		}
	}
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(t)
	opts.Duplicates = false
	c := Clean(strings.Join(texts, "\n"), opts)
	if n := c.Report.Counts[CountRepaired]; n != 0 {
		t.Errorf("%d repairs in clean text: %+v", n, c.Report.Marks)
	}
	marked := c.Report.Counts[CountGarbled] + c.Report.Counts[CountLost]
	t.Logf("%d sentences: %d damage marks (rare names and such)", len(texts), marked)
	if marked > len(texts)/100 {
		t.Errorf("%d damage marks in %d clean sentences, want at most 1%%", marked, len(texts))
	}
}

func TestCleanLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB input; not in -short")
	}
	size := 50 << 20
	if raceEnabled {
		size = 5 << 20 // the race detector makes this ten times slower; linearity shows at 5 MB too
	}
	unit := "焦作網(wǎng)免責聲明 abc ?zhǔn)称 　 "
	line := strings.Repeat(unit, size/len(unit))
	dir := t.TempDir()
	path := filepath.Join(dir, "long.txt")
	if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := Decode(path, data)
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(t)
	c := Clean(raw, opts)
	if c.RawMap.Len() != utf8.RuneCountInString(c.Text) {
		t.Fatalf("map covers %d, text has %d code points", c.RawMap.Len(), utf8.RuneCountInString(c.Text))
	}
	if strings.Contains(c.Text, "wǎng") || !strings.HasPrefix(c.Text, "焦作網免責聲明 abc ?称 ") {
		t.Errorf("long line not cleaned: starts %q", c.Text[:60])
	}
	t.Logf("%d MB line: %d code points clean, %d offset runs, counts %v", size>>20, c.RawMap.Len(), len(c.RawMap), c.Report.Counts)
}

func FuzzClean(f *testing.F) {
	for _, tc := range cleanCases {
		f.Add(tc.in)
	}
	f.Add("冷鏈?zhǔn)称凡少彙⑦\\(yùn)輸\n冷鏈?zhǔn)称凡少、運(yùn)輸")
	lex := segmenterForTest(f)
	f.Fuzz(func(t *testing.T, in string) {
		if !utf8.ValidString(in) || strings.ContainsRune(in, '\r') {
			return // Clean takes Decode's output
		}
		opts := DefaultCleanOptions()
		opts.Lexicon = lex
		c := Clean(in, opts)
		if !utf8.ValidString(c.Text) {
			t.Fatalf("invalid UTF-8 out of %q", in)
		}
		n := utf8.RuneCountInString(c.Text)
		if c.RawMap.Len() != n {
			t.Fatalf("map covers %d, text has %d code points", c.RawMap.Len(), n)
		}
		rawLen := utf8.RuneCountInString(in)
		for i := 0; i < n; i++ {
			if j := c.RawMap.Raw(i); j < 0 || j >= rawLen {
				t.Fatalf("clean %d maps to %d outside the raw text of %d", i, j, rawLen)
			}
		}
		for _, m := range c.Report.Marks {
			if m.Start < 0 || m.End > n || m.Start >= m.End {
				t.Fatalf("mark %+v outside [0,%d)", m, n)
			}
		}
	})
}

func TestSentences(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"他說：「好。」然後走了！真的？", []string{"他說：「好。」", "然後走了！", "真的？"}},
		{"等等……再說；好吧", []string{"等等……", "再說；", "好吧"}},
		{"第一行\n 第二行 \n\n", []string{"第一行", "第二行"}},
		{"（完）。”下一句", []string{"（完）。”", "下一句"}},
		{"", nil},
		{"𠀀。😀", []string{"𠀀。", "😀"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			rs := []rune(tc.in)
			var got []string
			for _, s := range Sentences(tc.in) {
				got = append(got, string(rs[s.Start:s.End]))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProcessSeed(t *testing.T) {
	data := readSeed(t)
	doc, err := Process("jiaozuo-news-2021.txt", data, segmenterForTest(t), DefaultCleanOptions())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Report.Encoding != "UTF-8" {
		t.Errorf("encoding %q, want UTF-8", doc.Report.Encoding)
	}
	rs := []rune(doc.Text)
	var sb strings.Builder
	last := 0
	for _, tok := range doc.Tokens {
		if got := string(rs[tok.Start:tok.End]); got != tok.Text {
			t.Fatalf("token %+v: text slice %q", tok, got)
		}
		if tok.POS == "" {
			t.Errorf("token %+v has no POS", tok)
		}
		sb.WriteString(string(rs[last:tok.Start]))
		sb.WriteString(tok.Text)
		last = tok.End
	}
	sb.WriteString(string(rs[last:]))
	if sb.String() != doc.Text {
		t.Error("tokens and the whitespace between them do not rebuild the clean text")
	}
	checkCovered(t, doc)
	if len(doc.Sentences) < 10 || len(doc.Tokens) < 400 {
		t.Errorf("%d sentences, %d tokens: too few", len(doc.Sentences), len(doc.Tokens))
	}
	for _, s := range doc.Sentences {
		if s.Start < 0 || s.End > len(rs) || s.Start >= s.End {
			t.Errorf("bad sentence %+v", s)
		}
	}
}

func TestProcessErrors(t *testing.T) {
	_, err := Process("/data/photo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), nil, DefaultCleanOptions())
	if err == nil || !strings.Contains(err.Error(), "/data/photo.png") {
		t.Errorf("binary file: error %v, want one naming the file", err)
	}
	// Latin-1 bytes were read as GB18030 and imported with damage marks.
	latin1, err := charmap.ISO8859_1.NewEncoder().String(textFrench)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Process("/data/notes.txt", []byte(latin1), nil, DefaultCleanOptions())
	if err == nil || !strings.Contains(err.Error(), "/data/notes.txt") || !strings.Contains(err.Error(), "Latin-1") {
		t.Errorf("Latin-1 file: error %v, want one naming the file and Latin-1", err)
	}
	doc, err := Process("empty.txt", nil, nil, DefaultCleanOptions())
	if err != nil || doc.Text != "" || len(doc.Tokens) != 0 {
		t.Errorf("empty file: %+v, %v", doc, err)
	}
}

// checkCovered checks that the tokens of doc cover every code point of its
// clean text but whitespace, in order, without overlap, each with its text.
func checkCovered(t *testing.T, doc *Result) {
	t.Helper()
	rs := []rune(doc.Text)
	pos := 0
	for _, tok := range doc.Tokens {
		if tok.Start < pos || tok.End <= tok.Start || tok.End > len(rs) {
			t.Fatalf("token %+v out of order or out of range (after %d, text of %d)", tok, pos, len(rs))
		}
		for i := pos; i < tok.Start; i++ {
			if !uc.IsSpace(rs[i]) {
				t.Fatalf("code point %d %q is in no token", i, rs[i])
			}
		}
		if string(rs[tok.Start:tok.End]) != tok.Text {
			t.Fatalf("token %+v: slice %q", tok, string(rs[tok.Start:tok.End]))
		}
		pos = tok.End
	}
	for i := pos; i < len(rs); i++ {
		if !uc.IsSpace(rs[i]) {
			t.Fatalf("code point %d %q after the last token is in no token", i, rs[i])
		}
	}
}

// TestProcessLongSentence segments a document whose one sentence is longer
// than the segmenter takes at once, and many sentences just under it.
func TestProcessLongSentence(t *testing.T) {
	seg := segmenterForTest(t)
	long := strings.Repeat("焦作市委副書記徐衣顯帶隊檢查冬春季疫情防控工作並強調要緊繃思想之弦abc 123 ", 2000)
	many := strings.Repeat("短句。", maxSegmentRun)
	for name, text := range map[string]string{"one long sentence": long, "many short sentences": many, "both": long + "。\n" + many} {
		t.Run(name, func(t *testing.T) {
			doc, err := Process("long.txt", []byte(text), seg, CleanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Tokens) == 0 {
				t.Fatal("no tokens")
			}
			checkCovered(t, doc)
		})
	}
}

// TestCleanRepairsLostBytes damages UD sentences the way the seed article
// was damaged — one character's GBK lead byte lost and shown as ?, the
// bytes after it read out of phase — and checks that cleaning marks the
// damage, repairs most of it, and never "repairs" into text that was not
// there.
func TestCleanRepairsLostBytes(t *testing.T) {
	seg := segmenterForTest(t)
	rng := rand.New(rand.NewPCG(1, 2))
	enc := simplifiedchinese.GBK.NewEncoder()
	dec := simplifiedchinese.GB18030.NewDecoder()
	opts := DefaultCleanOptions()
	opts.Lexicon = seg
	var tried, marked, repaired, wrong int
	for _, s := range testkit.ReadGold(t, "zh_gsd-ud-dev.conllu") {
		rs := []rune(s.Text)
		if len(rs) < 12 {
			continue
		}
		k := rng.IntN(len(rs) / 2)
		prefix, err1 := enc.String(string(rs[:k]))
		ch, err2 := enc.String(string(rs[k]))
		rest, err3 := enc.String(string(rs[k+1:]))
		if !isHan(rs[k]) || err1 != nil || err2 != nil || err3 != nil || len(ch) != 2 {
			continue
		}
		damaged, err := dec.String(prefix + "?" + ch[1:] + rest)
		if err != nil {
			continue
		}
		tried++
		c := Clean(damaged, opts)
		after := string(rs[k+1:])
		isMarked, isRepaired := false, false
		for _, m := range c.Report.Marks {
			isMarked = isMarked || m.Kind == MarkDamage || m.Kind == MarkRepaired
			if m.Kind == MarkRepaired {
				isRepaired = true
				if !strings.Contains(after, m.Text) {
					wrong++
					t.Errorf("%q repaired to %q, which is not in the original %q", m.Original, m.Text, after)
				}
			}
		}
		if isMarked {
			marked++
		}
		if isRepaired {
			repaired++
		}
	}
	t.Logf("%d damaged sentences: %d marked (%.0f%%), %d repaired (%.0f%%), %d wrong repairs",
		tried, marked, 100*float64(marked)/float64(tried), repaired, 100*float64(repaired)/float64(tried), wrong)
	if tried < 300 || float64(marked) < 0.9*float64(tried) || float64(repaired) < 0.6*float64(tried) {
		t.Errorf("want at least 300 damaged sentences, 90%% marked and 60%% repaired")
	}
}

// unmarkedChanges aligns clean text c with the original text orig and
// returns the code points of c that differ from orig and lie in no damage
// or repaired mark.
func unmarkedChanges(c Cleaned, orig string) []int {
	var es editScratch
	cr := []rune(c.Text)
	hunks, ok := es.align(cr, []rune(orig), len(cr)+len(orig))
	if !ok {
		return nil
	}
	var out []int
	for _, h := range hunks {
		for p := h.a0; p < h.a1; p++ {
			if !hasMark(c.Report.Marks, p, MarkDamage) && !hasMark(c.Report.Marks, p, MarkRepaired) {
				out = append(out, p)
			}
		}
	}
	return out
}

// TestCleanDroppedByteStaysMarked decodes GB18030 text with one byte
// dropped, which reads the bytes after it out of phase, and checks that
// what a repair does not explain stays marked: the characters before the
// repaired window back to the lost byte, and after a window whose last
// character lost its second byte, those still out of phase.
func TestCleanDroppedByteStaysMarked(t *testing.T) {
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(t)
	enc := simplifiedchinese.GB18030.NewEncoder()
	const orig = "团购网站的主要产品分为家居类、日用品类、旅游优惠、机票、酒店及邮轮等。"
	b, err := enc.Bytes([]byte(orig))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		drop    int
		garbled string // a garbled stretch that must be marked
		all     bool   // every change is marked
	}{
		// …邮轮�取� after a dangling repair: 取 is 等's second byte and
		// 。's first. (财贩治� before it, with no repair next to it, is
		// not found.)
		{15, "取", false},
		{21, "渭揖", true}, // 分渭揖类、… before a repair: 渭揖 is 为家居 out of phase
	} {
		t.Run(fmt.Sprint(tc.drop), func(t *testing.T) {
			raw, enc, err := Decode("x", append(slices.Clone(b[:tc.drop]), b[tc.drop+1:]...))
			if err != nil || enc != "GB18030" {
				t.Fatalf("decode: %q, %v", enc, err)
			}
			c := Clean(raw, opts)
			i := strings.Index(c.Text, tc.garbled)
			if i < 0 {
				t.Fatalf("clean text %q lacks %q", c.Text, tc.garbled)
			}
			if at := utf8.RuneCountInString(c.Text[:i]); !hasMark(c.Report.Marks, at, MarkDamage) {
				t.Errorf("%q at %d in %q is not marked; marks %+v", tc.garbled, at, c.Text, c.Report.Marks)
			}
			if u := unmarkedChanges(c, orig); tc.all && len(u) > 0 {
				t.Errorf("unmarked changes at %v in %q", u, c.Text)
			}
		})
	}
	// Every simplified UD test sentence with one byte dropped: no changed
	// character is left unmarked next to a repair (within three
	// characters, with a mark on its other side too).
	rng := rand.New(rand.NewPCG(5, 6))
	tried, stray := 0, 0
	for _, s := range testkit.ReadGold(t, "zh_gsdsimp-ud-test.conllu") {
		b, err := enc.Bytes([]byte(s.Text))
		if err != nil || len(b) < 10 {
			continue
		}
		k := rng.IntN(len(b))
		raw, e, err := Decode("x", append(slices.Clone(b[:k]), b[k+1:]...))
		if err != nil || e != "GB18030" {
			continue // a line the drop made read better as Big5 is all garble
		}
		tried++
		c := Clean(raw, opts)
		marked := func(p int) bool {
			return hasMark(c.Report.Marks, p, MarkDamage) || hasMark(c.Report.Marks, p, MarkRepaired)
		}
		for _, p := range unmarkedChanges(c, s.Text) {
			lo, hi := p, p
			for lo > 0 && !marked(lo) && p-lo < 3 {
				lo--
			}
			for hi < c.RawMap.Len()-1 && !marked(hi) && hi-p < 3 {
				hi++
			}
			if marked(lo) && marked(hi) && (hasMark(c.Report.Marks, lo, MarkRepaired) || hasMark(c.Report.Marks, hi, MarkRepaired)) {
				stray++
				t.Errorf("%q: code point %d of %q left unmarked between the marks at %d and %d", s.Text, p, c.Text, lo, hi)
				break
			}
		}
	}
	t.Logf("%d sentences with a byte dropped, %d with a stray unmarked character", tried, stray)
}
