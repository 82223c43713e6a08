package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/store"
)

const benchCheckoutUsage = `Usage: zhuchao bench checkout [--products N] [--buyers B] [--seconds S] [--concurrency C] [--hot-skus K] [--pay] [--direct]

Drives concurrent buyers placing (and with --pay, paying) orders over HTTP against this
binary serving a demo marketplace of N SKUs (seeded once into --data, reused after) on a
loopback port. Each run registers B new buyer companies (owner, address, API token) and
gives K hot SKUs a small stock so that an oversell would show. Each of C workers loops:
add 1–3 SKUs to a buyer's cart (MOQ and multiples respected), check out with an
Idempotency-Key, and with --pay create a sandbox payment for the orders and complete it.
With --direct the SKUs go in the checkout request instead, to measure the checkout alone.

Reported: checkouts/s (orders/s, payments/s), the checkout call's p50/p95/p99, refusals
by reason, the oversell count (for every SKU the run touched: stock before − quantity in
the run's live orders = stock now, and no stock below zero anywhere), and the ledger
check with the escrow reconciliation. Exits 1 on any oversell or a dirty ledger.
Target on SQLite, 2 cores: ≥ 500 checkouts/s, zero oversell, clean ledger.

Run 'zhuchao bench checkout --help' for the flags.
`

// errOversold makes the benchmark exit non-zero after its report.
var errOversold = errors.New("bench checkout: stock oversold or the ledger is dirty")

