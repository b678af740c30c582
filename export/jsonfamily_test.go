package export

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// jsonSchema has two layers that allow overlaps, so that the test corpus
// can hold overlapping and nested spans in one layer.
func jsonSchema() *annotate.Schema {
	return &annotate.Schema{Layers: []annotate.Layer{
		{Name: "entities", Overlap: annotate.OverlapAllowed, Labels: []annotate.Label{
			{Name: "PER", Color: "#e69f00"}, {Name: "LOC", Color: "#56b4e9"}, {Name: "ORG", Color: "#009e73"}}},
		{Name: "events", Overlap: annotate.OverlapAllowed, Labels: []annotate.Label{{Name: "EVT", Color: "#0072b2"}}},
	}}
}

// jsonTokens gives the words of text in order as tokens (found left to
// right), each with POS "x" unless given as "word/POS".
func jsonTokens(t *testing.T, s string, words ...string) []text.Token {
	t.Helper()
	runes := []rune(s)
	var out []text.Token
	pos := 0
	for _, w := range words {
		word, tag, ok := strings.Cut(w, "/")
		if !ok {
			tag = "x"
		}
		wr := []rune(word)
		for pos+len(wr) <= len(runes) && string(runes[pos:pos+len(wr)]) != word {
			pos++
		}
		if pos+len(wr) > len(runes) {
			t.Fatalf("jsonTokens: %q not found in %q", word, s)
		}
		out = append(out, text.Token{Start: pos, End: pos + len(wr), Text: word, POS: tag})
		pos += len(wr)
	}
	return out
}

// jsonDocs is the round-trip corpus: non-BMP characters (𠀀 U+20000 and
// 😀) before spans, nested and overlapping spans in one layer, spans of
// two layers, notes with a newline and quotes, a suggested span (not
// written by default), a document without tokens, and text with <, > and
// & (no HTML escaping).
func jsonDocs(t *testing.T) []*annotate.Document {
	t.Helper()
	text1 := "𠀀明在焦作市政府工作。😀 王小明说：好。"
	d1 := &annotate.Document{Name: "news-1.txt", Text: text1, Status: annotate.StatusDone, Labels: []string{"news"},
		Sentences: text.Sentences(text1),
		Tokens:    jsonTokens(t, text1, "𠀀明/nr", "在/p", "焦作市/ns", "政府/n", "工作/vn", "。/w", "😀/x", "王小明/nr", "说/v", "：/w", "好/a", "。/w"),
		Spans: []annotate.Span{
			{ID: 1, Layer: "entities", Label: "PER", Start: 0, End: 2, Note: "姓𠀀\n\"quoted\" <b>", Origin: annotate.OriginManual},
			{ID: 2, Layer: "entities", Label: "ORG", Start: 3, End: 8, Origin: annotate.OriginManual},
			{ID: 3, Layer: "entities", Label: "LOC", Start: 3, End: 6, Origin: annotate.OriginManual},
			{ID: 4, Layer: "entities", Label: "PER", Start: 13, End: 16, Note: "after 😀", Origin: annotate.OriginImported},
			{ID: 5, Layer: "events", Label: "EVT", Start: 6, End: 10, Origin: annotate.OriginManual},
			{ID: 6, Layer: "events", Label: "EVT", Start: 8, End: 11, Origin: annotate.OriginManual},
			{ID: 7, Layer: "entities", Label: "PER", Start: 18, End: 19, Origin: annotate.OriginSuggested},
		}}
	text2 := "北京 <欢迎> & 你。"
	d2 := &annotate.Document{Name: "doc <2>.txt", Text: text2, Status: annotate.StatusNew,
		Sentences: text.Sentences(text2),
		Spans: []annotate.Span{
			{ID: 8, Layer: "entities", Label: "LOC", Start: 0, End: 2, Origin: annotate.OriginManual},
			{ID: 9, Layer: "events", Label: "EVT", Start: 3, End: 7, Note: "<&>", Origin: annotate.OriginManual},
		}}
	return []*annotate.Document{d1, d2}
}

// jspan is a span as the round trips compare it.
type jspan struct {
	Layer, Label string
	Start, End   int
	Note         string
}

func (s jspan) String() string {
	return fmt.Sprintf("%s/%s[%d,%d)%q", s.Layer, s.Label, s.Start, s.End, s.Note)
}

// jsonSpansOf lists doc's spans (without suggestions) as compared: layer and
// note only when the format carries them.
func jsonSpansOf(spans []annotate.Span, layer, note bool) []jspan {
	var out []jspan
	for _, sp := range spans {
		if sp.Origin == annotate.OriginSuggested {
			continue
		}
		s := jspan{Label: sp.Label, Start: sp.Start, End: sp.End}
		if layer {
			s.Layer = sp.Layer
		}
		if note {
			s.Note = sp.Note
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b jspan) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.Layer, b.Layer), cmp.Compare(a.Label, b.Label))
	})
	return out
}

