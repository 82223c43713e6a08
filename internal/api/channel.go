package api

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/httpx"
)

func (a *API) addChannelRoutes() {
	if a.Channels == nil {
		return
	}
	a.add("GET", "/api/v1/channels/{slug}", httpx.Anyone, false, a.channel,
		Doc{ID: "getChannel", Summary: "A published channel page (频道页) with the modules showing now; shelves give their search words or products for /api/v1/search, campaign slots their running campaign", Tag: "channels", Response: "Channel", Status: 200,
			Params: []Param{{Name: "slug", In: "path", Type: "string", Required: true, Description: "the channel's URL name"}}})
}

// ChannelModule is one module of a channel in the API.
type ChannelModule struct {
	ID         string           `json:"id"`
	Kind       string           `json:"kind"`
	Title      string           `json:"title"`
	Text       string           `json:"text,omitempty"`
	Image      string           `json:"image,omitempty"`
	Link       string           `json:"link,omitempty"`
	Alt        string           `json:"alt,omitempty"`
	Query      string           `json:"query,omitempty"`
	Category   string           `json:"category_id,omitempty"`
	Products   []string         `json:"products,omitempty"`
	Count      int              `json:"count,omitempty"`
	Categories []string         `json:"categories,omitempty"`
	Campaign   *ChannelCampaign `json:"campaign,omitempty"`
	Start      *time.Time       `json:"start,omitempty"`
	End        *time.Time       `json:"end,omitempty"`
}

// ChannelCampaign is a running campaign in a slot.
type ChannelCampaign struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Kind     string    `json:"kind"`
	Badge    string    `json:"badge"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Products []string  `json:"products"`
}

func (a *API) channel(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := a.Channels.Public(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	active, err := a.Channels.Active(ctx)
	if err != nil {
		return err
	}
	mods := make([]ChannelModule, 0, len(c.Live))
	for _, m := range c.Live {
		cm := ChannelModule{ID: m.ID, Kind: m.Kind, Title: m.Title, Text: m.Text, Link: m.Link, Alt: m.Alt, Query: m.Query,
			Category: m.Category, Products: m.ProductIDs, Count: m.Count, Categories: m.CatIDs}
		if m.Image != "" {
			cm.Image = "/files/" + m.Image + "/view1200"
		}
		if !m.Start.IsZero() {
			cm.Start = &m.Start
		}
		if !m.End.IsZero() {
			cm.End = &m.End
		}
		if m.Kind == channel.Slot {
			for _, k := range active {
				if k.ID == m.CampaignID {
					cm.Campaign = &ChannelCampaign{ID: k.ID, Name: k.Name, Kind: k.Kind, Badge: k.Badge, Start: k.Start, End: k.End, Products: k.ProductIDs}
				}
			}
			if cm.Campaign == nil {
				continue // not running now
			}
		}
		mods = append(mods, cm)
	}
	WriteJSON(w, http.StatusOK, map[string]any{"id": c.ID, "slug": c.Slug, "title": c.Title, "intro": c.Intro, "published_at": c.PublishedAt, "modules": mods})
	return nil
}
