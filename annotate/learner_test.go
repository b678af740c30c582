package annotate

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/assets"
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
			want, notWant []testkit.Want
		}{
			{"我看見馬冬梅了", []testkit.Want{{Text: "馬冬梅", Start: 3}}, nil},
			{"這一個問題", []testkit.Want{{Text: "一", Start: 1}, {Text: "個", Start: 2}}, nil},
			{"他在焦作網工作", nil, []testkit.Want{{Text: "焦作網", Start: 3}}},
			{"一棵蘋果樹", []testkit.Want{{Text: "蘋果樹", Start: 2, POS: "n"}}, nil},
		} {
			got := l.Segment(tc.text)
			testkit.CheckTokens(t, tc.text, got, kitToken)
			testkit.CheckWant(t, tc.text, got, tc.want, tc.notWant, kitToken)
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

// TestProjectLearnerMeant is the working stretch of issue 18 on the seed
// article: the annotator merges 徐|衣|顯 where it first occurs, tags a POS
// in a sentence where it occurs again (left cut, untouched), labels 冬春
// inside 冬春季 as TIME (which splits the token, for the span) and splits
// 檢查指導 on purpose. The Learner learns what the annotator meant: 徐衣顯
// is a word (before, the untouched occurrence counted against it, and the
// other occurrences stayed 徐|衣|顯), 檢查 and 指導 are pieces of a split,
// 檢查指導 is stopped, and the label's split teaches nothing (before, 冬春
// was listed among the words merges taught and 冬春季 stopped).
func TestProjectLearnerMeant(t *testing.T) {
	seg := segmenterForTest(t)
	p, _ := newTestProject(t, Options{NoBackup: true})
	res, err := text.Process(assets.DemoName, assets.DemoArticle, seg, text.DefaultCleanOptions())
	if err != nil {
		t.Fatal(err)
	}
	doc := NewDocument(res)
	if err := p.AddDocument(doc); err != nil {
		t.Fatal(err)
	}
	// find returns the offsets of the n-th occurrence of s in the text,
	// and checks that the tokens there are want ("|" between them).
	find := func(s string, n int, want string) (int, int) {
		t.Helper()
		runes := []rune(doc.Text)
		sr := []rune(s)
		for i := 0; i+len(sr) <= len(runes); i++ {
			if string(runes[i:i+len(sr)]) != s {
				continue
			}
			if n--; n > 0 {
				continue
			}
			var got []string
			for _, tok := range doc.Tokens {
				if tok.Start >= i && tok.End <= i+len(sr) {
					got = append(got, doc.Slice(tok.Start, tok.End))
				}
			}
			if strings.Join(got, "|") != want {
				t.Fatalf("%s (occurrence %d) is segmented %q, want %q", s, n, strings.Join(got, "|"), want)
			}
			return i, i + len(sr)
		}
		t.Fatalf("no occurrence %d of %s", n, s)
		return 0, 0
	}
	apply := func(e Edit) {
		t.Helper()
		if _, err := p.Apply(doc.ID, e); err != nil {
			t.Fatalf("Apply(%s): %v", e.Describe(), err)
		}
		d, err := p.Document(doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		doc = d
	}
	s, e := find("徐衣顯", 1, "徐|衣|顯")
	apply(Merge{Start: s, End: e})
	s, _ = find("詳細", 1, "詳細")
	apply(SetPOS{At: s, POS: "a"}) // the second 徐|衣|顯's sentence is learnt
	find("徐衣顯", 2, "徐|衣|顯")
	s, _ = find("冬春季", 1, "冬春季")
	apply(Batch{Name: "label TIME", Edits: []Edit{Split{At: s + 2}, AddSpan{Span: Span{Layer: "entity", Label: "TIME", Start: s, End: s + 2}}}})
	s, _ = find("檢查指導", 1, "檢查指導")
	apply(Split{At: s + 2})

	l, err := p.Learner(seg)
	if err != nil {
		t.Fatal(err)
	}
	got := l.WordLists()
	want := text.WordLists{Merged: []string{"徐衣顯"}, Pieces: []string{"指導", "檢查"}, Stopped: []string{"檢查指導"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WordLists() = %+v, want %+v", got, want)
	}
	// Re-segmenting: the third 徐衣顯 (in a sentence not learnt) is one
	// token, 冬春季 elsewhere stays one.
	for _, tc := range []struct{ sentence, word string }{
		{"在中州社區衛生服務中心，徐衣顯深入登記室", "徐衣顯"},
		{"做好冬春季疫情防控工作", "冬春季"},
	} {
		var toks []string
		found := false
		for _, tok := range l.Segment(tc.sentence) {
			w := []rune(tc.sentence)[tok.Start:tok.End]
			toks = append(toks, string(w))
			found = found || string(w) == tc.word
		}
		if !found {
			t.Errorf("Segment(%s) = %q, want a token %s", tc.sentence, toks, tc.word)
		}
	}
}
