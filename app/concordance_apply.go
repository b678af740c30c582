// The concordance's commands on the checked hits: apply a label or a
// POS tag to them as one undoable step, and export them as a table
// (askTableFile, the table export dialog, serves the frequency list too).

package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

// spanLayers are the layers a label can be applied to from the
// concordance (not the POS layers of CoNLL-U imports).
func (ws *workspace) spanLayers() []string {
	var names []string
	if ws.schema == nil {
		return nil
	}
	for _, l := range ws.schema.Layers {
		if l.Name != export.XPOSLayer && l.Name != export.UPOSLayer {
			names = append(names, l.Name)
		}
	}
	return names
}

// onApplyLabel asks for a layer and label and applies it to the checked
// hits as one undoable step.
func (k *kwicPanel) onApplyLabel() {
	locs, ok := k.hitsToApply()
	if !ok {
		return
	}
	ws := k.ct.ws
	layers := ws.spanLayers()
	if len(layers) == 0 {
		ws.info(lang.L("The schema has no layer: add one in Edit → Label schema"))
		return
	}
	labelSel := newEscSelect(nil, nil)
	layerSel := newEscSelect(layers, func(name string) {
		labelSel.Options = nil
		if l, ok := ws.schema.Layer(name); ok {
			labelSel.Options = l.LabelNames()
		}
		labelSel.ClearSelected()
		if len(labelSel.Options) > 0 {
			labelSel.SetSelectedIndex(0)
		}
		labelSel.Refresh()
	})
	layer := ws.layer
	if !slices.Contains(layers, layer) {
		layer = layers[0]
	}
	layerSel.SetSelected(layer)
	split := newEscCheck(lang.L("Split tokens at the edges of hits, as labelling in the document does"), nil)
	split.SetChecked(true)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Layer"), layerSel),
		widget.NewFormItem(lang.L("Label"), labelSel),
		widget.NewFormItem("", split),
	)
	title := lang.N("Apply a label to {{.N}} hits", len(locs), map[string]any{"N": export.FormatValue(float64(len(locs)))})
	d := newConfirmDialog(title, lang.L("Apply"), lang.L("Cancel"), form, func(ok bool) {
		if !ok || labelSel.Selected == "" {
			ws.focusView()
			return
		}
		k.applyLabel(locs, layerSel.Selected, labelSel.Selected, split.Checked)
	}, ws.win)
	d.Resize(fyne.NewSize(520, 260))
	ws.showDialog(d)
}

// bigApply is the number of hits (or documents) from which applying a
// label is planned off the UI goroutine, behind a progress dialog.
const bigApply = 2000

// applyLabel labels the hits at locs (sorted by document, start and end)
// with layer/label: one corpus step (Ctrl+Z undoes all of it). Hits where
// that span exists already are skipped (a suggestion there is accepted),
// and so are those that would overlap another span in a layer that
// forbids overlaps. Many hits are planned off the UI goroutine, behind a
// progress dialog; the step is then applied on it.
func (k *kwicPanel) applyLabel(locs []hitKey, layer, label string, split bool) {
	ws := k.ct.ws
	if ws.proj == nil || ws.schema == nil {
		return
	}
	l, ok := ws.schema.Layer(layer)
	if !ok {
		return
	}
	p := ws.proj
	forbid := l.Overlap == annotate.OverlapForbidden
	commit := func(plan labelPlan) {
		report := func() {
			ws.info(fmt.Sprintf(lang.L("Labelled %d hits as %s (%d tokens split); skipped %d already labelled and %d that would overlap a span in %s"),
				plan.labelled, layer+"/"+label, plan.splits, plan.same, plan.overlap, layer))
			k.refreshAfterEdit()
			ws.focusView() // Ctrl+Z now undoes the step, not the query's typing
		}
		if len(plan.edits) == 0 {
			report()
			return
		}
		ws.applyCorpusThen(fmt.Sprintf("label hits as %s/%s", layer, label), plan.edits, func(ok bool) {
			if ok {
				report()
			}
		})
	}
	if len(locs) < bigApply && countDocs(locs) <= maxInlineLoads {
		plan, err := planLabel(context.Background(), p, locs, layer, label, forbid, split, nil)
		if err != nil {
			ws.showError(err)
			return
		}
		commit(plan)
		return
	}
	if ws.busy() {
		return
	}
	var plan labelPlan
	n := export.FormatValue(float64(len(locs)))
	ws.runLong(lang.L("Labelling hits"), func(ctx context.Context, progress progressUpdate) error {
		var err error
		plan, err = planLabel(ctx, p, locs, layer, label, forbid, split, func(done int) {
			progress(float64(done)/float64(len(locs)), fmt.Sprintf(lang.L("%s of %s hits"), export.FormatValue(float64(done)), n))
		})
		return err
	}, func(err error) {
		if err != nil {
			ws.showError(err)
			return
		}
		if ws.proj == p {
			commit(plan)
		}
	})
}

