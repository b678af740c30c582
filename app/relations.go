// Relations in the workspace: relation mode (key r), the relation type
// picker and the relation list beside the span list.

package app

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// onRelationMode starts a relation from the span under the cursor (key
// r): the annotator then moves to the target span (arrows or a click) and
// presses Enter, which opens the relation type picker; Esc cancels.
func (ws *workspace) onRelationMode() {
	if ws.proj == nil || ws.doc == nil {
		return
	}
	if len(ws.proj.Schema().Relations) == 0 {
		ws.info(lang.L("The schema has no relation layer: add one in the schema editor"))
		return
	}
	sp, ok := ws.spanUnderCursor()
	if !ok {
		ws.info(lang.L("Select the span the relation starts from first"))
		return
	}
	ws.relFrom = sp.ID
	ws.info(fmt.Sprintf(lang.L("Relation from %s: move to the target span and press Enter (Esc cancels)"), ws.spanName(sp)))
}

// spanName is a span as the status bar names it: its text and label.
func (ws *workspace) spanName(sp annotate.Span) string {
	return fmt.Sprintf("“%s” %s", shorten(strings.ReplaceAll(ws.doc.Slice(sp.Start, sp.End), "\n", " "), 20), sp.Label)
}

// relationTarget ends relation mode and returns the span the relation
// begun with r starts from and the span under the cursor, its target.
func (ws *workspace) relationTarget() (from int64, to annotate.Span, ok bool) {
	from = ws.relFrom
	ws.relFrom = 0
	to, ok = ws.spanUnderCursor()
	if !ok || to.ID == from {
		ws.info(lang.L("No target span under the cursor: relation cancelled"))
		return 0, to, false
	}
	return from, to, true
}

// finishRelation takes the span under the cursor as the target of the
// relation begun with r and opens the type picker.
func (ws *workspace) finishRelation() {
	from, to, ok := ws.relationTarget()
	if !ok {
		return
	}
	var items []pickItem
	for _, l := range ws.proj.Schema().Relations {
		items = append(items, relationTypeItems(l, func(typ string) {
			ws.addRelation(annotate.Relation{Layer: l.Name, Type: typ, From: from, To: to.ID})
		})...)
	}
	ws.showRelationPicker(items)
}

// finishRelationAs makes the relation begun with r to the span under the
// cursor, of type typ of layer (a type's key typed in relation mode).
func (ws *workspace) finishRelationAs(layer, typ string) {
	from, to, ok := ws.relationTarget()
	if ok {
		ws.addRelation(annotate.Relation{Layer: layer, Type: typ, From: from, To: to.ID})
	}
}

// addRelation adds r and selects it.
func (ws *workspace) addRelation(r annotate.Relation) {
	before := len(ws.doc.Relations)
	if !ws.apply(annotate.AddRelation{Relation: r}) || len(ws.doc.Relations) <= before {
		return
	}
	for _, x := range ws.doc.Relations {
		if x.Layer == r.Layer && x.Type == r.Type && x.From == r.From && x.To == r.To {
			ws.selectRelation(x.ID)
		}
	}
}

// showRelationPicker opens the relation type picker over items: typing
// filters by name (type-ahead); a type's shortcut key typed first picks
// that type at once, unless a type's name starts with that character
// (then the keyed type comes first, and Enter picks it).
func (ws *workspace) showRelationPicker(items []pickItem) {
	p := ws.showPicker(lang.L("Relation type"), lang.L("A type's key, or part of its name"), items, func(it pickItem, q string) (int, bool) {
		if it.key != "" && strings.ToLower(it.key) == q {
			return 0, true
		}
		return 1, strings.Contains(it.search, q)
	})
	filter := p.entry.OnChanged
	p.entry.OnChanged = func(s string) {
		if k := []rune(s); len(k) == 1 {
			for _, it := range items {
				if it.key == s && !slices.ContainsFunc(items, func(o pickItem) bool {
					return strings.HasPrefix(strings.ToLower(o.name), strings.ToLower(s))
				}) {
					p.applyItem(it)
					return
				}
			}
		}
		filter(s)
	}
}

