package annotate

import (
	"slices"
	"strings"
	"unicode"
)

// Lexicon is the word evidence cleaning weighs text by: how often a word
// occurs in the segmentation dictionary. *Segmenter is one.
type Lexicon interface {
	Lookup(word string) (freq float64, pos string, ok bool)
	TotalFreq() float64
}

// CleanOptions switches the cleaning steps. The zero value switches every
// step off; DefaultCleanOptions switches every step on.
type CleanOptions struct {
	// Pinyin removes tone-marked pinyin glued in parentheses after a Han
	// character: 時(shí) → 時.
	Pinyin bool
	// LostPinyin removes pinyin whose character was lost or garbled (after
	// a damage mark, or with its opening parenthesis lost too) and keeps
	// it in the Report as a MarkPinyinHint.
	LostPinyin bool
	// Damage marks ?, \ and U+FFFD standing for lost characters, and runs
	// of garbled characters.
	Damage bool
	// Repair re-decodes garbled runs that are GBK text read one byte out
	// of phase, where the result is clearly better Chinese.
	Repair bool
	// Duplicates removes paragraphs that repeat an earlier one exactly or
	// nearly, keeping the least damaged copy in the first one's place.
	Duplicates bool
	// Boilerplate removes lines of table furniture (mostly | and
	// punctuation) and site disclaimers.
	Boilerplate bool
	// Whitespace drops full-width indentation, collapses runs of spaces,
	// trims lines and collapses runs of blank lines.
	Whitespace bool
	// Lexicon, when set, gives word-level evidence for finding garbled
	// runs and judging repairs; without it only character evidence is used.
	Lexicon Lexicon
}

// DefaultCleanOptions switches every cleaning step on.
func DefaultCleanOptions() CleanOptions {
	return CleanOptions{Pinyin: true, LostPinyin: true, Damage: true, Repair: true,
		Duplicates: true, Boilerplate: true, Whitespace: true}
}

// The keys of Report.Counts, one per cleaning step.
const (
	CountPinyin      = "pinyin"               // glued pinyin removed
	CountLostPinyin  = "lost-pinyin"          // pinyin of a lost character, kept as a hint
	CountLost        = "damage-lost"          // lost-character marks (?, \, U+FFFD)
	CountGarbled     = "damage-garbled"       // garbled runs kept and marked
	CountRepaired    = "repaired"             // garbled runs repaired
	CountDuplicates  = "duplicate-paragraphs" // repeated paragraphs removed
	CountBoilerplate = "boilerplate-lines"    // boilerplate lines removed
	CountWhitespace  = "whitespace"           // whitespace changes
)

// Report is what cleaning found in one document.
type Report struct {
	Encoding string         `json:"encoding"`
	Script   Script         `json:"script"`
	Counts   map[string]int `json:"counts"`
	Marks    []Mark         `json:"marks"`
}

// Cleaned is the result of Clean: the clean text, its map back to the raw
// text, and the Report.
type Cleaned struct {
	Text   string
	RawMap OffsetMap
	Report Report
}

// Clean runs the cleaning steps that opts switches on over raw (decoded
// text with \n line ends) and returns the clean text, the map from every
// clean code point back to raw, and the report. It works line by line
// (very long lines in chunks), so time and memory grow linearly.
func Clean(raw string, opts CleanOptions) Cleaned {
	c := &cleaner{opts: opts, counts: map[string]int{}}
	c.script = detectScript(raw)
	var lines []*cleanLine
	rawPos := 0
	for line := range strings.SplitSeq(raw, "\n") {
		n := runeCount(line)
		cl := c.cleanLine(line, rawPos)
		cl.nlRaw = rawPos + n
		lines = append(lines, cl)
		rawPos += n + 1
	}
	if opts.Boilerplate {
		for _, l := range lines {
			if l.text != "" && isBoilerplate(l.text) {
				l.removed = true
				c.counts[CountBoilerplate]++
			}
		}
	}
	if opts.Duplicates {
		c.counts[CountDuplicates] += removeDuplicates(lines)
	}
	return c.assemble(lines)
}

type cleaner struct {
	opts   CleanOptions
	script Script
	counts map[string]int
}

// cleanLine is one line of the raw text after the line-level steps.
type cleanLine struct {
	text    string
	n       int // code points in text
	rawMap  OffsetMap
	marks   []Mark // Start/End relative to the line
	damage  float64
	nlRaw   int // raw position of the \n after the line
	removed bool
	// replacement, when set, is the copy of a duplicate group that stands
	// in this line's place.
	replacement *cleanLine
}

func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// cell is one code point being cleaned, with where it came from.
type cell struct {
	r    rune
	raw  int
	hint string // pinyin removed after this cell
	mark int    // 1 + index into chunk marks, 0 for none
}

// chunkSize bounds the cells held at once for one very long line.
const chunkSize = 1 << 16

