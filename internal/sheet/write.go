package sheet

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"golang.org/x/text/width"
)

// XLSX writes one worksheet as it goes, through excelize's stream writer, so that an
// export of 100,000 rows does not hold them all as cells: a bold header row that stays
// in view when scrolling, columns wide enough for what is in them, and text format on
// the columns marked Text, so codes keep their leading zeros and all 18 digits even
// when someone edits them in Excel. Create it with NewXLSX, mark text columns, Append
// rows, then WriteTo; Close releases it when it is abandoned.
type XLSX struct {
	f        *excelize.File
	sw       *excelize.StreamWriter
	sheet    string
	headers  []string
	text     []bool
	required []bool
	buf      []xlsxRow // the first rows, held back to size the columns
	rows     int       // rows written, header included
	started  bool
	closed   bool
	style    struct{ header, required, text, date, datetime, example, exampleText int }
}

type xlsxRow struct {
	cells   []any
	example bool
}

// sizeRows is how many rows are held back to choose column widths from.
const sizeRows = 100

// maxCellUnits is Excel's limit on a cell, in UTF-16 code units.
const maxCellUnits = 32767

// NewXLSX starts a workbook with one sheet called sheetName (made valid for Excel:
// at most 31 characters, none of []:*?/\) and the header row.
func NewXLSX(sheetName string, headers []string) (*XLSX, error) {
	f := excelize.NewFile()
	x := &XLSX{f: f, headers: append([]string(nil), headers...), text: make([]bool, len(headers)), required: make([]bool, len(headers))}
	x.sheet = validSheetName(sheetName)
	if err := x.init(); err != nil {
		f.Close()
		return nil, fmt.Errorf("sheet: new xlsx: %w", err)
	}
	return x, nil
}

func (x *XLSX) init() error {
	if err := x.f.SetSheetName("Sheet1", x.sheet); err != nil {
		return err
	}
	var err error
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	border := []excelize.Border{{Type: "bottom", Color: "A6A6A6", Style: 1}}
	text := 49 // "@"
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&x.style.header, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: grey, Border: border, NumFmt: text}},
		{&x.style.required, excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: grey, Border: border, NumFmt: text}},
		{&x.style.text, excelize.Style{NumFmt: text}},
		{&x.style.date, excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}},
		{&x.style.datetime, excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm:ss")}},
		{&x.style.example, excelize.Style{Font: &excelize.Font{Italic: true, Color: "808080"}}},
		{&x.style.exampleText, excelize.Style{Font: &excelize.Font{Italic: true, Color: "808080"}, NumFmt: text}},
	} {
		if *s.id, err = x.f.NewStyle(&s.style); err != nil {
			return err
		}
	}
	x.sw, err = x.f.NewStreamWriter(x.sheet)
	return err
}

func ptr[T any](v T) *T { return &v }

// validSheetName makes name acceptable to Excel.
func validSheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if name == "" {
		name = "Sheet1"
	}
	return name
}

// Text marks columns (0-based) as text: Excel's "@" format on the whole column, and every
// value written as text, numbers included. Mark code columns — credit codes, bank
// accounts, ID and phone numbers, part numbers. Call it before the first Append.
func (x *XLSX) Text(cols ...int) error {
	if x.started || len(x.buf) > 0 {
		return errors.New("sheet: Text after Append")
	}
	for _, c := range cols {
		if c < 0 || c >= len(x.text) {
			return fmt.Errorf("sheet: Text: no column %d", c)
		}
		x.text[c] = true
	}
	return nil
}

// Append writes a row. Cells may be strings (written as text, always), integers and
// floats (numbers; an integer of 16 digits or more, which Excel would round, is written
// as text), bools, time.Time (a date, or a date and time when it has one, in t's own
// location), nil (empty) or anything with a String method. In a Text column everything
// is written as text.
func (x *XLSX) Append(cells ...any) error { return x.append(xlsxRow{cells: cells}) }

