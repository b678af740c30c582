package annotate

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/assets"
)

// The crash test: a child process (this test binary, running
// TestCrashChild) applies random edits to a project and prints each one as
// soon as its commit returns; the parent (TestCrash) kills it with SIGKILL
// at a random moment, reopens the project and checks that it is sound and
// holds every printed edit. The parent replays the child's edits in memory
// (same seed, same generator, an Editor without a store) to know the state
// after each printed step: the file must be in the state of the last
// printed step, or of the one after it (committed, killed before printing).

// The environment of the child process.
const (
	crashChildEnv = "BIAOZHU_CRASH_CHILD" // "1" in the child
	crashPathEnv  = "BIAOZHU_CRASH_PATH"  // the project file
	crashSeedEnv  = "BIAOZHU_CRASH_SEED"  // the seed of the child's edits
	// crashMasterSeedEnv, when set, replaces the parent's random seed, to
	// replay a failed run (the test logs the seed it used).
	crashMasterSeedEnv = "BIAOZHU_CRASH_MASTER_SEED"
)

// crashLinePrefix starts each line the child prints for a committed edit:
// "crash-edit STEP DIGEST NAME".
const crashLinePrefix = "crash-edit "

// crashDocID is the one document of the crash test's project.
const crashDocID = 1

// crashTarget is what the edit generator edits: the project (in the child)
// or an in-memory Editor (the parent's replay).
type crashTarget interface {
	document() *Document
	apply(Edit) (*Entry, error)
	undo() (*Entry, error)
	redo() (*Entry, error)
}

type crashProject struct {
	p   *Project
	doc *Document
}

func (c crashProject) document() *Document          { return c.doc }
func (c crashProject) apply(e Edit) (*Entry, error) { return c.p.Apply(crashDocID, e) }
func (c crashProject) undo() (*Entry, error)        { return c.p.Undo(crashDocID) }
func (c crashProject) redo() (*Entry, error)        { return c.p.Redo(crashDocID) }

type crashEditor struct{ ed *Editor }

func (c crashEditor) document() *Document          { return c.ed.Doc }
func (c crashEditor) apply(e Edit) (*Entry, error) { return c.ed.Apply(e) }
func (c crashEditor) undo() (*Entry, error)        { return c.ed.Undo() }
func (c crashEditor) redo() (*Entry, error)        { return c.ed.Redo() }

// crashNotes are the notes the generator sets: empty, CJK, quotes, SQL,
// a newline, an emoji, a NUL, a long one.
var crashNotes = []string{
	"", "待核实", "人名？存疑", `it's "quoted"`, "'; DROP TABLE spans; --",
	"两行\n第二行", "emoji 🙂 and tab\t", "a NUL \x00 byte", strings.Repeat("长", 300),
}

// crashDocLabels are the document labels the generator sets.
var crashDocLabels = []string{"新闻", "已审", "焦作", "todo", "政务"}

var crashAnnotators = []string{"", "lin", "王芳"}

func crashRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x6269616f7a6875))
}

// crashStepKind is what the generator asks for.
type crashStepKind int

const (
	crashApply crashStepKind = iota
	crashUndo
	crashRedo
)

