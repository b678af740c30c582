package export

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// CoNLLUWord is one word line of a CoNLL-U sentence. Columns other than ID
// keep their text as written, "_" included.
type CoNLLUWord struct {
	ID     int
	Form   string
	Lemma  string
	UPOS   string
	XPOS   string
	Feats  string
	Head   string
	Deprel string
	Deps   string
	Misc   string
}

// SpaceAfter reports whether the word's MISC column allows a space after it
// (it does unless MISC holds SpaceAfter=No).
func (w CoNLLUWord) SpaceAfter() bool {
	for f := range strings.SplitSeq(w.Misc, "|") {
		if f == "SpaceAfter=No" {
			return false
		}
	}
	return true
}

// CoNLLUSentence is one sentence of a CoNLL-U file: its sent_id and text
// comments, its words (multiword-token ranges and empty nodes left out) and
// the line it starts on.
type CoNLLUSentence struct {
	ID    string
	Text  string
	Words []CoNLLUWord
	Line  int
	// NewDoc and NewPar say a "# newdoc" or "# newpar" comment comes
	// before the sentence; DocID is newdoc's id ("# newdoc id = X").
	NewDoc bool
	NewPar bool
	DocID  string
	// Ranges are the multiword tokens (ID "3-4") of the sentence.
	Ranges []CoNLLURange
	// Lines are the sentence's lines as the file has them, line ends
	// (and a byte order mark) removed: comments, words, multiword
	// tokens and empty nodes, in order.
	Lines []string
}

// CoNLLURange is a multiword token: words First to Last (IDs, inclusive)
// written as one surface Form, with its MISC column.
type CoNLLURange struct {
	First, Last int
	Form        string
	Misc        string
}

// Errors a ParseError can wrap.
var (
	ErrFieldCount = errors.New("wrong number of fields")
	ErrWordID     = errors.New("bad word ID")
	ErrEmptyForm  = errors.New("empty FORM")
	ErrCommentPos = errors.New("comment after the word lines of a sentence")
	ErrText       = errors.New("bad text")
)

