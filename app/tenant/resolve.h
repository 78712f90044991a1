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
#include "util/crypto.h"

struct worker_ctx;
struct request;
struct tz_zone;

typedef struct tenant_ctx {
    long long id;
    const char *code, *name, *status;
    int schema_version;
    uint64_t quota_bytes;
    db_conn *db;
    const unsigned char *datakey;   /* CRYPTO_KEY_LEN bytes */
    const struct tz_zone *tz;       /* the setting time_zone (util/tz.h; Asia/Tokyo when unset) */
} tenant_ctx;

typedef enum tenant_result {
    TR_OK,
    TR_NOT_FOUND,     /* no such tenant (or not yet provisioned, or erased) */
    TR_SUSPENDED,
    TR_UNAVAILABLE,   /* MariaDB cannot be reached */
    TR_SCHEMA_OLD,    /* migrations pending */
    TR_SCHEMA_NEW,    /* schema newer than this build knows */
    TR_ERROR,         /* key does not unwrap, wrong database, ... (logged) */
} tenant_result;

typedef struct tenant_cache tenant_cache;

tenant_cache *tenant_cache_new(unsigned size);
/* Close every connection (metrics slot for the gauge). */
void tenant_cache_free(tenant_cache **c, unsigned slot);
/* The time zone tenant code had at this thread's last checkout of it, or
 * NULL: for pages drawn before the tenant step (maintenance). */
const struct tz_zone *tenant_cached_zone(const tenant_cache *c, const char *code);
tenant_result tenant_checkout(struct worker_ctx *w, struct request *r, const char *code, tenant_ctx **out);

#endif