// crashPick returns a random step for document d, the step-th of a
// session: an edit (which may be refused: that is part of the test), an
// undo or a redo. It reads only its arguments and rng, so the same seed
// gives the same steps against the same states.
func crashPick(rng *rand.Rand, d *Document, schema *Schema, step int) (crashStepKind, Edit) {
	// Just after opening, the annotator often undoes or redoes the last
	// steps of the previous session.
	if step <= 5 && rng.IntN(2) == 0 {
		if rng.IntN(3) == 0 {
			return crashRedo, nil
		}
		return crashUndo, nil
	}
	var labels []string
	if l, ok := schema.Layer("entity"); ok {
		labels = l.LabelNames()
	}
	label := func() string {
		if len(labels) == 0 {
			return "PER"
		}
		return labels[rng.IntN(len(labels))]
	}
	tag := func() string {
		if len(schema.POS.Tags) == 0 {
			return "n"
		}
		return schema.POS.Tags[rng.IntN(len(schema.POS.Tags))].Name
	}
	toks := d.Tokens
	token := func() int { return rng.IntN(len(toks)) }
	spanID := func() int64 {
		if len(d.Spans) == 0 {
			return 0 // refused: no such span
		}
		return d.Spans[rng.IntN(len(d.Spans))].ID
	}
	addSpan := func() AddSpan {
		i := token()
		j := min(i+rng.IntN(3), len(toks)-1)
		origins := []Origin{"", OriginManual, OriginSuggested}
		return AddSpan{Span: Span{Layer: "entity", Label: label(), Start: toks[i].Start, End: toks[j].End,
			Origin: origins[rng.IntN(len(origins))], Annotator: crashAnnotators[rng.IntN(len(crashAnnotators))]}}
	}
	if len(toks) == 0 {
		return crashApply, SetStatus{Status: Statuses[rng.IntN(len(Statuses))]}
	}
	switch w := rng.IntN(100); {
	case w < 14:
		return crashApply, addSpan()
	case w < 16:
		b := Batch{Name: "label all occurrences"}
		for n := 2 + rng.IntN(2); n > 0; n-- {
			b.Edits = append(b.Edits, addSpan())
		}
		return crashApply, b
	case w < 23:
		return crashApply, RemoveSpan{ID: spanID()}
	case w < 27:
		return crashApply, RelabelSpan{ID: spanID(), Label: label()}
	case w < 31:
		return crashApply, SetNote{ID: spanID(), Note: crashNotes[rng.IntN(len(crashNotes))]}
	case w < 33:
		return crashApply, SetOrigin{ID: spanID(), Origin: []Origin{OriginManual, OriginSuggested, OriginImported}[rng.IntN(3)]}
	case w < 42:
		return crashApply, SetPOS{At: toks[token()].Start, POS: tag()}
	case w < 49:
		// A random multi-character token, at a random inside offset.
		i := token()
		for k := 0; k < len(toks) && toks[i].End-toks[i].Start < 2; k++ {
			i = (i + 1) % len(toks)
		}
		t := toks[i]
		if t.End-t.Start < 2 {
			return crashApply, Split{At: t.Start} // refused
		}
		return crashApply, Split{At: t.Start + 1 + rng.IntN(t.End-t.Start-1)}
	case w < 56:
		// 2 or 3 adjacent tokens; refused across a sentence boundary or
		// through a span's edge.
		i := token()
		j := min(i+1+rng.IntN(2), len(toks)-1)
		pos := ""
		if rng.IntN(2) == 0 {
			pos = tag()
		}
		return crashApply, Merge{Start: toks[i].Start, End: toks[j].End, POS: pos}
	case w < 59:
		return crashApply, SetStatus{Status: Statuses[rng.IntN(len(Statuses))]}
	case w < 62:
		var ls []string
		for _, k := range rng.Perm(len(crashDocLabels))[:rng.IntN(len(crashDocLabels)+1)] {
			ls = append(ls, crashDocLabels[k])
		}
		if rng.IntN(10) == 0 && len(ls) > 0 {
			ls = append(ls, ls[0]) // refused: twice
		}
		return crashApply, SetLabels{Labels: ls}
	case w >= 65 && w < 72:
		// Relation edits: between random spans (refused where the type's
		// constraint does not admit their labels), and on random
		// relations.
		relID := func() int64 {
			if len(d.Relations) == 0 {
				return 0 // refused: no such relation
			}
			return d.Relations[rng.IntN(len(d.Relations))].ID
		}
		types := []string{"works_for", "linked", "NOPE"}
		switch rng.IntN(6) {
		case 0, 1:
			return crashApply, AddRelation{Relation: Relation{Layer: "rel", Type: types[rng.IntN(len(types))], From: spanID(), To: spanID(),
				Annotator: crashAnnotators[rng.IntN(len(crashAnnotators))]}}
		case 2:
			return crashApply, RemoveRelation{ID: relID()}
		case 3:
			return crashApply, RetypeRelation{ID: relID(), Type: types[rng.IntN(len(types))]}
		case 4:
			return crashApply, ReverseRelation{ID: relID()}
		default:
			return crashApply, SetRelationNote{ID: relID(), Note: crashNotes[rng.IntN(len(crashNotes))]}
		}
	case w < 65:
		// Edits that are refused; the batch is refused after its first
		// edit was made, which must be reverted.
		bad := []Edit{
			AddSpan{Span: Span{Layer: "entity", Label: "NOPE", Start: toks[0].Start, End: toks[0].End}},
			AddSpan{Span: Span{Layer: "entity", Label: label(), Start: -1, End: 2}},
			AddSpan{Span: Span{Layer: "nope", Label: label(), Start: toks[0].Start, End: toks[0].End}},
			SetPOS{At: -3, POS: tag()},
			SetPOS{At: toks[0].Start, POS: "NOT-A-TAG"},
			SetStatus{Status: "archived"},
			Batch{Edits: []Edit{addSpan(), SetStatus{Status: "archived"}}},
		}
		return crashApply, bad[rng.IntN(len(bad))]
	case w < 90:
		return crashUndo, nil
	default:
		return crashRedo, nil
	}
}

