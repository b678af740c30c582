package annotate

// Import: text files into a project, headless (the import command) or
// under a progress dialog (the GUI).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// ImportStatus is what became of one file of an import.
type ImportStatus string

// The statuses of ImportResult.
const (
	ImportImported  ImportStatus = "imported"  // stored as a new document
	ImportUnchanged ImportStatus = "unchanged" // its bytes are already a document: nothing done
	ImportFailed    ImportStatus = "failed"    // not imported: see Err
)

// DefaultImportGlob is the file name pattern of ImportOptions.Glob when it
// is empty.
const DefaultImportGlob = "*.txt"

// importInFlight is how many files an import holds at once: read,
// processed or being stored. With three, two files are processed while
// the third is stored (its commit waits for the disk), so both processors
// stay busy: Process segments on all processors but cleans on one. On two
// cores BenchmarkImport measured a ratio to the pipeline alone of 0.91–0.97
// with three, 0.74–0.86 with two.
const importInFlight = 3

// ImportOptions tune Project.Import.
type ImportOptions struct {
	// Glob selects the files of a directory by their base name, with
	// filepath.Match ("" is DefaultImportGlob, "*.txt"). Files named
	// explicitly are imported whatever their name.
	Glob string
	// Clean is the cleaning of each file. A value that switches no step on
	// (the zero value) means DefaultCleanOptions, keeping its Lexicon;
	// without a Lexicon the Segmenter is used, as in Process.
	Clean text.CleanOptions
	// Progress, when set, is called once per file, in input order, on the
	// goroutine that called Import, as soon as the file is done.
	Progress func(ImportResult)
	// Stdin is what the path "-" reads (nil: os.Stdin), whole: a
	// document named "stdin", without a source. The caller bounds it.
	Stdin io.Reader
}

// ImportResult is what became of one file.
type ImportResult struct {
	Path   string // the argument, or the argument joined with the path below it
	Status ImportStatus
	DocID  int64  // the new document, or for "unchanged" the existing one
	Name   string // that document's name
	Chars  int    // of the clean text ("imported" only)
	Tokens int    // ("imported" only)
	Damage int    // damage marks left by cleaning ("imported" only)
	Err    error  // why it failed ("failed" only)
	N      int    // this is file N (from 1) …
	Total  int    // … of Total
}

// ImportSummary adds up an import: how many files had each status, the
// characters, tokens and damage marks of the documents imported, and every
// file's result in input order.
type ImportSummary struct {
	Imported, Unchanged, Failed int
	Chars, Tokens, Damage       int
	Results                     []ImportResult
}

func (s *ImportSummary) add(r ImportResult) {
	switch r.Status {
	case ImportImported:
		s.Imported++
		s.Chars += r.Chars
		s.Tokens += r.Tokens
		s.Damage += r.Damage
	case ImportUnchanged:
		s.Unchanged++
	default:
		s.Failed++
	}
	s.Results = append(s.Results, r)
}

