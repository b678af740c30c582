package annotate

import (
	"fmt"
	"slices"
	"time"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// Entry is one step of a History: an applied Edit as the Changes it made.
type Entry struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Changes []Change  `json:"changes"`
	Time    time.Time `json:"time"`

	amended bool  // Changes grew since the entry was stored (see Editor.step)
	damaged error // the step as stored cannot be read: it cannot be applied
}

// Same reports whether e and o are the same step, also when one was read
// again from the project file (IDs alone can be reused once a step is
// dropped).
func (e *Entry) Same(o *Entry) bool {
	return e.ID == o.ID && e.Name == o.Name && e.Time.Equal(o.Time) && len(e.Changes) == len(o.Changes)
}

// ChangesSchema reports whether the step changes the project's schema.
func (e *Entry) ChangesSchema() bool {
	return slices.ContainsFunc(e.Changes, func(c Change) bool { return c.Schema != nil })
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
	OpApply   Op = iota
	OpUndo       // the entry was undone
	OpRedo       // the entry was redone
	OpDiscard    // the entry was dropped, with the steps behind it (see Editor.Discard)
)

func (op Op) String() string {
	switch op {
	case OpApply:
		return "apply"
	case OpUndo:
		return "undo"
	case OpRedo:
		return "redo"
	case OpDiscard:
		return "discard"
	}
	return fmt.Sprintf("Op(%d)", int(op))
}

// StepError is a step of a History that cannot be undone (Op OpUndo) or
// redone (OpRedo): it does not fit the document as it is (a project file
// changed by another program), or it is damaged in the file. (What a step
// needs of the schema comes back with it: see Editor.applyAll.) Err says
// what does not fit. Nothing was changed, and nothing else is blocked: new
// edits, redo after a refused undo (and undo after a refused redo), and
// every other document work as before. What the user can do about the
// step itself:
//
//   - keep it: nothing is lost, and it can be tried again (after putting
//     back the project file from a backup, say);
//   - or Discard it (Editor.Discard, Project.Discard): the step goes from
//     the history with the Behind steps that lie behind it — for an undo,
//     every older step, which can only be undone after it; for a redo,
//     every later undone step. The document stays as it is.
type StepError struct {
	Doc    int64 // the document's ID
	Op     Op
	Entry  *Entry
	Behind int // how many more steps Discard drops with it
	Err    error
}

func (e *StepError) Error() string {
	when := ""
	if !e.Entry.Time.IsZero() {
		when = ", made " + e.Entry.Time.Local().Format("2006-01-02 15:04")
	}
	return fmt.Sprintf("annotate: cannot %s %q (step %d of document %d%s): %v", e.Op, e.Entry.Name, e.Entry.ID, e.Doc, when, e.Err)
}

// Unwrap returns Err.
func (e *StepError) Unwrap() error { return e.Err }

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

	// needs says what the project's spans need of the schema: a layer,
	// label or permission to overlap that a schema change removes stays
	// while they need it. nil asks Doc only.
	needs schemaNeeds
	// corpus is set while the Editor plans its part of a corpus step,
	// whose schema is checked once every part is planned; base is then
	// the schema before the step, which every part's schema change is
	// recorded from, so that each part can be undone alone.
	corpus bool
	base   *Schema
	nextID int64
}

// spanNeeds is needs, or Doc's when the Editor has no project.
func (ed *Editor) spanNeeds() schemaNeeds {
	if ed.needs != nil {
		return ed.needs
	}
	return docNeeds{ed.Doc}
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
		for _, r := range ed.Doc.Relations {
			ed.nextID = max(ed.nextID, r.ID)
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
	p := &planner{doc: ed.Doc, schema: ed.Schema, newID: ed.newID, annotator: ed.Annotator, base: ed.base}
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
		suggests = suggests && (machineChange(c) || c.Schema != nil)
	}
	// Suggestions and re-segmentation are not the annotator's work: a new
	// document stays new.
	if (ed.Doc.Status == StatusNew || ed.Doc.Status == "") && !setsStatus && !suggests {
		if err := p.do(Change{Status: &StatusChange{Before: ed.Doc.Status, After: StatusInProgress}}); err != nil {
			p.revert()
			return nil, err
		}
	}
	schema := ed.Schema
	if p.schemaTo != nil || slices.ContainsFunc(p.changes, func(c Change) bool { return c.Schema != nil }) {
		final := p.schema
		if !ed.corpus { // a corpus step shrinks once, all parts planned
			final = shrinkAll(final, p.changes, true, ed.spanNeeds())
		}
		if err := ed.checkSchema(e, final, p.schemaTo); err != nil {
			p.revert()
			return nil, err
		}
		ed.Schema = final
	}
	now := time.Now
	if ed.Now != nil {
		now = ed.Now
	}
	entry := &Entry{Name: e.Describe(), Changes: p.changes, Time: now().UTC()}
	if ed.Commit != nil {
		if err := ed.Commit(OpApply, entry); err != nil {
			p.revert()
			ed.Schema = schema
			return nil, err
		}
	}
	ed.history().push(entry)
	return entry, nil
}

