package export

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate"
)

// udGoldDir is where the UD Chinese GSD files are, seen from export/.
const udGoldDir = "../../shared/gold/ud-gsd"

func TestReadCoNLLUGold(t *testing.T) {
	path := filepath.Join(udGoldDir, "zh_gsd-ud-test.conllu")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("gold file %s not found: ../shared (the project's test data) is absent", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sents, err := ReadCoNLLU(path, f)
	if err != nil {
		t.Fatalf("ReadCoNLLU(%s) error = %v", path, err)
	}
	if got, want := len(sents), 500; got != want {
		t.Fatalf("ReadCoNLLU(%s) read %d sentences, want %d", path, got, want)
	}
	s := sents[0]
	if s.ID != "test-s1" || s.Text != "然而，這樣的處理也衍生了一些問題。" || s.Line != 1 {
		t.Errorf("first sentence ID, Text, Line = %q, %q, %d; want test-s1, 然而，這樣的處理也衍生了一些問題。, 1", s.ID, s.Text, s.Line)
	}
	w := s.Words[0]
	want := CoNLLUWord{ID: 1, Form: "然而", Lemma: "然而", UPOS: "SCONJ", XPOS: "RB", Feats: "_", Head: "7", Deprel: "mark", Deps: "_",
		Misc: "SpaceAfter=No|Translit=rán'ér|LTranslit=rán'ér"}
	if w != want {
		t.Errorf("first word = %+v, want %+v", w, want)
	}
	// Every sentence's FORMs spell its text.
	for _, s := range sents {
		if got := joinForms(s.Words); got != s.Text {
			t.Errorf("sentence %s: FORMs spell %q, text is %q", s.ID, got, s.Text)
		}
	}
}

// joinForms spells a sentence from its FORMs and SpaceAfter.
func joinForms(words []CoNLLUWord) string {
	var b strings.Builder
	for i, w := range words {
		b.WriteString(w.Form)
		if i < len(words)-1 && w.SpaceAfter() {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func conlluWord(id, form string) string {
	return id + "\t" + form + "\t_\tNOUN\tNN\t_\t_\t_\t_\t_"
}

// readCoNLLUCases are well-formed inputs and what ReadCoNLLU makes of them;
// they also seed FuzzReadCoNLLU.
var readCoNLLUCases = []struct {
	name string
	in   string
	want []CoNLLUSentence
}{
	{"empty", "", nil},
	{"two sentences", "# sent_id = a\n# text = 你好\n" + conlluWord("1", "你好") + "\n\n# newdoc\n# sent_id = b\n# text = 𠀀😀\n" + conlluWord("1", "𠀀") + "\n" + conlluWord("2", "😀") + "\n\n",
		[]CoNLLUSentence{
			{ID: "a", Text: "你好", Line: 1, Words: []CoNLLUWord{{1, "你好", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}}},
			{ID: "b", Text: "𠀀😀", Line: 5, Words: []CoNLLUWord{{1, "𠀀", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}, {2, "😀", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}}},
		}},
	{"ranges and empty nodes skipped", "# sent_id=x\n" + conlluWord("1-2", "vámonos") + "\n" + conlluWord("1", "vamos") + "\n" + conlluWord("1.1", "e") + "\n" + conlluWord("2", "nos") + "\n",
		[]CoNLLUSentence{{ID: "x", Line: 1, Words: []CoNLLUWord{{1, "vamos", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}, {2, "nos", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}}}}},
	{"CRLF, BOM, no final blank line", "\uFEFF# text = 好\r\n" + conlluWord("1", "好") + "\r\n",
		[]CoNLLUSentence{{Text: "好", Line: 1, Words: []CoNLLUWord{{1, "好", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}}}}},
	{"extra blank lines", "\n\n" + conlluWord("1", "好") + "\n\n\n",
		[]CoNLLUSentence{{Line: 3, Words: []CoNLLUWord{{1, "好", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}}}}},
}

func TestReadCoNLLU(t *testing.T) {
	for _, tt := range readCoNLLUCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCoNLLU("t.conllu", strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ReadCoNLLU() error = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ReadCoNLLU() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// readCoNLLUErrorCases are malformed inputs, the line and the error
// ReadCoNLLU reports; they also seed FuzzReadCoNLLU.
var readCoNLLUErrorCases = []struct {
	name     string
	in       string
	wantLine int
	wantErr  error
}{
	{"nine fields", "# text = 好\n1\t好\t_\tADJ\tJJ\t_\t_\t_\t_\n", 2, ErrFieldCount},
	{"spaces for tabs", "1 好 _ ADJ JJ _ _ _ _ _\n", 1, ErrFieldCount},
	{"ID not a number", "x\t好\t_\tADJ\tJJ\t_\t_\t_\t_\t_\n", 1, ErrWordID},
	{"ID out of order", "1\t好\t_\tADJ\tJJ\t_\t_\t_\t_\t_\n3\t好\t_\tADJ\tJJ\t_\t_\t_\t_\t_\n", 2, ErrWordID},
	{"bad range", "1-x\t好\t_\tADJ\tJJ\t_\t_\t_\t_\t_\n", 1, ErrWordID},
	{"empty form", "\n1\t\t_\tADJ\tJJ\t_\t_\t_\t_\t_\n", 2, ErrEmptyForm},
	{"comment after words", "1\t好\t_\tADJ\tJJ\t_\t_\t_\t_\t_\n# text = 好\n", 2, ErrCommentPos},
}

func TestReadCoNLLUErrors(t *testing.T) {
	for _, tt := range readCoNLLUErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCoNLLU("bad.conllu", strings.NewReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ReadCoNLLU() error = %v, want a *ParseError", err)
			}
			if pe.File != "bad.conllu" || pe.Line != tt.wantLine {
				t.Errorf("ParseError file, line = %q, %d; want bad.conllu, %d", pe.File, pe.Line, tt.wantLine)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ReadCoNLLU() error = %v, want one wrapping %v", err, tt.wantErr)
			}
			if prefix := "export: bad.conllu:"; !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error message %q does not start with %q", err.Error(), prefix)
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadCoNLLUReadError(t *testing.T) {
	_, err := ReadCoNLLU("x.conllu", failingReader{})
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), "x.conllu") {
		t.Errorf("ReadCoNLLU(failing reader) error = %v, want a *ParseError naming x.conllu and the cause", err)
	}
}

// tokenize is a stand-in for the Segmenter: runs of ASCII letters and digits
// are words, every other non-space code point is a word of its own.
func tokenize(text string) []annotate.Token {
	var toks []annotate.Token
	runes := []rune(text)
	alnum := func(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
	for i := 0; i < len(runes); {
		r := runes[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		j := i + 1
		if alnum(r) {
			for j < len(runes) && alnum(runes[j]) {
				j++
			}
		}
		pos := "n"
		switch {
		case unicode.IsPunct(r):
			pos = "w"
		case unicode.IsDigit(r):
			pos = "m"
		case alnum(r):
			pos = "eng"
		}
		toks = append(toks, annotate.Token{Start: i, End: j, Text: string(runes[i:j]), POS: pos})
		i = j
	}
	return toks
}

func TestWriteCoNLLU(t *testing.T) {
	text := "你好，iPhone 12！\n𠀀😀  好。"
	sents := []annotate.Sentence{{Start: 0, End: 13}, {Start: 13, End: 14}, {Start: 14, End: 20}}
	toks := tokenize(text)
	var b bytes.Buffer
	if err := WriteCoNLLU(&b, "doc", text, sents, toks); err != nil {
		t.Fatalf("WriteCoNLLU() error = %v", err)
	}
	want := "# sent_id = doc-1\n" +
		"# text = 你好，iPhone 12！\n" +
		"1\t你\t_\tNOUN\tn\t_\t_\t_\t_\tSpaceAfter=No\n" +
		"2\t好\t_\tNOUN\tn\t_\t_\t_\t_\tSpaceAfter=No\n" +
		"3\t，\t_\tPUNCT\tw\t_\t_\t_\t_\tSpaceAfter=No\n" +
		"4\tiPhone\t_\tX\teng\t_\t_\t_\t_\t_\n" +
		"5\t12\t_\tNUM\tm\t_\t_\t_\t_\tSpaceAfter=No\n" +
		"6\t！\t_\tPUNCT\tw\t_\t_\t_\t_\t_\n" +
		"\n" +
		"# sent_id = doc-3\n" +
		"# text = 𠀀😀 好。\n" +
		"1\t𠀀\t_\tNOUN\tn\t_\t_\t_\t_\tSpaceAfter=No\n" +
		"2\t😀\t_\tNOUN\tn\t_\t_\t_\t_\t_\n" +
		"3\t好\t_\tNOUN\tn\t_\t_\t_\t_\tSpaceAfter=No\n" +
		"4\t。\t_\tPUNCT\tw\t_\t_\t_\t_\t_\n" +
		"\n"
	if got := b.String(); got != want {
		t.Errorf("WriteCoNLLU() =\n%s\nwant\n%s", got, want)
	}
}

func TestWriteCoNLLURoundTrip(t *testing.T) {
	text := "時刻緊繃疫情防控之弦 全力守護群眾生命健康\n今日頭條\n\n昨日上午，市委副書記、市長徐衣顯帶隊檢查指導冬春季疫情防控工作（IMAX 3D）。𠀀😀。\n"
	runes := []rune(text)
	// Sentences: each line, and the last line cut after its first 。.
	var sents []annotate.Sentence
	start := 0
	for i, r := range runes {
		if r == '\n' || r == '。' && i+1 < len(runes) && runes[i+1] != '\n' {
			sents = append(sents, annotate.Sentence{Start: start, End: i + 1})
			start = i + 1
		}
	}
	toks := tokenize(text)
	var b bytes.Buffer
	if err := WriteCoNLLU(&b, "jiaozuo", text, sents, toks); err != nil {
		t.Fatalf("WriteCoNLLU() error = %v", err)
	}
	got, err := ReadCoNLLU("round-trip.conllu", &b)
	if err != nil {
		t.Fatalf("ReadCoNLLU(WriteCoNLLU()) error = %v\n%s", err, b.String())
	}
	if len(got) != 4 {
		t.Fatalf("read back %d sentences, want 4 (the empty line has no tokens)", len(got))
	}
	ti := 0
	for _, s := range got {
		if !strings.HasPrefix(s.ID, "jiaozuo-") {
			t.Errorf("sent_id = %q, want jiaozuo-N", s.ID)
		}
		if spelled := joinForms(s.Words); spelled != s.Text {
			t.Errorf("sentence %s: FORMs spell %q, # text is %q", s.ID, spelled, s.Text)
		}
		for _, w := range s.Words {
			tk := toks[ti]
			ti++
			if w.Form != tk.Text || w.XPOS != tk.POS || w.UPOS != UPOS(tk.POS, tk.Text) || w.Lemma != "_" || w.Head != "_" || w.Deprel != "_" {
				t.Errorf("word %+v, want FORM %q XPOS %q UPOS %q and _ for LEMMA, HEAD, DEPREL", w, tk.Text, tk.POS, UPOS(tk.POS, tk.Text))
			}
			nextIsSpace := tk.End == len(runes) || unicode.IsSpace(runes[tk.End])
			if w.SpaceAfter() != nextIsSpace {
				t.Errorf("word %q: SpaceAfter = %v, want %v", w.Form, w.SpaceAfter(), nextIsSpace)
			}
		}
	}
	if ti != len(toks) {
		t.Errorf("read back %d words, want %d", ti, len(toks))
	}
}

func TestWriteCoNLLUBadInput(t *testing.T) {
	text := "你好世界"
	ok := []annotate.Sentence{{Start: 0, End: 4}}
	tok := func(s, e int) annotate.Token { return annotate.Token{Start: s, End: e, Text: "x", POS: "n"} }
	tests := []struct {
		name  string
		sents []annotate.Sentence
		toks  []annotate.Token
	}{
		{"token past the end", ok, []annotate.Token{tok(3, 5)}},
		{"negative token", ok, []annotate.Token{tok(-1, 1)}},
		{"empty token", ok, []annotate.Token{tok(1, 1)}},
		{"overlapping tokens", ok, []annotate.Token{tok(0, 2), tok(1, 3)}},
		{"token outside sentences", []annotate.Sentence{{Start: 0, End: 2}}, []annotate.Token{tok(0, 2), tok(2, 4)}},
		{"sentences out of order", []annotate.Sentence{{Start: 2, End: 4}, {Start: 0, End: 2}}, nil},
		{"sentence past the end", []annotate.Sentence{{Start: 0, End: 9}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, write := range []struct {
				name string
				fn   func() error
			}{
				{"WriteCoNLLU", func() error { return WriteCoNLLU(&bytes.Buffer{}, "bad-doc", text, tt.sents, tt.toks) }},
				{"WriteSentencesJSONL", func() error { return WriteSentencesJSONL(&bytes.Buffer{}, "bad-doc", text, tt.sents, tt.toks) }},
			} {
				err := write.fn()
				if err == nil || !strings.HasPrefix(err.Error(), "export: bad-doc: ") {
					t.Errorf("%s() error = %v, want one starting with %q", write.name, err, "export: bad-doc: ")
				}
			}
		})
	}
}

func TestCoNLLUUPOS(t *testing.T) {
	tests := []struct {
		tag, form, want string
	}{
		{"n", "城市", "NOUN"}, {"nr", "徐衣顯", "PROPN"}, {"ns", "焦作", "PROPN"}, {"nt", "市委", "PROPN"},
		{"v", "檢查", "VERB"}, {"vn", "防控", "NOUN"}, {"a", "好", "ADJ"}, {"ad", "全力", "ADV"},
		{"d", "也", "ADV"}, {"m", "三", "NUM"}, {"q", "個", "NOUN"}, {"r", "他", "PRON"},
		{"p", "在", "ADP"}, {"c", "和", "CCONJ"}, {"uj", "的", "PART"}, {"ul", "了", "PART"},
		{"w", "，", "PUNCT"}, {"x", "，", "PUNCT"}, {"x", "%", "PUNCT"}, {"x", "+", "SYM"}, {"x", "℃", "SYM"}, {"x", "😀", "SYM"}, {"x", "怩", "X"},
		{"eng", "iPhone", "X"}, {"i", "慎終如始", "X"}, {"nxyz", "?", "NOUN"}, {"qqq", "", "NOUN"},
		{"zzz", "", "X"}, {"", "", "X"}, {"", "。", "PUNCT"},
	}
	for _, tt := range tests {
		t.Run(tt.tag+"/"+tt.form, func(t *testing.T) {
			if got := UPOS(tt.tag, tt.form); got != tt.want {
				t.Errorf("UPOS(%q, %q) = %q, want %q", tt.tag, tt.form, got, tt.want)
			}
		})
	}
}

func FuzzReadCoNLLU(f *testing.F) {
	for _, tt := range readCoNLLUCases {
		f.Add(tt.in)
	}
	for _, tt := range readCoNLLUErrorCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sents, err := ReadCoNLLU("fuzz.conllu", strings.NewReader(in))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error %v is not a *ParseError with a line", err)
			}
			return
		}
		for _, s := range sents {
			for i, w := range s.Words {
				if w.ID != i+1 || w.Form == "" {
					t.Fatalf("sentence at line %d: word %d is %+v", s.Line, i, w)
				}
			}
		}
	})
}
