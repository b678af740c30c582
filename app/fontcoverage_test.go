package app

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
)

var flagUpdateGoldChars = flag.Bool("update-goldchars", false,
	"TestFontCoverage: rewrite "+goldCharsFile+" from the gold files in "+goldDir)

const (
	// goldDir holds the shared gold files (UD GSD, doccano), beside the
	// repository; a clone of the repository alone does not have it.
	goldDir = "../../shared/gold"
	// goldCharsFile is the set of characters of the gold files, kept in
	// the repository so that TestFontCoverage checks them without goldDir.
	goldCharsFile = "testdata/goldchars.txt"
	// corpusCharsFile lists characters of corpus text outside fontBlocks
	// (⋯ ─ ○ × ㈠ ㎡ ㄅ …); lines that start with # are comments.
	corpusCharsFile = "testdata/corpuschars.txt"
)

// appTextFiles are the files of the app's own text: its Go source (string
// literals, and comments, which only add characters) and its translations.
var appTextFiles = []string{"*.go", "../assets/translations/*.json", "../assets/hant/*.json"}

// fontBlocks are the Unicode blocks whose every graphic character the app
// must draw: Chinese text, its punctuation and the symbols of real
// corpora (〈〉 ①②③ 〇 ⋯ ── …).
var fontBlocks = []struct {
	name   string
	lo, hi rune
}{
	{"General Punctuation", 0x2000, 0x206F},
	{"Enclosed Alphanumerics", 0x2460, 0x24FF},
	{"CJK Symbols and Punctuation", 0x3000, 0x303F},
	{"CJK Unified Ideographs", 0x4E00, 0x9FFF},
	{"Halfwidth and Fullwidth Forms", 0xFF00, 0xFFEF},
}

// drawnStyles are the text styles the app draws with (Symbol is Fyne's
// icon font, not text).
var drawnStyles = []struct {
	name  string
	style fyne.TextStyle
}{
	{"regular", fyne.TextStyle{}},
	{"bold", fyne.TextStyle{Bold: true}},
	{"italic", fyne.TextStyle{Italic: true}},
	{"bold italic", fyne.TextStyle{Bold: true, Italic: true}},
	{"monospace", fyne.TextStyle{Monospace: true}},
}

// fyneFaces returns the faces Fyne 2.7 draws style with, in the order it
// tries them (lookupFaces in fyne.io/fyne/v2/internal/painter/font.go):
// the theme's font, Fyne's own font of that style, its emoji font. Fonts
// of the system come after these, but a user's machine need not have any,
// so they are not counted.
func fyneFaces(t *testing.T, th fyne.Theme, style fyne.TextStyle) []*font.Face {
	t.Helper()
	fallback := theme.DefaultTextFont()
	switch {
	case style.Monospace:
		fallback = theme.DefaultTextMonospaceFont()
	case style.Bold && style.Italic:
		fallback = theme.DefaultTextBoldItalicFont()
	case style.Bold:
		fallback = theme.DefaultTextBoldFont()
	case style.Italic:
		fallback = theme.DefaultTextItalicFont()
	}
	var faces []*font.Face
	for _, res := range []fyne.Resource{th.Font(style), fallback, theme.DefaultEmojiFont()} {
		if res == nil {
			continue
		}
		f, err := font.ParseTTF(bytes.NewReader(res.Content()))
		if err != nil {
			t.Fatalf("font %s: %v", res.Name(), err)
		}
		faces = append(faces, f)
	}
	return faces
}

// holes returns the characters of rs that faces cannot draw: no face maps
// them (Fyne draws "�"), or the face that maps them has an empty outline
// for a character that shows ink (Fyne draws nothing).
func holes(faces []*font.Face, rs []rune) (missing, blank []rune) {
	for _, r := range rs {
		found := false
		for _, f := range faces {
			gid, ok := f.NominalGlyph(r)
			if !ok {
				continue
			}
			found = true
			if o, isOutline := f.GlyphData(gid).(font.GlyphOutline); isOutline && len(o.Segments) == 0 && !blankByDesign(r) {
				blank = append(blank, r)
			}
			break
		}
		if !found {
			missing = append(missing, r)
		}
	}
	return missing, blank
}