func (c *cleaner) cleanLine(line string, rawStart int) *cleanLine {
	b := &lineBuilder{ws: c.opts.Whitespace, counts: c.counts}
	cells := make([]cell, 0, min(len(line), chunkSize+64))
	pos := rawStart
	for _, r := range line {
		cells = append(cells, cell{r: r, raw: pos})
		pos++
		// Cut a long line after a sentence end or a space, where no
		// pinyin or garbled run can straddle the cut.
		if len(cells) >= chunkSize && (isSentenceEnd(r) || unicode.IsSpace(r) || len(cells) >= chunkSize+64) {
			c.cleanChunk(cells, b)
			cells = cells[:0]
		}
	}
	c.cleanChunk(cells, b)
	return b.finish()
}

// chunkMark is a mark being built over cells.
type chunkMark struct {
	kind     MarkKind
	cause    string
	original string
}

func (c *cleaner) cleanChunk(cells []cell, b *lineBuilder) {
	if len(cells) == 0 {
		return
	}
	var marks []chunkMark
	if c.opts.Pinyin || c.opts.LostPinyin {
		cells = c.removePinyin(cells)
	}
	if c.opts.Damage {
		cells, marks = c.markDamage(cells)
	}
	b.add(cells, marks)
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isLostMark reports whether r is a character scrapers leave where a
// character was lost.
func isLostMark(r rune) bool { return r == '?' || r == '\\' || r == unicode.ReplacementChar }

func isToneLetter(r rune) bool {
	return strings.ContainsRune("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛ", r)
}

func isPinyinLetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == 'ü' || r == 'Ü' || isToneLetter(r)
}

// pinyinRun returns the end of tone-marked pinyin letters starting at i
// (1 to 7 letters, at least one with a tone mark), or -1.
func pinyinRun(cells []cell, i int) int {
	j, tone := i, false
	for j < len(cells) && j-i < 8 && isPinyinLetter(cells[j].r) {
		tone = tone || isToneLetter(cells[j].r)
		j++
	}
	if j == i || j-i > 7 || !tone {
		return -1
	}
	return j
}

func isOpenParen(r rune) bool  { return r == '(' || r == '（' }
func isCloseParen(r rune) bool { return r == ')' || r == '）' }

// removePinyin drops pinyin glued after characters. After a Han character
// it is an artefact (時(shí)); after a damage mark or a garbled character,
// or with its opening parenthesis lost (?zhǔn)), it is a hint to what was
// lost and is kept on the cell it followed.
func (c *cleaner) removePinyin(cells []cell) []cell {
	out := cells[:0:0]
	out = make([]cell, 0, len(cells))
	for i := 0; i < len(cells); {
		if len(out) > 0 {
			prev := &out[len(out)-1]
			if isOpenParen(cells[i].r) {
				if j := pinyinRun(cells, i+1); j > 0 && j < len(cells) && isCloseParen(cells[j].r) {
					py := cellString(cells[i+1 : j])
					switch {
					case isHan(prev.r) && !isLostMark(prev.r) && c.opts.Pinyin:
						c.counts[CountPinyin]++
						i = j + 1
						continue
					case (isLostMark(prev.r) || isOddSymbol(prev.r) || isASCIILetter(prev.r)) && c.opts.LostPinyin:
						prev.hint += py
						c.counts[CountLostPinyin]++
						i = j + 1
						continue
					}
				}
			} else if isLostMark(prev.r) && c.opts.LostPinyin {
				// The opening parenthesis was lost with the character.
				if j := pinyinRun(cells, i); j > 0 && j < len(cells) && isCloseParen(cells[j].r) {
					prev.hint += cellString(cells[i:j])
					c.counts[CountLostPinyin]++
					i = j + 1
					continue
				}
			}
		}
		out = append(out, cells[i])
		i++
	}
	return out
}

func cellString(cells []cell) string {
	var sb strings.Builder
	for _, c := range cells {
		sb.WriteRune(c.r)
	}
	return sb.String()
}

// lineBuilder collects the cleaned cells of one line, applying the
// whitespace step on the way.
type lineBuilder struct {
	ws      bool
	counts  map[string]int
	sb      strings.Builder
	n       int
	rawMap  OffsetMap
	marks   []Mark
	damage  float64
	pending []cell // spaces not yet written
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u3000' || r == '\u00a0' || unicode.Is(unicode.Zs, r)
}

func (b *lineBuilder) write(c cell) {
	b.sb.WriteRune(c.r)
	b.rawMap.appendPos(c.raw)
	b.n++
}

