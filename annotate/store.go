package annotate

// The store: a Project is one SQLite file. Why this driver: see the
// package doc.
//
// File layout (schema version 3), readable with any SQLite client:
//
//	meta(key, value)                  generation (commits), created, opened, pos_tagset,
//	                                  next_span_id, removed_labels (JSON: as they were last)
//	pos_tags(position, name, description)
//	layers(name, overlap, description, position)
//	labels(layer, name, color, key, description, position, pos)
//	documents(id, name, source, hash, status, labels, chars, tokens, spans,
//	          edited, damage, created, updated, tokens_from)   what a listing reads
//	texts(doc_id, raw, text, raw_map, report, sentences)   loaded on demand
//	token_blocks(doc_id, start, count, data)        the token layer, in blocks
//	spans(id, doc_id, layer, label, start, end, text, note, origin, annotator)
//	history(id, doc_id, name, changes, undone, created)   undo/redo, JSON
//	segmentation_edits(id, doc_id, history_id, kind, start, end, before,
//	          after, undone, created)           splits and merges, for learning
//	user_words(word, pos, freq, added)         the user dictionary
//	rejections(doc_id, layer, label, start, end)   rejected suggestions
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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"weak"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// SchemaVersion is the project file format this Biaozhu writes. A file
// with a larger version is refused, never altered; a smaller one is
// migrated forward on open.
const SchemaVersion = 3

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
	if _, err := os.Lstat(path); err == nil {
		return nil, projectErr(path, ErrExists, "already exists")
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
	if _, err := os.Lstat(path); err == nil {
		return nil, projectErr(path, ErrExists, "already exists")
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, projectErr(path, err, "cannot create: %v", unwrapPathErr(err))
	}
	opts.NoBackup = true
	return Open(path, opts)
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
	if err := conn.QueryRowContext(ctx, `SELECT max(coalesce((SELECT max(id) FROM spans), 0) + 1,
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

// migrations[v] takes a file from format v to v+1.
var migrations = []string{
	0: `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta(key, value) VALUES ('generation', '0');
CREATE TABLE pos_tags(position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL DEFAULT '');
CREATE TABLE layers(name TEXT PRIMARY KEY, overlap TEXT NOT NULL CHECK (overlap IN ('allowed', 'forbidden')),
	description TEXT NOT NULL DEFAULT '', position INTEGER NOT NULL);
CREATE TABLE labels(layer TEXT NOT NULL REFERENCES layers(name) ON UPDATE CASCADE ON DELETE CASCADE,
	name TEXT NOT NULL, color TEXT NOT NULL, key TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
	position INTEGER NOT NULL, PRIMARY KEY (layer, name));
CREATE TABLE documents(id INTEGER PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',
	hash TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in progress', 'done')),
	labels TEXT NOT NULL DEFAULT '[]', chars INTEGER NOT NULL DEFAULT 0, tokens INTEGER NOT NULL DEFAULT 0,
	spans INTEGER NOT NULL DEFAULT 0, edited INTEGER NOT NULL DEFAULT 0, damage INTEGER NOT NULL DEFAULT 0,
	created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX documents_hash ON documents(hash);
CREATE TABLE texts(doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
	raw TEXT NOT NULL, text TEXT NOT NULL, raw_map TEXT NOT NULL, report TEXT NOT NULL, sentences BLOB NOT NULL);
CREATE TABLE token_blocks(doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	start INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc_id, start)) WITHOUT ROWID;
CREATE TABLE spans(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	layer TEXT NOT NULL, label TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '', origin TEXT NOT NULL CHECK (origin IN ('manual', 'suggested', 'imported')),
	annotator TEXT NOT NULL DEFAULT '', CHECK (start >= 0 AND start < "end"),
	FOREIGN KEY (layer, label) REFERENCES labels(layer, name) ON UPDATE CASCADE);
CREATE INDEX spans_doc ON spans(doc_id, start);
CREATE INDEX spans_label ON spans(layer, label);
CREATE TABLE history(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	name TEXT NOT NULL, changes TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
CREATE INDEX history_doc ON history(doc_id, id);
CREATE TABLE segmentation_edits(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	history_id INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('split', 'merge', 'resegment')),
	start INTEGER NOT NULL, "end" INTEGER NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL,
	undone INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
CREATE INDEX segmentation_edits_history ON segmentation_edits(history_id);
CREATE TABLE user_words(word TEXT PRIMARY KEY, pos TEXT NOT NULL DEFAULT '', freq INTEGER NOT NULL DEFAULT 1, added TEXT NOT NULL);
`,
	1: `
ALTER TABLE labels ADD COLUMN pos TEXT NOT NULL DEFAULT '[]';
CREATE TABLE rejections(doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	layer TEXT NOT NULL, label TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
	PRIMARY KEY (doc_id, layer, label, start, "end")) WITHOUT ROWID;
`,
	2: `
ALTER TABLE documents ADD COLUMN tokens_from TEXT NOT NULL DEFAULT '';
`,
}

func init() {
	if len(migrations) != SchemaVersion {
		panic("annotate: migrations and SchemaVersion disagree")
	}
}

// migrate takes the file in tx from format from to SchemaVersion.
func migrate(ctx context.Context, tx *sql.Tx, from int) error {
	for v := from; v < SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate format %d to %d: %w", v, v+1, err)
		}
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version=%d", SchemaVersion))
	return err
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

// backupDir is where the backups of the project at path go.
func backupDir(path string) string { return path + ".bak" }

// ProjectFiles names the files of the project at path besides the project
// file itself: SQLite's WAL, shared-memory and journal files, and the
// folder of its backups. Nothing may write over any of them but the
// project (export.CheckOutput refuses them as an output).
func ProjectFiles(path string) []string {
	return []string{path + "-wal", path + "-shm", path + "-journal", backupDir(path)}
}

// makeBackup copies the project with SQLite's online backup into
// NAME.biaozhu.bak/NAME-TIME-gGENERATION.biaozhu, unless a backup of this
// generation exists, and keeps the newest BackupsKept.
func (p *Project) makeBackup(ctx context.Context, tag string) (string, error) {
	var gen string
	if err := p.conn.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'generation'").Scan(&gen); err != nil {
		return "", err
	}
	// The backups are as private as the project: its mode, and the
	// folder's (made now) with the search bits its read bits give.
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(p.path); err == nil {
		mode = fi.Mode().Perm()
	}
	dir := backupDir(p.path)
	if err := os.MkdirAll(dir, mode|(mode&0o444)>>2); err != nil {
		return "", err
	}
	stem := strings.TrimSuffix(filepath.Base(p.path), filepath.Ext(p.path))
	suffix := tag + "-g" + gen + ".biaozhu"
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), stem+"-") && strings.HasSuffix(e.Name(), suffix) {
			return "", nil // this state is backed up already
		}
	}
	name := filepath.Join(dir, stem+"-"+time.Now().UTC().Format("20060102-150405")+suffix)
	tmp := name + ".tmp"
	os.Remove(tmp)
	err := p.conn.Raw(func(dc any) error {
		bc, ok := dc.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver has no backup API")
		}
		b, err := bc.NewBackup(sqliteURI(tmp))
		if err != nil {
			return err
		}
		return copyPages(b)
	})
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return "", err
	}
	pruneBackups(p.path)
	return name, nil
}

// pruneBackups removes all but the newest BackupsKept backups of the
// project at path.
func pruneBackups(path string) {
	names := listBackups(path)
	for _, n := range names[:max(0, len(names)-BackupsKept)] {
		os.Remove(n)
	}
}

// listBackups lists the backups of the project at path, oldest first:
// their names sort by time, and within one second by generation.
func listBackups(path string) []string {
	dir := backupDir(path)
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, stem+"-") && strings.HasSuffix(n, ".biaozhu") && strings.Contains(n, "-g") {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool { return backupKey(names[i]) < backupKey(names[j]) })
	for i, n := range names {
		names[i] = filepath.Join(dir, n)
	}
	return names
}

func backupKey(name string) string {
	k := strings.LastIndex(name, "-g")
	gen, _ := strconv.Atoi(strings.TrimSuffix(name[k+2:], ".biaozhu"))
	return fmt.Sprintf("%s-%020d", name[:k], gen)
}

// Backups lists the backups of the project, oldest first.
func (p *Project) Backups() []string { return listBackups(p.path) }

// IntegrityCheck runs SQLite's full integrity_check and returns its
// findings, nil when the file is sound.
func (p *Project) IntegrityCheck() ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	found, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (s string, err error) {
		return s, r.Scan(&s)
	}, "PRAGMA integrity_check")
	if err != nil {
		return nil, p.classify(err, "check the file")
	}
	if len(found) == 1 && found[0] == "ok" {
		return nil, nil
	}
	return found, nil
}

// Schema returns a copy of the project's schema.
func (p *Project) Schema() *Schema {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.schema.Clone()
}

func (p *Project) readSchema(ctx context.Context) (*Schema, error) {
	s := &Schema{}
	var tagset string
	if err := p.conn.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'pos_tagset'").Scan(&tagset); err == nil {
		if err := json.Unmarshal([]byte(tagset), &s.POS); err != nil {
			return nil, err
		}
	}
	var err error
	s.POS.Tags, err = queryAll(ctx, p.conn, func(r *sql.Rows) (t Tag, err error) {
		return t, r.Scan(&t.Name, &t.Description)
	}, "SELECT name, description FROM pos_tags ORDER BY position")
	if err != nil {
		return nil, err
	}
	s.Layers, err = queryAll(ctx, p.conn, func(r *sql.Rows) (l Layer, err error) {
		return l, r.Scan(&l.Name, &l.Overlap, &l.Description)
	}, "SELECT name, overlap, description FROM layers ORDER BY position")
	if err != nil {
		return nil, err
	}
	for i := range s.Layers {
		s.Layers[i].Labels, err = queryAll(ctx, p.conn, func(r *sql.Rows) (l Label, err error) {
			var pos string
			if err := r.Scan(&l.Name, &l.Color, &l.Key, &l.Description, &pos); err != nil {
				return l, err
			}
			if err := json.Unmarshal([]byte(pos), &l.POS); err != nil {
				return l, fmt.Errorf("label %s/%s: damaged POS list: %v", s.Layers[i].Name, l.Name, err)
			}
			if len(l.POS) == 0 {
				l.POS = nil
			}
			return l, nil
		}, "SELECT name, color, key, description, pos FROM labels WHERE layer = ? ORDER BY position", s.Layers[i].Name)
		if err != nil {
			return nil, err
		}
	}
	return s, nil
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

// removedKey is the meta key under which a project keeps the layers and
// labels removed from its schema, as they were last (JSON of a Schema):
// a step of a document's history that brings back a span of one of them
// brings it back too (see Editor.needed).
const removedKey = "removed_labels"

// readRemoved reads the layers and labels removed from the schema.
func readRemoved(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (*Schema, error) {
	var js string
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", removedKey).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return &Schema{}, nil
	}
	if err != nil {
		return nil, err
	}
	s := &Schema{}
	if err := json.Unmarshal([]byte(js), s); err != nil {
		return nil, err
	}
	return s, nil
}

// rememberRemoved adds the labels gone (layer, name), as the file has
// them, and their layers, to the removed layers and labels.
func rememberRemoved(ctx context.Context, tx *sql.Tx, gone [][2]string) error {
	if len(gone) == 0 {
		return nil
	}
	removed, err := readRemoved(ctx, tx)
	if err != nil {
		removed = &Schema{} // damaged: start again
	}
	for _, g := range gone {
		var l Layer
		var lb Label
		var pos string
		if err := tx.QueryRowContext(ctx, `SELECT l.overlap, l.description, b.color, b.key, b.description, b.pos
			FROM labels b JOIN layers l ON l.name = b.layer WHERE b.layer = ? AND b.name = ?`, g[0], g[1]).
			Scan(&l.Overlap, &l.Description, &lb.Color, &lb.Key, &lb.Description, &pos); err != nil {
			return err
		}
		lb.Name = g[1]
		_ = json.Unmarshal([]byte(pos), &lb.POS)
		if len(lb.POS) == 0 {
			lb.POS = nil
		}
		rl, ok := removed.Layer(g[0])
		if !ok {
			removed.Layers = append(removed.Layers, Layer{Name: g[0]})
			rl = &removed.Layers[len(removed.Layers)-1]
		}
		rl.Overlap, rl.Description = l.Overlap, l.Description
		rl.Labels = slices.DeleteFunc(rl.Labels, func(x Label) bool { return x.Name == lb.Name })
		rl.Labels = append(rl.Labels, lb)
	}
	js, err := json.Marshal(removed)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", removedKey, string(js))
	return err
}

// SchemaConflictError is a schema the project's spans do not fit: a label
// or layer they use removed, overlaps forbidden where they overlap.
type SchemaConflictError struct{ msg string }

func (e *SchemaConflictError) Error() string { return e.msg }

// stepMisfit reports whether err, from writing a step, says that the step
// does not fit what the file holds (a constraint of the file, or the
// schema, refused it), rather than that the file could not be written.
func stepMisfit(err error) bool {
	var sc *SchemaConflictError
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT || errors.As(err, &sc)
}

// writeSchema replaces the schema in the file. Layers and labels that
// spans use must stay (the foreign keys refuse their removal).
func writeSchema(ctx context.Context, tx *sql.Tx, s *Schema) error {
	head := s.POS
	head.Tags = nil
	js, _ := json.Marshal(head)
	stmts := []struct {
		q    string
		args []any
	}{
		{"INSERT INTO meta(key, value) VALUES ('pos_tagset', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", []any{string(js)}},
		{"DELETE FROM pos_tags", nil},
	}
	for i, t := range s.POS.Tags {
		stmts = append(stmts, struct {
			q    string
			args []any
		}{"INSERT INTO pos_tags(position, name, description) VALUES (?, ?, ?)", []any{i, t.Name, t.Description}})
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	// A layer that comes to forbid overlaps must not hold overlapping
	// spans (one that forbade them already holds none).
	for _, l := range s.Layers {
		if l.Overlap != OverlapForbidden {
			continue
		}
		var was string
		if err := tx.QueryRowContext(ctx, "SELECT overlap FROM layers WHERE name = ?", l.Name).Scan(&was); err == nil && was == string(OverlapForbidden) {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM spans a JOIN spans b ON a.doc_id = b.doc_id AND a.layer = b.layer
			AND a.id < b.id AND a.start < b."end" AND b.start < a."end" WHERE a.layer = ?`, l.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &SchemaConflictError{fmt.Sprintf("annotate: schema: layer %q holds %d pairs of overlapping spans; it cannot forbid overlaps until they are resolved", l.Name, n)}
		}
	}
	// Upsert what is there, then delete what is gone.
	for i, l := range s.Layers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO layers(name, overlap, description, position) VALUES (?, ?, ?, ?)
			ON CONFLICT(name) DO UPDATE SET overlap=excluded.overlap, description=excluded.description, position=excluded.position`,
			l.Name, string(l.Overlap), l.Description, i); err != nil {
			return err
		}
		for j, lb := range l.Labels {
			pos, _ := json.Marshal(nonNil(lb.POS))
			if _, err := tx.ExecContext(ctx, `INSERT INTO labels(layer, name, color, key, description, position, pos) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(layer, name) DO UPDATE SET color=excluded.color, key=excluded.key, description=excluded.description,
				position=excluded.position, pos=excluded.pos`,
				l.Name, lb.Name, lb.Color, lb.Key, lb.Description, j, string(pos)); err != nil {
				return err
			}
		}
	}
	rows, err := tx.QueryContext(ctx, "SELECT layer, name FROM labels")
	if err != nil {
		return err
	}
	var gone [][2]string
	for rows.Next() {
		var layer, name string
		if err := rows.Scan(&layer, &name); err != nil {
			rows.Close()
			return err
		}
		if l, ok := s.Layer(layer); !ok {
			gone = append(gone, [2]string{layer, name})
		} else if _, ok := l.Label(name); !ok {
			gone = append(gone, [2]string{layer, name})
		}
	}
	rows.Close()
	for _, g := range gone {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM spans WHERE layer = ? AND label = ?", g[0], g[1]).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &SchemaConflictError{fmt.Sprintf("annotate: schema: label %s/%s is used by %d spans; remove them first", g[0], g[1], n)}
		}
	}
	if err := rememberRemoved(ctx, tx, gone); err != nil {
		return err
	}
	for _, g := range gone {
		if _, err := tx.ExecContext(ctx, "DELETE FROM labels WHERE layer = ? AND name = ?", g[0], g[1]); err != nil {
			return err
		}
	}
	names := s.LayerNames()
	rows, err = tx.QueryContext(ctx, "SELECT name FROM layers")
	if err != nil {
		return err
	}
	var goneLayers []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		if !slices.Contains(names, name) {
			goneLayers = append(goneLayers, name)
		}
	}
	rows.Close()
	for _, name := range goneLayers {
		if _, err := tx.ExecContext(ctx, "DELETE FROM layers WHERE name = ?", name); err != nil {
			return err
		}
	}
	return nil
}

// SetSchema replaces the project's schema. A label or layer that spans
// still use cannot be removed: the error says how many spans use it.
func (p *Project) SetSchema(s *Schema) error {
	if err := s.Validate(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	s = s.Clone()
	if err := p.write(func(tx *sql.Tx) error { return writeSchema(context.Background(), tx, s) }); err != nil {
		return err
	}
	p.adoptSchema(s)
	return nil
}

// Documents lists the project's documents in ID order, without loading
// their texts or layers.
func (p *Project) Documents() ([]DocumentSummary, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (d DocumentSummary, err error) {
		var labels, created, updated string
		if err := r.Scan(&d.ID, &d.Name, &d.Source, &d.Status, &labels, &d.Chars, &d.Tokens, &d.Spans, &d.Tagged, &d.Damage, &created, &updated, &d.TokensFrom); err != nil {
			return d, err
		}
		if labels != "[]" {
			_ = json.Unmarshal([]byte(labels), &d.Labels)
		}
		d.Created, d.Updated = parseTime(created), parseTime(updated)
		return d, nil
	}, "SELECT id, name, source, status, labels, chars, tokens, spans, edited, damage, created, updated, tokens_from FROM documents ORDER BY id")
	return out, p.wrapErr(err, "list the documents")
}

// FindByHash returns the document whose source file had this content hash.
func (p *Project) FindByHash(hash string) (DocumentSummary, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return DocumentSummary{}, false, err
	}
	var d DocumentSummary
	err := p.conn.QueryRowContext(context.Background(), "SELECT id, name, source FROM documents WHERE hash = ? ORDER BY id LIMIT 1", hash).Scan(&d.ID, &d.Name, &d.Source)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, p.classify(err, "look up a content hash")
	}
	return d, true, nil
}

func damageCount(r text.Report) int {
	n := 0
	for _, m := range r.Marks {
		if m.Kind == text.MarkDamage {
			n++
		}
	}
	return n
}

// editedDelta is how many more edited tokens a document has after step
// changes was applied (op OpApply, OpRedo) or undone (OpUndo).
func editedDelta(changes []Change, op Op) int {
	n := 0
	for _, c := range changes {
		if c.Tokens != nil {
			n += countEdited(c.Tokens.After) - countEdited(c.Tokens.Before)
		}
	}
	if op == OpUndo {
		return -n
	}
	return n
}

func countEdited(toks []text.Token) int {
	n := 0
	for i := range toks {
		if toks[i].Edited {
			n++
		}
	}
	return n
}

// AddDocument stores doc (as Process made it, possibly with spans from an
// imported file) as a new document and sets doc.ID, its times and its
// spans' IDs. Its spans are validated against the schema first.
func (p *Project) AddDocument(doc *Document) error { return p.AddDocuments([]*Document{doc}, nil) }

// AddDocuments stores docs as new documents in one transaction: all of
// them, or (on any error) none. When schema is not nil it replaces the
// project's schema in the same transaction, first, so that the documents'
// spans may use labels it adds (an import that extends the schema). Each
// document's spans are validated against the schema; an error names the
// document. On success every doc has its ID, times and span IDs set.
//
// A document segmented for storing (SegmentForStore) has its token layer
// written from the compact form, a block at a time, and its Tokens stay
// nil: Document(id) loads it, tokens and all, from the file (AddDocuments
// keeps no document open).
func (p *Project) AddDocuments(docs []*Document, schema *Schema) error {
	return p.AddDocumentsContext(context.Background(), docs, schema)
}

// AddDocumentsContext is AddDocuments, storing nothing and returning
// ctx's error (wrapped) when ctx is done before the commit. It is
// AddDocumentsFrom handed docs; on failure they are as they were (but
// for a Status left empty, which reads as new).
func (p *Project) AddDocumentsContext(ctx context.Context, docs []*Document, schema *Schema) error {
	if schema != nil {
		if err := schema.Validate(); err != nil {
			return err
		}
	}
	spans := make([][]Span, len(docs))
	for i, doc := range docs {
		spans[i] = doc.Spans
	}
	err := p.AddDocumentsFrom(ctx, func(a *Adder) error {
		if schema != nil {
			if err := a.SetSchema(schema); err != nil {
				return err
			}
		}
		for _, doc := range docs {
			if err := a.Add(doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for i, doc := range docs {
			doc.ID, doc.Spans, doc.Created, doc.Updated = 0, spans[i], time.Time{}, time.Time{}
		}
	}
	return err
}

// Adder stores documents in the transaction AddDocumentsFrom opened for
// them. Its methods are for the function AddDocumentsFrom calls, on any
// one goroutine at a time; after an error every call returns that error
// again, and the transaction is rolled back.
type Adder struct {
	p       *Project
	ctx     context.Context
	tx      *sql.Tx
	ins     *sql.Stmt // INSERT INTO token_blocks
	insSpan *sql.Stmt // INSERT INTO spans
	buf     []byte    // token block encoding, reused
	// schema is what spans are validated against: the project's, or the
	// one SetSchema wrote (extended), which the project adopts when the
	// transaction commits.
	schema   *Schema
	extended bool
	next     int64 // the next span ID
	now      time.Time
	n        int   // documents stored
	err      error // the first error: nothing more is stored
	closed   bool  // AddDocumentsFrom returned
}

// AddDocumentsFrom stores the documents produce hands to the Adder as new
// documents, in one transaction: every one of them, or (when produce or
// the Adder fails, or ctx is done before the commit) none, the file left
// as it was. The Adder writes each document (and a schema SetSchema
// gives) into the transaction as it comes, so that produce need hold only
// the document at hand: an import of a million small documents takes
// the memory of one (and SQLite's bounded page cache), not of all.
//
// The project stays usable meanwhile: Schema answers (the schema as
// committed: what SetSchema writes is the project's only at the commit),
// and everything that reads or writes the file (Documents, Document,
// edits, Close…) waits until the transaction ends — it could otherwise see
// documents that are not committed, or write into the import's
// transaction. The lock (p.mu) is held only while the Adder writes, so a
// caller waiting for the import never waits long for the lock itself.
// produce must therefore not call those methods of the project itself
// (they would wait for it); it may call Schema.
//
// Like every write it is refused on a project opened read-only; a full
// disk fails it like any error, nothing stored.
func (p *Project) AddDocumentsFrom(ctx context.Context, produce func(a *Adder) error) (err error) {
	p.mu.Lock()
	a, err := p.beginAdding(ctx)
	p.mu.Unlock()
	if err != nil {
		return err
	}
	returned := false
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		a.closed = true
		a.ins.Close()
		a.insSpan.Close()
		if err == nil {
			err = a.err // a failure produce went on from
		}
		if err == nil && !returned {
			err = errors.New("annotate: AddDocumentsFrom: produce panicked") // the panic goes on
		}
		if err == nil && ctx.Err() != nil {
			err = fmt.Errorf("annotate: %s: store %d documents: %w", p.path, a.n, ctx.Err())
		}
		if err == nil {
			if err = p.commitTx(ctx, a.tx, true, a.next); err != nil {
				if ctx.Err() != nil {
					err = ctx.Err() // the driver may say "interrupted" instead
				}
				err = fmt.Errorf("annotate: %s: store %d documents: %w", p.path, a.n, err)
			}
		}
		if err != nil {
			a.tx.Rollback()
		} else {
			p.nextSpanID = a.next
			if a.extended {
				p.adoptSchema(a.schema)
			}
		}
		p.adding = nil
		close(p.addingDone)
	}()
	err = produce(a)
	returned = true
	return err
}

// beginAdding opens AddDocumentsFrom's transaction, p.mu held.
func (p *Project) beginAdding(ctx context.Context) (*Adder, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	if p.readOnly {
		return nil, projectErr(p.path, ErrReadOnly, "opened read-only: changes are not saved")
	}
	// The transaction is begun without ctx: database/sql would roll it
	// back on its own goroutine when ctx is done, under a statement of
	// ours. Each statement gets ctx instead (SQLite stops it), and the
	// commit is not made once ctx is done.
	tx, err := p.conn.BeginTx(context.Background(), nil)
	if err != nil {
		return nil, fmt.Errorf("annotate: %s: store documents: %w", p.path, err)
	}
	a := &Adder{p: p, ctx: ctx, tx: tx, schema: p.schema, next: p.nextSpanID, now: time.Now().UTC()}
	if a.ins, err = tx.PrepareContext(context.Background(), "INSERT INTO token_blocks(doc_id, start, count, data) VALUES (?, ?, ?, ?)"); err == nil {
		a.insSpan, err = tx.PrepareContext(context.Background(), `INSERT INTO spans(id, doc_id, layer, label, start, "end", text, note, origin, annotator)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	}
	if err != nil {
		if a.ins != nil {
			a.ins.Close()
		}
		tx.Rollback()
		return nil, fmt.Errorf("annotate: %s: store documents: %w", p.path, err)
	}
	p.adding, p.addingDone = a, make(chan struct{})
	return a, nil
}

