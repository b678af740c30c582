package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// CSV and spreadsheet tables: the csv-tokens and csv-spans exports, the
// csv import, and what the xlsx format shares with them (the column
// layouts, the rows, and the reading of a table into documents).
//
// csv-tokens has one row per token (or, with Options.Level char, per
// character that is not white space):
//
//	doc_id, doc_name, sent_id, token_id, start, end, token, pos, space_after, LAYER...
//
// sent_id counts the document's sentences from 1 (0 when the document has
// no sentences); token_id counts the token rows of the document from 1;
// start and end are code points into the document's text, end-exclusive,
// so that text[start:end] == token in Python; space_after is the text
// between the token and the next one (or the end of the document) as it
// is — white space, newlines and tabs included — so that the tokens, each
// followed by its space_after, are the document's text exactly. A
// document whose text does not start with a token (it starts with white
// space, or has no token at all: an empty document) has a first row with
// token_id 0, an empty token at [0,0) and the text before its first token
// in space_after. Then one column per span layer written, named after
// the layer, holding the token's tag (BIO, or BIOES with Options.Scheme)
// under the rules of Job.Tags. With document records
// (the default) tags are given over the whole document, so a span that
// crosses a sentence boundary is kept; with sentence records they are given
// per sentence, as the JSONL and CoNLL formats do, and such a span is left
// out with a warning.
//
// csv-spans has one row per span:
//
//	doc_id, doc_name, span_id, layer, label, start, end, text, note, annotator, origin
//
// with start and end in code points into the document text, end-exclusive.
//
// Both are RFC 4180 as encoding/csv writes it, UTF-8 (with a byte order
// mark first under Options.BOM, for Excel), with a header row, and with
// "\n" line ends: a newline inside a note or a text is kept as it is, inside
// quotes (encoding/csv would turn it into "\r\n" under UseCRLF, changing the
// data). Cells are written raw: a token "=SUM(A1)" stays "=SUM(A1)", which
// Excel evaluates when it opens a CSV; pandas, Python's csv and R read it as
// text. For spreadsheet apps, Options.Excel (-excel) writes a byte order
// mark and neutralises each cell that would be a formula with a ' before
// it (excelCell), as OWASP recommends; the header's last column says so,
// and the csv reader takes the ' off again. The xlsx export, whose text
// cells are never formulas (nor numbers), needs none of that.

// The fixed columns of the csv-tokens and csv-spans exports (and of the
// xlsx Tokens and Spans sheets).
var (
	tokenColumns = []string{"doc_id", "doc_name", "sent_id", "token_id", "start", "end", "token", "pos", "space_after"}
	spanColumns  = []string{"doc_id", "doc_name", "span_id", "layer", "label", "start", "end", "text", "note", "annotator", "origin"}
	// relationColumns are those of csv-relations and the xlsx Relations
	// sheet: a relation, and each end's span.
	relationColumns = []string{"doc_id", "doc_name", "relation_id", "layer", "type",
		"from_id", "from_layer", "from_label", "from_start", "from_end", "from_text",
		"to_id", "to_layer", "to_label", "to_start", "to_end", "to_text", "note", "annotator", "origin"}
)

func init() {
	Register(&Format{Name: "csv-tokens", Ext: ".csv", Write: writeCSVTokens,
		Description: "CSV, one row per token: doc_id, doc_name, sent_id, token_id, start, end, token, pos, and a BIO tag column per span layer"})
	Register(&Format{Name: "csv-spans", Ext: ".csv", Write: writeCSVSpans,
		Description: "CSV, one row per span: doc_id, doc_name, span_id, layer, label, start, end, text, note, annotator, origin"})
	Register(&Format{Name: "csv-relations", Ext: ".csv", Write: writeCSVRelations,
		Description: "CSV, one row per relation: doc_id, doc_name, relation_id, layer, type, from and to (span_id, layer, label, start, end, text), note, annotator, origin"})
	RegisterReader(&Reader{Name: "csv", Each: eachCSV,
		Description: "CSV with a header row: one document per row from the text column (-column, default text), named by an optional id column; also reads a csv-tokens export back"})
}

// tokenRow is one row of csv-tokens (and of the xlsx Tokens sheet).
type tokenRow struct {
	sent, id   int
	start, end int
	text, pos  string
	after      string   // the text up to the next token (space_after)
	tags       []string // one per layer of Job.Layers
}

