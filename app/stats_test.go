package app

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/export"
)

// openFreq opens the frequency lists (Ctrl+Shift+F) and waits for the
// first list to be shown: for the index's job (its end sets ct.freq),
// then for the list's loaded channel, closed when the list's callback has
// done all it does (the workspace's callbacks queued for the test's
// goroutine: queueUI).
func (f *wsFixture) openFreq() *freqView {
	f.t.Helper()
	f.menu(ctrlShiftF)
	f.t.Cleanup(func() { forgetCorpus(f.ws) })
	f.waitJobs()
	v := f.ws.corpus().freq
	if v == nil {
		f.t.Fatal("Ctrl+Shift+F showed no frequency list")
	}
	waitFor(f.t, "the frequency list", func() bool {
		select {
		case <-v.loaded:
			return true
		default:
			return false
		}
	})
	return v
}

// freqChange runs change (which changes the list's controls) and, if it
// started counting a list, waits until that list is shown.
func freqChange(t *testing.T, v *freqView, change func()) {
	t.Helper()
	loaded := false
	v.onLoaded = func() { loaded = true }
	defer func() { v.onLoaded = nil }()
	gen := v.gen
	change()
	if v.gen == gen {
		return // nothing to count
	}
	waitFor(t, "the list", func() bool { return loaded })
}

// freqReload switches the list to by (index into freqBys) and waits.
func freqReload(t *testing.T, v *freqView, by int) {
	t.Helper()
	freqChange(t, v, func() { v.bySel.SetSelectedIndex(by) })
}

func (v *freqView) shownRows() []corpus.FreqRow {
	var out []corpus.FreqRow
	for _, i := range v.shown {
		out = append(out, v.rows[i])
	}
	return out
}

func TestFrequencyLists(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	v := f.openFreq()
	if ws.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Ctrl+Shift+F showed no dialog")
	}
	rows := v.shownRows()
	if len(rows) == 0 || rows[0].Key != "。" || rows[0].Count != 3 || rows[0].Docs != 2 {
		t.Fatalf("word list starts %+v, want 。 3 times in 2 documents", rows[:min(1, len(rows))])
	}
	if got := len(rows); got != 15 { // 16 tokens, 。 three times
		t.Errorf("word list has %d rows, want 15", got)
	}

	freqReload(t, v, 1) // POS
	rows = v.shownRows()
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Key] = r.Count
	}
	if counts["ns"] != 3 || counts["x"] != 3 || counts["v"] != 2 {
		t.Errorf("POS counts = %v, want ns 3, x 3, v 2", counts)
	}
	// Sort by the tag (A-Z), then again (Z-A).
	v.sortBy(freqKey)
	if got := v.shownRows()[0].Key; got != "a" {
		t.Errorf("sorted by tag: first %q, want a", got)
	}
	v.sortBy(freqKey)
	if got := v.shownRows()[0].Key; got != "x" {
		t.Errorf("sorted by tag, descending: first %q, want x", got)
	}
	// The filter.
	v.filter.SetText("ns")
	if got := v.shownRows(); len(got) != 1 || got[0].Key != "ns" {
		t.Errorf("filter ns: %+v, want the ns row", got)
	}

	// Export the rows shown.
	path := filepath.Join(t.TempDir(), "pos.csv")
	exported := false
	v.exportTo(path, export.TableOptions{}, func(err error) {
		if err != nil {
			t.Fatal(err)
		}
		exported = true
	})
	waitFor(t, "the export", func() bool { return exported })
	recs := readCSV(t, path)
	if len(recs) != 2 || recs[1][1] != "ns" || recs[1][2] != "3" || recs[1][3] != "2" {
		t.Errorf("pos.csv = %q, want the header and ns,3,2", recs)
	}

	// Labels (suggested spans are not counted) and this document only.
	v.filter.SetText("")
	freqChange(t, v, func() { v.scope.SetSelectedIndex(1) })
	freqReload(t, v, 0)
	for _, r := range v.shownRows() {
		if r.Docs != 1 || r.Key == "张三" {
			t.Errorf("this document (一.txt): row %+v", r)
		}
	}

	// A row opens its occurrences in the concordance.
	freqChange(t, v, func() { v.scope.SetSelectedIndex(0) })
	freqReload(t, v, 0)
	k := freqRow(t, v, "。", "")
	if !k.shown || k.res == nil || k.res.Len() != 3 || k.searched.Word != "。" {
		t.Errorf("after clicking 。: concordance shown %v, query %+v, hits %v; want the word 。, 3 hits", k.shown, k.searched, k.res)
	}
}

