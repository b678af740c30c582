// The workspace's commands: labelling, accepting and rejecting, splitting
// and merging, undo and redo with what they select, moving between
// documents and layers, and the keys typed on the document view.

package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// ---- commands ----

// applyLabel labels the selection with layer/label: a span already
// covering exactly the selection on that layer is relabelled; a character
// selection whose edges fall inside tokens splits them first (one step).
func (ws *workspace) applyLabel(layer, label string) {
	if ws.doc == nil {
		return
	}
	ws.setLayer(layer)
	start, end := ws.view.Selection()
	if start >= end {
		ws.info(lang.L("Select some text first"))
		return
	}
	for _, sp := range ws.doc.Spans {
		if sp.Layer == layer && sp.Start == start && sp.End == end {
			if sp.Label == label && sp.Origin != annotate.OriginSuggested {
				return
			}
			var edits []annotate.Edit
			if sp.Label != label {
				edits = append(edits, annotate.RelabelSpan{ID: sp.ID, Label: label})
			}
			if sp.Origin == annotate.OriginSuggested {
				edits = append(edits, annotate.SetOrigin{ID: sp.ID, Origin: annotate.OriginManual})
			}
			ws.apply(batch(fmt.Sprintf("label %s", label), edits))
			return
		}
	}
	var edits []annotate.Edit
	// The suggestions the new span overlaps are replaced by it: rejected,
	// in the same step (in a layer that allows overlaps, those of the same
	// label: the others may be nested entities).
	forbid := false
	if l, ok := ws.schema.Layer(layer); ok {
		forbid = l.Overlap == annotate.OverlapForbidden
	}
	for _, sp := range ws.doc.Spans {
		if sp.Layer == layer && sp.Origin == annotate.OriginSuggested && sp.Start < end && start < sp.End && (forbid || sp.Label == label) {
			edits = append(edits, annotate.Reject{ID: sp.ID})
		}
	}
	for _, at := range []int{start, end} {
		if i := ws.doc.TokenAt(at); i >= 0 && ws.doc.Tokens[i].Start < at {
			edits = append(edits, annotate.Split{At: at})
		}
	}
	edits = append(edits, annotate.AddSpan{Span: annotate.Span{Layer: layer, Label: label, Start: start, End: end, Origin: annotate.OriginManual}})
	if ws.apply(batch(fmt.Sprintf("label %s", label), edits)) {
		ws.view.Select(start, end)
	}
}

// batch is the one edit of edits, or a Batch of them.
func batch(name string, edits []annotate.Edit) annotate.Edit {
	if len(edits) == 1 {
		return edits[0]
	}
	return annotate.Batch{Name: name, Edits: edits}
}

// spanUnderCursor is the selected span, if any.
func (ws *workspace) spanUnderCursor() (annotate.Span, bool) {
	if ws.doc == nil {
		return annotate.Span{}, false
	}
	id, ok := ws.view.SelectedSpan()
	if !ok {
		return annotate.Span{}, false
	}
	return ws.doc.Span(id)
}

func (ws *workspace) onDeleteSpan() {
	sp, ok := ws.spanUnderCursor()
	if !ok {
		ws.info(lang.L("No span under the cursor"))
		return
	}
	ws.apply(annotate.RemoveSpan{ID: sp.ID})
}

// suggestionUnderCursor is the selected span if it is a suggestion, else
// a suggestion covering the start of the selection, the active layer's
// first, the shortest first.
func (ws *workspace) suggestionUnderCursor() (annotate.Span, bool) {
	if sp, ok := ws.spanUnderCursor(); ok && sp.Origin == annotate.OriginSuggested {
		return sp, true
	}
	if ws.doc == nil {
		return annotate.Span{}, false
	}
	start, _ := ws.view.Selection()
	return ws.view.innermostSpan(start, func(sp annotate.Span) bool { return sp.Origin == annotate.OriginSuggested })
}

func (ws *workspace) onAccept() {
	sp, ok := ws.suggestionUnderCursor()
	if !ok {
		ws.info(lang.L("No suggestion under the cursor"))
		return
	}
	ws.apply(annotate.SetOrigin{ID: sp.ID, Origin: annotate.OriginManual})
}

func (ws *workspace) onReject() {
	sp, ok := ws.suggestionUnderCursor()
	if !ok {
		ws.info(lang.L("No suggestion under the cursor"))
		return
	}
	ws.apply(annotate.Reject{ID: sp.ID})
}

