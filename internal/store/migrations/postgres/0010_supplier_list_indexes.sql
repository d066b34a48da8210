-- Indexes for the supplier pages at scale (10,000 suppliers, 50,000
-- certificates): counts by status, the expiring-certificates list and its
-- count, and "not voided" filters answered from small partial indexes.

CREATE INDEX suppliers_live_status ON suppliers (status) WHERE voided_at IS NULL;
CREATE INDEX suppliers_voided ON suppliers (id) WHERE voided_at IS NOT NULL;
CREATE INDEX certificates_live_expiry ON certificates (expiry_date, id, supplier_id)
    WHERE voided_at IS NULL AND review <> 'rejected';
CREATE INDEX sites_live ON sites (id, supplier_id) WHERE voided_at IS NULL;
