// What a project file records of the work of several annotators on one
// corpus: the annotator a copy was handed out to (biaozhu assign), and how
// a curation project was merged from the copies (biaozhu merge).

package annotate

import (
	"context"
	"database/sql"
	"encoding/json"
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

// curationKey is the meta key of a curation project's Curation.
const curationKey = "curation"

// Curation is what a curation project (biaozhu merge) records of how it
// was made: the annotators whose files were merged (in order), the files,
// what was accepted (agreed, majority or none), and for each curated
// layer the layer holding each annotator's spans:
// Layers["NER"]["lin"] = "NER@lin". The curated layers are the gold
// standard; the annotators' layers are what it was decided from.
type Curation struct {
	Annotators []string                     `json:"annotators"`
	Files      []string                     `json:"files"`
	Accept     string                       `json:"accept"`
	Layers     map[string]map[string]string `json:"layers"`
}

// AnnotatorLayer reports whether layer holds an annotator's spans
// (rather than being curated or no part of the curation).
func (c *Curation) AnnotatorLayer(layer string) bool {
	for _, m := range c.Layers {
		for _, l := range m {
			if l == layer {
				return true
			}
		}
	}
	return false
}

// Curation returns what the project records of its making by merge, or
// nil when it is not a curation project.
func (p *Project) Curation() (*Curation, error) {
	v, err := p.metaValue(curationKey, "read the curation")
	if err != nil || v == "" {
		return nil, err
	}
	c := &Curation{}
	if err := json.Unmarshal([]byte(v), c); err != nil {
		return nil, projectErr(p.path, ErrDamaged, "damaged curation record: %v", err)
	}
	return c, nil
}

// SetCuration records c in the file: the project is a curation project.
func (p *Project) SetCuration(c *Curation) error {
	js, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return p.setMetaValue(curationKey, string(js), "record the curation")
}
