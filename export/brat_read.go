// The brat reader: a collection (folder or .zip) or a .txt/.ann pair read
// one document at a time, its configuration (annotation.conf's groups,
// visual.conf's display names, biaozhu.json's exact names) and its T, R,
// and AnnotatorNotes lines.

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
