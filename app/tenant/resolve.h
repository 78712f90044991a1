/* resolve.h - from a tenant code in the path to that tenant's database.
 *
 * tenant_checkout reads the tenant's row from the control database, checks
 * its status and schema version, and hands out a connection opened with the
 * tenant's own MariaDB account (which has grants on that database alone),
 * after asserting that DATABASE() is the tenant's.  Connections are kept in
 * a small per-thread LRU cache (tenant_cache); a connection the server
 * dropped is reopened once, and statements are prepared again.
 *
 * A tenant_cache belongs to one thread.  The tenant_ctx handed out lives in
 * the request's arena; its db and data key belong to the cache and stay
 * valid until the thread's next checkout.
 */
#ifndef GENBA_RESOLVE_H
#define GENBA_RESOLVE_H

#include <stdint.h>
#include "db/db.h"
#include "tenant/keys.h"
#include "util/crypto.h"

struct tz_zone;
struct genba_config;

/* What a thread remembers of a tenant between requests (in its cache slot). */
typedef struct tenant_memo {
    uint64_t table_bytes;           /* the tables' size (information_schema), 0 = not read yet */
    long long table_bytes_at;       /* when it was read (monotonic seconds) */
    uint64_t attach_bytes;          /* the sealed attachments' size when last counted */
    void *perms;                    /* users' rights, auth/perm.c's (freed with perms_free) */
    void (*perms_free)(void *);
} tenant_memo;

typedef struct tenant_ctx {
    long long id;
    const char *code, *name, *status;
    int schema_version;
    uint64_t quota_bytes;
    db_conn *db;
    const unsigned char *datakey;   /* CRYPTO_KEY_LEN bytes */
    const struct tz_zone *tz;       /* the setting time_zone: read it with tenant_zone() */
    tenant_memo *memo;              /* this thread's memory of the tenant; never NULL */
    void *slot;                     /* the cache slot (resolve.c) */
} tenant_ctx;

/* A connection unused this many seconds is checked again (DATABASE()) before use. */
#define TENANT_IDLE_CHECK 2

typedef enum tenant_result {
    TR_OK,
    TR_NOT_FOUND,     /* no such tenant (or not yet provisioned, or erased) */
    TR_SUSPENDED,
    TR_UNAVAILABLE,   /* MariaDB cannot be reached */
    TR_SCHEMA_OLD,    /* migrations pending */
    TR_SCHEMA_NEW,    /* schema newer than this build knows */
    TR_ERROR,         /* key does not unwrap, wrong database, ... (logged) */
} tenant_result;

/* What a thread lends its tenant cache: the configuration (database
 * address), the master keys, its control-database connection (opened or
 * reopened by control; DB_GONE when MariaDB is away) and a counter of open
 * tenant connections for the metrics (may be NULL).  Read-only. */
typedef struct tenant_env {
    const struct genba_config *cfg;
    const keyring *keys;
    db_status (*control)(void *ctx, db_conn **out);
    void *ctx;
    void (*conns)(int delta);
} tenant_env;

typedef struct tenant_cache tenant_cache;

tenant_cache *tenant_cache_new(unsigned size, const tenant_env *env);
/* Close every connection. */
void tenant_cache_free(tenant_cache **c);
/* The tenant's time zone (the setting time_zone, util/tz.h; Asia/Tokyo when
 * unset or unknown), read once per request when nothing read it yet. */
const struct tz_zone *tenant_zone(tenant_ctx *t);
/* Set it from the setting's value (zone: a name or NULL), as a query that
 * read it along with other things found it (auth/session.c). */
void tenant_set_zone(tenant_ctx *t, const char *zone);
/* The time zone tenant code had at this thread's last checkout of it, or
 * NULL: for pages drawn before the tenant step (maintenance). */
const struct tz_zone *tenant_cached_zone(const tenant_cache *c, const char *code);
/* The tenant's context (in a) with a connection of this thread's cache. */
tenant_result tenant_checkout(tenant_cache *c, arena *a, const char *code, tenant_ctx **out);

#endif