// onSplit splits the token at the character caret; in token mode it first
// switches to character mode with the caret inside the cursor token.
func (ws *workspace) onSplit() {
	if ws.doc == nil {
		return
	}
	if !ws.view.CharMode() {
		ws.setCharMode(true)
		ws.info(lang.L("Character mode: move the caret with ← → and press / to split"))
		return
	}
	at := ws.view.CaretOffset()
	if i := ws.doc.TokenAt(at); i < 0 || at == ws.doc.Tokens[i].Start {
		ws.info(lang.L("The caret is not inside a token"))
		return
	}
	ws.apply(annotate.Split{At: at})
}

// onMerge merges the tokens the selection covers into one.
func (ws *workspace) onMerge() {
	if ws.doc == nil {
		return
	}
	start, end := ws.view.Selection()
	if i := ws.doc.TokenAt(start); i >= 0 {
		start = ws.doc.Tokens[i].Start
	}
	if i := ws.doc.TokenAt(end - 1); i >= 0 {
		end = ws.doc.Tokens[i].End
	}
	n := 0
	for _, t := range ws.doc.Tokens {
		if t.Start >= start && t.End <= end {
			n++
		}
	}
	if n < 2 {
		ws.info(lang.L("Select two or more tokens to merge (Shift+→)"))
		return
	}
	if ws.apply(annotate.Merge{Start: start, End: end}) {
		ws.view.Select(start, end)
	}
}

func (ws *workspace) setCharMode(on bool) {
	ws.view.SetCharMode(on)
	ws.menu.refreshChecks()
	ws.selectionChanged()
}

func (ws *workspace) onUndo() {
	if ws.forwardToEntry(&fyne.ShortcutUndo{}) || ws.proj == nil || ws.modal() || ws.busy() {
		return
	}
	// The last step made, or the open document's next step to undo, may
	// be part of a corpus step: then all of it is undone.
	st := ws.corpusStep
	if st == nil && ws.doc != nil {
		st = ws.stepOf(ws.doc.ID, ws.topEntry(true))
	}
	if st != nil {
		ws.corpusHistory(st, true)
		return
	}
	if ws.doc == nil {
		return
	}
	ws.historyStep(ws.proj.Undo, lang.L("Nothing to undo"), lang.L("Undone: %s"))
}

func (ws *workspace) onRedo() {
	if ws.forwardToEntry(&fyne.ShortcutRedo{}) || ws.proj == nil || ws.doc == nil || ws.modal() || ws.busy() {
		return
	}
	st := ws.corpusUndone
	if st == nil {
		st = ws.stepOf(ws.doc.ID, ws.topEntry(false))
	}
	if st != nil {
		ws.corpusHistory(st, false)
		return
	}
	ws.historyStep(ws.proj.Redo, lang.L("Nothing to redo"), lang.L("Redone: %s"))
}

// historyStep undoes or redoes (run) a step of the open document's history
// and reports it (done, with the step's name) or that there was none.
func (ws *workspace) historyStep(run func(id int64) (*annotate.Entry, error), nothing, done string) {
	e, err := run(ws.doc.ID)
	if err != nil {
		ws.historyFailed(err)
		return
	}
	if e == nil {
		ws.info(nothing)
		return
	}
	ws.corpusStep, ws.corpusUndone = nil, nil
	if e.ChangesSchema() {
		ws.refreshSchema()
	}
	ws.saved(fmt.Sprintf(done, describeStep(e, ws.doc)))
	ws.afterEdit(true)
	if start, end, ok := stepRange(e); ok {
		ws.view.Select(start, end) // what the step touched, as it is now
	}
	ws.corpusChanged(ws.doc)
}

// stepRange is the range of the text step e touched: its tokens and spans
// before and after; false when it touched none (a status, the schema).
func stepRange(e *annotate.Entry) (start, end int, ok bool) {
	add := func(s, t int) {
		if !ok || s < start {
			start = s
		}
		if !ok || t > end {
			end = t
		}
		ok = true
	}
	for _, c := range e.Changes {
		if t := c.Tokens; t != nil {
			add(t.Start, t.End)
		}
		if sc := c.Span; sc != nil {
			for _, sp := range []*annotate.Span{sc.Before, sc.After} {
				if sp != nil {
					add(sp.Start, sp.End)
				}
			}
		}
	}
	return start, end, ok
}

