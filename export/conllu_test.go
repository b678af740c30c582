package export

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
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
			{ID: "b", Text: "𠀀😀", Line: 5, NewDoc: true, Words: []CoNLLUWord{{1, "𠀀", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}, {2, "😀", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}}},
		}},
	{"ranges kept, empty nodes skipped", "# sent_id=x\n" + conlluWord("1-2", "vámonos") + "\n" + conlluWord("1", "vamos") + "\n" + conlluWord("1.1", "e") + "\n" + conlluWord("2", "nos") + "\n",
		[]CoNLLUSentence{{ID: "x", Line: 1, Words: []CoNLLUWord{{1, "vamos", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}, {2, "nos", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}},
			Ranges: []CoNLLURange{{First: 1, Last: 2, Form: "vámonos", Misc: "_"}}}}},
	{"newdoc id and newpar", "# newdoc id = d7\n# newpar\n# text = 好\n" + conlluWord("1", "好") + "\n\n# newpar id = p2\n" + conlluWord("1", "好") + "\n",
		[]CoNLLUSentence{{Text: "好", Line: 1, NewDoc: true, DocID: "d7", NewPar: true, Words: []CoNLLUWord{{1, "好", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}}},
			{Line: 6, NewPar: true, Words: []CoNLLUWord{{1, "好", "_", "NOUN", "NN", "_", "_", "_", "_", "_"}}}}},
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
			// Lines: every line that is not blank, as it is (no line
			// end, no byte order mark).
			var lines, want []string
			for k := range got {
				lines = append(lines, got[k].Lines...)
				got[k].Lines = nil
			}
			for l := range strings.SplitSeq(strings.ReplaceAll(strings.TrimPrefix(tt.in, "\uFEFF"), "\r", "\n"), "\n") {
				if strings.TrimSpace(l) != "" {
					want = append(want, l)
				}
			}
			if !slices.Equal(lines, want) {
				t.Errorf("Lines = %q, want %q", lines, want)
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
	{"reversed range", "2-1\t好\t_\t_\t_\t_\t_\t_\t_\t_\n", 1, ErrWordID},
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
func tokenize(s string) []text.Token {
	var toks []text.Token
	runes := []rune(s)
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
		toks = append(toks, text.Token{Start: i, End: j, Text: string(runes[i:j]), POS: pos})
		i = j
	}
	return toks
}

