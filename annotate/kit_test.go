package annotate

import (
	"github.com/biaozhu/biaozhu/annotate/internal/testkit"
	"github.com/biaozhu/biaozhu/annotate/text"
)

// segmenterForTest loads the Segmenter once per test binary.
var segmenterForTest = testkit.Once("NewSegmenter", text.NewSegmenter)

// kitToken is what testkit's checks read of a text.Token.
func kitToken(t text.Token) testkit.Token {
	return testkit.Token{Start: t.Start, End: t.End, Text: t.Text, POS: t.POS}
}
