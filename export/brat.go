package export

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
)

func init() {
	Register(&Format{Name: "brat", Ext: "", WriteDir: writeBrat,
		Description: "brat standoff: a folder (or OUT.zip) with NAME.txt and NAME.ann per document (T lines, AnnotatorNotes), annotation.conf and visual.conf; code-point offsets"})
	RegisterReader(&Reader{Name: "brat", Each: eachBrat,
		Description: "brat standoff: a .txt/.ann pair (either file), a folder of pairs or a .zip of them; T lines and AnnotatorNotes (relations, events, attributes skipped)"})
}

// bratName is the file name (without extension) of the k-th document of
// an export: "0001-" and the document's name with ".txt" dropped and every
// character other than letters, digits, -, _ and . written as _ (at most
// 60 characters). The number keeps names unique.
func bratName(k int, name string) string {
	name = strings.TrimSuffix(name, ".txt")
	var b strings.Builder
	n := 0
	for _, r := range name {
		if n == 60 {
			break
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' && r != '.' {
			r = '_'
		}
		b.WriteRune(r)
		n++
	}
	if b.Len() == 0 {
		return fmt.Sprintf("%04d", k)
	}
	return fmt.Sprintf("%04d-%s", k, b.String())
}

// bratStorage is name as brat stores a type (its
// normalize_to_storage_form): every character other than ASCII letters,
// digits, - and _ written as _. A name with no ASCII letter or digit left
// (a Chinese label) is written as L_ and the hex of its code points
// ("人名" → "L_4EBA_540D"), so that it stays distinct.
func bratStorage(name string) string {
	t := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return r
		}
		return '_'
	}, name)
	if strings.Trim(t, "_-") != "" {
		return t
	}
	var b strings.Builder
	b.WriteString("L")
	for _, r := range name {
		fmt.Fprintf(&b, "_%X", r)
	}
	return b.String()
}

// bratTypes gives each layer written a brat group type and each (layer,
// label) a brat type (see bratStorage), unique: a name taken already gets
// -2, -3…. brat types are ASCII; the labels and layers they stand for are
// in visual.conf (for brat's display) and biaozhu.json (exactly).
type bratTypes struct {
	group  map[string]string    // layer → group type
	typ    map[[2]string]string // layer, label → type
	taken  map[string]bool
	layers []string               // in order
	labels map[string][][2]string // layer → its (label, type) in order of first use
	colour map[string]string      // type → colour
	// rel gives each relation layer and type written a brat type, in
	// the same name space; rels lists them in order of first use.
	rel  map[[2]string]string
	rels [][3]string // layer, type, brat type
}

// relation returns the brat type of relation type typ of layer, giving it
// one on first use.
func (b *bratTypes) relation(layer, typ, colour string) string {
	k := [2]string{layer, typ}
	if t, ok := b.rel[k]; ok {
		return t
	}
	if b.rel == nil {
		b.rel = map[[2]string]string{}
	}
	t := b.unique(bratStorage(typ))
	b.rel[k] = t
	b.rels = append(b.rels, [3]string{layer, typ, t})
	if colour != "" {
		b.colour[t] = colour
	}
	return t
}

func newBratTypes(layers []string) *bratTypes {
	b := &bratTypes{group: map[string]string{}, typ: map[[2]string]string{}, taken: map[string]bool{},
		labels: map[string][][2]string{}, colour: map[string]string{}}
	for _, l := range layers {
		b.group[l] = b.unique(bratStorage(l))
		b.layers = append(b.layers, l)
	}
	return b
}

func (b *bratTypes) unique(t string) string {
	u := t
	for n := 2; b.taken[u]; n++ {
		u = fmt.Sprintf("%s-%d", t, n)
	}
	b.taken[u] = true
	return u
}

