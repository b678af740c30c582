// Package text is Biaozhu's text pipeline: it turns the bytes of a scraped
// Chinese article into a clean, sentence-split, segmented and POS-tagged
// text with exact offsets. The pipeline is Decode → Clean (which flags
// what it finds in a Report and maps every clean character back to the
// raw text: OffsetMap) → Sentences → Segmenter.Segment; Process runs all
// of it and returns a Result, ReadText reads a file for it. The Learner
// segments as the Segmenter does and learns from the annotator's
// corrections; SegScore scores a segmentation against gold.
//
// Offsets are Unicode code points into the clean text, end-exclusive, so
// that Python's text[start:end] is the span. gse's byte offsets become
// code points in one function (runeSpans); TextIndex turns code points
// into byte offsets where a string is sliced.
//
// Dependencies point one way: text imports no package of this module but
// assets; annotate imports it and makes a project's Document of a Result
// (annotate.NewDocument); annotate/corpus, export, app and package main
// use its types. Nothing here imports fyne.
//
// The border: everything here works on a text alone — bytes in, a Result
// out, a Learner taught tokens — and knows nothing of projects, spans,
// schemas or the store. What crosses to the project are values (Result,
// Token, Sentence, Report, OffsetMap) and the token layer in the compact
// form the store encodes from (Segmentation), so that a big text's
// tokens never need to be a []Token on their way in.
package text
