/* Form definitions as XML: the shared samples, export round trips, the
 * writer's escaping, malformed and hostile XML, schema errors. */
#include "tests.h"
#include "forms/defcheck.h"
#include "forms/defxml.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/errs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SAMPLES_DIR
#define SAMPLES_DIR "../shared/samples"
#endif

char *sample_read(arena *a, const char *name, size_t *len)
{
    const char *dir = getenv("GENBA_SAMPLES");
    if (!dir || !*dir)
        dir = SAMPLES_DIR;
    char *path = arena_printf(a, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    /* a missing sample fails the test that needs it: never a silent pass */
    if (!f)
        ck_abort_msg("sample %s not found (set GENBA_SAMPLES to the samples folder)", path);
    buf b;
    buf_init(&b, a);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

/* All errors as "line:field:code:arg|..." for messages. */
static const char *show(arena *a, const errs *e)
{
    buf b;
    buf_init(&b, a);
    for (int i = 0; i < e->n; i++)
        buf_printf(&b, "%s%d:%s:%s:%s", i ? "|" : "", e->e[i].line, e->e[i].field ? e->e[i].field : "-",
                   e->e[i].code, e->e[i].arg ? e->e[i].arg : "");
    return b.data;
}

static bool streq(const char *x, const char *y)
{
    return (!x && !y) || (x && y && !strcmp(x, y));
}

/* Deep equality of two models (lines excepted: written XML has its own). */
static bool same_model(const definition *x, const definition *y, const char **where)
{
#define SAME(c, w) do { if (!(c)) { *where = (w); return false; } } while (0)
    SAME(streq(x->name, y->name), "name");
    for (int i = 0; i < 10; i++)
        SAME(streq(x->remarks_names[i], y->remarks_names[i]), "remarks_names");
    SAME(x->exclusive_lock == y->exclusive_lock && x->applicant_lock == y->applicant_lock, "locks");
    SAME(x->has_autonumber == y->has_autonumber, "autonumber");
    if (x->has_autonumber)
        SAME(streq(x->an_prefix, y->an_prefix) && streq(x->an_date, y->an_date) &&
             x->an_digits == y->an_digits && x->an_start == y->an_start && x->an_step == y->an_step,
             "autonumber fields");
    SAME(x->nstages == y->nstages, "nstages");
    for (int i = 0; i < x->nstages; i++)
        SAME(x->stages[i].no == y->stages[i].no && streq(x->stages[i].name, y->stages[i].name) &&
             streq(x->stages[i].group, y->stages[i].group), "stage");
    SAME(streq(x->available_from, y->available_from) && streq(x->available_until, y->available_until),
         "availability");
    SAME(x->nsheets == y->nsheets, "nsheets");
    for (int s = 0; s < x->nsheets; s++) {
        const def_sheet *p = &x->sheets[s], *q = &y->sheets[s];
        SAME(p->no == q->no && streq(p->name, q->name) && p->width == q->width && p->height == q->height &&
             streq(p->background, q->background) && p->nclusters == q->nclusters, "sheet");
        for (int i = 0; i < p->nclusters; i++) {
            const def_cluster *c = &p->clusters[i], *d = &q->clusters[i];
            SAME(c->sheet_no == d->sheet_no && c->id == d->id && streq(c->name, d->name) && c->type == d->type,
                 "cluster identity");
            SAME(streq(c->top, d->top) && streq(c->bottom, d->bottom) && streq(c->left, d->left) &&
                 streq(c->right, d->right) && c->ftop == d->ftop && c->fbottom == d->fbottom &&
                 c->fleft == d->fleft && c->fright == d->fright, "rect");
            SAME(c->required == d->required && c->copy_on_duplicate == d->copy_on_duplicate &&
                 c->lock_after_save == d->lock_after_save, "flags");
            for (int k = 0; k < 10; k++)
                SAME(streq(c->remarks[k], d->remarks[k]), "remarks");
            SAME(c->nparams == d->nparams, "nparams");
            for (int k = 0; k < c->nparams; k++)
                SAME(streq(c->params[k].name, d->params[k].name) && streq(c->params[k].value, d->params[k].value),
                     "param");
            SAME(c->nitems == d->nitems, "nitems");
            for (int k = 0; k < c->nitems; k++)
                SAME(streq(c->items[k].value, d->items[k].value) && streq(c->items[k].label, d->items[k].label) &&
                     c->items[k].is_default == d->items[k].is_default, "item");
            SAME(c->nfills == d->nfills, "nfills");
            for (int k = 0; k < c->nfills; k++)
                SAME(c->fills[k].cluster == d->fills[k].cluster && streq(c->fills[k].field, d->fills[k].field),
                     "fill");
        }
    }
    return true;
#undef SAME
}

/* read(write(d)) == d and write(read(write(d))) == write(d). */
static void check_roundtrip(arena *a, const definition *d)
{
    buf x1, x2;
    buf_init(&x1, a);
    defxml_write(d, &x1);
    errs e;
    errs_init(&e, a);
    definition *d2;
    ck_assert_msg(defxml_read(a, x1.data, x1.len, &d2, &e), "%s\n%s", show(a, &e), x1.data);
    const char *where = "";
    ck_assert_msg(same_model(d, d2, &where), "models differ at %s", where);
    buf_init(&x2, a);
    defxml_write(d2, &x2);
    ck_assert_uint_eq(x1.len, x2.len);
    ck_assert(!memcmp(x1.data, x2.data, x1.len));
}

/* The line of the first occurrence of needle in text. */
static int line_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    ck_assert_msg(p, "'%s' not in the text", needle);
    int line = 1;
    for (const char *q = text; q < p; q++)
        line += *q == '\n';
    return line;
}

static bool has_group(void *ctx, const char *name)
{
    for (const char *const *g = ctx; *g; g++)
        if (!strcmp(*g, name))
            return true;
    return false;
}

START_TEST(sample_daily_inspection)
{
    arena *a = arena_new();
    size_t len;
    char *xml = sample_read(a, "daily-inspection.xml", &len);
    errs e;
    errs_init(&e, a);
    definition *d;
    ck_assert_msg(defxml_read(a, xml, len, &d, &e), "%s", show(a, &e));
    ck_assert_int_eq(e.n, 0);
    ck_assert_str_eq(d->name, "設備日常点検表 Daily equipment inspection");
    ck_assert_str_eq(d->remarks_names[1], "Shift");
    ck_assert_ptr_null(d->remarks_names[2]);
    ck_assert(d->exclusive_lock && d->applicant_lock && d->has_autonumber);
    ck_assert_str_eq(d->an_prefix, "INS-");
    ck_assert_str_eq(d->an_date, "yyyyMMdd");
    ck_assert_int_eq(d->an_digits, 4);
    ck_assert_int_eq(d->nstages, 2);
    ck_assert_str_eq(d->stages[1].group, "managers");
    ck_assert_int_eq(d->nsheets, 2);
    ck_assert_int_eq(d->sheets[0].nclusters, 16);
    ck_assert_int_eq(d->sheets[1].nclusters, 5);
    ck_assert_int_eq(d->sheets[0].width, 595);
    ck_assert_int_eq(d->sheets[0].line, line_of(xml, "<sheet>"));

    const def_cluster *p = def_find(d, 1, 6);
    ck_assert_str_eq(p->name, "pressure");
    ck_assert_int_eq(p->type, CT_NUMERIC);
    ck_assert(p->required);
    ck_assert_str_eq(p->top, "0.160");
    ck_assert(p->ftop > 0.159 && p->ftop < 0.161);
    ck_assert_int_eq(p->line, line_of(xml, "<clusterId>6<") - 1);
    /* parameters in document order */
    static const char *const names[] = {"decimalPlaces", "minimum", "maximum", "normalMinimum", "normalMaximum", "unit"};
    static const char *const values[] = {"1", "0", "10", "2.0", "6.5", "MPa"};
    ck_assert_int_eq(p->nparams, 6);
    for (int i = 0; i < 6; i++) {
        ck_assert_str_eq(p->params[i].name, names[i]);
        ck_assert_str_eq(p->params[i].value, values[i]);
    }
    const def_cluster *shift = def_find(d, 1, 5);
    ck_assert_int_eq(shift->nitems, 2);
    ck_assert_str_eq(shift->items[0].value, "day");
    ck_assert_str_eq(shift->items[0].label, "日勤 Day");
    ck_assert(shift->items[0].is_default && !shift->items[1].is_default);
    const def_cluster *approve = def_find(d, 2, 4);
    ck_assert_int_eq(approve->type, CT_APPROVE);
    ck_assert_str_eq(def_param_get(approve, "stage"), "2");
    ck_assert_str_eq(def_param_get(def_find(d, 1, 1), "minimum"), "today-7");
    ck_assert_str_eq(def_param_get(def_find(d, 1, 13), "formula"),
                     "IF(C(1,11)+C(1,12)=0, 0, ROUND(C(1,12)/(C(1,11)+C(1,12))*100, 2))");

    /* with the tenant's groups */
    static const char *const both[] = {"foremen", "managers", NULL}, *const one[] = {"foremen", NULL};
    errs_init(&e, a);
    ck_assert(defxml_read_checked(a, xml, len, has_group, (void *)both, &d, &e));
    errs_init(&e, a);
    ck_assert(!defxml_read_checked(a, xml, len, has_group, (void *)one, &d, &e));
    ck_assert_msg(e.n == 1, "%s", show(a, &e));
    ck_assert_str_eq(e.e[0].code, "unknown_group");
    ck_assert_str_eq(e.e[0].arg, "managers");
    ck_assert_str_eq(e.e[0].field, "approval stage 2");
    ck_assert_int_eq(e.e[0].line, line_of(xml, "group=\"managers\""));
    ck_assert_ptr_nonnull(d);   /* the model, for a semantic failure */
    arena_free(&a);
}
END_TEST

START_TEST(sample_large)
{
    arena *a = arena_new();
    size_t len;
    char *xml = sample_read(a, "large-250.xml", &len);
    errs e;
    errs_init(&e, a);
    definition *d;
    ck_assert_msg(defxml_read(a, xml, len, &d, &e), "%s", show(a, &e));
    ck_assert_int_eq(d->nsheets, 5);
    int total = 0;
    for (int s = 0; s < d->nsheets; s++)
        total += d->sheets[s].nclusters;
    ck_assert_int_eq(total, 250);
    ck_assert_str_eq(d->sheets[4].clusters[49].name, "q5_49");
    arena_free(&a);
}
END_TEST

START_TEST(samples_roundtrip)
{
    static const char *const files[] = {"daily-inspection.xml", "large-250.xml"};
    for (int i = 0; i < 2; i++) {
        arena *a = arena_new();
        size_t len;
        char *xml = sample_read(a, files[i], &len);
        errs e;
        errs_init(&e, a);
        definition *d;
        ck_assert_msg(defxml_read(a, xml, len, &d, &e), "%s", show(a, &e));
        check_roundtrip(a, d);
        arena_free(&a);
    }
}
END_TEST

/* A model with everything the writer must escape or spell out. */
START_TEST(writer_escapes)
{
    arena *a = arena_new();
    definition *d = arena_calloc(a, 1, sizeof *d);
    d->name = "A & B <draft> \"quoted\" 'single'";
    d->remarks_names[0] = "R1";
    d->remarks_names[9] = "R10 ]]> end";
    d->has_autonumber = true;
    d->an_prefix = "<&\">";
    d->an_date = "yy-MM";
    d->an_digits = 6;
    d->an_start = 0;
    d->an_step = 5;
    def_stage st[] = {{1, "First & \"one\"", "g<1>"}};
    d->stages = st;
    d->nstages = 1;
    d->available_from = "2025-01-01";
    d->available_until = "2025-12-31";
    def_param params[] = {{"default", "  spaced  \r\nline\ttab & <x>"}, {"maxLength", "10"},
                          {"pattern", "^[a-z]+ $"}};
    def_item items[] = {{"v \"&<'1", "label\nwith & line\r", true}, {"b", "", false}};
    def_fill fills[] = {{1, "name & \"code\""}};
    def_cluster cl[3] = {
        {.sheet_no = 1, .id = 0, .name = "text & more", .type = CT_KEYBOARD_TEXT, .top = "0.1",
         .bottom = "0.2", .left = "0", .right = "1", .required = true, .lock_after_save = true,
         .params = params, .nparams = 3},
        {.sheet_no = 1, .id = 1, .name = "choice", .type = CT_MULTIPLE_CHOICE, .top = "0.3",
         .bottom = "0.4", .left = "0.1", .right = "0.5", .copy_on_duplicate = true, .items = items,
         .nitems = 2},
        {.sheet_no = 1, .id = 2, .name = "ms", .type = CT_MASTER_SELECT, .top = "0.5", .bottom = "0.6",
         .left = "0.1", .right = "0.5", .fills = fills, .nfills = 1},
    };
    cl[0].remarks[0] = "first <remark>";
    cl[0].remarks[9] = "";
    static const def_param ms[] = {{"master", "parts"}};
    cl[2].params = (def_param *)ms;
    cl[2].nparams = 1;
    for (int i = 0; i < 3; i++) {
        cl[i].ftop = atof(cl[i].top);
        cl[i].fbottom = atof(cl[i].bottom);
        cl[i].fleft = atof(cl[i].left);
        cl[i].fright = atof(cl[i].right);
    }
    def_sheet sh = {.no = 1, .name = "Sheet \"1\"", .width = 595, .height = 842, .background = "bg.png",
                    .clusters = cl, .nclusters = 3};
    d->sheets = &sh;
    d->nsheets = 1;
    check_roundtrip(a, d);

    buf b;
    buf_init(&b, a);
    defxml_write(d, &b);
    ck_assert_ptr_nonnull(strstr(b.data, "<defTopName>A &amp; B &lt;draft&gt; \"quoted\" 'single'</defTopName>"));
    ck_assert_ptr_nonnull(strstr(b.data, "<item value=\"v &quot;&amp;&lt;'1\" default=\"true\">label\nwith &amp; line&#13;</item>"));
    ck_assert_ptr_nonnull(strstr(b.data, "<autoNumber prefix=\"&lt;&amp;&quot;&gt;\" date=\"yy-MM\" digits=\"6\" start=\"0\" step=\"5\"/>"));
    ck_assert_ptr_nonnull(strstr(b.data, "      <cluster>\n            <sheetNo>1</sheetNo>\n"));
    ck_assert_ptr_nonnull(strstr(b.data, "<map cluster=\"1\" field=\"name &amp; &quot;code&quot;\"/>"));

    /* white space in attributes survives attribute normalisation */
    items[0].value = "t\tn\n";
    buf_init(&b, a);
    defxml_write(d, &b);
    ck_assert_ptr_nonnull(strstr(b.data, "<item value=\"t&#9;n&#10;\" default=\"true\">"));
    items[0].value = "v";

    /* control characters XML cannot carry are dropped; unknown parameters skipped */
    def_param odd[] = {{"text", "bell\a here"}, {"colour", "red"}};
    cl[0].type = CT_FIXED_TEXT;
    cl[0].params = odd;
    cl[0].nparams = 2;
    buf_init(&b, a);
    defxml_write(d, &b);
    ck_assert_ptr_nonnull(strstr(b.data, "<text>bell here</text>"));
    ck_assert_ptr_null(strstr(b.data, "colour"));
    errs e;
    errs_init(&e, a);
    definition *d2;
    ck_assert_msg(defxml_read(a, b.data, b.len, &d2, &e), "%s", show(a, &e));
    arena_free(&a);
}
END_TEST

/* How the reader settles what it reads. */
START_TEST(reader_normalises)
{
    static const char xml[] =
        "<conmas><top><defTopName>  Two\n  lines  </defTopName><settings><autoNumber/></settings>\n"
        "<sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>+100</width><height>0100</height>\n"
        "<clusters><cluster><sheetNo>1</sheetNo><clusterId>007</clusterId><clusterName> n </clusterName>\n"
        "<type> FixedText </type><top> +.5 </top><bottom>0.60</bottom><left>-0.0</left><right>1.</right>\n"
        "<text>  keep <![CDATA[a<b]]> </text><default> kept </default><remarks3> r </remarks3><required> true </required>"
        "</cluster></clusters></sheet></sheets></top></conmas>";
    arena *a = arena_new();
    errs e;
    errs_init(&e, a);
    definition *d;
    ck_assert_msg(defxml_read(a, xml, sizeof xml - 1, &d, &e), "%s", show(a, &e));
    ck_assert_str_eq(d->name, "Two lines");
    ck_assert(d->has_autonumber && d->an_digits == 4 && d->an_start == 1 && d->an_step == 1);
    ck_assert_str_eq(d->an_prefix, "");
    ck_assert_int_eq(d->sheets[0].width, 100);
    ck_assert_int_eq(d->sheets[0].height, 100);
    const def_cluster *c = &d->sheets[0].clusters[0];
    ck_assert_int_eq(c->id, 7);
    ck_assert_str_eq(c->name, "n");
    ck_assert_int_eq(c->type, CT_FIXED_TEXT);
    ck_assert_str_eq(c->top, "0.5");
    ck_assert_str_eq(c->bottom, "0.60");
    ck_assert_str_eq(c->left, "0.0");
    ck_assert_str_eq(c->right, "1");
    ck_assert(c->fright == 1.0 && c->ftop == 0.5);
    ck_assert_str_eq(def_param_get(c, "text"), "  keep a<b ");
    ck_assert_str_eq(def_param_get(c, "default"), " kept ");
    ck_assert_str_eq(c->remarks[2], " r ");
    ck_assert(c->required);
    ck_assert_int_eq(c->line, 4);   /* the name holds a line break */
    check_roundtrip(a, d);
    arena_free(&a);
}
END_TEST

START_TEST(decimals)
{
    static const struct { const char *x, *y; int want; } c[] = {
        {"0", "0", 0}, {"0.30", "0.3", 0}, {"-0", "0", 0}, {"-0.000", "0.0", 0}, {"007", "7", 0},
        {"0.1", "0.2", -1}, {"10", "9.99999999999", 1}, {"-1", "-2", 1}, {"-2", "1", -1},
        {"123456789012345678901234567890", "123456789012345678901234567891", -1},
        {"0.0000000000000000001", "0", 1}, {"-0.5", "-0.25", -1}, {"1", "1.0000000001", -1},
        {"100", "99", 1}, {"0.9", "1", -1},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        ck_assert(defcheck_is_decimal(c[i].x) && defcheck_is_decimal(c[i].y));
        ck_assert_msg(defcheck_deccmp(c[i].x, c[i].y) == c[i].want, "%s vs %s", c[i].x, c[i].y);
        ck_assert_msg(defcheck_deccmp(c[i].y, c[i].x) == -c[i].want, "%s vs %s", c[i].y, c[i].x);
    }
    static const char *const bad[] = {"", "-", ".5", "5.", "+1", "1e3", "0x10", "1,5", " 1", "1 ", "--1", "1.2.3", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(!defcheck_is_decimal(bad[i]), "'%s'", bad[i]);
    ck_assert(!defcheck_is_decimal(NULL));
}
END_TEST

/* One error, with this code, line and (when given) detail. */
static void expect_one(arena *a, const char *xml, size_t len, const char *code, int line, const char *arg)
{
    errs e;
    errs_init(&e, a);
    definition *d = (definition *)1;
    ck_assert(!defxml_read(a, xml, len, &d, &e));
    ck_assert_ptr_null(d);
    ck_assert_msg(e.n == 1, "%s", show(a, &e));
    ck_assert_msg(!strcmp(e.e[0].code, code) && (line < 0 || e.e[0].line == line) &&
                  (!arg || (e.e[0].arg && strstr(e.e[0].arg, arg))),
                  "want %s at %d (%s), got %s", code, line, arg ? arg : "", show(a, &e));
}

START_TEST(malformed_xml)
{
    static const struct { const char *xml; int line; const char *arg; } c[] = {
        {"", 1, "empty"},
        {"not xml at all", 1, "Start tag expected"},
        {"<?xml version=\"1.0\"?>\n<conmas>\n<top>\n</conmas>", 4, "mismatch"},
        {"<conmas><top></top></conmas>\n<second/>", 2, "Extra content"},
        {"<conmas>\n\n<a b=\"1\" b=\"2\"/></conmas>", 3, "redefined"},
        {"<conmas>&amp</conmas>", 1, NULL},
        {"<conmas>&undefined;</conmas>", 1, "undefined"},
        {"<conmas>\n<!-- unterminated comment </conmas>", -1, "Comment not terminated"},
        {"<?xml version=\"1.0\" encoding=\"UTF-8\"?><conmas>\xff\xfe</conmas>", 1, NULL},
        {"<conmas>&#0;</conmas>", 1, NULL},
    };
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        expect_one(a, c[i].xml, strlen(c[i].xml), "xml_malformed", c[i].line, c[i].arg);
    static const char nul[] = "<conmas>a\0b</conmas>";
    expect_one(a, nul, sizeof nul - 1, "xml_malformed", 1, NULL);
    arena_free(&a);
}
END_TEST

START_TEST(hostile_xml)
{
    arena *a = arena_new();
    /* a canary file an external entity would read */
    char path[] = "/tmp/genba-canaryXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "CANARY-SECRET\n", 14), 14);
    close(fd);

    const char *doctype[] = {
        /* billion laughs */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n]>\n"
        "<conmas><top><defTopName>&lol9;</defTopName></top></conmas>",
        /* external entities */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE conmas [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<conmas><top><defTopName>&xxe;</defTopName></top></conmas>",
        arena_printf(a, "<?xml version=\"1.0\"?>\n<!DOCTYPE conmas [<!ENTITY xxe SYSTEM \"file://%s\">]>\n"
                        "<conmas>&xxe;</conmas>", path),
        arena_printf(a, "<?xml version=\"1.0\"?>\n<!DOCTYPE conmas [<!ENTITY %% p SYSTEM \"%s\"> %%p;]>\n"
                        "<conmas/>", path),
        arena_printf(a, "<?xml version=\"1.0\"?>\n<!DOCTYPE conmas SYSTEM \"%s\">\n<conmas/>", path),
        "<?xml version=\"1.0\"?>\n<!DOCTYPE conmas PUBLIC \"-//x//y\" \"http://127.0.0.1:9/x.dtd\">\n<conmas/>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE conmas>\n<conmas/>",
    };
    for (size_t i = 0; i < sizeof doctype / sizeof doctype[0]; i++) {
        errs e;
        errs_init(&e, a);
        definition *d;
        ck_assert(!defxml_read(a, doctype[i], strlen(doctype[i]), &d, &e));
        ck_assert_msg(e.n == 1 && !strcmp(e.e[0].code, "doctype_refused") && e.e[0].line == 2,
                      "case %zu: %s", i, show(a, &e));
        ck_assert(!strstr(show(a, &e), "CANARY") && !strstr(show(a, &e), "root:"));
    }
    /* without a DOCTYPE there are no entities to reference */
    const char *undefined = "<conmas>&xxe;</conmas>";
    expect_one(a, undefined, strlen(undefined), "xml_malformed", 1, "xxe");
    /* XInclude is not processed: the element is just unknown to the schema */
    const char *xi = arena_printf(a, "<conmas xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
                                     "<xi:include href=\"%s\" parse=\"text\"/></conmas>", path);
    errs e;
    errs_init(&e, a);
    definition *d;
    ck_assert(!defxml_read(a, xi, strlen(xi), &d, &e));
    ck_assert_str_eq(e.e[0].code, "schema");
    ck_assert(!strstr(show(a, &e), "CANARY"));
    /* schemaLocation hints are not followed */
    const char *hint = arena_printf(a, "<conmas xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                                       "xsi:noNamespaceSchemaLocation=\"%s\"/>", path);
    errs_init(&e, a);
    ck_assert(!defxml_read(a, hint, strlen(hint), &d, &e));
    ck_assert_str_eq(e.e[0].code, "schema");
    ck_assert(!strstr(show(a, &e), "CANARY"));
    unlink(path);

    /* nesting: just over the limit, and far beyond (stops at once) */
    for (int depth = 65; depth <= 200000; depth = depth == 65 ? 200000 : depth + 1) {
        buf b;
        buf_init(&b, a);
        buf_adds(&b, "<conmas>\n");
        for (int i = 1; i < depth; i++)
            buf_adds(&b, "<a>");
        for (int i = 1; i < depth; i++)
            buf_adds(&b, "</a>");
        buf_adds(&b, "</conmas>");
        expect_one(a, b.data, b.len, "too_deep", 2, "64");
    }
    /* 64 levels are fine for the parser (the schema then refuses the elements) */
    buf b;
    buf_init(&b, a);
    buf_adds(&b, "<conmas>");
    for (int i = 1; i < 64; i++)
        buf_adds(&b, "<a>");
    for (int i = 1; i < 64; i++)
        buf_adds(&b, "</a>");
    buf_adds(&b, "</conmas>");
    errs_init(&e, a);
    ck_assert(!defxml_read(a, b.data, b.len, &d, &e));
    ck_assert_str_eq(e.e[0].code, "schema");

    /* size: refused before parsing */
    size_t big = DEFXML_MAX_BYTES + 1;
    char *huge = arena_alloc(a, big);
    memset(huge, ' ', big);
    expect_one(a, huge, big, "too_large", 0, "5 MiB");
    /* a namespace makes it another vocabulary */
    const char *ns = "<conmas xmlns=\"urn:other\"/>";
    expect_one(a, ns, strlen(ns), "schema", 1, NULL);
    arena_free(&a);
}
END_TEST

/* Every schema violation is listed with its line, up to the cap. */
START_TEST(schema_errors)
{
    static const char xml[] =
        "<conmas><top><defTopName>T</defTopName>\n"
        "<settings><exclusiveLock>yes</exclusiveLock></settings>\n"
        "<sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height>\n"
        "<clusters>\n"
        "<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>a</clusterName><type>Slider</type>"
        "<top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.2</right></cluster>\n"
        "<cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><clusterName>b</clusterName><type>Numeric</type>"
        "<top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.2</right>\n"
        "<decimalPlaces>two</decimalPlaces><colour>red</colour></cluster>\n"
        "</clusters></sheet></sheets></top></conmas>";
    arena *a = arena_new();
    errs e;
    errs_init(&e, a);
    definition *d;
    ck_assert(!defxml_read(a, xml, sizeof xml - 1, &d, &e));
    ck_assert_ptr_null(d);
    ck_assert_msg(e.n == 4, "%s", show(a, &e));
    static const struct { int line; const char *field, *arg; } want[] = {
        {2, "exclusiveLock", "'yes'"},
        {5, "sheet 1 cluster 0 (a)", "Slider"},
        {7, "sheet 1 cluster 1 (b)", "'two'"},
        {7, "sheet 1 cluster 1 (b)", "colour"},
    };
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(e.e[i].code, "schema");
        ck_assert_msg(e.e[i].line == want[i].line && !strcmp(e.e[i].field, want[i].field) &&
                      strstr(e.e[i].arg, want[i].arg), "%d: %s", i, show(a, &e));
    }

    /* 300 bad clusters: 200 listed, then too_many_errors */
    buf b;
    buf_init(&b, a);
    buf_adds(&b, "<conmas><top><defTopName>T</defTopName><sheets><sheet><sheetNo>1</sheetNo>"
                 "<defSheetName>S</defSheetName><width>1</width><height>1</height><clusters>\n");
    for (int i = 0; i < 300; i++)
        buf_printf(&b, "<cluster><sheetNo>1</sheetNo><clusterId>%d</clusterId><clusterName>c</clusterName>"
                       "<type>Numeric</type><top>x</top><bottom>0.2</bottom><left>0.1</left><right>0.2</right>"
                       "</cluster>\n", i);
    buf_adds(&b, "</clusters></sheet></sheets></top></conmas>");
    errs_init(&e, a);
    ck_assert(!defxml_read(a, b.data, b.len, &d, &e));
    ck_assert_int_eq(e.n, DEFXML_MAX_ERRORS + 1);
    ck_assert_int_eq(e.e[199].line, 201);
    ck_assert_str_eq(e.e[200].code, "too_many_errors");
    arena_free(&a);
}
END_TEST

/* A definition with n sheets (the first with clusters clusters, each with
 * items items and the extra parameters). */
static const char *generate(arena *a, int sheets, int clusters, int items, const char *extra)
{
    buf b;
    buf_init(&b, a);
    buf_adds(&b, "<conmas><top><defTopName>T</defTopName>\n<sheets>\n");
    for (int s = 1; s <= sheets; s++) {
        buf_printf(&b, "<sheet><sheetNo>%d</sheetNo><defSheetName>S</defSheetName><width>1</width><height>1</height>", s);
        if (s == 1 && clusters) {
            buf_adds(&b, "<clusters>\n");
            for (int c = 0; c < clusters; c++) {
                buf_printf(&b, "<cluster><sheetNo>1</sheetNo><clusterId>%d</clusterId><clusterName>c</clusterName>"
                               "<type>%s</type><top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.2</right>%s",
                           c, items ? "Select" : "Check", extra);
                if (items) {
                    buf_adds(&b, "<items>");
                    for (int i = 0; i < items; i++)
                        buf_printf(&b, "<item value=\"%d\">x</item>", i);
                    buf_adds(&b, "</items>");
                }
                buf_adds(&b, "</cluster>\n");
            }
            buf_adds(&b, "</clusters>");
        }
        buf_adds(&b, "</sheet>\n");
    }
    buf_adds(&b, "</sheets></top></conmas>");
    return b.data;
}

static void expect_first(arena *a, const char *xml, const char *code, int n, int line, const char *arg)
{
    errs e;
    errs_init(&e, a);
    definition *d;
    ck_assert(!defxml_read(a, xml, strlen(xml), &d, &e));
    ck_assert_msg(e.n == n && !strcmp(e.e[0].code, code) && e.e[0].line == line && !strcmp(e.e[0].arg, arg),
                  "%.300s", show(a, &e));
}

START_TEST(limits)
{
    arena *a = arena_new();
    errs e;
    errs_init(&e, a);
    definition *d;
    const char *ok = generate(a, DEFXML_MAX_SHEETS, 2, 0, "");
    ck_assert_msg(defxml_read(a, ok, strlen(ok), &d, &e), "%s", show(a, &e));
    expect_first(a, generate(a, DEFXML_MAX_SHEETS + 1, 0, 0, ""), "too_many_sheets", 1, 2, "200");
    expect_first(a, generate(a, 1, DEFXML_MAX_CLUSTERS + 1, 0, ""), "too_many_clusters", 1,
                 4 + DEFXML_MAX_CLUSTERS, "10000");
    ok = generate(a, 1, 1, DEFXML_MAX_ITEMS, "");
    errs_init(&e, a);
    ck_assert_msg(defxml_read(a, ok, strlen(ok), &d, &e), "%s", show(a, &e));
    expect_first(a, generate(a, 1, 2, DEFXML_MAX_ITEMS + 1, ""), "too_many_items", 2, 4, "1000");
    buf st;
    buf_init(&st, a);
    buf_adds(&st, "<conmas><top><defTopName>T</defTopName><settings>\n<approvalStages>");
    for (int i = 1; i <= DEFXML_MAX_STAGES + 1; i++)
        buf_printf(&st, "<stage no=\"%d\" name=\"s\" group=\"g\"/>", i);
    buf_adds(&st, "</approvalStages></settings><sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName>"
                  "<width>1</width><height>1</height></sheet></sheets></top></conmas>");
    expect_first(a, st.data, "too_many_stages", 1, 2, "50");
    /* semantic errors are capped too */
    expect_first(a, generate(a, 1, 300, 0, "<unit>x</unit>"), "param_not_allowed", DEFXML_MAX_ERRORS + 1, 4, "unit");
    /* 200,000 repeated flags cost linear time and 200 errors */
    buf b;
    buf_init(&b, a);
    for (int i = 0; i < 200000; i++)
        buf_adds(&b, "<required>true</required>");
    const char *many = generate(a, 1, 1, 0, b.data);
    errs_init(&e, a);
    ck_assert(!defxml_read(a, many, strlen(many), &d, &e));
    ck_assert_int_eq(e.n, DEFXML_MAX_ERRORS + 1);
    ck_assert_str_eq(e.e[0].code, "duplicate_param");
    ck_assert_str_eq(e.e[DEFXML_MAX_ERRORS].code, "too_many_errors");
    arena_free(&a);
}
END_TEST

/* Lines past 65535 (libxml2 keeps them apart) are still right. */
START_TEST(big_line_numbers)
{
    arena *a = arena_new();
    buf b;
    buf_init(&b, a);
    buf_adds(&b, "<conmas><top><defTopName>T</defTopName><sheets><sheet><sheetNo>1</sheetNo>"
                 "<defSheetName>S</defSheetName><width>1</width><height>1</height><clusters>");
    for (int i = 0; i < 70000; i++)
        buf_addc(&b, '\n');
    /* line 70001: a semantic error; line 70002: fine */
    buf_adds(&b, "<cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><clusterName>c</clusterName><type>Check</type>"
                 "<top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.2</right><unit>x</unit></cluster>\n"
                 "<cluster><sheetNo>1</sheetNo><clusterId>2</clusterId><clusterName>d</clusterName><type>Check</type>"
                 "<top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.2</right></cluster>\n"
                 "</clusters></sheet></sheets></top></conmas>");
    errs e;
    errs_init(&e, a);
    definition *d;
    ck_assert(!defxml_read(a, b.data, b.len, &d, &e));
    ck_assert_msg(e.n == 1 && !strcmp(e.e[0].code, "param_not_allowed") && e.e[0].line == 70001, "%s", show(a, &e));
    ck_assert_int_eq(d->sheets[0].clusters[1].line, 70002);
    /* and a schema error there */
    char *bad = strstr(b.data, "<unit>x</unit>");
    memcpy(bad, "<umit>x</umit>", 14);
    errs_init(&e, a);
    ck_assert(!defxml_read(a, b.data, b.len, &d, &e));
    ck_assert_msg(e.n == 1 && !strcmp(e.e[0].code, "schema") && e.e[0].line == 70001, "%s", show(a, &e));
    arena_free(&a);
}
END_TEST

/* Several threads reading and writing at once, each with its own arena. */
static void *reader_thread(void *arg)
{
    const char *xml = arg;
    for (int i = 0; i < 20; i++) {
        arena *a = arena_new();
        errs e;
        errs_init(&e, a);
        definition *d;
        if (!defxml_read(a, xml, strlen(xml), &d, &e)) {
            arena_free(&a);
            return "read failed";
        }
        buf b;
        buf_init(&b, a);
        defxml_write(d, &b);
        errs_init(&e, a);
        bool ok = defxml_read(a, b.data, b.len, &d, &e);
        /* and a failing one, so errors are collected concurrently too */
        errs_init(&e, a);
        bool bad = defxml_read(a, "<conmas><top/></conmas>", 23, &d, &e);
        arena_free(&a);
        if (!ok || bad)
            return "round trip failed";
    }
    return NULL;
}

START_TEST(concurrent_reads)
{
    arena *a = arena_new();
    size_t len;
    char *xml = sample_read(a, "daily-inspection.xml", &len);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, reader_thread, xml), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        ck_assert_msg(r == NULL, "%s", (const char *)r);
    }
    arena_free(&a);
}
END_TEST

Suite *suite_defxml(void)
{
    Suite *s = suite_create("defxml");
    TCase *t = tcase_create("defxml");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, sample_daily_inspection);
    tcase_add_test(t, sample_large);
    tcase_add_test(t, samples_roundtrip);
    tcase_add_test(t, writer_escapes);
    tcase_add_test(t, reader_normalises);
    tcase_add_test(t, decimals);
    tcase_add_test(t, malformed_xml);
    tcase_add_test(t, hostile_xml);
    tcase_add_test(t, schema_errors);
    tcase_add_test(t, big_line_numbers);
    tcase_add_test(t, limits);
    tcase_add_test(t, concurrent_reads);
    suite_add_tcase(s, t);
    suite_add_tcase(s, tcase_defbad());
    suite_add_tcase(s, tcase_zip());
    suite_add_tcase(s, tcase_image());
    return s;
}
