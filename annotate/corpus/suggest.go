package corpus

// Suggestions (pre-annotation): spans proposed from POS tags, gazetteers
// and the project's own confirmed spans, with origin suggested, for the
// annotator to accept or reject; and "label all occurrences".

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/annotate"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// GazetteerError is a gazetteer file that cannot be used: it names the
// file and, where there is one, the line (1-based). Err is the underlying
// error (an I/O error or a *DecodeError), when there is one.
type GazetteerError struct {
	Path   string
	Line   int
	Detail string
	Err    error
}

func (e *GazetteerError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("annotate: gazetteer %s:%d: %s", e.Path, e.Line, e.Detail)
	}
	return fmt.Sprintf("annotate: gazetteer %s: %s", e.Path, e.Detail)
}

// Unwrap returns Err.
func (e *GazetteerError) Unwrap() error { return e.Err }

// Gazetteer is a list of terms, each with the label its occurrences are
// suggested as, on Layer (the suggester's layer when empty). Label is the
// label of terms whose line names none. Warnings are the lines that were
// skipped, each naming the file and line.
type Gazetteer struct {
	Name, Path, Layer, Label string
	Terms                    map[string]string // term → label
	Warnings                 []string

	lines map[string]int // term → the line it was read from
}

// maxGazetteerWarnings is how many warnings a Gazetteer keeps; the rest
// are counted in one last warning.
const maxGazetteerWarnings = 100

// LoadGazetteer reads the gazetteer file at path (see ParseGazetteer):
// its terms are suggested on layer, as label unless a line names another.
func LoadGazetteer(path, layer, label string) (*Gazetteer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		detail := err.Error()
		if pe, ok := errors.AsType[*os.PathError](err); ok {
			detail = pe.Err.Error()
		}
		return nil, &GazetteerError{Path: path, Detail: detail, Err: err}
	}
	return ParseGazetteer(path, data, layer, label)
}

// ParseGazetteer reads a gazetteer from the bytes of the file at path
// (path names it in errors and warnings). The format:
//
//   - Any encoding Decode reads (UTF-8 with or without a BOM, UTF-16 with
//     a BOM, GB18030/GBK, Big5); line ends "\n", "\r\n" or "\r". Bytes
//     that are not text give a *GazetteerError naming the file, wrapping
//     Decode's *DecodeError.
//   - One term per line, optionally followed by a tab and its label
//     (term<TAB>label); columns after a second tab (a frequency, say) are
//     ignored. A line without a label gets label (the default); with no
//     default either, the line is an error naming the file and line.
//   - Terms and labels are trimmed of spaces and byte order marks
//     (U+FEFF, as a file made by concatenating files has); spaces inside a
//     term are kept and must match the text exactly. Matching is exact:
//     no case or traditional/simplified folding.
//   - A line whose first non-space character is '#' is a comment (so a
//     term cannot begin with '#').
//   - Empty lines (only spaces) and lines with a label but no term are
//     skipped with a warning naming the file and line; so is a term
//     holding U+FFFD (bytes that did not decode), which could never match.
//     A final line end is not an empty line. At most 100 warnings are
//     kept, the rest counted in a last one.
//   - A term that appears again with the same label is ignored; with
//     another label, the first line wins and the later one is warned.
//   - A file with no term at all is an error.
//
// Labels are not checked here (the schema is not known): Gazetteer.Check
// does, naming the file and line of a label the layer does not have.
func ParseGazetteer(path string, data []byte, layer, label string) (*Gazetteer, error) {
	src, _, err := text.Decode(path, data)
	if err != nil {
		detail := err.Error()
		if de, ok := errors.AsType[*text.DecodeError](err); ok {
			detail = fmt.Sprintf("not a text file: %s (byte %d)", de.Reason, de.Offset)
		}
		return nil, &GazetteerError{Path: path, Detail: detail, Err: err}
	}
	label = trimTerm(label)
	g := &Gazetteer{Name: filepath.Base(path), Path: path, Layer: layer, Label: label,
		Terms: map[string]string{}, lines: map[string]int{}}
	dropped := 0
	warn := func(line int, format string, args ...any) {
		if len(g.Warnings) >= maxGazetteerWarnings {
			dropped++
			return
		}
		g.Warnings = append(g.Warnings, fmt.Sprintf("%s:%d: ", path, line)+fmt.Sprintf(format, args...))
	}
	n := 0
	for len(src) > 0 {
		var line string
		line, src, _ = strings.Cut(src, "\n")
		n++
		t := trimTerm(line)
		switch {
		case t == "":
			warn(n, "empty line skipped")
			continue
		case t[0] == '#':
			continue
		}
		term, lab, _ := strings.Cut(line, "\t")
		lab, _, _ = strings.Cut(lab, "\t")
		term, lab = trimTerm(term), trimTerm(lab)
		if term == "" {
			warn(n, "no term before the label %q; line skipped", lab)
			continue
		}
		if strings.ContainsRune(term, utf8.RuneError) {
			warn(n, "term %q holds undecodable bytes (U+FFFD); line skipped", term)
			continue
		}
		if lab == "" {
			lab = label
		}
		if lab == "" {
			return nil, &GazetteerError{Path: path, Line: n,
				Detail: fmt.Sprintf("term %q has no label (write term<TAB>label, or choose a label for the whole file)", term)}
		}
		if prev, ok := g.Terms[term]; ok {
			if prev != lab {
				warn(n, "term %q is already %s (line %d); label %s ignored", term, prev, g.lines[term], lab)
			}
			continue
		}
		g.Terms[term] = lab
		g.lines[term] = n
	}
	if dropped > 0 {
		g.Warnings = append(g.Warnings, fmt.Sprintf("%s: %d more warnings", path, dropped))
	}
	if len(g.Terms) == 0 {
		return nil, &GazetteerError{Path: path, Detail: "no terms (one term per line, optionally term<TAB>label)"}
	}
	return g, nil
}

