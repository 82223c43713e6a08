package store

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
)

var _ catalog.MediaStore = (*Store)(nil)

// CatalogMedia returns a product's media in display order: images, then attachments,
// each by sort then creation.
func (s *Store) CatalogMedia(ctx context.Context, productID string) ([]catalog.Media, error) {
	if !db.ValidID(productID) {
		return nil, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT CAST(m.product_id AS TEXT), CAST(m.blob_id AS TEXT), m.kind, m.sort, m.title, m.created_at,
		b.display_name, b.content_type, b.ext, b.size, b.width, b.height
		FROM product_media m JOIN blobs b ON b.id = m.blob_id
		WHERE m.product_id = ?
		ORDER BY CASE m.kind WHEN 'image' THEN 0 ELSE 1 END, m.sort, m.created_at, m.blob_id`, productID)
	if err != nil {
		return nil, fmt.Errorf("store: catalog media: %w", err)
	}
	defer rows.Close()
	var out []catalog.Media
	for rows.Next() {
		var m catalog.Media
		var created, width, height int64
		if err := rows.Scan(&m.ProductID, &m.BlobID, &m.Kind, &m.Sort, &m.Title, &created,
			&m.DisplayName, &m.ContentType, &m.Ext, &m.Size, &width, &height); err != nil {
			return nil, fmt.Errorf("store: catalog media: %w", err)
		}
		m.CreatedAt, m.Width, m.Height = db.Time(created), int(width), int(height)
		out = append(out, m)
	}
	return out, rows.Err()
}

// CatalogAddMedia inserts a media row for a stored blob.
func (s *Store) CatalogAddMedia(ctx context.Context, m *catalog.Media) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO product_media (product_id, blob_id, kind, sort, title, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		m.ProductID, m.BlobID, m.Kind, m.Sort, m.Title, db.Millis(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: add catalog media: %w", err)
	}
	return s.Emit(ctx, TopicProduct, m.ProductID)
}

// CatalogRemoveMedia deletes a media row and its blob (with the blob's variants);
// NotFound when the product has no such media.
func (s *Store) CatalogRemoveMedia(ctx context.Context, productID, blobID string) error {
	if !db.ValidID(productID) || !db.ValidID(blobID) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		res, err := s.DB.Exec(ctx, `DELETE FROM product_media WHERE product_id = ? AND blob_id = ?`, productID, blobID)
		if err != nil {
			return fmt.Errorf("store: remove catalog media: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: remove catalog media: %w", err)
		} else if n == 0 {
			return errs.E(errs.NotFound, "err.not_found")
		}
		if _, err := s.DB.Exec(ctx, `DELETE FROM blob_variants WHERE blob_id = ?`, blobID); err != nil {
			return fmt.Errorf("store: remove media variants: %w", err)
		}
		if _, err := s.DB.Exec(ctx, `DELETE FROM blobs WHERE id = ?`, blobID); err != nil {
			return fmt.Errorf("store: remove media blob: %w", err)
		}
		return s.Emit(ctx, TopicProduct, productID)
	})
}

// CatalogSetMediaSort sets one media row's sort.
func (s *Store) CatalogSetMediaSort(ctx context.Context, productID, blobID string, sort int64) error {
	_, err := s.DB.Exec(ctx, `UPDATE product_media SET sort = ? WHERE product_id = ? AND blob_id = ?`, sort, productID, blobID)
	if err != nil {
		return fmt.Errorf("store: set catalog media sort: %w", err)
	}
	return s.Emit(ctx, TopicProduct, productID)
}
