package annotate

import (
	"fmt"
	"slices"
	"time"
)

// Entry is one step of a History: an applied Edit as the Changes it made.
type Entry struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Changes []Change  `json:"changes"`
	Time    time.Time `json:"time"`
}

// Same reports whether e and o are the same step, also when one was read
// again from the project file (IDs alone can be reused once a step is
// dropped).
func (e *Entry) Same(o *Entry) bool {
	return e.ID == o.ID && e.Name == o.Name && e.Time.Equal(o.Time) && len(e.Changes) == len(o.Changes)
}

// DefaultHistoryLimit is how many steps a History keeps by default.
const DefaultHistoryLimit = 1000

// History is a document's undo/redo list: the steps done (oldest first) and
// the steps undone (the next to redo last). It keeps at most Limit done
// steps, dropping the oldest.
type History struct {
	Limit  int
	Done   []*Entry
	Undone []*Entry

	owner any // a Project's state of the document, kept alive by it
}

// CanUndo reports whether there is a step to undo, and its name.
func (h *History) CanUndo() (string, bool) {
	if len(h.Done) == 0 {
		return "", false
	}
	return h.Done[len(h.Done)-1].Name, true
}

// CanRedo reports whether there is a step to redo, and its name.
func (h *History) CanRedo() (string, bool) {
	if len(h.Undone) == 0 {
		return "", false
	}
	return h.Undone[len(h.Undone)-1].Name, true
}

// limit is how many done steps h keeps.
func (h *History) limit() int {
	if h.Limit <= 0 {
		return DefaultHistoryLimit
	}
	return h.Limit
}

func (h *History) push(e *Entry) {
	h.Done = append(h.Done, e)
	h.Undone = nil
	if n := len(h.Done) - h.limit(); n > 0 {
		h.Done = append(h.Done[:0:0], h.Done[n:]...)
	}
}

// Op says what an Editor did with an Entry.
type Op int

// The operations an Editor commits.
const (
	OpApply Op = iota
	OpUndo
	OpRedo
)

// Editor applies edits to one Document, validating them against a Schema,
// and keeps its History. With Commit set, every step is made durable before
// Apply, Undo or Redo returns, and a step whose Commit fails leaves the
// document and history as they were. An Editor is not safe for concurrent
// use.
type Editor struct {
	Doc       *Document
	Schema    *Schema
	History   *History
	Annotator string // the annotator of new spans that name none
	// NewSpanID returns a new span ID; nil counts up from the largest ID in
	// Doc.
	NewSpanID func() int64
	// Commit makes a step durable; op says whether e was applied, undone or
	// redone. For OpApply, Commit may set e.ID.
	Commit func(op Op, e *Entry) error
	// Now gives the time of new entries; nil is time.Now.
	Now func() time.Time

	nextID int64
}

func (ed *Editor) newID() int64 {
	if ed.NewSpanID != nil {
		return ed.NewSpanID()
	}
	if ed.nextID == 0 {
		// Spans that undo or redo can bring back keep their IDs: count
		// them too.
		for _, s := range ed.Doc.Spans {
			ed.nextID = max(ed.nextID, s.ID)
		}
		if h := ed.History; h != nil {
			for _, list := range [][]*Entry{h.Done, h.Undone} {
				for _, e := range list {
					ed.nextID = max(ed.nextID, maxSpanID(e.Changes))
				}
			}
		}
	}
	ed.nextID++
	return ed.nextID
}

func (ed *Editor) history() *History {
	if ed.History == nil {
		ed.History = &History{}
	}
	return ed.History
}

