package buyer

import (
	"context"
	"strings"

	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// MaxAddresses bounds a company's address book.
const MaxAddresses = 100

// AddressInput is an address as a form or the API gives it.
type AddressInput struct {
	Label, Consignee, Mobile, DivisionCode, Street, Postcode string
	Default                                                  bool
}

// addressEditors may change the address book: the people who order and pay.
var addressEditors = []identity.Role{identity.Owner, identity.Purchaser, identity.Finance}

// CanEditAddresses reports whether the caller may change the address book.
func CanEditAddresses(p *identity.Principal) bool { return p.Has(addressEditors...) }

func (in AddressInput) build(v *errs.Validator) *Address {
	a := &Address{Default: in.Default}
	a.Label = text(v, "label", in.Label, 0, 20)
	a.Consignee = text(v, "consignee", in.Consignee, 1, 30)
	if m, ok := cn.NormalizeMobile(in.Mobile); ok {
		a.Mobile = m
	} else if strings.TrimSpace(in.Mobile) == "" {
		v.Add("mobile", "err.required")
	} else {
		v.Add("mobile", "err.mobile_format")
	}
	a.DivisionCode = strings.TrimSpace(in.DivisionCode)
	if err := cn.ValidCounty(a.DivisionCode); err != nil {
		if a.DivisionCode == "" {
			v.Add("division_code", "err.division_required")
		} else {
			v.Add("division_code", "err.division_unknown")
		}
	} else {
		a.DivisionName = cn.DivisionFullName(a.DivisionCode)
	}
	a.Street = text(v, "street", in.Street, 2, 120)
	a.Postcode = strings.TrimSpace(in.Postcode)
	if a.Postcode != "" && cn.ValidPostcode(a.Postcode) != nil {
		v.Add("postcode", "err.postcode_format")
	}
	return a
}

// Addresses lists the caller's company's addresses, the default first.
func (s *Service) Addresses(ctx context.Context, p *identity.Principal) ([]Address, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	return s.Store.Addresses(ctx, p.Org.ID)
}

// Address returns one of the caller's company's addresses; another's is NotFound.
func (s *Service) Address(ctx context.Context, p *identity.Principal, id string) (*Address, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	return s.Store.Address(ctx, p.Org.ID, id)
}

// SaveAddress creates (id "") or changes an address. The first address, and any saved
// with Default, becomes the only default.
func (s *Service) SaveAddress(ctx context.Context, p *identity.Principal, id string, in AddressInput) (*Address, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	if id != "" {
		if _, err := s.Store.Address(ctx, p.Org.ID, id); err != nil {
			return nil, err
		}
	}
	if err := allow(p, "err.address_editors", addressEditors...); err != nil {
		return nil, err
	}
	var v errs.Validator
	a := in.build(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	a.ID, a.OrgID = id, p.Org.ID
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		list, err := s.Store.Addresses(ctx, p.Org.ID)
		if err != nil {
			return err
		}
		now := s.now()
		if id == "" {
			if len(list) >= MaxAddresses {
				return errs.E(errs.Conflict, "err.address_limit", MaxAddresses)
			}
			a.CreatedAt = now
			if len(list) == 0 {
				a.Default = true
			}
		} else {
			cur, err := s.Store.Address(ctx, p.Org.ID, id)
			if err != nil {
				return err
			}
			a.CreatedAt = cur.CreatedAt
			a.Default = a.Default || cur.Default
		}
		a.UpdatedAt = now
		if err := s.Store.SaveAddress(ctx, a); err != nil {
			return err
		}
		if a.Default {
			if err := s.Store.SetDefaultAddress(ctx, p.Org.ID, a.ID); err != nil {
				return err
			}
		}
		return s.log(ctx, p, "buyer.address.save", "address", a.ID, a.DivisionCode)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// SetDefaultAddress makes one address the default.
func (s *Service) SetDefaultAddress(ctx context.Context, p *identity.Principal, id string) error {
	if _, err := s.Address(ctx, p, id); err != nil {
		return err
	}
	if err := allow(p, "err.address_editors", addressEditors...); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.SetDefaultAddress(ctx, p.Org.ID, id); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.address.default", "address", id, "")
	})
}

// DeleteAddress removes an address (orders keep their own copy). When it was the
// default, the most recently changed remaining address becomes the default.
func (s *Service) DeleteAddress(ctx context.Context, p *identity.Principal, id string) error {
	if _, err := s.Address(ctx, p, id); err != nil {
		return err
	}
	if err := allow(p, "err.address_editors", addressEditors...); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.Store.Address(ctx, p.Org.ID, id)
		if err != nil {
			return err
		}
		if err := s.Store.DeleteAddress(ctx, p.Org.ID, id); err != nil {
			return err
		}
		if cur.Default {
			rest, err := s.Store.Addresses(ctx, p.Org.ID)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				next := rest[0]
				for _, a := range rest {
					if a.UpdatedAt.After(next.UpdatedAt) {
						next = a
					}
				}
				if err := s.Store.SetDefaultAddress(ctx, p.Org.ID, next.ID); err != nil {
					return err
				}
			}
		}
		return s.log(ctx, p, "buyer.address.delete", "address", id, "")
	})
}