func (x *XLSX) append(r xlsxRow) error {
	if x.closed {
		return errors.New("sheet: Append after WriteTo or Close")
	}
	r.cells = append([]any(nil), r.cells...)
	if !x.started {
		x.buf = append(x.buf, r)
		if len(x.buf) < sizeRows {
			return nil
		}
		return x.start()
	}
	return x.write(r)
}

// start sizes the columns from the header and the rows held back, sets the text
// columns, freezes the header and writes what is held.
func (x *XLSX) start() error {
	x.started = true
	n := len(x.headers)
	for _, r := range x.buf {
		n = max(n, len(r.cells))
	}
	for i := 0; i < n; i++ {
		w := 0
		if i < len(x.headers) {
			w = displayWidth(x.headers[i]) + 2 // room for the filter button people add
		}
		for _, r := range x.buf {
			if i < len(r.cells) && r.cells[i] != nil {
				w = max(w, displayWidth(x.plain(r.cells[i])))
			}
		}
		if err := x.sw.SetColWidth(i+1, i+1, float64(min(max(w+2, 8), 60))); err != nil {
			return err
		}
		if i < len(x.text) && x.text[i] {
			if err := x.sw.SetColStyle(i+1, i+1, x.style.text); err != nil {
				return err
			}
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	head := make([]any, len(x.headers))
	for i, h := range x.headers {
		st := x.style.header
		if x.required[i] {
			st = x.style.required
		}
		head[i] = excelize.Cell{StyleID: st, Value: h}
	}
	x.rows = 1
	if err := x.sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	for _, r := range x.buf {
		if err := x.write(r); err != nil {
			return err
		}
	}
	x.buf = nil
	return nil
}

func (x *XLSX) write(r xlsxRow) error {
	vals := make([]any, len(r.cells))
	for i, c := range r.cells {
		v, err := x.cell(c, i < len(x.text) && x.text[i], r.example)
		if err != nil {
			return fmt.Errorf("sheet: row %d column %s: %w", x.rows+1, ColumnName(i), err)
		}
		vals[i] = v
	}
	x.rows++
	return x.sw.SetRow("A"+strconv.Itoa(x.rows), vals)
}

// cell converts a value for the stream writer; see Append.
func (x *XLSX) cell(v any, text, example bool) (any, error) {
	textStyle, numStyle := x.style.text, 0
	if example {
		textStyle, numStyle = x.style.exampleText, x.style.example
	}
	str := func(s string) (any, error) {
		if len(s) > maxCellUnits && len(utf16.Encode([]rune(s))) > maxCellUnits {
			return nil, fmt.Errorf("cell of %d characters, over Excel's %d", utf8.RuneCountInString(s), maxCellUnits)
		}
		if text || example {
			return excelize.Cell{StyleID: textStyle, Value: s}, nil
		}
		return s, nil
	}
	num := func(n any) (any, error) {
		if numStyle != 0 {
			return excelize.Cell{StyleID: numStyle, Value: n}, nil
		}
		return n, nil
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return str(v)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		s := fmt.Sprint(v)
		if text || len(strings.TrimPrefix(s, "-")) > 15 {
			text = true
			return str(s)
		}
		return num(v)
	case float32, float64:
		f, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return str(fmt.Sprint(v))
		}
		if text {
			return str(formatNumber(f))
		}
		return num(f)
	case bool:
		if text {
			return str(strings.ToUpper(strconv.FormatBool(v)))
		}
		return num(v)
	case time.Time:
		if v.IsZero() {
			return nil, nil
		}
		h, m, s := v.Clock()
		if text {
			if h == 0 && m == 0 && s == 0 {
				return str(v.Format("2006-01-02"))
			}
			return str(v.Format("2006-01-02 15:04:05"))
		}
		st := x.style.datetime
		if h == 0 && m == 0 && s == 0 && v.Nanosecond() == 0 {
			st = x.style.date
		}
		return excelize.Cell{StyleID: st, Value: v}, nil
	case fmt.Stringer:
		return str(v.String())
	}
	return str(fmt.Sprint(v))
}

// plain is a value as text, for sizing columns.
func (x *XLSX) plain(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case time.Time:
		return "2006-01-02 15:04:05"
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// displayWidth counts a string's width in Excel's character units, roughly: wide (CJK)
// characters count two; the longest line of a multi-line cell counts.
func displayWidth(s string) int {
	best := 0
	for _, line := range strings.Split(s, "\n") {
		w := 0
		for _, r := range line {
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				w += 2
			default:
				w++
			}
		}
		best = max(best, w)
	}
	return best
}

// WriteTo finishes the workbook, writes it to w and releases it.
func (x *XLSX) WriteTo(w io.Writer) (int64, error) {
	if x.closed {
		return 0, errors.New("sheet: WriteTo after Close")
	}
	defer x.Close()
	if !x.started {
		if err := x.start(); err != nil {
			return 0, fmt.Errorf("sheet: write xlsx: %w", err)
		}
	}
	if err := x.sw.Flush(); err != nil {
		return 0, fmt.Errorf("sheet: write xlsx: %w", err)
	}
	x.f.SetActiveSheet(0)
	n, err := x.f.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("sheet: write xlsx: %w", err)
	}
	return n, nil
}

