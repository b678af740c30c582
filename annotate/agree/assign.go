package agree

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// AssignOptions say how Assign hands out a project's documents.
type AssignOptions struct {
	Annotators []string // names, each a name annotate.CheckName accepts, each once
	// Overlap is how many annotators get each document: 0 means all.
	Overlap int
	// Docs are the IDs of the documents to hand out; nil: every one.
	Docs []int64
	Seed uint64 // of the shuffle that balances the documents
	// Suggestions keeps suggested spans in the copies; without it they
	// are left out (a suggestion nobody accepted is no annotation).
	Suggestions bool
	Dir         string // where the copies go: Dir/MAIN-NAME.biaozhu
}

// Assigned is one annotator's copy that Assign wrote.
type Assigned struct {
	Annotator string
	Path      string
	Docs      []int64 // the main project's IDs of the documents in it
}

// Plan chooses which annotators get each of n documents: each document
// goes to overlap of the annotators (all when overlap is 0), and every
// annotator gets as many documents as the others, or one fewer
// (balanced); the choice is shuffled with seed, the same seed the same
// plan. plan[i] lists document i's annotators by index, in order.
func Plan(n, annotators, overlap int, seed uint64) ([][]int, error) {
	if annotators < 1 {
		return nil, errors.New("agree: no annotators")
	}
	if overlap == 0 {
		overlap = annotators
	}
	if overlap < 1 || overlap > annotators {
		return nil, fmt.Errorf("agree: overlap %d: want 1 to %d (the number of annotators)", overlap, annotators)
	}
	rng := rand.New(rand.NewPCG(seed, 0x62696170))
	load := make([]int, annotators)
	plan := make([][]int, n)
	for _, d := range rng.Perm(n) {
		who := rng.Perm(annotators)
		slices.SortStableFunc(who, func(a, b int) int { return cmp.Compare(load[a], load[b]) })
		who = who[:overlap]
		slices.Sort(who)
		for _, a := range who {
			load[a]++
		}
		plan[d] = who
	}
	return plan, nil
}

// Assign hands out main's documents: one project file per annotator,
// Dir/MAIN-NAME.biaozhu, with the documents Plan gives them (in main's
// order), main's schema, the documents' texts, tokens, spans and relations
// (suggested ones, and relations to them, only with Suggestions) and
// document labels, each document's
// status new, and the annotator's name recorded (Project.HandedTo). Each
// file is written under a temporary name and renamed into place when
// complete; a file already there is never replaced (an error before
// anything is written).
func Assign(ctx context.Context, main *annotate.Project, opts AssignOptions) ([]Assigned, error) {
	if len(opts.Annotators) == 0 {
		return nil, errors.New("agree: assign: no annotators")
	}
	base := strings.TrimSuffix(filepath.Base(main.Path()), filepath.Ext(main.Path()))
	var out []Assigned
	for i, name := range opts.Annotators {
		if err := annotate.CheckName("annotator", name); err != nil {
			return nil, fmt.Errorf("agree: assign: %w", err)
		}
		if slices.Contains(opts.Annotators[:i], name) {
			return nil, fmt.Errorf("agree: assign: annotator %q is named twice", name)
		}
		if strings.ContainsAny(name, `/\`) {
			return nil, fmt.Errorf("agree: assign: annotator %q: a name with / or \\ cannot name a file", name)
		}
		path := filepath.Join(opts.Dir, base+"-"+name+".biaozhu")
		if err := annotate.CheckNewPath(path); err != nil {
			return nil, fmt.Errorf("agree: assign: %w (it may hold an annotator's work: choose another folder)", err)
		}
		out = append(out, Assigned{Annotator: name, Path: path})
	}
	list, err := main.Documents()
	if err != nil {
		return nil, err
	}
	if opts.Docs != nil {
		have := map[int64]bool{}
		for _, d := range list {
			have[d.ID] = true
		}
		for _, id := range opts.Docs {
			if !have[id] {
				return nil, fmt.Errorf("agree: assign: %s has no document %d", main.Path(), id)
			}
		}
		list = slices.DeleteFunc(list, func(d annotate.DocumentSummary) bool { return !slices.Contains(opts.Docs, d.ID) })
	}
	plan, err := Plan(len(list), len(out), opts.Overlap, opts.Seed)
	if err != nil {
		return nil, err
	}
	for i, who := range plan {
		for _, a := range who {
			out[a].Docs = append(out[a].Docs, list[i].ID)
		}
	}
	for i := range out {
		if err := writeCopy(ctx, main, &out[i], opts.Suggestions); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// writeCopy writes one annotator's copy.
func writeCopy(ctx context.Context, main *annotate.Project, a *Assigned, suggestions bool) (err error) {
	tmp, err := os.MkdirTemp(filepath.Dir(a.Path), ".assign-")
	if err != nil {
		return fmt.Errorf("agree: assign: %w", err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, filepath.Base(a.Path))
	p, err := annotate.Create(path, main.Schema(), annotate.Options{NoBackup: true})
	if err != nil {
		return err
	}
	defer func() {
		if p != nil {
			p.Close()
		}
	}()
	if err := p.SetHandedTo(a.Annotator); err != nil {
		return err
	}
	err = p.AddDocumentsFrom(ctx, func(ad *annotate.Adder) error {
		for _, id := range a.Docs {
			d, err := main.Document(id)
			if err != nil {
				return err
			}
			c := copyDocument(d)
			c.Status = annotate.StatusNew
			// The spans keep their IDs, by which the Adder maps the
			// relations' ends; a relation left out with its suggestion.
			kept := map[int64]bool{}
			c.Spans = slices.DeleteFunc(slices.Clone(d.Spans), func(s annotate.Span) bool {
				drop := !suggestions && s.Origin == annotate.OriginSuggested
				kept[s.ID] = !drop
				return drop
			})
			c.Relations = slices.DeleteFunc(slices.Clone(d.Relations), func(r annotate.Relation) bool {
				return !kept[r.From] || !kept[r.To] || !suggestions && r.Origin == annotate.OriginSuggested
			})
			if err := ad.Add(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := p.Close(); err != nil {
		return err
	}
	p = nil
	if err := annotate.CheckNewPath(a.Path); err != nil {
		return fmt.Errorf("agree: assign: %w (while it was written)", err)
	}
	if err := os.Rename(path, a.Path); err != nil {
		return fmt.Errorf("agree: assign: %w", err)
	}
	return nil
}

// copyDocument is a new Document with d's name, source, hashes, texts,
// offset map, report, sentences and their comments, tokens, rejected
// suggestions, declined relations and labels (the slices shared: the Adder only reads them),
// for another project.
func copyDocument(d *annotate.Document) *annotate.Document {
	return &annotate.Document{Name: d.Name, Source: d.Source, Hash: d.Hash, Raw: d.Raw, Text: d.Text, RawMap: d.RawMap,
		Report: d.Report, Sentences: d.Sentences, Comments: d.Comments, Tokens: d.Tokens, TokensFrom: d.TokensFrom,
		Rejected: d.Rejected, DeclinedRelations: d.DeclinedRelations, Status: d.Status, Labels: d.Labels}
}
