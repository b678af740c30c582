package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

// The corpus tools: the concordance panel (Ctrl+F, docked under the
// document), the frequency lists (Ctrl+Shift+F) and the statistics
// (Ctrl+Shift+T), all answered from one annotate.Index of the open
// project.
//
// The index is built in the background when a project opens (or on first
// use, behind a progress dialog with Cancel). Before each use it indexes
// again the documents changed since it indexed them: those an edit, undo
// or redo marked through ws.onDocChanged, and those changed another way
// (imports, schema changes: documents added, removed or stored later).
// Edits only mark: indexing a large document again on every key would
// double the cost of an edit. Searches run off the UI goroutine against
// the index's snapshot; only the page of hits on screen is ever turned
// into text.

// corpusTools is a workspace's corpus index and the views on it.
type corpusTools struct {
	ws     *workspace
	proj   *annotate.Project   // the project ix indexes
	ix     *annotate.Index     // nil until built
	stamps map[int64]time.Time // when each document was indexed (the project's Updated then)
	kwic   *kwicPanel
	freq   *freqView // the frequency list shown, nil when none

	// building is the index being built in the background since the
	// project opened, nil when none.
	building *backgroundIndex
}

// backgroundIndex is an index being built off the UI goroutine.
type backgroundIndex struct {
	proj   *annotate.Project
	cancel context.CancelFunc
	done   chan struct{} // closed when ix or err is set
	ix     *annotate.Index
	stamps map[int64]time.Time
	err    error
}

