#include "reports/values.h"
#include "forms/model.h"
#include "forms/value.h"
#include "tenant/resolve.h"
#include "tenant/user.h"
#include "util/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

const char *rvals_now(arena *a)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(a, b);
}

static int cmp_key(int s1, int c1, int s2, int c2)
{
    return s1 != s2 ? (s1 < s2 ? -1 : 1) : c1 != c2 ? (c1 < c2 ? -1 : 1) : 0;
}

/* Index of (sheet, cluster) in r, or where it would go (as -1 - index). */
static int locate(const rvals *r, int sheet, int cluster)
{
    int lo = 0, hi = r->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = cmp_key(r->v[mid].sheet, r->v[mid].cluster, sheet, cluster);
        if (!c)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1 - lo;
}

const rvalue *rvals_get(const rvals *r, int sheet, int cluster)
{
    int i = r && r->n ? locate(r, sheet, cluster) : -1;
    return i >= 0 ? &r->v[i] : NULL;
}

void rvals_put(arena *a, rvals *r, const rvalue *v)
{
    int i = locate(r, v->sheet, v->cluster);
    if (i >= 0) {
        r->v[i] = *v;
        return;
    }
    i = -1 - i;
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 64;
        rvalue *nv = arena_alloc(a, (size_t)cap * sizeof *nv);
        if (r->n)
            memcpy(nv, r->v, (size_t)r->n * sizeof *nv);
        r->v = nv;
        r->cap = cap;
    }
    memmove(&r->v[i + 1], &r->v[i], (size_t)(r->n - i) * sizeof *r->v);
    r->v[i] = *v;
    r->n++;
}

