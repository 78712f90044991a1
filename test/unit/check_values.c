/* The values suite: exact decimals (check_decimal.c). */
#include "tests.h"

Suite *suite_values(void)
{
    Suite *s = suite_create("values");
    suite_add_tcase(s, tcase_decimal());
    return s;
}