// trimTerm trims spaces and byte order marks.
func trimTerm(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
}

// layerOr is g's layer, or def when g names none.
func (g *Gazetteer) layerOr(def string) string {
	if g.Layer != "" {
		return g.Layer
	}
	return def
}

// Check checks g against schema: its layer (defLayer when g names none)
// exists and has every label g uses. The error names the file and the line
// of the first term whose label the layer lacks.
func (g *Gazetteer) Check(schema *annotate.Schema, defLayer string) error {
	name := g.Path
	if name == "" {
		name = g.Name
	}
	layer, ok := schema.Layer(g.layerOr(defLayer))
	if !ok {
		return &GazetteerError{Path: name, Detail: fmt.Sprintf("no layer %q in the schema (layers: %s)",
			g.layerOr(defLayer), strings.Join(schema.LayerNames(), ", "))}
	}
	line, bad, badTerm := 0, "", ""
	for term, lab := range g.Terms {
		if _, ok := layer.Label(lab); ok {
			continue
		}
		l := g.lines[term]
		if bad == "" || l < line || l == line && term < badTerm {
			line, bad, badTerm = l, lab, term
		}
	}
	if bad != "" {
		return &GazetteerError{Path: name, Line: line, Detail: fmt.Sprintf("term %q: label %q is not in layer %q (labels: %s)",
			badTerm, bad, layer.Name, strings.Join(layer.LabelNames(), ", "))}
	}
	return nil
}

// SuggestOptions choose the sources of suggestions. Layer is the layer of
// POS and confirmed-string suggestions and of gazetteers that name none
// (the schema's first layer when empty). POS suggests the tokens whose POS
// tag a label of Layer lists (Label.POS); Gazetteers suggest their terms;
// Confirmed suggests the strings the project has confirmed (see
// ConfirmedStrings). InsideWords lets gazetteer terms and confirmed
// strings match inside tokens; otherwise a match must start at a token's
// start and end at a token's end. Rejected is the project's evidence
// against strings (RejectedStrings): a POS or gazetteer candidate whose
// text and label the annotator rejected anywhere is not made again.
type SuggestOptions struct {
	Layer       string
	POS         bool
	Gazetteers  []*Gazetteer
	Confirmed   bool
	InsideWords bool
	Rejected    map[string]map[string]int // text → label → times rejected
}

