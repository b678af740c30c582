//go:build !race

package annotate

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = false
