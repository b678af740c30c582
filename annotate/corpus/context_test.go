package corpus_test

import (
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
)

// TestIndexContext: a stretch of a document as a KWIC line, as Hits makes
// them: contexts cut at the document's edges, code points (not bytes),
// line breaks shown as spaces; an unknown document is not found.
func TestIndexContext(t *testing.T) {
	ix := corpus.NewIndex([]*annotate.Document{{ID: 3, Name: "对话.txt", Text: "甲：你好𠀀！\n乙：好。"}})
	for _, c := range []struct {
		name                           string
		start, end, width              int
		wantLeft, wantMatch, wantRight string
	}{
		{"middle", 2, 4, 2, "甲：", "你好", "𠀀！"},
		{"line break in the context", 5, 6, 3, "你好𠀀", "！", " 乙："},
		{"at the start", 0, 1, 5, "", "甲", "：你好𠀀！"},
		{"at the end", 9, 11, 4, "！ 乙：", "好。", ""},
		{"no context", 2, 4, 0, "", "你好", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, ok := ix.Context(3, c.start, c.end, c.width)
			if !ok {
				t.Fatal("Context() found no document 3")
			}
			if h.Left != c.wantLeft || h.Match != c.wantMatch || h.Right != c.wantRight || h.DocName != "对话.txt" || h.Doc != 3 || h.Start != c.start || h.End != c.end {
				t.Errorf("Context(3, %d, %d, %d) = %+v, want left %q, match %q, right %q in 对话.txt", c.start, c.end, c.width, h, c.wantLeft, c.wantMatch, c.wantRight)
			}
		})
	}
	if h, ok := ix.Context(4, 0, 1, 2); ok {
		t.Errorf("Context() of a document not indexed = %+v, true; want false", h)
	}
}
