package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	pathpkg "path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"github.com/biaozhu/biaozhu/annotate"
)

// The xlsx export is one workbook with the sheets
//
//	Documents  id, name, status, chars, tokens, spans, source (the file
//	           it was imported from, relative to the folder that holds the
//	           files of every document exported: see relativeSources)
//	Tokens     the columns of csv-tokens, with the same rows
//	Spans      the columns of csv-spans, with the same rows
//	Relations  the columns of csv-relations, with the same rows (when
//	           the schema has relation layers)
//	Labels     the schema: layer, label, colour, key, description
//	Summary    doc_id, doc_name, spans, then one column per label (spans of
//	           that label in the document), and a last row of totals
//
// Every sheet has a bold header row, frozen, with an autofilter and column
// widths set. A label's cells (the Spans label column, the Tokens tag cells
// other than O, the Labels label column) are filled with the label's
// schema colour made light enough for black text (see lightFill); the
// Labels colour column shows the colour itself.
//
// It is written with excelize's StreamWriter, one sheet at a time, going
// through the documents twice (Tokens, then Spans; Documents and Summary
// come from small counts kept on the first pass), so a million tokens
// never sit in memory as a workbook.
//
// Text cells are inline strings, never formulas: a token "=SUM(A1)" stays
// that text. Excel's limits are met so that nothing changes silently: a
// sheet holds at most 1,048,576 rows, so past 1,048,575 rows under the
// header the rows go on in "Tokens 2", "Tokens 3"… (the same for every
// sheet), each with its header; a cell holds at most 32,767 UTF-16 units,
// so a longer text or note is cut there, and characters XML cannot carry
// (control characters other than tab, LF and CR; U+FFFE, U+FFFF) are
// replaced by U+FFFD, each with a warning. The CSV exports keep both
// as they are. Every span is proven with Job.Check against the document
// text before its row is written.
//
// The xlsx import reads the first sheet whose header row has the text
// column, like the csv import; a workbook that this export wrote is read
// back from its Tokens sheets, as a csv-tokens export is.

func init() {
	Register(&Format{Name: "xlsx", Ext: ".xlsx", Binary: true, Write: writeXLSX,
		Description: "Excel workbook: sheets Documents, Tokens, Spans, Labels (the schema) and Summary, label cells in their colours"})
	RegisterReader(&Reader{Name: "xlsx", Each: eachXLSX,
		Description: "Excel workbook with a header row: one document per row from the text column (-column, default text), named by an optional id column; also reads an xlsx export back"})
}

// Excel's limits.
const (
	xlsxCellMax = excelize.TotalCellChars // UTF-16 units in one cell
)

// xlsxMaxRows is the number of rows of a sheet, header included (a
// variable so that tests can go on to a second sheet without a million
// rows).
var xlsxMaxRows = excelize.TotalRows

// Column widths, in Excel's character units.
var (
	tokenWidths = []float64{8, 20, 8, 9, 9, 9, 16, 8, 12}
	spanWidths  = []float64{8, 20, 9, 12, 12, 9, 9, 24, 36, 12, 10}
	relWidths   = []float64{8, 20, 9, 12, 12, 9, 12, 12, 9, 9, 24, 9, 12, 12, 9, 9, 24, 36, 12, 10}
	docWidths   = []float64{8, 30, 12, 10, 10, 10, 40}
	labelWidths = []float64{14, 16, 10, 6, 48}
)

// book is an xlsx export in progress.
type book struct {
	j      *Job
	f      *excelize.File
	bold   int
	fills  map[string]int // layer + "\x00" + label → light fill style
	colour map[string]int // the same → fill of the colour itself
	dims   []string       // each sheet's used range, by the number dimensionRef gave it
}

// sheet writes rows to a sheet, going on to "NAME 2", "NAME 3"… when one
// is full.
type sheet struct {
	b      *book
	name   string
	header []string
	widths []float64
	n      int // sheets begun
	cur    string
	sw     *excelize.StreamWriter
	row    int // rows written to cur, header included
	filter int // last row of the autofilter in cur
	dim    int // cur's number among the book's dims
	vals   []any
}

func (b *book) sheet(name string, header []string, widths []float64) *sheet {
	return &sheet{b: b, name: name, header: header, widths: widths, vals: make([]any, len(header))}
}

