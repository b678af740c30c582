package text

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// maxSegmentRun bounds the text handed to the segmenter at once: a
// sentence longer than this (a 100,000-character line without punctuation)
// is segmented in pieces cut at whitespace or punctuation where there is
// one, so memory stays linear.
const maxSegmentRun = 4096

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

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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

// Result is what the pipeline makes of the bytes of one file: the raw
// (decoded) text, the clean text with its map back to raw, what cleaning
// found, the sentences and the tokens. All offsets are code points into
// Text. A project's Document is made from it (annotate.NewDocument).
type Result struct {
	Name      string     `json:"name"` // the file's base name
	Raw       string     `json:"-"`
	Text      string     `json:"text"`
	RawMap    OffsetMap  `json:"raw_map"`
	Report    Report     `json:"report"`
	Sentences []Sentence `json:"sentences"`
	Tokens    []Token    `json:"tokens"`
	// Compact is the token layer in its compact form (see Segmentation)
	// when ProcessCompact made the result, Tokens being nil.
	Compact *Segmentation `json:"-"`
}

// Process runs the whole pipeline over the bytes of one file: Decode,
// Clean (with seg as the Lexicon unless opts has one), Sentences, and
// seg.Segment for each sentence. name (the file's path) is used in errors;
// its last element is the Result's name. With a nil seg, the result
// has no tokens.
func Process(name string, data []byte, seg *Segmenter, opts CleanOptions) (*Result, error) {
	return ProcessContext(context.Background(), name, data, seg, opts)
}

// ProcessContext is Process, stopping with ctx's error soon after ctx is
// done (a fraction of a second into cleaning or segmenting a file of any
// size: see CleanContext and SegmentSentencesContext).
func ProcessContext(ctx context.Context, name string, data []byte, seg *Segmenter, opts CleanOptions) (*Result, error) {
	r, err := ProcessCompact(ctx, name, data, seg, opts)
	if err != nil || r.Compact == nil {
		return r, err
	}
	r.Tokens = r.Compact.tokens()
	r.Compact = nil
	return r, nil
}

