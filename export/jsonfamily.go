package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/biaozhu/biaozhu/annotate"
)

// This file holds what the JSON formats (doccano, spacy, hf, cluener,
// labelstudio) share: writing one JSON object per line, the "meta" object
// naming the document a record came from, reading a file of JSON records
// (JSONL, a JSON array, or pretty-printed objects one after another), and
// the one place where offsets read in UTF-16 units become code points.

// jsonLines writes one JSON object per line, UTF-8, without HTML
// escaping (<, > and & are written as they are) and without escaping
// anything that is not ASCII: Chinese is written as it is.
type jsonLines struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func newJSONLines(w io.Writer) *jsonLines {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonLines{bw: bw, enc: enc}
}

// put writes v and a newline.
func (l *jsonLines) put(v any) error { return l.enc.Encode(v) }

func (l *jsonLines) flush() error { return l.bw.Flush() }

// recordMeta is the "meta" object of a record of the JSON formats: the
// document it comes from, its status and document labels, and for a
// sentence record the sentence's number (from 1) and where it starts in the
// document (code points). Readers take the document's name, status and
// labels back from it.
type recordMeta struct {
	DocID   int64    `json:"doc_id"`
	DocName string   `json:"doc_name"`
	Status  string   `json:"status,omitempty"`
	Labels  []string `json:"labels,omitempty"`
	Sent    int      `json:"sent,omitempty"`
	Start   *int     `json:"start,omitempty"`
}

func recordMetaOf(rec Record) recordMeta {
	m := recordMeta{DocID: rec.Doc.ID, DocName: rec.Doc.Name, Status: string(rec.Doc.Status), Labels: rec.Doc.Labels, Sent: rec.Sent}
	if rec.Sent != 0 {
		start := rec.Start
		m.Start = &start
	}
	return m
}

// readMeta is what readers take from a record's meta: every field is
// optional.
type readMeta struct {
	DocName string   `json:"doc_name"`
	Status  string   `json:"status"`
	Labels  []string `json:"labels"`
	Sent    int      `json:"sent"`
}

// apply sets the document's name from m (a sentence record's is
// "NAME-sentN"; none: FILE-lineN) and status, and adds its labels to the
// document's.
func (m *readMeta) apply(d *annotate.Document, path string, line int) {
	d.Name = m.DocName
	switch {
	case d.Name == "":
		d.Name = jsonRecordName(path, line)
	case m.Sent > 0:
		d.Name = fmt.Sprintf("%s-sent%d", d.Name, m.Sent)
	}
	if st := annotate.Status(m.Status); st.Valid() {
		d.Status = st
	}
	for _, l := range m.Labels {
		if !slices.Contains(d.Labels, l) {
			d.Labels = append(d.Labels, l)
		}
	}
}

// jsonRecordName names a document read from line of path that names none
// itself: the file's name without its extension, "-line", the line.
func jsonRecordName(path string, line int) string {
	base := filepath.Base(path)
	return fmt.Sprintf("%s-line%d", strings.TrimSuffix(base, filepath.Ext(base)), line)
}

