package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate"
)

// The environment of TestImportCSVChild.
const (
	csvChildEnv  = "BIAOZHU_CSV_CHILD"      // the CSV file
	csvChildMode = "BIAOZHU_CSV_CHILD_MODE" // "read" or "import"
)

// BenchmarkImportCSV100MB imports a 100 MB CSV file — one row whose text
// field is 100 MB of Chinese text (dialogue, lists, a price list; line
// breaks and quotes in it) and three ordinary rows — into a new project,
// in a child process so that its peak RSS is the import's own, and
// reports next to the input size: the peak RSS of the import, that of the
// dictionary alone, their ratio (import − dictionary) / input (target
// ≤ 10), and the peak RSS of reading the file alone (the CSV reader, no
// segmentation, no project). Run: go test ./export -run '^$' -bench
// ImportCSV100MB -benchtime 1x
func BenchmarkImportCSV100MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"id", "text"})
	w.Write([]string{"short-1", "第一篇：你好。"})
	big := strings.ReplaceAll(string(text(100<<20)), "好。", `"好。"`)
	w.Write([]string{"big", big})
	w.Write([]string{"short-2", "第二篇：\n價格表。"})
	w.Write([]string{"short-3", "第三篇。"})
	w.Flush()
	if err := f.Close(); err != nil || w.Error() != nil {
		b.Fatal(err, w.Error())
	}
	big = ""
	fi, _ := os.Stat(path)
	input := float64(fi.Size()) / (1 << 20)
	child := func(mode string) map[string]float64 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestImportCSVChild$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), csvChildEnv+"="+path, csvChildMode+"="+mode)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child %s: %v\n%s", mode, err, out)
		}
		res := map[string]float64{}
		for l := range strings.SplitSeq(string(out), "\n") {
			rest, ok := strings.CutPrefix(strings.TrimSpace(l), "RESULT ")
			if !ok {
				continue
			}
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				res[k], _ = strconv.ParseFloat(v, 64)
			}
		}
		if len(res) == 0 {
			b.Fatalf("child %s printed no RESULT:\n%s", mode, out)
		}
		return res
	}
	for b.Loop() {
		read := child("read")
		imp := child("import")
		b.ReportMetric(input, "input_MB")
		b.ReportMetric(read["rss_mb"], "read_peak_MB")
		b.ReportMetric(imp["dict_mb"], "dict_MB")
		b.ReportMetric(imp["rss_mb"], "import_peak_MB")
		b.ReportMetric((imp["rss_mb"]-imp["dict_mb"])/input, "x_input")
		b.ReportMetric(imp["seconds"], "import_s")
		b.Logf("%.0f MB CSV: reading it peaks at %.0f MB; importing it at %.0f MB, the dictionary %.0f MB of that: %.1f × the input (target ≤ 10), %.0f s",
			input, read["rss_mb"], imp["rss_mb"], imp["dict_mb"], (imp["rss_mb"]-imp["dict_mb"])/input, imp["seconds"])
	}
}

// TestImportCSVChild is BenchmarkImportCSV100MB's child: it reads the CSV
// file named by BIAOZHU_CSV_CHILD (mode read), or imports it into a new
// project (mode import), and prints its peak RSS.
func TestImportCSVChild(t *testing.T) {
	path := os.Getenv(csvChildEnv)
	if path == "" {
		t.Skip("the child of BenchmarkImportCSV100MB")
	}
	if os.Getenv(csvChildMode) == "read" {
		im, err := readCSV(path, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("RESULT docs=%d rss_mb=%.1f\n", len(im.Docs), peakRSS())
		return
	}
	seg, err := annotate.NewSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	dict := peakRSS()
	p, err := annotate.Create(filepath.Join(t.TempDir(), "big.biaozhu"), nil, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	rep, err := ImportFiles(context.Background(), p, seg, "csv", []string{path}, ReadOptions{IDCol: "id"})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RESULT docs=%d dict_mb=%.1f rss_mb=%.1f seconds=%.1f\n", rep.Docs, dict, peakRSS(), time.Since(start).Seconds())
}

// peakRSS is the process's peak resident set in MB (Linux), 0 where
// unknown.
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for l := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
