// The agree subcommand: how far the annotators of one corpus agree, from
// their project files.

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/biaozhu/biaozhu/annotate/agree"
)

func cmdAgree(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("agree", flag.ContinueOnError)
	layer := fs.String("layer", "", "the layer to measure (default every layer)")
	format := fs.String("format", "text", "text, json or csv")
	files, err := parseFlags(fs, args, true)
	if err != nil {
		return err
	}
	switch *format {
	case "text", "json", "csv":
	default:
		return fmt.Errorf("agree: -format %q: want text, json or csv: %w", *format, errUsage)
	}
	if len(files) < 2 {
		return fmt.Errorf("agree: want two or more project files, got %d: %w", len(files), errUsage)
	}
	anns, err := agree.Load(ctx, files)
	if err != nil {
		return err
	}
	var opts agree.Options
	if *layer != "" {
		opts.Layers = []string{*layer}
	}
	rep, err := agree.Measure(anns, opts)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "csv":
		return agree.WriteCSV(os.Stdout, rep)
	}
	return writeAgreeText(os.Stdout, rep)
}

// writeAgreeText prints the report as tables: per layer the layer's and
// each label's measures, each pair's, the confusion tables and the notes.
func writeAgreeText(w io.Writer, rep *agree.Report) error {
	num := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return strconv.FormatFloat(*v, 'f', 4, 64)
	}
	fmt.Fprintf(w, "%s: %s; %s measured (at least two annotators worked on them)\n",
		plural(len(rep.Annotators), "annotator"), strings.Join(quoteAll(rep.Annotators), ", "), plural(rep.Documents, "document"))
	for _, n := range rep.Notes {
		fmt.Fprintln(w, "note:", safeText(n))
	}
	for _, name := range rep.LayerOrder {
		l := rep.Layers[name]
		if l.Documents == 0 {
			what, mark := "layer", "span"
			if l.Kind == agree.KindRelations {
				what, mark = "relation layer", "relation"
			}
			fmt.Fprintf(w, "\n%s %s: no document that two annotators worked on (status other than new, or a %s in the layer)\n", what, quote(name), mark)
			continue
		}
		if l.Kind == agree.KindRelations {
			if err := writeRelationTables(w, name, l, num); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(w, "\nlayer %s: %s, %s level (%s)\n", quote(name), plural(l.Documents, "document"), l.Unit, plural(l.Units, l.Unit+" unit"))
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "LABEL\tCOHEN κ\tFLEISS κ\tα\tαu\tF1 EXACT\tF1 OVERLAP\t")
			row := func(label string, m *agree.Measures) {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", label, num(m.CohenKappa), num(m.FleissKappa), num(m.Alpha), num(m.AlphaU), num(m.F1Exact), num(m.F1Overlap))
			}
			row("(all)", &l.Measures)
			for _, label := range l.LabelOrder {
				row(quote(label), l.Labels[label])
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(w)
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "A\tB\tDOCUMENTS\tSPANS A\tSPANS B\tCOHEN κ\tP EXACT\tR EXACT\tF1 EXACT\tP OVERLAP\tR OVERLAP\tF1 OVERLAP\t")
			for _, p := range l.Pairs {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", quote(p.A), quote(p.B), p.Documents, p.SpansA, p.SpansB, num(p.CohenKappa),
					num(p.PrecisionExact), num(p.RecallExact), num(p.F1Exact), num(p.PrecisionOverlap), num(p.RecallOverlap), num(p.F1Overlap))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		matched := "matched spans"
		if l.Kind == agree.KindRelations {
			matched = "relation types, relations matched on (from, to)"
		}
		for i := range l.Pairs {
			p := &l.Pairs[i]
			labels := l.ConfusionLabels(p)
			if len(labels) == 0 {
				continue
			}
			fmt.Fprintf(w, "\nconfusion of %s, %s (rows) × %s (columns); — is no match:\n", matched, quote(p.A), quote(p.B))
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			show := func(s string) string {
				if s == "" {
					return "—"
				}
				return quote(s)
			}
			fmt.Fprint(tw, "\t")
			for _, b := range labels {
				fmt.Fprintf(tw, "%s\t", show(b))
			}
			fmt.Fprintln(tw)
			for _, a := range labels {
				fmt.Fprintf(tw, "%s\t", show(a))
				for _, b := range labels {
					fmt.Fprintf(tw, "%d\t", p.Confusion[a][b])
				}
				fmt.Fprintln(tw)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		notes := l.Notes
		// A reason several labels share is said once, naming them.
		var reasons []string
		byReason := map[string][]string{}
		for _, label := range l.LabelOrder {
			for _, n := range l.Labels[label].Notes {
				if byReason[n] == nil {
					reasons = append(reasons, n)
				}
				byReason[n] = append(byReason[n], quote(label))
			}
		}
		for _, n := range reasons {
			notes = append(notes, strings.Join(byReason[n], ", ")+": "+n)
		}
		for _, p := range l.Pairs {
			for _, n := range p.Notes {
				notes = append(notes, quote(p.A)+"–"+quote(p.B)+": "+n)
			}
		}
		for _, n := range notes {
			if l.Kind == agree.KindRelations && strings.Contains(n, "measures of span layers") {
				continue // the null columns of the JSON, not in these tables
			}
			fmt.Fprintln(w, "note:", safeText(n))
		}
	}
	return nil
}

// writeRelationTables prints a relation layer's tables: F1 per type, and
// per pair precision, recall and F1 on (from, to, type) and on (from, to).
func writeRelationTables(w io.Writer, name string, l *agree.LayerReport, num func(*float64) string) error {
	fmt.Fprintf(w, "\nrelation layer %s: %s (%s; spans matched by their offsets and label)\n", quote(name), plural(l.Documents, "document"), plural(l.Units, "relation"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TYPE\tRELATIONS\tF1 LABELLED\tF1 UNLABELLED\t")
	fmt.Fprintf(tw, "(all)\t%d\t%s\t%s\t\n", l.Units, num(l.F1Exact), num(l.F1Unlabelled))
	for _, typ := range l.LabelOrder {
		m := l.Labels[typ]
		fmt.Fprintf(tw, "%s\t%d\t%s\t\t\n", quote(typ), m.Units, num(m.F1Exact))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "A\tB\tDOCUMENTS\tRELATIONS A\tRELATIONS B\tP LABELLED\tR LABELLED\tF1 LABELLED\tP UNLABELLED\tR UNLABELLED\tF1 UNLABELLED\t")
	for _, p := range l.Pairs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", quote(p.A), quote(p.B), p.Documents, p.RelationsA, p.RelationsB,
			num(p.PrecisionExact), num(p.RecallExact), num(p.F1Exact), num(p.PrecisionUnlabelled), num(p.RecallUnlabelled), num(p.F1Unlabelled))
	}
	return tw.Flush()
}
