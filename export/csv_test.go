package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// tabDoc builds a document from its tokens: each piece is "TEXT/POS" (a
// token) or "TEXT" (text between tokens). sentEnds are the offsets where
// sentences end (none: no sentences).
func tabDoc(name string, pieces []string, sentEnds []int, spans []annotate.Span) *annotate.Document {
	d := &annotate.Document{Name: name, Status: annotate.StatusInProgress, Source: "/corpus/" + name}
	var runes []rune
	for _, p := range pieces {
		tok, pos, isTok := strings.Cut(p, "/")
		if p == "/" {
			tok, isTok = "/", false
		}
		r := []rune(tok)
		if isTok {
			d.Tokens = append(d.Tokens, text.Token{Start: len(runes), End: len(runes) + len(r), Text: tok, POS: pos})
		}
		runes = append(runes, r...)
	}
	d.Text = string(runes)
	start := 0
	for _, e := range sentEnds {
		d.Sentences = append(d.Sentences, text.Sentence{Start: start, End: e})
		start = e
	}
	d.Spans = spans
	return d
}

func tabSchema() *annotate.Schema {
	s := annotate.DefaultSchema()
	s.Layers = append(s.Layers, annotate.Layer{Name: "phrase", Overlap: annotate.OverlapAllowed,
		Labels: []annotate.Label{{Name: "NP", Color: "#000080", Key: "q", Description: "noun phrase"}}})
	return s
}

const tabNote = "a note, with \"quotes\"\nand a second line"

// tabCorpus is the test project: overlapping and nested spans, a note with
// a comma, quotes and a newline, non-BMP characters with spans after them,
// a token =SUM(A1), a document without sentences, a suggested span.
//
//	doc 1 "张𠀀在焦作市😀工作。=SUM(A1) 好。" (21 code points, 2 sentences)
//	doc 2 "😀李四。" (no sentences)
func tabCorpus() *Corpus {
	man := annotate.OriginManual
	d1 := tabDoc("d1.txt", []string{"张𠀀/nr", "在/p", "焦作市/ns", "😀/x", "工作/vn", "。/w", "=SUM(A1)/x", " ", "好/a", "。/w"}, []int{10, 21},
		[]annotate.Span{
			{ID: 1, Layer: "entity", Label: "PER", Start: 0, End: 2, Note: tabNote, Origin: man, Annotator: "ann"},
			{ID: 2, Layer: "entity", Label: "LOC", Start: 3, End: 6, Origin: man},                        // nested in 3
			{ID: 3, Layer: "entity", Label: "ORG", Start: 3, End: 9, Origin: man},                        // 焦作市😀工作
			{ID: 4, Layer: "entity", Label: "MISC", Start: 5, End: 8, Origin: man},                       // overlaps 3, edges inside tokens
			{ID: 5, Layer: "entity", Label: "MISC", Start: 10, End: 18, Origin: annotate.OriginImported}, // =SUM(A1)
			{ID: 6, Layer: "phrase", Label: "NP", Start: 2, End: 6, Origin: man},
			{ID: 7, Layer: "entity", Label: "TIME", Start: 19, End: 20, Origin: annotate.OriginSuggested},
			{ID: 8, Layer: "phrase", Label: "NP", Start: 19, End: 21, Origin: man},
		})
	d2 := tabDoc("二,2", []string{"😀/x", "李四/nr", "。/w"}, nil,
		[]annotate.Span{{ID: 9, Layer: "entity", Label: "PER", Start: 1, End: 3, Origin: man}})
	d2.Status = annotate.StatusDone
	return NewCorpus(tabSchema(), []*annotate.Document{d1, d2})
}

