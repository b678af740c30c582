package annotate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// htChooser is where the generator's choices come from: a *rand.Rand, or
// the bytes of a fuzz input.
type htChooser interface{ IntN(n int) int }

// htBytes chooses from fuzz bytes; once they run out it chooses 0 and
// says so.
type htBytes struct {
	data []byte
	used bool // ran out
}

func (b *htBytes) IntN(n int) int {
	if n <= 1 {
		return 0
	}
	v, k := 0, 1
	if n > 256 {
		k = 2
	}
	for range k {
		if len(b.data) == 0 {
			b.used = true
			return 0
		}
		v = v<<8 | int(b.data[0])
		b.data = b.data[1:]
	}
	return v % n
}

// htGen generates edits from a document's current state: most are valid,
// some are meant to be refused (bad offsets, labels, IDs, tags, splits
// and merges that do not fit), and some are refused because they collide
// with what is there (overlaps, span edges inside a merge).
type htGen struct {
	r      htChooser
	schema *Schema // the schema as it is; run keeps it up to date
	// hot, if set, returns code point offsets to favour when picking
	// tokens: the starts of the token blocks.
	hot func() []int
	// schemaSteps makes about one step in eight a change of the schema
	// (see htSchemaStep), with the edits of the spans it moves.
	schemaSteps bool
}

var htDocLabels = []string{"新闻", "checked", "焦作", "二〇二一"}

func (g *htGen) token(d *Document) int {
	if g.hot != nil && g.r.IntN(2) == 0 {
		if hot := g.hot(); len(hot) > 0 {
			at := hot[g.r.IntN(len(hot))]
			i := d.TokenAt(at)
			if i < 0 {
				i = d.TokenAt(at - 1)
			}
			if i >= 0 {
				return max(0, min(len(d.Tokens)-1, i-2+g.r.IntN(4)))
			}
		}
	}
	return g.r.IntN(len(d.Tokens))
}

func (g *htGen) span(d *Document) (Span, bool) {
	var ok []Span
	for _, s := range d.Spans {
		if s.ID < htScratchIDs {
			ok = append(ok, s)
		}
	}
	if len(ok) == 0 {
		return Span{ID: 424242}, false
	}
	return ok[g.r.IntN(len(ok))], true
}

func (g *htGen) tag() string { return g.schema.POS.Tags[g.r.IntN(len(g.schema.POS.Tags))].Name }