// buildInBackground starts building the open project's index off the UI
// goroutine, without a dialog: the first search then finds it ready.
// BuildIndex reads the project file, not the live documents, so the
// annotator edits meanwhile; documents stored after the build began are
// indexed again before the first use (their stamps are from before it).
func (ct *corpusTools) buildInBackground() {
	ws := ct.ws
	p := ws.proj
	if p == nil {
		return
	}
	ct.drop()
	docs, err := p.Documents()
	if err != nil {
		return // the first use builds it with a dialog and shows the error
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &backgroundIndex{proj: p, cancel: cancel, done: make(chan struct{}), stamps: make(map[int64]time.Time, len(docs))}
	for _, d := range docs {
		b.stamps[d.ID] = d.Updated
	}
	ct.building = b
	go func() {
		start := time.Now()
		ix, err := annotate.BuildIndex(ctx, p, nil)
		fyne.Do(func() {
			b.ix, b.err = ix, err
			close(b.done)
			if ct.building != b {
				return
			}
			ct.building = nil
			if err != nil || ws.proj != p {
				return
			}
			ct.proj, ct.ix, ct.stamps = p, ix, b.stamps
			ws.info(fmt.Sprintf(lang.L("Corpus indexed: %s in %.1f s"), nChars(ix.Chars()), time.Since(start).Seconds()))
		})
	}()
}

// corpus returns ws's corpus tools, made on first use; they follow every
// edit through ws.onDocChanged.
func (ws *workspace) corpus() *corpusTools {
	ct := ws.tools
	if ct == nil {
		ct = &corpusTools{ws: ws}
		ct.kwic = &kwicPanel{ct: ct, cur: -1, flip: map[hitKey]bool{}, pages: map[int][]annotate.Hit{}}
		ws.tools = ct
		ws.onDocChanged = ct.docChanged
	}
	return ct
}

// corpusClosed drops the index and the results of the project being
// closed (closeProject may call it; the tools also notice a new project
// themselves before each use).
func (ws *workspace) corpusClosed() {
	ws.corpus().drop()
}

// drop forgets the index and everything found in it.
func (ct *corpusTools) drop() {
	if b := ct.building; b != nil {
		b.cancel()
		ct.building = nil
	}
	ct.proj, ct.ix, ct.stamps = nil, nil, nil
	ct.kwic.clear()
}

// docChanged marks an edited document to be indexed again before the
// index is next used.
func (ct *corpusTools) docChanged(d *annotate.Document) {
	if ct.ix == nil || ct.proj != ct.ws.proj || d == nil {
		return
	}
	delete(ct.stamps, d.ID)
}

// maxInlineLoads is how many documents the index loads on the UI
// goroutine before a use; more are loaded behind a progress dialog.
const maxInlineLoads = 50

// withIndex calls then with an up-to-date index of the open project:
// building it first if there is none (behind a progress dialog with
// Cancel), else adding the documents it lacks and dropping those gone.
func (ct *corpusTools) withIndex(then func(ix *annotate.Index)) {
	ws := ct.ws
	if ws.proj == nil {
		ws.info(lang.L("Open or create a project first"))
		return
	}
	if ct.proj != ws.proj {
		ct.drop()
	}
	if ws.busy() {
		return
	}
	p := ws.proj
	if b := ct.building; b != nil && b.proj == p {
		// Wait for the background build behind a progress dialog.
		ws.runLong(lang.L("Indexing the corpus"), func(ctx context.Context, progress progressUpdate) error {
			progress(-1, lang.L("Indexing the corpus"))
			select {
			case <-b.done:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, func(err error) {
			if err == nil && ws.proj == p {
				ct.withIndex(then)
			}
		})
		return
	}
	if ct.ix != nil {
		load, err := ct.stale()
		if err != nil {
			ws.showError(err)
			return
		}
		if len(load) <= maxInlineLoads {
			for _, id := range load {
				d, err := p.Document(id)
				if err != nil {
					ws.showError(err)
					return
				}
				ct.ix.Update(d)
				ct.stamps[id] = time.Now()
			}
			then(ct.ix)
			return
		}
		ix := ct.ix
		ws.runLong(lang.L("Updating the corpus index"), func(ctx context.Context, progress progressUpdate) error {
			for i, id := range load {
				if err := ctx.Err(); err != nil {
					return err
				}
				d, err := p.Document(id)
				if err != nil {
					return err
				}
				ix.Update(d)
				progress(float64(i+1)/float64(len(load)), fmt.Sprintf(lang.L("%d of %d documents"), i+1, len(load)))
			}
			return nil
		}, func(err error) {
			if err != nil {
				ct.drop() // partly updated: built again next time
				ws.showError(err)
				return
			}
			if ws.proj == p && ct.ix == ix {
				now := time.Now()
				for _, id := range load {
					ct.stamps[id] = now
				}
				then(ix)
			}
		})
		return
	}
	var ix *annotate.Index
	start := time.Now()
	ws.runLong(lang.L("Indexing the corpus"), func(ctx context.Context, progress progressUpdate) error {
		var err error
		ix, err = annotate.BuildIndex(ctx, p, func(done, total int) {
			progress(float64(done)/float64(max(1, total)), fmt.Sprintf(lang.L("%d of %d documents"), done, total))
		})
		return err
	}, func(err error) {
		if err != nil {
			ws.showError(err)
			return
		}
		if ws.proj != p {
			return
		}
		docs, err := p.Documents()
		if err != nil {
			ws.showError(err)
			return
		}
		ct.proj, ct.ix, ct.stamps = p, ix, make(map[int64]time.Time, len(docs))
		for _, d := range docs {
			ct.stamps[d.ID] = d.Updated
		}
		ws.info(fmt.Sprintf(lang.L("Corpus indexed: %s in %.1f s"), nChars(ix.Chars()), time.Since(start).Seconds()))
		then(ix)
	})
}

// stale lists the project's documents the index lacks or holds an older
// state of, and drops from it those no longer in the project.
func (ct *corpusTools) stale() ([]int64, error) {
	docs, err := ct.proj.Documents()
	if err != nil {
		return nil, err
	}
	var load []int64
	seen := make(map[int64]bool, len(docs))
	for _, d := range docs {
		seen[d.ID] = true
		if at, ok := ct.stamps[d.ID]; !ok || d.Updated.After(at) {
			load = append(load, d.ID)
		}
	}
	for id := range ct.stamps {
		if !seen[id] {
			ct.ix.Remove(id)
			delete(ct.stamps, id)
		}
	}
	return load, nil
}

// ---- the concordance panel ----

// kwicWidth is the context, in characters, asked for on each side of a
// hit; the row shows what fits.
const kwicWidth = 40

// kwicPage is how many hits are turned into text at once.
const kwicPage = 64

// maxApply is the most hits a label or POS tag is applied to in one step.
const maxApply = 50_000

// hitKey names a hit independently of the order of the hits.
type hitKey struct {
	doc        int64
	start, end int
}

// kwicPanel is the concordance: the query on top, the hits as aligned
// KWIC lines below, and the commands on the selected (checked) hits.
type kwicPanel struct {
	ct *corpusTools

	// widgets, made again by build
	split     *container.Split // the document above, the panel below
	root      *fyne.Container
	query     *keyEntry
	mode      *widget.Select
	pos       *keyEntry
	label     *widget.Select
	labelText *keyEntry
	fold      *widget.Check
	scope     *widget.Select
	sortSel   *widget.Select
	count     *widget.Label
	msg       *widget.Label
	list      *widget.List
	selAll    *widget.Button
	widths    textWidths

	// state, kept across builds
	shown    bool
	state    kwicForm         // what the form held when it was last built or read
	base     *annotate.Result // the hits in position order, as searched
	res      *annotate.Result // the hits shown: base, or a sorted copy of it
	searched annotate.Query   // the query res answers
	took     time.Duration
	sortBy   annotate.SortKey
	sorting  bool // a copy of base is being sorted on another goroutine: show nothing of res
	cancel   context.CancelFunc
	gen      int // the search running; older ones are ignored
	sortGen  int // the sort running; older ones are ignored
	cur      int // the current row, -1 for none
	pages    map[int][]annotate.Hit
	all      bool            // every hit is checked, except those in flip
	flip     map[hitKey]bool // hits checked (or unchecked, when all)
	anchor   int             // the last row checked, for Shift+click
	err      error           // the last search's error, shown in the panel

	// onSearched, when set, is called after each search or sort shows its
	// first page (tests wait on it).
	onSearched func()
	// sortHook, when set, is called on a background sort's goroutine once
	// the copy is sorted, before it is handed to the UI goroutine (tests
	// hold the sort there).
	sortHook func()
}

// kwicForm is the content of the query form.
type kwicForm struct {
	query, pos, labelText string
	mode, scope, sort     int
	label                 string // "layer/label", "" for any
	fold                  bool
}

func kwicModes() []string {
	return []string{lang.L("Text"), lang.L("Regular expression"), lang.L("Word"), lang.L("Word regular expression")}
}

func kwicScopes() []string { return []string{lang.L("Corpus"), lang.L("This document")} }

var kwicSortKeys = []annotate.SortKey{annotate.SortPosition, annotate.SortLeft1, annotate.SortLeft2, annotate.SortRight1, annotate.SortRight2, annotate.SortMatch}

func kwicSortNames() []string {
	return []string{lang.L("By position"), lang.L("1st word to the left"), lang.L("2nd word to the left"),
		lang.L("1st word to the right"), lang.L("2nd word to the right"), lang.L("By hit")}
}

// dock returns centre with the panel under it (made again after the
// language changed), the panel hidden unless it is shown.
func (k *kwicPanel) dock(centre fyne.CanvasObject) fyne.CanvasObject {
	k.split = container.NewVSplit(centre, k.build())
	k.split.Offset = 0.55
	return k.split
}

// build makes the panel's widgets and returns its root.
func (k *kwicPanel) build() fyne.CanvasObject {
	onKey := func(e *keyEntry) func(fyne.KeyName) bool {
		return func(name fyne.KeyName) bool {
			switch name {
			case fyne.KeyEscape:
				k.hide()
			case fyne.KeyDown:
				k.move(1, e)
			case fyne.KeyUp:
				k.move(-1, e)
			default:
				return false
			}
			return true
		}
	}
	k.query = newKeyEntry(nil)
	k.query.onKey = onKey(k.query)
	k.query.SetPlaceHolder(lang.L("Search the corpus (Enter)"))
	k.query.OnSubmitted = func(string) { k.submit() }
	k.mode = widget.NewSelect(kwicModes(), nil)
	k.pos = newKeyEntry(nil)
	k.pos.onKey = onKey(k.pos)
	k.pos.SetPlaceHolder(lang.L("POS"))
	k.pos.OnSubmitted = func(string) { k.submit() }
	k.label = widget.NewSelect(nil, nil)
	k.labelText = newKeyEntry(nil)
	k.labelText.onKey = onKey(k.labelText)
	k.labelText.SetPlaceHolder(lang.L("label text contains"))
	k.labelText.OnSubmitted = func(string) { k.submit() }
	k.fold = widget.NewCheck(lang.L("Ignore traditional/simplified"), nil)
	k.scope = widget.NewSelect(kwicScopes(), nil)
	k.sortSel = widget.NewSelect(kwicSortNames(), nil)
	k.count = widget.NewLabel("")
	k.count.Truncation = fyne.TextTruncateEllipsis
	k.msg = widget.NewLabel("")
	k.msg.Importance = widget.DangerImportance
	k.msg.Wrapping = fyne.TextWrapWord
	k.msg.Hide()
	k.setForm(k.state)

	search := widget.NewButtonWithIcon(lang.L("Search"), theme.SearchIcon(), k.submit)
	search.Importance = widget.HighImportance
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), k.hide)
	k.selAll = widget.NewButton(lang.L("Select all"), k.toggleAll)
	applyLabel := widget.NewButton(lang.L("Apply label…"), k.onApplyLabel)
	applyPOS := widget.NewButton(lang.L("Apply POS…"), k.onApplyPOS)
	exportBtn := widget.NewButtonWithIcon(lang.L("Export hits…"), theme.DocumentSaveIcon(), k.onExport)

	k.list = widget.NewList(
		func() int {
			if k.res == nil || k.sorting {
				return 0
			}
			return k.res.Len()
		},
		func() fyne.CanvasObject { return newKwicRow(k) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*kwicRow).set(id) })

	posBox := container.NewGridWrap(fyne.NewSize(90, k.pos.MinSize().Height), k.pos)
	row1 := container.NewBorder(nil, nil, nil, container.NewHBox(k.mode, posBox, search, closeBtn), k.query)
	row2 := container.NewBorder(nil, nil, k.label, k.fold, k.labelText)
	row3 := container.NewBorder(nil, nil, nil, container.NewHBox(k.scope, k.sortSel), k.msg)
	head := container.NewVBox(row1, row2, row3)
	foot := container.NewBorder(nil, nil, nil, container.NewHBox(k.selAll, applyLabel, applyPOS, exportBtn), k.count)
	k.root = container.NewBorder(container.NewVBox(widget.NewSeparator(), head), foot, nil, nil, k.list)
	if !k.shown {
		k.root.Hide()
	}
	k.showCount()
	return k.root
}

