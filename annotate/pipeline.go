package annotate

import (
	"context"
	"path/filepath"
	"runtime"
	"sync"
	"time"
	"unicode/utf8"
)

// Document is one text of a project: the raw (decoded) text, the clean text
// with its map back to raw, what cleaning found, the sentences, the token
// layer and the span layers, with its status and document-level labels. All
// offsets are code points into Text. Process fills the pipeline's part; a
// Project fills the rest (ID, Source, Hash, times) when it stores it.
type Document struct {
	ID        int64      `json:"id,omitempty"`
	Name      string     `json:"name"`
	Source    string     `json:"source,omitempty"` // the file it was imported from
	Hash      string     `json:"hash,omitempty"`   // SHA-256 of the file's bytes, hex
	Raw       string     `json:"-"`
	Text      string     `json:"text"`
	RawMap    OffsetMap  `json:"raw_map"`
	Report    Report     `json:"report"`
	Sentences []Sentence `json:"sentences"`
	Tokens    []Token    `json:"tokens"`
	Spans     []Span     `json:"spans,omitempty"` // sorted by Start, then End, then ID
	// TokensFrom says where the tokens came from: "" for the segmenter,
	// TokensImported for an annotated file that carried its own (gold)
	// tokens, which re-segmentation leaves as they are.
	TokensFrom string `json:"tokens_from,omitempty"`
	// Rejected holds the places where the annotator rejected a suggestion
	// (layer, label, start, end; sorted like Spans): the same suggestion is
	// not made there again.
	Rejected []Span    `json:"rejected,omitempty"`
	Status   Status    `json:"status,omitempty"`
	Labels   []string  `json:"labels,omitempty"` // document-level labels
	Created  time.Time `json:"created,omitzero"`
	Updated  time.Time `json:"updated,omitzero"`

	index textIndex // code point → byte offset checkpoints of Text
	owner any       // a Project's state of the document, kept alive by it
}

// maxSegmentRun bounds the text handed to the segmenter at once: a
// sentence longer than this (a 100,000-character line without punctuation)
// is segmented in pieces cut at whitespace or punctuation where there is
// one, so memory stays linear.
const maxSegmentRun = 4096

// Process runs the whole pipeline over the bytes of one file: Decode,
// Clean (with seg as the Lexicon unless opts has one), Sentences, and
// seg.Segment for each sentence. name (the file's path) is used in errors;
// its last element is the Document's name. With a nil seg, the document
// has no tokens.
func Process(name string, data []byte, seg *Segmenter, opts CleanOptions) (*Document, error) {
	return ProcessContext(context.Background(), name, data, seg, opts)
}