// blankByDesign reports whether r is drawn as nothing by design: a space,
// or a default-ignorable filler such as U+FFA0 HALFWIDTH HANGUL FILLER.
func blankByDesign(r rune) bool {
	return unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// drawable reports whether r is an assigned graphic character (letter,
// mark, number, punctuation, symbol or space), not a control, format
// character, line or paragraph separator, or unassigned code point.
func drawable(r rune) bool { return unicode.IsGraphic(r) }

// runeRanges writes rs (sorted) as ranges: "U+3008 〈, U+9FA6–U+9FFF 鿦…鿿 (90)".
func runeRanges(rs []rune) string {
	var parts []string
	for i := 0; i < len(rs); {
		j := i
		for j+1 < len(rs) && rs[j+1] == rs[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprintf("U+%04X %c", rs[i], rs[i]))
		} else {
			parts = append(parts, fmt.Sprintf("U+%04X–U+%04X %c…%c (%d)", rs[i], rs[j], rs[i], rs[j], j-i+1))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// goldChars returns the drawable characters of the gold files, sorted:
// read from goldDir when it is there (and checked against, or with
// -update-goldchars written to, goldCharsFile), else from goldCharsFile.
func goldChars(t *testing.T) []rune {
	t.Helper()
	kept, err := os.ReadFile(goldCharsFile)
	if err != nil && !*flagUpdateGoldChars {
		t.Fatal(err)
	}
	if _, err := os.Stat(goldDir); err != nil {
		if *flagUpdateGoldChars {
			t.Fatalf("-update-goldchars: %v", err)
		}
		t.Logf("%s is absent: the gold characters are those of %s", goldDir, goldCharsFile)
		return sortedChars(string(kept))
	}
	seen := map[rune]bool{}
	err = filepath.WalkDir(goldDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !utf8.Valid(b) {
			return fmt.Errorf("%s: not UTF-8", path)
		}
		for _, r := range string(b) {
			seen[r] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var all []rune
	for r := range seen {
		if drawable(r) && r != ' ' {
			all = append(all, r)
		}
	}
	slices.Sort(all)
	// 64 characters a line, so that a change reads as a small diff.
	var sb strings.Builder
	for i, r := range all {
		sb.WriteRune(r)
		if i%64 == 63 || i == len(all)-1 {
			sb.WriteByte('\n')
		}
	}
	if *flagUpdateGoldChars {
		if err := os.WriteFile(goldCharsFile, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if sb.String() != string(kept) {
		t.Errorf("%s is not the set of characters of %s: run go test -run TestFontCoverage -update-goldchars ./app", goldCharsFile, goldDir)
	}
	return all
}

// fileChars returns the drawable characters of the files that match
// patterns (test files excepted), sorted, without repeats; lines that start
// with # are skipped.
func fileChars(t *testing.T, patterns ...string) []rune {
	t.Helper()
	var sb strings.Builder
	n := 0
	for _, pat := range patterns {
		paths, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for line := range strings.Lines(string(b)) {
				if !strings.HasPrefix(line, "#") {
					sb.WriteString(line)
				}
			}
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no file matches %q", patterns)
	}
	return sortedChars(sb.String())
}

// sortedChars returns the drawable characters of s, sorted, without
// repeats.
func sortedChars(s string) []rune {
	var rs []rune
	for _, r := range s {
		if drawable(r) && r != ' ' {
			rs = append(rs, r)
		}
	}
	slices.Sort(rs)
	return slices.Compact(rs)
}

// TestFontCoverage reads the character maps of the fonts the app draws
// text with (the bundled font, then Fyne's fallback faces) and lists, per
// text style, every character that none of them has a glyph for: of the
// blocks in fontBlocks, of the gold files, of corpusCharsFile and of the
// app's own text. A new character in the app's text that fails here is
// added to the bundled font by make font.
func TestFontCoverage(t *testing.T) {
	sets := []struct {
		name  string
		chars []rune
	}{
		{"gold files", goldChars(t)},
		{"corpus characters", fileChars(t, corpusCharsFile)},
		{"app text", fileChars(t, appTextFiles...)},
	}
	for _, b := range fontBlocks {
		var rs []rune
		for r := b.lo; r <= b.hi; r++ {
			if drawable(r) {
				rs = append(rs, r)
			}
		}
		sets = append(sets, struct {
			name  string
			chars []rune
		}{b.name, rs})
	}
	th := newTheme()
	for _, st := range drawnStyles {
		faces := fyneFaces(t, th, st.style)
		for _, set := range sets {
			t.Run(st.name+"/"+set.name, func(t *testing.T) {
				missing, blank := holes(faces, set.chars)
				if len(missing) > 0 {
					t.Errorf("%d of %d characters have no glyph (drawn as �): %s", len(missing), len(set.chars), runeRanges(missing))
				}
				if len(blank) > 0 {
					t.Errorf("%d of %d characters have an empty glyph (drawn as nothing): %s", len(blank), len(set.chars), runeRanges(blank))
				}
			})
		}
	}
}
