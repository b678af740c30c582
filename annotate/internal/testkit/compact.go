package testkit

import (
	"strings"
	"testing"
)

// NamedText is a text with its name.
type NamedText struct{ Name, Text string }

// CompactTexts are the texts the importers' compact token path is checked
// on: UD GSD's sentences (simplified, and traditional on one line),
// dialogue, a list and a table, a 100,000-character line without
// punctuation (cut into pieces at maxSegmentRun), text that cleaning
// changes (its raw text is not its text) and text with characters beyond
// the BMP (code points are not UTF-16 units).
func CompactTexts() []NamedText {
	var long strings.Builder
	han := []rune("的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反你明看原又麼利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已通並提直題黨程展五果料象員革位入常文總次品式活設及管特件長求老頭基資邊流路級少圖山統接知較將組見計別她手角期根論運農指幾九區強放決西被幹做必戰先回則任取據處隊南給色光門即保治北造百規熱領七海口東導器壓志世金增爭濟階油思術極交受聯什認六共權收證改清己美再採轉更單風切打白教速花帶安場身車例真務具萬每目至達走積示議聲報鬥完類八離華名確才科張信馬節話米整空元況今集溫傳土許步群廣石記需段研界拉林律叫且究觀越織裝影算低持音眾書布复容兒須際商非驗連斷深難近礦千週委素技備半辦青省列習響約支般史感勞便團往酸歷市克何除消構府稱太準精值號率族維劃選標寫存候毛親快效斯院查江型眼王按格養易置派層片始卻專狀育廠京識適屬圓包火住調滿縣局照參紅細引聽該鐵價嚴")
	for long.Len() < 100_000*3 {
		long.WriteString(string(han))
	}
	longLine := string([]rune(long.String())[:100_000])
	return []NamedText{
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
	for _, s := range ReadGold(tb, file) {
		sb.WriteString(s.Text)
		if !oneLine {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// CompactText is the text of CompactTexts' text named name: text, or
// the one it stands for that comes from ../shared (it skips the test when
// ../shared is absent).
func CompactText(tb testing.TB, name, text string) string {
	switch name {
	case "UD GSD":
		return udText(tb, "zh_gsdsimp-ud-test.conllu", false)
	case "UD GSD traditional, one line":
		return udText(tb, "zh_gsd-ud-test.conllu", true)
	}
	return text
}
