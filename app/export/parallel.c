/* export/parallel.c - the walk over a filter on two connections at once
 * (export/walk.h: export_walk_parallel).
 *
 * One connection reads a million rows in creation order no faster than
 * MariaDB's one thread for it finds them (an index entry, then the row by
 * its primary key): about 5 s, the whole walk's time.  So the walks over a
 * filter (export_each_values without ids: CSV and XLSX tables) read on two
 * connections of their own at once.  The reports after the first page are
 * cut into windows of creation time, each about a page at the density seen
 * so far (wider after a sparse one, narrower after a dense one); each
 * reader claims the next window and reads its pages in order (a window
 * fuller than a page is paged through by key); the writer takes the
 * windows in order, so the reports come out in the same order as from one
 * connection.  Memory stays bounded: at most PAR_AHEAD windows in flight
 * and PAR_PAGES pages of one waiting. */
#include "export/walk.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/cdate.h"
#include "util/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The newest creation time among the filter's reports ("" when none). */
static db_status last_created(op_ctx *op, const export_filter *f, char *out, size_t outlen)
{
    report_q x;
    reports_filter_init(op, &x, 0);
    reports_filter_with(op, f, &x);
    buf_adds(&x.sql, "SELECT rp.created_at FROM ");
    x.in_key_order = true;
    reports_filter_from(op, f, &x);
    buf_adds(&x.sql, "ORDER BY rp.created_at DESC, rp.id DESC LIMIT 1");
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, x.sql.data, x.args, x.n, &rows, NULL);
    snprintf(out, outlen, "%s", st == DB_OK && rows.nrows ? cell(&rows, 0, 0) : "");
    return st;
}

#define PAR_READERS 2
#define PAR_AHEAD 3
#define PAR_PAGES 2

typedef struct ppage {
    arena *a;
    db_rows rows;
    db_status st;
    struct ppage *next;
} ppage;

typedef struct pwin {
    long long k;          /* the window this slot holds, -1 none */
    ppage *head, *tail;   /* its pages read and not yet written */
    int queued;
    bool done;            /* its reader has read all of it */
} pwin;

typedef struct par par;
typedef struct preader {
    par *x;
    op_ctx op;            /* a copy (read_page changes op->a) */
    db_conn *db;
    pthread_t th;
    bool started;
} preader;

