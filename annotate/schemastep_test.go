package annotate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Names the schema changes of the random runs choose from: a few that the
// test schemas have, so that changes collide with what is there.
var (
	htLayerNames = []string{"entity", "note", "extra", "topic"}
	htLabelNames = []string{"PER", "LOC", "GPE", "TIME", "A", "B", "NEWL", "X1", "第一"}
	htKeys       = []string{"", "1", "2", "5", "7", "8", "9", "0", "x", "y"}
	htColors     = []string{"#112233", "#aa0000", "#00aa00", "#e69f00"}
)

// htSchemaChange returns a random change of schema s: a label or layer
// added, renamed or removed, a colour, key or overlap rule changed, labels
// swapped in order or keys swapped between two labels; some of them are
// invalid (a name taken twice, a key used twice, a bad colour), which
// SetSchema must refuse. removed and renamed say what happens to spans,
// in the names of s.
func htSchemaChange(r htChooser, s *Schema) (out *Schema, removed []LabelRef, renamed map[LabelRef]string, what string) {
	out = s.Clone()
	renamed = map[LabelRef]string{}
	// One change in six may collide with what is there; the others
	// choose names and keys that are free, where there are some.
	bad := r.IntN(6) == 0
	pick := func(names []string) string { return names[r.IntN(len(names))] }
	used := map[string]bool{}
	for _, l := range out.Layers {
		used["layer "+l.Name] = true
		for _, lb := range l.Labels {
			used["label "+l.Name+"/"+lb.Name] = true
			used["key "+lb.Key] = lb.Key != ""
		}
	}
	fresh := func(kind, prefix string, names []string) string {
		n := pick(names)
		for k := 0; !bad && used[kind+" "+prefix+n] && k < 20; k++ {
			n = pick(names)
		}
		used[kind+" "+prefix+n] = true
		return n
	}
	freshLabel := func(layer string) string { return fresh("label", layer+"/", htLabelNames) }
	freshKey := func() string { return fresh("key", "", htKeys) }
	freshLayer := func() string { return fresh("layer", "", htLayerNames) }
	li := r.IntN(len(out.Layers))
	l := &out.Layers[li]
	bi := r.IntN(len(l.Labels))
	lb := &l.Labels[bi]
	switch k := r.IntN(11); k {
	case 0: // add a label
		nl := Label{Name: freshLabel(l.Name), Color: pick(htColors), Key: freshKey()}
		l.Labels = append(l.Labels, nl)
		what = fmt.Sprintf("add label %s/%s key %q", l.Name, nl.Name, nl.Key)
	case 1: // rename a label
		to := freshLabel(l.Name)
		renamed[LabelRef{Layer: l.Name, Label: lb.Name}] = to
		what = fmt.Sprintf("rename label %s/%s to %s", l.Name, lb.Name, to)
		lb.Name = to
	case 2, 3: // remove a label
		if len(l.Labels) < 2 {
			return htSchemaChange(r, s)
		}
		removed = append(removed, LabelRef{Layer: l.Name, Label: lb.Name})
		what = fmt.Sprintf("remove label %s/%s", l.Name, lb.Name)
		l.Labels = slices.Delete(l.Labels, bi, bi+1)
	case 4: // add a layer
		name := freshLayer()
		nl := Layer{Name: name, Overlap: []Overlap{OverlapAllowed, OverlapForbidden}[r.IntN(2)],
			Labels: []Label{{Name: freshLabel(name), Color: pick(htColors)}, {Name: freshLabel(name), Color: pick(htColors), Key: freshKey()}}}
		out.Layers = append(out.Layers, nl)
		what = fmt.Sprintf("add layer %s (%s)", nl.Name, nl.Overlap)
	case 5: // rename a layer
		to := freshLayer()
		renamed[LabelRef{Layer: l.Name}] = to
		what = fmt.Sprintf("rename layer %s to %s", l.Name, to)
		l.Name = to
	case 6: // remove a layer
		if len(out.Layers) < 2 {
			return htSchemaChange(r, s)
		}
		removed = append(removed, LabelRef{Layer: l.Name})
		what = fmt.Sprintf("remove layer %s", l.Name)
		out.Layers = slices.Delete(out.Layers, li, li+1)
	case 7: // colour and key
		lb.Color, lb.Key = pick(htColors), freshKey()
		if bad && r.IntN(2) == 0 {
			lb.Color = "red"
		}
		what = fmt.Sprintf("label %s/%s colour %s key %q", l.Name, lb.Name, lb.Color, lb.Key)
	case 8: // overlap rule
		l.Overlap = []Overlap{OverlapAllowed, OverlapForbidden}[r.IntN(2)]
		what = fmt.Sprintf("layer %s overlaps %s", l.Name, l.Overlap)
	case 9: // order
		slices.Reverse(l.Labels)
		if r.IntN(2) == 0 {
			slices.Reverse(out.Layers)
		}
		what = "reorder"
	default: // swap two labels' keys (somewhere in the schema)
		l2 := &out.Layers[r.IntN(len(out.Layers))]
		lb2 := &l2.Labels[r.IntN(len(l2.Labels))]
		lb.Key, lb2.Key = lb2.Key, lb.Key
		what = fmt.Sprintf("swap keys of %s/%s and %s/%s", l.Name, lb.Name, l2.Name, lb2.Name)
	}
	return out, removed, renamed, what
}

