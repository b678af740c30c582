package export

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// roundTripProject is a real project file with one document holding
// non-BMP characters (𠀀, 😀), spans of two layers — entity (overlaps
// forbidden) and topic (overlaps allowed: nested and overlapping spans,
// and one whose edges are inside a token) — and notes.
func roundTripProject(t *testing.T) (*annotate.Project, *annotate.Document) {
	t.Helper()
	schema := annotate.DefaultSchema()
	schema.Layers = append(schema.Layers, annotate.Layer{Name: "topic", Overlap: annotate.OverlapAllowed, Labels: []annotate.Label{
		{Name: "EVENT", Color: "#cc79a7"}, {Name: "THEME", Color: "#999999"}}})
	p, err := annotate.Create(filepath.Join(t.TempDir(), "rt.biaozhu"), schema, annotate.Options{NoBackup: true, Annotator: "rt"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	words := []string{"𠀀明", "在", "焦作市", "工作", "😀", "。", "王小明", "去", "北京", "大学", "开会", "。"}
	pos := []string{"nr", "p", "ns", "vn", "x", "x", "nr", "v", "ns", "n", "v", "x"}
	d := &annotate.Document{Name: "rt.txt"}
	at, sent := 0, 0
	for i, w := range words {
		n := len([]rune(w))
		d.Tokens = append(d.Tokens, text.Token{Start: at, End: at + n, POS: pos[i]})
		d.Text += w
		at += n
		if w == "。" {
			d.Sentences = append(d.Sentences, text.Sentence{Start: sent, End: at})
			sent = at
		}
	}
	d.Raw = d.Text
	off := func(s string) (int, int) {
		i := strings.Index(d.Text, s)
		if i < 0 {
			t.Fatalf("%q not in the text", s)
		}
		start := len([]rune(d.Text[:i]))
		return start, start + len([]rune(s))
	}
	span := func(layer, label, text, note string) annotate.Span {
		s, e := off(text)
		return annotate.Span{Layer: layer, Label: label, Start: s, End: e, Note: note}
	}
	d.Spans = []annotate.Span{
		span("entity", "PER", "𠀀明", "姓 𠀀"),
		span("entity", "LOC", "焦作市", ""),
		span("entity", "PER", "王小明", "note, with \"quotes\"\nand a line"),
		span("entity", "ORG", "北京大学", ""),
		span("topic", "EVENT", "王小明去北京大学开会", "outer"),
		span("topic", "THEME", "北京大学开会", ""), // nested in EVENT
		span("topic", "THEME", "工作😀", ""),    // after both non-BMP characters
		span("topic", "THEME", "焦作", "inside a token"),
	}
	if err := p.AddDocument(d); err != nil {
		t.Fatal(err)
	}
	return p, d
}

// spanKey is what a format can carry of a span.
func spanKey(s annotate.Span, text string, note bool) string {
	k := fmt.Sprintf("%s/%s [%d,%d) %q", s.Layer, s.Label, s.Start, s.End, string([]rune(text)[s.Start:s.End]))
	if note {
		k += " note=" + strings.ReplaceAll(s.Note, "\n", " ")
	}
	return k
}

// TestRoundTripEveryFormat exports the project in every format, imports
// each file back into a new project through the importer (one
// transaction, a real file) and checks the spans came back identical as
// far as the format can carry them: all of them, with notes, in doccano,
// Label Studio and brat; without notes in CLUENER; those aligned to tokens
// in spaCy; the non-overlapping, token-aligned ones in the tag formats
// (one layer in CoNLL). The text must come back exactly every time.
func TestRoundTripEveryFormat(t *testing.T) {
	src, doc := roundTripProject(t)
	inToken := func(s annotate.Span) bool {
		return s.Label == "THEME" && s.End-s.Start == 2 && doc.Slice(s.Start, s.End) == "焦作"
	}
	nested := func(s annotate.Span) bool {
		return s.Label == "THEME" && doc.Slice(s.Start, s.End) == "北京大学开会"
	}
	all := func(annotate.Span) bool { return true }
	cases := []struct {
		export, reader string
		opts           Options
		keep           func(annotate.Span) bool
		notes          bool
		// CoNLL keeps no white space between sentences: the reader puts a
		// line break between them, shifting later offsets by one each.
		sentLines bool
	}{
		{"doccano", "doccano", Options{}, all, true, false},
		{"doccano", "doccano", Options{Offsets: UnitUTF16}, all, true, false},
		{"labelstudio", "labelstudio", Options{}, all, true, false},
		{"brat", "brat", Options{}, all, true, false},
		{"cluener", "cluener", Options{}, all, false, false},
		{"spacy", "spacy", Options{}, func(s annotate.Span) bool { return !inToken(s) }, true, false},
		{"conll", "conll", Options{Layers: []string{"entity"}}, func(s annotate.Span) bool { return s.Layer == "entity" }, false, true},
		{"conll", "conll", Options{Layers: []string{"entity"}, Scheme: SchemeBIOES, Level: LevelChar}, func(s annotate.Span) bool { return s.Layer == "entity" }, false, true},
		{"csv-tokens", "csv", Options{}, func(s annotate.Span) bool { return !inToken(s) && !nested(s) }, false, false},
		{"xlsx", "xlsx", Options{}, func(s annotate.Span) bool { return !inToken(s) && !nested(s) }, false, false},
	}
	for _, tc := range cases {
		name := tc.export
		if tc.opts.Offsets != "" || tc.opts.Level != "" {
			name += fmt.Sprintf("-%s%s", tc.opts.Offsets, tc.opts.Level)
		}
		t.Run(name, func(t *testing.T) {
			f, _ := Lookup(tc.export)
			out := filepath.Join(t.TempDir(), "out"+f.Ext)
			if f.WriteDir != nil {
				out = filepath.Join(t.TempDir(), "out.zip")
			}
			if _, err := Export(context.Background(), src, tc.export, out, tc.opts); err != nil {
				t.Fatal(err)
			}
			dst, err := annotate.Create(filepath.Join(t.TempDir(), "back.biaozhu"), src.Schema(), annotate.Options{NoBackup: true})
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
			ropts := ReadOptions{Offsets: tc.opts.Offsets, Level: tc.opts.Level}
			if _, err := ImportFiles(context.Background(), dst, nil, tc.reader, []string{out}, ropts); err != nil {
				t.Fatal(err)
			}
			sums, err := dst.Documents()
			if err != nil || len(sums) != 1 {
				t.Fatalf("imported %d documents (%v), want 1", len(sums), err)
			}
			back, err := dst.Document(sums[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			wantText := doc.Text
			shift := func(int) int { return 0 }
			if tc.sentLines {
				var parts []string
				for _, st := range doc.Sentences {
					parts = append(parts, doc.Slice(st.Start, st.End))
				}
				wantText = strings.Join(parts, "\n")
				shift = func(at int) int {
					n := 0
					for _, st := range doc.Sentences[1:] {
						if st.Start <= at {
							n++
						}
					}
					return n
				}
			}
			if back.Text != wantText {
				t.Fatalf("text came back as %q, want %q", back.Text, wantText)
			}
			var want, got []string
			for _, s := range doc.Spans {
				if tc.keep(s) {
					s.Start, s.End = s.Start+shift(s.Start), s.End+shift(s.Start)
					want = append(want, spanKey(s, wantText, tc.notes))
				}
			}
			for _, s := range back.Spans {
				if s.Origin != annotate.OriginImported {
					t.Errorf("span %v: origin %q, want imported", s, s.Origin)
				}
				got = append(got, spanKey(s, back.Text, tc.notes))
			}
			sort.Strings(want)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("spans after %s → %s:\n got  %q\n want %q", tc.export, tc.reader, got, want)
			}
		})
	}
}

// TestRoundTripCoNLLU checks that the token layer (segmentation and POS)
// survives CoNLL-U out and in, non-BMP characters included.
func TestRoundTripCoNLLU(t *testing.T) {
	src, doc := roundTripProject(t)
	out := filepath.Join(t.TempDir(), "out.conllu")
	if _, err := Export(context.Background(), src, "conllu", out, Options{}); err != nil {
		t.Fatal(err)
	}
	dst, err := annotate.Create(filepath.Join(t.TempDir(), "back.biaozhu"), nil, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := ImportFiles(context.Background(), dst, nil, "conllu", []string{out}, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	sums, _ := dst.Documents()
	back, err := dst.Document(sums[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	words := func(d *annotate.Document) []string {
		var w []string
		for _, tk := range d.Tokens {
			w = append(w, d.Slice(tk.Start, tk.End)+"/"+tk.POS)
		}
		return w
	}
	if got, want := strings.Join(words(back), " "), strings.Join(words(doc), " "); got != want {
		t.Errorf("tokens after conllu:\n got  %s\n want %s", got, want)
	}
}

// TestRoundTripIntoNewProject imports exports into a project with the
// default schema, as a user handing files between projects does: formats
// that carry layers bring them (created, allowing overlaps); for the
// others, overlapping spans in the entity layer (which forbids overlaps)
// fail the import naming the file and document, unless another layer is
// chosen or bad records are skipped.
func TestRoundTripIntoNewProject(t *testing.T) {
	src, doc := roundTripProject(t)
	export := func(format string) string {
		out := filepath.Join(t.TempDir(), "out.json")
		if _, err := Export(context.Background(), src, format, out, Options{}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	fresh := func() *annotate.Project {
		p, err := annotate.Create(filepath.Join(t.TempDir(), "new.biaozhu"), nil, annotate.Options{NoBackup: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	for _, format := range []string{"labelstudio", "spacy"} {
		p := fresh()
		rep, err := ImportFiles(context.Background(), p, nil, format, []string{export(format)}, ReadOptions{})
		if err != nil {
			t.Fatalf("%s into a new project: %v", format, err)
		}
		if !slices.Contains(rep.NewLabels, "topic/EVENT") {
			t.Errorf("%s: new labels %q, want topic/EVENT among them", format, rep.NewLabels)
		}
		if l, ok := p.Schema().Layer("topic"); !ok || l.Overlap != annotate.OverlapAllowed {
			t.Errorf("%s: layer topic = %+v, %v; want it created allowing overlaps", format, l, ok)
		}
	}
	out := export("doccano")
	_, err := ImportFiles(context.Background(), fresh(), nil, "doccano", []string{out}, ReadOptions{Layer: "entity"})
	var re *RecordError
	if !errors.As(err, &re) || re.File != out || !strings.Contains(err.Error(), "forbids overlaps") || !strings.Contains(err.Error(), "rt.txt") {
		t.Fatalf("doccano with overlaps into entity: err = %v, want a RecordError naming the file, the document and the overlap", err)
	}
	rep, err := ImportFiles(context.Background(), fresh(), nil, "doccano", []string{out}, ReadOptions{Layer: "entity", SkipBad: true})
	if err != nil || len(rep.Skipped) == 0 || rep.Spans != len(doc.Spans)-len(rep.Skipped) {
		t.Fatalf("doccano with -skip-bad: %d spans, skipped %v, err %v; want the overlapping ones skipped and reported", rep.Spans, rep.Skipped, err)
	}
	p := fresh()
	if _, err := ImportFiles(context.Background(), p, nil, "doccano", []string{out}, ReadOptions{Layer: "mine"}); err != nil {
		t.Fatalf("doccano into a new layer: %v", err)
	}
	sums, _ := p.Documents()
	if sums[0].Spans != len(doc.Spans) {
		t.Errorf("doccano into a new layer: %d spans, want %d", sums[0].Spans, len(doc.Spans))
	}
}