// usable returns the error that ended a's work (a failure, or
// AddDocumentsFrom having returned), nil while it may store. Call it
// with p.mu held.
func (a *Adder) usable() error {
	if a.closed {
		return errors.New("annotate: the transaction of AddDocumentsFrom has ended")
	}
	return a.err
}

// fail records err as the Adder's first error and returns it.
func (a *Adder) fail(err error) error {
	a.err = err
	return err
}

// SetSchema writes s (validated) into the transaction as the project's
// schema, replacing the one written last: documents added after it may
// use the labels and layers it adds. The project adopts it when the
// transaction commits.
func (a *Adder) SetSchema(s *Schema) error {
	p := a.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := a.usable(); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return a.fail(err)
	}
	s = s.Clone()
	if err := writeSchema(a.ctx, a.tx, s); err != nil {
		if a.ctx.Err() != nil {
			err = a.ctx.Err()
		}
		return a.fail(fmt.Errorf("annotate: %s: store the schema: %w", p.path, err))
	}
	a.schema, a.extended = s, true
	return nil
}

// Add writes doc (as Process made it, or read from an annotated file) into
// the transaction as a new document, its spans validated against the
// schema (the project's, or the last SetSchema's) as AddSpan edits of an
// empty layer would be; an error names the document. doc gets its ID,
// times and span IDs, which hold once the transaction commits. A
// document segmented for storing (SegmentForStore) has its token layer
// written from the compact form (see AddDocuments).
func (a *Adder) Add(doc *Document) error {
	p := a.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := a.usable(); err != nil {
		return err
	}
	if err := a.ctx.Err(); err != nil {
		return a.fail(fmt.Errorf("annotate: %s: store document %q: %w", p.path, doc.Name, err))
	}
	if doc.Status == "" {
		doc.Status = StatusNew
	}
	if !doc.Status.Valid() {
		return a.fail(fmt.Errorf("annotate: document %q: status %q is not one of new, in progress, done", doc.Name, doc.Status))
	}
	// Validate the spans as AddSpan edits of an empty layer would be.
	spans := doc.Spans
	doc.Spans = nil
	next := a.next
	pl := &planner{doc: doc, schema: a.schema, annotator: p.annotator, newID: func() int64 { next++; return next - 1 }}
	for _, s := range spans {
		if s.Origin == "" {
			s.Origin = OriginImported
		}
		if err := (AddSpan{Span: s}).plan(pl); err != nil {
			doc.Spans = spans
			var ee *EditError
			if errors.As(err, &ee) {
				named := *ee
				named.Edit = fmt.Sprintf("document %q: %s", doc.Name, ee.Edit)
				return a.fail(&named)
			}
			return a.fail(err)
		}
	}
	planned := doc.Spans
	doc.Spans = spans
	id, err := a.write(doc, planned)
	if err != nil {
		if a.ctx.Err() != nil {
			err = a.ctx.Err() // the driver may say "interrupted" instead
		}
		return a.fail(fmt.Errorf("annotate: %s: store document %q: %w", p.path, doc.Name, err))
	}
	a.next = next
	a.n++
	doc.ID, doc.Spans = id, planned
	doc.Created, doc.Updated = a.now, a.now
	return nil
}

