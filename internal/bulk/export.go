package bulk

import (
	"context"
	"strconv"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

// Sheet receives exported rows: an *sheet.XLSX or an *sheet.CSV wrapped by the caller.
type Sheet interface {
	Row(cells []string) error
}

// Export writes the caller's products in a leaf category, one row per SKU, in the same
// columns an import reads, so an exported sheet can be edited and imported again.
func (s *Service) Export(ctx context.Context, p *identity.Principal, categoryID string, out func(headers []string) (Sheet, error)) error {
	cols, _, err := s.Columns(ctx, categoryID)
	if err != nil {
		return err
	}
	headers := make([]string, len(cols))
	pos := map[string]int{}
	for i, c := range cols {
		headers[i], pos[c.Key] = c.Header, i
	}
	w, err := out(headers)
	if err != nil {
		return err
	}
	info, _, err := s.Catalog.FormTemplate(ctx, categoryID)
	if err != nil {
		return err
	}
	for offset := 0; ; offset += 200 {
		rows, _, err := s.Catalog.Products(ctx, p, catalog.ProductFilter{SupplierID: p.Org.ID, CategoryPath: info.Path, Limit: 200, Offset: offset})
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r.CategoryID != categoryID {
				continue
			}
			v, err := s.Catalog.Product(ctx, p, r.ID)
			if err != nil {
				return err
			}
			for _, k := range v.SKUs {
				cells := make([]string, len(cols))
				set := func(key, val string) {
					if i, ok := pos[key]; ok {
						cells[i] = val
					}
				}
				set("key", v.ID)
				set("brand", v.BrandName)
				set("name", v.Name)
				set("model", v.Model)
				set("title", v.Title)
				set("description", v.Description)
				for _, a := range v.Attrs {
					set("attr."+a.Code, a.Text)
				}
				set("sku.code", k.Code)
				for _, a := range k.Spec {
					set("sku.spec."+a.Code, a.Text)
				}
				set("sku.unit", k.Unit)
				set("sku.moq", strconv.FormatInt(k.MOQ, 10))
				set("sku.multiple", strconv.FormatInt(k.Multiple, 10))
				set("sku.stock", strconv.FormatInt(k.Stock, 10))
				set("sku.weight_g", strconv.FormatInt(k.WeightG, 10))
				set("sku.volume_cm3", strconv.FormatInt(k.VolumeCM3, 10))
				for j, t := range k.Tiers {
					if j >= Tiers {
						break
					}
					set("sku.tiers."+strconv.Itoa(j)+".qty", strconv.FormatInt(t.MinQty, 10))
					set("sku.tiers."+strconv.Itoa(j)+".price", money.UnitPrice(t.UnitPrice).String())
				}
				if err := w.Row(cells); err != nil {
					return err
				}
			}
		}
		if len(rows) < 200 {
			break
		}
	}
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// CSVSheet adapts a sheet.CSV to Sheet.
type CSVSheet struct{ *sheet.CSV }

// Row appends a row.
func (c CSVSheet) Row(cells []string) error { return c.Append(cells...) }

// XLSXSheet adapts a sheet.XLSX to Sheet.
type XLSXSheet struct{ *sheet.XLSX }

// Row appends a row.
func (x XLSXSheet) Row(cells []string) error {
	anys := make([]any, len(cells))
	for i, c := range cells {
		anys[i] = c
	}
	return x.Append(anys...)
}
