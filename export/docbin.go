package export

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// The spacy-docbin export is spaCy v3's own training file, a DocBin
// (.spacy), as spacy/tokens/_serialize.py writes it and `spacy train`
// reads it (--paths.train OUT.spacy): zlib-compressed msgpack of
//
//	{"version": "0.1",
//	 "attrs":   [ORTH, POS, TAG, ENT_IOB, ENT_TYPE, SENT_START] (their IDs),
//	 "tokens":  uint64 array, one row per token, one column per attribute,
//	 "spaces":  bool array, one per token: a space follows it,
//	 "lengths": int32 array, the tokens of each Doc,
//	 "strings": the strings the token values stand for, sorted,
//	 "cats": [{}…], "flags": [{"has_unknown_spaces": false}…],
//	 "span_groups": one per Doc: msgpack of a list of span groups, each
//	                msgpack {"name", "attrs", "spans": [40-byte structs]},
//	 "user_data": one per Doc: msgpack {"doc_id", "doc_name", "sent"}}
//
// A string's value is its ID in spaCy's StringStore: 0 for "", the
// number of a spaCy symbol (spacySymbols: "NOUN", "ORG", "X"…), else the
// 64-bit MurmurHash64A of its UTF-8 with seed 1 (spacyHash).
//
// One Doc per record (a document, or with -records sentence one per
// sentence). Its tokens are the document's tokens (Options.Level word) or
// its characters (char: what spaCy's Chinese pipeline segments into),
// with white space as spaCy's tokenizer has it: one space after a token
// is that token's space, any other white space a token of its own (see
// spacyTokens), so that the tokens and spaces are the text exactly. ORTH
// is the token's text, TAG the project's POS tag, POS the UD tag it maps
// to (as the conllu export has it; SPACE for white space), SENT_START 1 on
// the first token of each sentence.
//
// Spans: the first layer written is the Doc's entities (doc.ents, what
// spaCy's ner trains on: ENT_IOB and ENT_TYPE), where a span that
// overlaps a longer one is left out, with a warning; and every layer
// written, that one too, is a span group named after the layer
// (doc.spans["LAYER"], what spancat trains on: set its spans_key to the
// layer), overlaps and all. A spaCy span is whole tokens: a span whose
// start or end falls inside a token is left out with a warning (use
// -level char). Each span is proven with Job.Check against the document
// text before it is written.
func init() {
	Register(&Format{Name: "spacy-docbin", Ext: ".spacy", Binary: true, Write: writeDocBin,
		Description: "spaCy v3 DocBin (.spacy), what spacy train reads: tokens, spaces, sentences, POS and tags, the first layer as doc.ents, every layer as a span group doc.spans[LAYER]"})
}

// The spaCy attribute IDs the export writes (spacy/attrs.pxd, which takes
// them from spacy/symbols.pxd), in the order of DocBin's attrs: ORTH
// first, then the others sorted.
const (
	spacyORTH      = 65
	spacyPOS       = 74
	spacyTAG       = 75
	spacyENTIOB    = 77
	spacyENTTYPE   = 78
	spacySENTSTART = 80
)

var docBinAttrs = []uint64{spacyORTH, spacyPOS, spacyTAG, spacyENTIOB, spacyENTTYPE, spacySENTSTART}

// The values of ENT_IOB (Token.iob_strings(): "", "I", "O", "B").
const (
	spacyIOBI = 1
	spacyIOBO = 2
	spacyIOBB = 3
)