// htSchemaStep is a schema change of the document's history as the schema
// editor makes one: SetSchema, then the span edits it asks for.
func htSchemaStep(r htChooser, d *Document, s *Schema) Edit {
	out, removed, renamed, _ := htSchemaChange(r, s)
	gone := map[LabelRef]bool{}
	for _, ref := range removed {
		gone[ref] = true
	}
	return Batch{Name: SchemaStepName, Edits: append([]Edit{SetSchema{Schema: out}}, schemaSpanEdits(d, gone, renamed)...)}
}

// TestSchemaStepUndoAfterEdit is issue 12's stuck undo, headless and
// through a real project file: a label in use is deleted and another added
// with a key, the new label is used, then undo goes back through it all
// (the deleted label comes back before its span), redo forward again, and
// both again after reopening.
func TestSchemaStepUndoAfterEdit(t *testing.T) {
	p, path := htNewProject(t)
	d := etDoc()
	d.Spans = nil
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	id := d.ID
	htMust(t)(p.Apply(id, AddSpan{Span{Layer: "entity", Label: "TIME", Start: 29, End: 31}}))
	s := p.Schema()
	l, _ := s.Layer("entity")
	l.Labels = slices.DeleteFunc(l.Labels, func(lb Label) bool { return lb.Name == "TIME" })
	l.Labels = append(l.Labels, Label{Name: "NEWL", Color: "#123456", Key: "7"})
	step, err := p.ChangeSchema(s, []LabelRef{{Layer: "entity", Label: "TIME"}}, nil, id)
	if err != nil {
		t.Fatal(err)
	}
	if step == nil || len(step.Entries) != 1 {
		t.Fatalf("ChangeSchema made step %+v, want one part", step)
	}
	htMust(t)(p.Apply(id, AddSpan{Span{Layer: "entity", Label: "NEWL", Start: 0, End: 3}}))
	type want struct {
		spans      string
		time, newl bool
	}
	states := []want{{"", true, false}, {"TIME", true, false}, {"", false, true}, {"NEWL", false, true}}
	check := func(p *Project, k int, when string) {
		t.Helper()
		d, err := p.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, sp := range d.Spans {
			labels = append(labels, sp.Label)
		}
		l, _ := p.Schema().Layer("entity")
		_, time := l.Label("TIME")
		newl, hasNewl := l.Label("NEWL")
		w := states[k]
		if got := strings.Join(labels, " "); got != w.spans || time != w.time || hasNewl != w.newl {
			t.Fatalf("%s: spans %q, TIME in the schema %v, NEWL %v; want %q, %v, %v", when, got, time, hasNewl, w.spans, w.time, w.newl)
		}
		if hasNewl && newl.Key != "7" {
			t.Errorf("%s: NEWL has key %q, want 7", when, newl.Key)
		}
		if tl, ok := l.Label("TIME"); ok && tl.Key != "5" {
			t.Errorf("%s: TIME has key %q, want 5", when, tl.Key)
		}
		if err := etCheck(d, p.Schema()); err != nil {
			t.Errorf("%s: %v", when, err)
		}
	}
	check(p, 3, "after the edits")
	for round := range 2 {
		for k := 2; k >= 0; k-- {
			htMust(t)(p.Undo(id))
			check(p, k, fmt.Sprintf("round %d, undo to state %d", round, k))
		}
		p = htReopen(t, p, path)
		check(p, 0, "after undoing all and reopening")
		for k := 1; k <= 3; k++ {
			htMust(t)(p.Redo(id))
			check(p, k, fmt.Sprintf("round %d, redo to state %d", round, k))
		}
		p = htReopen(t, p, path)
		check(p, 3, "after redoing all and reopening")
	}
}