// Check checks opts against schema: the layer exists and every
// gazetteer's labels are in its layer (the error names the file and
// line). NewSuggester does not refuse what Check refuses: it skips it,
// with a warning.
func (opts SuggestOptions) Check(schema *annotate.Schema) error {
	layer := opts.layer(schema)
	if _, ok := schema.Layer(layer); !ok && (opts.POS || opts.Confirmed) {
		return fmt.Errorf("annotate: suggestions: no layer %q in the schema (layers: %s)", layer, strings.Join(schema.LayerNames(), ", "))
	}
	for _, g := range opts.Gazetteers {
		if err := g.Check(schema, layer); err != nil {
			return err
		}
	}
	return nil
}

func (opts SuggestOptions) layer(schema *annotate.Schema) string {
	if opts.Layer == "" && len(schema.Layers) > 0 {
		return schema.Layers[0].Name
	}
	return opts.Layer
}

// The sources of suggestions, in order of precedence.
const (
	sourceConfirmed uint8 = iota
	sourceGazetteer
	sourcePOS
)

// sgTarget is a layer and label suggestions are made as.
type sgTarget struct {
	layer int // index into Suggester.layers
	label string
}

// sgEntry is one (term, target) of the trie; entries of a node are linked.
type sgEntry struct {
	target int32
	source uint8
	next   int32
}

// Suggester makes suggestions for documents, from the sources its
// options chose. It is built once (the gazetteers' terms into a trie) and
// is safe for concurrent Suggest calls.
type Suggester struct {
	insideWords bool
	rejected    map[string]map[string]int
	layers      []string // layers suggested on
	forbid      []bool   // layers[i] forbids overlaps
	targets     []sgTarget
	pos         map[string]int32 // POS tag → target

	// The trie of gazetteer terms and confirmed strings: node 0 is the
	// root; edges maps parent<<32 | rune to the child.
	edges   map[uint64]int32
	root    []int32 // the root's children for runes < len(root), 0 for none
	head    []int32 // node → its first entry, -1 for none
	entries []sgEntry
	maxLen  int

	warnings []string
}

// NewSuggester builds a suggester over schema with opts. confirmed maps
// strings to labels of opts.Layer (ConfirmedStrings); it is used only
// when opts.Confirmed is set. Sources that do not fit the schema — a
// layer it lacks, a label the layer lacks (SuggestOptions.Check names
// them) — are skipped; Warnings lists them.
//
// For POS, each tag goes to the first label of the layer (in schema
// order) that lists it in Label.POS.
func NewSuggester(schema *annotate.Schema, opts SuggestOptions, confirmed map[string]string) *Suggester {
	s := &Suggester{insideWords: opts.InsideWords, rejected: opts.Rejected, pos: map[string]int32{},
		edges: map[uint64]int32{}, head: []int32{-1}}
	if schema == nil {
		schema = &annotate.Schema{}
	}
	targetIDs := map[sgTarget]int32{}
	target := func(layerName, label string) (int32, bool) {
		layer, ok := schema.Layer(layerName)
		if !ok {
			return 0, false
		}
		if _, ok := layer.Label(label); !ok {
			return 0, false
		}
		li := slices.Index(s.layers, layerName)
		if li < 0 {
			li = len(s.layers)
			s.layers = append(s.layers, layerName)
			s.forbid = append(s.forbid, layer.Overlap == annotate.OverlapForbidden)
		}
		t := sgTarget{li, label}
		id, ok := targetIDs[t]
		if !ok {
			id = int32(len(s.targets))
			s.targets = append(s.targets, t)
			targetIDs[t] = id
		}
		return id, true
	}
	layerName := opts.layer(schema)
	layer, haveLayer := schema.Layer(layerName)
	if (opts.POS || opts.Confirmed) && !haveLayer {
		s.warn("suggestions: no layer %q in the schema: POS and confirmed-string suggestions skipped", layerName)
	}
	if opts.Confirmed && haveLayer {
		terms := make([]string, 0, len(confirmed))
		for term := range confirmed {
			terms = append(terms, term)
		}
		sort.Strings(terms) // a deterministic trie and warning order
		for _, term := range terms {
			lab := confirmed[term]
			id, ok := target(layerName, lab)
			if !ok {
				s.warn("suggestions: confirmed string %q: label %q is not in layer %q; skipped", term, lab, layerName)
				continue
			}
			s.insert(term, id, sourceConfirmed)
		}
	}
	for _, g := range opts.Gazetteers {
		if g == nil {
			continue
		}
		gl := g.layerOr(layerName)
		terms := make([]string, 0, len(g.Terms))
		for term := range g.Terms {
			terms = append(terms, term)
		}
		// In file order, so that warnings come in line order.
		sort.Slice(terms, func(i, j int) bool {
			a, b := g.lines[terms[i]], g.lines[terms[j]]
			if a != b {
				return a < b
			}
			return terms[i] < terms[j]
		})
		warned := map[string]bool{}
		for _, term := range terms {
			lab := g.Terms[term]
			id, ok := target(gl, lab)
			if !ok {
				if !warned[lab] {
					warned[lab] = true
					where := g.Path
					if l := g.lines[term]; l > 0 {
						where = fmt.Sprintf("%s:%d", g.Path, l)
					}
					s.warn("gazetteer %s: term %q: label %q is not in layer %q; its terms are skipped", where, term, lab, gl)
				}
				continue
			}
			s.insert(term, id, sourceGazetteer)
		}
	}
	if opts.POS && haveLayer {
		for _, lb := range layer.Labels {
			for _, tag := range lb.POS {
				if _, ok := s.pos[tag]; ok {
					continue
				}
				if id, ok := target(layerName, lb.Name); ok {
					s.pos[tag] = id
				}
			}
		}
	}
	return s
}

