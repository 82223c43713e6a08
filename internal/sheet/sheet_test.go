package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// mustOpen opens data or fails the test.
func mustOpen(tb testing.TB, data []byte, opt Options) *Reader {
	tb.Helper()
	r, err := opt.Open("test", data)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// readAll returns all rows of r or fails the test.
func readAll(tb testing.TB, r *Reader) []Row {
	tb.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			tb.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

// wantFileErr checks that err is an Invalid *errs.Error on "file" with key.
func wantFileErr(tb testing.TB, err error, key string) *errs.Error {
	tb.Helper()
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != "file" || e.Fields[0].Msg.Key != key {
		tb.Fatalf("error = %v, want %s on field file", err, key)
	}
	return e
}

// xlsxBytes writes headers and rows with NewXLSX.
func xlsxBytes(tb testing.TB, headers []string, text []int, rows [][]any) []byte {
	tb.Helper()
	x, err := NewXLSX("数据", headers)
	if err != nil {
		tb.Fatal(err)
	}
	if err := x.Text(text...); err != nil {
		tb.Fatal(err)
	}
	for _, r := range rows {
		if err := x.Append(r...); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXRoundTrip(t *testing.T) {
	headers := []string{"统一社会信用代码", "电话", "银行账号", "名称", "备注", "数量", "单价", "交货日期", "代码数字"}
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	var rows [][]any
	var want [][]string
	for i := range 1000 {
		note := ""
		if i%3 == 0 {
			note = fmt.Sprintf("第%d行 备注:含逗号,和\"引号\"", i)
		}
		row := []any{
			"91350100M000100Y43",
			"013800138000",
			"622202" + fmt.Sprintf("%012d", i), // 18 digits, as text
			"福州紧固件有限公司(" + strconv.Itoa(i) + ")",
			note,
			i * 10,
			0.0125,
			day.AddDate(0, 0, i),
			int64(913501000000000000 + i), // an 18-digit integer in a text column
		}
		rows = append(rows, row)
		want = append(want, []string{
			"91350100M000100Y43", "013800138000", row[2].(string), row[3].(string), note,
			strconv.Itoa(i * 10), "0.0125", day.AddDate(0, 0, i).Format("2006-01-02"), strconv.FormatInt(913501000000000000+int64(i), 10),
		})
	}
	// A row of empty cells in the middle stays blank and is skipped.
	rows = slices.Insert(rows, 500, []any{"", nil, "", nil})
	data := xlsxBytes(t, headers, []int{0, 1, 2, 8}, rows)

	r := mustOpen(t, data, Options{})
	if r.Format() != FormatXLSX || r.Sheet() != "数据" {
		t.Fatalf("format %s sheet %q", r.Format(), r.Sheet())
	}
	if got := r.Header(); !slices.Equal(got, headers) {
		t.Fatalf("header %q", got)
	}
	got := readAll(t, r)
	if len(got) != 1000 {
		t.Fatalf("%d rows, want 1000", len(got))
	}
	for i, row := range got {
		wantNum := i + 2
		if i >= 500 {
			wantNum++ // the blank row
		}
		if row.Number != wantNum {
			t.Fatalf("row %d: number %d, want %d", i, row.Number, wantNum)
		}
		if !slices.Equal(row.Values, want[i]) {
			t.Fatalf("row %d:\n got %q\nwant %q", row.Number, row.Values, want[i])
		}
		if row.Cells["电话"] != "013800138000" || len(row.Problems) != 0 {
			t.Fatalf("row %d: cells %v problems %v", row.Number, row.Cells, row.Problems)
		}
	}

	// The code columns carry Excel's text format, so that edits keep them text.
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"A5", "B5", "C5", "I5"} {
		id, _ := f.GetCellStyle("数据", cell)
		st, _ := f.GetStyle(id)
		if st == nil || st.NumFmt != 49 {
			t.Errorf("%s: style %+v, want text format", cell, st)
		}
	}
	if panes, _ := f.GetPanes("数据"); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v", panes)
	}
	if w, _ := f.GetColWidth("数据", "A"); w < 18 {
		t.Errorf("column A width %v, too narrow for a credit code", w)
	}
}

// testXLSX builds a workbook by hand, as Excel writes them: shared strings, number cells
// with rounded values in exponent form, styles with date, decimal and percent formats,
// formula errors, rows without r attributes.
func testXLSX(tb testing.TB, sheetData string, sst ...string) []byte {
	tb.Helper()
	var ss strings.Builder
	for _, s := range sst {
		ss.WriteString("<si><t xml:space=\"preserve\">")
		xmlEscape(&ss, s)
		ss.WriteString("</t></si>")
	}
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="隐藏" sheetId="2" state="hidden" r:id="rId2"/><sheet name="商品" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="&quot;¥&quot;#,##0.00;[Red]&quot;¥&quot;\-#,##0.00"/></numFmts><fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
		"xl/sharedStrings.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="` + strconv.Itoa(len(sst)) + `" uniqueCount="` + strconv.Itoa(len(sst)) + `">` + ss.String() + `</sst>`,
		"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>` + sheetData + `</sheetData></worksheet>`,
		"xl/worksheets/sheet2.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>hidden</t></is></c></row></sheetData></worksheet>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, parts[n])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func xmlEscape(b *strings.Builder, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	b.WriteString(r.Replace(s))
}

// TestXLSXCellTypes: what Excel stores is read as the user typed it, and numbers Excel
// has rounded are reported.
func TestXLSXCellTypes(t *testing.T) {
	sheetData := `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c><c r="I1" t="s"><v>8</v></c></row>` +
		// Row 2: a credit code typed as text, an 18-digit account as text, an account
		// typed into a number cell (Excel stores 9.13501E+17), a date, a unit price of
		// 0.0125 shown as 0.01, 13%, a formula error, a Chinese date format, currency.
		`<row r="2"><c r="A2" t="s"><v>9</v></c><c r="B2" t="s"><v>10</v></c><c r="C2"><v>9.13501E+17</v></c><c r="D2" s="1"><v>45413</v></c><c r="E2" s="2"><v>0.0125</v></c><c r="F2" s="3"><v>0.13</v></c><c r="G2" t="e"><f>VLOOKUP(A2,X:Y,2,0)</f><v>#N/A</v></c><c r="H2" s="4"><v>45413</v></c><c r="I2" s="6"><v>1234.5</v></c></row>` +
		// Row 3 is blank in the XML (styled, no values); row 4 has no r attribute on
		// the row, 5 is missing: numbering stays true to the sheet.
		`<row r="3" s="5" customFormat="1"><c r="A3" s="5"/></row>` +
		`<row><c r="A4" t="inlineStr"><is><t>  01234 </t></is></c><c r="B4"><v>6222020000000000</v></c><c r="C4"><v>913501000000000123</v></c><c r="D4" t="b"><v>1</v></c><c r="E4"><v>0.30000000000000004</v></c><c r="F4" s="5" t="s"><v>11</v></c><c r="H4" s="7"><v>45413.5729166667</v></c></row>` +
		`<row r="6"><c r="A6" t="str"><f>A4&amp;"X"</f><v>01234X</v></c><c r="C6" s="5"><v>123456789012345</v></c><c r="E6"><v>-1.5E-3</v></c></row>`
	data := testXLSX(t, sheetData, "统一社会信用代码", "户名", "银行账号", "交货日期", "单价", "税率", "品牌", "生效日期", "金额",
		"91350100M000100Y43", "622202000000000000123", "013800138000")
	r := mustOpen(t, data, Options{})
	if r.Sheet() != "商品" {
		t.Fatalf("sheet %q: the hidden first sheet should be passed over", r.Sheet())
	}
	rows := readAll(t, r)
	if len(rows) != 3 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	want := []struct {
		num    int
		values []string
		bad    map[string]string // column → message key
	}{
		{2, []string{"91350100M000100Y43", "622202000000000000123", "", "2024-05-01", "0.0125", "13%", "", "2024-05-01", "1234.5"},
			map[string]string{"银行账号": "err.sheet_number_precision", "品牌": "err.sheet_cell_error"}},
		{4, []string{"01234", "", "", "TRUE", "0.3", "013800138000", "", "2024-05-01 13:45:00", ""},
			map[string]string{"户名": "err.sheet_number_precision", "银行账号": "err.sheet_number_precision"}},
		{6, []string{"01234X", "", "123456789012345", "", "-0.0015", "", "", "", ""}, nil},
	}
	for i, w := range want {
		row := rows[i]
		if row.Number != w.num || !slices.Equal(row.Values, w.values) {
			t.Errorf("row %d: got %d %q, want %d %q", i, row.Number, row.Values, w.num, w.values)
		}
		got := map[string]string{}
		for _, p := range row.Problems {
			got[p.Column] = p.Message.Key
			if p.Row != w.num {
				t.Errorf("problem row %d, want %d", p.Row, w.num)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(w.bad) && !(len(got) == 0 && len(w.bad) == 0) {
			t.Errorf("row %d problems %v, want %v", w.num, got, w.bad)
		}
	}
	for _, p := range rows[0].Problems {
		if p.Message.Key == "err.sheet_number_precision" && fmt.Sprint(p.Message.Args) != "[9.13501E+17]" {
			t.Errorf("precision message args %v, want what Excel shows", p.Message.Args)
		}
	}

	// A named sheet, and a name that is not there.
	r2 := mustOpen(t, data, Options{Sheet: "隐藏"})
	if h := r2.Header(); !slices.Equal(h, []string{"hidden"}) {
		t.Errorf("named sheet header %q", h)
	}
	_, err := Options{Sheet: "订单"}.Open("x.xlsx", data)
	wantFileErr(t, err, "err.sheet_no_sheet")
}

// TestXLSXNumberCellWritten: an 18-digit number stored exactly in a number cell (as
// programs write them; Excel would show 9.13501E+17 and round it when saved) is
// reported, not read as if it were text, and not silently rounded.
func TestXLSXNumberCellWritten(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"银行账号", "统一社会信用代码"})
	f.SetCellInt("Sheet1", "A2", 622202000000000123)
	f.SetCellStr("Sheet1", "B2", "913501000000000123")
	f.SetCellFloat("Sheet1", "A3", 913501000000000000, -1, 64)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, mustOpen(t, buf.Bytes(), Options{}))
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0].Values[0] != "" || rows[0].Values[1] != "913501000000000123" {
		t.Errorf("row 2 values %q", rows[0].Values)
	}
	for _, row := range rows {
		if len(row.Problems) != 1 || row.Problems[0].Column != "银行账号" || row.Problems[0].Message.Key != "err.sheet_number_precision" {
			t.Errorf("row %d problems %+v", row.Number, row.Problems)
		}
	}
	if fmt.Sprint(rows[0].Problems[0].Message.Args) != "[6.22202E+17]" {
		t.Errorf("args %v", rows[0].Problems[0].Message.Args)
	}
}

