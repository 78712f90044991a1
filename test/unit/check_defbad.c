/* Bad definitions: each case breaks one rule and must produce exactly that
 * error, at the right line, and nothing else. */
#include "tests.h"
#include "forms/defcheck.h"
#include "forms/defxml.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/errs.h"

#include <string.h>

#define RECT "<top>0.3</top><bottom>0.4</bottom><left>0.1</left><right>0.2</right>"
#define RECT4(t, b, l, r) "<top>" t "</top><bottom>" b "</bottom><left>" l "</left><right>" r "</right>"
#define CLR(sheet, id, name, type, rect, params)                                                    \
    "<cluster><sheetNo>" #sheet "</sheetNo><clusterId>" #id "</clusterId><clusterName>" name          \
    "</clusterName><type>" type "</type>" rect params "</cluster>\n"
#define CL(id, type, params) CLR(1, id, "c" #id, type, RECT, params)
#define ITEMS3 "<items><item value=\"a\">A</item><item value=\"b\">B</item><item value=\"c\">C</item></items>"
#define STAGES(s) "    <settings>\n      <approvalStages>\n" s "      </approvalStages>\n    </settings>\n"
#define STAGE(no, group) "        <stage no=\"" #no "\" name=\"S" #no "\" group=\"" group "\"/>\n"
#define SHEET2(extra) "<sheet><sheetNo>2</sheetNo><defSheetName>Two</defSheetName>" extra "</sheet>\n"
#define WH "<width>10</width><height>10</height>"

typedef struct dcase {
    const char *code, *arg;   /* arg NULL: none expected; "~x": contains x */
    const char *clusters;     /* after the Time cluster 0 on sheet 1 */
    const char *settings;     /* replaces the default settings (one stage, foremen) */
    const char *top_extra;    /* between settings and sheets */
    const char *sheet_extra;  /* in sheet 1, before its clusters */
    const char *sheets;       /* after sheet 1 */
    const char *at;           /* text on the expected line; default "<clusterId>9<" */
    const char *field;        /* default "sheet 1 cluster 9 (c9)" */
} dcase;

static const char *build(arena *a, const dcase *c)
{
    return arena_printf(a,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<conmas>\n"
        "  <top>\n"
        "    <defTopName>T</defTopName>\n"
        "%s%s"
        "    <sheets>\n"
        "      <sheet>\n"
        "        <sheetNo>1</sheetNo>\n"
        "        <defSheetName>S</defSheetName>\n"
        "        <width>595</width>\n"
        "        <height>842</height>\n"
        "%s"
        "        <clusters>\n"
        CLR(1, 0, "time", "Time", RECT, "")
        "%s"
        "        </clusters>\n"
        "      </sheet>\n"
        "%s"
        "    </sheets>\n"
        "  </top>\n"
        "</conmas>\n",
        c->settings ? c->settings : STAGES(STAGE(1, "foremen")), c->top_extra ? c->top_extra : "",
        c->sheet_extra ? c->sheet_extra : "", c->clusters ? c->clusters : "", c->sheets ? c->sheets : "");
}

static int line_at(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    ck_assert_msg(p, "'%s' not in the document", needle);
    int line = 1;
    for (const char *q = text; q < p; q++)
        line += *q == '\n';
    return line;
}

static const char *show(arena *a, const errs *e)
{
    buf b;
    buf_init(&b, a);
    for (int i = 0; i < e->n; i++)
        buf_printf(&b, "%s%d:%s:%s:%s", i ? " | " : "", e->e[i].line, e->e[i].field ? e->e[i].field : "-",
                   e->e[i].code, e->e[i].arg ? e->e[i].arg : "(null)");
    return b.data;
}

static bool groups(void *ctx, const char *name)
{
    (void)ctx;
    return !strcmp(name, "foremen") || !strcmp(name, "managers");
}

