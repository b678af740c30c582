package annotate

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// rfFixture makes a project of two documents (and extra) with some edits
// in dir and returns its path and the documents as they are. format < SchemaVersion
// makes the file one of that older format. With crashed, the returned
// project is a copy of the file and its journal taken while the project
// was still open — what a crash leaves: committed work that is only in
// the journal (NAME-wal).
func rfFixture(t *testing.T, dir string, format int, crashed bool, extra ...*Document) (string, map[int64]etState) {
	t.Helper()
	path := filepath.Join(dir, "proj.biaozhu")
	src := path
	if crashed {
		src = filepath.Join(t.TempDir(), "proj.biaozhu")
	}
	p, err := Create(src, htSchema(), Options{NoBackup: true, Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	want := map[int64]etState{}
	for _, d := range append([]*Document{etDoc(), htSmallDoc()}, extra...) {
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
		htMust(t)(p.Apply(d.ID, AddSpan{Span{Layer: "note", Label: "A", Start: 0, End: 2}}))
		htMust(t)(p.Apply(d.ID, Split{At: 1}))
		htMust(t)(p.Apply(d.ID, SetStatus{Status: StatusDone}))
		got, err := p.Document(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		want[d.ID] = etStateOf(got)
	}
	if format < SchemaVersion {
		if format != 2 {
			t.Fatalf("rfFixture makes format 2 only, not %d", format)
		}
		if _, err := p.conn.ExecContext(t.Context(), undoFormat8+undoFormat7+undoFormat6+undoFormat5+"ALTER TABLE documents DROP COLUMN tokens_from; ALTER TABLE documents DROP COLUMN suggested; PRAGMA user_version=2"); err != nil {
			t.Fatal(err)
		}
	}
	if crashed {
		for _, suffix := range []string{"", "-wal"} {
			if err := copyFile(src+suffix, path+suffix); err != nil {
				t.Fatal(err)
			}
		}
		if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
			t.Fatalf("the crashed copy has no journal to read: %v", err)
		}
	}
	return path, want
}

// rfSnapshot describes the files in dir: names, modes and contents.
func rfSnapshot(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %v", path, fi.Mode())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %d %x", len(data), sha256.Sum256(data))
		}
		out = append(out, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// rfRead opens the project at path for reading and checks that it holds
// want, and that it refuses changes.
func rfRead(t *testing.T, path string, want map[int64]etState) {
	t.Helper()
	q, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open: %v", err)
	}
	defer q.Close()
	if !q.ReadOnly() || q.Warning() != nil {
		t.Errorf("ReadOnly() = %v, Warning() = %v; want true, nil", q.ReadOnly(), q.Warning())
	}
	ls, err := q.Documents()
	if err != nil || len(ls) != len(want) {
		t.Fatalf("Documents() = %+v, %v; want %d", ls, err, len(want))
	}
	for id, w := range want {
		d, err := q.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := etDiff(etStateOf(d), w); diff != "" {
			t.Errorf("document %d: %s (stale data?)", id, diff)
		}
	}
	if _, err := q.Apply(ls[0].ID, SetStatus{Status: StatusNew}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Apply on a read-only project = %v, want ErrReadOnly", err)
	}
	if s := q.Schema(); len(s.Layers) != 2 {
		t.Errorf("schema %+v", s.Layers)
	}
}

// rfCases are the projects the read-only tests read.
var rfCases = []struct {
	name    string
	format  int
	crashed bool
}{
	{"closed", SchemaVersion, false},
	{"crashed: committed work in the journal", SchemaVersion, true},
	{"older format", 2, false},
	{"older format, crashed", 2, true},
}

// TestReadOnlyFolder reads projects in a folder that cannot be written
// (mode 0555; Biaozhu keeps to mode bits also as root, as it does for the
// file): listing, loading and exporting work, with committed work that a
// crash left in the journal, and nothing in the folder changes — no
// journal, no lock file, no checkpoint. Opening it for writing is refused,
// naming the folder.
func TestReadOnlyFolder(t *testing.T) {
	for _, c := range rfCases {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp) // where a copy to read would go
			dir := filepath.Join(t.TempDir(), "ro")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path, want := rfFixture(t, dir, c.format, c.crashed)
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			before := rfSnapshot(t, dir)
			rfRead(t, path, want)
			if after := rfSnapshot(t, dir); after != before {
				t.Errorf("reading changed the folder:\n%s\nwant\n%s", after, before)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in the temporary folder: %v", left)
			}
			_, err := Open(path, Options{NoBackup: true})
			if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "folder "+dir) {
				t.Errorf("Open for writing in a read-only folder = %v, want ErrReadOnly naming the folder", err)
			}
		})
	}
}

// TestBackupMode: the backups of a private project are private.
func TestBackupMode(t *testing.T) {
	for _, mode := range []fs.FileMode{0o600, 0o640, 0o644} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			p, path := newTestProject(t, Options{NoBackup: true})
			if err := p.AddDocument(etDoc()); err != nil {
				t.Fatal(err)
			}
			p.Close()
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			q, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			fi, err := os.Stat(q.Backup())
			if err != nil {
				t.Fatalf("backup %q: %v", q.Backup(), err)
			}
			if fi.Mode().Perm() != mode {
				t.Errorf("backup mode %v, want the project's %v", fi.Mode().Perm(), mode)
			}
			di, err := os.Stat(backupDir(path))
			if err != nil {
				t.Fatal(err)
			}
			if want := mode | (mode&0o444)>>2; di.Mode().Perm() != want {
				t.Errorf("backup folder mode %v, want %v", di.Mode().Perm(), want)
			}
		})
	}
}
