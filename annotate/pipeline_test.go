package annotate

import (
	"strings"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/assets"
)

// pipelineBenchText is varied real text of some hundreds of KB: the UD
// sentences (traditional, five to a paragraph) and the seed article, so
// that cleaning cannot shortcut it as one repeated paragraph.
func pipelineBenchText(tb testing.TB) []byte {
	var sb strings.Builder
	sb.Write(assets.DemoArticle)
	for _, f := range []string{"zh_gsd-ud-dev.conllu", "zh_gsd-ud-test.conllu"} {
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
// Segment, and reports both throughputs and their ratio (target ≥ 0.5).
func BenchmarkPipeline(b *testing.B) {
	seg := segmenterForTest(b)
	data := pipelineBenchText(b)
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
}

// BenchmarkClean is the cleaning stage alone on the pipeline's text.
func BenchmarkClean(b *testing.B) {
	opts := DefaultCleanOptions()
	opts.Lexicon = segmenterForTest(b)
	raw, _, err := Decode("bench.txt", pipelineBenchText(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		Clean(raw, opts)
	}
}