static const dcase good[] = {
    {.clusters = CL(9, "Numeric", "<minimum>0.30</minimum><maximum>0.3</maximum><normalMinimum>-1.5</normalMinimum>"
                                  "<normalMaximum>-1.50</normalMaximum><decimalPlaces>10</decimalPlaces>"
                                  "<default>0.3</default><unit>m</unit><prefix>~</prefix><suffix>!</suffix>")},
    {.clusters = CL(9, "Numeric", "<minimum>-999999999999999</minimum><maximum>0.000000000000001</maximum>"
                                  "<decimalPlaces>0</decimalPlaces>")},
    {.clusters = CL(9, "Date", "<minimum>2024-02-29</minimum><maximum>today+30</maximum><default>today</default>")},
    {.clusters = CL(9, "Date", "<minimum>today-7</minimum><maximum>today</maximum>")},
    {.clusters = CL(9, "Select", "<master>parts</master><required>true</required>")},
    {.clusters = CL(9, "MultipleChoice", "<items><item value=\"a\" default=\"true\">A</item><item value=\"b\" "
                                         "default=\"true\">B</item></items><minSelected>1</minSelected>"
                                         "<maxSelected>2</maxSelected>")},
    {.clusters = CL(9, "KeyboardText", "<pattern>^[A-Z]{2}-[0-9]{4}$</pattern><maxLength>10000</maxLength>"
                                       "<charset>digits</charset><lines>3</lines><default>AB-1234</default>")},
    {.clusters = CL(9, "CodeReader", "<maxLength>1</maxLength><pattern>(a|b)+</pattern>")},
    {.clusters = CL(9, "TimeCalculate", "<start>C(1,0)</start><end>C(1,0)</end><breakMinutes>45</breakMinutes>")},
    {.clusters = CL(9, "MasterSelect", "<master>m</master><fill><map cluster=\"0\" field=\"name\"/></fill>")},
    {.clusters = CL(9, "Approve", "<stage>1</stage>") CL(10, "Create", "<stage>7</stage>")},
    {.clusters = CL(9, "NumericSelect", "<items><item value=\"1.5\">a</item><item value=\"-2\">b</item></items>")},
    {.clusters = CL(9, "Toggle", ITEMS3) CL(10, "Check", "<marker>circle</marker>")},
    {.clusters = CL(9, "Calculate", "<formula>C(1,0)</formula><decimalPlaces>2</decimalPlaces>")},
    {.clusters = CL(9, "Image", "<maxBytes>1048576</maxBytes><maxPixels>4000000</maxPixels>")},
    {.clusters = CL(9, "Time", "<seconds>true</seconds><copyOnDuplicate>true</copyOnDuplicate>"
                               "<lockAfterSave>false</lockAfterSave><remarks10>x</remarks10>")},
    {.clusters = CLR(1, 9, "c9", "Handwriting", RECT4("0", "1", "0.000", "1.0"), "")},
    {.settings = "    <settings><autoNumber prefix=\"A\" date=\"yy.MM.dd\" digits=\"12\" start=\"0\" step=\"1\"/>"
                 "</settings>\n"},
    {.settings = STAGES(STAGE(1, "foremen") STAGE(2, "managers"))},
    {.top_extra = "<availableFrom>2025-06-01</availableFrom><availableUntil>2025-06-01</availableUntil>\n"},
    {.sheet_extra = "<background>Sheet-1.JPEG</background>\n",
     .sheets = SHEET2("<width>20000</width><height>1</height><background>b.png</background>")},
};

