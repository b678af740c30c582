package export

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	pathpkg "path"
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

// bratPair is one document of a brat collection: its name (the path
// without extension, relative to the collection) and the two files, read
// when the document is made (one pair in memory at a time).
type bratPair struct {
	name             string
	txtFile, annFile string                 // as errors name them
	txt, ann         func() ([]byte, error) // nil: no such file
}

// eachBrat imports brat standoff: path is a .txt or .ann file (its pair
// is the same name with the other extension), a folder (every pair in it
// and its subfolders) or a .zip of pairs. A .txt without .ann is a
// document without spans; an .ann without .txt is a bad record. The text
// is the .txt (UTF-8, without NUL; offsets are code points) as brat reads
// it: CRLF and CR as LF (with a warning). A document's name (and status)
// is what biaozhu.json in its folder (or one above) says, else the file's
// name. T lines become spans; TYPE is the label, and the layer that of
// its "!GROUP" in annotation.conf (else left to the importer), unless
// biaozhu.json gives the type's layer and label (see bratMeta); without
// it, a type (or group) that the brat export made from a name brat cannot
// take (機構 as L_6A5F_69CB) is that name, which visual.conf shows (see
// bratDisplays); a label or
// layer annotate.CheckName refuses is a bad line. TEXT must be the .txt
// at the offsets (line breaks and tabs compared as spaces). A discontinuous
// T line ("0 5;16 23") whose fragments are separated only by white space
// with a line break (what brat writes for a span across lines) becomes one
// span; otherwise each fragment is a span of its own, with the note "part
// of Tn (fragment i of k)" and a warning. "#n\tAnnotatorNotes Tn\tNOTE"
// becomes the span's note (several are joined by line breaks). Other
// kinds (E, A, M, N, *, and notes of other kinds) are skipped and
// counted in a warning.
func eachBrat(path string, opts ReadOptions, im *Imported, emit func(*annotate.Document) error) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	pairs := map[string]*bratPair{}
	confs := map[string]*bratConfFiles{} // folder (slash-separated, relative) → its configuration
	var confErr error
	add := func(rel, file string, data func() ([]byte, error)) {
		ext := strings.ToLower(filepath.Ext(rel))
		if base := pathpkg.Base(rel); base == "annotation.conf" || base == "visual.conf" || base == bratMetaFile {
			b, err := data() // small, and needed before any document
			if err != nil {
				confErr = cmp.Or(confErr, err)
				return
			}
			dir := pathpkg.Dir(rel)
			c := confs[dir]
			if c == nil {
				c = &bratConfFiles{}
				confs[dir] = c
			}
			switch base {
			case bratMetaFile:
				c.meta, c.metaFile = b, file
			case "visual.conf":
				c.visual = b
			default:
				c.conf = b
			}
			return
		}
		if ext != ".txt" && ext != ".ann" {
			return
		}
		key := strings.TrimSuffix(rel, filepath.Ext(rel))
		p := pairs[key]
		if p == nil {
			p = &bratPair{name: key}
			pairs[key] = p
		}
		if ext == ".txt" {
			p.txtFile, p.txt = file, data
		} else {
			p.annFile, p.ann = file, data
		}
	}
	switch {
	case st.IsDir():
		err = filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			if !bratWanted(p) {
				return nil
			}
			rel, _ := filepath.Rel(path, p)
			add(filepath.ToSlash(rel), p, func() ([]byte, error) { return readFile(p) })
			return nil
		})
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
	case strings.EqualFold(filepath.Ext(path), ".zip"):
		zr, err := zip.OpenReader(path)
		if err != nil {
			return fmt.Errorf("export: %s: %w", path, err)
		}
		defer zr.Close()
		budget := &zipBudget{file: path, entry: zipEntryLimit, total: zipTotalLimit}
		for _, zf := range zr.File {
			if zf.FileInfo().IsDir() {
				continue
			}
			if !bratWanted(zf.Name) {
				continue
			}
			if err := budget.check(zf); err != nil { // sizes, before anything is read
				return err
			}
			add(zf.Name, path+"/"+zf.Name, func() ([]byte, error) { return readZipEntry(path, zf) })
		}
	default:
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".txt" && ext != ".ann" {
			return fmt.Errorf("export: %s: brat input is a .txt or .ann file, a folder or a .zip", path)
		}
		stem := strings.TrimSuffix(path, filepath.Ext(path))
		for _, e := range []string{".txt", ".ann"} {
			_, err := os.Stat(stem + e)
			if errors.Is(err, fs.ErrNotExist) && e != ext {
				continue
			}
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			add(filepath.Base(stem)+e, stem+e, func() ([]byte, error) { return readFile(stem + e) })
		}
		for _, name := range []string{"annotation.conf", "visual.conf", bratMetaFile} {
			p := filepath.Join(filepath.Dir(path), name)
			if _, err := os.Stat(p); err == nil {
				add(name, p, func() ([]byte, error) { return readFile(p) })
			}
		}
	}
	if confErr != nil {
		return confErr
	}
	conf, err := readBratConfs(confs)
	if err != nil {
		return err
	}
	keys := slices.Sorted(maps.Keys(pairs))
	if len(keys) == 0 {
		return fmt.Errorf("export: %s: no brat .txt/.ann files", path)
	}
	for _, k := range keys {
		p := pairs[k]
		if p.txt == nil {
			if err := im.Bad(opts, &RecordError{File: p.annFile, Err: errors.New("no .txt beside it")}); err != nil {
				return err
			}
			continue
		}
		txt, err := p.txt()
		if err != nil {
			return err
		}
		if !utf8.Valid(txt) {
			if err := im.Bad(opts, &RecordError{File: p.txtFile, Err: errors.New("not UTF-8")}); err != nil {
				return err
			}
			continue
		}
		doc := &annotate.Document{Name: filepath.Base(p.name), Text: string(txt)}
		if strings.Contains(doc.Text, "\r") {
			doc.Text = strings.ReplaceAll(strings.ReplaceAll(doc.Text, "\r\n", "\n"), "\r", "\n")
			im.Warnings = append(im.Warnings, fmt.Sprintf("%s: CRLF or CR line ends read as LF, as brat reads them (its offsets count them so)", p.txtFile))
		}
		if err := checkText(doc.Text); err != nil {
			if err := im.Bad(opts, &RecordError{File: p.txtFile, Err: err}); err != nil {
				return err
			}
			continue
		}
		c := conf.find(pathpkg.Dir(p.name))
		if md, ok := c.doc(p.name); ok {
			doc.Name = md.Name
			if st := annotate.Status(md.Status); st.Valid() {
				doc.Status = st
			}
		}
		if p.ann != nil {
			ann, err := p.ann()
			if err != nil {
				return err
			}
			spans, rels, err := parseBratAnn(im, opts, p.annFile, []rune(doc.Text), ann, c)
			if err != nil {
				return err
			}
			doc.Spans, doc.Relations = spans, rels
		}
		if err := emit(doc); err != nil {
			return err
		}
	}
	return nil
}

