package export

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// spanKeys lists spans as comparable values: label, offsets, note.
func spanKeys(spans []annotate.Span) []annotate.Span {
	out := make([]annotate.Span, len(spans))
	for i, sp := range spans {
		out[i] = annotate.Span{Label: sp.Label, Start: sp.Start, End: sp.End, Note: sp.Note}
	}
	slices.SortFunc(out, func(a, b annotate.Span) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return b.End - a.End
		}
		return strings.Compare(a.Label, b.Label)
	})
	return out
}

func TestBratRoundTrip(t *testing.T) {
	for _, out := range []string{"coll", "coll.zip"} {
		t.Run(out, func(t *testing.T) {
			docs := tagTestDocs(t)
			dest := filepath.Join(t.TempDir(), out)
			res, err := Export(context.Background(), NewCorpus(tagTestSchema(), docs), "brat", dest, Options{})
			if err != nil {
				t.Fatalf("Export() error = %v", err)
			}
			if !hasWarning(res.Warnings, "cross a line break") {
				t.Errorf("no warning about the span across a line: %v", res.Warnings)
			}
			if out == "coll" {
				ann, err := os.ReadFile(filepath.Join(dest, "0001-焦作_news.ann"))
				if err != nil {
					t.Fatal(err)
				}
				for _, line := range []string{"T1\tPER 0 2\t𠀀家\n", "T3\tMISC 6 7\t😀\n#2\tAnnotatorNotes T3\temoji 😀\n",
					"T8\tMISC 16 17;18 19\t。 李\n#5\tAnnotatorNotes T8\tacross a line\n"} {
					if !strings.Contains(string(ann), line) {
						t.Errorf(".ann lacks %q:\n%s", line, ann)
					}
				}
				conf, _ := os.ReadFile(filepath.Join(dest, "annotation.conf"))
				if !strings.HasPrefix(string(conf), "[entities]\n!entity\n\tPER\n\tLOC\n") {
					t.Errorf("annotation.conf =\n%s", conf)
				}
			}
			im := readAs(t, "brat", dest, ReadOptions{})
			if len(im.Docs) != 2 {
				t.Fatalf("read %d documents, want 2", len(im.Docs))
			}
			for i, d := range im.Docs {
				if d.Text != docs[i].Text {
					t.Errorf("document %d text = %q, want %q", i+1, d.Text, docs[i].Text)
				}
				if got, want := spanKeys(d.Spans), spanKeys(docs[i].Spans); !reflect.DeepEqual(got, want) {
					t.Errorf("document %d spans =\n%v\nwant\n%v", i+1, got, want)
				}
			}
			if got, want := im.Docs[0].Name, docs[0].Name; got != want {
				t.Errorf("name = %q, want %q (the document's, from %s)", got, want, bratMetaFile)
			}
		})
	}
}

