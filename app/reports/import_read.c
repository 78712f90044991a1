/* import_read.c - reading the ConMas report-data file (xml, xmlZip, csv)
 * into a batch: see import.h. */
#include "reports/import.h"
#include "forms/defxml.h"
#include "util/charset.h"
#include "util/csv.h"
#include "util/str.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *import_encoding(const char *f)
{
    if (!f || !*f || !strcasecmp(f, "UTF-8") || !strcasecmp(f, "UTF8") || !strcmp(f, "65001"))
        return "utf-8";
    if (!strcmp(f, "932") || !strcasecmp(f, "Shift_JIS") || !strcasecmp(f, "SJIS") || !strcasecmp(f, "Shift-JIS") ||
        !strcasecmp(f, "CP932") || !strcasecmp(f, "Windows-31J") || !strcasecmp(f, "MS932"))
        return "shift_jis";
    return NULL;
}

const zip_entry *import_file(const imp_batch *b, const char *name)
{
    for (int i = 0; name && *name && i < b->nfiles; i++)
        if (!strcmp(b->files[i].name, name))
            return &b->files[i];
    return NULL;
}

static imp_fail fail(const char **msg, imp_fail f, const char *m)
{
    *msg = m;
    return f;
}

/* "(ignore)" / "{ignore}" (surrounding spaces aside): leave the field. */
static bool ignore_marker(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return n == 8 && (!strncmp(s, "(ignore)", 8) || !strncmp(s, "{ignore}", 8));
}

