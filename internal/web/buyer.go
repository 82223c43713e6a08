package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// registerBuyer adds the buyer centre's company pages: profile, members, addresses,
// approval rules and requisition lists.
func (h *Handler) registerBuyer(mux *http.ServeMux) {
	h.route(mux, "GET /buyer/company", httpx.BuyerAny, h.buyerCompany)
	h.route(mux, "POST /buyer/company", httpx.BuyerAny, h.buyerCompanySave)
	h.route(mux, "GET /buyer/members", httpx.BuyerAny, h.buyerMembers)
	h.route(mux, "POST /buyer/members", httpx.BuyerAny, h.buyerMemberAdd)
	h.route(mux, "POST /buyer/members/{id}/roles", httpx.BuyerAny, h.buyerMemberRoles)
	h.route(mux, "POST /buyer/members/{id}/remove", httpx.BuyerAny, h.buyerMemberRemove)
	h.route(mux, "POST /buyer/members/invites/{id}/revoke", httpx.BuyerAny, h.buyerInviteRevoke)
	h.route(mux, "GET /buyer/addresses", httpx.BuyerAny, h.buyerAddresses)
	h.route(mux, "GET /buyer/addresses/{id}", httpx.BuyerAny, h.buyerAddressForm)
	h.route(mux, "POST /buyer/addresses/{id}", httpx.BuyerAny, h.buyerAddressSave)
	h.route(mux, "POST /buyer/addresses/{id}/default", httpx.BuyerAny, h.buyerAddressDefault)
	h.route(mux, "POST /buyer/addresses/{id}/delete", httpx.BuyerAny, h.buyerAddressDelete)
	h.route(mux, "GET /buyer/divisions", httpx.BuyerAny, h.buyerDivisionPicker)
	h.route(mux, "GET /buyer/approvals", httpx.BuyerAny, h.buyerRules)
	h.route(mux, "POST /buyer/approvals/{id}", httpx.BuyerAny, h.buyerRuleSave)
	h.route(mux, "POST /buyer/approvals/{id}/delete", httpx.BuyerAny, h.buyerRuleDelete)
	h.route(mux, "GET /buyer/lists", httpx.BuyerAny, h.buyerLists)
	h.route(mux, "POST /buyer/lists", httpx.BuyerAny, h.buyerListCreate)
	h.route(mux, "GET /buyer/lists/{id}", httpx.BuyerAny, h.buyerList)
	h.route(mux, "POST /buyer/lists/{id}", httpx.BuyerAny, h.buyerListRename)
	h.route(mux, "POST /buyer/lists/{id}/delete", httpx.BuyerAny, h.buyerListDelete)
	h.route(mux, "POST /buyer/lists/{id}/items", httpx.BuyerAny, h.buyerListAdd)
	h.route(mux, "POST /buyer/lists/{id}/import", httpx.BuyerAny, h.buyerListImport)
	h.route(mux, "POST /buyer/lists/{id}/items/{sku}", httpx.BuyerAny, h.buyerListQty)
	h.route(mux, "POST /buyer/lists/{id}/items/{sku}/remove", httpx.BuyerAny, h.buyerListRemove)
}

func (h *Handler) buyerPage(w http.ResponseWriter, r *http.Request, status int, page, nav string, f *Form, data any) error {
	h.render(w, r, status, page, &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav."+nav), Area: "buyer", Nav: nav, Form: f, Data: data})
	return nil
}

// userFormError turns a user's error into a form, or passes other errors on.
func userFormError(r *http.Request, v url.Values, err error) (*Form, int, error) {
	f, ok := formFromError(httpx.LangFrom(r.Context()), v, err)
	if !ok || errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
		return nil, 0, err
	}
	return f, httpx.Status(errs.CodeOf(err)), nil
}

func (h *Handler) saved(w http.ResponseWriter, r *http.Request, to string) error {
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "app.saved"))
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ---- company profile ----

type companyData struct {
	Profile *buyer.Profile
	CanEdit bool
}

// Masked shows a bank account's last four digits.
func (companyData) Masked(s string) string { return buyer.MaskAccount(s) }

