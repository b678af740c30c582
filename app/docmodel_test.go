package app

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/biaozhu/biaozhu/annotate"
)

// describe writes items as "¶" for a paragraph start, "#n" for a sentence
// number, word/tag, "[from,to)d" or "r" for highlights and "{hint}".
func describe(items []*tokenItem) string {
	var parts []string
	for _, it := range items {
		var sb strings.Builder
		if it.paragraph {
			sb.WriteString("¶")
		}
		if it.number != nil {
			sb.WriteString("#" + it.number.Text)
		}
		sb.WriteString(it.word.Text + "/" + it.tag.Text)
		for _, h := range it.marks {
			k := "d"
			if h.kind == styleRepaired {
				k = "r"
			}
			sb.WriteString("[" + strconv.Itoa(h.from) + "," + strconv.Itoa(h.to) + ")" + k)
		}
		if it.hint != nil {
			sb.WriteString("{" + it.hint.Text + "}")
		}
		parts = append(parts, sb.String())
	}
	return strings.Join(parts, " ")
}

// toks segments text at the spaces of spec ("a bc d") and tags every token
// with pos; the text is spec without its spaces except where spec has "_",
// which stands for a space of the text. As with Segment, no token is empty
// and a part that is only white space (such as "\n" or "_") is text
// between tokens, not a token.
func toks(spec, pos string) (string, []annotate.Token) {
	var out []annotate.Token
	var text []rune
	for _, w := range strings.Split(spec, " ") {
		w = strings.ReplaceAll(w, "_", " ")
		start := len(text)
		text = append(text, []rune(w)...)
		if strings.TrimFunc(w, unicode.IsSpace) == "" {
			continue
		}
		out = append(out, annotate.Token{Start: start, End: len(text), Text: w, POS: pos})
	}
	return string(text), out
}

// tokenItemsTests are the cases of TestTokenItems and the seeds of
// FuzzTokenItems.
var tokenItemsTests = []struct {
	name  string
	spec  string // see toks
	pos   string
	sents []annotate.Sentence
	marks []annotate.Mark
	want  string
}{
	{
		name:  "sentences numbered",
		spec:  "疫情 防控 。 工作 。",
		pos:   "n",
		sents: []annotate.Sentence{{Start: 0, End: 5}, {Start: 5, End: 8}},
		want:  "#1疫情/n 防控/n 。/n #2工作/n 。/n",
	},
	{
		name:  "paragraph break and space between tokens",
		spec:  "標題 \n 正文 _ 內容",
		pos:   "n",
		sents: []annotate.Sentence{{Start: 0, End: 3}, {Start: 3, End: 8}},
		want:  "#1標題/n ¶#2正文/n 內容/n",
	},
	{
		name: "damage, repair and hint",
		spec: "冷鏈 ?品 運輸",
		pos:  "n",
		marks: []annotate.Mark{
			{Kind: annotate.MarkDamage, Cause: annotate.CauseLost, Start: 2, End: 3, Text: "?"},
			{Kind: annotate.MarkPinyinHint, Start: 2, End: 3, Text: "?", Original: "zhǔn"},
			{Kind: annotate.MarkRepaired, Start: 3, End: 5, Text: "品運", Original: "x"},
		},
		want: "冷鏈/n ?品/n[0,1)d[1,2)r{zhǔn} 運輸/n[0,1)r",
	},
	{
		name: "marks out of order keep their order",
		spec: "冷鏈 ?品 運輸",
		pos:  "n",
		marks: []annotate.Mark{
			{Kind: annotate.MarkRepaired, Start: 3, End: 5, Text: "品運", Original: "x"},
			{Kind: annotate.MarkPinyinHint, Start: 2, End: 3, Text: "?", Original: "zhǔn"},
			{Kind: annotate.MarkDamage, Cause: annotate.CauseLost, Start: 2, End: 3, Text: "?"},
		},
		want: "冷鏈/n ?品/n[1,2)r[0,1)d{zhǔn} 運輸/n[0,1)r",
	},
	{
		name: "garbled run over several tokens",
		spec: "甲乙 丙 丁戊 己",
		pos:  "n",
		marks: []annotate.Mark{
			{Kind: annotate.MarkDamage, Cause: annotate.CauseGarbled, Start: 1, End: 5},
			{Kind: annotate.MarkPinyinHint, Start: 3, End: 4, Original: "dīng"},
		},
		want: "甲乙/n[1,2)d 丙/n[0,1)d 丁戊/n[0,2)d{dīng} 己/n",
	},
	{
		name: "empty and reversed marks cover nothing",
		spec: "甲乙 丙",
		pos:  "n",
		marks: []annotate.Mark{
			{Kind: annotate.MarkDamage, Cause: annotate.CauseLost, Start: 1, End: 1},
			{Kind: annotate.MarkRepaired, Start: 2, End: 0},
			{Kind: annotate.MarkPinyinHint, Start: 2, End: 2, Original: "bǐng"},
		},
		want: "甲乙/n 丙/n",
	},
	{
		name: "lost U+FFFD drawn as ?",
		spec: "溯\uFFFD 、",
		pos:  "x",
		marks: []annotate.Mark{
			{Kind: annotate.MarkDamage, Cause: annotate.CauseLost, Start: 1, End: 2, Text: "\uFFFD"},
		},
		want: "溯?/x[1,2)d 、/x",
	},
	{
		name: "no tag",
		spec: "詞",
		pos:  "",
		want: "詞/" + noTag,
	},
}

