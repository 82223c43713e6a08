// Package bulk imports and exports a supplier's products as spreadsheets (.xlsx, or CSV
// in UTF-8 or GB18030), one leaf category per sheet, so the columns follow that
// category's parameter template. Rows sharing a 商品编号 form one product; each row is
// one SKU. Every problem is reported by row and column; an import either writes
// everything or nothing, or — when the supplier asks — writes the products whose rows
// are all valid and reports the rest.
package bulk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

// Tiers is how many price tiers a sheet has columns for.
const Tiers = 3

// Service imports and exports products.
type Service struct {
	DB      *db.DB
	Catalog *catalog.Service
}

// Columns returns a leaf category's sheet columns and its template.
func (s *Service) Columns(ctx context.Context, categoryID string) ([]sheet.Column, []catalog.Attribute, error) {
	_, attrs, err := s.Catalog.FormTemplate(ctx, categoryID)
	if err != nil {
		return nil, nil, err
	}
	cols := []sheet.Column{
		{Key: "key", Header: "商品编号", Aliases: []string{"Product key", "产品编号"}, Required: true, Text: true},
		{Key: "brand", Header: "品牌", Aliases: []string{"Brand"}},
		{Key: "name", Header: "产品名称", Aliases: []string{"Name", "品名"}, Required: true},
		{Key: "model", Header: "型号", Aliases: []string{"Model", "规格型号"}, Text: true},
		{Key: "title", Header: "商品标题", Aliases: []string{"Title"}},
		{Key: "description", Header: "产品介绍", Aliases: []string{"Description"}},
	}
	var sales []catalog.Attribute
	for _, a := range attrs {
		if a.Sales {
			sales = append(sales, a)
			continue
		}
		cols = append(cols, sheet.Column{Key: "attr." + a.Code, Header: header(a), Aliases: []string{a.NameEN, a.Code}, Text: true})
	}
	cols = append(cols, sheet.Column{Key: "sku.code", Header: "SKU编码", Aliases: []string{"SKU", "SKU code"}, Required: true, Text: true})
	for _, a := range sales {
		cols = append(cols, sheet.Column{Key: "sku.spec." + a.Code, Header: header(a), Aliases: []string{a.NameEN, a.Code}, Text: true})
	}
	cols = append(cols,
		sheet.Column{Key: "sku.unit", Header: "计量单位", Aliases: []string{"Unit"}},
		sheet.Column{Key: "sku.moq", Header: "起批量", Aliases: []string{"MOQ"}},
		sheet.Column{Key: "sku.multiple", Header: "倍数", Aliases: []string{"Multiple"}},
		sheet.Column{Key: "sku.stock", Header: "库存", Aliases: []string{"Stock"}},
		sheet.Column{Key: "sku.weight_g", Header: "单位重量(克)", Aliases: []string{"Weight (g)", "重量"}},
		sheet.Column{Key: "sku.volume_cm3", Header: "单位体积(立方厘米)", Aliases: []string{"Volume (cm³)", "Volume (cm3)", "体积"}},
	)
	for j := 1; j <= Tiers; j++ {
		cols = append(cols,
			sheet.Column{Key: fmt.Sprintf("sku.tiers.%d.qty", j-1), Header: fmt.Sprintf("阶梯%d数量", j), Aliases: []string{fmt.Sprintf("Tier %d qty", j)}},
			sheet.Column{Key: fmt.Sprintf("sku.tiers.%d.price", j-1), Header: fmt.Sprintf("阶梯%d单价(元)", j), Aliases: []string{fmt.Sprintf("Tier %d price", j)}, Text: true})
	}
	return cols, attrs, nil
}

// header is a template attribute's column header: its name, with its unit.
func header(a catalog.Attribute) string {
	if a.Unit != "" {
		return a.NameZH + "(" + a.Unit + ")"
	}
	return a.NameZH
}

// Mode says what an import does with a sheet that has problems.
type Mode int

// The import modes.
const (
	AllOrNothing Mode = iota // any problem: nothing is written
	ValidOnly                // write the products whose rows are all valid
)

// Result is what an import did.
type Result struct {
	Rows, Products, SKUs int // read, and written
	Report               sheet.Report
}

// product is one product's rows as read.
type product struct {
	rows []sheet.Row
	in   catalog.ProductInput
}

