package sheet

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// FuzzOpen: no bytes make Open or Next panic, return anything but a file error, or run
// long; whatever is read stays within the limits.
func FuzzOpen(f *testing.F) {
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String("型号,单价\nM8,0.0125\n")
	small := xlsxBytes(f, []string{"型号", "单价", "电话"}, []int{2}, [][]any{{"M8", 0.0125, "013800138000"}, {"M10", 1, nil}})
	for _, s := range [][]byte{
		small,
		testXLSX(f, `<row r="1"><c r="A1" t="s"><v>0</v></c></row><row><c r="A2"><v>9.13501E+17</v></c><c r="B2" t="e"><v>#N/A</v></c></row>`, "型号"),
		[]byte("\uFEFF型号,单价\r\nM8,\"0.01\r\n25\"\r\n"),
		[]byte(gb),
		[]byte("sep=;\na;b\n1;2\n"),
		[]byte("a\tb\n=\"0138\"\t'=1\n"),
		{0xFF, 0xFE, 'a', 0, '\t', 0, 'b', 0},
		[]byte("PK\x03\x04"),
		{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1},
		[]byte("\x89PNG\r\n\x1a\n"),
		nil,
	} {
		f.Add(s)
	}
	opt := Options{MaxRows: 1000, MaxColumns: 50, MaxCellLen: 1000, MaxUnzipBytes: 8 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		check := func(err error) {
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "file" {
				t.Fatalf("error %v is not a file error", err)
			}
		}
		r, err := opt.Open("fuzz", bytes.Clone(data))
		if err != nil {
			check(err)
			return
		}
		defer r.Close()
		if len(r.Header()) > opt.MaxColumns {
			t.Fatalf("header of %d columns", len(r.Header()))
		}
		for n := 0; ; n++ {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				check(err)
				break
			}
			if n >= opt.MaxRows || len(row.Values) != len(r.Header()) || row.Number <= r.HeaderRow() {
				t.Fatalf("row %d: number %d, %d values for %d headers", n, row.Number, len(row.Values), len(r.Header()))
			}
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
