package export

import (
	"bufio"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// A CoNLL-U treebank in a project, and back.
//
// A file that carries more than tokens and POS tags — HEAD and DEPREL (the
// trees), DEPS, LEMMA, FEATS, MISC beyond the spacing, multiword tokens,
// empty nodes, comments beyond "# text", "# newdoc" and "# newpar", or a
// sent_id other than the "N-M" the writer makes — is read losslessly:
//
//   - the sentence's comments (all of them, "# sent_id" and "# text"
//     included) are the sentence's (annotate.Document.Comments, by the
//     sentence's start), so that no edit of its words drops them;
//   - every word becomes a span over its token in the token-tag layer
//     (xpos or upos: the column the token's POS does not hold), labelled
//     with that column ("_" included), whose Extra holds the word's lines
//     as the file has them: the lines before it since the previous word
//     (a multiword token's line before its first word, empty nodes), its
//     own line, and after the sentence's last word the lines that follow
//     it;
//   - every arc (HEAD > 0) becomes a relation of layer DeprelLayer, type
//     DEPREL, from the head's span to the dependent's; the root's HEAD 0
//     stays in its line.
//
// The writer writes such a word's line from what the project holds now —
// ID (numbered again), FORM (the token's text; a multiword token's words
// keep theirs and the token's line gets the text), UPOS and XPOS (the
// token's POS and the span's label), HEAD and DEPREL (the relation into
// the span, else HEAD 0 and its DEPREL where the file had the root, else
// _), the spacing in MISC (SpaceAfter, SpacesAfter, SpacesBefore, put
// where the file had them) — and LEMMA, FEATS, DEPS and the rest of MISC
// as the file had them; the comments as the file had them (but "# text",
// written again when the tokens no longer spell it). Unchanged, the file
// comes back byte for byte. What the project cannot carry over is kept
// out of the project's edits: a token whose word is an end of a relation
// is not split (see annotate.Split), nor merged.

// DeprelLayer is the relation layer of a CoNLL-U treebank's dependency
// trees: one relation per arc, from head to dependent, typed with DEPREL.
const DeprelLayer = "deprel"

// plainSentID is a sent_id the conllu writer makes: the reader need not
// keep it.
var plainSentID = regexp.MustCompile(`^[0-9]+-[0-9]+$`)

// richCoNLLU reports whether sentence s carries more than the plain reader
// keeps (see the comment above).
func richCoNLLU(s CoNLLUSentence) bool {
	if len(s.Ranges) > 0 {
		return true
	}
	for _, l := range s.Lines {
		if strings.HasPrefix(l, "#") {
			body := strings.TrimSpace(l[1:])
			key, val, _ := strings.Cut(body, "=")
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			switch {
			case key == "text", key == "newdoc", key == "newpar", key == "newdoc id", key == "newpar id":
			case key == "sent_id" && plainSentID.MatchString(val):
			default:
				return true
			}
			continue
		}
		id, _, _ := strings.Cut(l, "\t")
		if strings.Contains(id, ".") {
			return true // an empty node
		}
	}
	for _, w := range s.Words {
		for _, c := range []string{w.Lemma, w.Feats, w.Head, w.Deprel, w.Deps} {
			if c != "_" && c != "" {
				return true
			}
		}
		for f := range strings.SplitSeq(w.Misc, "|") {
			if f != "_" && f != "" && !isSpacing(f) {
				return true
			}
		}
	}
	return false
}

// isSpacing reports whether MISC attribute f is one the writer makes from
// the text.
func isSpacing(f string) bool {
	key, _, _ := strings.Cut(f, "=")
	return key == "SpaceAfter" || key == "SpacesAfter" || key == "SpacesBefore"
}

// wordExtras returns the lines that belong to each word of s (see the
// comment above), joined with "\n", and the sentence's comments (the
// reader puts them before its words).
func wordExtras(s CoNLLUSentence) (out, comments []string) {
	out = make([]string, len(s.Words))
	var pending []string
	k := 0
	for _, l := range s.Lines {
		if strings.HasPrefix(l, "#") {
			comments = append(comments, l)
			continue
		}
		id, _, _ := strings.Cut(l, "\t")
		if _, err := strconv.Atoi(id); err == nil && k < len(out) {
			out[k] = strings.Join(append(pending, l), "\n")
			pending = nil
			k++
			continue
		}
		pending = append(pending, l)
	}
	if len(pending) > 0 && k > 0 {
		out[k-1] += "\n" + strings.Join(pending, "\n")
	}
	if k == 0 {
		comments = nil // a sentence without words is not kept
	}
	return out, comments
}

// wordLines is a word's Extra taken apart: the lines before its own, its
// own line's ten columns, and the lines after it.
type wordLines struct {
	before []string
	cols   []string
	after  []string
}

// parseExtra takes a word's Extra apart; ok is false when it holds no
// word line.
func parseExtra(extra string) (w wordLines, ok bool) {
	if extra == "" {
		return w, false
	}
	for l := range strings.SplitSeq(extra, "\n") {
		id, _, _ := strings.Cut(l, "\t")
		if _, err := strconv.Atoi(id); err == nil && w.cols == nil && !strings.HasPrefix(l, "#") {
			if cols := strings.Split(l, "\t"); len(cols) == 10 {
				w.cols = cols
				continue
			}
		}
		if w.cols == nil {
			w.before = append(w.before, l)
		} else {
			w.after = append(w.after, l)
		}
	}
	return w, w.cols != nil
}

// mergeMisc puts the spacing attributes the writer computed (spacing) into
// a MISC column as the file had it (stored): where the file had spacing
// attributes, in their place; else first. The column comes back as it was
// when the spacing is the file's.
func mergeMisc(stored string, spacing []string) string {
	var out []string
	placed := false
	if stored != "_" && stored != "" {
		for f := range strings.SplitSeq(stored, "|") {
			if isSpacing(f) {
				if !placed {
					out = append(out, spacing...)
					placed = true
				}
				continue
			}
			out = append(out, f)
		}
	}
	if !placed {
		out = append(spacing, out...)
	}
	if len(out) == 0 {
		return "_"
	}
	return strings.Join(out, "|")
}

// treeWords reads sentence s of a rich file into spans over its tokens and
// relations between them (see the comment above). tokens are the
// sentence's surface tokens' [start, end) in the document; layer is the
// token-tag layer; useX says the token POS is XPOS, so that the spans hold
// UPOS. next gives the spans' IDs (which the relations use; the Adder
// maps them). comments are the sentence's comment lines. s's arcs are
// checked (checkHeads).
func treeWords(s CoNLLUSentence, surf []conlluSurface, tokens [][2]int, layer string, useX bool, next func() int64) (spans []annotate.Span, rels []annotate.Relation, comments []string) {
	extras, comments := wordExtras(s)
	ids := make([]int64, len(s.Words))
	wi := 0
	for k, u := range surf {
		for _, w := range u.words {
			label := w.XPOS
			if useX {
				label = w.UPOS
			}
			if label == "" {
				label = "_"
			}
			ids[wi] = next()
			spans = append(spans, annotate.Span{ID: ids[wi], Layer: layer, Label: label, Start: tokens[k][0], End: tokens[k][1], Extra: extras[wi]})
			wi++
		}
	}
	for i, w := range s.Words {
		if h, err := strconv.Atoi(w.Head); err == nil && h > 0 {
			rels = append(rels, annotate.Relation{Layer: DeprelLayer, Type: w.Deprel, From: ids[h-1], To: ids[i]})
		}
	}
	return spans, rels, comments
}

// checkHeads checks the arcs of sentence s: each HEAD is "_", 0 or
// another word of the sentence, and each DEPREL of an arc a name a
// relation type may have.
func checkHeads(s CoNLLUSentence) error {
	for i, w := range s.Words {
		if w.Head == "_" || w.Head == "0" {
			continue
		}
		h, err := strconv.Atoi(w.Head)
		if err != nil || h < 1 || h > len(s.Words) || h == i+1 {
			return fmt.Errorf("sentence %q word %d: HEAD %q is not another word of the sentence", s.ID, i+1, w.Head)
		}
		if err := annotate.CheckName("relation type", w.Deprel); err != nil {
			return fmt.Errorf("sentence %q word %d: DEPREL: %v", s.ID, i+1, err)
		}
	}
	return nil
}

// conlluOut is what the conllu writer has of one unit (token) of a
// sentence: its FORM, spacing attributes, UPOS and XPOS as computed, and
// the spans of its words in the token-tag layers.
type conlluOut struct {
	form, upos, xpos string
	spacing          []string
	words            []annotate.Span
}

// conlluTree is what the conllu writer needs of a document's words and
// trees: the spans of the token-tag layers by range, the arcs of
// DeprelLayer by their dependent, and tallies of what it cannot write.
type conlluTree struct {
	byRange  map[[2]int][]annotate.Span
	heads    map[int64][]annotate.Relation
	firstDoc bool // the document is the first of the file
	cross    int
	many     int
	other    int
	wordOf   map[int64]int // a span's word ID in the sentence being written
}

func newCoNLLUTree(d *annotate.Document, firstDoc bool) *conlluTree {
	t := &conlluTree{byRange: map[[2]int][]annotate.Span{}, heads: map[int64][]annotate.Relation{}, firstDoc: firstDoc}
	for _, sp := range d.Spans {
		if sp.Layer == XPOSLayer || sp.Layer == UPOSLayer {
			k := [2]int{sp.Start, sp.End}
			t.byRange[k] = append(t.byRange[k], sp)
		}
	}
	for _, r := range d.Relations {
		if r.Layer != DeprelLayer {
			t.other++
			continue
		}
		t.heads[r.To] = append(t.heads[r.To], r)
	}
	return t
}

// words returns the spans of the token-tag layers over [start, end).
func (t *conlluTree) words(start, end int) []annotate.Span { return t.byRange[[2]int{start, end}] }

// arc returns the HEAD and DEPREL of a word whose spans are spans (a word
// of the file: its span, whose line had head and deprel): the arc of
// DeprelLayer into one of them, else HEAD 0 with deprel where the file had
// the root, else _ _.
func (t *conlluTree) arc(spans []annotate.Span, head, deprel string) (string, string) {
	var in []annotate.Relation
	for _, sp := range spans {
		in = append(in, t.heads[sp.ID]...)
	}
	if len(in) > 1 {
		t.many++
	}
	if len(in) > 0 {
		r := in[0]
		for _, o := range in[1:] {
			if o.ID < r.ID {
				r = o
			}
		}
		if id, ok := t.wordOf[r.From]; ok {
			return strconv.Itoa(id), r.Type
		}
		t.cross++
		return "_", "_"
	}
	if head == "0" {
		return "0", deprel
	}
	return "_", "_"
}

// writeSentence writes one sentence (the n-th of the document, starting
// at start, with text its FORMs joined) of units outs: the file's comments
// (the sentence's) and lines where the words carry them (see the comment
// at the top), else the writer's own. first says it is the document's
// first sentence, which a "# newdoc" starts.
func (t *conlluTree) writeSentence(bw *bufio.Writer, d *Doc, first bool, n, start int, text string, outs []conlluOut) {
	// The words of each unit with their lines; the word IDs.
	parsed := make([][]wordLines, len(outs))
	t.wordOf = map[int64]int{}
	id := 0
	for i, o := range outs {
		for _, sp := range o.words {
			if w, ok := parseExtra(sp.Extra); ok {
				parsed[i] = append(parsed[i], w)
			}
		}
		if len(parsed[i]) == 0 || len(parsed[i]) != len(o.words) {
			parsed[i] = nil // a word without its lines: the unit is written as the writer's own
			id++
			for _, sp := range o.words {
				t.wordOf[sp.ID] = id
			}
			continue
		}
		for _, sp := range o.words {
			id++
			t.wordOf[sp.ID] = id
		}
	}
	// The comments: the sentence's; in a project of format 6 (which kept
	// them in the first word's Extra) a sentence the migration found no
	// word with comments for (its first word's span was removed then)
	// may get them back in its first word's Extra by an undo.
	stored := d.Comments[start]
	if stored == nil && len(parsed[0]) > 0 {
		for _, l := range parsed[0][0].before {
			if strings.HasPrefix(l, "#") {
				stored = append(stored, l)
			}
		}
	}
	if first {
		hasNewdoc := slices.ContainsFunc(stored, func(l string) bool {
			return strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(l, "#")), "newdoc")
		})
		if len(stored) == 0 || !hasNewdoc && !t.firstDoc {
			fmt.Fprintf(bw, "# newdoc id = %s\n", commentSafe(d.Name))
		}
	}
	if len(stored) == 0 {
		fmt.Fprintf(bw, "# sent_id = %d-%d\n# text = %s\n", d.ID, n, text)
	}
	for _, l := range stored {
		if key, val, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(l, "#")), "="); ok && strings.TrimSpace(key) == "text" && strings.TrimSpace(val) != text {
			l = "# text = " + text
		}
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	// The words. A word of the writer's own in a sentence with arcs
	// that has none coming in is a root (HEAD 0, DEPREL root).
	hasArcs := false
	for _, o := range outs {
		for _, sp := range o.words {
			hasArcs = hasArcs || len(t.heads[sp.ID]) > 0
		}
	}
	id = 0
	for i, o := range outs {
		if parsed[i] == nil {
			id++
			head, deprel := t.arc(o.words, "", "")
			if head == "_" && hasArcs && !slices.ContainsFunc(o.words, func(sp annotate.Span) bool { return len(t.heads[sp.ID]) > 0 }) {
				head, deprel = "0", "root"
			}
			misc := "_"
			if len(o.spacing) > 0 {
				misc = strings.Join(o.spacing, "|")
			}
			fmt.Fprintf(bw, "%d\t%s\t_\t%s\t%s\t_\t%s\t%s\t_\t%s\n", id, o.form, o.upos, o.xpos, head, deprel, misc)
			continue
		}
		multi := len(parsed[i]) > 1
		for wi, w := range parsed[i] {
			id++
			sp := o.words[wi]
			for _, l := range w.before {
				if !strings.HasPrefix(l, "#") {
					t.writeOther(bw, l, id, o, multi)
				}
			}
			cols := slices.Clone(w.cols)
			cols[0] = strconv.Itoa(id)
			if multi {
				// The token's line has the text and the spacing; each word
				// keeps its FORM and the column its span does not hold.
				if sp.Layer == XPOSLayer {
					cols[4] = sp.Label
				} else {
					cols[3] = sp.Label
				}
			} else {
				cols[1], cols[3], cols[4] = o.form, o.upos, o.xpos
				cols[9] = mergeMisc(cols[9], o.spacing)
			}
			cols[6], cols[7] = t.arc([]annotate.Span{sp}, cols[6], cols[7])
			bw.WriteString(strings.Join(cols, "\t"))
			bw.WriteByte('\n')
			for _, l := range w.after {
				if !strings.HasPrefix(l, "#") {
					t.writeOther(bw, l, id+1, o, multi)
				}
			}
		}
	}
	bw.WriteByte('\n')
}

