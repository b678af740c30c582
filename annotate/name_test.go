package annotate

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// nameCases are names CheckName must accept ("" want) or refuse (want is
// part of the error).
var nameCases = []struct {
	name, want string
}{
	{"PER", ""},
	{"人名", ""},
	{"機構", ""},
	{"my label", ""},
	{"地名/國家", ""},
	{"😀", ""},
	{"👩‍💻", ""}, // a zero-width joiner (a format character, not a control) inside
	{strings.Repeat("機", 85), ""},
	{strings.Repeat("機", MaxNameLen), ""},
	{strings.Repeat("機", MaxNameLen+1), "at most 100"},
	{"", "is empty"},
	{"   ", "only white space"},
	{"\u3000", "only white space"},
	{" PER", "starts or ends with white space"},
	{"PER\u3000", "starts or ends with white space"},
	{"A\tB", "holds a tab"},
	{"A\nB", "line break"},
	{"A\r\nB", "line break"},
	{"A\u2028B", "line break"},
	{"A\x00B", "NUL"},
	{"A\x7fB", "control character U+007F"},
	{"A\u0085B", "line break"},
	{"A\uFFFFB", "not a character"},
	{"A\xffB", "not valid UTF-8"},
}

func TestCheckName(t *testing.T) {
	for _, tc := range nameCases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckName("label", tc.name)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckName(%q) = %v, want nil", tc.name, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("CheckName(%q) = %v, want an error containing %q", tc.name, err, tc.want)
			}
			var ne *NameError
			if err != nil && (!errors.As(err, &ne) || ne.Name != tc.name || ne.Kind != "label") {
				t.Errorf("CheckName(%q) = %#v, want a *NameError naming the label", tc.name, err)
			}
		})
	}
}

// TestValidateNames: Schema.Validate refuses the names CheckName refuses,
// for labels and layers, naming the layer.
func TestValidateNames(t *testing.T) {
	for _, tc := range nameCases {
		if tc.want == "" || tc.want == "is empty" || tc.want == "only white space" {
			continue // accepted, or refused by the older "has no name" check
		}
		s := &Schema{Layers: []Layer{{Name: "entity", Overlap: OverlapAllowed, Labels: []Label{{Name: tc.name, Color: "#112233"}}}}}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"entity"`) {
			t.Errorf("Validate with label %q = %v, want an error containing %q naming the layer", tc.name, err, tc.want)
		}
		s = &Schema{Layers: []Layer{{Name: tc.name, Overlap: OverlapAllowed}}}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate with layer %q = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// FuzzCheckName: a name CheckName accepts has no character a format could
// not carry in a name, and none at its ends that a reader would trim.
func FuzzCheckName(f *testing.F) {
	for _, tc := range nameCases {
		f.Add(tc.name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckName("label", name) != nil {
			return
		}
		if !utf8.ValidString(name) || strings.TrimSpace(name) != name || name == "" || utf8.RuneCountInString(name) > MaxNameLen {
			t.Fatalf("CheckName accepted %q", name)
		}
		if strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == 0x2028 || r == 0x2029 }) {
			t.Fatalf("CheckName accepted %q, which holds a control character or line break", name)
		}
	})
}
