package export

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

func TestLabelStudioExport(t *testing.T) {
	docs := func() []*annotate.Document {
		return []*annotate.Document{
			{Name: "a.txt", Text: "😀焦作市", Status: annotate.StatusInProgress, Spans: []annotate.Span{
				{ID: 4, Layer: "entities", Label: "LOC", Start: 1, End: 4, Note: "市"},
				{ID: 5, Layer: "events", Label: "EVT", Start: 1, End: 3, Origin: annotate.OriginSuggested},
			}},
			{Name: "b.txt", Text: "无", Status: annotate.StatusNew},
			{Name: "c.txt", Text: "完", Status: annotate.StatusDone},
		}
	}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{
			name: "annotations",
			want: `[
{"id":1,"data":{"text":"😀焦作市","doc_id":1,"doc_name":"a.txt","status":"in progress"},"annotations":[{"result":[{"id":"s4","from_name":"entities","to_name":"text","type":"labels","value":{"start":1,"end":4,"text":"焦作市","labels":["LOC"]}},{"id":"s4","from_name":"note","to_name":"text","type":"textarea","value":{"start":1,"end":4,"text":["市"]}}]}]},
{"id":2,"data":{"text":"无","doc_id":2,"doc_name":"b.txt","status":"new"}},
{"id":3,"data":{"text":"完","doc_id":3,"doc_name":"c.txt","status":"done"},"annotations":[{"result":[]}]}
]
`,
		},
		{
			name: "predictions with suggestions, utf16",
			opts: Options{Predictions: true, Suggestions: true, Offsets: UnitUTF16, Docs: Selection{IDs: []int64{1}}},
			want: `[
{"id":1,"data":{"text":"😀焦作市","doc_id":1,"doc_name":"a.txt","status":"in progress"},"predictions":[{"model_version":"biaozhu","result":[{"id":"s4","from_name":"entities","to_name":"text","type":"labels","value":{"start":2,"end":5,"text":"焦作市","labels":["LOC"]}},{"id":"s4","from_name":"note","to_name":"text","type":"textarea","value":{"start":2,"end":5,"text":["市"]}},{"id":"s5","from_name":"events","to_name":"text","type":"labels","value":{"start":2,"end":4,"text":"焦作","labels":["EVT"]}}]}]}
]
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, _ := jsonExportTo(t, NewCorpus(jsonSchema(), docs()), "labelstudio", tt.opts)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tt.want {
				t.Errorf("labelstudio =\n%s\nwant\n%s", data, tt.want)
			}
		})
	}
}

func TestLabelStudioConfig(t *testing.T) {
	schema := jsonSchema()
	schema.Layers[0].Labels[0].Name = `P"R<`
	got := LabelStudioConfig(schema, []string{"entities"})
	want := `<View>
  <Style>.htx-text{white-space:pre-wrap}</Style>
  <Labels name="entities" toName="text">
    <Label value="P&#34;R&lt;" background="#e69f00"/>
    <Label value="LOC" background="#56b4e9"/>
    <Label value="ORG" background="#009e73"/>
  </Labels>
  <Text name="text" value="$text"/>
  <TextArea name="note" toName="text" perRegion="true" editable="true"/>
</View>
`
	if got != want {
		t.Errorf("LabelStudioConfig() =\n%s\nwant\n%s", got, want)
	}
	if all := LabelStudioConfig(schema, nil); !strings.Contains(all, `<Labels name="events"`) {
		t.Errorf("LabelStudioConfig(nil) lacks the events layer:\n%s", all)
	}
}

// TestLabelStudioRead: which results are read: the first annotation not
// cancelled (also under "completions"), else the first prediction; labels
// results (first label; more warned), per-region textarea notes, other
// types warned; from_name as layer only when the schema has it.
func TestLabelStudioRead(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // per document: name|text|spans
		warnings   []string
	}{
		{
			name: "cancelled annotation skipped, layer from from_name",
			data: `[{"data":{"text":"焦作市","doc_name":"x.txt"},"annotations":[` +
				`{"was_cancelled":true,"result":[{"id":"a","from_name":"entities","type":"labels","value":{"start":0,"end":1,"labels":["PER"]}}]},` +
				`{"result":[{"id":"b","from_name":"entities","type":"labels","value":{"start":0,"end":3,"text":"焦作市","labels":["LOC"]}},` +
				`{"id":"c","from_name":"label","type":"labels","value":{"start":0,"end":2,"labels":["ORG","LOC"]}},` +
				`{"id":"b","from_name":"note","type":"textarea","value":{"start":0,"end":3,"text":["line 1","line 2"]}},` +
				`{"id":"d","from_name":"sentiment","type":"choices","value":{"choices":["pos"]}}]}],` +
				`"predictions":[{"result":[{"id":"p","from_name":"entities","type":"labels","value":{"start":1,"end":2,"labels":["PER"]}}]}]}]`,
			want:     []string{`x.txt|焦作市|[entities/LOC[0,3)"line 1\nline 2" /ORG[0,2)""]`},
			warnings: []string{`only the first imported`, `type "choices" not imported`},
		},
		{
			name: "predictions when no annotation, completions, no results",
			data: "[\n" + `{"data":{"text":"ab"},"predictions":[{"result":[{"id":"p","from_name":"events","type":"labels","value":{"start":1,"end":2,"labels":["EVT"]}}]}]},` + "\n" +
				`{"data":{"text":"cd"},"completions":[{"result":[{"id":"q","from_name":"x","type":"labels","value":{"start":0,"end":1,"labels":["X"]}}]}]},` + "\n" +
				`{"data":{"body":"only string"}},` + "\n" +
				`{"text":"no data wrapper"}` + "\n]",
			want: []string{`in-line2|ab|[events/EVT[1,2)""]`, `in-line3|cd|[x/X[0,1)""]`, `in-line4|only string|[]`, `in-line5|no data wrapper|[]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			im := jsonReadAs(t, "labelstudio", path, ReadOptions{Schema: jsonSchema()})
			var got []string
			for _, d := range im.Docs {
				var spans []string
				for _, sp := range d.Spans {
					spans = append(spans, jspan{Layer: sp.Layer, Label: sp.Label, Start: sp.Start, End: sp.End, Note: sp.Note}.String())
				}
				got = append(got, d.Name+"|"+d.Text+"|["+strings.Join(spans, " ")+"]")
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("read\n%q\nwant\n%q", got, tt.want)
			}
			if len(im.Warnings) != len(tt.warnings) {
				t.Fatalf("warnings = %q, want %q", im.Warnings, tt.warnings)
			}
			for i, w := range tt.warnings {
				if !strings.Contains(im.Warnings[i], w) || !strings.HasPrefix(im.Warnings[i], path+":1: ") {
					t.Errorf("warning %d = %q, want %s:1: …%s…", i, im.Warnings[i], path, w)
				}
			}
		})
	}
}
