package agree

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// The benchmark corpus of issue 17: 3 annotators, each file 1,000
// documents of 1,000 characters (1 M in all), tokens of 1–3 characters,
// 100 spans a document (100,000 a file), the annotators differing on some
// 15% of them (another label, other ends, left out).
const (
	benchAnnotators = 3
	benchDocs       = 1000
	benchChars      = 1000
	benchSpans      = 100
	agreeBound      = 5 * time.Second
	mergeBound      = 10 * time.Second
)

var (
	benchOnce  sync.Once
	benchPaths []string
	benchDir   string
	benchErr   error
)

// benchFiles writes the benchmark's project files once per test binary.
func benchFiles(b *testing.B) []string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "agree-bench-")
		if benchErr != nil {
			return
		}
		schema := layerSchema("NER", annotate.OverlapForbidden, "PER", "LOC", "ORG", "GPE")
		labels := []string{"PER", "LOC", "ORG", "GPE"}
		rng := rand.New(rand.NewPCG(17, 1))
		type doc struct {
			text   string
			tokens []text.Token
			spans  []annotate.Span
		}
		docs := make([]doc, benchDocs)
		for i := range docs {
			rs := make([]rune, benchChars)
			for j := range rs {
				rs[j] = rune(0x4e00 + rng.IntN(3000))
			}
			d := doc{text: string(rs)}
			for s := 0; s < benchChars; {
				e := min(benchChars, s+1+rng.IntN(3))
				d.tokens = append(d.tokens, text.Token{Start: s, End: e, Text: string(rs[s:e])})
				s = e
			}
			// 100 spans of about 2–4 characters, one per 10 characters.
			for k := range benchSpans {
				s := k*10 + rng.IntN(4)
				d.spans = append(d.spans, annotate.Span{Layer: "NER", Label: labels[rng.IntN(len(labels))], Start: s, End: s + 2 + rng.IntN(3)})
			}
			docs[i] = d
		}
		for r := range benchAnnotators {
			name := fmt.Sprintf("annotator%d", r+1)
			path := filepath.Join(benchDir, name+".biaozhu")
			p, err := annotate.Create(path, schema, annotate.Options{Synchronous: "NORMAL"})
			if err != nil {
				benchErr = err
				return
			}
			if err := p.SetHandedTo(name); err != nil {
				benchErr = err
				return
			}
			err = p.AddDocumentsFrom(context.Background(), func(a *annotate.Adder) error {
				for i, d := range docs {
					var spans []annotate.Span
					for _, s := range d.spans {
						switch x := rng.IntN(100); {
						case r == 0 || x >= 15:
						case x < 5:
							s.Label = labels[(slicesIndex(labels, s.Label)+1)%len(labels)]
						case x < 10:
							s.End = s.End - 1 + rng.IntN(3)
							if s.End <= s.Start {
								s.End = s.Start + 1
							}
						default:
							continue
						}
						s.Origin = annotate.OriginManual
						spans = append(spans, s)
					}
					err := a.Add(&annotate.Document{Name: fmt.Sprintf("doc %d", i), Text: d.text, Raw: d.text, Status: annotate.StatusDone,
						Sentences: []text.Sentence{{Start: 0, End: benchChars}}, Tokens: d.tokens, Spans: spans})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err == nil {
				err = p.Close()
			}
			if err != nil {
				benchErr = err
				return
			}
			benchPaths = append(benchPaths, path)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPaths
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// BenchmarkAgree is agree over the benchmark corpus (reading the three
// files and measuring), against issue 17's bound of 5 s (x-bound: the
// wall time over the bound); cpu-s is the CPU time it took, which a busy
// machine does not stretch.
func BenchmarkAgree(b *testing.B) {
	paths := benchFiles(b)
	var rep *Report
	start := time.Now()
	cpu0, cpuOK := cpuTime()
	for b.Loop() {
		anns, err := Load(context.Background(), paths)
		if err != nil {
			b.Fatal(err)
		}
		if rep, err = Measure(anns, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	cpu1, _ := cpuTime()
	l := rep.Layers["NER"]
	if l.AlphaU == nil || l.Alpha == nil || l.Units < 400000 {
		b.Fatalf("report: units %d, α %v, αu %v, notes %v", l.Units, l.Alpha, l.AlphaU, l.Notes)
	}
	b.ReportMetric(per.Seconds(), "s/agree")
	b.ReportMetric(per.Seconds()/agreeBound.Seconds(), "x-bound")
	if cpuOK {
		b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/agree")
	}
	b.ReportMetric(float64(l.Units), "units")
	b.ReportMetric(*l.AlphaU, "alpha_u")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkMerge is merge -accept agreed over the benchmark corpus,
// against issue 17's bound of 10 s.
func BenchmarkMerge(b *testing.B) {
	paths := benchFiles(b)
	dir := b.TempDir()
	var sum *MergeSummary
	start := time.Now()
	cpu0, cpuOK := cpuTime()
	i := 0
	for b.Loop() {
		var err error
		if sum, err = Merge(context.Background(), filepath.Join(dir, fmt.Sprintf("gold%d.biaozhu", i)), paths, AcceptAgreed); err != nil {
			b.Fatal(err)
		}
		i++
	}
	per := time.Since(start) / time.Duration(b.N)
	cpu1, _ := cpuTime()
	b.ReportMetric(per.Seconds(), "s/merge")
	b.ReportMetric(per.Seconds()/mergeBound.Seconds(), "x-bound")
	if cpuOK {
		b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/merge")
	}
	b.ReportMetric(float64(sum.Accepted), "accepted")
	b.ReportMetric(float64(sum.Open), "open")
	b.ReportMetric(0, "ns/op")
}

// TestMain removes the benchmark's files.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}
