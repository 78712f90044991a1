#ifndef GENBA_TESTS_H
#define GENBA_TESTS_H
#include <check.h>
#include "forms/model.h"
#include "util/arena.h"
#include <stddef.h>
Suite *suite_util(void);
TCase *tcase_tz(void);       /* time zones (util/tz.c) */
Suite *suite_http(void);
Suite *suite_tenant(void);
Suite *suite_auth(void);
Suite *suite_identity(void);
Suite *suite_csv(void);      /* csv, with the charset and multipart cases below */
TCase *tcase_charset(void);
TCase *tcase_multipart(void);
Suite *suite_values(void);   /* values, with the decimal, value API and formula cases below */
TCase *tcase_decimal(void);
TCase *tcase_value_api(void);
TCase *tcase_formula(void);
TCase *tcase_formula_definition(void);
/* A cluster for tests (sheet 1, id 0): params "name=value;name=value",
 * items "v1,v2" (NULL: none); allocated in a. */
def_cluster *test_cluster(arena *a, cluster_type t, const char *params, const char *items);
Suite *suite_backup(void);  /* backups: retention, the encrypted file */
Suite *suite_defxml(void);   /* form definitions, with the cases below */
TCase *tcase_defbad(void);
TCase *tcase_zip(void);
TCase *tcase_image(void);
Suite *suite_ops(void);      /* operations: maintenance windows, mail, with the contract cases below */
TCase *tcase_contract(void);
Suite *suite_sheetview(void);   /* the console's report sheets: text fitting, stamps */
TCase *tcase_export(void);      /* one report as a file: page ranges, file names, the shared layout */
TCase *tcase_table(void);       /* many reports out: CSV neutralisation, CP932, the fast values reader */
Suite *suite_import(void);      /* the ConMas report-data reader (reports/import_read.c) */
Suite *suite_jobs(void);        /* background jobs: the sealed file, the zip stream, export parameters */

struct arena;
/* A sample definition from $GENBA_SAMPLES (else SAMPLES_DIR: the shared
 * samples beside the source tree), NUL-terminated, in a.  When it is not
 * there the calling test fails (ck_abort_msg): call it from a test only. */
char *sample_read(struct arena *a, const char *name, size_t *len);
#endif
