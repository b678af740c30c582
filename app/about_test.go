package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// metaApp is a test app with the metadata a packaged build has (Fyne's
// test app has none).
type metaApp struct {
	fyne.App
	meta fyne.AppMetadata
}

func (a metaApp) Metadata() fyne.AppMetadata { return a.meta }

// TestAboutVersion: Help → About names the app's version, as the app's
// metadata gives it (FyneApp.toml, through fyne package or main's
// fallback), the one biaozhu -version prints.
func TestAboutVersion(t *testing.T) {
	a := metaApp{test.NewTempApp(t), fyne.AppMetadata{ID: "io.github.biaozhu", Name: "Biaozhu", Version: "9.8.7", Build: 6}}
	if err := useLanguage("en"); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	ws := newWorkspace(a, w)
	w.SetContent(ws.root)
	ws.onAbout()
	got := overlayText(w)
	if want := "Biaozhu (标注) 9.8.7\n"; !strings.Contains(got, want) {
		t.Errorf("the About dialog says:\n%s\nwant a line %q", got, want)
	}
}
