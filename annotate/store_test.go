package annotate

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// goldDocument builds a Document of at least n tokens from the gold
// segmentation of the UD test file, sentence after sentence (repeated when
// the file has too few), one sentence per line.
func goldDocument(tb testing.TB, n int) *Document {
	tb.Helper()
	gold := testkit.ReadGold(tb, "zh_gsd-ud-test.conllu")
	var b strings.Builder
	d := &Document{Name: fmt.Sprintf("gold-%d", n), Status: StatusNew}
	cp := 0
	for k := 0; len(d.Tokens) < n; k++ {
		g := gold[k%len(gold)]
		start := cp
		for _, f := range g.Forms {
			l := utf8.RuneCountInString(f)
			d.Tokens = append(d.Tokens, text.Token{Start: cp, End: cp + l, Text: f, POS: "n"})
			b.WriteString(f)
			cp += l
		}
		d.Sentences = append(d.Sentences, text.Sentence{Start: start, End: cp})
		b.WriteByte('\n')
		cp++
	}
	d.Text = b.String()
	d.Raw = d.Text
	return d
}

func newTestProject(tb testing.TB, opts Options) (*Project, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "test.biaozhu")
	p, err := Create(path, nil, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return p, path
}

func TestProjectRoundTrip(t *testing.T) {
	p, path := newTestProject(t, Options{Annotator: "lin"})
	doc := goldDocument(t, 3000)
	doc.Source, doc.Hash = "/corpus/gold.txt", "abc123"
	doc.Report = text.Report{Encoding: "utf-8", Counts: map[string]int{text.CountLost: 1}, Marks: []text.Mark{{Kind: text.MarkDamage, Start: 3, End: 4, Cause: "lost", Text: "?"}}}
	doc.RawMap = text.OffsetMap{{Clean: 0, Raw: 0, Len: 10}}
	doc.Spans = []Span{{Layer: "entity", Label: "LOC", Start: doc.Tokens[0].Start, End: doc.Tokens[0].End}}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID == 0 || doc.Spans[0].ID == 0 || doc.Spans[0].Origin != OriginImported {
		t.Fatalf("AddDocument: id %d, span %+v", doc.ID, doc.Spans[0])
	}
	if _, err := p.Apply(doc.ID, SetLabels{Labels: []string{"news", "checked"}}); err != nil {
		t.Fatal(err)
	}
	if err := p.AddWord(DictWord{Word: "焦作市", POS: "ns", Freq: 5}); err != nil {
		t.Fatal(err)
	}
	want := cloneDoc(t, p, doc.ID)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	q, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	got, err := q.Document(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := docDiff(want, got); diff != "" {
		t.Errorf("reopened document differs: %s", diff)
	}
	if got.Source != doc.Source || got.Hash != doc.Hash || got.Raw != doc.Raw || len(got.Report.Marks) != 1 || len(got.RawMap) != 1 {
		t.Errorf("reopened document lost fields: %+v %+v %+v", got.Source, got.Report, got.RawMap)
	}
	ls, err := q.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].Tokens != len(doc.Tokens) || ls[0].Spans != 1 || ls[0].Chars != doc.Chars() || ls[0].Damage != 1 || ls[0].Status != StatusInProgress {
		t.Errorf("Documents() = %+v", ls)
	}
	words, err := q.Words()
	if err != nil || len(words) != 1 || words[0] != (DictWord{"焦作市", "ns", 5}) {
		t.Errorf("Words() = %v, %v", words, err)
	}
}

// cloneDoc returns a deep copy of document id as the project has it.
func cloneDoc(tb testing.TB, p *Project, id int64) *Document {
	tb.Helper()
	d, err := p.Document(id)
	if err != nil {
		tb.Fatal(err)
	}
	c := *d
	c.Tokens = append([]text.Token(nil), d.Tokens...)
	c.Spans = append([]Span(nil), d.Spans...)
	c.Labels = append([]string(nil), d.Labels...)
	c.index = text.TextIndex{}
	return &c
}

