package export

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// commentsSample is a treebank document of three sentences, each with
// comments of its own; the first word of the third is a multiword token's.
const commentsSample = "# newdoc id = d\n# sent_id = a-1\n# text = 我们走了。\n# note = the first\n" +
	"1\t我们\t我们\tPRON\tPN\t_\t2\tnsubj\t_\tSpaceAfter=No\n" +
	"2\t走\t走\tVERB\tVV\t_\t0\troot\t_\tSpaceAfter=No\n" +
	"3\t了\t了\tAUX\tAS\t_\t2\taux\t_\tSpaceAfter=No\n" +
	"4\t。\t。\tPUNCT\tPU\t_\t2\tpunct\t_\tSpaceAfter=No\n\n" +
	"# sent_id = a-2\n# text = 他来了。\n" +
	"1\t他\t他\tPRON\tPN\t_\t2\tnsubj\t_\tSpaceAfter=No\n" +
	"2\t来\t来\tVERB\tVV\t_\t0\troot\t_\tSpaceAfter=No\n" +
	"3\t了\t了\tAUX\tAS\t_\t2\taux\t_\tSpaceAfter=No\n" +
	"4\t。\t。\tPUNCT\tPU\t_\t2\tpunct\t_\tSpaceAfter=No\n\n" +
	"# sent_id = a-3\n# text = 到了。\n# translit = dàole\n" +
	"1-2\t到了\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n" +
	"1\t到\t到\tVERB\tVV\t_\t0\troot\t_\t_\n" +
	"2\t了\t了\tAUX\tAS\t_\t1\taux\t_\t_\n" +
	"3\t。\t。\tPUNCT\tPU\t_\t1\tpunct\t_\tSpaceAfter=No\n\n"

// commentLines returns the comment lines of a CoNLL-U file, in order.
func commentLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestCoNLLUCommentsSurviveWordEdits: a treebank sentence's comments
// (sent_id, text and the others) are the sentence's: removing, relabelling
// or replacing its first word's span, and splitting or merging its first
// token, leave them in the export as the file had them.
func TestCoNLLUCommentsSurviveWordEdits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "comments.conllu")
	if err := os.WriteFile(path, []byte(commentsSample), 0o644); err != nil {
		t.Fatal(err)
	}
	// first returns the spans of d's token-tag layer that start where
	// sentence n (from 0) starts.
	first := func(d *annotate.Document, n int) []annotate.Span {
		var out []annotate.Span
		for _, sp := range d.Spans {
			if sp.Layer == XPOSLayer && sp.Start == d.Sentences[n].Start {
				out = append(out, sp)
			}
		}
		if len(out) == 0 {
			t.Fatalf("no word starts sentence %d", n)
		}
		return out
	}
	word := func(d *annotate.Document, at int) annotate.Span {
		for _, sp := range d.Spans {
			if sp.Layer == XPOSLayer && sp.Start == at {
				return sp
			}
		}
		t.Fatalf("no word at %d", at)
		return annotate.Span{}
	}
	for _, c := range []struct {
		name  string
		edits func(d *annotate.Document) []annotate.Edit
	}{
		{"unchanged", func(d *annotate.Document) []annotate.Edit { return nil }},
		{"remove the first word", func(d *annotate.Document) []annotate.Edit {
			return []annotate.Edit{annotate.RemoveSpan{ID: first(d, 0)[0].ID}, annotate.RemoveSpan{ID: first(d, 1)[0].ID}}
		}},
		{"relabel the first word", func(d *annotate.Document) []annotate.Edit {
			return []annotate.Edit{annotate.RelabelSpan{ID: first(d, 1)[0].ID, Label: "VV"}}
		}},
		{"replace the first word's span", func(d *annotate.Document) []annotate.Edit {
			sp := first(d, 1)[0]
			return []annotate.Edit{annotate.RemoveSpan{ID: sp.ID}, annotate.AddSpan{Span: annotate.Span{Layer: sp.Layer, Label: sp.Label, Start: sp.Start, End: sp.End}}}
		}},
		{"remove a multiword token's first word", func(d *annotate.Document) []annotate.Edit {
			return []annotate.Edit{annotate.RemoveSpan{ID: first(d, 2)[0].ID}}
		}},
		{"split the first token", func(d *annotate.Document) []annotate.Edit {
			s := d.Sentences[0].Start
			return []annotate.Edit{annotate.RemoveSpan{ID: first(d, 0)[0].ID}, annotate.Split{At: s + 1}}
		}},
		{"merge the first two tokens", func(d *annotate.Document) []annotate.Edit {
			s := d.Sentences[1].Start
			return []annotate.Edit{annotate.RemoveSpan{ID: word(d, s).ID}, annotate.RemoveSpan{ID: word(d, s+1).ID},
				annotate.Merge{Start: s, End: s + 2, POS: "r"}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := treebankProject(t, path, "gse")
			docs, err := p.Documents()
			if err != nil || len(docs) != 1 {
				t.Fatalf("documents %+v, %v; want one", docs, err)
			}
			d, err := p.Document(docs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Sentences) != 3 {
				t.Fatalf("%d sentences, want 3", len(d.Sentences))
			}
			for _, e := range c.edits(d) {
				if _, err := p.Apply(d.ID, e); err != nil {
					t.Fatalf("%s: %v", e.Describe(), err)
				}
			}
			out := filepath.Join(t.TempDir(), "out.conllu")
			if _, err := Export(context.Background(), p, "conllu", out, Options{}); err != nil {
				t.Fatalf("Export() error = %v", err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if c.name == "unchanged" {
				if diff := lineDiff(got, []byte(commentsSample)); diff != "" {
					t.Errorf("export of the file unchanged: %s", diff)
				}
			}
			if g, w := commentLines(string(got)), commentLines(commentsSample); !slices.Equal(g, w) {
				t.Errorf("comments of the export:\n%s\nwant\n%s\nexport:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"), got)
			}
		})
	}
}
