package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// splitCorpus is n one-sentence documents, every other one done.
func splitCorpus(n int) *Corpus {
	var docs []*annotate.Document
	for i := range n {
		s := fmt.Sprintf("文档%d。", i)
		st := annotate.StatusNew
		if i%2 == 1 {
			st = annotate.StatusDone
		}
		docs = append(docs, &annotate.Document{Name: fmt.Sprintf("d%02d", i), Text: s, Status: st,
			Sentences: []text.Sentence{{Start: 0, End: len([]rune(s))}}})
	}
	return NewCorpus(nil, docs)
}

func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		name  string
		n     int
		split Split
		want  []int // documents per part, in train/dev/test order (parts with ratio 0 left out)
	}{
		{"8/1/1 of 10", 10, Split{Train: 8, Dev: 1, Test: 1}, []int{8, 1, 1}},
		{"8/1/1 of 7", 7, Split{Train: 8, Dev: 1, Test: 1}, []int{5, 1, 1}},
		{"0.8/0.2 of 11", 11, Split{Train: 0.8, Dev: 0.2}, []int{9, 2}},
		{"1/1/1 of 2", 2, Split{Train: 1, Dev: 1, Test: 1}, []int{1, 1, 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			docs, _ := splitCorpus(tt.n).Documents()
			parts := splitDocs(docs, tt.split)
			var got []int
			seen := map[int64]bool{}
			for _, p := range parts {
				got = append(got, len(p.docs))
				for k, d := range p.docs {
					if seen[d.ID] {
						t.Errorf("document %d in two parts", d.ID)
					}
					seen[d.ID] = true
					if k > 0 && p.docs[k-1].ID > d.ID {
						t.Errorf("part %s not in project order: %d before %d", p.name, p.docs[k-1].ID, d.ID)
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("part sizes = %v, want %v", got, tt.want)
			}
			if len(seen) != tt.n {
				t.Errorf("%d documents in the parts, want %d", len(seen), tt.n)
			}
			// The same seed gives the same split; another seed another one.
			again := splitDocs(docs, tt.split)
			for i := range parts {
				if !slices.Equal(ids(parts[i].docs), ids(again[i].docs)) {
					t.Errorf("seed %d: part %s differs between runs", tt.split.Seed, parts[i].name)
				}
			}
		})
	}
	docs, _ := splitCorpus(50).Documents()
	a := splitDocs(docs, Split{Train: 8, Dev: 1, Test: 1, Seed: 1})
	b := splitDocs(docs, Split{Train: 8, Dev: 1, Test: 1, Seed: 2})
	if slices.Equal(ids(a[2].docs), ids(b[2].docs)) {
		t.Errorf("seeds 1 and 2 give the same test part %v", ids(a[2].docs))
	}
}

func ids(docs []annotate.DocumentSummary) []int64 {
	var out []int64
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

// TestExportSplitFiles writes a split through Export: one file per part,
// named OUT.train.EXT and so on, holding every selected document once.
func TestExportSplitFiles(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "data.jsonl")
	res, err := Export(context.Background(), splitCorpus(10), "doccano", out,
		Options{Split: Split{Train: 8, Dev: 1, Test: 1, Seed: 7}, Docs: Selection{Status: annotate.StatusDone}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "data.train.jsonl"), filepath.Join(dir, "data.dev.jsonl"), filepath.Join(dir, "data.test.jsonl")}
	if !slices.Equal(res.Files, want) {
		t.Fatalf("files = %q, want %q", res.Files, want)
	}
	var names []string
	for _, f := range res.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for l := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
			if l != "" {
				names = append(names, l)
			}
		}
	}
	if len(names) != 5 || res.Docs != 5 {
		t.Errorf("%d records (%d documents), want the 5 done documents", len(names), res.Docs)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("directory holds %d entries, want the 3 parts (no temporary files)", len(entries))
	}
}

