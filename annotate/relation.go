package annotate

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Relation is a typed, directed link between two spans of one Document:
// From (the source: brat's Arg1, a dependency's head) to To (the target:
// Arg2, the dependent), on a RelationLayer of the Schema, with one of its
// types. The spans may lie in different sentences. ID is unique in the
// project; span and relation IDs come from one sequence.
type Relation struct {
	ID        int64  `json:"id"`
	Layer     string `json:"layer"`
	Type      string `json:"type"`
	From      int64  `json:"from"`
	To        int64  `json:"to"`
	Note      string `json:"note,omitempty"`
	Origin    Origin `json:"origin"`
	Annotator string `json:"annotator,omitempty"`
}

// String is the relation as errors show it: 31 nsubj 12→14.
func (r Relation) String() string {
	return fmt.Sprintf("%d %s %d→%d", r.ID, r.Type, r.From, r.To)
}

// RelationLayer is a named set of relations with its types.
type RelationLayer struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Types       []RelationType `json:"types"`
}

// RelationType is one type of a RelationLayer: its name, colour ("#rrggbb",
// or "" for the workspace's default), shortcut key (in relation mode) and
// description. Arg1 and Arg2, when not empty, are the span labels its
// source and target must have (brat's annotation.conf "works_for
// Arg1:PER, Arg2:ORG"): a LabelRef with Label "" admits every label of its
// layer.
type RelationType struct {
	Name        string     `json:"name"`
	Color       string     `json:"color,omitempty"`
	Key         string     `json:"key,omitempty"`
	Description string     `json:"description,omitempty"`
	Arg1        []LabelRef `json:"arg1,omitempty"`
	Arg2        []LabelRef `json:"arg2,omitempty"`
}

// Type returns the layer's type called name.
func (l *RelationLayer) Type(name string) (*RelationType, bool) {
	for i := range l.Types {
		if l.Types[i].Name == name {
			return &l.Types[i], true
		}
	}
	return nil, false
}

// TypeNames lists the layer's type names in order.
func (l *RelationLayer) TypeNames() []string {
	names := make([]string, len(l.Types))
	for i, t := range l.Types {
		names[i] = t.Name
	}
	return names
}

// Admits reports whether a relation of type t may go from span from to span
// to: the spans' labels are among Arg1 and Arg2 (when these are set).
func (t *RelationType) Admits(from, to Span) bool {
	return admits(t.Arg1, from) && admits(t.Arg2, to)
}

func admits(refs []LabelRef, s Span) bool {
	if len(refs) == 0 {
		return true
	}
	return slices.ContainsFunc(refs, func(r LabelRef) bool {
		return r.Layer == s.Layer && (r.Label == "" || r.Label == s.Label)
	})
}

// refsString writes constraint refs as "entity/PER, entity/ORG".
func refsString(refs []LabelRef) string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Layer + "/" + r.Label
		if r.Label == "" {
			out[i] = r.Layer + "/*"
		}
	}
	return strings.Join(out, ", ")
}

// RelationLayer returns the schema's relation layer called name.
func (s *Schema) RelationLayer(name string) (*RelationLayer, bool) {
	for i := range s.Relations {
		if s.Relations[i].Name == name {
			return &s.Relations[i], true
		}
	}
	return nil, false
}

// RelationLayerNames lists the schema's relation layer names in order.
func (s *Schema) RelationLayerNames() []string {
	names := make([]string, len(s.Relations))
	for i, l := range s.Relations {
		names[i] = l.Name
	}
	return names
}

func cloneRelationLayers(ls []RelationLayer) []RelationLayer {
	if ls == nil {
		return nil
	}
	out := slices.Clone(ls)
	for i := range out {
		out[i].Types = slices.Clone(out[i].Types)
		for j := range out[i].Types {
			out[i].Types[j].Arg1 = slices.Clone(out[i].Types[j].Arg1)
			out[i].Types[j].Arg2 = slices.Clone(out[i].Types[j].Arg2)
		}
	}
	return out
}

func relationLayersEqual(a, b []RelationLayer) bool {
	return slices.EqualFunc(a, b, func(x, y RelationLayer) bool {
		return x.Name == y.Name && x.Description == y.Description && slices.EqualFunc(x.Types, y.Types, relationTypeEqual)
	})
}

func relationTypeEqual(a, b RelationType) bool {
	return a.Name == b.Name && a.Color == b.Color && a.Key == b.Key && a.Description == b.Description &&
		slices.Equal(a.Arg1, b.Arg1) && slices.Equal(a.Arg2, b.Arg2)
}