// eachJSON calls f with every JSON record of the file at path and the line
// it starts on. The file is one of:
//   - JSONL: one value per line (blank lines skipped). A line that does
//     not parse is handed to f all the same, which reports it as a bad
//     record, so that the lines after it can still be read.
//   - JSON values pretty-printed one after another: a value starts on a
//     line holding only "{" and ends on a line holding only "}" at its
//     start (Python's json.dump(indent=…) and jq write them so).
//   - A JSON array of values (the first character is "["): read whole,
//     each element handed to f. A syntax error in an array ends the read:
//     nothing after it can be told apart.
//
// A UTF-8 byte order mark is skipped. f handles bad records itself (with
// Imported.Bad); an error from f stops the read.
func eachJSON(path string, f func(line int, raw []byte) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\ufeff")) {
		br.Discard(3)
	}
	line := 1
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("export: %s: %w", path, err)
		}
		if c == '\n' {
			line++
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' {
			continue
		}
		br.UnreadByte()
		if c == '[' {
			return eachJSONArray(path, br, line, f)
		}
		break
	}
	var (
		pretty    []byte // the pretty-printed value being gathered
		prettyAt  int    // the line it starts on
		gathering bool
	)
	for ; ; line++ {
		b, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("export: %s: %w", path, err)
		}
		trimmed := bytes.TrimSpace(b)
		switch {
		case gathering:
			pretty = append(pretty, b...)
			if string(bytes.TrimRight(b, " \t\r\n")) == "}" {
				gathering = false
				if ferr := f(prettyAt, pretty); ferr != nil {
					return ferr
				}
				pretty = pretty[:0]
			}
		case string(trimmed) == "{":
			gathering, prettyAt = true, line
			pretty = append(pretty[:0], b...)
		case len(trimmed) > 0:
			if ferr := f(line, trimmed); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			break
		}
	}
	if gathering {
		// Unterminated: f reports the JSON error at the value's first line.
		return f(prettyAt, pretty)
	}
	return nil
}

// eachJSONArray reads a JSON array whose "[" is next in br, starting on
// line, and calls f with each element, one at a time: the array is
// decoded as it is read, never held whole (an export of a million tasks
// takes the memory of one). The bytes the decoder read since the element
// before are kept (arrayWindow), for the lines and for a syntax error,
// which is named as json.Unmarshal of the whole array would name it: the
// same message, the same line.
func eachJSONArray(path string, br io.Reader, line int, f func(line int, raw []byte) error) error {
	w := &arrayWindow{r: br}
	var counted int64 // the bytes before counted are counted into line
	lineAt := func(off int64) int {
		off = min(off, w.base+int64(len(w.buf)))
		if off > counted {
			line += bytes.Count(w.buf[counted-w.base:off-w.base], []byte("\n"))
			counted = off
		}
		return line
	}
	first := true
	var after int64 // where the element to read (or the closing "]") is looked for
	// syntax is the error of a read that failed after the offset after.
	// Everything before after is well-formed, and the decoder read up to
	// the first byte that is not (or to the end): json.Unmarshal of "["
	// (and of an element standing for those before, past the first) and
	// what was read from after on is in the state json.Unmarshal of the
	// whole array is in there, and stops at the same byte with the same
	// message.
	syntax := func(err error) error {
		if w.err != nil {
			return fmt.Errorf("export: %s: %w", path, w.err)
		}
		prefix := `[""`
		if first {
			prefix = "["
		}
		rest := w.buf[after-w.base:]
		var v json.RawMessage
		err = json.Unmarshal(append([]byte(prefix), rest...), &v)
		off := after + int64(len(rest))
		if se, ok := errors.AsType[*json.SyntaxError](err); ok && se.Offset > 0 {
			off = after + se.Offset - 1 - int64(len(prefix))
		}
		if err == nil || strings.Contains(err.Error(), "unexpected end") {
			err = errors.New("unexpected end of file inside the JSON array")
		}
		return &RecordError{File: path, Line: lineAt(max(off, after)), Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	dec := json.NewDecoder(w)
	if _, err := dec.Token(); err != nil {
		return syntax(err)
	}
	after = dec.InputOffset()
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntax(err)
		}
		end := dec.InputOffset()
		start := end - int64(len(raw))
		l := lineAt(start)
		w.drop(start)
		if err := f(l, raw); err != nil {
			return err
		}
		first, after = false, end
	}
	if _, err := dec.Token(); err != nil {
		return syntax(err)
	}
	// Only white space may follow the closing "]".
	endAt := dec.InputOffset()
	rest := bufio.NewReader(io.MultiReader(dec.Buffered(), w.r))
	for {
		r, _, err := rest.ReadRune()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("export: %s: %w", path, err)
		}
		if !unicode.IsSpace(r) {
			return &RecordError{File: path, Line: lineAt(endAt), Err: errors.New("malformed JSON: more after the closing ] of the array")}
		}
	}
}

