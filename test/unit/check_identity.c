/* Pure parts of the identity work: ids, dates, permissions, helpers. */
#include "tests.h"
#include "auth/devices.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "auth/users.h"
#include "util/arena.h"
#include "util/errs.h"
#include "util/jsonx.h"
#include "util/str.h"

#include <string.h>

START_TEST(dates)
{
    static const struct { const char *s; bool ok; } c[] = {
        {"2026-11-26", true}, {"2024-02-29", true}, {"2000-02-29", true}, {"1900-02-28", true},
        {"2026-02-29", false}, {"1900-02-29", false}, {"2100-02-29", false}, {"2026-04-31", false},
        {"2026-13-01", false}, {"2026-00-10", false}, {"2026-01-00", false}, {"2026-1-01", false},
        {"2026/01/01", false}, {"2026-01-01x", false}, {"", false}, {"0000-01-01", false},
        {"２０２６-01-01", false}, {"2026-01-32", false}, {"2026-12-31", true}, {"1899-12-31", false},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        ck_assert_msg(users_date_ok(c[i].s) == c[i].ok, "%s", c[i].s);
}
END_TEST

START_TEST(path_ids)
{
    long long id = 0;
    ck_assert(users_parse_id("12", &id) && id == 12);
    ck_assert(!users_parse_id("0", &id));
    ck_assert(!users_parse_id("-1", &id));
    ck_assert(!users_parse_id("1e3", &id));
    ck_assert(!users_parse_id("", &id));
    ck_assert(!users_parse_id(NULL, &id));
    ck_assert(!users_parse_id("99999999999999999999", &id));
    ck_assert(!users_parse_id(" 7", &id));
}
END_TEST

START_TEST(device_ids)
{
    ck_assert(devices_id_ok("3f2504e0-4f89-41d3-9a0c-0305e82c3301"));
    ck_assert(devices_id_ok("3F2504E0-4F89-41D3-9A0C-0305E82C3301"));
    ck_assert(!devices_id_ok("3f2504e04f8941d39a0c0305e82c3301"));
    ck_assert(!devices_id_ok("3f2504e0-4f89-41d3-9a0c-0305e82c330"));
    ck_assert(!devices_id_ok("3f2504e0-4f89-41d3-9a0c-0305e82c33011"));
    ck_assert(!devices_id_ok("3f2504e0_4f89-41d3-9a0c-0305e82c3301"));
    ck_assert(!devices_id_ok("zf2504e0-4f89-41d3-9a0c-0305e82c3301"));
    ck_assert(!devices_id_ok(""));
    ck_assert(!devices_id_ok(NULL));
}
END_TEST

START_TEST(permissions)
{
    ck_assert(perm_known("admin"));
    ck_assert(perm_known("users.edit"));
    ck_assert(perm_known("def.reports.create"));
    ck_assert(!perm_known("users"));
    ck_assert(!perm_known("Users.edit"));
    ck_assert(!perm_known(""));
    /* names are unique, and only def.* take a scope */
    for (int i = 0; i < perm_count; i++) {
        ck_assert_int_eq(perm_all[i].scoped, !strncmp(perm_all[i].name, "def.", 4));
        for (int j = i + 1; j < perm_count; j++)
            ck_assert_str_ne(perm_all[i].name, perm_all[j].name);
    }
}
END_TEST

START_TEST(csrf_token)
{
    char a[65], b[65], c[65];
    const char *t1 = "0000000000000000000000000000000000000000000000000000000000000001";
    const char *t2 = "0000000000000000000000000000000000000000000000000000000000000002";
    session_csrf_for(t1, a);
    session_csrf_for(t1, b);
    session_csrf_for(t2, c);
    ck_assert_uint_eq(strlen(a), 64);
    ck_assert_str_eq(a, b);       /* bound to the session */
    ck_assert_str_ne(a, c);       /* another session, another token */
    ck_assert(strstr(a, "0000000000") == NULL);
}
END_TEST

START_TEST(urlencode_utf8)
{
    arena *a = arena_new();
    ck_assert_str_eq(str_urlencode(a, "/t-a/manager/users?x=1&y=日"), "%2Ft-a%2Fmanager%2Fusers%3Fx%3D1%26y%3D%E6%97%A5");
    ck_assert_str_eq(str_urlencode(a, "A-z_0.9~"), "A-z_0.9~");
    ck_assert_str_eq(str_urlencode(a, ""), "");
    ck_assert_uint_eq(str_utf8_len("パスワード"), 5);
    ck_assert_uint_eq(str_utf8_len("e\xcc\x81"), 2);   /* e + combining acute */
    ck_assert_uint_eq(str_utf8_len(""), 0);
    arena_free(&a);
}
END_TEST

START_TEST(errs_list)
{
    arena *a = arena_new();
    errs e;
    errs_init(&e, a);
    for (int i = 0; i < 40; i++)
        errs_add(&e, i % 2 ? "name" : "login", i % 2 ? "too_long" : "required");
    ck_assert_int_eq(e.n, 40);
    ck_assert_str_eq(errs_for(&e, "name"), "too_long");
    ck_assert_str_eq(errs_for(&e, "login"), "required");
    ck_assert_ptr_null(errs_for(&e, "email"));
    e.line = 7;
    errs_add(&e, "x", "y");
    ck_assert_int_eq(e.e[40].line, 7);
    ck_assert_int_eq(e.e[0].line, 0);
    arena_free(&a);
}
END_TEST

START_TEST(json_members)
{
    json_object *o = json_tokener_parse("{\"s\":\"x\",\"n\":null,\"i\":5,\"is\":\"12\",\"neg\":-3,\"b\":true,\"arr\":[1]}");
    const char *s;
    bool b;
    long long id;
    ck_assert_int_eq(jx_str(o, "s", &s), JX_OK);
    ck_assert_str_eq(s, "x");
    ck_assert_int_eq(jx_str(o, "n", &s), JX_OK);
    ck_assert_str_eq(s, "");
    ck_assert_int_eq(jx_str(o, "i", &s), JX_WRONG_TYPE);
    ck_assert_int_eq(jx_str(o, "missing", &s), JX_ABSENT);
    ck_assert_int_eq(jx_bool(o, "b", &b), JX_OK);
    ck_assert(b);
    ck_assert_int_eq(jx_bool(o, "s", &b), JX_WRONG_TYPE);
    ck_assert_int_eq(jx_id(o, "i", &id), JX_OK);
    ck_assert_int_eq(id, 5);
    ck_assert_int_eq(jx_id(o, "is", &id), JX_OK);
    ck_assert_int_eq(id, 12);
    ck_assert_int_eq(jx_id(o, "neg", &id), JX_WRONG_TYPE);
    ck_assert_int_eq(jx_id(o, "arr", &id), JX_WRONG_TYPE);
    static const char *const ok[] = {"s", "n", "i", "is", "neg", "b", "arr", NULL};
    static const char *const few[] = {"s", NULL};
    const char *unknown = NULL;
    ck_assert(jx_only(o, ok, &unknown));
    ck_assert(!jx_only(o, few, &unknown));
    ck_assert_str_eq(unknown, "n");
    json_object_put(o);
    /* a string with a NUL inside is not taken as text */
    o = json_tokener_parse("{\"s\":\"a\\u0000b\"}");
    ck_assert_int_eq(jx_str(o, "s", &s), JX_WRONG_TYPE);
    json_object_put(o);
}
END_TEST

Suite *suite_identity(void)
{
    Suite *s = suite_create("identity");
    TCase *t = tcase_create("pure");
    tcase_add_test(t, dates);
    tcase_add_test(t, path_ids);
    tcase_add_test(t, device_ids);
    tcase_add_test(t, permissions);
    tcase_add_test(t, csrf_token);
    tcase_add_test(t, urlencode_utf8);
    tcase_add_test(t, errs_list);
    tcase_add_test(t, json_members);
    suite_add_tcase(s, t);
    return s;
}
