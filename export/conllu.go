package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate"
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
}

// Errors a ParseError can wrap.
var (
	ErrFieldCount = errors.New("wrong number of fields")
	ErrWordID     = errors.New("bad word ID")
	ErrEmptyForm  = errors.New("empty FORM")
	ErrCommentPos = errors.New("comment after the word lines of a sentence")
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

// ReadCoNLLU reads the CoNLL-U file name from r. Sentences are separated
// by blank lines; "# sent_id = " and "# text = " comments give ID and Text,
// other comments are skipped. Word lines must have ten tab-separated
// columns and IDs 1, 2, 3... in order; multiword-token ranges (1-2) and
// empty nodes (1.1) are skipped. Errors are *ParseError.
func ReadCoNLLU(name string, r io.Reader) ([]CoNLLUSentence, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	var (
		out  []CoNLLUSentence
		cur  CoNLLUSentence
		open bool // cur has a line
		line int
	)
	fail := func(err error) ([]CoNLLUSentence, error) {
		return nil, &ParseError{File: name, Line: line, Err: err}
	}
	flush := func() {
		if open && len(cur.Words) > 0 {
			out = append(out, cur)
		}
		cur, open = CoNLLUSentence{}, false
	}
	for sc.Scan() {
		line++
		l := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			l = strings.TrimPrefix(l, "\uFEFF")
		}
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		if !open {
			cur.Line = line
			open = true
		}
		if strings.HasPrefix(l, "#") {
			if len(cur.Words) > 0 {
				return fail(ErrCommentPos)
			}
			key, val, ok := strings.Cut(strings.TrimSpace(l[1:]), "=")
			if ok {
				switch strings.TrimSpace(key) {
				case "sent_id":
					cur.ID = strings.TrimSpace(val)
				case "text":
					cur.Text = strings.TrimSpace(val)
				}
			}
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 10 {
			return fail(fmt.Errorf("%w: %d, want 10", ErrFieldCount, len(f)))
		}
		if strings.ContainsAny(f[0], "-.") {
			if !validRangeOrEmpty(f[0]) {
				return fail(fmt.Errorf("%w %q", ErrWordID, f[0]))
			}
			continue
		}
		id, err := strconv.Atoi(f[0])
		if err != nil || id != len(cur.Words)+1 {
			return fail(fmt.Errorf("%w %q, want %d", ErrWordID, f[0], len(cur.Words)+1))
		}
		if f[1] == "" {
			return fail(ErrEmptyForm)
		}
		cur.Words = append(cur.Words, CoNLLUWord{
			ID: id, Form: f[1], Lemma: f[2], UPOS: f[3], XPOS: f[4],
			Feats: f[5], Head: f[6], Deprel: f[7], Deps: f[8], Misc: f[9],
		})
	}
	if err := sc.Err(); err != nil {
		line++
		return fail(err)
	}
	flush()
	return out, nil
}

// validRangeOrEmpty reports whether id is a multiword range (3-4) or an
// empty node (3.1).
func validRangeOrEmpty(id string) bool {
	a, b, ok := strings.Cut(id, "-")
	if !ok {
		a, b, ok = strings.Cut(id, ".")
	}
	if !ok {
		return false
	}
	_, err1 := strconv.Atoi(a)
	_, err2 := strconv.Atoi(b)
	return err1 == nil && err2 == nil
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
func WriteCoNLLU(w io.Writer, docName string, text string, sents []annotate.Sentence, toks []annotate.Token) error {
	runes := []rune(text)
	groups, err := tokensBySentence(docName, len(runes), sents, toks)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for i, s := range sents {
		g := groups[i]
		if len(g) == 0 {
			continue
		}
		fmt.Fprintf(bw, "# sent_id = %s-%d\n", commentSafe(docName), i+1)
		fmt.Fprintf(bw, "# text = %s\n", collapseSpace(string(runes[s.Start:s.End])))
		for j, t := range g {
			form := formSafe(string(runes[t.Start:t.End]))
			xpos := t.POS
			if xpos == "" || strings.ContainsFunc(xpos, unicode.IsSpace) {
				xpos = "_"
			}
			misc := "_"
			if t.End < len(runes) && !unicode.IsSpace(runes[t.End]) {
				misc = "SpaceAfter=No"
			}
			fmt.Fprintf(bw, "%d\t%s\t_\t%s\t%s\t_\t_\t_\t_\t%s\n", j+1, form, UPOS(t.POS, form), xpos, misc)
		}
		bw.WriteString("\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write %s: %w", docName, err)
	}
	return nil
}

// tokensBySentence checks that sentences and tokens lie in a text of n code
// points, in order and without overlap, and gives each sentence the tokens
// that start in it. A token that starts outside every sentence is an error.
func tokensBySentence(doc string, n int, sents []annotate.Sentence, toks []annotate.Token) ([][]annotate.Token, error) {
	prev := 0
	for i, s := range sents {
		if s.Start < prev || s.End < s.Start || s.End > n {
			return nil, fmt.Errorf("export: %s: sentence %d [%d,%d) is out of order or outside the text (%d code points)", doc, i+1, s.Start, s.End, n)
		}
		prev = s.End
	}
	groups := make([][]annotate.Token, len(sents))
	prev, si := 0, 0
	for i, t := range toks {
		if t.Start < prev || t.End <= t.Start || t.End > n {
			return nil, fmt.Errorf("export: %s: token %d [%d,%d) is empty, out of order or outside the text (%d code points)", doc, i+1, t.Start, t.End, n)
		}
		prev = t.End
		for si < len(sents) && sents[si].End <= t.Start {
			si++
		}
		if si == len(sents) || t.Start < sents[si].Start {
			return nil, fmt.Errorf("export: %s: token %d [%d,%d) starts outside every sentence", doc, i+1, t.Start, t.End)
		}
		groups[si] = append(groups[si], t)
	}
	return groups, nil
}

// collapseSpace trims s and writes each run of whitespace in it as one
// space, so that a sentence's text stays on one line and matches its FORMs
// joined as SpaceAfter says.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// commentSafe keeps a document name on its comment line.
func commentSafe(s string) string { return collapseSpace(s) }

// formSafe keeps a FORM in its column: tabs and line breaks become spaces.
func formSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
			return ' '
		}
		return r
	}, s)
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
