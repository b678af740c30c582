package export

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// consumerLong is the text of the long document: 2,300 times a sentence
// of 15 characters (34,500 characters), so that a span of 33,000
// characters (more than an Excel cell holds) fits in it.
var consumerLong = strings.Repeat("這是一個很長的句子，用來測試。", 2300)

// consumerDocs are the documents of the consumer project (issue 15's
// acceptance): a document named =HYPERLINK(1).txt whose text starts
// cells with = + - @ and a tab, with a label holding a space; nested
// spans with Chinese labels; a dialogue with CRLF line ends and a U+2028
// line separator, and spans across both; a price list with tabs; a
// document of 34,500 characters with a span of 33,000.
var consumerDocs = []fidelityDoc{
	{"=HYPERLINK(1).txt", "=SUM(1,2) 是公式嗎？+86 電話，-1 度。\n@某人 說：\t好。\n", [][5]string{
		{"entity", "人 名", "某人", "", "=note"},
		{"entity", "機構", "=SUM(1,2)", "", ""},
		{"topic", "話題", "+86 電話", "", "-1"},
	}},
	{"新聞 2021.txt", "中華人民共和國國務院今天在北京開會。𠀀先生說：😀很好。", [][5]string{
		{"entity", "機構", "中華人民共和國國務院", "", "國務院是機構"},
		{"entity", "國家", "中華人民共和國", "", ""},
		{"entity", "地名", "北京", "", ""},
		{"entity", "人 名", "𠀀先生", "", ""},
		{"topic", "話題", "中華人民共和國國務院今天在北京開會。", "", ""},
	}},
	{"對話.txt", "甲：你去哪兒？\r\n乙：我去上海。\u2028丙：好。\r\n", [][5]string{
		{"entity", "地名", "上海", "", ""},
		{"topic", "問答", "你去哪兒？\r\n乙：我去上海。", "", "across a CRLF"},
		{"topic", "問答", "上海。\u2028丙：好", "", "across U+2028"},
		{"entity", "人 名", "甲", "", ""},
	}},
	{"價目表", "1.\t蘋果\t3元\n2.\t香蕉\t5元\n", [][5]string{
		{"topic", "商品", "蘋果", "", ""},
	}},
	{"長文.txt", consumerLong, [][5]string{
		{"topic", "話題", consumerLong[:len(string([]rune(consumerLong)[:33000]))], "", "33,000 characters"},
		{"entity", "機構", "句子", "", ""},
	}},
}

// consumerSchema: entity allows overlaps (nested entities), Chinese labels
// and one with a space; topic too.
func consumerSchema() *annotate.Schema {
	s := annotate.DefaultSchema()
	e := &s.Layers[0]
	e.Overlap = annotate.OverlapAllowed
	for i, l := range []string{"人 名", "地名", "機構", "國家"} {
		e.Labels = append(e.Labels, annotate.Label{Name: l, Color: palette[i]})
	}
	s.Layers = append(s.Layers, annotate.Layer{Name: "topic", Overlap: annotate.OverlapAllowed, Labels: []annotate.Label{
		{Name: "話題", Color: "#999999"}, {Name: "問答", Color: "#cc79a7"}, {Name: "商品", Color: "#0072b2"}}})
	return s
}

// consumerProject writes the consumer project to a real project file,
// segmented with the real segmenter, and opens it again read-only, as
// export does. Documents have a Source under a folder of the machine, as
// an import of a folder gives them.
func consumerProject(t *testing.T) (*annotate.Project, []*annotate.Document) {
	t.Helper()
	seg := testSegmenter(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "consumers.biaozhu")
	p, err := annotate.Create(path, consumerSchema(), annotate.Options{NoBackup: true, Annotator: "rt"})
	if err != nil {
		t.Fatal(err)
	}
	for i, fd := range consumerDocs {
		d := &annotate.Document{Name: fd.name, Text: fd.text, Raw: fd.text, Source: filepath.Join(dir, "corpus", []string{"a", "b"}[i%2], fd.name)}
		d.Sentences = text.Sentences(d.Text)
		d.Tokens = text.SegmentSentences(seg, d.Text, d.Sentences)
		for _, s := range fd.spans {
			from := 0
			if s[3] != "" {
				from = strings.Index(d.Text, s[3]) + len(s[3])
			}
			i := strings.Index(d.Text[from:], s[2])
			if i < 0 {
				t.Fatalf("%q not in %q", s[2], d.Text)
			}
			start := len([]rune(d.Text[:from+i]))
			d.Spans = append(d.Spans, annotate.Span{Layer: s[0], Label: s[1], Start: start, End: start + len([]rune(s[2])), Note: s[4], Origin: annotate.OriginManual})
		}
		if err := p.AddDocument(d); err != nil {
			t.Fatalf("%s: %v", fd.name, err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = annotate.Open(path, annotate.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, projectDocs(t, p)
}

// The tests below check the exports of the consumer project with the
// programs their users read them with (issue 15): brat's own checker and
// parser, the official UD validator, openpyxl in read-only mode,
// LibreOffice, and for spaCy's DocBin a reader written from spaCy's own
// spacy/tokens/_serialize.py (spaCy itself is not a Debian package).
// Where a program is missing the test is skipped, unless BIAOZHU_READERS
// says it must be there (.ci/run sets it to "python": brat, the UD
// validator, openpyxl, msgpack and numpy, which .ci/deps --readers
// installs; make check-readers to "all", LibreOffice too): then it fails.

// readerMissing skips the test for want of a reader, or fails it when
// BIAOZHU_READERS says the reader must be installed (office: LibreOffice,
// which only "all" requires).
func readerMissing(t *testing.T, office bool, format string, args ...any) {
	t.Helper()
	switch os.Getenv("BIAOZHU_READERS") {
	case "all":
		t.Fatalf(format+" (BIAOZHU_READERS=all: make check-readers installs it)", args...)
	case "python":
		if !office {
			t.Fatalf(format+" (BIAOZHU_READERS=python: .ci/deps --readers installs it)", args...)
		}
	}
	t.Skipf(format, args...)
}

// consumerPython returns a Python that imports every module given:
// Debian's /usr/bin/python3 first, where apt-get installs them, then
// python3 on the PATH.
func consumerPython(t *testing.T, modules ...string) string {
	t.Helper()
	check := "import " + strings.Join(modules, ", ")
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(py); err == nil && exec.Command(p, "-c", check).Run() == nil {
			return p
		}
	}
	readerMissing(t, false, "no python3 with %s", strings.Join(modules, ", "))
	return ""
}

// sharedReader is the absolute path of rel under ../shared/readers.
func sharedReader(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "shared", "readers", rel))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		readerMissing(t, false, "%s is not here (%v): ../shared/readers is needed", rel, err)
	}
	return p
}