const (
	tabTokensCSV = "doc_id,doc_name,sent_id,token_id,start,end,token,pos,space_after,entity,phrase\n" +
		"1,d1.txt,1,1,0,2,张𠀀,nr,,B-PER,O\n" +
		"1,d1.txt,1,2,2,3,在,p,,O,B-NP\n" +
		"1,d1.txt,1,3,3,6,焦作市,ns,,B-ORG,I-NP\n" +
		"1,d1.txt,1,4,6,7,😀,x,,I-ORG,O\n" +
		"1,d1.txt,1,5,7,9,工作,vn,,I-ORG,O\n" +
		"1,d1.txt,1,6,9,10,。,w,,O,O\n" +
		"1,d1.txt,2,7,10,18,=SUM(A1),x,\" \",B-MISC,O\n" +
		"1,d1.txt,2,8,19,20,好,a,,O,B-NP\n" +
		"1,d1.txt,2,9,20,21,。,w,,O,I-NP\n" +
		"2,\"二,2\",0,1,0,1,😀,x,,O,O\n" +
		"2,\"二,2\",0,2,1,3,李四,nr,,B-PER,O\n" +
		"2,\"二,2\",0,3,3,4,。,w,,O,O\n"
	tabSpansCSV = "doc_id,doc_name,span_id,layer,label,start,end,text,note,annotator,origin\n" +
		"1,d1.txt,1,entity,PER,0,2,张𠀀,\"a note, with \"\"quotes\"\"\nand a second line\",ann,manual\n" +
		"1,d1.txt,6,phrase,NP,2,6,在焦作市,,,manual\n" +
		"1,d1.txt,3,entity,ORG,3,9,焦作市😀工作,,,manual\n" +
		"1,d1.txt,2,entity,LOC,3,6,焦作市,,,manual\n" +
		"1,d1.txt,4,entity,MISC,5,8,市😀工,,,manual\n" +
		"1,d1.txt,5,entity,MISC,10,18,=SUM(A1),,,imported\n" +
		"1,d1.txt,8,phrase,NP,19,21,好。,,,manual\n" +
		"2,\"二,2\",9,entity,PER,1,3,李四,,,manual\n"
)

