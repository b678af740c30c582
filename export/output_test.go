package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// testProject creates a project file of two documents in dir, opens it
// as the export command does (read-only) and makes a backup of it, as
// opening it for editing does.
func testProject(t *testing.T, dir string) (*annotate.Project, string) {
	t.Helper()
	path := filepath.Join(dir, "p.biaozhu")
	p, err := annotate.Create(path, nil, annotate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []string{"甲：你吃了嗎？\n乙：吃了。", "價格表：蘋果 5 元／斤；梨 3 元。"} {
		d := &annotate.Document{Name: fmt.Sprintf("doc%d.txt", i+1), Text: s, Raw: s, Hash: fmt.Sprint(i),
			Sentences: text.Sentences(s)}
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	rw, err := annotate.Open(path, annotate.Options{}) // makes the backup
	if err != nil {
		t.Fatal(err)
	}
	rw.Close()
	ro, err := annotate.Open(path, annotate.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return ro, path
}

// fileSum is the SHA-256 of a file, "" if it cannot be read.
func fileSum(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// treeSums maps every file under dir (relative, slashes) to its SHA-256.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sums[filepath.ToSlash(rel)] = fileSum(p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// TestExportRefusesProject: no export (any format, any spelling of the
// path: relative, ./, absolute, through a link to the file or to its
// folder, a hard link) writes over the project it reads, its WAL or
// shared-memory file, or its backups; neither does WriteTable given the
// project. The project stays byte for byte as it was.
func TestExportRefusesProject(t *testing.T) {
	dir := t.TempDir()
	p, path := testProject(t, dir)
	t.Chdir(dir)
	backups, _ := filepath.Glob(filepath.Join(path+".bak", "*"))
	if len(backups) == 0 {
		t.Fatal("opening the project made no backup")
	}
	links := map[string]string{"link.biaozhu": "p.biaozhu", "wal-link": path + "-wal", "dirlink": dir}
	for name, target := range links {
		if err := os.Symlink(target, name); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	hard := "hard.biaozhu"
	if err := os.Link(path, hard); err != nil {
		t.Logf("no hard links here: %v", err)
		hard = ""
	}
	before := treeSums(t, dir)
	for _, out := range []string{"p.biaozhu", "./p.biaozhu", path, "link.biaozhu", "dirlink/p.biaozhu", "sub/../p.biaozhu",
		"p.biaozhu-wal", "p.biaozhu-shm", "wal-link", hard, "p.biaozhu.bak", backups[0], "p.biaozhu.bak/new.jsonl"} {
		if out == "" {
			continue
		}
		for _, format := range []string{"doccano", "brat", "csv-tokens"} {
			t.Run(format+"/"+out, func(t *testing.T) {
				_, err := Export(context.Background(), p, format, out, Options{})
				if err == nil || !strings.Contains(err.Error(), "project") {
					t.Errorf("Export(-o %s) error = %v, want a refusal naming the project", out, err)
				}
			})
		}
		if err := CheckOutput(out, "p.biaozhu"); err == nil {
			t.Errorf("CheckOutput(%q, p.biaozhu) = nil, want a refusal", out)
		}
	}
	if err := WriteTable(context.Background(), "p.biaozhu.bak/x.csv", []string{"a"}, nil, TableOptions{Project: path}); err == nil {
		t.Error("WriteTable into the backup folder succeeded")
	}
	// A table named like the project (kwic -o when the project is proj.csv).
	csvProj := filepath.Join(dir, "proj.csv")
	os.WriteFile(csvProj, []byte("SQLite stand-in"), 0o600)
	if err := WriteTable(context.Background(), "proj.csv", []string{"a"}, [][]string{{"1"}}, TableOptions{Project: csvProj}); err == nil {
		t.Error("WriteTable over the project proj.csv succeeded")
	}
	if data, _ := os.ReadFile(csvProj); string(data) != "SQLite stand-in" {
		t.Errorf("proj.csv now holds %q", data)
	}
	os.Remove(csvProj)
	after := treeSums(t, dir)
	for name, sum := range before {
		if after[name] != sum && !strings.HasSuffix(name, "-shm") {
			t.Errorf("%s changed", name)
		}
	}
	// Other names are fine, and so is a project-like name that is not it.
	for _, out := range []string{"p.jsonl", "p.biaozhu.jsonl", "other.biaozhu.jsonl"} {
		if err := CheckOutput(out, path); err != nil {
			t.Errorf("CheckOutput(%q) = %v, want nil", out, err)
		}
		if _, err := Export(context.Background(), p, "doccano", out, Options{}); err != nil {
			t.Errorf("Export(-o %s) = %v", out, err)
		}
	}
}

// TestExportKeepsOldAside: an export over an existing file never deletes
// anything else: not a folder of the user's called OUT.biaozhu-old (which
// the export used as its aside name), not other files.
func TestExportKeepsOldAside(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "data.jsonl")
	os.WriteFile(out, []byte("old\n"), 0o644)
	mine := filepath.Join(dir, "data.jsonl.biaozhu-old")
	os.MkdirAll(filepath.Join(mine, "sub"), 0o755)
	os.WriteFile(filepath.Join(mine, "sub", "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(dir, "data.train.jsonl.biaozhu-old"), []byte("mine too"), 0o644)
	for _, split := range []Split{{}, {Train: 1, Dev: 1}} {
		for range 2 {
			if _, err := Export(context.Background(), splitCorpus(4), "doccano", out, Options{Split: split}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if data, err := os.ReadFile(filepath.Join(mine, "sub", "notes.txt")); string(data) != "mine" {
		t.Errorf("the user's data.jsonl.biaozhu-old/sub/notes.txt: %q, %v", data, err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "data.train.jsonl.biaozhu-old")); string(data) != "mine too" {
		t.Errorf("the user's data.train.jsonl.biaozhu-old: %q, %v", data, err)
	}
	var names []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := []string{"data.dev.jsonl", "data.jsonl", "data.jsonl.biaozhu-old", "data.train.jsonl", "data.train.jsonl.biaozhu-old"}
	if !slices.Equal(names, want) {
		t.Errorf("folder holds %q, want %q", names, want)
	}
}

// TestCommitAllOrNothing: when one part cannot be put in place, the parts
// already placed are taken back and what stood there before returns; no
// copy set aside is left behind.
func TestCommitAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "data.train.jsonl")
	os.WriteFile(old, []byte("old train"), 0o644)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	var outs []*output
	for i, dest := range []string{old, filepath.Join(sub, "data.dev.jsonl")} {
		o, err := planOutput(dest, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer o.discard()
		if err := o.write(func(w io.Writer) error { _, err := fmt.Fprintf(w, "new %d", i); return err }); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, o)
	}
	os.Rename(sub, sub+"-gone") // the second part's folder is gone: its rename fails
	if err := commit(outs, false); err == nil {
		t.Fatal("commit into a missing folder succeeded")
	}
	if data, _ := os.ReadFile(old); string(data) != "old train" {
		t.Errorf("after the failure the first destination holds %q, want the old %q", data, "old train")
	}
	for _, o := range outs {
		o.discard()
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 { // data.train.jsonl, sub-gone
		t.Errorf("folder holds %v after the failed commit, want data.train.jsonl and sub-gone only", ents)
	}
}

// markerSums reads a folder's marker as sha256sum -c would: name → hash.
func markerSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, exportMarker))
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for l := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		sum, name, ok := strings.Cut(l, "  ")
		if !ok {
			t.Fatalf("marker line %q is not HASH  NAME", l)
		}
		sums[name] = sum
	}
	return sums
}

// TestFolderExportReplacesOnlyItsOwn: a brat export into the folder of an
// earlier one replaces the files that export listed (with their hashes)
// and removes those it does not write again, and leaves everything else:
// the user's mine.txt and sub/keep.txt. A file edited since (in brat) is
// refused, naming it, unless Overwrite; a changed file it does not write
// again is kept even then. A forged or old marker (no hashes) makes
// nothing the export's own.
func TestFolderExportReplacesOnlyItsOwn(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "brat")
	if _, err := Export(ctx, splitCorpus(3), "brat", out, Options{}); err != nil {
		t.Fatal(err)
	}
	first := treeSums(t, out)
	listed := markerSums(t, out)
	delete(first, exportMarker)
	if !maps.Equal(first, listed) {
		t.Fatalf("marker lists %v, want every file written with its hash %v", listed, first)
	}
	os.WriteFile(filepath.Join(out, "mine.txt"), []byte("mine"), 0o644)
	os.MkdirAll(filepath.Join(out, "sub"), 0o755)
	os.WriteFile(filepath.Join(out, "sub", "keep.txt"), []byte("keep"), 0o644)
	users := map[string]string{"mine.txt": fileSum(filepath.Join(out, "mine.txt")), "sub/keep.txt": fileSum(filepath.Join(out, "sub", "keep.txt"))}
	userFiles := func(t *testing.T, dir string) {
		t.Helper()
		now := treeSums(t, dir)
		for n, sum := range users {
			if now[n] != sum {
				t.Errorf("the user's %s is gone or changed", n)
			}
		}
	}

	// Again, with 2 documents: 0003-d02 goes, the user's files stay.
	c2 := splitCorpus(2)
	d, _ := c2.Document(1)
	d.Text = "新的文档。"
	if _, err := Export(ctx, c2, "brat", out, Options{}); err != nil {
		t.Fatal(err)
	}
	userFiles(t, out)
	now := treeSums(t, out)
	if _, ok := now["0003-d02.txt"]; ok {
		t.Error("0003-d02.txt, which the earlier export wrote and this one does not, is still there")
	}
	if data, _ := os.ReadFile(filepath.Join(out, "0001-d00.txt")); string(data) != "新的文档。" {
		t.Errorf("0001-d00.txt = %q, want the new text", data)
	}
	if got := markerSums(t, out); len(got) != 7 { // 2 × (txt, ann) + annotation.conf, visual.conf, biaozhu.json
		t.Errorf("marker lists %d files, want 7: %v", len(got), got)
	}

	// Edited in brat since: refused, nothing changed.
	ann := filepath.Join(out, "0001-d00.ann")
	os.WriteFile(ann, []byte("T1\tPER 0 2\t新的\n"), 0o644)
	before := treeSums(t, out)
	_, err := Export(ctx, splitCorpus(2), "brat", out, Options{})
	var ce *ChangedError
	if !errors.As(err, &ce) || !slices.Equal(ce.Changed, []string{"0001-d00.ann"}) || !strings.Contains(err.Error(), "0001-d00.ann") {
		t.Fatalf("export over an edited file: err = %v, want a *ChangedError naming 0001-d00.ann", err)
	}
	if after := treeSums(t, out); !maps.Equal(before, after) {
		t.Errorf("the refused export changed the folder:\nbefore %v\nafter  %v", before, after)
	}
	// Overwrite replaces it, and keeps the user's files.
	if _, err := Export(ctx, splitCorpus(2), "brat", out, Options{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(ann); strings.Contains(string(data), "新的") {
		t.Errorf("Overwrite left the edited %s: %q", ann, data)
	}
	userFiles(t, out)

	// A changed file the export does not write again: refused, and with
	// Overwrite kept (no longer listed).
	if _, err := Export(ctx, splitCorpus(3), "brat", out, Options{}); err != nil {
		t.Fatal(err)
	}
	ann3 := filepath.Join(out, "0003-d02.ann")
	os.WriteFile(ann3, []byte("edited"), 0o644)
	if _, err := Export(ctx, splitCorpus(2), "brat", out, Options{}); !errors.As(err, &ce) || !slices.Contains(ce.Changed, "0003-d02.ann") {
		t.Fatalf("export dropping an edited file: err = %v, want a *ChangedError naming 0003-d02.ann", err)
	}
	if _, err := Export(ctx, splitCorpus(2), "brat", out, Options{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(ann3); string(data) != "edited" {
		t.Errorf("Overwrite removed the edited %s", ann3)
	}
	if _, ok := markerSums(t, out)["0003-d02.ann"]; ok {
		t.Error("the kept, edited 0003-d02.ann is still listed as the export's")
	}

	// Old, empty and forged markers (hashes that do not match, names that
	// are not plain file names) own nothing.
	for name, marker := range map[string]string{
		"old":    "written by biaozhu export; a later export to this folder replaces it\n",
		"empty":  "",
		"forged": fmt.Sprintf("%s  sub/keep.txt\n%s  ../mine.txt\n%s  0001-d00.txt\n", users["sub/keep.txt"], users["mine.txt"], strings.Repeat("0", 64)),
	} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(dir, name)
			os.MkdirAll(filepath.Join(f, "sub"), 0o755)
			os.WriteFile(filepath.Join(f, exportMarker), []byte(marker), 0o644)
			os.WriteFile(filepath.Join(f, "mine.txt"), []byte("mine"), 0o644)
			os.WriteFile(filepath.Join(f, "sub", "keep.txt"), []byte("keep"), 0o644)
			os.WriteFile(filepath.Join(f, "0001-d00.txt"), []byte("the user's own"), 0o644)
			before := treeSums(t, f)
			if _, err := Export(ctx, splitCorpus(2), "brat", f, Options{}); !errors.As(err, &ce) || !slices.Equal(append(ce.Changed, ce.Foreign...), []string{"0001-d00.txt"}) {
				t.Fatalf("export into a folder with a %s marker: err = %v, want a *ChangedError naming 0001-d00.txt", name, err)
			}
			if after := treeSums(t, f); !maps.Equal(before, after) {
				t.Errorf("the refused export changed the folder:\nbefore %v\nafter  %v", before, after)
			}
			os.Remove(filepath.Join(f, "0001-d00.txt"))
			if _, err := Export(ctx, splitCorpus(2), "brat", f, Options{}); err != nil {
				t.Fatal(err)
			}
			userFiles(t, f)
		})
	}

	// A folder of the user's own, without a marker: refused.
	mineDir := filepath.Join(dir, "mine")
	os.Mkdir(mineDir, 0o755)
	os.WriteFile(filepath.Join(mineDir, "notes.txt"), []byte("precious"), 0o644)
	if _, err := Export(ctx, splitCorpus(2), "brat", mineDir, Options{}); err == nil || !strings.Contains(err.Error(), "did not write") {
		t.Fatalf("export into a folder of the user's files: err = %v, want a refusal", err)
	}
	if data, err := os.ReadFile(filepath.Join(mineDir, "notes.txt")); err != nil || string(data) != "precious" {
		t.Fatalf("the user's file after the refused export: %q, %v", data, err)
	}
	fi, err := os.Stat(filepath.Join(out, "0001-d00.txt"))
	if err != nil || fi.Mode().Perm()&0o044 == 0 {
		t.Errorf("exported file mode %v, %v; want readable by others (0644)", fi.Mode(), err)
	}
}

// TestStaleTempsRemoved: the hidden .NAME.tmp-DIGITS files and folders a
// killed export left beside its output (and, for a folder export, inside
// its folder) are removed by the next export to the same place; names
// that only look alike are not.
func TestStaleTempsRemoved(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mk := func(names ...string) {
		for _, n := range names {
			p := filepath.Join(dir, n)
			if strings.HasSuffix(n, "/") {
				os.MkdirAll(filepath.Join(p, "part"), 0o755)
				os.WriteFile(filepath.Join(p, "part", "0001.txt"), []byte("x"), 0o644)
				continue
			}
			os.WriteFile(p, []byte("left"), 0o600)
		}
	}
	stale := []string{".data.jsonl.tmp-123", ".data.jsonl.tmp-4567/", ".brat.tmp-99/", "brat/.0001-d00.ann.tmp-1", "brat/..biaozhu-export.tmp-2"}
	kept := []string{".data.jsonl.tmp-abc", ".data.jsonl.tmp-", "data.jsonl.tmp-12", ".data.jsonl.tmp-1.bak", ".other.tmp-1", "brat/.mine.txt.tmp-3"}
	if _, err := Export(ctx, splitCorpus(2), "brat", filepath.Join(dir, "brat"), Options{}); err != nil {
		t.Fatal(err)
	}
	mk(stale...)
	mk(kept...)
	for _, out := range []string{"data.jsonl", "brat"} {
		format := map[string]string{"data.jsonl": "doccano", "brat": "brat"}[out]
		if _, err := Export(ctx, splitCorpus(2), format, filepath.Join(dir, out), Options{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range stale {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			t.Errorf("%s, left by a killed export, is still there", n)
		}
	}
	for _, n := range kept {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s, not an export's temporary file, was removed", n)
		}
	}
}

// TestOutputKinds: a file export refuses a folder, a folder export a
// file, and a split or a folder export cannot go to standard output.
func TestOutputKinds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "f.jsonl")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, c := range []struct {
		format, out string
		split       bool
		want        string
	}{
		{"doccano", dir, false, "is a folder"},
		{"brat", file, false, "is a file"},
		{"brat", "-", false, "standard output"},
		{"doccano", "-", true, "split"},
		{"xlsx", "-", false, "xlsx is a binary file, not written to standard output"},
		{"spacy-docbin", "-", false, "spacy-docbin is a binary file, not written to standard output"},
		{"brat", "-", false, "brat writes a folder of files, not standard output"},
		{"doccano", filepath.Join(dir, "nope", "x.jsonl"), false, "does not exist"},
	} {
		opts := Options{}
		if c.split {
			opts.Split = Split{Train: 1, Test: 1}
		}
		if _, err := Export(ctx, splitCorpus(2), c.format, c.out, opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Export(%s, %s, split %v) error = %v, want %q", c.format, c.out, c.split, err, c.want)
		}
	}
	if data, _ := os.ReadFile(file); !bytes.Equal(data, []byte("x")) {
		t.Errorf("%s now holds %q", file, data)
	}
}
