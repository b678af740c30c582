package export

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// The environment of TestImportCSVChild.
const (
	csvChildEnv    = "BIAOZHU_CSV_CHILD"        // the input file
	csvChildMode   = "BIAOZHU_CSV_CHILD_MODE"   // "read" or "import"
	csvChildFormat = "BIAOZHU_CSV_CHILD_FORMAT" // the import format (default csv)
)

// BenchmarkImportCSV100MB imports a 100 MB CSV file into a new project,
// in a child process so that its peak RSS is the import's own: "field",
// one row whose text field is 100 MB of Chinese text (dialogue, lists, a
// price list; line breaks and quotes in it) and three ordinary rows; and
// "rows", the same text in some 10,000 rows of 10 KB. It reports next to
// the input size: the peak RSS of the import, the dictionary's share (the
// child's resident memory once the segmenter is loaded, as
// BenchmarkTextMemory measures it), the rest as a multiple of the input
// (x-input; target ≤ 10 for the one big document), the bound of issue 13
// (1 GB plus 10 × the largest document), and the peak RSS of reading the
// file alone (the CSV reader, no segmentation, no project, each document
// dropped as it is read). make bench
// runs it; alone: go test ./export -run '^$' -bench ImportCSV100MB
// -benchtime 1x
func BenchmarkImportCSV100MB(b *testing.B) {
	dir := b.TempDir()
	for _, tc := range []struct {
		name  string
		write func(w *csv.Writer) (largest int)
	}{
		{"field", func(w *csv.Writer) int {
			w.Write([]string{"short-1", "第一篇：你好。"})
			big := strings.ReplaceAll(string(corpusText(100<<20)), "好。", `"好。"`)
			w.Write([]string{"big", big})
			w.Write([]string{"short-2", "第二篇：\n價格表。"})
			w.Write([]string{"short-3", "第三篇。"})
			return len(big)
		}},
		{"rows", func(w *csv.Writer) int {
			largest, all := 0, string(corpusText(100<<20))
			for i := 0; len(all) > 0; i++ {
				n := min(len(all), 10<<10)
				if j := strings.IndexByte(all[n:], '\n'); j >= 0 {
					n += j + 1
				} else {
					n = len(all)
				}
				if strings.TrimSpace(all[:n]) != "" {
					w.Write([]string{fmt.Sprintf("row-%d", i), all[:n]})
					largest = max(largest, n)
				}
				all = all[n:]
			}
			return largest
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			path := filepath.Join(dir, tc.name+".csv")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			w := csv.NewWriter(f)
			w.Write([]string{"id", "text"})
			largest := float64(tc.write(w)) / (1 << 20)
			w.Flush()
			if err := f.Close(); err != nil || w.Error() != nil {
				b.Fatal(err, w.Error())
			}
			fi, _ := os.Stat(path)
			input := float64(fi.Size()) / (1 << 20)
			for b.Loop() {
				read := csvChild(b, "csv", path, "read")
				imp := csvChild(b, "csv", path, "import")
				b.ReportMetric(input, "input-MB")
				b.ReportMetric(read["rss_mb"], "read-peak-MB")
				b.ReportMetric(imp["dict_mb"], "dict-MB")
				b.ReportMetric(imp["rss_mb"], "peak-MB")
				b.ReportMetric((imp["rss_mb"]-imp["dict_mb"])/input, "x-input")
				b.ReportMetric(1024+10*largest, "bound-MB")
				b.ReportMetric(imp["seconds"], "s")
				b.Logf("%.0f MB CSV (%.0f documents, the largest %.2f MB): reading it peaks at %.0f MB; importing it at %.0f MB, the dictionary %.0f MB of that: %.1f × the input; bound %.0f MB; %.0f s",
					input, imp["docs"], largest, read["rss_mb"], imp["rss_mb"], imp["dict_mb"], (imp["rss_mb"]-imp["dict_mb"])/input, 1024+10*largest, imp["seconds"])
			}
		})
	}
}

// csvChild runs TestImportCSVChild on path in format and mode (read,
// import) and returns the figures it printed.
func csvChild(b *testing.B, format, path, mode string) map[string]float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportCSVChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), csvChildEnv+"="+path, csvChildMode+"="+mode, csvChildFormat+"="+format)
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