func (s *sheet) begin() error {
	s.n++
	s.cur = s.name
	if s.n > 1 {
		s.cur = fmt.Sprintf("%s %d", s.name, s.n)
	}
	if idx, _ := s.b.f.GetSheetIndex(s.cur); idx < 0 {
		if _, err := s.b.f.NewSheet(s.cur); err != nil {
			return err
		}
	}
	// The stream writer writes the sheet's <dimension> (its used range)
	// before any row: a placeholder that writeWorkbook replaces with the
	// range written (see dimensionZip).
	s.dim = len(s.b.dims)
	s.b.dims = append(s.b.dims, "")
	if err := s.b.f.SetSheetDimension(s.cur, dimensionRef(s.dim)); err != nil {
		return err
	}
	sw, err := s.b.f.NewStreamWriter(s.cur)
	if err != nil {
		return err
	}
	s.sw, s.row, s.filter = sw, 0, 1
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// Right to left: the stream writer puts each new <col> first, and
	// Excel wants them in order.
	for c := len(s.header); c >= 1; c-- {
		w := 12.0
		if c <= len(s.widths) {
			w = s.widths[c-1]
		}
		if err := sw.SetColWidth(c, c, w); err != nil {
			return err
		}
	}
	hdr := make([]any, len(s.header))
	for i, h := range s.header {
		if safe, changed := xmlSafe(h); changed {
			*s.b.j.warnings = append(*s.b.j.warnings, Warning{Doc: "xlsx sheet " + s.cur, Msg: fmt.Sprintf("column %q: control characters that Excel cannot hold replaced by U+FFFD", h)})
			h = safe
		}
		hdr[i] = excelize.Cell{StyleID: s.b.bold, Value: h}
	}
	return s.write(hdr)
}

func (s *sheet) write(vals []any) error {
	s.row++
	return s.sw.SetRow(cellName(0, s.row), vals)
}

// add writes a row (s.vals, or vals when given) under the autofilter,
// beginning a sheet when none is open or the open one is full.
func (s *sheet) add(vals []any) error {
	if s.sw == nil || s.row >= xlsxMaxRows {
		if err := s.end(); err != nil {
			return err
		}
		if err := s.begin(); err != nil {
			return err
		}
	}
	if vals == nil {
		vals = s.vals
	}
	if err := s.write(vals); err != nil {
		return err
	}
	s.filter = s.row
	return nil
}

// addBelow writes a row that the autofilter leaves out (a totals row).
func (s *sheet) addBelow(vals []any) error {
	if s.sw == nil || s.row >= xlsxMaxRows {
		if err := s.add(vals); err != nil {
			return err
		}
		s.filter--
		return nil
	}
	return s.write(vals)
}

// end sets the open sheet's autofilter and flushes it.
func (s *sheet) end() error {
	if s.sw == nil {
		return nil
	}
	ref := "A1:" + cellName(len(s.header)-1, max(s.filter, 1))
	if err := s.b.f.AutoFilter(s.cur, ref, nil); err != nil {
		return err
	}
	s.b.dims[s.dim] = "A1:" + cellName(len(s.header)-1, s.row)
	err := s.sw.Flush()
	s.sw = nil
	return err
}

// finish ends the sheet, writing its header if no row came.
func (s *sheet) finish() error {
	if s.sw == nil && s.n == 0 {
		if err := s.begin(); err != nil {
			return err
		}
	}
	return s.end()
}

// docStats is what the Documents and Summary sheets say of a document,
// counted on the first pass.
type docStats struct {
	id                   int64
	name, status, source string
	chars, tokens, spans int
	labels               []int // spans per label column of Summary
}

