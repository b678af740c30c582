package annotate

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"
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
const maxSegmentRun = 4096 // segToken holds offsets into a piece in 16 bits

// ReadText reads the text file at path for the pipeline: a regular file
// only, refused before it is opened when it is a named pipe, a device
// (/dev/zero) or a directory, which would block or never end. Errors name
// the file.
func ReadText(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("annotate: %s: %w", path, unwrapPathErr(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("annotate: %s: not a regular file but %s", path, fileKind(fi.Mode()))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("annotate: %s: %w", path, unwrapPathErr(err))
	}
	return data, nil
}

// fileKind names the type of a file that is not regular.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

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
// cut there. Memory: while pieces are segmented their tokens are kept as
// 6-byte offsets, and the []Token is allocated once, at its size; no copy
// of text is made.
func SegmentSentences(seg *Segmenter, text string, sents []Sentence) []Token {
	toks, _ := SegmentSentencesContext(context.Background(), seg, text, sents)
	return toks
}

// SegmentSentencesContext is SegmentSentences, stopping with ctx's error
// once ctx is done, between pieces (a few milliseconds each).
func SegmentSentencesContext(ctx context.Context, seg *Segmenter, text string, sents []Sentence) ([]Token, error) {
	pieces := segmentPieces(text, sents)
	work := make(chan *segPiece)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pieces)) {
		wg.Go(func() {
			var names posNames
			var sc scratch
			var buf []Token
			for p := range work {
				p.names = &names
				buf = seg.segmentInto(buf[:0], &sc, p.text)
				p.toks = make([]segToken, len(buf))
				for k, t := range buf {
					p.toks[k] = segToken{start: uint16(t.Start), end: uint16(t.End), pos: names.index(t.POS)}
				}
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
	if n*int(unsafe.Sizeof(Token{})) >= bigTokenSlice {
		// Segmenting left garbage whose pages a slice this big cannot
		// reuse: give them back before taking new ones.
		debug.FreeOSMemory()
	}
	toks := make([]Token, 0, n)
	for _, p := range pieces {
		w := runeWalker{s: p.text}
		for _, t := range p.toks {
			s := w.seek(int(t.start))
			e := w.seek(int(t.end))
			toks = append(toks, Token{Start: p.start + int(t.start), End: p.start + int(t.end), Text: p.text[s:e], POS: p.names.list[t.pos]})
		}
		p.toks = nil
	}
	return cutAtSentences(toks, sents, text), nil
}

// bigTokenSlice is the size of a token slice above which SegmentSentences
// returns freed memory to the system before allocating it (a document of
// some 5 MB): the collection this forces costs far less than segmenting it.
const bigTokenSlice = 64 << 20

// segPiece is a piece of a document handed to the segmenter at once.
type segPiece struct {
	start int    // code point offset of text in the document
	text  string // a slice of the document
	toks  []segToken
	names *posNames // the POS tags toks index
}

// segToken is a token of a piece while the pieces are being segmented:
// code point offsets into the piece (which is at most maxSegmentRun long)
// and its POS's index.
type segToken struct{ start, end, pos uint16 }

// posNames numbers the POS tags one worker of SegmentSentences has seen.
type posNames struct {
	list []string
	idx  map[string]uint16
}

func (n *posNames) index(pos string) uint16 {
	if i, ok := n.idx[pos]; ok {
		return i
	}
	if n.idx == nil {
		n.idx = map[string]uint16{}
	}
	i := uint16(len(n.list))
	n.list = append(n.list, pos)
	n.idx[pos] = i
	return i
}

// segmentPieces cuts text into the pieces SegmentSentences hands to the
// segmenter: runs of whole sentences up to maxSegmentRun characters, and a
// longer sentence cut at spaces or punctuation (pieceEnd).
func segmentPieces(text string, sents []Sentence) []*segPiece {
	var pieces []*segPiece
	w := runeWalker{s: text}
	var buf []rune
	for i := 0; i < len(sents); {
		start, j := sents[i].Start, i+1
		for j < len(sents) && sents[j].End-start <= maxSegmentRun {
			j++
		}
		end := sents[j-1].End
		if end-start <= maxSegmentRun {
			pieces = append(pieces, &segPiece{start: start, text: text[w.seek(start):w.seek(end)]})
			i = j
			continue
		}
		// One sentence too long to hand over at once: cut it at spaces
		// or punctuation, looking at most maxSegmentRun characters ahead.
		for k := start; k < end; {
			b := w.seek(k)
			e := end
			if end-k > maxSegmentRun {
				buf = buf[:0]
				for _, r := range text[b:] {
					buf = append(buf, r)
					if len(buf) == maxSegmentRun {
						break
					}
				}
				e = k + pieceEnd(buf, 0, end-k)
			}
			pieces = append(pieces, &segPiece{start: k, text: text[b:w.seek(e)]})
			k = e
		}
		i = j
	}
	return pieces
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
// boundary, so that every token lies in one sentence: the part before the
// boundary is a token, and what follows, less its leading whitespace, goes
// on (and may be cut again at the next boundary); a part left empty is
// dropped. It returns toks itself when no token crosses one.
func cutAtSentences(toks []Token, sents []Sentence, text string) []Token {
	crosses := func(t Token, k *int) bool {
		for *k < len(sents) && sents[*k].End <= t.Start {
			*k++
		}
		return *k < len(sents) && t.End > sents[*k].End
	}
	k, n := 0, 0
	for _, t := range toks {
		if crosses(t, &k) {
			n++
		}
	}
	if n == 0 {
		return toks
	}
	out := make([]Token, 0, len(toks)+n)
	w := runeWalker{s: text}
	k = 0
	for _, t := range toks {
		cut := false
		for crosses(t, &k) {
			end := sents[k].End
			out = append(out, Token{Start: t.Start, End: end, Text: text[w.seek(t.Start):w.seek(end)], POS: t.POS})
			t.Start, cut = end, true
			b := w.seek(t.Start)
			for t.Start < t.End {
				r, size := utf8.DecodeRuneInString(text[b:])
				if !isSpace(r) {
					break
				}
				t.Start++
				b += size
			}
		}
		if t.Start < t.End {
			if cut {
				// Sought only now: the walker does not go back, and the
				// rest may be cut again at the next boundary.
				t.Text = text[w.seek(t.Start):w.seek(t.End)]
			}
			out = append(out, t)
		}
	}
	return out
}

// pieceEnd is where the piece of rs[start:end] handed to the segmenter
// ends: end itself when it is short enough, else the last space or
// punctuation mark within maxSegmentRun, else maxSegmentRun characters on.
// It reads rs only up to start+maxSegmentRun.
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
