// The ls subcommand: a project's documents, one line each.

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/biaozhu/biaozhu/annotate"
)

func cmdLs(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("ls", flag.ContinueOnError)
	project := fs.String("p", "", "the project file")
	rest, err := parseFlags(fs, args, false)
	if err != nil {
		return err
	}
	if *project == "" {
		return fmt.Errorf("ls: -p PROJECT is required: %w", errUsage)
	}
	if len(rest) != 0 {
		return fmt.Errorf("ls: unexpected argument %q: %w", rest[0], errUsage)
	}
	// Open, not OpenOrCreate: listing a project that is not there is an
	// error, not a new empty project. Read-only: ls writes nothing (no
	// backup either), and lists a read-only project file too.
	p, err := annotate.Open(*project, annotate.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer p.Close()
	docs, err := p.Documents()
	if err != nil {
		return err // names the project
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	// SPANS counts every span, suggestions included, as the app does
	// ("9 spans (2 suggested)"); SUGGESTED is how many of them are.
	fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tCHARS\tTOKENS\tSPANS\tSUGGESTED")
	for _, d := range docs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%d\n", d.ID, quote(d.Name), d.Status, d.Chars, d.Tokens, d.Spans, d.Suggested)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return p.Close()
}
