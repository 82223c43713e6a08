package api

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// addInviteRoutes: invitations of existing accounts into a company — the owner's list and
// withdrawal, and the invited person's answer.
func (a *API) addInviteRoutes() {
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "invitation ID"}}
	a.add("GET", "/api/v1/buyer/member-invites", httpx.BuyerAny, false, a.listOrgInvites,
		Doc{ID: "listMemberInvites", Summary: "Invitations of the company waiting for an answer (owner)", Tag: "buyer", Response: "InviteList", Status: 200})
	a.add("DELETE", "/api/v1/buyer/member-invites/{id}", httpx.BuyerAny, false, a.revokeInvite,
		Doc{ID: "revokeMemberInvite", Summary: "Withdraw an invitation not yet answered (owner)", Tag: "buyer", Status: 204, Params: id})
	a.add("GET", "/api/v1/me/invites", httpx.SignedIn, false, a.listMyInvites,
		Doc{ID: "listMyInvites", Summary: "Invitations to join a company waiting for the caller's answer", Tag: "account", Response: "InviteList", Status: 200})
	a.add("POST", "/api/v1/me/invites/{id}/accept", httpx.SignedIn, false, a.answerInvite(true),
		Doc{ID: "acceptInvite", Summary: "Accept an invitation: the caller joins the company with the roles offered", Tag: "account", Response: "Invite", Status: 200, Params: id})
	a.add("POST", "/api/v1/me/invites/{id}/decline", httpx.SignedIn, false, a.answerInvite(false),
		Doc{ID: "declineInvite", Summary: "Decline an invitation", Tag: "account", Response: "Invite", Status: 200, Params: id})
}

// Invite is an invitation of an existing account into a company.
type Invite struct {
	ID          string     `json:"id"`
	OrgID       string     `json:"org_id"`
	OrgName     string     `json:"org_name"`
	UserID      string     `json:"user_id"`
	DisplayName string     `json:"display_name"`
	Roles       []string   `json:"roles"`
	InvitedBy   string     `json:"invited_by"`
	State       string     `json:"state"`
	CreatedAt   time.Time  `json:"created_at"`
	DecidedAt   *time.Time `json:"decided_at"`
}

func inviteOut(in identity.Invite) Invite {
	out := Invite{ID: in.ID, OrgID: in.OrgID, OrgName: in.OrgName, UserID: in.UserID, DisplayName: in.UserName, Roles: []string{},
		InvitedBy: in.InviterName, State: string(in.State), CreatedAt: in.CreatedAt}
	for _, r := range in.Roles {
		out.Roles = append(out.Roles, string(r))
	}
	if !in.DecidedAt.IsZero() {
		t := in.DecidedAt
		out.DecidedAt = &t
	}
	return out
}

func writeInvites(w http.ResponseWriter, list []identity.Invite) {
	out := []Invite{}
	for _, in := range list {
		out = append(out, inviteOut(in))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (a *API) listOrgInvites(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Identity.PendingInvites(r.Context(), caller(r))
	if err != nil {
		return err
	}
	writeInvites(w, list)
	return nil
}

func (a *API) listMyInvites(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Identity.MyInvites(r.Context(), caller(r))
	if err != nil {
		return err
	}
	writeInvites(w, list)
	return nil
}

func (a *API) revokeInvite(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.Identity.RevokeInvite(r.Context(), caller(r), r.PathValue("id")))
}

func (a *API) answerInvite(accept bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := a.Identity.AnswerInvite(r.Context(), caller(r), r.PathValue("id"), accept)
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, inviteOut(*in))
		return nil
	}
}

func inviteSchemas() obj {
	str := obj{"type": "string"}
	return obj{
		"Invite": obj{"type": "object", "required": []string{"id", "org_id", "org_name", "user_id", "display_name", "roles", "invited_by", "state", "created_at", "decided_at"}, "properties": obj{
			"id": str, "org_id": str, "org_name": str, "user_id": str, "display_name": str, "roles": obj{"type": "array", "items": str},
			"invited_by": obj{"type": "string", "description": "the inviter's display name"},
			"state":      obj{"type": "string", "enum": []string{"pending", "accepted", "declined", "revoked"}},
			"created_at": obj{"type": "string", "format": "date-time"}, "decided_at": obj{"type": []string{"string", "null"}, "format": "date-time"}}},
		"InviteList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Invite")}}},
	}
}
