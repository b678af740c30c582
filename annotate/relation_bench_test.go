package annotate

import (
	"path/filepath"
	"testing"
	"time"
)

// benchRelations is how many relations the relation benchmarks' document
// holds (issue 16: 50,000).
const benchRelations = 50_000

// relationBenchProject is a project of two copies of a document of
// 60,000 tokens with a span of layer "w" on each of its first 50,001
// tokens: the first copy with a relation from each of those spans to the
// next (50,000 relations), the second without any. It returns the
// project's path and the two documents' IDs.
func relationBenchProject(b *testing.B) (string, int64, int64) {
	schema := DefaultSchema()
	schema.Layers = append(schema.Layers, Layer{Name: "w", Overlap: OverlapAllowed, Labels: []Label{{Name: "X", Color: "#336699"}, {Name: "Y", Color: "#993366"}}})
	schema.Relations = []RelationLayer{{Name: "dep", Types: []RelationType{{Name: "a"}, {Name: "b"}}}}
	path := filepath.Join(b.TempDir(), "rel.biaozhu")
	p, err := Create(path, schema, Options{NoBackup: true})
	if err != nil {
		b.Fatal(err)
	}
	var ids [2]int64
	for k := range 2 {
		doc := goldDocument(b, 60_000)
		for i := range benchRelations + 1 {
			t := doc.Tokens[i]
			doc.Spans = append(doc.Spans, Span{ID: int64(i + 1), Layer: "w", Label: "X", Start: t.Start, End: t.End})
		}
		if k == 0 {
			for i := range benchRelations {
				doc.Relations = append(doc.Relations, Relation{Layer: "dep", Type: "a", From: int64(i + 1), To: int64(i + 2)})
			}
		}
		start := time.Now()
		if err := p.AddDocument(doc); err != nil {
			b.Fatal(err)
		}
		b.Logf("document %d: %d tokens, %d spans, %d relations, stored in %v", doc.ID, len(doc.Tokens), len(doc.Spans), len(doc.Relations), time.Since(start).Round(time.Millisecond))
		ids[k] = doc.ID
	}
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
	return path, ids[0], ids[1]
}

// BenchmarkCommitRelations times, on a document with 50,000 relations and
// on the same document without them: opening it (Project.Document after
// opening the project, as the workspace does on switching to it), and
// committing an edit — a relation retyped (an AddRelation, undone, on
// the second) and a span relabelled, which checks the span's relations.
// The figures of the two documents are printed side by side.
func BenchmarkCommitRelations(b *testing.B) {
	path, with, without := relationBenchProject(b)
	for _, c := range []struct {
		name string
		id   int64
	}{{"with-50000-relations", with}, {"without-relations", without}} {
		b.Run(c.name+"/load", func(b *testing.B) {
			var samples []time.Duration
			for b.Loop() {
				p, err := Open(path, Options{NoBackup: true})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				d, err := p.Document(c.id)
				samples = append(samples, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if c.id == with && len(d.Relations) != benchRelations {
					b.Fatalf("%d relations loaded", len(d.Relations))
				}
				p.Close()
			}
			reportLatency(b, samples)
		})
		b.Run(c.name+"/edit", func(b *testing.B) {
			p, err := Open(path, Options{NoBackup: true})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			d, err := p.Document(c.id)
			if err != nil {
				b.Fatal(err)
			}
			var samples []time.Duration
			next := 0
			for b.Loop() {
				for range editsPerIteration / 2 {
					next++
					var e Edit
					if len(d.Relations) > 0 {
						r := d.Relations[next*7919%len(d.Relations)]
						e = RetypeRelation{ID: r.ID, Type: map[string]string{"a": "b", "b": "a"}[r.Type]}
					} else {
						s := d.Spans[next*7919%len(d.Spans)]
						e = AddRelation{Relation: Relation{Layer: "dep", Type: "a", From: s.ID, To: d.Spans[(next*7919+1)%len(d.Spans)].ID}}
					}
					s := d.Spans[next*104729%len(d.Spans)]
					label := map[string]string{"X": "Y", "Y": "X"}[s.Label]
					for _, e := range []Edit{e, RelabelSpan{ID: s.ID, Label: label}} {
						start := time.Now()
						if _, err := p.Apply(c.id, e); err != nil {
							b.Fatal(err)
						}
						samples = append(samples, time.Since(start))
					}
					if len(d.Relations) > 0 && c.id == without {
						if _, err := p.Undo(c.id); err != nil { // the relation goes again
							b.Fatal(err)
						}
						if _, err := p.Undo(c.id); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			reportLatency(b, samples)
		})
	}
}