// htCheckFile checks what the file holds against the project in memory:
// foreign keys, the schema, every document's spans.
func htCheckFile(t *testing.T, p *Project, ids []int64) {
	t.Helper()
	ctx := context.Background()
	var bad []string
	rows, err := p.conn.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, parent string
		var rowid, fk sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			t.Fatal(err)
		}
		bad = append(bad, fmt.Sprintf("%s row %d → %s", table, rowid.Int64, parent))
	}
	rows.Close()
	if len(bad) > 0 {
		t.Fatalf("foreign keys broken: %v", bad)
	}
	file, err := p.readSchema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !schemaEqual(file, p.schema) {
		t.Fatalf("the file's schema %+v, memory %+v", file.Layers, p.schema.Layers)
	}
	if err := p.schema.Validate(); err != nil {
		t.Fatalf("the schema is not valid: %v", err)
	}
	for _, id := range ids {
		d, err := p.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		if err := etCheck(d, p.schema); err != nil {
			t.Fatalf("document %d: %v", id, err)
		}
	}
}

// htDocs are the documents of the multi-document runs: etDoc and
// htSmallDoc with their spans, and one with spans on the note layer.
func htDocs() []*Document {
	a, b, c := etDoc(), htSmallDoc(), etDoc()
	c.Name = "c.txt"
	c.Spans = []Span{
		{Layer: "note", Label: "A", Start: 0, End: 5, Origin: OriginManual},
		{Layer: "note", Label: "B", Start: 3, End: 8, Origin: OriginManual},
		{Layer: "entity", Label: "TIME", Start: 29, End: 31, Origin: OriginManual},
	}
	return []*Document{a, b, c}
}

