package app

// The curation mode of a curation project (biaozhu merge): the curated
// layers in the main lanes, each annotator's layer in a lane of its own
// under them (the view draws a band per layer), and a bar over the
// document with the decision at hand — each annotator's version, whether
// they agree — and its keys: ] and [ the next and previous open decision,
// the number keys accept annotator N's version, 0 accepts none. Each
// decision is one undoable step (agree.DecideVersion…) named after whose
// version was taken and who decided; the document list counts each
// document's open decisions, of spans and of relations. The annotators'
// relations are decided the same way, place by place (a relation's
// source and target): the bar lists each annotator's relations at the
// relation decision at hand, a button takes one annotator's
// (agree.DecideRelations, once the curated layer has both ends) or none
// (agree.DecideRelationsNone); } and { move to the next and previous
// open relation decision and turn the number keys to relations, ] and [
// turn them back to spans.

import (
	"context"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/agree"
)

// curationState is the curation mode's state: the project's Curation,
// whether the mode is on, the decisions of the open document and the one
// at hand, and each document's open decisions.
type curationState struct {
	cur  *annotate.Curation
	on   bool
	dcs  []agree.Decision
	at   int           // index into dcs; -1 for none
	doc  int64         // the document dcs are of
	open map[int64]int // document ID → open decisions
	rds  []agree.RelationDecision
	rat  int // index into rds; -1 for none
	// relKeys: the number keys decide the relation decision at hand, not
	// the span decision (after } or {, until ] or [).
	relKeys bool
	// class is the agreement class of each annotator's span of the
	// document (by span ID), lane is the annotator of each annotator's
	// layer.
	class map[int64]string
	lane  map[string]string
}

// The agreement classes of the annotators' spans in the curation mode:
// every annotator marked the same there; the place is decided; only some
// annotators marked something there; they marked it differently. A span
// takes the first that holds.
const (
	classAgreed    = "agreed"
	classDecided   = "decided"
	classSome      = "only some"
	classDisagreed = "disagreed"
)

// curationClasses are the classes in the legend's order, with their
// colours (the annotators' bars take them instead of their labels').
var curationClasses = []struct {
	name  string
	color color.NRGBA
}{
	{classAgreed, color.NRGBA{0x2e, 0x9e, 0x44, 0xff}},
	{classDisagreed, color.NRGBA{0xd0, 0x30, 0x30, 0xff}},
	{classSome, color.NRGBA{0xe0, 0x9a, 0x00, 0xff}},
	{classDecided, color.NRGBA{0x58, 0x6a, 0xb8, 0xff}},
}

// classOf is the agreement class of the spans of decision dc.
func classOf(dc *agree.Decision) string {
	switch {
	case dc.Agreed():
		return classAgreed
	case dc.Decided:
		return classDecided
	}
	for _, v := range dc.Versions {
		if len(v) == 0 {
			return classSome
		}
	}
	return classDisagreed
}

// decisionState is how the curation bar names the state of a decision
// (of spans or of relations) whose versions are annotators' versions:
// decided, agreed, "only NAMES" (some annotators marked nothing there),
// or disagreed.
func decisionState[T any](annotators []string, versions [][]T, decided, agreed bool) string {
	var only []string
	for i, v := range versions {
		if len(v) > 0 {
			only = append(only, annotators[i])
		}
	}
	switch {
	case decided:
		return lang.L("decided")
	case agreed:
		return lang.L("agreed")
	case len(only) < len(versions):
		return fmt.Sprintf(lang.L("only %s"), joinList(only))
	}
	return lang.L("disagreed")
}

// curationSpanStyle is the text view's span style in the curation mode:
// an annotator's span takes its agreement class's colour and its tag
// names the annotator ("lin: PER").
func (ws *workspace) curationSpanStyle(s annotate.Span) (color.NRGBA, string, bool) {
	if !ws.curating() {
		return color.NRGBA{}, "", false
	}
	cs := ws.curation
	name, ok := cs.lane[s.Layer]
	if !ok {
		return color.NRGBA{}, "", false
	}
	class := cs.class[s.ID]
	for _, c := range curationClasses {
		if c.name == class {
			return c.color, name + ": " + s.Label, true
		}
	}
	return color.NRGBA{}, "", false
}

