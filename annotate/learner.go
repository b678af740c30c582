package annotate

import (
	"slices"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// Learner builds a Learner on seg from the project: the sentences that hold
// an edited token (of the documents whose summary counts one), as they are
// now, in document order, then the user dictionary (Words, with their POS).
// It reads the documents as the project holds them: run no edit at the
// same time.
func (p *Project) Learner(seg *text.Segmenter) (*text.Learner, error) {
	l := text.NewLearner(seg)
	docs, err := p.Documents()
	if err != nil {
		return nil, err
	}
	for _, ds := range docs {
		if ds.Tagged == 0 {
			continue
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
