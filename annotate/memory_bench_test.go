package annotate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/assets"
)

// The environment that makes TestTextMemoryChild run: the step
// (import, process or clean), the text file and the project.
const (
	memChildStep    = "BIAOZHU_MEMCHILD_STEP"
	memChildFile    = "BIAOZHU_MEMCHILD_FILE"
	memChildProject = "BIAOZHU_MEMCHILD_PROJECT"
)

// singleLineText writes a text file of size bytes on one line: the UD
// sentences (simplified) when ../shared is here, else the demo article,
// repeated, cut at a character boundary.
func singleLineText(tb testing.TB, path string, size int) {
	tb.Helper()
	var unit string
	if _, err := os.Stat(filepath.Join(testkit.UDGoldDir, "zh_gsdsimp-ud-test.conllu")); err == nil {
		var sb strings.Builder
		for _, s := range testkit.ReadGold(tb, "zh_gsdsimp-ud-test.conllu") {
			sb.WriteString(s.Text)
		}
		unit = sb.String()
	} else {
		unit = strings.ReplaceAll(string(assets.DemoArticle), "\n", "")
	}
	var buf bytes.Buffer
	buf.Grow(size + len(unit))
	for buf.Len() < size {
		buf.WriteString(unit)
	}
	b := buf.Bytes()[:size]
	for len(b) > 0 && b[len(b)-1]&0xC0 == 0x80 {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] >= 0xC0 {
		b = b[:len(b)-1]
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkTextMemory imports a 100 MB text file of one line into a
// new project, runs the pipeline alone over it (Process: what import does
// before storing, and what the segment command does), and cleans it as the
// clean command does, each in a child process, and reports the child's
// peak resident memory (rusage maxrss) next to the input size: the whole
// peak, the dictionary's share (the child's resident memory once the
// segmenter is loaded) and the rest as a multiple of the input (target
// ≤ 10). Run it once: make bench does (-benchtime 1x).
func BenchmarkTextMemory(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "line.txt")
	const size = 100 << 20
	singleLineText(b, path, size)
	for _, step := range []string{"import", "process", "clean"} {
		b.Run(step, func(b *testing.B) {
			var peak, dict, secs float64
			for i := 0; b.Loop(); i++ {
				cmd := exec.Command(os.Args[0], "-test.run=^TestTextMemoryChild$", "-test.v")
				cmd.Env = append(os.Environ(), memChildStep+"="+step, memChildFile+"="+path,
					memChildProject+"="+filepath.Join(dir, fmt.Sprintf("p%s%d.biaozhu", step, i)))
				start := time.Now()
				out, err := cmd.CombinedOutput()
				secs += time.Since(start).Seconds()
				if err != nil {
					b.Fatalf("child: %v\n%s", err, out)
				}
				ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
				if ru == nil {
					b.Skip("no rusage on this system")
				}
				peak += float64(ru.Maxrss) * 1024 // kB on Linux
				d, ok := childFigure(out, "dict-rss")
				if !ok {
					b.Fatalf("child printed no dict-rss:\n%s", out)
				}
				dict += d
			}
			n := float64(b.N)
			b.ReportMetric(size/(1<<20), "input-MB")
			b.ReportMetric(peak/n/(1<<20), "peak-MB")
			b.ReportMetric(dict/n/(1<<20), "dict-MB")
			b.ReportMetric((peak-dict)/n/size, "x-input")
			b.ReportMetric(secs/n, "s")
		})
	}
}

// childFigure finds "MEMCHILD key value" in a child's output.
func childFigure(out []byte, key string) (float64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "MEMCHILD" && f[1] == key {
			v, err := strconv.ParseFloat(f[2], 64)
			return v, err == nil
		}
	}
	return 0, false
}

// TestTextMemoryChild is BenchmarkTextMemory's child: it loads the
// segmenter, prints its resident memory, then imports, processes or cleans
// the file it is given. Without its environment it skips.
func TestTextMemoryChild(t *testing.T) {
	step, path, project := os.Getenv(memChildStep), os.Getenv(memChildFile), os.Getenv(memChildProject)
	if step == "" {
		t.Skip("run by BenchmarkTextMemory")
	}
	seg, err := text.NewSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	debug.FreeOSMemory()
	fmt.Printf("MEMCHILD dict-rss %d\n", residentBytes(t))
	switch step {
	case "import":
		p, err := Create(project, nil, Options{NoBackup: true})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := p.Import(context.Background(), seg, []string{path}, ImportOptions{})
		if err != nil || sum.Imported != 1 {
			t.Fatalf("import: %v, %+v", err, sum.Results)
		}
		fmt.Printf("MEMCHILD tokens %d\n", sum.Tokens)
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	case "process":
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := text.Process(path, data, seg, text.DefaultCleanOptions())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("MEMCHILD tokens %d\n", len(doc.Tokens))
	case "clean":
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		raw, _, err := text.Decode(path, data)
		if err != nil {
			t.Fatal(err)
		}
		opts := text.DefaultCleanOptions()
		opts.Lexicon = seg
		c := text.Clean(raw, opts)
		fmt.Printf("MEMCHILD chars %d\n", c.RawMap.Len())
	}
}

// residentBytes is the process's resident memory (VmRSS).
func residentBytes(tb testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status: %v", err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	tb.Skip("no VmRSS")
	return 0
}
