package corpus

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// sgSchema is the default schema (entity: PER←nr, LOC←ns, ORG←nt,
// overlaps forbidden) with a layer "note" that allows overlaps.
func sgSchema() *annotate.Schema {
	s := annotate.DefaultSchema()
	s.Layers = append(s.Layers, annotate.Layer{Name: "note", Overlap: annotate.OverlapAllowed, Labels: []annotate.Label{
		{Name: "A", Color: "#112233"}, {Name: "B", Color: "#445566"},
	}})
	return s
}

// sgDoc builds a one-sentence document from words "text/POS"; a word of
// only spaces is not a token.
func sgDoc(words ...string) *annotate.Document {
	d := &annotate.Document{Name: "sg.txt", Status: annotate.StatusNew}
	var b strings.Builder
	cp := 0
	for _, w := range words {
		word, pos := w, "n"
		if i := strings.LastIndex(w, "/"); i > 0 {
			word, pos = w[:i], w[i+1:]
		}
		l := utf8.RuneCountInString(word)
		if strings.TrimSpace(word) != "" {
			d.Tokens = append(d.Tokens, text.Token{Start: cp, End: cp + l, Text: word, POS: pos})
		}
		b.WriteString(word)
		cp += l
	}
	d.Text = b.String()
	d.Raw = d.Text
	if len(d.Tokens) > 0 {
		d.Sentences = []text.Sentence{{Start: d.Tokens[0].Start, End: d.Tokens[len(d.Tokens)-1].End}}
	}
	return d
}

// sgSpans renders spans as "layer/label[start,end)text" for comparison.
func sgSpans(d *annotate.Document, spans []annotate.Span) []string {
	out := make([]string, 0, len(spans))
	for _, s := range spans {
		out = append(out, fmt.Sprintf("%s/%s[%d,%d)%s", s.Layer, s.Label, s.Start, s.End, d.Slice(s.Start, s.End)))
	}
	return out
}

// sgGaz builds a gazetteer by hand.
func sgGaz(layer string, terms map[string]string) *Gazetteer {
	return &Gazetteer{Name: "hand", Path: "hand.txt", Layer: layer, Terms: terms}
}

func sgCheckSuggested(t *testing.T, spans []annotate.Span) {
	t.Helper()
	for _, s := range spans {
		if s.Origin != annotate.OriginSuggested || s.ID != 0 {
			t.Errorf("span %v: origin %q, ID %d; want suggested, 0", s, s.Origin, s.ID)
		}
	}
}

