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
	if r := biaozhu(t, nil, "relations", "-p", proj, "-limit", "3"); r.code != 0 || strings.Count(r.stdout, "\n") != 3 || !strings.Contains(r.stderr, "more than 3") {
		t.Errorf("relations -limit 3: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
