package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/export"
)

// ---- frequency lists ----

// freqView is the frequency list dialog: words, POS tags, labels or
// labels × words, for the corpus or the open document, filtered, sorted
// by any column, exported as CSV or xlsx. Clicking a row shows its
// occurrences in the concordance.
type freqView struct {
	ct      *corpusTools
	ix      *corpus.Index
	rows    []corpus.FreqRow // as Freq returned them
	shown   []int            // indexes into rows: filtered and sorted
	by      corpus.FreqBy
	doc     int64
	fold    bool
	sortCol int  // the column sorted by
	desc    bool // descending
	gen     int
	// exporting: the dialog is hidden for Export…'s dialogs and shown
	// again after, not closed.
	exporting bool
	dlg       dialog.Dialog
	table     *escTable
	bySel     *escSelect
	scope     *escSelect
	foldCk    *escCheck
	noiseCk   *escCheck // hide punctuation and numbers (AntConc's word list does)
	filter    *keyEntry
	count     *widget.Label

	// onLoaded, when set, is called when a list has been counted and
	// shown (tests).
	onLoaded func()
	// loaded is closed when the first list has been counted and shown.
	loaded chan struct{}
}

func newFreqView(ct *corpusTools, ix *corpus.Index) *freqView {
	return &freqView{ct: ct, ix: ix, by: corpus.FreqWord, sortCol: freqCount, desc: true, loaded: make(chan struct{})}
}

var freqBys = []corpus.FreqBy{corpus.FreqWord, corpus.FreqPOS, corpus.FreqLabel, corpus.FreqLabelWord}

func freqByNames() []string {
	return []string{lang.L("Words"), lang.L("POS tags"), lang.L("Labels"), lang.L("Labels × words")}
}

// The columns of the list.
const (
	freqRank = iota
	freqKey
	freqKey2
	freqCount
	freqDocs
	freqShare
)

func (v *freqView) header(col int) string {
	switch col {
	case freqRank:
		return "#"
	case freqKey:
		switch v.by {
		case corpus.FreqPOS:
			return lang.L("POS tag")
		case corpus.FreqLabel, corpus.FreqLabelWord:
			return lang.L("Label")
		}
		return lang.L("Word")
	case freqKey2:
		return lang.L("Text")
	case freqCount:
		return lang.L("Count")
	case freqDocs:
		return lang.L("Documents")
	}
	return lang.L("Share")
}

// onFrequency shows the frequency lists (Ctrl+Shift+F).
func (ws *workspace) onFrequency() {
	if ws.modal() {
		return
	}
	ct := ws.corpus()
	ct.withIndex(func(ix *corpus.Index) {
		v := newFreqView(ct, ix)
		ct.freq = v
		v.show()
	})
}

