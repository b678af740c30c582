package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// tagTestSchema has one entity layer that allows overlaps, so that the
// test corpus can hold overlapping and nested spans in one layer.
func tagTestSchema() *annotate.Schema {
	s := annotate.DefaultSchema()
	s.Layers[0].Overlap = annotate.OverlapAllowed
	return s
}

// tagTestTokens makes tokens of words found left to right in text, each
// "word" or "word/POS".
func tagTestTokens(t *testing.T, s string, words ...string) []text.Token {
	t.Helper()
	runes := []rune(s)
	var out []text.Token
	pos := 0
	for _, w := range words {
		word, tag, ok := strings.Cut(w, "/")
		if !ok {
			tag = "n"
		}
		wr := []rune(word)
		for pos+len(wr) <= len(runes) && string(runes[pos:pos+len(wr)]) != word {
			pos++
		}
		if pos+len(wr) > len(runes) {
			t.Fatalf("tagTestTokens: %q not found in %q", word, s)
		}
		out = append(out, text.Token{Start: pos, End: pos + len(wr), Text: word, POS: tag})
		pos += len(wr)
	}
	return out
}

// tagTestSpan is a span found by its text (the n-th occurrence, from 1).
func tagTestSpan(t *testing.T, text string, id int64, label, sub string, nth int, note string) annotate.Span {
	t.Helper()
	runes := []rune(text)
	sr := []rune(sub)
	seen := 0
	for i := 0; i+len(sr) <= len(runes); i++ {
		if string(runes[i:i+len(sr)]) == sub {
			seen++
			if seen == nth {
				return annotate.Span{ID: id, Layer: "entity", Label: label, Start: i, End: i + len(sr), Note: note, Origin: annotate.OriginManual}
			}
		}
	}
	t.Fatalf("tagTestSpan: %q not in %q", sub, text)
	return annotate.Span{}
}

// tagTestDocs is the round-trip corpus: 𠀀 (U+20000) and 😀 before spans;
// a span nested in another (北京 in 北京大学), two that overlap (张三,
// 三去), one across a sentence and line break (。\n李), notes; and a
// Latin document for word joining and -DOCSTART-.
func tagTestDocs(t *testing.T) []*annotate.Document {
	t.Helper()
	s := "𠀀家在焦作市😀，张三去了北京大学。\n李四说：“你好”。"
	d1 := &annotate.Document{Name: "焦作 news.txt", Text: s,
		Sentences: []text.Sentence{{Start: 0, End: 17}, {Start: 18, End: 27}},
		Tokens: tagTestTokens(t, s, "𠀀/nr", "家", "在/p", "焦作市/ns", "😀/x", "，/w", "张三/nr", "去/v", "了/ul", "北京大学/nt", "。/w",
			"李四/nr", "说/v", "：/w", "“/w", "你好/l", "”/w", "。/w"),
		Spans: []annotate.Span{
			tagTestSpan(t, s, 1, "PER", "𠀀家", 1, ""),
			tagTestSpan(t, s, 2, "LOC", "焦作市", 1, "city in Henan"),
			tagTestSpan(t, s, 3, "MISC", "😀", 1, "emoji 😀"),
			tagTestSpan(t, s, 4, "PER", "张三", 1, ""),
			tagTestSpan(t, s, 5, "TIME", "三去", 1, "overlaps 张三"),
			tagTestSpan(t, s, 6, "ORG", "北京大学", 1, ""),
			tagTestSpan(t, s, 7, "LOC", "北京", 1, "nested in ORG"),
			tagTestSpan(t, s, 8, "MISC", "。\n李", 1, "across a line"),
			tagTestSpan(t, s, 9, "PER", "李四", 1, "说话人"),
		}}
	latin := "EU rejects German call."
	d2 := &annotate.Document{Name: "latin", Text: latin,
		Sentences: []text.Sentence{{Start: 0, End: 23}},
		Tokens:    tagTestTokens(t, latin, "EU/nt", "rejects/v", "German/nz", "call/n", "./w"),
		Spans: []annotate.Span{
			tagTestSpan(t, latin, 10, "ORG", "EU", 1, ""),
			tagTestSpan(t, latin, 11, "MISC", "German", 1, ""),
		}}
	return []*annotate.Document{d1, d2}
}

