package payment

import "context"

// PaidBy returns the payment that paid an order, for refunds made after shipment
// (package aftersale) through the same provider; an unpaid order is a Conflict.
func (s *Service) PaidBy(ctx context.Context, orderID string) (*Payment, error) {
	return s.paidBy(ctx, orderID)
}
