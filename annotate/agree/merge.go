package agree

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// The accept rules of Merge.
const (
	AcceptAgreed   = "agreed"   // what every annotator who worked on the document marked
	AcceptMajority = "majority" // what more than half of them marked
	AcceptNone     = "none"     // nothing: every decision is open
)

// AnnotatorLayer is the name of the layer of a curation project that
// holds annotator's spans of layer: "NER@lin".
func AnnotatorLayer(layer, annotator string) string { return layer + "@" + annotator }

// MergeSummary is what Merge wrote.
type MergeSummary struct {
	Documents int
	Spans     map[string]int // each annotator's spans copied
	Accepted  int            // spans pre-accepted into the curated layers
	Relations int            // annotators' relations copied (none pre-accepted)
	Open      int            // open decisions (OpenDecisions) in all
	Notes     []string       // documents not in every file, texts a file has twice
}

// Merge writes the curation project out from the annotators' project
// files (paths; documents matched by text hash): every document of any
// of them, once (its text, tokens and the rest from the first file that
// has it); for each layer L the curated layer L, holding what accept
// pre-accepts (AcceptAgreed, AcceptMajority: counted over the annotators
// who worked on the document, at least two; AcceptNone), each such span's
// Annotator the annotators who marked it; and a layer L@NAME per
// annotator (overlaps allowed) with their spans, annotator recorded, the
// suggestions they never accepted left out; for each relation layer R
// likewise a layer R@NAME per annotator with their relations between
// those spans (the curated R left empty: relations are not pre-accepted). The Curation is recorded in
// the file. out is written under a temporary name and renamed into place
// when complete; it must not exist.
func Merge(ctx context.Context, out string, paths []string, accept string) (*MergeSummary, error) {
	switch accept {
	case AcceptAgreed, AcceptMajority, AcceptNone:
	default:
		return nil, fmt.Errorf("agree: merge: accept %q: want agreed, majority or none", accept)
	}
	if err := annotate.CheckNewPath(out); err != nil {
		return nil, fmt.Errorf("agree: merge: %w", err)
	}
	for _, p := range paths {
		if same(p, out) {
			return nil, fmt.Errorf("agree: merge: %s is one of the annotators' files", out)
		}
	}
	anns, err := Load(ctx, paths)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	seen := map[string]string{}
	for _, a := range anns {
		if other, ok := seen[a.Annotator]; ok {
			return nil, fmt.Errorf("agree: merge: %s and %s are both annotator %q: give each annotator's file once", other, a.Path, a.Annotator)
		}
		seen[a.Annotator] = a.Path
	}
	docs := align(anns, rep)
	schema, cur, err := curationSchema(anns, accept)
	if err != nil {
		return nil, err
	}
	sum := &MergeSummary{Spans: map[string]int{}, Notes: rep.Notes}

	// The documents' texts come from the files, opened read-only while
	// the gold is written.
	projects := make([]*annotate.Project, len(anns))
	defer func() {
		for _, p := range projects {
			if p != nil {
				p.Close()
			}
		}
	}()
	ids := make([]map[string]int64, len(anns)) // text hash → ID, per file
	for r, a := range anns {
		if projects[r], err = annotate.Open(a.Path, annotate.Options{ReadOnly: true}); err != nil {
			return nil, err
		}
		hs, err := projects[r].TextHashes(ctx)
		if err != nil {
			return nil, err
		}
		ids[r] = map[string]int64{}
		for _, h := range hs {
			if _, ok := ids[r][h.Hash]; !ok {
				ids[r][h.Hash] = h.ID
			}
		}
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".merge-")
	if err != nil {
		return nil, fmt.Errorf("agree: merge: %w", err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, filepath.Base(out))
	gold, err := annotate.Create(path, schema, annotate.Options{NoBackup: true})
	if err != nil {
		return nil, err
	}
	defer func() {
		if gold != nil {
			gold.Close()
		}
	}()
	if err := gold.SetCuration(cur); err != nil {
		return nil, err
	}
	layers := slices.Sorted(func(yield func(string) bool) {
		for l := range cur.Layers {
			if !yield(l) {
				return
			}
		}
	})
	err = gold.AddDocumentsFrom(ctx, func(ad *annotate.Adder) error {
		for _, al := range docs {
			var base *annotate.Document
			for r, d := range al.docs {
				if d != nil {
					var err error
					if base, err = projects[r].Document(ids[r][d.Hash]); err != nil {
						return err
					}
					break
				}
			}
			c := copyDocument(base)
			c.Status = annotate.StatusNew
			c.Rejected, c.DeclinedRelations = nil, nil
			for _, layer := range layers {
				var workers int
				chosen := map[mspan][]string{}
				for r, d := range al.docs {
					if d == nil {
						continue
					}
					spans, worked := work(d, layer)
					if !worked {
						continue
					}
					workers++
					name := anns[r].Annotator
					for _, s := range spans {
						c.Spans = append(c.Spans, annotate.Span{ID: carried(r, s.ID), Layer: AnnotatorLayer(layer, name), Label: s.Label, Start: s.Start, End: s.End,
							Note: s.Note, Origin: s.Origin, Annotator: name})
						sum.Spans[name]++
						k := mspan{s.Start, s.End, s.Label}
						if !slices.Contains(chosen[k], name) {
							chosen[k] = append(chosen[k], name)
						}
					}
				}
				for _, k := range slices.SortedFunc(func(yield func(mspan) bool) {
					for k := range chosen {
						if !yield(k) {
							return
						}
					}
				}, func(a, b mspan) int {
					return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), cmp.Compare(a.label, b.label))
				}) {
					n := len(chosen[k])
					if workers >= 2 && (accept == AcceptAgreed && n == workers || accept == AcceptMajority && 2*n > workers) {
						c.Spans = append(c.Spans, annotate.Span{Layer: layer, Label: k.label, Start: k.start, End: k.end,
							Origin: annotate.OriginImported, Annotator: strings.Join(chosen[k], ",")})
						sum.Accepted++
					}
				}
			}
			// Each annotator's relations between the spans copied, in
			// their relation layer (none pre-accepted: they are decided in
			// the curation view, RelationDecisions).
			for r, d := range al.docs {
				if d == nil || len(anns[r].Schema.Relations) == 0 {
					continue
				}
				full, err := projects[r].Document(ids[r][d.Hash])
				if err != nil {
					return err
				}
				copied := map[int64]bool{}
				for _, s := range c.Spans {
					copied[s.ID] = true
				}
				for _, x := range full.Relations {
					from, to := carried(r, x.From), carried(r, x.To)
					if x.Origin == annotate.OriginSuggested || !copied[from] || !copied[to] {
						continue // a suggestion, or to one
					}
					c.Relations = append(c.Relations, annotate.Relation{Layer: AnnotatorLayer(x.Layer, anns[r].Annotator), Type: x.Type,
						From: from, To: to, Note: x.Note, Origin: x.Origin, Annotator: anns[r].Annotator})
					sum.Relations++
				}
			}
			if err := ad.Add(c); err != nil {
				return err
			}
			sum.Open += OpenDecisions(c, cur)
			sum.Documents++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := gold.Close(); err != nil {
		return nil, err
	}
	gold = nil
	if err := annotate.CheckNewPath(out); err != nil {
		return nil, fmt.Errorf("agree: merge: %w (while it was written)", err)
	}
	if err := os.Rename(path, out); err != nil {
		return nil, fmt.Errorf("agree: merge: %w", err)
	}
	return sum, nil
}

// work returns d's confirmed spans of layer (suggestions never accepted
// left out) and whether the annotator worked on d in that layer: status
// other than new, or a confirmed span there.
func work(d *Doc, layer string) ([]annotate.Span, bool) {
	var out []annotate.Span
	for _, s := range d.Spans {
		if s.Layer == layer && s.Origin != annotate.OriginSuggested {
			out = append(out, s)
		}
	}
	return out, d.Status != annotate.StatusNew || len(out) > 0
}

// curationSchema is the schema of the curation project: each layer of
// the annotators' schemas (the first file's definition), then for each
// layer one per annotator, overlaps allowed, with the same labels.
func curationSchema(anns []*Annotation, accept string) (*annotate.Schema, *annotate.Curation, error) {
	s := anns[0].Schema.Clone()
	for _, a := range anns[1:] {
		for _, l := range a.Schema.Layers {
			if _, ok := s.Layer(l.Name); !ok {
				s.Layers = append(s.Layers, l)
			}
		}
	}
	cur := &annotate.Curation{Accept: accept, Layers: map[string]map[string]string{}}
	for _, a := range anns {
		cur.Annotators = append(cur.Annotators, a.Annotator)
		// Absolute: the curation project is opened from anywhere.
		path, err := filepath.Abs(a.Path)
		if err != nil {
			path = a.Path
		}
		cur.Files = append(cur.Files, path)
	}
	curated := slices.Clone(s.Layers)
	for _, l := range curated {
		cur.Layers[l.Name] = map[string]string{}
		for _, a := range anns {
			name := AnnotatorLayer(l.Name, a.Annotator)
			if _, ok := s.Layer(name); ok {
				return nil, nil, fmt.Errorf("agree: merge: layer %q of the files is also the name of %s's layer of %q: rename it first", name, a.Annotator, l.Name)
			}
			if err := annotate.CheckName("layer", name); err != nil {
				return nil, nil, fmt.Errorf("agree: merge: annotator %q's layer of %q: %w", a.Annotator, l.Name, err)
			}
			al := annotate.Layer{Name: name, Overlap: annotate.OverlapAllowed, Labels: slices.Clone(l.Labels),
				Description: fmt.Sprintf("%s's spans of %s (curation)", a.Annotator, l.Name)}
			for i := range al.Labels {
				al.Labels[i].Key = "" // the curated layer's keys stay unique
			}
			// Labels only the annotators' spans have are added below.
			s.Layers = append(s.Layers, al)
			cur.Layers[l.Name][a.Annotator] = name
		}
	}
	// Relation layers: the curated one, and one per annotator whose
	// types' ends name the annotator's span layers.
	for _, a := range anns[1:] {
		for _, rl := range a.Schema.Relations {
			if !slices.ContainsFunc(s.Relations, func(x annotate.RelationLayer) bool { return x.Name == rl.Name }) {
				s.Relations = append(s.Relations, rl)
			}
		}
	}
	cur.Relations = map[string]map[string]string{}
	for _, rl := range slices.Clone(s.Relations) {
		cur.Relations[rl.Name] = map[string]string{}
		for _, a := range anns {
			name := AnnotatorLayer(rl.Name, a.Annotator)
			if err := annotate.CheckName("layer", name); err != nil {
				return nil, nil, fmt.Errorf("agree: merge: annotator %q's relation layer of %q: %w", a.Annotator, rl.Name, err)
			}
			x := annotate.RelationLayer{Name: name, Description: fmt.Sprintf("%s's relations of %s (curation)", a.Annotator, rl.Name)}
			for _, t := range rl.Types {
				t.Key = ""
				t.Arg1, t.Arg2 = annotatorRefs(t.Arg1, a.Annotator), annotatorRefs(t.Arg2, a.Annotator)
				x.Types = append(x.Types, t)
			}
			s.Relations = append(s.Relations, x)
			cur.Relations[rl.Name][a.Annotator] = name
		}
	}
	// Labels some annotator's spans use that the first schema lacks.
	for _, a := range anns {
		for _, d := range a.Docs {
			for _, sp := range d.Spans {
				l, ok := s.Layer(sp.Layer)
				if !ok || sp.Origin == annotate.OriginSuggested {
					continue
				}
				if _, ok := l.Label(sp.Label); ok {
					continue
				}
				var from *annotate.Label
				if al, ok := a.Schema.Layer(sp.Layer); ok {
					from, _ = al.Label(sp.Label)
				}
				lb := annotate.Label{Name: sp.Label, Color: "#888888"}
				if from != nil {
					lb = *from
				}
				lb.Key = ""
				l.Labels = append(l.Labels, lb)
				for _, name := range cur.Layers[sp.Layer] {
					x, _ := s.Layer(name)
					x.Labels = append(x.Labels, lb)
				}
			}
		}
	}
	return s, cur, s.Validate()
}

// annotatorRefs maps the span layers refs name to annotator's layers.
func annotatorRefs(refs []annotate.LabelRef, annotator string) []annotate.LabelRef {
	out := make([]annotate.LabelRef, len(refs))
	for i, r := range refs {
		out[i] = annotate.LabelRef{Layer: AnnotatorLayer(r.Layer, annotator), Label: r.Label}
	}
	return out
}

// carried is the ID annotator r's span id carries into the curation
// project's Adder, unique across the annotators' files (each numbers its
// spans on its own), by which their relations' ends are mapped.
func carried(r int, id int64) int64 { return int64(r+1)<<40 | id }

// same reports whether a and b name the same file (or would).
func same(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	aa, _ := filepath.Abs(a)
	ab, _ := filepath.Abs(b)
	return aa == ab
}
