package annotate

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// Edit is one change an annotator asks of a Document: add, remove or
// relabel a span, set a note or a POS tag, split or merge tokens, set the
// status or the document labels, or a Batch of these. An Editor validates
// an Edit against the document and its Schema and turns it into Changes,
// each with an exact inverse, so that undo restores the document exactly.
type Edit interface {
	// Describe says what the edit does, as the History shows it.
	Describe() string
	plan(p *planner) error
}

// Errors that EditError wraps, for errors.Is.
var (
	ErrOffsets      = errors.New("offsets outside the text")
	ErrLayer        = errors.New("no such layer")
	ErrLabel        = errors.New("label not in the layer")
	ErrOverlap      = errors.New("overlap forbidden")
	ErrNoSpan       = errors.New("no such span")
	ErrToken        = errors.New("no token there")
	ErrSpanBoundary = errors.New("span boundary inside the merge")
	ErrPOS          = errors.New("POS tag not in the tagset")
	ErrStatus       = errors.New("unknown status")
	ErrOrigin       = errors.New("unknown origin")
	ErrDocLabel     = errors.New("bad document label")
	ErrSchema       = errors.New("schema change refused")
)

// EditError is an Edit refused by validation. Err is one of the Err*
// values above; the message says which offsets, label, span or layer.
type EditError struct {
	Edit   string // the edit's Describe
	Err    error
	Detail string
}

func (e *EditError) Error() string { return "annotate: " + e.Edit + ": " + e.Detail }

// Unwrap returns Err.
func (e *EditError) Unwrap() error { return e.Err }

func refuse(e Edit, err error, format string, args ...any) error {
	return &EditError{Edit: e.Describe(), Err: err, Detail: fmt.Sprintf(format, args...)}
}

// Change is one primitive change of a Document (or of the project's
// Schema) with everything needed to undo it: exactly one of its fields is
// set.
type Change struct {
	Tokens   *TokensChange   `json:"tokens,omitempty"`
	Span     *SpanChange     `json:"span,omitempty"`
	Status   *StatusChange   `json:"status,omitempty"`
	Labels   *LabelsChange   `json:"labels,omitempty"`
	Rejected *SpanChange     `json:"rejected,omitempty"` // a rejected place added (Before nil) or removed
	Schema   *SchemaChange   `json:"schema,omitempty"`
	Relation *RelationChange `json:"relation,omitempty"`
	// DeclinedRelation: a declined relation place added (Before nil) or
	// removed (DeclineRelations).
	DeclinedRelation *RelationPlaceChange `json:"declined_relation,omitempty"`
}

// TokensChange replaces the tokens lying in [Start, End), Before, with
// After. Splits, merges and POS changes are TokensChanges.
type TokensChange struct {
	Start  int          `json:"start"`
	End    int          `json:"end"`
	Before []text.Token `json:"before"`
	After  []text.Token `json:"after"`
}

// SpanChange adds (Before nil), removes (After nil) or changes a span.
type SpanChange struct {
	Before *Span `json:"before,omitempty"`
	After  *Span `json:"after,omitempty"`
}

// StatusChange sets the document's status.
type StatusChange struct {
	Before Status `json:"before"`
	After  Status `json:"after"`
}

// LabelsChange sets the document-level labels.
type LabelsChange struct {
	Before []string `json:"before"`
	After  []string `json:"after"`
}

// Inverse returns the change that undoes c.
func (c Change) Inverse() Change {
	switch {
	case c.Tokens != nil:
		t := *c.Tokens
		t.Before, t.After = t.After, t.Before
		return Change{Tokens: &t}
	case c.Span != nil:
		return Change{Span: &SpanChange{Before: c.Span.After, After: c.Span.Before}}
	case c.Status != nil:
		return Change{Status: &StatusChange{Before: c.Status.After, After: c.Status.Before}}
	case c.Labels != nil:
		return Change{Labels: &LabelsChange{Before: c.Labels.After, After: c.Labels.Before}}
	case c.Rejected != nil:
		return Change{Rejected: &SpanChange{Before: c.Rejected.After, After: c.Rejected.Before}}
	case c.Schema != nil:
		return Change{Schema: c.Schema.Inverse()}
	case c.Relation != nil:
		return Change{Relation: &RelationChange{Before: c.Relation.After, After: c.Relation.Before}}
	case c.DeclinedRelation != nil:
		return Change{DeclinedRelation: &RelationPlaceChange{Before: c.DeclinedRelation.After, After: c.DeclinedRelation.Before}}
	}
	return c
}