func TestSuggestPOS(t *testing.T) {
	doc := func() *annotate.Document {
		return sgDoc("焦作市/ns", "位于/v", "河南省/ns", "，/w", "李明/nr", "在/p", "焦作大学/nt", "工作/v", "，/w", "王/nr", "说/v", "好/nz", "。/w")
	}
	edited := sgSchema()
	ent := &edited.Layers[0]
	for i := range ent.Labels {
		switch ent.Labels[i].Name {
		case "PER":
			ent.Labels[i].POS = nil
		case "LOC":
			ent.Labels[i].POS = []string{"ns", "v"}
		case "MISC":
			ent.Labels[i].POS = []string{"ns", "nt"} // ns and nt go to LOC and ORG, the first labels listing them
		}
	}
	tests := []struct {
		name   string
		schema *annotate.Schema
		opts   SuggestOptions
		want   []string
	}{
		{"default mapping", sgSchema(), SuggestOptions{Layer: "entity", POS: true}, []string{
			"entity/LOC[0,3)焦作市", "entity/LOC[5,8)河南省", "entity/PER[9,11)李明", "entity/ORG[12,16)焦作大学",
		}},
		{"empty layer is the first", sgSchema(), SuggestOptions{POS: true}, []string{
			"entity/LOC[0,3)焦作市", "entity/LOC[5,8)河南省", "entity/PER[9,11)李明", "entity/ORG[12,16)焦作大学",
		}},
		{"edited mapping", edited, SuggestOptions{Layer: "entity", POS: true}, []string{
			"entity/LOC[0,3)焦作市", "entity/LOC[3,5)位于", "entity/LOC[5,8)河南省", "entity/ORG[12,16)焦作大学", "entity/LOC[16,18)工作",
		}},
		{"POS off", sgSchema(), SuggestOptions{Layer: "entity"}, nil},
		{"layer without POS lists", sgSchema(), SuggestOptions{Layer: "note", POS: true}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := doc()
			spans := NewSuggester(tc.schema, tc.opts, nil).Suggest(d)
			sgCheckSuggested(t, spans)
			if got := sgSpans(d, spans); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestSuggestGazetteer(t *testing.T) {
	doc := func() *annotate.Document {
		return sgDoc("焦作市/ns", "位于/v", "河南省/ns", "西北部/f", "，/w", "北依/v", "太行山/ns", "，/w", "New/eng", " ", "York/eng", "和/c", "焦作/ns", "。/w")
	}
	gazLOC := sgGaz("entity", map[string]string{"河南省": "LOC", "河南": "LOC", "太行山": "LOC", "作市": "LOC", "New York": "GPE", "北依太行山": "MISC"})
	tests := []struct {
		name  string
		opts  SuggestOptions
		conf  map[string]string
		spans []annotate.Span // already in the document
		rej   []annotate.Span // rejected places
		want  []string
	}{
		{name: "token-aligned", opts: SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gazLOC}}, want: []string{
			"entity/LOC[5,8)河南省", "entity/MISC[12,17)北依太行山", "entity/GPE[18,26)New York",
		}},
		{name: "inside words", opts: SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gazLOC}, InsideWords: true}, want: []string{
			"entity/LOC[1,3)作市", "entity/LOC[5,8)河南省", "entity/MISC[12,17)北依太行山", "entity/GPE[18,26)New York",
		}},
		{name: "an existing span blocks in a layer that forbids overlaps", opts: SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gazLOC}},
			spans: []annotate.Span{{ID: 7, Layer: "entity", Label: "ORG", Start: 12, End: 14, Origin: annotate.OriginManual}},
			want:  []string{"entity/LOC[5,8)河南省", "entity/LOC[14,17)太行山", "entity/GPE[18,26)New York"}},
		{name: "an identical span is not suggested again", opts: SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gazLOC}},
			spans: []annotate.Span{{ID: 7, Layer: "entity", Label: "LOC", Start: 5, End: 8, Origin: annotate.OriginSuggested}},
			want:  []string{"entity/MISC[12,17)北依太行山", "entity/GPE[18,26)New York"}},
		{name: "a rejected place is not suggested; a shorter candidate is", opts: SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gazLOC}},
			rej:  []annotate.Span{{Layer: "entity", Label: "MISC", Start: 12, End: 17}, {Layer: "entity", Label: "LOC", Start: 5, End: 8}},
			want: []string{"entity/LOC[14,17)太行山", "entity/GPE[18,26)New York"}},
		{name: "a rejection of another label does not count", opts: SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gazLOC}},
			rej:  []annotate.Span{{Layer: "entity", Label: "ORG", Start: 5, End: 8}, {Layer: "note", Label: "LOC", Start: 5, End: 8}},
			want: []string{"entity/LOC[5,8)河南省", "entity/MISC[12,17)北依太行山", "entity/GPE[18,26)New York"}},
		{name: "allowed layer: confirmed spans do not block, suggestions do",
			opts: SuggestOptions{Layer: "note", Gazetteers: []*Gazetteer{sgGaz("", map[string]string{"河南省": "A", "河南省西北部": "B", "太行山": "A", "焦作市": "A", "焦作": "B"})}, InsideWords: true},
			spans: []annotate.Span{
				{ID: 7, Layer: "note", Label: "A", Start: 13, End: 16, Origin: annotate.OriginManual},
				{ID: 8, Layer: "note", Label: "B", Start: 1, End: 2, Origin: annotate.OriginSuggested},
			},
			want: []string{"note/B[5,11)河南省西北部", "note/A[14,17)太行山", "note/B[27,29)焦作"}},
		{name: "precedence: confirmed, then gazetteers in order, then POS",
			opts: SuggestOptions{Layer: "entity", POS: true, Confirmed: true, Gazetteers: []*Gazetteer{
				sgGaz("", map[string]string{"焦作市": "ORG", "太行山": "MISC", "焦作": "PER"}),
				sgGaz("", map[string]string{"焦作市": "PER", "太行山": "TIME", "焦作": "TIME"}),
			}},
			conf: map[string]string{"焦作市": "GPE"},
			want: []string{"entity/GPE[0,3)焦作市", "entity/LOC[5,8)河南省", "entity/MISC[14,17)太行山", "entity/PER[27,29)焦作"}},
		{name: "confirmed strings off", opts: SuggestOptions{Layer: "entity"}, conf: map[string]string{"焦作市": "GPE"}},
		{name: "confirmed strings with an unknown label are skipped", opts: SuggestOptions{Layer: "entity", Confirmed: true},
			conf: map[string]string{"焦作市": "CITY", "焦作": "GPE"}, want: []string{"entity/GPE[27,29)焦作"}},
		{name: "gazetteer on its own layer", opts: SuggestOptions{Layer: "entity", POS: true, Gazetteers: []*Gazetteer{sgGaz("note", map[string]string{"河南省": "A"})}},
			want: []string{"entity/LOC[0,3)焦作市", "entity/LOC[5,8)河南省", "note/A[5,8)河南省", "entity/LOC[14,17)太行山", "entity/LOC[27,29)焦作"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := doc()
			d.Spans, d.Rejected = tc.spans, tc.rej
			before := slices.Clone(d.Spans)
			s := NewSuggester(sgSchema(), tc.opts, tc.conf)
			spans := s.Suggest(d)
			sgCheckSuggested(t, spans)
			if got := sgSpans(d, spans); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
			if !reflect.DeepEqual(d.Spans, before) {
				t.Errorf("Suggest changed the document's spans")
			}
			// What Suggest proposes applies as one valid step.
			ed := &annotate.Editor{Doc: d, Schema: sgSchema()}
			if _, err := ed.Apply(SuggestEdit(d, spans)); err != nil {
				t.Fatalf("applying the suggestions: %v", err)
			}
			if again := s.Suggest(d); len(again) != 0 {
				t.Errorf("a second run suggests %q; want nothing", sgSpans(d, again))
			}
		})
	}
}