// validateRelations checks the schema's relation layers: names pass
// CheckName, are unique and are not span layer names; types are unique in
// their layer, colours "#rrggbb" or empty, keys one character, not
// reserved and unique among the relation types; every Arg1/Arg2 names a
// span layer of the schema (and a label of it, unless Label is "").
func (s *Schema) validateRelations() error {
	seen := map[string]bool{}
	keys := map[string]string{}
	for _, l := range s.Relations {
		if err := CheckName("relation layer", l.Name); err != nil {
			return fmt.Errorf("annotate: schema: %w", err)
		}
		if seen[l.Name] {
			return fmt.Errorf("annotate: schema: relation layer %q appears twice", l.Name)
		}
		if _, ok := s.Layer(l.Name); ok {
			return fmt.Errorf("annotate: schema: relation layer %q has the name of a span layer", l.Name)
		}
		seen[l.Name] = true
		types := map[string]bool{}
		for _, t := range l.Types {
			if err := CheckName("relation type", t.Name); err != nil {
				return fmt.Errorf("annotate: schema: relation layer %q: %w", l.Name, err)
			}
			if types[t.Name] {
				return fmt.Errorf("annotate: schema: relation layer %q: type %q appears twice", l.Name, t.Name)
			}
			types[t.Name] = true
			if t.Color != "" && !validColor(t.Color) {
				return fmt.Errorf("annotate: schema: relation type %s/%s: colour %q is not #rrggbb", l.Name, t.Name, t.Color)
			}
			if t.Key != "" {
				if utf8.RuneCountInString(t.Key) != 1 {
					return fmt.Errorf("annotate: schema: relation type %s/%s: shortcut %q is not one key", l.Name, t.Name, t.Key)
				}
				if cmd, ok := ReservedKeys[t.Key]; ok {
					return fmt.Errorf("annotate: schema: relation type %s/%s: shortcut %q is the workspace's %s key", l.Name, t.Name, t.Key, cmd)
				}
				if other, ok := keys[t.Key]; ok {
					return fmt.Errorf("annotate: schema: relation type %s/%s: shortcut %q is already %s", l.Name, t.Name, t.Key, other)
				}
				keys[t.Key] = l.Name + "/" + t.Name
			}
			for arg, refs := range map[string][]LabelRef{"Arg1": t.Arg1, "Arg2": t.Arg2} {
				for _, r := range refs {
					sl, ok := s.Layer(r.Layer)
					if !ok {
						return fmt.Errorf("annotate: schema: relation type %s/%s: %s names layer %q, which the schema does not have", l.Name, t.Name, arg, r.Layer)
					}
					if _, ok := sl.Label(r.Label); r.Label != "" && !ok {
						return fmt.Errorf("annotate: schema: relation type %s/%s: %s names label %s/%s, which the schema does not have", l.Name, t.Name, arg, r.Layer, r.Label)
					}
				}
			}
		}
	}
	return nil
}

// Errors that EditError wraps for relation edits, for errors.Is.
var (
	ErrNoRelation   = errors.New("no such relation")
	ErrRelationType = errors.New("relation type not in the layer")
	ErrConstraint   = errors.New("relation breaks its type's constraint")
	ErrRelationEnd  = errors.New("span is an end of a relation")
)

// RelationChange adds (Before nil), removes (After nil) or changes a
// relation.
type RelationChange struct {
	Before *Relation `json:"before,omitempty"`
	After  *Relation `json:"after,omitempty"`
}

// relationIndex returns the index in d.Relations of the relation with
// that ID, or -1. Relations are sorted by ID.
func (d *Document) relationIndex(id int64) int {
	k := sort.Search(len(d.Relations), func(k int) bool { return d.Relations[k].ID >= id })
	if k < len(d.Relations) && d.Relations[k].ID == id {
		return k
	}
	return -1
}

// Relation returns the document's relation with that ID.
func (d *Document) Relation(id int64) (Relation, bool) {
	if k := d.relationIndex(id); k >= 0 {
		return d.Relations[k], true
	}
	return Relation{}, false
}

// RelationsOf returns the relations of which span id is the source or the
// target, in order of ID.
func (d *Document) RelationsOf(id int64) []Relation {
	var out []Relation
	for _, r := range d.Relations {
		if r.From == id || r.To == id {
			out = append(out, r)
		}
	}
	return out
}

