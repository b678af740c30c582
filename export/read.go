package export

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// ReadOptions are the choices every reader shares, and the few that only
// some read (said on each).
type ReadOptions struct {
	// Layer, when set, receives every span read (see ImportFiles). The
	// readers leave a span's layer empty unless the file names one.
	Layer string
	// Schema is the schema labels are resolved against (nil: the default).
	Schema *annotate.Schema
	// SkipBad skips a bad record (reported in Imported.Skipped, naming
	// file and line) instead of failing the whole file.
	SkipBad bool
	Level   Level  // conll: word or char; "": detect, saying so in a warning
	Offsets Unit   // doccano, labelstudio: the offsets' unit (default codepoint)
	Column  string // csv, xlsx: the text column (default "text")
	IDCol   string // csv, xlsx: an optional column naming each document
	// Stdin is what ImportFiles reads for the path "-" (nil: os.Stdin).
	Stdin io.Reader
}

// Imported is what a reader read from one file.
//
// Docs have Name and Text; formats that carry them also give Sentences,
// Tokens (with POS) and Status or Labels. Spans have Label, Start, End (code
// points, end-exclusive, into Text), Note, and Layer when the format names
// one. Everything else (IDs, hash, raw text) is for the importer.
type Imported struct {
	Docs     []*annotate.Document
	Warnings []string
	Skipped  []error // bad records skipped under SkipBad, each naming file and line
}

// RecordError is a bad record of an input file: the file, the line (or,
// for xlsx, the sheet and cell in Where) and why. Like encoding/csv's
// ParseError its message has no package prefix ("FILE:LINE: why"): the
// import it fails says what failed ("import: …", see ImportError), and
// a skipped record is reported as it is.
type RecordError struct {
	File  string
	Line  int
	Where string
	Err   error
}

