#include "tenant/resolve.h"
#include "db/migrate.h"
#include "tenant/op.h"
#include "tenant/code.h"
#include "tenant/keys.h"
#include "util/config.h"
#include "util/log.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tslot {
    char code[TENANT_CODE_MAX + 1];
    db_conn *db;
    unsigned char datakey[CRYPTO_KEY_LEN];
    unsigned char fp[32];           /* fingerprint of the wrapped secrets it was opened with */
    unsigned long long used;
    const tz_zone *tz;              /* the tenant's time zone as last read */
    long long checked_at;           /* when DATABASE() was last asserted (monotonic s), 0 = never */
    long long used_at;              /* the last checkout (monotonic s) */
    tenant_memo memo;
};

struct tenant_cache {
    const tenant_env *env;
    unsigned n;
    unsigned long long tick;
    struct tslot *s;
};

tenant_cache *tenant_cache_new(unsigned size, const tenant_env *env)
{
    tenant_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->env = env;
    c->n = size ? size : 1;
    c->s = calloc(c->n, sizeof *c->s);
    if (!c->s) {
        free(c);
        return NULL;
    }
    return c;
}

static void slot_close(const tenant_env *env, struct tslot *s)
{
    if (s->db) {
        db_close(&s->db);
        if (env->conns)
            env->conns(-1);
    }
    crypto_wipe(s->datakey, sizeof s->datakey);
    s->code[0] = '\0';
    if (s->memo.perms && s->memo.perms_free)
        s->memo.perms_free(s->memo.perms);
    memset(&s->memo, 0, sizeof s->memo);
    s->checked_at = s->used_at = 0;
    s->tz = NULL;
}

void tenant_cache_free(tenant_cache **cp)
{
    if (!cp || !*cp)
        return;
    for (unsigned i = 0; i < (*cp)->n; i++)
        slot_close((*cp)->env, &(*cp)->s[i]);
    free((*cp)->s);
    free(*cp);
    *cp = NULL;
}

static const char *const lookup_sql =
    "SELECT id, name, status, db_name, db_user, db_password_wrapped, data_key_wrapped, schema_version, quota_bytes "
    "FROM tenants WHERE code = ?";

static tenant_result lookup(const tenant_env *env, arena *a, const char *code, db_rows *rows)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        db_conn *ctl;
        db_status st = env->control(env->ctx, &ctl);
        if (st == DB_GONE)
            return TR_UNAVAILABLE;
        if (st != DB_OK)
            return TR_ERROR;
        st = db_query(ctl, a, lookup_sql, DB_ARGS(DB_STR(code)), rows, NULL);
        if (st == DB_OK)
            return TR_OK;
        if (st != DB_GONE) {
            log_error("tenant lookup: %s", db_error(ctl));
            return TR_ERROR;
        }
        /* the server went away since this connection was last used:
         * reconnect once (a read is safe to repeat) */
    }
    return TR_UNAVAILABLE;
}

/* Open (or reuse) this thread's connection for the tenant. */
static tenant_result connect_tenant(tenant_cache *c, arena *a, const char *code, const db_rows *rows,
                                    struct tslot **out)
{
    const tenant_env *env = c->env;
    const char *dbname = db_cell(rows, 0, 3), *dbuser = db_cell(rows, 0, 4);
    const unsigned char *pw_w = (const unsigned char *)db_cell(rows, 0, 5);
    const unsigned char *dk_w = (const unsigned char *)db_cell(rows, 0, 6);
    size_t pw_len = rows->len[5], dk_len = rows->len[6];
    unsigned char fp[32];
    {
        unsigned char *cat = arena_alloc(a, pw_len + dk_len + 1);
        memcpy(cat, pw_w, pw_len);
        memcpy(cat + pw_len, dk_w, dk_len);
        crypto_sha256(cat, pw_len + dk_len, fp);
    }
    struct tslot *s = NULL, *victim = &c->s[0];
    for (unsigned i = 0; i < c->n; i++) {
        if (c->s[i].code[0] && !strcmp(c->s[i].code, code)) {
            s = &c->s[i];
            break;
        }
        if (!c->s[i].code[0] || c->s[i].used < victim->used)
            victim = &c->s[i];
    }
    if (s && memcmp(s->fp, fp, sizeof fp) != 0) {
        slot_close(env, s);   /* secrets changed (rotation): open afresh */
        victim = s;
        s = NULL;
    }
    if (!s) {
        if (victim->code[0])
            slot_close(env, victim);
        s = victim;
        const keyring *kr = env->keys;
        if (pw_len < CRYPTO_SEAL_OVERHEAD || dk_len != CRYPTO_KEY_LEN + CRYPTO_SEAL_OVERHEAD) {
            log_error("tenant %s: wrapped secrets are malformed", code);
            return TR_ERROR;
        }
        char *pw = arena_alloc(a, pw_len - CRYPTO_SEAL_OVERHEAD + 1);
        if (!keys_unwrap(kr, code, "dbpass", pw_w, pw_len, (unsigned char *)pw) ||
            !keys_unwrap(kr, code, "datakey", dk_w, dk_len, s->datakey)) {
            log_error("tenant %s: its keys do not unwrap with the master key (wrong key file?)", code);
            return TR_ERROR;
        }
        pw[pw_len - CRYPTO_SEAL_OVERHEAD] = '\0';
        const genba_config *cfg = env->cfg;
        db_params p = {.socket = cfg->db_socket, .host = cfg->db_host, .port = cfg->db_port, .user = dbuser,
                       .password = pw, .database = dbname};
        char err[512];
        bool gone = true;
        s->db = db_open(&p, err, sizeof err, &gone);
        crypto_wipe(pw, pw_len - CRYPTO_SEAL_OVERHEAD);
        if (!s->db) {
            crypto_wipe(s->datakey, sizeof s->datakey);
            log_warn("tenant %s: %s", code, err);
            return gone ? TR_UNAVAILABLE : TR_ERROR;
        }
        if (env->conns)
            env->conns(1);
        snprintf(s->code, sizeof s->code, "%s", code);
        memcpy(s->fp, fp, sizeof fp);
    }
    s->used = ++c->tick;
    *out = s;
    return TR_OK;
}

