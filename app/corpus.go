package app

import (
	"context"
	"fmt"
	"slices"

	"fyne.io/fyne/v2/lang"

	"github.com/biaozhu/biaozhu/annotate"
)

// goTo opens document id (clearing a list filter that hides it) and
// selects [start, end) in it.
func (ws *workspace) goTo(id int64, start, end int) {
	if ws.proj == nil || ws.busy() {
		return
	}
	idx := -1
	for i, d := range ws.docs {
		if d.ID == id {
			idx = i
			break
		}
	}
	if idx < 0 {
		ws.info(fmt.Sprintf(lang.L("Document %d is not in the project"), id))
		return
	}
	if ws.docIdx != idx {
		ws.openDocument(idx)
		if ws.docIdx != idx {
			return
		}
	}
	ws.view.Select(start, end)
	ws.focusView()
}

// bigCorpusStep is the size (edits, or changes to undo) from which a
// corpus step runs off the UI goroutine behind a progress dialog.
var bigCorpusStep = 5000

// applyCorpus applies edits of several documents as one undoable step (Undo
// undoes all of it) and refreshes what they changed. It reports whether
// the step was made (or, for a big one, started).
func (ws *workspace) applyCorpus(name string, edits []annotate.DocEdit) bool {
	return ws.applyCorpusThen(name, edits, nil)
}

// applyCorpusThen is applyCorpus, then (when not nil) told whether the
// step was made.
func (ws *workspace) applyCorpusThen(name string, edits []annotate.DocEdit, then func(ok bool)) bool {
	if ws.proj == nil || ws.busy() {
		return false
	}
	size := 0
	for _, e := range edits {
		if b, ok := e.Edit.(annotate.Batch); ok {
			size += len(b.Edits)
		} else {
			size++
		}
	}
	var step *annotate.CorpusStep
	ws.corpusWork(name, size, func() (err error) {
		step, err = ws.proj.ApplyCorpus(name, edits)
		return err
	}, func(err error) {
		ok := false
		switch {
		case err != nil:
			ws.refused(err)
		case step == nil:
			ws.info(lang.L("Nothing to change"))
		default:
			ok = true
			ws.corpusStep, ws.corpusUndone = step, nil
			ws.corpusSteps = append(ws.corpusSteps, step)
			ws.afterCorpusStep(step)
			ws.saved(ws.describeCorpus(step))
		}
		if then != nil {
			then(ok)
		}
	})
	return true
}

// corpusWork runs work, which changes documents of the project, then done
// with its error: at once on the UI goroutine when size is small, else off
// it behind a progress dialog with the document view emptied meanwhile
// (the open document may change under it) and shown again after.
func (ws *workspace) corpusWork(title string, size int, work func() error, done func(err error)) {
	if size < bigCorpusStep {
		done(work())
		return
	}
	idx := ws.docIdx
	st := ws.view.State()
	ws.showDocument(nil)
	ws.runLong(title, func(ctx context.Context, progress progressUpdate) error {
		progress(-1, lang.N("Saving {{.Count}} changes…", size, map[string]any{"Count": size}))
		return work()
	}, func(err error) {
		if ws.proj != nil && idx >= 0 && idx < len(ws.docs) {
			ws.docIdx = -1
			ws.openDocument(idx)
			ws.view.Restore(st) // long work keeps the viewport and the selection
		}
		done(err)
	})
}

// stepOf returns the corpus step of this session whose part in document
// id is entry e, nil when e is no corpus step's.
func (ws *workspace) stepOf(id int64, e *annotate.Entry) *annotate.CorpusStep {
	if e == nil {
		return nil
	}
	for k := len(ws.corpusSteps) - 1; k >= 0; k-- {
		st := ws.corpusSteps[k]
		for _, ce := range st.Entries {
			if ce.Doc == id && ce.Entry.Same(e) {
				return st
			}
		}
	}
	return nil
}

// corpusHistory undoes or redoes corpus step st as a whole and reports it.
func (ws *workspace) corpusHistory(st *annotate.CorpusStep, undo bool) {
	run, msg := ws.proj.RedoCorpus, lang.L("Redone: %s")
	title := lang.L("Redoing")
	if undo {
		run, msg, title = ws.proj.UndoCorpus, lang.L("Undone: %s"), lang.L("Undoing")
	}
	what := ws.describeCorpus(st)
	ws.corpusWork(title, st.Changes(), func() error { return run(st) }, func(err error) {
		if err != nil {
			// Undo and Redo go on document by document: a step that
			// cannot be taken back whole must not stop them for good.
			ws.corpusSteps = slices.DeleteFunc(ws.corpusSteps, func(s *annotate.CorpusStep) bool { return s == st })
			ws.corpusStep, ws.corpusUndone = nil, nil
			ws.historyFailed(err)
			return
		}
		for _, ce := range st.Entries {
			if ce.Entry.ChangesSchema() {
				ws.refreshSchema()
				break
			}
		}
		ws.afterCorpusStep(st)
		ws.saved(fmt.Sprintf(msg, what))
		if undo {
			ws.corpusStep, ws.corpusUndone = nil, st
		} else {
			ws.corpusStep, ws.corpusUndone = st, nil
		}
	})
}

// topEntry is the next step to undo (or redo) in the open document.
func (ws *workspace) topEntry(undo bool) *annotate.Entry {
	if ws.doc == nil {
		return nil
	}
	h, err := ws.proj.History(ws.doc.ID)
	if err != nil {
		return nil
	}
	list := h.Undone
	if undo {
		list = h.Done
	}
	if len(list) == 0 {
		return nil
	}
	return list[len(list)-1]
}

// afterCorpusStep refreshes the document list, the open document and the
// corpus index after a corpus step was made, undone or redone.
func (ws *workspace) afterCorpusStep(step *annotate.CorpusStep) {
	ws.refreshDocs()
	if ws.doc != nil {
		ws.afterEdit(true)
	}
	ws.focusView() // Ctrl+Z next goes to the project, not to an entry
	for _, id := range step.Docs() {
		if d, err := ws.proj.Document(id); err == nil {
			ws.corpusChanged(d)
		}
	}
}

// corpusChanged tells the corpus tools that document d changed.
func (ws *workspace) corpusChanged(d *annotate.Document) {
	if ws.onDocChanged != nil {
		ws.onDocChanged(d)
	}
}
