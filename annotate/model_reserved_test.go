package annotate

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/biaozhu/biaozhu/assets"
)

func TestValidateReservedKeys(t *testing.T) {
	tests := []struct {
		key  string
		want string // "" = valid, else a substring of the error
	}{
		{"1", ""},
		{"a", ""},
		{"N", ""},
		{"", ""},
		{"n", `shortcut "n" is the workspace's next document key`},
		{"p", "previous document"},
		{"?", "keyboard shortcuts"},
		{"/", "split token"},
		{"=", "merge tokens"},
		{"+", "merge tokens"},
		{"c", "character mode"},
		{"t", "POS tag picker"},
		{" ", "space"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			s := &Schema{Layers: []Layer{{Name: "x", Overlap: OverlapAllowed,
				Labels: []Label{{Name: "A", Color: "#112233", Key: tt.key}}}}}
			err := s.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() with key %q = %v, want nil", tt.key, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() with key %q = %v, want an error containing %q", tt.key, err, tt.want)
			}
		})
	}
}

// TestPresetsAvoidReservedKeys checks every embedded layer preset: no
// shortcut is one the workspace keeps for itself.
func TestPresetsAvoidReservedKeys(t *testing.T) {
	files, err := fs.Glob(assets.Schemas, "schemas/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded schema presets (%v)", err)
	}
	for _, f := range files {
		data, err := assets.Schemas.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var l Layer
		if err := json.Unmarshal(data, &l); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, lb := range l.Labels {
			if cmd, ok := ReservedKeys[lb.Key]; ok {
				t.Errorf("%s: label %s has key %q, the workspace's %s key", f, lb.Name, lb.Key, cmd)
			}
		}
	}
	if err := DefaultSchema().Validate(); err != nil {
		t.Errorf("DefaultSchema().Validate() = %v", err)
	}
}
