package annotate

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// tokenRows is what the project file holds of a document's token layer:
// its token blocks (start, count, data) and the documents row's counts.
type tokenRows struct {
	Blocks                [][3]any
	Chars, Tokens, Edited int
}

func readTokenRows(t *testing.T, p *Project, id int64) tokenRows {
	t.Helper()
	var r tokenRows
	ctx := context.Background()
	if err := p.conn.QueryRowContext(ctx, "SELECT chars, tokens, edited FROM documents WHERE id = ?", id).Scan(&r.Chars, &r.Tokens, &r.Edited); err != nil {
		t.Fatal(err)
	}
	rows, err := p.conn.QueryContext(ctx, "SELECT start, count, data FROM token_blocks WHERE doc_id = ? ORDER BY start", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var start, count int
		var data []byte
		if err := rows.Scan(&start, &count, &data); err != nil {
			t.Fatal(err)
		}
		r.Blocks = append(r.Blocks, [3]any{start, count, data})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSegmentForStoreMatches: a document segmented for storing
// (SegmentForStore, the format importer's path: its tokens stay compact
// and the store encodes them from there) is stored with the same token
// blocks, byte for byte, and the same counts as the same document with the
// []Token of the code before the compact form (segmentReference, which
// SegmentSentences gives: annotate/text's TestSegmentForStoreMatches); a
// later Project.Document gives those tokens. Sentences are the text's
// own, and also every 7 characters, so that tokens cross boundaries and
// are cut.
func TestSegmentForStoreMatches(t *testing.T) {
	seg := segmenterForTest(t)
	p, _ := newTestProject(t, Options{})
	for _, tc := range testkit.CompactTexts() {
		for _, mode := range []string{"sentences", "every 7 characters"} {
			t.Run(tc.Name+"/"+mode, func(t *testing.T) {
				src := testkit.CompactText(t, tc.Name, tc.Text)
				sents := text.Sentences(src)
				if mode != "sentences" {
					sents = testkit.EveryN(src, 7, func(s, e int) text.Sentence { return text.Sentence{Start: s, End: e} })
				}
				want := text.SegmentSentences(seg, src, sents) // segmentReference's tokens
				old := &Document{Name: "old", Raw: src, Text: src, Sentences: sents, Tokens: want}
				cmp := &Document{Name: "compact", Raw: src, Text: src, Sentences: slices.Clone(sents)}
				if err := SegmentForStore(context.Background(), seg, cmp); err != nil {
					t.Fatal(err)
				}
				if cmp.Tokens != nil || cmp.tokenCount() != len(want) {
					t.Fatalf("segmented for storing: %d Tokens, %d counted; want none and %d counted", len(cmp.Tokens), cmp.tokenCount(), len(want))
				}
				if err := p.AddDocuments([]*Document{old, cmp}, nil); err != nil {
					t.Fatal(err)
				}
				if got, want := readTokenRows(t, p, cmp.ID), readTokenRows(t, p, old.ID); !reflect.DeepEqual(got, want) {
					t.Errorf("stored token layer differs: %d blocks, %d tokens, %d edited; want %d blocks, %d tokens, %d edited (first different block %d)",
						len(got.Blocks), got.Tokens, got.Edited, len(want.Blocks), want.Tokens, want.Edited, testkit.FirstDiff(got.Blocks, want.Blocks))
				}
				loaded, err := p.Document(cmp.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(loaded.Tokens, want) {
					t.Errorf("Document(%d) after storing: %d tokens, differing at %d; want %d", cmp.ID, len(loaded.Tokens), testkit.FirstDiff(loaded.Tokens, want), len(want))
				}
				if loaded.Raw != src || loaded.Text != src {
					t.Errorf("Document(%d) after storing: raw text of %d bytes, text of %d; want both %d", cmp.ID, len(loaded.Raw), len(loaded.Text), len(src))
				}
			})
		}
	}
}

// TestImportTokensMatch: the text importer (Project.Import, whose
// documents keep their tokens compact until stored) stores the token
// blocks and counts, byte for byte, that storing Process's document (with
// its []Token, which are segmentReference's: annotate/text's
// TestImportTokensMatch) stores, reports that many tokens, and
// Project.Document then gives Process's tokens.
func TestImportTokensMatch(t *testing.T) {
	seg := segmenterForTest(t)
	dir := t.TempDir()
	for i, tc := range testkit.CompactTexts() {
		t.Run(tc.Name, func(t *testing.T) {
			src := testkit.CompactText(t, tc.Name, tc.Text)
			path := filepath.Join(dir, strings.Repeat("x", i+1)+".txt")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			p, _ := newTestProject(t, Options{})
			sum, err := p.Import(context.Background(), seg, []string{path}, ImportOptions{})
			if err != nil || sum.Imported != 1 {
				t.Fatalf("Import: %v, %+v", err, sum.Results)
			}
			res, err := text.Process(path, []byte(src), seg, text.DefaultCleanOptions())
			if err != nil {
				t.Fatal(err)
			}
			ref := NewDocument(res)
			if err := p.AddDocument(ref); err != nil {
				t.Fatal(err)
			}
			id := sum.Results[0].DocID
			if got, want := readTokenRows(t, p, id), readTokenRows(t, p, ref.ID); !reflect.DeepEqual(got, want) {
				t.Errorf("stored token layer differs: %d blocks, %d tokens; want %d blocks, %d tokens (first different block %d)",
					len(got.Blocks), got.Tokens, len(want.Blocks), want.Tokens, testkit.FirstDiff(got.Blocks, want.Blocks))
			}
			if sum.Tokens != len(ref.Tokens) {
				t.Errorf("import reports %d tokens, want %d", sum.Tokens, len(ref.Tokens))
			}
			loaded, err := p.Document(id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(loaded.Tokens, ref.Tokens) {
				t.Errorf("Document(%d) after the import: %d tokens, differing at %d; want %d", id, len(loaded.Tokens), testkit.FirstDiff(loaded.Tokens, ref.Tokens), len(ref.Tokens))
			}
			if tc.Name == "cleaned" && ref.Raw == ref.Text {
				t.Errorf("cleaning left the text as it was: the raw text is not stored apart")
			}
			if loaded.Raw != ref.Raw || loaded.Text != ref.Text {
				t.Errorf("Document(%d) after the import: raw text %.40q, text %.40q; want %.40q, %.40q", id, loaded.Raw, loaded.Text, ref.Raw, ref.Text)
			}
		})
	}
}