func writeXLSX(j *Job, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	b := &book{j: j, f: f, fills: map[string]int{}, colour: map[string]int{}}
	var err error
	if b.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	for _, l := range j.Schema.Layers {
		for _, lb := range l.Labels {
			key := l.Name + "\x00" + lb.Name
			if b.fills[key], err = fillStyle(f, lightFill(lb.Color)); err != nil {
				return err
			}
			if b.colour[key], err = fillStyle(f, strings.TrimPrefix(lb.Color, "#")); err != nil {
				return err
			}
		}
	}
	// The sheets in their order; Documents is written last but comes first.
	if err := f.SetSheetName(f.GetSheetList()[0], "Documents"); err != nil {
		return err
	}
	layers := j.Layers()
	labelCol := map[string]int{} // layer + "\x00" + label → Summary column
	var labelKeys []string
	addLabel := func(key string) int {
		c, ok := labelCol[key]
		if !ok {
			c = len(labelKeys)
			labelCol[key] = c
			labelKeys = append(labelKeys, key)
		}
		return c
	}
	for _, name := range layers {
		l, _ := j.Schema.Layer(name)
		for _, lb := range l.Labels {
			addLabel(name + "\x00" + lb.Name)
		}
	}

	// Tokens, and the counts for Documents and Summary. The first pass
	// reports no progress: Progress counts the second.
	var stats []docStats
	sources := relativeSources(j.docs)
	toks := b.sheet("Tokens", append(slices.Clone(tokenColumns), layers...), tokenWidths)
	first := *j
	first.progress = nil
	err = first.Each(func(d *Doc) error {
		st := docStats{id: d.ID, name: b.text(d, 0, "document name", d.Name), status: string(d.Status), source: b.text(d, 0, "source", sources[d.ID]),
			chars: len(d.Runes), spans: len(d.Spans), labels: make([]int, len(labelKeys))}
		if st.status == "" {
			st.status = string(annotate.StatusNew)
		}
		for _, sp := range d.Spans {
			c := addLabel(sp.Layer + "\x00" + sp.Label)
			for len(st.labels) <= c {
				st.labels = append(st.labels, 0)
			}
			st.labels[c]++
		}
		v := toks.vals
		err := tokenRows(j, d, func(r *tokenRow) error {
			st.tokens++
			v[0], v[1], v[2], v[3], v[4], v[5] = d.ID, st.name, r.sent, r.id, r.start, r.end
			v[6] = b.text(d, 0, fmt.Sprintf("token %d", r.id), r.text)
			v[7] = r.pos
			v[8] = b.text(d, 0, fmt.Sprintf("space after token %d", r.id), r.after)
			for k, tag := range r.tags {
				v[len(tokenColumns)+k] = b.tagCell(layers[k], tag)
			}
			return toks.add(nil)
		})
		stats = append(stats, st)
		return err
	})
	if err != nil {
		return err
	}
	if err := toks.finish(); err != nil {
		return err
	}

	spans := b.sheet("Spans", spanColumns, spanWidths)
	k := 0
	err = j.Each(func(d *Doc) error {
		name := stats[k].name // already made to fit, with its warning
		k++
		v := spans.vals
		return spanRows(j, d, func(sp annotate.Span, text string) error {
			v[0], v[1], v[2], v[3] = d.ID, name, sp.ID, sp.Layer
			v[4] = b.labelCell(sp.Layer, sp.Label, b.fills)
			v[5], v[6] = sp.Start, sp.End
			v[7] = b.text(d, sp.ID, "text", text)
			v[8] = b.text(d, sp.ID, "note", sp.Note)
			v[9], v[10] = sp.Annotator, string(sp.Origin)
			return spans.add(nil)
		})
	})
	if err != nil {
		return err
	}
	if err := spans.finish(); err != nil {
		return err
	}

	if len(j.Schema.Relations) > 0 {
		rels := b.sheet("Relations", relationColumns, relWidths)
		k := 0
		err = j.Each(func(d *Doc) error {
			name := stats[k].name
			k++
			v := rels.vals
			_, err := relationRows(j, d, func(r annotate.Relation, from, to annotate.Span, ft, tt string) error {
				v[0], v[1], v[2], v[3], v[4] = d.ID, name, r.ID, r.Layer, r.Type
				for e, end := range [2]struct {
					sp   annotate.Span
					text string
				}{{from, ft}, {to, tt}} {
					c := v[5+6*e:]
					c[0], c[1], c[2] = end.sp.ID, end.sp.Layer, b.labelCell(end.sp.Layer, end.sp.Label, b.fills)
					c[3], c[4], c[5] = end.sp.Start, end.sp.End, b.text(d, end.sp.ID, "text", end.text)
				}
				v[17] = b.text(d, r.ID, "relation note", r.Note)
				v[18], v[19] = r.Annotator, string(r.Origin)
				return rels.add(nil)
			})
			return err
		})
		if err != nil {
			return err
		}
		if err := rels.finish(); err != nil {
			return err
		}
	}

	lbls := b.sheet("Labels", []string{"layer", "label", "colour", "key", "description"}, labelWidths)
	for _, l := range j.Schema.Layers {
		for _, lb := range l.Labels {
			key := l.Name + "\x00" + lb.Name
			if err := lbls.add([]any{l.Name, excelize.Cell{StyleID: b.fills[key], Value: lb.Name},
				excelize.Cell{StyleID: b.colour[key], Value: lb.Color}, lb.Key, lb.Description}); err != nil {
				return err
			}
		}
	}
	if err := lbls.finish(); err != nil {
		return err
	}

	docs := b.sheet("Documents", []string{"id", "name", "status", "chars", "tokens", "spans", "source"}, docWidths)
	for _, st := range stats {
		if err := docs.add([]any{st.id, st.name, st.status, st.chars, st.tokens, st.spans, st.source}); err != nil {
			return err
		}
	}
	if err := docs.finish(); err != nil {
		return err
	}

	// Summary: a label's column is headed by its name, or layer/label when
	// two layers written share the name.
	uses := map[string]int{}
	for _, key := range labelKeys {
		_, label, _ := strings.Cut(key, "\x00")
		uses[label]++
	}
	header := []string{"doc_id", "doc_name", "spans"}
	widths := []float64{8, 30, 8}
	for _, key := range labelKeys {
		layer, label, _ := strings.Cut(key, "\x00")
		if uses[label] > 1 {
			label = layer + "/" + label
		}
		header = append(header, label)
		widths = append(widths, columnWidth(label))
	}
	sum := b.sheet("Summary", header, widths)
	totals := make([]int, len(labelKeys))
	all := 0
	for _, st := range stats {
		v := sum.vals
		v[0], v[1], v[2] = st.id, st.name, st.spans
		all += st.spans
		for c := range labelKeys {
			n := 0
			if c < len(st.labels) {
				n = st.labels[c]
			}
			totals[c] += n
			v[3+c] = n
		}
		if err := sum.add(nil); err != nil {
			return err
		}
	}
	row := []any{nil, excelize.Cell{StyleID: b.bold, Value: "all documents"}, excelize.Cell{StyleID: b.bold, Value: all}}
	for c, key := range labelKeys {
		row = append(row, excelize.Cell{StyleID: b.fills[key], Value: totals[c]})
	}
	if err := sum.addBelow(row); err != nil {
		return err
	}
	if err := sum.finish(); err != nil {
		return err
	}
	return writeWorkbook(f, w, b.dims)
}