// historyFailed reports an undo or redo that failed. A step that no longer
// fits the document (an *annotate.StepError: a file changed by another
// program, a step damaged in the file) gets a dialog that names it and
// says why, that nothing was changed and that editing, the other direction
// of undo and redo and the other documents work as before, and that offers
// the two ways on: keep the step (nothing is lost; try again later), or
// discard it with the steps behind it, so that Undo goes on past it — or,
// for a step to redo, so that Redo is clear. Any other error (the disk,
// the file) is shown as it is: trying again later may work.
func (ws *workspace) historyFailed(err error) {
	var se *annotate.StepError
	if !errors.As(err, &se) {
		ws.showError(err)
		return
	}
	ws.lastErr = err
	what := describeStep(se.Entry, ws.doc)
	if ws.doc == nil || ws.doc.ID != se.Doc {
		what = describeStep(se.Entry, nil)
	}
	title := fmt.Sprintf(lang.L("Cannot undo: %s"), what)
	n := map[string]any{"N": se.Behind}
	behind := lang.N("Keep it (nothing is lost, and you can try again later), or discard it together with the {{.N}} older steps behind it, which cannot be undone without it. The document stays as it is.", se.Behind, n)
	if se.Op == annotate.OpRedo {
		title = fmt.Sprintf(lang.L("Cannot redo: %s"), what)
		behind = lang.N("Keep it (nothing is lost, and you can try again later), or discard it together with the {{.N}} later steps behind it, which cannot be redone without it. The document stays as it is.", se.Behind, n)
	}
	msg := fmt.Sprintf(lang.L("This step no longer fits the document: %s"), strings.TrimPrefix(se.Err.Error(), "annotate: ")) + "\n\n" +
		lang.L("Nothing was changed. You can go on editing, and the other documents are not affected.") + "\n\n"
	discard := lang.L("Discard the step")
	if se.Behind > 0 {
		msg += behind
		discard = fmt.Sprintf(lang.L("Discard %d steps"), se.Behind+1)
	} else {
		msg += lang.L("Keep it (nothing is lost, and you can try again later), or discard it. The document stays as it is.")
	}
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(text)
	p := ws.proj
	d := dialog.NewCustomConfirm(title, discard, lang.L("Keep"), content, func(ok bool) {
		if !ok || ws.proj != p {
			return
		}
		n, err := p.Discard(se.Doc, se.Entry)
		if err != nil {
			ws.showError(err)
			return
		}
		ws.forgetCorpusSteps(se.Doc)
		ws.info(lang.N("Discarded {{.N}} steps of the history; the document is unchanged", n, map[string]any{"N": n}))
	}, ws.win)
	d.Resize(fyne.NewSize(560, 0))
	d.SetOnClosed(ws.focusView)
	ws.stepDialog = d
	ws.showDialog(d)
}

// forgetCorpusSteps forgets the corpus steps of this session whose part in
// document id is no longer in its history (it was discarded): they are no
// longer one step.
func (ws *workspace) forgetCorpusSteps(id int64) {
	h, err := ws.proj.History(id)
	if err != nil {
		return
	}
	inHistory := func(e *annotate.Entry) bool {
		return slices.ContainsFunc(h.Done, e.Same) || slices.ContainsFunc(h.Undone, e.Same)
	}
	keep := ws.corpusSteps[:0]
	for _, st := range ws.corpusSteps {
		if slices.ContainsFunc(st.Entries, func(ce annotate.CorpusEntry) bool { return ce.Doc == id && !inHistory(ce.Entry) }) {
			if st == ws.corpusStep {
				ws.corpusStep = nil
			}
			if st == ws.corpusUndone {
				ws.corpusUndone = nil
			}
			continue
		}
		keep = append(keep, st)
	}
	ws.corpusSteps = keep
}

// forwardToEntry gives an undo or redo shortcut to the text entry that has
// the keyboard (the note, the POS picker, the filter), whose own typing it
// undoes; main-menu shortcuts would otherwise take it for the project.
func (ws *workspace) forwardToEntry(s fyne.Shortcut) bool {
	c := ws.win.Canvas()
	if c == nil {
		return false
	}
	f := c.Focused()
	if f == nil || f == fyne.Focusable(ws.view) {
		return false
	}
	if sc, ok := f.(fyne.Shortcutable); ok {
		sc.TypedShortcut(s)
		return true
	}
	return false
}

func (ws *workspace) onToggleDone() {
	if ws.doc == nil || ws.modal() {
		return
	}
	st := annotate.StatusDone
	if ws.doc.Status == annotate.StatusDone {
		st = annotate.StatusInProgress
	}
	ws.apply(annotate.SetStatus{Status: st})
}

