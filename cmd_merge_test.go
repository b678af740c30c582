package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/agree"
)

// TestAssignAgreeMergeExport is the whole round: import three texts
// (dialogue, a list, a table), hand them out to three annotators with
// overlap 2 (each document to two, each annotator two documents), annotate
// each copy through the model (the second annotator of the dialogue
// labels 上海 ORG where the first says LOC; zhao never opens her second
// document), measure agreement, merge
// with -accept agreed, curate (the disagreement on 上海 decided for LOC),
// and export the gold: exactly the spans both annotators who worked on a
// document agree on and the one decided, in the curated layer.
func TestAssignAgreeMergeExport(t *testing.T) {
	dir := t.TempDir()
	texts := map[string]string{
		"dialogue.txt": "甲：你明天去北京吗？\n乙：不去，我去上海看张伟。\n",
		"list.txt":     "购物清单：\n1. 苹果三斤\n2. 王府井的烤鸭\n3. 给李娜买书\n",
		"table.txt":    "城市\t人口\n广州\t一千八百万\n深圳\t一千七百万\n",
	}
	truth := map[string][][2]string{ // document → (text, label)
		"dialogue.txt": {{"北京", "LOC"}, {"上海", "LOC"}, {"张伟", "PER"}},
		"list.txt":     {{"王府井", "LOC"}, {"李娜", "PER"}},
		"table.txt":    {{"广州", "LOC"}, {"深圳", "LOC"}},
	}
	var files []string
	for name, txt := range texts {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(txt), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	slices.Sort(files)
	mainProject := filepath.Join(dir, "corpus.biaozhu")
	if r := biaozhu(t, nil, append([]string{"import", "-p", mainProject}, files...)...); r.code != 0 {
		t.Fatalf("import: exit %d, %s", r.code, r.stderr)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	r := biaozhu(t, nil, "assign", "-p", mainProject, "-annotators", "lin,wang,zhao", "-overlap", "2", "-seed", "7", "-o", out)
	if r.code != 0 {
		t.Fatalf("assign: exit %d, %s", r.code, r.stderr)
	}
	// Annotate each copy through the model.
	holders := map[string][]string{} // document → annotators who worked on it
	var copies []string
	for _, who := range []string{"lin", "wang", "zhao"} {
		path := filepath.Join(out, "corpus-"+who+".biaozhu")
		copies = append(copies, path)
		p, err := annotate.Open(path, annotate.Options{NoBackup: true})
		if err != nil {
			t.Fatal(err)
		}
		name, err := p.HandedTo()
		if err != nil || name != who {
			t.Fatalf("%s: HandedTo() = %q, %v; want %q", path, name, err, who)
		}
		p.SetAnnotator(name)
		list, err := p.Documents()
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Errorf("%s has %d documents, want 2 (3 documents × overlap 2 / 3 annotators)", path, len(list))
		}
		for i, s := range list {
			if s.Status != annotate.StatusNew {
				t.Errorf("%s: document %q is %s, want new", path, s.Name, s.Status)
			}
			if who == "zhao" && i == 1 {
				continue // never opened
			}
			d, err := p.Document(s.ID)
			if err != nil {
				t.Fatal(err)
			}
			doc := filepath.Base(d.Source)
			holders[doc] = append(holders[doc], who)
			for _, tl := range truth[doc] {
				label := tl[1]
				if tl[0] == "上海" && len(holders[doc]) == 2 {
					label = "ORG" // the second annotator of the dialogue disagrees
				}
				b := strings.Index(d.Text, tl[0])
				start := utf8.RuneCountInString(d.Text[:b])
				if _, err := p.Apply(s.ID, annotate.AddSpan{Span: annotate.Span{Layer: "entity", Label: label, Start: start, End: start + utf8.RuneCountInString(tl[0])}}); err != nil {
					t.Fatalf("%s: %s: add %v: %v", path, doc, tl, err)
				}
			}
			if _, err := p.Apply(s.ID, annotate.SetStatus{Status: annotate.StatusDone}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	measured := 0
	for _, h := range holders {
		if len(h) >= 2 {
			measured++
		}
	}
	r = biaozhu(t, nil, append([]string{"agree", "-format", "json"}, copies...)...)
	var rep struct {
		Documents int `json:"documents"`
		Layers    map[string]struct {
			Pairs []struct {
				A, B      string
				Documents int
				F1Exact   *float64 `json:"f1_exact"`
			} `json:"pairs"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 {
		t.Fatalf("agree: exit %d, %v, stderr %q", r.code, err, r.stderr)
	}
	if rep.Documents != measured || len(rep.Layers["entity"].Pairs) != 3 {
		t.Errorf("agree: %d documents, %d pairs; want %d, 3", rep.Documents, len(rep.Layers["entity"].Pairs), measured)
	}

	gold := filepath.Join(dir, "gold.biaozhu")
	r = biaozhu(t, nil, append([]string{"merge", "-o", gold, "-accept", "agreed"}, copies...)...)
	if r.code != 0 {
		t.Fatalf("merge: exit %d, %s", r.code, r.stderr)
	}
	if r = biaozhu(t, nil, append([]string{"merge", "-o", gold}, copies...)...); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("merge onto an existing file: exit %d, %q; want 1, already exists", r.code, r.stderr)
	}
	// Curate: where wang said ORG for 上海, take the other annotator's LOC
	// (one step through the model, as the curation view makes it).
	curatedBy := map[string]string{} // document → whose 上海 was taken
	{
		p, err := annotate.Open(gold, annotate.Options{NoBackup: true, Annotator: "lead"})
		if err != nil {
			t.Fatal(err)
		}
		cur, err := p.Curation()
		if err != nil || cur == nil {
			t.Fatalf("Curation() = %v, %v", cur, err)
		}
		list, _ := p.Documents()
		for _, s := range list {
			d, err := p.Document(s.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, dc := range agree.Decisions(d, cur) {
				if dc.Decided || d.Slice(dc.Start, dc.End) != "上海" {
					continue
				}
				for a, v := range dc.Versions {
					if len(v) > 0 && v[0].Label == "LOC" {
						if _, err := p.Apply(s.ID, agree.DecideVersion(dc, cur, a, "lead")); err != nil {
							t.Fatal(err)
						}
						curatedBy[s.Name] = cur.Annotators[a]
						break
					}
				}
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(curatedBy) == 0 {
		t.Error("no disagreement was curated: the plan (seed 7) gives the dialogue to fewer than two annotators who work on it")
	}
	csvOut := filepath.Join(dir, "gold.csv")
	if r = biaozhu(t, nil, "export", "-p", gold, "-f", "csv-spans", "-o", csvOut); r.code != 0 {
		t.Fatalf("export: exit %d, %s", r.code, r.stderr)
	}
	f, err := os.Open(csvOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, row := range rows[1:] { // doc_id doc_name span_id layer label start end text note annotator origin
		got = append(got, row[1]+" "+row[3]+" "+row[4]+" "+row[7]+" "+row[9])
	}
	for doc, h := range holders {
		if len(h) < 2 {
			continue
		}
		for _, tl := range truth[doc] {
			if tl[0] == "上海" {
				if curatedBy[doc] != h[0] {
					t.Errorf("%s: 上海 was decided for %q, want %s's LOC", doc, curatedBy[doc], h[0])
				}
				want = append(want, doc+" entity LOC 上海 "+curatedBy[doc])
				continue
			}
			want = append(want, doc+" entity "+tl[1]+" "+tl[0]+" "+strings.Join(h, ","))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("gold export:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The annotators' layers are there, on request.
	if r = biaozhu(t, nil, "export", "-p", gold, "-f", "csv-spans", "-layers", "entity@wang", "-o", filepath.Join(dir, "wang.csv")); r.code != 0 {
		t.Errorf("export -layers entity@wang: exit %d, %s", r.code, r.stderr)
	}
}