// setForm fills the form from f. Its label is chosen even when the
// schema lacks it (a CoNLL-U POS layer's, or one removed from the schema
// but still in documents): it is added to the choice.
func (k *kwicPanel) setForm(f kwicForm) {
	k.query.SetText(f.query)
	k.pos.SetText(f.pos)
	k.labelText.SetText(f.labelText)
	k.mode.SetSelectedIndex(f.mode)
	k.scope.SetSelectedIndex(f.scope)
	k.sortSel.OnChanged = nil // setting the form sorts nothing
	k.sortSel.SetSelectedIndex(f.sort)
	k.sortSel.OnChanged = func(string) { k.resort() }
	k.fold.SetChecked(f.fold)
	k.fillLabels(f.label)
	if f.label == "" {
		k.label.SetSelectedIndex(0)
	} else {
		k.label.SetSelected(f.label)
	}
}

// chosenLabel is the label chosen in the form ("layer/label"), "" for
// any.
func (k *kwicPanel) chosenLabel() string {
	if k.label.SelectedIndex() > 0 {
		return k.label.Selected
	}
	return ""
}

// form reads the form.
func (k *kwicPanel) form() kwicForm {
	f := kwicForm{query: k.query.Text, pos: strings.TrimSpace(k.pos.Text), labelText: k.labelText.Text,
		mode: max(0, k.mode.SelectedIndex()), scope: max(0, k.scope.SelectedIndex()), sort: max(0, k.sortSel.SelectedIndex()),
		fold: k.fold.Checked}
	f.label = k.chosenLabel()
	k.state = f
	return f
}

