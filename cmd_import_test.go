package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// noProject fails the test when anything of project is left: the file,
// SQLite's files beside it, a backup folder.
func noProject(t *testing.T, project string) {
	t.Helper()
	for _, f := range []string{project, project + "-wal", project + "-shm", project + "-journal", project + ".bak"} {
		if _, err := os.Lstat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is left (%v)", f, err)
		}
	}
}

// TestImportFailureLeavesNoProject: an import into a new project that
// fails says nothing about creating it and leaves no project (issue 12:
// "created project P" was printed, and the project then removed; issue
// 13: a failed text import left an empty project); its error starts with
// "biaozhu: import:", never "export:".
func TestImportFailureLeavesNoProject(t *testing.T) {
	dir := t.TempDir()
	badLabel := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(badLabel, []byte(`{"text":"甲乙","label":[[0,1,"   "]]}`+"\n"), 0o644)
	notText := filepath.Join(dir, "image.txt")
	os.WriteFile(notText, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad label", []string{"-f", "doccano", badLabel}, `bad.jsonl:1: label "   " is only white space`},
		{"bad label, -skip-bad", []string{"-f", "doccano", "-skip-bad", badLabel}, "no documents read (1 bad records skipped)"},
		{"no text file", []string{notText}, "1 file of 1 failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			project := filepath.Join(t.TempDir(), "new.biaozhu")
			r := biaozhu(t, nil, append([]string{"import", "-p", project}, tc.args...)...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, tc.want)
			}
			if strings.Contains(r.stderr, "created project") {
				t.Errorf("stderr says it created the project:\n%s", r.stderr)
			}
			if i := strings.Index(r.stderr, "biaozhu:"); i < 0 || !strings.HasPrefix(r.stderr[i:], "biaozhu: import: ") || strings.Contains(r.stderr, "export:") {
				t.Errorf("stderr %q: want the error to start with biaozhu: import: and no export:", r.stderr)
			}
			noProject(t, project)
		})
	}
	t.Run("existing project is kept", func(t *testing.T) {
		project := filepath.Join(t.TempDir(), "old.biaozhu")
		p, err := annotate.Create(project, nil, annotate.Options{NoBackup: true})
		if err != nil {
			t.Fatal(err)
		}
		p.Close()
		if r := biaozhu(t, nil, "import", "-p", project, "-f", "doccano", badLabel); r.code != 1 {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		if _, err := os.Stat(project); err != nil {
			t.Errorf("the project that was there is gone: %v", err)
		}
	})
}

// TestImportDiskFull: a text import into a new project on a disk that
// fills up (a file size limit, ulimit -f, with SIGXFSZ ignored so that
// writes fail with EFBIG as on a full disk) leaves no project, whether
// creating the project failed or storing the document did; with room
// enough it imports. Sizes double until the import succeeds.
func TestImportDiskFull(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh for ulimit")
	}
	dir := t.TempDir()
	text := filepath.Join(dir, "big.txt")
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "第%d號，我們在北京開會，討論了很多問題。\n", i)
	}
	os.WriteFile(text, []byte(b.String()), 0o644)
	inImport := false
	for blocks := 32; ; blocks *= 2 {
		if blocks > 1<<16 {
			t.Fatal("the import never succeeded")
		}
		project := filepath.Join(t.TempDir(), "p.biaozhu")
		cmd := exec.Command("sh", "-c", fmt.Sprintf(`trap '' XFSZ; ulimit -f %d; exec "$0" -test.run='^$' -- import -p "$1" "$2"`, blocks), os.Args[0], project, text)
		cmd.Env = append(os.Environ(), "BIAOZHU_RUN_MAIN=1", "LANG=C.UTF-8", "LC_ALL=")
		out, err := cmd.CombinedOutput()
		if err == nil {
			if !strings.Contains(string(out), "created project") || len(lsRows(t, project)) != 1 {
				t.Errorf("ulimit -f %d: succeeded but %q", blocks, out)
			}
			break
		}
		t.Logf("ulimit -f %d: %q", blocks, out)
		if strings.Contains(string(out), "[1/1] failed") {
			inImport = true
		}
		if strings.Contains(string(out), "created project") {
			t.Errorf("ulimit -f %d: failed but says it created the project", blocks)
		}
		noProject(t, project)
	}
	if !inImport {
		t.Log("no size made the import itself fail (only creating the project)")
	}
}

