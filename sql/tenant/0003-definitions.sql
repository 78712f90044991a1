-- Form definitions (definition-xml.md), their revisions, sheets, clusters
-- and background images; labels; master data.
CREATE TABLE IF NOT EXISTS definitions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(300) NOT NULL,
  latest_revision INT UNSIGNED NOT NULL DEFAULT 1,
  created_by BIGINT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY definitions_updated (updated_at, id),
  KEY definitions_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per revision.  Only the latest revision is editable; a revision
-- that was ever published is frozen (a change makes the next revision).
CREATE TABLE IF NOT EXISTS definition_revisions (
  definition_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  name VARCHAR(300) NOT NULL,
  status ENUM('draft','test','published','archived') NOT NULL DEFAULT 'draft',
  was_published TINYINT(1) NOT NULL DEFAULT 0,
  available_from DATE NULL,
  available_until DATE NULL,
  exclusive_lock TINYINT(1) NOT NULL DEFAULT 0,
  applicant_lock TINYINT(1) NOT NULL DEFAULT 0,
  xml MEDIUMTEXT NOT NULL COMMENT 'the canonical export',
  sha256 CHAR(64) NOT NULL,
  created_by BIGINT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (definition_id, revision),
  KEY definition_revisions_status (status),
  CONSTRAINT definition_revisions_def FOREIGN KEY (definition_id) REFERENCES definitions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS definition_sheets (
  definition_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  sheet_no INT UNSIGNED NOT NULL,
  name VARCHAR(300) NOT NULL,
  width INT UNSIGNED NOT NULL,
  height INT UNSIGNED NOT NULL,
  background VARCHAR(100) NULL,
  background_sha256 CHAR(64) NULL,
  PRIMARY KEY (definition_id, revision, sheet_no),
  CONSTRAINT definition_sheets_rev FOREIGN KEY (definition_id, revision)
    REFERENCES definition_revisions (definition_id, revision) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Clusters are rows, so they can be queried (by type, name, parameter).
CREATE TABLE IF NOT EXISTS definition_clusters (
  definition_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  sheet_no INT UNSIGNED NOT NULL,
  cluster_id INT UNSIGNED NOT NULL,
  name VARCHAR(300) NOT NULL,
  type VARCHAR(32) NOT NULL,
  rect_top DECIMAL(12,9) NOT NULL,
  rect_bottom DECIMAL(12,9) NOT NULL,
  rect_left DECIMAL(12,9) NOT NULL,
  rect_right DECIMAL(12,9) NOT NULL,
  required TINYINT(1) NOT NULL DEFAULT 0,
  params JSON NOT NULL COMMENT '{"maxLength": "12", ...}',
  items JSON NULL COMMENT '[{"value", "label", "default"}]',
  PRIMARY KEY (definition_id, revision, sheet_no, cluster_id),
  KEY definition_clusters_type (type),
  KEY definition_clusters_name (name),
  CONSTRAINT definition_clusters_rev FOREIGN KEY (definition_id, revision)
    REFERENCES definition_revisions (definition_id, revision) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS definition_stages (
  definition_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  stage_no INT UNSIGNED NOT NULL,
  name VARCHAR(300) NOT NULL,
  group_name VARCHAR(100) NOT NULL,
  PRIMARY KEY (definition_id, revision, stage_no),
  CONSTRAINT definition_stages_rev FOREIGN KEY (definition_id, revision)
    REFERENCES definition_revisions (definition_id, revision) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Background images, stored once per content.
CREATE TABLE IF NOT EXISTS images (
  sha256 CHAR(64) NOT NULL PRIMARY KEY,
  content_type VARCHAR(40) NOT NULL,
  width INT UNSIGNED NOT NULL,
  height INT UNSIGNED NOT NULL,
  bytes LONGBLOB NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Hierarchical labels that organise definitions.
CREATE TABLE IF NOT EXISTS labels (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  parent_id BIGINT UNSIGNED NULL,
  UNIQUE KEY labels_name (parent_id, name),
  CONSTRAINT labels_parent FOREIGN KEY (parent_id) REFERENCES labels (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS definition_labels (
  definition_id BIGINT UNSIGNED NOT NULL,
  label_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (definition_id, label_id),
  KEY definition_labels_label (label_id),
  CONSTRAINT definition_labels_def FOREIGN KEY (definition_id) REFERENCES definitions (id) ON DELETE CASCADE,
  CONSTRAINT definition_labels_label FOREIGN KEY (label_id) REFERENCES labels (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Master data: reference tables that Select and MasterSelect clusters draw
-- from.  Each upload is a new version; records keep the time they last
-- changed (or were removed), so tablets fetch only what changed.
CREATE TABLE IF NOT EXISTS masters (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  fields JSON NOT NULL COMMENT '[{"name", "type": "text"|"number"|"date"}], the first is the key',
  version INT UNSIGNED NOT NULL DEFAULT 1,
  record_count INT UNSIGNED NOT NULL DEFAULT 0,
  updated_by BIGINT UNSIGNED NULL,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY masters_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS master_records (
  master_id BIGINT UNSIGNED NOT NULL,
  record_id VARCHAR(200) NOT NULL,
  data JSON NOT NULL,
  version INT UNSIGNED NOT NULL,
  deleted TINYINT(1) NOT NULL DEFAULT 0,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (master_id, record_id),
  KEY master_records_updated (master_id, updated_at, record_id),
  CONSTRAINT master_records_master FOREIGN KEY (master_id) REFERENCES masters (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