// tokenRows calls f with each token row of d, in order: first the row
// of the text before the first token, when there is any or d has no
// token (token_id 0, an empty token at [0,0)). The row (and its tags) is
// reused from call to call.
func tokenRows(j *Job, d *Doc, f func(r *tokenRow) error) error {
	level := j.TagLevel(d)
	scheme := j.Opts.Scheme
	if scheme == "" {
		scheme = SchemeBIO
	}
	layers := j.Layers()
	var recs []Record
	if j.Opts.Records == RecordSentence {
		recs = j.Records(d)
	} else {
		recs = []Record{{Doc: d, Start: 0, End: len(d.Runes), Spans: d.Spans, Tokens: d.Tokens}}
	}
	row := &tokenRow{tags: make([]string, len(layers))}
	// A unit's row is written when the next unit is known: its space_after
	// runs to the next unit, which may be in the next record.
	var (
		prev     text.Token
		prevRec  = -1
		prevTags = make([]string, len(layers))
		n        int // units seen
		sent     int // index into d.Sentences of the sentence holding prev
	)
	leading := func(end int) error { // the text before the first unit
		row.after = d.Text(0, end)
		for k := range row.tags {
			row.tags[k] = "O"
		}
		return f(row)
	}
	flush := func(next int) error { // prev's row
		switch {
		case recs[prevRec].Sent > 0:
			row.sent = recs[prevRec].Sent
		case len(d.Sentences) == 0:
			row.sent = 0
		default:
			for sent < len(d.Sentences)-1 && d.Sentences[sent].End <= prev.Start {
				sent++
			}
			row.sent = sent + 1
		}
		row.id++
		row.start, row.end = prev.Start, prev.End
		row.text = d.Text(prev.Start, prev.End)
		row.pos = prev.POS
		row.after = d.Text(prev.End, next)
		copy(row.tags, prevTags)
		return f(row)
	}
	for ri, rec := range recs {
		us := Units(rec, level)
		tags := make([][]string, len(layers))
		for k, layer := range layers {
			_, tags[k] = j.Tags(rec, level, layer, scheme)
			if err := proveTags(j, rec, us, tags[k], layer); err != nil {
				return err
			}
		}
		for i, u := range us {
			if n%4096 == 0 && j.ctx != nil && j.ctx.Err() != nil {
				return j.ctx.Err() // a document of millions of tokens
			}
			if u.Start < 0 || u.End > len(d.Runes) || u.Start > u.End || n > 0 && u.Start < prev.End {
				return fmt.Errorf("export: %s: document %q: token %d [%d,%d) lies outside the text (%d characters) or overlaps the one before",
					j.Format, d.Name, n+1, u.Start, u.End, len(d.Runes))
			}
			var err error
			switch {
			case n > 0:
				err = flush(u.Start)
			case u.Start > 0:
				err = leading(u.Start)
			}
			if err != nil {
				return err
			}
			prev, prevRec = u, ri
			for k := range layers {
				prevTags[k] = tags[k][i]
			}
			n++
		}
	}
	if n == 0 {
		return leading(len(d.Runes))
	}
	return flush(len(d.Runes))
}

// spanRows calls f with each span of d and its text, each proven with
// Job.Check first (code points into the document, end-exclusive).
func spanRows(j *Job, d *Doc, f func(sp annotate.Span, text string) error) error {
	for _, sp := range d.Spans {
		text := d.Text(sp.Start, sp.End)
		if err := j.Check(d, sp, 0, sp.Start, sp.End, UnitCodePoint, false, text); err != nil {
			return err
		}
		if err := f(sp, text); err != nil {
			return err
		}
	}
	return nil
}

// relationRows calls f with each relation of d whose ends are spans of d
// written (Doc.Spans: the layers of the export), with the spans and their
// texts, each end proven with Job.Check first. It returns how many
// relations it left out.
func relationRows(j *Job, d *Doc, f func(r annotate.Relation, from, to annotate.Span, fromText, toText string) error) (int, error) {
	byID := make(map[int64]annotate.Span, len(d.Spans))
	for _, sp := range d.Spans {
		byID[sp.ID] = sp
	}
	left := 0
	for _, r := range d.Relations {
		from, okf := byID[r.From]
		to, okt := byID[r.To]
		if !okf || !okt {
			left++
			continue
		}
		ft, tt := d.Text(from.Start, from.End), d.Text(to.Start, to.End)
		for _, end := range [2]struct {
			sp   annotate.Span
			text string
		}{{from, ft}, {to, tt}} {
			if err := j.Check(d, end.sp, 0, end.sp.Start, end.sp.End, UnitCodePoint, false, end.text); err != nil {
				return left, err
			}
		}
		if err := f(r, from, to, ft, tt); err != nil {
			return left, err
		}
	}
	return left, nil
}