// docDiff describes how the annotations of two documents differ, "" when
// they do not.
func docDiff(a, b *Document) string {
	if a.Text != b.Text {
		return "text"
	}
	if len(a.Tokens) != len(b.Tokens) {
		return fmt.Sprintf("%d tokens, want %d", len(b.Tokens), len(a.Tokens))
	}
	for i := range a.Tokens {
		if a.Tokens[i] != b.Tokens[i] {
			return fmt.Sprintf("token %d: %+v, want %+v", i, b.Tokens[i], a.Tokens[i])
		}
	}
	if fmt.Sprint(a.Spans) != fmt.Sprint(b.Spans) {
		return fmt.Sprintf("spans %+v, want %+v", b.Spans, a.Spans)
	}
	for i := range a.Spans {
		if a.Spans[i] != b.Spans[i] {
			return fmt.Sprintf("span %+v, want %+v", b.Spans[i], a.Spans[i])
		}
	}
	if a.Status != b.Status || strings.Join(a.Labels, "|") != strings.Join(b.Labels, "|") {
		return fmt.Sprintf("status %q labels %q, want %q %q", b.Status, b.Labels, a.Status, a.Labels)
	}
	if len(a.Sentences) != len(b.Sentences) {
		return "sentences"
	}
	return ""
}

// badFiles are files that are not projects Biaozhu can open, each with
// the error it must give.
var badFiles = []struct {
	name string
	make func(t *testing.T, path string)
	want error
	msg  string
}{
	{"text file", func(t *testing.T, path string) { write(t, path, []byte("北京\n")) }, ErrNotProject, "not a SQLite file"},
	{"empty file", func(t *testing.T, path string) { write(t, path, nil) }, ErrNotProject, "not a SQLite file"},
	{"other SQLite database", func(t *testing.T, path string) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
			t.Fatal(err)
		}
	}, ErrNotProject, "another program"},
	{"truncated", func(t *testing.T, path string) {
		data := projectBytes(t)
		write(t, path, data[:len(data)/2])
	}, ErrDamaged, "truncated"},
	{"garbage pages", func(t *testing.T, path string) {
		data := projectBytes(t)
		for i := 4096 * 2; i < len(data)-4096; i++ {
			data[i] ^= 0x5a
		}
		write(t, path, data)
	}, ErrDamaged, "damaged"},
	{"newer version", func(t *testing.T, path string) {
		data := projectBytes(t)
		write(t, path, data)
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version=%d", SchemaVersion+1)); err != nil {
			t.Fatal(err)
		}
	}, ErrNewerVersion, "newer Biaozhu"},
	{"read-only", func(t *testing.T, path string) {
		write(t, path, projectBytes(t))
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
	}, ErrReadOnly, "read-only"},
	{"directory", func(t *testing.T, path string) {
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
	}, ErrNotProject, "is a directory"},
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// projectBytes returns the bytes of a closed project with one document.
func projectBytes(t *testing.T) []byte {
	t.Helper()
	p, path := newTestProject(t, Options{})
	if err := p.AddDocument(goldDocument(t, 5000)); err != nil {
		t.Fatal(err)
	}
	p.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestOpenBadFiles(t *testing.T) {
	for _, c := range badFiles {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.biaozhu")
			c.make(t, path)
			before := snapshot(t, path)
			p, err := Open(path, Options{})
			if err == nil {
				p.Close()
				t.Fatalf("Open succeeded, want %v", c.want)
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), path) {
				t.Errorf("Open error = %q (%T), want %v naming the file and saying %q", err, err, c.want, c.msg)
			}
			if after := snapshot(t, path); after != before {
				t.Errorf("the file was changed by the failed Open")
			}
			if _, err := os.Stat(backupDir(path)); err == nil {
				t.Errorf("a failed Open made a backup directory")
			}
		})
	}
}

