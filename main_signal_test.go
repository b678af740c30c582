package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// commonHan are the characters of the generated texts.
const commonHan = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广"

// genText is about size bytes of Chinese-looking text that no cleaning
// step shortens: sentences of 10 to 50 random common characters, commas
// now and then, a paragraph break after every fourth sentence or so.
// With oneLine, no line break, full stop or comma at all.
func genText(size int, oneLine bool, seed uint64) string {
	han := []rune(commonHan)
	rng := rand.New(rand.NewPCG(seed, 7))
	var sb strings.Builder
	for sb.Len() < size {
		for range 10 + rng.IntN(40) {
			sb.WriteRune(han[rng.IntN(len(han))])
			if !oneLine && rng.IntN(12) == 0 {
				sb.WriteString("，")
			}
		}
		if !oneLine {
			sb.WriteString("。")
			if rng.IntN(4) == 0 {
				sb.WriteString("\n")
			}
		}
	}
	return sb.String()
}

// slowRegex compiles to 963 instructions (within corpus.MaxRegexInsts)
// and costs regexp about 10 µs a character on text where it fails.
var slowRegex = strings.Repeat("(焦|作)?", 240) + "x"

// corpusProject writes a project for the reading commands to take long on:
// document 1 is 3 MB of text without a full stop, line break or comma
// (one piece for slowRegex, ending in x), documents 2 to 41 hold 50,000
// characters each, tokens of three characters (a vocabulary of about 1.5
// million words).
func corpusProject(t *testing.T, path string) {
	t.Helper()
	long := genText(3<<20, true, 1) + "x"
	docs := []*annotate.Document{{Name: "long.txt", Text: long, Raw: long}}
	for i := range 40 {
		runes := []rune(genText(150_000, false, uint64(i+2)))
		d := &annotate.Document{Name: fmt.Sprintf("d%02d.txt", i+2), Text: string(runes), Raw: string(runes)}
		d.Sentences = text.Sentences(d.Text)
		for s := 0; s < len(runes); s += 3 {
			e := min(s+3, len(runes))
			if runes[s] == '\n' || runes[e-1] == '\n' {
				continue
			}
			d.Tokens = append(d.Tokens, text.Token{Start: s, End: e, Text: string(runes[s:e]), POS: "n"})
		}
		docs = append(docs, d)
	}
	p, err := annotate.Create(path, nil, annotate.Options{NoBackup: true, Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AddDocuments(docs, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

// interrupted is a run of a command that was sent a signal.
type interrupted struct {
	result
	latency time.Duration // from the signal to the exit
}

// interruptRun starts biaozhu with args, sends it sig when ready
// returns true for a line of its stderr (ready nil: after delay), and
// waits for it to exit. It fails the test when the command ends before it
// is signalled (then the input is too small to test anything).
func interruptRun(t *testing.T, args []string, sig os.Signal, ready func(line string) bool, delay time.Duration) interrupted {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "BIAOZHU_RUN_MAIN=1", "LANG=C.UTF-8", "LC_ALL=")
	var out bytes.Buffer
	cmd.Stdout = &out
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var stderr strings.Builder
	readyC, eof := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(eof)
		sc := bufio.NewScanner(errPipe)
		signalled := false
		for sc.Scan() {
			mu.Lock()
			stderr.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if ready != nil && !signalled && ready(sc.Text()) {
				signalled = true
				close(readyC)
			}
		}
	}()
	var wait <-chan time.Time
	if ready == nil {
		wait = time.After(delay)
	}
	select {
	case <-readyC:
	case <-wait:
	case <-eof:
		cmd.Wait()
		t.Fatalf("biaozhu %.80q ended before it was interrupted: stderr %q", args, stderr.String())
	}
	start := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	<-eof
	cmd.Wait()
	r := interrupted{latency: time.Since(start)}
	r.stdout, r.code = out.String(), cmd.ProcessState.ExitCode()
	mu.Lock()
	r.stderr = stderr.String()
	mu.Unlock()
	return r
}

// leftovers lists the files of dir that are not in keep: a partial output,
// a temporary file, a project's WAL.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range entries {
		if !strings.Contains(strings.Join(keep, "\x00")+"\x00", e.Name()+"\x00") {
			extra = append(extra, e.Name())
		}
	}
	return extra
}

