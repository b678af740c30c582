package annotate

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// etState is everything of a Document that edits can change, with empty
// slices as nil, so that two states compare with reflect.DeepEqual.
type etState struct {
	ID        int64
	Name      string
	Text      string
	Sentences []text.Sentence
	Tokens    []text.Token
	Spans     []Span
	Status    Status
	Labels    []string
	// Schema is the project's schema, where the history under test can
	// change it (nil where it cannot).
	Schema *Schema
}

func etNil[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// etStateOf returns a deep copy of d's state.
func etStateOf(d *Document) etState {
	return etState{ID: d.ID, Name: d.Name, Text: d.Text, Sentences: etNil(d.Sentences), Tokens: etNil(d.Tokens),
		Spans: etNil(d.Spans), Status: d.Status, Labels: etNil(d.Labels)}
}

// etDiff describes the first difference between two states, "" when
// there is none.
func etDiff(got, want etState) string {
	gs, ws := got.Schema, want.Schema
	got.Schema, want.Schema = nil, nil
	if reflect.DeepEqual(got, want) {
		switch {
		case (gs == nil) != (ws == nil):
			return fmt.Sprintf("schema %v, want %v", gs, ws)
		case gs != nil && !schemaEqual(gs, ws):
			return fmt.Sprintf("schema %+v, want %+v", gs.Layers, ws.Layers)
		}
		return ""
	}
	switch {
	case got.ID != want.ID || got.Name != want.Name:
		return fmt.Sprintf("document %d %q, want %d %q", got.ID, got.Name, want.ID, want.Name)
	case got.Text != want.Text:
		return "text differs"
	case !reflect.DeepEqual(got.Sentences, want.Sentences):
		return fmt.Sprintf("sentences %v, want %v", got.Sentences, want.Sentences)
	case !reflect.DeepEqual(got.Tokens, want.Tokens):
		for i := range min(len(got.Tokens), len(want.Tokens)) {
			if got.Tokens[i] != want.Tokens[i] {
				return fmt.Sprintf("token %d is %+v, want %+v (%d tokens, want %d)", i, got.Tokens[i], want.Tokens[i], len(got.Tokens), len(want.Tokens))
			}
		}
		return fmt.Sprintf("%d tokens, want %d", len(got.Tokens), len(want.Tokens))
	case !reflect.DeepEqual(got.Spans, want.Spans):
		return fmt.Sprintf("spans %+v, want %+v", got.Spans, want.Spans)
	case got.Status != want.Status:
		return fmt.Sprintf("status %q, want %q", got.Status, want.Status)
	default:
		return fmt.Sprintf("labels %q, want %q", got.Labels, want.Labels)
	}
}

// etCheck checks the invariants every document keeps through any edit:
// tokens sorted, non-overlapping, non-empty, inside one sentence, not
// beginning or ending with a space, their Text the slice of the text;
// spans sorted, inside the text, with unique IDs, labels of the schema
// and no overlaps in a layer that forbids them; a known status; document
// labels non-empty, trimmed and unique.
func etCheck(d *Document, schema *Schema) error {
	n := d.Chars()
	offs := make([]int, 0, n+1) // byte offset of each code point, and the end
	for i := range d.Text {
		offs = append(offs, i)
	}
	offs = append(offs, len(d.Text))
	for i, t := range d.Tokens {
		switch {
		case t.Start < 0 || t.End > n || t.Start >= t.End:
			return fmt.Errorf("token %d %+v is empty or outside the text [0,%d)", i, t, n)
		case i > 0 && t.Start < d.Tokens[i-1].End:
			return fmt.Errorf("token %d %+v overlaps or precedes token %d %+v", i, t, i-1, d.Tokens[i-1])
		case t.Text != d.Text[offs[t.Start]:offs[t.End]]:
			return fmt.Errorf("token %d %+v: text is not the slice %q", i, t, d.Text[offs[t.Start]:offs[t.End]])
		}
		if r, _ := utf8.DecodeRuneInString(t.Text); unicode.IsSpace(r) {
			return fmt.Errorf("token %d %+v begins with a space", i, t)
		}
		if r, _ := utf8.DecodeLastRuneInString(t.Text); unicode.IsSpace(r) {
			return fmt.Errorf("token %d %+v ends with a space", i, t)
		}
		in := false
		for _, s := range d.Sentences {
			in = in || (s.Start <= t.Start && t.End <= s.End)
		}
		if len(d.Sentences) > 0 && !in {
			return fmt.Errorf("token %d %+v lies in no one sentence", i, t)
		}
	}
	ids := map[int64]bool{}
	for i, s := range d.Spans {
		if s.Start < 0 || s.End > n || s.Start >= s.End {
			return fmt.Errorf("span %+v is empty or outside the text [0,%d)", s, n)
		}
		if i > 0 && spanLess(s, d.Spans[i-1]) {
			return fmt.Errorf("spans %+v and %+v are out of order", d.Spans[i-1], s)
		}
		if ids[s.ID] {
			return fmt.Errorf("span ID %d appears twice", s.ID)
		}
		ids[s.ID] = true
		if !s.Origin.Valid() {
			return fmt.Errorf("span %+v: bad origin", s)
		}
		if schema != nil {
			l, ok := schema.Layer(s.Layer)
			if !ok {
				return fmt.Errorf("span %+v: no layer %q", s, s.Layer)
			}
			if _, ok := l.Label(s.Label); !ok {
				return fmt.Errorf("span %+v: no label %q", s, s.Label)
			}
			if l.Overlap == OverlapForbidden {
				for _, o := range d.Spans[:i] {
					if o.Layer == s.Layer && o.Start < s.End && s.Start < o.End {
						return fmt.Errorf("spans %+v and %+v overlap in layer %q", o, s, s.Layer)
					}
				}
			}
		}
	}
	if !d.Status.Valid() {
		return fmt.Errorf("status %q", d.Status)
	}
	seen := map[string]bool{}
	for _, l := range d.Labels {
		if l == "" || strings.TrimSpace(l) != l || seen[l] {
			return fmt.Errorf("document labels %q", d.Labels)
		}
		seen[l] = true
	}
	return nil
}

// etBuild makes a Document from sentences of words: each word is a token
// (POS "w" for punctuation, "eng" for Latin, else "n"), except words of
// spaces only, which lie between tokens; a sentence runs from its first
// token to its last.
func etBuild(name string, sents ...[]string) *Document {
	d := &Document{Name: name, Status: StatusNew}
	var b strings.Builder
	cp := 0
	for _, words := range sents {
		s := text.Sentence{Start: -1}
		for _, w := range words {
			l := utf8.RuneCountInString(w)
			if strings.TrimSpace(w) != "" {
				pos := "n"
				if r, _ := utf8.DecodeRuneInString(w); unicode.IsPunct(r) {
					pos = "w"
				} else if r < utf8.RuneSelf {
					pos = "eng"
				}
				d.Tokens = append(d.Tokens, text.Token{Start: cp, End: cp + l, Text: w, POS: pos})
				if s.Start < 0 {
					s.Start = cp
				}
				s.End = cp + l
			}
			b.WriteString(w)
			cp += l
		}
		d.Sentences = append(d.Sentences, s)
	}
	d.Text = b.String()
	d.Raw = d.Text
	return d
}

// etDoc is the documents of these tests:
//
//	焦作市 位于 河南省 西北部 。 | New ␠ York ␠ 和 𠀀😀 好 。 | ␠ 他 说 焦作 。
//	0      3    5      8      11   12  15 16  20 21 22   24 25   26 27 28 29  31
//
// with spans 1 GPE [0,3) 焦作市, 2 LOC [5,11) 河南省西北部, 3 GPE [12,20)
// "New York" and 4 MISC [23,25) 😀好 (which starts inside the token 𠀀😀).
func etDoc() *Document {
	d := etBuild("et.txt",
		[]string{"焦作市", "位于", "河南省", "西北部", "。"},
		[]string{"New", " ", "York", " ", "和", "𠀀😀", "好", "。"},
		[]string{" ", "他", "说", "焦作", "。"},
	)
	d.ID = 7
	d.Spans = []Span{
		{ID: 1, Layer: "entity", Label: "GPE", Start: 0, End: 3, Origin: OriginManual},
		{ID: 2, Layer: "entity", Label: "LOC", Start: 5, End: 11, Origin: OriginImported},
		{ID: 3, Layer: "entity", Label: "GPE", Start: 12, End: 20, Origin: OriginSuggested},
		{ID: 4, Layer: "entity", Label: "MISC", Start: 23, End: 25, Origin: OriginManual, Note: "non-BMP"},
	}
	return d
}

func TestEditDocFixture(t *testing.T) {
	d := etDoc()
	if got, want := d.Chars(), 32; got != want {
		t.Fatalf("Chars() = %d, want %d", got, want)
	}
	for _, c := range []struct {
		start, end int
		want       string
	}{{0, 3, "焦作市"}, {5, 11, "河南省西北部"}, {12, 20, "New York"}, {22, 24, "𠀀😀"}, {23, 25, "😀好"}, {27, 28, "他"}, {29, 31, "焦作"}} {
		if got := d.Slice(c.start, c.end); got != c.want {
			t.Errorf("Slice(%d, %d) = %q, want %q", c.start, c.end, got, c.want)
		}
	}
	if want := []text.Sentence{{Start: 0, End: 12}, {Start: 12, End: 26}, {Start: 27, End: 32}}; !reflect.DeepEqual(d.Sentences, want) {
		t.Errorf("sentences %v, want %v", d.Sentences, want)
	}
	if err := etCheck(d, DefaultSchema()); err != nil {
		t.Error(err)
	}
}

// etApply applies e, turning a panic into an error.
func etApply(ed *Editor, e Edit) (entry *Entry, err error) {
	defer func() {
		if r := recover(); r != nil {
			entry, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return ed.Apply(e)
}

// etRefused are edits of etDoc that validation must refuse, with the error
// they wrap and what their message must name. bug marks a case that fails
// because of a known bug (the test is skipped with that reason).
var etRefused = []struct {
	name    string
	edit    Edit
	want    error
	mention []string
	bug     string
}{
	{"span past the end", AddSpan{Span{Layer: "entity", Label: "PER", Start: 30, End: 40}}, ErrOffsets, []string{"[30,40)", "[0,32)"}, ""},
	{"span starting past the end", AddSpan{Span{Layer: "entity", Label: "PER", Start: 32, End: 33}}, ErrOffsets, []string{"[32,33)"}, ""},
	{"empty span", AddSpan{Span{Layer: "entity", Label: "PER", Start: 5, End: 5}}, ErrOffsets, []string{"[5,5)"}, ""},
	{"reversed span", AddSpan{Span{Layer: "entity", Label: "PER", Start: 6, End: 5}}, ErrOffsets, []string{"[6,5)"}, ""},
	{"negative span", AddSpan{Span{Layer: "entity", Label: "PER", Start: -1, End: 2}}, ErrOffsets, []string{"[-1,2)"}, ""},
	{"unknown layer", AddSpan{Span{Layer: "topic", Label: "PER", Start: 27, End: 28}}, ErrLayer, []string{`"topic"`, "entity"}, ""},
	{"label not in layer", AddSpan{Span{Layer: "entity", Label: "PERSON", Start: 27, End: 28}}, ErrLabel, []string{`"PERSON"`, `"entity"`, "PER, LOC"}, ""},
	{"label of other case", AddSpan{Span{Layer: "entity", Label: "per", Start: 27, End: 28}}, ErrLabel, []string{`"per"`}, ""},
	{"bad origin", AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28, Origin: "robot"}}, ErrOrigin, []string{`"robot"`}, ""},
	{"overlap on the left", AddSpan{Span{Layer: "entity", Label: "PER", Start: 2, End: 4}}, ErrOverlap, []string{"1 [0,3) GPE", "焦作市", `"entity"`}, ""},
	{"overlap inside", AddSpan{Span{Layer: "entity", Label: "PER", Start: 6, End: 7}}, ErrOverlap, []string{"2 [5,11) LOC", "河南省西北部"}, ""},
	{"overlap around", AddSpan{Span{Layer: "entity", Label: "ORG", Start: 11, End: 22}}, ErrOverlap, []string{"3 [12,20) GPE", "New York"}, ""},
	{"overlap non-BMP", AddSpan{Span{Layer: "entity", Label: "ORG", Start: 24, End: 26}}, ErrOverlap, []string{"4 [23,25) MISC", "😀好"}, ""},
	{"relabel unknown label", RelabelSpan{ID: 1, Label: "CITY"}, ErrLabel, []string{`"CITY"`}, ""},
	{"relabel no span", RelabelSpan{ID: 99, Label: "PER"}, ErrNoSpan, []string{"99", "document 7"}, ""},
	{"remove no span", RemoveSpan{ID: 99}, ErrNoSpan, []string{"99"}, ""},
	{"note no span", SetNote{ID: 0, Note: "x"}, ErrNoSpan, []string{"span 0"}, ""},
	{"origin no span", SetOrigin{ID: -3, Origin: OriginManual}, ErrNoSpan, []string{"-3"}, ""},
	{"bad origin of span", SetOrigin{ID: 1, Origin: "auto"}, ErrOrigin, []string{`"auto"`}, ""},
	{"POS not in tagset", SetPOS{At: 5, POS: "NN"}, ErrPOS, []string{`"NN"`, `"gse"`}, ""},
	{"empty POS", SetPOS{At: 5, POS: ""}, ErrPOS, []string{`""`}, ""},
	{"POS inside a token", SetPOS{At: 6, POS: "ns"}, ErrToken, []string{"6"}, ""},
	{"POS in whitespace", SetPOS{At: 15, POS: "ns"}, ErrToken, []string{"15"}, ""},
	{"POS outside", SetPOS{At: 40, POS: "ns"}, ErrToken, []string{"40"}, ""},
	{"split at a token start", Split{At: 3}, ErrToken, []string{"3"}, ""},
	{"split at the text start", Split{At: 0}, ErrToken, []string{"offset 0"}, ""},
	{"split at a non-BMP token start", Split{At: 22}, ErrToken, []string{"22"}, ""},
	{"split in whitespace", Split{At: 15}, ErrToken, []string{"15"}, ""},
	{"split between sentences", Split{At: 26}, ErrToken, []string{"26"}, ""},
	{"split at the end", Split{At: 32}, ErrToken, []string{"32"}, ""},
	{"split outside", Split{At: 100}, ErrToken, []string{"100"}, ""},
	{"split negative", Split{At: -1}, ErrToken, []string{"-1"}, ""},
	{"merge one token", Merge{Start: 5, End: 8}, ErrToken, []string{"[5,8)", "one token"}, ""},
	{"merge one non-BMP token", Merge{Start: 22, End: 24}, ErrToken, []string{"[22,24)", "one token"}, ""},
	{"merge from inside a token", Merge{Start: 6, End: 11}, ErrToken, []string{"[6,11)"}, ""},
	{"merge to inside a token", Merge{Start: 3, End: 7}, ErrToken, []string{"[3,7)"}, ""},
	{"merge from whitespace", Merge{Start: 15, End: 20}, ErrToken, []string{"[15,20)"}, ""},
	{"merge outside", Merge{Start: 30, End: 40}, ErrToken, []string{"[30,40)"}, ""},
	{"merge negative", Merge{Start: -2, End: 3}, ErrToken, []string{"[-2,3)"}, ""},
	{"merge across a sentence", Merge{Start: 11, End: 15}, ErrToken, []string{"[11,15)", "sentence"}, ""},
	{"merge across two sentences", Merge{Start: 8, End: 15}, ErrToken, []string{"[8,15)", "sentence", "at 12"}, ""},
	{"merge across a sentence gap", Merge{Start: 25, End: 28}, ErrToken, []string{"[25,28)", "sentence"}, ""},
	{"merge cutting a span start", Merge{Start: 3, End: 8}, ErrSpanBoundary, []string{"[3,8)", "2 [5,11) LOC", "河南省西北部", "at 5"}, ""},
	{"merge cutting a span end", Merge{Start: 0, End: 5}, ErrSpanBoundary, []string{"[0,5)", "1 [0,3) GPE", "焦作市", "at 3"}, ""},
	{"merge cutting a span end at a space", Merge{Start: 16, End: 22}, ErrSpanBoundary, []string{"3 [12,20) GPE", "New York", "at 20"}, ""},
	{"merge cutting a non-BMP span", Merge{Start: 22, End: 26}, ErrSpanBoundary, []string{"4 [23,25) MISC", "😀好"}, ""},
	{"merge with a bad POS", Merge{Start: 27, End: 29, POS: "XX"}, ErrPOS, []string{`"XX"`}, ""},
	{"merge empty", Merge{Start: 5, End: 5}, ErrOffsets, []string{"[5,5)"}, ""},
	{"merge empty with POS", Merge{Start: 5, End: 5, POS: "n"}, ErrOffsets, []string{"[5,5)"}, ""},
	{"merge reversed", Merge{Start: 8, End: 5}, ErrOffsets, []string{"[8,5)"}, ""},
	{"bad status", SetStatus{Status: "finished"}, ErrStatus, []string{`"finished"`}, ""},
	{"empty status", SetStatus{Status: ""}, ErrStatus, []string{`""`}, ""},
	{"status of other case", SetStatus{Status: "Done"}, ErrStatus, []string{`"Done"`}, ""},
	{"empty document label", SetLabels{Labels: []string{"新闻", ""}}, ErrDocLabel, []string{`""`}, ""},
	{"duplicated document label", SetLabels{Labels: []string{"新闻", "checked", "新闻"}}, ErrDocLabel, []string{`"新闻"`, "twice"}, ""},
	{"leading space in document label", SetLabels{Labels: []string{" 新闻"}}, ErrDocLabel, []string{`" 新闻"`, "spaces"}, ""},
	{"trailing space in document label", SetLabels{Labels: []string{"新闻\t"}}, ErrDocLabel, []string{`"新闻\t"`}, ""},
	{"only spaces as document label", SetLabels{Labels: []string{"\u3000"}}, ErrDocLabel, []string{`"\u3000"`}, ""},
	{"batch with one refused edit", Batch{Name: "label all", Edits: []Edit{
		AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}},
		Split{At: 6},
		Merge{Start: 29, End: 32},
		SetLabels{Labels: []string{"ok"}},
		RemoveSpan{ID: 1},
		SetPOS{At: 0, POS: "BAD"},
		SetStatus{Status: StatusDone},
	}}, ErrPOS, []string{"set POS BAD at 0", `"BAD"`}, ""},
	{"batch refused by an earlier edit of it", Batch{Edits: []Edit{
		AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}},
		AddSpan{Span{Layer: "entity", Label: "ORG", Start: 27, End: 29}},
	}}, ErrOverlap, []string{"[27,28) PER", "他"}, ""},
	{"batch splitting a token twice at one place", Batch{Edits: []Edit{Split{At: 6}, Split{At: 6}}}, ErrToken, []string{"6"}, ""},
	{"nested batch", Batch{Edits: []Edit{Split{At: 1}, Batch{Edits: []Edit{Merge{Start: 27, End: 29}, RemoveSpan{ID: 5}}}}}, ErrNoSpan, []string{"span 5"}, ""},
}