// crashStep makes the step-th step of a session on t: it picks steps until one is accepted
// (refused edits, and undo or redo with nothing to undo or redo, change
// nothing) and returns the name of the step made. Any other error is
// returned.
func crashStep(rng *rand.Rand, t crashTarget, schema *Schema, step int) (string, error) {
	for range 1000 {
		kind, e := crashPick(rng, t.document(), schema, step)
		var entry *Entry
		var err error
		switch kind {
		case crashUndo:
			entry, err = t.undo()
		case crashRedo:
			entry, err = t.redo()
		default:
			entry, err = t.apply(e)
		}
		var ee *EditError
		if kind == crashApply && errors.As(err, &ee) {
			continue
		}
		if err != nil {
			return "", err
		}
		if entry == nil {
			continue
		}
		switch kind {
		case crashUndo:
			return "undo " + entry.Name, nil
		case crashRedo:
			return "redo " + entry.Name, nil
		}
		return entry.Name, nil
	}
	return "", errors.New("no step accepted in 1000 attempts")
}

// crashDigest is a hash of document d's editable state: its tokens, its
// spans (by ID, every field), status and document labels.
func crashDigest(d *Document) string {
	var buf []byte
	num := func(v int) { buf = binary.AppendVarint(buf, int64(v)) }
	str := func(s string) { num(len(s)); buf = append(buf, s...) }
	num(len(d.Tokens))
	for _, t := range d.Tokens {
		num(t.Start)
		num(t.End)
		str(t.POS)
		str(t.Text)
		if t.Edited {
			num(1)
		} else {
			num(0)
		}
	}
	spans := slices.Clone(d.Spans)
	slices.SortStableFunc(spans, func(a, b Span) int { return cmp.Compare(a.ID, b.ID) })
	num(len(spans))
	for _, s := range spans {
		buf = binary.AppendVarint(buf, s.ID)
		str(s.Layer)
		str(s.Label)
		num(s.Start)
		num(s.End)
		str(s.Note)
		str(string(s.Origin))
		str(s.Annotator)
	}
	num(len(d.Relations))
	for _, r := range d.Relations {
		buf = binary.AppendVarint(buf, r.ID)
		str(r.Layer)
		str(r.Type)
		buf = binary.AppendVarint(buf, r.From)
		buf = binary.AppendVarint(buf, r.To)
		str(r.Note)
		str(string(r.Origin))
		str(r.Annotator)
	}
	str(string(d.Status))
	num(len(d.Labels))
	for _, l := range d.Labels {
		str(l)
	}
	h := fnv.New64a()
	h.Write(buf)
	return fmt.Sprintf("%016x", h.Sum64())
}

