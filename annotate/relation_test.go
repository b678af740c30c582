package annotate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// undoFormat5 takes a project file of format 5 back to format 4 (tests
// that make older files run it first).
const undoFormat5 = "DROP TABLE relations; ALTER TABLE spans DROP COLUMN extra; DELETE FROM meta WHERE key = 'relation_layers'; "

// relationTestSchema is the default schema with a relation layer "rel":
// works_for from a PER or GPE to an ORG, LOC or GPE; located_in from any
// entity to a LOC or GPE; linked between any spans.
func relationTestSchema() *Schema {
	s := DefaultSchema()
	s.Relations = []RelationLayer{{Name: "rel", Types: []RelationType{
		{Name: "works_for", Color: "#aa3300", Arg1: []LabelRef{{"entity", "PER"}, {"entity", "GPE"}}, Arg2: []LabelRef{{"entity", "ORG"}, {"entity", "LOC"}, {"entity", "GPE"}}},
		{Name: "located_in", Arg1: []LabelRef{{Layer: "entity"}}, Arg2: []LabelRef{{"entity", "LOC"}, {"entity", "GPE"}}},
		{Name: "linked"},
	}}}
	return s
}

func TestSchemaValidateRelations(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(s *Schema)
		want string // in the error; "" for none
	}{
		{"valid", func(s *Schema) {}, ""},
		{"no types", func(s *Schema) { s.Relations = append(s.Relations, RelationLayer{Name: "empty"}) }, ""},
		{"layer twice", func(s *Schema) { s.Relations = append(s.Relations, RelationLayer{Name: "rel"}) }, `relation layer "rel" appears twice`},
		{"span layer name", func(s *Schema) { s.Relations[0].Name = "entity" }, `relation layer "entity" has the name of a span layer`},
		{"bad layer name", func(s *Schema) { s.Relations[0].Name = "a\tb" }, `relation layer "a\tb" holds a tab`},
		{"type twice", func(s *Schema) { s.Relations[0].Types[1].Name = "works_for" }, `relation layer "rel": type "works_for" appears twice`},
		{"empty type", func(s *Schema) { s.Relations[0].Types[2].Name = "" }, `relation type "" is empty`},
		{"colour", func(s *Schema) { s.Relations[0].Types[0].Color = "red" }, `relation type rel/works_for: colour "red" is not #rrggbb`},
		{"reserved key", func(s *Schema) { s.Relations[0].Types[0].Key = "n" }, `shortcut "n" is the workspace's next document key`},
		{"key twice", func(s *Schema) { s.Relations[0].Types[0].Key = "w"; s.Relations[0].Types[1].Key = "w" }, `shortcut "w" is already rel/works_for`},
		{"two-rune key", func(s *Schema) { s.Relations[0].Types[0].Key = "ww" }, `shortcut "ww" is not one key`},
		{"arg layer", func(s *Schema) { s.Relations[0].Types[0].Arg1[0].Layer = "people" }, `relation type rel/works_for: Arg1 names layer "people", which the schema does not have`},
		{"arg label", func(s *Schema) { s.Relations[0].Types[1].Arg2[0].Label = "CITY" }, `relation type rel/located_in: Arg2 names label entity/CITY, which the schema does not have`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := relationTestSchema()
			c.edit(s)
			err := s.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("Validate() = %v, want an error with %q", err, c.want)
			}
		})
	}
}

// relDoc is etDoc with a PER span 5 on 他 [27,28) and an ORG span 6 on 焦作
// [29,31) besides spans 1 GPE 焦作市, 2 LOC 河南省西北部, 3 GPE "New York"
// and 4 MISC 😀好.
func relDoc() *Document {
	d := etDoc()
	d.Spans = append(d.Spans,
		Span{ID: 5, Layer: "entity", Label: "PER", Start: 27, End: 28, Origin: OriginManual},
		Span{ID: 6, Layer: "entity", Label: "ORG", Start: 29, End: 31, Origin: OriginManual})
	return d
}

func relEditor(d *Document) *Editor {
	next := int64(100)
	return &Editor{Doc: d, Schema: relationTestSchema(), Annotator: "lin", NewSpanID: func() int64 { next++; return next }}
}