func (h *Handler) companyPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	pr, err := h.Buyer.Profile(r.Context(), p)
	if err != nil {
		return err
	}
	return h.buyerPage(w, r, status, "buyer_company", "company", f, companyData{Profile: pr, CanEdit: p.Has(identity.Owner, identity.Finance)})
}

func (h *Handler) buyerCompany(w http.ResponseWriter, r *http.Request) error {
	return h.companyPage(w, r, http.StatusOK, nil)
}

func (h *Handler) buyerCompanySave(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := buyer.ProfileInput{Name: v.Get("name"), CreditCode: v.Get("credit_code"), InvoiceTitle: v.Get("invoice_title"), TaxID: v.Get("tax_id"),
		RegAddress: v.Get("reg_address"), RegPhone: v.Get("reg_phone"), BankName: v.Get("bank_name"), BankAccount: v.Get("bank_account"), InvoiceType: v.Get("invoice_type")}
	if _, err := h.Buyer.SaveProfile(r.Context(), httpx.PrincipalFrom(r.Context()), in); err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.companyPage(w, r, status, f)
	}
	return h.saved(w, r, "/buyer/company")
}

// ---- members ----

type membersData struct {
	Members     []identity.Member
	Invites     []identity.Invite // pending, shown to owners
	Roles       []identity.Role
	NewLogin    string // a new account's login and initial password, shown once
	NewPassword string
}

// Has reports whether a member holds a role.
func (membersData) Has(m identity.Member, r identity.Role) bool {
	for _, x := range m.Roles {
		if x == r {
			return true
		}
	}
	return false
}

func (h *Handler) membersPage(w http.ResponseWriter, r *http.Request, status int, f *Form, d membersData) error {
	p := httpx.PrincipalFrom(r.Context())
	var err error
	if d.Members, err = h.Identity.Members(r.Context(), p); err != nil {
		return err
	}
	d.Roles = identity.RolesFor(identity.Buyer)
	if p.Has(identity.Owner) {
		if d.Invites, err = h.Identity.PendingInvites(r.Context(), p); err != nil {
			return err
		}
	}
	return h.buyerPage(w, r, status, "buyer_members", "members", f, d)
}

func (h *Handler) buyerMembers(w http.ResponseWriter, r *http.Request) error {
	return h.membersPage(w, r, http.StatusOK, nil, membersData{})
}

func rolesOf(v url.Values) []identity.Role {
	var out []identity.Role
	for _, s := range v["roles"] {
		out = append(out, identity.Role(s))
	}
	return out
}

func (h *Handler) buyerMemberAdd(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := identity.MemberInput{Login: v.Get("login"), DisplayName: v.Get("display_name"), Create: v.Get("mode") == "create", Roles: rolesOf(v)}
	added, err := h.Identity.AddMember(r.Context(), httpx.PrincipalFrom(r.Context()), in)
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.membersPage(w, r, status, f, membersData{})
	}
	if added.Invite != nil {
		h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "buyer.member.invited", added.User.DisplayName))
		http.Redirect(w, r, "/buyer/members", http.StatusSeeOther)
		return nil
	}
	if u, pw := added.User, added.Password; pw != "" {
		// Shown once, on this response only: never stored in the session or a URL.
		login := u.Mobile
		if login == "" {
			login = u.Email
		}
		return h.membersPage(w, r, http.StatusOK, nil, membersData{NewLogin: login, NewPassword: pw})
	}
	return h.saved(w, r, "/buyer/members")
}

func (h *Handler) buyerMemberRoles(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := h.Identity.SetMemberRoles(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), rolesOf(v)); err != nil {
		f, status, err := userFormError(r, nil, err)
		if err != nil {
			return err
		}
		return h.membersPage(w, r, status, f, membersData{})
	}
	return h.saved(w, r, "/buyer/members")
}

func (h *Handler) buyerMemberRemove(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := h.Identity.RemoveMember(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id")); err != nil {
		f, status, err := userFormError(r, nil, err)
		if err != nil {
			return err
		}
		return h.membersPage(w, r, status, f, membersData{})
	}
	return h.saved(w, r, "/buyer/members")
}

func (h *Handler) buyerInviteRevoke(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := h.Identity.RevokeInvite(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id")); err != nil {
		f, status, err := userFormError(r, nil, err)
		if err != nil {
			return err
		}
		return h.membersPage(w, r, status, f, membersData{})
	}
	return h.saved(w, r, "/buyer/members")
}

