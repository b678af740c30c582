package export

// tally counts something a writer changed across the documents of an
// export, so that it is warned about once, at the end, rather than once
// per document.
type tally struct {
	n, docs     int
	first, last *Doc
}

// add counts n changes in d; a document counted before (the last one
// counted) is not counted again among the documents.
func (t *tally) add(d *Doc, n int) {
	if n == 0 {
		return
	}
	if t.docs == 0 {
		t.first = d
	}
	if d != t.last {
		t.docs++
		t.last = d
	}
	t.n += n
}

// warn adds the one warning, on the first document counted, when anything
// was: format takes the count and the number of documents, in that order.
func (t *tally) warn(j *Job, format string) {
	if t.docs > 0 {
		j.Warn(t.first, 0, format, t.n, t.docs)
	}
}