// curationLegend is the row that says what the colours of the
// annotators' lanes mean.
func curationLegend() fyne.CanvasObject {
	labels := map[string]string{classAgreed: lang.L("agreed"), classDisagreed: lang.L("disagreed"),
		classSome: lang.L("only some"), classDecided: lang.L("decided")}
	row := container.NewHBox(widget.NewLabel(lang.L("Annotators' lanes:")))
	for _, c := range curationClasses {
		sw := canvas.NewRectangle(c.color)
		sw.SetMinSize(fyne.NewSize(14, 14))
		sw.CornerRadius = 2
		row.Add(container.NewCenter(sw))
		row.Add(widget.NewLabel(labels[c.name]))
	}
	return row
}

// setupCuration reads whether the project is a curation project and, if
// it is, turns the curation mode on and counts each document's open
// decisions.
func (ws *workspace) setupCuration() {
	ws.curation = nil
	if ws.proj == nil {
		return
	}
	cur, err := ws.proj.Curation()
	if err != nil {
		ws.showError(err)
		return
	}
	if cur == nil {
		return
	}
	cs := &curationState{cur: cur, on: true, at: -1, rat: -1, open: map[int64]int{}, class: map[int64]string{}, lane: map[string]string{}}
	for _, m := range cur.Layers {
		for name, layer := range m {
			cs.lane[layer] = name
		}
	}
	ws.view.spanStyle = ws.curationSpanStyle
	for _, s := range ws.docs {
		d, err := ws.proj.AnnotatedText(context.Background(), s.ID)
		if err != nil {
			ws.showError(err)
			return
		}
		cs.open[s.ID] = agree.OpenDecisions(d, cur)
	}
	ws.curation = cs
}

// curating reports whether the curation mode is on.
func (ws *workspace) curating() bool { return ws.curation != nil && ws.curation.on }

// onToggleCuration turns the curation mode on or off (View → Curation
// mode), for a curation project.
func (ws *workspace) onToggleCuration() {
	if ws.curation == nil {
		return
	}
	ws.curation.on = !ws.curation.on
	ws.refreshCuration()
	ws.menu.refreshChecks()
}

// curationProgress is the open decisions (of spans and of relations) of
// document id as the document list shows them, "" outside the curation
// mode.
func (ws *workspace) curationProgress(id int64) string {
	if !ws.curating() {
		return ""
	}
	n := ws.curation.open[id]
	return " · " + lang.N("{{.Count}} open decisions", n, map[string]any{"Count": n})
}

// refreshCuration recomputes the open document's decisions and shows the
// one at hand in the bar (after an edit, undo or document switch).
func (ws *workspace) refreshCuration() {
	if ws.curBar == nil {
		return
	}
	ws.curBar.RemoveAll()
	cs := ws.curation
	defer ws.view.Refresh() // the lanes' colours
	if !ws.curating() || ws.doc == nil {
		ws.curBar.Hide()
		return
	}
	if cs.doc != ws.doc.ID {
		cs.doc, cs.at, cs.rat, cs.relKeys = ws.doc.ID, -1, -1, false
	}
	cs.dcs = agree.Decisions(ws.doc, cs.cur)
	cs.rds = agree.RelationDecisions(ws.doc, cs.cur)
	open, relOpen := 0, 0
	for _, rd := range cs.rds {
		if !rd.Decided {
			relOpen++
		}
	}
	clear(cs.class)
	for i := range cs.dcs {
		dc := &cs.dcs[i]
		if !dc.Decided {
			open++
		}
		class := classOf(dc)
		for _, v := range dc.Versions {
			for _, s := range v {
				cs.class[s.ID] = class
			}
		}
	}
	if cs.open[ws.doc.ID] != open+relOpen {
		cs.open[ws.doc.ID] = open + relOpen
		ws.docList.Refresh()
	}
	if cs.at >= len(cs.dcs) {
		cs.at = len(cs.dcs) - 1
	}
	head := lang.N("Curation: {{.Count}} open decisions of {{.Total}} in this document", open, map[string]any{"Count": open, "Total": len(cs.dcs)})
	ws.curBar.Add(container.NewHBox(widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), curationLegend()))
	if cs.at >= 0 {
		dc := cs.dcs[cs.at]
		state := decisionState(cs.cur.Annotators, dc.Versions, dc.Decided, dc.Agreed())
		ws.curBar.Add(widget.NewLabel(fmt.Sprintf(lang.L("Decision %d of %d · %s · %q · %s"), cs.at+1, len(cs.dcs), dc.Layer, ws.doc.Slice(dc.Start, dc.End), state)))
		versions := container.NewVBox()
		for i, v := range dc.Versions {
			var parts []string
			for _, s := range v {
				parts = append(parts, s.Label+" "+ws.doc.Slice(s.Start, s.End))
			}
			text := lang.L("nothing")
			if len(parts) > 0 {
				text = joinList(parts)
			}
			versions.Add(widget.NewButton(numberKey(!cs.relKeys, i+1)+fmt.Sprintf("%s: %s", cs.cur.Annotators[i], text), func() { ws.decide(i) }))
		}
		versions.Add(widget.NewButton(numberKey(!cs.relKeys, 0)+lang.L("none"), func() { ws.decide(-1) }))
		ws.curBar.Add(versions)
	}
	nav := container.NewHBox(
		widget.NewButton("[  "+lang.L("Previous decision"), func() { ws.nextDecision(-1) }),
		widget.NewButton("]  "+lang.L("Next decision"), func() { ws.nextDecision(1) }))
	for i, name := range cs.cur.Annotators {
		nav.Add(widget.NewButton(fmt.Sprintf(lang.L("All of %s"), name), func() { ws.decideAll(i) }))
	}
	ws.curBar.Add(nav)
	ws.relationBar(relOpen)
	ws.curBar.Show()
}

