-- Reports keep their values in their own row (reports.vals), their history
-- as one event per change (report_events: an update lists only the clusters
-- that changed, old -> new; the create is the report row itself: created_at,
-- created_by, created_device), and a narrow index of
-- the values the console searches by (report_search).  Existing reports are
-- converted, then report_values and report_history go.  Safe to run again.

ALTER TABLE reports
  ADD COLUMN IF NOT EXISTS seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'a compact key for report_search',
  ADD UNIQUE KEY IF NOT EXISTS reports_seq (seq),
  ADD COLUMN IF NOT EXISTS vals MEDIUMTEXT NOT NULL DEFAULT '{}'
    COMMENT 'JSON object "sheet/cluster" -> {"v": value, "at": edited (UTC), "by": login, "g": gps, "o": 1 out of normal}',
  ADD COLUMN IF NOT EXISTS created_device CHAR(36) NULL COMMENT 'the device it was created from (the history''s first entry)',
  ADD KEY IF NOT EXISTS reports_created (created_at, id),
  ADD KEY IF NOT EXISTS reports_def_created (definition_id, created_at, id),
  -- the console's filters by status (an approver's "applying"), newest first
  ADD KEY IF NOT EXISTS reports_status_created (status, created_at, id),
  ADD KEY IF NOT EXISTS reports_def_status_created (definition_id, status, created_at, id),
  DROP KEY IF EXISTS reports_status;

-- Stored idempotent answers are compressed (reports/idem.c); plain ones
-- written before stay readable.
ALTER TABLE idempotency_keys MODIFY response MEDIUMBLOB NULL;

CREATE TABLE IF NOT EXISTS report_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  report_id CHAR(36) NOT NULL,
  rev INT UNSIGNED NOT NULL,
  kind VARCHAR(20) NOT NULL COMMENT 'update, attachment, sign (create: reports converted from schema 4)',
  user_id BIGINT UNSIGNED NOT NULL,
  device_id CHAR(36) NULL,
  at DATETIME(3) NOT NULL,
  changes MEDIUMTEXT NULL COMMENT 'JSON [{"s": sheet, "c": cluster, "o": old, "n": new}], only what changed',
  KEY report_events_report (report_id, id),
  CONSTRAINT report_events_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the console finds a report by: one cluster's value as stored (exact,
-- by a CRC32 of the canonical value; the candidates are checked against
-- reports.vals).  Values of up to 200 bytes of the types searched by
-- (forms/value.c value_searchable); 24 bytes an entry.
CREATE TABLE IF NOT EXISTS report_search (
  definition_id BIGINT UNSIGNED NOT NULL,
  field INT UNSIGNED NOT NULL COMMENT 'the cluster: sheet * 100000 + cluster id',
  vhash INT UNSIGNED NOT NULL COMMENT 'CRC32 of the value',
  seq BIGINT UNSIGNED NOT NULL COMMENT 'reports.seq',
  PRIMARY KEY (definition_id, field, vhash, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The conversion of what schema 4 stored, once.
BEGIN NOT ATOMIC
  IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'report_values') THEN
    UPDATE reports r SET r.vals = COALESCE((
      SELECT JSON_OBJECTAGG(CONCAT(v.sheet_no, '/', v.cluster_id),
               JSON_OBJECT('v', v.value, 'at', DATE_FORMAT(v.edited_at, '%Y-%m-%dT%H:%i:%sZ'), 'by', u.login,
                           'g', IF(v.gps IS NULL, NULL, JSON_EXTRACT(v.gps, '$')), 'o', IF(v.out_of_normal, 1, NULL)))
      FROM report_values v LEFT JOIN users u ON u.id = v.edited_by WHERE v.report_id = r.id), '{}');
    INSERT IGNORE INTO report_search (definition_id, field, vhash, seq)
      SELECT r.definition_id, v.sheet_no * 100000 + v.cluster_id, CRC32(v.value), r.seq
      FROM report_values v JOIN reports r ON r.id = v.report_id
      JOIN definition_clusters c ON c.definition_id = r.definition_id AND c.revision = r.definition_revision
        AND c.sheet_no = v.sheet_no AND c.cluster_id = v.cluster_id
      WHERE r.deleted_at IS NULL AND v.value <> '' AND LENGTH(v.value) <= 200
        AND c.type IN ('KeyboardText', 'CodeReader', 'Select', 'MasterSelect', 'NumericSelect', 'Toggle');
    DROP TABLE report_values;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'report_history') THEN
    -- one event per report and revision with the changes it held
    INSERT INTO report_events (report_id, rev, kind, user_id, device_id, at, changes)
      SELECT h.report_id, h.rev, IF(h.rev = 1, 'create', 'update'), MIN(h.user_id), MIN(h.device_id), MIN(h.at),
             JSON_ARRAYAGG(JSON_OBJECT('s', h.sheet_no, 'c', h.cluster_id, 'o', h.old_value, 'n', h.new_value))
      FROM report_history h GROUP BY h.report_id, h.rev ORDER BY MIN(h.id);
    DROP TABLE report_history;
  END IF;
END;

-- The version of the tenant's rights: every change of groups, members or
-- grants sets a new random value in the same transaction (auth/perm.c), so
-- a worker may keep a user's rights while it holds.
INSERT IGNORE INTO settings (name, value) VALUES ('perm_version', '1');
