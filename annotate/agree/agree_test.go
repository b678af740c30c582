package agree

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// docSpec is one document of a test project file.
type docSpec struct {
	name   string
	text   string
	status annotate.Status
	spans  []annotate.Span
	tokens []text.Token // nil: one token per character
}

// writeProject writes a real project file handed out to annotator, with
// schema and docs, and returns its path.
func writeProject(t *testing.T, dir, annotator string, schema *annotate.Schema, docs []docSpec) string {
	t.Helper()
	path := filepath.Join(dir, annotator+"-copy.biaozhu")
	p, err := annotate.Create(path, schema, annotate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.SetHandedTo(annotator); err != nil {
		t.Fatal(err)
	}
	var ds []*annotate.Document
	for _, s := range docs {
		n := utf8.RuneCountInString(s.text)
		d := &annotate.Document{Name: s.name, Text: s.text, Raw: s.text, Status: s.status, Spans: s.spans,
			Sentences: []text.Sentence{{Start: 0, End: n}}, Tokens: s.tokens}
		if d.Tokens == nil {
			i := 0
			for _, r := range s.text {
				d.Tokens = append(d.Tokens, text.Token{Start: i, End: i + 1, Text: string(r), POS: "x"})
				i++
			}
		}
		for i := range d.Spans {
			if d.Spans[i].Origin == "" {
				d.Spans[i].Origin = annotate.OriginManual
			}
		}
		ds = append(ds, d)
	}
	if err := p.AddDocuments(ds, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// layerSchema is a schema of one layer with these labels.
func layerSchema(layer string, overlap annotate.Overlap, labels ...string) *annotate.Schema {
	s := annotate.DefaultSchema()
	l := annotate.Layer{Name: layer, Overlap: overlap}
	for i, name := range labels {
		l.Labels = append(l.Labels, annotate.Label{Name: name, Color: []string{"#aa0000", "#00aa00", "#0000aa", "#aaaa00", "#00aaaa"}[i%5]})
	}
	s.Layers = []annotate.Layer{l}
	return s
}

// measureJSON loads the files, measures them and returns the report as
// the JSON agree -format json prints, decoded.
func measureJSON(t *testing.T, paths []string) (*Report, map[string]any) {
	t.Helper()
	anns, err := Load(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Measure(anns, Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return rep, m
}

// at follows a path of keys (and list indexes) in decoded JSON.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, k := range path {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %v is not an object", path, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("at %v: no key %q in %v", path, k, m)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at %v: %v is not a list of %d", path, v, k+1)
			}
			v = l[k]
		}
	}
	return v
}

func near(t *testing.T, what string, got any, want, tol float64) {
	t.Helper()
	g, ok := got.(float64)
	if !ok {
		t.Errorf("%s = %v, want %.4f", what, got, want)
		return
	}
	if math.Abs(g-want) > tol {
		t.Errorf("%s = %.6f, want %.4f ± %g", what, g, want, tol)
	}
}

// TestKrippendorffUnitizingExample is Krippendorff's (2004, Content
// Analysis, p. 254) unitizing example as two project files: the continuum
// 150–450 is a document of 300 characters, the units shifted by 150. αu
// is 0.8587 by DKPro Agreement's algorithm (the book prints 0.8591 from
// rounded intermediates), 0.7286 for c, 1.0 for k.
func TestKrippendorffUnitizingExample(t *testing.T) {
	dir := t.TempDir()
	schema := layerSchema("units", annotate.OverlapAllowed, "c", "k")
	var txt string
	for i := range 300 {
		txt += string(rune('一' + i))
	}
	span := func(label string, start, length int) annotate.Span {
		return annotate.Span{Layer: "units", Label: label, Start: start - 150, End: start - 150 + length}
	}
	obs1 := []annotate.Span{span("c", 225, 70), span("c", 370, 30), span("k", 180, 60), span("k", 300, 50)}
	obs2 := []annotate.Span{span("c", 220, 80), span("c", 355, 20), span("c", 400, 20), span("k", 180, 60), span("k", 300, 50)}
	a := writeProject(t, dir, "observer1", schema, []docSpec{{name: "continuum", text: txt, status: annotate.StatusDone, spans: obs1}})
	b := writeProject(t, dir, "observer2", schema, []docSpec{{name: "renamed on the way", text: txt, status: annotate.StatusDone, spans: obs2}})
	_, m := measureJSON(t, []string{a, b})
	near(t, "alpha_u", at(t, m, "layers", "units", "alpha_u"), 0.8587, 0.0005)
	near(t, "alpha_u of c", at(t, m, "layers", "units", "labels", "c", "alpha_u"), 0.7286, 0.00005)
	near(t, "alpha_u of k", at(t, m, "layers", "units", "labels", "k", "alpha_u"), 1.0, 1e-12)
	if got := at(t, m, "documents"); got != 1.0 {
		t.Errorf("documents = %v, want 1", got)
	}
	// F1: k's two spans match exactly; of c's, none exactly, by overlap
	// (225,70)~(220,80) and (370,30)~(355,20) — 4 of 4+5 … per pair.
	near(t, "f1_exact", at(t, m, "layers", "units", "f1_exact"), 2*2.0/9, 1e-12)
	near(t, "f1_overlap", at(t, m, "layers", "units", "f1_overlap"), 2*4.0/9, 1e-12)
}

// TestKrippendorffNominalExample is Krippendorff's 4-coder, 12-unit
// nominal example with missing data ("Computing Krippendorff's
// alpha-reliability", 2011): α = 0.743. Each unit is a one-character
// document; a coder who left a unit out never worked on its document
// (status new, no span) — missing data.
func TestKrippendorffNominalExample(t *testing.T) {
	data := [4][12]string{
		{"1", "2", "3", "3", "2", "1", "4", "1", "2", "", "", ""},
		{"1", "2", "3", "3", "2", "2", "4", "1", "2", "5", "", "3"},
		{"", "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", ""},
		{"1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", ""},
	}
	dir := t.TempDir()
	schema := layerSchema("value", annotate.OverlapForbidden, "1", "2", "3", "4", "5")
	var paths []string
	for c, coder := range []string{"A", "B", "C", "D"} {
		var docs []docSpec
		for u, v := range data[c] {
			d := docSpec{name: "unit " + string(rune('a'+u)), text: string(rune('甲' + u)), status: annotate.StatusNew}
			if v != "" {
				d.status = annotate.StatusDone
				d.spans = []annotate.Span{{Layer: "value", Label: v, Start: 0, End: 1}}
			}
			docs = append(docs, d)
		}
		paths = append(paths, writeProject(t, dir, coder, schema, docs))
	}
	_, m := measureJSON(t, paths)
	near(t, "alpha", at(t, m, "layers", "value", "alpha"), 0.743, 0.0005)
	if got := at(t, m, "documents"); got != 11.0 {
		t.Errorf("documents = %v, want 11 (unit 12 has one coder)", got)
	}
	if got := at(t, m, "layers", "value", "units"); got != 11.0 {
		t.Errorf("units = %v, want 11", got)
	}
	if got := at(t, m, "layers", "value", "unit"); got != "token" {
		t.Errorf("unit = %v, want token", got)
	}
}

// TestCohenKappaHandComputed: two annotators, one document of ten
// one-character tokens, label X or none. The 2×2 table: both X 4, only A
// 1, only B 2, neither 3: pₒ = 0.7, pₑ = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
// A's suggestion on a token both left alone counts for nothing.
func TestCohenKappaHandComputed(t *testing.T) {
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "X")
	txt := "甲乙丙丁戊己庚辛壬癸"
	x := func(i int) annotate.Span { return annotate.Span{Layer: "NER", Label: "X", Start: i, End: i + 1} }
	sugg := x(9)
	sugg.Origin = annotate.OriginSuggested
	a := writeProject(t, dir, "lin", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
		spans: []annotate.Span{x(0), x(1), x(2), x(3), x(4), sugg}}})
	b := writeProject(t, dir, "wang", schema, []docSpec{{name: "d", text: txt, status: annotate.StatusDone,
		spans: []annotate.Span{x(0), x(1), x(2), x(3), x(5), x(6)}}})
	_, m := measureJSON(t, []string{a, b})
	near(t, "pair cohen_kappa", at(t, m, "layers", "NER", "pairs", 0, "cohen_kappa"), 0.4, 1e-12)
	near(t, "cohen_kappa", at(t, m, "layers", "NER", "cohen_kappa"), 0.4, 1e-12)
	near(t, "X cohen_kappa", at(t, m, "layers", "NER", "labels", "X", "cohen_kappa"), 0.4, 1e-12)
	near(t, "f1_exact", at(t, m, "layers", "NER", "pairs", 0, "f1_exact"), 8.0/11, 1e-12)
	near(t, "precision_exact", at(t, m, "layers", "NER", "pairs", 0, "precision_exact"), 4.0/6, 1e-12)
	near(t, "recall_exact", at(t, m, "layers", "NER", "pairs", 0, "recall_exact"), 4.0/5, 1e-12)
	if got := at(t, m, "layers", "NER", "pairs", 0, "confusion", "X", "X"); got != 4.0 {
		t.Errorf("confusion X→X = %v, want 4", got)
	}
	// Two annotators: Fleiss' κ is computed (every unit has both values).
	if got := at(t, m, "layers", "NER", "fleiss_kappa"); got == nil {
		t.Errorf("fleiss_kappa = null, want a number")
	}
	// The JSON has the keys at every level.
	for _, path := range [][]any{
		{"annotators"}, {"documents"},
		{"layers", "NER", "units"}, {"layers", "NER", "alpha"}, {"layers", "NER", "alpha_u"}, {"layers", "NER", "f1_overlap"},
		{"layers", "NER", "labels", "X", "units"}, {"layers", "NER", "labels", "X", "fleiss_kappa"}, {"layers", "NER", "labels", "X", "alpha_u"},
		{"layers", "NER", "pairs", 0, "a"}, {"layers", "NER", "pairs", 0, "b"}, {"layers", "NER", "pairs", 0, "f1_overlap"},
	} {
		at(t, m, path...)
	}
	if got := at(t, m, "annotators"); len(got.([]any)) != 2 || got.([]any)[0] != "lin" {
		t.Errorf("annotators = %v, want [lin wang]", got)
	}
}

