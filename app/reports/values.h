/* values.h - a report's stored values: one JSON object in its row
 * (reports.vals), "sheet/cluster" -> {"v": value, "at": edited (UTC), "by":
 * login, "g": gps (JSON), "o": 1 when out of normal}, in sheet and cluster
 * order.  Also the narrow index the console searches (report_search: a
 * CRC32 of each short value) and the history of changes (report_events:
 * one event a change, listing only the clusters that changed).
 *
 * A save reads the row once (with its lock), works on an rvals in memory
 * and writes the row, the index entries that changed and one event: a
 * handful of statements whatever the number of clusters.  Everything lives
 * in the operation's arena; operation thread only.
 */
#ifndef GENBA_REPORT_VALUES_H
#define GENBA_REPORT_VALUES_H

#include <json-c/json.h>
#include <stdbool.h>
#include "db/db.h"
#include "tenant/op.h"
#include "util/buf.h"

typedef struct rvalue {
    int sheet, cluster;
    const char *value;     /* canonical; "" = empty */
    const char *at;        /* "2026-12-05T00:30:00Z" when it was last set */
    const char *by;        /* login of who set it */
    const char *gps;       /* JSON text ({"lat", "lon", "alt"}) or NULL */
    bool oon;              /* out of normal */
} rvalue;

typedef struct rvals {
    rvalue *v;             /* sorted by sheet, then cluster */
    int n, cap;
} rvals;

/* Values longer than this are not in the search index (found by other means). */
#define RVALS_SEARCH_MAX 200

/* Now as values are stamped ("2026-12-05T00:30:00Z"). */
const char *rvals_now(arena *a);
/* Parse reports.vals text; false when it is not such an object. */
bool rvals_parse(arena *a, const char *json, rvals *out);
/* The value of (sheet, cluster), or NULL. */
const rvalue *rvals_get(const rvals *r, int sheet, int cluster);
/* Set (sheet, cluster) to v (copied), keeping the order. */
void rvals_put(arena *a, rvals *r, const rvalue *v);
/* reports.vals text of r. */
const char *rvals_text(arena *a, const rvals *r);
/* The tablet API's "values" array of r, as text
 * ([{"sheet","cluster","value","edited_at","edited_by","gps"?,"out_of_normal"?}]),
 * appended to b; and as JSON. */
void rvals_api_text(buf *b, const rvals *r);
json_object *rvals_api_json(const rvals *r);
/* JSON [{"s","c","o","n"}] of the clusters whose value differs between
 * before and after (NULL old when there was none); NULL when none did. */
const char *rvals_changes(arena *a, const rvals *before, const rvals *after);

/* Where a report's entries sit in report_search: its definition's id, its
 * creation time in milliseconds since 1970 (UTC; the entries are kept in
 * that order, so a search reads its newest page from the index) and
 * reports.seq. */
typedef struct rsearch_key {
    long long def_id, created_ms, seq;
} rsearch_key;
/* A report's created_at as rsearch_key's created_ms, in a SELECT of reports. */
#define RSEARCH_CREATED_MS "TIMESTAMPDIFF(MICROSECOND, TIMESTAMP'1970-01-01 00:00:00', created_at) DIV 1000"

/* Keep report k's index entries (definition d) in step: remove those of
 * before that after no longer has, add those of after that are new; only
 * values of indexed types (forms/value.h value_indexed), of at most
 * RVALS_SEARCH_MAX bytes.  before may be NULL (a new report).  At most two
 * statements. */
struct definition;
db_status rvals_index(op_ctx *op, const struct definition *d, rsearch_key k, const rvals *before, const rvals *after);
/* One history event of report id at rev: kind "update", "attachment",
 * "sign"; changes from rvals_changes (a create has no event: its row is it). */
db_status report_event(op_ctx *op, const char *id, int rev, const char *kind, const char *changes);

#endif