func TestStatistics(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	ws.view.Select(8, 10)
	f.typeRunes("2") // LOC over 上海
	ws.view.Select(0, 4)
	f.typeRunes("3") // ORG over 北京大学
	f.menu(ctrlShiftT)
	t.Cleanup(func() { forgetCorpus(ws) })
	waitFor(t, "the statistics", func() bool { return ws.job == nil && ws.win.Canvas().Overlays().Top() != nil })
	ix := ws.corpus().ix
	st := ix.Stats()
	charts := ws.statsCharts(st)
	find := func(title, label string) (export.Bar, bool) {
		for _, c := range charts {
			if c.title == title {
				for _, b := range c.bars {
					if b.Label == label {
						return b, true
					}
				}
			}
		}
		return export.Bar{}, false
	}
	for _, tt := range []struct {
		title, label string
		want         float64
	}{
		{"Spans per label", "LOC", 1},
		{"Spans per label", "ORG", 1},
		{"Spans per label", "PER", 0},
		{"Suggestions per label", "PER", 1},
		{"Tokens edited by the annotator (POS or segmentation)", "Edited", 0},
		{"Tokens edited by the annotator (POS or segmentation)", "Not edited", 17},
		{"Documents by status", "In progress", 1},
		{"Documents by status", "New", 1},
	} {
		b, ok := find(tt.title, tt.label)
		if !ok || b.Value != tt.want {
			t.Errorf("%s / %s = %v (found %v), want %v", tt.title, tt.label, b.Value, ok, tt.want)
		}
	}
	path := filepath.Join(t.TempDir(), "stats.png")
	if err := saveCharts(charts, path); err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatalf("%s does not decode: %v", path, err)
	}
	if w := img.Bounds().Dx(); w != 2*statsWidth {
		t.Errorf("PNG width %d, want %d", w, 2*statsWidth)
	}
	if _, err := pngPath(t.TempDir(), "chart"); err != nil {
		t.Errorf("pngPath without an extension: %v", err)
	}
	if _, err := pngPath(t.TempDir(), "chart.jpg"); err == nil {
		t.Error("pngPath accepted chart.jpg")
	}
}

// freqRow clicks the row of the list shown whose key (and key2, when not
// "") are key and key2, and waits for the concordance's search.
func freqRow(t *testing.T, v *freqView, key, key2 string) *kwicPanel {
	t.Helper()
	row := slices.IndexFunc(v.shownRows(), func(r corpus.FreqRow) bool { return r.Key == key && (key2 == "" || r.Key2 == key2) })
	if row < 0 {
		t.Fatalf("no row %q %q in %+v", key, key2, v.shownRows())
	}
	k := v.ct.kwic
	searched := false
	k.onSearched = func() { searched = true }
	defer func() { k.onSearched = nil }()
	v.table.Select(widget.TableCellID{Row: row, Col: 1})
	waitFor(t, "the concordance's search", func() bool { return searched })
	return k
}

// TestFrequencyRowThenSort: after a row of the list filled the
// concordance's form, its sort choice still sorts (the review found it
// disconnected).
func TestFrequencyRowThenSort(t *testing.T) {
	f := newWSFixture(t)
	v := f.openFreq()
	k := freqRow(t, v, "。", "")
	if k.res == nil || k.res.Len() != 3 {
		t.Fatalf("。: %v hits, want 3", k.res)
	}
	k.sortSel.SetSelectedIndex(1) // 1st word to the left: 出差 < 工作 < 忙
	if k.sortBy != corpus.SortLeft1 {
		t.Fatalf("after choosing %q: hits in order %v, want %v", k.sortSel.Selected, k.sortBy, corpus.SortLeft1)
	}
	if h, _ := k.hit(0); !strings.HasSuffix(h.Left, "出差") {
		t.Errorf("first hit sorted by the word to the left: %+v, want …出差", h)
	}
}

