package text

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The encoding names Decode reports.
const (
	encUTF8    = "UTF-8"
	encUTF8BOM = "UTF-8 with BOM"
	encUTF16LE = "UTF-16LE"
	encUTF16BE = "UTF-16BE"
	encGB18030 = "GB18030"
	encBig5    = "Big5"
)

// DecodeError is returned by Decode for input that is not text: it names the
// file, the byte offset of the first offending byte (NUL or undecodable) and
// the reason.
//
// Input that is text in an encoding Decode does not read (Latin-1,
// Shift-JIS, EUC-KR…) is a DecodeError too, with Encoding set.
type DecodeError struct {
	Name   string // the file name given to Decode
	Offset int    // byte offset into the input of the first offending byte
	Reason string // why the input is not text
	// Encoding, for text in an encoding Decode does not read, is the one
	// it seems to be in ("Shift-JIS (Japanese)"), or "unknown".
	Encoding string
}

func (e *DecodeError) Error() string {
	if e.Encoding != "" {
		return fmt.Sprintf("annotate: %s: not in an encoding Biaozhu reads (UTF-8, UTF-16, GB18030, Big5): %s; convert it to UTF-8 (byte %d)",
			e.Name, e.Reason, e.Offset)
	}
	return fmt.Sprintf("annotate: %s: not a text file: %s (byte %d)", e.Name, e.Reason, e.Offset)
}

// Decode turns the bytes of a file into text and names the encoding they
// were in: "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "GB18030" or
// "Big5". name is used only in errors. "\r\n" and a lone "\r" become "\n",
// and a leading byte order mark is removed.
//
// Detection, in order:
//
//  1. A byte order mark: UTF-8, UTF-16LE or UTF-16BE. UTF-16 is recognised
//     only by its BOM.
//  2. Valid UTF-8. Two damaged cases are still UTF-8: a file whose last
//     sequence is cut short (the lost character becomes one U+FFFD; this is
//     the usual result of a truncated download or a byte-limited excerpt),
//     and a file with a few invalid bytes among many valid multi-byte
//     sequences (at least 8 valid per invalid; each invalid byte becomes
//     U+FFFD). Legacy Chinese text forms a valid multi-byte UTF-8 sequence
//     far less often than that, so this does not steal GB18030 or Big5
//     files.
//  3. GB18030 (a superset of GBK and GB2312) or Big5, whichever decodes to
//     the more plausible Chinese. Plausibility is the sum of the dictionary
//     log-frequency (charLogFreq) of each Han character, less penalties for
//     Han characters the dictionary never uses, for U+FFFD, private-use
//     characters and control characters, and for kana, Greek, Cyrillic,
//     bopomofo, Hangul and box-drawing characters next to Han ones (what
//     one encoding's bytes look like in the other). Both decodings have
//     about the same number of characters, so the sums compare like means.
//     Ties go to GB18030. For input over 256 KB the candidates are scored on
//     16 windows of 16 KB spread over the file, so that detection costs a
//     bounded amount; the chosen decoding is then checked in full.
//
// Decoding uses golang.org/x/text (simplifiedchinese.GB18030,
// traditionalchinese.Big5, unicode.UTF16): the maintained Go implementation
// of the WHATWG decoders browsers use, which turn undecodable bytes into
// U+FFFD instead of failing. No charset detector library is used:
// saintfish/chardet (derived from ICU, unchanged since 2020) tells GB18030
// from Big5 by ICU's built-in byte statistics and returns only a name and a
// confidence, so it can use neither our dictionary's character frequencies
// nor the errors and mojibake of each candidate decoding, which are the
// evidence that matters for the short and damaged articles Biaozhu gets.
//
// A GB18030 or Big5 decoding must also be plausible as Chinese (see
// plausibleChinese): else the input is refused as text in another encoding,
// with a *DecodeError whose Encoding names the one it seems to be in
// (guessForeign: Shift-JIS, EUC-JP, EUC-KR, Windows-1252, Windows-1251,
// KOI8-R) or "unknown". UTF-8 is read as it is, in any language.
//
// Decode refuses input that is not text with a *DecodeError: a NUL byte
// (outside UTF-16), a NUL character in UTF-16, or a decoding in which more
// than a tenth of the characters are U+FFFD, control or private-use
// characters in every candidate encoding (outside UTF-8, Han characters the
// dictionary never uses and foreign characters next to Han ones count a
// quarter each: random bytes read as UTF-16 are mostly such characters).
// A few undecodable bytes in an otherwise good file are kept as U+FFFD for
// Clean to mark. An empty file is "" in UTF-8.
//
// Time and memory are linear in len(data).
func Decode(name string, data []byte) (text string, encoding string, err error) {
	if len(data) == 0 {
		return "", encUTF8, nil
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		if err := checkNUL(name, data); err != nil {
			return "", "", err
		}
		return decodeUTF8(name, data[3:], 3, encUTF8BOM, utf8.Valid(data[3:]))
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeWith(name, data[2:], 2, encUTF16LE,
			xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewDecoder())
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeWith(name, data[2:], 2, encUTF16BE,
			xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM).NewDecoder())
	}
	if err := checkNUL(name, data); err != nil {
		return "", "", err
	}
	if valid := utf8.Valid(data); valid || looksUTF8(data) {
		return decodeUTF8(name, data, 0, encUTF8, valid)
	}
	return decodeLegacy(name, data)
}