// write inserts doc, with its validated spans, and returns its ID.
func (a *Adder) write(doc *Document, spans []Span) (int64, error) {
	ctx, tx := a.ctx, a.tx
	labels, _ := json.Marshal(nonNil(doc.Labels))
	res, err := tx.ExecContext(ctx, `INSERT INTO documents(name, source, hash, status, labels, chars, tokens, spans, edited, damage, created, updated, tokens_from)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		doc.Name, doc.Source, doc.Hash, string(doc.Status), string(labels), doc.Chars(), doc.tokenCount(), len(spans),
		countEdited(doc.Tokens), damageCount(doc.Report), timeText(a.now), timeText(a.now), doc.TokensFrom)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	rawMap, _ := json.Marshal(doc.RawMap)
	report, _ := json.Marshal(doc.Report)
	// The driver copies each text it binds (and SQLite makes a row of
	// both): a raw text that is the clean one (nothing was cleaned, or an
	// imported text) is bound once, the clean text's parameter standing
	// for both columns.
	insText, raw := "INSERT INTO texts(doc_id, raw, text, raw_map, report, sentences) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", doc.Raw
	if raw == doc.Text {
		insText, raw = "INSERT INTO texts(doc_id, raw, text, raw_map, report, sentences) VALUES (?1, ?3, ?3, ?4, ?5, ?6)", ""
	}
	// Those copies and the row are SQLite's, taken outside Go's heap.
	freeBefore(2 * (len(raw) + len(doc.Text)))
	if _, err := tx.ExecContext(ctx, insText, id, raw, doc.Text, string(rawMap), string(report), encodeSentences(doc.Sentences)); err != nil {
		return 0, err
	}
	if a.buf, err = writeTokenBlocks(ctx, a.ins, id, doc, a.buf); err != nil {
		return 0, err
	}
	for k := range spans {
		sp := &spans[k]
		if _, err := a.insSpan.ExecContext(ctx, sp.ID, id, sp.Layer, sp.Label, sp.Start, sp.End, doc.Slice(sp.Start, sp.End),
			sp.Note, string(sp.Origin), sp.Annotator); err != nil {
			return 0, fmt.Errorf("span %d: %w", sp.ID, err)
		}
	}
	for _, r := range doc.Rejected {
		if err := syncRejection(ctx, tx, id, &SpanChange{After: &r}, false); err != nil {
			return 0, fmt.Errorf("rejected suggestion: %w", err)
		}
	}
	return id, nil
}

// syncRejection writes a change of the rejected places, undone when undo.
func syncRejection(ctx context.Context, tx *sql.Tx, docID int64, r *SpanChange, undo bool) error {
	del, ins := r.Before, r.After
	if undo {
		del, ins = ins, del
	}
	if del != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rejections WHERE doc_id = ? AND layer = ? AND label = ? AND start = ? AND "end" = ?`,
			docID, del.Layer, del.Label, del.Start, del.End); err != nil {
			return err
		}
	}
	if ins != nil {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO rejections(doc_id, layer, label, start, "end") VALUES (?, ?, ?, ?, ?)`,
			docID, ins.Layer, ins.Label, ins.Start, ins.End); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func upsertSpan(ctx context.Context, tx *sql.Tx, docID int64, doc *Document, s Span) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO spans(id, doc_id, layer, label, start, "end", text, note, origin, annotator)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET layer=excluded.layer, label=excluded.label, start=excluded.start, "end"=excluded."end",
		text=excluded.text, note=excluded.note, origin=excluded.origin, annotator=excluded.annotator
		WHERE doc_id = excluded.doc_id`,
		s.ID, docID, s.Layer, s.Label, s.Start, s.End, doc.Slice(s.Start, s.End), s.Note, string(s.Origin), s.Annotator)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("span %d belongs to another document", s.ID)
	}
	return nil
}

