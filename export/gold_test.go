package export

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// goldWords is a gold sentence written as its text and its words.
type goldWords struct {
	text  string
	words []string
}

// wordsOf is each sentence's text and the words its tokens cut from it.
func wordsOf(sents []annotate.GoldSentence) []goldWords {
	var out []goldWords
	for _, s := range sents {
		rs := []rune(s.Text)
		g := goldWords{text: s.Text}
		for _, t := range s.Tokens {
			g.words = append(g.words, string(rs[t.Start:t.End]))
		}
		out = append(out, g)
	}
	return out
}

func TestReadGold(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		data       string
		want       []goldWords
	}{
		{"text, SIGHAN style", "pku_test_gold.utf8", "共同  创造  美好  的  新  世纪  ——\n\n二○○一年  新年  贺词\n",
			[]goldWords{{"共同创造美好的新世纪——", []string{"共同", "创造", "美好", "的", "新", "世纪", "——"}}, {"二○○一年新年贺词", []string{"二○○一年", "新年", "贺词"}}}},
		{"text, tabs, ideographic spaces, CRLF and a lone CR", "g.txt", "「你  好」\t他　说\r\n  \r\n我們\r走 吧 ！",
			[]goldWords{{"「你好」他说", []string{"「你", "好」", "他", "说"}}, {"我們", []string{"我們"}}, {"走吧！", []string{"走", "吧", "！"}}}},
		{"text with a byte order mark", "bom.txt", "\ufeff一  二\n", []goldWords{{"一二", []string{"一", "二"}}}},
		{"CoNLL-U, SpaceAfter and a multiword token", "g.conllu", "# text = 我們 在北京。\n" +
			"1\t我們\t_\tPRON\t_\t_\t_\t_\t_\t_\n" +
			"2-3\t在北\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n" +
			"2\t在\t_\tADP\t_\t_\t_\t_\t_\t_\n" +
			"3\t北\t_\tPROPN\t_\t_\t_\t_\t_\t_\n" +
			"4\t京\t_\tPROPN\t_\t_\t_\t_\t_\tSpaceAfter=No\n" +
			"5\t。\t_\tPUNCT\t_\t_\t_\t_\t_\tSpaceAfter=No\n\n" +
			"1\t好\t_\tADJ\t_\t_\t_\t_\t_\tSpaceAfter=No\n\n",
			[]goldWords{{"我們 在北京。", []string{"我們", "在北", "京", "。"}}, {"好", []string{"好"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			sents, err := ReadGold(path)
			if err != nil {
				t.Fatalf("ReadGold() error = %v", err)
			}
			got := wordsOf(sents)
			if len(got) != len(tc.want) {
				t.Fatalf("ReadGold() = %q, want %q", got, tc.want)
			}
			for i := range got {
				if got[i].text != tc.want[i].text || strings.Join(got[i].words, "|") != strings.Join(tc.want[i].words, "|") {
					t.Errorf("sentence %d = %q %q, want %q %q", i+1, got[i].text, got[i].words, tc.want[i].text, tc.want[i].words)
				}
			}
		})
	}
}

func TestReadGoldErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, data string
		want             string // in the error, after the file's path
		line             int    // the *ParseError's line, 0 when not one
	}{
		{"no words", "empty.txt", " \n\u3000\r\n", ": no sentence with words", 0},
		{"CoNLL-U without a sentence", "empty.conllu", "# just a comment\n", ": no sentence with words", 0},
		{"CoNLL-U bad line", "bad.conllu", "# text = 北京\n1\t北京\n\n", ":2: ", 2},
		{"CoNLL-U text not its FORMs", "text.conllu", "# sent_id = s1\n# text = 北京大學\n1\t北京\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n\n", `:1: sentence "s1": # text "北京大學" is not its FORMs`, 1},
		{"a FORM with a space", "space.conllu", "1\t北 京\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n\n", `holds whitespace`, 0},
		{"not valid text", "bin.txt", "北京\x00\x01\x02\xff\xfe", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			sents, err := ReadGold(path)
			if err == nil {
				t.Fatalf("ReadGold() = %v, want an error", sents)
			}
			if !strings.Contains(err.Error(), path+tc.want) && !strings.Contains(err.Error(), tc.file) {
				t.Errorf("ReadGold() error = %v, want one naming %s", err, tc.file)
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadGold() error = %v, want %q in it", err, tc.want)
			}
			var pe *ParseError
			if tc.line > 0 && (!errors.As(err, &pe) || pe.Line != tc.line || pe.File != path) {
				t.Errorf("ReadGold() error = %#v, want a *ParseError of %s line %d", err, path, tc.line)
			}
		})
	}
	if _, err := ReadGold(filepath.Join(t.TempDir(), "missing.conllu")); err == nil || !strings.Contains(err.Error(), "missing.conllu") {
		t.Errorf("ReadGold(missing file) error = %v, want one naming it", err)
	}
}

// TestReadGoldUD: UD GSD's test file read as a gold corpus has its 500
// sentences, each token its FORM, and the text file of its words, one
// sentence a line, is the same corpus (same sentences and segmentation)
// but for the spaces between words (as "Secondary School"), which a text
// file cannot tell from word boundaries.
func TestReadGoldUD(t *testing.T) {
	path := filepath.Join(udGoldDir, "zh_gsd-ud-test.conllu")
	if _, err := os.Stat(path); os.IsNotExist(err) {
		t.Skipf("gold file %s not found: ../shared (the project's test data) is absent", path)
	}
	sents, err := ReadGold(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(sents) != 500 {
		t.Fatalf("ReadGold(%s) read %d sentences, want 500", path, len(sents))
	}
	var b strings.Builder
	for _, g := range wordsOf(sents) {
		if strings.Join(g.words, "") != strings.ReplaceAll(g.text, " ", "") {
			t.Fatalf("sentence %q: words %q do not spell it", g.text, g.words)
		}
		b.WriteString(strings.Join(g.words, "  ") + "\n")
	}
	txt := filepath.Join(t.TempDir(), "gsd-test.txt")
	if err := os.WriteFile(txt, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := ReadGold(txt)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(sents) {
		t.Fatalf("the text file has %d sentences, the CoNLL-U file %d", len(again), len(sents))
	}
	spaced := 0
	for i := range sents {
		if strings.Contains(sents[i].Text, " ") {
			spaced++
			if a, b := wordsOf(again[i : i+1])[0], wordsOf(sents[i : i+1])[0]; a.text != strings.ReplaceAll(b.text, " ", "") || strings.Join(a.words, "|") != strings.Join(b.words, "|") {
				t.Errorf("sentence %d: text file %q, CoNLL-U %q: want the same words", i+1, a, b)
			}
			continue
		}
		if again[i].Text != sents[i].Text || !tokensEqual(again[i].Tokens, sents[i].Tokens) {
			t.Fatalf("sentence %d: text file %+v, CoNLL-U %+v", i+1, again[i], sents[i])
		}
	}
	if spaced == 0 || spaced > 50 {
		t.Errorf("%d sentences with spaces, want a few: the test checks what it should not", spaced)
	}
}

func tokensEqual(a, b []text.Token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Start != b[i].Start || a[i].End != b[i].End {
			return false
		}
	}
	return true
}
