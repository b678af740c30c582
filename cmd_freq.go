// The freq subcommand: a frequency list of a project's words, POS tags
// or span labels, as aligned columns or a table file.

package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"

	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/export"
)

func cmdFreq(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("freq", flag.ContinueOnError)
	project := fs.String("p", "", "the project file")
	by := fs.String("by", "word", "word, pos, label or label-word")
	doc := fs.Int64("doc", 0, "only this document")
	fold := fs.Bool("fold", false, "count traditional and simplified forms together")
	limit := fs.Int("limit", 0, "rows (0: all)")
	out := fs.String("o", "", "write the list to OUT.csv or OUT.xlsx")
	bom := fs.Bool("bom", false, "csv: start with a UTF-8 byte order mark (for Excel)")
	rest, err := parseFlags(fs, args, false)
	if err != nil {
		return err
	}
	switch {
	case *project == "":
		return fmt.Errorf("freq: -p PROJECT is required: %w", errUsage)
	case len(rest) > 0:
		return fmt.Errorf("freq: unexpected argument %q: %w", rest[0], errUsage)
	case !corpus.FreqBy(*by).Valid():
		return fmt.Errorf("freq: -by %q: want word, pos, label or label-word: %w", *by, errUsage)
	case *limit < 0:
		return fmt.Errorf("freq: -limit must not be negative: %w", errUsage)
	case *doc < 0:
		return fmt.Errorf("freq: -doc %d: want a document ID: %w", *doc, errUsage)
	}
	if *out != "" {
		if err := tableOut("freq", *out, *project); err != nil {
			return err
		}
	}
	ix, err := openIndex(ctx, *project, *doc)
	if err != nil {
		return err
	}
	rows := ix.Freq(corpus.FreqBy(*by), *doc, *fold)
	total := len(rows)
	if *limit > 0 {
		rows = rows[:min(len(rows), *limit)]
	}
	key := map[corpus.FreqBy]string{corpus.FreqWord: "word", corpus.FreqPOS: "pos", corpus.FreqLabel: "label", corpus.FreqLabelWord: "label"}[corpus.FreqBy(*by)]
	header := []string{key}
	if *by == string(corpus.FreqLabelWord) {
		header = append(header, "text")
	}
	header = append(header, "count", "docs", "share")
	table := make([][]string, len(rows))
	for i, r := range rows {
		row := []string{r.Key}
		if *by == string(corpus.FreqLabelWord) {
			row = append(row, r.Key2)
		}
		table[i] = append(row, strconv.Itoa(r.Count), strconv.Itoa(r.Docs), strconv.FormatFloat(r.Share, 'f', 6, 64))
	}
	if *out != "" {
		nk := len(header) - 3
		if err := export.WriteTable(ctx, *out, header, table, export.TableOptions{BOM: *bom, Sheet: "Frequency", Numbers: []int{nk, nk + 1, nk + 2}, Project: *project}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s written to %s\n", plural(len(table), "row"), quote(*out))
		return nil
	}
	// Aligned columns: keys padded by display width, numbers right-aligned,
	// share as a percentage.
	widths := make([]int, len(header))
	cells := make([][]string, 0, len(table)+1)
	cells = append(cells, header)
	for i, r := range table {
		c := slices.Clone(r)
		c[len(c)-1] = strconv.FormatFloat(100*rows[i].Share, 'f', 2, 64) + "%"
		for k := range len(c) - 3 {
			c[k] = quote(c[k])
		}
		cells = append(cells, c)
	}
	for _, c := range cells {
		for k, s := range c {
			widths[k] = max(widths[k], displayWidth(s))
		}
	}
	bw := bufio.NewWriter(export.ContextWriter(ctx, os.Stdout))
	for _, c := range cells {
		for k, s := range c {
			if k > 0 {
				bw.WriteString("  ")
			}
			if k < len(c)-3 {
				bw.WriteString(s)
				if k < len(c)-1 {
					bw.WriteString(pad(widths[k] - displayWidth(s)))
				}
			} else {
				bw.WriteString(pad(widths[k]-displayWidth(s)) + s)
			}
		}
		bw.WriteString("\n")
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if len(rows) < total {
		fmt.Fprintf(os.Stderr, "%s of %d shown\n", plural(len(rows), "row"), total)
	}
	return nil
}