// arrayWindow is the reader eachJSONArray decodes from: it keeps the
// bytes read from offset base on (offsets count from the array's "["),
// until drop lets the earlier ones go, and the first error of reading
// that is not the end of the file.
type arrayWindow struct {
	r    io.Reader
	buf  []byte
	base int64
	err  error
}

func (w *arrayWindow) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.buf = append(w.buf, p[:n]...)
	if err != nil && err != io.EOF && w.err == nil {
		w.err = err
	}
	return n, err
}

// drop lets go of the bytes before offset off.
func (w *arrayWindow) drop(off int64) {
	if k := off - w.base; k > 0 {
		w.buf = w.buf[:copy(w.buf, w.buf[k:])]
		w.base = off
	}
}

// jsonError words an error of json.Unmarshal for a bad record.
func jsonError(err error) error {
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Errorf("unexpected JSON: %v", err)
	}
	return fmt.Errorf("malformed JSON: %v", err)
}

// unitOffsets turns offsets read from a record's text in a unit into code
// points, checking them: inside the text, start before end, and (UTF-16)
// not inside a surrogate pair. It is the one place where a reader converts
// offsets.
type unitOffsets struct {
	runes []rune
	unit  Unit
	cp    []int // cp[u] = code point at UTF-16 unit u, -1 inside a pair; nil until needed
}

func newUnitOffsets(runes []rune, u Unit) *unitOffsets { return &unitOffsets{runes: runes, unit: u} }

// span converts [start, end) (end inclusive when inclusive is set).
func (o *unitOffsets) span(start, end int, inclusive bool) (int, int, error) {
	shown := fmt.Sprintf("[%d,%d)", start, end)
	if inclusive {
		shown = fmt.Sprintf("[%d,%d]", start, end)
		end++
	}
	if start >= end {
		return 0, 0, fmt.Errorf("offsets %s are reversed or empty", shown)
	}
	if o.unit != UnitUTF16 {
		if start < 0 || end > len(o.runes) {
			return 0, 0, fmt.Errorf("offsets %s are outside the text (%d code points)", shown, len(o.runes))
		}
		return start, end, nil
	}
	if o.cp == nil {
		o.cp = make([]int, 0, len(o.runes)+1)
		for i, r := range o.runes {
			o.cp = append(o.cp, i)
			if utf16.RuneLen(r) == 2 {
				o.cp = append(o.cp, -1)
			}
		}
		o.cp = append(o.cp, len(o.runes))
	}
	if start < 0 || end >= len(o.cp) {
		return 0, 0, fmt.Errorf("offsets %s are outside the text (%d UTF-16 units)", shown, len(o.cp)-1)
	}
	s, e := o.cp[start], o.cp[end]
	if s < 0 || e < 0 {
		return 0, 0, fmt.Errorf("offsets %s (UTF-16) cut a character outside the Basic Multilingual Plane in half", shown)
	}
	return s, e, nil
}

// dropDuplicates removes exact duplicates from spans (same layer, label,
// start and end: two annotators' identical span, as in doccano's
// overlapping-import fixture), keeping the first (with the note of a later
// one when it has none), and returns the spans kept and how many went. An
// exact duplicate carries nothing the first does not, and a layer that
// forbids overlaps would refuse the document because of it.
func dropDuplicates(spans []annotate.Span) ([]annotate.Span, int) {
	type key struct {
		layer, label string
		start, end   int
	}
	seen := make(map[key]int, len(spans))
	out := spans[:0]
	dropped := 0
	for _, sp := range spans {
		k := key{sp.Layer, sp.Label, sp.Start, sp.End}
		if i, ok := seen[k]; ok {
			if out[i].Note == "" {
				out[i].Note = sp.Note
			}
			if sp.ID != 0 && out[i].ID == 0 {
				out[i].ID = sp.ID
			}
			dropped++
			continue
		}
		seen[k] = len(out)
		out = append(out, sp)
	}
	return out, dropped
}

