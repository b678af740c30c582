package agree

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// relationFiles writes three annotators' files with a span layer NER and
// the relation layers rel (works_for, knows) and coref (nobody's used):
//
// Document one, 张三在华为工作，认识李四。(张三 [0,2) PER, 华为 [3,5) ORG,
// 李四 [10,12) PER, in each file under other span IDs):
//   - lin: works_for 张三→华为, knows 张三→李四;
//   - wang: works_for 张三→华为 (matches), works_for 张三→李四 (the same
//     ends as lin's knows: an unlabelled match only), knows 李四→张三 (no
//     match), and a suggested knows 华为→李四 (counts for nothing);
//   - zhao never opened it (status new, a suggested span): missing data.
//
// Document two, 王五加入了腾讯。(王五 [0,2) PER, 腾讯 [5,7)):
//   - lin and zhao: works_for 王五→腾讯 ORG;
//   - wang: works_for 王五→腾讯, but 腾讯 labelled PER: another span, so
//     no match, labelled or not.
//
// By hand, per pair (labelled; unlabelled):
//   - lin–wang, both documents: lin 3, wang 4 relations; matched 1 (P 1/4,
//     R 1/3, F1 2/7); unlabelled 2 (P 2/4, R 2/3, F1 4/7);
//   - lin–zhao, document two only: 1 and 1, matched 1 (F1 1; 1);
//   - wang–zhao, document two only: 1 and 1, matched 0 (F1 0; 0).
//
// The layer's F1 is the mean of the pairs': (2/7 + 1 + 0)/3 = 3/7,
// unlabelled (4/7 + 1 + 0)/3 = 11/21; per type, works_for: lin–wang 2
// and 3, matched 1 (2/5), the others as above: (2/5 + 1 + 0)/3 = 7/15;
// knows: lin–wang 1 and 1, matched 0; no knows in document two: for the
// pairs with zhao, neither marked one: the mean of one pair, 0.
func relationFiles(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	schema := layerSchema("NER", annotate.OverlapForbidden, "PER", "ORG")
	schema.Relations = []annotate.RelationLayer{
		{Name: "rel", Types: []annotate.RelationType{{Name: "works_for"}, {Name: "knows"}}},
		{Name: "coref", Types: []annotate.RelationType{{Name: "same"}}},
	}
	one, two := "张三在华为工作，认识李四。", "王五加入了腾讯。"
	sp := func(id int64, label string, s, e int) annotate.Span {
		return annotate.Span{ID: id, Layer: "NER", Label: label, Start: s, End: e}
	}
	rel := func(typ string, from, to int64) annotate.Relation {
		return annotate.Relation{Layer: "rel", Type: typ, From: from, To: to, Origin: annotate.OriginManual}
	}
	sugg := rel("knows", 18, 19)
	sugg.Origin = annotate.OriginSuggested
	suggSpan := sp(1, "PER", 0, 2)
	suggSpan.Origin = annotate.OriginSuggested
	return []string{
		writeProject(t, dir, "lin", schema, []docSpec{
			{name: "one", text: one, status: annotate.StatusDone,
				spans:     []annotate.Span{sp(1, "PER", 0, 2), sp(2, "ORG", 3, 5), sp(3, "PER", 10, 12)},
				relations: []annotate.Relation{rel("works_for", 1, 2), rel("knows", 1, 3)}},
			{name: "two", text: two, status: annotate.StatusDone,
				spans:     []annotate.Span{sp(4, "PER", 0, 2), sp(5, "ORG", 5, 7)},
				relations: []annotate.Relation{rel("works_for", 4, 5)}},
		}),
		writeProject(t, dir, "wang", schema, []docSpec{
			{name: "2", text: two, status: annotate.StatusInProgress,
				spans:     []annotate.Span{sp(1, "PER", 0, 2), sp(2, "PER", 5, 7)},
				relations: []annotate.Relation{rel("works_for", 1, 2)}},
			{name: "1", text: one, status: annotate.StatusDone,
				spans:     []annotate.Span{sp(17, "PER", 0, 2), sp(18, "ORG", 3, 5), sp(19, "PER", 10, 12)},
				relations: []annotate.Relation{rel("works_for", 17, 18), rel("works_for", 17, 19), rel("knows", 19, 17), sugg}},
		}),
		writeProject(t, dir, "zhao", schema, []docSpec{
			{name: "first", text: one, status: annotate.StatusNew, spans: []annotate.Span{suggSpan}},
			{name: "second", text: two, status: annotate.StatusDone,
				spans:     []annotate.Span{sp(2, "PER", 0, 2), sp(3, "ORG", 5, 7)},
				relations: []annotate.Relation{rel("works_for", 2, 3)}},
		}),
	}
}

