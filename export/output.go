package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
)

// The writing path every export shares (Export, WriteTable,
// WriteChartPNG): an output never destroys anything but what it was asked
// to write. A regular file is written to a temporary file beside it and
// renamed into place when complete; a character device, FIFO or socket
// (or "-", standard output) is written to, never replaced; a folder
// export replaces only the files an earlier export listed and nobody
// changed since; the open project and its own files are never an output.

// CheckOutput returns an error when out is, or resolves to (a relative
// path, a symbolic link, a hard link), the project file at project, one
// of its own files (annotate.ProjectFiles: the WAL, shared-memory and
// journal files) or its backup folder or a file in it: an export there
// would destroy the project. Export checks every file it writes against
// the project it reads (a Source with a Path method, as *annotate.Project
// has), WriteTable against TableOptions.Project. project "" checks
// nothing; "-" (standard output) is never the project.
func CheckOutput(out, project string) error {
	if project == "" || out == "" || out == "-" {
		return nil
	}
	o := resolvePath(out)
	oi, oerr := os.Stat(out)
	for _, p := range slices.Compact([]string{absPath(project), resolvePath(project)}) {
		files := annotate.ProjectFiles(p)
		bak := files[len(files)-1]
		for _, f := range append([]string{p}, files...) {
			rf := resolvePath(f)
			same := o == rf || oerr == nil && f != bak && sameFile(oi, f)
			switch {
			case f == p && same:
				return fmt.Errorf("export: %s is the project %s: an export there would destroy it; choose another name", out, project)
			case f == bak && (same || strings.HasPrefix(o, rf+string(filepath.Separator))):
				return fmt.Errorf("export: %s is in %s, the backup folder of the project %s: choose another name", out, bak, project)
			case same:
				return fmt.Errorf("export: %s is %s, a file of the project %s: choose another name", out, f, project)
			}
		}
	}
	return nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func sameFile(fi os.FileInfo, path string) bool {
	pi, err := os.Stat(path)
	return err == nil && os.SameFile(fi, pi)
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// resolvePath is p made absolute with its symbolic links followed, the
// last one too when what it points to does not exist (yet): where a write
// to p lands.
func resolvePath(p string) string {
	abs := absPath(p)
	for range 40 { // the kernel's own limit on links in a path
		if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
			abs = filepath.Join(dir, filepath.Base(abs))
		}
		target, err := os.Readlink(abs)
		if err != nil {
			return abs // not a link, or missing
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(abs), target)
		}
		abs = filepath.Clean(target)
	}
	return abs
}

// output is one file or folder an export writes.
type output struct {
	name    string // as given; what Result.Files lists and errors name
	path    string // where it goes: name made absolute, symbolic links followed
	project string // the project read: never written over
	folder  bool   // a folder (brat)
	stream  bool   // a character device, FIFO or socket, or "-": written to in place
	tmp     string // the temporary file or folder beside path, until committed
	plan    *folderPlan
}

// planOutput says how name is written, refusing what it must not write
// over: the project and its files, a folder (for a file) or a file (for a
// folder), a block device. It removes what a killed export left beside it
// (removeStale).
func planOutput(name, project string, folder bool) (*output, error) {
	o := &output{name: name, project: project, folder: folder}
	if name == "-" {
		if folder {
			return nil, errors.New("export: a folder export cannot go to standard output (-): give a folder name, or OUT.zip")
		}
		o.stream, o.path = true, name
		return o, nil
	}
	if err := CheckOutput(name, project); err != nil {
		return nil, err
	}
	fi, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("export: %w", err)
	case fi.IsDir():
		if !folder {
			return nil, fmt.Errorf("export: %s is a folder: choose a file name for the export", name)
		}
	case fi.Mode().IsRegular():
		if folder {
			return nil, fmt.Errorf("export: %s is a file: a folder export needs a folder name (or OUT.zip)", name)
		}
	case fi.Mode()&(fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0:
		if folder {
			return nil, fmt.Errorf("export: %s is a device, pipe or socket: a folder export needs a folder name", name)
		}
		o.stream, o.path = true, name
		return o, nil
	default: // a block device, or stranger
		return nil, fmt.Errorf("export: %s is not a file (%v): choose a file name for the export", name, fi.Mode().Type())
	}
	o.path = resolvePath(name)
	if fi, err := os.Stat(filepath.Dir(o.path)); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("export: %s: the folder %s does not exist", name, filepath.Dir(name))
	}
	removeStale(o.path)
	return o, nil
}

