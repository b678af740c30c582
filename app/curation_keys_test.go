package app

import (
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// TestCurationRelationKeys: lin links 张三 knows 李四, wang 张三 meets 李四,
// zhao nothing. The document list counts the relation decision with the
// two span decisions (3); the bar says "1 open decision" (singular).
// ] takes the span decision 李四, } the relation decision, and from then
// on 0 declines the relation (not 李四): recorded, counted as decided,
// named after the curator; undo opens it again. ] and the number keys
// decide 北京 and 李四; } and 2 take wang's meets between the curated
// spans; 0 again replaces it by none. Reopened, the file has the curated
// spans, no curated relation, the declined place, and the steps.
func TestCurationRelationKeys(t *testing.T) {
	schema := annotate.DefaultSchema()
	schema.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{{Name: "knows"}, {Name: "meets"}}}}
	rel := func(typ string) []annotate.Relation {
		return []annotate.Relation{{Layer: "rel", Type: typ, From: 1, To: 2, Origin: annotate.OriginManual}}
	}
	ws, id := curationWSWith(t, schema, map[string][]annotate.Relation{"lin": rel("knows"), "wang": rel("meets")})
	progress := func(want string) {
		t.Helper()
		if got := ws.curationProgress(id); got != " · "+want {
			t.Errorf("the document list says %q, want %q", got, want)
		}
	}
	inBar := func(want ...string) {
		t.Helper()
		bar := barText(ws)
		for _, w := range want {
			if !strings.Contains(bar, w) {
				t.Errorf("the bar shows\n%s\nwant %q", bar, w)
			}
		}
	}
	lastStep := func() string {
		h, _ := ws.proj.History(id)
		return h.Done[len(h.Done)-1].Name
	}
	progress("3 open decisions")
	ws.showShortcuts()
	if got := overlayText(ws.win); !strings.Contains(got, "} {") || !strings.Contains(got, "Curation: next / previous open relation decision") {
		t.Errorf("the shortcuts dialog lists no relation decision keys:\n%s", got)
	}
	tapButton(t, ws.win.Canvas().Overlays().Top(), "Close")
	inBar("Curation: 2 open decisions of 3 in this document", "Relations: 1 open decision of 1 in this document",
		"Keys 0–9: the span decision; } { the relation decisions")
	ws.view.TypedRune(']') // 李四
	ws.view.TypedRune('}')
	if s, e := ws.view.Selection(); s != 0 || e != 5 {
		t.Errorf("} selects [%d,%d), want 张三…李四 [0,5)", s, e)
	}
	inBar("Keys 0–9: this relation decision; ] [ the span decisions", "1  Take lin's: knows", "0  Take none", "\nzhao: LOC 李四\n")
	ws.view.TypedRune('0')
	progress("2 open decisions")
	inBar("Relations: 0 open decisions of 1 in this document", "Curation: 2 open decisions of 3 in this document")
	if got := storedCurated(t, ws, id); strings.Join(got, ",") != "PER 张三" {
		t.Errorf("curated spans after 0 on the relation: %q, want PER 张三 (李四 still open)", got)
	}
	if got := lastStep(); got != "accept no relation PER [0,2) → PER [3,5) in rel (decided by curator)" {
		t.Errorf("the step is %q", got)
	}
	ws.onUndo()
	progress("3 open decisions")
	inBar("Relations: 1 open decision of 1 in this document")
	ws.view.TypedRune(']') // the number keys back to spans: 北京
	ws.view.TypedRune('1') // lin's LOC 北京; on to 李四
	inBar("Curation: 1 open decision of 3 in this document")
	ws.view.TypedRune('1') // lin's PER 李四
	if got := storedCurated(t, ws, id); strings.Join(got, ",") != "PER 张三,PER 李四,LOC 北京" {
		t.Errorf("curated spans after ] 1 1: %q, want PER 张三, PER 李四, LOC 北京", got)
	}
	progress("1 open decision")
	ws.view.TypedRune('}')
	ws.view.TypedRune('2') // wang's meets
	progress("0 open decisions")
	if got := lastStep(); got != "accept wang's relations PER [0,2) → PER [3,5) in rel (decided by curator)" {
		t.Errorf("the step is %q", got)
	}
	var curated []string
	for _, r := range ws.doc.Relations {
		if r.Layer == "rel" {
			curated = append(curated, r.Type+"/"+r.Annotator)
		}
	}
	if strings.Join(curated, ",") != "meets/wang" {
		t.Errorf("curated relations %q, want meets/wang", curated)
	}
	ws.view.TypedRune('0') // none instead
	progress("0 open decisions")
	path := ws.proj.Path()
	ws.closeProject()
	p, err := annotate.Open(path, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d, err := p.Document(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Relations {
		if r.Layer == "rel" {
			t.Errorf("reopened: a curated relation %s remains after accepting none", r.Type)
		}
	}
	want := annotate.RelationPlace{Layer: "rel", From: annotate.Span{Layer: "entity", Label: "PER", Start: 0, End: 2},
		To: annotate.Span{Layer: "entity", Label: "PER", Start: 3, End: 5}}
	if len(d.DeclinedRelations) != 1 || d.DeclinedRelations[0] != want {
		t.Errorf("reopened: declined relations %+v, want %+v", d.DeclinedRelations, want)
	}
	h, _ := p.History(id)
	if n := len(h.Done); n < 4 || !strings.HasPrefix(h.Done[n-1].Name, "accept no relation") || h.Done[n-1].Time.IsZero() {
		t.Errorf("reopened: the last step is %+v, want accept no relation …, dated", h.Done[n-1])
	}
}
