/* The report-data reader of the ConMas API's AutoGenerate / UpdateReport
 * (reports/import_read.c): every element, the ignore markers, empty =
 * clear, batches, hostile XML, encodings, the zip and CSV forms. */
#include "tests.h"
#include "export/writer.h"
#include "reports/import.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "util/tz.h"
#include "util/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static arena *A;

static void setup(void)
{
    A = arena_new();
}

static void teardown(void)
{
    arena_free(&A);
}

static imp_fail rx(const char *xml, const char *enc, imp_batch *b, const char **msg)
{
    return import_read_xml(A, xml, strlen(xml), enc ? enc : "utf-8", b, msg);
}

static const char FULL[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<conmas>\n"
    "  <top>\n"
    "    <defTopId>12</defTopId>\n"
    "    <repTopId>345</repTopId>\n"
    "    <repTopName>Line A &amp; B</repTopName>\n"
    "    <editStatus>4</editStatus>\n"
    "    <createUserId> sato </createUserId>\n"
    "    <createRoleMode>1</createRoleMode>\n"
    "    <rev>3</rev>\n"
    "    <remarksValue1>r1</remarksValue1><remarksValue2>r2</remarksValue2><remarksValue3>r3</remarksValue3>\n"
    "    <remarksValue4>r4</remarksValue4><remarksValue5>r5</remarksValue5><remarksValue6>r6</remarksValue6>\n"
    "    <remarksValue7>r7</remarksValue7><remarksValue8>r8</remarksValue8><remarksValue9>r9</remarksValue9>\n"
    "    <remarksValue10>r10</remarksValue10>\n"
    "    <systemKey1>k1</systemKey1><systemKey2>k2</systemKey2><systemKey3>k3</systemKey3>\n"
    "    <systemKey4>k4</systemKey4><systemKey5>k5</systemKey5>\n"
    "    <remarksValue11>not one</remarksValue11>\n"
    "    <sheets>\n"
    "      <sheet>\n"
    "        <sheetNo>1</sheetNo>\n"
    "        <clusters>\n"
    "          <cluster>\n"
    "            <sheetNo>1</sheetNo><clusterId>0</clusterId><value>45.5</value>\n"
    "            <approver/><approvalDate/><approverComment/><approvalSignImage/>\n"
    "          </cluster>\n"
    "          <cluster><clusterId>7</clusterId><name>ignored</name><value><![CDATA[a<b]]></value>\n"
    "            <approver>Sato Ichiro</approver><approvalDate>2026/12/05 09:30</approvalDate>\n"
    "            <approverComment>ok</approverComment><approvalSignImage>stamp.png</approvalSignImage></cluster>\n"
    "        </clusters>\n"
    "      </sheet>\n"
    "      <sheet><sheetNo>2</sheetNo><clusters><cluster><clusterId>3</clusterId><value>x</value></cluster></clusters></sheet>\n"
    "    </sheets>\n"
    "  </top>\n"
    "</conmas>\n";

START_TEST(every_element)
{
    imp_batch b;
    const char *msg;
    ck_assert_int_eq(rx(FULL, NULL, &b, &msg), IMP_OK);
    ck_assert_int_eq(b.n, 1);
    imp_report *r = &b.r[0];
    ck_assert_ptr_null(r->bad_code);
    ck_assert_int_eq(r->line, 3);
    ck_assert_int_eq(r->def_id, 12);
    ck_assert_str_eq(r->rep_id, "345");
    ck_assert_str_eq(r->name, "Line A & B");
    ck_assert_int_eq(r->edit_status, 4);
    ck_assert_str_eq(r->create_user, "sato");
    ck_assert_int_eq(r->rev, 3);
    for (int i = 0; i < IMP_REMARKS; i++) {
        char want[8];
        snprintf(want, sizeof want, "r%d", i + 1);
        ck_assert_str_eq(r->remarks[i], want);
    }
    for (int i = 0; i < IMP_SYSKEYS; i++) {
        char want[8];
        snprintf(want, sizeof want, "k%d", i + 1);
        ck_assert_str_eq(r->system_keys[i], want);
    }
    ck_assert_int_eq(r->nc, 3);
    ck_assert_int_eq(r->c[0].sheet, 1);
    ck_assert_int_eq(r->c[0].cluster, 0);
    ck_assert_str_eq(r->c[0].value, "45.5");
    ck_assert_str_eq(r->c[0].approver, "");   /* empty: clear */
    ck_assert_str_eq(r->c[0].approval_date, "");
    ck_assert_str_eq(r->c[0].approver_comment, "");
    ck_assert_str_eq(r->c[0].sign_image, "");
    ck_assert_int_eq(r->c[0].line, 22);
    ck_assert_int_eq(r->c[1].sheet, 1);   /* from its <sheet> */
    ck_assert_int_eq(r->c[1].cluster, 7);
    ck_assert_str_eq(r->c[1].value, "a<b");
    ck_assert_str_eq(r->c[1].approver, "Sato Ichiro");
    ck_assert_str_eq(r->c[1].approval_date, "2026/12/05 09:30");
    ck_assert_str_eq(r->c[1].approver_comment, "ok");
    ck_assert_str_eq(r->c[1].sign_image, "stamp.png");
    ck_assert_int_eq(r->c[2].sheet, 2);
    ck_assert_int_eq(r->c[2].cluster, 3);
    ck_assert_str_eq(r->c[2].value, "x");
    ck_assert_ptr_null(r->c[2].approver);   /* absent: leave */
}
END_TEST

START_TEST(ignore_and_clear)
{
    imp_batch b;
    const char *msg;
    const char *xml = "<conmas><top><repTopId>9</repTopId><repTopName>(ignore)</repTopName>"
                      "<remarksValue1>{ignore}</remarksValue1><remarksValue2></remarksValue2><remarksValue3/>"
                      "<systemKey1> (ignore) </systemKey1><editStatus>(ignore)</editStatus>"
                      "<clusters><cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><value>(ignore)</value></cluster>"
                      "<cluster><sheetNo>1</sheetNo><clusterId>2</clusterId><value/></cluster>"
                      "<cluster><sheetNo>1</sheetNo><clusterId>3</clusterId></cluster>"
                      "<cluster><sheetNo>1</sheetNo><clusterId>4</clusterId><value>(ignored)</value></cluster>"
                      "</clusters></top></conmas>";
    ck_assert_int_eq(rx(xml, NULL, &b, &msg), IMP_OK);
    imp_report *r = &b.r[0];
    ck_assert_ptr_null(r->bad_code);
    ck_assert_ptr_null(r->name);
    ck_assert_ptr_null(r->remarks[0]);
    ck_assert_str_eq(r->remarks[1], "");
    ck_assert_str_eq(r->remarks[2], "");
    ck_assert_ptr_null(r->remarks[3]);
    ck_assert_ptr_null(r->system_keys[0]);
    ck_assert_int_eq(r->edit_status, -1);
    ck_assert_int_eq(r->def_id, 0);
    ck_assert_int_eq(r->nc, 4);
    ck_assert_ptr_null(r->c[0].value);
    ck_assert_str_eq(r->c[1].value, "");
    ck_assert_ptr_null(r->c[2].value);
    ck_assert_str_eq(r->c[3].value, "(ignored)");   /* only the exact markers */
}
END_TEST

START_TEST(batch_and_bad_report)
{
    imp_batch b;
    const char *msg;
    const char *xml = "<conmas><top><defTopId>1</defTopId></top>\n"
                      "<top><defTopId>x1</defTopId></top>\n"
                      "<top><defTopId>2</defTopId><sheets><sheet><sheetNo>1</sheetNo><clusters>\n"
                      "<cluster><clusterId>-1</clusterId></cluster></clusters></sheet></sheets></top>\n"
                      "<top><clusters><cluster><clusterId>1</clusterId></cluster></clusters></top>\n"
                      "<top><editStatus>5</editStatus></top><other/></conmas>";
    ck_assert_int_eq(rx(xml, NULL, &b, &msg), IMP_OK);
    ck_assert_int_eq(b.n, 5);
    ck_assert_ptr_null(b.r[0].bad_code);
    ck_assert_str_eq(b.r[1].bad_code, "field_invalid");
    ck_assert_msg(strstr(b.r[1].bad_msg, "line 2:") && strstr(b.r[1].bad_msg, "defTopId"), "%s", b.r[1].bad_msg);
    ck_assert_str_eq(b.r[2].bad_code, "field_invalid");
    ck_assert_msg(strstr(b.r[2].bad_msg, "line 4:") && strstr(b.r[2].bad_msg, "clusterId"), "%s", b.r[2].bad_msg);
    ck_assert_str_eq(b.r[3].bad_code, "field_missing");   /* no sheetNo anywhere */
    ck_assert_str_eq(b.r[4].bad_code, "field_invalid");
}
END_TEST

START_TEST(hostile_xml)
{
    imp_batch b;
    const char *msg;
    static const char *const doctype[] = {
        /* billion laughs */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
        "<conmas><top><repTopName>&lol3;</repTopName></top></conmas>",
        /* an external entity */
        "<!DOCTYPE conmas [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><conmas><top><repTopName>&x;</repTopName></top></conmas>",
        /* a plain DOCTYPE, external DTD */
        "<!DOCTYPE conmas SYSTEM \"http://example.invalid/c.dtd\"><conmas><top/></conmas>",
    };
    for (size_t i = 0; i < sizeof doctype / sizeof *doctype; i++) {
        ck_assert_int_eq(rx(doctype[i], NULL, &b, &msg), IMP_BAD_XML);
        ck_assert_msg(strstr(msg, "DOCTYPE"), "%zu: %s", i, msg);
        ck_assert_int_eq(b.n, 0);
    }
    /* an entity never declared */
    ck_assert_int_eq(rx("<conmas><top><repTopName>&x;</repTopName></top></conmas>", NULL, &b, &msg), IMP_BAD_XML);
    /* malformed, with its line */
    ck_assert_int_eq(rx("<conmas>\n<top>\n<repTopName>a</repTopNam>\n</top></conmas>", NULL, &b, &msg), IMP_BAD_XML);
    ck_assert_msg(strstr(msg, "line 3:") && strstr(msg, "not well-formed"), "%s", msg);
    ck_assert_int_eq(rx("", NULL, &b, &msg), IMP_BAD_XML);
    ck_assert_int_eq(rx("<other><top/></other>", NULL, &b, &msg), IMP_BAD_XML);
    ck_assert_msg(strstr(msg, "<conmas>"), "%s", msg);
    ck_assert_int_eq(rx("<conmas><nottop/></conmas>", NULL, &b, &msg), IMP_BAD_FILE);
    /* too deep */
    char deep[1024] = "<conmas><top>";
    for (int i = 0; i < 20; i++)
        strcat(deep, "<a>");
    strcat(deep, "</a></top></conmas>");
    ck_assert_int_eq(rx(deep, NULL, &b, &msg), IMP_BAD_XML);
    ck_assert_msg(strstr(msg, "levels deep"), "%s", msg);
    /* a processing instruction or comment is harmless */
    ck_assert_int_eq(rx("<?xml version=\"1.0\"?><!-- c --><conmas><?pi x?><top><defTopId>1</defTopId></top></conmas>", NULL, &b, &msg),
                     IMP_OK);
}
END_TEST

START_TEST(encodings)
{
    imp_batch b;
    const char *msg;
    /* "検査①" in CP932 */
    const char sj[] = "<conmas><top><repTopName>\x8c\x9f\x8d\xb8\x87\x40</repTopName></top></conmas>";
    ck_assert_int_eq(rx(sj, "shift_jis", &b, &msg), IMP_OK);
    ck_assert_str_eq(b.r[0].name, "検査①");
    /* the same bytes as UTF-8: refused, clearly */
    ck_assert_int_eq(rx(sj, "utf-8", &b, &msg), IMP_BAD_ENCODING);
    ck_assert_msg(strstr(msg, "UTF-8"), "%s", msg);
    /* the declaration wins over the field */
    const char decl[] = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<conmas><top><repTopName>\x8c\x9f\x8d\xb8</repTopName></top></conmas>";
    ck_assert_int_eq(rx(decl, "utf-8", &b, &msg), IMP_OK);
    ck_assert_str_eq(b.r[0].name, "検査");
    /* bytes that are not CP932 */
    const char broken[] = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><conmas><top><repTopName>\x8c</repTopName></top></conmas>";
    ck_assert_int_eq(rx(broken, NULL, &b, &msg), IMP_BAD_ENCODING);
    ck_assert_msg(strstr(msg, "Shift_JIS"), "%s", msg);
    ck_assert_int_eq(rx("<?xml version='1.0' encoding='EUC-JP'?><conmas/>", NULL, &b, &msg), IMP_BAD_ENCODING);
    ck_assert_ptr_nonnull(import_encoding("65001"));
    ck_assert_str_eq(import_encoding("932"), "shift_jis");
    ck_assert_str_eq(import_encoding(""), "utf-8");
    ck_assert_ptr_null(import_encoding("51932"));
    /* a UTF-8 byte order mark */
    ck_assert_int_eq(rx("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><conmas><top/></conmas>", NULL, &b, &msg), IMP_OK);
}
END_TEST

typedef struct zf {
    const char *name;
    const void *data;
    size_t len;
} zf;

static unsigned char *zip_of(const zf *files, int n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    ck_assert_ptr_nonnull(za);
    for (int i = 0; i < n; i++) {
        zip_source_t *fs = zip_source_buffer(za, files[i].data, files[i].len ? files[i].len : strlen(files[i].data), 0);
        ck_assert_int_ge(zip_file_add(za, files[i].name, fs, ZIP_FL_ENC_UTF_8), 0);
    }
    ck_assert_int_eq(zip_close(za), 0);
    ck_assert_int_eq(zip_source_open(src), 0);
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    unsigned char *out = arena_alloc(A, (size_t)size);
    ck_assert_int_eq(zip_source_read(src, out, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)size;
    return out;
}

START_TEST(zip_form)
{
    imp_batch b;
    const char *msg;
    size_t len;
    const char *xml = "<conmas><top><defTopId>1</defTopId><clusters><cluster><sheetNo>1</sheetNo><clusterId>2</clusterId>"
                      "<approvalSignImage>stamp.png</approvalSignImage></cluster></clusters></top></conmas>";
    zf ok[] = {{"import.xml", xml, 0}, {"stamp.png", "\x89PNG fake", 9}};
    unsigned char *z = zip_of(ok, 2, &len);
    ck_assert_int_eq(import_read_zip(A, z, len, "utf-8", &b, &msg), IMP_OK);
    ck_assert_int_eq(b.n, 1);
    ck_assert_str_eq(b.r[0].c[0].sign_image, "stamp.png");
    const zip_entry *img = import_file(&b, "stamp.png");
    ck_assert_ptr_nonnull(img);
    ck_assert_int_eq(img->len, 9);
    ck_assert_ptr_null(import_file(&b, "other.png"));
    /* no import.xml */
    zf none[] = {{"data.xml", xml, 0}};
    z = zip_of(none, 1, &len);
    ck_assert_int_eq(import_read_zip(A, z, len, "utf-8", &b, &msg), IMP_BAD_ZIP);
    ck_assert_msg(strstr(msg, "import.xml"), "%s", msg);
    /* zip slip */
    zf slip[] = {{"import.xml", xml, 0}, {"../../etc/cron.d/x", "x", 1}};
    z = zip_of(slip, 2, &len);
    ck_assert_int_eq(import_read_zip(A, z, len, "utf-8", &b, &msg), IMP_BAD_ZIP);
    ck_assert_msg(strstr(msg, "unsafe name"), "%s", msg);
    zf abs[] = {{"/import.xml", xml, 0}};
    z = zip_of(abs, 1, &len);
    ck_assert_int_eq(import_read_zip(A, z, len, "utf-8", &b, &msg), IMP_BAD_ZIP);
    /* not a zip */
    ck_assert_int_eq(import_read_zip(A, "PK\3\4 not really a zip archive at all", 36, "utf-8", &b, &msg), IMP_BAD_ZIP);
    /* a bomb: one entry unpacking past the limit (zeros deflate to almost nothing) */
    size_t big = IMPORT_MAX_BYTES + 1;
    char *zeros = calloc(1, big);
    zf bomb[] = {{"import.xml", xml, 0}, {"pad.bin", zeros, big}};
    z = zip_of(bomb, 2, &len);
    free(zeros);
    ck_assert_uint_lt(len, 1024 * 1024);
    ck_assert_int_eq(import_read_zip(A, z, len, "utf-8", &b, &msg), IMP_ZIP_LIMITS);
    /* too many entries */
    zf *many = arena_calloc(A, IMPORT_ZIP_ENTRIES + 2, sizeof *many);
    many[0] = (zf){"import.xml", xml, 0};
    for (int i = 1; i <= IMPORT_ZIP_ENTRIES; i++)
        many[i] = (zf){arena_printf(A, "f%d.txt", i), "x", 1};
    z = zip_of(many, IMPORT_ZIP_ENTRIES + 1, &len);
    ck_assert_int_eq(import_read_zip(A, z, len, "utf-8", &b, &msg), IMP_ZIP_LIMITS);
    ck_assert_msg(strstr(msg, "entries"), "%s", msg);
}
END_TEST

static imp_fail rc(const char *csv, size_t len, const char *enc, imp_batch *b, const char **msg)
{
    return import_read_csv(A, csv, len ? len : strlen(csv), enc, b, msg);
}

START_TEST(csv_form)
{
    imp_batch b;
    const char *msg;
    const char *csv = "\xEF\xBB\xBF" "defTopId,REPTOPNAME,editStatus,remarksValue2,systemkey5,1-0,2-13,検査者\r\n"
                      "12,first,4,rem,key,45.5,(ignore),佐藤\r\n"
                      "12,(ignore),,,,\"\",{ignore},\r\n";
    ck_assert_int_eq(rc(csv, 0, "utf-8", &b, &msg), IMP_OK);
    ck_assert_int_eq(b.n, 2);
    imp_report *r = &b.r[0];
    ck_assert_ptr_null(r->bad_code);
    ck_assert_int_eq(r->line, 2);
    ck_assert_int_eq(r->def_id, 12);
    ck_assert_str_eq(r->name, "first");
    ck_assert_int_eq(r->edit_status, 4);
    ck_assert_str_eq(r->remarks[1], "rem");
    ck_assert_str_eq(r->system_keys[4], "key");
    ck_assert_int_eq(r->nc, 3);
    ck_assert_int_eq(r->c[0].sheet, 1);
    ck_assert_int_eq(r->c[0].cluster, 0);
    ck_assert_str_eq(r->c[0].value, "45.5");
    ck_assert_int_eq(r->c[1].sheet, 2);
    ck_assert_int_eq(r->c[1].cluster, 13);
    ck_assert_ptr_null(r->c[1].value);
    ck_assert_int_eq(r->c[2].cluster, -1);
    ck_assert_str_eq(r->c[2].name, "検査者");
    ck_assert_str_eq(r->c[2].value, "佐藤");
    r = &b.r[1];
    ck_assert_ptr_null(r->name);
    ck_assert_int_eq(r->edit_status, -1);
    ck_assert_str_eq(r->remarks[1], "");
    ck_assert_str_eq(r->c[0].value, "");   /* empty: clear */
    ck_assert_ptr_null(r->c[1].value);
    /* Shift_JIS */
    const char sj[] = "defTopId,\x8c\x9f\x8d\xb8\r\n3,\x87\x40\r\n";
    ck_assert_int_eq(rc(sj, 0, "shift_jis", &b, &msg), IMP_OK);
    ck_assert_str_eq(b.r[0].c[0].name, "検査");
    ck_assert_str_eq(b.r[0].c[0].value, "①");
    ck_assert_int_eq(rc(sj, 0, "utf-8", &b, &msg), IMP_BAD_ENCODING);
    ck_assert_int_eq(rc("defTopId,a\r\n3,\x8c\r\n", 0, "shift_jis", &b, &msg), IMP_BAD_ENCODING);
    /* a row of the wrong width is that report's problem */
    ck_assert_int_eq(rc("defTopId,a\n1,x\n1,x,y\n", 0, "utf-8", &b, &msg), IMP_OK);
    ck_assert_ptr_null(b.r[0].bad_code);
    ck_assert_msg(b.r[1].bad_code && strstr(b.r[1].bad_msg, "line 3:"), "%s", b.r[1].bad_msg);
    ck_assert_int_eq(rc("defTopId,editStatus\n1,9\n", 0, "utf-8", &b, &msg), IMP_OK);
    ck_assert_str_eq(b.r[0].bad_code, "field_invalid");
    /* the whole file */
    ck_assert_int_eq(rc("defTopId,a,A\n1,2,3\n", 0, "utf-8", &b, &msg), IMP_BAD_FILE);
    ck_assert_msg(strstr(msg, "twice"), "%s", msg);
    ck_assert_int_eq(rc("defTopId,a\n", 0, "utf-8", &b, &msg), IMP_BAD_FILE);
    ck_assert_int_eq(rc("defTopId,a\n1,\"x\n", 0, "utf-8", &b, &msg), IMP_BAD_FILE);
    ck_assert_msg(strstr(msg, "line 2"), "%s", msg);
}
END_TEST

static bool to_buf(void *ctx, const void *p, size_t n)
{
    buf_add(ctx, p, n);
    return true;
}

/* The report XML (export/xml.c) reads back: remarks and system keys that
 * are set, and the tenant export's mark of a deleted report, <deleteTime>,
 * which the import passes over. */
START_TEST(report_xml_reads_back)
{
    tenant_memo memo = {0};
    tenant_ctx t = {.code = "acme", .tz = tz_find("Asia/Tokyo"), .memo = &memo};
    ck_assert_ptr_nonnull(t.tz);
    op_ctx op = {.a = A, .req_id = "test", .tenant = &t, .lang = "ja"};
    export_report r = {.id = "0b9f3c1e-7d4a-4c11-9a55-2f6c1d0e8a01", .seq = 7, .definition_id = 12,
                       .definition_revision = 3, .name = "Line A & B", .number = "N-1", .status = "editing",
                       .created_at = "2026-12-04T23:00:00Z", .updated_at = "2026-12-05T00:00:00Z",
                       .created_by = "sato", .updated_by = "sato"};
    for (int i = 0; i < 10; i++)
        r.remarks[i] = "";
    for (int i = 0; i < 5; i++)
        r.system_keys[i] = "";
    r.remarks[1] = "r2 <x>";
    r.system_keys[4] = "WO-9";
    for (int deleted = 0; deleted < 2; deleted++) {
        r.deleted_at = deleted ? "2026-12-05T00:30:00Z" : NULL;
        buf b;
        buf_init(&b, A);
        export_sink sink = {to_buf, &b};
        ck_assert_int_eq(export_xml_write(&op, &r, &sink), OP_OK);
        buf_add(&b, "", 1);
        ck_assert_ptr_nonnull(strstr(b.data, "<updateTime>2026/12/05 09:00:00</updateTime>"));
        ck_assert_int_eq(strstr(b.data, "<deleteTime>2026/12/05 09:30:00</deleteTime>") != NULL, deleted);
        ck_assert_int_eq(strstr(b.data, "deleteTime") != NULL, deleted);
        ck_assert_ptr_nonnull(strstr(b.data, "<remarksValue2>r2 &lt;x&gt;</remarksValue2>"));
        ck_assert_ptr_null(strstr(b.data, "remarksValue1>"));
        imp_batch ib;
        const char *msg = NULL;
        ck_assert_int_eq(import_read_xml(A, b.data, b.len - 1, "utf-8", &ib, &msg), IMP_OK);
        ck_assert_int_eq(ib.n, 1);
        imp_report *x = &ib.r[0];
        ck_assert_ptr_null(x->bad_code);
        ck_assert_int_eq(x->def_id, 12);
        ck_assert_str_eq(x->rep_id, "7");
        ck_assert_str_eq(x->name, "Line A & B");
        ck_assert_ptr_null(x->remarks[0]);
        ck_assert_str_eq(x->remarks[1], "r2 <x>");
        ck_assert_str_eq(x->system_keys[4], "WO-9");
        ck_assert_ptr_null(x->system_keys[0]);
    }
}
END_TEST

Suite *suite_import(void)
{
    Suite *s = suite_create("import");
    TCase *t = tcase_create("reader");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, every_element);
    tcase_add_test(t, ignore_and_clear);
    tcase_add_test(t, batch_and_bad_report);
    tcase_add_test(t, hostile_xml);
    tcase_add_test(t, encodings);
    tcase_add_test(t, zip_form);
    tcase_add_test(t, csv_form);
    tcase_add_test(t, report_xml_reads_back);
    suite_add_tcase(s, t);
    return s;
}
