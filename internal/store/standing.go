package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/standing"
)

var _ standing.Store = (*Store)(nil)

// AddPenalty records a penalty.
func (s *Store) AddPenalty(ctx context.Context, p *standing.Penalty) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO supplier_penalties (id, org_id, kind, reason, amount, until_at, state, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.OrgID, p.Kind, p.Reason, int64(p.Amount), db.Millis(p.Until), p.State, p.CreatedBy, db.Millis(p.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: add penalty: %w", err)
	}
	return s.Emit(ctx, TopicSupplier, p.OrgID)
}

const penaltyCols = `id, org_id, kind, reason, amount, until_at, state, created_by, created_at, appeal, appealed_at, decided_by, decided_at, decision_note`

func scanPenalty(row interface{ Scan(...any) error }) (*standing.Penalty, error) {
	var p standing.Penalty
	var amount, until, created, appealed, decided int64
	if err := row.Scan(&p.ID, &p.OrgID, &p.Kind, &p.Reason, &amount, &until, &p.State, &p.CreatedBy, &created, &p.Appeal, &appealed, &p.DecidedBy, &decided, &p.DecisionNote); err != nil {
		return nil, err
	}
	p.Amount, p.Until, p.CreatedAt, p.AppealedAt, p.DecidedAt = money.Fen(amount), db.Time(until), db.Time(created), db.Time(appealed), db.Time(decided)
	return &p, nil
}

// Penalty returns a penalty.
func (s *Store) Penalty(ctx context.Context, id string) (*standing.Penalty, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	p, err := scanPenalty(s.DB.QueryRow(ctx, `SELECT `+penaltyCols+` FROM supplier_penalties WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "penalty")
	}
	return p, nil
}

// SavePenalty writes the appeal and decision fields if the state is still from.
func (s *Store) SavePenalty(ctx context.Context, p *standing.Penalty, from string) error {
	res, err := s.DB.Exec(ctx, `UPDATE supplier_penalties SET state = ?, appeal = ?, appealed_at = ?, decided_by = ?, decided_at = ?, decision_note = ?
		WHERE id = ? AND state = ?`, p.State, p.Appeal, db.Millis(p.AppealedAt), p.DecidedBy, db.Millis(p.DecidedAt), p.DecisionNote, p.ID, from)
	if err != nil {
		return fmt.Errorf("store: save penalty: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.Conflict, "err.appeal_state")
	}
	return s.Emit(ctx, TopicSupplier, p.OrgID)
}

// Penalties lists a supplier's penalties, newest first.
func (s *Store) Penalties(ctx context.Context, orgID string) ([]standing.Penalty, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+penaltyCols+` FROM supplier_penalties WHERE org_id = ? ORDER BY created_at DESC, id DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: penalties: %w", err)
	}
	defer rows.Close()
	var out []standing.Penalty
	for rows.Next() {
		p, err := scanPenalty(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// AddReward records a reward.
func (s *Store) AddReward(ctx context.Context, r *standing.Reward) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO supplier_rewards (id, org_id, kind, reason, until_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OrgID, r.Kind, r.Reason, db.Millis(r.Until), r.CreatedBy, db.Millis(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: add reward: %w", err)
	}
	return s.Emit(ctx, TopicSupplier, r.OrgID)
}

// Rewards lists a supplier's rewards, newest first.
func (s *Store) Rewards(ctx context.Context, orgID string) ([]standing.Reward, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, org_id, kind, reason, until_at, created_by, created_at FROM supplier_rewards WHERE org_id = ? ORDER BY created_at DESC, id DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: rewards: %w", err)
	}
	defer rows.Close()
	var out []standing.Reward
	for rows.Next() {
		var r standing.Reward
		var until, created int64
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Kind, &r.Reason, &until, &r.CreatedBy, &created); err != nil {
			return nil, err
		}
		r.Until, r.CreatedAt = db.Time(until), db.Time(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

// TakeAllOffSale takes every on-sale product of a supplier off sale.
func (s *Store) TakeAllOffSale(ctx context.Context, orgID string, at time.Time) (int64, error) {
	res, err := s.DB.Exec(ctx, `UPDATE products SET status = 'off_sale', updated_at = ? WHERE supplier_id = ? AND status = 'on_sale'`, db.Millis(at), orgID)
	if err != nil {
		return 0, fmt.Errorf("store: all off sale: %w", err)
	}
	if err := s.Emit(ctx, TopicSupplier, orgID); err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
