package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// The buyer company operations: profile, members, addresses, approval rules and
// requisition lists, each scoped to the caller's company.
func (a *API) addBuyerRoutes() {
	b := httpx.BuyerAny
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "object ID"}}
	listSKU := []Param{id[0], {Name: "sku", In: "path", Type: "string", Required: true, Description: "SKU ID"}}
	a.add("GET", "/api/v1/divisions", httpx.Anyone, false, a.divisions,
		Doc{ID: "listDivisions", Summary: "GB/T 2260 divisions: the provinces, or the children of ?parent=", Tag: "buyer", Response: "DivisionList", Status: 200,
			Params: []Param{{Name: "parent", In: "query", Type: "string", Description: "six-digit province or city code"}}})
	a.add("GET", "/api/v1/buyer/company", b, false, a.getCompany,
		Doc{ID: "getCompany", Summary: "The caller's company profile and invoice details (bank account masked)", Tag: "buyer", Response: "Company", Status: 200})
	a.add("PUT", "/api/v1/buyer/company", b, false, a.saveCompany,
		Doc{ID: "saveCompany", Summary: "Change the company profile (owner or finance); an empty bank_account keeps the one on file", Tag: "buyer", Request: "CompanyInput", Response: "Company", Status: 200})
	a.add("GET", "/api/v1/buyer/members", b, false, a.listMembers,
		Doc{ID: "listMembers", Summary: "The company's members and their roles", Tag: "buyer", Response: "MemberList", Status: 200})
	a.add("POST", "/api/v1/buyer/members", b, true, a.addMember,
		Doc{ID: "addMember", Summary: "Add a member (owner): a new account (create) joins at once and its initial password is returned once (201, Member); an existing account found by login is invited and joins when it accepts (202, Invite)", Tag: "buyer", Request: "MemberInput", Response: "Member", Status: 201})
	a.add("PUT", "/api/v1/buyer/members/{id}/roles", b, false, a.setMemberRoles,
		Doc{ID: "setMemberRoles", Summary: "Replace a member's roles (owner); the last owner keeps the owner role", Tag: "buyer", Request: "RolesInput", Status: 204, Params: id})
	a.add("DELETE", "/api/v1/buyer/members/{id}", b, false, a.removeMember,
		Doc{ID: "removeMember", Summary: "Remove a member from the company (owner); never the last owner", Tag: "buyer", Status: 204, Params: id})
	a.add("GET", "/api/v1/buyer/addresses", b, false, a.listAddresses,
		Doc{ID: "listAddresses", Summary: "The company's delivery addresses, the default first", Tag: "buyer", Response: "AddressList", Status: 200})
	a.add("POST", "/api/v1/buyer/addresses", b, true, a.createAddress,
		Doc{ID: "createAddress", Summary: "Add a delivery address", Tag: "buyer", Request: "AddressInput", Response: "Address", Status: 201})
	a.add("GET", "/api/v1/buyer/addresses/{id}", b, false, a.getAddress,
		Doc{ID: "getAddress", Summary: "One delivery address", Tag: "buyer", Response: "Address", Status: 200, Params: id})
	a.add("PUT", "/api/v1/buyer/addresses/{id}", b, false, a.updateAddress,
		Doc{ID: "updateAddress", Summary: "Change a delivery address", Tag: "buyer", Request: "AddressInput", Response: "Address", Status: 200, Params: id})
	a.add("DELETE", "/api/v1/buyer/addresses/{id}", b, false, a.deleteAddress,
		Doc{ID: "deleteAddress", Summary: "Delete a delivery address", Tag: "buyer", Status: 204, Params: id})
	a.add("GET", "/api/v1/buyer/approval-rules", b, false, a.listRules,
		Doc{ID: "listApprovalRules", Summary: "The company's spend approval rules by threshold", Tag: "buyer", Response: "ApprovalRuleList", Status: 200})
	a.add("POST", "/api/v1/buyer/approval-rules", b, true, a.createRule,
		Doc{ID: "createApprovalRule", Summary: "Add an approval rule (owner)", Tag: "buyer", Request: "ApprovalRuleInput", Response: "ApprovalRule", Status: 201})
	a.add("GET", "/api/v1/buyer/approval-steps", b, false, a.previewSteps,
		Doc{ID: "previewApprovalSteps", Summary: "The approval steps an order of this amount by this member would need", Tag: "buyer", Response: "ApprovalStepList", Status: 200,
			Params: []Param{{Name: "amount_fen", In: "query", Type: "integer", Required: true, Description: "order amount in fen"},
				{Name: "member", In: "query", Type: "string", Description: "user ID of the member placing the order (default: the caller)"}}})
	a.add("GET", "/api/v1/buyer/approval-rules/{id}", b, false, a.getRule,
		Doc{ID: "getApprovalRule", Summary: "One approval rule", Tag: "buyer", Response: "ApprovalRule", Status: 200, Params: id})
	a.add("PUT", "/api/v1/buyer/approval-rules/{id}", b, false, a.updateRule,
		Doc{ID: "updateApprovalRule", Summary: "Change an approval rule (owner)", Tag: "buyer", Request: "ApprovalRuleInput", Response: "ApprovalRule", Status: 200, Params: id})
	a.add("DELETE", "/api/v1/buyer/approval-rules/{id}", b, false, a.deleteRule,
		Doc{ID: "deleteApprovalRule", Summary: "Delete an approval rule (owner)", Tag: "buyer", Status: 204, Params: id})
	a.add("GET", "/api/v1/buyer/requisition-lists", b, false, a.listLists,
		Doc{ID: "listRequisitionLists", Summary: "The company's requisition lists (采购清单)", Tag: "buyer", Response: "RequisitionListList", Status: 200})
	a.add("POST", "/api/v1/buyer/requisition-lists", b, true, a.createList,
		Doc{ID: "createRequisitionList", Summary: "Create a requisition list", Tag: "buyer", Request: "RequisitionListInput", Response: "RequisitionList", Status: 201})
	a.add("GET", "/api/v1/buyer/requisition-lists/{id}", b, false, a.getList,
		Doc{ID: "getRequisitionList", Summary: "A requisition list with its items", Tag: "buyer", Response: "RequisitionList", Status: 200, Params: id})
	a.add("PUT", "/api/v1/buyer/requisition-lists/{id}", b, false, a.updateList,
		Doc{ID: "updateRequisitionList", Summary: "Rename a requisition list", Tag: "buyer", Request: "RequisitionListInput", Response: "RequisitionList", Status: 200, Params: id})
	a.add("DELETE", "/api/v1/buyer/requisition-lists/{id}", b, false, a.deleteList,
		Doc{ID: "deleteRequisitionList", Summary: "Delete a requisition list", Tag: "buyer", Status: 204, Params: id})
	a.add("POST", "/api/v1/buyer/requisition-lists/{id}/items", b, true, a.addListItem,
		Doc{ID: "addRequisitionItem", Summary: "Add a SKU (by ID or code) with a quantity; quantities of a SKU already listed add up", Tag: "buyer", Request: "RequisitionItemInput", Response: "RequisitionList", Status: 201, Params: id})
	a.add("POST", "/api/v1/buyer/requisition-lists/{id}/import", b, true, a.importListItems,
		Doc{ID: "importRequisitionItems", Summary: "Add pasted \"SKU码 数量 [备注]\" lines, all or nothing; errors name lines.N", Tag: "buyer", Request: "RequisitionImportInput", Response: "RequisitionList", Status: 201, Params: id})
	a.add("PUT", "/api/v1/buyer/requisition-lists/{id}/items/{sku}", b, false, a.setListItem,
		Doc{ID: "setRequisitionItem", Summary: "Change a listed SKU's quantity and note", Tag: "buyer", Request: "RequisitionItemInput", Response: "RequisitionList", Status: 200, Params: listSKU})
	a.add("DELETE", "/api/v1/buyer/requisition-lists/{id}/items/{sku}", b, false, a.removeListItem,
		Doc{ID: "removeRequisitionItem", Summary: "Take a SKU off a list", Tag: "buyer", Status: 204, Params: listSKU})
}

