-- Finished background exports kept in data_dir/CODE/exports (sealed with
-- the tenant's data key): one row per file, so the storage in use
-- (tenant/quota.c) counts them until they expire.  The job itself (status,
-- progress) lives in the control database's jobs table.
CREATE TABLE IF NOT EXISTS export_files (
  job_id CHAR(36) NOT NULL PRIMARY KEY,
  bytes BIGINT UNSIGNED NOT NULL COMMENT 'the sealed file''s size on disk',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  expires_at DATETIME(3) NOT NULL,
  KEY export_files_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