func TestWriteCoNLLU(t *testing.T) {
	s := "你好，iPhone 12！\n𠀀😀  好。"
	sents := []text.Sentence{{Start: 0, End: 13}, {Start: 13, End: 14}, {Start: 14, End: 20}}
	toks := tokenize(s)
	var b bytes.Buffer
	if err := WriteCoNLLU(&b, "doc", s, sents, toks); err != nil {
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
	s := "時刻緊繃疫情防控之弦 全力守護群眾生命健康\n今日頭條\n\n昨日上午，市委副書記、市長徐衣顯帶隊檢查指導冬春季疫情防控工作（IMAX 3D）。𠀀😀。\n"
	runes := []rune(s)
	// Sentences: each line, and the last line cut after its first 。.
	var sents []text.Sentence
	start := 0
	for i, r := range runes {
		if r == '\n' || r == '。' && i+1 < len(runes) && runes[i+1] != '\n' {
			sents = append(sents, text.Sentence{Start: start, End: i + 1})
			start = i + 1
		}
	}
	toks := tokenize(s)
	var b bytes.Buffer
	if err := WriteCoNLLU(&b, "jiaozuo", s, sents, toks); err != nil {
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
	s := "你好世界"
	ok := []text.Sentence{{Start: 0, End: 4}}
	tok := func(s, e int) text.Token { return text.Token{Start: s, End: e, Text: "x", POS: "n"} }
	tests := []struct {
		name  string
		sents []text.Sentence
		toks  []text.Token
	}{
		{"token past the end", ok, []text.Token{tok(3, 5)}},
		{"negative token", ok, []text.Token{tok(-1, 1)}},
		{"empty token", ok, []text.Token{tok(1, 1)}},
		{"overlapping tokens", ok, []text.Token{tok(0, 2), tok(1, 3)}},
		{"token outside sentences", []text.Sentence{{Start: 0, End: 2}}, []text.Token{tok(0, 2), tok(2, 4)}},
		{"sentences out of order", []text.Sentence{{Start: 2, End: 4}, {Start: 0, End: 2}}, nil},
		{"sentence past the end", []text.Sentence{{Start: 0, End: 9}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, write := range []struct {
				name string
				fn   func() error
			}{
				{"WriteCoNLLU", func() error { return WriteCoNLLU(&bytes.Buffer{}, "bad-doc", s, tt.sents, tt.toks) }},
				{"WriteSentencesJSONL", func() error { return WriteSentencesJSONL(&bytes.Buffer{}, "bad-doc", s, tt.sents, tt.toks) }},
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

// TestUDRoundTrip is the acceptance test: the UD Chinese GSD test file,
// imported into a project and exported as conllu, gives back FORM, UPOS,
// XPOS, SpaceAfter and # text of all 500 sentences (12,010 words). The
// upos project keeps UPOS as the token POS and XPOS in the xpos layer;
// the gse project (the default schema) holds neither tagset's tags, so
// UPOS is kept as they are, with a warning, and the round trip is the same.
func TestUDRoundTrip(t *testing.T) {
	path := filepath.Join(udGoldDir, "zh_gsd-ud-test.conllu")
	gold := readGold(t, path)
	tagsets := []string{"upos", "gse"}
	if raceBuild() {
		// The store writes 12,010 xpos spans; under the race detector
		// (make test) that takes most of a minute per project: one will do.
		tagsets = tagsets[:1]
	}
	for _, tagset := range tagsets {
		t.Run(tagset, func(t *testing.T) {
			schema := annotate.DefaultSchema()
			pos, err := annotate.POSPreset(tagset)
			if err != nil {
				t.Fatal(err)
			}
			schema.POS = pos
			dir := t.TempDir()
			p, err := annotate.Create(filepath.Join(dir, "p.biaozhu"), schema, annotate.Options{NoBackup: true})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			rep, err := ImportFiles(context.Background(), p, nil, "conllu", []string{path}, ReadOptions{})
			if err != nil {
				t.Fatalf("ImportFiles() error = %v", err)
			}
			if rep.Docs != 1 || rep.Spans == 0 {
				t.Errorf("imported %d documents, %d spans; want 1 and the XPOS spans", rep.Docs, rep.Spans)
			}
			notInTagset := slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "not in the project's tagset") })
			if notInTagset != (tagset == "gse") {
				t.Errorf("warnings %q: want a tagset warning only for gse", rep.Warnings)
			}
			out := filepath.Join(dir, "out.conllu")
			if _, err := Export(context.Background(), p, "conllu", out, Options{}); err != nil {
				t.Fatalf("Export() error = %v", err)
			}
			got := readGold(t, out)
			if len(got) != len(gold) {
				t.Fatalf("exported %d sentences, want %d", len(got), len(gold))
			}
			words := 0
			for i, g := range gold {
				s := got[i]
				if s.Text != g.Text {
					t.Errorf("sentence %s: # text = %q, want %q", g.ID, s.Text, g.Text)
				}
				if len(s.Words) != len(g.Words) {
					t.Errorf("sentence %s: %d words, want %d", g.ID, len(s.Words), len(g.Words))
					continue
				}
				for k, w := range g.Words {
					sw := s.Words[k]
					if sw.Form != w.Form || sw.UPOS != w.UPOS || sw.XPOS != w.XPOS || sw.SpaceAfter() != w.SpaceAfter() {
						t.Errorf("sentence %s word %d = %s %s %s SpaceAfter=%v, want %s %s %s SpaceAfter=%v", g.ID, k+1,
							sw.Form, sw.UPOS, sw.XPOS, sw.SpaceAfter(), w.Form, w.UPOS, w.XPOS, w.SpaceAfter())
					}
					words++
				}
			}
			if words != 12010 {
				t.Errorf("compared %d words, want 12010", words)
			}
			// Gold tokens are marked so, and re-segmentation leaves them.
			docs, err := p.Documents()
			if err != nil {
				t.Fatal(err)
			}
			if docs[0].TokensFrom != annotate.TokensImported {
				t.Errorf("TokensFrom = %q, want %q", docs[0].TokensFrom, annotate.TokensImported)
			}
			whole := segmentWhole{}
			if step, n, err := p.Resegment(context.Background(), whole, []int64{docs[0].ID}, nil); err != nil || step != nil || n != 0 {
				t.Errorf("Resegment of imported gold tokens = %v, %d, %v; want nothing changed", step, n, err)
			}
		})
	}
}

// raceBuild reports whether the test binary was built with -race.
func raceBuild() bool {
	bi, ok := debug.ReadBuildInfo()
	return ok && slices.ContainsFunc(bi.Settings, func(s debug.BuildSetting) bool { return s.Key == "-race" && s.Value == "true" })
}

func readGold(t *testing.T, path string) []CoNLLUSentence {
	t.Helper()
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
		t.Fatal(err)
	}
	return sents
}

func TestCoNLLUExportFormat(t *testing.T) {
	s := "焦作市 iPhone\t12。\n𠀀😀好"
	doc := &annotate.Document{Name: "d one", Text: s,
		Sentences: []text.Sentence{{Start: 0, End: 14}, {Start: 15, End: 18}},
		Tokens: []text.Token{{Start: 0, End: 3, POS: "ns"}, {Start: 4, End: 10, POS: "eng"}, {Start: 11, End: 13, POS: "m"},
			{Start: 13, End: 14, POS: "w"}, {Start: 15, End: 16, POS: "NOUN"}},
		Spans: []annotate.Span{{ID: 1, Layer: XPOSLayer, Label: "NNP", Start: 15, End: 16}, {ID: 2, Layer: UPOSLayer, Label: "PROPN", Start: 4, End: 10}}}
	schema := annotate.DefaultSchema()
	schema.Layers = append(schema.Layers, annotate.Layer{Name: XPOSLayer, Overlap: annotate.OverlapForbidden}, annotate.Layer{Name: UPOSLayer, Overlap: annotate.OverlapForbidden})
	out := filepath.Join(t.TempDir(), "x.conllu")
	res, err := Export(context.Background(), NewCorpus(schema, []*annotate.Document{doc, {Name: "empty", Text: "无"}}), "conllu", out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "# newdoc id = d one\n# sent_id = 1-1\n# text = 焦作市 iPhone 12。\n" +
		"1\t焦作市\t_\tPROPN\tns\t_\t_\t_\t_\t_\n" +
		"2\tiPhone\t_\tPROPN\teng\t_\t_\t_\t_\tSpacesAfter=\\t\n" +
		"3\t12\t_\tNUM\tm\t_\t_\t_\t_\tSpaceAfter=No\n" +
		"4\t。\t_\tPUNCT\tw\t_\t_\t_\t_\tSpaceAfter=No\n\n" +
		"# sent_id = 1-2\n# text = 𠀀😀好\n" +
		"1\t𠀀\t_\tNOUN\tNNP\t_\t_\t_\t_\tSpaceAfter=No\n" +
		"2\t😀好\t_\tX\t_\t_\t_\t_\t_\tSpaceAfter=No\n\n"
	got, _ := os.ReadFile(out)
	if string(got) != want {
		t.Errorf("conllu =\n%s\nwant\n%s", got, want)
	}
	for _, w := range []string{"no token covers", "empty: 1 documents without tokens"} {
		if !hasWarning(res.Warnings, w) {
			t.Errorf("no warning %q in %v", w, res.Warnings)
		}
	}
	// Read back: text with the tab, tokens, POS and the side layers.
	im := readAs(t, "conllu", out, ReadOptions{Schema: annotate.DefaultSchema()})
	if len(im.Docs) != 1 {
		t.Fatalf("read %d documents, want 1", len(im.Docs))
	}
	d := im.Docs[0]
	if d.Name != "d one" || d.Text != "焦作市 iPhone\t12。\n𠀀😀好" || len(d.Tokens) != 6 || len(d.Sentences) != 2 {
		t.Errorf("read back %q %q, %d tokens, %d sentences", d.Name, d.Text, len(d.Tokens), len(d.Sentences))
	}
	// gse tags are the XPOS column here: POS = XPOS, and UPOS kept as
	// spans only where the writer would not derive it.
	if got, want := spanKeys(d.Spans), []annotate.Span{{Label: "PROPN", Start: 4, End: 10}, {Label: "NOUN", Start: 15, End: 16}}; !reflect.DeepEqual(got, want) {
		t.Errorf("side spans = %v, want %v", got, want)
	}
	for _, sp := range d.Spans {
		if sp.Layer != UPOSLayer {
			t.Errorf("span %v in layer %q, want %q", sp, sp.Layer, UPOSLayer)
		}
	}
	if d.Tokens[0].POS != "ns" || d.Tokens[4].POS != "NNP" {
		t.Errorf("token POS %q, %q; want ns, NNP", d.Tokens[0].POS, d.Tokens[4].POS)
	}
}

func TestCoNLLUImportBad(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"text mismatch", "# sent_id = 1\n# text = 你好\n" + strings.TrimSuffix(conlluWord("1", "你"), "_") + "SpaceAfter=No\n" + conlluWord("2", "好") + "\n\n" +
			"# sent_id = 2\n# text = 不对\n" + conlluWord("1", "对") + "\n", 6, `# text "不对"`},
		{"garbled line", "# text = 你\n" + conlluWord("1", "你") + "\n\n1\t好\t_\n", 4, "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.conllu")
			os.WriteFile(path, []byte(tt.in), 0o644)
			r, _ := LookupReader("conllu")
			_, err := r.Read(path, ReadOptions{})
			var re *RecordError
			if !errors.As(err, &re) || re.File != path || re.Line != tt.line || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Read() error = %v, want a *RecordError at %s:%d saying %q", err, path, tt.line, tt.msg)
			}
			im, err := r.Read(path, ReadOptions{SkipBad: true})
			if err != nil || len(im.Skipped) != 1 || len(im.Docs) != 1 || len(im.Docs[0].Sentences) != 1 {
				t.Fatalf("Read(SkipBad) = %+v, %v; want one good sentence and one skipped", im, err)
			}
		})
	}
}

// segmentWhole makes each text one token.
type segmentWhole struct{}

func (segmentWhole) Segment(s string) []text.Token {
	return []text.Token{{Start: 0, End: len([]rune(s)), POS: "x"}}
}