// checkSchema checks the schema a new step leaves, final, against the one
// its SetSchema edit asked for, want (nil: none): what spans still need
// stays (a layer or label they use, the permission to overlap where they
// overlap; see shrinkSchema), and then the step is refused. Parts of a
// corpus step are checked by the corpus step once all are planned.
func (ed *Editor) checkSchema(e Edit, final, want *Schema) error {
	if ed.corpus || want == nil {
		return nil
	}
	if !schemaEqual(final, want) {
		return refuse(e, ErrSchema, "spans still need %s; remove or change them first", schemaMismatch(final, want))
	}
	return nil
}

// overlapping returns two spans of d on layer that overlap, if any.
func overlapping(d *Document, layer string) (Span, Span, bool) {
	end, last := -1, Span{}
	for _, s := range d.Spans { // in order of start
		if s.Layer != layer {
			continue
		}
		if s.Start < end {
			return last, s, true
		}
		if s.End > end {
			end, last = s.End, s
		}
	}
	return Span{}, Span{}, false
}

// applyAll makes changes (forward) or their inverses (backward, last first)
// to the document and the schema: what schema changes add comes first,
// then the document's changes, then what schema changes remove (see
// growSchema, shrinkSchema). What the spans it puts in place need of the
// schema and the schema lacks — a label or layer removed since by a schema
// change of another document's history, a permission to overlap forbidden
// since — comes back as it last was (Editor.needs recalls it); that change
// is returned, to be recorded with the step (see Editor.step). A need that
// cannot be met is an error. On an error applyAll restores what it did.
func (ed *Editor) applyAll(changes []Change, forward bool) (*SchemaChange, error) {
	at := func(k int) Change {
		if forward {
			return changes[k]
		}
		return changes[len(changes)-1-k].Inverse()
	}
	schema, s := ed.Schema, ed.Schema
	for k := range changes {
		if c := at(k); c.Schema != nil {
			s = growSchema(s, c.Schema)
		}
	}
	done := 0
	var err error
	for k := range changes {
		if err = ed.Doc.apply(at(k)); err != nil {
			break
		}
		done++
	}
	var amend *SchemaChange
	if err == nil && s != nil {
		var back []Span
		for k := range changes {
			if c := at(k); c.Span != nil && c.Span.After != nil {
				back = append(back, *c.Span.After)
			}
		}
		for k := range changes {
			if c := at(k); err == nil && c.Relation != nil && c.Relation.After != nil {
				err = typed(s, *c.Relation.After)
			}
		}
		var need *Schema
		if err == nil {
			need, err = ed.needed(s, back)
		}
		if err == nil && need != s {
			amend = diffSchema(s, need)
			s = need
		}
	}
	if err != nil {
		for k := done - 1; k >= 0; k-- {
			_ = ed.Doc.apply(at(k).Inverse())
		}
		ed.Schema = schema
		return nil, err
	}
	if !ed.corpus { // a corpus step shrinks once, all parts done
		s = shrinkAll(s, changes, forward, ed.spanNeeds())
	}
	ed.Schema = s
	return amend, nil
}

// shrinkAll finishes the schema changes of changes (or of their inverses,
// last first, when not forward) on s: see shrinkSchema.
func shrinkAll(s *Schema, changes []Change, forward bool, need schemaNeeds) *Schema {
	for k := range changes {
		c := changes[k]
		if !forward {
			c = changes[len(changes)-1-k].Inverse()
		}
		if c.Schema != nil {
			s = shrinkSchema(s, c.Schema, need)
		}
	}
	return s
}

// needed returns s with what spans back (put in place by a step) need and
// s lacks: their layers and labels, recalled as they last were, and the
// permission to overlap in a layer where the document's spans now overlap.
// It returns s itself when nothing is missing.
func (ed *Editor) needed(s *Schema, back []Span) (*Schema, error) {
	out := s
	own := func() {
		if out == s {
			out = s.Clone()
		}
	}
	for _, sp := range back {
		if labelled(out, sp) == nil {
			continue
		}
		def, ok := ed.spanNeeds().recall(sp.Layer, sp.Label)
		if !ok {
			return nil, labelled(out, sp)
		}
		own()
		l, ok := out.Layer(sp.Layer)
		if !ok {
			out.Layers = append(out.Layers, Layer{Name: def.Name, Overlap: def.Overlap, Description: def.Description})
			l = &out.Layers[len(out.Layers)-1]
		}
		lb := cloneLabel(def.Labels[0])
		for _, o := range out.Layers {
			for _, ob := range o.Labels {
				if lb.Key != "" && ob.Key == lb.Key {
					lb.Key = "" // the key is another label's now
				}
			}
		}
		l.Labels = append(l.Labels, lb)
	}
	for _, sp := range back {
		if l, ok := out.Layer(sp.Layer); ok && l.Overlap == OverlapForbidden {
			if _, _, ok := overlapping(ed.Doc, sp.Layer); ok {
				own()
				l, _ = out.Layer(sp.Layer)
				l.Overlap = OverlapAllowed
			}
		}
	}
	return out, nil
}