// jsonExportTo exports src in format to a file in a temporary directory and
// returns its name.
func jsonExportTo(t *testing.T, src Source, format string, opts Options) (string, Result) {
	t.Helper()
	f, ok := Lookup(format)
	if !ok {
		t.Fatalf("format %q not registered", format)
	}
	out := filepath.Join(t.TempDir(), "out"+f.Ext)
	res, err := Export(context.Background(), src, format, out, opts)
	if err != nil {
		t.Fatalf("Export(%s) error = %v", format, err)
	}
	return out, res
}

func jsonReadAs(t *testing.T, format, path string, opts ReadOptions) *Imported {
	t.Helper()
	r, ok := LookupReader(format)
	if !ok {
		t.Fatalf("reader %q not registered", format)
	}
	im, err := r.Read(path, opts)
	if err != nil {
		t.Fatalf("Read(%s) error = %v", format, err)
	}
	return im
}

// jsonUnexpected leaves out of ws the warning the corpus gives by design:
// spacy writes the document without tokens as characters.
func jsonUnexpected(format string, ws []Warning) []Warning {
	var out []Warning
	for _, w := range ws {
		if format == "spacy" && w.Doc == "doc <2>.txt" && strings.Contains(w.Msg, "no tokens") {
			continue
		}
		out = append(out, w)
	}
	return out
}

// jsonFormats are the JSON formats with a reader and what they carry.
var jsonFormats = []struct {
	name        string
	layer, note bool
}{
	{name: "doccano", note: true},
	{name: "labelstudio", layer: true, note: true},
	{name: "cluener"},
	{name: "spacy", layer: true, note: true},
}

func TestJSONRoundTrip(t *testing.T) {
	for _, f := range jsonFormats {
		for _, unit := range []Unit{UnitCodePoint, UnitUTF16} {
			if unit == UnitUTF16 && f.name != "doccano" && f.name != "labelstudio" {
				continue
			}
			t.Run(f.name+"/"+string(unit), func(t *testing.T) {
				docs := jsonDocs(t)
				schema := jsonSchema()
				path, res := jsonExportTo(t, NewCorpus(schema, docs), f.name, Options{Offsets: unit})
				if w := jsonUnexpected(f.name, res.Warnings); len(w) != 0 {
					t.Errorf("warnings = %v, want none", w)
				}
				im := jsonReadAs(t, f.name, path, ReadOptions{Schema: schema, Offsets: unit})
				if len(im.Docs) != len(docs) || len(im.Skipped) != 0 {
					t.Fatalf("read %d docs (%d skipped), want %d", len(im.Docs), len(im.Skipped), len(docs))
				}
				for i, got := range im.Docs {
					want := docs[i]
					if got.Name != want.Name || got.Text != want.Text || got.Status != want.Status || !slices.Equal(got.Labels, want.Labels) {
						t.Errorf("doc %d = %q %q %q %q, want %q %q %q %q", i, got.Name, got.Text, got.Status, got.Labels, want.Name, want.Text, want.Status, want.Labels)
					}
					g, w := jsonSpansOf(got.Spans, f.layer, f.note), jsonSpansOf(want.Spans, f.layer, f.note)
					if !slices.Equal(g, w) {
						t.Errorf("doc %d spans =\n%v\nwant\n%v", i, g, w)
					}
				}
			})
		}
	}
}

// TestJSONUTF16Offsets checks the numbers themselves: after 𠀀 (two UTF-16
// units) every offset moves by one, after 😀 by one more.
func TestJSONUTF16Offsets(t *testing.T) {
	docs := jsonDocs(t)[:1]
	for _, unit := range []Unit{UnitCodePoint, UnitUTF16} {
		t.Run(string(unit), func(t *testing.T) {
			path, _ := jsonExportTo(t, NewCorpus(jsonSchema(), docs), "doccano", Options{Offsets: unit})
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var rec struct {
				Label [][3]any `json:"label"`
			}
			if err := json.Unmarshal(data, &rec); err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(rec.Label)
			want := "[[0 2 PER] [3 6 LOC] [3 8 ORG] [6 10 EVT] [8 11 EVT] [13 16 PER]]"
			if unit == UnitUTF16 {
				want = "[[0 3 PER] [4 7 LOC] [4 9 ORG] [7 11 EVT] [9 12 EVT] [15 18 PER]]"
			}
			if got != want {
				t.Errorf("labels = %s, want %s", got, want)
			}
			lsPath, _ := jsonExportTo(t, NewCorpus(jsonSchema(), docs), "labelstudio", Options{Offsets: unit})
			data, err = os.ReadFile(lsPath)
			if err != nil {
				t.Fatal(err)
			}
			var tasks []lsTask
			if err := json.Unmarshal(data, &tasks); err != nil {
				t.Fatal(err)
			}
			last := tasks[0].Annotations[0].Result
			var v lsValue
			for _, r := range last {
				if r.Type == "labels" {
					v = r.Value
				}
			}
			wantS, wantE := 13, 16
			if unit == UnitUTF16 {
				wantS, wantE = 15, 18
			}
			if v.Start != wantS || v.End != wantE || v.Text != "王小明" {
				t.Errorf("labelstudio last region = %d %d %v, want %d %d 王小明", v.Start, v.End, v.Text, wantS, wantE)
			}
		})
	}
}

