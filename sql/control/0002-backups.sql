-- Backups, exports and erasures (genbactl backup/restore/tenant export/erase;
-- see README "Backups").  The files themselves live in backup_dir; these
-- rows say what was made, when, and with which checksums.

-- One row per backup run (a generation: the control DB and every tenant).
CREATE TABLE IF NOT EXISTS backup_generations (
  generation VARCHAR(40) NOT NULL PRIMARY KEY COMMENT 'directory name under backup_dir',
  run_at DATETIME(3) NOT NULL COMMENT 'the run clock (--now in tests)',
  finished_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  tags VARCHAR(64) NOT NULL COMMENT 'daily,weekly,monthly',
  complete TINYINT(1) NOT NULL,
  bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  manifest_sha256 CHAR(64) NOT NULL,
  os_user VARCHAR(64) NOT NULL,
  pruned_at DATETIME(3) NULL,
  KEY backup_generations_run (run_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The files of a generation: one per tenant, and '(control)' for the control DB.
CREATE TABLE IF NOT EXISTS backup_files (
  generation VARCHAR(40) NOT NULL,
  tenant_code VARCHAR(32) NOT NULL,
  file VARCHAR(200) NOT NULL,
  bytes BIGINT UNSIGNED NOT NULL,
  sha256 CHAR(64) NOT NULL,
  snapshot_at DATETIME(3) NOT NULL COMMENT 'the dump started (its snapshot is not older)',
  PRIMARY KEY (generation, tenant_code),
  KEY backup_files_tenant (tenant_code, snapshot_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- genbactl tenant export: where, when, and the SHA-256 of its manifest.json.
CREATE TABLE IF NOT EXISTS tenant_exports (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_code VARCHAR(32) NOT NULL,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  dir VARCHAR(1000) NOT NULL,
  files INT UNSIGNED NOT NULL,
  bytes BIGINT UNSIGNED NOT NULL,
  manifest_sha256 CHAR(64) NOT NULL,
  os_user VARCHAR(64) NOT NULL,
  KEY tenant_exports_tenant (tenant_code, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- genbactl tenant erase: what was destroyed, when, by whom.  Kept for good
-- (the tenant row stays too, with status 'erased' and its keys zeroed).
CREATE TABLE IF NOT EXISTS erasure_certificates (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_code VARCHAR(32) NOT NULL,
  tenant_name VARCHAR(200) NOT NULL,
  erased_at DATETIME(3) NOT NULL,
  os_user VARCHAR(64) NOT NULL,
  host VARCHAR(255) NOT NULL,
  destroyed JSON NOT NULL COMMENT '["database genba_t_x (12 tables, 1.2 MiB)", ...]',
  last_backup_generation VARCHAR(40) NULL,
  last_backup_manifest_sha256 CHAR(64) NULL,
  last_export_at DATETIME(3) NULL,
  last_export_manifest_sha256 CHAR(64) NULL,
  certificate_sha256 CHAR(64) NOT NULL COMMENT 'SHA-256 of the certificate text as printed',
  UNIQUE KEY erasure_certificates_tenant (tenant_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
