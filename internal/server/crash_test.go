package server_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/web"
)

// crashDSN tells the test binary, started again by TestCrashUnderLoad, to be the server.
const crashDSN = "ZHUCHAO_CRASH_SERVER_DSN"

// crashLock is the server's Idempotency-Key lock in the crash test: a key held by a run
// that died with its server may be taken over this long after (a minute in production).
const crashLock = 2 * time.Second

// TestCrashServer is not a test: it is the server process of TestCrashUnderLoad, the test
// binary run again with crashDSN set. It serves the API over the database until killed.
func TestCrashServer(t *testing.T) {
	dsn := os.Getenv(crashDSN)
	if dsn == "" {
		t.Skip("the server process of TestCrashUnderLoad")
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	ctx := context.Background()
	d, err := db.Open(ctx, dsn, db.Options{}) // the production settings: synchronous=FULL, group commit
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(d, time.Now)
	cfg := config.Default()
	cfg.LogLevel = "error"
	cfg.PaySandbox = true
	s, err := a.Server(cfg, web.Site{Name: "筑巢"}, "crash")
	if err != nil {
		t.Fatal(err)
	}
	s.API.IdempotencyLock = crashLock
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("LISTENING %s\n", ln.Addr())
	t.Fatal(http.Serve(ln, s.Handler()))
}

// crashServer is one run of the server process.
type crashServer struct {
	cmd  *exec.Cmd
	base string
}

func startCrashServer(t *testing.T, dsn string) *crashServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashServer$", "-test.v")
	cmd.Env = append(os.Environ(), crashDSN+"="+dsn)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
				addr <- a
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatal("the server process ended before listening")
		}
		return &crashServer{cmd: cmd, base: "http://" + a}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the server process did not start")
	}
	return nil
}

// kill ends the server at once, as a power cut of the process would (SIGKILL).
func (s *crashServer) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// crashCall is one idempotent request and the answer it finally got.
type crashCall struct {
	method, path, key, body string
	token                   string // the buyer's API token
	status                  int
	answer                  string
	retried                 bool // an attempt died with the server, or found the key still held
}

// crashClient sends every request with its Idempotency-Key until it has a definite
// answer: a connection that fails (the server is down) or a 409 (the key is still held
// by a run that died) is retried with the same key and body.
type crashClient struct {
	c     *http.Client
	base  atomic.Pointer[string]
	token string
	mu    *sync.Mutex
	calls *[]*crashCall
}

func (cl *crashClient) call(ctx context.Context, method, path string, in any) (*crashCall, error) {
	b, _ := json.Marshal(in)
	k := make([]byte, 12)
	_, _ = rand.Read(k)
	c := &crashCall{method: method, path: path, key: hex.EncodeToString(k), body: string(b), token: cl.token}
	for {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		status, answer, err := cl.send(ctx, c)
		if err != nil || status == http.StatusConflict && strings.Contains(answer, "still running") {
			c.retried = true
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if status >= 500 {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, status, answer)
		}
		c.status, c.answer = status, answer
		cl.mu.Lock()
		*cl.calls = append(*cl.calls, c)
		cl.mu.Unlock()
		return c, nil
	}
}

func (cl *crashClient) send(ctx context.Context, c *crashCall) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, c.method, *cl.base.Load()+c.path, strings.NewReader(c.body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", c.key)
	req.Header.Set("Accept-Language", "en")
	res, err := cl.c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, "", err
	}
	return res.StatusCode, string(raw), nil
}

