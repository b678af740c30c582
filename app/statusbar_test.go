package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// TestStatusBarTruncation: a status label truncates its text with an
// ellipsis when, and only when, the bar gives it less than its text's
// width — set as its text changes and as the window is resized — and the
// whole text stays the label's text.
func TestStatusBarTruncation(t *testing.T) {
	a := test.NewTempApp(t)
	if err := useLanguage("en"); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	ws := newWorkspace(a, w)
	w.SetContent(ws.root)
	w.Resize(fyne.NewSize(1200, 800))
	bar := ws.statusSave.bar
	want := func(name string, l *statusLabel, ellipsis bool) {
		t.Helper()
		nat := natural(l)
		got := l.Truncation == fyne.TextTruncateEllipsis
		if got != ellipsis || (l.Size().Width < nat) != ellipsis {
			t.Errorf("%s: %q in %.0f of %.0f px (bar %.0f): ellipsis %v, want %v", name, l.Text, l.Size().Width, nat, bar.Size().Width, got, ellipsis)
		}
		// what is drawn: the whole text, or a part of it and "…"
		var drawn string
		for _, o := range test.LaidOutObjects(l) {
			if c, ok := o.(*canvas.Text); ok && c.Visible() {
				drawn += c.Text
			}
		}
		if ellipsis && (!strings.HasSuffix(drawn, "…") || len(drawn) >= len(l.Text)) || !ellipsis && drawn != l.Text {
			t.Errorf("%s: %q drawn as %q (ellipsis %v)", name, l.Text, drawn, ellipsis)
		}
	}
	long := strings.Repeat("保存了一个很长的消息 ", 40)
	for _, tc := range []struct {
		name     string
		text     string
		width    float32
		ellipsis bool
	}{
		{"short", "Saved 12:00:00: label PER", 1200, false},
		{"long", long, 1200, true},
		{"short again", "Saved 12:00:01: undone", 1200, false},
		{"narrow window", "Saved 12:00:01: undone " + strings.Repeat("x", 60), 300, true},
		{"wide again", "Saved 12:00:01: undone " + strings.Repeat("x", 60), 1600, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws.statusSave.SetText(tc.text)
			w.Resize(fyne.NewSize(tc.width, 800))
			if ws.statusSave.Text != tc.text {
				t.Errorf("text %q, want %q", ws.statusSave.Text, tc.text)
			}
			want("last step", ws.statusSave, tc.ellipsis)
			for _, l := range []*statusLabel{ws.statusDict, ws.statusSelection, ws.statusCnt} {
				want("other label", l, l.Size().Width < natural(l))
			}
		})
	}
}
