package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
)

// TestClientGone: only a cancellation seen while the request's own context is done is
// the client going away; the same error on a live request is a server failure.
func TestClientGone(t *testing.T) {
	live := httptest.NewRequest("GET", "/", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := live.WithContext(ctx)
	wrapped := fmt.Errorf("store: order: %w", context.Canceled)
	for _, c := range []struct {
		name string
		gone bool
		err  error
		want bool
	}{
		{"cancelled request, cancellation error", true, wrapped, true},
		{"live request, cancellation error", false, wrapped, false},
		{"cancelled request, other error", true, errors.New("disk full"), false},
	} {
		r := live
		if c.gone {
			r = gone
		}
		if got := ClientGone(r, c.err); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
