package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/supplier"
)

var _ supplier.Store = (*Store)(nil)

const appCols = `id, org_id, applicant_id, state, company_name, credit_code, legal_rep, legal_rep_id, reg_address, business_scope,
	contact_name, contact_mobile, contact_email, licence_valid_to, categories, brands, licence_blob, checklist, reviewer_id,
	agreement_version, agreement_at, agreement_ip, submitted_at, decided_at, created_at, updated_at, version, verified_at`

func scanApplication(row interface{ Scan(...any) error }) (*supplier.Application, error) {
	var a supplier.Application
	var cats, brands, check string
	var agreed, submitted, decided, created, updated, verified int64
	err := row.Scan(&a.ID, &a.OrgID, &a.ApplicantID, &a.State, &a.CompanyName, &a.CreditCode, &a.LegalRep, &a.LegalRepID, &a.RegAddress, &a.BusinessScope,
		&a.ContactName, &a.ContactMobile, &a.ContactEmail, &a.LicenceValidTo, &cats, &brands, &a.LicenceBlob, &check, &a.ReviewerID,
		&a.AgreementVer, &agreed, &a.AgreementIP, &submitted, &decided, &created, &updated, &a.Version, &verified)
	if err != nil {
		return nil, err
	}
	if err := fromJSON(cats, &a.Categories); err != nil {
		return nil, err
	}
	if err := fromJSON(brands, &a.Brands); err != nil {
		return nil, err
	}
	if err := fromJSON(check, &a.Checklist); err != nil {
		return nil, err
	}
	if a.Checklist == nil {
		a.Checklist = map[string]bool{}
	}
	a.AgreementAt, a.SubmittedAt, a.DecidedAt, a.CreatedAt, a.UpdatedAt = db.Time(agreed), db.Time(submitted), db.Time(decided), db.Time(created), db.Time(updated)
	a.VerifiedAt = db.Time(verified)
	return &a, nil
}

func appArgs(a *supplier.Application) []any {
	cats, brands := a.Categories, a.Brands
	if cats == nil {
		cats = []string{}
	}
	if brands == nil {
		brands = []supplier.Brand{}
	}
	return []any{a.State, a.CompanyName, a.CreditCode, a.LegalRep, a.LegalRepID, a.RegAddress, a.BusinessScope,
		a.ContactName, a.ContactMobile, a.ContactEmail, a.LicenceValidTo, jsonText(cats), jsonText(brands), a.LicenceBlob, jsonText(a.Checklist), a.ReviewerID,
		a.AgreementVer, db.Millis(a.AgreementAt), a.AgreementIP, db.Millis(a.SubmittedAt), db.Millis(a.DecidedAt)}
}

// CreateApplication inserts a new application.
func (s *Store) CreateApplication(ctx context.Context, a *supplier.Application) error {
	if a.ID == "" {
		a.ID = db.NewID()
	}
	args := append([]any{a.ID, a.OrgID, a.ApplicantID}, appArgs(a)...)
	args = append(args, db.Millis(a.CreatedAt), db.Millis(a.UpdatedAt), a.Version, db.Millis(a.VerifiedAt))
	_, err := s.DB.Exec(ctx, `INSERT INTO supplier_applications (`+appCols+`) VALUES (`+db.Placeholders(28)+`)`, args...)
	if err != nil {
		return fmt.Errorf("store: create application: %w", err)
	}
	return nil
}