// htSchemaRun is a random run over several documents of a project file:
// edits in one document, schema changes that change spans in several
// (ChangeSchema), undo and redo in one document, undo and redo of the last
// corpus step whole, reopening. Undo and redo must never fail, every
// document must match its own model after every step, and the file must
// hold the project in memory. It ends undoing every step of every
// document in a random order: each document is back as it was, and so is
// the schema.
func htSchemaRun(t *testing.T, r htChooser, steps int) {
	p, path := htNewProject(t)
	start := p.Schema()
	var ids []int64
	models := map[int64]*htModel{}
	for _, d := range htDocs() {
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	for _, id := range ids {
		d, err := p.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		models[id] = htNewModel(d, 0)
	}
	var corpus []*CorpusStep // made, the last last
	var undone *CorpusStep   // the last one undone whole
	changes, refusedSchema, corpusOps := 0, 0, 0
	checkAll := func(when string) {
		t.Helper()
		for _, id := range ids {
			if err := models[id].check(htProject{p, id}, p.Schema()); err != nil {
				t.Fatalf("%s: document %d: %v", when, id, err)
			}
		}
		htCheckFile(t, p, ids)
	}
	bytes, _ := r.(*htBytes)
	for k := range steps {
		if bytes != nil && bytes.used {
			break
		}
		id := ids[r.IntN(len(ids))]
		m, tg := models[id], htProject{p, id}
		var what string
		var err error
		switch op := r.IntN(20); {
		case op < 4:
			what, err = fmt.Sprintf("undo in %d", id), m.undo(tg)
		case op < 6:
			what, err = fmt.Sprintf("redo in %d", id), m.redo(tg)
		case op < 12:
			g := &htGen{r: r, schema: p.Schema()}
			e := g.edit(tg.doc(), 0)
			what, err = fmt.Sprintf("%s in %d", e.Describe(), id), m.apply(tg, e)
		case op < 16:
			s, removed, renamed, desc := htSchemaChange(r, p.Schema())
			what = fmt.Sprintf("schema change (%s) from %d", desc, id)
			before := map[int64]etState{}
			for _, id := range ids {
				before[id] = models[id].top()
			}
			var step *CorpusStep
			step, err = p.ChangeSchema(s, removed, renamed, id)
			if err != nil {
				var ee *EditError
				if !errors.As(err, &ee) && !strings.Contains(err.Error(), "annotate: schema:") {
					break
				}
				refusedSchema++
				err = nil
				for _, id := range ids {
					if diff := etDiff(etStateOf(htProject{p, id}.doc()), before[id]); diff != "" {
						t.Fatalf("step %d: %s: refused (%v) but changed document %d: %s", k, what, err, id, diff)
					}
				}
				break
			}
			changes++
			if step != nil {
				corpus, undone = append(corpus, step), nil
				for _, ce := range step.Entries {
					mm := models[ce.Doc]
					mm.done = append(mm.done, etStateOf(htProject{p, ce.Doc}.doc()))
					mm.undone = nil
					mm.steps++
				}
			}
		case op < 18 && len(corpus) > 0:
			st := corpus[len(corpus)-1]
			what = fmt.Sprintf("undo %q whole", st.Name)
			err = p.UndoCorpus(st)
			if err == nil {
				corpusOps++
				for _, ce := range st.Entries {
					mm := models[ce.Doc]
					mm.undone = append(mm.undone, mm.top())
					mm.done = mm.done[:len(mm.done)-1]
				}
				corpus, undone = corpus[:len(corpus)-1], st
			} else if strings.Contains(err.Error(), "was edited since") {
				err = nil // another step came after it in one of its documents
			}
		case op < 19 && undone != nil:
			st := undone
			what = fmt.Sprintf("redo %q whole", st.Name)
			err = p.RedoCorpus(st)
			if err == nil {
				corpusOps++
				for _, ce := range st.Entries {
					mm := models[ce.Doc]
					mm.done = append(mm.done, mm.undone[len(mm.undone)-1])
					mm.undone = mm.undone[:len(mm.undone)-1]
				}
				corpus, undone = append(corpus, st), nil
			} else if strings.Contains(err.Error(), "was edited since") {
				err = nil
			}
		default:
			what = "reopen"
			p = htReopen(t, p, path)
			corpus, undone = nil, nil // a new session: the corpus steps are the documents' parts
		}
		if err != nil {
			t.Fatalf("step %d (%s): %v", k, what, err)
		}
		checkAll(fmt.Sprintf("step %d (%s)", k, what))
	}
	if bytes == nil && changes < steps/10 {
		t.Errorf("only %d schema changes made (%d refused)", changes, refusedSchema)
	}
	// Undo everything, one document at a time in a random order.
	for {
		var left []int64
		for _, id := range ids {
			if len(models[id].done) > 1 {
				left = append(left, id)
			}
		}
		if len(left) == 0 {
			break
		}
		id := left[r.IntN(len(left))]
		if err := models[id].undo(htProject{p, id}); err != nil {
			t.Fatalf("undoing all, document %d: %v", id, err)
		}
		checkAll(fmt.Sprintf("undoing all, document %d", id))
	}
	p = htReopen(t, p, path)
	checkAll("after undoing all and reopening")
	// Undone one document at a time, in any order, a schema change can
	// only take back what no other document's spans need at that moment:
	// what it added may stay, settings may be those of another step. But
	// nothing that was there is lost.
	got := p.Schema()
	for _, l := range start.Layers {
		gl, ok := got.Layer(l.Name)
		if !ok {
			t.Errorf("after undoing all: layer %q is gone", l.Name)
			continue
		}
		for _, lb := range l.Labels {
			if _, ok := gl.Label(lb.Name); !ok {
				t.Errorf("after undoing all: label %s/%s is gone", l.Name, lb.Name)
			}
		}
	}
}

// TestSchemaStepsAnyOrder runs htSchemaRun from random seeds.
func TestSchemaStepsAnyOrder(t *testing.T) {
	seeds, steps := htSeeds()/6, 80
	if raceEnabled {
		steps = 40
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			htSchemaRun(t, htRand(5000+seed), steps)
		})
	}
}

// FuzzSchemaSteps drives htSchemaRun from the fuzz input.
func FuzzSchemaSteps(f *testing.F) {
	for _, s := range htFuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		htSchemaRun(t, &htBytes{data: data[:min(len(data), htFuzzMaxInput)]}, 60)
	})
}

