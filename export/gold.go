package export

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// ReadGold reads a gold corpus of word segmentation, for the project's
// segmenter to learn (annotate's AddGoldCorpus): a CoNLL-U file when its
// name ends in .conllu, else a text with the words of each sentence
// separated by whitespace (spaces, tabs, ideographic spaces), one sentence
// a line, as the SIGHAN bakeoff's gold files are, in any encoding the
// pipeline reads (text.Decode). A CoNLL-U sentence's text is its "# text"
// comment, which must be its surface FORMs (a multiword token is one
// word) joined as SpaceAfter says; a text line's is its words joined
// without the whitespace, as the bakeoff's test files are the gold files
// without it. Lines without words are skipped. Errors name the file (and
// line) and are *ParseError for CoNLL-U; a file without a sentence is an
// error. The sentences are checked as annotate.CheckGold does.
func ReadGold(path string) ([]annotate.GoldSentence, error) {
	var (
		sents []annotate.GoldSentence
		err   error
	)
	if strings.EqualFold(filepath.Ext(path), ".conllu") {
		sents, err = readGoldCoNLLU(path)
	} else {
		sents, err = readGoldText(path)
	}
	if err != nil {
		return nil, err
	}
	if len(sents) == 0 {
		return nil, fmt.Errorf("export: %s: no sentence with words", path)
	}
	if err := annotate.CheckGold(path, sents); err != nil {
		return nil, err
	}
	return sents, nil
}

func readGoldCoNLLU(path string) ([]annotate.GoldSentence, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	var out []annotate.GoldSentence
	err = eachCoNLLU(path, f, func(pe *ParseError) error { return pe }, func(s CoNLLUSentence) error {
		surf := surfaceTokens(s)
		if len(surf) == 0 {
			return nil
		}
		var sb strings.Builder
		toks := make([]text.Token, 0, len(surf))
		n := 0
		for i, u := range surf {
			k := utf8.RuneCountInString(u.form)
			toks = append(toks, text.Token{Start: n, End: n + k})
			sb.WriteString(u.form)
			n += k
			if i+1 < len(surf) && !noSpaceAfter(u.misc) {
				sb.WriteByte(' ')
				n++
			}
		}
		if s.Text != "" && s.Text != sb.String() {
			return &ParseError{File: path, Line: s.Line, Err: fmt.Errorf("sentence %q: # text %q is not its FORMs joined as SpaceAfter says (%q)", s.ID, s.Text, sb.String())}
		}
		out = append(out, annotate.GoldSentence{Text: sb.String(), Tokens: toks})
		return nil
	})
	return out, err
}

func readGoldText(path string) ([]annotate.GoldSentence, error) {
	data, err := text.ReadText(path)
	if err != nil {
		return nil, err
	}
	s, _, err := text.Decode(path, data)
	if err != nil {
		return nil, err
	}
	var out []annotate.GoldSentence
	// Lines end at LF, CRLF or a lone CR.
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		words := strings.FieldsFunc(line, unicode.IsSpace)
		if len(words) == 0 {
			continue
		}
		toks := make([]text.Token, len(words))
		n := 0
		for i, w := range words {
			k := utf8.RuneCountInString(w)
			toks[i] = text.Token{Start: n, End: n + k}
			n += k
		}
		out = append(out, annotate.GoldSentence{Text: strings.Join(words, ""), Tokens: toks})
	}
	return out, nil
}
