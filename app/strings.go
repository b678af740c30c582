package app

import "github.com/biaozhu/biaozhu/annotate"

// The words the window shows, in one place so that a later issue can
// translate them. Chinese comes first; the loading and error states carry
// an English gloss as well.
const (
	strLoadingDict      = "正在加载词典… / Loading dictionary…"
	strProcessing       = "正在处理示例文档… / Processing the demo document…"
	strFailed           = "示例文档处理失败 / The demo document could not be processed"
	strDemoBadge        = "示例"
	strEncoding         = "编码"
	strUnknown          = "未知"
	strChars            = "字"
	strSentences        = "句"
	strTokens           = "词"
	strCleaned          = "清理"
	strNothing          = "无"
	strDamage           = "损坏"
	strRepaired         = "已修复"
	strPinyinHint       = "拼音提示"
	strPinyinSwatch     = "pīn"
	strListSeparator    = " · "
	strSectionSeparator = "　｜　"
)

// scriptNames names the scripts a document can be written in.
var scriptNames = map[annotate.Script]string{
	annotate.ScriptSimplified:  "简体",
	annotate.ScriptTraditional: "繁体",
}

// countNames names the counts of the cleaning report, in the order shown.
// A count not listed here is shown under its key.
var countNames = []struct{ key, name string }{
	{annotate.CountPinyin, "删除拼音"},
	{annotate.CountLostPinyin, "拼音提示"},
	{annotate.CountLost, "缺字"},
	{annotate.CountGarbled, "乱码"},
	{annotate.CountRepaired, "修复乱码"},
	{annotate.CountDuplicates, "重复段落"},
	{annotate.CountBoilerplate, "删除样板行"},
	{annotate.CountWhitespace, "空白"},
}
