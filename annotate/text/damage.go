package text

import (
	"math"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The causes of a damage Mark.
const (
	CauseLost    = "lost"    // a ?, \ or U+FFFD standing for a lost character
	CauseGarbled = "garbled" // characters that are not the text's own
)

// Finding garbled runs. Scrapers that lose one byte of GBK text and decode
// the rest one byte out of phase produce runs of real but unrelated
// characters: rare ones, ones of the other script (simplified among
// traditional), symbols such as ⑦, Latin letters glued between Han
// characters. Each character gets a suspicion from that evidence (the
// dictionary's character frequencies and scripts, assets.CharFreq); a
// character inside a dictionary word (Lexicon) is mostly cleared. A run is
// the suspicious characters with the unexplained characters between and
// after them. Without a Lexicon there is too little evidence to tell a rare
// word from garble, and only lost characters are marked.
const (
	seedSuspicion = 2.0 // a character at least this suspicious starts a run
	runSuspicion  = 3.0 // a run needs this much in all (or a script mismatch next to a lost character)
	maxGap        = 4   // unexplained characters allowed between two seeds
	maxTail       = 3   // unexplained characters a run may take after its last seed
)

// isChinesePunct reports whether r is punctuation Chinese text uses.
func isChinesePunct(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF {
		return false
	}
	return strings.ContainsRune("，。、；：？！「」『』“”‘’（）《》〈〉【】…—·～－．％＋／＝＜＞｜,.;:!?\"'()[]{}<>-_/%+=&@#*~|", r)
}

// isOddSymbol reports whether r is a character that does not belong inside
// Chinese prose: circled numbers, kana, Greek, Cyrillic, box drawing,
// private use and the like. Emoji are ordinary in web text.
func isOddSymbol(r rune) bool {
	if r < 0x80 || r >= 0x1F000 || isHan(r) || isChinesePunct(r) || isSpace(r) || isLostMark(r) {
		return false
	}
	if unicode.IsLetter(r) && (r >= 0xFF00 && r <= 0xFFEF) {
		return false // full-width Latin letters are ordinary text
	}
	if unicode.IsDigit(r) {
		return false
	}
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Greek, unicode.Cyrillic, unicode.Hangul,
		unicode.No, unicode.So, unicode.Sm, unicode.Sk, unicode.Co, unicode.Bopomofo)
}

// isForeignScript reports whether r is a letter of a script that mis-decoded
// Chinese bytes produce and Chinese prose does not use: kana, Cyrillic,
// Hangul, bopomofo, or a private-use character. Greek letters, circled
// numbers, box drawing and the other symbols are also what mis-decoded
// bytes produce, but real text uses them too (α粒子, ①, ──): they only add
// to other evidence.
func isForeignScript(r rune) bool {
	switch {
	case r < 0x0400 || r >= 0x4E00 && r < 0xA640: // Latin, Greek; CJK ideographs, Yi
		return false
	case r >= 0x3040 && r <= 0x30FF, r >= 0x3100 && r <= 0x318F: // kana, bopomofo, Hangul jamo
		return true
	}
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Cyrillic, unicode.Hangul, unicode.Bopomofo, unicode.Co)
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// damageScan holds the evidence over one chunk of cells.
type damageScan struct {
	c         *cleaner
	cells     []cell
	suspicion []float64
	covered   []bool // inside a dictionary word of two or more characters
	mismatch  []bool // a character of the other script
	nearLost  []bool // per run: it sits against a lost character
}

// inProse reports whether cell i can be part of a garbled run: a Han
// character, an odd symbol, or a Latin letter glued between them.
func (d *damageScan) inProse(i int) bool {
	r := d.cells[i].r
	return isHan(r) || isOddSymbol(r) || d.gluedLatin(i)
}

// gluedLatin reports whether cell i is one of at most two Latin letters
// standing between Han characters (or odd symbols, or a removed pinyin).
func (d *damageScan) gluedLatin(i int) bool {
	if !isASCIILetter(d.cells[i].r) {
		return false
	}
	s, e := i, i+1
	for s > 0 && isASCIILetter(d.cells[s-1].r) {
		s--
	}
	for e < len(d.cells) && isASCIILetter(d.cells[e].r) {
		e++
	}
	if e-s > 2 {
		return false
	}
	hanish := func(j int) bool {
		if j < 0 || j >= len(d.cells) {
			return false
		}
		r := d.cells[j].r
		return isHan(r) || isOddSymbol(r)
	}
	return hanish(s-1) && (hanish(e) || d.cells[e-1].hint != 0)
}

