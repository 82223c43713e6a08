package store

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/storefront"
)

var _ storefront.StoreStore = (*Store)(nil)

// Store returns a supplier's store.
func (s *Store) Store(ctx context.Context, orgID string) (*storefront.Store, error) {
	if !db.ValidID(orgID) {
		return nil, errs.E(errs.NotFound, "err.store_not_found")
	}
	var st storefront.Store
	var draft, live string
	var published, updated int64
	err := s.DB.QueryRow(ctx, `SELECT org_id, name, logo_blob, intro, capability, certificates, phone, qq, draft_modules, live_modules,
		taken_down, takedown_reason, published_at, updated_at, version FROM stores WHERE org_id = ?`, orgID).
		Scan(&st.OrgID, &st.Name, &st.LogoBlob, &st.Intro, &st.Capability, &st.Certificates, &st.Phone, &st.QQ, &draft, &live,
			&st.TakenDown, &st.TakedownReason, &published, &updated, &st.Version)
	if err != nil {
		return nil, notFound(err, "err.store_not_found", "store")
	}
	if err := fromJSON(draft, &st.Draft); err != nil {
		return nil, err
	}
	if err := fromJSON(live, &st.Live); err != nil {
		return nil, err
	}
	st.PublishedAt, st.UpdatedAt = db.Time(published), db.Time(updated)
	return &st, nil
}

// SaveStore inserts a new store (version 0) or updates one at its current version.
func (s *Store) SaveStore(ctx context.Context, st *storefront.Store) error {
	draft, live := st.Draft, st.Live
	if draft == nil {
		draft = []storefront.Module{}
	}
	if live == nil {
		live = []storefront.Module{}
	}
	args := []any{st.Name, st.LogoBlob, st.Intro, st.Capability, st.Certificates, st.Phone, st.QQ, jsonText(draft), jsonText(live),
		st.TakenDown, st.TakedownReason, db.Millis(st.PublishedAt), db.Millis(st.UpdatedAt)}
	if st.Version == 0 {
		_, err := s.DB.Exec(ctx, `INSERT INTO stores (name, logo_blob, intro, capability, certificates, phone, qq, draft_modules, live_modules,
			taken_down, takedown_reason, published_at, updated_at, org_id, version) VALUES (`+db.Placeholders(14)+`, 1)`, append(args, st.OrgID)...)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.stale_version")
		}
		if err != nil {
			return fmt.Errorf("store: create store: %w", err)
		}
		st.Version = 1
		return nil
	}
	res, err := s.DB.Exec(ctx, `UPDATE stores SET name = ?, logo_blob = ?, intro = ?, capability = ?, certificates = ?, phone = ?, qq = ?,
		draft_modules = ?, live_modules = ?, taken_down = ?, takedown_reason = ?, published_at = ?, updated_at = ?, version = version + 1
		WHERE org_id = ? AND version = ?`, append(args, st.OrgID, st.Version)...)
	if err != nil {
		return fmt.Errorf("store: save store: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.Conflict, "err.stale_version")
	}
	st.Version++
	return nil
}

// Licence returns the verified business-licence information of a supplier: the approved
// application's, under the organisation's current name and credit code.
func (s *Store) Licence(ctx context.Context, orgID string) (*storefront.Licence, error) {
	var l storefront.Licence
	err := s.DB.QueryRow(ctx, `SELECT o.name, COALESCE(o.credit_code, ''), COALESCE(a.legal_rep, ''), COALESCE(a.reg_address, ''),
			COALESCE(a.business_scope, ''), COALESCE(a.licence_valid_to, '')
		FROM orgs o LEFT JOIN supplier_applications a ON a.org_id = o.id WHERE o.id = ?`, orgID).
		Scan(&l.CompanyName, &l.CreditCode, &l.LegalRep, &l.RegAddress, &l.BusinessScope, &l.ValidTo)
	if err != nil {
		return nil, notFound(err, "err.store_not_found", "licence")
	}
	return &l, nil
}

// OwnsProduct reports whether a product is the supplier's own and on sale.
func (s *Store) OwnsProduct(ctx context.Context, supplierID, productID string) bool {
	if !db.ValidID(productID) {
		return false
	}
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM products WHERE id = ? AND supplier_id = ? AND status = 'on_sale'`, productID, supplierID).Scan(&n)
	return err == nil && n > 0
}

// SetStoreLive records whether a supplier's store is live.
func (s *Store) SetStoreLive(ctx context.Context, orgID string, live bool) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	if _, err := s.DB.Exec(ctx, `UPDATE orgs SET store_live = ? WHERE id = ? AND kind = 'supplier'`, live, orgID); err != nil {
		return fmt.Errorf("store: store live: %w", err)
	}
	return s.Emit(ctx, TopicSupplier, orgID)
}

// StoreLive reports whether a supplier's store is live.
func (s *Store) StoreLive(ctx context.Context, orgID string) (bool, error) {
	var live bool
	err := s.DB.QueryRow(ctx, `SELECT store_live FROM orgs WHERE id = ?`, orgID).Scan(&live)
	if err != nil {
		return false, notFound(err, "err.store_not_found", "store live")
	}
	return live, nil
}
