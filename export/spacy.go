package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// The Prodigy format (Prodigy's ner_manual task; "spacy" is its old name,
// kept as an alias: spacy train reads spacy-docbin, not this), one record
// per line:
//
//	{"text":"焦作市 😀","tokens":[{"text":"焦作市","start":0,"end":3,"id":0,"ws":true,"tag":"ns"},
//	  {"text":"😀","start":4,"end":5,"id":1,"ws":false}],
//	 "spans":[{"start":0,"end":3,"label":"LOC","token_start":0,"token_end":0,"layer":"entities"}],
//	 "meta":{"doc_id":1,"doc_name":"a.txt"}}
//
// start and end are code points relative to the record, end-exclusive
// (doc.text[start:end] in Python); token_start and token_end are token
// indices, both inclusive, as Prodigy has them. ws says one space follows
// the token. As spaCy's tokenizer does, white space between tokens other
// than that one space becomes a token of its own, so that the tokens'
// texts, each followed by a space when ws is set, give the text back
// exactly. tag is the token's POS (spaCy's fine-grained tag_; left out
// when empty); layer and note are Biaozhu's, on each span. A document
// without tokens is written with one token per character (warned). A span
// whose start or end falls inside a token cannot be given token_start
// and token_end (spaCy's char_span gives None): it is left out with a
// warning, as Prodigy requires spans to align with tokens.
//
// The reader takes the tokens back as the token layer (white-space tokens
// dropped, tag as POS), so the document is not segmented again.

func init() {
	Register(&Format{Name: "prodigy", Aliases: []string{"spacy"}, Ext: ".jsonl", Write: writeSpacy,
		Description: `Prodigy JSONL (ner_manual tasks, which spacy-docbin turns into spaCy's own training file): {"text","tokens":[{"text","start","end","id","ws"}],"spans":[{"start","end","label","token_start","token_end"}]}`})
	RegisterReader(&Reader{Name: "prodigy", Aliases: []string{"spacy"}, Each: eachSpacy,
		Description: `Prodigy JSONL: {"text","tokens","spans"}; the tokens become the token layer`})
}

type spacyToken struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	ID    int    `json:"id"`
	WS    bool   `json:"ws"`
	Tag   string `json:"tag,omitempty"`
}

type spacySpan struct {
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Label      string `json:"label"`
	TokenStart int    `json:"token_start"`
	TokenEnd   int    `json:"token_end"`
	Layer      string `json:"layer,omitempty"`
	Note       string `json:"note,omitempty"`
}

type spacyRecord struct {
	Text   string       `json:"text"`
	Tokens []spacyToken `json:"tokens"`
	Spans  []spacySpan  `json:"spans"`
	Meta   recordMeta   `json:"meta"`
}