// ProcessContext is Process, stopping with ctx's error soon after ctx is
// done (a fraction of a second into cleaning or segmenting a file of any
// size: see CleanContext and SegmentSentencesContext).
func ProcessContext(ctx context.Context, name string, data []byte, seg *Segmenter, opts CleanOptions) (*Document, error) {
	raw, enc, err := Decode(name, data)
	if err != nil {
		return nil, err
	}
	if opts.Lexicon == nil && seg != nil {
		opts.Lexicon = seg
	}
	c, err := CleanContext(ctx, raw, opts)
	if err != nil {
		return nil, err
	}
	c.Report.Encoding = enc
	doc := &Document{Name: filepath.Base(name), Raw: raw, Text: c.Text, RawMap: c.RawMap, Report: c.Report, Status: StatusNew}
	var ok bool
	if doc.Sentences, ok = sentences(ctx.Done(), c.Text); !ok {
		return nil, ctx.Err()
	}
	if seg != nil {
		if doc.Tokens, err = SegmentSentencesContext(ctx, seg, c.Text, doc.Sentences); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// SegmentSentences segments the sentences of text and returns their
// tokens, with offsets into text. Consecutive sentences are handed to the
// segmenter together, up to maxSegmentRun characters at a time (one call
// per sentence costs gse a third more), and the pieces are segmented on all
// processors at once; a token that would still cross a sentence boundary is
// cut there.
func SegmentSentences(seg *Segmenter, text string, sents []Sentence) []Token {
	toks, _ := SegmentSentencesContext(context.Background(), seg, text, sents)
	return toks
}

// SegmentSentencesContext is SegmentSentences, stopping with ctx's error
// once ctx is done, between pieces (a few milliseconds each).
func SegmentSentencesContext(ctx context.Context, seg *Segmenter, text string, sents []Sentence) ([]Token, error) {
	type piece struct {
		start int    // code point offset of text in the document
		text  string // a slice of the document
		toks  []Token
	}
	var pieces []*piece
	w := runeWalker{s: text}
	for i := 0; i < len(sents); {
		start, j := sents[i].Start, i+1
		for j < len(sents) && sents[j].End-start <= maxSegmentRun {
			j++
		}
		if end := sents[j-1].End; end-start <= maxSegmentRun {
			pieces = append(pieces, &piece{start: start, text: text[w.seek(start):w.seek(end)]})
		} else {
			// One sentence too long to hand over at once: cut it at
			// spaces or punctuation.
			rs := []rune(text[w.seek(start):w.seek(end)])
			for k := 0; k < len(rs); {
				e := pieceEnd(rs, k, len(rs))
				pieces = append(pieces, &piece{start: start + k, text: string(rs[k:e])})
				k = e
			}
		}
		i = j
	}
	work := make(chan *piece)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pieces)) {
		wg.Go(func() {
			for p := range work {
				p.toks = seg.Segment(p.text)
			}
		})
	}
	done := ctx.Done()
	for _, p := range pieces {
		if isDone(done) {
			break
		}
		work <- p
	}
	close(work)
	wg.Wait()
	if isDone(done) {
		return nil, ctx.Err()
	}
	n := 0
	for _, p := range pieces {
		n += len(p.toks)
	}
	toks := make([]Token, 0, n)
	for _, p := range pieces {
		for _, t := range p.toks {
			t.Start += p.start
			t.End += p.start
			toks = append(toks, t)
		}
	}
	return cutAtSentences(toks, sents, text), nil
}

// runeWalker turns increasing code point offsets of s into byte offsets.
type runeWalker struct {
	s          string
	cp, offset int // code point cp starts at byte offset
}

// seek returns the byte offset of code point cp, which must not be before
// the last one sought.
func (w *runeWalker) seek(cp int) int {
	for w.cp < cp && w.offset < len(w.s) {
		_, n := utf8.DecodeRuneInString(w.s[w.offset:])
		w.offset += n
		w.cp++
	}
	return w.offset
}

// cutAtSentences cuts any token that crosses a sentence boundary at the
// boundary, so that every token lies in one sentence.
func cutAtSentences(toks []Token, sents []Sentence, text string) []Token {
	crosses := func(t Token, k *int) bool {
		for *k < len(sents) && sents[*k].End <= t.Start {
			*k++
		}
		return *k < len(sents) && t.End > sents[*k].End
	}
	k, any := 0, false
	for _, t := range toks {
		if crosses(t, &k) {
			any = true
			break
		}
	}
	if !any {
		return toks
	}
	rs := []rune(text)
	out := make([]Token, 0, len(toks)+1)
	k = 0
	for _, t := range toks {
		for crosses(t, &k) {
			cut := sents[k].End
			out = append(out, Token{Start: t.Start, End: cut, Text: string(rs[t.Start:cut]), POS: t.POS})
			t.Start = cut
			for t.Start < t.End && isSpace(rs[t.Start]) {
				t.Start++
			}
			t.Text = string(rs[t.Start:t.End])
		}
		if t.Start < t.End {
			out = append(out, t)
		}
	}
	return out
}

// pieceEnd is where the piece of rs[start:end] handed to the segmenter
// ends: end itself when it is short enough, else the last space or
// punctuation mark within maxSegmentRun, else maxSegmentRun characters on.
func pieceEnd(rs []rune, start, end int) int {
	if end-start <= maxSegmentRun {
		return end
	}
	limit := start + maxSegmentRun
	for i := limit; i > start+maxSegmentRun/2; i-- {
		if isSpace(rs[i-1]) || isChinesePunct(rs[i-1]) {
			return i
		}
	}
	return limit
}