func (v *freqView) show() {
	ws := v.ct.ws
	v.bySel = newEscSelect(freqByNames(), nil)
	v.bySel.SetSelectedIndex(slices.Index(freqBys, v.by))
	v.bySel.OnChanged = func(string) { v.reload(); v.refocus() }
	v.scope = newEscSelect(kwicScopes(), nil)
	v.scope.SetSelectedIndex(0)
	v.scope.OnChanged = func(string) { v.reload(); v.refocus() }
	v.foldCk = newEscCheck(lang.L("Ignore traditional/simplified"), func(bool) { v.reload(); v.refocus() })
	v.noiseCk = newEscCheck(lang.L("Hide punctuation and numbers"), nil)
	v.noiseCk.SetChecked(ws.prefs.Bool("freq.hideNoise"))
	v.noiseCk.OnChanged = func(on bool) {
		ws.prefs.SetBool("freq.hideNoise", on)
		v.apply()
		v.refocus()
	}
	v.filter = newKeyEntry(func(name fyne.KeyName) bool {
		return passEsc(v.filter, &fyne.KeyEvent{Name: name}) // Esc: close
	})
	v.filter.SetPlaceHolder(lang.L("Filter"))
	v.filter.OnChanged = func(string) { v.apply() }
	v.count = widget.NewLabel("")
	exportBtn := newEscButton(lang.L("Export…"), nil, v.onExport)
	v.table = newEscTable(
		func() (int, int) { return len(v.shown), len(v.cols()) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { v.cell(id.Row, v.col(id.Col), o.(*widget.Label)) })
	v.table.ShowHeaderColumn = false
	v.table.CreateHeader = func() fyne.CanvasObject { return newEscButton("", nil, nil) }
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*escButton)
		col := v.col(id.Col)
		text := v.header(col)
		if col == v.sortCol {
			if v.desc {
				text += " ▼"
			} else {
				text += " ▲"
			}
		}
		b.SetText(text)
		b.OnTapped = func() { v.sortBy(col); v.refocus() }
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		v.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(v.shown) {
			v.concordance(v.rows[v.shown[id.Row]])
		}
		v.refocus()
	}
	v.widths()
	// The filter on a row of its own: beside the choices it was squeezed
	// to its placeholder at 1024 pixels.
	top := container.NewVBox(container.NewHBox(v.bySel, v.scope, v.foldCk, v.noiseCk),
		container.NewBorder(nil, nil, nil, exportBtn, v.filter))
	body := container.NewBorder(container.NewVBox(top, v.count), nil, nil, nil, v.table)
	v.dlg = newCustomDialog(lang.L("Frequency lists"), lang.L("Close"), body, ws.win)
	v.dlg.SetOnClosed(func() {
		if v.exporting {
			return // shown again after the export
		}
		if ws.corpus().freq == v {
			ws.corpus().freq = nil
		}
		v.gen++
		ws.focusView()
	})
	v.dlg.Resize(fyne.NewSize(min(900, ws.win.Canvas().Size().Width-40), min(680, ws.win.Canvas().Size().Height-40)))
	ws.showDialog(v.dlg)
	v.reload()
	ws.win.Canvas().Focus(v.filter)
}

// refocus gives the keyboard back to the filter after a click on the
// dialog's controls or rows, so that Esc (which the filter takes) closes
// the dialog whatever was clicked last.
func (v *freqView) refocus() {
	if v.dlg != nil && v.filter != nil && v.ct.ws.win.Canvas().Overlays().Top() != nil {
		v.ct.ws.win.Canvas().Focus(v.filter)
	}
}