// edit returns an edit for d as it is; depth > 0 is inside a batch.
func (g *htGen) edit(d *Document, depth int) Edit {
	r := g.r
	if g.schemaSteps && depth == 0 && r.IntN(8) == 0 {
		return htSchemaStep(r, d, g.schema)
	}
	bad := r.IntN(8) == 0
	n := d.Chars()
	switch k := r.IntN(17); {
	case k < 3:
		l := g.schema.Layers[r.IntN(len(g.schema.Layers))]
		s := Span{Layer: l.Name, Label: l.Labels[r.IntN(len(l.Labels))].Name}
		if len(d.Tokens) > 0 && r.IntN(3) > 0 {
			i := g.token(d)
			j := min(len(d.Tokens)-1, i+r.IntN(3))
			s.Start, s.End = d.Tokens[i].Start, d.Tokens[j].End
		} else {
			s.Start = r.IntN(max(n, 1))
			s.End = s.Start + 1 + r.IntN(max(1, min(6, n-s.Start)))
		}
		if r.IntN(3) == 0 {
			s.Origin = OriginSuggested
		}
		if r.IntN(4) == 0 {
			s.Note, s.Annotator = "注 note", "wang"
		}
		if bad {
			switch r.IntN(6) {
			case 0:
				s.Start = -1 - r.IntN(3)
			case 1:
				s.End = n + 1 + r.IntN(3)
			case 2:
				s.End = s.Start - r.IntN(2)
			case 3:
				s.Layer = "nope"
			case 4:
				s.Label = "NOPE"
			default:
				s.Origin = "robot"
			}
		}
		return AddSpan{Span: s}
	case k < 4:
		s, _ := g.span(d)
		if bad {
			s.ID = -s.ID
		}
		return RemoveSpan{ID: s.ID}
	case k < 5:
		s, _ := g.span(d)
		label := "NOPE"
		if l, ok := g.schema.Layer(s.Layer); ok && !bad {
			label = l.Labels[r.IntN(len(l.Labels))].Name
		}
		return RelabelSpan{ID: s.ID, Label: label}
	case k < 6:
		s, _ := g.span(d)
		if r.IntN(2) == 0 {
			return SetNote{ID: s.ID, Note: []string{"", "待查", "check 😀"}[r.IntN(3)]}
		}
		o := []Origin{OriginManual, OriginSuggested, OriginImported}[r.IntN(3)]
		if bad {
			o = "auto"
		}
		return SetOrigin{ID: s.ID, Origin: o}
	case k < 8:
		if len(d.Tokens) == 0 {
			return SetPOS{At: 0, POS: "n"}
		}
		t := d.Tokens[g.token(d)]
		e := SetPOS{At: t.Start, POS: g.tag()}
		if bad {
			switch r.IntN(3) {
			case 0:
				e.POS = "ZZ"
			case 1:
				e.At = t.Start + 1 // inside the token, or the next token's start
			default:
				e.At = t.End // whitespace, the next token's start, or the end
			}
		}
		return e
	case k < 11:
		if len(d.Tokens) == 0 {
			return Split{At: r.IntN(n + 2)}
		}
		for range 8 {
			t := d.Tokens[g.token(d)]
			if bad {
				switch r.IntN(4) {
				case 0:
					return Split{At: t.Start}
				case 1:
					return Split{At: t.End}
				case 2:
					return Split{At: -1 - r.IntN(2)}
				default:
					return Split{At: n + r.IntN(2)}
				}
			}
			if l := t.End - t.Start; l >= 2 {
				return Split{At: t.Start + 1 + r.IntN(l-1)}
			}
		}
		return Split{At: d.Tokens[0].Start}
	case k < 14:
		if len(d.Tokens) < 2 {
			return Merge{Start: 0, End: n}
		}
		i := min(g.token(d), len(d.Tokens)-2)
		j := min(len(d.Tokens)-1, i+1+r.IntN(3))
		e := Merge{Start: d.Tokens[i].Start, End: d.Tokens[j].End}
		if r.IntN(3) == 0 {
			e.POS = g.tag()
		}
		if bad {
			switch r.IntN(5) {
			case 0:
				e.End = d.Tokens[i].End // one token
			case 1:
				e.Start++ // inside a token, or in whitespace
			case 2:
				e.End--
			case 3:
				e.POS = "ZZ"
			default:
				e.Start, e.End = e.End, e.Start-r.IntN(2) // reversed
				if r.IntN(2) == 0 {
					e.End = e.Start // empty, at a token boundary
				}
			}
		}
		return e
	case k < 15:
		if r.IntN(2) == 0 {
			st := Statuses[r.IntN(len(Statuses))]
			if bad {
				st = "finished"
			}
			return SetStatus{Status: st}
		}
		var labels []string
		for _, l := range htDocLabels {
			if r.IntN(2) == 0 {
				labels = append(labels, l)
			}
		}
		if bad {
			labels = append(labels, []string{"", " 新闻", "新闻", "新闻"}[r.IntN(4)])
		}
		return SetLabels{Labels: labels}
	default:
		if depth > 0 {
			if r.IntN(3) == 0 {
				return SetNote{ID: -7} // a refusal inside a batch
			}
			return SetStatus{Status: StatusDone}
		}
		// The edits of a batch are generated one after the other on a
		// copy, so that most of them fit together.
		c := htClone(d)
		scratch := &Editor{Doc: c, Schema: g.schema, NewSpanID: htScratchID()}
		b := Batch{Name: "batch"}
		for range 2 + r.IntN(4) {
			e := g.edit(c, depth+1)
			b.Edits = append(b.Edits, e)
			_, _ = scratch.Apply(e)
		}
		return b
	}
}

// htScratchIDs is where the IDs of spans added on a batch's scratch copy
// start; the generator does not pick them.
const htScratchIDs = 1 << 40