// ---- addresses ----

// divisionPicker is the province → city → county cascade: each level lists the
// children of the level chosen above it.
type divisionPicker struct {
	Province, City, County string
	Provinces, Cities      []cn.Division
	Counties               []cn.Division
}

// newPicker fills the cascade from the codes chosen so far; a code that does not belong
// under its parent is dropped.
func newPicker(province, city, county string) divisionPicker {
	d := divisionPicker{Provinces: cn.Provinces()}
	if _, ok := cn.LookupDivisionAt(province, cn.LevelProvince); ok {
		d.Province = province
		d.Cities = cn.DivisionChildren(province)
	}
	if _, ok := cn.LookupDivisionAt(city, cn.LevelCity); ok && d.Province != "" && city[:2] == d.Province[:2] {
		d.City = city
		d.Counties = cn.DivisionChildren(city)
	}
	if _, ok := cn.LookupDivisionAt(county, cn.LevelCounty); ok && d.City != "" && county[:4] == d.City[:4] {
		d.County = county
	}
	// A city with one county-level entry (东莞, 中山, 儋州) chooses it.
	if d.County == "" && len(d.Counties) == 1 {
		d.County = d.Counties[0].Code
	}
	return d
}

func pickerFromCounty(code string) divisionPicker {
	if len(code) != 6 {
		return newPicker("", "", "")
	}
	return newPicker(code[:2]+"0000", code[:4]+"00", code)
}

type addressData struct {
	List    []buyer.Address
	A       *buyer.Address
	ID      string
	Picker  divisionPicker
	CanEdit bool
}

func (h *Handler) buyerAddresses(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	list, err := h.Buyer.Addresses(r.Context(), p)
	if err != nil {
		return err
	}
	return h.buyerPage(w, r, http.StatusOK, "buyer_addresses", "addresses", nil, addressData{List: list, CanEdit: buyer.CanEditAddresses(p)})
}

func (h *Handler) addressPage(w http.ResponseWriter, r *http.Request, status int, f *Form, a *buyer.Address, pk divisionPicker) error {
	p := httpx.PrincipalFrom(r.Context())
	return h.buyerPage(w, r, status, "buyer_address_edit", "addresses", f, addressData{A: a, ID: r.PathValue("id"), Picker: pk, CanEdit: buyer.CanEditAddresses(p)})
}

func (h *Handler) buyerAddressForm(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if id == "new" {
		return h.addressPage(w, r, http.StatusOK, nil, &buyer.Address{}, newPicker("", "", ""))
	}
	a, err := h.Buyer.Address(r.Context(), httpx.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return h.addressPage(w, r, http.StatusOK, nil, a, pickerFromCounty(a.DivisionCode))
}

// buyerDivisionPicker answers the cascade: with htmx the picker alone, else the whole
// form is re-shown by the form's own "choose" button.
func (h *Handler) buyerDivisionPicker(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pk := newPicker(q.Get("province"), q.Get("city"), q.Get("division_code"))
	pg := &Page{Data: addressData{Picker: pk}}
	h.fillPage(r, pg)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return h.tmpl.pages["buyer_address_edit"].ExecuteTemplate(w, "divisionpicker", pg)
}

func (h *Handler) buyerAddressSave(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	p := httpx.PrincipalFrom(r.Context())
	if id != "new" {
		if _, err := h.Buyer.Address(r.Context(), p, id); err != nil {
			return err
		}
	}
	in := buyer.AddressInput{Label: v.Get("label"), Consignee: v.Get("consignee"), Mobile: v.Get("mobile"), DivisionCode: v.Get("division_code"),
		Street: v.Get("street"), Postcode: v.Get("postcode"), Default: v.Get("default") == "1"}
	shown := &buyer.Address{Label: in.Label, Consignee: in.Consignee, Mobile: in.Mobile, Street: in.Street, Postcode: in.Postcode, Default: in.Default}
	pk := newPicker(v.Get("province"), v.Get("city"), v.Get("division_code"))
	if v.Has("pick") {
		// The no-JavaScript cascade: re-show the form with the next level's choices.
		return h.addressPage(w, r, http.StatusOK, nil, shown, pk)
	}
	saveID := id
	if id == "new" {
		saveID = ""
	}
	if _, err := h.Buyer.SaveAddress(r.Context(), p, saveID, in); err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.addressPage(w, r, status, f, shown, pk)
	}
	return h.saved(w, r, "/buyer/addresses")
}

