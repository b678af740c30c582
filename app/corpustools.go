// The corpus tools' shared state: the workspace's corpus index, built in
// the background and brought up to date before each use, which the
// concordance, the frequency lists and the statistics answer from.

package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
)

// The corpus tools: the concordance panel (Ctrl+F, docked under the
// document), the frequency lists (Ctrl+Shift+F) and the statistics
// (Ctrl+Shift+T), all answered from one corpus.Index of the open
// project.
//
// The index is built in the background when a project opens (or on first
// use, behind a progress dialog with Cancel). Before each use it indexes
// again the documents changed since it indexed them: those an edit, undo
// or redo marked through ws.onDocChanged, and those changed another way
// (imports, schema changes: documents added, removed or stored later).
// Edits only mark: indexing a large document again on every key would
// double the cost of an edit. Searches run off the UI goroutine against
// the index's snapshot; only the page of hits on screen is ever turned
// into text.

// corpusTools is a workspace's corpus index and the views on it.
type corpusTools struct {
	ws     *workspace
	proj   *annotate.Project   // the project ix indexes
	ix     *corpus.Index       // nil until built
	stamps map[int64]time.Time // when each document was indexed (the project's Updated then)
	kwic   *kwicPanel
	freq   *freqView // the frequency list shown, nil when none

	// building is the index being built in the background since the
	// project opened, nil when none.
	building *backgroundIndex
}

// backgroundIndex is an index being built off the UI goroutine.
type backgroundIndex struct {
	proj   *annotate.Project
	cancel context.CancelFunc
	done   chan struct{} // closed when ix or err is set
	ix     *corpus.Index
	stamps map[int64]time.Time
	err    error
}