// consumerExport exports p in format to a file or folder called name in
// a temporary folder.
func consumerExport(t *testing.T, p *annotate.Project, format, name string, opts Options) (string, Result) {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	res, err := Export(context.Background(), p, format, out, opts)
	if err != nil {
		t.Fatalf("Export(%s) error = %v", format, err)
	}
	return out, res
}

// runPython runs script with py and the arguments; env is added to the
// environment. It returns the output and whether the script exited 0.
func runPython(t *testing.T, py, script string, env []string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	cmd.Env = append(os.Environ(), append(env, "PYTHONDONTWRITEBYTECODE=1")...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", py, err)
	}
	return string(out), err == nil
}

// spanTexts lists a document's spans as "layer/label: text", sorted, the
// text with CRLF and CR as LF (as brat reads it); a long text is its
// start and length.
func spanTexts(d *annotate.Document) []string {
	runes := []rune(d.Text)
	var out []string
	for _, sp := range d.Spans {
		s := string(runes[sp.Start:sp.End])
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
		if r := []rune(s); len(r) > 40 {
			s = fmt.Sprintf("%s… (%d characters)", string(r[:20]), len(r))
		}
		out = append(out, sp.Layer+"/"+sp.Label+": "+s)
	}
	slices.Sort(out)
	return out
}

// TestConsumerBrat: brat's checker (verify_annotations.py) finds nothing
// to say about the brat export of the consumer project: its Chinese
// labels are brat types (ASCII), its nested spans are allowed by the
// <OVERLAP> rules of annotation.conf; brat's parser reads every line, and
// the text as it reads it (CRLF as LF) is what the .txt holds, as the
// export warns. Our reader gives every span back with its Chinese label,
// from biaozhu.json, and from visual.conf's display names when
// biaozhu.json is not there (a collection brat handed on). Without the
// <OVERLAP> rules brat's checker complains: the check can fail.
func TestConsumerBrat(t *testing.T) {
	src := bratReaders(t)
	p, docs := consumerProject(t)
	out, res := consumerExport(t, p, "brat", "brat", Options{})
	if !hasWarning(res.Warnings, "CRLF or CR line ends in 1 documents (this one first) written as LF, as brat reads them") {
		t.Errorf("no warning about CRLF written as LF: %v", res.Warnings)
	}
	anns, _ := filepath.Glob(filepath.Join(out, "*.ann"))
	slices.Sort(anns)
	if len(anns) != len(docs) {
		t.Fatalf("%d .ann files, want %d", len(anns), len(docs))
	}
	if issues := runBrat(t, src, append([]string{"verify_annotations.py"}, anns...)...); strings.TrimSpace(issues) != "" {
		t.Errorf("brat's checker:\n%s", issues)
	}
	script := filepath.Join(t.TempDir(), "read.py")
	if err := os.WriteFile(script, []byte(bratPy), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(runBrat(t, src, append([]string{script}, anns...)...)), "\n")
	if len(lines) != len(docs) {
		t.Fatalf("brat printed %d lines for %d files", len(lines), len(docs))
	}
	for i, l := range lines {
		var got struct {
			Text   string
			Failed []int
			Spans  []json.RawMessage
		}
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("brat's output %q: %v", l, err)
		}
		if len(got.Failed) > 0 || got.Text != crlfAsLF(docs[i]) || len(got.Spans) != len(docs[i].Spans) {
			t.Errorf("%s: brat failed on lines %v, read %d text bounds (want %d), text %q (want %q)",
				docs[i].Name, got.Failed, len(got.Spans), len(docs[i].Spans), got.Text, crlfAsLF(docs[i]))
		}
	}
	readBack := func(t *testing.T, dir string) {
		im := readAs(t, "brat", dir, ReadOptions{})
		if len(im.Docs) != len(docs) {
			t.Fatalf("read %d documents, want %d", len(im.Docs), len(docs))
		}
		for i, d := range im.Docs {
			if got, want := spanTexts(d), spanTexts(docs[i]); !slices.Equal(got, want) {
				t.Errorf("%s: read spans\n%q\nwant\n%q", docs[i].Name, got, want)
			}
		}
	}
	t.Run("biaozhu.json", func(t *testing.T) { readBack(t, out) })
	// A collection without biaozhu.json: the labels from visual.conf.
	bare := filepath.Join(t.TempDir(), "bare")
	if err := os.CopyFS(bare, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(bare, bratMetaFile)); err != nil {
		t.Fatal(err)
	}
	t.Run("visual.conf", func(t *testing.T) { readBack(t, bare) })
	// The control: without the <OVERLAP> rules, brat rejects the nested
	// spans.
	conf := filepath.Join(bare, "annotation.conf")
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for l := range strings.Lines(string(data)) {
		if !strings.HasPrefix(l, "<OVERLAP>") {
			kept = append(kept, l)
		}
	}
	if err := os.WriteFile(conf, []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	bareAnns, _ := filepath.Glob(filepath.Join(bare, "*.ann"))
	if issues := runBrat(t, src, append([]string{"verify_annotations.py"}, bareAnns...)...); !strings.Contains(issues, "cannot contain") {
		t.Errorf("brat's checker, without the <OVERLAP> rules, said %q; want it to reject the nested spans", issues)
	}
}

