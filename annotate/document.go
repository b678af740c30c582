package annotate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/biaozhu/biaozhu/annotate/text"
)

// Document is one text of a project: the raw (decoded) text, the clean text
// with its map back to raw, what cleaning found, the sentences, the token
// layer and the span layers, with its status and document-level labels. All
// offsets are code points into Text. NewDocument fills the pipeline's part
// (Process's Result); a Project fills the rest (ID, Source, Hash, times)
// when it stores it.
type Document struct {
	ID     int64  `json:"id,omitempty"`
	Name   string `json:"name"`
	Source string `json:"source,omitempty"` // the file it was imported from
	// Hash is what an import recognises a file it has imported before by:
	// the SHA-256 (hex) of the file's bytes for a text import, of the
	// clean text for an annotated import. Documents are matched across
	// project files by TextHash instead, which is always the text's.
	Hash      string          `json:"hash,omitempty"`
	Raw       string          `json:"-"`
	Text      string          `json:"text"`
	RawMap    text.OffsetMap  `json:"raw_map"`
	Report    text.Report     `json:"report"`
	Sentences []text.Sentence `json:"sentences"`
	Tokens    []text.Token    `json:"tokens"`
	Spans     []Span          `json:"spans,omitempty"` // sorted by Start, then End, then ID
	// Relations link spans (sorted by ID). In a document on its way into
	// a project (Adder.Add), From and To are the IDs its spans carry
	// then, which the Adder maps to the IDs it gives them.
	Relations []Relation `json:"relations,omitempty"`
	// Comments holds the comment lines an imported file gave its
	// sentences (a CoNLL-U treebank's "# sent_id = …", "# text = …" and
	// any others), each as the file had it, by the Start of the sentence
	// (in Sentences) they belong to. They belong to the sentence, not to
	// a span or token, so no edit drops them; nothing edits them.
	Comments map[int][]string `json:"comments,omitempty"`
	// TokensFrom says where the tokens came from: "" for the segmenter,
	// TokensImported for an annotated file that carried its own (gold)
	// tokens, which re-segmentation leaves as they are.
	TokensFrom string `json:"tokens_from,omitempty"`
	// Rejected holds the places where the annotator rejected a suggestion
	// (layer, label, start, end; sorted like Spans): the same suggestion is
	// not made there again.
	Rejected []Span    `json:"rejected,omitempty"`
	Status   Status    `json:"status,omitempty"`
	Labels   []string  `json:"labels,omitempty"` // document-level labels
	Created  time.Time `json:"created,omitzero"`
	Updated  time.Time `json:"updated,omitzero"`
	// DeclinedRelations holds the places of a curation project where the
	// curator declined every annotator's relations (DeclineRelations;
	// sorted by layer, then source, then target).
	DeclinedRelations []RelationPlace `json:"declined_relations,omitempty"`

	index text.TextIndex // code point → byte offset checkpoints of Text
	owner any            // a Project's state of the document, kept alive by it
	// compact is the token layer of a document on its way into a project
	// (see SegmentForStore), Tokens being nil: Adder.Add (under
	// AddDocumentsContext or AddDocumentsFrom) encodes it from there.
	compact *text.Segmentation
}

// NewDocument makes the Document of a text the pipeline processed
// (Process's Result): its name, texts, offset map, report, sentences and
// tokens — left in their compact form when r holds them so
// (ProcessCompact), for Adder.Add to encode — with StatusNew. It is where
// a Result becomes a Document.
func NewDocument(r *text.Result) *Document {
	return &Document{Name: r.Name, Raw: r.Raw, Text: r.Text, RawMap: r.RawMap, Report: r.Report,
		Sentences: r.Sentences, Tokens: r.Tokens, Status: StatusNew, compact: r.Compact}
}

// SegmentForStore segments d — its Sentences, found first when nil — with
// seg as SegmentSentencesContext does, for a document about to be stored
// by Adder.Add (an importer's, through AddDocumentsContext or
// AddDocumentsFrom): the tokens stay in the compact
// form segmentation makes them in (some 3 bytes a token, where a Token
// takes 56 and the token layer of a 100 MB text 1.2 GB) and d.Tokens stays nil;
// Adder.Add writes the token layer straight from that form, the
// same bytes SegmentSentencesContext's tokens would give. Such a document
// is for storing only: once stored, Project.Document loads it with its
// tokens. d must have no tokens.
func SegmentForStore(ctx context.Context, seg *text.Segmenter, d *Document) error {
	if d.Tokens != nil {
		return fmt.Errorf("annotate: document %q: segment for storing: it has tokens already", d.Name)
	}
	if d.Sentences == nil {
		var err error
		if d.Sentences, err = text.SentencesContext(ctx, d.Text); err != nil {
			return err
		}
	}
	s, err := text.SegmentCompact(ctx, seg, d.Text, d.Sentences)
	if err != nil {
		return err
	}
	d.compact = s
	return nil
}

func (d *Document) textIndex() *text.TextIndex {
	if !d.index.Indexes(d.Text) {
		d.index.Build(d.Text)
	}
	return &d.index
}

// Chars returns the number of code points of the clean text.
func (d *Document) Chars() int { return d.textIndex().Len() }

// Slice returns the clean text's code points [start, end); offsets are
// clamped to the text.
func (d *Document) Slice(start, end int) string {
	x := d.textIndex()
	start, end = max(0, min(start, x.Len())), max(0, min(end, x.Len()))
	if start >= end {
		return ""
	}
	return d.Text[x.ByteOffset(start):x.ByteOffset(end)]
}

// TextHash is the SHA-256 (hex) of the document's clean text: what matches
// a document across project files (the copies handed to annotators, the
// files they send back, a curation project), whatever the documents' names,
// IDs, sources or encodings — a file renamed on its way still matches.
func (d *Document) TextHash() string { return HashText(d.Text) }

// HashText is the SHA-256 of s, hex, hashed a piece at a time ([]byte(s)
// would copy a long text whole).
func HashText(s string) string {
	h := sha256.New()
	var buf [32 << 10]byte
	for len(s) > 0 {
		n := copy(buf[:], s)
		h.Write(buf[:n])
		s = s[n:]
	}
	return hex.EncodeToString(h.Sum(nil))
}
