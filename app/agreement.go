package app

// Several annotators on one corpus: File → Hand out to annotators… (one
// copy of the project per annotator) and Corpus → Agreement… (how far the
// copies agree: tables per layer, label and pair, and a chart saved as
// PNG). Both run package agree, as biaozhu assign and agree do.

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate/agree"
	"github.com/biaozhu/biaozhu/export"
)

// handOutForm is the form of Hand out to annotators….
type handOutForm struct {
	names, overlap, seed *keyEntry
	suggestions          *escCheck
	folder               *folderField
}

// options reads the form: the annotators (comma-separated), the overlap
// (empty: all), the seed, the folder.
func (f *handOutForm) options() (agree.AssignOptions, error) {
	var o agree.AssignOptions
	for n := range strings.SplitSeq(strings.NewReplacer("，", ",", "、", ",").Replace(f.names.Text), ",") {
		if n = strings.TrimSpace(n); n != "" {
			o.Annotators = append(o.Annotators, n)
		}
	}
	if len(o.Annotators) < 2 {
		return o, errors.New(lang.L("Name two or more annotators, separated by commas"))
	}
	if s := strings.TrimSpace(f.overlap.Text); s != "" {
		k, err := strconv.Atoi(s)
		if err != nil || k < 1 || k > len(o.Annotators) {
			return o, fmt.Errorf(lang.L("Annotators per document: a number from 1 to %d"), len(o.Annotators))
		}
		o.Overlap = k
	}
	seed, err := strconv.ParseUint(strings.TrimSpace(f.seed.Text), 10, 64)
	if err != nil {
		return o, fmt.Errorf(lang.L("Seed: a whole number, not %q"), f.seed.Text)
	}
	o.Seed, o.Suggestions = seed, f.suggestions.Checked
	if o.Dir, err = folderPath(f.folder.path()); err != nil {
		return o, err
	}
	return o, nil
}

// onHandOut asks for the annotators and a folder, and writes one copy of
// the project per annotator there.
func (ws *workspace) onHandOut() {
	if ws.modal() || ws.proj == nil {
		return
	}
	f := &handOutForm{names: newEscEntry(), overlap: newEscEntry(), seed: newEscEntry(),
		suggestions: newEscCheck(lang.L("Keep suggestions"), nil), folder: newFolderField(ws, ws.defaultFolder())}
	f.names.SetPlaceHolder("lin, wang, zhao")
	f.overlap.SetPlaceHolder(lang.L("all"))
	f.seed.SetText("1")
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Annotators"), f.names),
		widget.NewFormItem(lang.L("Annotators per document"), f.overlap),
		widget.NewFormItem(lang.L("Seed"), f.seed),
		widget.NewFormItem("", f.suggestions),
		widget.NewFormItem(lang.L("Folder"), f.folder.root),
	)
	d := newConfirmDialog(lang.L("Hand out to annotators"), lang.L("Hand out"), lang.L("Cancel"), form, func(ok bool) {
		if ok {
			ws.handOut(f)
		}
	}, ws.win)
	ws.handOutForm = f
	d.Resize(fyne.NewSize(640, 320))
	ws.showDialog(d)
}

// handOut writes the copies the form asks for, off the Fyne goroutine
// behind a progress dialog.
func (ws *workspace) handOut(f *handOutForm) {
	opts, err := f.options()
	if err != nil {
		ws.showError(err)
		return
	}
	if ws.proj == nil || ws.busy() {
		return
	}
	p := ws.proj
	var copies []agree.Assigned
	ws.runLong(lang.L("Handing out"), func(ctx context.Context, progress progressUpdate) error {
		progress(-1, opts.Dir)
		var err error
		copies, err = agree.Assign(ctx, p, opts)
		return err
	}, func(err error) {
		if err != nil {
			ws.showError(err)
			return
		}
		ws.info(fmt.Sprintf(lang.L("Handed out %d copies to %s"), len(copies), opts.Dir))
	})
}

// agreementView is the Agreement dialog's state: the files compared, the
// report, the charts.
type agreementView struct {
	ws      *workspace
	files   []string
	list    *widget.Label
	results *fyne.Container
	report  *agree.Report
	charts  []statsChart
	dialog  dialog.Dialog
}

// onAgreement opens the Agreement dialog, with the files a curation
// project was merged from when the project is one.
func (ws *workspace) onAgreement() {
	if ws.modal() {
		return
	}
	var files []string
	if ws.proj != nil {
		if cur, err := ws.proj.Curation(); err == nil && cur != nil {
			files = cur.Files
		}
	}
	ws.showAgreement(files)
}

