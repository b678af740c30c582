package gse

import (
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/assets"
)

// BenchmarkSegment segments the seed article repeated to about 1 MB with
// the fork and with upstream gse. (The load of both is compared by
// BenchmarkSegmenterLoad in annotate/text.)
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
