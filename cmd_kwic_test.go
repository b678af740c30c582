package main

import (
	"bufio"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// gsdForms reads the FORM column of a CoNLL-U file.
func gsdForms(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var forms []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) == 10 && !strings.ContainsAny(cols[0], "-.") {
			forms = append(forms, cols[1])
		}
	}
	return forms
}

func countForms(forms []string, f func(string) bool) int {
	n := 0
	for _, w := range forms {
		if f(w) {
			n++
		}
	}
	return n
}

var hitsLine = regexp.MustCompile(`^(more than )?([\d,]+) hits?`)

// hitCount is the count of a kwic stderr line (0 if none).
func hitCount(stderr string) int {
	m := hitsLine.FindStringSubmatch(stderr)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[2], ",", ""))
	return n
}

// TestKwicFreqCommands runs kwic and freq on a project holding the UD test
// set (imported with its gold tokens): counts match the FORM column, lines
// are aligned by display width, tables are written, errors exit 1 (naming
// the file) or 2 (usage).
func TestKwicFreqCommands(t *testing.T) {
	conllu := shared(t, "gold/ud-gsd/zh_gsd-ud-test.conllu")
	forms := gsdForms(t, conllu)
	dir := t.TempDir()
	proj := filepath.Join(dir, "gsd.biaozhu")
	if r := biaozhu(t, nil, "import", "-p", proj, "-f", "conllu", conllu); r.code != 0 {
		t.Fatalf("import: exit %d, stderr %q", r.code, r.stderr)
	}
	de := countForms(forms, func(w string) bool { return w == "的" })

	t.Run("lines", func(t *testing.T) {
		r := biaozhu(t, nil, "kwic", "-p", proj, "-word", "的", "-limit", "20", "-sort", "left1")
		if r.code != 0 {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if len(lines) != 20 {
			t.Fatalf("%d lines, want 20: %q", len(lines), r.stdout)
		}
		col1, col2 := -1, -1
		for _, l := range lines {
			a, rest, ok := strings.Cut(l, " │ ")
			m, _, ok2 := strings.Cut(rest, " │ ")
			if !ok || !ok2 || m != "的" {
				t.Fatalf("line %q is not DOC  LEFT │ 的 │ RIGHT", l)
			}
			w1, w2 := displayWidth(a), displayWidth(a)+3+displayWidth(m)
			if col1 >= 0 && (w1 != col1 || w2 != col2) {
				t.Errorf("line %q: │ at columns %d and %d, the first line's at %d and %d", l, w1, w2, col1, col2)
			}
			col1, col2 = w1, w2
		}
		if hitCount(r.stderr) != de || !strings.Contains(r.stderr, "20 shown") {
			t.Errorf("stderr %q, want %d hits, 20 shown", r.stderr, de)
		}
	})

	t.Run("counts", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want int
		}{
			{[]string{"-word", "的"}, de},
			{[]string{"中國"}, -1},
			{[]string{"-word-regex", ".*國"}, countForms(forms, func(w string) bool { return strings.HasSuffix(w, "國") })},
			{[]string{"-regex", "[0-9]+"}, -1},
			{[]string{"-word", "中国", "-fold"}, countForms(forms, func(w string) bool { return w == "中國" || w == "中国" })},
			{[]string{"-pos", "PROPN", "-word-regex", ".*國"}, -1},
			{[]string{"-label", "NNP"}, -1},
		} {
			r := biaozhu(t, nil, append([]string{"kwic", "-p", proj, "-limit", "1"}, tc.args...)...)
			n := hitCount(r.stderr)
			if r.code != 0 || n == 0 {
				t.Errorf("kwic %q: exit %d, stderr %q", tc.args, r.code, r.stderr)
				continue
			}
			if tc.want >= 0 && n != tc.want || n == 0 {
				t.Errorf("kwic %q: %d hits, want %d", tc.args, n, tc.want)
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		out := filepath.Join(dir, "de.csv")
		r := biaozhu(t, nil, "kwic", "-p", proj, "-word", "的", "-width", "5", "-o", out, "-bom")
		if r.code != 0 {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != de+1 || strings.Join(rows[0], ",") != "document,start,end,left,match,right,pos,label" {
			t.Fatalf("%d rows (want %d and a header), header %q", len(rows), de+1, rows[0])
		}
		for _, row := range rows[1:] {
			s, _ := strconv.Atoi(row[1])
			e, _ := strconv.Atoi(row[2])
			if row[4] != "的" || e != s+1 || len([]rune(row[3])) > 5 || row[6] == "" {
				t.Fatalf("row %q", row)
			}
		}
	})

	t.Run("freq", func(t *testing.T) {
		r := biaozhu(t, nil, "freq", "-p", proj, "-limit", "3")
		if r.code != 0 {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "word") {
			t.Fatalf("stdout %q, want a header and 3 rows", r.stdout)
		}
		// The most frequent word and its count, as counted here.
		counts := map[string]int{}
		best := ""
		for _, w := range forms {
			counts[w]++
			if counts[w] > counts[best] || counts[w] == counts[best] && w < best {
				best = w
			}
		}
		f := strings.Fields(lines[1])
		if len(f) != 4 || f[0] != best || f[1] != strconv.Itoa(counts[best]) || f[2] != "1" || !strings.HasSuffix(f[3], "%") {
			t.Errorf("first row %q, want %s %d 1 …%%", lines[1], best, counts[best])
		}
		out := filepath.Join(dir, "labels.xlsx")
		if r := biaozhu(t, nil, "freq", "-p", proj, "-by", "label-word", "-o", out); r.code != 0 {
			t.Fatalf("freq -o: exit %d, stderr %q", r.code, r.stderr)
		}
		x, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("Frequency")
		if err != nil || len(rows) < 100 || strings.Join(rows[0], ",") != "label,text,count,docs,share" || !strings.HasPrefix(rows[1][0], "xpos/") {
			t.Errorf("freq label-word xlsx: %d rows (%v), first %q", len(rows), err, rows[:min(2, len(rows))])
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"kwic", "的"}, 2, "-p PROJECT is required"},
			{[]string{"kwic", "-p", proj}, 2, "give a QUERY, or -pos, -layer, -label or -label-text"},
			{[]string{"kwic", "-p", proj, "-regex", "("}, 1, "regular expression \"(\" does not compile: missing closing )"},
			{[]string{"kwic", "-p", proj, "-word-regex", "[", "-fold"}, 1, "word regular expression \"[\" does not compile"},
			{[]string{"kwic", "-p", proj, "-regex", strings.Repeat("(焦|作)?", 1000)}, 1, "regular expression is too large: it compiles to 4002 instructions, more than the 1000 a search allows"},
			{[]string{"kwic", "-p", proj, "-regex", "-word", "的"}, 2, "give one of -regex, -word and -word-regex"},
			{[]string{"kwic", "-p", proj, "-sort", "up", "的"}, 2, `-sort "up"`},
			{[]string{"kwic", "-p", proj, "-o", "x.txt", "的"}, 2, "want a file name ending in .csv or .xlsx"},
			{[]string{"kwic", "-p", proj, "的", "了"}, 2, "want one QUERY"},
			{[]string{"kwic", "-p", filepath.Join(dir, "none.biaozhu"), "的"}, 1, "none.biaozhu"},
			{[]string{"kwic", "-p", proj, "-doc", "99", "的"}, 1, "gsd.biaozhu"},
			{[]string{"kwic", "-p", proj, "-o", filepath.Join(dir, "no", "x.csv"), "的"}, 1, filepath.Join("no", "x.csv")},
			{[]string{"freq", "-p", proj, "-by", "lemma"}, 2, `-by "lemma"`},
			{[]string{"freq", "-p", proj, "extra"}, 2, "unexpected argument"},
			{[]string{"freq", "-p", filepath.Join(dir, "none.biaozhu")}, 1, "none.biaozhu"},
		} {
			r := biaozhu(t, nil, tc.args...)
			first, _, _ := strings.Cut(r.stderr, "\n")
			if r.code != tc.code || !strings.Contains(first, tc.want) || !strings.HasPrefix(first, "biaozhu: ") {
				t.Errorf("biaozhu %q: exit %d, stderr %q; want %d and %q on the first line", tc.args, r.code, r.stderr, tc.code, tc.want)
			}
		}
	})
}

func TestDisplayWidth(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"", 0}, {"abc", 3}, {"中國", 4}, {"ａ１", 4}, {"，。", 4}, {"e\u0301", 1}, {"😀", 2}, {"𠀀", 2}, {"ｶ", 1},
	} {
		if got := displayWidth(tc.s); got != tc.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}
