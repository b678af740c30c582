package text

// What the Learner's external tests (package text_test: the simulated
// annotator, which corrects text through annotate's Editor as the
// annotator does, and the Learner's benchmarks, which read the same UD
// sentences) use of this package's tests and of a Learner's insides.

var (
	SegmenterForTest = segmenterForTest
	BenchText        = benchText
	GoldTokens       = goldTokens
	MadeUp           = madeUp
	TokenSpans       = tokenSpans
	KitToken         = kitToken
)

const MaxFused = maxFused

// LearnerSegmenter returns the Segmenter l segments as before it learns.
func LearnerSegmenter(l *Learner) *Segmenter { return l.seg }

// LearnerWeights returns how many features l has a weight for.
func LearnerWeights(l *Learner) int { return l.wts.n }
