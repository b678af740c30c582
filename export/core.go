package export

import (
	"archive/zip"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// Source is what an export reads: a project (*annotate.Project is one) or
// a Corpus in memory.
type Source interface {
	Schema() *annotate.Schema
	Documents() ([]annotate.DocumentSummary, error)
	Document(id int64) (*annotate.Document, error)
}

// Corpus is a Source held in memory: a schema and documents. Documents
// without an ID are numbered from 1 in order by NewCorpus.
type Corpus struct {
	schema *annotate.Schema
	docs   []*annotate.Document
}

// NewCorpus returns a Corpus of docs under schema (nil: the default
// schema).
func NewCorpus(schema *annotate.Schema, docs []*annotate.Document) *Corpus {
	if schema == nil {
		schema = annotate.DefaultSchema()
	}
	for i, d := range docs {
		if d.ID == 0 {
			d.ID = int64(i + 1)
		}
	}
	return &Corpus{schema: schema, docs: docs}
}

// Schema returns the corpus's schema.
func (c *Corpus) Schema() *annotate.Schema { return c.schema }

// Documents summarises the corpus's documents in order.
func (c *Corpus) Documents() ([]annotate.DocumentSummary, error) {
	out := make([]annotate.DocumentSummary, len(c.docs))
	for i, d := range c.docs {
		st := d.Status
		if st == "" {
			st = annotate.StatusNew
		}
		out[i] = annotate.DocumentSummary{ID: d.ID, Name: d.Name, Source: d.Source, Status: st,
			Labels: d.Labels, Chars: d.Chars(), Tokens: len(d.Tokens), Spans: len(d.Spans)}
	}
	return out, nil
}

// Document returns the document with that ID.
func (c *Corpus) Document(id int64) (*annotate.Document, error) {
	for _, d := range c.docs {
		if d.ID == id {
			return d, nil
		}
	}
	return nil, fmt.Errorf("export: no document %d", id)
}

// Records says what one record of a format that allows either is.
type Records string

// The record units.
const (
	RecordDocument Records = "document"
	RecordSentence Records = "sentence"
)

// Level is the unit tags are given to in tag formats (hf, conll).
type Level string

// The levels.
const (
	LevelWord Level = "word"
	LevelChar Level = "char"
)

// Scheme is a tagging scheme for spans over tokens or characters.
type Scheme string

// The tagging schemes.
const (
	SchemeBIO   Scheme = "BIO"
	SchemeBIOES Scheme = "BIOES"
)

// Unit is the unit a format counts offsets in.
type Unit string

// The offset units. Code points, end-exclusive, are Biaozhu's own and
// Python's (text[start:end]); UTF-16 code units are JavaScript's (doccano's
// web UI, INCEpTION).
const (
	UnitCodePoint Unit = "codepoint"
	UnitUTF16     Unit = "utf16"
)

// Selection chooses documents: those with Status (empty: any), and of those
// the IDs listed (none listed: all).
type Selection struct {
	Status annotate.Status
	IDs    []int64
}

// Split divides the selected documents into train, dev and test parts, by
// document, in the ratios given (they need not add up to 1: they are
// weights), after a shuffle seeded with Seed. The zero Split writes one
// file.
type Split struct {
	Train, Dev, Test float64
	Seed             uint64
}

// On reports whether s asks for a split.
func (s Split) On() bool { return s.Train > 0 || s.Dev > 0 || s.Test > 0 }

// Options are the choices every export shares, and the few that only some
// formats read (said on each).
type Options struct {
	Docs        Selection
	Layers      []string // span layers to write; nil: every layer of the schema but the token-tag layers xpos and upos and a curation project's annotator layers
	Suggestions bool     // also write spans whose origin is suggested
	Records     Records  // document (default) or sentence, where the format allows
	Split       Split
	Level       Level  // hf, conll: word (default) or char
	Scheme      Scheme // hf, conll: BIO (default) or BIOES
	BOM         bool   // csv-tokens, csv-spans: start with a UTF-8 byte order mark
	// Excel: csv-tokens, csv-spans for spreadsheet apps (Excel,
	// LibreOffice): a byte order mark, and every cell that would be taken
	// for a formula neutralised with a ' before it (see excelCell), which
	// the header's last column says; the csv reader undoes it. Without
	// it the CSV is exact, for programs (pandas, Python's csv, R).
	Excel       bool
	Offsets     Unit // doccano, labelstudio: codepoint (default) or utf16
	POS         bool // conll: write a POS column
	Predictions bool // labelstudio: results as predictions instead of annotations
	// Overwrite lets a folder export (brat) replace files of an earlier
	// export to the same folder that were changed since (edited in brat),
	// and other files in its way; without it the export refuses with a
	// *ChangedError. Files it does not write are never removed unless an
	// earlier export wrote them and they are unchanged.
	Overwrite bool
	// Progress, when set, is called after each document with the number
	// written so far and the total.
	Progress func(done, total int)
}

// Warning is something an export wrote differently from the project, or
// left out, and says why.
type Warning struct {
	Doc    string // document name
	SpanID int64  // 0 when not about one span
	Msg    string
}

func (w Warning) String() string {
	if w.SpanID != 0 {
		return fmt.Sprintf("%s: span %d: %s", w.Doc, w.SpanID, w.Msg)
	}
	return w.Doc + ": " + w.Msg
}

// SpanError is a span whose text, under a format's offsets, is not the
// document's text at the span: the export is aborted and nothing is
// written.
type SpanError struct {
	Format string
	Doc    string
	SpanID int64
	Want   string // the document's text at the span
	Got    string // what the format's offsets give
}

func (e *SpanError) Error() string {
	if e.Want == "" {
		return fmt.Sprintf("export: %s: document %q: span %d: %s; nothing written", e.Format, e.Doc, e.SpanID, e.Got)
	}
	return fmt.Sprintf("export: %s: document %q: span %d: text under the %s offsets is %q, not %q; nothing written",
		e.Format, e.Doc, e.SpanID, e.Format, e.Got, e.Want)
}

// Doc is one document as an export sees it: the document, its spans
// chosen by the options (layers, suggestions) sorted by start, then longer
// first, then ID, and its text as code points.
type Doc struct {
	*annotate.Document
	Spans []annotate.Span
	Runes []rune
	u16   []int // u16[i] = UTF-16 units before code point i; nil until needed
}

// Text returns the code points [start, end) of the document's text.
func (d *Doc) Text(start, end int) string { return string(d.Runes[start:end]) }

// UTF16 converts a code-point offset into the document text to UTF-16
// code units.
func (d *Doc) UTF16(cp int) int {
	if d.u16 == nil {
		d.u16 = make([]int, len(d.Runes)+1)
		n := 0
		for i, r := range d.Runes {
			d.u16[i] = n
			n += utf16.RuneLen(r)
		}
		d.u16[len(d.Runes)] = n
	}
	return d.u16[cp]
}

// Offset converts a code-point offset to unit u.
func (d *Doc) Offset(cp int, u Unit) int {
	if u == UnitUTF16 {
		return d.UTF16(cp)
	}
	return cp
}

// Record is one record of a document: the whole document, or one of its
// sentences. Start and End are code points into the document text; Spans
// are the document's spans that lie inside the record; Tokens likewise.
// Sent counts sentences from 1 (0 for a whole-document record).
type Record struct {
	Doc        *Doc
	Sent       int
	Start, End int
	Spans      []annotate.Span
	Tokens     []text.Token
}

// Text is the record's text.
func (r Record) Text() string { return r.Doc.Text(r.Start, r.End) }

// Key names the record: the document ID, and "-N" for sentence N.
func (r Record) Key() string {
	if r.Sent == 0 {
		return fmt.Sprint(r.Doc.ID)
	}
	return fmt.Sprintf("%d-%d", r.Doc.ID, r.Sent)
}

// Job is one export run for one output file (one part of a split): the
// schema, the options and the documents of that part. Writers go through
// the documents with Each and report what they changed with Warn.
type Job struct {
	Format   string
	Schema   *annotate.Schema
	Opts     Options
	ctx      context.Context
	src      Source
	docs     []annotate.DocumentSummary
	layers   map[string]bool
	warnings *[]Warning
	progress func()
}

// Layers returns the layers the job writes, in schema order.
func (j *Job) Layers() []string {
	var out []string
	for _, l := range j.Schema.Layers {
		if j.layers[l.Name] {
			out = append(out, l.Name)
		}
	}
	return out
}

// Warn records a warning.
func (j *Job) Warn(d *Doc, spanID int64, format string, args ...any) {
	*j.warnings = append(*j.warnings, Warning{Doc: d.Name, SpanID: spanID, Msg: fmt.Sprintf(format, args...)})
}

// Each calls f with each document of the job in turn, loaded one at a time
// (a project keeps only what is still referenced), its spans filtered by
// the options.
func (j *Job) Each(f func(d *Doc) error) error {
	for _, s := range j.docs {
		if err := j.ctx.Err(); err != nil {
			return err
		}
		doc, err := j.src.Document(s.ID)
		if err != nil {
			return err
		}
		d := &Doc{Document: doc, Runes: []rune(doc.Text)}
		for _, sp := range doc.Spans {
			if !j.layers[sp.Layer] || (sp.Origin == annotate.OriginSuggested && !j.Opts.Suggestions) {
				continue
			}
			if sp.Start < 0 || sp.End > len(d.Runes) || sp.Start >= sp.End {
				return &SpanError{Format: j.Format, Doc: d.Name, SpanID: sp.ID,
					Got: fmt.Sprintf("[%d,%d) outside the text [0,%d)", sp.Start, sp.End, len(d.Runes))}
			}
			d.Spans = append(d.Spans, sp)
		}
		sortSpans(d.Spans)
		if err := f(d); err != nil {
			return err
		}
		if j.progress != nil {
			j.progress()
		}
	}
	return nil
}

func sortSpans(spans []annotate.Span) {
	slices.SortStableFunc(spans, func(a, b annotate.Span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End), cmp.Compare(a.Layer, b.Layer), cmp.Compare(a.ID, b.ID))
	})
}