// valid checks the shape of a change read from a file: one field set, a
// span change with a span before or after, tokens inside their range and
// in order.
func (c Change) valid() error {
	n := 0
	for _, set := range []bool{c.Tokens != nil, c.Span != nil, c.Status != nil, c.Labels != nil, c.Rejected != nil, c.Schema != nil, c.Relation != nil, c.DeclinedRelation != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("a change with %d parts", n)
	}
	switch {
	case c.Span != nil:
		if c.Span.Before == nil && c.Span.After == nil {
			return errors.New("a span change without a span")
		}
	case c.Relation != nil:
		if c.Relation.Before == nil && c.Relation.After == nil {
			return errors.New("a relation change without a relation")
		}
	case c.Rejected != nil:
		if (c.Rejected.Before == nil) == (c.Rejected.After == nil) {
			return errors.New("a rejected-place change that neither adds nor removes one place")
		}
	case c.DeclinedRelation != nil:
		if (c.DeclinedRelation.Before == nil) == (c.DeclinedRelation.After == nil) {
			return errors.New("a declined-relation change that neither adds nor removes one place")
		}
	case c.Schema != nil:
		for _, part := range []SchemaPart{c.Schema.Before, c.Schema.After} {
			for _, l := range part.Layers {
				if !slices.Contains(part.Order, l.Name) {
					return fmt.Errorf("a schema change with layer %q outside its order", l.Name)
				}
			}
			if err := (&Schema{Layers: part.Layers}).Validate(); err != nil {
				return fmt.Errorf("a schema change with a bad layer: %v", err)
			}
		}
	case c.Tokens != nil:
		t := c.Tokens
		for _, toks := range [][]text.Token{t.Before, t.After} {
			prev := t.Start
			for _, tok := range toks {
				if tok.Start < prev || tok.Start >= tok.End || tok.End > t.End {
					return fmt.Errorf("token [%d,%d) out of place in [%d,%d)", tok.Start, tok.End, t.Start, t.End)
				}
				prev = tok.End
			}
		}
	}
	return nil
}