func TestCSVEncodings(t *testing.T) {
	text := "统一社会信用代码,名称,电话,银行账号,备注\r\n" +
		"91350100M000100Y43,福州紧固件有限公司,013800138000,622202000000000000123,\"含逗号,和\"\"引号\"\"\"\r\n" +
		" 91350100M000100Y44 ,\u3000厦门五金\u3000,=\"0591-88888888\",'=1+1,\r\n"
	want := [][]string{
		{"91350100M000100Y43", "福州紧固件有限公司", "013800138000", "622202000000000000123", `含逗号,和"引号"`},
		{"91350100M000100Y44", "厦门五金", "0591-88888888", "=1+1", ""},
	}
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range tabs(text) {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	cases := map[string]string{
		"utf-8 BOM":       "\uFEFF" + text,
		"utf-8":           text,
		"gb18030":         gb,
		"tab":             tabs(text),
		"semicolon":       strings.ReplaceAll(strings.ReplaceAll(text, ",", ";"), `含逗号;和`, `含逗号,和`),
		"sep line":        "sep=;\r\n" + strings.ReplaceAll(strings.ReplaceAll(text, ",", ";"), `含逗号;和`, `含逗号,和`),
		"utf-16 tab":      string(utf16le),
		"LF line endings": strings.ReplaceAll(text, "\r\n", "\n"),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			r := mustOpen(t, []byte(in), Options{})
			if r.Format() != FormatCSV {
				t.Fatalf("format %s", r.Format())
			}
			if h := r.Header(); !slices.Equal(h, []string{"统一社会信用代码", "名称", "电话", "银行账号", "备注"}) {
				t.Fatalf("header %q", h)
			}
			rows := readAll(t, r)
			if len(rows) != 2 {
				t.Fatalf("%d rows", len(rows))
			}
			for i, row := range rows {
				if row.Number != i+2 || !slices.Equal(row.Values, want[i]) {
					t.Errorf("row %d: %q, want %q", row.Number, row.Values, want[i])
				}
			}
		})
	}
}

