// Package sheet reads and writes the spreadsheets Zhuchao's users exchange with it:
// product lists, price lists, orders, statements. It knows nothing about any of them.
//
// Reading (read.go) accepts .xlsx and CSV, detected from the content and never the file
// name: CSV in UTF-8 (with or without BOM), GB18030 (what Excel on Chinese Windows saves
// as "CSV (逗号分隔)") or UTF-16 with BOM (Excel's "Unicode 文本"), comma, tab or semicolon
// separated. Rows stream one at a time, so a 200,000-row file stays bounded in memory,
// and every size is limited (Limits). The first non-blank row is the header; Map finds
// the columns a caller wants in it, by Chinese header, English header or a common variant.
//
// Values are strings, as typed. Text cells keep leading zeros and every digit (credit
// codes, bank accounts, phone numbers); numbers are never turned into scientific
// notation; a number Excel has already rounded — a code typed into a number-formatted
// cell, where Excel keeps 15 significant digits — is reported as a Problem, never
// passed on as if it were the code the user typed.
//
// Writing (write.go) produces .xlsx through excelize's stream writer (text-formatted
// code columns, a bold frozen header) and CSV in UTF-8 with BOM, which Excel on
// Chinese Windows opens correctly. Template builds a download for an import.
//
// Errors are *errs.Error values naming the field "file"; per-row problems go into a
// Report, whose messages are errs.Msg keys rendered by the caller.
package sheet

import (
	"slices"
	"strings"
	"unicode"

	"github.com/zhuchao/zhuchao/internal/errs"
	"golang.org/x/text/width"
)

// FileField is the form field errors about the file name, as upload forms call it.
const FileField = "file"

// Default limits. MaxRows is generous for a supplier's full catalogue; MaxCellLen is a
// product description, far below Excel's own 32,767.
const (
	DefaultMaxRows       = 200_000
	DefaultMaxColumns    = 200
	DefaultMaxCellLen    = 10_000
	DefaultMaxUnzipBytes = 512 << 20
)

// Options configures Open. The zero value reads the first visible sheet with the
// default limits.
type Options struct {
	// Sheet names the worksheet of an .xlsx to read; empty means the first visible one.
	Sheet string
	// MaxRows bounds the non-blank data rows (the header is not counted).
	MaxRows int
	// MaxColumns bounds the columns of the header and of any row.
	MaxColumns int
	// MaxCellLen bounds a cell's length in characters.
	MaxCellLen int
	// MaxUnzipBytes bounds the uncompressed size of an .xlsx (zip bombs).
	MaxUnzipBytes int64
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxColumns <= 0 {
		o.MaxColumns = DefaultMaxColumns
	}
	if o.MaxCellLen <= 0 {
		o.MaxCellLen = DefaultMaxCellLen
	}
	if o.MaxUnzipBytes <= 0 {
		o.MaxUnzipBytes = DefaultMaxUnzipBytes
	}
	return o
}

// fileErr is the error for anything wrong with the file as a whole.
func fileErr(key string, args ...any) *errs.Error { return errs.Field(FileField, key, args...) }

// Column describes a column an import expects.
type Column struct {
	Key      string   // the caller's name for it ("sku"), as Map returns it
	Header   string   // the zh-CN header, as the template writes it ("型号")
	Aliases  []string // the English header and common variants ("Model", "规格型号")
	Required bool     // the header must be present (a value check is the caller's)
	Text     bool     // codes and numbers-as-text: written with Excel's text format
	Hint     string   // optional message key explaining the column in the template
}

// normHeader folds a header for matching: full-width forms to ASCII (（）→ ()),
// whitespace removed, lower case, and the "*" that templates put before required
// columns dropped.
func normHeader(s string) string {
	s = width.Fold.String(cleanCell(s))
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '*' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	s = strings.TrimRight(s, ":")
	return s
}

