package annotate

import (
	"slices"
	"unicode/utf8"
)

// TextIndexStep is how many code points lie between two checkpoints of a
// TextIndex.
const TextIndexStep = 64

// TextIndex turns code point offsets of a text into byte offsets in
// O(TextIndexStep), from checkpoints built once (Checkpoint is the way
// back). A Document keeps one of its clean text; the corpus index one of
// each text it holds. The zero TextIndex is that of the empty text.
type TextIndex struct {
	text  string
	n     int     // code points in text
	bytes []int32 // bytes[k] is the byte offset of code point k*TextIndexStep
}

// Build indexes text.
func (x *TextIndex) Build(text string) {
	x.text, x.n = text, 0
	x.bytes = make([]int32, 0, len(text)/(2*TextIndexStep)+1)
	for i := range text {
		if x.n%TextIndexStep == 0 {
			x.bytes = append(x.bytes, int32(i))
		}
		x.n++
	}
}

// Len returns the number of code points of the text.
func (x *TextIndex) Len() int { return x.n }

// ByteOffset returns the byte offset of code point cp (len(text) for cp ==
// Len()).
func (x *TextIndex) ByteOffset(cp int) int {
	if cp >= x.n {
		return len(x.text)
	}
	off := int(x.bytes[cp/TextIndexStep])
	for k := cp % TextIndexStep; k > 0; k-- {
		_, size := utf8.DecodeRuneInString(x.text[off:])
		off += size
	}
	return off
}

// Checkpoint returns the last checkpoint at or before byte offset b: its
// byte offset and its code point offset (ok is false when there is none,
// as in the empty text). Counting code points from there reaches b's.
func (x *TextIndex) Checkpoint(b int) (off, cp int, ok bool) {
	k, found := slices.BinarySearch(x.bytes, int32(b))
	if !found {
		k--
	}
	if k < 0 {
		return 0, 0, false
	}
	return int(x.bytes[k]), k * TextIndexStep, true
}

// Bytes returns the memory the checkpoints take (the text not counted).
func (x *TextIndex) Bytes() int { return 4 * len(x.bytes) }

func (d *Document) textIndex() *TextIndex {
	if d.index.text != d.Text || d.index.bytes == nil {
		d.index.Build(d.Text)
	}
	return &d.index
}

// Chars returns the number of code points of the clean text.
func (d *Document) Chars() int { return d.textIndex().n }

// Slice returns the clean text's code points [start, end); offsets are
// clamped to the text.
func (d *Document) Slice(start, end int) string {
	x := d.textIndex()
	start, end = max(0, min(start, x.n)), max(0, min(end, x.n))
	if start >= end {
		return ""
	}
	return d.Text[x.ByteOffset(start):x.ByteOffset(end)]
}