// tabs makes a tab-separated file of the comma-separated text, keeping the comma
// inside the quoted cell.
func tabs(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, ",", "\t"), "含逗号\t和", "含逗号,和")
}

func TestCSVRowNumbers(t *testing.T) {
	in := "\n型号,说明\n\nM8,\"两行\n说明\"\n , \n,,\nM10,x\n\n\nM12,y\n"
	r := mustOpen(t, []byte(in), Options{})
	if r.HeaderRow() != 2 {
		t.Errorf("header row %d", r.HeaderRow())
	}
	var got []string
	for _, row := range readAll(t, r) {
		got = append(got, fmt.Sprintf("%d:%s", row.Number, row.Values[0]))
	}
	// Excel shows: 1 blank, 2 header, 3 blank, 4 M8 (two-line cell), 5 blank, 6 blank,
	// 7 M10, 8 and 9 blank, 10 M12.
	if want := []string{"4:M8", "7:M10", "10:M12"}; !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}

func TestXLSXRowNumbers(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A2", []any{"型号", "数量"})
	sw.SetRow("A3", []any{"M8", 1})
	sw.SetRow("A5", []any{" ", "\u3000"}) // looks blank: skipped
	sw.SetRow("A9", []any{"M10", 2})
	sw.Flush()
	var buf bytes.Buffer
	f.Write(&buf)
	r := mustOpen(t, buf.Bytes(), Options{})
	var got []string
	for _, row := range readAll(t, r) {
		got = append(got, fmt.Sprintf("%d:%s:%s", row.Number, row.Cells["型号"], row.Cells["数量"]))
	}
	if want := []string{"3:M8:1", "9:M10:2"}; r.HeaderRow() != 2 || !slices.Equal(got, want) {
		t.Errorf("header row %d rows %v, want %v", r.HeaderRow(), got, want)
	}
}