func checkNUL(name string, data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &DecodeError{Name: name, Offset: i, Reason: "NUL byte"}
	}
	return nil
}

// looksUTF8 reports whether invalid UTF-8 is still UTF-8: only its last
// sequence is cut short (after at least one complete multi-byte sequence),
// or valid multi-byte sequences outnumber invalid bytes 8 to 1.
func looksUTF8(data []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		if !utf8.FullRune(data[i:]) { // truncated last sequence
			break
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
			// The rest cannot hold enough valid sequences.
			if 8*invalid > valid+(len(data)-i)/2 {
				return false
			}
		} else {
			valid++
		}
		i += size
	}
	return valid > 0 && valid >= 8*invalid
}

// decodeUTF8 decodes data as UTF-8; base is its offset in the file and
// valid says whether it is all valid.
func decodeUTF8(name string, data []byte, base int, enc string, valid bool) (string, string, error) {
	var s decodeSink
	s.b.Grow(len(data))
	if valid {
		s.write(data)
	} else {
		for i := 0; i < len(data); {
			j := i
			for j < len(data) {
				if data[j] < utf8.RuneSelf {
					j++
					continue
				}
				r, size := utf8.DecodeRune(data[j:])
				if r == utf8.RuneError && size == 1 {
					break
				}
				j += size
			}
			s.write(data[i:j])
			if j == len(data) {
				break
			}
			if !utf8.FullRune(data[j:]) {
				// The truncation's U+FFFD is not an error.
				s.write([]byte(string(utf8.RuneError)))
				s.st.bad--
				break
			}
			s.write([]byte(string(utf8.RuneError)))
			i = j + 1
		}
	}
	if s.st.notText(false) {
		return "", "", &DecodeError{Name: name, Offset: base + firstBadUTF8(data),
			Reason: s.st.reason(enc)}
	}
	return s.b.String(), enc, nil
}

// firstBadUTF8 is the offset of the first byte of data that is invalid UTF-8
// or decodes to a character that is not text.
func firstBadUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if runeClassOf(r) == rcBad {
			return i
		}
		i += size
	}
	return 0
}

// decodeWith decodes data (at offset base in the file) with dec, a stateless
// decoder that replaces bad input by U+FFFD.
func decodeWith(name string, data []byte, base int, enc string, dec transform.Transformer) (string, string, error) {
	text, enc, _, err := decodeCounted(name, data, base, enc, dec)
	return text, enc, err
}

// decodeCounted is decodeWith returning the counts of the text too.
func decodeCounted(name string, data []byte, base int, enc string, dec transform.Transformer) (string, string, decodeStats, error) {
	var s decodeSink
	s.b.Grow(len(data) * 3 / 2)
	decodeAll(dec, data, s.write)
	utf16 := enc == encUTF16LE || enc == encUTF16BE
	if s.st.nul > 0 {
		return "", "", s.st, &DecodeError{Name: name, Offset: base + firstOffsetWhere(dec, data, isNULRune),
			Reason: "NUL character"}
	}
	if s.st.notText(true) {
		reason := s.st.reason(enc)
		if !utf16 {
			reason = s.st.reason(encGB18030 + " or " + encBig5)
		}
		return "", "", s.st, &DecodeError{Name: name, Offset: base + firstOffsetWhere(dec, data, isSuspectRune),
			Reason: reason}
	}
	return s.b.String(), enc, s.st, nil
}

