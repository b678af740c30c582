// Copies of annotate/text's test helpers that the project's tests use as
// well (a package's test files cannot be imported): the Segmenter loaded
// once, the UD gold and shared test data readers, an encoder, and the
// checks of a segmentation.

package annotate

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/biaozhu/biaozhu/annotate/text"
)

var (
	testSegOnce sync.Once
	testSeg     *text.Segmenter
	testSegErr  error
)

// segmenterForTest loads the Segmenter once per test binary.
func segmenterForTest(tb testing.TB) *text.Segmenter {
	tb.Helper()
	testSegOnce.Do(func() {
		testSeg, testSegErr = text.NewSegmenter()
	})
	if testSegErr != nil {
		tb.Fatalf("NewSegmenter() error = %v", testSegErr)
	}
	return testSeg
}

// udGoldDir is where the UD Chinese GSD files are, seen from annotate/.
const udGoldDir = "../../shared/gold/ud-gsd"

// goldSentence is a "# text" line of a CoNLL-U file with its gold FORMs.
type goldSentence struct {
	text  string
	forms []string
}

// readGold reads the sentences of a CoNLL-U file (just enough of the format
// for scoring: package export has the real reader, which imports annotate).
func readGold(tb testing.TB, name string) []goldSentence {
	tb.Helper()
	path := filepath.Join(udGoldDir, name)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		tb.Skipf("gold file %s not found: ../shared (the project's test data) is absent", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []goldSentence
	var cur goldSentence
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "# text = "):
			cur.text = strings.TrimPrefix(l, "# text = ")
		case l == "":
			if cur.text != "" {
				out = append(out, cur)
			}
			cur = goldSentence{}
		case strings.HasPrefix(l, "#"):
		default:
			f := strings.Split(l, "\t")
			if len(f) < 2 || strings.ContainsAny(f[0], "-.") {
				continue
			}
			cur.forms = append(cur.forms, f[1])
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if cur.text != "" {
		out = append(out, cur)
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no sentences", path)
	}
	return out
}

// checkTokens checks Segment's invariants: tokens in order without overlap,
// Text the slice of text, no whitespace in a token, every non-whitespace
// code point covered, a POS on every token.
func checkTokens(t *testing.T, text string, toks []text.Token) {
	t.Helper()
	runes := []rune(text)
	covered := make([]bool, len(runes))
	prev := 0
	for i, tk := range toks {
		if tk.Start < prev || tk.End <= tk.Start || tk.End > len(runes) {
			t.Fatalf("text %q: token %d %+v out of order, empty or outside the text (%d code points)", text, i, tk, len(runes))
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

const (
	decodeSharedDir = "../../shared"
	decodeSeedPath  = decodeSharedDir + "/corpus/jiaozuo-news-2021.txt"
)

// readDecodeShared reads a file of the shared test data, or returns ok == false
// when it is absent.
func readDecodeShared(tb testing.TB, path string) ([]byte, bool) {
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

func mustEncodeAs(tb testing.TB, enc encoding.Encoding, s string) []byte {
	tb.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatalf("encoding %q: %v", s, err)
	}
	return b
}

// big5Subset keeps the characters of s that Big5 encodes and decodes back
// to themselves.
func big5Subset(s string) string {
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

func tokenTexts(toks []text.Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

// wantTok is a token a Segment result must (or must not) hold: its text,
// start and, when not empty, POS.
type wantTok struct {
	text  string
	start int
	pos   string
}

func hasToken(toks []text.Token, w wantTok) bool {
	for _, t := range toks {
		if t.Text == w.text && t.Start == w.start && (w.pos == "" || t.POS == w.pos) {
			return true
		}
	}
	return false
}