// tabExport exports src in format to a new directory and returns the
// file's contents and the result.
func tabExport(t *testing.T, src Source, format string, opts Options) (string, Result) {
	t.Helper()
	f, _ := Lookup(format)
	out := filepath.Join(t.TempDir(), "out"+f.Ext)
	res, err := Export(context.Background(), src, format, out, opts)
	if err != nil {
		t.Fatalf("Export(%s) error = %v", format, err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(data), res
}

func TestCSVExport(t *testing.T) {
	tests := []struct {
		name, format string
		opts         Options
		want         string
		warnings     []string // substrings, one per warning, in order
	}{
		{name: "tokens", format: "csv-tokens", want: tabTokensCSV, warnings: []string{
			"d1.txt: span 2: LOC [3,6) overlaps span 3 in layer entity",
			"d1.txt: span 4: MISC [5,8) \"市😀工\" starts or ends inside a token",
		}},
		{name: "tokens, sentence records give the same rows", format: "csv-tokens", opts: Options{Records: RecordSentence}, want: tabTokensCSV, warnings: []string{
			"span 2: LOC", "span 4: MISC",
		}},
		{name: "tokens with BOM", format: "csv-tokens", opts: Options{BOM: true}, want: "\uFEFF" + tabTokensCSV, warnings: []string{"span 2", "span 4"}},
		{name: "tokens BIOES, one layer, one document", format: "csv-tokens",
			opts: Options{Scheme: SchemeBIOES, Layers: []string{"entity"}, Docs: Selection{IDs: []int64{1}}},
			want: "doc_id,doc_name,sent_id,token_id,start,end,token,pos,space_after,entity\n" +
				"1,d1.txt,1,1,0,2,张𠀀,nr,,S-PER\n" +
				"1,d1.txt,1,2,2,3,在,p,,O\n" +
				"1,d1.txt,1,3,3,6,焦作市,ns,,B-ORG\n" +
				"1,d1.txt,1,4,6,7,😀,x,,I-ORG\n" +
				"1,d1.txt,1,5,7,9,工作,vn,,E-ORG\n" +
				"1,d1.txt,1,6,9,10,。,w,,O\n" +
				"1,d1.txt,2,7,10,18,=SUM(A1),x,\" \",S-MISC\n" +
				"1,d1.txt,2,8,19,20,好,a,,O\n" +
				"1,d1.txt,2,9,20,21,。,w,,O\n",
			warnings: []string{"span 2", "span 4"}},
		{name: "tokens at character level", format: "csv-tokens", opts: Options{Level: LevelChar, Docs: Selection{IDs: []int64{2}}},
			want: "doc_id,doc_name,sent_id,token_id,start,end,token,pos,space_after,entity,phrase\n" +
				"2,\"二,2\",0,1,0,1,😀,,,O,O\n" +
				"2,\"二,2\",0,2,1,2,李,,,B-PER,O\n" +
				"2,\"二,2\",0,3,2,3,四,,,I-PER,O\n" +
				"2,\"二,2\",0,4,3,4,。,,,O,O\n"},
		{name: "spans", format: "csv-spans", want: tabSpansCSV},
		{name: "spans with suggestions", format: "csv-spans", opts: Options{Suggestions: true, Layers: []string{"entity"}, Docs: Selection{IDs: []int64{1}}},
			want: "doc_id,doc_name,span_id,layer,label,start,end,text,note,annotator,origin\n" +
				"1,d1.txt,1,entity,PER,0,2,张𠀀,\"a note, with \"\"quotes\"\"\nand a second line\",ann,manual\n" +
				"1,d1.txt,3,entity,ORG,3,9,焦作市😀工作,,,manual\n" +
				"1,d1.txt,2,entity,LOC,3,6,焦作市,,,manual\n" +
				"1,d1.txt,4,entity,MISC,5,8,市😀工,,,manual\n" +
				"1,d1.txt,5,entity,MISC,10,18,=SUM(A1),,,imported\n" +
				"1,d1.txt,7,entity,TIME,19,20,好,,,suggested\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, res := tabExport(t, tabCorpus(), tt.format, tt.opts)
			if got != tt.want {
				t.Errorf("Export(%s) =\n%s\nwant\n%s", tt.format, got, tt.want)
			}
			if len(res.Warnings) != len(tt.warnings) {
				t.Fatalf("warnings = %q, want %d matching %q", res.Warnings, len(tt.warnings), tt.warnings)
			}
			for i, w := range res.Warnings {
				if !strings.Contains(w.String(), tt.warnings[i]) {
					t.Errorf("warning %d = %q, want it to contain %q", i, w, tt.warnings[i])
				}
			}
		})
	}
}

// TestCSVSentenceBoundary: a span across sentences is tagged with
// document records and left out, with a warning, with sentence records.
func TestCSVSentenceBoundary(t *testing.T) {
	doc := func() *Corpus {
		return NewCorpus(tabSchema(), []*annotate.Document{tabDoc("d", []string{"甲/n", "。/w", "乙/n"}, []int{2, 3},
			[]annotate.Span{{ID: 1, Layer: "entity", Label: "ORG", Start: 0, End: 3, Origin: annotate.OriginManual}})})
	}
	head := "doc_id,doc_name,sent_id,token_id,start,end,token,pos,space_after,entity,phrase\n"
	got, res := tabExport(t, doc(), "csv-tokens", Options{})
	if want := head + "1,d,1,1,0,1,甲,n,,B-ORG,O\n1,d,1,2,1,2,。,w,,I-ORG,O\n1,d,2,3,2,3,乙,n,,I-ORG,O\n"; got != want || len(res.Warnings) != 0 {
		t.Errorf("document records: got\n%s%q\nwant\n%s(no warnings)", got, res.Warnings, want)
	}
	got, res = tabExport(t, doc(), "csv-tokens", Options{Records: RecordSentence})
	if want := head + "1,d,1,1,0,1,甲,n,,O,O\n1,d,1,2,1,2,。,w,,O,O\n1,d,2,3,2,3,乙,n,,O,O\n"; got != want ||
		len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Msg, "crosses a sentence boundary") {
		t.Errorf("sentence records: got\n%s%q\nwant\n%s(one warning: crosses a sentence boundary)", got, res.Warnings, want)
	}
}

// tabPython is python3 or skips the test.
func tabPython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: skipping the check with Python's csv module")
	}
	return py
}

