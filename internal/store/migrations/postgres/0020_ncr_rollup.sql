-- Monthly roll-ups of NCRs for the Paretos and the cost of poor quality,
-- kept by triggers in the transaction that writes, voids or deletes an NCR
-- or its defect lines, so that the views over whole months read a few
-- thousand rows instead of every NCR of the period (BenchmarkNCRScale).
-- Voided NCRs never count, as in the views. supplier_id is 0 for NCRs
-- without a supplier and -1 for the rows over all suppliers; cause_category
-- '*' is the row over all causes.

-- NCRs and units affected by month, supplier and cause category.
CREATE TABLE ncr_months (
    supplier_id    BIGINT NOT NULL,
    month          TEXT NOT NULL, -- 'YYYY-MM' of detected_on
    cause_category TEXT NOT NULL,
    ncrs           BIGINT NOT NULL,
    units          BIGINT NOT NULL,
    PRIMARY KEY (supplier_id, cause_category, month)
);
CREATE INDEX ncr_months_cause ON ncr_months (cause_category, month, supplier_id, ncrs, units);

-- Per defect key (the code, or the description of a line without one): the
-- NCRs with at least one such line and the sum of their quantities.
CREATE TABLE ncr_defect_months (
    supplier_id BIGINT NOT NULL,
    month       TEXT NOT NULL,
    key         TEXT NOT NULL,
    ncrs        BIGINT NOT NULL,
    units       BIGINT NOT NULL,
    PRIMARY KEY (supplier_id, month, key)
);

-- The descriptions of each key's lines (the Pareto labels a key with the
-- least one among the period's lines).
CREATE TABLE ncr_defect_labels (
    supplier_id BIGINT NOT NULL,
    month       TEXT NOT NULL,
    key         TEXT NOT NULL,
    description TEXT NOT NULL,
    lines       BIGINT NOT NULL,
    PRIMARY KEY (supplier_id, month, key, description)
);

-- The cost of poor quality of the NCRs with a cost, by supplier, month and
-- currency.
CREATE TABLE ncr_cost_months (
    supplier_id  BIGINT NOT NULL,
    month        TEXT NOT NULL,
    currency     TEXT NOT NULL,
    ncrs         BIGINT NOT NULL,
    scrap        BIGINT NOT NULL,
    rework       BIGINT NOT NULL,
    sorting      BIGINT NOT NULL,
    freight      BIGINT NOT NULL,
    other        BIGINT NOT NULL,
    charged_back BIGINT NOT NULL,
    PRIMARY KEY (month, supplier_id, currency)
);

-- Backfill: each NCR counts under its supplier and under all suppliers (-1),
-- under its cause and under all causes ('*').
INSERT INTO ncr_months (supplier_id, month, cause_category, ncrs, units)
SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, to_char(n.detected_on, 'YYYY-MM'),
    CASE WHEN c.every THEN '*' ELSE n.cause_category END, COUNT(*), SUM(n.quantity_affected)
FROM ncrs n, (VALUES (false), (true)) s (every), (VALUES (false), (true)) c (every)
WHERE n.status <> 'voided' GROUP BY 1, 2, 3;

INSERT INTO ncr_defect_months (supplier_id, month, key, ncrs, units)
SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, to_char(n.detected_on, 'YYYY-MM'),
    CASE WHEN d.code <> '' THEN d.code ELSE d.description END, COUNT(DISTINCT d.ncr_id), SUM(d.quantity)
FROM ncr_defects d JOIN ncrs n ON n.id = d.ncr_id, (VALUES (false), (true)) s (every)
WHERE n.status <> 'voided' GROUP BY 1, 2, 3;

INSERT INTO ncr_defect_labels (supplier_id, month, key, description, lines)
SELECT CASE WHEN s.every THEN -1 ELSE COALESCE(n.supplier_id, 0) END, to_char(n.detected_on, 'YYYY-MM'),
    CASE WHEN d.code <> '' THEN d.code ELSE d.description END, d.description, COUNT(*)
FROM ncr_defects d JOIN ncrs n ON n.id = d.ncr_id, (VALUES (false), (true)) s (every)
WHERE n.status <> 'voided' GROUP BY 1, 2, 3, 4;

