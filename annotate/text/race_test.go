//go:build race

package text

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = true