func encodeSentences(sents []text.Sentence) []byte {
	buf := make([]byte, 0, 4*len(sents))
	prev := 0
	for _, s := range sents {
		buf = binary.AppendUvarint(buf, uint64(s.Start-prev))
		buf = binary.AppendUvarint(buf, uint64(s.End-s.Start))
		prev = s.End
	}
	return buf
}

func decodeSentences(buf []byte) ([]text.Sentence, error) {
	var out []text.Sentence
	prev := 0
	for len(buf) > 0 {
		gap, n := binary.Uvarint(buf)
		if n <= 0 {
			return nil, errors.New("bad sentence data")
		}
		buf = buf[n:]
		length, n := binary.Uvarint(buf)
		if n <= 0 {
			return nil, errors.New("bad sentence data")
		}
		buf = buf[n:]
		s := text.Sentence{Start: prev + int(gap)}
		s.End = s.Start + int(length)
		out = append(out, s)
		prev = s.End
	}
	return out, nil
}

// writeTokenBlocks writes doc's token layer with ins (INSERT INTO
// token_blocks) as blocks of tokenBlockSize tokens, encoded in buf (which
// it returns for reuse): from doc.Tokens, or for a document segmented for
// storing from its compact form, a block at a time, so that its []Token
// never exists.
func writeTokenBlocks(ctx context.Context, ins *sql.Stmt, id int64, doc *Document, buf []byte) ([]byte, error) {
	write := func(blk []text.Token) error {
		buf = encodeTokens(buf[:0], blk)
		_, err := ins.ExecContext(ctx, id, blk[0].Start, len(blk), buf)
		return err
	}
	if doc.Tokens != nil || doc.compact == nil {
		for k := 0; k < len(doc.Tokens); k += tokenBlockSize {
			if err := write(doc.Tokens[k:min(k+tokenBlockSize, len(doc.Tokens))]); err != nil {
				return buf, err
			}
		}
		return buf, nil
	}
	blk := make([]text.Token, 0, tokenBlockSize)
	var err error
	for t := range doc.compact.Each {
		if blk = append(blk, t); len(blk) == tokenBlockSize {
			if err = write(blk); err != nil {
				return buf, err
			}
			blk = blk[:0]
		}
	}
	if len(blk) > 0 {
		err = write(blk)
	}
	return buf, err
}