func TestEditRefused(t *testing.T) {
	for _, c := range etRefused {
		t.Run(c.name, func(t *testing.T) {
			if c.bug != "" {
				t.Skip("bug: " + c.bug)
			}
			d := etDoc()
			ed := &Editor{Doc: d, Schema: DefaultSchema()}
			before := etStateOf(d)
			entry, err := etApply(ed, c.edit)
			if !errors.Is(err, c.want) {
				t.Fatalf("Apply(%#v) = %v, want an error wrapping %q", c.edit, err, c.want)
			}
			var ee *EditError
			if !errors.As(err, &ee) {
				t.Errorf("error %v is a %T, want *EditError", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "annotate: ") {
				t.Errorf("error %q lacks the package prefix", msg)
			}
			for _, m := range c.mention {
				if !strings.Contains(msg, m) {
					t.Errorf("error %q does not name %q", msg, m)
				}
			}
			if entry != nil {
				t.Errorf("refused edit returned entry %+v", entry)
			}
			if diff := etDiff(etStateOf(d), before); diff != "" {
				t.Errorf("refused edit changed the document: %s", diff)
			}
			if ed.History != nil && (len(ed.History.Done) != 0 || len(ed.History.Undone) != 0) {
				t.Errorf("refused edit left history %d done, %d undone", len(ed.History.Done), len(ed.History.Undone))
			}
			// The editor still works after a refusal.
			if _, err := ed.Apply(SetNote{ID: 1, Note: "after"}); err != nil {
				t.Errorf("edit after a refusal: %v", err)
			}
		})
	}
}

// etTok is a token as the tests expect it.
type etTok struct {
	start, end int
	text, pos  string
	edited     bool
}

// etTokens returns the tokens of d that lie in [from, to) as etToks.
func etTokens(d *Document, from, to int) []etTok {
	var out []etTok
	for _, t := range d.Tokens {
		if t.Start >= from && t.End <= to {
			out = append(out, etTok{t.Start, t.End, t.Text, t.POS, t.Edited})
		}
	}
	return out
}

// etTokenCases are sequences of edits of etDoc with the tokens of [from,
// to) they must leave. No span moves, whatever the edits.
var etTokenCases = []struct {
	name     string
	edits    []Edit
	from, to int
	want     []etTok
}{
	{"split inside a span", []Edit{Split{At: 6}}, 5, 11,
		[]etTok{{5, 6, "河", "n", true}, {6, 8, "南省", "n", true}, {8, 11, "西北部", "n", false}}},
	{"split a token twice", []Edit{Split{At: 6}, Split{At: 7}}, 5, 8,
		[]etTok{{5, 6, "河", "n", true}, {6, 7, "南", "n", true}, {7, 8, "省", "n", true}}},
	{"split keeps POS", []Edit{SetPOS{At: 0, POS: "ns"}, Split{At: 2}}, 0, 3,
		[]etTok{{0, 2, "焦作", "ns", true}, {2, 3, "市", "ns", true}}},
	{"merge exactly covering a span", []Edit{Merge{Start: 5, End: 11}}, 3, 12,
		[]etTok{{3, 5, "位于", "n", false}, {5, 11, "河南省西北部", "n", true}, {11, 12, "。", "w", false}}},
	{"merge with POS", []Edit{Merge{Start: 5, End: 11, POS: "ns"}}, 5, 11,
		[]etTok{{5, 11, "河南省西北部", "ns", true}}},
	{"merge takes the first POS", []Edit{SetPOS{At: 8, POS: "f"}, SetPOS{At: 5, POS: "ns"}, Merge{Start: 5, End: 11}}, 5, 11,
		[]etTok{{5, 11, "河南省西北部", "ns", true}}},
	{"merge four tokens in a sentence", []Edit{Merge{Start: 27, End: 32}}, 26, 32,
		[]etTok{{27, 32, "他说焦作。", "n", true}}},
	{"split then merge back", []Edit{Split{At: 1}, Split{At: 2}, Merge{Start: 0, End: 3}}, 0, 5,
		[]etTok{{0, 3, "焦作市", "n", true}, {3, 5, "位于", "n", false}}},
	{"merge then split inside a span", []Edit{Merge{Start: 5, End: 11}, Split{At: 7}}, 5, 11,
		[]etTok{{5, 7, "河南", "n", true}, {7, 11, "省西北部", "n", true}}},
	{"split a non-BMP token", []Edit{Split{At: 23}}, 21, 26,
		[]etTok{{21, 22, "和", "n", false}, {22, 23, "𠀀", "n", true}, {23, 24, "😀", "n", true}, {24, 25, "好", "n", false}, {25, 26, "。", "w", false}}},
	{"merge non-BMP tokens after a split at a span start", []Edit{Split{At: 23}, Merge{Start: 23, End: 25}}, 22, 25,
		[]etTok{{22, 23, "𠀀", "n", true}, {23, 25, "😀好", "n", true}}},
	{"merge New York across the space", []Edit{Merge{Start: 12, End: 20, POS: "ns"}}, 12, 21,
		[]etTok{{12, 20, "New York", "ns", true}}},
	{"split New York at the space", []Edit{Merge{Start: 12, End: 20}, Split{At: 15}}, 12, 21,
		[]etTok{{12, 15, "New", "eng", true}, {16, 20, "York", "eng", true}}},
	{"split New York after the space", []Edit{Merge{Start: 12, End: 20}, Split{At: 16}}, 12, 21,
		[]etTok{{12, 15, "New", "eng", true}, {16, 20, "York", "eng", true}}},
	{"split New York inside a word", []Edit{Merge{Start: 12, End: 20}, Split{At: 14}}, 12, 21,
		[]etTok{{12, 14, "Ne", "eng", true}, {14, 20, "w York", "eng", true}}},
	{"split New York then at the space", []Edit{Merge{Start: 12, End: 20}, Split{At: 17}, Split{At: 15}}, 12, 21,
		[]etTok{{12, 15, "New", "eng", true}, {16, 17, "Y", "eng", true}, {17, 20, "ork", "eng", true}}},
	{"set POS", []Edit{SetPOS{At: 29, POS: "ns"}}, 29, 31,
		[]etTok{{29, 31, "焦作", "ns", true}}},
	{"batch of splits and merges", []Edit{Batch{Edits: []Edit{Split{At: 30}, Merge{Start: 27, End: 30}, Split{At: 28}}}}, 27, 32,
		[]etTok{{27, 28, "他", "n", true}, {28, 30, "说焦", "n", true}, {30, 31, "作", "n", true}, {31, 32, "。", "w", false}}},
}

func TestEditSplitMergeKeepSpans(t *testing.T) {
	for _, c := range etTokenCases {
		t.Run(c.name, func(t *testing.T) {
			d := etDoc()
			schema := DefaultSchema()
			ed := &Editor{Doc: d, Schema: schema}
			initial := etStateOf(d)
			var states []etState
			for _, e := range c.edits {
				if _, err := ed.Apply(e); err != nil {
					t.Fatalf("Apply(%#v): %v", e, err)
				}
				if err := etCheck(d, schema); err != nil {
					t.Fatalf("after %s: %v", e.Describe(), err)
				}
				states = append(states, etStateOf(d))
			}
			if got := etTokens(d, c.from, c.to); !reflect.DeepEqual(got, c.want) {
				t.Errorf("tokens in [%d,%d):\n got %+v\nwant %+v", c.from, c.to, got, c.want)
			}
			if !reflect.DeepEqual(d.Spans, initial.Spans) {
				t.Errorf("spans moved: %+v, want %+v", d.Spans, initial.Spans)
			}
			for _, s := range d.Spans {
				if want := etDoc().Slice(s.Start, s.End); d.Slice(s.Start, s.End) != want {
					t.Errorf("span %v covers %q, want %q", s, d.Slice(s.Start, s.End), want)
				}
			}
			// Tokens outside [from, to) are untouched.
			for _, tok := range initial.Tokens {
				if tok.End <= c.from || tok.Start >= c.to {
					if i := d.TokenAt(tok.Start); i < 0 || d.Tokens[i] != tok {
						t.Errorf("token %+v outside [%d,%d) changed", tok, c.from, c.to)
					}
				}
			}
			for k := len(states) - 1; k >= 0; k-- {
				if diff := etDiff(etStateOf(d), states[k]); diff != "" {
					t.Fatalf("before undo %d: %s", k, diff)
				}
				if _, err := ed.Undo(); err != nil {
					t.Fatalf("undo %d: %v", k, err)
				}
			}
			if diff := etDiff(etStateOf(d), initial); diff != "" {
				t.Errorf("after undoing all: %s", diff)
			}
			for k := range states {
				if _, err := ed.Redo(); err != nil {
					t.Fatalf("redo %d: %v", k, err)
				}
				if diff := etDiff(etStateOf(d), states[k]); diff != "" {
					t.Fatalf("after redo %d: %s", k, diff)
				}
			}
		})
	}
}

// TestEditSpansNonBMP checks that span offsets are code points, not bytes
// or UTF-16 units, on a text of characters outside the BMP.
func TestEditSpansNonBMP(t *testing.T) {
	d := etBuild("emoji", []string{"😀😀", "𠀀", "字𠀁", "。"})
	d.Spans = nil
	ed := &Editor{Doc: d, Schema: DefaultSchema()}
	cases := []struct {
		name       string
		edit       Edit
		start, end int
		want       string
	}{
		{"emoji", AddSpan{Span{Layer: "entity", Label: "MISC", Start: 1, End: 2}}, 1, 2, "😀"},
		{"extension B", AddSpan{Span{Layer: "entity", Label: "PER", Start: 2, End: 4}}, 2, 4, "𠀀字"},
		{"last", AddSpan{Span{Layer: "entity", Label: "ORG", Start: 4, End: 6}}, 4, 6, "𠀁。"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			entry, err := ed.Apply(c.edit)
			if err != nil {
				t.Fatal(err)
			}
			id := entry.Changes[0].Span.After.ID
			s, ok := d.Span(id)
			if !ok || s.Start != c.start || s.End != c.end || d.Slice(s.Start, s.End) != c.want {
				t.Errorf("span %+v covers %q, want [%d,%d) %q", s, d.Slice(s.Start, s.End), c.start, c.end, c.want)
			}
		})
	}
	if _, err := ed.Apply(AddSpan{Span{Layer: "entity", Label: "PER", Start: 6, End: 7}}); !errors.Is(err, ErrOffsets) || !strings.Contains(err.Error(), "[0,6)") {
		t.Errorf("span past a 6-character text: %v, want ErrOffsets naming [0,6)", err)
	}
	if _, err := ed.Apply(Split{At: 1}); err != nil {
		t.Fatal(err)
	}
	if got := etTokens(d, 0, 2); !reflect.DeepEqual(got, []etTok{{0, 1, "😀", "n", true}, {1, 2, "😀", "n", true}}) {
		t.Errorf("split 😀😀 at 1: %+v", got)
	}
	if err := etCheck(d, ed.Schema); err != nil {
		t.Error(err)
	}
}