// ProcessCompact is ProcessContext for a text that is to be stored: its
// tokens are left in their compact form (Result.Compact, see
// Segmentation), which the store encodes straight from, and Result.Tokens
// is nil. The importer (annotate's Project.Import) calls it, and hands the
// document made of it to annotate's AddDocumentsContext and to nobody
// else.
func ProcessCompact(ctx context.Context, name string, data []byte, seg *Segmenter, opts CleanOptions) (*Result, error) {
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
	if c.Text == raw {
		// Nothing was cleaned: one string for both (stored once, see
		// annotate's AddDocumentsContext), not two equal ones.
		c.Text = raw
	}
	c.Report.Encoding = enc
	r := &Result{Name: filepath.Base(name), Raw: raw, Text: c.Text, RawMap: c.RawMap, Report: c.Report}
	var ok bool
	if r.Sentences, ok = sentences(ctx.Done(), c.Text); !ok {
		return nil, ctx.Err()
	}
	if seg != nil {
		if r.Compact, err = SegmentCompact(ctx, seg, c.Text, r.Sentences); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// SegmentSentences segments the sentences of text and returns their
// tokens, with offsets into text. Consecutive sentences are handed to the
// segmenter together, up to maxSegmentRun characters at a time (one call
// per sentence costs gse a third more), and the pieces are segmented on all
// processors at once; a token that would still cross a sentence boundary is
// cut there. Memory: while pieces are segmented their tokens are kept in
// some 3 bytes each (see Segmentation), and the []Token is allocated once,
// at its size; no copy of text is made.
func SegmentSentences(seg *Segmenter, text string, sents []Sentence) []Token {
	toks, _ := SegmentSentencesContext(context.Background(), seg, text, sents)
	return toks
}

// SegmentSentencesContext is SegmentSentences, stopping with ctx's error
// once ctx is done, between pieces (a few milliseconds each).
func SegmentSentencesContext(ctx context.Context, seg *Segmenter, text string, sents []Sentence) ([]Token, error) {
	s, err := SegmentCompact(ctx, seg, text, sents)
	if err != nil {
		return nil, err
	}
	return s.tokens(), nil
}

// Segmentation is a document's token layer as SegmentSentences makes it,
// before it is a []Token: the pieces of text handed to the segmenter, each
// with its tokens, already cut at sentence boundaries, as varints
// (segPiece.toks, some 3 bytes a token). It is the one form segmentation
// produces: tokens materialises it as the []Token SegmentSentences
// returns, and annotate's store encodes its token blocks from it
// (Document.compact) without that slice, which for a big document (56
// bytes a token, 1.2 GB for a 100 MB text) costs far more than its text.
// Both read it through Each, so both give the same tokens.
type Segmentation struct {
	pieces []*segPiece
	n      int // tokens
}

// SegmentCompact segments text's sentences into a Segmentation, on all
// processors, stopping with ctx's error once ctx is done, between pieces.
// Each piece's tokens are cut where they cross a boundary of its sentences
// (cutAtSentences): a token lies in its piece, and so do the boundaries
// that can cut it.
func SegmentCompact(ctx context.Context, seg *Segmenter, text string, sents []Sentence) (*Segmentation, error) {
	pieces := segmentPieces(text, sents)
	work := make(chan *segPiece)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pieces)) {
		wg.Go(func() {
			var names posNames
			var sc scratch
			var buf []Token
			var rel []Sentence
			var enc []byte
			for p := range work {
				buf = seg.segmentInto(buf[:0], &sc, p.text)
				rel = rel[:0]
				for _, s := range p.sents {
					rel = append(rel, Sentence{Start: s.Start - p.start, End: s.End - p.start})
				}
				toks := cutAtSentences(buf, rel, p.text)
				enc = enc[:0]
				prev := 0
				for _, t := range toks {
					enc = binary.AppendUvarint(enc, uint64(t.Start-prev))
					enc = binary.AppendUvarint(enc, uint64(t.End-t.Start))
					enc = binary.AppendUvarint(enc, uint64(names.index(t.POS)))
					prev = t.End
				}
				p.toks, p.n, p.names, p.sents = slices.Clone(enc), len(toks), &names, nil
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
	s := &Segmentation{pieces: pieces}
	for _, p := range pieces {
		s.n += p.n
	}
	return s, nil
}

// Each yields the tokens of s in order, with their Text (a slice of the
// document's text, no copy).
func (s *Segmentation) Each(yield func(Token) bool) {
	for _, p := range s.pieces {
		w := runeWalker{s: p.text}
		prev := 0
		for b := p.toks; len(b) > 0; {
			var gap, length, pos int
			gap, b = uvarint(b)
			length, b = uvarint(b)
			pos, b = uvarint(b)
			start, end := prev+gap, prev+gap+length
			prev = end
			t := Token{Start: p.start + start, End: p.start + end, POS: p.names.list[pos]}
			t.Text = p.text[w.seek(start):w.seek(end)]
			if !yield(t) {
				return
			}
		}
	}
}

// Len returns the number of tokens of s.
func (s *Segmentation) Len() int { return s.n }

// tokens materialises s as a []Token, allocated once at its size.
func (s *Segmentation) tokens() []Token {
	// Segmenting left garbage whose pages a slice this big may not reuse.
	freeBefore(s.n * int(unsafe.Sizeof(Token{})))
	toks := make([]Token, 0, s.n)
	for t := range s.Each {
		toks = append(toks, t)
	}
	return toks
}

// bigAlloc is the size of an allocation above which freeBefore returns
// the memory the garbage collector has freed to the system first (a
// []Token of a document of some 5 MB, the texts of a 32 MB one): the
// collection this forces costs far less than making what is allocated.
const bigAlloc = 64 << 20

// freeBefore prepares for an allocation of n bytes: when n is at least
// bigAlloc, it collects garbage and gives the freed pages back to the
// system (debug.FreeOSMemory), so that the process does not hold the
// garbage of the work before (segmenting) and the new allocation at once.
// Go's heap reuses its freed pages only for allocations that fit them, and
// memory SQLite takes (the driver's copy of a bound text, the row it
// makes) is not Go's at all.
func freeBefore(n int) {
	if n >= bigAlloc {
		debug.FreeOSMemory()
	}
}

// segPiece is a piece of a document handed to the segmenter at once.
type segPiece struct {
	start int        // code point offset of text in the document
	text  string     // a slice of the document
	sents []Sentence // the document's sentences the piece holds (part of)
	// toks are the piece's tokens, three uvarints each: the code points
	// from the end of the token before (or the piece's start) to its
	// start, its length, and the index of its POS in names.
	toks  []byte
	n     int       // tokens in toks
	names *posNames // the POS tags toks index
}

// uvarint decodes a uvarint that SegmentCompact wrote at the start of b
// and returns it and the rest of b.
func uvarint(b []byte) (int, []byte) {
	v, n := binary.Uvarint(b)
	return int(v), b[n:]
}

// posNames numbers the POS tags one worker of SegmentCompact has seen.
type posNames struct {
	list []string
	idx  map[string]int
}

func (n *posNames) index(pos string) int {
	if i, ok := n.idx[pos]; ok {
		return i
	}
	if n.idx == nil {
		n.idx = map[string]int{}
	}
	i := len(n.list)
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
			pieces = append(pieces, &segPiece{start: start, text: text[w.seek(start):w.seek(end)], sents: sents[i:j]})
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
			pieces = append(pieces, &segPiece{start: k, text: text[b:w.seek(e)], sents: sents[i:j]})
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
