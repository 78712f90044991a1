/* defxml.c - reading definitions from XML: see defxml.h. */
#include "forms/defxml.h"
#include "forms/defcheck.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one-time set-up ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static xmlSchemaPtr schema;

static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void ignore_error(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

static void init_once(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_entity);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(defxml_xsd, (int)defxml_xsd_len);
    if (!pc)
        return;
    xmlSchemaSetParserStructuredErrors(pc, ignore_error, NULL);
    schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
}

bool defxml_init(void)
{
    pthread_once(&once, init_once);
    return schema != NULL;
}

/* ---- strings ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The text of an element (NULL for none), copied into a and freed. */
static char *node_text(arena *a, xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = arena_strdup(a, t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* White space runs become one space, none at the ends (xs:token). */
static char *collapse(char *s)
{
    if (!s)
        return NULL;
    char *w = s;
    bool space = false;
    for (char *r = s; *r; r++) {
        if (is_space(*r)) {
            space = w != s;
            continue;
        }
        if (space)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

static char *attr_text(arena *a, xmlNodePtr n, const char *name)
{
    xmlChar *t = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!t)
        return NULL;
    char *s = arena_strdup(a, (const char *)t);
    xmlFree(t);
    return s;
}

static bool name_is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNodePtr first_elem(xmlNodePtr n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

#define FOR_ELEMS(c, parent) for (xmlNodePtr c = first_elem((parent)->children); c; c = first_elem(c->next))

static int line_of(xmlNodePtr n)
{
    long l = n ? xmlGetLineNo(n) : 0;
    return l > 0 && l < 1000000000 ? (int)l : 0;
}

/* A decimal as written, trimmed, with its form settled: no '+', a 0
 * before a leading '.', no trailing '.', no extra leading zeros, no '-'
 * on zero.  Fraction digits stay as written ("0.120"). */
static const char *canon_decimal(arena *a, char *s)
{
    s = trim(s);
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    while (*s == '0' && s[1] >= '0' && s[1] <= '9')
        s++;
    const char *dot = strchr(s, '.');
    size_t il = dot ? (size_t)(dot - s) : strlen(s);
    const char *frac = dot ? dot + 1 : "";
    bool zero = true;
    for (const char *p = s; *p; p++)
        if (*p >= '1' && *p <= '9')
            zero = false;
    return arena_printf(a, "%s%s%.*s%s%s", neg && !zero ? "-" : "", il ? "" : "0", (int)il, s,
                        *frac ? "." : "", frac);
}

/* Locale-independent value of a canonical decimal (geometry only): the
 * digits as an integer over a power of ten, both exact in a double for
 * up to 15 digits, so "0.3" gives the same double as the literal 0.3. */
static double decimal_value(const char *s)
{
    double mant = 0, scale = 1;
    bool neg = *s == '-', frac = false;
    for (const char *p = s + neg; *p; p++) {
        if (*p == '.') {
            frac = true;
            continue;
        }
        mant = mant * 10 + (*p - '0');
        if (frac)
            scale *= 10;
    }
    double v = mant / scale;
    return neg ? -v : v;
}

static int int_text(arena *a, xmlNodePtr n)
{
    return (int)strtol(trim(node_text(a, n)), NULL, 10);
}

static int int_attr(arena *a, xmlNodePtr n, const char *name, int dflt)
{
    char *s = attr_text(a, n, name);
    return s ? (int)strtol(trim(s), NULL, 10) : dflt;
}

static bool bool_text(arena *a, xmlNodePtr n)
{
    return !strcmp(trim(node_text(a, n)), "true");
}

/* ---- parsing ---- */

typedef struct pstate {
    arena *a;
    bool doctype, too_deep;
    int line;            /* of the first error, the DOCTYPE or the deep element */
    const char *msg;     /* the parser's first error */
} pstate;

static pstate *state_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    xmlParserCtxtPtr pc = ctx;
    pstate *st = state_of(ctx);
    st->doctype = true;
    st->line = pc->input ? pc->input->line : 0;
    xmlStopParser(pc);
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    xmlParserCtxtPtr pc = ctx;
    if (pc->nameNr >= DEFXML_MAX_DEPTH) {
        pstate *st = state_of(ctx);
        st->too_deep = true;
        st->line = pc->input ? pc->input->line : 0;
        xmlStopParser(pc);
        return;
    }
    xmlSAX2StartElementNs(ctx, local, prefix, uri, nns, ns, nattr, ndefaulted, attrs);
}

static const char *clean_message(arena *a, const char *m)
{
    char *s = arena_strdup(a, m ? m : "error");
    return trim(s);
}

static void on_parse_error(void *ctx, xmlErrorPtr err)
{
    pstate *st = state_of(ctx);
    if (err->level < XML_ERR_ERROR || st->msg)
        return;
    st->msg = clean_message(st->a, err->message);
    st->line = err->line;
}

/* ---- schema errors ---- */

typedef struct vstate {
    arena *a;
    errs *e;
    int count;
} vstate;

static const char *child_text(arena *a, xmlNodePtr parent, const char *name)
{
    FOR_ELEMS(c, parent)
        if (name_is(c, name))
            return collapse(node_text(a, c));
    return "?";
}

/* Where in the document a node is, as the semantic checks name it. */
static const char *where(arena *a, xmlNodePtr n)
{
    for (xmlNodePtr p = n; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
        if (name_is(p, "cluster")) {
            /* the sheet it is on (clusters/sheet), as the semantic checks say */
            xmlNodePtr sheet = p->parent ? p->parent->parent : NULL;
            return arena_printf(a, "sheet %s cluster %s (%s)",
                                name_is(sheet, "sheet") ? child_text(a, sheet, "sheetNo") : "?",
                                child_text(a, p, "clusterId"), child_text(a, p, "clusterName"));
        }
        if (name_is(p, "sheet"))
            return arena_printf(a, "sheet %s", child_text(a, p, "sheetNo"));
        if (name_is(p, "stage") && name_is(p->parent, "approvalStages")) {
            int i = 1;
            for (xmlNodePtr q = p->prev; q; q = q->prev)
                i += name_is(q, "stage");
            return arena_printf(a, "approval stage %d", i);
        }
    }
    return n && n->type == XML_ELEMENT_NODE ? arena_strdup(a, (const char *)n->name) : "definition";
}

static void on_schema_error(void *ctx, xmlErrorPtr err)
{
    vstate *vs = ctx;
    if (err->level < XML_ERR_ERROR)
        return;
    if (++vs->count > DEFXML_MAX_ERRORS)
        return;
    xmlNodePtr n = err->node;
    if (n && n->type == XML_ATTRIBUTE_NODE)
        n = n->parent;
    vs->e->line = n ? line_of(n) : err->line;
    errs_add_arg(vs->e, where(vs->a, n), "schema", clean_message(vs->a, err->message));
}

/* ---- building the model ---- */

typedef struct builder {
    arena *a;
    errs *e;
    definition *d;
    int an_line, from_line, until_line;
    int *stage_lines;
} builder;

static void duplicate(builder *b, const char *field, xmlNodePtr n)
{
    b->e->line = line_of(n);
    errs_add_arg(b->e, field, "duplicate_param", arena_strdup(b->a, (const char *)n->name));
}

static int count_elems(xmlNodePtr parent, const char *name)
{
    int n = 0;
    FOR_ELEMS(c, parent)
        n += !name || name_is(c, name);
    return n;
}

static void build_settings(builder *b, xmlNodePtr s)
{
    definition *d = b->d;
    FOR_ELEMS(c, s) {
        if (name_is(c, "exclusiveLock")) {
            d->exclusive_lock = bool_text(b->a, c);
        } else if (name_is(c, "applicantLock")) {
            d->applicant_lock = bool_text(b->a, c);
        } else if (name_is(c, "autoNumber")) {
            d->has_autonumber = true;
            b->an_line = line_of(c);
            char *p = collapse(attr_text(b->a, c, "prefix")), *dt = collapse(attr_text(b->a, c, "date"));
            d->an_prefix = p ? p : "";
            d->an_date = dt ? dt : "";
            d->an_digits = int_attr(b->a, c, "digits", 4);
            d->an_start = int_attr(b->a, c, "start", 1);
            d->an_step = int_attr(b->a, c, "step", 1);
        } else if (name_is(c, "approvalStages")) {
            int n = count_elems(c, "stage");
            d->stages = arena_calloc(b->a, (size_t)n + 1, sizeof *d->stages);
            b->stage_lines = arena_calloc(b->a, (size_t)n + 1, sizeof *b->stage_lines);
            FOR_ELEMS(st, c) {
                def_stage *t = &d->stages[d->nstages];
                t->no = int_attr(b->a, st, "no", 0);
                t->name = collapse(attr_text(b->a, st, "name"));
                t->group = collapse(attr_text(b->a, st, "group"));
                b->stage_lines[d->nstages++] = line_of(st);
            }
        }
    }
}

/* Parameters kept as written; every other one is trimmed. */
static bool keeps_spaces(const char *name)
{
    return !strcmp(name, "text") || !strcmp(name, "default") || !strcmp(name, "unit") ||
           !strcmp(name, "prefix") || !strcmp(name, "suffix") || !strcmp(name, "pattern");
}

static void build_items(builder *b, def_cluster *cl, xmlNodePtr items)
{
    cl->items = arena_calloc(b->a, (size_t)count_elems(items, "item") + 1, sizeof *cl->items);
    FOR_ELEMS(it, items) {
        def_item *t = &cl->items[cl->nitems++];
        t->value = attr_text(b->a, it, "value");
        t->label = node_text(b->a, it);
        char *df = attr_text(b->a, it, "default");
        t->is_default = df && !strcmp(trim(df), "true");
    }
}

static void build_fill(builder *b, def_cluster *cl, xmlNodePtr fill)
{
    cl->fills = arena_calloc(b->a, (size_t)count_elems(fill, "map") + 1, sizeof *cl->fills);
    FOR_ELEMS(m, fill) {
        def_fill *t = &cl->fills[cl->nfills++];
        t->cluster = int_attr(b->a, m, "cluster", -1);
        t->field = collapse(attr_text(b->a, m, "field"));
    }
}

/* seen: bits of the flags (1, 2, 4), items (8) and fill (16) met so far. */
static void build_param(builder *b, def_cluster *cl, const char *field, xmlNodePtr c, unsigned *seen)
{
    const char *n = (const char *)c->name;
    static const char *const flags[] = {"required", "copyOnDuplicate", "lockAfterSave"};
    bool *const fields[] = {&cl->required, &cl->copy_on_duplicate, &cl->lock_after_save};
    for (int i = 0; i < 3; i++) {
        if (strcmp(n, flags[i]))
            continue;
        if (*seen & (1u << i))
            duplicate(b, field, c);   /* the first one counts */
        else
            *fields[i] = bool_text(b->a, c);
        *seen |= 1u << i;
        return;
    }
    if (!strncmp(n, "remarks", 7)) {
        int i = atoi(n + 7) - 1;
        if (i < 0 || i >= 10)
            return;
        if (cl->remarks[i])
            duplicate(b, field, c);
        else
            cl->remarks[i] = node_text(b->a, c);
        return;
    }
    if (!strcmp(n, "items") || !strcmp(n, "fill")) {
        unsigned bit = n[0] == 'i' ? 8 : 16;
        if (*seen & bit) {
            duplicate(b, field, c);
            return;
        }
        *seen |= bit;
        if (n[0] == 'i')
            build_items(b, cl, c);
        else
            build_fill(b, cl, c);
        return;
    }
    const char *name = defcheck_param_name(n);
    if (!name)
        return;   /* the schema knows no other */
    if (def_param_get(cl, name)) {
        duplicate(b, field, c);
        return;
    }
    char *v = node_text(b->a, c);
    cl->params[cl->nparams++] = (def_param){.name = name, .value = keeps_spaces(name) ? v : trim(v)};
}

static void build_cluster(builder *b, int sheet_no, def_cluster *cl, xmlNodePtr x)
{
    cl->line = line_of(x);
    const char **rect[4] = {&cl->top, &cl->bottom, &cl->left, &cl->right};
    double *frect[4] = {&cl->ftop, &cl->fbottom, &cl->fleft, &cl->fright};
    static const char *const sides[4] = {"top", "bottom", "left", "right"};
    cl->params = arena_calloc(b->a, (size_t)count_elems(x, NULL) + 1, sizeof *cl->params);
    const char *field = NULL;
    unsigned seen = 0;
    FOR_ELEMS(c, x) {
        const char *n = (const char *)c->name;
        int side = -1;
        for (int i = 0; i < 4; i++)
            if (!strcmp(n, sides[i]))
                side = i;
        if (!strcmp(n, "sheetNo")) {
            cl->sheet_no = int_text(b->a, c);
        } else if (!strcmp(n, "clusterId")) {
            cl->id = int_text(b->a, c);
        } else if (!strcmp(n, "clusterName")) {
            cl->name = collapse(node_text(b->a, c));
        } else if (!strcmp(n, "type")) {
            cl->type = (cluster_type)cluster_type_from_name(trim(node_text(b->a, c)));
            field = defcheck_cluster_field(b->a, sheet_no, cl);
        } else if (side >= 0) {
            *rect[side] = canon_decimal(b->a, node_text(b->a, c));
            *frect[side] = decimal_value(*rect[side]);
        } else {
            build_param(b, cl, field, c, &seen);
        }
    }
}

static void build_sheet(builder *b, def_sheet *s, xmlNodePtr x)
{
    s->line = line_of(x);
    FOR_ELEMS(c, x) {
        if (name_is(c, "sheetNo")) {
            s->no = int_text(b->a, c);
        } else if (name_is(c, "defSheetName")) {
            s->name = collapse(node_text(b->a, c));
        } else if (name_is(c, "width")) {
            s->width = int_text(b->a, c);
        } else if (name_is(c, "height")) {
            s->height = int_text(b->a, c);
        } else if (name_is(c, "background")) {
            s->background = collapse(node_text(b->a, c));
        } else if (name_is(c, "clusters")) {
            s->clusters = arena_calloc(b->a, (size_t)count_elems(c, "cluster") + 1, sizeof *s->clusters);
            FOR_ELEMS(cl, c)
                build_cluster(b, s->no, &s->clusters[s->nclusters++], cl);
        }
    }
}

static definition *build(builder *b, xmlNodePtr root)
{
    definition *d = b->d = arena_calloc(b->a, 1, sizeof *d);
    xmlNodePtr top = first_elem(root->children);
    FOR_ELEMS(c, top) {
        const char *n = (const char *)c->name;
        if (!strcmp(n, "defTopName")) {
            d->name = collapse(node_text(b->a, c));
        } else if (!strncmp(n, "remarksName", 11)) {
            int i = atoi(n + 11) - 1;
            if (i >= 0 && i < 10)
                d->remarks_names[i] = collapse(node_text(b->a, c));
        } else if (!strcmp(n, "settings")) {
            build_settings(b, c);
        } else if (!strcmp(n, "availableFrom")) {
            d->available_from = trim(node_text(b->a, c));
            b->from_line = line_of(c);
        } else if (!strcmp(n, "availableUntil")) {
            d->available_until = trim(node_text(b->a, c));
            b->until_line = line_of(c);
        } else if (!strcmp(n, "sheets")) {
            d->sheets = arena_calloc(b->a, (size_t)count_elems(c, "sheet") + 1, sizeof *d->sheets);
            FOR_ELEMS(s, c)
                build_sheet(b, &d->sheets[d->nsheets++], s);
        }
    }
    return d;
}

/* Bounds on what the checks compare pairwise; false (with errors) when
 * the document holds more. */
static bool within_limits(arena *a, xmlNodePtr root, errs *e)
{
    bool ok = true;
    int clusters = 0;
    xmlNodePtr top = first_elem(root->children);
    FOR_ELEMS(sheets, top) {
        if (name_is(sheets, "settings")) {
            FOR_ELEMS(stages, sheets)
                if (name_is(stages, "approvalStages") && count_elems(stages, "stage") > DEFXML_MAX_STAGES) {
                    e->line = line_of(stages);
                    errs_add_arg(e, "definition", "too_many_stages", arena_printf(a, "%d", DEFXML_MAX_STAGES));
                    ok = false;
                }
        }
        if (!name_is(sheets, "sheets"))
            continue;
        if (count_elems(sheets, "sheet") > DEFXML_MAX_SHEETS) {
            e->line = line_of(sheets);
            errs_add_arg(e, "definition", "too_many_sheets", arena_printf(a, "%d", DEFXML_MAX_SHEETS));
            return false;
        }
        FOR_ELEMS(sheet, sheets) {
            FOR_ELEMS(list, sheet) {
                if (!name_is(list, "clusters"))
                    continue;
                FOR_ELEMS(cl, list) {
                    if (++clusters == DEFXML_MAX_CLUSTERS + 1) {
                        e->line = line_of(cl);
                        errs_add_arg(e, "definition", "too_many_clusters",
                                     arena_printf(a, "%d", DEFXML_MAX_CLUSTERS));
                        ok = false;
                    }
                    FOR_ELEMS(items, cl)
                        if (name_is(items, "items") && count_elems(items, "item") > DEFXML_MAX_ITEMS) {
                            e->line = line_of(items);
                            errs_add_arg(e, where(a, cl), "too_many_items", arena_printf(a, "%d", DEFXML_MAX_ITEMS));
                            ok = false;
                        }
                }
            }
        }
    }
    return ok;
}

/* The semantic checks name settings without a line (the model has none
 * for them): give them the element's. */
static void settings_lines(const builder *b, errs *e, int from)
{
    for (int i = from; i < e->n; i++) {
        field_err *f = &e->e[i];
        int k;
        if (f->line || !f->field)
            continue;
        if (!strcmp(f->field, "autoNumber"))
            f->line = b->an_line;
        else if (!strcmp(f->field, "availableFrom"))
            f->line = b->from_line;
        else if (!strcmp(f->field, "availableUntil"))
            f->line = b->until_line;
        else if (sscanf(f->field, "approval stage %d", &k) == 1 && k >= 1 && k <= b->d->nstages &&
                 b->stage_lines)
            f->line = b->stage_lines[k - 1];
    }
}

/* ---- the reader ---- */

static void fail(errs *e, int line, const char *code, const char *arg)
{
    e->line = line;
    errs_add_arg(e, "definition", code, arg);
}

static xmlDocPtr parse(arena *a, const char *xml, size_t len, errs *e)
{
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (!pc) {
        fail(e, 0, "internal", "out of memory");
        return NULL;
    }
    pstate st = {.a = a};
    pc->_private = &st;
    pc->sax->internalSubset = on_internal_subset;
    pc->sax->startElementNs = on_start;
    pc->sax->serror = on_parse_error;
    xmlDocPtr doc = xmlCtxtReadMemory(pc, xml, (int)len, "definition.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
    bool well_formed = doc && pc->wellFormed && !st.doctype && !st.too_deep && !st.msg;
    if (!well_formed && !st.msg) {
        const xmlError *le = xmlCtxtGetLastError(pc);
        if (le && le->code != XML_ERR_OK) {
            st.msg = clean_message(a, le->message);
            st.line = le->line;
        }
    }
    xmlFreeParserCtxt(pc);
    if (well_formed && xmlDocGetRootElement(doc))
        return doc;
    xmlFreeDoc(doc);
    if (st.doctype)
        fail(e, st.line, "doctype_refused", NULL);
    else if (st.too_deep)
        fail(e, st.line, "too_deep", arena_printf(a, "%d", DEFXML_MAX_DEPTH));
    else
        fail(e, st.line, "xml_malformed", st.msg ? st.msg : "no document element");
    return NULL;
}

static bool validate(arena *a, xmlDocPtr doc, errs *e)
{
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (!vc) {
        fail(e, 0, "internal", "out of memory");
        return false;
    }
    vstate vs = {.a = a, .e = e};
    xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &vs);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    if (rc != 0 && vs.count == 0)
        fail(e, 0, "schema", "the document could not be validated");
    if (vs.count > DEFXML_MAX_ERRORS)
        fail(e, 0, "too_many_errors", arena_printf(a, "%d", DEFXML_MAX_ERRORS));
    return rc == 0;
}

bool defxml_read_checked(arena *a, const char *xml, size_t len,
                         bool (*group_exists)(void *ctx, const char *name), void *ctx,
                         definition **out, errs *e)
{
    *out = NULL;
    int before = e->n, saved_line = e->line;
    if (len > DEFXML_MAX_BYTES) {
        fail(e, 0, "too_large", "5 MiB");
        e->line = saved_line;
        return false;
    }
    if (!defxml_init()) {
        fail(e, 0, "internal", "definition schema");
        e->line = saved_line;
        return false;
    }
    xmlDocPtr doc = parse(a, xml ? xml : "", xml ? len : 0, e);
    if (doc && validate(a, doc, e) && within_limits(a, xmlDocGetRootElement(doc), e)) {
        builder b = {.a = a, .e = e};
        *out = build(&b, xmlDocGetRootElement(doc));
        int from = e->n;
        defcheck_run(*out, group_exists, ctx, e);
        settings_lines(&b, e, from);
        if (e->n - before > DEFXML_MAX_ERRORS) {
            e->n = before + DEFXML_MAX_ERRORS;
            fail(e, 0, "too_many_errors", arena_printf(a, "%d", DEFXML_MAX_ERRORS));
        }
    }
    xmlFreeDoc(doc);
    e->line = saved_line;
    return e->n == before && *out;
}

bool defxml_read(arena *a, const char *xml, size_t len, definition **out, errs *e)
{
    return defxml_read_checked(a, xml, len, NULL, NULL, out, e);
}
