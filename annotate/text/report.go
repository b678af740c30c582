package text

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// countOrder is the order WriteText lists the counts in: the order of the
// cleaning steps.
var countOrder = []string{CountPinyin, CountLostPinyin, CountLost, CountGarbled, CountRepaired,
	CountDuplicates, CountBoilerplate, CountWhitespace}

// WriteText writes the report for people: the encoding and script, the
// count of every step, then one line per mark with its clean offsets, its
// text and its raw offsets.
func (r Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "encoding: %s\nscript: %s\n", r.Encoding, orNone(string(r.Script)))
	var counts []string
	for _, k := range countOrder {
		counts = append(counts, fmt.Sprintf("%s %d", k, r.Counts[k]))
	}
	fmt.Fprintf(bw, "counts: %s\n", strings.Join(counts, ", "))
	marks := slices.Clone(r.Marks)
	slices.SortStableFunc(marks, func(a, b Mark) int { return a.Start - b.Start })
	for _, m := range marks {
		kind := string(m.Kind)
		if m.Cause != "" {
			kind += "/" + m.Cause
		}
		fmt.Fprintf(bw, "%-16s %6d-%-6d %q", kind, m.Start, m.End, m.Text)
		switch m.Kind {
		case MarkRepaired:
			fmt.Fprintf(bw, " was %q", m.Original)
		case MarkPinyinHint:
			fmt.Fprintf(bw, " pinyin %q", m.Original)
		}
		fmt.Fprintf(bw, " (raw %d-%d)\n", m.RawStart, m.RawEnd)
	}
	return bw.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
