package text

import (
	"reflect"
	"strings"
	"testing"
)

// compactTexts are the texts the importers' compact token path is checked
// on: UD GSD's sentences (simplified, and traditional on one line),
// dialogue, a list and a table, a 100,000-character line without
// punctuation (cut into pieces at maxSegmentRun), text that cleaning
// changes (its raw text is not its text) and text with characters beyond
// the BMP (code points are not UTF-16 units).
func compactTexts(tb testing.TB) []struct{ name, text string } {
	var long strings.Builder
	han := []rune("的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反你明看原又麼利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已通並提直題黨程展五果料象員革位入常文總次品式活設及管特件長求老頭基資邊流路級少圖山統接知較將組見計別她手角期根論運農指幾九區強放決西被幹做必戰先回則任取據處隊南給色光門即保治北造百規熱領七海口東導器壓志世金增爭濟階油思術極交受聯什認六共權收證改清己美再採轉更單風切打白教速花帶安場身車例真務具萬每目至達走積示議聲報鬥完類八離華名確才科張信馬節話米整空元況今集溫傳土許步群廣石記需段研界拉林律叫且究觀越織裝影算低持音眾書布复容兒須際商非驗連斷深難近礦千週委素技備半辦青省列習響約支般史感勞便團往酸歷市克何除消構府稱太準精值號率族維劃選標寫存候毛親快效斯院查江型眼王按格養易置派層片始卻專狀育廠京識適屬圓包火住調滿縣局照參紅細引聽該鐵價嚴")
	for long.Len() < 100_000*3 {
		long.WriteString(string(han))
	}
	longLine := string([]rune(long.String())[:100_000])
	return []struct{ name, text string }{
		{"dialogue", "第一章　開始\n\n「你好嗎？」他問。\n「很好！」她說，然後走了……\n" +
			"甲：你今天去哪兒了？乙：我在第三號會議室開會。\n——那是二〇二一年的事⋯⋯「真的嗎？！」\n" +
			"一、蘋果；二、香蕉；三、橘子。\n| 名稱 | 數量 |\n| 蘋果 | 3 |\n價格：蘋果 5 元／斤，梨 3.5 元。Yahoo!Japan 與 1,000 人。\n"},
		{"long line", longLine},
		{"cleaned", "  第一行。  \r\n\r\n\r\n\r\n第二行\u3000\u3000有空格。 \n他說：「好。」\n\n\n\n\n\n好。\t\t完"},
		{"beyond the BMP", "𠮷野家的𩸽魚很好吃。😀 他說：「𪚥𪚥𪚥！」\n𡈽地上有𠀋個人；\U0002A6A5\U0002B734在這裡。" + strings.Repeat("𠀀𠀁𠀂甲乙丙", 1000)},
		{"UD GSD", ""}, // read in the subtest: it skips without ../shared
		{"UD GSD traditional, one line", ""},
	}
}

// udText is the text of a UD GSD file's sentences, one a line or all on
// one line.
func udText(tb testing.TB, file string, oneLine bool) string {
	var sb strings.Builder
	for _, s := range readGold(tb, file) {
		sb.WriteString(s.text)
		if !oneLine {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// compactText fills in the texts that come from ../shared.
func compactText(tb testing.TB, name, text string) string {
	switch name {
	case "UD GSD":
		return udText(tb, "zh_gsdsimp-ud-test.conllu", false)
	case "UD GSD traditional, one line":
		return udText(tb, "zh_gsd-ud-test.conllu", true)
	}
	return text
}

// segmentReference is the token layer as SegmentSentences made it before
// the compact form: every piece segmented into Tokens at document offsets,
// then the whole document's tokens cut at every sentence boundary they
// cross. It returns the tokens and how many more the cutting made.
func segmentReference(seg *Segmenter, text string, sents []Sentence) ([]Token, int) {
	var sc scratch
	var all []Token
	for _, p := range segmentPieces(text, sents) {
		w := runeWalker{s: p.text}
		for _, t := range seg.segmentInto(nil, &sc, p.text) {
			t.Text = p.text[w.seek(t.Start):w.seek(t.End)]
			t.Start += p.start
			t.End += p.start
			all = append(all, t)
		}
	}
	n := len(all)
	cut := cutAtSentences(all, sents, text)
	return cut, len(cut) - n
}

// everyN is sentences of n characters each, whatever the text: their
// boundaries fall inside words, so that tokens cross them and are cut.
func everyN(text string, n int) []Sentence {
	var out []Sentence
	total := len([]rune(text))
	for s := 0; s < total; s += n {
		out = append(out, Sentence{Start: s, End: min(s+n, total)})
	}
	return out
}

// firstDiff is the first index where a and b differ.
func firstDiff[T any](a, b []T) int {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestSegmentForStoreMatches: the tokens SegmentSentences gives are
// those of the code before the compact form (segmentReference), which
// annotate's TestSegmentForStoreMatches stores and compares with what
// the store encodes from the compact form (SegmentCompact, through
// SegmentForStore). Sentences are the text's own, and also every 7
// characters, so that tokens cross boundaries and are cut.
func TestSegmentForStoreMatches(t *testing.T) {
	seg := segmenterForTest(t)
	for _, tc := range compactTexts(t) {
		for _, mode := range []string{"sentences", "every 7 characters"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				text := compactText(t, tc.name, tc.text)
				sents := Sentences(text)
				if mode != "sentences" {
					sents = everyN(text, 7)
				}
				want, cuts := segmentReference(seg, text, sents)
				if mode != "sentences" && cuts == 0 && len(text) > 1000 { // a short text may have no word across one
					t.Fatalf("no token crosses a boundary every 7 characters: the cutting is not tested")
				}
				if got := SegmentSentences(seg, text, sents); !reflect.DeepEqual(got, want) {
					t.Errorf("SegmentSentences differs from the reference at token %d", firstDiff(got, want))
				}
			})
		}
	}
}

// TestImportTokensMatch: Process's tokens are those of the code
// before the compact form (segmentReference), which annotate's
// TestImportTokensMatch compares with what the text importer stores.
func TestImportTokensMatch(t *testing.T) {
	seg := segmenterForTest(t)
	for i, tc := range compactTexts(t) {
		t.Run(tc.name, func(t *testing.T) {
			text := compactText(t, tc.name, tc.text)
			path := strings.Repeat("x", i+1) + ".txt"
			ref, err := Process(path, []byte(text), seg, DefaultCleanOptions())
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := segmentReference(seg, ref.Text, ref.Sentences); !reflect.DeepEqual(ref.Tokens, want) {
				t.Errorf("Process's tokens differ from the reference at token %d", firstDiff(ref.Tokens, want))
			}
		})
	}
}