// writeOther writes a multiword token's line or an empty node's, kept
// from the file, before word id: numbered again, a multiword token's
// FORM and spacing from the unit it spans.
func (t *conlluTree) writeOther(bw *bufio.Writer, l string, id int, o conlluOut, multi bool) {
	cols := strings.Split(l, "\t")
	if len(cols) != 10 {
		return
	}
	if a, b, ok := strings.Cut(cols[0], "-"); ok {
		x, err1 := strconv.Atoi(a)
		y, err2 := strconv.Atoi(b)
		if err1 != nil || err2 != nil || !multi {
			return // a range that no longer fits its token: its words are written alone
		}
		cols[0] = fmt.Sprintf("%d-%d", id, id+y-x)
		cols[1] = o.form
		cols[9] = mergeMisc(cols[9], o.spacing)
	} else if _, k, ok := strings.Cut(cols[0], "."); ok {
		cols[0] = fmt.Sprintf("%d.%s", id-1, k)
	}
	bw.WriteString(strings.Join(cols, "\t"))
	bw.WriteByte('\n')
}

// tally adds what the document's trees could not carry to the writer's
// tallies.
func (t *conlluTree) tally(d *Doc, cross, many, other *tally) {
	cross.add(d, t.cross)
	many.add(d, t.many)
	other.add(d, t.other)
}
