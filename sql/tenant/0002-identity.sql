-- Identity and access: groups (nested), permissions, devices, sessions,
-- login throttling, and the customer's access log.
ALTER TABLE users
  ADD COLUMN IF NOT EXISTS seal_image MEDIUMBLOB NULL COMMENT 'sealed with the tenant data key',
  ADD COLUMN IF NOT EXISTS seal_type VARCHAR(20) NULL,
  ADD COLUMN IF NOT EXISTS password_changed_at DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS disabled_at DATETIME(3) NULL;

CREATE TABLE IF NOT EXISTS `groups` (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  description VARCHAR(500) NULL,
  parent_id BIGINT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY groups_name (name),
  CONSTRAINT groups_parent FOREIGN KEY (parent_id) REFERENCES `groups` (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS group_members (
  group_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (group_id, user_id),
  KEY group_members_user (user_id),
  CONSTRAINT group_members_group FOREIGN KEY (group_id) REFERENCES `groups` (id) ON DELETE CASCADE,
  CONSTRAINT group_members_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A permission granted to a group holds for its members and for the members
-- of every group nested below it.  Names: see app/auth/perm.h.
-- scope is '' for a tenant-wide permission, or the id of the definition a
-- per-definition right (def.*) applies to.
CREATE TABLE IF NOT EXISTS group_permissions (
  group_id BIGINT UNSIGNED NOT NULL,
  permission VARCHAR(64) NOT NULL,
  scope VARCHAR(64) NOT NULL DEFAULT '',
  PRIMARY KEY (group_id, permission, scope),
  CONSTRAINT group_permissions_group FOREIGN KEY (group_id) REFERENCES `groups` (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS devices (
  id CHAR(36) NOT NULL PRIMARY KEY COMMENT 'the UUID the tablet made',
  name VARCHAR(100) NOT NULL,
  platform VARCHAR(20) NOT NULL,
  status ENUM('pending','approved','revoked') NOT NULL DEFAULT 'pending',
  registered_by BIGINT UNSIGNED NULL,
  decided_by BIGINT UNSIGNED NULL,
  decided_at DATETIME(3) NULL,
  last_seen_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY devices_status (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Console, tablet and ConMas API sessions.  Only the SHA-256 of the token is
-- kept; the token itself lives in the cookie or the tablet.
CREATE TABLE IF NOT EXISTS sessions (
  token_hash BINARY(32) NOT NULL PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('console','tablet','script','conmas') NOT NULL,
  device_id CHAR(36) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_seen_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  expires_at DATETIME(3) NOT NULL,
  client_addr VARCHAR(64) NOT NULL,
  user_agent VARCHAR(300) NOT NULL DEFAULT '',
  KEY sessions_user (user_id),
  KEY sessions_device (device_id),
  CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed sign-ins, per key ("acct:<login>", "ip:<addr>", "acctip:<login>|<addr>").
CREATE TABLE IF NOT EXISTS login_throttle (
  k VARCHAR(200) NOT NULL PRIMARY KEY,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  window_start DATETIME(3) NOT NULL,
  blocked_until DATETIME(3) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The customer's access log: append-only (the tenant account may only
-- SELECT and INSERT it; see app/tenant/provision.c).  Never a secret.
CREATE TABLE IF NOT EXISTS access_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  user_id BIGINT UNSIGNED NULL,
  login VARCHAR(64) NULL COMMENT 'the user, or the login id attempted',
  device_id CHAR(36) NULL,
  client_addr VARCHAR(64) NOT NULL,
  user_agent VARCHAR(300) NOT NULL DEFAULT '',
  channel ENUM('console','tablet','script','conmas','system') NOT NULL,
  action VARCHAR(64) NOT NULL,
  object_type VARCHAR(32) NULL,
  object_id VARCHAR(64) NULL,
  result ENUM('ok','failed','denied') NOT NULL,
  detail VARCHAR(500) NULL,
  KEY access_log_at (at),
  KEY access_log_login (login, id),
  KEY access_log_action (action, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO settings (name, value) VALUES ('devices.auto_approve', '0');

