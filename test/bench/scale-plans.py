#!/usr/bin/env python3
"""test/bench/scale-plans.py SLOWLOG: the query plans of the report list,
search and detail statements from a MariaDB slow log written with
log_slow_verbosity=query_plan,explain (test/bench/scale)."""
import re
import sys

entries, cur = [], None
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("# Time:") or line.startswith("# User@Host:"):
        if cur and cur["sql"]:
            entries.append(cur)
        cur = {"explain": [], "sql": "", "time": ""}
        continue
    if cur is None:
        continue
    m = re.match(r"# Query_time: ([\d.]+)", line)
    if m:
        cur["time"] = m.group(1)
    if line.startswith("# explain:"):
        cur["explain"].append(line[len("# explain:"):].rstrip())
    elif not line.startswith("#") and not line.startswith("SET timestamp") and not line.startswith("use "):
        cur["sql"] += line.strip() + " "
if cur and cur["sql"]:
    entries.append(cur)

shown = 0
for e in entries:
    s = e["sql"]
    if not re.search(r"FROM reports rp|FROM reports r |report_search", s) or not e["explain"]:
        continue
    kind = ("search by a value" if "report_search s" in s else
            "report detail" if "WHERE rp.id = ?" in s or "WHERE rp.id = '" in s else "report list")
    print(f"- {kind} ({float(e['time']) * 1000:.1f} ms): {s[:160]}...")
    for x in e["explain"]:
        print(f"    {x}")
    shown += 1
if not shown:
    print("(no plan found in the slow log)")
    sys.exit(1)