func TestSuggestNoTokensAndNonBMP(t *testing.T) {
	gaz := sgGaz("entity", map[string]string{"河南省": "LOC", "𠀀😀": "MISC", "😀焦": "PER", "焦作市": "GPE"})
	tests := []struct {
		name string
		doc  *annotate.Document
		opts SuggestOptions
		want []string
	}{
		{"non-BMP offsets, aligned", sgDoc("𠀀😀/x", "焦作市/ns", "😀/x", "河南省/ns", "😀/x"), SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gaz}},
			[]string{"entity/MISC[0,2)𠀀😀", "entity/GPE[2,5)焦作市", "entity/LOC[6,9)河南省"}},
		{"non-BMP offsets, inside words", sgDoc("𠀀/x", "😀焦作市/ns", "😀/x", "河南省/ns", "😀/x"), SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gaz}, InsideWords: true},
			[]string{"entity/MISC[0,2)𠀀😀", "entity/GPE[2,5)焦作市", "entity/LOC[6,9)河南省"}},
		{"non-BMP offsets, POS", sgDoc("𠀀😀/x", "焦作市/ns", "😀/x", "河南省/ns"), SuggestOptions{Layer: "entity", POS: true},
			[]string{"entity/LOC[2,5)焦作市", "entity/LOC[6,9)河南省"}},
		{"no tokens: matched by character, longest first", &annotate.Document{Text: "😀焦作市河南省😀焦"}, SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{gaz}},
			[]string{"entity/GPE[1,4)焦作市", "entity/LOC[4,7)河南省", "entity/PER[7,9)😀焦"}},
		{"empty document", &annotate.Document{}, SuggestOptions{Layer: "entity", POS: true, Gazetteers: []*Gazetteer{gaz}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spans := NewSuggester(sgSchema(), tc.opts, nil).Suggest(tc.doc)
			if got := sgSpans(tc.doc, spans); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// sgEncode encodes s as the test's gazetteer file bytes.
func sgEncode(t testing.TB, enc, s string) []byte {
	t.Helper()
	var out string
	var err error
	switch enc {
	case "utf8":
		return []byte(s)
	case "utf8bom":
		return append([]byte{0xEF, 0xBB, 0xBF}, s...)
	case "gbk":
		out, err = simplifiedchinese.GBK.NewEncoder().String(s)
	case "utf16le":
		out, err = xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String(s)
	case "utf16be":
		out, err = xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewEncoder().String(s)
	case "crlf":
		return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
	}
	if err != nil {
		t.Fatal(err)
	}
	return []byte(out)
}

// sgGazFile is a gazetteer with tabs, a comment, an empty line (line 4),
// spaces to trim, a duplicate and a conflicting duplicate.
const sgGazFile = "# 地名\n焦作市\n河南省\tGPE\n\n  太行山  \t LOC \n北京大学\tORG\t12\n焦作市\n河南省\tLOC\n"

func TestLoadGazetteer(t *testing.T) {
	wantTerms := map[string]string{"焦作市": "LOC", "河南省": "GPE", "太行山": "LOC", "北京大学": "ORG"}
	for _, enc := range []string{"utf8", "utf8bom", "gbk", "utf16le", "utf16be", "crlf"} {
		t.Run(enc, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "places-"+enc+".txt")
			if err := os.WriteFile(path, sgEncode(t, enc, sgGazFile), 0o644); err != nil {
				t.Fatal(err)
			}
			g, err := LoadGazetteer(path, "entity", "LOC")
			if err != nil {
				t.Fatalf("LoadGazetteer: %v", err)
			}
			if !reflect.DeepEqual(g.Terms, wantTerms) {
				t.Errorf("terms: got %q, want %q", g.Terms, wantTerms)
			}
			wantWarn := []string{path + ":4: empty line skipped", path + `:8: term "河南省" is already GPE (line 3); label LOC ignored`}
			if !slices.Equal(g.Warnings, wantWarn) {
				t.Errorf("warnings: got %q\nwant %q", g.Warnings, wantWarn)
			}
			if g.Name != filepath.Base(path) || g.Path != path || g.Layer != "entity" || g.Label != "LOC" {
				t.Errorf("got name %q path %q layer %q label %q", g.Name, g.Path, g.Layer, g.Label)
			}
			if err := g.Check(sgSchema(), "entity"); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestLoadGazetteerErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		data   []byte // nil: no file
		label  string
		want   string // in the error, after the path
		line   int
		decode bool // wraps a *DecodeError
	}{
		{name: "missing", data: nil, label: "LOC", want: "no such file"},
		{name: "binary", data: []byte("焦作市\n\x00\x01\x02\x03河南省\n"), label: "LOC", want: "not a text file", decode: true},
		{name: "random bytes", data: sgRandomBytes(4096), label: "LOC", want: "not a text file", decode: true},
		{name: "no label", data: []byte("焦作市\tGPE\n河南省\n"), label: "", want: `term "河南省" has no label`, line: 2},
		{name: "only comments", data: []byte("# 地名\n\n"), label: "LOC", want: "no terms"},
		{name: "empty", data: []byte{}, label: "LOC", want: "no terms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".txt")
			if tc.data != nil {
				if err := os.WriteFile(path, tc.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			g, err := LoadGazetteer(path, "entity", tc.label)
			if err == nil {
				t.Fatalf("got %d terms, want an error", len(g.Terms))
			}
			var ge *GazetteerError
			if !errors.As(err, &ge) || ge.Path != path || ge.Line != tc.line {
				t.Fatalf("error %v: want a *GazetteerError for %s line %d", err, path, tc.line)
			}
			where := "annotate: gazetteer " + path
			if tc.line > 0 {
				where += fmt.Sprint(":", tc.line)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, where+": ") || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q: want %q … %q", msg, where, tc.want)
			}
			var de *text.DecodeError
			if got := errors.As(err, &de); got != tc.decode {
				t.Errorf("wraps a *DecodeError: got %v, want %v", got, tc.decode)
			}
		})
	}
}

func sgRandomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(6, 6))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return b
}

func TestGazetteerWarningsCapped(t *testing.T) {
	g, err := ParseGazetteer("many.txt", []byte(strings.Repeat("\n", 150)+"焦作市\n"), "entity", "LOC")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(g.Warnings), maxGazetteerWarnings+1; got != want {
		t.Fatalf("got %d warnings, want %d", got, want)
	}
	if got, want := g.Warnings[len(g.Warnings)-1], "many.txt: 50 more warnings"; got != want {
		t.Errorf("last warning: got %q, want %q", got, want)
	}
}