// Records splits d into records as the options ask. In sentence records a
// span that crosses a sentence boundary cannot be written: it is left out
// with a warning.
func (j *Job) Records(d *Doc) []Record {
	if j.Opts.Records != RecordSentence || len(d.Sentences) == 0 {
		return []Record{{Doc: d, Start: 0, End: len(d.Runes), Spans: d.Spans, Tokens: d.Tokens}}
	}
	recs := make([]Record, len(d.Sentences))
	for i, s := range d.Sentences {
		recs[i] = Record{Doc: d, Sent: i + 1, Start: s.Start, End: s.End}
	}
	find := func(off int) int { // the sentence holding offset off
		return sort.Search(len(recs), func(i int) bool { return recs[i].End > off })
	}
	for _, t := range d.Tokens {
		if i := find(t.Start); i < len(recs) {
			recs[i].Tokens = append(recs[i].Tokens, t)
		}
	}
	for _, sp := range d.Spans {
		i := find(sp.Start)
		if i < len(recs) && sp.End <= recs[i].End && sp.Start >= recs[i].Start {
			recs[i].Spans = append(recs[i].Spans, sp)
			continue
		}
		j.Warn(d, sp.ID, "%s [%d,%d) crosses a sentence boundary: left out of the sentence records", sp.Label, sp.Start, sp.End)
	}
	return recs
}