var productCols = []Column{
	{Key: "code", Header: "统一社会信用代码", Aliases: []string{"Credit code", "信用代码"}, Required: true, Text: true},
	{Key: "sku", Header: "型号", Aliases: []string{"Model", "规格型号"}, Required: true},
	{Key: "price", Header: "单价(元)", Aliases: []string{"Unit price", "单价"}, Required: true},
	{Key: "note", Header: "备注", Aliases: []string{"Note"}},
}

func TestMap(t *testing.T) {
	m, err := Map([]string{"CREDIT  CODE", "", "其他", "*规格 型号", "单价（元）", "Remarks"}, productCols)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"code": 0, "sku": 3, "price": 4}; fmt.Sprint(m) != fmt.Sprint(want) {
		t.Errorf("map %v, want %v", m, want)
	}
	row := Row{Values: []string{"91350100M000100Y43", "", "", "M8", "0.0125", "x"}}
	if row.Get(m, "sku") != "M8" || row.Get(m, "note") != "" {
		t.Errorf("Get")
	}

	_, err = Map([]string{"型号", "Model", "备注"}, productCols)
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid {
		t.Fatalf("err %v", err)
	}
	var got []string
	for _, f := range e.Fields {
		if f.Field != "file" {
			t.Errorf("field %q", f.Field)
		}
		got = append(got, f.Msg.Key+fmt.Sprint(f.Msg.Args))
	}
	want := []string{
		"err.sheet_duplicate_column[型号 A B]",
		"err.sheet_missing_column[统一社会信用代码]",
		"err.sheet_missing_column[单价(元)]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors %q, want %q", got, want)
	}
}

