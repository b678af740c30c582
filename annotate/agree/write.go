package agree

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
)

// CSVHeader is the header of WriteCSV's table.
var CSVHeader = []string{"layer", "unit", "label", "a", "b", "documents", "units", "cohen_kappa", "fleiss_kappa",
	"alpha", "alpha_u", "f1_exact", "f1_overlap", "precision_exact", "recall_exact", "precision_overlap", "recall_overlap",
	"f1_unlabelled", "precision_unlabelled", "recall_unlabelled", "notes"}

// WriteCSV writes the report as one table: per layer a row for the layer
// (label and pair empty), one per label (a relation layer's: type), one
// per pair of annotators (a, b); a relation layer's unit is "relation",
// its f1_exact on from, to and type, f1_unlabelled on from and to (empty
// for span layers); a measure that cannot be computed is an empty cell,
// its reason in notes.
func WriteCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 4, 64)
	}
	for _, name := range rep.LayerOrder {
		l := rep.Layers[name]
		row := func(label, a, b string, docs int, m *Measures, pair *Pair) []string {
			out := []string{name, l.Unit, label, a, b, strconv.Itoa(docs), strconv.Itoa(m.Units), num(m.CohenKappa), num(m.FleissKappa),
				num(m.Alpha), num(m.AlphaU), num(m.F1Exact), num(m.F1Overlap), "", "", "", "", num(m.F1Unlabelled), "", "", strings.Join(m.Notes, "; ")}
			if pair != nil {
				out[13], out[14], out[15], out[16] = num(pair.PrecisionExact), num(pair.RecallExact), num(pair.PrecisionOverlap), num(pair.RecallOverlap)
				out[18], out[19] = num(pair.PrecisionUnlabelled), num(pair.RecallUnlabelled)
				out[20] = strings.Join(pair.Notes, "; ")
			}
			return out
		}
		rows := [][]string{row("", "", "", l.Documents, &l.Measures, nil)}
		for _, label := range l.LabelOrder {
			rows = append(rows, row(label, "", "", l.Documents, l.Labels[label], nil))
		}
		for i := range l.Pairs {
			p := &l.Pairs[i]
			m := Measures{Units: p.Units, CohenKappa: p.CohenKappa, F1Exact: p.F1Exact, F1Overlap: p.F1Overlap, F1Unlabelled: p.F1Unlabelled}
			rows = append(rows, row("", p.A, p.B, p.Documents, &m, p))
		}
		for _, r := range rows {
			if err := cw.Write(r); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// ConfusionLabels lists the labels of a pair's confusion table, rows and
// columns both, in the layer's label order, "" (no match) last.
func (l *LayerReport) ConfusionLabels(p *Pair) []string {
	seen := map[string]bool{}
	for a, row := range p.Confusion {
		seen[a] = true
		for b := range row {
			seen[b] = true
		}
	}
	var out []string
	for _, label := range l.LabelOrder {
		if seen[label] {
			out = append(out, label)
		}
	}
	if seen[""] {
		out = append(out, "")
	}
	return slices.Clip(out)
}