// TestSchemaStepsReverseOrder makes random edits and schema changes in
// several documents, then undoes them all in the reverse order they were
// made — a corpus step whole, or its parts one by one, last first — and
// redoes them all in order, reopening the project in between: after each
// step the schema and every document are exactly as they were at that
// point.
func TestSchemaStepsReverseOrder(t *testing.T) {
	for seed := range uint64(htSeeds() / 6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := htRand(7000 + seed)
			p, path := htNewProject(t)
			var ids []int64
			for _, d := range htDocs() {
				if err := p.AddDocument(d); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, d.ID)
			}
			type point struct {
				step   *CorpusStep // the step that led here; nil for one document's
				doc    int64       // that document
				schema *Schema
				docs   map[int64]etState
			}
			snap := func(step *CorpusStep, doc int64) point {
				pt := point{step: step, doc: doc, schema: p.Schema(), docs: map[int64]etState{}}
				for _, id := range ids {
					pt.docs[id] = etStateOf(htProject{p, id}.doc())
				}
				return pt
			}
			same := func(pt point, when string) {
				t.Helper()
				if got := p.Schema(); !schemaEqual(got, pt.schema) {
					t.Fatalf("%s: schema %+v, want %+v", when, got.Layers, pt.schema.Layers)
				}
				for _, id := range ids {
					if diff := etDiff(etStateOf(htProject{p, id}.doc()), pt.docs[id]); diff != "" {
						t.Fatalf("%s: document %d: %s", when, id, diff)
					}
				}
				htCheckFile(t, p, ids)
			}
			points := []point{snap(nil, 0)}
			for len(points) < 40 {
				id := ids[r.IntN(len(ids))]
				if r.IntN(3) == 0 {
					sch, removed, renamed, _ := htSchemaChange(r, p.Schema())
					step, err := p.ChangeSchema(sch, removed, renamed, id)
					if err == nil && step != nil {
						points = append(points, snap(step, 0))
					}
					continue
				}
				g := &htGen{r: r, schema: p.Schema()}
				if e, err := p.Apply(id, g.edit(htProject{p, id}.doc(), 0)); err == nil && e != nil {
					points = append(points, snap(nil, id))
				}
			}
			multi := 0 // schema changes with parts in two documents or more
			for _, pt := range points {
				if pt.step != nil && len(pt.step.Entries) > 1 {
					multi++
				}
			}
			if multi == 0 {
				t.Error("no schema change changed spans in two documents")
			}
			for k := len(points) - 1; k > 0; k-- {
				pt := points[k]
				switch {
				case pt.step == nil:
					htMust(t)(p.Undo(pt.doc))
				case k%2 == 0:
					if err := p.UndoCorpus(pt.step); err != nil {
						t.Fatal(err)
					}
				default:
					for i := len(pt.step.Entries) - 1; i >= 0; i-- {
						htMust(t)(p.Undo(pt.step.Entries[i].Doc))
					}
				}
				same(points[k-1], fmt.Sprintf("undoing step %d", k))
				if k == len(points)/2 {
					p = htReopen(t, p, path)
				}
			}
			p = htReopen(t, p, path)
			for k := 1; k < len(points); k++ {
				pt := points[k]
				switch {
				case pt.step == nil:
					htMust(t)(p.Redo(pt.doc))
				case k%2 == 1:
					if err := p.RedoCorpus(pt.step); err != nil {
						t.Fatal(err)
					}
				default:
					for _, ce := range pt.step.Entries {
						htMust(t)(p.Redo(ce.Doc))
					}
				}
				same(pt, fmt.Sprintf("redoing step %d", k))
			}
		})
	}
}