func TestRelationEdits(t *testing.T) {
	type step struct {
		edit    Edit
		wantErr error
		want    []Relation // the relations after the step (when accepted)
	}
	add := func(typ string, from, to int64) AddRelation {
		return AddRelation{Relation: Relation{Layer: "rel", Type: typ, From: from, To: to}}
	}
	// rel is relation id of type typ, as relEditor adds it.
	rel := func(id int64, typ string, from, to int64) Relation {
		return Relation{ID: id, Layer: "rel", Type: typ, From: from, To: to, Origin: OriginManual, Annotator: "lin"}
	}
	r101 := rel(101, "works_for", 5, 6)
	noted := r101
	noted.Note = "存疑"
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"add", []step{{add("works_for", 5, 6), nil, []Relation{r101}}}},
		{"add across sentences", []step{{add("located_in", 4, 1), nil, []Relation{rel(101, "located_in", 4, 1)}}}},
		{"no layer", []step{{AddRelation{Relation: Relation{Layer: "nope", Type: "linked", From: 1, To: 2}}, ErrLayer, nil}}},
		{"no type", []step{{add("kills", 1, 2), ErrRelationType, nil}}},
		{"no span", []step{{add("linked", 1, 99), ErrNoSpan, nil}}},
		{"to itself", []step{{add("linked", 1, 1), ErrConstraint, nil}}},
		{"Arg1 refused", []step{{add("works_for", 4, 6), ErrConstraint, nil}}},
		{"Arg2 refused", []step{{add("works_for", 5, 4), ErrConstraint, nil}}},
		{"bad origin", []step{{AddRelation{Relation: Relation{Layer: "rel", Type: "linked", From: 1, To: 2, Origin: "robot"}}, ErrOrigin, nil}}},
		{"twice", []step{{add("works_for", 5, 6), nil, []Relation{r101}}, {add("works_for", 5, 6), ErrConstraint, []Relation{r101}}}},
		{"retype", []step{{add("works_for", 5, 6), nil, nil}, {RetypeRelation{ID: 101, Type: "linked"}, nil,
			[]Relation{rel(101, "linked", 5, 6)}}}},
		{"retype refused by constraint", []step{{add("linked", 4, 6), nil, nil}, {RetypeRelation{ID: 101, Type: "works_for"}, ErrConstraint, nil}}},
		{"retype no type", []step{{add("linked", 4, 6), nil, nil}, {RetypeRelation{ID: 101, Type: "kills"}, ErrRelationType, nil}}},
		{"reverse", []step{{add("linked", 5, 6), nil, nil}, {ReverseRelation{ID: 101}, nil,
			[]Relation{rel(101, "linked", 6, 5)}}}},
		{"reverse refused by constraint", []step{{add("works_for", 5, 6), nil, nil}, {ReverseRelation{ID: 101}, ErrConstraint, []Relation{r101}}}},
		{"note", []step{{add("works_for", 5, 6), nil, nil}, {SetRelationNote{ID: 101, Note: "存疑"}, nil, []Relation{noted}}}},
		{"remove", []step{{add("works_for", 5, 6), nil, nil}, {RemoveRelation{ID: 101}, nil, nil}}},
		{"remove missing", []step{{RemoveRelation{ID: 7}, ErrNoRelation, nil}}},
		{"remove span removes its relations", []step{{add("works_for", 5, 6), nil, nil}, {add("linked", 1, 5), nil, nil}, {add("linked", 1, 2), nil, nil},
			{RemoveSpan{ID: 5}, nil, []Relation{rel(103, "linked", 1, 2)}}}},
		{"reject suggestion removes its relations", []step{{add("linked", 3, 1), nil, nil}, {Reject{ID: 3}, nil, nil}}},
		{"relabel refused by constraint", []step{{add("works_for", 5, 6), nil, nil}, {RelabelSpan{ID: 5, Label: "MISC"}, ErrConstraint, []Relation{r101}}}},
		{"relabel within constraint", []step{{add("works_for", 5, 6), nil, nil}, {RelabelSpan{ID: 6, Label: "LOC"}, nil, []Relation{r101}}}},
		{"batch all or nothing", []step{{Batch{Edits: []Edit{add("linked", 1, 2), add("works_for", 1, 4)}}, ErrConstraint, nil}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := relDoc()
			ed := relEditor(d)
			var states []*Document
			for i, s := range c.steps {
				before := crashCloneDoc(d)
				_, err := ed.Apply(s.edit)
				if !errors.Is(err, s.wantErr) {
					t.Fatalf("step %d %s: error %v, want %v", i, s.edit.Describe(), err, s.wantErr)
				}
				if err != nil {
					if diff := crashDiff(before, d); diff != "" {
						t.Fatalf("step %d: a refused edit changed the document: %s", i, diff)
					}
					continue
				}
				states = append(states, before)
				if err := crashCheckDoc(d); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if s.want != nil || i == len(c.steps)-1 {
					if !reflect.DeepEqual(d.Relations, s.want) {
						t.Errorf("step %d %s: relations %+v, want %+v", i, s.edit.Describe(), d.Relations, s.want)
					}
				}
			}
			end := crashCloneDoc(d)
			for k := len(states) - 1; k >= 0; k-- {
				if _, err := ed.Undo(); err != nil {
					t.Fatal(err)
				}
				if diff := crashDiff(states[k], d); diff != "" {
					t.Fatalf("undo to state %d: %s", k, diff)
				}
			}
			for range states {
				if _, err := ed.Redo(); err != nil {
					t.Fatal(err)
				}
			}
			if diff := crashDiff(end, d); diff != "" {
				t.Fatalf("redo all: %s", diff)
			}
		})
	}
}