func TestLimits(t *testing.T) {
	opt := Options{MaxRows: 10, MaxColumns: 5, MaxCellLen: 100}
	csvRows := func(n int) []byte {
		var b strings.Builder
		b.WriteString("a,b\n")
		for i := range n {
			fmt.Fprintf(&b, "%d,x\n\n", i) // blank lines do not count
		}
		return []byte(b.String())
	}
	xlsxRows := func(n int) []byte {
		rows := make([][]any, n)
		for i := range rows {
			rows[i] = []any{i, "x"}
		}
		return xlsxBytes(t, []string{"a", "b"}, nil, rows)
	}
	for name, gen := range map[string]func(int) []byte{"csv": csvRows, "xlsx": xlsxRows} {
		t.Run(name, func(t *testing.T) {
			if rows := readAll(t, mustOpen(t, gen(10), opt)); len(rows) != 10 {
				t.Errorf("%d rows", len(rows))
			}
			r := mustOpen(t, gen(11), opt)
			var err error
			for err == nil {
				_, err = r.Next()
			}
			wantFileErr(t, err, "err.sheet_too_many_rows")
			if _, again := r.Next(); again != err {
				t.Errorf("error not sticky: %v", again)
			}
		})
	}

	// Columns: a header of 6, and a row reaching column 6.
	_, err := opt.Open("x.csv", []byte("a,b,c,d,e,f\n1,2\n"))
	wantFileErr(t, err, "err.sheet_too_many_columns")
	r := mustOpen(t, []byte("a,b\n1,2,,,,6\n"), opt)
	_, err = r.Next()
	wantFileErr(t, err, "err.sheet_too_many_columns")
	wide := xlsxBytes(t, append(make([]string, 200), "x"), nil, nil)
	_, err = Open("wide.xlsx", wide)
	wantFileErr(t, err, "err.sheet_too_many_columns")

	// Cell length, counted in characters: 100 Chinese characters pass, 101 do not.
	ok := strings.Repeat("螺", 100)
	r = mustOpen(t, []byte("a,b\n"+ok+",x\n1,"+ok+"螺\n"), opt)
	if row, err := r.Next(); err != nil || row.Values[0] != ok {
		t.Fatalf("100 characters: %v", err)
	}
	_, err = r.Next()
	e := wantFileErr(t, err, "err.sheet_cell_too_long")
	if fmt.Sprint(e.Fields[0].Msg.Args) != "[3 b 100]" {
		t.Errorf("args %v", e.Fields[0].Msg.Args)
	}
	long := xlsxBytes(t, []string{"a"}, nil, [][]any{{strings.Repeat("x", DefaultMaxCellLen+1)}})
	r = mustOpen(t, long, Options{})
	_, err = r.Next()
	wantFileErr(t, err, "err.sheet_cell_too_long")
}

