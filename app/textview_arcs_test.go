package app

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

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
// layout (DocumentChanged with nothing changed), a page build (the
// objects of the lines in view, at a scroll position) and a relation edit
// to the repainted page (a relation added, or its undo; the document laid
// out again; the page built), each edit timed on its own, in wall and in
// this thread's CPU time (on a loaded machine the wall time counts other
// processes' turns too). Targets: page ≤ 50 ms, edit to page ≤ 16 ms.
func BenchmarkTextViewRelations(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
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
			var wall, cpu []time.Duration
			i := 0
			for b.Loop() {
				i++
				c0, t0 := threadCPU(), time.Now()
				v.scroll.ScrollToOffset(fyne.NewPos(0, float32(i%97)*h/97))
				r.Refresh()
				wall, cpu = append(wall, time.Since(t0)), append(cpu, threadCPU()-c0)
			}
			b.ReportMetric(float64(len(r.Objects())), "objects")
			b.ReportMetric(ms3(quantile(wall, 0.5)), "page-median-ms")
			b.ReportMetric(ms3(quantile(wall, 0.99)), "page-p99-ms")
			b.ReportMetric(ms3(quantile(cpu, 0.5)), "page-cpu-median-ms")
			b.ReportMetric(50, "page-target-ms")
		})
		b.Run(name+"/edit-to-page", func(b *testing.B) {
			ed := &annotate.Editor{Doc: doc, Schema: schema}
			var wall, cpu []time.Duration
			step := func(f func() error) {
				c0, t0 := threadCPU(), time.Now()
				if err := f(); err != nil {
					b.Fatal(err)
				}
				v.DocumentChanged()
				r.Refresh()
				wall, cpu = append(wall, time.Since(t0)), append(cpu, threadCPU()-c0)
			}
			i := 0
			for b.Loop() {
				i++
				e := annotate.Edit(annotate.AddRelation{Relation: annotate.Relation{Layer: "rel", Type: "far", From: s[i%len(s)].ID, To: s[(i+1)%len(s)].ID}})
				step(func() error { _, err := ed.Apply(e); return err })
				step(func() error { _, err := ed.Undo(); return err })
			}
			if len(doc.Relations) != n {
				b.Fatalf("%d relations after the edits and their undo, want %d", len(doc.Relations), n)
			}
			b.ReportMetric(ms3(quantile(wall, 0.5)), "edit-median-ms")
			b.ReportMetric(ms3(quantile(wall, 0.99)), "edit-p99-ms")
			b.ReportMetric(ms3(quantile(cpu, 0.5)), "edit-cpu-median-ms")
			b.ReportMetric(ms3(quantile(cpu, 0.99)), "edit-cpu-p99-ms")
			b.ReportMetric(16, "edit-target-ms")
			b.Logf("%d relations, %d lines: a relation edit (or its undo) to the repainted page: median %.2f ms, p99 %.2f ms of %d (this thread's CPU time: median %.2f ms, p99 %.2f ms); target ≤ 16 ms",
				n, len(v.lay.lines), ms3(quantile(wall, 0.5)), ms3(quantile(wall, 0.99)), len(wall), ms3(quantile(cpu, 0.5)), ms3(quantile(cpu, 0.99)))
		})
	}
}

// tvRelEdit makes a random relation edit of d as the model makes them
// (relations kept in ID order): a relation added (between spans on the
// same line or far apart, or back with an ID an undo would bring back),
// removed, retyped or reversed, or a span removed with its relations.
func tvRelEdit(rng *rand.Rand, d *annotate.Document, nextID *int64) string {
	types := []string{"near", "far", "nsubj", "a-long-relation-type"}
	insert := func(r annotate.Relation) {
		k, _ := slices.BinarySearchFunc(d.Relations, r.ID, func(x annotate.Relation, id int64) int { return cmp.Compare(x.ID, id) })
		d.Relations = slices.Insert(d.Relations, k, r)
	}
	switch k := rng.IntN(8); {
	case len(d.Spans) < 2:
		return "no spans"
	case k <= 2 || len(d.Relations) == 0: // add
		i := rng.IntN(len(d.Spans))
		j := i + 1 + rng.IntN(3)
		if rng.IntN(4) == 0 {
			j = rng.IntN(len(d.Spans)) // anywhere: often another line
		}
		j = min(j, len(d.Spans)-1)
		*nextID++
		id := *nextID
		if rng.IntN(5) == 0 {
			id = int64(1 + rng.IntN(int(*nextID))) // an old ID (as undo brings one back)
			if slices.ContainsFunc(d.Relations, func(r annotate.Relation) bool { return r.ID == id }) {
				id = *nextID
			}
		}
		r := annotate.Relation{ID: id, Layer: "rel", Type: types[rng.IntN(len(types))], From: d.Spans[i].ID, To: d.Spans[j].ID}
		insert(r)
		return fmt.Sprintf("add relation %v", r)
	case k == 3: // remove
		i := rng.IntN(len(d.Relations))
		r := d.Relations[i]
		d.Relations = slices.Delete(d.Relations, i, i+1)
		return fmt.Sprintf("remove relation %v", r)
	case k == 4: // retype
		i := rng.IntN(len(d.Relations))
		d.Relations[i].Type = types[rng.IntN(len(types))]
		return fmt.Sprintf("retype relation %v", d.Relations[i])
	case k == 5: // reverse
		i := rng.IntN(len(d.Relations))
		r := &d.Relations[i]
		r.From, r.To = r.To, r.From
		return fmt.Sprintf("reverse relation %v", *r)
	case k == 6: // remove a span that is an end, with its relations
		r := d.Relations[rng.IntN(len(d.Relations))]
		d.Spans = slices.DeleteFunc(d.Spans, func(s annotate.Span) bool { return s.ID == r.From })
		n := len(d.Relations)
		d.Relations = slices.DeleteFunc(d.Relations, func(x annotate.Relation) bool { return x.From == r.From || x.To == r.From })
		return fmt.Sprintf("remove span %d and its %d relations", r.From, n-len(d.Relations))
	default: // move a span (a span edit: its ends' arcs move)
		i := rng.IntN(len(d.Spans))
		s := d.Spans[i]
		t := d.Tokens[rng.IntN(len(d.Tokens))]
		d.Spans = slices.Delete(d.Spans, i, i+1)
		s.Start, s.End = t.Start, t.End
		k, _ := slices.BinarySearchFunc(d.Spans, s, func(a, b annotate.Span) int { return cmp.Compare(a.Start, b.Start) })
		d.Spans = slices.Insert(d.Spans, k, s)
		return fmt.Sprintf("move span %d to [%d,%d)", s.ID, s.Start, s.End)
	}
}