// apply makes change c to d. c was planned against d's current state, so it
// fits; a change that does not fit is an internal error (or a step stored
// in a file that another program changed). A schema change is the
// Editor's (see Editor.applyAll): d has nothing to change.
func (d *Document) apply(c Change) error {
	switch {
	case c.Tokens != nil:
		t := c.Tokens
		i := sort.Search(len(d.Tokens), func(i int) bool { return d.Tokens[i].Start >= t.Start })
		j := i + len(t.Before)
		if j > len(d.Tokens) || (j < len(d.Tokens) && d.Tokens[j].Start < t.End) || !sameTokens(d.Tokens[i:j], t.Before) {
			return fmt.Errorf("document %d: tokens in [%d,%d) are not the ones the change replaces", d.ID, t.Start, t.End)
		}
		if n := d.Chars(); len(t.After) > 0 && (t.After[0].Start < 0 || t.After[len(t.After)-1].End > n) {
			return fmt.Errorf("document %d: tokens in [%d,%d) are not inside the text (%d characters)", d.ID, t.Start, t.End, n)
		}
		after := make([]text.Token, len(t.After))
		for k, tok := range t.After {
			tok.Text = d.Slice(tok.Start, tok.End)
			after[k] = tok
		}
		d.Tokens = slices.Replace(d.Tokens, i, j, after...)
	case c.Span != nil:
		b, a := c.Span.Before, c.Span.After
		k := -1
		if b != nil {
			if k = d.spanIndex(b.ID); k < 0 {
				return fmt.Errorf("document %d: span %s is not there", d.ID, b)
			}
			if d.Spans[k] != *b {
				return fmt.Errorf("document %d: span %s is not as the step recorded it: %s", d.ID, b, spanDiff(d.Spans[k], *b))
			}
			if a == nil {
				if r, ok := d.usedByRelation(b.ID); ok {
					return fmt.Errorf("document %d: span %s is an end of relation %s", d.ID, b, r)
				}
			}
		}
		if a != nil {
			if (b == nil || b.ID != a.ID) && d.spanIndex(a.ID) >= 0 {
				return fmt.Errorf("document %d: span %d is there already", d.ID, a.ID)
			}
			if n := d.Chars(); a.Start < 0 || a.Start >= a.End || a.End > n {
				return fmt.Errorf("document %d: span %s is not inside the text (%d characters)", d.ID, a, n)
			}
		}
		if b != nil {
			d.Spans = slices.Delete(d.Spans, k, k+1)
		}
		if a != nil {
			k := sort.Search(len(d.Spans), func(k int) bool { return !spanLess(d.Spans[k], *a) })
			d.Spans = slices.Insert(d.Spans, k, *a)
		}
	case c.Relation != nil:
		return d.applyRelation(c.Relation)
	case c.Status != nil:
		d.Status = c.Status.After
	case c.Labels != nil:
		d.Labels = slices.Clone(c.Labels.After)
	case c.Rejected != nil:
		if b := c.Rejected.Before; b != nil {
			k := d.rejectedIndex(*b)
			if k < 0 {
				return fmt.Errorf("document %d: rejected place %s/%s [%d,%d) is not there", d.ID, b.Layer, b.Label, b.Start, b.End)
			}
			d.Rejected = slices.Delete(d.Rejected, k, k+1)
			if len(d.Rejected) == 0 {
				d.Rejected = nil
			}
		}
		if a := c.Rejected.After; a != nil {
			r := Span{Layer: a.Layer, Label: a.Label, Start: a.Start, End: a.End}
			k := sort.Search(len(d.Rejected), func(k int) bool { return !rejectedLess(d.Rejected[k], r) })
			d.Rejected = slices.Insert(d.Rejected, k, r)
		}
	case c.DeclinedRelation != nil:
		if b := c.DeclinedRelation.Before; b != nil {
			k := slices.Index(d.DeclinedRelations, b.place())
			if k < 0 {
				return fmt.Errorf("document %d: declined relation place %s is not there", d.ID, b)
			}
			d.DeclinedRelations = slices.Delete(d.DeclinedRelations, k, k+1)
			if len(d.DeclinedRelations) == 0 {
				d.DeclinedRelations = nil
			}
		}
		if a := c.DeclinedRelation.After; a != nil {
			r := a.place()
			k := sort.Search(len(d.DeclinedRelations), func(k int) bool { return !relationPlaceLess(d.DeclinedRelations[k], r) })
			d.DeclinedRelations = slices.Insert(d.DeclinedRelations, k, r)
		}
	}
	return nil
}

// spanDiff says how span have differs from want.
func spanDiff(have, want Span) string {
	var out []string
	field := func(name string, h, w any) {
		if h != w {
			out = append(out, fmt.Sprintf("%s %q, not %q", name, fmt.Sprint(h), fmt.Sprint(w)))
		}
	}
	field("layer", have.Layer, want.Layer)
	field("label", have.Label, want.Label)
	field("range", fmt.Sprintf("[%d,%d)", have.Start, have.End), fmt.Sprintf("[%d,%d)", want.Start, want.End))
	field("note", have.Note, want.Note)
	field("origin", have.Origin, want.Origin)
	field("annotator", have.Annotator, want.Annotator)
	field("extra", have.Extra, want.Extra)
	return "it has " + strings.Join(out, ", ")
}

// sameTokens reports whether the tokens of a document, have are the tokens
// a change recorded, want (their texts aside, which the change does not
// keep).
func sameTokens(have, want []text.Token) bool {
	if len(have) != len(want) {
		return false
	}
	for k := range have {
		h, w := have[k], want[k]
		if h.Start != w.Start || h.End != w.End || h.POS != w.POS || h.Edited != w.Edited {
			return false
		}
	}
	return true
}

