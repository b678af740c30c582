package text

import (
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/biaozhu/biaozhu/assets"
)

// Script is the character set a Chinese text is written in.
type Script string

// The scripts Clean tells apart, by OpenCC's character tables.
const (
	ScriptUnknown     Script = ""
	ScriptSimplified  Script = "simplified"
	ScriptTraditional Script = "traditional"
)

// charInfo is what the dictionary says of one character.
type charInfo struct {
	rank    int32   // 1 = most frequent, 0 = never used
	logFreq float32 // natural log of the weighted count, 0 when never used
	script  Script
}

// charStats is how common each character is in the segmentation dictionary
// (assets.CharFreq): the evidence Decode and Clean weigh text by. The CJK
// blocks, where nearly every look-up falls, are a dense table.
type charStats struct {
	dense    []charInfo // for denseLo ≤ r < denseLo+len(dense)
	sparse   map[rune]charInfo
	logTotal float64 // natural log of the sum of all counts
}

const denseLo = 0x3000 // CJK punctuation, kana, CJK Extension A and Unified Ideographs up to U+9FFF

var (
	charStatsOnce sync.Once
	charStatsVal  *charStats
)

func loadCharStats() *charStats {
	charStatsOnce.Do(func() {
		cs := &charStats{dense: make([]charInfo, 0xA000-denseLo), sparse: map[rune]charInfo{}}
		n := 0
		var total float64
		for line := range strings.SplitSeq(assets.CharFreq, "\n") {
			f := strings.Split(line, "\t")
			if len(f) != 5 {
				continue
			}
			r := []rune(f[0])
			c, err := strconv.ParseFloat(f[1], 64)
			if len(r) != 1 || err != nil || c < 1 {
				continue
			}
			n++
			total += c
			info := charInfo{rank: int32(n), logFreq: float32(math.Log(c))}
			switch f[4] {
			case "t":
				info.script = ScriptTraditional
			case "s":
				info.script = ScriptSimplified
			}
			if i := int(r[0]) - denseLo; i >= 0 && i < len(cs.dense) {
				cs.dense[i] = info
			} else {
				cs.sparse[r[0]] = info
			}
		}
		cs.logTotal = math.Log(max(total, 1))
		charStatsVal = cs
	})
	return charStatsVal
}

func (cs *charStats) info(r rune) charInfo {
	if i := int(r) - denseLo; i >= 0 && i < len(cs.dense) {
		return cs.dense[i]
	}
	return cs.sparse[r]
}

// charRank is r's rank in the dictionary's character frequencies (1 is the
// most frequent), or 0 when the dictionary never uses r.
func charRank(r rune) int { return int(loadCharStats().info(r).rank) }

// charLogFreq is the natural log of r's weighted count in the dictionary,
// or 0 when the dictionary never uses r.
func charLogFreq(r rune) float64 { return float64(loadCharStats().info(r).logFreq) }

// charScript is ScriptSimplified for a simplified character that no
// traditional standard keeps (称, not 群), ScriptTraditional for a
// traditional character whose simplified form differs, by OpenCC's
// character tables, and ScriptUnknown otherwise.
func charScript(r rune) Script { return loadCharStats().info(r).script }