// crashDiff says how the editable state of got differs from want's, ""
// when it does not.
func crashDiff(want, got *Document) string {
	var out []string
	if len(want.Tokens) != len(got.Tokens) {
		out = append(out, fmt.Sprintf("%d tokens, want %d", len(got.Tokens), len(want.Tokens)))
	}
	for i := range min(len(want.Tokens), len(got.Tokens)) {
		w, g := want.Tokens[i], got.Tokens[i]
		if w.Start != g.Start || w.End != g.End || w.POS != g.POS || w.Edited != g.Edited || w.Text != g.Text {
			out = append(out, fmt.Sprintf("token %d is %+v, want %+v", i, g, w))
			break
		}
	}
	// Spans by ID, every field shown (Span's String leaves some out).
	byID := func(ss []Span) map[int64]string {
		m := map[int64]string{}
		for _, s := range ss {
			m[s.ID] += fmt.Sprintf("{%d %s/%s [%d,%d) note %q origin %s annotator %q}", s.ID, s.Layer, s.Label, s.Start, s.End, s.Note, s.Origin, s.Annotator)
		}
		return m
	}
	ws, gs := byID(want.Spans), byID(got.Spans)
	for id, w := range ws {
		if g := gs[id]; w != g {
			out = append(out, fmt.Sprintf("span %d is %s, want %s", id, cmp.Or(g, "missing"), w))
		}
	}
	for id, g := range gs {
		if _, ok := ws[id]; !ok {
			out = append(out, fmt.Sprintf("span %d %s should not be there", id, g))
		}
	}
	if !slices.Equal(want.Relations, got.Relations) {
		out = append(out, fmt.Sprintf("relations %+v, want %+v", got.Relations, want.Relations))
	}
	if want.Status != got.Status {
		out = append(out, fmt.Sprintf("status %q, want %q", got.Status, want.Status))
	}
	if !slices.Equal(want.Labels, got.Labels) {
		out = append(out, fmt.Sprintf("labels %q, want %q", got.Labels, want.Labels))
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

// crashCheckDoc checks what must hold of any document: tokens in order,
// not overlapping, inside the text, with their text; spans in order, with
// distinct IDs.
func crashCheckDoc(d *Document) error {
	n := d.Chars()
	for i, t := range d.Tokens {
		if t.Start < 0 || t.End > n || t.Start >= t.End || (i > 0 && t.Start < d.Tokens[i-1].End) {
			return fmt.Errorf("token %d %+v is out of order or outside the text", i, t)
		}
		if t.Text != d.Slice(t.Start, t.End) {
			return fmt.Errorf("token %d %+v: text is not the slice %q", i, t, d.Slice(t.Start, t.End))
		}
	}
	ids := map[int64]Span{}
	for i, s := range d.Spans {
		if o, ok := ids[s.ID]; ok {
			return fmt.Errorf("two spans have ID %d: %+v and %+v", s.ID, o, s)
		}
		ids[s.ID] = s
		if i > 0 && spanLess(s, d.Spans[i-1]) {
			return fmt.Errorf("span %d %+v is out of order", i, s)
		}
	}
	for i, r := range d.Relations {
		if _, ok := ids[r.ID]; ok || i > 0 && r.ID <= d.Relations[i-1].ID {
			return fmt.Errorf("relation %d %+v: its ID is a span's, or out of order", i, r)
		}
		if _, ok := ids[r.From]; !ok {
			return fmt.Errorf("relation %+v dangles: no span %d", r, r.From)
		}
		if _, ok := ids[r.To]; !ok {
			return fmt.Errorf("relation %+v dangles: no span %d", r, r.To)
		}
	}
	return nil
}

func crashCloneDoc(d *Document) *Document {
	c := *d
	c.Tokens = slices.Clone(d.Tokens)
	c.Spans = slices.Clone(d.Spans)
	c.Relations = slices.Clone(d.Relations)
	c.Labels = slices.Clone(d.Labels)
	c.Sentences = slices.Clone(d.Sentences)
	c.index = text.TextIndex{}
	return &c
}

// crashCloneHistory deep-copies h through its JSON form (what the store
// writes of it).
func crashCloneHistory(tb testing.TB, h *History) *History {
	tb.Helper()
	js, err := json.Marshal(h)
	if err != nil {
		tb.Fatal(err)
	}
	c := &History{}
	if err := json.Unmarshal(js, c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestCrashChild is the child process of TestCrash; it skips unless
// TestCrash started it. It edits the project until it is killed.
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashChildEnv) != "1" {
		t.Skip("the child process of TestCrash; runs only when TestCrash starts it")
	}
	seed, err := strconv.ParseUint(os.Getenv(crashSeedEnv), 10, 64)
	if err != nil {
		t.Fatalf("bad %s: %v", crashSeedEnv, err)
	}
	p, err := Open(os.Getenv(crashPathEnv), Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d, err := p.Document(crashDocID)
	if err != nil {
		t.Fatal(err)
	}
	schema := p.Schema()
	rng := crashRand(seed)
	target := crashProject{p: p, doc: d}
	deadline := time.Now().Add(2 * time.Minute)
	for step := 1; time.Now().Before(deadline); step++ {
		name, err := crashStep(rng, target, schema, step)
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		// The step is committed: say so at once (an unbuffered write).
		fmt.Fprintf(os.Stdout, "%s%d %s %s\n", crashLinePrefix, step, crashDigest(d), strconv.Quote(name))
	}
	t.Fatal("not killed within two minutes")
}

// crashState is the project as the parent reopened it.
type crashState struct {
	doc     *Document
	hist    *History
	schema  *Schema
	nextID  int64 // the project's next span ID, as the child will start
	digest  string
	entries [2]int // history entries: done, undone
}

// crashOpen opens the project at path (which must not be locked by the
// dead child), checks its integrity and returns a copy of its document and
// history.
func crashOpen(t *testing.T, path, when string) *crashState {
	t.Helper()
	p, err := Open(path, Options{})
	if errors.Is(err, ErrLocked) {
		t.Fatalf("%s: Open() = %v: the killed child's lock outlived it", when, err)
	}
	if err != nil {
		t.Fatalf("%s: Open() = %v", when, err)
	}
	defer p.Close()
	findings, err := p.IntegrityCheck()
	if err != nil || findings != nil {
		t.Fatalf("%s: IntegrityCheck() = %q, %v; want no findings", when, findings, err)
	}
	d, err := p.Document(crashDocID)
	if err != nil {
		t.Fatalf("%s: Document(%d) = %v", when, crashDocID, err)
	}
	h, err := p.History(crashDocID)
	if err != nil {
		t.Fatalf("%s: History(%d) = %v", when, crashDocID, err)
	}
	st := &crashState{doc: crashCloneDoc(d), hist: crashCloneHistory(t, h), schema: p.Schema(), nextID: p.nextSpanID}
	st.digest = crashDigest(st.doc)
	st.entries = [2]int{len(h.Done), len(h.Undone)}
	return st
}

// crashWALTail returns how many frames the project's write-ahead log holds
// after its last commit frame: a transaction the child was writing when it
// was killed. A frame belongs to the log while its salt is the log
// header's (SQLite's WAL format: a 32-byte header, then frames of a 24-byte
// header and a page; a commit frame has the database size in bytes 4-8).
func crashWALTail(path string) (int, error) {
	wal, err := os.ReadFile(path + "-wal")
	if errors.Is(err, os.ErrNotExist) || len(wal) < 32 {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	pageSize := int(binary.BigEndian.Uint32(wal[8:12]))
	if pageSize < 512 {
		return 0, fmt.Errorf("%s-wal: page size %d", path, pageSize)
	}
	frames, lastCommit := 0, 0
	for off := 32; off+24 <= len(wal); off += 24 + pageSize {
		if string(wal[off+8:off+16]) != string(wal[16:24]) {
			break
		}
		frames++
		if binary.BigEndian.Uint32(wal[off+4:off+8]) != 0 {
			lastCommit = frames
		}
	}
	return frames - lastCommit, nil
}

// crashLine is a line the child printed.
type crashLine struct {
	step   int
	digest string
	name   string
}

// crashRun runs the child on path with seed, kills it with SIGKILL as
// policy says and returns the lines it printed (complete lines only). A
// child that exits by itself fails the test with its output.
func crashRun(t *testing.T, path string, seed uint64, policy crashPolicy) []crashLine {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.Command(exe, "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashPathEnv+"="+path, crashSeedEnv+"="+strconv.FormatUint(seed, 10))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	lineCh := make(chan string, 256)
	var readErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(lineCh)
		r := bufio.NewReader(stdout)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				// A partial last line was cut by the kill: it was
				// not printed.
				if err != io.EOF {
					readErr = err
				}
				return
			}
			lineCh <- strings.TrimSuffix(l, "\n")
		}
	})
	finished := false
	defer func() {
		if !finished { // the test failed: do not leave the child running
			cmd.Process.Kill()
			for range lineCh {
			}
			cmd.Wait()
		}
	}()
	killed := false
	kill := func() {
		if !killed {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Errorf("kill: %v", err)
			}
			killed = true
		}
	}
	var killAt <-chan time.Time
	if policy.early {
		killAt = time.After(policy.delay)
	}
	safety := time.After(60 * time.Second)
	var lines []crashLine
	var other []string
	for open := true; open; {
		select {
		case l, ok := <-lineCh:
			if !ok {
				open = false
				break
			}
			rest, ok := strings.CutPrefix(l, crashLinePrefix)
			if !ok {
				other = append(other, l)
				break
			}
			f := strings.SplitN(rest, " ", 3)
			step, err := strconv.Atoi(f[0])
			if len(f) != 3 || err != nil || step != len(lines)+1 {
				t.Fatalf("child printed %q after %d lines", l, len(lines))
			}
			name, _ := strconv.Unquote(f[2])
			lines = append(lines, crashLine{step: step, digest: f[1], name: name})
			if policy.lines > 0 && len(lines) >= policy.lines {
				kill()
			}
			if !policy.early && policy.lines == 0 && len(lines) == 1 {
				killAt = time.After(policy.delay)
			}
		case <-killAt:
			kill()
		case <-safety:
			kill()
			t.Errorf("the child ran 60 s without reaching its kill moment (%d lines)", len(lines))
		}
	}
	wg.Wait()
	err = cmd.Wait()
	finished = true
	// A process killed by a signal has exit code -1.
	if !killed || cmd.ProcessState.ExitCode() != -1 {
		t.Fatalf("the child exited by itself after %v, %d edits: %v\n%s\n%s", time.Since(started), len(lines), err, strings.Join(other, "\n"), stderr.String())
	}
	if readErr != nil {
		t.Fatalf("reading the child's output: %v", readErr)
	}
	return lines
}

