package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// relationRows are the rows of the relation list as laid out.
func relationRows(ws *workspace) []*relationRow {
	var out []*relationRow
	for _, o := range test.LaidOutObjects(ws.relList) {
		if r, ok := o.(*relationRow); ok && r.Visible() && r.rel.ID != 0 {
			out = append(out, r)
		}
	}
	return out
}

// pickFirst chooses the first row of the picker open on top, with Enter.
func pickFirst(t *testing.T, ws *workspace, typed string) {
	t.Helper()
	e, ok := ws.win.Canvas().Focused().(*keyEntry)
	if !ok {
		t.Fatalf("the keyboard is with %T, want the picker's entry", ws.win.Canvas().Focused())
	}
	if typed != "" {
		test.Type(e, typed)
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// TestWorkspaceRelationMode: r on a span, move to another, Enter, pick the
// type: the relation is in the document, the relation list and the file;
// the list retypes, reverses and deletes it, and undo brings it back;
// a type whose constraint refuses the spans is refused with a message
// naming it, and Esc leaves relation mode.
func TestWorkspaceRelationMode(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	if ws.relPane.Visible() {
		t.Errorf("the relation list is shown for a schema without relation layers")
	}
	s := ws.proj.Schema()
	s.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{
		{Name: "located_in", Arg1: []annotate.LabelRef{{Layer: "entity", Label: "ORG"}}, Arg2: []annotate.LabelRef{{Layer: "entity", Label: "LOC"}}},
		{Name: "near"},
	}}}
	if err := ws.proj.SetSchema(s); err != nil {
		t.Fatal(err)
	}
	ws.refreshSchema()
	if !ws.relPane.Visible() {
		t.Errorf("the relation list is hidden for a schema with relation layers")
	}
	// 北京大学 ORG, 上海 LOC.
	ws.view.Select(0, 4)
	f.typeRunes("3")
	ws.view.Select(8, 10)
	f.typeRunes("2")
	if len(ws.doc.Spans) != 2 {
		t.Fatalf("spans %v, want ORG and LOC", ws.doc.Spans)
	}
	org, loc := ws.doc.Spans[0], ws.doc.Spans[1]

	ws.view.SelectSpan(org.ID)
	f.typeRunes("r")
	if ws.relFrom != org.ID {
		t.Fatalf("after r: relation mode from %d, want %d", ws.relFrom, org.ID)
	}
	ws.view.SelectSpan(loc.ID)
	f.key(fyne.KeyReturn)
	pickFirst(t, ws, "located")
	want := []annotate.Relation{{Layer: "rel", Type: "located_in", From: org.ID, To: loc.ID}}
	check := func(when string, want []annotate.Relation) {
		t.Helper()
		got := ws.doc.Relations
		if len(got) != len(want) {
			t.Fatalf("%s: relations %+v, want %+v", when, got, want)
		}
		for i := range want {
			if g := got[i]; g.Layer != want[i].Layer || g.Type != want[i].Type || g.From != want[i].From || g.To != want[i].To {
				t.Fatalf("%s: relation %+v, want %+v", when, g, want[i])
			}
		}
		if len(ws.relItems) != len(want) {
			t.Errorf("%s: the relation list has %d rows, want %d", when, len(ws.relItems), len(want))
		}
	}
	check("after r, Enter and the picker", want)
	if got := f.stored(ws.doc.ID).Relations; len(got) != 1 || got[0].Type != "located_in" {
		t.Fatalf("project file: relations %+v, want located_in", got)
	}
	rows := relationRows(ws)
	if len(rows) != 1 || rows[0].text.Text != "北京大学 —located_in→ 上海" {
		t.Fatalf("relation list rows %v, want 北京大学 —located_in→ 上海", rows)
	}

	// Reversing is refused: located_in goes from an ORG to a LOC.
	test.Tap(rows[0].reverse)
	check("after a refused reverse", want)
	if got := ws.statusSave.Text; ws.statusSave.Importance != widget.DangerImportance || !strings.Contains(got, "relation type rel/located_in goes from entity/ORG") {
		t.Errorf("status after a refused reverse: %q, want the refusal naming the type's constraint", got)
	}
	// Retype to near, then reverse.
	test.Tap(relationRows(ws)[0].retype)
	pickFirst(t, ws, "near")
	test.Tap(relationRows(ws)[0].reverse)
	check("after retype and reverse", []annotate.Relation{{Layer: "rel", Type: "near", From: loc.ID, To: org.ID}})
	// Delete, then undo.
	test.Tap(relationRows(ws)[0].del)
	check("after delete", nil)
	f.menu(&fyne.ShortcutUndo{})
	check("after undo", []annotate.Relation{{Layer: "rel", Type: "near", From: loc.ID, To: org.ID}})
	// Deleting a span deletes its relation; undo brings both back.
	ws.view.SelectSpan(org.ID)
	f.key(fyne.KeyDelete)
	check("after deleting the span", nil)
	f.menu(&fyne.ShortcutUndo{})
	check("after undo", []annotate.Relation{{Layer: "rel", Type: "near", From: loc.ID, To: org.ID}})

	// Esc leaves relation mode; Enter then accepts as before.
	ws.view.SelectSpan(org.ID)
	f.typeRunes("r")
	f.key(fyne.KeyEscape)
	if ws.relFrom != 0 {
		t.Errorf("after Esc: relation mode from %d, want off", ws.relFrom)
	}
}
