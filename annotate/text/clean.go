package text

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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
	// of phase, where the result is clearly better Chinese. It works on
	// the runs the Damage step finds, so it needs Damage and a Lexicon.
	Repair bool
	// Duplicates removes paragraphs that repeat an earlier one exactly or
	// nearly, keeping the least damaged copy in the first one's place
	// (with Damage off, every copy counts as undamaged: the first is kept).
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
	Script   Script         `json:"script,omitempty"`
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
	c, _ := CleanContext(context.Background(), raw, opts)
	return c
}

// CleanContext is Clean, stopping with ctx's error soon after ctx is done:
// it looks between lines, between the chunks of a long line and between
// the paragraphs of the duplicate search.
func CleanContext(ctx context.Context, raw string, opts CleanOptions) (Cleaned, error) {
	c := &cleaner{opts: opts, counts: map[string]int{}, done: ctx.Done()}
	c.script = detectScript(raw)
	t := &lineTable{raw: raw, lines: make([]cleanLine, 0, strings.Count(raw, "\n")+1)}
	rawPos, rawByte := 0, 0
	for line := range strings.SplitSeq(raw, "\n") {
		if c.stopped() {
			return Cleaned{}, ctx.Err()
		}
		cl := c.cleanLine(t, line, rawPos, rawByte)
		n := int(cl.rawLen)
		t.lines = append(t.lines, cl)
		rawPos += n + 1
		rawByte += len(line) + 1
	}
	if c.stopped() { // in the middle of a long line
		return Cleaned{}, ctx.Err()
	}
	if opts.Boilerplate {
		for i := range t.lines {
			if l := &t.lines[i]; l.n > 0 && isBoilerplate(t.text(l)) {
				l.removed = true
				c.counts[CountBoilerplate]++
			}
		}
	}
	if opts.Duplicates {
		c.counts[CountDuplicates] += removeDuplicates(t, opts.Damage, c.done)
		if c.stopped() {
			return Cleaned{}, ctx.Err()
		}
	}
	return c.assemble(t), nil
}

// stopped reports whether the context of the cleaning is done.
func (c *cleaner) stopped() bool { return isDone(c.done) }

type cleaner struct {
	opts   CleanOptions
	done   <-chan struct{} // the context's: cleaning stops when it is closed
	script Script
	counts map[string]int
	// cur counts the line-level steps in the line being cleaned; they are
	// added to counts only if the line is kept.
	cur lineCounts
	// hints holds the pinyin hints cells point at (cell.hint - 1).
	hints []string
	// Buffers reused from chunk to chunk.
	cellBuf, pinyinBuf, damageBuf []cell
	scan                          damageScan
}

// addHint appends py to the hint of cell c.
func (c *cleaner) addHint(cl *cell, py string) {
	if cl.hint == 0 {
		c.hints = append(c.hints, py)
		cl.hint = int32(len(c.hints))
		return
	}
	c.hints[cl.hint-1] += py
}

// hintOf is the pinyin hint of cell cl, or "".
func (c *cleaner) hintOf(cl cell) string {
	if cl.hint == 0 {
		return ""
	}
	return c.hints[cl.hint-1]
}

// lineCounts counts what the line-level steps did to one line.
type lineCounts struct{ pinyin, lostPinyin, whitespace int32 }

// cleanLine is one line of the raw text after the line-level steps. A
// document of a million short lines holds a million of these, so it is
// small and holds no pointers (the garbage collector never scans a table
// of them): a line that cleaning left as it was (the usual case) is a
// slice of the raw text, and what other lines have of their own is in the
// lineTable's extra.
type cleanLine struct {
	// rawPos and rawByte are where the line starts in the raw text, in
	// code points and bytes; rawLen is the raw line's length in code
	// points (the \n after it is at rawPos+rawLen).
	rawPos, rawByte int
	rawLen          int32
	n               int32 // code points of the clean line
	bytes           int32 // bytes of the clean line
	extra           int32 // 1 + index into lineTable.extra, 0 for none
	damage          float32
	counts          lineCounts
	// same says the clean line is raw[rawByte:rawByte+bytes], character
	// for character from rawPos.
	same    bool
	removed bool
	// replacement, when not 0, is 1 + the index of the line whose text
	// stands in this line's place: the copy of a duplicate block kept.
	replacement int32
}

