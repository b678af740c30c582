package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// relationsSchema is the default schema with a relation layer "rel":
// works_for from a PER to an ORG or GPE, 位于 (located in) from any entity
// to a LOC or GPE, and linked between any spans.
func relationsSchema() *annotate.Schema {
	s := annotate.DefaultSchema()
	s.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{
		{Name: "works_for", Color: "#aa3300", Arg1: []annotate.LabelRef{{Layer: "entity", Label: "PER"}},
			Arg2: []annotate.LabelRef{{Layer: "entity", Label: "ORG"}, {Layer: "entity", Label: "GPE"}}},
		{Name: "位于", Arg1: []annotate.LabelRef{{Layer: "entity"}}, Arg2: []annotate.LabelRef{{Layer: "entity", Label: "LOC"}, {Layer: "entity", Label: "GPE"}}},
		{Name: "linked"},
	}}}
	return s
}

// relationsProject is a project of two documents with entity spans and
// relations between them: one across a sentence boundary, one with a
// note, one between spans that overlap, and spans outside the BMP.
func relationsProject(t *testing.T) *annotate.Project {
	t.Helper()
	p, err := annotate.Create(filepath.Join(t.TempDir(), "rel.biaozhu"), relationsSchema(), annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	// 王芳在焦作市政府工作。\n焦作市位于河南省。
	// 0 1 2 3 4 5 6 7 8 9 10  11  14 16  19
	a := &annotate.Document{Name: "a", Text: "王芳在焦作市政府工作。\n焦作市位于河南省。",
		Sentences: []text.Sentence{{Start: 0, End: 11}, {Start: 12, End: 21}},
		Spans: []annotate.Span{{ID: 1, Layer: "entity", Label: "PER", Start: 0, End: 2},
			{ID: 2, Layer: "entity", Label: "ORG", Start: 3, End: 8},
			{ID: 3, Layer: "entity", Label: "GPE", Start: 12, End: 15},
			{ID: 4, Layer: "entity", Label: "LOC", Start: 17, End: 20}},
		Relations: []annotate.Relation{{Layer: "rel", Type: "works_for", From: 1, To: 2, Note: "据报道"},
			{Layer: "rel", Type: "位于", From: 3, To: 4},
			{Layer: "rel", Type: "linked", From: 2, To: 3}}} // across the sentence boundary
	b := &annotate.Document{Name: "b", Text: "𠀀😀 works for ACME.",
		Sentences: []text.Sentence{{Start: 0, End: 18}},
		Spans: []annotate.Span{{ID: 7, Layer: "entity", Label: "PER", Start: 0, End: 2},
			{ID: 8, Layer: "entity", Label: "ORG", Start: 13, End: 17}},
		Relations: []annotate.Relation{{Layer: "rel", Type: "works_for", From: 7, To: 8}}}
	if err := p.AddDocuments([]*annotate.Document{a, b}, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// relationKeys describes the relations of d by their ends' layer, label
// and offsets, sorted: what a round trip must keep.
func relationKeys(d *annotate.Document) []string {
	byID := map[int64]annotate.Span{}
	for _, sp := range d.Spans {
		byID[sp.ID] = sp
	}
	var out []string
	for _, r := range d.Relations {
		f, t := byID[r.From], byID[r.To]
		out = append(out, fmt.Sprintf("%s/%s %s/%s[%d,%d) → %s/%s[%d,%d) note %q", r.Layer, r.Type,
			f.Layer, f.Label, f.Start, f.End, t.Layer, t.Label, t.Start, t.End, r.Note))
	}
	slices.Sort(out)
	return out
}

// spanKeysOf describes d's spans by layer, label and offsets, sorted.
func spanKeysOf(d *annotate.Document) []string {
	var out []string
	for _, sp := range d.Spans {
		out = append(out, fmt.Sprintf("%s/%s[%d,%d)", sp.Layer, sp.Label, sp.Start, sp.End))
	}
	slices.Sort(out)
	return out
}

// relationsRoundTrip exports the relations project in format, imports
// the export into a new project with the same schema and checks that
// every document comes back with the same spans and relations.
func relationsRoundTrip(t *testing.T, format, name string) string {
	t.Helper()
	src := relationsProject(t)
	out := filepath.Join(t.TempDir(), name)
	if _, err := Export(context.Background(), src, format, out, Options{}); err != nil {
		t.Fatalf("Export(%s) error = %v", format, err)
	}
	dst, err := annotate.Create(filepath.Join(t.TempDir(), "back.biaozhu"), relationsSchema(), annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	rep, err := ImportFiles(context.Background(), dst, nil, format, []string{out}, ReadOptions{})
	if err != nil {
		t.Fatalf("ImportFiles(%s) error = %v", format, err)
	}
	if len(rep.NewLabels) > 0 {
		t.Errorf("the import added %v to the schema; the export's types are the schema's", rep.NewLabels)
	}
	want, got := projectDocs(t, src), projectDocs(t, dst)
	if len(got) != len(want) {
		t.Fatalf("%d documents back, want %d", len(got), len(want))
	}
	for i := range want {
		if g, w := spanKeysOf(got[i]), spanKeysOf(want[i]); !slices.Equal(g, w) {
			t.Errorf("%s: spans back %q, want %q", want[i].Name, g, w)
		}
		if g, w := relationKeys(got[i]), relationKeys(want[i]); !slices.Equal(g, w) {
			t.Errorf("%s: relations back\n%q\nwant\n%q", want[i].Name, g, w)
		}
	}
	return out
}

// bratRelPy prints, per .ann file, the relations brat's parser reads:
// type, and each argument's type and offsets.
const bratRelPy = `
import json, sys
import annotation
for ann in sys.argv[1:]:
    doc = annotation.TextAnnotations(ann[:-len('.ann')], read_only=True)
    rels = []
    for r in doc.get_relations():
        a1, a2 = doc.get_ann_by_id(r.arg1), doc.get_ann_by_id(r.arg2)
        rels.append([r.type, a1.type, list(a1.spans[0]), a2.type, list(a2.spans[0])])
    print(json.dumps({'file': ann, 'failed': list(doc.failed_lines), 'relations': sorted(rels)}, ensure_ascii=False))
`

// TestBratRelations: relations go out as R lines that brat's own parser
// reads between the right text bounds, with types annotation.conf
// declares (brat's checker says nothing), and come back the same.
func TestBratRelations(t *testing.T) {
	out := relationsRoundTrip(t, "brat", "brat")
	conf := readTestFile(t, filepath.Join(out, "annotation.conf"))
	for _, want := range []string{"works_for\tArg1:PER, Arg2:ORG|GPE\n", "linked\tArg1:<ENTITY>, Arg2:<ENTITY>\n"} {
		if !strings.Contains(conf, want) {
			t.Errorf("annotation.conf lacks %q:\n%s", want, conf)
		}
	}
	if ann := readTestFile(t, filepath.Join(out, "0001-a.ann")); !strings.Contains(ann, "R1\tworks_for Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes R1\t据报道\n") {
		t.Errorf("a.ann =\n%s", ann)
	}
	src := bratReaders(t)
	anns, _ := filepath.Glob(filepath.Join(out, "*.ann"))
	slices.Sort(anns)
	script := filepath.Join(t.TempDir(), "rel.py")
	if err := os.WriteFile(script, []byte(bratRelPy), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(runBrat(t, src, append([]string{script}, anns...)...)), "\n")
	var got []string
	for _, l := range lines {
		var r struct {
			Failed    []int
			Relations [][]json.RawMessage
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("brat's output %q: %v", l, err)
		}
		if len(r.Failed) > 0 {
			t.Errorf("brat failed on lines %v", r.Failed)
		}
		for _, x := range r.Relations {
			var parts []string
			for _, p := range x {
				parts = append(parts, string(p))
			}
			got = append(got, strings.Join(parts, " "))
		}
	}
	slices.Sort(got)
	want := []string{
		`"linked" "ORG" [3, 8] "GPE" [12, 15]`,
		`"works_for" "PER" [0, 2] "ORG" [13, 17]`,
		`"works_for" "PER" [0, 2] "ORG" [3, 8]`,
		`"位于" "GPE" [12, 15] "LOC" [17, 20]`,
	}
	// brat's type of 位于 is ASCII: find it in biaozhu.json.
	var meta bratMeta
	if err := json.Unmarshal([]byte(readTestFile(t, filepath.Join(out, bratMetaFile))), &meta); err != nil {
		t.Fatal(err)
	}
	for _, m := range meta.Relations {
		for i := range got {
			got[i] = strings.Replace(got[i], `"`+m.Type+`" `, `"`+m.Name+`" `, 1)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("brat reads relations\n%q\nwant\n%q", got, want)
	}
	if issues := runBrat(t, src, append([]string{"verify_annotations.py"}, anns...)...); strings.TrimSpace(issues) != "" {
		t.Errorf("brat's checker:\n%s", issues)
	}
}

// TestDoccanoRelations: relations go out in doccano's relation shape
// (entities with ids, relations from_id/to_id/type) and come back the
// same, layer and note included.
func TestDoccanoRelations(t *testing.T) {
	out := relationsRoundTrip(t, "doccano", "out.jsonl")
	first, _, _ := strings.Cut(readTestFile(t, out), "\n")
	var rec struct {
		Entities  []map[string]any
		Relations []map[string]any
	}
	if err := json.Unmarshal([]byte(first), &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Entities) != 4 || len(rec.Relations) != 3 {
		t.Fatalf("first record: %d entities, %d relations; want 4 and 3:\n%s", len(rec.Entities), len(rec.Relations), first)
	}
	for _, r := range rec.Relations {
		for _, k := range []string{"id", "from_id", "to_id", "type"} {
			if _, ok := r[k]; !ok {
				t.Errorf("relation %v lacks %q", r, k)
			}
		}
	}
}

// TestLabelStudioRelations: relations go out as Label Studio relation
// results between the regions of their spans, the labelling config lists
// their types in <Relations>, and they come back the same.
func TestLabelStudioRelations(t *testing.T) {
	out := relationsRoundTrip(t, "labelstudio", "out.json")
	var tasks []struct {
		Annotations []struct {
			Result []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(readTestFile(t, out)), &tasks); err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, r := range tasks[0].Annotations[0].Result {
		if r["type"] == "relation" {
			rels = append(rels, fmt.Sprintf("%v→%v %v %v", r["from_id"], r["to_id"], r["direction"], r["labels"]))
			if _, has := r["value"]; has {
				t.Errorf("relation result %v has a value", r)
			}
		}
	}
	if len(rels) != 3 || !strings.HasPrefix(rels[0], "s1→s2 right [works_for]") {
		t.Errorf("relation results %q, want 3, the first s1→s2 right [works_for]", rels)
	}
	config := readTestFile(t, strings.TrimSuffix(out, ".json")+".config.xml")
	if !strings.Contains(config, "  <Relations>\n    <Relation value=\"works_for\"/>\n    <Relation value=\"位于\"/>\n    <Relation value=\"linked\"/>\n  </Relations>\n") {
		t.Errorf("labelling config lacks the relation types:\n%s", config)
	}
}

// TestLabelStudioReadRelations: relation results as Label Studio writes
// them (no meta, any direction, unlabelled), and a relation to a region
// the task lacks (an error naming it).
func TestLabelStudioReadRelations(t *testing.T) {
	task := func(rel string) string {
		return `[{"data":{"text":"王芳在ACME工作"},"annotations":[{"result":[` +
			`{"id":"a","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":2,"labels":["PER"]}},` +
			`{"id":"b","from_name":"label","to_name":"text","type":"labels","value":{"start":3,"end":7,"labels":["ORG"]}},` + rel + `]}]}]`
	}
	for _, c := range []struct {
		name, rel string
		want      []annotate.Relation
		err       string
	}{
		{"right", `{"from_id":"a","to_id":"b","type":"relation","direction":"right","labels":["works_for"]}`,
			[]annotate.Relation{{Layer: LSRelationLayer, Type: "works_for", From: 1, To: 2}}, ""},
		{"left, unlabelled", `{"from_id":"b","to_id":"a","type":"relation","direction":"left","labels":[]}`,
			[]annotate.Relation{{Layer: LSRelationLayer, Type: LSRelationType, From: 1, To: 2}}, ""},
		{"layer and note", `{"from_id":"a","to_id":"b","type":"relation","direction":"right","labels":["x"],"meta":{"layer":"rel","text":["n"]}}`,
			[]annotate.Relation{{Layer: "rel", Type: "x", From: 1, To: 2, Note: "n"}}, ""},
		{"no region", `{"from_id":"a","to_id":"zz","type":"relation","direction":"right"}`, nil, `region "zz" is no labelled region of the task`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.json")
			os.WriteFile(path, []byte(task(c.rel)), 0o644)
			im, err := readAs2(path)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "t.json:1") {
					t.Errorf("error %v, want one naming the file, line 1 and %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := im.Docs[0].Relations; !reflect.DeepEqual(got, c.want) {
				t.Errorf("relations %+v, want %+v", got, c.want)
			}
		})
	}
}

// readAs2 reads a Label Studio file, returning the error.
func readAs2(path string) (*Imported, error) {
	r, _ := LookupReader("labelstudio")
	return readWhole(r.Each)(path, ReadOptions{})
}

// relationsTableWant are the rows of csv-relations (and of the xlsx
// Relations sheet) for relationsProject, but for the IDs.
var relationsTableWant = [][]string{
	{"a", "rel", "works_for", "entity", "PER", "0", "2", "王芳", "entity", "ORG", "3", "8", "焦作市政府", "据报道", "imported"},
	{"a", "rel", "位于", "entity", "GPE", "12", "15", "焦作市", "entity", "LOC", "17", "20", "河南省", "", "imported"},
	{"a", "rel", "linked", "entity", "ORG", "3", "8", "焦作市政府", "entity", "GPE", "12", "15", "焦作市", "", "imported"},
	{"b", "rel", "works_for", "entity", "PER", "0", "2", "𠀀😀", "entity", "ORG", "13", "17", "ACME", "", "imported"},
}

// relationRowKey is a csv-relations row without its IDs and annotator.
func relationRowKey(row []string) []string {
	return []string{row[1], row[3], row[4], row[6], row[7], row[8], row[9], row[10], row[12], row[13], row[14], row[15], row[16], row[17], row[19]}
}

// TestCSVRelations: csv-relations has a row per relation, each end's
// span spelled out; the IDs are those of the project.
func TestCSVRelations(t *testing.T) {
	p := relationsProject(t)
	out := filepath.Join(t.TempDir(), "rel.csv")
	if _, err := Export(context.Background(), p, "csv-relations", out, Options{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(readTestFile(t, out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], relationColumns) {
		t.Errorf("header %q, want %q", rows[0], relationColumns)
	}
	var got [][]string
	for _, r := range rows[1:] {
		got = append(got, relationRowKey(r))
	}
	if !reflect.DeepEqual(got, relationsTableWant) {
		t.Errorf("rows\n%q\nwant\n%q", got, relationsTableWant)
	}
	docs := projectDocs(t, p)
	if r := rows[1]; r[2] != fmt.Sprint(docs[0].Relations[0].ID) || r[5] != fmt.Sprint(docs[0].Relations[0].From) || r[11] != fmt.Sprint(docs[0].Relations[0].To) {
		t.Errorf("row 1's IDs %s %s %s, want the relation's and its spans' %+v", r[2], r[5], r[11], docs[0].Relations[0])
	}
}

// TestXLSXRelations: the xlsx export has a Relations sheet with the rows
// of csv-relations.
func TestXLSXRelations(t *testing.T) {
	p := relationsProject(t)
	out := filepath.Join(t.TempDir(), "rel.xlsx")
	if _, err := Export(context.Background(), p, "xlsx", out, Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Relations")
	if err != nil {
		t.Fatalf("sheet Relations: %v (sheets %v)", err, f.GetSheetList())
	}
	if !slices.Equal(rows[0], relationColumns) {
		t.Errorf("header %q, want %q", rows[0], relationColumns)
	}
	var got [][]string
	for _, r := range rows[1:] {
		r = append(r, make([]string, len(relationColumns)-len(r))...) // empty cells at the end
		got = append(got, relationRowKey(r))
	}
	if !reflect.DeepEqual(got, relationsTableWant) {
		t.Errorf("rows\n%q\nwant\n%q", got, relationsTableWant)
	}
}
