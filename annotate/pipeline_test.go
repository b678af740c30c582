package annotate

import (
	"strings"
	"testing"
	"time"

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
		for i, s := range readGold(tb, f) {
			sb.WriteString(s.text)
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
