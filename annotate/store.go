package annotate

// The store: a Project is one SQLite file. Why this driver: see the
// package doc. Here: opening, locking and closing the file, its errors
// and transactions; store_schema.go (migrations, the label schema),
// store_docs.go (documents, texts, token blocks), store_history.go
// (committing edits, undo and redo), store_words.go (the user
// dictionary, recorded splits and merges), store_gold.go (the gold
// corpora learnt) and store_backup.go (backups).
//
// File layout (schema version 5), readable with any SQLite client:
//
//	meta(key, value)                  generation (commits), created, opened, pos_tagset,
//	                                  next_span_id, removed_labels (JSON: as they were last)
//	pos_tags(position, name, description)
//	layers(name, overlap, description, position)
//	labels(layer, name, color, key, description, position, pos)
//	documents(id, name, source, hash, status, labels, chars, tokens, spans,
//	          suggested, edited, damage, created, updated, tokens_from)
//	                                             what a listing reads
//	texts(doc_id, raw, text, raw_map, report, sentences)   loaded on demand
//	token_blocks(doc_id, start, count, data)        the token layer, in blocks
//	spans(id, doc_id, layer, label, start, end, text, note, origin, annotator)
//	history(id, doc_id, name, changes, undone, created)   undo/redo, JSON
//	segmentation_edits(id, doc_id, history_id, kind, start, end, before,
//	          after, undone, created)           splits and merges, for learning
//	          (kind: split, merge, label — a split for a span's edge —, resegment)
//	user_words(word, pos, freq, added)         the user dictionary
//	rejections(doc_id, layer, label, start, end)   rejected suggestions
//	          (and places declined in a curation project)
//	declined_relations(doc_id, layer, from_layer, from_label, from_start,
//	          from_end, to_layer, to_label, to_start, to_end)
//	                                   relation places declined in curation
//	gold_corpora(id, name, hash, sentences, tokens, added)   gold corpora learnt
//	gold_sentences(corpus_id, position, text, tokens)   their sentences; tokens
//	          as uvarint(gap after the previous token's end), uvarint(length)
//
// Offsets are code points of texts.text, end-exclusive; SQLite's substr()
// counts code points too, so substr(text, start+1, end-start) is a span's
// text. A token block's data is, for each token, uvarint(gap after the
// previous token's end, or after start for the first), uvarint(length<<1 |
// edited), uvarint(len(pos)), pos.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"weak"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SchemaVersion is the project file format this Biaozhu writes. A file
// with a larger version is refused, never altered; a smaller one is
// migrated forward on open.
const SchemaVersion = 8

// applicationID marks a SQLite file as a Biaozhu project ("BZHU").
const applicationID = 0x425A4855

// BackupsKept is how many backups of a project Open keeps.
const BackupsKept = 5

// tokenBlockSize is how many tokens a token block holds when written whole;
// a block that grows past twice this by splits is cut again.
const tokenBlockSize = 1024

// Errors that ProjectError wraps, for errors.Is.
var (
	ErrNotProject   = errors.New("not a Biaozhu project")
	ErrNewerVersion = errors.New("project from a newer Biaozhu")
	ErrLocked       = errors.New("project already open")
	ErrDamaged      = errors.New("damaged project file")
	ErrReadOnly     = errors.New("read-only project file")
	ErrNoDocument   = errors.New("no such document")
	ErrExists       = errors.New("project file exists")
	ErrClosed       = errors.New("project closed")
	ErrDiskFull     = errors.New("disk full")
)

// ProjectError is a project file that cannot be opened or used, and why.
type ProjectError struct {
	Path   string
	Err    error // one of the Err* values above, or an I/O error
	Detail string
}

func (e *ProjectError) Error() string { return "annotate: " + e.Path + ": " + e.Detail }

// Unwrap returns Err.
func (e *ProjectError) Unwrap() error { return e.Err }

func projectErr(path string, err error, format string, args ...any) *ProjectError {
	return &ProjectError{Path: path, Err: err, Detail: fmt.Sprintf(format, args...)}
}

