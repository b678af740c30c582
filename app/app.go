// Package app is Biaozhu's graphical interface, built with Fyne: the
// annotation workspace (documents, the document view, the label palette,
// the inspector, the span list), its menus, dialogs, schema editor,
// preferences and translations. The domain it shows and edits lives in
// package annotate, the formats in package export; this package holds
// only what a window needs.
//
// Everything here that touches widgets runs on the Fyne goroutine; slow
// work (loading the dictionary, opening, importing, exporting) runs on
// its own goroutine behind a progress dialog with Cancel, and hands its
// result back with fyne.Do.
package app

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/assets"
)

// New sets Biaozhu's theme and language on a and returns the content of
// the main window w: the workspace, opening the project at path; with no
// path the most recent project, or on first start the demo project (built
// from the embedded seed article in the app's storage).
func New(a fyne.App, w fyne.Window, path string) fyne.CanvasObject {
	if err := useLanguage(a.Preferences().String("language")); err != nil {
		fyne.LogError("language", err)
	}
	ws := newWorkspace(a, w)
	ws.loadSegmenter()
	w.SetCloseIntercept(func() {
		ws.saveWindow()
		ws.whenIdle(func() {
			ws.closeProject()
			w.Close()
		})
	})
	if width, height := a.Preferences().Float("window.width"), a.Preferences().Float("window.height"); width > 200 && height > 200 {
		w.Resize(fyne.NewSize(float32(width), float32(height)))
	}
	switch {
	case path != "":
		ws.openPath(path)
	default:
		recent := a.Preferences().StringList("recent")
		if len(recent) > 0 && exists(recent[0]) {
			ws.openPath(recent[0])
		} else {
			ws.openDemo()
		}
	}
	return ws.root
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// demoPath is where the demo project lives: the app's storage folder.
func demoPath(a fyne.App) string {
	root := a.Storage().RootURI().Path()
	return filepath.Join(root, "demo.biaozhu")
}

// openDemo opens the demo project, building it first when it does not
// exist yet.
func (ws *workspace) openDemo() {
	path := demoPath(ws.app)
	if exists(path) {
		ws.openPath(path)
		return
	}
	var p *annotate.Project
	ws.runLong(lang.L("Building the demo project"), func(ctx context.Context, progress progressUpdate) error {
		seg, err := ws.waitSegmenter(ctx, progress)
		if err != nil {
			return err
		}
		progress(-1, lang.L("Cleaning and segmenting the demo article…"))
		p, err = createDemo(path, seg, ws.annotator())
		return err
	}, func(err error) {
		if errors.Is(err, context.Canceled) {
			return
		}
		if err != nil {
			ws.showError(err)
			return
		}
		ws.setProject(p)
	})
}

// createDemo makes the demo project at path: the seed article, cleaned,
// segmented and tagged, with the segmenter's person, place and
// organisation tags offered as entity suggestions.
func createDemo(path string, seg *text.Segmenter, annotator string) (*annotate.Project, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	res, err := text.Process(assets.DemoName, assets.DemoArticle, seg, text.DefaultCleanOptions())
	if err != nil {
		return nil, err
	}
	doc := annotate.NewDocument(res)
	schema := annotate.DefaultSchema()
	doc.Spans = corpus.NewSuggester(schema, corpus.SuggestOptions{Layer: schema.Layers[0].Name, POS: true}, nil).Suggest(doc)
	p, err := annotate.Create(path, nil, annotate.Options{Annotator: annotator})
	if err != nil {
		return nil, err
	}
	if err := p.AddDocument(doc); err != nil {
		p.Close()
		if rmErr := os.Remove(path); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			fyne.LogError("remove the unfinished demo project", rmErr)
		}
		return nil, err
	}
	return p, nil
}
