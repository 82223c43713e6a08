package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"github.com/zhuchao/zhuchao/internal/errs"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Format is the kind of file a Reader reads.
type Format string

// The formats Open accepts.
const (
	FormatXLSX Format = "xlsx"
	FormatCSV  Format = "csv"
)

// Row is one non-blank row below the header.
type Row struct {
	// Number is the row number as Excel shows it (1-based, blank rows counted).
	Number int
	// Cells holds the row's values by header, for the columns with a header (the first
	// of two columns with the same header).
	Cells map[string]string
	// Values holds the row's values by column index, as long as the header; Map's
	// indexes point into it (see Get).
	Values []string
	// Problems lists cells the Reader would not pass on, such as a number Excel has
	// rounded; those cells read as empty. Importers add them to their Report.
	Problems []Problem
}

// Get returns the value of the column with key in m (as Map returns it), or "" when
// the sheet does not have that column.
func (r Row) Get(m map[string]int, key string) string {
	if i, ok := m[key]; ok && i < len(r.Values) {
		return r.Values[i]
	}
	return ""
}

// Reader reads a spreadsheet's header and then its rows, one at a time. Close it.
type Reader struct {
	name      string
	format    Format
	sheet     string
	opt       Options
	src       source
	header    []string
	headerRow int
	count     int
	err       error
}

// source yields a file's rows in order, blank ones included; cells are cleaned and
// converted to text, bad lists cells withheld with their reason.
type source interface {
	next() (number int, cells []string, bad []badCell, err error)
	close() error
}

type badCell struct {
	col int
	msg errs.Msg
}

// Open opens a spreadsheet with the default Options. name is the client's file name,
// used only in the internal text of errors: the format is detected from data.
func Open(name string, data []byte) (*Reader, error) { return Options{}.Open(name, data) }

// Open detects the format of data, opens it and reads its header row: the first row
// that is not blank. Errors are *errs.Error values on the field "file":
// err.sheet_format for content that is neither .xlsx nor CSV (images, programs, PDF,
// HTML), err.sheet_xls for the old .xls format and encrypted workbooks, err.sheet_empty,
// err.sheet_corrupt, err.sheet_no_sheet, and the limits' err.sheet_too_many_columns,
// err.sheet_cell_too_long, err.sheet_too_large.
func (o Options) Open(name string, data []byte) (r *Reader, err error) {
	o = o.withDefaults()
	r = &Reader{name: name, opt: o}
	defer func() {
		if p := recover(); p != nil {
			err = fileErr("err.sheet_corrupt").Wrap(fmt.Errorf("sheet: open %q: panic: %v", name, p))
		}
		if err != nil {
			r.Close()
			r = nil
		}
	}()
	if err := r.open(data); err != nil {
		return r, err
	}
	return r, r.readHeader()
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls, encrypted .xlsx
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
)

func (r *Reader) open(data []byte) error {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return fileErr("err.sheet_empty")
	case bytes.HasPrefix(data, zipMagic):
		r.format = FormatXLSX
		return r.openXLSX(data)
	case bytes.HasPrefix(data, oleMagic):
		return fileErr("err.sheet_xls")
	}
	r.format = FormatCSV
	return r.openCSV(data)
}

// readHeader reads up to the first non-blank row and checks its width.
func (r *Reader) readHeader() error {
	for {
		num, cells, bad, err := r.src.next()
		if err == io.EOF {
			return fileErr("err.sheet_empty")
		}
		if err != nil {
			return err
		}
		if isBlank(cells) && len(bad) == 0 {
			continue
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) > r.opt.MaxColumns {
			return fileErr("err.sheet_too_many_columns", r.opt.MaxColumns)
		}
		for i, v := range cells {
			if tooLong(v, r.opt.MaxCellLen) {
				return fileErr("err.sheet_cell_too_long", num, ColumnName(i), r.opt.MaxCellLen)
			}
		}
		r.header = append([]string(nil), cells...)
		r.headerRow = num
		return nil
	}
}

// Format reports the detected format.
func (r *Reader) Format() Format { return r.format }

// Sheet returns the name of the worksheet read from an .xlsx, "" for CSV.
func (r *Reader) Sheet() string { return r.sheet }

// Header returns the header row: trimmed, without BOM, without trailing empty cells.
func (r *Reader) Header() []string { return append([]string(nil), r.header...) }