func htScratchID() func() int64 {
	next := int64(htScratchIDs)
	return func() int64 { next++; return next }
}

// htClone returns a copy of d that edits can change without changing d.
func htClone(d *Document) *Document {
	c := &Document{ID: d.ID, Name: d.Name, Text: d.Text, Status: d.Status,
		Sentences: d.Sentences, // never edited
		Tokens:    append([]text.Token(nil), d.Tokens...),
		Spans:     append([]Span(nil), d.Spans...),
		Labels:    append([]string(nil), d.Labels...),
	}
	return c
}

// htTarget is what the random runs edit: an Editor or a document of a
// Project.
type htTarget interface {
	apply(Edit) (*Entry, error)
	undo() (*Entry, error)
	redo() (*Entry, error)
	doc() *Document
	history() *History
	schema() *Schema
}

type htEditor struct{ ed *Editor }

func (t htEditor) apply(e Edit) (*Entry, error) { return etApply(t.ed, e) }
func (t htEditor) undo() (*Entry, error)        { return t.ed.Undo() }
func (t htEditor) redo() (*Entry, error)        { return t.ed.Redo() }
func (t htEditor) doc() *Document               { return t.ed.Doc }
func (t htEditor) history() *History            { return t.ed.History }
func (t htEditor) schema() *Schema              { return t.ed.Schema }

type htProject struct {
	p  *Project
	id int64
}

