package export

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// tabXLSX exports src to an xlsx file and returns its path.
func tabXLSX(t *testing.T, src Source, opts Options) (string, Result) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.xlsx")
	res, err := Export(context.Background(), src, "xlsx", out, opts)
	if err != nil {
		t.Fatalf("Export(xlsx) error = %v", err)
	}
	return out, res
}

// tabSheetRows reads the named sheets one after the other, header rows
// after the first left out, each row padded to the header's width.
func tabSheetRows(t *testing.T, f *excelize.File, sheets ...string) [][]string {
	t.Helper()
	var out [][]string
	for i, s := range sheets {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatalf("GetRows(%s) error = %v", s, err)
		}
		if i > 0 {
			rows = rows[1:]
		}
		for _, r := range rows {
			for len(r) < len(rows[0]) {
				r = append(r, "")
			}
			out = append(out, r)
		}
	}
	return out
}

// tabSheetXML is the XML of a sheet, read from the workbook's zip.
func tabSheetXML(t *testing.T, path string, f *excelize.File, sheet string) string {
	t.Helper()
	idx, err := f.GetSheetIndex(sheet)
	if err != nil || idx < 0 {
		t.Fatalf("no sheet %s", sheet)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open(fmt.Sprintf("xl/worksheets/sheet%d.xml", idx+1))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestXLSXExport(t *testing.T) {
	path, res := tabXLSX(t, tabCorpus(), Options{})
	if len(res.Warnings) != 2 {
		t.Errorf("warnings = %q, want the 2 of csv-tokens", res.Warnings)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"Documents", "Tokens", "Spans", "Labels", "Summary"}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}

	t.Run("cells equal the CSV exports", func(t *testing.T) {
		for _, c := range []struct{ sheet, csv string }{{"Tokens", tabTokensCSV}, {"Spans", tabSpansCSV}} {
			got, want := tabSheetRows(t, f, c.sheet), tabReadCSV(t, c.csv)
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("sheet %s =\n%q\nwant (the CSV)\n%q", c.sheet, got, want)
			}
		}
	})

	t.Run("other sheets", func(t *testing.T) {
		for _, c := range []struct {
			sheet string
			want  [][]string
		}{
			// source: relative to the folder of the documents' files,
			// never the absolute path of the annotator's machine.
			{"Documents", [][]string{{"id", "name", "status", "chars", "tokens", "spans", "source"},
				{"1", "d1.txt", "in progress", "21", "9", "7", "d1.txt"},
				{"2", "二,2", "done", "4", "3", "1", "二,2"}}},
			{"Summary", [][]string{{"doc_id", "doc_name", "spans", "PER", "LOC", "ORG", "GPE", "TIME", "MISC", "NP"},
				{"1", "d1.txt", "7", "1", "1", "1", "0", "0", "2", "2"},
				{"2", "二,2", "1", "1", "0", "0", "0", "0", "0", "0"},
				{"", "all documents", "8", "2", "1", "1", "0", "0", "2", "2"}}},
		} {
			if got := tabSheetRows(t, f, c.sheet); !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Errorf("sheet %s =\n%q\nwant\n%q", c.sheet, got, c.want)
			}
		}
		labels := tabSheetRows(t, f, "Labels")
		if got, want := labels[len(labels)-1], []string{"phrase", "NP", "#000080", "q", "noun phrase"}; !slices.Equal(got, want) {
			t.Errorf("last Labels row = %q, want %q", got, want)
		}
		if len(labels) != 1+7 {
			t.Errorf("Labels has %d rows, want a header and 7 labels", len(labels))
		}
	})

	t.Run("formula text stays text", func(t *testing.T) {
		cell := "G8" // token 7 of doc 1
		v, _ := f.GetCellValue("Tokens", cell)
		formula, _ := f.GetCellFormula("Tokens", cell)
		typ, _ := f.GetCellType("Tokens", cell)
		if v != "=SUM(A1)" || formula != "" || typ != excelize.CellTypeInlineString {
			t.Errorf("Tokens!%s = %q, formula %q, type %v; want the string =SUM(A1), no formula, an inline string", cell, v, formula, typ)
		}
		if x := tabSheetXML(t, path, f, "Tokens"); strings.Contains(x, "<f>") {
			t.Errorf("Tokens sheet XML holds a formula")
		}
	})

	t.Run("header, panes, filter, widths", func(t *testing.T) {
		for _, s := range f.GetSheetList() {
			id, err := f.GetCellStyle(s, "A1")
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil || st.Font == nil || !st.Font.Bold {
				t.Errorf("%s!A1 style = %+v, want bold", s, st)
			}
			p, err := f.GetPanes(s)
			if err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
				t.Errorf("%s panes = %+v, want the first row frozen", s, p)
			}
			x := tabSheetXML(t, path, f, s)
			rows, _ := f.GetRows(s)
			last := len(rows)
			if s == "Summary" {
				last-- // the totals row is left out of the filter
			}
			want := fmt.Sprintf(`<autoFilter ref="$A$1:$%s$%d"`, strings.TrimRight(cellName(len(rows[0])-1, 1), "1"), last)
			if !strings.Contains(x, want) {
				t.Errorf("%s: no %s in\n%.600s", s, want, x)
			}
			if cols := regexp.MustCompile(`<col min="(\d+)"`).FindAllStringSubmatch(x, -1); len(cols) != len(rows[0]) ||
				!slices.IsSortedFunc(cols, func(a, b []string) int { return atoiT(a[1]) - atoiT(b[1]) }) {
				t.Errorf("%s: <col> elements %q, want one per column, in order", s, cols)
			}
		}
	})

	t.Run("label colours", func(t *testing.T) {
		fill := func(sheet, cell string) string {
			id, _ := f.GetCellStyle(sheet, cell)
			st, _ := f.GetStyle(id)
			if st == nil || len(st.Fill.Color) == 0 {
				return ""
			}
			return strings.ToUpper(strings.TrimPrefix(st.Fill.Color[0], "#"))
		}
		s := tabSchema()
		colour := func(layer, label string) string {
			l, _ := s.Layer(layer)
			lb, _ := l.Label(label)
			return lb.Color
		}
		for _, c := range []struct{ sheet, cell, want string }{
			{"Spans", "E2", lightFill(colour("entity", "PER"))},
			{"Spans", "E3", lightFill(colour("phrase", "NP"))},
			{"Tokens", "J2", lightFill(colour("entity", "PER"))}, // B-PER
			{"Tokens", "K3", lightFill(colour("phrase", "NP"))},  // B-NP
			{"Tokens", "J3", ""}, // O
			{"Tokens", "G2", ""},
			{"Labels", "C8", "000080"}, // #000080 itself
		} {
			if got := fill(c.sheet, c.cell); got != c.want {
				t.Errorf("%s!%s fill = %q, want %q", c.sheet, c.cell, got, c.want)
			}
		}
	})
}