// rejectedLess orders rejected places by start, end, layer, label.
func rejectedLess(a, b Span) bool {
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	if a.End != b.End {
		return a.End < b.End
	}
	if a.Layer != b.Layer {
		return a.Layer < b.Layer
	}
	return a.Label < b.Label
}

// rejectedIndex returns the index in d.Rejected of the place of s (layer,
// label, start, end), or -1.
func (d *Document) rejectedIndex(s Span) int {
	for k, r := range d.Rejected {
		if r.Layer == s.Layer && r.Label == s.Label && r.Start == s.Start && r.End == s.End {
			return k
		}
	}
	return -1
}

// IsRejected reports whether a suggestion of s's layer and label at s's
// range was rejected in d.
func (d *Document) IsRejected(s Span) bool { return d.rejectedIndex(s) >= 0 }

func spanLess(a, b Span) bool {
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	if a.End != b.End {
		return a.End < b.End
	}
	return a.ID < b.ID
}

// spanIndex returns the index in d.Spans of the span with that ID, or -1.
func (d *Document) spanIndex(id int64) int {
	for k := range d.Spans {
		if d.Spans[k].ID == id {
			return k
		}
	}
	return -1
}

// Span returns the document's span with that ID.
func (d *Document) Span(id int64) (Span, bool) {
	if k := d.spanIndex(id); k >= 0 {
		return d.Spans[k], true
	}
	return Span{}, false
}

// TokenAt returns the index of the token that contains code point cp, or
// -1 when cp is in no token (whitespace, or outside the text).
func (d *Document) TokenAt(cp int) int {
	i := sort.Search(len(d.Tokens), func(i int) bool { return d.Tokens[i].End > cp })
	if i < len(d.Tokens) && d.Tokens[i].Start <= cp {
		return i
	}
	return -1
}

// planner turns edits into changes, applying each to the document as it
// goes so that the edits of a batch see each other.
type planner struct {
	doc       *Document
	schema    *Schema // grown by SetSchema edits (see growSchema)
	newID     func() int64
	annotator string
	changes   []Change
	schemaTo  *Schema // the schema the last SetSchema edit asked for
	// base is the schema a SetSchema edit records its change from: the
	// schema before the step (of every part of a corpus step), nil for
	// schema.
	base *Schema
	// spanOf, when set, finds a span of doc by ID in place of a search
	// of doc.Spans (the Adder's, which checks a document's relations
	// against spans it holds by ID).
	spanOf func(id int64) (Span, bool)
}

func (p *planner) do(c Change) error {
	if err := p.doc.apply(c); err != nil {
		return fmt.Errorf("annotate: %w", err)
	}
	p.changes = append(p.changes, c)
	return nil
}

// revert undoes the changes made so far.
func (p *planner) revert() {
	for k := len(p.changes) - 1; k >= 0; k-- {
		_ = p.doc.apply(p.changes[k].Inverse())
	}
	p.changes = nil
}

// AddSpan adds a span. Its ID is given by the Editor; an empty Origin is
// manual and an empty Annotator the Editor's.
type AddSpan struct{ Span Span }

func (e AddSpan) Describe() string {
	return fmt.Sprintf("add span [%d,%d) %s/%s", e.Span.Start, e.Span.End, e.Span.Layer, e.Span.Label)
}

func (e AddSpan) plan(p *planner) error {
	s := e.Span
	if s.Origin == "" {
		s.Origin = OriginManual
	}
	if s.Annotator == "" {
		s.Annotator = p.annotator
	}
	if err := p.check(e, s, 0); err != nil {
		return err
	}
	s.ID = p.newID()
	return p.do(Change{Span: &SpanChange{After: &s}})
}