// TestEditFirstEditStatus checks that the first edit of a new document
// also makes it "in progress", in the same history step.
func TestEditFirstEditStatus(t *testing.T) {
	cases := []struct {
		name    string
		status  Status
		edit    Edit
		want    Status
		changes int // changes in the entry, status included
	}{
		{"add span", StatusNew, AddSpan{Span{Layer: "entity", Label: "PER", Start: 27, End: 28}}, StatusInProgress, 2},
		{"remove span", StatusNew, RemoveSpan{ID: 2}, StatusInProgress, 2},
		{"relabel", StatusNew, RelabelSpan{ID: 1, Label: "LOC"}, StatusInProgress, 2},
		{"note", StatusNew, SetNote{ID: 1, Note: "n"}, StatusInProgress, 2},
		{"origin", StatusNew, SetOrigin{ID: 3, Origin: OriginManual}, StatusInProgress, 2},
		{"POS", StatusNew, SetPOS{At: 0, POS: "ns"}, StatusInProgress, 2},
		{"split", StatusNew, Split{At: 1}, StatusInProgress, 2},
		{"merge", StatusNew, Merge{Start: 27, End: 29}, StatusInProgress, 2},
		{"labels", StatusNew, SetLabels{Labels: []string{"新闻"}}, StatusInProgress, 2},
		{"batch", StatusNew, Batch{Edits: []Edit{Split{At: 1}, SetNote{ID: 1, Note: "n"}}}, StatusInProgress, 3},
		{"empty status is new", "", Split{At: 1}, StatusInProgress, 2},
		{"set status done", StatusNew, SetStatus{Status: StatusDone}, StatusDone, 1},
		{"set status new", StatusNew, SetStatus{Status: StatusNew}, StatusNew, 1},
		{"batch setting done", StatusNew, Batch{Edits: []Edit{Split{At: 1}, SetStatus{Status: StatusDone}}}, StatusDone, 2},
		{"already in progress", StatusInProgress, Split{At: 1}, StatusInProgress, 1},
		{"done stays done", StatusDone, Split{At: 1}, StatusDone, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := etDoc()
			d.Status = c.status
			ed := &Editor{Doc: d, Schema: DefaultSchema()}
			before := etStateOf(d)
			entry, err := ed.Apply(c.edit)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != c.want {
				t.Errorf("status %q, want %q", d.Status, c.want)
			}
			if len(entry.Changes) != c.changes {
				t.Errorf("entry has %d changes, want %d: %+v", len(entry.Changes), c.changes, entry.Changes)
			}
			if len(ed.History.Done) != 1 {
				t.Errorf("%d history steps, want 1", len(ed.History.Done))
			}
			after := etStateOf(d)
			if _, err := ed.Undo(); err != nil {
				t.Fatal(err)
			}
			if diff := etDiff(etStateOf(d), before); diff != "" {
				t.Errorf("after undo: %s", diff)
			}
			if _, err := ed.Redo(); err != nil {
				t.Fatal(err)
			}
			if diff := etDiff(etStateOf(d), after); diff != "" {
				t.Errorf("after redo: %s", diff)
			}
		})
	}
	t.Run("refused edit keeps new", func(t *testing.T) {
		d := etDoc()
		ed := &Editor{Doc: d, Schema: DefaultSchema()}
		if _, err := ed.Apply(Split{At: 0}); err == nil {
			t.Fatal("split at 0 accepted")
		}
		if d.Status != StatusNew {
			t.Errorf("status %q after a refused edit, want new", d.Status)
		}
	})
	t.Run("empty batch is no step", func(t *testing.T) {
		d := etDoc()
		ed := &Editor{Doc: d, Schema: DefaultSchema()}
		entry, err := ed.Apply(Batch{Name: "nothing"})
		if entry != nil || err != nil || d.Status != StatusNew || (ed.History != nil && len(ed.History.Done) != 0) {
			t.Errorf("empty batch: entry %+v, err %v, status %q", entry, err, d.Status)
		}
	})
}

