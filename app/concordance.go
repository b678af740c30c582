// The concordance panel: its form (query, mode, scope, sort, label),
// searching off the UI goroutine, the result and its count, and moving
// through and checking hits. The commands on the checked hits are in
// concordance_apply.go, a KWIC line in concordance_row.go.

package app

import (
	"context"
	"errors"
	"fmt"
	"regexp/syntax"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/export"
)

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
	history   *widget.Select // the queries searched, last first
	list      *widget.List
	selAll    *widget.Button
	widths    textWidths
	relType   *widget.Select  // the relation type (mode Relations)
	relTo     *keyEntry       // the target word (mode Relations)
	relRow    *fyne.Container // relType and relTo, shown in mode Relations
	labelRow  *fyne.Container // the label choice and text, hidden in mode Relations
	posBox    *fyne.Container // the POS entry, hidden in mode Relations
	cmdBox    *fyne.Container // the commands on checked hits, hidden in mode Relations

	// state, kept across builds
	shown    bool
	state    kwicForm       // what the form held when it was last built or read
	base     *corpus.Result // the hits in position order, as searched
	res      *corpus.Result // the hits shown: base, or a sorted copy of it
	searched corpus.Query   // the query res answers
	took     time.Duration
	sortBy   corpus.SortKey
	sorting  bool // a copy of base is being sorted on another goroutine: show nothing of res
	cancel   context.CancelFunc
	gen      int // the search running; older ones are ignored
	sortGen  int // the sort running; older ones are ignored
	cur      int // the current row, -1 for none
	pages    map[int][]corpus.Hit
	all      bool            // every hit is checked, except those in flip
	flip     map[hitKey]bool // hits checked (or unchecked, when all)
	anchor   int             // the last row checked, for Shift+click
	err      error           // the last search's error, shown in the panel
	// The relations found (mode Relations), shown instead of res when not
	// nil; relQuery is the query they answer, relMore says there were
	// more.
	rels     []relHit
	relQuery annotate.RelationQuery
	relMore  bool
	// relInline, when set, runs relation searches on the calling
	// goroutine (tests: no goroutine of the panel is left racing the
	// test's under the race detector).
	relInline bool
	// relRefresh is how long after the last edit the relations listed are
	// searched again (relTimer), so that the list follows the edits
	// without a search per key.
	relRefresh time.Duration
	relTimer   *time.Timer

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
	relType               string // "layer/type", "" for any (mode Relations)
	relTo                 string // the target word (mode Relations)
}

func kwicModes() []string {
	return []string{lang.L("Text"), lang.L("Regular expression"), lang.L("Word"), lang.L("Word regular expression"), lang.L("Relations")}
}

func kwicScopes() []string { return []string{lang.L("Corpus"), lang.L("This document")} }

var kwicSortKeys = []corpus.SortKey{corpus.SortPosition, corpus.SortLeft1, corpus.SortLeft2, corpus.SortRight1, corpus.SortRight2, corpus.SortMatch}

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
	k.query.SetPlaceHolder(lang.L("Search the corpus (Enter; select text first, then Ctrl+F)"))
	k.query.OnSubmitted = func(string) { k.submit() }
	// The history of queries: choosing one searches it again.
	k.history = widget.NewSelect(k.ct.ws.prefs.StringList("kwic.history"), func(q string) {
		if q != "" && q != k.query.Text {
			k.query.SetText(q)
			k.submit()
		}
	})
	k.history.PlaceHolder = lang.L("History")
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
	k.relType = widget.NewSelect(nil, nil)
	k.relTo = newKeyEntry(nil)
	k.relTo.onKey = onKey(k.relTo)
	k.relTo.SetPlaceHolder(lang.L("Target word: the dependent (empty: any)"))
	k.relTo.OnSubmitted = func(string) { k.submit() }
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
			if k.rels != nil {
				return len(k.rels)
			}
			if k.res == nil || k.sorting {
				return 0
			}
			return k.res.Len()
		},
		func() fyne.CanvasObject { return newKwicRow(k) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*kwicRow).set(id) })

	k.posBox = container.NewGridWrap(fyne.NewSize(90, k.pos.MinSize().Height), k.pos)
	row1 := container.NewBorder(nil, nil, nil, container.NewHBox(k.history, k.mode, k.posBox, search, closeBtn), k.query)
	k.labelRow = container.NewBorder(nil, nil, k.label, k.fold, k.labelText)
	k.relRow = container.NewBorder(nil, nil, k.relType, nil, k.relTo)
	row3 := container.NewBorder(nil, nil, nil, container.NewHBox(k.scope, k.sortSel), k.msg)
	head := container.NewVBox(row1, k.labelRow, k.relRow, row3)
	k.cmdBox = container.NewHBox(k.selAll, applyLabel, applyPOS)
	foot := container.NewBorder(nil, nil, nil, container.NewHBox(k.cmdBox, exportBtn), k.count)
	k.mode.OnChanged = func(string) { k.modeChanged() }
	k.modeChanged()
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
	k.relTo.SetText(f.relTo)
	k.fillRelTypes(f.relType)
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
		fold: k.fold.Checked, relTo: strings.TrimSpace(k.relTo.Text), relType: k.chosenRelType()}
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
	// With text selected, the concordance opens on it (typing Chinese
	// depends on the platform's input method: the selection, paste and
	// the history of queries make it optional).
	sel := ""
	if start, end := ws.view.Selection(); ws.doc != nil && end > start && end-start <= maxSelectionQuery && ws.explicitSelection() {
		if s := strings.TrimSpace(ws.doc.Slice(start, end)); s != "" && !strings.ContainsAny(s, "\n\r") {
			sel = s
		}
	}
	k.show()
	if sel != "" {
		f := k.form()
		f.query, f.mode = sel, 0
		k.setForm(f)
	}
	ws.corpus().withIndex(func(*corpus.Index) {
		if sel != "" && k.shown {
			k.submit()
		}
	})
	ws.afterJob(k.focusQuery) // the progress dialog gives the keyboard to the document
}

