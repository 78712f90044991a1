-- Background jobs (app/jobs/): exports with progress now; mail and webhook
-- deliveries later.  Any number of runners on any number of hosts share the
-- queue: a runner claims a job with SELECT ... FOR UPDATE SKIP LOCKED, then
-- keeps heartbeat_at fresh while it works; a job whose runner stopped
-- beating for job_stale seconds (or, on the same host, whose runner process
-- is gone) is claimed again and restarted from the beginning.  Every update
-- a runner makes names claimed_by, so a runner that lost its claim (the job
-- was cancelled or taken over) notices and stops.  Times are UTC.
CREATE TABLE IF NOT EXISTS jobs (
  id CHAR(36) NOT NULL PRIMARY KEY COMMENT 'UUID: what the API shows',
  tenant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NULL COMMENT 'the tenant''s user who asked; NULL: the system',
  kind VARCHAR(40) NOT NULL COMMENT 'a handler of app/jobs/kinds.c: export, tenant-export',
  params JSON NOT NULL,
  status ENUM('queued','running','done','failed','cancelled') NOT NULL DEFAULT 'queued',
  n_done BIGINT UNSIGNED NOT NULL DEFAULT 0,
  n_total BIGINT UNSIGNED NULL COMMENT 'NULL until the runner counted',
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  claimed_by VARCHAR(120) NULL COMMENT 'host:pid:nonce of the runner working it',
  heartbeat_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  started_at DATETIME(3) NULL COMMENT 'the current attempt began',
  finished_at DATETIME(3) NULL,
  expires_at DATETIME(3) NULL COMMENT 'done: the file is removed then (export_keep)',
  file VARCHAR(200) NULL COMMENT 'done: the sealed file under data_dir/CODE/exports',
  bytes BIGINT UNSIGNED NULL COMMENT 'done: the plain file''s size (what a download sends)',
  stored_bytes BIGINT UNSIGNED NULL COMMENT 'done: the sealed file''s size',
  file_name VARCHAR(300) NULL COMMENT 'done: the download''s file name',
  content_type VARCHAR(100) NULL,
  error VARCHAR(1000) NULL COMMENT 'failed: why, for people',
  KEY jobs_claim (status, created_at),
  KEY jobs_owner (tenant_id, user_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