// decodeLegacy picks GB18030 or Big5 for data and decodes it.
func decodeLegacy(name string, data []byte) (string, string, error) {
	gb := simplifiedchinese.GB18030.NewDecoder()
	b5 := traditionalchinese.Big5.NewDecoder()
	gbScore, b5Score := plausibility(gb, data), plausibility(b5, data)
	first, second := gb, b5
	firstEnc, secondEnc := encGB18030, encBig5
	if b5Score > gbScore {
		first, second = second, first
		firstEnc, secondEnc = secondEnc, firstEnc
	}
	text, enc, st, err := decodeCounted(name, data, 0, firstEnc, first)
	if err == nil && plausibleChinese(&st) {
		return text, enc, nil
	}
	// Refuse only what is undecodable, or implausible, in every candidate.
	text2, enc2, st2, err2 := decodeCounted(name, data, 0, secondEnc, second)
	if err2 == nil && plausibleChinese(&st2) {
		return text2, enc2, nil
	}
	guess := guessForeign(data)
	switch {
	case err != nil && err2 != nil && guess == "":
		return "", "", err // not text in any encoding
	case err != nil && err2 != nil:
	case err != nil:
		text, enc, st = text2, enc2, st2
	}
	// Decodable, but not as Chinese: text in another encoding, or Chinese
	// of rare characters (a table of chemical elements) when no other
	// encoding reads it either.
	if guess == "" && !st.garbled() {
		return text, enc, nil
	}
	if guess == "" {
		guess = "unknown"
	}
	reason := fmt.Sprintf("it seems to be %s", guess)
	if guess == "unknown" {
		reason = fmt.Sprintf("%d of its %d non-ASCII characters read as neither Chinese nor text in GB18030 or Big5", st.suspect(), st.high)
	}
	return "", "", &DecodeError{Name: name, Offset: bytes.IndexFunc(data, func(r rune) bool { return r >= utf8.RuneSelf }),
		Reason: reason, Encoding: guess}
}

// guessForeign names the encoding data seems to be in among common ones
// Decode does not read, or "": the first that decodes a sample (the first
// 1 MB, cut after an ASCII byte) without error into what its languages are
// written in — Shift-JIS or EUC-JP into text with kana (full-width: a
// Chinese file read as Shift-JIS is half-width kana), EUC-KR into Hangul,
// and single-byte encodings into words between ASCII spaces (Chinese has
// few): Windows-1252 (Latin-1) into Latin letters when most bytes outside
// ASCII stand alone (café), else Windows-1251 or KOI8-R into Cyrillic,
// whichever has more lowercase letters.
func guessForeign(data []byte) string {
	sample := data[:min(len(data), 1<<20)]
	if len(sample) < len(data) {
		if i := bytes.LastIndexFunc(sample, func(r rune) bool { return r < utf8.RuneSelf }); i >= 0 {
			sample = sample[:i+1]
		}
	}
	type reading struct {
		high, kana, hangul, latin, cyrillic, lower, spaces, n int
	}
	read := func(e encoding.Encoding) (reading, bool) {
		out, err := e.NewDecoder().Bytes(sample)
		if err != nil || bytes.Contains(out, []byte(string(utf8.RuneError))) {
			return reading{}, false
		}
		var rd reading
		for _, r := range string(out) {
			rd.n++
			switch {
			case r == ' ':
				rd.spaces++
			case r < utf8.RuneSelf:
			case unicode.In(r, unicode.Hiragana, unicode.Katakana) && r < 0xFF00:
				rd.kana++
			case unicode.Is(unicode.Hangul, r):
				rd.hangul++
			case unicode.Is(unicode.Cyrillic, r):
				rd.cyrillic++
			case unicode.Is(unicode.Latin, r):
				rd.latin++
			}
			if r >= utf8.RuneSelf {
				rd.high++
				if unicode.IsLower(r) {
					rd.lower++
				}
			}
		}
		return rd, rd.high > 0
	}
	if rd, ok := read(japanese.ShiftJIS); ok && 5*rd.kana >= rd.high {
		return "Shift-JIS (Japanese)"
	}
	if rd, ok := read(japanese.EUCJP); ok && 5*rd.kana >= rd.high {
		return "EUC-JP (Japanese)"
	}
	if rd, ok := read(korean.EUCKR); ok && 2*rd.hangul >= rd.high {
		return "EUC-KR (Korean)"
	}
	words := func(rd reading) bool { return 20*rd.spaces >= rd.n }
	// Accented Latin letters stand alone among ASCII ones (café, Brücke);
	// Cyrillic letters make whole words.
	alone, high := 0, 0
	for i, c := range sample {
		if c >= utf8.RuneSelf {
			high++
			if (i == 0 || sample[i-1] < utf8.RuneSelf) && (i+1 == len(sample) || sample[i+1] < utf8.RuneSelf) {
				alone++
			}
		}
	}
	if 2*alone >= high {
		if rd, ok := read(charmap.Windows1252); ok && words(rd) && 10*rd.latin >= 9*rd.high {
			return "Windows-1252 or ISO-8859-1 (Latin-1)"
		}
		return ""
	}
	w, okW := read(charmap.Windows1251)
	k, okK := read(charmap.KOI8R)
	okW = okW && words(w) && 10*w.cyrillic >= 9*w.high
	okK = okK && words(k) && 10*k.cyrillic >= 9*k.high
	switch {
	case okW && (!okK || w.lower >= k.lower):
		return "Windows-1251 (Cyrillic)"
	case okK:
		return "KOI8-R (Cyrillic)"
	}
	return ""
}

