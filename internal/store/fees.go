package store

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/money"
)

var _ fees.Store = (*Store)(nil)

// AddFeeRule appends a fee rule.
func (s *Store) AddFeeRule(ctx context.Context, r *fees.Rule) error {
	if r.ID == "" {
		r.ID = db.NewID()
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO fee_rules (id, kind, category_id, rate_bp, fixed_fen, effective_from, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Kind, r.CategoryID, r.RateBP, int64(r.FixedFen), db.Millis(r.EffectiveFrom), r.Note, r.CreatedBy, db.Millis(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: add fee rule: %w", err)
	}
	return nil
}

// FeeRules lists every fee rule.
func (s *Store) FeeRules(ctx context.Context) ([]fees.Rule, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, kind, category_id, rate_bp, fixed_fen, effective_from, note, created_by, created_at
		FROM fee_rules ORDER BY kind, category_id, effective_from DESC, created_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: fee rules: %w", err)
	}
	defer rows.Close()
	var out []fees.Rule
	for rows.Next() {
		var r fees.Rule
		var fixed, from, created int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.CategoryID, &r.RateBP, &fixed, &from, &r.Note, &r.CreatedBy, &created); err != nil {
			return nil, err
		}
		r.FixedFen, r.EffectiveFrom, r.CreatedAt = money.Fen(fixed), db.Time(from), db.Time(created)
		out = append(out, r)
	}
	return out, rows.Err()
}