static const char *member(arena *a, json_object *o, const char *key)
{
    json_object *m;
    if (!json_object_object_get_ex(o, key, &m) || !m)
        return NULL;
    if (json_object_is_type(m, json_type_string))
        return arena_strndup(a, json_object_get_string(m), (size_t)json_object_get_string_len(m));
    return arena_strdup(a, json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

bool rvals_parse(arena *a, const char *json, rvals *out)
{
    memset(out, 0, sizeof *out);
    if (!json || !*json)
        return true;
    json_tokener *tok = json_tokener_new_ex(8);
    if (!tok)
        return false;
    json_object *o = json_tokener_parse_ex(tok, json, (int)strlen(json));
    bool ok = o && json_tokener_get_error(tok) == json_tokener_success && json_object_is_type(o, json_type_object);
    json_tokener_free(tok);
    if (!ok) {
        json_object_put(o);
        return false;
    }
    out->cap = json_object_object_length(o) + 1;
    out->v = arena_calloc(a, (size_t)out->cap, sizeof *out->v);
    json_object_object_foreach(o, k, x) {
        rvalue v = {0};
        int used = 0;
        if (sscanf(k, "%d/%d%n", &v.sheet, &v.cluster, &used) != 2 || k[used] || !x ||
            !json_object_is_type(x, json_type_object))
            continue;
        v.value = member(a, x, "v");
        if (!v.value)
            v.value = "";
        v.at = member(a, x, "at");
        v.by = member(a, x, "by");
        v.gps = member(a, x, "g");
        json_object *oon;
        v.oon = json_object_object_get_ex(x, "o", &oon) && oon && json_object_get_int(oon) == 1;
        rvals_put(a, out, &v);
    }
    json_object_put(o);
    return true;
}

const char *rvals_text(arena *a, const rvals *r)
{
    buf b;
    buf_init(&b, a);
    buf_addc(&b, '{');
    for (int i = 0; i < r->n; i++) {
        const rvalue *v = &r->v[i];
        buf_adds(&b, i ? ",\"" : "\"");
        buf_addi(&b, v->sheet);
        buf_addc(&b, '/');
        buf_addi(&b, v->cluster);
        buf_adds(&b, "\":{\"v\":");
        jx_buf_str(&b, v->value ? v->value : "");
        if (v->at) {
            buf_adds(&b, ",\"at\":");
            jx_buf_str(&b, v->at);
        }
        if (v->by) {
            buf_adds(&b, ",\"by\":");
            jx_buf_str(&b, v->by);
        }
        if (v->gps) {   /* already JSON */
            buf_adds(&b, ",\"g\":");
            buf_adds(&b, v->gps);
        }
        if (v->oon)
            buf_adds(&b, ",\"o\":1");
        buf_addc(&b, '}');
    }
    buf_addc(&b, '}');
    return b.data;
}

void rvals_api_text(buf *b, const rvals *r)
{
    buf_addc(b, '[');
    for (int i = 0; i < r->n; i++) {
        const rvalue *v = &r->v[i];
        buf_adds(b, i ? ",{\"sheet\":" : "{\"sheet\":");
        buf_addi(b, v->sheet);
        buf_adds(b, ",\"cluster\":");
        buf_addi(b, v->cluster);
        buf_adds(b, ",\"value\":");
        jx_buf_str(b, v->value ? v->value : "");
        buf_adds(b, ",\"edited_at\":");
        jx_buf_str(b, v->at);
        buf_adds(b, ",\"edited_by\":");
        jx_buf_str(b, v->by);
        if (v->gps) {
            buf_adds(b, ",\"gps\":");
            buf_adds(b, v->gps);
        }
        if (v->oon)
            buf_adds(b, ",\"out_of_normal\":true");
        buf_addc(b, '}');
    }
    buf_addc(b, ']');
}

json_object *rvals_api_json(const rvals *r)
{
    json_object *arr = json_object_new_array_ext(r->n);
    for (int i = 0; i < r->n; i++) {
        const rvalue *v = &r->v[i];
        json_object *x = json_object_new_object();
        jx_add_int(x, "sheet", v->sheet);
        jx_add_int(x, "cluster", v->cluster);
        jx_add_str(x, "value", v->value ? v->value : "");
        jx_add_str(x, "edited_at", v->at);
        jx_add_str(x, "edited_by", v->by);
        if (v->gps)
            json_object_object_add(x, "gps", json_tokener_parse(v->gps));
        if (v->oon)
            jx_add_bool(x, "out_of_normal", true);
        json_object_array_add(arr, x);
    }
    return arr;
}

static void change(buf *b, int sheet, int cluster, const char *old, const char *nw)
{
    buf_printf(b, "%s{\"s\":%d,\"c\":%d,\"o\":", b->len > 1 ? "," : "", sheet, cluster);
    jx_buf_str(b, old);
    buf_adds(b, ",\"n\":");
    jx_buf_str(b, nw ? nw : "");
    buf_addc(b, '}');
}

const char *rvals_changes(arena *a, const rvals *before, const rvals *after)
{
    buf b;
    buf_init(&b, a);
    buf_addc(&b, '[');
    int i = 0, j = 0, nb = before ? before->n : 0;
    while (i < nb || j < after->n) {
        const rvalue *x = i < nb ? &before->v[i] : NULL, *y = j < after->n ? &after->v[j] : NULL;
        int c = !x ? 1 : !y ? -1 : cmp_key(x->sheet, x->cluster, y->sheet, y->cluster);
        if (c < 0) {   /* gone: an empty value now */
            if (*x->value)
                change(&b, x->sheet, x->cluster, x->value, "");
            i++;
        } else if (c > 0) {
            if (*y->value)
                change(&b, y->sheet, y->cluster, NULL, y->value);
            j++;
        } else {
            if (strcmp(x->value, y->value))
                change(&b, y->sheet, y->cluster, x->value, y->value);
            i++, j++;
        }
    }
    buf_addc(&b, ']');
    return b.len > 2 ? b.data : NULL;
}

static bool indexed(const definition *d, const rvalue *v)
{
    if (!v->value || !*v->value || strlen(v->value) > RVALS_SEARCH_MAX)
        return false;
    const def_cluster *c = d ? def_find(d, v->sheet, v->cluster) : NULL;
    return !d || (c && value_indexed(c->type));
}

typedef struct entries {
    long long *v;   /* field, vhash pairs */
    size_t n;
} entries;

static void entry(entries *e, const rvalue *v)
{
    e->v[2 * e->n] = (long long)v->sheet * 100000LL + v->cluster;
    e->v[2 * e->n + 1] = (long long)crc32(0L, (const Bytef *)v->value, (uInt)strlen(v->value));
    e->n++;
}

db_status rvals_index(op_ctx *op, const definition *d, rsearch_key k, const rvals *before, const rvals *after)
{
    int nb = before ? before->n : 0;
    entries gone = {arena_alloc(op->a, sizeof(long long) * 2 * ((size_t)nb + 1)), 0};
    entries added = {arena_alloc(op->a, sizeof(long long) * 2 * ((size_t)after->n + 1)), 0};
    int i = 0, j = 0;
    while (i < nb || j < after->n) {
        const rvalue *x = i < nb ? &before->v[i] : NULL, *y = j < after->n ? &after->v[j] : NULL;
        int c = !x ? 1 : !y ? -1 : cmp_key(x->sheet, x->cluster, y->sheet, y->cluster);
        if (c <= 0 && x && indexed(d, x) && (c < 0 || strcmp(x->value, y->value)))
            entry(&gone, x);
        if (c >= 0 && y && indexed(d, y) && (c > 0 || strcmp(x->value, y->value)))
            entry(&added, y);
        if (c <= 0)
            i++;
        if (c >= 0)
            j++;
    }
    /* numbers only: the removals in one plain statement, the additions as
     * one bulk execution of a prepared INSERT (no parsing per row); the
     * creation time goes as whole microseconds after 1970 (exact, and
     * the same whatever the session's time zone) */
    db_conn *db = op->tenant->db;
    db_status st = DB_OK;
    if (gone.n)
        st = db_exec_ints(db, op->a,
                          arena_printf(op->a, "DELETE FROM report_search WHERE definition_id = %lld AND created_at = "
                                              "TIMESTAMP'1970-01-01 00:00:00' + INTERVAL %lld MICROSECOND AND seq = %lld AND "
                                              "(field, vhash) IN (", k.def_id, k.created_ms * 1000, k.seq),
                          gone.v, gone.n, 2, ")", NULL);
    if (st == DB_OK && added.n) {
        long long *rows = arena_alloc(op->a, sizeof(long long) * 5 * added.n);
        for (size_t r = 0; r < added.n; r++) {
            rows[5 * r] = k.def_id;
            rows[5 * r + 1] = added.v[2 * r];
            rows[5 * r + 2] = added.v[2 * r + 1];
            rows[5 * r + 3] = k.created_ms * 1000;
            rows[5 * r + 4] = k.seq;
        }
        st = db_insert_rows(db, op->a, "INSERT IGNORE INTO report_search (definition_id, field, vhash, created_at, seq) "
                            "VALUES (?, ?, ?, TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? MICROSECOND, ?)",
                            rows, added.n, 5);
    }
    return st;
}

db_status report_event(op_ctx *op, const char *id, int rev, const char *kind, const char *changes)
{
    return db_query(op->tenant->db, op->a,
                    "INSERT INTO report_events (report_id, rev, kind, user_id, device_id, at, changes) "
                    "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?)",
                    DB_ARGS(DB_STR(id), DB_INT(rev), DB_STR(kind), DB_INT(op->user->id), DB_STR(op->user->device_id),
                            DB_STR(changes)),
                    NULL, NULL);
}
