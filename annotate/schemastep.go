package annotate

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// A schema change is a step of the History like any edit, so that undo
// and redo bring back what it removed in the right order: a step that
// removes a label records the label as it was, and its inverse re-creates
// the label before the spans that use it come back.
//
// The schema is the project's, the History a document's: a schema change
// that changes spans in several documents is a CorpusStep with one part in
// each, and each part records the schema change. Each part can be undone or
// redone on its own (after the project was closed, say), so a SchemaChange
// is applied as a three-way merge into the schema as it is: the layers,
// labels and settings the step changes are set as it says; a layer or label
// the step removes goes only once no span of the project uses it (another
// document may still hold spans of it: they keep it), and what the step
// does not change stays as it is. Applied to the schema it was made on, the
// merge gives exactly the schema it made.

// SchemaChange is a change of the project's Schema made by a step: the
// schema's parts that it changes, as they were (Before) and as they become
// (After).
type SchemaChange struct {
	Before SchemaPart `json:"before"`
	After  SchemaPart `json:"after"`
}

// SchemaPart is the part of a Schema a SchemaChange changes: the names of
// all its layers in order, the layers the change adds, removes or changes
// (whole, with their labels), and the POS tagset when the change changes
// it, and the relation layers (all of them) when the change changes them.
type SchemaPart struct {
	Order     []string         `json:"order"`
	Layers    []Layer          `json:"layers,omitempty"`
	POS       *Tagset          `json:"pos,omitempty"`
	Relations *[]RelationLayer `json:"relations,omitempty"`
}

// Inverse returns the change that undoes c.
func (c *SchemaChange) Inverse() *SchemaChange {
	return &SchemaChange{Before: c.After, After: c.Before}
}

// layer returns the part's layer called name when the part lists it, and
// whether the schema has a layer of that name at all.
func (sp *SchemaPart) layer(name string) (l *Layer, has bool) {
	for i := range sp.Layers {
		if sp.Layers[i].Name == name {
			return &sp.Layers[i], true
		}
	}
	return nil, slices.Contains(sp.Order, name)
}

// Describe lists what c changes, as the history shows it: "adds label
// entity/NEWL, removes label entity/TIME".
func (c *SchemaChange) Describe() string {
	var parts []string
	if c.Before.POS != nil || c.After.POS != nil {
		parts = append(parts, "changes the POS tagset")
	}
	if c.Before.Relations != nil || c.After.Relations != nil {
		parts = append(parts, "changes the relation layers")
	}
	for _, a := range c.After.Layers {
		b, had := c.Before.layer(a.Name)
		if !had {
			parts = append(parts, fmt.Sprintf("adds layer %q", a.Name))
			continue
		}
		for _, lb := range a.Labels {
			if b == nil {
				continue
			}
			if _, ok := b.Label(lb.Name); !ok {
				parts = append(parts, fmt.Sprintf("adds label %s/%s", a.Name, lb.Name))
			}
		}
	}
	for _, b := range c.Before.Layers {
		a, has := c.After.layer(b.Name)
		if !has {
			parts = append(parts, fmt.Sprintf("removes layer %q", b.Name))
			continue
		}
		for _, lb := range b.Labels {
			if a == nil {
				continue
			}
			if _, ok := a.Label(lb.Name); !ok {
				parts = append(parts, fmt.Sprintf("removes label %s/%s", b.Name, lb.Name))
			}
		}
	}
	if len(parts) == 0 {
		return "changes label settings"
	}
	return strings.Join(parts, ", ")
}