// showAgreement shows the Agreement dialog over files.
func (ws *workspace) showAgreement(files []string) *agreementView {
	v := &agreementView{ws: ws, files: files, list: widget.NewLabel(""), results: container.NewVBox()}
	v.list.Wrapping = fyne.TextWrapWord
	v.showFiles()
	add := newEscButton(lang.L("Add project file…"), nil, func() {
		ws.chooseFile(projectFilter(), func(path string) {
			v.files = append(v.files, path)
			v.showFiles()
		})
	})
	clear := newEscButton(lang.L("Clear"), nil, func() {
		v.files = nil
		v.showFiles()
	})
	measure := newEscButton(lang.L("Measure"), nil, v.measure)
	measure.Importance = widget.HighImportance
	save := newEscButton(lang.L("Save chart as PNG…"), nil, v.saveChart)
	top := container.NewVBox(v.list, container.NewHBox(add, clear, measure, save))
	body := container.NewBorder(top, nil, nil, nil, container.NewVScroll(v.results))
	v.dialog = newCustomDialog(lang.L("Agreement"), lang.L("Close"), body, ws.win)
	v.dialog.SetOnClosed(ws.focusView)
	v.dialog.Resize(fyne.NewSize(min(statsWidth+120, ws.win.Canvas().Size().Width-40), min(760, ws.win.Canvas().Size().Height-40)))
	ws.showDialog(v.dialog)
	ws.agreement = v
	return v
}

func (v *agreementView) showFiles() {
	if len(v.files) == 0 {
		v.list.SetText(lang.L("Add the annotators' project files (two or more), then Measure."))
		return
	}
	names := make([]string, len(v.files))
	for i, f := range v.files {
		names[i] = filepath.Base(f)
	}
	v.list.SetText(strings.Join(names, " · "))
}

// measure runs agree over the files off the Fyne goroutine, behind a
// progress dialog, and shows the report.
func (v *agreementView) measure() {
	if v.ws.busy() {
		return
	}
	files := v.files
	var rep *agree.Report
	v.ws.runLong(lang.L("Measuring agreement"), func(ctx context.Context, progress progressUpdate) error {
		progress(-1, lang.L("Reading the annotators' files"))
		anns, err := agree.Load(ctx, files)
		if err != nil {
			return err
		}
		rep, err = agree.Measure(anns, agree.Options{})
		return err
	}, func(err error) {
		if err != nil {
			v.ws.showError(err)
			return
		}
		v.show(rep)
	})
}

