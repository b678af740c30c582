package text

import (
	"context"
	"errors"
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
