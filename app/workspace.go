package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

// workspace is the annotation screen: the project's documents on the left,
// the document view in the centre, the label palette, the inspector and
// the span list on the right, and a status bar. It owns the open project;
// every edit goes through the project (committed before the call returns)
// and then redraws what it changed.
type workspace struct {
	app   fyne.App
	win   fyne.Window
	prefs fyne.Preferences

	proj   *annotate.Project
	seg    *text.Segmenter // nil until the dictionary is loaded
	segErr error
	segOK  chan struct{} // closed when seg or segErr is set

	docs    []annotate.DocumentSummary // the project's documents, in ID order
	shown   []int                      // indexes into docs that pass the filter
	doc     *annotate.Document         // the open document (live, project-owned)
	docIdx  int                        // its index in docs, -1 when none
	layer   string                     // the active layer
	showPOS bool
	showWB  bool
	zoom    float32
	theme   string // "light", "dark" or "" (system)

	// widgets
	root            *fyne.Container
	docList         *widget.List
	filter          *widget.Entry
	statusSel       *widget.Select
	view            *textView
	title           *fitLabel
	docMeta         *fitLabel
	doneBtn         *widget.Button
	layerSel        *widget.Select
	palette         *fyne.Container
	rightTop        *container.Scroll // palette and inspector
	insp            *inspector
	spanList        *widget.List
	spanItems       []annotate.Span
	statusDict      *statusLabel
	statusSave      *statusLabel
	statusSelection *statusLabel
	statusCnt       *statusLabel
	picker          *picker                         // the last picker opened (l, t)
	lastChooser     *fileChooser                    // the last import chooser opened
	sgReasons       map[suggestionKey]corpus.Reason // why each suggestion of this session was made
	hint            *emptyHint                      // what to do in an empty project, over the document view
	splits          [3]*container.Split             // documents | rest, document | right, palette and inspector / spans
	relList         *widget.List
	relPane         *fyne.Container // the relation list with its head, shown when the schema has relation layers
	relItems        []annotate.Relation
	relFrom         int64 // relation mode: the span the relation starts from (0: off)
	selRel          int64 // the selected relation (a click on its arc or its row; 0: none)
	relListSetting  bool  // the relation list's selection is being set from selRel
	menu            *mainMenu
	corpusStep      *annotate.CorpusStep   // the last corpus step while it is undoable
	corpusUndone    *annotate.CorpusStep   // the corpus step just undone, while it is redoable
	corpusSteps     []*annotate.CorpusStep // the corpus steps made since the project opened
	// onDocChanged, when set, is told of every document an edit, undo or
	// redo changed (the corpus index follows it).
	onDocChanged func(d *annotate.Document)
	tools        *corpusTools // the concordance, frequency lists and statistics; made on first use
	// indexAtOpen builds the corpus index in the background when a
	// project opens (the workspace tests turn it off: no background work
	// they did not ask for).
	indexAtOpen bool
	schema      *annotate.Schema             // the project's schema as last read (drawing never waits for the project)
	job         *longJob                     // the long work running, nil when none
	dialogs     map[fyne.CanvasObject]func() // what Esc does in the dialogs shown by showDialog, by their pop-up
	tips        *tipLayer                    // the window's tooltips

	// lastErr is the last error shown (tests read it).
	lastErr error
	// stepDialog is the last dialog about a step that cannot be undone or
	// redone (tests read it).
	stepDialog dialog.Dialog
	// agreement and handOutForm are the last Agreement dialog and Hand
	// out form shown (tests read them).
	agreement   *agreementView
	handOutForm *handOutForm
	// curation is the curation mode's state (a curation project), nil for
	// any other project; curBar is its bar over the document.
	curation *curationState
	curBar   *fyne.Container
}

// statuses in the status filter, "" first for all.
var statusFilter = []annotate.Status{"", annotate.StatusNew, annotate.StatusInProgress, annotate.StatusDone}

func statusName(s annotate.Status) string {
	switch s {
	case "":
		return lang.L("All")
	case annotate.StatusNew:
		return lang.L("New")
	case annotate.StatusInProgress:
		return lang.L("In progress")
	case annotate.StatusDone:
		return lang.L("Done")
	}
	return string(s)
}

