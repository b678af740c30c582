package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/text"
)

func TestWriteSentencesJSONL(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		sents []text.Sentence
		toks  []text.Token
		want  string
	}{
		{
			name:  "non-BMP offsets in code points of the document",
			text:  "𠀀好。😀<b>",
			sents: []text.Sentence{{Start: 0, End: 3}, {Start: 3, End: 7}},
			toks: []text.Token{
				{Start: 0, End: 1, Text: "𠀀", POS: "x"}, {Start: 1, End: 2, Text: "好", POS: "a"}, {Start: 2, End: 3, Text: "。", POS: "w"},
				{Start: 3, End: 4, Text: "😀", POS: "x"}, {Start: 4, End: 7, Text: "<b>", POS: "x"},
			},
			want: `{"doc":"d","sent":1,"text":"𠀀好。","start":0,"end":3,"tokens":[{"start":0,"end":1,"text":"𠀀","pos":"x"},{"start":1,"end":2,"text":"好","pos":"a"},{"start":2,"end":3,"text":"。","pos":"w"}]}` + "\n" +
				`{"doc":"d","sent":2,"text":"😀<b>","start":3,"end":7,"tokens":[{"start":3,"end":4,"text":"😀","pos":"x"},{"start":4,"end":7,"text":"<b>","pos":"x"}]}` + "\n",
		},
		{
			name:  "token belongs to the sentence it starts in; empty sentence",
			text:  "你好\n\n世界",
			sents: []text.Sentence{{Start: 0, End: 1}, {Start: 1, End: 3}, {Start: 3, End: 4}, {Start: 4, End: 6}},
			toks:  []text.Token{{Start: 0, End: 2, Text: "你好", POS: "l"}, {Start: 4, End: 6, Text: "世界", POS: "n"}},
			want: `{"doc":"d","sent":1,"text":"你","start":0,"end":1,"tokens":[{"start":0,"end":2,"text":"你好","pos":"l"}]}` + "\n" +
				`{"doc":"d","sent":2,"text":"好\n","start":1,"end":3,"tokens":[]}` + "\n" +
				`{"doc":"d","sent":3,"text":"\n","start":3,"end":4,"tokens":[]}` + "\n" +
				`{"doc":"d","sent":4,"text":"世界","start":4,"end":6,"tokens":[{"start":4,"end":6,"text":"世界","pos":"n"}]}` + "\n",
		},
		{
			name: "no sentences",
			text: "",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteSentencesJSONL(&b, "d", tt.text, tt.sents, tt.toks); err != nil {
				t.Fatalf("WriteSentencesJSONL() error = %v", err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("WriteSentencesJSONL() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestWriteSentencesJSONLOffsets reads the lines back and checks that every
// span is the document's text[start:end] in code points.
func TestWriteSentencesJSONLOffsets(t *testing.T) {
	s := "昨日上午，市長徐衣顯帶隊（IMAX 3D）。\n𠀀😀 好。"
	runes := []rune(s)
	nl := len([]rune("昨日上午，市長徐衣顯帶隊（IMAX 3D）。\n"))
	sents := []text.Sentence{{Start: 0, End: nl}, {Start: nl, End: len(runes)}}
	toks := tokenize(s)
	var b bytes.Buffer
	if err := WriteSentencesJSONL(&b, "d", s, sents, toks); err != nil {
		t.Fatalf("WriteSentencesJSONL() error = %v", err)
	}
	type tok struct {
		Start, End int
		Text, POS  string
	}
	var line struct {
		Doc        string
		Sent       int
		Text       string
		Start, End int
		Tokens     []tok
	}
	sc := bufio.NewScanner(&b)
	n, ntok := 0, 0
	for sc.Scan() {
		n++
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if line.Sent != n || line.Doc != "d" {
			t.Errorf("line %d: doc, sent = %q, %d; want d, %d", n, line.Doc, line.Sent, n)
		}
		if want := string(runes[line.Start:line.End]); line.Text != want {
			t.Errorf("line %d: text = %q, want text[%d:%d] = %q", n, line.Text, line.Start, line.End, want)
		}
		for _, tk := range line.Tokens {
			ntok++
			if want := string(runes[tk.Start:tk.End]); tk.Text != want {
				t.Errorf("line %d: token text = %q, want text[%d:%d] = %q", n, tk.Text, tk.Start, tk.End, want)
			}
			if tk.Start < line.Start || tk.Start >= line.End {
				t.Errorf("line %d: token %+v does not start in the sentence [%d,%d)", n, tk, line.Start, line.End)
			}
		}
	}
	if n != len(sents) || ntok != len(toks) {
		t.Errorf("read %d lines and %d tokens, want %d and %d", n, ntok, len(sents), len(toks))
	}
}

// TestWriteSentencesJSONLMatchesJSON: the lines WriteSentencesJSONL writes
// by hand are what encoding/json writes of jsonlSentence with HTML
// escaping off, on text with quotes, backslashes, control characters,
// HTML's <>&, U+2028, characters beyond the BMP and a document name that
// needs escaping; and the sequence form writes the same.
func TestWriteSentencesJSONLMatchesJSON(t *testing.T) {
	s := "他說：\"好\\壞\"。\t<a href='x'>&amp;</a>\u2028行\x01。𠀀😀 好。\n\n末"
	runes := []rune(s)
	var sents []text.Sentence
	start := 0
	for i, r := range runes {
		if r == '。' || r == '\n' {
			sents = append(sents, text.Sentence{Start: start, End: i + 1})
			start = i + 1
		}
	}
	sents = append(sents, text.Sentence{Start: start, End: len(runes)})
	toks := tokenize(s)
	for _, doc := range []string{"d", "名\"字\n<b>"} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		ti := 0
		for i, st := range sents {
			line := jsonlSentence{Doc: doc, Sent: i + 1, Text: string(runes[st.Start:st.End]), Start: st.Start, End: st.End, Tokens: []jsonlToken{}}
			for ; ti < len(toks) && toks[ti].Start < st.End; ti++ {
				tk := toks[ti]
				line.Tokens = append(line.Tokens, jsonlToken{Start: tk.Start, End: tk.End, Text: string(runes[tk.Start:tk.End]), POS: tk.POS})
			}
			if err := enc.Encode(line); err != nil {
				t.Fatal(err)
			}
		}
		for _, w := range []struct {
			name  string
			write func(*bytes.Buffer) error
		}{
			{"WriteSentencesJSONL", func(b *bytes.Buffer) error { return WriteSentencesJSONL(b, doc, s, sents, toks) }},
			{"WriteSentencesJSONLSeq", func(b *bytes.Buffer) error {
				return WriteSentencesJSONLSeq(b, doc, s, sents, slices.Values(toks))
			}},
		} {
			var got bytes.Buffer
			if err := w.write(&got); err != nil {
				t.Fatalf("%s(doc %q) error = %v", w.name, doc, err)
			}
			if got.String() != want.String() {
				t.Errorf("%s(doc %q) =\n%s\nwant (encoding/json)\n%s", w.name, doc, got.String(), want.String())
			}
		}
	}
}
