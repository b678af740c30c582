package app

import (
	"image/color"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
)

// keyEntry is an entry that reports Esc, ↑ and ↓ instead of ignoring them.
type keyEntry struct {
	widget.Entry
	onKey func(fyne.KeyName) bool // true: handled
}

func newKeyEntry(onKey func(fyne.KeyName) bool) *keyEntry {
	e := &keyEntry{onKey: onKey}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives Esc, ↑ and ↓ to onKey first.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if !keyFirst(e.onKey, ev) {
		e.Entry.TypedKey(ev)
	}
}

// keyFirst gives Esc, ↑ and ↓ to onKey and reports whether it handled
// the key.
func keyFirst(onKey func(fyne.KeyName) bool, ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyUp, fyne.KeyDown:
		return onKey(ev.Name)
	}
	return false
}

// pickItem is one choice of a picker: a label of the schema, a POS tag.
type pickItem struct {
	name   string // the label's or tag's name
	text   string // the row's text
	search string // what typing is matched against, lower case
	color  string // a label's colour ("#rrggbb"), "" for none
	key    string // its shortcut key, "" for none
	apply  func()
}

// picker chooses one of many items from the keyboard, however many there
// are: type (the list is filtered as you type), ↑ ↓ to choose, Enter to
// apply, Esc to close; a click on a row applies it too. It is the keyboard
// path to labels without a shortcut key (l) and to POS tags (t).
type picker struct {
	ws      *workspace
	all     []pickItem
	shown   []pickItem
	match   func(it pickItem, q string) (rank int, ok bool) // rank orders the matches, lowest first
	sel     int
	entry   *keyEntry
	list    *widget.List
	dlg     dialog.Dialog
	applied bool
	moving  bool // the selection is moved by the keyboard, not a click
}

// choose selects row i without applying it.
func (p *picker) choose(i int) {
	p.moving = true
	p.list.Select(i)
	p.list.ScrollTo(i)
	p.moving = false
	p.sel = i
}

// showPicker opens a picker over items, titled title, with placeholder in
// its entry; match filters and orders the items as the annotator types
// (nil: every item whose search text holds what is typed).
func (ws *workspace) showPicker(title, placeholder string, items []pickItem, match func(pickItem, string) (int, bool)) *picker {
	p := &picker{ws: ws, all: items, match: match}
	if p.match == nil {
		p.match = func(it pickItem, q string) (int, bool) { return 0, strings.Contains(it.search, q) }
	}
	p.entry = newKeyEntry(p.key)
	p.entry.SetPlaceHolder(placeholder)
	p.entry.OnChanged = p.filter
	p.entry.OnSubmitted = func(string) { p.apply() }
	p.list = widget.NewList(
		func() int { return len(p.shown) },
		func() fyne.CanvasObject { return newPickerRow(p.applyItem) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.shown) {
				o.(*pickerRow).set(p.shown[i])
			}
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		p.sel = i
		if !p.moving { // a click on a row applies it
			p.apply()
		}
	}
	p.filter("")
	body := container.NewBorder(p.entry, nil, nil, nil, p.list)
	p.dlg = dialog.NewCustom(title, lang.L("Cancel"), body, ws.win)
	p.dlg.SetOnClosed(ws.focusView)
	p.dlg.Resize(fyne.NewSize(min(520, ws.win.Canvas().Size().Width-40), min(460, ws.win.Canvas().Size().Height-40)))
	p.dlg.Show()
	ws.win.Canvas().Focus(p.entry)
	ws.picker = p
	return p
}

// onLabelPicker opens the label picker (key l): type part of a label's
// name (or layer, description or key).
func (ws *workspace) onLabelPicker() {
	if ws.proj == nil || ws.doc == nil {
		return
	}
	var items []pickItem
	for _, l := range ws.proj.Schema().Layers {
		for _, lb := range l.Labels {
			text := l.Name + " / " + lb.Name
			if lb.Key != "" {
				text += "  [" + lb.Key + "]"
			}
			desc := descriptionIn(lb.Description)
			if desc != "" {
				text += "  " + desc
			}
			items = append(items, pickItem{name: lb.Name, text: text, color: lb.Color,
				search: strings.ToLower(l.Name + " " + lb.Name + " " + desc + " " + lb.Description + " " + lb.Key),
				apply:  func() { ws.applyLabel(l.Name, lb.Name) }})
		}
	}
	ws.showPicker(lang.L("Apply label"), lang.L("Type part of a label's name"), items, nil)
}

func (p *picker) filter(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	type ranked struct {
		it   pickItem
		rank int
	}
	var rs []ranked
	for _, it := range p.all {
		if q == "" {
			rs = append(rs, ranked{it, 0})
		} else if r, ok := p.match(it, q); ok {
			rs = append(rs, ranked{it, r})
		}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int { return a.rank - b.rank })
	p.shown = p.shown[:0]
	for _, r := range rs {
		p.shown = append(p.shown, r.it)
	}
	p.sel = 0
	p.list.UnselectAll()
	p.list.Refresh()
	if len(p.shown) > 0 {
		p.choose(0)
	}
}