// Check proves one span of the output: got, the text the format carries
// for it (or, for formats that carry no text, the slice its offsets give),
// must equal the document's text at the span. start and end are the
// offsets as written, in unit u and relative to base (a record's start, in
// code points); inclusive says the end is inclusive (CLUENER). It returns
// a *SpanError naming document and span otherwise.
func (j *Job) Check(d *Doc, sp annotate.Span, base, start, end int, u Unit, inclusive bool, got string) error {
	if sp.Start < 0 || sp.End > len(d.Runes) || sp.Start > sp.End || base < 0 || base > len(d.Runes) {
		return &SpanError{Format: j.Format, Doc: d.Name, SpanID: sp.ID, Got: fmt.Sprintf("[%d,%d) outside the text [0,%d)", sp.Start, sp.End, len(d.Runes))}
	}
	want := d.Text(sp.Start, sp.End)
	if inclusive {
		end++
	}
	slice, ok := sliceUnits(d.Runes[base:], start, end, u)
	if !ok || slice != want || got != want {
		if ok && got == want {
			got = slice
		}
		return &SpanError{Format: j.Format, Doc: d.Name, SpanID: sp.ID, Want: want, Got: got}
	}
	return nil
}

// sliceUnits slices runes by offsets in unit u, as the format's consumer
// would: Python for code points, JavaScript for UTF-16. ok is false when
// the offsets are out of range or cut a surrogate pair.
func sliceUnits(runes []rune, start, end int, u Unit) (string, bool) {
	if u != UnitUTF16 {
		if start < 0 || end > len(runes) || start > end {
			return "", false
		}
		return string(runes[start:end]), true
	}
	units := utf16.Encode(runes)
	if start < 0 || end > len(units) || start > end {
		return "", false
	}
	cut := units[start:end]
	if len(cut) > 0 && (utf16.IsSurrogate(rune(cut[0])) && cut[0] >= 0xdc00 || utf16.IsSurrogate(rune(cut[len(cut)-1])) && cut[len(cut)-1] < 0xdc00) {
		return "", false
	}
	return string(utf16.Decode(cut)), true
}

