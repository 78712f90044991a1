#include "forms/defcache.h"
#include "db/txn.h"
#include "forms/defxml.h"
#include "tenant/resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ENTRIES 16

struct entry {
    char tenant[40];
    long long id;
    int rev;
    char sha[65];
    arena *a;
    const definition *d;
    unsigned long long used;
    def_rev info;                /* as last read (strings in a) */
    long long checked_at;        /* when info was read (monotonic s) */
};

static long long mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

static const char *keep(arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

/* Remember what the revision's row said, for the fast path. */
static void note(struct entry *e, const def_rev *info)
{
    e->checked_at = mono_now();
    if (e->info.status && !strcmp(e->info.status, info->status ? info->status : "") && e->info.updated_at &&
        info->updated_at && !strcmp(e->info.updated_at, info->updated_at))
        return;   /* as before: nothing new to keep in the entry's arena */
    e->info = (def_rev){.id = info->id, .revision = info->revision, .name = keep(e->a, info->name),
                        .status = keep(e->a, info->status), .sha256 = keep(e->a, info->sha256),
                        .updated_at = keep(e->a, info->updated_at),
                        .available_from = keep(e->a, info->available_from),
                        .available_until = keep(e->a, info->available_until)};
}

static _Thread_local struct entry cache[ENTRIES];
static _Thread_local unsigned long long tick;

void defcache_thread_end(void)
{
    for (int i = 0; i < ENTRIES; i++)
        arena_free(&cache[i].a);
    memset(cache, 0, sizeof cache);
}

const definition *defcache_get(op_ctx *op, long long id, int rev, def_rev *info, op_result *res)
{
    /* a published or archived revision never changes: read lately, it is
     * used as it is (its status is read again every DEFCACHE_FRESH s) */
    const char *code = op->tenant->code;
    long long now = mono_now();
    for (int i = 0; rev && i < ENTRIES; i++) {
        struct entry *e = &cache[i];
        if (e->d && e->id == id && e->rev == rev && !strcmp(e->tenant, code) && e->info.status &&
            (!strcmp(e->info.status, "published") || !strcmp(e->info.status, "archived")) &&
            now - e->checked_at < DEFCACHE_FRESH) {
            *info = e->info;
            e->used = ++tick;
            *res = OP_OK;
            return e->d;
        }
    }
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT v.definition_id, v.revision, v.name, v.status, v.sha256, "
                            "DATE_FORMAT(v.updated_at, '%Y-%m-%dT%H:%i:%sZ'), v.available_from, v.available_until "
                            "FROM definition_revisions v JOIN definitions d ON d.id = v.definition_id "
                            "WHERE v.definition_id = ? AND v.revision = IF(? = 0, d.latest_revision, ?)",
                            DB_ARGS(DB_INT(id), DB_INT(rev), DB_INT(rev)), &rows, NULL);
    if (st != DB_OK || !rows.nrows) {
        *res = st != DB_OK ? txn_result(st) : OP_NOT_FOUND;
        return NULL;
    }
    memset(info, 0, sizeof *info);
    info->id = atoll(db_cell(&rows, 0, 0));
    info->revision = atoi(db_cell(&rows, 0, 1));
    info->name = db_cell(&rows, 0, 2);
    info->status = db_cell(&rows, 0, 3);
    info->sha256 = db_cell(&rows, 0, 4);
    info->updated_at = db_cell(&rows, 0, 5);
    info->available_from = db_cell(&rows, 0, 6);
    info->available_until = db_cell(&rows, 0, 7);
    struct entry *victim = &cache[0];
    for (int i = 0; i < ENTRIES; i++) {
        struct entry *e = &cache[i];
        if (e->d && e->id == info->id && e->rev == info->revision && !strcmp(e->tenant, code) &&
            !strcmp(e->sha, info->sha256)) {
            note(e, info);
            e->used = ++tick;
            *res = OP_OK;
            return e->d;
        }
        if (e->used < victim->used)
            victim = e;
    }
    /* a miss: read the XML and parse it into the entry's own arena */
    def_rev full;
    if ((*res = defstore_get(op, info->id, info->revision, &full)) != OP_OK)
        return NULL;
    arena_free(&victim->a);
    memset(victim, 0, sizeof *victim);
    if (strlen(code) >= sizeof victim->tenant || !(victim->a = arena_new())) {
        *res = OP_ERROR;
        return NULL;
    }
    errs e;
    errs_init(&e, op->a);
    definition *d = NULL;
    if (!defxml_read(victim->a, full.xml, strlen(full.xml), &d, &e) || !d) {
        arena_free(&victim->a);
        *res = OP_ERROR;
        return NULL;
    }
    strcpy(victim->tenant, code);
    victim->id = full.id;
    victim->rev = full.revision;
    snprintf(victim->sha, sizeof victim->sha, "%s", full.sha256);
    victim->d = d;
    note(victim, info);
    victim->used = ++tick;
    *res = OP_OK;
    return d;
}
