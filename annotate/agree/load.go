package agree

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// Load reads what Measure compares of each project file, opened
// read-only (nothing is written, no backup made). An annotator is named
// by the name the file was handed out to (annotate.Project.HandedTo), else
// by the file's name without .biaozhu.
func Load(ctx context.Context, paths []string) ([]*Annotation, error) {
	var out []*Annotation
	for _, path := range paths {
		a, err := load(ctx, path)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func load(ctx context.Context, path string) (*Annotation, error) {
	p, err := annotate.Open(path, annotate.Options{ReadOnly: true})
	if err != nil {
		return nil, err // names the file
	}
	defer p.Close()
	a := &Annotation{Path: path, Schema: p.Schema()}
	if a.Annotator, err = p.HandedTo(); err != nil {
		return nil, err
	}
	if a.Annotator == "" {
		a.Annotator = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	list, err := p.Documents()
	if err != nil {
		return nil, err
	}
	a.Docs = make([]Doc, 0, len(list))
	for _, s := range list {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := p.AnnotatedText(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		a.Docs = append(a.Docs, Doc{Name: s.Name, Hash: d.TextHash(), Chars: d.Chars(), Status: s.Status, Tokens: d.Tokens, Spans: d.Spans})
	}
	return a, p.Close()
}