// newWorkspace builds the workspace in win, with no project open yet.
func newWorkspace(a fyne.App, win fyne.Window) *workspace {
	ws := &workspace{app: a, win: win, prefs: a.Preferences(), docIdx: -1, segOK: make(chan struct{}), indexAtOpen: true, sgReasons: map[suggestionKey]corpus.Reason{}}
	ws.showPOS = ws.prefs.BoolWithFallback("view.pos", true)
	ws.showWB = ws.prefs.BoolWithFallback("view.boundaries", true)
	ws.zoom = float32(ws.prefs.FloatWithFallback("view.zoom", 1))
	ws.theme = ws.prefs.String("theme")
	a.Settings().SetTheme(themeFor(ws.theme))
	ws.build()
	return ws
}

// build makes the widgets and lays them out. It is run again after the
// language changes.
func (ws *workspace) build() {
	var view tvState
	if ws.view != nil {
		view = ws.view.State()
		ws.saveSplits()
	}
	// Left: documents.
	ws.filter = widget.NewEntry()
	ws.filter.SetPlaceHolder(lang.L("Filter documents"))
	ws.filter.OnChanged = func(string) { ws.applyFilter() }
	var opts []string
	for _, s := range statusFilter {
		opts = append(opts, statusName(s))
	}
	ws.statusSel = widget.NewSelect(opts, func(string) { ws.applyFilter() })
	ws.statusSel.SetSelectedIndex(0)
	ws.docList = widget.NewList(
		func() int { return len(ws.shown) },
		func() fyne.CanvasObject {
			name := newFitLabel("", fyne.TextStyle{})
			box := container.NewVBox(name)
			for range 2 {
				meta := newFitLabel("", fyne.TextStyle{})
				meta.SizeName = theme.SizeNameCaptionText
				box.Add(meta)
			}
			return container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), box.Objects...)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(ws.shown) {
				return
			}
			d := ws.docs[ws.shown[id]]
			box := o.(*fyne.Container)
			for i, text := range []string{statusMark(d.Status) + " " + d.Name, statusName(d.Status) + " · " + spanCount(d.Spans, d.Suggested) + ws.curationProgress(d.ID),
				fmt.Sprintf(lang.L("%d/%d tokens edited"), d.Tagged, d.Tokens)} {
				box.Objects[i].(*fitLabel).SetText(text)
			}
		})
	ws.docList.OnSelected = func(id widget.ListItemID) {
		if id < len(ws.shown) && ws.shown[id] != ws.docIdx {
			ws.openDocument(ws.shown[id])
		}
	}
	left := container.NewBorder(container.NewVBox(ws.filter, ws.statusSel), nil, nil, nil, ws.docList)

	// Centre: the document.
	ws.view = newTextView()
	ws.view.SetShowPOS(ws.showPOS)
	ws.view.SetShowBoundaries(ws.showWB)
	ws.view.SetZoom(ws.zoom)
	ws.view.SetHiddenLayers([]string{export.XPOSLayer, export.UPOSLayer})
	ws.view.OnSelectionChanged = func(start, end int) {
		ws.selectRelation(0) // the cursor moved: the relation is no longer the object
		ws.selectionChanged()
	}
	ws.view.OnArcTapped = func(id int64) { ws.pickRelation(id); ws.focusView() }
	ws.view.OnTypedRune = ws.typedRune
	ws.view.OnTypedKey = ws.typedKey
	ws.title = newFitLabel("", fyne.TextStyle{Bold: true})
	ws.docMeta = newFitLabel("", fyne.TextStyle{})
	ws.docMeta.Importance = widget.LowImportance
	ws.docMeta.SizeName = theme.SizeNameCaptionText
	ws.doneBtn = widget.NewButton(lang.L("Mark done"), ws.onToggleDone)
	// The title over its counts, the button beside both: the title has
	// the width of the document (it was squeezed to "…" beside the counts).
	titles := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), ws.title, ws.docMeta)
	head := container.NewBorder(nil, nil, nil, container.NewCenter(ws.doneBtn), titles)
	ws.hint = newEmptyHint(ws)
	ws.curBar = container.NewVBox()
	ws.curBar.Hide()
	centre := container.NewBorder(container.NewVBox(head, ws.curBar, widget.NewSeparator()), nil, nil, nil,
		container.NewStack(ws.view.Scroll(), ws.hint.root))

	// Right: palette, inspector, spans.
	ws.layerSel = widget.NewSelect(nil, func(name string) { ws.setLayer(name) })
	ws.palette = container.NewGridWithColumns(2)
	if ws.tips == nil {
		ws.tips = newTipLayer()
	}
	ws.insp = newInspector(ws)
	ws.spanList = widget.NewList(
		func() int { return len(ws.spanItems) },
		func() fyne.CanvasObject { return newSpanRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(ws.spanItems) {
				o.(*spanRow).set(ws.spanItems[id], ws.doc, ws.schema)
			}
		})
	ws.spanList.OnSelected = func(id widget.ListItemID) {
		if id < len(ws.spanItems) {
			ws.view.SelectSpan(ws.spanItems[id].ID)
			ws.spanList.UnselectAll()
			ws.focusView()
		}
	}
	paletteBox := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("Labels"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, ws.layerSel),
		ws.palette)
	spansHead := widget.NewLabelWithStyle(lang.L("Spans"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	relsHead := widget.NewLabelWithStyle(lang.L("Relations (r)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ws.relList = ws.newRelationList()
	ws.rightTop = container.NewVScroll(container.NewVBox(paletteBox, widget.NewSeparator(), ws.insp.root))
	// The inspector's buttons stay under the scrolled palette and
	// inspector: at 1024×700 they had to be scrolled to.
	ws.relPane = container.NewBorder(relsHead, nil, nil, nil, ws.relList)
	ws.relPane.Hide() // until a schema with relation layers is read (refreshSchema)
	lists := container.NewVSplit(container.NewBorder(spansHead, nil, nil, nil, ws.spanList), ws.relPane)
	lists.Offset = 0.6
	right := container.NewVSplit(container.NewBorder(nil, ws.insp.buttons, nil, nil, ws.rightTop), lists)

	// Status bar.
	ws.statusDict = newStatusLabel(lang.L("Loading dictionary…"))
	ws.statusSave = newStatusLabel("")
	ws.statusSelection = newStatusLabel("")
	ws.statusCnt = newStatusLabel("")
	status := container.New(&statusLayout{}, ws.statusDict, ws.statusSave, ws.statusSelection, ws.statusCnt)
	for _, l := range []*statusLabel{ws.statusDict, ws.statusSave, ws.statusSelection, ws.statusCnt} {
		l.bar = status
	}

	// The concordance (Ctrl+F) docks under the document, hidden until used.
	split := container.NewHSplit(left, container.NewHSplit(ws.corpus().kwic.dock(centre), right))
	ws.splits = [3]*container.Split{split, split.Trailing.(*container.Split), right}
	ws.restoreSplits()
	content := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), status), nil, nil, split)
	if ws.root == nil {
		ws.root = container.NewStack(ws.tips.over(content))
	} else {
		ws.root.Objects = []fyne.CanvasObject{ws.tips.over(content)}
		ws.root.Refresh()
	}
	ws.menu = newMainMenu(ws)
	ws.win.SetMainMenu(ws.menu.build())
	ws.addShortcuts()
	ws.win.SetOnDropped(ws.onDropped)
	ws.win.Canvas().SetOnTypedKey(ws.canvasKey)
	ws.win.Canvas().SetOnTypedRune(ws.canvasRune)
	if ws.seg != nil {
		ws.statusDict.SetText(lang.L("Dictionary loaded"))
	}
	if ws.proj != nil {
		ws.refreshDocs()
		ws.refreshSchema()
		if ws.docIdx >= 0 && ws.doc != nil {
			idx := ws.docIdx
			ws.docIdx = -1
			ws.openDocument(idx)
			ws.view.Restore(view)
		}
	}
	ws.hint.refresh()
}

