package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// LogEntry is one search as the analytics keep it.
type LogEntry struct {
	ID       string
	At       time.Time
	Q        string
	Norm     string
	Category string
	Filters  string
	Sort     string
	Page     int
	Total    int
	Took     time.Duration
	Source   string // "web" or "api"
}

// Click is a buyer opening a result.
type Click struct {
	LogID     string
	Position  int
	ProductID string
	At        time.Time
}

// Term is a query with how often it was searched.
type Term struct {
	Text  string
	Count int
}

// LogStore keeps the search log and answers the analytics.
type LogStore interface {
	AddSearchLogs(ctx context.Context, es []LogEntry) error
	AddSearchClick(ctx context.Context, c Click) error
	// HotTerms returns the most searched normalized queries since, that found something;
	// ZeroResults those that found nothing.
	HotTerms(ctx context.Context, since time.Time, n int) ([]Term, error)
	ZeroResults(ctx context.Context, since time.Time, n int) ([]Term, error)
}

// Service keeps an Index current from the outbox, logs searches and serves hot terms
// and suggestions. One per process; Start it once.
type Service struct {
	Index  *Index
	Source Source
	Log    LogStore
	Now    func() time.Time
	// Poll is how often the outbox is read (default 250 ms): a change is searchable on
	// every node within about that long.
	Poll time.Duration
	// RebuildEvery rebuilds the whole index to restore rank order and refresh standing
	// that changes with time (default 1 h).
	RebuildEvery time.Duration

	cursor  atomic.Int64
	logCh   chan LogEntry
	hot     atomic.Pointer[[]Term]
	sugg    atomic.Pointer[Suggester]
	hotAt   time.Time
	rebuild bool
	builtAt time.Time
	mu      sync.Mutex    // one Sync at a time
	done    chan struct{} // closed when Start's loop has flushed the log and stopped
}

var (
	logDropped   = metrics.NewCounter(`zhuchao_search_log_dropped_total`)
	indexUpdates = metrics.NewCounter(`zhuchao_search_index_updates_total`)
	indexBuilds  = metrics.NewCounter(`zhuchao_search_index_builds_total`)
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Build builds the index from the source and remembers the outbox position it
// reflects. Events written while it builds are applied by the next Sync.
func (s *Service) Build(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buildLocked(ctx)
}

func (s *Service) buildLocked(ctx context.Context) error {
	last, err := s.Source.Last(ctx)
	if err != nil {
		return err
	}
	t := time.Now()
	if err := s.Index.Build(ctx, s.Source); err != nil {
		return err
	}
	indexBuilds.Inc()
	// A build leaves a few times the index's size in garbage; give it back to the OS
	// now rather than carry it as resident memory until the runtime gets round to it.
	debug.FreeOSMemory()
	st := s.Index.Stats()
	slog.InfoContext(ctx, "search index built", "docs", st.Docs, "products", st.Products, "tokens", st.Tokens, "took", time.Since(t).Round(time.Millisecond))
	s.cursor.Store(last)
	s.rebuild = false
	s.builtAt = s.now()
	s.refreshSuggestions(ctx)
	return nil
}

// Start builds the index and keeps it current until ctx ends.
func (s *Service) Start(ctx context.Context) error {
	if s.logCh == nil {
		s.logCh = make(chan LogEntry, 8192)
	}
	if err := s.Build(ctx); err != nil {
		return err
	}
	poll := s.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		tick := time.NewTicker(poll)
		defer tick.Stop()
		flush := time.NewTicker(time.Second)
		defer flush.Stop()
		for {
			select {
			case <-ctx.Done():
				s.flushLogs(context.WithoutCancel(ctx))
				return
			case <-tick.C:
				if err := s.Sync(ctx); err != nil && ctx.Err() == nil {
					slog.ErrorContext(ctx, "search sync", "err", err)
				}
			case <-flush.C:
				s.flushLogs(ctx)
			}
		}
	}()
	return nil
}

// Wait returns once the loop Start began has ended (its context was cancelled) and the
// queued search log has been written, so the database may be closed after it.
func (s *Service) Wait() {
	if s.done != nil {
		<-s.done
	}
}

// Sync applies the outbox events after the index's position, rebuilding when the
// catalogue's shape or the ranking rules changed or rank order has drifted.
func (s *Service) Sync(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	every := s.RebuildEvery
	if every <= 0 {
		every = time.Hour
	}
	if s.now().Sub(s.builtAt) > every {
		s.rebuild = true
	}
	for {
		evs, err := s.Source.Events(ctx, s.cursor.Load(), 1000)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			break
		}
		products, suppliers := map[string]bool{}, map[string]bool{}
		for _, e := range evs {
			switch e.Topic {
			case "product":
				products[e.Aggregate] = true
			case "supplier":
				suppliers[e.Aggregate] = true
			case "catalog", "rules":
				s.rebuild = true
			}
		}
		// Orders, payments and RFQs share the outbox; only catalogue events touch the index
		// (and its generation, which the page cache keys on).
		if !s.rebuild && len(products)+len(suppliers) > 0 {
			if err := s.apply(ctx, products, suppliers); err != nil {
				return err
			}
		}
		s.cursor.Store(evs[len(evs)-1].Seq)
		if len(evs) < 1000 {
			break
		}
	}
	if !s.rebuild {
		st := s.Index.Stats()
		s.rebuild = st.Appended > 1000 && st.Appended*10 > st.Docs
	}
	if s.rebuild {
		return s.buildLocked(ctx)
	}
	if s.now().Sub(s.hotAt) > 5*time.Minute {
		s.refreshSuggestions(ctx)
	}
	return nil
}

