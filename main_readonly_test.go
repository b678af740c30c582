package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// TestReadOnlyProjectCommands runs the reading commands (ls, kwic, freq,
// export) on a project in a folder that cannot be written (mode 0555,
// which Biaozhu keeps to also as root), just after a crash: the last edits
// are only in the project's journal. Each command shows them, and the
// folder is left exactly as it was.
func TestReadOnlyProjectCommands(t *testing.T) {
	dir := t.TempDir()
	texts := filepath.Join(dir, "texts")
	if err := os.MkdirAll(texts, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(texts, "a.txt"), []byte("北京大学的学生在上海工作。\n他们很忙。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "p.biaozhu")
	if r := biaozhu(t, nil, "import", "-p", work, texts); r.code != 0 {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	// Edit, and copy the file and its journal while the project is open:
	// what a crash leaves.
	p, err := annotate.Open(work, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	docs, err := p.Documents()
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %v, %v", docs, err)
	}
	id := docs[0].ID
	for _, e := range []annotate.Edit{
		annotate.AddSpan{Span: annotate.Span{Layer: "entity", Label: "ORG", Start: 0, End: 4}},
		annotate.SetStatus{Status: annotate.StatusDone},
	} {
		if _, err := p.Apply(id, e); err != nil {
			t.Fatal(err)
		}
	}
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o755); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(ro, "p.biaozhu")
	for _, suffix := range []string{"", "-wal"} {
		copyTo(t, work+suffix, project+suffix)
	}
	if fi, err := os.Stat(project + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no journal to read: %v", err)
	}
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	listing := func() string {
		t.Helper()
		var b strings.Builder
		ents, err := os.ReadDir(ro)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			data, err := os.ReadFile(filepath.Join(ro, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(e.Name() + " " + string(data) + "\n")
		}
		return b.String()
	}
	before := listing()
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		want string // in stdout, or in the file written
		file string
	}{
		{[]string{"ls", "-p", project}, "done", ""},
		{[]string{"kwic", "-p", project, "-label", "ORG"}, "北京大学", ""},
		{[]string{"freq", "-p", project, "-by", "label"}, "ORG", ""},
		{[]string{"export", "-p", project, "-f", "doccano", "-o", out + ".jsonl"}, `"ORG"`, out + ".jsonl"},
	} {
		r := biaozhu(t, nil, c.args...)
		if r.code != 0 {
			t.Errorf("%s: exit %d: %s", c.args[0], r.code, r.stderr)
			continue
		}
		got := r.stdout
		if c.file != "" {
			data, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			got = string(data)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %q does not show the edits in the journal (%q)", c.args[0], got, c.want)
		}
		if after := listing(); after != before {
			t.Fatalf("%s changed the read-only folder", c.args[0])
		}
	}
}

func copyTo(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