// ParseError is an error in a CoNLL-U file (or reading it), with the file's
// name and the line, counted from 1 (0 when the error has no line).
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("export: %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("export: %s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ReadCoNLLU reads the CoNLL-U file name from r. Lines end at LF, CRLF
// or a lone CR; a line that is not valid UTF-8 or holds a NUL character is
// an error (ErrText). Sentences are separated by blank lines; "# sent_id = " and "# text = " comments give ID and Text,
// "# newdoc" (with "id = X") and "# newpar" set NewDoc, DocID and NewPar;
// other comments are skipped. Word lines must have ten tab-separated
// columns and IDs 1, 2, 3... in order; multiword-token ranges (1-2) go to
// Ranges and empty nodes (1.1) are skipped. Errors are *ParseError.
func ReadCoNLLU(name string, r io.Reader) ([]CoNLLUSentence, error) {
	return readCoNLLU(name, r, func(pe *ParseError) error { return pe })
}

// readCoNLLU is ReadCoNLLU that hands each bad line to bad: when bad
// returns nil, the rest of that sentence (up to the next blank line) is
// skipped and reading goes on; otherwise reading stops with its error.
// An error reading r always stops it.
func readCoNLLU(name string, r io.Reader, bad func(*ParseError) error) ([]CoNLLUSentence, error) {
	var out []CoNLLUSentence
	err := eachCoNLLU(name, r, bad, func(s CoNLLUSentence) error {
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachCoNLLU is readCoNLLU handing each sentence to f as it is read; an
// error from f stops it.
func eachCoNLLU(name string, r io.Reader, bad func(*ParseError) error, f func(CoNLLUSentence) error) error {
	sc := newLineScanner(r)
	var (
		cur      CoNLLUSentence
		open     bool // cur has a line
		skipping bool // a bad line was skipped: drop the rest of the sentence
		line     int
	)
	fail := func(err error) error {
		if e := bad(&ParseError{File: name, Line: line, Err: err}); e != nil {
			return e
		}
		skipping = true
		return nil
	}
	flush := func() error {
		s, keep := cur, open && !skipping && len(cur.Words) > 0
		cur, open, skipping = CoNLLUSentence{}, false, false
		if !keep {
			return nil
		}
		return f(s)
	}
	for sc.Scan() {
		line++
		l := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			l = strings.TrimPrefix(l, "\uFEFF")
		}
		if strings.TrimSpace(l) == "" {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		if skipping {
			continue
		}
		if err := lineText(l); err != nil {
			if err := fail(fmt.Errorf("%w: %v", ErrText, err)); err != nil {
				return err
			}
			continue
		}
		if !open {
			cur.Line = line
			open = true
		}
		cur.Lines = append(cur.Lines, l)
		if strings.HasPrefix(l, "#") {
			if len(cur.Words) > 0 {
				if err := fail(ErrCommentPos); err != nil {
					return err
				}
				continue
			}
			body := strings.TrimSpace(l[1:])
			key, val, ok := strings.Cut(body, "=")
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			switch {
			case !ok && body == "newdoc":
				cur.NewDoc = true
			case !ok && body == "newpar":
				cur.NewPar = true
			case !ok:
			case key == "sent_id":
				cur.ID = val
			case key == "text":
				cur.Text = val
			case key == "newdoc id":
				cur.NewDoc, cur.DocID = true, val
			case key == "newpar id":
				cur.NewPar = true
			}
			continue
		}
		fs := strings.Split(l, "\t")
		if len(fs) != 10 {
			if err := fail(fmt.Errorf("%w: %d, want 10", ErrFieldCount, len(fs))); err != nil {
				return err
			}
			continue
		}
		if strings.ContainsAny(fs[0], "-.") {
			a, b, ok := parseRangeOrEmpty(fs[0])
			if !ok {
				if err := fail(fmt.Errorf("%w %q", ErrWordID, fs[0])); err != nil {
					return err
				}
				continue
			}
			if b > 0 {
				cur.Ranges = append(cur.Ranges, CoNLLURange{First: a, Last: b, Form: fs[1], Misc: fs[9]})
			}
			continue
		}
		id, err := strconv.Atoi(fs[0])
		if err != nil || id != len(cur.Words)+1 {
			if err := fail(fmt.Errorf("%w %q, want %d", ErrWordID, fs[0], len(cur.Words)+1)); err != nil {
				return err
			}
			continue
		}
		if fs[1] == "" {
			if err := fail(ErrEmptyForm); err != nil {
				return err
			}
			continue
		}
		cur.Words = append(cur.Words, CoNLLUWord{
			ID: id, Form: fs[1], Lemma: fs[2], UPOS: fs[3], XPOS: fs[4],
			Feats: fs[5], Head: fs[6], Deprel: fs[7], Deps: fs[8], Misc: fs[9],
		})
	}
	if err := sc.Err(); err != nil {
		line++
		return &ParseError{File: name, Line: line, Err: err}
	}
	return flush()
}

// parseRangeOrEmpty parses a multiword range (3-4: first 3, last 4) or an
// empty node (3.1: last 0). ok is false for anything else.
func parseRangeOrEmpty(id string) (first, last int, ok bool) {
	a, b, isRange := strings.Cut(id, "-")
	if !isRange {
		a, b, ok = strings.Cut(id, ".")
		if !ok {
			return 0, 0, false
		}
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || x < 0 || y < 0 {
		return 0, 0, false
	}
	if !isRange {
		return x, 0, true
	}
	if x < 1 || y < x {
		return 0, 0, false
	}
	return x, y, true
}

// WriteCoNLLU writes the tokens of text as CoNLL-U, one block per sentence
// that has tokens: "# sent_id = DOC-N" (N counts sents from 1, so it is the
// same N as WriteSentencesJSONL's), "# text = " the sentence's text trimmed
// with every run of whitespace (newlines included) written as one space,
// then one line per token: ID, FORM, LEMMA "_", UPOS (from the gse tag, see
// UPOS), XPOS the gse tag, FEATS, HEAD, DEPREL and DEPS "_" (the file is
// not parsed) and MISC "SpaceAfter=No" when the next character of text is
// not whitespace. A token belongs to the sentence it starts in. Offsets are
// code points into text; FORMs are sliced from text.
func WriteCoNLLU(w io.Writer, docName string, text string, sents []text.Sentence, toks []text.Token) error {
	return WriteCoNLLUSeq(w, docName, text, sents, slices.Values(toks))
}

// WriteCoNLLUSeq is WriteCoNLLU with the tokens as a sequence, which it
// reads twice (checkSentenceTokens, then the writing), holding one
// sentence's tokens at a time: the segment command streams a document's
// compact token layer (text.Segmentation.Each) through it without making
// a []Token of it.
func WriteCoNLLUSeq(w io.Writer, docName string, text string, sents []text.Sentence, toks iter.Seq[text.Token]) error {
	if err := checkSentenceTokens(docName, text, sents, toks); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	id := commentSafe(docName)
	var b []byte
	bySentence(text, sents, toks, func(i int, sent string, g []sentenceToken) bool {
		if len(g) == 0 {
			return true
		}
		b = append(b[:0], "# sent_id = "...)
		b = append(b, id...)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, "\n# text = "...)
		b = appendCollapsedSpace(b, sent)
		b = append(b, '\n')
		for j, t := range g {
			b = strconv.AppendInt(b, int64(j+1), 10)
			b = append(b, '\t')
			at := len(b)
			b = appendFormSafe(b, t.Text)
			form := string(b[at:])
			xpos := t.POS
			if xpos == "" || strings.ContainsFunc(xpos, isColumnSpace) {
				xpos = "_"
			}
			b = append(b, "\t_\t"...)
			b = append(b, UPOS(t.POS, form)...)
			b = append(b, '\t')
			b = append(b, xpos...)
			if t.spaceAfter {
				b = append(b, "\t_\t_\t_\t_\t_\n"...)
			} else {
				b = append(b, "\t_\t_\t_\t_\tSpaceAfter=No\n"...)
			}
		}
		b = append(b, '\n')
		_, err := bw.Write(b)
		return err == nil
	})
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write %s: %w", docName, err)
	}
	return nil
}

// checkSentenceTokens checks that sentences and tokens lie in text, in
// order and without overlap, and that every token starts in a sentence
// (the tokens that start in a sentence are that sentence's). It reads
// toks once.
func checkSentenceTokens(doc, text string, sents []text.Sentence, toks iter.Seq[text.Token]) error {
	n := utf8.RuneCountInString(text)
	prev := 0
	for i, s := range sents {
		if s.Start < prev || s.End < s.Start || s.End > n {
			return fmt.Errorf("export: %s: sentence %d [%d,%d) is out of order or outside the text (%d code points)", doc, i+1, s.Start, s.End, n)
		}
		prev = s.End
	}
	prev, si, i := 0, 0, 0
	for t := range toks {
		i++
		if t.Start < prev || t.End <= t.Start || t.End > n {
			return fmt.Errorf("export: %s: token %d [%d,%d) is empty, out of order or outside the text (%d code points)", doc, i, t.Start, t.End, n)
		}
		prev = t.End
		for si < len(sents) && sents[si].End <= t.Start {
			si++
		}
		if si == len(sents) || t.Start < sents[si].Start {
			return fmt.Errorf("export: %s: token %d [%d,%d) starts outside every sentence", doc, i, t.Start, t.End)
		}
	}
	return nil
}

// sentenceToken is a token as the sentence writers use it: its offsets
// and POS, its text sliced from the document, and whether whitespace (or
// the end of the text) follows it.
type sentenceToken struct {
	Start, End int
	Text, POS  string
	spaceAfter bool
}

// bySentence calls emit for each sentence of sents in order, with its text
// and the tokens of toks that start in it (which checkSentenceTokens has
// checked), until emit returns false. The slice emit gets is reused for
// the next sentence; text is walked once, in order, with no copy of it.
func bySentence(text string, sents []text.Sentence, toks iter.Seq[text.Token], emit func(i int, sent string, g []sentenceToken) bool) {
	sw, tw := cpWalker{s: text}, cpWalker{s: text}
	var g []sentenceToken
	si := 0
	flush := func() bool {
		s := sents[si]
		b := sw.seek(s.Start)
		ok := emit(si, text[b:sw.seek(s.End)], g)
		g = g[:0]
		si++
		return ok
	}
	for t := range toks {
		for si < len(sents) && sents[si].End <= t.Start {
			if !flush() {
				return
			}
		}
		b := tw.seek(t.Start)
		e := tw.seek(t.End)
		r, _ := utf8.DecodeRuneInString(text[e:])
		g = append(g, sentenceToken{Start: t.Start, End: t.End, Text: text[b:e], POS: t.POS,
			spaceAfter: e == len(text) || isColumnSpace(r)})
	}
	for si < len(sents) {
		if !flush() {
			return
		}
	}
}

// cpWalker turns increasing code point offsets of s into byte offsets.
type cpWalker struct {
	s          string
	cp, offset int // code point cp starts at byte offset
}

// seek returns the byte offset of code point cp, which must not be before
// the last one sought.
func (w *cpWalker) seek(cp int) int {
	for w.cp < cp && w.offset < len(w.s) {
		_, n := utf8.DecodeRuneInString(w.s[w.offset:])
		w.offset += n
		w.cp++
	}
	return w.offset
}

// appendCollapsedSpace appends collapseSpace(s) to b.
func appendCollapsedSpace(b []byte, s string) []byte { return append(b, collapseSpace(s)...) }

// appendFormSafe appends formSafe(s) to b.
func appendFormSafe(b []byte, s string) []byte { return append(b, formSafe(s)...) }

// The official UD validator (validate.py, level 1) reads a CoNLL-U file
// line by line with Python's universal newlines, and refuses a line that
// is not in Unicode NFC and a column (FORM, MISC) that starts or ends with
// white space or holds two white-space characters in a row, white space
// being what Python's str.isspace() says (isColumnSpace: U+001C to U+001F,
// U+2028 and U+3000 are). The writers make every line pass: see
// collapseSpace, formSafe and escapeSpaces.

// collapseSpace trims s and writes each run of white space in it as one
// space, in NFC, so that a comment (a sentence's text, a document's name)
// stays on one line and passes the validator.
func collapseSpace(s string) string {
	return norm.NFC.String(strings.Join(strings.FieldsFunc(s, isColumnSpace), " "))
}

// commentSafe keeps a document name on its comment line.
func commentSafe(s string) string { return collapseSpace(s) }

// formSafe makes s a FORM the validator accepts: in NFC, its white space
// (tabs and line breaks included) written as single spaces between its
// other characters, "_" when it has no other character.
func formSafe(s string) string {
	if f := collapseSpace(s); f != "" {
		return f
	}
	return "_"
}

// UPOS maps a gse (jieba/ICTCLAS) tag to a Universal Dependencies UPOS tag
// with a small table; form decides "x" (PUNCT for punctuation, SYM for
// symbols, X otherwise). Classifiers (q) are NOUN, as UD Chinese has them;
// nominal uses of verbs and adjectives (vn, an) are NOUN; ad is ADV;
// idioms, set phrases, morphemes and unknown tags are X.
func UPOS(tag, form string) string {
	if u, ok := uposTable[tag]; ok {
		return u
	}
	switch tag {
	case "x", "":
		if form == "" {
			return "X"
		}
		punct, sym := true, true
		for _, r := range form {
			punct = punct && unicode.IsPunct(r)
			sym = sym && (unicode.IsSymbol(r) || unicode.IsPunct(r))
		}
		switch {
		case punct:
			return "PUNCT"
		case sym:
			return "SYM"
		}
		return "X"
	}
	switch tag[0] {
	case 'n':
		return "NOUN"
	case 'v':
		return "VERB"
	case 'a':
		return "ADJ"
	case 'd':
		return "ADV"
	case 'm':
		return "NUM"
	case 'q':
		return "NOUN"
	case 'r':
		return "PRON"
	case 'u', 'y':
		return "PART"
	}
	return "X"
}

var uposTable = map[string]string{
	"a": "ADJ", "ad": "ADV", "ag": "ADJ", "an": "NOUN", "b": "ADJ", "bg": "ADJ",
	"c": "CCONJ", "d": "ADV", "df": "ADV", "dg": "ADV", "e": "INTJ",
	"f": "ADP", "g": "X", "h": "X", "i": "X", "in": "NOUN", "j": "NOUN", "jn": "NOUN",
	"k": "PART", "l": "X", "ln": "NOUN", "m": "NUM", "mg": "NUM", "mq": "NUM",
	"n": "NOUN", "ng": "NOUN", "nr": "PROPN", "nrfg": "PROPN", "nrt": "PROPN",
	"ns": "PROPN", "nt": "PROPN", "nz": "PROPN", "o": "X", "p": "ADP",
	"q": "NOUN", "qe": "NOUN", "qg": "NOUN", "r": "PRON", "rg": "PRON", "rr": "PRON", "rz": "PRON",
	"s": "NOUN", "t": "NOUN", "tg": "NOUN",
	"u": "PART", "ud": "PART", "ug": "PART", "uj": "PART", "ul": "PART", "uv": "PART", "uz": "PART",
	"v": "VERB", "vd": "VERB", "vg": "VERB", "vi": "VERB", "vn": "NOUN", "vq": "VERB",
	"w": "PUNCT", "y": "PART", "yg": "PART", "z": "ADJ", "zg": "X",
	"eng": "X", "en": "X",
}

// The span layers that carry the CoNLL-U POS column a token's POS does not:
// importing a treebank keeps UPOS or XPOS as the token's POS (whichever the
// project's tagset holds) and the other column, where the writer could not
// derive it, as a span over the token in one of these layers.
const (
	XPOSLayer = "xpos"
	UPOSLayer = "upos"
)

// uposTags are the 17 Universal Dependencies UPOS tags.
var uposTags = map[string]bool{"ADJ": true, "ADP": true, "ADV": true, "AUX": true, "CCONJ": true, "DET": true,
	"INTJ": true, "NOUN": true, "NUM": true, "PART": true, "PRON": true, "PROPN": true, "PUNCT": true,
	"SCONJ": true, "SYM": true, "VERB": true, "X": true}

func init() {
	Register(&Format{Name: "conllu", Ext: ".conllu", Write: writeCoNLLUJob,
		Description: "CoNLL-U: one word per line (FORM, UPOS, XPOS; SpaceAfter=No), # sent_id and # text per sentence, # newdoc per document"})
	RegisterReader(&Reader{Name: "conllu", Each: eachCoNLLUFile,
		Description: "CoNLL-U: the words become the token layer (not re-segmented), UPOS/XPOS their POS; one document per file or per # newdoc"})
}

// conlluColumns gives the UPOS and XPOS columns of a token with POS tag pos
// and FORM form. A tag that is one of the 17 UPOS tags (a project with the
// upos tagset) goes to UPOS, and XPOS comes from the token's span in the
// xpos layer, else "_"; any other tag (gse) goes to XPOS, and UPOS comes
// from the token's span in the upos layer, else from the tag (see UPOS).
func conlluColumns(pos, form, xpos, upos string) (string, string) {
	if strings.ContainsFunc(pos, isColumnSpace) {
		pos = ""
	}
	if strings.ContainsFunc(xpos, isColumnSpace) {
		xpos = ""
	}
	if strings.ContainsFunc(upos, isColumnSpace) {
		upos = ""
	}
	if uposTags[pos] {
		return pos, cmp.Or(xpos, "_")
	}
	return cmp.Or(upos, UPOS(pos, form)), cmp.Or(pos, "_")
}

// escapeSpaces writes white space as UDPipe's SpacesAfter and
// SpacesBefore do — \s, \t, \n, \r, and \p for |, \\ for \ — and
// any other white space (U+00A0, U+2028, U+3000…) and any other character
// below U+0020 as \uXXXX, so that the value holds no white space at all,
// as the validator wants of MISC. (UDPipe reads an escape it does not know
// as it is: \u3000 stays six characters there; our reader and udapi-based
// tools that call unescapeSpaces' equivalent read it back.)
func escapeSpaces(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
			b.WriteString(`\s`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '|':
			b.WriteString(`\p`)
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r <= 0xFFFF && (isColumnSpace(r) || unicode.IsControl(r)):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unescapeSpaces undoes escapeSpaces.
func unescapeSpaces(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if s[i] == 'u' && i+5 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
				b.WriteRune(rune(n))
				i += 4
				continue
			}
		}
		switch s[i] {
		case 's':
			b.WriteByte(' ')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'p':
			b.WriteByte('|')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// spacesAfter returns a MISC column's SpacesAfter value, unescaped, and
// whether there is one.
func spacesAfter(misc string) (string, bool) { return miscValue(misc, "SpacesAfter") }

// miscValue returns the value of the attribute key in a MISC column
// (SpacesAfter, SpacesBefore), unescaped, and whether there is one.
func miscValue(misc, key string) (string, bool) {
	for f := range strings.SplitSeq(misc, "|") {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return unescapeSpaces(v), true
		}
	}
	return "", false
}

// conlluUnit is one line the conllu writer writes: a token, or a run of
// characters no token covers.
type conlluUnit struct {
	start, end int
	pos        string
	gap        bool
}

// writeCoNLLUJob writes the job's documents as CoNLL-U: "# newdoc id =
// NAME" per document, then per sentence with tokens "# sent_id = DOCID-N"
// (N counts the document's sentences from 1), "# text = " (the FORMs
// joined as SpaceAfter says: the sentence's text with each run of white
// space between tokens written as one space) and one line per token: ID,
// FORM (the token's text; tabs and line breaks become spaces), LEMMA "_",
// UPOS and XPOS (see conlluColumns), FEATS, HEAD, DEPREL and DEPS "_" (the
// file is not parsed), MISC: the white space after the token as it is —
// SpaceAfter=No for none, nothing for one space, else SpacesAfter= with
// it escaped (\s \t \n \r, see escapeSpaces), also after the last token
// of a sentence (up to the next sentence's first token) and of the
// document (up to its end), where one line break is SpaceAfter=No too —
// and SpacesBefore= on the first token of a document that starts with
// white space, so that the reader gives the text back. What CoNLL-U
// cannot carry is warned about once for the export: tabs and line breaks
// inside tokens; sentences that follow one another without white space,
// which the reader (as CoNLL-U readers do) separates with a line break.
// Non-space characters that no token covers are written as tokens of
// their own, with a warning; documents without tokens are left out, with
// a warning. Spans are not written (CoNLL-U has none), with a warning
// (but those of the token-tag layers xpos and upos, which are columns).
func writeCoNLLUJob(j *Job, w io.Writer) error {
	bw := bufio.NewWriter(w)
	var unsafe, joined, gapTally, outsideTally, untokenised, spans tally
	var crossArcs, manyHeads, otherRels tally
	firstDoc := true
	err := j.Each(func(d *Doc) error {
		n := 0
		for _, sp := range d.Spans {
			if sp.Layer != XPOSLayer && sp.Layer != UPOSLayer {
				n++
			}
		}
		spans.add(d, n)
		if len(d.Tokens) == 0 {
			untokenised.add(d, 1)
			return nil
		}
		side := map[[2]int][2]string{} // token range → XPOS, UPOS from the side layers
		for _, sp := range d.Document.Spans {
			if sp.Layer == XPOSLayer || sp.Layer == UPOSLayer {
				v := side[[2]int{sp.Start, sp.End}]
				if sp.Layer == XPOSLayer {
					v[0] = sp.Label
				} else {
					v[1] = sp.Label
				}
				side[[2]int{sp.Start, sp.End}] = v
			}
		}
		sents := d.Sentences
		if len(sents) == 0 {
			sents = []text.Sentence{{Start: 0, End: len(d.Runes)}}
		}
		var gaps, outside int
		ti := 0
		pos := 0 // code points before pos are written
		addGaps := func(units []conlluUnit, from, to int) []conlluUnit {
			for i := from; i < to; {
				if isColumnSpace(d.Runes[i]) {
					i++
					continue
				}
				k := i
				for k < to && !isColumnSpace(d.Runes[k]) {
					k++
				}
				units = append(units, conlluUnit{start: i, end: k, gap: true})
				gaps++
				i = k
			}
			return units
		}
		// The units of each sentence first: what follows a sentence's last
		// unit runs to the next sentence's first.
		type sentUnits struct {
			n     int // the sentence's number, from 1
			units []conlluUnit
		}
		var all []sentUnits
		for si, s := range sents {
			var units []conlluUnit
			for ti < len(d.Tokens) && d.Tokens[ti].Start < s.Start {
				outside++
				ti++
			}
			at := max(pos, s.Start)
			for ti < len(d.Tokens) && d.Tokens[ti].Start < s.End {
				t := d.Tokens[ti]
				ti++
				if t.Start < at || t.End <= t.Start || t.End > len(d.Runes) {
					outside++
					continue
				}
				units = addGaps(units, at, t.Start)
				units = append(units, conlluUnit{start: t.Start, end: t.End, pos: t.POS})
				at = t.End
			}
			if at < s.End {
				units = addGaps(units, at, s.End)
				at = s.End
			}
			pos = at
			if len(units) > 0 {
				all = append(all, sentUnits{si + 1, units})
			}
		}
		outside += len(d.Tokens) - ti
		tree := newCoNLLUTree(d.Document, firstDoc)
		for k, su := range all {
			units := su.units
			next := len(d.Runes) // where the next sentence's first unit starts
			if k+1 < len(all) {
				next = all[k+1].units[0].start
			}
			outs := make([]conlluOut, len(units))
			var sb strings.Builder
			for i, u := range units {
				raw := d.Text(u.start, u.end)
				form := formSafe(raw)
				if form != raw {
					unsafe.add(d, 1)
				}
				sb.WriteString(form)
				var misc []string
				if k == 0 && i == 0 && u.start > 0 {
					if lead := d.Text(0, u.start); strings.TrimFunc(lead, isColumnSpace) == "" {
						misc = append(misc, "SpacesBefore="+escapeSpaces(lead))
					}
				}
				last := i+1 == len(units)
				to := next
				if !last {
					to = units[i+1].start
				}
				gap := d.Text(u.end, to)
				if strings.TrimFunc(gap, isColumnSpace) != "" {
					gap = "" // characters outside every sentence: not written (counted below)
				}
				switch {
				case gap == "" && last && to < len(d.Runes):
					joined.add(d, 1)
					misc = append(misc, "SpaceAfter=No")
				case gap == "":
					misc = append(misc, "SpaceAfter=No")
				case gap == "\n" && last && to < len(d.Runes):
					misc = append(misc, "SpaceAfter=No") // the reader's own line break
				case gap == " " && !(last && to == len(d.Runes)):
				default:
					misc = append(misc, "SpacesAfter="+escapeSpaces(gap))
				}
				if !last {
					if gap != "" {
						sb.WriteByte(' ')
					}
				}
				sv := side[[2]int{u.start, u.end}]
				up, xp := conlluColumns(u.pos, form, sv[0], sv[1])
				if u.gap {
					up, xp = UPOS("", form), "_"
				}
				outs[i] = conlluOut{form: form, spacing: misc, upos: up, xpos: xp}
				if !u.gap {
					outs[i].words = tree.words(u.start, u.end)
				}
			}
			// The FORMs joined: in NFC as a whole too (a FORM that starts
			// with a combining mark joins the one before it).
			text := norm.NFC.String(sb.String())
			tree.writeSentence(bw, d, k == 0, su.n, sents[su.n-1].Start, text, outs)
		}
		tree.tally(d, &crossArcs, &manyHeads, &otherRels)
		firstDoc = false
		gapTally.add(d, gaps)
		outsideTally.add(d, outside)
		return nil
	})
	if err != nil {
		return err
	}
	crossArcs.warn(j, "%d arcs of layer "+DeprelLayer+" in %d documents (this one first) link words of different sentences, which CoNLL-U cannot: not written (HEAD and DEPREL _)")
	manyHeads.warn(j, "%d words in %d documents (this one first) have more than one arc of layer "+DeprelLayer+" coming in: the first (by ID) is written as HEAD and DEPREL")
	otherRels.warn(j, "CoNLL-U holds one tree: %d relations of layers other than "+DeprelLayer+" in %d documents (this one first) are not written (brat, doccano, Label Studio keep them)")
	spans.warn(j, "CoNLL-U holds tokens, not spans: %d spans of %d documents (this one first) are not written (a span format keeps them: doccano, brat, spacy…)")
	untokenised.warn(j, "%[1]d documents without tokens (not segmented, or empty; this one first) left out of the CoNLL-U file")
	gapTally.warn(j, "%d runs of characters no token covers in %d documents (this one first): written as tokens of their own")
	unsafe.warn(j, "%d tokens in %d documents (this one first) hold white space other than single spaces between characters, or are not in Unicode NFC, which a CoNLL-U FORM must be: written with single spaces, in NFC")
	outsideTally.warn(j, "%d tokens in %d documents (this one first) lie outside every sentence or overlap another: left out")
	joined.warn(j, "%d sentences in %d documents (this one first) are followed by the next without white space (SpaceAfter=No): read back, as CoNLL-U readers do, each sentence ends a line")
	return bw.Flush()
}

// conlluSurface is one surface token of a CoNLL-U sentence: a word, or a
// multiword token with its words.
type conlluSurface struct {
	form, misc string
	words      []CoNLLUWord
}

// surfaceTokens groups a sentence's words into surface tokens: the words of
// a multiword range become one token (ranges that do not fit are ignored).
func surfaceTokens(s CoNLLUSentence) []conlluSurface {
	ranges := map[int]CoNLLURange{}
	for _, r := range s.Ranges {
		if r.First >= 1 && r.Last <= len(s.Words) && r.Form != "" {
			ranges[r.First] = r
		}
	}
	var out []conlluSurface
	for i := 0; i < len(s.Words); {
		if r, ok := ranges[i+1]; ok {
			out = append(out, conlluSurface{form: r.Form, misc: r.Misc, words: s.Words[i:r.Last]})
			i = r.Last
			continue
		}
		w := s.Words[i]
		out = append(out, conlluSurface{form: w.Form, misc: w.Misc, words: s.Words[i : i+1]})
		i++
	}
	return out
}

// noSpaceAfter reports whether MISC holds SpaceAfter=No.
func noSpaceAfter(misc string) bool { return !(CoNLLUWord{Misc: misc}).SpaceAfter() }

// eachCoNLLUFile imports a CoNLL-U file: one document per file, or per
// "# newdoc" (named by its id, else by the file). A document's text is its
// sentences' FORMs joined as SpaceAfter (or SpacesAfter) says; sentences
// are joined by the last word's SpacesAfter when it has one, else by a
// line break after SpaceAfter=No (Chinese: one sentence per line) and a
// space otherwise, and "# newpar" starts a line; the last word's
// SpacesAfter ends the document, and the first word's SpacesBefore (white
// space only) starts it. Lines end at LF, CRLF or CR; a line that is not
// valid UTF-8 or holds NUL is a bad record (file and line). The words become the
// token layer: offsets slice the text exactly to each FORM. The POS column
// is UPOS or XPOS, whichever holds more tags of the project's tagset (UPOS
// on a tie); the other column goes to spans in layer xpos or upos over the
// token where it is not "_" and not what the conllu writer derives (see
// conlluColumns), so that export gives both columns back. A sentence
// whose "# text" is not its FORMs joined as SpaceAfter says is a bad
// record. Multiword tokens become one token (the first word's tags), with
// a warning.
func eachCoNLLUFile(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	// each reads the file's sentences, bad lines handed to into.Bad.
	each := func(into *Imported, f func(CoNLLUSentence) error) error {
		fh, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer fh.Close()
		return eachCoNLLU(path, fh, func(pe *ParseError) error {
			return into.Bad(opts, &RecordError{File: pe.File, Line: pe.Line, Err: pe.Err})
		}, f)
	}
	schema := opts.Schema
	if schema == nil {
		schema = annotate.DefaultSchema()
	}
	tagset := schema.POS
	// The POS column is the whole file's choice: a first pass counts the
	// tags, holding no sentence.
	hitsU, hitsX := 0, 0
	rich := false // the file is a treebank: read losslessly (see DeprelLayer)
	err := each(&Imported{}, func(s CoNLLUSentence) error {
		rich = rich || richCoNLLU(s)
		for _, w := range s.Words {
			if tagset.Has(w.UPOS) {
				hitsU++
			}
			if tagset.Has(w.XPOS) {
				hitsX++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	useX := hitsX > hitsU
	otherLayer := XPOSLayer
	if useX {
		otherLayer = UPOSLayer
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	// A document without a newdoc id is named FILE, or FILE-N when the
	// file holds more than one.
	names := &numberedDocs{base: base, emit: emit, named: func(d *annotate.Document) bool { return d.Name != "" }}
	var (
		doc     *annotate.Document
		sb      strings.Builder
		n       int    // code points in text
		sep     string // what goes before the next sentence
		mwt     int
		strange = map[string]int{} // POS tags not in the tagset
		sides   int
		nextID  int64 // the spans' IDs in a document, for its relations
		arcs    int
	)
	next := func() int64 { nextID++; return nextID }
	trailing := false         // sep is the last token's SpacesAfter: it ends the document if no sentence follows
	mismatched := &Imported{} // sentences whose # text is not their FORMs, skipped
	finish := func() error {
		var done *annotate.Document
		if doc != nil && len(doc.Sentences) > 0 {
			if trailing {
				sb.WriteString(sep)
			}
			doc.Text = sb.String()
			done = doc
		}
		doc, n, sep, trailing, nextID = nil, 0, "", false, 0
		sb.Reset()
		if done == nil {
			return nil
		}
		return names.add(done)
	}
	err = each(im, func(s CoNLLUSentence) error {
		if s.NewDoc {
			if err := finish(); err != nil {
				return err
			}
		}
		if doc == nil {
			doc = &annotate.Document{Name: s.DocID, Tokens: []text.Token{}}
		}
		surf := surfaceTokens(s)
		var spelled strings.Builder
		for i, u := range surf {
			spelled.WriteString(u.form)
			if i+1 < len(surf) && !noSpaceAfter(u.misc) {
				spelled.WriteByte(' ')
			}
		}
		if s.Text != "" && s.Text != spelled.String() && norm.NFC.String(s.Text) != norm.NFC.String(spelled.String()) {
			// Reported after the file's bad lines, as when all its
			// lines were read before any sentence was looked at.
			return mismatched.Bad(opts, &RecordError{File: path, Line: s.Line, Err: fmt.Errorf("sentence %q: # text %q is not its FORMs joined as SpaceAfter says (%q)", s.ID, s.Text, spelled.String())})
		}
		if rich {
			if err := checkHeads(s); err != nil {
				return mismatched.Bad(opts, &RecordError{File: path, Line: s.Line, Err: err})
			}
		}
		var ranges [][2]int // the surface tokens' offsets
		if n > 0 {
			if s.NewPar && !strings.Contains(sep, "\n") {
				sep = "\n"
			}
			sb.WriteString(sep)
			n += utf8.RuneCountInString(sep)
		} else if len(surf) > 0 {
			if lead, ok := miscValue(surf[0].misc, "SpacesBefore"); ok && strings.TrimFunc(lead, isColumnSpace) == "" {
				sb.WriteString(lead)
				n += utf8.RuneCountInString(lead)
			}
		}
		trailing = false
		start := n
		for i, u := range surf {
			w := u.words[0]
			if len(u.words) > 1 {
				mwt++
			}
			pos, other := w.UPOS, w.XPOS
			if useX {
				pos, other = w.XPOS, w.UPOS
			}
			if pos == "_" {
				pos = ""
			}
			if pos != "" && !tagset.Has(pos) {
				strange[pos]++
			}
			tok := text.Token{Start: n, End: n + utf8.RuneCountInString(u.form), Text: u.form, POS: pos}
			doc.Tokens = append(doc.Tokens, tok)
			ranges = append(ranges, [2]int{tok.Start, tok.End})
			derived := "_"
			if useX {
				derived, _ = conlluColumns(pos, u.form, "", "")
			}
			if !rich && other != "_" && other != "" && other != derived {
				doc.Spans = append(doc.Spans, annotate.Span{Layer: otherLayer, Label: other, Start: tok.Start, End: tok.End})
				sides++
			}
			sb.WriteString(u.form)
			n = tok.End
			spaces, has := spacesAfter(u.misc)
			switch {
			case i+1 < len(surf) && has:
			case i+1 < len(surf) && noSpaceAfter(u.misc):
				spaces = ""
			case i+1 < len(surf):
				spaces = " "
			case has && spaces != "":
				sep, trailing = spaces, true
				continue
			case noSpaceAfter(u.misc):
				sep = "\n"
				continue
			default:
				sep = " "
				continue
			}
			sb.WriteString(spaces)
			n += utf8.RuneCountInString(spaces)
		}
		doc.Sentences = append(doc.Sentences, text.Sentence{Start: start, End: n})
		if rich {
			spans, rels, comments := treeWords(s, surf, ranges, otherLayer, useX, next)
			if len(comments) > 0 {
				if doc.Comments == nil {
					doc.Comments = map[int][]string{}
				}
				doc.Comments[start] = comments
			}
			doc.Spans = append(doc.Spans, spans...)
			doc.Relations = append(doc.Relations, rels...)
			sides += len(spans)
			arcs += len(rels)
		}
		return nil
	})
	if err == nil {
		err = finish()
	}
	if err == nil {
		err = names.end()
	}
	if err != nil {
		return err
	}
	im.Skipped = append(im.Skipped, mismatched.Skipped...)
	col, othercol := "UPOS", "XPOS"
	if useX {
		col, othercol = "XPOS", "UPOS"
	}
	if sides > 0 {
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s: token POS from the %s column (tagset %q); %d %s tags kept as spans in layer %q", path, col, tagset.Name, sides, othercol, otherLayer))
	}
	if len(strange) > 0 {
		tags := slices.Sorted(maps.Keys(strange))
		total := 0
		for _, c := range strange {
			total += c
		}
		if len(tags) > 8 {
			tags = append(tags[:8], "…")
		}
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s: %d tokens have POS tags that are not in the project's tagset %q (%s): kept as they are; a project with the matching tagset (upos or gse) can edit them",
			path, total, tagset.Name, strings.Join(tags, ", ")))
	}
	if mwt > 0 && !rich {
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s: %d multiword tokens imported as one token each, with the tags of their first word", path, mwt))
	}
	if rich {
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s: a treebank: every word kept as a span of layer %q with its lines (LEMMA, FEATS, DEPS, MISC, comments, multiword tokens, empty nodes), %d arcs as relations of layer %q; an export to CoNLL-U writes them back", path, otherLayer, arcs, DeprelLayer))
	}
	return nil
}
