package gse

import (
	"runtime"
	"strings"
	"testing"
	"time"

	upstream "github.com/go-ego/gse"

	"github.com/biaozhu/biaozhu/assets"
)

// BenchmarkLoad loads the embedded dictionary with the fork and with
// upstream gse, reporting the time and the heap each keeps.
func BenchmarkLoad(b *testing.B) {
	b.Run("fork", func(b *testing.B) {
		benchLoad(b, func() any {
			var s Segmenter
			if err := s.LoadDictEmbed("zh_s"); err != nil {
				b.Fatal(err)
			}
			return &s
		})
	})
	b.Run("gse", func(b *testing.B) {
		benchLoad(b, func() any {
			var s upstream.Segmenter
			s.SkipLog, s.NotLoadHMM = true, true
			if err := s.LoadDictEmbed("zh_s"); err != nil {
				b.Fatal(err)
			}
			return &s
		})
	})
}

func benchLoad(b *testing.B, load func() any) {
	var ms runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		start := time.Now()
		s := load()
		d := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(d.Seconds(), "load-s")
		b.ReportMetric(float64(int64(ms.HeapAlloc)-int64(before))/(1<<20), "heap-MB")
		runtime.KeepAlive(s)
	}
}

// BenchmarkSegment segments the seed article repeated to about 1 MB with
// the fork and with upstream gse.
func BenchmarkSegment(b *testing.B) {
	text := []byte(strings.Repeat(string(assets.DemoArticle), 1<<20/len(assets.DemoArticle)+1))
	b.Run("fork", func(b *testing.B) {
		s := loadFork(b)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			s.Segment(text)
		}
	})
	b.Run("gse", func(b *testing.B) {
		s := loadUpstream(b)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			s.Segment(text)
		}
	})
}
