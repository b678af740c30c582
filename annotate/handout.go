// What a project file records of the work of several annotators on one
// corpus: the annotator a copy was handed out to (biaozhu assign).

package annotate

import (
	"context"
	"database/sql"
	"errors"
)

// handedToKey is the meta key of the annotator a copy was handed out to.
const handedToKey = "handed_to"

// HandedTo returns the annotator the project file was handed out to
// (SetHandedTo, biaozhu assign), or "" for a project that was not.
func (p *Project) HandedTo() (string, error) {
	return p.metaValue(handedToKey, "read the annotator")
}

// SetHandedTo records in the file the annotator it is handed out to (a
// name CheckName accepts) and makes them the annotator of the spans made
// from now on (SetAnnotator).
func (p *Project) SetHandedTo(name string) error {
	if err := CheckName("annotator", name); err != nil {
		return projectErr(p.path, err, "%v", err)
	}
	if err := p.setMetaValue(handedToKey, name, "record the annotator"); err != nil {
		return err
	}
	p.SetAnnotator(name)
	return nil
}

// metaValue reads a meta key of the file: "" when it is not there.
func (p *Project) metaValue(key, doing string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return "", err
	}
	var v string
	err := p.conn.QueryRowContext(context.Background(), "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, p.wrapErr(err, doing)
}

// setMetaValue writes a meta key of the file.
func (p *Project) setMetaValue(key, value, doing string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	err := p.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", key, value)
		return err
	})
	var pe *ProjectError
	if errors.As(err, &pe) {
		return err // read-only: says so already
	}
	return p.wrapErr(err, doing)
}
