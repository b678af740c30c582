// Command gencharfreq writes assets/charfreq.tsv: for every character in
// gse's embedded zh dictionaries, the sum of the frequencies of the
// dictionary words it occurs in, in all (a Han character at least as much as
// its OpenCC simplified or traditional form), in the simplified (zh_s) and in the
// traditional (zh_t) dictionary, and the character's script by OpenCC's
// character tables (s: a simplified form that no traditional standard keeps,
// t: a traditional form whose simplified form differs, -: neither): "char<TAB>all<TAB>zh_s<TAB>zh_t<TAB>script". Decode and Clean use it
// as evidence of how plausible a character is in Chinese text without
// loading the whole dictionary.
//
//	go run ./annotate/internal/gencharfreq > assets/charfreq.tsv
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"

	"github.com/go-ego/gse"
	"github.com/longbridgeapp/opencc"
)

func main() {
	freq := map[rune]float64{}
	var script [2]map[rune]float64
	for i, dict := range []string{"zh_s", "zh_t"} {
		var seg gse.Segmenter
		if err := seg.LoadDictEmbed(dict); err != nil {
			fmt.Fprintln(os.Stderr, "gencharfreq:", err)
			os.Exit(1)
		}
		script[i] = map[rune]float64{}
		for _, tok := range seg.Dict.Tokens {
			for _, r := range tok.Text() {
				freq[r] += tok.Freq()
				script[i][r] += tok.Freq()
			}
		}
	}
	conv := map[string]*opencc.OpenCC{}
	for _, name := range []string{"s2t", "s2tw", "s2hk", "t2s"} {
		cc, err := opencc.New(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gencharfreq:", err)
			os.Exit(1)
		}
		conv[name] = cc
	}
	changes := func(name string, r rune) bool {
		out, err := conv[name].Convert(string(r))
		return err == nil && out != string(r)
	}
	// A simplified form no traditional standard (OpenCC, Taiwan, Hong
	// Kong) keeps; a traditional form whose simplified one differs.
	scriptOf := func(r rune) string {
		switch {
		case changes("s2t", r) && changes("s2tw", r) && changes("s2hk", r) && !changes("t2s", r):
			return "s"
		case changes("t2s", r) && !changes("s2t", r):
			return "t"
		}
		return "-"
	}
	// A character the dictionaries spell differently (為, spelt 爲 in
	// zh_t) is as common as its other form: take the larger count of the
	// character and its simplified and traditional forms, over every
	// character in the CJK Unified Ideographs block.
	counterpart := func(name string, r rune) rune {
		out, err := conv[name].Convert(string(r))
		if rs := []rune(out); err == nil && len(rs) == 1 {
			return rs[0]
		}
		return r
	}
	merged := map[rune]float64{}
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		f := max(freq[r], freq[counterpart("t2s", r)], freq[counterpart("s2t", r)], freq[counterpart("s2tw", r)])
		if f > 0 {
			merged[r] = f
		}
	}
	for r, f := range merged {
		freq[r] = f
	}
	chars := make([]rune, 0, len(freq))
	for r := range freq {
		chars = append(chars, r)
	}
	sort.Slice(chars, func(i, j int) bool {
		if freq[chars[i]] != freq[chars[j]] {
			return freq[chars[i]] > freq[chars[j]]
		}
		return chars[i] < chars[j]
	})
	w := bufio.NewWriter(os.Stdout)
	for _, r := range chars {
		if r < 0x80 || freq[r] < 1 {
			continue
		}
		fmt.Fprintf(w, "%c\t%d\t%d\t%d\t%s\n", r, int64(freq[r]+0.5), int64(script[0][r]+0.5), int64(script[1][r]+0.5), scriptOf(r))
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gencharfreq:", err)
		os.Exit(1)
	}
}