func TestGazetteerCheck(t *testing.T) {
	g, err := ParseGazetteer("labels.txt", []byte("焦作市\n河南省\tPROVINCE\n太行山\tMOUNTAIN\n北京\tGPE\n"), "", "LOC")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		layer string
		want  string // "" for no error
	}{
		{"unknown label", "entity", `annotate: gazetteer labels.txt:2: term "河南省": label "PROVINCE" is not in layer "entity"`},
		{"unknown layer", "nope", `annotate: gazetteer labels.txt: no layer "nope" in the schema`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := g.Check(sgSchema(), tc.layer)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %v, want %q…", err, tc.want)
			}
			if err := (SuggestOptions{Layer: tc.layer, Gazetteers: []*Gazetteer{g}}).Check(sgSchema()); err == nil {
				t.Errorf("SuggestOptions.Check: got nil, want an error")
			}
		})
	}
	// NewSuggester skips the unknown labels' terms, with one warning each.
	s := NewSuggester(sgSchema(), SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{g}}, nil)
	want := []string{
		`gazetteer labels.txt:2: term "河南省": label "PROVINCE" is not in layer "entity"; its terms are skipped`,
		`gazetteer labels.txt:3: term "太行山": label "MOUNTAIN" is not in layer "entity"; its terms are skipped`,
	}
	if got := s.Warnings(); !slices.Equal(got, want) {
		t.Errorf("warnings: got %q\nwant %q", got, want)
	}
	d := sgDoc("焦作市", "河南省", "太行山", "北京")
	if got, want := sgSpans(d, s.Suggest(d)), []string{"entity/LOC[0,3)焦作市", "entity/GPE[9,11)北京"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// sgTarget is where a test applies edits: an in-memory Editor or a
// project file.
type sgTargetDoc interface {
	doc() *annotate.Document
	apply(e annotate.Edit) error
	undo() error
}

type sgEditor struct{ ed *annotate.Editor }

func (s sgEditor) doc() *annotate.Document { return s.ed.Doc }
func (s sgEditor) apply(e annotate.Edit) error {
	_, err := s.ed.Apply(e)
	return err
}
func (s sgEditor) undo() error {
	_, err := s.ed.Undo()
	return err
}

type sgProject struct {
	p  *annotate.Project
	id int64
}

func (s sgProject) doc() *annotate.Document {
	d, err := s.p.Document(s.id)
	if err != nil {
		panic(err)
	}
	return d
}
func (s sgProject) apply(e annotate.Edit) error {
	_, err := s.p.Apply(s.id, e)
	return err
}
func (s sgProject) undo() error {
	_, err := s.p.Undo(s.id)
	return err
}

// sgDocState is what the tests compare of a document.
type sgDocState struct {
	Spans    []annotate.Span
	Rejected []annotate.Span
	Status   annotate.Status
	Tokens   []text.Token
}

// sgState is d's state; an empty list is nil (the edits leave empty
// lists, a reopened project nil ones).
func sgState(d *annotate.Document) sgDocState {
	orNil := func(s []annotate.Span) []annotate.Span {
		if len(s) == 0 {
			return nil
		}
		return slices.Clone(s)
	}
	return sgDocState{orNil(d.Spans), orNil(d.Rejected), d.Status, slices.Clone(d.Tokens)}
}

// sgLabelAllDoc has 焦作 at 0 (labelled GPE), 3 (inside the token 焦作市),
// 7 (inside ORG 焦作人), 11, 14 (suggested GPE), 16 (a note layer span
// there), 19 (after 😀).
func sgLabelAllDoc() *annotate.Document {
	d := sgDoc("焦作/ns", "是/v", "焦作市/ns", "，/w", "焦作/ns", "人/n", "爱/v", "焦作/ns", "，/w", "焦作/ns", "焦作/ns", "😀/x", "焦作/ns", "。/w")
	d.Spans = []annotate.Span{
		{ID: 1, Layer: "entity", Label: "GPE", Start: 0, End: 2, Origin: annotate.OriginManual},
		{ID: 2, Layer: "entity", Label: "ORG", Start: 7, End: 10, Origin: annotate.OriginManual},
		{ID: 3, Layer: "entity", Label: "GPE", Start: 14, End: 16, Origin: annotate.OriginSuggested},
		{ID: 4, Layer: "note", Label: "A", Start: 16, End: 18, Origin: annotate.OriginManual},
	}
	return d
}

func sgDescribe(edits []annotate.Edit) []string {
	out := make([]string, 0, len(edits))
	for _, e := range edits {
		out = append(out, e.Describe())
	}
	return out
}

func TestLabelAll(t *testing.T) {
	tests := []struct {
		name        string
		doc         func() *annotate.Document
		text, label string
		insideWords bool
		want        []string
	}{
		{"token-aligned", sgLabelAllDoc, "焦作", "GPE", false, []string{
			"add span [11,13) entity/GPE", "set the origin of span 3 to manual", "add span [16,18) entity/GPE", "add span [19,21) entity/GPE",
		}},
		{"inside words", sgLabelAllDoc, "焦作", "GPE", true, []string{
			"add span [3,5) entity/GPE", "add span [11,13) entity/GPE", "set the origin of span 3 to manual", "add span [16,18) entity/GPE", "add span [19,21) entity/GPE",
		}},
		{"another label conflicts with the spans there", sgLabelAllDoc, "焦作", "LOC", false, []string{
			"add span [11,13) entity/LOC", "add span [16,18) entity/LOC", "add span [19,21) entity/LOC",
		}},
		{"spans of other layers do not conflict; a span of the layer does, whatever its rule", sgLabelAllDoc, "焦作", "B", false, []string{
			"add span [0,2) note/B", "add span [7,9) note/B", "add span [11,13) note/B", "add span [14,16) note/B", "add span [19,21) note/B",
		}},
		{"non-BMP text", sgLabelAllDoc, "😀焦作", "MISC", true, []string{"add span [18,21) entity/MISC"}},
		{"occurrences do not overlap", func() *annotate.Document { return &annotate.Document{Text: "哈哈哈哈哈"} }, "哈哈", "MISC", false, []string{
			"add span [0,2) entity/MISC", "add span [2,4) entity/MISC",
		}},
		{"not found", sgLabelAllDoc, "北京", "GPE", false, nil},
		{"empty text", sgLabelAllDoc, "", "GPE", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			layer := "entity"
			if tc.label == "B" {
				layer = "note"
			}
			d := tc.doc()
			edits := LabelAll(d, tc.text, layer, tc.label, tc.insideWords)
			if got := sgDescribe(edits); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
			for _, e := range edits {
				if a, ok := e.(annotate.AddSpan); ok && a.Span.Origin != annotate.OriginManual {
					t.Errorf("%s: origin %q, want manual", a.Describe(), a.Span.Origin)
				}
			}
			// The edits apply as one valid step, after which nothing is
			// left to label.
			ed := &annotate.Editor{Doc: d, Schema: sgSchema()}
			if _, err := ed.Apply(annotate.Batch{Name: "label all", Edits: edits}); err != nil {
				t.Fatalf("apply: %v", err)
			}
			if again := LabelAll(d, tc.text, layer, tc.label, tc.insideWords); len(again) != 0 {
				t.Errorf("a second label-all gives %q; want nothing", sgDescribe(again))
			}
		})
	}
}