// TestExportFailureLeavesNothing: a span that cannot be written aborts the
// whole export, split parts already written included.
func TestExportFailureLeavesNothing(t *testing.T) {
	c := splitCorpus(10)
	bad, _ := c.Document(10)
	bad.Spans = []annotate.Span{{ID: 99, Layer: "entity", Label: "PER", Start: 3, End: 40}} // past the end of the text
	dir := t.TempDir()
	_, err := Export(context.Background(), c, "doccano", filepath.Join(dir, "x.jsonl"), Options{Split: Split{Train: 1, Test: 1}})
	var se *SpanError
	if !errors.As(err, &se) || se.SpanID != 99 || se.Doc != "d09" {
		t.Fatalf("err = %v, want a *SpanError naming d09 and span 99", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after the failure the directory holds %v, want nothing", entries)
	}
	// Cancelled: nothing either.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Export(ctx, splitCorpus(3), "doccano", filepath.Join(dir, "y.jsonl"), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled export: err = %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after cancelling the directory holds %v, want nothing", entries)
	}
}

func TestSelection(t *testing.T) {
	c := splitCorpus(6)
	for _, tt := range []struct {
		sel     Selection
		want    []int64
		wantErr string
	}{
		{Selection{}, []int64{1, 2, 3, 4, 5, 6}, ""},
		{Selection{Status: annotate.StatusDone}, []int64{2, 4, 6}, ""},
		{Selection{IDs: []int64{5, 1}}, []int64{5, 1}, ""},
		{Selection{IDs: []int64{1, 2}, Status: annotate.StatusDone}, []int64{2}, ""},
		{Selection{IDs: []int64{9}}, nil, "no document 9"},
		{Selection{IDs: []int64{1}, Status: annotate.StatusDone}, nil, "no documents match"},
	} {
		got, err := selectDocs(c, tt.sel)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("selectDocs(%+v) error = %v, want %q", tt.sel, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(ids(got), tt.want) {
			t.Errorf("selectDocs(%+v) = %v, %v; want %v", tt.sel, ids(got), err, tt.want)
		}
	}
}

func TestSliceUnits(t *testing.T) {
	runes := []rune("a𠀀b😀")
	for _, tt := range []struct {
		start, end int
		u          Unit
		want       string
		ok         bool
	}{
		{1, 2, UnitCodePoint, "𠀀", true},
		{1, 3, UnitUTF16, "𠀀", true},
		{3, 4, UnitUTF16, "b", true},
		{4, 6, UnitUTF16, "😀", true},
		{2, 4, UnitUTF16, "", false}, // starts inside the pair of 𠀀
		{1, 2, UnitUTF16, "", false}, // ends inside it
		{0, 9, UnitCodePoint, "", false},
		{3, 2, UnitCodePoint, "", false},
	} {
		got, ok := sliceUnits(runes, tt.start, tt.end, tt.u)
		if got != tt.want || ok != tt.ok {
			t.Errorf("sliceUnits(%d, %d, %s) = %q, %v; want %q, %v", tt.start, tt.end, tt.u, got, ok, tt.want, tt.ok)
		}
	}
}

// TestTagsRules checks the documented rules of Tags: the longest of
// overlapping spans wins, a word-level span with an edge inside a token is
// left out (kept at character level), and each is warned about.
func TestTagsRules(t *testing.T) {
	// 北京大学 | 在 | 海淀区
	d := &annotate.Document{Name: "t", Text: "北京大学在海淀区", Tokens: []text.Token{{Start: 0, End: 4}, {Start: 4, End: 5}, {Start: 5, End: 8}}}
	d.Spans = []annotate.Span{
		{ID: 1, Layer: "e", Label: "ORG", Start: 0, End: 4},
		{ID: 2, Layer: "e", Label: "LOC", Start: 0, End: 2}, // inside ORG: loses
		{ID: 3, Layer: "e", Label: "LOC", Start: 5, End: 7}, // 海淀: an edge inside 海淀区
	}
	var warnings []Warning
	j := &Job{warnings: &warnings}
	doc := &Doc{Document: d, Spans: d.Spans, Runes: []rune(d.Text)}
	rec := Record{Doc: doc, Start: 0, End: 8, Spans: d.Spans, Tokens: d.Tokens}
	for _, tt := range []struct {
		level  Level
		scheme Scheme
		want   []string
		warn   []int64
	}{
		{LevelWord, SchemeBIO, []string{"B-ORG", "O", "O"}, []int64{2, 3}},
		{LevelWord, SchemeBIOES, []string{"S-ORG", "O", "O"}, []int64{2, 3}},
		{LevelChar, SchemeBIO, []string{"B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "I-LOC", "O"}, []int64{2}},
		{LevelChar, SchemeBIOES, []string{"B-ORG", "I-ORG", "I-ORG", "E-ORG", "O", "B-LOC", "E-LOC", "O"}, []int64{2}},
	} {
		warnings = warnings[:0]
		_, got := j.Tags(rec, tt.level, "e", tt.scheme)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %s: tags = %q, want %q", tt.level, tt.scheme, got, tt.want)
		}
		var warned []int64
		for _, w := range warnings {
			warned = append(warned, w.SpanID)
		}
		sort.Slice(warned, func(a, b int) bool { return warned[a] < warned[b] })
		if !slices.Equal(warned, tt.warn) {
			t.Errorf("%s %s: warnings about spans %v, want %v (%v)", tt.level, tt.scheme, warned, tt.warn, warnings)
		}
		// Read back: the spans that were tagged.
		spans, bad := SpansFromTags(got)
		if len(bad) != 0 || len(spans) == 0 || spans[0].Label != "ORG" {
			t.Errorf("%s %s: SpansFromTags = %v (bad %v), want ORG first", tt.level, tt.scheme, spans, bad)
		}
	}
}

func TestSpansFromTags(t *testing.T) {
	for _, tt := range []struct {
		tags []string
		want []TagSpan
		bad  []int
	}{
		{[]string{"B-A", "I-A", "O", "B-B"}, []TagSpan{{0, 2, "A"}, {3, 4, "B"}}, nil},
		{[]string{"S-A", "B-B", "E-B", "S-A"}, []TagSpan{{0, 1, "A"}, {1, 3, "B"}, {3, 4, "A"}}, nil},
		{[]string{"I-A", "I-A", "I-B"}, []TagSpan{{0, 2, "A"}, {2, 3, "B"}}, nil},
		{[]string{"B-A", "X", "O"}, []TagSpan{{0, 1, "A"}}, []int{1}},
	} {
		got, bad := SpansFromTags(tt.tags)
		if !slices.Equal(got, tt.want) || !slices.Equal(bad, tt.bad) {
			t.Errorf("SpansFromTags(%q) = %v, %v; want %v, %v", tt.tags, got, bad, tt.want, tt.bad)
		}
	}
}

// TestUnsegmentedTagExports: a document without tokens is tagged by
// character in the word-level tag formats, with a warning, and hf keeps
// the same keys on every line (what datasets' JSON loader needs).
func TestUnsegmentedTagExports(t *testing.T) {
	c := splitCorpus(2)
	d, _ := c.Document(1)
	d.Spans = []annotate.Span{{ID: 1, Layer: "entity", Label: "MISC", Start: 0, End: 2}}
	for _, format := range []string{"hf", "csv-tokens", "conll"} {
		out := filepath.Join(t.TempDir(), "out")
		res, err := Export(context.Background(), c, format, out, Options{})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0].Msg, "character level") {
			t.Errorf("%s: warnings %v, want one saying character level", format, res.Warnings)
		}
		data, _ := os.ReadFile(out)
		if !strings.Contains(string(data), "B-MISC") {
			t.Errorf("%s: output has no B-MISC:\n%s", format, data)
		}
		if format == "hf" {
			for l := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
				if !strings.HasPrefix(l, `{"id":`) || !strings.Contains(l, `"tokens":["文","档"`) || !strings.Contains(l, `"pos_tags":[`) || !strings.Contains(l, `"ner_tags":[`) {
					t.Errorf("hf line %s: want id, character tokens, pos_tags and ner_tags", l)
				}
			}
		}
	}
}