// show shows the report: tables, notes and charts.
func (v *agreementView) show(rep *agree.Report) {
	v.report = rep
	v.charts = agreementCharts(rep)
	v.results.RemoveAll()
	num := func(x *float64) string {
		if x == nil {
			return "—"
		}
		return strconv.FormatFloat(*x, 'f', 3, 64)
	}
	v.results.Add(widget.NewLabel(fmt.Sprintf(lang.L("Annotators: %s · documents measured: %d"), joinList(rep.Annotators), rep.Documents)))
	for _, name := range rep.LayerOrder {
		l := rep.Layers[name]
		if l.Kind == agree.KindRelations {
			v.showRelations(name, l, num)
			continue
		}
		head := widget.NewLabelWithStyle(fmt.Sprintf(lang.L("Layer %s · documents: %d · units: %d · %s"), name, l.Documents, l.Units, unitLevel(l.Unit)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		v.results.Add(head)
		grid := container.NewGridWithColumns(7)
		for _, h := range []string{lang.L("Label"), "Cohen κ", "Fleiss κ", "α", "αu", lang.L("F1 exact"), lang.L("F1 overlap")} {
			grid.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
		row := func(label string, m *agree.Measures) {
			for _, s := range []string{label, num(m.CohenKappa), num(m.FleissKappa), num(m.Alpha), num(m.AlphaU), num(m.F1Exact), num(m.F1Overlap)} {
				grid.Add(widget.NewLabel(s))
			}
		}
		row(lang.L("(all)"), &l.Measures)
		for _, label := range l.LabelOrder {
			row(label, l.Labels[label])
		}
		v.results.Add(grid)
		pairs := container.NewGridWithColumns(5)
		for _, h := range []string{lang.L("Pair"), lang.L("Documents"), "Cohen κ", lang.L("F1 exact"), lang.L("F1 overlap")} {
			pairs.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
		for _, p := range l.Pairs {
			for _, s := range []string{p.A + " – " + p.B, strconv.Itoa(p.Documents), num(p.CohenKappa), num(p.F1Exact), num(p.F1Overlap)} {
				pairs.Add(widget.NewLabel(s))
			}
		}
		v.results.Add(pairs)
		if len(l.Notes) > 0 {
			notes := widget.NewLabel(strings.Join(l.Notes, "\n"))
			notes.Wrapping = fyne.TextWrapWord
			v.results.Add(notes)
		}
	}
	scale := v.ws.win.Canvas().Scale()
	if scale <= 0 {
		scale = 1
	}
	for _, m := range renderCharts(v.charts, scale, v.ws.screenLook()) {
		ci := canvas.NewImageFromImage(m)
		ci.FillMode = canvas.ImageFillContain
		ci.SetMinSize(fyne.NewSize(float32(m.Bounds().Dx())/scale, float32(m.Bounds().Dy())/scale))
		v.results.Add(ci)
	}
	for _, n := range rep.Notes {
		l := widget.NewLabel(n)
		l.Wrapping = fyne.TextWrapWord
		v.results.Add(l)
	}
}

// showRelations shows a relation layer's tables: F1 per type, labelled
// (from, to, type) and unlabelled (from, to), and per pair.
func (v *agreementView) showRelations(name string, l *agree.LayerReport, num func(*float64) string) {
	v.results.Add(widget.NewLabelWithStyle(fmt.Sprintf(lang.L("Relation layer %s · documents: %d · relations: %d"), name, l.Documents, l.Units),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	grid := container.NewGridWithColumns(3)
	for _, h := range []string{lang.L("Type"), lang.L("F1 labelled"), lang.L("F1 unlabelled")} {
		grid.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, s := range []string{lang.L("(all)"), num(l.F1Exact), num(l.F1Unlabelled)} {
		grid.Add(widget.NewLabel(s))
	}
	for _, typ := range l.LabelOrder {
		for _, s := range []string{typ, num(l.Labels[typ].F1Exact), ""} {
			grid.Add(widget.NewLabel(s))
		}
	}
	v.results.Add(grid)
	pairs := container.NewGridWithColumns(4)
	for _, h := range []string{lang.L("Pair"), lang.L("Documents"), lang.L("F1 labelled"), lang.L("F1 unlabelled")} {
		pairs.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, p := range l.Pairs {
		for _, s := range []string{p.A + " – " + p.B, strconv.Itoa(p.Documents), num(p.F1Exact), num(p.F1Unlabelled)} {
			pairs.Add(widget.NewLabel(s))
		}
	}
	v.results.Add(pairs)
	var notes []string
	for _, n := range l.Notes {
		if !strings.Contains(n, "measures of span layers") {
			notes = append(notes, n)
		}
	}
	if len(notes) > 0 {
		w := widget.NewLabel(strings.Join(notes, "\n"))
		w.Wrapping = fyne.TextWrapWord
		v.results.Add(w)
	}
}

// agreementCharts are the report's charts: per span layer, αu per label
// and F1 (overlap) per pair; per relation layer, F1 (labelled) per pair.
// A measure that is not there (null) is left out of its chart.
func agreementCharts(rep *agree.Report) []statsChart {
	var out []statsChart
	for _, name := range rep.LayerOrder {
		l := rep.Layers[name]
		if l.Kind == agree.KindRelations {
			f1 := statsChart{title: fmt.Sprintf(lang.L("F1 (from, to, type) per pair (%s)"), name)}
			for _, p := range l.Pairs {
				if p.F1Exact != nil {
					f1.bars = append(f1.bars, valueBar(p.A+"–"+p.B, *p.F1Exact))
				}
			}
			if len(f1.bars) > 0 {
				out = append(out, f1)
			}
			continue
		}
		au := statsChart{title: fmt.Sprintf(lang.L("αu per label (%s)"), name)}
		for _, label := range l.LabelOrder {
			if m := l.Labels[label]; m.AlphaU != nil {
				au.bars = append(au.bars, valueBar(label, *m.AlphaU))
			}
		}
		f1 := statsChart{title: fmt.Sprintf(lang.L("F1 (overlap) per pair (%s)"), name)}
		for _, p := range l.Pairs {
			if p.F1Overlap != nil {
				f1.bars = append(f1.bars, valueBar(p.A+"–"+p.B, *p.F1Overlap))
			}
		}
		for _, c := range []statsChart{au, f1} {
			if len(c.bars) > 0 {
				out = append(out, c)
			}
		}
	}
	return out
}

// valueBar is a bar of an agreement chart with its value written to three
// decimals: a coefficient below 0 (worse than chance) is drawn as no bar,
// and its number says what it is.
func valueBar(label string, v float64) export.Bar {
	return export.Bar{Label: label, Value: v, Text: strconv.FormatFloat(v, 'f', 3, 64)}
}

// saveChart asks for a PNG file and writes the charts there.
func (v *agreementView) saveChart() {
	if len(v.charts) == 0 {
		v.ws.showError(errors.New(lang.L("Measure first: there is no chart yet")))
		return
	}
	v.dialog.Hide()
	v.ws.askPNGFileNamed("agreement.png", func(path string) {
		if err := export.WriteChartPNG(path, agreementImage(v.charts)); err != nil {
			v.ws.showError(err)
			return
		}
		v.ws.info(fmt.Sprintf(lang.L("Saved the chart to %s"), path))
		v.dialog.Show()
	}, v.dialog.Show)
}

// agreementImage is the charts one under the other at twice their size.
func agreementImage(charts []statsChart) image.Image {
	return stackImages(renderCharts(charts, 2, export.ChartOptions{}))
}

// unitLevel is the unit of a layer's report as the dialog says it.
func unitLevel(unit string) string {
	if unit == "character" {
		return lang.L("character level: the annotators' tokens differ")
	}
	return lang.L("token level")
}
