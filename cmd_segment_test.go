package main

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/longbridgeapp/opencc"

	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

// TestSegmentCommandStreams: segment writes from the compact token layer,
// a sentence at a time; its output is byte for byte what the writers make
// of the whole []Token the pipeline gives (text.Process), in both formats,
// on the seed article, dialogue, a price list, a table, subtitles, a
// notice, a line of 10,000 characters without punctuation and text
// beyond the BMP.
func TestSegmentCommandStreams(t *testing.T) {
	dir := t.TempDir()
	files := []string{shared(t, "corpus/jiaozuo-news-2021.txt")}
	conv, _ := filepath.Glob("annotate/text/testdata/conversation/*.txt")
	files = append(files, conv...)
	long := filepath.Join(dir, "long.txt")
	if err := os.WriteFile(long, []byte(strings.Repeat("我们在北京大学生活", 10000/9)+"\n𠀀😀 好。Ｆｕｌｌ ｗｉｄｔｈ 3.5 1,000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, long)
	seg, err := text.NewSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		opts := text.DefaultCleanOptions()
		opts.Lexicon = seg
		r, err := text.Process(f, data, seg, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"jsonl", "conllu"} {
			t.Run(filepath.Base(f)+"/"+format, func(t *testing.T) {
				var want bytes.Buffer
				write := export.WriteSentencesJSONL
				if format == "conllu" {
					write = export.WriteCoNLLU
				}
				if err := write(&want, r.Name, r.Text, r.Sentences, r.Tokens); err != nil {
					t.Fatal(err)
				}
				got := biaozhu(t, nil, "segment", "-format", format, f)
				if got.code != 0 || got.stderr != "" {
					t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
				}
				if got.stdout != want.String() {
					t.Errorf("segment -format %s %s differs from the writer over Process's tokens: got %d bytes, want %d; first difference at byte %d",
						format, f, len(got.stdout), want.Len(), firstDiff(got.stdout, want.String()))
				}
			})
		}
	}
}

func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// distinctText writes a text of about size bytes, all simplified Chinese,
// in which no paragraph repeats (so cleaning drops nothing and the
// segmenter sees every byte): paragraphs of 3 to 7 sentences drawn at
// random (a fixed seed) from the UD GSD test and dev sentences, the
// traditional ones mapped to simplified with OpenCC's t2s.
func distinctText(tb testing.TB, path string, size int) {
	tb.Helper()
	cc, err := opencc.New("t2s")
	if err != nil {
		tb.Fatal(err)
	}
	var sents []string
	for _, f := range []string{"zh_gsdsimp-ud-test.conllu", "zh_gsd-ud-dev.conllu", "zh_gsd-ud-test.conllu"} {
		data, err := os.ReadFile(filepath.Join("..", "shared", "gold", "ud-gsd", f))
		if err != nil {
			tb.Skipf("%v: ../shared is needed for this benchmark", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if s, ok := strings.CutPrefix(sc.Text(), "# text = "); ok {
				if !strings.Contains(f, "simp") {
					if s, err = cc.Convert(s); err != nil {
						tb.Fatal(err)
					}
				}
				sents = append(sents, s)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	seen := map[string]bool{}
	for b.Len() < size {
		var p strings.Builder
		for range 3 + rng.IntN(5) {
			p.WriteString(sents[rng.IntN(len(sents))])
		}
		if seen[p.String()] {
			continue
		}
		seen[p.String()] = true
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// processRun is what one run of a command cost: wall time, CPU time (user
// and system) and peak resident memory.
type processRun struct {
	wall, cpu time.Duration
	rss       float64 // bytes
}

// measure runs cmd to the end, its output discarded, and returns its cost.
func measure(tb testing.TB, cmd *exec.Cmd) processRun {
	tb.Helper()
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	start := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s", cmd.Path, err, errOut.String())
	}
	wall := time.Since(start)
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		tb.Skip("no rusage on this system")
	}
	return processRun{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss: float64(ru.Maxrss) * 1024}
}

// median is the median of the runs' figure f.
func median(runs []processRun, f func(processRun) float64) float64 {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// BenchmarkSegmentCommand is issue 20's pipeline figure: the whole process
// of `biaozhu segment FILE` (JSON lines to /dev/null) against a bare
// program that loads gse's embedded zh_s dictionary and calls gse's
// Segment once on the same file (testdata/rawgse, built here with go
// build from the module's gse), on 4.9 MB of distinct simplified Chinese
// text (distinctText), three runs of each, alternated; medians of wall
// time, CPU time and peak resident memory (rusage maxrss), and the ratios:
// speed = gse's wall time / biaozhu's (target ≥ 0.6), memory = biaozhu's
// peak / gse's (target ≤ 1.2); the CPU-time ratio is the speed ratio a
// machine busy with other work would see. biaozhu is this test binary
// running main, as every command test runs it. Run it once (make bench:
// -benchtime 1x).
func BenchmarkSegmentCommand(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "distinct.txt")
	distinctText(b, in, 4_900_000)
	raw := filepath.Join(dir, "rawgse")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", raw, "./testdata/rawgse")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build ./testdata/rawgse: %v\n%s", err, out)
	}
	fi, err := os.Stat(in)
	if err != nil {
		b.Fatal(err)
	}
	var bz, gse []processRun
	for b.Loop() {
		for range 3 {
			gse = append(gse, measure(b, exec.Command(raw, in)))
			cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "segment", in)
			cmd.Env = append(os.Environ(), "BIAOZHU_RUN_MAIN=1")
			bz = append(bz, measure(b, cmd))
		}
	}
	wall := func(r processRun) float64 { return r.wall.Seconds() }
	cpu := func(r processRun) float64 { return r.cpu.Seconds() }
	rss := func(r processRun) float64 { return r.rss / (1 << 20) }
	bw, gw := median(bz, wall), median(gse, wall)
	bc, gc := median(bz, cpu), median(gse, cpu)
	bm, gm := median(bz, rss), median(gse, rss)
	b.ReportMetric(float64(fi.Size())/(1<<20), "input-MB")
	b.ReportMetric(bw, "biaozhu-s")
	b.ReportMetric(gw, "gse-s")
	b.ReportMetric(gw/bw, "speed-ratio")
	b.ReportMetric(0.6, "speed-target-min")
	b.ReportMetric(gc/bc, "cpu-ratio")
	b.ReportMetric(bm, "biaozhu-peak-MB")
	b.ReportMetric(gm, "gse-peak-MB")
	b.ReportMetric(bm/gm, "memory-ratio")
	b.ReportMetric(1.2, "memory-target-max")
	b.Logf("%s (%.1f MB): biaozhu segment %.2f s (CPU %.2f s), peak %.0f MB; raw gse %.2f s (CPU %.2f s), peak %.0f MB; speed %.2f × gse (target ≥ 0.6; CPU %.2f), memory %.2f × gse (target ≤ 1.2); medians of %d alternated runs",
		filepath.Base(in), float64(fi.Size())/(1<<20), bw, bc, bm, gw, gc, gm, gw/bw, gc/bc, bm/gm, len(bz))
}
