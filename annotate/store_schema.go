// The schema in the file: the migrations of older formats, reading and
// writing the label schema (pos_tags, layers, labels, the labels removed),
// and what the project's spans need of it.

package annotate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	sqlite3 "modernc.org/sqlite/lib"
)

// migrations[v] takes a file from format v to v+1.
var migrations = []string{
	0: `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta(key, value) VALUES ('generation', '0');
CREATE TABLE pos_tags(position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL DEFAULT '');
CREATE TABLE layers(name TEXT PRIMARY KEY, overlap TEXT NOT NULL CHECK (overlap IN ('allowed', 'forbidden')),
	description TEXT NOT NULL DEFAULT '', position INTEGER NOT NULL);
CREATE TABLE labels(layer TEXT NOT NULL REFERENCES layers(name) ON UPDATE CASCADE ON DELETE CASCADE,
	name TEXT NOT NULL, color TEXT NOT NULL, key TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
	position INTEGER NOT NULL, PRIMARY KEY (layer, name));
CREATE TABLE documents(id INTEGER PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',
	hash TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in progress', 'done')),
	labels TEXT NOT NULL DEFAULT '[]', chars INTEGER NOT NULL DEFAULT 0, tokens INTEGER NOT NULL DEFAULT 0,
	spans INTEGER NOT NULL DEFAULT 0, edited INTEGER NOT NULL DEFAULT 0, damage INTEGER NOT NULL DEFAULT 0,
	created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX documents_hash ON documents(hash);
CREATE TABLE texts(doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
	raw TEXT NOT NULL, text TEXT NOT NULL, raw_map TEXT NOT NULL, report TEXT NOT NULL, sentences BLOB NOT NULL);
CREATE TABLE token_blocks(doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	start INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc_id, start)) WITHOUT ROWID;
CREATE TABLE spans(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	layer TEXT NOT NULL, label TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '', origin TEXT NOT NULL CHECK (origin IN ('manual', 'suggested', 'imported')),
	annotator TEXT NOT NULL DEFAULT '', CHECK (start >= 0 AND start < "end"),
	FOREIGN KEY (layer, label) REFERENCES labels(layer, name) ON UPDATE CASCADE);
CREATE INDEX spans_doc ON spans(doc_id, start);
CREATE INDEX spans_label ON spans(layer, label);
CREATE TABLE history(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	name TEXT NOT NULL, changes TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
CREATE INDEX history_doc ON history(doc_id, id);
CREATE TABLE segmentation_edits(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	history_id INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('split', 'merge', 'resegment')),
	start INTEGER NOT NULL, "end" INTEGER NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL,
	undone INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
CREATE INDEX segmentation_edits_history ON segmentation_edits(history_id);
CREATE TABLE user_words(word TEXT PRIMARY KEY, pos TEXT NOT NULL DEFAULT '', freq INTEGER NOT NULL DEFAULT 1, added TEXT NOT NULL);
`,
	1: `
ALTER TABLE labels ADD COLUMN pos TEXT NOT NULL DEFAULT '[]';
CREATE TABLE rejections(doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	layer TEXT NOT NULL, label TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
	PRIMARY KEY (doc_id, layer, label, start, "end")) WITHOUT ROWID;
`,
	2: `
ALTER TABLE documents ADD COLUMN tokens_from TEXT NOT NULL DEFAULT '';
`,
	3: `
ALTER TABLE documents ADD COLUMN suggested INTEGER NOT NULL DEFAULT 0;
UPDATE documents SET suggested = (SELECT count(*) FROM spans WHERE spans.doc_id = documents.id AND spans.origin = 'suggested');
CREATE TABLE segmentation_edits_4(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	history_id INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('split', 'merge', 'label', 'resegment')),
	start INTEGER NOT NULL, "end" INTEGER NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL,
	undone INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
INSERT INTO segmentation_edits_4 SELECT id, doc_id, history_id, kind, start, "end", before, after, undone, created FROM segmentation_edits;
DROP TABLE segmentation_edits;
ALTER TABLE segmentation_edits_4 RENAME TO segmentation_edits;
CREATE INDEX segmentation_edits_history ON segmentation_edits(history_id);
`,
	// Relations between spans (issue 16): the relations, the spans' extra
	// (a treebank word's lines), the relation layers in meta
	// (relation_layers, JSON).
	4: `
ALTER TABLE spans ADD COLUMN extra TEXT NOT NULL DEFAULT '';
CREATE TABLE relations(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	layer TEXT NOT NULL, type TEXT NOT NULL, from_span INTEGER NOT NULL REFERENCES spans(id),
	to_span INTEGER NOT NULL REFERENCES spans(id), note TEXT NOT NULL DEFAULT '',
	origin TEXT NOT NULL CHECK (origin IN ('manual', 'suggested', 'imported')), annotator TEXT NOT NULL DEFAULT '',
	CHECK (from_span <> to_span));
CREATE INDEX relations_doc ON relations(doc_id, id);
CREATE INDEX relations_type ON relations(layer, type);
CREATE INDEX relations_from ON relations(from_span);
CREATE INDEX relations_to ON relations(to_span);
`,
	// Gold corpora the segmenter learns from (issue 20).
	5: `
CREATE TABLE gold_corpora(id INTEGER PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
	sentences INTEGER NOT NULL, tokens INTEGER NOT NULL, added TEXT NOT NULL);
CREATE TABLE gold_sentences(corpus_id INTEGER NOT NULL REFERENCES gold_corpora(id) ON DELETE CASCADE,
	position INTEGER NOT NULL, text TEXT NOT NULL, tokens BLOB NOT NULL, PRIMARY KEY (corpus_id, position)) WITHOUT ROWID;
`,
	// Sentence comments (issue 16): a treebank sentence's comments belong
	// to its sentence (texts.comments, JSON of Document.Comments), no
	// longer to its first word's span, where deleting the span dropped
	// them; moveCommentsOut copies those of existing files.
	6: `
ALTER TABLE texts ADD COLUMN comments TEXT NOT NULL DEFAULT '';
`,
	// Relation decisions declined in a curation project (issue 17:
	// DeclineRelations), as rejections keeps a span's place.
	7: `
CREATE TABLE declined_relations(doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	layer TEXT NOT NULL, from_layer TEXT NOT NULL, from_label TEXT NOT NULL, from_start INTEGER NOT NULL, from_end INTEGER NOT NULL,
	to_layer TEXT NOT NULL, to_label TEXT NOT NULL, to_start INTEGER NOT NULL, to_end INTEGER NOT NULL,
	PRIMARY KEY (doc_id, layer, from_layer, from_label, from_start, from_end, to_layer, to_label, to_start, to_end)) WITHOUT ROWID;
`,
}