/* Assert the connection is alive and on the tenant's own database (after a
 * reconnect when the server had dropped it); the same round trip reads the
 * tenant's time zone (*zone: the stored name or NULL). */
static tenant_result assert_database(struct tslot *s, arena *a, const char *dbname, const char **zone)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        db_rows rows;
        db_status st = db_broken(s->db) ? DB_GONE
                                        : db_query(s->db, a,
                                                   "SELECT DATABASE(), (SELECT value FROM settings WHERE name = 'time_zone')",
                                                   DB_NOARGS, &rows, NULL);
        if (st == DB_OK) {
            *zone = db_cell(&rows, 0, 1);
            const char *cur = db_cell(&rows, 0, 0);
            if (!cur || strcmp(cur, dbname) != 0) {
                log_error("tenant connection is on database %s, expected %s: refusing", cur ? cur : "(none)",
                          dbname);
                return TR_ERROR;
            }
            return TR_OK;
        }
        if (st != DB_GONE)
            return TR_ERROR;
        if (db_reconnect(s->db) != DB_OK)
            return TR_UNAVAILABLE;
    }
    return TR_UNAVAILABLE;
}

static long long mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

static const tz_zone *zone_named(const char *code, const char *zone)
{
    const tz_zone *z = tz_find(zone);
    if (!z && zone)
        log_warn("tenant %s: time zone '%s' is unknown; using %s", code, zone, TZ_DEFAULT);
    return z ? z : tz_default();
}

void tenant_set_zone(tenant_ctx *t, const char *zone)
{
    t->tz = zone_named(t->code, zone);
    if (t->slot)
        ((struct tslot *)t->slot)->tz = t->tz;
}

const tz_zone *tenant_zone(tenant_ctx *t)
{
    if (t->tz)
        return t->tz;
    db_rows rows;
    arena *a = arena_new();
    const char *zone = NULL;
    if (a && db_query(t->db, a, "SELECT value FROM settings WHERE name = 'time_zone'", DB_NOARGS, &rows, NULL) == DB_OK &&
        rows.nrows)
        zone = db_cell(&rows, 0, 0);
    tenant_set_zone(t, zone);
    arena_free(&a);
    return t->tz;
}

const tz_zone *tenant_cached_zone(const tenant_cache *c, const char *code)
{
    for (unsigned i = 0; c && code && i < c->n; i++)
        if (c->s[i].code[0] && !strcmp(c->s[i].code, code))
            return c->s[i].tz;
    return NULL;
}

tenant_result tenant_checkout(tenant_cache *c, arena *a, const char *code, tenant_ctx **out)
{
    db_rows rows;
    *out = NULL;
    if (!c)
        return TR_ERROR;
    tenant_result tr = lookup(c->env, a, code, &rows);
    if (tr != TR_OK)
        return tr;
    if (rows.nrows != 1)
        return TR_NOT_FOUND;
    const char *status = db_cell(&rows, 0, 2);
    if (!status || !strcmp(status, "provisioning") || !strcmp(status, "erased"))
        return TR_NOT_FOUND;
    if (!strcmp(status, "suspended"))
        return TR_SUSPENDED;
    int schema = atoi(db_cell(&rows, 0, 7) ? db_cell(&rows, 0, 7) : "0");
    if (schema < migrate_known_version(MIGRATE_TENANT)) {
        log_warn("tenant %s: schema version %d, this server needs %d: run genbactl migrate", code, schema,
                 migrate_known_version(MIGRATE_TENANT));
        return TR_SCHEMA_OLD;
    }
    if (schema > migrate_known_version(MIGRATE_TENANT)) {
        log_error("tenant %s: schema version %d is newer than this server knows (%d): upgrade genba", code,
                  schema, migrate_known_version(MIGRATE_TENANT));
        return TR_SCHEMA_NEW;
    }
    struct tslot *s;
    tr = connect_tenant(c, a, code, &rows, &s);
    if (tr != TR_OK)
        return tr;
    /* DATABASE() is asserted when the connection is new, broke, or sat idle
     * long enough for the server to have gone away meanwhile (a restart):
     * a connection in steady use costs no extra round trip */
    const char *zone = NULL;
    long long now = mono_now();
    bool check = !s->checked_at || db_broken(s->db) || now - s->used_at >= TENANT_IDLE_CHECK;
    if (check) {
        tr = assert_database(s, a, db_cell(&rows, 0, 3), &zone);
        if (tr != TR_OK)
            return tr;
        s->checked_at = now;
    }
    s->used_at = now;
    tenant_ctx *t = arena_calloc(a, 1, sizeof *t);
    t->id = atoll(db_cell(&rows, 0, 0));
    t->code = arena_strdup(a, code);
    t->name = db_cell(&rows, 0, 1);
    t->status = status;
    t->schema_version = schema;
    t->quota_bytes = strtoull(db_cell(&rows, 0, 8) ? db_cell(&rows, 0, 8) : "0", NULL, 10);
    t->db = s->db;
    t->datakey = s->datakey;
    t->slot = s;
    if (check)   /* read with the check; else on first use (tenant_zone), or by the session's lookup */
        tenant_set_zone(t, zone);
    t->memo = &s->memo;
    *out = t;
    return TR_OK;
}