func TestBratWriteOddities(t *testing.T) {
	text := "a\nb c"
	doc := &annotate.Document{Name: "../x y", Text: text, Spans: []annotate.Span{
		{ID: 1, Layer: "entity", Label: "my label", Start: 0, End: 5, Note: "two\nlines"},
		{ID: 2, Layer: "entity", Label: "LOC", Start: 1, End: 2},
	}}
	schema := tagTestSchema()
	schema.Layers[0].Labels = append(schema.Layers[0].Labels, annotate.Label{Name: "my label", Color: "#123456"})
	dest := filepath.Join(t.TempDir(), "c")
	res, err := Export(context.Background(), NewCorpus(schema, []*annotate.Document{doc}), "brat", dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ann, _ := os.ReadFile(filepath.Join(dest, "0001-.._x_y.ann"))
	want := "T1\tmy_label 0 1;2 5\ta b c\n#1\tAnnotatorNotes T1\ttwo lines\nT2\tLOC 1 2\t \n"
	if string(ann) != want {
		t.Errorf(".ann =\n%q\nwant\n%q", ann, want)
	}
	for _, w := range []string{`my label (entity) as my_label`, "note has line breaks", "line breaks only"} {
		if !hasWarning(res.Warnings, w) {
			t.Errorf("no warning %q in %v", w, res.Warnings)
		}
	}
	vis, _ := os.ReadFile(filepath.Join(dest, "visual.conf"))
	if !strings.Contains(string(vis), "my_label\tbgColor:#123456\n") {
		t.Errorf("visual.conf =\n%s", vis)
	}
}

func TestBratRead(t *testing.T) {
	dir := t.TempDir()
	txt := "North and South America 😀 is\nbig."
	ann := "T1\tLocation 0 5;16 23\tNorth America\n" +
		"T2\tLocation 10 15\tSouth\n" +
		"#1\tAnnotatorNotes T2\tsouthern\n" +
		"T3\tThing 24 25\t😀\n" +
		"T4\tThing 26 28;29 32\tis big\n" +
		"R1\tNear Arg1:T1 Arg2:T2\n" +
		"A1\tNegated T2\n" +
		"#2\tAnnotatorNotes R1\tabout a relation\n"
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte(txt), 0o644)
	os.WriteFile(filepath.Join(dir, "a.ann"), []byte(ann), 0o644)
	for _, path := range []string{filepath.Join(dir, "a.ann"), filepath.Join(dir, "a.txt"), dir} {
		im := readAs(t, "brat", path, ReadOptions{})
		if len(im.Docs) != 1 {
			t.Fatalf("%s: %d documents, want 1", path, len(im.Docs))
		}
		got := spanKeys(im.Docs[0].Spans)
		want := []annotate.Span{
			{Label: "Location", Start: 0, End: 5, Note: "part of T1 (fragment 1 of 2)"},
			{Label: "Location", Start: 10, End: 15, Note: "southern"},
			{Label: "Location", Start: 16, End: 23, Note: "part of T1 (fragment 2 of 2)"},
			{Label: "Thing", Start: 24, End: 25},
			{Label: "Thing", Start: 26, End: 32},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: spans =\n%v\nwant\n%v", path, got, want)
		}
		// R1 links T1 (its first fragment, span 1) to T2 (span 3: T1's
		// second fragment is 2), with its note.
		wantRels := []annotate.Relation{{Layer: BratRelationLayer, Type: "Near", From: 1, To: 3, Note: "about a relation"}}
		if got := im.Docs[0].Relations; !reflect.DeepEqual(got, wantRels) {
			t.Errorf("%s: relations = %+v, want %+v", path, got, wantRels)
		}
		for _, sp := range im.Docs[0].Spans {
			if sp.ID == 1 && sp.Start != 0 || sp.ID == 3 && sp.Start != 10 {
				t.Errorf("%s: span %d starts at %d; the relation's ends are 1 [0,5) and 3 [10,15)", path, sp.ID, sp.Start)
			}
		}
		all := strings.Join(im.Warnings, "\n")
		if strings.Contains(all, "relations") || strings.Contains(all, "notes on other") {
			t.Errorf("%s: warnings %q say relations or their notes were skipped", path, im.Warnings)
		}
		for _, w := range []string{"1 discontinuous", "1 attributes"} {
			if !strings.Contains(all, w) {
				t.Errorf("%s: warnings %q lack %q", path, im.Warnings, w)
			}
		}
	}
}