// noiseWord reports whether w is only punctuation, symbols and numbers
// (。 ， “ 2021 3.5% —), which the word list hides on request.
func noiseWord(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !unicode.IsPunct(r) && !unicode.IsSymbol(r) && !unicode.IsNumber(r) && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// cols lists the columns shown: the text column only for labels × words.
func (v *freqView) cols() []int {
	if v.by == corpus.FreqLabelWord {
		return []int{freqRank, freqKey, freqKey2, freqCount, freqDocs, freqShare}
	}
	return []int{freqRank, freqKey, freqCount, freqDocs, freqShare}
}

// col is the column shown at place i.
func (v *freqView) col(i int) int {
	cols := v.cols()
	if i < 0 || i >= len(cols) {
		return -1
	}
	return cols[i]
}

// widths sets the column widths.
func (v *freqView) widths() {
	w := map[int]float32{freqRank: 64, freqKey: 260, freqKey2: 200, freqCount: 110, freqDocs: 110, freqShare: 100}
	if v.by == corpus.FreqLabelWord {
		w[freqKey] = 180
	}
	for i, col := range v.cols() {
		v.table.SetColumnWidth(i, w[col])
	}
}

func (v *freqView) cell(row, col int, l *widget.Label) {
	if row >= len(v.shown) {
		l.SetText("")
		return
	}
	r := v.rows[v.shown[row]]
	l.Alignment = fyne.TextAlignTrailing
	var text string
	switch col {
	case freqRank:
		text = strconv.Itoa(row + 1)
	case freqKey:
		text, l.Alignment = r.Key, fyne.TextAlignLeading
	case freqKey2:
		text, l.Alignment = r.Key2, fyne.TextAlignLeading
	case freqCount:
		text = export.FormatValue(float64(r.Count))
	case freqDocs:
		text = export.FormatValue(float64(r.Docs))
	case freqShare:
		text = sharePercent(r.Share)
	}
	l.SetText(text)
}

func sharePercent(s float64) string {
	return strconv.FormatFloat(s*100, 'f', 2, 64) + "%"
}

// reload counts the list the controls ask for, off the UI goroutine.
func (v *freqView) reload() {
	ws := v.ct.ws
	i := v.bySel.SelectedIndex()
	if i < 0 {
		return
	}
	v.by = freqBys[i]
	v.doc = 0
	if v.scope.SelectedIndex() == 1 && ws.doc != nil {
		v.doc = ws.doc.ID
	}
	v.fold = v.foldCk.Checked
	v.widths()
	v.gen++
	gen := v.gen
	v.count.SetText(lang.L("Counting…"))
	ix, by, doc, fold := v.ix, v.by, v.doc, v.fold
	go func() {
		rows := ix.Freq(by, doc, fold)
		fyne.Do(func() {
			if gen != v.gen {
				return
			}
			v.rows = rows
			v.apply()
			select {
			case <-v.loaded:
			default:
				close(v.loaded)
			}
			if v.onLoaded != nil {
				v.onLoaded()
			}
		})
	}()
}

// apply filters and sorts the rows and redraws.
func (v *freqView) apply() {
	f := strings.ToLower(strings.TrimSpace(v.filter.Text))
	v.shown = v.shown[:0]
	total := 0
	hide := v.noiseCk != nil && v.noiseCk.Checked
	for i, r := range v.rows {
		total += r.Count
		word := r.Key
		if v.by == corpus.FreqLabelWord {
			word = r.Key2
		}
		if hide && (v.by == corpus.FreqWord || v.by == corpus.FreqLabelWord) && noiseWord(word) {
			continue
		}
		if f == "" || strings.Contains(strings.ToLower(r.Key), f) || strings.Contains(strings.ToLower(r.Key2), f) {
			v.shown = append(v.shown, i)
		}
	}
	v.sortRows()
	v.count.SetText(fmt.Sprintf(lang.L("%s of %s rows · %s in all"), export.FormatValue(float64(len(v.shown))),
		export.FormatValue(float64(len(v.rows))), export.FormatValue(float64(total))))
	v.table.Refresh()
	v.table.ScrollToTop()
}

// sortBy sorts by column col: again by the same column turns the order
// round; a new column starts high-to-low for numbers, A-Z for text.
func (v *freqView) sortBy(col int) {
	if col == v.sortCol {
		v.desc = !v.desc
	} else {
		v.sortCol, v.desc = col, col == freqCount || col == freqDocs || col == freqShare
	}
	v.sortRows()
	v.table.Refresh()
}

func (v *freqView) sortRows() {
	rows := v.rows
	col, desc := v.sortCol, v.desc
	slices.SortStableFunc(v.shown, func(a, b int) int {
		ra, rb := rows[a], rows[b]
		var c int
		switch col {
		case freqKey:
			c = cmp.Or(strings.Compare(ra.Key, rb.Key), strings.Compare(ra.Key2, rb.Key2))
		case freqKey2:
			c = cmp.Or(strings.Compare(ra.Key2, rb.Key2), strings.Compare(ra.Key, rb.Key))
		case freqDocs:
			c = cmp.Compare(ra.Docs, rb.Docs)
		case freqRank, freqCount, freqShare:
			c = cmp.Compare(ra.Count, rb.Count)
			if col == freqRank {
				c = -c // rank 1 is the highest count
			}
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a, b))
	})
}

// concordance closes the list and shows row r's occurrences in the
// concordance.
func (v *freqView) concordance(r corpus.FreqRow) {
	k := v.ct.kwic
	f := kwicForm{fold: v.fold}
	if v.doc != 0 {
		f.scope = 1
	}
	switch v.by {
	case corpus.FreqWord:
		f.query, f.mode = r.Key, 2
	case corpus.FreqPOS:
		f.pos = r.Key
	case corpus.FreqLabel:
		f.label = r.Key
	case corpus.FreqLabelWord:
		f.label, f.labelText = r.Key, r.Key2
	}
	v.dlg.Hide()
	k.state = f
	k.setForm(f)
	k.show()
	k.search(k.queryFor(k.form()))
}