// snapshot describes a file (or a directory's entries) so a change shows.
func snapshot(t *testing.T, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.IsDir() {
		ents, _ := os.ReadDir(path)
		return fmt.Sprintf("dir %d %v", len(ents), fi.ModTime())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	extra, _ := filepath.Glob(path + "-*")
	return fmt.Sprintf("%x %v %v %v", data, fi.ModTime(), fi.Mode(), extra)
}

func TestOpenMissingAndCreateExisting(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.biaozhu")
	if _, err := Open(missing, Options{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Open(missing) = %v, want no such file", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("Open created %s", missing)
	}
	p, path := newTestProject(t, Options{})
	p.Close()
	if _, err := Create(path, nil, Options{}); !errors.Is(err, ErrExists) {
		t.Errorf("Create over a project = %v, want ErrExists", err)
	}
}

func TestOpenLocked(t *testing.T) {
	p, path := newTestProject(t, Options{})
	before := snapshot(t, path)
	q, err := Open(path, Options{})
	if err == nil {
		q.Close()
		t.Fatal("a second Open of an open project succeeded")
	}
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "already open in another window") {
		t.Errorf("second Open = %v, want ErrLocked", err)
	}
	if after := snapshot(t, path); after != before {
		t.Errorf("the second Open changed the file")
	}
	p.Close()
	q, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	q.Close()
}

func TestBackupsRotate(t *testing.T) {
	p, path := newTestProject(t, Options{})
	doc := goldDocument(t, 100)
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	p.Close()
	// Unchanged since the last backup: no new one.
	for range 2 {
		q, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		q.Close()
	}
	if n := len(p.Backups()); n != 1 {
		t.Fatalf("%d backups after opening an unchanged project twice, want 1", n)
	}
	for i := range BackupsKept + 2 {
		q, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Apply(doc.ID, SetLabels{Labels: []string{fmt.Sprint("round", i)}}); err != nil {
			t.Fatal(err)
		}
		q.Close()
	}
	q, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	q.Close()
	backups := q.Backups()
	if len(backups) != BackupsKept {
		t.Fatalf("%d backups, want %d: %v", len(backups), BackupsKept, backups)
	}
	// The newest backup is the state at the last open: a project that
	// opens, with the last label.
	copyPath := filepath.Join(t.TempDir(), "restored.biaozhu")
	data, err := os.ReadFile(backups[len(backups)-1])
	if err != nil {
		t.Fatal(err)
	}
	write(t, copyPath, data)
	r, err := Open(copyPath, Options{NoBackup: true})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer r.Close()
	d, err := r.Document(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint("round", BackupsKept+1); len(d.Labels) != 1 || d.Labels[0] != want {
		t.Errorf("backup has labels %q, want [%s]", d.Labels, want)
	}
	if probs, err := r.IntegrityCheck(); err != nil || probs != nil {
		t.Errorf("backup integrity: %v %v", probs, err)
	}
}

func TestClosedProjectIsOneFile(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	doc := goldDocument(t, 200)
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(doc.ID, Split{At: doc.Tokens[0].Start + 1}); err != nil && !errors.Is(err, ErrToken) {
		t.Fatal(err)
	}
	p.Close()
	extra, _ := filepath.Glob(path + "-*")
	if len(extra) > 0 {
		t.Errorf("files left beside the closed project: %v", extra)
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte("SQLite format 3\x00")) {
		t.Errorf("not a SQLite file")
	}
}

func TestSchemaInUse(t *testing.T) {
	p, _ := newTestProject(t, Options{})
	doc := goldDocument(t, 50)
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(doc.ID, AddSpan{Span{Layer: "entity", Label: "PER", Start: 0, End: 1}}); err != nil {
		t.Fatal(err)
	}
	s := p.Schema()
	l, _ := s.Layer("entity")
	l.Labels = l.Labels[1:] // drop PER
	if err := p.SetSchema(s); err == nil || !strings.Contains(err.Error(), "used by 1 spans") {
		t.Errorf("SetSchema dropping a used label = %v", err)
	}
	s = p.Schema()
	l, _ = s.Layer("entity")
	l.Labels = append(l.Labels, Label{Name: "EVENT", Color: "#000000", Key: "7"})
	if err := p.SetSchema(s); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(doc.ID, AddSpan{Span{Layer: "entity", Label: "EVENT", Start: 2, End: 3}}); err != nil {
		t.Errorf("a label added to the schema cannot be used: %v", err)
	}
}

func TestPresets(t *testing.T) {
	s := DefaultSchema()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	l, ok := s.Layer("entity")
	if !ok || strings.Join(l.LabelNames(), " ") != "PER LOC ORG GPE TIME MISC" {
		t.Errorf("entity preset = %+v", l)
	}
	for _, name := range []string{"gse", "upos"} {
		ts, err := POSPreset(name)
		if err != nil || len(ts.Tags) < 17 {
			t.Errorf("POSPreset(%q) = %d tags, %v", name, len(ts.Tags), err)
		}
	}
	if _, err := POSPreset("nope"); err == nil {
		t.Error("POSPreset(nope) succeeded")
	}
}

// TestOpenListChild is BenchmarkOpenList's child process: it opens the
// project named by BIAOZHU_OPEN_LIST, lists it and prints the times and
// the peak RSS.
func TestOpenListChild(t *testing.T) {
	path := os.Getenv("BIAOZHU_OPEN_LIST")
	if path == "" {
		t.Skip("the child of BenchmarkOpenList")
	}
	start := time.Now()
	p, err := Open(path, Options{NoBackup: os.Getenv("BIAOZHU_OPEN_LIST_NOBACKUP") != ""})
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Since(start)
	ls, err := p.Documents()
	if err != nil {
		t.Fatal(err)
	}
	listed := time.Since(start) - opened
	p.Close()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("RESULT docs=%d open_ms=%.1f list_ms=%.1f rss_mb=%.1f\n", len(ls),
		float64(opened.Microseconds())/1000, float64(listed.Microseconds())/1000, peakRSSMB())
}

// peakRSSMB returns the process's peak resident set in MB (Linux), 0 where
// unknown.
func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// TestOpenLockedOtherProcess checks that another process cannot open a
// project this one has open, also after this process tried to open it a
// second time (closing any descriptor of a file drops the process's POSIX
// locks on it, so that attempt must not touch the file).
func TestOpenLockedOtherProcess(t *testing.T) {
	p, path := newTestProject(t, Options{})
	if q, err := Open(path, Options{}); !errors.Is(err, ErrLocked) {
		if q != nil {
			q.Close()
		}
		t.Fatalf("second Open in this process = %v, want ErrLocked", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenLockedChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "BIAOZHU_LOCKED_CHILD="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "CHILD already open in another window") {
		t.Errorf("the other process could open the project:\n%s", out)
	}
	p.Close()
}

// TestOpenLockedChild is TestOpenLockedOtherProcess's other process.
func TestOpenLockedChild(t *testing.T) {
	path := os.Getenv("BIAOZHU_LOCKED_CHILD")
	if path == "" {
		t.Skip("the child of TestOpenLockedOtherProcess")
	}
	p, err := Open(path, Options{NoBackup: true})
	if err == nil {
		p.Close()
		fmt.Println("CHILD opened it")
		return
	}
	if errors.Is(err, ErrLocked) {
		fmt.Println("CHILD already open in another window:", err)
		return
	}
	fmt.Println("CHILD other error:", err)
}

// TestOpenMigratesOlderFormat opens a project file of an older format (0:
// marked as Biaozhu's, no tables yet) and checks it is taken forward to
// SchemaVersion and then usable.
func TestOpenMigratesOlderFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.biaozhu")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA application_id=%d; PRAGMA user_version=0; CREATE TABLE scratch(x)", applicationID)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	p, err := Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatalf("Open of a format-0 file: %v", err)
	}
	var version int
	if err := p.conn.QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&version); err != nil || version != SchemaVersion {
		t.Errorf("user_version after Open = %d (%v), want %d", version, err, SchemaVersion)
	}
	if err := p.SetSchema(DefaultSchema()); err != nil {
		t.Fatal(err)
	}
	doc := goldDocument(t, 20)
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(doc.ID, AddSpan{Span{Layer: "entity", Label: "PER", Start: 0, End: 1}}); err != nil {
		t.Fatal(err)
	}
	p.Close()
}

