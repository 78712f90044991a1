/* defcache.h - parsed definition revisions kept per worker thread, so a
 * report save does not read and parse a (possibly 250-cluster) definition
 * every time.
 *
 * An entry is keyed by tenant code, definition id, revision AND the SHA-256
 * of the revision's canonical XML, so a revision replaced in place (drafts)
 * or a tenant's data never answers for another: a lookup first reads the
 * revision's current hash from the tenant's own database.  A revision that
 * is published or archived never changes: asked for by number, it is used
 * without that read for DEFCACHE_FRESH seconds after the last one (its
 * status, archived or deleted, may show that late).  Each entry owns its
 * arena.  Thread-local: no locking, nothing shared between threads.
 */
#ifndef GENBA_DEFCACHE_H
#define GENBA_DEFCACHE_H

#include "forms/model.h"
#include "forms/store.h"
#include "tenant/op.h"

#define DEFCACHE_FRESH 5

/* The model of revision rev of definition id with its row in *info (xml
 * not loaded when the cache answers).  NULL with *res otherwise. */
const definition *defcache_get(op_ctx *op, long long id, int rev, def_rev *info, op_result *res);
/* Free this thread's entries (thread exit). */
void defcache_thread_end(void);

#endif
