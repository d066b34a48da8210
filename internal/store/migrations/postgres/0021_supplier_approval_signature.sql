-- Signatures gain the record type supplier_approval: in ISO 13485 mode a
-- supplier's approval is electronically signed.
ALTER TABLE signatures DROP CONSTRAINT signatures_record_type_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_record_type_check
    CHECK (record_type IN ('ncr_disposition','capa_closure','fai_approval','spec_release','document_approval','supplier_approval'));