// udValidate runs the UD validator at level 1 on the files; it returns
// its output and whether it passed them.
func udValidate(t *testing.T, files ...string) (string, bool) {
	t.Helper()
	py := consumerPython(t, "regex", "termcolor", "colorama")
	validate := sharedReader(t, "ud-tools/validate.py")
	udapi := sharedReader(t, "udapi")
	cmd := exec.Command(py, append([]string{validate, "--lang", "zh", "--level", "1"}, files...)...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+udapi, "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("validate.py: %v", err)
	}
	return string(out), err == nil && strings.Contains(string(out), "*** PASSED ***")
}

// TestConsumerUD: the official UD validator (validate.py --level 1)
// passes the conllu export of the consumer project, one document per
// file part and one sentence per record, with its tabs, CR, CRLF and
// U+2028 in the text; a copy with a line ending in a space fails it (the
// check can fail).
func TestConsumerUD(t *testing.T) {
	p, _ := consumerProject(t)
	for _, rec := range []Records{RecordDocument, RecordSentence} {
		t.Run(string(rec), func(t *testing.T) {
			out, _ := consumerExport(t, p, "conllu", "out.conllu", Options{Records: rec})
			if msg, ok := udValidate(t, out); !ok {
				t.Errorf("validate.py --level 1 %s:\n%s", filepath.Base(out), msg)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), `\u2028`) || !strings.Contains(string(data), `\r\n`) || !strings.Contains(string(data), `\t`) {
				t.Errorf("the export does not say where U+2028, CRLF and tabs were (SpacesAfter):\n%s", data)
			}
			bad := filepath.Join(t.TempDir(), "bad.conllu")
			broken := strings.Replace(string(data), "\tSpaceAfter=No\n", "\tSpaceAfter=No \n", 1)
			if err := os.WriteFile(bad, []byte(broken), 0o644); err != nil {
				t.Fatal(err)
			}
			if msg, ok := udValidate(t, bad); ok {
				t.Errorf("validate.py passed a file with a line ending in a space:\n%s", msg)
			}
		})
	}
}

// xlsxRows is each sheet of the workbook at path as excelize reads it
// (which works out each sheet's range from its rows).
func xlsxRows(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}

// openpyxlReadOnly reads every sheet with openpyxl in read-only mode (what
// pandas and scripts use for big files, which trusts <dimension>): its
// dimension, max_row and max_column, and its rows.
const openpyxlReadOnly = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = {}
for ws in wb.worksheets:
    rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    out[ws.title] = {"dim": ws.calculate_dimension(), "max_row": ws.max_row, "max_col": ws.max_column, "rows": rows}