// migrationSteps[v], when set, is run after migrations[v]: what SQL alone
// cannot do.
var migrationSteps = map[int]func(ctx context.Context, tx *sql.Tx) error{
	6: moveCommentsOut,
}

func init() {
	if len(migrations) != SchemaVersion {
		panic("annotate: migrations and SchemaVersion disagree")
	}
}

// migrate takes the file in tx from format from to SchemaVersion.
func migrate(ctx context.Context, tx *sql.Tx, from int) error {
	for v := from; v < SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate format %d to %d: %w", v, v+1, err)
		}
		if step := migrationSteps[v]; step != nil {
			if err := step(ctx, tx); err != nil {
				return fmt.Errorf("migrate format %d to %d: %w", v, v+1, err)
			}
		}
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version=%d", SchemaVersion))
	return err
}

// Schema returns a copy of the project's schema.
func (p *Project) Schema() *Schema {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.schema.Clone()
}

func (p *Project) readSchema(ctx context.Context) (*Schema, error) {
	s := &Schema{}
	var tagset string
	if err := p.conn.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'pos_tagset'").Scan(&tagset); err == nil {
		if err := json.Unmarshal([]byte(tagset), &s.POS); err != nil {
			return nil, err
		}
	}
	var err error
	s.POS.Tags, err = queryAll(ctx, p.conn, func(r *sql.Rows) (t Tag, err error) {
		return t, r.Scan(&t.Name, &t.Description)
	}, "SELECT name, description FROM pos_tags ORDER BY position")
	if err != nil {
		return nil, err
	}
	s.Layers, err = queryAll(ctx, p.conn, func(r *sql.Rows) (l Layer, err error) {
		return l, r.Scan(&l.Name, &l.Overlap, &l.Description)
	}, "SELECT name, overlap, description FROM layers ORDER BY position")
	if err != nil {
		return nil, err
	}
	for i := range s.Layers {
		s.Layers[i].Labels, err = queryAll(ctx, p.conn, func(r *sql.Rows) (l Label, err error) {
			var pos string
			if err := r.Scan(&l.Name, &l.Color, &l.Key, &l.Description, &pos); err != nil {
				return l, err
			}
			if err := json.Unmarshal([]byte(pos), &l.POS); err != nil {
				return l, fmt.Errorf("label %s/%s: damaged POS list: %v", s.Layers[i].Name, l.Name, err)
			}
			if len(l.POS) == 0 {
				l.POS = nil
			}
			return l, nil
		}, "SELECT name, color, key, description, pos FROM labels WHERE layer = ? ORDER BY position", s.Layers[i].Name)
		if err != nil {
			return nil, err
		}
	}
	var rels string
	err = p.conn.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", relationLayersKey).Scan(&rels)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal([]byte(rels), &s.Relations); err != nil {
			return nil, fmt.Errorf("damaged relation layers: %v", err)
		}
	}
	return s, nil
}