// countDocs counts the documents of locs (sorted by document).
func countDocs(locs []hitKey) int {
	n := 0
	for i, h := range locs {
		if i == 0 || h.doc != locs[i-1].doc {
			n++
		}
	}
	return n
}

// labelPlan is the edits labelling hits makes, and what it counted.
type labelPlan struct {
	edits                           []annotate.DocEdit
	labelled, same, overlap, splits int
}

// spanEnds answers whether any of a set of intervals overlaps a given one:
// the intervals sorted by start, with the greatest end of each prefix.
type spanEnds struct {
	starts []int // sorted
	maxEnd []int // maxEnd[i]: the greatest end of the first i intervals
}

func (se *spanEnds) add(start, end int) { // start >= every start added
	if len(se.maxEnd) == 0 {
		se.maxEnd = append(se.maxEnd, 0)
	}
	se.starts = append(se.starts, start)
	se.maxEnd = append(se.maxEnd, max(se.maxEnd[len(se.maxEnd)-1], end))
}

// overlaps reports whether an interval overlaps [start, end): one that
// starts before end and ends after start.
func (se *spanEnds) overlaps(start, end int) bool {
	i, _ := slices.BinarySearch(se.starts, end) // the intervals starting before end
	return i > 0 && se.maxEnd[i] > start
}

// planLabel plans labelling the hits at locs (sorted by document, start
// and end) with layer/label in p's documents (see applyLabel); forbid says
// the layer forbids overlaps, split that tokens are split at the hits'
// edges. Each document's spans are indexed once and its hits looked up
// in them, so the work grows as n log n. progress (if not nil) is told
// how many hits are planned after each document. It reads the live
// documents: no edit may run meanwhile.
func planLabel(ctx context.Context, p *annotate.Project, locs []hitKey, layer, label string, forbid, split bool, progress func(done int)) (labelPlan, error) {
	var plan labelPlan
	done := 0
	for len(locs) > 0 {
		if err := ctx.Err(); err != nil {
			return labelPlan{}, err
		}
		id := locs[0].doc
		n := 1
		for n < len(locs) && locs[n].doc == id {
			n++
		}
		group := locs[:n]
		locs = locs[n:]
		d, err := p.Document(id)
		if err != nil {
			return labelPlan{}, err
		}
		// The layer's spans: those of the label by place (the first of
		// each place, as a scan of d.Spans finds it) and, when overlaps
		// are forbidden, all of them by start.
		exact := map[[2]int]annotate.Span{}
		var existing, added spanEnds
		var layerSpans []annotate.Span
		for _, sp := range d.Spans {
			if sp.Layer != layer {
				continue
			}
			if at := [2]int{sp.Start, sp.End}; sp.Label == label {
				if _, ok := exact[at]; !ok {
					exact[at] = sp
				}
			}
			if forbid {
				layerSpans = append(layerSpans, sp)
			}
		}
		slices.SortFunc(layerSpans, func(a, b annotate.Span) int { return a.Start - b.Start })
		for _, sp := range layerSpans {
			existing.add(sp.Start, sp.End)
		}
		var adds, origins []annotate.Edit
		cuts := map[int]bool{}
		for _, h := range group {
			if sp, ok := exact[[2]int{h.start, h.end}]; ok {
				if sp.Origin == annotate.OriginSuggested {
					origins = append(origins, annotate.SetOrigin{ID: sp.ID, Origin: annotate.OriginManual})
					plan.labelled++
				} else {
					plan.same++
				}
				continue
			}
			if forbid && (existing.overlaps(h.start, h.end) || added.overlaps(h.start, h.end)) {
				plan.overlap++
				continue
			}
			added.add(h.start, h.end) // the hits come by start
			adds = append(adds, annotate.AddSpan{Span: annotate.Span{Layer: layer, Label: label, Start: h.start, End: h.end, Origin: annotate.OriginManual}})
			plan.labelled++
			if split {
				for _, at := range []int{h.start, h.end} {
					if i := d.TokenAt(at); i >= 0 && d.Tokens[i].Start < at && at < d.Tokens[i].End {
						cuts[at] = true
					}
				}
			}
		}
		at := slices.Sorted(maps.Keys(cuts))
		for _, c := range at {
			plan.edits = append(plan.edits, annotate.DocEdit{Doc: id, Edit: annotate.Split{At: c}})
		}
		plan.splits += len(at)
		for _, e := range slices.Concat(origins, adds) {
			plan.edits = append(plan.edits, annotate.DocEdit{Doc: id, Edit: e})
		}
		done += len(group)
		if progress != nil {
			progress(done)
		}
	}
	return plan, nil
}