func TestRefused(t *testing.T) {
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	self, err := os.Executable() // the test binary: a real executable
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	w, _ := zw.Create("word/document.xml")
	io.WriteString(w, "<w:document/>")
	zw.Close()
	gbBad, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("型号,说明\nM8,"))
	gbBad = append(gbBad, 0x81, 0x20, '\n') // no GB18030 character

	cases := []struct {
		name, key string
		data      []byte
	}{
		{"executable", "err.sheet_format", exe},
		{"PE", "err.sheet_format", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 100)...)},
		{"PNG", "err.sheet_format", pngBuf.Bytes()},
		{"PDF", "err.sheet_format", []byte("%PDF-1.7\n1 0 obj\n")},
		{"HTML as xls", "err.sheet_format", []byte("<html><table><tr><td>型号</td></tr></table></html>")},
		{"script", "err.sheet_format", []byte("#!/bin/sh\nrm -rf /\n")},
		{"docx", "err.sheet_format", docx.Bytes()},
		{"xls", "err.sheet_xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)},
		{"empty", "err.sheet_empty", nil},
		{"blank", "err.sheet_empty", []byte(" \r\n\r\n,,,\r\n")},
		{"broken zip", "err.sheet_corrupt", []byte("PK\x03\x04garbage")},
		{"truncated xlsx", "err.sheet_corrupt", xlsxBytes(t, []string{"a"}, nil, [][]any{{"x"}})[:300]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Open("upload", c.data)
			if err == nil {
				r.Close()
			}
			wantFileErr(t, err, c.key)
		})
	}
	r := mustOpen(t, gbBad, Options{})
	_, err = r.Next()
	wantFileErr(t, err, "err.sheet_encoding")
}

func TestReport(t *testing.T) {
	var r Report
	if r.Err() != nil || r.Len() != 0 {
		t.Fatal("empty report")
	}
	r.Add(7, "单价(元)", "err.price_syntax")
	r.AddProblems(Problem{Row: 3, Column: "银行账号", Message: errs.Msg{Key: "err.sheet_number_precision", Args: []any{"9.13501E+17"}}})
	r.Add(7, "型号", "err.required")
	if !r.Merge(3, errs.Field("sku", "err.required"), productCols) || r.Merge(4, fmt.Errorf("db down"), productCols) {
		t.Fatal("Merge")
	}
	if r.Len() != 4 || !slices.Equal(r.Rows(), []int{3, 7}) {
		t.Fatalf("len %d rows %v", r.Len(), r.Rows())
	}
	var got []string
	for _, p := range r.Problems() {
		got = append(got, fmt.Sprintf("%d %s %s", p.Row, p.Column, p.Message.Key))
	}
	want := []string{"3 银行账号 err.sheet_number_precision", "3 型号 err.required", "7 单价(元) err.price_syntax", "7 型号 err.required"}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q", got)
	}
	e := wantFileErr(t, r.Err(), "err.sheet_problems")
	if fmt.Sprint(e.Fields[0].Msg.Args) != "[4 2]" {
		t.Errorf("args %v", e.Fields[0].Msg.Args)
	}
	for i := range MaxProblems + 10 {
		r.Add(100+i, "", "err.required")
	}
	if r.Len() != MaxProblems+14 || len(r.Problems()) != MaxProblems || len(r.Rows()) != MaxProblems+12 {
		t.Errorf("bounded: len %d kept %d rows %d", r.Len(), len(r.Problems()), len(r.Rows()))
	}
}

func TestWriteCSV(t *testing.T) {
	headers := []string{"型号", "电话", "银行账号", "规格", "备注", "数量"}
	rows := [][]string{
		{"M8×30", "013800138000", "622202000000000000123", "1/2", "逗号,引号\"换行\n结束", "-5"},
		{"2E10", "0591", "12345678901", "DN15", "=HYPERLINK(\"http://x\")", "+86"},
		{"", "", "", "", "@SUM(A1)", ""},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, headers, rows); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFF型号,电话,银行账号,规格,备注,数量\r\n") {
		t.Fatalf("no BOM or header: %q", out[:40])
	}
	for _, s := range []string{`"=""013800138000"""`, `"=""622202000000000000123"""`, `"=""1/2"""`, `"=""2E10"""`, `"=""0591"""`,
		`"逗号,引号""换行` + "\r\n" + `结束"`, `,-5` + "\r\n", `"'=HYPERLINK(""http://x"")"`, `,+86` + "\r\n", `'@SUM(A1)`, `,12345678901,`} {
		if !strings.Contains(out, s) {
			t.Errorf("missing %s in\n%s", s, out)
		}
	}
	// What WriteCSV writes, Open reads back as it was.
	got := readAll(t, mustOpen(t, buf.Bytes(), Options{}))
	for i, row := range got {
		if !slices.Equal(row.Values, rows[i]) {
			t.Errorf("row %d: %q, want %q", i, row.Values, rows[i])
		}
	}
}