// tokenCount is how many tokens d has, in Tokens or in its compact form.
func (d *Document) tokenCount() int {
	if d.Tokens == nil && d.compact != nil {
		return d.compact.Len()
	}
	return len(d.Tokens)
}

// encodeTokens appends the token block encoding of toks to buf.
func encodeTokens(buf []byte, toks []text.Token) []byte {
	prev := 0
	if len(toks) > 0 {
		prev = toks[0].Start
	}
	for _, t := range toks {
		buf = binary.AppendUvarint(buf, uint64(t.Start-prev))
		v := uint64(t.End-t.Start) << 1
		if t.Edited {
			v |= 1
		}
		buf = binary.AppendUvarint(buf, v)
		buf = binary.AppendUvarint(buf, uint64(len(t.POS)))
		buf = append(buf, t.POS...)
		prev = t.End
	}
	return buf
}

// decodeTokens appends the tokens of a block starting at start to toks,
// without their Text.
func decodeTokens(toks []text.Token, start int, buf []byte) ([]text.Token, error) {
	prev := start
	bad := errors.New("bad token block")
	for len(buf) > 0 {
		gap, n := binary.Uvarint(buf)
		if n <= 0 {
			return toks, bad
		}
		buf = buf[n:]
		v, n := binary.Uvarint(buf)
		if n <= 0 {
			return toks, bad
		}
		buf = buf[n:]
		pl, n := binary.Uvarint(buf)
		if n <= 0 || uint64(len(buf)-n) < pl {
			return toks, bad
		}
		pos := string(buf[n : n+int(pl)])
		buf = buf[n+int(pl):]
		t := text.Token{Start: prev + int(gap), POS: pos, Edited: v&1 == 1}
		t.End = t.Start + int(v>>1)
		toks = append(toks, t)
		prev = t.End
	}
	return toks, nil
}

// Document loads the document with that ID (text, token layer, spans and
// history) and returns it. The value is the project's own and stays the
// live one while anybody holds it: edits through the project change it, so
// read it on the goroutine that applies them. Documents nobody holds are
// let go beyond the 8 used last.
func (p *Project) Document(id int64) (*Document, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	od, err := p.load(id)
	if err != nil {
		return nil, err
	}
	return od.ed.Doc, nil
}

