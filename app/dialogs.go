package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

// progressUpdate is what long work reports: a fraction done (negative:
// unknown) and a line of text.
type progressUpdate func(frac float64, msg string)

// runLong runs work off the Fyne goroutine behind a progress dialog with a
// Cancel button (which cancels work's context), then calls done on the
// Fyne goroutine with work's error. Progress is throttled to about 20
// updates a second. The window never waits for work.
//
// While it runs, ws.job is set: commands that change or close the project
// wait for it (busy), and quitting cancels it and waits for it to stop.
func (ws *workspace) runLong(title string, work func(ctx context.Context, progress progressUpdate) error, done func(err error)) {
	ctx, cancel := context.WithCancel(context.Background())
	job := &longJob{cancel: cancel, done: make(chan struct{})}
	ws.job = job
	bar := widget.NewProgressBar()
	inf := widget.NewProgressBarInfinite()
	msg := widget.NewLabel("")
	msg.Truncation = fyne.TextTruncateEllipsis
	cancelBtn := newEscButton(lang.L("Cancel"), nil, func() { cancel() })
	bars := container.NewStack(inf)
	body := container.NewVBox(msg, bars, container.NewCenter(cancelBtn))
	dlg := dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(460, body.MinSize().Height), body), ws.win)
	dlg.Show()
	var last time.Time
	progress := func(frac float64, text string) {
		now := time.Now()
		if now.Sub(last) < 50*time.Millisecond && frac < 1 {
			return
		}
		last = now
		fyne.Do(func() {
			msg.SetText(text)
			if frac >= 0 {
				if bars.Objects[0] != bar {
					inf.Stop()
					bars.Objects = []fyne.CanvasObject{bar}
					bars.Refresh()
				}
				bar.SetValue(frac)
			}
		})
	}
	go func() {
		err := work(ctx, progress)
		cancel()
		fyne.Do(func() {
			if ws.job == job {
				ws.job = nil
			}
			inf.Stop()
			dlg.Hide()
			done(err)
			ws.focusView()
			// Only now: whoever waits (quitting) runs after done.
			close(job.done)
		})
	}()
}

// longJob is the work runLong runs: how to cancel it, and a channel closed
// when it has stopped.
type longJob struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// busy reports (and says in the status bar) that long work is running, so
// that a command that would change or close the project waits.
func (ws *workspace) busy() bool {
	if ws.job == nil {
		return false
	}
	ws.info(lang.L("Busy: wait for the running work to finish, or cancel it"))
	return true
}

// whenIdle runs f on the Fyne goroutine once no long work runs: at once,
// or after cancelling the running work and waiting for it to stop (its
// partial result is kept where it is complete: imports are one
// transaction, exports write nothing unless finished).
func (ws *workspace) whenIdle(f func()) {
	job := ws.job
	if job == nil {
		f()
		return
	}
	job.cancel()
	go func() {
		<-job.done
		fyne.Do(f)
	}()
}

// waitSegmenter waits for the dictionary (import needs it).
func (ws *workspace) waitSegmenter(ctx context.Context, progress progressUpdate) (*text.Segmenter, error) {
	select {
	case <-ws.segOK:
	default:
		progress(-1, lang.L("Loading dictionary…"))
		select {
		case <-ws.segOK:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return ws.seg, ws.segErr
}

// ---- projects ----

func projectFilter() storage.FileFilter { return storage.NewExtensionFileFilter([]string{".biaozhu"}) }

func (ws *workspace) onNewProject() {
	if ws.modal() {
		return
	}
	if ws.busy() {
		return
	}
	// A folder and a name rather than Fyne's save dialog, which creates
	// (and so empties) the file chosen before saying which it is.
	name := newEscEntry()
	name.SetText(lang.L("project"))
	folder := newFolderField(ws, ws.defaultFolder())
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), name),
		widget.NewFormItem(lang.L("Folder"), folder.root),
	)
	d := newConfirmDialog(lang.L("New project"), lang.L("Create"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			ws.focusView()
			return
		}
		if ws.busy() {
			return
		}
		base, err := fileName(name.Text)
		if err != nil {
			ws.showError(err)
			return
		}
		dir, err := folderPath(folder.path())
		if err != nil {
			ws.showError(err)
			return
		}
		if !strings.HasSuffix(base, ".biaozhu") {
			base += ".biaozhu"
		}
		path := filepath.Join(dir, base)
		if exists(path) {
			ws.showError(fmt.Errorf(lang.L("%s exists already: open it, or choose another name"), path))
			return
		}
		p, err := annotate.Create(path, nil, annotate.Options{Annotator: ws.annotator()})
		if err != nil {
			ws.showError(err)
			return
		}
		ws.closeProject()
		ws.setProject(p)
	}, ws.win)
	// Enter in either field creates the project, as the Create button.
	name.OnSubmitted = func(string) { d.Confirm() }
	folder.entry.OnSubmitted = func(string) { d.Confirm() }
	d.Resize(fyne.NewSize(min(600, ws.win.Canvas().Size().Width-40), 240))
	ws.showDialog(d)
	ws.win.Canvas().Focus(name)
}

