package annotate

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/text"
)

func TestProjectLearner(t *testing.T) {
	seg := segmenterForTest(t)
	path := filepath.Join(t.TempDir(), "learn.biaozhu")
	p, err := Create(path, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { p.Close() }()
	add := func(name, src string) *Document {
		t.Helper()
		res, err := text.Process(name, []byte(src), seg, text.CleanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		doc := NewDocument(res)
		if err := p.AddDocument(doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}
	edited := add("a.txt", "馬冬梅說。我有一個蘋果。焦作網記者報道。")
	add("b.txt", "馬冬梅說。") // untouched: not learnt
	apply := func(e Edit) {
		t.Helper()
		if _, err := p.Apply(edited.ID, e); err != nil {
			t.Fatalf("Apply(%v): %v", e.Describe(), err)
		}
	}
	apply(Merge{Start: 0, End: 2})               // 馬 冬 → 馬冬
	apply(Merge{Start: 0, End: 3})               // 馬冬 梅 → 馬冬梅
	apply(Split{At: 8})                          // 一個 → 一 個
	apply(Merge{Start: 12, End: 15})             // 焦作 網 → 焦作網
	if _, err := p.Undo(edited.ID); err != nil { // the last merge is undone: not learnt
		t.Fatal(err)
	}
	if err := p.AddWord(DictWord{Word: "蘋果樹", POS: "n"}); err != nil {
		t.Fatal(err)
	}

	check := func(t *testing.T, p *Project) {
		l, err := p.Learner(seg)
		if err != nil {
			t.Fatalf("Learner() error = %v", err)
		}
		added, stopped := l.Words()
		if want := []string{"蘋果樹", "馬冬梅"}; !reflect.DeepEqual(added, want) {
			t.Errorf("Words() added = %q, want %q", added, want)
		}
		if want := []string{"一個"}; !reflect.DeepEqual(stopped, want) {
			t.Errorf("Words() stopped = %q, want %q", stopped, want)
		}
		for _, tc := range []struct {
			text          string
			want, notWant []wantTok
		}{
			{"我看見馬冬梅了", []wantTok{{"馬冬梅", 3, ""}}, nil},
			{"這一個問題", []wantTok{{"一", 1, ""}, {"個", 2, ""}}, nil},
			{"他在焦作網工作", nil, []wantTok{{"焦作網", 3, ""}}},
			{"一棵蘋果樹", []wantTok{{"蘋果樹", 2, "n"}}, nil},
		} {
			got := l.Segment(tc.text)
			checkTokens(t, tc.text, got)
			for _, w := range tc.want {
				if !hasToken(got, w) {
					t.Errorf("Segment(%q) = %v, want a token %q at %d", tc.text, got, w.text, w.start)
				}
			}
			for _, w := range tc.notWant {
				if hasToken(got, w) {
					t.Errorf("Segment(%q) = %v, want no token %q at %d", tc.text, got, w.text, w.start)
				}
			}
		}
	}
	t.Run("open", func(t *testing.T) { check(t, p) })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("reopened", func(t *testing.T) { check(t, p) })
}