func (d *damageScan) score() {
	n := len(d.cells)
	d.suspicion = resize(d.suspicion, n)
	d.covered = resize(d.covered, n)
	d.mismatch = resize(d.mismatch, n)
	d.nearLost = d.nearLost[:0]
	stats := loadCharStats()
	for i, c := range d.cells {
		r := c.r
		var s float64
		switch {
		case r == '〇':
			// A numeral (二〇二一年), which the dictionary writes 零.
		case isHan(r):
			info := stats.info(r)
			switch rank := info.rank; {
			case rank == 0:
				s = 3
			case rank > 6000:
				s = 2
			case rank > 3000:
				s = 1
			}
			if sc := info.script; sc != ScriptUnknown && d.c.script != ScriptUnknown && sc != d.c.script {
				s += 2
				d.mismatch[i] = true
			}
		case isForeignScript(r):
			s = 3
		case isOddSymbol(r):
			s = 1 // ①, α, ──, ○, ★: ordinary alone, evidence among other
		case d.gluedLatin(i):
			s = 1 // IP位址 and A股 are ordinary; a glued letter only adds to other evidence
		}
		if c.hint != 0 && !isLostMark(r) {
			s++
		}
		d.suspicion[i] = s
	}
	// Dictionary words clear suspicion. Looking words up costs far more
	// than the rest of cleaning, so only the runs that could be garbled
	// without that evidence are looked at: in clean text that is almost
	// nothing. Coverage only lowers suspicion and stops runs, so the runs
	// found with it lie inside the runs found without it.
	if d.c.opts.Lexicon == nil {
		return
	}
	for _, run := range d.runs() {
		d.cover(max(run[0]-3, 0), min(run[1]+3, n-1))
	}
	for i := range d.suspicion {
		if d.covered[i] {
			d.suspicion[i] /= 4
			d.mismatch[i] = false
		}
	}
	d.nearLost = d.nearLost[:0]
}

// cover marks the cells from lo to hi (inclusive) that lie in a dictionary
// word of two to four Han characters starting there.
func (d *damageScan) cover(lo, hi int) {
	lex := d.c.opts.Lexicon
	n := len(d.cells)
	for i := max(lo-3, 0); i <= hi; i++ {
		if !isHan(d.cells[i].r) {
			continue
		}
		for l := 2; l <= 4 && i+l <= n; l++ {
			if !isHan(d.cells[i+l-1].r) {
				break
			}
			if f, _, ok := lex.Lookup(cellString(d.cells[i : i+l])); ok && f >= 10 {
				for k := i; k < i+l; k++ {
					d.covered[k] = true
				}
			}
		}
	}
}

// runs finds the garbled runs as [start, end) cell ranges.
func (d *damageScan) runs() [][2]int {
	var out [][2]int
	n := len(d.cells)
	for i := 0; i < n; {
		if d.suspicion[i] < seedSuspicion || !d.inProse(i) {
			i++
			continue
		}
		start, last := i, i
		total := d.suspicion[i]
		mismatch := d.mismatch[i]
		seeds := [2]rune{d.cells[i].r, d.cells[i].r} // the first two distinct seeds
		j := i + 1
		for j < n && d.inProse(j) && (d.suspicion[j] >= seedSuspicion || !d.covered[j]) {
			if d.suspicion[j] >= seedSuspicion {
				if j-last-1 > maxGap {
					break
				}
				last = j
				total += d.suspicion[j]
				mismatch = mismatch || d.mismatch[j]
				if seeds[1] == seeds[0] {
					seeds[1] = d.cells[j].r
				}
			} else if j-last > maxGap {
				break
			}
			j++
		}
		end := last + 1
		for end < n && end-last-1 < maxTail && d.inProse(end) && !d.covered[end] && d.suspicion[end] < seedSuspicion {
			end++
		}
		// A lone character of the other script is often a careless
		// conversion (筑 among traditional text), not garble, unless the
		// run sits against a lost character.
		nearLost := start > 0 && (isLostMark(d.cells[start-1].r) || d.cells[start-1].hint != 0) ||
			end < n && isLostMark(d.cells[end].r)
		// One rare character among common words (a name, a variant such
		// as 擧, a dialect character such as 餸) is not garble: bytes read
		// out of phase garble every character until they fall back in
		// phase. A run needs two different suspicious characters, or a
		// lost character next to it.
		if total >= runSuspicion && (seeds[1] != seeds[0] || nearLost) || mismatch && nearLost {
			out = append(out, [2]int{start, end})
			d.nearLost = append(d.nearLost, nearLost)
		}
		i = last + 1
	}
	return out
}