// fileName checks a file name typed by the user: not empty, not "." or
// "..", no folder in it.
func fileName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." || name != filepath.Base(name) || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf(lang.L("%q is not a file name (no folder in it)"), name)
	}
	return name, nil
}

// folderPath checks a folder typed by the user: ~ is the home folder,
// relative paths are made absolute, and the folder must exist.
func folderPath(dir string) (string, error) {
	dir = strings.TrimSpace(dir)
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(h, strings.TrimPrefix(dir, "~"))
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return "", fmt.Errorf(lang.L("the folder %s does not exist"), abs)
	}
	return abs, nil
}

// defaultFolder is the open project's folder (unless it is the demo
// project, kept in the app's storage), else the home folder.
func (ws *workspace) defaultFolder() string {
	if ws.proj != nil && !sameFile(ws.proj.Path(), demoPath(ws.app)) {
		return filepath.Dir(ws.proj.Path())
	}
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "."
}

// folderField is a folder path entry with a Choose… button, both passing
// Esc on to the window.
type folderField struct {
	entry *keyEntry
	root  fyne.CanvasObject
}

func newFolderField(ws *workspace, start string) *folderField {
	f := &folderField{entry: newEscEntry()}
	f.entry.SetText(start)
	choose := newEscButton(lang.L("Choose…"), nil, func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				f.entry.SetText(l.Path())
			}
		}, ws.win)
		if u, err := storage.ListerForURI(storage.NewFileURI(f.path())); err == nil {
			d.SetLocation(u)
		}
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	})
	f.root = container.NewBorder(nil, nil, nil, choose, f.entry)
	return f
}

func (f *folderField) path() string { return strings.TrimSpace(f.entry.Text) }

func (ws *workspace) onOpenProject() {
	if ws.modal() {
		return
	}
	if ws.busy() {
		return
	}
	ws.chooseFile(projectFilter(), ws.openPath)
}

// chooseFile shows Fyne's file open dialog (filtered when filter is not
// nil) and gives the path chosen to then.
func (ws *workspace) chooseFile(filter storage.FileFilter, then func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			ws.showError(err)
			return
		}
		path := r.URI().Path()
		r.Close()
		then(path)
	}, ws.win)
	if filter != nil {
		d.SetFilter(filter)
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (ws *workspace) annotator() string {
	if a := ws.prefs.String("annotator"); a != "" {
		return a
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return os.Getenv("USERNAME")
}

// openPath opens the project at path (closing the open one first) off the
// Fyne goroutine: opening checks the file and makes a backup.
func (ws *workspace) openPath(path string) {
	ws.openPathThen(path, nil)
}

func (ws *workspace) openPathThen(path string, then func(error)) {
	if ws.busy() {
		return
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	// The open project's own file is locked by it: reopen means close
	// first. Any other is opened first, so that a file that cannot be
	// opened leaves the current project open.
	if ws.proj != nil && sameFile(ws.proj.Path(), path) {
		ws.closeProject()
	}
	var p *annotate.Project
	ws.runLong(lang.L("Opening project"), func(ctx context.Context, progress progressUpdate) error {
		progress(-1, path)
		var err error
		p, err = annotate.Open(path, annotate.Options{Annotator: ws.annotator()})
		if err == nil && ctx.Err() != nil { // cancelled while opening: keep what was open
			p.Close()
			return ctx.Err()
		}
		return err
	}, func(err error) {
		switch {
		case err == nil:
			ws.closeProject()
			ws.setProject(p)
			if w := p.Warning(); w != nil { // a full disk: no backup, or read-only
				ws.showError(w)
			}
		case errors.Is(err, context.Canceled):
		default:
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, annotate.ErrNotProject) {
				ws.dropRecent(path)
			}
			ws.showError(err)
		}
		if then != nil {
			then(err)
		}
	})
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// sameFile reports whether a and b name the same file.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(fa, fb)
}

// ---- import ----

// importFormatFor guesses the import format from a file's name: text for
// .txt and folders, else by extension.
func importFormatFor(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".conllu":
		return "conllu"
	case ".conll", ".bio", ".bioes", ".tsv":
		return "conll"
	case ".ann":
		return "brat"
	case ".jsonl":
		return "doccano"
	case ".json":
		return "labelstudio"
	case ".csv":
		return "csv"
	case ".xlsx":
		return "xlsx"
	case ".zip":
		return "brat"
	}
	return "text"
}

func (ws *workspace) onImportFiles() {
	if ws.modal() {
		return
	}
	if ws.proj == nil {
		ws.info(lang.L("Open or create a project first"))
		return
	}
	ws.chooseFiles(ws.showImportDialog)
}

func (ws *workspace) onImportFolder() {
	if ws.modal() {
		return
	}
	if ws.proj == nil {
		ws.info(lang.L("Open or create a project first"))
		return
	}
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			ws.showError(err)
			return
		}
		ws.importPaths([]string{l.Path()})
	}, ws.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// onDropped imports the files and folders dropped on the window.