// onApplyPOS asks for a POS tag and sets it on the checked hits that are
// whole tokens, as one undoable step.
func (k *kwicPanel) onApplyPOS() {
	locs, ok := k.hitsToApply()
	if !ok {
		return
	}
	ws := k.ct.ws
	var tags []string
	if ws.schema != nil {
		for _, t := range ws.schema.POS.Tags {
			tags = append(tags, t.Name)
		}
	}
	var d dialog.Dialog
	tag := newKeySelectEntry(tags, func(name fyne.KeyName) bool {
		if name == fyne.KeyEscape && d != nil {
			d.Hide() // Cancel
			return true
		}
		return false
	})
	tag.SetPlaceHolder(lang.L("POS tag"))
	form := widget.NewForm(widget.NewFormItem(lang.L("POS tag"), tag))
	title := lang.N("Set the POS of {{.N}} hits", len(locs), map[string]any{"N": export.FormatValue(float64(len(locs)))})
	d = newConfirmDialog(title, lang.L("Apply"), lang.L("Cancel"), form, func(ok bool) {
		pos := strings.TrimSpace(tag.Text)
		if !ok || pos == "" {
			ws.focusView()
			return
		}
		k.applyPOS(locs, pos)
	}, ws.win)
	d.Resize(fyne.NewSize(420, 200))
	ws.showDialog(d)
	ws.win.Canvas().Focus(tag)
}

// keySelectEntry is a SelectEntry that gives Esc, ↑ and ↓ to onKey
// first, as keyEntry does (a focused entry keeps Esc from the window).
type keySelectEntry struct {
	widget.SelectEntry
	onKey func(fyne.KeyName) bool // true: handled
}

func newKeySelectEntry(options []string, onKey func(fyne.KeyName) bool) *keySelectEntry {
	e := &keySelectEntry{onKey: onKey}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as NewSelectEntry
	e.SetOptions(options)
	return e
}

// TypedKey gives Esc, ↑ and ↓ to onKey first.
func (e *keySelectEntry) TypedKey(ev *fyne.KeyEvent) {
	if !keyFirst(e.onKey, ev) {
		e.SelectEntry.TypedKey(ev)
	}
}

