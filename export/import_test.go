package export

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// nestedDoccano is a doccano file of nested entities with labels the
// default schema has (ORG holding LOC and GPE) and a span that overlaps
// none.
const nestedDoccano = `{"text":"北京大學附屬中學的學生。","label":[[0,8,"ORG"],[0,2,"LOC"],[0,4,"ORG"],[9,11,"PER"]],"meta":{"doc_name":"nested"}}` + "\n"

// newProject is a real project file with schema (nil: the default).
func newProject(t *testing.T, schema *annotate.Schema) *annotate.Project {
	t.Helper()
	p, err := annotate.Create(filepath.Join(t.TempDir(), "p.biaozhu"), schema, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// layerSpans lists the spans of the project's only document as
// "layer/label [start,end)", sorted.
func layerSpans(t *testing.T, p *annotate.Project) []string {
	t.Helper()
	docs := projectDocs(t, p)
	if len(docs) != 1 {
		t.Fatalf("%d documents, want 1", len(docs))
	}
	var out []string
	for _, sp := range docs[0].Spans {
		out = append(out, rtSpan{layer: sp.Layer, label: sp.Label, start: sp.Start, end: sp.End}.String())
	}
	slices.Sort(out)
	return out
}

// TestImportLayerOption: -layer wins over the layer that has the label
// (issue 12: it was ignored for labels the schema has, so nested entities
// could not be imported at all). A new name makes a layer that allows
// overlaps; an existing layer keeps its rule and, when it forbids
// overlaps, the import fails naming it. Without -layer the overlapping
// spans go to entity-nested, reported, and the import does not fail.
func TestImportLayerOption(t *testing.T) {
	path := tabWrite(t, "nested.jsonl", []byte(nestedDoccano))
	withTopic := func() *annotate.Schema {
		s := annotate.DefaultSchema()
		s.Layers = append(s.Layers, annotate.Layer{Name: "topic", Overlap: annotate.OverlapAllowed})
		return s
	}
	for _, tc := range []struct {
		name, layer string
		schema      func() *annotate.Schema
		want        []string
		wantErr     string
		rule        map[string]annotate.Overlap // layer → its rule after
	}{
		{name: "new layer", layer: "mine", want: []string{`mine/ORG[0,8)""`, `mine/LOC[0,2)""`, `mine/ORG[0,4)""`, `mine/PER[9,11)""`},
			rule: map[string]annotate.Overlap{"mine": annotate.OverlapAllowed, "entity": annotate.OverlapForbidden}},
		{name: "existing layer that allows overlaps", layer: "topic", schema: withTopic,
			want: []string{`topic/ORG[0,8)""`, `topic/LOC[0,2)""`, `topic/ORG[0,4)""`, `topic/PER[9,11)""`},
			rule: map[string]annotate.Overlap{"topic": annotate.OverlapAllowed, "entity": annotate.OverlapForbidden}},
		{name: "existing layer that forbids them", layer: "entity", wantErr: `in layer "entity", which forbids overlaps`},
		{name: "no layer", want: []string{`entity/ORG[0,8)""`, `entity-nested/LOC[0,2)""`, `entity-nested/ORG[0,4)""`, `entity/PER[9,11)""`},
			rule: map[string]annotate.Overlap{"entity": annotate.OverlapForbidden, "entity-nested": annotate.OverlapAllowed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var schema *annotate.Schema
			if tc.schema != nil {
				schema = tc.schema()
			}
			p := newProject(t, schema)
			rep, err := ImportFiles(context.Background(), p, nil, "doccano", []string{path}, ReadOptions{Layer: tc.layer})
			if tc.wantErr != "" {
				var re *RecordError
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.As(err, &re) || re.File != path {
					t.Fatalf("err = %v, want a RecordError naming %s and saying %q", err, path, tc.wantErr)
				}
				if docs := projectDocs(t, p); len(docs) != 0 {
					t.Errorf("%d documents imported by a failed import", len(docs))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if got := layerSpans(t, p); !slices.Equal(got, want) {
				t.Errorf("spans %q, want %q", got, want)
			}
			for name, rule := range tc.rule {
				if l, ok := p.Schema().Layer(name); !ok || l.Overlap != rule {
					t.Errorf("layer %s: %+v, %v; want overlap %s", name, l, ok, rule)
				}
			}
			if tc.layer == "" && (len(rep.Nested) != 1 || rep.Nested[0].Spans != 2 || !strings.Contains(rep.Nested[0].String(), path) ||
				!slices.Contains(rep.NewLayers, "entity-nested")) {
				t.Errorf("report: nested %v, new layers %v; want 2 spans into the new layer entity-nested, naming the file", rep.Nested, rep.NewLayers)
			}
		})
	}
}

// TestImportNestedTwice: a second import of the same file uses the
// entity-nested layer the first made (it allows overlaps), and a layer
// of that name that forbids overlaps is never used: entity-nested-2 is.
func TestImportNestedTwice(t *testing.T) {
	path := tabWrite(t, "nested.jsonl", []byte(nestedDoccano))
	p := newProject(t, nil)
	for range 2 {
		if _, err := ImportFiles(context.Background(), p, nil, "doccano", []string{path}, ReadOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.Schema().LayerNames(); !slices.Equal(got, []string{"entity", "entity-nested"}) {
		t.Errorf("layers %q after two imports, want entity and entity-nested", got)
	}
	s := annotate.DefaultSchema()
	s.Layers = append(s.Layers, annotate.Layer{Name: "entity-nested", Overlap: annotate.OverlapForbidden})
	p = newProject(t, s)
	rep, err := ImportFiles(context.Background(), p, nil, "doccano", []string{path}, ReadOptions{})
	if err != nil || len(rep.Nested) != 1 || rep.Nested[0].Into != "entity-nested-2" {
		t.Fatalf("nested %v, err %v; want the spans in entity-nested-2", rep.Nested, err)
	}
	if l, _ := p.Schema().Layer("entity-nested"); l.Overlap != annotate.OverlapForbidden {
		t.Errorf("entity-nested's rule changed to %s", l.Overlap)
	}
}

// badNameCases are files with a label (or layer) name that
// annotate.CheckName refuses, in each format that carries labels: the
// line the error must name (0: a cell, named by Where) and what it says.
// Each file has a good record too, which -skip-bad imports.
var badNameCases = []struct {
	name, format, file, data string
	line                     int
	want                     string
}{
	{"doccano spaces", "doccano", "a.jsonl", `{"text":"好的","label":[[0,1,"PER"]]}` + "\n" + `{"text":"甲乙","label":[[0,1,"   "]]}` + "\n", 2, "only white space"},
	{"doccano tab", "doccano", "a.jsonl", `{"text":"好的","label":[[0,1,"PER"]]}` + "\n" + `{"text":"甲乙","label":[[0,1,"A\tB"]]}` + "\n", 2, "holds a tab"},
	{"doccano NUL", "doccano", "a.jsonl", `{"text":"好的","label":[[0,1,"PER"]]}` + "\n" + `{"text":"甲乙","label":[[0,1,"A\u0000"]]}` + "\n", 2, "NUL"},
	{"doccano meta layer", "doccano", "a.jsonl", `{"text":"好的","label":[[0,1,"PER"]]}` + "\n" + `{"text":"甲乙","label":[[0,1,"PER"]],"meta":{"layers":[[0,1,"PER","a\nb"]]}}` + "\n", 2, `layer "a\nb" holds a line break`},
	{"cluener newline", "cluener", "a.jsonl", `{"text":"好的","label":{"PER":{"好":[[0,0]]}}}` + "\n" + `{"text":"甲乙","label":{"A\nB":{"甲":[[0,0]]}}}` + "\n", 2, "line break"},
	{"labelstudio layer", "labelstudio", "a.json", `[{"data":{"text":"好的"}},` + "\n" + `{"data":{"text":"甲乙"},"annotations":[{"result":[{"id":"a","from_name":"x\ty","type":"labels","value":{"start":0,"end":1,"labels":["PER"]}}]}]}]`, 2, `layer "x\ty" holds a tab`},
	{"spacy long", "spacy", "a.jsonl", `{"text":"好的","spans":[]}` + "\n" + `{"text":"甲乙","spans":[{"start":0,"end":1,"label":"` + strings.Repeat("機", 101) + `"}]}` + "\n", 2, "at most 100"},
	{"conll space", "conll", "a.conll", "好\tO\n的\tO\n\n甲\tB- X\n乙\tO\n", 4, "starts or ends with white space"},
	{"brat", "brat", "a.ann", "T1\tPER 0 1\t好\nT2\tA\u0085B 1 2\t的\n", 2, "line break"},
	{"csv-tokens layer", "csv", "a.csv", "doc_id,doc_name,sent_id,token_id,start,end,token,pos,space_after,\" x\"\n1,d,1,1,0,1,好,a,,O\n", 1, "starts or ends with white space"},
	{"csv-tokens tag", "csv", "a.csv", "doc_id,doc_name,sent_id,token_id,start,end,token,pos,space_after,entity\n1,d,1,1,0,1,好,a,,B-PER\n2,e,1,1,0,1,甲,n,,\"B-A\tB\"\n", 3, "holds a tab"},
}

// TestImportBadNames: a layer or label name annotate.CheckName refuses is
// a bad record naming the file and line (issue 13: a label of only spaces
// refused the whole import, even with -skip-bad, naming neither file nor
// line; TAB, newline and NUL were accepted and broke CoNLL and the Label
// Studio XML later). -skip-bad skips it and imports the rest.
func TestImportBadNames(t *testing.T) {
	for _, tc := range badNameCases {
		t.Run(tc.name, func(t *testing.T) {
			path := tabWrite(t, tc.file, []byte(tc.data))
			if tc.format == "brat" {
				os.WriteFile(strings.TrimSuffix(path, ".ann")+".txt", []byte("好的"), 0o644)
			}
			p := newProject(t, nil)
			_, err := ImportFiles(context.Background(), p, nil, tc.format, []string{path}, ReadOptions{})
			var re *RecordError
			if !errors.As(err, &re) || re.File != path || re.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want a RecordError at %s:%d saying %q", err, path, tc.line, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "import: "+path) {
				t.Errorf("err = %q, want it to start with import: and the file", err)
			}
			if tc.name == "csv-tokens layer" {
				return // the header: nothing to skip to
			}
			rep, err := ImportFiles(context.Background(), p, nil, tc.format, []string{path}, ReadOptions{SkipBad: true})
			if err != nil || len(rep.Skipped) != 1 || rep.Docs == 0 {
				t.Fatalf("-skip-bad: %d documents, skipped %v, err %v; want the good record and one skipped", rep.Docs, rep.Skipped, err)
			}
		})
	}
}

// TestImportReadsNothing: an import that reads no document is an error
// (issue 13: it said "imported 0 documents" with status 0), and a
// CoNLL-U file with CR-only line ends is read line by line, not as one
// line of comments.
func TestImportReadsNothing(t *testing.T) {
	conllu := "# newdoc id = cr\r# sent_id = 1\r# text = 好的\r1\t好\t_\tADJ\ta\t_\t_\t_\t_\tSpaceAfter=No\r2\t的\t_\tPART\tuj\t_\t_\t_\t_\tSpaceAfter=No\r\r"
	p := newProject(t, nil)
	rep, err := ImportFiles(context.Background(), p, nil, "conllu", []string{tabWrite(t, "cr.conllu", []byte(conllu))}, ReadOptions{})
	if err != nil || rep.Docs != 1 {
		t.Fatalf("CoNLL-U with CR line ends: %d documents, err %v; want 1", rep.Docs, err)
	}
	if d := projectDocs(t, p)[0]; d.Text != "好的" || len(d.Tokens) != 2 || d.Name != "cr" {
		t.Errorf("read %q %q with %d tokens, want cr 好的 with 2", d.Name, d.Text, len(d.Tokens))
	}

	emptyBook := func() string {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetRow("Sheet1", "A1", &[]any{"text", "id"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"", "a"}) // no text: a bad record
		f.SetSheetRow("Sheet1", "A3", &[]any{"", "b"})
		path := filepath.Join(t.TempDir(), "refused.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		return path
	}()
	for _, tc := range []struct {
		name, format, file, data string
		opts                     ReadOptions
		want                     string
	}{
		{"only comments", "conllu", "c.conllu", "# newdoc id = x\n# text = 好\n", ReadOptions{}, "no documents in it"},
		{"empty doccano", "doccano", "e.jsonl", "", ReadOptions{}, "no documents in it"},
		{"every record skipped", "doccano", "s.jsonl", `{"text":"好","label":[[0,9,"PER"]]}` + "\n", ReadOptions{SkipBad: true}, "no documents read (1 bad records skipped)"},
		{"xlsx whose rows were refused", "xlsx", emptyBook, "", ReadOptions{SkipBad: true}, "no documents read (2 bad records skipped)"},
		{"csv header only", "csv", "h.csv", "text,id\n", ReadOptions{}, "no documents in it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.file
			if tc.data != "" || !filepath.IsAbs(path) {
				path = tabWrite(t, tc.file, []byte(tc.data))
			}
			p := newProject(t, nil)
			rep, err := ImportFiles(context.Background(), p, nil, tc.format, []string{path}, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) || rep.Docs != 0 {
				t.Fatalf("err = %v (%d documents); want an error naming %s: %q", err, rep.Docs, path, tc.want)
			}
		})
	}
}

// TestImportBadText: invalid UTF-8 or NUL in a CoNLL or CoNLL-U line is a
// bad record naming the file and line (issue 13: it was imported and
// later written raw into a brat export, which brat refuses); -skip-bad
// skips that sentence.
func TestImportBadText(t *testing.T) {
	for _, tc := range []struct {
		name, format, data string
		line               int
		want               string
	}{
		{"conll NUL", "conll", "好\tO\n的\tO\n\n甲\x00\tO\n乙\tO\n", 4, "NUL"},
		{"conll invalid UTF-8", "conll", "好\tO\n的\tO\n\n甲\xff\tO\n乙\tO\n", 4, "not valid UTF-8"},
		{"conllu NUL", "conllu", "1\t好\t_\t_\t_\t_\t_\t_\t_\t_\n\n1\t甲\x00\t_\t_\t_\t_\t_\t_\t_\t_\n", 3, "NUL"},
		{"conllu invalid UTF-8", "conllu", "1\t好\t_\t_\t_\t_\t_\t_\t_\t_\n\n# text = \xfe\n1\t甲\t_\t_\t_\t_\t_\t_\t_\t_\n", 3, "not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tabWrite(t, "bad."+tc.format, []byte(tc.data))
			p := newProject(t, nil)
			_, err := ImportFiles(context.Background(), p, nil, tc.format, []string{path}, ReadOptions{})
			var re *RecordError
			if !errors.As(err, &re) || re.File != path || re.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want a RecordError at %s:%d saying %q", err, path, tc.line, tc.want)
			}
			rep, err := ImportFiles(context.Background(), p, nil, tc.format, []string{path}, ReadOptions{SkipBad: true})
			if err != nil || len(rep.Skipped) != 1 {
				t.Fatalf("-skip-bad: skipped %v, err %v", rep.Skipped, err)
			}
			for _, d := range projectDocs(t, p) {
				if checkText(d.Text) != nil || strings.Contains(d.Text, "甲") {
					t.Errorf("imported %q", d.Text)
				}
			}
		})
	}
}

// TestImportErrorPrefix: import errors say import, not export (issue 12).
func TestImportErrorPrefix(t *testing.T) {
	p := newProject(t, nil)
	for _, paths := range [][]string{{filepath.Join(t.TempDir(), "missing.jsonl")}, {tabWrite(t, "bad.jsonl", []byte("{"))}} {
		_, err := ImportFiles(context.Background(), p, nil, "doccano", paths, ReadOptions{})
		if err == nil || !strings.HasPrefix(err.Error(), "import: ") || strings.Contains(err.Error(), "export:") {
			t.Errorf("err = %v, want it to start with import: and not say export:", err)
		}
	}
}

// TestXLSXLongLabel: a label of 85 Han characters (255 bytes) exports to
// xlsx (issue 13: "width of the column must be ≤ 255"), and so does one
// of MaxNameLen.
func TestXLSXLongLabel(t *testing.T) {
	for _, n := range []int{85, annotate.MaxNameLen} {
		label := strings.Repeat("機", n)
		s := annotate.DefaultSchema()
		s.Layers[0].Labels = append(s.Layers[0].Labels, annotate.Label{Name: label, Color: "#123456"})
		d := &annotate.Document{Name: "d", Text: "機構", Tokens: []text.Token{{Start: 0, End: 2}},
			Spans: []annotate.Span{{ID: 1, Layer: "entity", Label: label, Start: 0, End: 2}}}
		out := filepath.Join(t.TempDir(), "long.xlsx")
		if _, err := Export(context.Background(), NewCorpus(s, []*annotate.Document{d}), "xlsx", out, Options{}); err != nil {
			t.Fatalf("%d characters: %v", n, err)
		}
		im := readAs(t, "xlsx", out, ReadOptions{})
		if len(im.Docs) != 1 || len(im.Docs[0].Spans) != 1 || im.Docs[0].Spans[0].Label != label {
			t.Errorf("%d characters: read back %+v", n, im.Docs)
		}
	}
}

// TestCSVKeepsLineEnds: a CSV cell keeps CRLF (encoding/csv, and the text
// decoder, wrote it as LF).
func TestCSVKeepsLineEnds(t *testing.T) {
	path := tabWrite(t, "crlf.csv", []byte("id,text\r\na,\"第一行\r\n第二行\r第三行\tend\"\r\n"))
	im := readAs(t, "csv", path, ReadOptions{IDCol: "id"})
	if len(im.Docs) != 1 || im.Docs[0].Text != "第一行\r\n第二行\r第三行\tend" || im.Docs[0].Name != "a" {
		t.Errorf("read %+v", im.Docs)
	}
}

// TestWritersMakeLabelsSafe: a project made before names were checked
// may hold labels with white space or control characters; the writers
// make them safe for their format and say so. CoNLL writes white space
// and control characters of a tag's label as _ (a tab split the column),
// with a warning naming the label; the Label Studio config gives every
// label back exactly to an XML parser (tab and line breaks as character
// references), and characters XML cannot hold as U+FFFD, warned.
func TestWritersMakeLabelsSafe(t *testing.T) {
	labels := []string{"my label", "A\tB", "C\nD", "E\x01F"}
	s := annotate.DefaultSchema()
	d := &annotate.Document{Name: "d", Text: "甲乙丙丁", Tokens: []text.Token{{Start: 0, End: 1}, {Start: 1, End: 2}, {Start: 2, End: 3}, {Start: 3, End: 4}}}
	for i, l := range labels {
		s.Layers[0].Labels = append(s.Layers[0].Labels, annotate.Label{Name: l, Color: "#123456"})
		d.Spans = append(d.Spans, annotate.Span{ID: int64(i + 1), Layer: "entity", Label: l, Start: i, End: i + 1})
	}
	src := NewCorpus(s, []*annotate.Document{d})

	out := filepath.Join(t.TempDir(), "x.conll")
	res, err := Export(context.Background(), src, "conll", out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range readFileLines(t, out) {
		if l != "" && strings.Count(l, "\t") != 1 {
			t.Errorf("CoNLL line %q has %d tabs, want 1", l, strings.Count(l, "\t"))
		}
	}
	for _, w := range []string{`label "my label" written as "my_label"`, `label "A\tB" written as "A_B"`, `label "C\nD" written as "C_D"`, `label "E\x01F" written as "E_F"`} {
		if !hasWarning(res.Warnings, w) {
			t.Errorf("no warning %q in %v", w, res.Warnings)
		}
	}
	var got []string
	for _, sp := range readAs(t, "conll", out, ReadOptions{}).Docs[0].Spans {
		got = append(got, sp.Label)
	}
	if want := []string{"my_label", "A_B", "C_D", "E_F"}; !slices.Equal(got, want) {
		t.Errorf("read back %q, want %q", got, want)
	}

	out = filepath.Join(t.TempDir(), "x.json")
	res, err = Export(context.Background(), src, "labelstudio", out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Labels []struct {
			Label []struct {
				Value string `xml:"value,attr"`
			}
		}
	}
	if err := xml.Unmarshal([]byte(readTestFile(t, strings.TrimSuffix(out, ".json")+".config.xml")), &view); err != nil {
		t.Fatalf("the labelling config is not XML: %v", err)
	}
	got = nil
	for _, l := range view.Labels[0].Label {
		got = append(got, l.Value)
	}
	preset := annotate.EntityPreset()
	if want := append(preset.LabelNames(), "my label", "A\tB", "C\nD", "E\uFFFDF"); !slices.Equal(got, want) {
		t.Errorf("labels in the config %q, want %q", got, want)
	}
	if !hasWarning(res.Warnings, `"E\x01F" holds characters XML cannot carry`) {
		t.Errorf("no warning about E\\x01F in %v", res.Warnings)
	}
}

func readFileLines(t *testing.T, path string) []string {
	t.Helper()
	return strings.Split(readTestFile(t, path), "\n")
}

// FuzzCSVCell: a cell written by encoding/csv (quoted when it must be)
// comes back exactly, CR and CRLF included.
func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"第一行\r\n第二行\r第三行\tend", "a\rb", "\r\n", "\"q\"\r", "x", "=SUM(1,2)", "'=x", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		if strings.TrimSpace(cell) == "" || !utf8.ValidString(cell) || strings.ContainsRune(cell, 0) || strings.ContainsRune(cell, '\uFEFF') {
			return
		}
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Write([]string{"id", "text"})
		w.Write([]string{"a", cell})
		w.Flush()
		path := filepath.Join(t.TempDir(), "f.csv")
		os.WriteFile(path, []byte(b.String()), 0o644)
		im, err := readCSV(path, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(im.Docs) != 1 || im.Docs[0].Text != cell {
			t.Fatalf("read %+v, want the cell %q", im.Docs, cell)
		}
		// -excel's neutralisation is undone exactly.
		if got := excelUncell(excelCell(cell)); got != cell {
			t.Fatalf("excelUncell(excelCell(%q)) = %q", cell, got)
		}
	})
}

// TestImportFilesSegments: documents read without tokens are segmented for
// storing (their tokens never a []Token, see annotate.SegmentForStore) and
// stored with the tokens SegmentSentences gives their text; the project
// counts them, and opening a document gives them. A document with its
// own tokens keeps them.
func TestImportFilesSegments(t *testing.T) {
	seg := testSegmenter(t)
	texts := map[string]string{
		"dialogue": "「你好嗎？」他問。\n「很好！」她說，然後走了……\n甲：你今天去哪兒了？乙：我在第三號會議室開會。",
		"list":     "一、蘋果；二、香蕉；三、橘子。\n價格：蘋果 5 元／斤，梨 3.5 元。\n𠮷野家的𩸽魚很好吃。",
		"long":     strings.Repeat("我們在北京大學附屬中學的學生", 2000),
	}
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	w.Write([]string{"id", "text"})
	for _, name := range []string{"dialogue", "list", "long"} {
		w.Write([]string{name, texts[name]})
	}
	w.Flush()
	p := newProject(t, nil)
	if _, err := ImportFiles(context.Background(), p, seg, "csv", []string{tabWrite(t, "docs.csv", []byte(sb.String()))}, ReadOptions{IDCol: "id"}); err != nil {
		t.Fatal(err)
	}
	conllu := "# text = 我們走了。\n1\t我們走\t_\tPRON\t_\t_\t0\troot\t_\tSpaceAfter=No\n2\t了\t_\tPART\t_\t_\t1\tdep\t_\tSpaceAfter=No\n3\t。\t_\tPUNCT\t_\t_\t1\tpunct\t_\t_\n\n"
	if _, err := ImportFiles(context.Background(), p, seg, "conllu", []string{tabWrite(t, "gold.conllu", []byte(conllu))}, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	sums, err := p.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 4 {
		t.Fatalf("%d documents, want 4", len(sums))
	}
	for _, s := range sums {
		t.Run(s.Name, func(t *testing.T) {
			d, err := p.Document(s.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := text.SegmentSentences(seg, d.Text, text.Sentences(d.Text))
			if text, ok := texts[s.Name]; !ok {
				var got []string
				for _, tk := range d.Tokens {
					got = append(got, tk.Text)
				}
				if d.TokensFrom != annotate.TokensImported || !slices.Equal(got, []string{"我們走", "了", "。"}) {
					t.Errorf("gold tokens %q from %q, want 我們走 了 。 from %q", got, d.TokensFrom, annotate.TokensImported)
				}
				want = d.Tokens
			} else if d.Text != text {
				t.Fatalf("text %q, want %q", d.Text, text)
			} else if !slices.Equal(d.Tokens, want) {
				t.Errorf("tokens %v, want %v", d.Tokens, want)
			}
			if s.Tokens != len(want) {
				t.Errorf("the project counts %d tokens, want %d", s.Tokens, len(want))
			}
		})
	}
}

// TestImportStdin: the path "-" reads ReadOptions.Stdin in the format
// given, like a file of that content; what the import says names it
// "standard input" (never the temporary file it is copied to, which is
// gone after), and its documents have no source. brat cannot be read so.
func TestImportStdin(t *testing.T) {
	seg := testSegmenter(t)
	tests := []struct {
		name, format, in string
		opts             ReadOptions
		docs             []string // name: text
		err, warn, skip  string
	}{
		{name: "doccano", format: "doccano", in: `{"text":"北京很大。","label":[[0,2,"LOC"]]}` + "\n" + `{"text":"上海。","label":[]}` + "\n",
			docs: []string{"stdin-line1: 北京很大。", "stdin-line2: 上海。"}},
		{name: "conll", format: "conll", in: "-DOCSTART- -X- O O\n\n北\tB-LOC\n京\tI-LOC\n好\tO\n",
			docs: []string{"stdin: 北京好"}},
		{name: "csv with a bad row", format: "csv", in: "id,text\na,第一篇。\nb,\n", opts: ReadOptions{IDCol: "id", SkipBad: true},
			docs: []string{"a: 第一篇。"}, skip: "standard input"},
		{name: "bad line names standard input", format: "doccano", in: "{\"text\":\"好\",\"label\":[[0,5,\"X\"]]}\n",
			err: "standard input:1"},
		{name: "brat", format: "brat", in: "T1\tPER 0 1\t甲\n", err: "brat reads a folder, a .zip or a .txt/.ann pair, not standard input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProject(t, nil)
			opts := tt.opts
			opts.Stdin = strings.NewReader(tt.in)
			rep, err := ImportFiles(context.Background(), p, seg, tt.format, []string{"-"}, opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "biaozhu-stdin-") {
					t.Fatalf("ImportFiles(-) error = %v, want one containing %q (and no temporary file)", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ImportFiles(-) error = %v", err)
			}
			sums, err := p.Documents()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range sums {
				d, err := p.Document(s.ID)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, d.Name+": "+d.Text)
				if d.Source != "" {
					t.Errorf("%s: source %q, want none", d.Name, d.Source)
				}
			}
			if !slices.Equal(got, tt.docs) {
				t.Errorf("documents %q, want %q", got, tt.docs)
			}
			said := strings.Join(rep.Warnings, "\n")
			for _, e := range rep.Skipped {
				said += "\n" + e.Error()
			}
			if strings.Contains(said, "biaozhu-stdin-") || tt.warn != "" && !strings.Contains(strings.Join(rep.Warnings, "\n"), tt.warn) {
				t.Errorf("warnings %q: want them to name %q, never the temporary file", rep.Warnings, tt.warn)
			}
			if tt.skip != "" && (len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Error(), tt.skip)) {
				t.Errorf("skipped %v, want one naming %q", rep.Skipped, tt.skip)
			}
		})
	}
}
