// The export subcommand: a project's documents in a format for NLP
// training.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

// cmdExport writes the project's documents in a format for NLP training.
func cmdExport(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("export", flag.ContinueOnError)
	project := flags.String("p", "", "the project file")
	format := flags.String("f", "", "the format")
	out := flags.String("o", "", "the output file (a directory or .zip for brat)")
	docs := flags.String("docs", "all", "all, done, or document IDs (1,2,5)")
	layers := flags.String("layers", "", "span layers, comma-separated (default all; of a curation project, the curated ones)")
	sugg := flags.Bool("suggestions", false, "also write suggested spans")
	records := flags.String("records", "document", "document or sentence")
	split := flags.String("split", "", "train/dev/test ratios, e.g. 8/1/1")
	seed := flags.Uint64("seed", 1, "the split's shuffle seed")
	level := flags.String("level", "word", "hf, conll: word or char")
	scheme := flags.String("scheme", "BIO", "hf, conll: BIO or BIOES")
	bom := flags.Bool("bom", false, "csv: start with a UTF-8 byte order mark")
	excel := flags.Bool("excel", false, "csv: for spreadsheet apps (Excel, LibreOffice): a byte order mark, and a ' before each cell that starts with = + - @, tab or CR, so that none becomes a formula or a number (the csv import takes it off)")
	offsets := flags.String("offsets", "codepoint", "doccano, labelstudio: codepoint or utf16")
	pos := flags.Bool("pos", false, "conll: write a POS column (doccano reads two columns only)")
	preds := flags.Bool("predictions", false, "labelstudio: results as predictions")
	overwrite := flags.Bool("overwrite", false, "brat: replace files of an earlier export edited since")
	rest, err := parseFlags(flags, args, false)
	if err != nil {
		return err
	}
	switch {
	case *project == "" || *format == "" || *out == "":
		return fmt.Errorf("export: -p PROJECT, -f FORMAT and -o OUT are required: %w", errUsage)
	case len(rest) > 0:
		return fmt.Errorf("export: unexpected arguments %q: %w", rest, errUsage)
	}
	f, ok := export.Lookup(*format)
	if !ok {
		var names []string
		for _, f := range export.Formats() {
			names = append(names, f.Name)
		}
		return fmt.Errorf("export: -f %q: want one of %s: %w", *format, strings.Join(names, ", "), errUsage)
	}
	if *excel && !strings.HasPrefix(f.Name, "csv-") {
		return fmt.Errorf("export: -excel is for csv-tokens and csv-spans (xlsx is a spreadsheet already): %w", errUsage)
	}
	opts := export.Options{Suggestions: *sugg, Records: export.Records(*records), Level: export.Level(*level),
		Scheme: export.Scheme(strings.ToUpper(*scheme)), BOM: *bom, Excel: *excel, Offsets: export.Unit(*offsets), POS: *pos, Predictions: *preds,
		Overwrite: *overwrite}
	switch *docs {
	case "all":
	case "done":
		opts.Docs.Status = annotate.StatusDone
	default:
		for f := range strings.SplitSeq(*docs, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil {
				return fmt.Errorf("export: -docs %q: want all, done or IDs like 1,2,5: %w", *docs, errUsage)
			}
			opts.Docs.IDs = append(opts.Docs.IDs, id)
		}
	}
	if *layers != "" {
		for l := range strings.SplitSeq(*layers, ",") {
			opts.Layers = append(opts.Layers, strings.TrimSpace(l))
		}
	}
	if *split != "" {
		var v [3]float64
		parts := strings.Split(*split, "/")
		if len(parts) < 2 || len(parts) > 3 {
			return fmt.Errorf("export: -split %q: want train/dev/test ratios such as 8/1/1: %w", *split, errUsage)
		}
		for i, f := range parts {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil || x < 0 {
				return fmt.Errorf("export: -split %q: %q is not a ratio: %w", *split, f, errUsage)
			}
			v[i] = x
		}
		opts.Split = export.Split{Train: v[0], Dev: v[1], Test: v[2], Seed: *seed}
	}
	if err := export.CheckOutput(*out, *project); err != nil {
		return err // before opening it; Export checks again
	}
	p, err := annotate.Open(*project, annotate.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer p.Close()
	res, err := export.Export(ctx, p, *format, *out, opts)
	for _, w := range res.Warnings {
		fmt.Fprintln(os.Stderr, "warning:", safeText(w.String()))
	}
	if ce := (*export.ChangedError)(nil); errors.As(err, &ce) {
		return fmt.Errorf("%w (-overwrite replaces them)", err)
	}
	if err != nil {
		return err
	}
	for _, f := range res.Files {
		// The files written, not a stream (-, a device, a FIFO): that
		// may be stdout itself.
		if fi, err := os.Stat(f); err == nil && (fi.Mode().IsRegular() || fi.IsDir()) {
			fmt.Println(quote(f))
		}
	}
	fmt.Fprintf(os.Stderr, "exported %s to %s (%s)\n", plural(res.Docs, "document"), plural(len(res.Files), "file"), plural(len(res.Warnings), "warning"))
	return nil
}
