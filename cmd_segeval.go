// The segeval subcommand: the segmenter's word precision, recall and F1
// against a gold CoNLL-U file: the dictionary's, or with -p a project's
// learnt segmenter.

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

func cmdSegEval(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("segeval", flag.ContinueOnError)
	project := fs.String("p", "", "score the project's learnt segmenter (gold corpora, corrections, user dictionary)")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sents, err := export.ReadCoNLLU(path, f)
	if err != nil {
		return err
	}
	// The project is opened before the dictionary loads: a bad -p is
	// reported at once.
	var p *annotate.Project
	if *project != "" {
		if p, err = annotate.Open(*project, annotate.Options{ReadOnly: true}); err != nil {
			return fmt.Errorf("segeval: %w", err)
		}
		defer p.Close()
	}
	seg, err := segmenter(ctx)
	if err != nil {
		return err
	}
	segment := func(s string) []text.Token { return seg.Segment(s) }
	if p != nil {
		l, err := p.LearnerContext(ctx, seg, nil)
		if err != nil {
			return fmt.Errorf("segeval: %w", err)
		}
		p.Close()
		segment = l.Segment
	}
	var score text.SegScore
	for _, s := range sents {
		if err := ctx.Err(); err != nil {
			return err
		}
		gold := make([]string, len(s.Words))
		for i, w := range s.Words {
			gold[i] = w.Form
		}
		text := s.Text
		if text == "" {
			text = strings.Join(gold, "")
		}
		var pred []string
		for _, t := range segment(text) {
			pred = append(pred, t.Text)
		}
		score.Add(gold, pred)
	}
	fmt.Printf("%s: %d sentences, %d gold words, %d predicted, %d correct\n", quote(path), len(sents), score.Gold, score.Pred, score.Correct)
	fmt.Println(score)
	return nil
}