func (p *Project) load(id int64) (*openDoc, error) {
	if od, ok := p.docs[id]; ok {
		p.touch(id)
		return od, nil
	}
	if wp, ok := p.loaded[id]; ok {
		if od := wp.Value(); od != nil {
			p.keep(id, od)
			return od, nil
		}
		delete(p.loaded, id)
	}
	ctx := context.Background()
	d := &Document{ID: id}
	var status, labels, created, updated, rawMap, report string
	var sents []byte
	err := p.conn.QueryRowContext(ctx, `SELECT d.name, d.source, d.hash, d.status, d.labels, d.created, d.updated, d.tokens_from,
		t.raw, t.text, t.raw_map, t.report, t.sentences FROM documents d JOIN texts t ON t.doc_id = d.id WHERE d.id = ?`, id).
		Scan(&d.Name, &d.Source, &d.Hash, &status, &labels, &created, &updated, &d.TokensFrom, &d.Raw, &d.Text, &rawMap, &report, &sents)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, projectErr(p.path, ErrNoDocument, "no document %d", id)
	}
	if err != nil {
		return nil, p.classify(err, fmt.Sprintf("load document %d", id))
	}
	d.Status = Status(status)
	d.Created, d.Updated = parseTime(created), parseTime(updated)
	bad := func(what string, err error) error {
		return projectErr(p.path, ErrDamaged, "document %d: damaged %s: %v", id, what, err)
	}
	if err := json.Unmarshal([]byte(labels), &d.Labels); err != nil {
		return nil, bad("labels", err)
	}
	if len(d.Labels) == 0 {
		d.Labels = nil
	}
	if err := json.Unmarshal([]byte(rawMap), &d.RawMap); err != nil {
		return nil, bad("offset map", err)
	}
	if err := json.Unmarshal([]byte(report), &d.Report); err != nil {
		return nil, bad("report", err)
	}
	if d.Sentences, err = decodeSentences(sents); err != nil {
		return nil, bad("sentences", err)
	}
	od := &openDoc{}
	rows, err := p.conn.QueryContext(ctx, "SELECT start, count, data FROM token_blocks WHERE doc_id = ? ORDER BY start", id)
	if err != nil {
		return nil, p.classify(err, "load tokens")
	}
	for rows.Next() {
		var start, count int
		var data []byte
		if err := rows.Scan(&start, &count, &data); err != nil {
			rows.Close()
			return nil, p.classify(err, "load tokens")
		}
		od.blocks = append(od.blocks, start)
		if d.Tokens, err = decodeTokens(d.Tokens, start, data); err != nil {
			rows.Close()
			return nil, bad("token block", err)
		}
	}
	rows.Close()
	w := runeWalker{s: d.Text}
	n := d.Chars()
	for i := range d.Tokens {
		t := &d.Tokens[i]
		if t.Start < 0 || t.End > n || t.Start >= t.End || (i > 0 && t.Start < d.Tokens[i-1].End) {
			return nil, bad("token layer", fmt.Errorf("token %d [%d,%d) is outside the text or out of order", i, t.Start, t.End))
		}
		b := w.seek(t.Start)
		t.Text = d.Text[b:w.seek(t.End)]
	}
	d.Spans, err = queryAll(ctx, p.conn, func(r *sql.Rows) (s Span, err error) {
		return s, r.Scan(&s.ID, &s.Layer, &s.Label, &s.Start, &s.End, &s.Note, &s.Origin, &s.Annotator)
	}, `SELECT id, layer, label, start, "end", note, origin, annotator FROM spans WHERE doc_id = ? ORDER BY start, "end", id`, id)
	if err != nil {
		return nil, p.classify(err, "load spans")
	}
	d.Rejected, err = queryAll(ctx, p.conn, func(r *sql.Rows) (s Span, err error) {
		return s, r.Scan(&s.Layer, &s.Label, &s.Start, &s.End)
	}, `SELECT layer, label, start, "end" FROM rejections WHERE doc_id = ? ORDER BY start, "end", layer, label`, id)
	if err != nil {
		return nil, p.classify(err, "load rejected suggestions")
	}
	h := &History{Limit: p.historyMax}
	rows, err = p.conn.QueryContext(ctx, "SELECT id, name, changes, undone, created FROM history WHERE doc_id = ? ORDER BY id", id)
	if err != nil {
		return nil, p.classify(err, "load history")
	}
	for rows.Next() {
		e := &Entry{}
		var changes, created string
		var undone bool
		if err := rows.Scan(&e.ID, &e.Name, &changes, &undone, &created); err != nil {
			rows.Close()
			return nil, p.classify(err, "load history")
		}
		// A step damaged in the file does not keep the document from
		// opening: undoing or redoing it is refused (a *StepError), and
		// it can be discarded.
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
			e.Changes, e.damaged = nil, fmt.Errorf("%w: the step is damaged in the file: %v", ErrDamaged, err)
		}
		for _, c := range e.Changes {
			if err := c.valid(); err != nil {
				e.Changes, e.damaged = nil, fmt.Errorf("%w: the step is damaged in the file: %v", ErrDamaged, err)
				break
			}
		}
		e.Time = parseTime(created)
		if undone {
			h.Undone = append(h.Undone, e)
		} else {
			h.Done = append(h.Done, e)
		}
	}
	rows.Close()
	slices.Reverse(h.Undone) // the next to redo, the oldest undone, last
	od.ed = &Editor{Doc: d, Schema: p.schema, History: h, Annotator: p.annotator,
		NewSpanID: func() int64 { p.nextSpanID++; return p.nextSpanID - 1 },
		needs:     projectNeeds{p}}
	od.ed.Commit = func(op Op, e *Entry) error { return p.commit(od, op, e) }
	d.owner, h.owner = od, od
	if p.loaded == nil {
		p.loaded = map[int64]weak.Pointer[openDoc]{}
	}
	p.loaded[id] = weak.Make(od)
	p.keep(id, od)
	return od, nil
}

// keep makes od one of the documents the project holds, letting go of the
// one used least recently beyond maxOpenDocs.
func (p *Project) keep(id int64, od *openDoc) {
	p.docs[id] = od
	p.touch(id)
	if len(p.lru) > maxOpenDocs {
		delete(p.docs, p.lru[0])
		p.lru = p.lru[1:]
	}
}

func (p *Project) touch(id int64) {
	p.lru = slices.DeleteFunc(p.lru, func(x int64) bool { return x == id })
	p.lru = append(p.lru, id)
}

// Apply applies edit e to document id and commits it to the file before it
// returns: when it returns nil, the edit is durable.
func (p *Project) Apply(id int64, e Edit) (*Entry, error) {
	return p.withEditor(id, func(ed *Editor) (*Entry, error) { return ed.Apply(e) })
}

// Undo undoes the last step of document id's history and commits that; it
// returns the step, nil when there was none.
func (p *Project) Undo(id int64) (*Entry, error) { return p.withEditor(id, (*Editor).Undo) }

// Redo redoes the last undone step of document id's history.
func (p *Project) Redo(id int64) (*Entry, error) { return p.withEditor(id, (*Editor).Redo) }

// withEditor runs f with document id's editor, the project locked.
func (p *Project) withEditor(id int64, f func(*Editor) (*Entry, error)) (*Entry, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	od, err := p.load(id)
	if err != nil {
		return nil, err
	}
	return f(od.ed)
}

// Discard drops step e from document id's history, in the file too, with
// the steps behind it (see Editor.Discard); it returns how many steps it
// dropped. It is what the user can do about a step refused with a
// *StepError, other than making it fit again.
func (p *Project) Discard(id int64, e *Entry) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return 0, err
	}
	od, err := p.load(id)
	if err != nil {
		return 0, err
	}
	return od.ed.Discard(e)
}

// live calls f with every document in memory: those the project keeps and
// those a caller still holds.
func (p *Project) live(f func(id int64, od *openDoc)) {
	for id, wp := range p.loaded {
		if od := wp.Value(); od != nil {
			f(id, od)
		}
	}
}

// projectNeeds is what the spans of a project need of its schema (see
// schemaNeeds): the documents in memory are asked (a step may have changed
// them before it is written), the file for the others. When the file
// cannot say, the answer is yes, which keeps what is asked about.
type projectNeeds struct{ p *Project }

func (n projectNeeds) inUse(layer, label string) bool {
	return n.ask(func(d *Document) bool { return docUses(d, layer, label) }, "doc_id",
		"SELECT 1 FROM spans WHERE layer = ? AND (? = '' OR label = ?)", layer, label, label)
}

func (n projectNeeds) overlap(layer string) bool {
	return n.ask(func(d *Document) bool { return docNeeds{d}.overlap(layer) }, "a.doc_id",
		`SELECT 1 FROM spans a JOIN spans b ON a.doc_id = b.doc_id AND a.layer = b.layer
			AND a.id < b.id AND a.start < b."end" AND b.start < a."end" WHERE a.layer = ?`, layer)
}

// recall finds a layer and label in the schema as the file has it (a step
// in memory may have removed it), else among those removed from it (see
// rememberRemoved); the layer as it is, where there is one. A label that
// left no record (removed by a Biaozhu older than the record) comes back
// by its name, grey, saying so in its description, on its layer as it is
// or on a new one that allows overlaps: the spans come back whole, and
// only the label's look is lost.
func (n projectNeeds) recall(layer, label string) (Layer, bool) {
	if def, ok := recallIn(n.p.schema, layer, label); ok {
		return def, true
	}
	removed, err := readRemoved(context.Background(), n.p.conn)
	if err != nil {
		removed = &Schema{}
	}
	def, ok := recallIn(removed, layer, label)
	if !ok {
		def = Layer{Name: layer, Overlap: OverlapAllowed,
			Labels: []Label{{Name: label, Color: unrecordedColor, Description: unrecordedLabel}}}
	}
	if l, has := n.p.schema.Layer(layer); has {
		def.Overlap, def.Description = l.Overlap, l.Description
	}
	return def, true
}

// unrecordedColor and unrecordedLabel are the colour and description of a
// label that undo or redo brings back with no record of how it looked.
const (
	unrecordedColor = "#888888"
	unrecordedLabel = "brought back by undo or redo; its colour and key were not recorded"
)

