/* manifest.h - backup generations on disk and their manifest.json.
 *
 * backup_dir holds one directory per generation, named by the run's UTC
 * time ("20260301T010000Z", "-2" etc. when one already exists):
 *
 *     manifest.json            what is in it (below)
 *     control.dump.enc         the control DB (bkfile.h, master key)
 *     tenant-<code>.dump.enc   each tenant (bkfile.h, its data key)
 *
 * A run builds ".partial-<generation>" and renames it into place when done;
 * ".lock" serialises runs.  The manifest:
 *
 *     {"format": "genba-backup-manifest 1", "generation", "run_at",
 *      "started_at", "finished_at", "host", "os_user", "genba_version",
 *      "tags": ["daily", "weekly", "monthly"], "complete": true,
 *      "compression": "zlib", "cipher": "AES-256-GCM", "chunk_bytes",
 *      "files": [{"kind": "control"|"tenant", "tenant", "database", "file",
 *                 "bytes", "sha256", "dump_bytes", "dump_sha256", "records",
 *                 "key_id", "schema_version", "snapshot_not_before",
 *                 "snapshot_not_after", "tables": {"name": {"rows",
 *                 "checksum"}}}],
 *      "failed": [{"tenant", "error"}], "amended": [{"at", "what"}]}
 *
 * "bytes"/"sha256" are the encrypted file's; "tables" are the row counts
 * and CHECKSUM TABLE values of the dump loaded into a scratch database when
 * the run checked the file (see backup.c).  Single-threaded.
 */
#ifndef GENBA_MANIFEST_H
#define GENBA_MANIFEST_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "ops/ops.h"

#define MANIFEST_FORMAT "genba-backup-manifest 1"

typedef struct bk_gen {
    char id[48];
    char *path;             /* backup_dir/id, in the env's arena */
    time_t at;              /* run_at */
    unsigned tags;
    bool complete;
    uint64_t bytes;         /* sum of the files */
    char sha256[65];        /* of manifest.json */
    json_object *m;         /* owned: manifest_list_free puts it */
} bk_gen;

/* true when id has the shape of a generation name (no path tricks). */
bool manifest_id_ok(const char *id);
/* The generations in backup_dir with a readable manifest, newest first. */
bool manifest_list(const ops_env *e, bk_gen **out, size_t *n, char *err, size_t errlen);
void manifest_list_free(bk_gen **g, size_t n);
/* One generation (id NULL: the newest); false with err when absent. */
bool manifest_get(const ops_env *e, const char *id, bk_gen *out, char *err, size_t errlen);
void manifest_gen_free(bk_gen *g);
/* Read dir/manifest.json (caller puts *m). */
bool manifest_load(const char *dir, json_object **m, char sha[65], char *err, size_t errlen);
/* Write dir/manifest.json atomically; sha gets its SHA-256. */
bool manifest_write(const char *dir, json_object *m, char sha[65], char *err, size_t errlen);
/* The manifest's entry for tenant (NULL: the control DB), or NULL. */
json_object *manifest_file(json_object *m, const char *tenant);
/* File name of a tenant's dump ("tenant-<code>.dump.enc") or the control DB's. */
const char *manifest_file_name(const ops_env *e, const char *tenant);
const char *manifest_str(json_object *o, const char *key);
long long manifest_int(json_object *o, const char *key);

#endif
