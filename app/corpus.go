package app

import (
	"fmt"

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

// applyCorpus applies edits of several documents as one undoable step (Undo
// right after undoes all of it) and refreshes what they changed. It reports
// whether the step was made.
func (ws *workspace) applyCorpus(name string, edits []annotate.DocEdit) bool {
	if ws.proj == nil || ws.busy() {
		return false
	}
	step, err := ws.proj.ApplyCorpus(name, edits)
	if err != nil {
		ws.refused(err)
		return false
	}
	if step == nil {
		ws.info(lang.L("Nothing to change"))
		return false
	}
	ws.schemaStep = nil
	ws.corpusStep, ws.corpusUndone = step, nil
	ws.afterCorpusStep(step)
	ws.saved(step.Name)
	return true
}

// afterCorpusStep refreshes the document list, the open document and the
// corpus index after a corpus step was made, undone or redone.
func (ws *workspace) afterCorpusStep(step *annotate.CorpusStep) {
	ws.refreshDocs()
	if ws.doc != nil {
		ws.afterEdit(true)
	}
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