func atoiT(s string) int { n, _ := strconv.Atoi(s); return n }

func TestLightFill(t *testing.T) {
	tests := []struct{ in, want string }{
		{"#ffffcc", "FFFFCC"}, // light already
		{"#FFFFFF", "FFFFFF"},
		{"#000000", "999999"},
		{"#000080", "9999CC"},
		{"bad", "EEEEEE"},
	}
	for _, tt := range tests {
		got := lightFill(tt.in)
		if got != tt.want {
			t.Errorf("lightFill(%q) = %q, want %q", tt.in, got, tt.want)
		}
		v, _ := strconv.ParseUint(got, 16, 32)
		if l := luminance([3]float64{float64(v >> 16 & 0xff), float64(v >> 8 & 0xff), float64(v & 0xff)}); l < 0.30 {
			t.Errorf("lightFill(%q) = %s: luminance %.3f, below 0.30", tt.in, got, l)
		}
	}
	for _, l := range tabSchema().Layers {
		for _, lb := range l.Labels {
			v, _ := strconv.ParseUint(lightFill(lb.Color), 16, 32)
			if lum := luminance([3]float64{float64(v >> 16 & 0xff), float64(v >> 8 & 0xff), float64(v & 0xff)}); lum < 0.30 {
				t.Errorf("label %s %s: fill luminance %.3f, below 0.30", lb.Name, lb.Color, lum)
			}
		}
	}
}

