// Package export holds the writers and readers of the formats Biaozhu
// hands to NLP training, annotation tools and spreadsheets, and takes
// back from them: csv-tokens and csv-spans (exact, or -excel for
// spreadsheet apps), xlsx, doccano, Prodigy JSONL (once called spacy),
// spaCy's DocBin (spacy-docbin, what spacy train reads), Hugging Face
// JSONL, CLUENER, CoNLL, CoNLL-U, brat standoff and Label Studio. Each
// format is checked with the program its users read it with where one can
// run in the tests (brat's parser, the UD validator, openpyxl,
// LibreOffice, a DocBin reader rebuilt from spaCy's source).
//
// Offsets are Unicode code points into the clean text, end-exclusive,
// everywhere, as in package annotate. Where a format counts in other units
// (bytes, UTF-16, inclusive ends), the conversion happens in one function
// per unit, at the edge. Nothing here imports fyne.
package export
