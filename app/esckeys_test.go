package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/export"
)

// TestDialogsEscWhateverFocused checks that Esc closes the Preferences,
// Keyboard shortcuts, import chooser and Export dialogs as their Cancel (Close) button does
// (the callback runs: the keyboard goes back to the document) whatever Tab
// has given the keyboard to, and with nothing focused. Esc is pressed as the
// window does: to the focused widget, or to the window's own handler when
// none has the focus.
func TestDialogsEscWhateverFocused(t *testing.T) {
	chooserDir := t.TempDir() // a folder and a file
	if err := os.Mkdir(filepath.Join(chooserDir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(chooserDir, "a.txt"), []byte("甲說：好。"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		open  func(ws *workspace)
		count int // the focusable widgets, at least
	}{
		{"preferences", (*workspace).onPreferences, 5}, // language, theme, annotator, Cancel, Save
		{"shortcuts", (*workspace).showShortcuts, 1},   // Close
		{"import chooser", func(ws *workspace) {
			ws.prefs.SetString("import.folder", chooserDir)
			ws.onImportFiles()
		}, 8}, // the folder, Up, the filter, the list, a folder, a file, Select all, Cancel (Import… is disabled)
		{"export", (*workspace).onExport, 14},
		{"new project", (*workspace).onNewProject, 5}, // the name, the folder, Choose…, Cancel, Create
		{"save as PNG", func(ws *workspace) {
			ws.askPNGFileNamed("chart.png", func(string) {}, ws.focusView)
		}, 5}, // the folder, Choose…, the name, Cancel, Save
		{"schema editor, nothing edited", (*workspace).onSchema, 20},
		{"about", (*workspace).onAbout, 1},            // OK
		{"suggest spans", (*workspace).onSuggest, 12}, // layer, POS, gazetteers, list, Add, Remove, label, confirmed, inside, 2 scopes, Cancel, Suggest
		{"re-segment", (*workspace).onResegment, 2},   // No, Yes
		{"export a table", func(ws *workspace) {
			ws.askTableFile("Export", "freq", func(string, export.TableOptions) {}, ws.focusView)
		}, 6}, // the folder, Choose…, the name, BOM, Cancel, Export
		{"import options", func(ws *workspace) {
			ws.showImportDialog([]string{filepath.Join(chooserDir, "a.conllu")})
		}, 6}, // the format, the layer, the text and name columns, Skip, Cancel, Import
		{"error", func(ws *workspace) { ws.showError(errors.New("app: the folder /nonexistent does not exist")) }, 1}, // OK
		{"hand out", (*workspace).onHandOut, 7},    // names, overlap, seed, suggestions, the folder, Choose…, Cancel, Hand out
		{"agreement", (*workspace).onAgreement, 5}, // Add, Clear, Measure, Save chart, Close
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newWSFixture(t)
			ws := f.ws
			c := ws.win.Canvas()
			// How many widgets Tab goes round.
			tc.open(ws)
			c.Unfocus()
			test.FocusNext(c)
			first, k := c.Focused(), 1
			for ; k < 50; k++ {
				test.FocusNext(c)
				if c.Focused() == first {
					break
				}
			}
			c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			if k < tc.count {
				t.Errorf("Tab goes round %d widgets, want at least %d", k, tc.count)
			}
			var seen []string
			for n := 0; n <= k; n++ { // 0: nothing focused
				tc.open(ws)
				if c.Overlays().Top() == nil {
					t.Fatal("no dialog")
				}
				c.Unfocus()
				for range n {
					test.FocusNext(c)
				}
				focused := c.Focused()
				name := fmt.Sprintf("%T", focused)
				ev := &fyne.KeyEvent{Name: fyne.KeyEscape}
				if focused != nil {
					focused.TypedKey(ev)
				} else {
					c.OnTypedKey()(ev)
				}
				if c.Overlays().Top() != nil {
					t.Errorf("Esc with the focus on %s (Tab × %d) left the dialog open", name, n)
					for c.Overlays().Top() != nil {
						c.Overlays().Top().Hide()
					}
					continue
				}
				if c.Focused() != fyne.Focusable(ws.view) {
					t.Errorf("after Esc with the focus on %s the keyboard is with %T, want the document (Cancel's callback)", name, c.Focused())
				}
				seen = append(seen, name)
			}
			t.Logf("Esc closed the dialog from: %s", strings.Join(seen, "; "))
		})
	}
}

// entryOf is the text entry o is: a *widget.Entry, or the one in a
// keyEntry (an entry passing Esc on).
func entryOf(o fyne.CanvasObject) (*widget.Entry, bool) {
	switch e := o.(type) {
	case *widget.Entry:
		return e, true
	case *keyEntry:
		return &e.Entry, true
	}
	return nil, false
}

// isEntry reports whether o is the entry e (or the keyEntry around it).
func isEntry(o fyne.CanvasObject, e *widget.Entry) bool {
	oe, ok := entryOf(o)
	return ok && oe == e
}