// TestJSONSentenceRecords: offsets of sentence records are relative to the
// sentence, and meta says where the sentence starts.
func TestJSONSentenceRecords(t *testing.T) {
	for _, f := range jsonFormats {
		t.Run(f.name, func(t *testing.T) {
			docs := jsonDocs(t)
			schema := jsonSchema()
			path, res := jsonExportTo(t, NewCorpus(schema, docs), f.name, Options{Records: RecordSentence})
			// Span 6 (EVT [8,11)) lies in sentence 1; none crosses.
			if w := jsonUnexpected(f.name, res.Warnings); len(w) != 0 {
				t.Errorf("warnings = %v, want none", w)
			}
			im := jsonReadAs(t, f.name, path, ReadOptions{Schema: schema})
			var want []jspan
			for _, d := range docs {
				want = append(want, jsonSpansOf(d.Spans, f.layer, f.note)...)
			}
			var got []jspan
			sents := 0
			for _, d := range docs {
				sents += len(d.Sentences)
			}
			if len(im.Docs) != sents {
				t.Fatalf("read %d records, want %d sentences", len(im.Docs), sents)
			}
			k := 0
			for _, d := range docs {
				for si, s := range d.Sentences {
					rd := im.Docs[k]
					k++
					if want := fmt.Sprintf("%s-sent%d", d.Name, si+1); rd.Name != want {
						t.Errorf("record %d name = %q, want %q", k, rd.Name, want)
					}
					if wantText := string([]rune(d.Text)[s.Start:s.End]); rd.Text != wantText {
						t.Errorf("record %d text = %q, want %q", k, rd.Text, wantText)
					}
					for _, sp := range jsonSpansOf(rd.Spans, f.layer, f.note) {
						sp.Start += s.Start
						sp.End += s.Start
						got = append(got, sp)
					}
				}
			}
			jsonSortSpans(got)
			jsonSortSpans(want)
			if !slices.Equal(got, want) {
				t.Errorf("spans (moved back by the sentence start) =\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func jsonSortSpans(s []jspan) {
	slices.SortFunc(s, func(a, b jspan) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.Layer, b.Layer), cmp.Compare(a.Label, b.Label))
	})
}

// TestJSONNoHTMLEscaping: Chinese, <, > and & are written as they are.
func TestJSONNoHTMLEscaping(t *testing.T) {
	for _, f := range []string{"doccano", "labelstudio", "cluener", "spacy", "hf"} {
		t.Run(f, func(t *testing.T) {
			path, _ := jsonExportTo(t, NewCorpus(jsonSchema(), jsonDocs(t)), f, Options{Level: LevelChar})
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{`\u003c`, `\u003e`, `\u0026`, `\ud840`, `\u5317`} {
				if bytes.Contains(data, []byte(bad)) {
					t.Errorf("output holds %s:\n%s", bad, data)
				}
			}
			if !bytes.Contains(data, []byte("<")) || !bytes.Contains(data, []byte("北")) {
				t.Errorf("output lacks < or 北:\n%s", data)
			}
		})
	}
}

// TestAppendJSONString: the hand-written string encoder agrees with
// encoding/json (HTML escaping off).
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "abc", "焦作𠀀😀", "a\"b\\c", "\n\r\t\x00\x1f\x7f", "<&>", "\u2028\u2029", "bad\xffutf8\xc3", "é"} {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSuffix(buf.String(), "\n")
			if got := string(appendJSONString(nil, s)); got != want {
				t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
			}
		})
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "焦作𠀀😀", "a\"b\\c\n", "bad\xffutf8", "\u2028<&>", "\f\b\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		if got, want := string(appendJSONString(nil, s)), strings.TrimSuffix(buf.String(), "\n"); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

