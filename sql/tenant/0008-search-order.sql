-- report_search keeps each entry's report creation time, before the report,
-- so the console's search by a value reads its newest page straight from
-- the index, in order, and looks up only the reports it shows (it used to
-- look up every report holding the value to sort them).  The entries made
-- so far are copied with their reports' times.
--
-- The old table is renamed away first: the rename waits for the
-- transactions writing to it, and a writer that comes after finds no table
-- and rolls back (genbactl migrate also marks the tenant as being upgraded
-- while this runs: workers answer 503), so no entry can be written to a
-- table the copy has already read.  Safe to run again, also after a stop
-- halfway (report_search_old still there: the copy starts over).
BEGIN NOT ATOMIC
  IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE()
             AND table_name = 'report_search_old') THEN
    DROP TABLE IF EXISTS report_search;
  ELSEIF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                     AND table_name = 'report_search' AND column_name = 'created_at') THEN
    RENAME TABLE report_search TO report_search_old;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE()
             AND table_name = 'report_search_old') THEN
    CREATE TABLE report_search (
      definition_id BIGINT UNSIGNED NOT NULL,
      field INT UNSIGNED NOT NULL COMMENT 'the cluster: sheet * 100000 + cluster id',
      vhash INT UNSIGNED NOT NULL COMMENT 'CRC32 of the value',
      created_at DATETIME(3) NOT NULL COMMENT 'reports.created_at: the order a search lists them in',
      seq BIGINT UNSIGNED NOT NULL COMMENT 'reports.seq',
      PRIMARY KEY (definition_id, field, vhash, created_at, seq)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
    INSERT INTO report_search (definition_id, field, vhash, created_at, seq)
      SELECT s.definition_id, s.field, s.vhash, r.created_at, s.seq
      FROM report_search_old s JOIN reports r ON r.seq = s.seq
      WHERE r.deleted_at IS NULL;
    DROP TABLE report_search_old;
  END IF;
END;
