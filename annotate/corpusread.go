package annotate

// What the corpus tools (package corpus) read of a project file: the
// documents without what only the workspace needs, and the spans' texts
// counted, each in one pass over the file's tables.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AnnotatedText reads what the corpus index needs of document id from the
// file: name, status, clean text, tokens, spans, relations (without their
// notes and annotators) and rejected places (not the raw text,
// offset map, report, sentences or history that Document also loads, which
// cost more than the rest). The Document returned is a copy, not the
// project's live one, and has only those fields set.
func (p *Project) AnnotatedText(ctx context.Context, id int64) (*Document, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	d := &Document{ID: id}
	var status string
	err := p.conn.QueryRowContext(ctx, `SELECT d.name, d.status, t.text FROM documents d JOIN texts t ON t.doc_id = d.id WHERE d.id = ?`, id).
		Scan(&d.Name, &status, &d.Text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, projectErr(p.path, ErrNoDocument, "no document %d", id)
	}
	if err != nil {
		return nil, p.classify(err, fmt.Sprintf("load document %d", id))
	}
	d.Status = Status(status)
	rows, err := p.conn.QueryContext(ctx, "SELECT start, data FROM token_blocks WHERE doc_id = ? ORDER BY start", id)
	if err != nil {
		return nil, p.classify(err, "load tokens")
	}
	defer rows.Close()
	for rows.Next() {
		var start int
		var data []byte
		if err := rows.Scan(&start, &data); err != nil {
			return nil, p.classify(err, "load tokens")
		}
		if d.Tokens, err = decodeTokens(d.Tokens, start, data); err != nil {
			return nil, projectErr(p.path, ErrDamaged, "document %d: damaged token block: %v", id, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, p.classify(err, "load tokens")
	}
	rows.Close()
	d.Spans, err = queryAll(ctx, p.conn, func(r *sql.Rows) (s Span, err error) {
		return s, r.Scan(&s.ID, &s.Layer, &s.Label, &s.Start, &s.End, &s.Origin)
	}, `SELECT id, layer, label, start, "end", origin FROM spans WHERE doc_id = ?`, id)
	if err != nil {
		return nil, p.classify(err, "load spans")
	}
	d.Rejected, err = queryAll(ctx, p.conn, func(r *sql.Rows) (s Span, err error) {
		return s, r.Scan(&s.Layer, &s.Label, &s.Start, &s.End)
	}, `SELECT layer, label, start, "end" FROM rejections WHERE doc_id = ? ORDER BY start, "end", layer, label`, id)
	if err != nil {
		return nil, p.classify(err, "load rejected suggestions")
	}
	if len(p.schema.Relations) == 0 {
		return d, nil // no relation layer, no relation: no query
	}
	if d.DeclinedRelations, err = loadDeclinedRelations(ctx, p.conn, id); err != nil {
		return nil, p.classify(err, "load declined relations")
	}
	d.Relations, err = queryAll(ctx, p.conn, func(r *sql.Rows) (x Relation, err error) {
		return x, r.Scan(&x.ID, &x.Layer, &x.Type, &x.From, &x.To, &x.Origin)
	}, `SELECT id, layer, type, from_span, to_span, origin FROM relations WHERE doc_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, p.classify(err, "load relations")
	}
	if len(d.Relations) == 0 {
		d.Relations = nil
	}
	return d, nil
}

// SpanTextCount is how many spans of one label cover one text.
type SpanTextCount struct {
	Text, Label string
	N           int
}

// RejectedSpanTexts counts the rejected suggestions of layer (the
// rejections table) by their text and label, in no particular order.
func (p *Project) RejectedSpanTexts(layer string) ([]SpanTextCount, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	rows, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (SpanTextCount, error) {
		var x SpanTextCount
		return x, r.Scan(&x.Text, &x.Label, &x.N)
	}, `SELECT substr(t.text, r.start + 1, r."end" - r.start) AS s, r.label, count(*) FROM rejections r JOIN texts t ON t.doc_id = r.doc_id
		WHERE r.layer = ? GROUP BY s, r.label`, layer)
	if err != nil {
		return nil, p.classify(err, "read the rejected suggestions")
	}
	return rows, nil
}

// ConfirmedSpanTexts counts the confirmed spans of layer — those of origin
// manual or imported; suggestions are not confirmed — by their text and
// label, in no particular order. It reads the project file's span table
// (one query), not the documents.
func (p *Project) ConfirmedSpanTexts(layer string) ([]SpanTextCount, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	rows, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (SpanTextCount, error) {
		var x SpanTextCount
		return x, r.Scan(&x.Text, &x.Label, &x.N)
	}, "SELECT text, label, count(*) FROM spans WHERE layer = ? AND origin IN (?, ?) GROUP BY text, label",
		layer, string(OriginManual), string(OriginImported))
	if err != nil {
		return nil, p.classify(err, "read the confirmed spans")
	}
	return rows, nil
}

// RelationQuery says which relations FindRelations finds: each field set
// must match (an empty one matches all): the relation layer and type, and
// the text of the source span (From, a dependency's head) and of the
// target (To, its dependent), exactly; Doc, when not 0, the document.
type RelationQuery struct {
	Layer, Type      string
	FromText, ToText string
	Doc              int64
	// Limit is the most relations found (0: 10,000).
	Limit int
}

// RelationHit is a relation FindRelations found, with its two spans and
// their texts.
type RelationHit struct {
	Doc              int64
	Relation         Relation
	From, To         Span
	FromText, ToText string
}

// FindRelations finds the project's relations that q matches (all
// nsubj arcs whose head is 是: Type "nsubj", FromText "是"), in order of
// document and of their source span's start; more says the limit cut the
// list. It reads the project file's relation and span tables (one query),
// not the documents.
func (p *Project) FindRelations(ctx context.Context, q RelationQuery) (hits []RelationHit, more bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, false, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10_000
	}
	hits, err = queryAll(ctx, p.conn, func(r *sql.Rows) (h RelationHit, err error) {
		x := &h.Relation
		err = r.Scan(&h.Doc, &x.ID, &x.Layer, &x.Type, &x.From, &x.To, &x.Note, &x.Origin, &x.Annotator,
			&h.From.ID, &h.From.Layer, &h.From.Label, &h.From.Start, &h.From.End, &h.FromText,
			&h.To.ID, &h.To.Layer, &h.To.Label, &h.To.Start, &h.To.End, &h.ToText)
		return h, err
	}, `SELECT r.doc_id, r.id, r.layer, r.type, r.from_span, r.to_span, r.note, r.origin, r.annotator,
		f.id, f.layer, f.label, f.start, f."end", f.text, t.id, t.layer, t.label, t.start, t."end", t.text
		FROM relations r JOIN spans f ON f.id = r.from_span JOIN spans t ON t.id = r.to_span
		WHERE (?1 = '' OR r.layer = ?1) AND (?2 = '' OR r.type = ?2) AND (?3 = '' OR f.text = ?3) AND (?4 = '' OR t.text = ?4)
		AND (?6 = 0 OR r.doc_id = ?6)
		ORDER BY r.doc_id, f.start, r.id LIMIT ?5`, q.Layer, q.Type, q.FromText, q.ToText, limit+1, q.Doc)
	if err != nil {
		return nil, false, p.classify(err, "find relations")
	}
	if len(hits) > limit {
		return hits[:limit], true, nil
	}
	return hits, false, nil
}

// DocumentHash is a document's ID and the TextHash of its clean text.
type DocumentHash struct {
	ID   int64
	Name string
	Hash string
}

// TextHashes lists every document's TextHash, in ID order, reading the
// texts one at a time (one query), without loading the documents. It is
// how project files are matched document by document (assign, agree,
// merge): by the clean text, never by name or ID.
func (p *Project) TextHashes(ctx context.Context) ([]DocumentHash, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(ctx, p.conn, func(r *sql.Rows) (h DocumentHash, err error) {
		var t string
		if err := r.Scan(&h.ID, &h.Name, &t); err != nil {
			return h, err
		}
		h.Hash = HashText(t)
		return h, nil
	}, `SELECT d.id, d.name, t.text FROM documents d JOIN texts t ON t.doc_id = d.id ORDER BY d.id`)
	return out, p.wrapErr(err, "hash the texts")
}