// TestXLSXLimits: control characters and over-long notes are changed with
// a warning; past the row limit the rows go on in "Tokens 2"…
func TestXLSXLimits(t *testing.T) {
	t.Run("cells", func(t *testing.T) {
		long := strings.Repeat("長", 32767) + "尾😀"
		d := tabDoc("c\x01.txt", []string{"甲\x0b乙/x", "丙/n"}, nil, []annotate.Span{
			{ID: 1, Layer: "entity", Label: "PER", Start: 0, End: 4, Note: long, Origin: annotate.OriginManual},
		})
		path, res := tabXLSX(t, NewCorpus(tabSchema(), []*annotate.Document{d}), Options{})
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, c := range []struct{ sheet, cell, want string }{
			{"Tokens", "G2", "甲\uFFFD乙"},
			{"Tokens", "B2", "c\uFFFD.txt"},
			{"Spans", "H2", "甲\uFFFD乙丙"},
			{"Spans", "I2", strings.Repeat("長", 32767)},
			{"Documents", "B2", "c\uFFFD.txt"},
		} {
			if got, _ := f.GetCellValue(c.sheet, c.cell); got != c.want {
				t.Errorf("%s!%s = %.40q (%d chars), want %.40q (%d chars)", c.sheet, c.cell, got, len([]rune(got)), c.want, len([]rune(c.want)))
			}
		}
		var msgs []string
		for _, w := range res.Warnings {
			msgs = append(msgs, w.String())
		}
		all := strings.Join(msgs, "\n")
		for _, want := range []string{"token 1: control characters", "span 1: xlsx: note: 32769 characters", "span 1: xlsx: text: control characters", "document name: control characters"} {
			if !strings.Contains(all, want) {
				t.Errorf("warnings\n%s\nwant one containing %q", all, want)
			}
		}
		// The CSV export keeps everything as it is.
		got, _ := tabExport(t, NewCorpus(tabSchema(), []*annotate.Document{d}), "csv-spans", Options{})
		if rows := tabReadCSV(t, got); rows[1][7] != "甲\x0b乙丙" || rows[1][8] != long {
			t.Errorf("csv-spans changed the text or note")
		}
	})
	t.Run("rows go on in another sheet", func(t *testing.T) {
		defer func(n int) { xlsxMaxRows = n }(xlsxMaxRows)
		xlsxMaxRows = 4 // a header and 3 rows
		path, _ := tabXLSX(t, tabCorpus(), Options{})
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		want := []string{"Documents", "Tokens", "Tokens 2", "Tokens 3", "Tokens 4", "Spans", "Spans 2", "Spans 3", "Labels", "Labels 2", "Labels 3", "Summary"}
		if got := f.GetSheetList(); !slices.Equal(got, want) {
			t.Fatalf("sheets = %q, want %q", got, want)
		}
		for _, c := range []struct {
			csv    string
			sheets []string
		}{{tabTokensCSV, want[1:5]}, {tabSpansCSV, want[5:8]}} {
			got := tabSheetRows(t, f, c.sheets...)
			if w := tabReadCSV(t, c.csv); !slices.EqualFunc(got, w, slices.Equal) {
				t.Errorf("sheets %q =\n%q\nwant\n%q", c.sheets, got, w)
			}
		}
		im, err := readXLSX(path, ReadOptions{})
		if err != nil {
			t.Fatalf("readXLSX() error = %v", err)
		}
		tabCheckRoundTrip(t, im)
	})
}

// tabOpenpyxl returns a Python that has openpyxl, or skips the test.
func tabOpenpyxl(t *testing.T) string {
	t.Helper()
	return consumerPython(t, "openpyxl")
}