// The side panels' default sizes, as fractions of the split they divide.
const (
	defaultLeftSplit      = 0.2
	defaultRightSplit     = 0.72
	defaultInspectorSplit = 0.66
)

// splitPrefs are the preference keys of the splits' offsets.
var splitPrefs = [3]string{"layout.documents", "layout.right", "layout.inspector"}

// restoreSplits sets the splits' offsets from the preferences (the sizes
// the annotator dragged the side panels to), else the defaults.
func (ws *workspace) restoreSplits() {
	defaults := [3]float64{defaultLeftSplit, defaultRightSplit, defaultInspectorSplit}
	for i, s := range ws.splits {
		off := ws.prefs.FloatWithFallback(splitPrefs[i], defaults[i])
		if off <= 0.02 || off >= 0.98 {
			off = defaults[i]
		}
		s.Offset = off
	}
}

// saveSplits remembers the splits' offsets in the preferences.
func (ws *workspace) saveSplits() {
	for i, s := range ws.splits {
		if s != nil {
			ws.prefs.SetFloat(splitPrefs[i], s.Offset)
		}
	}
}

func statusMark(s annotate.Status) string {
	switch s {
	case annotate.StatusDone:
		return "✓"
	case annotate.StatusInProgress:
		return "●"
	}
	return "○"
}