print(json.dumps(out))
`

// TestConsumerOpenpyxlReadOnly: openpyxl in read-only mode sees every row
// and column of every sheet of the xlsx export of the consumer project
// (they were one cell when <dimension> said A1), with the values excelize
// reads; the Documents sheet gives each document's source relative to
// the imported folder.
func TestConsumerOpenpyxlReadOnly(t *testing.T) {
	py := consumerPython(t, "openpyxl")
	p, docs := consumerProject(t)
	out, _ := consumerExport(t, p, "xlsx", "out.xlsx", Options{})
	msg, ok := runPython(t, py, openpyxlReadOnly, nil, out)
	if !ok {
		t.Fatalf("openpyxl:\n%s", msg)
	}
	var got map[string]struct {
		Dim    string
		MaxRow int `json:"max_row"`
		MaxCol int `json:"max_col"`
		Rows   [][]string
	}
	if err := json.Unmarshal([]byte(msg), &got); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	want := xlsxRows(t, out)
	if len(got) != len(want) {
		t.Errorf("openpyxl reads %d sheets, excelize %d", len(got), len(want))
	}
	for name, rows := range want {
		width := 0
		for _, r := range rows {
			width = max(width, len(r))
		}
		g := got[name]
		if g.MaxRow != len(rows) || g.MaxCol != width || len(g.Rows) != len(rows) {
			t.Errorf("sheet %s: openpyxl read-only: dimension %s, max_row %d, max_column %d, %d rows; want %d rows of %d columns",
				name, g.Dim, g.MaxRow, g.MaxCol, len(g.Rows), len(rows), width)
			continue
		}
		for i, r := range rows {
			r = append(slices.Clone(r), make([]string, width-len(r))...)
			if !slices.Equal(g.Rows[i], r) {
				t.Errorf("sheet %s row %d: openpyxl %q, excelize %q", name, i+1, g.Rows[i], r)
			}
		}
	}
	// The sources, relative to the folder imported (corpus/).
	var sources []string
	for _, r := range want["Documents"][1:] {
		sources = append(sources, r[len(r)-1])
	}
	var wantSources []string
	for i, d := range docs {
		wantSources = append(wantSources, []string{"a", "b"}[i%2]+"/"+d.Name)
	}
	if !slices.Equal(sources, wantSources) {
		t.Errorf("Documents sources %q, want %q", sources, wantSources)
	}
}

// TestConsumerNoAbsolutePaths: no export of the consumer project holds
// the folder its documents were imported from (an absolute path of the
// annotator's machine), in any file it writes; the xlsx is read cell by
// cell.
func TestConsumerNoAbsolutePaths(t *testing.T) {
	p, docs := consumerProject(t)
	dir := filepath.Dir(filepath.Dir(filepath.Dir(docs[0].Source))) // the project's folder, above corpus/a/
	for _, f := range Formats() {
		t.Run(f.Name, func(t *testing.T) {
			out, _ := consumerExport(t, p, f.Name, "out"+f.Ext, Options{})
			filepath.WalkDir(filepath.Dir(out), func(path string, e fs.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				text := string(data)
				if strings.HasSuffix(path, ".spacy") {
					zr, err := zlib.NewReader(bytes.NewReader(data))
					if err != nil {
						t.Fatal(err)
					}
					if data, err = io.ReadAll(zr); err != nil {
						t.Fatal(err)
					}
					text = string(data)
				}
				if strings.HasSuffix(path, ".xlsx") {
					var b strings.Builder
					for _, rows := range xlsxRows(t, path) {
						for _, r := range rows {
							b.WriteString(strings.Join(r, "\x00"))
						}
					}
					text = b.String()
				}
				if strings.Contains(text, dir) {
					t.Errorf("%s holds the absolute path %s", filepath.Base(path), dir)
				}
				return nil
			})
		})
	}
}

// openpyxlCells prints, per workbook given, its active sheet's cells as
// [text, data type] (openpyxl's: s string, n number, f formula…), a
// number written as Python's str of it.
const openpyxlCells = `
import json, sys, openpyxl
out = []
for path in sys.argv[1:]:
    ws = openpyxl.load_workbook(path).active
    out.append([[["" if c.value is None else str(c.value), c.data_type] for c in row] for row in ws.iter_rows()])
