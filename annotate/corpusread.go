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
// file: name, status, clean text, tokens and spans (not the raw text,
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