// Options tune how a project is opened.
type Options struct {
	// NoBackup skips the backup Open makes into NAME.biaozhu.bak/.
	NoBackup bool
	// Synchronous is SQLite's synchronous setting: "FULL" (the default:
	// a committed edit survives a power cut) or "NORMAL" (it survives a
	// crash of Biaozhu or of the system's processes, not a power cut).
	Synchronous string
	// Annotator names the annotator of new spans.
	Annotator string
	// ReadOnly opens the project for reading only (listing, exporting):
	// a read-only file opens, nothing is written, not even a backup, and
	// every change is refused with ErrReadOnly. A project that cannot be
	// written (a read-only file, folder or file system) is read without
	// writing anything beside it: as it is, or — where its journal
	// (NAME-wal) holds committed work that only a write could bring into
	// the file — from a temporary copy of both. A project of an older
	// format is brought to this format in memory.
	ReadOnly bool
}

// Project is an open project file: its documents, schema, user dictionary
// and the history of every document. It holds the file's lock until Close.
// A Project is safe for concurrent use; the *Document values it returns
// are its own and change as edits are applied, so read them on the
// goroutine that applies edits.
type Project struct {
	path string
	db   *sql.DB
	conn *sql.Conn // the one connection, which holds the lock

	mu          sync.Mutex
	schema      *Schema
	nextSpanID  int64
	savedSpanID int64 // nextSpanID as meta has it
	historyMax  int
	annotator   string
	docs        map[int64]*openDoc // the maxOpenDocs used last
	lru         []int64
	// loaded finds a document that left docs but is still in use: the
	// *Document and *History a caller holds keep their openDoc alive, so
	// a caller never holds a copy that edits no longer reach.
	loaded   map[int64]weak.Pointer[openDoc]
	backup   string // the backup made on open, if any
	readOnly bool   // Options.ReadOnly, or opened read-only (see Warning)
	roFile   bool   // the file is read without locking it (it cannot be written)
	source   string // the URI the file is read from
	tmpDir   string // a copy of the file to read, removed on Close
	warning  error  // what Open could not do (see Warning)
	// adding is the transaction AddDocumentsFrom has open, nil when none;
	// addingDone is closed when it ends. Whatever else reads or writes
	// the file waits for it (see ready).
	adding     *Adder
	addingDone chan struct{}
}

// openDoc is a loaded document with its editor and where its token blocks
// start.
type openDoc struct {
	ed     *Editor
	blocks []int // code point offset of each token block's first token
}

// maxOpenDocs is how many documents a Project keeps loaded.
const maxOpenDocs = 8

// Path returns the project file's path.
func (p *Project) Path() string { return p.path }

// Backup returns the path of the backup Open made, "" if none was needed.
func (p *Project) Backup() string { return p.backup }

// Warning returns what Open could not do though it opened the project: a
// *ProjectError wrapping ErrDiskFull when the disk had no room for a backup
// (or for the project's own writes, when the project is open read-only),
// nil when there is nothing to say. Tell the user: their work is not
// backed up, or cannot be saved.
func (p *Project) Warning() error { return p.warning }

// ReadOnly reports whether the project is open for reading only: asked for
// with Options.ReadOnly, or because Open could not write it (see Warning).
func (p *Project) ReadOnly() bool { return p.readOnly }

// Create makes a new, empty project file at path with schema (nil: the
// DefaultSchema) and opens it. The file is built under a temporary name
// and renamed into place, so a crash never leaves half a project.
func Create(path string, schema *Schema, opts Options) (*Project, error) {
	if schema == nil {
		schema = DefaultSchema()
	}
	if err := schema.Validate(); err != nil {
		return nil, err
	}
	if err := CheckNewPath(path); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return nil, projectErr(path, err, "cannot create: %v", unwrapPathErr(err))
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	if err := createFile(tmp, schema); err != nil {
		return nil, projectErr(path, err, "cannot create: %v", err)
	}
	if err := CheckNewPath(path); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, projectErr(path, err, "cannot create: %v", unwrapPathErr(err))
	}
	opts.NoBackup = true
	return Open(path, opts)
}

// CheckNewPath checks that a new project can be put at path: nothing is
// there, and no journal of an earlier project (path-wal, path-journal, left
// when its file was deleted without them), which SQLite would read into
// the new file as if it were its own. Errors are *ProjectError with
// ErrExists.
func CheckNewPath(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return projectErr(path, ErrExists, "already exists")
	}
	for _, j := range []string{path + "-wal", path + "-journal"} {
		if _, err := os.Lstat(j); err == nil {
			return projectErr(path, ErrExists, "%s, the journal of an earlier project of that name, is still there: it would be read into the new project; move it away (or open the earlier project's file with it) first", j)
		}
	}
	return nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// OpenOrCreate opens the project at path, creating it with the default
