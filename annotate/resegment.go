package annotate

import (
	"context"
	"fmt"
	"slices"
)

// TextSegmenter segments text into tokens with code-point offsets relative
// to it, as Segmenter.Segment does. A Learner is one.
type TextSegmenter interface {
	Segment(text string) []Token
}

// ResegmentEdits plans the re-segmentation of d with seg: every run of
// tokens the annotator has not edited (between edited tokens and sentence
// ends) is segmented again; edited tokens keep theirs. A new token that
// would cut through a span edge lying on a token boundary now is split
// there, so spans keep their alignment. It returns one Retokenize per run
// that changes, and the number of tokens that differ.
func ResegmentEdits(d *Document, seg TextSegmenter) (edits []Edit, changed int) {
	edges := map[int]bool{}
	for _, s := range d.Spans {
		edges[s.Start], edges[s.End] = true, true
	}
	flush := func(a, b int) {
		if a >= b {
			return
		}
		old := d.Tokens[a:b]
		start, end := old[0].Start, old[len(old)-1].End
		toks := seg.Segment(d.Slice(start, end))
		aligned := map[int]bool{}
		for _, t := range old {
			if edges[t.Start] {
				aligned[t.Start] = true
			}
			if edges[t.End] {
				aligned[t.End] = true
			}
		}
		var out []Token
		for _, t := range toks {
			t.Start += start
			t.End += start
			t.Text, t.Edited = "", false
			cut := t.Start
			for i := t.Start + 1; i < t.End; i++ {
				if aligned[i] {
					part := t
					part.Start, part.End = cut, i
					out = append(out, part)
					cut = i
				}
			}
			t.Start = cut
			out = append(out, t)
		}
		if slices.EqualFunc(old, out, func(a, b Token) bool { return a.Start == b.Start && a.End == b.End && a.POS == b.POS }) {
			return
		}
		// Count the new tokens that were not there.
		was := map[[2]int]bool{}
		for _, t := range old {
			was[[2]int{t.Start, t.End}] = true
		}
		for _, t := range out {
			if !was[[2]int{t.Start, t.End}] {
				changed++
			}
		}
		edits = append(edits, Retokenize{Start: start, End: end, Tokens: out})
	}
	sents := d.Sentences
	if len(sents) == 0 {
		sents = []Sentence{{Start: 0, End: d.Chars()}}
	}
	k := 0
	for _, s := range sents {
		for k < len(d.Tokens) && d.Tokens[k].Start < s.Start {
			k++
		}
		run := k
		for k < len(d.Tokens) && d.Tokens[k].End <= s.End {
			if d.Tokens[k].Edited {
				flush(run, k)
				run = k + 1
			}
			k++
		}
		flush(run, k)
	}
	return edits, changed
}

// Resegment re-segments, with seg (a Learner: what the annotator's merges
// and splits taught), the documents docs — every run of tokens the
// annotator has not edited; edited tokens stay — as one CorpusStep (nil when
// nothing changes). It returns the step and the number of new tokens.
// progress, when not nil, is told after each document; ctx cancels before
// anything is changed.
func (p *Project) Resegment(ctx context.Context, seg TextSegmenter, docs []int64, progress func(done, total int)) (*CorpusStep, int, error) {
	var all []DocEdit
	total := 0
	for i, id := range docs {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		d, err := p.Document(id)
		if err != nil {
			return nil, 0, err
		}
		edits, n := ResegmentEdits(d, seg)
		for _, e := range edits {
			all = append(all, DocEdit{Doc: id, Edit: e})
		}
		total += n
		if progress != nil {
			progress(i+1, len(docs))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	step, err := p.ApplyCorpus(fmt.Sprintf("re-segment %d documents", len(docs)), all)
	if err != nil {
		return nil, 0, err
	}
	return step, total, nil
}
