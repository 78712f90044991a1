#include "tests.h"
#include "http/multipart.h"
#include "util/arena.h"
#include "util/buf.h"

#include <string.h>

#define CT "multipart/form-data; boundary=XyZ"
#define CD "Content-Disposition: form-data; "

static bool parse(arena *a, const char *ct, const char *body, size_t len, multipart_part **p, int *n, char *err)
{
    return multipart_parse(a, ct, body, len ? len : strlen(body), p, n, err, 200);
}

static void check_part(const multipart_part *p, const char *name, const char *filename, const char *ct,
                       const char *data, size_t len)
{
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->name, name);
    if (filename)
        ck_assert_str_eq(p->filename, filename);
    else
        ck_assert_ptr_null(p->filename);
    ck_assert_str_eq(p->content_type, ct);
    ck_assert_uint_eq(p->len, len);
    ck_assert_mem_eq(p->data, data, len);
}

START_TEST(multipart_browser_form)
{
    arena *a = arena_new();
    const char body[] = "--XyZ\r\n" CD "name=\"encoding\"\r\n\r\nshift_jis\r\n"
                        "--XyZ\r\n" CD "name=\"file\"; filename=\"社員.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                        "a,b\r\n1,2\r\n\r\n"
                        "--XyZ\r\n" CD "name=\"empty\"; filename=\"\"\r\n"
                        "Content-Type: application/octet-stream\r\n\r\n\r\n"
                        "--XyZ--\r\n";
    multipart_part *p;
    int n;
    char err[200];
    ck_assert_msg(parse(a, CT, body, 0, &p, &n, err), "%s", err);
    ck_assert_int_eq(n, 3);
    check_part(&p[0], "encoding", NULL, "text/plain", "shift_jis", 9);
    check_part(&p[1], "file", "社員.csv", "text/csv", "a,b\r\n1,2\r\n", 10);
    check_part(&p[2], "empty", "", "application/octet-stream", "", 0);
    ck_assert_ptr_eq(p[1].data, strstr(body, "a,b")); /* points into the body */
    ck_assert_ptr_eq(multipart_get(p, n, "file"), &p[1]);
    ck_assert_ptr_null(multipart_get(p, n, "File"));
    ck_assert_ptr_null(multipart_get(NULL, 0, "file"));
    arena_free(&a);
}
END_TEST

/* Binary content with NULs and boundary-like text that is not a delimiter. */
START_TEST(multipart_binary)
{
    arena *a = arena_new();
    static const char data[] = "\0\x01--XyZ\r\nX\n--XyZ\r\n\r--XyZ\r\n\r\n--XyZzz\r\n\r\n--XyZ-x\0\xff";
    size_t dn = sizeof data - 1;
    buf b;
    buf_init(&b, a);
    buf_adds(&b, "--XyZ\r\n" CD "name=\"bin\"; filename=\"a.bin\"\r\n\r\n");
    buf_add(&b, data, dn);
    buf_adds(&b, "\r\n--XyZ \t\r\n" CD "name=\"b\"\r\n\r\n2\r\n--XyZ--");
    multipart_part *p;
    int n;
    char err[200];
    ck_assert_msg(parse(a, CT, b.data, b.len, &p, &n, err), "%s", err);
    ck_assert_int_eq(n, 2);
    check_part(&p[0], "bin", "a.bin", "text/plain", data, dn);
    check_part(&p[1], "b", NULL, "text/plain", "2", 1);
    arena_free(&a);
}
END_TEST