func caller(r *http.Request) *identity.Principal { return httpx.PrincipalFrom(r.Context()) }

// Division is a GB/T 2260 division as the API shows it.
type Division struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level int    `json:"level"`
}

func (a *API) divisions(w http.ResponseWriter, r *http.Request) error {
	parent := r.URL.Query().Get("parent")
	list := cn.Provinces()
	if parent != "" {
		if _, ok := cn.LookupDivision(parent); !ok {
			return errs.Field("parent", "err.division_unknown")
		}
		list = cn.DivisionChildren(parent)
	}
	out := make([]Division, 0, len(list))
	for _, d := range list {
		out = append(out, Division{Code: d.Code, Name: d.Name, Level: d.Level})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out, "edition": cn.DivisionEdition})
	return nil
}

// Company is a buyer company's profile as the API shows it.
type Company struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	CreditCode   string     `json:"credit_code"`
	InvoiceTitle string     `json:"invoice_title"`
	TaxID        string     `json:"tax_id"`
	RegAddress   string     `json:"reg_address"`
	RegPhone     string     `json:"reg_phone"`
	BankName     string     `json:"bank_name"`
	BankAccount  string     `json:"bank_account_masked"`
	InvoiceType  string     `json:"invoice_type"`
	UpdatedAt    *time.Time `json:"updated_at"`
}