// onExport writes the rows shown (filtered, in their order) to CSV or
// xlsx.
func (v *freqView) onExport() {
	ws := v.ct.ws
	dlg := v.dlg
	v.exporting = true
	dlg.Hide() // one dialog at a time; shown again after the export
	again := func() {
		v.exporting = false
		ct := ws.corpus()
		if ct.freq != v {
			return
		}
		if ct.ix != v.ix { // the project was closed or indexed again
			ct.freq = nil
			return
		}
		ws.showDialog(dlg)
		ws.win.Canvas().Focus(v.filter)
	}
	ws.askTableFile(lang.L("Export the frequency list"), "freq-"+string(v.by), func(path string, opts export.TableOptions) {
		v.exportTo(path, opts, func(error) { again() })
	}, again)
}

// exportTo writes the rows shown to path behind a progress dialog, then
// calls done (if not nil): after the error, if any, has been shown and its
// dialog closed.
func (v *freqView) exportTo(path string, opts export.TableOptions, done func(error)) {
	ws := v.ct.ws
	header := []string{"rank", "key", "count", "documents", "share"}
	opts.Numbers = []int{0, 2, 3, 4}
	if v.by == corpus.FreqLabelWord {
		header = []string{"rank", "label", "text", "count", "documents", "share"}
		opts.Numbers = []int{0, 3, 4, 5}
	}
	opts.Sheet = "freq-" + string(v.by)
	rows := make([][]string, 0, len(v.shown))
	for i, k := range v.shown {
		r := v.rows[k]
		row := []string{strconv.Itoa(i + 1), r.Key}
		if v.by == corpus.FreqLabelWord {
			row = append(row, r.Key2)
		}
		rows = append(rows, append(row, strconv.Itoa(r.Count), strconv.Itoa(r.Docs), strconv.FormatFloat(r.Share, 'g', 6, 64)))
	}
	ws.runLong(lang.L("Exporting"), func(ctx context.Context, progress progressUpdate) error {
		progress(-1, fmt.Sprintf(lang.L("Writing %s"), filepath.Base(path)))
		return export.WriteTable(ctx, path, header, rows, opts)
	}, func(err error) {
		switch {
		case err == nil:
			ws.info(fmt.Sprintf(lang.L("Exported %s rows to %s"), export.FormatValue(float64(len(rows))), path))
		case !errors.Is(err, context.Canceled):
			ws.lastErr = err
			e := newErrorDialog(err, ws.win)
			e.SetOnClosed(func() {
				ws.focusView()
				if done != nil {
					done(err)
				}
			})
			ws.showDialog(e)
			return
		}
		if done != nil {
			done(err)
		}
	})
}

// ---- statistics ----

// onStatistics shows the statistics: spans per label, tokens tagged,
// documents by status, as bar charts (Ctrl+Shift+T).
func (ws *workspace) onStatistics() {
	if ws.modal() {
		return
	}
	ws.corpus().withIndex(func(ix *corpus.Index) { ws.showStatistics(ix.Stats()) })
}

// statsSummary is the statistics' first line: documents, characters,
// tokens and spans, suggestions included and counted apart, as the
// document list and the status bar count them ("9 spans (2 suggested)").
func statsSummary(st corpus.Stats) string {
	total, sugg := 0, 0
	for _, n := range st.Spans {
		total += n
	}
	for _, n := range st.Suggested {
		sugg += n
	}
	return nDocs(st.Docs) + " · " + nChars(st.Chars) + " · " + nTokens(st.Tokens) + " · " + spanCount(total+sugg, sugg)
}

// statsChart is one chart of the statistics.
type statsChart struct {
	title string
	bars  []export.Bar
}