func (p *picker) key(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyEscape:
		p.dlg.Hide()
	case fyne.KeyDown:
		if p.sel+1 < len(p.shown) {
			p.choose(p.sel + 1)
		}
	case fyne.KeyUp:
		if p.sel > 0 {
			p.choose(p.sel - 1)
		}
	}
	return true
}

func (p *picker) apply() {
	if p.sel < 0 || p.sel >= len(p.shown) {
		return
	}
	p.applyItem(p.shown[p.sel])
}

// applyItem closes the picker and applies it (a click on a row, or Enter).
func (p *picker) applyItem(it pickItem) {
	if p.applied {
		return
	}
	p.applied = true
	p.dlg.Hide()
	it.apply()
}

// pickerRow is a line of a picker: a label's colour, and the item's text.
type pickerRow struct {
	widget.BaseWidget
	rect   fyne.CanvasObject
	set    func(pickItem)
	item   pickItem
	tapped func(pickItem)
}

// Tapped applies the row's item: a click picks it, highlighted or not.
func (r *pickerRow) Tapped(*fyne.PointEvent) { r.tapped(r.item) }

func newPickerRow(tapped func(pickItem)) *pickerRow {
	r := &pickerRow{tapped: tapped}
	sw := canvas.NewRectangle(color.Transparent)
	sw.CornerRadius = 3
	sw.SetMinSize(fyne.NewSize(14, 14))
	text := widget.NewLabel("")
	text.Truncation = fyne.TextTruncateEllipsis
	r.set = func(it pickItem) {
		r.item = it
		if it.color != "" {
			sw.FillColor = labelColor(it.color)
			sw.Show()
		} else {
			sw.Hide()
		}
		sw.Refresh()
		text.SetText(it.text)
	}
	r.rect = container.NewBorder(nil, nil, container.NewCenter(sw), nil, text)
	r.ExtendBaseWidget(r)
	return r
}

func (r *pickerRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.rect) }

// tagGlosses returns the glosses of tagset t's tags in the UI's language,
// by tag name: those of the embedded preset of the same name (a project's
// own tagset has only its tags' descriptions).
func tagGlosses(t annotate.Tagset) (set string, tags map[string]string) {
	tags = map[string]string{}
	g, gs, err := annotate.PresetGlosses(t.Name)
	if err != nil {
		return t.Description, tags
	}
	lang := currentLanguage()
	for name, tg := range gs {
		if s := tg.In(lang); s != "" {
			tags[name] = s
		}
	}
	set = g.In(lang)
	if set == "" {
		set = t.Description
	}
	return set, tags
}

// presetDescriptions are the glosses of the entity preset's descriptions
// (annotate.EntityGlosses), read once.
var presetDescriptions = sync.OnceValue(annotate.EntityGlosses)

// descriptionIn returns a layer's or label's description as the UI shows
// it: a description as the entity preset has it ("人名 person", simplified
// Chinese and English) in the UI's language; any other as it is. Only what
// is shown changes: the project keeps its description.
func descriptionIn(desc string) string {
	if g, ok := presetDescriptions()[desc]; ok && desc != "" {
		if s := g.In(currentLanguage()); s != "" {
			return s
		}
	}
	return desc
}

// onPOSPicker opens the POS picker (key t) for the cursor token: every tag
// of the tagset with its gloss in the UI's language (名詞 / noun), filtered
// as the annotator types a tag's name or part of its gloss; the tags whose
// name starts with what is typed come first.
func (ws *workspace) onPOSPicker() {
	if ws.proj == nil || ws.doc == nil || ws.insp.tok == nil {
		return
	}
	at, cur := ws.insp.tok.Start, ws.insp.tok.POS
	ts := ws.proj.Schema().POS
	_, glosses := tagGlosses(ts)
	var items []pickItem
	for _, tag := range ts.Tags {
		gloss := glosses[tag.Name]
		if gloss == "" {
			gloss = tag.Description
		}
		text := tag.Name
		if gloss != "" {
			text += "  " + gloss
		}
		if tag.Name == cur {
			text += "  ✓"
		}
		items = append(items, pickItem{name: tag.Name, text: text,
			search: strings.ToLower(tag.Name + " " + gloss + " " + tag.Description),
			apply: func() {
				if tag.Name != cur {
					ws.apply(annotate.SetPOS{At: at, POS: tag.Name})
				}
			}})
	}
	match := func(it pickItem, q string) (int, bool) {
		name := strings.ToLower(it.name)
		switch {
		case name == q:
			return 0, true
		case strings.HasPrefix(name, q):
			return 1, true
		case strings.Contains(it.search, q):
			return 2, true
		}
		return 0, false
	}
	title := lang.L("Part of speech")
	if tok := ws.insp.tok; tok != nil {
		title += ": " + shorten(ws.doc.Slice(tok.Start, tok.End), 20)
	}
	p := ws.showPicker(title, lang.L("Type a tag or part of its meaning"), items, match)
	for i, it := range p.shown {
		if it.name == cur {
			p.choose(i)
			break
		}
	}
}