// check validates span s (which replaces span self, 0 for none) against
// the text and the schema.
func (p *planner) check(e Edit, s Span, self int64) error {
	if n := p.doc.Chars(); s.Start < 0 || s.End > n || s.Start >= s.End {
		return refuse(e, ErrOffsets, "offsets [%d,%d) are not a range inside the text [0,%d)", s.Start, s.End, n)
	}
	layer, ok := p.schema.Layer(s.Layer)
	if !ok {
		return refuse(e, ErrLayer, "no layer %q in the schema (layers: %s)", s.Layer, strings.Join(p.schema.LayerNames(), ", "))
	}
	if _, ok := layer.Label(s.Label); !ok {
		return refuse(e, ErrLabel, "label %q is not in layer %q (labels: %s)", s.Label, s.Layer, strings.Join(layer.LabelNames(), ", "))
	}
	if !s.Origin.Valid() {
		return refuse(e, ErrOrigin, "origin %q is not manual, suggested or imported", s.Origin)
	}
	if layer.Overlap == OverlapForbidden {
		for _, o := range p.doc.Spans {
			if o.ID != self && o.Layer == s.Layer && o.Start < s.End && s.Start < o.End {
				return refuse(e, ErrOverlap, "overlaps span %s %q in layer %q, which forbids overlaps", o, p.doc.Slice(o.Start, o.End), s.Layer)
			}
		}
	}
	return nil
}

func (p *planner) span(e Edit, id int64) (Span, error) {
	s, ok := p.doc.Span(id)
	if !ok {
		return s, refuse(e, ErrNoSpan, "document %d has no span %d", p.doc.ID, id)
	}
	return s, nil
}

// RemoveSpan removes a span, and with it (first) the relations of which it
// is an end: undo brings back both.
type RemoveSpan struct{ ID int64 }

func (e RemoveSpan) Describe() string { return fmt.Sprintf("remove span %d", e.ID) }

func (e RemoveSpan) plan(p *planner) error {
	s, err := p.span(e, e.ID)
	if err != nil {
		return err
	}
	return p.removeSpan(s)
}

// RelabelSpan gives a span another label of its layer.
type RelabelSpan struct {
	ID    int64
	Label string
}

func (e RelabelSpan) Describe() string { return fmt.Sprintf("relabel span %d as %s", e.ID, e.Label) }

func (e RelabelSpan) plan(p *planner) error {
	s, err := p.span(e, e.ID)
	if err != nil {
		return err
	}
	after := s
	after.Label = e.Label
	if err := p.check(e, after, s.ID); err != nil {
		return err
	}
	if err := p.checkRelationsOf(e, after); err != nil {
		return err
	}
	return p.do(Change{Span: &SpanChange{Before: &s, After: &after}})
}

// SetNote sets a span's note.
type SetNote struct {
	ID   int64
	Note string
}

func (e SetNote) Describe() string { return fmt.Sprintf("set the note of span %d", e.ID) }

func (e SetNote) plan(p *planner) error {
	s, err := p.span(e, e.ID)
	if err != nil {
		return err
	}
	after := s
	after.Note = e.Note
	return p.do(Change{Span: &SpanChange{Before: &s, After: &after}})
}

// SetOrigin sets a span's origin: accepting a suggestion makes it manual.
type SetOrigin struct {
	ID     int64
	Origin Origin
}

func (e SetOrigin) Describe() string {
	return fmt.Sprintf("set the origin of span %d to %s", e.ID, e.Origin)
}

func (e SetOrigin) plan(p *planner) error {
	s, err := p.span(e, e.ID)
	if err != nil {
		return err
	}
	if !e.Origin.Valid() {
		return refuse(e, ErrOrigin, "origin %q is not manual, suggested or imported", e.Origin)
	}
	after := s
	after.Origin = e.Origin
	return p.do(Change{Span: &SpanChange{Before: &s, After: &after}})
}

// token returns the token that starts at cp.
func (p *planner) tokenStartingAt(e Edit, cp int) (int, error) {
	i := p.doc.TokenAt(cp)
	if i < 0 || p.doc.Tokens[i].Start != cp {
		return 0, refuse(e, ErrToken, "no token starts at %d", cp)
	}
	return i, nil
}

// SetPOS sets the POS tag of the token that starts at At.
type SetPOS struct {
	At  int
	POS string
}

func (e SetPOS) Describe() string { return fmt.Sprintf("set POS %s at %d", e.POS, e.At) }