// Import reads r as products of the leaf category and creates them for the caller's
// supplier; publish puts them on sale (or into review) rather than filing drafts. The
// returned error is for failures of the import itself; problems with the sheet are in
// the result's report.
func (s *Service) Import(ctx context.Context, p *identity.Principal, categoryID string, r *sheet.Reader, mode Mode, publish bool) (*Result, error) {
	cols, _, err := s.Columns(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	idx, err := sheet.Map(r.Header(), cols)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	var products []*product
	byKey := map[string]*product{}
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		res.Rows++
		res.Report.AddProblems(row.Problems...)
		key := strings.TrimSpace(row.Get(idx, "key"))
		if key == "" {
			res.Report.Add(row.Number, "商品编号", "err.required")
			continue
		}
		pr := byKey[key]
		if pr == nil {
			pr = &product{in: catalog.ProductInput{CategoryID: categoryID, Brand: row.Get(idx, "brand"), Name: row.Get(idx, "name"),
				Model: row.Get(idx, "model"), Title: row.Get(idx, "title"), Description: row.Get(idx, "description"), Attrs: map[string]string{}}}
			for k := range idx {
				if code, ok := strings.CutPrefix(k, "attr."); ok {
					pr.in.Attrs[code] = row.Get(idx, k)
				}
			}
			byKey[key] = pr
			products = append(products, pr)
		}
		sku := catalog.SKUInput{Code: row.Get(idx, "sku.code"), Unit: row.Get(idx, "sku.unit"), MOQ: row.Get(idx, "sku.moq"),
			Multiple: row.Get(idx, "sku.multiple"), Stock: row.Get(idx, "sku.stock"), WeightG: row.Get(idx, "sku.weight_g"),
			VolumeCM3: row.Get(idx, "sku.volume_cm3"), Spec: map[string]string{}}
		for k := range idx {
			if code, ok := strings.CutPrefix(k, "sku.spec."); ok {
				sku.Spec[code] = row.Get(idx, k)
			}
		}
		for j := 0; j < Tiers; j++ {
			q, pr := row.Get(idx, fmt.Sprintf("sku.tiers.%d.qty", j)), row.Get(idx, fmt.Sprintf("sku.tiers.%d.price", j))
			if q != "" || pr != "" {
				sku.Tiers = append(sku.Tiers, catalog.TierInput{Qty: q, Price: pr})
			}
		}
		pr.rows = append(pr.rows, row)
		pr.in.SKUs = append(pr.in.SKUs, sku)
	}
	if res.Rows == 0 {
		res.Report.Add(r.HeaderRow()+1, "", "err.sheet_no_rows")
		return res, nil
	}
	headers := map[string]string{}
	for _, c := range cols {
		headers[c.Key] = c.Header
	}
	write := func(ctx context.Context) error {
		for _, pr := range products {
			if rowsHaveProblems(&res.Report, pr.rows) {
				continue
			}
			_, err := s.Catalog.CreateProduct(ctx, p, pr.in, publish)
			if err == nil {
				res.Products++
				res.SKUs += len(pr.in.SKUs)
				continue
			}
			e := errs.As(err)
			if e == nil || (e.Code != errs.Invalid && e.Code != errs.Conflict) {
				return err
			}
			report(&res.Report, pr.rows, e, headers)
		}
		if mode == AllOrNothing && res.Report.Len() > 0 {
			return errRollback
		}
		return nil
	}
	if mode == AllOrNothing {
		err = s.DB.WithTx(ctx, write)
		if err == errRollback {
			res.Products, res.SKUs = 0, 0
			err = nil
		}
	} else {
		err = write(ctx)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

var errRollback = errs.E(errs.Invalid, "err.sheet_problems")

func rowsHaveProblems(r *sheet.Report, rows []sheet.Row) bool {
	bad := map[int]bool{}
	for _, n := range r.Rows() {
		bad[n] = true
	}
	for _, row := range rows {
		if bad[row.Number] {
			return true
		}
	}
	return false
}

var skuField = regexp.MustCompile(`^skus\[(\d+)\]\.(.+)$`)
var tierField = regexp.MustCompile(`^tiers\[(\d+)\]\.(qty|price)$`)

// report places a product's field errors on its rows and columns: SKU fields on the
// SKU's row, product fields on its first row.
func report(r *sheet.Report, rows []sheet.Row, e *errs.Error, headers map[string]string) {
	if len(e.Fields) == 0 {
		r.AddProblems(sheet.Problem{Row: rows[0].Number, Message: e.Msg})
		return
	}
	for _, f := range e.Fields {
		row, key := rows[0].Number, f.Field
		if m := skuField.FindStringSubmatch(f.Field); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(rows) {
				row = rows[i].Number
			}
			key = "sku." + m[2]
			if t := tierField.FindStringSubmatch(m[2]); t != nil {
				key = "sku.tiers." + t[1] + "." + t[2]
			}
		}
		r.AddProblems(sheet.Problem{Row: row, Column: headers[key], Message: f.Msg})
	}
}