// TestDocumentStaysLive checks that a *Document a caller holds is the one
// edits change, however many other documents were loaded meanwhile.
func TestDocumentStaysLive(t *testing.T) {
	p, _ := newTestProject(t, Options{NoBackup: true})
	var ids []int64
	for range maxOpenDocs + 3 {
		d := goldDocument(t, 30)
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	d1, err := p.Document(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	h1, _ := p.History(ids[0])
	for _, id := range ids[1:] {
		if _, err := p.Document(id); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	if _, err := p.Apply(ids[0], SetStatus{Status: StatusDone}); err != nil {
		t.Fatal(err)
	}
	if d1.Status != StatusDone || len(h1.Done) != 1 {
		t.Errorf("the held document did not see the edit: status %q, %d steps", d1.Status, len(h1.Done))
	}
	if again, _ := p.Document(ids[0]); again != d1 {
		t.Errorf("Document returned another copy of a document in use")
	}
}

// TestDamagedHistory checks that a history step damaged in the file is
// refused when it is undone — an error that names it, not a panic — and
// does not keep the document from opening or being edited.
func TestDamagedHistory(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	d := goldDocument(t, 30)
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	p.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO history(doc_id, name, changes, created) VALUES (?, 'x', '[{"span":{}}]', '')`, d.ID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	q, err := Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = q.Undo(d.ID)
	var se *StepError
	if !errors.Is(err, ErrDamaged) || !errors.As(err, &se) || se.Entry.Name != "x" || !strings.Contains(err.Error(), "damaged in the file") {
		t.Errorf("Undo with a damaged history step = %v, want a StepError naming it, wrapping ErrDamaged", err)
	}
	if _, err := q.Apply(d.ID, SetStatus{Status: StatusDone}); err != nil {
		t.Errorf("an edit after the damaged step: %v", err)
	}
	if err := q.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestClosedProject(t *testing.T) {
	p, _ := newTestProject(t, Options{NoBackup: true})
	p.Close()
	if _, err := p.Documents(); !errors.Is(err, ErrClosed) {
		t.Errorf("Documents on a closed project = %v, want ErrClosed", err)
	}
	if _, err := p.Apply(1, SetStatus{Status: StatusDone}); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply on a closed project = %v, want ErrClosed", err)
	}
	if err := p.AddWord(DictWord{Word: "詞"}); !errors.Is(err, ErrClosed) {
		t.Errorf("AddWord on a closed project = %v, want ErrClosed", err)
	}
}

// TestImportProjectItself checks that naming the project (or a link to it)
// as a file to import fails for that file and keeps the project's lock.
func TestImportProjectItself(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	link := filepath.Join(t.TempDir(), "link.txt")
	if err := os.Symlink(path, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	sum, err := p.Import(t.Context(), nil, []string{path, link, filepath.Dir(link)}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 2 || sum.Imported != 0 {
		t.Errorf("import of the project itself: %+v", sum)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenLockedChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "BIAOZHU_LOCKED_CHILD="+path)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "CHILD already open in another window") {
		t.Errorf("after the import, another process could open the project: %v\n%s", err, out)
	}
}

func TestSchemaForbidOverlapInUse(t *testing.T) {
	p, _ := newTestProject(t, Options{NoBackup: true})
	s := p.Schema()
	s.Layers = append(s.Layers, Layer{Name: "topic", Overlap: OverlapAllowed, Labels: []Label{{Name: "T", Color: "#123456"}}})
	if err := p.SetSchema(s); err != nil {
		t.Fatal(err)
	}
	d := goldDocument(t, 30)
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]int{{0, 4}, {2, 6}} {
		if _, err := p.Apply(d.ID, AddSpan{Span{Layer: "topic", Label: "T", Start: r[0], End: r[1]}}); err != nil {
			t.Fatal(err)
		}
	}
	s.Layers[1].Overlap = OverlapForbidden
	if err := p.SetSchema(s); err == nil || !strings.Contains(err.Error(), "1 pairs of overlapping spans") {
		t.Errorf("forbidding overlaps in a layer that has them = %v", err)
	}
}

func TestAddDocumentBadSpan(t *testing.T) {
	p, _ := newTestProject(t, Options{NoBackup: true})
	d := goldDocument(t, 30)
	d.Spans = []Span{{Layer: "entity", Label: "NOPE", Start: 0, End: 2}}
	err := p.AddDocument(d)
	if !errors.Is(err, ErrLabel) || strings.Count(err.Error(), "annotate:") != 1 || !strings.Contains(err.Error(), d.Name) {
		t.Errorf("AddDocument with a bad span = %v", err)
	}
}

// TestExplicitStatusWins checks that an edit that sets the status itself,
// alone or in a batch, is not overridden by the automatic "in progress".
func TestExplicitStatusWins(t *testing.T) {
	for _, e := range []Edit{SetStatus{Status: StatusNew}, Batch{Edits: []Edit{SetStatus{Status: StatusNew}}},
		Batch{Edits: []Edit{SetLabels{Labels: []string{"x"}}, SetStatus{Status: StatusNew}}}} {
		d := goldDocument(t, 10)
		ed := &Editor{Doc: d, Schema: DefaultSchema()}
		if _, err := ed.Apply(e); err != nil {
			t.Fatal(err)
		}
		if d.Status != StatusNew {
			t.Errorf("%s on a new document: status %q, want new", e.Describe(), d.Status)
		}
	}
}

// TestOpenReadOnly opens a read-only project file for reading: it lists
// and loads, refuses changes, and leaves the file as it was.
func TestOpenReadOnly(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	d := goldDocument(t, 300)
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(d.ID, AddSpan{Span{Layer: "entity", Label: "PER", Start: 0, End: 2}}); err != nil {
		t.Fatal(err)
	}
	want := cloneDoc(t, p, d.ID)
	p.Close()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, path)
	q, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open: %v", err)
	}
	ls, err := q.Documents()
	if err != nil || len(ls) != 1 || ls[0].Spans != 1 {
		t.Errorf("Documents() = %+v, %v", ls, err)
	}
	got, err := q.Document(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := docDiff(want, got); diff != "" {
		t.Errorf("read-only document differs: %s", diff)
	}
	if _, err := q.Apply(d.ID, Split{At: got.Tokens[0].Start + 1}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Apply on a read-only project = %v, want ErrReadOnly", err)
	}
	if diff := docDiff(want, got); diff != "" {
		t.Errorf("a refused edit changed the document: %s", diff)
	}
	if _, err := q.Undo(d.ID); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Undo on a read-only project = %v, want ErrReadOnly", err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, path); after != before {
		t.Errorf("reading the project changed its file:\n%.300s\n%.300s", before[len(before)-200:], after[len(after)-200:])
	}
}

// TestOpenReadOnlyWritable reads a writable project with ReadOnly: the
// file is left exactly as it was, and one file.
func TestOpenReadOnlyWritable(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	if err := p.AddDocument(goldDocument(t, 100)); err != nil {
		t.Fatal(err)
	}
	p.Close()
	before := snapshot(t, path)
	q, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if ls, err := q.Documents(); err != nil || len(ls) != 1 {
		t.Errorf("Documents() = %v, %v", ls, err)
	}
	if err := q.AddWord(DictWord{Word: "詞"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("AddWord read-only = %v, want ErrReadOnly", err)
	}
	q.Close()
	if after := snapshot(t, path); after != before {
		t.Errorf("reading the project changed its file")
	}
}

// TestDocumentsCountSuggestions checks that a document's summary counts
// its suggestions among its spans (one definition of a span count
// everywhere: "9 spans (2 suggested)"), through adding, accepting,
// rejecting and undoing, and that a file of an older format counts them
// when it is brought to this one.
func TestDocumentsCountSuggestions(t *testing.T) {
	p, path := newTestProject(t, Options{NoBackup: true})
	doc := goldDocument(t, 40)
	tok := func(i int) (int, int) { return doc.Tokens[i].Start, doc.Tokens[i].End }
	for i, origin := range []Origin{OriginManual, OriginSuggested, OriginSuggested, OriginImported} {
		s, e := tok(2 * i)
		doc.Spans = append(doc.Spans, Span{Layer: "entity", Label: "LOC", Start: s, End: e, Origin: origin})
	}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	summary := func() DocumentSummary {
		t.Helper()
		docs, err := p.Documents()
		if err != nil || len(docs) != 1 {
			t.Fatalf("Documents: %v, %v", docs, err)
		}
		return docs[0]
	}
	var sugg []int64
	for _, sp := range doc.Spans {
		if sp.Origin == OriginSuggested {
			sugg = append(sugg, sp.ID)
		}
	}
	steps := []struct {
		name               string
		run                func() error
		spans, suggestions int
	}{
		{"added", func() error { return nil }, 4, 2},
		{"accept one", func() error { _, err := p.Apply(doc.ID, SetOrigin{ID: sugg[0], Origin: OriginManual}); return err }, 4, 1},
		{"reject the other", func() error { _, err := p.Apply(doc.ID, Reject{ID: sugg[1]}); return err }, 3, 0},
		{"undo the reject", func() error { _, err := p.Undo(doc.ID); return err }, 4, 1},
		{"undo the accept", func() error { _, err := p.Undo(doc.ID); return err }, 4, 2},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if s := summary(); s.Spans != st.spans || s.Suggested != st.suggestions {
			t.Errorf("%s: %d spans, %d suggested; want %d, %d", st.name, s.Spans, s.Suggested, st.spans, st.suggestions)
		}
	}
	// A file of format 3 (no count of suggestions) counts them when opened.
	if _, err := p.conn.ExecContext(t.Context(), undoFormat8+undoFormat7+undoFormat6+undoFormat5+"ALTER TABLE documents DROP COLUMN suggested; PRAGMA user_version=3"); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := Open(path, Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	docs, err := p.Documents()
	if err != nil || len(docs) != 1 || docs[0].Suggested != 2 || docs[0].Spans != 4 {
		t.Errorf("after migrating: %+v, %v; want 4 spans, 2 suggested", docs, err)
	}
	// The migrated file records a split made for a span's edge (kind label).
	d, err := p.Document(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	split := false
	for _, tok := range d.Tokens[9:] {
		if tok.End-tok.Start < 2 {
			continue
		}
		split = true
		at := tok.Start + 1
		if _, err := p.Apply(d.ID, Batch{Name: "label", Edits: []Edit{Split{At: at}, AddSpan{Span: Span{Layer: "entity", Label: "PER", Start: tok.Start, End: at}}}}); err != nil {
			t.Fatalf("a label's split in the migrated file: %v", err)
		}
		edits, err := p.SegmentationEdits()
		if err != nil || len(edits) != 1 || edits[0].Kind != SegLabel {
			t.Errorf("segmentation edits %+v, %v; want one of kind %s", edits, err, SegLabel)
		}
		break
	}
	if !split {
		t.Error("no token of two characters to split")
	}
}