// of returns the type of label in layer, giving it one on first use.
func (b *bratTypes) of(layer, label, colour string) string {
	k := [2]string{layer, label}
	if t, ok := b.typ[k]; ok {
		return t
	}
	if _, ok := b.group[layer]; !ok {
		b.group[layer] = b.unique(bratStorage(layer))
		b.layers = append(b.layers, layer)
	}
	t := b.unique(bratStorage(label))
	b.typ[k] = t
	b.labels[layer] = append(b.labels[layer], [2]string{label, t})
	if colour != "" {
		b.colour[t] = colour
	}
	return t
}

// bratDisplay is a name as visual.conf can show it: | separates a type's
// display names there, so it becomes ¦.
func bratDisplay(s string) string { return strings.ReplaceAll(s, "|", "¦") }

// bratMetaFile is the file a brat export writes beside the documents with
// what brat's files cannot hold: each document's name and status, and the
// layer and label each brat type stands for. The brat reader takes them
// back from it; brat ignores it.
const bratMetaFile = "biaozhu.json"

type bratMeta struct {
	Documents []bratMetaDoc  `json:"documents"`
	Types     []bratMetaType `json:"types"`
	// Relations are the relation types: each brat type's relation layer
	// and type.
	Relations []bratMetaRelation `json:"relations,omitempty"`
}

type bratMetaRelation struct {
	Type  string `json:"type"`
	Layer string `json:"layer"`
	Name  string `json:"name"`
}

type bratMetaDoc struct {
	File   string `json:"file"` // the .txt and .ann's name without extension
	Name   string `json:"name"`
	Status string `json:"status,omitempty"`
}

type bratMetaType struct {
	Type  string `json:"type"`
	Layer string `json:"layer"`
	Label string `json:"label"`
}

// bratLines gives d as brat reads it: brat opens the .txt with Python's
// universal newlines, so CRLF and a lone CR are one LF to it, and its
// offsets count them so. It returns d with those line ends written as LF
// and the spans moved to match (a span of the CR of a CRLF alone covers
// its LF), and how many line ends changed.
func bratLines(d *Doc) (*Doc, int) {
	if !slices.Contains(d.Runes, '\r') {
		return d, 0
	}
	at := make([]int, len(d.Runes)+1) // at[i]: offset of code point i in the new text
	runes := make([]rune, 0, len(d.Runes))
	changed := 0
	for i, r := range d.Runes {
		at[i] = len(runes)
		if r != '\r' {
			runes = append(runes, r)
			continue
		}
		changed++
		if i+1 < len(d.Runes) && d.Runes[i+1] == '\n' {
			continue // the LF that follows stands for both
		}
		runes = append(runes, '\n')
	}
	at[len(d.Runes)] = len(runes)
	nd := &Doc{Document: d.Document, Runes: runes, Spans: make([]annotate.Span, len(d.Spans))}
	for i, sp := range d.Spans {
		sp.Start, sp.End = at[sp.Start], at[sp.End]
		if sp.End == sp.Start {
			sp.End++
		}
		nd.Spans[i] = sp
	}
	return nd, changed
}

// isLineBreak reports whether r ends a line for brat's reader (Python's
// universal newlines).
func isLineBreak(r rune) bool { return r == '\n' || r == '\r' }

// bratFragments cuts [start, end) at line breaks, as brat itself does for a
// span that crosses a line: the pieces between runs of line breaks. A span
// of line breaks only stays whole.
func bratFragments(runes []rune, start, end int) [][2]int {
	var out [][2]int
	for i := start; i < end; {
		if isLineBreak(runes[i]) {
			i++
			continue
		}
		k := i
		for k < end && !isLineBreak(runes[k]) {
			k++
		}
		out = append(out, [2]int{i, k})
		i = k
	}
	if len(out) == 0 {
		out = [][2]int{{start, end}}
	}
	return out
}

// flatLines writes line breaks and tabs as spaces.
func flatLines(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
}