// applyRelation makes a relation change to d (see Document.apply): the
// relation it removes or changes must be there as recorded, and the one it
// puts in place must link two different spans of d.
func (d *Document) applyRelation(c *RelationChange) error {
	b, a := c.Before, c.After
	k := -1
	if b != nil {
		if k = d.relationIndex(b.ID); k < 0 {
			return fmt.Errorf("document %d: relation %s is not there", d.ID, b)
		}
		if d.Relations[k] != *b {
			return fmt.Errorf("document %d: relation %s is not as the step recorded it: it is %s", d.ID, b, d.Relations[k])
		}
	}
	if a != nil {
		if (b == nil || b.ID != a.ID) && d.relationIndex(a.ID) >= 0 {
			return fmt.Errorf("document %d: relation %d is there already", d.ID, a.ID)
		}
		if a.From == a.To {
			return fmt.Errorf("document %d: relation %s links span %d to itself", d.ID, a, a.From)
		}
		for _, end := range [2]int64{a.From, a.To} {
			if d.spanIndex(end) < 0 {
				return fmt.Errorf("document %d: relation %s: span %d is not there", d.ID, a, end)
			}
		}
	}
	if b != nil {
		d.Relations = slices.Delete(d.Relations, k, k+1)
	}
	if a != nil {
		k := sort.Search(len(d.Relations), func(k int) bool { return d.Relations[k].ID >= a.ID })
		d.Relations = slices.Insert(d.Relations, k, *a)
	}
	if len(d.Relations) == 0 {
		d.Relations = nil
	}
	return nil
}

// usedByRelation returns a relation of d of which span id is an end.
func (d *Document) usedByRelation(id int64) (Relation, bool) {
	for _, r := range d.Relations {
		if r.From == id || r.To == id {
			return r, true
		}
	}
	return Relation{}, false
}

// AddRelation adds a relation from span From to span To. Its ID is given
// by the Editor; an empty Origin is manual and an empty Annotator the
// Editor's. The layer and type must be in the schema, the spans in the
// document and different, their labels admitted by the type (see
// RelationType.Admits), and the same relation (layer, type, from, to)
// not there already.
type AddRelation struct{ Relation Relation }

func (e AddRelation) Describe() string {
	r := e.Relation
	return fmt.Sprintf("add relation %s/%s %d→%d", r.Layer, r.Type, r.From, r.To)
}

func (e AddRelation) plan(p *planner) error {
	r := e.Relation
	if r.Origin == "" {
		r.Origin = OriginManual
	}
	if r.Annotator == "" {
		r.Annotator = p.annotator
	}
	if err := p.checkRelation(e, r); err != nil {
		return err
	}
	for _, o := range p.doc.Relations {
		if sameRelation(o, r) {
			return refuse(e, ErrConstraint, "relation %s is there already", o)
		}
	}
	r.ID = p.newID()
	return p.do(Change{Relation: &RelationChange{After: &r}})
}

// AddRelationAt adds Relation between the spans at two places: the span
// of the document with From's layer, label and offsets, and the one with
// To's (Relation's From and To are ignored). It is AddRelation for an edit
// made before its ends have IDs, e.g. a Batch that adds the spans first
// (the planner applies each edit of a batch before the next is planned).
// A place with no span, or with more than one, is refused.
type AddRelationAt struct {
	Relation Relation
	From, To Span
}

func (e AddRelationAt) Describe() string {
	return fmt.Sprintf("add relation %s/%s %s [%d,%d) → %s [%d,%d)", e.Relation.Layer, e.Relation.Type,
		e.From.Label, e.From.Start, e.From.End, e.To.Label, e.To.Start, e.To.End)
}

func (e AddRelationAt) plan(p *planner) error {
	at := func(pl Span) (int64, error) {
		var id int64
		for _, s := range p.doc.Spans {
			if s.Layer == pl.Layer && s.Label == pl.Label && s.Start == pl.Start && s.End == pl.End {
				if id != 0 {
					return 0, refuse(e, ErrNoSpan, "more than one %s span %s at [%d,%d)", pl.Layer, pl.Label, pl.Start, pl.End)
				}
				id = s.ID
			}
		}
		if id == 0 {
			return 0, refuse(e, ErrNoSpan, "no %s span %s at [%d,%d)", pl.Layer, pl.Label, pl.Start, pl.End)
		}
		return id, nil
	}
	r := e.Relation
	var err error
	if r.From, err = at(e.From); err != nil {
		return err
	}
	if r.To, err = at(e.To); err != nil {
		return err
	}
	return AddRelation{Relation: r}.plan(p)
}

// sameRelation reports whether a and b are the same relation but for ID,
// note, origin and annotator: the same layer, type and ends.
func sameRelation(a, b Relation) bool {
	return a.Layer == b.Layer && a.Type == b.Type && a.From == b.From && a.To == b.To
}