// TestTextViewArcsUpdateMatchesRelayout: after each of many random edits
// (relations added, removed, retyped and reversed, spans removed with
// their relations or moved, and the span and token edits of
// TestTextViewUpdateMatchesRelayout: labels, splits, merges, POS), the
// arcs indexed again incrementally (DocumentChanged) are exactly those
// indexed from scratch, as are the lines' heights and places; and a
// relation edit that moves no text makes the arcs of its lines only.
func TestTextViewArcsUpdateMatchesRelayout(t *testing.T) {
	for _, opt := range []struct {
		width float32
		pos   bool
	}{{300, true}, {520, false}, {900, true}} {
		t.Run(fmt.Sprintf("%g/pos=%v", opt.width, opt.pos), func(t *testing.T) {
			d := tvBig(4000)
			for i := range d.Tokens {
				d.Tokens[i].Text = string([]rune(d.Text)[d.Tokens[i].Start:d.Tokens[i].End])
			}
			nextID := int64(1 << 20)
			rng := rand.New(rand.NewPCG(16, uint64(opt.width)))
			for i := 0; i+3 < len(d.Spans); i += 2 { // near ones, and one in 5 far
				to := d.Spans[i+1+i%3]
				if i%5 == 0 {
					to = d.Spans[(i*7)%len(d.Spans)]
				}
				d.Relations = append(d.Relations, annotate.Relation{ID: int64(1<<19 + i), Layer: "rel", Type: "near", From: d.Spans[i].ID, To: to.ID})
			}
			schema := annotate.DefaultSchema()
			schema.Layers = append(schema.Layers, annotate.Layer{Name: "topic", Overlap: annotate.OverlapAllowed}, annotate.Layer{Name: "event", Overlap: annotate.OverlapAllowed})
			schema.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{{Name: "near"}, {Name: "far", Color: "#d62728"}}}}
			v, _ := tvSetup(t, d, schema, opt.width, 400)
			v.SetShowPOS(opt.pos)
			if len(v.lay.lines) < 10 || len(v.doc.Relations) < 30 {
				t.Fatalf("%d lines, %d relations: want a longer document", len(v.lay.lines), len(v.doc.Relations))
			}
			var done []string
			local := 0
			for step := range 300 {
				var what string
				rel := rng.IntN(3) > 0
				if rel {
					what = tvRelEdit(rng, d, &nextID)
				} else {
					what = tvEdit(rng, d, &nextID)
				}
				done = append(done, what)
				v.DocumentChanged()
				got := tvLayoutOf(v)
				redone := v.lay.arcLines
				v.lay.dirty = true
				v.lay.relayout()
				want := tvLayoutOf(v)
				if diff := tvDiff(got, want); diff != "" {
					t.Fatalf("step %d, after %s:\n%s\n(edits: %s)", step, what, diff, strings.Join(done, "; "))
				}
				if rel && !strings.HasPrefix(what, "move") && !strings.HasPrefix(what, "remove span") {
					if redone > 2 {
						t.Fatalf("step %d, %s: the arcs of %d lines made again, want those of its 2 lines at most", step, what, redone)
					}
					local++
				}
			}
			if local < 100 {
				t.Errorf("%d relation edits checked for locality, want 100 or more", local)
			}
		})
	}
}