func runBenchCheckout(ctx context.Context, args []string, stdout io.Writer) error {
	fs, cfg, products, seed := benchFlags("bench checkout", stdout)
	fs.Usage = func() { fmt.Fprint(stdout, benchCheckoutUsage); fs.PrintDefaults() }
	seconds := fs.Float64("seconds", 10, "how long the workers run, in seconds")
	conc := fs.Int("concurrency", 16, "concurrent workers (HTTP keep-alive connections)")
	buyers := fs.Int("buyers", 64, "buyer companies registered for the run (at least --concurrency: a buyer's cart is one worker's)")
	hot := fs.Int("hot-skus", 5, "SKUs given a small stock (50 order steps) that run out during the run")
	pool := fs.Int("skus", 2000, "normal SKUs the buyers order from")
	pay := fs.Bool("pay", false, "pay each checkout's orders with the sandbox provider")
	direct := fs.Bool("direct", false, "send the SKUs in the checkout request instead of through the cart (measures the checkout alone)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured run to this file")
	if err := cfg.Parse(fs, args); err != nil {
		return err
	}
	switch {
	case *seconds <= 0 || *seconds > 600:
		return fmt.Errorf("--seconds %g: must be more than 0 and at most 600", *seconds)
	case *conc < 1 || *conc > 1024:
		return fmt.Errorf("--concurrency %d: must be between 1 and 1024", *conc)
	case *buyers < *conc || *buyers > 10000:
		return fmt.Errorf("--buyers %d: must be at least --concurrency (%d) and at most 10,000", *buyers, *conc)
	case *hot < 0 || *hot > 1000:
		return fmt.Errorf("--hot-skus %d: must be between 0 and 1,000", *hot)
	case *pool < 1 || *pool > 1_000_000:
		return fmt.Errorf("--skus %d: must be between 1 and 1,000,000", *pool)
	}
	if *pay {
		cfg.PaySandbox = true
	}
	d, err := openBenchDemo(ctx, fs, cfg, *products, *seed, stdout)
	if err != nil {
		return err
	}
	defer d.Close()
	_, s, err := newServer(*cfg, d)
	if err != nil {
		return err
	}

	// Setup through the services (a cheap password hash: nobody signs in with these).
	setup := app.New(d, time.Now)
	setup.Identity.Params = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	start := time.Now()
	bs, err := benchBuyers(ctx, setup, *buyers)
	if err != nil {
		return err
	}
	skus, err := benchSKUs(ctx, d, *hot, *pool)
	if err != nil {
		return err
	}
	nHot := min(*hot, len(skus))
	fmt.Fprintf(stdout, "Registered %d buyer companies (owner, address, API token) and picked %d SKUs, %d of them hot, in %s.\n",
		len(bs), len(skus), nHot, time.Since(start).Round(time.Millisecond))
	for _, k := range skus[:nHot] {
		fmt.Fprintf(stdout, "  hot SKU %s: stock %d, ordered in steps of %d\n", k.code, k.stock, k.step)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	how := "through the cart"
	if *direct {
		how = "the items in the checkout request"
	}
	if *pay {
		how += ", paying with the sandbox"
	}
	fmt.Fprintf(stdout, "Serving on %s; %d workers for %gs, %s.\n", base, *conc, *seconds, how)

	syncsBefore := d.Syncs()
	stopProfile, err := startProfile(*cpuprofile)
	if err != nil {
		return err
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}, Timeout: 60 * time.Second}
	res := runCheckoutLoad(ctx, c, base, bs, skus, nHot, *conc, time.Duration(*seconds*float64(time.Second)), *pay, *direct)
	stopProfile()
	if res.err != nil {
		return res.err
	}
	srv.Close()

	el := res.elapsed.Seconds()
	fmt.Fprintf(stdout, "\nCheckout over HTTP on %s, %d workers, %d buyers, %.1fs, GOMAXPROCS %d (the load generator shares the CPUs):\n\n",
		d.Engine, *conc, len(bs), el, runtime.GOMAXPROCS(0))
	fmt.Fprintf(stdout, "  checkouts    %8d  %8.0f/s  (≥ 500/s) %s\n", res.checkouts, float64(res.checkouts)/el, verdict(float64(res.checkouts)/el >= 500))
	fmt.Fprintf(stdout, "  orders       %8d  %8.0f/s\n", res.orders, float64(res.orders)/el)
	if *pay {
		fmt.Fprintf(stdout, "  payments     %8d  %8.0f/s\n", res.payments, float64(res.payments)/el)
	}
	if !*direct {
		fmt.Fprintf(stdout, "  cart adds    %8d  %8.0f/s\n", res.adds, float64(res.adds)/el)
	}
	fmt.Fprintf(stdout, "  replays      %8d  same checkout returned: %d\n", res.replays, res.replaysSame)
	slices.Sort(res.lat)
	if n := len(res.lat); n > 0 {
		fmt.Fprintf(stdout, "  checkout call latency p50 %s  p95 %s  p99 %s  (%d calls)\n", ms(res.lat[n/2]), ms(res.lat[n*95/100]), ms(res.lat[n*99/100]), n)
	}
	fmt.Fprintf(stdout, "  server errors %7d  %s\n", res.serverErrors, verdict(res.serverErrors == 0))
	if n := d.Syncs() - syncsBefore; n > 0 {
		fmt.Fprintf(stdout, "  log fsyncs   %8d  %8.0f/s  (SQLite group commit: one fsync covers every commit before it)\n", n, float64(n)/el)
	}
	fmt.Fprintf(stdout, "\nRefusals by reason (a refused round counts once; what it put in the cart is taken out):\n")
	if len(res.refusals) == 0 {
		fmt.Fprintln(stdout, "  none")
	}
	reasons := make([]string, 0, len(res.refusals))
	for r := range res.refusals {
		reasons = append(reasons, r)
	}
	slices.SortFunc(reasons, func(a, b string) int { return res.refusals[b] - res.refusals[a] })
	for _, r := range reasons {
		fmt.Fprintf(stdout, "  %8d  %s\n", res.refusals[r], r)
	}

	over, err := oversold(ctx, d, bs, skus)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nStock: %d SKUs checked (stock before − quantity in the run's live orders = stock now; none below zero)\n", len(skus))
	for _, v := range over {
		fmt.Fprintf(stdout, "  OVERSELL %s\n", v)
	}
	fmt.Fprintf(stdout, "oversell: %d %s\n", len(over), verdict(len(over) == 0))

	fmt.Fprintln(stdout, "\nLedger check and reconciliation:")
	rep, err := ledger.NewService(d, store.New(d), nil).Check(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  %d transactions, %d postings, %d accounts, %d pending holds; sum of all postings %s\n",
		rep.Transactions, rep.Postings, rep.Accounts, rep.PendingHolds, rep.Total)
	for _, v := range rep.Violations {
		fmt.Fprintf(stdout, "  VIOLATION %s: %s (want %s, got %s)\n", v.Rule, v.Object, v.Want, v.Got)
	}
	var rec bytes.Buffer
	recErr := reconcile(ctx, d, &rec, false)
	for l := range strings.Lines(rec.String()) {
		fmt.Fprint(stdout, "  "+l)
	}
	clean := rep.Clean() && recErr == nil
	fmt.Fprintf(stdout, "ledger: %s\n", map[bool]string{true: "clean", false: "DIRTY"}[clean])
	if len(over) > 0 || !clean {
		return errOversold
	}
	return nil
}

type benchBuyer struct {
	org, token, address string
}

// benchBuyers registers n buyer companies, each with its owner, a delivery address and
// an API token, through the identity and buyer services.
func benchBuyers(ctx context.Context, a *app.App, n int) ([]benchBuyer, error) {
	run := make([]byte, 4)
	_, _ = rand.Read(run)
	tag := hex.EncodeToString(run)
	out := make([]benchBuyer, 0, n)
	for i := range n {
		u, o, err := a.Identity.Register(ctx, identity.RegisterInput{Login: fmt.Sprintf("bench-%s-%d@example.com", tag, i), Password: "bench-" + tag + "-9",
			DisplayName: fmt.Sprintf("压测采购 %d", i), CompanyName: fmt.Sprintf("压测采购商 %s-%d", tag, i), Lang: "en"})
		if err != nil {
			return nil, fmt.Errorf("register buyer %d: %w", i, err)
		}
		p, err := a.Identity.Principal(ctx, u.ID, o.ID)
		if err != nil {
			return nil, err
		}
		ad, err := a.Buyer.SaveAddress(ctx, p, "", buyer.AddressInput{Label: "总部", Consignee: "王建国", Mobile: "13862018826", DivisionCode: "320505",
			Street: "金山路 188 号 A 栋 3 楼", Postcode: "215011", Default: true})
		if err != nil {
			return nil, fmt.Errorf("address of buyer %d: %w", i, err)
		}
		_, secret, err := a.Identity.CreateToken(ctx, p, "bench checkout", 24*time.Hour)
		if err != nil {
			return nil, err
		}
		out = append(out, benchBuyer{org: o.ID, token: secret, address: ad.ID})
	}
	return out, nil
}

type benchSKU struct {
	id, code    string
	step, stock int64 // the quantity ordered at a time (MOQ rounded up to the multiple)
}

// benchSKUs picks the SKUs the run orders, on sale in live stores: the hot ones (the
// same on every run of a demo) get a stock of 50 steps; the normal ones have stock for
// at least 200 steps, so they seldom run out and a reused demo lasts many runs.
func benchSKUs(ctx context.Context, d *db.DB, hot, n int) ([]benchSKU, error) {
	const onSale = `SELECT k.id, k.code, k.moq, k.multiple, k.stock FROM skus k JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = k.supplier_id
		WHERE p.status = 'on_sale' AND k.status = 'active' AND o.status = 'active' AND o.store_live = TRUE AND k.moq <= 1000`
	out, err := scanBenchSKUs(ctx, d, onSale+` ORDER BY k.id LIMIT ?`, hot)
	if err != nil {
		return nil, err
	}
	hot = len(out)
	// Straight in the table: the benchmark's own demo, whose search index (rebuilt
	// at start) need not hear of it.
	for i := range out {
		out[i].stock = 50 * out[i].step
		if _, err := d.Exec(ctx, `UPDATE skus SET stock = ? WHERE id = ?`, out[i].stock, out[i].id); err != nil {
			return nil, err
		}
	}
	normal, err := scanBenchSKUs(ctx, d, onSale+` AND k.stock >= 200 * (CASE WHEN k.moq > k.multiple THEN k.moq ELSE k.multiple END)
		ORDER BY k.id LIMIT ?`, hot+n)
	if err != nil {
		return nil, err
	}
	for _, k := range normal {
		if !slices.ContainsFunc(out[:hot], func(h benchSKU) bool { return h.id == k.id }) && len(out) < hot+n {
			out = append(out, k)
		}
	}
	if len(out) == hot {
		return nil, errors.New("the demo has no SKU on sale with stock")
	}
	return out, nil
}

func scanBenchSKUs(ctx context.Context, d *db.DB, query string, limit int) ([]benchSKU, error) {
	rows, err := d.Query(ctx, query, limit)
	if err != nil {
		return nil, err
	}
	var out []benchSKU
	for rows.Next() {
		var k benchSKU
		var moq, mult int64
		if err := rows.Scan(&k.id, &k.code, &moq, &mult, &k.stock); err != nil {
			rows.Close()
			return nil, err
		}
		m := max(mult, 1)
		k.step = (max(moq, 1) + m - 1) / m * m
		out = append(out, k)
	}
	rows.Close()
	return out, rows.Err()
}

type checkoutResult struct {
	checkouts, orders, payments, adds int
	replays, replaysSame              int
	serverErrors                      int
	lat                               []time.Duration
	refusals                          map[string]int
	elapsed                           time.Duration
	err                               error
}

// runCheckoutLoad runs conc workers for dur; worker w serves buyers w, w+conc, … in turn,
// so no two workers share a cart.
func runCheckoutLoad(ctx context.Context, c *http.Client, base string, bs []benchBuyer, skus []benchSKU, nHot, conc int, dur time.Duration, pay, direct bool) checkoutResult {
	runCtx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	var mu sync.Mutex
	total := checkoutResult{refusals: map[string]int{}}
	var failed atomic.Bool
	var wg sync.WaitGroup
	t := time.Now()
	for w := range conc {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(w), 7))
			cl := &ckClient{c: c, base: base, direct: direct}
			res := checkoutResult{refusals: map[string]int{}}
			mine := (len(bs) - w + conc - 1) / conc // buyers w, w+conc, …
			for i := 0; runCtx.Err() == nil && !failed.Load(); i++ {
				b := bs[w+(i%mine)*conc]
				// The requests themselves are not cut off at the deadline: a round in
				// flight finishes, so every checkout is whole.
				if err := cl.iteration(ctx, r, b, skus, nHot, pay, i%20 == 19, &res); err != nil {
					if ctx.Err() != nil {
						break
					}
					res.err = err
					failed.Store(true)
					break
				}
			}
			mu.Lock()
			defer mu.Unlock()
			total.checkouts += res.checkouts
			total.orders += res.orders
			total.payments += res.payments
			total.adds += res.adds
			total.replays += res.replays
			total.replaysSame += res.replaysSame
			total.serverErrors += res.serverErrors
			total.lat = append(total.lat, res.lat...)
			for k, v := range res.refusals {
				total.refusals[k] += v
			}
			if total.err == nil {
				total.err = res.err
			}
		})
	}
	wg.Wait()
	total.elapsed = time.Since(t)
	return total
}