// TestEditSpans checks the span edits: IDs, defaults, what they change.
func TestEditSpans(t *testing.T) {
	cases := []struct {
		name  string
		edit  Edit
		id    int64 // the span to look at afterwards
		want  Span
		gone  bool
		count int
	}{
		{"add", AddSpan{Span{ID: 1, Layer: "entity", Label: "PER", Start: 27, End: 28}}, 5,
			Span{ID: 5, Layer: "entity", Label: "PER", Start: 27, End: 28, Origin: OriginManual, Annotator: "lin"}, false, 5},
		{"add suggested by another", AddSpan{Span{Layer: "entity", Label: "GPE", Start: 29, End: 31, Origin: OriginSuggested, Annotator: "wang", Note: "?"}}, 5,
			Span{ID: 5, Layer: "entity", Label: "GPE", Start: 29, End: 31, Origin: OriginSuggested, Annotator: "wang", Note: "?"}, false, 5},
		{"add touching spans", AddSpan{Span{Layer: "entity", Label: "ORG", Start: 3, End: 5}}, 5,
			Span{ID: 5, Layer: "entity", Label: "ORG", Start: 3, End: 5, Origin: OriginManual, Annotator: "lin"}, false, 5},
		{"remove", RemoveSpan{ID: 2}, 2, Span{}, true, 3},
		{"relabel", RelabelSpan{ID: 3, Label: "LOC"}, 3,
			Span{ID: 3, Layer: "entity", Label: "LOC", Start: 12, End: 20, Origin: OriginSuggested}, false, 4},
		{"note", SetNote{ID: 4, Note: "表情"}, 4,
			Span{ID: 4, Layer: "entity", Label: "MISC", Start: 23, End: 25, Origin: OriginManual, Note: "表情"}, false, 4},
		{"accept", SetOrigin{ID: 3, Origin: OriginManual}, 3,
			Span{ID: 3, Layer: "entity", Label: "GPE", Start: 12, End: 20, Origin: OriginManual}, false, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := etDoc()
			ed := &Editor{Doc: d, Schema: DefaultSchema(), Annotator: "lin"}
			before := etStateOf(d)
			if _, err := ed.Apply(c.edit); err != nil {
				t.Fatal(err)
			}
			got, ok := d.Span(c.id)
			if c.gone && ok {
				t.Errorf("span %d still there: %+v", c.id, got)
			}
			if !c.gone && got != c.want {
				t.Errorf("span %d is %+v, want %+v", c.id, got, c.want)
			}
			if len(d.Spans) != c.count {
				t.Errorf("%d spans, want %d", len(d.Spans), c.count)
			}
			if !reflect.DeepEqual(d.Tokens, before.Tokens) {
				t.Error("a span edit changed the tokens")
			}
			if err := etCheck(d, ed.Schema); err != nil {
				t.Error(err)
			}
			if _, err := ed.Undo(); err != nil {
				t.Fatal(err)
			}
			if diff := etDiff(etStateOf(d), before); diff != "" {
				t.Errorf("after undo: %s", diff)
			}
		})
	}
}

