package app

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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

// listSelected is the rows selected in list l (widget.List does not say).
func listSelected(l *widget.List) []int {
	v := reflect.ValueOf(l).Elem().FieldByName("selected")
	out := make([]int, v.Len())
	for i := range out {
		out[i] = int(v.Index(i).Int())
	}
	return out
}

// arcPoint is a point of relation id's arc in view v: on its type tag, or
// (leg) on its leg at x0, half-way up.
func arcPoint(t *testing.T, v *textView, id int64, leg bool) fyne.Position {
	t.Helper()
	l := &v.lay
	for li, arcs := range l.lineArcs {
		for _, a := range arcs {
			if a.id != id {
				continue
			}
			ln := l.lines[li]
			y := ln.y + l.arcH(ln)
			top, tx, ty, tw, th := l.arcGeom(a, y)
			if leg {
				return fyne.NewPos(a.x0, (top+y)/2)
			}
			return fyne.NewPos(tx+tw/2, ty+th/2)
		}
	}
	t.Fatalf("relation %d has no arc in the view", id)
	return fyne.Position{}
}

// TestWorkspaceArcClickAndTypeKeys: in the type picker a relation type's
// key picks it at once (type-ahead stays: a key that starts a type's name
// only puts its type first); a click on an arc (its tag or a leg) selects
// the relation, in the relation list and in the view, without moving the
// cursor; with a relation selected, a type's key retypes it, R reverses
// it, Enter opens the type picker and Delete deletes it (not its span);
// moving the cursor leaves it; in relation mode a type's key at the
// target makes the relation at once. What is stored is checked in the
// project file.
func TestWorkspaceArcClickAndTypeKeys(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	s := ws.proj.Schema()
	s.Relations = []annotate.RelationLayer{{Name: "rel", Types: []annotate.RelationType{
		{Name: "located_in"}, {Name: "near", Key: "j"}, {Name: "member_of", Key: "m"}, {Name: "mentions"},
	}}, {Name: "other", Types: []annotate.RelationType{{Name: "same_as", Key: "k"}}}}
	if err := ws.proj.SetSchema(s); err != nil {
		t.Fatal(err)
	}
	ws.refreshSchema()
	ws.view.Select(0, 4) // 北京大学 ORG
	f.typeRunes("3")
	ws.view.Select(8, 10) // 上海 LOC
	f.typeRunes("2")
	org, loc := ws.doc.Spans[0], ws.doc.Spans[1]
	check := func(when string, want ...annotate.Relation) {
		t.Helper()
		for _, src := range []struct {
			name string
			rels []annotate.Relation
		}{{"document", ws.doc.Relations}, {"project file", f.stored(ws.doc.ID).Relations}} {
			if len(src.rels) != len(want) {
				t.Fatalf("%s: %s relations %+v, want %+v", when, src.name, src.rels, want)
			}
			for i, g := range src.rels {
				if g.Layer != want[i].Layer || g.Type != want[i].Type || g.From != want[i].From || g.To != want[i].To {
					t.Fatalf("%s: %s relation %+v, want %+v", when, src.name, g, want[i])
				}
			}
		}
		if len(ws.doc.Spans) != 2 {
			t.Fatalf("%s: spans %+v, want ORG and LOC", when, ws.doc.Spans)
		}
	}
	// r, the target, Enter: in the picker the key j picks near at once.
	ws.view.SelectSpan(org.ID)
	f.typeRunes("r")
	ws.view.SelectSpan(loc.ID)
	f.key(fyne.KeyReturn)
	e, ok := ws.win.Canvas().Focused().(*keyEntry)
	if !ok {
		t.Fatalf("after Enter the keyboard is with %T, want the type picker", ws.win.Canvas().Focused())
	}
	test.Type(e, "j")
	if ws.modal() {
		t.Fatalf("the picker is still open after its key j")
	}
	check("after r, Enter and the key j", annotate.Relation{Layer: "rel", Type: "near", From: org.ID, To: loc.ID})
	rel := ws.doc.Relations[0]

	// A click on the arc's type tag selects the relation; the cursor
	// stays.
	ws.view.Select(ws.doc.Tokens[10].Start, ws.doc.Tokens[10].End) // 很
	if ws.selRel != 0 {
		t.Fatalf("the cursor moved: relation %d still selected", ws.selRel)
	}
	cur := ws.view.Cursor()
	tvMouse(ws.view, arcPoint(t, ws.view, rel.ID, false), 0)
	selected := func(when string, id int64) {
		t.Helper()
		if ws.selRel != id || ws.view.selRel != id {
			t.Fatalf("%s: relation selected %d, drawn selected %d; want %d", when, ws.selRel, ws.view.selRel, id)
		}
		want := []int{}
		for i, r := range ws.relItems {
			if r.ID == id {
				want = append(want, i)
			}
		}
		if got := listSelected(ws.relList); !slices.Equal(got, want) {
			t.Fatalf("%s: relation list rows selected %v, want %v", when, got, want)
		}
	}
	selected("after a click on the tag", rel.ID)
	if ws.view.Cursor() != cur {
		t.Errorf("a click on the arc moved the cursor from token %d to %d", cur, ws.view.Cursor())
	}
	if got := ws.statusSave.Text; !strings.Contains(got, "—near→") {
		t.Errorf("status %q, want the relation named", got)
	}
	thick := 0
	for _, o := range test.WidgetRenderer(ws.view).Objects() {
		if l, ok := o.(*canvas.Line); ok && l.Visible() && l.StrokeWidth > 2 {
			thick++
		}
	}
	if thick < 3 {
		t.Errorf("%d thick line segments drawn, want the selected arc's", thick)
	}
	// Its key retypes it; R reverses it.
	f.typeRunes("m")
	check("after the key m", annotate.Relation{Layer: "rel", Type: "member_of", From: org.ID, To: loc.ID})
	tvMouse(ws.view, arcPoint(t, ws.view, rel.ID, true), 0) // its leg this time
	selected("after a click on the leg", rel.ID)
	f.typeRunes("R")
	check("after R", annotate.Relation{Layer: "rel", Type: "member_of", From: loc.ID, To: org.ID})
	// A key of another layer's type is refused with a message.
	tvMouse(ws.view, arcPoint(t, ws.view, rel.ID, false), 0)
	f.typeRunes("k")
	if got := ws.statusSave.Text; !strings.Contains(got, "same_as") {
		t.Errorf("status after the key of another layer's type: %q, want it named", got)
	}
	// Enter: the picker; type-ahead "men" picks mentions.
	f.key(fyne.KeyReturn)
	pickFirst(t, ws, "men")
	check("after Enter and men", annotate.Relation{Layer: "rel", Type: "mentions", From: loc.ID, To: org.ID})
	// m starts member_of and mentions: not picked at once, member_of
	// (its key) first.
	tvMouse(ws.view, arcPoint(t, ws.view, rel.ID, false), 0)
	f.key(fyne.KeyReturn)
	pickFirst(t, ws, "m")
	check("after Enter, m and Enter", annotate.Relation{Layer: "rel", Type: "member_of", From: loc.ID, To: org.ID})
	// Delete deletes the relation, not its span; undo brings it back.
	tvMouse(ws.view, arcPoint(t, ws.view, rel.ID, false), 0)
	f.key(fyne.KeyDelete)
	check("after Delete")
	f.menu(&fyne.ShortcutUndo{})
	check("after undo", annotate.Relation{Layer: "rel", Type: "member_of", From: loc.ID, To: org.ID})
	// Esc leaves the selection; so does a click on the text, even on
	// the token of the cursor.
	tvMouse(ws.view, arcPoint(t, ws.view, rel.ID, false), 0)
	f.key(fyne.KeyEscape)
	selected("after Esc", 0)
	tvMouse(ws.view, arcPoint(t, ws.view, rel.ID, false), 0)
	tvMouse(ws.view, tvAt(ws.view, ws.view.Cursor()), 0)
	selected("after a click on the cursor's token", 0)
	// Relation mode: a type's key at the target makes the relation at once.
	ws.view.SelectSpan(org.ID)
	f.typeRunes("r")
	ws.view.SelectSpan(loc.ID)
	f.typeRunes("j")
	check("after r and the key j at the target",
		annotate.Relation{Layer: "rel", Type: "member_of", From: loc.ID, To: org.ID},
		annotate.Relation{Layer: "rel", Type: "near", From: org.ID, To: loc.ID})
}