func TestSpacyTokens(t *testing.T) {
	docs := jsonDocs(t)
	path, res := jsonExportTo(t, NewCorpus(jsonSchema(), docs), "spacy", Options{})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	want := []string{
		`{"text":"𠀀明在焦作市政府工作。😀 王小明说：好。","tokens":[{"text":"𠀀明","start":0,"end":2,"id":0,"ws":false,"tag":"nr"},{"text":"在","start":2,"end":3,"id":1,"ws":false,"tag":"p"},{"text":"焦作市","start":3,"end":6,"id":2,"ws":false,"tag":"ns"},{"text":"政府","start":6,"end":8,"id":3,"ws":false,"tag":"n"},{"text":"工作","start":8,"end":10,"id":4,"ws":false,"tag":"vn"},{"text":"。","start":10,"end":11,"id":5,"ws":false,"tag":"w"},{"text":"😀","start":11,"end":12,"id":6,"ws":true,"tag":"x"},{"text":"王小明","start":13,"end":16,"id":7,"ws":false,"tag":"nr"},{"text":"说","start":16,"end":17,"id":8,"ws":false,"tag":"v"},{"text":"：","start":17,"end":18,"id":9,"ws":false,"tag":"w"},{"text":"好","start":18,"end":19,"id":10,"ws":false,"tag":"a"},{"text":"。","start":19,"end":20,"id":11,"ws":false,"tag":"w"}],` +
			`"spans":[{"start":0,"end":2,"label":"PER","token_start":0,"token_end":0,"layer":"entities","note":"姓𠀀\n\"quoted\" <b>"},{"start":3,"end":8,"label":"ORG","token_start":2,"token_end":3,"layer":"entities"},{"start":3,"end":6,"label":"LOC","token_start":2,"token_end":2,"layer":"entities"},{"start":6,"end":10,"label":"EVT","token_start":3,"token_end":4,"layer":"events"},{"start":8,"end":11,"label":"EVT","token_start":4,"token_end":5,"layer":"events"},{"start":13,"end":16,"label":"PER","token_start":7,"token_end":7,"layer":"entities","note":"after 😀"}],` +
			`"meta":{"doc_id":1,"doc_name":"news-1.txt","status":"done","labels":["news"]}}`,
		// No tokens: characters, with the gaps as tokens or ws.
		`{"text":"北京 <欢迎> & 你。","tokens":[{"text":"北","start":0,"end":1,"id":0,"ws":false},{"text":"京","start":1,"end":2,"id":1,"ws":true},{"text":"<","start":3,"end":4,"id":2,"ws":false},{"text":"欢","start":4,"end":5,"id":3,"ws":false},{"text":"迎","start":5,"end":6,"id":4,"ws":false},{"text":">","start":6,"end":7,"id":5,"ws":true},{"text":"&","start":8,"end":9,"id":6,"ws":true},{"text":"你","start":10,"end":11,"id":7,"ws":false},{"text":"。","start":11,"end":12,"id":8,"ws":false}],` +
			`"spans":[{"start":0,"end":2,"label":"LOC","token_start":0,"token_end":1,"layer":"entities"},{"start":3,"end":7,"label":"EVT","token_start":2,"token_end":5,"layer":"events","note":"<&>"}],"meta":{"doc_id":2,"doc_name":"doc <2>.txt","status":"new"}}`,
	}
	if !slices.Equal(lines, want) {
		t.Errorf("spacy =\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].String(), "no tokens") {
		t.Errorf("warnings = %v, want one about the document without tokens", res.Warnings)
	}
	// The tokens come back as the token layer, white space dropped.
	im := jsonReadAs(t, "spacy", path, ReadOptions{})
	if got := im.Docs[0].Tokens; !slices.Equal(got, docs[0].Tokens) {
		t.Errorf("tokens read back = %v, want %v", got, docs[0].Tokens)
	}
	if got := im.Docs[0].Sentences; !slices.Equal(got, docs[0].Sentences) {
		t.Errorf("sentences read back = %v, want %v", got, docs[0].Sentences)
	}
}

func TestSpacyGaps(t *testing.T) {
	text := " A  B\nC "
	d := &annotate.Document{Name: "g", Text: text, Tokens: jsonTokens(t, text, "A", "B", "C")}
	path, _ := jsonExportTo(t, NewCorpus(jsonSchema(), []*annotate.Document{d}), "spacy", Options{})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec spacyRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	var rebuilt strings.Builder
	var got []string
	for _, tok := range rec.Tokens {
		rebuilt.WriteString(tok.Text)
		if tok.WS {
			rebuilt.WriteByte(' ')
		}
		got = append(got, fmt.Sprintf("%q%v", tok.Text, tok.WS))
	}
	if rebuilt.String() != text {
		t.Errorf("tokens rebuild %q, want %q", rebuilt.String(), text)
	}
	want := []string{`" "false`, `"A"true`, `" "false`, `"B"false`, `"\n"false`, `"C"true`}
	if !slices.Equal(got, want) {
		t.Errorf("tokens = %v, want %v", got, want)
	}
}

// TestSpacySpanInsideToken: a span whose edge falls inside a token is left
// out with a warning.
func TestSpacySpanInsideToken(t *testing.T) {
	text := "焦作市政府"
	d := &annotate.Document{Name: "t", Text: text, Tokens: jsonTokens(t, text, "焦作市", "政府"),
		Spans: []annotate.Span{{ID: 1, Layer: "entities", Label: "LOC", Start: 0, End: 2}, {ID: 2, Layer: "entities", Label: "ORG", Start: 0, End: 5}}}
	path, res := jsonExportTo(t, NewCorpus(jsonSchema(), []*annotate.Document{d}), "spacy", Options{})
	im := jsonReadAs(t, "spacy", path, ReadOptions{})
	if got := jsonSpansOf(im.Docs[0].Spans, false, false); !slices.Equal(got, []jspan{{Label: "ORG", Start: 0, End: 5}}) {
		t.Errorf("spans = %v, want ORG only", got)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].SpanID != 1 || !strings.Contains(res.Warnings[0].Msg, "inside a token") {
		t.Errorf("warnings = %v, want one for span 1", res.Warnings)
	}
}

func TestHFExport(t *testing.T) {
	s := "王小明在焦作市。 好"
	doc := func() *annotate.Document {
		return &annotate.Document{Name: "h", Text: s, Sentences: []text.Sentence{{Start: 0, End: 8}, {Start: 9, End: 10}},
			Tokens: jsonTokens(t, s, "王小明/nr", "在/p", "焦作市/ns", "。/w", "好/a"),
			Spans: []annotate.Span{
				{ID: 1, Layer: "entities", Label: "PER", Start: 0, End: 3},
				{ID: 2, Layer: "entities", Label: "LOC", Start: 4, End: 6}, // inside 焦作市: word level drops it
				{ID: 3, Layer: "entities", Label: "ORG", Start: 4, End: 7},
				{ID: 4, Layer: "events", Label: "EVT", Start: 3, End: 7},
				{ID: 5, Layer: "entities", Label: "PER", Start: 9, End: 10},
			}}
	}
	tests := []struct {
		name     string
		opts     Options
		want     string
		warnings []int64
	}{
		{
			name: "word BIO",
			want: `{"id":"1","tokens":["王小明","在","焦作市","。","好"],"pos_tags":["nr","p","ns","w","a"],"ner_tags":["B-PER","O","B-ORG","O","B-PER"],"events_tags":["O","B-EVT","I-EVT","O","O"]}` + "\n",
			// LOC ends inside 焦作市.
			warnings: []int64{2},
		},
		{
			name: "char BIOES",
			opts: Options{Level: LevelChar, Scheme: SchemeBIOES},
			want: `{"id":"1","tokens":["王","小","明","在","焦","作","市","。","好"],"ner_tags":["B-PER","I-PER","E-PER","O","B-ORG","I-ORG","E-ORG","O","S-PER"],"events_tags":["O","O","O","B-EVT","I-EVT","I-EVT","E-EVT","O","O"]}` + "\n",
			// LOC overlaps the longer ORG.
			warnings: []int64{2},
		},
		{
			name: "sentence records, one layer",
			opts: Options{Records: RecordSentence, Layers: []string{"events"}},
			want: `{"id":"1-1","tokens":["王小明","在","焦作市","。"],"pos_tags":["nr","p","ns","w"],"ner_tags":["O","B-EVT","I-EVT","O"]}` + "\n" +
				`{"id":"1-2","tokens":["好"],"pos_tags":["a"],"ner_tags":["O"]}` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, res := jsonExportTo(t, NewCorpus(jsonSchema(), []*annotate.Document{doc()}), "hf", tt.opts)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tt.want {
				t.Errorf("hf =\n%s\nwant\n%s", data, tt.want)
			}
			var ids []int64
			for _, w := range res.Warnings {
				ids = append(ids, w.SpanID)
			}
			if !slices.Equal(ids, tt.warnings) {
				t.Errorf("warnings = %v, want spans %v", res.Warnings, tt.warnings)
			}
		})
	}
}