// sgTargets runs f on a document made by mk in an in-memory Editor and in
// a project file; then, on the project reopened from the file, it checks
// that the document is as f left it and runs after on it (after also runs
// on the Editor's document).
func sgTargets(t *testing.T, mk func() *annotate.Document, f func(t *testing.T, tg sgTargetDoc), after func(t *testing.T, d *annotate.Document)) {
	t.Run("editor", func(t *testing.T) {
		tg := sgEditor{&annotate.Editor{Doc: mk(), Schema: sgSchema()}}
		f(t, tg)
		after(t, tg.doc())
	})
	t.Run("project", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sg.biaozhu")
		p, err := annotate.Create(path, sgSchema(), annotate.Options{NoBackup: true, Synchronous: "NORMAL"})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { p.Close() }()
		d := mk()
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
		f(t, sgProject{p, d.ID})
		live := sgState(sgProject{p, d.ID}.doc())
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if p, err = annotate.Open(path, annotate.Options{NoBackup: true}); err != nil {
			t.Fatal(err)
		}
		re := sgProject{p, d.ID}.doc()
		if got := sgState(re); !reflect.DeepEqual(got, live) {
			t.Errorf("reopened: got %+v\nwant %+v", got, live)
		}
		after(t, re)
	})
}

func TestLabelAllUndo(t *testing.T) {
	sgTargets(t, sgLabelAllDoc, func(t *testing.T, tg sgTargetDoc) {
		before := sgState(tg.doc())
		edits := LabelAll(tg.doc(), "焦作", "entity", "GPE", true)
		if err := tg.apply(annotate.Batch{Name: "label all 焦作 as GPE", Edits: edits}); err != nil {
			t.Fatal(err)
		}
		if got, want := len(tg.doc().Spans), len(before.Spans)+4; got != want {
			t.Fatalf("after label-all: %d spans, want %d", got, want)
		}
		if err := tg.undo(); err != nil {
			t.Fatal(err)
		}
		if got := sgState(tg.doc()); !reflect.DeepEqual(got, before) {
			t.Errorf("after undo: got %+v\nwant %+v", got, before)
		}
	}, func(t *testing.T, d *annotate.Document) {
		if got, want := len(LabelAll(d, "焦作", "entity", "GPE", true)), 5; got != want {
			t.Errorf("after undo, label-all has %d edits to make, want %d", got, want)
		}
	})
}

func sgSuggestDoc() *annotate.Document {
	d := sgDoc("焦作市/ns", "位于/v", "河南省/ns", "，/w", "李明/nr", "在/p", "焦作大学/nt", "工作/v", "。/w")
	d.Spans = []annotate.Span{{ID: 1, Layer: "note", Label: "A", Start: 0, End: 3, Origin: annotate.OriginSuggested}}
	return d
}