func (e SetPOS) plan(p *planner) error {
	i, err := p.tokenStartingAt(e, e.At)
	if err != nil {
		return err
	}
	if len(p.schema.POS.Tags) > 0 && !p.schema.POS.Has(e.POS) {
		return refuse(e, ErrPOS, "POS tag %q is not in tagset %q", e.POS, p.schema.POS.Name)
	}
	t := p.doc.Tokens[i]
	after := t
	after.POS, after.Edited = e.POS, true
	return p.do(Change{Tokens: &TokensChange{Start: t.Start, End: t.End, Before: []text.Token{t}, After: []text.Token{after}}})
}

// Split splits the token that contains code point At into the part before
// At and the part from At on; both keep its POS tag. Spans keep their
// offsets. A token that a span covers exactly — a word of a token-tag
// layer, a node of a dependency tree — while that span is an end of a
// relation is not split: the span would cover two tokens and the tree
// would hang on neither; the refusal (ErrRelationEnd) names the relation,
// to be removed first; nor is a token that a span with Extra covers (a
// word of an imported treebank, whose lines it keeps). (Merging such
// tokens is refused already: the spans' edges lie inside the merge.)
type Split struct{ At int }

func (e Split) Describe() string { return fmt.Sprintf("split at %d", e.At) }

func (e Split) plan(p *planner) error {
	i := p.doc.TokenAt(e.At)
	if i < 0 || p.doc.Tokens[i].Start == e.At {
		return refuse(e, ErrToken, "offset %d is not inside a token (a token must have characters on both sides of a split)", e.At)
	}
	t := p.doc.Tokens[i]
	for _, s := range p.doc.Spans {
		if s.Start == t.Start && s.End == t.End {
			if r, ok := p.doc.usedByRelation(s.ID); ok {
				return refuse(e, ErrRelationEnd, "token [%d,%d) %q is span %s, an end of relation %s/%s %s: remove the relation first", t.Start, t.End, p.doc.Slice(t.Start, t.End), s, r.Layer, r.Type, r)
			}
			if s.Extra != "" {
				return refuse(e, ErrToken, "token [%d,%d) %q is a word of an imported file (span %s of layer %q keeps its lines: lemma, features…), which two tokens could not keep", t.Start, t.End, p.doc.Slice(t.Start, t.End), s, s.Layer)
			}
		}
	}
	left, right := t, t
	left.End, right.Start = e.At, e.At
	// A token made by merging across spaces may be split at a space: the
	// spaces belong to neither part.
	for left.End > left.Start && unicode.IsSpace(firstRune(p.doc.Slice(left.End-1, left.End))) {
		left.End--
	}
	for right.Start < right.End && unicode.IsSpace(firstRune(p.doc.Slice(right.Start, right.Start+1))) {
		right.Start++
	}
	if left.Start == left.End || right.Start == right.End {
		return refuse(e, ErrToken, "splitting token [%d,%d) %q at %d leaves only spaces on one side", t.Start, t.End, t.Text, e.At)
	}
	left.Edited, right.Edited = true, true
	left.Text, right.Text = "", ""
	return p.do(Change{Tokens: &TokensChange{Start: t.Start, End: t.End, Before: []text.Token{t}, After: []text.Token{left, right}}})
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// Merge merges the tokens lying in [Start, End) — at least two, in one
// sentence, Start a token's start and End a token's end — into one token
// with POS (the first token's when empty). A merge that would put a span's
// start or end inside the new token is refused.
type Merge struct {
	Start, End int
	POS        string
}

func (e Merge) Describe() string { return fmt.Sprintf("merge [%d,%d)", e.Start, e.End) }

func (e Merge) plan(p *planner) error {
	d := p.doc
	if e.Start >= e.End {
		return refuse(e, ErrOffsets, "offsets [%d,%d): start is not before end", e.Start, e.End)
	}
	i := d.TokenAt(e.Start)
	j := d.TokenAt(e.End - 1)
	if i < 0 || j < 0 || d.Tokens[i].Start != e.Start || d.Tokens[j].End != e.End {
		return refuse(e, ErrToken, "[%d,%d) does not start at a token's start and end at a token's end", e.Start, e.End)
	}
	if j == i {
		return refuse(e, ErrToken, "[%d,%d) is one token; a merge needs two or more", e.Start, e.End)
	}
	for _, s := range d.Sentences {
		if s.Start < e.End && e.Start < s.End && (e.Start < s.Start || s.End < e.End) {
			boundary := s.Start
			if e.End > s.End {
				boundary = s.End
			}
			return refuse(e, ErrToken, "[%d,%d) crosses the sentence boundary at %d", e.Start, e.End, boundary)
		}
	}
	for _, s := range d.Spans {
		for _, edge := range [2]int{s.Start, s.End} {
			if e.Start < edge && edge < e.End {
				return refuse(e, ErrSpanBoundary, "span %s %q has an edge at %d, which the merged token would cut through", s, d.Slice(s.Start, s.End), edge)
			}
		}
	}
	if e.POS != "" && len(p.schema.POS.Tags) > 0 && !p.schema.POS.Has(e.POS) {
		return refuse(e, ErrPOS, "POS tag %q is not in tagset %q", e.POS, p.schema.POS.Name)
	}
	before := slices.Clone(d.Tokens[i : j+1])
	merged := text.Token{Start: e.Start, End: e.End, POS: e.POS, Edited: true}
	if merged.POS == "" {
		merged.POS = before[0].POS
	}
	return p.do(Change{Tokens: &TokensChange{Start: e.Start, End: e.End, Before: before, After: []text.Token{merged}}})
}

// Reject rejects the suggested span ID: the span is removed and its place
// (layer, label, start, end) remembered in Document.Rejected, so that the
// same suggestion is not made there again. Undo brings both back.
type Reject struct{ ID int64 }

func (e Reject) Describe() string { return fmt.Sprintf("reject suggestion %d", e.ID) }

func (e Reject) plan(p *planner) error {
	s, ok := p.doc.Span(e.ID)
	if !ok {
		return refuse(e, ErrNoSpan, "no span %d", e.ID)
	}
	if s.Origin != OriginSuggested {
		return refuse(e, ErrOrigin, "span %s is %s, not a suggestion", s, s.Origin)
	}
	if err := p.removeSpan(s); err != nil {
		return err
	}
	place := Span{Layer: s.Layer, Label: s.Label, Start: s.Start, End: s.End}
	if p.doc.IsRejected(place) {
		return nil
	}
	return p.do(Change{Rejected: &SpanChange{After: &place}})
}

// Retokenize replaces the tokens lying in [Start, End) — Start a token's
// start (or a space before one), End a token's end, none of them edited by
// the annotator — with Tokens: offsets into the document, in order, inside
// the range, covering each of its non-space characters once, none starting
// or ending with a space, crossing a sentence boundary or a span's edge,
// each with a POS tag of the schema's tagset. The new tokens are not marked
// edited. It is how re-segmentation changes a document; it is not recorded
// for the segmenter to learn from.
type Retokenize struct {
	Start, End int
	Tokens     []text.Token
}

func (e Retokenize) Describe() string { return fmt.Sprintf("re-segment [%d,%d)", e.Start, e.End) }

func (e Retokenize) plan(p *planner) error {
	d := p.doc
	if e.Start < 0 || e.Start >= e.End || e.End > d.Chars() {
		return refuse(e, ErrOffsets, "offsets [%d,%d) are outside the text (%d characters) or empty", e.Start, e.End, d.Chars())
	}
	if k := d.TokenAt(e.Start); k >= 0 && d.Tokens[k].Start != e.Start {
		return refuse(e, ErrToken, "offset %d is inside token [%d,%d)", e.Start, d.Tokens[k].Start, d.Tokens[k].End)
	}
	if k := d.TokenAt(e.End - 1); k >= 0 && d.Tokens[k].End != e.End {
		return refuse(e, ErrToken, "offset %d is inside token [%d,%d)", e.End, d.Tokens[k].Start, d.Tokens[k].End)
	}
	runes := []rune(d.Slice(e.Start, e.End))
	covered := make([]bool, len(runes))
	prev := e.Start
	after := make([]text.Token, len(e.Tokens))
	for k, t := range e.Tokens {
		if t.Start < prev || t.Start >= t.End || t.End > e.End {
			return refuse(e, ErrToken, "token [%d,%d) is out of order or outside [%d,%d)", t.Start, t.End, e.Start, e.End)
		}
		if unicode.IsSpace(runes[t.Start-e.Start]) || unicode.IsSpace(runes[t.End-1-e.Start]) {
			return refuse(e, ErrToken, "token [%d,%d) starts or ends with a space", t.Start, t.End)
		}
		for _, s := range d.Sentences {
			if t.Start < s.End && s.End < t.End {
				return refuse(e, ErrToken, "token [%d,%d) crosses the sentence boundary at %d", t.Start, t.End, s.End)
			}
		}
		for _, s := range d.Spans {
			for _, edge := range [2]int{s.Start, s.End} {
				if t.Start < edge && edge < t.End {
					return refuse(e, ErrSpanBoundary, "span %s has an edge at %d, inside token [%d,%d)", s, edge, t.Start, t.End)
				}
			}
		}
		if t.POS == "" || len(p.schema.POS.Tags) > 0 && !p.schema.POS.Has(t.POS) {
			return refuse(e, ErrPOS, "token [%d,%d): POS tag %q is not in tagset %q", t.Start, t.End, t.POS, p.schema.POS.Name)
		}
		for i := t.Start; i < t.End; i++ {
			covered[i-e.Start] = true
		}
		prev = t.End
		t.Text, t.Edited = "", false
		after[k] = t
	}
	for i, r := range runes {
		if !covered[i] && !unicode.IsSpace(r) {
			return refuse(e, ErrToken, "character %q at %d is in no token", r, e.Start+i)
		}
	}
	i := sort.Search(len(d.Tokens), func(i int) bool { return d.Tokens[i].Start >= e.Start })
	j := sort.Search(len(d.Tokens), func(j int) bool { return d.Tokens[j].Start >= e.End })
	for _, t := range d.Tokens[i:j] {
		if t.Edited {
			return refuse(e, ErrToken, "token [%d,%d) %q was edited by the annotator: re-segmentation keeps it", t.Start, t.End, t.Text)
		}
	}
	before := slices.Clone(d.Tokens[i:j])
	for k := range before {
		before[k].Text = ""
	}
	if slices.EqualFunc(before, after, func(a, b text.Token) bool {
		return a.Start == b.Start && a.End == b.End && a.POS == b.POS && a.Edited == b.Edited
	}) {
		return nil
	}
	return p.do(Change{Tokens: &TokensChange{Start: e.Start, End: e.End, Before: before, After: after}})
}

// SetStatus sets the document's status.
type SetStatus struct{ Status Status }

func (e SetStatus) Describe() string { return fmt.Sprintf("set status %s", e.Status) }

func (e SetStatus) plan(p *planner) error {
	if !e.Status.Valid() {
		return refuse(e, ErrStatus, "status %q is not one of new, in progress, done", e.Status)
	}
	return p.do(Change{Status: &StatusChange{Before: p.doc.Status, After: e.Status}})
}

// SetLabels sets the document-level labels: non-empty, no surrounding
// spaces, each once.
type SetLabels struct{ Labels []string }

func (e SetLabels) Describe() string { return fmt.Sprintf("set document labels %q", e.Labels) }

func (e SetLabels) plan(p *planner) error {
	seen := map[string]bool{}
	for _, l := range e.Labels {
		if l == "" || strings.TrimSpace(l) != l || seen[l] {
			return refuse(e, ErrDocLabel, "document label %q is empty, has surrounding spaces or appears twice", l)
		}
		seen[l] = true
	}
	return p.do(Change{Labels: &LabelsChange{Before: slices.Clone(p.doc.Labels), After: slices.Clone(e.Labels)}})
}

// Batch is several edits that apply, and undo, as one step ("label all
// occurrences"). If one is refused, none is made.
type Batch struct {
	Name  string
	Edits []Edit
}

func (e Batch) Describe() string {
	if e.Name != "" {
		return e.Name
	}
	return fmt.Sprintf("%d edits", len(e.Edits))
}

func (e Batch) plan(p *planner) error {
	for _, sub := range e.Edits {
		if err := sub.plan(p); err != nil {
			return err
		}
	}
	return nil
}
