package export

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

var (
	segOnce sync.Once
	segDict *text.Segmenter
	segErr  error
)

// testSegmenter is the real segmenter (its dictionary loaded once).
func testSegmenter(t *testing.T) *text.Segmenter {
	t.Helper()
	segOnce.Do(func() { segDict, segErr = text.NewSegmenter() })
	if segErr != nil {
		t.Fatal(segErr)
	}
	return segDict
}

// fidelityDoc is a document of the fidelity project: its name and text,
// and its spans as layer, label, the text they cover (its first
// occurrence, or the occurrence after the text in after) and a note.
type fidelityDoc struct {
	name, text string
	spans      [][5]string // layer, label, text, after, note
}

// fidelityDocs are the documents of the fidelity project: a news item
// with nested entities (國家 inside 機構, in a layer that allows overlaps)
// and characters outside the BMP (𠀀, 😀); a dialogue with CRLF line ends
// and a span across them; a price list with tabs; paragraphs indented
// with full-width spaces and separated by a blank line; an empty
// document. Labels are Chinese but one.
var fidelityDocs = []fidelityDoc{
	{"新聞 2021.txt", "中華人民共和國國務院今天在北京開會。𠀀先生說：😀很好，明天去焦作市。", [][5]string{
		{"entity", "機構", "中華人民共和國國務院", "", "國務院是機構"},
		{"entity", "國家", "中華人民共和國", "", ""},
		{"entity", "地名", "北京", "", ""},
		{"entity", "人名", "𠀀先生", "", "姓 𠀀"},
		{"entity", "地名", "焦作市", "", ""},
		{"entity", "城市", "焦作", "", "inside a token"},
		{"topic", "話題", "中華人民共和國國務院今天在北京開會。", "", ""},
		{"topic", "話題", "😀很好", "", ""},
	}},
	{"對話.txt", "甲：你去哪兒？\r\n乙：我去上海。\r\n甲：好。\r\n", [][5]string{
		{"entity", "地名", "上海", "", ""},
		{"topic", "問答", "你去哪兒？\r\n乙：我去上海。", "", "across a CRLF"},
		{"entity", "PER", "甲", "", ""},
		{"entity", "PER", "甲", "上海", ""},
	}},
	{"價目表", "1.\t蘋果\t3元\n2.\t香蕉\t5元\n3.\t王小明的書\t12元", [][5]string{
		{"entity", "人名", "王小明", "", ""},
		{"topic", "商品", "蘋果", "", ""},
		{"topic", "商品", "王小明的書", "", ""},
	}},
	{"段落.txt", "\u3000\u3000他說：「好。」\n\n\u3000\u3000她說：「不好。」\n", [][5]string{
		{"entity", "人名", "他", "", ""},
		{"entity", "人名", "她", "", ""},
	}},
	{"空.txt", "", nil},
}

// fidelitySchema: entity allows overlaps here (nested entities), with
// Chinese labels; topic too.
func fidelitySchema() *annotate.Schema {
	s := annotate.DefaultSchema()
	e := &s.Layers[0]
	e.Overlap = annotate.OverlapAllowed
	for i, l := range []string{"人名", "地名", "機構", "國家", "城市"} {
		e.Labels = append(e.Labels, annotate.Label{Name: l, Color: palette[i]})
	}
	s.Layers = append(s.Layers, annotate.Layer{Name: "topic", Overlap: annotate.OverlapAllowed, Labels: []annotate.Label{
		{Name: "話題", Color: "#999999"}, {Name: "問答", Color: "#cc79a7"}, {Name: "商品", Color: "#0072b2"}}})
	return s
}

