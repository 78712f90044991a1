#include "export/layout.h"
#include "util/buf.h"
#include "util/tz.h"

#include <json-c/json.h>
#include <string.h>

const char *layout_text(const layout_env *e, const char *key, const char *fallback)
{
    const char *m = e->msg ? e->msg(e->lang ? e->lang : "en", key) : NULL;
    return m && *m ? m : fallback;
}

bool layout_is_signoff(cluster_type t)
{
    return t == CT_CREATE || t == CT_INSPECT || t == CT_APPROVE;
}

bool layout_is_attachment(cluster_type t)
{
    return t == CT_IMAGE || t == CT_HANDWRITING || t == CT_FREE_DRAW;
}

static const char *item_label(const def_cluster *c, const char *v)
{
    for (int i = 0; i < c->nitems; i++)
        if (!strcmp(c->items[i].value, v))
            return c->items[i].label && *c->items[i].label ? c->items[i].label : c->items[i].value;
    return v;
}

static const char *jstr(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                           : NULL;
}

bool layout_signoff_parse(arena *a, const char *v, layout_signoff *s)
{
    memset(s, 0, sizeof *s);
    if (!v || *v != '{')
        return false;
    json_object *o = json_tokener_parse(v);
    if (!o || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return false;
    }
    const char *x;
    if ((x = jstr(o, "user")))
        s->user = arena_strdup(a, x);
    if ((x = jstr(o, "name")))
        s->name = arena_strdup(a, x);
    if ((x = jstr(o, "at")))
        s->at = arena_strdup(a, x);
    if ((x = jstr(o, "comment")))
        s->comment = arena_strdup(a, x);
    if ((x = jstr(o, "stamp")))
        s->stamp = arena_strdup(a, x);
    json_object_put(o);
    if (!s->name)
        s->name = s->user;
    return s->name != NULL;
}

const char *layout_display(const layout_env *e, const def_cluster *c, const char *v)
{
    arena *a = e->a;
    if (c->type == CT_FIXED_TEXT) {
        const char *t = def_param_get(c, "text");
        return t ? t : v ? v : "";
    }
    if (!v || !*v)
        return "";
    if (layout_is_attachment(c->type))   /* (in the history) the image's SHA-256 */
        return arena_printf(a, "%s %.8s", layout_text(e, "report.image", "image"), v);
    if (layout_is_signoff(c->type)) {
        layout_signoff s;
        if (!layout_signoff_parse(a, v, &s))
            return v;
        return arena_printf(a, "%s%s%s%s%s", s.name, s.at ? " — " : "",
                            s.at ? tz_show(a, e->zone, s.at, TZ_SHOW_CONSOLE) : "", s.comment ? " — " : "",
                            s.comment ? s.comment : "");
    }
    switch (c->type) {
    case CT_CHECK: return !strcmp(v, "1") ? "✓" : v;
    case CT_SELECT: case CT_TOGGLE: case CT_NUMERIC_SELECT: return item_label(c, v);
    case CT_MULTIPLE_CHOICE: {
        buf b;
        buf_init(&b, a);
        const char *p = v;
        while (*p) {
            const char *tab = strchr(p, '\t');
            size_t n = tab ? (size_t)(tab - p) : strlen(p);
            buf_printf(&b, "%s%s", b.len ? ", " : "", item_label(c, arena_strndup(a, p, n)));
            if (!tab)
                break;
            p = tab + 1;
        }
        return b.data ? b.data : "";
    }
    case CT_NUMERIC: case CT_CALCULATE: {
        const char *pre = def_param_get(c, "prefix"), *suf = def_param_get(c, "suffix"), *unit = def_param_get(c, "unit");
        return arena_printf(a, "%s%s%s%s%s", pre ? pre : "", v, suf ? suf : "", unit ? " " : "", unit ? unit : "");
    }
    default: return v;
    }
}

const char *layout_stamp_role(const layout_env *e, cluster_type t)
{
    return t == CT_CREATE    ? layout_text(e, "stamp.create", "PREPARED")
           : t == CT_INSPECT ? layout_text(e, "stamp.inspect", "CHECKED")
                             : layout_text(e, "stamp.approve", "APPROVED");
}

const char *layout_stamp_date(const layout_env *e, const char *at)
{
    time_t u;
    if (!tz_parse_utc(at, &u))
        return at ? at : "";
    cdate d = tz_date(e->zone, u);
    return arena_printf(e->a, "%04d.%02d.%02d", d.y, d.m, d.d);
}