// Format is an export format: its name (what -f takes), the extension of
// its output, and its writer: Write for a single file, WriteDir for a
// directory of files (brat; written as a .zip when the output ends so).
type Format struct {
	Name        string
	Aliases     []string // other names -f takes for it (old names)
	Ext         string
	Description string
	// Binary says the output is not text (a zip: xlsx, or compressed:
	// spacy-docbin): it is not written to standard output (-o -), where it
	// would reach a terminal or a text pipeline.
	Binary   bool
	Write    func(j *Job, w io.Writer) error
	WriteDir func(j *Job, dir string) error
	// Companion, when set, gives a file written beside each output (same
	// name, its own extension), e.g. Label Studio's labelling config.
	Companion func(j *Job) (ext string, data []byte)
}

var (
	formats       = map[string]*Format{}
	formatAliases = map[string]*Format{}
)

// Register adds a format; the writer files call it from init.
func Register(f *Format) {
	formats[f.Name] = f
	for _, a := range f.Aliases {
		formatAliases[a] = f
	}
}

// Formats lists the export formats by name (not their aliases).
func Formats() []*Format {
	out := make([]*Format, 0, len(formats))
	for _, f := range formats {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *Format) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Lookup returns the format called name, or that has name as an alias.
func Lookup(name string) (*Format, bool) {
	if f, ok := formats[name]; ok {
		return f, true
	}
	f, ok := formatAliases[name]
	return f, ok
}

// Result says what an export wrote.
type Result struct {
	Files    []string // the files (or directories) written, one per part
	Docs     int
	Warnings []Warning
}

// Export writes the documents of src chosen by opts in format to out (a
// file, a directory for brat, or OUT.zip for brat zipped; "-" is standard
// output). With a split, the parts go to OUT's name with .train, .dev and
// .test before the extension. Every part is written to a temporary file
// beside its destination and renamed into place only when all parts are
// written and every span checked, so a failure (or ctx cancelled) leaves
// no output at all, not even a partial one, and what stood there before
// as it was. A character device, FIFO or socket at out (or "-") is
// written to instead, never replaced: a failure there is reported after
// what was written. A folder export into a folder an earlier export wrote
// replaces only that export's files, and refuses (a *ChangedError) when
// one was changed since or another file is in the way, unless
// opts.Overwrite. No output may be the project src reads (when it has a
// Path method, as *annotate.Project has), its WAL or its backups
// (CheckOutput). Temporary files a killed export left at the same place
// are removed.
func Export(ctx context.Context, src Source, format, out string, opts Options) (Result, error) {
	var res Result
	f, ok := Lookup(format)
	if !ok {
		names := make([]string, 0, len(formats))
		for _, f := range Formats() {
			names = append(names, f.Name)
		}
		return res, fmt.Errorf("export: unknown format %q (formats: %s)", format, strings.Join(names, ", "))
	}
	if err := checkOptions(opts); err != nil {
		return res, err
	}
	schema := src.Schema()
	layers := map[string]bool{}
	if opts.Layers == nil {
		// A curation project (biaozhu merge) writes its curated layers,
		// the gold, not the annotators' layers it was decided from.
		var cur *annotate.Curation
		if c, ok := src.(interface {
			Curation() (*annotate.Curation, error)
		}); ok {
			var err error
			if cur, err = c.Curation(); err != nil {
				return res, err
			}
		}
		for _, l := range schema.Layers {
			// The token-tag layers (the second POS column a CoNLL-U
			// import keeps) are tags of tokens, not spans: only written
			// when asked for by name.
			if l.Name != XPOSLayer && l.Name != UPOSLayer && (cur == nil || !cur.AnnotatorLayer(l.Name)) {
				layers[l.Name] = true
			}
		}
	}
	for _, name := range opts.Layers {
		if _, ok := schema.Layer(name); !ok {
			return res, fmt.Errorf("export: no layer %q (layers: %s)", name, strings.Join(schema.LayerNames(), ", "))
		}
		layers[name] = true
	}
	project := ""
	if p, ok := src.(interface{ Path() string }); ok {
		project = p.Path()
	}
	zipped := f.WriteDir != nil && strings.EqualFold(filepath.Ext(out), ".zip")
	folder := f.WriteDir != nil && !zipped
	switch {
	case out != "-":
	case opts.Split.On():
		return res, fmt.Errorf("export: -o -: a split writes one file per part (OUT.train, OUT.dev, OUT.test), not standard output: give a file name")
	case folder:
		return res, fmt.Errorf("export: -o -: %s writes a folder of files, not standard output: give a folder name, or OUT.zip", f.Name)
	case zipped || f.Binary:
		return res, fmt.Errorf("export: -o -: %s is a binary file, not written to standard output: give a file name (OUT%s)", f.Name, cmp.Or(f.Ext, ".zip"))
	}
	if opts.Split.On() {
		if o, err := planOutput(out, project, folder); err != nil {
			return res, err
		} else if o.stream {
			return res, fmt.Errorf("export: %s: a split writes one file per part: give a file name", out)
		}
	}
	docs, err := selectDocs(src, opts.Docs)
	if err != nil {
		return res, err
	}
	parts := splitDocs(docs, opts.Split)
	var outs []*output
	defer func() {
		for _, o := range outs {
			o.discard()
		}
	}()
	done, total := 0, len(docs)
	for _, part := range parts {
		o, err := planOutput(partName(out, part.name, folder), project, folder)
		if err != nil {
			return Result{Warnings: res.Warnings}, err
		}
		outs = append(outs, o)
		job := &Job{Format: f.Name, Schema: schema, Opts: opts, ctx: ctx, src: src, docs: part.docs, layers: layers, warnings: &res.Warnings,
			progress: func() {
				done++
				if opts.Progress != nil {
					opts.Progress(done, total)
				}
			}}
		if err := writePart(f, job, o, zipped); err != nil {
			return Result{Warnings: res.Warnings}, err
		}
		if f.Companion == nil {
			continue
		}
		ext, data := f.Companion(job)
		if o.stream {
			res.Warnings = append(res.Warnings, Warning{Doc: o.name, Msg: fmt.Sprintf("not a file: the %s written beside a file export is left out", ext)})
			continue
		}
		c, err := planOutput(strings.TrimSuffix(o.name, filepath.Ext(o.name))+ext, project, false)
		if err != nil {
			return Result{Warnings: res.Warnings}, err
		}
		outs = append(outs, c)
		if err := c.write(func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return Result{Warnings: res.Warnings}, err
		}
	}
	if err := commit(outs, opts.Overwrite); err != nil {
		return Result{Warnings: res.Warnings}, err
	}
	for _, o := range outs {
		res.Files = append(res.Files, o.name)
	}
	res.Docs = len(docs)
	return res, nil
}

func checkOptions(o Options) error {
	switch {
	case o.Records != "" && o.Records != RecordDocument && o.Records != RecordSentence:
		return fmt.Errorf("export: records %q: want document or sentence", o.Records)
	case o.Level != "" && o.Level != LevelWord && o.Level != LevelChar:
		return fmt.Errorf("export: level %q: want word or char", o.Level)
	case o.Scheme != "" && o.Scheme != SchemeBIO && o.Scheme != SchemeBIOES:
		return fmt.Errorf("export: scheme %q: want BIO or BIOES", o.Scheme)
	case o.Offsets != "" && o.Offsets != UnitCodePoint && o.Offsets != UnitUTF16:
		return fmt.Errorf("export: offsets %q: want codepoint or utf16", o.Offsets)
	case o.Split.Train < 0 || o.Split.Dev < 0 || o.Split.Test < 0:
		return fmt.Errorf("export: split ratios must not be negative")
	}
	return nil
}

// writePart writes one part to o: a folder through a temporary folder, a
// zipped folder through a temporary folder zipped into o.
func writePart(f *Format, job *Job, o *output, zipped bool) error {
	switch {
	case f.WriteDir == nil:
		// Through a ContextWriter: a long write (one big document, the zip
		// of an xlsx) stops at its next buffer when the export is cancelled.
		return o.write(func(w io.Writer) error { return f.Write(job, ContextWriter(job.ctx, w)) })
	case !zipped:
		return o.writeFolder(func(dir string) error { return f.WriteDir(job, dir) })
	}
	at := filepath.Dir(o.path)
	if o.stream {
		at = os.TempDir()
	}
	tmp, err := os.MkdirTemp(at, tempPrefix(o.path))
	if err != nil {
		return fmt.Errorf("export: %s: %w", o.name, err)
	}
	defer os.RemoveAll(tmp)
	if err := f.WriteDir(job, tmp); err != nil {
		return err
	}
	return o.write(func(w io.Writer) error { return zipDir(ContextWriter(job.ctx, w), tmp) })
}

// zipDir writes the files of dir as a zip to w, each entry compressed and
// dated with its file's modification time (the time it was written), not
// the zip format's zero date (1980): unzip, file managers and brat's
// import show when the export was made.
func zipDir(w io.Writer, dir string) error {
	zw := zip.NewWriter(w)
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := e.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.ToSlash(rel), Method: zip.Deflate, Modified: info.ModTime()})
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