func (ws *workspace) onDropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) == 0 {
		return
	}
	if ws.proj == nil {
		ws.info(lang.L("Open or create a project first"))
		return
	}
	if ws.modal() || ws.busy() {
		return
	}
	for _, p := range paths {
		if importFormatFor(p) != "text" {
			ws.showImportDialog(paths)
			return
		}
	}
	ws.importPaths(paths)
}

// showImportDialog asks how to read paths: the format (guessed from the
// first file's extension), the layer for labels of formats without
// layers, whether to skip bad records, and the text column of a table.
func (ws *workspace) showImportDialog(paths []string) {
	p := ws.proj
	byExt := lang.L("By each file's extension")
	formats := []string{byExt, "text"}
	for _, r := range export.Readers() {
		formats = append(formats, r.Name)
	}
	format := newEscSelect(formats, nil)
	// First the layers the file names (or that have its labels; see
	// export.ImportFiles), else one layer for every span.
	layer := newEscSelect(append([]string{lang.L("Layers as in the file")}, p.Schema().LayerNames()...), nil)
	layer.SetSelectedIndex(0)
	skip := newEscCheck(lang.L("Skip bad records (each is reported)"), nil)
	column := newEscEntry()
	column.SetPlaceHolder("text")
	idCol := newEscEntry()
	idCol.SetPlaceHolder(lang.L("optional"))
	files := widget.NewLabel(strings.Join(paths, "\n"))
	files.Wrapping = fyne.TextWrapBreak
	filesBox := container.NewVScroll(files)
	filesBox.SetMinSize(fyne.NewSize(0, float32(min(len(paths), 5))*22+16)) // up to five lines, then it scrolls
	// The options that only annotated formats use, hidden for text.
	annotated := widget.NewForm(
		widget.NewFormItem(lang.L("Layer for labels"), layer),
		widget.NewFormItem(lang.L("Text column"), column),
		widget.NewFormItem(lang.L("Name column"), idCol),
		widget.NewFormItem("", skip),
	)
	format.OnChanged = func(f string) {
		text := f == "text"
		if f == byExt {
			text = true
			for _, p := range paths {
				text = text && importFormatFor(p) == "text"
			}
		}
		if text {
			annotated.Hide()
		} else {
			annotated.Show()
		}
	}
	// One format for all the files when they share one, else each by its
	// extension.
	guess := importFormatFor(paths[0])
	for _, p := range paths[1:] {
		if importFormatFor(p) != guess {
			guess = byExt
		}
	}
	format.SetSelected(guess)
	form := container.NewVBox(widget.NewForm(
		widget.NewFormItem(lang.L("Files"), filesBox),
		widget.NewFormItem(lang.L("Format"), format)), annotated)
	d := newConfirmDialog(lang.L("Import"), lang.L("Import"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			ws.focusView()
			return
		}
		if ws.proj != p {
			ws.showError(errors.New(lang.L("the project was closed: nothing imported")))
			return
		}
		opts := export.ReadOptions{SkipBad: skip.Checked, Column: strings.TrimSpace(column.Text), IDCol: strings.TrimSpace(idCol.Text)}
		if layer.SelectedIndex() > 0 {
			opts.Layer = layer.Selected
		}
		f := format.Selected
		if f == byExt {
			f = ""
		}
		ws.importPathsWith(paths, f, opts, nil)
	}, ws.win)
	d.Resize(fyne.NewSize(min(640, ws.win.Canvas().Size().Width-40), min(460, ws.win.Canvas().Size().Height-40)))
	ws.showDialog(d)
}

// importPaths imports paths: text files (and folders) through the
// cleaning pipeline, annotated formats (chosen by extension) through
// their readers, each group as the importer does it.
func (ws *workspace) importPaths(paths []string) {
	ws.importPathsWith(paths, "", export.ReadOptions{}, nil)
}

