package annotate

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestTextHashMatchesAcrossFiles: the same text, imported into two project
// files from files of other names, encodings and line breaks, has two
// different import hashes (Document.Hash: the file's bytes) and one
// TextHash, which TextHashes lists without loading the documents.
func TestTextHashMatchesAcrossFiles(t *testing.T) {
	seg := segmenterForTest(t)
	const txt = "甲：你今天去哪儿了？\n乙：去了图书馆，借了三本书。\n"
	dir := t.TempDir()
	gb, err := simplifiedchinese.GB18030.NewEncoder().String("甲：你今天去哪儿了？\r\n乙：去了图书馆，借了三本书。\r\n")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"a/对话.txt": txt, "b/renamed-by-mail.txt": gb}
	var hashes, textHashes []string
	var cleanText string
	for _, name := range []string{"a/对话.txt", "b/renamed-by-mail.txt"} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(files[name]), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := Create(filepath.Join(dir, filepath.Dir(name)+".biaozhu"), nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Import(context.Background(), seg, []string{path}, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		list, err := p.TextHashes(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("%s: TextHashes lists %d documents, want 1", name, len(list))
		}
		d, err := p.Document(list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.TextHash(); got != list[0].Hash {
			t.Errorf("%s: Document.TextHash() = %s, TextHashes says %s", name, got, list[0].Hash)
		}
		hashes, textHashes = append(hashes, d.Hash), append(textHashes, list[0].Hash)
		cleanText = d.Text
		p.Close()
	}
	if hashes[0] == hashes[1] {
		t.Errorf("import hashes of different file bytes are equal (%s): the test does not test", hashes[0])
	}
	if textHashes[0] != textHashes[1] {
		t.Errorf("TextHash %s ≠ %s for the same clean text", textHashes[0], textHashes[1])
	}
	if want := fmt.Sprintf("%x", sha256.Sum256([]byte(cleanText))); textHashes[0] != want {
		t.Errorf("TextHash %s is not the SHA-256 of the clean text %q (%s)", textHashes[0], cleanText, want)
	}
}
