// The assign subcommand: a project handed out to several annotators, one
// copy each.

package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/agree"
)

func cmdAssign(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("assign", flag.ContinueOnError)
	project := fs.String("p", "", "the project file")
	names := fs.String("annotators", "", "the annotators' names, comma-separated")
	overlap := fs.Int("overlap", 0, "annotators per document (default all)")
	docs := fs.String("docs", "all", "all, or document IDs (1,2,5)")
	seed := fs.Uint64("seed", 1, "the shuffle seed of the balancing")
	sugg := fs.Bool("suggestions", false, "keep suggested spans in the copies")
	out := fs.String("o", "", "the folder the copies go to")
	rest, err := parseFlags(fs, args, false)
	if err != nil {
		return err
	}
	switch {
	case *project == "" || *names == "" || *out == "":
		return fmt.Errorf("assign: -p PROJECT, -annotators NAME1,NAME2… and -o DIR are required: %w", errUsage)
	case len(rest) > 0:
		return fmt.Errorf("assign: unexpected arguments %q: %w", rest, errUsage)
	case *overlap < 0:
		return fmt.Errorf("assign: -overlap %d: want 1 or more (0: all): %w", *overlap, errUsage)
	}
	opts := agree.AssignOptions{Overlap: *overlap, Seed: *seed, Suggestions: *sugg, Dir: *out}
	for n := range strings.SplitSeq(*names, ",") {
		opts.Annotators = append(opts.Annotators, strings.TrimSpace(n))
	}
	if *overlap > len(opts.Annotators) {
		return fmt.Errorf("assign: -overlap %d: more than the %d annotators: %w", *overlap, len(opts.Annotators), errUsage)
	}
	if *docs != "all" {
		for f := range strings.SplitSeq(*docs, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil {
				return fmt.Errorf("assign: -docs %q: want all or IDs like 1,2,5: %w", *docs, errUsage)
			}
			opts.Docs = append(opts.Docs, id)
		}
	}
	p, err := annotate.Open(*project, annotate.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer p.Close()
	copies, err := agree.Assign(ctx, p, opts)
	if err != nil {
		return err
	}
	for _, c := range copies {
		fmt.Printf("%s\t%s\t%s\n", quote(c.Path), quote(c.Annotator), plural(len(c.Docs), "document"))
	}
	return p.Close()
}