func (s *Suggester) warn(format string, args ...any) {
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

// Warnings lists the sources NewSuggester skipped, and why.
func (s *Suggester) Warnings() []string { return slices.Clone(s.warnings) }

func edgeKey(node int32, r rune) uint64 { return uint64(node)<<32 | uint64(uint32(r)) }

// sgRootSize is how many runes (the Basic Multilingual Plane) the root's
// table of children covers; the trie's first step, taken at every
// position of the text, is then an array load.
const sgRootSize = 0x10000

// child returns node's child by r, 0 for none.
func (s *Suggester) child(node int32, r rune) int32 {
	if node == 0 && r >= 0 && r < rune(len(s.root)) {
		return s.root[r]
	}
	return s.edges[edgeKey(node, r)]
}

// insert adds term with target to the trie; a term already there with the
// same target keeps its first (higher precedence) source.
func (s *Suggester) insert(term string, target int32, source uint8) {
	if term == "" {
		return
	}
	node, n := int32(0), 0
	for _, r := range term {
		k := edgeKey(node, r)
		child, ok := s.edges[k]
		if !ok {
			child = int32(len(s.head))
			s.head = append(s.head, -1)
			s.edges[k] = child
			if node == 0 && r >= 0 && r < sgRootSize {
				if s.root == nil {
					s.root = make([]int32, sgRootSize)
				}
				s.root[r] = child
			}
		}
		node = child
		n++
	}
	for e := s.head[node]; e >= 0; e = s.entries[e].next {
		if s.entries[e].target == target {
			return
		}
	}
	s.entries = append(s.entries, sgEntry{target: target, source: source, next: s.head[node]})
	s.head[node] = int32(len(s.entries) - 1)
	s.maxLen = max(s.maxLen, n)
}

// sgCandidate is a possible suggestion: [start, end) as target, from
// source; order breaks ties within a source.
type sgCandidate struct {
	start, end int32
	target     int32
	source     uint8
	order      int32  // the entry, or the token for POS
	pos        string // the token's tag, for POS
}

// Reason says where a suggestion comes from, for the annotator to judge
// it: Source is "confirmed" (the string is labelled so elsewhere in the
// project), "gazetteer" or "pos" (the token's tag, POS, maps to the
// label).
type Reason struct {
	Source string
	POS    string
}

// Skipped counts the candidates Suggest left out as noise, by why (the
// annotator is told, so that "no new suggestions" is not a mystery).
type Skipped struct {
	// SingleChars: one-character tokens with a name's tag (gse tags lone
	// surnames and characters such as 王 or 省 nr or ns).
	SingleChars int
	// Rejected: the annotator rejected the text with that label before,
	// in this document or elsewhere in the project.
	Rejected int
	// NotName: a person's name tag on what is not shaped like a Chinese
	// name (2 or 3 characters, 4 with a two-character surname, or a
	// transliteration with ·): 嚴格執行 nr in gse's dictionary.
	NotName int
	// InCompound: a place or organisation tag on a word right after a
	// common noun, where it is the head of a compound (常識 普及 ns).
	InCompound int
}

// Total is the number of candidates skipped.
func (k Skipped) Total() int { return k.SingleChars + k.Rejected + k.NotName + k.InCompound }

// Add adds o's counts to k.
func (k *Skipped) Add(o Skipped) {
	k.SingleChars += o.SingleChars
	k.Rejected += o.Rejected
	k.NotName += o.NotName
	k.InCompound += o.InCompound
}

// compoundSurnames are the two-character surnames a four-character name
// may start with.
var compoundSurnames = []string{"欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "夏侯", "皇甫", "尉迟", "尉遲", "公孙", "公孫", "慕容", "令狐", "司徒", "长孙", "長孫", "宇文", "端木", "轩辕", "軒轅", "独孤", "獨孤", "澹台", "澹臺", "南宫", "南宮", "西门", "西門", "范姜", "张简", "張簡"}

// nameShaped reports whether w may be a person's name: 2 or 3 characters,
// 4 starting with a two-character surname, or a transliteration (·).
func nameShaped(w []rune) bool {
	switch {
	case slices.Contains(w, '·') || slices.Contains(w, '•') || slices.Contains(w, '‧'):
		return true
	case len(w) == 2 || len(w) == 3:
		return true
	case len(w) == 4:
		return slices.Contains(compoundSurnames, string(w[:2]))
	}
	return false
}

// noise reports whether the candidate of token k of d (from its POS tag)
// is segmenter noise, and counts it in sk under its reason.
func noise(d *annotate.Document, rs []rune, k int, sk *Skipped) bool {
	t := d.Tokens[k]
	switch {
	case strings.HasPrefix(t.POS, "nr") && t.POS != "nrt":
		if !nameShaped(rs[t.Start:t.End]) {
			sk.NotName++
			return true
		}
	case t.POS == "ns" || t.POS == "nt":
		if k > 0 {
			prev := d.Tokens[k-1]
			if prev.End == t.Start && (prev.POS == "n" || prev.POS == "vn") {
				sk.InCompound++
				return true
			}
		}
	}
	return false
}

type sgPlace struct {
	layer      int
	start, end int32
}

// spanKey is a span's place and label.
type spanKey struct {
	layer, label string
	start, end   int
}

func keyOf(sp annotate.Span) spanKey { return spanKey{sp.Layer, sp.Label, sp.Start, sp.End} }

// Suggest returns the spans the suggester proposes for d, sorted by
// start, then end, with origin suggested and no ID; d is not changed.
//
// Candidates come from the three sources: confirmed strings and gazetteer
// terms wherever they occur in the text (every occurrence, including ones
// nested in or overlapping others; token-aligned unless InsideWords — a
// document without tokens is matched character by character), and every
// token of more than one character whose POS tag maps to a label (a
// one-character token is never suggested from its tag: gse tags lone
// surnames and characters such as 省 nr or ns; adjacent tokens, such as a
// surname and given name gse split, stay separate suggestions).
//
// Candidates are taken longest first, then earliest, then by source
// (confirmed strings, then gazetteers in the order given, then POS), and a
// candidate is dropped when:
//
//   - a span of its layer already lies at exactly its place (whatever its
//     label or origin: the annotator has decided about that place, and a
//     suggestion made earlier is not made twice);
//   - d.Rejected holds a span of its layer, label, start and end;
//   - its layer forbids overlaps and it overlaps a span of that layer;
//   - it overlaps a suggestion of the same layer: one d holds (origin
//     suggested) or one already taken in this run. Suggestions never
//     overlap each other, even in a layer that allows overlaps, and a
//     second run over an unchanged document suggests nothing.
//
// A rejected or already-present candidate does not block shorter ones.
func (s *Suggester) Suggest(d *annotate.Document) []annotate.Span {
	spans, _, _ := s.SuggestWhy(d)
	return spans
}

// SuggestWhy is Suggest, and says why: the reason for each suggestion (in
// the order of the spans) and the candidates skipped as noise. Beyond what
// Suggest's documentation lists, a POS candidate is skipped (and counted)
// when it is one character, when it is not shaped as its tag says
// (Skipped), and a POS or gazetteer candidate when its text was rejected
// with its label anywhere in the project (SuggestOptions.Rejected) or in
// d.
func (s *Suggester) SuggestWhy(d *annotate.Document) ([]annotate.Span, []Reason, Skipped) {
	var sk Skipped
	if len(s.targets) == 0 {
		return nil, nil, sk
	}
	rs := []rune(d.Text)
	n := len(rs)
	aligned := !s.insideWords && len(d.Tokens) > 0
	var startOK, endOK []bool
	if aligned {
		startOK, endOK = make([]bool, n+1), make([]bool, n+1)
		for _, t := range d.Tokens {
			if t.Start >= 0 && t.Start < t.End && t.End <= n {
				startOK[t.Start], endOK[t.End] = true, true
			}
		}
	}
	var cands []sgCandidate
	if len(s.entries) > 0 {
		for i := range n {
			if aligned && !startOK[i] {
				continue
			}
			node := int32(0)
			for j := i; j < n && j-i < s.maxLen; j++ {
				node = s.child(node, rs[j])
				if node == 0 {
					break
				}
				if aligned && !endOK[j+1] {
					continue
				}
				for e := s.head[node]; e >= 0; e = s.entries[e].next {
					en := s.entries[e]
					cands = append(cands, sgCandidate{start: int32(i), end: int32(j + 1), target: en.target, source: en.source, order: e})
				}
			}
		}
	}
	if len(s.pos) > 0 {
		for k, t := range d.Tokens {
			if t.Start < 0 || t.End > n || t.Start >= t.End {
				continue
			}
			id, ok := s.pos[t.POS]
			switch {
			case !ok:
			case t.End-t.Start < 2:
				sk.SingleChars++
			case noise(d, rs, k, &sk):
			default:
				cands = append(cands, sgCandidate{start: int32(t.Start), end: int32(t.End), target: id, source: sourcePOS, order: int32(k), pos: t.POS})
			}
		}
	}
	if len(cands) == 0 {
		return nil, nil, sk
	}
	slices.SortFunc(cands, func(a, b sgCandidate) int {
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return int(lb - la)
		}
		if a.start != b.start {
			return int(a.start - b.start)
		}
		if a.source != b.source {
			return int(a.source) - int(b.source)
		}
		return int(a.order - b.order)
	})

	// What d already holds, in the layers suggested on.
	layerIdx := make(map[string]int, len(s.layers))
	for i, l := range s.layers {
		layerIdx[l] = i
	}
	occupied := make([][]bool, len(s.layers))
	for i := range occupied {
		occupied[i] = make([]bool, n)
	}
	places := map[sgPlace]bool{}
	for _, sp := range d.Spans {
		li, ok := layerIdx[sp.Layer]
		if !ok {
			continue
		}
		places[sgPlace{li, int32(sp.Start), int32(sp.End)}] = true
		if s.forbid[li] || sp.Origin == annotate.OriginSuggested {
			for k := max(sp.Start, 0); k < min(sp.End, n); k++ {
				occupied[li][k] = true
			}
		}
	}
	rejected := make(map[spanKey]bool, len(d.Rejected))
	for _, sp := range d.Rejected {
		rejected[keyOf(sp)] = true
	}
	type made struct {
		span   annotate.Span
		reason Reason
	}
	var out []made
	counted := map[spanKey]bool{} // rejected candidates counted once
next:
	for _, c := range cands {
		t := s.targets[c.target]
		if places[sgPlace{t.layer, c.start, c.end}] {
			continue
		}
		key := spanKey{s.layers[t.layer], t.label, int(c.start), int(c.end)}
		if rejected[key] || c.source != sourceConfirmed && s.rejected[string(rs[c.start:c.end])][t.label] > 0 {
			if !counted[key] {
				counted[key] = true
				sk.Rejected++
			}
			continue
		}
		occ := occupied[t.layer]
		for k := c.start; k < c.end; k++ {
			if occ[k] {
				continue next
			}
		}
		for k := c.start; k < c.end; k++ {
			occ[k] = true
		}
		r := Reason{Source: [...]string{"confirmed", "gazetteer", "pos"}[c.source], POS: c.pos}
		out = append(out, made{annotate.Span{Layer: s.layers[t.layer], Label: t.label, Start: int(c.start), End: int(c.end), Origin: annotate.OriginSuggested}, r})
	}
	slices.SortFunc(out, func(x, y made) int {
		a, b := x.span, y.span
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return a.End - b.End
		}
		return strings.Compare(a.Layer, b.Layer)
	})
	if len(out) == 0 {
		return nil, nil, sk
	}
	spans, reasons := make([]annotate.Span, len(out)), make([]Reason, len(out))
	for i, m := range out {
		spans[i], reasons[i] = m.span, m.reason
	}
	return spans, reasons, sk
}

