// The relations subcommand: a project's relations found by layer, type and
// the words at either end (all nsubj arcs whose head is 是), one line each.

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/biaozhu/biaozhu/annotate"
)

func cmdRelations(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("relations", flag.ContinueOnError)
	project := fs.String("p", "", "the project file")
	var q annotate.RelationQuery
	fs.StringVar(&q.Layer, "layer", "", "the relation layer (default: all)")
	fs.StringVar(&q.Type, "type", "", "the relation type (default: all)")
	fs.StringVar(&q.FromText, "from", "", "the text of the source span (a dependency's head)")
	fs.StringVar(&q.ToText, "to", "", "the text of the target span (the dependent)")
	fs.Int64Var(&q.Doc, "doc", 0, "only the relations of this document (its number in biaozhu ls; default: all)")
	fs.IntVar(&q.Limit, "limit", 100, "the most relations listed")
	rest, err := parseFlags(fs, args, false)
	if err != nil {
		return err
	}
	if *project == "" {
		return fmt.Errorf("relations: -p PROJECT is required: %w", errUsage)
	}
	if len(rest) != 0 {
		return fmt.Errorf("relations: unexpected argument %q: %w", rest[0], errUsage)
	}
	if q.Limit <= 0 {
		return fmt.Errorf("relations: -limit %d: want a number above 0: %w", q.Limit, errUsage)
	}
	p, err := annotate.Open(*project, annotate.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer p.Close()
	if q.Doc < 0 {
		return fmt.Errorf("relations: -doc %d: want a document number: %w", q.Doc, errUsage)
	}
	if q.Doc != 0 {
		if _, err := p.Document(q.Doc); err != nil {
			return err // names the project and the document
		}
	}
	hits, more, err := p.FindRelations(ctx, q)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	for _, h := range hits {
		fmt.Fprintf(tw, "%d\t%s\t—%s→\t%s\t[%d,%d) → [%d,%d)\n", h.Doc, quote(h.FromText), h.Relation.Type, quote(h.ToText),
			h.From.Start, h.From.End, h.To.Start, h.To.End)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if more {
		fmt.Fprintf(os.Stderr, "more than %d relations (-limit)\n", q.Limit)
	} else {
		fmt.Fprintf(os.Stderr, "%d relations\n", len(hits))
	}
	return p.Close()
}