// writeBrat writes the job's documents as a brat collection in dir: per
// document NAME.txt (the text, UTF-8) and NAME.ann (see bratName), one T
// line per span of the layers written ("T1\tTYPE START END\tTEXT",
// code-point offsets, end-exclusive, as brat's Python reads them; brat's
// web UI miscounts after characters outside the BMP, brat #1115) and
// "#1\tAnnotatorNotes T1\tNOTE" per note (line breaks in a note become
// spaces, with a warning). brat reads the .txt with universal newlines:
// CRLF and CR are written as LF, the offsets counting them so, with one
// warning for the export (see bratLines). A span that crosses a line
// break is written as brat itself writes one: discontinuous, a fragment
// per line ("0 5;6 10"), TEXT the fragments joined by a space; the brat
// reader joins such fragments back into one span. Labels become brat
// types (ASCII, see bratTypes; a label written differently is warned
// about once). annotation.conf lists the types under [entities], grouped
// by layer under a "!LAYER" type that cannot be annotated (brat's type
// hierarchy), and says in [relations] which overlap (see bratOverlaps); visual.conf
// gives each type its label as display name ([labels]) and the label's
// colour ([drawing]). biaozhu.json (see bratMeta) holds each document's
// name and status and the layer and label of each type, exactly.
// Relations between spans written are R lines ("R1\tTYPE Arg1:T1
// Arg2:T2", from and to), their notes AnnotatorNotes on them; each
// relation type is a brat type of its own, declared in [relations] with
// the entity types its Arg1 and Arg2 admit, shown by its name in
// visual.conf, and biaozhu.json gives its relation layer and type.
func writeBrat(j *Job, dir string) error {
	layers := j.Layers()
	types := newBratTypes(layers)
	for _, ln := range layers {
		l, _ := j.Schema.Layer(ln)
		for _, lb := range l.Labels {
			types.of(ln, lb.Name, lb.Color)
		}
	}
	meta := bratMeta{Documents: []bratMetaDoc{}, Types: []bratMetaType{}}
	var typed []string // "label (layer) → type" for each label written as another type
	var typedFirst *Doc
	typedSeen := map[[2]string]bool{}
	var lines, split, flat, unwritten tally
	overlaps := map[string]bool{} // layers whose written spans overlap one another
	var overlapFirst *Doc
	k := 0
	err := j.Each(func(orig *Doc) error {
		k++
		name := bratName(k, orig.Name)
		meta.Documents = append(meta.Documents, bratMetaDoc{File: name, Name: orig.Name, Status: string(orig.Status)})
		d, n := bratLines(orig)
		lines.add(d, n)
		end := map[string]int{} // layer → the furthest end of its spans so far (they come by start)
		for _, sp := range d.Spans {
			if e, ok := end[sp.Layer]; ok && sp.Start < e && !overlaps[sp.Layer] {
				overlaps[sp.Layer] = true
				if l, ok := j.Schema.Layer(sp.Layer); ok && l.Overlap != annotate.OverlapAllowed {
					overlapFirst = cmp.Or(overlapFirst, d)
				}
			}
			end[sp.Layer] = max(end[sp.Layer], sp.End)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(string(d.Runes)), 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		var ann strings.Builder
		tn, nn := 0, 0
		tOf := map[int64]int{} // span ID → its T number
		for _, sp := range d.Spans {
			typ := types.of(sp.Layer, sp.Label, "")
			if k := [2]string{sp.Layer, sp.Label}; typ != sp.Label && !typedSeen[k] {
				typedSeen[k] = true
				typed = append(typed, fmt.Sprintf("%s (%s) as %s", sp.Label, sp.Layer, typ))
				if typedFirst == nil {
					typedFirst = d
				}
			}
			frags := bratFragments(d.Runes, sp.Start, sp.End)
			offs := make([]string, len(frags))
			texts := make([]string, len(frags))
			for i, fr := range frags {
				offs[i] = strconv.Itoa(fr[0]) + " " + strconv.Itoa(fr[1])
				texts[i] = d.Text(fr[0], fr[1])
				if len(frags) == 1 {
					// TEXT is the span's text, except for a span of line
					// breaks only, written as spaces.
					if err := j.Check(d, sp, 0, fr[0], fr[1], UnitCodePoint, false, texts[i]); err != nil {
						return err
					}
					if strings.ContainsFunc(texts[i], isLineBreak) {
						texts[i] = flatLines(texts[i])
						flat.add(d, 1)
					}
					continue
				}
				// Each fragment's offsets and text, against the document.
				part := sp
				part.Start, part.End = fr[0], fr[1]
				if err := j.Check(d, part, 0, fr[0], fr[1], UnitCodePoint, false, texts[i]); err != nil {
					return err
				}
			}
			if len(frags) > 1 {
				split.add(d, 1)
			}
			tn++
			tOf[sp.ID] = tn
			fmt.Fprintf(&ann, "T%d\t%s %s\t%s\n", tn, typ, strings.Join(offs, ";"), strings.Join(texts, " "))
			if sp.Note != "" {
				nn++
				note := sp.Note
				if strings.ContainsFunc(note, isLineBreak) {
					note = strings.Join(strings.FieldsFunc(note, isLineBreak), " ")
					j.Warn(d, sp.ID, "note has line breaks, which a brat note cannot: written with spaces")
				}
				fmt.Fprintf(&ann, "#%d\tAnnotatorNotes T%d\t%s\n", nn, tn, note)
			}
		}
		rn := 0
		for _, r := range orig.Relations {
			from, okf := tOf[r.From]
			to, okt := tOf[r.To]
			if !okf || !okt {
				unwritten.add(d, 1)
				continue
			}
			colour := ""
			if l, ok := j.Schema.RelationLayer(r.Layer); ok {
				if t, ok := l.Type(r.Type); ok {
					colour = t.Color
				}
			}
			rn++
			fmt.Fprintf(&ann, "R%d\t%s Arg1:T%d Arg2:T%d\n", rn, types.relation(r.Layer, r.Type, colour), from, to)
			if r.Note != "" {
				nn++
				fmt.Fprintf(&ann, "#%d\tAnnotatorNotes R%d\t%s\n", nn, rn, strings.Join(strings.FieldsFunc(r.Note, isLineBreak), " "))
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name+".ann"), []byte(ann.String()), 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	lines.warn(j, "%d CRLF or CR line ends in %d documents (this one first) written as LF, as brat reads them; the offsets count them so")
	split.warn(j, "%d spans in %d documents (this one first) cross a line break: written as brat writes them, one fragment per line")
	flat.warn(j, "%d spans of line breaks only in %d documents (this one first): their TEXT written with spaces")
	unwritten.warn(j, "%d relations in %d documents (this one first) link spans of layers not written: left out")
	// Every relation type of the schema is declared (and those only
	// relations use, which a schema lacks, as found).
	for _, l := range j.Schema.Relations {
		for _, t := range l.Types {
			types.relation(l.Name, t.Name, t.Color)
		}
	}
	if len(typed) > 0 {
		j.Warn(typedFirst, 0, "brat types are ASCII letters, digits, - and _: labels written as other types (visual.conf shows the labels, %s gives them back): %s", bratMetaFile, strings.Join(typed, ", "))
	}
	var conf, visual strings.Builder
	conf.WriteString("[entities]\n")
	visual.WriteString("[labels]\n")
	for _, l := range types.layers {
		g := types.group[l]
		conf.WriteString("!" + g + "\n")
		if g != l {
			visual.WriteString(g + " | " + bratDisplay(l) + "\n")
		}
		for _, lt := range types.labels[l] {
			conf.WriteString("\t" + lt[1] + "\n")
			if lt[1] != lt[0] {
				visual.WriteString(lt[1] + " | " + bratDisplay(lt[0]) + "\n")
			}
			meta.Types = append(meta.Types, bratMetaType{Type: lt[1], Layer: l, Label: lt[0]})
		}
	}
	conf.WriteString("\n[relations]\n")
	conf.WriteString(bratRelations(j.Schema, types))
	for _, r := range types.rels {
		meta.Relations = append(meta.Relations, bratMetaRelation{Type: r[2], Layer: r[0], Name: r[1]})
		if r[2] != r[1] {
			visual.WriteString(r[2] + " | " + bratDisplay(r[1]) + "\n")
		}
	}
	conf.WriteString(bratOverlaps(j.Schema, types, overlaps))
	conf.WriteString("\n[events]\n\n[attributes]\n")
	if overlapFirst != nil {
		var names []string
		for _, l := range types.layers {
			if ly, ok := j.Schema.Layer(l); overlaps[l] && (!ok || ly.Overlap != annotate.OverlapAllowed) {
				names = append(names, strconv.Quote(l))
			}
		}
		j.Warn(overlapFirst, 0, "layers %s forbid overlaps, but spans of theirs overlap (this document first): annotation.conf allows them there, so that brat accepts the files", strings.Join(names, ", "))
	}
	visual.WriteString("\n[drawing]\n")
	for _, l := range types.layers {
		for _, lt := range types.labels[l] {
			if c := types.colour[lt[1]]; c != "" {
				visual.WriteString(lt[1] + "\tbgColor:" + c + "\n")
			}
		}
	}
	for _, r := range types.rels {
		if c := types.colour[r[2]]; c != "" {
			visual.WriteString(r[2] + "\tcolor:" + c + "\n")
		}
	}
	data, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{"annotation.conf": []byte(conf.String()), "visual.conf": []byte(visual.String()), bratMetaFile: append(data, '\n')} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// bratRelations gives the relation types of annotation.conf's
// [relations]: "TYPE\tArg1:A|B, Arg2:C" with the brat types of the labels
// a type's Arg1 and Arg2 admit (a layer: each of its labels), <ENTITY>
// (any) where the type admits any label, or where none of those it
// admits is written.
func bratRelations(schema *annotate.Schema, types *bratTypes) string {
	args := func(refs []annotate.LabelRef) string {
		var out []string
		for _, r := range refs {
			for _, lt := range types.labels[r.Layer] {
				if r.Label == "" || r.Label == lt[0] {
					out = append(out, lt[1])
				}
			}
		}
		if len(out) == 0 {
			return "<ENTITY>"
		}
		return strings.Join(out, "|")
	}
	var b strings.Builder
	for _, r := range types.rels {
		var a1, a2 []annotate.LabelRef
		if l, ok := schema.RelationLayer(r[0]); ok {
			if t, ok := l.Type(r[1]); ok {
				a1, a2 = t.Arg1, t.Arg2
			}
		}
		fmt.Fprintf(&b, "%s\tArg1:%s, Arg2:%s\n", r[2], args(a1), args(a2))
	}
	return b.String()
}

// bratOverlaps gives the <OVERLAP> rules of annotation.conf's
// [relations]: spans of different layers may overlap in any way (contain,
// cross, be equal), and so may the spans of a layer that allows overlaps
// (or, forbidding them, has overlapping spans written: overlaps). One rule
// per layer names its types as Arg1 and, as Arg2, the types of the layers
// after it and, where its spans may overlap, its own; brat checks a rule
// both ways round. Spans of one layer that forbids overlaps are not
// allowed to overlap in brat either.
func bratOverlaps(schema *annotate.Schema, types *bratTypes, overlaps map[string]bool) string {
	typesOf := func(layer string) []string {
		var out []string
		for _, lt := range types.labels[layer] {
			out = append(out, lt[1])
		}
		return out
	}
	var b strings.Builder
	for i, l := range types.layers {
		own := typesOf(l)
		if len(own) == 0 {
			continue
		}
		var with []string
		if ly, ok := schema.Layer(l); ok && ly.Overlap == annotate.OverlapAllowed || overlaps[l] {
			with = append(with, own...)
		}
		for _, other := range types.layers[i+1:] {
			with = append(with, typesOf(other)...)
		}
		if len(with) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<OVERLAP>\tArg1:%s, Arg2:%s, <OVL-TYPE>:<ANY>\n", strings.Join(own, "|"), strings.Join(with, "|"))
	}
	return b.String()
}
