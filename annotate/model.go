package annotate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/biaozhu/biaozhu/assets"
)

// Status is where a Document stands in the annotator's work.
type Status string

// The statuses of a Document.
const (
	StatusNew        Status = "new"
	StatusInProgress Status = "in progress"
	StatusDone       Status = "done"
)

// Statuses lists every Status in order.
var Statuses = []Status{StatusNew, StatusInProgress, StatusDone}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// TokensImported is Document.TokensFrom for tokens read from an annotated
// file.
const TokensImported = "imported"

// Origin says where a Span came from.
type Origin string

// The origins of a Span.
const (
	OriginManual    Origin = "manual"    // made by the annotator
	OriginSuggested Origin = "suggested" // proposed, not yet accepted
	OriginImported  Origin = "imported"  // read from an annotated file
)

// Valid reports whether o is a known Origin.
func (o Origin) Valid() bool {
	return o == OriginManual || o == OriginSuggested || o == OriginImported
}

// Overlap is a Layer's rule for spans that overlap.
type Overlap string

// The overlap rules of a Layer.
const (
	OverlapAllowed   Overlap = "allowed"
	OverlapForbidden Overlap = "forbidden"
)

// Span is a labelled [Start, End) range of a Document's clean text, in code
// points, on one Layer. ID is unique in the project.
type Span struct {
	ID        int64  `json:"id"`
	Layer     string `json:"layer"`
	Label     string `json:"label"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Note      string `json:"note,omitempty"`
	Origin    Origin `json:"origin"`
	Annotator string `json:"annotator,omitempty"`
	// Extra is what the file the span was read from said of it that
	// Biaozhu keeps without editing it: for a word of a CoNLL-U treebank
	// (a span of a token-tag layer) the file's lines of the word (see
	// export's CoNLL-U reader), so that an export writes them back.
	Extra string `json:"extra,omitempty"`
}

// String is the span as errors show it: 12 [3,7) PER "焦作市".
func (s Span) String() string {
	return fmt.Sprintf("%d [%d,%d) %s", s.ID, s.Start, s.End, s.Label)
}

// Label is one label of a Layer: its name, colour ("#rrggbb"), shortcut key
// and description. POS lists the part-of-speech tags whose tokens are
// suggested as this label (the entity preset: PER from nr, LOC from ns, ORG
// from nt).
type Label struct {
	Name        string   `json:"name"`
	Color       string   `json:"color"`
	Key         string   `json:"key,omitempty"`
	Description string   `json:"description,omitempty"`
	POS         []string `json:"pos,omitempty"`
}

// Layer is a named set of spans with its labels and overlap rule.
type Layer struct {
	Name        string  `json:"name"`
	Overlap     Overlap `json:"overlap"`
	Description string  `json:"description,omitempty"`
	Labels      []Label `json:"labels"`
}

// Label returns the layer's label called name.
func (l *Layer) Label(name string) (*Label, bool) {
	for i := range l.Labels {
		if l.Labels[i].Name == name {
			return &l.Labels[i], true
		}
	}
	return nil, false
}

// LabelNames lists the layer's label names in order.
func (l *Layer) LabelNames() []string {
	names := make([]string, len(l.Labels))
	for i, lb := range l.Labels {
		names[i] = lb.Name
	}
	return names
}

// Tag is one POS tag of a Tagset.
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Tagset is a named POS tagset.
type Tagset struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Tags        []Tag  `json:"tags"`
}

// Has reports whether the tagset has a tag called name.
func (t *Tagset) Has(name string) bool {
	for _, g := range t.Tags {
		if g.Name == name {
			return true
		}
	}
	return false
}

// Schema is what a project annotates: its span layers with their labels,
// its POS tagset and its relation layers with their types.
type Schema struct {
	POS       Tagset          `json:"pos"`
	Layers    []Layer         `json:"layers"`
	Relations []RelationLayer `json:"relations,omitempty"`
}

// Layer returns the schema's layer called name.
func (s *Schema) Layer(name string) (*Layer, bool) {
	for i := range s.Layers {
		if s.Layers[i].Name == name {
			return &s.Layers[i], true
		}
	}
	return nil, false
}

// LayerNames lists the schema's layer names in order.
func (s *Schema) LayerNames() []string {
	names := make([]string, len(s.Layers))
	for i, l := range s.Layers {
		names[i] = l.Name
	}
	return names
}

// Clone returns a deep copy of s.
func (s *Schema) Clone() *Schema {
	c := &Schema{POS: s.POS, Layers: slices.Clone(s.Layers), Relations: cloneRelationLayers(s.Relations)}
	c.POS.Tags = slices.Clone(s.POS.Tags)
	for i := range c.Layers {
		c.Layers[i].Labels = slices.Clone(c.Layers[i].Labels)
	}
	return c
}

// ReservedKeys are the keys the workspace uses for its own commands, each
// with what it does. They are never label shortcuts: Validate refuses a
// label whose key is one of them.
var ReservedKeys = map[string]string{
	"n": "next document",
	"p": "previous document",
	"?": "keyboard shortcuts",
	"/": "split token",
	"=": "merge tokens",
	"+": "merge tokens",
	"c": "character mode",
	"t": "POS tag picker",
	"l": "label picker",
	"r": "relation mode",
	" ": "space",
}

// MaxNameLen is the longest name a layer or label may have, in characters.
const MaxNameLen = 100

// NameError is a layer or label name CheckName refuses: Kind ("layer" or
// "label"), the Name and what is wrong with it. Its message has no package
// prefix: whoever refuses the name says where it came from (the file and
// line of an import, the schema editor).
type NameError struct {
	Kind    string
	Name    string
	Problem string
}

func (e *NameError) Error() string { return fmt.Sprintf("%s %q %s", e.Kind, e.Name, e.Problem) }

// CheckName checks the name of a layer or label (kind says which, for the
// error): not empty nor only white space, no white space at either end, at
// most MaxNameLen characters of valid UTF-8, and no control characters
// (TAB, line breaks, NUL…), line or paragraph separators or
// non-characters (U+FFFE, U+FFFF), which no export format can carry in a
// name: CoNLL columns, brat lines and XML would break. It is the one check
// of names, at every boundary a name comes in by (Schema.Validate, so the
// schema editor; every import). Errors are *NameError.
func CheckName(kind, name string) error {
	bad := func(format string, args ...any) error {
		return &NameError{Kind: kind, Name: name, Problem: fmt.Sprintf(format, args...)}
	}
	switch {
	case name == "":
		return bad("is empty")
	case !utf8.ValidString(name):
		return bad("is not valid UTF-8")
	case strings.TrimSpace(name) == "":
		return bad("is only white space")
	}
	for _, r := range name {
		switch {
		case r == '\t':
			return bad("holds a tab")
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			return bad("holds a line break (%U)", r)
		case r == 0:
			return bad("holds a NUL character")
		case unicode.IsControl(r):
			return bad("holds the control character %U", r)
		case r == 0xFFFE || r == 0xFFFF:
			return bad("holds %U, which is not a character", r)
		}
	}
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return bad("starts or ends with white space")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return bad("is %d characters long; at most %d", n, MaxNameLen)
	}
	return nil
}

// Validate checks the schema: names non-empty and unique, overlap rules
// known, colours "#rrggbb", shortcut keys one character, unique across the
// schema and not in ReservedKeys; every layer and label name passes
// CheckName; the relation layers as validateRelations says.
func (s *Schema) Validate() error {
	layers := map[string]bool{}
	keys := map[string]string{}
	for _, l := range s.Layers {
		if strings.TrimSpace(l.Name) == "" {
			return fmt.Errorf("annotate: schema: a layer has no name")
		}
		if err := CheckName("layer", l.Name); err != nil {
			return fmt.Errorf("annotate: schema: %w", err)
		}
		if layers[l.Name] {
			return fmt.Errorf("annotate: schema: layer %q appears twice", l.Name)
		}
		layers[l.Name] = true
		if l.Overlap != OverlapAllowed && l.Overlap != OverlapForbidden {
			return fmt.Errorf("annotate: schema: layer %q: overlap must be %q or %q, not %q", l.Name, OverlapAllowed, OverlapForbidden, l.Overlap)
		}
		labels := map[string]bool{}
		for _, lb := range l.Labels {
			if strings.TrimSpace(lb.Name) == "" {
				return fmt.Errorf("annotate: schema: layer %q: a label has no name", l.Name)
			}
			if err := CheckName("label", lb.Name); err != nil {
				return fmt.Errorf("annotate: schema: layer %q: %w", l.Name, err)
			}
			if labels[lb.Name] {
				return fmt.Errorf("annotate: schema: layer %q: label %q appears twice", l.Name, lb.Name)
			}
			labels[lb.Name] = true
			if !validColor(lb.Color) {
				return fmt.Errorf("annotate: schema: label %s/%s: colour %q is not #rrggbb", l.Name, lb.Name, lb.Color)
			}
			if lb.Key != "" {
				if utf8.RuneCountInString(lb.Key) != 1 {
					return fmt.Errorf("annotate: schema: label %s/%s: shortcut %q is not one key", l.Name, lb.Name, lb.Key)
				}
				if cmd, ok := ReservedKeys[lb.Key]; ok {
					return fmt.Errorf("annotate: schema: label %s/%s: shortcut %q is the workspace's %s key", l.Name, lb.Name, lb.Key, cmd)
				}
				if other, ok := keys[lb.Key]; ok {
					return fmt.Errorf("annotate: schema: label %s/%s: shortcut %q is already %s", l.Name, lb.Name, lb.Key, other)
				}
				keys[lb.Key] = l.Name + "/" + lb.Name
			}
		}
	}
	tags := map[string]bool{}
	for _, g := range s.POS.Tags {
		if strings.TrimSpace(g.Name) == "" || tags[g.Name] {
			return fmt.Errorf("annotate: schema: POS tagset %q: tag %q is empty or appears twice", s.POS.Name, g.Name)
		}
		tags[g.Name] = true
	}
	return s.validateRelations()
}

func validColor(c string) bool {
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	for _, b := range []byte(c[1:]) {
		if !('0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F') {
			return false
		}
	}
	return true
}

// POSPreset returns the embedded POS tagset called name: "gse" (gse's
// ICTCLAS-style tags, what the segmenter emits) or "upos" (Universal
// Dependencies).
func POSPreset(name string) (Tagset, error) {
	var t Tagset
	data, err := assets.Schemas.ReadFile("schemas/pos-" + name + ".json")
	if err != nil {
		return t, fmt.Errorf("annotate: no POS preset %q (presets: gse, upos)", name)
	}
	if err := json.Unmarshal(data, &t); err != nil {
		return t, fmt.Errorf("annotate: POS preset %q: %v", name, err)
	}
	return t, nil
}

// Gloss is what a POS tag (or a tagset) is, in short, in each language of
// the user interface; the embedded tagset presets carry them (a project's
// own tagset has only its Description).
type Gloss struct {
	En   string `json:"en"`
	Hans string `json:"zh_Hans"` // simplified Chinese
	Hant string `json:"zh_Hant"` // traditional Chinese (Taiwan)
}

// In returns the gloss in the language of BCP 47 tag lang ("en", "zh-Hans",
// "zh-Hant", "zh-TW"…): traditional for zh-Hant, zh-TW, zh-HK and zh-MO,
// simplified for other Chinese, English otherwise; "" when the gloss has
// none in that language.
func (g Gloss) In(lang string) string {
	l := strings.ToLower(strings.ReplaceAll(lang, "_", "-"))
	switch {
	case strings.HasPrefix(l, "zh-hant"), l == "zh-tw", l == "zh-hk", l == "zh-mo":
		return g.Hant
	case strings.HasPrefix(l, "zh"):
		return g.Hans
	}
	return g.En
}

// PresetGlosses returns the glosses of the embedded POS preset called name
// (see POSPreset): the tagset's and each tag's, by tag name.
func PresetGlosses(name string) (tagset Gloss, tags map[string]Gloss, err error) {
	var f struct {
		Gloss Gloss `json:"gloss"`
		Tags  []struct {
			Name  string `json:"name"`
			Gloss Gloss  `json:"gloss"`
		} `json:"tags"`
	}
	data, err := assets.Schemas.ReadFile("schemas/pos-" + name + ".json")
	if err != nil {
		return tagset, nil, fmt.Errorf("annotate: no POS preset %q (presets: gse, upos)", name)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return tagset, nil, fmt.Errorf("annotate: POS preset %q: %v", name, err)
	}
	tags = make(map[string]Gloss, len(f.Tags))
	for _, t := range f.Tags {
		tags[t.Name] = t.Gloss
	}
	return f.Gloss, tags, nil
}

// EntityPreset returns the embedded entity layer: PER, LOC, ORG, GPE, TIME
// and MISC, overlaps forbidden, shortcut keys 1 to 6.
func EntityPreset() Layer {
	var l Layer
	data, err := assets.Schemas.ReadFile("schemas/entities.json")
	if err == nil {
		err = json.Unmarshal(data, &l)
	}
	if err != nil {
		panic("annotate: embedded entity preset: " + err.Error()) // a build error, caught by the tests
	}
	return l
}

// EntityGlosses returns the glosses of the embedded entity layer (see
// EntityPreset), by description: the layer's and each label's Description
// as the preset has it (and a new project holds it, "人名 person") gives
// its gloss in each language. A description the annotator changed is no
// longer among them.
func EntityGlosses() map[string]Gloss {
	var f struct {
		Description string `json:"description"`
		Gloss       Gloss  `json:"gloss"`
		Labels      []struct {
			Description string `json:"description"`
			Gloss       Gloss  `json:"gloss"`
		} `json:"labels"`
	}
	data, err := assets.Schemas.ReadFile("schemas/entities.json")
	if err == nil {
		err = json.Unmarshal(data, &f)
	}
	if err != nil {
		panic("annotate: embedded entity preset: " + err.Error()) // a build error, caught by the tests
	}
	g := map[string]Gloss{f.Description: f.Gloss}
	for _, lb := range f.Labels {
		g[lb.Description] = lb.Gloss
	}
	return g
}

// DefaultSchema is the schema of a new project: gse's POS tagset and the
// entity layer.
func DefaultSchema() *Schema {
	pos, err := POSPreset("gse")
	if err != nil {
		panic(err) // a build error, caught by the tests
	}
	return &Schema{POS: pos, Layers: []Layer{EntityPreset()}}
}

// DocumentSummary is what a project's document list shows, read without
// loading the document's text or layers.
type DocumentSummary struct {
	ID     int64
	Name   string
	Source string
	Status Status
	Labels []string
	Chars  int // code points of the clean text
	Tokens int
	Spans  int // every span, suggestions included
	// Suggested is how many of Spans are suggestions (origin suggested),
	// not yet accepted or rejected.
	Suggested int
	Tagged    int // tokens with an edited POS or segmentation
	Damage    int // damage marks left by cleaning
	// TokensFrom is Document.TokensFrom: "" or TokensImported.
	TokensFrom string
	Created    time.Time
	Updated    time.Time
}
