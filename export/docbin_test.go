package export

import "testing"

// TestSpacyID: a string's ID is spaCy's: its symbol number, else the
// MurmurHash64A of its UTF-8 with seed 1 (the value spaCy's documentation
// gives for "coffee").
func TestSpacyID(t *testing.T) {
	tests := []struct {
		s    string
		want uint64
	}{{"", 0}, {"coffee", 3197928453018144401}, {"ORTH", 65}, {"NOUN", 92}, {"SPACE", 103}, {"ORG", 383}, {"FLAG19", 19}, {"DEPRECATED001", 104}}
	for _, tt := range tests {
		if got := spacyID(tt.s); got != tt.want {
			t.Errorf("spacyID(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