// writeWorkbook writes workbook f to w, its first sheet active; dims are
// the used ranges of its streamed sheets, which replace the placeholders
// dimensionRef gave them (nil: none).
//
// excelize's WriteTo builds the whole zip in a bytes.Buffer first (the
// size of the file, doubled while it grows); its zip writer hook lets the
// zip go straight to w instead, leaving that buffer empty. (The buffer is
// only needed to mark local headers of parts over 4 GB as zip64, which a
// sheet cut at Excel's row limit does not reach in practice; archive/zip
// writes the zip64 records itself.)
func writeWorkbook(f *excelize.File, w io.Writer, dims []string) error {
	f.SetActiveSheet(0)
	bw := bufio.NewWriterSize(w, 1<<16)
	zw := &dimensionZip{zw: zip.NewWriter(bw), dims: dims, done: make([]bool, len(dims)), now: time.Now()}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	if _, err := f.WriteTo(w); err != nil {
		return err
	}
	for i, done := range zw.done {
		if !done {
			return fmt.Errorf("export: xlsx: the used range of sheet part %d was not written (%s)", i+1, dimensionRef(i))
		}
	}
	return bw.Flush()
}

// dimensionRef is the placeholder of the n-th streamed sheet's
// <dimension>: a cell reference no sheet of ours reaches (XFD, the last
// column, in a row past 1,000,000), unique to the sheet.
func dimensionRef(n int) string { return "XFD" + strconv.Itoa(1_000_001+n) }