// relationTypeItems are the picker's items for the types of relation
// layer l: choosing one calls apply with its name.
func relationTypeItems(l annotate.RelationLayer, apply func(typ string)) []pickItem {
	items := make([]pickItem, 0, len(l.Types))
	for _, t := range l.Types {
		text := l.Name + " / " + t.Name
		if t.Key != "" {
			text += "  [" + t.Key + "]"
		}
		if t.Description != "" {
			text += "  " + t.Description
		}
		items = append(items, pickItem{name: t.Name, text: text, color: t.Color, key: t.Key,
			search: strings.ToLower(l.Name + " " + t.Name + " " + t.Description + " " + t.Key),
			apply:  func() { apply(t.Name) }})
	}
	return items
}

// cancelRelation ends relation mode without a relation; it reports
// whether relation mode was on.
func (ws *workspace) cancelRelation() bool {
	if ws.relFrom == 0 {
		return false
	}
	ws.relFrom = 0
	ws.info(lang.L("Relation cancelled"))
	return true
}

// onRetypeRelation opens the type picker for relation r (its layer's
// types).
func (ws *workspace) onRetypeRelation(r annotate.Relation) {
	l, ok := ws.proj.Schema().RelationLayer(r.Layer)
	if !ok {
		return
	}
	ws.showRelationPicker(relationTypeItems(*l, func(typ string) {
		ws.apply(annotate.RetypeRelation{ID: r.ID, Type: typ})
	}))
}

// relationRow is a line of the relation list: source —type→ target, with
// buttons to reverse, retype and delete the relation.
type relationRow struct {
	widget.BaseWidget
	text                 *widget.Label
	reverse, retype, del *widget.Button
	rel                  annotate.Relation
	onReverse, onRetype  func(annotate.Relation)
	onDelete             func(annotate.Relation)
}

func newRelationRow(ws *workspace) *relationRow {
	r := &relationRow{text: widget.NewLabel("")}
	r.text.Truncation = fyne.TextTruncateEllipsis
	r.reverse = widget.NewButton(lang.L("Reverse"), func() { ws.apply(annotate.ReverseRelation{ID: r.rel.ID}) })
	r.retype = widget.NewButton(lang.L("Type…"), func() { ws.onRetypeRelation(r.rel) })
	r.del = widget.NewButton(lang.L("Delete"), func() { ws.apply(annotate.RemoveRelation{ID: r.rel.ID}) })
	for _, b := range []*widget.Button{r.reverse, r.retype, r.del} {
		b.Importance = widget.LowImportance
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *relationRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, container.NewHBox(r.reverse, r.retype, r.del), r.text))
}

// set shows relation x of document d.
func (r *relationRow) set(x annotate.Relation, d *annotate.Document) {
	r.rel = x
	end := func(id int64) string {
		if sp, ok := d.Span(id); ok {
			return shorten(strings.ReplaceAll(d.Slice(sp.Start, sp.End), "\n", " "), 16)
		}
		return "?"
	}
	r.text.SetText(fmt.Sprintf("%s —%s→ %s", end(x.From), x.Type, end(x.To)))
}

// newRelationList is the relation list: a click on a relation selects its
// source span in the document.
func (ws *workspace) newRelationList() *widget.List {
	l := widget.NewList(
		func() int { return len(ws.relItems) },
		func() fyne.CanvasObject { return newRelationRow(ws) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(ws.relItems) && ws.doc != nil {
				o.(*relationRow).set(ws.relItems[id], ws.doc)
			}
		})
	l.OnSelected = func(id widget.ListItemID) {
		if ws.relListSetting || id >= len(ws.relItems) {
			return
		}
		r := ws.relItems[id]
		ws.view.SelectSpan(r.From)
		ws.pickRelation(r.ID)
		ws.focusView()
	}
	return l
}

