package app

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/biaozhu/biaozhu/annotate"
)

// bigDocument is a document of about n characters of Chinese words, one
// sentence per 40 characters, every word a token.
func bigDocument(n int) *annotate.Document {
	words := []string{"焦作", "市委", "书记", "今天", "在", "医院", "检查", "疫情", "防控", "工作", "。"}
	pos := []string{"ns", "n", "n", "t", "p", "n", "v", "n", "vn", "vn", "x"}
	var toks []string
	var tags []string
	for chars := 0; chars < n; {
		for i, w := range words {
			toks = append(toks, w)
			tags = append(tags, pos[i])
			chars += len([]rune(w))
		}
	}
	return testDoc("big.txt", toks, tags)
}

// BenchmarkLabelKey measures what a label key costs on a 1 MB document
// (about 330,000 characters): the edit committed to the project file, the
// span list and inspector updated and the document view laid out again,
// then undone (two steps per iteration). It reports ms per key.
func BenchmarkLabelKey(b *testing.B) {
	a := test.NewTempApp(b)
	if err := useLanguage("en"); err != nil {
		b.Fatal(err)
	}
	w := test.NewTempWindow(b, nil)
	ws := newWorkspace(a, w)
	ws.indexAtOpen = false // no background work racing the test's own goroutine
	w.SetContent(ws.root)
	w.Resize(fyne.NewSize(1200, 800))
	p, err := annotate.Create(filepath.Join(b.TempDir(), "big.biaozhu"), nil, annotate.Options{NoBackup: true})
	if err != nil {
		b.Fatal(err)
	}
	d := bigDocument(330_000)
	if err := p.AddDocument(d); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ws.setProject(p)
	open := time.Since(start)
	defer ws.closeProject()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := ws.doc.Tokens[(i*7919)%len(ws.doc.Tokens)]
		ws.view.Select(t.Start, t.End)
		ws.typedRune('1')
		ws.onUndo()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(2*b.N), "ms/key")
	b.ReportMetric(float64(open.Milliseconds()), "ms-open")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap")
	b.Logf("%d characters, %d tokens: open %v, %.1f ms per key (edit, commit, re-layout)", d.Chars(), len(d.Tokens), open.Round(time.Millisecond), float64(b.Elapsed().Milliseconds())/float64(2*b.N))
}