// tempPrefix is what the temporary files and folders of an export to
// path start with (os.CreateTemp adds decimal digits): hidden, beside it.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// isTemp reports whether name is a temporary file of an export to a file
// called base: .BASE.tmp-DIGITS.
func isTemp(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base+".tmp-")
	return ok && rest != "" && strings.Trim(rest, "0123456789") == ""
}

// removeStale removes the temporary files and folders a killed export to
// path left beside it: only names of the export's own pattern
// (.BASE.tmp-DIGITS), nothing else.
func removeStale(path string) {
	dir, base := filepath.Split(path)
	ents, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil {
		return
	}
	for _, e := range ents {
		if isTemp(e.Name(), base) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// discard removes what o wrote that was not committed.
func (o *output) discard() {
	if o.tmp != "" {
		os.RemoveAll(o.tmp)
		o.tmp = ""
	}
}

// write writes o with write: a stream in place, a file to a temporary
// file beside it (o.tmp) that commit renames into place.
func (o *output) write(write func(w io.Writer) error) error {
	if !o.stream {
		tmp, err := atomicFile(o.path, o.name, write)
		o.tmp = tmp
		return err
	}
	w, err := o.openStream()
	if err != nil {
		return err
	}
	err = write(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return wrapWrite(o.name, err)
}

// openStream opens a stream output: standard output for "-", a
// connection to a socket, else the device or FIFO, checked once open to
// be one still (a regular file is never written in place).
func (o *output) openStream() (io.WriteCloser, error) {
	switch fi, err := os.Stat(o.path); {
	case o.name == "-":
		return nopCloser{os.Stdout}, nil
	case err == nil && fi.Mode()&fs.ModeSocket != 0:
		c, err := net.Dial("unix", o.path)
		if err != nil {
			return nil, fmt.Errorf("export: %s: %w", o.name, err)
		}
		return c, nil
	}
	f, err := os.OpenFile(o.path, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if fi, err := f.Stat(); err != nil || fi.Mode().IsRegular() || fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("export: %s was replaced while the export started: export again", o.name)
	}
	return f, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// writeFolder writes o, a folder, with write into a temporary folder
// beside it (o.tmp) that commit puts in place.
func (o *output) writeFolder(write func(dir string) error) error {
	tmp, err := os.MkdirTemp(filepath.Dir(o.path), tempPrefix(o.path))
	if err != nil {
		return fmt.Errorf("export: %s: %w", o.name, err)
	}
	o.tmp = tmp
	return write(tmp)
}

// writeFile writes dest with write through a temporary file beside it,
// renamed onto dest only once complete (a device, FIFO or socket is
// written to): an error leaves dest as it was and no temporary file.
// dest must not be, or resolve to, project or its files (CheckOutput;
// "" checks nothing). Errors name dest.
func writeFile(dest, project string, write func(w io.Writer) error) error {
	o, err := planOutput(dest, project, false)
	if err != nil {
		return err
	}
	defer o.discard()
	if err := o.write(write); err != nil {
		return err
	}
	return commit([]*output{o}, false)
}

// atomicFile writes a temporary file beside dest with write, syncs and
// closes it, and returns its name for the caller to rename. Errors name
// name, dest as the user gave it.
func atomicFile(dest, name string, write func(w io.Writer) error) (string, error) {
	tf, err := os.CreateTemp(filepath.Dir(dest), tempPrefix(dest))
	if err != nil {
		return "", fmt.Errorf("export: %s: %w", name, err)
	}
	tmp := tf.Name()
	err = write(tf)
	if err == nil {
		err = tf.Sync()
	}
	if err == nil {
		err = tf.Chmod(0o644) // CreateTemp makes 0600; an export is an ordinary file
	}
	if cerr := tf.Close(); err == nil {
		err = cerr
	}
	return tmp, wrapWrite(name, err)
}

// wrapWrite names the output in an error that does not name anything yet.
func wrapWrite(name string, err error) error {
	var se *SpanError
	if err == nil || errors.As(err, &se) || errors.Is(err, context.Canceled) || strings.HasPrefix(err.Error(), "export: ") {
		return err
	}
	return fmt.Errorf("export: %s: %w", name, err)
}

// exportMarker is the file a folder export (brat) leaves in its folder:
// the files it wrote, with their SHA-256 (as sha256sum prints them). A
// later export to the folder replaces (or, when it does not write them
// again, removes) those files while they are unchanged, and nothing else.
const exportMarker = ".biaozhu-export"

const markerHeader = `# Written by biaozhu export. A later export to this folder replaces the
# files listed here (with their SHA-256, as sha256sum prints it) while they
# are unchanged, and nothing else: a file changed since (edited in brat,
# say) is kept unless that export is told to overwrite it.
`

// markerText is the marker listing files (name → hashes; a name may have
// two while a commit is under way: the old and the new file).
func markerText(files map[string][]string) []byte {
	var b bytes.Buffer
	b.WriteString(markerHeader)
	for _, n := range slices.Sorted(maps.Keys(files)) {
		for _, h := range slices.Compact(slices.Sorted(slices.Values(files[n]))) {
			fmt.Fprintf(&b, "%s  %s\n", h, n)
		}
	}
	return b.Bytes()
}

// parseMarker reads a marker: name → the hashes listed for it. Lines that
// are not "HASH  NAME" with a plain file name (no folder, not hidden) are
// not a listing: an old marker without hashes, or a forged one, lists
// nothing.
func parseMarker(data []byte) map[string][]string {
	m := map[string][]string{}
	for l := range strings.SplitSeq(string(data), "\n") {
		sum, name, ok := strings.Cut(strings.TrimSuffix(l, "\r"), "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 2*sha256.Size || !plainName(name) {
			continue
		}
		m[name] = append(m[name], strings.ToLower(sum))
	}
	return m
}

// plainName reports whether name is a file name a folder export writes:
// no folder in it, not hidden.
func plainName(name string) bool {
	return name != "" && !strings.HasPrefix(name, ".") && !strings.ContainsAny(name, "/\\:\x00\r\n")
}

// hashFile returns the SHA-256 of the regular file at path, "" when
// nothing is there; a folder, link or other non-regular file is an error
// (errNotRegular).
func hashFile(path string) (string, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", errNotRegular
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

var errNotRegular = errors.New("not a regular file")

// ChangedError is a folder export (brat) refused because files it would
// replace or remove are not provably an earlier export's: files that
// export listed but that were changed since (edited in brat, say), and
// files no export listed. Nothing was written. Options.Overwrite replaces
// them (and keeps, unlisted, the changed files it does not write again).
type ChangedError struct {
	Dir     string
	Changed []string // listed by the earlier export, changed since
	Foreign []string // in the way, not listed by an earlier export
}

func (e *ChangedError) Error() string {
	var parts []string
	if len(e.Changed) > 0 {
		parts = append(parts, fmt.Sprintf("%d %s changed since the last export to it (%s)", len(e.Changed), plural(len(e.Changed), "file", "files"), nameList(e.Changed)))
	}
	if len(e.Foreign) > 0 {
		parts = append(parts, fmt.Sprintf("%d %s the export would replace that no earlier export listed (%s)", len(e.Foreign), plural(len(e.Foreign), "file", "files"), nameList(e.Foreign)))
	}
	return fmt.Sprintf("export: %s holds %s; nothing was written: export to another folder, or overwrite them", e.Dir, strings.Join(parts, " and "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// nameList lists the first names quoted, and how many more there are.
func nameList(names []string) string {
	const shown = 5
	q := make([]string, 0, shown)
	for _, n := range names[:min(len(names), shown)] {
		q = append(q, strconv.Quote(n))
	}
	s := strings.Join(q, ", ")
	if len(names) > shown {
		s += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	return s
}

// folderPlan is how a folder export goes into a folder that exists: the
// files it writes replace only what an earlier export listed (unchanged
// since), the files that export listed and this one does not write are
// removed (if unchanged), and everything else in the folder stays.
type folderPlan struct {
	fresh  bool                // no folder there yet: renamed into place whole
	files  map[string]string   // the files written: name → hash
	listed map[string][]string // the earlier export's marker
	ours   map[string]string   // files in the folder the export replaces, unchanged since listed: name → hash
	remove map[string]string   // listed, not written again, unchanged: name → hash
	old    []byte              // the earlier marker, nil if none
}

// planFolder checks the folder o replaces (when it exists) against the
// files o.tmp holds and returns the plan, or a *ChangedError when files
// are in the way and overwrite is false.
func planFolder(o *output, overwrite bool) (*folderPlan, error) {
	p := &folderPlan{files: map[string]string{}, ours: map[string]string{}, remove: map[string]string{}}
	ents, err := os.ReadDir(o.tmp)
	if err != nil {
		return nil, fmt.Errorf("export: %s: %w", o.name, err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !plainName(e.Name()) {
			return nil, fmt.Errorf("export: %s: a folder export writes plain files only, not %q", o.name, e.Name())
		}
		if p.files[e.Name()], err = hashFile(filepath.Join(o.tmp, e.Name())); err != nil {
			return nil, fmt.Errorf("export: %s: %w", o.name, err)
		}
	}
	if _, err := os.Lstat(o.path); errors.Is(err, fs.ErrNotExist) {
		p.fresh = true
		return p, nil
	}
	p.old, err = os.ReadFile(filepath.Join(o.path, exportMarker))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("export: %w", err)
	}
	p.listed = parseMarker(p.old)
	// What a killed export left in the folder: its temporary files.
	ents, err = os.ReadDir(o.path)
	if err != nil {
		return nil, fmt.Errorf("export: %s: %w", o.name, err)
	}
	var left []fs.DirEntry
	for _, e := range ents {
		stale := false
		for _, n := range append(slices.Collect(maps.Keys(p.files)), exportMarker) {
			stale = stale || isTemp(e.Name(), n)
		}
		for n := range p.listed {
			stale = stale || isTemp(e.Name(), n)
		}
		if stale {
			os.Remove(filepath.Join(o.path, e.Name()))
		} else if e.Name() != exportMarker {
			left = append(left, e)
		}
	}
	if p.old == nil && len(left) > 0 && !overwrite {
		return nil, fmt.Errorf("export: %s: the folder holds files an export did not write (%s…); choose an empty or new folder, or overwrite", o.name, left[0].Name())
	}
	ce := &ChangedError{Dir: o.name}
	check := func(n string) (cur string, err error) {
		target := filepath.Join(o.path, n)
		if err := CheckOutput(target, o.project); err != nil {
			return "", err
		}
		cur, err = hashFile(target)
		if errors.Is(err, errNotRegular) {
			return "", fmt.Errorf("export: %s holds %s, which is not a file: move it away, the export writes a file of that name", o.name, n)
		}
		return cur, err
	}
	for _, n := range slices.Sorted(maps.Keys(p.files)) {
		cur, err := check(n)
		switch {
		case err != nil:
			return nil, err
		case cur == "":
		case slices.Contains(p.listed[n], cur):
			p.ours[n] = cur
		case p.listed[n] != nil:
			ce.Changed = append(ce.Changed, n)
		default:
			ce.Foreign = append(ce.Foreign, n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(p.listed)) {
		if _, ok := p.files[n]; ok {
			continue
		}
		cur, err := check(n)
		switch {
		case err != nil:
			return nil, err
		case cur == "":
		case slices.Contains(p.listed[n], cur):
			p.remove[n] = cur
		default:
			ce.Changed = append(ce.Changed, n) // with overwrite: kept, no longer listed
		}
	}
	if (len(ce.Changed) > 0 || len(ce.Foreign) > 0) && !overwrite {
		return nil, ce
	}
	return p, nil
}

// move is one rename of a commit.
type move struct {
	src, dst string
	name     string // for errors
	want     string // the hash dst must still have (an earlier export's file), checked just before; "" none
	aside    string // a link to what stood at dst, until the commit is complete
	folder   bool   // a whole new folder
	existed  bool
	done     bool
}

// commit puts every output in place, all or none. A file replaces what
// stood at its destination by one rename; a new folder is renamed into
// place whole; a folder that exists gets its files one rename each, after
// its marker has listed both the old and the new files (so that an export
// killed half-way leaves every file either old or new, complete, and the
// next export free to replace them), and then the marker of the new
// files. If any rename fails, every destination is put back as it was.
// Stream outputs were written already.
func commit(outs []*output, overwrite bool) error {
	var moves []*move
	type marker struct {
		dir       string
		old, next []byte
	}
	var journals []marker
	for _, o := range outs {
		if o.stream {
			continue
		}
		if !o.folder {
			moves = append(moves, &move{src: o.tmp, dst: o.path, name: o.name})
			continue
		}
		p, err := planFolder(o, overwrite)
		if err != nil {
			return err
		}
		o.plan = p
		if p.fresh { // a new folder: its marker goes with it
			if err := os.WriteFile(filepath.Join(o.tmp, exportMarker), markerText(p.listing()), 0o644); err != nil {
				return fmt.Errorf("export: %s: %w", o.name, err)
			}
			if err := os.Chmod(o.tmp, 0o755); err != nil { // MkdirTemp makes 0700
				return fmt.Errorf("export: %s: %w", o.name, err)
			}
			moves = append(moves, &move{src: o.tmp, dst: o.path, name: o.name, folder: true})
			continue
		}
		journal := map[string][]string{}
		for n, h := range p.files {
			journal[n] = []string{h}
			if old, ok := p.ours[n]; ok {
				journal[n] = append(journal[n], old)
			}
		}
		for n, h := range p.remove {
			journal[n] = []string{h}
		}
		journals = append(journals, marker{dir: o.path, old: p.old, next: markerText(journal)})
		for _, n := range slices.Sorted(maps.Keys(p.files)) {
			m := &move{src: filepath.Join(o.tmp, n), dst: filepath.Join(o.path, n), name: filepath.Join(o.name, n)}
			if !overwrite {
				m.want = p.ours[n]
			}
			moves = append(moves, m)
		}
	}
	written := 0
	rollback := func() {
		for _, m := range slices.Backward(moves) {
			switch {
			case !m.done:
			case m.aside != "":
				os.Rename(m.aside, m.dst)
			case m.folder:
				os.RemoveAll(m.dst)
			default:
				os.Remove(m.dst)
			}
		}
		for _, j := range journals[:written] {
			if j.old != nil {
				writeMarker(j.dir, j.old)
			} else {
				os.Remove(filepath.Join(j.dir, exportMarker))
			}
		}
	}
	for _, j := range journals {
		if err := writeMarker(j.dir, j.next); err != nil {
			rollback()
			return err
		}
		written++
	}
	for _, m := range moves {
		if m.want != "" {
			if cur, err := hashFile(m.dst); err != nil || cur != m.want {
				rollback()
				return &ChangedError{Dir: filepath.Dir(m.name), Changed: []string{filepath.Base(m.dst)}}
			}
		}
		if fi, err := os.Lstat(m.dst); err == nil {
			m.existed = true
			if len(moves) > 1 && fi.Mode().IsRegular() {
				aside, err := keepAside(m.dst)
				if err != nil {
					rollback()
					return fmt.Errorf("export: %s: %w", m.name, err)
				}
				m.aside = aside
			}
		}
		if err := os.Rename(m.src, m.dst); err != nil {
			if m.aside != "" {
				os.Remove(m.aside)
				m.aside = ""
			}
			rollback()
			return fmt.Errorf("export: %s: %w", m.name, err)
		}
		m.done = true
	}
	// Complete: what was set aside goes, then each folder's old files
	// this export does not write again (if still unchanged), then the
	// marker lists only the new files.
	for _, m := range moves {
		if m.aside != "" {
			os.Remove(m.aside)
		}
	}
	for _, o := range outs {
		if o.plan != nil && !o.plan.fresh {
			for n, h := range o.plan.remove {
				if cur, err := hashFile(filepath.Join(o.path, n)); err == nil && cur == h {
					os.Remove(filepath.Join(o.path, n))
				}
			}
			writeMarker(o.path, markerText(o.plan.listing())) // if it fails, the journal stays: a superset
			os.RemoveAll(o.tmp)                               // emptied by the moves
		}
		o.tmp = "" // in place now
	}
	return nil
}

// listing is the marker of the files written.
func (p *folderPlan) listing() map[string][]string {
	listed := map[string][]string{}
	for n, h := range p.files {
		listed[n] = []string{h}
	}
	return listed
}

// writeMarker replaces the marker of dir through a temporary file.
func writeMarker(dir string, data []byte) error {
	dest := filepath.Join(dir, exportMarker)
	tmp, err := atomicFile(dest, dest, func(w io.Writer) error { _, err := w.Write(data); return err })
	if err == nil {
		err = os.Rename(tmp, dest)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("export: %s: %w", dir, err)
	}
	return nil
}

// keepAside links (or, where links are not possible, copies) the file at
// path to a new name of the export's temporary pattern beside it, and
// returns that name: what stood there, kept until a commit is complete.
// A killed export's copy is removed by the next export (removeStale).
func keepAside(path string) (string, error) {
	for range 100 {
		aside := filepath.Join(filepath.Dir(path), tempPrefix(path)+strconv.FormatUint(uint64(rand.Uint32()), 10))
		err := os.Link(path, aside)
		if err == nil {
			return aside, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// No hard links here: a copy.
		tmp, err := atomicFile(path, path, func(w io.Writer) error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(w, f)
			return err
		})
		if err != nil {
			os.Remove(tmp)
			return "", err
		}
		return tmp, nil
	}
	return "", errors.New("no free name beside it")
}
