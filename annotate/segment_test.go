package annotate

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/biaozhu/biaozhu/assets"
)

var (
	testSegOnce sync.Once
	testSeg     *Segmenter
	testSegErr  error
)

// segmenterForTest loads the Segmenter once per test binary.
func segmenterForTest(tb testing.TB) *Segmenter {
	tb.Helper()
	testSegOnce.Do(func() {
		testSeg, testSegErr = NewSegmenter()
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
func checkTokens(t *testing.T, text string, toks []Token) {
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

func TestSegmentUDGold(t *testing.T) {
	s := segmenterForTest(t)
	for _, name := range []string{"zh_gsd-ud-test.conllu", "zh_gsdsimp-ud-test.conllu"} {
		t.Run(name, func(t *testing.T) {
			gold := readGold(t, name)
			var score SegScore
			for _, g := range gold {
				toks := s.Segment(g.text)
				checkTokens(t, g.text, toks)
				pred := make([]string, len(toks))
				for i, tk := range toks {
					pred[i] = tk.Text
				}
				score.Add(g.forms, pred)
			}
			t.Logf("%s: %d sentences: %v", name, len(gold), score)
			if got, floor := score.F1(), 0.78; got < floor {
				t.Errorf("F1 = %.4f, want >= %.2f (%v)", got, floor, score)
			}
		})
	}
}

type segCase struct {
	name string
	text string
	want []Token // nil: check the invariants only
}

// segCases are the table of TestSegment and the seeds of FuzzSegment.
var segCases = []segCase{
	{"empty", "", []Token{}},
	{"only spaces", " \t\n\u3000 \r\n", []Token{}},
	{"latin case kept", "iPhone 12", []Token{
		{0, 6, "iPhone", "eng"}, {7, 9, "12", "m"},
	}},
	{"upper case", "IMAX", []Token{{0, 4, "IMAX", "eng"}}},
	{"latin in chinese", "全片使用IMAX摄影机", nil},
	{"decimal", "3.5", []Token{{0, 3, "3.5", "m"}}},
	{"thousands", "1,000,000", []Token{{0, 9, "1,000,000", "m"}}},
	{"not thousands", "1,2", []Token{{0, 1, "1", "m"}, {1, 2, ",", "w"}, {2, 3, "2", "m"}}},
	{"full-width digits", "２０２１", []Token{{0, 4, "２０２１", "m"}}},
	{"full-width latin", "ＩＭＡＸ", []Token{{0, 4, "ＩＭＡＸ", "eng"}}},
	{"number and han", "2004年", []Token{{0, 4, "2004", "m"}, {4, 5, "年", "m"}}},
	{"mixed", "我买了3台iPhone12。", nil},
	{"punctuation", "「好」，", []Token{
		{0, 1, "「", "w"}, {1, 2, "好", "a"}, {2, 3, "」", "w"}, {3, 4, "，", "w"},
	}},
	{"traditional", "這樣的處理", []Token{
		{0, 2, "這樣", "r"}, {2, 3, "的", "uj"}, {3, 5, "處理", "v"},
	}},
	{"simplified", "这样的处理", []Token{
		{0, 2, "这样", "r"}, {2, 3, "的", "uj"}, {3, 5, "处理", "v"},
	}},
	{"non-BMP", "𠀀😀", []Token{{0, 1, "𠀀", "x"}, {1, 2, "😀", "x"}}},
	{"non-BMP in text", "我𠀀了😀 好", nil},
	{"newlines", "你好\n世界\r\n", []Token{{0, 2, "你好", "l"}, {3, 5, "世界", "n"}}},
	{"ideographic space", "北京\u3000上海", []Token{{0, 2, "北京", "ns"}, {3, 5, "上海", "ns"}}},
	{"pinyin artefact", "時(shí)刻", nil},
	{"replacement char", "守護(hù)\uFFFD群眾", nil},
	{"invalid UTF-8", "好\xff世界 \xc3", nil},
	{"number at run end", "共3.", []Token{{0, 1, "共", "d"}, {1, 2, "3", "m"}, {2, 3, ".", "w"}}},
}

func TestSegment(t *testing.T) {
	s := segmenterForTest(t)
	for _, tt := range segCases {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Segment(tt.text)
			checkTokens(t, tt.text, got)
			if tt.want == nil {
				return
			}
			if got == nil {
				got = []Token{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Segment(%q) =\n%v\nwant\n%v", tt.text, got, tt.want)
			}
		})
	}
}

func TestSegmentConcurrent(t *testing.T) {
	s := segmenterForTest(t)
	text := string(assets.DemoArticle)
	want := s.Segment(text)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Go(func() {
			if got := s.Segment(text); !reflect.DeepEqual(got, want) {
				errs <- "concurrent Segment differs from a lone one"
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestSegmenterLookup(t *testing.T) {
	s := segmenterForTest(t)
	tests := []struct {
		word    string
		wantOK  bool
		wantPOS string
	}{
		{"中国", true, "ns"},
		{"中國", true, "ns"}, // traditional: read through t2s
		{"処理", false, ""},
		{"", false, ""},
		{"中", true, ""},      // a prefix of words and a word itself
		{"中华人民共", false, ""}, // only a prefix
		{"qzxv", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			freq, pos, ok := s.Lookup(tt.word)
			if ok != tt.wantOK {
				t.Fatalf("Lookup(%q) ok = %v, want %v", tt.word, ok, tt.wantOK)
			}
			if ok && freq <= 0 {
				t.Errorf("Lookup(%q) freq = %v, want > 0", tt.word, freq)
			}
			if tt.wantPOS != "" && pos != tt.wantPOS {
				t.Errorf("Lookup(%q) pos = %q, want %q", tt.word, pos, tt.wantPOS)
			}
		})
	}
	if got := s.TotalFreq(); got <= 0 {
		t.Errorf("TotalFreq() = %v, want > 0", got)
	}
}

// TestSegmentT2SMatchesOpenCC holds convertInPlace to OpenCC's own Convert on
// the traditional UD sentences and the seed article.
func TestSegmentT2SMatchesOpenCC(t *testing.T) {
	s := segmenterForTest(t)
	var texts []string
	for _, g := range readGold(t, "zh_gsd-ud-test.conllu") {
		texts = append(texts, g.text)
	}
	texts = append(texts, strings.Split(string(assets.DemoArticle), "\n")...)
	lengthChanged := 0
	for _, text := range texts {
		want, err := s.t2s.Convert(text)
		if err != nil {
			t.Fatalf("Convert(%q) error = %v", text, err)
		}
		rs := []rune(text)
		for _, g := range s.t2s.DictChains {
			convertInPlace(g, rs)
		}
		if len([]rune(want)) != len(rs) {
			lengthChanged++
			continue
		}
		if got := string(rs); got != want {
			t.Errorf("convertInPlace(%q) = %q, want Convert's %q", text, got, want)
		}
	}
	t.Logf("%d texts, %d where Convert changes the length", len(texts), lengthChanged)
}

func FuzzSegment(f *testing.F) {
	for _, tt := range segCases {
		f.Add(tt.text)
	}
	f.Add(string(assets.DemoArticle))
	s := segmenterForTest(f)
	f.Fuzz(func(t *testing.T, text string) {
		checkTokens(t, text, s.Segment(text))
	})
}

func BenchmarkSegmenterLoad(b *testing.B) {
	var ms runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		start := time.Now()
		s, err := NewSegmenter()
		if err != nil {
			b.Fatal(err)
		}
		load := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(load.Seconds(), "load-s")
		b.ReportMetric(float64(int64(ms.HeapAlloc)-int64(before))/(1<<20), "heap-MB")
		runtime.KeepAlive(s)
	}
}

// benchText is the seed article repeated to about 1 MB.
func benchText() string {
	return strings.Repeat(string(assets.DemoArticle), 1<<20/len(assets.DemoArticle)+1)
}

func BenchmarkSegment(b *testing.B) {
	s := segmenterForTest(b)
	text := benchText()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.Segment(text)
	}
}

// BenchmarkGseSegment is gse's own Segment on the same text with the same
// dictionary, to compare Segment's cost with.
func BenchmarkGseSegment(b *testing.B) {
	s := segmenterForTest(b)
	text := []byte(benchText())
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.seg.Segment(text)
	}
}
