package app

import (
	"context"
	"image/color"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/agree"
)

// curationWS merges three annotators' copies of 张三和李四在北京见了王五。
// (lin: PER 张三, PER 李四, LOC 北京; wang: PER 张三, PER 李四, PER 北京;
// zhao: PER 张三, LOC 李四; -accept agreed: 张三 pre-accepted) and opens
// the curation project in a workspace in a test window.
func curationWS(t *testing.T) (*workspace, int64) {
	t.Helper()
	return curationWSWith(t, nil, nil)
}

// curationWSWith is curationWS with a relation layer "rel" (types knows
// and meets) and each annotator's relations, their ends the IDs 1, 2, 3
// of the annotator's spans (in curationWS's order), when rels is not nil.
func curationWSWith(t *testing.T, schema *annotate.Schema, rels map[string][]annotate.Relation) (*workspace, int64) {
	t.Helper()
	dir := t.TempDir()
	sp := func(label string, s, e int) annotate.Span {
		return annotate.Span{Layer: "entity", Label: label, Start: s, End: e, Origin: annotate.OriginManual}
	}
	versions := map[string][]annotate.Span{
		"lin":  {sp("PER", 0, 2), sp("PER", 3, 5), sp("LOC", 6, 8)},
		"wang": {sp("PER", 0, 2), sp("PER", 3, 5), sp("PER", 6, 8)},
		"zhao": {sp("PER", 0, 2), sp("LOC", 3, 5)},
	}
	var paths []string
	for _, who := range []string{"lin", "wang", "zhao"} {
		path := filepath.Join(dir, who+".biaozhu")
		p, err := annotate.Create(path, schema, annotate.Options{NoBackup: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.SetHandedTo(who); err != nil {
			t.Fatal(err)
		}
		d := testDoc("会面.txt", []string{"张三", "和", "李四", "在", "北京", "见", "了", "王五", "。"},
			[]string{"nr", "c", "nr", "p", "ns", "v", "ul", "nr", "x"})
		d.Status, d.Spans, d.Relations = annotate.StatusDone, versions[who], rels[who]
		if rels != nil {
			for i := range d.Spans {
				d.Spans[i].ID = int64(i + 1)
			}
		}
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	gold := filepath.Join(dir, "gold.biaozhu")
	if _, err := agree.Merge(context.Background(), gold, paths, agree.AcceptAgreed); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	if err := useLanguage("en"); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	ws := newWorkspace(a, w)
	ws.indexAtOpen = false
	a.Settings().SetTheme(themeFor("light"))
	w.SetContent(ws.root)
	w.Resize(fyne.NewSize(1200, 800))
	p, err := annotate.Open(gold, annotate.Options{NoBackup: true, Annotator: "curator"})
	if err != nil {
		t.Fatal(err)
	}
	ws.prefs.SetString("annotator", "curator")
	ws.setProject(p)
	t.Cleanup(func() { ws.closeProject() })
	return ws, ws.doc.ID
}

// storedCurated is the curated layer as the file has it: label, text and
// annotator of each span.
func storedCurated(t *testing.T, ws *workspace, id int64) []string {
	t.Helper()
	d, err := ws.proj.AnnotatedText(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range d.Spans {
		if s.Layer == "entity" {
			out = append(out, s.Label+" "+d.Slice(s.Start, s.End))
		}
	}
	return out
}

// barText is every label and button text of the curation bar.
func barText(ws *workspace) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(ws.curBar) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		}
	}
	return b.String()
}

// TestCurationView: a curation project opens in the curation mode with
// its open decisions counted in the document list; ] goes to the first
// open decision (李四) and selects it; 2 accepts wang's version (PER) as
// one step, stored, named after wang and the curator, and moves on to
// 北京; undo takes it back; 0 declines 北京; All of zhao decides the rest.
func TestCurationView(t *testing.T) {
	ws, id := curationWS(t)
	if !ws.curating() {
		t.Fatal("a curation project did not open in the curation mode")
	}
	if got := ws.curationProgress(id); got != " · 2 open decisions" {
		t.Errorf("the document list says %q, want 2 open decisions", got)
	}
	if got := storedCurated(t, ws, id); strings.Join(got, ",") != "PER 张三" {
		t.Errorf("curated at the start %q, want PER 张三 (agreed)", got)
	}
	ws.view.TypedRune(']')
	if s, e := ws.view.Selection(); s != 3 || e != 5 {
		t.Errorf("] selects [%d,%d), want 李四 [3,5)", s, e)
	}
	if bar := barText(ws); !strings.Contains(bar, `"李四" · disagreed`) || !strings.Contains(bar, "2  wang: PER 李四") || !strings.Contains(bar, "3  zhao: LOC 李四") {
		t.Errorf("the bar shows\n%s", bar)
	}
	ws.view.TypedRune('2')
	if got := storedCurated(t, ws, id); strings.Join(got, ",") != "PER 张三,PER 李四" {
		t.Errorf("curated after 2: %q, want PER 张三, PER 李四", got)
	}
	h, _ := ws.proj.History(id)
	if e := h.Done[len(h.Done)-1]; e.Name != "accept wang's version of [3,5) in entity (decided by curator)" {
		t.Errorf("the step is %q", e.Name)
	}
	for _, s := range ws.doc.Spans {
		if s.Layer == "entity" && s.Start == 3 && s.Annotator != "wang" {
			t.Errorf("the accepted span's annotator is %q, want wang", s.Annotator)
		}
	}
	if s, e := ws.view.Selection(); s != 6 || e != 8 {
		t.Errorf("after deciding, the selection is [%d,%d), want the next open decision 北京 [6,8)", s, e)
	}
	if got := ws.curationProgress(id); got != " · 1 open decision" {
		t.Errorf("after deciding the list says %q", got)
	}
	ws.onUndo()
	if got := storedCurated(t, ws, id); strings.Join(got, ",") != "PER 张三" {
		t.Errorf("curated after undo: %q, want PER 张三", got)
	}
	if got := ws.curationProgress(id); got != " · 2 open decisions" {
		t.Errorf("after undo the list says %q", got)
	}
	ws.view.Select(0, 0)
	ws.curation.at = 1 // 李四
	ws.view.TypedRune(']')
	ws.view.TypedRune('0') // 北京: none
	if got := ws.curationProgress(id); got != " · 1 open decision" {
		t.Errorf("after 0 the list says %q", got)
	}
	if got := storedCurated(t, ws, id); strings.Join(got, ",") != "PER 张三" {
		t.Errorf("curated after declining 北京: %q", got)
	}
	tapButton(t, ws.curBar, "All of zhao")
	if got := storedCurated(t, ws, id); strings.Join(got, ",") != "PER 张三,LOC 李四" {
		t.Errorf("curated after All of zhao: %q, want PER 张三, LOC 李四", got)
	}
	if got := ws.curationProgress(id); got != " · 0 open decisions" {
		t.Errorf("after All of zhao the list says %q", got)
	}
	// Outside the mode the number keys are label keys again.
	ws.onToggleCuration()
	if ws.curating() || ws.curBar.Visible() {
		t.Error("the curation mode did not turn off")
	}
}

// TestCurationRelations: lin links 张三 knows 李四, wang 张三 meets 李四.
// The bar counts the relation decision; Next relation selects 张三…李四
// and shows both versions, and that 李四 (not agreed: zhao has LOC) must
// be decided first (agree.DecideRelations refuses until then). Once 李四 is
// decided (1: lin's PER), taking wang's is one step, stored between the
// curated spans, named after wang and the curator; undo opens it again.
func TestCurationRelations(t *testing.T) {
	schema := annotate.DefaultSchema()
	schema.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{{Name: "knows"}, {Name: "meets"}}}}
	rel := func(typ string) []annotate.Relation {
		return []annotate.Relation{{Layer: "rel", Type: typ, From: 1, To: 2, Origin: annotate.OriginManual}}
	}
	ws, id := curationWSWith(t, schema, map[string][]annotate.Relation{"lin": rel("knows"), "wang": rel("meets")})
	if bar := barText(ws); !strings.Contains(bar, "Relations: 1 open decision of 1 in this document") {
		t.Errorf("the bar shows\n%s", bar)
	}
	tapButton(t, ws.curBar, "}  Next relation")
	if s, e := ws.view.Selection(); s != 0 || e != 5 {
		t.Errorf("Next relation selects [%d,%d), want 张三…李四 [0,5)", s, e)
	}
	bar := barText(ws)
	for _, want := range []string{`Relation 1 of 1 · rel · PER "张三" → PER "李四" · only lin, wang · decide the spans first`, "Take lin's: knows", "Take wang's: meets", "Take zhao's: nothing"} {
		if !strings.Contains(bar, want) {
			t.Errorf("the bar shows\n%s\nwant %q", bar, want)
		}
	}
	stored := func() []string {
		d, err := ws.proj.AnnotatedText(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range d.Relations {
			if r.Layer != "rel" {
				continue
			}
			from, _ := d.Span(r.From)
			to, _ := d.Span(r.To)
			out = append(out, r.Type+" "+d.Slice(from.Start, from.End)+"→"+d.Slice(to.Start, to.End)+" "+from.Layer+"/"+to.Layer)
		}
		return out
	}
	ws.view.TypedRune(']') // 李四
	ws.view.TypedRune('1') // lin's: PER
	if bar := barText(ws); !strings.Contains(bar, `Relation 1 of 1 · rel · PER "张三" → PER "李四" · only lin, wang`+"\n") {
		t.Errorf("with 李四 decided the bar shows\n%s", bar)
	}
	tapButton(t, ws.curBar, "Take wang's: meets")
	if got := stored(); strings.Join(got, ",") != "meets 张三→李四 entity/entity" {
		t.Errorf("curated relations after taking wang's: %q, want meets 张三→李四 between curated spans", got)
	}
	h, _ := ws.proj.History(id)
	if e := h.Done[len(h.Done)-1]; e.Name != "accept wang's relations PER [0,2) → PER [3,5) in rel (decided by curator)" {
		t.Errorf("the step is %q", e.Name)
	}
	if bar := barText(ws); !strings.Contains(bar, "Relations: 0 open decisions of 1 in this document") {
		t.Errorf("after deciding the bar shows\n%s", bar)
	}
	ws.onUndo()
	if got := stored(); len(got) != 0 {
		t.Errorf("curated relations after undo: %q, want none", got)
	}
	if bar := barText(ws); !strings.Contains(bar, "Relations: 1 open decision of 1 in this document") {
		t.Errorf("after undo the bar shows\n%s", bar)
	}
}