// CompanyInput is the body of PUT /buyer/company.
type CompanyInput struct {
	Name         string `json:"name"`
	CreditCode   string `json:"credit_code"`
	InvoiceTitle string `json:"invoice_title"`
	TaxID        string `json:"tax_id"`
	RegAddress   string `json:"reg_address"`
	RegPhone     string `json:"reg_phone"`
	BankName     string `json:"bank_name"`
	BankAccount  string `json:"bank_account"`
	InvoiceType  string `json:"invoice_type"`
}

func companyOut(p *buyer.Profile) Company {
	return Company{ID: p.OrgID, Name: p.Name, CreditCode: p.CreditCode, InvoiceTitle: p.InvoiceTitle, TaxID: p.TaxID, RegAddress: p.RegAddress,
		RegPhone: p.RegPhone, BankName: p.BankName, BankAccount: buyer.MaskAccount(p.BankAccount), InvoiceType: p.InvoiceType, UpdatedAt: timePtr(p.UpdatedAt)}
}

func (a *API) getCompany(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Buyer.Profile(r.Context(), caller(r))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, companyOut(p))
	return nil
}

func (a *API) saveCompany(w http.ResponseWriter, r *http.Request) error {
	var in CompanyInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if _, err := a.Buyer.SaveProfile(r.Context(), caller(r), buyer.ProfileInput(in)); err != nil {
		return err
	}
	return a.getCompany(w, r)
}

// Member is a company member as the API shows it.
type Member struct {
	UserID          string   `json:"user_id"`
	DisplayName     string   `json:"display_name"`
	Login           string   `json:"login"`
	Roles           []string `json:"roles"`
	InitialPassword string   `json:"initial_password,omitempty"`
}

// MemberInput is the body of POST /buyer/members.
type MemberInput struct {
	Login       string   `json:"login"`
	DisplayName string   `json:"display_name"`
	Create      bool     `json:"create"`
	Roles       []string `json:"roles"`
}

// RolesInput is the body of PUT /buyer/members/{id}/roles.
type RolesInput struct {
	Roles []string `json:"roles"`
}

func roles(in []string) []identity.Role {
	out := make([]identity.Role, len(in))
	for i, s := range in {
		out[i] = identity.Role(s)
	}
	return out
}

