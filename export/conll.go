package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// conllDocStart is the token of the line that starts each document of a
// CoNLL file holding more than one (CoNLL-2003's convention); the writer
// writes the whole line as conllDocLine, the form spaCy's converter
// (spacy convert -c ner) looks for, space-separated whatever the columns.
const (
	conllDocStart = "-DOCSTART-"
	conllDocLine  = "-DOCSTART- -X- O O"
)

func init() {
	Register(&Format{Name: "conll", Ext: ".conll", Write: writeCoNLL,
		Description: "CoNLL: one token (or character) per line, TAB, [POS, TAB,] BIO/BIOES tag; a blank line between sentences; -DOCSTART- between documents"})
	RegisterReader(&Reader{Name: "conll", Each: eachCoNLL,
		Description: "CoNLL: token [POS...] tag per line (TAB or space separated), BIO or BIOES, word or character level (detected); blank lines end sentences, -DOCSTART- documents"})
}

// writeCoNLL writes the job's documents as CoNLL: one line per unit,
// "TOKEN\tTAG" or, with Opts.POS, "TOKEN\tPOS\tTAG"; a blank line after
// each sentence. Records are always sentences (the document's sentence
// boundaries; a document without sentences is one block), whatever
// Opts.Records says. Units are tokens (Opts.Level word, the default; a
// document without tokens is written at character level, with a warning)
// or the characters that are not white space (char). White space inside
// a token cannot stand in the token column: each white-space character is
// written as "_", with a warning. POS is the token's tag ("_" when it has
// none); at character level, the tag of the token the character is in.
// Tags come from Job.Tags (BIO, or BIOES with Opts.Scheme) for ONE layer,
// the first one written (the schema's first entity layer): other layers
// are left out with a warning (export them one at a time with Layers).
// With more than one document, each starts with the line "-DOCSTART- -X-
// O O" and a blank line, as in CoNLL-2003 (spaCy's converter splits
// documents at that exact line; readers that split columns at white
// space, as spaCy's does, read any number of columns in it).
//
// Readers split a line at white space (spaCy's converter at any that
// Python's str.split() knows, Unicode's included), so no column may hold
// any: in a token each white-space character is written as "_", in a POS
// tag the whole tag as "_", and a label holding white space or control
// characters is written with "_" for each (numbered _2, _3… if that
// name is another label's), each label so written named in a warning.
func writeCoNLL(j *Job, w io.Writer) error {
	bw := bufio.NewWriter(w)
	layers := j.Layers()
	layer := ""
	if len(layers) > 0 {
		layer = layers[0]
	}
	scheme := SchemeBIO
	if j.Opts.Scheme == SchemeBIOES {
		scheme = SchemeBIOES
	}
	sj := *j
	sj.Opts.Records = RecordSentence
	many := len(j.docs) > 1
	var spaced, spaces, empty, others, docstart tally
	labels := newColumnLabels(j.Schema, layer)
	err := j.Each(func(d *Doc) error {
		level := j.TagLevel(d)
		if layer == "" {
			j.Warn(d, 0, "no span layer to write: every tag is O")
		}
		visible := len(Units(Record{Doc: d, Start: 0, End: len(d.Runes)}, LevelChar))
		if visible == 0 {
			empty.add(d, 1)
			return nil
		}
		spaces.add(d, len(d.Runes)-visible)
		n := 0
		for _, sp := range d.Spans {
			if sp.Layer != layer {
				n++
			}
		}
		others.add(d, n)
		// Only the written layer's spans go into the records, so that the
		// others are not warned about again, span by span.
		d.Spans = slices.DeleteFunc(d.Spans, func(sp annotate.Span) bool { return sp.Layer != layer })
		if many {
			bw.WriteString(conllDocLine + "\n\n")
		}
		for _, rec := range sj.Records(d) {
			units, tags := j.Tags(rec, level, layer, scheme)
			if len(units) == 0 {
				continue
			}
			if err := proveTags(j, rec, units, tags, layer); err != nil {
				return err
			}
			for i, u := range units {
				tok := d.Text(u.Start, u.End)
				if strings.ContainsFunc(tok, isColumnSpace) {
					spaced.add(d, 1)
					tok = strings.Map(func(r rune) rune {
						if isColumnSpace(r) {
							return '_'
						}
						return r
					}, tok)
				}
				if tok == conllDocStart {
					docstart.add(d, 1)
				}
				bw.WriteString(tok)
				if j.Opts.POS {
					pos := u.POS
					if level == LevelChar {
						pos = posAt(d.Tokens, u.Start)
					}
					if pos == "" || strings.ContainsFunc(pos, isColumnSpace) {
						pos = "_"
					}
					bw.WriteByte('\t')
					bw.WriteString(pos)
				}
				bw.WriteByte('\t')
				bw.WriteString(labels.tag(tags[i], d))
				bw.WriteByte('\n')
			}
			bw.WriteByte('\n')
		}
		return nil
	})
	if err != nil {
		return err
	}
	others.warn(j, "CoNLL has one tag column: layer "+strings.ReplaceAll(strconv.Quote(layer), "%", "%%")+" is written; %d spans of other layers in %d documents (this one first) are left out (export them one layer at a time)")
	spaced.warn(j, "%d tokens in %d documents (this one first) hold white space, which the token column cannot: written with _ for each white-space character")
	spaces.warn(j, "CoNLL holds no white space between tokens: %d white-space characters of %d documents (this one first) are not written; read back, the tokens of a sentence are joined without space (but between words of Latin script) and sentences by a line break")
	empty.warn(j, "%[1]d documents without a character to tag (empty, or only white space; this one first) left out: CoNLL cannot hold one")
	docstart.warn(j, "%d tokens in %d documents (this one first) are "+conllDocStart+", which CoNLL readers take for the start of a document")
	labels.warn(j)
	return bw.Flush()
}