// spacySymbols is spaCy v3's symbol table (spacy/symbols.pxd and .pyx,
// as of 3.8): a string that is a symbol has the symbol's number as its
// ID, not its hash, in every StringStore. FLAG19…FLAG63 and
// DEPRECATED001…DEPRECATED276 are added by init.
var spacySymbols = map[string]uint64{
	"IS_ALPHA": 1, "IS_ASCII": 2, "IS_DIGIT": 3, "IS_LOWER": 4, "IS_PUNCT": 5, "IS_SPACE": 6, "IS_TITLE": 7,
	"IS_UPPER": 8, "LIKE_URL": 9, "LIKE_NUM": 10, "LIKE_EMAIL": 11, "IS_STOP": 12, "IS_OOV_DEPRECATED": 13,
	"IS_BRACKET": 14, "IS_QUOTE": 15, "IS_LEFT_PUNCT": 16, "IS_RIGHT_PUNCT": 17, "IS_CURRENCY": 18,
	"ID": 64, "ORTH": 65, "LOWER": 66, "NORM": 67, "SHAPE": 68, "PREFIX": 69, "SUFFIX": 70, "LENGTH": 71,
	"CLUSTER": 72, "LEMMA": 73, "POS": 74, "TAG": 75, "DEP": 76, "ENT_IOB": 77, "ENT_TYPE": 78, "HEAD": 79,
	"SENT_START": 80, "SPACY": 81, "PROB": 82, "LANG": 83,
	"ADJ": 84, "ADP": 85, "ADV": 86, "AUX": 87, "CONJ": 88, "CCONJ": 89, "DET": 90, "INTJ": 91, "NOUN": 92,
	"NUM": 93, "PART": 94, "PRON": 95, "PROPN": 96, "PUNCT": 97, "SCONJ": 98, "SYM": 99, "VERB": 100, "X": 101,
	"EOL": 102, "SPACE": 103,
	"PERSON": 380, "NORP": 381, "FACILITY": 382, "ORG": 383, "GPE": 384, "LOC": 385, "PRODUCT": 386,
	"EVENT": 387, "WORK_OF_ART": 388, "LANGUAGE": 389, "LAW": 390, "DATE": 391, "TIME": 392, "PERCENT": 393,
	"MONEY": 394, "QUANTITY": 395, "ORDINAL": 396, "CARDINAL": 397,
	"acomp": 398, "advcl": 399, "advmod": 400, "agent": 401, "amod": 402, "appos": 403, "attr": 404,
	"aux": 405, "auxpass": 406, "cc": 407, "ccomp": 408, "complm": 409, "conj": 410, "cop": 411, "csubj": 412,
	"csubjpass": 413, "dep": 414, "det": 415, "dobj": 416, "expl": 417, "hmod": 418, "hyph": 419,
	"infmod": 420, "intj": 421, "iobj": 422, "mark": 423, "meta": 424, "neg": 425, "nmod": 426, "nn": 427,
	"npadvmod": 428, "nsubj": 429, "nsubjpass": 430, "num": 431, "number": 432, "oprd": 433, "obj": 434,
	"obl": 435, "parataxis": 436, "partmod": 437, "pcomp": 438, "pobj": 439, "poss": 440, "possessive": 441,
	"preconj": 442, "prep": 443, "prt": 444, "punct": 445, "quantmod": 446, "relcl": 447, "rcmod": 448,
	"root": 449, "xcomp": 450, "acl": 451, "ENT_KB_ID": 452, "MORPH": 453, "ENT_ID": 454, "IDX": 455, "_": 456,
}

func init() {
	for n := 19; n <= 63; n++ {
		spacySymbols["FLAG"+strconv.Itoa(n)] = uint64(n)
	}
	for n := 1; n <= 276; n++ {
		spacySymbols[fmt.Sprintf("DEPRECATED%03d", n)] = uint64(103 + n)
	}
}

// spacyID is the ID spaCy's StringStore gives s.
func spacyID(s string) uint64 {
	if s == "" {
		return 0
	}
	if id, ok := spacySymbols[s]; ok {
		return id
	}
	return spacyHash(s)
}