// plausibleChinese reports whether a GB18030 or Big5 decoding, counted in
// st, reads as Chinese: it is not garbled (st.garbled), and its Han
// characters are as common as Chinese text's. The mean dictionary
// log-frequency of Han characters (those the dictionary never uses count
// 0) is at least 10.09 over any 32 Han characters of the UD sentences and
// the conversational test corpus in both encodings, and at most 8.9 for
// Japanese, Korean and Russian text in their encodings read as GB18030 or
// Big5; with fewer than 32 Han characters only a mean under 8 (no UD line
// of 8 or more is under 9.29) is implausible, and under 8 none is judged.
func plausibleChinese(st *decodeStats) bool {
	if st.garbled() {
		return false
	}
	mean := st.logSum / float64(max(st.han, 1))
	switch {
	case st.han >= 32:
		return mean >= 9.5
	case st.han >= 8:
		return mean >= 8
	}
	return true
}

// garbled reports whether more than a quarter of the non-ASCII characters
// of a decoding, and at least three, are U+FFFD, control or private-use
// characters, Han characters the dictionary never uses, or foreign
// characters next to Han ones: what Latin-1 or Shift-JIS bytes read as
// GB18030 or Big5 look like (Chinese text has at most 4.5% of them).
func (st *decodeStats) garbled() bool {
	n := st.suspect()
	return n >= 3 && 4*n > st.high
}

// suspect is how many characters of a decoding look mis-decoded.
func (st *decodeStats) suspect() int { return st.bad + st.unknownHan + st.foreign }

// Detection samples: input up to decodeSampleLimit bytes is scored whole,
// longer input on decodeSampleWindows windows of
// decodeSampleLimit/decodeSampleWindows bytes.
const (
	decodeSampleLimit   = 256 << 10
	decodeSampleWindows = 16
)

// plausibility is how plausible dec's decoding of data is as Chinese text.
func plausibility(dec transform.Transformer, data []byte) float64 {
	var st decodeStats
	add := st.addAll
	if len(data) <= decodeSampleLimit {
		decodeAll(dec, data, add)
		return st.score()
	}
	w := decodeSampleLimit / decodeSampleWindows
	step := (len(data) - w) / (decodeSampleWindows - 1)
	for i := range decodeSampleWindows {
		start := i * step
		decodeAll(dec, data[start:start+w], add)
		st.reset()
	}
	return st.score()
}