func memberOut(u identity.User, rs []identity.Role) Member {
	m := Member{UserID: u.ID, DisplayName: u.DisplayName, Login: u.Username, Roles: []string{}}
	if m.Login == "" {
		m.Login = u.Mobile
	}
	if m.Login == "" {
		m.Login = u.Email
	}
	for _, r := range rs {
		m.Roles = append(m.Roles, string(r))
	}
	return m
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Identity.Members(r.Context(), caller(r))
	if err != nil {
		return err
	}
	out := []Member{}
	for _, m := range list {
		out = append(out, memberOut(m.User, m.Roles))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request) error {
	var in MemberInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	rs := roles(in.Roles)
	added, err := a.Identity.AddMember(r.Context(), caller(r), identity.MemberInput{Login: in.Login, DisplayName: in.DisplayName, Create: in.Create, Roles: rs})
	if err != nil {
		return err
	}
	if added.Invite != nil {
		WriteJSON(w, http.StatusAccepted, inviteOut(*added.Invite))
		return nil
	}
	u, pw := added.User, added.Password
	m := memberOut(*u, nil)
	ms, err := a.Identity.Members(r.Context(), caller(r))
	if err != nil {
		return err
	}
	for _, x := range ms {
		if x.User.ID == u.ID {
			m = memberOut(x.User, x.Roles)
		}
	}
	m.InitialPassword = pw
	WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (a *API) setMemberRoles(w http.ResponseWriter, r *http.Request) error {
	var in RolesInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	return noContent(w, a.Identity.SetMemberRoles(r.Context(), caller(r), r.PathValue("id"), roles(in.Roles)))
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.Identity.RemoveMember(r.Context(), caller(r), r.PathValue("id")))
}

// Address is a delivery address as the API shows it.
type Address struct {
	ID           string `json:"id"`
	Label        string `json:"label"`
	Consignee    string `json:"consignee"`
	Mobile       string `json:"mobile"`
	DivisionCode string `json:"division_code"`
	DivisionName string `json:"division_name"`
	Street       string `json:"street"`
	Postcode     string `json:"postcode"`
	Default      bool   `json:"default"`
}

// AddressInput is the body of address creates and updates.
type AddressInput struct {
	Label        string `json:"label"`
	Consignee    string `json:"consignee"`
	Mobile       string `json:"mobile"`
	DivisionCode string `json:"division_code"`
	Street       string `json:"street"`
	Postcode     string `json:"postcode"`
	Default      bool   `json:"default"`
}

func addressOut(x *buyer.Address) Address {
	return Address{ID: x.ID, Label: x.Label, Consignee: x.Consignee, Mobile: x.Mobile, DivisionCode: x.DivisionCode, DivisionName: x.DivisionName,
		Street: x.Street, Postcode: x.Postcode, Default: x.Default}
}

func (a *API) listAddresses(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Buyer.Addresses(r.Context(), caller(r))
	if err != nil {
		return err
	}
	out := []Address{}
	for i := range list {
		out = append(out, addressOut(&list[i]))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (a *API) writeAddress(w http.ResponseWriter, r *http.Request, status int, id string) error {
	x, err := a.Buyer.Address(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	WriteJSON(w, status, addressOut(x))
	return nil
}

func (a *API) saveAddress(w http.ResponseWriter, r *http.Request, id string, status int) error {
	var in AddressInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Buyer.SaveAddress(r.Context(), caller(r), id, buyer.AddressInput(in))
	if err != nil {
		return err
	}
	return a.writeAddress(w, r, status, x.ID)
}

func (a *API) createAddress(w http.ResponseWriter, r *http.Request) error {
	return a.saveAddress(w, r, "", http.StatusCreated)
}

func (a *API) getAddress(w http.ResponseWriter, r *http.Request) error {
	return a.writeAddress(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) updateAddress(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.Buyer.Address(r.Context(), caller(r), r.PathValue("id")); err != nil {
		return err
	}
	return a.saveAddress(w, r, r.PathValue("id"), http.StatusOK)
}

func (a *API) deleteAddress(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.Buyer.DeleteAddress(r.Context(), caller(r), r.PathValue("id")))
}

// ApprovalRule is a spend approval rule as the API shows it.
type ApprovalRule struct {
	ID            string    `json:"id"`
	Over          money.Fen `json:"over_fen"`
	AppliesTo     []string  `json:"applies_to"`
	ApproverIDs   []string  `json:"approver_ids"`
	ApproverRoles []string  `json:"approver_roles"`
	Approvals     int       `json:"approvals"`
	OwnerAlone    bool      `json:"owner_alone"`
}

// ApprovalRuleInput is the body of rule creates and updates.
type ApprovalRuleInput struct {
	Over          int64    `json:"over_fen"`
	AppliesTo     []string `json:"applies_to"`
	ApproverIDs   []string `json:"approver_ids"`
	ApproverRoles []string `json:"approver_roles"`
	Approvals     int      `json:"approvals"`
	OwnerAlone    bool     `json:"owner_alone"`
}

func strs(rs []identity.Role) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, string(r))
	}
	return out
}

func ruleOut(x *buyer.Rule) ApprovalRule {
	ids := x.ApproverIDs
	if ids == nil {
		ids = []string{}
	}
	return ApprovalRule{ID: x.ID, Over: x.Over, AppliesTo: strs(x.AppliesTo), ApproverIDs: ids, ApproverRoles: strs(x.ApproverRoles), Approvals: x.Approvals, OwnerAlone: x.OwnerAlone}
}

func (in ApprovalRuleInput) input() buyer.RuleInput {
	approvals := ""
	if in.Approvals != 0 {
		approvals = itoa(in.Approvals)
	}
	return buyer.RuleInput{Over: money.Fen(in.Over).String(), AppliesTo: in.AppliesTo, ApproverIDs: in.ApproverIDs, ApproverRoles: in.ApproverRoles, Approvals: approvals, OwnerAlone: in.OwnerAlone}
}

func (a *API) listRules(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Buyer.Rules(r.Context(), caller(r))
	if err != nil {
		return err
	}
	out := []ApprovalRule{}
	for i := range list {
		out = append(out, ruleOut(&list[i]))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (a *API) saveRule(w http.ResponseWriter, r *http.Request, id string, status int) error {
	var in ApprovalRuleInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Buyer.SaveRule(r.Context(), caller(r), id, in.input())
	if err != nil {
		return err
	}
	WriteJSON(w, status, ruleOut(x))
	return nil
}

func (a *API) createRule(w http.ResponseWriter, r *http.Request) error {
	return a.saveRule(w, r, "", http.StatusCreated)
}

func (a *API) getRule(w http.ResponseWriter, r *http.Request) error {
	x, err := a.Buyer.Rule(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, ruleOut(x))
	return nil
}

func (a *API) updateRule(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.Buyer.Rule(r.Context(), caller(r), r.PathValue("id")); err != nil {
		return err
	}
	return a.saveRule(w, r, r.PathValue("id"), http.StatusOK)
}

func (a *API) deleteRule(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.Buyer.DeleteRule(r.Context(), caller(r), r.PathValue("id")))
}

// ApprovalStep is one approval an order needs.
type ApprovalStep struct {
	RuleID        string    `json:"rule_id"`
	Over          money.Fen `json:"over_fen"`
	ApproverIDs   []string  `json:"approver_ids"`
	ApproverRoles []string  `json:"approver_roles"`
	Approvals     int       `json:"approvals"`
	OwnerAlone    bool      `json:"owner_alone"`
}

func (a *API) previewSteps(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	fen, err := strconv.ParseInt(q.Get("amount_fen"), 10, 64)
	if err != nil || fen < 0 {
		return errs.Field("amount_fen", "err.amount_format")
	}
	steps, _, err := a.Buyer.Preview(r.Context(), caller(r), money.Fen(fen).String(), q.Get("member"))
	if err != nil {
		return err
	}
	out := []ApprovalStep{}
	for _, s := range steps {
		ids := s.ApproverIDs
		if ids == nil {
			ids = []string{}
		}
		out = append(out, ApprovalStep{RuleID: s.RuleID, Over: s.Over, ApproverIDs: ids, ApproverRoles: strs(s.ApproverRoles), Approvals: s.Approvals, OwnerAlone: s.OwnerAlone})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// RequisitionItem is a listed SKU as the API shows it.
type RequisitionItem struct {
	SKUID        string `json:"sku_id"`
	SKUCode      string `json:"sku_code"`
	ProductID    string `json:"product_id"`
	Title        string `json:"title"`
	SupplierID   string `json:"supplier_id"`
	SupplierName string `json:"supplier_name"`
	Unit         string `json:"unit"`
	UnitPrice    int64  `json:"unit_price"`
	MOQ          int64  `json:"moq"`
	Multiple     int64  `json:"multiple"`
	OnSale       bool   `json:"on_sale"`
	Qty          int64  `json:"qty"`
	Note         string `json:"note"`
}

// RequisitionList is a list as the API shows it.
type RequisitionList struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Note      string            `json:"note"`
	CreatedBy string            `json:"created_by"`
	ItemCount int               `json:"item_count"`
	UpdatedAt time.Time         `json:"updated_at"`
	Items     []RequisitionItem `json:"items,omitempty"`
}

// RequisitionListInput names a list.
type RequisitionListInput struct {
	Name string `json:"name"`
	Note string `json:"note"`
}

// RequisitionItemInput adds or changes a listed SKU.
type RequisitionItemInput struct {
	SKU  string `json:"sku"`
	Qty  int64  `json:"qty"`
	Note string `json:"note"`
}

// RequisitionImportInput carries pasted lines.
type RequisitionImportInput struct {
	Lines string `json:"lines"`
}

func listOut(l *buyer.List, items bool) RequisitionList {
	out := RequisitionList{ID: l.ID, Name: l.Name, Note: l.Note, CreatedBy: l.CreatedBy, ItemCount: l.ItemCount, UpdatedAt: l.UpdatedAt}
	if items {
		out.Items = []RequisitionItem{}
		for _, it := range l.Items {
			k := it.SKU
			out.Items = append(out.Items, RequisitionItem{SKUID: it.SKUID, SKUCode: k.Code, ProductID: k.ProductID, Title: k.Title, SupplierID: k.SupplierID,
				SupplierName: k.SupplierName, Unit: k.Unit, UnitPrice: k.Price, MOQ: k.MOQ, Multiple: k.Multiple, OnSale: k.OnSale, Qty: it.Qty, Note: it.Note})
		}
	}
	return out
}

func (a *API) listLists(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Buyer.Lists(r.Context(), caller(r))
	if err != nil {
		return err
	}
	out := []RequisitionList{}
	for i := range list {
		out = append(out, listOut(&list[i], false))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (a *API) writeList(w http.ResponseWriter, r *http.Request, status int, id string) error {
	l, err := a.Buyer.List(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	WriteJSON(w, status, listOut(l, true))
	return nil
}

func (a *API) createList(w http.ResponseWriter, r *http.Request) error {
	var in RequisitionListInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	l, err := a.Buyer.SaveList(r.Context(), caller(r), "", buyer.ListInput(in))
	if err != nil {
		return err
	}
	return a.writeList(w, r, http.StatusCreated, l.ID)
}

func (a *API) getList(w http.ResponseWriter, r *http.Request) error {
	return a.writeList(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) updateList(w http.ResponseWriter, r *http.Request) error {
	var in RequisitionListInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if _, err := a.Buyer.List(r.Context(), caller(r), r.PathValue("id")); err != nil {
		return err
	}
	if _, err := a.Buyer.SaveList(r.Context(), caller(r), r.PathValue("id"), buyer.ListInput(in)); err != nil {
		return err
	}
	return a.writeList(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) deleteList(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.Buyer.DeleteList(r.Context(), caller(r), r.PathValue("id")))
}

func (a *API) addListItem(w http.ResponseWriter, r *http.Request) error {
	var in RequisitionItemInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if err := a.Buyer.AddItem(r.Context(), caller(r), r.PathValue("id"), buyer.ItemInput{SKU: in.SKU, Qty: i64toa(in.Qty), Note: in.Note}); err != nil {
		return err
	}
	return a.writeList(w, r, http.StatusCreated, r.PathValue("id"))
}

func (a *API) importListItems(w http.ResponseWriter, r *http.Request) error {
	var in RequisitionImportInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if _, err := a.Buyer.ImportLines(r.Context(), caller(r), r.PathValue("id"), in.Lines); err != nil {
		return err
	}
	return a.writeList(w, r, http.StatusCreated, r.PathValue("id"))
}

func (a *API) setListItem(w http.ResponseWriter, r *http.Request) error {
	var in RequisitionItemInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if err := a.Buyer.SetItemQty(r.Context(), caller(r), r.PathValue("id"), r.PathValue("sku"), i64toa(in.Qty), in.Note); err != nil {
		return err
	}
	return a.writeList(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) removeListItem(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.Buyer.RemoveItem(r.Context(), caller(r), r.PathValue("id"), r.PathValue("sku")))
}

func i64toa(n int64) string {
	return itoa(int(n))
}

// buyerSchemas are the component schemas of the buyer operations.
func buyerSchemas() obj {
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	strList := obj{"type": "array", "items": str}
	ts := obj{"type": "string", "format": "date-time"}
	list := func(item string) obj {
		return obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref(item)}}}
	}
	roleList := obj{"type": "array", "items": obj{"type": "string", "enum": []string{"owner", "purchaser", "approver", "finance"}}}
	return obj{
		"Division":     obj{"type": "object", "required": []string{"code", "name", "level"}, "properties": obj{"code": str, "name": str, "level": obj{"type": "integer", "description": "1 province, 2 city, 3 county"}}},
		"DivisionList": obj{"type": "object", "required": []string{"items", "edition"}, "properties": obj{"items": obj{"type": "array", "items": ref("Division")}, "edition": str}},
		"Company": obj{"type": "object", "required": []string{"id", "name", "credit_code", "invoice_title", "tax_id", "invoice_type"}, "properties": obj{
			"id": str, "name": str, "credit_code": str, "invoice_title": str, "tax_id": str, "reg_address": str, "reg_phone": str, "bank_name": str,
			"bank_account_masked": obj{"type": "string", "description": "last four digits only"}, "invoice_type": obj{"type": "string", "enum": []string{"special", "normal"}},
			"updated_at": obj{"type": []string{"string", "null"}, "format": "date-time"}}},
		"CompanyInput": obj{"type": "object", "additionalProperties": false, "properties": obj{
			"name": str, "credit_code": obj{"type": "string", "description": "统一社会信用代码, checked with its check character"}, "invoice_title": obj{"type": "string", "description": "发票抬头; empty for the company name"},
			"tax_id": obj{"type": "string", "description": "纳税人识别号; empty for the credit code"}, "reg_address": str, "reg_phone": str, "bank_name": str,
			"bank_account": obj{"type": "string", "description": "empty keeps the account on file"}, "invoice_type": obj{"type": "string", "enum": []string{"special", "normal"}, "description": "专票 needs address, phone, bank and account"}}},
		"Member": obj{"type": "object", "required": []string{"user_id", "display_name", "login", "roles"}, "properties": obj{
			"user_id": str, "display_name": str, "login": str, "roles": strList, "initial_password": obj{"type": "string", "description": "only when a new account was created; shown once"}}},
		"MemberList": list("Member"),
		"MemberInput": obj{"type": "object", "additionalProperties": false, "required": []string{"login", "roles"}, "properties": obj{
			"login":        obj{"type": "string", "description": "an existing account's username, mobile or email; with create, the new account's mobile or email"},
			"display_name": str, "create": boolean, "roles": roleList}},
		"RolesInput": obj{"type": "object", "additionalProperties": false, "required": []string{"roles"}, "properties": obj{"roles": roleList}},
		"Address": obj{"type": "object", "required": []string{"id", "consignee", "mobile", "division_code", "division_name", "street", "default"}, "properties": obj{
			"id": str, "label": str, "consignee": str, "mobile": str, "division_code": str, "division_name": str, "street": str, "postcode": str, "default": boolean}},
		"AddressList": list("Address"),
		"AddressInput": obj{"type": "object", "additionalProperties": false, "required": []string{"consignee", "mobile", "division_code", "street"}, "properties": obj{
			"label": str, "consignee": str, "mobile": obj{"type": "string", "description": "mainland mobile ^1[3-9]\\d{9}$"},
			"division_code": obj{"type": "string", "description": "GB/T 2260 county-level code, see /api/v1/divisions"}, "street": str,
			"postcode": obj{"type": "string", "description": "optional, six digits"}, "default": boolean}},
		"ApprovalRule": obj{"type": "object", "required": []string{"id", "over_fen", "applies_to", "approver_ids", "approver_roles", "approvals"}, "properties": obj{
			"id": str, "over_fen": integer, "applies_to": roleList, "approver_ids": strList, "approver_roles": roleList, "approvals": integer, "owner_alone": boolean}},
		"ApprovalRuleList": list("ApprovalRule"),
		"ApprovalStep": obj{"type": "object", "required": []string{"rule_id", "over_fen", "approver_ids", "approver_roles", "approvals", "owner_alone"}, "properties": obj{
			"rule_id": str, "over_fen": integer, "approver_ids": strList, "approver_roles": roleList, "approvals": integer, "owner_alone": boolean}},
		"ApprovalStepList": list("ApprovalStep"),
		"ApprovalRuleInput": obj{"type": "object", "additionalProperties": false, "required": []string{"over_fen", "applies_to"}, "properties": obj{
			"over_fen":       obj{"type": "integer", "description": "orders worth more than this (fen) need approval"},
			"applies_to":     obj{"type": "array", "items": str, "description": "roles of the members placing orders the rule covers"},
			"approver_ids":   obj{"type": "array", "items": str, "description": "members (owners or approvers) who may approve"},
			"approver_roles": obj{"type": "array", "items": str, "description": "any member holding one of these roles may approve"},
			"approvals":      obj{"type": "integer", "minimum": 1, "maximum": 5, "description": "approvals needed, default 1"},
			"owner_alone":    obj{"type": "boolean", "description": "one owner's approval completes the step by itself (\"two approvers, or the owner\")"}}},
		"RequisitionItem": obj{"type": "object", "required": []string{"sku_id", "qty"}, "properties": obj{
			"sku_id": str, "sku_code": str, "product_id": str, "title": str, "supplier_id": str, "supplier_name": str, "unit": str,
			"unit_price": obj{"type": "integer", "description": "first-tier unit price in 0.0001 yuan"}, "moq": integer, "multiple": integer, "on_sale": boolean, "qty": integer, "note": str}},
		"RequisitionList": obj{"type": "object", "required": []string{"id", "name", "item_count"}, "properties": obj{
			"id": str, "name": str, "note": str, "created_by": str, "item_count": integer, "updated_at": ts, "items": obj{"type": "array", "items": ref("RequisitionItem")}}},
		"RequisitionListList":    list("RequisitionList"),
		"RequisitionListInput":   obj{"type": "object", "additionalProperties": false, "required": []string{"name"}, "properties": obj{"name": str, "note": str}},
		"RequisitionItemInput":   obj{"type": "object", "additionalProperties": false, "required": []string{"qty"}, "properties": obj{"sku": obj{"type": "string", "description": "SKU ID or SKU code (POST only)"}, "qty": integer, "note": str}},
		"RequisitionImportInput": obj{"type": "object", "additionalProperties": false, "required": []string{"lines"}, "properties": obj{"lines": obj{"type": "string", "description": "one \"SKU码 数量 [备注]\" a line"}}},
	}
}
