package annotate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// templatedLines is n lines of a list or form that differ only by their
// number, format's %d.
func templatedLines(format string, n int) string {
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, format, i)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// BenchmarkTemplatedLines cleans 100,000 and 1,000,000 templated lines
// (第N號，我們在北京。, every step on, the dictionary as evidence) and
// reports both times and their ratio, which near-linear cleaning keeps
// near 10 (target ≤ 12). It then imports a file of 140,000 shorter such
// lines (about 980,000 characters) into a new project and reports that
// time. Each clean time is the best of three runs; cpu-ratio is the ratio
// of the process's CPU times, which other load on the machine disturbs
// less than the wall clock. Run it once: make bench does (-benchtime 1x).
func BenchmarkTemplatedLines(b *testing.B) {
	seg := segmenterForTest(b)
	opts := text.DefaultCleanOptions()
	opts.Lexicon = seg
	small, large := templatedLines("第%d號，我們在北京。", 100_000), templatedLines("第%d號，我們在北京。", 1_000_000)
	list := templatedLines("第%d項", 140_000)
	path := filepath.Join(b.TempDir(), "list.txt")
	if err := os.WriteFile(path, []byte(list), 0o644); err != nil {
		b.Fatal(err)
	}
	// clean times Clean on text, wall clock and CPU (the process's, so
	// with the garbage collector's), the best of three runs each: the
	// machine may be shared, and the least disturbed run is the one to
	// compare.
	clean := func(name, s string) (wall, cpu time.Duration) {
		wall, cpu = time.Duration(1<<62), time.Duration(1<<62)
		for range 3 {
			start, cpu0 := time.Now(), rusageCPU()
			c := text.Clean(s, opts)
			wall, cpu = min(wall, time.Since(start)), min(cpu, rusageCPU()-cpu0)
			if c.Text != strings.TrimSuffix(s, "\n") {
				b.Fatalf("%s: the clean text differs from the input", name)
			}
		}
		return wall, cpu
	}
	text.Clean(small, opts) // warm up: the character tables
	var tSmall, tLarge, cSmall, cLarge, tImport time.Duration
	for i := 0; b.Loop(); i++ {
		w, c := clean("100,000 lines", small)
		tSmall, cSmall = tSmall+w, cSmall+c
		w, c = clean("1,000,000 lines", large)
		tLarge, cLarge = tLarge+w, cLarge+c
		p, err := Create(filepath.Join(b.TempDir(), fmt.Sprintf("list%d.biaozhu", i)), nil, Options{NoBackup: true})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		sum, err := p.Import(context.Background(), seg, []string{path}, ImportOptions{})
		tImport += time.Since(start)
		if err != nil || sum.Imported != 1 || sum.Chars != utf8.RuneCountInString(strings.TrimSuffix(list, "\n")) {
			b.Fatalf("import: %v, %+v", err, sum)
		}
		p.Close()
	}
	n := float64(b.N)
	b.ReportMetric(tSmall.Seconds()/n, "s-100k-lines")
	b.ReportMetric(tLarge.Seconds()/n, "s-1M-lines")
	b.ReportMetric(tLarge.Seconds()/tSmall.Seconds(), "ratio")
	b.ReportMetric(cLarge.Seconds()/cSmall.Seconds(), "cpu-ratio")
	b.ReportMetric(tImport.Seconds()/n, "s-import-140k-lines")
	b.ReportMetric(float64(utf8.RuneCountInString(list)), "import-chars")
}

// rusageCPU is the CPU time the process has used, user and system, to the
// microsecond.
func rusageCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
