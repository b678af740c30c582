package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var tableHeader = []string{"document", "start", "match", "share"}

var tableRows = [][]string{
	{"新聞.txt", "12", "焦作市", "0.25"},
	{"a,b \"c\"", "007", "=SUM(A1)", "-3"},
	{"line\nbreak", "1e5", "+1", "x"},
	{"", "0", "😀𠀀", "12345678901234567"},
}

// TestWriteTableCSV: the CSV reads back with encoding/csv as written,
// with a byte order mark only when asked.
func TestWriteTableCSV(t *testing.T) {
	for _, bom := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "bom"}[bom], func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "t.csv")
			if err := WriteTable(context.Background(), path, tableHeader, tableRows, TableOptions{BOM: bom}); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.HasPrefix(data, []byte("\uFEFF")); got != bom {
				t.Errorf("starts with a BOM: %v, want %v", got, bom)
			}
			got, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if want := append([][]string{tableHeader}, tableRows...); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("read back %q, want %q", got, want)
			}
			if left := tempLeft(t, dir); len(left) > 0 {
				t.Errorf("files left: %v", left)
			}
		})
	}
}

// TestWriteTableXLSX: the workbook has the sheet asked for, the header
// bold and frozen, an autofilter, text cells that are never formulas and
// numbers only in the Numbers columns, only where they read back as
// written; past the row limit the rows go on in a second sheet.
func TestWriteTableXLSX(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.xlsx")
	if err := WriteTable(context.Background(), path, tableHeader, tableRows, TableOptions{Sheet: "KWIC", Numbers: []int{1, 3}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"KWIC"}) {
		t.Fatalf("sheets %q, want KWIC", got)
	}
	rows, err := f.GetRows("KWIC")
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{tableHeader}, tableRows...)
	for i := range rows {
		for len(rows[i]) < len(want[i]) {
			rows[i] = append(rows[i], "")
		}
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows %q, want %q", rows, want)
	}
	for _, tc := range []struct {
		cell   string
		number bool
	}{
		{"B2", true}, {"D2", true}, {"B3", false}, {"D3", true}, {"B4", false}, {"D4", false}, {"B5", true}, {"D5", false}, {"C3", false}, {"A2", false},
	} {
		typ, err := f.GetCellType("KWIC", tc.cell)
		if err != nil {
			t.Fatal(err)
		}
		isNumber := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset
		if isNumber != tc.number {
			t.Errorf("cell %s: type %v, want a number: %v", tc.cell, typ, tc.number)
		}
	}
	if formula, err := f.GetCellFormula("KWIC", "C3"); err != nil || formula != "" {
		t.Errorf("C3 (=SUM(A1)) has formula %q (%v), want none", formula, err)
	}
	style, err := f.GetCellStyle("KWIC", "A1")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := f.GetStyle(style); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v (%v), want bold", st, err)
	}
	if panes, err := f.GetPanes("KWIC"); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v (%v), want the first row frozen", panes, err)
	}
	if xml := tabSheetXML(t, path, f, "KWIC"); !strings.Contains(xml, `<autoFilter ref="$A$1:$D$5"`) {
		t.Errorf("no autofilter over A1:D5 in %s", xml[:min(400, len(xml))])
	}

	// Past the row limit.
	old := xlsxMaxRows
	xlsxMaxRows = 3
	defer func() { xlsxMaxRows = old }()
	if err := WriteTable(context.Background(), path, tableHeader, tableRows, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	f2, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if got := f2.GetSheetList(); !slices.Equal(got, []string{"Sheet1", "Sheet1 2"}) {
		t.Errorf("sheets %q, want Sheet1, Sheet1 2", got)
	}
	if got := tabSheetRows(t, f2, "Sheet1", "Sheet1 2"); len(got) != 5 || got[4][2] != "😀𠀀" {
		t.Errorf("rows over two sheets: %q", got)
	}
	if left := tempLeft(t, dir); len(left) > 0 {
		t.Errorf("files left: %v", left)
	}
}

// TestWriteTableErrors: errors name the file and leave nothing written
// (an existing file unchanged).
func TestWriteTableErrors(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.xlsx")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		opts TableOptions
		want string
	}{
		{"extension", filepath.Join(dir, "t.txt"), TableOptions{}, "t.txt: want a file name ending in .csv or .xlsx"},
		{"no extension", filepath.Join(dir, "t"), TableOptions{}, "want a file name ending in .csv or .xlsx"},
		{"folder", filepath.Join(dir, "folder.csv"), TableOptions{}, "folder.csv is a folder"},
		{"missing folder", filepath.Join(dir, "nope", "t.csv"), TableOptions{}, filepath.Join("nope", "t.csv")},
		{"bad sheet name", existing, TableOptions{Sheet: "a/b"}, `old.xlsx: sheet name "a/b"`},
		{"long sheet name", existing, TableOptions{Sheet: strings.Repeat("表", 30)}, "more than 29 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteTable(context.Background(), tc.path, tableHeader, tableRows, tc.opts)
			if err == nil || !strings.HasPrefix(err.Error(), "export: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("WriteTable(%s) error %v, want one naming the file with %q", tc.path, err, tc.want)
			}
		})
	}
	if data, _ := os.ReadFile(existing); string(data) != "old" {
		t.Errorf("the existing file changed: %q", data)
	}
	if left := tempLeft(t, dir); len(left) > 0 {
		t.Errorf("files left: %v", left)
	}
}

// tempLeft lists the temporary files left in dir.
func tempLeft(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}