type ckClient struct {
	c      *http.Client
	base   string
	direct bool // the items go in the checkout request, not through the cart
}

// apiError is the API's error body.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// refused is an answer with an error status: counted by reason, not a failure of the
// benchmark; server marks a 5xx, which the report counts apart.
type refused struct {
	reason string
	server bool
}

func (r refused) Error() string { return r.reason }

var digits = regexp.MustCompile(`[0-9][0-9A-Za-z.\-]*`)

// do sends a JSON request as the buyer and decodes a 2xx answer into out.
func (cl *ckClient) do(ctx context.Context, b benchBuyer, method, path, key string, in, out any) error {
	var body io.Reader
	if in != nil {
		j, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, cl.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+b.token)
	req.Header.Set("Accept-Language", "en")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := cl.c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		var e apiError
		_ = json.Unmarshal(raw, &e)
		msg := e.Error.Message
		for f, m := range e.Error.Fields {
			msg = strings.SplitN(f, ".", 2)[0] + ": " + m
			break
		}
		// One reason whatever the SKU, count or unit: the message up to its first number.
		if i := digits.FindStringIndex(msg); i != nil {
			msg = msg[:i[0]] + "…"
		}
		return refused{reason: fmt.Sprintf("%s %s: %d %s", method, routeOf(path), resp.StatusCode, msg)}
	}
	if resp.StatusCode >= 500 {
		return refused{reason: fmt.Sprintf("%s %s: %d server error", method, routeOf(path), resp.StatusCode), server: true}
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func routeOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); strings.HasPrefix(path, "/api/v1/cart/items/") || strings.HasPrefix(path, "/api/v1/payments/sandbox/") {
		return path[:i] + "/{id}"
	}
	return path
}

