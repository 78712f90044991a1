-- The control database: one row per customer company (tenant).
CREATE TABLE IF NOT EXISTS tenants (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(32) NOT NULL,
  name VARCHAR(200) NOT NULL,
  status ENUM('provisioning','active','suspended','erased') NOT NULL DEFAULT 'provisioning',
  status_reason VARCHAR(500) NULL,
  plan ENUM('monthly','annual','multi-month') NOT NULL DEFAULT 'monthly',
  quota_bytes BIGINT UNSIGNED NOT NULL,
  max_users INT UNSIGNED NULL,
  contract_signed DATE NULL,
  contract_start DATE NULL,
  contract_end DATE NULL,
  db_name VARCHAR(64) NOT NULL,
  db_user VARCHAR(80) NOT NULL,
  db_password_wrapped VARBINARY(255) NOT NULL,
  data_key_wrapped VARBINARY(255) NOT NULL,
  schema_version INT NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY tenants_code (code),
  UNIQUE KEY tenants_db (db_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Registered contacts: maintenance notices and incident mails go here.
CREATE TABLE IF NOT EXISTS tenant_contacts (
  tenant_id BIGINT UNSIGNED NOT NULL,
  email VARCHAR(254) NOT NULL,
  name VARCHAR(200) NULL,
  role VARCHAR(40) NOT NULL DEFAULT 'primary',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (tenant_id, email),
  CONSTRAINT tenant_contacts_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every genbactl action that changes something: who, what, when, result.
CREATE TABLE IF NOT EXISTS operator_audit (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  os_user VARCHAR(64) NOT NULL,
  command VARCHAR(200) NOT NULL,
  tenant_code VARCHAR(32) NULL,
  result ENUM('ok','failed') NOT NULL,
  detail VARCHAR(1000) NULL,
  KEY operator_audit_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