// diffSchema returns the change from a to b, nil when they are the same.
func diffSchema(a, b *Schema) *SchemaChange {
	if a == nil {
		a = &Schema{}
	}
	c := &SchemaChange{Before: SchemaPart{Order: a.LayerNames()}, After: SchemaPart{Order: b.LayerNames()}}
	if !tagsetEqual(a.POS, b.POS) {
		pa, pb := cloneTagset(a.POS), cloneTagset(b.POS)
		c.Before.POS, c.After.POS = &pa, &pb
	}
	if !relationLayersEqual(a.Relations, b.Relations) {
		ra, rb := cloneRelationLayers(a.Relations), cloneRelationLayers(b.Relations)
		c.Before.Relations, c.After.Relations = &ra, &rb
	}
	names := slices.Clone(c.Before.Order)
	for _, n := range c.After.Order {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, n := range names {
		la, oka := a.Layer(n)
		lb, okb := b.Layer(n)
		if oka && okb && layerEqual(*la, *lb) {
			continue
		}
		if oka {
			c.Before.Layers = append(c.Before.Layers, cloneLayer(*la))
		}
		if okb {
			c.After.Layers = append(c.After.Layers, cloneLayer(*lb))
		}
	}
	if c.Before.POS == nil && c.Before.Relations == nil && len(c.Before.Layers) == 0 && len(c.After.Layers) == 0 && slices.Equal(c.Before.Order, c.After.Order) {
		return nil
	}
	return c
}

// growSchema returns s with what c adds or changes: the layers and labels
// c.After has, with their settings where c changes them, and its POS
// tagset. What c removes stays until shrinkSchema, so that the spans a
// step moves away from a label or layer can still be read while it runs. A
// layer whose overlaps c forbids keeps allowing them until shrinkSchema.
func growSchema(s *Schema, c *SchemaChange) *Schema {
	out := &Schema{}
	if s != nil {
		out = s.Clone()
	}
	if c.After.POS != nil {
		out.POS = cloneTagset(*c.After.POS)
	}
	if c.After.Relations != nil {
		// The relation layers become c's, keeping the types the schema
		// has and c does not (removed by c: until shrinkSchema).
		grown := cloneRelationLayers(*c.After.Relations)
		for _, l := range out.Relations {
			for _, t := range l.Types {
				gl := relationLayerIn(&grown, l.Name, l.Description)
				if _, ok := gl.Type(t.Name); !ok {
					gl.Types = append(gl.Types, t)
				}
			}
		}
		out.Relations = grown
	}
	for _, tl := range c.After.Layers {
		fl, _ := c.Before.layer(tl.Name)
		cl, ok := out.Layer(tl.Name)
		if !ok {
			nl := cloneLayer(tl)
			if fl != nil && fl.Overlap == OverlapAllowed {
				nl.Overlap = OverlapAllowed
			}
			out.Layers = append(out.Layers, nl)
			continue
		}
		if (fl == nil || fl.Overlap != tl.Overlap) && tl.Overlap == OverlapAllowed {
			cl.Overlap = OverlapAllowed
		}
		if fl == nil || fl.Description != tl.Description {
			cl.Description = tl.Description
		}
		for _, tlb := range tl.Labels {
			var flb *Label
			if fl != nil {
				flb, _ = fl.Label(tlb.Name)
			}
			if clb, ok := cl.Label(tlb.Name); ok {
				if flb == nil || !labelEqual(*flb, tlb) {
					*clb = cloneLabel(tlb)
				}
			} else {
				cl.Labels = append(cl.Labels, cloneLabel(tlb))
			}
		}
	}
	return out
}

// schemaNeeds says what the project's spans need of its schema: whether a
// span is on a layer (with a label, unless label is ""), and whether two
// spans of a layer overlap. recall returns a layer and one of its labels
// as they were last, also after a schema change removed them: the layer
// with that label only.
type schemaNeeds interface {
	inUse(layer, label string) bool
	relationInUse(layer, typ string) bool
	overlap(layer string) bool
	recall(layer, label string) (Layer, bool)
}

// docNeeds is what one document's spans need; it recalls nothing.
type docNeeds struct{ d *Document }

func (n docNeeds) inUse(layer, label string) bool { return docUses(n.d, layer, label) }
func (n docNeeds) relationInUse(layer, typ string) bool {
	return slices.ContainsFunc(n.d.Relations, func(r Relation) bool { return r.Layer == layer && (typ == "" || r.Type == typ) })
}
func (n docNeeds) overlap(layer string) bool {
	_, _, ok := overlapping(n.d, layer)
	return ok
}
func (n docNeeds) recall(layer, label string) (Layer, bool) { return Layer{}, false }

// recallIn returns layer with only label as s has them.
func recallIn(s *Schema, layer, label string) (Layer, bool) {
	if s == nil {
		return Layer{}, false
	}
	l, ok := s.Layer(layer)
	if !ok {
		return Layer{}, false
	}
	lb, ok := l.Label(label)
	if !ok {
		return Layer{}, false
	}
	return Layer{Name: l.Name, Overlap: l.Overlap, Description: l.Description, Labels: []Label{cloneLabel(*lb)}}, true
}

// shrinkSchema finishes c on s (as growSchema left it): it removes the
// layers and labels c removes, forbids the overlaps c forbids, and puts
// layers and labels in c's order where c changes the order. What the
// project's spans still need (need) stays: a layer or label that spans
// use, a layer's permission to overlap where spans overlap. A label whose
// shortcut key c gives to another loses it.
func shrinkSchema(s *Schema, c *SchemaChange, need schemaNeeds) *Schema {
	inUse := need.inUse
	out := s.Clone()
	for _, fl := range c.Before.Layers {
		tl, toHas := c.After.layer(fl.Name)
		k := slices.IndexFunc(out.Layers, func(l Layer) bool { return l.Name == fl.Name })
		if k < 0 {
			continue
		}
		cl := &out.Layers[k]
		if !toHas && !inUse(fl.Name, "") {
			out.Layers = slices.Delete(out.Layers, k, k+1)
			continue
		}
		for _, flb := range fl.Labels {
			gone := !toHas
			if tl != nil {
				_, ok := tl.Label(flb.Name)
				gone = !ok
			}
			if gone && !inUse(fl.Name, flb.Name) {
				cl.Labels = slices.DeleteFunc(cl.Labels, func(l Label) bool { return l.Name == flb.Name })
			}
		}
		if tl != nil {
			if tl.Overlap == OverlapForbidden && fl.Overlap != OverlapForbidden && !need.overlap(fl.Name) {
				cl.Overlap = OverlapForbidden
			}
			if !slices.Equal(fl.LabelNames(), tl.LabelNames()) {
				cl.Labels = ordered(cl.Labels, tl.LabelNames(), func(l Label) string { return l.Name })
			}
		}
	}
	// A layer c adds that forbids overlaps was added allowing them only
	// when it came back over the layer as it was (see growSchema).
	for _, tl := range c.After.Layers {
		if fl, _ := c.Before.layer(tl.Name); fl == nil && tl.Overlap == OverlapForbidden && !need.overlap(tl.Name) {
			if cl, ok := out.Layer(tl.Name); ok {
				cl.Overlap = OverlapForbidden
			}
		}
	}
	if !slices.Equal(c.Before.Order, c.After.Order) {
		out.Layers = ordered(out.Layers, c.After.Order, func(l Layer) string { return l.Name })
	}
	if c.Before.Relations != nil && c.After.Relations != nil {
		after := &Schema{Relations: *c.After.Relations}
		for _, fl := range *c.Before.Relations {
			k := slices.IndexFunc(out.Relations, func(l RelationLayer) bool { return l.Name == fl.Name })
			if k < 0 {
				continue
			}
			tl, toHas := after.RelationLayer(fl.Name)
			cl := &out.Relations[k]
			for _, ft := range fl.Types {
				gone := !toHas
				if tl != nil {
					_, ok := tl.Type(ft.Name)
					gone = !ok
				}
				if gone && !need.relationInUse(fl.Name, ft.Name) {
					cl.Types = slices.DeleteFunc(cl.Types, func(t RelationType) bool { return t.Name == ft.Name })
				}
			}
			if !toHas && len(cl.Types) == 0 {
				out.Relations = slices.Delete(out.Relations, k, k+1)
			}
		}
		if len(out.Relations) == 0 {
			out.Relations = nil
		}
	}
	// Shortcut keys: those c sets win.
	set := map[string]bool{}
	for _, tl := range c.After.Layers {
		fl, _ := c.Before.layer(tl.Name)
		for _, tlb := range tl.Labels {
			var flb *Label
			if fl != nil {
				flb, _ = fl.Label(tlb.Name)
			}
			if tlb.Key != "" && (flb == nil || flb.Key != tlb.Key) {
				set[tl.Name+"/"+tlb.Name] = true
			}
		}
	}
	owner := map[string]string{}
	for _, l := range out.Layers {
		for _, lb := range l.Labels {
			if lb.Key != "" && set[l.Name+"/"+lb.Name] {
				owner[lb.Key] = l.Name + "/" + lb.Name
			}
		}
	}
	for i := range out.Layers {
		for j := range out.Layers[i].Labels {
			lb := &out.Layers[i].Labels[j]
			ref := out.Layers[i].Name + "/" + lb.Name
			if lb.Key == "" {
				continue
			}
			if o, ok := owner[lb.Key]; ok && o != ref {
				lb.Key = ""
			} else {
				owner[lb.Key] = ref
			}
		}
	}
	return out
}

// ordered puts the items named in names first, in that order, then the
// others as they were.
func ordered[T any](items []T, names []string, name func(T) string) []T {
	out := make([]T, 0, len(items))
	for _, n := range names {
		for _, it := range items {
			if name(it) == n {
				out = append(out, it)
			}
		}
	}
	for _, it := range items {
		if !slices.Contains(names, name(it)) {
			out = append(out, it)
		}
	}
	return out
}

// unionSchema is a with the layers and labels of b it lacks, every layer
// allowing overlaps where either does: a schema under which the spans of
// both are valid, which the file holds while a step's spans move from one
// to the other.
func unionSchema(a, b *Schema) *Schema {
	u := a.Clone()
	for _, l := range b.Layers {
		ul, ok := u.Layer(l.Name)
		if !ok {
			u.Layers = append(u.Layers, cloneLayer(l))
			continue
		}
		if l.Overlap == OverlapAllowed {
			ul.Overlap = OverlapAllowed
		}
		for _, lb := range l.Labels {
			if _, ok := ul.Label(lb.Name); !ok {
				ul.Labels = append(ul.Labels, cloneLabel(lb))
			}
		}
	}
	return u
}

// schemaEqual reports whether a and b are the same schema.
func schemaEqual(a, b *Schema) bool {
	return tagsetEqual(a.POS, b.POS) && slices.EqualFunc(a.Layers, b.Layers, layerEqual) && relationLayersEqual(a.Relations, b.Relations)
}

// relationLayerIn returns the relation layer called name in ls, appended
// (with description) when ls has none.
func relationLayerIn(ls *[]RelationLayer, name, description string) *RelationLayer {
	for i := range *ls {
		if (*ls)[i].Name == name {
			return &(*ls)[i]
		}
	}
	*ls = append(*ls, RelationLayer{Name: name, Description: description})
	return &(*ls)[len(*ls)-1]
}

// schemaMismatch says what got keeps that want does not have because
// spans need it: layers, labels, permissions to overlap.
func schemaMismatch(got, want *Schema) string {
	var extra []string
	for _, l := range got.Layers {
		wl, ok := want.Layer(l.Name)
		if !ok {
			extra = append(extra, fmt.Sprintf("layer %q", l.Name))
			continue
		}
		if l.Overlap == OverlapAllowed && wl.Overlap == OverlapForbidden {
			extra = append(extra, fmt.Sprintf("overlaps in layer %q", l.Name))
		}
		for _, lb := range l.Labels {
			if _, ok := wl.Label(lb.Name); !ok {
				extra = append(extra, fmt.Sprintf("label %s/%s", l.Name, lb.Name))
			}
		}
	}
	for _, l := range got.Relations {
		wl, ok := want.RelationLayer(l.Name)
		for _, t := range l.Types {
			if !ok {
				extra = append(extra, fmt.Sprintf("relation type %s/%s", l.Name, t.Name))
			} else if _, has := wl.Type(t.Name); !has {
				extra = append(extra, fmt.Sprintf("relation type %s/%s", l.Name, t.Name))
			}
		}
	}
	if len(extra) == 0 {
		return "the schema as it is"
	}
	return strings.Join(extra, ", ")
}

func tagsetEqual(a, b Tagset) bool {
	return a.Name == b.Name && a.Description == b.Description && slices.Equal(a.Tags, b.Tags)
}

func layerEqual(a, b Layer) bool {
	return a.Name == b.Name && a.Overlap == b.Overlap && a.Description == b.Description && slices.EqualFunc(a.Labels, b.Labels, labelEqual)
}

func labelEqual(a, b Label) bool {
	return a.Name == b.Name && a.Color == b.Color && a.Key == b.Key && a.Description == b.Description && slices.Equal(a.POS, b.POS)
}

func cloneTagset(t Tagset) Tagset {
	t.Tags = slices.Clone(t.Tags)
	return t
}

func cloneLayer(l Layer) Layer {
	l.Labels = slices.Clone(l.Labels)
	for i := range l.Labels {
		l.Labels[i] = cloneLabel(l.Labels[i])
	}
	return l
}

func cloneLabel(l Label) Label {
	l.POS = slices.Clone(l.POS)
	return l
}

// docUses reports whether a span of d is on layer (and has label, unless
// label is "").
func docUses(d *Document, layer, label string) bool {
	return slices.ContainsFunc(d.Spans, func(s Span) bool { return s.Layer == layer && (label == "" || s.Label == label) })
}

// SetSchema makes the schema Schema, as a step of the document's History:
// undo puts back what it changed, layers and labels it removed first. It
// removes no span: a Batch removes or relabels the spans of what it
// removes after it (see Project.ChangeSchema); a layer or label a span
// still uses refuses the step.
type SetSchema struct{ Schema *Schema }

// SchemaStepName is the name of a schema change in the History.
const SchemaStepName = "change the label schema"

func (e SetSchema) Describe() string { return SchemaStepName }

func (e SetSchema) plan(p *planner) error {
	if e.Schema == nil {
		return refuse(e, ErrSchema, "no schema")
	}
	if err := e.Schema.Validate(); err != nil {
		return refuse(e, ErrSchema, "%s", strings.TrimPrefix(err.Error(), "annotate: "))
	}
	base := p.base
	if base == nil {
		base = p.schema
	}
	c := diffSchema(base, e.Schema)
	if c == nil {
		return nil
	}
	p.schema = growSchema(p.schema, c)
	p.changes = append(p.changes, Change{Schema: c})
	p.schemaTo = e.Schema
	return nil
}

// LabelRef names a layer (Label "") or one of its labels.
type LabelRef struct {
	Layer string `json:"layer"`
	Label string `json:"label,omitempty"`
}

func (r LabelRef) String() string {
	if r.Label == "" {
		return fmt.Sprintf("layer %q", r.Layer)
	}
	return fmt.Sprintf("label %s/%s", r.Layer, r.Label)
}

// ChangeSchema makes s the project's schema, as one CorpusStep called
// SchemaStepName that Undo takes back whole: the spans of the layers and
// labels in removed are removed, those of a label in renamed (old name →
// new name) are relabelled, and those of a renamed layer move into it (as
// new spans, their labels renamed too); the places the documents remember
// (rejected suggestions, declined places and relation places) follow the
// same renames and removals (RenamePlaces). removed and renamed name layers
// and labels as the schema has them now; both apply at once, so swapped
// names work. Every document whose spans change gets a part of the step
// (a Batch of a SetSchema edit and the span edits), and so does home — the
// document the change is made from, 0 for none — so that its Undo reaches
// the change. Without any part (no document), the schema is set with no
// step, as SetSchema does. A layer or label that s lacks and spans still
// use, though removed and renamed do not say so, refuses the change.
func (p *Project) ChangeSchema(s *Schema, removed []LabelRef, renamed map[LabelRef]string, home int64) (*CorpusStep, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	s = s.Clone()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	gone := map[LabelRef]bool{}
	layers := map[string]bool{}
	for _, r := range removed {
		gone[r] = true
		layers[r.Layer] = true
	}
	for r := range renamed {
		layers[r.Layer] = true
	}
	var ids []int64
	if len(layers) > 0 {
		var args []any
		var marks []string
		for l := range layers {
			args = append(args, l)
			marks = append(marks, "?")
		}
		var err error
		in := "(" + strings.Join(marks, ", ") + ")"
		args = slices.Concat(args, args, args, args)
		ids, err = queryAll(context.Background(), p.conn, func(r *sql.Rows) (id int64, err error) { return id, r.Scan(&id) },
			"SELECT doc_id FROM spans WHERE layer IN "+in+" UNION SELECT doc_id FROM rejections WHERE layer IN "+in+
				" UNION SELECT doc_id FROM declined_relations WHERE from_layer IN "+in+" OR to_layer IN "+in+" ORDER BY doc_id", args...)
		if err != nil {
			return nil, p.classify(err, "find the spans of the changed labels")
		}
	}
	var edits []DocEdit
	for _, id := range ids {
		od, err := p.load(id)
		if err != nil {
			return nil, err
		}
		spanEdits := schemaSpanEdits(od.ed.Doc, gone, renamed)
		if places := (RenamePlaces{Gone: gone, Renamed: renamed}); places.changes(od.ed.Doc) {
			spanEdits = append(spanEdits, places)
		}
		if len(spanEdits) == 0 {
			continue
		}
		edits = append(edits, DocEdit{Doc: id, Edit: SetSchema{Schema: s}})
		for _, e := range spanEdits {
			edits = append(edits, DocEdit{Doc: id, Edit: e})
		}
	}
	if home != 0 && !slices.ContainsFunc(edits, func(de DocEdit) bool { return de.Doc == home }) {
		edits = append(edits, DocEdit{Doc: home, Edit: SetSchema{Schema: s}})
	}
	if len(edits) == 0 {
		if err := p.write(func(tx *sql.Tx) error { return writeSchema(context.Background(), tx, s) }); err != nil {
			return nil, err
		}
		p.adoptSchema(s)
		return nil, nil
	}
	return p.applyCorpus(SchemaStepName, edits)
}

// renameRef returns the layer and label that layer/label become in a schema
// change that removes gone and renames renamed (as ChangeSchema's), and
// false when the change removes them.
func renameRef(gone map[LabelRef]bool, renamed map[LabelRef]string, layer, label string) (string, string, bool) {
	if gone[LabelRef{Layer: layer}] || gone[LabelRef{Layer: layer, Label: label}] {
		return layer, label, false
	}
	newLayer, newLabel := layer, label
	if to, ok := renamed[LabelRef{Layer: layer}]; ok {
		newLayer = to
	}
	if to, ok := renamed[LabelRef{Layer: layer, Label: label}]; ok {
		newLabel = to
	}
	return newLayer, newLabel, true
}

// schemaSpanEdits are the edits of d's spans that a schema change asks for:
// the spans of gone layers and labels removed, those of renamed labels
// relabelled, those of renamed layers moved.
func schemaSpanEdits(d *Document, gone map[LabelRef]bool, renamed map[LabelRef]string) []Edit {
	var edits []Edit
	for _, sp := range d.Spans {
		layer, label, keep := renameRef(gone, renamed, sp.Layer, sp.Label)
		if !keep {
			edits = append(edits, RemoveSpan{ID: sp.ID})
			continue
		}
		switch {
		case layer != sp.Layer: // the same span in the new layer
			moved := sp
			moved.ID, moved.Layer, moved.Label = 0, layer, label
			edits = append(edits, RemoveSpan{ID: sp.ID}, AddSpan{Span: moved})
		case label != sp.Label:
			edits = append(edits, RelabelSpan{ID: sp.ID, Label: label})
		}
	}
	return edits
}