// applyPOS sets the POS of the tokens the hits at locs are: one corpus
// step. Hits that are not one whole token are skipped, and so are tokens
// the annotator already tagged pos.
func (k *kwicPanel) applyPOS(locs []hitKey, pos string) {
	ws := k.ct.ws
	if ws.proj == nil {
		return
	}
	var edits []annotate.DocEdit
	var notToken, same, set int
	var d *annotate.Document
	for _, h := range locs {
		if d == nil || d.ID != h.doc {
			var err error
			if d, err = ws.proj.Document(h.doc); err != nil {
				ws.showError(err)
				return
			}
		}
		i := d.TokenAt(h.start)
		if i < 0 || d.Tokens[i].Start != h.start || d.Tokens[i].End != h.end {
			notToken++
			continue
		}
		if t := d.Tokens[i]; t.POS == pos && t.Edited {
			same++
			continue
		}
		edits = append(edits, annotate.DocEdit{Doc: h.doc, Edit: annotate.SetPOS{At: h.start, POS: pos}})
		set++
	}
	report := func() {
		ws.info(fmt.Sprintf(lang.L("POS %s set on %d tokens; skipped %d already tagged so and %d hits that are not one whole token"), pos, set, same, notToken))
		k.refreshAfterEdit()
		ws.focusView()
	}
	if len(edits) == 0 {
		report()
		return
	}
	ws.applyCorpusThen(fmt.Sprintf("set POS %s on hits", pos), edits, func(ok bool) {
		if ok {
			report()
		}
	})
}

// refreshAfterEdit searches again when the query names labels or POS
// tags (the edit may have changed its hits), else redraws the rows.
func (k *kwicPanel) refreshAfterEdit() {
	q := k.searched
	if k.res != nil && (q.POS != "" || q.Label != "" || q.Layer != "" || q.LabelText != "") {
		k.search(q)
		return
	}
	clear(k.pages)
	if k.list != nil {
		k.list.Refresh()
	}
}

// onExport writes the checked hits (all hits when none is checked), or
// the relations listed, to a CSV or xlsx file.
func (k *kwicPanel) onExport() {
	ws := k.ct.ws
	if k.rels != nil {
		if len(k.rels) == 0 {
			ws.info(lang.L("No relations to export: search first"))
			return
		}
		ws.askTableFile(lang.L("Export relations"), "relations", func(path string, opts export.TableOptions) {
			k.exportRels(path, opts, nil)
		}, nil)
		return
	}
	if k.res == nil || k.sorting || k.res.Len() == 0 {
		ws.info(lang.L("No hits to export: search first"))
		return
	}
	ws.askTableFile(lang.L("Export hits"), "concordance", func(path string, opts export.TableOptions) {
		k.exportHits(path, opts, nil)
	}, nil)
}

// exportHits writes the checked hits (all when none is) to path behind a
// progress dialog, then calls done (if not nil) with the rows written.
func (k *kwicPanel) exportHits(path string, opts export.TableOptions, done func(n int, err error)) {
	ws := k.ct.ws
	res := k.res
	if res == nil || k.sorting || ws.busy() {
		return
	}
	var pick func(i int) bool
	n := res.Len()
	if c := k.checkedCount(); c > 0 {
		n = c
		all, flip := k.all, maps.Clone(k.flip)
		pick = func(i int) bool {
			doc, s, e := res.Loc(i)
			return all != flip[hitKey{doc, s, e}]
		}
	}
	header := []string{"document", "start", "end", "left", "hit", "right", "pos", "layer", "label"}
	opts.Numbers, opts.Sheet = []int{1, 2}, "concordance"
	var rows [][]string
	ws.runLong(lang.L("Exporting hits"), func(ctx context.Context, progress progressUpdate) error {
		rows = make([][]string, 0, n)
		for from := 0; from < res.Len(); from += 4096 {
			if err := ctx.Err(); err != nil {
				return err
			}
			for j, h := range res.Hits(from, from+4096, kwicWidth) {
				if pick != nil && !pick(from+j) {
					continue
				}
				rows = append(rows, []string{h.DocName, strconv.Itoa(h.Start), strconv.Itoa(h.End), h.Left, h.Match, h.Right, h.POS, h.SpanLayer, h.SpanLabel})
			}
			progress(float64(from)/float64(res.Len()), fmt.Sprintf(lang.L("%s of %s hits"), export.FormatValue(float64(len(rows))), export.FormatValue(float64(n))))
		}
		progress(-1, fmt.Sprintf(lang.L("Writing %s"), filepath.Base(path)))
		return export.WriteTable(ctx, path, header, rows, opts)
	}, func(err error) {
		ws.tableExported(err, len(rows), fmt.Sprintf(lang.L("Exported %s hits to %s"), export.FormatValue(float64(len(rows))), path), done)
	})
}

