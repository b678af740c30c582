package annotate

import (
	"context"
	"fmt"
	"slices"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// TextSegmenter segments text into tokens with code-point offsets relative
// to it, as Segmenter.Segment does. A Learner is one.
type TextSegmenter interface {
	Segment(text string) []text.Token
}

// ResegmentEdits plans the re-segmentation of d with seg: every sentence
// that holds no token the annotator edited (split, merged or tagged) is
// segmented again; a sentence with one keeps all its tokens (the annotator
// has looked at it). New tokens are cut at every span edge inside them, so
// spans stay on token boundaries. A POS tag the schema's tagset lacks
// becomes the old token's tag at the same place, else the tagset's "x" or
// "X"; a sentence where neither exists keeps its tokens. It returns one
// Retokenize per sentence that changes, and the number of new tokens. A
// document whose tokens were imported with an annotated file (gold tokens,
// Document.TokensFrom) is left as it is.
func ResegmentEdits(d *Document, seg TextSegmenter, schema *Schema) (edits []Edit, changed int) {
	if d.TokensFrom == TokensImported {
		return nil, 0 // gold tokens from an annotated file
	}
	edges := map[int]bool{}
	for _, s := range d.Spans {
		edges[s.Start], edges[s.End] = true, true
	}
	var tags *Tagset
	fallback := ""
	if schema != nil && len(schema.POS.Tags) > 0 {
		tags = &schema.POS
		for _, x := range []string{"x", "X"} {
			if tags.Has(x) {
				fallback = x
				break
			}
		}
	}
	redo := func(old []text.Token) {
		if len(old) == 0 {
			return
		}
		start, end := old[0].Start, old[len(old)-1].End
		oldPOS := make(map[[2]int]string, len(old))
		for _, t := range old {
			oldPOS[[2]int{t.Start, t.End}] = t.POS
		}
		var out []text.Token
		for _, t := range seg.Segment(d.Slice(start, end)) {
			t.Start += start
			t.End += start
			t.Text, t.Edited = "", false
			cut := t.Start
			for i := t.Start + 1; i <= t.End; i++ {
				if i < t.End && !edges[i] {
					continue
				}
				part := t
				part.Start, part.End = cut, i
				if tags != nil && !tags.Has(part.POS) {
					if pos, ok := oldPOS[[2]int{part.Start, part.End}]; ok {
						part.POS = pos
					} else if fallback != "" {
						part.POS = fallback
					} else {
						return // no tag to give: keep the sentence's tokens
					}
				}
				out = append(out, part)
				cut = i
			}
		}
		if slices.EqualFunc(old, out, func(a, b text.Token) bool { return a.Start == b.Start && a.End == b.End && a.POS == b.POS }) {
			return
		}
		for _, t := range out {
			if _, ok := oldPOS[[2]int{t.Start, t.End}]; !ok {
				changed++
			}
		}
		edits = append(edits, Retokenize{Start: start, End: end, Tokens: out})
	}
	sents := d.Sentences
	if len(sents) == 0 {
		sents = []text.Sentence{{Start: 0, End: d.Chars()}}
	}
	k := 0
	for _, s := range sents {
		for k < len(d.Tokens) && d.Tokens[k].Start < s.Start {
			k++
		}
		first, edited := k, false
		for k < len(d.Tokens) && d.Tokens[k].End <= s.End {
			edited = edited || d.Tokens[k].Edited
			k++
		}
		if !edited {
			redo(d.Tokens[first:k])
		}
	}
	return edits, changed
}

// Resegment re-segments, with seg (a Learner: what the annotator's merges
// and splits taught), the documents docs — every sentence the annotator
// has not edited (see ResegmentEdits) — as one CorpusStep (nil when
// nothing changes). It returns the step and the number of new tokens.
// progress, when not nil, is told after each document; ctx cancels before
// anything is changed.
func (p *Project) Resegment(ctx context.Context, seg TextSegmenter, docs []int64, progress func(done, total int)) (*CorpusStep, int, error) {
	edits, total, err := p.PlanResegment(ctx, seg, docs, progress)
	if err != nil {
		return nil, 0, err
	}
	step, err := p.ApplyCorpus(fmt.Sprintf("re-segment %d documents", len(docs)), edits)
	if err != nil {
		return nil, 0, err
	}
	return step, total, nil
}

// PlanResegment is Resegment without applying: one Batch of Retokenize per
// document that changes, and the number of new tokens. It only reads the
// documents.
func (p *Project) PlanResegment(ctx context.Context, seg TextSegmenter, docs []int64, progress func(done, total int)) ([]DocEdit, int, error) {
	var plan []DocEdit
	total := 0
	schema := p.Schema()
	for i, id := range docs {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		d, err := p.Document(id)
		if err != nil {
			return nil, 0, err
		}
		edits, n := ResegmentEdits(d, seg, schema)
		if len(edits) > 0 {
			plan = append(plan, DocEdit{Doc: id, Edit: Batch{Name: "re-segment", Edits: edits}})
		}
		total += n
		if progress != nil {
			progress(i+1, len(docs))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	return plan, total, nil
}