static const struct {
    const char *ct, *body;
    int nparts;         /* -1: refused */
    const char *check;  /* accepted: name of part 1 and its data as "name=data"; refused: part of err */
} cases[] = {
    /* accepted */
    {"multipart/form-data; charset=utf-8; boundary=\"a'()+_,-./:=? b\"",
     "preamble\r\n--XyZ\r\n--a'()+_,-./:=? b\r\n" CD "name=x\r\n\r\n1\r\n--a'()+_,-./:=? b--\r\nepilogue\r\n--a", 1, "x=1"},
    {"Multipart/Form-Data;Boundary=XyZ", "--XyZ\r\ncontent-disposition: FORM-DATA; NAME=\"n\"\r\nX-Foo: bar\r\n"
     "Content-Transfer-Encoding: binary\r\n\r\nv\r\n--XyZ--", 1, "n=v"},
    {CT, "--XyZ--\r\n", 0, NULL},
    {CT, "--XyZ\r\n" CD "name=\"f\"; filename*=UTF-8''%E7%A4%BE.csv\r\n\r\nx\r\n--XyZ--", 1, "f=x"},
    {CT, "--XyZ\r\n" CD "name=\"C:\\dir\\a\"\r\n\r\n\r\n--XyZ--", 1, "C:\\dir\\a="},
    {CT, "--XyZ\r\n" CD "name=\"%22a%22\"\r\n\r\n--XyZ\r\n--XyZ--", 1, "%22a%22=--XyZ"},
    /* refused: the content type */
    {NULL, "--XyZ--", -1, "not multipart/form-data"},
    {"application/x-www-form-urlencoded", "a=1", -1, "not multipart/form-data"},
    {"multipart/form-datax; boundary=XyZ", "--XyZ--", -1, "not multipart/form-data"},
    {"multipart/mixed; boundary=XyZ", "--XyZ--", -1, "not multipart/form-data"},
    {"multipart/form-data", "--XyZ--", -1, "no boundary parameter"},
    {"multipart/form-data; charset=utf-8", "--XyZ--", -1, "no boundary parameter"},
    {"multipart/form-data; boundary=", "--XyZ--", -1, "malformed Content-Type"},
    {"multipart/form-data; boundary=\"XyZ", "--XyZ--", -1, "malformed Content-Type"},
    {"multipart/form-data; boundary=\"\"", "----", -1, "invalid boundary"},
    {"multipart/form-data; boundary=\"ab \"", "--ab --", -1, "invalid boundary"},
    {"multipart/form-data; boundary=a@b", "--a@b--", -1, "invalid boundary"},
    {"multipart/form-data; boundary=\"a\\b\"", "--a\\b--", -1, "invalid boundary"},
    {"multipart/form-data; boundary=XyZ; boundary=XyZ", "--XyZ--", -1, "more than one boundary"},
    /* refused: the body */
    {CT, "", -1, "no multipart boundary"},
    {CT, "a=1&b=2", -1, "no multipart boundary"},
    {CT, "--XyZx\r\n--XyZy--", -1, "no multipart boundary"},
    {CT, "--XyZ\n" CD "name=a\n\nv\n--XyZ--\n", -1, "no multipart boundary"},  /* LF only */
    {CT, "--XyZ\r\n" CD "name=a\r\n\r\nvalue", -1, "part 1: no closing boundary"},
    {CT, "--XyZ\r\n" CD "name=a\r\n\r\nvalue\r\n--XyZ", -1, "part 1: no closing boundary"},
    {CT, "--XyZ\r\n" CD "name=a\r\n\r\nv\r\n--XyZ\r\n", -1, "part 2: headers not ended"},
    {CT, "--XyZ\r\n" CD "name=a\r\n--XyZ--\r\n\r\n", -1, "part 1: malformed header line"},
    {CT, "--XyZ\r\n\r\nv\r\n--XyZ--", -1, "part 1: no name"},
    {CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--", -1, "part 1: no name"},
    {CT, "--XyZ\r\n" CD "name=\"\"\r\n\r\nv\r\n--XyZ--", -1, "part 1: no name"},
    {CT, "--XyZ\r\n" CD "filename=\"a.csv\"\r\n\r\nv\r\n--XyZ--", -1, "part 1: no name"},
    {CT, "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--XyZ--", -1, "not form-data"},
    {CT, "--XyZ\r\nContent-Disposition: form-data x; name=a\r\n\r\nv\r\n--XyZ--", -1, "malformed Content-Disp"},
    {CT, "--XyZ\r\n" CD "name=\"abc\r\n\r\nv\r\n--XyZ--", -1, "malformed Content-Disposition"},
    {CT, "--XyZ\r\n" CD "name=a; name=b\r\n\r\nv\r\n--XyZ--", -1, "repeated name"},
    {CT, "--XyZ\r\n" CD "name=a\r\n" CD "name=b\r\n\r\nv\r\n--XyZ--", -1, "repeated Content-Disposition"},
    {CT, "--XyZ\r\n" CD "name=a\r\nContent-Type: a\r\nContent-Type: b\r\n\r\nv\r\n--XyZ--", -1, "repeated Content-Type"},
    {CT, "--XyZ\r\n" CD "\r\n name=a\r\n\r\nv\r\n--XyZ--", -1, "folded header"},
    {CT, "--XyZ\r\nContent-Disposition form-data; name=a\r\n\r\nv\r\n--XyZ--", -1, "malformed header line"},
    {CT, "--XyZ\r\n: x\r\n" CD "name=a\r\n\r\nv\r\n--XyZ--", -1, "malformed header line"},
    {CT, "--XyZ\r\n" CD "name=\"a\x01" "b\"\r\n\r\nv\r\n--XyZ--", -1, "control byte"},
    {CT, "--XyZ\r\n" CD "name=\"a\rb\"\r\n\r\nv\r\n--XyZ--", -1, "control byte"},
    {CT, "--XyZ\r\n" CD "name=\"\xff\"\r\n\r\nv\r\n--XyZ--", -1, "name is not valid UTF-8"},
    {CT, "--XyZ\r\n" CD "name=f; filename=\"\xC0\xAF\"\r\n\r\nv\r\n--XyZ--", -1, "filename is not valid UTF-8"},
    {CT, "--XyZ\r\n" CD "name=ok\r\n\r\n1\r\n--XyZ\r\n" CD "name=\"\xe7\x8f\"\r\n\r\nv\r\n--XyZ--", -1,
     "part 2: name is not valid UTF-8"},
};

START_TEST(multipart_table)
{
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        multipart_part *p = (multipart_part *)1;
        int n = 99;
        char err[200] = "";
        bool ok = parse(a, cases[i].ct, cases[i].body, 0, &p, &n, err);
        if (cases[i].nparts < 0) {
            ck_assert_msg(!ok, "case %zu accepted", i);
            ck_assert_msg(strstr(err, cases[i].check), "case %zu: err '%s'", i, err);
            ck_assert_ptr_null(p);
            ck_assert_int_eq(n, 0);
            continue;
        }
        ck_assert_msg(ok, "case %zu: %s", i, err);
        ck_assert_int_eq(n, cases[i].nparts);
        if (n) {
            const char *got = arena_printf(a, "%s=%.*s", p[0].name, (int)p[0].len, p[0].data);
            ck_assert_msg(!strcmp(got, cases[i].check), "case %zu: got %s", i, got);
        }
    }
    arena_free(&a);
}
END_TEST

