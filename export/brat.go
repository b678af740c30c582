package export

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
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
	RegisterReader(&Reader{Name: "brat", Read: readBrat,
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

// bratType is label as a brat type: letters, digits, - and _ kept, any
// other character (white space, and what annotation.conf gives a meaning:
// ! < > : = , | # ;) written as _.
func bratType(label string) string {
	t := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, label)
	if t == "" {
		return "_"
	}
	return t
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
// document NAME.txt (the text, UTF-8, as it is) and NAME.ann (see
// bratName), one T line per span of the layers written ("T1\tLABEL START
// END\tTEXT", code-point offsets, end-exclusive, as brat's Python reads
// them; brat's web UI miscounts after characters outside the BMP, brat
// #1115) and "#1\tAnnotatorNotes T1\tNOTE" per note (line breaks in a note
// become spaces, with a warning). A span that crosses a line break is
// written as brat itself writes one: discontinuous, a fragment per line
// ("0 5;6 10"), TEXT the fragments joined by a space; the brat reader joins
// such fragments back into one span. Labels become brat types (see
// bratType; a changed label is warned about). brat has no layers: the
// spans of every layer written go into one .ann. annotation.conf lists the
// types under [entities] (so that brat opens the folder) and visual.conf
// gives each the label's colour ([drawing]) and, where the type is not
// the label, the label as its display name ([labels]).
func writeBrat(j *Job, dir string) error {
	layers := j.Layers()
	write := map[string]bool{}
	for _, l := range layers {
		write[l] = true
	}
	var types []string
	typeLabel := map[string]string{} // brat type → label it came from
	colours := map[string]string{}
	addType := func(label, colour string) string {
		t := bratType(label)
		if _, ok := typeLabel[t]; !ok {
			typeLabel[t] = label
			types = append(types, t)
			if colour != "" {
				colours[t] = colour
			}
		}
		return t
	}
	for _, ln := range layers {
		l, _ := j.Schema.Layer(ln)
		for _, lb := range l.Labels {
			addType(lb.Name, lb.Color)
		}
	}
	warned := map[string]bool{}
	k := 0
	err := j.Each(func(d *Doc) error {
		k++
		name := bratName(k, d.Name)
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(d.Document.Text), 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		var ann strings.Builder
		tn, nn, split, flat := 0, 0, 0, 0
		for _, sp := range d.Spans {
			if !write[sp.Layer] {
				continue
			}
			typ := addType(sp.Label, "")
			if from := typeLabel[typ]; (typ != sp.Label || from != sp.Label) && !warned[sp.Label] {
				warned[sp.Label] = true
				if from != sp.Label {
					j.Warn(d, sp.ID, "label %q written as brat type %q, which label %q is written as too", sp.Label, typ, from)
				} else {
					j.Warn(d, sp.ID, "label %q written as brat type %q (brat types hold no white space or ! < > : = , | # ;)", sp.Label, typ)
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
						flat++
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
				split++
			}
			tn++
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
		if split > 0 {
			j.Warn(d, 0, "%d spans cross a line break: written as brat writes them, one fragment per line", split)
		}
		if flat > 0 {
			j.Warn(d, 0, "%d spans of line breaks only: their TEXT written with spaces", flat)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".ann"), []byte(ann.String()), 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var conf, visual strings.Builder
	conf.WriteString("[entities]\n")
	visual.WriteString("[labels]\n")
	for _, t := range types {
		conf.WriteString(t + "\n")
		if typeLabel[t] != t {
			visual.WriteString(t + " | " + strings.Join(strings.Fields(typeLabel[t]), " ") + "\n")
		}
	}
	conf.WriteString("\n[relations]\n\n[events]\n\n[attributes]\n")
	visual.WriteString("\n[drawing]\n")
	for _, t := range types {
		if c := colours[t]; c != "" {
			visual.WriteString(t + "\tbgColor:" + c + "\n")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "annotation.conf"), []byte(conf.String()), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "visual.conf"), []byte(visual.String()), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// bratPair is one document of a brat collection: its name (the path
// without extension, relative to the collection) and the two files, read
// when the document is made (one pair in memory at a time).
type bratPair struct {
	name             string
	txtFile, annFile string // as errors name them
	txt, ann         func() ([]byte, error)
}

// readBrat imports brat standoff: path is a .txt or .ann file (its pair
// is the same name with the other extension), a folder (every pair in it
// and its subfolders) or a .zip of pairs. A .txt without .ann is a
// document without spans; an .ann without .txt is a bad record. The text
// is the .txt as it is (UTF-8; offsets are code points). T lines become
// spans (layer left to the importer); their TEXT must be the .txt at
// their offsets (line breaks and tabs compared as spaces). A discontinuous
// T line ("0 5;16 23") whose fragments are separated only by white space
// with a line break (what brat writes for a span across lines) becomes one
// span; otherwise each fragment is a span of its own, with the note "part
// of Tn (fragment i of k)" and a warning. "#n\tAnnotatorNotes Tn\tNOTE"
// becomes the span's note (several are joined by line breaks). Other
// kinds (R, E, A, M, N, *, and notes of other kinds) are skipped and
// counted in a warning.
func readBrat(path string, opts ReadOptions) (*Imported, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	pairs := map[string]*bratPair{}
	add := func(rel, file string, data func() ([]byte, error)) {
		ext := strings.ToLower(filepath.Ext(rel))
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
			if ext := strings.ToLower(filepath.Ext(p)); ext != ".txt" && ext != ".ann" {
				return nil
			}
			rel, _ := filepath.Rel(path, p)
			add(filepath.ToSlash(rel), p, func() ([]byte, error) { return readFile(p) })
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	case strings.EqualFold(filepath.Ext(path), ".zip"):
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, fmt.Errorf("export: %s: %w", path, err)
		}
		defer zr.Close()
		budget := &zipBudget{file: path, entry: zipEntryLimit, total: zipTotalLimit}
		for _, zf := range zr.File {
			if zf.FileInfo().IsDir() {
				continue
			}
			if ext := strings.ToLower(filepath.Ext(zf.Name)); ext != ".txt" && ext != ".ann" {
				continue
			}
			if err := budget.check(zf); err != nil { // sizes, before anything is read
				return nil, err
			}
			add(zf.Name, path+"/"+zf.Name, func() ([]byte, error) { return readZipEntry(path, zf) })
		}
	default:
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".txt" && ext != ".ann" {
			return nil, fmt.Errorf("export: %s: brat input is a .txt or .ann file, a folder or a .zip", path)
		}
		stem := strings.TrimSuffix(path, filepath.Ext(path))
		for _, e := range []string{".txt", ".ann"} {
			_, err := os.Stat(stem + e)
			if errors.Is(err, fs.ErrNotExist) && e != ext {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("export: %w", err)
			}
			add(filepath.Base(stem)+e, stem+e, func() ([]byte, error) { return readFile(stem + e) })
		}
	}
	im := &Imported{}
	keys := slices.Sorted(maps.Keys(pairs))
	if len(keys) == 0 {
		return nil, fmt.Errorf("export: %s: no brat .txt/.ann files", path)
	}
	for _, k := range keys {
		p := pairs[k]
		if p.txt == nil {
			if err := im.Bad(opts, &RecordError{File: p.annFile, Err: errors.New("no .txt beside it")}); err != nil {
				return nil, err
			}
			continue
		}
		txt, err := p.txt()
		if err != nil {
			return nil, err
		}
		if !utf8.Valid(txt) {
			if err := im.Bad(opts, &RecordError{File: p.txtFile, Err: errors.New("not UTF-8")}); err != nil {
				return nil, err
			}
			continue
		}
		doc := &annotate.Document{Name: filepath.Base(p.name), Text: string(txt)}
		if p.ann != nil {
			ann, err := p.ann()
			if err != nil {
				return nil, err
			}
			spans, err := parseBratAnn(im, opts, p.annFile, []rune(doc.Text), ann)
			if err != nil {
				return nil, err
			}
			doc.Spans = spans
		}
		im.Docs = append(im.Docs, doc)
	}
	return im, nil
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
// SkipBad a bad line is skipped (and reported in im.Skipped).
func parseBratAnn(im *Imported, opts ReadOptions, annFile string, runes []rune, data []byte) ([]annotate.Span, error) {
	type tbound struct {
		id    string
		label string
		frags [][2]int
		line  int
	}
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
				return nil, err
			}
			continue
		}
		switch id[0] {
		case 'T':
			mid, text, found := strings.Cut(rest, "\t")
			label, offs, found2 := strings.Cut(mid, " ")
			if !found || !found2 || label == "" {
				if err := bad("%s: want \"%s\\tTYPE START END\\tTEXT\", got %q", id, id, l); err != nil {
					return nil, err
				}
				continue
			}
			if byID[id] != nil {
				if err := bad("%s appears twice (first at line %d)", id, byID[id].line); err != nil {
					return nil, err
				}
				continue
			}
			tb := &tbound{id: id, label: label, line: ln}
			var problem string
			for part := range strings.SplitSeq(offs, ";") {
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
					return nil, err
				}
				continue
			}
			tbs = append(tbs, tb)
			byID[id] = tb
		case '#':
			head, note, _ := strings.Cut(rest, "\t")
			f := strings.Fields(head)
			if len(f) == 2 && f[0] == "AnnotatorNotes" && strings.HasPrefix(f[1], "T") {
				notes[f[1]] = append(notes[f[1]], note)
				noteLine[f[1]] = ln
				continue
			}
			skipped[bratKinds['#']]++
		case 'R', 'E', 'A', 'M', 'N', '*':
			skipped[bratKinds[id[0]]]++
		default:
			if err := bad("unknown annotation kind %q (brat has T, R, E, A, M, N, * and #)", id); err != nil {
				return nil, err
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
			spans = append(spans, annotate.Span{Label: tb.label, Start: fr[0], End: fr[1], Note: n})
		}
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
	return spans, nil
}