// importPathsWith imports paths in format ("": by each file's extension)
// with the reader options ropts, then calls then (if not nil) with the
// error on the Fyne goroutine.
func (ws *workspace) importPathsWith(paths []string, format string, ropts export.ReadOptions, then func(error)) {
	if ws.proj == nil || ws.busy() {
		return
	}
	groups := map[string][]string{}
	var order []string
	for _, p := range paths {
		f := format
		if f == "" {
			f = importFormatFor(p)
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				f = "text"
			}
		}
		if groups[f] == nil {
			order = append(order, f)
		}
		groups[f] = append(groups[f], p)
	}
	proj := ws.proj
	var lines []string
	ws.runLong(lang.L("Importing"), func(ctx context.Context, progress progressUpdate) error {
		seg, err := ws.waitSegmenter(ctx, progress)
		if err != nil {
			return err
		}
		var errs []error
		for _, f := range order {
			if f == "text" {
				sum, err := proj.Import(ctx, seg, groups[f], annotate.ImportOptions{Progress: func(r annotate.ImportResult) {
					progress(float64(r.N)/float64(max(1, r.Total)), fmt.Sprintf("%d/%d %s", r.N, r.Total, filepath.Base(r.Path)))
					if r.Err != nil {
						errs = append(errs, r.Err)
					}
				}})
				lines = append(lines, fmt.Sprintf(lang.L("%d imported, %d unchanged, %d failed"), sum.Imported, sum.Unchanged, sum.Failed))
				if err != nil {
					return err
				}
				continue
			}
			progress(-1, fmt.Sprintf(lang.L("Reading %s (%s)"), joinList(groups[f]), f))
			rep, err := export.ImportFiles(ctx, proj, seg, f, groups[f], ropts)
			if err != nil {
				return err
			}
			line := f + ": " + nDocs(rep.Docs) + ", " + nSpans(rep.Spans)
			if len(rep.NewLayers) > 0 {
				line += "; " + lang.L("new layers") + ": " + joinList(rep.NewLayers)
			}
			if len(rep.NewLabels) > 0 {
				line += "; " + lang.L("new labels") + ": " + joinList(rep.NewLabels)
			}
			lines = append(lines, line)
			for _, n := range rep.Nested {
				lines = append(lines, n.String())
			}
			lines = append(lines, rep.Warnings...)
			for _, e := range rep.Skipped {
				lines = append(lines, lang.L("skipped")+": "+e.Error())
			}
		}
		return errors.Join(errs...)
	}, func(err error) {
		ws.refreshSchema()
		ws.refreshDocs()
		if ws.doc == nil && len(ws.docs) > 0 {
			ws.openDocument(0)
		}
		ws.afterEdit(false)
		if err != nil {
			ws.showError(err)
		}
		if len(lines) > 0 {
			ws.info(lines[0])
		}
		if len(lines) > 1 {
			ws.showLines(lang.L("Import"), lines)
		}
		if then != nil {
			then(err)
		}
	})
}

// showLines shows a report (at most 200 lines) in a scrolling dialog.
func (ws *workspace) showLines(title string, lines []string) {
	if len(lines) > 200 {
		more := fmt.Sprintf(lang.L("… and %d more"), len(lines)-200)
		lines = append(lines[:200:200], more)
	}
	text := widget.NewLabel(strings.Join(lines, "\n"))
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(640, 320))
	d := newCustomDialog(title, lang.L("Close"), scroll, ws.win)
	d.SetOnClosed(ws.focusView)
	ws.showDialog(d)
}

// ---- export ----