func TestTemplate(t *testing.T) {
	cols := append(slices.Clone(productCols), Column{Key: "hint", Header: "说明列", Hint: "sheet.template_note_required"})
	x, err := Template(cols, [][]string{{"91350100M000100Y43", "M8×30", "0.0125", "示例"}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"数据", "说明"}) {
		t.Errorf("sheets %q", got)
	}
	id, _ := f.GetCellStyle("数据", "A3") // below the example: still text format
	if st, _ := f.GetStyle(id); st == nil || st.NumFmt != 49 {
		t.Errorf("credit code column not text: %+v", st)
	}
	notes, _ := f.GetRows("说明")
	found := false
	for _, r := range notes {
		if len(r) >= 3 && r[0] == "统一社会信用代码" && r[1] == "是" && r[2] == "文本" {
			found = true
		}
		if len(r) >= 2 && r[0] == "备注" && r[1] != "否" {
			t.Errorf("备注 row %q", r)
		}
	}
	if !found {
		t.Errorf("说明 sheet: %q", notes)
	}
	r := mustOpen(t, buf.Bytes(), Options{})
	m, err := Map(r.Header(), cols)
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, r)
	if len(rows) != 1 || rows[0].Get(m, "code") != "91350100M000100Y43" || rows[0].Get(m, "price") != "0.0125" {
		t.Errorf("template reads back %+v", rows)
	}
}

func TestClassifyFormat(t *testing.T) {
	cases := map[string]numKind{
		"General": kindNumber, "0.00": kindNumber, `"¥"#,##0.00;[Red]"¥"\-#,##0.00`: kindNumber, "0.00E+00": kindNumber,
		`_(* #,##0.00_);_(* \(#,##0.00\)`: kindNumber, "@": kindNumber, `0 "days"`: kindNumber,
		"0%": kindPercent, "0.00%": kindPercent,
		"yyyy-mm-dd": kindDate, `yyyy"年"m"月"d"日"`: kindDate, "[$-804]yyyy/m/d": kindDate, "mmm": kindDate,
		"h:mm": kindTime, "[h]:mm:ss": kindTime, `上午/下午h"时"mm"分"`: kindTime, "mm:ss": kindTime,
		"yyyy-mm-dd hh:mm:ss": kindDateTime, "m/d/yy h:mm AM/PM": kindDateTime,
	}
	for code, want := range cases {
		if got := classifyFormat(code); got != want {
			t.Errorf("classifyFormat(%q) = %d, want %d", code, got, want)
		}
	}
}

