package annotate

import (
	"slices"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// Learner builds a Learner on seg from the project: the sentences that hold
// an edited token (of the documents whose summary counts one), as they are
// now, in document order, then the user dictionary (Words, with their POS).
// It learns what the annotator meant (text.Learner.LearnEdited): the
// tokens the annotator edited, not the rest of their sentences; a split
// made only for a span's edge (SegLabel: labelling 冬春 in 冬春季) is no
// correction, so its two pieces are learnt as the one token they were.
// It reads the documents as the project holds them: run no edit at the
// same time.
func (p *Project) Learner(seg *text.Segmenter) (*text.Learner, error) {
	l := text.NewLearner(seg)
	docs, err := p.Documents()
	if err != nil {
		return nil, err
	}
	segEdits, err := p.SegmentationEdits()
	if err != nil {
		return nil, err
	}
	labelCuts := map[int64]map[int]bool{} // document → the places split for a span
	for _, se := range segEdits {
		if se.Kind != SegLabel || len(se.After) != 2 {
			continue
		}
		if labelCuts[se.DocID] == nil {
			labelCuts[se.DocID] = map[int]bool{}
		}
		labelCuts[se.DocID][se.Start+utf8.RuneCountInString(se.After[0])] = true
	}
	for _, ds := range docs {
		if ds.Tagged == 0 {
			continue
		}
		d, err := p.Document(ds.ID)
		if err != nil {
			return nil, err
		}
		toks := joinCuts(d.Tokens, labelCuts[d.ID])
		for _, s := range d.Sentences {
			i, _ := slices.BinarySearchFunc(toks, s.Start, func(t text.Token, at int) int { return t.Start - at })
			j := i
			edited := false
			for j < len(toks) && toks[j].End <= s.End {
				edited = edited || toks[j].Edited
				j++
			}
			if !edited {
				continue
			}
			gold := make([]text.Token, j-i)
			for k, t := range toks[i:j] {
				t.Start -= s.Start
				t.End -= s.Start
				gold[k] = t
			}
			l.LearnEdited(d.Slice(s.Start, s.End), gold)
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

// joinCuts returns toks with the two tokens on either side of each place
// of cuts joined again into one token, not marked edited: the token the
// Segmenter made, before a span's edge cut it.
func joinCuts(toks []text.Token, cuts map[int]bool) []text.Token {
	if len(cuts) == 0 {
		return toks
	}
	out := make([]text.Token, 0, len(toks))
	for _, t := range toks {
		if n := len(out); n > 0 && cuts[t.Start] && out[n-1].End == t.Start {
			prev := out[n-1]
			prev.End, prev.Text, prev.Edited = t.End, "", false
			out[n-1] = prev
			continue
		}
		out = append(out, t)
	}
	return out
}