func TestHFKeys(t *testing.T) {
	got := hfKeys([]string{"a", "ner", "pos", "b"})
	want := []string{"ner_tags", "span_ner_tags", "span_pos_tags", "b_tags"}
	if !slices.Equal(got, want) {
		t.Errorf("hfKeys = %v, want %v", got, want)
	}
}

func TestCLUENERExport(t *testing.T) {
	text := "𠀀明在焦作市，焦作市很好。"
	d := &annotate.Document{Name: "c", Text: text, Spans: []annotate.Span{
		{ID: 1, Layer: "entities", Label: "PER", Start: 0, End: 2},
		{ID: 2, Layer: "entities", Label: "LOC", Start: 7, End: 10},
		{ID: 3, Layer: "entities", Label: "LOC", Start: 3, End: 6},
		{ID: 4, Layer: "entities", Label: "ORG", Start: 3, End: 6},
	}}
	path, _ := jsonExportTo(t, NewCorpus(jsonSchema(), []*annotate.Document{d}), "cluener", Options{})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"1","text":"𠀀明在焦作市，焦作市很好。","label":{"LOC":{"焦作市":[[3,5],[7,9]]},"ORG":{"焦作市":[[3,5]]},"PER":{"𠀀明":[[0,1]]}},"meta":{"doc_id":1,"doc_name":"c","layers":[[0,1,"PER","entities"],[3,5,"LOC","entities"],[3,5,"ORG","entities"],[7,9,"LOC","entities"]]}}` + "\n"
	if string(data) != want {
		t.Errorf("cluener =\n%s\nwant\n%s", data, want)
	}
}

// TestJSONBadRecords: each bad record names file and line; with SkipBad it
// is skipped and reported, and the good records are read.
func TestJSONBadRecords(t *testing.T) {
	tests := []struct {
		name, format, data string
		opts               ReadOptions
		line               int
		msg                string
		good               int // records read under SkipBad
	}{
		{name: "malformed JSON", format: "doccano", data: "{\"text\":\"a\",\"label\":[]}\n{\"text\": \"b\", \"label\": [\n{\"text\":\"c\"}\n", line: 2, msg: "malformed JSON", good: 2},
		{name: "no text", format: "doccano", data: "{\"text\":\"a\"}\n\n{\"label\":[[0,1,\"PER\"]]}\n", line: 3, msg: `no "text"`, good: 1},
		{name: "out of range", format: "doccano", data: `{"text":"ab","label":[[0,3,"PER"]]}`, line: 1, msg: "outside the text", good: 0},
		{name: "reversed", format: "doccano", data: `{"text":"ab","label":[[2,1,"PER"]]}`, line: 1, msg: "reversed", good: 0},
		{name: "negative", format: "doccano", data: `{"text":"ab","label":[[-1,1,"PER"]]}`, line: 1, msg: "outside the text", good: 0},
		{name: "bad label", format: "doccano", data: `{"text":"ab","label":[[0,1]]}`, line: 1, msg: "is not [start, end", good: 0},
		{name: "utf16 splits a pair", format: "doccano", data: `{"text":"𠀀a","label":[[1,3,"PER"]]}`, opts: ReadOptions{Offsets: UnitUTF16}, line: 1, msg: "in half", good: 0},
		{name: "utf16 out of range", format: "doccano", data: `{"text":"𠀀a","label":[[0,4,"PER"]]}`, opts: ReadOptions{Offsets: UnitUTF16}, line: 1, msg: "3 UTF-16 units", good: 0},
		{name: "entities without offsets", format: "doccano", data: `{"text":"ab","entities":[{"label":"X"}]}`, line: 1, msg: "lacks", good: 0},
		{name: "array element", format: "doccano", data: "[\n {\"text\":\"a\"},\n {\"label\":[]}\n]\n", line: 3, msg: `no "text"`, good: 1},
		{name: "array syntax", format: "labelstudio", data: "[\n {\"data\":{\"text\":\"a\"}},\n {\"data\":\n]\n", line: 4, msg: "malformed JSON", good: -1},
		{name: "pretty unterminated", format: "doccano", data: "{\"text\":\"a\"}\n{\n  \"text\": \"b\"\n", line: 2, msg: "malformed JSON", good: 1},
		{name: "cluener text mismatch", format: "cluener", data: `{"text":"焦作市很好","label":{"LOC":{"焦作":[[0,2]]}}}`, line: 1, msg: `the text there is "焦作市"`, good: 0},
		{name: "cluener bad position", format: "cluener", data: `{"text":"焦作市","label":{"LOC":{"焦作":[[0]]}}}`, line: 1, msg: "is not [start, end]", good: 0},
		{name: "cluener reversed", format: "cluener", data: `{"text":"焦作市","label":{"LOC":{"焦作":[[1,0]]}}}`, line: 1, msg: "reversed", good: 0},
		{name: "labelstudio text mismatch", format: "labelstudio", data: `[{"data":{"text":"焦作市"},"annotations":[{"result":[{"id":"a","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":2,"text":"作市","labels":["LOC"]}}]}]}]`, line: 1, msg: `value.text is "作市"`, good: 0},
		{name: "labelstudio no text", format: "labelstudio", data: `[{"data":{"a":1}}]`, line: 1, msg: `no "text"`, good: 0},
		{name: "spacy token text", format: "spacy", data: `{"text":"焦作市","tokens":[{"text":"焦","start":0,"end":2}]}`, line: 1, msg: "the text at [0,2)", good: 0},
		{name: "spacy token overlap", format: "spacy", data: `{"text":"焦作市","tokens":[{"start":0,"end":2},{"start":1,"end":3}]}`, line: 1, msg: "overlaps", good: 0},
		{name: "spacy span tokens", format: "spacy", data: `{"text":"焦作市","tokens":[{"start":0,"end":3}],"spans":[{"label":"LOC","token_start":0,"token_end":1}]}`, line: 1, msg: "are not tokens", good: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			r, _ := LookupReader(tt.format)
			_, err := r.Read(path, tt.opts)
			re, ok := errors.AsType[*RecordError](err)
			if !ok || re.File != path || re.Line != tt.line || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Read() error = %v, want a RecordError at %s:%d saying %q", err, path, tt.line, tt.msg)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%s:%d", path, tt.line)) {
				t.Errorf("error %q does not name file and line", err)
			}
			opts := tt.opts
			opts.SkipBad = true
			im, err := r.Read(path, opts)
			if tt.good < 0 {
				if err == nil {
					t.Errorf("Read(SkipBad) error = nil, want the syntax error (an array cannot be read on)")
				}
				return
			}
			if err != nil {
				t.Fatalf("Read(SkipBad) error = %v", err)
			}
			if len(im.Docs) != tt.good || len(im.Skipped) != 1 {
				t.Errorf("Read(SkipBad) = %d docs, %d skipped (%v), want %d and 1", len(im.Docs), len(im.Skipped), im.Skipped, tt.good)
			}
		})
	}
}

// FuzzJSONReaders: no input makes a reader panic, and every span read is
// inside its text.
func FuzzJSONReaders(f *testing.F) {
	for _, s := range []string{
		`{"text":"焦作市","label":[[0,3,"LOC"]],"meta":{"notes":[[0,3,"LOC","n"]]}}`,
		`{"text":"𠀀a","label":[[1,3,"PER"]]}`,
		`[{"data":{"text":"焦作市"},"annotations":[{"result":[{"id":"a","type":"labels","value":{"start":0,"end":2,"labels":["LOC"]}}]}]}]`,
		`{"text":"焦作市","label":{"LOC":{"焦作":[[0,1]]}}}`,
		`{"text":"焦作市","tokens":[{"start":0,"end":3}],"spans":[{"label":"LOC","token_start":0,"token_end":0}]}`,
		"{\n\"text\": \"a\"\n}\n",
		"[1, 2",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string, utf16 bool) {
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		opts := ReadOptions{SkipBad: true}
		if utf16 {
			opts.Offsets = UnitUTF16
		}
		for _, name := range []string{"doccano", "labelstudio", "cluener", "spacy"} {
			r, _ := LookupReader(name)
			im, err := r.Read(path, opts)
			if err != nil {
				continue
			}
			for _, d := range im.Docs {
				n := len([]rune(d.Text))
				for _, sp := range d.Spans {
					if sp.Start < 0 || sp.End > n || sp.Start >= sp.End {
						t.Errorf("%s: span %v outside text %q", name, sp, d.Text)
					}
				}
				for _, tok := range d.Tokens {
					if tok.Start < 0 || tok.End > n || tok.Start >= tok.End || string([]rune(d.Text)[tok.Start:tok.End]) != tok.Text {
						t.Errorf("%s: token %v wrong in %q", name, tok, d.Text)
					}
				}
			}
		}
	})
}

// jsonPythonCheck is run by python3 on exports given as pairs of
// arguments FORMAT PATH: for each it prints one line, the JSON list of
// [label, text[start:end]] of every span (code points, as Python slices),
// after a line starting with "ERROR" for every inconsistency.
const jsonPythonCheck = `
import json, sys
def err(msg):
    print("ERROR " + msg)