// Application returns an application by ID.
func (s *Store) Application(ctx context.Context, id string) (*supplier.Application, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	a, err := scanApplication(s.DB.QueryRow(ctx, `SELECT `+appCols+` FROM supplier_applications WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "application")
	}
	return a, nil
}

// ApplicationByOrg returns an organisation's application.
func (s *Store) ApplicationByOrg(ctx context.Context, orgID string) (*supplier.Application, error) {
	a, err := scanApplication(s.DB.QueryRow(ctx, `SELECT `+appCols+` FROM supplier_applications WHERE org_id = ?`, orgID))
	if err != nil {
		return nil, notFound(err, "err.not_found", "application by org")
	}
	return a, nil
}

// SaveApplication writes an application if nobody changed it since it was read.
func (s *Store) SaveApplication(ctx context.Context, a *supplier.Application) error {
	args := append(appArgs(a), db.Millis(a.UpdatedAt), db.Millis(a.VerifiedAt), a.ID, a.Version)
	res, err := s.DB.Exec(ctx, `UPDATE supplier_applications SET state = ?, company_name = ?, credit_code = ?, legal_rep = ?, legal_rep_id = ?,
		reg_address = ?, business_scope = ?, contact_name = ?, contact_mobile = ?, contact_email = ?, licence_valid_to = ?, categories = ?,
		brands = ?, licence_blob = ?, checklist = ?, reviewer_id = ?, agreement_version = ?, agreement_at = ?, agreement_ip = ?,
		submitted_at = ?, decided_at = ?, updated_at = ?, verified_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return fmt.Errorf("store: save application: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.Conflict, "err.stale_version")
	}
	a.Version++
	if a.OrgID == "" {
		return nil
	}
	return s.Emit(ctx, TopicSupplier, a.OrgID)
}

// Applications lists applications in the given states, oldest submission first.
func (s *Store) Applications(ctx context.Context, f supplier.Filter) ([]supplier.Application, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where, args := "1 = 1", []any{}
	if len(f.States) > 0 {
		where = "state IN (" + db.Placeholders(len(f.States)) + ")"
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	var total int64
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM supplier_applications WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count applications: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+appCols+` FROM supplier_applications WHERE `+where+`
		ORDER BY CASE WHEN submitted_at = 0 THEN created_at ELSE submitted_at END, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: applications: %w", err)
	}
	defer rows.Close()
	var out []supplier.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *a)
	}
	return out, total, rows.Err()
}

// AddDecision appends a review decision.
func (s *Store) AddDecision(ctx context.Context, d *supplier.Decision) error {
	check := d.Checklist
	if check == nil {
		check = map[string]bool{}
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO supplier_decisions (application_id, at, actor_id, actor_name, from_state, to_state, reason, checklist)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.ApplicationID, db.Millis(d.At), d.ActorID, d.ActorName, d.From, d.To, d.Reason, jsonText(check))
	if err != nil {
		return fmt.Errorf("store: add decision: %w", err)
	}
	return nil
}

// Decisions lists an application's decisions, oldest first.
func (s *Store) Decisions(ctx context.Context, applicationID string) ([]supplier.Decision, error) {
	rows, err := s.DB.Query(ctx, `SELECT seq, application_id, at, actor_id, actor_name, from_state, to_state, reason, checklist
		FROM supplier_decisions WHERE application_id = ? ORDER BY seq`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	defer rows.Close()
	var out []supplier.Decision
	for rows.Next() {
		var d supplier.Decision
		var at int64
		var check string
		if err := rows.Scan(&d.Seq, &d.ApplicationID, &at, &d.ActorID, &d.ActorName, &d.From, &d.To, &d.Reason, &check); err != nil {
			return nil, err
		}
		d.At = db.Time(at)
		if err := fromJSON(check, &d.Checklist); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetOrgStatus changes a supplier organisation's status; name and credit code replace the
// stored ones when given.
func (s *Store) SetOrgStatus(ctx context.Context, orgID, status, name, creditCode string, at time.Time) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	q := `UPDATE orgs SET status = ?, updated_at = ?`
	args := []any{status, db.Millis(at)}
	if strings.TrimSpace(name) != "" {
		q += `, name = ?`
		args = append(args, name)
	}
	if creditCode != "" {
		q += `, credit_code = ?`
		args = append(args, creditCode)
	}
	q += ` WHERE id = ? AND kind = 'supplier'`
	args = append(args, orgID)
	res, err := s.DB.Exec(ctx, q, args...)
	if db.IsUniqueViolation(err) {
		e := errs.Field("credit_code", "err.credit_code_taken")
		e.Code = errs.Conflict
		return e
	}
	if err != nil {
		return fmt.Errorf("store: set org status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return s.Emit(ctx, TopicSupplier, orgID)
}

// CategoryExists reports whether id names an active category.
func (s *Store) CategoryExists(ctx context.Context, id string) bool {
	if !db.ValidID(id) {
		return false
	}
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM categories WHERE id = ? AND status = 'active'`, id).Scan(&n)
	return err == nil && n > 0
}

// AddNotice records that a credential notice was sent; it reports false when it already
// had been, so each reminder goes out once.
func (s *Store) AddNotice(ctx context.Context, orgID, credential, notice string, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `INSERT INTO credential_notices (org_id, credential, notice, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		orgID, credential, notice, db.Millis(at))
	if err != nil {
		return false, fmt.Errorf("store: add notice: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// TakeBrandOffSale takes a supplier's on-sale products of a brand off sale and returns
// how many.
func (s *Store) TakeBrandOffSale(ctx context.Context, orgID, brand string, at time.Time) (int64, error) {
	res, err := s.DB.Exec(ctx, `UPDATE products SET status = 'off_sale', updated_at = ?
		WHERE supplier_id = ? AND status = 'on_sale' AND brand_id IN (SELECT id FROM brands WHERE name = ?)`, db.Millis(at), orgID, brand)
	if err != nil {
		return 0, fmt.Errorf("store: brand off sale: %w", err)
	}
	if err := s.Emit(ctx, TopicSupplier, orgID); err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