// schema when there is no file there.
func OpenOrCreate(path string, opts Options) (*Project, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return Create(path, nil, opts)
	}
	return Open(path, opts)
}

func createFile(path string, schema *Schema) error {
	db, err := sql.Open("sqlite", sqliteURI(path))
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{
		"PRAGMA journal_mode=DELETE",
		"PRAGMA foreign_keys=ON",
		fmt.Sprintf("PRAGMA application_id=%d", applicationID),
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := migrate(ctx, tx, 0); err != nil {
		return err
	}
	if err := writeSchema(ctx, tx, schema); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('created', ?)", timeText(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// sqliteURI is path as a SQLite URI filename, so that no character of the
// path is read as a query.
func sqliteURI(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x → /C:/x
	}
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(p)
}

// Open opens the project file at path for editing. Before anything is
// written it checks that the file is a SQLite file, not truncated, a
// Biaozhu project of this or an older format, writable, not open in another
// process, and passes SQLite's quick_check; each failure is a
// *ProjectError and leaves the file as it was. Then it takes the file's
// lock (held until Close), migrates an older format, and backs the file up
// into NAME.biaozhu.bak/ unless it is unchanged since the last backup.
func Open(path string, opts Options) (*Project, error) {
	// A project this process has open is refused before its file is
	// touched: closing any descriptor of a file drops the process's POSIX
	// locks on it, SQLite's too.
	if openHere(path) {
		return nil, projectErr(path, ErrLocked, "already open in another window (close it there first)")
	}
	writable, err := precheck(path, opts.ReadOnly)
	if err != nil {
		return nil, err
	}
	p := &Project{path: path, docs: map[int64]*openDoc{}, historyMax: DefaultHistoryLimit, annotator: opts.Annotator,
		readOnly: opts.ReadOnly, source: sqliteURI(path)}
	if opts.ReadOnly && !writable {
		p.roFile = true
		if p.source, p.tmpDir, err = readSource(path); err != nil {
			return nil, err
		}
	}
	if p.db, err = sql.Open("sqlite", p.source); err != nil {
		p.Close()
		return nil, projectErr(path, err, "%v", err)
	}
	if err := p.open(opts); err != nil {
		p.Close()
		return nil, err
	}
	if !register(p) {
		p.Close()
		return nil, projectErr(path, ErrLocked, "already open in another window (close it there first)")
	}
	return p, nil
}

// openProjects are the projects this process has open, with their files'
// identities.
var openProjects struct {
	sync.Mutex
	files map[*Project]os.FileInfo
}

// openHere reports whether this process has the project at path open.
func openHere(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	openProjects.Lock()
	defer openProjects.Unlock()
	return openFile(fi)
}

// openFile reports whether fi is the file of a project open here. Call it
// with openProjects locked.
func openFile(fi os.FileInfo) bool {
	for _, f := range openProjects.files {
		if os.SameFile(f, fi) {
			return true
		}
	}
	return false
}

// register records p as open here; false if its file already is.
func register(p *Project) bool {
	fi, err := os.Stat(p.path)
	if err != nil {
		return true // nothing to compare with; SQLite's lock still holds
	}
	openProjects.Lock()
	defer openProjects.Unlock()
	if openFile(fi) {
		return false
	}
	if openProjects.files == nil {
		openProjects.files = map[*Project]os.FileInfo{}
	}
	openProjects.files[p] = fi
	return true
}

// precheck looks at the file before SQLite does.
// It reports whether the file can be written; unless readOnly, a file that
// cannot is an error.
func precheck(path string, readOnly bool) (writable bool, _ error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, projectErr(path, err, "no such file")
		}
		return false, projectErr(path, err, "%v", unwrapPathErr(err))
	}
	if fi.IsDir() {
		return false, projectErr(path, ErrNotProject, "is a directory, not a Biaozhu project file")
	}
	if !fi.Mode().IsRegular() {
		return false, projectErr(path, ErrNotProject, "is not a regular file")
	}
	// Mode bits first: root may write a file nobody may write.
	writable = canWrite(path, fi)
	if !writable && !readOnly {
		return false, projectErr(path, ErrReadOnly, "the file is read-only; Biaozhu writes every edit into it (make it writable, or copy it)")
	}
	// SQLite writes its journal beside the file.
	dir := filepath.Dir(path)
	if di, err := os.Stat(dir); err == nil && writable && !canWrite(dir, di) {
		if !readOnly {
			return false, projectErr(path, ErrReadOnly, "the folder %s cannot be written; Biaozhu writes its journal beside the project (move or copy the project to a folder you can write)", dir)
		}
		writable = false
	}
	var f *os.File
	if writable {
		f, err = os.OpenFile(path, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrPermission) || readOnlyFS(err) {
			if !readOnly {
				return false, projectErr(path, ErrReadOnly, "the file cannot be written (%v); Biaozhu writes every edit into it", unwrapPathErr(err))
			}
			writable = false
		}
	}
	if !writable {
		f, err = os.Open(path)
	}
	if err != nil {
		return false, projectErr(path, err, "%v", unwrapPathErr(err))
	}
	defer f.Close()
	var h [100]byte
	n, _ := f.ReadAt(h[:], 0)
	if n < len(h) || !bytes.Equal(h[:16], []byte("SQLite format 3\x00")) {
		return false, projectErr(path, ErrNotProject, "not a Biaozhu project (not a SQLite file)")
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	// A file shorter than its header says is truncated, unless a WAL is
	// beside it: a checkpoint interrupted by a crash writes page 1 before
	// the file has grown, and SQLite recovers that from the WAL.
	wal, _ := os.Stat(path + "-wal")
	if bytes.Equal(h[24:28], h[92:96]) && pages > 0 && fi.Size() < pages*pageSize && (wal == nil || wal.Size() == 0) {
		return false, projectErr(path, ErrDamaged, "damaged project file: truncated to %d bytes, its header says %d; %s", fi.Size(), pages*pageSize, backupHint(path))
	}
	return writable, nil
}

