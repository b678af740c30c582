package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"a.txt", "a.txt"},
		{"新聞　2021 年.txt", "新聞　2021 年.txt"}, // graphic spaces stay
		{`C:\texts\a "b".txt`, `C:\texts\a "b".txt`},
		{"bad\n\x1b[31mred.txt", `"bad\n\x1b[31mred.txt"`},
		{"tab\there", `"tab\there"`},
		{"\u202egnp.exe", `"\u202egnp.exe"`}, // a right-to-left override
		{"csi\u009b31m", `"csi\u009b31m"`},   // the one-character CSI
		{"line\u2028sep", `"line\u2028sep"`},
		{"bad\xffbyte", `"bad\xffbyte"`},
		{" lead", `" lead"`},
		{"trail ", `"trail "`},
		{"", `""`},
	} {
		if got := quote(tc.name); got != tc.want {
			t.Errorf("quote(%+q) = %s, want %s", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct{ msg, want string }{
		{`annotate: a.txt: not a text file`, `annotate: a.txt: not a text file`},
		{"open x\n\x1b[2Jy.txt: no such file", `open x\n\x1b[2Jy.txt: no such file`},
		{"document \"a\x07\": bad", `document "a\a": bad`},
	} {
		if got := safeText(tc.msg); got != tc.want {
			t.Errorf("safeText(%+q) = %s, want %s", tc.msg, got, tc.want)
		}
	}
}

// hostile is a file name that would move the cursor to a new line and
// turn the terminal red if printed as it is.
const hostile = "bad\n\x1b[31mred"

// TestHostileNames: a file name with a line break and an escape sequence
// reaches no command's output as it is: import (a file imported, one
// failed, the same bytes again), ls, kwic, freq and export print it
// quoted, and errors escape it.
func TestHostileNames(t *testing.T) {
	dir := t.TempDir()
	texts := filepath.Join(dir, "texts")
	if err := os.Mkdir(texts, 0o755); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(texts, hostile+".txt")
	bad := filepath.Join(texts, hostile+"\x07.bin.txt")
	for path, data := range map[string]string{good: "焦作市位于河南省西北部。第二句在这里。\n", bad: "\x89PNG\r\n\x1a\n\x00\x00"} {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	project := filepath.Join(dir, "p.biaozhu")
	raw := func(t *testing.T, what string, r result) {
		t.Helper()
		for _, s := range []string{r.stdout, r.stderr} {
			if strings.ContainsAny(s, "\x1b\x07") || strings.Contains(s, "bad\n") {
				t.Errorf("%s printed the name as it is: stdout %q, stderr %q", what, r.stdout, r.stderr)
			}
		}
	}
	wantIn := func(t *testing.T, what, s, want string) {
		t.Helper()
		if !strings.Contains(s, want) {
			t.Errorf("%s: %q does not hold %s", what, s, want)
		}
	}
	q := func(s string) string { return quote(s) }

	r := biaozhu(t, nil, "import", "-p", project, texts)
	raw(t, "import", r)
	if r.code != 1 {
		t.Fatalf("import: exit %d, want 1 (one file failed); stderr %q", r.code, r.stderr)
	}
	wantIn(t, "import", r.stderr, "] imported "+q(good)+": ")
	wantIn(t, "import", r.stderr, "] failed "+q(bad)+": ")
	if n := strings.Count(r.stderr, "\n"); n != 5 { // created, loading, 2 files, the error
		t.Errorf("import: %d lines on stderr, want 5: %q", n, r.stderr)
	}
	same := filepath.Join(dir, "same.txt") // the bytes of the file imported
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(same, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r = biaozhu(t, nil, "import", "-p", project, good, same)
	raw(t, "import again", r)
	wantIn(t, "import again", r.stderr, "[1/2] unchanged "+q(good)+" (document 1)")
	wantIn(t, "import again", r.stderr, "[2/2] unchanged "+same+" (same bytes as document 1, "+q(hostile+".txt")+")")

	r = biaozhu(t, nil, "ls", "-p", project)
	raw(t, "ls", r)
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2 || !strings.Contains(lines[1], " "+q(hostile+".txt")+" ") {
		t.Errorf("ls: %q, want a header and one row naming %s", r.stdout, q(hostile+".txt"))
	}
	r = biaozhu(t, nil, "kwic", "-p", project, "河南")
	raw(t, "kwic", r)
	wantIn(t, "kwic", r.stdout, q(hostile+".txt")+"  ")

	out := filepath.Join(dir, hostile+".csv")
	r = biaozhu(t, nil, "freq", "-p", project, "-o", out)
	raw(t, "freq -o", r)
	wantIn(t, "freq -o", r.stderr, "written to "+q(out))

	out = filepath.Join(dir, hostile+".jsonl")
	r = biaozhu(t, nil, "export", "-p", project, "-f", "doccano", "-o", out)
	raw(t, "export", r)
	if r.code != 0 || strings.TrimSpace(r.stdout) != q(out) {
		t.Errorf("export: exit %d, stdout %q, want the file %s", r.code, r.stdout, q(out))
	}

	r = biaozhu(t, nil, "clean", filepath.Join(dir, hostile+"-missing.txt"))
	raw(t, "clean of a missing file", r)
	if r.code != 1 || !strings.Contains(r.stderr, `bad\n\x1b[31mred-missing.txt`) {
		t.Errorf("clean of a missing file: exit %d, stderr %q, want 1 and the name escaped", r.code, r.stderr)
	}
}
