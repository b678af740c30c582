package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

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
		if r := biaozhu(t, nil, "-h"); r.code != 0 || !strings.HasPrefix(r.stdout, "usage:") {
			t.Errorf("exit %d, stdout %q", r.code, r.stdout)
		}
	})
	if runtime.GOOS == "linux" {
		t.Run("no display", func(t *testing.T) {
			r := biaozhu(t, []string{"DISPLAY=", "WAYLAND_DISPLAY="})
			if r.code != 1 || !strings.Contains(r.stderr, "no display") {
				t.Errorf("exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
}