func backupHint(path string) string {
	if ents, err := os.ReadDir(backupDir(path)); err == nil && len(ents) > 0 {
		return "copies made when it was opened are in " + backupDir(path)
	}
	return "no backup copy exists"
}

// sqliteCode returns the primary SQLite result code of err, 0 if none.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// wrapErr is classify for a possibly nil error.
func (p *Project) wrapErr(err error, doing string) error {
	if err == nil {
		return nil
	}
	return p.classify(err, doing)
}

func (p *Project) classify(err error, doing string) error {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return projectErr(p.path, ErrLocked, "already open in another window or program (close it there first)")
	case sqlite3.SQLITE_NOTADB:
		return projectErr(p.path, ErrNotProject, "not a Biaozhu project (not a SQLite file)")
	case sqlite3.SQLITE_CORRUPT:
		return projectErr(p.path, ErrDamaged, "damaged project file (%v); %s", err, backupHint(p.path))
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN:
		return projectErr(p.path, ErrReadOnly, "cannot write the project file (%v)", err)
	case sqlite3.SQLITE_FULL:
		return projectErr(p.path, ErrDiskFull, "%s: the disk is full", doing)
	}
	return projectErr(p.path, err, "%s: %v", doing, err)
}

func (p *Project) open(opts Options) error {
	ctx := context.Background()
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return p.classify(err, "open")
	}
	p.conn = conn
	// Exclusive locking: the first read takes the lock and it is held
	// until Close, so a second process gets SQLITE_BUSY at once and the
	// WAL index lives in this process's memory (no -shm file).
	locking := "EXCLUSIVE"
	if p.roFile {
		// A reader shares: its descriptor is read-only, so it cannot
		// take the exclusive lock, and it needs none.
		locking = "NORMAL"
	}
	for _, q := range []string{"PRAGMA locking_mode=" + locking, "PRAGMA busy_timeout=100"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return p.classify(err, "open")
		}
	}
	var appID, version int
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return p.classify(err, "open")
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return p.classify(err, "open")
	}
	if appID != applicationID {
		return projectErr(p.path, ErrNotProject, "not a Biaozhu project (a SQLite database of another program)")
	}
	if version > SchemaVersion {
		return projectErr(p.path, ErrNewerVersion, "made by a newer Biaozhu (project format %d; this Biaozhu reads formats up to %d): update Biaozhu to open it; the file was not changed", version, SchemaVersion)
	}
	var check string
	if err := conn.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&check); err != nil {
		return p.classify(err, "check")
	}
	if check != "ok" {
		return projectErr(p.path, ErrDamaged, "damaged project file (SQLite's quick_check: %s); %s", check, backupHint(p.path))
	}
	if p.readOnly {
		return p.openRead(ctx, version)
	}
	sync := strings.ToUpper(opts.Synchronous)
	if sync == "" {
		sync = "FULL"
	}
	if sync != "FULL" && sync != "NORMAL" {
		return projectErr(p.path, errors.New("bad option"), "synchronous must be FULL or NORMAL, not %q", opts.Synchronous)
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return p.classify(err, "open")
	}
	for _, q := range []string{"PRAGMA foreign_keys=ON", "PRAGMA synchronous=" + sync} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return p.classify(err, "open")
		}
	}
	// A write takes the lock for good. It does not count as a change of
	// the file's generation, so an unchanged project is not backed up
	// twice.
	// A file of an older format is backed up as it is before it is
	// migrated (an older Biaozhu can open that copy).
	// On a full disk the project opens all the same, read-only where it
	// cannot be written or where a migration waits for its backup; Warning
	// says so.
	if version > 0 && version < SchemaVersion && !opts.NoBackup {
		if _, err := p.makeBackup(ctx, fmt.Sprintf("-format%d", version)); err != nil {
			if !diskFull(err) {
				return projectErr(p.path, err, "backup before migrating into %s: %v", backupDir(p.path), err)
			}
			p.warning = projectErr(p.path, ErrDiskFull, "the disk is full: the project is in an older format (%d), and it is brought to format %d only after a backup, for which there is no room in %s; it is open read-only (free some space and open it again to edit it)", version, SchemaVersion, backupDir(p.path))
			p.readOnly = true
			return p.openRead(ctx, version)
		}
	}
	err = p.writeTx(false, func(tx *sql.Tx) error {
		if version < SchemaVersion {
			if err := migrate(ctx, tx, version); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('opened', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", timeText(time.Now()))
		return err
	})
	if err != nil {
		if !diskFull(err) {
			return p.classify(err, "open")
		}
		p.warning = projectErr(p.path, ErrDiskFull, "the disk is full: the project cannot be written, so it is open read-only (free some space and open it again to edit it)")
		p.readOnly = true
		return p.openRead(ctx, version)
	}
	if p.schema, err = p.readSchema(ctx); err != nil {
		return p.classify(err, "read the schema")
	}
	// Span IDs are never reused, not even those of spans that only the
	// history holds (undo or redo can bring them back): meta keeps the
	// next one.
	if err := conn.QueryRowContext(ctx, `SELECT max(coalesce((SELECT max(id) FROM spans), 0) + 1, coalesce((SELECT max(id) FROM relations), 0) + 1,
		coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_span_id'), 1))`).Scan(&p.nextSpanID); err != nil {
		return p.classify(err, "open")
	}
	p.savedSpanID = p.nextSpanID
	if !opts.NoBackup {
		if p.backup, err = p.makeBackup(ctx, ""); err != nil {
			if !diskFull(err) {
				return projectErr(p.path, err, "backup into %s: %v", backupDir(p.path), err)
			}
			p.warning = projectErr(p.path, ErrDiskFull, "the disk is full: no backup could be made into %s; the project is open, but free some space before you go on (each edit is written into the project)", backupDir(p.path))
		}
	}
	return nil
}

// diskFull reports whether err says the disk is full.
func diskFull(err error) bool { return sqliteCode(err) == sqlite3.SQLITE_FULL || noSpace(err) }

// openRead finishes opening the project for reading: a file of an older
// format (version) is brought to this one in memory, the file untouched.
func (p *Project) openRead(ctx context.Context, version int) error {
	if version < SchemaVersion {
		if err := p.migrateInMemory(ctx, version); err != nil {
			return projectErr(p.path, err, "the project is in an older format (%d), and bringing it to format %d in memory, to read it, failed: %v", version, SchemaVersion, err)
		}
	}
	var err error
	if p.schema, err = p.readSchema(ctx); err != nil {
		return p.classify(err, "read the schema")
	}
	return nil
}

// migrateInMemory replaces the connection to the file by one to a copy of
// it in memory, brought from format version to SchemaVersion.
func (p *Project) migrateInMemory(ctx context.Context, version int) error {
	// The file's own connection goes first: it may hold the file's lock.
	p.conn.Close()
	p.db.Close()
	p.conn = nil
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return err
	}
	p.db = db
	if p.conn, err = db.Conn(ctx); err != nil {
		return err
	}
	err = p.conn.Raw(func(dc any) error {
		rc, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver has no backup API")
		}
		b, err := rc.NewRestore(p.source)
		if err != nil {
			return err
		}
		return copyPages(b)
	})
	if err != nil {
		return err
	}
	tx, err := p.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := migrate(ctx, tx, version); err != nil {
		return err
	}
	return tx.Commit()
}

