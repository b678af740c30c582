package text

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
)

var (
	decodeUDTrad = filepath.Join(testkit.UDGoldDir, "zh_gsd-ud-test.conllu")
	decodeUDSimp = filepath.Join(testkit.UDGoldDir, "zh_gsdsimp-ud-test.conllu")
)

// udTextLines returns the "# text =" lines of a CoNLL-U file.
func udTextLines(tb testing.TB, path string) ([]string, bool) {
	b, ok := testkit.ReadShared(tb, path)
	if !ok {
		return nil, false
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		if t, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "# text = "); ok {
			out = append(out, t)
		}
	}
	return out, true
}

// big5Encodable reports whether every character of s survives Big5.
func big5Encodable(s string) bool { return testkit.Big5Subset(s) == s }

var (
	utf16LEBOM = xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)
	utf16BEBOM = xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM)
)

type decodeCase struct {
	name     string
	data     []byte
	wantText string
	wantEnc  string
	wantErr  bool // a *DecodeError is wanted
	// wantForeign, with wantErr, is the DecodeError's Encoding: text in
	// an encoding Decode does not read.
	wantForeign string
}

// Texts in other languages, written for these tests, to encode in the
// encodings Decode does not read.
const (
	textFrench   = "Le café était fermé ce matin, alors nous avons marché jusqu'à la boulangerie près de l'église. Là, une vieille dame nous a raconté l'histoire du quartier : les ouvriers, les grèves, la fête du village chaque été."
	textGerman   = "Über die Brücke gingen wir zum Bahnhof. Die Züge waren verspätet, und die Fahrgäste ärgerten sich. Später aßen wir Käsespätzle in einem kleinen Gasthaus."
	textJapanese = "昨日、私たちは駅の近くの小さな喫茶店に行きました。コーヒーはとても美味しくて、店員さんも親切でした。また行きたいと思います。"
	textKorean   = "어제 우리는 시장에 가서 과일과 채소를 샀습니다. 날씨가 좋아서 공원에서 산책도 했습니다. 저녁에는 친구들과 함께 밥을 먹었습니다."
	textRussian  = "Вчера мы гуляли по парку и разговаривали о книгах. Погода была хорошая, и мы долго сидели на скамейке у реки."
)