// dimensionZip is the zip writer of an xlsx export: each part dated now
// (not the zip format's zero date), and in each sheet the placeholder
// range of its <dimension> (see dimensionRef) replaced by the range the
// sheet's rows fill. Excel and excelize work out the range from the rows;
// openpyxl in read-only mode (what pandas and most scripts use for big
// files) and other streaming readers take it from <dimension>: with "A1"
// they see one cell.
type dimensionZip struct {
	zw   *zip.Writer
	dims []string
	done []bool
	now  time.Time
	open *dimensionWriter // the sheet part being written, if any
}

func (z *dimensionZip) Create(name string) (io.Writer, error) {
	if err := z.flush(); err != nil {
		return nil, err
	}
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.now})
	if err != nil || !strings.HasPrefix(name, "xl/worksheets/") {
		return w, err
	}
	z.open = &dimensionWriter{w: w, z: z}
	return z.open, nil
}

// flush writes out what the sheet part being written holds back.
func (z *dimensionZip) flush() error {
	if z.open == nil {
		return nil
	}
	d := z.open
	z.open = nil
	return d.pass(len(d.head))
}

func (z *dimensionZip) AddFS(fsys fs.FS) error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

func (z *dimensionZip) Close() error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.zw.Close()
}

// dimensionWriter passes a sheet part on, holding back its start until
// the <dimension> element has gone by (it comes before the rows).
type dimensionWriter struct {
	w    io.Writer
	z    *dimensionZip
	head []byte
	past bool // the head has been written
}

func (d *dimensionWriter) Write(p []byte) (int, error) {
	if d.past {
		return d.w.Write(p)
	}
	d.head = append(d.head, p...)
	end := bytes.Index(d.head, []byte("<sheetData"))
	if end < 0 && len(d.head) < 1<<20 {
		return len(p), nil
	}
	if end < 0 {
		end = len(d.head)
	}
	if err := d.pass(end); err != nil {
		return 0, err
	}
	return len(p), nil
}

// pass replaces a placeholder in the first end bytes of the head and
// writes the head out.
func (d *dimensionWriter) pass(end int) error {
	if d.past {
		return nil
	}
	for i, ref := range d.z.dims {
		at := []byte(`ref="` + dimensionRef(i) + `"`)
		if k := bytes.Index(d.head[:end], at); k >= 0 {
			d.head = slices.Concat(d.head[:k], []byte(`ref="`+ref+`"`), d.head[k+len(at):])
			d.z.done[i] = true
			break
		}
	}
	d.past = true
	_, err := d.w.Write(d.head)
	d.head = nil
	return err
}