func (t htProject) apply(e Edit) (entry *Entry, err error) {
	defer func() {
		if r := recover(); r != nil {
			entry, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return t.p.Apply(t.id, e)
}
func (t htProject) undo() (*Entry, error) { return t.p.Undo(t.id) }
func (t htProject) redo() (*Entry, error) { return t.p.Redo(t.id) }
func (t htProject) doc() *Document {
	d, err := t.p.Document(t.id)
	if err != nil {
		panic(err)
	}
	return d
}
func (t htProject) schema() *Schema { return t.p.Schema() }
func (t htProject) history() *History {
	h, err := t.p.History(t.id)
	if err != nil {
		panic(err)
	}
	return h
}

// htModel is what the history should be: the states after each step
// done, done[0] the oldest still reachable, and the states the undone
// steps lead to, the next redo last.
type htModel struct {
	done    []etState
	undone  []etState
	limit   int // of the history; 0 is DefaultHistoryLimit
	steps   int // steps applied
	refused int
	// schemas is set when the steps can change the schema: the states
	// then hold it.
	schemas       bool
	schemaChanges int // steps applied that changed the schema
}

func htNewModel(d *Document, limit int) *htModel {
	return &htModel{done: []etState{etStateOf(d)}, limit: limit}
}

// htNewSchemaModel is htNewModel for steps that change the schema, which
// starts as schema.
func htNewSchemaModel(d *Document, schema *Schema, limit int) *htModel {
	st := etStateOf(d)
	st.Schema = schema.Clone()
	return &htModel{done: []etState{st}, limit: limit, schemas: true}
}

// stateOf is the target's state, with its schema where the model has it.
func (m *htModel) stateOf(tg htTarget) etState {
	st := etStateOf(tg.doc())
	if m.schemas {
		st.Schema = tg.schema().Clone()
	}
	return st
}

func (m *htModel) top() etState { return m.done[len(m.done)-1] }

// check compares the target with the model and checks the invariants
// (against schema, or the target's own when the steps change it).
func (m *htModel) check(tg htTarget, schema *Schema) error {
	d := tg.doc()
	if diff := etDiff(m.stateOf(tg), m.top()); diff != "" {
		return errors.New(diff)
	}
	if m.schemas {
		schema = tg.schema()
	}
	if err := etCheck(d, schema); err != nil {
		return err
	}
	h := tg.history()
	if h == nil {
		h = &History{}
	}
	if len(h.Done) != len(m.done)-1 || len(h.Undone) != len(m.undone) {
		return fmt.Errorf("history has %d done, %d undone steps; want %d, %d", len(h.Done), len(h.Undone), len(m.done)-1, len(m.undone))
	}
	if len(h.Done) > DefaultHistoryLimit {
		return fmt.Errorf("history has %d done steps, more than %d", len(h.Done), DefaultHistoryLimit)
	}
	return nil
}

// apply applies e to the target and the model.
func (m *htModel) apply(tg htTarget, e Edit) error {
	prev := m.top()
	entry, err := tg.apply(e)
	switch {
	case err != nil:
		var ee *EditError
		if !errors.As(err, &ee) {
			return fmt.Errorf("%s: %v (not an *EditError)", e.Describe(), err)
		}
		if entry != nil {
			return fmt.Errorf("%s: refused (%v) with an entry", e.Describe(), err)
		}
		m.refused++
		if diff := etDiff(m.stateOf(tg), prev); diff != "" {
			return fmt.Errorf("%s: refused (%v) but changed the document: %s", e.Describe(), err, diff)
		}
		return nil
	case entry == nil:
		return nil // nothing to do (an empty batch)
	}
	m.steps++
	if entry.ChangesSchema() {
		m.schemaChanges++
	}
	now := m.stateOf(tg)
	setsStatus := false // the step sets the status itself: that wins
	suggests := true    // only suggestions added: the document stays new
	for _, c := range entry.Changes {
		setsStatus = setsStatus || c.Status != nil && c.Status.After != StatusInProgress
		suggests = suggests && (machineChange(c) || c.Schema != nil)
	}
	if (prev.Status == StatusNew || prev.Status == "") && !setsStatus && !suggests && now.Status == StatusNew {
		return fmt.Errorf("%s: the first edit of a new document left it new", e.Describe())
	}
	m.done = append(m.done, now)
	m.undone = nil
	limit := m.limit
	if limit <= 0 {
		limit = DefaultHistoryLimit
	}
	if len(m.done)-1 > limit {
		m.done = m.done[1:]
	}
	return nil
}

func (m *htModel) undo(tg htTarget) error {
	entry, err := tg.undo()
	if err != nil {
		return fmt.Errorf("undo: %v", err)
	}
	if len(m.done) == 1 {
		if entry != nil {
			return fmt.Errorf("undo with nothing to undo returned %q", entry.Name)
		}
		return nil
	}
	if entry == nil {
		return fmt.Errorf("undo returned nothing; %d steps to undo", len(m.done)-1)
	}
	m.undone = append(m.undone, m.top())
	m.done = m.done[:len(m.done)-1]
	return nil
}

func (m *htModel) redo(tg htTarget) error {
	entry, err := tg.redo()
	if err != nil {
		return fmt.Errorf("redo: %v", err)
	}
	if len(m.undone) == 0 {
		if entry != nil {
			return fmt.Errorf("redo with nothing to redo returned %q", entry.Name)
		}
		return nil
	}
	if entry == nil {
		return fmt.Errorf("redo returned nothing; %d steps to redo", len(m.undone))
	}
	m.done = append(m.done, m.undone[len(m.undone)-1])
	m.undone = m.undone[:len(m.undone)-1]
	return nil
}

// run makes steps random steps (undo with probability undo/16, redo
// half as often, else a new edit) and checks the target against the
// model after each.
func (m *htModel) run(g *htGen, tg htTarget, steps, undo int) error {
	for k := range steps {
		var err error
		what := "apply"
		switch op := g.r.IntN(16); {
		case op < undo:
			what, err = "undo", m.undo(tg)
		case op < undo+undo/2:
			what, err = "redo", m.redo(tg)
		default:
			if m.schemas {
				g.schema = tg.schema()
			}
			e := g.edit(tg.doc(), 0)
			what = e.Describe()
			err = m.apply(tg, e)
		}
		if err == nil {
			err = m.check(tg, g.schema)
		}
		if err != nil {
			return fmt.Errorf("step %d (%s): %v", k, what, err)
		}
		if b, ok := g.r.(*htBytes); ok && b.used {
			return nil
		}
	}
	return nil
}

// undoRedoAll undoes every step, checking each state on the way, then
// redoes them all.
func (m *htModel) undoRedoAll(tg htTarget, schema *Schema) error {
	for len(m.done) > 1 {
		if err := m.undo(tg); err != nil {
			return err
		}
		if err := m.check(tg, schema); err != nil {
			return fmt.Errorf("undoing all, %d left: %v", len(m.done)-1, err)
		}
	}
	if err := m.undo(tg); err != nil { // nothing left
		return err
	}
	for len(m.undone) > 0 {
		if err := m.redo(tg); err != nil {
			return err
		}
		if err := m.check(tg, schema); err != nil {
			return fmt.Errorf("redoing all, %d left: %v", len(m.undone), err)
		}
	}
	return m.redo(tg)
}

// htSchema is the default schema with a second layer that allows
// overlaps.
func htSchema() *Schema {
	s := DefaultSchema()
	s.Layers = append(s.Layers, Layer{Name: "note", Overlap: OverlapAllowed, Labels: []Label{
		{Name: "A", Color: "#112233", Key: "a"}, {Name: "B", Color: "#445566"},
	}})
	return s
}

// htSmallDoc is etDoc with a few more sentences, so that random edits
// have room.
func htSmallDoc() *Document {
	d := etBuild("ht.txt",
		[]string{"焦作市", "位于", "河南省", "西北部", "，", "北依", "太行山", "。"},
		[]string{"New", " ", "York", " ", "和", "𠀀😀", "好", "。"},
		[]string{" ", "2021年", "7月", "，", "焦作", "遭遇", "特大", "暴雨", "。"},
		[]string{"\n", "他", "说", "：", "“", "人民", "政府", "已经", "组织", "救援", "。", "”"},
	)
	d.ID = 3
	d.Spans = []Span{
		{ID: 1, Layer: "entity", Label: "GPE", Start: 0, End: 3, Origin: OriginManual},
		{ID: 3, Layer: "note", Label: "A", Start: 3, End: 8, Origin: OriginSuggested},
		{ID: 2, Layer: "entity", Label: "LOC", Start: 5, End: 11, Origin: OriginImported},
	}
	return d
}

// htSeeds is how many random runs each property test makes.
func htSeeds() int {
	if raceEnabled {
		return 12
	}
	return 60
}

func htRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6269616f7a6875)) }

