/* export/table.h - the table of many reports that the CSV and the XLSX
 * share (export/csv_table.c, export/xlsx_table.c): which columns, their
 * heads, and each report's cells.
 *
 * Columns: the report's own (id, number, name, definition, status,
 * created at and by, updated at and by, then its ten remarks, always all
 * ten so that a remark sits in the same column whatever the definition;
 * heads in op->lang, "ja" or English, a remark's followed by the name the
 * definitions give it: "備考1: Line"), then one per cluster that holds a value (every type but
 * FixedText), named by the cluster.  Several definitions: the clusters of
 * each definition in turn (definitions by id), each head prefixed with its
 * definition's name ("Daily inspection: pressure"); a report fills its own
 * definition's columns and leaves the others empty.  The clusters of a
 * definition are those of the latest revision met, in its order, then
 * those only older revisions have.  Times in the tenant's zone, the zone
 * named in the head.
 *
 * Operation thread only; everything in the op->a of table_open (the
 * caller's, outside the walk).
 */
#ifndef GENBA_EXPORT_TABLE_H
#define GENBA_EXPORT_TABLE_H

#include "export/layout.h"
#include "export/writer.h"

typedef enum table_own {
    TO_ID, TO_NUMBER, TO_NAME, TO_DEFINITION, TO_STATUS, TO_CREATED_AT, TO_CREATED_BY, TO_UPDATED_AT, TO_UPDATED_BY,
    TO_REMARK1, TO_REMARK10 = TO_REMARK1 + 9,   /* r->remarks[0..9] */
    TO__COUNT
} table_own;

typedef struct table_col {
    long long def;             /* 0: one of the report's own columns */
    int sheet, cluster;
    const char *head;
} table_col;

typedef struct table_window {
    long bucket, offset;   /* a 6-hour window of time and the zone's offset in it */
    bool varies;           /* ... which changes within it */
} table_window;

typedef struct table {
    op_ctx *op;
    table_col *cols;
    int ncols;                 /* TO__COUNT own columns first */
    const struct tz_zone *zone;
    layout_env env;
    /* the clusters of the columns in the definition of the report at hand */
    const definition *bound;
    long long bound_id;
    int bound_rev;
    const def_cluster **map;   /* ncols; NULL where the report's definition has none */
    table_window win[2];       /* the last windows asked (odd and even) */
} table;

/* The columns of the reports the walk will give; *total as export_count's. */
op_result table_open(op_ctx *op, const export_filter *f, const char *const *ids, int nids, table *t,
                     long long *total);
/* Point t->map at r's clusters (cheap when r's definition is the last one's). */
void table_bind(table *t, const export_report *r);
/* A stored UTC time ("2026-12-05T00:30:00Z") in the zone: the local
 * fields; false when utc is not one. */
bool table_local(table *t, const char *utc, int *y, int *mo, int *d, int *h, int *mi, int *s);
/* The text of own column k of r (times "YYYY-MM-DD HH:MM:SS", local; a
 * remark as it is, "" when not set). */
const char *table_own_text(table *t, const export_report *r, int k, char *tmp, size_t tmplen);

/* The text of cluster c's cell (c NULL: not in the report's definition)
 * holding v (may be NULL), as the CSV writes it (export/writer.h); in
 * t->env.a, which the writer points at the report's arena. */
const char *table_text(table *t, const def_cluster *c, const rvalue *v);

#endif
