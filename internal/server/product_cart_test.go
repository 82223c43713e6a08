package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// The product page's buy box: anonymous visitors are offered sign-in back to the same
// variant; a buyer adds the chosen variant to the cart; suppliers get no cart form.
func TestProductPageAddsToCart(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		path := "/p/" + e.Products["supplierX"]
		anon := e.NewClient().Get(path)
		if anon.StatusCode != 200 || !strings.Contains(anon.Body, `/login?next=%2fp%2f`+e.Products["supplierX"]) {
			t.Fatalf("anonymous buy box: %d, no sign-in link back to the product", anon.StatusCode)
		}
		if strings.Contains(anon.Body, `action="/buyer/cart"`) {
			t.Error("anonymous visitors get the cart form")
		}
		if res := e.Login("supplierx").Get(path); strings.Contains(res.Body, `action="/buyer/cart"`) {
			t.Error("a supplier gets the cart form")
		}
		buyer := e.Login("buyera")
		page := buyer.Get(path)
		form := regexp.MustCompile(`(?s)<form method="post" action="/buyer/cart".*?name="sku" value="([^"]+)".*?name="qty"[^>]*value="(\d+)"`).FindStringSubmatch(page.Body)
		if form == nil {
			t.Fatalf("buyer gets no cart form on %s", path)
		}
		res := buyer.PostForm("/buyer/cart", url.Values{"sku": {form[1]}, "qty": {form[2]}})
		if res.StatusCode != 200 && res.StatusCode != 303 {
			t.Fatalf("add to cart: %d", res.StatusCode)
		}
		cart := buyer.Get("/buyer/cart")
		if cart.StatusCode != 200 || !strings.Contains(cart.Body, "supplierX 外六角螺栓") {
			t.Errorf("cart after adding: %d, product missing", cart.StatusCode)
		}
	})
}