// TestXLSXOpenpyxl loads the workbook with openpyxl: the Tokens and Spans
// values equal the CSV exports, =SUM(A1) is a string, the header is bold
// and frozen and has an autofilter.
func TestXLSXOpenpyxl(t *testing.T) {
	py := tabOpenpyxl(t)
	path, _ := tabXLSX(t, tabCorpus(), Options{})
	const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for name in ("Tokens", "Spans"):
    ws = wb[name]
    rows = [["" if c.value is None else str(c.value) for c in row] for row in ws.iter_rows()]
    out[name] = {"rows": rows, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "bold": all(c.font.b for c in ws[1])}
out["formula"] = [wb["Tokens"]["G8"].value, wb["Tokens"]["G8"].data_type]
print(json.dumps(out))
`
	data, err := exec.Command(py, "-c", script, path).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	for _, c := range []struct{ sheet, csv string }{{"Tokens", tabTokensCSV}, {"Spans", tabSpansCSV}} {
		var s struct {
			Rows   [][]string
			Freeze string
			Filter string
			Bold   bool
		}
		if err := json.Unmarshal(got[c.sheet], &s); err != nil {
			t.Fatal(err)
		}
		want := tabReadCSV(t, c.csv)
		if !slices.EqualFunc(s.Rows, want, slices.Equal) {
			t.Errorf("openpyxl %s =\n%q\nwant\n%q", c.sheet, s.Rows, want)
		}
		// The autofilter covers the header and every row of the CSV.
		filter := fmt.Sprintf("$A$1:$%c$%d", 'A'+len(want[0])-1, len(want))
		if s.Freeze != "A2" || s.Filter != filter || !s.Bold {
			t.Errorf("openpyxl %s: freeze %q, filter %q, bold header %v; want A2, %s, true", c.sheet, s.Freeze, s.Filter, s.Bold, filter)
		}
	}
	if f := string(got["formula"]); f != `["=SUM(A1)", "s"]` {
		t.Errorf("openpyxl Tokens!G8 = %s, want the string =SUM(A1) of type s", f)
	}
}

// TestXLSXSoffice converts the workbook to CSV with LibreOffice when it
// is installed.
func TestXLSXSoffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		readerMissing(t, true, "soffice not found: skipping the check with LibreOffice")
	}
	path, _ := tabXLSX(t, tabCorpus(), Options{})
	dir := t.TempDir()
	// Sheet 3 is Spans; LibreOffice 7.2+ takes the sheet as the 12th token.
	cmd := exec.Command(soffice, "--headless", "--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3`, "--outdir", dir, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(matches) != 1 {
		t.Fatalf("soffice wrote %q", matches)
	}
	data, _ := os.ReadFile(matches[0])
	if got, want := tabReadCSV(t, string(data)), tabReadCSV(t, tabSpansCSV); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("LibreOffice Spans =\n%q\nwant\n%q", got, want)
	}
}