// decodeCases is the table of TestDecode and the seed corpus of FuzzDecode.
// Cases built from the shared data are left out when it is absent.
func decodeCases(tb testing.TB) []decodeCase {
	const zh = "焦作市委副书记、市长徐衣显带队检查指导冬春季疫情防控工作。"
	cases := []decodeCase{
		{name: "empty", data: nil, wantText: "", wantEnc: "UTF-8"},
		{name: "ascii", data: []byte("Hello, world.\nLine two\t42\n"), wantText: "Hello, world.\nLine two\t42\n", wantEnc: "UTF-8"},
		{name: "utf8", data: []byte(zh), wantText: zh, wantEnc: "UTF-8"},
		{name: "crlf", data: []byte("第一行\r\n第二行\r\n"), wantText: "第一行\n第二行\n", wantEnc: "UTF-8"},
		{name: "lone cr", data: []byte("第一行\r第二行\r"), wantText: "第一行\n第二行\n", wantEnc: "UTF-8"},
		{name: "cr cr lf", data: []byte("a\r\r\nb"), wantText: "a\n\nb", wantEnc: "UTF-8"},
		{name: "bom only", data: []byte("\xEF\xBB\xBF"), wantText: "", wantEnc: "UTF-8 with BOM"},
		{name: "utf8 bom crlf", data: []byte("\xEF\xBB\xBF" + "标注\r\n工具"), wantText: "标注\n工具", wantEnc: "UTF-8 with BOM"},
		{name: "truncated utf8", data: []byte(zh)[:len(zh)-1], wantText: strings.TrimSuffix(zh, "。") + "\uFFFD", wantEnc: "UTF-8"},
		{name: "truncated utf8 two bytes", data: []byte("标注工具")[:len("标注工具")-2], wantText: "标注工\uFFFD", wantEnc: "UTF-8"},
		{name: "utf8 one bad byte", data: []byte(zh + "\xFF" + zh), wantText: zh + "\uFFFD" + zh, wantEnc: "UTF-8"},
		{name: "gb18030 short", data: testkit.MustEncode(tb, simplifiedchinese.GB18030, zh), wantText: zh, wantEnc: "GB18030"},
		{name: "gb18030 crlf", data: testkit.MustEncode(tb, simplifiedchinese.GB18030, "第一行\r\n"+zh+"\r"), wantText: "第一行\n" + zh + "\n", wantEnc: "GB18030"},
		{name: "big5 short", data: testkit.MustEncode(tb, traditionalchinese.Big5, "然而，這樣的處理也衍生了一些問題。"), wantText: "然而，這樣的處理也衍生了一些問題。", wantEnc: "Big5"},
		{name: "utf16le", data: testkit.MustEncode(tb, utf16LEBOM, "标注\r\n"+zh), wantText: "标注\n" + zh, wantEnc: "UTF-16LE"},
		{name: "utf16be", data: testkit.MustEncode(tb, utf16BEBOM, "标注\r\n"+zh), wantText: "标注\n" + zh, wantEnc: "UTF-16BE"},
		{name: "utf16le bom only", data: []byte{0xFF, 0xFE}, wantText: "", wantEnc: "UTF-16LE"},
		{name: "utf16le odd length", data: append(testkit.MustEncode(tb, utf16LEBOM, zh), 'x'), wantText: zh + "\uFFFD", wantEnc: "UTF-16LE"},
		{name: "utf16le nul", data: testkit.MustEncode(tb, utf16LEBOM, "标注\x00工具"), wantErr: true},
		{name: "nul in ascii", data: []byte("abc\x00def"), wantErr: true},
		{name: "nul in utf8 bom", data: []byte("\xEF\xBB\xBFabc\x00"), wantErr: true},
		{name: "png", data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"), wantErr: true},
		{name: "random", data: decodeRandomBytes(4096, false), wantErr: true},
		{name: "random without nul", data: decodeRandomBytes(4096, true), wantErr: true},
		{name: "random short without nul", data: decodeRandomBytes(64, true), wantErr: true},
		{name: "control characters", data: []byte("\x01\x02\x03\x04\x05\x06\x07\x08abc"), wantErr: true},
		{name: "lone 0xff", data: []byte{0xFF}, wantErr: true},
		// Text in an encoding Decode does not read is refused, naming
		// the encoding it seems to be in; in UTF-8 it is read as it is.
		{name: "latin-1 french", data: testkit.MustEncode(tb, charmap.ISO8859_1, textFrench), wantErr: true, wantForeign: "Windows-1252 or ISO-8859-1 (Latin-1)"},
		{name: "windows-1252 german", data: testkit.MustEncode(tb, charmap.Windows1252, textGerman), wantErr: true, wantForeign: "Windows-1252 or ISO-8859-1 (Latin-1)"},
		{name: "shift-jis", data: testkit.MustEncode(tb, japanese.ShiftJIS, textJapanese), wantErr: true, wantForeign: "Shift-JIS (Japanese)"},
		{name: "euc-jp", data: testkit.MustEncode(tb, japanese.EUCJP, textJapanese), wantErr: true, wantForeign: "EUC-JP (Japanese)"},
		{name: "euc-kr", data: testkit.MustEncode(tb, korean.EUCKR, textKorean), wantErr: true, wantForeign: "EUC-KR (Korean)"},
		{name: "windows-1251", data: testkit.MustEncode(tb, charmap.Windows1251, textRussian), wantErr: true, wantForeign: "Windows-1251 (Cyrillic)"},
		{name: "koi8-r", data: testkit.MustEncode(tb, charmap.KOI8R, textRussian), wantErr: true, wantForeign: "KOI8-R (Cyrillic)"},
		{name: "shift-jis long", data: testkit.MustEncode(tb, japanese.ShiftJIS, strings.Repeat(textJapanese+"\r\n", 40)), wantErr: true, wantForeign: "Shift-JIS (Japanese)"},
		{name: "utf8 french", data: []byte(textFrench), wantText: textFrench, wantEnc: "UTF-8"},
		{name: "utf8 japanese", data: []byte(textJapanese), wantText: textJapanese, wantEnc: "UTF-8"},
		{name: "utf8 korean", data: []byte(textKorean), wantText: textKorean, wantEnc: "UTF-8"},
		{name: "utf8 russian", data: []byte(textRussian), wantText: textRussian, wantEnc: "UTF-8"},
		{name: "gbk english with chinese names", data: testkit.MustEncode(tb, simplifiedchinese.GBK, "Meeting notes: Zhang Wei (张伟) and Li Na (李娜) present on Monday."),
			wantText: "Meeting notes: Zhang Wei (张伟) and Li Na (李娜) present on Monday.", wantEnc: "GB18030"},
	}
	for name, text := range readConversation(tb) {
		text = strings.TrimSuffix(text, "\n")
		cases = append(cases, decodeCase{name: "gb18030 " + name, data: testkit.MustEncode(tb, simplifiedchinese.GB18030, text), wantText: text, wantEnc: "GB18030"})
		if big5Encodable(text) {
			cases = append(cases, decodeCase{name: "big5 " + name, data: testkit.MustEncode(tb, traditionalchinese.Big5, text), wantText: text, wantEnc: "Big5"})
		}
	}

	if seed, ok := testkit.ReadShared(tb, testkit.SeedPath); ok {
		s := string(seed)
		b5 := testkit.Big5Subset(s)
		cases = append(cases,
			decodeCase{name: "seed utf8", data: seed, wantText: s, wantEnc: "UTF-8"},
			decodeCase{name: "seed utf8 bom", data: append([]byte("\xEF\xBB\xBF"), seed...), wantText: s, wantEnc: "UTF-8 with BOM"},
			decodeCase{name: "seed gb18030", data: testkit.MustEncode(tb, simplifiedchinese.GB18030, s), wantText: s, wantEnc: "GB18030"},
			decodeCase{name: "seed utf16le", data: testkit.MustEncode(tb, utf16LEBOM, s), wantText: s, wantEnc: "UTF-16LE"},
			decodeCase{name: "seed utf16be", data: testkit.MustEncode(tb, utf16BEBOM, s), wantText: s, wantEnc: "UTF-16BE"},
			decodeCase{name: "seed big5 subset", data: testkit.MustEncode(tb, traditionalchinese.Big5, b5), wantText: b5, wantEnc: "Big5"},
			decodeCase{name: "seed gb18030 crlf", data: testkit.MustEncode(tb, simplifiedchinese.GB18030, strings.ReplaceAll(s, "\n", "\r\n")), wantText: s, wantEnc: "GB18030"},
		)
		// A scraped legacy file with a few bad bytes still decodes.
		gb := testkit.MustEncode(tb, simplifiedchinese.GB18030, s)
		damaged, want := damageGB(gb, s)
		if n := strings.Count(want, "\uFFFD") - strings.Count(s, "\uFFFD"); n != 6 {
			tb.Fatalf("damageGB made %d U+FFFD, want 6", n)
		}
		cases = append(cases, decodeCase{name: "seed gb18030 damaged", data: damaged, wantText: want, wantEnc: "GB18030"})
	}
	if trad, ok := udTextLines(tb, decodeUDTrad); ok {
		var sents []string
		for _, t := range trad {
			if big5Encodable(t) {
				sents = append(sents, t)
			}
			if len(sents) == 8 {
				break
			}
		}
		text := strings.Join(sents, "\n") + "\n"
		cases = append(cases,
			decodeCase{name: "ud traditional big5", data: testkit.MustEncode(tb, traditionalchinese.Big5, text), wantText: text, wantEnc: "Big5"},
			decodeCase{name: "ud traditional gb18030", data: testkit.MustEncode(tb, simplifiedchinese.GB18030, text), wantText: text, wantEnc: "GB18030"},
		)
	}
	if simp, ok := udTextLines(tb, decodeUDSimp); ok {
		text := strings.Join(simp[:8], "\n") + "\n"
		cases = append(cases,
			decodeCase{name: "ud simplified gb18030", data: testkit.MustEncode(tb, simplifiedchinese.GB18030, text), wantText: text, wantEnc: "GB18030"},
			decodeCase{name: "ud simplified utf16be", data: testkit.MustEncode(tb, utf16BEBOM, text), wantText: text, wantEnc: "UTF-16BE"},
		)
	}
	return cases
}

// damageGB overwrites three well-separated two-byte ideographs of gb (the
// GB18030 encoding of s) with 0xFF 0xFF, as a scraped file might be
// damaged, and returns the bytes and the text they decode to: each 0xFF is
// undecodable on its own, so each damaged ideograph becomes two U+FFFD.
func damageGB(gb []byte, s string) ([]byte, string) {
	runes := []rune(s)
	out := bytes.Clone(gb)
	want := []rune(s)
	hit := 0
	pos := 0 // byte offset in gb of runes[i]
	enc := simplifiedchinese.GB18030.NewEncoder()
	for i, r := range runes {
		e, _ := enc.Bytes([]byte(string(r)))
		// The first ideograph after each quarter of the text.
		if len(e) == 2 && r >= 0x4E00 && hit < 3 && i >= (hit+1)*len(runes)/4 {
			out[pos], out[pos+1] = 0xFF, 0xFF
			want[i] = -1
			hit++
		}
		pos += len(e)
	}
	var b strings.Builder
	for _, r := range want {
		if r == -1 {
			b.WriteString("\uFFFD\uFFFD")
		} else {
			b.WriteRune(r)
		}
	}
	return out, b.String()
}

// decodeRandomBytes is n bytes from a fixed seed; noNUL replaces NUL bytes.
func decodeRandomBytes(n int, noNUL bool) []byte {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
		if noNUL && b[i] == 0 {
			b[i] = 1
		}
	}
	return b
}

