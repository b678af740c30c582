// The concordance's relation search (mode Relations): relations found by
// type and by the words at either end (all nsubj arcs whose head is 是),
// with annotate.Project.FindRelations — the query of `biaozhu relations`
// — listed as KWIC lines (left context, the two ends with the type, right
// context); a click opens the relation's document with its source span
// selected.

package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/corpus"
	"github.com/biaozhu/biaozhu/export"
)

// kwicModeRelations is the mode (index in kwicModes) that searches
// relations.
const kwicModeRelations = 4

// maxRelHits is the most relations a relation search lists.
const maxRelHits = 10_000

// relHit is a relation found, as its KWIC line shows it.
type relHit struct {
	doc                int64
	rel                annotate.Relation
	from, to           annotate.Span
	docName            string
	left, match, right string
	fromText, toText   string // the words at the two ends
}

// relMatch is the middle of a relation's KWIC line: its two ends in text
// order with the type on an arrow from source to target ("他 ←nsubj— 是"
// when the source comes second), "…" before the second end when text
// lies between them.
func relMatch(first, second, typ string, forward, gap bool) string {
	arrow := "—" + typ + "→"
	if !forward {
		arrow = "←" + typ + "—"
	}
	if gap {
		second = "… " + second
	}
	return first + " " + arrow + " " + second
}

// newRelHit makes the KWIC line of h from the index's text of its
// document.
func newRelHit(ix *corpus.Index, h annotate.RelationHit) relHit {
	x := relHit{doc: h.Doc, rel: h.Relation, from: h.From, to: h.To, docName: fmt.Sprint(h.Doc)}
	first, second := h.From, h.To
	forward := first.Start <= second.Start
	if !forward {
		first, second = second, first
	}
	lo, hi := first.Start, max(first.End, second.End)
	text := func(sp annotate.Span, fallback string) string {
		if c, ok := ix.Context(h.Doc, sp.Start, sp.End, 0); ok {
			return c.Match
		}
		return fallback
	}
	a, b := text(first, h.FromText), text(second, h.ToText)
	if !forward {
		a, b = text(first, h.ToText), text(second, h.FromText)
	}
	x.fromText, x.toText = a, b
	if !forward {
		x.fromText, x.toText = b, a
	}
	x.match = relMatch(a, b, h.Relation.Type, forward, second.Start > first.End)
	if c, ok := ix.Context(h.Doc, lo, hi, kwicWidth); ok {
		x.docName, x.left, x.right = c.DocName, c.Left, c.Right
	}
	return x
}

// relTypeChoices lists the schema's relation types as "layer/type", "any
// type" first, and keep ("layer/type", "" for none) after them when the
// schema lacks it.
func (k *kwicPanel) relTypeChoices(keep string) []string {
	opts := []string{lang.L("(any relation type)")}
	if s := k.ct.ws.schema; s != nil && k.ct.ws.proj != nil {
		for _, l := range s.Relations {
			for _, t := range l.Types {
				opts = append(opts, l.Name+"/"+t.Name)
			}
		}
	}
	if keep != "" && !slices.Contains(opts, keep) {
		opts = append(opts, keep)
	}
	return opts
}

// fillRelTypes puts the relation types in their choice, keep chosen (""
// for any).
func (k *kwicPanel) fillRelTypes(keep string) {
	k.relType.Options = k.relTypeChoices(keep)
	if keep == "" {
		k.relType.SetSelectedIndex(0)
	} else {
		k.relType.SetSelected(keep)
	}
}

// chosenRelType is the relation type chosen ("layer/type"), "" for any.
func (k *kwicPanel) chosenRelType() string {
	if k.relType.SelectedIndex() > 0 {
		return k.relType.Selected
	}
	return ""
}

// modeChanged shows the form of the mode chosen: in Relations, the query
// is the source word, and the type and target word take the label row's
// place; POS, the sort order and the commands on checked hits are for
// text searches only.
func (k *kwicPanel) modeChanged() {
	rel := k.mode.SelectedIndex() == kwicModeRelations
	for _, o := range []fyne.CanvasObject{k.labelRow, k.posBox, k.sortSel, k.cmdBox} {
		if rel {
			o.Hide()
		} else {
			o.Show()
		}
	}
	if rel {
		k.relRow.Show()
		k.query.SetPlaceHolder(lang.L("Source word: a dependency's head (empty: any); Enter searches"))
	} else {
		k.relRow.Hide()
		k.query.SetPlaceHolder(lang.L("Search the corpus (Enter; select text first, then Ctrl+F)"))
	}
}