func TestSuggestAcceptRejectUndo(t *testing.T) {
	opts := SuggestOptions{Layer: "entity", POS: true}
	sg := NewSuggester(sgSchema(), opts, nil)
	tests := []struct {
		name    string
		edit    func(d *annotate.Document) annotate.Edit
		want    string                                                           // the edit's name
		check   func(t *testing.T, d *annotate.Document, before []annotate.Span) // after the edit
		suggest []string                                                         // Suggest after the edit
	}{
		{"accept all in a layer", func(d *annotate.Document) annotate.Edit { return AcceptAll(d, "entity") }, "accept 4 suggestions",
			func(t *testing.T, d *annotate.Document, before []annotate.Span) {
				for _, s := range d.Spans {
					if want := map[string]annotate.Origin{"entity": annotate.OriginManual, "note": annotate.OriginSuggested}[s.Layer]; s.Origin != want {
						t.Errorf("span %v: origin %s, want %s", s, s.Origin, want)
					}
				}
			}, nil},
		{"reject all", func(d *annotate.Document) annotate.Edit { return RejectAll(d, "") }, "reject 5 suggestions",
			func(t *testing.T, d *annotate.Document, before []annotate.Span) {
				if len(d.Spans) != 0 || len(d.Rejected) != 5 {
					t.Errorf("got %d spans, %d rejected; want 0, 5", len(d.Spans), len(d.Rejected))
				}
			}, nil},
		{"reject one", func(d *annotate.Document) annotate.Edit { return annotate.Reject{ID: d.Spans[len(d.Spans)-1].ID} }, "reject suggestion",
			func(t *testing.T, d *annotate.Document, before []annotate.Span) {
				if len(d.Spans) != len(before)-1 || len(d.Rejected) != 1 {
					t.Errorf("got %d spans, %d rejected; want %d, 1", len(d.Spans), len(d.Rejected), len(before)-1)
				}
			}, nil},
		{"accept nothing", func(d *annotate.Document) annotate.Edit { return AcceptAll(d, "other") }, "accept 0 suggestions", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rejected []annotate.Span
			sgTargets(t, sgSuggestDoc, func(t *testing.T, tg sgTargetDoc) {
				spans := sg.Suggest(tg.doc())
				se := SuggestEdit(tg.doc(), spans)
				if got, want := se.Describe(), "suggest 4 spans"; got != want {
					t.Errorf("suggestion edit: got %q, want %q", got, want)
				}
				if err := tg.apply(se); err != nil {
					t.Fatal(err)
				}
				before := sgState(tg.doc())
				e := tc.edit(tg.doc())
				if got := e.Describe(); !strings.HasPrefix(got, tc.want) {
					t.Errorf("edit name: got %q, want %q", got, tc.want)
				}
				if err := tg.apply(e); err != nil {
					t.Fatal(err)
				}
				if tc.check != nil {
					tc.check(t, tg.doc(), before.Spans)
				}
				rejected = slices.Clone(tg.doc().Rejected)
				if got := sgSpans(tg.doc(), sg.Suggest(tg.doc())); len(got) != 0 {
					t.Errorf("suggest after the edit: got %q, want nothing", got)
				}
				if tc.check == nil {
					return // no step to undo
				}
				// Undo, check, and redo the edit for the reopened file.
				if err := tg.undo(); err != nil {
					t.Fatal(err)
				}
				if got := sgState(tg.doc()); !reflect.DeepEqual(got, before) {
					t.Errorf("after undo: got %+v\nwant %+v", got, before)
				}
				if err := tg.apply(tc.edit(tg.doc())); err != nil {
					t.Fatal(err)
				}
			}, func(t *testing.T, d *annotate.Document) {
				// Rejected places stay rejected: with every span removed,
				// Suggest proposes only the places not rejected.
				if !reflect.DeepEqual(d.Rejected, rejected) {
					t.Errorf("rejected: got %v, want %v", d.Rejected, rejected)
				}
				d.Spans = nil
				got := sg.Suggest(d)
				if want := 4 - len(rejectedIn(rejected, "entity")); len(got) != want {
					t.Errorf("suggest with the spans removed: got %q, want %d spans", sgSpans(d, got), want)
				}
				for _, s := range got {
					if d.IsRejected(s) {
						t.Errorf("suggested %v at a rejected place", s)
					}
				}
			})
		})
	}
}

func rejectedIn(spans []annotate.Span, layer string) []annotate.Span {
	return slices.DeleteFunc(slices.Clone(spans), func(s annotate.Span) bool { return s.Layer != layer })
}

