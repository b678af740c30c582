package export

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

const doccanoGoldDir = "../../shared/gold/doccano"

// doccanoFixture opens one of doccano's own fixtures, skipping the test
// when ../shared is absent.
func doccanoFixture(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(doccanoGoldDir, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("doccano fixture %s not found: ../shared (the project's test data) is absent", path)
	}
	return path
}

// doccanoWant reads a doccano file as the comparison sees it: per record,
// the text and the labels as sorted [start, end, label] triples (from
// "label" or "entities"), exact duplicates dropped (the import's rule),
// the relations (when there are) as sorted "start end label → start end
// label: type", everything else (ids, meta) left out.
func doccanoWant(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		recs = append(recs, rec)
	}
	return doccanoNorm(recs)
}

// doccanoNorm is doccanoWant's view of records read.
func doccanoNorm(recs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, rec := range recs {
		text, ok := rec["text"]
		if !ok {
			continue // the bad record: skipped
		}
		var labels [][]any
		if l, ok := rec["label"].([]any); ok {
			for _, x := range l {
				labels = append(labels, x.([]any))
			}
		}
		if es, ok := rec["entities"].([]any); ok {
			for _, x := range es {
				e := x.(map[string]any)
				labels = append(labels, []any{e["start_offset"], e["end_offset"], e["label"]})
			}
		}
		slices.SortFunc(labels, func(a, b []any) int {
			return cmp.Or(cmp.Compare(a[0].(float64), b[0].(float64)), cmp.Compare(a[1].(float64), b[1].(float64)), strings.Compare(a[2].(string), b[2].(string)))
		})
		labels = slices.CompactFunc(labels, func(a, b []any) bool { return reflect.DeepEqual(a, b) })
		list := []any{}
		for _, l := range labels {
			list = append(list, l)
		}
		norm := map[string]any{"text": text, "label": list}
		if rs, ok := rec["relations"].([]any); ok && len(rs) > 0 {
			ents := map[float64]string{}
			for _, x := range rec["entities"].([]any) {
				e := x.(map[string]any)
				ents[e["id"].(float64)] = fmt.Sprintf("%v %v %v", e["start_offset"], e["end_offset"], e["label"])
			}
			var rels []string
			for _, x := range rs {
				r := x.(map[string]any)
				rels = append(rels, fmt.Sprintf("%s → %s: %v", ents[r["from_id"].(float64)], ents[r["to_id"].(float64)], r["type"]))
			}
			slices.Sort(rels)
			norm["relations"] = rels
		}
		out = append(out, norm)
	}
	return out
}

// TestDoccanoFixtures: doccano's fixtures → import into a project (the
// real SQLite file) → export doccano → equal as JSON to the fixture,
// ignoring "id" and "meta" (the fixtures have no id; meta names our
// documents). The rules shown on the way: line 3 of the import fixture has
// no text (fails naming file and line 3; skipped under SkipBad); the
// overlapping fixture's exact duplicate is dropped with a warning; the
// relation fixture (one pretty-printed object) keeps its entities and
// relations (the project gets relation layer "relation" with their types)
// and is written back in the relation shape.
func TestDoccanoFixtures(t *testing.T) {
	tests := []struct {
		file     string
		skipBad  bool
		skipped  int
		warnings []string
	}{
		{file: "doccano_official_export_example_sequence_labeling.jsonl"},
		{file: "doccano_official_import_test_sequence_labeling.jsonl", skipBad: true, skipped: 1},
		{file: "doccano_official_import_test_overlapping.jsonl", warnings: []string{"1 exact duplicate span(s)"}},
		{file: "doccano_official_export_example_relation_extraction.json"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := doccanoFixture(t, tt.file)
			dir := t.TempDir()
			p, err := annotate.Create(filepath.Join(dir, "p.biaozhu"), nil, annotate.Options{NoBackup: true})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			rep, err := ImportFiles(context.Background(), p, nil, "doccano", []string{path}, ReadOptions{SkipBad: tt.skipBad})
			if err != nil {
				t.Fatalf("ImportFiles() error = %v", err)
			}
			if len(rep.Skipped) != tt.skipped {
				t.Errorf("skipped = %v, want %d", rep.Skipped, tt.skipped)
			}
			if len(rep.Warnings) != len(tt.warnings) {
				t.Errorf("warnings = %q, want %q", rep.Warnings, tt.warnings)
			}
			for i, w := range tt.warnings {
				if i < len(rep.Warnings) && !strings.Contains(rep.Warnings[i], w) {
					t.Errorf("warning %d = %q, want it to say %q", i, rep.Warnings[i], w)
				}
			}
			out := filepath.Join(dir, "out.jsonl")
			if _, err := Export(context.Background(), p, "doccano", out, Options{}); err != nil {
				t.Fatalf("Export() error = %v", err)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var recs []map[string]any
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("export line %s: %v", line, err)
				}
				recs = append(recs, rec)
			}
			got := doccanoNorm(recs)
			if want := doccanoWant(t, path); !reflect.DeepEqual(got, want) {
				t.Errorf("export =\n%v\nwant\n%v", got, want)
			}
		})
	}
}