func TestTokenItems(t *testing.T) {
	for _, tt := range tokenItemsTests {
		t.Run(tt.name, func(t *testing.T) {
			text, tokens := toks(tt.spec, tt.pos)
			m := docModel{text: []rune(text), tokens: tokens, sentences: tt.sents, marks: tt.marks}
			if got := describe(m.tokenItems()); got != tt.want {
				t.Errorf("tokenItems(%q) = %q, want %q", tt.spec, got, tt.want)
			}
		})
	}
}

// TestTokenItemsManyMarks runs tokenItems on a long document with marks on
// most tokens, overlapping as Clean's do: a pinyin hint on the range of a
// lost-character mark, a repaired run followed at once by a damage mark,
// and a garbled run over three tokens with a hint inside it. The want of
// each group of three tokens is written as the group is made.
func TestTokenItemsManyMarks(t *testing.T) {
	const groups = 5000 // 15,000 tokens, 7,500 marks
	var (
		text   []rune
		tokens []annotate.Token
		marks  []annotate.Mark
		want   []string
	)
	for g := range groups {
		s := len(text) // three tokens of two characters: [s,s+2) [s+2,s+4) [s+4,s+6)
		for k := range 3 {
			w := string([]rune{'甲' + rune(g%7), '乙' + rune(k)})
			text = append(text, []rune(w)...)
			tokens = append(tokens, annotate.Token{Start: s + 2*k, End: s + 2*k + 2, Text: w, POS: "n"})
		}
		words := make([]string, 3)
		for k := range words {
			words[k] = tokens[len(tokens)-3+k].Text + "/n"
		}
		hint := "p" + strconv.Itoa(g)
		switch g % 4 {
		case 1:
			marks = append(marks,
				annotate.Mark{Kind: annotate.MarkDamage, Cause: annotate.CauseLost, Start: s + 1, End: s + 2},
				annotate.Mark{Kind: annotate.MarkPinyinHint, Start: s + 1, End: s + 2, Original: hint})
			words[0] += "[1,2)d{" + hint + "}"
		case 2:
			marks = append(marks,
				annotate.Mark{Kind: annotate.MarkRepaired, Start: s + 1, End: s + 3},
				annotate.Mark{Kind: annotate.MarkDamage, Cause: annotate.CauseGarbled, Start: s + 3, End: s + 4})
			words[0] += "[1,2)r"
			words[1] += "[0,1)r[1,2)d"
		case 3:
			marks = append(marks,
				annotate.Mark{Kind: annotate.MarkDamage, Cause: annotate.CauseGarbled, Start: s + 1, End: s + 5},
				annotate.Mark{Kind: annotate.MarkPinyinHint, Start: s + 4, End: s + 5, Original: hint})
			words[0] += "[1,2)d"
			words[1] += "[0,2)d"
			words[2] += "[0,1)d{" + hint + "}"
		}
		want = append(want, words...)
	}
	m := docModel{text: text, tokens: tokens, marks: marks}
	got := strings.Split(describe(m.tokenItems()), " ")
	if len(got) != len(want) {
		t.Fatalf("tokenItems made %d items, want %d", len(got), len(want))
	}
	bad := 0
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("item %d = %q, want %q", i, got[i], want[i])
			if bad++; bad == 10 {
				t.Fatal("too many wrong items")
			}
		}
	}
}