// lineExtra is what a clean line has of its own: its text and map back to
// raw when it is not the same as the raw line, and its marks.
type lineExtra struct {
	text   string
	rawMap OffsetMap
	marks  []Mark // Start/End relative to the line
}

// lineTable is the raw text's lines being cleaned.
type lineTable struct {
	raw   string
	lines []cleanLine
	extra []lineExtra
}

// text is the clean text of line l.
func (t *lineTable) text(l *cleanLine) string {
	if l.same {
		return t.raw[l.rawByte : l.rawByte+int(l.bytes)]
	}
	return t.extra[l.extra-1].text
}

// marks are the marks of line l, relative to the line.
func (t *lineTable) marks(l *cleanLine) []Mark {
	if l.extra == 0 {
		return nil
	}
	return t.extra[l.extra-1].marks
}

// nlRaw is the raw position of the \n after the line.
func (l *cleanLine) nlRaw() int { return l.rawPos + int(l.rawLen) }

// appendRawMap appends line l's map back to raw to m.
func (t *lineTable) appendRawMap(l *cleanLine, m *OffsetMap) {
	if l.same {
		if l.n > 0 {
			m.appendMap(OffsetMap{{Clean: 0, Raw: l.rawPos, Len: int(l.n)}})
		}
		return
	}
	m.appendMap(t.extra[l.extra-1].rawMap)
}

// cell is one code point being cleaned, with where it came from. It holds
// no pointers, so the buffers of cells cost the garbage collector nothing.
type cell struct {
	r    rune
	raw  int32 // code point offset into the raw text
	hint int32 // 1 + index into cleaner.hints of the pinyin removed after this cell, 0 for none
	mark int32 // 1 + index into the chunk's marks, 0 for none
}

// chunkSize bounds the cells held at once for one very long line.
const chunkSize = 1 << 16

func (c *cleaner) cleanLine(t *lineTable, line string, rawStart, rawByte int) cleanLine {
	c.cur = lineCounts{}
	b := &lineBuilder{ws: c.opts.Whitespace, c: c, line: line, rawStart: rawStart, same: true}
	cells := c.cellBuf[:0]
	pos := int32(rawStart)
	for _, r := range line {
		cells = append(cells, cell{r: r, raw: pos})
		pos++
		// Cut a long line after a sentence end or a space, where no
		// pinyin or garbled run can straddle the cut.
		if len(cells) >= chunkSize && (isSentenceEnd(r) || unicode.IsSpace(r) || len(cells) >= chunkSize+64) {
			c.cleanChunk(cells, b)
			cells = cells[:0]
			if c.stopped() {
				break // the caller returns the context's error
			}
		}
	}
	c.cleanChunk(cells, b)
	c.cellBuf = cells[:0]
	l, x := b.finish()
	if x.marks != nil || !l.same {
		t.extra = append(t.extra, x)
		l.extra = int32(len(t.extra))
	}
	l.rawPos, l.rawByte, l.rawLen = rawStart, rawByte, pos-int32(rawStart)
	return l
}

