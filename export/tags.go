package export

import (
	"cmp"
	"slices"
	"sort"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// Units returns what tags are given to in rec at level: its tokens (word),
// or one unit per character that is not white space (char). A char unit is
// a Token of one code point with no POS.
func Units(rec Record, level Level) []text.Token {
	if level != LevelChar {
		return rec.Tokens
	}
	out := make([]text.Token, 0, rec.End-rec.Start)
	for i := rec.Start; i < rec.End; i++ {
		r := rec.Doc.Runes[i]
		if unicode.IsSpace(r) {
			continue
		}
		out = append(out, text.Token{Start: i, End: i + 1, Text: string(r)})
	}
	return out
}

// TagLevel is the level d is tagged at: the options' (word by default),
// except that a document without tokens is tagged by character at word
// level too, with a warning (it has no words to tag).
func (j *Job) TagLevel(d *Doc) Level {
	level := cmp.Or(j.Opts.Level, LevelWord)
	if level == LevelWord && len(d.Tokens) == 0 && len(d.Runes) > 0 {
		j.Warn(d, 0, "no tokens (the document is not segmented): written at character level")
		level = LevelChar
	}
	return level
}

// Tags returns the units of rec at level (see Units) and gives each a tag for the spans of layer in
// scheme: "O", or "B-LABEL", "I-LABEL" (BIO), plus "E-LABEL" and "S-LABEL"
// (BIOES).
//
// Tags cannot carry everything spans can, so two rules apply, each span
// they drop reported with a warning (never silently):
//   - Overlapping spans: one unit has one tag, so the longest span wins
//     (then the earlier, then the lower ID); a span that overlaps one
//     already tagged is left out.
//   - Word level: a span whose start or end falls inside a token cannot be
//     tagged on tokens and is left out; character level keeps it.
func (j *Job) Tags(rec Record, level Level, layer string, scheme Scheme) ([]text.Token, []string) {
	units := Units(rec, level)
	tags := make([]string, len(units))
	for i := range tags {
		tags[i] = "O"
	}
	var spans []annotate.Span
	for _, sp := range rec.Spans {
		if sp.Layer == layer {
			spans = append(spans, sp)
		}
	}
	slices.SortStableFunc(spans, func(a, b annotate.Span) int {
		return cmp.Or(cmp.Compare(b.End-b.Start, a.End-a.Start), cmp.Compare(a.Start, b.Start), cmp.Compare(a.ID, b.ID))
	})
	owner := make([]int64, len(units))
	char := level == LevelChar
	for _, sp := range spans {
		// Units [first, last) covered by the span.
		first := sort.Search(len(units), func(i int) bool { return units[i].End > sp.Start })
		last := sort.Search(len(units), func(i int) bool { return units[i].Start >= sp.End })
		if first >= last {
			j.Warn(rec.Doc, sp.ID, "%s [%d,%d) covers no unit to tag (white space only): left out", sp.Label, sp.Start, sp.End)
			continue
		}
		if !char && (units[first].Start != sp.Start || units[last-1].End != sp.End) {
			j.Warn(rec.Doc, sp.ID, "%s [%d,%d) %q starts or ends inside a token: left out of word-level tags (use character level)",
				sp.Label, sp.Start, sp.End, rec.Doc.Text(sp.Start, sp.End))
			continue
		}
		taken := int64(0)
		for i := first; i < last && taken == 0; i++ {
			taken = owner[i]
		}
		if taken != 0 {
			j.Warn(rec.Doc, sp.ID, "%s [%d,%d) overlaps span %d in layer %s; one tag per unit, the longer span wins: left out",
				sp.Label, sp.Start, sp.End, taken, layer)
			continue
		}
		for i := first; i < last; i++ {
			owner[i] = sp.ID
			switch {
			case scheme == SchemeBIOES && last-first == 1:
				tags[i] = "S-" + sp.Label
			case i == first:
				tags[i] = "B-" + sp.Label
			case scheme == SchemeBIOES && i == last-1:
				tags[i] = "E-" + sp.Label
			default:
				tags[i] = "I-" + sp.Label
			}
		}
	}
	return units, tags
}

// TagSpan is a span read back from tags: units [First, Last) with Label.
type TagSpan struct {
	First, Last int
	Label       string
}

// SpansFromTags reads spans back from BIO or BIOES tags (both accepted in
// one pass: S- and E- close a span, an I- without a B- opens one, as
// seqeval does leniently). It reports the index of each tag it could not
// read (not O and without a B-/I-/E-/S- prefix).
func SpansFromTags(tags []string) (spans []TagSpan, bad []int) {
	open := -1
	label := ""
	closeAt := func(i int) {
		if open >= 0 {
			spans = append(spans, TagSpan{First: open, Last: i, Label: label})
			open = -1
		}
	}
	for i, t := range tags {
		if t == "O" || t == "" || t == "_" {
			closeAt(i)
			continue
		}
		if len(t) < 3 || t[1] != '-' && t[1] != '_' {
			closeAt(i)
			bad = append(bad, i)
			continue
		}
		p, l := t[0], t[2:]
		switch p {
		case 'B':
			closeAt(i)
			open, label = i, l
		case 'I', 'M':
			if open < 0 || label != l {
				closeAt(i)
				open, label = i, l
			}
		case 'E', 'L':
			if open < 0 || label != l {
				closeAt(i)
				open, label = i, l
			}
			closeAt(i + 1)
		case 'S', 'U':
			closeAt(i)
			open, label = i, l
			closeAt(i + 1)
		default:
			closeAt(i)
			bad = append(bad, i)
		}
	}
	closeAt(len(tags))
	return spans, bad
}
