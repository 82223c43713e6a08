package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// Published channel pages are in the sitemaps; drafts are not.
func TestSitemapListsPublishedChannels(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ctx := context.Background()
		ops := principal(t, e, "ops")
		pub, err := e.App.Channels.Create(ctx, ops, channel.Settings{Slug: "fasteners-week", Title: "紧固件周"})
		if err != nil {
			t.Fatal(err)
		}
		ms := []channel.Module{{Kind: channel.RichText, Title: "选购指南", Text: "按螺纹规格与性能等级选购。"}}
		if pub, err = e.App.Channels.SaveDraft(ctx, ops, pub.ID, ms, pub.Version, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Channels.Publish(ctx, ops, pub.ID, pub.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Channels.Create(ctx, ops, channel.Settings{Slug: "draft-only", Title: "草稿频道"}); err != nil {
			t.Fatal(err)
		}
		c := e.NewClient()
		var idx smIndex
		fetchXML(t, c, "/sitemap.xml", &idx)
		var found bool
		for _, m := range idx.Maps {
			if !strings.Contains(m.Loc, "/sitemaps/channels-1.xml") {
				continue
			}
			found = true
			var us smURLs
			fetchXML(t, c, "/sitemaps/channels-1.xml", &us)
			if len(us.URLs) != 1 || us.URLs[0].Loc != e.Server.URL+"/ch/fasteners-week" {
				t.Errorf("channel sitemap: %+v", us.URLs)
			}
		}
		if !found {
			t.Fatalf("no channel sitemap in %+v", idx.Maps)
		}
	})
}