// TestDoccanoFixtureBadLine: without SkipBad, the import fixture's line 3
// (no text) fails the whole import, naming file and line, and nothing is
// imported.
func TestDoccanoFixtureBadLine(t *testing.T) {
	path := doccanoFixture(t, "doccano_official_import_test_sequence_labeling.jsonl")
	p, err := annotate.Create(filepath.Join(t.TempDir(), "p.biaozhu"), nil, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = ImportFiles(context.Background(), p, nil, "doccano", []string{path}, ReadOptions{})
	re, ok := errors.AsType[*RecordError](err)
	if !ok || re.Line != 3 || !strings.Contains(err.Error(), path+":3:") || !strings.Contains(err.Error(), `no "text"`) {
		t.Fatalf("ImportFiles() error = %v, want %s:3: no \"text\"", err, path)
	}
	docs, err := p.Documents()
	if err != nil || len(docs) != 0 {
		t.Errorf("Documents() = %d, %v; want none imported", len(docs), err)
	}
}

// TestDoccanoShapes: the shapes the reader takes besides the "label"
// list: dict labels, "entities", the old "data" key, string labels as
// document labels, meta (nested) naming the document, a JSON array, and
// pretty-printed objects one after another.
func TestDoccanoShapes(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // per document: name|text|labels|spans
	}{
		{
			name: "dict labels and data key",
			data: `{"data":"焦作市","label":[{"start_offset":0,"end_offset":3,"label":"LOC"}]}`,
			want: []string{`in-line1|焦作市|[]|[/LOC[0,3)""]`},
		},
		{
			name: "entities and relations",
			data: `{"id":7,"text":"王小明在焦作市","entities":[{"id":1,"label":"PER","start_offset":0,"end_offset":3},{"id":2,"label":"LOC","start_offset":4,"end_offset":7}],"relations":[{"id":1,"from_id":1,"to_id":2,"type":"in"}]}`,
			want: []string{`in-line1|王小明在焦作市|[]|[/PER[0,3)"" /LOC[4,7)""]`},
		},
		{
			name: "classification labels and meta",
			data: `{"text":"好","label":["positive"],"meta":{"doc_name":"a.txt","status":"done"}}` + "\n" + `{"text":"坏","doc_name":"flat.txt"}`,
			want: []string{`a.txt|好|[positive]|[]`, `flat.txt|坏|[]|[]`},
		},
		{
			name: "array",
			data: "[\n{\"text\":\"a\"},\n{\"text\":\"b\",\"label\":[[0,1,\"X\"]]}\n]",
			want: []string{`in-line2|a|[]|[]`, `in-line3|b|[]|[/X[0,1)""]`},
		},
		{
			name: "pretty objects and BOM",
			data: "\ufeff{\n    \"text\": \"a\",\n    \"label\": [\n        [0, 1, \"X\"]\n    ]\n}\n{\n  \"text\": \"b\"\n}\n",
			want: []string{`in-line1|a|[]|[/X[0,1)""]`, `in-line7|b|[]|[]`},
		},
		{
			name: "notes in meta",
			data: `{"text":"焦作市","label":[[0,3,"LOC"],[0,2,"LOC"]],"meta":{"notes":[[0,3,"LOC","城市"]]}}`,
			want: []string{`in-line1|焦作市|[]|[/LOC[0,3)"城市" /LOC[0,2)""]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.jsonl")
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			im := jsonReadAs(t, "doccano", path, ReadOptions{})
			var got []string
			for _, d := range im.Docs {
				var spans []string
				for _, sp := range d.Spans {
					spans = append(spans, jspan{Layer: sp.Layer, Label: sp.Label, Start: sp.Start, End: sp.End, Note: sp.Note}.String())
				}
				labels := d.Labels
				if labels == nil {
					labels = []string{}
				}
				got = append(got, d.Name+"|"+d.Text+"|"+strings.Join([]string{"[" + strings.Join(labels, " ") + "]"}, "")+"|["+strings.Join(spans, " ")+"]")
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("read\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestDoccanoDuplicateIntoForbiddenLayer: the default schema's entity
// layer forbids overlaps; the exact duplicate is dropped before it could
// make the project refuse the document.
func TestDoccanoDuplicateIntoForbiddenLayer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dup.jsonl")
	data := `{"text":"焦作市","label":[[0,3,"LOC"],[0,3,"LOC"],[0,3,"LOC"]]}`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := annotate.Create(filepath.Join(t.TempDir(), "p.biaozhu"), nil, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rep, err := ImportFiles(context.Background(), p, nil, "doccano", []string{path}, ReadOptions{})
	if err != nil {
		t.Fatalf("ImportFiles() error = %v", err)
	}
	if rep.Spans != 1 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "dup.jsonl:1: 2 exact duplicate") {
		t.Errorf("report = %d spans, warnings %q; want 1 span and the duplicates warned", rep.Spans, rep.Warnings)
	}
}