// spacyHash is spaCy's hash_string: MurmurHash64A (Austin Appleby's, as
// the murmurhash package spaCy uses has it) of s's UTF-8 with seed 1.
func spacyHash(s string) uint64 {
	const m, r = 0xc6a4a7935bd1e995, 47
	data := []byte(s)
	h := uint64(1) ^ uint64(len(data))*m
	for len(data) >= 8 {
		k := binary.LittleEndian.Uint64(data)
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
		data = data[8:]
	}
	if len(data) > 0 {
		for i := len(data) - 1; i >= 0; i-- {
			h ^= uint64(data[i]) << (8 * i)
		}
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// docBin gathers the Docs of a DocBin as they are written.
type docBin struct {
	tokens  bytes.Buffer // little-endian uint64, len(docBinAttrs) per token
	spaces  []byte
	lengths []int32
	strings map[string]bool
	groups  [][]byte // per Doc: its span groups, msgpack
	users   [][]byte // per Doc: its user_data, msgpack
}

func (b *docBin) str(s string) uint64 {
	if s != "" {
		b.strings[s] = true
	}
	return spacyID(s)
}

// spacySpanC is a span of a span group as SpanGroup.to_bytes packs it
// (">QQQllll": id, kb_id, label, start, end, start_char, end_char).
type spacySpanC struct {
	label                          uint64
	start, end, startChar, endChar int32
}

func (s spacySpanC) bytes() []byte {
	b := make([]byte, 0, 40)
	b = binary.BigEndian.AppendUint64(b, 0) // id
	b = binary.BigEndian.AppendUint64(b, 0) // kb_id
	b = binary.BigEndian.AppendUint64(b, s.label)
	for _, v := range []int32{s.start, s.end, s.startChar, s.endChar} {
		b = binary.BigEndian.AppendUint32(b, uint32(v))
	}
	return b
}

func writeDocBin(j *Job, w io.Writer) error {
	layers := j.Layers()
	level := cmp.Or(j.Opts.Level, LevelWord)
	b := &docBin{strings: map[string]bool{}}
	var overlapped tally
	err := j.Each(func(d *Doc) error {
		if len(d.Tokens) == 0 && len(d.Runes) > 0 && level == LevelWord {
			j.Warn(d, 0, "the document has no tokens (it is not segmented): its spaCy tokens are its characters")
		}
		for _, rec := range j.Records(d) {
			if err := b.add(j, rec, level, layers, &overlapped); err != nil {
				return err
			}
		}
		if b.tokens.Len() > math.MaxUint32 {
			return fmt.Errorf("export: spacy-docbin: more than 4 GB of tokens, more than a DocBin holds: export the project in parts (-docs, -split)")
		}
		return nil
	})
	if err != nil {
		return err
	}
	first := ""
	if len(layers) > 0 {
		first = layers[0]
	}
	overlapped.warn(j, "%d spans of layer "+strings.ReplaceAll(strconv.Quote(first), "%", "%%")+" in %d documents (this one first) overlap a longer one: left out of doc.ents, which cannot overlap (they are in the span group doc.spans[LAYER])")
	return b.write(w)
}

// add adds the Doc of one record.
func (b *docBin) add(j *Job, rec Record, level Level, layers []string, overlapped *tally) error {
	d := rec.Doc
	toks := spacyTokens(rec, level)
	n := len(toks)
	// Token index by start and by end, relative to the record.
	byStart := make(map[int]int, n)
	byEnd := make(map[int]int, n)
	for i, t := range toks {
		byStart[t.Start], byEnd[t.End] = i, i
	}
	// Sentence starts, relative to the record.
	sentStart := map[int]bool{}
	for _, s := range d.Sentences {
		if s.Start >= rec.Start && s.Start < rec.End {
			sentStart[s.Start-rec.Start] = true
		}
	}
	iob := make([]uint64, n)
	etype := make([]uint64, n)
	for i := range iob {
		iob[i] = spacyIOBO
	}
	groups := make([][]spacySpanC, len(layers))
	layerAt := map[string]int{}
	for i, l := range layers {
		layerAt[l] = i
	}
	// Longest first, for doc.ents: a span that overlaps one taken is left
	// out of them.
	spans := slices.Clone(rec.Spans)
	slices.SortStableFunc(spans, func(a, b annotate.Span) int {
		return cmp.Or(cmp.Compare(b.End-b.Start, a.End-a.Start), cmp.Compare(a.Start, b.Start), cmp.Compare(a.ID, b.ID))
	})
	for _, sp := range spans {
		li, ok := layerAt[sp.Layer]
		if !ok {
			continue
		}
		s, e := sp.Start-rec.Start, sp.End-rec.Start
		ts, okS := byStart[s]
		te, okE := byEnd[e]
		if !okS || !okE {
			j.Warn(d, sp.ID, "%s [%d,%d) %q starts or ends inside a token: left out of the spaCy Doc, whose spans are whole tokens (use -level char)",
				sp.Label, sp.Start, sp.End, d.Text(sp.Start, sp.End))
			continue
		}
		got, _ := sliceUnits(d.Runes[rec.Start:rec.End], s, e, UnitCodePoint)
		if err := j.Check(d, sp, rec.Start, s, e, UnitCodePoint, false, got); err != nil {
			return err
		}
		label := b.str(sp.Label)
		groups[li] = append(groups[li], spacySpanC{label: label, start: int32(ts), end: int32(te + 1), startChar: int32(s), endChar: int32(e)})
		if li != 0 {
			continue
		}
		if slices.ContainsFunc(iob[ts:te+1], func(v uint64) bool { return v != spacyIOBO }) {
			overlapped.add(d, 1)
			continue
		}
		for k := ts; k <= te; k++ {
			iob[k], etype[k] = spacyIOBI, label
		}
		iob[ts] = spacyIOBB
	}
	row := make([]byte, 8*len(docBinAttrs))
	for i, t := range toks {
		pos, _ := conlluColumns(t.Tag, t.Text, "", "") // the UD tag, as the conllu export has it
		if strings.TrimFunc(t.Text, isColumnSpace) == "" {
			pos = "SPACE"
		}
		var start uint64 = math.MaxUint64 // -1: not a sentence start
		switch {
		case i == 0 || sentStart[t.Start]:
			start = 1
		case len(d.Sentences) == 0:
			start = 0 // unknown
		}
		for k, v := range []uint64{b.str(t.Text), spacyID(pos), b.str(t.Tag), iob[i], etype[i], start} {
			binary.LittleEndian.PutUint64(row[8*k:], v)
		}
		b.tokens.Write(row)
		ws := byte(0)
		if t.WS {
			ws = 1
		}
		b.spaces = append(b.spaces, ws)
	}
	b.lengths = append(b.lengths, int32(n))
	// The span groups, each span in order of its tokens.
	var sg msgpackWriter
	sg.array(len(layers))
	for i, l := range layers {
		slices.SortFunc(groups[i], func(x, y spacySpanC) int {
			return cmp.Or(cmp.Compare(x.start, y.start), cmp.Compare(y.end, x.end), cmp.Compare(x.label, y.label))
		})
		var g msgpackWriter
		g.mapHeader(3)
		g.str("name")
		g.str(l)
		g.str("attrs")
		g.mapHeader(0)
		g.str("spans")
		g.array(len(groups[i]))
		for _, s := range groups[i] {
			g.bin(s.bytes())
		}
		sg.bin(g.Bytes())
	}
	b.groups = append(b.groups, sg.Bytes())
	var u msgpackWriter
	u.mapHeader(3)
	u.str("doc_id")
	u.int(d.ID)
	u.str("doc_name")
	u.str(d.Name)
	u.str("sent")
	u.int(int64(rec.Sent))
	b.users = append(b.users, u.Bytes())
	return nil
}

// write writes the DocBin: its msgpack message, zlib-compressed.
func (b *docBin) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	zw, err := zlib.NewWriterLevel(bw, zlib.DefaultCompression)
	if err != nil {
		return err
	}
	m := &msgpackWriter{w: zw}
	m.mapHeader(10)
	m.str("version")
	m.str("0.1")
	m.str("attrs")
	m.array(len(docBinAttrs))
	for _, a := range docBinAttrs {
		m.uint(a)
	}
	m.str("tokens")
	m.bin(b.tokens.Bytes())
	m.str("spaces")
	m.bin(b.spaces)
	m.str("lengths")
	lengths := make([]byte, 4*len(b.lengths))
	for i, n := range b.lengths {
		binary.LittleEndian.PutUint32(lengths[4*i:], uint32(n))
	}
	m.bin(lengths)
	m.str("strings")
	strs := make([]string, 0, len(b.strings))
	for s := range b.strings {
		strs = append(strs, s)
	}
	sort.Strings(strs) // byte order of UTF-8 is code point order, as Python's sorted
	m.array(len(strs))
	for _, s := range strs {
		m.str(s)
	}
	m.str("cats")
	m.array(len(b.lengths))
	for range b.lengths {
		m.mapHeader(0)
	}
	m.str("flags")
	m.array(len(b.lengths))
	for range b.lengths {
		m.mapHeader(1)
		m.str("has_unknown_spaces")
		m.bool(false)
	}
	m.str("span_groups")
	m.array(len(b.groups))
	for _, g := range b.groups {
		m.bin(g)
	}
	m.str("user_data")
	m.array(len(b.users))
	for _, u := range b.users {
		m.bin(u)
	}
	if m.err != nil {
		return m.err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// msgpackWriter writes msgpack (the subset a DocBin needs: maps, arrays,
// str, bin, integers, booleans) to w, or to its own buffer when w is nil.
// Strings are str and bytes bin, as srsly (msgpack with use_bin_type)
// writes them. The first error sticks.
type msgpackWriter struct {
	w   io.Writer
	buf bytes.Buffer
	err error
}

// Bytes returns what was written to the writer's own buffer.
func (m *msgpackWriter) Bytes() []byte { return m.buf.Bytes() }

func (m *msgpackWriter) put(p ...[]byte) {
	for _, b := range p {
		if m.err != nil {
			return
		}
		if m.w == nil {
			m.buf.Write(b)
			continue
		}
		_, m.err = m.w.Write(b)
	}
}

// head writes a type byte with a length: fix (the length in the low bits
// of fix, below fixMax), else the 8-, 16- or 32-bit form (0 where there
// is none).
func (m *msgpackWriter) head(n int, fix byte, fixMax int, b8, b16, b32 byte) {
	var h []byte
	switch {
	case n < fixMax:
		h = []byte{fix | byte(n)}
	case n <= math.MaxUint8 && b8 != 0:
		h = []byte{b8, byte(n)}
	case n <= math.MaxUint16:
		h = binary.BigEndian.AppendUint16([]byte{b16}, uint16(n))
	case n <= math.MaxUint32:
		h = binary.BigEndian.AppendUint32([]byte{b32}, uint32(n))
	default:
		m.err = cmp.Or(m.err, fmt.Errorf("export: spacy-docbin: %d items or bytes in one msgpack object, more than it holds", n))
		return
	}
	m.put(h)
}

func (m *msgpackWriter) mapHeader(n int) { m.head(n, 0x80, 16, 0, 0xde, 0xdf) }
func (m *msgpackWriter) array(n int)     { m.head(n, 0x90, 16, 0, 0xdc, 0xdd) }

func (m *msgpackWriter) str(s string) {
	m.head(len(s), 0xa0, 32, 0xd9, 0xda, 0xdb)
	m.put([]byte(s))
}

func (m *msgpackWriter) bin(p []byte) {
	m.head(len(p), 0, 0, 0xc4, 0xc5, 0xc6)
	m.put(p)
}

func (m *msgpackWriter) bool(v bool) {
	if v {
		m.put([]byte{0xc3})
	} else {
		m.put([]byte{0xc2})
	}
}

func (m *msgpackWriter) uint(v uint64) {
	switch {
	case v < 128:
		m.put([]byte{byte(v)})
	case v <= math.MaxUint8:
		m.put([]byte{0xcc, byte(v)})
	case v <= math.MaxUint16:
		m.put(binary.BigEndian.AppendUint16([]byte{0xcd}, uint16(v)))
	case v <= math.MaxUint32:
		m.put(binary.BigEndian.AppendUint32([]byte{0xce}, uint32(v)))
	default:
		m.put(binary.BigEndian.AppendUint64([]byte{0xcf}, v))
	}
}

func (m *msgpackWriter) int(v int64) {
	if v >= 0 {
		m.uint(uint64(v))
		return
	}
	m.put(binary.BigEndian.AppendUint64([]byte{0xd3}, uint64(v)))
}