INSERT INTO ncr_cost_months (supplier_id, month, currency, ncrs, scrap, rework, sorting, freight, other, charged_back)
SELECT COALESCE(supplier_id, 0), to_char(detected_on, 'YYYY-MM'), currency, COUNT(*), SUM(cost_scrap), SUM(cost_rework), SUM(cost_sorting),
    SUM(cost_freight), SUM(cost_other), SUM(charged_back)
FROM ncrs WHERE status <> 'voided' AND currency <> '' GROUP BY 1, 2, 3;

-- ncr_rollup_add adds (sign 1) or takes out (sign -1) an NCR's counts and
-- costs, and with lines those of its defect lines; a voided NCR counts
-- nowhere.
CREATE FUNCTION ncr_rollup_add(r ncrs, sign INTEGER, lines BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m TEXT := to_char(r.detected_on, 'YYYY-MM');
    sid BIGINT := COALESCE(r.supplier_id, 0);
BEGIN
    IF r.status = 'voided' THEN
        RETURN;
    END IF;
    INSERT INTO ncr_months AS t (supplier_id, month, cause_category, ncrs, units)
    VALUES (sid, m, r.cause_category, sign, sign * r.quantity_affected), (sid, m, '*', sign, sign * r.quantity_affected),
        (-1, m, r.cause_category, sign, sign * r.quantity_affected), (-1, m, '*', sign, sign * r.quantity_affected)
    ON CONFLICT (supplier_id, cause_category, month) DO UPDATE SET ncrs = t.ncrs + EXCLUDED.ncrs, units = t.units + EXCLUDED.units;
    IF r.currency <> '' THEN
        INSERT INTO ncr_cost_months AS t (supplier_id, month, currency, ncrs, scrap, rework, sorting, freight, other, charged_back)
        VALUES (sid, m, r.currency, sign, sign * r.cost_scrap, sign * r.cost_rework, sign * r.cost_sorting, sign * r.cost_freight,
            sign * r.cost_other, sign * r.charged_back)
        ON CONFLICT (month, supplier_id, currency) DO UPDATE SET ncrs = t.ncrs + EXCLUDED.ncrs, scrap = t.scrap + EXCLUDED.scrap,
            rework = t.rework + EXCLUDED.rework, sorting = t.sorting + EXCLUDED.sorting, freight = t.freight + EXCLUDED.freight,
            other = t.other + EXCLUDED.other, charged_back = t.charged_back + EXCLUDED.charged_back;
    END IF;
    IF lines THEN
        INSERT INTO ncr_defect_months AS t (supplier_id, month, key, ncrs, units)
        SELECT s.sid, m, CASE WHEN d.code <> '' THEN d.code ELSE d.description END, sign, sign * SUM(d.quantity)
        FROM ncr_defects d, (VALUES (sid), (-1)) s (sid) WHERE d.ncr_id = r.id GROUP BY 1, 2, 3
        ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = t.ncrs + EXCLUDED.ncrs, units = t.units + EXCLUDED.units;
        INSERT INTO ncr_defect_labels AS t (supplier_id, month, key, description, lines)
        SELECT s.sid, m, CASE WHEN d.code <> '' THEN d.code ELSE d.description END, d.description, sign * COUNT(*)
        FROM ncr_defects d, (VALUES (sid), (-1)) s (sid) WHERE d.ncr_id = r.id GROUP BY 1, 2, 3, 4
        ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = t.lines + EXCLUDED.lines;
    END IF;
END $$;

-- An NCR's counts go in when it is written, out when it is deleted; on a
-- change the old ones go out and the new ones in (voiding takes it out).
-- Its defect lines move with it when its month, supplier or voided state
-- changes, and go when it is deleted before them.
CREATE FUNCTION ncr_rollup_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved BOOLEAN := false;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        moved := (OLD.status = 'voided') <> (NEW.status = 'voided') OR OLD.supplier_id IS DISTINCT FROM NEW.supplier_id
            OR OLD.detected_on <> NEW.detected_on;
        IF NOT moved AND OLD.status = NEW.status AND OLD.cause_category = NEW.cause_category
            AND OLD.quantity_affected = NEW.quantity_affected AND OLD.currency = NEW.currency AND OLD.cost_scrap = NEW.cost_scrap
            AND OLD.cost_rework = NEW.cost_rework AND OLD.cost_sorting = NEW.cost_sorting AND OLD.cost_freight = NEW.cost_freight
            AND OLD.cost_other = NEW.cost_other AND OLD.charged_back = NEW.charged_back THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM ncr_rollup_add(OLD, -1, moved OR TG_OP = 'DELETE');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM ncr_rollup_add(NEW, 1, moved);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ncr_rollup AFTER INSERT OR UPDATE OR DELETE ON ncrs FOR EACH ROW EXECUTE FUNCTION ncr_rollup_trigger();

-- ncr_defect_line_add adds (sign 1) or takes out (sign -1) one defect line:
-- its quantity and description, and its NCR under its key when first is
-- set (the NCR's first line of the key, or its last one going).
CREATE FUNCTION ncr_defect_line_add(l ncr_defects, sign INTEGER, first BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n ncrs;
    k TEXT := CASE WHEN l.code <> '' THEN l.code ELSE l.description END;
BEGIN
    SELECT * INTO n FROM ncrs WHERE id = l.ncr_id;
    IF NOT FOUND OR n.status = 'voided' THEN
        RETURN;
    END IF;
    INSERT INTO ncr_defect_months AS t (supplier_id, month, key, ncrs, units)
    SELECT s.sid, to_char(n.detected_on, 'YYYY-MM'), k, CASE WHEN first THEN sign ELSE 0 END, sign * l.quantity
    FROM (VALUES (COALESCE(n.supplier_id, 0)), (-1)) s (sid)
    ON CONFLICT (supplier_id, month, key) DO UPDATE SET ncrs = t.ncrs + EXCLUDED.ncrs, units = t.units + EXCLUDED.units;
    INSERT INTO ncr_defect_labels AS t (supplier_id, month, key, description, lines)
    SELECT s.sid, to_char(n.detected_on, 'YYYY-MM'), k, l.description, sign
    FROM (VALUES (COALESCE(n.supplier_id, 0)), (-1)) s (sid)
    ON CONFLICT (supplier_id, month, key, description) DO UPDATE SET lines = t.lines + EXCLUDED.lines;
END $$;

-- A BEFORE trigger: it sees the lines as they are before this row changes
-- (and after the rows the same statement changed before it), so deleting
-- all lines of an NCR at once takes the NCR out of each key once. An update
-- is a delete and an insert, judged without the old line.
CREATE FUNCTION ncr_defect_lines_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM ncr_defect_line_add(OLD, -1, NOT EXISTS (SELECT 1 FROM ncr_defects o WHERE o.ncr_id = OLD.ncr_id AND o.line <> OLD.line
            AND (CASE WHEN o.code <> '' THEN o.code ELSE o.description END) = (CASE WHEN OLD.code <> '' THEN OLD.code ELSE OLD.description END)));
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM ncr_defect_line_add(NEW, 1, NOT EXISTS (SELECT 1 FROM ncr_defects o WHERE o.ncr_id = NEW.ncr_id
            AND (CASE WHEN o.code <> '' THEN o.code ELSE o.description END) = (CASE WHEN NEW.code <> '' THEN NEW.code ELSE NEW.description END)));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM ncr_defect_line_add(NEW, 1, NOT EXISTS (SELECT 1 FROM ncr_defects o WHERE o.ncr_id = NEW.ncr_id
            AND NOT (o.ncr_id = OLD.ncr_id AND o.line = OLD.line)
            AND (CASE WHEN o.code <> '' THEN o.code ELSE o.description END) = (CASE WHEN NEW.code <> '' THEN NEW.code ELSE NEW.description END)));
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ncr_defect_rollup BEFORE INSERT OR UPDATE OR DELETE ON ncr_defects FOR EACH ROW EXECUTE FUNCTION ncr_defect_lines_trigger();