// TestInterrupt sends SIGINT (SIGTERM once) to every long command in its
// slow steps (loading the dictionary, cleaning and segmenting a big file,
// a regular expression search, building the index, writing a table, an
// export): each exits with status 130 within
// a second, saying it was interrupted, and leaves nothing half-written:
// no output file, no temporary file, the project as it was (or with only
// the files an import had finished). The bound is on responsiveness: a
// run over it is tried once more before the test fails; the times are
// logged.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs commands on inputs of several megabytes")
	}
	inputs := t.TempDir()
	big := filepath.Join(inputs, "big.txt")
	if err := os.WriteFile(big, []byte(genText(8<<20, false, 99)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Cleaning alone (no segmentation) runs at tens of MB/s: clean and
	// segment get a text big enough to be still at work when the signal
	// comes.
	bigger := filepath.Join(inputs, "bigger.txt")
	if err := os.WriteFile(bigger, []byte(strings.Repeat(genText(8<<20, false, 99), 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(inputs, "corpus.biaozhu")
	corpusProject(t, corpus)
	doccano := filepath.Join(inputs, "big.jsonl")
	// Big enough to be still segmenting when the signal comes, 2 s in (at
	// 8 MB the import could be done by then).
	line, _ := json.Marshal(map[string]any{"text": genText(24<<20, false, 98), "label": [][]any{{0, 2, "LOC"}}})
	if err := os.WriteFile(doccano, append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}

	type tc struct {
		name  string
		ready func(line string) bool // signal when stderr says this…
		delay time.Duration          // … or after this long
		sig   os.Signal              // SIGINT if nil
		// setup prepares dir and returns the arguments, and check tests
		// what the run left there.
		setup func(t *testing.T, dir string) []string
		check func(t *testing.T, dir string, r interrupted)
	}
	empty := func(t *testing.T, _ string, r interrupted) {
		if r.stdout != "" {
			t.Errorf("stdout %d bytes %.40q…, want nothing", len(r.stdout), r.stdout)
		}
	}
	nothingIn := func(t *testing.T, dir string, r interrupted) {
		if extra := leftovers(t, dir); len(extra) > 0 {
			t.Errorf("left in the output folder: %q", extra)
		}
	}
	tests := []tc{
		{name: "import text", ready: func(l string) bool { return strings.HasPrefix(l, "[1/2] imported ") },
			setup: func(t *testing.T, dir string) []string {
				a := filepath.Join(dir, "a.txt")
				if err := os.WriteFile(a, []byte("第一篇文章。\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return []string{"import", "-p", filepath.Join(dir, "p.biaozhu"), a, big}
			},
			check: func(t *testing.T, dir string, r interrupted) {
				if !strings.HasPrefix(r.stdout, "imported 1 document ") || !strings.Contains(r.stderr, "interrupted after 1 of 2 files") {
					t.Errorf("stdout %q, stderr %q: want a.txt imported, then interrupted", r.stdout, r.stderr)
				}
				if extra := leftovers(t, dir, "a.txt", "p.biaozhu"); len(extra) > 0 {
					t.Errorf("left beside the project: %q", extra)
				}
				if rows := lsRows(t, filepath.Join(dir, "p.biaozhu")); len(rows) != 1 || rows[0][1] != "a.txt" {
					t.Errorf("ls: %q, want a.txt alone", rows)
				}
			}},
		{name: "import doccano", delay: 2 * time.Second,
			setup: func(t *testing.T, dir string) []string {
				return []string{"import", "-p", filepath.Join(dir, "new.biaozhu"), "-f", "doccano", doccano}
			},
			check: func(t *testing.T, dir string, r interrupted) {
				if !strings.Contains(r.stderr, "nothing was imported") {
					t.Errorf("stderr %q, want nothing was imported", r.stderr)
				}
				nothingIn(t, dir, r) // the project made for the import is removed
			}},
		{name: "clean", delay: 1500 * time.Millisecond,
			setup: func(*testing.T, string) []string { return []string{"clean", bigger} }, check: empty},
		// segment gets the bigger text too: since the dictionary loads in
		// a quarter of a second, 8 MB are segmented and being written to
		// stdout (a stream, written as it goes) by 1.5 s.
		{name: "segment", delay: 1500 * time.Millisecond,
			setup: func(*testing.T, string) []string { return []string{"segment", "-format", "conllu", bigger} }, check: empty},
		{name: "kwic regex", delay: 1500 * time.Millisecond,
			setup: func(t *testing.T, dir string) []string {
				return []string{"kwic", "-p", corpus, "-doc", "1", "-regex", slowRegex, "-o", filepath.Join(dir, "hits.csv")}
			},
			check: nothingIn},
		{name: "freq xlsx", delay: time.Second,
			setup: func(t *testing.T, dir string) []string {
				return []string{"freq", "-p", corpus, "-o", filepath.Join(dir, "words.xlsx")}
			},
			check: nothingIn},
		{name: "export xlsx", delay: 1500 * time.Millisecond, sig: syscall.SIGTERM,
			setup: func(t *testing.T, dir string) []string {
				return []string{"export", "-p", corpus, "-f", "xlsx", "-o", filepath.Join(dir, "corpus.xlsx")}
			},
			check: nothingIn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var times []time.Duration
			for attempt := 0; attempt < 2; attempt++ {
				dir := t.TempDir()
				sig := tc.sig
				if sig == nil {
					sig = os.Interrupt
				}
				r := interruptRun(t, tc.setup(t, dir), sig, tc.ready, tc.delay)
				times = append(times, r.latency)
				if r.code != 130 || !strings.Contains(r.stderr, "interrupted") {
					t.Fatalf("exit %d, stderr %q; want 130 and interrupted", r.code, r.stderr)
				}
				tc.check(t, dir, r)
				if r.latency <= time.Second {
					break
				}
			}
			t.Logf("exit %v after the signal", times)
			if times[len(times)-1] > time.Second {
				t.Errorf("exit %v after the signal, want within 1 s", times)
			}
		})
	}
}