// fillLabels lists the schema's labels as "layer/label" in the label
// choice, "any label" first, and keep ("layer/label", "" for none) after
// them when the schema lacks it. The label chosen stays chosen if listed.
func (k *kwicPanel) fillLabels(keep string) {
	anyLabel := lang.L("(any label)")
	opts := []string{anyLabel}
	if s := k.ct.ws.schema; s != nil && k.ct.ws.proj != nil {
		for _, l := range s.Layers {
			if l.Name == export.XPOSLayer || l.Name == export.UPOSLayer {
				continue
			}
			for _, lb := range l.Labels {
				opts = append(opts, l.Name+"/"+lb.Name)
			}
		}
	}
	if keep != "" && keep != anyLabel && !slices.Contains(opts, keep) {
		opts = append(opts, keep)
	}
	sel := k.label.Selected
	k.label.Options = opts
	if !slices.Contains(opts, sel) {
		sel = opts[0]
	}
	k.label.SetSelected(sel)
}

// onConcordance shows the concordance panel with the keyboard in its
// query (Ctrl+F); the index is built now if there is none.
func (ws *workspace) onConcordance() {
	if ws.modal() {
		return
	}
	if ws.proj == nil {
		ws.info(lang.L("Open or create a project first"))
		return
	}
	k := ws.corpus().kwic
	if k.root == nil {
		return
	}
	k.show()
	ws.corpus().withIndex(func(*annotate.Index) {})
	ws.afterJob(k.focusQuery) // the progress dialog gives the keyboard to the document
}

// afterJob runs f on the UI goroutine once the long work running (if any)
// has finished and its dialog has closed.
func (ws *workspace) afterJob(f func()) {
	job := ws.job
	if job == nil {
		f()
		return
	}
	go func() {
		<-job.done
		fyne.Do(f)
	}()
}

// show shows the panel and gives its query the keyboard.
func (k *kwicPanel) show() {
	if k.ct.proj != k.ct.ws.proj {
		k.clear()
	}
	k.shown = true
	k.fillLabels(k.chosenLabel())
	k.root.Show()
	k.split.Refresh()
	k.focusQuery()
}

func (k *kwicPanel) focusQuery() {
	if !k.shown {
		return
	}
	k.query.TypedShortcut(&fyne.ShortcutSelectAll{}) // typing replaces the last query
	k.ct.ws.win.Canvas().Focus(k.query)
}

// refocus gives the query the keyboard back (after a progress dialog took
// it), its text as it is.
func (k *kwicPanel) refocus() {
	if k.shown {
		k.ct.ws.win.Canvas().Focus(k.query)
	}
}

// hide closes the panel (Esc) and gives the keyboard back to the document.
func (k *kwicPanel) hide() {
	k.shown = false
	if k.root != nil {
		k.root.Hide()
		k.split.Refresh()
	}
	k.ct.ws.focusView()
}

// clear forgets the hits (another project, or none).
func (k *kwicPanel) clear() {
	if k.cancel != nil {
		k.cancel()
		k.cancel = nil
	}
	k.gen++
	k.sortGen++
	k.base, k.res, k.err, k.sorting, k.cur = nil, nil, nil, false, -1
	k.resetChecks()
	clear(k.pages)
	if k.list != nil {
		k.list.UnselectAll()
		k.list.Refresh()
		k.showCount()
	}
}

// queryFor builds the index query from the form.
func (k *kwicPanel) queryFor(f kwicForm) annotate.Query {
	q := annotate.Query{POS: f.pos, LabelText: f.labelText, Fold: f.fold}
	if strings.TrimSpace(f.query) != "" {
		switch f.mode {
		case 1:
			q.Regex = f.query
		case 2:
			q.Word = strings.TrimSpace(f.query)
		case 3:
			q.WordRegex = f.query
		default:
			q.Text = f.query
		}
	}
	if f.label != "" {
		q.Layer, q.Label, _ = strings.Cut(f.label, "/")
	}
	if f.scope == 1 && k.ct.ws.doc != nil {
		q.Doc = k.ct.ws.doc.ID
	}
	return q
}

// submit is Enter in the form: a new query is searched; the query already
// shown opens its current hit in the document.
func (k *kwicPanel) submit() {
	f := k.form()
	q := k.queryFor(f)
	if k.res != nil && !k.sorting && q == k.searched && k.cur >= 0 && k.cur < k.res.Len() {
		k.open(k.cur)
		return
	}
	k.search(q)
}

// search runs q off the UI goroutine (cancelling the search running) and
// shows its hits, sorted as the form says.
func (k *kwicPanel) search(q annotate.Query) {
	if err := q.Validate(); err != nil {
		k.showErr(err, q)
		return
	}
	idle := k.ct.ws.job == nil
	defer func() {
		if idle && k.ct.ws.job != nil { // the index is being built: the keyboard back to the query after
			k.ct.ws.afterJob(k.refocus)
		}
	}()
	k.ct.withIndex(func(ix *annotate.Index) {
		if k.cancel != nil {
			k.cancel()
		}
		ctx, cancel := context.WithCancel(context.Background())
		k.cancel = cancel
		k.gen++
		gen := k.gen
		by := kwicSortKeys[k.form().sort]
		k.count.SetText(lang.L("Searching…"))
		start := time.Now()
		go func() {
			base, err := ix.Search(ctx, q)
			res := base
			if err == nil {
				res = sortedCopy(base, by)
			}
			took := time.Since(start)
			cancel()
			fyne.Do(func() {
				if gen != k.gen {
					return // a later search (or a clear) took its place
				}
				k.cancel = nil
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						k.showErr(err, q)
					}
					return
				}
				k.setResult(base, res, q, by, took)
			})
		}()
	})
}

