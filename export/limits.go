package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// What an import may unzip (a brat .zip, an xlsx workbook). A zip states
// each entry's sizes, and archive/zip refuses to read past the stated
// size, so the stated sizes are checked before anything is read, and
// reading is bounded by them. The bounds are far above what a real
// corpus reaches and far below what a zip bomb asks for: text compresses
// 3 to 15 times (an article repeated 300 times in one file 140 times), a
// bomb about 1,000 times.
var (
	// zipEntryLimit bounds one .txt or .ann file of a brat .zip.
	zipEntryLimit int64 = 256 << 20
	// zipTotalLimit bounds the .txt and .ann files of a brat .zip together.
	zipTotalLimit int64 = 1 << 30
	// zipRatioLimit bounds how many times larger than its compressed size
	// an entry past zipRatioFloor may unzip to.
	zipRatioLimit int64 = 200
	zipRatioFloor int64 = 1 << 20

	// xlsxEntryLimit bounds one part (a sheet, the shared strings) of a
	// workbook, xlsxUnzipLimit all its parts together (excelize's
	// UnzipSizeLimit); sheet XML past xlsxXMLLimit is read from a
	// temporary file instead of memory (UnzipXMLSizeLimit).
	xlsxEntryLimit int64 = 1 << 30
	xlsxUnzipLimit int64 = 2 << 30
	xlsxXMLLimit   int64 = 16 << 20
	// xlsxStringLimit bounds one string of the shared strings table
	// (Excel's own cells hold at most 32,767 characters).
	xlsxStringLimit int64 = 16 << 20
	// xlsxTextSlack is what the text of a workbook's cells may exceed its
	// unzipped size by: one shared string may fill many cells, so a bomb
	// of one long string in every row holds terabytes of text.
	xlsxTextSlack int64 = 64 << 20
)

// mb formats a byte count in MB (KB, bytes below those) for messages.
func mb(n int64) string {
	if n < 1<<10 {
		return FormatValue(float64(n)) + " bytes"
	}
	if n < 1<<20 {
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%s MB", FormatValue(float64(n>>20)))
}

// zipBudget checks the entries of one zip as they are chosen for reading:
// each at most entry bytes, all of them at most total, and none unzipping
// to more than zipRatioLimit times its compressed size past zipRatioFloor.
type zipBudget struct {
	file         string // the zip, for errors
	entry, total int64
	used         int64
}

// check refuses zf, naming it, when its stated size breaks the budget.
func (b *zipBudget) check(zf *zip.File) error {
	size, packed := int64(zf.UncompressedSize64), int64(zf.CompressedSize64)
	b.used += size
	switch {
	case zf.UncompressedSize64 > 1<<62 || size > b.entry:
		return fmt.Errorf("export: %s: %s unzips to %s, more than the %s a file of a corpus may have", b.file, zf.Name, mb(size), mb(b.entry))
	case size > zipRatioFloor && size/max(packed, 1) > zipRatioLimit:
		return fmt.Errorf("export: %s: %s unzips to %s from %s (%d:1): not text a corpus holds (a zip bomb?); text compresses far less than %d:1",
			b.file, zf.Name, mb(size), mb(packed), size/max(packed, 1), zipRatioLimit)
	case b.used > b.total:
		return fmt.Errorf("export: %s: the files up to %s unzip to %s, more than the %s a corpus may have", b.file, zf.Name, mb(b.used), mb(b.total))
	}
	return nil
}

// readZipEntry reads zf whole, into one buffer of its stated size, and
// never more than that: a zip whose data runs past its stated size is an
// error (archive/zip says so), not a bigger allocation.
func readZipEntry(file string, zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("export: %s: %s: %w", file, zf.Name, err)
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, zf.UncompressedSize64))
	n, err := io.Copy(buf, io.LimitReader(rc, int64(zf.UncompressedSize64)+1))
	if err == nil && n != int64(zf.UncompressedSize64) {
		err = fmt.Errorf("unzips to more or less than the %d bytes its header states", zf.UncompressedSize64)
	}
	if err != nil {
		return nil, fmt.Errorf("export: %s: %s: %w", file, zf.Name, err)
	}
	return buf.Bytes(), nil
}

// checkXLSX checks a workbook before excelize opens it: each part's
// stated size, all parts together, and the longest string of the shared
// strings table (read streaming, in constant memory). It returns the
// unzipped size, which bounds the text its cells may hold (boundText).
func checkXLSX(path string) (int64, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0, nil // not a zip: excelize says what it is
	}
	defer zr.Close()
	b := &zipBudget{file: path, entry: xlsxEntryLimit, total: xlsxUnzipLimit}
	for _, zf := range zr.File {
		if err := b.check(zf); err != nil {
			return 0, err
		}
	}
	for _, zf := range zr.File {
		if !strings.EqualFold(zf.Name, "xl/sharedStrings.xml") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return 0, fmt.Errorf("export: %s: %s: %w", path, zf.Name, err)
		}
		n, longest, err := longestElement(rc, "si")
		rc.Close()
		if err != nil {
			return 0, fmt.Errorf("export: %s: %s: %w", path, zf.Name, err)
		}
		if longest > xlsxStringLimit {
			return 0, fmt.Errorf("export: %s: %s: shared string %d is over %s long, more than a cell of a corpus holds (Excel's hold 32,767 characters)",
				path, zf.Name, n, mb(xlsxStringLimit))
		}
	}
	return b.used, nil
}

// longestElement scans XML for the longest <name>…</name> element, in
// bytes with its tags (at least the text it holds), and returns its
// number (from 1) and length. It reads r once, in constant memory, and
// stops once an element is past xlsxStringLimit.
func longestElement(r io.Reader, name string) (int, int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		n, at           int
		pos, longest    int64
		start           int64 = -1 // where the element open now started
		openTag, endTag       = []byte(name), []byte("/" + name + ">")
	)
	for {
		chunk, err := br.ReadSlice('<')
		pos += int64(len(chunk))
		switch {
		case err == bufio.ErrBufferFull:
		case err == io.EOF:
			return at, longest, nil
		case err != nil:
			return 0, 0, err
		default: // just past a '<'
			peek, _ := br.Peek(len(endTag))
			empty := bytes.Equal(peek, append(openTag, '/', '>')) // <si/>
			if start < 0 && !empty && len(peek) > len(openTag) && bytes.HasPrefix(peek, openTag) && strings.IndexByte(">/ \t\r\n", peek[len(openTag)]) >= 0 {
				start = pos - 1
				n++
			} else if start >= 0 && bytes.Equal(peek, endTag) {
				if size := pos + int64(len(endTag)) - start; size > longest {
					longest, at = size, n
				}
				start = -1
			}
		}
		if start >= 0 && pos-start > xlsxStringLimit {
			return n, pos - start, nil // long enough to refuse: no need to read on
		}
	}
}

// boundText makes t refuse, naming the sheet and row, to yield more than
// limit bytes of cell text in all.
func boundText(t *table, limit int64) *table {
	next := t.next
	var n int64
	t.next = func() ([]string, tableLoc, error) {
		row, loc, err := next()
		for _, c := range row {
			n += int64(len(c))
		}
		if n > limit {
			return nil, loc, &RecordError{File: t.file, Where: fmt.Sprintf("sheet %s, row %d", loc.sheet, loc.row),
				Err: fmt.Errorf("the cells up to here hold %s of text, more than the %s a workbook of this size can: one shared string repeated in many cells (an xlsx bomb?)", mb(n), mb(limit))}
		}
		return row, loc, err
	}
	return t
}
