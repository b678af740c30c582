package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/export"
)

// TestCommandHelp: COMMAND -h (-help, --help) prints that command's usage
// and flags on stdout, none of the other commands', and exits 0 (it gave
// "flag: help requested" and the whole usage, exit 2).
func TestCommandHelp(t *testing.T) {
	cmds := []string{"clean", "segment", "segeval", "import", "ls", "export", "kwic", "freq"}
	for _, cmd := range cmds {
		for _, h := range []string{"-h", "-help", "--help"} {
			t.Run(cmd+" "+h, func(t *testing.T) {
				r := biaozhu(t, nil, cmd, h)
				if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, "usage:\n  biaozhu "+cmd+" ") || !strings.Contains(r.stdout, "\nflags:\n") {
					t.Fatalf("exit %d, stderr %q, stdout %q; want exit 0 and the usage of %s alone on stdout", r.code, r.stderr, r.stdout, cmd)
				}
				for _, other := range cmds {
					if other != cmd && strings.Contains(r.stdout, "  biaozhu "+other+" ") {
						t.Errorf("the usage of %s holds that of %s:\n%s", cmd, other, r.stdout)
					}
				}
			})
		}
	}
	if r := biaozhu(t, nil, "export", "-h"); !strings.Contains(r.stdout, "  -excel\n") || !strings.Contains(r.stdout, "spacy-docbin") {
		t.Errorf("export -h does not list -excel and spacy-docbin:\n%s", r.stdout)
	}
}

// TestUsageCurrent: the usage text names every export format and every
// import format (and their old names), and no longer says more are to
// come.
func TestUsageCurrent(t *testing.T) {
	exp, imp := commandUsage("export"), commandUsage("import")
	for _, f := range export.Formats() {
		if !strings.Contains(exp, f.Name) {
			t.Errorf("the usage of export does not name the format %s", f.Name)
		}
		for _, a := range f.Aliases {
			if !strings.Contains(exp, a) {
				t.Errorf("the usage of export does not name %s's old name %s", f.Name, a)
			}
		}
	}
	for _, r := range export.Readers() {
		if !strings.Contains(imp, r.Name) {
			t.Errorf("the usage of import does not name the format %s", r.Name)
		}
	}
	if strings.Contains(usage, "more formats come") || strings.Contains(usage, "the only one for now") {
		t.Errorf("the usage still says more formats are to come")
	}
}

// TestImportStdinExcel: import -f FORMAT - reads standard input. export -excel writes the CSV for
// spreadsheet apps (to standard output here), and is refused for other
// formats; the old name spacy still imports Prodigy JSONL.
func TestImportStdinExcel(t *testing.T) {
	dir := t.TempDir()
	proj := filepath.Join(dir, "p.biaozhu")
	in := `{"text":"=SUM(1,2) 北京","label":[[10,12,"LOC"]]}` + "\n" + `{"text":"-1 度","label":[]}` + "\n"
	stdout, stderr, code := runInput(t, in, "import", "-p", proj, "-f", "doccano", "-")
	if code != 0 || !strings.Contains(stdout, "imported 2 documents with 1 span") || strings.Contains(stderr, "biaozhu-stdin-") {
		t.Fatalf("import -f doccano -: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	stdout, stderr, code = runInput(t, "", "export", "-p", proj, "-f", "csv-tokens", "-excel", "-o", "-")
	if code != 0 || !strings.HasPrefix(stdout, "\uFEFFdoc_id,") || !strings.Contains(stdout, ",excel-safe: ") || !strings.Contains(stdout, ",'=") || !strings.Contains(stdout, ",'-") {
		t.Errorf("export -f csv-tokens -excel -o -: exit %d, stderr %q, stdout %q", code, stderr, stdout)
	}
	if _, stderr, code := runInput(t, "", "export", "-p", proj, "-f", "doccano", "-excel", "-o", "-"); code != 2 || !strings.Contains(stderr, "-excel is for csv-tokens, csv-spans and csv-relations") {
		t.Errorf("export -f doccano -excel: exit %d, stderr %q; want 2", code, stderr)
	}
	out := filepath.Join(dir, "p.jsonl")
	if _, stderr, code := runInput(t, "", "export", "-p", proj, "-f", "prodigy", "-o", out); code != 0 {
		t.Fatalf("export -f prodigy: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
	if stdout, stderr, code := runInput(t, "", "import", "-p", filepath.Join(dir, "q.biaozhu"), "-f", "spacy", out); code != 0 || !strings.Contains(stdout, "imported 2 documents") {
		t.Errorf("import -f spacy (prodigy's old name): exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestImportTextStdin: import - reads a text from standard input: a
// document named stdin, imported once (the same bytes again are
// unchanged).
func TestImportTextStdin(t *testing.T) {
	proj := filepath.Join(t.TempDir(), "p.biaozhu")
	const text = "甲：你今天去哪兒了？\n乙：我在第三號會議室開會。\n"
	stdout, stderr, code := runInput(t, text, "import", "-p", proj, "-")
	if code != 0 || !strings.Contains(stderr, "[1/1] imported -: 24 characters") || !strings.Contains(stdout, "imported 1 document") {
		t.Fatalf("import -: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if stdout, stderr, code := runInput(t, text, "import", "-p", proj, "-"); code != 0 || !strings.Contains(stderr, "unchanged -") || !strings.Contains(stdout, "imported 0 documents") {
		t.Errorf("import - again: exit %d, stdout %q, stderr %q; want it unchanged", code, stdout, stderr)
	}
	if rows := lsRows(t, proj); len(rows) != 1 || rows[0][1] != "stdin" {
		t.Errorf("ls = %q, want one document named stdin", rows)
	}
}