func (b *lineBuilder) add(cells []cell, marks []chunkMark) {
	open := -1 // the mark being written
	start := 0
	var hints []Mark
	closeMark := func() {
		if open < 0 {
			return
		}
		m := marks[open]
		b.marks = append(b.marks, Mark{Kind: m.kind, Cause: m.cause, Original: m.original, Start: start, End: b.n})
		switch {
		case m.kind == MarkRepaired:
			b.damage += 0.5
		case m.kind == MarkDamage:
			b.damage += float64(b.n - start)
		}
		open = -1
	}
	for _, c := range cells {
		if b.ws && isSpace(c.r) && c.mark == 0 {
			b.pending = append(b.pending, c)
			continue
		}
		if len(b.pending) > 0 {
			if b.n == 0 {
				b.counts[CountWhitespace]++ // leading
			} else {
				if len(b.pending) > 1 || b.pending[0].r != ' ' {
					b.counts[CountWhitespace]++
				}
				b.write(cell{r: ' ', raw: b.pending[0].raw})
			}
			b.pending = b.pending[:0]
		}
		if c.mark-1 != open {
			closeMark()
			if c.mark > 0 {
				open, start = c.mark-1, b.n
			}
		}
		b.write(c)
		if c.hint != "" {
			hints = append(hints, Mark{Kind: MarkPinyinHint, Start: b.n - 1, End: b.n, Original: c.hint})
		}
	}
	closeMark()
	b.marks = append(b.marks, hints...)
}

func (b *lineBuilder) finish() *cleanLine {
	if len(b.pending) > 0 {
		b.counts[CountWhitespace]++ // trailing
	}
	return &cleanLine{text: b.sb.String(), n: b.n, rawMap: b.rawMap, marks: b.marks, damage: b.damage}
}

// isBoilerplate reports whether a cleaned line is site furniture: mostly
// | and punctuation, or a short disclaimer.
func isBoilerplate(line string) bool {
	var text, furniture int
	for _, r := range line {
		switch {
		case isSpace(r):
		case strings.ContainsRune("|｜│┃¦-—–_=+*#~·•.。,，:：;；!！、/\\<>()（）[]【】", r):
			furniture++
		default:
			text++
		}
	}
	if text == 0 && furniture > 0 {
		return true
	}
	for _, k := range disclaimers {
		if strings.Contains(line, k) && runeCount(line) <= 80 {
			return true
		}
	}
	return furniture >= 3 && furniture >= 2*text
}

// disclaimers are phrases of the notices news sites append to articles.
var disclaimers = []string{
	"免責聲明", "免责声明", "版權聲明", "版权声明", "版權所有", "版权所有",
	"轉載請註明", "转载请注明", "未經授權", "未经授权", "Copyright ©", "All rights reserved",
}

// removeDuplicates marks as removed the paragraphs that repeat an earlier
// paragraph exactly or nearly, and puts the least damaged copy of each group
// (the first on a tie) in the place of the first. It returns how many it
// removed. Near means a Jaccard similarity of at least 0.8 between the
// paragraphs' sets of character 3-grams; for long paragraphs the sets are
// sampled (one 3-gram in four, chosen by hash, so the same ones in both
// copies), which keeps the index small and estimates the same similarity.
func removeDuplicates(lines []*cleanLine) int {
	type group struct {
		first, best *cleanLine
		shingles    int
	}
	var groups []*group
	exact := map[string]*group{}
	index := map[uint64][]int32{} // 3-gram hash → groups holding it
	removed := 0
	var sh []uint64
	votes := map[int32]int{}
	for _, l := range lines {
		if l.removed {
			continue
		}
		key := dedupKey(l.text)
		n := runeCount(key)
		if n < 4 {
			continue
		}
		g := exact[key]
		sh = sh[:0]
		if g == nil && n <= 20000 {
			sh = shingles(sh, key, n >= 64)
			clear(votes)
			for _, h := range sh {
				for _, gi := range index[h] {
					votes[gi]++
				}
			}
			best := int32(-1)
			for gi, v := range votes {
				if jaccard(v, len(sh), groups[gi].shingles) >= 0.8 && (best < 0 || gi < best) {
					best = gi
				}
			}
			if best >= 0 {
				g = groups[best]
			}
		}
		if g == nil {
			g = &group{first: l, best: l, shingles: len(sh)}
			gi := int32(len(groups))
			groups = append(groups, g)
			exact[key] = g
			for _, h := range sh {
				if len(index[h]) < 64 {
					index[h] = append(index[h], gi)
				}
			}
			continue
		}
		exact[key] = g
		l.removed = true
		removed++
		if l.damage < g.best.damage {
			g.best = l
		}
	}
	for _, g := range groups {
		if g.best != g.first {
			g.first.replacement = g.best
		}
	}
	return removed
}

func jaccard(common, a, b int) float64 {
	union := a + b - common
	if union <= 0 {
		return 0
	}
	return float64(common) / float64(union)
}