func (h *Handler) buyerAddressDefault(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := h.Buyer.SetDefaultAddress(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	return h.saved(w, r, "/buyer/addresses")
}

func (h *Handler) buyerAddressDelete(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := h.Buyer.DeleteAddress(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	return h.saved(w, r, "/buyer/addresses")
}

// ---- approval rules ----

type rulesData struct {
	Rules    []buyer.Rule
	Members  []identity.Member
	Roles    []identity.Role // requester roles
	Approver []identity.Role // approver roles
	CanEdit  bool
	EditID   string // the rule whose form failed ("new" for the add form)

	// The preview: what an order of Amount by Member would need.
	Amount    string
	Member    string
	Steps     []buyer.Step
	Previewed bool
}

// ruleCtx is what the rule form partial needs: the page, the rule's ID ("new") and
// the rule (nil for a new one).
type ruleCtx struct {
	Page *Page
	ID   string
	Rule any
}

// Ctx bundles the rule form partial's arguments.
func (rulesData) Ctx(p *Page, id string, r any) ruleCtx { return ruleCtx{Page: p, ID: id, Rule: r} }

// Yuan formats a threshold for a form field.
func (rulesData) Yuan(f money.Fen) string { return f.String() }

// Name returns a member's display name by user ID.
func (d rulesData) Name(id string) string {
	for _, m := range d.Members {
		if m.User.ID == id {
			return m.User.DisplayName
		}
	}
	return "—"
}

// Approvers lists the members who may be named approvers (owners and approvers).
func (d rulesData) Approvers() []identity.Member {
	var out []identity.Member
	for _, m := range d.Members {
		if (membersData{}).Has(m, identity.Owner) || (membersData{}).Has(m, identity.Approver) {
			out = append(out, m)
		}
	}
	return out
}

// Strs turns roles into strings for the template's "in".
func (rulesData) Strs(roles []identity.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

func (h *Handler) rulesPage(w http.ResponseWriter, r *http.Request, status int, f *Form, editID string) error {
	p := httpx.PrincipalFrom(r.Context())
	rules, err := h.Buyer.Rules(r.Context(), p)
	if err != nil {
		return err
	}
	members, err := h.Identity.Members(r.Context(), p)
	if err != nil {
		return err
	}
	d := rulesData{Rules: rules, Members: members, Roles: identity.RolesFor(identity.Buyer),
		Approver: buyer.ApproverRoles, CanEdit: p.Has(identity.Owner), EditID: editID}
	if q := r.URL.Query(); r.Method == http.MethodGet && q.Has("amount") {
		d.Amount, d.Member = q.Get("amount"), q.Get("member")
		steps, _, err := h.Buyer.Preview(r.Context(), p, d.Amount, d.Member)
		if err != nil {
			pf, st, err := userFormError(r, q, err)
			if err != nil {
				return err
			}
			f, status = pf, st
		} else {
			d.Steps, d.Previewed = steps, true
		}
	}
	return h.buyerPage(w, r, status, "buyer_approvals", "approvals", f, d)
}

func (h *Handler) buyerRules(w http.ResponseWriter, r *http.Request) error {
	return h.rulesPage(w, r, http.StatusOK, nil, "")
}

func (h *Handler) buyerRuleSave(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	saveID := id
	if id == "new" {
		saveID = ""
	}
	in := buyer.RuleInput{Over: v.Get("over"), AppliesTo: v["applies_to"], ApproverIDs: v["approver_ids"], ApproverRoles: v["approver_roles"], Approvals: v.Get("approvals"), OwnerAlone: v.Get("owner_alone") == "1"}
	if _, err := h.Buyer.SaveRule(r.Context(), httpx.PrincipalFrom(r.Context()), saveID, in); err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.rulesPage(w, r, status, f, id)
	}
	return h.saved(w, r, "/buyer/approvals")
}

func (h *Handler) buyerRuleDelete(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := h.Buyer.DeleteRule(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	return h.saved(w, r, "/buyer/approvals")
}

// ---- requisition lists ----

type listsData struct {
	Lists      []buyer.List
	L          *buyer.List
	LineErrors []string // import problems, in line order
}

// LineTotal is an item's amount at the first-tier price, for orientation only: the
// cart prices by tier.
func (listsData) LineTotal(it buyer.Item) money.Fen {
	f, _ := money.LineTotal(money.UnitPrice(it.SKU.Price), it.Qty)
	return f
}

func (h *Handler) buyerLists(w http.ResponseWriter, r *http.Request) error {
	return h.listsPage(w, r, http.StatusOK, nil)
}

func (h *Handler) listsPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	lists, err := h.Buyer.Lists(r.Context(), httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	return h.buyerPage(w, r, status, "buyer_lists", "lists", f, listsData{Lists: lists})
}

func (h *Handler) buyerListCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	l, err := h.Buyer.SaveList(r.Context(), httpx.PrincipalFrom(r.Context()), "", buyer.ListInput{Name: v.Get("name"), Note: v.Get("note")})
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.listsPage(w, r, status, f)
	}
	return h.saved(w, r, "/buyer/lists/"+l.ID)
}

func (h *Handler) listPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	l, err := h.Buyer.List(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	d := listsData{L: l}
	if f != nil {
		var keys []string
		for k := range f.Errors {
			if strings.HasPrefix(k, "lines.") {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool {
			a, _ := strconv.Atoi(strings.TrimPrefix(keys[i], "lines."))
			b, _ := strconv.Atoi(strings.TrimPrefix(keys[j], "lines."))
			return a < b
		})
		for _, k := range keys {
			d.LineErrors = append(d.LineErrors, i18n.T(httpx.LangFrom(r.Context()), "buyer.list.line", strings.TrimPrefix(k, "lines."))+" "+f.Errors[k])
		}
	}
	h.render(w, r, status, "buyer_list", &Page{Title: l.Name, Area: "buyer", Nav: "lists", Form: f, Data: d})
	return nil
}

func (h *Handler) buyerList(w http.ResponseWriter, r *http.Request) error {
	return h.listPage(w, r, http.StatusOK, nil)
}

// listAction runs a change to a list and re-shows the list with the form's errors.
func (h *Handler) listAction(w http.ResponseWriter, r *http.Request, fn func(v url.Values) error) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := fn(v); err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.listPage(w, r, status, f)
	}
	return h.saved(w, r, "/buyer/lists/"+r.PathValue("id"))
}