// TestImportOwnExports: the project's own doccano, CLUENER and brat
// exports of nested spans import into a new project without flags
// (issue 12: they failed, "國家 [0,7) overlaps 機構 [0,10) in layer
// entity"), the overlapping spans going to entity-nested, which the
// import reports; -layer NAME puts every span in NAME; -layer entity (it
// forbids overlaps) fails naming the layer, leaving no project.
func TestImportOwnExports(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.biaozhu")
	schema := annotate.DefaultSchema()
	schema.Layers[0].Overlap = annotate.OverlapAllowed
	schema.Layers[0].Labels = append(schema.Layers[0].Labels, annotate.Label{Name: "機構", Color: "#123456"}, annotate.Label{Name: "國家", Color: "#654321"})
	p, err := annotate.Create(src, schema, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	d := &annotate.Document{Name: "國務院.txt", Text: "中華人民共和國國務院在北京。", Spans: []annotate.Span{
		{Layer: "entity", Label: "機構", Start: 0, End: 10}, {Layer: "entity", Label: "國家", Start: 0, End: 7}, {Layer: "entity", Label: "LOC", Start: 11, End: 13}}}
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	p.Close()
	for _, format := range []string{"doccano", "cluener", "brat"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if format != "brat" {
				out += ".jsonl"
			}
			if r := biaozhu(t, nil, "export", "-p", src, "-f", format, "-o", out); r.code != 0 {
				t.Fatalf("export: exit %d, stderr %q", r.code, r.stderr)
			}
			project := filepath.Join(t.TempDir(), "back.biaozhu")
			r := biaozhu(t, nil, "import", "-p", project, "-f", format, out)
			if r.code != 0 || !strings.Contains(r.stderr, `note: layer "entity" forbids overlaps, and 1 imported spans overlap others in it`) ||
				!strings.Contains(r.stderr, `imported into layer "entity-nested"`) || !strings.Contains(r.stdout, "new layers: entity-nested") ||
				!strings.Contains(r.stderr, "created project") {
				t.Fatalf("import without flags: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			back := openDocs(t, project)
			if got := spanLayers(back[0]); got != "entity/機構 [0,10) entity-nested/國家 [0,7) entity/LOC [11,13)" || back[0].Name != d.Name {
				t.Errorf("imported %q: %s", back[0].Name, got)
			}

			if format != "doccano" {
				return // the options are the importer's, the same for every format
			}
			project = filepath.Join(t.TempDir(), "mine.biaozhu")
			if r := biaozhu(t, nil, "import", "-p", project, "-f", format, "-layer", "mine", out); r.code != 0 {
				t.Fatalf("import -layer mine: exit %d, stderr %q", r.code, r.stderr)
			}
			if got := spanLayers(openDocs(t, project)[0]); got != "mine/機構 [0,10) mine/國家 [0,7) mine/LOC [11,13)" {
				t.Errorf("-layer mine: %s", got)
			}

			project = filepath.Join(t.TempDir(), "entity.biaozhu")
			r = biaozhu(t, nil, "import", "-p", project, "-f", format, "-layer", "entity", out)
			if r.code != 1 || !strings.Contains(r.stderr, `biaozhu: import: `) || !strings.Contains(r.stderr, `in layer "entity", which forbids overlaps`) {
				t.Errorf("import -layer entity: exit %d, stderr %q", r.code, r.stderr)
			}
			noProject(t, project)
		})
	}
}

// openDocs reads the documents of a project file.
func openDocs(t *testing.T, project string) []*annotate.Document {
	t.Helper()
	p, err := annotate.Open(project, annotate.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sums, err := p.Documents()
	if err != nil {
		t.Fatal(err)
	}
	var docs []*annotate.Document
	for _, s := range sums {
		d, err := p.Document(s.ID)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

// spanLayers lists d's spans as "layer/label [start,end)", in the order
// of the document (start, then the longer first).
func spanLayers(d *annotate.Document) string {
	spans := slices.Clone(d.Spans)
	slices.SortStableFunc(spans, func(a, b annotate.Span) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End)) })
	var parts []string
	for _, sp := range spans {
		parts = append(parts, fmt.Sprintf("%s/%s [%d,%d)", sp.Layer, sp.Label, sp.Start, sp.End))
	}
	return strings.Join(parts, " ")
}
