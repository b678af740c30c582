package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

// goldFilter is what Learn from a gold corpus… offers: CoNLL-U, and text
// with spaces between words (the SIGHAN bakeoff's gold files end in .utf8).
func goldFilter() storage.FileFilter {
	return storage.NewExtensionFileFilter([]string{".conllu", ".txt", ".utf8"})
}

// onLearnGold asks for a gold corpus file and teaches the project's
// segmenter its segmentation (learnGold).
func (ws *workspace) onLearnGold() {
	if ws.modal() || ws.busy() {
		return
	}
	if ws.proj == nil {
		ws.info(lang.L("Open or create a project first"))
		return
	}
	ws.chooseFile(goldFilter(), func(path string) { ws.learnGold(path, nil) })
}

// goldSummary is what learnGold shows: the corpus, whether it was new, and
// what the project's segmenter learns from now.
type goldSummary struct {
	corpus         annotate.GoldCorpus
	added          bool
	corpora, sents int
	words, stopped int
}

// learnGold reads the gold corpus at path (export.ReadGold), stores it in
// the project (AddGoldCorpus: the segmenter learns it from now on, as if
// an annotator had corrected its sentences) and builds the project's
// Learner to show what it learns, off the UI goroutine behind a progress
// dialog with Cancel. Cancelled before the corpus is stored, nothing is
// stored. then, when not nil, gets the outcome.
func (ws *workspace) learnGold(path string, then func(error)) {
	if ws.proj == nil || ws.busy() {
		return
	}
	p := ws.proj
	name := filepath.Base(path)
	var (
		sum    goldSummary
		stored bool
	)
	ws.runLong(lang.L("Learn from a gold corpus"), func(ctx context.Context, progress progressUpdate) error {
		progress(-1, fmt.Sprintf(lang.L("Reading %s…"), name))
		sents, err := export.ReadGold(path)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		progress(-1, fmt.Sprintf(lang.L("Storing %s in the project…"), name))
		if sum.corpus, sum.added, err = p.AddGoldCorpus(ctx, name, sents); err != nil {
			return err
		}
		stored = true
		seg, err := ws.waitSegmenter(ctx, progress)
		if err != nil {
			return err
		}
		l, err := p.LearnerContext(ctx, seg, func(done, total int) {
			progress(float64(done)/float64(max(total, 1)), fmt.Sprintf(lang.L("Learning: %d of %d gold sentences"), done, total))
		})
		if err != nil {
			return err
		}
		corpora, err := p.GoldCorpora()
		if err != nil {
			return err
		}
		sum.corpora = len(corpora)
		for _, c := range corpora {
			sum.sents += c.Sentences
		}
		added, stopped := l.Words()
		sum.words, sum.stopped = len(added), len(stopped)
		return nil
	}, func(err error) {
		defer func() {
			if then != nil {
				then(err)
			}
		}()
		switch {
		case errors.Is(err, context.Canceled) && !stored:
			ws.info(lang.L("Cancelled: nothing was learnt"))
		case errors.Is(err, context.Canceled):
			ws.info(fmt.Sprintf(lang.L("%s is learnt; cancelled before the summary"), name))
		case err != nil:
			ws.showError(err)
		default:
			ws.showGoldSummary(name, sum)
		}
	})
}

// showGoldSummary shows what learnGold did.
func (ws *workspace) showGoldSummary(name string, s goldSummary) {
	head := fmt.Sprintf(lang.L("Learnt %s."), name)
	if !s.added {
		head = fmt.Sprintf(lang.L("%s was learnt before (as %s): nothing was added."), name, s.corpus.Name)
	}
	ws.info(head)
	n := func(v int) string { return export.FormatValue(float64(v)) }
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Sentences"), widget.NewLabel(n(s.corpus.Sentences))),
		widget.NewFormItem(lang.L("Words"), widget.NewLabel(n(s.corpus.Tokens))),
		widget.NewFormItem(lang.L("Gold corpora learnt"), widget.NewLabel(n(s.corpora))),
		widget.NewFormItem(lang.L("Gold sentences learnt"), widget.NewLabel(n(s.sents))),
		widget.NewFormItem(lang.L("Words the segmenter adds"), widget.NewLabel(n(s.words))),
		widget.NewFormItem(lang.L("Dictionary words it stops"), widget.NewLabel(n(s.stopped))),
	)
	note := widget.NewLabel(lang.L("Corpus → Re-segment untouched documents applies it to the documents."))
	note.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), form, note)
	d := newCustomDialog(lang.L("Learn from a gold corpus"), lang.L("Close"), container.NewGridWrap(fyne.NewSize(480, body.MinSize().Height), body), ws.win)
	d.SetOnClosed(ws.focusView)
	ws.showDialog(d)
}