// buildInBackground starts building the open project's index off the UI
// goroutine, without a dialog: the first search then finds it ready.
// BuildIndex reads the project file, not the live documents, so the
// annotator edits meanwhile; documents stored after the build began are
// indexed again before the first use (their stamps are from before it).
func (ct *corpusTools) buildInBackground() {
	ws := ct.ws
	p := ws.proj
	if p == nil {
		return
	}
	ct.drop()
	docs, err := p.Documents()
	if err != nil {
		return // the first use builds it with a dialog and shows the error
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &backgroundIndex{proj: p, cancel: cancel, done: make(chan struct{}), stamps: make(map[int64]time.Time, len(docs))}
	for _, d := range docs {
		b.stamps[d.ID] = d.Updated
	}
	ct.building = b
	go func() {
		start := time.Now()
		ix, err := corpus.BuildIndex(ctx, p, nil)
		releaseMemory()
		fyne.Do(func() {
			b.ix, b.err = ix, err
			close(b.done)
			if ct.building != b {
				return
			}
			ct.building = nil
			if err != nil || ws.proj != p {
				return
			}
			ct.proj, ct.ix, ct.stamps = p, ix, b.stamps
			ws.info(fmt.Sprintf(lang.L("Corpus indexed: %s in %.1f s"), nChars(ix.Chars()), time.Since(start).Seconds()))
		})
	}()
}

// corpus returns ws's corpus tools, made on first use; they follow every
// edit through ws.onDocChanged.
func (ws *workspace) corpus() *corpusTools {
	ct := ws.tools
	if ct == nil {
		ct = &corpusTools{ws: ws}
		ct.kwic = &kwicPanel{ct: ct, cur: -1, flip: map[hitKey]bool{}, pages: map[int][]corpus.Hit{}}
		ws.tools = ct
		ws.onDocChanged = ct.docChanged
	}
	return ct
}

// corpusClosed drops the index and the results of the project being
// closed (closeProject may call it; the tools also notice a new project
// themselves before each use).
func (ws *workspace) corpusClosed() {
	ws.corpus().drop()
}

// drop forgets the index and everything found in it.
func (ct *corpusTools) drop() {
	if b := ct.building; b != nil {
		b.cancel()
		ct.building = nil
	}
	ct.proj, ct.ix, ct.stamps = nil, nil, nil
	ct.kwic.clear()
}

// docChanged marks an edited document to be indexed again before the
// index is next used, and has the relations the concordance lists
// searched again.
func (ct *corpusTools) docChanged(d *annotate.Document) {
	if ct.ix == nil || ct.proj != ct.ws.proj || d == nil {
		return
	}
	delete(ct.stamps, d.ID)
	ct.kwic.relationsEdited()
}

// maxInlineLoads is how many documents the index loads on the UI
// goroutine before a use; more are loaded behind a progress dialog.
const maxInlineLoads = 50

// withIndex calls then with an up-to-date index of the open project:
// building it first if there is none (behind a progress dialog with
// Cancel), else adding the documents it lacks and dropping those gone.
func (ct *corpusTools) withIndex(then func(ix *corpus.Index)) {
	ws := ct.ws
	if ws.proj == nil {
		ws.info(lang.L("Open or create a project first"))
		return
	}
	if ct.proj != ws.proj {
		ct.drop()
	}
	if ws.busy() {
		return
	}
	p := ws.proj
	if b := ct.building; b != nil && b.proj == p {
		// Wait for the background build behind a progress dialog.
		ws.runLong(lang.L("Indexing the corpus"), func(ctx context.Context, progress progressUpdate) error {
			progress(-1, lang.L("Indexing the corpus"))
			select {
			case <-b.done:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, func(err error) {
			if err == nil && ws.proj == p {
				ct.withIndex(then)
			}
		})
		return
	}
	if ct.ix != nil {
		load, err := ct.stale()
		if err != nil {
			ws.showError(err)
			return
		}
		if len(load) <= maxInlineLoads {
			for _, id := range load {
				d, err := p.Document(id)
				if err != nil {
					ws.showError(err)
					return
				}
				ct.ix.Update(d)
				ct.stamps[id] = time.Now()
			}
			then(ct.ix)
			return
		}
		ix := ct.ix
		ws.runLong(lang.L("Updating the corpus index"), func(ctx context.Context, progress progressUpdate) error {
			for i, id := range load {
				if err := ctx.Err(); err != nil {
					return err
				}
				d, err := p.Document(id)
				if err != nil {
					return err
				}
				ix.Update(d)
				progress(float64(i+1)/float64(len(load)), fmt.Sprintf(lang.L("%d of %d documents"), i+1, len(load)))
			}
			return nil
		}, func(err error) {
			if err != nil {
				ct.drop() // partly updated: built again next time
				ws.showError(err)
				return
			}
			if ws.proj == p && ct.ix == ix {
				now := time.Now()
				for _, id := range load {
					ct.stamps[id] = now
				}
				then(ix)
			}
		})
		return
	}
	var ix *corpus.Index
	start := time.Now()
	ws.runLong(lang.L("Indexing the corpus"), func(ctx context.Context, progress progressUpdate) error {
		var err error
		ix, err = corpus.BuildIndex(ctx, p, func(done, total int) {
			progress(float64(done)/float64(max(1, total)), fmt.Sprintf(lang.L("%d of %d documents"), done, total))
		})
		return err
	}, func(err error) {
		if err != nil {
			ws.showError(err)
			return
		}
		if ws.proj != p {
			return
		}
		docs, err := p.Documents()
		if err != nil {
			ws.showError(err)
			return
		}
		ct.proj, ct.ix, ct.stamps = p, ix, make(map[int64]time.Time, len(docs))
		for _, d := range docs {
			ct.stamps[d.ID] = d.Updated
		}
		ws.info(fmt.Sprintf(lang.L("Corpus indexed: %s in %.1f s"), nChars(ix.Chars()), time.Since(start).Seconds()))
		then(ix)
	})
}

// stale lists the project's documents the index lacks or holds an older
// state of, and drops from it those no longer in the project.
func (ct *corpusTools) stale() ([]int64, error) {
	docs, err := ct.proj.Documents()
	if err != nil {
		return nil, err
	}
	var load []int64
	seen := make(map[int64]bool, len(docs))
	for _, d := range docs {
		seen[d.ID] = true
		if at, ok := ct.stamps[d.ID]; !ok || d.Updated.After(at) {
			load = append(load, d.ID)
		}
	}
	for id := range ct.stamps {
		if !seen[id] {
			ct.ix.Remove(id)
			delete(ct.stamps, id)
		}
	}
	return load, nil
}