// sortedCopy returns base's hits ordered by by, leaving base as it is:
// base itself for position order, else a sorted copy. The copy shares
// nothing Sort changes (sorting by a key other than position makes a new
// array of hits), so the UI goroutine may read base while another one
// sorts the copy.
func sortedCopy(base *annotate.Result, by annotate.SortKey) *annotate.Result {
	if by == annotate.SortPosition {
		return base
	}
	c := *base
	c.Sort(by) // stable, from position order: ties in text order
	return &c
}

// setResult shows res, base's hits in order by.
func (k *kwicPanel) setResult(base, res *annotate.Result, q annotate.Query, by annotate.SortKey, took time.Duration) {
	k.sortGen++ // a sort of the hits shown before is not wanted
	k.base, k.res, k.searched, k.sortBy, k.took, k.err, k.sorting = base, res, q, by, took, nil, false
	k.cur, k.anchor = -1, -1
	k.resetChecks()
	clear(k.pages)
	k.msg.Hide()
	k.list.UnselectAll()
	k.list.Refresh()
	k.list.ScrollToTop()
	k.showCount()
	if i := k.sortSel.SelectedIndex(); i >= 0 && kwicSortKeys[i] != by {
		k.resort() // the order was changed while the search ran
		return
	}
	if k.onSearched != nil {
		k.onSearched()
	}
}

// showErr shows the error of query q in the panel (a bad regular
// expression is the user's to fix, not a dialog's).
func (k *kwicPanel) showErr(err error, q annotate.Query) {
	k.err = err
	k.msg.SetText(queryErrText(err, q))
	k.msg.Show()
	k.showCount()
	if k.onSearched != nil {
		k.onSearched()
	}
}

// queryErrText says what is wrong with query q (err is its error) in the
// interface's language; a regular expression's fault is the regexp
// package's own words after a translated lead-in.
func queryErrText(err error, q annotate.Query) string {
	var qe *annotate.QueryError
	if !errors.As(err, &qe) {
		return err.Error()
	}
	regexFault := func(pattern string) string {
		var se *syntax.Error
		if _, err := syntax.Parse(pattern, syntax.Perl); errors.As(err, &se) {
			return fmt.Sprintf("%s in `%s`", se.Code, se.Expr)
		}
		return qe.Err.Error()
	}
	var se *annotate.RegexSizeError
	tooLarge := errors.As(err, &se)
	size := func(n int) string { return export.FormatValue(float64(n)) }
	switch {
	case errors.Is(err, annotate.ErrEmptyQuery):
		return lang.L("Nothing to search for: type a text, a regular expression or a word, or give a POS tag or a label")
	case tooLarge && qe.Field == "Regex":
		return fmt.Sprintf(lang.L("The regular expression is too large: it compiles to %s instructions, more than the %s a search allows. Repeat less."),
			size(se.Insts), size(annotate.MaxRegexInsts))
	case tooLarge && qe.Field == "WordRegex":
		return fmt.Sprintf(lang.L("The word regular expression is too large: it compiles to %s instructions, more than the %s a search allows. Repeat less."),
			size(se.Insts), size(annotate.MaxRegexInsts))
	case qe.Field == "Regex" && q.Regex != "" && q.Text == "":
		return fmt.Sprintf(lang.L("The regular expression %q does not compile: %s"), q.Regex, regexFault(q.Regex))
	case qe.Field == "WordRegex" && q.WordRegex != "":
		return fmt.Sprintf(lang.L("The word regular expression %q does not compile: %s"), q.WordRegex, regexFault(q.WordRegex))
	}
	return qe.Err.Error()
}

// showCount writes the hit count line: hits, time, selection.
func (k *kwicPanel) showCount() {
	if k.count == nil {
		return
	}
	if k.res == nil {
		k.count.SetText("")
		k.selAll.SetText(lang.L("Select all"))
		return
	}
	n := k.res.Len()
	text := lang.N("{{.N}} hits", n, map[string]any{"N": export.FormatValue(float64(n))})
	if k.res.Truncated() {
		text += " " + lang.L("(stopped there)")
	}
	text += fmt.Sprintf(" · %.2f s", k.took.Seconds())
	if k.sorting {
		text += " · " + lang.L("Sorting…")
	}
	if c := k.checkedCount(); c > 0 {
		text += " · " + fmt.Sprintf(lang.L("%s selected"), export.FormatValue(float64(c)))
	}
	k.count.SetText(text)
	if k.all && len(k.flip) == 0 && n > 0 {
		k.selAll.SetText(lang.L("Select none"))
	} else {
		k.selAll.SetText(lang.L("Select all"))
	}
}

