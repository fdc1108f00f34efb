-- Rehearsal of docs/scale.md §5 on a COPY of a motcua database (never on production data):
-- dossiers_dossier and dossiers_dossierevent become partitioned by year, the old tables
-- attached as the partition of the years so far, their foreign keys re-pointed. Run with
--   psql -v ON_ERROR_STOP=1 -d <copy> -f bench/load/partition_rehearsal.sql
-- (PostgreSQL 15; the CONCURRENTLY steps of the real migration are plain here: a copy has no
-- traffic). It ends by inserting a dossier of next year and reading both years back.

\set legacy_to 2028
-- 1. The key, backfilled, NOT NULL through a validated CHECK.
ALTER TABLE dossiers_dossier ADD COLUMN year smallint;
UPDATE dossiers_dossier SET year = extract(year FROM created_at AT TIME ZONE 'Asia/Ho_Chi_Minh');
ALTER TABLE dossiers_dossier ADD CONSTRAINT dossier_year_nn CHECK (year IS NOT NULL) NOT VALID;
ALTER TABLE dossiers_dossier VALIDATE CONSTRAINT dossier_year_nn;
ALTER TABLE dossiers_dossier ALTER COLUMN year SET NOT NULL;
ALTER TABLE dossiers_dossierevent ADD COLUMN year smallint;
UPDATE dossiers_dossierevent e SET year = d.year FROM dossiers_dossier d WHERE d.id = e.dossier_id;
ALTER TABLE dossiers_dossierevent ALTER COLUMN year SET NOT NULL;

-- 2. The bound checks that let ATTACH skip its scan.
ALTER TABLE dossiers_dossier ADD CONSTRAINT dossier_legacy_years
    CHECK (year >= 2020 AND year < :legacy_to) NOT VALID;
ALTER TABLE dossiers_dossier VALIDATE CONSTRAINT dossier_legacy_years;
ALTER TABLE dossiers_dossierevent ADD CONSTRAINT event_legacy_years
    CHECK (year >= 2020 AND year < :legacy_to) NOT VALID;
ALTER TABLE dossiers_dossierevent VALIDATE CONSTRAINT event_legacy_years;

-- 3. Unique indexes that include the key, on the old tables (CONCURRENTLY in production).
CREATE UNIQUE INDEX dossier_id_year ON dossiers_dossier (id, year);
CREATE UNIQUE INDEX dossier_code_year ON dossiers_dossier (code, year);
CREATE UNIQUE INDEX dossier_reference_year ON dossiers_dossier (reference, year);
CREATE UNIQUE INDEX event_id_year ON dossiers_dossierevent (id, year);
CREATE INDEX event_dossier_year ON dossiers_dossierevent (dossier_id, year);

-- 4. The partitioned parents (no identity on a partitioned table before PostgreSQL 17, and a
-- partition may not keep its own: ids come from a plain sequence taking over the identity's).
CREATE SEQUENCE dossiers_dossier_pid AS bigint;
CREATE SEQUENCE dossiers_dossierevent_pid AS bigint;
CREATE TABLE dossiers_dossier_p (LIKE dossiers_dossier INCLUDING DEFAULTS) PARTITION BY RANGE (year);
ALTER TABLE dossiers_dossier_p ALTER COLUMN id SET DEFAULT nextval('dossiers_dossier_pid');
ALTER TABLE dossiers_dossier_p ADD PRIMARY KEY (id, year);
CREATE UNIQUE INDEX dossier_p_code_year ON ONLY dossiers_dossier_p (code, year);
CREATE UNIQUE INDEX dossier_p_reference_year ON ONLY dossiers_dossier_p (reference, year);
CREATE TABLE dossiers_dossierevent_p (LIKE dossiers_dossierevent INCLUDING DEFAULTS) PARTITION BY RANGE (year);
ALTER TABLE dossiers_dossierevent_p ALTER COLUMN id SET DEFAULT nextval('dossiers_dossierevent_pid');
ALTER TABLE dossiers_dossierevent_p ADD PRIMARY KEY (id, year);
CREATE INDEX event_p_dossier_year ON ONLY dossiers_dossierevent_p (dossier_id, year);

-- 5. The switch: one short transaction.
SELECT count(*) AS indexes_before FROM pg_index
WHERE indrelid IN ('dossiers_dossier'::regclass, 'dossiers_dossierevent'::regclass) \gset
BEGIN;
SET LOCAL lock_timeout = '2s';
SELECT setval('dossiers_dossier_pid', coalesce(max(id), 0) + 1) FROM dossiers_dossier;
SELECT setval('dossiers_dossierevent_pid', coalesce(max(id), 0) + 1) FROM dossiers_dossierevent;
-- Every foreign key into the old tables (the "Referenced by" of \d dossiers_dossier and
-- \d dossiers_dossierevent) is dropped: they hang on the old primary keys (id), which a
-- partition may not keep beside the parent's (id, year). Re-added on (id, year) below for the
-- tables that get the key; listed here for the others.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
             WHERE contype = 'f'
               AND confrelid IN ('dossiers_dossier'::regclass, 'dossiers_dossierevent'::regclass)
    LOOP
        RAISE NOTICE 'dropped %.%', r.tbl, r.conname;
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
    END LOOP;
END $$;
-- The old tables' primary keys become (id, year) on the indexes built in step 3, so that the
-- attach adopts them instead of building new ones under the lock.
ALTER TABLE dossiers_dossier DROP CONSTRAINT dossiers_dossier_pkey,
    ADD CONSTRAINT dossiers_dossier_legacy_pkey PRIMARY KEY USING INDEX dossier_id_year;
ALTER TABLE dossiers_dossierevent DROP CONSTRAINT dossiers_dossierevent_pkey,
    ADD CONSTRAINT dossiers_dossierevent_legacy_pkey PRIMARY KEY USING INDEX event_id_year;
ALTER TABLE dossiers_dossier ALTER COLUMN id DROP IDENTITY;
ALTER TABLE dossiers_dossierevent ALTER COLUMN id DROP IDENTITY;
ALTER TABLE dossiers_dossier RENAME TO dossiers_dossier_legacy;
ALTER TABLE dossiers_dossier_p RENAME TO dossiers_dossier;
-- ATTACH adopts the old table's matching indexes built in step 3 (no index is built under
-- the lock) and skips the scan thanks to the validated check of step 2.
ALTER TABLE dossiers_dossier ATTACH PARTITION dossiers_dossier_legacy FOR VALUES FROM (2020) TO (:legacy_to);
ALTER TABLE dossiers_dossierevent RENAME TO dossiers_dossierevent_legacy;
ALTER TABLE dossiers_dossierevent_p RENAME TO dossiers_dossierevent;
ALTER TABLE dossiers_dossierevent ATTACH PARTITION dossiers_dossierevent_legacy FOR VALUES FROM (2020) TO (:legacy_to);
ALTER TABLE dossiers_dossierevent ADD CONSTRAINT event_dossier_fk
    FOREIGN KEY (dossier_id, year) REFERENCES dossiers_dossier (id, year) DEFERRABLE INITIALLY DEFERRED;
