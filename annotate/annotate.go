// Package annotate is Biaozhu's project: the model of an annotated text
// (Document, Schema, Layer, Label, Span), the edits with their exact
// inverses (Edit, Change, History, Editor), re-segmentation and the corpus
// steps, the store — one SQLite file per Project — and the import of text
// files into it (Project.Import runs the pipeline of annotate/text over
// each file and makes a Document of its Result: NewDocument).
//
// Offsets are Unicode code points into the clean text, end-exclusive, so
// that Python's text[start:end] is the span: the convention of
// annotate/text, whose Token, Sentence, Report and OffsetMap a Document
// holds.
//
// Dependencies point one way: annotate imports annotate/text (and assets);
// annotate/corpus, export, app and package main import annotate; nothing
// here imports them, or fyne.
//
// # The project file
//
// A Project is one SQLite file (NAME.biaozhu), written through
// modernc.org/sqlite, SQLite translated to Go, rather than
// github.com/mattn/go-sqlite3 (cgo). Both were measured on the same
// machine with the same SQLite 3.54.1: the commit of an edit, which is what
// an annotator waits on, takes the same time with both (span update plus
// history row, synchronous=FULL: median 0.28 vs 0.22 ms, p99 0.76 vs 0.56
// ms; fsync dominates), as do the online backup of a 117 MB file (0.65–0.8
// vs 0.5–0.6 s), opening a file and listing 10,000 rows (61 vs 60 ms). mattn
// is 1.5–2× faster only at batch work nobody waits on interactively (1M
// small rows inserted: 2.3 vs 4.5 s). The pure-Go driver wins on what
// matters to us: annotate, export and the headless commands build and run
// with CGO_ENABLED=0 (mattn's build then only fails at run time) and
// cross-compile; its cold build is faster (43 vs 63 s), which CI feels; it
// fails at once with SQLITE_BUSY when another process holds a project
// (mattn blocks 5 s by default); and it exposes SQLite's backup API.
//
// The file is opened with locking_mode=EXCLUSIVE and WAL: the lock is taken
// at open and held until Close, so a second process (another window, a
// second Biaozhu) gets a clear ErrLocked at once, the WAL index lives in the
// process (no -shm file) and a closed project is one file again. Every edit
// is one transaction committed with synchronous=FULL before Apply returns.
// See store.go for the tables; any SQLite client can read a closed project.
package annotate