// tableExported ends a table's export: the error shown, or msg in the
// status bar; then done (if not nil) is called with the rows written.
func (ws *workspace) tableExported(err error, rows int, msg string, done func(n int, err error)) {
	if done != nil {
		defer done(rows, err)
	}
	if err != nil {
		ws.showError(err)
		return
	}
	ws.info(msg)
}

// askTableFile asks where to write a table (folder, file name ending in
// .csv or .xlsx, BOM for Excel) and calls then with the path, or
// cancelled (if not nil) when the dialog is cancelled or cannot be shown,
// or after the error of a bad file name has been shown. base is the file
// name's stem after the project's name.
func (ws *workspace) askTableFile(title, base string, then func(path string, opts export.TableOptions), cancelled func()) {
	if ws.modal() || ws.proj == nil || ws.busy() {
		if cancelled != nil {
			cancelled()
		}
		return
	}
	p := ws.proj
	var d dialog.Dialog
	name := newKeyEntry(func(key fyne.KeyName) bool {
		if key == fyne.KeyEscape && d != nil {
			d.Hide() // Cancel (the entry keeps Esc from the window)
			return true
		}
		return false
	})
	name.SetText(strings.TrimSuffix(filepath.Base(p.Path()), ".biaozhu") + "-" + base + ".xlsx")
	folder := newFolderField(ws, ws.defaultFolder())
	bom := newEscCheck(lang.L("UTF-8 BOM (for Excel)"), nil)
	hint := widget.NewLabel(lang.L("The file name's extension chooses the format: .csv or .xlsx."))
	hint.Importance = widget.LowImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Folder"), folder.root),
		widget.NewFormItem(lang.L("File name"), name),
		widget.NewFormItem("", bom),
		widget.NewFormItem("", hint),
	)
	d = newConfirmDialog(title, lang.L("Export"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			ws.focusView()
			if cancelled != nil {
				cancelled()
			}
			return
		}
		fail := func(err error) {
			ws.lastErr = err
			e := newErrorDialog(err, ws.win)
			e.SetOnClosed(func() {
				ws.focusView()
				if cancelled != nil {
					cancelled()
				}
			})
			ws.showDialog(e)
		}
		if ws.proj != p {
			fail(errors.New(lang.L("the project was closed: nothing exported")))
			return
		}
		path, err := tablePath(folder.path(), name.Text)
		if err != nil {
			fail(err)
			return
		}
		then(path, export.TableOptions{BOM: bom.Checked, Project: p.Path()})
	}, ws.win)
	d.Resize(fyne.NewSize(640, 280))
	ws.showDialog(d)
	ws.win.Canvas().Focus(name) // Esc there cancels
}

// tablePath checks a folder and a file name for a table export: the
// folder exists, the name has no folder in it and ends in .csv or .xlsx.
func tablePath(dir, name string) (string, error) {
	base, err := fileName(name)
	if err != nil {
		return "", err
	}
	switch strings.ToLower(filepath.Ext(base)) {
	case ".csv", ".xlsx":
	default:
		return "", fmt.Errorf(lang.L("%q: the file name must end in .csv or .xlsx"), base)
	}
	d, err := folderPath(dir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(d, base)
	if isDir(path) {
		return "", fmt.Errorf(lang.L("%s is a folder: choose a file name for the export"), path)
	}
	return path, nil
}