// fidelityProject writes the fidelity project to a real project file,
// segmented with the real segmenter, closes it and opens it again
// read-only, as export does. It returns the project and its documents as
// stored.
func fidelityProject(t *testing.T) (*annotate.Project, []*annotate.Document) {
	t.Helper()
	seg := testSegmenter(t)
	path := filepath.Join(t.TempDir(), "source.biaozhu")
	p, err := annotate.Create(path, fidelitySchema(), annotate.Options{NoBackup: true, Annotator: "rt"})
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fidelityDocs {
		d := &annotate.Document{Name: fd.name, Text: fd.text, Raw: fd.text}
		d.Sentences = text.Sentences(d.Text)
		d.Tokens = text.SegmentSentences(seg, d.Text, d.Sentences)
		for _, s := range fd.spans {
			from := 0
			if s[3] != "" {
				from = strings.Index(d.Text, s[3]) + len(s[3])
			}
			i := strings.Index(d.Text[from:], s[2])
			if i < 0 {
				t.Fatalf("%q not in %q", s[2], d.Text)
			}
			start := len([]rune(d.Text[:from+i]))
			d.Spans = append(d.Spans, annotate.Span{Layer: s[0], Label: s[1], Start: start, End: start + len([]rune(s[2])), Note: s[4], Origin: annotate.OriginManual})
		}
		if err := p.AddDocument(d); err != nil {
			t.Fatalf("%s: %v", fd.name, err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = annotate.Open(path, annotate.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, projectDocs(t, p)
}

func projectDocs(t *testing.T, p *annotate.Project) []*annotate.Document {
	t.Helper()
	sums, err := p.Documents()
	if err != nil {
		t.Fatal(err)
	}
	var docs []*annotate.Document
	for _, s := range sums {
		d, err := p.Document(s.ID)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

// fidelityFormat says what a format carries, for TestFidelityRoundTrip.
type fidelityFormat struct {
	export, reader, ext string
	layers              bool // the file names each span's layer
	notes               bool
	names               bool // document names
	empty               bool // an empty document
	allSpans            bool // every span comes back
	// text is the text as the format gives it back, from the source
	// document ("" func: exactly).
	text func(d *annotate.Document) string
}

// crlfAsLF is text as brat reads it: CRLF and CR are LF.
func crlfAsLF(d *annotate.Document) string {
	return strings.ReplaceAll(strings.ReplaceAll(d.Text, "\r\n", "\n"), "\r", "\n")
}

// nonSpace is text without its white space: what CoNLL keeps.
func nonSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// conlluText is the text CoNLL-U gives back: exactly, but a line break
// where a sentence's last token is followed by the next sentence's first
// without white space (SpaceAfter=No, which readers read as a line end).
func conlluText(d *annotate.Document) string {
	runes := []rune(d.Text)
	var b strings.Builder
	at := 0
	var prevEnd = -1 // end of the last token of the sentence before
	for _, s := range d.Sentences {
		first := -1
		last := -1
		for _, tk := range d.Tokens {
			if tk.Start >= s.Start && tk.Start < s.End {
				if first < 0 {
					first = tk.Start
				}
				last = tk.End
			}
		}
		if first < 0 {
			continue
		}
		if prevEnd >= 0 && prevEnd == first {
			b.WriteString(string(runes[at:first]))
			b.WriteByte('\n')
			at = first
		}
		prevEnd = last
	}
	b.WriteString(string(runes[at:]))
	return b.String()
}

var fidelityFormats = []fidelityFormat{
	{export: "doccano", reader: "doccano", ext: ".jsonl", layers: true, notes: true, names: true, empty: true, allSpans: true},
	{export: "cluener", reader: "cluener", ext: ".jsonl", layers: true, names: true, empty: true, allSpans: true},
	{export: "labelstudio", reader: "labelstudio", ext: ".json", layers: true, notes: true, names: true, empty: true, allSpans: true},
	{export: "brat", reader: "brat", ext: "", layers: true, notes: true, names: true, empty: true, allSpans: true, text: crlfAsLF},
	{export: "brat", reader: "brat", ext: ".zip", layers: true, notes: true, names: true, empty: true, allSpans: true, text: crlfAsLF},
	{export: "spacy", reader: "spacy", ext: ".jsonl", layers: true, notes: true, names: true, empty: true},
	{export: "conll", reader: "conll", ext: ".conll", text: func(d *annotate.Document) string { return nonSpace(d.Text) }},
	{export: "conllu", reader: "conllu", ext: ".conllu", names: true, text: conlluText},
	{export: "csv-tokens", reader: "csv", ext: ".csv", layers: true, names: true, empty: true},
	{export: "xlsx", reader: "xlsx", ext: ".xlsx", layers: true, names: true, empty: true},
}

// rtSpan is a span as a test compares it.
type rtSpan struct {
	layer, label string
	start, end   int
	note         string
	id           int64
}

func (s rtSpan) String() string {
	return fmt.Sprintf("%s/%s[%d,%d)%q", s.layer, s.label, s.start, s.end, s.note)
}

func rtSpans(spans []annotate.Span, notes bool, layer func(string) string) []rtSpan {
	out := make([]rtSpan, len(spans))
	for i, sp := range spans {
		out[i] = rtSpan{layer: layer(sp.Layer), label: sp.Label, start: sp.Start, end: sp.End, id: sp.ID}
		if notes {
			out[i].note = strings.Join(strings.FieldsFunc(sp.Note, isLineBreak), " ")
		}
	}
	slices.SortFunc(out, func(a, b rtSpan) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), cmp.Compare(a.layer, b.layer), cmp.Compare(a.label, b.label), cmp.Compare(a.note, b.note))
	})
	return out
}

func rtKeys(s []rtSpan) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = x.String()
	}
	return out
}

// offsetMap maps offsets into the source text to offsets into the text
// read back, which has the same characters but white space (see
// fidelityFormat.text): by the characters that are not white space.
func offsetMap(from, to string) func(off int, end bool) int {
	fr, tr := []rune(from), []rune(to)
	var pos []int // pos[k]: the k-th non-space character of to
	for i, r := range tr {
		if !unicode.IsSpace(r) {
			pos = append(pos, i)
		}
	}
	return func(off int, end bool) int {
		k := 0
		for _, r := range fr[:off] {
			if !unicode.IsSpace(r) {
				k++
			}
		}
		if end {
			return pos[k-1] + 1
		}
		return pos[k]
	}
}

// TestFidelityRoundTrip exports the fidelity project (real project file,
// real segmentation) in every format that has a reader, imports the file
// into a new project with the default schema (whose entity layer forbids
// overlaps) without options, as `biaozhu import -f FORMAT` does, and
// exports that project again. It checks:
//   - the import needs no flag and does not fail for the nested spans:
//     they go to entity-nested, reported; entity keeps its rule;
//   - the new project holds what the file holds (text, spans with labels,
//     layers where the file names them, notes, names);
//   - against the source: the text, exactly or up to the normalisation the
//     format declares; every span, with its label, its layer (or the
//     nested layer reported) and its note where carried, comes back or
//     is named in a warning of the export — nothing is dropped silently;
//     empty documents survive where the format can hold them;
//   - exporting the new project gives the same documents and spans again.
func TestFidelityRoundTrip(t *testing.T) {
	src, srcDocs := fidelityProject(t)
	for _, ff := range fidelityFormats {
		t.Run(ff.export+ff.ext, func(t *testing.T) {
			dir := t.TempDir()
			a := filepath.Join(dir, "a"+ff.ext)
			resA, err := Export(context.Background(), src, ff.export, a, Options{})
			if err != nil {
				t.Fatalf("export: %v", err)
			}
			dst, err := annotate.Create(filepath.Join(dir, "new.biaozhu"), nil, annotate.Options{NoBackup: true})
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
			rep, err := ImportFiles(context.Background(), dst, nil, ff.reader, []string{a}, ReadOptions{})
			if err != nil {
				t.Fatalf("import without flags: %v", err)
			}
			schema := dst.Schema()
			if l, _ := schema.Layer("entity"); l.Overlap != annotate.OverlapForbidden {
				t.Errorf("the import changed entity's rule to %q", l.Overlap)
			}
			nested := map[string]string{} // nested layer → the layer it is for
			for _, n := range rep.Nested {
				nested[n.Into] = n.Layer
				if l, ok := schema.Layer(n.Into); !ok || l.Overlap != annotate.OverlapAllowed || !strings.Contains(n.String(), "a"+ff.ext) {
					t.Errorf("nested %v: layer %+v; want it allowing overlaps, the report naming the file", n, l)
				}
			}
			if ff.layers && ff.allSpans && (len(rep.Nested) != 1 || rep.Nested[0].Layer != "entity" || rep.Nested[0].Into != "entity-nested") {
				t.Errorf("nested = %v, want entity's overlapping spans in entity-nested", rep.Nested)
			}
			unnest := func(l string) string { return cmp.Or(nested[l], l) }
			got := projectDocs(t, dst)

			// What the new project holds is what the file holds.
			r, _ := LookupReader(ff.reader)
			fileA, err := r.Read(a, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(fileA.Docs) != len(got) {
				t.Fatalf("the file has %d documents, the project %d", len(fileA.Docs), len(got))
			}
			for i, d := range got {
				f := fileA.Docs[i]
				if d.Name != f.Name || d.Text != f.Text {
					t.Errorf("document %d: %q %q in the project, %q %q in the file", i, d.Name, d.Text, f.Name, f.Text)
				}
				inFile := rtSpans(f.Spans, true, func(l string) string { return l })
				inProj := rtSpans(d.Spans, true, func(l string) string { return l })
				if len(inFile) != len(inProj) {
					t.Errorf("document %q: %d spans in the file, %d in the project", d.Name, len(inFile), len(inProj))
					continue
				}
				for k := range inFile {
					p, f := inProj[k], inFile[k]
					if p.label != f.label || p.start != f.start || p.end != f.end || p.note != f.note ||
						f.layer != "" && unnest(p.layer) != f.layer || f.layer == "" && unnest(p.layer) != holder(schema, p.label, "entity") {
						t.Errorf("document %q: span %v in the project, %v in the file", d.Name, p, f)
					}
				}
			}

			// Against the source.
			var want []*annotate.Document
			for _, d := range srcDocs {
				if ff.empty || d.Text != "" {
					want = append(want, d)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%d documents came back, want %d", len(got), len(want))
			}
			if !ff.empty && !hasWarning(resA.Warnings, "left out") {
				t.Errorf("the empty document was left out without a warning: %v", resA.Warnings)
			}
			warned := map[int64]bool{}
			for _, w := range resA.Warnings {
				warned[w.SpanID] = true
			}
			layersOut := hasWarning(resA.Warnings, "spans of other layers in")
			noSpans := hasWarning(resA.Warnings, "holds tokens, not spans")
			for i, w := range want {
				g := got[i]
				if ff.names && g.Name != w.Name {
					t.Errorf("document %d: name %q, want %q", i, g.Name, w.Name)
				}
				wantText := w.Text
				if ff.text != nil {
					wantText = ff.text(w)
				}
				gotText := g.Text
				if ff.export == "conll" {
					gotText = nonSpace(g.Text)
				}
				if gotText != wantText {
					t.Errorf("document %q: text %q, want %q", w.Name, g.Text, wantText)
					continue
				}
				off := func(o int, end bool) int { return o }
				if g.Text != w.Text {
					off = offsetMap(w.Text, g.Text)
				}
				back := map[string]bool{}
				for _, s := range rtSpans(g.Spans, ff.notes, unnest) {
					s.id = 0
					back[s.String()] = true
				}
				matched := 0
				for _, s := range rtSpans(w.Spans, ff.notes, func(l string) string { return l }) {
					id := s.id
					s.id, s.start, s.end = 0, off(s.start, false), off(s.end, true)
					if !ff.layers {
						s.layer = holder(schema, s.label, "entity")
					}
					switch {
					case back[s.String()]:
						matched++
					case ff.allSpans:
						t.Errorf("document %q: span %v did not come back", w.Name, s)
					case noSpans:
					case !warned[id] && !(layersOut && w.Spans[slices.IndexFunc(w.Spans, func(x annotate.Span) bool { return x.ID == id })].Layer != "entity"):
						t.Errorf("document %q: span %d %v did not come back, and no warning names it", w.Name, id, s)
					}
				}
				if matched != len(g.Spans) {
					t.Errorf("document %q: %d spans in the new project, %d of them from the source", w.Name, len(g.Spans), matched)
				}
			}

			// Export again: the same documents, spans and layers.
			b := filepath.Join(dir, "b"+ff.ext)
			if _, err := Export(context.Background(), dst, ff.export, b, Options{}); err != nil {
				t.Fatalf("export again: %v", err)
			}
			fileB, err := r.Read(b, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(fileB.Docs) != len(fileA.Docs) {
				t.Fatalf("exported again: %d documents, first %d", len(fileB.Docs), len(fileA.Docs))
			}
			for i, db := range fileB.Docs {
				da := fileA.Docs[i]
				if ff.names && db.Name != da.Name || db.Text != da.Text {
					t.Errorf("exported again: document %d %q %q, first %q %q", i, db.Name, db.Text, da.Name, da.Text)
				}
				sa := rtKeys(rtSpans(da.Spans, true, func(l string) string { return l }))
				sb := rtKeys(rtSpans(db.Spans, true, unnest))
				if !slices.Equal(sa, sb) {
					t.Errorf("exported again: document %q spans\n%q\nfirst\n%q", da.Name, sb, sa)
				}
			}
		})
	}
}

// bratPy reads each .ann file given with brat's own parser
// (annotation.TextAnnotations) and prints one JSON line per file: the
// document text as brat reads it, the lines it failed on, and its text
// bounds (type, fragments, text).
const bratPy = `
import json, sys
import annotation
for ann in sys.argv[1:]:
    doc = annotation.TextAnnotations(ann[:-len('.ann')], read_only=True)
    out = {'file': ann, 'text': doc.get_document_text(), 'failed': list(doc.failed_lines),
           'spans': [[t.type, [list(s) for s in t.spans], t.text] for t in doc.get_textbounds()]}
    print(json.dumps(out, ensure_ascii=False))
`

// bratReaders is the folder of brat's server code (../shared/readers), or
// skips the test.
func bratReaders(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "readers", "brat", "server", "src"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "annotation.py")); err != nil {
		readerMissing(t, false, "brat's parser is not here (%v): ../shared/readers is needed", err)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		readerMissing(t, false, "python3 not found: brat's parser cannot run")
	}
	return dir
}

// runBrat runs a brat script in brat's server folder with the arguments.
func runBrat(t *testing.T, src string, args ...string) string {
	t.Helper()
	cmd := exec.Command("python3", args...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "PYTHONPATH=..:../..:.", "BRAT_WORK="+t.TempDir(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3 %s: %v\n%s", args[0], err, out)
	}
	return string(out)
}

// TestBratExportReadByBrat: brat's own parser reads the brat export of the
// fidelity project (nested spans, Chinese labels, CRLF, tabs, characters
// outside the BMP, an empty document) without failing on a line, every
// text bound's text is the document's text at its offsets as brat reads
// the .txt, and brat's checker (verify_annotations.py, which checks the
// types against annotation.conf and the overlaps it allows) finds nothing
// to say. What brat reads is what our reader reads.
func TestBratExportReadByBrat(t *testing.T) {
	src := bratReaders(t)
	proj, docs := fidelityProject(t)
	out := filepath.Join(t.TempDir(), "brat")
	if _, err := Export(context.Background(), proj, "brat", out, Options{}); err != nil {
		t.Fatal(err)
	}
	anns, _ := filepath.Glob(filepath.Join(out, "*.ann"))
	if len(anns) != len(docs) {
		t.Fatalf("%d .ann files, want %d", len(anns), len(docs))
	}
	slices.Sort(anns)
	script := filepath.Join(t.TempDir(), "read.py")
	if err := os.WriteFile(script, []byte(bratPy), 0o644); err != nil {
		t.Fatal(err)
	}
	ours := readAs(t, "brat", out, ReadOptions{})
	var meta bratMeta
	if err := json.Unmarshal([]byte(readTestFile(t, filepath.Join(out, bratMetaFile))), &meta); err != nil {
		t.Fatal(err)
	}
	types := map[string]bratMetaType{}
	for _, m := range meta.Types {
		types[m.Type] = m
	}
	lines := strings.Split(strings.TrimSpace(runBrat(t, src, append([]string{script}, anns...)...)), "\n")
	if len(lines) != len(anns) {
		t.Fatalf("brat printed %d lines for %d files:\n%s", len(lines), len(anns), strings.Join(lines, "\n"))
	}
	for i, l := range lines {
		var got struct {
			File   string
			Text   string
			Failed []int
			Spans  [][]json.RawMessage
		}
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("brat's output %q: %v", l, err)
		}
		d := docs[i]
		if len(got.Failed) > 0 {
			t.Errorf("%s: brat failed on lines %v", got.File, got.Failed)
		}
		if got.Text != crlfAsLF(d) || got.Text != ours.Docs[i].Text {
			t.Errorf("%s: brat reads the text %q, ours %q; the document's is %q", got.File, got.Text, ours.Docs[i].Text, d.Text)
		}
		if len(got.Spans) != len(d.Spans) {
			t.Errorf("%s: brat reads %d text bounds, the document has %d spans", got.File, len(got.Spans), len(d.Spans))
		}
		runes := []rune(got.Text)
		var bratSpans []string
		for _, sp := range got.Spans {
			var typ, text string
			var frags [][2]int
			json.Unmarshal(sp[0], &typ)
			json.Unmarshal(sp[1], &frags)
			json.Unmarshal(sp[2], &text)
			var parts []string
			for _, f := range frags {
				parts = append(parts, string(runes[f[0]:f[1]]))
			}
			if want := strings.Join(parts, " "); text != want {
				t.Errorf("%s: %s %v: brat's text %q, the .txt has %q there", got.File, typ, frags, text, want)
			}
			tm := types[typ]
			bratSpans = append(bratSpans, fmt.Sprintf("%s/%s [%d,%d)", tm.Layer, tm.Label, frags[0][0], frags[len(frags)-1][1]))
		}
		var ourSpans []string
		for _, sp := range ours.Docs[i].Spans {
			ourSpans = append(ourSpans, fmt.Sprintf("%s/%s [%d,%d)", sp.Layer, sp.Label, sp.Start, sp.End))
		}
		slices.Sort(bratSpans)
		slices.Sort(ourSpans)
		if !slices.Equal(bratSpans, ourSpans) {
			t.Errorf("%s: brat reads spans %q, ours %q", got.File, bratSpans, ourSpans)
		}
	}
	if issues := runBrat(t, src, append([]string{"verify_annotations.py"}, anns...)...); strings.TrimSpace(issues) != "" {
		t.Errorf("brat's checker:\n%s", issues)
	}
}

func readTestFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
