#include "forms/defjson.h"
#include "util/jsonx.h"

#include <stdio.h>
#include <stdlib.h>

static json_object *dec(const char *s)
{
    return json_object_new_double_s(strtod(s, NULL), s);
}

static json_object *cluster_json(const def_cluster *c)
{
    json_object *o = json_object_new_object(), *rect = json_object_new_object();
    jx_add_int(o, "id", c->id);
    jx_add_str(o, "name", c->name);
    jx_add_str(o, "type", cluster_type_name(c->type));
    json_object_object_add(rect, "top", dec(c->top));
    json_object_object_add(rect, "left", dec(c->left));
    json_object_object_add(rect, "bottom", dec(c->bottom));
    json_object_object_add(rect, "right", dec(c->right));
    json_object_object_add(o, "rect", rect);
    jx_add_bool(o, "required", c->required);
    if (c->copy_on_duplicate)
        jx_add_bool(o, "copyOnDuplicate", true);
    if (c->lock_after_save)
        jx_add_bool(o, "lockAfterSave", true);
    for (int i = 0; i < 10; i++)
        if (c->remarks[i]) {
            char k[16];
            snprintf(k, sizeof k, "remarks%d", i + 1);
            jx_add_str(o, k, c->remarks[i]);
        }
    for (int i = 0; i < c->nparams; i++)
        jx_add_str(o, c->params[i].name, c->params[i].value);
    if (c->nitems) {
        json_object *items = json_object_new_array();
        for (int i = 0; i < c->nitems; i++) {
            json_object *it = json_object_new_object();
            jx_add_str(it, "value", c->items[i].value);
            jx_add_str(it, "label", c->items[i].label);
            jx_add_bool(it, "default", c->items[i].is_default);
            json_object_array_add(items, it);
        }
        json_object_object_add(o, "items", items);
    }
    if (c->nfills) {
        json_object *fills = json_object_new_array();
        for (int i = 0; i < c->nfills; i++) {
            json_object *f = json_object_new_object();
            jx_add_int(f, "cluster", c->fills[i].cluster);
            jx_add_str(f, "field", c->fills[i].field);
            json_object_array_add(fills, f);
        }
        json_object_object_add(o, "fill", fills);
    }
    return o;
}

json_object *defjson_build(const definition *d, long long id, int revision, const char *status, const char *bg_base)
{
    json_object *o = json_object_new_object(), *set = json_object_new_object(), *sheets = json_object_new_array();
    jx_add_int(o, "id", id);
    jx_add_int(o, "revision", revision);
    jx_add_str(o, "name", d->name);
    jx_add_str(o, "status", status);
    jx_add_bool(set, "exclusiveLock", d->exclusive_lock);
    jx_add_bool(set, "applicantLock", d->applicant_lock);
    if (d->has_autonumber) {
        json_object *an = json_object_new_object();
        jx_add_str(an, "prefix", d->an_prefix);
        jx_add_str(an, "date", d->an_date);
        jx_add_int(an, "digits", d->an_digits);
        jx_add_int(an, "start", d->an_start);
        jx_add_int(an, "step", d->an_step);
        json_object_object_add(set, "autoNumber", an);
    } else {
        jx_add_str(set, "autoNumber", NULL);
    }
    json_object *stages = json_object_new_array();
    for (int i = 0; i < d->nstages; i++) {
        json_object *s = json_object_new_object();
        jx_add_int(s, "no", d->stages[i].no);
        jx_add_str(s, "name", d->stages[i].name);
        jx_add_str(s, "group", d->stages[i].group);
        json_object_array_add(stages, s);
    }
    json_object_object_add(set, "approvalStages", stages);
    json_object *rn = json_object_new_array();
    for (int i = 0; i < 10; i++)
        if (d->remarks_names[i])
            json_object_array_add(rn, json_object_new_string(d->remarks_names[i]));
    json_object_object_add(set, "remarksNames", rn);
    jx_add_str(set, "availableFrom", d->available_from);
    jx_add_str(set, "availableUntil", d->available_until);
    json_object_object_add(o, "settings", set);
    for (int s = 0; s < d->nsheets; s++) {
        const def_sheet *sh = &d->sheets[s];
        json_object *so = json_object_new_object(), *cl = json_object_new_array();
        jx_add_int(so, "no", sh->no);
        jx_add_str(so, "name", sh->name);
        jx_add_int(so, "width", sh->width);
        jx_add_int(so, "height", sh->height);
        if (sh->background && bg_base) {
            char url[600];
            snprintf(url, sizeof url, "%s%d/background", bg_base, sh->no);
            jx_add_str(so, "background", url);
        } else {
            jx_add_str(so, "background", NULL);
        }
        for (int i = 0; i < sh->nclusters; i++)
            json_object_array_add(cl, cluster_json(&sh->clusters[i]));
        json_object_object_add(so, "clusters", cl);
        json_object_array_add(sheets, so);
    }
    json_object_object_add(o, "sheets", sheets);
    return o;
}
