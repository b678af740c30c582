package export

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// The Label Studio format: a JSON array of tasks (not JSONL), one task per
// record:
//
//	[{"id":1,"data":{"text":"…","doc_id":1,"doc_name":"a.txt"},
//	  "annotations":[{"result":[
//	    {"id":"s7","from_name":"entities","to_name":"text","type":"labels",
//	     "value":{"start":0,"end":3,"text":"焦作市","labels":["LOC"]}},
//	    {"id":"s7","from_name":"note","to_name":"text","type":"textarea",
//	     "value":{"start":0,"end":3,"text":["a note"]}}]}]}]
//
// start and end are code points relative to the record, end-exclusive,
// as current Label Studio counts them (Options.Offsets utf16 for versions
// before 1.0, which counted UTF-16 units). from_name is the span's layer,
// so that it comes back; LabelStudioConfig writes the labelling config
// with one <Labels> per layer and a per-region "note" <TextArea> to match.
// A span's note is a textarea result with the span's region id. With
// Options.Predictions the results go in "predictions" (model_version
// "biaozhu") instead of "annotations". A record without spans gets no
// annotation (Label Studio would count it as done) unless its document is
// done. "id" numbers the tasks of the file from 1; data carries the
// document's ID and name (and the sentence and its start in the document
// for sentence records), which the reader takes the name from.
//
// A relation between two spans of a record is a relation result,
// {"from_id": "s7", "to_id": "s9", "type": "relation", "direction":
// "right", "labels": [TYPE]}, with "meta": {"layer": LAYER, "text":
// [NOTE]}; the labelling config lists the relation types in <Relations>.
// A relation whose ends are not both in a record (sentence records, a
// layer not written) is left out, with a warning.
//
// The reader takes the first annotation that was not cancelled (also under
// the old key "completions"), else the first prediction; of its results
// the "labels" ones (value.labels[0]; further labels warned) and the
// per-region "textarea" ones as notes. value.text, when present, must be
// the text at the offsets. The layer is from_name when the schema has a
// layer of that name. Relation results become relations between the
// regions they name (from_id → to_id; "left" reversed), of type
// labels[0] (LSRelationType when unlabelled) and layer meta.layer (else
// LSRelationLayer).

func init() {
	Register(&Format{Name: "labelstudio", Ext: ".json", Write: writeLabelStudio,
		Description: `Label Studio JSON task list with "annotations" (or "predictions") results value.start/end/text/labels; OUT.config.xml beside it is the labelling config the results name`,
		Companion: func(j *Job) (string, []byte) {
			config := LabelStudioConfig(j.Schema, j.Layers())
			for _, l := range j.Schema.Layers {
				for _, lb := range append([]annotate.Label{{Name: l.Name}}, l.Labels...) {
					if _, changed := xmlSafe(lb.Name); changed {
						*j.warnings = append(*j.warnings, Warning{Doc: "labelling config", Msg: fmt.Sprintf("name %q holds characters XML cannot carry: written with U+FFFD", lb.Name)})
					}
				}
			}
			return ".config.xml", []byte(config)
		}})
	RegisterReader(&Reader{Name: "labelstudio", Each: eachLabelStudio,
		Description: `Label Studio JSON task list: labels results of the first annotation (else prediction)`})
}

type lsData struct {
	Text string `json:"text"`
	recordMeta
}

type lsResults struct {
	ModelVersion string     `json:"model_version,omitempty"`
	Result       []lsResult `json:"result"`
}

// lsResult is a region's result, or (Type "relation") a relation result,
// whose fields are those of lsRelation.
type lsResult struct {
	ID       string  `json:"id"`
	FromName string  `json:"from_name"`
	ToName   string  `json:"to_name"`
	Type     string  `json:"type"`
	Value    lsValue `json:"value"`
	lsRelation
}

// MarshalJSON writes a region's result without the relation fields, and a
// relation result with only them.
func (r lsResult) MarshalJSON() ([]byte, error) {
	if r.Type == "relation" {
		return marshalNoEscape(r.lsRelation)
	}
	type region struct {
		ID       string  `json:"id"`
		FromName string  `json:"from_name"`
		ToName   string  `json:"to_name"`
		Type     string  `json:"type"`
		Value    lsValue `json:"value"`
	}
	return marshalNoEscape(region{r.ID, r.FromName, r.ToName, r.Type, r.Value})
}

// marshalNoEscape is json.Marshal without HTML escaping (the writers'
// encoders have it off; a Marshaler's bytes are kept as they are).
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// lsRelation is a relation result.
type lsRelation struct {
	FromID    string         `json:"from_id,omitempty"`
	ToID      string         `json:"to_id,omitempty"`
	RelType   string         `json:"type,omitempty"`
	Direction string         `json:"direction,omitempty"`
	Labels    []string       `json:"labels,omitempty"`
	Meta      lsRelationMeta `json:"meta,omitzero"`
}

