// Package app is Biaozhu's graphical interface, built with Fyne. It holds
// the theme (with the bundled CJK font) and the window's content; the text
// pipeline it shows lives in package annotate.
//
// Everything here that touches widgets runs on the Fyne goroutine; slow
// work (loading the dictionary, processing a document) runs on its own
// goroutine and hands its result back with fyne.Do.
package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/assets"
)

// New sets Biaozhu's theme on a and returns the content for the main
// window w: at once a loading state, and, when the dictionary is loaded
// and the demo document processed, the segmented and tagged demo text (or
// the error that stopped it).
func New(a fyne.App, w fyne.Window) fyne.CanvasObject {
	return newScreen(a, w, assets.DemoName, loadDemo).root
}

// screen is the window's content and the state of its loading.
type screen struct {
	app    fyne.App
	window fyne.Window
	root   *fyne.Container

	// done is closed, on the Fyne goroutine, once the screen shows the
	// document or an error; view or err is set by then.
	done chan struct{}
	view *docView
	err  error
}

// loader produces the document the screen shows; status reports progress
// and may be called from any goroutine.
type loader func(status func(string)) (*annotate.Document, error)

// newScreen shows a loading state in a new screen and starts load, which
// loads the document called name, on its own goroutine.
func newScreen(a fyne.App, w fyne.Window, name string, load loader) *screen {
	a.Settings().SetTheme(newTheme())
	msg := widget.NewLabel(strLoadingDict)
	msg.Alignment = fyne.TextAlignCenter
	bar := widget.NewProgressBarInfinite()
	loading := container.NewCenter(container.NewVBox(msg, container.NewGridWrap(fyne.NewSize(360, bar.MinSize().Height), bar)))
	s := &screen{app: a, window: w, root: container.NewStack(loading), done: make(chan struct{})}

	status := func(text string) { fyne.Do(func() { msg.SetText(text) }) }
	go func() {
		doc, err := runLoader(name, load, status)
		fyne.Do(func() {
			bar.Stop()
			if err != nil {
				s.err = err
				s.root.Objects = []fyne.CanvasObject{errorView(err)}
			} else {
				s.view = newDocView(modelOf(doc), true)
				s.root.Objects = []fyne.CanvasObject{s.view.root}
			}
			s.root.Refresh()
			close(s.done)
		})
	}()
	return s
}

// runLoader runs load, turning a panic into an error so that the window
// shows it instead of the program dying. Its own errors name the document,
// name; those of load are returned as they are (annotate's name the file
// where there is one).
func runLoader(name string, load loader, status func(string)) (doc *annotate.Document, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, fmt.Errorf("app: %s: loading: %v", name, p)
		}
	}()
	doc, err = load(status)
	if err == nil && doc == nil {
		err = fmt.Errorf("app: %s: loading: no document", name)
	}
	return doc, err
}

// loadDemo loads the segmentation dictionary and processes the embedded
// demo article.
func loadDemo(status func(string)) (*annotate.Document, error) {
	seg, err := annotate.NewSegmenter()
	if err != nil {
		return nil, err
	}
	status(strProcessing)
	return annotate.Process(assets.DemoName, assets.DemoArticle, seg, annotate.DefaultCleanOptions())
}

// errorView shows err in place of the document.
func errorView(err error) fyne.CanvasObject {
	title := widget.NewLabel(strFailed)
	title.Importance = widget.DangerImportance
	title.TextStyle = fyne.TextStyle{Bold: true}
	detail := widget.NewLabel(err.Error())
	detail.Wrapping = fyne.TextWrapWord
	detail.Selectable = true
	return container.NewPadded(container.NewVBox(title, detail))
}