// relationLayersKey is the meta key under which a project keeps its
// relation layers (JSON of []RelationLayer).
const relationLayersKey = "relation_layers"

// writeRelationLayers replaces the relation layers in the file. A type
// that relations use must stay.
func writeRelationLayers(ctx context.Context, tx *sql.Tx, s *Schema) error {
	rows, err := tx.QueryContext(ctx, "SELECT layer, type, count(*) FROM relations GROUP BY layer, type ORDER BY layer, type")
	if err != nil {
		return err
	}
	var used []struct {
		layer, typ string
		n          int
	}
	for rows.Next() {
		var u struct {
			layer, typ string
			n          int
		}
		if err := rows.Scan(&u.layer, &u.typ, &u.n); err != nil {
			rows.Close()
			return err
		}
		used = append(used, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range used {
		l, ok := s.RelationLayer(u.layer)
		if ok {
			_, ok = l.Type(u.typ)
		}
		if !ok {
			return &SchemaConflictError{fmt.Sprintf("annotate: schema: relation type %s/%s is used by %d relations; remove them first", u.layer, u.typ, u.n)}
		}
	}
	if len(s.Relations) == 0 {
		_, err := tx.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", relationLayersKey)
		return err
	}
	js, err := json.Marshal(s.Relations)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", relationLayersKey, string(js))
	return err
}

// removedKey is the meta key under which a project keeps the layers and
// labels removed from its schema, as they were last (JSON of a Schema):
// a step of a document's history that brings back a span of one of them
// brings it back too (see Editor.needed).
const removedKey = "removed_labels"

// readRemoved reads the layers and labels removed from the schema.
func readRemoved(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (*Schema, error) {
	var js string
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", removedKey).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return &Schema{}, nil
	}
	if err != nil {
		return nil, err
	}
	s := &Schema{}
	if err := json.Unmarshal([]byte(js), s); err != nil {
		return nil, err
	}
	return s, nil
}

// rememberRemoved adds the labels gone (layer, name), as the file has
// them, and their layers, to the removed layers and labels.
func rememberRemoved(ctx context.Context, tx *sql.Tx, gone [][2]string) error {
	if len(gone) == 0 {
		return nil
	}
	removed, err := readRemoved(ctx, tx)
	if err != nil {
		removed = &Schema{} // damaged: start again
	}
	for _, g := range gone {
		var l Layer
		var lb Label
		var pos string
		if err := tx.QueryRowContext(ctx, `SELECT l.overlap, l.description, b.color, b.key, b.description, b.pos
			FROM labels b JOIN layers l ON l.name = b.layer WHERE b.layer = ? AND b.name = ?`, g[0], g[1]).
			Scan(&l.Overlap, &l.Description, &lb.Color, &lb.Key, &lb.Description, &pos); err != nil {
			return err
		}
		lb.Name = g[1]
		_ = json.Unmarshal([]byte(pos), &lb.POS)
		if len(lb.POS) == 0 {
			lb.POS = nil
		}
		rl, ok := removed.Layer(g[0])
		if !ok {
			removed.Layers = append(removed.Layers, Layer{Name: g[0]})
			rl = &removed.Layers[len(removed.Layers)-1]
		}
		rl.Overlap, rl.Description = l.Overlap, l.Description
		rl.Labels = slices.DeleteFunc(rl.Labels, func(x Label) bool { return x.Name == lb.Name })
		rl.Labels = append(rl.Labels, lb)
	}
	js, err := json.Marshal(removed)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", removedKey, string(js))
	return err
}

// SchemaConflictError is a schema the project's spans do not fit: a label
// or layer they use removed, overlaps forbidden where they overlap.
type SchemaConflictError struct{ msg string }

func (e *SchemaConflictError) Error() string { return e.msg }

// stepMisfit reports whether err, from writing a step, says that the step
// does not fit what the file holds (a constraint of the file, or the
// schema, refused it), rather than that the file could not be written.
func stepMisfit(err error) bool {
	var sc *SchemaConflictError
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT || errors.As(err, &sc)
}

// writeSchema replaces the schema in the file. Layers and labels that
// spans use must stay (the foreign keys refuse their removal).
func writeSchema(ctx context.Context, tx *sql.Tx, s *Schema) error {
	head := s.POS
	head.Tags = nil
	js, _ := json.Marshal(head)
	stmts := []struct {
		q    string
		args []any
	}{
		{"INSERT INTO meta(key, value) VALUES ('pos_tagset', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", []any{string(js)}},
		{"DELETE FROM pos_tags", nil},
	}
	for i, t := range s.POS.Tags {
		stmts = append(stmts, struct {
			q    string
			args []any
		}{"INSERT INTO pos_tags(position, name, description) VALUES (?, ?, ?)", []any{i, t.Name, t.Description}})
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	// A layer that comes to forbid overlaps must not hold overlapping
	// spans (one that forbade them already holds none).
	for _, l := range s.Layers {
		if l.Overlap != OverlapForbidden {
			continue
		}
		var was string
		if err := tx.QueryRowContext(ctx, "SELECT overlap FROM layers WHERE name = ?", l.Name).Scan(&was); err == nil && was == string(OverlapForbidden) {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM spans a JOIN spans b ON a.doc_id = b.doc_id AND a.layer = b.layer
			AND a.id < b.id AND a.start < b."end" AND b.start < a."end" WHERE a.layer = ?`, l.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &SchemaConflictError{fmt.Sprintf("annotate: schema: layer %q holds %d pairs of overlapping spans; it cannot forbid overlaps until they are resolved", l.Name, n)}
		}
	}
	// Upsert what is there, then delete what is gone.
	for i, l := range s.Layers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO layers(name, overlap, description, position) VALUES (?, ?, ?, ?)
			ON CONFLICT(name) DO UPDATE SET overlap=excluded.overlap, description=excluded.description, position=excluded.position`,
			l.Name, string(l.Overlap), l.Description, i); err != nil {
			return err
		}
		for j, lb := range l.Labels {
			pos, _ := json.Marshal(nonNil(lb.POS))
			if _, err := tx.ExecContext(ctx, `INSERT INTO labels(layer, name, color, key, description, position, pos) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(layer, name) DO UPDATE SET color=excluded.color, key=excluded.key, description=excluded.description,
				position=excluded.position, pos=excluded.pos`,
				l.Name, lb.Name, lb.Color, lb.Key, lb.Description, j, string(pos)); err != nil {
				return err
			}
		}
	}
	rows, err := tx.QueryContext(ctx, "SELECT layer, name FROM labels")
	if err != nil {
		return err
	}
	var gone [][2]string
	for rows.Next() {
		var layer, name string
		if err := rows.Scan(&layer, &name); err != nil {
			rows.Close()
			return err
		}
		if l, ok := s.Layer(layer); !ok {
			gone = append(gone, [2]string{layer, name})
		} else if _, ok := l.Label(name); !ok {
			gone = append(gone, [2]string{layer, name})
		}
	}
	rows.Close()
	for _, g := range gone {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM spans WHERE layer = ? AND label = ?", g[0], g[1]).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &SchemaConflictError{fmt.Sprintf("annotate: schema: label %s/%s is used by %d spans; remove them first", g[0], g[1], n)}
		}
	}
	if err := rememberRemoved(ctx, tx, gone); err != nil {
		return err
	}
	for _, g := range gone {
		if _, err := tx.ExecContext(ctx, "DELETE FROM labels WHERE layer = ? AND name = ?", g[0], g[1]); err != nil {
			return err
		}
	}
	names := s.LayerNames()
	rows, err = tx.QueryContext(ctx, "SELECT name FROM layers")
	if err != nil {
		return err
	}
	var goneLayers []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		if !slices.Contains(names, name) {
			goneLayers = append(goneLayers, name)
		}
	}
	rows.Close()
	for _, name := range goneLayers {
		if _, err := tx.ExecContext(ctx, "DELETE FROM layers WHERE name = ?", name); err != nil {
			return err
		}
	}
	return writeRelationLayers(ctx, tx, s)
}

// SetSchema replaces the project's schema. A label or layer that spans
// still use cannot be removed: the error says how many spans use it.
func (p *Project) SetSchema(s *Schema) error {
	if err := s.Validate(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	s = s.Clone()
	if err := p.write(func(tx *sql.Tx) error { return writeSchema(context.Background(), tx, s) }); err != nil {
		return err
	}
	p.adoptSchema(s)
	return nil
}

// projectNeeds is what the spans of a project need of its schema (see
// schemaNeeds): the documents in memory are asked (a step may have changed
// them before it is written), the file for the others. When the file
// cannot say, the answer is yes, which keeps what is asked about.
type projectNeeds struct{ p *Project }

func (n projectNeeds) inUse(layer, label string) bool {
	return n.ask(func(d *Document) bool { return docUses(d, layer, label) }, "doc_id",
		"SELECT 1 FROM spans WHERE layer = ? AND (? = '' OR label = ?)", layer, label, label)
}

func (n projectNeeds) relationInUse(layer, typ string) bool {
	return n.ask(func(d *Document) bool { return docNeeds{d}.relationInUse(layer, typ) }, "doc_id",
		"SELECT 1 FROM relations WHERE layer = ? AND (? = '' OR type = ?)", layer, typ, typ)
}

func (n projectNeeds) overlap(layer string) bool {
	return n.ask(func(d *Document) bool { return docNeeds{d}.overlap(layer) }, "a.doc_id",
		`SELECT 1 FROM spans a JOIN spans b ON a.doc_id = b.doc_id AND a.layer = b.layer
			AND a.id < b.id AND a.start < b."end" AND b.start < a."end" WHERE a.layer = ?`, layer)
}

// recall finds a layer and label in the schema as the file has it (a step
// in memory may have removed it), else among those removed from it (see
// rememberRemoved); the layer as it is, where there is one. A label that
// left no record (removed by a Biaozhu older than the record) comes back
// by its name, grey, saying so in its description, on its layer as it is
// or on a new one that allows overlaps: the spans come back whole, and
// only the label's look is lost.
func (n projectNeeds) recall(layer, label string) (Layer, bool) {
	if def, ok := recallIn(n.p.schema, layer, label); ok {
		return def, true
	}
	removed, err := readRemoved(context.Background(), n.p.conn)
	if err != nil {
		removed = &Schema{}
	}
	def, ok := recallIn(removed, layer, label)
	if !ok {
		def = Layer{Name: layer, Overlap: OverlapAllowed,
			Labels: []Label{{Name: label, Color: unrecordedColor, Description: unrecordedLabel}}}
	}
	if l, has := n.p.schema.Layer(layer); has {
		def.Overlap, def.Description = l.Overlap, l.Description
	}
	return def, true
}

// unrecordedColor and unrecordedLabel are the colour and description of a
// label that undo or redo brings back with no record of how it looked.
const (
	unrecordedColor = "#888888"
	unrecordedLabel = "brought back by undo or redo; its colour and key were not recorded"
)

// ask asks the documents in memory (mem), then the others in the file:
// query is a SELECT of spans to which ask adds a condition on column col
// that leaves out the documents in memory.
func (n projectNeeds) ask(mem func(*Document) bool, col, query string, args ...any) bool {
	p := n.p
	found := false
	var ids []string
	p.live(func(id int64, od *openDoc) {
		found = found || mem(od.ed.Doc)
		ids = append(ids, strconv.FormatInt(id, 10))
	})
	if found {
		return true
	}
	if len(ids) > 0 {
		query += " AND " + col + " NOT IN (" + strings.Join(ids, ", ") + ")"
	}
	var n1 int
	if err := p.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM ("+query+" LIMIT 1)", args...).Scan(&n1); err != nil {
		return true
	}
	return n1 > 0
}

// adoptSchema makes s the project's schema, in every editor too, once the
// file holds it.
func (p *Project) adoptSchema(s *Schema) {
	p.schema = s
	p.live(func(_ int64, od *openDoc) { od.ed.Schema = s })
}

// LabelUse is how many spans use a label, and in which documents.
type LabelUse struct {
	Spans int
	Docs  []int64
}

// LabelUses counts the spans of every layer and label in use, keyed
// "layer/label" — what deleting a label from the schema would remove.
func (p *Project) LabelUses() (map[string]LabelUse, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	type row struct {
		key string
		doc int64
		n   int
	}
	rows, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (row, error) {
		var x row
		return x, r.Scan(&x.key, &x.doc, &x.n)
	}, "SELECT layer || '/' || label, doc_id, count(*) FROM spans GROUP BY layer, label, doc_id ORDER BY doc_id")
	if err != nil {
		return nil, p.classify(err, "count label uses")
	}
	out := map[string]LabelUse{}
	for _, x := range rows {
		u := out[x.key]
		u.Spans += x.n
		u.Docs = append(u.Docs, x.doc)
		out[x.key] = u
	}
	return out, nil
}