// ask asks the documents in memory (mem), then the others in the file:
// query is a SELECT of spans to which ask adds a condition on column col
// that leaves out the documents in memory.
func (n projectNeeds) ask(mem func(*Document) bool, col, query string, args ...any) bool {
	p := n.p
	found := false
	var ids []string
	p.live(func(id int64, od *openDoc) {
		found = found || mem(od.ed.Doc)
		ids = append(ids, strconv.FormatInt(id, 10))
	})
	if found {
		return true
	}
	if len(ids) > 0 {
		query += " AND " + col + " NOT IN (" + strings.Join(ids, ", ") + ")"
	}
	var n1 int
	if err := p.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM ("+query+" LIMIT 1)", args...).Scan(&n1); err != nil {
		return true
	}
	return n1 > 0
}

// adoptSchema makes s the project's schema, in every editor too, once the
// file holds it.
func (p *Project) adoptSchema(s *Schema) {
	p.schema = s
	p.live(func(_ int64, od *openDoc) { od.ed.Schema = s })
}

// History returns document id's history (its entries are the project's).
func (p *Project) History(id int64) (*History, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	od, err := p.load(id)
	if err != nil {
		return nil, err
	}
	return od.ed.History, nil
}

// commit writes what step e changed in od's document (already changed in
// memory) to the file, in one transaction.
func (p *Project) commit(od *openDoc, op Op, e *Entry) error {
	if op == OpDiscard {
		return p.discard(od, e)
	}
	now := time.Now().UTC()
	blocks := slices.Clone(od.blocks)
	before, after := p.schema, od.ed.Schema
	ctx := context.Background()
	err := p.write(func(tx *sql.Tx) error {
		return writeStep(ctx, tx, before, after, func() error { return p.commitIn(ctx, tx, od, op, e, &blocks, now) })
	})
	if err != nil {
		return fmt.Errorf("annotate: %s: save %q: %w", p.path, e.Name, err)
	}
	od.blocks = blocks
	od.ed.Doc.Updated = now
	e.amended = false
	if after != before {
		p.adoptSchema(after)
	}
	return nil
}

// writeStep writes, in tx, a step that takes the schema from before to
// after: first the layers and labels the step adds (with those it removes
// still there), so that its spans can use them; then the documents
// (write); then the schema as the step leaves it, once no span uses what
// it removes.
func writeStep(ctx context.Context, tx *sql.Tx, before, after *Schema, write func() error) error {
	changed := after != before && !schemaEqual(after, before)
	if changed {
		if err := writeSchema(ctx, tx, unionSchema(after, before)); err != nil {
			return err
		}
	}
	if err := write(); err != nil {
		return err
	}
	if changed {
		return writeSchema(ctx, tx, after)
	}
	return nil
}

// discard drops step e of od's history from the file with the steps behind
// it (see Editor.Discard).
func (p *Project) discard(od *openDoc, e *Entry) error {
	undone := slices.ContainsFunc(od.ed.history().Undone, e.Same)
	d := od.ed.Doc.ID
	err := p.write(func(tx *sql.Tx) error {
		ctx := context.Background()
		if undone {
			// The steps to redo after e: the later ones.
			if _, err := tx.ExecContext(ctx, "DELETE FROM segmentation_edits WHERE history_id IN (SELECT id FROM history WHERE doc_id = ? AND undone = 1 AND id >= ?)", d, e.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "DELETE FROM history WHERE doc_id = ? AND undone = 1 AND id >= ?", d, e.ID)
			return err
		}
		// e and the older steps; their splits and merges stay in effect
		// (the document keeps them), for the segmenter to learn from.
		_, err := tx.ExecContext(ctx, "DELETE FROM history WHERE doc_id = ? AND undone = 0 AND id <= ?", d, e.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("annotate: %s: discard %q: %w", p.path, e.Name, err)
	}
	return nil
}

// commitIn writes, in tx, what step e changed in od's document; blocks
// is od's token block list, updated to match (the caller keeps it once tx
// commits).
func (p *Project) commitIn(ctx context.Context, tx *sql.Tx, od *openDoc, op Op, e *Entry, blocks *[]int, now time.Time) error {
	d := od.ed.Doc
	spans := map[int64]bool{}
	var ranges [][2]int // token ranges changed
	for _, c := range e.Changes {
		switch {
		case c.Tokens != nil:
			ranges = append(ranges, [2]int{c.Tokens.Start, c.Tokens.End})
		case c.Span != nil:
			if sc := c.Span; sc.Before != nil {
				spans[sc.Before.ID] = true
			} else if sc.After != nil {
				spans[sc.After.ID] = true
			}
		}
	}
	// Each token block a step touched is written once, from the
	// tokens as they are now.
	for _, r := range blockRanges(*blocks, ranges) {
		if err := p.syncTokens(ctx, tx, d, blocks, r[0], r[1]); err != nil {
			return err
		}
	}
	for _, c := range e.Changes {
		if r := c.Rejected; r != nil {
			if err := syncRejection(ctx, tx, d.ID, r, op == OpUndo); err != nil {
				return err
			}
		}
	}
	for id := range spans {
		if s, ok := d.Span(id); ok {
			if err := upsertSpan(ctx, tx, d.ID, d, s); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, "DELETE FROM spans WHERE id = ?", id); err != nil {
			return err
		}
	}
	labels, _ := json.Marshal(nonNil(d.Labels))
	if _, err := tx.ExecContext(ctx, "UPDATE documents SET status=?, labels=?, tokens=?, spans=?, edited=edited+?, updated=? WHERE id=?",
		string(d.Status), string(labels), len(d.Tokens), len(d.Spans), editedDelta(e.Changes, op), timeText(now), d.ID); err != nil {
		return err
	}
	switch op {
	case OpApply:
		// A new step drops the steps that could have been redone.
		if _, err := tx.ExecContext(ctx, "DELETE FROM segmentation_edits WHERE history_id IN (SELECT id FROM history WHERE doc_id = ? AND undone = 1)", d.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM history WHERE doc_id = ? AND undone = 1", d.ID); err != nil {
			return err
		}
		changes, err := json.Marshal(e.Changes)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO history(doc_id, name, changes, created) VALUES (?, ?, ?, ?)", d.ID, e.Name, string(changes), timeText(e.Time))
		if err != nil {
			return err
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM history WHERE doc_id = ?1 AND id <= (SELECT id FROM history WHERE doc_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
			d.ID, od.ed.History.limit()); err != nil {
			return err
		}
		for _, c := range e.Changes {
			if err := recordSegmentation(ctx, tx, d, e, c.Tokens, now); err != nil {
				return err
			}
		}
	case OpUndo, OpRedo:
		undone := op == OpUndo
		if _, err := tx.ExecContext(ctx, "UPDATE history SET undone = ? WHERE id = ?", undone, e.ID); err != nil {
			return err
		}
		if e.amended {
			changes, err := json.Marshal(e.Changes)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE history SET changes = ? WHERE id = ?", string(changes), e.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE segmentation_edits SET undone = ? WHERE history_id = ?", undone, e.ID); err != nil {
			return err
		}
	}
	return nil
}

// recordSegmentation records a split or merge for the segmenter to learn
// from.
func recordSegmentation(ctx context.Context, tx *sql.Tx, d *Document, e *Entry, t *TokensChange, now time.Time) error {
	if t == nil || !slices.ContainsFunc(t.After, func(t text.Token) bool { return t.Edited }) {
		return nil // a re-segmentation: it teaches nothing
	}
	if len(t.Before) == len(t.After) {
		same := true
		for k := range t.Before {
			same = same && t.Before[k].Start == t.After[k].Start && t.Before[k].End == t.After[k].End
		}
		if same {
			return nil // a POS change
		}
	}
	kind := "resegment"
	switch {
	case len(t.Before) == 1 && len(t.After) == 2:
		kind = "split"
	case len(t.Before) > 1 && len(t.After) == 1:
		kind = "merge"
	}
	words := func(ts []text.Token) string {
		ws := make([]string, len(ts))
		for k, tok := range ts {
			ws[k] = d.Slice(tok.Start, tok.End)
		}
		js, _ := json.Marshal(ws)
		return string(js)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO segmentation_edits(doc_id, history_id, kind, start, "end", before, after, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, e.ID, kind, t.Start, t.End, words(t.Before), words(t.After), timeText(now))
	return err
}

// blockRanges turns the token ranges a step changed into the code point
// ranges of the token blocks they touch, each block once, the ranges in
// order and apart.
func blockRanges(blocks []int, ranges [][2]int) [][2]int {
	if len(ranges) == 0 {
		return nil
	}
	const end = int(^uint(0) >> 1)
	if len(blocks) == 0 {
		return [][2]int{{0, end}}
	}
	type span struct{ k0, k1 int }
	spans := make([]span, len(ranges))
	for i, r := range ranges {
		k0 := max(sort.SearchInts(blocks, r[0]+1)-1, 0)
		k1 := max(sort.SearchInts(blocks, r[1])-1, k0)
		spans[i] = span{k0, k1}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].k0 < spans[j].k0 })
	var out [][2]int
	cur := spans[0]
	flush := func() {
		hi := end
		if cur.k1+1 < len(blocks) {
			hi = blocks[cur.k1+1]
		}
		out = append(out, [2]int{blocks[cur.k0], hi})
	}
	for _, s := range spans[1:] {
		if s.k0 <= cur.k1 {
			cur.k1 = max(cur.k1, s.k1)
			continue
		}
		flush()
		cur = s
	}
	flush()
	return out
}

// syncTokens rewrites the token blocks of d that cover [start, end) from
// the tokens in memory, and updates blocks to match.
func (p *Project) syncTokens(ctx context.Context, tx *sql.Tx, d *Document, blocks *[]int, start, end int) error {
	bs := *blocks
	k0 := sort.SearchInts(bs, start+1) - 1 // last block starting at or before start
	k0 = max(k0, 0)
	k1 := sort.SearchInts(bs, end) - 1 // last block starting before end
	k1 = max(k1, k0)
	lo, hi := 0, int(^uint(0)>>1)
	if len(bs) > 0 {
		lo = min(bs[k0], start)
	}
	if k1+1 < len(bs) {
		hi = bs[k1+1]
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM token_blocks WHERE doc_id = ? AND start >= ? AND start < ?", d.ID, lo, hi); err != nil {
		return err
	}
	i := sort.Search(len(d.Tokens), func(i int) bool { return d.Tokens[i].Start >= lo })
	j := sort.Search(len(d.Tokens), func(j int) bool { return d.Tokens[j].Start >= hi })
	toks := d.Tokens[i:j]
	size := len(toks)
	if size > 2*tokenBlockSize {
		size = tokenBlockSize
	}
	var starts []int
	var buf []byte
	for k := 0; k < len(toks); k += max(size, 1) {
		blk := toks[k:min(k+size, len(toks))]
		buf = encodeTokens(buf[:0], blk)
		if _, err := tx.ExecContext(ctx, "INSERT INTO token_blocks(doc_id, start, count, data) VALUES (?, ?, ?, ?)", d.ID, blk[0].Start, len(blk), buf); err != nil {
			return err
		}
		starts = append(starts, blk[0].Start)
	}
	if len(bs) == 0 {
		*blocks = starts
	} else {
		*blocks = slices.Replace(bs, k0, k1+1, starts...)
	}
	return nil
}

// DictWord is a word of the user dictionary.
type DictWord struct {
	Word string
	POS  string
	Freq int
}

// AddWord adds a word to the user dictionary, or updates its POS and
// frequency.
func (p *Project) AddWord(w DictWord) error {
	if strings.TrimSpace(w.Word) == "" || strings.TrimSpace(w.Word) != w.Word {
		return fmt.Errorf("annotate: user dictionary: word %q is empty or has surrounding spaces", w.Word)
	}
	if w.Freq <= 0 {
		w.Freq = 1
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	return p.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), `INSERT INTO user_words(word, pos, freq, added) VALUES (?, ?, ?, ?)
			ON CONFLICT(word) DO UPDATE SET pos=excluded.pos, freq=excluded.freq`, w.Word, w.POS, w.Freq, timeText(time.Now()))
		return err
	})
}

