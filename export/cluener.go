package export

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/biaozhu/biaozhu/annotate"
)

// The CLUENER2020 format, one record per line:
//
//	{"id":"1","text":"…","label":{"LOC":{"焦作市":[[0,2]]}},"meta":{"doc_id":1,"doc_name":"a.txt"}}
//
// label maps each type to the entity texts of that type, each to its
// [start, end] pairs: code points relative to the record, the END
// INCLUSIVE (text[start:end+1] in Python is the entity). The inclusive end
// is made in cluenerEnd and undone in newUnitOffsets' span, nowhere else.
// Records without entities have "label":{}. Notes are not carried. CLUENER
// has no layers: every layer written goes into the one label map, and
// each span's layer rides along in meta.layers as [start, end, "LABEL",
// "layer"] (end inclusive), which the reader gives back. "id" and "meta"
// are Biaozhu's (CLUENER's own readers look only at text and label).

func init() {
	Register(&Format{Name: "cluener", Ext: ".jsonl", Write: writeCLUENER,
		Description: `CLUENER2020 JSONL: {"text","label":{"TYPE":{"entity":[[start,end_inclusive]]}}}`})
	RegisterReader(&Reader{Name: "cluener", Each: eachCLUENER,
		Description: `CLUENER2020 JSONL: {"text","label":{"TYPE":{"entity":[[start,end_inclusive]]}}}`})
}

type cluenerRecord struct {
	ID    string                         `json:"id"`
	Text  string                         `json:"text"`
	Label map[string]map[string][][2]int `json:"label"`
	Meta  cluenerMeta                    `json:"meta"`
}

// cluenerMeta is the record's meta with the layer of each span:
// [start, end, "LABEL", "layer"], the end inclusive as in label.
type cluenerMeta struct {
	recordMeta
	Layers []spanLayer `json:"layers,omitempty"`
}

// cluenerEnd turns an exclusive end into CLUENER's inclusive one.
func cluenerEnd(end int) int { return end - 1 }

func writeCLUENER(j *Job, w io.Writer) error {
	out := newJSONLines(w)
	err := j.Each(func(d *Doc) error {
		for _, rec := range j.Records(d) {
			line := cluenerRecord{ID: rec.Key(), Text: rec.Text(), Label: map[string]map[string][][2]int{}, Meta: cluenerMeta{recordMeta: recordMetaOf(rec)}}
			for _, sp := range rec.Spans {
				s, e := sp.Start-rec.Start, cluenerEnd(sp.End-rec.Start)
				entity := d.Text(sp.Start, sp.End)
				if err := j.Check(d, sp, rec.Start, s, e, UnitCodePoint, true, entity); err != nil {
					return err
				}
				byText := line.Label[sp.Label]
				if byText == nil {
					byText = map[string][][2]int{}
					line.Label[sp.Label] = byText
				}
				byText[entity] = append(byText[entity], [2]int{s, e})
				line.Meta.Layers = append(line.Meta.Layers, spanLayer{Start: s, End: e, Label: sp.Label, Layer: sp.Layer})
			}
			for _, byText := range line.Label {
				for _, pos := range byText {
					slices.SortFunc(pos, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
				}
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
	return out.flush()
}

type cluenerIn struct {
	Text  *string                                 `json:"text"`
	Label map[string]map[string][]json.RawMessage `json:"label"`
	Meta  json.RawMessage                         `json:"meta"`
}

func eachCLUENER(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	return eachJSON(path, func(line int, raw []byte) error {
		d, err := cluenerDoc(raw)
		if err != nil {
			return im.Bad(opts, &RecordError{File: path, Line: line, Err: err})
		}
		return im.addRecord(opts, path, line, d.doc, &d.meta, emit)
	})
}

type cluenerRead struct {
	doc  *annotate.Document
	meta readMeta
}

func cluenerDoc(raw []byte) (cluenerRead, error) {
	var in cluenerIn
	if err := json.Unmarshal(raw, &in); err != nil {
		return cluenerRead{}, jsonError(err)
	}
	if in.Text == nil {
		return cluenerRead{}, errors.New(`the record has no "text" field`)
	}
	r := cluenerRead{doc: &annotate.Document{Text: *in.Text}}
	if len(in.Meta) > 0 && in.Meta[0] == '{' {
		json.Unmarshal(in.Meta, &r.meta)
	}
	runes := []rune(*in.Text)
	off := newUnitOffsets(runes, UnitCodePoint)
	// Map order is random: go through types and texts sorted, so that
	// errors and spans come out the same every time.
	types := make([]string, 0, len(in.Label))
	for t := range in.Label {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, typ := range types {
		texts := make([]string, 0, len(in.Label[typ]))
		for t := range in.Label[typ] {
			texts = append(texts, t)
		}
		slices.Sort(texts)
		for _, entity := range texts {
			for _, pos := range in.Label[typ][entity] {
				var se []int
				if json.Unmarshal(pos, &se) != nil || len(se) != 2 {
					return cluenerRead{}, fmt.Errorf("%s %q: position %s is not [start, end]", typ, entity, pos)
				}
				start, end, err := off.span(se[0], se[1], true)
				if err != nil {
					return cluenerRead{}, fmt.Errorf("%s %q: %w", typ, entity, err)
				}
				if got := string(runes[start:end]); got != entity {
					return cluenerRead{}, fmt.Errorf("%s %q at [%d,%d]: the text there is %q (the end is inclusive)", typ, entity, se[0], se[1], got)
				}
				r.doc.Spans = append(r.doc.Spans, annotate.Span{Label: typ, Start: start, End: end})
			}
		}
	}
	slices.SortStableFunc(r.doc.Spans, func(a, b annotate.Span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	setSpanLayers(r.doc.Spans, readSpanLayers(in.Meta), func(s, e int) (int, int, error) { return off.span(s, e, true) })
	return r, nil
}
