package text

import (
	"slices"
	"unicode/utf8"
)

// TextIndexStep is how many code points lie between two checkpoints of a
// TextIndex.
const TextIndexStep = 64

// TextIndex turns code point offsets of a text into byte offsets in
// O(TextIndexStep), from checkpoints built once (Checkpoint is the way
// back). annotate's Document keeps one of its clean text; the corpus
// index one of each text it holds. The zero TextIndex is that of the
// empty text.
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

// Indexes reports whether x was built for s (by Build(s)).
func (x *TextIndex) Indexes(s string) bool { return x.bytes != nil && x.text == s }

// Bytes returns the memory the checkpoints take (the text not counted).
func (x *TextIndex) Bytes() int { return 4 * len(x.bytes) }
