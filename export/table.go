package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// TableOptions are the choices of WriteTable.
type TableOptions struct {
	// BOM starts a CSV file with a UTF-8 byte order mark, so that Excel
	// reads it as UTF-8.
	BOM bool
	// Sheet names the xlsx sheet (default "Sheet1"); past Excel's
	// 1,048,576 rows the rows go on in "NAME 2", "NAME 3"…
	Sheet string
	// Numbers are the columns (from 0) whose cells are written to xlsx as
	// numbers when they are plain decimal numbers ("12", "-3", "0.25";
	// not "007" or "1e5", which stay text). Every other cell is text.
	Numbers []int
	// Project is the project the table comes from: WriteTable refuses to
	// write over it, its WAL or its backups (CheckOutput).
	Project string
}

// WriteTable writes header and rows to path as CSV (.csv, encoding/csv)
// or an Excel workbook (.xlsx: one sheet, the header bold and frozen, an
// autofilter over the table, column widths from the first rows), by the
// extension. Cells are text, never formulas: "=SUM(A1)" stays that text.
// In xlsx, characters XML cannot carry become U+FFFD and a cell is cut at
// Excel's 32,767 UTF-16 units; CSV keeps every cell as it is. The table is
// written to a temporary file beside path and renamed to it only when
// complete, so an error leaves nothing half-written (and an existing file
// unchanged); a device, FIFO or socket at path is written to. Errors name
// the file. When ctx is done first, WriteTable stops within a buffer or a
// few thousand rows and returns ctx's error, leaving nothing either.
func WriteTable(ctx context.Context, path string, header []string, rows [][]string, opts TableOptions) error {
	var write func(w io.Writer) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		write = func(w io.Writer) error { return writeCSVTable(ctxWriter{ctx, w}, header, rows, opts) }
	case ".xlsx":
		if err := checkSheetName(opts.Sheet); err != nil {
			return fmt.Errorf("export: %s: %w", path, err)
		}
		write = func(w io.Writer) error { return writeXLSXTable(ctx, ctxWriter{ctx, w}, header, rows, opts) }
	default:
		return fmt.Errorf("export: %s: want a file name ending in .csv or .xlsx", path)
	}
	if isDir(path) {
		return fmt.Errorf("export: %s is a folder: give a file name ending in .csv or .xlsx", path)
	}
	return writeFile(path, opts.Project, write)
}

// ContextWriter returns w failing with ctx's error once ctx is done: a
// long write through a buffer stops at its next flush.
func ContextWriter(ctx context.Context, w io.Writer) io.Writer { return ctxWriter{ctx, w} }

// ctxWriter is ContextWriter's writer.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

func writeCSVTable(w io.Writer, header []string, rows [][]string, opts TableOptions) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if opts.BOM {
		bw.WriteString("\uFEFF")
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil { // WriteAll flushes
		return err
	}
	return bw.Flush()
}

// checkSheetName checks an xlsx sheet name as Excel wants it ("" is the
// default, Sheet1).
func checkSheetName(name string) error {
	switch {
	case name == "":
		return nil
	case utf8.RuneCountInString(name) > 31-2: // room for " 2" when the rows go on
		return fmt.Errorf("sheet name %q: more than 29 characters", name)
	case strings.ContainsAny(name, `:\/?*[]`), strings.HasPrefix(name, "'"), strings.HasSuffix(name, "'"):
		return fmt.Errorf("sheet name %q: Excel refuses the characters : \\ / ? * [ ] and a ' at either end", name)
	case strings.TrimSpace(name) != name || strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("sheet name %q: leading or trailing spaces or control characters", name)
	}
	return nil
}

func writeXLSXTable(ctx context.Context, w io.Writer, header []string, rows [][]string, opts TableOptions) error {
	f := excelize.NewFile()
	defer f.Close()
	b := &book{f: f}
	var err error
	if b.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	name := opts.Sheet
	if name == "" {
		name = "Sheet1"
	}
	if first := f.GetSheetList()[0]; first != name {
		if err := f.SetSheetName(first, name); err != nil {
			return err
		}
	}
	hdr := make([]string, len(header))
	for i, h := range header {
		hdr[i] = cellText(h)
	}
	sh := b.sheet(name, hdr, tableWidths(hdr, rows))
	num := make([]bool, len(header))
	for _, c := range opts.Numbers {
		if c >= 0 && c < len(num) {
			num[c] = true
		}
	}
	vals := make([]any, 0, len(header))
	for i, r := range rows {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		vals = vals[:0]
		for c, cell := range r {
			var v any = cellText(cell)
			if c < len(num) && num[c] {
				if x, ok := plainNumber(cell); ok {
					v = x
				}
			}
			vals = append(vals, v)
		}
		if err := sh.add(vals); err != nil {
			return err
		}
	}
	if err := sh.finish(); err != nil {
		return err
	}
	return writeWorkbook(f, w, b.dims)
}

// cellText makes s fit an Excel cell: characters XML cannot carry become
// U+FFFD, and it is cut at Excel's 32,767 UTF-16 units.
func cellText(s string) string {
	s, _ = xmlSafe(s)
	s, _ = cutUTF16(s, xlsxCellMax)
	return s
}

// plainNumber parses s if it is a plain decimal number that reads back as
// written: an optional minus, digits without a leading zero (but "0"), an
// optional fraction; at most 15 significant digits.
func plainNumber(s string) (float64, bool) {
	t := strings.TrimPrefix(s, "-")
	ip, fp, hasPoint := strings.Cut(t, ".")
	digits := func(x string) bool {
		return x != "" && strings.IndexFunc(x, func(r rune) bool { return r < '0' || r > '9' }) < 0
	}
	switch {
	case !digits(ip), hasPoint && !digits(fp), len(ip) > 1 && ip[0] == '0', len(ip)+len(fp) > 15:
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	return x, err == nil
}

// tableWidths are column widths, in Excel's character units, from the
// header and the first 1,000 rows (wide characters count two), between 6
// and 60.
func tableWidths(header []string, rows [][]string) []float64 {
	w := make([]float64, len(header))
	measure := func(c int, s string) {
		if c >= len(w) {
			return
		}
		n := 0
		for _, r := range s {
			n++
			if unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60 {
				n++
			}
			if n > 60 {
				break
			}
		}
		w[c] = max(w[c], float64(n)+2)
	}
	for c, h := range header {
		measure(c, h)
	}
	for _, r := range rows[:min(len(rows), 1000)] {
		for c, s := range r {
			measure(c, s)
		}
	}
	for c := range w {
		w[c] = min(60, max(6, w[c]))
	}
	return slices.Clip(w)
}