// onNextDoc moves to the next (delta 1) or previous (-1) document of the
// filtered list.
func (ws *workspace) onNextDoc(delta int) {
	if len(ws.shown) == 0 || ws.modal() {
		return
	}
	k := slices.Index(ws.shown, ws.docIdx)
	switch {
	case k < 0:
		k = 0
	case k+delta < 0 || k+delta >= len(ws.shown):
		ws.info(lang.L("No more documents"))
		return
	default:
		k += delta
	}
	ws.openDocument(ws.shown[k])
}

func (ws *workspace) onNextLayer() {
	if ws.proj == nil {
		return
	}
	names := ws.proj.Schema().LayerNames()
	if len(names) == 0 {
		return
	}
	i := slices.Index(names, ws.layer)
	ws.setLayer(names[(i+1)%len(names)])
	ws.info(fmt.Sprintf(lang.L("Layer: %s"), ws.layer))
}

// typedRune handles the plain keys of the document view: label shortcuts
// and the single-key commands.
func (ws *workspace) typedRune(r rune) {
	if ws.curationRune(r) || ws.relationRune(r) {
		return
	}
	switch r {
	case 'n':
		ws.onNextDoc(1)
		return
	case 'p':
		ws.onNextDoc(-1)
		return
	case '?':
		ws.showShortcuts()
		return
	case '/':
		ws.onSplit()
		return
	case '=', '+':
		ws.onMerge()
		return
	case 'c':
		ws.setCharMode(!ws.view.CharMode())
		return
	case 't':
		ws.onPOSPicker()
		return
	case 'l':
		ws.onLabelPicker()
		return
	case 'r':
		ws.onRelationMode()
		return
	}
	if ws.proj == nil {
		return
	}
	key := string(r)
	for _, l := range ws.proj.Schema().Layers {
		for _, lb := range l.Labels {
			if lb.Key == key {
				ws.applyLabel(l.Name, lb.Name)
				return
			}
		}
	}
}

// modal reports whether a dialog is open over the workspace: commands
// that would act on the document behind it, or open another dialog, wait.
func (ws *workspace) modal() bool {
	return ws.win.Canvas().Overlays().Top() != nil
}

// canvasKey handles keys that reach the window with nothing focused: Esc
// closes the dialog on top (or cancels the long work behind a progress
// dialog); with no dialog, keys go to the document view, which takes the
// keyboard back.
func (ws *workspace) canvasKey(ev *fyne.KeyEvent) {
	c := ws.win.Canvas()
	if top := c.Overlays().Top(); top != nil {
		if ev.Name != fyne.KeyEscape {
			return
		}
		if ws.job != nil && len(c.Overlays().List()) == 1 {
			ws.job.cancel() // the progress dialog is the only one
			return
		}
		if esc, ok := ws.dialogs[top]; ok {
			esc() // as its dismiss button: its callbacks run
		} else {
			top.Hide() // a dialog's pop-up: hiding it closes the dialog
		}
		if c.Overlays().Top() == nil {
			ws.focusView() // not behind a dialog still open
		}
		return
	}
	ws.focusView()
	ws.view.TypedKey(ev)
}

// canvasRune gives runes typed with nothing focused (and no dialog open)
// to the document view.
func (ws *workspace) canvasRune(r rune) {
	if ws.win.Canvas().Overlays().Top() != nil {
		return
	}
	ws.focusView()
	ws.view.TypedRune(r)
}

// typedKey handles the non-navigation keys of the document view.
func (ws *workspace) typedKey(ev *fyne.KeyEvent) bool {
	if ws.relationKey(ev.Name) {
		return true
	}
	switch ev.Name {
	case fyne.KeyDelete:
		ws.onDeleteSpan()
	case fyne.KeyReturn, fyne.KeyEnter:
		if ws.relFrom != 0 {
			ws.finishRelation()
			break
		}
		ws.onAccept()
	case fyne.KeyBackspace:
		ws.onReject()
	case fyne.KeyF1:
		ws.showShortcuts()
	case fyne.KeyF2:
		ws.insp.focusNote()
	case fyne.KeyEscape:
		if ws.cancelRelation() {
			break
		}
		if ws.view.CharMode() {
			ws.setCharMode(false)
		} else {
			_, e := ws.view.Selection()
			ws.view.Select(e-1, e)
		}
	default:
		return false
	}
	return true
}
