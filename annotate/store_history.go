// Edits in the file: Apply, Undo, Redo and Discard commit a document's
// step (its history row, span rows, token blocks, rejections and the
// splits and merges recorded for learning) in one transaction.

package annotate

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// editedDelta is how many more edited tokens a document has after step
// changes was applied (op OpApply, OpRedo) or undone (OpUndo).
func editedDelta(changes []Change, op Op) int {
	n := 0
	for _, c := range changes {
		if c.Tokens != nil {
			n += countEdited(c.Tokens.After) - countEdited(c.Tokens.Before)
		}
	}
	if op == OpUndo {
		return -n
	}
	return n
}

// syncRejection writes a change of the rejected places, undone when undo.
func syncRejection(ctx context.Context, tx *sql.Tx, docID int64, r *SpanChange, undo bool) error {
	del, ins := r.Before, r.After
	if undo {
		del, ins = ins, del
	}
	if del != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rejections WHERE doc_id = ? AND layer = ? AND label = ? AND start = ? AND "end" = ?`,
			docID, del.Layer, del.Label, del.Start, del.End); err != nil {
			return err
		}
	}
	if ins != nil {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO rejections(doc_id, layer, label, start, "end") VALUES (?, ?, ?, ?, ?)`,
			docID, ins.Layer, ins.Label, ins.Start, ins.End); err != nil {
			return err
		}
	}
	return nil
}

// syncDeclinedRelation writes a change of the declined relation places,
// undone when undo.
func syncDeclinedRelation(ctx context.Context, tx *sql.Tx, docID int64, r *RelationPlaceChange, undo bool) error {
	del, ins := r.Before, r.After
	if undo {
		del, ins = ins, del
	}
	if del != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM declined_relations WHERE doc_id = ? AND layer = ? AND from_layer = ? AND from_label = ?
			AND from_start = ? AND from_end = ? AND to_layer = ? AND to_label = ? AND to_start = ? AND to_end = ?`,
			docID, del.Layer, del.From.Layer, del.From.Label, del.From.Start, del.From.End, del.To.Layer, del.To.Label, del.To.Start, del.To.End); err != nil {
			return err
		}
	}
	if ins != nil {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO declined_relations(doc_id, layer, from_layer, from_label, from_start, from_end,
			to_layer, to_label, to_start, to_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			docID, ins.Layer, ins.From.Layer, ins.From.Label, ins.From.Start, ins.From.End, ins.To.Layer, ins.To.Label, ins.To.Start, ins.To.End); err != nil {
			return err
		}
	}
	return nil
}

// loadDeclinedRelations reads the declined relation places of document
// id, in Document.DeclinedRelations order.
func loadDeclinedRelations(ctx context.Context, q *sql.Conn, id int64) ([]RelationPlace, error) {
	return queryAll(ctx, q, func(r *sql.Rows) (p RelationPlace, err error) {
		return p, r.Scan(&p.Layer, &p.From.Layer, &p.From.Label, &p.From.Start, &p.From.End, &p.To.Layer, &p.To.Label, &p.To.Start, &p.To.End)
	}, `SELECT layer, from_layer, from_label, from_start, from_end, to_layer, to_label, to_start, to_end FROM declined_relations WHERE doc_id = ?
		ORDER BY layer, from_start, from_end, from_layer, from_label, to_start, to_end, to_layer, to_label`, id)
}

func upsertSpan(ctx context.Context, tx *sql.Tx, docID int64, doc *Document, s Span) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO spans(id, doc_id, layer, label, start, "end", text, note, origin, annotator, extra)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET layer=excluded.layer, label=excluded.label, start=excluded.start, "end"=excluded."end",
		text=excluded.text, note=excluded.note, origin=excluded.origin, annotator=excluded.annotator, extra=excluded.extra
		WHERE doc_id = excluded.doc_id`,
		s.ID, docID, s.Layer, s.Label, s.Start, s.End, doc.Slice(s.Start, s.End), s.Note, string(s.Origin), s.Annotator, s.Extra)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("span %d belongs to another document", s.ID)
	}
	return nil
}