def check(fmt, path):
    out = []
    if fmt == "labelstudio":
        with open(path, encoding="utf-8") as f:
            tasks = json.load(f)
        for t in tasks:
            text = t["data"]["text"]
            for a in t.get("annotations", []) + t.get("predictions", []):
                for r in a["result"]:
                    v = r["value"]
                    if r["type"] != "labels":
                        continue
                    if text[v["start"]:v["end"]] != v["text"]:
                        err("labelstudio %r != %r" % (text[v["start"]:v["end"]], v["text"]))
                    out.append([v["labels"][0], text[v["start"]:v["end"]]])
        return out
    with open(path, encoding="utf-8", newline="") as f:
        for n, line in enumerate(f, 1):
            rec = json.loads(line)
            text = rec["text"]
            if fmt == "doccano":
                for s, e, l in rec["label"]:
                    out.append([l, text[s:e]])
            elif fmt == "cluener":
                for typ, ents in rec["label"].items():
                    for ent, pos in ents.items():
                        for s, e in pos:
                            if text[s:e+1] != ent:
                                err("cluener %s:%d: %r != %r" % (path, n, text[s:e+1], ent))
                            out.append([typ, text[s:e+1]])
            elif fmt == "spacy":
                toks = rec["tokens"]
                rebuilt = "".join(t["text"] + (" " if t["ws"] else "") for t in toks)
                if rebuilt != text:
                    err("spacy %s:%d: tokens rebuild %r, not %r" % (path, n, rebuilt, text))
                for i, t in enumerate(toks):
                    if text[t["start"]:t["end"]] != t["text"] or t["id"] != i:
                        err("spacy %s:%d: token %r" % (path, n, t))
                for s in rec["spans"]:
                    if toks[s["token_start"]]["start"] != s["start"] or toks[s["token_end"]]["end"] != s["end"]:
                        err("spacy %s:%d: span %r does not align" % (path, n, s))
                    out.append([s["label"], text[s["start"]:s["end"]]])
    return out
