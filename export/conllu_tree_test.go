package export

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// lineDiff says where got and want first differ, line by line, with a few
// lines of each around it; "" when they are the same.
func lineDiff(got, want []byte) string {
	if bytes.Equal(got, want) {
		return ""
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d lines, want %d; first difference at line %d:\n", len(g), len(w), i+1)
	for k := max(0, i-2); k < min(len(w), i+4); k++ {
		fmt.Fprintf(&b, "  want %4d: %q\n", k+1, w[k])
	}
	for k := max(0, i-2); k < min(len(g), i+4); k++ {
		fmt.Fprintf(&b, "  got  %4d: %q\n", k+1, g[k])
	}
	return b.String()
}

// treebankProject imports path (CoNLL-U) into a new project with the POS
// tagset tagset and returns it.
func treebankProject(t *testing.T, path, tagset string) *annotate.Project {
	t.Helper()
	schema := annotate.DefaultSchema()
	pos, err := annotate.POSPreset(tagset)
	if err != nil {
		t.Fatal(err)
	}
	schema.POS = pos
	p, err := annotate.Create(filepath.Join(t.TempDir(), "p.biaozhu"), schema, annotate.Options{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if _, err := ImportFiles(context.Background(), p, nil, "conllu", []string{path}, ReadOptions{}); err != nil {
		t.Fatalf("ImportFiles() error = %v", err)
	}
	return p
}

// TestCoNLLUTreebankRoundTrip: the UD GSD test file through a project and
// back is the same file, byte for byte: trees, lemmas, features, MISC and
// every comment; the arcs are relations of layer deprel.
func TestCoNLLUTreebankRoundTrip(t *testing.T) {
	path := filepath.Join(udGoldDir, "zh_gsd-ud-test.conllu")
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("gold file %s not found: ../shared (the project's test data) is absent", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, tagset := range []string{"gse", "upos"} {
		t.Run(tagset, func(t *testing.T) {
			p := treebankProject(t, path, tagset)
			docs, err := p.Documents()
			if err != nil || len(docs) != 1 {
				t.Fatalf("documents %v, %v", docs, err)
			}
			d, err := p.Document(docs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			// 12,010 words, 500 roots: 11,510 arcs.
			if got := len(d.Relations); got != 11510 {
				t.Errorf("%d relations, want 11510 (one per word but the roots)", got)
			}
			if l, ok := p.Schema().RelationLayer(DeprelLayer); !ok || len(l.Types) == 0 {
				t.Errorf("schema has no relation layer %q with types: %+v", DeprelLayer, p.Schema().Relations)
			}
			out := filepath.Join(t.TempDir(), "out.conllu")
			if _, err := Export(context.Background(), p, "conllu", out, Options{}); err != nil {
				t.Fatalf("Export() error = %v", err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := lineDiff(got, want); diff != "" {
				t.Errorf("the exported treebank is not the file imported: %s", diff)
			}
			if tagset == "gse" {
				// The validator takes some seconds: once is enough (the
				// files are the same).
				if msg, ok := udValidateLevel(t, out, 2); !ok {
					t.Errorf("UD validator, level 2, refuses the export:\n%s", msg)
				} else {
					t.Logf("UD validator, level 2: %s", strings.TrimSpace(msg))
				}
			}
		})
	}
}

// udValidateLevel runs the official UD validator (../shared/readers) on
// path at level and returns its output and whether it passed; it skips
// the test when the validator or Python cannot run.
func udValidateLevel(t *testing.T, path string, level int) (string, bool) {
	t.Helper()
	tools, err := filepath.Abs("../../shared/readers")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(tools, "ud-tools", "validate.py")); err != nil {
		t.Skipf("the UD validator is not here (%v): ../shared/readers is needed", err)
	}
	// Debian's python3 first (readers/README: it has python3-regex and
	// the like from apt), else the first on PATH.
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		if py, err = exec.LookPath("python3"); err != nil {
			t.Skip("python3 not found: the UD validator cannot run")
		}
	}
	cmd := exec.Command(py, filepath.Join(tools, "ud-tools", "validate.py"), "--lang", "zh", "--level", fmt.Sprint(level), path)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(tools, "udapi"), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Skipf("the UD validator cannot run: %v", err)
		}
		if strings.Contains(string(out), "ModuleNotFoundError") {
			t.Skipf("the UD validator lacks a Python module (apt install python3-regex python3-colorama): %s", out)
		}
		return string(out), false
	}
	return string(out), true
}

// treebankSample has what GSD lacks: multiword tokens, empty nodes,
// enhanced DEPS, other comments, two documents, a SpacesAfter.
const treebankSample = "# newdoc id = es\n# sent_id = s1\n# text = Vámonos al mar.\n# note = a comment of our own\n" +
	"1-2\tVámonos\t_\t_\t_\t_\t_\t_\t_\t_\n" +
	"1\tVamos\tir\tVERB\t_\tMood=Imp\t0\troot\t0:root\t_\n" +
	"2\tnos\tnosotros\tPRON\t_\tCase=Acc\t1\tobj\t1:obj\t_\n" +
	"3-4\tal\t_\t_\t_\t_\t_\t_\t_\t_\n" +
	"3\ta\ta\tADP\t_\t_\t5\tcase\t5:case\t_\n" +
	"4\tel\tel\tDET\t_\t_\t5\tdet\t5:det\t_\n" +
	"5\tmar\tmar\tNOUN\t_\t_\t1\tobl\t1:obl\tSpaceAfter=No\n" +
	"6\t.\t.\tPUNCT\t_\t_\t1\tpunct\t1:punct\tSpacesAfter=\\n\\n\n\n" +
	"# newdoc id = zh\n# sent_id = s2\n# text = 他 走 了\n" +
	"1\t他\t他\tPRON\tPN\t_\t2\tnsubj\t2:nsubj|2.1:nsubj\tGloss=he\n" +
	"2\t走\t走\tVERB\tVV\t_\t0\troot\t0:root\t_\n" +
	"2.1\t走\t走\tVERB\tVV\t_\t_\t_\t2:conj\tCopyOf=2\n" +
	"3\t了\t了\tAUX\tAS\tAspect=Perf\t2\taux\t2:aux\tSpaceAfter=No\n\n"

// TestCoNLLUTreebankSample: multiword tokens, empty nodes and two
// documents come back byte for byte; an edit changes its line only.
func TestCoNLLUTreebankSample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sample.conllu")
	if err := os.WriteFile(path, []byte(treebankSample), 0o644); err != nil {
		t.Fatal(err)
	}
	// find returns the span of document doc over the word form (the n-th
	// word of its token), and that document.
	type edit func(p *annotate.Project, es, zh *annotate.Document) (int64, annotate.Edit)
	word := func(d *annotate.Document, form string, n int) annotate.Span {
		for _, sp := range d.Spans {
			if sp.Layer == XPOSLayer && d.Slice(sp.Start, sp.End) == form {
				if n == 0 {
					return sp
				}
				n--
			}
		}
		t.Fatalf("no word %q in %s", form, d.Name)
		return annotate.Span{}
	}
	arcInto := func(d *annotate.Document, sp annotate.Span) annotate.Relation {
		for _, r := range d.Relations {
			if r.To == sp.ID {
				return r
			}
		}
		t.Fatalf("no arc into %v", sp)
		return annotate.Relation{}
	}
	for _, c := range []struct {
		name string
		edit edit
		old  string // a line of the file …
		new  string // … and what it becomes ("" none)
	}{
		{"unchanged", nil, "", ""},
		{"retype an arc", func(p *annotate.Project, es, zh *annotate.Document) (int64, annotate.Edit) {
			return es.ID, annotate.RetypeRelation{ID: arcInto(es, word(es, "Vámonos", 1)).ID, Type: "case"}
		}, "2\tnos\tnosotros\tPRON\t_\tCase=Acc\t1\tobj\t1:obj\t_", "2\tnos\tnosotros\tPRON\t_\tCase=Acc\t1\tcase\t1:obj\t_"},
		{"relabel a word's XPOS", func(p *annotate.Project, es, zh *annotate.Document) (int64, annotate.Edit) {
			return zh.ID, annotate.RelabelSpan{ID: word(zh, "他", 0).ID, Label: "VV"}
		}, "1\t他\t他\tPRON\tPN\t_\t2\tnsubj\t2:nsubj|2.1:nsubj\tGloss=he", "1\t他\t他\tPRON\tVV\t_\t2\tnsubj\t2:nsubj|2.1:nsubj\tGloss=he"},
		{"remove an arc", func(p *annotate.Project, es, zh *annotate.Document) (int64, annotate.Edit) {
			return zh.ID, annotate.RemoveRelation{ID: arcInto(zh, word(zh, "了", 0)).ID}
		}, "3\t了\t了\tAUX\tAS\tAspect=Perf\t2\taux\t2:aux\tSpaceAfter=No", "3\t了\t了\tAUX\tAS\tAspect=Perf\t_\t_\t2:aux\tSpaceAfter=No"},
		{"move an arc's head", func(p *annotate.Project, es, zh *annotate.Document) (int64, annotate.Edit) {
			r := arcInto(zh, word(zh, "了", 0))
			return zh.ID, annotate.Batch{Edits: []annotate.Edit{annotate.RemoveRelation{ID: r.ID},
				annotate.AddRelation{Relation: annotate.Relation{Layer: DeprelLayer, Type: "aux", From: word(zh, "他", 0).ID, To: r.To}}}}
		}, "3\t了\t了\tAUX\tAS\tAspect=Perf\t2\taux\t2:aux\tSpaceAfter=No", "3\t了\t了\tAUX\tAS\tAspect=Perf\t1\taux\t2:aux\tSpaceAfter=No"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := treebankProject(t, path, "gse")
			docs, err := p.Documents()
			if err != nil || len(docs) != 2 {
				t.Fatalf("documents %+v, %v; want es and zh", docs, err)
			}
			es, _ := p.Document(docs[0].ID)
			zh, _ := p.Document(docs[1].ID)
			if es.Name != "es" || zh.Name != "zh" || len(es.Relations) != 5 || len(zh.Relations) != 2 {
				t.Fatalf("documents %q (%d relations), %q (%d relations); want es (5), zh (2)", es.Name, len(es.Relations), zh.Name, len(zh.Relations))
			}
			want := treebankSample
			if c.edit != nil {
				id, e := c.edit(p, es, zh)
				if _, err := p.Apply(id, e); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(want, c.old+"\n") {
					t.Fatalf("the sample has no line %q", c.old)
				}
				want = strings.Replace(want, c.old+"\n", c.new+"\n", 1)
			}
			out := filepath.Join(t.TempDir(), "out.conllu")
			if _, err := Export(context.Background(), p, "conllu", out, Options{}); err != nil {
				t.Fatalf("Export() error = %v", err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := lineDiff(got, []byte(want)); diff != "" {
				t.Errorf("export: %s", diff)
			}
		})
	}
}

// TestCoNLLUTreeDrawn: a tree drawn in a project that was not imported
// from a treebank (relations of layer deprel between spans of layer
// xpos) is written as HEAD and DEPREL, the word without a head as the
// root, and the UD validator takes it at level 2.
func TestCoNLLUTreeDrawn(t *testing.T) {
	s := "他走了。"
	doc := &annotate.Document{ID: 1, Name: "drawn", Text: s,
		Sentences: []text.Sentence{{Start: 0, End: 4}},
		Tokens:    []text.Token{{Start: 0, End: 1, POS: "r"}, {Start: 1, End: 2, POS: "v"}, {Start: 2, End: 3, POS: "ul"}, {Start: 3, End: 4, POS: "w"}},
		Spans: []annotate.Span{{ID: 1, Layer: UPOSLayer, Label: "PRON", Start: 0, End: 1}, {ID: 2, Layer: UPOSLayer, Label: "VERB", Start: 1, End: 2},
			{ID: 3, Layer: UPOSLayer, Label: "AUX", Start: 2, End: 3}, {ID: 4, Layer: UPOSLayer, Label: "PUNCT", Start: 3, End: 4}},
		Relations: []annotate.Relation{{ID: 5, Layer: DeprelLayer, Type: "nsubj", From: 2, To: 1}, {ID: 6, Layer: DeprelLayer, Type: "aux", From: 2, To: 3},
			{ID: 7, Layer: DeprelLayer, Type: "punct", From: 2, To: 4}}}
	schema := annotate.DefaultSchema()
	out := filepath.Join(t.TempDir(), "drawn.conllu")
	if _, err := Export(context.Background(), NewCorpus(schema, []*annotate.Document{doc}), "conllu", out, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "# newdoc id = drawn\n# sent_id = 1-1\n# text = 他走了。\n" +
		"1\t他\t_\tPRON\tr\t_\t2\tnsubj\t_\tSpaceAfter=No\n" +
		"2\t走\t_\tVERB\tv\t_\t0\troot\t_\tSpaceAfter=No\n" +
		"3\t了\t_\tAUX\tul\t_\t2\taux\t_\tSpaceAfter=No\n" +
		"4\t。\t_\tPUNCT\tw\t_\t2\tpunct\t_\tSpaceAfter=No\n\n"
	got, _ := os.ReadFile(out)
	if diff := lineDiff(got, []byte(want)); diff != "" {
		t.Errorf("export: %s", diff)
	}
	if msg, ok := udValidateLevel(t, out, 2); !ok {
		t.Errorf("UD validator, level 2, refuses the export:\n%s", msg)
	}
}
