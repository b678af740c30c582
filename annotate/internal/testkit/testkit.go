// Package testkit holds the test helpers that annotate/text's tests and
// annotate's tests share: the Segmenter loaded once, the project's shared
// test data (the UD Chinese GSD gold, the seed article), an encoder, the
// texts the compact token path is checked on, and the checks of a
// segmentation. Only tests import it.
//
// It does not import annotate/text, whose own tests import it: the
// Segmenter comes through Once, and the token checks read a package's
// tokens through a function that gives their Token.
package testkit

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Once returns a function that calls load once per test binary and gives
// its value, failing the test with load's error (name is load's name, for
// the message).
func Once[T any](name string, load func() (T, error)) func(testing.TB) T {
	var (
		once sync.Once
		v    T
		err  error
	)
	return func(tb testing.TB) T {
		tb.Helper()
		once.Do(func() { v, err = load() })
		if err != nil {
			tb.Fatalf("%s() error = %v", name, err)
		}
		return v
	}
}

// SharedDir is the project's shared test data, ../shared seen from the
// module's root (the folder of go.mod above the test's folder).
var SharedDir = sharedDir()

// UDGoldDir is where the UD Chinese GSD files are; SeedPath is the seed
// article.
var (
	UDGoldDir = filepath.Join(SharedDir, "gold", "ud-gsd")
	SeedPath  = filepath.Join(SharedDir, "corpus", "jiaozuo-news-2021.txt")
)

func sharedDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared")
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "..", "shared") // no go.mod: nothing is found there, and the tests skip
		}
	}
}

// OpenGold opens the UD GSD file name and gives its path; it skips the
// test when ../shared is absent.
func OpenGold(tb testing.TB, name string) (*os.File, string) {
	tb.Helper()
	path := filepath.Join(UDGoldDir, name)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		tb.Skipf("gold file %s not found: ../shared (the project's test data) is absent", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return f, path
}

// GoldSentence is a "# text" line of a CoNLL-U file with its gold FORMs.
type GoldSentence struct {
	Text  string
	Forms []string
}

// ReadGold reads the sentences of a UD GSD file (just enough of the
// CoNLL-U format for scoring: package export has the real reader, which
// imports annotate). It skips the test when ../shared is absent.
func ReadGold(tb testing.TB, name string) []GoldSentence {
	tb.Helper()
	f, path := OpenGold(tb, name)
	defer f.Close()
	var out []GoldSentence
	var cur GoldSentence
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "# text = "):
			cur.Text = strings.TrimPrefix(l, "# text = ")
		case l == "":
			if cur.Text != "" {
				out = append(out, cur)
			}
			cur = GoldSentence{}
		case strings.HasPrefix(l, "#"):
		default:
			f := strings.Split(l, "\t")
			if len(f) < 2 || strings.ContainsAny(f[0], "-.") {
				continue
			}
			cur.Forms = append(cur.Forms, f[1])
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if cur.Text != "" {
		out = append(out, cur)
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no sentences", path)
	}
	return out
}

// ReadShared reads a file of the shared test data, or returns ok == false
// when it is absent.
func ReadShared(tb testing.TB, path string) ([]byte, bool) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b, true
}

// MustEncode encodes s in enc, failing the test when it cannot.
func MustEncode(tb testing.TB, enc encoding.Encoding, s string) []byte {
	tb.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatalf("encoding %q: %v", s, err)
	}
	return b
}

// Big5Subset keeps the characters of s that Big5 encodes and decodes back
// to themselves.
func Big5Subset(s string) string {
	enc, dec := traditionalchinese.Big5.NewEncoder(), traditionalchinese.Big5.NewDecoder()
	var b strings.Builder
	for _, r := range s {
		e, err := enc.Bytes([]byte(string(r)))
		if err != nil {
			continue
		}
		if d, err := dec.Bytes(e); err == nil && string(d) == string(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Token is what the checks read of a segmentation's token: [Start, End)
// in code points, its Text and POS.
type Token struct {
	Start, End int
	Text, POS  string
}

// CheckTokens checks Segment's invariants on toks (read through tok):
// tokens in order without overlap, Text the slice of text, no whitespace
// in a token, every non-whitespace code point covered, a POS on every
// token.
func CheckTokens[T any](t *testing.T, text string, toks []T, tok func(T) Token) {
	t.Helper()
	runes := []rune(text)
	covered := make([]bool, len(runes))
	prev := 0
	for i, x := range toks {
		tk := tok(x)
		if tk.Start < prev || tk.End <= tk.Start || tk.End > len(runes) {
			t.Fatalf("text %q: token %d %+v out of order, empty or outside the text (%d code points)", text, i, x, len(runes))
		}
		prev = tk.End
		if want := string(runes[tk.Start:tk.End]); tk.Text != want {
			t.Errorf("text %q: token %d Text = %q, want %q (the slice [%d:%d])", text, i, tk.Text, want, tk.Start, tk.End)
		}
		if tk.POS == "" {
			t.Errorf("text %q: token %d %q has no POS", text, i, tk.Text)
		}
		for j := tk.Start; j < tk.End; j++ {
			if unicode.IsSpace(runes[j]) {
				t.Errorf("text %q: token %d %q holds whitespace %U", text, i, tk.Text, runes[j])
			}
			covered[j] = true
		}
	}
	for j, r := range runes {
		if !unicode.IsSpace(r) && !covered[j] {
			t.Errorf("text %q: code point %d %q is in no token", text, j, r)
		}
	}
}

// TokenTexts returns the texts of toks (read through tok).
func TokenTexts[T any](toks []T, tok func(T) Token) []string {
	out := make([]string, len(toks))
	for i, x := range toks {
		out[i] = tok(x).Text
	}
	return out
}

// Want is a token a Segment result must (or must not) hold: its text,
// start and, when not empty, POS.
type Want struct {
	Text  string
	Start int
	POS   string
}

// hasToken reports whether toks (read through tok) hold w.
func hasToken[T any](toks []T, w Want, tok func(T) Token) bool {
	for _, x := range toks {
		if t := tok(x); t.Text == w.Text && t.Start == w.Start && (w.POS == "" || t.POS == w.POS) {
			return true
		}
	}
	return false
}

// CheckWant fails the test unless toks (text's segmentation, read through
// tok) hold every token of want and none of notWant.
func CheckWant[T any](t *testing.T, text string, toks []T, want, notWant []Want, tok func(T) Token) {
	t.Helper()
	for _, w := range want {
		if !hasToken(toks, w, tok) {
			t.Errorf("Segment(%q) = %v, want a token %q at %d (POS %q)", text, toks, w.Text, w.Start, w.POS)
		}
	}
	for _, w := range notWant {
		if hasToken(toks, w, tok) {
			t.Errorf("Segment(%q) = %v, want no token %q at %d", text, toks, w.Text, w.Start)
		}
	}
}

// EveryN is sentences of n characters each, whatever the text (made by
// sentence from their start and end): their boundaries fall inside words,
// so that tokens cross them and are cut.
func EveryN[S any](src string, n int, sentence func(start, end int) S) []S {
	var out []S
	total := len([]rune(src))
	for s := 0; s < total; s += n {
		out = append(out, sentence(s, min(s+n, total)))
	}
	return out
}

// FirstDiff is the first index where a and b differ.
func FirstDiff[T any](a, b []T) int {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	return min(len(a), len(b))
}