// markDamage marks lost characters and garbled runs in one chunk of cells,
// repairing the runs it can when Repair is on.
func (c *cleaner) markDamage(cells []cell) ([]cell, []chunkMark) {
	var cands []candidate
	if c.opts.Lexicon != nil {
		d := &c.scan
		d.c, d.cells = c, cells
		d.score()
		for k, run := range d.runs() {
			cands = append(cands, candidate{run: run, seeded: true, nearLost: d.nearLost[k]})
		}
		if c.opts.Repair {
			cands = mergeCandidates(cands, anchoredRuns(cells))
			cands = addBackRuns(cands, backRuns(cells))
		}
	}
	var marks []chunkMark
	out := c.damageBuf[:0]
	defer func() { c.damageBuf = out[:0] }()
	prev := 0
	for _, cand := range cands {
		run := cand.run
		if run[0] < prev {
			continue
		}
		var rep *repair
		// Only a run against a lost character has the signature of bytes
		// read out of phase after a lost byte; elsewhere a "repair" would
		// rewrite rare but real words.
		switch {
		case c.opts.Repair && cand.back:
			rep = c.bestBackRepair(cells, run)
		case c.opts.Repair && cand.nearLost:
			rep = c.bestRepair(cells, run, prev)
		}
		if rep == nil && !cand.seeded {
			continue // nothing but a lost character before it: leave it be
		}
		if rep == nil {
			out = append(out, cells[prev:run[0]]...)
			out, marks = markGarbled(out, marks, cells[run[0]:run[1]])
			prev = run[1]
			continue
		}
		// Whatever the repair does not explain stays marked: the run's
		// characters before the window it repaired,
		gs := min(max(prev, run[0]), rep.start)
		if cand.back {
			gs = rep.start // a back run's start is where the search stopped
		} else if gs == rep.start && (gs == 0 || !isLostMark(cells[gs-1].r)) {
			gs = c.outOfPhaseBefore(cells, rep, prev)
		}
		out = append(out, cells[prev:gs]...)
		out, marks = markGarbled(out, marks, cells[gs:rep.start])
		win := cells[rep.start:rep.end]
		if gs == rep.start && (gs == 0 || !isLostMark(cells[gs-1].r)) {
			// The byte the repair dropped was the second byte of a
			// character nothing else stands for: it is lost.
			marks = append(marks, chunkMark{kind: MarkDamage, cause: CauseLost})
			out = append(out, cell{r: unicode.ReplacementChar, raw: win[0].raw, mark: int32(len(marks))})
		}
		marks = append(marks, chunkMark{kind: MarkRepaired, original: cellString(win),
			rawStart: win[0].raw, rawEnd: win[len(win)-1].raw + 1})
		id := len(marks)
		for k, r := range rep.text {
			out = append(out, cell{r: r, raw: win[k*len(win)/len(rep.text)].raw, mark: int32(id)})
		}
		for _, w := range win {
			if w.hint != 0 {
				c.addHint(&out[len(out)-1], c.hintOf(w))
			}
		}
		if rep.dangling {
			marks = append(marks, chunkMark{kind: MarkDamage, cause: CauseLost})
			out = append(out, cell{r: unicode.ReplacementChar, raw: win[len(win)-1].raw, mark: int32(len(marks))})
		}
		prev = rep.end
		if rep.dangling {
			// and, after a window whose last character lost its second
			// byte, the characters still read out of phase after it.
			e := c.outOfPhaseAfter(cells, rep)
			out, marks = markGarbled(out, marks, cells[prev:e])
			prev = e
		}
	}
	out = append(out, cells[prev:]...)
	marks = c.markLost(out, marks)
	return out, marks
}