// readBrat is the brat reader's Read.
func readBrat(path string, opts ReadOptions) (*Imported, error) {
	return readWhole(eachBrat)(path, opts)
}

// bratWanted reports whether the brat reader reads the file called name:
// a .txt or .ann, or a collection's annotation.conf, visual.conf or
// biaozhu.json.
func bratWanted(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".ann":
		return true
	}
	base := pathpkg.Base(filepath.ToSlash(name))
	return base == "annotation.conf" || base == "visual.conf" || base == bratMetaFile
}

// bratConfFiles are the configuration files of one folder of a
// collection, as read.
type bratConfFiles struct {
	conf, visual, meta []byte
	metaFile           string
}

// bratConf is what the reader takes from a folder's configuration: the
// layer of each type (the top-level "!GROUP" of annotation.conf's
// [entities] it is under), the names visual.conf shows for types that
// stand for them (see bratDisplays), and from biaozhu.json the documents'
// names and each type's exact layer and label.
type bratConf struct {
	dir     string
	parent  *bratConf
	group   map[string]string // type → layer, from annotation.conf
	display map[string]string // type → the name it stands for, from visual.conf
	types   map[string]bratMetaType
	rels    map[string]bratMetaRelation
	docs    map[string]bratMetaDoc // by file, relative to dir, without extension
}

// bratConfs finds a folder's configuration: its own, else its parent's.
type bratConfs map[string]*bratConf

func (cs bratConfs) find(dir string) *bratConf {
	for {
		if c, ok := cs[dir]; ok {
			return c
		}
		if dir == "." || dir == "/" || dir == "" {
			return &bratConf{}
		}
		dir = pathpkg.Dir(dir)
	}
}

// doc returns what biaozhu.json says of the document whose pair is name
// (relative to the collection, without extension).
func (c *bratConf) doc(name string) (bratMetaDoc, bool) {
	for ; c != nil; c = c.parent {
		rel := name
		if c.dir != "." && c.dir != "" {
			var ok bool
			if rel, ok = strings.CutPrefix(name, c.dir+"/"); !ok {
				continue
			}
		}
		if d, ok := c.docs[rel]; ok {
			return d, true
		}
	}
	return bratMetaDoc{}, false
}