// readSource returns the URI to read the project at path from without
// writing anything beside it: the file as it is (SQLite's immutable mode,
// which reads no journal), unless its journal (path-wal) holds frames —
// committed work, after a crash, that only a write could bring into the
// file, and that immutable mode would not show. Then it is a copy of both
// in a temporary folder (tmp, to remove once done), which SQLite reads
// with the journal.
func readSource(path string) (uri, tmp string, err error) {
	wal, err := os.Stat(path + "-wal")
	if err != nil || wal.Size() == 0 {
		return sqliteURI(path) + "?mode=ro&immutable=1", "", nil
	}
	tmp, err = os.MkdirTemp("", "biaozhu-read-")
	if err != nil {
		return "", "", projectErr(path, err, "the project cannot be written, and its journal %s-wal holds work not yet in the file: a copy to read both could not be made: %v", path, err)
	}
	cp := filepath.Join(tmp, filepath.Base(path))
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(path+suffix, cp+suffix); err != nil {
			os.RemoveAll(tmp)
			return "", "", projectErr(path, err, "the project cannot be written, and its journal %s-wal holds work not yet in the file: a copy to read both could not be made in %s: %v", path, os.TempDir(), err)
		}
	}
	return sqliteURI(cp), tmp, nil
}

// copyFile copies the file src to a new file dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// write runs f in a transaction that also counts the file's generation,
// and commits it.
func (p *Project) write(f func(tx *sql.Tx) error) error { return p.writeTx(true, f) }