// chunkMark is a mark being built over cells.
type chunkMark struct {
	kind     MarkKind
	cause    string
	original string
	// rawStart and rawEnd, when rawEnd > 0, are the raw range the mark
	// stands for (a repair's original window), which its cells may not
	// reach.
	rawStart, rawEnd int32
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

// isHan reports whether r is a Han character. The common blocks are
// tested first: this runs for every character of every document.
func isHan(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	case r < 0x2E80:
		return false
	}
	return unicode.Is(unicode.Han, r)
}

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
	if !slices.ContainsFunc(cells, func(c cell) bool { return isCloseParen(c.r) }) {
		return cells // no pinyin without a closing parenthesis
	}
	out := c.pinyinBuf[:0]
	defer func() { c.pinyinBuf = out[:0] }()
	for i := 0; i < len(cells); {
		if len(out) > 0 {
			prev := &out[len(out)-1]
			if isOpenParen(cells[i].r) {
				if j := pinyinRun(cells, i+1); j > 0 && j < len(cells) && isCloseParen(cells[j].r) {
					py := cellString(cells[i+1 : j])
					switch {
					case isHan(prev.r) && !isLostMark(prev.r) && c.opts.Pinyin:
						c.cur.pinyin++
						i = j + 1
						continue
					case (isLostMark(prev.r) || isOddSymbol(prev.r) || isASCIILetter(prev.r)) && c.opts.LostPinyin:
						c.addHint(prev, py)
						c.cur.lostPinyin++
						i = j + 1
						continue
					}
				}
			} else if isLostMark(prev.r) && c.opts.LostPinyin {
				// The opening parenthesis was lost with the character.
				if j := pinyinRun(cells, i); j > 0 && j < len(cells) && isCloseParen(cells[j].r) {
					c.addHint(prev, cellString(cells[i:j]))
					c.cur.lostPinyin++
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
//
// As long as what it is given is the raw line itself, character for
// character, it copies nothing: the clean line is then a slice of the raw
// text (same).
type lineBuilder struct {
	c        *cleaner
	ws       bool
	line     string // the raw line
	rawStart int    // its raw code point offset
	same     bool   // what is written so far is line[:bytePos]
	bytePos  int
	sb       strings.Builder // the clean line, once it is not the same
	n        int
	rawMap   OffsetMap
	marks    []Mark
	damage   float64
	pending  []cell // spaces not yet written
}

// isSpace reports whether r is a space within a line (not \n). It runs for
// every character, so the common cases are tested first.
func isSpace(r rune) bool {
	switch {
	case r == ' ' || r == '\t' || r == '\u3000' || r == '\u00a0':
		return true
	case r < 0x1680 || r > 0x3000:
		return false
	}
	return unicode.Is(unicode.Zs, r)
}

func (b *lineBuilder) write(c cell) {
	if b.same {
		r, size := utf8.DecodeRuneInString(b.line[b.bytePos:])
		if size > 0 && r == c.r && int(c.raw) == b.rawStart+b.n {
			b.bytePos += size
			b.n++
			return
		}
		// From here on the clean line differs from the raw one.
		b.same = false
		b.sb.Grow(len(b.line))
		b.sb.WriteString(b.line[:b.bytePos])
		if b.n > 0 {
			b.rawMap = OffsetMap{{Clean: 0, Raw: b.rawStart, Len: b.n}}
		}
	}
	b.sb.WriteRune(c.r)
	b.rawMap.appendPos(int(c.raw))
	b.n++
}

func (b *lineBuilder) add(cells []cell, marks []chunkMark) {
	open := -1 // the mark being written
	start := 0
	var rawStart, rawEnd int32
	var hints []Mark
	closeMark := func() {
		if open < 0 {
			return
		}
		m := marks[open]
		if m.rawEnd > 0 {
			rawStart, rawEnd = m.rawStart, m.rawEnd
		}
		b.marks = append(b.marks, Mark{Kind: m.kind, Cause: m.cause, Original: m.original, Start: start, End: b.n,
			RawStart: int(rawStart), RawEnd: int(rawEnd)})
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
				b.c.cur.whitespace++ // leading
			} else {
				if len(b.pending) > 1 || b.pending[0].r != ' ' {
					b.c.cur.whitespace++
				}
				b.write(cell{r: ' ', raw: b.pending[0].raw})
			}
			b.pending = b.pending[:0]
		}
		if int(c.mark)-1 != open {
			closeMark()
			if c.mark > 0 {
				open, start, rawStart, rawEnd = int(c.mark)-1, b.n, c.raw, c.raw+1
			}
		}
		rawEnd = max(rawEnd, c.raw+1)
		b.write(c)
		if c.hint != 0 {
			hints = append(hints, Mark{Kind: MarkPinyinHint, Start: b.n - 1, End: b.n, Original: b.c.hintOf(c),
				RawStart: int(c.raw), RawEnd: int(c.raw) + 1})
		}
	}
	closeMark()
	b.marks = append(b.marks, hints...)
}

func (b *lineBuilder) finish() (cleanLine, lineExtra) {
	if len(b.pending) > 0 {
		b.c.cur.whitespace++ // trailing
	}
	l := cleanLine{n: int32(b.n), damage: float32(b.damage), counts: b.c.cur, same: b.same, bytes: int32(b.bytePos)}
	x := lineExtra{marks: b.marks}
	if !b.same {
		x.text, x.rawMap = b.sb.String(), b.rawMap
		l.bytes = int32(len(x.text))
	}
	return l, x
}

// isBoilerplate reports whether a cleaned line is site furniture: only |
// and punctuation, mostly furniture, or a short site notice (免責聲明: …,
// 版權所有 ©…, 轉載請註明出處): a line of at most 60 characters that starts
// with a notice phrase, or in which the phrase is followed by a colon, a
// bar, ©, a bracket or the end of the line. A phrase inside prose
// (他說版權所有人…) does not make a line boilerplate.
func isBoilerplate(line string) bool {
	var text, furniture int
	for _, r := range line {
		switch {
		case isSpace(r):
		case isFurniture(r):
			furniture++
		default:
			text++
		}
	}
	if text == 0 && furniture > 0 {
		return true
	}
	if utf8.RuneCountInString(line) <= 60 {
		trimmed := strings.TrimLeftFunc(line, isSpace)
		for _, k := range notices {
			i := strings.Index(trimmed, k)
			if i < 0 {
				continue
			}
			after := strings.TrimLeftFunc(trimmed[i+len(k):], isSpace)
			if i == 0 || after == "" || strings.ContainsRune(":：|｜©(（[【", []rune(after)[0]) {
				return true
			}
		}
	}
	return furniture >= 3 && furniture >= 2*text
}

// furniture are the characters of table rules and separators.
const furniture = "|｜│┃¦-—–_=+*#~·•.。,，:：;；!！、/\\<>()（）[]【】"

var asciiFurniture = func() (t [128]bool) {
	for _, r := range furniture {
		if r < 128 {
			t[r] = true
		}
	}
	return t
}()

// isFurniture reports whether r is a character of table furniture.
func isFurniture(r rune) bool {
	if r < 128 {
		return asciiFurniture[r]
	}
	return (r >= 0x2010 && r <= 0x2503 || r >= 0x3001 && r <= 0x3011 || r >= 0xFF01) && strings.ContainsRune(furniture, r) || r == '¦' || r == '·'
}

// notices are the phrases of the notices news sites put around articles.
var notices = []string{
	"免責聲明", "免责声明", "版權聲明", "版权声明", "版權所有", "版权所有",
	"轉載請註明", "转载请注明", "Copyright", "All rights reserved",
}

// assemble joins the kept lines with \n, collapsing runs of blank lines
// when the whitespace step is on, and builds the report: the counts of the
// line-level steps in the kept lines, and the marks. When the result is
// the raw text itself (nothing removed or changed), it is raw, not a copy.
func (c *cleaner) assemble(t *lineTable) Cleaned {
	raw := t.raw
	out := Cleaned{Report: Report{Marks: []Mark{}}}
	// A first pass measures the text and finds whether it is raw.
	var size assembly
	size.measure = true
	size.same = true
	c.join(t, &size, &out)
	var w assembly
	// The text need not be written when it is the raw text, or one line's
	// own text (a file of one long line that cleaning changed).
	w.noText = size.same && size.bytes == len(raw) || size.only != nil
	if !w.noText {
		w.sb.Grow(size.bytes)
	}
	c.join(t, &w, &out)
	switch {
	case !w.noText:
		out.Text = w.sb.String()
	case size.only != nil:
		out.Text = t.text(size.only)
	default:
		out.Text = raw
	}
	fillMarkTexts(out.Text, out.Report.Marks)
	for _, m := range out.Report.Marks {
		switch {
		case m.Kind == MarkDamage && m.Cause == CauseLost:
			c.counts[CountLost]++
		case m.Kind == MarkDamage:
			c.counts[CountGarbled]++
		case m.Kind == MarkRepaired:
			c.counts[CountRepaired]++
		}
	}
	out.Report.Script = c.script
	out.Report.Counts = c.counts
	return out
}

// assembly is where join puts the clean text: measured only (its length,
// and whether it is the raw text, same), or written to sb with the map,
// marks and counts (noText: all but the text, which is the raw text).
type assembly struct {
	measure, noText bool
	bytes           int
	same            bool
	pieces          int        // lines and line ends written
	only            *cleanLine // the line written, when it was all
	sb              strings.Builder
}

// join runs over the kept lines once, writing the text to a and, unless
// a only measures, the map, the marks and the counts to out.
func (c *cleaner) join(t *lineTable, a *assembly, out *Cleaned) {
	raw, lines := t.raw, t.lines
	n := 0                               // code points written
	blank := 0                           // blank lines since the last line written
	type lineEnd struct{ byte, pos int } // a \n of raw, in bytes and code points
	var pendingNL []lineEnd              // the line ends not yet written
	newline := func(e lineEnd) {
		n++
		if a.measure {
			a.same = a.same && e.byte == a.bytes
			a.bytes++
			a.pieces++
			a.only = nil
			return
		}
		if !a.noText {
			a.sb.WriteByte('\n')
		}
		out.RawMap.appendPos(e.pos)
	}
	count := func(k string, v int) {
		if !a.measure {
			c.counts[k] += v
		}
	}
	for i := range lines {
		l := &lines[i]
		if l.removed {
			continue
		}
		src := l
		if l.replacement != 0 {
			src = &lines[l.replacement-1]
		}
		count(CountPinyin, int(src.counts.pinyin))
		count(CountLostPinyin, int(src.counts.lostPinyin))
		count(CountWhitespace, int(src.counts.whitespace))
		nl := lineEnd{len(raw), l.nlRaw()}
		if j := strings.IndexByte(raw[l.rawByte:], '\n'); j >= 0 {
			nl.byte = l.rawByte + j
		}
		if src.n == 0 {
			blank++
			pendingNL = append(pendingNL, nl)
			continue
		}
		switch {
		case !c.opts.Whitespace:
			for _, b := range pendingNL {
				newline(b)
			}
		case n > 0:
			// A line end, and at most one blank line.
			newline(pendingNL[0])
			if blank > 0 {
				newline(pendingNL[1])
			}
			if blank > 1 {
				count(CountWhitespace, 1)
			}
		case blank > 0:
			count(CountWhitespace, 1) // leading blank lines
		}
		if a.measure {
			a.same = a.same && src.same && src.rawByte == a.bytes
			a.bytes += int(src.bytes)
			a.only = nil
			if a.pieces++; a.pieces == 1 {
				a.only = src
			}
		} else {
			for _, m := range t.marks(src) {
				m.Start += n
				m.End += n
				out.Report.Marks = append(out.Report.Marks, m)
			}
			if !a.noText {
				a.sb.WriteString(t.text(src))
			}
			t.appendRawMap(src, &out.RawMap)
		}
		n += int(src.n)
		blank = 0
		pendingNL = append(pendingNL[:0], nl)
	}
	switch {
	case !c.opts.Whitespace && len(pendingNL) > 0:
		// Keep the trailing line ends as they were but the last: the
		// text after the last \n is the empty last line.
		for _, b := range pendingNL[:len(pendingNL)-1] {
			newline(b)
		}
	case blank > 1:
		count(CountWhitespace, 1) // trailing blank lines (the last line after a final \n is not one)
	}
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