// BratRelationLayer is the relation layer of relations read from brat
// files whose biaozhu.json does not name one.
const BratRelationLayer = "relation"

// relation gives the relation layer and type of a relation of brat type
// typ: from biaozhu.json, else BratRelationLayer and typ.
func (c *bratConf) relation(typ string) (layer, name string) {
	for x := c; x != nil; x = x.parent {
		if r, ok := x.rels[typ]; ok {
			return r.Layer, r.Name
		}
	}
	return BratRelationLayer, typ
}

// span gives the layer and label of a span of brat type typ: from
// biaozhu.json, else the layer of its group in annotation.conf (none if
// it has none) and the type as label, each the name visual.conf shows for
// it where the type stands for that name (機構 for L_6A5F_69CB).
func (c *bratConf) span(typ string) (layer, label string) {
	for x := c; x != nil; x = x.parent {
		if t, ok := x.types[typ]; ok {
			return t.Layer, t.Label
		}
	}
	name := func(t string) string {
		for x := c; x != nil; x = x.parent {
			if d, ok := x.display[t]; ok {
				return d
			}
		}
		return t
	}
	for x := c; x != nil; x = x.parent {
		if g, ok := x.group[typ]; ok {
			return name(g), name(typ)
		}
	}
	return "", name(typ)
}

// readBratConfs parses the configuration files of each folder and links
// each folder's to its nearest parent's. A biaozhu.json that is not one
// is an error naming it.
func readBratConfs(files map[string]*bratConfFiles) (bratConfs, error) {
	cs := bratConfs{}
	for dir, f := range files {
		c := &bratConf{dir: dir, group: bratGroups(f.conf), display: bratDisplays(f.visual)}
		if f.meta != nil {
			var m bratMeta
			if err := json.Unmarshal(f.meta, &m); err != nil {
				return nil, &RecordError{File: f.metaFile, Err: fmt.Errorf("not what a brat export writes there: %v", jsonError(err))}
			}
			c.types = map[string]bratMetaType{}
			for _, t := range m.Types {
				c.types[t.Type] = t
			}
			c.rels = map[string]bratMetaRelation{}
			for _, r := range m.Relations {
				c.rels[r.Type] = r
			}
			c.docs = map[string]bratMetaDoc{}
			for _, d := range m.Documents {
				c.docs[d.File] = d
			}
		}
		cs[dir] = c
	}
	for dir, c := range cs {
		for d := dir; d != "." && d != "/" && d != ""; {
			d = pathpkg.Dir(d)
			if p, ok := cs[d]; ok {
				c.parent = p
				break
			}
		}
	}
	return cs, nil
}

// bratGroups reads the [entities] section of an annotation.conf: each type
// under a top-level type marked "!" (a group, which cannot be annotated)
// maps to that group's name, which the reader takes as its layer.
func bratGroups(conf []byte) map[string]string {
	out := map[string]string{}
	section, group := "", ""
	for _, l := range strings.Split(string(conf), "\n") {
		l = strings.TrimRight(l, "\r")
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			section, group = t, ""
			continue
		}
		if section != "[entities]" {
			continue
		}
		name, _, _ := strings.Cut(t, "\t")
		name, _, _ = strings.Cut(name, "|")
		name = strings.TrimSpace(name)
		if l[0] != ' ' && l[0] != '\t' {
			group = ""
			if g, ok := strings.CutPrefix(name, "!"); ok {
				group = g
			}
			continue
		}
		if group != "" {
			out[strings.TrimPrefix(name, "!")] = group
		}
	}
	return out
}

// bratDisplays reads the [labels] section of a visual.conf ("TYPE | NAME
// | ABBREVIATION…") for the types that stand for their first display
// name: those the brat export made from a name brat cannot take as a type
// (a Chinese label, one with a space), which are bratStorage of the name,
// maybe with bratTypes's "-2", "-3"… after it. It maps each such type to
// its name. Other display names (a "Person" shown for PER) are only
// shown by brat, and not taken: the type is the label.
func bratDisplays(visual []byte) map[string]string {
	out := map[string]string{}
	section := ""
	for l := range strings.Lines(string(visual)) {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			section = t
			continue
		}
		if section != "[labels]" {
			continue
		}
		parts := strings.Split(t, "|")
		if len(parts) < 2 {
			continue
		}
		typ, name := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		stored := bratStorage(name)
		if rest, ok := strings.CutPrefix(typ, stored); name != "" && name != typ && ok && (rest == "" || bratSuffix(rest)) {
			out[typ] = name
		}
	}
	return out
}