// onExport shows the export dialog: format, documents, layers, options,
// output; exporting runs behind a progress dialog.
func (ws *workspace) onExport() {
	if ws.modal() {
		return
	}
	if ws.proj == nil {
		ws.info(lang.L("Open or create a project first"))
		return
	}
	if ws.busy() {
		return
	}
	p := ws.proj
	var names []string
	for _, f := range export.Formats() {
		names = append(names, f.Name)
	}
	format := newEscSelect(names, nil)
	docs := newEscRadio([]string{lang.L("All documents"), lang.L("Done documents"), lang.L("This document")}, nil)
	var layerNames []string
	for _, l := range p.Schema().LayerNames() {
		if l != export.XPOSLayer && l != export.UPOSLayer {
			layerNames = append(layerNames, l)
		}
	}
	// The layers: checks of their own (a CheckGroup's cannot pass Esc on).
	var layerChecks []*escCheck
	layerBox := container.NewVBox()
	for _, l := range p.Schema().LayerNames() {
		ck := newEscCheck(l, nil)
		ck.SetChecked(slices.Contains(layerNames, l))
		layerChecks = append(layerChecks, ck)
		layerBox.Add(ck)
	}
	sugg := newEscCheck(lang.L("Include suggestions"), nil)
	records := newEscRadio([]string{lang.L("Documents"), lang.L("Sentences")}, nil)
	records.Horizontal = true
	level := newEscRadio([]string{lang.L("Words"), lang.L("Characters")}, nil)
	level.Horizontal = true
	scheme := newEscRadio([]string{"BIO", "BIOES"}, nil)
	scheme.Horizontal = true
	bom := newEscCheck(lang.L("UTF-8 BOM (for Excel)"), nil)
	bom.SetChecked(runtime.GOOS == "windows")
	// csv-tokens, csv-spans: -excel, on by default where the CSV is most
	// likely opened by double-clicking it into Excel.
	excel := newEscCheck(lang.L("For spreadsheets (Excel): no formulas"), nil)
	excel.SetChecked(runtime.GOOS == "windows")
	utf16 := newEscCheck(lang.L("UTF-16 offsets (JavaScript tools)"), nil)
	pos := newEscCheck(lang.L("POS column"), nil)
	preds := newEscCheck(lang.L("As predictions"), nil)
	split := newEscEntry()
	split.SetPlaceHolder(lang.L("train/dev/test, e.g. 8/1/1 (empty: one file)"))
	seed := newEscEntry()
	seed.SetText("1")
	outName := newEscEntry()
	outName.SetPlaceHolder(lang.L("File name"))
	// The folder and the format of the last export of this project.
	folder := ws.prefs.String(ws.prefKey("export.folder"))
	if _, err := folderPath(folder); folder == "" || err != nil {
		folder = ws.defaultFolder()
	}
	outDir := newFolderField(ws, folder)
	notUsed := widget.NewLabel("")
	notUsed.Importance = widget.LowImportance
	notUsed.Wrapping = fyne.TextWrapWord
	optionWidgets := map[string]fyne.Disableable{exportRecords: records, exportLevel: level, exportScheme: scheme,
		exportBOM: bom, exportExcel: excel, exportUTF16: utf16, exportPOS: pos, exportPredictions: preds}
	// A disabled option says why, in a tooltip.
	tips := newTipLayer()
	optionTips := map[string]*tipArea{}
	tipped := map[string]fyne.CanvasObject{}
	for o, w := range optionWidgets {
		tipped[o], optionTips[o] = newTipArea(tips, w.(fyne.CanvasObject))
	}
	optionNames := map[string]string{exportRecords: lang.L("Records"), exportLevel: lang.L("Words") + "/" + lang.L("Characters"),
		exportScheme: "BIO/BIOES", exportBOM: bom.Text, exportExcel: excel.Text, exportUTF16: utf16.Text, exportPOS: pos.Text, exportPredictions: preds.Text}
	format.OnChanged = func(name string) {
		f, _ := export.Lookup(name)
		base := strings.TrimSuffix(filepath.Base(p.Path()), ".biaozhu")
		outName.SetText(base + "-" + name + f.Ext)
		// Options the format does not use are disabled, and named.
		var off []string
		for _, o := range exportOptionOrder {
			if exportUses(name, o) {
				optionWidgets[o].Enable()
				optionTips[o].SetText("")
			} else {
				optionWidgets[o].Disable()
				optionTips[o].SetText(exportNotUsedWhy(name, o))
				off = append(off, optionNames[o])
			}
		}
		notUsed.SetText("")
		if len(off) > 0 {
			notUsed.SetText(fmt.Sprintf(lang.L("%s does not use: %s"), name, joinList(off)))
		}
	}
	format.SetSelected(ws.prefs.StringWithFallback("export.format", "csv-tokens"))
	if format.Selected == "" && len(names) > 0 {
		format.SetSelected(names[0])
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Format"), format),
		widget.NewFormItem(lang.L("Documents"), docs),
		widget.NewFormItem(lang.L("Layers"), layerBox),
		widget.NewFormItem(lang.L("Records"), tipped[exportRecords]),
		widget.NewFormItem(lang.L("Tags"), container.NewVBox(tipped[exportLevel], tipped[exportScheme])),
		widget.NewFormItem(lang.L("Options"), container.NewVBox(container.NewGridWithColumns(2, sugg, tipped[exportBOM], tipped[exportExcel],
			tipped[exportUTF16], tipped[exportPOS], tipped[exportPredictions]), notUsed)),
		widget.NewFormItem(lang.L("Split"), container.NewBorder(nil, nil, nil, container.NewHBox(widget.NewLabel(lang.L("seed")), seed), split)),
		widget.NewFormItem(lang.L("Folder"), outDir.root),
		widget.NewFormItem(lang.L("File name"), outName),
	)
	dlg := newConfirmDialog(lang.L("Export"), lang.L("Export"), lang.L("Cancel"), tips.over(form), func(ok bool) {
		if !ok {
			ws.focusView()
			return
		}
		if ws.proj != p {
			ws.showError(errors.New(lang.L("the project was closed: nothing exported")))
			return
		}
		name, err := fileName(outName.Text)
		if err != nil {
			ws.showError(err)
			return
		}
		dir, err := folderPath(outDir.path())
		if err != nil {
			ws.showError(err)
			return
		}
		out := filepath.Join(dir, name)
		ws.prefs.SetString("export.format", format.Selected)
		ws.prefs.SetString(ws.prefKey("export.folder"), dir)
		opts := export.Options{Suggestions: sugg.Checked, BOM: bom.Checked, POS: pos.Checked, Predictions: preds.Checked,
			Excel: excel.Checked && exportUses(format.Selected, exportExcel)}
		switch docs.Selected {
		case lang.L("Done documents"):
			opts.Docs.Status = annotate.StatusDone
		case lang.L("This document"):
			if ws.doc != nil {
				opts.Docs.IDs = []int64{ws.doc.ID}
			}
		}
		opts.Layers = []string{}
		for _, ck := range layerChecks {
			if ck.Checked {
				opts.Layers = append(opts.Layers, ck.Text)
			}
		}
		if records.Selected == lang.L("Sentences") {
			opts.Records = export.RecordSentence
		}
		if level.Selected == lang.L("Characters") {
			opts.Level = export.LevelChar
		}
		opts.Scheme = export.Scheme(scheme.Selected)
		if utf16.Checked {
			opts.Offsets = export.UnitUTF16
		}
		sp, err := parseSplit(split.Text, seed.Text)
		if err != nil {
			ws.showError(err)
			return
		}
		opts.Split = sp
		ws.runExport(format.Selected, out, opts)
	}, ws.win)
	dlg.Resize(fyne.NewSize(min(720, ws.win.Canvas().Size().Width-40), min(640, ws.win.Canvas().Size().Height-20)))
	ws.showDialog(dlg)
}