// labelTexts lists spans as "LABEL text", in order of start.
func labelTexts(d *annotate.Document) []string {
	spans := slices.Clone(d.Spans)
	sortSpans(spans)
	var out []string
	rs := []rune(d.Text)
	for _, sp := range spans {
		out = append(out, sp.Label+" "+string(rs[sp.Start:sp.End]))
	}
	return out
}

func hasWarning(ws []Warning, sub string) bool {
	return slices.ContainsFunc(ws, func(w Warning) bool { return strings.Contains(w.String(), sub) })
}

func readAs(t *testing.T, format, path string, opts ReadOptions) *Imported {
	t.Helper()
	r, ok := LookupReader(format)
	if !ok {
		t.Fatalf("no reader %q", format)
	}
	im, err := r.Read(path, opts)
	if err != nil {
		t.Fatalf("%s Read(%s) error = %v", format, path, err)
	}
	return im
}

func TestCoNLLRoundTrip(t *testing.T) {
	// Spans tags can carry: not 三去 (overlaps 张三; inside a token at
	// word level), 北京 (nested in 北京大学; inside a token), 。\n李
	// (crosses a sentence).
	want := [][]string{
		{"PER 𠀀家", "LOC 焦作市", "MISC 😀", "PER 张三", "ORG 北京大学", "PER 李四"},
		{"ORG EU", "MISC German"},
	}
	for _, level := range []Level{LevelWord, LevelChar} {
		for _, scheme := range []Scheme{SchemeBIO, SchemeBIOES} {
			for _, pos := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/pos=%v", level, scheme, pos), func(t *testing.T) {
					out := filepath.Join(t.TempDir(), "out.conll")
					res, err := Export(context.Background(), NewCorpus(tagTestSchema(), tagTestDocs(t)), "conll", out,
						Options{Level: level, Scheme: scheme, POS: pos})
					if err != nil {
						t.Fatalf("Export() error = %v", err)
					}
					for _, w := range []string{"span 5: TIME", "span 7: LOC", "span 8: MISC"} {
						if !hasWarning(res.Warnings, w) {
							t.Errorf("no warning about %q in %v", w, res.Warnings)
						}
					}
					data, _ := os.ReadFile(out)
					// The CoNLL-2003 line, which spaCy's converter splits
					// documents at, whatever the columns.
					if !strings.HasPrefix(string(data), "-DOCSTART- -X- O O\n\n") || strings.Count(string(data), "\n-DOCSTART- -X- O O\n\n") != 1 ||
						strings.Count(string(data), "-DOCSTART-") != 2 {
						t.Errorf("file does not start each of 2 documents with the line -DOCSTART- -X- O O:\n%s", data)
					}
					im := readAs(t, "conll", out, ReadOptions{})
					if len(im.Docs) != 2 {
						t.Fatalf("read back %d documents, want 2", len(im.Docs))
					}
					for i, d := range im.Docs {
						if got := labelTexts(d); !reflect.DeepEqual(got, want[i]) {
							t.Errorf("document %d spans = %q, want %q", i+1, got, want[i])
						}
					}
					if level == LevelWord {
						if got, want := im.Docs[0].Text, tagTestDocs(t)[0].Text; got != want {
							t.Errorf("word level text = %q, want %q", got, want)
						}
						if got, want := im.Docs[1].Text, "EU rejects German call."; got != want {
							t.Errorf("word level text = %q, want %q", got, want)
						}
						if len(im.Docs[0].Tokens) != 18 {
							t.Errorf("word level: %d tokens, want 18", len(im.Docs[0].Tokens))
						}
						if pos && (im.Docs[0].Tokens[3].POS != "ns" || im.Docs[0].Tokens[3].Text != "焦作市") {
							t.Errorf("token 4 = %+v, want 焦作市 with POS ns", im.Docs[0].Tokens[3])
						}
					} else if im.Docs[0].Tokens != nil {
						t.Errorf("char level: tokens %v, want none (left to the segmenter)", im.Docs[0].Tokens)
					}
				})
			}
		}
	}
}