// Map finds cols in header and returns each found column's index by Key. Headers are
// matched against Header and Aliases ignoring case, spaces, full-width variants and a
// "*" marker; columns the caller does not know are ignored. A required column that is
// missing and a column present twice (say "型号" and "Model") are errors naming the
// column, one errs.FieldError on "file" each.
func Map(header []string, cols []Column) (map[string]int, error) {
	names := map[string]int{} // normalised name → index in cols
	for i, c := range cols {
		for _, h := range append([]string{c.Header}, c.Aliases...) {
			if n := normHeader(h); n != "" {
				if _, dup := names[n]; !dup {
					names[n] = i
				}
			}
		}
	}
	found := make(map[string]int, len(cols))
	var fields []errs.FieldError
	for j, h := range header {
		i, ok := names[normHeader(h)]
		if !ok {
			continue
		}
		key := cols[i].Key
		if prev, dup := found[key]; dup {
			fields = append(fields, errs.FieldError{Field: FileField, Msg: errs.Msg{
				Key:  "err.sheet_duplicate_column",
				Args: []any{cols[i].Header, ColumnName(prev), ColumnName(j)},
			}})
			continue
		}
		found[key] = j
	}
	for _, c := range cols {
		if _, ok := found[c.Key]; c.Required && !ok {
			fields = append(fields, errs.FieldError{Field: FileField, Msg: errs.Msg{
				Key: "err.sheet_missing_column", Args: []any{c.Header},
			}})
		}
	}
	if len(fields) > 0 {
		return found, &errs.Error{Code: errs.Invalid, Msg: errs.Msg{Key: "err.sheet_header"}, Fields: fields}
	}
	return found, nil
}

// ColumnName returns Excel's name for the 0-based column index i: 0 → "A", 27 → "AB".
func ColumnName(i int) string {
	if i < 0 {
		return ""
	}
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append(b, byte('A'+(i-1)%26))
	}
	slices.Reverse(b)
	return string(b)
}

// Problem is one thing wrong with one row, for the user to fix.
type Problem struct {
	Row     int      // the row number as Excel shows it
	Column  string   // the header as the user sees it; empty for the whole row
	Message errs.Msg // translated by the caller
}

// MaxProblems bounds the problems a Report keeps; Len still counts them all.
const MaxProblems = 10_000

// Report collects the problems of an import, so that the user gets every one of them
// at once — the row, the column and what is wrong — rather than the first. It holds data
// only; rendering (a page, an .xlsx of problems) is the caller's.
type Report struct {
	problems []Problem
	rows     map[int]struct{}
	n        int
}

// Add records a problem with row's cell under column (a header; empty for the row).
func (r *Report) Add(row int, column, key string, args ...any) {
	r.AddProblems(Problem{Row: row, Column: column, Message: errs.Msg{Key: key, Args: args}})
}

// AddProblems records problems, such as a Row's.
func (r *Report) AddProblems(ps ...Problem) {
	if r.rows == nil {
		r.rows = map[int]struct{}{}
	}
	for _, p := range ps {
		r.n++
		r.rows[p.Row] = struct{}{}
		if len(r.problems) < MaxProblems {
			r.problems = append(r.problems, p)
		}
	}
}

// Merge records the field errors of an Invalid *errs.Error (as a domain validator returns
// them) against row, naming each field's column by the Header of the column in cols whose
// Key is the field. It reports whether err was absorbed; other errors are left to the
// caller, as errs.Validator.Merge does.
func (r *Report) Merge(row int, err error, cols []Column) bool {
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid {
		return false
	}
	if len(e.Fields) == 0 {
		r.AddProblems(Problem{Row: row, Message: e.Msg})
		return true
	}
	for _, f := range e.Fields {
		col := f.Field
		for _, c := range cols {
			if c.Key == f.Field {
				col = c.Header
				break
			}
		}
		r.AddProblems(Problem{Row: row, Column: col, Message: f.Msg})
	}
	return true
}

// Len returns the number of problems recorded, including any beyond MaxProblems.
func (r *Report) Len() int { return r.n }

// Rows returns the distinct rows with problems, in order.
func (r *Report) Rows() []int {
	out := make([]int, 0, len(r.rows))
	for n := range r.rows {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Problems returns the recorded problems (at most MaxProblems) ordered by row, in the
// order they were added within a row.
func (r *Report) Problems() []Problem {
	out := slices.Clone(r.problems)
	slices.SortStableFunc(out, func(a, b Problem) int { return a.Row - b.Row })
	return out
}

// Err returns nil for an empty report, else an Invalid error on "file" counting the
// problems and rows, for a page that then lists Problems.
func (r *Report) Err() error {
	if r.n == 0 {
		return nil
	}
	return fileErr("err.sheet_problems", r.n, len(r.rows))
}

// cleanCell trims what nobody means at the ends of a cell — spaces, full-width spaces
// (U+3000), no-break spaces, a BOM, zero-width spaces — and drops control characters
// other than tab and line feed (a CR of a CRLF inside a cell included). Nothing else is
// touched: digits, letters and leading zeros stay as typed.
func cleanCell(s string) string {
	if s == "" {
		return s
	}
	if needsControlStrip(s) {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimFunc(s, isTrimmed)
}

func isTrimmed(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}

func needsControlStrip(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
			return true
		}
	}
	return false
}
