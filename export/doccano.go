package export

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
)

// The doccano format (sequence labelling JSONL), one record per line:
//
//	{"id":"1","text":"…","label":[[0,3,"LOC"],[5,7,"PER"]],
//	 "meta":{"doc_id":1,"doc_name":"a.txt","status":"done","notes":[[0,3,"LOC","a note"]]}}
//
// Offsets are relative to the record's text, end-exclusive, in code points
// (Options.Offsets utf16 for doccano's web UI, which counts UTF-16 units).
// Labels are sorted as doccano sorts them (start, end, label). "id" is the
// record's key (Record.Key: "12" for document 12, "12-3" for its third
// sentence), a string so that both kinds read alike. The document is named
// in the nested "meta" object (doccano keeps every key it does not know as
// meta), with the sentence number and its start in the document for
// sentence records; span notes, which doccano cannot show, ride along in
// meta.notes as [start, end, label, note]. doccano has no layers: the
// spans of every layer written go into the one label list, and each span's
// layer rides along in meta.layers as [start, end, label, layer], which
// the reader gives back (a file without it leaves the layer to the
// importer).
//
// A project with relation layers is written in doccano's relation
// extraction shape instead of "label": "entities" [{"id", "label",
// "start_offset", "end_offset"}] (the span's ID) and "relations" [{"id",
// "from_id", "to_id", "type"}] (the relation's ID, its ends' span IDs);
// meta.relations gives each relation's layer (and note) as {"id",
// "layer", "note"}. A relation whose ends are not both in a record (a
// sentence record, a layer not written) is left out, with a warning.
//
// The reader also takes doccano's relation shape ("entities" with "id",
// "relations" with "from_id", "to_id" and "type": relations of layer
// meta.relations names, else of layer DoccanoRelationLayer), dict labels ({"start_offset","end_offset","label"}), string
// labels (text classification: document labels), the old "data" key for
// the text, JSON arrays and pretty-printed objects. Exact duplicate spans
// are dropped with a warning (see dropDuplicates).

func init() {
	Register(&Format{Name: "doccano", Ext: ".jsonl", Write: writeDoccano,
		Description: `doccano sequence labelling JSONL: {"id","text","label":[[start,end,"LABEL"]],"meta"}`})
	RegisterReader(&Reader{Name: "doccano", Each: eachDoccano,
		Description: `doccano JSONL (or JSON): "label" [[start,end,"LABEL"]] or "entities", "text" or "data"`})
}

// doccanoSpan is [start, end, "LABEL"], or with a note [start, end,
// "LABEL", "note"].
type doccanoSpan struct {
	Start, End int
	Label      string
	Note       *string
}

func (s doccanoSpan) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 24+len(s.Label))
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(s.Start), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(s.End), 10)
	b = append(b, ',')
	b = appendJSONString(b, s.Label)
	if s.Note != nil {
		b = append(b, ',')
		b = appendJSONString(b, *s.Note)
	}
	return append(b, ']'), nil
}

// appendJSONString appends s as a JSON string as encoding/json writes it
// with HTML escaping off: quotes, backslashes and control characters
// escaped, invalid UTF-8 as U+FFFD, everything else as it is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b': // short escapes, as encoding/json writes them
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

type doccanoMeta struct {
	recordMeta
	Notes     []doccanoSpan    `json:"notes,omitempty"`
	Layers    []spanLayer      `json:"layers,omitempty"`
	Relations []doccanoRelMeta `json:"relations,omitempty"`
}

type doccanoRecord struct {
	ID    string        `json:"id"`
	Text  string        `json:"text"`
	Label []doccanoSpan `json:"label"`
	Meta  doccanoMeta   `json:"meta"`
}

// doccanoRelRecord is a record in doccano's relation extraction shape.
type doccanoRelRecord struct {
	ID        string               `json:"id"`
	Text      string               `json:"text"`
	Entities  []doccanoEntityOut   `json:"entities"`
	Relations []doccanoRelationOut `json:"relations"`
	Meta      doccanoMeta          `json:"meta"`
}

type doccanoEntityOut struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
	Start int    `json:"start_offset"`
	End   int    `json:"end_offset"`
}

type doccanoRelationOut struct {
	ID   int64  `json:"id"`
	From int64  `json:"from_id"`
	To   int64  `json:"to_id"`
	Type string `json:"type"`
}

// doccanoRelMeta is an entry of meta.relations: a relation's layer and
// note.
type doccanoRelMeta struct {
	ID    int64  `json:"id"`
	Layer string `json:"layer"`
	Note  string `json:"note,omitempty"`
}

// DoccanoRelationLayer is the relation layer of relations read from
// doccano files whose meta does not name one.
const DoccanoRelationLayer = "relation"