// TestCrashUnderLoad is RELIABILITY 7: buyers check out and pay over HTTP against a server
// process that is killed (SIGKILL) at random moments and started again on the same
// database, five times. Every request is retried with its key until it has an answer.
// Then: the ledger check is clean; every paid order has its payment and the payment's
// escrow transaction, every payment marked paid has them; every order holds its stock
// (stock before − live orders' quantities = stock now); every order event has its outbox
// entry; and every answered request, sent again with its key, gets the same answer.
func TestCrashUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a server process: skipped in -short")
	}
	if os.Getenv(crashDSN) != "" {
		t.Skip("inside the server process")
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := servertest.Start(t, d)
		e.Server.Close()
		// Buyers with addresses and API tokens; the fixture's two SKUs with ample stock.
		var tokens, addrs []string
		for i := range 4 {
			u, o, err := e.Identity.Register(ctx, identity.RegisterInput{Login: fmt.Sprintf("crash%d@example.cn", i), Password: "crash-pass-1",
				DisplayName: "采购", CompanyName: fmt.Sprintf("崩溃测试采购%d有限公司", i)})
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.Identity.Principal(ctx, u.ID, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			ad, err := e.App.Buyer.SaveAddress(ctx, p, "", buyer.AddressInput{Label: "总部", Consignee: "王建国", Mobile: "13862018826", DivisionCode: "320505",
				Street: "金山路 188 号", Postcode: "215011", Default: true})
			if err != nil {
				t.Fatal(err)
			}
			_, secret, err := e.Identity.CreateToken(ctx, p, "crash", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			tokens, addrs = append(tokens, secret), append(addrs, ad.ID)
		}
		if _, err := d.Exec(ctx, `UPDATE skus SET stock = 1000000 WHERE code = 'BOLT-M8'`); err != nil {
			t.Fatal(err)
		}
		var skus []string
		rows, err := d.Query(ctx, `SELECT id FROM skus WHERE code = 'BOLT-M8' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			skus = append(skus, id)
		}
		rows.Close()
		const stockBefore = 1000000

		dsn := dbtest.DSN(d)
		srv := startCrashServer(t, dsn)
		defer func() { srv.kill() }()
		base := srv.base

		var mu sync.Mutex
		var calls []*crashCall
		loadCtx, stopLoad := context.WithCancel(ctx)
		var wg sync.WaitGroup
		var failed atomic.Value
		clients := make([]*crashClient, len(tokens))
		for w := range tokens {
			cl := &crashClient{c: &http.Client{Timeout: 30 * time.Second}, token: tokens[w], mu: &mu, calls: &calls}
			cl.base.Store(&base)
			clients[w] = cl
			wg.Go(func() {
				r := mrand.New(mrand.NewPCG(uint64(w), 13))
				for loadCtx.Err() == nil {
					items := []map[string]any{{"sku": skus[r.IntN(len(skus))], "qty": 100 * (1 + r.IntN(3))}}
					co, err := cl.call(loadCtx, "POST", "/api/v1/checkout", map[string]any{"address_id": addrs[w], "items": items})
					if err != nil || co.status != http.StatusCreated {
						if err == nil {
							err = fmt.Errorf("checkout: %d %s", co.status, co.answer)
						}
						if loadCtx.Err() == nil {
							failed.Store(err)
						}
						return
					}
					var res struct {
						Orders []struct {
							ID string `json:"id"`
						} `json:"orders"`
					}
					_ = json.Unmarshal([]byte(co.answer), &res)
					if r.IntN(4) == 0 {
						continue // left awaiting payment
					}
					ids := make([]string, len(res.Orders))
					for i, o := range res.Orders {
						ids[i] = o.ID
					}
					p, err := cl.call(loadCtx, "POST", "/api/v1/payments", map[string]any{"order_ids": ids, "provider": "sandbox"})
					if err != nil || p.status != http.StatusCreated {
						if err == nil {
							err = fmt.Errorf("payment: %d %s", p.status, p.answer)
						}
						if loadCtx.Err() == nil {
							failed.Store(err)
						}
						return
					}
					var pay struct {
						ID string `json:"id"`
					}
					_ = json.Unmarshal([]byte(p.answer), &pay)
					if _, err := cl.call(loadCtx, "POST", "/api/v1/payments/sandbox/"+pay.ID, nil); err != nil {
						if loadCtx.Err() == nil {
							failed.Store(err)
						}
						return
					}
				}
			})
		}
		r := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 1))
		const kills = 5
		for range kills {
			time.Sleep(time.Duration(300+r.IntN(1200)) * time.Millisecond)
			srv.kill()
			time.Sleep(time.Duration(r.IntN(200)) * time.Millisecond)
			srv = startCrashServer(t, dsn)
			for _, cl := range clients {
				cl.base.Store(&srv.base)
			}
		}
		time.Sleep(time.Second)
		stopLoad()
		wg.Wait()
		if err, _ := failed.Load().(error); err != nil {
			t.Fatalf("load: %v", err)
		}
		retried := 0
		for _, c := range calls {
			if c.retried {
				retried++
			}
		}
		t.Logf("%d kills; %d requests answered, %d of them after an attempt died with the server or found its key held", kills, len(calls), retried)
		if len(calls) < 20 {
			t.Fatalf("only %d requests answered", len(calls))
		}

		// Every answered request, sent again with its key, gets the same answer.
		for _, c := range calls {
			status, answer, err := clients[0].send(ctx, c)
			if err != nil || status != c.status || answer != c.answer {
				t.Errorf("%s %s with key %s again: %d %s (%v), first answered %d %s", c.method, c.path, c.key, status, clip(answer), err, c.status, clip(c.answer))
			}
		}
		srv.kill()

		// The ledger proves its invariants.
		rep, err := ledger.NewService(d, store.New(d), nil).Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Clean() {
			t.Errorf("ledger check: %+v", rep.Violations)
		}
		// Every paid order has a paid payment with its escrow transaction, and every paid
		// payment's orders are paid.
		bad := countRows(t, d, `SELECT COUNT(*) FROM orders o WHERE o.state = 'paid' AND NOT EXISTS (
			SELECT 1 FROM payment_orders po JOIN payments p ON p.id = po.payment_id JOIN ledger_transactions lt ON lt.ref = CAST(p.id AS TEXT) AND lt.kind = ?
			WHERE po.order_id = o.id AND p.state = 'paid')`, payment.KindCapture)
		if bad != 0 {
			t.Errorf("%d paid orders without a paid payment and its escrow transaction", bad)
		}
		bad = countRows(t, d, `SELECT COUNT(*) FROM payments p JOIN payment_orders po ON po.payment_id = p.id JOIN orders o ON o.id = po.order_id
			WHERE p.state = 'paid' AND (o.state <> 'paid' OR NOT EXISTS (SELECT 1 FROM ledger_transactions lt WHERE lt.ref = CAST(p.id AS TEXT) AND lt.kind = ?))`, payment.KindCapture)
		if bad != 0 {
			t.Errorf("%d orders of paid payments not paid, or without the escrow transaction", bad)
		}
		// Every order holds its stock.
		for _, k := range skus {
			var now, held int64
			if err := d.QueryRow(ctx, `SELECT stock FROM skus WHERE id = ?`, k).Scan(&now); err != nil {
				t.Fatal(err)
			}
			if err := d.QueryRow(ctx, `SELECT COALESCE(SUM(l.qty), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.sku_id = ? AND o.state <> 'cancelled'`, k).Scan(&held); err != nil {
				t.Fatal(err)
			}
			if stockBefore-held != now {
				t.Errorf("SKU %s: stock before %d − held by orders %d ≠ stock now %d", k, stockBefore, held, now)
			}
		}
		// Every order event has its outbox entry; no order without its lines.
		bad = countRows(t, d, `SELECT COUNT(*) FROM orders o WHERE (SELECT COUNT(*) FROM order_events e WHERE e.order_id = o.id) >
			(SELECT COUNT(*) FROM outbox x WHERE x.topic = ? AND x.aggregate_id = CAST(o.id AS TEXT))`, order.Topic)
		if bad != 0 {
			t.Errorf("%d orders with events missing from the outbox", bad)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)`); n != 0 {
			t.Errorf("%d orders without lines", n)
		}
		orders := countRows(t, d, `SELECT COUNT(*) FROM orders`)
		paid := countRows(t, d, `SELECT COUNT(*) FROM orders WHERE state = 'paid'`)
		t.Logf("%d orders, %d paid; ledger: %d transactions", orders, paid, rep.Transactions)
	})
}