func TestDecode(t *testing.T) {
	for _, tc := range decodeCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			const file = "dir/article.txt"
			text, enc, err := Decode(file, tc.data)
			if tc.wantErr {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("Decode = %q, %q, %v; want a *DecodeError", shortForLog(text), enc, err)
				}
				if de.Name != file || !strings.Contains(err.Error(), file) {
					t.Errorf("error %q does not name %q", err, file)
				}
				if de.Offset < 0 || de.Offset > len(tc.data) {
					t.Errorf("error offset %d outside [0, %d]", de.Offset, len(tc.data))
				}
				if de.Encoding != tc.wantForeign {
					t.Errorf("error %q: encoding %q, want %q", err, de.Encoding, tc.wantForeign)
				}
				if tc.wantForeign != "" && (de.Offset != bytes.IndexFunc(tc.data, func(r rune) bool { return r >= utf8.RuneSelf }) ||
					!strings.Contains(err.Error(), tc.wantForeign)) {
					t.Errorf("error %q: want the encoding named and the offset of the first byte outside ASCII", err)
				}
				t.Logf("error: %v", err)
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if enc != tc.wantEnc {
				t.Errorf("encoding: got %q, want %q", enc, tc.wantEnc)
			}
			if text != tc.wantText {
				t.Errorf("text differs at rune %d:\ngot  %q\nwant %q", firstRuneDiff(text, tc.wantText), shortForLog(text), shortForLog(tc.wantText))
			}
		})
	}
}

