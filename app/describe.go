// What a step did, in the annotator's words: the status bar says
// "Accepted ORG “市委”", not the model's "set the origin of span 2 to
// manual" (which is what the project's history stores as the step's name).

package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/biaozhu/biaozhu/annotate"
)

// stepSummary sorts the changes of a step by what they do for the
// annotator.
type stepSummary struct {
	labelled, accepted, rejected, deleted, relabelled, noted []annotate.Span
	declined                                                 []annotate.Span          // places declined in curation (accept none)
	declinedRelations                                        []annotate.RelationPlace // likewise of relations
	splits, merges, tagged, retokenized                      []*annotate.TokensChange
	linked, unlinked, retyped, reversed                      []annotate.Relation
	status                                                   annotate.Status
	docLabels, schema                                        bool
}

// summarize sorts changes (a step, applied forward) into a stepSummary.
func summarize(changes []annotate.Change) stepSummary {
	var s stepSummary
	rejected := map[[4]string]bool{}
	for _, c := range changes {
		if r := c.Rejected; r != nil && r.After != nil {
			rejected[placeKey(*r.After)] = true
		}
	}
	for _, c := range changes {
		if r := c.Rejected; r != nil && r.After != nil {
			// A rejected place without a suggestion removed there: a
			// curator's decline (annotate.Decline).
			suggested := false
			for _, o := range changes {
				if b := o.Span; b != nil && b.Before != nil && b.After == nil && b.Before.Origin == annotate.OriginSuggested && placeKey(*b.Before) == placeKey(*r.After) {
					suggested = true
				}
			}
			if !suggested {
				s.declined = append(s.declined, *r.After)
			}
		}
		if r := c.DeclinedRelation; r != nil && r.After != nil {
			s.declinedRelations = append(s.declinedRelations, *r.After)
		}
	}
	for _, c := range changes {
		switch {
		case c.Span != nil:
			b, a := c.Span.Before, c.Span.After
			switch {
			case b == nil && a != nil:
				s.labelled = append(s.labelled, *a)
			case b != nil && a == nil:
				if b.Origin == annotate.OriginSuggested && rejected[placeKey(*b)] {
					s.rejected = append(s.rejected, *b)
				} else {
					s.deleted = append(s.deleted, *b)
				}
			case b != nil && a != nil:
				switch {
				case b.Origin == annotate.OriginSuggested && a.Origin != annotate.OriginSuggested:
					s.accepted = append(s.accepted, *a)
				case b.Label != a.Label || b.Start != a.Start || b.End != a.End:
					s.relabelled = append(s.relabelled, *a)
				case b.Note != a.Note:
					s.noted = append(s.noted, *a)
				}
			}
		case c.Tokens != nil:
			t := c.Tokens
			switch {
			case len(t.Before) == 1 && len(t.After) > 1:
				s.splits = append(s.splits, t)
			case len(t.Before) > 1 && len(t.After) == 1:
				s.merges = append(s.merges, t)
			case len(t.Before) == len(t.After) && sameBounds(t):
				s.tagged = append(s.tagged, t)
			default:
				s.retokenized = append(s.retokenized, t)
			}
		case c.Relation != nil:
			b, a := c.Relation.Before, c.Relation.After
			switch {
			case b == nil && a != nil:
				s.linked = append(s.linked, *a)
			case b != nil && a == nil:
				s.unlinked = append(s.unlinked, *b)
			case b != nil && a != nil && b.Type != a.Type:
				s.retyped = append(s.retyped, *a)
			case b != nil && a != nil && b.From != a.From:
				s.reversed = append(s.reversed, *a)
			}
		case c.Status != nil:
			s.status = c.Status.After
		case c.Labels != nil:
			s.docLabels = true
		case c.Schema != nil:
			s.schema = true
		}
	}
	return s
}

func placeKey(sp annotate.Span) [4]string {
	return [4]string{sp.Layer, sp.Label, fmt.Sprint(sp.Start), fmt.Sprint(sp.End)}
}

// sameBounds reports whether a token change keeps the tokens' offsets (a
// POS change).
func sameBounds(t *annotate.TokensChange) bool {
	for k := range t.Before {
		if t.Before[k].Start != t.After[k].Start || t.Before[k].End != t.After[k].End {
			return false
		}
	}
	return true
}

