/* export/table.c - the columns and cells of the many-report table (export/table.h). */
#include "export/table.h"
#include "forms/defcache.h"
#include "tenant/resolve.h"
#include "util/cdate.h"
#include "util/tz.h"

#include <stdio.h>
#include <string.h>

static const char *const heads_en[TO_REMARK1] = {"id", "number", "name", "definition", "status",
                                                "created at", "created by", "updated at", "updated by"};
static const char *const heads_ja[TO_REMARK1] = {"ID", "番号", "帳票名", "定義", "状態",
                                                "作成日時", "作成者", "更新日時", "更新者"};

/* Add d's remark names (remarksName1..10) to names[], each name once. */
static void remark_names(arena *a, const definition *d, const char **names)
{
    for (int i = 0; i < TO__COUNT - TO_REMARK1; i++) {
        const char *n = d->remarks_names[i];
        if (!n || !*n)
            continue;
        if (!names[i]) {
            names[i] = arena_strdup(a, n);
            continue;
        }
        size_t len = strlen(n);
        bool have = false;   /* one of the names so far? (each between the start or " / " and the end or " / ") */
        for (const char *p = names[i]; !have && p; p = strstr(p, " / ") ? strstr(p, " / ") + 3 : NULL)
            have = !strncmp(p, n, len) && (!p[len] || !strncmp(p + len, " / ", 3));
        if (!have)
            names[i] = arena_printf(a, "%s / %s", names[i], n);
    }
}

op_result table_open(op_ctx *op, const export_filter *f, const char *const *ids, int nids, table *t,
                     long long *total)
{
    memset(t, 0, sizeof *t);
    t->op = op;
    t->zone = tenant_zone(op->tenant);
    t->env = (layout_env){.a = op->a, .zone = t->zone, .lang = op->lang ? op->lang : "ja"};
    t->win[0].bucket = t->win[1].bucket = -1;
    export_defrev *revs;
    int nrevs;
    op_result res = export_count(op, f, ids, nids, total, &revs, &nrevs);
    if (res != OP_OK)
        return res;
    int ndefs = 0, cap = TO__COUNT + 64;
    for (int i = 0; i < nrevs; i++)
        if (!i || revs[i].definition_id != revs[i - 1].definition_id)
            ndefs++;
    t->cols = arena_calloc(op->a, (size_t)cap, sizeof *t->cols);
    bool ja = !strcmp(t->env.lang, "ja");
    for (int k = 0; k < TO_REMARK1; k++) {
        const char *h = ja ? heads_ja[k] : heads_en[k];
        t->cols[t->ncols++].head = k == TO_CREATED_AT || k == TO_UPDATED_AT
                                       ? arena_printf(op->a, "%s (%s)", h, tz_name(t->zone))
                                       : h;
    }
    const char *rnames[TO__COUNT - TO_REMARK1] = {0};   /* the remarks' names, " / " between different ones */
    t->ncols = TO__COUNT;
    for (int start = 0, end; start < nrevs; start = end) {
        end = start + 1;
        while (end < nrevs && revs[end].definition_id == revs[start].definition_id)
            end++;
        int first = t->ncols;
        const char *defname = NULL;
        for (int i = end - 1; i >= start; i--) {   /* newest revision first; each used at once (the cache may evict it later) */
            def_rev info;
            const definition *d = defcache_get(op, revs[i].definition_id, revs[i].revision, &info, &res);
            if (!d)
                return res;
            if (!defname) {   /* the definition's name may change between revisions: the newest one's */
                defname = arena_strdup(op->a, d->name ? d->name : "");
                remark_names(op->a, d, rnames);
            }
            for (int s = 0; s < d->nsheets; s++)
                for (int c = 0; c < d->sheets[s].nclusters; c++) {
                    const def_cluster *cl = &d->sheets[s].clusters[c];
                    if (cl->type == CT_FIXED_TEXT)
                        continue;
                    int k = first;
                    while (k < t->ncols && (t->cols[k].sheet != cl->sheet_no || t->cols[k].cluster != cl->id))
                        k++;
                    if (k < t->ncols)
                        continue;
                    if (t->ncols == cap) {
                        table_col *more = arena_calloc(op->a, (size_t)cap * 2, sizeof *more);
                        memcpy(more, t->cols, (size_t)cap * sizeof *more);
                        t->cols = more;
                        cap *= 2;
                    }
                    const char *name = cl->name && *cl->name ? cl->name
                                                             : arena_printf(op->a, "%d-%d", cl->sheet_no, cl->id);
                    t->cols[t->ncols++] = (table_col){revs[i].definition_id, cl->sheet_no, cl->id,
                                                      ndefs > 1 ? arena_printf(op->a, "%s: %s", defname, name)
                                                                : arena_strdup(op->a, name)};
                }
        }
    }
    for (int k = TO_REMARK1; k < TO__COUNT; k++) {
        const char *h = arena_printf(op->a, ja ? "備考%d" : "remark %d", k - TO_REMARK1 + 1);
        t->cols[k].head = rnames[k - TO_REMARK1] ? arena_printf(op->a, "%s: %s", h, rnames[k - TO_REMARK1]) : h;
    }
    t->map = arena_calloc(op->a, (size_t)t->ncols + 1, sizeof *t->map);
    return OP_OK;
}