func TestCoNLLFormat(t *testing.T) {
	s := "New York 在 𠀀😀。"
	doc := &annotate.Document{Name: "d", Text: s, Sentences: []text.Sentence{{Start: 0, End: 14}},
		Tokens: []text.Token{{Start: 0, End: 8, Text: "New York", POS: "ns"}, {Start: 9, End: 10, POS: "p"}, {Start: 11, End: 12, POS: "nr"}, {Start: 12, End: 13}, {Start: 13, End: 14, POS: "w"}},
		Spans:  []annotate.Span{{ID: 1, Layer: "entity", Label: "LOC", Start: 0, End: 8}, {ID: 2, Layer: "entity", Label: "PER", Start: 11, End: 13}}}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"word BIOES POS", Options{Scheme: SchemeBIOES, POS: true},
			"New_York\tns\tS-LOC\n在\tp\tO\n𠀀\tnr\tB-PER\n😀\t_\tE-PER\n。\tw\tO\n\n"},
		{"char BIO", Options{Level: LevelChar},
			"N\tB-LOC\ne\tI-LOC\nw\tI-LOC\nY\tI-LOC\no\tI-LOC\nr\tI-LOC\nk\tI-LOC\n在\tO\n𠀀\tB-PER\n😀\tI-PER\n。\tO\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x.conll")
			res, err := Export(context.Background(), NewCorpus(tagTestSchema(), []*annotate.Document{doc}), "conll", out, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(out)
			if string(got) != tt.want {
				t.Errorf("conll =\n%q\nwant\n%q", got, tt.want)
			}
			if tt.opts.Level != LevelChar && !hasWarning(res.Warnings, "white space") {
				t.Errorf("no warning about the space in New York: %v", res.Warnings)
			}
		})
	}
}

func TestCoNLLDoccanoFixture(t *testing.T) {
	path := "../../shared/gold/doccano/doccano_official_import_test.conll"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("fixture %s not found: ../shared (the project's test data) is absent", path)
	}
	im := readAs(t, "conll", path, ReadOptions{})
	if len(im.Docs) != 1 {
		t.Fatalf("read %d documents, want 1", len(im.Docs))
	}
	d := im.Docs[0]
	if d.Text != "JAPAN GET\nNadim Ladki" {
		t.Errorf("text = %q, want %q", d.Text, "JAPAN GET\nNadim Ladki")
	}
	if got, want := labelTexts(d), []string{"LOC JAPAN", "PER Nadim Ladki"}; !reflect.DeepEqual(got, want) {
		t.Errorf("spans = %q, want %q", got, want)
	}
	if len(d.Sentences) != 2 || len(d.Tokens) != 4 {
		t.Errorf("%d sentences, %d tokens; want 2, 4", len(d.Sentences), len(d.Tokens))
	}
}

// conllBadCases are malformed CoNLL files: the line named and what the
// error says; they also seed FuzzReadCoNLL.
var conllBadCases = []struct {
	name, in string
	line     int
	msg      string
}{
	{"wrong column count", "焦\tB-LOC\n作\tn\tI-LOC\n", 2, "got 3 columns, want 2"},
	{"truncated line", "焦\tB-LOC\n作\n", 2, "got 1 columns, want 2"},
	{"one column", "焦\n", 1, "want at least 2"},
	{"garbled tag", "焦\tB-LOC\n作\t%%%\n\n市\tO\n", 2, `tag "%%%"`},
	{"empty token", "焦\tB-LOC\n\tO\n", 2, "empty token"},
}