// markGarbled appends cells to out as one garbled damage mark.
func markGarbled(out []cell, marks []chunkMark, cells []cell) ([]cell, []chunkMark) {
	if len(cells) == 0 {
		return out, marks
	}
	marks = append(marks, chunkMark{kind: MarkDamage, cause: CauseGarbled})
	for _, cl := range cells {
		cl.mark = int32(len(marks))
		out = append(out, cl)
	}
	return out, marks
}

// outOfPhase reports whether r keeps double-byte text read out of phase
// out of phase: any character of two or more bytes in GBK or Big5 (Han,
// full-width punctuation, symbols). An ASCII character, a space or a lost
// character (where the decoder or scraper gave up on a byte) puts it back.
func outOfPhase(r rune) bool { return r >= 0x80 && !isSpace(r) && !isLostMark(r) }

// outOfPhaseAfter is the end of the characters after a dangling repair rep
// that are read out of phase: the window's last byte was a first byte
// whose second is the first byte of the next character, and the bytes stay
// out of phase to the first character that puts them back (outOfPhase).
// They are read out of phase when they end in a lost character (the
// decoder gave up on a byte there, as out-of-phase bytes make it) or when
// reading them in phase, after the window's last byte, is clearly better
// Chinese; otherwise the bytes fell back in phase at the window's end (the
// seed article's 品溯�、檢測…) and it returns rep.end.
func (c *cleaner) outOfPhaseAfter(cells []cell, rep *repair) int {
	e := rep.end
	for e < len(cells) && e-rep.end < maxAnchoredRun && outOfPhase(cells[e].r) {
		e++
	}
	if e == rep.end {
		return e
	}
	if e < len(cells) && isLostMark(cells[e].r) {
		return e
	}
	win, err := gbkEncoder.Bytes([]byte(cellString(cells[rep.start:rep.end])))
	rest, err2 := gbkEncoder.Bytes([]byte(cellString(cells[rep.end:e])))
	if err != nil || err2 != nil || len(win) == 0 {
		return rep.end
	}
	text, dangling, ok := decodeGBKPairs(append([]byte{win[len(win)-1]}, rest...))
	if !ok || !plausibleRepair(text) {
		return rep.end
	}
	fixed := c.textCost(text)
	if dangling {
		fixed += lostCharCost
	}
	if c.textCost(runesOf(cells[rep.end:e]))-fixed < repairGainPerChar*float64(e-rep.end) {
		return rep.end
	}
	return e
}

// outOfPhaseBefore is the start of the characters before repair rep, not
// before floor, that are read out of phase: the byte the repair dropped
// was the second byte of a character whose first byte was lost, unless a
// lost character stands before the window, the bytes before it were out
// of phase from the lost byte on. They are, k characters back, when
// reading them in phase (their bytes from the second on, then the byte
// the repair dropped) is clearly better Chinese; the k with the greatest
// gain wins. It returns rep.start when no k is.
func (c *cleaner) outOfPhaseBefore(cells []cell, rep *repair, floor int) int {
	win, err := gbkEncoder.Bytes([]byte(string(cells[rep.start].r)))
	if err != nil || len(win) == 0 {
		return rep.start
	}
	best, bestGain := rep.start, 0.0
	for s := rep.start - 1; s >= floor && rep.start-s <= maxAnchoredRun && outOfPhase(cells[s].r); s-- {
		b, err := gbkEncoder.Bytes([]byte(cellString(cells[s:rep.start])))
		if err != nil || len(b) < 2 {
			break
		}
		text, dangling, ok := decodeGBKPairs(append(b[1:], win[0]))
		if !ok || dangling || !plausibleRepair(text) {
			continue
		}
		gain := c.textCost(runesOf(cells[s:rep.start])) - c.textCost(text) - lostCharCost
		if gain >= repairGainPerChar*float64(rep.start-s) && gain > bestGain {
			best, bestGain = s, gain
		}
	}
	return best
}

// candidate is a run of cells that may be garbled: found by evidence
// (seeded), or only because it follows a lost character, where a lost
// byte leaves the bytes after it out of phase.
type candidate struct {
	run              [2]int
	seeded, nearLost bool
	// back says the run ends at a U+FFFD that a decoder left (backRuns).
	back bool
}

// maxAnchoredRun is how far after a lost character repair looks.
const maxAnchoredRun = 10