static const dcase bad[] = {
    /* sheets */
    {"duplicate_sheet", "1", .sheets = "<sheet><sheetNo>1</sheetNo><defSheetName>Dup</defSheetName>" WH "</sheet>\n",
     .at = "Dup", .field = "sheet 1"},
    {"bad_size", "width", .sheets = SHEET2("<width>20001</width><height>10</height>"), .at = "Two", .field = "sheet 2"},
    {"bad_size", "height", .sheets = SHEET2("<width>10</width><height>0</height>"), .at = "Two", .field = "sheet 2"},
    {"bad_background", "../x.png", .sheets = SHEET2(WH "<background>../x.png</background>"), .at = "Two", .field = "sheet 2"},
    {"bad_background", "x.gif", .sheets = SHEET2(WH "<background>x.gif</background>"), .at = "Two", .field = "sheet 2"},
    {"bad_background", ".x.png", .sheets = SHEET2(WH "<background>.x.png</background>"), .at = "Two", .field = "sheet 2"},
    {"bad_background", "sub/x.png", .sheets = SHEET2(WH "<background>sub/x.png</background>"), .at = "Two", .field = "sheet 2"},
    {"bad_background", "a\\b.jpg", .sheets = SHEET2(WH "<background>a\\b.jpg</background>"), .at = "Two", .field = "sheet 2"},
    {"bad_background", "~aaaa", .sheets = SHEET2(WH "<background>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.png</background>"),
     .at = "Two", .field = "sheet 2"},
    /* clusters: identity and rectangle */
    {"duplicate_cluster_id", "9", .clusters = CLR(1, 9, "first", "Time", RECT, "") CLR(1, 9, "second", "Time", RECT, ""),
     .at = "second", .field = "sheet 1 cluster 9 (second)"},
    {"sheet_mismatch", "2", .clusters = CLR(2, 9, "c9", "Time", RECT, "")},
    {"rect_outside", "bottom", .clusters = CLR(1, 9, "c9", "Time", RECT4("0.3", "1.0000001", "0.1", "0.2"), "")},
    {"rect_outside", "left", .clusters = CLR(1, 9, "c9", "Time", RECT4("0.3", "0.4", "-0.1", "0.2"), "")},
    {"rect_inverted", NULL, .clusters = CLR(1, 9, "c9", "Time", RECT4("0.4", "0.3", "0.1", "0.2"), "")},
    {"rect_inverted", NULL, .clusters = CLR(1, 9, "c9", "Time", RECT4("0.3", "0.4", "0.20", "0.2"), "")},
    /* parameters */
    {"param_not_allowed", "decimalPlaces", .clusters = CL(9, "Check", "<decimalPlaces>2</decimalPlaces>")},
    {"param_not_allowed", "items", .clusters = CL(9, "Check", ITEMS3)},
    {"param_not_allowed", "fill", .clusters = CL(9, "Select", ITEMS3 "<fill><map cluster=\"0\" field=\"x\"/></fill>")},
    {"param_not_allowed", "formula", .clusters = CL(9, "Numeric", "<formula>1</formula>")},
    {"duplicate_param", "unit", .clusters = CL(9, "Numeric", "<unit>a</unit><unit>b</unit>")},
    {"duplicate_param", "required", .clusters = CL(9, "Numeric", "<required>true</required><required>false</required>")},
    {"duplicate_param", "remarks2", .clusters = CL(9, "Numeric", "<remarks2>a</remarks2><remarks2>b</remarks2>")},
    {"duplicate_param", "items", .clusters = CL(9, "Select", ITEMS3 ITEMS3)},
    {"param_missing", "stage", .clusters = CL(9, "Approve", "")},
    {"param_missing", "master", .clusters = CL(9, "MasterSelect", "")},
    {"param_missing", "end", .clusters = CL(9, "TimeCalculate", "<start>C(1,0)</start>")},
    {"formula_missing", NULL, .clusters = CL(9, "Calculate", "<decimalPlaces>1</decimalPlaces>")},
    {"formula_missing", NULL, .clusters = CL(9, "Calculate", "<formula> \n </formula>")},
    /* numbers */
    {"bad_decimal_places", NULL, .clusters = CL(9, "Numeric", "<decimalPlaces>11</decimalPlaces>")},
    {"bad_decimal_places", NULL, .clusters = CL(9, "Calculate", "<formula>1</formula><decimalPlaces>-1</decimalPlaces>")},
    {"min_above_max", "minimum", .clusters = CL(9, "Numeric", "<minimum>10</minimum><maximum>9.99999999999</maximum>")},
    {"min_above_max", "minimum", .clusters = CL(9, "Numeric", "<minimum>-1</minimum><maximum>-2</maximum>")},
    {"min_above_max", "normalMinimum", .clusters = CL(9, "Numeric", "<normalMinimum>6.51</normalMinimum><normalMaximum>6.5</normalMaximum>")},
    {"bad_number", "maximum", .clusters = CL(9, "Numeric", "<maximum>1e3</maximum>")},
    {"bad_number", "minimum", .clusters = CL(9, "Numeric", "<minimum>1234567890.1234567</minimum>")},
    {"bad_number", "default", .clusters = CL(9, "Numeric", "<default>abc</default>")},
    /* dates */
    {"bad_date", "minimum", .clusters = CL(9, "Date", "<minimum>2023-02-29</minimum>")},
    {"bad_date", "maximum", .clusters = CL(9, "Date", "<maximum>tomorrow</maximum>")},
    {"bad_date", "default", .clusters = CL(9, "Date", "<default>today+</default>")},
    {"min_above_max", "minimum", .clusters = CL(9, "Date", "<minimum>today</minimum><maximum>today-1</maximum>")},
    {"min_above_max", "minimum", .clusters = CL(9, "Date", "<minimum>2024-05-01</minimum><maximum>2024-04-30</maximum>")},
    {"min_above_max", "availableFrom",
     .top_extra = "    <availableFrom>2025-06-02</availableFrom>\n    <availableUntil>2025-06-01</availableUntil>\n",
     .at = "<availableFrom>", .field = "availableFrom"},
    /* items */
    {"items_missing", NULL, .clusters = CL(9, "Select", "")},
    {"items_missing", NULL, .clusters = CL(9, "Toggle", "<items/>")},
    {"items_missing", NULL, .clusters = CL(9, "MultipleChoice", "<maxSelected>1</maxSelected>")},
    {"items_missing", NULL, .clusters = CL(9, "NumericSelect", "")},
    {"duplicate_item", "a", .clusters = CL(9, "Select", "<items><item value=\"a\">1</item><item value=\"b\">2</item>"
                                                        "<item value=\"a\">3</item></items>")},
    {"bad_item_value", "", .clusters = CL(9, "Select", "<items><item value=\"\">none</item></items>")},
    {"bad_item_value", "a\tb", .clusters = CL(9, "MultipleChoice", "<items><item value=\"a&#9;b\">x</item></items>")},
    {"multiple_defaults", NULL, .clusters = CL(9, "Select", "<items><item value=\"a\" default=\"true\">1</item>"
                                                            "<item value=\"b\" default=\"true\">2</item></items>")},
    {"multiple_defaults", NULL, .clusters = CL(9, "MultipleChoice", "<items><item value=\"a\" default=\"true\">1</item>"
                                                                    "<item value=\"b\" default=\"true\">2</item>"
                                                                    "</items><maxSelected>1</maxSelected>")},
    {"item_not_numeric", "x", .clusters = CL(9, "NumericSelect", "<items><item value=\"1\">1</item><item value=\"x\">x</item></items>")},
    {"min_above_max", "minSelected", .clusters = CL(9, "MultipleChoice", ITEMS3 "<minSelected>3</minSelected><maxSelected>2</maxSelected>")},
    {"selected_above_items", "maxSelected", .clusters = CL(9, "MultipleChoice", ITEMS3 "<maxSelected>4</maxSelected>")},
    {"selected_above_items", "minSelected", .clusters = CL(9, "MultipleChoice", ITEMS3 "<minSelected>4</minSelected>")},
    /* text */
    {"bad_pattern", "~Unmatched", .clusters = CL(9, "KeyboardText", "<pattern>(ab</pattern>")},
    {"bad_pattern", "~repetition", .clusters = CL(9, "KeyboardText", "<pattern>[0-9]{1,5000}</pattern>")},
    {"bad_pattern", "~repetition", .clusters = CL(9, "CodeReader", "<pattern>((a{100}){100}){100}</pattern>")},
    {"bad_max_length", NULL, .clusters = CL(9, "KeyboardText", "<maxLength>0</maxLength>")},
    {"bad_max_length", NULL, .clusters = CL(9, "KeyboardText", "<maxLength>10001</maxLength>")},
    {"bad_max_length", NULL, .clusters = CL(9, "CodeReader", "<maxLength>0</maxLength>")},
    {"bad_charset", "kanji", .clusters = CL(9, "KeyboardText", "<charset>kanji</charset>")},
    /* references */
    {"unknown_stage", "2", .clusters = CL(9, "Approve", "<stage>2</stage>")},
    {"bad_fill", "99", .clusters = CL(9, "MasterSelect", "<master>m</master><fill><map cluster=\"99\" field=\"f\"/></fill>")},
    {"bad_fill", "9", .clusters = CL(9, "MasterSelect", "<master>m</master><fill><map cluster=\"9\" field=\"f\"/></fill>")},
    {"bad_reference", "start", .clusters = CL(9, "TimeCalculate", "<start>C(1,99)</start><end>C(1,0)</end>")},
    {"bad_reference", "end", .clusters = CL(9, "TimeCalculate", "<start>C(1,0)</start><end>0</end>")},
    {"bad_reference", "start", .clusters = CL(8, "Check", "") CL(9, "TimeCalculate", "<start>C(1,8)</start><end>C(1,0)</end>")},
    /* settings */
    {"stage_order", "3", .settings = STAGES(STAGE(1, "foremen") STAGE(3, "managers")), .at = "no=\"3\"",
     .field = "approval stage 2"},
    {"stage_order", "2", .settings = STAGES(STAGE(2, "foremen")), .at = "no=\"2\"", .field = "approval stage 1"},
    {"unknown_group", "nobody", .settings = STAGES(STAGE(1, "foremen") STAGE(2, "nobody")), .at = "nobody",
     .field = "approval stage 2"},
    {"bad_autonumber", "digits", .settings = "    <settings>\n<autoNumber digits=\"13\"/></settings>\n",
     .at = "<autoNumber", .field = "autoNumber"},
    {"bad_autonumber", "digits", .settings = "    <settings>\n<autoNumber digits=\"0\"/></settings>\n",
     .at = "<autoNumber", .field = "autoNumber"},
    {"bad_autonumber", "date", .settings = "    <settings>\n<autoNumber date=\"yyyyMMddHH\"/></settings>\n",
     .at = "<autoNumber", .field = "autoNumber"},
    {"bad_autonumber", "date", .settings = "    <settings>\n<autoNumber date=\"yyyyyy\"/></settings>\n",
     .at = "<autoNumber", .field = "autoNumber"},
    {"bad_autonumber", "step", .settings = "    <settings>\n<autoNumber step=\"0\"/></settings>\n",
     .at = "<autoNumber", .field = "autoNumber"},
    {"bad_autonumber", "start", .settings = "    <settings>\n<autoNumber start=\"-1\"/></settings>\n",
     .at = "<autoNumber", .field = "autoNumber"},
};