// bratBadCases are malformed .ann lines (for the text "焦作市𠀀长"), the
// line named and what the error says.
var bratBadCases = []struct {
	name, ann string
	line      int
	msg       string
}{
	{"text mismatch", "T1\tLOC 0 3\t焦作市\nT2\tPER 3 5\t𠀀市\n", 2, `text "𠀀市" is not the .txt at its offsets, "𠀀长"`},
	{"out of range", "T1\tLOC 0 9\t焦作市\n", 1, "out of range (the text has 5 characters)"},
	{"reversed", "\nT1\tLOC 3 0\t焦作市\n", 2, "reversed"},
	{"truncated", "T1\tLOC 0 3\t焦作市\nT2\tLOC 0\n", 2, "want"},
	{"not numbers", "T1\tLOC 0 x\t焦\n", 1, "not numbers"},
	{"no tab", "T1 LOC 0 3 焦作市\n", 1, "no TAB"},
	{"unknown kind", "X1\tfoo\n", 1, "unknown annotation kind"},
	{"duplicate ID", "T1\tLOC 0 3\t焦作市\nT1\tLOC 0 3\t焦作市\n", 2, "appears twice"},
}

func TestBratBadInput(t *testing.T) {
	for _, tt := range bratBadCases {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "d.txt"), []byte("焦作市𠀀长"), 0o644)
			annPath := filepath.Join(dir, "d.ann")
			os.WriteFile(annPath, []byte(tt.ann), 0o644)
			r, _ := LookupReader("brat")
			_, err := r.Read(annPath, ReadOptions{})
			var re *RecordError
			if !errors.As(err, &re) || re.File != annPath || re.Line != tt.line || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Read() error = %v, want a *RecordError at %s:%d saying %q", err, annPath, tt.line, tt.msg)
			}
			im, err := r.Read(annPath, ReadOptions{SkipBad: true})
			if err != nil || len(im.Skipped) != 1 || len(im.Docs) != 1 {
				t.Fatalf("Read(SkipBad) = %+v, %v; want the document and one skipped line", im, err)
			}
		})
	}
	t.Run("ann without txt", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "lonely.ann"), []byte("T1\tLOC 0 1\tx\n"), 0o644)
		r, _ := LookupReader("brat")
		if _, err := r.Read(filepath.Join(dir, "lonely.ann"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "lonely") {
			t.Errorf("Read() error = %v, want one naming lonely.ann", err)
		}
	})
	t.Run("not a zip", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.zip")
		os.WriteFile(path, []byte("PK garbage"), 0o644)
		r, _ := LookupReader("brat")
		if _, err := r.Read(path, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "x.zip") {
			t.Errorf("Read() error = %v, want one naming x.zip", err)
		}
	})
}

func FuzzReadBrat(f *testing.F) {
	for _, tt := range bratBadCases {
		f.Add(tt.ann)
	}
	f.Add("T1\tLOC 0 1;2 3\t焦 市\n#1\tAnnotatorNotes T1\tn\n")
	f.Fuzz(func(t *testing.T, ann string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "d.txt"), []byte("焦作市𠀀长"), 0o644)
		os.WriteFile(filepath.Join(dir, "d.ann"), []byte(ann), 0o644)
		r, _ := LookupReader("brat")
		im, err := r.Read(dir, ReadOptions{SkipBad: true})
		if err != nil {
			return
		}
		for _, d := range im.Docs {
			for _, sp := range d.Spans {
				if sp.Start < 0 || sp.End > 5 || sp.Start >= sp.End {
					t.Fatalf("span %+v outside the text", sp)
				}
			}
		}
	})
}

// TestBratDisplays: visual.conf's display name is taken as the name a
// type stands for only where the brat export made the type from it.
func TestBratDisplays(t *testing.T) {
	visual := "[labels]\nL_6A5F_69CB | 機構\nL_6A5F_69CB-2 | 機構 | 機\nL_4EBA_20_540D | 人 名\nORG | Organization | Org\n" +
		"per | per\nX-2x | X\nentity_layer | entity layer\n\n[drawing]\nL_4EBA_540D | 人名\n"
	want := map[string]string{"L_6A5F_69CB": "機構", "L_6A5F_69CB-2": "機構", "L_4EBA_20_540D": "人 名", "entity_layer": "entity layer"}
	if got := bratDisplays([]byte(visual)); !maps.Equal(got, want) {
		t.Errorf("bratDisplays() = %q, want %q", got, want)
	}
}