// SuggestEdit is the edit that adds spans (Suggest's) to d as
// suggestions: a Batch of AddSpan, named "suggest N spans", each with
// origin suggested. Spans that d already holds at the same layer, label,
// start and end, that d.Rejected holds, or that lie outside the text (d
// changed since Suggest ran) are left out.
func SuggestEdit(d *annotate.Document, spans []annotate.Span) annotate.Edit {
	have := map[spanKey]bool{}
	for _, list := range [][]annotate.Span{d.Spans, d.Rejected} {
		for _, sp := range list {
			have[keyOf(sp)] = true
		}
	}
	n := utf8.RuneCountInString(d.Text)
	edits := make([]annotate.Edit, 0, len(spans))
	for _, sp := range spans {
		if sp.Start < 0 || sp.End > n || sp.Start >= sp.End || have[keyOf(sp)] {
			continue
		}
		sp.ID, sp.Origin = 0, annotate.OriginSuggested
		edits = append(edits, annotate.AddSpan{Span: sp})
	}
	return annotate.Batch{Name: plural(len(edits), "suggest %d span", "suggest %d spans"), Edits: edits}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf(one, n)
	}
	return fmt.Sprintf(many, n)
}

// AcceptAll is the edit that accepts every suggestion of d in layer (all
// layers when layer is ""): a Batch of SetOrigin manual, named "accept N
// suggestions". With nothing to accept the Batch is empty, and an Editor
// applies it as no step.
func AcceptAll(d *annotate.Document, layer string) annotate.Edit {
	var edits []annotate.Edit
	for _, sp := range d.Spans {
		if sp.Origin == annotate.OriginSuggested && (layer == "" || sp.Layer == layer) {
			edits = append(edits, annotate.SetOrigin{ID: sp.ID, Origin: annotate.OriginManual})
		}
	}
	return annotate.Batch{Name: plural(len(edits), "accept %d suggestion", "accept %d suggestions"), Edits: edits}
}

