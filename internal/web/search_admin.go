package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/search"
)

// SearchStats summarises the search log.
type SearchStats interface {
	SearchReport(ctx context.Context, since time.Time) (searches, zero, clicked int64, byPos [10]int64, err error)
}

func (h *Handler) registerSearchAdmin(mux *http.ServeMux) {
	h.route(mux, "GET /admin/search", httpx.StaffRoles(identity.OpsManager, identity.Analyst), h.searchReport)
}

type searchReportData struct {
	Days                     int
	Searches, Zero, Clicked  int64
	ZeroPct, CTRPct          string
	ByPos                    [10]int64
	Hot, ZeroTerms           []search.Term
	Docs, Products, Appended int
	Built                    time.Time
}

// searchReport shows ops what buyers search: volume, the share that found nothing, how
// often a result is opened and at which position, the hot terms and the zero-result
// terms (the catalogue's gaps and the synonyms worth adding).
func (h *Handler) searchReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := searchReportData{Days: 7}
	since := time.Now().Add(-7 * 24 * time.Hour)
	var err error
	if d.Searches, d.Zero, d.Clicked, d.ByPos, err = h.SearchStats.SearchReport(ctx, since); err != nil {
		return err
	}
	if d.Hot, err = h.Search.Log.HotTerms(ctx, since, 50); err != nil {
		return err
	}
	if d.ZeroTerms, err = h.Search.Log.ZeroResults(ctx, since, 50); err != nil {
		return err
	}
	if d.Searches > 0 {
		d.ZeroPct = percent(d.Zero, d.Searches)
		d.CTRPct = percent(d.Clicked, d.Searches)
	}
	st := h.Search.Index.Stats()
	d.Docs, d.Products, d.Appended, d.Built = st.Live, st.Products, st.Appended, st.Built
	pg := &Page{Title: i18n.T(httpx.LangFrom(ctx), "nav.search"), Area: "admin", Nav: "search", Data: d}
	h.render(w, r, http.StatusOK, "admin_search", pg)
	return nil
}

func percent(n, of int64) string {
	bp := n * 10000 / of
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}
