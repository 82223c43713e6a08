package api

import (
	"net/http"

	"github.com/zhuchao/zhuchao/internal/httpx"
)

// The caller's notification preferences: which message kinds also go by email and SMS.
func (a *API) addNotifyRoutes() {
	if a.Notify == nil || a.Notify.Deliveries == nil {
		return
	}
	a.add("GET", "/api/v1/notifications/preferences", httpx.SignedIn, false, a.getNotifyPrefs,
		Doc{ID: "getNotificationPreferences", Summary: "The caller's choice per message kind of email and SMS (in-site messages always go), defaults filled in", Tag: "identity", Response: "NotifyPrefs", Status: 200})
	a.add("PUT", "/api/v1/notifications/preferences", httpx.SignedIn, false, a.putNotifyPrefs,
		Doc{ID: "setNotificationPreferences", Summary: "Set the kinds that go by email and by SMS; kinds not listed are off for that channel", Tag: "identity", Request: "NotifyPrefsInput", Response: "NotifyPrefs", Status: 200})
}

// NotifyPref is one kind's channels.
type NotifyPref struct {
	Kind  string `json:"kind"`
	Email bool   `json:"email"`
	SMS   bool   `json:"sms"`
}

func (a *API) writePrefs(w http.ResponseWriter, r *http.Request) error {
	prefs, err := a.Notify.Preferences(r.Context(), caller(r))
	if err != nil {
		return err
	}
	out := struct {
		Items []NotifyPref `json:"items"`
	}{Items: []NotifyPref{}}
	for _, p := range prefs {
		out.Items = append(out.Items, NotifyPref{Kind: p.Kind, Email: p.Email, SMS: p.SMS})
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getNotifyPrefs(w http.ResponseWriter, r *http.Request) error { return a.writePrefs(w, r) }

func (a *API) putNotifyPrefs(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email []string `json:"email"`
		SMS   []string `json:"sms"`
	}
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if err := a.Notify.SetPreferences(r.Context(), caller(r), in.Email, in.SMS); err != nil {
		return err
	}
	return a.writePrefs(w, r)
}

func notifySchemas() obj {
	kinds := obj{"type": "array", "items": obj{"type": "string"}, "description": "message kinds: order, payment, payment_due, shipment, dispute, invoice, rfq, application, credential, store, penalty, reward"}
	return obj{
		"NotifyPrefs": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": obj{"type": "object",
			"properties": obj{"kind": obj{"type": "string"}, "email": obj{"type": "boolean"}, "sms": obj{"type": "boolean"}}}}}},
		"NotifyPrefsInput": obj{"type": "object", "additionalProperties": false, "properties": obj{"email": kinds, "sms": kinds}},
	}
}
