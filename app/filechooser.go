// The import file chooser: Fyne's file dialog picks one file, so this one
// lists a folder with a check box per file, a filter for the formats the
// importer reads, and starts in the folder last imported from.

package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// importExts are the extensions of the files the importer reads: text,
// and the annotated formats (importFormatFor).
var (
	textExts      = []string{".txt", ".text", ".md"}
	annotatedExts = []string{".conllu", ".conll", ".bio", ".bioes", ".tsv", ".ann", ".jsonl", ".json", ".csv", ".xlsx", ".zip"}
)

// The chooser's filters, in the order of its choice.
const (
	filterReadable = iota
	filterText
	filterAnnotated
	filterAll
)

func chooserFilters() []string {
	return []string{lang.L("Files Biaozhu reads"), lang.L("Text files (.txt, .md)"),
		lang.L("Annotated files (CoNLL, brat, doccano, Label Studio, CSV, xlsx)"), lang.L("All files")}
}

// chooserEntry is a line of the chooser: a folder or a file of the folder
// shown.
type chooserEntry struct {
	name string
	dir  bool
}

// fileChooser chooses several files of one folder.
type fileChooser struct {
	ws      *workspace
	dir     string
	entries []chooserEntry
	checked map[string]bool // full paths
	path    *keyEntry
	filter  *escSelect
	list    *escList
	count   *widget.Label
	ok      *escButton
	dlg     dialog.Dialog
}

// chooseFiles shows the chooser, starting in the folder last imported
// from, and calls then with the files checked (sorted) on OK; the folder
// they are in is remembered.
func (ws *workspace) chooseFiles(then func(paths []string)) *fileChooser {
	c := &fileChooser{ws: ws, checked: map[string]bool{}}
	c.path = newEscEntry()
	c.path.OnSubmitted = func(s string) { c.open(strings.TrimSpace(s)) }
	tips := newTipLayer() // the word of the button that shows only an icon
	up := newTipButton(tips, lang.L("Up to the folder above"), "", theme.MoveUpIcon(), func() { c.open(filepath.Dir(c.dir)) })
	c.filter = newEscSelect(chooserFilters(), func(string) { c.open(c.dir) })
	c.count = widget.NewLabel("")
	c.list = newEscList(
		func() int { return len(c.entries) },
		func() fyne.CanvasObject {
			check := newEscCheck("", nil)
			folder := newEscButton("", theme.FolderIcon(), nil)
			folder.Alignment = widget.ButtonAlignLeading
			folder.Importance = widget.LowImportance
			return container.NewStack(check, folder)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(c.entries) {
				return
			}
			e := c.entries[i]
			box := o.(*fyne.Container)
			check, folder := box.Objects[0].(*escCheck), box.Objects[1].(*escButton)
			full := filepath.Join(c.dir, e.name)
			if e.dir {
				check.Hide()
				folder.Show()
				folder.SetText(e.name + string(filepath.Separator))
				folder.OnTapped = func() { c.open(full) }
				return
			}
			folder.Hide()
			check.Show()
			check.OnChanged = nil
			check.Text = e.name
			check.Checked = c.checked[full]
			check.Refresh()
			check.OnChanged = func(on bool) { c.setChecked(full, on) }
		})
	all := newEscButton(lang.L("Select all"), nil, c.toggleAll)
	c.ok = newEscButton(lang.L("Import…"), theme.ConfirmIcon(), func() {
		paths := c.paths()
		if len(paths) == 0 {
			return
		}
		ws.prefs.SetString("import.folder", c.dir)
		c.dlg.Hide()
		then(paths)
	})
	c.ok.Importance = widget.HighImportance
	cancel := newEscButton(lang.L("Cancel"), theme.CancelIcon(), func() {
		c.dlg.Hide()
		ws.focusView()
	})
	head := container.NewVBox(container.NewBorder(nil, nil, up, nil, c.path), c.filter)
	foot := container.NewBorder(nil, nil, all, nil, c.count)
	body := container.NewBorder(head, foot, nil, nil, c.list)
	d := dialog.NewCustomWithoutButtons(lang.L("Import files"), tips.over(body), ws.win)
	d.SetButtons([]fyne.CanvasObject{cancel, c.ok})
	c.dlg = d
	size := ws.win.Canvas().Size()
	c.dlg.Resize(fyne.NewSize(min(760, size.Width-40), min(560, size.Height-40)))
	start := ws.prefs.String("import.folder")
	if fi, err := os.Stat(start); start == "" || err != nil || !fi.IsDir() {
		start = ws.defaultFolder()
	}
	c.filter.SetSelectedIndex(filterReadable) // lists start
	c.open(start)
	ws.showDialog(c.dlg)
	ws.win.Canvas().Focus(c.path) // a folder can be typed (or pasted) at once
	ws.lastChooser = c
	return c
}

// shows reports whether the filter lets a file called name through.
func (c *fileChooser) shows(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	switch c.filter.SelectedIndex() {
	case filterText:
		return slices.Contains(textExts, ext)
	case filterAnnotated:
		return slices.Contains(annotatedExts, ext)
	case filterAll:
		return true
	}
	return slices.Contains(textExts, ext) || slices.Contains(annotatedExts, ext)
}

// open lists folder dir: its folders, then its files the filter lets
// through, each by name; hidden ones (.name) are left out. The files
// checked in other folders stay checked.
func (c *fileChooser) open(dir string) {
	if dir == "" {
		return
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		c.count.SetText(err.Error())
		c.count.Importance = widget.DangerImportance
		c.count.Refresh()
		return
	}
	c.dir = dir
	c.path.SetText(dir)
	var dirs, files []chooserEntry
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		isDir := de.IsDir()
		if de.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil {
				isDir = fi.IsDir()
			}
		}
		switch {
		case isDir:
			dirs = append(dirs, chooserEntry{name, true})
		case c.shows(name):
			files = append(files, chooserEntry{name, false})
		}
	}
	c.entries = append(dirs, files...)
	c.list.UnselectAll()
	c.list.Refresh()
	c.list.ScrollToTop()
	c.showCount()
}

func (c *fileChooser) setChecked(path string, on bool) {
	if on {
		c.checked[path] = true
	} else {
		delete(c.checked, path)
	}
	c.showCount()
}

// toggleAll checks every file listed, or unchecks them all when they all
// are checked.
func (c *fileChooser) toggleAll() {
	all := true
	for _, e := range c.entries {
		if !e.dir && !c.checked[filepath.Join(c.dir, e.name)] {
			all = false
		}
	}
	for _, e := range c.entries {
		if !e.dir {
			c.setChecked(filepath.Join(c.dir, e.name), !all)
		}
	}
	c.list.Refresh()
}

// paths are the files checked, sorted.
func (c *fileChooser) paths() []string {
	out := make([]string, 0, len(c.checked))
	for p := range c.checked {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func (c *fileChooser) showCount() {
	n := len(c.checked)
	c.count.Importance = widget.MediumImportance
	c.count.SetText(lang.N("{{.Count}} files checked", n, map[string]any{"Count": n}))
	if n == 0 {
		c.ok.Disable()
	} else {
		c.ok.Enable()
	}
}