// spanCount is a count of spans, suggestions included, saying how many of
// them are suggestions: "9 spans (2 suggested)". It is the one way the
// app counts spans (the document's head, the document list, the status
// bar, the statistics; `ls` has the two columns).
func spanCount(total, suggested int) string {
	if suggested == 0 {
		return nSpans(total)
	}
	return lang.N("{{.Count}} spans ({{.Suggested}} suggested)", total, map[string]any{"Count": total, "Suggested": suggested})
}

// countSuggested counts the suggestions among spans.
func countSuggested(spans []annotate.Span) int {
	n := 0
	for _, sp := range spans {
		if sp.Origin == annotate.OriginSuggested {
			n++
		}
	}
	return n
}

// Counted nouns, with English plurals (lang.N).
func nSpans(n int) string  { return lang.N("{{.Count}} spans", n, map[string]any{"Count": n}) }
func nTokens(n int) string { return lang.N("{{.Count}} tokens", n, map[string]any{"Count": n}) }
func nChars(n int) string  { return lang.N("{{.Count}} characters", n, map[string]any{"Count": n}) }
func nDocs(n int) string   { return lang.N("{{.Count}} documents", n, map[string]any{"Count": n}) }

// loadSegmenter loads the dictionary on its own goroutine.
func (ws *workspace) loadSegmenter() {
	go func() {
		start := time.Now()
		seg, err := text.NewSegmenter()
		took := time.Since(start)
		releaseMemory()
		fyne.Do(func() {
			ws.seg, ws.segErr = seg, err
			if err != nil {
				ws.statusDict.SetText(lang.L("Dictionary failed to load"))
				ws.showError(err)
			} else {
				ws.statusDict.SetText(fmt.Sprintf(lang.L("Dictionary loaded (%.1f s)"), took.Seconds()))
			}
			close(ws.segOK)
		})
	}()
}

// setProject makes p the open project (closing the one open before) and
// opens its last document.
func (ws *workspace) setProject(p *annotate.Project) {
	if ws.proj != nil && ws.proj != p {
		ws.closeProject()
	}
	ws.proj = p
	// A copy handed out to an annotator (biaozhu assign) names the spans
	// made in it after them.
	if name, err := p.HandedTo(); err == nil && name != "" {
		p.SetAnnotator(name)
	}
	ws.win.SetTitle("Biaozhu — " + filepath.Base(p.Path()))
	ws.addRecent(p.Path())
	ws.refreshSchema()
	ws.refreshDocs()
	ws.setupCuration()
	if ws.indexAtOpen {
		ws.corpus().buildInBackground()
	}
	last := ws.prefs.IntWithFallback("lastdoc:"+p.Path(), 0)
	idx := slices.IndexFunc(ws.docs, func(d annotate.DocumentSummary) bool { return d.ID == int64(last) })
	if idx < 0 && len(ws.docs) > 0 {
		idx = 0
	}
	if idx >= 0 {
		ws.openDocument(idx)
	} else {
		ws.showDocument(nil)
	}
}

// closeProject closes the open project.
func (ws *workspace) closeProject() {
	if ws.proj == nil {
		return
	}
	if err := ws.proj.Close(); err != nil {
		ws.showError(err)
	}
	ws.proj, ws.doc, ws.docIdx, ws.docs, ws.shown = nil, nil, -1, nil, nil
	ws.curation = nil
	ws.corpusStep, ws.corpusUndone, ws.corpusSteps = nil, nil, nil
	ws.corpusClosed()
	ws.win.SetTitle("Biaozhu")
	ws.showDocument(nil)
	ws.docList.Refresh()
	ws.layerSel.Options = nil
	ws.layerSel.ClearSelected()
	ws.fillPalette()
	ws.statusSave.SetText("")
	ws.statusCnt.SetText("")
	clear(ws.sgReasons)
	ws.hint.refresh()
}