func TestDecodeErrorOffset(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"nul byte", []byte("abc\x00def"), 3},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 8},
		{"utf16 nul", testkit.MustEncode(t, utf16LEBOM, "标注\x00"), 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Decode("x.txt", tc.data)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DecodeError", err)
			}
			if de.Offset != tc.want {
				t.Errorf("offset: got %d, want %d", de.Offset, tc.want)
			}
			if got, want := err.Error(), "annotate: x.txt: not a text file: "; !strings.HasPrefix(got, want) {
				t.Errorf("message %q does not start with %q", got, want)
			}
		})
	}
}

// TestDecodeAccuracy encodes each UD test sentence and checks that Decode
// finds the original again: traditional sentences as Big5 and GB18030,
// simplified ones as GB18030.
func TestDecodeAccuracy(t *testing.T) {
	trad, ok1 := udTextLines(t, decodeUDTrad)
	simp, ok2 := udTextLines(t, decodeUDSimp)
	if !ok1 || !ok2 {
		t.Skipf("UD GSD test files not found under %s", testkit.SharedDir)
	}
	type set struct {
		name  string
		sents []string
		enc   encoding.Encoding
		want  string
	}
	sets := []set{
		{"traditional as Big5", trad, traditionalchinese.Big5, "Big5"},
		{"traditional as GB18030", trad, simplifiedchinese.GB18030, "GB18030"},
		{"simplified as GB18030", simp, simplifiedchinese.GB18030, "GB18030"},
	}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			var long, longOK, shortN, shortOK, skipped int
			for _, sent := range s.sents {
				if s.want == "Big5" && !big5Encodable(sent) {
					skipped++
					continue
				}
				roundTrip := func(sent string) bool {
					text, enc, err := Decode("ud.txt", testkit.MustEncode(t, s.enc, sent))
					return err == nil && text == sent && enc == s.want
				}
				if utf8.RuneCountInString(sent) > 10 {
					long++
					if roundTrip(sent) {
						longOK++
					} else {
						t.Logf("miss: %q", sent)
					}
				}
				// Short strings are genuinely ambiguous: try the first
				// five characters too, for the record.
				if r := []rune(sent); len(r) > 5 {
					shortN++
					if roundTrip(string(r[:5])) {
						shortOK++
					}
				}
			}
			pct := 100 * float64(longOK) / float64(long)
			t.Logf("%s: %d/%d sentences over 10 characters right (%.1f%%); %d/%d five-character prefixes; %d not encodable, skipped",
				s.name, longOK, long, pct, shortOK, shortN, skipped)
			if pct < 98 {
				t.Errorf("accuracy %.1f%% < 98%%", pct)
			}
		})
	}
}

