package text

// Sentence is a [Start, End) range of the clean text, in code points.
type Sentence struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Token is a word of the segmentation: [Start, End) in code points of the
// clean text, its exact text (a slice of the clean text, never lowercased)
// and its part-of-speech tag. Edited is set on tokens the annotator made or
// changed (split, merge, POS): re-segmentation leaves them alone.
type Token struct {
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Text   string `json:"text"`
	POS    string `json:"pos"`
	Edited bool   `json:"edited,omitempty"`
}

// MarkKind says what a Mark records.
type MarkKind string

// The kinds of Mark that cleaning leaves in the Report.
const (
	// MarkDamage is text that stands where characters were lost or garbled;
	// it is kept in the clean text so the annotator sees it.
	MarkDamage MarkKind = "damage"
	// MarkRepaired is text that cleaning repaired; Original holds what
	// stood there before.
	MarkRepaired MarkKind = "repaired"
	// MarkPinyinHint is pinyin removed after a damage mark: a hint to what
	// the lost character was. It points at the damage it followed.
	MarkPinyinHint MarkKind = "pinyin-hint"
)

// Mark is a position in the clean text with a kind. Start and End are code
// points into the clean text; RawStart and RawEnd into the raw (decoded)
// text.
type Mark struct {
	Kind  MarkKind `json:"kind"`
	Start int      `json:"start"`
	End   int      `json:"end"`
	// Cause says why a damage mark was made: "lost" (a ?, \ or U+FFFD
	// standing for a lost character) or "garbled" (a run of characters
	// that are not the text's, such as mis-decoded bytes).
	Cause    string `json:"cause,omitempty"`
	Text     string `json:"text"`
	Original string `json:"original,omitempty"`
	RawStart int    `json:"raw_start"`
	RawEnd   int    `json:"raw_end"`
}