START_TEST(good_definitions)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        arena *a = arena_new();
        const char *xml = build(a, &good[i]);
        errs e;
        errs_init(&e, a);
        definition *d;
        ck_assert_msg(defxml_read_checked(a, xml, strlen(xml), groups, NULL, &d, &e), "good case %zu: %s\n%s", i,
                      show(a, &e), xml);
        arena_free(&a);
    }
}
END_TEST

START_TEST(bad_definitions)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const dcase *c = &bad[i];
        arena *a = arena_new();
        const char *xml = build(a, c);
        errs e;
        errs_init(&e, a);
        definition *d;
        ck_assert(!defxml_read_checked(a, xml, strlen(xml), groups, NULL, &d, &e));
        ck_assert_msg(d != NULL, "case %zu (%s): no model", i, c->code);
        const char *got = show(a, &e);
        ck_assert_msg(e.n == 1, "case %zu (%s): %s", i, c->code, got);
        const field_err *f = &e.e[0];
        ck_assert_msg(!strcmp(f->code, c->code), "case %zu: want %s, got %s", i, c->code, got);
        ck_assert_msg(f->line == line_at(xml, c->at ? c->at : "<clusterId>9<"), "case %zu (%s): line: %s", i,
                      c->code, got);
        ck_assert_msg(!strcmp(f->field, c->field ? c->field : "sheet 1 cluster 9 (c9)"), "case %zu (%s): field: %s",
                      i, c->code, got);
        if (!c->arg)
            ck_assert_msg(!f->arg, "case %zu (%s): arg: %s", i, c->code, got);
        else if (c->arg[0] == '~')
            ck_assert_msg(f->arg && strstr(f->arg, c->arg + 1), "case %zu (%s): arg: %s", i, c->code, got);
        else
            ck_assert_msg(f->arg && !strcmp(f->arg, c->arg), "case %zu (%s): arg: %s", i, c->code, got);
        arena_free(&a);
    }
}
END_TEST