// tabWorkbook writes a workbook with one sheet of rows.
func tabWorkbook(t *testing.T, sheet string, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := f.SetSheetRow(sheet, cellName(0, i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "in.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestXLSXImport(t *testing.T) {
	good := [][]any{{"编号", "text", "n"}, {"A", "第一篇。", 1}, {"B", "多行\n文本", 2}, {nil, nil, nil}, {7, "=不是公式", 3}}
	bad := [][]any{{"编号", "text"}, {"A", "第一篇。"}, {"B", "  "}, {"C", "第三篇。"}}
	tests := []struct {
		name    string
		path    func(t *testing.T) string
		opts    ReadOptions
		want    []tabDocWant
		skipped []string
		wantErr string
	}{
		{name: "text and id columns", path: func(t *testing.T) string { return tabWorkbook(t, "数据", good) }, opts: ReadOptions{IDCol: "编号"},
			want: []tabDocWant{{"A", "第一篇。"}, {"B", "多行\n文本"}, {"7", "=不是公式"}}},
		{name: "no id column", path: func(t *testing.T) string { return tabWorkbook(t, "数据", good) },
			want: []tabDocWant{{"in-row2", "第一篇。"}, {"in-row3", "多行\n文本"}, {"in-row5", "=不是公式"}}},
		{name: "empty text fails naming sheet and cell", path: func(t *testing.T) string { return tabWorkbook(t, "数据", bad) },
			wantErr: `in.xlsx: sheet 数据, cell B3: empty text in column "text"`},
		{name: "empty text skipped", path: func(t *testing.T) string { return tabWorkbook(t, "数据", bad) }, opts: ReadOptions{SkipBad: true, IDCol: "编号"},
			want: []tabDocWant{{"A", "第一篇。"}, {"C", "第三篇。"}}, skipped: []string{"sheet 数据, cell B3: empty text"}},
		{name: "missing column names file and headers", path: func(t *testing.T) string { return tabWorkbook(t, "数据", good) }, opts: ReadOptions{Column: "正文"},
			wantErr: `in.xlsx: no sheet has a column "正文" for the text (sheet 数据: "编号", "text", "n")`},
		{name: "missing id column", path: func(t *testing.T) string { return tabWorkbook(t, "数据", good) }, opts: ReadOptions{IDCol: "id"},
			wantErr: `in.xlsx: no id column "id"`},
		{name: "not a zip", path: func(t *testing.T) string { return tabWrite(t, "in.xlsx", []byte("id,text\n1,甲\n")) },
			wantErr: "in.xlsx: not an xlsx workbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := readXLSX(tt.path(t), tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("readXLSX() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("readXLSX() error = %v", err)
			}
			if got := tabDocs(im); !slices.Equal(got, tt.want) {
				t.Errorf("readXLSX() docs = %q, want %q", got, tt.want)
			}
			if len(im.Skipped) != len(tt.skipped) {
				t.Fatalf("skipped = %v, want %q", im.Skipped, tt.skipped)
			}
			for i, e := range im.Skipped {
				if !strings.Contains(e.Error(), tt.skipped[i]) {
					t.Errorf("skipped[%d] = %v, want %q", i, e, tt.skipped[i])
				}
			}
		})
	}
	t.Run("unzip size limit", func(t *testing.T) {
		defer func(n, m int64) { xlsxUnzipLimit, xlsxXMLLimit = n, m }(xlsxUnzipLimit, xlsxXMLLimit)
		xlsxUnzipLimit, xlsxXMLLimit = 1000, 1000
		_, err := readXLSX(tabWorkbook(t, "数据", good), ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "in.xlsx: the files up to ") || !strings.Contains(err.Error(), "more than the 1,000 bytes") {
			t.Errorf("readXLSX() error = %v, want the unzip size limit, naming the file and the entry", err)
		}
	})
	t.Run("own export read back", func(t *testing.T) {
		path, _ := tabXLSX(t, tabCorpus(), Options{})
		im, err := readXLSX(path, ReadOptions{})
		if err != nil {
			t.Fatalf("readXLSX() error = %v", err)
		}
		tabCheckRoundTrip(t, im)
	})
}

// benchSource is a Source of n documents of per tokens each, made when
// asked for (so that the corpus does not count in the heap): two-character
// tokens, a sentence every 20 tokens, a PER span every 10 tokens.
type benchSource struct {
	schema *annotate.Schema
	n, per int
}

func (s *benchSource) Schema() *annotate.Schema { return s.schema }

func (s *benchSource) Documents() ([]annotate.DocumentSummary, error) {
	out := make([]annotate.DocumentSummary, s.n)
	for i := range out {
		out[i] = annotate.DocumentSummary{ID: int64(i + 1), Name: fmt.Sprintf("doc%d", i+1), Status: annotate.StatusDone}
	}
	return out, nil
}