// TestMessages: every message key the package names exists in both languages.
func TestMessages(t *testing.T) {
	re := regexp.MustCompile(`"((?:err\.sheet_|sheet\.)[a-z0-9_]+)"`)
	seen := 0
	for _, file := range []string{"sheet.go", "read.go", "write.go"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !i18n.Has(i18n.ZH, m[1]) || !i18n.Has(i18n.EN, m[1]) {
				t.Errorf("%s: %s missing from the catalogues", file, m[1])
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d keys found", seen)
	}
	for _, k := range i18n.Keys(i18n.ZH) {
		if strings.HasPrefix(k, "err.sheet_") && !i18n.Has(i18n.EN, k) {
			t.Errorf("%s has no English", k)
		}
	}
}

// BenchmarkReadXLSX100k reads 100,000 rows × 12 columns written once by NewXLSX.
func BenchmarkReadXLSX100k(b *testing.B) {
	headers := []string{"统一社会信用代码", "名称", "型号", "规格", "品牌", "单位", "数量", "单价", "电话", "银行账号", "交货日期", "备注"}
	x, err := NewXLSX("数据", headers)
	if err != nil {
		b.Fatal(err)
	}
	x.Text(0, 8, 9)
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		if err := x.Append(fmt.Sprintf("91350100M%09dY", i), "福州紧固件有限公司", fmt.Sprintf("M%d×%d", 4+i%20, 10+i%90), "GB/T 5783-2016",
			"晋亿", "个", i%1000, 0.0125+float64(i%100)/100, "013800138000", fmt.Sprintf("622202%012d", i), day.AddDate(0, 0, i%365),
			"第"+strconv.Itoa(i)+"行"); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Logf("file: %.1f MB", float64(len(data))/(1<<20))
	b.ReportAllocs()
	var peak uint64
	var ms runtime.MemStats
	for b.Loop() {
		r, err := Open("bench.xlsx", data)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if n++; n%20_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				if row.Values[9] != fmt.Sprintf("622202%012d", n-1) {
					b.Fatalf("row %d: %q", row.Number, row.Values)
				}
			}
		}
		r.Close()
		if n != 100_000 {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// TestTypeScanner: the tag scanner reads what encoding/xml would: prefixed names,
// comments, CDATA, ">" inside attribute values, self-closing rows and cells, tags
// longer than its buffer.
func TestTypeScanner(t *testing.T) {
	long := strings.Repeat("x", 100<<10)
	doc := `<?xml version="1.0"?><!-- <row r="99"> --><x:worksheet xmlns:x="urn:x"><x:sheetData>` +
		`<x:row r="1" spans="1:3" x14ac:dy='a>b'><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" s="4"><x:v><![CDATA[<c r="Z1" t="e">]]></x:v></x:c></x:row>` +
		`<x:row r="2"/>` +
		`<x:row custom="` + long + `"><x:c t="b" s = "2" ><x:v>1</x:v></x:c><x:c/><x:c r="D3" t="inlineStr"/></x:row>` +
		`</x:sheetData><x:extLst><x:row r="100"/></x:extLst></x:worksheet>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("sheet.xml")
	io.WriteString(w, doc)
	zw.Close()
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	sc, err := newTypeScanner(zr.File[0], 10)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.rc.Close()
	want := map[int]string{
		1: "[{s 0} {? 0} { 4}]",
		2: "[]",
		3: "[{b 2} { 0} {? 0} {inlineStr 0}]",
		4: "[]",
	}
	for n := 1; n <= 4; n++ {
		got, err := sc.row(n)
		if err != nil {
			t.Fatalf("row %d: %v", n, err)
		}
		if fmt.Sprint(got) != want[n] {
			t.Errorf("row %d: %v, want %s", n, got, want[n])
		}
	}
	if err := sc.finish(3); err != nil || !sc.done {
		t.Errorf("finish: %v done %v", err, sc.done)
	}
}

// TestXLSXStopsEarly: excelize stops silently at XML it cannot parse; the Reader does
// not pass that off as the end of the sheet.
func TestXLSXStopsEarly(t *testing.T) {
	data := testXLSX(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>型号</t></is></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>M8&nbsp;</t></is></c></row>`+
		`<row r="3"><c r="A3" t="inlineStr"><is><t>M10</t></is></c></row>`)
	r, err := Open("broken.xlsx", data)
	if err != nil {
		wantFileErr(t, err, "err.sheet_corrupt")
		return
	}
	defer r.Close()
	n := 0
	for ; err == nil; n++ {
		_, err = r.Next()
	}
	wantFileErr(t, err, "err.sheet_corrupt")
	t.Logf("refused after %d rows: %v", n-1, err)
}
