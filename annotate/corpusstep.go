package annotate

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"
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
// history. Every document's part is planned in memory first and then all
// are written to the file in one transaction: if an edit is refused or the
// write fails, no document changes, in memory or in the file, and no
// history is lost (the error names the document). A step that changes
// nothing returns a nil step and no error.
func (p *Project) ApplyCorpus(name string, edits []DocEdit) (*CorpusStep, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	return p.applyCorpus(name, edits)
}

// applyCorpus is ApplyCorpus with p.mu held.
func (p *Project) applyCorpus(name string, edits []DocEdit) (*CorpusStep, error) {
	var order []int64
	byDoc := map[int64][]Edit{}
	for _, de := range edits {
		if _, ok := byDoc[de.Doc]; !ok {
			order = append(order, de.Doc)
		}
		byDoc[de.Doc] = append(byDoc[de.Doc], de.Edit)
	}
	var parts []memPart
	schema := p.schema // as the parts so far leave it
	var want *Schema   // what a SetSchema edit asks for
	for _, id := range order {
		od, err := p.load(id)
		if err == nil {
			part := newMemPart(od)
			od.ed.Schema, od.ed.base = schema, p.schema
			var e *Entry
			e, err = part.run(func(ed *Editor) (*Entry, error) { return ed.Apply(Batch{Name: name, Edits: byDoc[id]}) })
			if err == nil && e != nil {
				part.entry = e
				parts = append(parts, part)
				schema = od.ed.Schema
			}
			od.ed.Schema = p.schema // until the step is written
		}
		if err != nil {
			p.revertParts(parts)
			return nil, fmt.Errorf("annotate: %s: %s: document %d %s: %w", p.path, name, id, p.docName(id), err)
		}
		for _, e := range byDoc[id] {
			if s, ok := e.(SetSchema); ok {
				want = s.Schema
			}
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	schema = p.shrinkParts(schema, parts, true)
	if want != nil && !schemaEqual(schema, want) {
		p.revertParts(parts)
		err := &EditError{Edit: SchemaStepName, Err: ErrSchema,
			Detail: fmt.Sprintf("spans still need %s; remove or change them first", schemaMismatch(schema, want))}
		return nil, fmt.Errorf("annotate: %s: %s: %w", p.path, name, err)
	}
	if err := p.commitParts(name, parts, OpApply, schema); err != nil {
		p.revertParts(parts)
		return nil, err
	}
	step := &CorpusStep{Name: name}
	for _, pt := range parts {
		step.Entries = append(step.Entries, CorpusEntry{Doc: pt.od.ed.Doc.ID, Entry: pt.entry})
	}
	return step, nil
}

// shrinkParts finishes on s the schema changes of the parts of a corpus
// step, made in memory (forward, or undone), once all are made: what they
// remove goes where no span of the project needs it any more (see
// shrinkSchema). Each part's editor grew the schema only, so that the
// project's spans are asked once, not once per part.
func (p *Project) shrinkParts(s *Schema, parts []memPart, forward bool) *Schema {
	need := projectNeeds{p}
	// The parts of a schema change all record the same change: it is
	// finished once (which is the same, as all parts are made).
	done := map[string]bool{}
	for i := range parts {
		k := i
		if !forward {
			k = len(parts) - 1 - i
		}
		changes := parts[k].entry.Changes
		for j := range changes {
			c := changes[j]
			if !forward {
				c = changes[len(changes)-1-j].Inverse()
			}
			if c.Schema == nil {
				continue
			}
			js, _ := json.Marshal(c.Schema)
			if done[string(js)] {
				continue
			}
			done[string(js)] = true
			s = shrinkSchema(s, c.Schema, need)
		}
	}
	return s
}

// memPart is one document's part of a corpus step while it is made in
// memory: the history as it was, to put back if the step fails.
type memPart struct {
	od           *openDoc
	entry        *Entry
	done, undone []*Entry
}

func newMemPart(od *openDoc) memPart {
	h := od.ed.history()
	return memPart{od: od, done: slices.Clone(h.Done), undone: slices.Clone(h.Undone)}
}

// run runs f on the document's editor without committing to the file.
func (m *memPart) run(f func(*Editor) (*Entry, error)) (*Entry, error) {
	ed := m.od.ed
	commit := ed.Commit
	ed.Commit, ed.corpus = nil, true
	defer func() { ed.Commit, ed.corpus, ed.base = commit, false, nil }()
	return f(ed)
}

// revert puts the document and its history back as they were before run,
// and its editor's schema to schema.
func (m *memPart) revert(forward bool, schema *Schema) {
	if m.entry != nil {
		m.od.ed.Doc.applyAll(m.entry.Changes, !forward)
	}
	m.od.ed.Schema = schema
	h := m.od.ed.history()
	h.Done, h.Undone = m.done, m.undone
}

// revertParts reverts applied parts, last first.
func (p *Project) revertParts(parts []memPart) {
	for k := len(parts) - 1; k >= 0; k-- {
		parts[k].revert(true, p.schema)
	}
}

// commitParts writes the parts of a corpus step (applied, undone or
// redone in memory, as op says) to the file in one transaction, and the
// schema as the step leaves it.
func (p *Project) commitParts(name string, parts []memPart, op Op, schema *Schema) error {
	now := time.Now().UTC()
	blocks := make([][]int, len(parts))
	ctx := context.Background()
	err := p.write(func(tx *sql.Tx) error {
		return writeStep(ctx, tx, p.schema, schema, func() error {
			for k, pt := range parts {
				blocks[k] = slices.Clone(pt.od.blocks)
				if err := p.commitIn(ctx, tx, pt.od, op, pt.entry, &blocks[k], now); err != nil {
					return fmt.Errorf("document %d: %w", pt.od.ed.Doc.ID, err)
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("annotate: %s: save %q: %w", p.path, name, err)
	}
	for k, pt := range parts {
		pt.od.blocks = blocks[k]
		pt.od.ed.Doc.Updated = now
		pt.entry.amended = false
	}
	if schema != p.schema {
		p.adoptSchema(schema)
	}
	return nil
}

// docName is the name of document id in quotes, or "" when it cannot be read.
func (p *Project) docName(id int64) string {
	var name string
	if err := p.conn.QueryRowContext(context.Background(), "SELECT name FROM documents WHERE id = ?", id).Scan(&name); err != nil {
		return ""
	}
	return fmt.Sprintf("%q", name)
}

// UndoCorpus undoes step s in every document it changed, in one
// transaction. Each of its entries must still be the last done step of its
// document (no later edit there), else nothing is undone and the error
// says which document.
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
	what, op := "redo", OpRedo
	if undo {
		what, op = "undo", OpUndo
	}
	parts := make([]memPart, len(s.Entries))
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
		if len(list) == 0 || !list[len(list)-1].Same(ce.Entry) {
			return fmt.Errorf("annotate: %s %q: document %d %s was edited since; %s its later steps there first", what, s.Name, ce.Doc, p.docName(ce.Doc), what)
		}
		parts[i] = newMemPart(od)
	}
	schema := p.schema
	revert := func(n int) {
		for k := n - 1; k >= 0; k-- {
			parts[k].revert(!undo, p.schema)
		}
	}
	for i := range parts {
		var e *Entry
		var err error
		parts[i].od.ed.Schema = schema
		if undo {
			e, err = parts[i].run((*Editor).Undo)
		} else {
			e, err = parts[i].run((*Editor).Redo)
		}
		if err == nil {
			schema = parts[i].od.ed.Schema
		}
		parts[i].od.ed.Schema = p.schema
		if err != nil {
			revert(i)
			return fmt.Errorf("annotate: %s %q: document %d %s: %w", what, s.Name, s.Entries[i].Doc, p.docName(s.Entries[i].Doc), err)
		}
		parts[i].entry = e
	}
	schema = p.shrinkParts(schema, parts, !undo)
	if err := p.commitParts(s.Name, parts, op, schema); err != nil {
		revert(len(parts))
		return err
	}
	return nil
}
