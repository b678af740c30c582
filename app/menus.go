package app

import (
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// command is one thing the workspace can do: its menu label, its key as
// shown in the menus and the shortcut overlay, and either a shortcut with
// a modifier (routed by Fyne's main menu) or a plain key the document view
// handles itself (Rune). The menus and the overlay are built from one
// list, so every shortcut appears in both.
type command struct {
	label    string
	key      string        // as shown, e.g. "Ctrl+Z" or "N"
	shortcut fyne.Shortcut // nil for plain keys
	action   func()
	check    func() bool // a toggle's state, nil if not a toggle
	item     *fyne.MenuItem
}

// mainMenu is the window's native main menu and the command table behind
// it.
type mainMenu struct {
	ws     *workspace
	menus  []*fyne.Menu
	groups [][]*command // per menu, nil entries are separators
	recent *fyne.MenuItem
	main   *fyne.MainMenu
}

// mod is the platform's shortcut modifier name.
func mod() string {
	if runtime.GOOS == "darwin" {
		return "Cmd"
	}
	return "Ctrl"
}

func sc(k fyne.KeyName, m fyne.KeyModifier) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: m}
}

func newMainMenu(ws *workspace) *mainMenu { return &mainMenu{ws: ws} }

// build returns the main menu.
func (m *mainMenu) build() *fyne.MainMenu {
	ws := m.ws
	d := fyne.KeyModifierShortcutDefault
	sh := fyne.KeyModifierShift
	c := mod() + "+"
	m.recent = fyne.NewMenuItem(lang.L("Open recent"), nil)
	file := []*command{
		{label: lang.L("New project…"), key: c + "N", shortcut: sc(fyne.KeyN, d), action: ws.onNewProject},
		{label: lang.L("Open project…"), key: c + "O", shortcut: sc(fyne.KeyO, d), action: ws.onOpenProject},
		{label: "recent"},
		nil,
		{label: lang.L("Import files…"), key: c + "I", shortcut: sc(fyne.KeyI, d), action: ws.onImportFiles},
		{label: lang.L("Import folder…"), key: c + "Shift+I", shortcut: sc(fyne.KeyI, d|sh), action: ws.onImportFolder},
		{label: lang.L("Export…"), key: c + "E", shortcut: sc(fyne.KeyE, d), action: ws.onExport},
		{label: lang.L("Hand out to annotators…"), action: ws.onHandOut},
		nil,
		{label: lang.L("Close project"), key: c + "W", shortcut: sc(fyne.KeyW, d), action: ws.onClose},
		{label: lang.L("Quit"), key: c + "Q", shortcut: sc(fyne.KeyQ, d), action: ws.onQuit},
	}
	edit := []*command{
		{label: lang.L("Undo"), key: c + "Z", shortcut: &fyne.ShortcutUndo{}, action: ws.onUndo},
		{label: lang.L("Redo"), key: c + "Shift+Z", shortcut: sc(fyne.KeyZ, d|sh), action: ws.onRedo},
		nil,
		{label: lang.L("Split token"), key: "/", action: ws.onSplit},
		{label: lang.L("Merge tokens"), key: "=", action: ws.onMerge},
		{label: lang.L("Apply label…"), key: "l", action: ws.onLabelPicker},
		{label: lang.L("Relation from the span…"), key: "r", action: ws.onRelationMode},
		{label: lang.L("POS tag…"), key: "t", action: ws.onPOSPicker},
		{label: lang.L("Note on the span…"), key: "F2", action: ws.insp.focusNote},
		{label: lang.L("Delete span"), key: "Delete", action: ws.onDeleteSpan},
		{label: lang.L("Accept suggestion"), key: "Enter", action: ws.onAccept},
		{label: lang.L("Reject suggestion"), key: "Backspace", action: ws.onReject},
		{label: lang.L("Mark document done"), key: c + "D", shortcut: sc(fyne.KeyD, d), action: ws.onToggleDone},
		nil,
		{label: lang.L("Label schema…"), key: c + "L", shortcut: sc(fyne.KeyL, d), action: ws.onSchema},
		{label: lang.L("Preferences…"), key: c + ",", shortcut: sc(fyne.KeyComma, d), action: ws.onPreferences},
	}
	view := []*command{
		{label: lang.L("Show POS"), key: c + "P", shortcut: sc(fyne.KeyP, d), action: ws.onTogglePOS, check: func() bool { return ws.showPOS }},
		{label: lang.L("Show word boundaries"), key: c + "B", shortcut: sc(fyne.KeyB, d), action: ws.onToggleBoundaries, check: func() bool { return ws.showWB }},
		{label: lang.L("Character mode"), key: "c", action: func() { ws.setCharMode(!ws.view.CharMode()) }, check: func() bool { return ws.view.CharMode() }},
		{label: lang.L("Curation mode"), action: ws.onToggleCuration, check: ws.curating},
		{label: lang.L("Next decision"), key: "]", action: func() { ws.nextDecision(1) }},
		{label: lang.L("Previous decision"), key: "[", action: func() { ws.nextDecision(-1) }},
		nil,
		{label: lang.L("Next document"), key: "n  /  " + c + "↓", shortcut: sc(fyne.KeyDown, d), action: func() { ws.onNextDoc(1) }},
		{label: lang.L("Previous document"), key: "p  /  " + c + "↑", shortcut: sc(fyne.KeyUp, d), action: func() { ws.onNextDoc(-1) }},
		{label: lang.L("Next layer"), key: c + "K", shortcut: sc(fyne.KeyK, d), action: ws.onNextLayer},
		{label: lang.L("Find document"), key: c + "G", shortcut: sc(fyne.KeyG, d), action: func() { ws.win.Canvas().Focus(ws.filter) }},
		nil,
		{label: lang.L("Light theme"), action: func() { ws.setTheme("light") }, check: func() bool { return ws.theme == "light" }},
		{label: lang.L("Dark theme"), action: func() { ws.setTheme("dark") }, check: func() bool { return ws.theme == "dark" }},
		{label: lang.L("System theme"), action: func() { ws.setTheme("") }, check: func() bool { return ws.theme == "" }},
		nil,
		{label: lang.L("Zoom in"), key: c + "=", shortcut: sc(fyne.KeyEqual, d), action: func() { ws.setZoom(ws.zoom * 1.15) }},
		{label: lang.L("Zoom out"), key: c + "-", shortcut: sc(fyne.KeyMinus, d), action: func() { ws.setZoom(ws.zoom / 1.15) }},
		{label: lang.L("Actual size"), key: c + "0", shortcut: sc(fyne.Key0, d), action: func() { ws.setZoom(1) }},
	}
	corpus := []*command{
		{label: lang.L("Concordance…"), key: c + "F", shortcut: sc(fyne.KeyF, d), action: ws.onConcordance},
		{label: lang.L("Frequency lists…"), key: c + "Shift+F", shortcut: sc(fyne.KeyF, d|sh), action: ws.onFrequency},
		{label: lang.L("Statistics…"), key: c + "Shift+T", shortcut: sc(fyne.KeyT, d|sh), action: ws.onStatistics},
		{label: lang.L("Agreement…"), action: ws.onAgreement},
		nil,
		{label: lang.L("Suggest spans…"), key: c + "Shift+S", shortcut: sc(fyne.KeyS, d|sh), action: ws.onSuggest},
		{label: lang.L("Accept all suggestions"), key: c + "Shift+Enter", shortcut: sc(fyne.KeyReturn, d|sh), action: ws.onAcceptAll},
		{label: lang.L("Reject all suggestions"), key: c + "Shift+Backspace", shortcut: sc(fyne.KeyBackspace, d|sh), action: ws.onRejectAll},
		{label: lang.L("Label all occurrences…"), key: c + "Shift+L", shortcut: sc(fyne.KeyL, d|sh), action: ws.onLabelAll},
		nil,
		{label: lang.L("Re-segment untouched documents…"), key: c + "Shift+R", shortcut: sc(fyne.KeyR, d|sh), action: ws.onResegment},
		{label: lang.L("Learnt words…"), action: ws.onLearntWords},
		{label: lang.L("Learn from a gold corpus…"), action: ws.onLearnGold},
	}
	help := []*command{
		{label: lang.L("Keyboard shortcuts"), key: "?  /  F1", action: ws.showShortcuts},
		{label: lang.L("About Biaozhu"), action: ws.onAbout},
	}
	m.groups = [][]*command{file, edit, view, corpus, help}
	titles := []string{lang.L("File"), lang.L("Edit"), lang.L("View"), lang.L("Corpus"), lang.L("Help")}
	m.menus = nil
	for i, g := range m.groups {
		var items []*fyne.MenuItem
		for _, cmd := range g {
			switch {
			case cmd == nil:
				items = append(items, fyne.NewMenuItemSeparator())
			case cmd.label == "recent":
				items = append(items, m.recent)
			default:
				label := cmd.label
				if cmd.shortcut == nil && cmd.key != "" {
					label += "    " + cmd.key // plain keys: Fyne shows only modifier shortcuts
				}
				it := fyne.NewMenuItem(label, cmd.action)
				it.Shortcut = cmd.shortcut
				if cmd.label == lang.L("Quit") {
					it.IsQuit = true
				}
				cmd.item = it
				items = append(items, it)
			}
		}
		m.menus = append(m.menus, fyne.NewMenu(titles[i], items...))
	}
	m.refreshRecent()
	m.refreshChecks()
	m.main = fyne.NewMainMenu(m.menus...)
	return m.main
}