// TestMissingData: three annotators on two documents; zhao never opened
// the second (status new, only a suggestion there). That document is
// missing data for zhao — α equals α of the coding with zhao's values
// missing, not none — and the pairs with zhao are measured on the first
// document only. The files list their documents in other orders and
// under other names: they are matched by text. A document only one file
// has is reported.
func TestMissingData(t *testing.T) {
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "PER", "LOC")
	d1, d2 := "甲：你好。乙：好。", "张三去了北京。"
	sp := func(label string, s, e int) annotate.Span {
		return annotate.Span{Layer: "NER", Label: label, Start: s, End: e}
	}
	sugg := sp("PER", 0, 2)
	sugg.Origin = annotate.OriginSuggested
	lin := writeProject(t, dir, "lin", schema, []docSpec{
		{name: "one", text: d1, status: annotate.StatusDone, spans: []annotate.Span{sp("PER", 0, 1), sp("PER", 5, 6)}},
		{name: "two", text: d2, status: annotate.StatusDone, spans: []annotate.Span{sp("PER", 0, 2), sp("LOC", 4, 6)}},
	})
	wang := writeProject(t, dir, "wang", schema, []docSpec{
		{name: "2.txt", text: d2, status: annotate.StatusInProgress, spans: []annotate.Span{sp("PER", 0, 2), sp("LOC", 4, 5)}},
		{name: "1.txt", text: d1, status: annotate.StatusDone, spans: []annotate.Span{sp("PER", 0, 1)}},
	})
	zhao := writeProject(t, dir, "zhao", schema, []docSpec{
		{name: "first", text: d1, status: annotate.StatusDone, spans: []annotate.Span{sp("PER", 0, 1), sp("LOC", 5, 6)}},
		{name: "second", text: d2, status: annotate.StatusNew, spans: []annotate.Span{sugg}},
		{name: "only here", text: "这篇只有赵有。", status: annotate.StatusDone},
	})
	rep, m := measureJSON(t, []string{lin, wang, zhao})
	if rep.Documents != 2 {
		t.Errorf("documents = %d, want 2", rep.Documents)
	}
	l := rep.Layers["NER"]
	for _, p := range l.Pairs {
		want := 2
		if p.B == "zhao" {
			want = 1
		}
		if p.Documents != want {
			t.Errorf("pair %s–%s: %d documents, want %d", p.A, p.B, p.Documents, want)
		}
	}
	// α by hand from the coding: units are the 9 + 7 characters; zhao's
	// values of the second document missing.
	n1, n2 := utf8.RuneCountInString(d1), utf8.RuneCountInString(d2)
	const none, per, loc = 0, 1, 2
	row := func(n int, fill int32, set map[int]int32) []int32 {
		v := make([]int32, n)
		for i := range v {
			v[i] = fill
			if x, ok := set[i]; ok {
				v[i] = x
			}
		}
		return v
	}
	cat := func(first []int32, second []int32) []int32 { return append(first, second...) }
	want := coding{k: 3, vals: [][]int32{
		cat(row(n1, none, map[int]int32{0: per, 5: per}), row(n2, none, map[int]int32{0: per, 1: per, 4: loc, 5: loc})),
		cat(row(n1, none, map[int]int32{0: per}), row(n2, none, map[int]int32{0: per, 1: per, 4: loc})),
		cat(row(n1, none, map[int]int32{0: per, 5: loc}), row(n2, missing, nil)),
	}}.alpha()
	near(t, "alpha", at(t, m, "layers", "NER", "alpha"), want.v, 1e-12)
	// Had the unopened document counted as "no spans" for zhao, α would
	// be another number: the test tells the two apart.
	asNone := coding{k: 3, vals: [][]int32{
		cat(row(n1, none, map[int]int32{0: per, 5: per}), row(n2, none, map[int]int32{0: per, 1: per, 4: loc, 5: loc})),
		cat(row(n1, none, map[int]int32{0: per}), row(n2, none, map[int]int32{0: per, 1: per, 4: loc})),
		cat(row(n1, none, map[int]int32{0: per, 5: loc}), row(n2, none, nil)),
	}}.alpha()
	if math.Abs(asNone.v-want.v) < 1e-6 {
		t.Fatalf("α with zhao's second document as none (%f) = as missing (%f): the test does not tell them apart", asNone.v, want.v)
	}
	// Fleiss' κ is over the first document only (every annotator).
	if got := l.FleissKappa; got == nil {
		t.Errorf("fleiss_kappa = null, want a number (notes %v)", l.Notes)
	}
	// αu: over the one document every annotator worked on, said so.
	if !strings.Contains(strings.Join(l.Notes, "\n"), "alpha_u: over the 1 document every annotator worked on; 1 with missing annotators left out") {
		t.Errorf("notes %q do not say what αu is over", l.Notes)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), `1 document is not in every file (matched by the SHA-256 of their clean text; missing data for the others): "only here" (not in the file of lin, wang)`) {
		t.Errorf("notes %q do not report the unmatched document", rep.Notes)
	}
}