// checkRelation validates relation r against the document and the schema.
func (p *planner) checkRelation(e Edit, r Relation) error {
	layer, ok := p.schema.RelationLayer(r.Layer)
	if !ok {
		return refuse(e, ErrLayer, "no relation layer %q in the schema (relation layers: %s)", r.Layer, strings.Join(p.schema.RelationLayerNames(), ", "))
	}
	t, ok := layer.Type(r.Type)
	if !ok {
		return refuse(e, ErrRelationType, "type %q is not in relation layer %q (types: %s)", r.Type, r.Layer, strings.Join(layer.TypeNames(), ", "))
	}
	if !r.Origin.Valid() {
		return refuse(e, ErrOrigin, "origin %q is not manual, suggested or imported", r.Origin)
	}
	span := p.span
	if p.spanOf != nil {
		span = func(e Edit, id int64) (Span, error) {
			if s, ok := p.spanOf(id); ok {
				return s, nil
			}
			return Span{}, refuse(e, ErrNoSpan, "document %d has no span %d", p.doc.ID, id)
		}
	}
	from, err := span(e, r.From)
	if err != nil {
		return err
	}
	to, err := span(e, r.To)
	if err != nil {
		return err
	}
	if r.From == r.To {
		return refuse(e, ErrConstraint, "a relation links two different spans; both ends are span %s", from)
	}
	return p.admit(e, t, r, from, to)
}

// admit checks that type t admits a relation r from span from to span to.
func (p *planner) admit(e Edit, t *RelationType, r Relation, from, to Span) error {
	if !admits(t.Arg1, from) {
		return refuse(e, ErrConstraint, "relation type %s/%s goes from %s, not from span %s %q (%s/%s)",
			r.Layer, t.Name, refsString(t.Arg1), from, p.doc.Slice(from.Start, from.End), from.Layer, from.Label)
	}
	if !admits(t.Arg2, to) {
		return refuse(e, ErrConstraint, "relation type %s/%s goes to %s, not to span %s %q (%s/%s)",
			r.Layer, t.Name, refsString(t.Arg2), to, p.doc.Slice(to.Start, to.End), to.Layer, to.Label)
	}
	return nil
}

func (p *planner) relation(e Edit, id int64) (Relation, error) {
	r, ok := p.doc.Relation(id)
	if !ok {
		return r, refuse(e, ErrNoRelation, "document %d has no relation %d", p.doc.ID, id)
	}
	return r, nil
}

// RemoveRelation removes a relation.
type RemoveRelation struct{ ID int64 }

func (e RemoveRelation) Describe() string { return fmt.Sprintf("remove relation %d", e.ID) }

func (e RemoveRelation) plan(p *planner) error {
	r, err := p.relation(e, e.ID)
	if err != nil {
		return err
	}
	return p.do(Change{Relation: &RelationChange{Before: &r}})
}

// RetypeRelation gives a relation another type of its layer.
type RetypeRelation struct {
	ID   int64
	Type string
}

func (e RetypeRelation) Describe() string {
	return fmt.Sprintf("retype relation %d as %s", e.ID, e.Type)
}

func (e RetypeRelation) plan(p *planner) error {
	r, err := p.relation(e, e.ID)
	if err != nil {
		return err
	}
	after := r
	after.Type = e.Type
	if err := p.checkRelation(e, after); err != nil {
		return err
	}
	return p.do(Change{Relation: &RelationChange{Before: &r, After: &after}})
}

// ReverseRelation swaps a relation's source and target.
type ReverseRelation struct{ ID int64 }

func (e ReverseRelation) Describe() string { return fmt.Sprintf("reverse relation %d", e.ID) }

func (e ReverseRelation) plan(p *planner) error {
	r, err := p.relation(e, e.ID)
	if err != nil {
		return err
	}
	after := r
	after.From, after.To = r.To, r.From
	if err := p.checkRelation(e, after); err != nil {
		return err
	}
	return p.do(Change{Relation: &RelationChange{Before: &r, After: &after}})
}

// SetRelationNote sets a relation's note.
type SetRelationNote struct {
	ID   int64
	Note string
}

func (e SetRelationNote) Describe() string {
	return fmt.Sprintf("set the note of relation %d", e.ID)
}

func (e SetRelationNote) plan(p *planner) error {
	r, err := p.relation(e, e.ID)
	if err != nil {
		return err
	}
	after := r
	after.Note = e.Note
	return p.do(Change{Relation: &RelationChange{Before: &r, After: &after}})
}