// selectRelation makes relation id the selected one (0: none): its row in
// the relation list selected, its arc drawn thicker, and the status bar
// saying what the keys do with it. A relation not in the document selects
// none.
func (ws *workspace) selectRelation(id int64) {
	ok := false
	if id != 0 && ws.doc != nil {
		_, ok = ws.doc.Relation(id)
	}
	if !ok {
		id = 0
	}
	ws.selRel = id
	if ws.view != nil {
		ws.view.SetSelectedRelation(id)
	}
	if ws.relList == nil {
		return
	}
	ws.relListSetting = true
	defer func() { ws.relListSetting = false }()
	if !ok {
		ws.relList.UnselectAll()
		return
	}
	for i := range ws.relItems {
		if ws.relItems[i].ID == id {
			ws.relList.Select(i)
			ws.relList.ScrollTo(i)
			break
		}
	}
}

// pickRelation selects relation id (a click on its arc or its row) and
// says in the status bar what the keys do with it.
func (ws *workspace) pickRelation(id int64) {
	ws.selectRelation(id)
	if r, ok := ws.selectedRelation(); ok {
		ws.info(fmt.Sprintf(lang.L("Relation %s: a type's key or Enter retypes it, R reverses it, Delete deletes it, Esc leaves it"), ws.relationName(r)))
	}
}

// relationName is a relation as the status bar names it: “source” —type→
// “target”.
func (ws *workspace) relationName(r annotate.Relation) string {
	end := func(id int64) string {
		if sp, ok := ws.doc.Span(id); ok {
			return "“" + shorten(strings.ReplaceAll(ws.doc.Slice(sp.Start, sp.End), "\n", " "), 16) + "”"
		}
		return "?"
	}
	return end(r.From) + " —" + r.Type + "→ " + end(r.To)
}

// selectedRelation is the selected relation, if any.
func (ws *workspace) selectedRelation() (annotate.Relation, bool) {
	if ws.selRel == 0 || ws.doc == nil {
		return annotate.Relation{}, false
	}
	return ws.doc.Relation(ws.selRel)
}

// relationTypeByKey is the relation type whose shortcut key is key (keys
// are unique across the schema's relation layers).
func (ws *workspace) relationTypeByKey(key string) (layer, typ string, ok bool) {
	if ws.proj == nil || key == "" {
		return "", "", false
	}
	for _, l := range ws.proj.Schema().Relations {
		for _, t := range l.Types {
			if t.Key == key {
				return l.Name, t.Name, true
			}
		}
	}
	return "", "", false
}

// relationRune handles a key typed in the document view for relations: in
// relation mode a type's key makes the relation to the span under the
// cursor with that type; with a relation selected, a type's key retypes
// it and R reverses it. It reports whether it used the key.
func (ws *workspace) relationRune(r rune) bool {
	layer, typ, isType := ws.relationTypeByKey(string(r))
	if ws.relFrom != 0 && isType {
		ws.finishRelationAs(layer, typ)
		return true
	}
	sel, ok := ws.selectedRelation()
	if !ok {
		return false
	}
	switch {
	case r == 'R':
		ws.apply(annotate.ReverseRelation{ID: sel.ID})
		return true
	case isType && layer == sel.Layer:
		ws.apply(annotate.RetypeRelation{ID: sel.ID, Type: typ})
		return true
	case isType:
		ws.info(fmt.Sprintf(lang.L("Type %s is of relation layer %s, not of the relation's (%s)"), typ, layer, sel.Layer))
		return true
	}
	return false
}

// relationKey handles Enter, Delete and Esc with a relation selected:
// the type picker, deleting it, leaving it. It reports whether it used
// the key.
func (ws *workspace) relationKey(k fyne.KeyName) bool {
	sel, ok := ws.selectedRelation()
	if !ok || ws.relFrom != 0 {
		return false
	}
	switch k {
	case fyne.KeyReturn, fyne.KeyEnter:
		ws.onRetypeRelation(sel)
	case fyne.KeyDelete:
		ws.apply(annotate.RemoveRelation{ID: sel.ID})
	case fyne.KeyEscape:
		ws.selectRelation(0)
		ws.info("")
	default:
		return false
	}
	return true
}
