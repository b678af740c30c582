package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// ReadOptions are the choices every reader shares, and the few that only
// some read (said on each).
type ReadOptions struct {
	// Layer receives the labels of a format that does not name layers,
	// unless the label belongs to exactly one layer of Schema already.
	// Empty: "entity" (the entity preset's layer) when the schema has it,
	// else the schema's first layer.
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
// for xlsx, the sheet and cell in Where) and why.
type RecordError struct {
	File  string
	Line  int
	Where string
	Err   error
}

func (e *RecordError) Error() string {
	switch {
	case e.Where != "":
		return fmt.Sprintf("export: %s: %s: %v", e.File, e.Where, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("export: %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("export: %s: %v", e.File, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Bad handles a bad record under opts: with SkipBad it is added to
// im.Skipped and Bad returns nil (go on); otherwise it returns err (stop).
func (im *Imported) Bad(opts ReadOptions, err error) error {
	if opts.SkipBad {
		im.Skipped = append(im.Skipped, err)
		return nil
	}
	return err
}

// Reader reads one input file (for brat, a .txt/.ann pair or a folder or
// .zip of them).
type Reader struct {
	Name        string
	Description string
	Read        func(path string, opts ReadOptions) (*Imported, error)
}

var readers = map[string]*Reader{}

// RegisterReader adds an import format; the reader files call it from
// init.
func RegisterReader(r *Reader) { readers[r.Name] = r }

// Readers lists the import formats by name.
func Readers() []*Reader {
	out := make([]*Reader, 0, len(readers))
	for _, r := range readers {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Reader) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LookupReader returns the import format called name.
func LookupReader(name string) (*Reader, bool) {
	r, ok := readers[name]
	return r, ok
}

// Target is where an import goes: a project (*annotate.Project is one).
type Target interface {
	Schema() *annotate.Schema
	AddDocumentsContext(ctx context.Context, docs []*annotate.Document, schema *annotate.Schema) error
}

// ImportReport says what ImportFiles did.
type ImportReport struct {
	Docs      int
	Spans     int
	NewLabels []string // "layer/label" added to the schema
	Warnings  []string
	Skipped   []error
}

// ImportFiles reads every path in format and adds what it read to t in
// one transaction: every document of every file, or nothing. A document
// read without tokens is split into sentences and segmented with seg (nil:
// left without tokens). Labels the schema lacks are added to it (to the
// layer the format names, else the only layer that has the label, else
// opts.Layer), with a colour from the palette, and reported. Spans are
// imported with origin "imported". Errors name the file (and line). When
// ctx is done first, ImportFiles stops (between files and documents, while
// segmenting, or before the transaction commits) with ctx's error,
// importing nothing.
func ImportFiles(ctx context.Context, t Target, seg *annotate.Segmenter, format string, paths []string, opts ReadOptions) (ImportReport, error) {
	var rep ImportReport
	r, ok := LookupReader(format)
	if !ok {
		var names []string
		for _, r := range Readers() {
			names = append(names, r.Name)
		}
		return rep, fmt.Errorf("export: unknown import format %q (formats: %s)", format, strings.Join(names, ", "))
	}
	if len(paths) == 0 {
		return rep, errors.New("export: import: no files given")
	}
	schema := t.Schema().Clone()
	opts.Schema = schema
	if opts.Layer == "" {
		opts.Layer = defaultLayer(schema)
	}
	var docs []*annotate.Document
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		im, err := r.Read(path, opts)
		if err != nil {
			return rep, err
		}
		rep.Warnings = append(rep.Warnings, im.Warnings...)
		rep.Skipped = append(rep.Skipped, im.Skipped...)
		for _, d := range im.Docs {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			if err := prepareImported(ctx, d, path, seg); err != nil {
				return rep, err
			}
			for k := range d.Spans {
				sp := &d.Spans[k]
				if added := resolveLabel(schema, opts.Layer, sp); added != "" {
					rep.NewLabels = append(rep.NewLabels, added)
				}
				sp.Origin = annotate.OriginImported
			}
			kept, err := overlapsAllowed(schema, path, d, opts)
			if err != nil {
				return rep, err
			}
			for _, e := range kept {
				rep.Skipped = append(rep.Skipped, e)
			}
			rep.Spans += len(d.Spans)
			docs = append(docs, d)
		}
	}
	var extended *annotate.Schema
	if len(rep.NewLabels) > 0 {
		extended = schema
	}
	if err := t.AddDocumentsContext(ctx, docs, extended); err != nil {
		return rep, err
	}
	rep.Docs = len(docs)
	return rep, nil
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
				Err: fmt.Errorf("%s [%d,%d) overlaps %s [%d,%d) in layer %q, which forbids overlaps: import into a layer that allows them (-layer NAME, a new name creates one) or skip bad records",
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
// offsets stay exact), a hash of the text, sentences and tokens. It
// returns ctx's error when ctx is done during segmentation.
func prepareImported(ctx context.Context, d *annotate.Document, path string, seg *annotate.Segmenter) error {
	d.Source = path
	if d.Raw == "" {
		d.Raw = d.Text
	}
	if d.Hash == "" {
		h := sha256.Sum256([]byte(d.Text))
		d.Hash = hex.EncodeToString(h[:])
	}
	if d.Sentences == nil {
		d.Sentences = annotate.Sentences(d.Text)
	}
	if d.Tokens == nil && seg != nil {
		toks, err := annotate.SegmentSentencesContext(ctx, seg, d.Text, d.Sentences)
		if err != nil {
			return err
		}
		d.Tokens = toks
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

// palette gives new labels colours (Okabe–Ito, then Tableau), in turn.
var palette = []string{"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"}

// resolveLabel sets sp.Layer when the format gave none, and adds the
// label (and its layer) to s when missing. It returns "layer/label" when
// it added one.
func resolveLabel(s *annotate.Schema, fallback string, sp *annotate.Span) string {
	if sp.Layer == "" {
		var holders []string
		for _, l := range s.Layers {
			if _, ok := l.Label(sp.Label); ok {
				holders = append(holders, l.Name)
			}
		}
		if len(holders) == 1 {
			sp.Layer = holders[0]
		} else {
			sp.Layer = fallback
		}
	}
	idx := slices.IndexFunc(s.Layers, func(l annotate.Layer) bool { return l.Name == sp.Layer })
	if idx < 0 {
		s.Layers = append(s.Layers, annotate.Layer{Name: sp.Layer, Overlap: annotate.OverlapAllowed})
		idx = len(s.Layers) - 1
	}
	l := &s.Layers[idx]
	if _, ok := l.Label(sp.Label); ok {
		return ""
	}
	n := 0
	for _, l := range s.Layers {
		n += len(l.Labels)
	}
	l.Labels = append(l.Labels, annotate.Label{Name: sp.Label, Color: palette[n%len(palette)]})
	return l.Name + "/" + sp.Label
}
