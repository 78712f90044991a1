#include "db/db.h"
#include "util/cdate.h"
#include "util/buf.h"
#include "util/log.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 48

struct stmt_slot {
    char *sql;            /* a copy of the statement's text (callers may build theirs in an arena), compared by content */
    MYSQL_STMT *stmt;
    unsigned long long used;
};

struct db_conn {
    MYSQL *my;
    bool broken;
    char *socket, *host, *user, *password, *database;
    unsigned port;
    bool multi;
    struct stmt_slot cache[STMT_CACHE];
    unsigned long long tick;
    unsigned last_errno;
    char last_error[512];
};

/* "YYYY-MM-DD HH:MM:SS[.f]" with dec (0-6) digits of the fraction: the text
 * libmariadb gives for a DATETIME or TIMESTAMP fetched as a string. */
static size_t datetime_text(const MYSQL_TIME *t, unsigned dec, char *o)
{
    char *p = o + cdate_time_text(o, (int)t->year, (int)t->month, (int)t->day, (int)t->hour, (int)t->minute,
                                  (int)t->second);
    if (dec > 0 && dec <= 6) {
        char d[6];
        unsigned long f = t->second_part;
        for (int i = 5; i >= 0; i--, f /= 10)
            d[i] = (char)('0' + f % 10);
        *p++ = '.';
        memcpy(p, d, dec);
        p += dec;
    }
    *p = '\0';
    return (size_t)(p - o);
}

static char *dupz(const char *s)
{
    return s ? strdup(s) : NULL;
}

static bool is_gone_errno(unsigned e)
{
    switch (e) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
    case ER_NORMAL_SHUTDOWN:
    case 2026: /* SSL connection error */
        return true;
    default:
        return false;
    }
}

static db_status classify(db_conn *c, unsigned e, const char *msg)
{
    c->last_errno = e;
    snprintf(c->last_error, sizeof c->last_error, "%u: %s", e, msg ? msg : "");
    if (is_gone_errno(e)) {
        c->broken = true;
        return DB_GONE;
    }
    if (e == ER_DUP_ENTRY || e == ER_DUP_KEY)
        return DB_DUP;
    if (e == ER_LOCK_WAIT_TIMEOUT || e == ER_LOCK_DEADLOCK)
        return DB_BUSY;
    if (e == ER_DBACCESS_DENIED_ERROR || e == ER_ACCESS_DENIED_ERROR || e == ER_TABLEACCESS_DENIED_ERROR ||
        e == ER_COLUMNACCESS_DENIED_ERROR || e == ER_SPECIFIC_ACCESS_DENIED_ERROR)
        return DB_DENIED;
    return DB_ERR;
}

static void drop_cache(db_conn *c)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        if (c->cache[i].stmt)
            mysql_stmt_close(c->cache[i].stmt);
        c->cache[i].stmt = NULL;
        free(c->cache[i].sql);
        c->cache[i].sql = NULL;
    }
}

static MYSQL *connect_raw(db_conn *c, char *err, size_t errlen, bool *gone)
{
    MYSQL *my = mysql_init(NULL);
    if (!my) {
        snprintf(err, errlen, "out of memory");
        *gone = false;
        return NULL;
    }
    unsigned timeout = 3, rw = 60;
    my_bool off = 0;
    mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rw);
    mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &rw);
    mysql_options(my, MYSQL_OPT_RECONNECT, &off);
    mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(my, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'");
    const bool tcp = c->host && *c->host;
    unsigned long flags = CLIENT_FOUND_ROWS | (c->multi ? CLIENT_MULTI_STATEMENTS : 0);
    if (!mysql_real_connect(my, tcp ? c->host : "localhost", c->user, c->password, c->database,
                            tcp ? c->port : 0, tcp ? NULL : c->socket, flags)) {
        unsigned e = mysql_errno(my);
        *gone = is_gone_errno(e);
        snprintf(err, errlen, "cannot connect to MariaDB as %s%s%s: %s", c->user ? c->user : "?",
                 c->database ? " to " : "", c->database ? c->database : "", mysql_error(my));
        mysql_close(my);
        return NULL;
    }
    return my;
}

