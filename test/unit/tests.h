#ifndef GENBA_TESTS_H
#define GENBA_TESTS_H
#include <check.h>
Suite *suite_util(void);
Suite *suite_http(void);
Suite *suite_tenant(void);
Suite *suite_auth(void);
Suite *suite_identity(void);
Suite *suite_csv(void);      /* csv, with the charset and multipart cases below */
TCase *tcase_charset(void);
TCase *tcase_multipart(void);
Suite *suite_values(void);   /* values, with the decimal cases below */
TCase *tcase_decimal(void);
#endif
