package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// Suggestions, label-all and re-segmentation: the Corpus menu's commands
// that change many places at once. Each is one undoable step (a corpus
// step when it changes several documents): Ctrl+Z right after undoes all
// of it. The work that reads the corpus runs off the UI goroutine behind a
// progress dialog with Cancel; the step itself is applied on the UI
// goroutine, where the open document lives.

// docScope is which documents a corpus command works on.
type docScope int

const (
	scopeDocument docScope = iota // the open document
	scopeNotDone                  // every document not marked done
	scopeAll                      // every document
)

func scopeNames() []string {
	return []string{lang.L("This document"), lang.L("Documents not marked done"), lang.L("All documents")}
}

// scopeDocs lists the documents of scope, in project order.
func (ws *workspace) scopeDocs(scope docScope) []int64 {
	var ids []int64
	for _, d := range ws.docs {
		switch {
		case scope == scopeDocument && (ws.doc == nil || d.ID != ws.doc.ID):
		case scope == scopeNotDone && d.Status == annotate.StatusDone:
		default:
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// suggestConfig is what the Suggest dialog chose.
type suggestConfig struct {
	opts       corpus.SuggestOptions
	gazetteers []string // files, each read with the default label gazLabel
	gazLabel   string
	scope      docScope
}

// prefKey is the preference key of name for the open project.
func (ws *workspace) prefKey(name string) string { return name + ":" + ws.proj.Path() }

// onSuggest shows the Suggest dialog: the sources (POS tags as mapped in
// the schema, gazetteer files, the project's confirmed spans), the layer,
// and the documents.
func (ws *workspace) onSuggest() {
	if ws.proj == nil || ws.modal() || ws.busy() {
		return
	}
	schema := ws.proj.Schema()
	if len(schema.Layers) == 0 {
		ws.info(lang.L("The schema has no layer: add one in Edit → Label schema"))
		return
	}
	layerSel := newEscSelect(schema.LayerNames(), nil)
	labelSel := newEscSelect(nil, nil)
	posInfo := widget.NewLabel("")
	posInfo.Wrapping = fyne.TextWrapWord
	posInfo.Importance = widget.LowImportance
	setLayer := func(name string) {
		l, ok := schema.Layer(name)
		if !ok {
			return
		}
		labelSel.Options = l.LabelNames()
		if len(l.Labels) > 0 && !slices.Contains(labelSel.Options, labelSel.Selected) {
			labelSel.SetSelected(l.Labels[0].Name)
		}
		labelSel.Refresh()
		var maps []string
		for _, lb := range l.Labels {
			if len(lb.POS) > 0 {
				maps = append(maps, lb.Name+" ← "+strings.Join(lb.POS, ", "))
			}
		}
		if len(maps) == 0 {
			posInfo.SetText(lang.L("No label of this layer lists POS tags (Label schema → Suggest from POS)"))
		} else {
			posInfo.SetText(strings.Join(maps, "   "))
		}
	}
	layerSel.OnChanged = setLayer
	layer := ws.layer
	if _, ok := schema.Layer(layer); !ok {
		layer = schema.Layers[0].Name
	}
	layerSel.SetSelected(layer)

	usePOS := newEscCheck(lang.L("From POS tags"), nil)
	usePOS.SetChecked(ws.prefs.BoolWithFallback("suggest.pos", true))
	useConfirmed := newEscCheck(lang.L("From the project's confirmed spans (label all occurrences)"), nil)
	useConfirmed.SetChecked(ws.prefs.BoolWithFallback("suggest.confirmed", true))
	inside := newEscCheck(lang.L("Also inside words"), nil)
	inside.SetChecked(ws.prefs.BoolWithFallback("suggest.inside", false))

	gaz := slices.DeleteFunc(ws.prefs.StringList(ws.prefKey("gazetteers")), func(s string) bool { return s == "" })
	gazList := newEscList(func() int { return len(gaz) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(gaz) {
				o.(*widget.Label).SetText(gaz[id])
			}
		})
	gazSel := -1
	gazList.OnSelected = func(id widget.ListItemID) { gazSel = id }
	useGaz := newEscCheck(lang.L("From gazetteers (one term per line, or term⇥label)"), nil)
	useGaz.SetChecked(len(gaz) > 0 && ws.prefs.BoolWithFallback("suggest.gazetteers", true))
	addGaz := newEscButton(lang.L("Add gazetteer…"), nil, func() {
		ws.chooseFile(nil, func(path string) {
			if !slices.Contains(gaz, path) {
				gaz = append(gaz, path)
			}
			useGaz.SetChecked(true)
			gazList.Refresh()
		})
	})
	removeGaz := newEscButton(lang.L("Remove"), nil, func() {
		if gazSel >= 0 && gazSel < len(gaz) {
			gaz = slices.Delete(gaz, gazSel, gazSel+1)
			gazSel = -1
			gazList.UnselectAll()
			gazList.Refresh()
		}
	})
	scopeSel := newEscRadio(scopeNames(), nil)
	if ws.doc == nil {
		scopeSel.SetSelected(scopeNames()[1])
	}

	gazBox := container.NewBorder(nil, container.NewHBox(addGaz, removeGaz,
		widget.NewLabel(lang.L("Label of lines without one:")), labelSel), nil, nil,
		container.NewGridWrap(fyne.NewSize(560, 90), gazList))
	form := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Layer")), nil, layerSel),
		usePOS, posInfo,
		useGaz, gazBox,
		useConfirmed, inside,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Documents"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		scopeSel)
	dlg := newConfirmDialog(lang.L("Suggest spans"), lang.L("Suggest"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		ws.prefs.SetBool("suggest.pos", usePOS.Checked)
		ws.prefs.SetBool("suggest.confirmed", useConfirmed.Checked)
		ws.prefs.SetBool("suggest.inside", inside.Checked)
		ws.prefs.SetBool("suggest.gazetteers", useGaz.Checked)
		ws.prefs.SetStringList(ws.prefKey("gazetteers"), gaz)
		cfg := suggestConfig{
			opts:     corpus.SuggestOptions{Layer: layerSel.Selected, POS: usePOS.Checked, Confirmed: useConfirmed.Checked, InsideWords: inside.Checked},
			gazLabel: labelSel.Selected,
			scope:    docScope(slices.Index(scopeNames(), scopeSel.Selected)),
		}
		if useGaz.Checked {
			cfg.gazetteers = slices.Clone(gaz)
		}
		ws.runSuggest(cfg, nil)
	}, ws.win)
	dlg.Resize(fyne.NewSize(640, 560))
	ws.showDialog(dlg)
}

// runSuggest makes the suggestions of cfg as one step and reports them;
// then, when not nil, is told the outcome.
func (ws *workspace) runSuggest(cfg suggestConfig, then func(err error)) {
	if ws.proj == nil || ws.busy() {
		return
	}
	if !cfg.opts.POS && !cfg.opts.Confirmed && len(cfg.gazetteers) == 0 {
		ws.info(lang.L("Choose at least one source of suggestions"))
		return
	}
	p, schema, ids := ws.proj, ws.proj.Schema(), ws.scopeDocs(cfg.scope)
	var edits []annotate.DocEdit
	var warnings []string
	var skipped corpus.Skipped
	reasons := map[suggestionKey]corpus.Reason{}
	total := 0
	ws.runLong(lang.L("Suggesting spans"), func(ctx context.Context, progress progressUpdate) error {
		opts := cfg.opts
		for _, path := range cfg.gazetteers {
			progress(-1, fmt.Sprintf(lang.L("Reading %s"), filepath.Base(path)))
			g, err := corpus.LoadGazetteer(path, opts.Layer, cfg.gazLabel)
			if err != nil {
				return err
			}
			warnings = append(warnings, g.Warnings...)
			opts.Gazetteers = append(opts.Gazetteers, g)
		}
		if err := opts.Check(schema); err != nil {
			return err
		}
		var confirmed map[string]string
		if opts.Confirmed {
			var err error
			if confirmed, err = corpus.ConfirmedStrings(p, opts.Layer); err != nil {
				return err
			}
		}
		rejected, err := corpus.RejectedStrings(p, opts.Layer)
		if err != nil {
			return err
		}
		opts.Rejected = rejected
		s := corpus.NewSuggester(schema, opts, confirmed)
		warnings = append(warnings, s.Warnings()...)
		for i, id := range ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			d, err := p.Document(id)
			if err != nil {
				return err
			}
			spans, why, sk := s.SuggestWhy(d)
			skipped.Add(sk)
			for k, sp := range spans {
				reasons[suggestionKey{id, sp.Layer, sp.Label, sp.Start, sp.End}] = why[k]
			}
			if len(spans) > 0 {
				e := corpus.SuggestEdit(d, spans)
				if b, ok := e.(annotate.Batch); !ok || len(b.Edits) > 0 {
					edits = append(edits, annotate.DocEdit{Doc: id, Edit: e})
					if ok {
						total += len(b.Edits)
					}
				}
			}
			progress(float64(i+1)/float64(len(ids)), fmt.Sprintf(lang.L("%d of %d documents"), i+1, len(ids)))
		}
		return nil
	}, func(err error) {
		defer func() {
			if then != nil {
				then(err)
			}
		}()
		if errors.Is(err, context.Canceled) {
			ws.info(lang.L("Cancelled: nothing was changed"))
			return
		}
		if err != nil {
			ws.showError(err)
			return
		}
		maps.Copy(ws.sgReasons, reasons)
		skip := skippedText(skipped)
		if total == 0 {
			msg := lang.L("No new suggestions")
			if skip != "" {
				msg += ": " + skip
			}
			ws.info(msg)
		} else if ws.applyCorpus(fmt.Sprintf("suggest %d spans", total), edits) {
			msg := lang.N("{{.Count}} suggestions in {{.Docs}}: Enter accepts, Backspace rejects (Ctrl+Z undoes them all)", total, map[string]any{"Count": total, "Docs": nDocs(len(edits))})
			if skip != "" {
				msg += " · " + skip
			}
			ws.info(msg)
		}
		if len(warnings) > 0 {
			ws.showWarnings(lang.L("Suggestions"), warnings)
		}
	})
}

// skippedText says what Suggest skipped as noise, and why ("" for
// nothing): "2 single characters skipped, 1 not shaped like a name".
func skippedText(k corpus.Skipped) string {
	var parts []string
	n := func(c int) map[string]any { return map[string]any{"Count": c} }
	if c := k.SingleChars; c > 0 {
		parts = append(parts, lang.N("{{.Count}} single characters skipped", c, n(c)))
	}
	if c := k.Rejected; c > 0 {
		parts = append(parts, lang.N("{{.Count}} rejected before", c, n(c)))
	}
	if c := k.NotName; c > 0 {
		parts = append(parts, lang.N("{{.Count}} not shaped like a name", c, n(c)))
	}
	if c := k.InCompound; c > 0 {
		parts = append(parts, lang.N("{{.Count}} inside a compound (after a noun)", c, n(c)))
	}
	return strings.Join(parts, ", ")
}

// suggestionKey is a suggestion's document and place, for its reason.
type suggestionKey struct {
	doc          int64
	layer, label string
	start, end   int
}

// suggestionReason says why span sp of the open document was suggested,
// in the UI's language: as Suggest said in this session, else from the
// tag of the token it covers when the label lists it; "" when unknown.
func (ws *workspace) suggestionReason(sp *annotate.Span) string {
	r, known := ws.sgReasons[suggestionKey{ws.doc.ID, sp.Layer, sp.Label, sp.Start, sp.End}]
	if !known {
		if i := ws.doc.TokenAt(sp.Start); i >= 0 && ws.doc.Tokens[i].Start == sp.Start && ws.doc.Tokens[i].End == sp.End {
			if l, ok := ws.schema.Layer(sp.Layer); ok {
				if lb, ok := l.Label(sp.Label); ok && slices.Contains(lb.POS, ws.doc.Tokens[i].POS) {
					r, known = corpus.Reason{Source: "pos", POS: ws.doc.Tokens[i].POS}, true
				}
			}
		}
		if !known {
			return ""
		}
	}
	switch r.Source {
	case "pos":
		tag := r.POS
		if g := ws.insp.glosses[tag]; g != "" {
			tag += " (" + g + ")"
		}
		return fmt.Sprintf(lang.L("from the segmenter's POS tag %s"), tag)
	case "gazetteer":
		return lang.L("in a gazetteer")
	case "confirmed":
		return lang.L("labelled so elsewhere in the project")
	}
	return ""
}

// showWarnings lists warnings in a dialog (the first 200).
func (ws *workspace) showWarnings(title string, warnings []string) {
	n := len(warnings)
	if n > 200 {
		warnings = append(warnings[:200:200], fmt.Sprintf(lang.L("… and %d more"), n-200))
	}
	text := widget.NewLabel(strings.Join(warnings, "\n"))
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(560, 240))
	ws.showDialog(newCustomDialog(title, lang.L("Close"), scroll, ws.win))
}

// onAcceptAll accepts every suggestion of the open document (or, when it
// has none, offers the whole corpus).
func (ws *workspace) onAcceptAll() { ws.allSuggestions(true) }

// onRejectAll rejects every suggestion of the open document (or of the
// corpus); rejected places are not suggested again.
func (ws *workspace) onRejectAll() { ws.allSuggestions(false) }

func (ws *workspace) allSuggestions(accept bool) {
	if ws.proj == nil || ws.modal() || ws.busy() {
		return
	}
	edit := corpus.RejectAll
	if accept {
		edit = corpus.AcceptAll
	}
	count := func(ids []int64) (edits []annotate.DocEdit, n int) {
		for _, id := range ids {
			d, err := ws.proj.Document(id)
			if err != nil {
				ws.showError(err)
				return nil, 0
			}
			if b, ok := edit(d, "").(annotate.Batch); ok && len(b.Edits) > 0 {
				edits = append(edits, annotate.DocEdit{Doc: id, Edit: b})
				n += len(b.Edits)
			}
		}
		return edits, n
	}
	name := "reject %d suggestions"
	if accept {
		name = "accept %d suggestions"
	}
	if ws.doc != nil {
		if edits, n := count([]int64{ws.doc.ID}); n > 0 {
			ws.applyCorpus(fmt.Sprintf(name, n), edits)
			return
		}
	}
	// None here: offer the documents not marked done.
	edits, n := count(ws.scopeDocs(scopeNotDone))
	if n == 0 {
		ws.info(lang.L("No suggestions to accept or reject"))
		return
	}
	data := map[string]any{"Count": n, "Docs": nDocs(len(edits))}
	msg := lang.N("No suggestions in this document. Reject all {{.Count}} suggestions in {{.Docs}} not marked done?", n, data)
	if accept {
		msg = lang.N("No suggestions in this document. Accept all {{.Count}} suggestions in {{.Docs}} not marked done?", n, data)
	}
	ws.showDialog(newYesNoDialog(lang.L("Suggestions"), msg, func(ok bool) {
		if ok {
			ws.applyCorpus(fmt.Sprintf(name, n), edits)
		}
	}, ws.win))
}

// onLabelAll labels every other occurrence of the selected span's text
// with its label, in this document or in the corpus, as one step.
func (ws *workspace) onLabelAll() {
	if ws.proj == nil || ws.doc == nil || ws.modal() || ws.busy() {
		return
	}
	sp, ok := ws.spanUnderCursor()
	if !ok {
		ws.info(lang.L("Select a span first: label all gives its label to every other occurrence of its text"))
		return
	}
	text := ws.doc.Slice(sp.Start, sp.End)
	scopeSel := newEscRadio(scopeNames(), nil)
	inside := newEscCheck(lang.L("Also inside words"), nil)
	body := container.NewVBox(
		widget.NewLabel(fmt.Sprintf(lang.L("Label every occurrence of “%s” as %s/%s in:"), text, sp.Layer, sp.Label)),
		scopeSel, inside)
	ws.showDialog(newConfirmDialog(lang.L("Label all occurrences"), lang.L("Label all"), lang.L("Cancel"), body, func(ok bool) {
		if ok {
			ws.labelAll(text, sp.Layer, sp.Label, docScope(slices.Index(scopeNames(), scopeSel.Selected)), inside.Checked)
		}
	}, ws.win))
}

// labelAll gives layer/label to every occurrence of text in the documents
// of scope, as one step.
func (ws *workspace) labelAll(text, layer, label string, scope docScope, inside bool) bool {
	var edits []annotate.DocEdit
	n := 0
	for _, id := range ws.scopeDocs(scope) {
		d, err := ws.proj.Document(id)
		if err != nil {
			ws.showError(err)
			return false
		}
		if es := corpus.LabelAll(d, text, layer, label, inside); len(es) > 0 {
			edits = append(edits, annotate.DocEdit{Doc: id, Edit: annotate.Batch{Name: "label all", Edits: es}})
			n += len(es)
		}
	}
	if n == 0 {
		ws.info(fmt.Sprintf(lang.L("No other occurrence of “%s” to label"), text))
		return false
	}
	return ws.applyCorpus(fmt.Sprintf("label all %d occurrences of %q as %s", n, text, label), edits)
}

// learner builds the project's Learner (what its gold corpora, merges and
// splits taught) off the UI goroutine.
func (ws *workspace) learner(ctx context.Context, progress progressUpdate) (*text.Learner, error) {
	seg, err := ws.waitSegmenter(ctx, progress)
	if err != nil {
		return nil, err
	}
	progress(-1, lang.L("Learning from the merges and splits…"))
	return ws.proj.LearnerContext(ctx, seg, func(done, total int) {
		if total > 0 {
			progress(float64(done)/float64(total), fmt.Sprintf(lang.L("Learning: %d of %d gold sentences"), done, total))
		}
	})
}

// onResegment re-segments, with what the annotator's merges and splits
// taught, the tokens the annotator has not edited in the documents not
// marked done. Edited tokens keep theirs; one Ctrl+Z undoes it all.
func (ws *workspace) onResegment() {
	if ws.proj == nil || ws.modal() || ws.busy() {
		return
	}
	var ids []int64
	gold := 0
	for _, d := range ws.docs {
		switch {
		case d.Status == annotate.StatusDone:
		case d.TokensFrom == annotate.TokensImported:
			gold++
		default:
			ids = append(ids, d.ID)
		}
	}
	if len(ids) == 0 {
		ws.info(lang.L("No document to re-segment: every one is marked done or has imported gold tokens"))
		return
	}
	msg := lang.N("Re-segment the {{.Count}} documents not marked done with what your merges and splits taught? Sentences you edited keep their tokens; Ctrl+Z undoes it.", len(ids), map[string]any{"Count": len(ids)})
	if gold > 0 {
		msg += "\n" + lang.N("{{.Count}} documents with imported gold tokens are left as they are.", gold, map[string]any{"Count": gold})
	}
	ws.showDialog(newYesNoDialog(lang.L("Re-segment untouched documents"), msg, func(ok bool) {
		if ok {
			ws.runResegment(ids, nil)
		}
	}, ws.win))
}

// runResegment plans the re-segmentation of ids off the UI goroutine and
// applies it as one step.
func (ws *workspace) runResegment(ids []int64, then func(err error)) {
	if ws.proj == nil || ws.busy() {
		return
	}
	p := ws.proj
	var edits []annotate.DocEdit
	changed := 0
	ws.runLong(lang.L("Re-segmenting"), func(ctx context.Context, progress progressUpdate) error {
		l, err := ws.learner(ctx, progress)
		if err != nil {
			return err
		}
		edits, changed, err = p.PlanResegment(ctx, l, ids, func(done, total int) {
			progress(float64(done)/float64(total), fmt.Sprintf(lang.L("%d of %d documents"), done, total))
		})
		return err
	}, func(err error) {
		defer func() {
			if then != nil {
				then(err)
			}
		}()
		switch {
		case errors.Is(err, context.Canceled):
			ws.info(lang.L("Cancelled: nothing was changed"))
		case err != nil:
			ws.showError(err)
		case len(edits) == 0:
			ws.info(lang.L("Re-segmentation changes nothing"))
		default:
			if ws.applyCorpus(fmt.Sprintf("re-segment %d documents", len(edits)), edits) {
				ws.info(lang.N("{{.Count}} new tokens in {{.Docs}} (Ctrl+Z undoes it)", changed, map[string]any{"Count": changed, "Docs": nDocs(len(edits))}))
			}
		}
	})
}

// onLearntWords shows what the segmenter has learnt: words it now makes
// and dictionary words it no longer makes.
func (ws *workspace) onLearntWords() {
	if ws.proj == nil || ws.modal() || ws.busy() {
		return
	}
	var words text.WordLists
	ws.runLong(lang.L("Learnt words"), func(ctx context.Context, progress progressUpdate) error {
		l, err := ws.learner(ctx, progress)
		if err != nil {
			return err
		}
		words = l.WordLists()
		return nil
	}, func(err error) {
		if err != nil {
			ws.showError(err)
			return
		}
		list := func(title string, words []string) fyne.CanvasObject {
			text := widget.NewLabel(strings.Join(words, "  "))
			if len(words) == 0 {
				text.SetText(lang.L("(none yet)"))
			}
			text.Wrapping = fyne.TextWrapWord
			return container.NewVBox(widget.NewLabelWithStyle(fmt.Sprintf("%s (%d)", title, len(words)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), text)
		}
		body := container.NewVBox(
			list(lang.L("Words your merges taught"), words.Merged),
			list(lang.L("Words your splits cut out"), words.Pieces),
			list(lang.L("Dictionary words your splits stopped"), words.Stopped))
		if len(words.User) > 0 {
			body.Add(list(lang.L("Words of the user dictionary"), words.User))
		}
		body.Add(widget.NewLabel(lang.L("Splits made only to label part of a token teach nothing. Corpus → Re-segment untouched documents applies the rest.")))
		scroll := container.NewVScroll(body)
		scroll.SetMinSize(fyne.NewSize(min(560, ws.win.Canvas().Size().Width-80), 300))
		ws.showDialog(newCustomDialog(lang.L("Learnt words"), lang.L("Close"), scroll, ws.win))
	})
}