db_conn *db_open(const db_params *p, char *err, size_t errlen, bool *gone)
{
    bool g = false;
    db_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        if (gone)
            *gone = false;
        return NULL;
    }
    c->socket = dupz(p->socket);
    c->host = dupz(p->host);
    c->user = dupz(p->user);
    c->password = dupz(p->password);
    c->database = dupz(p->database);
    c->port = p->port;
    c->multi = p->multi_statements;
    c->my = connect_raw(c, err, errlen, &g);
    if (gone)
        *gone = g;
    if (!c->my) {
        db_close(&c);
        return NULL;
    }
    return c;
}

db_conn *db_open_like(const db_conn *c, char *err, size_t errlen)
{
    if (!c) {
        snprintf(err, errlen, "no connection");
        return NULL;
    }
    db_params p = {.socket = c->socket, .host = c->host, .port = c->port, .user = c->user,
                   .password = c->password, .database = c->database, .multi_statements = c->multi};
    bool gone;
    return db_open(&p, err, errlen, &gone);
}

void db_close(db_conn **cp)
{
    if (!cp || !*cp)
        return;
    db_conn *c = *cp;
    drop_cache(c);
    if (c->my)
        mysql_close(c->my);
    if (c->password)
        memset(c->password, 0, strlen(c->password));
    free(c->socket);
    free(c->host);
    free(c->user);
    free(c->password);
    free(c->database);
    free(c);
    *cp = NULL;
}

db_status db_reconnect(db_conn *c)
{
    char err[512];
    bool gone = true;
    drop_cache(c);
    if (c->my)
        mysql_close(c->my);
    c->my = connect_raw(c, err, sizeof err, &gone);
    if (!c->my) {
        c->broken = true;
        snprintf(c->last_error, sizeof c->last_error, "%s", err);
        return gone ? DB_GONE : DB_DENIED;
    }
    c->broken = false;
    return DB_OK;
}

bool db_broken(const db_conn *c)
{
    return !c || c->broken || !c->my;
}

const char *db_error(const db_conn *c)
{
    return c ? c->last_error : "no connection";
}

unsigned db_errno(const db_conn *c)
{
    return c ? c->last_errno : 0;
}