func TestSuggestEditSkipsPresentAndRejected(t *testing.T) {
	d := sgSuggestDoc()
	d.Rejected = []annotate.Span{{Layer: "entity", Label: "LOC", Start: 5, End: 8}}
	spans := []annotate.Span{
		{ID: 9, Layer: "note", Label: "A", Start: 0, End: 3, Origin: annotate.OriginManual},      // present
		{ID: 9, Layer: "entity", Label: "LOC", Start: 5, End: 8},                                 // rejected
		{ID: 9, Layer: "entity", Label: "PER", Start: 8, End: 99},                                // outside the text
		{ID: 9, Layer: "entity", Label: "PER", Start: 9, End: 11, Origin: annotate.OriginManual}, // kept, made suggested
	}
	e := SuggestEdit(d, spans)
	b, ok := e.(annotate.Batch)
	if !ok || e.Describe() != "suggest 1 span" || len(b.Edits) != 1 {
		t.Fatalf("got %#v", e)
	}
	if got, want := b.Edits[0].(annotate.AddSpan).Span, (annotate.Span{Layer: "entity", Label: "PER", Start: 9, End: 11, Origin: annotate.OriginSuggested}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestConfirmedStrings(t *testing.T) {
	p, err := annotate.Create(filepath.Join(t.TempDir(), "cs.biaozhu"), sgSchema(), annotate.Options{NoBackup: true, Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sp := func(layer, label string, start, end int, o annotate.Origin) annotate.Span {
		return annotate.Span{Layer: layer, Label: label, Start: start, End: end, Origin: o}
	}
	d1 := sgDoc("焦作/ns", "焦作/ns", "河南省/ns", " ", "太行山/ns", "😀𠀀/x")
	d1.Spans = []annotate.Span{
		sp("entity", "GPE", 0, 2, annotate.OriginManual), sp("entity", "GPE", 2, 4, annotate.OriginManual),
		sp("entity", "LOC", 4, 7, annotate.OriginManual),
		sp("entity", "MISC", 7, 8, annotate.OriginManual), // only a space
		sp("entity", "LOC", 8, 11, annotate.OriginSuggested),
		sp("entity", "MISC", 11, 13, annotate.OriginImported),
		sp("note", "A", 0, 2, annotate.OriginManual),
	}
	d2 := sgDoc("焦作/ns", "焦作/ns", "河南省/ns", "河南省/ns", "河南省/ns")
	d2.Spans = []annotate.Span{
		sp("entity", "LOC", 0, 2, annotate.OriginImported), sp("entity", "LOC", 2, 4, annotate.OriginImported),
		sp("entity", "ORG", 4, 7, annotate.OriginSuggested), sp("entity", "ORG", 7, 10, annotate.OriginSuggested), sp("entity", "ORG", 10, 13, annotate.OriginSuggested),
	}
	for _, d := range []*annotate.Document{d1, d2} {
		if err := p.AddDocument(d); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		layer string
		want  map[string]string
	}{
		// 焦作: GPE twice, LOC twice: the tie goes to GPE. 河南省: LOC once
		// (manual) beats ORG three times (suggested).
		{"entity", map[string]string{"焦作": "GPE", "河南省": "LOC", "😀𠀀": "MISC"}},
		{"note", map[string]string{"焦作": "A"}},
		{"nope", map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.layer, func(t *testing.T) {
			got, err := ConfirmedStrings(p, tc.layer)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	// A label-all changes what is confirmed.
	id := d1.ID
	d, err := p.Document(id)
	if err != nil {
		t.Fatal(err)
	}
	var relabel []annotate.Edit
	for _, s := range d.Spans {
		if s.Layer == "entity" && s.Label == "GPE" {
			relabel = append(relabel, annotate.RelabelSpan{ID: s.ID, Label: "LOC"})
		}
	}
	if _, err := p.Apply(id, annotate.Batch{Name: "relabel", Edits: relabel}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ConfirmedStrings(p, "entity"); got["焦作"] != "LOC" {
		t.Errorf("after relabelling: 焦作 is %q, want LOC", got["焦作"])
	}
	p.Close()
	if _, err := ConfirmedStrings(p, "entity"); !errors.Is(err, annotate.ErrClosed) {
		t.Errorf("closed project: got %v, want ErrClosed", err)
	}
}

// sgFuzzSeeds are gazetteer files for the fuzz target.
func sgFuzzSeeds(tb testing.TB) [][]byte {
	seeds := [][]byte{[]byte(sgGazFile), {}, []byte("\n\n"), []byte("#\n\t\n\tX\n"), []byte("\x00"), sgRandomBytes(64)}
	for _, enc := range []string{"utf8bom", "gbk", "utf16le", "utf16be", "crlf"} {
		seeds = append(seeds, sgEncode(tb, enc, sgGazFile))
	}
	return seeds
}

func FuzzLoadGazetteer(f *testing.F) {
	for _, s := range sgFuzzSeeds(f) {
		f.Add(s)
	}
	schema := sgSchema()
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ParseGazetteer("fuzz.txt", data, "entity", "LOC")
		if err != nil {
			var ge *GazetteerError
			if !errors.As(err, &ge) || !strings.HasPrefix(err.Error(), "annotate: gazetteer fuzz.txt") {
				t.Fatalf("error %q: want a *GazetteerError naming fuzz.txt", err)
			}
			return
		}
		if len(g.Terms) == 0 {
			t.Fatal("no terms and no error")
		}
		for term, lab := range g.Terms {
			if term == "" || trimTerm(term) != term || lab == "" || !utf8.ValidString(term) || strings.ContainsAny(term, "\n\t") {
				t.Fatalf("bad term %q → %q", term, lab)
			}
		}
		for _, w := range g.Warnings {
			if !strings.HasPrefix(w, "fuzz.txt:") {
				t.Fatalf("warning %q does not name the file", w)
			}
		}
		// Whatever was read, suggesting with it never panics and gives
		// spans inside the text.
		text := strings.ToValidUTF8(string(data), "")
		d := &annotate.Document{Text: text}
		n := utf8.RuneCountInString(text)
		for _, s := range NewSuggester(schema, SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{g}, InsideWords: true}, nil).Suggest(d) {
			if s.Start < 0 || s.End > n || s.Start >= s.End {
				t.Fatalf("span %v outside [0,%d)", s, n)
			}
		}
	})
}

// sgBench builds a document of about chars characters, tokenised, with a
// gazetteer of terms terms of which about one token in ten is one.
func sgBench(tb testing.TB, chars, terms int) (*annotate.Document, *Gazetteer) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = 3500
	han := func() rune { return rune(0x4E00 + r.IntN(alphabet)) }
	word := func(n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = han()
		}
		return string(rs)
	}
	labels := []string{"PER", "LOC", "ORG", "GPE"}
	g := &Gazetteer{Name: "bench", Path: "bench.txt", Layer: "entity", Terms: make(map[string]string, terms)}
	list := make([]string, 0, terms)
	for len(g.Terms) < terms {
		w := word(2 + r.IntN(4))
		if _, ok := g.Terms[w]; !ok {
			g.Terms[w] = labels[r.IntN(len(labels))]
			list = append(list, w)
		}
	}
	d := &annotate.Document{Name: "bench.txt"}
	var b strings.Builder
	cp := 0
	for cp < chars {
		var w string
		if r.IntN(10) == 0 {
			w = list[r.IntN(len(list))]
		} else {
			w = word(1 + r.IntN(3))
		}
		l := utf8.RuneCountInString(w)
		d.Tokens = append(d.Tokens, text.Token{Start: cp, End: cp + l, Text: w, POS: "n"})
		b.WriteString(w)
		cp += l
		if r.IntN(20) == 0 {
			d.Tokens = append(d.Tokens, text.Token{Start: cp, End: cp + 1, Text: "。", POS: "w"})
			b.WriteString("。")
			cp++
		}
	}
	d.Text = b.String()
	d.Sentences = []text.Sentence{{Start: 0, End: cp}}
	return d, g
}

// BenchmarkSuggest: Suggest over a 1,000,000-character document with a
// 100,000-term gazetteer (and POS), token-aligned and inside words.
func BenchmarkSuggest(b *testing.B) {
	d, g := sgBench(b, 1_000_000, 100_000)
	for _, inside := range []bool{false, true} {
		b.Run(fmt.Sprintf("insideWords=%v", inside), func(b *testing.B) {
			s := NewSuggester(sgSchema(), SuggestOptions{Layer: "entity", POS: true, Gazetteers: []*Gazetteer{g}, InsideWords: inside}, nil)
			var n int
			for b.Loop() {
				n = len(s.Suggest(d))
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(n), "spans")
		})
	}
}

// BenchmarkNewSuggester: building the trie of a 100,000-term gazetteer.
func BenchmarkNewSuggester(b *testing.B) {
	_, g := sgBench(b, 10, 100_000)
	for b.Loop() {
		NewSuggester(sgSchema(), SuggestOptions{Layer: "entity", Gazetteers: []*Gazetteer{g}}, nil)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

// BenchmarkLoadGazetteer: reading a 100,000-line gazetteer file.
func BenchmarkLoadGazetteer(b *testing.B) {
	_, g := sgBench(b, 10, 100_000)
	var buf strings.Builder
	for term, lab := range g.Terms {
		buf.WriteString(term + "\t" + lab + "\n")
	}
	path := filepath.Join(b.TempDir(), "gaz.txt")
	if err := os.WriteFile(path, []byte(buf.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := LoadGazetteer(path, "entity", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

// TestLabelAllAfterMisaligned: an occurrence off the token boundaries does
// not hide an aligned one that overlaps it (哈|哈哈: 哈哈 at 1).
func TestLabelAllAfterMisaligned(t *testing.T) {
	d := &annotate.Document{Text: "哈哈哈", Tokens: []text.Token{{Start: 0, End: 1, POS: "e"}, {Start: 1, End: 3, POS: "e"}}}
	edits := LabelAll(d, "哈哈", "entity", "MISC", false)
	if len(edits) != 1 {
		t.Fatalf("LabelAll = %v, want one span over [1,3)", edits)
	}
	if a, ok := edits[0].(annotate.AddSpan); !ok || a.Span.Start != 1 || a.Span.End != 3 {
		t.Errorf("LabelAll = %+v, want a span over [1,3)", edits[0])
	}
}

// TestSuggestNoise checks that obvious segmenter noise is not suggested
// and is counted by why (issue 18: 嚴格執行 PER and 普及 LOC were offered,
// and "no new suggestions" said nothing of the lone 王 nr skipped), and
// that each suggestion says where it comes from.
func TestSuggestNoise(t *testing.T) {
	d := sgDoc("要/v", "嚴格執行/nr", "進口/vn", "，/w", "加強/v", "常識/n", "普及/ns", "、/w", "王/nr", "、/w", "薛/nr", "說/v",
		"在/p", "中州/ns", "，/w", "楊麗娜/nr", "和/c", "歐陽修文/nr", "、/w", "約翰·史密斯/nr", "看/v", "夕陽/ns", "。/w")
	tests := []struct {
		name     string
		opts     SuggestOptions
		gaz      map[string]string
		want     []string
		reasons  []Reason
		skipped  Skipped
		rejected map[string]map[string]int
	}{
		{
			name: "POS", opts: SuggestOptions{Layer: "entity", POS: true},
			want:    []string{"entity/LOC[20,22)中州", "entity/PER[23,26)楊麗娜", "entity/PER[27,31)歐陽修文", "entity/PER[32,38)約翰·史密斯", "entity/LOC[39,41)夕陽"},
			reasons: []Reason{{"pos", "ns"}, {"pos", "nr"}, {"pos", "nr"}, {"pos", "nr"}, {"pos", "ns"}},
			skipped: Skipped{SingleChars: 2, NotName: 1, InCompound: 1},
		},
		{
			name: "rejected elsewhere", opts: SuggestOptions{Layer: "entity", POS: true, Rejected: map[string]map[string]int{"夕陽": {"LOC": 2}, "中州": {"ORG": 1}}},
			want:    []string{"entity/LOC[20,22)中州", "entity/PER[23,26)楊麗娜", "entity/PER[27,31)歐陽修文", "entity/PER[32,38)約翰·史密斯"},
			reasons: []Reason{{"pos", "ns"}, {"pos", "nr"}, {"pos", "nr"}, {"pos", "nr"}},
			skipped: Skipped{SingleChars: 2, NotName: 1, InCompound: 1, Rejected: 1},
		},
		{
			name: "a gazetteer is the annotator's word", opts: SuggestOptions{Layer: "entity"}, gaz: map[string]string{"普及": "MISC", "夕陽": "LOC"},
			want:    []string{"entity/MISC[12,14)普及", "entity/LOC[39,41)夕陽"},
			reasons: []Reason{{"gazetteer", ""}, {"gazetteer", ""}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if tc.gaz != nil {
				opts.Gazetteers = []*Gazetteer{sgGaz("entity", tc.gaz)}
			}
			spans, reasons, skipped := NewSuggester(sgSchema(), opts, nil).SuggestWhy(d)
			if got := sgSpans(d, spans); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
			if !slices.Equal(reasons, tc.reasons) {
				t.Errorf("reasons %v, want %v", reasons, tc.reasons)
			}
			if skipped != tc.skipped {
				t.Errorf("skipped %+v, want %+v", skipped, tc.skipped)
			}
		})
	}
}