// addRecord hands the document read from line of path to emit: its
// exact duplicate spans dropped (with a warning), its name, status and
// labels from meta. A text that is not valid UTF-8 or holds NUL, or a
// layer or label name annotate.CheckName refuses, makes the record bad:
// it goes to Imported.Bad (a *RecordError naming file and line) instead.
// An error from emit is returned as it is.
func (im *Imported) addRecord(opts ReadOptions, path string, line int, d *annotate.Document, meta *readMeta, emit func(*annotate.Document) error) error {
	meta.apply(d, path, line)
	err := checkText(d.Text)
	if err == nil {
		err = checkNames(d)
	}
	if err != nil {
		return im.Bad(opts, &RecordError{File: path, Line: line, Err: err})
	}
	var n int
	// Relations refer to spans by ID: to a duplicate dropped, they go to
	// the span kept.
	kept := map[[4]string]int64{}
	alias := map[int64]int64{}
	for _, sp := range d.Spans {
		k := [4]string{sp.Layer, sp.Label, fmt.Sprint(sp.Start), fmt.Sprint(sp.End)}
		if id, ok := kept[k]; ok && id != 0 {
			alias[sp.ID] = id
		} else if sp.ID != 0 {
			kept[k] = sp.ID
		}
	}
	for i := range d.Relations {
		r := &d.Relations[i]
		if to, ok := alias[r.From]; ok {
			r.From = to
		}
		if to, ok := alias[r.To]; ok {
			r.To = to
		}
	}
	d.Spans, n = dropDuplicates(d.Spans)
	if n > 0 {
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s:%d: %d exact duplicate span(s) (same label, start and end) dropped", path, line, n))
	}
	return emit(d)
}

// spanLayer is one entry of the "layers" list our doccano and CLUENER
// exports write in a record's meta: [start, end, "LABEL", "layer"] for
// each span, the offsets as the record's labels have them, so that an
// import puts every span back in its layer (the formats have none).
type spanLayer struct {
	Start, End   int
	Label, Layer string
}

func (s spanLayer) MarshalJSON() ([]byte, error) {
	return doccanoSpan{Start: s.Start, End: s.End, Label: s.Label, Note: &s.Layer}.MarshalJSON()
}

// readSpanLayers reads the "layers" list of a record's meta; entries that
// are not [start, end, "LABEL", "layer"] are left out.
func readSpanLayers(meta json.RawMessage) []spanLayer {
	var in struct {
		Layers []json.RawMessage `json:"layers"`
	}
	if len(meta) == 0 || meta[0] != '{' || json.Unmarshal(meta, &in) != nil {
		return nil
	}
	var out []spanLayer
	for _, raw := range in.Layers {
		var parts []json.RawMessage
		var layer string
		if json.Unmarshal(raw, &parts) != nil || len(parts) != 4 || json.Unmarshal(parts[3], &layer) != nil {
			continue
		}
		s, e, l, ok := doccanoTriple(mustArray(parts[:3]))
		if ok {
			out = append(out, spanLayer{Start: s, End: e, Label: l, Layer: layer})
		}
	}
	return out
}

// setSpanLayers gives each span of spans the layer its entry in layers
// names (the first entry not used yet with the same label and offsets;
// conv turns an entry's offsets into the spans' code points).
func setSpanLayers(spans []annotate.Span, layers []spanLayer, conv func(s, e int) (int, int, error)) {
	used := make([]bool, len(spans))
	for _, l := range layers {
		s, e, err := conv(l.Start, l.End)
		if err != nil {
			continue
		}
		for k := range spans {
			if sp := &spans[k]; !used[k] && sp.Start == s && sp.End == e && sp.Label == l.Label {
				sp.Layer, used[k] = l.Layer, true
				break
			}
		}
	}
}

// readerSchema is the schema a reader resolves layer names against.
func readerSchema(opts ReadOptions) *annotate.Schema {
	if opts.Schema != nil {
		return opts.Schema
	}
	return annotate.DefaultSchema()
}