func writeCSVRelations(j *Job, w io.Writer) error {
	out, err := newCSVWriter(j, w, relationColumns)
	if err != nil {
		return err
	}
	var left tally
	rec := make([]string, len(relationColumns))
	err = j.Each(func(d *Doc) error {
		id := strconv.FormatInt(d.ID, 10)
		n, err := relationRows(j, d, func(r annotate.Relation, from, to annotate.Span, ft, tt string) error {
			rec[0], rec[1], rec[2], rec[3], rec[4] = id, d.Name, strconv.FormatInt(r.ID, 10), r.Layer, r.Type
			for k, end := range [2]struct {
				sp   annotate.Span
				text string
			}{{from, ft}, {to, tt}} {
				c := rec[5+6*k:]
				c[0], c[1], c[2] = strconv.FormatInt(end.sp.ID, 10), end.sp.Layer, end.sp.Label
				c[3], c[4], c[5] = strconv.Itoa(end.sp.Start), strconv.Itoa(end.sp.End), end.text
			}
			rec[17], rec[18], rec[19] = r.Note, r.Annotator, string(r.Origin)
			return out.write(d, rec)
		})
		left.add(d, n)
		return err
	})
	if err != nil {
		return err
	}
	left.warn(j, "%d relations in %d documents (this one first) link spans of layers not written: left out")
	return out.flush()
}

// csvOut writes the rows of a CSV export: as they are, or (Options.Excel)
// each cell made safe for a spreadsheet (excelCell), the cells longer
// than a spreadsheet cell holds counted (long), for one warning.
type csvOut struct {
	j     *Job
	cw    *csv.Writer
	bw    *bufio.Writer
	excel bool
	rec   []string
	long  tally
}

// newCSVWriter starts a CSV export: the byte order mark if asked for (or
// for Excel), and the header row, which for Excel ends with the column
// csvExcelMarker. The csv.Writer writes through a 64 KB buffer (its own
// is 4 KB); flush flushes both.
func newCSVWriter(j *Job, w io.Writer, header []string) (*csvOut, error) {
	out := &csvOut{j: j, bw: bufio.NewWriterSize(w, 1<<16), excel: j.Opts.Excel}
	if j.Opts.BOM || j.Opts.Excel {
		if _, err := out.bw.WriteString("\uFEFF"); err != nil {
			return nil, err
		}
	}
	out.cw = csv.NewWriter(out.bw)
	if out.excel {
		header = append(slices.Clone(header), csvExcelMarker)
	}
	return out, out.write(nil, header)
}

// write writes one row, of document d (nil: the header).
func (o *csvOut) write(d *Doc, rec []string) error {
	if !o.excel {
		return o.cw.Write(rec)
	}
	o.rec = o.rec[:0]
	for _, c := range rec {
		c = excelCell(c)
		if _, cut := cutUTF16(c, xlsxCellMax); cut {
			o.long.add(d, 1)
		}
		o.rec = append(o.rec, c)
	}
	return o.cw.Write(o.rec)
}

func (o *csvOut) flush() error {
	o.long.warn(o.j, fmt.Sprintf("%%d cells in %%d documents (this one first) are longer than a spreadsheet cell holds (%d UTF-16 units): Excel and LibreOffice cut them when they open the file (the CSV holds them whole)", xlsxCellMax))
	o.cw.Flush()
	if err := o.cw.Error(); err != nil {
		return err
	}
	return o.bw.Flush()
}

// csvExcelMarker is the last column of the header of a CSV written for
// spreadsheet apps (Options.Excel): it says what was done to the cells,
// and the csv reader knows such a file by it. No row has a cell under it.
const csvExcelMarker = "excel-safe: a ' was put before each cell that began with = + - @ tab or CR (or with ' and one of them)"