// TestEditBatch checks that a batch is one step that undoes as one.
func TestEditBatch(t *testing.T) {
	d := etDoc()
	ed := &Editor{Doc: d, Schema: DefaultSchema()}
	before := etStateOf(d)
	b := Batch{Name: "label all 焦作", Edits: []Edit{
		AddSpan{Span{Layer: "entity", Label: "GPE", Start: 29, End: 31}},
		RelabelSpan{ID: 1, Label: "LOC"},
		Split{At: 30},
		Merge{Start: 27, End: 29},
		SetLabels{Labels: []string{"焦作"}},
		SetStatus{Status: StatusDone},
	}}
	entry, err := ed.Apply(b)
	if err != nil {
		t.Fatal(err)
	}
	if entry.Name != "label all 焦作" || len(ed.History.Done) != 1 {
		t.Errorf("entry %q, %d steps; want one step named after the batch", entry.Name, len(ed.History.Done))
	}
	if d.Status != StatusDone || !slices.Equal(d.Labels, []string{"焦作"}) || len(d.Spans) != 5 {
		t.Errorf("after the batch: status %q, labels %q, %d spans", d.Status, d.Labels, len(d.Spans))
	}
	if got := etTokens(d, 27, 32); !reflect.DeepEqual(got, []etTok{{27, 29, "他说", "n", true}, {29, 30, "焦", "n", true}, {30, 31, "作", "n", true}, {31, 32, "。", "w", false}}) {
		t.Errorf("tokens %+v", got)
	}
	if err := etCheck(d, ed.Schema); err != nil {
		t.Error(err)
	}
	after := etStateOf(d)
	if _, err := ed.Undo(); err != nil {
		t.Fatal(err)
	}
	if diff := etDiff(etStateOf(d), before); diff != "" {
		t.Errorf("after undo: %s", diff)
	}
	if _, err := ed.Redo(); err != nil {
		t.Fatal(err)
	}
	if diff := etDiff(etStateOf(d), after); diff != "" {
		t.Errorf("after redo: %s", diff)
	}
}

// TestEditChangeInverse checks that every kind of Change inverts to
// itself twice.
func TestEditChangeInverse(t *testing.T) {
	s := &Span{ID: 1, Label: "PER"}
	cases := []struct {
		name string
		c    Change
	}{
		{"tokens", Change{Tokens: &TokensChange{Start: 1, End: 3, Before: []text.Token{{Start: 1, End: 3}}, After: []text.Token{{Start: 1, End: 2}, {Start: 2, End: 3}}}}},
		{"add span", Change{Span: &SpanChange{After: s}}},
		{"remove span", Change{Span: &SpanChange{Before: s}}},
		{"status", Change{Status: &StatusChange{Before: StatusNew, After: StatusDone}}},
		{"labels", Change{Labels: &LabelsChange{Before: nil, After: []string{"a"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := c.c.Inverse()
			if reflect.DeepEqual(inv, c.c) {
				t.Errorf("Inverse(%+v) is itself", c.c)
			}
			if got := inv.Inverse(); !reflect.DeepEqual(got, c.c) {
				t.Errorf("Inverse(Inverse(c)) = %+v, want %+v", got, c.c)
			}
		})
	}
}