// relQueryFor builds the relation query from the form.
func (k *kwicPanel) relQueryFor(f kwicForm) annotate.RelationQuery {
	q := annotate.RelationQuery{FromText: strings.TrimSpace(f.query), ToText: strings.TrimSpace(f.relTo), Limit: maxRelHits}
	if f.relType != "" {
		q.Layer, q.Type, _ = strings.Cut(f.relType, "/")
	}
	if f.scope == 1 && k.ct.ws.doc != nil {
		q.Doc = k.ct.ws.doc.ID
	}
	return q
}

// relRefreshDelay is kwicPanel.relRefresh's default.
const relRefreshDelay = 400 * time.Millisecond

// relationsEdited searches the relations listed again a moment after the
// last edit (an edit may add, remove, retype or move relations, or change
// the words at their ends), keeping the current row's relation and the
// list's scroll position. It does nothing when no relations are listed.
func (k *kwicPanel) relationsEdited() {
	if k.rels == nil {
		return
	}
	k.stopRelRefresh()
	delay := k.relRefresh
	if delay == 0 {
		delay = relRefreshDelay
	}
	var t *time.Timer
	t = time.AfterFunc(delay, func() {
		fyne.Do(func() {
			if k.relTimer != t || k.rels == nil {
				return // stopped, or another search since
			}
			k.relTimer = nil
			k.searchRelationsKeep(k.relQuery, true)
		})
	})
	k.relTimer = t
}

// stopRelRefresh cancels a search of the relations that relationsEdited
// scheduled.
func (k *kwicPanel) stopRelRefresh() {
	if k.relTimer != nil {
		k.relTimer.Stop()
		k.relTimer = nil
	}
}

// searchRelations finds the relations q asks for off the UI goroutine
// (cancelling the search running) and lists them.
func (k *kwicPanel) searchRelations(q annotate.RelationQuery) {
	k.searchRelationsKeep(q, false)
}

// searchRelationsKeep is searchRelations; with keep, the list keeps its
// current relation and scroll position (the same search again after an
// edit).
func (k *kwicPanel) searchRelationsKeep(q annotate.RelationQuery, keep bool) {
	k.stopRelRefresh()
	p := k.ct.ws.proj
	if p == nil {
		return
	}
	idle := k.ct.ws.job == nil && !keep // after an edit, the keyboard stays where it is
	defer func() {
		if idle && k.ct.ws.job != nil {
			k.ct.ws.afterJob(k.refocus)
		}
	}()
	k.ct.withIndex(func(ix *corpus.Index) {
		if k.cancel != nil {
			k.cancel()
		}
		ctx, cancel := context.WithCancel(context.Background())
		k.cancel = cancel
		k.gen++
		gen := k.gen
		k.count.SetText(lang.L("Searching…"))
		start := time.Now()
		work := func() {
			found, more, err := p.FindRelations(ctx, q)
			hits := make([]relHit, 0, len(found))
			for _, h := range found {
				hits = append(hits, newRelHit(ix, h))
			}
			took := time.Since(start)
			cancel()
			fyne.Do(func() {
				if gen != k.gen {
					return
				}
				k.cancel = nil
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						k.showErr(err, corpus.Query{})
					}
					return
				}
				k.setRelResult(q, hits, more, took, keep)
			})
		}
		if k.relInline {
			work()
			return
		}
		go work()
	})
}

