// The segment subcommand: clean, split, segment and tag a file, written
// as JSON lines or CoNLL-U.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

// cmdSegment writes the document's tokens straight from the compact form
// segmentation makes them in (text.Segmentation, some 3 bytes a token),
// one sentence at a time: no []Token of the whole document (56 bytes a
// token, twelve times a big input) is made.
func cmdSegment(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("segment", flag.ContinueOnError)
	format := fs.String("format", "jsonl", "output format: jsonl or conllu")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	write := map[string]func(io.Writer, string, string, []text.Sentence, iter.Seq[text.Token]) error{
		"jsonl": export.WriteSentencesJSONLSeq, "conllu": export.WriteCoNLLUSeq}[*format]
	if write == nil {
		return fmt.Errorf("segment: -format %q: want jsonl or conllu: %w", *format, errUsage)
	}
	doc, err := process(ctx, "segment", path, true)
	if err != nil {
		return err
	}
	return write(export.ContextWriter(ctx, os.Stdout), doc.Name, doc.Text, doc.Sentences, doc.Compact.Each)
}