// statsCharts turns st into the statistics' charts.
func (ws *workspace) statsCharts(st corpus.Stats) []statsChart {
	spans := statsChart{title: lang.L("Spans per label")}
	sugg := statsChart{title: lang.L("Suggestions per label")}
	seen := map[string]bool{}
	// Labels are named with their layer when the chart shows several layers.
	layers := map[string]bool{}
	for _, m := range []map[string]int{st.Spans, st.Suggested} {
		for key := range m {
			layer, _, _ := strings.Cut(key, "/")
			layers[layer] = true
		}
	}
	if s := ws.schema; s != nil {
		for _, l := range s.Layers {
			if l.Name != export.XPOSLayer && l.Name != export.UPOSLayer {
				layers[l.Name] = true
			}
		}
	}
	multi := len(layers) > 1
	name := func(layer, label string) string {
		if multi {
			return layer + "/" + label
		}
		return label
	}
	if s := ws.schema; s != nil {
		for _, l := range s.Layers {
			for _, lb := range l.Labels {
				key := l.Name + "/" + lb.Name
				seen[key] = true
				if (l.Name == export.XPOSLayer || l.Name == export.UPOSLayer) && st.Spans[key] == 0 {
					continue
				}
				c := labelColor(lb.Color)
				spans.bars = append(spans.bars, export.Bar{Label: name(l.Name, lb.Name), Value: float64(st.Spans[key]), Color: c})
				if st.Suggested[key] > 0 {
					c.A = 0x99
					sugg.bars = append(sugg.bars, export.Bar{Label: name(l.Name, lb.Name), Value: float64(st.Suggested[key]), Color: c})
				}
			}
		}
	}
	// Labels the schema no longer has.
	for _, m := range []struct {
		counts map[string]int
		chart  *statsChart
	}{{st.Spans, &spans}, {st.Suggested, &sugg}} {
		var keys []string
		for key := range m.counts {
			if !seen[key] {
				keys = append(keys, key)
			}
		}
		slices.Sort(keys)
		for _, key := range keys {
			m.chart.bars = append(m.chart.bars, export.Bar{Label: key, Value: float64(m.counts[key])})
		}
	}
	share := func(n, of int) string {
		if of == 0 {
			return export.FormatValue(float64(n))
		}
		return export.FormatValue(float64(n)) + " (" + strconv.FormatFloat(float64(n)*100/float64(of), 'f', 1, 64) + "%)"
	}
	tokens := statsChart{title: lang.L("Tokens edited by the annotator (POS or segmentation)"), bars: []export.Bar{
		{Label: lang.L("Edited"), Value: float64(st.Tagged), Text: share(st.Tagged, st.Tokens), Color: color.NRGBA{0x4c, 0xaf, 0x50, 0xff}},
		{Label: lang.L("Not edited"), Value: float64(st.Tokens - st.Tagged), Text: share(st.Tokens-st.Tagged, st.Tokens), Color: color.NRGBA{0xbd, 0xbd, 0xbd, 0xff}},
	}}
	statusColors := map[annotate.Status]color.Color{
		annotate.StatusNew:        color.NRGBA{0xbd, 0xbd, 0xbd, 0xff},
		annotate.StatusInProgress: color.NRGBA{0xff, 0xb3, 0x00, 0xff},
		annotate.StatusDone:       color.NRGBA{0x4c, 0xaf, 0x50, 0xff},
	}
	docs := statsChart{title: lang.L("Documents by status")}
	for _, s := range annotate.Statuses {
		docs.bars = append(docs.bars, export.Bar{Label: statusName(s), Value: float64(st.Status[s]), Text: share(st.Status[s], st.Docs), Color: statusColors[s]})
	}
	charts := []statsChart{spans}
	if len(sugg.bars) > 0 {
		charts = append(charts, sugg)
	}
	return append(charts, tokens, docs)
}

// statsWidth is the logical width of the statistics' charts.
const statsWidth = 720

// renderCharts draws the charts at scale (pixels per logical unit), in
// look's colours (its zero colours: black on white, for files).
func renderCharts(charts []statsChart, scale float32, look export.ChartOptions) []image.Image {
	imgs := make([]image.Image, len(charts))
	for i, c := range charts {
		o := look
		o.Width, o.FontSize = int(statsWidth*scale), float64(13*scale)
		imgs[i] = export.BarChart(c.title, c.bars, o)
	}
	return imgs
}

// screenLook is the charts' colours on screen: the theme's background,
// text and separators (a white chart glared in the dark theme).
func (ws *workspace) screenLook() export.ChartOptions {
	th, v := ws.app.Settings().Theme(), ws.app.Settings().ThemeVariant()
	return export.ChartOptions{
		Background: th.Color(theme.ColorNameBackground, v),
		Foreground: th.Color(theme.ColorNameForeground, v),
		GridColor:  th.Color(theme.ColorNameSeparator, v),
	}
}

// stackImages puts imgs one under the other on white.
func stackImages(imgs []image.Image) image.Image {
	w, h := 0, 0
	for _, m := range imgs {
		w = max(w, m.Bounds().Dx())
		h += m.Bounds().Dy()
	}
	out := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	y := 0
	for _, m := range imgs {
		draw.Draw(out, image.Rect(0, y, m.Bounds().Dx(), y+m.Bounds().Dy()), m, m.Bounds().Min, draw.Src)
		y += m.Bounds().Dy()
	}
	return out
}

