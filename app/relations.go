// Relations in the workspace: relation mode (key r), the relation type
// picker and the relation list beside the span list.

package app

import (
	"fmt"
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

// finishRelation takes the span under the cursor as the target of the
// relation begun with r and opens the type picker.
func (ws *workspace) finishRelation() {
	from := ws.relFrom
	ws.relFrom = 0
	to, ok := ws.spanUnderCursor()
	if !ok || to.ID == from {
		ws.info(lang.L("No target span under the cursor: relation cancelled"))
		return
	}
	var items []pickItem
	for _, l := range ws.proj.Schema().Relations {
		items = append(items, relationTypeItems(l, func(typ string) {
			ws.apply(annotate.AddRelation{Relation: annotate.Relation{Layer: l.Name, Type: typ, From: from, To: to.ID}})
		})...)
	}
	ws.showPicker(lang.L("Relation type"), lang.L("Type part of a relation type's name"), items, nil)
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
		items = append(items, pickItem{name: t.Name, text: text, color: t.Color,
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
	ws.showPicker(lang.L("Relation type"), lang.L("Type part of a relation type's name"), relationTypeItems(*l, func(typ string) {
		ws.apply(annotate.RetypeRelation{ID: r.ID, Type: typ})
	}), nil)
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
		if id < len(ws.relItems) {
			ws.view.SelectSpan(ws.relItems[id].From)
			l.UnselectAll()
			ws.focusView()
		}
	}
	return l
}