// Close releases the workbook and its temporary files; it is safe after WriteTo.
func (x *XLSX) Close() error {
	if x.closed {
		return nil
	}
	x.closed = true
	return x.f.Close()
}

// CSV writes CSV for Excel: UTF-8 with a BOM (without it Excel on Chinese Windows reads
// the file as GB18030 and shows mojibake), CRLF line ends, quoting where needed. Two
// cell rewrites keep Excel from changing values when it opens the file, and Open undoes
// both:
//   - a value Excel would turn into a number or date and so change — a digit string
//     with a leading zero or of 12 digits or more (phone numbers, bank accounts, ID
//     numbers), "1/2" (a pipe size, not 2 January), "2E10" — is written as ="1/2", a
//     formula Excel shows as the text;
//   - a value starting with = + - @ that is not a number gets a leading "'", so that a
//     supplier's "=HYPERLINK(…)" is shown, not run (CSV injection).
type CSV struct {
	w *csv.Writer
}

// NewCSV writes the BOM and the header row to w.
func NewCSV(w io.Writer, headers []string) (*CSV, error) {
	if _, err := w.Write(utf8BOM); err != nil {
		return nil, fmt.Errorf("sheet: write csv: %w", err)
	}
	c := &CSV{w: csv.NewWriter(w)}
	c.w.UseCRLF = true
	if err := c.Append(headers...); err != nil {
		return nil, err
	}
	return c, nil
}

// Append writes a row.
func (c *CSV) Append(cells ...string) error {
	rec := make([]string, len(cells))
	for i, s := range cells {
		rec[i] = csvCell(s)
	}
	if err := c.w.Write(rec); err != nil {
		return fmt.Errorf("sheet: write csv: %w", err)
	}
	return nil
}

// Flush writes what is buffered; call it at the end.
func (c *CSV) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("sheet: write csv: %w", err)
	}
	return nil
}

// WriteCSV writes headers and rows as CSV for Excel (see CSV).
func WriteCSV(w io.Writer, headers []string, rows [][]string) error {
	c, err := NewCSV(w, headers)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := c.Append(r...); err != nil {
			return err
		}
	}
	return c.Flush()
}

// csvCell protects a value from Excel; see CSV.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	if excelWouldConvert(s) && len(s) <= 255 && !strings.Contains(s, `"`) {
		return `="` + s + `"`
	}
	if strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// excelWouldConvert reports whether Excel, opening a CSV, would turn s into a number or