// bratSuffix reports whether s is a suffix bratTypes.unique adds: "-"
// and a number from 2.
func bratSuffix(s string) bool {
	n, ok := strings.CutPrefix(s, "-")
	k, err := strconv.Atoi(n)
	return ok && err == nil && k >= 2 && strconv.Itoa(k) == n
}

// readFile reads a file of a brat collection; errors name it.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return data, nil
}

// bratKinds names the annotation kinds the brat reader skips.
var bratKinds = map[byte]string{'R': "relations", 'E': "events", 'A': "attributes", 'M': "attributes",
	'N': "normalizations", '*': "equivalences", '#': "notes on other annotations"}

// parseBratAnn reads the .ann file annFile of a text of runes. Under
// SkipBad a bad line is skipped (and reported in im.Skipped). R lines
// ("R1\tTYPE Arg1:T1 Arg2:T2") become relations from the first argument's
// span to the second's, of the relation layer and type biaozhu.json gives
// the type, else of layer BratRelationLayer with the type as its name; an
// R line whose arguments are not two T annotations of the file is a bad
// line; its AnnotatorNotes become the relation's note. The spans carry IDs
// (1, 2, …) that the relations refer to.
func parseBratAnn(im *Imported, opts ReadOptions, annFile string, runes []rune, data []byte, conf *bratConf) ([]annotate.Span, []annotate.Relation, error) {
	type tbound struct {
		id           string
		layer, label string
		frags        [][2]int
		line         int
		span         int64 // the ID of its (first) span
	}
	type rline struct {
		id, typ  string
		from, to string
		line     int
	}
	var rls []rline
	var tbs []*tbound
	byID := map[string]*tbound{}
	notes := map[string][]string{}
	noteLine := map[string]int{}
	skipped := map[string]int{}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	for i, l := range strings.Split(string(data), "\n") {
		ln := i + 1
		l = strings.TrimRight(l, "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		bad := func(format string, args ...any) error {
			return im.Bad(opts, &RecordError{File: annFile, Line: ln, Err: fmt.Errorf(format, args...)})
		}
		id, rest, found := strings.Cut(l, "\t")
		if !found || id == "" {
			if err := bad("no TAB after the annotation ID: %q", l); err != nil {
				return nil, nil, err
			}
			continue
		}
		switch id[0] {
		case 'T':
			mid, text, found := strings.Cut(rest, "\t")
			label, offs, found2 := strings.Cut(mid, " ")
			if !found || !found2 || label == "" {
				if err := bad("%s: want \"%s\\tTYPE START END\\tTEXT\", got %q", id, id, l); err != nil {
					return nil, nil, err
				}
				continue
			}
			if byID[id] != nil {
				if err := bad("%s appears twice (first at line %d)", id, byID[id].line); err != nil {
					return nil, nil, err
				}
				continue
			}
			tb := &tbound{id: id, line: ln}
			tb.layer, tb.label = conf.span(label)
			var problem string
			if err := annotate.CheckName("label", tb.label); err != nil {
				problem = err.Error()
			} else if tb.layer != "" {
				if err := annotate.CheckName("layer", tb.layer); err != nil {
					problem = err.Error()
				}
			}
			for part := range strings.SplitSeq(offs, ";") {
				if problem != "" {
					break
				}
				f := strings.Fields(part)
				if len(f) != 2 {
					problem = fmt.Sprintf("offsets %q: want START END", part)
					break
				}
				s, err1 := strconv.Atoi(f[0])
				e, err2 := strconv.Atoi(f[1])
				switch {
				case err1 != nil || err2 != nil:
					problem = fmt.Sprintf("offsets %q are not numbers", part)
				case s < 0 || e > len(runes):
					problem = fmt.Sprintf("offsets %d %d out of range (the text has %d characters)", s, e, len(runes))
				case s >= e:
					problem = fmt.Sprintf("offsets %d %d are reversed or empty", s, e)
				}
				if problem != "" {
					break
				}
				tb.frags = append(tb.frags, [2]int{s, e})
			}
			if problem == "" {
				texts := make([]string, len(tb.frags))
				for i, fr := range tb.frags {
					texts[i] = string(runes[fr[0]:fr[1]])
				}
				want := strings.Join(texts, " ")
				if text != want && flatLines(text) != flatLines(want) {
					problem = fmt.Sprintf("text %q is not the .txt at its offsets, %q", text, want)
				}
			}
			if problem != "" {
				if err := bad("%s: %s", id, problem); err != nil {
					return nil, nil, err
				}
				continue
			}
			tbs = append(tbs, tb)
			byID[id] = tb
		case '#':
			head, note, _ := strings.Cut(rest, "\t")
			f := strings.Fields(head)
			if len(f) == 2 && f[0] == "AnnotatorNotes" && (strings.HasPrefix(f[1], "T") || strings.HasPrefix(f[1], "R")) {
				notes[f[1]] = append(notes[f[1]], note)
				noteLine[f[1]] = ln
				continue
			}
			skipped[bratKinds['#']]++
		case 'R':
			f := strings.Fields(rest)
			if len(f) != 3 || !strings.Contains(f[1], ":T") || !strings.Contains(f[2], ":T") {
				if err := bad("%s: want \"%s\\tTYPE Arg1:Tn Arg2:Tm\", got %q", id, id, l); err != nil {
					return nil, nil, err
				}
				continue
			}
			_, a1, _ := strings.Cut(f[1], ":")
			_, a2, _ := strings.Cut(f[2], ":")
			rls = append(rls, rline{id: id, typ: f[0], from: a1, to: a2, line: ln})
		case 'E', 'A', 'M', 'N', '*':
			skipped[bratKinds[id[0]]]++
		default:
			if err := bad("unknown annotation kind %q (brat has T, R, E, A, M, N, * and #)", id); err != nil {
				return nil, nil, err
			}
		}
	}
	var spans []annotate.Span
	discont := 0
	for _, tb := range tbs {
		// Join fragments that only a line break separates.
		frags := [][2]int{tb.frags[0]}
		for _, fr := range tb.frags[1:] {
			last := &frags[len(frags)-1]
			if fr[0] >= last[1] {
				gap := runes[last[1]:fr[0]]
				if len(gap) > 0 && slices.ContainsFunc(gap, isLineBreak) && !slices.ContainsFunc(gap, func(r rune) bool { return !unicode.IsSpace(r) }) {
					last[1] = fr[1]
					continue
				}
			}
			frags = append(frags, fr)
		}
		note := strings.Join(notes[tb.id], "\n")
		delete(notes, tb.id)
		if len(frags) > 1 {
			discont++
		}
		for i, fr := range frags {
			n := note
			if len(frags) > 1 {
				n = strings.TrimSpace(note + "\n" + fmt.Sprintf("part of %s (fragment %d of %d)", tb.id, i+1, len(frags)))
			}
			spans = append(spans, annotate.Span{ID: int64(len(spans) + 1), Layer: tb.layer, Label: tb.label, Start: fr[0], End: fr[1], Note: n})
			if i == 0 {
				tb.span = int64(len(spans))
			}
		}
	}
	var rels []annotate.Relation
	for _, rl := range rls {
		from, to := byID[rl.from], byID[rl.to]
		layer, typ := conf.relation(rl.typ)
		problem := ""
		switch {
		case from == nil:
			problem = fmt.Sprintf("Arg1 %s is no T annotation of the file", rl.from)
		case to == nil:
			problem = fmt.Sprintf("Arg2 %s is no T annotation of the file", rl.to)
		case from == to:
			problem = fmt.Sprintf("both arguments are %s", rl.from)
		}
		if problem == "" {
			if err := annotate.CheckName("relation type", typ); err != nil {
				problem = err.Error()
			} else if err := annotate.CheckName("relation layer", layer); err != nil {
				problem = err.Error()
			}
		}
		if problem != "" {
			if err := im.Bad(opts, &RecordError{File: annFile, Line: rl.line, Err: fmt.Errorf("%s: %s", rl.id, problem)}); err != nil {
				return nil, nil, err
			}
			continue
		}
		rels = append(rels, annotate.Relation{Layer: layer, Type: typ, From: from.span, To: to.span, Note: strings.Join(notes[rl.id], "\n")})
		delete(notes, rl.id)
	}
	if discont > 0 {
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s: %d discontinuous T annotations: each fragment imported as a span of its own, linked by the note \"part of Tn\"", annFile, discont))
	}
	if len(notes) > 0 {
		var ids []string
		for id := range notes {
			ids = append(ids, fmt.Sprintf("%s (line %d)", id, noteLine[id]))
		}
		slices.Sort(ids)
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s: AnnotatorNotes on missing T annotations skipped: %s", annFile, strings.Join(ids, ", ")))
	}
	if len(skipped) > 0 {
		var parts []string
		for _, kind := range slices.Sorted(maps.Keys(skipped)) {
			parts = append(parts, fmt.Sprintf("%d %s", skipped[kind], kind))
		}
		im.Warnings = append(im.Warnings, fmt.Sprintf("%s: skipped what Biaozhu does not import: %s", annFile, strings.Join(parts, ", ")))
	}
	return spans, rels, nil
}