// relativeSources gives each document's Source (the file it was
// imported from, which a project keeps as an absolute path of the
// annotator's machine) as an export may show it to whoever it is handed
// to: relative to the deepest folder that holds the sources of all docs,
// slash-separated — the file's name when there is one document, the
// path under the imported folder when a folder was imported. A relative
// source (an annotated file named so at import) is kept, cleaned, unless
// it climbs out of its folder (../): then its file name. Windows paths
// (C:\…, \\server\…) are read as such on any system.
func relativeSources(docs []annotate.DocumentSummary) map[int64]string {
	out := map[int64]string{}
	slash := func(p string) (string, bool) {
		win := len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') || strings.HasPrefix(p, `\\`)
		if win {
			p = strings.ReplaceAll(p, `\`, "/")
		}
		return p, win || strings.HasPrefix(p, "/")
	}
	var common []string // the folders of the absolute sources' common folder
	first := true
	for _, d := range docs {
		p, abs := slash(d.Source)
		if d.Source == "" || !abs {
			continue
		}
		dir := strings.Split(pathpkg.Dir(pathpkg.Clean(p)), "/")
		if first {
			common, first = dir, false
			continue
		}
		n := 0
		for n < len(common) && n < len(dir) && common[n] == dir[n] {
			n++
		}
		common = common[:n]
	}
	prefix := strings.Join(common, "/")
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	for _, d := range docs {
		p, abs := slash(d.Source)
		p = pathpkg.Clean(p)
		switch {
		case d.Source == "":
		case abs && strings.HasPrefix(p, prefix):
			out[d.ID] = strings.TrimPrefix(p, prefix)
		case abs || p == ".." || strings.HasPrefix(p, "../"):
			out[d.ID] = pathpkg.Base(p)
		default:
			out[d.ID] = p
		}
	}
	return out
}

// columnWidth is the width of a column headed by name: its width on
// screen (East Asian wide characters count two) and a margin, at least 8
// and at most 255, Excel's limit.
func columnWidth(name string) float64 {
	n := 0
	for _, r := range name {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return math.Min(255, math.Max(8, float64(n+2)))
}

// fillStyle is a solid fill of colour "rrggbb".
func fillStyle(f *excelize.File, rgb string) (int, error) {
	return f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.ToUpper(rgb)}}})
}

// labelCell is a label's name in its light colour (plain when the schema
// does not have the label).
func (b *book) labelCell(layer, label string, styles map[string]int) any {
	if id, ok := styles[layer+"\x00"+label]; ok {
		return excelize.Cell{StyleID: id, Value: label}
	}
	return label
}

// tagCell is a tag of layer, filled with its label's light colour unless
// it is O.
func (b *book) tagCell(layer, tag string) any {
	if len(tag) < 3 || tag[1] != '-' {
		return tag
	}
	if id, ok := b.fills[layer+"\x00"+tag[2:]]; ok {
		return excelize.Cell{StyleID: id, Value: tag}
	}
	return tag
}

// text makes s fit an Excel cell, warning when it has to change it:
// characters XML cannot carry become U+FFFD, and text past 32,767 UTF-16
// units is cut.
func (b *book) text(d *Doc, spanID int64, what, s string) string {
	if t, changed := xmlSafe(s); changed {
		b.j.Warn(d, spanID, "xlsx: %s: control characters that Excel cannot hold replaced by U+FFFD (the CSV exports keep them)", what)
		s = t
	}
	if t, cut := cutUTF16(s, xlsxCellMax); cut {
		b.j.Warn(d, spanID, "xlsx: %s: %d characters, more than an Excel cell holds: cut to its first %d UTF-16 units (the CSV exports keep it whole)",
			what, utf8.RuneCountInString(s), xlsxCellMax)
		s = t
	}
	return s
}

// xmlSafe replaces the characters XML 1.0 cannot carry (C0 controls other
// than tab, LF and CR; U+FFFE and U+FFFF; invalid UTF-8) with U+FFFD.
func xmlSafe(s string) (string, bool) {
	bad := false
	for i := 0; i < len(s) && !bad; {
		if c := s[i]; c < utf8.RuneSelf {
			bad = c < 0x20 && c != '\t' && c != '\n' && c != '\r'
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		bad = r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF
		i += size
	}
	if !bad {
		return s, false
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return utf8.RuneError
		}
		return r // invalid UTF-8 comes as RuneError and is written as U+FFFD
	}, s), true
}

// cutUTF16 cuts s to at most n UTF-16 units, never inside a surrogate pair.
func cutUTF16(s string, n int) (string, bool) {
	if len(s) <= n { // bytes ≥ UTF-16 units
		return s, false
	}
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i], true
		}
	}
	return s, false
}

// lightFill returns colour ("#rrggbb") as "RRGGBB" mixed with white just
// enough, in steps of a tenth, for black text on it to have a contrast
// ratio of at least 7:1 (WCAG AAA: relative luminance ≥ 0.30). A colour
// light enough already is kept; one that cannot be read ("" or malformed)
// gives light grey.
func lightFill(colour string) string {
	c := strings.TrimPrefix(colour, "#")
	v, err := strconv.ParseUint(c, 16, 32)
	if len(c) != 6 || err != nil {
		return "EEEEEE"
	}
	rgb := [3]float64{float64(v >> 16 & 0xff), float64(v >> 8 & 0xff), float64(v & 0xff)}
	for step := 0; step <= 10; step++ {
		t := float64(step) / 10
		var m [3]float64
		for i, x := range rgb {
			m[i] = math.Round(x + (255-x)*t)
		}
		if luminance(m) >= 0.30 {
			return fmt.Sprintf("%02X%02X%02X", int(m[0]), int(m[1]), int(m[2]))
		}
	}
	return "FFFFFF"
}

// luminance is the WCAG relative luminance of an sRGB colour (0–255).
func luminance(rgb [3]float64) float64 {
	lin := func(x float64) float64 {
		x /= 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(rgb[0]) + 0.7152*lin(rgb[1]) + 0.0722*lin(rgb[2])
}

// eachXLSX reads a workbook as a table: the Tokens sheets of our own xlsx
// export (when no column is named), else the first sheet whose header row
// has the text column. Errors name the file, and the sheet and cell.
func eachXLSX(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	unzipped, err := checkXLSX(path) // sizes, before excelize reads anything
	if err != nil {
		return err
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: min(xlsxXMLLimit, xlsxUnzipLimit)})
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			return fmt.Errorf("export: %s: not an xlsx workbook (%v)", path, err)
		}
		return fmt.Errorf("export: %s: %w", path, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	var open []*excelize.Rows
	defer func() {
		for _, r := range open {
			r.Close()
		}
	}()
	// header opens a sheet and reads its first row.
	header := func(name string) (*excelize.Rows, []string, error) {
		rows, err := f.Rows(name)
		if err != nil {
			return nil, nil, fmt.Errorf("export: %s: sheet %s: %w", path, name, err)
		}
		open = append(open, rows)
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, nil, fmt.Errorf("export: %s: sheet %s: %w", path, name, err)
			}
			return rows, nil, nil
		}
		h, err := rows.Columns()
		if err != nil {
			return nil, nil, fmt.Errorf("export: %s: sheet %s, row 1: %w", path, name, err)
		}
		return rows, h, nil
	}
	// Our own export: the Tokens sheets, in order.
	if opts.Column == "" && slices.Contains(sheets, "Tokens") && slices.Contains(sheets, "Documents") {
		rows, h, err := header("Tokens")
		if err != nil {
			return err
		}
		if isTokensExport(h) {
			parts := []string{"Tokens"}
			for n := 2; slices.Contains(sheets, fmt.Sprintf("Tokens %d", n)); n++ {
				parts = append(parts, fmt.Sprintf("Tokens %d", n))
			}
			return readTable(boundText(sheetTable(path, parts, rows, h, header), unzipped+xlsxTextSlack), opts, im, emit)
		}
	}
	name := opts.Column
	if name == "" {
		name = "text"
	}
	var seen []string
	for _, s := range sheets {
		rows, h, err := header(s)
		if err != nil {
			return err
		}
		if column(h, name) >= 0 {
			return readTable(boundText(sheetTable(path, []string{s}, rows, h, header), unzipped+xlsxTextSlack), opts, im, emit)
		}
		seen = append(seen, fmt.Sprintf("sheet %s: %s", s, quoteList(h)))
	}
	return fmt.Errorf("export: %s: no sheet has a column %q for the text (%s); choose one with -column", path, name, strings.Join(seen, "; "))
}

// readXLSX is the xlsx reader's Read.
func readXLSX(path string, opts ReadOptions) (*Imported, error) {
	return readWhole(eachXLSX)(path, opts)
}

// sheetTable reads the rows under the header of sheets in turn (each
// later sheet's header row is skipped), leaving out rows with no value.
func sheetTable(path string, sheets []string, rows *excelize.Rows, h []string,
	header func(string) (*excelize.Rows, []string, error)) *table {
	k, row := 0, 1
	width := len(h)
	next := func() ([]string, tableLoc, error) {
		for {
			if !rows.Next() {
				if err := rows.Error(); err != nil {
					return nil, tableLoc{}, fmt.Errorf("export: %s: sheet %s, row %d: %w", path, sheets[k], row+1, err)
				}
				if k++; k >= len(sheets) {
					return nil, tableLoc{}, nil
				}
				var err error
				if rows, _, err = header(sheets[k]); err != nil {
					return nil, tableLoc{}, err
				}
				row = 1
				continue
			}
			row++
			cols, err := rows.Columns()
			if err != nil {
				return nil, tableLoc{}, fmt.Errorf("export: %s: sheet %s, row %d: %w", path, sheets[k], row, err)
			}
			if !slices.ContainsFunc(cols, func(c string) bool { return c != "" }) {
				continue
			}
			for len(cols) < width {
				cols = append(cols, "")
			}
			return cols, tableLoc{sheet: sheets[k], row: row}, nil
		}
	}
	return &table{file: path, header: h, hdr: tableLoc{sheet: sheets[0], row: 1}, next: next}
}