// moveCommentsOut gives the sentences of a file of format 6 the comments
// its treebank words carry (format 6 kept a CoNLL-U sentence's comments
// in its first word's Extra, before the word's line; that word's span
// starts where the sentence does): into texts.comments, by the sentence's
// start. The spans keep their Extra as it is, so that the history's
// records of them still match them (the conllu writer reads a sentence's
// comments from the sentence).
func moveCommentsOut(ctx context.Context, tx *sql.Tx) error {
	type found struct {
		doc   int64
		start int
		lines []string
	}
	rows, err := tx.QueryContext(ctx, `SELECT doc_id, start, extra FROM spans WHERE layer IN ('xpos', 'upos') AND extra LIKE '#%' ORDER BY doc_id, start, id`)
	if err != nil {
		return err
	}
	var all []found
	for rows.Next() {
		var f found
		var extra string
		if err := rows.Scan(&f.doc, &f.start, &extra); err != nil {
			rows.Close()
			return err
		}
		for l := range strings.SplitSeq(extra, "\n") {
			if !strings.HasPrefix(l, "#") {
				break
			}
			f.lines = append(f.lines, l)
		}
		all = append(all, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for len(all) > 0 {
		doc := all[0].doc
		comments := map[int][]string{}
		for len(all) > 0 && all[0].doc == doc {
			if _, ok := comments[all[0].start]; !ok { // a multiword token's first word, not its second
				comments[all[0].start] = all[0].lines
			}
			all = all[1:]
		}
		js, err := json.Marshal(comments)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE texts SET comments = ? WHERE doc_id = ?", string(js), doc); err != nil {
			return err
		}
	}
	return nil
}