func (p *Project) writeTx(countGeneration bool, f func(tx *sql.Tx) error) error {
	if p.readOnly {
		return projectErr(p.path, ErrReadOnly, "opened read-only: changes are not saved")
	}
	ctx := context.Background()
	tx, err := p.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // after Commit, a no-op
	if err := f(tx); err != nil {
		return err
	}
	return p.commitTx(ctx, tx, countGeneration, p.nextSpanID)
}

// commitTx counts the file's generation (when countGeneration), records
// next as the next span ID where meta has another, and commits tx. The
// caller rolls tx back when it fails.
func (p *Project) commitTx(ctx context.Context, tx *sql.Tx, countGeneration bool, next int64) error {
	if countGeneration {
		if _, err := tx.ExecContext(ctx, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"); err != nil {
			return err
		}
	}
	if next != p.savedSpanID {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('next_span_id', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", strconv.FormatInt(next, 10)); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	p.savedSpanID = next
	return nil
}

// ready waits until no transaction of AddDocumentsFrom is open (its
// documents are not the project's until it commits, and nothing else
// may write into it), then returns ErrClosed once the project is closed.
// Call it with p.mu held (it lets go of it while it waits).
func (p *Project) ready() error {
	p.waitAdding()
	if p.conn == nil {
		return projectErr(p.path, ErrClosed, "the project is closed")
	}
	return nil
}

// waitAdding waits, p.mu held, until no transaction of AddDocumentsFrom
// is open; it lets go of p.mu while it waits.
func (p *Project) waitAdding() {
	for p.adding != nil {
		done := p.addingDone
		p.mu.Unlock()
		<-done
		p.mu.Lock()
	}
}

// Close closes the project file, checkpointing it into one file and
// releasing its lock. Calls on a closed Project return ErrClosed.
func (p *Project) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waitAdding() // an import being stored ends first (committed or not)
	defer func() {
		openProjects.Lock()
		delete(openProjects.files, p)
		openProjects.Unlock()
	}()
	var err error
	if p.conn != nil {
		err = p.conn.Close()
		p.conn = nil
	}
	if p.db != nil {
		if e := p.db.Close(); err == nil {
			err = e
		}
		p.db = nil
	}
	if p.tmpDir != "" {
		os.RemoveAll(p.tmpDir)
		p.tmpDir = ""
	}
	return err
}

func timeText(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// queryAll runs query on conn and returns its rows, each read by scan.
func queryAll[T any](ctx context.Context, conn *sql.Conn, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// SetAnnotator names the annotator of the spans made from now on.
func (p *Project) SetAnnotator(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.annotator = name
	for _, od := range p.docs {
		od.ed.Annotator = name
	}
}