// htCorrupt runs a statement on the project file at path with p closed
// (another program changing it), then opens it again.
func htCorrupt(t *testing.T, p *Project, path, stmt string, args ...any) *Project {
	t.Helper()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(stmt, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("%s changed nothing", stmt)
	}
	db.Close()
	q, err := Open(path, Options{NoBackup: true, Synchronous: "NORMAL", Annotator: "lin"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// TestStepRefused injects steps that cannot be applied into the stored
// history of a real project file, and checks what the user can do next:
// the step is refused with a *StepError that names it and says why, and
// nothing changes; new edits, the other direction, other documents and
// reopening all work; the step can be discarded with the steps behind it,
// after which undo and redo go on.
func TestStepRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		// the steps made (on etDoc with its first span only), and how many
		// of them to undo before the file is changed
		edits []Edit
		undo  int
		// the statement that changes the file; ? is the document's ID
		corrupt string
		op      Op
		entry   string // the name of the refused step
		behind  int
		reason  string
	}{
		{name: "a span changed since",
			edits:   []Edit{SetStatus{Status: StatusDone}, Split{At: 1}, AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}}},
			corrupt: `UPDATE spans SET note = 'edited elsewhere' WHERE doc_id = ? AND label = 'PER'`,
			op:      OpUndo, entry: "add span [27,28) entity/PER", behind: 2, reason: `note "edited elsewhere", not ""`},
		{name: "tokens changed since",
			edits:   []Edit{SetStatus{Status: StatusDone}, AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}}, Split{At: 1}},
			corrupt: `UPDATE history SET changes = replace(changes, '"pos":"n"', '"pos":"v"') WHERE doc_id = ? AND name = 'split at 1'`,
			op:      OpUndo, entry: "split at 1", behind: 2, reason: "tokens in [0,3) are not the ones the change replaces"},
		{name: "a damaged step",
			edits:   []Edit{SetStatus{Status: StatusDone}, Split{At: 1}, SetLabels{Labels: []string{"新闻"}}},
			corrupt: `UPDATE history SET changes = '[{"labels":' WHERE doc_id = ? AND name LIKE 'set document labels%'`,
			op:      OpUndo, entry: `set document labels ["新闻"]`, behind: 2, reason: "damaged in the file"},
		{name: "a step to redo that clashes",
			edits: []Edit{SetStatus{Status: StatusDone}, AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}}, Split{At: 1}},
			undo:  2,
			// the span the redo adds takes the ID of the one that is there
			corrupt: `UPDATE history SET changes = replace(changes, '"after":{"id":', '"after":{"id":1,"x":') WHERE doc_id = ? AND name LIKE 'add span%'`,
			op:      OpRedo, entry: "add span [27,28) entity/PER", behind: 1, reason: "span 1 is there already"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, path := htNewProject(t)
			d, other := etDoc(), etDoc()
			d.Spans, other.Spans = d.Spans[:1], other.Spans[:2]
			for _, x := range []*Document{d, other} {
				if err := p.AddDocument(x); err != nil {
					t.Fatal(err)
				}
			}
			id := d.ID
			for _, e := range c.edits {
				htMust(t)(p.Apply(id, e))
			}
			for range c.undo {
				htMust(t)(p.Undo(id))
			}
			p = htCorrupt(t, p, path, c.corrupt, id)
			before := etStateOf(htProject{p, id}.doc())
			h := htProject{p, id}.history()
			nDone, nUndone := len(h.Done), len(h.Undone)

			run := func(id int64) (*Entry, error) { return p.Undo(id) }
			if c.op == OpRedo {
				run = func(id int64) (*Entry, error) { return p.Redo(id) }
			}
			_, err := run(id)
			var se *StepError
			if !errors.As(err, &se) {
				t.Fatalf("%s = %v, want a *StepError", c.op, err)
			}
			if se.Op != c.op || se.Entry.Name != c.entry || se.Doc != id || se.Behind != c.behind || !strings.Contains(err.Error(), c.reason) {
				t.Fatalf("%s refused: %v (op %s, step %q, %d behind); want %s of %q, %d behind, saying %q", c.op, err, se.Op, se.Entry.Name, se.Behind, c.op, c.entry, c.behind, c.reason)
			}
			// Nothing changed, in memory or in the file.
			if diff := etDiff(etStateOf((htProject{p, id}).doc()), before); diff != "" {
				t.Fatalf("the refused step changed the document: %s", diff)
			}
			if h := (htProject{p, id}).history(); len(h.Done) != nDone || len(h.Undone) != nUndone {
				t.Fatalf("the refused step changed the history: %d, %d steps; want %d, %d", len(h.Done), len(h.Undone), nDone, nUndone)
			}
			p = htReopen(t, p, path)
			if diff := etDiff(etStateOf((htProject{p, id}).doc()), before); diff != "" {
				t.Fatalf("after the refused step and reopening: %s", diff)
			}
			// Again after reopening: still refused, the same way.
			if _, err := run(id); !errors.As(err, &se) {
				t.Fatalf("%s after reopening = %v, want a *StepError", c.op, err)
			}
			// Around it, the other direction and new edits work.
			if c.op == OpUndo {
				htMust(t)(p.Apply(id, SetLabels{Labels: []string{"新的"}}))
				htMust(t)(p.Undo(id))
				htMust(t)(p.Redo(id))
				htMust(t)(p.Undo(id)) // left to redo
			} else {
				htMust(t)(p.Undo(id))
				htMust(t)(p.Redo(id))
			}
			if _, err := run(id); !errors.As(err, &se) {
				t.Fatalf("%s after working around it = %v, want a *StepError", c.op, err)
			}
			h = (htProject{p, id}).history()
			nDone, nUndone = len(h.Done), len(h.Undone)
			// The other document works.
			htMust(t)(p.Apply(other.ID, AddSpan{Span{Layer: "entity", Label: "ORG", Start: 29, End: 31}}))
			htMust(t)(p.Undo(other.ID))

			// Discard it: it goes with the steps behind it; the document
			// stays as it is.
			n, err := p.Discard(id, se.Entry)
			if err != nil || n != c.behind+1 {
				t.Fatalf("Discard = %d, %v; want %d", n, err, c.behind+1)
			}
			if diff := etDiff(etStateOf((htProject{p, id}).doc()), before); diff != "" {
				t.Fatalf("Discard changed the document: %s", diff)
			}
			h = htProject{p, id}.history()
			wantDone, wantUndone := nDone, nUndone-n
			if c.op == OpUndo {
				wantDone, wantUndone = nDone-n, nUndone
			}
			if len(h.Done) != wantDone || len(h.Undone) != wantUndone {
				t.Fatalf("after Discard: %d, %d steps; want %d, %d", len(h.Done), len(h.Undone), wantDone, wantUndone)
			}
			p = htReopen(t, p, path)
			if h := (htProject{p, id}).history(); len(h.Done) != wantDone || len(h.Undone) != wantUndone {
				t.Fatalf("after Discard and reopening: %d, %d steps; want %d, %d", len(h.Done), len(h.Undone), wantDone, wantUndone)
			}
			if diff := etDiff(etStateOf((htProject{p, id}).doc()), before); diff != "" {
				t.Fatalf("after Discard and reopening: %s", diff)
			}
			// Undo and redo go on past it: every step left works.
			for range wantDone {
				htMust(t)(p.Undo(id))
			}
			if e, err := p.Undo(id); e != nil || err != nil {
				t.Fatalf("undo with nothing left = %v, %v", e, err)
			}
			for range wantDone + wantUndone {
				htMust(t)(p.Redo(id))
			}
			htMust(t)(p.Apply(id, SetStatus{Status: StatusInProgress}))
			htCheckFile(t, p, []int64{id, other.ID})
		})
	}
}

