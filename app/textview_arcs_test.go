package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/biaozhu/biaozhu/annotate"
)

// TestTextViewArcs: a dependency tree over the words of a sentence (spans
// of the hidden layer upos) and a relation between entities on two lines
// are drawn as arcs above the text: levelled (nested arcs stack), with
// the types written on them, the one across lines as edge markers; the
// golden image shows them.
func TestTextViewArcs(t *testing.T) {
	doc := tvDoc("王芳/nr|在/p|焦作市/ns|政府/n|工作/v|。/x|_\n|她/r|很/d|忙/a|。/x")
	tk := doc.Tokens
	var id int64
	word := func(i int, label string) annotate.Span {
		id++
		return annotate.Span{ID: id, Layer: "upos", Label: label, Start: tk[i].Start, End: tk[i].End}
	}
	w := []annotate.Span{word(0, "PROPN"), word(1, "ADP"), word(2, "PROPN"), word(3, "NOUN"), word(4, "VERB"), word(5, "PUNCT")}
	per := annotate.Span{ID: 20, Layer: "entity", Label: "PER", Start: tk[0].Start, End: tk[0].End}
	she := annotate.Span{ID: 21, Layer: "entity", Label: "PER", Start: tk[6].Start, End: tk[6].End}
	doc.Spans = append(w, per, she)
	arc := func(rid int64, typ string, from, to annotate.Span) annotate.Relation {
		return annotate.Relation{ID: rid, Layer: "deprel", Type: typ, From: from.ID, To: to.ID}
	}
	doc.Relations = []annotate.Relation{
		arc(30, "nsubj", w[4], w[0]), arc(31, "obl", w[4], w[3]), arc(32, "case", w[3], w[1]),
		arc(33, "nmod", w[3], w[2]), arc(34, "punct", w[4], w[5]),
		{ID: 35, Layer: "coref", Type: "coref", From: she.ID, To: per.ID},
	}
	schema := tvSchema()
	schema.Layers = append(schema.Layers, annotate.Layer{Name: "upos", Overlap: annotate.OverlapAllowed})
	schema.Relations = []annotate.RelationLayer{{Name: "deprel"}, {Name: "coref", Types: []annotate.RelationType{{Name: "coref", Color: "#d62728"}}}}
	v, win := tvSetup(t, doc, schema, 480, 200)
	v.SetHiddenLayers([]string{"upos"})
	l := &v.lay
	if len(l.lines) < 2 {
		t.Fatalf("%d lines, want the two sentences on two lines", len(l.lines))
	}
	// Line 1: the tree's arcs nest three deep; the coref arc's edge
	// marker above them.
	if got := l.lines[0].arcs; got < 3 {
		t.Errorf("line 1 has %d levels of arcs, want 3 or more", got)
	}
	if got := len(l.lineArcs[0]); got != 6 {
		t.Errorf("line 1 has %d arcs, want 5 of the tree and the coref marker", got)
	}
	if got := len(l.lineArcs[1]); got != 1 || !l.lineArcs[1][0].stubIn && !l.lineArcs[1][0].stubOut {
		t.Errorf("line 2 arcs %+v, want the coref arc as an edge marker", l.lineArcs[1])
	}
	// Levels: an arc inside another is lower (nmod 焦作市←政府 inside case
	// 在←政府, every one inside nsubj 王芳←工作, the coref marker above
	// them all).
	lv := map[string]int{}
	for _, a := range l.lineArcs[0] {
		lv[a.typ] = a.level
	}
	if !(lv["nmod"] < lv["case"] && lv["case"] < lv["nsubj"] && lv["obl"] < lv["nsubj"] && lv["nsubj"] < lv["coref"]) {
		t.Errorf("levels %v: nmod < case < nsubj, obl < nsubj < coref", lv)
	}
	// Drawn: lines and the type tags.
	var lines, tags int
	for _, o := range test.WidgetRenderer(v).Objects() {
		switch x := o.(type) {
		case *canvas.Line:
			lines++
		case *canvas.Text:
			if x.Text == "nsubj" || x.Text == "coref" {
				tags++
			}
		}
	}
	if lines < 6*3 || tags < 3 {
		t.Errorf("drawn: %d line segments, %d type tags; want the arcs' legs, spans and arrowheads and their tags", lines, tags)
	}
	test.AssertImageMatches(t, "textview_arcs.png", win.Canvas().Capture())
}

// BenchmarkTextViewRelations times, on a document of 330,000 characters
// with 50,000 relations and on the same document without them: the
// layout (DocumentChanged: lines, spans and arcs indexed, what every edit
// costs), a page build (the objects of the lines in view, at a scroll
// position) and a relation edit to the repainted page (the edit applied,
// the document laid out again, the page built). Targets: page ≤ 50 ms,
// edit to page ≤ 16 ms.
func BenchmarkTextViewRelations(b *testing.B) {
	for _, n := range []int{50_000, 0} {
		doc := tvBig(330_000)
		s := doc.Spans
		for k := 1; len(doc.Relations) < n; k++ {
			for i := 0; i+k < len(s) && len(doc.Relations) < n; i++ {
				doc.Relations = append(doc.Relations, annotate.Relation{ID: int64(1_000_000 + len(doc.Relations)), Layer: "rel", Type: "near", From: s[i].ID, To: s[i+k].ID})
			}
		}
		schema := annotate.DefaultSchema()
		schema.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{{Name: "near"}, {Name: "far"}}}}
		name := fmt.Sprintf("%d-relations", n)
		v, _ := tvSetup(b, doc, schema, 900, 600)
		r := test.WidgetRenderer(v)
		h := v.lay.height
		b.Run(name+"/layout", func(b *testing.B) {
			for b.Loop() {
				v.DocumentChanged()
			}
			b.ReportMetric(float64(len(v.lay.lines)), "lines")
		})
		b.Run(name+"/page", func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				v.scroll.ScrollToOffset(fyne.NewPos(0, float32(i%97)*h/97))
				r.Refresh()
			}
			b.ReportMetric(float64(len(r.Objects())), "objects")
		})
		b.Run(name+"/edit-to-page", func(b *testing.B) {
			ed := &annotate.Editor{Doc: doc, Schema: schema}
			i := 0
			for b.Loop() {
				i++
				e := annotate.Edit(annotate.AddRelation{Relation: annotate.Relation{Layer: "rel", Type: "far", From: s[i%len(s)].ID, To: s[(i+1)%len(s)].ID}})
				if _, err := ed.Apply(e); err != nil {
					b.Fatal(err)
				}
				v.DocumentChanged()
				r.Refresh()
				if _, err := ed.Undo(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
