// The learn subcommand: teach a project's segmenter the segmentation of
// gold corpora (CoNLL-U, or text with spaces between words), kept in the
// project; list and forget them.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

func cmdLearn(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("learn", flag.ContinueOnError)
	project := fs.String("p", "", "the project file")
	list := fs.Bool("list", false, "list the gold corpora the project learnt from")
	forget := fs.String("forget", "", "forget the gold corpus with this ID (see -list)")
	files, err := parseFlags(fs, args, false)
	if err != nil {
		return err
	}
	switch {
	case *project == "":
		return fmt.Errorf("learn: -p PROJECT is required: %w", errUsage)
	case (*list || *forget != "") && len(files) > 0:
		return fmt.Errorf("learn: -list and -forget take no FILE: %w", errUsage)
	case !*list && *forget == "" && len(files) == 0:
		return fmt.Errorf("learn: no GOLD file to learn: %w", errUsage)
	}
	// Open, not OpenOrCreate: a project that is not there is an error.
	p, err := annotate.Open(*project, annotate.Options{ReadOnly: *list})
	if err != nil {
		return fmt.Errorf("learn: %w", err)
	}
	defer p.Close()
	if w := p.Warning(); w != nil {
		fmt.Fprintf(os.Stderr, "biaozhu: warning: %s\n", safeText(w.Error()))
	}
	switch {
	case *list:
		return listGold(p)
	case *forget != "":
		id, err := strconv.ParseInt(*forget, 10, 64)
		if err != nil {
			return fmt.Errorf("learn: -forget %q: want a gold corpus ID (see -list): %w", *forget, errUsage)
		}
		if err := p.RemoveGoldCorpus(id); err != nil {
			return fmt.Errorf("learn: %w", err)
		}
		fmt.Printf("forgot gold corpus %d\n", id)
		return p.Close()
	}
	// Each file is read and stored on its own: a bad file is reported and
	// the others are learnt (exit status 1).
	failed, learnt := 0, 0
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("learn: interrupted: %w", err)
		}
		sents, err := export.ReadGold(f)
		if err != nil {
			// ReadGold's errors name the file.
			fmt.Fprintf(os.Stderr, "%s\n", safeText(err.Error()))
			failed++
			continue
		}
		c, added, err := p.AddGoldCorpus(ctx, filepath.Base(f), sents)
		switch {
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("learn: interrupted: %s was not learnt", quote(f))
		case err != nil:
			fmt.Fprintf(os.Stderr, "%s: %s\n", quote(f), safeText(err.Error()))
			failed++
		case !added:
			fmt.Fprintf(os.Stderr, "%s: already learnt (gold corpus %d, %s, as %s), skipped\n", quote(f), c.ID, plural(c.Sentences, "sentence"), quote(c.Name))
		default:
			fmt.Fprintf(os.Stderr, "%s: learnt %s with %s (gold corpus %d)\n", quote(f), plural(c.Sentences, "sentence"), plural(c.Tokens, "word"), c.ID)
			learnt++
		}
	}
	// What the project's segmenter now is: the Learner built as the
	// workspace and segeval -p build it.
	fmt.Fprintln(os.Stderr, "loading dictionary…")
	seg, err := segmenter(ctx)
	if err != nil {
		return fmt.Errorf("learn: %w", err)
	}
	l, err := p.LearnerContext(ctx, seg, nil)
	if err != nil {
		return fmt.Errorf("learn: %w", err)
	}
	corpora, err := p.GoldCorpora()
	if err != nil {
		return fmt.Errorf("learn: %w", err)
	}
	n := 0
	for _, c := range corpora {
		n += c.Sentences
	}
	added, stopped := l.Words()
	in := "1 gold corpus"
	if len(corpora) != 1 {
		in = thousands(len(corpora)) + " gold corpora"
	}
	fmt.Printf("learnt %s; the project's segmenter learns from %s in %s: %s added, %s stopped\n",
		plural(learnt, "file"), plural(n, "gold sentence"), in, plural(len(added), "word"), plural(len(stopped), "word"))
	if err := p.Close(); err != nil {
		return fmt.Errorf("learn: %w", err)
	}
	if failed > 0 {
		return errors.New("learn: " + plural(failed, "file") + " not learnt")
	}
	return nil
}

// listGold prints the gold corpora of p, one a line.
func listGold(p *annotate.Project) error {
	corpora, err := p.GoldCorpora()
	if err != nil {
		return fmt.Errorf("learn: %w", err)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSENTENCES\tWORDS\tADDED")
	for _, c := range corpora {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\n", c.ID, quote(c.Name), c.Sentences, c.Tokens, c.Added.Local().Format("2006-01-02 15:04"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return p.Close()
}
