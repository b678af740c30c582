// Package export holds the readers and writers of the formats Biaozhu hands
// to NLP training and takes back from it: CoNLL-U, JSONL and (in later
// issues) CSV, xlsx, doccano, spaCy, CLUENER, brat and Label Studio.
//
// Offsets are Unicode code points into the clean text, end-exclusive,
// everywhere, as in package annotate. Where a format counts in other units
// (bytes, UTF-16, inclusive ends), the conversion happens in one function
// per unit, at the edge. Nothing here imports fyne.
package export
