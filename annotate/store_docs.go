// Documents in the file: listing them, adding them (AddDocuments, the
// Adder) with their texts, sentences and token blocks, and loading one,
// with the documents kept in memory.

package annotate

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
	"weak"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// Documents lists the project's documents in ID order, without loading
// their texts or layers.
func (p *Project) Documents() ([]DocumentSummary, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (d DocumentSummary, err error) {
		var labels, created, updated string
		if err := r.Scan(&d.ID, &d.Name, &d.Source, &d.Status, &labels, &d.Chars, &d.Tokens, &d.Spans, &d.Suggested, &d.Tagged, &d.Damage, &created, &updated, &d.TokensFrom); err != nil {
			return d, err
		}
		if labels != "[]" {
			_ = json.Unmarshal([]byte(labels), &d.Labels)
		}
		d.Created, d.Updated = parseTime(created), parseTime(updated)
		return d, nil
	}, "SELECT id, name, source, status, labels, chars, tokens, spans, suggested, edited, damage, created, updated, tokens_from FROM documents ORDER BY id")
	return out, p.wrapErr(err, "list the documents")
}

// FindByHash returns the document whose source file had this content hash.
func (p *Project) FindByHash(hash string) (DocumentSummary, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return DocumentSummary{}, false, err
	}
	var d DocumentSummary
	err := p.conn.QueryRowContext(context.Background(), "SELECT id, name, source FROM documents WHERE hash = ? ORDER BY id LIMIT 1", hash).Scan(&d.ID, &d.Name, &d.Source)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, p.classify(err, "look up a content hash")
	}
	return d, true, nil
}

func damageCount(r text.Report) int {
	n := 0
	for _, m := range r.Marks {
		if m.Kind == text.MarkDamage {
			n++
		}
	}
	return n
}

// countSuggested counts the suggestions among spans.
func countSuggested(spans []Span) int {
	n := 0
	for i := range spans {
		if spans[i].Origin == OriginSuggested {
			n++
		}
	}
	return n
}

func countEdited(toks []text.Token) int {
	n := 0
	for i := range toks {
		if toks[i].Edited {
			n++
		}
	}
	return n
}

// AddDocument stores doc (as Process made it, possibly with spans from an
// imported file) as a new document and sets doc.ID, its times and its
// spans' IDs. Its spans are validated against the schema first.
func (p *Project) AddDocument(doc *Document) error { return p.AddDocuments([]*Document{doc}, nil) }

// AddDocuments stores docs as new documents in one transaction: all of
// them, or (on any error) none. When schema is not nil it replaces the
// project's schema in the same transaction, first, so that the documents'
// spans may use labels it adds (an import that extends the schema). Each
// document's spans are validated against the schema; an error names the
// document. On success every doc has its ID, times and span IDs set.
//
// A document segmented for storing (SegmentForStore) has its token layer
// written from the compact form, a block at a time, and its Tokens stay
// nil: Document(id) loads it, tokens and all, from the file (AddDocuments
// keeps no document open).
func (p *Project) AddDocuments(docs []*Document, schema *Schema) error {
	return p.AddDocumentsContext(context.Background(), docs, schema)
}

