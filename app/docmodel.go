package app

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/biaozhu/biaozhu/annotate"
)

// docModel is what the document view shows of a processed document.
type docModel struct {
	name      string
	encoding  string
	script    annotate.Script
	counts    map[string]int
	text      []rune
	sentences []annotate.Sentence
	tokens    []annotate.Token
	marks     []annotate.Mark
}

// modelOf reduces a processed document to what the view shows.
func modelOf(d *annotate.Document) docModel {
	return docModel{
		name:      d.Name,
		encoding:  d.Report.Encoding,
		script:    d.Report.Script,
		counts:    d.Report.Counts,
		text:      []rune(d.Text),
		sentences: d.Sentences,
		tokens:    d.Tokens,
		marks:     d.Report.Marks,
	}
}

// markCounts counts the marks of each kind.
func (m docModel) markCounts() map[annotate.MarkKind]int {
	n := make(map[annotate.MarkKind]int)
	for _, mk := range m.marks {
		n[mk.Kind]++
	}
	return n
}

// noTag stands for a token without a POS tag.
const noTag = "—"

// tokenItems turns the model into the items of a docBody: one per token,
// in text order. A line break in the text between two tokens starts a new
// paragraph; the first token of each sentence carries the sentence's
// number; damage and repaired marks become highlights of the words they
// cover and pinyin hints are shown beside the tag of the token they point
// at. It must run on the Fyne goroutine.
//
// The tokens are Segment's: in text order, not overlapping, and never
// holding white space (which therefore lies in the gaps between them).
func (m docModel) tokenItems() []*tokenItem {
	items := make([]*tokenItem, 0, len(m.tokens))
	marks := newMarkCursor(m.marks)
	prevEnd, si, pending := 0, 0, -1
	for _, tok := range m.tokens {
		for si < len(m.sentences) && m.sentences[si].Start <= tok.Start {
			pending = si
			si++
		}
		newPara := strings.ContainsRune(m.slice(prevEnd, tok.Start), '\n')
		prevEnd = tok.End

		tag := tok.POS
		if tag == "" {
			tag = noTag
		}
		it := &tokenItem{
			runes:     []rune(tok.Text),
			tag:       canvas.NewText(tag, nil),
			paragraph: newPara && len(items) > 0,
			noStart:   allIn(tok.Text, closingPunct),
			noEnd:     allIn(tok.Text, openingPunct),
		}
		if pending >= 0 {
			it.number = canvas.NewText(strconv.Itoa(pending+1), nil)
			it.number.TextStyle = fyne.TextStyle{Bold: true}
			pending = -1
		}
		m.addMarks(it, tok, marks.on(tok.Start, tok.End))
		it.word = canvas.NewText(string(it.runes), nil)
		items = append(items, it)
	}
	return items
}

// markCursor walks the marks of a document alongside its tokens, so that
// finding the marks on every token costs one pass over both (with the marks
// sorted once) rather than a scan of all marks per token. Marks may
// overlap: a pinyin hint shares its range with a damage mark, a repaired
// mark may be followed by a damage mark, and a garbled run may cover
// several tokens.
type markCursor struct {
	marks  []annotate.Mark
	order  []int // indices into marks of the marks not empty, by Start
	next   int   // order[next:] have not reached a token yet
	active []int // marks that reach into the last token asked for
}

// newMarkCursor returns a cursor at the start of the text. Empty or
// reversed marks (End <= Start) cover no text and are left out.
func newMarkCursor(marks []annotate.Mark) *markCursor {
	order := make([]int, 0, len(marks))
	for i, mk := range marks {
		if mk.End > mk.Start {
			order = append(order, i)
		}
	}
	byStart := func(a, b int) int { return cmp.Compare(marks[a].Start, marks[b].Start) }
	if !slices.IsSortedFunc(order, byStart) {
		slices.SortStableFunc(order, byStart)
	}
	return &markCursor{marks: marks, order: order}
}

// on returns the indices of the marks that overlap [start, end), in their
// order in the document's marks. Successive calls must come in text order
// (neither start nor end decreasing), as tokens do; the slice returned is
// valid until the next call.
func (c *markCursor) on(start, end int) []int {
	keep := c.active[:0]
	for _, i := range c.active {
		if c.marks[i].End > start {
			keep = append(keep, i)
		}
	}
	c.active = keep
	for c.next < len(c.order) && c.marks[c.order[c.next]].Start < end {
		if i := c.order[c.next]; c.marks[i].End > start {
			c.active = append(c.active, i)
		}
		c.next++
	}
	slices.Sort(c.active)
	return c.active
}

// lostGlyph is drawn for a U+FFFD that cleaning marked as a lost
// character: the replacement character looks like a font failure, and a
// lost character is what the damage highlight says anyway.
const lostGlyph = '?'

// addMarks attaches the marks on tok, the indices in m.marks that on
// gives, to its item (whose runes are still the token's text).
func (m docModel) addMarks(it *tokenItem, tok annotate.Token, on []int) {
	var hints []string
	for _, mi := range on {
		mk := m.marks[mi]
		switch mk.Kind {
		case annotate.MarkDamage, annotate.MarkRepaired:
			st := styleDamage
			if mk.Kind == annotate.MarkRepaired {
				st = styleRepaired
			}
			h := highlight{
				from: max(mk.Start, tok.Start) - tok.Start,
				to:   min(mk.End, tok.End) - tok.Start,
				kind: st,
				rect: canvas.NewRectangle(nil),
			}
			if mk.Kind == annotate.MarkDamage && mk.Cause == annotate.CauseLost {
				for i := h.from; i < h.to && i < len(it.runes); i++ {
					if it.runes[i] == unicode.ReplacementChar {
						it.runes[i] = lostGlyph
					}
				}
			}
			it.marks = append(it.marks, h)
		case annotate.MarkPinyinHint:
			// Original is the pinyin cleaning removed.
			if p := strings.TrimSpace(mk.Original); mk.Start >= tok.Start && p != "" {
				hints = append(hints, p)
			}
		}
	}
	for i := range it.marks {
		it.marks[i].rect.CornerRadius = 3
	}
	if len(hints) > 0 {
		it.hint = canvas.NewText(strings.Join(hints, " "), nil)
		it.hint.TextStyle = fyne.TextStyle{Italic: true}
	}
}

// Punctuation that may not start a line (closing) or end one (opening).
const (
	closingPunct = "，。、；：？！…—～·）》〉」』】〕〗’”,.;:?!)]}%"
	openingPunct = "（《〈「『【〔〖‘“([{"
)

// allIn reports whether s is not empty and every rune of s is in set.
func allIn(s, set string) bool {
	for _, r := range s {
		if !strings.ContainsRune(set, r) {
			return false
		}
	}
	return s != ""
}

// slice is text[from:to] in code points, clamped to the text.
func (m docModel) slice(from, to int) string {
	from = min(max(from, 0), len(m.text))
	to = min(max(to, from), len(m.text))
	return string(m.text[from:to])
}
