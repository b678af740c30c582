package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// jsonlSentence is one line of WriteSentencesJSONL.
type jsonlSentence struct {
	Doc    string       `json:"doc"`
	Sent   int          `json:"sent"`
	Text   string       `json:"text"`
	Start  int          `json:"start"`
	End    int          `json:"end"`
	Tokens []jsonlToken `json:"tokens"`
}

// jsonlToken is a token of a jsonlSentence; its own type so that the
// format stays put whatever text.Token's JSON becomes.
type jsonlToken struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	POS   string `json:"pos"`
}

// WriteSentencesJSONL writes one JSON object per sentence, one per line:
//
//	{"doc":NAME,"sent":N,"text":SENTENCE_TEXT,"start":S,"end":E,
//	 "tokens":[{"start":..,"end":..,"text":..,"pos":..}]}
//
// N counts sents from 1 (as WriteCoNLLU's sent_id does); text is the
// sentence's text as it stands in the document; start, end and every
// token's offsets are code points into the document text (not the
// sentence), end-exclusive. A token belongs to the sentence it starts in,
// and its text is sliced from the document. A sentence without tokens is
// written with "tokens":[].
func WriteSentencesJSONL(w io.Writer, docName, text string, sents []text.Sentence, toks []text.Token) error {
	runes := []rune(text)
	groups, err := tokensBySentence(docName, len(runes), sents, toks)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, s := range sents {
		line := jsonlSentence{
			Doc:    docName,
			Sent:   i + 1,
			Text:   string(runes[s.Start:s.End]),
			Start:  s.Start,
			End:    s.End,
			Tokens: make([]jsonlToken, len(groups[i])),
		}
		for j, t := range groups[i] {
			line.Tokens[j] = jsonlToken{Start: t.Start, End: t.End, Text: string(runes[t.Start:t.End]), POS: t.POS}
		}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("export: write %s: %w", docName, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write %s: %w", docName, err)
	}
	return nil
}
