package web

import (
	"net/http"

	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/notify"
)

func (h *Handler) registerMessages(mux *http.ServeMux) {
	h.route(mux, "GET /messages", httpx.SignedIn, h.messages)
	h.route(mux, "POST /messages/{id}/read", httpx.SignedIn, h.readMessage)
}

type messagesData struct {
	Messages []notify.Message
	Unread   int64
}

// MsgText renders a message in the page's language.
func (p *Page) MsgText(m notify.Message) string { return notify.Text(p.Lang, m) }

func (h *Handler) messages(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	ms, unread, err := h.Notify.Inbox(r.Context(), p)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "messages", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "messages.title"), Area: areaOf(p), Nav: "messages", Data: messagesData{Messages: ms, Unread: unread}})
	return nil
}

func (h *Handler) readMessage(w http.ResponseWriter, r *http.Request) error {
	if err := h.Notify.Read(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/messages", http.StatusSeeOther)
	return nil
}
