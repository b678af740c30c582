package annotate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateRefusesStaleJournal: a project file deleted without its
// journal (NAME-wal) leaves work SQLite would read into a new project of
// the same name; Create refuses to put one there, naming the journal.
func TestCreateRefusesStaleJournal(t *testing.T) {
	dir := t.TempDir()
	old, err := Create(filepath.Join(dir, "old.biaozhu"), nil, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := old.AddDocument(&Document{Name: "d", Text: "旧的文档。", Raw: "旧的文档。"}); err != nil {
		t.Fatal(err)
	}
	wal, err := os.ReadFile(filepath.Join(dir, "old.biaozhu-wal"))
	if err != nil || len(wal) == 0 {
		t.Fatalf("the open project has no journal to copy (%v): the test does not test", err)
	}
	path := filepath.Join(dir, "new.biaozhu")
	if err := os.WriteFile(path+"-wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Create(path, nil, Options{NoBackup: true})
	if err == nil {
		docs, _ := p.Documents()
		p.Close()
		t.Fatalf("Create beside a stale journal succeeded (%d documents read from it)", len(docs))
	}
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "new.biaozhu-wal") {
		t.Errorf("Create: %v, want ErrExists naming new.biaozhu-wal", err)
	}
	if _, err := os.Lstat(path); err == nil {
		t.Error("Create left a file behind")
	}
}