/* All problems of one definition come back together, in document order. */
START_TEST(every_problem_at_once)
{
    dcase c = {
        .settings = STAGES(STAGE(1, "nobody")),
        .clusters = CL(9, "Check", "<decimalPlaces>2</decimalPlaces>")
                    CL(10, "Numeric", "<minimum>5</minimum><maximum>4</maximum><decimalPlaces>12</decimalPlaces>")
                    CLR(1, 10, "again", "Select", RECT4("0.5", "0.4", "0", "2"), ""),
        .sheets = SHEET2("<width>0</width><height>10</height>"),
    };
    arena *a = arena_new();
    const char *xml = build(a, &c);
    errs e;
    errs_init(&e, a);
    definition *d;
    ck_assert(!defxml_read_checked(a, xml, strlen(xml), groups, NULL, &d, &e));
    static const char *const want[] = {"unknown_group", "bad_size", "param_not_allowed", "bad_decimal_places",
                                       "min_above_max", "duplicate_cluster_id", "rect_outside", "items_missing"};
    const char *got = show(a, &e);
    ck_assert_msg(e.n == 8, "%s", got);
    for (int i = 0; i < 8; i++)
        ck_assert_msg(!strcmp(e.e[i].code, want[i]), "%d: %s", i, got);
    ck_assert_int_eq(e.e[0].line, line_at(xml, "nobody"));
    ck_assert_int_eq(e.e[7].line, line_at(xml, "again"));
    arena_free(&a);
}
END_TEST