/* Lay text out in the box x, y, w, h: font size up to max_fs, lines and
 * where they start. */
static void put_text(const layout_env *e, layout_cluster *o, const char *text, double x, double y, double w, double h,
                     double max_fs, layout_anchor anchor)
{
    double pad = w > 12 ? 2 : 0.5;
    sheetview_fit(e->a, text, w - 2 * pad, h, max_fs, 4, &o->t);
    if (!o->t.nlines)
        return;
    /* in a box meant for several lines the text starts at the top, as written by hand */
    double block = o->t.nlines * SV_LINE_HEIGHT * o->t.fs, lift = (h - block) / 2 - pad;
    for (int i = 0; i < o->t.nlines; i++)
        o->t.y[i] += y - (h >= 40 && lift > 0 ? lift : 0);
    o->anchor = anchor;
    o->tx = anchor == LAY_END ? x + w - pad : anchor == LAY_MIDDLE ? x + w / 2 : x + pad;
    o->tl = o->t.squeezed ? w - 2 * pad : 0;
}

void layout_cluster_place(const layout_env *e, const def_sheet *sh, const def_cluster *c, const char *value,
                          bool attached, layout_cluster *o)
{
    memset(o, 0, sizeof *o);
    o->c = c;
    double x = c->fleft * sh->width, y = c->ftop * sh->height;
    double w = (c->fright - c->fleft) * sh->width, h = (c->fbottom - c->ftop) * sh->height;
    o->x = x, o->y = y, o->w = w, o->h = h;
    /* without a background image nothing on the sheet names the boxes: a small caption does */
    double vy = y, vh = h;
    if (!sh->background && c->type != CT_FIXED_TEXT) {   /* at most 5.5 pt, smaller (or cut) to stay inside the box */
        double cfs = h < 14 ? 3.5 : 5.5, em = sheetview_em_width(c->name, strlen(c->name));
        if (em * cfs > w - 3)
            cfs = em > 0 && (w - 3) / em > 3 ? (w - 3) / em : 3;
        o->cap = true;
        o->capfs = cfs;
        o->capx = x + 1.5;
        o->capy = y + cfs + 0.5;
        o->capw = em * cfs > w - 3 ? w - 3 : 0;
        if (!layout_is_signoff(c->type) && !layout_is_attachment(c->type) && h >= 14)
            vy = y + cfs, vh = h - cfs;
    }
    if (c->type == CT_FIXED_TEXT) {
        const char *t = layout_display(e, c, value);
        if (*t) {
            o->kind = LAY_FIXED;
            put_text(e, o, t, x, y, w, h, 14, LAY_START);
        }
        return;
    }
    if (layout_is_attachment(c->type)) {
        if (attached)
            o->kind = LAY_IMAGE;
        return;
    }
    if (layout_is_signoff(c->type)) {
        layout_signoff s = {0};
        if (value && *value && layout_signoff_parse(e->a, value, &s) && s.stamp && attached) {
            o->kind = LAY_IMAGE;   /* the stamp image that came with the sign-off */
        } else if (value && *value && s.name) {
            o->kind = LAY_STAMP;
            o->role = layout_stamp_role(e, c->type);
            o->date = layout_stamp_date(e, s.at);
            o->signer = s.name;
            sheetview_stamp(x, y, w, h, o->role, o->date, o->signer, &o->st);
        } else {
            o->kind = LAY_SLOT;
            o->cx = x + w / 2, o->cy = y + h / 2, o->r = (w < h ? w : h) / 2 * 0.9;
        }
        return;
    }
    if (!value || !*value)
        return;
    if (c->type == CT_CHECK) {   /* a mark in the middle of what the caption leaves */
        double side = (w < vh ? w : vh) * 0.85;
        o->kind = LAY_CHECK;
        o->mark_fs = side;
        o->mark_x = x + w / 2;
        o->mark_y = vy + vh / 2 + side * 0.36;
        return;
    }
    bool number = c->type == CT_NUMERIC || c->type == CT_CALCULATE || c->type == CT_NUMERIC_SELECT;
    o->kind = LAY_TEXT;
    put_text(e, o, layout_display(e, c, value), x, vy, w, vh, 12, number ? LAY_END : LAY_START);
}