// The export options that only some formats use.
const (
	exportRecords     = "records"     // documents or sentences
	exportLevel       = "level"       // word or character tags
	exportScheme      = "scheme"      // BIO or BIOES
	exportBOM         = "bom"         // a UTF-8 BOM
	exportExcel       = "excel"       // cells made safe for spreadsheet apps
	exportUTF16       = "utf16"       // UTF-16 offsets
	exportPOS         = "pos"         // a POS column
	exportPredictions = "predictions" // Label Studio predictions
)

var exportOptionOrder = []string{exportRecords, exportLevel, exportScheme, exportBOM, exportExcel, exportUTF16, exportPOS, exportPredictions}

// exportOptionsUsed lists, by format, the options of exportOptionOrder its
// writer reads (export's writers: Job.Records, Job.Tags, Opts.BOM…);
// TestExportOptionsUsed checks that every format is listed.
var exportOptionsUsed = map[string][]string{
	"brat":          nil,
	"cluener":       {exportRecords},
	"conll":         {exportRecords, exportLevel, exportScheme, exportPOS},
	"conllu":        nil,
	"csv-relations": {exportBOM, exportExcel},
	"csv-spans":     {exportBOM, exportExcel},
	"csv-tokens":    {exportRecords, exportLevel, exportScheme, exportBOM, exportExcel},
	"doccano":       {exportRecords, exportUTF16},
	"hf":            {exportRecords, exportLevel, exportScheme},
	"labelstudio":   {exportRecords, exportUTF16, exportPredictions},
	"prodigy":       {exportRecords},
	"spacy-docbin":  {exportRecords, exportLevel},
	"xlsx":          {exportRecords, exportLevel, exportScheme},
}

// exportNotUsedWhy says why format does not use option: the tooltip of
// the disabled option.
func exportNotUsedWhy(format, option string) string {
	var why string
	switch option {
	case exportRecords:
		why = lang.L("%s lays out its records itself: documents or sentences is not a choice")
	case exportLevel:
		why = lang.L("%s writes spans with their offsets, not a tag per word or character")
	case exportScheme:
		why = lang.L("%s writes spans with their offsets, not BIO or BIOES tags")
	case exportBOM:
		why = lang.L("%s is not a CSV file: only CSV files take a BOM for Excel")
	case exportExcel:
		why = lang.L("%s is not a CSV file: only CSV cells can be read as formulas by a spreadsheet")
	case exportUTF16:
		why = lang.L("%s writes no character offsets for JavaScript tools (doccano and Label Studio do)")
	case exportPOS:
		why = lang.L("%s has no optional POS column (CoNLL has)")
	case exportPredictions:
		why = lang.L("%s has no predictions (Label Studio has)")
	default:
		why = lang.L("%s does not use this option")
	}
	return fmt.Sprintf(why, format)
}

