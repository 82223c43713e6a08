package server_test

import (
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// A channel page has one URL with its canonical link and a description; another spelling
// of the slug is sent there.
func TestChannelPageSEO(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ctx := t.Context()
		ops := principal(t, e, "ops")
		c, err := e.App.Channels.Create(ctx, ops, channel.Settings{Slug: "bolts-week", Title: "螺栓周", Intro: "高强度螺栓集中采购，阶梯价直供。"})
		if err != nil {
			t.Fatal(err)
		}
		ms := []channel.Module{{Kind: channel.RichText, Title: "选购指南", Text: "按螺纹规格与性能等级选购。"}}
		if c, err = e.App.Channels.SaveDraft(ctx, ops, c.ID, ms, c.Version, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Channels.Publish(ctx, ops, c.ID, c.Version); err != nil {
			t.Fatal(err)
		}
		res := e.NewClient().Get("/ch/bolts-week")
		if res.StatusCode != 200 || !strings.Contains(res.Body, `<link rel="canonical" href="`+e.Server.URL+`/ch/bolts-week">`) ||
			!strings.Contains(res.Body, `name="description" content="高强度螺栓集中采购`) {
			t.Errorf("channel page head: %d", res.StatusCode)
		}
		if res := e.NewClient().Do("GET", "/ch/Bolts-Week", "", ""); res.StatusCode != 301 || !strings.HasSuffix(res.Header.Get("Location"), "/ch/bolts-week") {
			t.Errorf("another spelling: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}