// TestEscRadio checks the radio group that replaces Fyne's in dialogs: Tab
// goes from option to option, Space chooses the focused one, the arrows
// choose the previous or next one and take the focus there (not past the
// ends), a click chooses, choosing the chosen one keeps it chosen, a
// disabled group takes neither Tab nor clicks, and Esc goes to the window.
func TestEscRadio(t *testing.T) {
	var changes []string
	r := newEscRadio([]string{"BIO", "BIOES", "IO"}, func(s string) { changes = append(changes, s) })
	r.Horizontal = true
	w := test.NewWindow(r)
	defer w.Close()
	c := w.Canvas()
	var escs int
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			escs++
		}
	})
	if r.Selected != "BIO" {
		t.Fatalf("chosen at first: %q, want BIO", r.Selected)
	}
	focusedItem := func() int {
		it, ok := c.Focused().(*escRadioItem)
		if !ok {
			return -1
		}
		return it.index
	}
	test.FocusNext(c)
	test.FocusNext(c)
	if got := focusedItem(); got != 1 {
		t.Fatalf("Tab × 2 focuses option %d, want 1", got)
	}
	if r.Selected != "BIO" {
		t.Errorf("Tab alone chose %q", r.Selected)
	}
	for _, step := range []struct {
		key       fyne.KeyName // "" for Space
		want      string
		wantFocus int
	}{
		{"", "BIOES", 1},
		{fyne.KeyRight, "IO", 2},
		{fyne.KeyDown, "IO", 2}, // the last one: stays
		{fyne.KeyLeft, "BIOES", 1},
		{fyne.KeyUp, "BIO", 0},
		{fyne.KeyUp, "BIO", 0},
		{"", "BIO", 0}, // Space on the chosen one: still chosen
	} {
		if step.key == "" {
			c.Focused().TypedRune(' ')
		} else {
			c.Focused().TypedKey(&fyne.KeyEvent{Name: step.key})
		}
		if r.Selected != step.want || focusedItem() != step.wantFocus {
			t.Errorf("after %q: chosen %q, focus on %d; want %q, %d", step.key, r.Selected, focusedItem(), step.want, step.wantFocus)
		}
	}
	if want := []string{"BIOES", "IO", "BIOES", "BIO"}; !slices.Equal(changes, want) {
		t.Errorf("OnChanged got %q, want %q", changes, want)
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if escs != 1 {
		t.Errorf("Esc on an option reached the window %d times, want 1", escs)
	}
	test.Tap(r.items[2])
	if r.Selected != "IO" || focusedItem() != 2 {
		t.Errorf("a click on IO: chosen %q, focus on %d", r.Selected, focusedItem())
	}
	r.Disable()
	c.Unfocus()
	test.FocusNext(c)
	if c.Focused() != nil {
		t.Errorf("Tab focuses %T in a disabled group", c.Focused())
	}
	test.Tap(r.items[0])
	r.items[2].TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if r.Selected != "IO" {
		t.Errorf("a disabled group changed to %q", r.Selected)
	}
}

// TestSchemaEditorEscAsks checks Esc in the schema editor: with edits not
// applied it asks "Discard changes?" instead of closing (Esc there, or Keep
// editing, goes back to the editor with the edits and the keyboard stays in
// the dialogs), Discard closes the editor with the schema unchanged; with
// the edit typed back it closes at once.
func TestSchemaEditorEscAsks(t *testing.T) {
	f := newWSFixture(t)
	ws := f.ws
	c := ws.win.Canvas()
	orig := ws.proj.Schema().Layers[0].Name
	esc := func() {
		ev := &fyne.KeyEvent{Name: fyne.KeyEscape}
		if fo := c.Focused(); fo != nil {
			fo.TypedKey(ev)
		} else {
			c.OnTypedKey()(ev)
		}
	}
	ws.onSchema()
	editor := c.Overlays().Top()
	// The first layer's name (found as any entry, so that the test runs on
	// an editor of Fyne's entries too).
	findName := func() (fyne.Focusable, *widget.Entry) {
		for _, o := range walkObjects(c.Overlays().Top()) {
			if e, ok := entryOf(o); ok && e.Text == orig {
				return o.(fyne.Focusable), e
			}
		}
		return nil, nil
	}
	nameW, name := findName()
	if name == nil {
		t.Fatalf("no entry with the layer name %q in the editor", orig)
	}
	c.Focus(nameW)
	test.Type(nameW, "X")
	edited := name.Text
	if edited == orig {
		t.Fatal("typing did not change the name")
	}
	for _, keep := range []string{"Esc", "Keep editing"} {
		esc()
		if n := dialogCount(ws.win); n != 2 || !strings.Contains(overlayText(ws.win), "Discard changes?") {
			t.Fatalf("Esc after an edit: %d dialogs, the top one says %q; want the editor and Discard changes?", n, overlayText(ws.win))
		}
		if keep == "Esc" {
			esc()
		} else {
			tapOverlayButton(t, ws.win, "Keep editing")
		}
		if c.Overlays().Top() != editor || name.Text != edited {
			t.Fatalf("after %s: the editor is open %v with the name %q; want it open with %q", keep, c.Overlays().Top() == editor, name.Text, edited)
		}
		if c.Focused() == fyne.Focusable(ws.view) {
			t.Errorf("after %s the keyboard is with the document behind the editor", keep)
		}
		c.Focus(nameW)
	}
	esc()
	tapOverlayButton(t, ws.win, "Discard")
	if n := dialogCount(ws.win); n != 0 {
		t.Fatalf("after Discard %d dialogs are open, want none", n)
	}
	if got := ws.proj.Schema().Layers[0].Name; got != orig {
		t.Errorf("after Discard the layer is called %q, want %q", got, orig)
	}
	// An edit typed back is no edit.
	ws.onSchema()
	nameW, name = findName()
	c.Focus(nameW)
	test.Type(nameW, "X")
	nameW.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	esc()
	if n := dialogCount(ws.win); n != 0 {
		t.Errorf("Esc with no edit left: %d dialogs open (%q), want the editor closed", n, overlayText(ws.win))
	}
}