// decodeAll runs dec over all of src, handing each chunk of output (whole
// UTF-8 sequences) to emit.
func decodeAll(dec transform.Transformer, src []byte, emit func([]byte)) {
	var buf [32 << 10]byte
	dec.Reset()
	for len(src) > 0 {
		nDst, nSrc, err := dec.Transform(buf[:], src, true)
		if nDst > 0 {
			emit(buf[:nDst])
		}
		src = src[nSrc:]
		if err != nil && err != transform.ErrShortDst || nDst == 0 && nSrc == 0 {
			// Cannot happen with the decoders used here (they replace bad
			// input); guard against looping forever.
			if len(src) > 0 {
				emit([]byte(string(utf8.RuneError)))
				src = src[1:]
			}
		}
	}
}

// firstOffsetWhere is the offset in src of the first character dec decodes
// that satisfies pred, or 0. It decodes one character per call, so it is
// slow and used only to report an error.
func firstOffsetWhere(dec transform.Transformer, src []byte, pred func(rune) bool) int {
	var buf [utf8.UTFMax]byte
	dec.Reset()
	for off := 0; off < len(src); {
		nDst, _, _ := dec.Transform(buf[:], src[off:], true)
		if nDst == 0 {
			return off
		}
		r, size := utf8.DecodeRune(buf[:nDst])
		// Decode exactly the first character to learn its length in src.
		nDst, nSrc, _ := dec.Transform(buf[:size], src[off:], true)
		if nDst == 0 || nSrc == 0 {
			return off
		}
		if pred(r) {
			return off
		}
		off += nSrc
	}
	return 0
}

func isNULRune(r rune) bool { return r == 0 }

func isSuspectRune(r rune) bool {
	c := runeClassOf(r)
	return c == rcBad || c == rcForeign || c == rcHan && hanLogFreq(r) == 0
}

// decodeSink collects decoded text, turning "\r\n" and "\r" into "\n", and
// counts what the text is made of.
type decodeSink struct {
	b  strings.Builder
	st decodeStats
	cr bool // the last byte written was '\r'
}

// write appends p, which is valid UTF-8.
func (s *decodeSink) write(p []byte) {
	s.st.addAll(p)
	for len(p) > 0 {
		if s.cr && p[0] == '\n' {
			p = p[1:]
		}
		i := bytes.IndexByte(p, '\r')
		if i < 0 {
			s.b.Write(p)
			s.cr = false
			return
		}
		s.b.Write(p[:i])
		s.b.WriteByte('\n')
		p = p[i+1:]
		s.cr = true
	}
}

// decodeStats counts the characters of a decoding by class.
type decodeStats struct {
	n          int     // characters
	han        int     // Han characters
	unknownHan int     // Han characters the dictionary never uses
	logSum     float64 // sum of charLogFreq over Han characters
	bad        int     // U+FFFD, control and private-use characters
	nul        int     // U+0000
	foreign    int     // foreign characters next to Han ones
	high       int     // characters outside ASCII
	pending    int     // foreign characters since the last non-foreign one
	afterHan   bool    // the pending run follows a Han character
}

// addAll counts the characters of p, which is valid UTF-8.
func (st *decodeStats) addAll(p []byte) {
	loadRuneTables()
	cls, freq := runeClassTab, runeFreqTab
	for len(p) > 0 {
		r, size := rune(p[0]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(p)
		}
		p = p[size:]
		switch {
		case r >= 0x20 && r < 0x7F || r == '\n' || r == '\r' || r == '\t':
			st.n++
			st.pending, st.afterHan = 0, false
		case r < 0x10000:
			if r >= utf8.RuneSelf {
				st.high++
			}
			st.count(r, cls[r], float64(freq[r]))
		default:
			st.high++
			st.add(r)
		}
	}
}

// add counts r.
func (st *decodeStats) add(r rune) { st.count(r, runeClassOf(r), hanLogFreq(r)) }

// count counts r, of class c and Han log-frequency lf.
func (st *decodeStats) count(r rune, c uint8, lf float64) {
	st.n++
	switch c {
	case rcHan:
		st.han++
		if lf == 0 {
			st.unknownHan++
		} else {
			st.logSum += lf
		}
		st.foreign += st.pending
		st.pending, st.afterHan = 0, true
		return
	case rcForeign:
		if st.afterHan {
			st.foreign++
		} else {
			st.pending++
		}
		return
	case rcBad:
		st.bad++
		if r == 0 {
			st.nul++
		}
	}
	st.pending, st.afterHan = 0, false
}

