package corpus_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/annotate/text"
	"github.com/biaozhu/biaozhu/export"
)

// benchChars is the size of the benchmark corpus: the target is a
// query over a 10-million-character project in 200 ms or less.
const benchChars = 10_000_000

// benchCorpus builds a corpus of about chars characters in documents of
// about 10,000: the sentences of the UD Chinese GSD test and dev sets
// (traditional) and the simplified test set, over and over, one sentence
// per line, with their gold tokens and UPOS tags. So that the vocabulary
// has a long tail as a real corpus does (about 200,000 types in 10 M
// characters), one word in 25 is replaced by a random two-character word
// from the corpus's characters. Proper nouns get an entity span: ORG, with the next
// word, when it is 大學, 公司, 學院, 協會, 政府 or 銀行 (or their
// simplified forms); LOC with the next word 市, 省 or 縣; else PER.
func benchCorpus(tb testing.TB, chars int) []*annotate.Document {
	tb.Helper()
	var sents []export.CoNLLUSentence
	for _, name := range []string{"zh_gsd-ud-test.conllu", "zh_gsd-ud-dev.conllu", "zh_gsdsimp-ud-test.conllu"} {
		path := filepath.Join("..", "..", "..", "shared", "gold", "ud-gsd", name)
		f, err := os.Open(path)
		if err != nil {
			tb.Skipf("%s is not here (%v): ../shared is needed for this benchmark", path, err)
		}
		s, err := export.ReadCoNLLU(path, f)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		sents = append(sents, s...)
	}
	var han []rune
	seen := map[rune]bool{}
	for _, s := range sents {
		for _, w := range s.Words {
			for _, r := range w.Form {
				if r >= 0x4E00 && r <= 0x9FFF && !seen[r] {
					seen[r] = true
					han = append(han, r)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var docs []*annotate.Document
	var sb strings.Builder
	var doc *annotate.Document
	n, total := 0, 0
	for k := 0; total < chars; k++ {
		if doc == nil {
			doc = &annotate.Document{Name: fmt.Sprintf("doc%04d.txt", len(docs)+1), Status: annotate.StatusNew}
			sb.Reset()
			n = 0
		}
		s := sents[k%len(sents)]
		start := n
		for i, w := range s.Words {
			form, pos := w.Form, w.UPOS
			if rng.IntN(25) == 0 {
				form, pos = string([]rune{han[rng.IntN(len(han))], han[rng.IntN(len(han))]}), "NOUN"
			}
			l := utf8.RuneCountInString(form)
			doc.Tokens = append(doc.Tokens, text.Token{Start: n, End: n + l, Text: form, POS: pos})
			if pos == "PROPN" {
				label, end := "PER", n+l
				if i+1 < len(s.Words) {
					next := s.Words[i+1].Form
					switch next {
					case "大學", "公司", "學院", "協會", "政府", "銀行", "大学", "学院", "协会", "银行":
						label, end = "ORG", end+utf8.RuneCountInString(next)
					case "市", "省", "縣", "县":
						label, end = "LOC", end+utf8.RuneCountInString(next)
					}
				}
				doc.Spans = append(doc.Spans, annotate.Span{Layer: "entity", Label: label, Start: n, End: end, Origin: annotate.OriginManual})
			}
			sb.WriteString(form)
			n += l
		}
		doc.Sentences = append(doc.Sentences, text.Sentence{Start: start, End: n})
		sb.WriteByte('\n')
		n++
		total += n - start
		if n >= 10_000 {
			doc.Text = sb.String()
			doc.Raw = doc.Text
			docs = append(docs, doc)
			doc = nil
		}
	}
	if doc != nil {
		doc.Text = sb.String()
		doc.Raw = doc.Text
		docs = append(docs, doc)
	}
	for i, d := range docs {
		d.ID = int64(i + 1)
	}
	return docs
}

// benchQueries are the query kinds timed on the benchmark corpus.
var benchQueries = []struct {
	name string
	q    corpus.Query
}{
	{"text", corpus.Query{Text: "中國"}},
	{"text-common", corpus.Query{Text: "的"}},
	{"text-rare", corpus.Query{Text: "人文大樓"}},
	{"regex", corpus.Query{Regex: `[0-9]+年`}},
	{"regex-line", corpus.Query{Regex: `[^，。]*大學`}},
	{"regex-noliteral", corpus.Query{Regex: `[0-9]{4}`}},
	{"regex-multiline", corpus.Query{Regex: `(?s)。.在`}},
	{"word", corpus.Query{Word: "的"}},
	{"word-regex", corpus.Query{WordRegex: "第.+"}},
	{"word-regex+pos", corpus.Query{WordRegex: ".*國", POS: "PROPN"}},
	{"pos", corpus.Query{POS: "NOUN"}},
	{"text+pos", corpus.Query{Text: "國", POS: "PROPN"}},
	{"label", corpus.Query{Label: "ORG"}},
	{"label+label-text", corpus.Query{Label: "ORG", LabelText: "大學"}},
	{"fold-text", corpus.Query{Text: "国", Fold: true}},
	{"fold-word", corpus.Query{Word: "中国", Fold: true}},
	{"fold-regex", corpus.Query{Regex: "[国学]", Fold: true}},
	{"fold-word-regex", corpus.Query{WordRegex: ".*国", Fold: true}},
}

// BenchmarkKWIC prints, on a 10-million-character corpus (benchCorpus),
// the index build time and size and the time of each query kind
// (ms/query, with its number of hits), then the sort of the largest result
// and a page of it, and the frequency lists.
func BenchmarkKWIC(b *testing.B) {
	docs := benchCorpus(b, benchChars)
	var ix *corpus.Index
	b.Run("build", func(b *testing.B) {
		var before, after runtime.MemStats
		for b.Loop() {
			b.StopTimer()
			ix = nil
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.StartTimer()
			ix = corpus.NewIndex(docs)
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
		b.ReportMetric(float64(ix.Bytes())/1e6, "index-MB")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "heap-MB") // texts are the documents', not counted here
		b.ReportMetric(float64(ix.Chars())/1e6, "Mchars")
		b.ReportMetric(float64(ix.Docs()), "docs")
		b.ReportMetric(0, "ns/op")
	})
	if ix == nil {
		ix = corpus.NewIndex(docs)
	}
	st := ix.Stats()
	b.Logf("corpus: %d documents, %d characters, %d tokens, %d word types, %d spans", st.Docs, st.Chars, st.Tokens,
		len(ix.Freq(corpus.FreqWord, 0, false)), st.Spans["entity/PER"]+st.Spans["entity/LOC"]+st.Spans["entity/ORG"])
	ctx := context.Background()
	var biggest *corpus.Result
	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			var res *corpus.Result
			for b.Loop() {
				var err error
				if res, err = ix.Search(ctx, bq.q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
			b.ReportMetric(float64(res.Len()), "hits")
			b.ReportMetric(0, "ns/op")
			if biggest == nil || res.Len() > biggest.Len() {
				biggest = res
			}
		})
	}
	if biggest == nil {
		return
	}
	for _, by := range []corpus.SortKey{corpus.SortLeft1, corpus.SortRight2, corpus.SortMatch} {
		b.Run("sort-"+string(by), func(b *testing.B) {
			for b.Loop() {
				biggest.Sort(by)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/sort")
			b.ReportMetric(float64(biggest.Len()), "hits")
			b.ReportMetric(0, "ns/op")
		})
	}
	b.Run("page", func(b *testing.B) {
		for b.Loop() {
			biggest.Hits(biggest.Len()/2, biggest.Len()/2+100, 20)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
		b.ReportMetric(0, "ns/op")
	})
	for _, by := range corpus.FreqBys {
		b.Run("freq-"+string(by), func(b *testing.B) {
			var rows []corpus.FreqRow
			for b.Loop() {
				rows = ix.Freq(by, 0, false)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/list")
			b.ReportMetric(float64(len(rows)), "rows")
			b.ReportMetric(0, "ns/op")
		})
	}
	b.Run("stats", func(b *testing.B) {
		for b.Loop() {
			ix.Stats()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/stats")
		b.ReportMetric(0, "ns/op")
	})
}

// BenchmarkBuildIndex times the open cost of the concordance: opening a
// project file of 10 million characters (benchCorpus) and BuildIndex
// over it, which loads every document.
func BenchmarkBuildIndex(b *testing.B) {
	docs := benchCorpus(b, benchChars)
	path := filepath.Join(b.TempDir(), "bench.biaozhu")
	p, err := annotate.Create(path, nil, annotate.Options{NoBackup: true, Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := p.AddDocuments(docs, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("project written in %v", time.Since(start))
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(path); err == nil {
		b.Logf("project file: %.1f MB", float64(fi.Size())/1e6)
	}
	var open, build time.Duration
	var ix *corpus.Index
	for b.Loop() {
		t0 := time.Now()
		p, err := annotate.Open(path, annotate.Options{NoBackup: true, ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		ix, err = corpus.BuildIndex(context.Background(), p, nil)
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		p.Close()
		open += t1.Sub(t0)
		build += t2.Sub(t1)
	}
	b.ReportMetric(float64(open.Milliseconds())/float64(b.N), "open-ms")
	b.ReportMetric(float64(build.Milliseconds())/float64(b.N), "buildindex-ms")
	b.ReportMetric(float64(ix.Bytes())/1e6, "index-MB")
	b.ReportMetric(float64(ix.Chars())/1e6, "Mchars")
	b.ReportMetric(0, "ns/op")
}