// TestHistoryUndoAllRedoAll applies random edits, then undoes them all
// (each state on the way must be the one recorded) back to the original
// document and redoes them all to the final one.
func TestHistoryUndoAllRedoAll(t *testing.T) {
	for seed := range uint64(htSeeds()) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			schema := htSchema()
			d := htSmallDoc()
			ed := htEditorFor(d, schema, 0)
			tg := htEditor{ed}
			g := &htGen{r: htRand(seed), schema: schema}
			m := htNewModel(d, 0)
			if err := m.run(g, tg, 60, 0); err != nil {
				t.Fatal(err)
			}
			if m.steps < 20 {
				t.Errorf("only %d of 60 edits applied (%d refused)", m.steps, m.refused)
			}
			if err := m.undoRedoAll(tg, schema); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestHistoryUndoRedoModel interleaves undo, redo and new edits at random
// and compares the editor with a stack of states after each step.
func TestHistoryUndoRedoModel(t *testing.T) {
	for seed := range uint64(htSeeds()) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			schema := htSchema()
			d := htSmallDoc()
			ed := htEditorFor(d, schema, 0)
			tg := htEditor{ed}
			g := &htGen{r: htRand(1000 + seed), schema: schema}
			m := htNewModel(d, 0)
			if err := m.run(g, tg, 120, 4+int(seed%4)); err != nil {
				t.Fatal(err)
			}
			if err := m.undoRedoAll(tg, schema); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestHistorySchemaSteps is TestHistoryUndoRedoModel with changes of the
// schema among the edits (labels and layers added, renamed and removed
// with the spans that use them, keys, colours, overlap rules): each undo
// and redo gives back the document and the schema as they were.
func TestHistorySchemaSteps(t *testing.T) {
	total := 0
	defer func() {
		if total < 4*htSeeds() {
			t.Errorf("only %d schema changes applied in %d runs", total, htSeeds())
		}
	}()
	for seed := range uint64(htSeeds()) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			schema := htSchema()
			d := htSmallDoc()
			ed := htEditorFor(d, schema, 0)
			tg := htEditor{ed}
			g := &htGen{r: htRand(3000 + seed), schema: schema, schemaSteps: true}
			m := htNewSchemaModel(d, schema, 0)
			if err := m.run(g, tg, 120, 4+int(seed%4)); err != nil {
				t.Fatal(err)
			}
			total += m.schemaChanges
			if err := m.undoRedoAll(tg, schema); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestHistoryLimit checks that a History keeps its last Limit steps and
// undoes exactly those.
func TestHistoryLimit(t *testing.T) {
	for _, limit := range []int{1, 5} {
		t.Run(fmt.Sprint("limit", limit), func(t *testing.T) {
			schema := htSchema()
			d := htSmallDoc()
			ed := htEditorFor(d, schema, limit)
			tg := htEditor{ed}
			g := &htGen{r: htRand(uint64(limit)), schema: schema}
			m := htNewModel(d, limit)
			for m.steps < 12 {
				if err := m.run(g, tg, 1, 0); err != nil {
					t.Fatal(err)
				}
			}
			if got := len(ed.History.Done); got != limit {
				t.Errorf("%d steps kept, want %d", got, limit)
			}
			if err := m.run(g, tg, 60, 6); err != nil {
				t.Fatal(err)
			}
			if err := m.undoRedoAll(tg, schema); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// htEditorFor returns an Editor of d with a History of that limit.
func htEditorFor(d *Document, schema *Schema, limit int) *Editor {
	return &Editor{Doc: d, Schema: schema, History: &History{Limit: limit}}
}

// TestHistoryEditorSpanIDs checks that an Editor without NewSpanID never
// gives a new span the ID of a span that undo can bring back.
func TestHistoryEditorSpanIDs(t *testing.T) {
	d := etDoc()
	d.Spans = d.Spans[:3]
	ed := &Editor{Doc: d, Schema: DefaultSchema()}
	for _, e := range []Edit{RemoveSpan{ID: 3}, RemoveSpan{ID: 2}, AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}}} {
		if _, err := ed.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if _, err := ed.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	entry, err := ed.Apply(AddSpan{Span{Layer: "entity", Label: "PER", Start: 29, End: 31}})
	if err != nil {
		t.Fatal(err)
	}
	if id := entry.Changes[0].Span.After.ID; id <= 3 {
		t.Errorf("new span got ID %d, which spans 1 to 3 (back by undo) have", id)
	}
	if err := etCheck(d, ed.Schema); err != nil {
		t.Error(err)
	}
}

// htFuzzSeeds are the fuzz target's seeds: the choices of the property
// tests' first random runs, and a few by hand.
func htFuzzSeeds() [][]byte {
	seeds := [][]byte{
		nil,
		[]byte("split and merge"),
		{10, 0, 0, 3, 11, 0, 0, 2, 16, 0, 0, 1, 4, 0, 9, 9, 9, 0, 0, 0, 12, 7, 7, 1, 1, 1},
		[]byte(strings.Repeat("\x0b\x01\x00\x02", 40)),
	}
	for seed := range uint64(3) {
		r := htRand(seed)
		b := make([]byte, htFuzzMaxInput)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// htFuzzMaxInput is how many bytes of a fuzz input FuzzEdits reads: some
// 20 to 40 steps. Longer inputs add little but slow the fuzzer down, above
// all its minimizing of new inputs.
const htFuzzMaxInput = 128

// FuzzEdits drives the generator from the fuzz input on an in-memory
// Editor: undo, redo and edits interleaved, checked against the model and
// the invariants after each step; then undo all and redo all.
func FuzzEdits(f *testing.F) {
	for _, s := range htFuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		data = data[:min(len(data), htFuzzMaxInput)]
		schema := htSchema()
		d := htSmallDoc()
		ed := htEditorFor(d, schema, 50)
		tg := htEditor{ed}
		g := &htGen{r: &htBytes{data: data}, schema: schema, schemaSteps: true}
		m := htNewSchemaModel(d, schema, 50)
		if err := m.run(g, tg, 200, 4); err != nil {
			t.Fatal(err)
		}
		if err := m.undoRedoAll(tg, schema); err != nil {
			t.Fatal(err)
		}
	})
}