type lsRelationMeta struct {
	Layer string   `json:"layer"`
	Text  []string `json:"text,omitempty"`
}

// The relation layer and type of relations read from Label Studio that
// name none.
const (
	LSRelationLayer = "relation"
	LSRelationType  = "related"
)

type lsValue struct {
	Start  int      `json:"start"`
	End    int      `json:"end"`
	Text   any      `json:"text"`
	Labels []string `json:"labels,omitempty"`
}

type lsTask struct {
	ID          int         `json:"id"`
	Data        lsData      `json:"data"`
	Annotations []lsResults `json:"annotations,omitempty"`
	Predictions []lsResults `json:"predictions,omitempty"`
}

// lsNoteName is the from_name of the notes' per-region TextArea.
const lsNoteName = "note"

func writeLabelStudio(j *Job, w io.Writer) error {
	out := newJSONLines(w)
	var outside tally
	unit := cmp.Or(j.Opts.Offsets, UnitCodePoint)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	n := 0
	if _, err := out.bw.WriteString("["); err != nil {
		return err
	}
	err := j.Each(func(d *Doc) error {
		for _, rec := range j.Records(d) {
			n++
			task := lsTask{ID: n, Data: lsData{Text: rec.Text(), recordMeta: recordMetaOf(rec)}}
			results := []lsResult{}
			region := map[int64]string{} // span ID → its region's id
			base := d.Offset(rec.Start, unit)
			for k, sp := range rec.Spans {
				s, e := d.Offset(sp.Start, unit)-base, d.Offset(sp.End, unit)-base
				text := d.Text(sp.Start, sp.End)
				if err := j.Check(d, sp, rec.Start, s, e, unit, false, text); err != nil {
					return err
				}
				id := fmt.Sprintf("s%d", sp.ID)
				if sp.ID == 0 {
					id = fmt.Sprintf("r%d", k+1)
				}
				region[sp.ID] = id
				results = append(results, lsResult{ID: id, FromName: sp.Layer, ToName: "text", Type: "labels",
					Value: lsValue{Start: s, End: e, Text: text, Labels: []string{sp.Label}}})
				if sp.Note != "" {
					results = append(results, lsResult{ID: id, FromName: lsNoteName, ToName: "text", Type: "textarea",
						Value: lsValue{Start: s, End: e, Text: []string{sp.Note}}})
				}
			}
			for _, r := range d.Relations {
				from, okf := region[r.From]
				to, okt := region[r.To]
				if !okf || !okt {
					if rec.Sent == 0 || okf {
						outside.add(d, 1)
					}
					continue
				}
				rel := lsResult{Type: "relation", lsRelation: lsRelation{FromID: from, ToID: to, RelType: "relation", Direction: "right",
					Labels: []string{r.Type}, Meta: lsRelationMeta{Layer: r.Layer}}}
				if r.Note != "" {
					rel.Meta.Text = []string{r.Note}
				}
				results = append(results, rel)
			}
			if len(results) > 0 || d.Status == annotate.StatusDone {
				if j.Opts.Predictions {
					task.Predictions = []lsResults{{ModelVersion: "biaozhu", Result: results}}
				} else {
					task.Annotations = []lsResults{{Result: results}}
				}
			}
			buf.Reset()
			if err := enc.Encode(task); err != nil {
				return err
			}
			sep := ",\n"
			if n == 1 {
				sep = "\n"
			}
			out.bw.WriteString(sep)
			if _, err := out.bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := out.bw.WriteString("\n]\n"); err != nil {
		return err
	}
	outside.warn(j, "%d relations in %d documents (this one first) link spans that are not in one task (sentence records, layers not written): left out")
	return out.flush()
}

// LabelStudioConfig returns a Label Studio labelling config for the
// labelstudio export of layers (nil: all) of schema: one <Labels> per
// layer, named after it, with the labels' colours, a per-region <TextArea>
// for notes, <Relations> with the relation types (of every relation
// layer) and the <Text> the results point at. White space in the text
// is kept as it is, so that offsets count every space. Names are written
// as XML attribute values that read back exactly (tab and line breaks as
// character references); characters XML cannot carry at all (control
// characters, which annotate.CheckName keeps out of names) become U+FFFD.
func LabelStudioConfig(schema *annotate.Schema, layers []string) string {
	var b strings.Builder
	b.WriteString("<View>\n  <Style>.htx-text{white-space:pre-wrap}</Style>\n")
	for _, l := range schema.Layers {
		if layers != nil && !slices.Contains(layers, l.Name) {
			continue
		}
		fmt.Fprintf(&b, "  <Labels name=\"%s\" toName=\"text\">\n", xmlAttr(l.Name))
		for _, lb := range l.Labels {
			fmt.Fprintf(&b, "    <Label value=\"%s\" background=\"%s\"/>\n", xmlAttr(lb.Name), xmlAttr(lb.Color))
		}
		b.WriteString("  </Labels>\n")
	}
	var types []string
	for _, l := range schema.Relations {
		for _, t := range l.Types {
			if !slices.Contains(types, t.Name) {
				types = append(types, t.Name)
			}
		}
	}
	if len(types) > 0 {
		b.WriteString("  <Relations>\n")
		for _, t := range types {
			fmt.Fprintf(&b, "    <Relation value=\"%s\"/>\n", xmlAttr(t))
		}
		b.WriteString("  </Relations>\n")
	}
	b.WriteString("  <Text name=\"text\" value=\"$text\"/>\n")
	fmt.Fprintf(&b, "  <TextArea name=\"%s\" toName=\"text\" perRegion=\"true\" editable=\"true\"/>\n", lsNoteName)
	b.WriteString("</View>\n")
	return b.String()
}

// xmlAttr is s as an XML attribute value between double quotes that an
// XML parser reads back as s: markup characters escaped, tab and line
// breaks (which attribute normalisation would make spaces) as character
// references, characters XML cannot carry as U+FFFD (see xmlSafe).
func xmlAttr(s string) string {
	s, _ = xmlSafe(s)
	return strings.NewReplacer("\t", "&#9;", "\n", "&#10;", "\r", "&#13;").Replace(html.EscapeString(s))
}

type lsTaskIn struct {
	Data        map[string]json.RawMessage `json:"data"`
	Text        *string                    `json:"text"` // a task given without "data"
	Annotations []lsAnnotationIn           `json:"annotations"`
	Completions []lsAnnotationIn           `json:"completions"`
	Predictions []lsAnnotationIn           `json:"predictions"`
}

type lsAnnotationIn struct {
	Result       []lsResultIn `json:"result"`
	WasCancelled bool         `json:"was_cancelled"`
}

type lsResultIn struct {
	ID        string         `json:"id"`
	FromName  string         `json:"from_name"`
	Type      string         `json:"type"`
	FromID    string         `json:"from_id"`
	ToID      string         `json:"to_id"`
	Direction string         `json:"direction"`
	Labels    []string       `json:"labels"`
	Meta      lsRelationMeta `json:"meta"`
	Value     struct {
		Start  *int            `json:"start"`
		End    *int            `json:"end"`
		Text   json.RawMessage `json:"text"`
		Labels []string        `json:"labels"`
	} `json:"value"`
}

func eachLabelStudio(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	schema := readerSchema(opts)
	return eachJSON(path, func(line int, raw []byte) error {
		d, warns, err := lsDoc(raw, opts, schema)
		if err != nil {
			return im.Bad(opts, &RecordError{File: path, Line: line, Err: err})
		}
		for _, w := range warns {
			im.Warnings = append(im.Warnings, fmt.Sprintf("%s:%d: %s", path, line, w))
		}
		return im.addRecord(opts, path, line, d.doc, &d.meta, emit)
	})
}

type lsRead struct {
	doc  *annotate.Document
	meta readMeta
}

// lsText finds the task's text: data.text, else data[opts.Column], else
// the only string in data.
func lsText(in *lsTaskIn, opts ReadOptions) (string, error) {
	if in.Data == nil {
		if in.Text != nil {
			return *in.Text, nil
		}
		return "", errors.New(`the task has no "data" (nor "text")`)
	}
	for _, key := range []string{"text", opts.Column} {
		if raw, ok := in.Data[key]; ok && key != "" {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", fmt.Errorf("data.%s is not a string", key)
			}
			return s, nil
		}
	}
	var found []string
	var text string
	for k, raw := range in.Data {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			found = append(found, k)
			text = s
		}
	}
	if len(found) == 1 {
		return text, nil
	}
	return "", errors.New(`the task's data has no "text" (name the text's key with the column option)`)
}

func lsDoc(raw []byte, opts ReadOptions, schema *annotate.Schema) (lsRead, []string, error) {
	var in lsTaskIn
	if err := json.Unmarshal(raw, &in); err != nil {
		return lsRead{}, nil, jsonError(err)
	}
	text, err := lsText(&in, opts)
	if err != nil {
		return lsRead{}, nil, err
	}
	r := lsRead{doc: &annotate.Document{Text: text}}
	if in.Data != nil {
		m, _ := json.Marshal(in.Data)
		json.Unmarshal(m, &r.meta)
	}
	var chosen *lsAnnotationIn
	for _, list := range [][]lsAnnotationIn{in.Annotations, in.Completions} {
		for k := range list {
			if !list[k].WasCancelled && chosen == nil {
				chosen = &list[k]
			}
		}
	}
	if chosen == nil && len(in.Predictions) > 0 {
		chosen = &in.Predictions[0]
	}
	if chosen == nil {
		return r, nil, nil
	}
	var warns []string
	runes := []rune(text)
	off := newUnitOffsets(runes, cmp.Or(opts.Offsets, UnitCodePoint))
	byID := map[string]int{} // region id → index in r.doc.Spans
	var notes, rels []lsResultIn
	for i, res := range chosen.Result {
		switch strings.ToLower(res.Type) {
		case "labels":
		case "textarea":
			notes = append(notes, res)
			continue
		case "relation":
			rels = append(rels, res)
			continue
		default:
			warns = append(warns, fmt.Sprintf("result %d: type %q not imported (only labels and per-region textarea notes)", i, res.Type))
			continue
		}
		v := res.Value
		if v.Start == nil || v.End == nil {
			return lsRead{}, nil, fmt.Errorf("result %d (%s) has no value.start or value.end", i, res.ID)
		}
		if len(v.Labels) == 0 {
			return lsRead{}, nil, fmt.Errorf("result %d (%s) has no value.labels", i, res.ID)
		}
		s, e, err := off.span(*v.Start, *v.End, false)
		if err != nil {
			return lsRead{}, nil, fmt.Errorf("result %d (%s) %s: %w", i, res.ID, v.Labels[0], err)
		}
		if len(v.Text) > 0 && v.Text[0] == '"' {
			var want string
			json.Unmarshal(v.Text, &want)
			if got := string(runes[s:e]); got != want {
				return lsRead{}, nil, fmt.Errorf("result %d (%s) %s: value.text is %q but the text at [%d,%d) is %q", i, res.ID, v.Labels[0], want, *v.Start, *v.End, got)
			}
		}
		if len(v.Labels) > 1 {
			warns = append(warns, fmt.Sprintf("result %d (%s): labels %q: only the first imported", i, res.ID, v.Labels))
		}
		// from_name is the layer (our exports name it so); Label Studio's
		// own default control name "label" names none.
		sp := annotate.Span{Label: v.Labels[0], Start: s, End: e}
		if _, ok := schema.Layer(res.FromName); ok || res.FromName != "" && res.FromName != "label" {
			sp.Layer = res.FromName
		}
		if res.ID != "" {
			byID[res.ID] = len(r.doc.Spans)
		}
		sp.ID = int64(len(r.doc.Spans) + 1)
		r.doc.Spans = append(r.doc.Spans, sp)
	}
	for i, res := range rels {
		from, okf := byID[res.FromID]
		to, okt := byID[res.ToID]
		if !okf || !okt {
			missing := res.FromID
			if okf {
				missing = res.ToID
			}
			return lsRead{}, nil, fmt.Errorf("relation result %d: region %q is no labelled region of the task", i+1, missing)
		}
		rel := annotate.Relation{Layer: cmp.Or(res.Meta.Layer, LSRelationLayer), Type: LSRelationType,
			From: int64(from + 1), To: int64(to + 1), Note: strings.Join(res.Meta.Text, "\n")}
		if len(res.Labels) > 0 {
			rel.Type = res.Labels[0]
		}
		if len(res.Labels) > 1 {
			warns = append(warns, fmt.Sprintf("relation result %d: labels %q: only the first imported", i+1, res.Labels))
		}
		switch res.Direction {
		case "left":
			rel.From, rel.To = rel.To, rel.From
		case "bi":
			warns = append(warns, fmt.Sprintf("relation result %d: both directions: imported from %s to %s", i+1, res.FromID, res.ToID))
		}
		r.doc.Relations = append(r.doc.Relations, rel)
	}
	for _, res := range notes {
		k, ok := byID[res.ID]
		var parts []string
		if json.Unmarshal(res.Value.Text, &parts) != nil {
			var one string
			ok = ok && json.Unmarshal(res.Value.Text, &one) == nil
			parts = []string{one}
		}
		if !ok {
			warns = append(warns, fmt.Sprintf("textarea result %s: not a note of a labelled region: not imported", res.ID))
			continue
		}
		r.doc.Spans[k].Note = strings.Join(parts, "\n")
	}
	return r, warns, nil
}