// a date that no longer reads as s.
func excelWouldConvert(s string) bool {
	if isDigits(s) {
		return len(s) >= 12 || len(s) >= 2 && s[0] == '0'
	}
	// 1/2, 3-4, 2024/5/1, 5-1-24: dates to Excel.
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' })
	if (len(groups) == 2 || len(groups) == 3) && strings.Count(s, "/")+strings.Count(s, "-") == len(groups)-1 && s[0] != '-' && s[len(s)-1] != '-' && s[len(s)-1] != '/' {
		ok := true
		for _, g := range groups {
			ok = ok && isDigits(g) && len(g) <= 4
		}
		if ok {
			return true
		}
	}
	// 2E10, 1.5e3: numbers in scientific notation to Excel.
	if i := strings.IndexAny(s, "eE"); i > 0 && i < len(s)-1 {
		mant, exp := s[:i], strings.TrimLeft(s[i+1:], "+-")
		if isDigits(strings.Replace(mant, ".", "", 1)) && isDigits(exp) && mant[0] != '.' {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Template builds the .xlsx users download to fill in for an import: a sheet with the
// header row (required columns in red, text columns formatted as text) and the example
// rows in grey italics, and a second sheet, 说明, explaining every column — required or
// not, text or not, its hint and the other headers accepted for it. The template is in
// Chinese, the language of the headers Map matches first. Write it with WriteTo.
func Template(cols []Column, example [][]string) (*XLSX, error) {
	t := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }
	headers := make([]string, len(cols))
	var text []int
	for i, c := range cols {
		headers[i] = c.Header
		if c.Text {
			text = append(text, i)
		}
	}
	x, err := NewXLSX(t("sheet.template_data"), headers)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*XLSX, error) {
		x.Close()
		return nil, fmt.Errorf("sheet: template: %w", err)
	}
	if err := x.Text(text...); err != nil {
		return fail(err)
	}
	for i, c := range cols {
		x.required[i] = c.Required
	}
	for _, ex := range example {
		cells := make([]any, len(ex))
		for i, v := range ex {
			cells[i] = v
		}
		if err := x.append(xlsxRow{cells: cells, example: true}); err != nil {
			return fail(err)
		}
	}
	if err := x.notes(cols, len(example) > 0, t); err != nil {
		return fail(err)
	}
	return x, nil
}

// notes writes the 说明 sheet.
func (x *XLSX) notes(cols []Column, example bool, t func(string, ...any) string) error {
	f, name := x.f, t("sheet.template_notes")
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	row := 1
	put := func(vals ...any) error {
		err := f.SetSheetRow(name, "A"+strconv.Itoa(row), &vals)
		row++
		return err
	}
	lines := []string{t("sheet.template_note_required"), t("sheet.template_note_text"), t("sheet.template_note_format")}
	if example {
		lines = append([]string{t("sheet.template_note_example")}, lines...)
	}
	if err := put(t("sheet.template_notes_title")); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", "A1", bold); err != nil {
		return err
	}
	for _, l := range lines {
		if err := put(l); err != nil {
			return err
		}
	}
	row++
	head := row
	if err := put(t("sheet.template_column"), t("sheet.template_required"), t("sheet.template_format"), t("sheet.template_description"), t("sheet.template_aliases")); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A"+strconv.Itoa(head), "E"+strconv.Itoa(head), bold); err != nil {
		return err
	}
	for _, c := range cols {
		req, format, hint := t("sheet.no"), "", ""
		if c.Required {
			req = t("sheet.yes")
		}
		if c.Text {
			format = t("sheet.text")
		}
		if c.Hint != "" {
			hint = t(c.Hint)
		}
		if err := put(c.Header, req, format, hint, strings.Join(c.Aliases, "、")); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(name, "A"+strconv.Itoa(head+1), "E"+strconv.Itoa(row), wrap); err != nil {
		return err
	}
	for col, w := range map[string]float64{"A": 24, "B": 8, "C": 8, "D": 60, "E": 30} {
		if err := f.SetColWidth(name, col, col, w); err != nil {
			return err
		}
	}
	return nil
}