// dedupKey is a paragraph with its spaces and damage marks removed: two
// copies with different damage compare on what is left.
func dedupKey(s string) string {
	return strings.Map(func(r rune) rune {
		if isSpace(r) || isLostMark(r) {
			return -1
		}
		return r
	}, s)
}

// shingles appends to dst the distinct hashes of s's character 3-grams,
// only one in four of them (by hash) when sample is set.
func shingles(dst []uint64, s string, sample bool) []uint64 {
	var a, b rune
	i := 0
	start := len(dst)
	for _, c := range s {
		if i >= 2 {
			h := mix64(uint64(a)<<42 ^ uint64(b)<<21 ^ uint64(c))
			if !sample || h&3 == 0 {
				dst = append(dst, h)
			}
		}
		a, b = b, c
		i++
	}
	set := dst[start:]
	slices.Sort(set)
	return append(dst[:start], slices.Compact(set)...)
}

// mix64 is SplitMix64's finaliser: a cheap, well-spread hash of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// assemble joins the kept lines with \n, collapsing runs of blank lines
// when the whitespace step is on, and builds the report.
func (c *cleaner) assemble(lines []*cleanLine) Cleaned {
	var out Cleaned
	var sb strings.Builder
	n := 0
	blank := 0 // blank lines waiting to be written
	var pendingNL []int
	wrote := false
	for _, l := range lines {
		if l.removed {
			continue
		}
		src := l
		if l.replacement != nil {
			src = l.replacement
		}
		if src.n == 0 {
			blank++
			pendingNL = append(pendingNL, l.nlRaw)
			continue
		}
		if wrote {
			nls := pendingNL
			if c.opts.Whitespace {
				if blank > 1 {
					c.counts[CountWhitespace]++
					nls = nls[:2]
				}
			}
			for _, raw := range nls {
				sb.WriteByte('\n')
				out.RawMap.appendPos(raw)
				n++
			}
		} else if blank > 0 && c.opts.Whitespace {
			c.counts[CountWhitespace]++
		} else {
			for _, raw := range pendingNL {
				sb.WriteByte('\n')
				out.RawMap.appendPos(raw)
				n++
			}
		}
		for _, m := range src.marks {
			m.Start += n
			m.End += n
			out.Report.Marks = append(out.Report.Marks, m)
		}
		sb.WriteString(src.text)
		out.RawMap.appendMap(src.rawMap)
		n += src.n
		wrote = true
		blank = 0
		pendingNL = append(pendingNL[:0], l.nlRaw)
	}
	if !c.opts.Whitespace && len(pendingNL) > 0 {
		// Keep the trailing line ends as they were, but the last: the
		// text after the last \n is the empty last line.
		for _, raw := range pendingNL[:len(pendingNL)-1] {
			sb.WriteByte('\n')
			out.RawMap.appendPos(raw)
			n++
		}
	} else if blank > 0 || len(pendingNL) > 1 {
		c.counts[CountWhitespace]++
	}
	out.Text = sb.String()
	fillMarkTexts(out.Text, out.Report.Marks)
	for i := range out.Report.Marks {
		m := &out.Report.Marks[i]
		m.RawStart = out.RawMap.Raw(m.Start)
		m.RawEnd = out.RawMap.Raw(m.End-1) + 1
		switch m.Kind {
		case MarkDamage:
			if m.Cause == CauseLost {
				c.counts[CountLost]++
			} else {
				c.counts[CountGarbled]++
			}
		case MarkRepaired:
			c.counts[CountRepaired]++
		}
	}
	out.Report.Script = c.script
	out.Report.Counts = c.counts
	return out
}

// fillMarkTexts sets each mark's Text to its slice of text, in one pass
// over text.
func fillMarkTexts(text string, marks []Mark) {
	if len(marks) == 0 {
		return
	}
	var ps []int
	for _, m := range marks {
		ps = append(ps, m.Start, m.End)
	}
	slices.Sort(ps)
	ps = slices.Compact(ps)
	byteAt := make(map[int]int, len(ps))
	i, k := 0, 0
	for b := range text {
		for k < len(ps) && ps[k] == i {
			byteAt[i] = b
			k++
		}
		i++
	}
	for ; k < len(ps); k++ {
		byteAt[ps[k]] = len(text)
	}
	for j := range marks {
		marks[j].Text = text[byteAt[marks[j].Start]:byteAt[marks[j].End]]
	}
}

// detectScript says whether raw is written in simplified or traditional
// characters, by the characters only one of gse's dictionaries uses.
func detectScript(raw string) Script {
	var simp, trad int
	for _, r := range raw {
		switch charScript(r) {
		case ScriptSimplified:
			simp++
		case ScriptTraditional:
			trad++
		}
	}
	switch {
	case trad >= 3 && trad > 3*simp:
		return ScriptTraditional
	case simp >= 3 && simp > 3*trad:
		return ScriptSimplified
	}
	return ScriptUnknown
}