// setRelResult lists hits, the relations q found (more: there were more).
// With keep, the current row stays on its relation (or on the row where it
// was, when it is gone) and the list where it was scrolled.
func (k *kwicPanel) setRelResult(q annotate.RelationQuery, hits []relHit, more bool, took time.Duration, keep bool) {
	cur, offset := -1, float32(0)
	if keep && k.cur >= 0 && k.cur < len(k.rels) {
		id := k.rels[k.cur].rel.ID
		if cur = slices.IndexFunc(hits, func(h relHit) bool { return h.rel.ID == id }); cur < 0 {
			cur = min(k.cur, len(hits)-1)
		}
	}
	if keep {
		offset = k.list.GetScrollOffset()
	}
	k.sortGen++
	k.base, k.res, k.err, k.sorting = nil, nil, nil, false
	k.rels, k.relMore, k.relQuery, k.took = hits, more, q, took
	k.cur, k.anchor = -1, -1
	k.resetChecks()
	clear(k.pages)
	k.msg.Hide()
	k.list.UnselectAll()
	k.list.Refresh()
	if keep {
		k.list.ScrollToOffset(offset)
		if cur >= 0 {
			k.setCur(cur)
		}
	} else {
		k.list.ScrollToTop()
	}
	k.showCount()
	if k.onSearched != nil {
		k.onSearched()
	}
}

// relCount is the count line of a relation search.
func (k *kwicPanel) relCount() string {
	n := len(k.rels)
	text := lang.N("{{.N}} relations", n, map[string]any{"N": export.FormatValue(float64(n))})
	if k.relMore {
		text += " " + lang.L("(stopped there)")
	}
	return text + fmt.Sprintf(" · %.2f s", k.took.Seconds())
}

// openRel shows relation hit i in its document: the document opened, the
// relation's source span (as it is now: it may have been reversed since)
// selected, as a click in the relation list does, and the relation list
// scrolled to it. A relation removed since the search is not there: the
// status says so and the list is searched again.
func (k *kwicPanel) openRel(i int) {
	if i < 0 || i >= len(k.rels) {
		return
	}
	k.setCur(i)
	h := k.rels[i]
	ws := k.ct.ws
	ws.goTo(h.doc, h.from.Start, h.from.End)
	if ws.doc == nil || ws.doc.ID != h.doc {
		return
	}
	r, ok := ws.doc.Relation(h.rel.ID)
	if !ok {
		ws.info(lang.L("That relation is no longer there: the relations are searched again"))
		k.searchRelations(k.relQuery)
		return
	}
	ws.view.SelectSpan(r.From)
	if j := slices.IndexFunc(ws.relItems, func(r annotate.Relation) bool { return r.ID == h.rel.ID }); j >= 0 {
		ws.relList.ScrollTo(j)
	}
}

// exportRels writes the relations listed to path (CSV or xlsx) behind a
// progress dialog, one row each: document, layer, type, the source's
// text, label and offsets (code points, end-exclusive), the target's, and
// the line's left and right context; then calls done (if not nil) with
// the rows written.
func (k *kwicPanel) exportRels(path string, opts export.TableOptions, done func(n int, err error)) {
	ws := k.ct.ws
	rels := k.rels
	if len(rels) == 0 || ws.busy() {
		return
	}
	header := []string{"document", "layer", "type", "source", "source_label", "source_start", "source_end",
		"target", "target_label", "target_start", "target_end", "left", "right"}
	opts.Numbers, opts.Sheet = []int{5, 6, 9, 10}, "relations"
	rows := make([][]string, 0, len(rels))
	for _, h := range rels {
		rows = append(rows, []string{h.docName, h.rel.Layer, h.rel.Type,
			h.fromText, h.from.Label, strconv.Itoa(h.from.Start), strconv.Itoa(h.from.End),
			h.toText, h.to.Label, strconv.Itoa(h.to.Start), strconv.Itoa(h.to.End), h.left, h.right})
	}
	ws.runLong(lang.L("Exporting relations"), func(ctx context.Context, progress progressUpdate) error {
		progress(-1, fmt.Sprintf(lang.L("Writing %s"), filepath.Base(path)))
		return export.WriteTable(ctx, path, header, rows, opts)
	}, func(err error) {
		ws.tableExported(err, len(rows), lang.N("Exported {{.N}} relations to {{.Path}}", len(rows),
			map[string]any{"N": export.FormatValue(float64(len(rows))), "Path": path}), done)
	})
}

// relNoCommands says that the commands on checked hits are not for
// relations.
func (k *kwicPanel) relNoCommands() {
	k.ct.ws.info(lang.L("Labels and POS tags apply to the hits of a text search, not to relations"))
}