// HeaderRow returns the row number of the header (1 unless rows above it are blank).
func (r *Reader) HeaderRow() int { return r.headerRow }

// Next returns the next non-blank row, or io.EOF after the last. Errors are final: a
// limit passed (err.sheet_too_many_rows, err.sheet_too_many_columns,
// err.sheet_cell_too_long), a file that turns out damaged (err.sheet_corrupt) or a CSV
// that is not GB18030 after all (err.sheet_encoding). Importers therefore check every
// row before they store any.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	row, err := r.next()
	if err != nil {
		r.err = err
	}
	return row, err
}

func (r *Reader) next() (row Row, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fileErr("err.sheet_corrupt").Wrap(fmt.Errorf("sheet: read %q: panic: %v", r.name, p))
		}
	}()
	for {
		num, cells, bad, err := r.src.next()
		if err != nil {
			return Row{}, err
		}
		for i, v := range cells {
			if v == "" {
				continue
			}
			if i >= r.opt.MaxColumns {
				return Row{}, fileErr("err.sheet_too_many_columns", r.opt.MaxColumns)
			}
			if tooLong(v, r.opt.MaxCellLen) {
				return Row{}, fileErr("err.sheet_cell_too_long", num, r.label(i), r.opt.MaxCellLen)
			}
		}
		values := make([]string, len(r.header))
		copy(values, cells)
		var problems []Problem
		for _, b := range bad {
			if b.col < len(r.header) {
				problems = append(problems, Problem{Row: num, Column: r.label(b.col), Message: b.msg})
			}
		}
		if isBlank(values) && len(problems) == 0 {
			continue
		}
		if r.count++; r.count > r.opt.MaxRows {
			return Row{}, fileErr("err.sheet_too_many_rows", r.opt.MaxRows)
		}
		m := make(map[string]string, len(r.header))
		for i, h := range r.header {
			if _, dup := m[h]; h != "" && !dup {
				m[h] = values[i]
			}
		}
		return Row{Number: num, Cells: m, Values: values, Problems: problems}, nil
	}
}

// label names column i for a user: its header, or its letter when it has none.
func (r *Reader) label(i int) string {
	if i < len(r.header) && r.header[i] != "" {
		return r.header[i]
	}
	return ColumnName(i)
}

// Close releases the reader's resources, including excelize's temporary files.
func (r *Reader) Close() error {
	if r == nil || r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	if r.err == nil {
		r.err = errors.New("sheet: reader closed")
	}
	return err
}

func isBlank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

func tooLong(s string, max int) bool {
	return len(s) > max && utf8.RuneCountInString(s) > max
}

// ---- CSV ----

// openCSV decodes data as UTF-8 (BOM or not), UTF-16 (with BOM) or else GB18030, checks
// that it is text, and sniffs the delimiter from the header line.
func (r *Reader) openCSV(data []byte) error {
	var in io.Reader
	checkDecoded := false // a decoder that replaces bad input by U+FFFD
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		data = data[len(utf8BOM):]
		if !utf8.Valid(data) {
			return fileErr("err.sheet_encoding")
		}
		in = bytes.NewReader(data)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		in = transform.NewReader(bytes.NewReader(data), unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
		checkDecoded = true
	case utf8.Valid(data):
		in = bytes.NewReader(data)
	default:
		in = transform.NewReader(bytes.NewReader(data), simplifiedchinese.GB18030.NewDecoder())
		checkDecoded = true
	}
	br := bufio.NewReaderSize(in, 64<<10)
	head, _ := br.Peek(8 << 10)
	if !looksLikeText(head) {
		return fileErr("err.sheet_format")
	}
	comma := rune(0)
	if line, _, _ := bytes.Cut(head, []byte("\n")); len(line) >= 5 && len(line) <= 6 && bytes.HasPrefix(bytes.ToLower(line), []byte("sep=")) {
		// Excel's own hint line, "sep=;", which Excel hides: the header is the next line.
		comma = rune(line[4])
		if _, err := br.ReadSlice('\n'); err != nil && err != io.EOF {
			return fileErr("err.sheet_corrupt").Wrap(err)
		}
	}
	if comma == 0 || comma == '\r' || comma == '"' {
		comma = sniffDelimiter(head)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	r.src = &csvSource{r: cr, name: r.name, checkDecoded: checkDecoded}
	return nil
}

// looksLikeText refuses binary content (executables, images, archives: they have
// control bytes early on) and text that is no spreadsheet: markup (HTML saved as
// ".xls" by old systems, XML), PDF, scripts, RTF.
func looksLikeText(head []byte) bool {
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A {
			return false
		}
	}
	t := bytes.TrimLeft(head, " \t\r\n\f\v\uFEFF")
	for _, p := range []string{"<", "%PDF", "#!", "{\\rtf"} {
		if bytes.HasPrefix(t, []byte(p)) {
			return false
		}
	}
	return true
}