func writeDoccano(j *Job, w io.Writer) error {
	out := newJSONLines(w)
	var outside tally
	unit := cmp.Or(j.Opts.Offsets, UnitCodePoint)
	err := j.Each(func(d *Doc) error {
		for _, rec := range j.Records(d) {
			line := doccanoRecord{ID: rec.Key(), Text: rec.Text(), Label: make([]doccanoSpan, 0, len(rec.Spans)), Meta: doccanoMeta{recordMeta: recordMetaOf(rec)}}
			base := d.Offset(rec.Start, unit)
			for _, sp := range rec.Spans {
				s, e := d.Offset(sp.Start, unit)-base, d.Offset(sp.End, unit)-base
				got, _ := sliceUnits(d.Runes[rec.Start:rec.End], s, e, unit)
				if err := j.Check(d, sp, rec.Start, s, e, unit, false, got); err != nil {
					return err
				}
				line.Label = append(line.Label, doccanoSpan{Start: s, End: e, Label: sp.Label})
				line.Meta.Layers = append(line.Meta.Layers, spanLayer{Start: s, End: e, Label: sp.Label, Layer: sp.Layer})
				if sp.Note != "" {
					note := sp.Note
					line.Meta.Notes = append(line.Meta.Notes, doccanoSpan{Start: s, End: e, Label: sp.Label, Note: &note})
				}
			}
			slices.SortStableFunc(line.Label, func(a, b doccanoSpan) int {
				return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.Label, b.Label))
			})
			slices.SortStableFunc(line.Meta.Layers, func(a, b spanLayer) int {
				return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.Label, b.Label), cmp.Compare(a.Layer, b.Layer))
			})
			if len(j.Schema.Relations) > 0 {
				rel := doccanoRelRecord{ID: line.ID, Text: line.Text, Entities: []doccanoEntityOut{}, Relations: []doccanoRelationOut{}, Meta: line.Meta}
				in := map[int64]bool{}
				for _, sp := range rec.Spans {
					in[sp.ID] = true
					rel.Entities = append(rel.Entities, doccanoEntityOut{ID: sp.ID, Label: sp.Label, Start: d.Offset(sp.Start, unit) - base, End: d.Offset(sp.End, unit) - base})
				}
				for _, r := range d.Relations {
					if !in[r.From] || !in[r.To] {
						if rec.Sent == 0 || in[r.From] {
							outside.add(d, 1)
						}
						continue
					}
					rel.Relations = append(rel.Relations, doccanoRelationOut{ID: r.ID, From: r.From, To: r.To, Type: r.Type})
					rel.Meta.Relations = append(rel.Meta.Relations, doccanoRelMeta{ID: r.ID, Layer: r.Layer, Note: r.Note})
				}
				if err := out.put(rel); err != nil {
					return err
				}
				continue
			}
			if err := out.put(line); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	outside.warn(j, "%d relations in %d documents (this one first) link spans that are not in one record (sentence records, layers not written): left out")
	return out.flush()
}

// doccanoIn is a doccano record as read.
type doccanoIn struct {
	Text      *string             `json:"text"`
	Data      *string             `json:"data"`
	Label     []json.RawMessage   `json:"label"`
	Entities  []doccanoEntity     `json:"entities"`
	Relations []doccanoRelationIn `json:"relations"`
	Meta      json.RawMessage     `json:"meta"`
	DocName   string              `json:"doc_name"`
}

type doccanoEntity struct {
	ID    *int64  `json:"id"`
	Start *int    `json:"start_offset"`
	End   *int    `json:"end_offset"`
	Label *string `json:"label"`
}

type doccanoRelationIn struct {
	ID   *int64  `json:"id"`
	From *int64  `json:"from_id"`
	To   *int64  `json:"to_id"`
	Type *string `json:"type"`
}

func eachDoccano(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	err := eachJSON(path, func(line int, raw []byte) error {
		d, _, err := doccanoDoc(raw, opts)
		if err != nil {
			return im.Bad(opts, &RecordError{File: path, Line: line, Err: err})
		}
		var meta readMeta
		if len(d.meta) > 0 && d.meta[0] == '{' {
			json.Unmarshal(d.meta, &meta) // what does not fit is left out
		}
		if meta.DocName == "" {
			meta.DocName = d.docName
		}
		return im.addRecord(opts, path, line, d.doc, &meta, emit)
	})
	return err
}

type doccanoRead struct {
	doc     *annotate.Document
	meta    json.RawMessage
	docName string
}

