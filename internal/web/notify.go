package web

import (
	"net/http"

	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/notify"
)

// registerNotify adds each user's notification preferences (which kinds go by email and
// SMS) and the staff list of email and SMS deliveries (what was, or with the log-only
// channels would have been, sent).
func (h *Handler) registerNotify(mux *http.ServeMux) {
	if h.Notify == nil || h.Notify.Deliveries == nil {
		return
	}
	h.route(mux, "GET /account/notifications", httpx.SignedIn, h.notifyPrefs)
	h.route(mux, "POST /account/notifications", httpx.SignedIn, h.notifyPrefsSave)
	h.route(mux, "GET /admin/notifications", httpx.StaffAny, h.notifyDeliveries)
}

type notifyPrefsData struct {
	Prefs []notify.PrefView
}

func (h *Handler) notifyPrefs(w http.ResponseWriter, r *http.Request) error {
	return h.notifyPrefsPage(w, r, http.StatusOK, nil)
}

func (h *Handler) notifyPrefsPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	prefs, err := h.Notify.Preferences(r.Context(), p)
	if err != nil {
		return err
	}
	h.render(w, r, status, "notify_prefs", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "notify.prefs.title"), Area: areaOf(p), Nav: "account", Form: f, Data: notifyPrefsData{Prefs: prefs}})
	return nil
}

func (h *Handler) notifyPrefsSave(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err == nil {
		err = h.Notify.SetPreferences(r.Context(), httpx.PrincipalFrom(r.Context()), v["email"], v["sms"])
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.notifyPrefsPage(w, r, status, f)
	}
	return h.saved(w, r, "/account/notifications")
}

func (h *Handler) notifyDeliveries(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Notify.RecentDeliveries(r.Context(), httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "admin_notifications", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "notify.deliveries.title"), Area: "admin", Nav: "notifications", Data: list})
	return nil
}
