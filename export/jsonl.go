package export

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// jsonlSentence is one line of WriteSentencesJSONL, which writes it by
// hand as encoding/json would (TestWriteSentencesJSONLMatchesJSON holds it
// to that).
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
	return WriteSentencesJSONLSeq(w, docName, text, sents, slices.Values(toks))
}

// WriteSentencesJSONLSeq is WriteSentencesJSONL with the tokens as a
// sequence, which it reads twice (checkSentenceTokens, then the writing),
// holding one sentence's tokens at a time (see WriteCoNLLUSeq). Lines are
// written as encoding/json writes jsonlSentence with HTML escaping off.
func WriteSentencesJSONLSeq(w io.Writer, docName, text string, sents []text.Sentence, toks iter.Seq[text.Token]) error {
	if err := checkSentenceTokens(docName, text, sents, toks); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	head := appendJSONString(append([]byte(nil), `{"doc":`...), docName)
	head = append(head, `,"sent":`...)
	var b []byte
	var err error
	bySentence(text, sents, toks, func(i int, sent string, g []sentenceToken) bool {
		s := sents[i]
		b = append(b[:0], head...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `,"text":`...)
		b = appendJSONString(b, sent)
		b = append(b, `,"start":`...)
		b = strconv.AppendInt(b, int64(s.Start), 10)
		b = append(b, `,"end":`...)
		b = strconv.AppendInt(b, int64(s.End), 10)
		b = append(b, `,"tokens":[`...)
		for j, t := range g {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"start":`...)
			b = strconv.AppendInt(b, int64(t.Start), 10)
			b = append(b, `,"end":`...)
			b = strconv.AppendInt(b, int64(t.End), 10)
			b = append(b, `,"text":`...)
			b = appendJSONString(b, t.Text)
			b = append(b, `,"pos":`...)
			b = appendJSONString(b, t.POS)
			b = append(b, '}')
		}
		b = append(b, "]}\n"...)
		_, err = bw.Write(b)
		return err == nil
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("export: write %s: %w", docName, err)
	}
	return nil
}
