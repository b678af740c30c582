package annotate

import (
	"context"
	"slices"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// Learner builds a Learner on seg from the project: the sentences of its
// gold corpora (AddGoldCorpus), in the order they were added, then the
// sentences that hold an edited token (of the documents whose summary
// counts one), as they are now, in document order, then the user
// dictionary (Words, with their POS). So a gold corpus teaches the
// segmenter as if an annotator had corrected its sentences before the
// project's own corrections. It reads the documents as the project holds
// them: run no edit at the same time.
func (p *Project) Learner(seg *text.Segmenter) (*text.Learner, error) {
	return p.LearnerContext(context.Background(), seg, nil)
}

// LearnerContext is Learner, stopping with ctx's error soon after ctx is
// done, and calling progress (when not nil) now and then with the gold
// sentences learnt and their number.
func (p *Project) LearnerContext(ctx context.Context, seg *text.Segmenter, progress func(done, total int)) (*text.Learner, error) {
	l := text.NewLearner(seg)
	gold, err := p.goldSentences(ctx)
	if err != nil {
		return nil, err
	}
	for i, s := range gold {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(i, len(gold))
			}
		}
		l.Learn(s.Text, s.Tokens)
	}
	if progress != nil {
		progress(len(gold), len(gold))
	}
	docs, err := p.Documents()
	if err != nil {
		return nil, err
	}
	for _, ds := range docs {
		if ds.Tagged == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := p.Document(ds.ID)
		if err != nil {
			return nil, err
		}
		for _, s := range d.Sentences {
			i, _ := slices.BinarySearchFunc(d.Tokens, s.Start, func(t text.Token, at int) int { return t.Start - at })
			j := i
			edited := false
			for j < len(d.Tokens) && d.Tokens[j].End <= s.End {
				edited = edited || d.Tokens[j].Edited
				j++
			}
			if !edited {
				continue
			}
			gold := make([]text.Token, j-i)
			for k, t := range d.Tokens[i:j] {
				t.Start -= s.Start
				t.End -= s.Start
				gold[k] = t
			}
			l.Learn(d.Slice(s.Start, s.End), gold)
		}
	}
	words, err := p.Words()
	if err != nil {
		return nil, err
	}
	for _, w := range words {
		l.AddWordPOS(w.Word, w.POS)
	}
	return l, nil
}
