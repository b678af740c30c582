// Backups of a project file (NAME.biaozhu.bak/), its integrity check,
// and the page copy that a backup and the read-only copy share.

package annotate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// backupDir is where the backups of the project at path go.
func backupDir(path string) string { return path + ".bak" }

// ProjectFiles names the files of the project at path besides the project
// file itself: SQLite's WAL, shared-memory and journal files, and the
// folder of its backups. Nothing may write over any of them but the
// project (export.CheckOutput refuses them as an output).
func ProjectFiles(path string) []string {
	return []string{path + "-wal", path + "-shm", path + "-journal", backupDir(path)}
}

// makeBackup copies the project with SQLite's online backup into
// NAME.biaozhu.bak/NAME-TIME-gGENERATION.biaozhu, unless a backup of this
// generation exists, and keeps the newest BackupsKept.
func (p *Project) makeBackup(ctx context.Context, tag string) (string, error) {
	var gen string
	if err := p.conn.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'generation'").Scan(&gen); err != nil {
		return "", err
	}
	// The backups are as private as the project: its mode, and the
	// folder's (made now) with the search bits its read bits give.
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(p.path); err == nil {
		mode = fi.Mode().Perm()
	}
	dir := backupDir(p.path)
	if err := os.MkdirAll(dir, mode|(mode&0o444)>>2); err != nil {
		return "", err
	}
	stem := strings.TrimSuffix(filepath.Base(p.path), filepath.Ext(p.path))
	suffix := tag + "-g" + gen + ".biaozhu"
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), stem+"-") && strings.HasSuffix(e.Name(), suffix) {
			return "", nil // this state is backed up already
		}
	}
	name := filepath.Join(dir, stem+"-"+time.Now().UTC().Format("20060102-150405")+suffix)
	tmp := name + ".tmp"
	os.Remove(tmp)
	err := p.conn.Raw(func(dc any) error {
		bc, ok := dc.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver has no backup API")
		}
		b, err := bc.NewBackup(sqliteURI(tmp))
		if err != nil {
			return err
		}
		return copyPages(b)
	})
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return "", err
	}
	pruneBackups(p.path)
	return name, nil
}

// pruneBackups removes all but the newest BackupsKept backups of the
// project at path.
func pruneBackups(path string) {
	names := listBackups(path)
	for _, n := range names[:max(0, len(names)-BackupsKept)] {
		os.Remove(n)
	}
}

// listBackups lists the backups of the project at path, oldest first:
// their names sort by time, and within one second by generation.
func listBackups(path string) []string {
	dir := backupDir(path)
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, stem+"-") && strings.HasSuffix(n, ".biaozhu") && strings.Contains(n, "-g") {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool { return backupKey(names[i]) < backupKey(names[j]) })
	for i, n := range names {
		names[i] = filepath.Join(dir, n)
	}
	return names
}

func backupKey(name string) string {
	k := strings.LastIndex(name, "-g")
	gen, _ := strconv.Atoi(strings.TrimSuffix(name[k+2:], ".biaozhu"))
	return fmt.Sprintf("%s-%020d", name[:k], gen)
}

// Backups lists the backups of the project, oldest first.
func (p *Project) Backups() []string { return listBackups(p.path) }

// IntegrityCheck runs SQLite's full integrity_check and returns its
// findings, nil when the file is sound.
func (p *Project) IntegrityCheck() ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	found, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (s string, err error) {
		return s, r.Scan(&s)
	}, "PRAGMA integrity_check")
	if err != nil {
		return nil, p.classify(err, "check the file")
	}
	if len(found) == 1 && found[0] == "ok" {
		return nil, nil
	}
	return found, nil
}

// copyPages runs the online backup b to the end, 1,024 pages a step, and
// finishes it.
func copyPages(b *sqlite.Backup) error {
	for {
		more, err := b.Step(1024)
		if err != nil {
			b.Finish()
			return err
		}
		if !more {
			return b.Finish()
		}
	}
}
