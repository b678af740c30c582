package annotate

import "unicode/utf8"

// textIndexStep is how many code points lie between two checkpoints of a
// textIndex.
const textIndexStep = 64

// textIndex turns code point offsets of a text into byte offsets in
// O(textIndexStep), from checkpoints built once.
type textIndex struct {
	text  string
	n     int     // code points in text
	bytes []int32 // bytes[k] is the byte offset of code point k*textIndexStep
}

func (x *textIndex) build(text string) {
	x.text, x.n = text, 0
	x.bytes = make([]int32, 0, len(text)/(2*textIndexStep)+1)
	for i := range text {
		if x.n%textIndexStep == 0 {
			x.bytes = append(x.bytes, int32(i))
		}
		x.n++
	}
}

// byteOffset returns the byte offset of code point cp (len(text) for cp ==
// n).
func (x *textIndex) byteOffset(cp int) int {
	if cp >= x.n {
		return len(x.text)
	}
	off := int(x.bytes[cp/textIndexStep])
	for k := cp % textIndexStep; k > 0; k-- {
		_, size := utf8.DecodeRuneInString(x.text[off:])
		off += size
	}
	return off
}

func (d *Document) textIndex() *textIndex {
	if d.index.text != d.Text || d.index.bytes == nil {
		d.index.build(d.Text)
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
	return d.Text[x.byteOffset(start):x.byteOffset(end)]
}
