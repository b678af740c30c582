package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

// TestMain lets the test binary stand in for biaozhu: run with
// BIAOZHU_RUN_MAIN=1 it runs main with the arguments after "--".
func TestMain(m *testing.M) {
	if os.Getenv("BIAOZHU_RUN_MAIN") == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"biaozhu"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type result struct {
	stdout, stderr string
	code           int
}

// biaozhu runs the command with args under LANG=C.UTF-8 (the locale that
// makes Fyne log at start-up) and returns what it printed and its exit
// status.
func biaozhu(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "BIAOZHU_RUN_MAIN=1", "LANG=C.UTF-8", "LC_ALL=")
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

func shared(t *testing.T, path string) string {
	t.Helper()
	p := filepath.Join("..", "shared", path)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is not here (%v): ../shared is needed for this test", p, err)
	}
	return p
}

var scoreLine = regexp.MustCompile(`^P=0\.\d{4} R=0\.\d{4} F1=(0\.\d{4})$`)

// TestSegEval is the acceptance test of segmentation: segeval on the UD
// test set, traditional and simplified, scores F1 ≥ 0.78 on both.
func TestSegEval(t *testing.T) {
	for _, f := range []string{"zh_gsd-ud-test.conllu", "zh_gsdsimp-ud-test.conllu"} {
		t.Run(f, func(t *testing.T) {
			r := biaozhu(t, nil, "segeval", shared(t, "gold/ud-gsd/"+f))
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			last := lines[len(lines)-1]
			m := scoreLine.FindStringSubmatch(last)
			if m == nil {
				t.Fatalf("last line %q is not P=… R=… F1=…", last)
			}
			f1, _ := strconv.ParseFloat(m[1], 64)
			t.Logf("%s: %s", f, last)
			if f1 < 0.78 {
				t.Errorf("F1 %.4f, want at least 0.78", f1)
			}
		})
	}
}

func TestCleanCommand(t *testing.T) {
	seed := shared(t, "corpus/jiaozuo-news-2021.txt")
	r := biaozhu(t, nil, "clean", "-report", "json", seed)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "品是外防輸入的關鍵關口") || strings.Contains(r.stdout, "shí") {
		t.Errorf("stdout is not the clean text: %.200q", r.stdout)
	}
	var report struct {
		Encoding string         `json:"encoding"`
		Counts   map[string]int `json:"counts"`
		Marks    []struct {
			Kind string `json:"kind"`
		} `json:"marks"`
	}
	if err := json.Unmarshal([]byte(r.stderr), &report); err != nil {
		t.Fatalf("stderr is not the JSON report (%v): %.300q", err, r.stderr)
	}
	if report.Encoding != "UTF-8" || report.Counts["repaired"] != 3 || len(report.Marks) == 0 {
		t.Errorf("report %+v", report)
	}
	text := biaozhu(t, nil, "clean", seed)
	if text.stdout != r.stdout || !strings.HasPrefix(text.stderr, "encoding: UTF-8\n") {
		t.Errorf("text report: stdout differs or stderr %.100q", text.stderr)
	}
}