// onClose closes the project (File → Close), once no long work runs.
func (ws *workspace) onClose() {
	if ws.modal() || ws.busy() {
		return
	}
	ws.closeProject()
}

// refreshDocs reloads the document list from the project.
func (ws *workspace) refreshDocs() {
	if ws.proj == nil {
		return
	}
	docs, err := ws.proj.Documents()
	if err != nil {
		ws.showError(err)
		return
	}
	var curID int64
	if ws.docIdx >= 0 && ws.docIdx < len(ws.docs) {
		curID = ws.docs[ws.docIdx].ID
	}
	ws.docs = docs
	ws.docIdx = slices.IndexFunc(docs, func(d annotate.DocumentSummary) bool { return d.ID == curID })
	ws.applyFilter()
}

// applyFilter recomputes the shown documents from the filter box and the
// status filter.
func (ws *workspace) applyFilter() {
	if ws.docList == nil {
		return
	}
	q := strings.ToLower(strings.TrimSpace(ws.filter.Text))
	st := statusFilter[max(0, ws.statusSel.SelectedIndex())]
	ws.shown = ws.shown[:0]
	for i, d := range ws.docs {
		if (st == "" || d.Status == st) && (q == "" || strings.Contains(strings.ToLower(d.Name), q)) {
			ws.shown = append(ws.shown, i)
		}
	}
	ws.docList.Refresh()
	ws.syncListSelection()
	ws.hint.refresh()
}

func (ws *workspace) syncListSelection() {
	if k := slices.Index(ws.shown, ws.docIdx); k >= 0 {
		ws.docList.Select(k)
	} else {
		ws.docList.UnselectAll()
	}
}

// openDocument shows ws.docs[idx].
func (ws *workspace) openDocument(idx int) {
	if ws.proj == nil || idx < 0 || idx >= len(ws.docs) || ws.busy() {
		ws.syncListSelection()
		return
	}
	ws.relFrom = 0
	d, err := ws.proj.Document(ws.docs[idx].ID)
	if err != nil {
		ws.showError(err)
		return
	}
	ws.docIdx = idx
	ws.prefs.SetInt("lastdoc:"+ws.proj.Path(), int(d.ID))
	ws.showDocument(d)
	ws.syncListSelection()
	go releaseMemory()
}

// releaseMemory collects the garbage of a big step (the dictionary's load,
// a document's, the index's build) and gives the memory back to the
// system at once: the Go runtime would keep it for minutes, and the heap
// of a step is twice or three times what it leaves live.
func releaseMemory() { debug.FreeOSMemory() }

// showDocument puts d (nil: none) in the view and the panels.
func (ws *workspace) showDocument(d *annotate.Document) {
	ws.doc = d
	ws.selRel = 0
	var schema *annotate.Schema
	if ws.proj != nil {
		schema = ws.proj.Schema()
	}
	ws.view.SetDocument(d, schema)
	if d == nil {
		ws.title.SetText(lang.L("No document"))
		ws.docMeta.SetText("")
		ws.doneBtn.Disable()
	} else {
		ws.title.SetText(d.Name)
		ws.doneBtn.Enable()
	}
	ws.afterEdit(false)
	ws.focusView()
}

// afterEdit redraws what an edit (or undo, redo, document switch) may have
// changed: the view, the span list, the inspector, the current document's
// line in the list and the counts.
func (ws *workspace) afterEdit(edited bool) {
	if edited {
		ws.view.DocumentChanged()
	}
	d := ws.doc
	ws.spanItems = ws.spanItems[:0]
	ws.relItems = ws.relItems[:0]
	if d != nil {
		ws.relItems = append(ws.relItems, d.Relations...)
		ws.spanItems = append(ws.spanItems, d.Spans...)
		slices.SortStableFunc(ws.spanItems, func(a, b annotate.Span) int {
			if a.Start != b.Start {
				return a.Start - b.Start
			}
			return b.End - a.End
		})
		if ws.docIdx >= 0 {
			s := &ws.docs[ws.docIdx]
			s.Status, s.Spans, s.Suggested, s.Tokens = d.Status, len(d.Spans), countSuggested(d.Spans), len(d.Tokens)
			s.Tagged = 0
			for i := range d.Tokens {
				if d.Tokens[i].Edited {
					s.Tagged++
				}
			}
			// only the document's own row: refreshing the list redraws
			// (and shapes the text of) every row in view
			if i := slices.Index(ws.shown, ws.docIdx); i >= 0 {
				ws.docList.RefreshItem(i)
			}
		}
		setLabel(ws.docMeta, ws.docMeta.Text, nChars(d.Chars())+" · "+nTokens(len(d.Tokens))+" · "+spanCount(len(d.Spans), countSuggested(d.Spans)))
		done := lang.L("Mark done")
		if d.Status == annotate.StatusDone {
			done = lang.L("Reopen")
		}
		if ws.doneBtn.Text != done {
			ws.doneBtn.SetText(done)
		}
	}
	ws.spanList.UnselectAll()
	ws.spanList.Refresh()
	ws.relList.Refresh()
	ws.selectRelation(ws.selRel) // its row may have moved, or it may be gone
	setLabel(ws.statusCnt, ws.statusCnt.Text, ws.countsText())
	ws.selectionChanged()
	ws.refreshCuration()
}

