package annotate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// cancelText is a text of lines, lists, dialogue and a table, for the
// pipeline steps to run over.
const cancelText = "第一章　開始\n\n「你好嗎？」他問。\n「很好！」她說，然後走了……\n" +
	"一、蘋果；二、香蕉；三、橘子。\n| 名稱 | 數量 |\n| 蘋果 | 3 |\n免責聲明：本文僅供參考。\n"

// TestPipelineContext: the steps that take a context stop with its error
// when it is done, and with a live context give what the steps without one
// give.
func TestPipelineContext(t *testing.T) {
	seg := segmenterForTest(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	opts := DefaultCleanOptions()
	opts.Lexicon = seg
	clean := Clean(cancelText, opts)
	sents := Sentences(clean.Text)
	doc, err := Process("a.txt", []byte(cancelText), seg, DefaultCleanOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		run  func(ctx context.Context) (any, error)
		want any
	}{
		{"CleanContext", func(ctx context.Context) (any, error) { return CleanContext(ctx, cancelText, opts) }, clean},
		{"SegmentSentencesContext", func(ctx context.Context) (any, error) {
			return SegmentSentencesContext(ctx, seg, clean.Text, sents)
		}, SegmentSentences(seg, clean.Text, sents)},
		{"ProcessContext", func(ctx context.Context) (any, error) {
			return ProcessContext(ctx, "a.txt", []byte(cancelText), seg, DefaultCleanOptions())
		}, doc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.run(cancelled); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled: error %v, want context.Canceled", err)
			}
			got, err := tc.run(context.Background())
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("live context: %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
	if got, ok := sentences(cancelled.Done(), strings.Repeat("一句。", 70_000)); ok || got != nil {
		t.Errorf("sentences with a closed done: %d sentences, %v; want none, false", len(got), ok)
	}
}

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
