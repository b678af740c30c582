package export

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeZip writes a zip of the named entries (deflated) and returns its
// path.
func writeZip(t *testing.T, entries map[string][]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(entries[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// corpusText is n bytes of ordinary Chinese text, as a corpus file holds
// (compresses a few times, not thousands).
func corpusText(n int) []byte {
	lines := []string{"甲：你今天去哪兒了？\n", "乙：我在第%d號會議室開會。\n", "價格：蘋果 5 元／斤，梨 3 元。\n", "好。\n", "──那是二〇二一年的事⋯⋯\n"}
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		l := lines[i%len(lines)]
		if strings.Contains(l, "%d") {
			l = strings.Replace(l, "%d", strings.Repeat("一二三四五六七八九"[i%9*3:i%9*3+3], 1+i%7), 1)
		}
		b.WriteString(l)
	}
	out := bytes.ToValidUTF8(b.Bytes()[:n], nil) // cut inside a character: dropped
	return append(out, bytes.Repeat([]byte(" "), n-len(out))...)
}

// TestBratZipLimits: a brat .zip is refused, naming the entry, when an
// entry states a size past the per-entry bound, when the entries together
// pass the total bound, or when an entry unzips to more than 100 times
// its compressed size (a bomb); ordinary text under the bounds is read.
// The bounds are lowered for the test.
func TestBratZipLimits(t *testing.T) {
	defer func(e, tot, floor int64) { zipEntryLimit, zipTotalLimit, zipRatioFloor = e, tot, floor }(zipEntryLimit, zipTotalLimit, zipRatioFloor)
	zipEntryLimit, zipTotalLimit, zipRatioFloor = 64<<10, 128<<10, 16<<10
	zeros := make([]byte, 40<<10)
	for _, c := range []struct {
		name    string
		entries map[string][]byte
		want    string // "" reads
	}{
		{"ordinary", map[string][]byte{"a.txt": corpusText(50 << 10), "a.ann": []byte("T1\tPER 0 1\t甲\n"), "b.txt": corpusText(30 << 10)}, ""},
		{"entry", map[string][]byte{"a.txt": corpusText(50 << 10), "big.txt": corpusText(70 << 10)}, "big.txt unzips to 70.0 KB, more than the 64.0 KB"},
		{"total", map[string][]byte{"a.txt": corpusText(50 << 10), "b.txt": corpusText(50 << 10), "c.ann": corpusText(50 << 10)}, "the files up to c.ann unzip to 150.0 KB, more than the 128.0 KB"},
		{"ratio", map[string][]byte{"bomb.txt": zeros}, "bomb.txt unzips to 40.0 KB from"},
		{"not read", map[string][]byte{"a.txt": corpusText(10 << 10), "big.bin": corpusText(100 << 10)}, ""}, // other files are not read
	} {
		t.Run(c.name, func(t *testing.T) {
			im, err := readBrat(writeZip(t, c.entries), ReadOptions{})
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("readBrat() error = %v", err)
			case c.want == "":
				if len(im.Docs) == 0 {
					t.Errorf("no documents read")
				}
			case err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "in.zip: "):
				t.Errorf("readBrat() error = %v, want %q naming the zip", err, c.want)
			}
		})
	}
}

// TestZipEntryStatedSize: an entry whose data runs past the size its
// header states is an error, not a bigger read.
func TestZipEntryStatedSize(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	data := corpusText(8 << 10)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "a.txt", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	zw.Close()
	raw := buf.Bytes()
	// Lower the stated size in the local header and the central directory.
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if zr.File[0].UncompressedSize64 != uint64(len(data)) || zr.File[0].CRC32 != crc32.ChecksumIEEE(data) {
		t.Fatal("unexpected zip")
	}
	var lied bytes.Buffer
	zw = zip.NewWriter(&lied)
	fw, err := zw.CreateRaw(&zip.FileHeader{Name: "a.txt", Method: zip.Store, CRC32: crc32.ChecksumIEEE(data[:100]),
		CompressedSize64: uint64(len(data)), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	zw.Close()
	zr, err = zip.NewReader(bytes.NewReader(lied.Bytes()), int64(lied.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := readZipEntry("in.zip", zr.File[0]); err == nil {
		t.Errorf("readZipEntry() read %d bytes of an entry stated as 100", len(got))
	}
}

// TestXLSXImportBounds: a workbook whose shared string is past the bound
// is refused naming the part and the string, before excelize reads it;
// one whose cells repeat a shared string to more text than the workbook
// holds is refused naming the sheet and row; an ordinary one is read.
func TestXLSXImportBounds(t *testing.T) {
	defer func(s, slack int64) { xlsxStringLimit, xlsxTextSlack = s, slack }(xlsxStringLimit, xlsxTextSlack)
	xlsxStringLimit, xlsxTextSlack = 4<<10, 0
	long := string(corpusText(6 << 10))
	rows := [][]any{{"text"}, {"第一篇。"}, {long}}
	if _, err := readXLSX(tabWorkbook(t, "数据", rows), ReadOptions{}); err == nil ||
		!strings.Contains(err.Error(), "xl/sharedStrings.xml: shared string 3 is over 4.0 KB long") {
		t.Errorf("readXLSX(a 6 KB shared string) error = %v, want the string refused", err)
	}
	para := string(corpusText(2 << 10))
	rows = [][]any{{"text"}}
	for range 200 {
		rows = append(rows, []any{para})
	}
	if _, err := readXLSX(tabWorkbook(t, "数据", rows), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "sheet 数据, row ") ||
		!strings.Contains(err.Error(), "shared string repeated") {
		t.Errorf("readXLSX(one string in 200 cells) error = %v, want the text bound, naming sheet and row", err)
	}
	xlsxTextSlack = 64 << 20
	im, err := readXLSX(tabWorkbook(t, "数据", rows), ReadOptions{})
	if err != nil || len(im.Docs) != 200 {
		t.Errorf("readXLSX() = %v, want the 200 rows under the default slack", err)
	}
}

func TestLongestElement(t *testing.T) {
	for _, c := range []struct {
		xml  string
		n    int
		size int64
	}{
		{`<sst count="2"><si><t>ab</t></si><si><t xml:space="preserve">abcd</t></si></sst>`, 2, int64(len(`<si><t xml:space="preserve">abcd</t></si>`))},
		{`<sst><si><r><t>a</t></r><r><t>bcdef</t></r></si><si><t>x</t></si></sst>`, 1, int64(len(`<si><r><t>a</t></r><r><t>bcdef</t></r></si>`))},
		{`<sst><sheet/><si/><six>long long long</six></sst>`, 0, 0},
		{`<sst></sst>`, 0, 0},
		{`<sst><si/><si><t>abc</t></si></sst>`, 1, int64(len(`<si><t>abc</t></si>`))},
		{``, 0, 0},
	} {
		n, size, err := longestElement(strings.NewReader(c.xml), "si")
		if err != nil || n != c.n || size != c.size {
			t.Errorf("longestElement(%q) = %d, %d, %v; want %d, %d", c.xml, n, size, err, c.n, c.size)
		}
	}
}