// setLabel sets the text of l, which is old, to s when it differs: a
// label's SetText lays its text out again (shaping it to truncate; a
// status label lays out the whole bar), even when it is the same.
func setLabel(l interface{ SetText(string) }, old, s string) {
	if old != s {
		l.SetText(s)
	}
}

func (ws *workspace) countsText() string {
	var toks, spans, sugg, done int
	for _, d := range ws.docs {
		toks += d.Tokens
		spans += d.Spans
		sugg += d.Suggested
		if d.Status == annotate.StatusDone {
			done++
		}
	}
	return nDocs(len(ws.docs)) + " (" + fmt.Sprintf(lang.L("%d done"), done) + ") · " + nTokens(toks) + " · " + spanCount(spans, sugg)
}

// selectionChanged updates the inspector and the status bar for the view's
// selection.
func (ws *workspace) selectionChanged() {
	if ws.doc == nil {
		ws.statusSelection.SetText("")
		ws.insp.show(nil, nil, 0, 0)
		return
	}
	start, end := ws.view.Selection()
	mode := ""
	if ws.view.CharMode() {
		mode = lang.L("character mode") + " · "
	}
	setLabel(ws.statusSelection, ws.statusSelection.Text, mode+fmt.Sprintf(lang.L("selection [%d, %d)"), start, end)+" · "+nChars(end-start))
	var tok *text.Token
	if i := ws.view.Cursor(); i >= 0 && i < len(ws.doc.Tokens) {
		tok = &ws.doc.Tokens[i]
	}
	var sp *annotate.Span
	if id, ok := ws.view.SelectedSpan(); ok {
		if s, ok := ws.doc.Span(id); ok {
			sp = &s
		}
	}
	ws.insp.show(tok, sp, start, end)
}

// refreshSchema rebuilds the layer choice and the palette from the
// project's schema.
func (ws *workspace) refreshSchema() {
	if ws.proj == nil {
		return
	}
	s := ws.proj.Schema()
	ws.schema = s
	names := s.LayerNames()
	if !slices.Contains(names, ws.layer) {
		ws.layer = ""
		if len(names) > 0 {
			ws.layer = names[0]
		}
	}
	ws.layerSel.Options = names
	ws.layerSel.SetSelected(ws.layer)
	ws.view.SetSchema(s)
	ws.insp.setTagset(s.POS)
	ws.fillPalette()
	// The relation list takes room from the span list only where the
	// schema has relations.
	if len(s.Relations) > 0 {
		ws.relPane.Show()
	} else {
		ws.relPane.Hide()
	}
}

func (ws *workspace) setLayer(name string) {
	if name == "" || name == ws.layer && len(ws.palette.Objects) > 0 {
		return
	}
	ws.layer = name
	ws.view.SetActiveLayer(name)
	if ws.layerSel.Selected != name {
		ws.layerSel.SetSelected(name)
	}
	ws.fillPalette()
}

// fillPalette shows the labels of the active layer.
func (ws *workspace) fillPalette() {
	ws.palette.Objects = nil
	if ws.proj == nil {
		ws.palette.Refresh()
		return
	}
	l, ok := ws.proj.Schema().Layer(ws.layer)
	if !ok {
		ws.palette.Refresh()
		return
	}
	for _, lb := range l.Labels {
		ws.palette.Add(newLabelButton(lb, func() { ws.applyLabel(l.Name, lb.Name) }))
	}
	ws.palette.Refresh()
	ws.rightTop.Refresh() // the palette's height changed
	ws.view.SetActiveLayer(ws.layer)
}

