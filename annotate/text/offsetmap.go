package text

import "sort"

// OffsetRun says that Len consecutive code points of the clean text,
// starting at Clean, come from the raw text starting at Raw.
type OffsetRun struct {
	Clean int `json:"clean"`
	Raw   int `json:"raw"`
	Len   int `json:"len"`
}

// OffsetMap maps every code point of the clean text back to its position
// in the raw (decoded) text. It is kept as runs, so a file of 50 MB that
// cleaning barely changes costs a few runs, not an int per character.
// Runs are sorted by Clean and cover the clean text without gaps.
type OffsetMap []OffsetRun

// Len is the length of the clean text the map covers, in code points.
func (m OffsetMap) Len() int {
	if len(m) == 0 {
		return 0
	}
	last := m[len(m)-1]
	return last.Clean + last.Len
}

// Raw is the raw-text code point that clean-text code point clean comes
// from. For clean == m.Len() it is the raw position just after the last
// mapped character; it is -1 outside [0, m.Len()].
func (m OffsetMap) Raw(clean int) int {
	if clean < 0 || clean > m.Len() || len(m) == 0 {
		return -1
	}
	if clean == m.Len() {
		last := m[len(m)-1]
		return last.Raw + last.Len
	}
	i := sort.Search(len(m), func(i int) bool { return m[i].Clean+m[i].Len > clean })
	return m[i].Raw + clean - m[i].Clean
}

// appendPos extends the map with one clean code point at the end that
// comes from raw position raw.
func (m *OffsetMap) appendPos(raw int) {
	n := len(*m)
	if n > 0 {
		last := &(*m)[n-1]
		if last.Raw+last.Len == raw {
			last.Len++
			return
		}
		(*m) = append(*m, OffsetRun{Clean: last.Clean + last.Len, Raw: raw, Len: 1})
		return
	}
	*m = append(*m, OffsetRun{Clean: 0, Raw: raw, Len: 1})
}

// appendMap extends the map with another map whose clean positions start
// at zero.
func (m *OffsetMap) appendMap(o OffsetMap) {
	for _, r := range o {
		if n := len(*m); n > 0 && (*m)[n-1].Raw+(*m)[n-1].Len == r.Raw {
			(*m)[n-1].Len += r.Len
			continue
		}
		*m = append(*m, OffsetRun{Clean: m.Len(), Raw: r.Raw, Len: r.Len})
	}
}
