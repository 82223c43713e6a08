package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// A store page shows the supplier's level and only the badges it holds now.
func TestStorePageShowsStanding(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		for _, sup := range []string{"supplierX", "supplierY"} {
			id := e.Orgs[sup].ID
			st, err := e.App.Standing.Of(context.Background(), id, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			res := e.NewClient().Get("/store/" + id)
			if res.StatusCode != 200 {
				t.Fatalf("%s store: %d", sup, res.StatusCode)
			}
			h1 := res.Body[strings.Index(res.Body, "<h1"):]
			h1 = h1[:strings.Index(h1, "</h1>")]
			if got := strings.Contains(h1, `class="badge bao"`); got != st.Badges.Bao {
				t.Errorf("%s: 保 shown %v, held %v", sup, got, st.Badges.Bao)
			}
			if got := strings.Contains(h1, `class="badge zhu"`); got != st.Badges.Zhu {
				t.Errorf("%s: 筑 shown %v, held %v", sup, got, st.Badges.Zhu)
			}
			if st.Level > 0 && !strings.Contains(h1, "L"+string(rune('0'+st.Level))) {
				t.Errorf("%s: level L%d not shown", sup, st.Level)
			}
		}
	})
}