void table_bind(table *t, const export_report *r)
{
    if (t->bound == r->def && t->bound_id == r->definition_id && t->bound_rev == r->definition_revision)
        return;
    for (int k = TO__COUNT; k < t->ncols; k++)
        t->map[k] = t->cols[k].def == r->definition_id ? def_find(r->def, t->cols[k].sheet, t->cols[k].cluster) : NULL;
    t->bound = r->def;
    t->bound_id = r->definition_id;
    t->bound_rev = r->definition_revision;
}

static int num(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + p[i] - '0';
    }
    return v;
}

bool table_local(table *t, const char *utc, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
    /* "YYYY-MM-DDTHH:MM:SSZ", as the walk reads it */
    if (!utc || strlen(utc) < 19 || utc[4] != '-' || utc[7] != '-' || utc[13] != ':' || utc[16] != ':')
        return false;
    int Y = num(utc, 4), M = num(utc + 5, 2), D = num(utc + 8, 2), hh = num(utc + 11, 2), mm = num(utc + 14, 2),
        ss = num(utc + 17, 2);
    if (Y < 0 || M < 1 || M > 12 || D < 1 || D > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
        return false;
    long long e = (long long)cdate_to_days((cdate){Y, M, D}) * 86400 + hh * 3600 + mm * 60 + ss;
    /* the zone's offset, asked of ICU once per 6-hour window when it is the
     * same at both ends of it (no zone changes twice within 6 hours), else
     * per quarter hour (every transition since 1970 is on one) */
    long w = (long)(e / 21600);
    table_window *tw = &t->win[w & 1];   /* two: a report's creation and its last change are often in different ones */
    if (w != tw->bucket) {
        long o1 = tz_offset(t->zone, (time_t)w * 21600), o2 = tz_offset(t->zone, (time_t)(w + 1) * 21600);
        tw->bucket = w;
        tw->offset = o1;
        tw->varies = o1 != o2;
    }
    long off = tw->offset;
    if (tw->varies)
        off = tz_offset(t->zone, (time_t)(e / 900 * 900));
    e += off;
    long long days = e >= 0 ? e / 86400 : (e - 86399) / 86400;
    long sec = (long)(e - days * 86400);
    cdate c = cdate_from_days((long)days);
    *y = c.y, *mo = c.m, *d = c.d, *h = (int)(sec / 3600), *mi = (int)(sec / 60 % 60), *s = (int)(sec % 60);
    return true;
}

const char *table_own_text(table *t, const export_report *r, int k, char *tmp, size_t tmplen)
{
    switch (k) {
    case TO_ID: return r->id;
    case TO_NUMBER: return r->number;
    case TO_NAME: return r->name;
    case TO_DEFINITION: return r->def && r->def->name ? r->def->name : "";
    case TO_STATUS: return r->status;
    case TO_CREATED_BY: return r->created_by_name && *r->created_by_name ? r->created_by_name : r->created_by;
    case TO_UPDATED_BY: return r->updated_by_name && *r->updated_by_name ? r->updated_by_name : r->updated_by;
    case TO_CREATED_AT: case TO_UPDATED_AT: {
        int y, mo, d, h, mi, s;
        const char *utc = k == TO_CREATED_AT ? r->created_at : r->updated_at;
        if (!table_local(t, utc, &y, &mo, &d, &h, &mi, &s))
            return utc;
        if (tmplen < 20 || y < 0 || y > 9999)
            return utc;
        cdate_time_text(tmp, y, mo, d, h, mi, s);
        return tmp;
    }
    default:
        return k >= TO_REMARK1 && k <= TO_REMARK10 && r->remarks[k - TO_REMARK1] ? r->remarks[k - TO_REMARK1] : "";
    }
}

const char *table_text(table *t, const def_cluster *c, const rvalue *v)
{
    if (!c)
        return "";
    const char *s = v ? v->value : "";
    switch (c->type) {
    case CT_CHECK: return !strcmp(s, "1") ? "1" : "0";
    case CT_SELECT: case CT_TOGGLE: case CT_MULTIPLE_CHOICE:
    case CT_CREATE: case CT_INSPECT: case CT_APPROVE:
    case CT_IMAGE: case CT_HANDWRITING: case CT_FREE_DRAW:
        return *s ? layout_display(&t->env, c, s) : "";
    case CT_REGISTER_DATE: case CT_UPDATE_DATE:   /* the local time it carries, without its offset */
        if (strlen(s) >= 19 && s[10] == 'T') {
            char *l = arena_strndup(t->env.a, s, 19);
            l[10] = ' ';
            return l;
        }
        return s;
    default: return s;
    }
}
