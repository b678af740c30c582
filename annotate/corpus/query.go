package corpus

// Queries: what Search looks for, the errors of a bad one, and what a
// regular expression's syntax tree tells Search (the characters it cannot
// match, the literals every match holds).

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
)

// Query says what Search looks for. Its fields combine with AND; empty
// fields are not used.
//
// Text and Regex find places in the text; Word, WordRegex and POS describe
// one token; Layer, Label and LabelText describe one span. The hits are
// the finest unit the query names: text matches if Text or Regex is set
// (they must then lie inside one token matching the token fields, if any,
// and inside one span matching the span fields, if any); else tokens (which
// must lie inside such a span); else spans.
type Query struct {
	Text      string // a plain substring of the text
	Regex     string // a regular expression (Go's RE2 syntax) over the text
	Word      string // a token's exact text
	WordRegex string // a regular expression a whole token must match (anchored)
	POS       string // a token's POS tag, exactly
	Layer     string // a span's layer
	Label     string // a span's label
	LabelText string // a string the span's text contains
	// Fold ignores the difference between traditional and simplified
	// characters (OpenCC t2s, character by character) in the text, the
	// words, span texts and the query.
	Fold bool
	Doc  int64 // only this document (0: all)
}

// QueryError is a query Search cannot run: Field names the Query field at
// fault ("" for the query as a whole).
type QueryError struct {
	Field string
	Err   error
}

func (e *QueryError) Error() string { return "annotate: query: " + e.Err.Error() }

func (e *QueryError) Unwrap() error { return e.Err }

// ErrEmptyQuery is the error (in a QueryError) of a query with nothing to
// look for.
var ErrEmptyQuery = errors.New("nothing to search for: give a text, regular expression, word, POS tag or label")

func (q Query) textFields() bool  { return q.Text != "" || q.Regex != "" }
func (q Query) tokenFields() bool { return q.Word != "" || q.WordRegex != "" || q.POS != "" }
func (q Query) spanFields() bool  { return q.Layer != "" || q.Label != "" || q.LabelText != "" }

// Validate checks q: something to look for, not both Text and Regex, and
// regular expressions that compile. Errors are *QueryError.
func (q Query) Validate() error {
	switch {
	case !q.textFields() && !q.tokenFields() && !q.spanFields():
		return &QueryError{Err: ErrEmptyQuery}
	case q.Text != "" && q.Regex != "":
		return &QueryError{Field: "Regex", Err: errors.New("give a text or a regular expression, not both")}
	case q.Doc < 0:
		return &QueryError{Field: "Doc", Err: fmt.Errorf("no document %d", q.Doc)}
	}
	if q.Regex != "" {
		if _, _, err := compileRegex(q.Regex, false, false); err != nil {
			return regexError("Regex", q.Regex, err)
		}
	}
	if q.WordRegex != "" {
		if _, _, err := compileRegex(q.WordRegex, true, false); err != nil {
			return regexError("WordRegex", q.WordRegex, err)
		}
	}
	return nil
}

// MaxRegexInsts is the largest program, in instructions of Go's
// regexp/syntax, that a Regex or WordRegex may compile to. regexp's time
// per byte of text grows with the program: (焦|作)? written 250 times
// (1,003 instructions) costs about 12 µs a byte (a Han character is
// three), written 1,000 times (4,002) about 300 µs a byte in
// sentence-long pieces, where everyday expressions take well under 0.1 µs.
// An alternation of 300 two-character words stays below the cap.
const MaxRegexInsts = 1000

// RegexSizeError is the error (in a QueryError) of a regular expression
// that compiles to more than MaxRegexInsts instructions.
type RegexSizeError struct {
	Insts int // the instructions it compiles to
}

func (e *RegexSizeError) Error() string {
	return fmt.Sprintf("it compiles to %d instructions, more than the %d a search allows", e.Insts, MaxRegexInsts)
}

// regexError is the QueryError of the regular expression pattern, the
// Regex or WordRegex field (named by field), that compileRegex refused
// with err.
func regexError(field, pattern string, err error) *QueryError {
	what := "regular expression"
	if field == "WordRegex" {
		what = "word regular expression"
	}
	if se := (*RegexSizeError)(nil); errors.As(err, &se) {
		// Not quoted: such an expression is long.
		return &QueryError{Field: field, Err: fmt.Errorf("%s is too large: %w", what, err)}
	}
	return &QueryError{Field: field, Err: fmt.Errorf("%s %q does not compile: %s", what, pattern, regexErr(err))}
}

// regexErr is a regexp error without its "error parsing regexp: " prefix.
func regexErr(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s in `%s`", se.Code, se.Expr)
	}
	return err.Error()
}

