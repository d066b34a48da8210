-- Monthly roll-ups of NCRs for the Paretos and the cost of poor quality,
-- kept by triggers in the transaction that writes, voids or deletes an NCR
-- or its defect lines, so that the views over whole months read a few
-- thousand rows instead of every NCR of the period (BenchmarkNCRScale).
-- Voided NCRs never count, as in the views. supplier_id is 0 for NCRs
-- without a supplier and -1 for the rows over all suppliers; cause_category
-- '*' is the row over all causes.

-- NCRs and units affected by month, supplier and cause category.
CREATE TABLE ncr_months (
    supplier_id    INTEGER NOT NULL,
    month          TEXT NOT NULL, -- 'YYYY-MM' of detected_on
    cause_category TEXT NOT NULL,
    ncrs           INTEGER NOT NULL,
    units          INTEGER NOT NULL,
    PRIMARY KEY (supplier_id, cause_category, month)
) WITHOUT ROWID;
CREATE INDEX ncr_months_cause ON ncr_months (cause_category, month, supplier_id, ncrs, units);

-- Per defect key (the code, or the description of a line without one): the
-- NCRs with at least one such line and the sum of their quantities.
CREATE TABLE ncr_defect_months (
    supplier_id INTEGER NOT NULL,
    month       TEXT NOT NULL,
    key         TEXT NOT NULL,
    ncrs        INTEGER NOT NULL,
    units       INTEGER NOT NULL,
    PRIMARY KEY (supplier_id, month, key)
) WITHOUT ROWID;

-- The descriptions of each key's lines (the Pareto labels a key with the
-- least one among the period's lines).
CREATE TABLE ncr_defect_labels (
    supplier_id INTEGER NOT NULL,
    month       TEXT NOT NULL,
    key         TEXT NOT NULL,
    description TEXT NOT NULL,
    lines       INTEGER NOT NULL,
    PRIMARY KEY (supplier_id, month, key, description)
) WITHOUT ROWID;

-- The cost of poor quality of the NCRs with a cost, by supplier, month and
-- currency.
CREATE TABLE ncr_cost_months (
    supplier_id  INTEGER NOT NULL,
    month        TEXT NOT NULL,
    currency     TEXT NOT NULL,
    ncrs         INTEGER NOT NULL,
    scrap        INTEGER NOT NULL,
    rework       INTEGER NOT NULL,
    sorting      INTEGER NOT NULL,
    freight      INTEGER NOT NULL,
    other        INTEGER NOT NULL,
    charged_back INTEGER NOT NULL,
    PRIMARY KEY (month, supplier_id, currency)
) WITHOUT ROWID;

-- Backfill: each NCR counts under its supplier and under all suppliers (-1),
-- under its cause and under all causes ('*').
INSERT INTO ncr_months (supplier_id, month, cause_category, ncrs, units)
SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
    CASE WHEN c.every THEN '*' ELSE n.cause_category END, COUNT(*), SUM(n.quantity_affected)
FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s, (SELECT 0 AS every UNION ALL SELECT 1) c
WHERE n.status <> 'voided' GROUP BY 1, 2, 3;

INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
    CASE WHEN d.code <> '' THEN d.code ELSE d.description END, COUNT(DISTINCT d.ncr_id), SUM(d.quantity)
FROM ncr_defects d JOIN ncrs n ON n.id = d.ncr_id, (SELECT 0 AS every UNION ALL SELECT 1) s
WHERE n.status <> 'voided' GROUP BY 1, 2, 3;

INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
    CASE WHEN d.code <> '' THEN d.code ELSE d.description END, d.description, COUNT(*)
FROM ncr_defects d JOIN ncrs n ON n.id = d.ncr_id, (SELECT 0 AS every UNION ALL SELECT 1) s
WHERE n.status <> 'voided' GROUP BY 1, 2, 3, 4;

INSERT INTO ncr_cost_months (supplier_id, month, currency, ncrs, scrap, rework, sorting, freight, other, charged_back)
SELECT COALESCE(supplier_id, 0), substr(detected_on, 1, 7), currency, COUNT(*), SUM(cost_scrap), SUM(cost_rework), SUM(cost_sorting),
    SUM(cost_freight), SUM(cost_other), SUM(charged_back)
