/* export/each.c - the walk over many reports (export/report.h): pages of
 * EXPORT_PAGE picked by key (creation time, id) from the filter's
 * statement (reports/list.h), read with their users and values in one
 * statement, and for export_each with their attachments and approvals in
 * two more; each report decoded into an arena of its own.  A walk over a
 * filter for the tables (export_each_values without ids) reads on two
 * connections of its own at once after its first page (export/parallel.c,
 * unless export_readers = 1); the others read the next page on the tenant's connection while
 * the current one is written. */
#include "export/walk.h"
#include "auth/perm.h"
#include "db/txn.h"
#include "forms/defcache.h"
#include "reports/report.h"
#include "tenant/resolve.h"
#include "tenant/user.h"
#include "util/config.h"
#include "util/log.h"
#include "util/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const export_filter no_filter;

/* The user's rights, loaded (auth/perm.c) into the caller's arena before
 * any statement is built in a page's arena: loaded there, they would go
 * with the page.  OP_GONE when they could not be read (the walk would
 * otherwise give fewer reports than the user may see, silently). */
static op_result rights_first(op_ctx *op)
{
    if (!op->user)
        return OP_OK;
    (void)perm_scopes(op, "def.reports.view");
    return op->user->perms_failed && !op->user->perms_loaded && !op->user->is_admin ? OP_GONE : OP_OK;
}

/* ---- explicit ids: checked, made visible-only and put in order -------- */

typedef struct idkey {
    const char *at, *id;   /* created_at ("YYYY-MM-DD HH:MM:SS.ffffff"), id */
    long long def;
    int rev;
} idkey;

