package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRelationsCommand: on the UD GSD test set imported (its trees as
// relations), relations finds the arcs by type and by the word at either
// end: as many as the file has.
func TestRelationsCommand(t *testing.T) {
	conllu := shared(t, "gold/ud-gsd/zh_gsd-ud-test.conllu")
	// The gold counts: arcs of type T whose head is H and dependent D.
	count := func(typ, head, dep string) int {
		f, err := os.Open(conllu)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		n := 0
		var words [][]string
		flush := func() {
			for _, w := range words {
				h, err := strconv.Atoi(w[6])
				if err != nil || h == 0 {
					continue
				}
				if (typ == "" || w[7] == typ) && (head == "" || words[h-1][1] == head) && (dep == "" || w[1] == dep) {
					n++
				}
			}
			words = nil
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			cols := strings.Split(sc.Text(), "\t")
			switch {
			case len(cols) == 10:
				words = append(words, cols)
			case strings.TrimSpace(sc.Text()) == "":
				flush()
			}
		}
		flush()
		return n
	}
	proj := filepath.Join(t.TempDir(), "gsd.biaozhu")
	if r := biaozhu(t, nil, "import", "-p", proj, "-f", "conllu", conllu); r.code != 0 {
		t.Fatalf("import: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, c := range []struct {
		args           []string
		typ, head, dep string
	}{
		{[]string{"-type", "nsubj", "-from", "是"}, "nsubj", "是", ""},
		{[]string{"-type", "case", "-to", "在"}, "case", "", "在"},
		{[]string{"-from", "是", "-to", "他"}, "", "是", "他"},
		{[]string{"-type", "nsubj"}, "nsubj", "", ""},
	} {
		want := count(c.typ, c.head, c.dep)
		r := biaozhu(t, nil, append([]string{"relations", "-p", proj, "-limit", "100000"}, c.args...)...)
		if r.code != 0 {
			t.Fatalf("relations %q: exit %d, stderr %q", c.args, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if r.stdout == "" {
			lines = nil
		}
		if len(lines) != want || want == 0 || r.stderr != strconv.Itoa(want)+" relations\n" {
			t.Errorf("relations %q: %d lines, stderr %q; want %d (the gold file's arcs)", c.args, len(lines), r.stderr, want)
		}
		for _, l := range lines {
			if c.typ != "" && !strings.Contains(l, "—"+c.typ+"→") {
				t.Errorf("relations %q: line %q is not a %s arc", c.args, l, c.typ)
				break
			}
		}
	}
	// -doc: a second document with one nsubj arc whose head is 是
	small := filepath.Join(t.TempDir(), "small.conllu")
	if err := os.WriteFile(small, []byte("# text = 他是学生\n1\t他\t他\tPRON\t_\t_\t2\tnsubj\t_\tSpaceAfter=No\n2\t是\t是\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No\n3\t学生\t学生\tNOUN\t_\t_\t2\tobj\t_\t_\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := biaozhu(t, nil, "import", "-p", proj, "-f", "conllu", small); r.code != 0 {
		t.Fatalf("import: exit %d, stderr %q", r.code, r.stderr)
	}
	gold := count("nsubj", "是", "")
	for _, c := range []struct {
		doc  string
		want int
	}{{"", gold + 1}, {"1", gold}, {"2", 1}} {
		args := []string{"relations", "-p", proj, "-limit", "100000", "-type", "nsubj", "-from", "是"}
		if c.doc != "" {
			args = append(args, "-doc", c.doc)
		}
		r := biaozhu(t, nil, args...)
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if r.code != 0 || len(lines) != c.want {
			t.Errorf("relations -doc %q: exit %d, %d lines, stderr %q; want %d", c.doc, r.code, len(lines), r.stderr, c.want)
		}
		for _, l := range lines {
			if c.doc != "" && !strings.HasPrefix(l, c.doc+" ") {
				t.Errorf("relations -doc %s: line %q is of another document", c.doc, l)
				break
			}
		}
	}
	if r := biaozhu(t, nil, "relations", "-p", proj, "-doc", "3"); r.code == 0 || !strings.Contains(r.stderr, "gsd.biaozhu") || !strings.Contains(r.stderr, "3") || r.stdout != "" {
		t.Errorf("relations -doc 3 (no such document): exit %d, stdout %q, stderr %q; want an error naming the project and the document", r.code, r.stdout, r.stderr)
	}
	if r := biaozhu(t, nil, "relations", "-p", proj, "-limit", "3"); r.code != 0 || strings.Count(r.stdout, "\n") != 3 || !strings.Contains(r.stderr, "more than 3") {
		t.Errorf("relations -limit 3: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
