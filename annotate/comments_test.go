package annotate

import (
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// commentsSchema is the default schema with a token-tag layer xpos, as a
// CoNLL-U treebank's import makes it.
func commentsSchema() *Schema {
	s := DefaultSchema()
	s.Layers = append(s.Layers, Layer{Name: "xpos", Overlap: OverlapAllowed, Labels: []Label{{Name: "NN", Color: "#888888"}, {Name: "PU", Color: "#888888"}}})
	return s
}

// commentsDoc is a document of three sentences whose first two carry
// comments, and an xpos span over each token.
func commentsDoc() *Document {
	d := etDoc()
	d.ID, d.Spans = 0, nil
	for _, t := range d.Tokens {
		d.Spans = append(d.Spans, Span{Layer: "xpos", Label: "NN", Start: t.Start, End: t.End})
	}
	d.Comments = map[int][]string{
		d.Sentences[0].Start: {"# sent_id = test-s1", "# text = 焦作市位于河南省西北部。"},
		d.Sentences[2].Start: {"# sent_id = test-s3", "# newpar", "# translit = tā shuō"},
	}
	return d
}

// TestSentenceComments: a document's sentence comments are stored and
// read back; removing or relabelling the span over a sentence's first
// token leaves them as they are.
func TestSentenceComments(t *testing.T) {
	p, path := newTestProject(t, Options{})
	if err := p.SetSchema(commentsSchema()); err != nil {
		t.Fatal(err)
	}
	d := commentsDoc()
	want := d.Comments
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	first := func(doc *Document, start int) Span {
		for _, s := range doc.Spans {
			if s.Start == start {
				return s
			}
		}
		t.Fatalf("no span at %d", start)
		return Span{}
	}
	got, err := p.Document(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(d.ID, RemoveSpan{ID: first(got, got.Sentences[0].Start).ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(d.ID, RelabelSpan{ID: first(got, got.Sentences[2].Start).ID, Label: "PU"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		p, err := Open(path, Options{ReadOnly: ro})
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Document(d.ID)
		p.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Comments, want) {
			t.Errorf("read-only %v: Comments = %v, want %v", ro, got.Comments, want)
		}
	}
}

func TestSentenceCommentsRefused(t *testing.T) {
	for _, c := range []struct {
		name     string
		comments func(d *Document) map[int][]string
		want     string
	}{
		{"not a sentence start", func(d *Document) map[int][]string { return map[int][]string{d.Sentences[0].Start + 1: {"# x"}} },
			`document "et.txt": comments at 1: no sentence starts there`},
		{"not a comment", func(d *Document) map[int][]string { return map[int][]string{0: {"# a", "1\t焦作市"}} },
			`comments of the sentence at 0: "1\t焦作市" is not a comment line`},
		{"two lines", func(d *Document) map[int][]string { return map[int][]string{0: {"# a\n# b"}} },
			`comments of the sentence at 0: "# a\n# b" is not a comment line`},
		{"carriage return", func(d *Document) map[int][]string { return map[int][]string{0: {"# a\rb"}} },
			`comments of the sentence at 0: "# a\rb" is not a comment line`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, _ := newTestProject(t, Options{})
			d := etDoc()
			d.ID = 0
			d.Comments = c.comments(d)
			err := p.AddDocument(d)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("AddDocument() = %v, want an error with %q", err, c.want)
			}
			if docs, err := p.Documents(); err != nil || len(docs) != 0 {
				t.Errorf("documents after the refusal: %d (%v), want none", len(docs), err)
			}
		})
	}
}

// undoFormat7 takes a project file of format 7 back to format 6 (tests
// that make older files run it first).
const undoFormat7 = "ALTER TABLE texts DROP COLUMN comments; "

// undoFormat8 takes a project file of format 8 back to format 7.
const undoFormat8 = "DROP TABLE declined_relations; "

// TestOpenMigratesVersion6: a file of format 6 kept a treebank sentence's
// comments in its first word's Extra; format 7 gives them to the sentence
// (read-only too, in memory), the spans' Extra left as they were.
func TestOpenMigratesVersion6(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	if err := p.SetSchema(commentsSchema()); err != nil {
		t.Fatal(err)
	}
	d := commentsDoc()
	want := d.Comments
	d.Comments = nil
	// As format 6's import made them: the comments, then a multiword
	// token's line, then the word's own; the second word of the
	// multiword token (a span over the same token) has its line alone.
	extra := map[int]string{}
	for i, s := range d.Spans {
		line := "1\t" + d.Slice(s.Start, s.End) + "\t_\t_\tNN\t_\t0\troot\t_\t_"
		if c := want[s.Start]; c != nil {
			line = strings.Join(c, "\n") + "\n1-2\t" + d.Slice(s.Start, s.End) + "\t_\t_\t_\t_\t_\t_\t_\t_\n" + line
		}
		d.Spans[i].Extra = line
		extra[s.Start] = line
	}
	s2 := d.Spans[0]
	s2.Label, s2.Extra = "PU", "2\tx\t_\t_\tPU\t_\t1\tdep\t_\t_"
	d.Spans = append(d.Spans, s2)
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	if _, err := p.conn.ExecContext(t.Context(), undoFormat8+undoFormat7+"PRAGMA user_version=6"); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// Read-only first: migrated in memory, the file left at format 6.
	for _, ro := range []bool{true, false} {
		p, err := Open(path, Options{ReadOnly: ro})
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Document(d.ID)
		if err != nil {
			p.Close()
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Comments, want) {
			t.Errorf("read-only %v: Comments after migration = %v, want %v", ro, got.Comments, want)
		}
		for _, s := range got.Spans {
			if s.Label == "NN" && s.Extra != extra[s.Start] {
				t.Errorf("read-only %v: span %s: Extra %q, want it as it was, %q", ro, s, s.Extra, extra[s.Start])
			}
		}
		backups := p.Backups()
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if ro {
			continue
		}
		old := ""
		for _, b := range backups {
			if strings.Contains(filepath.Base(b), "-format6-") {
				old = b
			}
		}
		if old == "" {
			t.Fatalf("backups %v: none of format 6 made before migrating", backups)
		}
		db, err := sql.Open("sqlite", old)
		if err != nil {
			t.Fatal(err)
		}
		var version int
		if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != 6 {
			t.Errorf("user_version of %s = %d (%v), want 6", old, version, err)
		}
		db.Close()
	}
}