// TestDecodeLarge decodes 50 MB single-line files (5 MB under the race
// detector, which is ten times slower) and logs the speed; BenchmarkDecode
// holds the speed figure, as timed assertions flake on shared machines.
func TestDecodeLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB inputs; skipped with -short")
	}
	seed, ok := testkit.ReadShared(t, testkit.SeedPath)
	if !ok {
		t.Skipf("seed article %s not found", testkit.SeedPath)
	}
	line := strings.ReplaceAll(string(seed), "\n", " ")
	gb := testkit.MustEncode(t, simplifiedchinese.GB18030, line)
	tests := []struct {
		name string
		unit []byte
		enc  string
	}{
		{"utf8", []byte(line), "UTF-8"},
		{"gb18030", gb, "GB18030"},
	}
	size := 50 << 20
	if raceEnabled {
		size = 5 << 20
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := bytes.Repeat(tc.unit, size/len(tc.unit)+1)
			start := time.Now()
			text, enc, err := Decode("big.txt", data)
			d := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tc.enc {
				t.Errorf("encoding: got %q, want %q", enc, tc.enc)
			}
			if want := len(line) * (size/len(tc.unit) + 1); len(text) != want {
				t.Errorf("text length: got %d, want %d", len(text), want)
			}
			t.Logf("%s: %.1f MB in %v (%.0f MB/s)", tc.name,
				float64(len(data))/1e6, d.Round(time.Millisecond), float64(len(data))/1e6/d.Seconds())
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, tc := range decodeCases(f) {
		if len(tc.data) <= 8<<10 {
			f.Add(tc.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		text, enc, err := Decode("fuzz.txt", data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			if de.Offset < 0 || de.Offset > len(data) {
				t.Fatalf("offset %d outside [0, %d]", de.Offset, len(data))
			}
			return
		}
		if !utf8.ValidString(text) {
			t.Errorf("text is not valid UTF-8: %q", text)
		}
		if strings.ContainsRune(text, '\r') {
			t.Errorf("text contains \\r: %q", text)
		}
		switch enc {
		case "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "GB18030", "Big5":
		default:
			t.Errorf("unknown encoding %q", enc)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	seed, ok := testkit.ReadShared(b, testkit.SeedPath)
	if !ok {
		b.Skipf("seed article %s not found", testkit.SeedPath)
	}
	gb := testkit.MustEncode(b, simplifiedchinese.GB18030, string(seed))
	data := bytes.Repeat(gb, 1<<20/len(gb)+1)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, enc, err := Decode("bench.txt", data); err != nil || enc != "GB18030" {
			b.Fatalf("Decode: %q, %v", enc, err)
		}
	}
}

func firstRuneDiff(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	for i := range min(len(ra), len(rb)) {
		if ra[i] != rb[i] {
			return i
		}
	}
	return min(len(ra), len(rb))
}

func shortForLog(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
