/* Unit tests of the value engine beyond the per-type table: lengths of
 * long values, required, the type sets, pattern compilation, date and time
 * parsing, and checks from several threads at once (forms/value.c). */
#include "tests.h"
#include "forms/value.h"
#include "util/arena.h"

#include <pthread.h>
#include <string.h>

START_TEST(value_lengths)
{
    arena *a = arena_new();
    char s[1000 * 3 + 2];
    const char *canon;
    /* 200 / 201 characters of a master key, multi-byte */
    s[0] = '\0';
    for (int i = 0; i < 200; i++)
        strcat(s, "部");
    def_cluster *m = test_cluster(a, CT_MASTER_SELECT, "master=parts", NULL);
    ck_assert_ptr_null(value_check(a, m, s, NULL, &canon, NULL));
    strcat(s, "x");
    ck_assert_str_eq(value_check(a, m, s, NULL, &canon, NULL), "too_long");
    ck_assert_ptr_null(canon);
    def_cluster *sel = test_cluster(a, CT_SELECT, "master=machines", "a");
    ck_assert_str_eq(value_check(a, sel, s, NULL, NULL, NULL), "too_long");
    /* maxLength 400 with 400 / 401 three-byte characters */
    def_cluster *k = test_cluster(a, CT_KEYBOARD_TEXT, "maxLength=400;lines=4", NULL);
    char *t = arena_alloc(a, 401 * 3 + 1);
    t[0] = '\0';
    for (int i = 0; i < 400; i++)
        strcat(t, "点");
    ck_assert_ptr_null(value_check(a, k, t, NULL, &canon, NULL));
    ck_assert_ptr_eq(canon, t);
    strcat(t, "点");
    ck_assert_str_eq(value_check(a, k, t, NULL, &canon, NULL), "too_long");
    /* NULL input is no value; NULL outputs are allowed */
    bool oon = true;
    ck_assert_ptr_null(value_check(a, k, NULL, NULL, &canon, &oon));
    ck_assert_str_eq(canon, "");
    ck_assert(!oon);
    ck_assert_ptr_null(value_check(a, k, "x", NULL, NULL, NULL));
    arena_free(&a);
}
END_TEST

START_TEST(value_required)
{
    static const struct {
        cluster_type t;
        bool required;
        const char *v;
        bool missing;
    } rows[] = {
        {CT_KEYBOARD_TEXT, true, NULL, true},
        {CT_KEYBOARD_TEXT, true, "", true},
        {CT_KEYBOARD_TEXT, true, " ", true},
        {CT_KEYBOARD_TEXT, true, " \n\t\r\xE3\x80\x80", true},
        {CT_KEYBOARD_TEXT, true, " a ", false},
        {CT_KEYBOARD_TEXT, true, "\xE3\x80\x81", false},     /* 、 is not white space */
        {CT_KEYBOARD_TEXT, false, "", false},
        {CT_KEYBOARD_TEXT, false, NULL, false},
        {CT_CODE_READER, true, "  ", true},
        {CT_NUMERIC, true, "", true},
        {CT_NUMERIC, true, "0", false},
        {CT_NUMERIC, false, "", false},
        {CT_CHECK, true, "", true},
        {CT_CHECK, true, "1", false},
        {CT_SELECT, true, " ", false},                      /* not text: a value is a value */
        {CT_MULTIPLE_CHOICE, true, "", true},
        {CT_DATE, true, NULL, true},
        {CT_APPROVE, true, "", true},
        {CT_APPROVE, true, "signed", false},
        {CT_CALCULATE, true, "", true},
        {CT_FIXED_TEXT, true, "", false},
        {CT_FIXED_TEXT, true, NULL, false},
    };
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        def_cluster *c = test_cluster(a, rows[i].t, NULL, NULL);
        c->required = rows[i].required;
        ck_assert_msg(value_required_missing(c, rows[i].v) == rows[i].missing, "row %zu", i);
    }
    arena_free(&a);
}
END_TEST

START_TEST(value_types)
{
    for (int t = 0; t < CT__COUNT; t++) {
        bool computed = t == CT_CALCULATE || t == CT_TIME_CALCULATE || t == CT_REGISTRANT ||
                        t == CT_REGISTER_DATE || t == CT_UPDATER || t == CT_UPDATE_DATE || t == CT_LOGIN_USER;
        bool ro = computed || t == CT_FIXED_TEXT || t == CT_IMAGE || t == CT_HANDWRITING || t == CT_FREE_DRAW ||
                  t == CT_CREATE || t == CT_INSPECT || t == CT_APPROVE;
        ck_assert_msg(value_server_computed((cluster_type)t) == computed, "%s", cluster_type_name((cluster_type)t));
        ck_assert_msg(value_read_only((cluster_type)t) == ro, "%s", cluster_type_name((cluster_type)t));
    }
    ck_assert(value_read_only(CT__COUNT));
    ck_assert(!value_server_computed(CT__COUNT));
    ck_assert(value_pattern_ok("^[A-Z]{2}[0-9]{4}$"));
    ck_assert(value_pattern_ok(".{3}"));
    ck_assert(!value_pattern_ok("["));
    ck_assert(!value_pattern_ok("(a"));
    ck_assert(!value_pattern_ok("a{2,1}"));
    ck_assert(!value_pattern_ok(NULL));
    long d;
    ck_assert(value_parse_date("1970-01-01", &d) && d == 0);
    ck_assert(value_parse_date("2000-03-01", &d) && d == 11017);
    ck_assert(value_parse_date("1969-12-31", &d) && d == -1);
    ck_assert(value_parse_date("0001-01-01", &d) && d == -719162);
    ck_assert(!value_parse_date(NULL, &d));
    ck_assert(value_parse_time("23:59:59", true, &d) && d == 86399);
    ck_assert(value_parse_time("01:02", true, &d) && d == 3720);
    ck_assert(!value_parse_time("01:02:03", false, &d));
    ck_assert(!value_parse_time(NULL, true, &d));
}
END_TEST

/* value_check keeps no shared state: the same clusters checked from
 * several threads at once give the same answers (patterns switch the
 * thread's locale only). */
static void *check_many(void *arg)
{
    (void)arg;
    arena *a = arena_new();
    def_cluster *k = test_cluster(a, CT_KEYBOARD_TEXT, "pattern=.{3}[0-9]+;maxLength=10", NULL);
    def_cluster *n = test_cluster(a, CT_NUMERIC, "decimalPlaces=2;minimum=0;normalMaximum=5", NULL);
    long bad = 0;
    for (int i = 0; i < 300; i++) {
        const char *canon;
        bool oon;
        bad += value_check(a, k, "日本語123", NULL, &canon, &oon) != NULL;
        bad += value_check(a, k, "日本語", NULL, &canon, &oon) == NULL;
        bad += value_check(a, n, "5.5", NULL, &canon, &oon) != NULL || strcmp(canon, "5.50") || !oon;
    }
    arena_free(&a);
    return (void *)bad;
}

START_TEST(value_threads)
{
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, check_many, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *bad;
        pthread_join(th[i], &bad);
        ck_assert_int_eq((long)bad, 0);
    }
}
END_TEST

TCase *tcase_value_api(void)
{
    TCase *tc = tcase_create("value_api");
    tcase_add_test(tc, value_lengths);
    tcase_add_test(tc, value_required);
    tcase_add_test(tc, value_types);
    tcase_add_test(tc, value_threads);
    return tc;
}