/* Models that do not come from XML can break rules the schema would catch. */
START_TEST(model_checks)
{
    arena *a = arena_new();
    def_param params[] = {{"colour", "red"}, {"items", "x"}, {"unit", "a"}, {"unit", "b"}};
    def_cluster cl = {.sheet_no = 1, .id = 0, .name = "n", .type = CT_NUMERIC, .top = "abc", .bottom = "0.5",
                      .left = "0", .right = "1", .params = params, .nparams = 4};
    def_sheet sh = {.no = 1, .name = "S", .width = 10, .height = 10, .clusters = &cl, .nclusters = 1};
    definition d = {.name = "T", .sheets = &sh, .nsheets = 1, .available_from = "2025-13-01"};
    errs e;
    errs_init(&e, a);
    defcheck_run(&d, NULL, NULL, &e);
    static const char *const want[] = {"bad_date", "rect_outside", "param_not_allowed", "param_not_allowed",
                                       "duplicate_param"};
    const char *got = show(a, &e);
    ck_assert_msg(e.n == 5, "%s", got);
    for (int i = 0; i < 5; i++)
        ck_assert_msg(!strcmp(e.e[i].code, want[i]), "%d: %s", i, got);
    ck_assert_str_eq(e.e[2].arg, "colour");
    ck_assert_str_eq(e.e[3].arg, "items");
    ck_assert_int_eq(e.e[0].line, 0);

    ck_assert(defcheck_param_allowed(CT_NUMERIC, "remarks10"));
    ck_assert(!defcheck_param_allowed(CT_NUMERIC, "remarks11"));
    ck_assert(!defcheck_param_allowed(CT_NUMERIC, "remarks0"));
    ck_assert(defcheck_param_allowed(CT_GPS, "default"));
    ck_assert(!defcheck_param_allowed(CT_GPS, "unit"));
    ck_assert(!defcheck_param_allowed((cluster_type)99, "unit"));
    ck_assert_ptr_null(defcheck_param_name("colour"));
    ck_assert_str_eq(defcheck_param_name("fill"), "fill");
    arena_free(&a);
}
END_TEST

TCase *tcase_defbad(void)
{
    TCase *t = tcase_create("defbad");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, good_definitions);
    tcase_add_test(t, bad_definitions);
    tcase_add_test(t, every_problem_at_once);
    tcase_add_test(t, model_checks);
    return t;
}