// canStartGarble reports whether r can be the first character of bytes
// read out of phase: any character outside ASCII but punctuation and space.
func canStartGarble(r rune) bool {
	return r >= 0x80 && !isChinesePunct(r) && !isSpace(r) && !isLostMark(r)
}

// anchoredRuns are the runs that follow a lost character (?, \, U+FFFD):
// up to maxAnchoredRun characters, to the next space.
func anchoredRuns(cells []cell) [][2]int {
	var out [][2]int
	for i := 0; i+1 < len(cells); i++ {
		if !isLostMark(cells[i].r) || !canStartGarble(cells[i+1].r) {
			continue
		}
		j := i + 1
		for j < len(cells) && j-i <= maxAnchoredRun && !isSpace(cells[j].r) && !isLostMark(cells[j].r) {
			j++
		}
		out = append(out, [2]int{i + 1, j})
	}
	return out
}

// backRuns are the runs that end at a U+FFFD: a decoder (GB18030's, Big5's)
// leaves one where bytes read out of phase since a lost byte no longer
// pair, so the characters before it, back to the lost byte, are garbled.
// A run takes up to maxAnchoredRun characters back, to the first one that
// would have put the bytes back in phase (outOfPhase).
func backRuns(cells []cell) [][2]int {
	var out [][2]int
	for i := 1; i < len(cells); i++ {
		if cells[i].r != unicode.ReplacementChar || !outOfPhase(cells[i-1].r) {
			continue
		}
		s := i - 1
		for s > 0 && i-s < maxAnchoredRun && outOfPhase(cells[s-1].r) {
			s--
		}
		out = append(out, [2]int{s, i})
	}
	return out
}