// FuzzTokenItems checks that any tokens and marks, even ones whose offsets
// do not fit the text or are reversed, make items without panicking, one
// per token.
func FuzzTokenItems(f *testing.F) {
	for _, tt := range tokenItemsTests {
		for _, mk := range tt.marks {
			f.Add(tt.spec, mk.Start, mk.End, 1, 3)
		}
		f.Add(tt.spec, 0, 1, 0, 2)
	}
	f.Fuzz(func(t *testing.T, spec string, ms, me, ss, se int) {
		text, tokens := toks(spec, "n")
		m := docModel{
			text:      []rune(text),
			tokens:    tokens,
			sentences: []annotate.Sentence{{Start: ss, End: se}},
			marks: []annotate.Mark{
				{Kind: annotate.MarkDamage, Cause: annotate.CauseLost, Start: ms, End: me},
				{Kind: annotate.MarkRepaired, Start: me, End: ms},
				{Kind: annotate.MarkPinyinHint, Start: ms, End: me, Original: "zhǔn"},
			},
		}
		items := m.tokenItems()
		if len(items) != len(tokens) {
			t.Errorf("tokenItems(%q) made %d items, want %d", spec, len(items), len(tokens))
		}
		for _, it := range items {
			for _, h := range it.marks {
				if h.from < 0 || h.from >= h.to || h.to > len(it.runes) {
					t.Errorf("tokenItems(%q): highlight [%d,%d) of %q, want a part of the word", spec, h.from, h.to, it.word.Text)
				}
			}
		}
	})
}

func TestSummaries(t *testing.T) {
	m := docModel{
		encoding: "GB18030", script: annotate.ScriptTraditional,
		text: []rune("一二三"), sentences: make([]annotate.Sentence, 2), tokens: make([]annotate.Token, 1234),
		counts: map[string]int{annotate.CountPinyin: 203, "zz-new": 2, annotate.CountRepaired: 0},
	}
	for _, tt := range []struct{ name, got, want string }{
		{"summary", m.summary(), "编码 GB18030 · 繁体 · 3 字 · 2 句 · 1,234 词"},
		{"cleaning", m.cleaningSummary(), "删除拼音 203 · zz-new 2"},
		{"cleaning none", docModel{}.cleaningSummary(), strNothing},
		{"summary unknown", docModel{}.summary(), "编码 未知 · 0 字 · 0 句 · 0 词"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestDocBodyLayout(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(newTheme())
	text, tokens := toks("“ 疫情 ” 防控 ， 工作人員 。 （ 記者 ） 一 二 三 ！", "n")
	m := docModel{text: []rune(text), tokens: tokens}
	body := newDocBody(m.tokenItems())
	heights := 0
	body.onHeight = func() { heights++ }
	r := test.TempWidgetRenderer(t, body)
	prevH := float32(-1)
	for w := float32(400); w >= 20; w -= 3 {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			r.Layout(fyne.NewSize(w, 100))
			items := body.items
			for i, it := range items {
				lineStart := i == 0 || items[i-1].pos.Y != it.pos.Y
				lineEnd := i == len(items)-1 || items[i+1].pos.Y != it.pos.Y
				if lineStart && it.pos.X != 0 {
					t.Errorf("%q starts a line at x = %v, want 0", it.word.Text, it.pos.X)
				}
				if lineStart && i > 0 && it.noStart {
					t.Errorf("closing %q starts a line", it.word.Text)
				}
				if lineEnd && i < len(items)-1 && it.noEnd {
					t.Errorf("opening %q ends a line", it.word.Text)
				}
				if !lineStart && !glued(items, i) && it.pos.X+it.size.Width > w {
					t.Errorf("%q ends at %v, past the width", it.word.Text, it.pos.X+it.size.Width)
				}
			}
			if h := r.MinSize().Height; h < prevH {
				t.Errorf("height %v at width %v, want no less than %v at a greater width", h, w, prevH)
			} else {
				prevH = h
			}
		})
	}
	if heights < 2 {
		t.Errorf("onHeight called %d times over the widths, want it called when the height changes", heights)
	}
}
