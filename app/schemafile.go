// The schema editor's files: the edited schema exported as JSON and a
// JSON schema imported into the editor (errors name the file and line).

package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"github.com/biaozhu/biaozhu/annotate"
)

// exportJSON is the edited schema as Export JSON… writes it, validated
// first so that what is exported can be imported again.
func (e *schemaEditor) exportJSON() ([]byte, error) {
	s := e.schema()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return marshalSchema(s)
}

// marshalSchema is s as an indented JSON file.
func marshalSchema(s *annotate.Schema) ([]byte, error) {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("app: schema: %v", err)
	}
	return append(data, '\n'), nil
}

// readSchema reads a schema file called name (for the errors) as
// marshalSchema writes it, and validates it.
func readSchema(r io.Reader, name string) (*annotate.Schema, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSchemaFile+1))
	if err != nil {
		return nil, fmt.Errorf("app: %s: %v", name, err)
	}
	if len(data) > maxSchemaFile {
		return nil, fmt.Errorf("app: %s: larger than %d MB, not a schema", name, maxSchemaFile>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s annotate.Schema
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("app: %s:%d: not a schema: %v", name, jsonLine(data, err, dec), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("app: %s:%d: not a schema: data after the schema", name, lineAt(data, dec.InputOffset()))
	}
	if len(s.Layers) == 0 && len(s.POS.Tags) == 0 {
		return nil, fmt.Errorf("app: %s: not a schema: no layers and no POS tags", name)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("app: %s: %w", name, err)
	}
	return &s, nil
}

// jsonLine is the line of data where err, from dec, happened.
func jsonLine(data []byte, err error, dec *json.Decoder) int {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return lineAt(data, syn.Offset)
	case errors.As(err, &typ):
		return lineAt(data, typ.Offset)
	}
	return lineAt(data, dec.InputOffset())
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// importFrom reads a schema file called name and puts it in the editor in
// place of what it holds, asking first when that drops labels that spans
// use. Import JSON… calls it with the file chosen.
func (e *schemaEditor) importFrom(r io.Reader, name string) error {
	s, err := readSchema(r, name)
	if err != nil {
		return err
	}
	// The spans this import removes that the edits so far do not.
	now, _ := e.changes()
	then, _ := changesOf(e.orig, editLayersOf(e.orig, s))
	gone := e.expand(then)
	for ref := range e.expand(now) {
		delete(gone, ref)
	}
	n := 0
	var names []string
	for ref := range gone {
		if c := e.count(ref.Layer, ref.Label); c > 0 {
			n += c
			names = append(names, ref.Layer+"/"+ref.Label)
		}
	}
	if n == 0 {
		e.load(s)
		return nil
	}
	slices.Sort(names)
	if len(names) > 8 {
		names = append(names[:8], "…")
	}
	e.confirm(lang.L("Import schema"),
		lang.L("{{.File}} has no labels {{.Labels}}.", map[string]any{"File": name, "Labels": joinList(names)})+" "+removesSpans(n),
		func() { e.load(s) })
	return nil
}

// expand turns removed refs into the set of original labels they remove.
func (e *schemaEditor) expand(refs []labelRef) map[labelRef]bool {
	set := map[labelRef]bool{}
	for _, r := range refs {
		if r.Label != "" {
			set[r] = true
			continue
		}
		if l, ok := e.orig.Layer(r.Layer); ok {
			for _, lb := range l.Labels {
				set[labelRef{r.Layer, lb.Name}] = true
			}
		}
	}
	return set
}

// importDialog is Import JSON…: a file dialog for a .json schema.
func (e *schemaEditor) importDialog() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			e.showError(err)
			return
		}
		if r == nil {
			return
		}
		defer r.Close()
		if err := e.importFrom(r, r.URI().Name()); err != nil {
			e.showError(err)
		}
	}, e.win)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	fd.Show()
}

// exportDialog is Export JSON…: the schema is checked, then a file dialog
// asks where to save it.
func (e *schemaEditor) exportDialog() {
	data, err := e.exportJSON()
	if err != nil {
		e.showError(err)
		return
	}
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			e.showError(err)
			return
		}
		if w == nil {
			return
		}
		_, err = w.Write(data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			e.showError(fmt.Errorf("app: %s: %v", w.URI().Name(), err))
		}
	}, e.win)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	fd.SetFileName("schema.json")
	fd.Show()
}