// reset forgets the neighbourhood, so that the next character starts a new
// window.
func (st *decodeStats) reset() { st.pending, st.afterHan = 0, false }

// Penalties of decodeStats.score, in units of natural-log frequency (a common
// character scores about 10).
const (
	decodePenaltyBad        = 12
	decodePenaltyUnknownHan = 6
	decodePenaltyForeign    = 6
)

// score is the plausibility of the counted characters as Chinese text.
func (st *decodeStats) score() float64 {
	return st.logSum - decodePenaltyBad*float64(st.bad) -
		decodePenaltyUnknownHan*float64(st.unknownHan) - decodePenaltyForeign*float64(st.foreign)
}

// notText reports whether more than a tenth of the characters are not
// text. strict (every encoding but UTF-8) also counts, a quarter each, Han
// characters the dictionary never uses (a quarter, because the dictionary
// lacks a few Taiwanese standard forms such as 為 and 眾) and foreign
// characters next to Han ones.
func (st *decodeStats) notText(strict bool) bool {
	return st.errors(strict)*10 > float64(st.n)
}

func (st *decodeStats) errors(strict bool) float64 {
	e := float64(st.bad)
	if strict {
		e += float64(st.unknownHan+st.foreign) / 4
	}
	return e
}

func (st *decodeStats) reason(enc string) string {
	strict := enc != encUTF8 && enc != encUTF8BOM
	return fmt.Sprintf("%.0f%% of %d characters undecodable or implausible as %s",
		100*st.errors(strict)/float64(st.n), st.n, enc)
}

// Character classes for plausibility.
const (
	rcOther   uint8 = iota // letters, digits, punctuation, symbols
	rcHan                  // Han ideographs
	rcForeign              // scripts that appear when GB and Big5 are confused
	rcBad                  // U+FFFD, controls, private use, noncharacters
)

var (
	runeTablesOnce sync.Once
	runeClassTab   *[0x10000]uint8
	runeFreqTab    *[0x10000]float32
)

// loadRuneTables tabulates runeClassOf and hanLogFreq for the Basic
// Multilingual Plane, so that scoring a character costs two array loads.
func loadRuneTables() {
	runeTablesOnce.Do(func() {
		cls := new([0x10000]uint8)
		freq := new([0x10000]float32)
		for r := rune(0); r < 0x10000; r++ {
			c := computeRuneClass(r)
			cls[r] = c
			if c == rcHan {
				freq[r] = float32(charLogFreq(r))
			}
		}
		runeClassTab, runeFreqTab = cls, freq
	})
}

func runeClassOf(r rune) uint8 {
	if r < 0x10000 && r >= 0 {
		loadRuneTables()
		return runeClassTab[r]
	}
	return computeRuneClass(r)
}

func hanLogFreq(r rune) float64 {
	if r < 0x10000 && r >= 0 {
		loadRuneTables()
		return float64(runeFreqTab[r])
	}
	return charLogFreq(r)
}

func computeRuneClass(r rune) uint8 {
	switch {
	case r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r':
		return rcOther
	case r < 0x20 || r >= 0x7F && r < 0xA0:
		return rcBad // C0 and C1 controls
	case r == utf8.RuneError || r < 0 || r > unicode.MaxRune:
		return rcBad
	case r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000: // private use
		return rcBad
	case r >= 0xD800 && r <= 0xDFFF: // surrogates
		return rcBad
	case r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE: // noncharacters
		return rcBad
	case unicode.Is(unicode.Han, r):
		return rcHan
	case r >= 0x0370 && r <= 0x052F, // Greek, Cyrillic
		r >= 0x1100 && r <= 0x11FF, // Hangul Jamo
		r >= 0x1F00 && r <= 0x1FFF, // Greek Extended
		r >= 0x2500 && r <= 0x259F, // box drawing, block elements
		r >= 0x3040 && r <= 0x30FF, // kana
		r >= 0x3100 && r <= 0x312F, // bopomofo
		r >= 0x3130 && r <= 0x318F, // Hangul compatibility jamo
		r >= 0x31A0 && r <= 0x31FF, // bopomofo extended, kana extensions
		r >= 0xAC00 && r <= 0xD7AF: // Hangul syllables
		return rcForeign
	}
	return rcOther
}