func TestCoNLLBadInput(t *testing.T) {
	for _, tt := range conllBadCases {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.conll")
			os.WriteFile(path, []byte(tt.in), 0o644)
			r, _ := LookupReader("conll")
			_, err := r.Read(path, ReadOptions{})
			var re *RecordError
			if !errors.As(err, &re) || re.File != path || re.Line != tt.line || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Read() error = %v, want a *RecordError at %s:%d saying %q", err, path, tt.line, tt.msg)
			}
			im, err := r.Read(path, ReadOptions{SkipBad: true})
			if err != nil && tt.name != "one column" {
				t.Fatalf("Read(SkipBad) error = %v", err)
			}
			if err == nil && (len(im.Skipped) == 0 || !strings.Contains(im.Skipped[0].Error(), fmt.Sprintf("bad.conll:%d:", tt.line))) {
				t.Errorf("Read(SkipBad) skipped %v, want the bad line %d", im.Skipped, tt.line)
			}
		})
	}
	t.Run("skip keeps good sentences", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bad.conll")
		os.WriteFile(path, []byte("焦\tB-LOC\n作\t%%%\n\n市\tB-LOC\n长\tO\n"), 0o644)
		im := readAs(t, "conll", path, ReadOptions{SkipBad: true})
		if len(im.Docs) != 1 || im.Docs[0].Text != "市长" || len(im.Docs[0].Spans) != 1 {
			t.Errorf("read %+v, want one document 市长 with one span", im.Docs)
		}
	})
	t.Run("IOB1 warned", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "iob1.conll")
		os.WriteFile(path, []byte("EU I-ORG\nrejects O\nGerman I-MISC\n"), 0o644)
		im := readAs(t, "conll", path, ReadOptions{})
		if len(im.Docs[0].Spans) != 2 || !slices.ContainsFunc(im.Warnings, func(w string) bool { return strings.Contains(w, "IOB1") }) {
			t.Errorf("spans %v, warnings %q; want 2 spans and an IOB1 warning", im.Docs[0].Spans, im.Warnings)
		}
		if im.Docs[0].Text != "EU rejects German" {
			t.Errorf("text = %q, want %q (space-separated columns)", im.Docs[0].Text, "EU rejects German")
		}
	})
	t.Run("level unsure", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "mixed.conll")
		os.WriteFile(path, []byte("用\tO\niPhone\tB-MISC\n拍\tO\n"), 0o644)
		im := readAs(t, "conll", path, ReadOptions{})
		if im.Docs[0].Text != "用iPhone拍" || !slices.ContainsFunc(im.Warnings, func(w string) bool { return strings.Contains(w, "unsure") }) {
			t.Errorf("text %q, warnings %q; want 用iPhone拍 and a warning saying the level is unsure", im.Docs[0].Text, im.Warnings)
		}
	})
}

func FuzzReadCoNLL(f *testing.F) {
	for _, tt := range conllBadCases {
		f.Add(tt.in)
	}
	f.Add("-DOCSTART- -X- O\n\nEU B-ORG\nrejects O\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		path := filepath.Join(t.TempDir(), "f.conll")
		os.WriteFile(path, []byte(in), 0o644)
		r, _ := LookupReader("conll")
		for _, skip := range []bool{false, true} {
			im, err := r.Read(path, ReadOptions{SkipBad: skip})
			if err != nil {
				continue
			}
			for _, d := range im.Docs {
				n := len([]rune(d.Text))
				for _, sp := range d.Spans {
					if sp.Start < 0 || sp.End > n || sp.Start >= sp.End {
						t.Fatalf("span %+v outside text of %d", sp, n)
					}
				}
			}
		}
	})
}
