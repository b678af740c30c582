// Package annotate is Biaozhu's domain: it turns the bytes of a scraped
// Chinese article into a clean, sentence-split, segmented and POS-tagged
// Document with exact offsets; it holds the project model (Schema, Layer,
// Label, Span), the edits with their exact inverses (Edit, Change, History,
// Editor) and the store: one SQLite file per Project.
//
// Offsets are Unicode code points into the clean text, end-exclusive, so that
// Python's text[start:end] is the span. Conversions from other units (gse's
// byte offsets, UTF-16) happen in one function each.
//
// The pipeline is Decode → Clean → Sentences → Segmenter.Segment; Process runs
// all of it. Nothing here imports fyne.
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

// Sentence is a [Start, End) range of the clean text, in code points.
type Sentence struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Token is a word of the segmentation: [Start, End) in code points of the
// clean text, its exact text (a slice of the clean text, never lowercased)
// and its part-of-speech tag. Edited is set on tokens the annotator made or
// changed (split, merge, POS): re-segmentation leaves them alone.
type Token struct {
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Text   string `json:"text"`
	POS    string `json:"pos"`
	Edited bool   `json:"edited,omitempty"`
}

// MarkKind says what a Mark records.
type MarkKind string

// The kinds of Mark that cleaning leaves in the Report.
const (
	// MarkDamage is text that stands where characters were lost or garbled;
	// it is kept in the clean text so the annotator sees it.
	MarkDamage MarkKind = "damage"
	// MarkRepaired is text that cleaning repaired; Original holds what
	// stood there before.
	MarkRepaired MarkKind = "repaired"
	// MarkPinyinHint is pinyin removed after a damage mark: a hint to what
	// the lost character was. It points at the damage it followed.
	MarkPinyinHint MarkKind = "pinyin-hint"
)

// Mark is a position in the clean text with a kind. Start and End are code
// points into the clean text; RawStart and RawEnd into the raw (decoded)
// text.
type Mark struct {
	Kind  MarkKind `json:"kind"`
	Start int      `json:"start"`
	End   int      `json:"end"`
	// Cause says why a damage mark was made: "lost" (a ?, \ or U+FFFD
	// standing for a lost character) or "garbled" (a run of characters
	// that are not the text's, such as mis-decoded bytes).
	Cause    string `json:"cause,omitempty"`
	Text     string `json:"text"`
	Original string `json:"original,omitempty"`
	RawStart int    `json:"raw_start"`
	RawEnd   int    `json:"raw_end"`
}