// resort shows the hits as the sort choice says: at once for a few (and
// for position order), else sorted on another goroutine while the list
// shows nothing of them. The hits shown are never sorted in place: a copy
// of the position order is sorted and then shown, so the commands on the
// checked hits may read them meanwhile.
func (k *kwicPanel) resort() {
	i := k.sortSel.SelectedIndex()
	if i < 0 || k.base == nil {
		return
	}
	by := kwicSortKeys[i]
	if by == k.sortBy { // the order shown: a sort running is not wanted
		if k.sorting {
			k.sortGen++
			k.sorted(k.res, by)
		}
		return
	}
	base := k.base
	k.sortGen++
	gen := k.sortGen
	if by == annotate.SortPosition || base.Len() <= 20_000 {
		k.sorted(sortedCopy(base, by), by)
		return
	}
	k.sorting = true
	k.list.Refresh()
	k.showCount()
	hook := k.sortHook
	go func() {
		res := sortedCopy(base, by)
		if hook != nil {
			hook()
		}
		fyne.Do(func() {
			if gen == k.sortGen && k.base == base {
				k.sorted(res, by)
			}
		})
	}()
}

// sorted shows res, the hits in order by.
func (k *kwicPanel) sorted(res *annotate.Result, by annotate.SortKey) {
	k.res, k.sortBy, k.sorting = res, by, false
	clear(k.pages)
	k.cur, k.anchor = -1, -1
	k.list.UnselectAll()
	k.list.Refresh()
	k.list.ScrollToTop()
	k.showCount()
	if k.onSearched != nil {
		k.onSearched()
	}
}

// hit returns hit i as a KWIC line, turning its page into text if needed.
func (k *kwicPanel) hit(i int) (annotate.Hit, bool) {
	if k.res == nil || k.sorting || i < 0 || i >= k.res.Len() {
		return annotate.Hit{}, false
	}
	p := i / kwicPage
	hs, ok := k.pages[p]
	if !ok {
		if len(k.pages) >= 32 {
			clear(k.pages)
		}
		hs = k.res.Hits(p*kwicPage, (p+1)*kwicPage, kwicWidth)
		k.pages[p] = hs
	}
	if i-p*kwicPage >= len(hs) {
		return annotate.Hit{}, false
	}
	return hs[i-p*kwicPage], true
}

func (k *kwicPanel) key(i int) hitKey {
	doc, s, e := k.res.Loc(i)
	return hitKey{doc, s, e}
}

func (k *kwicPanel) checked(i int) bool {
	if k.res == nil || i < 0 || i >= k.res.Len() {
		return false
	}
	return k.all != k.flip[k.key(i)]
}

func (k *kwicPanel) setChecked(i int, on bool) {
	if k.res == nil || i < 0 || i >= k.res.Len() {
		return
	}
	key := k.key(i)
	if on != k.all {
		k.flip[key] = true
	} else {
		delete(k.flip, key)
	}
	k.anchor = i
	k.showCount()
}

func (k *kwicPanel) checkedCount() int {
	if k.res == nil {
		return 0
	}
	if k.all {
		return k.res.Len() - len(k.flip)
	}
	return len(k.flip)
}

func (k *kwicPanel) resetChecks() {
	k.all = false
	clear(k.flip)
	k.anchor = -1
}

// toggleAll checks every hit, or none when all are checked.
func (k *kwicPanel) toggleAll() {
	if k.res == nil {
		return
	}
	on := !(k.all && len(k.flip) == 0)
	k.all = on
	clear(k.flip)
	k.list.Refresh()
	k.showCount()
}

// tapRow is a click on row i: with Ctrl (Cmd) it checks or unchecks the
// hit, with Shift it checks the hits from the last one checked (or this
// one, when none was), else it opens the hit in the document.
func (k *kwicPanel) tapRow(i int, mod fyne.KeyModifier) {
	switch {
	case mod&fyne.KeyModifierShift != 0 && k.anchor >= 0:
		a, b := min(k.anchor, i), max(k.anchor, i)
		for j := a; j <= b; j++ {
			k.setChecked(j, true)
		}
		k.anchor = i
		k.list.Refresh()
	case mod&(fyne.KeyModifierControl|fyne.KeyModifierSuper|fyne.KeyModifierShift) != 0:
		k.setChecked(i, !k.checked(i))
		k.list.RefreshItem(i)
	default:
		k.open(i)
	}
}

// setCur makes row i the current one, scrolled into view.
func (k *kwicPanel) setCur(i int) {
	k.cur = i
	k.list.Select(i)
}

// open shows hit i in the document, with the keyboard there.
func (k *kwicPanel) open(i int) {
	if k.ct.proj != k.ct.ws.proj { // the hits are another project's
		k.clear()
		return
	}
	if k.res == nil || i < 0 || i >= k.res.Len() {
		return
	}
	k.setCur(i)
	doc, s, e := k.res.Loc(i)
	k.ct.ws.goTo(doc, s, e)
}

// move makes the next (delta 1) or previous (-1) hit current and shows it
// in the document, leaving the keyboard in the entry e.
func (k *kwicPanel) move(delta int, e *keyEntry) {
	if k.res == nil || k.sorting || k.res.Len() == 0 {
		return
	}
	i := min(max(k.cur+delta, 0), k.res.Len()-1)
	if k.cur < 0 {
		i = 0
	}
	k.open(i)
	k.ct.ws.win.Canvas().Focus(e)
}

