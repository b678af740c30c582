package annotate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportInterrupted: an import cancelled once its first file is stored
// drops the big file being processed and returns ctx's error; the project
// holds the first file alone, and AddDocumentsContext with a cancelled
// context stores nothing.
func TestImportInterrupted(t *testing.T) {
	seg := segmenterForTest(t)
	dir := t.TempDir()
	small, big := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	if err := os.WriteFile(small, []byte(cancelText), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, []byte(strings.Repeat("他說：「今天天氣很好，我們出去走走吧。」\n", 1)+strings.Repeat("一二三四五六七八九十百千萬", 200_000)), 0o644); err != nil {
		t.Fatal(err)
	}
	p, _ := newTestProject(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sum, err := p.Import(ctx, seg, []string{small, big}, ImportOptions{Progress: func(ImportResult) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Import: error %v, want context.Canceled", err)
	}
	if len(sum.Results) != 1 || sum.Imported != 1 || sum.Results[0].Path != small {
		t.Errorf("summary %+v, want a.txt imported alone", sum)
	}
	docs, err := p.Documents()
	if err != nil || len(docs) != 1 || docs[0].Name != "a.txt" {
		t.Errorf("documents %+v (%v), want a.txt alone", docs, err)
	}

	d := &Document{Name: "c.txt", Text: "一句。", Raw: "一句。", Spans: []Span{{Layer: "entity", Label: "PER", Start: 0, End: 1}}}
	if err := p.AddDocumentsContext(ctx, []*Document{d}, nil); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "c.txt") {
		t.Errorf("AddDocumentsContext cancelled: %v, want context.Canceled naming c.txt", err)
	}
	if docs, _ := p.Documents(); len(docs) != 1 {
		t.Errorf("%d documents after a cancelled AddDocumentsContext, want 1", len(docs))
	}
	if err := p.AddDocumentsContext(context.Background(), []*Document{d}, nil); err != nil {
		t.Errorf("AddDocumentsContext after the cancelled one: %v", err)
	}
}

// cancelText is a text of lines, lists, dialogue and a table, for the
// pipeline steps to run over.
const cancelText = "第一章　開始\n\n「你好嗎？」他問。\n「很好！」她說，然後走了……\n" +
	"一、蘋果；二、香蕉；三、橘子。\n| 名稱 | 數量 |\n| 蘋果 | 3 |\n免責聲明：本文僅供參考。\n"