// RejectAll is the edit that rejects every suggestion of d in layer (all
// layers when layer is ""): a Batch of Reject, named "reject N
// suggestions"; rejected places are not suggested again.
func RejectAll(d *annotate.Document, layer string) annotate.Edit {
	var edits []annotate.Edit
	for _, sp := range d.Spans {
		if sp.Origin == annotate.OriginSuggested && (layer == "" || sp.Layer == layer) {
			edits = append(edits, annotate.Reject{ID: sp.ID})
		}
	}
	return annotate.Batch{Name: plural(len(edits), "reject %d suggestion", "reject %d suggestions"), Edits: edits}
}

// RejectedStrings maps each text the annotator rejected a suggestion of
// in layer, anywhere in the project, to its labels and how many times
// (SuggestOptions.Rejected).
func RejectedStrings(p *annotate.Project, layer string) (map[string]map[string]int, error) {
	rows, err := p.RejectedSpanTexts(layer)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]int{}
	for _, x := range rows {
		if out[x.Text] == nil {
			out[x.Text] = map[string]int{}
		}
		out[x.Text][x.Label] += x.N
	}
	return out, nil
}

// ConfirmedStrings maps each string the project's manual and imported
// spans of layer cover (the span's text) to its label: when a string has
// spans of several labels, the label of the most spans, ties to the first
// label name in byte order. Strings of only spaces are left out;
// suggested spans count for nothing. It reads the project file's span
// table (one query), not the documents.
func ConfirmedStrings(p *annotate.Project, layer string) (map[string]string, error) {
	rows, err := p.ConfirmedSpanTexts(layer)
	if err != nil {
		return nil, err
	}
	best := map[string]annotate.SpanTextCount{}
	for _, x := range rows {
		if strings.TrimSpace(x.Text) == "" {
			continue
		}
		b, ok := best[x.Text]
		if !ok || x.N > b.N || x.N == b.N && x.Label < b.Label {
			best[x.Text] = x
		}
	}
	out := make(map[string]string, len(best))
	for text, x := range best {
		out[text] = x.Label
	}
	return out, nil
}

