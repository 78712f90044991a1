-- Operations: maintenance windows and mode, notices by mail, contract
-- requests.  Times are UTC; genbactl writes, workers only read.

-- Announced maintenance windows (genbactl maintenance schedule).
CREATE TABLE IF NOT EXISTS maintenance_windows (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  starts_at DATETIME NOT NULL,
  ends_at DATETIME NOT NULL,
  message VARCHAR(1000) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  created_by VARCHAR(64) NOT NULL,
  notified_at DATETIME(3) NULL,        -- every contact was mailed
  cancelled_at DATETIME(3) NULL,
  cancelled_by VARCHAR(64) NULL,
  KEY maintenance_windows_time (starts_at, ends_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Maintenance mode (genbactl maintenance on|off): one row.  While active
-- (and until_at, when set, is in the future) every tenant route answers 503.
CREATE TABLE IF NOT EXISTS maintenance_state (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  active TINYINT(1) NOT NULL DEFAULT 0,
  message VARCHAR(1000) NULL,
  until_at DATETIME NULL,
  window_id BIGINT UNSIGNED NULL,
  changed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  changed_by VARCHAR(64) NULL,
  CONSTRAINT maintenance_state_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO maintenance_state (id, active) VALUES (1, 0);

-- Every mail sent to a registered contact: notices, maintenance
-- announcements and their cancellations.
CREATE TABLE IF NOT EXISTS notice_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  os_user VARCHAR(64) NOT NULL,
  kind ENUM('notice','maintenance','maintenance_cancel') NOT NULL,
  window_id BIGINT UNSIGNED NULL,
  tenant_code VARCHAR(32) NOT NULL,
  recipient VARCHAR(254) NOT NULL,
  subject VARCHAR(500) NOT NULL,
  result ENUM('sent','failed') NOT NULL,
  detail VARCHAR(1000) NULL,
  KEY notice_log_at (at),
  KEY notice_log_window (window_id, recipient)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Contracts: the term length (renewals add one more), and every
-- cancellation or renewal request with the end date before and after.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS contract_months INT UNSIGNED NULL AFTER contract_end;
UPDATE tenants SET contract_months = CASE plan
    WHEN 'monthly' THEN 1
    WHEN 'annual' THEN 12
    ELSE GREATEST(1, PERIOD_DIFF(EXTRACT(YEAR_MONTH FROM contract_end), EXTRACT(YEAR_MONTH FROM contract_start)) + 1)
  END
  WHERE contract_months IS NULL AND (plan <> 'multi-month' OR (contract_start IS NOT NULL AND contract_end IS NOT NULL));

CREATE TABLE IF NOT EXISTS contract_requests (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('cancel','renew') NOT NULL,
  requested_on DATE NOT NULL,
  end_before DATE NULL,                -- NULL: renewing monthly
  end_after DATE NULL,
  recorded_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  os_user VARCHAR(64) NOT NULL,
  KEY contract_requests_tenant (tenant_id, id),
  CONSTRAINT contract_requests_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
