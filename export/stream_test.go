package export

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"weak"

	"github.com/biaozhu/biaozhu/annotate"
)

// registerTestReader registers r for the test's length.
func registerTestReader(t *testing.T, r *Reader) {
	t.Helper()
	if _, ok := readers[r.Name]; ok {
		t.Fatalf("a reader %q is registered already", r.Name)
	}
	RegisterReader(r)
	t.Cleanup(func() { delete(readers, r.Name) })
}

// doccanoRecords is a doccano file of n records of about 1 KB of
// dialogue, each with a PER and a LOC span, named NAME-i.
func doccanoRecords(name string, n int) string {
	var b strings.Builder
	for i := range n {
		text := fmt.Sprintf("甲：王小明今天去北京了嗎？乙：去了，第%d號會議室。", i) + strings.Repeat("價格：蘋果五元一斤，梨三元。「好。」", 20)
		rec, _ := json.Marshal(map[string]any{"text": text, "label": [][]any{{2, 5, "PER"}, {7, 9, "LOC"}},
			"meta": map[string]any{"doc_name": fmt.Sprintf("%s-%d", name, i)}})
		b.Write(rec)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestImportStreamsDocuments: a format import hands each document to the
// project's transaction before its reader reads the next, and keeps none
// it has stored (issue 13: ImportFiles held every document of every file
// until one AddDocumentsContext at the end, about 2.9 × the text, so that
// a doccano file of a million small documents took gigabytes). The
// doccano reader, watched, finds each document it hands on stored (it has
// its ID) when the hand-over returns, and the documents before it no
// longer reachable (a collection clears weak pointers to them); the
// report and the project are those of the import.
func TestImportStreamsDocuments(t *testing.T) {
	a := tabWrite(t, "a.jsonl", []byte(doccanoRecords("a", 30)))
	b := tabWrite(t, "b.jsonl", []byte(doccanoRecords("b", 30)))
	var (
		handed []weak.Pointer[annotate.Document]
		names  []string
	)
	registerTestReader(t, &Reader{Name: "doccano-watched", Each: func(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
		return eachDoccano(path, opts, im, func(d *annotate.Document) error {
			runtime.GC()
			for i, w := range handed {
				if w.Value() != nil {
					t.Errorf("before %s: document %s, stored, is still held", d.Name, names[i])
				}
			}
			if err := emit(d); err != nil {
				return err
			}
			if d.ID == 0 {
				t.Errorf("document %s: the hand-over returned before it was stored", d.Name)
			}
			handed, names = append(handed, weak.Make(d)), append(names, d.Name)
			return nil
		})
	}})
	p := newProject(t, nil)
	rep, err := ImportFiles(context.Background(), p, nil, "doccano-watched", []string{a, b}, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Docs != 60 || rep.Spans != 120 || len(handed) != 60 {
		t.Errorf("report %d documents, %d spans; %d handed on; want 60, 120, 60", rep.Docs, rep.Spans, len(handed))
	}
	docs := projectDocs(t, p)
	if len(docs) != 60 || docs[0].Name != "a-0" || docs[59].Name != "b-29" || len(docs[59].Spans) != 2 {
		t.Errorf("%d documents in the project, want a-0 … b-29 with their spans", len(docs))
	}
}

// TestImportStreamsSameDecisions: storing each document as it is read
// decides layers, nesting and the colours of new labels as reading every
// document first did. A label new to entity-nested takes entity's colour
// of it although the nesting comes in a later document than the span
// that first uses entity-nested (a file-named layer); a label the schema
// lacks goes to the default layer, not to the layer an earlier document
// of the import named for it.
func TestImportStreamsSameDecisions(t *testing.T) {
	data := `{"text":"北京大學的學生。","label":[[0,2,"LOC"],[3,5,"TOPIC"]],"meta":{"layers":[[0,2,"LOC","entity-nested"],[3,5,"TOPIC","mine"]]}}` + "\n" +
		`{"text":"北京大學附中。","label":[[0,4,"ORG"],[0,2,"LOC"],[5,7,"TOPIC"]]}` + "\n"
	path := tabWrite(t, "decide.jsonl", []byte(data))
	p := newProject(t, nil)
	rep, err := ImportFiles(context.Background(), p, nil, "doccano", []string{path}, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"entity-nested/LOC", "mine/TOPIC", "entity/TOPIC"}; !slices.Equal(rep.NewLabels, want) {
		t.Errorf("new labels %q, want %q", rep.NewLabels, want)
	}
	if want := []string{"entity-nested", "mine"}; !slices.Equal(rep.NewLayers, want) {
		t.Errorf("new layers %q, want %q", rep.NewLayers, want)
	}
	if len(rep.Nested) != 1 || rep.Nested[0].Layer != "entity" || rep.Nested[0].Into != "entity-nested" || rep.Nested[0].Spans != 1 {
		t.Errorf("nested %v, want 1 span of entity into entity-nested", rep.Nested)
	}
	s := p.Schema()
	entity, _ := s.Layer("entity")
	nested, _ := s.Layer("entity-nested")
	from, _ := entity.Label("LOC")
	got, ok := nested.Label("LOC")
	if !ok || got.Color != from.Color || got.Description != from.Description {
		t.Errorf("entity-nested/LOC %+v, %v; want the colour and description of entity/LOC %+v", got, ok, from)
	}
	var spans []string
	for _, d := range projectDocs(t, p) {
		for _, sp := range d.Spans {
			spans = append(spans, fmt.Sprintf("%s/%s[%d,%d)", sp.Layer, sp.Label, sp.Start, sp.End))
		}
	}
	want := []string{"entity-nested/LOC[0,2)", "mine/TOPIC[3,5)", "entity/ORG[0,4)", "entity-nested/LOC[0,2)", "entity/TOPIC[5,7)"}
	slices.Sort(spans)
	slices.Sort(want)
	if !slices.Equal(spans, want) {
		t.Errorf("spans %q, want %q", spans, want)
	}
}

// TestImportFailingAtTheEndChangesNothing: an import of two files that
// fails at the last record of the last file — a bad record, an overlap in
// a layer given with -layer that forbids it, an interruption — after the
// documents before it were written into its transaction (more than
// SQLite's page cache holds: they reached the project's WAL) leaves the
// project file byte for byte as it was: closed, it is the file the
// project was before the import, checkpointed alike.
func TestImportFailingAtTheEndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	pristine := filepath.Join(dir, "pristine.biaozhu")
	p, err := annotate.Create(pristine, nil, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	own := tabWrite(t, "own.jsonl", []byte(doccanoRecords("own", 3)))
	if _, err := ImportFiles(context.Background(), p, nil, "doccano", []string{own}, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	first := tabWrite(t, "first.jsonl", []byte(doccanoRecords("first", 1500)))
	last := doccanoRecords("last", 1499)
	overlap := `{"text":"北京大學","label":[[0,4,"ORG"],[0,2,"LOC"]]}` + "\n"
	var cancel context.CancelFunc
	registerTestReader(t, &Reader{Name: "doccano-interrupted", Each: func(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
		return eachDoccano(path, opts, im, func(d *annotate.Document) error {
			if d.Name == "last-1499" {
				cancel() // Ctrl-C at the last record
			}
			return emit(d)
		})
	}})
	for _, tc := range []struct {
		name, format, lastRecord, want string
		opts                           ReadOptions
	}{
		{"bad record", "doccano", `{"label":[[0,1,"PER"]]}` + "\n", `last.jsonl:1500: the record has no "text"`, ReadOptions{}},
		{"overlap under -layer", "doccano", overlap, `forbids overlaps`, ReadOptions{Layer: "entity"}},
		{"interrupted", "doccano-interrupted", strings.TrimSuffix(doccanoRecords("last", 1500), last), "context canceled", ReadOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lastFile := tabWrite(t, "last.jsonl", []byte(last+tc.lastRecord))
			project := filepath.Join(t.TempDir(), "p.biaozhu")
			copyFileForTest(t, pristine, project)
			p, err := annotate.Open(project, annotate.Options{NoBackup: true})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			// The project as opened (Open writes the time it was opened):
			// its file and WAL, copied while it is open.
			ref := filepath.Join(t.TempDir(), "ref.biaozhu")
			copyFileForTest(t, project, ref)
			copyFileForTest(t, project+"-wal", ref+"-wal")
			walBefore := fileSize(t, project+"-wal")
			ctx, c := context.WithCancel(context.Background())
			defer c()
			cancel = c
			_, err = ImportFiles(ctx, p, nil, tc.format, []string{first, lastFile}, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ImportFiles() error = %v, want %q", err, tc.want)
			}
			if walAfter := fileSize(t, project+"-wal"); walAfter <= walBefore {
				t.Fatalf("the WAL is %d bytes before and after the import: nothing of it was written before it failed, the test proves nothing", walAfter)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			checkpoint(t, ref)
			got, _ := os.ReadFile(project)
			want, _ := os.ReadFile(ref)
			if !bytes.Equal(got, want) {
				t.Errorf("the project file after the failed import (%d bytes) is not the file before it (%d bytes)", len(got), len(want))
			}
			p, err = annotate.Open(project, annotate.Options{NoBackup: true, ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if docs, _ := p.Documents(); len(docs) != 3 {
				t.Errorf("%d documents after the failed import, want the project's own 3", len(docs))
			}
		})
	}
}

// copyFileForTest copies the file src to dst.
func copyFileForTest(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// checkpoint opens the SQLite file at path with its WAL and closes it, so
// that it is checkpointed into one file as closing a project does.
func checkpoint(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// jsonArrayCases are JSON arrays, most of them malformed, for
// TestJSONArrayErrors and FuzzJSONArrayErrors.
var jsonArrayCases = []string{
	"[\n {\"data\":{\"text\":\"a\"}},\n {\"data\":\n]\n",
	"[]",
	"[\n]\n  \n",
	"[1, 2, 3]",
	"[{\"a\":1} {\"b\":2}]",
	"[{\"a\":1},\n{\"b\":2}\n,\n{\"c\" 3}]",
	"[{\"a\":1}, 12.]",
	"[{\"a\":1}, 12e]",
	"[12 .5]",
	"[\"x\"\n,\n\"y\"\n]\n\nmore",
	"[{\"a\":[1,2,{\"b\":}]}]",
	"[}",
	"[,]",
	"[{\"a\":1},]",
	"[{\"a\":\"unterminated\n",
	"[{\"a\":1}",
	"[{\"a\":1},",
	"[\n\n{\"a\":\"\\x\"}]",
	"[\"\xff\"]",
	"[{\"a\":1}]\n\u00a0\u3000",
	"[{\"a\":1}]x",
	"[true, nul]",
}

// TestJSONArrayErrors: a JSON array read as it goes (eachJSONArray)
// gives its elements with their lines and refuses a malformed array with
// the message and line that json.Unmarshal of the whole array gives (as
// the reader did when it read the array whole).
func TestJSONArrayErrors(t *testing.T) {
	for i, data := range jsonArrayCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkJSONArray(t, data) })
	}
}

func FuzzJSONArrayErrors(f *testing.F) {
	for _, data := range jsonArrayCases {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if !strings.HasPrefix(data, "[") {
			return
		}
		checkJSONArray(t, data)
	})
}

// checkJSONArray compares eachJSONArray on data with wholeJSONArray: the
// elements, their lines, the error.
func checkJSONArray(t *testing.T, data string) {
	t.Helper()
	read := func(each func(string, io.Reader, int, func(int, []byte) error) error) string {
		var out strings.Builder
		err := each("a.json", strings.NewReader(data), 3, func(line int, raw []byte) error {
			fmt.Fprintf(&out, "%d %s\n", line, raw)
			return nil
		})
		fmt.Fprintf(&out, "error %v", err)
		return out.String()
	}
	if got, want := read(eachJSONArray), read(wholeJSONArray); got != want {
		t.Fatalf("eachJSONArray(%q):\n%s\nwant (read whole):\n%s", data, got, want)
	}
}

// wholeJSONArray is eachJSONArray as it was before it read as it goes:
// it read the whole array, and named a syntax error by json.Unmarshal of
// all of it.
func wholeJSONArray(path string, br io.Reader, line int, f func(line int, raw []byte) error) error {
	data, err := io.ReadAll(br)
	if err != nil {
		return fmt.Errorf("export: %s: %w", path, err)
	}
	counted := 0 // data[:counted] has been counted into line
	lineAt := func(off int) int {
		off = min(off, len(data))
		if off > counted {
			line += bytes.Count(data[counted:off], []byte("\n"))
			counted = off
		}
		return line
	}
	first := line
	syntax := func(error) error {
		var v json.RawMessage
		err := json.Unmarshal(data, &v)
		off := len(data)
		if se, ok := errors.AsType[*json.SyntaxError](err); ok && se.Offset > 0 {
			off = int(se.Offset) - 1
		}
		if err == nil || strings.Contains(err.Error(), "unexpected end") {
			err = errors.New("unexpected end of file inside the JSON array")
		}
		line := first + bytes.Count(data[:off], []byte("\n"))
		return &RecordError{File: path, Line: line, Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return syntax(err)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntax(err)
		}
		start := int(dec.InputOffset()) - len(raw)
		if err := f(lineAt(start), raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntax(err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return &RecordError{File: path, Line: lineAt(int(dec.InputOffset())), Err: errors.New("malformed JSON: more after the closing ] of the array")}
	}
	return nil
}

// csvCases are CSV files for FuzzCSVStreamed: carriage returns in and out
// of quoted fields, characters of the Private Use Area (which protectCR
// must not take), a byte order mark, syntax errors.
var csvCases = []string{
	"id,text\r\na,\"第一行\r\n第二行\r第三行\tend\"\r\n",
	"\uFEFFid,text\na,\"x\ry\"\nb,\"\uE000\r\uE001\"\n",
	"id,text\na,\"甲\"乙\"\n",
	"id,text\na,\"甲\nb,乙\n",
	"text\n\"a\r\n\"\"b\"\"\r\"\n  \n,\n",
	"id,text\r\na,b\rc,d\r\n",
	"text\n\"\uE000\uE002\r\"\n\"𠀀\r\"\n",
	"id,text\na,\"一\n二\r\n三\"\nb,乙\nc,\"丙\n\"丁\"\n",
	"text\n\"a\n\nb\"\n\n\"c\"\n甲\"乙\n",
}

// FuzzCSVStreamed: a UTF-8 CSV file read as it goes (eachCSV) gives the
// documents, skipped rows and errors that reading its text whole gave
// (the text, its carriage returns in quoted fields protected by
// protectCR, read by one csv.Reader from memory), also when every record
// counts as big (csvRows goes on with a new csv.Reader after each: the
// lines of the rows and errors after it must not change).
func FuzzCSVStreamed(f *testing.F) {
	defer func(n int) { csvBigRecord = n }(csvBigRecord)
	for _, c := range csvCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, data string) {
		path := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := openCSVText(path)
		if err != nil || src.text != nil {
			return // not UTF-8: decoded whole, as before
		}
		text, cr := protectCR(strings.TrimPrefix(data, "\uFEFF"))
		whole := &csvText{path: path, cr: cr, text: &text}
		if src.cr != whole.cr {
			t.Fatalf("%q: protected with %U, want %U", data, src.cr, whole.cr)
		}
		read := func(src *csvText, big int) string {
			csvBigRecord = big
			im := &Imported{}
			var out strings.Builder
			err := src.each(ReadOptions{SkipBad: true}, im, func(d *annotate.Document) error {
				fmt.Fprintf(&out, "%q %q\n", d.Name, d.Text)
				return nil
			})
			fmt.Fprintf(&out, "skipped %v, error %v", im.Skipped, err)
			return out.String()
		}
		if got, want := read(src, 1), read(whole, math.MaxInt); got != want {
			t.Fatalf("%q read as it goes:\n%s\nwant (read whole):\n%s", data, got, want)
		}
	})
}
