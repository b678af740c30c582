package text_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// BenchmarkSimulatedAnnotator runs the simulated annotator once (see
// simulate: learn UD GSD dev sentence by sentence, correcting each through
// the GUI's Split and Merge), reports its figures, and then times
// Learner.Segment on the seed article repeated to 1 MB.
func BenchmarkSimulatedAnnotator(b *testing.B) {
	seg := text.SegmenterForTest(b)
	dev := readUD(b, "zh_gsd-ud-dev.conllu")
	test := readUD(b, "zh_gsd-ud-test.conllu")
	l := text.NewLearner(seg)
	start := time.Now()
	r := simulate(b, l, dev, test)
	simTime := time.Since(start)
	text := text.BenchText()
	chars := utf8.RuneCountInString(text)
	n := 0
	start = time.Now()
	for b.Loop() {
		l.Segment(text)
		n++
	}
	speed := float64(n*chars) / time.Since(start).Seconds()
	b.ReportMetric(r.before.F1(), "F1-before")
	b.ReportMetric(r.after.F1(), "F1-after")
	b.ReportMetric(r.per1k(0, r.corr), "corr/1k-first-half")
	b.ReportMetric(r.per1k(1, r.corr), "corr/1k-second-half")
	b.ReportMetric(float64(r.learn.Microseconds())/float64(r.sentences), "learn-µs/sentence")
	b.ReportMetric(speed, "segment-chars/s")
	b.Logf("simulated annotator (%v): %v; segmenting %d characters of running text: %.0f characters/s", simTime.Round(time.Millisecond), r, chars, speed)
}

// BenchmarkLearnerSegment is Learner.Segment, after learning UD GSD dev, on
// the seed article repeated to 1 MB, compared with BenchmarkSegment (the
// Segmenter alone).
func BenchmarkLearnerSegment(b *testing.B) {
	l := learnerForBench(b)
	text := text.BenchText()
	b.SetBytes(int64(len(text)))
	chars := utf8.RuneCountInString(text)
	start := time.Now()
	n := 0
	for b.Loop() {
		l.Segment(text)
		n++
	}
	b.ReportMetric(float64(n*chars)/time.Since(start).Seconds(), "chars/s")
}

// BenchmarkLearnerSegmentSentences segments the UD GSD test sentences, one
// call each, on all processors, as re-segmenting a project does; an op is
// the whole test set (19,735 characters).
func BenchmarkLearnerSegmentSentences(b *testing.B) {
	l := learnerForBench(b)
	test := readUD(b, "zh_gsd-ud-test.conllu")
	chars := 0
	for _, s := range test {
		chars += utf8.RuneCountInString(s.text)
	}
	workers := runtime.GOMAXPROCS(0)
	start := time.Now()
	n := 0
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1)) - 1; i < len(test); i = int(next.Add(1)) - 1 {
					l.Segment(test[i].text)
				}
			})
		}
		wg.Wait()
		n++
	}
	b.ReportMetric(float64(n*chars)/time.Since(start).Seconds(), "chars/s")
}

// BenchmarkLearnerLearn is Learn of the UD GSD test sentences, one call
// each, by a Learner that learnt dev; an op is the whole test set.
func BenchmarkLearnerLearn(b *testing.B) {
	l := learnerForBench(b)
	test := readUD(b, "zh_gsd-ud-test.conllu")
	start := time.Now()
	n := 0
	for b.Loop() {
		for _, s := range test {
			l.Learn(s.text, s.gold)
		}
		n++
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(n*len(test)), "µs/sentence")
}

// learnerForBench is a new Learner that learnt UD GSD dev.
func learnerForBench(b *testing.B) *text.Learner {
	b.Helper()
	l := text.NewLearner(text.SegmenterForTest(b))
	for _, s := range readUD(b, "zh_gsd-ud-dev.conllu") {
		l.Learn(s.text, s.gold)
	}
	return l
}