print(json.dumps(out))
`

// TestConsumerLibreOfficeCSV: LibreOffice opens the -excel CSV exports of
// the consumer project (csv-spans and csv-tokens, converted headless to
// xlsx with the CSV filter set to UTF-8) with no formula cell and every
// text as written (the ' before = + - @ shows, as it does in Excel; the
// span of 33,000 characters cut to what a cell holds, as the export
// warns); the
// exact CSV, the control, gives a formula (the document
// =HYPERLINK(1).txt). The csv reader takes the ' off again: the -excel
// csv-tokens reads back as the exact one.
func TestConsumerLibreOfficeCSV(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		readerMissing(t, true, "soffice not found: skipping the check with LibreOffice")
	}
	py := consumerPython(t, "openpyxl")
	p, _ := consumerProject(t)
	dir := t.TempDir()
	var files []string
	for _, c := range []struct {
		format string
		excel  bool
	}{{"csv-spans", true}, {"csv-tokens", true}, {"csv-spans", false}, {"csv-tokens", false}} {
		name := filepath.Join(dir, fmt.Sprintf("%s-excel-%v.csv", c.format, c.excel))
		res, err := Export(context.Background(), p, c.format, name, Options{Excel: c.excel})
		if err != nil {
			t.Fatal(err)
		}
		long := hasWarning(res.Warnings, "longer than a spreadsheet cell holds")
		if want := c.excel && c.format == "csv-spans"; long != want {
			t.Errorf("%s -excel=%v: a warning about the cell of 33,000 characters: %v, want %v (%v)", c.format, c.excel, long, want, res.Warnings)
		}
		files = append(files, name)
	}
	// 44,34,76,1: comma, double quote, UTF-8, from line 1. A profile of
	// its own, so that another LibreOffice running does not take the job.
	outDir := filepath.Join(dir, "xlsx")
	cmd := exec.Command(soffice, append([]string{"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", outDir}, files[:3]...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	var books []string
	for _, f := range files[:3] {
		books = append(books, filepath.Join(outDir, strings.TrimSuffix(filepath.Base(f), ".csv")+".xlsx"))
	}
	msg, ok := runPython(t, py, openpyxlCells, nil, books...)
	if !ok {
		t.Fatalf("openpyxl:\n%s", msg)
	}
	var got [][][][2]string
	if err := json.Unmarshal([]byte(msg), &got); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	for i, f := range files[:2] {
		// The header has one column more than the rows (the marker).
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(readTestFile(t, f), "\uFEFF")))
		r.FieldsPerRecord = -1
		want, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(got[i]) != len(want) {
			t.Errorf("%s: LibreOffice reads %d rows, want %d", filepath.Base(f), len(got[i]), len(want))
			continue
		}
		for r, row := range got[i] {
			for c, cell := range row {
				w := ""
				if c < len(want[r]) {
					w = want[r][c]
				}
				if cut, ok := cutUTF16(w, xlsxCellMax); ok {
					w = cut // what a spreadsheet cell holds: the export warned
				}
				if cell[1] == "f" || cell[0] != w {
					t.Errorf("%s: row %d column %d: LibreOffice reads %q (type %s, %d characters), want the text %q (%d)", filepath.Base(f), r+1, c+1, cell[0][:min(len(cell[0]), 60)], cell[1], utf8.RuneCountInString(cell[0]), w[:min(len(w), 60)], utf8.RuneCountInString(w))
				}
			}
		}
	}
	formulas := 0
	for _, row := range got[2] {
		for _, cell := range row {
			if cell[1] == "f" {
				formulas++
			}
		}
	}
	if formulas == 0 {
		t.Errorf("the exact csv-spans (the control) has no formula cell in LibreOffice: the check cannot fail")
	}
	// The csv reader gives the -excel csv-tokens back as the exact one.
	excel, exact := readAs(t, "csv", files[1], ReadOptions{}), readAs(t, "csv", files[3], ReadOptions{})
	if len(excel.Docs) != len(exact.Docs) {
		t.Fatalf("read %d documents from the -excel CSV, %d from the exact one", len(excel.Docs), len(exact.Docs))
	}
	for i, d := range excel.Docs {
		if e := exact.Docs[i]; d.Name != e.Name || d.Text != e.Text || !slices.Equal(spanTexts(d), spanTexts(e)) {
			t.Errorf("document %d: the -excel CSV reads back as %q %q %q, the exact one as %q %q %q", i+1, d.Name, d.Text, spanTexts(d), e.Name, e.Text, spanTexts(e))
		}
	}
	if !slices.ContainsFunc(excel.Warnings, func(w string) bool { return strings.Contains(w, "taken off") }) {
		t.Errorf("no warning that the ' were taken off: %q", excel.Warnings)
	}
}

// docBinPy reads a .spacy file as spaCy v3 does, written from
// spacy/tokens/_serialize.py (DocBin.from_bytes, get_docs) and
// spacy/tokens/_dict_proxies.py / span_group.pyx (SpanGroups.from_bytes,
// SpanGroup.from_bytes) with msgpack and numpy, which Debian packages
// (spaCy is not one): zlib, msgpack, the token array of len(attrs)
// uint64 columns cut by lengths, spaces as bool, strings looked up by
// spaCy's hash (MurmurHash64A, seed 1, of the UTF-8, as
// spacy/strings.pyx's hash_string) or symbol number, entities from
// ENT_IOB/ENT_TYPE as Doc.ents gives them, span groups from their
// ">QQQllll" structs. It checks what spaCy itself would refuse or
// misread (an unknown string, an I without B, token offsets that are not
// the span's characters) and prints per Doc its text, tokens, entities
// [start_char, end_char, label], span groups and user data, as JSON.
const docBinPy = `
import json, struct, sys, zlib
import msgpack, numpy

ORTH, POS, TAG, ENT_IOB, ENT_TYPE, SENT_START = 65, 74, 75, 77, 78, 80
SYMBOLS = {n: i for i, n in enumerate(["ADJ", "ADP", "ADV", "AUX", "CONJ", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
    "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X", "EOL", "SPACE"], 84)}