type ckOrder struct {
	ID string `json:"id"`
}

type ckCheckout struct {
	CheckoutID string    `json:"checkout_id"`
	Orders     []ckOrder `json:"orders"`
}

// iteration is one buyer's round: 1–3 SKUs into the cart, checkout, and with pay the
// sandbox payment; a refusal is counted and the cart emptied. With replay the checkout is
// sent again with its key and must answer with the same checkout.
func (cl *ckClient) iteration(ctx context.Context, r *mrand.Rand, b benchBuyer, skus []benchSKU, nHot int, pay, replay bool, res *checkoutResult) error {
	n := 1 + r.IntN(3)
	picked := map[int]bool{}
	var added []string
	var items []map[string]any
	refuse := func(err error) error {
		var rf refused
		if !errors.As(err, &rf) {
			return err
		}
		res.refusals[rf.reason]++
		if rf.server {
			res.serverErrors++
		}
		for _, id := range added {
			if err := cl.do(ctx, b, http.MethodDelete, "/api/v1/cart/items/"+id, "", nil, nil); err != nil {
				return err
			}
		}
		return nil
	}
	for range n {
		i := nHot + r.IntN(len(skus)-nHot)
		if nHot > 0 && (len(skus) == nHot || r.IntN(4) == 0) {
			i = r.IntN(nHot) // a quarter of the lines go to the hot SKUs
		}
		if picked[i] {
			continue
		}
		picked[i] = true
		k := skus[i]
		line := map[string]any{"sku": k.id, "qty": k.step * int64(1+r.IntN(2))}
		if cl.direct {
			items = append(items, line)
			continue
		}
		err := cl.do(ctx, b, http.MethodPost, "/api/v1/cart/items", "", line, nil)
		if err != nil {
			return refuse(err)
		}
		res.adds++
		added = append(added, k.id)
	}
	key := newKey()
	body := map[string]any{"address_id": b.address}
	if cl.direct {
		body["items"] = items
	}
	var co ckCheckout
	t := time.Now()
	err := cl.do(ctx, b, http.MethodPost, "/api/v1/checkout", key, body, &co)
	res.lat = append(res.lat, time.Since(t))
	if err != nil {
		return refuse(err)
	}
	res.checkouts++
	res.orders += len(co.Orders)
	if replay {
		var again ckCheckout
		if err := cl.do(ctx, b, http.MethodPost, "/api/v1/checkout", key, body, &again); err != nil {
			return fmt.Errorf("replayed checkout: %w", err)
		}
		res.replays++
		if again.CheckoutID == co.CheckoutID && len(again.Orders) == len(co.Orders) {
			res.replaysSame++
		}
	}
	if !pay {
		return nil
	}
	ids := make([]string, len(co.Orders))
	for i, o := range co.Orders {
		ids[i] = o.ID
	}
	var p struct {
		ID string `json:"id"`
	}
	if err := cl.do(ctx, b, http.MethodPost, "/api/v1/payments", newKey(), map[string]any{"order_ids": ids, "provider": "sandbox"}, &p); err != nil {
		return refuse(err)
	}
	if err := cl.do(ctx, b, http.MethodPost, "/api/v1/payments/sandbox/"+p.ID, newKey(), nil, nil); err != nil {
		return refuse(err)
	}
	res.payments++
	return nil
}

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// oversold checks every SKU the run ordered from: its stock before, less what the run's
// live (not cancelled) orders hold, must be its stock now; and no SKU anywhere may have
// a stock below zero.
func oversold(ctx context.Context, d *db.DB, bs []benchBuyer, skus []benchSKU) ([]string, error) {
	orgs := make([]any, len(bs))
	for i, b := range bs {
		orgs[i] = b.org
	}
	held := map[string]int64{}
	rows, err := d.Query(ctx, `SELECT l.sku_id, SUM(l.qty) FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE o.state <> 'cancelled' AND l.sku_id IS NOT NULL AND o.buyer_org_id IN (`+db.Placeholders(len(orgs))+`) GROUP BY l.sku_id`, orgs...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var q int64
		if err := rows.Scan(&id, &q); err != nil {
			rows.Close()
			return nil, err
		}
		held[id] = q
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, k := range skus {
		var now int64
		if err := d.QueryRow(ctx, `SELECT stock FROM skus WHERE id = ?`, k.id).Scan(&now); err != nil {
			return nil, err
		}
		if k.stock-held[k.id] != now || now < 0 {
			out = append(out, fmt.Sprintf("%s: stock before %d − held by orders %d = %d, but the stock is %d", k.code, k.stock, held[k.id], k.stock-held[k.id], now))
		}
	}
	var neg int64
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM skus WHERE stock < 0`).Scan(&neg); err != nil {
		return nil, err
	}
	if neg > 0 {
		out = append(out, fmt.Sprintf("%d SKUs have a stock below zero", neg))
	}
	return out, nil
}