// crashPolicy says when to kill the child: after delay from its start
// (early: it may still be opening the project), after delay from its
// first printed edit, or after it printed lines edits.
type crashPolicy struct {
	early bool
	delay time.Duration
	lines int
}

func (p crashPolicy) String() string {
	switch {
	case p.early:
		return fmt.Sprintf("%v after start", p.delay)
	case p.lines > 0:
		return fmt.Sprintf("after %d lines", p.lines)
	}
	return fmt.Sprintf("%v after the first edit", p.delay)
}

func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: skipped in -short mode")
	}
	switch runtime.GOOS {
	case "windows", "js", "wasip1", "plan9":
		t.Skipf("crash test: needs SIGKILL and a child process; not on %s", runtime.GOOS)
	}
	begin := time.Now()
	// The demo article embedded in the program (the seed article of
	// ../shared, which a clone of the repository alone lacks): the test
	// always runs.
	res, err := text.Process(assets.DemoName, assets.DemoArticle, segmenterForTest(t), text.DefaultCleanOptions())
	if err != nil {
		t.Fatal(err)
	}
	doc := NewDocument(res)
	if len(doc.Tokens) < 300 {
		t.Fatalf("the seed article has %d tokens; the crash test wants several hundred", len(doc.Tokens))
	}
	path := filepath.Join(t.TempDir(), "crash.biaozhu")
	p, err := Create(path, relationTestSchema(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != crashDocID {
		t.Fatalf("AddDocument gave ID %d, want %d", doc.ID, crashDocID)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	imported := crashOpen(t, path, "after import")

	masterSeed := uint64(time.Now().UnixNano())
	if s := os.Getenv(crashMasterSeedEnv); s != "" {
		if masterSeed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("bad %s: %v", crashMasterSeedEnv, err)
		}
	}
	t.Logf("seed %d (set %s=%d to repeat this run); %d tokens", masterSeed, crashMasterSeedEnv, masterSeed, len(doc.Tokens))
	master := crashRand(masterSeed)
	// The race detector makes the child about ten times slower.
	rounds, maxLines, slow := 10, 600, time.Duration(1)
	if raceEnabled {
		rounds, maxLines, slow = 5, 250, 3
	}

	var printed, unprinted, midWrite, maxDone int
	state := imported
	for round := 1; round <= rounds; round++ {
		seed := master.Uint64()
		var policy crashPolicy
		switch k := master.IntN(10); {
		case k == 0:
			policy = crashPolicy{early: true, delay: slow * time.Duration(master.IntN(150)) * time.Millisecond}
		case k < 5:
			policy = crashPolicy{lines: 100 + master.IntN(maxLines)}
		default:
			policy = crashPolicy{delay: slow * time.Duration(150+master.IntN(750)) * time.Millisecond}
		}
		lines := crashRun(t, path, seed, policy)
		k := len(lines)

		// Replay the child's steps in memory from the state it started
		// from: the same seed gives the same steps.
		next := state.nextID
		ed := &Editor{Doc: crashCloneDoc(state.doc), Schema: state.schema, History: state.hist,
			NewSpanID: func() int64 { next++; return next - 1 }}
		rng := crashRand(seed)
		digests := []string{state.digest}
		docs := []*Document{crashCloneDoc(state.doc)}
		entries := [][2]int{state.entries}
		names := []string{"none"}
		for i := 1; i <= k+1; i++ {
			name, err := crashStep(rng, crashEditor{ed}, state.schema, i)
			if err != nil {
				t.Fatalf("round %d: replay of step %d: %v", round, i, err)
			}
			dg := crashDigest(ed.Doc)
			if i <= k && (dg != lines[i-1].digest || name != lines[i-1].name) {
				t.Fatalf("round %d (seed %d): replayed step %d %q gives digest %s; the child printed %s for %q: the generator or the editor is not deterministic",
					round, seed, i, name, dg, lines[i-1].digest, lines[i-1].name)
			}
			digests = append(digests, dg)
			docs = append(docs, crashCloneDoc(ed.Doc))
			entries = append(entries, [2]int{len(ed.History.Done), len(ed.History.Undone)})
			names = append(names, name)
			if err := crashCheckDoc(ed.Doc); err != nil {
				t.Fatalf("round %d (seed %d): after step %d %q: %v", round, seed, i, name, err)
			}
			maxDone = max(maxDone, len(ed.History.Done))
		}

		when := fmt.Sprintf("round %d (seed %d, kill %v, %d edits printed)", round, seed, policy, k)
		tail, err := crashWALTail(path)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if tail > 0 {
			midWrite++
			when += fmt.Sprintf(", killed writing a transaction (%d frames)", tail)
		}
		got := crashOpen(t, path, when)
		switch {
		case got.digest == digests[k] && got.entries == entries[k]:
		case got.digest == digests[k+1] && got.entries == entries[k+1]:
			unprinted++
		default:
			t.Fatalf("%s: the reopened project is neither in the state of the last printed edit (%q) nor of the next one (%q):\n"+
				"vs last printed: %s (history entries done, undone %v, want %v)\nvs next: %s (history entries %v, want %v)",
				when, names[k], names[k+1],
				crashDiff(docs[k], got.doc), got.entries, entries[k], crashDiff(docs[k+1], got.doc), got.entries, entries[k+1])
		}
		printed += k
		t.Logf("%s: verified; history entries done, undone: %v", when, got.entries)
		state = got
	}

	// Undo everything: the document is as imported, in memory and in the
	// file.
	if maxDone >= DefaultHistoryLimit {
		t.Logf("the history reached its limit of %d steps (oldest dropped): not undoing back to the import", DefaultHistoryLimit)
	} else {
		p, err := Open(path, Options{NoBackup: true})
		if err != nil {
			t.Fatal(err)
		}
		undone := 0
		for ; ; undone++ {
			e, err := p.Undo(crashDocID)
			if err != nil {
				p.Close()
				t.Fatalf("undo %d: %v", undone+1, err)
			}
			if e == nil {
				break
			}
		}
		d, err := p.Document(crashDocID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := crashDiff(imported.doc, d); diff != "" || crashDigest(d) != imported.digest {
			t.Errorf("after undoing all %d steps, the document differs from the import: %s", undone, diff)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if got := crashOpen(t, path, "after undoing everything"); got.digest != imported.digest {
			t.Errorf("reopened after undoing all %d steps, the document differs from the import: %s", undone, crashDiff(imported.doc, got.doc))
		}
		t.Logf("undid all %d steps back to the import", undone)
	}
	t.Logf("%d rounds, %d edits printed, all found in the reopened file; %d kills mid-write (the WAL ended in an uncommitted transaction), %d after a commit the child had not yet printed; %v",
		rounds, printed, midWrite, unprinted, time.Since(begin).Round(time.Millisecond))
}
