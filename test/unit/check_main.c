#include "tests.h"
#include <stdlib.h>

int main(void)
{
    SRunner *sr = srunner_create(suite_util());
    srunner_add_suite(sr, suite_http());
    srunner_add_suite(sr, suite_tenant());
    srunner_add_suite(sr, suite_auth());
    srunner_add_suite(sr, suite_identity());
    srunner_add_suite(sr, suite_csv());
    srunner_add_suite(sr, suite_values());
    srunner_add_suite(sr, suite_defxml());
    srunner_add_suite(sr, suite_ops());
    srunner_add_suite(sr, suite_sheetview());
    srunner_add_suite(sr, suite_backup());
    srunner_add_suite(sr, suite_import());
    srunner_add_suite(sr, suite_jobs());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