// overlayShows reports whether the dialog on top of ws's window holds o.
func overlayShows(ws *workspace, o fyne.CanvasObject) bool {
	top := ws.win.Canvas().Overlays().Top()
	return top != nil && slices.Contains(test.LaidOutObjects(top), o)
}

// TestFrequencyExportReturns: Export… hides the list for its dialog; the
// list comes back after Cancel and after the error of a bad file name,
// and Close still closes it.
func TestFrequencyExportReturns(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	v := f.openFreq()
	if !overlayShows(ws, v.table) {
		t.Fatal("the frequency list is not shown")
	}
	v.onExport()
	if overlayShows(ws, v.table) || ws.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Export… showed no dialog of its own")
	}
	tapButton(t, ws.win.Canvas().Overlays().Top(), "Cancel")
	if !overlayShows(ws, v.table) || ws.corpus().freq != v {
		t.Fatalf("after cancelling the export the frequency list is gone (freq %p, want %p)", ws.corpus().freq, v)
	}

	// A file name that is no table: the error, then the list again.
	v.onExport()
	if e, ok := ws.win.Canvas().Focused().(*keyEntry); ok {
		e.SetText("freq.txt")
	}
	tapButton(t, ws.win.Canvas().Overlays().Top(), "Export")
	if !strings.Contains(fmt.Sprint(ws.lastErr), "must end in .csv or .xlsx") {
		t.Fatalf("export to freq.txt: error %v", ws.lastErr)
	}
	tapButton(t, ws.win.Canvas().Overlays().Top(), "OK")
	if !overlayShows(ws, v.table) {
		t.Fatal("after the error the frequency list is gone")
	}
	if got := ws.win.Canvas().Focused(); got != fyne.Focusable(v.filter) {
		t.Errorf("after the export the keyboard is with %T, want the filter", got)
	}

	// Esc in the file name (it has the keyboard) cancels too.
	v.onExport()
	e, ok := ws.win.Canvas().Focused().(*keyEntry)
	if !ok || !strings.HasSuffix(e.Text, ".xlsx") {
		t.Fatalf("the export dialog: the keyboard is with %T, want the file name", ws.win.Canvas().Focused())
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if !overlayShows(ws, v.table) {
		t.Fatal("after Esc in the export dialog the frequency list is gone")
	}

	v.dlg.Hide() // Close
	if ws.corpus().freq != nil || ws.win.Canvas().Overlays().Top() != nil {
		t.Errorf("after Close: freq %v, dialog %v; want none", ws.corpus().freq, ws.win.Canvas().Overlays().Top())
	}
}

// TestFrequencyLabelRows: rows of labels the concordance's label choice
// does not list (a CoNLL-U XPOS layer's) search their label, alone and
// with their text.
func TestFrequencyLabelRows(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	d := testDoc("三.txt", []string{"上海", "很", "大", "。"}, []string{"ns", "d", "a", "x"})
	d.Spans = []annotate.Span{{Layer: export.XPOSLayer, Label: "NNP", Start: 0, End: 2, Origin: annotate.OriginImported}}
	s := ws.proj.Schema().Clone()
	s.Layers = append(s.Layers, annotate.Layer{Name: export.XPOSLayer, Overlap: annotate.OverlapForbidden, Labels: []annotate.Label{{Name: "NNP", Color: "#888888"}}})
	if err := ws.proj.AddDocuments([]*annotate.Document{d}, s); err != nil {
		t.Fatal(err)
	}
	ws.refreshSchema()
	ws.refreshDocs()
	v := f.openFreq()
	key := export.XPOSLayer + "/NNP"
	for _, tt := range []struct {
		by        int // index into freqBys
		key2      string
		labelText string
	}{
		{2, "", ""},     // labels
		{3, "上海", "上海"}, // labels × words
	} {
		t.Run(string(freqBys[tt.by]), func(t *testing.T) {
			if ws.corpus().freq == nil { // the last row closed it
				v = f.openFreq()
			}
			if v.bySel.SelectedIndex() == tt.by {
				freqReload(t, v, 0) // so that choosing tt.by counts again
			}
			freqReload(t, v, tt.by)
			waitFor(t, "the list by "+string(freqBys[tt.by]), func() bool {
				rows := v.shownRows()
				return v.by == freqBys[tt.by] && len(rows) > 0 && (tt.key2 == "") == (rows[0].Key2 == "")
			})
			k := freqRow(t, v, key, tt.key2)
			want := corpus.Query{Layer: export.XPOSLayer, Label: "NNP", LabelText: tt.labelText}
			if k.err != nil || k.searched != want || k.res == nil || k.res.Len() != 1 {
				t.Errorf("row %s %s: query %+v (error %v), hits %v; want %+v, 1 hit", key, tt.key2, k.searched, k.err, k.res, want)
			}
			if k.label.Selected != key {
				t.Errorf("label choice %q, want %q", k.label.Selected, key)
			}
			k.hide()
			k.show() // the choice is filled again: the label stays
			if got := k.form().label; got != key {
				t.Errorf("after showing the panel again: label %q, want %q", got, key)
			}
		})
	}
}