FROM ncrs WHERE status <> 'voided' AND currency <> '' GROUP BY 1, 2, 3;

-- An NCR's counts and costs: added when it is written (unless voided),
-- taken out when it is deleted, and on any change of what they depend on
-- the old ones taken out (if it counted) and the new ones put in (if it
-- counts); voiding takes it out.
CREATE TRIGGER ncr_months_insert AFTER INSERT ON ncrs WHEN NEW.status <> 'voided'
BEGIN
    INSERT INTO ncr_months (supplier_id, month, cause_category, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(NEW.supplier_id, 0) END, substr(NEW.detected_on, 1, 7),
        CASE WHEN c.every THEN '*' ELSE NEW.cause_category END, 1, NEW.quantity_affected
    FROM (SELECT 0 AS every UNION ALL SELECT 1) s, (SELECT 0 AS every UNION ALL SELECT 1) c WHERE true
    ON CONFLICT (supplier_id, cause_category, month) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_cost_months (supplier_id, month, currency, ncrs, scrap, rework, sorting, freight, other, charged_back)
    SELECT COALESCE(NEW.supplier_id, 0), substr(NEW.detected_on, 1, 7), NEW.currency, 1, NEW.cost_scrap, NEW.cost_rework, NEW.cost_sorting,
        NEW.cost_freight, NEW.cost_other, NEW.charged_back WHERE NEW.currency <> ''
    ON CONFLICT (month, supplier_id, currency) DO UPDATE SET ncrs = ncrs + excluded.ncrs, scrap = scrap + excluded.scrap,
        rework = rework + excluded.rework, sorting = sorting + excluded.sorting, freight = freight + excluded.freight,
        other = other + excluded.other, charged_back = charged_back + excluded.charged_back;
END;

CREATE TRIGGER ncr_months_update AFTER UPDATE OF status, supplier_id, detected_on, cause_category, quantity_affected, currency,
    cost_scrap, cost_rework, cost_sorting, cost_freight, cost_other, charged_back ON ncrs
BEGIN
    INSERT INTO ncr_months (supplier_id, month, cause_category, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(r.supplier_id, 0) END, substr(r.detected_on, 1, 7),
        CASE WHEN c.every THEN '*' ELSE r.cause_category END, SUM(r.sign), SUM(r.sign * r.quantity_affected)
    FROM (SELECT -1 AS sign, OLD.supplier_id AS supplier_id, OLD.detected_on AS detected_on, OLD.cause_category AS cause_category,
            OLD.quantity_affected AS quantity_affected WHERE OLD.status <> 'voided'
          UNION ALL SELECT 1, NEW.supplier_id, NEW.detected_on, NEW.cause_category, NEW.quantity_affected WHERE NEW.status <> 'voided') r,
        (SELECT 0 AS every UNION ALL SELECT 1) s, (SELECT 0 AS every UNION ALL SELECT 1) c
    WHERE true GROUP BY 1, 2, 3
    ON CONFLICT (supplier_id, cause_category, month) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_cost_months (supplier_id, month, currency, ncrs, scrap, rework, sorting, freight, other, charged_back)
    SELECT COALESCE(r.supplier_id, 0), substr(r.detected_on, 1, 7), r.currency, SUM(r.sign), SUM(r.sign * r.cost_scrap), SUM(r.sign * r.cost_rework),
        SUM(r.sign * r.cost_sorting), SUM(r.sign * r.cost_freight), SUM(r.sign * r.cost_other), SUM(r.sign * r.charged_back)
    FROM (SELECT -1 AS sign, OLD.supplier_id AS supplier_id, OLD.detected_on AS detected_on, OLD.currency AS currency, OLD.cost_scrap AS cost_scrap,
            OLD.cost_rework AS cost_rework, OLD.cost_sorting AS cost_sorting, OLD.cost_freight AS cost_freight, OLD.cost_other AS cost_other,
            OLD.charged_back AS charged_back WHERE OLD.status <> 'voided' AND OLD.currency <> ''
          UNION ALL SELECT 1, NEW.supplier_id, NEW.detected_on, NEW.currency, NEW.cost_scrap, NEW.cost_rework, NEW.cost_sorting, NEW.cost_freight,
            NEW.cost_other, NEW.charged_back WHERE NEW.status <> 'voided' AND NEW.currency <> '') r
    WHERE true GROUP BY 1, 2, 3
    ON CONFLICT (month, supplier_id, currency) DO UPDATE SET ncrs = ncrs + excluded.ncrs, scrap = scrap + excluded.scrap,
        rework = rework + excluded.rework, sorting = sorting + excluded.sorting, freight = freight + excluded.freight,
        other = other + excluded.other, charged_back = charged_back + excluded.charged_back;
END;

CREATE TRIGGER ncr_months_delete AFTER DELETE ON ncrs WHEN OLD.status <> 'voided'
BEGIN
    INSERT INTO ncr_months (supplier_id, month, cause_category, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(OLD.supplier_id, 0) END, substr(OLD.detected_on, 1, 7),
        CASE WHEN c.every THEN '*' ELSE OLD.cause_category END, -1, -OLD.quantity_affected
    FROM (SELECT 0 AS every UNION ALL SELECT 1) s, (SELECT 0 AS every UNION ALL SELECT 1) c WHERE true
    ON CONFLICT (supplier_id, cause_category, month) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_cost_months (supplier_id, month, currency, ncrs, scrap, rework, sorting, freight, other, charged_back)
    SELECT COALESCE(OLD.supplier_id, 0), substr(OLD.detected_on, 1, 7), OLD.currency, -1, -OLD.cost_scrap, -OLD.cost_rework, -OLD.cost_sorting,
        -OLD.cost_freight, -OLD.cost_other, -OLD.charged_back WHERE OLD.currency <> ''
    ON CONFLICT (month, supplier_id, currency) DO UPDATE SET ncrs = ncrs + excluded.ncrs, scrap = scrap + excluded.scrap,
        rework = rework + excluded.rework, sorting = sorting + excluded.sorting, freight = freight + excluded.freight,
        other = other + excluded.other, charged_back = charged_back + excluded.charged_back;
    INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(OLD.supplier_id, 0) END, substr(OLD.detected_on, 1, 7),
        CASE WHEN d.code <> '' THEN d.code ELSE d.description END, -1, -1 * SUM(d.quantity)
    FROM ncr_defects d, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE d.ncr_id = OLD.id AND true GROUP BY 1, 2, 3
    ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(OLD.supplier_id, 0) END, substr(OLD.detected_on, 1, 7),
        CASE WHEN d.code <> '' THEN d.code ELSE d.description END, d.description, -1 * COUNT(*)
    FROM ncr_defects d, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE d.ncr_id = OLD.id AND true GROUP BY 1, 2, 3, 4
    ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = lines + excluded.lines;
END;

-- The defect lines move with their NCR when its month, supplier or voided
-- state changes.
CREATE TRIGGER ncr_defect_months_ncr AFTER UPDATE OF status, supplier_id, detected_on ON ncrs
    WHEN (OLD.status = 'voided') <> (NEW.status = 'voided') OR OLD.supplier_id IS NOT NEW.supplier_id OR OLD.detected_on <> NEW.detected_on
BEGIN
    INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(OLD.supplier_id, 0) END, substr(OLD.detected_on, 1, 7),
        CASE WHEN d.code <> '' THEN d.code ELSE d.description END, -1, -1 * SUM(d.quantity)
    FROM ncr_defects d, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE d.ncr_id = OLD.id AND OLD.status <> 'voided' GROUP BY 1, 2, 3
    ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(OLD.supplier_id, 0) END, substr(OLD.detected_on, 1, 7),
        CASE WHEN d.code <> '' THEN d.code ELSE d.description END, d.description, -1 * COUNT(*)
    FROM ncr_defects d, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE d.ncr_id = OLD.id AND OLD.status <> 'voided' GROUP BY 1, 2, 3, 4
    ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = lines + excluded.lines;
    INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(NEW.supplier_id, 0) END, substr(NEW.detected_on, 1, 7),
        CASE WHEN d.code <> '' THEN d.code ELSE d.description END, 1, 1 * SUM(d.quantity)
    FROM ncr_defects d, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE d.ncr_id = NEW.id AND NEW.status <> 'voided' GROUP BY 1, 2, 3
    ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(NEW.supplier_id, 0) END, substr(NEW.detected_on, 1, 7),
        CASE WHEN d.code <> '' THEN d.code ELSE d.description END, d.description, 1 * COUNT(*)
    FROM ncr_defects d, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE d.ncr_id = NEW.id AND NEW.status <> 'voided' GROUP BY 1, 2, 3, 4
    ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = lines + excluded.lines;
END;

-- A defect line adds its quantity and description, and the NCR to its key
-- when it is the NCR's first line of that key; a deleted line takes them
-- out (the NCR when it was its last line of the key). An update is a
-- delete and an insert; the table then holds the new line, which the
-- old one's and the new one's checks leave out. Triggers fire per row, so
-- deleting all lines of an NCR at once counts right.
CREATE TRIGGER ncr_defect_months_insert AFTER INSERT ON ncr_defects
BEGIN
    INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
        CASE WHEN NEW.code <> '' THEN NEW.code ELSE NEW.description END, 1 * (NOT EXISTS (SELECT 1 FROM ncr_defects o WHERE o.ncr_id = NEW.ncr_id AND (CASE WHEN o.code <> '' THEN o.code ELSE o.description END) = (CASE WHEN NEW.code <> '' THEN NEW.code ELSE NEW.description END) AND o.rowid <> NEW.rowid)), 1 * NEW.quantity
    FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.id = NEW.ncr_id AND n.status <> 'voided'
    ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
        CASE WHEN NEW.code <> '' THEN NEW.code ELSE NEW.description END, NEW.description, 1
    FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.id = NEW.ncr_id AND n.status <> 'voided'
    ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = lines + excluded.lines;
END;

CREATE TRIGGER ncr_defect_months_delete AFTER DELETE ON ncr_defects
BEGIN
    INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
        CASE WHEN OLD.code <> '' THEN OLD.code ELSE OLD.description END, -1 * (NOT EXISTS (SELECT 1 FROM ncr_defects o WHERE o.ncr_id = OLD.ncr_id AND (CASE WHEN o.code <> '' THEN o.code ELSE o.description END) = (CASE WHEN OLD.code <> '' THEN OLD.code ELSE OLD.description END))), -1 * OLD.quantity
    FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.id = OLD.ncr_id AND n.status <> 'voided'
    ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
        CASE WHEN OLD.code <> '' THEN OLD.code ELSE OLD.description END, OLD.description, -1
    FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.id = OLD.ncr_id AND n.status <> 'voided'
    ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = lines + excluded.lines;
END;

CREATE TRIGGER ncr_defect_months_update AFTER UPDATE ON ncr_defects
BEGIN
    INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
        CASE WHEN OLD.code <> '' THEN OLD.code ELSE OLD.description END, -1 * (NOT EXISTS (SELECT 1 FROM ncr_defects o WHERE o.ncr_id = OLD.ncr_id AND (CASE WHEN o.code <> '' THEN o.code ELSE o.description END) = (CASE WHEN OLD.code <> '' THEN OLD.code ELSE OLD.description END) AND o.rowid <> NEW.rowid)), -1 * OLD.quantity
    FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.id = OLD.ncr_id AND n.status <> 'voided'
    ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
        CASE WHEN OLD.code <> '' THEN OLD.code ELSE OLD.description END, OLD.description, -1
    FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.id = OLD.ncr_id AND n.status <> 'voided'
    ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = lines + excluded.lines;
    INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
        CASE WHEN NEW.code <> '' THEN NEW.code ELSE NEW.description END, 1 * (NOT EXISTS (SELECT 1 FROM ncr_defects o WHERE o.ncr_id = NEW.ncr_id AND (CASE WHEN o.code <> '' THEN o.code ELSE o.description END) = (CASE WHEN NEW.code <> '' THEN NEW.code ELSE NEW.description END) AND o.rowid <> NEW.rowid)), 1 * NEW.quantity
    FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.id = NEW.ncr_id AND n.status <> 'voided'
    ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = ncrs + excluded.ncrs, units = units + excluded.units;
    INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
    SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, substr(n.detected_on, 1, 7),
        CASE WHEN NEW.code <> '' THEN NEW.code ELSE NEW.description END, NEW.description, 1
    FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.id = NEW.ncr_id AND n.status <> 'voided'
    ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = lines + excluded.lines;
END;
