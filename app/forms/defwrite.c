/* defwrite.c - writing definitions as XML in one canonical layout: see
 * defxml.h (defxml_write). */
#include "forms/defcheck.h"
#include "forms/defxml.h"

#include <stdio.h>
#include <string.h>

/* Escape s for element text (attr false) or a double-quoted attribute. */
static void esc(buf *b, const char *s, bool attr)
{
    if (!s)
        return;
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        case '\r': rep = "&#13;"; break;
        case '\n': rep = attr ? "&#10;" : NULL; break;
        case '\t': rep = attr ? "&#9;" : NULL; break;
        default:
            if (*p < 0x20)
                rep = "";   /* not allowed in XML 1.0: dropped */
            break;
        }
        if (!rep)
            continue;
        buf_add(b, run, (size_t)((const char *)p - run));
        buf_adds(b, rep);
        run = (const char *)p + 1;
    }
    buf_adds(b, run);
}

static void indent(buf *b, int level)
{
    for (int i = 0; i < level; i++)
        buf_adds(b, "  ");
}

/* <name>text</name> on its own line. */
static void elem(buf *b, int level, const char *name, const char *text)
{
    indent(b, level);
    buf_printf(b, "<%s>", name);
    esc(b, text ? text : "", false);
    buf_printf(b, "</%s>\n", name);
}

static void elem_int(buf *b, int level, const char *name, int v)
{
    indent(b, level);
    buf_printf(b, "<%s>%d</%s>\n", name, v, name);
}

static void open_tag(buf *b, int level, const char *name)
{
    indent(b, level);
    buf_printf(b, "<%s>\n", name);
}

static void close_tag(buf *b, int level, const char *name)
{
    indent(b, level);
    buf_printf(b, "</%s>\n", name);
}

static void attr(buf *b, const char *name, const char *v)
{
    buf_printf(b, " %s=\"", name);
    esc(b, v ? v : "", true);
    buf_addc(b, '"');
}

static void write_settings(const definition *d, buf *b)
{
    open_tag(b, 2, "settings");
    elem(b, 3, "exclusiveLock", d->exclusive_lock ? "true" : "false");
    elem(b, 3, "applicantLock", d->applicant_lock ? "true" : "false");
    if (d->has_autonumber) {
        indent(b, 3);
        buf_adds(b, "<autoNumber");
        attr(b, "prefix", d->an_prefix);
        attr(b, "date", d->an_date);
        buf_printf(b, " digits=\"%d\" start=\"%d\" step=\"%d\"/>\n", d->an_digits, d->an_start, d->an_step);
    }
    if (d->nstages > 0) {
        open_tag(b, 3, "approvalStages");
        for (int i = 0; i < d->nstages; i++) {
            indent(b, 4);
            buf_printf(b, "<stage no=\"%d\"", d->stages[i].no);
            attr(b, "name", d->stages[i].name);
            attr(b, "group", d->stages[i].group);
            buf_adds(b, "/>\n");
        }
        close_tag(b, 3, "approvalStages");
    }
    close_tag(b, 2, "settings");
}

static void write_cluster(const def_cluster *c, buf *b)
{
    const int L = 6;
    open_tag(b, L - 1, "cluster");
    elem_int(b, L, "sheetNo", c->sheet_no);
    elem_int(b, L, "clusterId", c->id);
    elem(b, L, "clusterName", c->name);
    elem(b, L, "type", cluster_type_name(c->type));
    elem(b, L, "top", c->top);
    elem(b, L, "bottom", c->bottom);
    elem(b, L, "left", c->left);
    elem(b, L, "right", c->right);
    if (c->required)
        elem(b, L, "required", "true");
    if (c->copy_on_duplicate)
        elem(b, L, "copyOnDuplicate", "true");
    if (c->lock_after_save)
        elem(b, L, "lockAfterSave", "true");
    for (int i = 0; i < 10; i++)
        if (c->remarks[i]) {
            char name[16];
            snprintf(name, sizeof name, "remarks%d", i + 1);
            elem(b, L, name, c->remarks[i]);
        }
    for (int i = 0; i < c->nparams; i++) {
        const char *n = c->params[i].name ? defcheck_param_name(c->params[i].name) : NULL;
        if (n && strcmp(n, "items") && strcmp(n, "fill"))
            elem(b, L, n, c->params[i].value);
    }
    if (c->nitems > 0) {
        open_tag(b, L, "items");
        for (int i = 0; i < c->nitems; i++) {
            indent(b, L + 1);
            buf_adds(b, "<item");
            attr(b, "value", c->items[i].value);
            if (c->items[i].is_default)
                buf_adds(b, " default=\"true\"");
            buf_addc(b, '>');
            esc(b, c->items[i].label ? c->items[i].label : "", false);
            buf_adds(b, "</item>\n");
        }
        close_tag(b, L, "items");
    }
    if (c->nfills > 0) {
        open_tag(b, L, "fill");
        for (int i = 0; i < c->nfills; i++) {
            indent(b, L + 1);
            buf_printf(b, "<map cluster=\"%d\"", c->fills[i].cluster);
            attr(b, "field", c->fills[i].field);
            buf_adds(b, "/>\n");
        }
        close_tag(b, L, "fill");
    }
    close_tag(b, L - 1, "cluster");
}

static void write_sheet(const def_sheet *s, buf *b)
{
    open_tag(b, 3, "sheet");
    elem_int(b, 4, "sheetNo", s->no);
    elem(b, 4, "defSheetName", s->name);
    elem_int(b, 4, "width", s->width);
    elem_int(b, 4, "height", s->height);
    if (s->background)
        elem(b, 4, "background", s->background);
    if (s->nclusters > 0) {
        open_tag(b, 4, "clusters");
        for (int i = 0; i < s->nclusters; i++)
            write_cluster(&s->clusters[i], b);
        close_tag(b, 4, "clusters");
    }
    close_tag(b, 3, "sheet");
}

void defxml_write(const definition *d, buf *b)
{
    buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    open_tag(b, 0, "conmas");
    open_tag(b, 1, "top");
    elem(b, 2, "defTopName", d->name);
    for (int i = 0; i < 10; i++)
        if (d->remarks_names[i]) {
            char name[16];
            snprintf(name, sizeof name, "remarksName%d", i + 1);
            elem(b, 2, name, d->remarks_names[i]);
        }
    write_settings(d, b);
    if (d->available_from)
        elem(b, 2, "availableFrom", d->available_from);
    if (d->available_until)
        elem(b, 2, "availableUntil", d->available_until);
    open_tag(b, 2, "sheets");
    for (int i = 0; i < d->nsheets; i++)
        write_sheet(&d->sheets[i], b);
    close_tag(b, 2, "sheets");
    close_tag(b, 1, "top");
    close_tag(b, 0, "conmas");
}