func (s *benchSource) Document(id int64) (*annotate.Document, error) {
	words := []string{"焦作", "市长", "今天", "表示", "经济", "发展", "𠀀人", "😀好", "=SUM(A1)", "。"}
	d := &annotate.Document{ID: id, Name: fmt.Sprintf("doc%d", id), Status: annotate.StatusDone,
		Tokens: make([]text.Token, 0, s.per), Spans: make([]annotate.Span, 0, s.per/10+1), Sentences: make([]text.Sentence, 0, s.per/20+1)}
	var b strings.Builder
	at, sent := 0, 0
	for i := range s.per {
		w := words[i%len(words)]
		n := len([]rune(w))
		d.Tokens = append(d.Tokens, text.Token{Start: at, End: at + n, Text: w, POS: "n"})
		if i%10 == 0 {
			d.Spans = append(d.Spans, annotate.Span{ID: id*int64(s.per) + int64(i), Layer: "entity", Label: "PER", Start: at, End: at + n, Origin: annotate.OriginManual})
		}
		if i%20 == 19 {
			d.Sentences = append(d.Sentences, text.Sentence{Start: sent, End: at + n})
			sent = at + n
		}
		b.WriteString(w)
		at += n
	}
	d.Text = b.String()
	return d, nil
}

// peakHeap samples the heap in use until stop is closed and returns the
// highest value seen, in MB.
func peakHeap(stop <-chan struct{}) func() float64 {
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			peak = max(peak, m.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() float64 {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return float64(peak) / (1 << 20)
	}
}

// BenchmarkXLSX1MTokens writes 1,000,000 tokens (100 documents of 10,000,
// with 100,000 spans) through Export to xlsx and reports the peak heap in
// use. Run: go test ./export/ -run '^$' -bench XLSX1M -benchtime 1x
func BenchmarkXLSX1MTokens(b *testing.B) {
	src := &benchSource{schema: tabSchema(), n: 100, per: 10000}
	dir := b.TempDir()
	runtime.GC()
	stop := make(chan struct{})
	peak := peakHeap(stop)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := filepath.Join(dir, fmt.Sprintf("bench%d.xlsx", i))
		if _, err := Export(context.Background(), src, "xlsx", out, Options{}); err != nil {
			b.Fatal(err)
		}
		if fi, err := os.Stat(out); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
		}
		os.Remove(out)
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(peak(), "peak-heap-MB")
}

// BenchmarkXLSX1MRaw writes the same Tokens and Spans cells with bare
// excelize StreamWriters (and SaveAs), for the ratio make bench reports.
func BenchmarkXLSX1MRaw(b *testing.B) {
	src := &benchSource{schema: tabSchema(), n: 100, per: 10000}
	dir := b.TempDir()
	runtime.GC()
	stop := make(chan struct{})
	peak := peakHeap(stop)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		row := 1
		_ = sw.SetRow("A1", []any{"doc_id", "doc_name", "sent_id", "token_id", "start", "end", "token", "pos", "entity", "phrase"})
		vals := make([]any, 10)
		for id := int64(1); id <= int64(src.n); id++ {
			d, _ := src.Document(id)
			for k, tok := range d.Tokens {
				row++
				vals[0], vals[1], vals[2], vals[3], vals[4], vals[5] = id, d.Name, k/20+1, k+1, tok.Start, tok.End
				vals[6], vals[7], vals[8], vals[9] = tok.Text, tok.POS, "O", "O"
				cell, _ := excelize.CoordinatesToCellName(1, row)
				if err := sw.SetRow(cell, vals); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		if _, err := f.NewSheet("Spans"); err != nil {
			b.Fatal(err)
		}
		if sw, err = f.NewStreamWriter("Spans"); err != nil {
			b.Fatal(err)
		}
		row = 1
		_ = sw.SetRow("A1", []any{"doc_id", "doc_name", "span_id", "layer", "label", "start", "end", "text", "note", "annotator", "origin"})
		vals = make([]any, 11)
		for id := int64(1); id <= int64(src.n); id++ {
			d, _ := src.Document(id)
			runes := []rune(d.Text)
			for _, sp := range d.Spans {
				row++
				vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6] = id, d.Name, sp.ID, sp.Layer, sp.Label, sp.Start, sp.End
				vals[7], vals[8], vals[9], vals[10] = string(runes[sp.Start:sp.End]), sp.Note, sp.Annotator, string(sp.Origin)
				cell, _ := excelize.CoordinatesToCellName(1, row)
				if err := sw.SetRow(cell, vals); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.SaveAs(filepath.Join(dir, "raw.xlsx")); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(peak(), "peak-heap-MB")
}