// AddDocumentsContext is AddDocuments, storing nothing and returning
// ctx's error (wrapped) when ctx is done before the commit. It is
// AddDocumentsFrom handed docs; on failure they are as they were (but
// for a Status left empty, which reads as new).
func (p *Project) AddDocumentsContext(ctx context.Context, docs []*Document, schema *Schema) error {
	if schema != nil {
		if err := schema.Validate(); err != nil {
			return err
		}
	}
	spans := make([][]Span, len(docs))
	for i, doc := range docs {
		spans[i] = doc.Spans
	}
	err := p.AddDocumentsFrom(ctx, func(a *Adder) error {
		if schema != nil {
			if err := a.SetSchema(schema); err != nil {
				return err
			}
		}
		for _, doc := range docs {
			if err := a.Add(doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for i, doc := range docs {
			doc.ID, doc.Spans, doc.Created, doc.Updated = 0, spans[i], time.Time{}, time.Time{}
		}
	}
	return err
}

// Adder stores documents in the transaction AddDocumentsFrom opened for
// them. Its methods are for the function AddDocumentsFrom calls, on any
// one goroutine at a time; after an error every call returns that error
// again, and the transaction is rolled back.
type Adder struct {
	p       *Project
	ctx     context.Context
	tx      *sql.Tx
	ins     *sql.Stmt // INSERT INTO token_blocks
	insSpan *sql.Stmt // INSERT INTO spans, one row
	// insSpans are INSERT INTO spans of spanBatch rows, 2·spanBatch…
	// (prepared when first needed): a document's spans go in as few
	// statements as the powers of two their count is made of.
	insSpans map[int]*sql.Stmt
	args     []any  // their arguments, reused
	buf      []byte // token block encoding, reused
	// schema is what spans are validated against: the project's, or the
	// one SetSchema wrote (extended), which the project adopts when the
	// transaction commits.
	schema   *Schema
	extended bool
	next     int64 // the next span ID
	now      time.Time
	n        int   // documents stored
	err      error // the first error: nothing more is stored
	closed   bool  // AddDocumentsFrom returned
}

// AddDocumentsFrom stores the documents produce hands to the Adder as new
// documents, in one transaction: every one of them, or (when produce or
// the Adder fails, or ctx is done before the commit) none, the file left
// as it was. The Adder writes each document (and a schema SetSchema
// gives) into the transaction as it comes, so that produce need hold only
// the document at hand: an import of a million small documents takes
// the memory of one (and SQLite's bounded page cache), not of all.
//
// The project stays usable meanwhile: Schema answers (the schema as
// committed: what SetSchema writes is the project's only at the commit),
// and everything that reads or writes the file (Documents, Document,
// edits, Close…) waits until the transaction ends — it could otherwise see
// documents that are not committed, or write into the import's
// transaction. The lock (p.mu) is held only while the Adder writes, so a
// caller waiting for the import never waits long for the lock itself.
// produce must therefore not call those methods of the project itself
// (they would wait for it); it may call Schema.
//
// Like every write it is refused on a project opened read-only; a full
// disk fails it like any error, nothing stored.
func (p *Project) AddDocumentsFrom(ctx context.Context, produce func(a *Adder) error) (err error) {
	p.mu.Lock()
	a, err := p.beginAdding(ctx)
	p.mu.Unlock()
	if err != nil {
		return err
	}
	returned := false
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		a.closed = true
		a.ins.Close()
		a.insSpan.Close()
		for _, st := range a.insSpans {
			st.Close()
		}
		if err == nil {
			err = a.err // a failure produce went on from
		}
		if err == nil && !returned {
			err = errors.New("annotate: AddDocumentsFrom: produce panicked") // the panic goes on
		}
		if err == nil && ctx.Err() != nil {
			err = fmt.Errorf("annotate: %s: store %d documents: %w", p.path, a.n, ctx.Err())
		}
		if err == nil {
			if err = p.commitTx(ctx, a.tx, true, a.next); err != nil {
				if ctx.Err() != nil {
					err = ctx.Err() // the driver may say "interrupted" instead
				}
				err = fmt.Errorf("annotate: %s: store %d documents: %w", p.path, a.n, err)
			}
		}
		if err != nil {
			a.tx.Rollback()
		}
		// Only where temporary tables live: a failure here changes no data.
		p.conn.ExecContext(context.Background(), "PRAGMA temp_store=DEFAULT")
		if err == nil {
			p.nextSpanID = a.next
			if a.extended {
				p.adoptSchema(a.schema)
			}
		}
		p.adding = nil
		close(p.addingDone)
	}()
	err = produce(a)
	returned = true
	return err
}

// beginAdding opens AddDocumentsFrom's transaction, p.mu held.
func (p *Project) beginAdding(ctx context.Context) (*Adder, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	if p.readOnly {
		return nil, projectErr(p.path, ErrReadOnly, "opened read-only: changes are not saved")
	}
	// The transaction is begun without ctx: database/sql would roll it
	// back on its own goroutine when ctx is done, under a statement of
	// ours. Each statement gets ctx instead (SQLite stops it), and the
	// commit is not made once ctx is done.
	//
	// The spans go in by multi-row statements (writeSpans), each with a
	// statement journal, which SQLite keeps in a temporary file unless
	// temp_store is MEMORY when the transaction begins: two writes to the
	// file per page a statement changes. It holds one statement's pages,
	// emptied when the statement ends; temp_store goes back to the
	// default when the transaction ends.
	if _, err := p.conn.ExecContext(context.Background(), "PRAGMA temp_store=MEMORY"); err != nil {
		return nil, fmt.Errorf("annotate: %s: store documents: %w", p.path, err)
	}
	tx, err := p.conn.BeginTx(context.Background(), nil)
	if err != nil {
		p.conn.ExecContext(context.Background(), "PRAGMA temp_store=DEFAULT")
		return nil, fmt.Errorf("annotate: %s: store documents: %w", p.path, err)
	}
	a := &Adder{p: p, ctx: ctx, tx: tx, schema: p.schema, next: p.nextSpanID, now: time.Now().UTC(), insSpans: map[int]*sql.Stmt{}}
	if a.ins, err = tx.PrepareContext(context.Background(), "INSERT INTO token_blocks(doc_id, start, count, data) VALUES (?, ?, ?, ?)"); err == nil {
		a.insSpan, err = tx.PrepareContext(context.Background(), insertSpans(1))
	}
	if err != nil {
		if a.ins != nil {
			a.ins.Close()
		}
		tx.Rollback()
		p.conn.ExecContext(context.Background(), "PRAGMA temp_store=DEFAULT")
		return nil, fmt.Errorf("annotate: %s: store documents: %w", p.path, err)
	}
	p.adding, p.addingDone = a, make(chan struct{})
	return a, nil
}

// usable returns the error that ended a's work (a failure, or
// AddDocumentsFrom having returned), nil while it may store. Call it
// with p.mu held.
func (a *Adder) usable() error {
	if a.closed {
		return errors.New("annotate: the transaction of AddDocumentsFrom has ended")
	}
	return a.err
}

// fail records err as the Adder's first error and returns it.
func (a *Adder) fail(err error) error {
	a.err = err
	return err
}

// SetSchema writes s (validated) into the transaction as the project's
// schema, replacing the one written last: documents added after it may
// use the labels and layers it adds. The project adopts it when the
// transaction commits.
func (a *Adder) SetSchema(s *Schema) error {
	p := a.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := a.usable(); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return a.fail(err)
	}
	s = s.Clone()
	if err := writeSchema(a.ctx, a.tx, s); err != nil {
		if a.ctx.Err() != nil {
			err = a.ctx.Err()
		}
		return a.fail(fmt.Errorf("annotate: %s: store the schema: %w", p.path, err))
	}
	a.schema, a.extended = s, true
	return nil
}

// Add writes doc (as Process made it, or read from an annotated file) into
// the transaction as a new document, its spans validated against the
// schema (the project's, or the last SetSchema's) as AddSpan edits of an
// empty layer would be; an error names the document. doc gets its ID,
// times and span IDs, which hold once the transaction commits. A
// document segmented for storing (SegmentForStore) has its token layer
// written from the compact form (see AddDocuments).
func (a *Adder) Add(doc *Document) error {
	p := a.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := a.usable(); err != nil {
		return err
	}
	if err := a.ctx.Err(); err != nil {
		return a.fail(fmt.Errorf("annotate: %s: store document %q: %w", p.path, doc.Name, err))
	}
	if doc.Status == "" {
		doc.Status = StatusNew
	}
	if !doc.Status.Valid() {
		return a.fail(fmt.Errorf("annotate: document %q: status %q is not one of new, in progress, done", doc.Name, doc.Status))
	}
	if err := checkComments(doc); err != nil {
		return a.fail(err)
	}
	// Validate the spans as AddSpan edits of an empty layer would be,
	// then the relations as AddRelation edits, their ends mapped from the
	// IDs the spans came with to those they get.
	spans, rels := doc.Spans, doc.Relations
	doc.Spans, doc.Relations = nil, nil
	restore := func() { doc.Spans, doc.Relations = spans, rels }
	next := a.next
	pl := &planner{doc: doc, schema: a.schema, annotator: p.annotator, newID: func() int64 { next++; return next - 1 }}
	named := func(err error) error {
		restore()
		var ee *EditError
		if errors.As(err, &ee) {
			named := *ee
			named.Edit = fmt.Sprintf("document %q: %s", doc.Name, ee.Edit)
			return a.fail(&named)
		}
		return a.fail(err)
	}
	ids := map[int64]int64{} // the span IDs doc came with → the new ones
	for _, s := range spans {
		if s.Origin == "" {
			s.Origin = OriginImported
		}
		given := next
		if err := (AddSpan{Span: s}).plan(pl); err != nil {
			return named(err)
		}
		if s.ID != 0 && len(rels) > 0 {
			if _, dup := ids[s.ID]; dup {
				restore()
				return a.fail(fmt.Errorf("annotate: document %q: two spans carry ID %d, which relations refer to", doc.Name, s.ID))
			}
			ids[s.ID] = given
		}
	}
	// The relations are checked as AddRelation checks them, against the
	// spans by ID and a set of those added: a treebank's hundred thousand
	// arcs take linear time.
	byID := make(map[int64]Span, len(doc.Spans))
	for _, s := range doc.Spans {
		byID[s.ID] = s
	}
	pl.spanOf = func(id int64) (Span, bool) { s, ok := byID[id]; return s, ok }
	type relKey struct {
		layer, typ string
		from, to   int64
	}
	added := make(map[relKey]bool, len(rels))
	for _, r := range rels {
		from, okf := ids[r.From]
		to, okt := ids[r.To]
		if !okf || !okt {
			missing := r.From
			if okf {
				missing = r.To
			}
			restore()
			return a.fail(fmt.Errorf("annotate: document %q: relation %s/%s %d→%d: no span of the document carries ID %d", doc.Name, r.Layer, r.Type, r.From, r.To, missing))
		}
		r.From, r.To = from, to
		if r.Origin == "" {
			r.Origin = OriginImported
		}
		if r.Annotator == "" {
			r.Annotator = p.annotator
		}
		e := AddRelation{Relation: r}
		if err := pl.checkRelation(e, r); err != nil {
			return named(err)
		}
		k := relKey{r.Layer, r.Type, r.From, r.To}
		if added[k] {
			return named(refuse(e, ErrConstraint, "the same relation is there twice"))
		}
		added[k] = true
		r.ID = pl.newID()
		doc.Relations = append(doc.Relations, r) // IDs ascending: in order
	}
	planned, plannedRels := doc.Spans, doc.Relations
	restore()
	id, err := a.write(doc, planned, plannedRels)
	if err != nil {
		if a.ctx.Err() != nil {
			err = a.ctx.Err() // the driver may say "interrupted" instead
		}
		return a.fail(fmt.Errorf("annotate: %s: store document %q: %w", p.path, doc.Name, err))
	}
	a.next = next
	a.n++
	doc.ID, doc.Spans, doc.Relations = id, planned, plannedRels
	doc.Created, doc.Updated = a.now, a.now
	return nil
}

// write inserts doc, with its validated spans, and returns its ID.
func (a *Adder) write(doc *Document, spans []Span, rels []Relation) (int64, error) {
	ctx, tx := a.ctx, a.tx
	labels, _ := json.Marshal(nonNil(doc.Labels))
	res, err := tx.ExecContext(ctx, `INSERT INTO documents(name, source, hash, status, labels, chars, tokens, spans, suggested, edited, damage, created, updated, tokens_from)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		doc.Name, doc.Source, doc.Hash, string(doc.Status), string(labels), doc.Chars(), doc.tokenCount(), len(spans), countSuggested(spans),
		countEdited(doc.Tokens), damageCount(doc.Report), timeText(a.now), timeText(a.now), doc.TokensFrom)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	rawMap, _ := json.Marshal(doc.RawMap)
	report, _ := json.Marshal(doc.Report)
	// The driver copies each text it binds (and SQLite makes a row of
	// both): a raw text that is the clean one (nothing was cleaned, or an
	// imported text) is bound once, the clean text's parameter standing
	// for both columns.
	insText, raw := "INSERT INTO texts(doc_id, raw, text, raw_map, report, sentences, comments) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", doc.Raw
	if raw == doc.Text {
		insText, raw = "INSERT INTO texts(doc_id, raw, text, raw_map, report, sentences, comments) VALUES (?1, ?3, ?3, ?4, ?5, ?6, ?7)", ""
	}
	// Those copies and the row are SQLite's, taken outside Go's heap.
	freeBefore(2 * (len(raw) + len(doc.Text)))
	comments := ""
	if len(doc.Comments) > 0 {
		js, _ := json.Marshal(doc.Comments)
		comments = string(js)
	}
	if _, err := tx.ExecContext(ctx, insText, id, raw, doc.Text, string(rawMap), string(report), encodeSentences(doc.Sentences), comments); err != nil {
		return 0, err
	}
	if a.buf, err = writeTokenBlocks(ctx, a.ins, id, doc, a.buf); err != nil {
		return 0, err
	}
	if err := a.writeSpans(id, doc, spans); err != nil {
		return 0, err
	}
	for _, r := range rels {
		if err := upsertRelation(ctx, tx, id, r); err != nil {
			return 0, fmt.Errorf("relation %d: %w", r.ID, err)
		}
	}
	for _, r := range doc.Rejected {
		if err := syncRejection(ctx, tx, id, &SpanChange{After: &r}, false); err != nil {
			return 0, fmt.Errorf("rejected suggestion: %w", err)
		}
	}
	for _, r := range doc.DeclinedRelations {
		if err := syncDeclinedRelation(ctx, tx, id, &RelationPlaceChange{After: &r}, false); err != nil {
			return 0, fmt.Errorf("declined relation: %w", err)
		}
	}
	return id, nil
}

// spanBatch is the fewest rows of a multi-row INSERT INTO spans: a
// statement per span costs the driver and SQLite's statement machinery
// more than the row itself (biaozhu merge of 3 × 1,000 documents writes
// 375,000 spans).
const spanBatch = 4

// spanBatchMax is the most rows of one INSERT INTO spans (11 parameters a
// row, far under SQLite's 32,766).
const spanBatchMax = 32

// insertSpans is the INSERT INTO spans of n rows.
func insertSpans(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO spans(id, doc_id, layer, label, start, "end", text, note, origin, annotator, extra) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	return b.String()
}

// writeSpans inserts doc's spans (document id) in statements of
// spanBatchMax, …, 2·spanBatch, spanBatch rows, the rest one by one. A
// statement that fails is undone by SQLite as a whole; its rows are then
// written one by one, so that the error names the span.
func (a *Adder) writeSpans(id int64, doc *Document, spans []Span) error {
	one := func(sp *Span) error {
		if _, err := a.insSpan.ExecContext(a.ctx, sp.ID, id, sp.Layer, sp.Label, sp.Start, sp.End, doc.Slice(sp.Start, sp.End),
			sp.Note, string(sp.Origin), sp.Annotator, sp.Extra); err != nil {
			return fmt.Errorf("span %d: %w", sp.ID, err)
		}
		return nil
	}
	for n := spanBatchMax; len(spans) > 0; {
		if len(spans) < n {
			if n /= 2; n >= spanBatch {
				continue
			}
			for k := range spans {
				if err := one(&spans[k]); err != nil {
					return err
				}
			}
			return nil
		}
		batch := spans[:n]
		spans = spans[n:]
		st, ok := a.insSpans[n]
		if !ok {
			var err error
			if st, err = a.tx.PrepareContext(context.Background(), insertSpans(n)); err != nil {
				return err
			}
			a.insSpans[n] = st
		}
		a.args = a.args[:0]
		for k := range batch {
			sp := &batch[k]
			a.args = append(a.args, sp.ID, id, sp.Layer, sp.Label, sp.Start, sp.End, doc.Slice(sp.Start, sp.End),
				sp.Note, string(sp.Origin), sp.Annotator, sp.Extra)
		}
		if _, err := st.ExecContext(a.ctx, a.args...); err != nil {
			if a.ctx.Err() != nil {
				return err
			}
			for k := range batch {
				if err := one(&batch[k]); err != nil {
					return err
				}
			}
			return err // not a span's own: say what the statement said
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// checkComments checks doc's sentence comments (see Document.Comments):
// each at the start of one of its sentences, each line a comment ("#…")
// without a line break (\n or \r, each of which ends a CoNLL-U line).
func checkComments(doc *Document) error {
	for _, start := range slices.Sorted(maps.Keys(doc.Comments)) {
		if _, ok := slices.BinarySearchFunc(doc.Sentences, start, func(s text.Sentence, at int) int { return s.Start - at }); !ok {
			return fmt.Errorf("annotate: document %q: comments at %d: no sentence starts there", doc.Name, start)
		}
		for _, l := range doc.Comments[start] {
			if !strings.HasPrefix(l, "#") || strings.ContainsAny(l, "\n\r") {
				return fmt.Errorf("annotate: document %q: comments of the sentence at %d: %q is not a comment line (one line starting with #)", doc.Name, start, l)
			}
		}
	}
	return nil
}

func encodeSentences(sents []text.Sentence) []byte {
	return appendSpans(make([]byte, 0, 4*len(sents)), len(sents), func(i int) (int, int) { return sents[i].Start, sents[i].End })
}

func decodeSentences(buf []byte) ([]text.Sentence, error) {
	var out []text.Sentence
	if err := decodeSpans(buf, func(start, end int) { out = append(out, text.Sentence{Start: start, End: end}) }); err != nil {
		return nil, errors.New("bad sentence data")
	}
	return out, nil
}

// appendSpans appends n spans, in order and not overlapping, span(i)
// giving the start and end of the i-th, as two uvarints each: the gap from
// the end of the span before (or 0) to its start, and its length.
func appendSpans(buf []byte, n int, span func(i int) (start, end int)) []byte {
	prev := 0
	for i := range n {
		start, end := span(i)
		buf = binary.AppendUvarint(buf, uint64(start-prev))
		buf = binary.AppendUvarint(buf, uint64(end-start))
		prev = end
	}
	return buf
}

// decodeSpans calls add for each span appendSpans wrote into buf.
func decodeSpans(buf []byte, add func(start, end int)) error {
	prev := 0
	for len(buf) > 0 {
		gap, n := binary.Uvarint(buf)
		if n <= 0 {
			return errors.New("bad span data")
		}
		buf = buf[n:]
		length, n := binary.Uvarint(buf)
		if n <= 0 {
			return errors.New("bad span data")
		}
		buf = buf[n:]
		start := prev + int(gap)
		prev = start + int(length)
		add(start, prev)
	}
	return nil
}

// writeTokenBlocks writes doc's token layer with ins (INSERT INTO
// token_blocks) as blocks of tokenBlockSize tokens, encoded in buf (which
// it returns for reuse): from doc.Tokens, or for a document segmented for
// storing from its compact form, a block at a time, so that its []Token
// never exists.
func writeTokenBlocks(ctx context.Context, ins *sql.Stmt, id int64, doc *Document, buf []byte) ([]byte, error) {
	write := func(blk []text.Token) error {
		buf = encodeTokens(buf[:0], blk)
		_, err := ins.ExecContext(ctx, id, blk[0].Start, len(blk), buf)
		return err
	}
	if doc.Tokens != nil || doc.compact == nil {
		for k := 0; k < len(doc.Tokens); k += tokenBlockSize {
			if err := write(doc.Tokens[k:min(k+tokenBlockSize, len(doc.Tokens))]); err != nil {
				return buf, err
			}
		}
		return buf, nil
	}
	blk := make([]text.Token, 0, tokenBlockSize)
	var err error
	for t := range doc.compact.Each {
		if blk = append(blk, t); len(blk) == tokenBlockSize {
			if err = write(blk); err != nil {
				return buf, err
			}
			blk = blk[:0]
		}
	}
	if len(blk) > 0 {
		err = write(blk)
	}
	return buf, err
}

// tokenCount is how many tokens d has, in Tokens or in its compact form.
func (d *Document) tokenCount() int {
	if d.Tokens == nil && d.compact != nil {
		return d.compact.Len()
	}
	return len(d.Tokens)
}

// encodeTokens appends the token block encoding of toks to buf.
func encodeTokens(buf []byte, toks []text.Token) []byte {
	prev := 0
	if len(toks) > 0 {
		prev = toks[0].Start
	}
	for _, t := range toks {
		buf = binary.AppendUvarint(buf, uint64(t.Start-prev))
		v := uint64(t.End-t.Start) << 1
		if t.Edited {
			v |= 1
		}
		buf = binary.AppendUvarint(buf, v)
		buf = binary.AppendUvarint(buf, uint64(len(t.POS)))
		buf = append(buf, t.POS...)
		prev = t.End
	}
	return buf
}

// decodeTokens appends the tokens of a block starting at start to toks,
// without their Text.
func decodeTokens(toks []text.Token, start int, buf []byte) ([]text.Token, error) {
	prev := start
	bad := errors.New("bad token block")
	for len(buf) > 0 {
		gap, n := binary.Uvarint(buf)
		if n <= 0 {
			return toks, bad
		}
		buf = buf[n:]
		v, n := binary.Uvarint(buf)
		if n <= 0 {
			return toks, bad
		}
		buf = buf[n:]
		pl, n := binary.Uvarint(buf)
		if n <= 0 || uint64(len(buf)-n) < pl {
			return toks, bad
		}
		pos := string(buf[n : n+int(pl)])
		buf = buf[n+int(pl):]
		t := text.Token{Start: prev + int(gap), POS: pos, Edited: v&1 == 1}
		t.End = t.Start + int(v>>1)
		toks = append(toks, t)
		prev = t.End
	}
	return toks, nil
}

// Document loads the document with that ID (text, token layer, spans and
// history) and returns it. The value is the project's own and stays the
// live one while anybody holds it: edits through the project change it, so
// read it on the goroutine that applies them. Documents nobody holds are
// let go beyond the 8 used last.
func (p *Project) Document(id int64) (*Document, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	od, err := p.load(id)
	if err != nil {
		return nil, err
	}
	return od.ed.Doc, nil
}

func (p *Project) load(id int64) (*openDoc, error) {
	if od, ok := p.docs[id]; ok {
		p.touch(id)
		return od, nil
	}
	if wp, ok := p.loaded[id]; ok {
		if od := wp.Value(); od != nil {
			p.keep(id, od)
			return od, nil
		}
		delete(p.loaded, id)
	}
	ctx := context.Background()
	d := &Document{ID: id}
	var status, labels, created, updated, rawMap, report, comments string
	var sents []byte
	err := p.conn.QueryRowContext(ctx, `SELECT d.name, d.source, d.hash, d.status, d.labels, d.created, d.updated, d.tokens_from,
		t.raw, t.text, t.raw_map, t.report, t.sentences, t.comments FROM documents d JOIN texts t ON t.doc_id = d.id WHERE d.id = ?`, id).
		Scan(&d.Name, &d.Source, &d.Hash, &status, &labels, &created, &updated, &d.TokensFrom, &d.Raw, &d.Text, &rawMap, &report, &sents, &comments)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, projectErr(p.path, ErrNoDocument, "no document %d", id)
	}
	if err != nil {
		return nil, p.classify(err, fmt.Sprintf("load document %d", id))
	}
	d.Status = Status(status)
	d.Created, d.Updated = parseTime(created), parseTime(updated)
	bad := func(what string, err error) error {
		return projectErr(p.path, ErrDamaged, "document %d: damaged %s: %v", id, what, err)
	}
	if err := json.Unmarshal([]byte(labels), &d.Labels); err != nil {
		return nil, bad("labels", err)
	}
	if len(d.Labels) == 0 {
		d.Labels = nil
	}
	if err := json.Unmarshal([]byte(rawMap), &d.RawMap); err != nil {
		return nil, bad("offset map", err)
	}
	if err := json.Unmarshal([]byte(report), &d.Report); err != nil {
		return nil, bad("report", err)
	}
	if d.Sentences, err = decodeSentences(sents); err != nil {
		return nil, bad("sentences", err)
	}
	if comments != "" {
		if err := json.Unmarshal([]byte(comments), &d.Comments); err != nil {
			return nil, bad("sentence comments", err)
		}
	}
	od := &openDoc{}
	rows, err := p.conn.QueryContext(ctx, "SELECT start, count, data FROM token_blocks WHERE doc_id = ? ORDER BY start", id)
	if err != nil {
		return nil, p.classify(err, "load tokens")
	}
	for rows.Next() {
		var start, count int
		var data []byte
		if err := rows.Scan(&start, &count, &data); err != nil {
			rows.Close()
			return nil, p.classify(err, "load tokens")
		}
		od.blocks = append(od.blocks, start)
		if d.Tokens, err = decodeTokens(d.Tokens, start, data); err != nil {
			rows.Close()
			return nil, bad("token block", err)
		}
	}
	rows.Close()
	w := runeWalker{s: d.Text}
	n := d.Chars()
	for i := range d.Tokens {
		t := &d.Tokens[i]
		if t.Start < 0 || t.End > n || t.Start >= t.End || (i > 0 && t.Start < d.Tokens[i-1].End) {
			return nil, bad("token layer", fmt.Errorf("token %d [%d,%d) is outside the text or out of order", i, t.Start, t.End))
		}
		b := w.seek(t.Start)
		t.Text = d.Text[b:w.seek(t.End)]
	}
	d.Spans, err = queryAll(ctx, p.conn, func(r *sql.Rows) (s Span, err error) {
		return s, r.Scan(&s.ID, &s.Layer, &s.Label, &s.Start, &s.End, &s.Note, &s.Origin, &s.Annotator, &s.Extra)
	}, `SELECT id, layer, label, start, "end", note, origin, annotator, extra FROM spans WHERE doc_id = ? ORDER BY start, "end", id`, id)
	if err != nil {
		return nil, p.classify(err, "load spans")
	}
	d.Relations, err = queryAll(ctx, p.conn, func(r *sql.Rows) (x Relation, err error) {
		return x, r.Scan(&x.ID, &x.Layer, &x.Type, &x.From, &x.To, &x.Note, &x.Origin, &x.Annotator)
	}, `SELECT id, layer, type, from_span, to_span, note, origin, annotator FROM relations WHERE doc_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, p.classify(err, "load relations")
	}
	if len(d.Relations) == 0 {
		d.Relations = nil
	}
	d.Rejected, err = queryAll(ctx, p.conn, func(r *sql.Rows) (s Span, err error) {
		return s, r.Scan(&s.Layer, &s.Label, &s.Start, &s.End)
	}, `SELECT layer, label, start, "end" FROM rejections WHERE doc_id = ? ORDER BY start, "end", layer, label`, id)
	if err != nil {
		return nil, p.classify(err, "load rejected suggestions")
	}
	if d.DeclinedRelations, err = loadDeclinedRelations(ctx, p.conn, id); err != nil {
		return nil, p.classify(err, "load declined relations")
	}
	h := &History{Limit: p.historyMax}
	rows, err = p.conn.QueryContext(ctx, "SELECT id, name, changes, undone, created FROM history WHERE doc_id = ? ORDER BY id", id)
	if err != nil {
		return nil, p.classify(err, "load history")
	}
	for rows.Next() {
		e := &Entry{}
		var changes, created string
		var undone bool
		if err := rows.Scan(&e.ID, &e.Name, &changes, &undone, &created); err != nil {
			rows.Close()
			return nil, p.classify(err, "load history")
		}
		// A step damaged in the file does not keep the document from
		// opening: undoing or redoing it is refused (a *StepError), and
		// it can be discarded.
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
			e.Changes, e.damaged = nil, fmt.Errorf("%w: the step is damaged in the file: %v", ErrDamaged, err)
		}
		for _, c := range e.Changes {
			if err := c.valid(); err != nil {
				e.Changes, e.damaged = nil, fmt.Errorf("%w: the step is damaged in the file: %v", ErrDamaged, err)
				break
			}
		}
		e.Time = parseTime(created)
		if undone {
			h.Undone = append(h.Undone, e)
		} else {
			h.Done = append(h.Done, e)
		}
	}
	rows.Close()
	slices.Reverse(h.Undone) // the next to redo, the oldest undone, last
	od.ed = &Editor{Doc: d, Schema: p.schema, History: h, Annotator: p.annotator,
		NewSpanID: func() int64 { p.nextSpanID++; return p.nextSpanID - 1 },
		needs:     projectNeeds{p}}
	od.ed.Commit = func(op Op, e *Entry) error { return p.commit(od, op, e) }
	d.owner, h.owner = od, od
	if p.loaded == nil {
		p.loaded = map[int64]weak.Pointer[openDoc]{}
	}
	p.loaded[id] = weak.Make(od)
	p.keep(id, od)
	return od, nil
}