// doccanoDoc reads one record: the document, its meta, and how many
// relations it had.
func doccanoDoc(raw []byte, opts ReadOptions) (doccanoRead, int, error) {
	var in doccanoIn
	if err := json.Unmarshal(raw, &in); err != nil {
		return doccanoRead{}, 0, jsonError(err)
	}
	text := in.Text
	if text == nil {
		text = in.Data
	}
	if text == nil {
		return doccanoRead{}, 0, errors.New(`the record has no "text" (nor "data") field`)
	}
	d := &annotate.Document{Text: *text}
	off := newUnitOffsets([]rune(*text), cmp.Or(opts.Offsets, UnitCodePoint))
	add := func(s, e int, label string) error {
		if label == "" {
			return fmt.Errorf("span [%d,%d) has no label", s, e)
		}
		start, end, err := off.span(s, e, false)
		if err != nil {
			return fmt.Errorf("span %s: %w", label, err)
		}
		d.Spans = append(d.Spans, annotate.Span{ID: int64(len(d.Spans) + 1), Label: label, Start: start, End: end})
		return nil
	}
	entity := map[int64]int64{} // an entity's id → its span's ID
	for i, raw := range in.Label {
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) > 0 && raw[0] == '"':
			var l string
			json.Unmarshal(raw, &l)
			d.Labels = append(d.Labels, l)
			continue
		case len(raw) > 0 && raw[0] == '{':
			var e doccanoEntity
			if err := json.Unmarshal(raw, &e); err != nil || e.Start == nil || e.End == nil || e.Label == nil {
				return doccanoRead{}, 0, fmt.Errorf(`label %d: %s is not {"start_offset","end_offset","label"}`, i+1, raw)
			}
			if err := add(*e.Start, *e.End, *e.Label); err != nil {
				return doccanoRead{}, 0, err
			}
			continue
		}
		s, e, l, ok := doccanoTriple(raw)
		if !ok {
			return doccanoRead{}, 0, fmt.Errorf(`label %d: %s is not [start, end, "LABEL"]`, i+1, raw)
		}
		if err := add(s, e, l); err != nil {
			return doccanoRead{}, 0, err
		}
	}
	for i, e := range in.Entities {
		if e.Start == nil || e.End == nil || e.Label == nil {
			return doccanoRead{}, 0, fmt.Errorf(`entity %d lacks "start_offset", "end_offset" or "label"`, i+1)
		}
		if err := add(*e.Start, *e.End, *e.Label); err != nil {
			return doccanoRead{}, 0, err
		}
		if e.ID != nil {
			if _, dup := entity[*e.ID]; dup {
				return doccanoRead{}, 0, fmt.Errorf("entity %d: id %d appears twice", i+1, *e.ID)
			}
			entity[*e.ID] = int64(len(d.Spans))
		}
	}
	var relMeta struct {
		Relations []doccanoRelMeta `json:"relations"`
	}
	if len(in.Meta) > 0 && in.Meta[0] == '{' {
		json.Unmarshal(in.Meta, &relMeta) // what does not fit is left out
	}
	for i, r := range in.Relations {
		if r.From == nil || r.To == nil || r.Type == nil || *r.Type == "" {
			return doccanoRead{}, 0, fmt.Errorf(`relation %d lacks "from_id", "to_id" or "type"`, i+1)
		}
		from, okf := entity[*r.From]
		to, okt := entity[*r.To]
		if !okf || !okt {
			missing := *r.From
			if okf {
				missing = *r.To
			}
			return doccanoRead{}, 0, fmt.Errorf("relation %d (%s): no entity has id %d", i+1, *r.Type, missing)
		}
		rel := annotate.Relation{Layer: DoccanoRelationLayer, Type: *r.Type, From: from, To: to}
		for _, m := range relMeta.Relations {
			if r.ID != nil && m.ID == *r.ID && m.Layer != "" {
				rel.Layer, rel.Note = m.Layer, m.Note
			}
		}
		d.Relations = append(d.Relations, rel)
	}
	// Notes written by Biaozhu's export: [start, end, "LABEL", "note"].
	var notes struct {
		Notes []json.RawMessage `json:"notes"`
	}
	if len(in.Meta) > 0 && in.Meta[0] == '{' {
		json.Unmarshal(in.Meta, &notes)
	}
	for _, raw := range notes.Notes {
		var parts []json.RawMessage
		var note string
		if json.Unmarshal(raw, &parts) != nil || len(parts) != 4 || json.Unmarshal(parts[3], &note) != nil {
			continue
		}
		s, e, l, ok := doccanoTriple(mustArray(parts[:3]))
		if !ok {
			continue
		}
		start, end, err := off.span(s, e, false)
		if err != nil {
			continue
		}
		for k := range d.Spans {
			if sp := &d.Spans[k]; sp.Start == start && sp.End == end && sp.Label == l && sp.Note == "" {
				sp.Note = note
				break
			}
		}
	}
	setSpanLayers(d.Spans, readSpanLayers(in.Meta), func(s, e int) (int, int, error) { return off.span(s, e, false) })
	return doccanoRead{doc: d, meta: in.Meta, docName: in.DocName}, len(in.Relations), nil
}

func mustArray(parts []json.RawMessage) []byte {
	b, _ := json.Marshal(parts)
	return b
}

// doccanoTriple reads [start, end, "LABEL"].
func doccanoTriple(raw []byte) (int, int, string, bool) {
	var parts []json.RawMessage
	if json.Unmarshal(raw, &parts) != nil || len(parts) != 3 {
		return 0, 0, "", false
	}
	var s, e int
	var l string
	if json.Unmarshal(parts[0], &s) != nil || json.Unmarshal(parts[1], &e) != nil || json.Unmarshal(parts[2], &l) != nil {
		return 0, 0, "", false
	}
	return s, e, l, true
}
