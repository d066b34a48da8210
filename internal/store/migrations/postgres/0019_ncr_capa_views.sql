-- Indexes for the NCR and CAPA views at scale (200,000 NCRs, 50,000 CAPAs;
-- BenchmarkNCRScale): the Paretos and the cost of poor quality read a period's
-- NCRs from one covering index instead of a row lookup per NCR (it replaces
-- ncrs_detected, its first two columns); the Pareto by defect code reads each
-- NCR's defect lines from a covering index; the CAPA list's overdue filter
-- finds an active CAPA's late stages in a small partial index instead of
-- reading its nine stage rows; the list of all CAPAs pages in opening order
-- without sorting them all.
CREATE INDEX ncrs_views ON ncrs (detected_on, status, supplier_id, cause_category, quantity_affected, currency,
    cost_scrap, cost_rework, cost_sorting, cost_freight, cost_other, charged_back);
DROP INDEX ncrs_detected;
CREATE INDEX ncr_defects_pareto ON ncr_defects (ncr_id, code, description, quantity);
CREATE INDEX capa_stages_open ON capa_stages (capa_id, due_on) WHERE state <> 'accepted';
CREATE INDEX capas_opened ON capas (opened_on, id);
