package server_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// A plain query the catalogue answers whole is an indexable landing page; text pasted to
// mint pages (words the catalogue does not have, long, odd characters) is noindex.
func TestSearchLandingPagesResistSpam(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.NewClient()
		for _, tc := range []struct {
			q     string
			index bool
		}{
			{"外六角螺栓", true},
			{"螺栓 M8", true},
			{"外六角螺栓 加微信领红包", false},
			{"外六角螺栓外六角螺栓外六角螺栓外六角螺栓外六角螺栓", false},
			{"外六角螺栓 <b>", false},
		} {
			res := c.Get("/search?q=" + url.QueryEscape(tc.q))
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", tc.q, res.StatusCode)
			}
			noindex := strings.Contains(res.Body, `content="noindex`)
			canonical := strings.Contains(res.Body, `rel="canonical"`)
			if tc.index == noindex || tc.index != canonical {
				t.Errorf("%q: noindex %v, canonical %v; want indexable %v", tc.q, noindex, canonical, tc.index)
			}
		}
	})
}
