package agree

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/biaozhu/biaozhu/annotate"
)

// Load reads what Measure compares of each project file, opened
// read-only (nothing is written, no backup made). An annotator is named
// by the name the file was handed out to (annotate.Project.HandedTo), else
// by the file's name without .biaozhu.
// The files are read side by side, as many at a time as there are CPUs;
// an error is the first file's (in the order given) that failed.
func Load(ctx context.Context, paths []string) ([]*Annotation, error) {
	for i, p := range paths {
		for _, q := range paths[:i] {
			if same(p, q) {
				return nil, fmt.Errorf("agree: %s is given twice (as %s)", p, q)
			}
		}
	}
	out := make([]*Annotation, len(paths))
	errs := make([]error, len(paths))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, path := range paths {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = load(ctx, path)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
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
		a.Docs = append(a.Docs, Doc{Name: s.Name, Hash: d.TextHash(), Chars: d.Chars(), Status: s.Status, Tokens: d.Tokens, Spans: d.Spans, Relations: d.Relations})
	}
	return a, p.Close()
}
