package text

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestCleanGolden compares the seed article's clean text and text report
// with testdata/*.golden; go test -run CleanGolden -update rewrites them
// after a change that is meant.
func TestCleanGolden(t *testing.T) {
	doc, err := Process(seedArticlePath, readSeed(t), segmenterForTest(t), DefaultCleanOptions())
	if err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	if err := doc.Report.WriteText(&report); err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{
		"jiaozuo-news-2021.clean.golden":  []byte(doc.Text + "\n"),
		"jiaozuo-news-2021.report.golden": report.Bytes(),
	} {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the output (run with -update if the change is meant):\n got %.400q\nwant %.400q", path, got, want)
		}
	}
}
