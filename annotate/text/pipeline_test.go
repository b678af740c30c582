package text

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/assets"
)

// pipelineBenchText is varied real text of some tens of KB: the UD
// sentences (five to a paragraph), traditional (with the seed article) or
// simplified, so that cleaning cannot shortcut it as one repeated paragraph.
func pipelineBenchText(tb testing.TB, script Script) []byte {
	var sb strings.Builder
	files := []string{"zh_gsdsimp-ud-test.conllu"}
	if script == ScriptTraditional {
		sb.Write(assets.DemoArticle)
		files = []string{"zh_gsd-ud-dev.conllu", "zh_gsd-ud-test.conllu"}
	}
	for _, f := range files {
		for i, s := range testkit.ReadGold(tb, f) {
			sb.WriteString(s.Text)
			if i%5 == 4 {
				sb.WriteByte('\n')
			}
		}
	}
	return []byte(sb.String())
}

// BenchmarkPipeline runs the whole pipeline (decode, clean, sentences,
// segment and tag) and, in the same run on the same text, gse's own
// Segment with the same dictionary, and reports both throughputs and their
// ratio (target ≥ 0.5). On traditional text raw gse is given the text as
// it is, which its simplified dictionary mostly cannot match, so it does
// less work than a real segmentation; the simplified text is the like for
// like comparison. The pipeline segments on all processors: -cpu 1 gives
// the one-core figures.
func BenchmarkPipeline(b *testing.B) {
	for _, script := range []Script{ScriptSimplified, ScriptTraditional} {
		b.Run(string(script), func(b *testing.B) {
			seg := segmenterForTest(b)
			data := pipelineBenchText(b, script)
			var pipe, raw time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := Process("bench.txt", data, seg, DefaultCleanOptions()); err != nil {
					b.Fatal(err)
				}
				pipe += time.Since(start)
				start = time.Now()
				seg.seg.Segment(data)
				raw += time.Since(start)
			}
			mb := float64(len(data)) * float64(b.N) / (1 << 20)
			b.ReportMetric(mb/pipe.Seconds(), "pipeline-MB/s")
			b.ReportMetric(mb/raw.Seconds(), "gse-MB/s")
			b.ReportMetric(raw.Seconds()/pipe.Seconds(), "ratio")
			b.ReportMetric(float64(len(data))/(1<<20), "input-MB")
		})
	}
}

// BenchmarkClean is the cleaning stage alone on the pipeline's text.
func BenchmarkClean(b *testing.B) {
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(b)
	raw, _, err := Decode("bench.txt", pipelineBenchText(b, ScriptTraditional))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		Clean(raw, opts)
	}
}

// TestCutAtSentences: a token that crosses sentence boundaries is cut at
// each, every part with its own Text (a token cut twice had an empty
// middle part), whitespace after a boundary is left out, and tokens that
// cross none are returned as they are.
func TestCutAtSentences(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		sents []Sentence
		toks  []Token
		want  []Token
	}{
		{"none crosses", "甲乙。丙丁。", []Sentence{{0, 3}, {3, 6}},
			[]Token{{Start: 0, End: 2, Text: "甲乙", POS: "n"}, {Start: 2, End: 3, Text: "。", POS: "w"}, {Start: 3, End: 5, Text: "丙丁", POS: "n"}},
			[]Token{{Start: 0, End: 2, Text: "甲乙", POS: "n"}, {Start: 2, End: 3, Text: "。", POS: "w"}, {Start: 3, End: 5, Text: "丙丁", POS: "n"}}},
		{"cut once", "甲乙丙丁", []Sentence{{0, 2}, {2, 4}},
			[]Token{{Start: 0, End: 4, Text: "甲乙丙丁", POS: "n"}},
			[]Token{{Start: 0, End: 2, Text: "甲乙", POS: "n"}, {Start: 2, End: 4, Text: "丙丁", POS: "n"}}},
		{"cut twice", "Globidens", []Sentence{{0, 1}, {1, 8}, {8, 9}},
			[]Token{{Start: 0, End: 9, Text: "Globidens", POS: "eng"}},
			[]Token{{Start: 0, End: 1, Text: "G", POS: "eng"}, {Start: 1, End: 8, Text: "lobiden", POS: "eng"}, {Start: 8, End: 9, Text: "s", POS: "eng"}}},
		{"two tokens cut", "甲乙丙丁戊己", []Sentence{{0, 2}, {2, 5}, {5, 6}},
			[]Token{{Start: 0, End: 3, Text: "甲乙丙", POS: "n"}, {Start: 3, End: 6, Text: "丁戊己", POS: "v"}},
			[]Token{{Start: 0, End: 2, Text: "甲乙", POS: "n"}, {Start: 2, End: 3, Text: "丙", POS: "n"}, {Start: 3, End: 5, Text: "丁戊", POS: "v"}, {Start: 5, End: 6, Text: "己", POS: "v"}}},
		{"whitespace after the boundary", "甲乙 丙丁", []Sentence{{0, 2}, {3, 5}},
			[]Token{{Start: 0, End: 5, Text: "甲乙 丙丁", POS: "x"}},
			[]Token{{Start: 0, End: 2, Text: "甲乙", POS: "x"}, {Start: 3, End: 5, Text: "丙丁", POS: "x"}}},
		{"beyond the BMP", "𠮷𩸽魚𠀋", []Sentence{{0, 1}, {1, 3}, {3, 4}},
			[]Token{{Start: 0, End: 4, Text: "𠮷𩸽魚𠀋", POS: "n"}},
			[]Token{{Start: 0, End: 1, Text: "𠮷", POS: "n"}, {Start: 1, End: 3, Text: "𩸽魚", POS: "n"}, {Start: 3, End: 4, Text: "𠀋", POS: "n"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cutAtSentences(slices.Clone(tc.toks), tc.sents, tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("cutAtSentences() = %+v, want %+v", got, tc.want)
			}
		})
	}
}