SYMBOLS.update({n: i for i, n in enumerate(["PERSON", "NORP", "FACILITY", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
    "WORK_OF_ART", "LANGUAGE", "LAW", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"], 380)})
M, MASK = 0xc6a4a7935bd1e995, (1 << 64) - 1

def hash64(data, seed=1):
    h = (seed ^ (len(data) * M)) & MASK
    n = len(data) // 8
    for i in range(n):
        k = int.from_bytes(data[8*i:8*i+8], "little")
        k = (k * M) & MASK
        k ^= k >> 47
        k = (k * M) & MASK
        h ^= k
        h = (h * M) & MASK
    if len(data) % 8:
        h ^= int.from_bytes(data[8*n:], "little")
        h = (h * M) & MASK
    h ^= h >> 47
    h = (h * M) & MASK
    h ^= h >> 47
    return h

# spaCy's documentation: nlp.vocab.strings["coffee"] is 3197928453018144401.
assert hash64(b"coffee") == 3197928453018144401

def key(s):
    return SYMBOLS.get(s) or (hash64(s.encode("utf-8")) if s else 0)

msg = msgpack.unpackb(zlib.decompress(open(sys.argv[1], "rb").read()), raw=False)
assert msg["version"] == "0.1", msg["version"]
attrs = msg["attrs"]
assert attrs[0] == ORTH, attrs
strings = {key(s): s for s in msg["strings"]}
strings.update({v: k for k, v in SYMBOLS.items()})
strings[0] = ""
lengths = numpy.frombuffer(msg["lengths"], dtype="int32")
tokens = numpy.frombuffer(msg["tokens"], dtype="uint64").reshape((-1, len(attrs)))
spaces = numpy.frombuffer(msg["spaces"], dtype=bool)
assert tokens.shape[0] == spaces.shape[0] == lengths.sum(), (tokens.shape, spaces.shape, lengths.sum())
assert len(msg["cats"]) == len(msg["flags"]) == len(msg["span_groups"]) == len(lengths)
col = {a: attrs.index(a) for a in (ORTH, POS, TAG, ENT_IOB, ENT_TYPE, SENT_START)}
docs, at = [], 0
for i, n in enumerate(lengths):
    rows, sp = tokens[at:at+n], spaces[at:at+n]
    at += n
    words = [strings[int(v)] for v in rows[:, col[ORTH]]]
    assert not msg["flags"][i].get("has_unknown_spaces"), msg["flags"][i]
    starts, text = [], ""
    for w, s in zip(words, sp):
        starts.append(len(text))
        text += w + (" " if s else "")
    ends = [a + len(w) for a, w in zip(starts, words)]
    pos = [strings[int(v)] for v in rows[:, col[POS]]]
    tags = [strings[int(v)] for v in rows[:, col[TAG]]]
    assert int(rows[0, col[SENT_START]]) == 1 if n else True
    ents, cur = [], None
    for k in range(n):
        iob, typ = int(rows[k, col[ENT_IOB]]), strings[int(rows[k, col[ENT_TYPE]])]
        assert iob in (1, 2, 3), iob
        if iob == 1:
            assert cur is not None and cur[2] == typ, ("I without B", k)
            cur[1] = ends[k]
            continue
        if cur:
            ents.append(cur)
        cur = [starts[k], ends[k], typ] if iob == 3 else None
    if cur:
        ents.append(cur)
    groups = {}
    if msg["span_groups"][i]:
        for gb in msgpack.unpackb(msg["span_groups"][i], raw=False):
            g = msgpack.unpackb(gb, raw=False)
            out = []
            for b in g["spans"]:
                _id, _kb, label, start, end, start_char, end_char = struct.unpack(">QQQllll", b)
                assert 0 <= start < end <= n, (start, end, n)
                assert starts[start] == start_char and ends[end-1] == end_char, (start, end, start_char, end_char)
                out.append([start_char, end_char, strings[label]])
            groups[g["name"]] = out
    user = msgpack.unpackb(msg["user_data"][i], raw=False) if "user_data" in msg else {}
    docs.append({"text": text, "words": words, "pos": pos, "tags": tags, "ents": ents, "groups": groups, "user": user})
print(json.dumps(docs, ensure_ascii=False))
`

// TestConsumerDocBin decodes the spacy-docbin export of the consumer
// project with docBinPy (spaCy's own reading, rebuilt from its source):
// each Doc's tokens and spaces are the document's text exactly (CRLF,
// U+2028, tabs, the long document), its POS values UD tags, its
// entities spans of the first layer (entity) that overlap no longer one,
// and its span groups every span of each layer that is whole tokens (the
// one that is not is warned about), nested ones and the 33,000-character
// one included.
func TestConsumerDocBin(t *testing.T) {
	py := consumerPython(t, "msgpack", "numpy")
	p, docs := consumerProject(t)
	out, res := consumerExport(t, p, "spacy-docbin", "out.spacy", Options{})
	msg, ok := runPython(t, py, docBinPy, nil, out)
	if !ok {
		t.Fatalf("the DocBin reader refused the file:\n%s", msg)
	}
	var got []struct {
		Text   string
		Words  []string
		POS    []string
		Ents   [][3]any
		Groups map[string][][3]any
		User   map[string]any
	}
	if err := json.Unmarshal([]byte(msg), &got); err != nil {
		t.Fatalf("%v: %.300s", err, msg)
	}
	if len(got) != len(docs) {
		t.Fatalf("%d Docs, want %d", len(got), len(docs))
	}
	ud := map[string]bool{}
	for _, tag := range strings.Fields("ADJ ADP ADV AUX CONJ CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X SPACE") {
		ud[tag] = true
	}
	span := func(v [3]any) string {
		return fmt.Sprintf("[%v,%v) %v", v[0], v[1], v[2])
	}
	for i, d := range docs {
		g := got[i]
		if g.Text != d.Text {
			t.Errorf("%s: the Doc's text (tokens and spaces) is %.80q, want %.80q", d.Name, g.Text, d.Text)
		}
		if name, _ := g.User["doc_name"].(string); name != d.Name {
			t.Errorf("%s: user_data doc_name %q", d.Name, name)
		}
		for k, pos := range g.POS {
			if !ud[pos] {
				t.Errorf("%s: token %d %q: POS %q is not a UD tag", d.Name, k, g.Words[k], pos)
			}
		}
		// What the project has, per layer, of the spans that are whole
		// tokens: the warned one (國家 inside the token 中華人民共和國國務院…) is not.
		want := map[string][]string{}
		for _, sp := range d.Spans {
			if hasWarning(res.Warnings, fmt.Sprintf("span %d: %s [%d,%d)", sp.ID, sp.Label, sp.Start, sp.End)) {
				continue
			}
			want[sp.Layer] = append(want[sp.Layer], span([3]any{float64(sp.Start), float64(sp.End), sp.Label}))
		}
		for _, layer := range []string{"entity", "topic"} {
			var have []string
			for _, s := range g.Groups[layer] {
				have = append(have, span(s))
			}
			slices.Sort(have)
			slices.Sort(want[layer])
			if !slices.Equal(have, want[layer]) {
				t.Errorf("%s: doc.spans[%q] = %q, want %q", d.Name, layer, have, want[layer])
			}
		}
		// doc.ents: spans of the entity group that do not overlap.
		end := -1.0
		for _, e := range g.Ents {
			if !slices.Contains(want["entity"], span(e)) || e[0].(float64) < end {
				t.Errorf("%s: doc.ents has %s, not an entity span, or overlapping the one before", d.Name, span(e))
			}
			end = e[1].(float64)
		}
	}
	// The overlapping 問答 spans and the 33,000-character 話題 are there.
	if len(got[2].Groups["topic"]) != 2 {
		t.Errorf("doc.spans[\"topic\"] of %s = %v, want the two overlapping 問答 spans", docs[2].Name, got[2].Groups["topic"])
	}
	if !slices.ContainsFunc(got[4].Groups["topic"], func(s [3]any) bool { return s[1].(float64)-s[0].(float64) == 33000 }) {
		t.Errorf("the span of 33,000 characters is not in doc.spans[\"topic\"] of %s", docs[4].Name)
	}
}

// conllSpacyPy reads a CoNLL file as spaCy's converter does (spacy
// convert -c ner: spacy/training/converters/conll_ner_to_docs.py and
// iob_utils.py's iob_to_biluo and tags_to_entities, rebuilt here: spaCy is
// not a Debian package): documents split at "-DOCSTART- -X- O O",
// sentences at blank lines, columns by str.split(), the words the first
// column and the tags the last. It also refuses what spaCy would misread
// without a word: a line of another number of columns than its sentence's
// first (zip() cuts them all to the shortest). It prints per document its
// words and entities [label, text] as JSON.
const conllSpacyPy = `
import json, sys
data = open(sys.argv[1], encoding="utf-8").read()
docs = []
for conll_doc in data.strip().split("-DOCSTART- -X- O O"):
    conll_doc = conll_doc.strip()
    if not conll_doc:
        continue
    words, tags = [], []
    for conll_sent in conll_doc.split("\n\n"):
        conll_sent = conll_sent.strip()
        if not conll_sent:
            continue
        lines = [line.strip() for line in conll_sent.split("\n") if line.strip()]
        fields = [line.split() for line in lines]
        for line, f in zip(lines, fields):
            assert len(f) == len(fields[0]), ("columns", line, f, fields[0])
        cols = list(zip(*fields))
        assert len(cols) >= 2, "E093: the token-per-line NER file is not formatted correctly"
        words.extend(cols[0])
        tags.extend(cols[-1])
    ents, cur = [], None
    for w, t in zip(words, tags):
        if t == "O":
            cur = None
            continue
        prefix, label = t.split("-", 1)
        assert prefix in ("B", "I", "E", "S") and label, ("E177: bad tag", t)
        if prefix in ("B", "S") or cur is None or cur[0] != label:
            cur = [label, w]
            ents.append(cur)
        else:
            cur[1] += w
        if prefix in ("E", "S"):
            cur = None
    docs.append({"words": words, "ents": ents})
print(json.dumps(docs, ensure_ascii=False))
`

// TestConsumerCoNLLSpacy: spaCy's CoNLL converter, as conllSpacyPy
// rebuilds it, reads the conll export of the consumer project as one
// document per document, the words being the text without its white
// space, and each entity the text of an entity span of that document with
// its label as the tag column has it (人 名 as 人_名, as the export warns).
func TestConsumerCoNLLSpacy(t *testing.T) {
	py := consumerPython(t, "json")
	p, docs := consumerProject(t)
	for _, level := range []Level{LevelWord, LevelChar} {
		t.Run(string(level), func(t *testing.T) {
			out, res := consumerExport(t, p, "conll", "out.conll", Options{Level: level})
			if !hasWarning(res.Warnings, `label "人 名" written as "人_名" in the tag column`) {
				t.Errorf("no warning about 人 名: %v", res.Warnings)
			}
			msg, ok := runPython(t, py, conllSpacyPy, nil, out)
			if !ok {
				t.Fatalf("spaCy's converter refuses the file:\n%s", msg)
			}
			var got []struct {
				Words []string
				Ents  [][2]string
			}
			if err := json.Unmarshal([]byte(msg), &got); err != nil {
				t.Fatalf("%v: %.300s", err, msg)
			}
			if len(got) != len(docs) {
				t.Fatalf("%d documents, want %d", len(got), len(docs))
			}
			for i, d := range docs {
				if w := strings.Join(got[i].Words, ""); w != nonSpace(d.Text) {
					t.Errorf("%s: words %.80q, want the text without white space %.80q", d.Name, w, nonSpace(d.Text))
				}
				var spans []string
				for _, sp := range d.Spans {
					if sp.Layer == "entity" {
						spans = append(spans, strings.ReplaceAll(sp.Label, " ", "_")+": "+nonSpace(string([]rune(d.Text)[sp.Start:sp.End])))
					}
				}
				for _, e := range got[i].Ents {
					if !slices.Contains(spans, e[0]+": "+e[1]) {
						t.Errorf("%s: spaCy reads the entity %s %q, which is no entity span of the document (%q)", d.Name, e[0], e[1], spans)
					}
				}
			}
		})
	}
}

// TestZipEntriesDated: the entries of a brat .zip and the parts of an
// xlsx carry the time of the export, not the zip format's zero date
// (unzip -l listed 1980-00-00).
func TestZipEntriesDated(t *testing.T) {
	p, _ := consumerProject(t)
	before := time.Now().Add(-2 * time.Second)
	for _, c := range []struct{ format, name string }{{"brat", "out.zip"}, {"xlsx", "out.xlsx"}} {
		t.Run(c.format, func(t *testing.T) {
			out, _ := consumerExport(t, p, c.format, c.name, Options{})
			zr, err := zip.OpenReader(out)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			after := time.Now().Add(2 * time.Second)
			for _, f := range zr.File {
				if m := f.Modified; m.Before(before) || m.After(after) {
					t.Errorf("%s: entry %s dated %v, want the time of the export (%v)", c.name, f.Name, m, before)
				}
			}
		})
	}
}

// pandasRead reads each CSV given (path) with pandas as the README says,
// every cell a string and none taken for a missing value, and, for an
// xlsx, its Spans sheet (path#Spans); it prints the header and rows of
// each as JSON, and for a CSV also the rows as Python's csv module reads
// them, exactly (encoding/csv would turn a CRLF in a cell into LF).
const pandasRead = `
import csv, json, sys
import pandas as pd
out = []
for arg in sys.argv[1:]:
    if arg.endswith("#Spans"):
        df = pd.read_excel(arg[:-6], sheet_name="Spans", dtype=str, keep_default_na=False)
        exact = None
    else:
        df = pd.read_csv(arg, dtype=str, keep_default_na=False)
        with open(arg, newline="", encoding="utf-8") as f:
            exact = list(csv.reader(f))
    out.append({"pandas": [list(df.columns)] + df.values.tolist(), "csv": exact})
print(json.dumps(out, ensure_ascii=False))
`

// TestConsumerPandas: pandas (read_csv and read_excel with dtype=str and
// keep_default_na=False, as the README says) reads the csv-tokens,
// csv-spans and xlsx exports of the consumer project cell for cell as
// written: =SUM(1,2), +86 and -1 stay text, tabs, CR and the span of
// 33,000 characters whole (in the CSV).
func TestConsumerPandas(t *testing.T) {
	py := consumerPython(t, "pandas", "openpyxl")
	p, _ := consumerProject(t)
	tokens, _ := consumerExport(t, p, "csv-tokens", "tokens.csv", Options{})
	spans, _ := consumerExport(t, p, "csv-spans", "spans.csv", Options{})
	book, _ := consumerExport(t, p, "xlsx", "book.xlsx", Options{})
	msg, ok := runPython(t, py, pandasRead, nil, tokens, spans, book+"#Spans")
	if !ok {
		t.Fatalf("pandas:\n%.2000s", msg)
	}
	var got []struct{ Pandas, CSV [][]string }
	if err := json.Unmarshal([]byte(msg), &got); err != nil {
		t.Fatalf("%v: %.300s", err, msg)
	}
	sheets := xlsxRows(t, book)
	// The CSV exports have the rows of the workbook's sheets.
	if len(got[0].CSV) != len(sheets["Tokens"]) || len(got[1].CSV) != len(sheets["Spans"]) {
		t.Errorf("Python's csv reads %d rows of csv-tokens and %d of csv-spans; the xlsx has %d and %d",
			len(got[0].CSV), len(got[1].CSV), len(sheets["Tokens"]), len(sheets["Spans"]))
	}
	for i, name := range []string{"csv-tokens", "csv-spans", "xlsx Spans"} {
		want := got[i].CSV
		if want == nil {
			want = sheets["Spans"]
		}
		if len(got[i].Pandas) != len(want) {
			t.Errorf("%s: pandas reads %d rows, want %d", name, len(got[i].Pandas), len(want))
			continue
		}
		for r := range want {
			have := got[i].Pandas[r]
			w := append(slices.Clone(want[r]), make([]string, max(0, len(have)-len(want[r])))...)
			if !slices.Equal(have, w) {
				t.Errorf("%s row %d: pandas reads %.200q, want %.200q", name, r+1, have, w)
			}
		}
	}
	if !strings.Contains(msg, `"=SUM(1,2)"`) || !strings.Contains(msg, `"+86 電話"`) || !strings.Contains(msg, `"-1"`) {
		t.Errorf("pandas did not keep =SUM(1,2), +86 電話 and -1 as text")
	}
}
