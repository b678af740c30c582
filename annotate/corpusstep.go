package annotate

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// DocEdit is an edit of one document of a project.
type DocEdit struct {
	Doc  int64
	Edit Edit
}

// CorpusStep is one step made of edits of several documents ("label all
// occurrences in the corpus", "accept all suggestions", re-segmentation):
// it is applied, undone and redone as a whole. Each document's part is one
// entry of that document's own History.
type CorpusStep struct {
	Name    string
	Entries []CorpusEntry
}

// CorpusEntry is a document's part of a CorpusStep: the entry of its History.
type CorpusEntry struct {
	Doc   int64
	Entry *Entry
}

// Docs lists the documents the step changed, in order.
func (s *CorpusStep) Docs() []int64 {
	ids := make([]int64, len(s.Entries))
	for i, e := range s.Entries {
		ids[i] = e.Doc
	}
	return ids
}

// Changes counts the primitive changes of the step.
func (s *CorpusStep) Changes() int {
	n := 0
	for _, e := range s.Entries {
		n += len(e.Entry.Changes)
	}
	return n
}

// ApplyCorpus applies edits as one CorpusStep called name: the edits of each
// document, in the order given, become one Batch step of that document's
// history, committed to the file before the next document's. If an edit is
// refused or a commit fails, the documents already changed are undone and
// the error names the document: all or none. A step that changes nothing
// returns a nil step and no error.
func (p *Project) ApplyCorpus(name string, edits []DocEdit) (*CorpusStep, error) {
	var order []int64
	byDoc := map[int64][]Edit{}
	for _, de := range edits {
		if _, ok := byDoc[de.Doc]; !ok {
			order = append(order, de.Doc)
		}
		byDoc[de.Doc] = append(byDoc[de.Doc], de.Edit)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	step := &CorpusStep{Name: name}
	for _, id := range order {
		od, err := p.load(id)
		if err == nil {
			var e *Entry
			e, err = od.ed.Apply(Batch{Name: name, Edits: byDoc[id]})
			if err == nil && e != nil {
				step.Entries = append(step.Entries, CorpusEntry{Doc: id, Entry: e})
			}
		}
		if err != nil {
			if rerr := p.undoEntries(step.Entries); rerr != nil {
				err = errors.Join(err, rerr)
			}
			return nil, fmt.Errorf("annotate: %s: %s: document %d %s: %w", p.path, name, id, p.docName(id), err)
		}
	}
	if len(step.Entries) == 0 {
		return nil, nil
	}
	return step, nil
}

// docName is the name of document id in quotes, or "" when it cannot be read.
func (p *Project) docName(id int64) string {
	var name string
	if err := p.conn.QueryRowContext(context.Background(), "SELECT name FROM documents WHERE id = ?", id).Scan(&name); err != nil {
		return ""
	}
	return fmt.Sprintf("%q", name)
}

// undoEntries undoes entries, last first; each must be the last done step
// of its document.
func (p *Project) undoEntries(entries []CorpusEntry) error {
	var errs []error
	for k := len(entries) - 1; k >= 0; k-- {
		ce := entries[k]
		od, err := p.load(ce.Doc)
		if err == nil {
			_, err = od.ed.Undo()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("document %d: %w", ce.Doc, err))
		}
	}
	return errors.Join(errs...)
}

// UndoCorpus undoes step s in every document it changed. Each of its
// entries must still be the last done step of its document (no later edit
// there), else nothing is undone and the error says which document.
func (p *Project) UndoCorpus(s *CorpusStep) error {
	return p.corpusHistory(s, true)
}

// RedoCorpus redoes step s after UndoCorpus, under the same condition: its
// entries are the next steps to redo in their documents.
func (p *Project) RedoCorpus(s *CorpusStep) error {
	return p.corpusHistory(s, false)
}

func (p *Project) corpusHistory(s *CorpusStep, undo bool) error {
	if s == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	what := "redo"
	if undo {
		what = "undo"
	}
	eds := make([]*Editor, len(s.Entries))
	for i, ce := range s.Entries {
		od, err := p.load(ce.Doc)
		if err != nil {
			return err
		}
		h := od.ed.history()
		list := h.Undone
		if undo {
			list = h.Done
		}
		if len(list) == 0 || list[len(list)-1].ID != ce.Entry.ID {
			return fmt.Errorf("annotate: %s %q: document %d %s was edited since; %s its later steps there first", what, s.Name, ce.Doc, p.docName(ce.Doc), what)
		}
		eds[i] = od.ed
	}
	order := make([]int, len(eds))
	for i := range order {
		order[i] = i
	}
	if undo {
		slices.Reverse(order)
	}
	for n, i := range order {
		var err error
		if undo {
			_, err = eds[i].Undo()
		} else {
			_, err = eds[i].Redo()
		}
		if err != nil {
			// Put back the documents already done.
			for _, k := range order[:n] {
				if undo {
					_, _ = eds[k].Redo()
				} else {
					_, _ = eds[k].Undo()
				}
			}
			return fmt.Errorf("annotate: %s %q: document %d: %w", what, s.Name, s.Entries[i].Doc, err)
		}
	}
	return nil
}
