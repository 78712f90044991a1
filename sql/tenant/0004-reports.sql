-- Reports (tablet-api.md "Reports"): values, their history, idempotency
-- records, auto-numbering, exclusive locks, approvals, attachments.
CREATE TABLE IF NOT EXISTS reports (
  id CHAR(36) NOT NULL PRIMARY KEY COMMENT 'the UUID the tablet made',
  definition_id BIGINT UNSIGNED NOT NULL,
  definition_revision INT UNSIGNED NOT NULL,
  name VARCHAR(300) NOT NULL DEFAULT '',
  number VARCHAR(80) NULL,
  status ENUM('editing','completed','applying','approved','rejected') NOT NULL DEFAULT 'editing',
  stage INT UNSIGNED NULL COMMENT 'the approval stage pending (applying) or reached',
  applicant_id BIGINT UNSIGNED NULL,
  rev INT UNSIGNED NOT NULL DEFAULT 1,
  created_by BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_by BIGINT UNSIGNED NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  deleted_at DATETIME(3) NULL,
  KEY reports_updated (updated_at, id),
  KEY reports_definition (definition_id, updated_at),
  KEY reports_status (status, updated_at),
  KEY reports_creator (created_by, updated_at),
  UNIQUE KEY reports_number (definition_id, number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS report_values (
  report_id CHAR(36) NOT NULL,
  sheet_no INT UNSIGNED NOT NULL,
  cluster_id INT UNSIGNED NOT NULL,
  value TEXT NOT NULL,
  out_of_normal TINYINT(1) NOT NULL DEFAULT 0,
  gps VARCHAR(100) NULL,
  edited_by BIGINT UNSIGNED NULL,
  edited_at DATETIME(3) NULL,
  device_id CHAR(36) NULL,
  PRIMARY KEY (report_id, sheet_no, cluster_id),
  KEY report_values_value (sheet_no, cluster_id, value(100)),
  CONSTRAINT report_values_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every change of a value: who, from which device, when, old and new.
CREATE TABLE IF NOT EXISTS report_history (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  report_id CHAR(36) NOT NULL,
  rev INT UNSIGNED NOT NULL,
  sheet_no INT UNSIGNED NOT NULL,
  cluster_id INT UNSIGNED NOT NULL,
  old_value TEXT NULL,
  new_value TEXT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  device_id CHAR(36) NULL,
  at DATETIME(3) NOT NULL,
  KEY report_history_report (report_id, id),
  CONSTRAINT report_history_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency: a key is claimed (in_flight), then marked done with the
-- answer in the same transaction as the write it belongs to.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  k VARCHAR(100) NOT NULL PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  fingerprint CHAR(64) NOT NULL,
  state ENUM('in_flight','done') NOT NULL,
  status SMALLINT UNSIGNED NULL,
  etag VARCHAR(40) NULL,
  response MEDIUMTEXT NULL,
  claimed_at DATETIME(3) NOT NULL,
  done_at DATETIME(3) NULL,
  KEY idempotency_keys_done (done_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Auto-numbering: the next number per definition and date part.
CREATE TABLE IF NOT EXISTS report_counters (
  definition_id BIGINT UNSIGNED NOT NULL,
  period VARCHAR(20) NOT NULL,
  next_value BIGINT NOT NULL,
  PRIMARY KEY (definition_id, period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS report_locks (
  report_id CHAR(36) NOT NULL PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  device_id CHAR(36) NULL,
  acquired_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  CONSTRAINT report_locks_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS report_approvals (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  report_id CHAR(36) NOT NULL,
  stage INT UNSIGNED NOT NULL,
  action ENUM('apply','approve','reject','withdraw') NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  comment VARCHAR(1000) NULL,
  at DATETIME(3) NOT NULL,
  KEY report_approvals_report (report_id, id),
  CONSTRAINT report_approvals_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Attachments: sealed with the tenant's data key (associated data binds
-- tenant, report, sheet and cluster); the SHA-256 is of the plain bytes.
CREATE TABLE IF NOT EXISTS report_attachments (
  report_id CHAR(36) NOT NULL,
  sheet_no INT UNSIGNED NOT NULL,
  cluster_id INT UNSIGNED NOT NULL,
  sha256 CHAR(64) NOT NULL,
  content_type VARCHAR(40) NOT NULL,
  size BIGINT UNSIGNED NOT NULL,
  width INT UNSIGNED NOT NULL,
  height INT UNSIGNED NOT NULL,
  sealed LONGBLOB NOT NULL,
  uploaded_by BIGINT UNSIGNED NOT NULL,
  uploaded_at DATETIME(3) NOT NULL,
  PRIMARY KEY (report_id, sheet_no, cluster_id),
  CONSTRAINT report_attachments_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO settings (name, value) VALUES ('reports.idempotency_days', '60'), ('reports.purge_days', '30'),
  ('reports.lock_minutes', '30');
