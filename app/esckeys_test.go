package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestDialogsEscWhateverFocused checks that Esc closes the Preferences,
// Keyboard shortcuts, import chooser and Export dialogs as their Cancel (Close) button does
// (the callback runs: the keyboard goes back to the document) whatever Tab
// has given the keyboard to, and with nothing focused — except, in Export,
// the items of Fyne's radio groups and the folder's entry (which tests of
// other dialogs find as a *widget.Entry), which still keep Esc. Esc is pressed as the window does: to the
// focused widget, or to the window's own handler when none has the focus.
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
		count int                       // the focusable widgets, at least
		keeps func(fyne.Focusable) bool // the widgets known to keep Esc
	}{
		{"preferences", (*workspace).onPreferences, 5, nil}, // language, theme, annotator, Cancel, Save
		{"shortcuts", (*workspace).showShortcuts, 1, nil},   // Close
		{"import chooser", func(ws *workspace) {
			ws.prefs.SetString("import.folder", chooserDir)
			ws.onImportFiles()
		}, 8, nil}, // the folder, Up, the filter, the list, a folder, a file, Select all, Cancel (Import… is disabled)
		{"export", (*workspace).onExport, 14, func(f fyne.Focusable) bool {
			_, entry := f.(*widget.Entry)
			return entry || fmt.Sprintf("%T", f) == "*widget.radioItem"
		}},
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
			var seen, kept []string
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
				if focused != nil && tc.keeps != nil && tc.keeps(focused) {
					kept = append(kept, name)
					c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) // close it
					continue
				}
				ev := &fyne.KeyEvent{Name: fyne.KeyEscape}
				if focused != nil {
					focused.TypedKey(ev)
				} else {
					c.OnTypedKey()(ev)
				}
				if c.Overlays().Top() != nil {
					t.Fatalf("Esc with the focus on %s (Tab × %d) left the dialog open", name, n)
				}
				if c.Focused() != fyne.Focusable(ws.view) {
					t.Errorf("after Esc with the focus on %s the keyboard is with %T, want the document (Cancel's callback)", name, c.Focused())
				}
				seen = append(seen, name)
			}
			t.Logf("Esc closed the dialog from: %s", strings.Join(seen, "; "))
			if len(kept) > 0 {
				t.Logf("Esc is kept by: %s", strings.Join(kept, "; "))
			}
		})
	}
}