// LabelAll returns the edits that label every other occurrence of text in
// d as layer/label: an AddSpan (origin manual) at each occurrence that is
// not already so labelled and does not conflict, and a SetOrigin manual
// at each occurrence that holds that very span as a suggestion (labelling
// it accepts it). Wrap them in a Batch to apply them as one step.
//
// Occurrences are found left to right without overlapping each other
// ("哈哈" occurs once in "哈哈哈"). Unless insideWords, an occurrence must
// start at a token's start and end at a token's end (a document without
// tokens is matched anywhere). An occurrence conflicts when it overlaps,
// without being exactly it, any span of the same layer: LabelAll has no
// schema, so it treats every layer as one that forbids overlaps, which
// keeps the batch valid whatever the layer's rule. Rejected places are
// labelled too: label-all is the annotator's own decision.
func LabelAll(d *annotate.Document, text, layer, label string, insideWords bool) []annotate.Edit {
	if text == "" {
		return nil
	}
	n := utf8.RuneCountInString(d.Text)
	occupied := make([]bool, n)
	same := map[[2]int]annotate.Span{}
	for _, sp := range d.Spans {
		if sp.Layer != layer {
			continue
		}
		if sp.Label == label {
			same[[2]int{sp.Start, sp.End}] = sp
		}
		for k := max(sp.Start, 0); k < min(sp.End, n); k++ {
			occupied[k] = true
		}
	}
	aligned := !insideWords && len(d.Tokens) > 0
	tokenStart := func(cp int) bool {
		i := d.TokenAt(cp)
		return i >= 0 && d.Tokens[i].Start == cp
	}
	tokenEnd := func(cp int) bool {
		i := d.TokenAt(cp - 1)
		return i >= 0 && d.Tokens[i].End == cp
	}
	tl := utf8.RuneCountInString(text)
	var edits []annotate.Edit
	cp, b := 0, 0 // code point cp starts at byte b of d.Text
	for {
		i := strings.Index(d.Text[b:], text)
		if i < 0 {
			break
		}
		cp += utf8.RuneCountInString(d.Text[b : b+i])
		start, end := cp, cp+tl
		if aligned && (!tokenStart(start) || !tokenEnd(end)) {
			// Not on token boundaries: look again one character on (哈|哈哈
			// holds 哈哈 at 1, not at 0).
			_, size := utf8.DecodeRuneInString(d.Text[b+i:])
			b += i + size
			cp++
			continue
		}
		b += i + len(text)
		cp = end
		if sp, ok := same[[2]int{start, end}]; ok {
			if sp.Origin == annotate.OriginSuggested {
				edits = append(edits, annotate.SetOrigin{ID: sp.ID, Origin: annotate.OriginManual})
			}
			continue
		}
		free := true
		for k := start; k < end; k++ {
			if occupied[k] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		edits = append(edits, annotate.AddSpan{Span: annotate.Span{Layer: layer, Label: label, Start: start, End: end, Origin: annotate.OriginManual}})
	}
	return edits
}