// removeSpan removes span s with the relations of which it is an end, the
// relations first (so that undo brings back the span before them).
func (p *planner) removeSpan(s Span) error {
	for _, r := range p.doc.RelationsOf(s.ID) {
		if err := p.do(Change{Relation: &RelationChange{Before: &r}}); err != nil {
			return err
		}
	}
	return p.do(Change{Span: &SpanChange{Before: &s}})
}

// checkRelationsOf checks that the relations of span s (about to become
// after) still fit their types' constraints.
func (p *planner) checkRelationsOf(e Edit, after Span) error {
	for _, r := range p.doc.RelationsOf(after.ID) {
		l, ok := p.schema.RelationLayer(r.Layer)
		if !ok {
			continue
		}
		t, ok := l.Type(r.Type)
		if !ok {
			continue
		}
		from, _ := p.doc.Span(r.From)
		to, _ := p.doc.Span(r.To)
		if r.From == after.ID {
			from = after
		}
		if r.To == after.ID {
			to = after
		}
		if err := p.admit(e, t, r, from, to); err != nil {
			var ee *EditError
			if errors.As(err, &ee) {
				ee.Detail = fmt.Sprintf("relation %s: %s", r, ee.Detail)
			}
			return err
		}
	}
	return nil
}

// FormatRelationLayers writes relation layers as ParseRelationLayers
// reads them: per layer a line "[NAME]" (and "# DESCRIPTION" lines), then
// a line per type, "NAME #rrggbb key:K Arg1:LAYER/LABEL|LAYER/*
// Arg2:… -- DESCRIPTION", each part after the name only when set (the
// shape of brat's annotation.conf).
func FormatRelationLayers(ls []RelationLayer) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "[%s]\n", l.Name)
		for d := range strings.SplitSeq(l.Description, "\n") {
			if d != "" {
				fmt.Fprintf(&b, "# %s\n", d)
			}
		}
		for _, t := range l.Types {
			b.WriteString(t.Name)
			if t.Color != "" {
				b.WriteString(" " + t.Color)
			}
			if t.Key != "" {
				b.WriteString(" key:" + t.Key)
			}
			for _, a := range [2]struct {
				name string
				refs []LabelRef
			}{{"Arg1", t.Arg1}, {"Arg2", t.Arg2}} {
				if len(a.refs) > 0 {
					b.WriteString(" " + a.name + ":" + strings.ReplaceAll(refsString(a.refs), ", ", "|"))
				}
			}
			if t.Description != "" {
				b.WriteString(" -- " + strings.ReplaceAll(t.Description, "\n", " "))
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// ParseRelationLayers reads relation layers written as
// FormatRelationLayers writes them (blank lines skipped). A type's name
// holds no white space. An error names the line.
func ParseRelationLayers(s string) ([]RelationLayer, error) {
	var out []RelationLayer
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		bad := func(format string, args ...any) error {
			return fmt.Errorf("annotate: relation layers, line %d: %s", n+1, fmt.Sprintf(format, args...))
		}
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			out = append(out, RelationLayer{Name: strings.TrimSpace(line[1 : len(line)-1]), Types: []RelationType{}})
			continue
		case len(out) == 0:
			return nil, bad("%q comes before the first [LAYER] line", line)
		case strings.HasPrefix(line, "#"):
			l := &out[len(out)-1]
			l.Description = strings.TrimPrefix(strings.Join([]string{l.Description, strings.TrimSpace(line[1:])}, "\n"), "\n")
			continue
		}
		body, desc, _ := strings.Cut(line, " -- ")
		f := strings.Fields(body)
		t := RelationType{Name: f[0], Description: strings.TrimSpace(desc)}
		for _, part := range f[1:] {
			switch {
			case strings.HasPrefix(part, "#"):
				t.Color = part
			case strings.HasPrefix(part, "key:"):
				t.Key = strings.TrimPrefix(part, "key:")
			case strings.HasPrefix(part, "Arg1:"), strings.HasPrefix(part, "Arg2:"):
				var refs []LabelRef
				for r := range strings.SplitSeq(strings.TrimRight(part[5:], ","), "|") {
					layer, label, ok := strings.Cut(r, "/")
					if !ok || layer == "" || label == "" {
						return nil, bad("%q: an argument is LAYER/LABEL or LAYER/*", r)
					}
					if label == "*" {
						label = ""
					}
					refs = append(refs, LabelRef{Layer: layer, Label: label})
				}
				if part[3] == '1' {
					t.Arg1 = refs
				} else {
					t.Arg2 = refs
				}
			default:
				return nil, bad("%q: want #rrggbb, key:K, Arg1:… or Arg2:… after the type's name", part)
			}
		}
		l := &out[len(out)-1]
		l.Types = append(l.Types, t)
	}
	return out, nil
}