// TestSchemaStepRecall: a step of one document's history brings back a
// span of a label that a schema change made from another document removed
// since. Undoing the step brings the label back as it was (its colour, its
// key where that is free), and the step records it, so that redoing it
// takes the label away again once no span uses it, also after reopening.
func TestSchemaStepRecall(t *testing.T) {
	p, path := htNewProject(t)
	a, b := etDoc(), etDoc()
	b.Spans = nil
	for _, x := range []*Document{a, b} {
		if err := p.AddDocument(x); err != nil {
			t.Fatal(err)
		}
	}
	htMust(t)(p.Apply(a.ID, RelabelSpan{ID: 4, Label: "LOC"})) // MISC → LOC: MISC is no longer used
	s := p.Schema()
	l, _ := s.Layer("entity")
	l.Labels = slices.DeleteFunc(l.Labels, func(lb Label) bool { return lb.Name == "MISC" })
	l.Labels = append(l.Labels, Label{Name: "NEW", Color: "#123456", Key: "6"}) // MISC's key
	step, err := p.ChangeSchema(s, []LabelRef{{Layer: "entity", Label: "MISC"}}, nil, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(step.Entries) != 1 || step.Entries[0].Doc != b.ID {
		t.Fatalf("the schema change has parts %v, want one in document %d", step.Docs(), b.ID)
	}
	has := func(name string) (Label, bool) {
		l, _ := p.Schema().Layer("entity")
		lb, ok := l.Label(name)
		if !ok {
			return Label{}, false
		}
		return *lb, true
	}
	p = htReopen(t, p, path)
	htMust(t)(p.Undo(a.ID)) // brings back the MISC span
	misc, ok := has("MISC")
	if !ok || misc.Color != "#cc79a7" || misc.Key != "" || misc.Description != "其他实体 miscellaneous entity" {
		t.Fatalf("after undoing the relabel: MISC %+v (%v); want it back as it was, without key 6 (NEW's now)", misc, ok)
	}
	if nl, _ := has("NEW"); nl.Key != "6" {
		t.Errorf("NEW lost its key: %+v", nl)
	}
	htCheckFile(t, p, []int64{a.ID, b.ID})
	p = htReopen(t, p, path)
	htMust(t)(p.Redo(a.ID))
	if _, ok := has("MISC"); ok {
		t.Fatal("after redoing the relabel: MISC is still in the schema, unused")
	}
	htMust(t)(p.Undo(a.ID))
	if _, ok := has("MISC"); !ok {
		t.Fatal("after undoing the relabel again: no MISC")
	}
	// Undoing the schema change in b now: MISC is there already; NEW
	// goes.
	htMust(t)(p.Undo(b.ID))
	if _, ok := has("NEW"); ok {
		t.Error("after undoing the schema change: NEW is still there")
	}
	if m, _ := has("MISC"); m.Key != "6" {
		t.Errorf("after undoing the schema change: MISC %+v, want its key 6 back", m)
	}
	htCheckFile(t, p, []int64{a.ID, b.ID})
}

// TestSchemaStepRecallUnrecorded is the file of issue 12 as an older
// Biaozhu left it: a schema change whose step removed the spans of label
// TIME, the label then removed outside the history, with no record of it.
// Undo brings the spans back, and the label by its name (grey, saying so);
// redo takes both away again; it holds after reopening.
func TestSchemaStepRecallUnrecorded(t *testing.T) {
	p, path := htNewProject(t)
	d := etDoc()
	d.Spans = nil
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	id := d.ID
	htMust(t)(p.Apply(id, AddSpan{Span{Layer: "entity", Label: "TIME", Start: 27, End: 28}}))
	dd, _ := p.Document(id)
	htMust(t)(p.Apply(id, Batch{Name: SchemaStepName, Edits: []Edit{RemoveSpan{ID: dd.Spans[0].ID}}}))
	s := p.Schema()
	l, _ := s.Layer("entity")
	l.Labels = slices.DeleteFunc(l.Labels, func(lb Label) bool { return lb.Name == "TIME" })
	if err := p.SetSchema(s); err != nil {
		t.Fatal(err)
	}
	p = htCorrupt(t, p, path, `DELETE FROM meta WHERE key = 'removed_labels'`) // no record
	time := func() (Label, bool) {
		l, _ := p.Schema().Layer("entity")
		lb, ok := l.Label("TIME")
		if !ok {
			return Label{}, false
		}
		return *lb, true
	}
	htMust(t)(p.Undo(id))
	lb, ok := time()
	if !ok || lb.Color != unrecordedColor || lb.Key != "" || lb.Description != unrecordedLabel {
		t.Fatalf("after undo: TIME %+v (%v), want it back by its name, grey, saying so", lb, ok)
	}
	if dd, _ := p.Document(id); len(dd.Spans) != 1 || dd.Spans[0].Label != "TIME" {
		t.Fatalf("after undo: spans %v, want the TIME span back", dd.Spans)
	}
	htCheckFile(t, p, []int64{id})
	p = htReopen(t, p, path)
	htMust(t)(p.Redo(id))
	if _, ok := time(); ok {
		t.Error("after redo: TIME is still in the schema, unused")
	}
	htMust(t)(p.Undo(id))
	if lb, ok := time(); !ok || lb.Color != unrecordedColor {
		t.Errorf("after undo again: TIME %+v (%v)", lb, ok)
	}
	htMust(t)(p.Undo(id)) // the span's own step
	htCheckFile(t, p, []int64{id})
}
