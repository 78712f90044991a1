/* import.h - reports coming in from other systems in the ConMas report-data
 * format (the external API's AutoGenerate and UpdateReport): the file read
 * into a batch (reports/import_read.c, pure), then the batch written
 * report by report (reports/import.c).
 *
 * The formats (README "For integrators"):
 *   xml     <conmas><top>…</top><top>…</top></conmas>, one <top> a report:
 *           defTopId, repTopId, repTopName, editStatus, createUserId,
 *           remarksValue1-10, systemKey1-5, rev (genba's: the revision read,
 *           checked like If-Match), sheets/sheet/clusters/cluster with
 *           sheetNo, clusterId, value, approver, approvalDate,
 *           approverComment, approvalSignImage (top/clusters/cluster with a
 *           sheetNo each is read too).  Any other element (createRoleMode,
 *           name, type, …) is accepted and ignored.  The text "(ignore)" or
 *           "{ignore}" and an absent element leave a field as it is; an
 *           empty element clears it.  UTF-8, or Shift_JIS (CP932) when the
 *           declaration or the `encoding` field says so.
 *   xmlZip  a zip holding import.xml (the above) and the image files that
 *           approvalSignImage or an Image/Handwriting/FreeDraw cluster's
 *           value names (util/zip.c's checks, IMPORT_ZIP limits).
 *   csv     a header row, then one row a report.  A header cell is one of
 *           the <top> names above (any case), "S-C" (sheet S, cluster id C),
 *           or a cluster's name (which must name one cluster of the
 *           definition).  Cells as in the XML: "(ignore)" leaves, empty
 *           clears.  UTF-8 (a BOM is fine) or CP932.
 *
 * The reader refuses DOCTYPEs (so every entity), loads nothing from the
 * network or disk, bounds size and depth, and names the line of what it
 * refuses.  What is wrong with one report only (a sheetNo that is not a
 * number) is kept in that report (bad_code, bad_msg): the others go on.
 *
 * Ownership: everything is allocated in the caller's arena.  Thread-safe
 * (each call has its own libxml2 parser; defxml_init installs libxml2's
 * refusing entity loader once).
 */
#ifndef GENBA_IMPORT_H
#define GENBA_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "tenant/op.h"
#include "util/arena.h"
#include "util/errs.h"
#include "util/zip.h"

#define IMPORT_MAX_BYTES (32u * 1024 * 1024)   /* the XML or CSV text (after unzipping) */
#define IMPORT_MAX_REPORTS 5000                /* reports in one file */
#define IMPORT_MAX_CLUSTERS 20000              /* clusters in one report */
#define IMPORT_MAX_DEPTH 16                    /* XML nesting */
#define IMPORT_ZIP_ENTRIES 2000
#define IMPORT_ZIP_TOTAL (64u * 1024 * 1024)   /* unpacked bytes of the whole archive */

typedef struct imp_cluster {
    int sheet, cluster;          /* cluster -1: named (CSV), resolved by the engine */
    const char *name;            /* the CSV header's cluster name, or NULL */
    /* NULL: leave as it is (absent or an ignore marker); "": clear */
    const char *value, *approver, *approval_date, *approver_comment, *sign_image;
    int line;
} imp_cluster;

#define IMP_REMARKS 10
#define IMP_SYSKEYS 5

typedef struct imp_report {
    int line;                    /* of <top>, or the CSV row */
    long long def_id;            /* defTopId; 0: absent */
    const char *rep_id;          /* repTopId as given (topId or UUID); NULL: absent */
    const char *name;            /* repTopName; NULL: leave */
    int edit_status;             /* 0..4; -1: absent */
    const char *create_user;     /* createUserId; NULL: absent */
    int rev;                     /* the revision read; 0: absent */
    const char *remarks[IMP_REMARKS], *system_keys[IMP_SYSKEYS];   /* NULL: leave; "": clear */
    imp_cluster *c;
    int nc;
    const char *bad_code, *bad_msg;   /* what is wrong with this report (not written), or NULL */
} imp_report;

typedef struct imp_batch {
    imp_report *r;
    int n;
    const zip_entry *files;      /* xmlZip: every entry of the archive (import.xml too) */
    int nfiles;
} imp_batch;

/* Why a whole file is refused (the handler's error code). */
typedef enum imp_fail {
    IMP_OK,
    IMP_TOO_LARGE,      /* larger than IMPORT_MAX_BYTES, more than IMPORT_MAX_REPORTS */
    IMP_BAD_ENCODING,   /* not valid UTF-8 / CP932, an unknown `encoding` */
    IMP_BAD_XML,        /* not well-formed, a DOCTYPE, too deep, not <conmas> */
    IMP_BAD_ZIP,        /* not a zip, an unsafe name, no import.xml */
    IMP_ZIP_LIMITS,     /* too many entries, too large unpacked */
    IMP_BAD_FILE,       /* a CSV that does not parse, no report in it */
} imp_fail;

/* The encoding field: NULL, "", "UTF-8", "65001" → "utf-8"; "932",
 * "Shift_JIS", "SJIS", "CP932", "Windows-31J" → "shift_jis"; else NULL. */
const char *import_encoding(const char *field);

/* Read an xml / xmlZip / csv file into *out.  encoding: import_encoding's
 * answer (the XML declaration's own encoding wins over it).  On failure
 * *msg is an English sentence naming the line or entry. */
imp_fail import_read_xml(arena *a, const char *data, size_t len, const char *encoding, imp_batch *out,
                         const char **msg);
imp_fail import_read_zip(arena *a, const void *zip, size_t len, const char *encoding, imp_batch *out,
                         const char **msg);
imp_fail import_read_csv(arena *a, const char *data, size_t len, const char *encoding, imp_batch *out,
                         const char **msg);

/* The file named name in the batch's archive, or NULL. */
const zip_entry *import_file(const imp_batch *b, const char *name);

/* ---- writing (reports/import.c) ---- */

typedef struct import_opts {
    bool update;                 /* UpdateReport: repTopId names the report (else AutoGenerate: a new one) */
    bool force;                  /* UpdateReport mode 1: skips the soft restrictions (README) */
    bool creator_from_file;      /* AutoGenerate userMode 1: createUserId is the creator */
    const char *update_user;     /* UpdateReport updateUser: the login recorded as the updater, or NULL */
} import_opts;

/* One report's outcome. */
typedef struct import_result {
    op_result res;               /* OP_OK: written */
    refusal why;                 /* the refusal, when refused */
    errs e;                      /* per-cluster problems ("sheet/cluster" fields) */
    long long seq;               /* the report's topId (reports.seq) when known */
    const char *id;              /* its UUID when known */
} import_result;

/* Write every report of b, each in its own transaction (db/txn.c's
 * txn_run): all of a report or nothing of it.  results: b->n of them, in
 * the batch's order.  Returns how many were written.  Request thread only. */
int import_run(op_ctx *op, const imp_batch *b, const import_opts *o, import_result *results);

#endif