// refreshChecks updates the toggles' check marks.
func (m *mainMenu) refreshChecks() {
	changed := false
	for _, g := range m.groups {
		for _, cmd := range g {
			if cmd != nil && cmd.check != nil && cmd.item != nil && cmd.item.Checked != cmd.check() {
				cmd.item.Checked = cmd.check()
				changed = true
			}
		}
	}
	if changed && m.main != nil {
		m.main.Refresh()
	}
}

// refreshRecent rebuilds the Open recent submenu.
func (m *mainMenu) refreshRecent() {
	var items []*fyne.MenuItem
	for _, p := range m.ws.prefs.StringList("recent") {
		items = append(items, fyne.NewMenuItem(filepath.Base(p)+"  —  "+filepath.Dir(p), func() { m.ws.openPath(p) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem(lang.L("No recent projects"), nil)
		none.Disabled = true
		items = append(items, none)
	}
	m.recent.ChildMenu = fyne.NewMenu("", items...)
	if m.main != nil {
		m.main.Refresh()
	}
}

// addShortcuts adds the window-level shortcuts that are not in the menus
// (second paths to the same commands).
func (ws *workspace) addShortcuts() {
	c := ws.win.Canvas()
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { ws.onRedo() }) // Ctrl+Y
}

// commandFor finds the menu command whose shortcut is s (tests and the
// shortcut overlay use it).
func (m *mainMenu) commandFor(s fyne.Shortcut) *command {
	for _, g := range m.groups {
		for _, cmd := range g {
			if cmd != nil && cmd.shortcut != nil && cmd.shortcut.ShortcutName() == s.ShortcutName() {
				return cmd
			}
		}
	}
	return nil
}

// showShortcuts shows every command with its key.
func (ws *workspace) showShortcuts() {
	grid := container.NewGridWithColumns(2)
	addRow := func(k, label string) {
		key := widget.NewLabelWithStyle(k, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true, Bold: true})
		grid.Add(key)
		grid.Add(widget.NewLabel(label))
	}
	nav := [][2]string{
		{"← →", lang.L("Move the cursor by token (by character in character mode)")},
		{"Shift+← →", lang.L("Extend the selection")},
		{mod() + "+← →", lang.L("Previous / next sentence")},
		{"Home / End", lang.L("Start / end of the line")},
		{"PgUp / PgDn", lang.L("Previous / next page")},
		{lang.L("Click, Shift+click, drag"), lang.L("Select tokens")},
		{lang.L("Double-click"), lang.L("Select the span")},
		{lang.L("Alt+drag"), lang.L("Select characters inside tokens")},
		{lang.L("Click on an arc"), lang.L("Select the relation: a type's key or Enter retypes it, R reverses it, Delete deletes it")},
		{"Esc", lang.L("Leave character mode / collapse the selection")},
	}
	for _, r := range nav {
		addRow(r[0], r[1])
	}
	if ws.curating() {
		for _, r := range curationKeys() {
			addRow(r[0], r[1])
		}
	}
	if ws.proj != nil {
		for _, l := range ws.proj.Schema().Layers {
			for _, lb := range l.Labels {
				if lb.Key != "" {
					addRow(lb.Key, lang.L("Label")+" "+l.Name+" / "+lb.Name)
				}
			}
		}
		for _, l := range ws.proj.Schema().Relations {
			for _, t := range l.Types {
				if t.Key != "" {
					addRow(t.Key, lang.L("Relation type")+" "+l.Name+" / "+t.Name)
				}
			}
		}
	}
	for _, g := range ws.menu.groups {
		for _, cmd := range g {
			if cmd != nil && cmd.key != "" {
				addRow(cmd.key, cmd.label)
			}
		}
	}
	scroll := container.NewVScroll(grid)
	scroll.SetMinSize(fyne.NewSize(640, 480))
	d := newCustomDialog(lang.L("Keyboard shortcuts"), lang.L("Close"), scroll, ws.win)
	d.SetOnClosed(ws.focusView)
	ws.showDialog(d)
}

func (ws *workspace) onAbout() {
	text := widget.NewLabel("Biaozhu (标注) " + ws.app.Metadata().Version + "\n" + lang.L("Annotation of Chinese text: segmentation, POS, spans.") +
		"\n" + lang.L("Font: Biaozhu Sans CJK (Droid Sans Fallback, Apache-2.0, with glyphs from Noto Sans CJK, Noto Sans and LXGW WenKai, SIL OFL 1.1)."))
	text.Wrapping = fyne.TextWrapWord
	d := newCustomDialog(lang.L("About Biaozhu"), lang.L("OK"), text, ws.win)
	d.Resize(fyne.NewSize(min(520, ws.win.Canvas().Size().Width-40), 0))
	d.SetOnClosed(ws.focusView)
	ws.showDialog(d)
}

func (ws *workspace) onTogglePOS() {
	ws.showPOS = !ws.showPOS
	ws.prefs.SetBool("view.pos", ws.showPOS)
	ws.view.SetShowPOS(ws.showPOS)
	ws.menu.refreshChecks()
}

func (ws *workspace) onToggleBoundaries() {
	ws.showWB = !ws.showWB
	ws.prefs.SetBool("view.boundaries", ws.showWB)
	ws.view.SetShowBoundaries(ws.showWB)
	ws.menu.refreshChecks()
}

func (ws *workspace) setTheme(t string) {
	ws.theme = t
	ws.prefs.SetString("theme", t)
	ws.app.Settings().SetTheme(themeFor(t))
	ws.menu.refreshChecks()
}

func (ws *workspace) setZoom(z float32) {
	z = min(max(z, 0.5), 4)
	ws.zoom = z
	ws.prefs.SetFloat("view.zoom", float64(z))
	ws.view.SetZoom(z)
}

// onQuit quits, after cancelling and waiting for long work.
func (ws *workspace) onQuit() {
	ws.saveWindow()
	ws.whenIdle(func() {
		ws.closeProject()
		ws.app.Quit()
	})
}

// saveWindow remembers the window size and the side panels' sizes.
func (ws *workspace) saveWindow() {
	ws.saveSplits()
	s := ws.win.Canvas().Size()
	if s.Width > 100 && s.Height > 100 {
		ws.prefs.SetFloat("window.width", float64(s.Width))
		ws.prefs.SetFloat("window.height", float64(s.Height))
	}
}