// Import imports text files into the project: every path that is a file,
// and below every path that is a directory (recursively, in lexical
// order) the files whose base name matches opts.Glob. Below a directory
// argument, hidden files and directories (a name starting with ".") are
// skipped, and so are the project's own file, its WAL or journal and its
// backups; symbolic links are followed to files, not to directories. A
// file named as an argument is imported whatever its name. A path is
// imported once however many arguments name it.
//
// For each file, Import reads its bytes and hashes them (SHA-256, hex,
// Document.Hash). A file whose hash is already a document's is "unchanged"
// and nothing is done; the result names that document (so is a second
// file with the same bytes in one import). Any other file goes through
// the pipeline of Process with seg (nil: no tokens) and opts.Clean, and
// the Document, named by the file's base name, with Source set to the
// file's absolute path, is stored with AddDocument: "imported". Its tokens
// stay in the compact form segmentation makes them in until they are
// stored (as SegmentForStore's), never a []Token, which for a big file
// takes several times its text. Result paths are the arguments as given,
// joined with the path found below a directory. The path "-" is
// opts.Stdin (standard input), read whole: a document named "stdin",
// without a source.
//
// A file that cannot be imported — a path that does not exist, cannot be
// read, is not text (Decode's *DecodeError), or cannot be stored — is a
// "failed" result with the error, which names the file, and the rest are
// imported: such failures are in the summary, not in the returned error.
// The error is for an import that could not run: no paths, a malformed
// Glob, or ctx cancelled (ctx.Err(), with the summary so far).
//
// Files are read and processed ahead on other goroutines, at most
// importInFlight at a time, while the calling goroutine stores them in
// input order, so memory is bounded by a few files whatever their number.
// Cancelling ctx stops the import within a fraction of a second: the
// files being processed are dropped (ProcessContext stops), and so is the
// file being stored (its transaction is rolled back, see
// AddDocumentsContext), before Import returns; the project holds every
// file stored so far, each complete (one transaction per document), and
// the summary lists those.
func (p *Project) Import(ctx context.Context, seg *text.Segmenter, paths []string, opts ImportOptions) (ImportSummary, error) {
	var sum ImportSummary
	if len(paths) == 0 {
		return sum, errors.New("annotate: import: no files or directories given")
	}
	glob := opts.Glob
	if glob == "" {
		glob = DefaultImportGlob
	}
	if _, err := filepath.Match(glob, ""); err != nil {
		return sum, fmt.Errorf("annotate: import: file pattern %q: %w", glob, err)
	}
	clean := opts.Clean
	if !cleanStepsOn(clean) {
		lex := clean.Lexicon
		clean = text.DefaultCleanOptions()
		clean.Lexicon = lex
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	stdin := opts.Stdin
	if stdin == nil {
		stdin = os.Stdin
	}
	files := p.importFiles(paths, glob, stdin)
	sum.Results = make([]ImportResult, 0, len(files))
	stored := map[string]DocumentSummary{} // by hash, the documents this import made
	err := inOrder(ctx, len(files), importInFlight,
		func(i int) prepared { return p.prepare(ctx, seg, files[i], clean) },
		func(i int, pr prepared) {
			r := p.store(ctx, files[i].path, pr, stored)
			if r.Status == ImportFailed && ctx.Err() != nil && errors.Is(r.Err, ctx.Err()) {
				return // interrupted, not failed: inOrder returns ctx.Err()
			}
			r.N, r.Total = i+1, len(files)
			sum.add(r)
			if opts.Progress != nil {
				opts.Progress(r)
			}
		})
	return sum, err
}

// cleanStepsOn reports whether o switches any cleaning step on.
func cleanStepsOn(o text.CleanOptions) bool {
	return o.Pinyin || o.LostPinyin || o.Damage || o.Repair || o.Duplicates || o.Boilerplate || o.Whitespace
}

// importFile is one file an import will try: its path as shown, or why
// its argument could not be walked.
type importFile struct {
	path  string
	err   error
	stdin io.Reader // for the path "-": what is read instead of a file
}

// importFiles lists the files the arguments name, in order, once each;
// "-" is stdin.
func (p *Project) importFiles(paths []string, glob string, stdin io.Reader) []importFile {
	var files []importFile
	seen := map[string]bool{}
	add := func(path string, err error) {
		if err == nil {
			abs := absPath(path)
			if seen[abs] {
				return
			}
			seen[abs] = true
		}
		files = append(files, importFile{path: path, err: err})
	}
	// The project's own files, which a directory argument may hold.
	own := absPath(p.path)
	ownFile := func(path string) bool {
		abs := absPath(path)
		switch abs {
		case own, own + "-wal", own + "-journal", own + "-shm":
			return true
		}
		return strings.HasPrefix(abs, backupDir(own)+string(filepath.Separator))
	}
	// The project file under another name (a link): reading it would
	// also drop SQLite's lock on it when the file is closed.
	projFI, _ := os.Stat(p.path)
	isProject := func(fi os.FileInfo) bool { return projFI != nil && os.SameFile(projFI, fi) }
	for _, arg := range paths {
		if arg == "-" {
			if !seen["-"] {
				seen["-"] = true
				files = append(files, importFile{path: arg, stdin: stdin})
			}
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			add(arg, fmt.Errorf("annotate: %s: %w", arg, unwrapPathErr(err)))
			continue
		}
		if !fi.IsDir() {
			if isProject(fi) {
				add(arg, fmt.Errorf("annotate: %s: is the project file itself, not a text to import", arg))
				continue
			}
			if !fi.Mode().IsRegular() {
				add(arg, fmt.Errorf("annotate: %s: not a regular file", arg))
				continue
			}
			add(arg, nil)
			continue
		}
		// WalkDir visits each directory's entries in lexical order.
		filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				add(path, fmt.Errorf("annotate: %s: %w", path, unwrapPathErr(err)))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if path == arg {
				return nil
			}
			hidden := strings.HasPrefix(d.Name(), ".")
			if d.IsDir() {
				if hidden {
					return fs.SkipDir
				}
				return nil
			}
			if hidden {
				return nil
			}
			if ok, _ := filepath.Match(glob, d.Name()); !ok || ownFile(path) {
				return nil
			}
			if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && !isProject(fi) {
				add(path, nil) // a file, or a link to one
			}
			return nil
		})
	}
	return files
}