// isColumnSpace reports whether r separates columns for a reader that
// splits a line at white space: Go's unicode.IsSpace, and the information
// separators U+001C to U+001F, which Python's str.split() splits at too.
func isColumnSpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }

// columnLabels gives each label of a layer the name a tag column of CoNLL
// (or another format whose columns are read as separated by white space)
// can hold: the label itself when it holds no white space or control
// characters, else the label with "_" for each of them, numbered (_2,
// _3…) when another label has that name, so that two labels never come
// out as one. The schema's labels are named first, in order; a label a
// span has that the schema lacks, when it is first met.
type columnLabels struct {
	name    map[string]string // label → its name in the column
	taken   map[string]bool
	changed []string        // the labels whose name differs, in order
	written map[string]bool // of those, the ones written
	first   *Doc            // the document one of them was first written in
}

func newColumnLabels(schema *annotate.Schema, layer string) *columnLabels {
	c := &columnLabels{name: map[string]string{}, taken: map[string]bool{}, written: map[string]bool{}}
	l, _ := schema.Layer(layer)
	for _, lb := range l.Labels {
		if columnSafe(lb.Name) {
			c.name[lb.Name] = lb.Name
			c.taken[lb.Name] = true
		}
	}
	for _, lb := range l.Labels {
		c.of(lb.Name)
	}
	return c
}

// columnSafe reports whether a label can stand in a column as it is.
func columnSafe(label string) bool {
	return !strings.ContainsFunc(label, func(r rune) bool { return isColumnSpace(r) || unicode.IsControl(r) })
}

// of returns the name of label in the column.
func (c *columnLabels) of(label string) string {
	if n, ok := c.name[label]; ok {
		return n
	}
	n := label
	if !columnSafe(label) {
		n = strings.Map(func(r rune) rune {
			if isColumnSpace(r) || unicode.IsControl(r) {
				return '_'
			}
			return r
		}, label)
	}
	for k, base := 2, n; c.taken[n]; k++ {
		n = fmt.Sprintf("%s_%d", base, k)
	}
	c.name[label], c.taken[n] = n, true
	if n != label {
		c.changed = append(c.changed, label)
	}
	return n
}

// tag returns tag (O, or PREFIX-LABEL) with its label's column name; d is
// the document it is written in.
func (c *columnLabels) tag(tag string, d *Doc) string {
	if len(tag) < 3 || tag[1] != '-' {
		return tag
	}
	n := c.of(tag[2:])
	if n == tag[2:] {
		return tag
	}
	if c.first == nil {
		c.first = d
	}
	c.written[tag[2:]] = true
	return tag[:2] + n
}

// warn names each label written under another name, once, on the
// document it was first written in.
func (c *columnLabels) warn(j *Job) {
	if c.first == nil {
		return
	}
	for _, label := range c.changed {
		if !c.written[label] {
			continue
		}
		j.Warn(c.first, 0, "label %q written as %q in the tag column, which holds no white space or control characters", label, c.name[label])
	}
}