// RemoveWord removes a word from the user dictionary.
func (p *Project) RemoveWord(word string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return err
	}
	return p.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), "DELETE FROM user_words WHERE word = ?", word)
		return err
	})
}

// Words lists the user dictionary in word order.
func (p *Project) Words() ([]DictWord, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (w DictWord, err error) {
		return w, r.Scan(&w.Word, &w.POS, &w.Freq)
	}, "SELECT word, pos, freq FROM user_words ORDER BY word")
	return out, p.wrapErr(err, "read the user dictionary")
}

// SegmentationEdit is a split or merge the annotator made, as recorded for
// the segmenter to learn from.
type SegmentationEdit struct {
	DocID      int64
	Kind       string // split, merge or resegment
	Start, End int
	Before     []string // the words before the edit
	After      []string // the words after it
}

// SegmentationEdits lists the splits and merges in effect (not undone), in
// the order they were made.
func (p *Project) SegmentationEdits() ([]SegmentationEdit, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	out, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (s SegmentationEdit, err error) {
		var before, after string
		if err := r.Scan(&s.DocID, &s.Kind, &s.Start, &s.End, &before, &after); err != nil {
			return s, err
		}
		_ = json.Unmarshal([]byte(before), &s.Before)
		_ = json.Unmarshal([]byte(after), &s.After)
		return s, nil
	}, `SELECT doc_id, kind, start, "end", before, after FROM segmentation_edits WHERE undone = 0 ORDER BY id`)
	return out, p.wrapErr(err, "read the segmentation edits")
}

// LabelUse is how many spans use a label, and in which documents.
type LabelUse struct {
	Spans int
	Docs  []int64
}

// LabelUses counts the spans of every layer and label in use, keyed
// "layer/label" — what deleting a label from the schema would remove.
func (p *Project) LabelUses() (map[string]LabelUse, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(); err != nil {
		return nil, err
	}
	type row struct {
		key string
		doc int64
		n   int
	}
	rows, err := queryAll(context.Background(), p.conn, func(r *sql.Rows) (row, error) {
		var x row
		return x, r.Scan(&x.key, &x.doc, &x.n)
	}, "SELECT layer || '/' || label, doc_id, count(*) FROM spans GROUP BY layer, label, doc_id ORDER BY doc_id")
	if err != nil {
		return nil, p.classify(err, "count label uses")
	}
	out := map[string]LabelUse{}
	for _, x := range rows {
		u := out[x.key]
		u.Spans += x.n
		u.Docs = append(u.Docs, x.doc)
		out[x.key] = u
	}
	return out, nil
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

// copyPages runs the online backup b to the end, 1,024 pages a step, and
// finishes it.
func copyPages(b *sqlite.Backup) error {
	for {
		more, err := b.Step(1024)
		if err != nil {
			b.Finish()
			return err
		}
		if !more {
			return b.Finish()
		}
	}
}

// bigAlloc is the size of an allocation above which freeBefore returns
// the memory the garbage collector has freed to the system first (a
// []Token of a document of some 5 MB, the texts of a 32 MB one): the
// collection this forces costs far less than making what is allocated.
const bigAlloc = 64 << 20

// freeBefore prepares for an allocation of n bytes: when n is at least
// bigAlloc, it collects garbage and gives the freed pages back to the
// system (debug.FreeOSMemory), so that the process does not hold the
// garbage of the work before (segmenting) and the new allocation at once.
// Go's heap reuses its freed pages only for allocations that fit them, and
// memory SQLite takes (the driver's copy of a bound text, the row it
// makes) is not Go's at all.
func freeBefore(n int) {
	if n >= bigAlloc {
		debug.FreeOSMemory()
	}
}

// runeWalker turns increasing code point offsets of s into byte offsets.
type runeWalker struct {
	s          string
	cp, offset int // code point cp starts at byte offset
}

// seek returns the byte offset of code point cp, which must not be before
// the last one sought.
func (w *runeWalker) seek(cp int) int {
	for w.cp < cp && w.offset < len(w.s) {
		_, n := utf8.DecodeRuneInString(w.s[w.offset:])
		w.offset += n
		w.cp++
	}
	return w.offset
}