// apply reloads changed products and suppliers from the source and swaps them into
// the index under its write lock.
func (s *Service) apply(ctx context.Context, products, suppliers map[string]bool) error {
	type supChange struct {
		id    string
		sup   *Supplier
		prods []*Product
	}
	var sc []supChange
	var sups []Supplier
	if len(suppliers) > 0 {
		var err error
		if sups, err = s.Source.Suppliers(ctx); err != nil {
			return err
		}
	}
	for id := range suppliers {
		c := supChange{id: id}
		for i := range sups {
			if sups[i].ID == id {
				c.sup = &sups[i]
			}
		}
		if c.sup != nil {
			err := s.Source.Products(ctx, id, "", func(p *Product) error { c.prods = append(c.prods, p); return nil })
			if err != nil {
				return err
			}
		}
		sc = append(sc, c)
	}
	var ps []*Product
	var gone []string
	for id := range products {
		found := false
		err := s.Source.Products(ctx, "", id, func(p *Product) error { ps = append(ps, p); found = true; return nil })
		if err != nil {
			return err
		}
		if !found {
			gone = append(gone, id)
		}
	}
	ix := s.Index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	defer ix.gen.Add(1)
	snap := ix.cur
	before := len(snap.docs)
	for _, c := range sc {
		if i, ok := snap.supByID[c.id]; ok {
			for _, p := range snap.prods {
				if !p.deleted && p.supplier == i {
					snap.remove(p.ID)
				}
			}
		}
		if c.sup == nil {
			continue
		}
		snap.addSupplier(*c.sup)
		for _, p := range c.prods {
			snap.add(ix.seg, p)
		}
	}
	for _, id := range gone {
		snap.remove(id)
	}
	for _, p := range ps {
		if suppliers[p.SupplierID] {
			continue // already reloaded with its supplier
		}
		snap.remove(p.ID)
		snap.add(ix.seg, p)
	}
	snap.appended += len(snap.docs) - before
	snap.buildDict()
	indexUpdates.Add(len(products) + len(suppliers))
	return nil
}

// refreshSuggestions reloads hot terms and rebuilds the autocomplete list from them,
// category and brand names, and the catalogue's frequent words.
func (s *Service) refreshSuggestions(ctx context.Context) {
	s.hotAt = s.now()
	terms := map[string]int{}
	if s.Log != nil {
		hot, err := s.Log.HotTerms(ctx, s.now().Add(-7*24*time.Hour), 50)
		if err != nil {
			slog.ErrorContext(ctx, "search hot terms", "err", err)
		} else {
			s.hot.Store(&hot)
			for _, t := range hot {
				terms[t.Text] += 1000 + t.Count*100
			}
		}
	}
	ix := s.Index
	ix.mu.RLock()
	snap := ix.cur
	for _, c := range snap.cats {
		if b := snap.catBM[c.ID]; b != nil {
			terms[c.NameZH] += 500 + int(min(b.GetCardinality(), 10000)/100)
		}
	}
	for name, b := range snap.brandBM {
		terms[name] += 300 + int(min(b.GetCardinality(), 10000)/100)
	}
	for w, n := range snap.vocab {
		if n >= 3 {
			terms[w] += min(n, 300)
		}
	}
	ix.mu.RUnlock()
	s.sugg.Store(NewSuggester(terms))
}

// HotTerms returns the most searched terms of the last week (cached for 5 minutes).
func (s *Service) HotTerms() []Term {
	if p := s.hot.Load(); p != nil {
		return *p
	}
	return nil
}

// Suggest completes a prefix.
func (s *Service) Suggest(prefix string, n int) []Suggestion {
	return s.sugg.Load().Complete(prefix, n)
}

// NewLogID returns a random ID for a search, so result links can name it before the
// log row is written.
func NewLogID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Record queues a search for the log; when the queue is full the entry is dropped and
// counted rather than slowing the search.
func (s *Service) Record(e LogEntry) {
	if s.logCh == nil {
		return
	}
	select {
	case s.logCh <- e:
	default:
		logDropped.Inc()
	}
}

// FlushLogs writes queued searches now (tests and shutdown).
func (s *Service) FlushLogs(ctx context.Context) { s.flushLogs(ctx) }

func (s *Service) flushLogs(ctx context.Context) {
	if s.logCh == nil || s.Log == nil {
		return
	}
	var batch []LogEntry
	for len(batch) < 2000 {
		select {
		case e := <-s.logCh:
			batch = append(batch, e)
			continue
		default:
		}
		break
	}
	if len(batch) == 0 {
		return
	}
	if err := s.Log.AddSearchLogs(ctx, batch); err != nil {
		slog.ErrorContext(ctx, "search log", "err", err, "entries", len(batch))
	}
}

// EnableLog prepares the log queue without starting the loop (tests).
func (s *Service) EnableLog() {
	if s.logCh == nil {
		s.logCh = make(chan LogEntry, 8192)
	}
}