COMMIT;
-- the steps get the key too (here after the switch; in production before it, like the events)
ALTER TABLE dossiers_dossierstep ADD COLUMN year smallint;
UPDATE dossiers_dossierstep s SET year = d.year FROM dossiers_dossier d WHERE d.id = s.dossier_id;
ALTER TABLE dossiers_dossierstep ADD CONSTRAINT step_dossier_fk
    FOREIGN KEY (dossier_id, year) REFERENCES dossiers_dossier (id, year) DEFERRABLE INITIALLY DEFERRED NOT VALID;
ALTER TABLE dossiers_dossierstep VALIDATE CONSTRAINT step_dossier_fk;

-- 6. Next year's partitions (a periodic job creates them a year ahead).
CREATE TABLE dossiers_dossier_y2028 PARTITION OF dossiers_dossier FOR VALUES FROM (2028) TO (2029);
CREATE TABLE dossiers_dossierevent_y2028 PARTITION OF dossiers_dossierevent FOR VALUES FROM (2028) TO (2029);

-- Check: a dossier of 2028 and its event land in the new partitions; both years read back.
BEGIN;
WITH d AS (
    INSERT INTO dossiers_dossier
    SELECT (jsonb_populate_record(NULL::dossiers_dossier,
            to_jsonb(x) - 'id' || jsonb_build_object(
                'id', nextval('dossiers_dossier_pid'), 'year', 2028,
                'code', 'H11.01.01-280103-0001', 'reference', gen_random_uuid()))).*
    FROM dossiers_dossier_legacy x ORDER BY id LIMIT 1
    RETURNING id, year
)
INSERT INTO dossiers_dossierevent
SELECT (jsonb_populate_record(NULL::dossiers_dossierevent,
        to_jsonb(e) - 'id' || jsonb_build_object(
            'id', nextval('dossiers_dossierevent_pid'), 'dossier_id', d.id, 'year', 2028))).*
FROM d, LATERAL (SELECT * FROM dossiers_dossierevent_legacy LIMIT 1) e;
COMMIT;
SELECT tableoid::regclass AS partition, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 1;
-- the old tables' indexes adopted by the parents' (none built at the attach: as many as before)
SELECT :indexes_before AS indexes_before, count(*) AS indexes_after FROM pg_index
WHERE indrelid IN ('dossiers_dossier_legacy'::regclass, 'dossiers_dossierevent_legacy'::regclass);
SELECT inhrelid::regclass AS partition_index, inhparent::regclass AS parent_index FROM pg_inherits
WHERE inhparent IN (SELECT indexrelid FROM pg_index WHERE indrelid IN ('dossiers_dossier'::regclass, 'dossiers_dossierevent'::regclass))
ORDER BY 2, 1;
SELECT tableoid::regclass AS partition, count(*) FROM dossiers_dossierevent GROUP BY 1 ORDER BY 1;
EXPLAIN (COSTS OFF) SELECT id FROM dossiers_dossier WHERE code = 'H11.01.01-280103-0001' AND year IN (2028, 2027);