func (e *RecordError) Error() string {
	switch {
	case e.Where != "":
		return fmt.Sprintf("%s: %s: %v", e.File, e.Where, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Bad handles a bad record under opts: with SkipBad it is added to
// im.Skipped and Bad returns nil (go on); otherwise it returns err (stop).
// A nil err is no bad record: Bad returns nil.
func (im *Imported) Bad(opts ReadOptions, err error) error {
	if err == nil {
		return nil
	}
	if opts.SkipBad {
		im.Skipped = append(im.Skipped, err)
		return nil
	}
	return err
}

// Reader reads one input file (for brat, a .txt/.ann pair or a folder or
// .zip of them).
//
// A reader hands documents on one at a time (Each) rather than returning
// them all, so that an import holds the document at hand and not the
// file's: ImportFiles stores each before the reader reads the next. What
// decides how a whole file is read (CoNLL's level, CoNLL-U's POS column)
// is found by reading the file twice, the first time keeping only counts;
// what names a document after the file's end is known (CoNLL and CoNLL-U
// name documents FILE-N only when the file has more than one) keeps the
// first document back until the second is read.
type Reader struct {
	Name        string
	Aliases     []string // other names -f takes for it (old names)
	Description string
	// Each reads the file at path and hands each document to emit, in
	// the file's order, once it is read whole (and checked as the format
	// checks its records); warnings and bad records skipped under SkipBad
	// go into im as it reads. An error from emit ends the read: Each
	// returns it as it is.
	Each func(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error
	// Read reads the whole file: Each, the documents gathered in
	// Imported.Docs. RegisterReader makes it from Each.
	Read func(path string, opts ReadOptions) (*Imported, error)
}

var (
	readers       = map[string]*Reader{}
	readerAliases = map[string]*Reader{}
)

// RegisterReader adds an import format; the reader files call it from
// init.
func RegisterReader(r *Reader) {
	if r.Read == nil {
		r.Read = readWhole(r.Each)
	}
	readers[r.Name] = r
	for _, a := range r.Aliases {
		readerAliases[a] = r
	}
}

// readWhole is Reader.Read made from Reader.Each: every document gathered.
func readWhole(each func(string, ReadOptions, *Imported, func(*annotate.Document) error) error) func(string, ReadOptions) (*Imported, error) {
	return func(path string, opts ReadOptions) (*Imported, error) {
		im := &Imported{}
		err := each(path, opts, im, func(d *annotate.Document) error {
			im.Docs = append(im.Docs, d)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return im, nil
	}
}

// Readers lists the import formats by name.
func Readers() []*Reader {
	out := make([]*Reader, 0, len(readers))
	for _, r := range readers {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Reader) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LookupReader returns the import format called name, or that has name
// as an alias.
func LookupReader(name string) (*Reader, bool) {
	if r, ok := readers[name]; ok {
		return r, true
	}
	r, ok := readerAliases[name]
	return r, ok
}

// Target is where an import goes: a project (*annotate.Project is one).
// ImportFiles stores every document in one call of AddDocumentsFrom (one
// transaction), handing each to the Adder as it is read. A document read
// without tokens reaches it segmented for storing
// (annotate.SegmentForStore): its tokens are in a form only a Project
// stores, not in its Tokens.
type Target interface {
	Schema() *annotate.Schema
	AddDocumentsFrom(ctx context.Context, produce func(a *annotate.Adder) error) error
}

// ImportReport says what ImportFiles did.
type ImportReport struct {
	Docs      int
	Spans     int
	NewLabels []string // "layer/label" added to the schema
	NewLayers []string // layers the import created (they allow overlaps)
	// Nested lists the layers that forbid overlaps whose imported spans
	// overlapped: those that overlapped went to a layer that allows them.
	Nested   []NestedSpans
	Warnings []string
	Skipped  []error
}

// NestedSpans says where the spans went that an import meant for Layer,
// which forbids overlaps, but that overlap others in it: into Into, a
// layer that allows overlaps (created by the import unless it was there
// already), Spans of them; First is the first overlap, naming the file and
// the document.
type NestedSpans struct {
	Layer, Into string
	Spans       int
	First       string
}

func (n NestedSpans) String() string {
	return fmt.Sprintf("layer %q forbids overlaps, and %d imported spans overlap others in it (first: %s): imported into layer %q, which allows overlaps",
		n.Layer, n.Spans, n.First, n.Into)
}

// ImportError is the error of an import that failed: nothing was
// imported. Its message is the operation's, "import: " and the cause
// (without the "export: " of the package the readers live in), so that
// the command line says "biaozhu: import: FILE:LINE: …".
type ImportError struct{ Err error }

func (e *ImportError) Error() string {
	return "import: " + strings.TrimPrefix(e.Err.Error(), "export: ")
}

func (e *ImportError) Unwrap() error { return e.Err }

// ImportFiles reads every path in format and adds what it read to t in
// one transaction: every document of every file, or nothing. A document
// read without tokens is split into sentences and segmented with seg (nil:
// left without tokens). Spans are imported with origin "imported".
//
// Layers: with opts.Layer set, every span goes to that layer (but the
// token-tag layers of CoNLL-U); a new name creates a layer that allows
// overlaps, and an existing layer keeps its rule: spans that overlap in
// one that forbids it fail the import, naming the layer, or under SkipBad
// are skipped and reported. Without it, a span goes to the layer the file
// names (Label Studio's from_name, spaCy's layer, brat's configuration,
// the columns of csv-tokens, the layer our doccano and CLUENER exports
// record in their meta), else to the only layer that has its label, else
// to the default layer (see defaultLayer). Where that layer forbids
// overlaps and imported spans overlap in it, the ones that overlap go to
// a layer that allows overlaps, LAYER-nested (created when missing), as
// the report says: an existing layer's rule never changes, and overlaps
// never fail an import without -layer. Labels and layers the schema lacks
// are added to it (a new label of a nested layer takes its colour from
// the layer it came from, else a colour from the palette) and reported.
//
// Every layer and label name read is checked with annotate.CheckName and
// every text for invalid UTF-8 and NUL (the readers say the line; a name
// or text a reader did not check is refused naming the file and
// document). An import that reads no document is an error. Errors are
// *ImportError, naming the file (and line). When ctx is done first,
// ImportFiles stops (between files and documents, while segmenting, or
// before the transaction commits) with ctx's error, importing nothing.
//
// Memory: documents go one at a time from the reader (Reader.Each) through
// segmentation into t's transaction (Target.AddDocumentsFrom), so that an
// import holds the document at hand, not the files': a million small
// documents take the memory of one. Every decision that looked at all
// documents is taken per document with the same result: a span's layer
// (the file's, else the only layer of the schema as the import found it
// that has its label) and nesting (a document's overlaps are its own) are
// decided against the schema as it was before the import, never as
// earlier documents extended it; the labels and layers a document adds
// are written into the transaction before it; and the colours of the
// labels added are given at the end as they would be had every document
// been read first (a label new to a LAYER-nested layer takes its colour
// from LAYER even when the nesting came in a later document). Reports are
// those of reading everything first; only which error an import that
// fails reports can differ: the first in file order (a bad record, an
// overlap under -layer, a document the project refuses) ends it, and the
// report then holds the warnings read up to there.
func ImportFiles(ctx context.Context, t Target, seg *text.Segmenter, format string, paths []string, opts ReadOptions) (ImportReport, error) {
	rep, err := importFiles(ctx, t, seg, format, paths, opts)
	if err != nil {
		err = &ImportError{Err: err}
	}
	return rep, err
}

func importFiles(ctx context.Context, t Target, seg *text.Segmenter, format string, paths []string, opts ReadOptions) (ImportReport, error) {
	var rep ImportReport
	r, ok := LookupReader(format)
	if !ok {
		var names []string
		for _, r := range Readers() {
			names = append(names, r.Name)
		}
		return rep, fmt.Errorf("export: unknown format %q (formats: %s)", format, strings.Join(names, ", "))
	}
	if len(paths) == 0 {
		return rep, errors.New("export: no files given")
	}
	base := t.Schema().Clone()
	opts.Schema = base
	explicit := opts.Layer
	if explicit != "" {
		if err := annotate.CheckName("layer", explicit); err != nil {
			return rep, fmt.Errorf("export: -layer: %w", err)
		}
	} else {
		opts.Layer = defaultLayer(base)
	}
	in := &importRun{rep: &rep, base: base, schema: base.Clone(), explicit: explicit, opts: opts, seg: seg}
	err := t.AddDocumentsFrom(ctx, func(a *annotate.Adder) error {
		in.add = a
		for _, path := range paths {
			if err := ctx.Err(); err != nil {
				return err
			}
			read := in.file
			if path == "-" {
				read = in.stdin
			}
			if err := read(ctx, r, format, path); err != nil {
				return err
			}
		}
		if rep.Docs == 0 {
			return fmt.Errorf("export: %s: no documents read (%d bad records skipped)", strings.Join(paths, ", "), len(rep.Skipped))
		}
		rep.Skipped = append(rep.Skipped, in.dropped...)
		for _, l := range in.schema.Layers[len(base.Layers):] {
			rep.NewLayers = append(rep.NewLayers, l.Name)
		}
		// The labels added, coloured as if every document had been read
		// before any was added: a label new to a nested layer takes the
		// colour of its label in the layer the spans came from, which a
		// later document may have been the first to nest.
		if len(in.added) > 0 {
			final := base.Clone()
			for _, sp := range in.added {
				addLabel(final, sp, rep.Nested)
			}
			for _, r := range in.addedTypes {
				addRelationType(final, r)
			}
			if !reflect.DeepEqual(final, in.schema) {
				return a.SetSchema(final)
			}
		}
		return nil
	})
	if err != nil {
		rep.Docs, rep.Spans = 0, 0 // nothing was imported
		return rep, err
	}
	return rep, nil
}

// importRun is one ImportFiles under way: what it has reported, and the
// schema as the project had it (base, which the readers, holder and
// nestOverlaps decide against, as if no document had been read yet) and
// as the documents stored so far extend it (schema).
type importRun struct {
	rep    *ImportReport
	base   *annotate.Schema
	schema *annotate.Schema
	added  []annotate.Span // the layer and label of each addition to schema, in order
	// addedTypes are the layer and type of each relation type added to
	// schema, in order.
	addedTypes []annotate.Relation
	written    int     // len(added) when schema was last written
	dropped    []error // spans dropped under -layer and SkipBad, reported after all else skipped
	explicit   string  // -layer
	opts       ReadOptions
	seg        *text.Segmenter
	add        *annotate.Adder
	stdinAt    string // the file standard input was copied to, while it is read
}

// stdinName is how an import names standard input ("-") in what it says.
const stdinName = "standard input"

// stdin reads standard input (ReadOptions.Stdin) in the format of r, as
// the path "-": copied whole to a temporary file first (the readers read
// a file, some of them twice), which is removed after. What the import
// says names it "standard input", and the documents read from it have no
// source. brat, whose input is a folder, a zip or a pair of files, cannot
// be read so.
func (in *importRun) stdin(ctx context.Context, r *Reader, format, _ string) error {
	if r.Name == "brat" {
		return errors.New("export: -: brat reads a folder, a .zip or a .txt/.ann pair, not standard input: give their names")
	}
	src := in.opts.Stdin
	if src == nil {
		src = os.Stdin
	}
	dir, err := os.MkdirTemp("", "biaozhu-stdin-")
	if err != nil {
		return fmt.Errorf("export: %s: %w", stdinName, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "stdin")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("export: %s: %w", stdinName, err)
	}
	_, err = io.Copy(f, ctxReader{ctx, src})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export: %s: %w", stdinName, err)
	}
	in.stdinAt = tmp
	defer func() { in.stdinAt = "" }()
	warnings, skipped := len(in.rep.Warnings), len(in.rep.Skipped)
	err = in.file(ctx, r, format, tmp)
	for i := warnings; i < len(in.rep.Warnings); i++ {
		in.rep.Warnings[i] = strings.ReplaceAll(in.rep.Warnings[i], tmp, stdinName)
	}
	for i := skipped; i < len(in.rep.Skipped); i++ {
		in.rep.Skipped[i] = &renamedError{in.rep.Skipped[i], tmp, stdinName}
	}
	if err != nil {
		return &renamedError{err, tmp, stdinName}
	}
	return nil
}

// ctxReader reads from r until ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// renamedError is err with every old in its message written as new (a
// temporary file's path as what it stands for).
type renamedError struct {
	err      error
	old, new string
}

func (e *renamedError) Error() string { return strings.ReplaceAll(e.err.Error(), e.old, e.new) }
func (e *renamedError) Unwrap() error { return e.err }

// file reads path with r, storing each document as it comes.
func (in *importRun) file(ctx context.Context, r *Reader, format, path string) error {
	rep := in.rep
	im := &Imported{}
	read := 0
	var refused []error // documents checkImported refused, under SkipBad
	err := r.Each(path, in.opts, im, func(d *annotate.Document) error {
		read++
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := checkImported(d); err != nil {
			err = &RecordError{File: path, Where: fmt.Sprintf("document %q", d.Name), Err: err}
			if !in.opts.SkipBad {
				return err
			}
			refused = append(refused, err)
			return nil
		}
		return in.document(ctx, d, path)
	})
	rep.Warnings = append(rep.Warnings, im.Warnings...)
	if err != nil {
		return err
	}
	if read == 0 && len(im.Skipped) == 0 {
		return &RecordError{File: path, Err: fmt.Errorf("no documents in it: empty, or not %s", format)}
	}
	rep.Skipped = append(rep.Skipped, im.Skipped...)
	rep.Skipped = append(rep.Skipped, refused...)
	return nil
}

// document prepares d, read from path, decides its spans' layers, adds
// the labels and layers they need to the schema (written into the
// transaction before d) and stores d.
func (in *importRun) document(ctx context.Context, d *annotate.Document, path string) error {
	rep := in.rep
	if path == in.stdinAt {
		path = "" // standard input: no source
	}
	if err := prepareImported(ctx, d, path, in.seg); err != nil {
		return err
	}
	for k := range d.Spans {
		sp := &d.Spans[k]
		switch {
		case sp.Layer == XPOSLayer || sp.Layer == UPOSLayer:
			// Token tags of CoNLL-U, not labels: their own layer.
		case in.explicit != "":
			sp.Layer = in.explicit
		case sp.Layer == "":
			sp.Layer = holder(in.base, sp.Label, in.opts.Layer)
		}
		sp.Origin = annotate.OriginImported
	}
	if in.explicit == "" {
		rep.Nested = nestOverlaps(in.base, d, path, rep.Nested)
	}
	for k := range d.Spans {
		if added := addLabel(in.schema, d.Spans[k], rep.Nested); added != "" {
			rep.NewLabels = append(rep.NewLabels, added)
			in.added = append(in.added, annotate.Span{Layer: d.Spans[k].Layer, Label: d.Spans[k].Label})
		}
	}
	for _, r := range d.Relations {
		if added := addRelationType(in.schema, r); added != "" {
			rep.NewLabels = append(rep.NewLabels, added)
			in.addedTypes = append(in.addedTypes, r)
		}
	}
	if in.explicit != "" {
		dropped, err := overlapsAllowed(in.schema, path, d, in.opts)
		if err != nil {
			return err
		}
		in.dropped = append(in.dropped, dropped...)
	}
	if len(in.added)+len(in.addedTypes) > in.written {
		if err := in.add.SetSchema(in.schema); err != nil {
			return err
		}
		in.written = len(in.added) + len(in.addedTypes)
	}
	if err := in.add.Add(d); err != nil {
		return err
	}
	rep.Docs++
	rep.Spans += len(d.Spans)
	return nil
}

// checkImported checks what a reader read of one document before it goes
// into a project: its text is valid UTF-8 without NUL characters (which
// brat and XML refuse), and its layer, label and document label names
// pass annotate.CheckName. The readers that can say the line check the
// same (see checkText and checkNames); this catches what they did not.
func checkImported(d *annotate.Document) error {
	if err := checkText(d.Text); err != nil {
		return err
	}
	return checkNames(d)
}

// checkText refuses text that is not valid UTF-8 or holds a NUL
// character, saying where (in characters).
func checkText(s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 && utf8.ValidString(s[:i]) {
		return fmt.Errorf("the text holds a NUL character (at character %d)", utf8.RuneCountInString(s[:i])+1)
	}
	if !utf8.ValidString(s) {
		n := 0
		for i, r := range s {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
					break
				}
			}
			n++
		}
		return fmt.Errorf("the text is not valid UTF-8 (at character %d)", n+1)
	}
	return nil
}

// checkNames checks the layer and label of every span of d, and d's
// document labels, with annotate.CheckName.
func checkNames(d *annotate.Document) error {
	for _, sp := range d.Spans {
		if sp.Layer != "" {
			if err := annotate.CheckName("layer", sp.Layer); err != nil {
				return err
			}
		}
		if err := annotate.CheckName("label", sp.Label); err != nil {
			return err
		}
	}
	for _, r := range d.Relations {
		if err := annotate.CheckName("relation layer", r.Layer); err != nil {
			return err
		}
		if err := annotate.CheckName("relation type", r.Type); err != nil {
			return err
		}
	}
	for _, l := range d.Labels {
		if err := annotate.CheckName("document label", l); err != nil {
			return err
		}
	}
	return nil
}

// holder is the layer for a span of label whose file names no layer: the
// only layer of s that has the label, else fallback.
func holder(s *annotate.Schema, label, fallback string) string {
	found := ""
	for _, l := range s.Layers {
		if _, ok := l.Label(label); ok {
			if found != "" {
				return fallback
			}
			found = l.Name
		}
	}
	if found == "" {
		return fallback
	}
	return found
}

// nestOverlaps moves the spans of d (read from path) that overlap others
// in a layer of s that forbids overlaps into a layer that allows them (see
// nestedLayer): per layer, spans in order of start (the longer first) stay
// in the layer while they overlap none that stayed; the others move. It
// adds what it moved to nested, which says per layer where the spans
// went, how many, and the first overlap, and returns it. A document's
// spans are decided alone: what moves does not depend on other documents
// (nested only counts them).
func nestOverlaps(s *annotate.Schema, d *annotate.Document, path string, nested []NestedSpans) []NestedSpans {
	order := make([]int, len(d.Spans))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := d.Spans[a], d.Spans[b]
		return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(y.End, x.End))
	})
	reach := map[string]int{} // per layer, the kept span reaching furthest
	for _, i := range order {
		sp := &d.Spans[i]
		l, ok := s.Layer(sp.Layer)
		if !ok || l.Overlap != annotate.OverlapForbidden {
			continue
		}
		k, seen := reach[sp.Layer]
		if !seen || sp.Start >= d.Spans[k].End {
			reach[sp.Layer] = i
			continue
		}
		n := slices.IndexFunc(nested, func(x NestedSpans) bool { return x.Layer == sp.Layer })
		if n < 0 {
			n = len(nested)
			prev := d.Spans[k]
			nested = append(nested, NestedSpans{Layer: sp.Layer, Into: nestedLayer(s, sp.Layer),
				First: fmt.Sprintf("%s: document %q: %s [%d,%d) overlaps %s [%d,%d)", path, d.Name, sp.Label, sp.Start, sp.End, prev.Label, prev.Start, prev.End)})
		}
		nested[n].Spans++
		sp.Layer = nested[n].Into
	}
	return nested
}

// nestedLayer names the layer the overlapping spans of layer go to:
// LAYER-nested, or LAYER-nested-2, -3… when a layer of that name forbids
// overlaps. It need not exist yet (addLabel creates it).
func nestedLayer(s *annotate.Schema, layer string) string {
	name := layer + "-nested"
	for n := 2; ; n++ {
		if l, ok := s.Layer(name); !ok || l.Overlap == annotate.OverlapAllowed {
			return name
		}
		name = fmt.Sprintf("%s-nested-%d", layer, n)
	}
}

// overlapsAllowed checks d's spans against the overlap rule of their
// layers: spans that overlap in a layer that forbids it fail the import
// (naming the file, the document and both spans, and the way out), or
// under SkipBad the later of the two is dropped and reported.
func overlapsAllowed(s *annotate.Schema, path string, d *annotate.Document, opts ReadOptions) ([]error, error) {
	var dropped []error
	sorted := slices.Clone(d.Spans)
	sortSpans(sorted)
	last := map[string]annotate.Span{} // per forbidding layer, the span reaching furthest
	drop := map[int]bool{}
	for _, sp := range sorted {
		l, ok := s.Layer(sp.Layer)
		if !ok || l.Overlap != annotate.OverlapForbidden {
			continue
		}
		if prev, ok := last[sp.Layer]; ok && sp.Start < prev.End {
			err := &RecordError{File: path, Where: fmt.Sprintf("document %q", d.Name),
				Err: fmt.Errorf("%s [%d,%d) overlaps %s [%d,%d) in layer %q, which forbids overlaps: import into a layer that allows them (-layer NAME, a new name creates one; or no -layer, which puts overlapping spans into a layer of their own) or skip bad records",
					sp.Label, sp.Start, sp.End, prev.Label, prev.Start, prev.End, sp.Layer)}
			if !opts.SkipBad {
				return nil, err
			}
			dropped = append(dropped, err)
			drop[slices.IndexFunc(d.Spans, func(x annotate.Span) bool { return x == sp })] = true
			continue
		}
		last[sp.Layer] = sp
	}
	if len(drop) > 0 {
		var keep []annotate.Span
		for i, sp := range d.Spans {
			if !drop[i] {
				keep = append(keep, sp)
			}
		}
		d.Spans = keep
	}
	return dropped, nil
}

// prepareImported fills in what a reader leaves to the importer: source,
// raw text (the text itself: imported text is not cleaned, so that its
// offsets stay exact), a hash of the text, sentences and tokens. A
// document without tokens is segmented for storing (annotate.SegmentForStore:
// its tokens go into the project without ever being a []Token, which for
// a big document costs several times its text). It returns ctx's error
// when ctx is done during segmentation.
func prepareImported(ctx context.Context, d *annotate.Document, path string, seg *text.Segmenter) error {
	d.Source = path
	if d.Raw == "" {
		d.Raw = d.Text
	}
	if d.Hash == "" {
		d.Hash = annotate.HashText(d.Text)
	}
	if d.Sentences == nil {
		d.Sentences = text.Sentences(d.Text)
	}
	if d.Tokens == nil && seg != nil {
		return annotate.SegmentForStore(ctx, seg, d)
	} else if d.Tokens != nil {
		d.TokensFrom = annotate.TokensImported // gold tokens: re-segmentation leaves them
	}
	return nil
}

// defaultLayer is the entity preset's layer when the schema has it (or
// has no layer: it is created on first use), else the first layer.
func defaultLayer(s *annotate.Schema) string {
	name := annotate.EntityPreset().Name
	if _, ok := s.Layer(name); ok || len(s.Layers) == 0 {
		return name
	}
	return s.Layers[0].Name
}

// addRelationType adds r's type (and its relation layer) to s when
// missing, and returns "layer/type" when it added one. The type gets no
// colour (the workspace's default) and no constraint.
func addRelationType(s *annotate.Schema, r annotate.Relation) string {
	l, ok := s.RelationLayer(r.Layer)
	if !ok {
		s.Relations = append(s.Relations, annotate.RelationLayer{Name: r.Layer})
		l = &s.Relations[len(s.Relations)-1]
	}
	if _, ok := l.Type(r.Type); ok {
		return ""
	}
	l.Types = append(l.Types, annotate.RelationType{Name: r.Type})
	return r.Layer + "/" + r.Type
}

// palette gives new labels colours (Okabe–Ito, then Tableau), in turn.
var palette = []string{"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"}

// addLabel adds sp's label (and its layer, allowing overlaps) to s when
// missing, and returns "layer/label" when it added one. A label new to a
// layer that nested spans went to takes its colour and description from
// the layer they came from; otherwise it gets the next palette colour.
func addLabel(s *annotate.Schema, sp annotate.Span, nested []NestedSpans) string {
	idx := slices.IndexFunc(s.Layers, func(l annotate.Layer) bool { return l.Name == sp.Layer })
	if idx < 0 {
		s.Layers = append(s.Layers, annotate.Layer{Name: sp.Layer, Overlap: annotate.OverlapAllowed})
		idx = len(s.Layers) - 1
	}
	if _, ok := s.Layers[idx].Label(sp.Label); ok {
		return ""
	}
	lb := annotate.Label{Name: sp.Label}
	for _, n := range nested {
		if n.Into != sp.Layer {
			continue
		}
		if from, ok := s.Layer(n.Layer); ok {
			if like, ok := from.Label(sp.Label); ok {
				lb.Color, lb.Description = like.Color, like.Description
			}
		}
	}
	if lb.Color == "" {
		n := 0
		for _, l := range s.Layers {
			n += len(l.Labels)
		}
		lb.Color = palette[n%len(palette)]
	}
	l := &s.Layers[idx]
	l.Labels = append(l.Labels, lb)
	return l.Name + "/" + sp.Label
}