/* A whole number in [lo, hi] (surrounding spaces allowed). */
static bool whole(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    if (!*s || strlen(s) > 24)
        return false;
    long long v = strtoll(s, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
        end++;
    if (*end || end == s || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* ---------------------------------------------------------------- encoding */

/* The encoding the XML declaration names (lower case, at most 39 bytes), or
 * "" when there is no declaration or it names none. */
static void declared_encoding(const char *d, size_t len, char out[40])
{
    out[0] = '\0';
    size_t i = 0;
    if (len >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3))
        i = 3;
    if (len - i < 6 || memcmp(d + i, "<?xml", 5))
        return;
    const char *end = memchr(d + i, '>', len - i < 400 ? len - i : 400);
    if (!end)
        return;
    for (const char *p = d + i; p + 8 < end; p++) {
        if (memcmp(p, "encoding", 8))
            continue;
        p += 8;
        while (p < end && (*p == ' ' || *p == '=' || *p == '\t'))
            p++;
        if (p >= end || (*p != '"' && *p != '\''))
            return;
        char q = *p++;
        size_t n = 0;
        while (p < end && *p != q && n < 39)
            out[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p), p++;
        out[n] = '\0';
        return;
    }
}

/* The document as UTF-8 (what libxml2 is then told it is). */
static imp_fail to_utf8(arena *a, const char *data, size_t len, const char *encoding, const char **text,
                        size_t *tlen, const char **msg)
{
    char decl[40];
    declared_encoding(data, len, decl);
    const char *enc = decl[0] ? import_encoding(decl) : encoding;
    if (!enc)
        return fail(msg, IMP_BAD_ENCODING,
                    arena_printf(a, "The XML declares the encoding \"%s\"; only UTF-8 and Shift_JIS are read.", decl));
    if (!strcmp(enc, "shift_jis")) {
        size_t n;
        char *u = charset_sjis_to_utf8(a, data, len, &n);
        if (!u)
            return fail(msg, IMP_BAD_ENCODING, "The file is not valid Shift_JIS (CP932) text.");
        *text = u;
        *tlen = n;
        return IMP_OK;
    }
    if (!str_utf8_valid(data, len))
        return fail(msg, IMP_BAD_ENCODING,
                    "The file is not valid UTF-8 (send encoding=932 for Shift_JIS, or declare it in the XML).");
    *text = data;
    *tlen = len;
    return IMP_OK;
}

/* ---------------------------------------------------------------- XML */

typedef struct pstate {
    bool doctype, too_deep;
    int line;
    char msg[300];
} pstate;

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    xmlParserCtxtPtr pc = ctx;
    pstate *st = pc->_private;
    st->doctype = true;
    st->line = pc->input ? pc->input->line : 0;
    xmlStopParser(pc);
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
                     const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    xmlParserCtxtPtr pc = ctx;
    if (pc->nameNr >= IMPORT_MAX_DEPTH) {
        pstate *st = pc->_private;
        st->too_deep = true;
        st->line = pc->input ? pc->input->line : 0;
        xmlStopParser(pc);
        return;
    }
    xmlSAX2StartElementNs(ctx, local, prefix, uri, nns, ns, nattr, ndefaulted, attrs);
}

static void on_error(void *ctx, xmlErrorPtr err)
{
    pstate *st = ((xmlParserCtxtPtr)ctx)->_private;
    if (err->level < XML_ERR_ERROR || st->msg[0])
        return;
    snprintf(st->msg, sizeof st->msg, "%s", err->message ? err->message : "error");
    size_t n = strlen(st->msg);
    while (n && (st->msg[n - 1] == '\n' || st->msg[n - 1] == ' '))
        st->msg[--n] = '\0';
    st->line = err->line;
}

static xmlDocPtr parse(arena *a, const char *xml, size_t len, const char **msg)
{
    if (!defxml_init()) {   /* libxml2 set up once, with the entity loader that refuses everything */
        *msg = "The XML reader could not be initialised.";
        return NULL;
    }
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (!pc) {
        *msg = "Out of memory.";
        return NULL;
    }
    pstate st = {0};
    pc->_private = &st;
    pc->sax->internalSubset = on_internal_subset;
    pc->sax->startElementNs = on_start;
    pc->sax->serror = on_error;
    /* never XML_PARSE_NOENT / DTDLOAD / HUGE: no entity is substituted,
     * nothing is loaded, libxml2's default size limits hold */
    xmlDocPtr doc = xmlCtxtReadMemory(pc, xml, (int)len, "import.xml", "UTF-8",
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
                                          XML_PARSE_BIG_LINES);
    bool ok = doc && pc->wellFormed && !st.doctype && !st.too_deep && !st.msg[0];
    if (!ok && !st.msg[0]) {
        const xmlError *le = xmlCtxtGetLastError(pc);
        if (le && le->code != XML_ERR_OK) {
            snprintf(st.msg, sizeof st.msg, "%s", le->message ? le->message : "error");
            size_t n = strlen(st.msg);
            while (n && (st.msg[n - 1] == '\n' || st.msg[n - 1] == ' '))
                st.msg[--n] = '\0';
            st.line = le->line;
        }
    }
    /* a DOCTYPE node that slipped past the handler is refused all the same */
    for (xmlNodePtr n = ok ? doc->children : NULL; n; n = n->next)
        if (n->type == XML_DTD_NODE || n->type == XML_DOCUMENT_TYPE_NODE)
            st.doctype = true, ok = false;
    xmlFreeParserCtxt(pc);
    if (ok && xmlDocGetRootElement(doc))
        return doc;
    xmlFreeDoc(doc);
    if (st.doctype)
        *msg = arena_printf(a, "line %d: a DOCTYPE is not allowed (no DTDs or entities).", st.line);
    else if (st.too_deep)
        *msg = arena_printf(a, "line %d: the XML is nested more than %d levels deep.", st.line, IMPORT_MAX_DEPTH);
    else
        *msg = arena_printf(a, "line %d: the XML is not well-formed: %s.", st.line,
                            st.msg[0] ? st.msg : "no document element");
    return NULL;
}

static bool is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* The element's text (its text and CDATA below it), copied into a. */
static const char *text_of(arena *a, xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    const char *s = arena_strdup(a, t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

/* A field's text: NULL for an ignore marker. */
static const char *field_of(arena *a, xmlNodePtr n)
{
    const char *s = text_of(a, n);
    return ignore_marker(s) ? NULL : s;
}

static void bad(arena *a, imp_report *r, int line, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void bad(arena *a, imp_report *r, int line, const char *code, const char *fmt, ...)
{
    if (r->bad_code)
        return;   /* the first problem is the one reported */
    va_list ap;
    va_start(ap, fmt);
    const char *what = arena_vprintf(a, fmt, ap);
    va_end(ap);
    r->bad_code = code;
    r->bad_msg = arena_printf(a, "line %d: %s", line, what);
}

static int line_of(xmlNodePtr n)
{
    return (int)xmlGetLineNo(n);
}

/* One <cluster> (sheet: the enclosing <sheet>'s sheetNo, or -1). */
static void read_cluster(arena *a, imp_report *r, xmlNodePtr cn, int sheet)
{
    if (r->nc >= IMPORT_MAX_CLUSTERS) {
        bad(a, r, line_of(cn), "too_many_clusters", "a report may have at most %d clusters.", IMPORT_MAX_CLUSTERS);
        return;
    }
    imp_cluster *c = &r->c[r->nc];
    memset(c, 0, sizeof *c);
    c->sheet = sheet;
    c->cluster = -1;
    c->line = line_of(cn);
    bool have_id = false;
    for (xmlNodePtr k = cn->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        long long v;
        if (is(k, "sheetNo")) {
            const char *t = text_of(a, k);
            if (!whole(t, 1, 100000, &v))
                return bad(a, r, line_of(k), "field_invalid", "sheetNo \"%.40s\" is not a sheet number.", t);
            if (sheet > 0 && v != sheet)
                return bad(a, r, line_of(k), "field_invalid", "the cluster's sheetNo %s is not its sheet's.", t);
            c->sheet = (int)v;
        } else if (is(k, "clusterId")) {
            const char *t = text_of(a, k);
            if (!whole(t, 0, 1000000, &v))
                return bad(a, r, line_of(k), "field_invalid", "clusterId \"%.40s\" is not a cluster id.", t);
            c->cluster = (int)v;
            have_id = true;
        } else if (is(k, "value")) {
            c->value = field_of(a, k);
        } else if (is(k, "approver")) {
            c->approver = field_of(a, k);
        } else if (is(k, "approvalDate")) {
            c->approval_date = field_of(a, k);
        } else if (is(k, "approverComment")) {
            c->approver_comment = field_of(a, k);
        } else if (is(k, "approvalSignImage")) {
            c->sign_image = field_of(a, k);
        }
    }
    if (!have_id)
        return bad(a, r, c->line, "field_missing", "a cluster has no %s.", "clusterId");
    if (c->sheet < 1)
        return bad(a, r, c->line, "field_missing", "a cluster has no %s.", "sheetNo");
    r->nc++;
}

static int count_clusters(xmlNodePtr top)
{
    int n = 0;
    for (xmlNodePtr k = top->children; k; k = k->next) {
        if (is(k, "cluster"))
            n++;
        else if (k->type == XML_ELEMENT_NODE && (is(k, "sheets") || is(k, "sheet") || is(k, "clusters")))
            n += count_clusters(k);
    }
    return n;
}

/* The number in a name like "remarksValue7" after prefix (any case when
 * anycase), in [1, max]; 0 when not. */
static int numbered(const char *name, const char *prefix, int max, bool anycase)
{
    size_t n = strlen(prefix);
    if ((anycase ? strncasecmp(name, prefix, n) : strncmp(name, prefix, n)) || name[n] < '1' || name[n] > '9')
        return 0;
    long long v;
    return whole(name + n, 1, max, &v) ? (int)v : 0;
}

/* A <top> field by name (XML element, or CSV header in any case); false
 * when name is not one. */
static bool top_field(arena *a, imp_report *r, const char *name, const char *t, int line, bool anycase)
{
    int (*cmp)(const char *, const char *) = anycase ? strcasecmp : strcmp;
    long long v;
    const char *val = t && ignore_marker(t) ? NULL : t;
    int k;
    if (!cmp(name, "defTopId")) {
        if (val && *val && !whole(val, 1, 1LL << 53, &v))
            bad(a, r, line, "field_invalid", "defTopId \"%.40s\" is not a definition id.", val);
        else if (val && *val)
            r->def_id = v;
    } else if (!cmp(name, "repTopId")) {
        r->rep_id = val && *val ? str_trim(arena_strdup(a, val)) : NULL;
    } else if (!cmp(name, "repTopName")) {
        r->name = val;
    } else if (!cmp(name, "editStatus")) {
        if (val && *val && !whole(val, 0, 4, &v))
            bad(a, r, line, "field_invalid", "editStatus \"%.40s\" is not 0 to 4.", val);
        else if (val && *val)
            r->edit_status = (int)v;
    } else if (!cmp(name, "createUserId")) {
        r->create_user = val && *val ? str_trim(arena_strdup(a, val)) : NULL;
    } else if (!cmp(name, "rev")) {
        if (val && *val && !whole(val, 1, 1 << 30, &v))
            bad(a, r, line, "field_invalid", "rev \"%.40s\" is not a revision.", val);
        else if (val && *val)
            r->rev = (int)v;
    } else if ((k = numbered(name, "remarksValue", IMP_REMARKS, anycase)) != 0) {
        r->remarks[k - 1] = val;
    } else if ((k = numbered(name, "systemKey", IMP_SYSKEYS, anycase)) != 0) {
        r->system_keys[k - 1] = val;
    } else {
        return false;
    }
    return true;
}

static void read_clusters(arena *a, imp_report *r, xmlNodePtr clusters, int sheet)
{
    for (xmlNodePtr c = clusters->children; c; c = c->next)
        if (is(c, "cluster"))
            read_cluster(a, r, c, sheet);
}

static void read_sheet(arena *a, imp_report *r, xmlNodePtr s)
{
    int sheet = -1;
    for (xmlNodePtr x = s->children; x; x = x->next)
        if (is(x, "sheetNo")) {
            long long v;
            const char *t = text_of(a, x);
            if (!whole(t, 1, 100000, &v))
                return bad(a, r, line_of(x), "field_invalid", "sheetNo \"%.40s\" is not a sheet number.", t);
            sheet = (int)v;
        }
    for (xmlNodePtr x = s->children; x; x = x->next)
        if (is(x, "clusters"))
            read_clusters(a, r, x, sheet);
}

static void read_top(arena *a, imp_report *r, xmlNodePtr top)
{
    memset(r, 0, sizeof *r);
    r->line = line_of(top);
    r->edit_status = -1;
    int n = count_clusters(top);
    r->c = arena_calloc(a, (size_t)(n < IMPORT_MAX_CLUSTERS ? n : IMPORT_MAX_CLUSTERS) + 1, sizeof *r->c);
    for (xmlNodePtr k = top->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is(k, "sheets")) {
            for (xmlNodePtr sh = k->children; sh; sh = sh->next)
                if (is(sh, "sheet"))
                    read_sheet(a, r, sh);
        } else if (is(k, "sheet")) {
            read_sheet(a, r, k);
        } else if (is(k, "clusters")) {
            read_clusters(a, r, k, -1);
        } else {
            top_field(a, r, (const char *)k->name, text_of(a, k), line_of(k), false);
        }
    }
}

static imp_fail read_doc(arena *a, const char *data, size_t len, const char *encoding, imp_batch *out,
                         const char **msg)
{
    if (len > IMPORT_MAX_BYTES)
        return fail(msg, IMP_TOO_LARGE, arena_printf(a, "The file is larger than %u MiB.", IMPORT_MAX_BYTES >> 20));
    const char *text;
    size_t tlen;
    imp_fail f = to_utf8(a, data, len, encoding, &text, &tlen, msg);
    if (f != IMP_OK)
        return f;
    if (tlen > INT32_MAX)
        return fail(msg, IMP_TOO_LARGE, "The file is too large.");
    xmlDocPtr doc = parse(a, text, tlen, msg);
    if (!doc)
        return IMP_BAD_XML;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    f = IMP_OK;
    if (!is(root, "conmas")) {
        *msg = arena_printf(a, "line %d: the document element must be <conmas>, not <%.40s>.", line_of(root),
                            (const char *)root->name);
        f = IMP_BAD_XML;
    }
    int n = 0;
    for (xmlNodePtr k = f == IMP_OK ? root->children : NULL; k; k = k->next)
        n += is(k, "top");
    if (f == IMP_OK && n == 0) {
        *msg = "The file holds no report (no <top> element under <conmas>).";
        f = IMP_BAD_FILE;
    } else if (f == IMP_OK && n > IMPORT_MAX_REPORTS) {
        *msg = arena_printf(a, "The file holds %d reports; at most %d are read in one call.", n, IMPORT_MAX_REPORTS);
        f = IMP_TOO_LARGE;
    }
    if (f == IMP_OK) {
        out->r = arena_calloc(a, (size_t)n, sizeof *out->r);
        out->n = 0;
        for (xmlNodePtr k = root->children; k; k = k->next)
            if (is(k, "top"))
                read_top(a, &out->r[out->n++], k);
    }
    xmlFreeDoc(doc);
    return f;
}

imp_fail import_read_xml(arena *a, const char *data, size_t len, const char *encoding, imp_batch *out,
                         const char **msg)
{
    memset(out, 0, sizeof *out);
    *msg = NULL;
    return read_doc(a, data, len, encoding, out, msg);
}

imp_fail import_read_zip(arena *a, const void *zip, size_t len, const char *encoding, imp_batch *out,
                         const char **msg)
{
    memset(out, 0, sizeof *out);
    *msg = NULL;
    static const zip_limits lim = {.max_entries = IMPORT_ZIP_ENTRIES,
                                   .max_entry = IMPORT_MAX_BYTES,
                                   .max_total = IMPORT_ZIP_TOTAL,
                                   .flat = false};
    zip_entry *e;
    int n;
    char err[300];
    if (!zip_read_entries(a, zip, len, &e, &n, &lim, err, sizeof err)) {
        bool limits = strstr(err, "(at most") || strstr(err, "larger than") || strstr(err, "unpacks to more than");
        return fail(msg, limits ? IMP_ZIP_LIMITS : IMP_BAD_ZIP, arena_printf(a, "The zip cannot be used: %s.", err));
    }
    const zip_entry *xml = NULL;
    for (int i = 0; i < n; i++) {
        const char *base = strrchr(e[i].name, '/');
        base = base ? base + 1 : e[i].name;
        if (!strcasecmp(base, "import.xml")) {
            if (xml)
                return fail(msg, IMP_BAD_ZIP, "The zip holds import.xml more than once.");
            xml = &e[i];
        }
    }
    if (!xml)
        return fail(msg, IMP_BAD_ZIP, "The zip holds no import.xml.");
    imp_fail f = read_doc(a, (const char *)xml->data, xml->len, encoding, out, msg);
    out->files = e;
    out->nfiles = n;
    return f;
}

/* ---------------------------------------------------------------- CSV */

/* "S-C": sheet S, cluster C. */
static bool cluster_ref(const char *h, int *sheet, int *cluster)
{
    int s, c, used = 0;
    if (sscanf(h, "%d-%d%n", &s, &c, &used) != 2 || h[used] || s < 1 || c < 0 || s > 100000 || c > 1000000 ||
        !(h[0] >= '0' && h[0] <= '9'))
        return false;
    *sheet = s;
    *cluster = c;
    return true;
}

imp_fail import_read_csv(arena *a, const char *data, size_t len, const char *encoding, imp_batch *out,
                         const char **msg)
{
    memset(out, 0, sizeof *out);
    *msg = NULL;
    if (len > IMPORT_MAX_BYTES)
        return fail(msg, IMP_TOO_LARGE, arena_printf(a, "The file is larger than %u MiB.", IMPORT_MAX_BYTES >> 20));
    const char *text = data;
    size_t tlen = len;
    if (encoding && !strcmp(encoding, "shift_jis")) {
        text = charset_sjis_to_utf8(a, data, len, &tlen);
        if (!text)
            return fail(msg, IMP_BAD_ENCODING, "The file is not valid Shift_JIS (CP932) text.");
    } else if (!str_utf8_valid(data, len)) {
        return fail(msg, IMP_BAD_ENCODING, "The file is not valid UTF-8 (send encoding=932 for Shift_JIS).");
    }
    csv_table t;
    char err[200];
    if (!csv_parse(a, text, tlen, &t, err, sizeof err))
        return fail(msg, IMP_BAD_FILE, arena_printf(a, "The CSV cannot be read: %s.", err));
    if (t.nrows < 2)
        return fail(msg, IMP_BAD_FILE, "The CSV holds no report (a header row, then one row a report).");
    if (t.nrows - 1 > IMPORT_MAX_REPORTS)
        return fail(msg, IMP_TOO_LARGE,
                    arena_printf(a, "The file holds %d reports; at most %d are read in one call.", t.nrows - 1,
                                 IMPORT_MAX_REPORTS));
    const csv_row *h = &t.rows[0];
    /* each column: a <top> field (kind 1) or a cluster (2) */
    int *kind = arena_calloc(a, (size_t)h->n, sizeof *kind);
    imp_cluster *cols = arena_calloc(a, (size_t)h->n, sizeof *cols);
    int nclusters = 0;
    imp_report probe;
    for (int i = 0; i < h->n; i++) {
        const char *name = str_trim(arena_strdup(a, h->f[i]));
        if (!*name)
            return fail(msg, IMP_BAD_FILE, arena_printf(a, "line %d: column %d of the header is empty.", h->line, i + 1));
        for (int k = 0; k < i; k++)
            if (!strcasecmp(str_trim(arena_strdup(a, h->f[k])), name))
                return fail(msg, IMP_BAD_FILE,
                            arena_printf(a, "line %d: the header names \"%.60s\" twice.", h->line, name));
        memset(&probe, 0, sizeof probe);
        if (top_field(a, &probe, name, "", h->line, true)) {
            kind[i] = 1;
            continue;
        }
        kind[i] = 2;
        cols[i].cluster = -1;
        if (!cluster_ref(name, &cols[i].sheet, &cols[i].cluster))
            cols[i].name = name;
        nclusters++;
    }
    out->r = arena_calloc(a, (size_t)t.nrows - 1, sizeof *out->r);
    for (int ri = 1; ri < t.nrows; ri++) {
        const csv_row *row = &t.rows[ri];
        imp_report *r = &out->r[out->n++];
        memset(r, 0, sizeof *r);
        r->line = row->line;
        r->edit_status = -1;
        r->c = arena_calloc(a, (size_t)nclusters + 1, sizeof *r->c);
        if (row->n != h->n) {
            r->bad_code = "field_invalid";
            r->bad_msg = arena_printf(a, "line %d: the row has %d fields; the header has %d.", row->line, row->n, h->n);
            continue;
        }
        for (int i = 0; i < h->n; i++) {
            if (kind[i] == 1) {
                top_field(a, r, str_trim(arena_strdup(a, h->f[i])), row->f[i], row->line, true);
                continue;
            }
            imp_cluster *c = &r->c[r->nc++];
            *c = cols[i];
            c->line = row->line;
            c->value = ignore_marker(row->f[i]) ? NULL : row->f[i];
        }
    }
    return IMP_OK;
}