// partName is out with .NAME before the extension (or after a directory's
// name); "" leaves out as it is.
func partName(out, name string, dir bool) string {
	if name == "" {
		return out
	}
	if dir {
		return strings.TrimRight(out, `/\`) + "." + name
	}
	ext := filepath.Ext(out)
	return strings.TrimSuffix(out, ext) + "." + name + ext
}

func selectDocs(src Source, sel Selection) ([]annotate.DocumentSummary, error) {
	all, err := src.Documents()
	if err != nil {
		return nil, err
	}
	var out []annotate.DocumentSummary
	if len(sel.IDs) > 0 {
		byID := map[int64]annotate.DocumentSummary{}
		for _, d := range all {
			byID[d.ID] = d
		}
		for _, id := range sel.IDs {
			d, ok := byID[id]
			if !ok {
				return nil, fmt.Errorf("export: no document %d", id)
			}
			if sel.Status == "" || d.Status == sel.Status {
				out = append(out, d)
			}
		}
	} else {
		for _, d := range all {
			if sel.Status == "" || d.Status == sel.Status {
				out = append(out, d)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("export: no documents match the selection")
	}
	return out, nil
}

type part struct {
	name string
	docs []annotate.DocumentSummary
}

// splitDocs shuffles docs with the split's seed and cuts them in its
// ratios; rounding gives the remainder to the parts with the largest
// fractions (largest remainders), and every part with a ratio above zero
// gets a document when there are enough. Documents keep their project
// order inside a part.
func splitDocs(docs []annotate.DocumentSummary, s Split) []part {
	if !s.On() {
		return []part{{docs: docs}}
	}
	names := []string{"train", "dev", "test"}
	ratios := []float64{s.Train, s.Dev, s.Test}
	sum := s.Train + s.Dev + s.Test
	n := len(docs)
	// Largest remainders: the floors, then one more to the parts with
	// the largest fractions left.
	counts := make([]int, 3)
	frac := make([]float64, 3)
	given := 0
	for i, r := range ratios {
		x := float64(n) * r / sum
		counts[i] = int(x)
		frac[i] = x - float64(counts[i])
		given += counts[i]
	}
	order := []int{0, 1, 2}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(frac[b], frac[a]) })
	for k := 0; given < n; k++ {
		if i := order[k%3]; ratios[i] > 0 {
			counts[i]++
			given++
		}
	}
	// Every part asked for gets a document when there are enough.
	nonzero := 0
	for _, r := range ratios {
		if r > 0 {
			nonzero++
		}
	}
	if n >= nonzero {
		for i, r := range ratios {
			if r > 0 && counts[i] == 0 {
				big := slices.Index(counts, slices.Max(counts))
				counts[big]--
				counts[i]++
			}
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x62697a68))
	rng.Shuffle(n, func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
	var parts []part
	at := 0
	for i, c := range counts {
		if ratios[i] == 0 {
			continue
		}
		pick := slices.Clone(idx[at : at+c])
		at += c
		slices.Sort(pick)
		p := part{name: names[i]}
		for _, k := range pick {
			p.docs = append(p.docs, docs[k])
		}
		parts = append(parts, p)
	}
	return parts
}
