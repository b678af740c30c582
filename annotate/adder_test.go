package annotate

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// adderDoc is a small document with a PER span.
func adderDoc(i int) *Document {
	text := fmt.Sprintf("第%d篇：王小明在北京。", i)
	return &Document{Name: fmt.Sprintf("d%d.txt", i), Text: text, Raw: text,
		Spans: []Span{{Layer: "entity", Label: "PER", Start: 4, End: 7}}}
}

// docNames lists the names of p's documents.
func docNames(t *testing.T, p *Project) []string {
	t.Helper()
	docs, err := p.Documents()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range docs {
		out = append(out, d.Name)
	}
	return out
}

// TestAddDocumentsFrom: the documents handed to the Adder are stored in
// one transaction, with a schema SetSchema wrote before the spans that
// need it, and are the project's only when it commits: whatever reads
// the file meanwhile (another goroutine's Documents, Close) waits for
// the end, Schema answers at once (the schema as committed), and an
// error (the producer's, one of the Adder it went on from, ctx's, a
// panic) leaves nothing stored and the project usable.
func TestAddDocumentsFrom(t *testing.T) {
	t.Run("commit", func(t *testing.T) {
		p, _ := newTestProject(t, Options{})
		var (
			seen []string
			wg   sync.WaitGroup
		)
		err := p.AddDocumentsFrom(context.Background(), func(a *Adder) error {
			if err := a.Add(adderDoc(1)); err != nil {
				return err
			}
			// Another goroutine reading the project waits for the end.
			wg.Go(func() {
				docs, err := p.Documents()
				if err != nil {
					t.Error(err)
				}
				for _, d := range docs {
					seen = append(seen, d.Name)
				}
			})
			s := p.Schema() // answers at once, as committed
			if _, ok := s.Layer("topic"); ok {
				t.Error("Schema() shows a layer not committed yet")
			}
			s.Layers = append(s.Layers, Layer{Name: "topic", Overlap: OverlapAllowed, Labels: []Label{{Name: "天氣", Color: "#56b4e9"}}})
			if err := a.SetSchema(s); err != nil {
				return err
			}
			if _, ok := p.Schema().Layer("topic"); ok {
				t.Error("Schema() shows the layer SetSchema wrote before the commit")
			}
			d := adderDoc(2)
			d.Spans = append(d.Spans, Span{Layer: "topic", Label: "天氣", Start: 0, End: 3})
			docs := []*Document{d}
			for i := 3; i <= 100; i++ {
				docs = append(docs, adderDoc(i))
			}
			for _, d := range docs {
				runtime.Gosched() // the reader gets its chance to read in between
				if err := a.Add(d); err != nil {
					return err
				}
				if d.ID == 0 || d.Spans[0].ID == 0 {
					t.Errorf("document %s added without its ID or span IDs", d.Name)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if len(seen) != 100 {
			t.Errorf("Documents() during the import gave %d documents, want the 100 committed (it waits for the commit)", len(seen))
		}
		if _, ok := p.Schema().Layer("topic"); !ok {
			t.Error("the schema SetSchema wrote is not the project's after the commit")
		}
		d, err := p.Document(2)
		if err != nil || len(d.Spans) != 2 {
			t.Fatalf("document 2: %v, %v; want its 2 spans", d, err)
		}
	})
	for _, tc := range []struct {
		name    string
		produce func(a *Adder, cancel context.CancelFunc) error
		want    string
	}{
		{"producer's error", func(a *Adder, _ context.CancelFunc) error {
			a.Add(adderDoc(1))
			return errors.New("bad record")
		}, "bad record"},
		{"Adder's error gone on from", func(a *Adder, _ context.CancelFunc) error {
			a.Add(adderDoc(1))
			bad := adderDoc(2)
			bad.Spans[0].Label = "NOPE"
			a.Add(bad) // refused: its error is the import's
			return nil
		}, `document "d2.txt"`},
		{"cancelled", func(a *Adder, cancel context.CancelFunc) error {
			a.Add(adderDoc(1))
			cancel()
			return nil
		}, "context canceled"},
		{"cancelled before an Add", func(a *Adder, cancel context.CancelFunc) error {
			a.Add(adderDoc(1))
			cancel()
			return a.Add(adderDoc(2))
		}, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := newTestProject(t, Options{})
			if err := p.AddDocument(adderDoc(0)); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			err := p.AddDocumentsFrom(ctx, func(a *Adder) error { return tc.produce(a, cancel) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("AddDocumentsFrom() error = %v, want %q", err, tc.want)
			}
			if got := docNames(t, p); strings.Join(got, " ") != "d0.txt" {
				t.Errorf("documents %q after the failed transaction, want d0.txt alone", got)
			}
			if err := p.AddDocument(adderDoc(9)); err != nil {
				t.Errorf("AddDocument after the failed transaction: %v", err)
			}
		})
	}
	t.Run("panic", func(t *testing.T) {
		p, _ := newTestProject(t, Options{})
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic did not go on")
				}
			}()
			p.AddDocumentsFrom(context.Background(), func(a *Adder) error {
				a.Add(adderDoc(1))
				panic("producer")
			})
		}()
		if got := docNames(t, p); len(got) != 0 {
			t.Errorf("documents %q after a panic, want none", got)
		}
	})
	t.Run("Close waits", func(t *testing.T) {
		p, path := newTestProject(t, Options{})
		var closeErr error
		var wg sync.WaitGroup
		err := p.AddDocumentsFrom(context.Background(), func(a *Adder) error {
			wg.Go(func() { closeErr = p.Close() })
			for i := range 3 {
				if err := a.Add(adderDoc(i)); err != nil {
					return err
				}
			}
			return nil
		})
		wg.Wait()
		if err != nil || closeErr != nil {
			t.Fatalf("AddDocumentsFrom: %v; Close: %v", err, closeErr)
		}
		p, err = Open(path, Options{NoBackup: true})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		if got := docNames(t, p); len(got) != 3 {
			t.Errorf("documents %q after Close waited for the import, want 3", got)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		first, path := newTestProject(t, Options{})
		first.Close()
		p, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		err = p.AddDocumentsFrom(context.Background(), func(a *Adder) error {
			t.Error("produce called on a read-only project")
			return nil
		})
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("AddDocumentsFrom on a read-only project: %v, want ErrReadOnly", err)
		}
	})
}