// saveCharts writes the charts, one under the other, as a PNG file at
// twice their size on screen (sharp in documents and slides).
func saveCharts(charts []statsChart, path string) error {
	return export.WriteChartPNG(path, stackImages(renderCharts(charts, 2, export.ChartOptions{})))
}

// showStatistics shows st as charts, with Save as PNG.
func (ws *workspace) showStatistics(st corpus.Stats) {
	charts := ws.statsCharts(st)
	scale := ws.win.Canvas().Scale()
	if scale <= 0 {
		scale = 1
	}
	imgs := renderCharts(charts, scale, ws.screenLook())
	box := container.NewVBox()
	summary := widget.NewLabel(statsSummary(st))
	box.Add(summary)
	for _, m := range imgs {
		ci := canvas.NewImageFromImage(m)
		ci.FillMode = canvas.ImageFillContain
		ci.SetMinSize(fyne.NewSize(float32(m.Bounds().Dx())/scale, float32(m.Bounds().Dy())/scale))
		box.Add(ci)
	}
	save := newEscButton(lang.L("Save as PNG…"), nil, nil)
	scroll := container.NewVScroll(box)
	body := container.NewBorder(nil, container.NewHBox(save), nil, nil, scroll)
	d := newCustomDialog(lang.L("Statistics"), lang.L("Close"), body, ws.win)
	closing := true // Close, not Save as PNG…, hid the dialog
	save.OnTapped = func() {
		closing = false
		d.Hide() // one dialog at a time; shown again after
		ws.askPNGFile(func(path string) {
			if err := saveCharts(charts, path); err != nil {
				ws.showError(err)
				return
			}
			ws.info(fmt.Sprintf(lang.L("Saved the statistics to %s"), path))
			closing = true
			ws.showDialog(d)
		}, func() {
			closing = true
			ws.showDialog(d)
		})
	}
	d.SetOnClosed(func() {
		if closing {
			ws.focusView()
		}
	})
	d.Resize(fyne.NewSize(min(statsWidth+80, ws.win.Canvas().Size().Width-40), min(760, ws.win.Canvas().Size().Height-40)))
	ws.showDialog(d)
}

// askPNGFile asks for a folder and a file name ending in .png and calls
// then with the path, or cancelled when the dialog is cancelled.
func (ws *workspace) askPNGFile(then func(path string), cancelled func()) {
	if ws.proj == nil {
		cancelled()
		return
	}
	ws.askPNGFileNamed(strings.TrimSuffix(filepath.Base(ws.proj.Path()), ".biaozhu")+"-statistics.png", then, cancelled)
}

// askPNGFileNamed is askPNGFile suggesting the file name base.
func (ws *workspace) askPNGFileNamed(base string, then func(path string), cancelled func()) {
	if ws.modal() {
		cancelled()
		return
	}
	name := newEscEntry()
	name.SetText(base)
	folder := newFolderField(ws, ws.defaultFolder())
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Folder"), folder.root),
		widget.NewFormItem(lang.L("File name"), name),
	)
	d := newConfirmDialog(lang.L("Save as PNG"), lang.L("Save"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			cancelled()
			return
		}
		path, err := pngPath(folder.path(), name.Text)
		if err != nil {
			ws.showError(err)
			return
		}
		then(path)
	}, ws.win)
	d.Resize(fyne.NewSize(640, 220))
	ws.showDialog(d)
}

// pngPath checks a folder and a file name for a PNG (".png" is added
// when the name has no extension).
func pngPath(dir, name string) (string, error) {
	base, err := fileName(name)
	if err != nil {
		return "", err
	}
	switch strings.ToLower(filepath.Ext(base)) {
	case ".png":
	case "":
		base += ".png"
	default:
		return "", fmt.Errorf(lang.L("%q: the file name must end in .png"), base)
	}
	d, err := folderPath(dir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(d, base)
	if isDir(path) {
		return "", fmt.Errorf(lang.L("%s is a folder: choose a file name"), path)
	}
	return path, nil
}