static int cmp_idkey(const void *x, const void *y)
{
    const idkey *a = x, *b = y;
    int c = strcmp(a->at, b->at);
    return c ? c : strcmp(a->id, b->id);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void add_ids(report_q *x, const char *const *ids, int n)
{
    buf_adds(&x->sql, "AND rp.id IN (");
    for (int i = 0; i < n; i++) {
        buf_adds(&x->sql, i ? ",?" : "?");
        report_q_arg(x, DB_STR(ids[i]));
    }
    buf_adds(&x->sql, ") ");
}

/* The visible reports among ids, once each, oldest first, in op->a. */
static op_result resolve_ids(op_ctx *op, const export_filter *f, const char *const *ids, int nids, idkey **out,
                             int *nout)
{
    if (nids < 0 || nids > EXPORT_IDS_MAX)
        return OP_INVALID;
    if (rights_first(op) != OP_OK)
        return OP_GONE;
    const char **u = arena_alloc(op->a, ((size_t)nids + 1) * sizeof *u);
    for (int i = 0; i < nids; i++) {
        if (!ids[i] || !str_uuid_ok(ids[i]))
            return OP_INVALID;
        u[i] = ids[i];
    }
    qsort(u, (size_t)nids, sizeof *u, cmp_str);
    int n = 0;
    for (int i = 0; i < nids; i++)
        if (!n || strcmp(u[n - 1], u[i]))
            u[n++] = u[i];
    idkey *k = arena_alloc(op->a, ((size_t)n + 1) * sizeof *k);
    int nk = 0;
    arena *saved = op->a, *t = arena_new();
    for (int from = 0; from < n; from += EXPORT_PAGE) {
        int m = n - from < EXPORT_PAGE ? n - from : EXPORT_PAGE;
        op->a = t;
        report_q x;
        reports_filter_init(op, &x, (size_t)m);
        reports_filter_with(op, f, &x);
        buf_adds(&x.sql, "SELECT DATE_FORMAT(rp.created_at, '%Y-%m-%d %H:%i:%s.%f'), rp.id, rp.definition_id, "
                         "rp.definition_revision FROM ");
        reports_filter_from(op, f, &x);
        add_ids(&x, u + from, m);
        db_rows rows;
        db_status st = db_query(op->tenant->db, t, x.sql.data, x.args, x.n, &rows, NULL);
        op->a = saved;
        if (st != DB_OK) {
            arena_free(&t);
            return txn_result(st);
        }
        for (size_t i = 0; i < rows.nrows; i++)
            k[nk++] = (idkey){arena_strdup(op->a, cell(&rows, i, 0)), arena_strdup(op->a, cell(&rows, i, 1)),
                              atoll(cell(&rows, i, 2)), atoi(cell(&rows, i, 3))};
        arena_reset(t);
    }
    arena_free(&t);
    qsort(k, (size_t)nk, sizeof *k, cmp_idkey);
    *out = k;
    *nout = nk;
    return OP_OK;
}

static int cmp_defrev(const void *x, const void *y)
{
    const export_defrev *a = x, *b = y;
    return a->definition_id != b->definition_id ? (a->definition_id < b->definition_id ? -1 : 1)
                                                : (a->revision > b->revision) - (a->revision < b->revision);
}

op_result export_count(op_ctx *op, const export_filter *f, const char *const *ids, int nids, long long *total,
                       export_defrev **revs, int *nrevs)
{
    if (!f)
        f = &no_filter;
    *total = 0;
    if (rights_first(op) != OP_OK)
        return OP_GONE;
    export_defrev *r = NULL;
    int n = 0;
    if (ids) {
        idkey *k;
        int nk;
        op_result res = resolve_ids(op, f, ids, nids, &k, &nk);
        if (res != OP_OK)
            return res;
        r = arena_alloc(op->a, ((size_t)nk + 1) * sizeof *r);
        for (int i = 0; i < nk; i++) {
            int j = 0;
            while (j < n && (r[j].definition_id != k[i].def || r[j].revision != k[i].rev))
                j++;
            if (j == n)
                r[n++] = (export_defrev){k[i].def, k[i].rev, 0};
            r[j].count++;
        }
        qsort(r, (size_t)n, sizeof *r, cmp_defrev);
        *total = nk;
    } else {
        report_q x;
        reports_filter_init(op, &x, 0);
        reports_filter_with(op, f, &x);
        buf_adds(&x.sql, "SELECT rp.definition_id, rp.definition_revision, COUNT(*) FROM ");
        reports_filter_from(op, f, &x);
        buf_adds(&x.sql, "GROUP BY rp.definition_id, rp.definition_revision ORDER BY 1, 2");
        db_rows rows;
        db_status st = db_query(op->tenant->db, op->a, x.sql.data, x.args, x.n, &rows, NULL);
        if (st != DB_OK)
            return txn_result(st);
        r = arena_alloc(op->a, (rows.nrows + 1) * sizeof *r);
        for (size_t i = 0; i < rows.nrows; i++) {
            r[n++] = (export_defrev){atoll(cell(&rows, i, 0)), atoi(cell(&rows, i, 1)), atoll(cell(&rows, i, 2))};
            *total += r[n - 1].count;
        }
    }
    if (revs)
        *revs = r;
    if (nrevs)
        *nrevs = n;
    return OP_OK;
}

/* ---- the walk ----------------------------------------------------------- */

/* (the times as the client library writes them, "2026-12-05 00:30:00.123":
 * the page's key as it is, turned into "2026-12-05T00:30:00Z" for the
 * report here rather than by DATE_FORMAT in the server, which spends more) */
#define PAGE_COLS "rp.id, rp.seq, rp.definition_id, rp.definition_revision, rp.name, rp.number, rp.status, " \
                  "rp.stage, rp.rev, rp.created_at, rp.updated_at, rp.created_by, rp.updated_by, rp.vals, "    \
                  "rp.remarks1, rp.remarks2, rp.remarks3, rp.remarks4, rp.remarks5, rp.remarks6, rp.remarks7, "  \
                  "rp.remarks8, rp.remarks9, rp.remarks10"

/* "2026-12-05 00:30:00[.123]" -> "2026-12-05T00:30:00Z" (in a); other text as it is. */
static const char *utc_text(arena *a, const char *s)
{
    if (strlen(s) < 19 || s[10] != ' ')
        return s;
    char *t = arena_alloc(a, 21);
    memcpy(t, s, 19);
    t[10] = 'T';
    t[19] = 'Z';
    t[20] = '\0';
    return t;
}

/* One page: after the key (at, id) when ids is NULL, else exactly ids;
 * when lo is given (and at is not), from creation time lo on; when hi is
 * given, before creation time hi (a window of the parallel walk).  Read
 * on db, the tenant's connection or a reader's own.
 * reports alone, in the order of an index (reports_created and its
 * kin): joined to users or picked in a derived table first, MariaDB sorted
 * the page's rows, values and all, in a temporary table (2.5 times the
 * server's time); the users come from the walk's own cache. */
db_status export_read_page(op_ctx *op, db_conn *db, arena *a, const export_filter *f, const char *at,
                           const char *id, const char *lo, const char *hi, const char *const *ids, int nids,
                           int limit, bool full, db_rows *rows)
{
    arena *saved = op->a;
    op->a = a;
    report_q x;
    reports_filter_init(op, &x, (size_t)nids);
    reports_filter_with(op, f, &x);
    buf_adds(&x.sql, full ? "SELECT " PAGE_COLS ", rp.system_key1, rp.system_key2, rp.system_key3, rp.system_key4, rp.system_key5 FROM "
                            : "SELECT " PAGE_COLS " FROM ");
    x.in_key_order = !ids;   /* pages from a key: read in the index's order (reports/list.h) */
    reports_filter_from(op, f, &x);
    if (ids) {
        add_ids(&x, ids, nids);
    } else {
        if (at) {
            buf_adds(&x.sql, "AND (rp.created_at > ? OR (rp.created_at = ? AND rp.id > ?)) ");
            report_q_arg(&x, DB_STR(at));
            report_q_arg(&x, DB_STR(at));
            report_q_arg(&x, DB_STR(id));
        } else if (lo) {
            buf_adds(&x.sql, "AND rp.created_at >= ? ");
            report_q_arg(&x, DB_STR(lo));
        }
        if (hi) {
            buf_adds(&x.sql, "AND rp.created_at < ? ");
            report_q_arg(&x, DB_STR(hi));
        }
    }
    buf_printf(&x.sql, "ORDER BY rp.created_at, rp.id LIMIT %d", ids ? nids : limit);
    db_status st = db_query_stream(db, a, x.sql.data, x.args, x.n, rows);
    op->a = saved;
    return st;
}

static wuser *user_slot(users *u, long long id)
{
    unsigned long long h = (unsigned long long)id * 0x9E3779B97F4A7C15ull;
    for (size_t i = (size_t)(h >> 40) % (2 * USERS_KEPT);; i = (i + 1) % (2 * USERS_KEPT))
        if (!u->slot[i].id || u->slot[i].id == id)
            return &u->slot[i];
}

db_status export_users_load(op_ctx *op, arena *a, users *u, const db_rows *page)
{
    long long *want = arena_alloc(a, (2 * page->nrows + 1) * sizeof *want);
    size_t n = 0;
    for (size_t i = 0; i < page->nrows; i++)
        for (int k = C_CREATOR; k <= C_UPDATER; k++) {
            long long id = num(cell(page, i, k));
            if (!id || user_slot(u, id)->id)
                continue;
            size_t j = 0;
            while (j < n && want[j] != id)
                j++;
            if (j == n)
                want[n++] = id;
        }
    if (!n)
        return DB_OK;
    if (u->n + (int)n > USERS_KEPT) {
        arena_reset(u->a);
        memset(u->slot, 0, 2 * USERS_KEPT * sizeof *u->slot);
        u->n = 0;
    }
    buf sql;
    buf_init(&sql, a);
    buf_adds(&sql, "SELECT id, login, name FROM users WHERE id IN (");
    for (size_t j = 0; j < n; j++) {
        if (j)
            buf_addc(&sql, ',');
        buf_addi(&sql, want[j]);
    }
    buf_addc(&sql, ')');
    db_rows r;
    db_status st = db_query(op->tenant->db, a, sql.data, NULL, 0, &r, NULL);
    for (size_t i = 0; st == DB_OK && i < r.nrows; i++) {
        wuser *w = user_slot(u, atoll(cell(&r, i, 0)));
        if (!w->id)
            u->n++;
        *w = (wuser){atoll(cell(&r, i, 0)), arena_strdup(u->a, cell(&r, i, 1)), arena_strdup(u->a, cell(&r, i, 2))};
    }
    return st;
}

static const wuser *user_of(users *u, const char *id)
{
    static const wuser none = {0, "", ""};
    wuser *w = user_slot(u, num(id));
    return w->id ? w : &none;
}

/* The attachments or approvals of a page's reports (before "IN (ids)"
 * after: report_id first, rows ordered by it). */
static db_status read_side(op_ctx *op, arena *a, const char *before, const char *after, const db_rows *page,
                           db_rows *out)
{
    buf in;
    buf_init(&in, a);
    buf_adds(&in, before);
    db_arg *args = arena_alloc(a, (page->nrows + 1) * sizeof *args);
    for (size_t i = 0; i < page->nrows; i++) {
        buf_adds(&in, i ? ",?" : "?");
        args[i] = DB_STR(cell(page, i, C_ID));
    }
    if (!page->nrows)
        buf_adds(&in, "NULL");
    buf_adds(&in, after);
    return db_query(op->tenant->db, a, in.data, args, page->nrows, out, NULL);
}

/* Rows [*lo, return) of side whose first column is id, from *lo on (both
 * the page's ids and side are in id order when the page is sorted by id;
 * the page is in time order, so search). */
static void side_range(const db_rows *side, const char *id, size_t *lo, size_t *hi)
{
    size_t l = 0, h = side->nrows;
    while (l < h) {
        size_t m = (l + h) / 2;
        if (strcmp(cell(side, m, 0), id) < 0)
            l = m + 1;
        else
            h = m;
    }
    *lo = l;
    while (h < side->nrows && !strcmp(cell(side, h, 0), id))
        h++;
    *hi = h > l ? h : l;
}

/* Pages: the first of PAGE_FIRST reports, the next ones sized to hold
 * about PAGE_BYTES of rows (EXPORT_PAGE at most, 20 at least): 2,000
 * daily-inspection reports, some 200 of a 250-cluster form.  (Two are in
 * memory at once: the one written and the one read.) */
#define PAGE_FIRST 200
#define PAGE_BYTES (4 << 20)

static int page_limit(const db_rows *rows)
{
    size_t bytes = 0;
    for (size_t i = 0; i < rows->nrows * rows->ncols; i++)
        bytes += rows->len[i] + 16;
    size_t per = bytes / rows->nrows + 1, n = PAGE_BYTES / per;
    return n > EXPORT_PAGE ? EXPORT_PAGE : n < 20 ? 20 : (int)n;
}

/* One page of the walk. */
typedef struct page {
    arena *a;
    db_rows rows;
    db_status st;
} page;

/* The next page, read by a thread of its own while the walk writes the
 * current one (export_each_values only: its callbacks use no database,
 * and the walk has read what it needs of the database for the current
 * page before: its users and definitions).  The thread has the tenant's
 * connection to itself until it is joined. */
typedef struct fetch {
    op_ctx op;                    /* a copy: the walk changes its own op->a meanwhile */
    const export_filter *f;
    char at[40], id[40];
    const char *const *ids;
    int nids, limit;
    page *pg;
    pthread_t th;
} fetch;

static void *fetch_main(void *p)
{
    fetch *x = p;
    db_thread_init();
    x->pg->st = export_read_page(&x->op, x->op.tenant->db, x->pg->a, x->f, *x->at ? x->at : NULL, x->id, NULL, NULL,
                                 x->ids, x->nids, x->limit, false, &x->pg->rows);
    db_thread_end();
    return NULL;
}

/* The definitions of a page's reports, from the cache, into defs (at most
 * 8: fewer than the cache's entries, so none is evicted while the page is
 * written); false when the page has more. */
static bool page_defs(op_ctx *op, const db_rows *rows, defslot *defs, int *ndefs, op_result *res)
{
    *ndefs = 0;
    for (size_t i = 0; i < rows->nrows; i++) {
        long long d = num(cell(rows, i, C_DEF));
        int rev = (int)num(cell(rows, i, C_REV));
        int k = 0;
        while (k < *ndefs && (defs[k].id != d || defs[k].rev != rev))
            k++;
        if (k < *ndefs)
            continue;
        if (*ndefs == 8)
            return false;
        def_rev info;
        defs[k] = (defslot){d, rev, defcache_get(op, d, rev, &info, res)};
        if (!defs[k].d)
            return false;
        (*ndefs)++;
    }
    return true;
}

/* Each report of a page decoded and handed to fn (att and appr: the
 * page's attachments and approvals, empty unless full). */
op_result export_write_rows(op_ctx *op, wstate *w, const db_rows *rows, const db_rows *att, const db_rows *appr,
                            bool full, export_each_fn fn, void *ctx)
{
    arena *saved = op->a, *ra = w->ra;
    op_result res = OP_OK;
    for (size_t i = 0; res == OP_OK && i < rows->nrows; i++) {
        op->a = ra;
        export_report r = {0};
        r.id = cell(rows, i, C_ID);
        r.seq = num(cell(rows, i, C_SEQ));
        r.definition_id = num(cell(rows, i, C_DEF));
        r.definition_revision = (int)num(cell(rows, i, C_REV));
        r.name = cell(rows, i, C_NAME);
        r.number = cell(rows, i, C_NUMBER);
        r.status = cell(rows, i, C_STATUS);
        r.stage = (int)num(cell(rows, i, C_STAGE));
        r.rev = (int)num(cell(rows, i, C_RREV));
        r.created_at = utc_text(ra, cell(rows, i, C_CREATED));
        r.updated_at = utc_text(ra, cell(rows, i, C_UPDATED));
        const wuser *cu = user_of(&w->us, cell(rows, i, C_CREATOR)), *uu = user_of(&w->us, cell(rows, i, C_UPDATER));
        r.created_by = cu->login;
        r.created_by_name = cu->name;
        r.updated_by = uu->login;
        r.updated_by_name = uu->name;
        for (size_t j = 0; j < sizeof r.remarks / sizeof *r.remarks; j++)
            r.remarks[j] = cell(rows, i, C_REMARKS + (int)j);
        for (int k = 0; full && k < REPORT_SYSKEYS; k++)   /* the system keys, after the remarks */
            r.system_keys[k] = cell(rows, i, C_REMARKS + REPORT_REMARKS + k);
        const char *vals = db_cell(rows, i, C_VALS);
        if (!export_vals_parse(ra, vals, vals ? rows->len[i * rows->ncols + C_VALS] : 0, &r.vals) &&
            !rvals_parse(ra, vals, &r.vals)) {
            log_error("req id=%s tenant=%s: the stored values of report %s do not parse", op->req_id,
                      op->tenant->code, r.id);
            res = OP_ERROR;
            break;
        }
        int k = 0;
        while (k < w->ndefs && (w->defs[k].id != r.definition_id || w->defs[k].rev != r.definition_revision))
            k++;
        if (k == w->ndefs) {   /* (never while the next page is read on this connection: page_defs had them all) */
            if (w->ndefs == 8)
                k = w->ndefs = 0;
            def_rev info;
            w->defs[k] = (defslot){r.definition_id, r.definition_revision,
                                   defcache_get(op, r.definition_id, r.definition_revision, &info, &res)};
            if (!w->defs[k].d)
                break;
            w->ndefs++;
        }
        r.def = w->defs[k].d;
        size_t lo, hi;
        side_range(att, r.id, &lo, &hi);
        r.att = arena_calloc(ra, hi - lo + 1, sizeof *r.att);
        for (size_t j = lo; j < hi; j++)
            r.att[r.natt++] = (export_attachment){atoi(cell(att, j, 1)), atoi(cell(att, j, 2)), cell(att, j, 3),
                                                  cell(att, j, 5), atoll(cell(att, j, 4))};
        side_range(appr, r.id, &lo, &hi);
        r.appr = arena_calloc(ra, hi - lo + 1, sizeof *r.appr);
        for (size_t j = lo; j < hi; j++)
            r.appr[r.nappr++] = (export_approval){atoi(cell(appr, j, 1)), cell(appr, j, 2), cell(appr, j, 3),
                                                  cell(appr, j, 4), cell(appr, j, 5), cell(appr, j, 6)};
        res = fn(op, &r, ctx);
        op->a = saved;
        arena_reset(ra);
    }
    op->a = saved;
    return res;
}

static op_result walk(op_ctx *op, const export_filter *f, const char *const *ids, int nids, bool full,
                      export_each_fn fn, void *ctx, long long *total)
{
    if (!f)
        f = &no_filter;
    if (rights_first(op) != OP_OK)
        return OP_GONE;
    (void)tenant_zone(op->tenant);   /* read now: a filter by days asks for it in the fetching thread */
    idkey *keys = NULL;
    int nkeys = 0;
    op_result res = OP_OK;
    if (ids) {
        if ((res = resolve_ids(op, f, ids, nids, &keys, &nkeys)) != OP_OK)
            return res;
        if (total)
            *total = nkeys;
    } else if (total && (res = export_count(op, f, NULL, 0, total, NULL, NULL)) != OP_OK) {
        return res;
    }
    arena *saved = op->a;
    page pages[2] = {{.a = arena_new()}, {.a = arena_new()}};
    wstate ws = {.ra = arena_new(), .us = {arena_new(), arena_calloc(op->a, 2 * USERS_KEPT, sizeof(wuser)), 0}};
    const char **pids[2] = {arena_alloc(op->a, EXPORT_PAGE * sizeof(char *)),
                            arena_alloc(op->a, EXPORT_PAGE * sizeof(char *))};
    int next = 0, cur = 0, m = 0, limit = PAGE_FIRST;
    /* over a filter, after the first page when there is more (export/parallel.c) */
    bool parallel = !ids && !full && op->cfg && op->cfg->export_readers >= 2;
    if (keys) {
        m = nkeys < EXPORT_PAGE ? nkeys : EXPORT_PAGE;
        for (int i = 0; i < m; i++)
            pids[0][i] = keys[i].id;
        next = m;
    }
    if (!keys || m) {
        pages[0].st = export_read_page(op, op->tenant->db, pages[0].a, f, NULL, NULL, NULL, NULL, keys ? pids[0] : NULL,
                                       m, limit, full, &pages[0].rows);
    } else {
        pages[0].rows.nrows = 0;
        pages[0].st = DB_OK;
    }
    for (;;) {
        page *pg = &pages[cur];
        db_rows *rows = &pg->rows, att = {0}, appr = {0};
        db_status st = pg->st;
        if (st == DB_OK)
            st = export_users_load(op, pg->a, &ws.us, rows);
        if (st == DB_OK && full && rows->nrows)
            st = read_side(op, pg->a,
                           "SELECT report_id, sheet_no, cluster_id, sha256, size, content_type FROM report_attachments "
                           "WHERE report_id IN (",
                           ") ORDER BY report_id, sheet_no, cluster_id",
                           rows, &att);
        if (st == DB_OK && full && rows->nrows)
            st = read_side(op, pg->a,
                           "SELECT a.report_id, a.stage, a.action, u.login, u.name, a.comment, "
                           "DATE_FORMAT(a.at, '%Y-%m-%dT%H:%i:%sZ') FROM report_approvals a "
                           "JOIN users u ON u.id = a.user_id WHERE a.report_id IN (",
                           ") ORDER BY a.report_id, a.id",
                           rows, &appr);
        if (st != DB_OK) {
            res = txn_result(st);
            break;
        }
        bool all_defs = page_defs(op, rows, ws.defs, &ws.ndefs, &res);
        if (!all_defs && res != OP_OK)
            break;
        if (!all_defs)
            ws.ndefs = 0;   /* more than 8 revisions in the page: asked for one by one below */
        /* the next page: is there one, and can it be read meanwhile? */
        bool more = keys ? next < nkeys : rows->nrows == (size_t)limit;
        if (!keys && rows->nrows)   /* pages of about PAGE_BYTES whatever the size of the reports */
            limit = page_limit(rows);
        if (parallel && more) {   /* this page and the rest written as two connections read them */
            bool alone;
            res = export_walk_parallel(op, f, rows, limit, &ws, fn, ctx, &alone);
            if (!alone)
                break;
            parallel = false;   /* (no second connection: nothing written yet, on alone) */
        }
        page *np = &pages[1 - cur];
        fetch fx = {.op = *op, .f = f, .pg = np, .limit = keys ? EXPORT_PAGE : limit};
        if (more) {
            arena_reset_fit(np->a, 64 << 20);
            fx.op.a = np->a;
            if (keys) {
                fx.nids = nkeys - next < EXPORT_PAGE ? nkeys - next : EXPORT_PAGE;
                for (int i = 0; i < fx.nids; i++)
                    pids[1 - cur][i] = keys[next + i].id;
                next += fx.nids;
                fx.ids = pids[1 - cur];
            } else {
                snprintf(fx.at, sizeof fx.at, "%s", cell(rows, rows->nrows - 1, C_KEY));
                snprintf(fx.id, sizeof fx.id, "%s", cell(rows, rows->nrows - 1, C_ID));
            }
        }
        bool ahead = more && !full && all_defs && pthread_create(&fx.th, NULL, fetch_main, &fx) == 0;
        res = export_write_rows(op, &ws, rows, &att, &appr, full, fn, ctx);
        if (ahead)
            pthread_join(fx.th, NULL);
        if (res != OP_OK || !more)
            break;
        if (!ahead)
            np->st = export_read_page(op, op->tenant->db, np->a, f, *fx.at ? fx.at : NULL, fx.id, NULL, NULL, fx.ids,
                                      fx.nids, fx.limit, full, &np->rows);
        cur = 1 - cur;
    }
    op->a = saved;
    arena_free(&pages[0].a);
    arena_free(&pages[1].a);
    arena_free(&ws.ra);
    arena_free(&ws.us.a);
    return res;
}

op_result export_each(op_ctx *op, const export_filter *f, const char *const *ids, int nids, export_each_fn fn,
                      void *ctx, long long *total)
{
    return walk(op, f, ids, nids, true, fn, ctx, total);
}

op_result export_each_values(op_ctx *op, const export_filter *f, const char *const *ids, int nids,
                             export_each_fn fn, void *ctx, long long *total)
{
    return walk(op, f, ids, nids, false, fn, ctx, total);
}
