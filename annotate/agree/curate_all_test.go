package agree

import (
	"fmt"
	"slices"
	"testing"

	"github.com/biaozhu/biaozhu/annotate"
)

// TestDecideAllRelations: accepting all of one annotator's versions in a
// document takes their relations too, in the same step — linked between
// the curated spans that step puts at the ends — and declines the places
// where they linked nothing; nothing is left open, the file keeps it, and
// one undo takes it all back. Before, DecideAll decided the spans alone
// and every relation decision stayed open.
func TestDecideAllRelations(t *testing.T) {
	for _, c := range []struct {
		annotator int
		want      []string // curated relations, type from→to
		declined  int
	}{
		{0, []string{"knows PER 张三→PER 李四", "works_for PER 张三→ORG 华为"}, 1},     // lin: nothing at 张三→华为 PER
		{1, []string{"works_for PER 张三→PER 华为", "works_for PER 张三→PER 李四"}, 1}, // wang: nothing at 张三→华为 ORG
	} {
		t.Run(fmt.Sprint(c.annotator), func(t *testing.T) {
			gold := relationCuration(t)
			open := func() (*annotate.Project, *annotate.Curation, *annotate.Document) {
				t.Helper()
				p, err := annotate.Open(gold, annotate.Options{NoBackup: true, Annotator: "curator"})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { p.Close() })
				cur, err := p.Curation()
				if err != nil {
					t.Fatal(err)
				}
				list, _ := p.Documents()
				d, err := p.Document(list[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				return p, cur, d
			}
			curated := func(d *annotate.Document) []string {
				var out []string
				for _, r := range d.Relations {
					if r.Layer != "rel" {
						continue
					}
					from, _ := d.Span(r.From)
					to, _ := d.Span(r.To)
					out = append(out, fmt.Sprintf("%s %s %s→%s %s", r.Type, from.Label, d.Slice(from.Start, from.End), to.Label, d.Slice(to.Start, to.End)))
				}
				slices.Sort(out)
				return out
			}
			p, cur, d := open()
			openBefore := OpenDecisions(d, cur)
			if _, err := p.Apply(d.ID, DecideAll(d, cur, c.annotator, "curator")); err != nil {
				t.Fatalf("accept all of %s: %v", cur.Annotators[c.annotator], err)
			}
			check := func(when string, d *annotate.Document, cur *annotate.Curation) {
				t.Helper()
				if got := curated(d); !slices.Equal(got, c.want) {
					t.Errorf("%s: curated relations %q, want %q", when, got, c.want)
				}
				if n := len(d.DeclinedRelations); n != c.declined {
					t.Errorf("%s: %d places declined, want %d", when, n, c.declined)
				}
				if n := OpenDecisions(d, cur); n != 0 {
					t.Errorf("%s: %d open decisions, want none", when, n)
				}
			}
			check("after accept all", d, cur)
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			p, cur, d = open()
			check("reopened", d, cur)
			if _, err := p.Undo(d.ID); err != nil {
				t.Fatal(err)
			}
			if n := OpenDecisions(d, cur); n != openBefore || len(curated(d)) != 0 || len(d.DeclinedRelations) != 0 {
				t.Errorf("after one undo: %d open decisions, curated relations %q, declined %d; want %d, none, none",
					n, curated(d), len(d.DeclinedRelations), openBefore)
			}
		})
	}
}
