package inspectionops

import (
	"context"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
)

// StreamRow is the switching state of one supplier x product x class with
// the names of the supplier and the product: the severity in force and
// why (Stream.Reason).
type StreamRow struct {
	inspection.Stream
	SupplierName string `json:"supplier_name"`
	ProductSKU   string `json:"product_sku"`
	ProductName  string `json:"product_name"`
	// LastEvent says what the latest lot (or resumption) did to the
	// stream, e.g. "lot not accepted at normal inspection (8 found, Ac 7,
	// Re 8)".
	LastEvent string `json:"last_event,omitempty"`
}

func streamRows(tx *store.Tx, streams []inspection.Stream) ([]StreamRow, error) {
	nm := newNames(tx)
	out := make([]StreamRow, 0, len(streams))
	for _, st := range streams {
		r := StreamRow{Stream: st}
		p, err := nm.product(st.ProductID)
		if err != nil {
			return nil, err
		}
		r.ProductSKU, r.ProductName = p.SKU, p.Name
		if r.SupplierName, err = nm.supplier(st.SupplierID); err != nil {
			return nil, err
		}
		ev, err := tx.SwitchingHistory(st.SupplierID, st.ProductID, st.Class, 1)
		if err != nil {
			return nil, err
		}
		if len(ev) > 0 {
			r.LastEvent = ev[0].Reason
		}
		out = append(out, r)
	}
	return out, nil
}

// ProductSwitching returns the switching streams of a product, all
// suppliers, for its page. Requires qms.CanViewInternal. Returns not
// found.
func (s *Service) ProductSwitching(ctx context.Context, productID int64) ([]StreamRow, error) {
	if err := internal(actor(ctx), "switching states"); err != nil {
		return nil, err
	}
	var out []StreamRow
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.Product(productID); err != nil {
			return hidden(err, "product")
		}
		streams, err := tx.ProductSwitching(productID)
		if err != nil {
			return err
		}
		out, err = streamRows(tx, streams)
		return err
	})
	return out, err
}

// SupplierSwitching returns the switching streams of a supplier, all
// products. A supplier's user sees its own supplier's only. Returns not
// found.
func (s *Service) SupplierSwitching(ctx context.Context, supplierID int64) ([]StreamRow, error) {
	a := actor(ctx)
	if !qms.CanSeeSupplier(a, supplierID) {
		return nil, notFound("supplier")
	}
	var out []StreamRow
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.Supplier(supplierID); err != nil {
			return hidden(err, "supplier")
		}
		streams, err := tx.SupplierSwitching(supplierID)
		if err != nil {
			return err
		}
		out, err = streamRows(tx, streams)
		return err
	})
	return out, err
}

// SwitchingHistory returns the history of one stream, newest first, at
// most limit events. A supplier's user sees its own supplier's only.
// Returns not found.
func (s *Service) SwitchingHistory(ctx context.Context, supplierID, productID int64, class inspection.DefectClass, limit int) ([]inspection.StreamEvent, error) {
	a := actor(ctx)
	if !qms.CanSeeSupplier(a, supplierID) {
		return nil, notFound("supplier")
	}
	var out []inspection.StreamEvent
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.SwitchingHistory(supplierID, productID, class, limit)
		return err
	})
	return out, err
}

// ResumeSwitching resumes a discontinued stream at tightened inspection
// with a reason, once the supplier has acted. Requires qms.CanApprove.
// Returns not found, invalid or conflict (not discontinued).
func (s *Service) ResumeSwitching(ctx context.Context, supplierID, productID int64, class inspection.DefectClass, reason string) error {
	a := actor(ctx)
	if !qms.CanSeeSupplier(a, supplierID) {
		return notFound("supplier")
	}
	if !qms.CanApprove(a) {
		return forbidden("resume acceptance inspection: a quality manager does")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Supplier(supplierID); err != nil {
			return hidden(err, "supplier")
		}
		return tx.ResumeSwitching(supplierID, productID, class, reason)
	})
}