// excelCell neutralises a cell that a spreadsheet app opening a CSV would
// take for a formula, as OWASP recommends against CSV injection: a cell
// that starts with = + - @, a tab or a carriage return gets a ' put
// before it, which makes Excel and LibreOffice keep it as text (=SUM(1,2)
// stays a text, +86 and -1 are not numbers; the ' shows). A cell that
// starts with ' and one of those (or another ') gets one too, so that
// excelUncell gives every cell back exactly.
func excelCell(s string) string {
	if excelQuoted(s) || s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// excelQuoted reports whether s starts with the ' that excelCell puts
// before a cell: a ' followed by = + - @, a tab, a CR or another '.
func excelQuoted(s string) bool {
	return len(s) > 1 && s[0] == '\'' && strings.IndexByte("=+-@\t\r'", s[1]) >= 0
}

// excelUncell undoes excelCell.
func excelUncell(s string) string {
	if excelQuoted(s) {
		return s[1:]
	}
	return s
}

func writeCSVTokens(j *Job, w io.Writer) error {
	layers := j.Layers()
	out, err := newCSVWriter(j, w, append(slices.Clone(tokenColumns), layers...))
	if err != nil {
		return err
	}
	rec := make([]string, len(tokenColumns)+len(layers))
	err = j.Each(func(d *Doc) error {
		id := strconv.FormatInt(d.ID, 10)
		return tokenRows(j, d, func(r *tokenRow) error {
			rec[0], rec[1] = id, d.Name
			rec[2], rec[3] = strconv.Itoa(r.sent), strconv.Itoa(r.id)
			rec[4], rec[5] = strconv.Itoa(r.start), strconv.Itoa(r.end)
			rec[6], rec[7], rec[8] = r.text, r.pos, r.after
			copy(rec[len(tokenColumns):], r.tags)
			return out.write(d, rec)
		})
	})
	if err != nil {
		return err
	}
	return out.flush()
}

func writeCSVSpans(j *Job, w io.Writer) error {
	out, err := newCSVWriter(j, w, spanColumns)
	if err != nil {
		return err
	}
	rec := make([]string, len(spanColumns))
	err = j.Each(func(d *Doc) error {
		id := strconv.FormatInt(d.ID, 10)
		return spanRows(j, d, func(sp annotate.Span, text string) error {
			rec[0], rec[1], rec[2] = id, d.Name, strconv.FormatInt(sp.ID, 10)
			rec[3], rec[4] = sp.Layer, sp.Label
			rec[5], rec[6] = strconv.Itoa(sp.Start), strconv.Itoa(sp.End)
			rec[7], rec[8], rec[9], rec[10] = text, sp.Note, sp.Annotator, string(sp.Origin)
			return out.write(d, rec)
		})
	})
	if err != nil {
		return err
	}
	return out.flush()
}

// table is a header row and the rows under it, read one at a time, from a
// CSV file or from one or more sheets of a workbook.
type table struct {
	file   string
	header []string
	hdr    tableLoc // where the header row is
	// next returns the next row (nil at the end) and where it is.
	next func() ([]string, tableLoc, error)
}

// tableLoc is where a row of a table is: a CSV line, or a sheet and row.
type tableLoc struct {
	line  int    // csv: the line the record starts on
	sheet string // xlsx: the sheet
	row   int    // the row number as a spreadsheet shows it (header = 1)
}

// bad is a RecordError for column col (0-based) of the row at l.
func (l tableLoc) bad(file string, col int, err error) *RecordError {
	if l.sheet != "" {
		return &RecordError{File: file, Where: fmt.Sprintf("sheet %s, cell %s", l.sheet, cellName(col, l.row)), Err: err}
	}
	return &RecordError{File: file, Line: l.line, Err: err}
}

// cellName is the spreadsheet name of column col (0-based) in row: A1, B7, AA3.
func cellName(col, row int) string {
	var b []byte
	for c := col + 1; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b) + strconv.Itoa(row)
}

