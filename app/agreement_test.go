package app

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// handOut drives File → Hand out to annotators…: the names, the seed and
// the folder typed in, Hand out tapped.
func handOut(t *testing.T, ws *workspace, names, dir string) {
	t.Helper()
	ws.onHandOut()
	f := ws.handOutForm
	if f == nil || !ws.modal() {
		t.Fatal("Hand out to annotators… shows no form")
	}
	test.Type(f.names, names)
	f.seed.SetText("3")
	f.folder.entry.SetText(dir)
	tapButton(t, ws.win.Canvas().Overlays().Top(), "Hand out")
	waitIdle(t, ws)
}

// TestHandOutAndAgreement: the fixture's project handed out to lin and
// wang from the window; each copy annotated through the model (lin: LOC
// on 上海 and ORG on 北京大学; wang: LOC on 上海 only); Corpus →
// Agreement… over the copies measures them (F1 exact 2/3: one match of
// 2 + 1 spans), its chart holds the pair's F1, and Save chart as PNG
// writes a PNG that decodes.
func TestHandOutAndAgreement(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	dir := t.TempDir()

	handOut(t, ws, "lin", dir)
	if ws.lastErr == nil || !strings.Contains(ws.lastErr.Error(), "two or more annotators") {
		t.Errorf("one annotator: error %v, want a request for two or more", ws.lastErr)
	}
	for ws.modal() {
		ws.win.Canvas().Overlays().Top().Hide()
		ws.win.Canvas().Overlays().Remove(ws.win.Canvas().Overlays().Top())
	}
	ws.lastErr = nil
	handOut(t, ws, "lin, wang", dir)
	if ws.lastErr != nil {
		t.Fatalf("hand out: %v", ws.lastErr)
	}
	base := strings.TrimSuffix(filepath.Base(f.path), ".biaozhu")
	var copies []string
	for _, who := range []string{"lin", "wang"} {
		path := filepath.Join(dir, base+"-"+who+".biaozhu")
		copies = append(copies, path)
		p, err := annotate.Open(path, annotate.Options{NoBackup: true})
		if err != nil {
			t.Fatalf("the copy for %s: %v", who, err)
		}
		if name, _ := p.HandedTo(); name != who {
			t.Errorf("%s: handed to %q, want %q", path, name, who)
		}
		list, _ := p.Documents()
		if len(list) != 2 {
			t.Errorf("%s: %d documents, want 2", path, len(list))
		}
		id := list[0].ID // 一.txt: 北京大学的学生在上海工作。…
		spans := []annotate.Span{{Layer: "entity", Label: "LOC", Start: 8, End: 10}}
		if who == "lin" {
			spans = append(spans, annotate.Span{Layer: "entity", Label: "ORG", Start: 0, End: 4})
		}
		for _, s := range spans {
			if _, err := p.Apply(id, annotate.AddSpan{Span: s}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}

	// A copy opened in the window: its spans are the annotator's.
	ws.closeProject()
	p, err := annotate.Open(copies[1], annotate.Options{NoBackup: true, Annotator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	ws.setProject(p)
	ws.view.Select(5, 7) // 学生 of 北京大学的学生在上海工作
	f.typeRunes("1")     // PER
	var made []string
	var id int64
	for _, s := range ws.doc.Spans {
		if s.Start == 5 {
			made, id = append(made, s.Label+" "+s.Annotator), s.ID
		}
	}
	if len(made) != 1 || made[0] != "PER wang" {
		t.Errorf("a span made in wang's copy: %q, want PER by wang", made)
	}
	ws.apply(annotate.RemoveSpan{ID: id})
	ws.closeProject()

	v := ws.showAgreement(copies)
	tapButton(t, ws.win.Canvas().Overlays().Top(), "Measure")
	waitIdle(t, ws)
	if ws.lastErr != nil || v.report == nil {
		t.Fatalf("measure: %v", ws.lastErr)
	}
	l := v.report.Layers["entity"]
	if l == nil || len(l.Pairs) != 1 || l.Pairs[0].F1Exact == nil || *l.Pairs[0].F1Exact != 2.0/3 {
		t.Fatalf("entity layer %+v, want one pair with F1 exact 2/3", l)
	}
	shown := false
	for _, o := range test.LaidOutObjects(ws.win.Canvas().Overlays().Top()) {
		if lb, ok := o.(*widget.Label); ok && lb.Text == "lin – wang" {
			shown = true
		}
	}
	if !shown {
		t.Error("the dialog does not show the pair lin – wang")
	}
	found := false
	for _, c := range v.charts {
		for _, b := range c.bars {
			if b.Label == "lin–wang" && b.Value == *l.Pairs[0].F1Overlap && b.Text == "0.667" {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("charts %+v lack the pair's F1", v.charts)
	}

	tapButton(t, ws.win.Canvas().Overlays().Top(), "Save chart as PNG…")
	form := ws.win.Canvas().Overlays().Top()
	var entries []*widget.Entry
	for _, o := range test.LaidOutObjects(form) {
		if e, ok := entryOf(o); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 || entries[1].Text != "agreement.png" {
		t.Fatalf("the PNG form has entries %d (name %q), want folder and agreement.png", len(entries), entries[len(entries)-1].Text)
	}
	entries[0].SetText(dir)
	tapButton(t, form, "Save")
	fh, err := os.Open(filepath.Join(dir, "agreement.png"))
	if err != nil {
		t.Fatalf("the chart was not saved: %v (error shown: %v)", err, ws.lastErr)
	}
	defer fh.Close()
	if img, err := png.Decode(fh); err != nil || img.Bounds().Dx() != 2*statsWidth {
		t.Errorf("agreement.png: %v, width %v; want a PNG %d wide", err, img, 2*statsWidth)
	}
}

// TestAgreementRelations: Corpus → Agreement… over two copies with a
// relation layer: lin has works_for 北京大学→学生 and knows 学生→上海,
// wang works_for 北京大学→学生 and works_for 学生→上海 (the same ends,
// another type): labelled F1 1/2 (one of two and two), unlabelled 1. The
// dialog shows the relation layer's table and charts the pair's F1.
func TestAgreementRelations(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	dir := t.TempDir()
	schema := annotate.DefaultSchema()
	schema.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{{Name: "works_for"}, {Name: "knows"}}}}
	var copies []string
	for _, c := range []struct{ who, second string }{{"lin", "knows"}, {"wang", "works_for"}} {
		path := filepath.Join(dir, c.who+".biaozhu")
		p, err := annotate.Create(path, schema, annotate.Options{NoBackup: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.SetHandedTo(c.who); err != nil {
			t.Fatal(err)
		}
		d := testDoc("一.txt", []string{"北京大学", "的", "学生", "在", "上海", "工作", "。"}, []string{"nt", "uj", "n", "p", "ns", "vn", "x"})
		d.Status = annotate.StatusDone
		d.Spans = []annotate.Span{{ID: 1, Layer: "entity", Label: "ORG", Start: 0, End: 4}, {ID: 2, Layer: "entity", Label: "PER", Start: 5, End: 7},
			{ID: 3, Layer: "entity", Label: "LOC", Start: 8, End: 10}}
		d.Relations = []annotate.Relation{{Layer: "rel", Type: "works_for", From: 2, To: 1}, {Layer: "rel", Type: c.second, From: 2, To: 3}}
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, path)
	}
	v := ws.showAgreement(copies)
	tapButton(t, ws.win.Canvas().Overlays().Top(), "Measure")
	waitIdle(t, ws)
	if ws.lastErr != nil || v.report == nil {
		t.Fatalf("measure: %v", ws.lastErr)
	}
	var labels []string
	for _, o := range test.LaidOutObjects(ws.win.Canvas().Overlays().Top()) {
		if lb, ok := o.(*widget.Label); ok {
			labels = append(labels, lb.Text)
		}
	}
	text := strings.Join(labels, "\n")
	for _, want := range []string{"Relation layer rel · documents: 1 · relations: 4", "F1 labelled\nF1 unlabelled\n(all)\n0.500\n1.000", "lin – wang\n1\n0.500\n1.000"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dialog shows\n%s\nwant %q", text, want)
		}
	}
	found := false
	for _, c := range v.charts {
		for _, b := range c.bars {
			if c.title == "F1 (from, to, type) per pair (rel)" && b.Label == "lin–wang" && b.Value == 0.5 {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("charts %+v lack the pair's relation F1", v.charts)
	}
}