// relationBar adds the relation decisions (cs.rds, open of them open) to
// the curation bar: how many are open, what the number keys decide (the
// buttons they press show them), the one at hand with each annotator's
// relations there, each a button that takes that annotator's, a button
// that takes none, and the buttons to move between them.
func (ws *workspace) relationBar(open int) {
	cs := ws.curation
	if len(cs.rds) == 0 {
		cs.rat, cs.relKeys = -1, false
		return
	}
	if cs.rat >= len(cs.rds) {
		cs.rat = len(cs.rds) - 1
	}
	keys := lang.L("Keys 0–9: the span decision; } { the relation decisions")
	if cs.relKeys {
		keys = lang.L("Keys 0–9: this relation decision; ] [ the span decisions")
	}
	ws.curBar.Add(widget.NewLabelWithStyle(lang.N("Relations: {{.Count}} open decisions of {{.Total}} in this document", open, map[string]any{"Count": open, "Total": len(cs.rds)}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	ws.curBar.Add(widget.NewLabel(keys))
	if cs.rat >= 0 {
		rd := cs.rds[cs.rat]
		state := decisionState(cs.cur.Annotators, rd.Versions, rd.Decided, rd.Agreed())
		if rd.FromID == 0 || rd.ToID == 0 {
			state += " · " + lang.L("decide the spans first")
		}
		ws.curBar.Add(widget.NewLabel(fmt.Sprintf(lang.L("Relation %d of %d · %s · %s %q → %s %q · %s"), cs.rat+1, len(cs.rds), rd.Layer,
			rd.From.Label, ws.doc.Slice(rd.From.Start, rd.From.End), rd.To.Label, ws.doc.Slice(rd.To.Start, rd.To.End), state)))
		versions := container.NewHBox()
		for i, v := range rd.Versions {
			var types []string
			for _, r := range v {
				types = append(types, r.Type)
			}
			text := lang.L("nothing")
			if len(types) > 0 {
				text = joinList(types)
			}
			versions.Add(widget.NewButton(numberKey(cs.relKeys, i+1)+fmt.Sprintf(lang.L("Take %s's: %s"), cs.cur.Annotators[i], text), func() { ws.decideRelations(i) }))
		}
		versions.Add(widget.NewButton(numberKey(cs.relKeys, 0)+lang.L("Take none"), func() { ws.decideRelations(-1) }))
		ws.curBar.Add(versions)
	}
	ws.curBar.Add(container.NewHBox(
		widget.NewButton("{  "+lang.L("Previous relation"), func() { ws.nextRelation(-1) }),
		widget.NewButton("}  "+lang.L("Next relation"), func() { ws.nextRelation(1) })))
}

// numberKey is the number key n as a button of the curation bar shows it
// before its text, when the number keys decide what the button does.
func numberKey(active bool, n int) string {
	if !active {
		return ""
	}
	return fmt.Sprintf("%d  ", n)
}

// nextRelation moves to the next (delta 1) or previous (-1) open relation
// decision of the document, wrapping, selects the text from its source to
// its target, and turns the number keys to relations (when there is a
// relation decision at hand).
func (ws *workspace) nextRelation(delta int) {
	cs := ws.curation
	if !ws.curating() || ws.doc == nil {
		return
	}
	cs.rds = agree.RelationDecisions(ws.doc, cs.cur)
	n := len(cs.rds)
	for k := 1; k <= n; k++ {
		i := ((cs.rat+delta*k)%n + n) % n
		if cs.rat < 0 && delta < 0 {
			i = ((n-k)%n + n) % n
		}
		if !cs.rds[i].Decided {
			cs.rat, cs.relKeys = i, true
			rd := cs.rds[i]
			ws.view.Select(min(rd.From.Start, rd.To.Start), max(rd.From.End, rd.To.End))
			ws.refreshCuration()
			return
		}
	}
	cs.relKeys = cs.rat >= 0 // the one at hand, decided, can be decided again
	ws.refreshCuration()
	ws.info(lang.L("No open relation decision in this document"))
}

// decideRelations takes annotator a's relations at the relation decision
// at hand (-1: none), as one step, and moves to the next open one.
func (ws *workspace) decideRelations(a int) {
	cs := ws.curation
	if !ws.curating() || ws.doc == nil || cs.rat < 0 || cs.rat >= len(cs.rds) || a >= len(cs.cur.Annotators) {
		return
	}
	e := agree.DecideRelationsNone(cs.rds[cs.rat], ws.annotator())
	if a >= 0 {
		var err error
		if e, err = agree.DecideRelations(cs.rds[cs.rat], cs.cur, a, ws.annotator()); err != nil {
			ws.showError(err)
			return
		}
	}
	if ws.apply(e) {
		ws.nextRelation(1)
	}
	ws.focusView()
}

// nextDecision moves to the next (delta 1) or previous (-1) open decision
// of the document, wrapping, selects its text, and turns the number keys
// to spans.
func (ws *workspace) nextDecision(delta int) {
	cs := ws.curation
	if !ws.curating() || ws.doc == nil {
		return
	}
	cs.relKeys = false
	cs.dcs = agree.Decisions(ws.doc, cs.cur)
	n := len(cs.dcs)
	for k := 1; k <= n; k++ {
		i := ((cs.at+delta*k)%n + n) % n
		if cs.at < 0 && delta < 0 {
			i = ((n-k)%n + n) % n
		}
		if !cs.dcs[i].Decided {
			cs.at = i
			ws.view.Select(cs.dcs[i].Start, cs.dcs[i].End)
			ws.refreshCuration()
			return
		}
	}
	ws.refreshCuration()
	ws.info(lang.L("No open decision in this document"))
}

// decide takes annotator a's version of the decision at hand (-1: none),
// as one step, and moves to the next open decision.
func (ws *workspace) decide(a int) {
	cs := ws.curation
	if !ws.curating() || ws.doc == nil || cs.at < 0 || cs.at >= len(cs.dcs) || a >= len(cs.cur.Annotators) {
		return
	}
	dc := cs.dcs[cs.at]
	e := agree.DecideNone(dc, ws.annotator())
	if a >= 0 {
		e = agree.DecideVersion(dc, cs.cur, a, ws.annotator())
	}
	if ws.apply(e) {
		ws.nextDecision(1)
	}
	ws.focusView()
}

// decideAll takes annotator a's version of every decision of the document,
// as one step.
func (ws *workspace) decideAll(a int) {
	if !ws.curating() || ws.doc == nil {
		return
	}
	ws.apply(agree.DecideAll(ws.doc, ws.curation.cur, a, ws.annotator()))
	ws.focusView()
}

// curationKeys are the curation mode's keys as the shortcuts dialog
// lists them.
func curationKeys() [][2]string {
	return [][2]string{
		{"] [", lang.L("Curation: next / previous open decision (the number keys decide spans)")},
		{"} {", lang.L("Curation: next / previous open relation decision (the number keys decide relations)")},
		{"1–9", lang.L("Curation: accept annotator N's version (of spans or of relations)")},
		{"0", lang.L("Curation: accept none (of spans or of relations)")},
	}
}

// curationRune handles the curation mode's keys; it reports whether r was
// one of them. The number keys decide the span decision at hand, or the
// relation decision at hand after } or {.
func (ws *workspace) curationRune(r rune) bool {
	if !ws.curating() {
		return false
	}
	decide := ws.decide
	if ws.curation.relKeys {
		decide = ws.decideRelations
	}
	switch {
	case r == ']':
		ws.nextDecision(1)
	case r == '[':
		ws.nextDecision(-1)
	case r == '}':
		ws.nextRelation(1)
	case r == '{':
		ws.nextRelation(-1)
	case r == '0':
		decide(-1)
	case r >= '1' && r <= '9':
		decide(int(r - '1'))
	default:
		return false
	}
	return true
}
