package app

import (
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/export"
)

// openFreq opens the frequency lists (Ctrl+Shift+F) and waits for the
// first list.
func (f *wsFixture) openFreq() *freqView {
	f.t.Helper()
	f.menu(ctrlShiftF)
	ct := f.ws.corpus()
	f.t.Cleanup(func() { forgetCorpus(f.ws) })
	waitFor(f.t, "the frequency list", func() bool { return ct.freq != nil && ct.freq.rows != nil })
	return ct.freq
}

// freqReload switches the list to by (index into freqBys) and waits.
func freqReload(t *testing.T, v *freqView, by int) {
	t.Helper()
	done := make(chan struct{}, 1)
	v.onLoaded = func() { done <- struct{}{} }
	defer func() { v.onLoaded = nil }()
	v.bySel.SetSelectedIndex(by)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the list was not counted")
	}
}

func (v *freqView) shownRows() []annotate.FreqRow {
	var out []annotate.FreqRow
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
	done := make(chan error, 1)
	v.exportTo(path, export.TableOptions{}, func(err error) { done <- err })
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("export did not finish")
	}
	recs := readCSV(t, path)
	if len(recs) != 2 || recs[1][1] != "ns" || recs[1][2] != "3" || recs[1][3] != "2" {
		t.Errorf("pos.csv = %q, want the header and ns,3,2", recs)
	}

	// Labels (suggested spans are not counted) and this document only.
	v.filter.SetText("")
	v.scope.SetSelectedIndex(1)
	freqReload(t, v, 0)
	for _, r := range v.shownRows() {
		if r.Docs != 1 || r.Key == "张三" {
			t.Errorf("this document (一.txt): row %+v", r)
		}
	}

	// A row opens its occurrences in the concordance.
	v.scope.SetSelectedIndex(0)
	freqReload(t, v, 0)
	k := ws.corpus().kwic
	searched := make(chan struct{}, 1)
	k.onSearched = func() { searched <- struct{}{} }
	row := slices.IndexFunc(v.shownRows(), func(r annotate.FreqRow) bool { return r.Key == "。" })
	v.table.Select(widget.TableCellID{Row: row, Col: 1})
	select {
	case <-searched:
	case <-time.After(30 * time.Second):
		t.Fatal("the concordance did not search")
	}
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
		{"Tokens tagged by the annotator", "Tagged", 0},
		{"Tokens tagged by the annotator", "Not tagged", 17},
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