func (h *Handler) buyerListRename(w http.ResponseWriter, r *http.Request) error {
	return h.listAction(w, r, func(v url.Values) error {
		_, err := h.Buyer.SaveList(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), buyer.ListInput{Name: v.Get("name"), Note: v.Get("note")})
		return err
	})
}

func (h *Handler) buyerListAdd(w http.ResponseWriter, r *http.Request) error {
	return h.listAction(w, r, func(v url.Values) error {
		return h.Buyer.AddItem(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), buyer.ItemInput{SKU: v.Get("sku"), Qty: v.Get("qty"), Note: v.Get("note")})
	})
}

func (h *Handler) buyerListImport(w http.ResponseWriter, r *http.Request) error {
	return h.listAction(w, r, func(v url.Values) error {
		_, err := h.Buyer.ImportLines(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), v.Get("lines"))
		return err
	})
}

func (h *Handler) buyerListQty(w http.ResponseWriter, r *http.Request) error {
	return h.listAction(w, r, func(v url.Values) error {
		return h.Buyer.SetItemQty(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), r.PathValue("sku"), v.Get("qty"), v.Get("note"))
	})
}

func (h *Handler) buyerListRemove(w http.ResponseWriter, r *http.Request) error {
	return h.listAction(w, r, func(url.Values) error {
		return h.Buyer.RemoveItem(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), r.PathValue("sku"))
	})
}

func (h *Handler) buyerListDelete(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	if err := h.Buyer.DeleteList(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "buyer.list.deleted"))
	http.Redirect(w, r, "/buyer/lists", http.StatusSeeOther)
	return nil
}