// TestRelationAgreement checks relation agreement against the figures
// relationFiles computes by hand, in the JSON agree prints: the relation
// layer under "layers", its pairs, types, the missing data of an
// unopened document, and null with a note where nothing can be computed.
func TestRelationAgreement(t *testing.T) {
	rep, m := measureJSON(t, relationFiles(t))
	if got := at(t, m, "layers", "rel", "kind"); got != "relations" {
		t.Errorf("rel kind = %v, want relations", got)
	}
	if got := at(t, m, "layers", "NER", "kind"); got != "spans" {
		t.Errorf("NER kind = %v, want spans", got)
	}
	if got := at(t, m, "layers", "rel", "documents"); got != 2.0 {
		t.Errorf("rel documents = %v, want 2", got)
	}
	if got := at(t, m, "layers", "rel", "units"); got != 8.0 {
		t.Errorf("rel units = %v, want 8 relations (5 in document one, 3 in two)", got)
	}
	near(t, "f1_exact", at(t, m, "layers", "rel", "f1_exact"), 3.0/7, 1e-12)
	near(t, "f1_unlabelled", at(t, m, "layers", "rel", "f1_unlabelled"), 11.0/21, 1e-12)
	near(t, "works_for f1_exact", at(t, m, "layers", "rel", "labels", "works_for", "f1_exact"), 7.0/15, 1e-12)
	near(t, "knows f1_exact", at(t, m, "layers", "rel", "labels", "knows", "f1_exact"), 0, 1e-12)
	for _, c := range []struct {
		pair                  int
		a, b                  string
		docs, nA, nB          float64
		p, r, f1, pU, rU, f1U float64
	}{
		{0, "lin", "wang", 2, 3, 4, 1.0 / 4, 1.0 / 3, 2.0 / 7, 2.0 / 4, 2.0 / 3, 4.0 / 7},
		{1, "lin", "zhao", 1, 1, 1, 1, 1, 1, 1, 1, 1},
		{2, "wang", "zhao", 1, 1, 1, 0, 0, 0, 0, 0, 0},
	} {
		p := at(t, m, "layers", "rel", "pairs", c.pair)
		if at(t, p, "a") != c.a || at(t, p, "b") != c.b || at(t, p, "documents") != c.docs ||
			at(t, p, "relations_a") != c.nA || at(t, p, "relations_b") != c.nB {
			t.Errorf("pair %d: %v, want %s–%s on %g documents, %g and %g relations", c.pair, p, c.a, c.b, c.docs, c.nA, c.nB)
		}
		what := c.a + "–" + c.b + " "
		near(t, what+"precision_exact", at(t, p, "precision_exact"), c.p, 1e-12)
		near(t, what+"recall_exact", at(t, p, "recall_exact"), c.r, 1e-12)
		near(t, what+"f1_exact", at(t, p, "f1_exact"), c.f1, 1e-12)
		near(t, what+"precision_unlabelled", at(t, p, "precision_unlabelled"), c.pU, 1e-12)
		near(t, what+"recall_unlabelled", at(t, p, "recall_unlabelled"), c.rU, 1e-12)
		near(t, what+"f1_unlabelled", at(t, p, "f1_unlabelled"), c.f1U, 1e-12)
	}
	// The confusion of lin–wang: works_for→works_for, knows→works_for
	// (matched on from and to), the two unmatched, and none for the
	// suggestion.
	conf := rep.Layers["rel"].Pairs[0].Confusion
	want := map[string]map[string]int{"works_for": {"works_for": 1, "": 1}, "knows": {"works_for": 1}, "": {"knows": 1, "works_for": 1}}
	if !maps.EqualFunc(conf, want, maps.Equal) {
		t.Errorf("confusion lin–wang = %v, want %v", conf, want)
	}
	// Measures of span layers are null, said so.
	if got := at(t, m, "layers", "rel", "alpha"); got != nil {
		t.Errorf("rel alpha = %v, want null", got)
	}
	if notes := rep.Layers["rel"].Notes; !slices.ContainsFunc(notes, func(n string) bool {
		return strings.HasPrefix(n, "cohen_kappa, fleiss_kappa, alpha, alpha_u, f1_overlap: measures of span layers")
	}) {
		t.Errorf("rel notes %q do not say why κ, α and αu are null", notes)
	}
	// coref: nobody marked a relation; the documents are measured (done)
	// but F1 is null, with the reason.
	if got := at(t, m, "layers", "coref", "f1_exact"); got != nil {
		t.Errorf("coref f1_exact = %v, want null", got)
	}
	if notes := strings.Join(rep.Layers["coref"].Notes, "\n"); !strings.Contains(notes, "f1_exact: for no pair: neither annotator marked a relation") {
		t.Errorf("coref notes %q do not say why f1_exact is null", notes)
	}
	if got := at(t, m, "layers", "coref", "pairs", 0, "f1_exact"); got != nil {
		t.Errorf("coref lin–wang f1_exact = %v, want null", got)
	}
	// The layers in order: span layers, then relation layers.
	if want := []string{"NER", "rel", "coref"}; !slices.Equal(rep.LayerOrder, want) {
		t.Errorf("layer order %q, want %q", rep.LayerOrder, want)
	}
}

// TestRelationAgreementOneLayer: -layer names a relation layer: only it
// is measured.
func TestRelationAgreementOneLayer(t *testing.T) {
	anns, err := Load(t.Context(), relationFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Measure(anns, Options{Layers: []string{"rel"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.LayerOrder) != 1 || rep.Layers["rel"] == nil || *rep.Layers["rel"].F1Exact != 3.0/7 {
		t.Errorf("layers %q, want rel alone with f1_exact 3/7", rep.LayerOrder)
	}
	if _, err := Measure(anns, Options{Layers: []string{"dep"}}); err == nil || !strings.Contains(err.Error(), `no annotator's schema has a layer "dep"`) {
		t.Errorf("an unknown layer: err %v", err)
	}
}