// sniffDelimiter picks comma, tab or semicolon, whichever occurs most often outside
// quotes in the first non-blank line; comma when none does.
func sniffDelimiter(head []byte) rune {
	for _, line := range bytes.Split(head, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		counts := map[byte]int{}
		quoted := false
		for _, c := range line {
			switch {
			case c == '"':
				quoted = !quoted
			case !quoted && (c == ',' || c == '\t' || c == ';'):
				counts[c]++
			}
		}
		best := byte(',')
		for _, c := range []byte{'\t', ';'} {
			if counts[c] > counts[best] {
				best = c
			}
		}
		return rune(best)
	}
	return ','
}

type csvSource struct {
	r            *csv.Reader
	name         string
	checkDecoded bool
	num          int // row number of the last record, as Excel numbers it
	endLine      int // physical line the last record ended on
}

func (s *csvSource) next() (int, []string, []badCell, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return 0, nil, nil, io.EOF
	}
	if err != nil {
		return 0, nil, nil, fileErr("err.sheet_corrupt").Wrap(fmt.Errorf("sheet: csv %q: %w", s.name, err))
	}
	// encoding/csv skips empty lines, which Excel shows as blank rows, and a quoted cell
	// may span lines: count from where the previous record ended.
	line, _ := s.r.FieldPos(0)
	s.num += line - s.endLine
	last, _ := s.r.FieldPos(len(rec) - 1)
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	for i, v := range rec {
		if s.checkDecoded && strings.ContainsRune(v, utf8.RuneError) {
			return 0, nil, nil, fileErr("err.sheet_encoding")
		}
		rec[i] = unwrapCSV(cleanCell(v))
	}
	return s.num, rec, nil, nil
}

func (s *csvSource) close() error { return nil }

// unwrapCSV undoes what WriteCSV does to keep Excel from changing cells: ="0138…" (a
// formula Excel shows as the text, keeping zeros and digits) and a "'" before a cell
// that Excel would otherwise run as a formula.
func unwrapCSV(v string) string {
	if len(v) >= 3 && strings.HasPrefix(v, `="`) && strings.HasSuffix(v, `"`) && !strings.Contains(v[2:len(v)-1], `"`) {
		return v[2 : len(v)-1]
	}
	if len(v) >= 2 && v[0] == '\'' && strings.IndexByte("=+-@", v[1]) >= 0 {
		return v[1:]
	}
	return v
}

// ---- XLSX ----

// openXLSX checks that data is a workbook within the limits, picks the worksheet and
// starts excelize's row iterator on it, next to a scan of the same XML for cell types
// (see typeScanner).
func (r *Reader) openXLSX(data []byte) error {
	corrupt := func(err error) error {
		return fileErr("err.sheet_corrupt").Wrap(fmt.Errorf("sheet: xlsx %q: %w", r.name, err))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return corrupt(err)
	}
	if len(zr.File) > 10_000 {
		return fileErr("err.sheet_too_large", r.opt.MaxUnzipBytes>>20)
	}
	parts := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		parts[strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))] = f
	}
	if total > uint64(r.opt.MaxUnzipBytes) {
		return fileErr("err.sheet_too_large", r.opt.MaxUnzipBytes>>20)
	}
	if parts["xl/workbook.xml"] == nil {
		return fileErr("err.sheet_format") // a .docx, an .ods, a zip of anything
	}
	sheets, err := workbookSheets(parts)
	if err != nil {
		return corrupt(err)
	}
	var ws *wbSheet
	for i := range sheets {
		s := &sheets[i]
		if strings.Contains(s.path, "chartsheets/") || strings.Contains(s.path, "dialogsheets/") || strings.Contains(s.path, "macrosheets/") {
			continue // no cells
		}
		if r.opt.Sheet == "" && s.visible || r.opt.Sheet != "" && strings.EqualFold(s.name, r.opt.Sheet) {
			ws = s
			break
		}
	}
	if ws == nil && r.opt.Sheet != "" {
		return fileErr("err.sheet_no_sheet", r.opt.Sheet)
	}
	if ws == nil {
		return fileErr("err.sheet_empty")
	}
	part := parts[strings.ToLower(ws.path)]
	if part == nil {
		return corrupt(fmt.Errorf("no part %s for sheet %q", ws.path, ws.name))
	}
	r.sheet = ws.name

	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    r.opt.MaxUnzipBytes,
		UnzipXMLSizeLimit: min(16<<20, r.opt.MaxUnzipBytes),
	})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return corrupt(err)
	}
	src := &xlsxSource{f: f, name: r.name, kinds: map[int]numKind{}, limit: r.opt.MaxColumns}
	r.src = src // closed by Open on error from here on
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		src.date1904 = *props.Date1904
	}
	if src.rows, err = f.Rows(ws.name); err != nil {
		return corrupt(err)
	}
	if src.scan, err = newTypeScanner(part, r.opt.MaxColumns); err != nil {
		return corrupt(err)
	}
	return nil
}

