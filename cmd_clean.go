// The clean subcommand: decode and clean a file, the text to stdout and
// the report to stderr.

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

func cmdClean(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	report := fs.String("report", "text", "report format on stderr: text or json")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *report != "text" && *report != "json" {
		return fmt.Errorf("clean: -report %q: want text or json: %w", *report, errUsage)
	}
	doc, err := process(ctx, "clean", path, false)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(os.Stdout, doc.Text+"\n"); err != nil {
		return err
	}
	if *report == "json" {
		enc := json.NewEncoder(os.Stderr)
		enc.SetIndent("", "  ")
		return enc.Encode(doc.Report)
	}
	return doc.Report.WriteText(os.Stderr)
}