// keep makes od one of the documents the project holds, letting go of the
// one used least recently beyond maxOpenDocs.
func (p *Project) keep(id int64, od *openDoc) {
	p.docs[id] = od
	p.touch(id)
	if len(p.lru) > maxOpenDocs {
		delete(p.docs, p.lru[0])
		p.lru = p.lru[1:]
	}
}

func (p *Project) touch(id int64) {
	p.lru = slices.DeleteFunc(p.lru, func(x int64) bool { return x == id })
	p.lru = append(p.lru, id)
}

// live calls f with every document in memory: those the project keeps and
// those a caller still holds.
func (p *Project) live(f func(id int64, od *openDoc)) {
	for id, wp := range p.loaded {
		if od := wp.Value(); od != nil {
			f(id, od)
		}
	}
}

// bigAlloc is the size of an allocation above which freeBefore returns
// the memory the garbage collector has freed to the system first (a
// []Token of a document of some 5 MB, the texts of a 32 MB one): the
// collection this forces costs far less than making what is allocated.
const bigAlloc = 64 << 20

// freeBefore prepares for an allocation of n bytes: when n is at least
// bigAlloc, it collects garbage and gives the freed pages back to the
// system (debug.FreeOSMemory), so that the process does not hold the
// garbage of the work before (segmenting) and the new allocation at once.
// Go's heap reuses its freed pages only for allocations that fit them, and
// memory SQLite takes (the driver's copy of a bound text, the row it
// makes) is not Go's at all.
func freeBefore(n int) {
	if n >= bigAlloc {
		debug.FreeOSMemory()
	}
}

// runeWalker turns increasing code point offsets of s into byte offsets.
type runeWalker struct {
	s          string
	cp, offset int // code point cp starts at byte offset
}

// seek returns the byte offset of code point cp, which must not be before
// the last one sought.
func (w *runeWalker) seek(cp int) int {
	for w.cp < cp && w.offset < len(w.s) {
		_, n := utf8.DecodeRuneInString(w.s[w.offset:])
		w.offset += n
		w.cp++
	}
	return w.offset
}