func upsertRelation(ctx context.Context, tx *sql.Tx, docID int64, r Relation) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO relations(id, doc_id, layer, type, from_span, to_span, note, origin, annotator)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET layer=excluded.layer, type=excluded.type, from_span=excluded.from_span,
		to_span=excluded.to_span, note=excluded.note, origin=excluded.origin, annotator=excluded.annotator
		WHERE doc_id = excluded.doc_id`,
		r.ID, docID, r.Layer, r.Type, r.From, r.To, r.Note, string(r.Origin), r.Annotator)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("relation %d belongs to another document", r.ID)
	}
	return nil
}

// Apply applies edit e to document id and commits it to the file before it
// returns: when it returns nil, the edit is durable.
func (p *Project) Apply(id int64, e Edit) (*Entry, error) {
	return p.withEditor(id, func(ed *Editor) (*Entry, error) { return ed.Apply(e) })
}

// Undo undoes the last step of document id's history and commits that; it
// returns the step, nil when there was none.
func (p *Project) Undo(id int64) (*Entry, error) { return p.withEditor(id, (*Editor).Undo) }

// Redo redoes the last undone step of document id's history.
func (p *Project) Redo(id int64) (*Entry, error) { return p.withEditor(id, (*Editor).Redo) }

// withEditor runs f with document id's editor, the project locked.
func (p *Project) withEditor(id int64, f func(*Editor) (*Entry, error)) (*Entry, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	od, err := p.load(id)
	if err != nil {
		return nil, err
	}
	return f(od.ed)
}

// Discard drops step e from document id's history, in the file too, with
// the steps behind it (see Editor.Discard); it returns how many steps it
// dropped. It is what the user can do about a step refused with a
// *StepError, other than making it fit again.
func (p *Project) Discard(id int64, e *Entry) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return 0, err
	}
	od, err := p.load(id)
	if err != nil {
		return 0, err
	}
	return od.ed.Discard(e)
}

// History returns document id's history (its entries are the project's).
func (p *Project) History(id int64) (*History, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	od, err := p.load(id)
	if err != nil {
		return nil, err
	}
	return od.ed.History, nil
}

// commit writes what step e changed in od's document (already changed in
// memory) to the file, in one transaction.
func (p *Project) commit(od *openDoc, op Op, e *Entry) error {
	if op == OpDiscard {
		return p.discard(od, e)
	}
	now := time.Now().UTC()
	blocks := slices.Clone(od.blocks)
	before, after := p.schema, od.ed.Schema
	ctx := context.Background()
	err := p.write(func(tx *sql.Tx) error {
		return writeStep(ctx, tx, before, after, func() error { return p.commitIn(ctx, tx, od, op, e, &blocks, now) })
	})
	if err != nil {
		return fmt.Errorf("annotate: %s: save %q: %w", p.path, e.Name, err)
	}
	od.blocks = blocks
	od.ed.Doc.Updated = now
	e.amended = false
	if after != before {
		p.adoptSchema(after)
	}
	return nil
}

// writeStep writes, in tx, a step that takes the schema from before to
// after: first the layers and labels the step adds (with those it removes
// still there), so that its spans can use them; then the documents
// (write); then the schema as the step leaves it, once no span uses what
// it removes.
func writeStep(ctx context.Context, tx *sql.Tx, before, after *Schema, write func() error) error {
	changed := after != before && !schemaEqual(after, before)
	if changed {
		if err := writeSchema(ctx, tx, unionSchema(after, before)); err != nil {
			return err
		}
	}
	if err := write(); err != nil {
		return err
	}
	if changed {
		return writeSchema(ctx, tx, after)
	}
	return nil
}

// discard drops step e of od's history from the file with the steps behind
// it (see Editor.Discard).
func (p *Project) discard(od *openDoc, e *Entry) error {
	undone := slices.ContainsFunc(od.ed.history().Undone, e.Same)
	d := od.ed.Doc.ID
	err := p.write(func(tx *sql.Tx) error {
		ctx := context.Background()
		if undone {
			// The steps to redo after e: the later ones.
			if _, err := tx.ExecContext(ctx, "DELETE FROM segmentation_edits WHERE history_id IN (SELECT id FROM history WHERE doc_id = ? AND undone = 1 AND id >= ?)", d, e.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "DELETE FROM history WHERE doc_id = ? AND undone = 1 AND id >= ?", d, e.ID)
			return err
		}
		// e and the older steps; their splits and merges stay in effect
		// (the document keeps them), for the segmenter to learn from.
		_, err := tx.ExecContext(ctx, "DELETE FROM history WHERE doc_id = ? AND undone = 0 AND id <= ?", d, e.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("annotate: %s: discard %q: %w", p.path, e.Name, err)
	}
	return nil
}

// commitIn writes, in tx, what step e changed in od's document; blocks
// is od's token block list, updated to match (the caller keeps it once tx
// commits).
func (p *Project) commitIn(ctx context.Context, tx *sql.Tx, od *openDoc, op Op, e *Entry, blocks *[]int, now time.Time) error {
	d := od.ed.Doc
	spans := map[int64]bool{}
	rels := map[int64]bool{}
	var ranges [][2]int // token ranges changed
	for _, c := range e.Changes {
		switch {
		case c.Tokens != nil:
			ranges = append(ranges, [2]int{c.Tokens.Start, c.Tokens.End})
		case c.Span != nil:
			if sc := c.Span; sc.Before != nil {
				spans[sc.Before.ID] = true
			} else if sc.After != nil {
				spans[sc.After.ID] = true
			}
		case c.Relation != nil:
			for _, r := range []*Relation{c.Relation.Before, c.Relation.After} {
				if r != nil {
					rels[r.ID] = true
				}
			}
		}
	}
	// Each token block a step touched is written once, from the
	// tokens as they are now.
	for _, r := range blockRanges(*blocks, ranges) {
		if err := p.syncTokens(ctx, tx, d, blocks, r[0], r[1]); err != nil {
			return err
		}
	}
	for _, c := range e.Changes {
		if r := c.Rejected; r != nil {
			if err := syncRejection(ctx, tx, d.ID, r, op == OpUndo); err != nil {
				return err
			}
		}
		if r := c.DeclinedRelation; r != nil {
			if err := syncDeclinedRelation(ctx, tx, d.ID, r, op == OpUndo); err != nil {
				return err
			}
		}
	}
	// Relations that go first (their spans may go too), then the spans,
	// then the relations that are (their spans may have just come).
	for id := range rels {
		if _, ok := d.Relation(id); !ok {
			if _, err := tx.ExecContext(ctx, "DELETE FROM relations WHERE id = ? AND doc_id = ?", id, d.ID); err != nil {
				return err
			}
		}
	}
	for id := range spans {
		if s, ok := d.Span(id); ok {
			if err := upsertSpan(ctx, tx, d.ID, d, s); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, "DELETE FROM spans WHERE id = ?", id); err != nil {
			return err
		}
	}
	for id := range rels {
		if r, ok := d.Relation(id); ok {
			if err := upsertRelation(ctx, tx, d.ID, r); err != nil {
				return err
			}
		}
	}
	labels, _ := json.Marshal(nonNil(d.Labels))
	if _, err := tx.ExecContext(ctx, "UPDATE documents SET status=?, labels=?, tokens=?, spans=?, suggested=?, edited=edited+?, updated=? WHERE id=?",
		string(d.Status), string(labels), len(d.Tokens), len(d.Spans), countSuggested(d.Spans), editedDelta(e.Changes, op), timeText(now), d.ID); err != nil {
		return err
	}
	switch op {
	case OpApply:
		// A new step drops the steps that could have been redone.
		if _, err := tx.ExecContext(ctx, "DELETE FROM segmentation_edits WHERE history_id IN (SELECT id FROM history WHERE doc_id = ? AND undone = 1)", d.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM history WHERE doc_id = ? AND undone = 1", d.ID); err != nil {
			return err
		}
		changes, err := json.Marshal(e.Changes)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO history(doc_id, name, changes, created) VALUES (?, ?, ?, ?)", d.ID, e.Name, string(changes), timeText(e.Time))
		if err != nil {
			return err
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM history WHERE doc_id = ?1 AND id <= (SELECT id FROM history WHERE doc_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
			d.ID, od.ed.History.limit()); err != nil {
			return err
		}
		for _, c := range e.Changes {
			if err := recordSegmentation(ctx, tx, d, e, c.Tokens, now); err != nil {
				return err
			}
		}
	case OpUndo, OpRedo:
		undone := op == OpUndo
		if _, err := tx.ExecContext(ctx, "UPDATE history SET undone = ? WHERE id = ?", undone, e.ID); err != nil {
			return err
		}
		if e.amended {
			changes, err := json.Marshal(e.Changes)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE history SET changes = ? WHERE id = ?", string(changes), e.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE segmentation_edits SET undone = ? WHERE history_id = ?", undone, e.ID); err != nil {
			return err
		}
	}
	return nil
}

// spanEdgeAt reports whether step e adds a span, or moves one, so that it
// starts or ends at code point at: a split there in the same step was made
// for the span (labelling 冬春 in 冬春季), not to correct the segmentation.
func spanEdgeAt(e *Entry, at int) bool {
	for _, c := range e.Changes {
		if c.Span == nil || c.Span.After == nil {
			continue
		}
		a, b := c.Span.After, c.Span.Before
		if (a.Start == at || a.End == at) && (b == nil || b.Start != a.Start || b.End != a.End) {
			return true
		}
	}
	return false
}

// recordSegmentation records a split or merge for the segmenter to learn
// from.
func recordSegmentation(ctx context.Context, tx *sql.Tx, d *Document, e *Entry, t *TokensChange, now time.Time) error {
	if t == nil || !slices.ContainsFunc(t.After, func(t text.Token) bool { return t.Edited }) {
		return nil // a re-segmentation: it teaches nothing
	}
	if len(t.Before) == len(t.After) {
		same := true
		for k := range t.Before {
			same = same && t.Before[k].Start == t.After[k].Start && t.Before[k].End == t.After[k].End
		}
		if same {
			return nil // a POS change
		}
	}
	kind := "resegment"
	switch {
	case len(t.Before) == 1 && len(t.After) == 2 && spanEdgeAt(e, t.After[0].End):
		kind = SegLabel // only a side effect of labelling part of the token
	case len(t.Before) == 1 && len(t.After) == 2:
		kind = SegSplit
	case len(t.Before) > 1 && len(t.After) == 1:
		kind = SegMerge
	}
	words := func(ts []text.Token) string {
		ws := make([]string, len(ts))
		for k, tok := range ts {
			ws[k] = d.Slice(tok.Start, tok.End)
		}
		js, _ := json.Marshal(ws)
		return string(js)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO segmentation_edits(doc_id, history_id, kind, start, "end", before, after, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, e.ID, kind, t.Start, t.End, words(t.Before), words(t.After), timeText(now))
	return err
}

// blockRanges turns the token ranges a step changed into the code point
// ranges of the token blocks they touch, each block once, the ranges in
// order and apart.
func blockRanges(blocks []int, ranges [][2]int) [][2]int {
	if len(ranges) == 0 {
		return nil
	}
	const end = int(^uint(0) >> 1)
	if len(blocks) == 0 {
		return [][2]int{{0, end}}
	}
	type span struct{ k0, k1 int }
	spans := make([]span, len(ranges))
	for i, r := range ranges {
		k0 := max(sort.SearchInts(blocks, r[0]+1)-1, 0)
		k1 := max(sort.SearchInts(blocks, r[1])-1, k0)
		spans[i] = span{k0, k1}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].k0 < spans[j].k0 })
	var out [][2]int
	cur := spans[0]
	flush := func() {
		hi := end
		if cur.k1+1 < len(blocks) {
			hi = blocks[cur.k1+1]
		}
		out = append(out, [2]int{blocks[cur.k0], hi})
	}
	for _, s := range spans[1:] {
		if s.k0 <= cur.k1 {
			cur.k1 = max(cur.k1, s.k1)
			continue
		}
		flush()
		cur = s
	}
	flush()
	return out
}

// syncTokens rewrites the token blocks of d that cover [start, end) from
// the tokens in memory, and updates blocks to match.
func (p *Project) syncTokens(ctx context.Context, tx *sql.Tx, d *Document, blocks *[]int, start, end int) error {
	bs := *blocks
	k0 := sort.SearchInts(bs, start+1) - 1 // last block starting at or before start
	k0 = max(k0, 0)
	k1 := sort.SearchInts(bs, end) - 1 // last block starting before end
	k1 = max(k1, k0)
	lo, hi := 0, int(^uint(0)>>1)
	if len(bs) > 0 {
		lo = min(bs[k0], start)
	}
	if k1+1 < len(bs) {
		hi = bs[k1+1]
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM token_blocks WHERE doc_id = ? AND start >= ? AND start < ?", d.ID, lo, hi); err != nil {
		return err
	}
	i := sort.Search(len(d.Tokens), func(i int) bool { return d.Tokens[i].Start >= lo })
	j := sort.Search(len(d.Tokens), func(j int) bool { return d.Tokens[j].Start >= hi })
	toks := d.Tokens[i:j]
	size := len(toks)
	if size > 2*tokenBlockSize {
		size = tokenBlockSize
	}
	var starts []int
	var buf []byte
	for k := 0; k < len(toks); k += max(size, 1) {
		blk := toks[k:min(k+size, len(toks))]
		buf = encodeTokens(buf[:0], blk)
		if _, err := tx.ExecContext(ctx, "INSERT INTO token_blocks(doc_id, start, count, data) VALUES (?, ?, ?, ?)", d.ID, blk[0].Start, len(blk), buf); err != nil {
			return err
		}
		starts = append(starts, blk[0].Start)
	}
	if len(bs) == 0 {
		*blocks = starts
	} else {
		*blocks = slices.Replace(bs, k0, k1+1, starts...)
	}
	return nil
}