// focusView gives the document view the keyboard.
func (ws *workspace) focusView() {
	if c := ws.win.Canvas(); c != nil {
		c.Focus(ws.view)
	}
}

// apply runs one edit on the open document through the project (committed
// before it returns) and redraws. Refused edits show their error and
// change nothing.
func (ws *workspace) apply(e annotate.Edit) bool {
	if ws.proj == nil || ws.doc == nil || ws.busy() {
		return false
	}
	ws.corpusStep, ws.corpusUndone = nil, nil
	entry, err := ws.proj.Apply(ws.doc.ID, e)
	if err != nil {
		ws.refused(err)
		return false
	}
	if entry == nil {
		return true // nothing to change
	}
	ws.saved(describeStep(entry, ws.doc))
	ws.afterEdit(true)
	ws.corpusChanged(ws.doc)
	return true
}

// saved reports a committed step in the status bar.
func (ws *workspace) saved(what string) {
	ws.statusSave.Importance = widget.MediumImportance
	ws.statusSave.SetText(fmt.Sprintf(lang.L("Saved %s: %s"), time.Now().Format("15:04:05"), what))
}

// refused reports an edit the project refused: a refusal of the edit
// itself (an overlap, a span edge inside a merge…) in the status bar, so
// that the annotator can go on typing; any other error in a dialog.
func (ws *workspace) refused(err error) {
	var ee *annotate.EditError
	if errors.As(err, &ee) {
		ws.lastErr = err
		ws.statusSave.Importance = widget.DangerImportance
		ws.statusSave.SetText(refusedText(ee))
		return
	}
	ws.showError(err)
}

// refusedText says why the project refused an edit, in the UI's language
// (the model's own words stay in ws.lastErr).
func refusedText(ee *annotate.EditError) string {
	switch {
	case errors.Is(ee, annotate.ErrOverlap):
		return lang.L("Refused: it would overlap another span of a layer that forbids overlaps")
	case errors.Is(ee, annotate.ErrSpanBoundary):
		return lang.L("Refused: a span starts or ends inside the tokens to merge")
	case errors.Is(ee, annotate.ErrToken):
		return lang.L("Refused: the tokens there do not allow it (a merge across a sentence, a split at a token's edge)")
	case errors.Is(ee, annotate.ErrPOS):
		return lang.L("Refused: not a POS tag of the tagset")
	case errors.Is(ee, annotate.ErrLabel), errors.Is(ee, annotate.ErrLayer):
		return lang.L("Refused: the label is not in the schema")
	case errors.Is(ee, annotate.ErrNoSpan):
		return lang.L("Refused: the span is gone")
	}
	return lang.L("Refused") + ": " + ee.Detail
}

// showError shows err in a dialog and remembers it.
func (ws *workspace) showError(err error) {
	if errors.Is(err, context.Canceled) {
		return // the annotator cancelled: nothing to report
	}
	ws.lastErr = err
	if err == nil {
		return
	}
	d := newErrorDialog(err, ws.win)
	d.SetOnClosed(ws.focusView)
	ws.showDialog(d)
}

// info shows a short message in the status bar.
func (ws *workspace) info(msg string) {
	ws.statusSave.Importance = widget.MediumImportance
	ws.statusSave.SetText(msg)
}

// ---- preferences ----

const maxRecent = 10

// dropRecent removes path from the recent projects (it could not be
// opened).
func (ws *workspace) dropRecent(path string) {
	rec := ws.prefs.StringList("recent")
	rec = slices.DeleteFunc(rec, func(s string) bool { return s == path })
	ws.prefs.SetStringList("recent", rec)
	if ws.menu != nil {
		ws.menu.refreshRecent()
	}
}

func (ws *workspace) addRecent(path string) {
	abs, err := filepath.Abs(path)
	if err == nil {
		path = abs
	}
	rec := ws.prefs.StringList("recent")
	rec = slices.DeleteFunc(rec, func(s string) bool { return s == path })
	rec = append([]string{path}, rec...)
	if len(rec) > maxRecent {
		rec = rec[:maxRecent]
	}
	ws.prefs.SetStringList("recent", rec)
	if ws.menu != nil {
		ws.menu.refreshRecent()
	}
}
