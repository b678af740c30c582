// The segment subcommand: clean, split, segment and tag a file, written
// as JSON lines or CoNLL-U.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

func cmdSegment(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("segment", flag.ContinueOnError)
	format := fs.String("format", "jsonl", "output format: jsonl or conllu")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	write := map[string]func(io.Writer, string, string, []text.Sentence, []text.Token) error{
		"jsonl": export.WriteSentencesJSONL, "conllu": export.WriteCoNLLU}[*format]
	if write == nil {
		return fmt.Errorf("segment: -format %q: want jsonl or conllu: %w", *format, errUsage)
	}
	doc, err := process(ctx, "segment", path, true)
	if err != nil {
		return err
	}
	return write(export.ContextWriter(ctx, os.Stdout), doc.Name, doc.Text, doc.Sentences, doc.Tokens)
}
