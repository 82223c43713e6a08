package identity

import (
	"sync"
	"time"
)

// Generation names, for db.Changed and db.Generation, the data a principal is made of:
// users, organisations, memberships and API tokens. Every store write to them marks it,
// and the token cache drops everything it holds when it moves.
const Generation = "identity"

// Token cache bounds: an API token's principal is kept for TokenCacheTTL after it was
// read, at most tokenCacheMax of them.
const (
	TokenCacheTTL = 5 * time.Second
	tokenCacheMax = 10000
)

// tokenCache keeps recently authenticated API tokens with their principals, so a client
// making many calls does not cost three queries each. An entry is used only while the
// identity generation it was read under is still current (any change to a user,
// organisation, membership or token committed in this process, a revocation among them,
// moves it, so on this node a revoked token fails at once) and for at most TokenCacheTTL
// (the delay with which a change made on another node is seen here).
type tokenCache struct {
	mu sync.Mutex
	m  map[string]*tokenEntry // by token hash
}

type tokenEntry struct {
	token Token
	p     Principal
	gen   uint64
	read  time.Time
}

// get returns a copy of the principal cached for hash, when still good at gen and now.
func (c *tokenCache) get(hash string, gen uint64, now time.Time) (*Token, *Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok {
		return nil, nil, false
	}
	if e.gen != gen || now.Sub(e.read) >= TokenCacheTTL || now.Before(e.read) {
		delete(c.m, hash)
		return nil, nil, false
	}
	t, p := e.token, e.p
	p.Roles = append([]Role(nil), e.p.Roles...)
	return &t, &p, true
}

// put keeps t and p, read under gen at now.
func (c *tokenCache) put(hash string, t *Token, p *Principal, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= tokenCacheMax {
		c.m = make(map[string]*tokenEntry)
	}
	e := &tokenEntry{token: *t, p: *p, gen: gen, read: now}
	e.p.Roles = append([]Role(nil), p.Roles...)
	c.m[hash] = e
}

// touched notes the token's last use, so a cached token is touched once a minute too.
func (c *tokenCache) touched(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[hash]; ok {
		e.token.LastUsedAt = at
	}
}