// applyAll makes changes (forward) or their inverses (backward, last
// first) to d alone, for putting back what a step did when its commit
// fails: they were just made the other way, so they fit.
func (d *Document) applyAll(changes []Change, forward bool) {
	for k := range changes {
		if forward {
			_ = d.apply(changes[k])
		} else {
			_ = d.apply(changes[len(changes)-1-k].Inverse())
		}
	}
}

// labelled checks that the schema has span sp's layer and label.
func labelled(s *Schema, sp Span) error {
	l, ok := s.Layer(sp.Layer)
	if !ok {
		return fmt.Errorf("it brings back span %s on layer %q, which the schema no longer has", sp, sp.Layer)
	}
	if _, ok := l.Label(sp.Label); !ok {
		return fmt.Errorf("it brings back span %s with label %s/%s, which the schema no longer has", sp, sp.Layer, sp.Label)
	}
	return nil
}

// typed checks that the schema has relation r's layer and type. (A type
// that relations use cannot be removed from the schema, so a step brings
// back a relation of a removed type only after a schema change of another
// document's history: it is refused, and the relation stays in the
// history, until that change is undone.)
func typed(s *Schema, r Relation) error {
	l, ok := s.RelationLayer(r.Layer)
	if !ok {
		return fmt.Errorf("it brings back relation %s on relation layer %q, which the schema no longer has", r, r.Layer)
	}
	if _, ok := l.Type(r.Type); !ok {
		return fmt.Errorf("it brings back relation %s of type %s/%s, which the schema no longer has", r, r.Layer, r.Type)
	}
	return nil
}

// Undo undoes the last step and returns it; nil when there is none. A step
// that does not fit the document or the schema any more is refused with a
// *StepError and changes nothing.
func (ed *Editor) Undo() (*Entry, error) { return ed.step(OpUndo) }

// Redo redoes the last undone step and returns it; nil when there is none.
// A step that does not fit is refused with a *StepError, as for Undo.
func (ed *Editor) Redo() (*Entry, error) { return ed.step(OpRedo) }

func (ed *Editor) step(op Op) (*Entry, error) {
	h := ed.history()
	from, to := &h.Done, &h.Undone
	if op == OpRedo {
		from, to = to, from
	}
	if len(*from) == 0 {
		return nil, nil
	}
	e := (*from)[len(*from)-1]
	if e.damaged != nil {
		return nil, &StepError{Doc: ed.Doc.ID, Op: op, Entry: e, Behind: len(*from) - 1, Err: e.damaged}
	}
	schema, changes := ed.Schema, e.Changes
	amend, err := ed.applyAll(e.Changes, op == OpRedo)
	if err != nil {
		return nil, &StepError{Doc: ed.Doc.ID, Op: op, Entry: e, Behind: len(*from) - 1, Err: err}
	}
	if amend != nil {
		// The step records what it needed of the schema, which the
		// other direction takes back (where no span needs it).
		if op == OpRedo {
			e.Changes = append([]Change{{Schema: amend}}, changes...)
		} else {
			e.Changes = append(slices.Clone(changes), Change{Schema: amend.Inverse()})
		}
		e.amended = true
	}
	if ed.Commit != nil {
		if err := ed.Commit(op, e); err != nil {
			e.Changes, e.amended = changes, false
			ed.Doc.applyAll(changes, op != OpRedo)
			ed.Schema = schema
			if stepMisfit(err) {
				return nil, &StepError{Doc: ed.Doc.ID, Op: op, Entry: e, Behind: len(*from) - 1, Err: err}
			}
			return nil, err
		}
	}
	*from = (*from)[:len(*from)-1]
	*to = append(*to, e)
	return e, nil
}

// Discard drops step e from the history with the steps behind it, which
// cannot be reached without it: e and every older step when e is a step to
// undo, e and every later step when it is one to redo. The document stays
// as it is. It returns how many steps it dropped, 0 when e is not in the
// history. It is what a user can do about a step refused with a
// *StepError.
func (ed *Editor) Discard(e *Entry) (int, error) {
	h := ed.history()
	for _, list := range []*[]*Entry{&h.Done, &h.Undone} {
		k := slices.IndexFunc(*list, e.Same)
		if k < 0 {
			continue
		}
		if ed.Commit != nil {
			if err := ed.Commit(OpDiscard, (*list)[k]); err != nil {
				return 0, err
			}
		}
		*list = slices.Clone((*list)[k+1:])
		return k + 1, nil
	}
	return 0, nil
}

// maxSpanID returns the largest span or relation ID (one sequence) that
// changes mention, 0 if none.
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
		if c.Relation != nil {
			for _, r := range []*Relation{c.Relation.Before, c.Relation.After} {
				if r != nil {
					id = max(id, r.ID)
				}
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
		return !slices.ContainsFunc(c.Tokens.After, func(t text.Token) bool { return t.Edited })
	}
	return false
}
