// The merge subcommand: the annotators' copies of one corpus in one
// curation project, to adjudicate into the gold standard.

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/biaozhu/biaozhu/annotate/agree"
)

func cmdMerge(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	out := fs.String("o", "", "the curation project to write")
	accept := fs.String("accept", agree.AcceptAgreed, "agreed, majority or none")
	files, err := parseFlags(fs, args, true)
	if err != nil {
		return err
	}
	switch {
	case *out == "":
		return fmt.Errorf("merge: -o GOLD.biaozhu is required: %w", errUsage)
	case len(files) < 2:
		return fmt.Errorf("merge: want two or more project files, got %d: %w", len(files), errUsage)
	case !slices.Contains([]string{agree.AcceptAgreed, agree.AcceptMajority, agree.AcceptNone}, *accept):
		return fmt.Errorf("merge: -accept %q: want agreed, majority or none: %w", *accept, errUsage)
	}
	sum, err := agree.Merge(ctx, *out, files, *accept)
	if err != nil {
		return err
	}
	for _, n := range sum.Notes {
		fmt.Fprintln(os.Stderr, "note:", safeText(n))
	}
	fmt.Printf("%s: %s, %s pre-accepted (%s), %s\n", quote(*out), plural(sum.Documents, "document"),
		plural(sum.Accepted, "span"), *accept, plural(sum.Open, "open decision"))
	return nil
}
