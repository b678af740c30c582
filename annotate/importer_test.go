package annotate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// importTree writes the files of the import tests into a new directory
// and returns it: the seed article in UTF-8, GB18030 and Big5, another
// copy in a subdirectory, a Markdown file, a binary file named bad.txt,
// and hidden files.
func importTree(t *testing.T) string {
	t.Helper()
	seed, ok := testkit.ReadShared(t, testkit.SeedPath)
	if !ok {
		t.Skipf("%s is not here: ../shared (the project's test data) is needed for this test", testkit.SeedPath)
	}
	s := string(seed)
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"utf8.txt":          seed,
		"gb18030.txt":       testkit.MustEncode(t, simplifiedchinese.GB18030, s),
		"big5.txt":          testkit.MustEncode(t, traditionalchinese.Big5, testkit.Big5Subset(s)),
		"sub/nested.txt":    []byte("另一份\n" + s),
		"notes.md":          []byte("# 筆記\n\n焦作市委副書記帶隊檢查指導冬春季疫情防控工作。\n"),
		"bad.txt":           []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"),
		".hidden.txt":       []byte("隱藏的文件。\n"),
		".git/HEAD.txt":     []byte("隱藏的目錄。\n"),
		"sub/.cache/c.txt":  []byte("隱藏的目錄裡的文件。\n"),
		"sub/deeper/x.text": []byte("不是 .txt 的文件。\n"),
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// newImportProject creates an empty project in a directory of its own.
func newImportProject(t testing.TB, dir string) *Project {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	p, err := Create(filepath.Join(dir, "test.biaozhu"), nil, Options{NoBackup: true, Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// statuses maps each result's path, relative to dir and with slashes, to
// its status.
func statuses(t *testing.T, dir string, sum ImportSummary) map[string]ImportStatus {
	t.Helper()
	got := map[string]ImportStatus{}
	for _, r := range sum.Results {
		rel, err := filepath.Rel(dir, r.Path)
		if err != nil {
			t.Fatal(err)
		}
		got[filepath.ToSlash(rel)] = r.Status
	}
	return got
}

const (
	imported  = ImportImported
	unchanged = ImportUnchanged
	failed    = ImportFailed
)

func TestImport(t *testing.T) {
	seg := segmenterForTest(t)
	dir := importTree(t)
	in := func(names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = filepath.Join(dir, filepath.FromSlash(n))
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		paths      []string
		glob       string
		projectDir string // "" for a directory of its own
		want       map[string]ImportStatus
	}{
		{
			name:  "directory",
			paths: in("."),
			want:  map[string]ImportStatus{"bad.txt": failed, "big5.txt": imported, "gb18030.txt": imported, "sub/nested.txt": imported, "utf8.txt": imported},
		},
		{
			name:  "glob",
			paths: in("."),
			glob:  "*.md",
			want:  map[string]ImportStatus{"notes.md": imported},
		},
		{
			name:  "explicit files whatever their name",
			paths: in("notes.md", ".hidden.txt", "sub/deeper/x.text", "utf8.txt"),
			want:  map[string]ImportStatus{"notes.md": imported, ".hidden.txt": imported, "sub/deeper/x.text": imported, "utf8.txt": imported},
		},
		{
			name:  "missing path fails, the rest import",
			paths: in("missing.txt", "sub"),
			want:  map[string]ImportStatus{"missing.txt": failed, "sub/nested.txt": imported},
		},
		{
			name:  "a file named twice is imported once",
			paths: in("utf8.txt", ".", "utf8.txt"),
			glob:  "utf*",
			want:  map[string]ImportStatus{"utf8.txt": imported},
		},
		{
			name:       "the project's own files are skipped",
			paths:      in("."),
			glob:       "*",
			projectDir: dir,
			want: map[string]ImportStatus{"bad.txt": failed, "big5.txt": imported, "gb18030.txt": imported,
				"sub/nested.txt": imported, "utf8.txt": imported, "notes.md": imported, "sub/deeper/x.text": imported},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var projectDir string
			if tc.projectDir != "" {
				projectDir = t.TempDir()
				tree := filepath.Join(projectDir, "tree")
				if err := os.CopyFS(tree, os.DirFS(dir)); err != nil {
					t.Fatal(err)
				}
				for i, p := range tc.paths {
					rel, _ := filepath.Rel(dir, p)
					tc.paths[i] = filepath.Join(tree, rel)
				}
				projectDir = tree
			}
			p := newImportProject(t, projectDir)
			var progress []ImportResult
			sum, err := p.Import(context.Background(), seg, tc.paths, ImportOptions{Glob: tc.glob, Progress: func(r ImportResult) {
				progress = append(progress, r)
			}})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			base := dir
			if projectDir != "" {
				base = projectDir
			}
			if got := statuses(t, base, sum); !maps.Equal(got, tc.want) {
				t.Errorf("results %v, want %v", got, tc.want)
			}
			if len(sum.Results) != len(tc.want) {
				t.Errorf("%d results, want %d (a file twice?)", len(sum.Results), len(tc.want))
			}
			checkSummary(t, p, sum, progress)
		})
	}
}

// checkSummary checks that the summary adds up, that Progress saw every
// result in order, and that the project holds the documents imported.
func checkSummary(t *testing.T, p *Project, sum ImportSummary, progress []ImportResult) {
	t.Helper()
	var want ImportSummary
	for i, r := range sum.Results {
		want.add(r)
		if r.N != i+1 || r.Total != len(sum.Results) {
			t.Errorf("result %d: N/Total = %d/%d, want %d/%d", i, r.N, r.Total, i+1, len(sum.Results))
		}
		if (r.Status == ImportFailed) != (r.Err != nil) {
			t.Errorf("%s: status %s with error %v", r.Path, r.Status, r.Err)
		}
		if r.Err != nil && !strings.Contains(r.Err.Error(), r.Path) {
			t.Errorf("%s: error %q does not name the file", r.Path, r.Err)
		}
	}
	if want.Imported != sum.Imported || want.Unchanged != sum.Unchanged || want.Failed != sum.Failed ||
		want.Chars != sum.Chars || want.Tokens != sum.Tokens || want.Damage != sum.Damage {
		t.Errorf("summary %+v does not add up: want %+v", sum, want)
	}
	if sum.Imported+sum.Unchanged+sum.Failed != len(sum.Results) {
		t.Errorf("summary counts %d+%d+%d ≠ %d results", sum.Imported, sum.Unchanged, sum.Failed, len(sum.Results))
	}
	if !slices.EqualFunc(progress, sum.Results, func(a, b ImportResult) bool { return a.Path == b.Path && a.Status == b.Status }) {
		t.Errorf("Progress saw %d results, summary has %d, or in another order", len(progress), len(sum.Results))
	}
	docs, err := p.Documents()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]DocumentSummary{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	chars, tokens, damage := 0, 0, 0
	for _, r := range sum.Results {
		if r.Status != ImportImported {
			continue
		}
		d, ok := byID[r.DocID]
		if !ok {
			t.Errorf("%s: document %d is not in the project", r.Path, r.DocID)
			continue
		}
		if d.Name != filepath.Base(r.Path) || d.Source != absPath(r.Path) || d.Chars != r.Chars || d.Tokens != r.Tokens || d.Damage != r.Damage {
			t.Errorf("%s: stored %+v, result %+v", r.Path, d, r)
		}
		if r.Chars > 0 && r.Tokens == 0 {
			t.Errorf("%s: %d characters and no tokens", r.Path, r.Chars)
		}
		chars, tokens, damage = chars+d.Chars, tokens+d.Tokens, damage+d.Damage
	}
	if len(docs) != sum.Imported || chars != sum.Chars || tokens != sum.Tokens || damage != sum.Damage {
		t.Errorf("project: %d documents, %d chars, %d tokens, %d damage; summary %+v", len(docs), chars, tokens, damage, sum)
	}
}

// TestImportDocuments checks what the documents of the three encodings
// hold, and that the broken file's error is Decode's.
func TestImportDocuments(t *testing.T) {
	seg := segmenterForTest(t)
	dir := importTree(t)
	p := newImportProject(t, "")
	sum, err := p.Import(context.Background(), seg, []string{dir}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ImportResult{}
	for _, r := range sum.Results {
		byName[filepath.Base(r.Path)] = r
	}
	var de *text.DecodeError
	if r := byName["bad.txt"]; !errors.As(r.Err, &de) || !strings.Contains(r.Err.Error(), "not a text file") {
		t.Errorf("bad.txt: error %v, want a *DecodeError", r.Err)
	}
	res, err := text.Process("utf8.txt", mustRead(t, filepath.Join(dir, "utf8.txt")), seg, text.DefaultCleanOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := NewDocument(res)
	for _, tc := range []struct{ file, enc string }{{"utf8.txt", "UTF-8"}, {"gb18030.txt", "GB18030"}, {"big5.txt", "Big5"}} {
		t.Run(tc.file, func(t *testing.T) {
			r := byName[tc.file]
			doc, err := p.Document(r.DocID)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Report.Encoding != tc.enc {
				t.Errorf("encoding %q, want %q", doc.Report.Encoding, tc.enc)
			}
			if len(doc.Hash) != 64 || doc.Source != filepath.Join(dir, tc.file) || doc.Status != StatusNew {
				t.Errorf("hash %q, source %q, status %q", doc.Hash, doc.Source, doc.Status)
			}
			if tc.enc != "Big5" && (doc.Text != want.Text || len(doc.Tokens) != len(want.Tokens)) {
				t.Errorf("text or tokens differ from Process of the UTF-8 file: %d/%d chars, %d/%d tokens",
					doc.Chars(), want.Chars(), len(doc.Tokens), len(want.Tokens))
			}
		})
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportAgain imports a directory twice: the second time every file is
// unchanged (the broken one fails again) and names its document, and the
// project has no new documents; a new copy of a file under another name is
// unchanged too.
func TestImportAgain(t *testing.T) {
	seg := segmenterForTest(t)
	dir := importTree(t)
	p := newImportProject(t, "")
	first, err := p.Import(context.Background(), seg, []string{dir}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := p.Documents()
	if err := os.WriteFile(filepath.Join(dir, "copy.txt"), mustRead(t, filepath.Join(dir, "utf8.txt")), 0o644); err != nil {
		t.Fatal(err)
	}
	var progress []ImportResult
	again, err := p.Import(context.Background(), seg, []string{dir}, ImportOptions{Progress: func(r ImportResult) { progress = append(progress, r) }})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := p.Documents()
	if len(after) != len(before) {
		t.Errorf("%d documents after importing again, %d before", len(after), len(before))
	}
	if again.Imported != 0 || again.Unchanged != first.Imported+1 || again.Failed != first.Failed {
		t.Errorf("again: %d imported, %d unchanged, %d failed; first: %+v", again.Imported, again.Unchanged, again.Failed, first)
	}
	ids := map[string]int64{}
	for _, r := range first.Results {
		ids[filepath.Base(r.Path)] = r.DocID
	}
	ids["copy.txt"] = ids["utf8.txt"]
	for _, r := range again.Results {
		if r.Status == ImportUnchanged && (r.DocID != ids[filepath.Base(r.Path)] || r.Name == "") {
			t.Errorf("%s: unchanged as document %d %q, want document %d", r.Path, r.DocID, r.Name, ids[filepath.Base(r.Path)])
		}
	}
	checkSummaryCounts(t, again, progress)
}

// checkSummaryCounts is checkSummary without the project's documents.
func checkSummaryCounts(t *testing.T, sum ImportSummary, progress []ImportResult) {
	t.Helper()
	var want ImportSummary
	for _, r := range sum.Results {
		want.add(r)
	}
	if want.Imported != sum.Imported || want.Unchanged != sum.Unchanged || want.Failed != sum.Failed || len(progress) != len(sum.Results) {
		t.Errorf("summary %+v does not add up, or Progress saw %d", sum, len(progress))
	}
}

// TestImportSameBytes imports two files with the same bytes in one go:
// the second is unchanged, naming the first.
func TestImportSameBytes(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("同一篇文章。\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := newImportProject(t, "")
	sum, err := p.Import(context.Background(), segmenterForTest(t), []string{dir}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := statuses(t, dir, sum)
	want := map[string]ImportStatus{"a.txt": imported, "b.txt": unchanged, "c.txt": unchanged}
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, r := range sum.Results[1:] {
		if r.DocID != sum.Results[0].DocID || r.Name != "a.txt" {
			t.Errorf("%s: document %d %q, want %d a.txt", r.Path, r.DocID, r.Name, sum.Results[0].DocID)
		}
	}
}

func TestImportErrors(t *testing.T) {
	p := newImportProject(t, "")
	for _, tc := range []struct {
		name  string
		paths []string
		glob  string
		want  string
	}{
		{"no paths", nil, "", "no files or directories given"},
		{"bad glob", []string{"."}, "[", `pattern "["`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, err := p.Import(context.Background(), nil, tc.paths, ImportOptions{Glob: tc.glob})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "annotate: ") {
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
			if len(sum.Results) != 0 {
				t.Errorf("%d results", len(sum.Results))
			}
		})
	}
}

// TestImportCancel cancels an import from its Progress callback after the
// first file, and one before it starts: Import returns context.Canceled
// with the results so far, and the project holds exactly those documents.
func TestImportCancel(t *testing.T) {
	seg := segmenterForTest(t)
	dir := importTree(t)
	for _, tc := range []struct {
		name  string
		after int // cancel after this many results; 0: before Import
	}{
		{"before", 0},
		{"after one", 1},
		{"after two", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newImportProject(t, "")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.after == 0 {
				cancel()
			}
			n := 0
			sum, err := p.Import(ctx, seg, []string{dir}, ImportOptions{Progress: func(ImportResult) {
				if n++; n == tc.after {
					cancel()
				}
			}})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if len(sum.Results) != tc.after {
				t.Errorf("%d results, want %d", len(sum.Results), tc.after)
			}
			docs, _ := p.Documents()
			if len(docs) != sum.Imported {
				t.Errorf("%d documents, %d imported", len(docs), sum.Imported)
			}
		})
	}
}

// TestInOrder checks the pipeline under Import: values are consumed in
// order, and no more than inFlight are alive (started and not yet
// consumed) at once.
func TestInOrder(t *testing.T) {
	for _, tc := range []struct{ n, inFlight int }{{0, 1}, {1, 1}, {10, 1}, {10, 2}, {10, 3}, {2, 5}} {
		t.Run(fmt.Sprintf("n=%d,inFlight=%d", tc.n, tc.inFlight), func(t *testing.T) {
			var alive, most atomic.Int32
			var got []int
			err := inOrder(context.Background(), tc.n, tc.inFlight, func(i int) int {
				a := alive.Add(1)
				for m := most.Load(); a > m && !most.CompareAndSwap(m, a); m = most.Load() {
				}
				time.Sleep(time.Duration(tc.n-i) * time.Millisecond) // later ones finish first
				return i
			}, func(i, v int) {
				if v != i {
					t.Errorf("consume(%d, %d)", i, v)
				}
				got = append(got, v)
				alive.Add(-1)
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.n || !slices.IsSorted(got) {
				t.Errorf("consumed %v", got)
			}
			if m := int(most.Load()); m > tc.inFlight {
				t.Errorf("%d alive at once, want at most %d", m, tc.inFlight)
			}
		})
	}
}

// importBenchFiles writes about 3 MB of varied text into files in a new
// directory: each holds the seed article and a different stretch of the
// UD sentences (five to a paragraph), every fourth in GB18030. It returns
// the paths and their total size.
func importBenchFiles(b *testing.B) ([]string, int64) {
	seed, ok := testkit.ReadShared(b, testkit.SeedPath)
	if !ok {
		b.Skipf("%s is not here: ../shared is needed", testkit.SeedPath)
	}
	var sents []string
	for _, f := range []string{"zh_gsd-ud-dev.conllu", "zh_gsd-ud-test.conllu", "zh_gsdsimp-ud-test.conllu"} {
		for _, s := range testkit.ReadGold(b, f) {
			sents = append(sents, s.Text)
		}
	}
	const files, perFile = 20, 2000 // sentences of a file
	dir := b.TempDir()
	var paths []string
	var total int64
	for i := range files {
		var sb strings.Builder
		fmt.Fprintf(&sb, "第%d份\n", i+1)
		sb.Write(seed)
		for k := range perFile {
			sb.WriteString(sents[(i*len(sents)/files+k)%len(sents)])
			if k%5 == 4 {
				sb.WriteByte('\n')
			}
		}
		data := []byte(sb.String())
		if i%4 == 3 {
			data = testkit.MustEncode(b, simplifiedchinese.GB18030, sb.String())
		}
		p := filepath.Join(dir, fmt.Sprintf("f%02d.txt", i))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
		total += int64(len(data))
	}
	return paths, total
}

// BenchmarkImport imports about 3 MB in 20 files into a new project and,
// in the same run on the same files, runs the pipeline alone (read and
// Process, overlapped the same way, importInFlight at a time) and reports
// both throughputs and their ratio (target ≥ 0.8), and the ratio of the
// CPU time each took (cpu-ratio: what hashing and storing cost, whatever
// else the machine is doing). The project is opened
// as the import command opens it: synchronous=FULL, so each document is
// one fsync'd commit.
func BenchmarkImport(b *testing.B) {
	seg := segmenterForTest(b)
	paths, size := importBenchFiles(b)
	clean := text.DefaultCleanOptions()
	// Warm up: the files into the page cache, the heap to its size.
	for _, path := range paths[:4] {
		if _, err := text.Process(path, mustRead(b, path), seg, clean); err != nil {
			b.Fatal(err)
		}
	}
	var imp, pipe, impCPU, pipeCPU time.Duration
	for i := 0; b.Loop(); i++ {
		p, err := Create(filepath.Join(b.TempDir(), fmt.Sprintf("bench%d.biaozhu", i)), nil, Options{NoBackup: true})
		if err != nil {
			b.Fatal(err)
		}
		runImport := func() {
			start, cpu0 := time.Now(), processCPU()
			sum, err := p.Import(context.Background(), seg, paths, ImportOptions{})
			if err != nil || sum.Imported != len(paths) {
				b.Fatalf("Import: %v, %d of %d imported", err, sum.Imported, len(paths))
			}
			imp += time.Since(start)
			impCPU += processCPU() - cpu0
		}
		runPipeline := func() {
			start, cpu0 := time.Now(), processCPU()
			err := inOrder(context.Background(), len(paths), importInFlight, func(i int) *text.Result {
				data, err := os.ReadFile(paths[i])
				if err != nil {
					b.Error(err)
					return nil
				}
				doc, err := text.Process(paths[i], data, seg, clean)
				if err != nil {
					b.Error(err)
				}
				return doc
			}, func(int, *text.Result) {})
			if err != nil {
				b.Fatal(err)
			}
			pipe += time.Since(start)
			pipeCPU += processCPU() - cpu0
		}
		if i%2 == 0 {
			runImport()
			runPipeline()
		} else {
			runPipeline()
			runImport()
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
	mb := float64(size) * float64(b.N) / (1 << 20)
	b.ReportMetric(mb/imp.Seconds(), "import-MB/s")
	b.ReportMetric(mb/pipe.Seconds(), "pipeline-MB/s")
	b.ReportMetric(pipe.Seconds()/imp.Seconds(), "ratio")
	b.ReportMetric(float64(size)/(1<<20), "input-MB")
	if impCPU > 0 {
		b.ReportMetric(pipeCPU.Seconds()/impCPU.Seconds(), "cpu-ratio")
	}
}

// processCPU is the CPU time (user and system) this process has used, from
// /proc/self/stat, or 0 where there is no such file. On a loaded machine
// wall-clock throughput says little, but the CPU time each side costs
// still compares.
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) in
	// parentheses: state is field 3, utime 14, stime 15, in clock ticks
	// (USER_HZ, 100 on Linux).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100)
}

// TestImportStdin: the path "-" is opts.Stdin, read once however often it
// is named: a document named stdin without a source; the same bytes
// again are unchanged; bytes that are not text fail naming it.
func TestImportStdin(t *testing.T) {
	seg := segmenterForTest(t)
	p := newImportProject(t, "")
	const txt = "「你好嗎？」他問。\n「很好！」她說。\n"
	sum, err := p.Import(context.Background(), seg, []string{"-", "-"}, ImportOptions{Stdin: strings.NewReader(txt)})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Results) != 1 || sum.Results[0].Status != ImportImported || sum.Results[0].Path != "-" || sum.Results[0].Name != "stdin" {
		t.Fatalf("results %+v, want one imported document named stdin", sum.Results)
	}
	d, err := p.Document(sum.Results[0].DocID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Raw != txt || d.Source != "" {
		t.Errorf("raw text %q, source %q; want %q and none", d.Raw, d.Source, txt)
	}
	again, err := p.Import(context.Background(), seg, []string{"-"}, ImportOptions{Stdin: strings.NewReader(txt)})
	if err != nil || len(again.Results) != 1 || again.Results[0].Status != ImportUnchanged {
		t.Errorf("the same bytes again: %+v, %v; want unchanged", again.Results, err)
	}
	bad, err := p.Import(context.Background(), seg, []string{"-"}, ImportOptions{Stdin: strings.NewReader("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")})
	if err != nil || len(bad.Results) != 1 || bad.Results[0].Status != ImportFailed || !strings.Contains(bad.Results[0].Err.Error(), "stdin") {
		t.Errorf("a PNG on standard input: %+v, %v; want failed naming stdin", bad.Results, err)
	}
}
