-- Report remarks and system keys (the ConMas API's remarksValue1-10 and
-- systemKey1-5): free text an office or an outside system attaches to a
-- report, shown and filtered by the console, the tablet API and the
-- ConMas-compatible API.  The remarks' names are the definition's
-- (remarksName1-10 in its XML).  '' = not set.  An integration looks a
-- report up by a system key (a work order number): those are indexed.
ALTER TABLE reports
  ADD COLUMN IF NOT EXISTS remarks1 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks2 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks3 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks4 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks5 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks6 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks7 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks8 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks9 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS remarks10 VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS system_key1 VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS system_key2 VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS system_key3 VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS system_key4 VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS system_key5 VARCHAR(200) NOT NULL DEFAULT '',
  ADD KEY IF NOT EXISTS reports_system_key1 (system_key1),
  ADD KEY IF NOT EXISTS reports_system_key2 (system_key2),
  ADD KEY IF NOT EXISTS reports_system_key3 (system_key3),
  ADD KEY IF NOT EXISTS reports_system_key4 (system_key4),
  ADD KEY IF NOT EXISTS reports_system_key5 (system_key5);