// TestCSVPython reads both exports with Python's csv module and checks
// text[start:end] (Python code points) for every row.
func TestCSVPython(t *testing.T) {
	py := tabPython(t)
	dir := t.TempDir()
	c := tabCorpus()
	texts := map[string]string{}
	for _, d := range c.docs {
		texts[strconv.FormatInt(d.ID, 10)] = d.Text
	}
	tj, _ := json.Marshal(texts)
	textsPath := filepath.Join(dir, "texts.json")
	if err := os.WriteFile(textsPath, tj, 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import csv, json, sys
texts = json.load(open(sys.argv[1], encoding="utf-8"))
for path, col in zip(sys.argv[2::2], sys.argv[3::2]):
    n = 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            got = texts[row["doc_id"]][int(row["start"]):int(row["end"])]
            if got != row[col]:
                print("MISMATCH", path, row, repr(got)); sys.exit(1)
            n += 1
    print(n)
`
	args := []string{"-c", script, textsPath}
	for _, format := range []string{"csv-spans", "csv-tokens"} {
		out := filepath.Join(dir, format+".csv")
		if _, err := Export(context.Background(), c, format, out, Options{BOM: true}); err != nil {
			t.Fatal(err)
		}
		col := "text"
		if format == "csv-tokens" {
			col = "token"
		}
		args = append(args, out, col)
	}
	got, err := exec.Command(py, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, got)
	}
	if counts := strings.Fields(string(got)); !slices.Equal(counts, []string{"8", "12"}) {
		t.Errorf("python checked %q rows of csv-spans and csv-tokens, want 8 and 12", counts)
	}
}

// TestCSVExportFailure: a span whose offsets are not its text, or lie
// outside the text, aborts the export and leaves no file at all.
func TestCSVExportFailure(t *testing.T) {
	Register(&Format{Name: "csv-test-offby1", Ext: ".csv", Write: func(j *Job, w io.Writer) error {
		if _, err := io.WriteString(w, "partial\n"); err != nil {
			return err
		}
		return j.Each(func(d *Doc) error {
			for _, sp := range d.Spans {
				if err := j.Check(d, sp, 0, sp.Start+1, sp.End+1, UnitCodePoint, false, d.Text(sp.Start, sp.End)); err != nil {
					return err
				}
			}
			return nil
		})
	}})
	defer delete(formats, "csv-test-offby1")
	outside := func() *Corpus {
		c := tabCorpus()
		c.docs[1].Spans = append(c.docs[1].Spans, annotate.Span{ID: 10, Layer: "entity", Label: "PER", Start: 2, End: 40, Origin: annotate.OriginManual})
		return c
	}
	badToken := func() *Corpus {
		c := tabCorpus()
		c.docs[1].Tokens = append(c.docs[1].Tokens, text.Token{Start: 4, End: 9, Text: "x"})
		return c
	}
	for _, tt := range []struct {
		name, format string
		src          *Corpus
		want         string
	}{
		{"offsets off by one", "csv-test-offby1", tabCorpus(), `document "d1.txt": span 1:`},
		{"span outside the text", "csv-spans", outside(), `document "二,2": span 10:`},
		{"span outside the text, xlsx", "xlsx", outside(), `document "二,2": span 10:`},
		{"token outside the text", "csv-tokens", badToken(), `token 4 [4,9) lies outside`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Export(context.Background(), tt.src, tt.format, filepath.Join(dir, "out.csv"), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Export() error = %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(tt.want, "span") {
				var se *SpanError
				if !errors.As(err, &se) {
					t.Errorf("error %T is not a *SpanError", err)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("directory holds %v after a failed export, want nothing", entries)
			}
		})
	}
}

func tabWrite(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type tabDocWant struct{ name, text string }

func tabDocs(im *Imported) []tabDocWant {
	var out []tabDocWant
	for _, d := range im.Docs {
		out = append(out, tabDocWant{d.Name, d.Text})
	}
	return out
}

func TestCSVImport(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("编号,text\n甲,焦作市政府今天召开新闻发布会，介绍全市经济发展情况。\n乙,\"他说：“我们要继续努力，把工作做得更好。”\"\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		file    string
		data    string
		opts    ReadOptions
		want    []tabDocWant
		skipped []string
		wantErr string
	}{
		{name: "text and id columns", file: "a.csv", opts: ReadOptions{IDCol: "id"},
			data: "id,text,other\nA,第一篇。,x\nB,\"多行\n文本, 有逗号 \"\"引号\"\"\",y\n",
			want: []tabDocWant{{"A", "第一篇。"}, {"B", "多行\n文本, 有逗号 \"引号\""}}},
		{name: "no id column: NAME-rowN", file: "news.csv", data: "\uFEFFtitle,Text\r\nt,甲。\r\nu,乙。\r\n",
			want: []tabDocWant{{"news-row2", "甲。"}, {"news-row3", "乙。"}}},
		{name: "named text column", file: "a.csv", opts: ReadOptions{Column: "正文", IDCol: "编号"}, data: "编号,正文\n1,甲。\n,乙。\n",
			want: []tabDocWant{{"1", "甲。"}, {"a-row3", "乙。"}}},
		{name: "GBK", file: "gbk.csv", data: gbk, opts: ReadOptions{IDCol: "编号"},
			want: []tabDocWant{{"甲", "焦作市政府今天召开新闻发布会，介绍全市经济发展情况。"}, {"乙", "他说：“我们要继续努力，把工作做得更好。”"}}},
		{name: "missing text column", file: "a.csv", data: "id,body\n1,甲\n",
			wantErr: `a.csv: no column "text" for the text (columns: "id", "body")`},
		{name: "missing id column", file: "a.csv", data: "id,text\n1,甲\n", opts: ReadOptions{IDCol: "name"},
			wantErr: `a.csv: no id column "name"`},
		{name: "empty text fails naming the line", file: "a.csv", data: "id,text\n1,\"甲\n乙\"\n2,  \n3,丙\n",
			wantErr: `a.csv:4: empty text in column "text"`},
		{name: "short row fails naming the line", file: "a.csv", data: "id,text\n1\n", wantErr: `a.csv:2: empty text`},
		{name: "empty text skipped", file: "a.csv", data: "id,text\n1,\"甲\n乙\"\n2,\n3,丙\n", opts: ReadOptions{SkipBad: true, IDCol: "id"},
			want: []tabDocWant{{"1", "甲\n乙"}, {"3", "丙"}}, skipped: []string{`a.csv:4: empty text in column "text"`}},
		{name: "broken quotes name the line", file: "a.csv", data: "id,text\n1,甲\n2,\"乙\"x\n", wantErr: `a.csv:3: character 5: extraneous or missing " in quoted-field`},
		{name: "empty file", file: "a.csv", data: "", wantErr: "a.csv: empty file"},
		{name: "csv-spans export refused", file: "s.csv", data: tabSpansCSV, wantErr: "s.csv: this is a csv-spans export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tabWrite(t, tt.file, []byte(tt.data))
			im, err := readCSV(p, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("readCSV() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("readCSV() error = %v", err)
			}
			if got := tabDocs(im); !slices.Equal(got, tt.want) {
				t.Errorf("readCSV() docs = %q, want %q", got, tt.want)
			}
			if len(im.Skipped) != len(tt.skipped) {
				t.Fatalf("skipped = %v, want %q", im.Skipped, tt.skipped)
			}
			for i, e := range im.Skipped {
				if !strings.Contains(e.Error(), tt.skipped[i]) {
					t.Errorf("skipped[%d] = %v, want %q", i, e, tt.skipped[i])
				}
			}
		})
	}
}