// exportUses reports whether format uses option (an unknown format: every
// option, rather than hide one it may use).
func exportUses(format, option string) bool {
	opts, ok := exportOptionsUsed[format]
	return !ok || slices.Contains(opts, option)
}

// parseSplit reads "8/1/1" (or "0.8,0.1,0.1") and a seed.
func parseSplit(text, seedText string) (export.Split, error) {
	var s export.Split
	text = strings.TrimSpace(text)
	if text == "" {
		return s, nil
	}
	parts := strings.FieldsFunc(text, func(r rune) bool { return r == '/' || r == ',' || r == ':' || r == ' ' })
	if len(parts) < 2 || len(parts) > 3 {
		return s, fmt.Errorf(lang.L("split %q: want train/dev/test ratios such as 8/1/1"), text)
	}
	var v [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f < 0 {
			return s, fmt.Errorf(lang.L("split %q: %q is not a ratio"), text, p)
		}
		v[i] = f
	}
	s.Train, s.Dev, s.Test = v[0], v[1], v[2]
	if seedText != "" {
		n, err := strconv.ParseUint(strings.TrimSpace(seedText), 10, 64)
		if err != nil {
			return s, fmt.Errorf(lang.L("seed %q is not a whole number"), seedText)
		}
		s.Seed = n
	}
	return s, nil
}

func (ws *workspace) runExport(format, out string, opts export.Options) {
	ws.runExportThen(format, out, opts, nil)
}

// runExportThen exports behind a progress dialog and calls then (if not
// nil) with the result on the Fyne goroutine.
func (ws *workspace) runExportThen(format, out string, opts export.Options, then func(error)) {
	if strings.TrimSpace(filepath.Base(out)) == "" || strings.HasSuffix(out, string(filepath.Separator)) {
		ws.showError(errors.New(lang.L("choose an output file")))
		return
	}
	if strings.Contains(strings.ToLower(filepath.Base(out)), ".biaozhu") {
		ws.showError(fmt.Errorf(lang.L("%s is a project file: choose another name for the export"), out))
		return
	}
	if err := export.CheckOutput(out, ws.proj.Path()); err != nil {
		ws.showError(err) // the project, its WAL or its backups, under another name
		return
	}
	if f, ok := export.Lookup(format); ok && f.WriteDir == nil && isDir(out) {
		ws.showError(fmt.Errorf(lang.L("%s is a folder: choose a file name for the export"), out))
		return
	}
	if ws.busy() {
		return
	}

	proj := ws.proj
	var res export.Result
	ws.runLong(lang.L("Exporting"), func(ctx context.Context, progress progressUpdate) error {
		opts.Progress = func(done, total int) {
			progress(float64(done)/float64(max(1, total)), fmt.Sprintf(lang.L("%d of %d documents"), done, total))
		}
		var err error
		res, err = export.Export(ctx, proj, format, out, opts)
		return err
	}, func(err error) {
		if ce := (*export.ChangedError)(nil); errors.As(err, &ce) && !opts.Overwrite {
			// Files of an earlier export edited since (in brat): ask.
			msg := widget.NewLabel(err.Error())
			msg.Wrapping = fyne.TextWrapWord
			d := newConfirmDialog(lang.L("Overwrite the files edited since?"), lang.L("Overwrite"), lang.L("Cancel"), msg, func(ok bool) {
				if !ok {
					if then != nil {
						then(err)
					}
					ws.focusView()
					return
				}
				opts.Overwrite = true
				ws.runExportThen(format, out, opts, then)
			}, ws.win)
			d.confirm.Importance = widget.DangerImportance
			d.Resize(fyne.NewSize(560, 0))
			ws.showDialog(d)
			return
		}
		if then != nil {
			defer then(err)
		}
		if err != nil {
			ws.showError(err)
			return
		}
		msg := lang.N("Exported {{.Count}} documents to {{.Files}}", res.Docs, map[string]any{"Count": res.Docs, "Files": joinList(res.Files)})
		ws.info(msg)
		if len(res.Warnings) > 0 {
			var b strings.Builder
			for i, w := range res.Warnings {
				if i == 50 {
					fmt.Fprintf(&b, lang.L("… and %d more"), len(res.Warnings)-50)
					break
				}
				b.WriteString(w.String() + "\n")
			}
			text := widget.NewLabel(b.String())
			text.Wrapping = fyne.TextWrapWord
			scroll := container.NewVScroll(text)
			scroll.SetMinSize(fyne.NewSize(640, 320))
			d := newCustomDialog(lang.N("{{.What}} — {{.Count}} warnings", len(res.Warnings), map[string]any{"What": msg, "Count": len(res.Warnings)}), lang.L("Close"), scroll, ws.win)
			d.SetOnClosed(ws.focusView)
			ws.showDialog(d)
		}
	})
}

