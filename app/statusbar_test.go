package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
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

// TestFitLabel: a fitLabel draws its whole text when it fits and a part of
// it and "…" when it does not, as its text changes and as it is resized,
// and its minimum size is an ellipsis label's whatever its text.
func TestFitLabel(t *testing.T) {
	test.NewTempApp(t)
	l := newFitLabel("", fyne.TextStyle{Bold: true})
	ref := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ref.Truncation = fyne.TextTruncateEllipsis
	w := test.NewTempWindow(t, container.NewVBox(l, ref))
	long := strings.Repeat("焦作市委书记今天在医院检查疫情防控工作。", 10)
	for _, tc := range []struct {
		name     string
		text     string
		width    float32
		ellipsis bool
	}{
		{"short", "北京大学 · 3 spans", 400, false},
		{"long", long, 400, true},
		{"short again", "北京大学 · 4 spans", 400, false},
		{"narrow", "北京大学 · 4 spans", 60, true},
		{"wide", "北京大学 · 4 spans", 500, false},
		{"multi-line", "北京\n大学", 500, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l.SetText(tc.text)
			ref.SetText(tc.text)
			w.Resize(fyne.NewSize(tc.width, 200))
			var drawn string
			for _, o := range test.LaidOutObjects(l) {
				if c, ok := o.(*canvas.Text); ok && c.Visible() {
					drawn += c.Text
				}
			}
			if got := l.Truncation == fyne.TextTruncateEllipsis; got != tc.ellipsis {
				t.Errorf("%q in %.0f px: ellipsis %v, want %v", tc.text, l.Size().Width, got, tc.ellipsis)
			}
			if full := strings.ReplaceAll(tc.text, "\n", ""); tc.ellipsis && !strings.Contains(tc.text, "\n") && (!strings.HasSuffix(drawn, "…") || len(drawn) >= len(full)) || !tc.ellipsis && drawn != full {
				t.Errorf("%q in %.0f px drawn as %q", tc.text, l.Size().Width, drawn)
			}
			if got, want := l.MinSize(), ref.MinSize(); got != want {
				t.Errorf("%q: minimum size %v, want an ellipsis label's %v", tc.text, got, want)
			}
		})
	}
}
