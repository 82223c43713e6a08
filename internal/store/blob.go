package store

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/upload"
)

var _ upload.Store = (*Store)(nil)

// PutBlob stores a blob and its variants in one transaction (or the caller's).
func (s *Store) PutBlob(ctx context.Context, b *upload.Blob) error {
	if b.ID == "" {
		b.ID = db.NewID()
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		_, err := s.DB.Exec(ctx, `INSERT INTO blobs (id, owner_org_id, kind, content_type, ext, size, sha256, display_name, width, height, public, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.OwnerOrgID, string(b.Kind), b.ContentType, b.Ext, b.Size, b.SHA256, b.DisplayName, b.Width, b.Height, b.Public,
			b.Data, db.Millis(b.CreatedAt))
		if err != nil {
			return err
		}
		for _, v := range b.Variants {
			if err := s.DB.Fault(ctx, "blob.variant"); err != nil {
				return err
			}
			_, err := s.DB.Exec(ctx, `INSERT INTO blob_variants (blob_id, variant, content_type, width, height, data) VALUES (?, ?, ?, ?, ?, ?)`,
				b.ID, v.Name, v.ContentType, v.Width, v.Height, v.Data)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: put blob: %w", err)
	}
	return nil
}

// Blob returns a blob with its data, without variants.
func (s *Store) Blob(ctx context.Context, id string) (*upload.Blob, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	var b upload.Blob
	var kind string
	var width, height, created int64
	err := s.DB.QueryRow(ctx, `SELECT id, owner_org_id, kind, content_type, ext, size, sha256, display_name, width, height, public, data, created_at
		FROM blobs WHERE id = ?`, id).Scan(&b.ID, &b.OwnerOrgID, &kind, &b.ContentType, &b.Ext, &b.Size, &b.SHA256, &b.DisplayName,
		&width, &height, &b.Public, &b.Data, &created)
	if err != nil {
		return nil, notFound(err, "err.not_found", "blob")
	}
	b.Kind, b.Width, b.Height, b.CreatedAt = upload.Kind(kind), int(width), int(height), db.Time(created)
	return &b, nil
}

// BlobVariant returns one variant of a blob.
func (s *Store) BlobVariant(ctx context.Context, id, variant string) (*upload.Variant, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	v := upload.Variant{Name: variant}
	var width, height int64
	err := s.DB.QueryRow(ctx, `SELECT content_type, width, height, data FROM blob_variants WHERE blob_id = ? AND variant = ?`, id, variant).
		Scan(&v.ContentType, &width, &height, &v.Data)
	if err != nil {
		return nil, notFound(err, "err.not_found", "blob variant")
	}
	v.Width, v.Height = int(width), int(height)
	return &v, nil
}

// BlobOwner returns a blob's owner organisation and whether it is public.
func (s *Store) BlobOwner(ctx context.Context, id string) (string, bool, error) {
	if !db.ValidID(id) {
		return "", false, errs.E(errs.NotFound, "err.not_found")
	}
	var owner string
	var public bool
	if err := s.DB.QueryRow(ctx, `SELECT owner_org_id, public FROM blobs WHERE id = ?`, id).Scan(&owner, &public); err != nil {
		return "", false, notFound(err, "err.not_found", "blob owner")
	}
	return owner, public, nil
}