// column returns the index of the header named name: exactly, else
// ignoring case and surrounding space; -1 if none.
func column(header []string, name string) int {
	if i := slices.Index(header, name); i >= 0 {
		return i
	}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

// isSpansExport and isTokensExport recognise the header of our own
// csv-spans and csv-tokens exports: a csv-tokens export written before
// the space_after column is recognised too, by its first eight columns.
func isSpansExport(header []string) bool { return slices.Equal(header, spanColumns) }

func isTokensExport(header []string) bool {
	n := len(tokenColumns) - 1 // without space_after
	return len(header) >= n && slices.Equal(header[:n], tokenColumns[:n])
}

// hasSpaceAfter reports whether a csv-tokens header has the space_after
// column (exports before it had not).
func hasSpaceAfter(header []string) bool {
	return len(header) >= len(tokenColumns) && slices.Equal(header[:len(tokenColumns)], tokenColumns)
}

// readTable turns the rows of t into documents, each handed to emit as
// its row is read: one per row, its text from opts.Column (default
// "text"), its name from opts.IDCol when given (else NAME-rowN, N the row
// number as a spreadsheet shows it, the header being row 1). A row with an empty text, or with fewer cells than the text
// column needs, is a bad record. A table with the header of our csv-tokens
// export is read back as that export (readTokensTable) unless opts.Column
// is set; one with the header of csv-spans is refused then, as it holds no
// document text.
func readTable(t *table, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	name := opts.Column
	if name == "" {
		if isTokensExport(t.header) {
			return readTokensTable(t, opts, im, emit)
		}
		if isSpansExport(t.header) {
			return fmt.Errorf("export: %s: this is a csv-spans export, which holds spans but not the documents' text; import the csv-tokens export (or the xlsx workbook) instead, or name a column to read as text with -column", t.file)
		}
		name = "text"
	}
	textCol := column(t.header, name)
	if textCol < 0 {
		return fmt.Errorf("export: %s: no column %q for the text (columns: %s); choose one with -column", t.file, name, quoteList(t.header))
	}
	idCol := -1
	if opts.IDCol != "" {
		if idCol = column(t.header, opts.IDCol); idCol < 0 {
			return fmt.Errorf("export: %s: no id column %q (columns: %s)", t.file, opts.IDCol, quoteList(t.header))
		}
	}
	base := strings.TrimSuffix(filepath.Base(t.file), filepath.Ext(t.file))
	for {
		row, loc, err := t.next()
		if err != nil {
			return err
		}
		if row == nil {
			break
		}
		if textCol >= len(row) || strings.TrimSpace(row[textCol]) == "" {
			if err := im.Bad(opts, loc.bad(t.file, textCol, fmt.Errorf("empty text in column %q", t.header[textCol]))); err != nil {
				return err
			}
			continue
		}
		doc := &annotate.Document{Text: row[textCol]}
		if idCol >= 0 && idCol < len(row) {
			doc.Name = strings.TrimSpace(row[idCol])
		}
		if doc.Name == "" {
			doc.Name = fmt.Sprintf("%s-row%d", base, loc.row)
		}
		if err := emit(doc); err != nil {
			return err
		}
	}
	return nil
}

// readTokensTable reads our own csv-tokens export (or xlsx Tokens sheets)
// back, each document handed to emit once its last row is read: one
// document per doc_id, its text the tokens each followed by its
// space_after (an empty token at [0,0) holds the text before the first
// token, or the whole text of a document without tokens), its tokens
// (with POS) at their offsets, sentences from sent_id, and spans from the
// BIO/BIOES tag columns, one layer per column. An export without
// space_after (written before it existed) does not hold the characters
// between tokens: they come back as spaces, with a warning, as do those a
// skipped bad row leaves out. A character-level export (no POS, every
// token one character) gives the document without tokens, for the
// importer to segment. Layer names (the column headers) and the labels of
// tags must pass annotate.CheckName.
func readTokensTable(t *table, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	hasAfter := hasSpaceAfter(t.header)
	first := len(tokenColumns) // the first layer column
	if !hasAfter {
		first--
	}
	layers := t.header[first:]
	for i, l := range layers {
		if err := annotate.CheckName("layer", l); err != nil {
			return t.hdr.bad(t.file, first+i, err)
		}
	}
	type tok struct {
		text.Token
		sent int
		tags []string
		loc  tableLoc
	}
	var (
		curID = "\x00" // no document yet
		name  string
		toks  []tok
		runes []rune // the document's text so far
		gaps  int    // characters of it the file did not hold
		rows  int    // rows of the document read
	)
	flush := func() error {
		if rows == 0 {
			return nil
		}
		doc := &annotate.Document{Name: name, Text: string(runes)}
		if gaps > 0 {
			im.Warnings = append(im.Warnings, fmt.Sprintf("%s: document %q: %d characters between tokens are not in the file: read as spaces", t.file, name, gaps))
		}
		char := true
		for _, k := range toks {
			if k.POS != "" || k.End-k.Start != 1 {
				char = false
				break
			}
		}
		if !char {
			for _, k := range toks {
				doc.Tokens = append(doc.Tokens, k.Token)
			}
			for i := 0; i < len(toks); {
				j := i
				for j < len(toks) && toks[j].sent == toks[i].sent {
					j++
				}
				if toks[i].sent > 0 {
					doc.Sentences = append(doc.Sentences, text.Sentence{Start: toks[i].Start, End: toks[j-1].End})
				}
				i = j
			}
			if len(doc.Sentences) == 0 {
				doc.Sentences = nil
			}
		}
		tags := make([]string, len(toks))
		for l, layer := range layers {
			for i, k := range toks {
				tags[i] = k.tags[l]
			}
			spans, bad := SpansFromTags(tags)
			for _, i := range bad {
				im.Warnings = append(im.Warnings, toks[i].loc.bad(t.file, first+l, fmt.Errorf("tag %q is not O, B-, I-, E- or S-: read as O", tags[i])).Error())
			}
			for _, s := range spans {
				doc.Spans = append(doc.Spans, annotate.Span{Layer: layer, Label: s.Label, Start: toks[s.First].Start, End: toks[s.Last-1].End})
			}
		}
		toks, runes, gaps, rows = nil, nil, 0, 0
		return emit(doc)
	}
	seen := map[string]bool{}
	for {
		row, loc, err := t.next()
		if err != nil {
			return err
		}
		if row == nil {
			break
		}
		for len(row) < len(t.header) {
			row = append(row, "")
		}
		var k tok
		k.loc = loc
		ints := make([]int, 4)
		bad := -1
		for i, col := range []int{2, 3, 4, 5} {
			n, err := strconv.Atoi(strings.TrimSpace(row[col]))
			if err != nil || n < 0 {
				bad = col
				break
			}
			ints[i] = n
		}
		if bad >= 0 {
			if err := im.Bad(opts, loc.bad(t.file, bad, fmt.Errorf("%s %q is not a number ≥ 0", t.header[bad], row[bad]))); err != nil {
				return err
			}
			continue
		}
		k.sent, k.Start, k.End, k.Text, k.POS = ints[0], ints[2], ints[3], row[6], row[7]
		after := ""
		if hasAfter {
			after = row[8]
		}
		if id := row[0]; id != curID {
			if err := flush(); err != nil {
				return err
			}
			if seen[id] {
				im.Warnings = append(im.Warnings, loc.bad(t.file, 0, fmt.Errorf("doc_id %s appears again after other documents: read as another document", id)).Error())
			}
			seen[id], curID, name = true, id, row[1]
		}
		// A gap is text the file does not hold (filled with spaces): bound
		// it, so that a wrong offset cannot ask for gigabytes.
		prev := len(runes)
		n := utf8.RuneCountInString(k.Text)
		if k.End-k.Start != n || k.Start < prev || k.Text == "" && k.Start != k.End || k.Text == "" && !hasAfter || k.Start-prev > maxTokenGap {
			if err := im.Bad(opts, loc.bad(t.file, 4, fmt.Errorf("token %q at [%d,%d) does not fit: it must follow the text before it (which ends at %d), at most %d characters after it, and span its %d characters", k.Text, k.Start, k.End, prev, maxTokenGap, n))); err != nil {
				return err
			}
			continue
		}
		k.tags = slices.Clone(row[first:len(t.header)])
		if err := tagLabels(k.tags); err != nil {
			if err := im.Bad(opts, loc.bad(t.file, first+err.col, err.err)); err != nil {
				return err
			}
			continue
		}
		rows++
		for ; prev < k.Start; prev++ {
			runes = append(runes, ' ')
			gaps++
		}
		runes = append(runes, []rune(k.Text)...)
		runes = append(runes, []rune(after)...)
		if k.Text != "" {
			toks = append(toks, k)
		}
	}
	return flush()
}

// tagError is a tag whose label annotate.CheckName refuses, in column col
// of the tags.
type tagError struct {
	col int
	err error
}

// tagLabels checks the label of each tag (B-LABEL…) with annotate.CheckName.
func tagLabels(tags []string) *tagError {
	for i, tag := range tags {
		if len(tag) > 2 && (tag[1] == '-' || tag[1] == '_') {
			if err := annotate.CheckName("label", tag[2:]); err != nil {
				return &tagError{i, err}
			}
		}
	}
	return nil
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// eachCSV reads a CSV file (any encoding text.Decode knows: UTF-8
// with or without a byte order mark, UTF-16 with one, GB18030/GBK, Big5)
// as a table with a header row. In UTF-8, cells keep their line ends as
// they are (CRLF too). Errors name the file and the line.
//
// A UTF-8 file (the usual case) is read as it goes, a row at a time, never
// whole: a first pass over it checks that it is UTF-8 and finds what
// protectCR needs (see csvScan), the second parses it. A file in another
// encoding is decoded whole first (text.Decode), as its encoding is
// known only from all of it.
func eachCSV(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	src, err := openCSVText(path)
	if err != nil {
		return err
	}
	return src.each(opts, im, emit)
}

// each reads the text as a table (see readTable).
func (src *csvText) each(opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	path := src.path
	restore := func(rec []string) []string {
		if src.cr != 0 {
			for i, f := range rec {
				rec[i] = strings.ReplaceAll(f, string(src.cr), "\r")
			}
		}
		return rec
	}
	in, done, err := src.open()
	if err != nil {
		return err
	}
	defer done()
	r := newCSVRows(in)
	header, _, err := r.read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("export: %s: empty file: want a header row", path)
	}
	if err != nil {
		return src.error(err)
	}
	header = restore(slices.Clone(header))
	// A CSV written for spreadsheets (-excel) says so in its header's
	// last column: its cells are given back as they were.
	excel := len(header) > 0 && strings.HasPrefix(header[len(header)-1], csvExcelMarker[:len("excel-safe:")])
	uncell := func(rec []string) []string {
		if excel {
			for i, f := range rec {
				rec[i] = excelUncell(f)
			}
		}
		return rec
	}
	if excel {
		header = uncell(header[:len(header)-1])
		if im != nil {
			im.Warnings = append(im.Warnings, fmt.Sprintf("%s: written for spreadsheets (its header says so): the ' put before cells that began with = + - @, a tab or CR taken off", path))
		}
	}
	row := 1
	t := &table{file: path, header: header, hdr: tableLoc{line: 1, row: 1}, next: func() ([]string, tableLoc, error) {
		rec, line, err := r.read()
		if errors.Is(err, io.EOF) {
			return nil, tableLoc{}, nil
		}
		if err != nil {
			return nil, tableLoc{}, src.error(err)
		}
		row++
		return uncell(restore(rec)), tableLoc{line: line, row: row}, nil
	}}
	return readTable(t, opts, im, emit)
}

// csvRows reads CSV records (any number of fields) with encoding/csv,
// which keeps a buffer as big as the largest record read for the next:
// after a big record it goes on with a new csv.Reader on the same
// buffered input, so that a 100 MB field is not held twice while its
// document is imported. Lines count from the input's start throughout.
type csvRows struct {
	in    *bufio.Reader
	r     *csv.Reader
	lines int // lines before r's first
}

// csvBigRecord is the size of a record after which csvRows lets go of
// encoding/csv's buffer (a variable for the tests).
var csvBigRecord = 1 << 20

func newCSVRows(in io.Reader) *csvRows {
	// csv.NewReader reads from a *bufio.Reader of 4 KB or more as it is,
	// buffering nothing of its own: the next reader goes on from there.
	c := &csvRows{in: bufio.NewReaderSize(in, 64<<10)}
	c.reset()
	return c
}

func (c *csvRows) reset() {
	c.r = csv.NewReader(c.in)
	c.r.FieldsPerRecord = -1
}

// read returns the next record and the line it starts on; errors are
// encoding/csv's (a *csv.ParseError with the lines from the input's
// start), io.EOF at the end.
func (c *csvRows) read() ([]string, int, error) {
	rec, err := c.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			pe.StartLine += c.lines
			pe.Line += c.lines
		}
		return nil, 0, err
	}
	line, _ := c.r.FieldPos(0)
	line += c.lines
	size := 0
	for _, f := range rec {
		size += len(f)
	}
	if size > csvBigRecord {
		// The record ends on the line its last field starts on, plus the
		// line breaks in that field (a quoted one can hold them; CRLF
		// in it reads as LF).
		last, _ := c.r.FieldPos(len(rec) - 1)
		c.lines += last + strings.Count(rec[len(rec)-1], "\n")
		c.reset()
	}
	return rec, line, nil
}