// compileRegex compiles pattern, anchored to the whole string if whole,
// with its literal characters folded if fold, and returns the number of
// instructions of its program: a *RegexSizeError when that is more than
// MaxRegexInsts.
func compileRegex(pattern string, whole, fold bool) (*regexp.Regexp, int, error) {
	if whole {
		pattern = `^(?:` + pattern + `)$`
	}
	tree, err := syntax.Parse(pattern, syntax.Perl) // as regexp.Compile does
	if err != nil {
		return nil, 0, err
	}
	if fold {
		foldRegexp(tree)
		pattern = tree.String()
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil {
		return nil, 0, err
	}
	if n := len(prog.Inst); n > MaxRegexInsts {
		return nil, n, &RegexSizeError{Insts: n}
	}
	re, err := regexp.Compile(pattern)
	return re, len(prog.Inst), err
}

// foldRegexp folds the literal characters of re and adds the folded form
// of each member of its character classes (classes of more than 65,536
// characters, such as negated ones, are left as they are).
func foldRegexp(re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		for i, r := range re.Rune {
			re.Rune[i] = foldRune(r)
		}
	case syntax.OpCharClass:
		size := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			size += int(re.Rune[i+1] - re.Rune[i] + 1)
		}
		if size <= 1<<16 {
			var add []rune
			for i := 0; i+1 < len(re.Rune); i += 2 {
				for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
					if f := foldRune(r); f != r {
						add = append(add, f, f)
					}
				}
			}
			re.Rune = append(re.Rune, add...)
		}
	}
	for _, s := range re.Sub {
		foldRegexp(s)
	}
}

// separator returns a character re cannot match, as a string, so that
// every match lies between two of them: a line break, or a Chinese full
// stop or comma ("": none, or re has \A or \z, or line anchors and the
// character is not a line break). The full stop comes first: sentences are
// shorter than lines.
func separator(re *syntax.Regexp) string {
	if hasOp(re, syntax.OpBeginText, syntax.OpEndText) {
		return ""
	}
	lineAnchors := hasOp(re, syntax.OpBeginLine, syntax.OpEndLine)
	for _, c := range []rune{'。', '\n', '，'} {
		if c != '\n' && lineAnchors {
			continue
		}
		if !mayMatch(re, c) {
			return string(c)
		}
	}
	return ""
}

// hasOp reports whether re or a part of it is one of ops.
func hasOp(re *syntax.Regexp, ops ...syntax.Op) bool {
	if slices.Contains(ops, re.Op) {
		return true
	}
	for _, s := range re.Sub {
		if hasOp(s, ops...) {
			return true
		}
	}
	return false
}

// mayMatch reports whether some part of re may match character c.
func mayMatch(re *syntax.Regexp, c rune) bool {
	switch re.Op {
	case syntax.OpAnyChar:
		return true
	case syntax.OpAnyCharNotNL:
		return c != '\n'
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == c || re.Flags&syntax.FoldCase != 0 && unicode.SimpleFold(r) != r && equalFold(r, c) {
				return true
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= c && c <= re.Rune[i+1] {
				return true
			}
		}
	}
	for _, s := range re.Sub {
		if mayMatch(s, c) {
			return true
		}
	}
	return false
}

// equalFold reports whether a and b are the same letter but for case.
func equalFold(a, b rune) bool {
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return a == b
}

// maxLits is the most literals requiredLiterals returns.
const maxLits = 16

// requiredLiterals returns a set of strings one of which every match of
// re holds (nil: none found): the literal runs, small character classes
// and alternations of them, choosing in a concatenation the set with the
// fewest strings, then the longest shortest string.
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if len(out)+int(re.Rune[i+1]-re.Rune[i]+1) > maxLits {
				return nil
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l := requiredLiterals(s)
			if l == nil || len(out)+len(l) > maxLits {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpConcat:
		var best []string
		better := func(l []string) bool {
			if best == nil || len(l) != len(best) {
				return best == nil || len(l) < len(best)
			}
			return shortest(l) > shortest(best)
		}
		run := ""
		for _, s := range re.Sub {
			if s.Op == syntax.OpLiteral && s.Flags&syntax.FoldCase == 0 {
				run += string(s.Rune)
				if l := []string{run}; better(l) {
					best = l
				}
				continue
			}
			run = ""
			if l := requiredLiterals(s); l != nil && better(l) {
				best = l
			}
		}
		return best
	}
	return nil
}

func shortest(l []string) int {
	n := len(l[0])
	for _, s := range l[1:] {
		n = min(n, len(s))
	}
	return n
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
