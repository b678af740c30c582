package text

import (
	"math"
	"testing"
)

func TestSegScoreAdd(t *testing.T) {
	tests := []struct {
		name                string
		gold, pred          []string
		wantG, wantP, wantC int
	}{
		{"same", []string{"我们", "去", "北京"}, []string{"我们", "去", "北京"}, 3, 3, 3},
		{"split", []string{"我们", "去", "北京"}, []string{"我", "们", "去", "北京"}, 3, 4, 2},
		{"merged", []string{"我们", "去", "北京"}, []string{"我们去", "北京"}, 3, 2, 1},
		{"spaces removed", []string{"iPhone", "12"}, []string{"iPhone ", " ", "12"}, 2, 2, 2},
		{"space inside word", []string{"New York"}, []string{"New", "York"}, 1, 2, 0},
		{"non-BMP", []string{"𠀀", "😀好"}, []string{"𠀀", "😀", "好"}, 2, 3, 1},
		{"empty", nil, nil, 0, 0, 0},
		{"only pred", nil, []string{"a"}, 0, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s SegScore
			s.Add(tt.gold, tt.pred)
			if s.Gold != tt.wantG || s.Pred != tt.wantP || s.Correct != tt.wantC {
				t.Errorf("Add(%q, %q) = %+v, want {Gold:%d Pred:%d Correct:%d}", tt.gold, tt.pred, s, tt.wantG, tt.wantP, tt.wantC)
			}
		})
	}
}

func TestSegScoreString(t *testing.T) {
	tests := []struct {
		name     string
		s        SegScore
		want     string
		p, r, f1 float64
	}{
		{"zero", SegScore{}, "P=0.0000 R=0.0000 F1=0.0000", 0, 0, 0},
		{"perfect", SegScore{Gold: 4, Pred: 4, Correct: 4}, "P=1.0000 R=1.0000 F1=1.0000", 1, 1, 1},
		{"half", SegScore{Gold: 4, Pred: 2, Correct: 1}, "P=0.5000 R=0.2500 F1=0.3333", 0.5, 0.25, 1.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{{"P", tt.s.P(), tt.p}, {"R", tt.s.R(), tt.r}, {"F1", tt.s.F1(), tt.f1}} {
				if math.Abs(c.got-c.want) > 1e-12 {
					t.Errorf("%s() = %v, want %v", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestSegScoreAccumulates(t *testing.T) {
	var s SegScore
	s.Add([]string{"a", "b"}, []string{"a", "b"})
	s.Add([]string{"cd"}, []string{"c", "d"})
	if want := (SegScore{Gold: 3, Pred: 4, Correct: 2}); s != want {
		t.Errorf("after two sentences = %+v, want %+v", s, want)
	}
}