// readCSV is the csv reader's Read.
func readCSV(path string, opts ReadOptions) (*Imported, error) { return readWhole(eachCSV)(path, opts) }

// csvText is the text of a CSV file as encoding/csv reads it: each
// carriage return inside a quoted field replaced by cr (see protectCR;
// 0: none was).
type csvText struct {
	path string
	cr   rune
	text *string // a file not in UTF-8, decoded; nil: the file is read as it goes
	bom  bool    // the UTF-8 file starts with a byte order mark (not text)
}

// openCSVText looks at the CSV file at path: a UTF-8 file (without NUL)
// is scanned without being held, any other decoded whole.
func openCSVText(path string) (*csvText, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	sc, err := scanCSV(f)
	if err != nil {
		return nil, fmt.Errorf("export: %s: %w", path, err)
	}
	if sc.utf8 {
		src := &csvText{path: path, bom: sc.bom}
		if sc.protect {
			src.cr = sc.cr()
		}
		return src, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	text, _, err := text.Decode(path, data)
	if err != nil {
		return nil, err
	}
	data = nil
	text, cr := protectCR(text)
	return &csvText{path: path, cr: cr, text: &text}, nil
}

// open returns a reader of the text, from its start, and what closes it.
func (t *csvText) open() (io.Reader, func(), error) {
	if t.text != nil {
		return strings.NewReader(*t.text), func() {}, nil
	}
	f, err := os.Open(t.path)
	if err != nil {
		return nil, nil, fmt.Errorf("export: %w", err)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if t.bom {
		br.Discard(3)
	}
	var r io.Reader = br
	if t.cr != 0 {
		r = &crProtect{r: br, cr: utf8.AppendRune(nil, t.cr)}
	}
	return r, func() { f.Close() }, nil
}

// error names the file, line and character (encoding/csv counts bytes;
// people count characters) of a CSV syntax error.
func (t *csvText) error(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("export: %s: %w", t.path, err)
	}
	col := pe.Column
	if r, done, err := t.open(); err == nil {
		// The text before the column, from the start of its line.
		br := bufio.NewReader(r)
		for range pe.Line - 1 {
			if _, err := br.ReadString('\n'); err != nil {
				break
			}
		}
		if col >= 1 {
			before := make([]byte, col-1)
			if _, err := io.ReadFull(br, before); err == nil {
				col = utf8.RuneCount(before) + 1
			}
		}
		done()
	}
	return &RecordError{File: t.path, Line: pe.Line, Err: fmt.Errorf("character %d: %w", col, pe.Err)}
}

// csvScan is what a pass over a CSV file found: whether it is UTF-8
// without NUL characters (after a byte order mark, if any), whether a
// carriage return stands inside a quoted field (protect: see protectCR),
// and which characters from U+E000 on it holds (for cr).
type csvScan struct {
	utf8, bom, protect bool
	high               []uint64 // bit r-0xE000 set: the text holds r
}

// scanCSV reads r through once, a piece at a time.
func scanCSV(r io.Reader) (*csvScan, error) {
	sc := &csvScan{utf8: true, high: make([]uint64, (utf8.MaxRune+1-0xE000+63)/64)}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\uFEFF")) {
		br.Discard(3)
		sc.bom = true
	}
	buf := make([]byte, 64<<10)
	carry := 0 // bytes of an unfinished character at the start of buf
	quoted := false
	for {
		n, err := io.ReadFull(br, buf[carry:])
		n += carry
		end := n
		if err == nil {
			// Leave an unfinished character for the next piece.
			for i := n - 1; i >= max(0, n-utf8.UTFMax+1); i-- {
				if utf8.RuneStart(buf[i]) {
					if !utf8.FullRune(buf[i:n]) {
						end = i
					}
					break
				}
			}
		}
		piece := buf[:end]
		if !utf8.Valid(piece) || bytes.IndexByte(piece, 0) >= 0 {
			sc.utf8 = false
			return sc, nil
		}
		for i := 0; i < len(piece); i++ {
			switch c := piece[i]; {
			case c == '"':
				quoted = !quoted
			case c == '\r' && quoted:
				sc.protect = true
			case c >= 0xEE: // U+E000 and above
				r, size := utf8.DecodeRune(piece[i:])
				if r >= 0xE000 {
					sc.high[(r-0xE000)/64] |= 1 << ((r - 0xE000) % 64)
				}
				i += size - 1
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return sc, nil
		}
		if err != nil {
			return nil, err
		}
		carry = copy(buf, buf[end:n])
	}
}

// cr is the character protectCR would choose: the first from U+E000 on
// that the text does not hold.
func (sc *csvScan) cr() rune {
	cr := rune(0xE000)
	for cr <= utf8.MaxRune && sc.high[(cr-0xE000)/64]&(1<<((cr-0xE000)%64)) != 0 {
		cr++
	}
	return cr
}

// crProtect is protectCR as a reader of UTF-8 text: each carriage return
// inside a quoted field comes out as cr (UTF-8).
type crProtect struct {
	r       io.Reader
	cr      []byte
	quoted  bool
	in, out []byte
	pending []byte // of out, not handed on yet
	err     error  // r's, after pending
}

func (c *crProtect) Read(p []byte) (int, error) {
	for len(c.pending) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		if cap(c.in) < len(p) {
			c.in = make([]byte, len(p))
		}
		n, err := c.r.Read(c.in[:len(p)])
		c.err = err
		out := c.out[:0]
		for _, b := range c.in[:n] {
			switch {
			case b == '"':
				c.quoted = !c.quoted
			case b == '\r' && c.quoted:
				out = append(out, c.cr...)
				continue
			}
			out = append(out, b)
		}
		c.out, c.pending = out, out
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// protectCR replaces each carriage return inside a quoted field of the
// CSV text with a character the text does not hold (from the Private Use
// Area), which it returns (0 when there was none to replace), so that
// encoding/csv, which reads CRLF in a quoted field as LF, keeps it: the
// caller puts the CRs back in the fields. Quotes are followed as RFC 4180
// has them ("" inside a quoted field is a quote).
func protectCR(text string) (string, rune) {
	if !strings.Contains(text, "\r") {
		return text, 0
	}
	var cr rune = 0xE000
	for strings.ContainsRune(text, cr) {
		cr++
	}
	var b strings.Builder
	quoted, changed := false, false
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '\r' && quoted:
			b.WriteRune(cr)
			changed = true
			continue
		}
		b.WriteRune(r)
	}
	if !changed {
		return text, 0
	}
	return b.String(), cr
}

// maxTokenGap bounds the characters between two tokens of a csv-tokens
// file read back (our exports leave only white space there).
const maxTokenGap = 4096