// explicitSelection reports whether the annotator selected text: in
// character mode, or more than the cursor's token, or characters by
// Alt+drag (the cursor's token alone is where the keyboard is, not a
// selection).
func (ws *workspace) explicitSelection() bool {
	start, end := ws.view.Selection()
	if end <= start {
		return false
	}
	if ws.view.CharMode() {
		return true
	}
	first, last := ws.view.SelectedTokens()
	if first < 0 {
		return true
	}
	return first != last || ws.doc.Tokens[first].Start != start || ws.doc.Tokens[last].End != end
}

// maxSelectionQuery is the longest selection (in characters) Ctrl+F
// searches for.
const maxSelectionQuery = 50

// maxQueryHistory is how many queries the concordance remembers.
const maxQueryHistory = 30

// remember puts query first in the history of queries (kept in the
// preferences) and in its choice.
func (k *kwicPanel) remember(query string) {
	query = strings.TrimSpace(query)
	if query == "" {
		return
	}
	prefs := k.ct.ws.prefs
	h := slices.DeleteFunc(prefs.StringList("kwic.history"), func(s string) bool { return s == query || s == "" })
	h = append([]string{query}, h...)
	if len(h) > maxQueryHistory {
		h = h[:maxQueryHistory]
	}
	prefs.SetStringList("kwic.history", h)
	k.history.SetOptions(h)
	k.history.ClearSelected()
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
	k.fillRelTypes(k.chosenRelType())
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
	k.rels = nil
	k.stopRelRefresh()
	k.resetChecks()
	clear(k.pages)
	if k.list != nil {
		k.list.UnselectAll()
		k.list.Refresh()
		k.showCount()
	}
}

// queryFor builds the index query from the form.
func (k *kwicPanel) queryFor(f kwicForm) corpus.Query {
	q := corpus.Query{POS: f.pos, LabelText: f.labelText, Fold: f.fold}
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
	if f.mode == kwicModeRelations {
		q := k.relQueryFor(f)
		if k.rels != nil && q == k.relQuery && k.cur >= 0 && k.cur < len(k.rels) {
			k.open(k.cur)
			return
		}
		k.remember(f.query)
		k.searchRelations(q)
		return
	}
	q := k.queryFor(f)
	if k.res != nil && !k.sorting && q == k.searched && k.cur >= 0 && k.cur < k.res.Len() {
		k.open(k.cur)
		return
	}
	k.remember(f.query)
	k.search(q)
}

// search runs q off the UI goroutine (cancelling the search running) and
// shows its hits, sorted as the form says.
func (k *kwicPanel) search(q corpus.Query) {
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
	k.ct.withIndex(func(ix *corpus.Index) {
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
func sortedCopy(base *corpus.Result, by corpus.SortKey) *corpus.Result {
	if by == corpus.SortPosition {
		return base
	}
	c := *base
	c.Sort(by) // stable, from position order: ties in text order
	return &c
}

// setResult shows res, base's hits in order by.
func (k *kwicPanel) setResult(base, res *corpus.Result, q corpus.Query, by corpus.SortKey, took time.Duration) {
	k.sortGen++ // a sort of the hits shown before is not wanted
	k.base, k.res, k.searched, k.sortBy, k.took, k.err, k.sorting = base, res, q, by, took, nil, false
	k.rels = nil
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
func (k *kwicPanel) showErr(err error, q corpus.Query) {
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
func queryErrText(err error, q corpus.Query) string {
	var qe *corpus.QueryError
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
	var se *corpus.RegexSizeError
	tooLarge := errors.As(err, &se)
	size := func(n int) string { return export.FormatValue(float64(n)) }
	switch {
	case errors.Is(err, corpus.ErrEmptyQuery):
		return lang.L("Nothing to search for: type a text, a regular expression or a word, or give a POS tag or a label")
	case tooLarge && qe.Field == "Regex":
		return fmt.Sprintf(lang.L("The regular expression is too large: it compiles to %s instructions, more than the %s a search allows. Repeat less."),
			size(se.Insts), size(corpus.MaxRegexInsts))
	case tooLarge && qe.Field == "WordRegex":
		return fmt.Sprintf(lang.L("The word regular expression is too large: it compiles to %s instructions, more than the %s a search allows. Repeat less."),
			size(se.Insts), size(corpus.MaxRegexInsts))
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
	if k.rels != nil {
		k.count.SetText(k.relCount())
		k.selAll.SetText(lang.L("Select all"))
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
	if by == corpus.SortPosition || base.Len() <= 20_000 {
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
func (k *kwicPanel) sorted(res *corpus.Result, by corpus.SortKey) {
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
func (k *kwicPanel) hit(i int) (corpus.Hit, bool) {
	if k.res == nil || k.sorting || i < 0 || i >= k.res.Len() {
		return corpus.Hit{}, false
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
		return corpus.Hit{}, false
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
	if k.rels != nil {
		k.openRel(i)
		return
	}
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
	if k.rels != nil {
		k.openRel(i)
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
	n := len(k.rels)
	if k.rels == nil {
		if k.res == nil || k.sorting {
			return
		}
		n = k.res.Len()
	}
	if n == 0 {
		return
	}
	i := min(max(k.cur+delta, 0), n-1)
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
	if k.rels != nil && !ws.modal() {
		k.relNoCommands()
		return nil, false
	}
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