struct par {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const export_filter *f;
    int limit;
    long long next_k;                  /* the next window to claim */
    long long lo_us, width_us, max_us; /* its start, the width to give it; the last creation time */
    char first_at[40], first_id[40];   /* window 0 starts after this key (the first page's last) */
    long long write_k;                 /* the window being written */
    pwin win[PAR_AHEAD];               /* window k in win[k % PAR_AHEAD] */
    ppage *spare;
    bool stop, failed;                 /* failed: a reader could not have a page (memory) */
    preader r[PAR_READERS];
};

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" <-> microseconds since 1970 (UTC, as stored). */
static bool time_us(const char *s, long long *out)
{
    cdate d;
    char day[11];
    if (strlen(s) < 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        return false;
    memcpy(day, s, 10);
    day[10] = '\0';
    if (!cdate_parse(day, &d))
        return false;
    long long us = ((long long)cdate_to_days(d) * 86400 + num(s + 11) * 3600 + num(s + 14) * 60 + num(s + 17)) * 1000000;
    if (s[19] == '.') {
        long long f = 0;
        int n = 0;
        for (const char *p = s + 20; *p >= '0' && *p <= '9' && n < 6; p++, n++)
            f = f * 10 + (*p - '0');
        for (; n < 6; n++)
            f *= 10;
        us += f;
    }
    *out = us;
    return true;
}

static void time_text(long long us, char *out)
{
    long long days = us >= 0 ? us / 86400000000LL : (us - 86399999999LL) / 86400000000LL;
    long long rest = us - days * 86400000000LL, sec = rest / 1000000;
    cdate d = cdate_from_days((long)days);
    char *p = out + cdate_time_text(out, d.y, d.m, d.d, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
    snprintf(p, 12, ".%06llu", (unsigned long long)(rest % 1000000));   /* (out: at least 40 bytes) */
}

static ppage *par_page(par *x)   /* (under mu) */
{
    ppage *pg = x->spare;
    if (pg) {
        x->spare = pg->next;
        pg->next = NULL;
        return pg;
    }
    pg = calloc(1, sizeof *pg);
    if (pg && !(pg->a = arena_new())) {
        free(pg);
        pg = NULL;
    }
    return pg;
}

static void *par_read(void *p)
{
    preader *me = p;
    par *x = me->x;
    db_thread_init();
    pthread_mutex_lock(&x->mu);
    for (;;) {
        while (!x->stop && x->lo_us <= x->max_us && x->next_k >= x->write_k + PAR_AHEAD)
            pthread_cond_wait(&x->cv, &x->mu);
        if (x->stop || x->lo_us > x->max_us)
            break;
        long long k = x->next_k++, lo = x->lo_us, width = x->width_us;
        x->lo_us = lo + width;
        pwin *w = &x->win[k % PAR_AHEAD];
        *w = (pwin){.k = k};
        char at[40] = "", id[40] = "", los[40], his[40];
        if (!k) {
            snprintf(at, sizeof at, "%s", x->first_at);
            snprintf(id, sizeof id, "%s", x->first_id);
        }
        time_text(lo, los);
        time_text(lo + width, his);
        long long n = 0;
        for (;;) {
            while (!x->stop && w->queued >= PAR_PAGES)
                pthread_cond_wait(&x->cv, &x->mu);
            ppage *pg = x->stop ? NULL : par_page(x);
            if (!pg) {
                if (!x->stop) {   /* never a window cut short in silence */
                    x->failed = x->stop = true;
                    pthread_cond_broadcast(&x->cv);
                }
                break;
            }
            pthread_mutex_unlock(&x->mu);
            arena_reset_fit(pg->a, 64 << 20);
            pg->st = export_read_page(&me->op, me->db, pg->a, x->f, *at ? at : NULL, id, los, his, NULL, 0,
                                      x->limit, false, &pg->rows);
            bool more = pg->st == DB_OK && pg->rows.nrows == (size_t)x->limit;
            if (more) {   /* a window fuller than a page: on by key */
                snprintf(at, sizeof at, "%s", cell(&pg->rows, pg->rows.nrows - 1, C_KEY));
                snprintf(id, sizeof id, "%s", cell(&pg->rows, pg->rows.nrows - 1, C_ID));
            }
            n += pg->st == DB_OK ? (long long)pg->rows.nrows : 0;
            pthread_mutex_lock(&x->mu);
            if (w->tail)
                w->tail->next = pg;
            else
                w->head = pg;
            w->tail = pg;
            w->queued++;
            pthread_cond_broadcast(&x->cv);
            if (!more)
                break;
        }
        w->done = true;
        /* the next windows' width: about a page at this one's density (at
         * most four times wider or narrower at once, never under 1 ms) */
        long long nw = n ? (long long)((double)width * x->limit / (double)n) : width * 4;
        nw = nw > width * 4 ? width * 4 : nw < width / 4 ? width / 4 : nw;
        x->width_us = nw < 1000 ? 1000 : nw;
        pthread_cond_broadcast(&x->cv);
    }
    pthread_cond_broadcast(&x->cv);
    pthread_mutex_unlock(&x->mu);
    db_thread_end();
    return NULL;
}

op_result export_walk_parallel(op_ctx *op, const export_filter *f, const db_rows *first, int limit, wstate *ws,
                               export_each_fn fn, void *ctx, bool *alone)
{
    long long first_us, max_us;
    char last[40];
    *alone = true;
    if (!first->nrows || !time_us(cell(first, 0, C_KEY), &first_us) ||
        !time_us(cell(first, first->nrows - 1, C_KEY), &max_us))
        return OP_OK;
    long long start_us = max_us;   /* (the first page's last creation time, window 0's start) */
    if (last_created(op, f, last, sizeof last) != DB_OK || !*last || !time_us(last, &max_us))
        return OP_OK;
    par *x = calloc(1, sizeof *x);
    if (!x)
        return OP_OK;
    pthread_mutex_init(&x->mu, NULL);
    pthread_cond_init(&x->cv, NULL);
    x->f = f;
    x->limit = limit;
    x->lo_us = start_us;
    long long span = start_us - first_us;   /* the first page's density: its rows over its span */
    x->width_us = span > 0 ? span * limit / (long long)first->nrows : 1000;
    if (x->width_us < 1000)
        x->width_us = 1000;
    x->max_us = max_us;
    snprintf(x->first_at, sizeof x->first_at, "%s", cell(first, first->nrows - 1, C_KEY));
    snprintf(x->first_id, sizeof x->first_id, "%s", cell(first, first->nrows - 1, C_ID));
    for (int i = 0; i < PAR_AHEAD; i++)
        x->win[i].k = -1;
    op_result res = OP_OK;
    int opened = 0;
    for (int i = 0; i < PAR_READERS; i++) {
        char err[512];
        x->r[i] = (preader){.x = x, .op = *op, .db = db_open_like(op->tenant->db, err, sizeof err)};
        if (!x->r[i].db) {
            log_warn("req id=%s tenant=%s: a second reader for the export: %s (read on one)", op->req_id,
                     op->tenant->code, err);
            break;
        }
        opened++;
    }
    if (opened == PAR_READERS) {
        log_info("req id=%s tenant=%s: the walk reads on %d connections of its own", op->req_id, op->tenant->code,
                 PAR_READERS);
        for (int i = 0; i < PAR_READERS; i++)
            x->r[i].started = pthread_create(&x->r[i].th, NULL, par_read, &x->r[i]) == 0;
        *alone = !x->r[0].started && !x->r[1].started;   /* (nothing read yet: the caller walks on alone) */
    }
    if (!*alone)   /* the first page while the readers start on the rest */
        res = export_write_rows(op, ws, first, &(db_rows){0}, &(db_rows){0}, false, fn, ctx);
    for (long long k = 0; !*alone && res == OP_OK;) {
        pthread_mutex_lock(&x->mu);
        x->write_k = k;
        pthread_cond_broadcast(&x->cv);
        pwin *w = &x->win[k % PAR_AHEAD];
        bool readers_gone = false;
        for (;;) {
            bool mine = w->k == k;
            if (mine && (w->head || w->done))
                break;
            if (x->failed)
                break;
            bool unclaimed = k >= x->next_k && x->lo_us > x->max_us;   /* no window k will ever come */
            readers_gone = true;
            for (int i = 0; i < PAR_READERS; i++)
                readers_gone = readers_gone && !x->r[i].started;
            if (unclaimed || readers_gone)
                break;
            pthread_cond_wait(&x->cv, &x->mu);
        }
        if (x->failed) {
            pthread_mutex_unlock(&x->mu);
            log_error("req id=%s tenant=%s: the walk's reader is out of memory", op->req_id, op->tenant->code);
            res = OP_ERROR;
            break;
        }
        if (w->k != k) {   /* past the last window */
            pthread_mutex_unlock(&x->mu);
            break;
        }
        ppage *pg = w->head;
        if (!pg) {   /* window k written whole */
            pthread_mutex_unlock(&x->mu);
            k++;
            continue;
        }
        w->head = pg->next;
        if (!w->head)
            w->tail = NULL;
        w->queued--;
        pthread_cond_broadcast(&x->cv);
        pthread_mutex_unlock(&x->mu);
        db_status st = pg->st;
        if (st == DB_OK)
            st = export_users_load(op, pg->a, &ws->us, &pg->rows);
        if (st != DB_OK)
            res = txn_result(st);
        else
            res = export_write_rows(op, ws, &pg->rows, &(db_rows){0}, &(db_rows){0}, false, fn, ctx);
        pthread_mutex_lock(&x->mu);
        pg->next = x->spare;
        x->spare = pg;
        pthread_mutex_unlock(&x->mu);
    }
    pthread_mutex_lock(&x->mu);
    x->stop = true;
    pthread_cond_broadcast(&x->cv);
    pthread_mutex_unlock(&x->mu);
    for (int i = 0; i < PAR_READERS; i++) {
        if (x->r[i].started)
            pthread_join(x->r[i].th, NULL);
        db_close(&x->r[i].db);
    }
    for (int i = 0; i < PAR_AHEAD; i++)
        for (ppage *pg = x->win[i].head, *n; pg; pg = n) {
            n = pg->next;
            pg->next = x->spare;
            x->spare = pg;
        }
    for (ppage *pg = x->spare, *n; pg; pg = n) {
        n = pg->next;
        arena_free(&pg->a);
        free(pg);
    }
    pthread_cond_destroy(&x->cv);
    pthread_mutex_destroy(&x->mu);
    free(x);
    return res;
}