// posAt is the POS of the token holding code point at ("" if none).
func posAt(toks []text.Token, at int) string {
	i := sort.Search(len(toks), func(i int) bool { return toks[i].End > at })
	if i < len(toks) && toks[i].Start <= at {
		return toks[i].POS
	}
	return ""
}

// conllLine is one token line of a CoNLL file.
type conllLine struct {
	tok, pos, tag string
	line          int
}

// validTag reports whether t is a BIO/BIOES tag SpansFromTags reads: O, or
// B-, I-, E-, S- (also M-, L-, U-, and _ for -) and a label.
func validTag(t string) bool {
	if t == "O" {
		return true
	}
	return len(t) >= 3 && strings.IndexByte("BIESMLU", t[0]) >= 0 && (t[1] == '-' || t[1] == '_')
}

// conllWordRune reports whether r is a letter or digit of a script written
// with spaces between words (not Han, kana, Hangul or Bopomofo).
func conllWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) &&
		!unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo)
}

// eachCoNLL imports a CoNLL file: one token per line, columns separated by
// TAB (or, when the first token line has no TAB, by spaces, as in
// CoNLL-2003); the first column is the token, the last the tag (BIO or
// BIOES; IOB1's I- after O is read as a span start, with a warning), a
// second column before the tag is POS (more columns are ignored). Every
// line must have as many columns as the first. A blank line ends a
// sentence; a line whose first field is -DOCSTART- ends a document
// ("-DOCSTART- -X- O O", as CoNLL-2003 and our writer have it, or with
// TABs and any number of columns).
//
// Level (opts.Level, or detected: every token one character → char; every
// token with non-ASCII characters one character, but some ASCII tokens
// longer → char, with a warning saying it is unsure; otherwise word)
// decides how the text is rebuilt. Character level: the characters of a
// sentence are joined without spaces (tokens are left to the importer's
// segmenter). Word level: tokens are joined without spaces, except for a
// space between two tokens whose facing characters are both letters or
// digits of a script written with spaces (Latin, digits...), so that
// Chinese comes back as it was and "British lamb ." as "British lamb.";
// the tokens and their POS (when there is a POS column, else none) become
// the token layer. Sentences are joined with a line break, one per line.
//
// A line with the wrong number of columns, an empty token or a tag that is
// not BIO/BIOES is a bad record (file and line); under SkipBad its whole
// sentence is skipped.
func eachCoNLL(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	level := opts.Level
	if level == "" {
		// The level is the whole file's: a first pass counts the tokens
		// (of the sentences kept), holding none of them.
		allOne, nonASCIIOne, anyNonASCII, n := true, true, false, 0
		err := scanCoNLL(path, opts, &Imported{}, func(_ int, s []conllLine) error {
			for _, cl := range s {
				n++
				ascii := isASCII(cl.tok)
				anyNonASCII = anyNonASCII || !ascii
				if utf8.RuneCountInString(cl.tok) != 1 {
					allOne = false
					if !ascii {
						nonASCIIOne = false
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		switch {
		case n == 0 || allOne && anyNonASCII:
			level = LevelChar
		case allOne:
			level = LevelChar
			im.Warnings = append(im.Warnings, fmt.Sprintf("%s: every token is one ASCII character: read at character level (unsure: give the level if the file is word level)", path))
		case nonASCIIOne && anyNonASCII:
			level = LevelChar
			im.Warnings = append(im.Warnings, fmt.Sprintf("%s: every non-ASCII token is one character but some ASCII tokens are longer: read at character level (unsure: give the level if the file is word level)", path))
		default:
			level = LevelWord
		}
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	schema := opts.Schema
	if schema == nil {
		schema = annotate.DefaultSchema()
	}
	strange, iob1, iob1Line := 0, 0, 0
	build := func(sents [][]conllLine) *annotate.Document {
		doc := &annotate.Document{Name: base}
		if level == LevelWord {
			doc.Tokens = []text.Token{}
		}
		var sb strings.Builder
		n := 0
		var prev rune
		for si, s := range sents {
			if si > 0 {
				sb.WriteByte('\n')
				n++
				prev = '\n'
			}
			start := n
			starts, ends := make([]int, len(s)), make([]int, len(s))
			tags := make([]string, len(s))
			for i, cl := range s {
				first, _ := utf8.DecodeRuneInString(cl.tok)
				if level == LevelWord && i > 0 && conllWordRune(prev) && conllWordRune(first) {
					sb.WriteByte(' ')
					n++
				}
				starts[i] = n
				sb.WriteString(cl.tok)
				n += utf8.RuneCountInString(cl.tok)
				ends[i] = n
				prev, _ = utf8.DecodeLastRuneInString(cl.tok)
				tags[i] = cl.tag
				if p := cl.tag[0]; (p == 'I' || p == 'E') && (i == 0 || !continues(s[i-1].tag, cl.tag)) {
					if iob1 == 0 {
						iob1Line = cl.line
					}
					iob1++
				}
				if level == LevelWord {
					if cl.pos != "" && !schema.POS.Has(cl.pos) {
						strange++
					}
					doc.Tokens = append(doc.Tokens, text.Token{Start: starts[i], End: ends[i], Text: cl.tok, POS: cl.pos})
				}
			}
			doc.Sentences = append(doc.Sentences, text.Sentence{Start: start, End: n})
			spans, _ := SpansFromTags(tags)
			for _, ts := range spans {
				doc.Spans = append(doc.Spans, annotate.Span{Label: ts.Label, Start: starts[ts.First], End: ends[ts.Last-1]})
			}
		}
		doc.Text = sb.String()
		return doc
	}
	// A document is built once its last sentence is read; it is named
	// FILE, or FILE-N when the file holds more than one (numbered).
	names := &numberedDocs{base: base, emit: emit}
	var (
		cur   = -1 // the document sents belong to
		sents [][]conllLine
	)
	finish := func() error {
		if len(sents) == 0 {
			return nil
		}
		doc := build(sents)
		sents = nil
		return names.add(doc)
	}
	err := scanCoNLL(path, opts, im, func(d int, s []conllLine) error {
		if d != cur {
			if err := finish(); err != nil {
				return err
			}
			cur = d
		}
		sents = append(sents, s)
		return nil
	})
	if err == nil {
		err = finish()
	}
	if err == nil {
		err = names.end()
	}
	if err != nil {
		return err
	}
	if iob1 > 0 {
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s:%d: %d I-/E- tags do not continue a span of their label (the first here): each read as the start of a span (the file may be IOB1, or broken BIO)", path, iob1Line, iob1))
	}
	if strange > 0 {
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s: %d tokens have POS tags that are not in the project's tagset %q: kept as they are", path, strange, schema.POS.Name))
	}
	if names.n == 0 && len(im.Skipped) == 0 {
		return &RecordError{File: path, Err: errors.New("no token lines")}
	}
	return nil
}

// scanCoNLL reads the CoNLL file at path line by line (see eachCoNLL) and
// hands each sentence it keeps to sentence, with the document it belongs
// to (0 for the first; each -DOCSTART- line starts the next). Bad lines
// go to im.Bad: under SkipBad their sentence is left out.
func scanCoNLL(path string, opts ReadOptions, im *Imported, sentence func(doc int, s []conllLine) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	sc := newLineScanner(f)
	var (
		docs     int // documents begun
		sent     []conllLine
		cols     int  // columns per line, from the first token line
		tabs     bool // columns are TAB-separated
		skipping bool
		line     int
	)
	endSent := func() error {
		keep := sent
		if len(sent) == 0 || skipping {
			keep = nil
		}
		sent, skipping = nil, false
		if keep == nil {
			return nil
		}
		if docs == 0 {
			docs = 1
		}
		return sentence(docs-1, keep)
	}
	bad := func(format string, args ...any) error {
		skipping = true
		return im.Bad(opts, &RecordError{File: path, Line: line, Err: fmt.Errorf(format, args...)})
	}
	for sc.Scan() {
		line++
		l := sc.Text()
		if line == 1 {
			l = strings.TrimPrefix(l, "\uFEFF")
		}
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if strings.TrimSpace(l) == "" {
			if err := endSent(); err != nil {
				return err
			}
			continue
		}
		if err := lineText(l); err != nil {
			if err := bad("%v", err); err != nil {
				return err
			}
			continue
		}
		if first, _, _ := strings.Cut(strings.TrimLeftFunc(l, unicode.IsSpace), "\t"); strings.Fields(first)[0] == conllDocStart {
			// "-DOCSTART- -X- O O", or with TABs: whatever its columns.
			if err := endSent(); err != nil {
				return err
			}
			docs++
			continue
		}
		if cols == 0 {
			tabs = strings.Contains(l, "\t")
		}
		var f []string
		if tabs {
			f = strings.Split(l, "\t")
		} else {
			f = strings.Fields(l)
		}
		if skipping {
			continue
		}
		if cols == 0 {
			if len(f) < 2 {
				if err := bad("got %d column, want at least 2 (token and tag)", len(f)); err != nil {
					return err
				}
				continue
			}
			cols = len(f)
		}
		switch {
		case len(f) != cols:
			err = bad("got %d columns, want %d", len(f), cols)
		case strings.TrimSpace(f[0]) == "":
			err = bad("empty token")
		case !validTag(f[cols-1]):
			err = bad("tag %q is not O or B-, I-, E-, S- and a label", f[cols-1])
		case f[cols-1] != "O" && annotate.CheckName("label", f[cols-1][2:]) != nil:
			err = bad("tag %q: %v", f[cols-1], annotate.CheckName("label", f[cols-1][2:]))
		default:
			cl := conllLine{tok: f[0], tag: f[cols-1], line: line}
			if cols >= 3 && f[1] != "_" {
				cl.pos = f[1]
			}
			sent = append(sent, cl)
			continue
		}
		if err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("export: %s:%d: %w", path, line+1, err)
	}
	return endSent()
}

// numberedDocs hands documents on to emit named as the CoNLL readers
// name them: a file's only document is named after the file (FILE), the
// documents of a file of several FILE-1, FILE-2… in order — but those
// that name themselves (named; nil: none does), which keep their name. It
// keeps the first document back until the second comes (or the file
// ends), so that at most one waits.
type numberedDocs struct {
	base  string
	named func(*annotate.Document) bool
	emit  func(*annotate.Document) error
	first *annotate.Document // the first, kept back
	n     int                // documents added
}

// add hands d on (or keeps it back, when it is the first).
func (nd *numberedDocs) add(d *annotate.Document) error {
	nd.n++
	if nd.n == 1 {
		nd.first = d
		return nil
	}
	if first := nd.first; first != nil {
		nd.first = nil
		nd.name(first, fmt.Sprintf("%s-1", nd.base))
		if err := nd.emit(first); err != nil {
			return err
		}
	}
	nd.name(d, fmt.Sprintf("%s-%d", nd.base, nd.n))
	return nd.emit(d)
}

// end hands on a first document still kept back: the file's only one.
func (nd *numberedDocs) end() error {
	d := nd.first
	if d == nil {
		return nil
	}
	nd.first = nil
	nd.name(d, nd.base)
	return nd.emit(d)
}

// name gives d the name, unless d names itself.
func (nd *numberedDocs) name(d *annotate.Document, name string) {
	if nd.named == nil || !nd.named(d) {
		d.Name = name
	}
}

// newLineScanner scans r by lines with universal newlines: a line ends
// at LF, CRLF or a lone CR (a file saved with classic Mac line ends is
// read line by line, not as one line), up to 16 MB a line.
func newLineScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		for i, c := range data {
			switch c {
			case '\n':
				return i + 1, data[:i], nil
			case '\r':
				if i+1 < len(data) {
					if data[i+1] == '\n' {
						return i + 2, data[:i], nil
					}
					return i + 1, data[:i], nil
				}
				if atEOF {
					return i + 1, data[:i], nil
				}
				return 0, nil, nil // is an LF next?
			}
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	return sc
}

// lineText refuses a line of an annotated text file that is not valid
// UTF-8 or holds a NUL character (which would go into the project's text,
// and from there into exports whose readers refuse it).
func lineText(l string) error {
	if i := strings.IndexByte(l, 0); i >= 0 {
		return fmt.Errorf("a NUL character at byte %d of the line", i+1)
	}
	if !utf8.ValidString(l) {
		for i, r := range l {
			if r == utf8.RuneError {
				if _, n := utf8.DecodeRuneInString(l[i:]); n == 1 {
					return fmt.Errorf("not valid UTF-8 at byte %d of the line", i+1)
				}
			}
		}
	}
	return nil
}

// continues reports whether tag cur (I- or E-) continues the span tag prev
// belongs to: prev is B- or I- (or M-) of the same label.
func continues(prev, cur string) bool {
	if len(prev) < 3 || strings.IndexByte("BIM", prev[0]) < 0 {
		return false
	}
	return prev[2:] == cur[2:]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