// absPath is path made absolute, or path cleaned if that fails.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}

// prepared is a file read, hashed and, unless it is known, processed.
type prepared struct {
	hash  string
	doc   *Document       // nil when known or failed
	known DocumentSummary // the document with the same hash, when found
	found bool
	err   error
}

// prepare reads, hashes and processes one file; it runs on a pipeline
// goroutine.
func (p *Project) prepare(ctx context.Context, seg *text.Segmenter, f importFile, clean text.CleanOptions) prepared {
	if f.err != nil {
		return prepared{err: f.err}
	}
	name, source := f.path, absPath(f.path)
	var data []byte
	var err error
	if f.stdin != nil {
		name, source = "stdin", ""
		data, err = io.ReadAll(f.stdin)
		if err != nil {
			return prepared{err: fmt.Errorf("annotate: standard input: %w", err)}
		}
	} else if data, err = os.ReadFile(f.path); err != nil {
		return prepared{err: fmt.Errorf("annotate: %s: %w", f.path, unwrapPathErr(err))}
	}
	sum := sha256.Sum256(data)
	pr := prepared{hash: hex.EncodeToString(sum[:])}
	if pr.known, pr.found, pr.err = p.FindByHash(pr.hash); pr.err != nil || pr.found {
		return pr
	}
	if ctx.Err() != nil {
		return pr // dropped: the import is cancelled
	}
	// The document goes to the store alone: its tokens stay compact (see
	// ProcessCompact), and its counts are taken from there (store).
	var r *text.Result
	if r, pr.err = text.ProcessCompact(ctx, name, data, seg, clean); r != nil {
		pr.doc = NewDocument(r)
		pr.doc.Source = source
		pr.doc.Hash = pr.hash
	}
	return pr
}

// store stores a prepared file, on the goroutine that called Import;
// stored holds the documents this import made so far, by hash.
func (p *Project) store(ctx context.Context, path string, pr prepared, stored map[string]DocumentSummary) ImportResult {
	r := ImportResult{Path: path}
	if pr.err == nil && !pr.found {
		// An earlier file of this import, prepared at the same time, may
		// have had the same bytes.
		pr.known, pr.found = stored[pr.hash]
	}
	switch {
	case pr.err != nil:
		r.Status, r.Err = ImportFailed, pr.err
	case pr.found:
		r.Status, r.DocID, r.Name = ImportUnchanged, pr.known.ID, pr.known.Name
	default:
		if err := p.AddDocumentsContext(ctx, []*Document{pr.doc}, nil); err != nil {
			r.Status, r.Err = ImportFailed, err
			break
		}
		r.Status, r.DocID, r.Name = ImportImported, pr.doc.ID, pr.doc.Name
		stored[pr.hash] = DocumentSummary{ID: pr.doc.ID, Name: pr.doc.Name, Source: pr.doc.Source}
		r.Chars, r.Tokens, r.Damage = pr.doc.Chars(), pr.doc.tokenCount(), damageCount(pr.doc.Report)
	}
	return r
}

// inOrder runs work(i) for i in [0, n) on other goroutines, at most
// inFlight (≥ 1) values alive at once counting the one being consumed, and
// calls consume(i, v) with each value in order of i on the calling
// goroutine. It returns ctx.Err() if ctx is cancelled before every value
// is consumed, after the work started has finished.
func inOrder[T any](ctx context.Context, n, inFlight int, work func(i int) T, consume func(i int, v T)) error {
	// slots holds the results to come, in order; its capacity bounds how
	// many are started ahead of the one being consumed.
	slots := make(chan chan T, max(inFlight, 1)-1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(slots)
		for i := range n {
			if ctx.Err() != nil {
				return
			}
			c := make(chan T, 1)
			select {
			case slots <- c:
			case <-stop:
				return
			}
			wg.Go(func() { c <- work(i) })
		}
	})
	finish := func() error {
		close(stop)
		for range slots {
		}
		wg.Wait()
		return ctx.Err()
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			return finish()
		}
		c, ok := <-slots
		if !ok { // the producer saw ctx cancelled
			return finish()
		}
		v := <-c
		if ctx.Err() != nil {
			return finish()
		}
		consume(i, v)
	}
	wg.Wait()
	return nil
}