type wbSheet struct {
	name, path string
	visible    bool
}

// workbookSheets lists the workbook's sheets in tab order with their parts, from
// xl/workbook.xml and its relationships.
func workbookSheets(parts map[string]*zip.File) ([]wbSheet, error) {
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			State string     `xml:"state,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXMLPart(parts["xl/workbook.xml"], &wb); err != nil {
		return nil, err
	}
	if err := readXMLPart(parts["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := strings.ReplaceAll(r.Target, "\\", "/")
		if strings.HasPrefix(t, "/") {
			t = path.Clean(t[1:])
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	var out []wbSheet
	for _, s := range wb.Sheets {
		var id string
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				id = a.Value
			}
		}
		out = append(out, wbSheet{name: s.Name, path: targets[id], visible: s.State == "" || s.State == "visible"})
	}
	return out, nil
}

func readXMLPart(f *zip.File, v any) error {
	if f == nil {
		return errors.New("missing workbook part")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v)
}

// numKind is how a number cell's format says to read it.
type numKind uint8

const (
	kindNumber numKind = iota
	kindDate
	kindTime
	kindDateTime
	kindPercent
)

type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	scan     *typeScanner
	name     string
	kinds    map[int]numKind // by style index
	date1904 bool
	limit    int
	n        int
}

var rawValues = excelize.Options{RawCellValue: true}

// next reads the next row number with excelize (which returns blank rows between the
// rows it finds, so numbers stay true to the sheet) and converts each cell by its type.
//
// Values are read raw, as stored, never through the cell's display format: a unit price
// of 0.0125 shown as "0.01" by a "0.00" format reads "0.0125". Numbers are written
// without exponent to 15 significant digits, as Excel keeps them; dates (number cells
// with a date or time format) read "2006-01-02", "15:04:05" or "2006-01-02 15:04:05";
// percentages read "13%"; booleans "TRUE"/"FALSE". A number of 10^15 or more has lost
// digits (Excel keeps 15: a credit code or bank account typed into a number cell shows
// as 9.13501E+17 and is stored rounded), and a formula error (#N/A) is no value: both
// read as "" with a badCell saying why.
func (s *xlsxSource) next() (int, []string, []badCell, error) {
	corrupt := func(err error) error {
		return fileErr("err.sheet_corrupt").Wrap(fmt.Errorf("sheet: xlsx %q: %w", s.name, err))
	}
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, nil, corrupt(err)
		}
		// excelize stops silently at XML it cannot read; the scan makes sure it did not
		// stop before the end of the sheet.
		if err := s.scan.finish(s.n); err != nil {
			return 0, nil, nil, corrupt(err)
		}
		return 0, nil, nil, io.EOF
	}
	s.n++
	cells, err := s.rows.Columns(rawValues)
	if err != nil {
		return 0, nil, nil, corrupt(err)
	}
	types, err := s.scan.row(s.n)
	if err != nil {
		return 0, nil, nil, corrupt(err)
	}
	var bad []badCell
	for i, v := range cells {
		if v == "" {
			continue
		}
		t := cellType{t: "?"}
		if i < len(types) {
			t = types[i]
		}
		var msg *errs.Msg
		cells[i], msg = s.value(v, t)
		if msg != nil {
			bad = append(bad, badCell{col: i, msg: *msg})
		}
	}
	return s.n, cells, bad, nil
}

func (s *xlsxSource) value(v string, t cellType) (string, *errs.Msg) {
	switch t.t {
	case "", "n":
		return s.number(v, t.s)
	case "b":
		switch v {
		case "1":
			return "TRUE", nil
		case "0":
			return "FALSE", nil
		}
	case "e":
		return "", &errs.Msg{Key: "err.sheet_cell_error", Args: []any{v}}
	}
	return cleanCell(v), nil // s, inlineStr, str (a formula's text), d (ISO 8601)
}

func (s *xlsxSource) number(v string, style int) (string, *errs.Msg) {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return cleanCell(v), nil
	}
	if math.Abs(x) >= 1e15 {
		return "", &errs.Msg{Key: "err.sheet_number_precision", Args: []any{excelGeneral(x)}}
	}
	kind := s.kind(style)
	if kind == kindPercent {
		return formatNumber(x*100) + "%", nil
	}
	if kind == kindNumber || x < 0 || x > 2958466 { // beyond 9999-12-31
		return formatNumber(x), nil
	}
	tm, err := excelize.ExcelDateToTime(x, s.date1904)
	if err != nil {
		return formatNumber(x), nil
	}
	switch kind {
	case kindDate:
		return tm.Format("2006-01-02"), nil
	case kindTime:
		return tm.Format("15:04:05"), nil
	}
	return tm.Format("2006-01-02 15:04:05"), nil
}

// formatNumber writes x to 15 significant digits, as Excel keeps it, without exponent:
// 0.1+0.2 → "0.3", 1e-7 → "0.0000001".
func formatNumber(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 15, 64), 64)
	out := strconv.FormatFloat(r, 'f', -1, 64)
	if out == "-0" {
		return "0"
	}
	return out
}

// excelGeneral writes x as Excel's General format shows a large number: 9.13501E+17.
func excelGeneral(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 15, 64), 64)
	return strconv.FormatFloat(r, 'E', -1, 64)
}

// kind classifies a cell style's number format, once per style.
func (s *xlsxSource) kind(style int) numKind {
	if style <= 0 {
		return kindNumber
	}
	if k, ok := s.kinds[style]; ok {
		return k
	}
	k := kindNumber
	if st, err := s.f.GetStyle(style); err == nil && st != nil {
		if st.CustomNumFmt != nil {
			k = classifyFormat(*st.CustomNumFmt)
		} else {
			k = builtinKinds[st.NumFmt]
		}
	}
	s.kinds[style] = k
	return k
}

// builtinKinds classifies Excel's built-in number formats that are not plain numbers,
// including the zh-CN ones (27–36, 50–58: 2024年5月1日, 上午/下午 h"时"mm"分").
var builtinKinds = map[int]numKind{
	9: kindPercent, 10: kindPercent,
	14: kindDate, 15: kindDate, 16: kindDate, 17: kindDate,
	18: kindTime, 19: kindTime, 20: kindTime, 21: kindTime, 22: kindDateTime,
	27: kindDate, 28: kindDate, 29: kindDate, 30: kindDate, 31: kindDate,
	32: kindTime, 33: kindTime, 34: kindTime, 35: kindTime, 36: kindDate,
	45: kindTime, 46: kindTime, 47: kindTime,
	50: kindDate, 51: kindDate, 52: kindDate, 53: kindDate, 54: kindDate,
	55: kindTime, 56: kindTime, 57: kindDate, 58: kindDate,
}

// classifyFormat reads a custom format code's first section, ignoring quoted text,
// escaped characters, fill and padding characters and [bracketed] colours and locales:
// y or d make a date, h or s or AM/PM a time, m alone a date (month), % a percentage.
func classifyFormat(code string) numKind {
	var date, tm, pct, month bool
	lower := strings.ToLower(code)
	for i := 0; i < len(lower); i++ {
		switch c := lower[i]; c {
		case ';':
			i = len(lower)
		case '"':
			if j := strings.IndexByte(lower[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(lower)
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(lower[i:], ']')
			if j < 0 {
				i = len(lower)
				break
			}
			if in := lower[i+1 : i+j]; strings.Trim(in, "hms") == "" && in != "" {
				tm = true // [h]:mm elapsed time
			}
			i += j
		case 'y', 'd':
			date = true
		case 'h', 's':
			tm = true
		case 'm':
			month = true
		case 'a':
			if strings.HasPrefix(lower[i:], "am/pm") || strings.HasPrefix(lower[i:], "a/p") {
				tm = true
			}
		case '%':
			pct = true
		}
	}
	if strings.Contains(code, "上午/下午") {
		tm = true
	}
	switch {
	case date && tm:
		return kindDateTime
	case date || month && !tm:
		return kindDate
	case tm:
		return kindTime
	case pct:
		return kindPercent
	}
	return kindNumber
}

func (s *xlsxSource) close() error {
	var err error
	if s.rows != nil {
		err = s.rows.Close()
	}
	if s.scan != nil {
		s.scan.rc.Close()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// cellType is what the worksheet XML says of a cell: its type attribute ("" or "n" for
// numbers, "s" shared string, "inlineStr", "str" formula text, "b", "e", "d"; "?" when
// the scan did not see the cell) and its style index.
type cellType struct {
	t string
	s int
}

// typeScanner reads the worksheet XML alongside excelize's Rows, which returns values
// but not their types. It is how the Reader tells the text "913501000000000123" (kept)
// from the number 913501000000000123 (which Excel shows as 9.13501E+17 and rounds when
// the file is saved again: reported). It keeps one row at a time.
//
// It looks only at tags — <row r>, <c r s t>, </row>, </sheetData> — skipping text,
// comments, CDATA and processing instructions, which makes it a fraction of the cost of
// a second encoding/xml pass. It agrees with excelize on well-formed XML; on XML
// excelize gives up on, finish reports the rows excelize did not read.
type typeScanner struct {
	rc      io.ReadCloser
	br      *bufio.Reader
	tag     []byte
	limit   int
	pending int        // the row number of cur, 0 before the first row
	cur     []cellType // by column index
	last    int
	done    bool // </sheetData> reached
}

// maxTag bounds one tag of the worksheet XML.
const maxTag = 1 << 20

func newTypeScanner(part *zip.File, limit int) (*typeScanner, error) {
	rc, err := part.Open()
	if err != nil {
		return nil, err
	}
	return &typeScanner{rc: rc, br: bufio.NewReaderSize(rc, 64<<10), limit: limit}, nil
}

// row returns the types of row n's cells, by column index; nil for a row the XML does
// not have.
func (sc *typeScanner) row(n int) ([]cellType, error) {
	for !sc.done && sc.pending < n {
		if err := sc.readRow(); err != nil {
			return nil, err
		}
	}
	if sc.pending == n {
		return sc.cur, nil
	}
	return nil, nil
}

// finish reads to the end of the sheet data after excelize's last row, n: if rows
// remain, excelize stopped early, and the file is not read whole.
func (sc *typeScanner) finish(n int) error {
	if sc.pending > n {
		return fmt.Errorf("sheet data unreadable after row %d", n)
	}
	for !sc.done {
		if err := sc.readRow(); err != nil {
			return err
		}
		if !sc.done && sc.pending > n {
			return fmt.Errorf("sheet data unreadable after row %d", n)
		}
	}
	return nil
}

// readRow reads the next <row> element's cells, or up to </sheetData>.
func (sc *typeScanner) readRow() error {
	sc.cur = sc.cur[:0]
	inRow, col := false, 0
	for {
		end, name, attrs, self, err := sc.nextTag()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch {
		case !end && name == "row":
			sc.pending = sc.last + 1
			if v, ok := attrValue(attrs, "r"); ok {
				if n, err := strconv.Atoi(v); err == nil && n > 0 {
					sc.pending = n
				}
			}
			sc.last = sc.pending
			if self {
				return nil
			}
			inRow, col = true, 0
		case !end && name == "c" && inRow:
			col++
			if v, ok := attrValue(attrs, "r"); ok {
				if c := refColumn(v); c > 0 {
					col = c
				}
			}
			if col > sc.limit {
				continue
			}
			for len(sc.cur) < col {
				sc.cur = append(sc.cur, cellType{t: "?"})
			}
			ct := cellType{}
			if v, ok := attrValue(attrs, "t"); ok {
				ct.t = v
			}
			if v, ok := attrValue(attrs, "s"); ok {
				ct.s, _ = strconv.Atoi(v)
			}
			sc.cur[col-1] = ct
		case end && name == "row" && inRow:
			return nil
		case end && name == "sheetData", !end && self && name == "sheetData":
			sc.done = true
			sc.cur = sc.cur[:0]
			return nil
		}
	}
}

// nextTag reads up to the next start or end tag and returns its local name and, for a
// start tag, its attributes' bytes (valid until the next call) and whether it closes
// itself.
func (sc *typeScanner) nextTag() (end bool, name string, attrs []byte, self bool, err error) {
	for {
		if err := sc.skipPast("<"); err != nil {
			return false, "", nil, false, err
		}
		p, err := sc.br.Peek(1)
		if err != nil {
			return false, "", nil, false, err
		}
		switch p[0] {
		case '?':
			err = sc.skipPast("?>")
		case '!':
			p, _ = sc.br.Peek(8)
			switch {
			case bytes.HasPrefix(p, []byte("!--")):
				err = sc.skipPast("-->")
			case bytes.HasPrefix(p, []byte("![CDATA[")):
				err = sc.skipPast("]]>")
			default:
				err = sc.skipPast(">")
			}
		default:
			tag, err := sc.readTag()
			if err != nil {
				return false, "", nil, false, err
			}
			if len(tag) == 0 {
				continue
			}
			if tag[0] == '/' {
				end, tag = true, tag[1:]
			}
			if self = len(tag) > 0 && tag[len(tag)-1] == '/'; self {
				tag = tag[:len(tag)-1]
			}
			i := bytes.IndexAny(tag, " \t\r\n")
			if i < 0 {
				i = len(tag)
			}
			n := tag[:i]
			if j := bytes.LastIndexByte(n, ':'); j >= 0 {
				n = n[j+1:]
			}
			return end, string(n), tag[i:], self, nil
		}
		if err != nil {
			return false, "", nil, false, err
		}
	}
}

// readTag reads a tag's bytes after "<" up to its ">", which may be inside quotes.
func (sc *typeScanner) readTag() ([]byte, error) {
	sc.tag = sc.tag[:0]
	var quote byte
	for {
		chunk, err := sc.br.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return nil, err
		}
		sc.tag = append(sc.tag, chunk...)
		if len(sc.tag) > maxTag {
			return nil, errors.New("tag too long")
		}
		for _, c := range chunk {
			switch {
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case c == quote:
				quote = 0
			}
		}
		if err == nil && quote == 0 {
			return sc.tag[:len(sc.tag)-1], nil
		}
	}
}

// skipPast reads up to and including pat.
func (sc *typeScanner) skipPast(pat string) error {
	last := pat[len(pat)-1]
	var tail []byte
	for {
		chunk, err := sc.br.ReadSlice(last)
		if err != nil && err != bufio.ErrBufferFull {
			return err
		}
		if err == bufio.ErrBufferFull {
			tail = append(tail[:0], chunk[max(0, len(chunk)-len(pat)):]...)
			continue
		}
		if len(pat) == 1 {
			return nil
		}
		tail = append(tail, chunk...)
		if bytes.HasSuffix(tail, []byte(pat)) {
			return nil
		}
		tail = append(tail[:0], tail[max(0, len(tail)-len(pat)):]...)
	}
}

// attrValue finds an unprefixed attribute in a tag's attribute bytes.
func attrValue(attrs []byte, name string) (string, bool) {
	for len(attrs) > 0 {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return "", false
		}
		key := bytes.TrimSpace(attrs[:eq])
		rest := bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return "", false
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return "", false
		}
		if string(key) == name {
			return string(rest[1 : 1+end]), true
		}
		attrs = rest[end+2:]
	}
	return "", false
}

// refColumn returns the 1-based column of a cell reference ("AB12" → 28), or 0.
func refColumn(ref string) int {
	c := 0
	for i := 0; i < len(ref); i++ {
		switch b := ref[i]; {
		case b >= 'A' && b <= 'Z':
			c = c*26 + int(b-'A'+1)
		case b >= 'a' && b <= 'z':
			c = c*26 + int(b-'a'+1)
		default:
			if i == 0 {
				return 0
			}
			return c
		}
		if c > 16384 {
			return 0
		}
	}
	return c
}