// TestCSVTokensRoundTrip reads a csv-tokens export back: the text
// (exactly, from the tokens and their space_after), tokens, sentences and
// the spans the tags could carry.
func TestCSVTokensRoundTrip(t *testing.T) {
	got, _ := tabExport(t, tabCorpus(), "csv-tokens", Options{})
	im, err := readCSV(tabWrite(t, "tokens.csv", []byte(got)), ReadOptions{})
	if err != nil {
		t.Fatalf("readCSV() error = %v", err)
	}
	tabCheckRoundTrip(t, im)
}

func tabCheckRoundTrip(t *testing.T, im *Imported) {
	t.Helper()
	want := tabCorpus()
	if len(im.Docs) != 2 {
		t.Fatalf("read %d documents, want 2", len(im.Docs))
	}
	tagged := map[int64][]int64{1: {1, 3, 5, 6, 8}, 2: {9}} // the spans the tags carry
	for i, d := range im.Docs {
		w := want.docs[i]
		if d.Name != w.Name || d.Text != w.Text {
			t.Errorf("doc %d = %q %q, want %q %q", i, d.Name, d.Text, w.Name, w.Text)
		}
		var wt []text.Token
		for _, k := range w.Tokens {
			wt = append(wt, text.Token{Start: k.Start, End: k.End, Text: k.Text, POS: k.POS})
		}
		if !slices.Equal(d.Tokens, wt) {
			t.Errorf("doc %d tokens = %v, want %v", i, d.Tokens, wt)
		}
		if !slices.Equal(d.Sentences, w.Sentences) {
			t.Errorf("doc %d sentences = %v, want %v", i, d.Sentences, w.Sentences)
		}
		var ws []string
		for _, sp := range w.Spans {
			if slices.Contains(tagged[w.ID], sp.ID) {
				ws = append(ws, sp.Layer+" "+sp.Label+" "+strconv.Itoa(sp.Start)+" "+strconv.Itoa(sp.End))
			}
		}
		var gs []string
		for _, sp := range d.Spans {
			gs = append(gs, sp.Layer+" "+sp.Label+" "+strconv.Itoa(sp.Start)+" "+strconv.Itoa(sp.End))
		}
		slices.Sort(ws)
		slices.Sort(gs)
		if !slices.Equal(gs, ws) {
			t.Errorf("doc %d spans = %q, want %q", i, gs, ws)
		}
	}
	if len(im.Warnings) != 0 {
		t.Errorf("warnings = %q, want none: space_after holds the text between tokens", im.Warnings)
	}
}