// addBackRuns adds the back runs that overlap no candidate, sorted by
// start.
func addBackRuns(cands []candidate, back [][2]int) []candidate {
	for _, b := range back {
		if !slices.ContainsFunc(cands, func(c candidate) bool { return b[0] < c.run[1] && c.run[0] < b[1] }) {
			cands = append(cands, candidate{run: b, nearLost: true, back: true})
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int { return a.run[0] - b.run[0] })
	return cands
}

// mergeCandidates adds the anchored runs to the seeded candidates: an
// anchored run that overlaps a seeded one widens it and puts it against a
// lost character. The result is sorted by start.
func mergeCandidates(cands []candidate, anchored [][2]int) []candidate {
	for _, a := range anchored {
		merged := false
		for k := range cands {
			if c := &cands[k]; a[0] < c.run[1] && c.run[0] < a[1] {
				c.run = [2]int{min(c.run[0], a[0]), max(c.run[1], a[1])}
				c.nearLost = true
				merged = true
			}
		}
		if !merged {
			cands = append(cands, candidate{run: a, nearLost: true})
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int { return a.run[0] - b.run[0] })
	return cands
}

// questionParticles end a question: a half-width ? after them is a
// question mark, not a lost character.
const questionParticles = "吗嗎呢吧么麼啊呀哪谁誰"

// markLost marks the characters that stand for lost ones: U+FFFD anywhere;
// a run of ? and \ that a pinyin hint follows, that touches garbled or
// repaired text, or that stands inside Han text (Han on both sides) — but
// not a ? after a question particle (为什么?我), nor one ending a line or
// followed by a space or punctuation, which is a question mark; such a run
// with the one ASCII character that a lost lead byte leaves of its GBK
// character (區?R特); and a glued character that a pinyin hint followed.
func (c *cleaner) markLost(out []cell, marks []chunkMark) []chunkMark {
	hanish := func(j int) bool {
		if j < 0 || j >= len(out) {
			return false
		}
		return isHan(out[j].r) || out[j].mark != 0
	}
	newMark := func(cause string) int32 {
		marks = append(marks, chunkMark{kind: MarkDamage, cause: cause})
		return int32(len(marks))
	}
	for i := 0; i < len(out); {
		cl := out[i]
		if cl.mark != 0 {
			i++
			continue
		}
		if !isLostMark(cl.r) {
			if cl.hint != 0 {
				out[i].mark = newMark(CauseGarbled) // a glued stand-in the pinyin belonged to
			}
			i++
			continue
		}
		j := i
		lost := false
		for j < len(out) && isLostMark(out[j].r) && out[j].mark == 0 {
			lost = lost || out[j].r == unicode.ReplacementChar || out[j].hint != 0
			j++
		}
		if !lost && hanish(i-1) && hanish(j) {
			lost = !(j-i == 1 && cl.r == '?' && i > 0 && strings.ContainsRune(questionParticles, out[i-1].r))
		}
		// A GBK character whose lead byte was lost shows as ? and its
		// trail byte, which in 0x40–0x7E is an ASCII character: 區?R特.
		if hanish(i-1) && j+1 < len(out) && out[j].r >= 0x40 && out[j].r <= 0x7E && out[j].mark == 0 && hanish(j+1) {
			lost, j = true, j+1
		}
		if !lost {
			// A U+FFFD is always lost even in a run that is not.
			for k := i; k < j; k++ {
				if out[k].r == unicode.ReplacementChar {
					out[k].mark = newMark(CauseLost)
				}
			}
			i = j
			continue
		}
		id := newMark(CauseLost)
		for k := i; k < j; k++ {
			out[k].mark = id
		}
		i = j
	}
	return marks
}

// repair is a garbled window [start, end) of cells and the text that
// re-decoding it gives; dangling says a character after text was lost.
type repair struct {
	start, end int
	text       []rune
	dangling   bool
	gain       float64
}

// Repair acceptance: the window is at least minRepairLen characters, and
// the repaired text costs at least repairGainPerChar nats per character
// less than the garbled text.
const (
	minRepairLen      = 3
	repairGainPerChar = 2.5
)

// plausibleRepair reports whether a re-decoded text can be Chinese: at
// least two Han characters, each one the dictionary uses, and no Latin
// letters (which a shift could only have produced from ASCII).
func plausibleRepair(text []rune) bool {
	han := 0
	for _, r := range text {
		switch {
		case isHan(r):
			if charRank(r) == 0 {
				return false
			}
			han++
		case isASCIILetter(r) || isOddSymbol(r):
			return false
		}
	}
	return han >= 2
}

// bestRepair tries windows around run, encoding each as GBK, dropping its
// first byte (the trail byte of the character whose lead byte was lost)
// and decoding the rest in phase. It returns the window whose repair lowers
// the text's cost the most, or nil when no repair is clearly better.
func (c *cleaner) bestRepair(cells []cell, run [2]int, floor int) *repair {
	var best *repair
	for s := max(run[0]-1, floor); s <= run[0]+2 && s < run[1]; s++ {
		if !canStartGarble(cells[s].r) {
			continue // dropping a lost mark's or a letter's byte is deleting it, not repairing
		}
		for e := s + minRepairLen; e <= run[1]+2 && e <= len(cells); e++ {
			win := cells[s:e]
			text, dangling, ok := gbkShift(cellString(win))
			if !ok || !plausibleRepair(text) {
				continue
			}
			orig := c.textCost(runesOf(win))
			fixed := c.textCost(text)
			if dangling {
				fixed += lostCharCost
			}
			gain := orig - fixed
			if gain < repairGainPerChar*float64(len(win)) {
				continue
			}
			if best == nil || gain > best.gain {
				best = &repair{start: s, end: e, text: text, dangling: dangling, gain: gain}
			}
		}
	}
	// A window that reaches past the point where the bytes fall back in
	// phase decodes its tail unchanged: leave that tail out of the repair.
	for best != nil && !best.dangling && best.end-best.start > 1 && len(best.text) > 1 &&
		cells[best.end-1].r == best.text[len(best.text)-1] {
		best.end--
		best.text = best.text[:len(best.text)-1]
	}
	return best
}

// bestBackRepair tries the windows of a back run that end at the U+FFFD
// after it, from each start on: the start is where the byte was lost. It
// returns the window whose repair lowers the text's cost the most, or nil
// when no repair is clearly better.
func (c *cleaner) bestBackRepair(cells []cell, run [2]int) *repair {
	var best *repair
	for s := run[0]; s+minRepairLen <= run[1]; s++ {
		win := cells[s:run[1]]
		text, dangling, ok := gbkShift(cellString(win))
		if !ok || !plausibleRepair(text) {
			continue
		}
		fixed := c.textCost(text) + lostCharCost // the character whose byte was lost
		gain := c.textCost(runesOf(win)) - fixed
		if gain < repairGainPerChar*float64(len(win)) {
			continue
		}
		if best == nil || gain > best.gain {
			// The U+FFFD after the window already stands for the
			// character whose second byte the decoder rejected.
			best = &repair{start: s, end: run[1], text: text, gain: gain}
		}
		_ = dangling
	}
	return best
}

func runesOf(cells []cell) []rune {
	rs := make([]rune, len(cells))
	for i, c := range cells {
		rs[i] = c.r
	}
	return rs
}

var gbkEncoder = simplifiedchinese.GBK.NewEncoder()

// gbkShift encodes s as GBK, drops the first byte and decodes the rest.
// dangling reports a last lead byte whose trail byte is missing.
func gbkShift(s string) (text []rune, dangling, ok bool) {
	b, err := gbkEncoder.Bytes([]byte(s))
	if err != nil || len(b) < 2 {
		return nil, false, false
	}
	return decodeGBKPairs(b[1:])
}

// decodeGBKPairs decodes b as GBK double-byte text (ASCII allowed, but no
// control characters and no odd symbols a shift would only produce by
// chance). dangling reports a last lead byte whose trail byte is missing.
func decodeGBKPairs(b []byte) (text []rune, dangling, ok bool) {
	dec := simplifiedchinese.GBK.NewDecoder()
	for i := 0; i < len(b); {
		switch {
		case b[i] < 0x80:
			if b[i] < 0x20 {
				return nil, false, false
			}
			text = append(text, rune(b[i]))
			i++
		case b[i] == 0x80 || b[i] == 0xFF:
			return nil, false, false
		case i+1 == len(b):
			return text, true, true
		default:
			if t := b[i+1]; t < 0x40 || t == 0x7F || t == 0xFF {
				return nil, false, false
			}
			out, err := dec.Bytes(b[i : i+2])
			if err != nil {
				return nil, false, false
			}
			r := []rune(string(out))
			if len(r) != 1 || r[0] == unicode.ReplacementChar || isOddSymbol(r[0]) && !isHan(r[0]) && charRank(r[0]) == 0 && !isChinesePunct(r[0]) && r[0] < 0x3000 {
				return nil, false, false
			}
			text = append(text, r[0])
			i += 2
		}
	}
	return text, false, true
}

// Costs, in nats, of characters the dictionary cannot explain.
const (
	unknownCharCost = 25.0 // a Han character the dictionary never uses
	oddCharCost     = 20.0 // a symbol inside prose
	latinCharCost   = 12.0 // a Latin letter or digit
	punctCharCost   = 7.0  // ordinary punctuation
	lostCharCost    = 10.0 // a character known to be lost
	singleCharExtra = 3.0  // a Han character standing alone costs this much more than in a word
)

// textCost is how implausible rs is as Chinese: the cheapest way to cover
// it with dictionary words (−log of their relative frequency) and single
// characters (−log of the character's relative frequency).
func (c *cleaner) textCost(rs []rune) float64 {
	n := len(rs)
	dp := make([]float64, n+1)
	for i := 1; i <= n; i++ {
		dp[i] = math.Inf(1)
	}
	lex := c.opts.Lexicon
	var logTotal float64
	if lex != nil {
		logTotal = math.Log(max(lex.TotalFreq(), 1))
	}
	for i := 0; i < n; i++ {
		if math.IsInf(dp[i], 1) {
			continue
		}
		dp[i+1] = min(dp[i+1], dp[i]+charCost(rs[i]))
		if lex == nil {
			continue
		}
		for l := 2; l <= 4 && i+l <= n; l++ {
			if f, _, ok := lex.Lookup(string(rs[i : i+l])); ok && f > 0 {
				dp[i+l] = min(dp[i+l], dp[i]+logTotal-math.Log(f))
			}
		}
	}
	return dp[n]
}

func charCost(r rune) float64 {
	switch {
	case isHan(r):
		lf := charLogFreq(r)
		if lf == 0 {
			return unknownCharCost
		}
		return loadCharStats().logTotal - lf + singleCharExtra
	case r == unicode.ReplacementChar || isLostMark(r):
		return lostCharCost
	case isChinesePunct(r):
		return punctCharCost
	case isOddSymbol(r):
		return oddCharCost
	}
	return latinCharCost
}

// resize returns s with length n and every element zero, reusing its
// storage when it is large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}
