// The kwic subcommand: a concordance of a project, as aligned lines or
// a table file.

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"

	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/export"
)

func cmdKwic(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kwic", flag.ContinueOnError)
	project := fs.String("p", "", "the project file")
	isRegex := fs.Bool("regex", false, "QUERY is a regular expression over the text")
	isWord := fs.Bool("word", false, "QUERY is a token's exact text")
	isWordRegex := fs.Bool("word-regex", false, "QUERY is a regular expression a whole token matches")
	pos := fs.String("pos", "", "a token's POS tag")
	layer := fs.String("layer", "", "a span's layer")
	label := fs.String("label", "", "a span's label")
	labelText := fs.String("label-text", "", "text the span holds")
	fold := fs.Bool("fold", false, "ignore traditional/simplified")
	doc := fs.Int64("doc", 0, "only this document")
	sortBy := fs.String("sort", "position", "position, left1, left2, right1, right2 or match")
	width := fs.Int("width", 10, "characters of context on each side")
	limit := fs.Int("limit", 100, "lines to print (0: all)")
	out := fs.String("o", "", "write the hits to OUT.csv or OUT.xlsx")
	bom := fs.Bool("bom", false, "csv: start with a UTF-8 byte order mark (for Excel)")
	rest, err := parseFlags(fs, args, true)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	kinds := 0
	for _, b := range []bool{*isRegex, *isWord, *isWordRegex} {
		if b {
			kinds++
		}
	}
	switch {
	case *project == "":
		return fmt.Errorf("kwic: -p PROJECT is required: %w", errUsage)
	case len(rest) > 1:
		return fmt.Errorf("kwic: want one QUERY, got %d (%q): quote a query with spaces: %w", len(rest), rest, errUsage)
	case kinds > 1:
		return fmt.Errorf("kwic: give one of -regex, -word and -word-regex: %w", errUsage)
	case kinds == 1 && len(rest) == 0:
		return fmt.Errorf("kwic: -regex, -word and -word-regex need a QUERY: %w", errUsage)
	case !slices.Contains(corpus.SortKeys, corpus.SortKey(*sortBy)):
		return fmt.Errorf("kwic: -sort %q: want position, left1, left2, right1, right2 or match: %w", *sortBy, errUsage)
	case *width < 0 || *limit < 0:
		return fmt.Errorf("kwic: -width and -limit must not be negative: %w", errUsage)
	case *doc < 0:
		return fmt.Errorf("kwic: -doc %d: want a document ID: %w", *doc, errUsage)
	}
	if *out != "" {
		if err := tableOut("kwic", *out, *project); err != nil {
			return err
		}
	}
	q := corpus.Query{POS: *pos, Layer: *layer, Label: *label, LabelText: *labelText, Fold: *fold, Doc: *doc}
	if len(rest) == 1 {
		switch {
		case *isRegex:
			q.Regex = rest[0]
		case *isWord:
			q.Word = rest[0]
		case *isWordRegex:
			q.WordRegex = rest[0]
		default:
			q.Text = rest[0]
		}
	}
	if err := q.Validate(); errors.Is(err, corpus.ErrEmptyQuery) {
		return fmt.Errorf("kwic: give a QUERY, or -pos, -layer, -label or -label-text: %w", errUsage)
	} else if err != nil {
		return fmt.Errorf("kwic: %w", err) // a regular expression that does not compile or is too large
	}
	ix, err := openIndex(ctx, *project, *doc)
	if err != nil {
		return err
	}
	res, err := ix.Search(ctx, q)
	if err != nil {
		return err
	}
	res.Sort(corpus.SortKey(*sortBy))
	n := res.Len()
	if *limit > 0 && (*out == "" || set["limit"]) {
		n = min(n, *limit)
	}
	hits := make([]corpus.Hit, 0, n)
	for from := 0; from < n; from += 4096 {
		if err := ctx.Err(); err != nil {
			return err
		}
		hits = append(hits, res.Hits(from, min(from+4096, n), *width)...)
	}
	total := plural(res.Len(), "hit")
	if res.Truncated() {
		total = "more than " + total
	}
	if *out != "" {
		header := []string{"document", "start", "end", "left", "match", "right", "pos", "label"}
		rows := make([][]string, len(hits))
		for i, h := range hits {
			lbl := ""
			if h.SpanLabel != "" {
				lbl = h.SpanLayer + "/" + h.SpanLabel
			}
			rows[i] = []string{h.DocName, strconv.Itoa(h.Start), strconv.Itoa(h.End), h.Left, h.Match, h.Right, h.POS, lbl}
		}
		if err := export.WriteTable(ctx, *out, header, rows, export.TableOptions{BOM: *bom, Sheet: "KWIC", Numbers: []int{1, 2}, Project: *project}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s; %s written to %s\n", total, plural(len(hits), "line"), quote(*out))
		return nil
	}
	names, lefts, matches := 0, 0, 0
	for _, h := range hits {
		names = max(names, displayWidth(quote(h.DocName)))
		lefts = max(lefts, displayWidth(h.Left))
		matches = max(matches, displayWidth(h.Match))
	}
	bw := bufio.NewWriter(export.ContextWriter(ctx, os.Stdout))
	for _, h := range hits {
		name := quote(h.DocName)
		fmt.Fprintf(bw, "%s%s  %s%s │ %s%s │ %s\n", name, pad(names-displayWidth(name)), pad(lefts-displayWidth(h.Left)), h.Left,
			h.Match, pad(matches-displayWidth(h.Match)), h.Right)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if len(hits) < res.Len() {
		fmt.Fprintf(os.Stderr, "%s (%d shown; -limit 0 shows all)\n", total, len(hits))
	} else {
		fmt.Fprintln(os.Stderr, total)
	}
	return nil
}