// TestImportCSVChild is the child of BenchmarkImportCSV100MB and
// BenchmarkImportDoccano: it reads the file named by BIAOZHU_CSV_CHILD
// in the format BIAOZHU_CSV_CHILD_FORMAT (default csv) with the format's
// reader alone (mode read), or imports it into a new project (mode
// import), and prints its peak RSS.
func TestImportCSVChild(t *testing.T) {
	path := os.Getenv(csvChildEnv)
	if path == "" {
		t.Skip("the child of BenchmarkImportCSV100MB and BenchmarkImportDoccano")
	}
	format := cmp.Or(os.Getenv(csvChildFormat), "csv")
	opts := ReadOptions{}
	if format == "csv" {
		opts.IDCol = "id"
	}
	if os.Getenv(csvChildMode) == "read" {
		// The reader alone, each document dropped as it comes (as
		// ImportFiles drops it once stored).
		r, _ := LookupReader(format)
		docs := 0
		err := r.Each(path, ReadOptions{}, &Imported{}, func(*annotate.Document) error { docs++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("RESULT docs=%d rss_mb=%.1f\n", docs, peakRSS())
		return
	}
	seg, err := text.NewSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	debug.FreeOSMemory()
	dict := procStatusMB("VmRSS")
	p, err := annotate.Create(filepath.Join(t.TempDir(), "big.biaozhu"), nil, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	rep, err := ImportFiles(context.Background(), p, seg, format, []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RESULT docs=%d dict_mb=%.1f rss_mb=%.1f seconds=%.1f\n", rep.Docs, dict, peakRSS(), time.Since(start).Seconds())
}

// peakRSS is the process's peak resident set in MB (Linux), 0 where
// unknown.
func peakRSS() float64 { return procStatusMB("VmHWM") }

// procStatusMB is the figure key (VmHWM, VmRSS) of /proc/self/status in
// MB, 0 where unknown.
func procStatusMB(key string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for l := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkImportDoccano imports a doccano JSONL of about 250 MB in
// documents of about 1 KB (some 250,000 records, each with a few spans,
// two of them nested, and a meta naming the document: a realistic NLP
// dataset) into a new project, in a child process as
// BenchmarkImportCSV100MB does, and reports the same figures: the peak RSS
// next to the input size and the bound of issue 13 (1 GB plus 10 × the
// largest document), the dictionary's share, and the reader's own peak.
// make bench runs it; alone: go test ./export -run '^$' -bench
// ImportDoccano -benchtime 1x
func BenchmarkImportDoccano(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	largest, docs := 0, 0
	all := string(corpusText(250 << 20))
	for len(all) > 0 {
		n := min(len(all), 1<<10)
		if j := strings.IndexByte(all[n:], '\n'); j >= 0 {
			n += j + 1
		} else {
			n = len(all)
		}
		doc := all[:n]
		all = all[n:]
		if strings.TrimSpace(doc) == "" {
			continue
		}
		runes := utf8.RuneCountInString(doc)
		rec, _ := json.Marshal(map[string]any{
			"text":  doc,
			"label": [][]any{{0, 2, "PER"}, {2, 6, "ORG"}, {4, 6, "LOC"}, {runes - 3, runes - 1, "MISC"}},
			"meta":  map[string]any{"doc_name": fmt.Sprintf("doc-%d", docs)},
		})
		bw.Write(rec)
		bw.WriteByte('\n')
		largest = max(largest, len(doc))
		docs++
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	input := float64(fi.Size()) / (1 << 20)
	bound := 1024 + 10*float64(largest)/(1<<20)
	for b.Loop() {
		read := csvChild(b, "doccano", path, "read")
		imp := csvChild(b, "doccano", path, "import")
		b.ReportMetric(input, "input-MB")
		b.ReportMetric(read["rss_mb"], "read-peak-MB")
		b.ReportMetric(imp["dict_mb"], "dict-MB")
		b.ReportMetric(imp["rss_mb"], "peak-MB")
		b.ReportMetric((imp["rss_mb"]-imp["dict_mb"])/input, "x-input")
		b.ReportMetric(bound, "bound-MB")
		b.ReportMetric(imp["seconds"], "s")
		b.Logf("%.0f MB doccano JSONL (%.0f documents, the largest %.1f KB): reading it peaks at %.0f MB; importing it at %.0f MB, the dictionary %.0f MB of that: %.2f × the input; bound %.0f MB; %.0f s",
			input, imp["docs"], float64(largest)/(1<<10), read["rss_mb"], imp["rss_mb"], imp["dict_mb"], (imp["rss_mb"]-imp["dict_mb"])/input, bound, imp["seconds"])
	}
}
