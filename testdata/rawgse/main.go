// Command rawgse is the baseline of BenchmarkSegmentCommand: a bare
// program that loads gse's embedded zh_s dictionary as text.NewSegmenter
// does (no log, no HMM model) and calls gse's Segment once on the whole
// file it is given, printing the number of segments. The benchmark builds
// it with go build from the module's gse.
package main

import (
	"fmt"
	"os"

	"github.com/go-ego/gse"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rawgse:", err)
		os.Exit(1)
	}
	var seg gse.Segmenter
	seg.SkipLog = true
	seg.NotLoadHMM = true
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		fmt.Fprintln(os.Stderr, "rawgse:", err)
		os.Exit(1)
	}
	fmt.Println(len(seg.Segment(data)))
}