// ---- schema and preferences ----

// onSchema opens the schema editor on a copy of the project's schema.
func (ws *workspace) onSchema() {
	if ws.modal() {
		return
	}
	if ws.proj == nil || ws.busy() {
		return
	}
	uses, err := ws.proj.LabelUses()
	if err != nil {
		ws.showError(err)
		return
	}
	inUse := func(layer, label string) int { return uses[layer+"/"+label].Spans }
	p := ws.proj
	ed := newSchemaEditor(ws.win, p.Schema().Clone(), inUse, func(s *annotate.Schema, removed []labelRef, renamed map[labelRef]string) error {
		if ws.proj != p {
			return errors.New(lang.L("the project was closed: the schema was not changed"))
		}
		if ws.job != nil {
			return errors.New(lang.L("Busy: wait for the running work to finish, or cancel it"))
		}
		return ws.changeSchema(s, removed, renamed)
	})
	ed.showDialog = ws.showDialogEsc
	ed.Show()
}

// changeSchema applies an edited schema as one step (annotate's
// ChangeSchema): spans of removed labels and layers are removed, spans of
// renamed labels relabelled and those of renamed layers moved, in every
// document, and the schema is saved. Undo takes all of it back, the
// removed labels and layers first, in each document's history too (after
// later edits, or after the project was reopened). removed and renamed use
// the names of the schema before the edit (see newSchemaEditor); both maps
// apply at once, so swapped names work.
func (ws *workspace) changeSchema(s *annotate.Schema, removed []labelRef, renamed map[labelRef]string) error {
	var home int64
	if ws.doc != nil {
		home = ws.doc.ID
	}
	gone := make([]annotate.LabelRef, len(removed))
	for i, r := range removed {
		gone[i] = annotate.LabelRef(r)
	}
	names := map[annotate.LabelRef]string{}
	for r, to := range renamed {
		names[annotate.LabelRef(r)] = to
	}
	step, err := ws.proj.ChangeSchema(s, gone, names, home)
	if err != nil {
		return err
	}
	ws.refreshSchema()
	ws.refreshDocs()
	if step != nil {
		ws.corpusStep, ws.corpusUndone = step, nil
		ws.corpusSteps = append(ws.corpusSteps, step)
		ws.afterCorpusStep(step)
	} else {
		ws.afterEdit(true)
	}
	ws.saved(lang.L("label schema"))
	return nil
}

// onPreferences shows the preferences: language, theme, annotator.
func (ws *workspace) onPreferences() {
	if ws.modal() {
		return
	}
	var langNames []string
	for _, t := range languages {
		langNames = append(langNames, languageName(t))
	}
	langSel := newEscSelect(langNames, nil)
	cur := ws.prefs.String("language")
	for i, t := range languages {
		if t == cur {
			langSel.SetSelectedIndex(i)
		}
	}
	themes := []string{"", "light", "dark"}
	themeSel := newEscSelect([]string{lang.L("System theme"), lang.L("Light theme"), lang.L("Dark theme")}, nil)
	for i, t := range themes {
		if t == ws.theme {
			themeSel.SetSelectedIndex(i)
		}
	}
	ann := newEscEntry()
	ann.SetText(ws.annotator())
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Language"), langSel),
		widget.NewFormItem(lang.L("Theme"), themeSel),
		widget.NewFormItem(lang.L("Annotator"), ann),
	)
	d := newConfirmDialog(lang.L("Preferences"), lang.L("Save"), lang.L("Cancel"), form, func(ok bool) {
		defer ws.focusView()
		if !ok {
			return
		}
		if i := themeSel.SelectedIndex(); i >= 0 && themes[i] != ws.theme {
			ws.setTheme(themes[i])
		}
		if a := strings.TrimSpace(ann.Text); a != ws.annotator() {
			ws.prefs.SetString("annotator", a)
			if ws.proj != nil {
				ws.proj.SetAnnotator(a)
			}
		}
		if i := langSel.SelectedIndex(); i >= 0 && languages[i] != cur && !ws.busy() {
			ws.prefs.SetString("language", languages[i])
			if err := useLanguage(languages[i]); err != nil {
				ws.showError(err)
				return
			}
			ws.build() // every string again, in the new language
		}
	}, ws.win)
	d.Resize(fyne.NewSize(480, 280))
	ws.showDialog(d)
}
