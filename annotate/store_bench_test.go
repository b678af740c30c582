package annotate

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// editsPerIteration is how many commits each iteration of the commit
// benchmarks times, so that p99 has samples behind it.
const editsPerIteration = 100

// reportLatency reports the median and p99 of samples as the benchmark's
// metrics.
func reportLatency(b *testing.B, samples []time.Duration) {
	slices.Sort(samples)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(samples[len(samples)/2]), "median-ms")
	b.ReportMetric(ms(samples[len(samples)*99/100]), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkCommit times the commit of one edit on a document of 200,000
// tokens, from Apply's call to its return (the edit is then durable:
// synchronous=FULL). Targets: median ≤ 5 ms, p99 ≤ 20 ms.
func BenchmarkCommit(b *testing.B) {
	p, _ := newTestProject(b, Options{NoBackup: true})
	doc := goldDocument(b, 200_000)
	if err := p.AddDocument(doc); err != nil {
		b.Fatal(err)
	}
	b.Logf("document: %d tokens, %d characters", len(doc.Tokens), doc.Chars())
	d, err := p.Document(doc.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("label", func(b *testing.B) {
		var samples []time.Duration
		next := 0
		for b.Loop() {
			for range editsPerIteration {
				t := d.Tokens[next*7%len(d.Tokens)]
				next++
				e := Edit(AddSpan{Span{Layer: "entity", Label: "ORG", Start: t.Start, End: t.End}})
				if s, ok := spanAt(d, t.Start); ok {
					e = RelabelSpan{ID: s.ID, Label: "LOC"}
				}
				start := time.Now()
				if _, err := p.Apply(doc.ID, e); err != nil {
					b.Fatal(err)
				}
				samples = append(samples, time.Since(start))
			}
		}
		reportLatency(b, samples)
	})
	b.Run("split", func(b *testing.B) {
		var samples []time.Duration
		k := 0
		for b.Loop() {
			for range editsPerIteration {
				for utf8.RuneCountInString(d.Tokens[k%len(d.Tokens)].Text) < 2 {
					k++
				}
				t := d.Tokens[k%len(d.Tokens)]
				k += 13
				start := time.Now()
				if _, err := p.Apply(doc.ID, Split{At: t.Start + 1}); err != nil {
					b.Fatal(err)
				}
				samples = append(samples, time.Since(start))
			}
		}
		reportLatency(b, samples)
	})
}

func spanAt(d *Document, start int) (Span, bool) {
	for _, s := range d.Spans {
		if s.Start == start {
			return s, true
		}
	}
	return Span{}, false
}

// BenchmarkOpenList builds a project of 10,000 documents and 10 million
// characters, then opens and lists it in a child process (so that its peak
// RSS is the child's own), first with the backup Open makes and then
// without (unchanged since that backup). Targets: ≤ 1 s, ≤ 150 MB.
func BenchmarkOpenList(b *testing.B) {
	const docs, chars = 10_000, 10_000_000
	path := filepath.Join(b.TempDir(), "big.biaozhu")
	start := time.Now()
	p, err := Create(path, nil, Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	gold := goldDocument(b, 60_000)
	goldRunes := []rune(gold.Text)
	per := chars / docs
	total := 0
	for i := range docs {
		// Each document is per characters of the gold text, from a
		// different place, cut at token boundaries.
		from := (i * 7919) % (len(gold.Tokens) - 2*per)
		base := gold.Tokens[from].Start
		d := &Document{Name: fmt.Sprintf("doc-%05d.txt", i), Status: StatusNew}
		for k := from; k < len(gold.Tokens) && gold.Tokens[k].End-base <= per; k++ {
			t := gold.Tokens[k]
			t.Start -= base
			t.End -= base
			d.Tokens = append(d.Tokens, t)
		}
		end := d.Tokens[len(d.Tokens)-1].End
		d.Text = string(goldRunes[base : base+end])
		d.Raw = d.Text
		d.Sentences = []text.Sentence{{Start: 0, End: end}}
		for k := range d.Tokens {
			d.Tokens[k].Text = d.Slice(d.Tokens[k].Start, d.Tokens[k].End)
		}
		if err := p.AddDocument(d); err != nil {
			b.Fatal(err)
		}
		total += end
	}
	p.Close()
	fi, _ := os.Stat(path)
	b.Logf("built %d documents, %d characters, %.0f MB in %v", docs, total, float64(fi.Size())/1e6, time.Since(start).Round(time.Millisecond))
	for _, mode := range []string{"backup", "unchanged"} {
		b.Run(mode, func(b *testing.B) {
			var last map[string]float64
			for b.Loop() {
				if mode == "backup" {
					os.RemoveAll(backupDir(path))
				}
				last = openListChild(b, path)
			}
			for _, k := range []string{"open_ms", "list_ms", "rss_mb"} {
				b.ReportMetric(last[k], strings.ReplaceAll(k, "_", "-"))
			}
			b.ReportMetric(last["open_ms"]+last["list_ms"], "total-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func openListChild(b *testing.B, path string) map[string]float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenListChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "BIAOZHU_OPEN_LIST="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child: %v\n%s", err, out)
	}
	got := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "RESULT ") {
			continue
		}
		for _, f := range strings.Fields(line)[1:] {
			k, v, _ := strings.Cut(f, "=")
			var x float64
			fmt.Sscan(v, &x)
			got[k] = x
		}
	}
	if got["docs"] != 10_000 {
		b.Fatalf("child listed %v documents:\n%s", got["docs"], out)
	}
	return got
}

// BenchmarkCommitSchemaChange times a schema change that removes one label
// and renames another, used by spans of 100 documents (some 13,000 spans
// changed), as one step, then its undo and its redo, each written in one
// transaction (synchronous=FULL).
func BenchmarkCommitSchemaChange(b *testing.B) {
	p, _ := newTestProject(b, Options{NoBackup: true})
	var docs []*Document
	for range 100 {
		d := htBigDoc(400)
		for k := 0; k < len(d.Tokens); k += 3 {
			d.Spans = append(d.Spans, Span{Layer: "entity", Label: []string{"TIME", "PER", "LOC"}[k%3], Start: d.Tokens[k].Start, End: d.Tokens[k].End})
		}
		docs = append(docs, d)
	}
	if err := p.AddDocuments(docs, nil); err != nil {
		b.Fatal(err)
	}
	orig := p.Schema()
	changed := orig.Clone()
	l, _ := changed.Layer("entity")
	l.Labels = slices.DeleteFunc(l.Labels, func(lb Label) bool { return lb.Name == "TIME" })
	for i := range l.Labels {
		if l.Labels[i].Name == "PER" {
			l.Labels[i].Name = "PERSON"
		}
	}
	var apply, undo, redo []time.Duration
	spans := 0
	for b.Loop() {
		start := time.Now()
		step, err := p.ChangeSchema(changed, []LabelRef{{Layer: "entity", Label: "TIME"}}, map[LabelRef]string{{Layer: "entity", Label: "PER"}: "PERSON"}, 0)
		if err != nil {
			b.Fatal(err)
		}
		apply = append(apply, time.Since(start))
		spans = step.Changes()
		start = time.Now()
		if err := p.UndoCorpus(step); err != nil {
			b.Fatal(err)
		}
		undo = append(undo, time.Since(start))
		start = time.Now()
		if err := p.RedoCorpus(step); err != nil {
			b.Fatal(err)
		}
		redo = append(redo, time.Since(start))
		// Back to the schema as it was, for the next round.
		back, err := p.ChangeSchema(orig, nil, map[LabelRef]string{{Layer: "entity", Label: "PERSON"}: "PER"}, 0)
		if err != nil {
			b.Fatal(err)
		}
		_ = back
		for _, d := range docs {
			if _, err := p.Undo(d.ID); err != nil { // the way back
				b.Fatal(err)
			}
			if _, err := p.Undo(d.ID); err != nil { // the change: TIME back
				b.Fatal(err)
			}
		}
	}
	med := func(s []time.Duration) float64 {
		slices.Sort(s)
		return float64(s[len(s)/2].Microseconds()) / 1000
	}
	b.Logf("%d documents, %d changes per step", len(docs), spans)
	b.ReportMetric(med(apply), "change-ms")
	b.ReportMetric(med(undo), "undo-ms")
	b.ReportMetric(med(redo), "redo-ms")
	b.ReportMetric(0, "ns/op")
}
