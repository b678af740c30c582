package text

import (
	"reflect"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
)

// segmentReference is the token layer as SegmentSentences made it before
// the compact form: every piece segmented into Tokens at document offsets,
// then the whole document's tokens cut at every sentence boundary they
// cross. It returns the tokens and how many more the cutting made.
func segmentReference(seg *Segmenter, text string, sents []Sentence) ([]Token, int) {
	var sc scratch
	var all []Token
	for _, p := range segmentPieces(text, sents) {
		w := runeWalker{s: p.text}
		for _, t := range seg.segmentInto(nil, &sc, p.text) {
			t.Text = p.text[w.seek(t.Start):w.seek(t.End)]
			t.Start += p.start
			t.End += p.start
			all = append(all, t)
		}
	}
	n := len(all)
	cut := cutAtSentences(all, sents, text)
	return cut, len(cut) - n
}

// TestSegmentForStoreMatches: the tokens SegmentSentences gives are
// those of the code before the compact form (segmentReference), which
// annotate's TestSegmentForStoreMatches stores and compares with what
// the store encodes from the compact form (SegmentCompact, through
// SegmentForStore). Sentences are the text's own, and also every 7
// characters, so that tokens cross boundaries and are cut.
func TestSegmentForStoreMatches(t *testing.T) {
	seg := segmenterForTest(t)
	for _, tc := range testkit.CompactTexts() {
		for _, mode := range []string{"sentences", "every 7 characters"} {
			t.Run(tc.Name+"/"+mode, func(t *testing.T) {
				text := testkit.CompactText(t, tc.Name, tc.Text)
				sents := Sentences(text)
				if mode != "sentences" {
					sents = testkit.EveryN(text, 7, func(s, e int) Sentence { return Sentence{Start: s, End: e} })
				}
				want, cuts := segmentReference(seg, text, sents)
				if mode != "sentences" && cuts == 0 && len(text) > 1000 { // a short text may have no word across one
					t.Fatalf("no token crosses a boundary every 7 characters: the cutting is not tested")
				}
				if got := SegmentSentences(seg, text, sents); !reflect.DeepEqual(got, want) {
					t.Errorf("SegmentSentences differs from the reference at token %d", testkit.FirstDiff(got, want))
				}
			})
		}
	}
}

// TestImportTokensMatch: Process's tokens are those of the code
// before the compact form (segmentReference), which annotate's
// TestImportTokensMatch compares with what the text importer stores.
func TestImportTokensMatch(t *testing.T) {
	seg := segmenterForTest(t)
	for i, tc := range testkit.CompactTexts() {
		t.Run(tc.Name, func(t *testing.T) {
			text := testkit.CompactText(t, tc.Name, tc.Text)
			path := strings.Repeat("x", i+1) + ".txt"
			ref, err := Process(path, []byte(text), seg, DefaultCleanOptions())
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := segmentReference(seg, ref.Text, ref.Sentences); !reflect.DeepEqual(ref.Tokens, want) {
				t.Errorf("Process's tokens differ from the reference at token %d", testkit.FirstDiff(ref.Tokens, want))
			}
		})
	}
}