args = sys.argv[1:]
for k in range(0, len(args), 2):
    print(json.dumps(check(args[k], args[k+1]), ensure_ascii=False))
`

// TestJSONPython reads each export with Python's own json and checks
// text[start:end] for every span in Python's code points (one python3
// run for all the files: starting it is what takes time).
func TestJSONPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the Python check of the JSON exports is skipped")
	}
	docs := jsonDocs(t)
	var want [][2]string
	for _, d := range docs {
		for _, sp := range d.Spans {
			if sp.Origin != annotate.OriginSuggested {
				want = append(want, [2]string{sp.Label, d.Slice(sp.Start, sp.End)})
			}
		}
	}
	byPair := func(a, b [2]string) int { return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1])) }
	slices.SortFunc(want, byPair)
	var args, names []string
	for _, f := range []string{"doccano", "labelstudio", "cluener", "spacy"} {
		for _, records := range []Records{RecordDocument, RecordSentence} {
			path, _ := jsonExportTo(t, NewCorpus(jsonSchema(), jsonDocs(t)), f, Options{Records: records})
			args = append(args, f, path)
			names = append(names, f+"/"+string(records))
		}
	}
	out, err := exec.Command(py, append([]string{"-c", jsonPythonCheck}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("ERROR")) {
		t.Fatalf("python3 found errors:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(names) {
		t.Fatalf("python3 printed %d lines, want %d:\n%s", len(lines), len(names), out)
	}
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			var got [][2]string
			if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
				t.Fatalf("python3 output %s: %v", lines[i], err)
			}
			slices.SortFunc(got, byPair)
			if !slices.Equal(got, want) {
				t.Errorf("python3 read spans\n%v\nwant\n%v", got, want)
			}
		})
	}
}

// BenchmarkJSONLExport measures each JSON format's export speed in MB/s of
// output (the target: at least 50 MB/s) on 100 documents of 10,000
// characters with two-character tokens and a span every 20 characters.
func BenchmarkJSONLExport(b *testing.B) {
	const nDocs, nChars = 100, 10000
	var docs []*annotate.Document
	base := []rune("焦作市人民政府今天发布通知𠀀😀，王小明说：好。")
	for i := range nDocs {
		rs := make([]rune, nChars)
		for k := range rs {
			rs[k] = base[(k+i)%len(base)]
		}
		d := &annotate.Document{Name: fmt.Sprintf("doc-%d.txt", i), Text: string(rs), Status: annotate.StatusDone}
		for k := 0; k < nChars; k += 2 {
			d.Tokens = append(d.Tokens, text.Token{Start: k, End: k + 2, Text: string(rs[k : k+2]), POS: "n"})
		}
		for k := 0; k+100 <= nChars; k += 100 {
			d.Sentences = append(d.Sentences, text.Sentence{Start: k, End: k + 100})
		}
		for k := 0; k+4 <= nChars; k += 20 {
			d.Spans = append(d.Spans, annotate.Span{ID: int64(i*nChars + k + 1), Layer: "entities", Label: "LOC", Start: k, End: k + 4, Origin: annotate.OriginManual})
		}
		docs = append(docs, d)
	}
	src := NewCorpus(jsonSchema(), docs)
	for _, f := range []string{"doccano", "spacy", "hf", "cluener", "labelstudio"} {
		for _, records := range []Records{RecordDocument, RecordSentence} {
			b.Run(f+"/"+string(records), func(b *testing.B) {
				out := filepath.Join(b.TempDir(), "out.jsonl")
				for b.Loop() {
					if _, err := Export(context.Background(), src, f, out, Options{Records: records}); err != nil {
						b.Fatal(err)
					}
				}
				st, err := os.Stat(out)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(st.Size())
			})
		}
	}
}

// TestJSONImportFilesRoundTrip: each JSON export imported into a real
// project (overlaps allowed, as in the corpus) gives the same spans, with
// the layer resolved from the label where the format does not carry it.
func TestJSONImportFilesRoundTrip(t *testing.T) {
	for _, f := range jsonFormats {
		t.Run(f.name, func(t *testing.T) {
			docs := jsonDocs(t)
			path, _ := jsonExportTo(t, NewCorpus(jsonSchema(), docs), f.name, Options{})
			p, err := annotate.Create(filepath.Join(t.TempDir(), "p.biaozhu"), jsonSchema(), annotate.Options{NoBackup: true})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			rep, err := ImportFiles(context.Background(), p, nil, f.name, []string{path}, ReadOptions{})
			if err != nil {
				t.Fatalf("ImportFiles() error = %v", err)
			}
			if len(rep.NewLabels) != 0 {
				t.Errorf("new labels = %v, want none", rep.NewLabels)
			}
			sums, err := p.Documents()
			if err != nil || len(sums) != len(docs) {
				t.Fatalf("Documents() = %d, %v; want %d", len(sums), err, len(docs))
			}
			for i, s := range sums {
				got, err := p.Document(s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Text != docs[i].Text || got.Name != docs[i].Name {
					t.Errorf("doc %d = %q %q, want %q %q", i, got.Name, got.Text, docs[i].Name, docs[i].Text)
				}
				// Every label here belongs to one layer: the layer comes back
				// in every format.
				if g, w := jsonSpansOf(got.Spans, true, f.note), jsonSpansOf(docs[i].Spans, true, f.note); !slices.Equal(g, w) {
					t.Errorf("doc %d spans =\n%v\nwant\n%v", i, g, w)
				}
				if f.name == "spacy" && i == 0 && !slices.Equal(got.Tokens, docs[0].Tokens) {
					t.Errorf("spacy tokens = %v, want %v", got.Tokens, docs[0].Tokens)
				}
			}
		})
	}
}