// TestCSVTokensWithoutSpaceAfter reads a csv-tokens export written before
// the space_after column: the text between tokens is not in it and comes
// back as spaces, with a warning.
func TestCSVTokensWithoutSpaceAfter(t *testing.T) {
	got, _ := tabExport(t, tabCorpus(), "csv-tokens", Options{})
	rows := tabReadCSV(t, got)
	var b strings.Builder
	w := csv.NewWriter(&b)
	for _, r := range rows {
		w.Write(slices.Delete(r, 8, 9))
	}
	w.Flush()
	im, err := readCSV(tabWrite(t, "old.csv", []byte(b.String())), ReadOptions{})
	if err != nil {
		t.Fatalf("readCSV() error = %v", err)
	}
	if len(im.Docs) != 2 || im.Docs[0].Text != "张𠀀在焦作市😀工作。=SUM(A1) 好。" || len(im.Docs[0].Spans) != 5 {
		t.Errorf("read %d documents, the first %q with %d spans", len(im.Docs), im.Docs[0].Text, len(im.Docs[0].Spans))
	}
	if len(im.Warnings) != 1 || !strings.Contains(im.Warnings[0], `"d1.txt": 1 characters between tokens`) {
		t.Errorf("warnings = %q, want one about the character between tokens of d1.txt", im.Warnings)
	}
}

// tabReadCSV parses a CSV export (after its BOM, if any).
func tabReadCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// BenchmarkCSVTokens1M writes 1,000,000 tokens (100 documents of 10,000)
// to csv-tokens; MB/s is of the file written. Run:
// go test ./export/ -run '^$' -bench CSV -benchtime 1x
func BenchmarkCSVTokens1M(b *testing.B) { benchCSV(b, "csv-tokens") }

// BenchmarkCSVSpans100k writes the 100,000 spans of the same documents to
// csv-spans.
func BenchmarkCSVSpans100k(b *testing.B) { benchCSV(b, "csv-spans") }

func benchCSV(b *testing.B, format string) {
	src := &benchSource{schema: tabSchema(), n: 100, per: 10000}
	out := filepath.Join(b.TempDir(), "bench.csv")
	for i := 0; i < b.N; i++ {
		if _, err := Export(context.Background(), src, format, out, Options{}); err != nil {
			b.Fatal(err)
		}
		if fi, err := os.Stat(out); err == nil {
			b.SetBytes(fi.Size())
		}
	}
}

// TestExcelCell: -excel puts a ' before each cell a spreadsheet would
// take for a formula or a number with a sign (OWASP's list: = + - @, tab,
// CR), and before a cell that already starts so with a ', so that the
// csv reader's excelUncell gives every cell back.
func TestExcelCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=SUM(1,2)", "'=SUM(1,2)"}, {"+86", "'+86"}, {"-1", "'-1"}, {"@某人", "'@某人"},
		{"\t好", "'\t好"}, {"\r\n", "'\r\n"}, {"'=x", "''=x"}, {"''", "'''"}, {"'", "'"}, {"'a", "'a"},
		{"", ""}, {"中文", "中文"}, {"1-2", "1-2"}, {" =x", " =x"}, {"=HYPERLINK(1).txt", "'=HYPERLINK(1).txt"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := excelCell(tt.in)
			if got != tt.want {
				t.Errorf("excelCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if back := excelUncell(got); back != tt.in {
				t.Errorf("excelUncell(%q) = %q, want %q", got, back, tt.in)
			}
		})
	}
}
