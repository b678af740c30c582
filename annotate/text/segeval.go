package text

import (
	"fmt"
	"unicode"
)

// SegScore counts word segmentation agreement the way the SIGHAN bakeoff
// scorer does: each word is its (start, end) span in the sentence with all
// whitespace removed, and a predicted word is correct when a gold word has
// the same span. Add sentences one at a time; P, R and F1 are over all of
// them (micro-averaged).
type SegScore struct {
	Gold    int // gold words
	Pred    int // predicted words
	Correct int // predicted words whose span is a gold word's span
}

// Add scores one sentence: goldWords and predWords are its words in order.
// Whitespace inside or between words is ignored; words that are only
// whitespace are not words. The two lists need not spell the same text;
// spans are compared as they are.
func (s *SegScore) Add(goldWords, predWords []string) {
	gold := wordSpans(goldWords)
	pred := wordSpans(predWords)
	s.Gold += len(gold)
	s.Pred += len(pred)
	// Both lists are sorted and non-overlapping: merge them.
	i, j := 0, 0
	for i < len(gold) && j < len(pred) {
		g, p := gold[i], pred[j]
		switch {
		case g == p:
			s.Correct++
			i++
			j++
		case g[0] < p[0] || g[0] == p[0] && g[1] < p[1]:
			i++
		default:
			j++
		}
	}
}

// wordSpans is the [start, end) span of each word, in code points of the
// words' concatenation with whitespace removed.
func wordSpans(words []string) [][2]int {
	spans := make([][2]int, 0, len(words))
	pos := 0
	for _, w := range words {
		n := 0
		for _, r := range w {
			if !unicode.IsSpace(r) {
				n++
			}
		}
		if n == 0 {
			continue
		}
		spans = append(spans, [2]int{pos, pos + n})
		pos += n
	}
	return spans
}

// P is precision: correct / predicted words (0 when nothing was predicted).
func (s SegScore) P() float64 { return ratio(s.Correct, s.Pred) }

// R is recall: correct / gold words (0 when there were no gold words).
func (s SegScore) R() float64 { return ratio(s.Correct, s.Gold) }

// F1 is the harmonic mean of P and R (0 when both are 0).
func (s SegScore) F1() float64 {
	p, r := s.P(), s.R()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// String is "P=0.xxxx R=0.xxxx F1=0.xxxx", the last line of
// `biaozhu segeval`.
func (s SegScore) String() string {
	return fmt.Sprintf("P=%.4f R=%.4f F1=%.4f", s.P(), s.R(), s.F1())
}
