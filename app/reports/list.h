/* list.h - finding reports: the tablet's list (oldest change first, so a
 * sync never skips a report that changes while it pages) and the
 * console's (newest first by creation, which never moves).  Both page by
 * key, not offset.  Only reports the user may see: its own, and those of
 * definitions it holds def.reports.view for.  Request thread only. */
#ifndef GENBA_REPORT_LIST_H
#define GENBA_REPORT_LIST_H

#include <json-c/json.h>
#include "db/db.h"
#include "tenant/op.h"
#include "util/buf.h"
#include "util/errs.h"

typedef struct report_filter {
    const char *status;          /* NULL = any; several: "completed,approved" */
    long long definition;        /* 0 = any */
    bool mine;
    const char *updated_since;   /* SQL DATETIME text */
    const char *from, *to;       /* created between (the tenant's local days, inclusive), console */
    const char *creator;         /* login, console */
    long long label;             /* definitions with this label (and below), console */
    const char *text;            /* in the name or number, console */
    int value_sheet, value_cluster;   /* a cluster's value equals value_text (definition set; at most
                                         RVALS_SEARCH_MAX characters: the index holds no longer ones), console */
    const char *value_text;
    bool value_indexed;              /* the cluster's type is in the search index (forms/value.h) */
    const char *remarks[10];         /* remarksN equals this (NULL = any; "" = not set) */
    const char *system_keys[5];      /* system_keyN equals this */
    const char *remarks_text;        /* in any of the ten remarks (substring), console */
    const char *system_key_any;      /* equals one of the five system keys, console */
    const char *cursor;
    int limit;
} report_filter;

/* {"reports": [...], "next_cursor"}; OP_INVALID for a bad cursor. */
json_object *reports_list(op_ctx *op, const report_filter *f, bool console, op_result *res);

/* The statements of a filter, for the list and for the walks over many
 * reports (export/each.c): a statement under construction, its text and
 * its parameters (room for the filter's and extra more: report_q_arg
 * drops what does not fit). */
#define REPORT_Q_ARGS 64
typedef struct report_q {
    buf sql;
    db_arg *args;
    size_t n, cap;
    bool in_key_order;   /* the caller reads in (created_at, id) order from a key: name the index (below) */
} report_q;
void reports_filter_init(op_ctx *op, report_q *x, size_t extra);
void report_q_arg(report_q *x, db_arg a);
/* The WITH clause f needs (labels), to put before the SELECT, or nothing. */
void reports_filter_with(op_ctx *op, const report_filter *f, report_q *x);
/* "<source> WHERE rp.deleted_at IS NULL AND ..." of f, the reports table
 * named rp: f's conditions (cursor and limit aside) and what op->user may
 * see (op->user NULL, the system: every report; f->mine is then ignored).
 * With x->in_key_order the source names the index whose order that is for
 * f's equalities (reports_def_status_created, reports_def_created,
 * reports_status_created, else reports_created): MariaDB 10.11 otherwise
 * reads by the equality prefix alone (ref access) and filters the key's
 * "created_at > ? OR (created_at = ? AND id > ?)" with index condition
 * pushdown from the prefix's first entry, for every page, so a walk's
 * pages grew dearer the deeper it went (2,000 reports of one definition
 * from report 900,000 of 1,000,000: 127 ms, 18 ms with the index named;
 * the CSV of all of them 38,000 rows/s, 145,000 with it). */
void reports_filter_from(op_ctx *op, const report_filter *f, report_q *x);

#endif