static MYSQL_STMT *prepare(db_conn *c, const char *sql, db_status *st)
{
    struct stmt_slot *victim = &c->cache[0];
    for (int i = 0; i < STMT_CACHE; i++) {
        struct stmt_slot *s = &c->cache[i];
        if (s->stmt && !strcmp(s->sql, sql)) {
            s->used = ++c->tick;
            return s->stmt;
        }
        if (!s->stmt || s->used < victim->used)
            victim = s;
        if (!s->stmt)
            break;
    }
    char *copy = strdup(sql);
    if (!copy) {
        *st = classify(c, 0, "out of memory");
        return NULL;
    }
    MYSQL_STMT *stmt = mysql_stmt_init(c->my);
    if (!stmt) {
        free(copy);
        *st = classify(c, mysql_errno(c->my), mysql_error(c->my));
        return NULL;
    }
    if (mysql_stmt_prepare(stmt, sql, (unsigned long)strlen(sql))) {
        *st = classify(c, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        mysql_stmt_close(stmt);
        free(copy);
        return NULL;
    }
    if (victim->stmt)
        mysql_stmt_close(victim->stmt);
    free(victim->sql);
    victim->stmt = stmt;
    victim->sql = copy;
    victim->used = ++c->tick;
    return stmt;
}

static void forget(db_conn *c, MYSQL_STMT *stmt)
{
    for (int i = 0; i < STMT_CACHE; i++)
        if (c->cache[i].stmt == stmt) {
            mysql_stmt_close(stmt);
            c->cache[i].stmt = NULL;
            free(c->cache[i].sql);
            c->cache[i].sql = NULL;
        }
}

static db_status query(db_conn *c, arena *a, const char *sql, const db_arg *args, size_t nargs, db_rows *out,
                       uint64_t *affected, bool stream);

db_status db_query(db_conn *c, arena *a, const char *sql, const db_arg *args, size_t nargs, db_rows *out,
                   uint64_t *affected)
{
    return query(c, a, sql, args, nargs, out, affected, false);
}

db_status db_query_stream(db_conn *c, arena *a, const char *sql, const db_arg *args, size_t nargs, db_rows *out)
{
    return query(c, a, sql, args, nargs, out, NULL, true);
}

/* Room for cap rows in out (streaming: the count is known at the end). */
static void grow_rows(arena *a, db_rows *out, size_t ncols, size_t *cap)
{
    size_t ncap = *cap ? *cap * 2 : 256;
    char **cell = arena_calloc(a, ncap * ncols + 1, sizeof *cell);
    unsigned long *len = arena_calloc(a, ncap * ncols + 1, sizeof *len);
    if (out->cell) {
        memcpy(cell, out->cell, *cap * ncols * sizeof *cell);
        memcpy(len, out->len, *cap * ncols * sizeof *len);
    }
    out->cell = cell;
    out->len = len;
    *cap = ncap;
}

static db_status query(db_conn *c, arena *a, const char *sql, const db_arg *args, size_t nargs, db_rows *out,
                       uint64_t *affected, bool stream)
{
    db_status st = DB_OK;
    if (out)
        memset(out, 0, sizeof *out);
    if (db_broken(c))
        return DB_GONE;
    MYSQL_STMT *stmt = prepare(c, sql, &st);
    if (!stmt)
        return st;
    if (mysql_stmt_param_count(stmt) != nargs) {
        log_error("db: statement expects %lu parameters, got %zu: %.80s", mysql_stmt_param_count(stmt), nargs, sql);
        return DB_ERR;
    }
    MYSQL_BIND *pb = nargs ? arena_calloc(a, nargs, sizeof *pb) : NULL;
    my_bool *isnull = nargs ? arena_calloc(a, nargs, sizeof *isnull) : NULL;
    for (size_t i = 0; i < nargs; i++) {
        switch (args[i].type) {
        case DA_NULL:
            pb[i].buffer_type = MYSQL_TYPE_NULL;
            isnull[i] = 1;
            pb[i].is_null = &isnull[i];
            break;
        case DA_STR:
            pb[i].buffer_type = MYSQL_TYPE_STRING;
            pb[i].buffer = (void *)args[i].p;
            pb[i].buffer_length = (unsigned long)args[i].len;
            break;
        case DA_BLOB:
            pb[i].buffer_type = MYSQL_TYPE_BLOB;
            pb[i].buffer = (void *)args[i].p;
            pb[i].buffer_length = (unsigned long)args[i].len;
            break;
        case DA_INT:
            pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
            pb[i].buffer = (void *)&args[i].i;
            break;
        }
    }
    if (nargs && mysql_stmt_bind_param(stmt, pb)) {
        st = classify(c, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        return st;
    }
    if (mysql_stmt_execute(stmt)) {
        st = classify(c, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        if (st == DB_GONE)
            drop_cache(c);
        else if (mysql_stmt_errno(stmt) == ER_NEED_REPREPARE)
            forget(c, stmt);
        return st;
    }
    if (affected)
        *affected = mysql_stmt_affected_rows(stmt);
    MYSQL_RES *meta = mysql_stmt_result_metadata(stmt);
    if (!meta)
        return DB_OK;
    my_bool one = 1;
    if (!stream) {
        mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &one);
        if (mysql_stmt_store_result(stmt)) {
            st = classify(c, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
            mysql_free_result(meta);
            return st;
        }
    }
    size_t ncols = mysql_num_fields(meta);
    size_t nrows = stream ? SIZE_MAX : (size_t)mysql_stmt_num_rows(stmt), cap = 0;
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    MYSQL_BIND *rb = arena_calloc(a, ncols, sizeof *rb);
    unsigned long *lens = arena_calloc(a, ncols, sizeof *lens);
    my_bool *nulls = arena_calloc(a, ncols, sizeof *nulls);
    if (out) {
        out->nrows = stream ? 0 : nrows;
        out->ncols = ncols;
        if (stream) {
            grow_rows(a, out, ncols, &cap);
        } else {
            out->cell = arena_calloc(a, nrows * ncols + 1, sizeof *out->cell);
            out->len = arena_calloc(a, nrows * ncols + 1, sizeof *out->len);
        }
    }
    MYSQL_TIME *times = arena_calloc(a, ncols, sizeof *times);
    bool *is_time = arena_calloc(a, ncols, sizeof *is_time);
    for (size_t j = 0; j < ncols; j++) {
        rb[j].length = &lens[j];
        rb[j].is_null = &nulls[j];
        if ((fields[j].type == MYSQL_TYPE_DATETIME || fields[j].type == MYSQL_TYPE_TIMESTAMP) &&
            fields[j].decimals <= 6) {
            /* fetched as a date and written here as the library would
             * write it (its sprintf was a tenth of a long walk's time) */
            is_time[j] = true;
            rb[j].buffer_type = MYSQL_TYPE_DATETIME;
            rb[j].buffer = &times[j];
            rb[j].buffer_length = sizeof times[j];
            continue;
        }
        unsigned long cap_j = stream ? 8192 : fields[j].max_length;   /* streaming: longer ones fetched apart */
        if (cap_j < 64)
            cap_j = 64;
        rb[j].buffer_type = MYSQL_TYPE_STRING;
        rb[j].buffer_length = cap_j + 1;
        rb[j].buffer = arena_alloc(a, cap_j + 1);
    }
    mysql_stmt_bind_result(stmt, rb);
    for (size_t r = 0; r < nrows; r++) {
        int f = mysql_stmt_fetch(stmt);
        if (f == 1 || f == MYSQL_NO_DATA) {
            if (f == 1)
                st = classify(c, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
            break;
        }
        if (!out)
            continue;
        if (stream) {
            if (r == cap)
                grow_rows(a, out, ncols, &cap);
            out->nrows = r + 1;
        }
        for (size_t j = 0; j < ncols; j++) {
            size_t k = r * ncols + j;
            if (nulls[j]) {
                out->cell[k] = NULL;
                continue;
            }
            if (is_time[j]) {
                char *v = arena_alloc(a, 28);
                out->len[k] = datetime_text(&times[j], fields[j].decimals, v);
                out->cell[k] = v;
                continue;
            }
            char *v = arena_alloc(a, lens[j] + 1);
            if (lens[j] > rb[j].buffer_length - 1) {
                MYSQL_BIND one_col = rb[j];
                one_col.buffer = v;
                one_col.buffer_length = lens[j] + 1;
                mysql_stmt_fetch_column(stmt, &one_col, (unsigned)j, 0);
            } else {
                memcpy(v, rb[j].buffer, lens[j]);
            }
            v[lens[j]] = '\0';
            out->cell[k] = v;
            out->len[k] = lens[j];
        }
    }
    mysql_stmt_free_result(stmt);
    mysql_free_result(meta);
    return st;
}

const char *db_cell(const db_rows *r, size_t row, size_t col)
{
    if (!r || row >= r->nrows || col >= r->ncols)
        return NULL;
    return r->cell[row * r->ncols + col];
}

db_status db_exec_script(db_conn *c, const char *sql)
{
    if (db_broken(c))
        return DB_GONE;
    if (mysql_real_query(c->my, sql, (unsigned long)strlen(sql)))
        return classify(c, mysql_errno(c->my), mysql_error(c->my));
    int more;
    do {
        MYSQL_RES *res = mysql_store_result(c->my);
        if (res)
            mysql_free_result(res);
        else if (mysql_field_count(c->my) != 0)
            return classify(c, mysql_errno(c->my), mysql_error(c->my));
        more = mysql_next_result(c->my);
        if (more > 0)
            return classify(c, mysql_errno(c->my), mysql_error(c->my));
    } while (more == 0);
    return DB_OK;
}

db_status db_exec_ints(db_conn *c, arena *a, const char *before, const long long *v, size_t nrows, size_t ncols,
                       const char *after, uint64_t *affected)
{
    if (affected)
        *affected = 0;
    if (db_broken(c))
        return DB_GONE;
    buf b;
    buf_init(&b, a);
    buf_adds(&b, before);
    for (size_t i = 0; i < nrows; i++) {
        buf_adds(&b, i ? ",(" : "(");
        for (size_t k = 0; k < ncols; k++)
            buf_printf(&b, "%s%lld", k ? "," : "", v[i * ncols + k]);
        buf_addc(&b, ')');
    }
    buf_adds(&b, after ? after : "");
    if (mysql_real_query(c->my, b.data, (unsigned long)b.len))
        return classify(c, mysql_errno(c->my), mysql_error(c->my));
    if (affected)
        *affected = mysql_affected_rows(c->my);
    return DB_OK;
}

db_status db_insert_rows(db_conn *c, arena *a, const char *sql, const long long *v, size_t nrows, size_t ncols)
{
    db_status st = DB_OK;
    if (db_broken(c))
        return DB_GONE;
    if (!nrows)
        return DB_OK;
    MYSQL_STMT *stmt = prepare(c, sql, &st);
    if (!stmt)
        return st;
    if (mysql_stmt_param_count(stmt) != ncols) {
        log_error("db: statement expects %lu parameters, got %zu: %.80s", mysql_stmt_param_count(stmt), ncols, sql);
        return DB_ERR;
    }
    /* column-wise arrays, as array binding wants them */
    long long *cols = arena_alloc(a, sizeof *cols * nrows * ncols);
    MYSQL_BIND *pb = arena_calloc(a, ncols, sizeof *pb);
    for (size_t k = 0; k < ncols; k++) {
        for (size_t i = 0; i < nrows; i++)
            cols[k * nrows + i] = v[i * ncols + k];
        pb[k].buffer_type = MYSQL_TYPE_LONGLONG;
        pb[k].buffer = &cols[k * nrows];
    }
    unsigned int size = (unsigned int)nrows;
    if (mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &size) || mysql_stmt_bind_param(stmt, pb) ||
        mysql_stmt_execute(stmt)) {
        st = classify(c, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        if (st == DB_GONE)
            drop_cache(c);
        else
            forget(c, stmt);   /* its array size must not stay with it */
        return st;
    }
    unsigned int one = 1;
    mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &one);
    return DB_OK;
}

db_status db_begin(db_conn *c)
{
    return db_exec_script(c, "START TRANSACTION");
}

db_status db_commit(db_conn *c)
{
    return db_exec_script(c, "COMMIT");
}

db_status db_rollback(db_conn *c)
{
    if (db_broken(c))
        return DB_GONE;
    return db_exec_script(c, "ROLLBACK");
}

db_status db_use(db_conn *c, const char *db)
{
    char sql[100];
    if (!db_ident_ok(db))
        return DB_ERR;
    snprintf(sql, sizeof sql, "USE `%s`", db);
    drop_cache(c);
    return db_exec_script(c, sql);
}

uint64_t db_insert_id(db_conn *c)
{
    return c && c->my ? mysql_insert_id(c->my) : 0;
}

bool db_ident_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

void db_thread_init(void)
{
    mysql_thread_init();
}

void db_thread_end(void)
{
    mysql_thread_end();
}