// text describes the summary in the UI's language. slice gives the text of
// a range of the document; nil when the step spans several documents (then
// only counts are given).
func (s stepSummary) text(slice func(start, end int) string) string {
	quote := func(start, end int) string {
		if slice == nil {
			return ""
		}
		return "“" + shorten(strings.ReplaceAll(slice(start, end), "\n", " "), 24) + "”"
	}
	var parts []string
	spans := func(list []annotate.Span, one string, many func(n int) string) {
		switch {
		case len(list) == 1 && slice != nil:
			parts = append(parts, fmt.Sprintf(one, list[0].Label, quote(list[0].Start, list[0].End)))
		case len(list) > 0:
			parts = append(parts, many(len(list)))
		}
	}
	spans(s.labelled, lang.L("Labelled %s %s"), func(n int) string { return lang.N("Labelled {{.Count}} spans", n, map[string]any{"Count": n}) })
	spans(s.accepted, lang.L("Accepted %s %s"), func(n int) string { return lang.N("Accepted {{.Count}} suggestions", n, map[string]any{"Count": n}) })
	spans(s.rejected, lang.L("Rejected %s %s"), func(n int) string { return lang.N("Rejected {{.Count}} suggestions", n, map[string]any{"Count": n}) })
	spans(s.deleted, lang.L("Deleted %s %s"), func(n int) string { return lang.N("Deleted {{.Count}} spans", n, map[string]any{"Count": n}) })
	spans(s.relabelled, lang.L("Relabelled as %s: %s"), func(n int) string { return lang.N("Relabelled {{.Count}} spans", n, map[string]any{"Count": n}) })
	spans(s.noted, lang.L("Note on %s %s"), func(n int) string { return lang.N("Notes on {{.Count}} spans", n, map[string]any{"Count": n}) })
	spans(s.declined, lang.L("Declined %s %s"), func(n int) string { return lang.N("Declined {{.Count}} places", n, map[string]any{"Count": n}) })
	switch n := len(s.declinedRelations); {
	case n == 1 && slice != nil:
		p := s.declinedRelations[0]
		parts = append(parts, fmt.Sprintf(lang.L("Declined the relations %s → %s"), quote(p.From.Start, p.From.End), quote(p.To.Start, p.To.End)))
	case n > 0:
		parts = append(parts, lang.N("Declined the relations at {{.Count}} places", n, map[string]any{"Count": n}))
	}
	rels := func(list []annotate.Relation, one, many string) {
		switch {
		case len(list) == 1:
			parts = append(parts, fmt.Sprintf(one, list[0].Type))
		case len(list) > 0:
			parts = append(parts, fmt.Sprintf(many, len(list)))
		}
	}
	rels(s.linked, lang.L("Added relation %s"), lang.L("Relations added: %d"))
	rels(s.unlinked, lang.L("Deleted relation %s"), lang.L("Relations deleted: %d"))
	rels(s.retyped, lang.L("Relation retyped as %s"), lang.L("Relations retyped: %d"))
	rels(s.reversed, lang.L("Reversed relation %s"), lang.L("Relations reversed: %d"))
	pieces := func(t *annotate.TokensChange, toks bool) string {
		list := t.Before
		if toks {
			list = t.After
		}
		var ws []string
		for _, tok := range list {
			ws = append(ws, slice(tok.Start, tok.End))
		}
		return strings.Join(ws, " | ")
	}
	switch {
	case len(s.splits) == 1 && slice != nil:
		t := s.splits[0]
		parts = append(parts, fmt.Sprintf(lang.L("Split %s into %s"), quote(t.Start, t.End), pieces(t, true)))
	case len(s.splits) > 0:
		parts = append(parts, lang.N("Split {{.Count}} tokens", len(s.splits), map[string]any{"Count": len(s.splits)}))
	}
	switch {
	case len(s.merges) == 1 && slice != nil:
		t := s.merges[0]
		parts = append(parts, fmt.Sprintf(lang.L("Merged %s into %s"), pieces(t, false), quote(t.Start, t.End)))
	case len(s.merges) > 0:
		parts = append(parts, lang.N("Merged {{.Count}} words", len(s.merges), map[string]any{"Count": len(s.merges)}))
	}
	switch {
	case len(s.tagged) == 1 && len(s.tagged[0].After) == 1 && slice != nil:
		t := s.tagged[0]
		parts = append(parts, fmt.Sprintf(lang.L("Tagged %s as %s"), quote(t.Start, t.End), t.After[0].POS))
	case len(s.tagged) > 0:
		parts = append(parts, lang.N("Tagged {{.Count}} tokens", len(s.tagged), map[string]any{"Count": len(s.tagged)}))
	}
	if n := len(s.retokenized); n > 0 {
		parts = append(parts, lang.N("Re-segmented {{.Count}} places", n, map[string]any{"Count": n}))
	}
	switch {
	case s.status == annotate.StatusDone:
		parts = append(parts, lang.L("Marked done"))
	case s.status != "" && len(parts) == 0:
		// (A document's first edit also starts it: not worth saying then.)
		parts = append(parts, fmt.Sprintf(lang.L("Status: %s"), statusName(s.status)))
	}
	if s.docLabels {
		parts = append(parts, lang.L("Document labels changed"))
	}
	if s.schema {
		parts = append(parts, lang.L("Label schema changed"))
	}
	if len(parts) == 0 {
		return lang.L("No change")
	}
	return strings.Join(parts, " · ")
}

// describeStep says what step e did to document d, in the UI's language.
func describeStep(e *annotate.Entry, d *annotate.Document) string {
	var slice func(int, int) string
	if d != nil {
		slice = func(start, end int) string {
			if start < 0 || end > d.Chars() || start > end {
				return ""
			}
			return d.Slice(start, end)
		}
	}
	return summarize(e.Changes).text(slice)
}

// describeCorpus says what corpus step st did, in the UI's language:
// with the texts when it changed only open, counts otherwise, and in how
// many documents.
func (ws *workspace) describeCorpus(st *annotate.CorpusStep) string {
	if len(st.Entries) == 1 && ws.doc != nil && st.Entries[0].Doc == ws.doc.ID {
		return describeStep(st.Entries[0].Entry, ws.doc)
	}
	var all []annotate.Change
	for _, ce := range st.Entries {
		all = append(all, ce.Entry.Changes...)
	}
	n := len(st.Entries)
	return lang.N("{{.What}} in {{.Count}} documents", n, map[string]any{"What": summarize(all).text(nil), "Count": n})
}