// TestFrequencyEsc: Esc in the filter (which keeps keys from the window)
// closes the list.
func TestFrequencyEsc(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	v := f.openFreq()
	e, ok := ws.win.Canvas().Focused().(*keyEntry)
	if !ok || e != v.filter {
		t.Fatalf("the keyboard is with %T, want the filter", ws.win.Canvas().Focused())
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if ws.win.Canvas().Overlays().Top() != nil || ws.corpus().freq != nil {
		t.Error("Esc in the filter left the frequency list open")
	}
	if got := ws.win.Canvas().Focused(); got != fyne.Focusable(ws.view) {
		t.Errorf("after Esc the keyboard is with %T, want the document", got)
	}
}

// tapButton taps the button labelled label in root.
func tapButton(t *testing.T, root fyne.CanvasObject, label string) {
	t.Helper()
	for _, o := range test.LaidOutObjects(root) {
		switch b := o.(type) {
		case *widget.Button:
			if b.Text == label {
				test.Tap(b)
				return
			}
		case *escButton:
			if b.Text == label {
				test.Tap(b)
				return
			}
		}
	}
	t.Fatalf("no button %q", label)
}

// TestFrequencyEscWhateverFocused checks that Esc closes the frequency
// lists whatever Tab has given the keyboard to: the filter, the selects and
// checks, the Export… button, the table, its column headers and the Close
// button (Fyne hands Esc to the focused widget only, and its own ignore
// it), and with nothing focused. Esc is pressed as the window does: to the
// focused widget, or to the window's handler when none has the focus.
func TestFrequencyEscWhateverFocused(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	f.addDoc(testDoc("話.txt", []string{"你好", "，", "她", "說", "。"}, []string{"l", "x", "r", "v", "x"}))
	c := ws.win.Canvas()
	// Nothing focused: the window's handler closes the dialog as its Close
	// button does (its callback forgets the list; hiding the pop-up alone
	// did not).
	f.openFreq()
	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil || ws.corpus().freq != nil {
		t.Fatalf("Esc with nothing focused: dialog shown %v, list kept %v", c.Overlays().Top() != nil, ws.corpus().freq != nil)
	}
	var seen []string
	tables, buttons := 0, 0
	for n := 0; n < 40; n++ {
		f.openFreq()
		start := c.Focused()
		for range n {
			test.FocusNext(c)
		}
		focused := c.Focused()
		if n > 0 && focused == start {
			break // round the dialog once
		}
		name := fmt.Sprintf("%T", focused)
		if strings.HasSuffix(name, "Button") {
			buttons++
		}
		if strings.HasSuffix(name, "Table") {
			tables++
		}
		seen = append(seen, name)
		focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if c.Overlays().Top() != nil || ws.corpus().freq != nil {
			t.Fatalf("Esc with the focus on %s (Tab × %d) left the frequency lists open", name, n)
		}
	}
	t.Logf("Esc closed the dialog from: %s", strings.Join(seen, "; "))
	if tables == 0 || buttons < 3 {
		t.Errorf("Tab reached %d tables and %d buttons (%s), want the table, the Export… and Close buttons and the column headers", tables, buttons, seen)
	}
}