// TestCurationLanes: the annotators' lanes name the annotator in each
// tag and colour each span by its place's agreement: 张三 agreed (all
// PER), 李四 disagreed (zhao LOC), 北京 only some (zhao nothing); once 李四
// is decided its spans turn to decided. Checked on the spans' styles and
// on what the view draws (tags and bars of those colours); the legend
// names the classes. Outside the curation mode the labels' colours and
// names are back.
func TestCurationLanes(t *testing.T) {
	ws, _ := curationWS(t)
	colorOf := map[string]color.NRGBA{}
	for _, c := range curationClasses {
		colorOf[c.name] = c.color
	}
	lanes := func() map[string]string {
		out := map[string]string{}
		for _, s := range ws.doc.Spans {
			c, tag, ok := ws.curationSpanStyle(s)
			if !ok {
				continue
			}
			class := "?"
			for name, cc := range colorOf {
				if cc == c {
					class = name
				}
			}
			out[ws.doc.Slice(s.Start, s.End)+" "+tag] = class
		}
		return out
	}
	want := map[string]string{
		"张三 lin: PER": classAgreed, "张三 wang: PER": classAgreed, "张三 zhao: PER": classAgreed,
		"李四 lin: PER": classDisagreed, "李四 wang: PER": classDisagreed, "李四 zhao: LOC": classDisagreed,
		"北京 lin: LOC": classSome, "北京 wang: PER": classSome,
	}
	if got := lanes(); !maps.Equal(got, want) {
		t.Errorf("lanes %v, want %v", got, want)
	}
	// What the view draws: the tags, and a bar edge of each class's colour.
	drawn := func() (texts map[string]bool, colors map[color.Color]bool) {
		texts, colors = map[string]bool{}, map[color.Color]bool{}
		for _, o := range test.LaidOutObjects(ws.view) {
			switch o := o.(type) {
			case *canvas.Text:
				texts[o.Text] = true
			case *canvas.Rectangle:
				colors[o.FillColor] = true
			}
		}
		return texts, colors
	}
	texts, colors := drawn()
	for _, tag := range []string{"lin: PER", "wang: PER", "zhao: LOC", "lin: LOC"} {
		if !texts[tag] {
			t.Errorf("the view draws no tag %q (tags %v)", tag, texts)
		}
	}
	for _, class := range []string{classAgreed, classDisagreed, classSome} {
		if !colors[colorOf[class]] {
			t.Errorf("the view draws no bar of %s's colour", class)
		}
	}
	if colors[colorOf[classDecided]] {
		t.Errorf("the view draws a decided bar before any decision")
	}
	if bar := barText(ws); !strings.Contains(bar, "Annotators' lanes:\nagreed\ndisagreed\nonly some\ndecided\n") {
		t.Errorf("the legend reads\n%s", bar)
	}
	ws.view.TypedRune(']') // 李四
	ws.view.TypedRune('2') // wang's
	want["李四 lin: PER"], want["李四 wang: PER"], want["李四 zhao: LOC"] = classDecided, classDecided, classDecided
	if got := lanes(); !maps.Equal(got, want) {
		t.Errorf("after deciding 李四: lanes %v, want %v", got, want)
	}
	if _, colors := drawn(); !colors[colorOf[classDecided]] {
		t.Errorf("after deciding 李四 the view draws no decided bar")
	}
	ws.onToggleCuration()
	if texts, colors := drawn(); texts["lin: PER"] || colors[colorOf[classDisagreed]] || !texts["PER"] {
		t.Errorf("outside the curation mode the view still draws the lanes' names or colours")
	}
}