START_TEST(multipart_limits)
{
    arena *a = arena_new();
    multipart_part *p;
    int n;
    char err[200];
    buf b;

    buf_init(&b, a);
    for (int k = 0; k < MULTIPART_MAX_PARTS; k++)
        buf_printf(&b, "--XyZ\r\n" CD "name=\"f%d\"\r\n\r\n%d\r\n", k, k);
    size_t at_limit = b.len;
    buf_adds(&b, "--XyZ--\r\n");
    ck_assert_msg(parse(a, CT, b.data, b.len, &p, &n, err), "%s", err);
    ck_assert_int_eq(n, MULTIPART_MAX_PARTS);
    ck_assert_str_eq(multipart_get(p, n, "f99")->content_type, "text/plain");
    ck_assert_mem_eq(multipart_get(p, n, "f42")->data, "42", 2);
    b.len = at_limit;
    buf_adds(&b, "--XyZ\r\n" CD "name=\"one-more\"\r\n\r\nx\r\n--XyZ--\r\n");
    ck_assert(!parse(a, CT, b.data, b.len, &p, &n, err));
    ck_assert_str_eq(err, "more than 100 parts");

    /* a header block of exactly MULTIPART_MAX_HEADER bytes, then one more */
    for (int extra = 0; extra < 2; extra++) {
        buf_init(&b, a);
        buf_adds(&b, "--XyZ\r\n" CD "name=a\r\nX-Pad: ");
        size_t pad = MULTIPART_MAX_HEADER - (b.len - 7) - 4 + (size_t)extra;
        for (size_t k = 0; k < pad; k++)
            buf_addc(&b, 'p');
        buf_adds(&b, "\r\n\r\nv\r\n--XyZ--");
        bool ok = parse(a, CT, b.data, b.len, &p, &n, err);
        ck_assert_msg(ok == !extra, "extra %d: %s", extra, err);
        if (extra)
            ck_assert_str_eq(err, "part 1: header block over 8192 bytes");
    }

    const char *b70 = "0123456789012345678901234567890123456789012345678901234567890123456789";
    const char *body = arena_printf(a, "--%s\r\n" CD "name=a\r\n\r\nv\r\n--%s--", b70, b70);
    ck_assert(parse(a, arena_printf(a, "multipart/form-data; boundary=%s", b70), body, 0, &p, &n, err));
    ck_assert_int_eq(n, 1);
    body = arena_printf(a, "--%sx\r\n" CD "name=a\r\n\r\nv\r\n--%sx--", b70, b70);
    ck_assert(!parse(a, arena_printf(a, "multipart/form-data; boundary=%sx", b70), body, 0, &p, &n, err));
    ck_assert_ptr_nonnull(strstr(err, "invalid boundary"));
    arena_free(&a);
}
END_TEST

TCase *tcase_multipart(void)
{
    TCase *t = tcase_create("multipart");
    tcase_add_test(t, multipart_browser_form);
    tcase_add_test(t, multipart_binary);
    tcase_add_test(t, multipart_table);
    tcase_add_test(t, multipart_limits);
    return t;
}