func writeSpacy(j *Job, w io.Writer) error {
	out := newJSONLines(w)
	err := j.Each(func(d *Doc) error {
		recs := j.Records(d)
		if len(d.Tokens) == 0 && len(d.Runes) > 0 {
			j.Warn(d, 0, "the document has no tokens: spacy tokens are its characters")
		}
		for _, rec := range recs {
			line := spacyRecord{Text: rec.Text(), Tokens: spacyTokens(rec, LevelWord), Spans: []spacySpan{}, Meta: recordMetaOf(rec)}
			starts := make(map[int]int, len(line.Tokens))
			ends := make(map[int]int, len(line.Tokens))
			for i, t := range line.Tokens {
				starts[t.Start], ends[t.End] = i, i
			}
			for _, sp := range rec.Spans {
				s, e := sp.Start-rec.Start, sp.End-rec.Start
				ts, okS := starts[s]
				te, okE := ends[e]
				if !okS || !okE {
					j.Warn(d, sp.ID, "%s [%d,%d) %q starts or ends inside a token: left out of spacy spans, which must align with tokens",
						sp.Label, sp.Start, sp.End, d.Text(sp.Start, sp.End))
					continue
				}
				got, _ := sliceUnits(d.Runes[rec.Start:rec.End], s, e, UnitCodePoint)
				if err := j.Check(d, sp, rec.Start, s, e, UnitCodePoint, false, got); err != nil {
					return err
				}
				line.Spans = append(line.Spans, spacySpan{Start: s, End: e, Label: sp.Label, TokenStart: ts, TokenEnd: te, Layer: sp.Layer, Note: sp.Note})
			}
			if err := out.put(line); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return out.flush()
}

// spacyTokens gives the record's units at level (see Units: its tokens,
// or its characters; its characters too when the document has no tokens)
// with what lies between them as spaCy's tokenizer has it: one space after
// a token is its ws; any other gap is a token of its own. Offsets are
// relative to the record.
func spacyTokens(rec Record, level Level) []spacyToken {
	d := rec.Doc
	if len(d.Tokens) == 0 {
		level = LevelChar
	}
	toks := Units(rec, level)
	out := make([]spacyToken, 0, len(toks)+1)
	pos := rec.Start
	add := func(start, end int, tag string) {
		out = append(out, spacyToken{Text: d.Text(start, end), Start: start - rec.Start, End: end - rec.Start, ID: len(out), Tag: tag})
	}
	gap := func(end int) {
		if pos < end && len(out) > 0 && d.Runes[pos] == ' ' {
			out[len(out)-1].WS = true
			pos++
		}
		if pos < end {
			add(pos, end, "")
		}
	}
	for _, t := range toks {
		if t.Start < pos || t.End > rec.End || t.Start >= t.End {
			continue // overlapping or out of the record: cannot be a spaCy token
		}
		gap(t.Start)
		add(t.Start, t.End, t.POS)
		pos = t.End
	}
	gap(rec.End)
	return out
}

type spacyIn struct {
	Text   *string `json:"text"`
	Tokens []struct {
		Text  *string `json:"text"`
		Start *int    `json:"start"`
		End   *int    `json:"end"`
		Tag   string  `json:"tag"`
	} `json:"tokens"`
	Spans []struct {
		Start      *int   `json:"start"`
		End        *int   `json:"end"`
		Label      string `json:"label"`
		TokenStart *int   `json:"token_start"`
		TokenEnd   *int   `json:"token_end"`
		Layer      string `json:"layer"`
		Note       string `json:"note"`
	} `json:"spans"`
	Meta json.RawMessage `json:"meta"`
}

func eachSpacy(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	schema := readerSchema(opts)
	return eachJSON(path, func(line int, raw []byte) error {
		d, meta, err := spacyDoc(raw, schema)
		if err != nil {
			return im.Bad(opts, &RecordError{File: path, Line: line, Err: err})
		}
		return im.addRecord(opts, path, line, d, &meta, emit)
	})
}

func spacyDoc(raw []byte, schema *annotate.Schema) (*annotate.Document, readMeta, error) {
	var in spacyIn
	var meta readMeta
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, meta, jsonError(err)
	}
	if in.Text == nil {
		return nil, meta, errors.New(`the record has no "text" field`)
	}
	if len(in.Meta) > 0 && in.Meta[0] == '{' {
		json.Unmarshal(in.Meta, &meta)
	}
	runes := []rune(*in.Text)
	d := &annotate.Document{Text: *in.Text}
	off := newUnitOffsets(runes, UnitCodePoint)
	// Token index → code points, for spans given by tokens only.
	tokStart := make([]int, len(in.Tokens))
	tokEnd := make([]int, len(in.Tokens))
	pos := 0
	for i, t := range in.Tokens {
		if t.Start == nil || t.End == nil {
			return nil, meta, fmt.Errorf(`token %d has no "start" or "end"`, i)
		}
		s, e, err := off.span(*t.Start, *t.End, false)
		if err != nil {
			return nil, meta, fmt.Errorf("token %d: %w", i, err)
		}
		if s < pos {
			return nil, meta, fmt.Errorf("token %d [%d,%d) overlaps the token before it", i, s, e)
		}
		pos = e
		tokStart[i], tokEnd[i] = s, e
		word := string(runes[s:e])
		if t.Text != nil && *t.Text != word {
			return nil, meta, fmt.Errorf("token %d %q: the text at [%d,%d) is %q", i, *t.Text, s, e, word)
		}
		if strings.TrimFunc(word, unicode.IsSpace) == "" {
			continue // spaCy's white-space tokens: Biaozhu's tokens never hold white space
		}
		d.Tokens = append(d.Tokens, text.Token{Start: s, End: e, Text: word, POS: t.Tag})
	}
	if len(in.Tokens) > 0 {
		d.Sentences = spacySentences(d.Text, d.Tokens)
		if d.Tokens == nil {
			d.Tokens = []text.Token{}
		}
	}
	for i, sp := range in.Spans {
		if sp.Label == "" {
			return nil, meta, fmt.Errorf("span %d has no label", i)
		}
		var s, e int
		switch {
		case sp.Start != nil && sp.End != nil:
			var err error
			if s, e, err = off.span(*sp.Start, *sp.End, false); err != nil {
				return nil, meta, fmt.Errorf("span %d %s: %w", i, sp.Label, err)
			}
		case sp.TokenStart != nil && sp.TokenEnd != nil:
			ts, te := *sp.TokenStart, *sp.TokenEnd
			if ts < 0 || te >= len(in.Tokens) || ts > te {
				return nil, meta, fmt.Errorf("span %d %s: tokens %d to %d are not tokens of the record (%d tokens)", i, sp.Label, ts, te, len(in.Tokens))
			}
			s, e = tokStart[ts], tokEnd[te]
		default:
			return nil, meta, fmt.Errorf(`span %d %s has neither "start" and "end" nor "token_start" and "token_end"`, i, sp.Label)
		}
		// The layer the file names is kept: the importer adds it to the
		// schema (allowing overlaps) when the project lacks it.
		span := annotate.Span{Label: sp.Label, Start: s, End: e, Note: sp.Note, Layer: sp.Layer}
		d.Spans = append(d.Spans, span)
	}
	return d, meta, nil
}

// spacySentences splits text into sentences as the importer would, unless
// a token crosses a sentence boundary: then the whole text is one
// sentence, so that every token lies in one.
func spacySentences(s string, toks []text.Token) []text.Sentence {
	sents := text.Sentences(s)
	k := 0
	for _, t := range toks {
		for k < len(sents) && sents[k].End <= t.Start {
			k++
		}
		if k == len(sents) || t.Start < sents[k].Start || t.End > sents[k].End {
			return []text.Sentence{{Start: 0, End: len([]rune(s))}}
		}
	}
	return sents
}