// Apply validates e, makes its changes and records them as one step. A
// refused edit returns an *EditError and changes nothing. The first edit of
// a new document also sets its status to in progress (undone with it),
// unless it only adds suggestions or re-segments (see machineChange).
func (ed *Editor) Apply(e Edit) (*Entry, error) {
	p := &planner{doc: ed.Doc, schema: ed.Schema, newID: ed.newID, annotator: ed.Annotator}
	if ed.Schema == nil {
		p.schema = &Schema{}
	}
	if err := e.plan(p); err != nil {
		p.revert()
		return nil, err
	}
	if len(p.changes) == 0 {
		return nil, nil
	}
	setsStatus, suggests := false, true
	for _, c := range p.changes {
		setsStatus = setsStatus || c.Status != nil
		suggests = suggests && machineChange(c)
	}
	// Suggestions and re-segmentation are not the annotator's work: a new
	// document stays new.
	if (ed.Doc.Status == StatusNew || ed.Doc.Status == "") && !setsStatus && !suggests {
		if err := p.do(Change{Status: &StatusChange{Before: ed.Doc.Status, After: StatusInProgress}}); err != nil {
			p.revert()
			return nil, err
		}
	}
	now := time.Now
	if ed.Now != nil {
		now = ed.Now
	}
	entry := &Entry{Name: e.Describe(), Changes: p.changes, Time: now().UTC()}
	if ed.Commit != nil {
		if err := ed.Commit(OpApply, entry); err != nil {
			p.revert()
			return nil, err
		}
	}
	ed.history().push(entry)
	return entry, nil
}

// applyAll makes changes (forward) or their inverses (backward, last first)
// to the document; on an internal error it restores what it did.
func (ed *Editor) applyAll(changes []Change, forward bool) error {
	done := 0
	var err error
	for k := range changes {
		c := changes[k]
		if !forward {
			c = changes[len(changes)-1-k].Inverse()
		}
		if err = ed.Doc.apply(c); err != nil {
			break
		}
		done++
	}
	if err != nil {
		for k := done - 1; k >= 0; k-- {
			c := changes[k]
			if !forward {
				c = changes[len(changes)-1-k].Inverse()
			}
			_ = ed.Doc.apply(c.Inverse())
		}
	}
	return err
}

// Undo undoes the last step and returns it; nil when there is none.
func (ed *Editor) Undo() (*Entry, error) {
	h := ed.history()
	if len(h.Done) == 0 {
		return nil, nil
	}
	e := h.Done[len(h.Done)-1]
	if err := ed.applyAll(e.Changes, false); err != nil {
		return nil, fmt.Errorf("annotate: undo %q: %v", e.Name, err)
	}
	if ed.Commit != nil {
		if err := ed.Commit(OpUndo, e); err != nil {
			_ = ed.applyAll(e.Changes, true)
			return nil, err
		}
	}
	h.Done = h.Done[:len(h.Done)-1]
	h.Undone = append(h.Undone, e)
	return e, nil
}

// Redo redoes the last undone step and returns it; nil when there is none.
func (ed *Editor) Redo() (*Entry, error) {
	h := ed.history()
	if len(h.Undone) == 0 {
		return nil, nil
	}
	e := h.Undone[len(h.Undone)-1]
	if err := ed.applyAll(e.Changes, true); err != nil {
		return nil, fmt.Errorf("annotate: redo %q: %v", e.Name, err)
	}
	if ed.Commit != nil {
		if err := ed.Commit(OpRedo, e); err != nil {
			_ = ed.applyAll(e.Changes, false)
			return nil, err
		}
	}
	h.Undone = h.Undone[:len(h.Undone)-1]
	h.Done = append(h.Done, e)
	return e, nil
}

// maxSpanID returns the largest span ID that changes mention, 0 if none.
func maxSpanID(changes []Change) int64 {
	var id int64
	for _, c := range changes {
		if c.Span != nil {
			if c.Span.Before != nil {
				id = max(id, c.Span.Before.ID)
			}
			if c.Span.After != nil {
				id = max(id, c.Span.After.ID)
			}
		}
	}
	return id
}

// machineChange reports whether c is a change the program made rather than
// the annotator: a suggested span added, or tokens replaced by tokens the
// annotator did not edit (re-segmentation).
func machineChange(c Change) bool {
	switch {
	case c.Span != nil:
		return c.Span.Before == nil && c.Span.After.Origin == OriginSuggested
	case c.Tokens != nil:
		return !slices.ContainsFunc(c.Tokens.After, func(t Token) bool { return t.Edited })
	}
	return false
}