func TestSegmentCommand(t *testing.T) {
	seed := shared(t, "corpus/jiaozuo-news-2021.txt")
	t.Run("jsonl", func(t *testing.T) {
		r := biaozhu(t, nil, "segment", seed)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		clean := biaozhu(t, nil, "clean", seed).stdout
		doc := []rune(strings.TrimSuffix(clean, "\n"))
		sc := bufio.NewScanner(strings.NewReader(r.stdout))
		sc.Buffer(nil, 1<<24)
		n := 0
		for sc.Scan() {
			var s struct {
				Doc    string `json:"doc"`
				Text   string `json:"text"`
				Start  int    `json:"start"`
				End    int    `json:"end"`
				Tokens []struct {
					Start, End int
					Text, POS  string
				} `json:"tokens"`
			}
			if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
				t.Fatalf("line %d: %v", n+1, err)
			}
			n++
			if s.Doc != "jiaozuo-news-2021.txt" || string(doc[s.Start:s.End]) != s.Text {
				t.Errorf("line %d: doc %q, text %q ≠ clean[%d:%d]", n, s.Doc, s.Text, s.Start, s.End)
			}
			for _, tok := range s.Tokens {
				if string(doc[tok.Start:tok.End]) != tok.Text || tok.POS == "" {
					t.Errorf("line %d: token %+v ≠ clean text %q", n, tok, string(doc[tok.Start:tok.End]))
				}
			}
		}
		if n < 10 {
			t.Errorf("%d sentences", n)
		}
	})
	t.Run("conllu", func(t *testing.T) {
		r := biaozhu(t, nil, "segment", "-format", "conllu", seed)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		sents, err := export.ReadCoNLLU("stdout", strings.NewReader(r.stdout))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sents {
			var sb strings.Builder
			for _, w := range s.Words {
				sb.WriteString(w.Form)
				if w.SpaceAfter() {
					sb.WriteByte(' ')
				}
			}
			if got := strings.TrimSpace(sb.String()); got != s.Text {
				t.Errorf("sentence %s: words %q ≠ # text %q", s.ID, got, s.Text)
			}
		}
	})
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "photo.png")
	if err := os.WriteFile(binary, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.txt")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"missing file", []string{"clean", missing}, 1, missing},
		{"binary file", []string{"segment", binary}, 1, binary},
		{"no file", []string{"clean"}, 2, "usage:"},
		{"bad format", []string{"segment", "-format", "xml", binary}, 2, "-format"},
		{"unknown command", []string{"frob"}, 2, `unknown command "frob"`},
		{"segeval on a text file", []string{"segeval", binary}, 1, binary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := biaozhu(t, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "Fyne error") {
				t.Errorf("stderr holds a trace or Fyne's log: %q", r.stderr)
			}
			if first, _, _ := strings.Cut(r.stderr, "\n"); !strings.HasPrefix(first, "biaozhu: ") {
				t.Errorf("first line %q does not start with biaozhu:", first)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		if r := biaozhu(t, nil, "-h"); r.code != 0 || !strings.HasPrefix(r.stdout, "usage:") ||
			!strings.Contains(r.stdout, "biaozhu import -p") || !strings.Contains(r.stdout, "biaozhu ls -p") {
			t.Errorf("exit %d, stdout %q", r.code, r.stdout)
		}
	})
	if runtime.GOOS == "linux" && buildKind != "commands only" { // -tags nogui: TestNoWindow
		t.Run("no display", func(t *testing.T) {
			r := biaozhu(t, []string{"DISPLAY=", "WAYLAND_DISPLAY="})
			if r.code != 1 || !strings.Contains(r.stderr, "no display") {
				t.Errorf("exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
}

var (
	importedLine  = regexp.MustCompile(`^\[(\d+)/(\d+)\] imported (.+): ([\d,]+) characters?, ([\d,]+) tokens?, ([\d,]+) damage marks?$`)
	unchangedLine = regexp.MustCompile(`^\[(\d+)/(\d+)\] unchanged (.+) \(document (\d+)\)$`)
	failedLine    = regexp.MustCompile(`^\[(\d+)/(\d+)\] failed (.+): annotate: (.+)$`)
	summaryLine   = regexp.MustCompile(`^imported (\d+) documents? \(([\d,]+) characters?, ([\d,]+) tokens?, ([\d,]+) damage marks?\); (\d+) unchanged; (\d+) failed\n$`)
)

// importLines sorts the lines import printed on stderr by what they say
// happened, keyed by file name, and checks the other lines.
func importLines(t *testing.T, stderr string) (imported, unchanged, failed map[string]string) {
	t.Helper()
	imported, unchanged, failed = map[string]string{}, map[string]string{}, map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if m := importedLine.FindStringSubmatch(l); m != nil {
			imported[filepath.Base(m[3])] = l
		} else if m := unchangedLine.FindStringSubmatch(l); m != nil {
			unchanged[filepath.Base(m[3])] = m[4]
		} else if m := failedLine.FindStringSubmatch(l); m != nil {
			failed[filepath.Base(m[3])] = l
		} else if l != "loading dictionary…" && !strings.HasPrefix(l, "created project ") && !strings.HasPrefix(l, "biaozhu: import: ") {
			t.Errorf("stderr line %q", l)
		}
	}
	return imported, unchanged, failed
}

// lsRows runs ls and returns its rows without the header, as fields.
func lsRows(t *testing.T, project string) [][]string {
	t.Helper()
	r := biaozhu(t, nil, "ls", "-p", project)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("ls: exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if got := strings.Fields(lines[0]); strings.Join(got, " ") != "ID NAME STATUS CHARS TOKENS SPANS SUGGESTED" {
		t.Fatalf("ls header %q", lines[0])
	}
	var rows [][]string
	for _, l := range lines[1:] {
		rows = append(rows, strings.Fields(l))
	}
	return rows
}

// TestImportCommand imports a directory with a broken file (exit 1, the
// others imported), lists the project, and imports it again (all
// unchanged, exit 0 once the broken file is gone).
func TestImportCommand(t *testing.T) {
	seed, err := os.ReadFile(shared(t, "corpus/jiaozuo-news-2021.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	texts := filepath.Join(dir, "texts")
	for name, data := range map[string][]byte{
		"a.txt":       seed,
		"sub/b.txt":   append([]byte("第二份\n"), seed...),
		"bad.txt":     []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"notes.md":    []byte("不導入。\n"),
		".hidden.txt": []byte("不導入。\n"),
	} {
		p := filepath.Join(texts, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	project := filepath.Join(dir, "p.biaozhu")

	r := biaozhu(t, nil, "import", "-p", project, texts)
	if r.code != 1 {
		t.Fatalf("import with a broken file: exit %d, want 1; stderr %q", r.code, r.stderr)
	}
	imported, unchanged, failed := importLines(t, r.stderr)
	if len(imported) != 2 || imported["a.txt"] == "" || imported["b.txt"] == "" || len(unchanged) != 0 || len(failed) != 1 || failed["bad.txt"] == "" {
		t.Errorf("imported %v, unchanged %v, failed %v", imported, unchanged, failed)
	}
	if !strings.Contains(failed["bad.txt"], "not a text file") || !strings.Contains(r.stderr, "biaozhu: import: 1 file of 3 failed") {
		t.Errorf("stderr %q", r.stderr)
	}
	m := summaryLine.FindStringSubmatch(r.stdout)
	if m == nil || m[1] != "2" || m[5] != "0" || m[6] != "1" {
		t.Errorf("stdout %q, want the summary: 2 imported, 0 unchanged, 1 failed", r.stdout)
	}

	rows := lsRows(t, project)
	if len(rows) != 2 {
		t.Fatalf("ls: %d rows, want 2: %q", len(rows), rows)
	}
	for i, want := range []string{"a.txt", "b.txt"} {
		row := rows[i]
		if len(row) != 7 || row[0] != strconv.Itoa(i+1) || row[1] != want || row[2] != "new" || row[5] != "0" || row[6] != "0" {
			t.Errorf("ls row %d: %q, want %d %s new … 0", i, row, i+1, want)
			continue
		}
		chars, _ := strconv.Atoi(row[3])
		tokens, _ := strconv.Atoi(row[4])
		if chars < 500 || tokens < 200 || tokens > chars {
			t.Errorf("ls row %d: %d characters, %d tokens", i, chars, tokens)
		}
		if line := imported[want]; !strings.Contains(line, thousands(chars)+" characters, "+thousands(tokens)+" tokens") {
			t.Errorf("import said %q, ls says %d characters, %d tokens", line, chars, tokens)
		}
	}

	if err := os.Remove(filepath.Join(texts, "bad.txt")); err != nil {
		t.Fatal(err)
	}
	r = biaozhu(t, nil, "import", "-f", "text", "-p", project, texts)
	if r.code != 0 {
		t.Fatalf("import again: exit %d, stderr %q", r.code, r.stderr)
	}
	imported, unchanged, failed = importLines(t, r.stderr)
	if len(imported) != 0 || len(failed) != 0 || unchanged["a.txt"] != "1" || unchanged["b.txt"] != "2" {
		t.Errorf("import again: imported %v, unchanged %v, failed %v", imported, unchanged, failed)
	}
	if m := summaryLine.FindStringSubmatch(r.stdout); m == nil || m[1] != "0" || m[5] != "2" || m[6] != "0" {
		t.Errorf("import again: stdout %q", r.stdout)
	}
	if rows := lsRows(t, project); len(rows) != 2 {
		t.Errorf("ls after importing again: %d rows, want 2", len(rows))
	}
}

// TestImportLsErrors checks the errors of import and ls: usage errors exit
// 2, a missing or locked project exits 1 naming the file.
func TestImportLsErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.biaozhu")
	locked := filepath.Join(dir, "locked.biaozhu")
	p, err := annotate.Create(locked, nil, annotate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	text := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(text, []byte("一篇文章。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"ls missing project", []string{"ls", "-p", missing}, 1, missing},
		{"ls without -p", []string{"ls"}, 2, "-p"},
		{"ls with an argument", []string{"ls", "-p", locked, "x"}, 2, `unexpected argument "x"`},
		{"import without -p", []string{"import", text}, 2, "-p"},
		{"import without files", []string{"import", "-p", missing}, 2, "no FILE or DIR"},
		{"import bad format", []string{"import", "-p", missing, "-f", "xml", text}, 2, `-f "xml"`},
		{"import bad glob", []string{"import", "-p", missing, "-glob", "[", text}, 2, "-glob"},
		{"import into a project open elsewhere", []string{"import", "-p", locked, text}, 1, "already open"},
		{"ls of a project open elsewhere", []string{"ls", "-p", locked}, 1, "already open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := biaozhu(t, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
			if first, _, _ := strings.Cut(r.stderr, "\n"); !strings.HasPrefix(first, "biaozhu: ") {
				t.Errorf("first line %q does not start with biaozhu:", first)
			}
			if i := slices.Index(tc.args, "-p"); tc.code == 1 && !strings.Contains(r.stderr, tc.args[i+1]) {
				t.Errorf("stderr %q does not name the project %s", r.stderr, tc.args[i+1])
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("%s was created by a command that failed", missing)
	}
	docs, err := p.Documents()
	if err != nil || len(docs) != 0 {
		t.Errorf("the locked project has %d documents (%v)", len(docs), err)
	}
}

func TestThousands(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0"}, {12, "12"}, {999, "999"}, {1000, "1,000"}, {12345, "12,345"}, {1234567, "1,234,567"}, {-1234, "-1,234"}} {
		if got := thousands(tc.n); got != tc.want {
			t.Errorf("thousands(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestImportExportFormats drives import -f and export through the binary:
// a bad record fails the whole import naming file and line (nothing is
// imported), -skip-bad imports the rest, and export writes what import
// read, reporting the files on stdout.
func TestImportExportFormats(t *testing.T) {
	fixture := shared(t, "gold/doccano/doccano_official_import_test_sequence_labeling.jsonl")
	dir := t.TempDir()
	proj := filepath.Join(dir, "f.biaozhu")

	r := biaozhu(t, nil, "import", "-p", proj, "-f", "doccano", fixture)
	if r.code != 1 || !strings.Contains(r.stderr, "doccano_official_import_test_sequence_labeling.jsonl:3") {
		t.Fatalf("import of a file with a bad line: exit %d, stderr %q; want 1 naming the file and line 3", r.code, r.stderr)
	}
	if _, err := os.Stat(proj); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after a failed import into a new project: %v; want no project file left", err)
	}
	r = biaozhu(t, nil, "import", "-p", proj, "-f", "doccano", "-skip-bad", fixture)
	if r.code != 0 || !strings.Contains(r.stdout, "imported 2 documents") || !strings.Contains(r.stderr, ":3") {
		t.Fatalf("import -skip-bad: exit %d, stdout %q, stderr %q; want 2 documents and line 3 reported", r.code, r.stdout, r.stderr)
	}
	out := filepath.Join(dir, "out.jsonl")
	r = biaozhu(t, nil, "export", "-p", proj, "-f", "doccano", "-o", out)
	if r.code != 0 || strings.TrimSpace(r.stdout) != out {
		t.Fatalf("export: exit %d, stdout %q, stderr %q; want the file on stdout", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("export line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 || lines[0]["text"] != "exampleA" || fmt.Sprint(lines[0]["label"]) != "[[0 1 LOC]]" {
		t.Errorf("export = %v, want exampleA with [0,1) LOC first", lines)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "-p", proj, "-f", "nope", "-o", out}, 2, "want one of"},
		{[]string{"export", "-p", proj, "-f", "doccano"}, 2, "required"},
		{[]string{"export", "-p", proj, "-f", "doccano", "-o", out, "-split", "8/x"}, 2, "not a ratio"},
		{[]string{"export", "-p", proj, "-f", "doccano", "-o", out, "-layers", "nope"}, 1, `no layer "nope"`},
		{[]string{"import", "-p", proj, "-f", "nope", fixture}, 2, "want one of"},
	} {
		r := biaozhu(t, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("biaozhu %q: exit %d, stderr %q; want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}
}