// checkedLocs lists the checked hits' places (all hits when all is set),
// at most limit of them; n is how many are checked.
func (k *kwicPanel) checkedLocs(limit int) (locs []hitKey, n int) {
	if k.res == nil {
		return nil, 0
	}
	n = k.checkedCount()
	if n > limit {
		return nil, n
	}
	for i := 0; i < k.res.Len() && len(locs) < n; i++ {
		if k.checked(i) {
			locs = append(locs, k.key(i))
		}
	}
	slices.SortFunc(locs, func(a, b hitKey) int {
		if a.doc != b.doc {
			return compareInt64(a.doc, b.doc)
		}
		if a.start != b.start {
			return a.start - b.start
		}
		return a.end - b.end
	})
	return locs, n
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hitsToApply returns the checked hits for a command, or says why there
// are none to use.
func (k *kwicPanel) hitsToApply() ([]hitKey, bool) {
	ws := k.ct.ws
	if ws.proj == nil || k.res == nil || ws.modal() || ws.busy() {
		return nil, false
	}
	locs, n := k.checkedLocs(maxApply)
	switch {
	case n == 0:
		ws.info(lang.L("Select hits first: their check boxes, Ctrl+click, Shift+click or Select all"))
		return nil, false
	case n > maxApply:
		ws.showError(fmt.Errorf(lang.L("%s hits are selected: apply to at most %s at once (narrow the query or the selection)"),
			export.FormatValue(float64(n)), export.FormatValue(maxApply)))
		return nil, false
	}
	return locs, true
}

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
	labelSel := widget.NewSelect(nil, nil)
	layerSel := widget.NewSelect(layers, func(name string) {
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
	split := widget.NewCheck(lang.L("Split tokens at the edges of hits, as labelling in the document does"), nil)
	split.SetChecked(true)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Layer"), layerSel),
		widget.NewFormItem(lang.L("Label"), labelSel),
		widget.NewFormItem("", split),
	)
	title := lang.N("Apply a label to {{.N}} hits", len(locs), map[string]any{"N": export.FormatValue(float64(len(locs)))})
	d := dialog.NewCustomConfirm(title, lang.L("Apply"), lang.L("Cancel"), form, func(ok bool) {
		if !ok || labelSel.Selected == "" {
			ws.focusView()
			return
		}
		k.applyLabel(locs, layerSel.Selected, labelSel.Selected, split.Checked)
	}, ws.win)
	d.Resize(fyne.NewSize(520, 260))
	d.Show()
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
	d = dialog.NewCustomConfirm(title, lang.L("Apply"), lang.L("Cancel"), form, func(ok bool) {
		pos := strings.TrimSpace(tag.Text)
		if !ok || pos == "" {
			ws.focusView()
			return
		}
		k.applyPOS(locs, pos)
	}, ws.win)
	d.Resize(fyne.NewSize(420, 200))
	d.Show()
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

// onExport writes the checked hits (all hits when none is checked) to a
// CSV or xlsx file.
func (k *kwicPanel) onExport() {
	ws := k.ct.ws
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
		if done != nil {
			defer done(len(rows), err)
		}
		if err != nil {
			ws.showError(err)
			return
		}
		ws.info(fmt.Sprintf(lang.L("Exported %s hits to %s"), export.FormatValue(float64(len(rows))), path))
	})
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
	bom := widget.NewCheck(lang.L("UTF-8 BOM (for Excel)"), nil)
	hint := widget.NewLabel(lang.L("The file name's extension chooses the format: .csv or .xlsx."))
	hint.Importance = widget.LowImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Folder"), folder.root),
		widget.NewFormItem(lang.L("File name"), name),
		widget.NewFormItem("", bom),
		widget.NewFormItem("", hint),
	)
	d = dialog.NewCustomConfirm(title, lang.L("Export"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			ws.focusView()
			if cancelled != nil {
				cancelled()
			}
			return
		}
		fail := func(err error) {
			ws.lastErr = err
			e := dialog.NewError(err, ws.win)
			e.SetOnClosed(func() {
				ws.focusView()
				if cancelled != nil {
					cancelled()
				}
			})
			e.Show()
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
	d.Show()
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

// ---- a concordance line ----

// kwicRow is one KWIC line: a check box, the document's name, the left
// context (right-aligned, cut at its start), the hit (bold, coloured)
// and the right context. The hits of all rows start at the same x.
type kwicRow struct {
	widget.BaseWidget
	k        *kwicPanel
	id       int
	mod      fyne.KeyModifier // the modifiers of the last mouse press
	setting  bool             // the check box is being set, not clicked
	check    *widget.Check
	texts    [4]string // document, left, hit, right
	doc      *canvas.Text
	left     *canvas.Text
	match    *canvas.Text
	right    *canvas.Text
	lastSize fyne.Size
}

var (
	_ fyne.Tappable     = (*kwicRow)(nil)
	_ desktop.Mouseable = (*kwicRow)(nil)
)

func newKwicRow(k *kwicPanel) *kwicRow {
	r := &kwicRow{k: k, id: -1}
	r.check = widget.NewCheck("", func(on bool) {
		if !r.setting {
			k.setChecked(r.id, on)
		}
	})
	r.doc = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	r.left = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.left.Alignment = fyne.TextAlignTrailing
	r.match = canvas.NewText("", theme.Color(theme.ColorNamePrimary))
	r.match.TextStyle = fyne.TextStyle{Bold: true}
	r.right = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.ExtendBaseWidget(r)
	return r
}

// set shows hit id.
func (r *kwicRow) set(id int) {
	r.id = id
	h, ok := r.k.hit(id)
	if !ok {
		r.texts = [4]string{}
	} else {
		r.texts = [4]string{h.DocName, h.Left, h.Match, h.Right}
	}
	r.setting = true
	r.check.SetChecked(r.k.checked(id))
	r.setting = false
	r.Refresh()
}

func (r *kwicRow) MouseDown(ev *desktop.MouseEvent) { r.mod = ev.Modifier }
func (r *kwicRow) MouseUp(*desktop.MouseEvent)      {}

func (r *kwicRow) Tapped(*fyne.PointEvent) {
	mod := r.mod
	r.mod = 0
	r.k.tapRow(r.id, mod)
}

func (r *kwicRow) CreateRenderer() fyne.WidgetRenderer { return &kwicRowRenderer{r: r} }

type kwicRowRenderer struct{ r *kwicRow }

func (rr *kwicRowRenderer) Objects() []fyne.CanvasObject {
	r := rr.r
	return []fyne.CanvasObject{r.check, r.doc, r.left, r.match, r.right}
}

func (rr *kwicRowRenderer) Destroy() {}

func (rr *kwicRowRenderer) MinSize() fyne.Size {
	r := rr.r
	h := fyne.MeasureText("中", theme.TextSize(), fyne.TextStyle{}).Height
	return fyne.NewSize(r.check.MinSize().Width+300, max(r.check.MinSize().Height, h+2*theme.Padding()))
}

// Layout places the columns: check box, document (up to 16% of the width),
// then the left context over 45% of the rest, the hit (at most 35%) and
// the right context; the texts are cut to fit.
func (rr *kwicRowRenderer) Layout(size fyne.Size) {
	r := rr.r
	r.lastSize = size
	k := r.k
	pad := theme.Padding()
	cw := r.check.MinSize().Width
	r.check.Move(fyne.NewPos(0, (size.Height-r.check.MinSize().Height)/2))
	r.check.Resize(r.check.MinSize())
	x := cw
	textH := fyne.MeasureText("中", theme.TextSize(), fyne.TextStyle{}).Height
	y := (size.Height - textH) / 2
	docW := min(180, size.Width*0.16)
	place := func(t *canvas.Text, x, w float32) {
		t.Move(fyne.NewPos(x, y))
		t.Resize(fyne.NewSize(max(w, 0), textH))
	}
	r.doc.Text = k.widths.prefix(r.texts[0], docW-2*pad, fyne.TextStyle{})
	place(r.doc, x, docW-pad)
	x += docW
	rest := size.Width - x - pad
	leftW := rest * 0.45
	matchW := min(k.widths.width(r.texts[2], fyne.TextStyle{Bold: true}), rest*0.35)
	r.left.Text = k.widths.suffix(r.texts[1], leftW-pad, fyne.TextStyle{})
	place(r.left, x, leftW-pad/2)
	r.match.Text = k.widths.prefix(r.texts[2], matchW, fyne.TextStyle{Bold: true})
	place(r.match, x+leftW, matchW+pad/2)
	rightX := x + leftW + matchW + pad
	r.right.Text = k.widths.prefix(r.texts[3], size.Width-rightX-pad, fyne.TextStyle{})
	place(r.right, rightX, size.Width-rightX)
}

func (rr *kwicRowRenderer) Refresh() {
	r := rr.r
	r.doc.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.left.Color = theme.Color(theme.ColorNameForeground)
	r.right.Color = theme.Color(theme.ColorNameForeground)
	r.match.Color = theme.Color(theme.ColorNamePrimary)
	for _, t := range []*canvas.Text{r.doc, r.left, r.match, r.right} {
		t.TextSize = theme.TextSize()
	}
	rr.Layout(r.lastSize)
	for _, o := range rr.Objects() {
		o.Refresh()
	}
}

// textWidths measures text by the sum of its characters' cached widths
// (no kerning: CJK has none, and a cut needs no more precision).
type textWidths struct {
	size  float32
	runes map[fyne.TextStyle]map[rune]float32
}

func (tw *textWidths) rune(r rune, style fyne.TextStyle) float32 {
	if size := theme.TextSize(); size != tw.size || tw.runes == nil {
		tw.size, tw.runes = size, map[fyne.TextStyle]map[rune]float32{}
	}
	m := tw.runes[style]
	if m == nil {
		m = map[rune]float32{}
		tw.runes[style] = m
	}
	w, ok := m[r]
	if !ok {
		w = fyne.MeasureText(string(r), tw.size, style).Width
		m[r] = w
	}
	return w
}

func (tw *textWidths) width(s string, style fyne.TextStyle) float32 {
	var w float32
	for _, r := range s {
		w += tw.rune(r, style)
	}
	return w
}

// prefix is the start of s that fits in w, with "…" when cut.
func (tw *textWidths) prefix(s string, w float32, style fyne.TextStyle) string {
	if tw.width(s, style) <= w {
		return s
	}
	limit := w - tw.rune('…', style)
	var used float32
	for i, r := range s {
		used += tw.rune(r, style)
		if used > limit {
			return s[:i] + "…"
		}
	}
	return s
}

// suffix is the end of s that fits in w, with "…" when cut.
func (tw *textWidths) suffix(s string, w float32, style fyne.TextStyle) string {
	if tw.width(s, style) <= w {
		return s
	}
	limit := w - tw.rune('…', style)
	rs := []rune(s)
	var used float32
	for i := len(rs) - 1; i >= 0; i-- {
		used += tw.rune(rs[i], style)
		if used > limit {
			return "…" + string(rs[i+1:])
		}
	}
	return s
}