// TestRelationSplit: a token that is an end of a relation (a span covers it
// exactly) is not split; other tokens are, and a span that covers several
// tokens keeps its relations through a split inside it.
func TestRelationSplit(t *testing.T) {
	d := relDoc()
	d.Spans = append(d.Spans, Span{ID: 7, Layer: "entity", Label: "LOC", Start: 8, End: 11, Origin: OriginManual}) // 西北部, one token
	ed := relEditor(d)
	for _, e := range []Edit{
		AddRelation{Relation: Relation{Layer: "rel", Type: "located_in", From: 7, To: 1}},
		AddRelation{Relation: Relation{Layer: "rel", Type: "linked", From: 2, To: 6}},
	} {
		if _, err := ed.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	_, err := ed.Apply(Split{At: 9})
	if !errors.Is(err, ErrRelationEnd) || !strings.Contains(err.Error(), "西北部") || !strings.Contains(err.Error(), "rel/located_in") {
		t.Errorf("Split inside a related token: %v, want ErrRelationEnd naming the token and the relation", err)
	}
	// 河南省 [5,8) lies inside span 2 (河南省西北部), which is an end of a
	// relation but does not cover the token exactly.
	if _, err := ed.Apply(Split{At: 6}); err != nil {
		t.Errorf("Split inside a multi-token span: %v", err)
	}
	if len(d.Relations) != 2 {
		t.Errorf("relations after the split: %+v", d.Relations)
	}
	if _, err := ed.Apply(Merge{Start: 8, End: 12}); !errors.Is(err, ErrSpanBoundary) {
		t.Errorf("Merge of a related token: %v, want ErrSpanBoundary", err)
	}
	// A word of an imported treebank keeps its lines in Extra: not split
	// either, relation or not.
	d.Spans = append(d.Spans, Span{ID: 8, Layer: "entity", Label: "MISC", Start: 3, End: 5, Origin: OriginImported, Extra: "2	位于	位于	VERB	VV	_	0	root	_	_"})
	if _, err := ed.Apply(Split{At: 4}); !errors.Is(err, ErrToken) || !strings.Contains(err.Error(), "word of an imported file") {
		t.Errorf("Split of a treebank word: %v, want ErrToken naming it", err)
	}
}

// relGen makes random relation edits (and span removals, relabels, notes)
// from a document's state and a stream of choices.
type relGen struct{ r htChooser }

func (g relGen) edit(d *Document, depth int) Edit {
	r := g.r
	pickSpan := func() int64 {
		if len(d.Spans) == 0 || r.IntN(20) == 0 {
			return 9999
		}
		return d.Spans[r.IntN(len(d.Spans))].ID
	}
	pickRel := func() int64 {
		if len(d.Relations) == 0 || r.IntN(20) == 0 {
			return 8888
		}
		return d.Relations[r.IntN(len(d.Relations))].ID
	}
	types := []string{"works_for", "located_in", "linked", "linked", "nope"}
	labels := []string{"PER", "LOC", "ORG", "GPE", "TIME", "MISC"}
	switch k := r.IntN(12); {
	case k < 4:
		return AddRelation{Relation: Relation{Layer: "rel", Type: types[r.IntN(len(types))], From: pickSpan(), To: pickSpan()}}
	case k < 5:
		return RemoveRelation{ID: pickRel()}
	case k < 6:
		return RetypeRelation{ID: pickRel(), Type: types[r.IntN(len(types))]}
	case k < 7:
		return ReverseRelation{ID: pickRel()}
	case k < 8:
		return SetRelationNote{ID: pickRel(), Note: crashNotes[r.IntN(len(crashNotes))]}
	case k < 9:
		return RemoveSpan{ID: pickSpan()}
	case k < 10:
		return RelabelSpan{ID: pickSpan(), Label: labels[r.IntN(len(labels))]}
	case k < 11:
		n := d.Chars()
		start := r.IntN(n - 1)
		return AddSpan{Span: Span{Layer: "entity", Label: labels[r.IntN(len(labels))], Start: start, End: start + 1 + r.IntN(min(4, n-start-1))}}
	default:
		if depth > 0 {
			return RemoveRelation{ID: pickRel()}
		}
		b := Batch{Name: "batch"}
		for n := 1 + r.IntN(3); n > 0; n-- {
			b.Edits = append(b.Edits, g.edit(d, depth+1))
		}
		return b
	}
}

// relRun makes steps random edits, undos and redos on ed, checking after
// each that the document is sound (no relation dangles), that a refused
// edit changed nothing, and that undo and redo give back exactly the
// states the steps made. It returns an error rather than failing, for the
// fuzz target.
func relRun(ed *Editor, ch htChooser, steps int) error {
	g := relGen{r: ch}
	var done []*Document // the state before each done step
	var undone []*Document
	for i := range steps {
		d := ed.Doc
		before := crashCloneDoc(d)
		switch k := ch.IntN(10); {
		case k < 6:
			e := g.edit(d, 0)
			entry, err := etApply(ed, e)
			var ee *EditError
			switch {
			case errors.As(err, &ee):
				if diff := crashDiff(before, d); diff != "" {
					return fmt.Errorf("step %d: refused %s changed the document: %s", i, e.Describe(), diff)
				}
			case err != nil:
				return fmt.Errorf("step %d: %s: %v", i, e.Describe(), err)
			case entry != nil:
				done, undone = append(done, before), nil
				relStats.maxRelations = max(relStats.maxRelations, len(d.Relations))
				if _, ok := e.(RemoveSpan); ok && len(d.Relations) < len(before.Relations) {
					relStats.spanTookRelations++
				}
			}
		default: // undo (k < 8) or redo: back to the state the step (un)done left
			name, back, from, to := "undo", ed.Undo, &done, &undone
			if k >= 8 {
				name, back, from, to = "redo", ed.Redo, &undone, &done
			}
			entry, err := back()
			if err != nil {
				return fmt.Errorf("step %d: %s: %v", i, name, err)
			}
			if entry != nil {
				want := (*from)[len(*from)-1]
				*from = (*from)[:len(*from)-1]
				*to = append(*to, before)
				if diff := crashDiff(want, d); diff != "" {
					return fmt.Errorf("step %d: %s %s: %s", i, name, entry.Name, diff)
				}
			}
		}
		if err := crashCheckDoc(ed.Doc); err != nil {
			return fmt.Errorf("step %d: %v", i, err)
		}
	}
	return nil
}

// relStats counts what relRun saw, for the property test to check that it
// tested what it means to.
var relStats struct{ maxRelations, spanTookRelations int }

type relRand struct{ *rand.Rand }

func (r relRand) IntN(n int) int { return r.Rand.IntN(n) }

// TestRelationProperty: random relation and span edits with undo and redo,
// in memory and in a project file (reopened at the end: the file holds
// what the editor holds).
func TestRelationProperty(t *testing.T) {
	for seed := range uint64(20) {
		ed := relEditor(relDoc())
		if err := relRun(ed, relRand{rand.New(rand.NewPCG(seed, 16))}, 300); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	if relStats.maxRelations < 4 || relStats.spanTookRelations < 5 {
		t.Errorf("the runs reached at most %d relations and removed spans with relations %d times; the generator should do more", relStats.maxRelations, relStats.spanTookRelations)
	}
	t.Logf("at most %d relations; %d span removals took relations with them", relStats.maxRelations, relStats.spanTookRelations)
	path := filepath.Join(t.TempDir(), "rel.biaozhu")
	p, err := Create(path, relationTestSchema(), Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	d := relDoc()
	d.ID = 0
	for i := range d.Spans {
		d.Spans[i].ID = int64(i + 1)
	}
	d.Relations = []Relation{{Layer: "rel", Type: "works_for", From: 5, To: 6}} // IDs the spans came with
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	if len(d.Relations) != 1 || d.Relations[0].Origin != OriginImported {
		t.Fatalf("relations after AddDocument: %+v", d.Relations)
	}
	if from, _ := d.Span(d.Relations[0].From); from.Label != "PER" {
		t.Fatalf("the imported relation goes from %+v, want the PER span", from)
	}
	od, err := p.load(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := relRun(od.ed, relRand{rand.New(rand.NewPCG(99, 16))}, 400); err != nil {
		t.Fatal(err)
	}
	want := crashCloneDoc(od.ed.Doc)
	if len(want.Relations) == 0 {
		t.Log("no relations left at the end of the run")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got, err := p.Document(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := crashDiff(want, got); diff != "" {
		t.Errorf("reopened: %s", diff)
	}
	// Undo everything from the file's history: back to the import.
	for {
		e, err := p.Undo(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			break
		}
	}
	if got, _ := p.Document(d.ID); len(got.Relations) != 1 || got.Relations[0].Type != "works_for" {
		t.Errorf("relations after undoing every step: %+v", got.Relations)
	}
}

// FuzzRelationEdits drives relRun with the fuzzer's bytes, seeded with the
// property test's choices.
func FuzzRelationEdits(f *testing.F) {
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 16))
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ed := relEditor(relDoc())
		b := htBytes{data: data}
		if err := relRun(ed, &b, 60); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRelationStore: the schema's relation layers and the relations are
// in the file; a relation type in use is not removed from the schema; a
// document whose relations refer to no span is refused whole.
func TestRelationStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rel.biaozhu")
	p, err := Create(path, relationTestSchema(), Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	d := relDoc()
	d.ID = 0
	d.Spans[0].Extra = "1\t焦作市\t焦作市\tPROPN\tNR\t_\t0\troot\t_\tSpaceAfter=No"
	d.Relations = []Relation{{Layer: "rel", Type: "works_for", From: 5, To: 6, Note: "n"}, {Layer: "rel", Type: "linked", From: 1, To: 2}}
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	bad := relDoc()
	bad.ID = 0
	bad.Relations = []Relation{{Layer: "rel", Type: "linked", From: 1, To: 77}}
	if err := p.AddDocument(bad); err == nil || !strings.Contains(err.Error(), "no span of the document carries ID 77") {
		t.Errorf("AddDocument with a dangling relation: %v", err)
	}
	bad.Relations = []Relation{{Layer: "rel", Type: "works_for", From: 1, To: 4}}
	if err := p.AddDocument(bad); !errors.Is(err, ErrConstraint) || !strings.Contains(err.Error(), `document "et.txt"`) {
		t.Errorf("AddDocument with a relation its type refuses: %v", err)
	}
	bad.Relations = []Relation{{Layer: "rel", Type: "linked", From: 1, To: 2}, {Layer: "rel", Type: "linked", From: 1, To: 2}}
	if err := p.AddDocument(bad); !errors.Is(err, ErrConstraint) || !strings.Contains(err.Error(), "the same relation is there twice") {
		t.Errorf("AddDocument with a relation twice: %v", err)
	}
	if docs, _ := p.Documents(); len(docs) != 1 {
		t.Errorf("%d documents after refused imports, want 1", len(docs))
	}
	s := relationTestSchema()
	s.Relations[0].Types = s.Relations[0].Types[1:] // works_for gone
	if err := p.SetSchema(s); err == nil || !strings.Contains(err.Error(), "relation type rel/works_for is used by 1 relations") {
		t.Errorf("SetSchema without a type in use: %v", err)
	}
	s = relationTestSchema()
	s.Relations[0].Types = s.Relations[0].Types[:2] // linked gone
	if _, err := p.ChangeSchema(s, nil, nil, d.ID); !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "relation type rel/linked") {
		t.Errorf("ChangeSchema without a type in use: %v", err)
	}
	s.Relations[0].Types = append(s.Relations[0].Types, RelationType{Name: "linked"}, RelationType{Name: "part_of", Key: "q"})
	if _, err := p.ChangeSchema(s, nil, nil, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got := p.Schema(); !relationLayersEqual(got.Relations, s.Relations) {
		t.Errorf("relation layers reopened: %+v, want %+v", got.Relations, s.Relations)
	}
	got, err := p.Document(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Relations, d.Relations) {
		t.Errorf("relations reopened: %+v, want %+v", got.Relations, d.Relations)
	}
	if got.Spans[0].Extra != d.Spans[0].Extra {
		t.Errorf("span extra reopened: %q, want %q", got.Spans[0].Extra, d.Spans[0].Extra)
	}
	// Undo of the schema step takes part_of back; the type in use stays.
	if _, err := p.Undo(d.ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := p.Schema().RelationLayer("rel"); !slices.Equal(l.TypeNames(), []string{"works_for", "located_in", "linked"}) {
		t.Errorf("types after undoing the schema step: %v", l.TypeNames())
	}
	// Removing a span removes its relation in the file too, and undo
	// brings both back.
	if _, err := p.Apply(d.ID, RemoveSpan{ID: d.Relations[0].From}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := p.conn.QueryRowContext(t.Context(), "SELECT count(*) FROM relations").Scan(&n); err != nil || n != 1 {
		t.Errorf("relations in the file after removing a span: %d (%v), want 1", n, err)
	}
	if _, err := p.Undo(d.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.conn.QueryRowContext(t.Context(), "SELECT count(*) FROM relations").Scan(&n); err != nil || n != 2 {
		t.Errorf("relations in the file after undo: %d (%v), want 2", n, err)
	}
}

// TestFindRelations: relations found by type and by the words at either
// end, with their spans, across documents; the limit.
func TestFindRelations(t *testing.T) {
	p, err := Create(filepath.Join(t.TempDir(), "f.biaozhu"), relationTestSchema(), Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var docs []*Document
	for range 2 {
		d := relDoc()
		d.ID = 0
		d.Relations = []Relation{{Layer: "rel", Type: "works_for", From: 5, To: 6}, {Layer: "rel", Type: "located_in", From: 4, To: 1}, {Layer: "rel", Type: "linked", From: 6, To: 2}}
		docs = append(docs, d)
	}
	if err := p.AddDocuments(docs, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		q    RelationQuery
		want []string // "doc type from→to"
		more bool
	}{
		{"all", RelationQuery{}, []string{"1 located_in 😀好→焦作市", "1 works_for 他→焦作", "1 linked 焦作→河南省西北部", "2 located_in 😀好→焦作市", "2 works_for 他→焦作", "2 linked 焦作→河南省西北部"}, false},
		{"by type", RelationQuery{Type: "works_for"}, []string{"1 works_for 他→焦作", "2 works_for 他→焦作"}, false},
		{"by head word", RelationQuery{FromText: "焦作"}, []string{"1 linked 焦作→河南省西北部", "2 linked 焦作→河南省西北部"}, false},
		{"by dependent word", RelationQuery{Type: "located_in", ToText: "焦作市"}, []string{"1 located_in 😀好→焦作市", "2 located_in 😀好→焦作市"}, false},
		{"no such type", RelationQuery{Type: "kills"}, nil, false},
		{"layer", RelationQuery{Layer: "nope"}, nil, false},
		{"limit", RelationQuery{Limit: 2}, []string{"1 located_in 😀好→焦作市", "1 works_for 他→焦作"}, true},
		{"one document", RelationQuery{Type: "works_for", Doc: 2}, []string{"2 works_for 他→焦作"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			hits, more, err := p.FindRelations(t.Context(), c.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, fmt.Sprintf("%d %s %s→%s", h.Doc, h.Relation.Type, h.FromText, h.ToText))
				if h.From.ID != h.Relation.From || h.To.ID != h.Relation.To {
					t.Errorf("hit %+v: spans are not the relation's ends", h)
				}
			}
			if !slices.Equal(got, c.want) || more != c.more {
				t.Errorf("FindRelations(%+v) = %q, more %v; want %q, more %v", c.q, got, more, c.want, c.more)
			}
		})
	}
}

// TestRelationMigration: a file of format 4 (no relations) opens as format
// 5, its spans as they were, and takes relation layers and relations.
func TestRelationMigration(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	d := relDoc()
	d.ID = 0
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	if _, err := p.conn.ExecContext(t.Context(), undoFormat8+undoFormat7+undoFormat6+undoFormat5+"PRAGMA user_version=4"); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var version int
	if err := p.conn.QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&version); err != nil || version != SchemaVersion {
		t.Fatalf("format after Open = %d (%v), want %d", version, err, SchemaVersion)
	}
	got, err := p.Document(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := crashDiff(d, got); diff != "" {
		t.Errorf("document after migration: %s", diff)
	}
	if err := p.SetSchema(relationTestSchema()); err != nil {
		t.Fatal(err)
	}
	per, org := got.Spans[len(got.Spans)-2], got.Spans[len(got.Spans)-1]
	if _, err := p.Apply(d.ID, AddRelation{Relation: Relation{Layer: "rel", Type: "works_for", From: per.ID, To: org.ID}}); err != nil {
		t.Errorf("a relation after migration: %v", err)
	}
}

func TestParseRelationLayers(t *testing.T) {
	s := relationTestSchema()
	s.Relations[0].Description = "who works where"
	s.Relations[0].Types[0].Key = "w"
	s.Relations[0].Types[2].Description = "any link"
	s.Relations = append(s.Relations, RelationLayer{Name: "deprel", Types: []RelationType{{Name: "nmod:tmod"}}})
	text := FormatRelationLayers(s.Relations)
	want := "[rel]\n# who works where\nworks_for #aa3300 key:w Arg1:entity/PER|entity/GPE Arg2:entity/ORG|entity/LOC|entity/GPE\n" +
		"located_in Arg1:entity/* Arg2:entity/LOC|entity/GPE\nlinked -- any link\n\n[deprel]\nnmod:tmod\n"
	if text != want {
		t.Errorf("FormatRelationLayers =\n%s\nwant\n%s", text, want)
	}
	got, err := ParseRelationLayers(text)
	if err != nil {
		t.Fatal(err)
	}
	if !relationLayersEqual(got, s.Relations) {
		t.Errorf("ParseRelationLayers(Format) = %+v, want %+v", got, s.Relations)
	}
	for _, c := range []struct{ in, want string }{
		{"works_for\n", "line 1: \"works_for\" comes before the first [LAYER] line"},
		{"[rel]\n\nx Arg1:PER\n", "line 3: \"PER\": an argument is LAYER/LABEL or LAYER/*"},
		{"[rel]\nx colour:red\n", "line 2: \"colour:red\": want #rrggbb"},
	} {
		if _, err := ParseRelationLayers(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseRelationLayers(%q) = %v, want an error with %q", c.in, err, c.want)
		}
	}
}
