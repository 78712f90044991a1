#include "manager/groups.h"
#include "http/router.h"
#include "auth/groups.h"
#include "auth/perm.h"
#include "auth/users.h"
#include "http/form.h"
#include "manager/view.h"

#include <stdio.h>
#include <string.h>

static void render_list(request *r, int status, const errs *e)
{
    op_result res;
    json_object *arr = groups_list(&r->op, &res);
    if (!arr)
        return view_fail(r, res);
    page *p = view_page(r, "groups.title");
    page_set_json(p, "Groups", arr);
    json_object_put(arr);
    if (e) {
        page_set_errors(p, r, e);
        page_set(p, "Form.name", view_field(r, "name"));
    }
    page_render(r, status, &p, "manager/groups.cs");
}

void manager_groups(request *r)
{
    render_list(r, 200, NULL);
}

void manager_group_create(request *r)
{
    group_in in = {.name = view_field(r, "name"), .description = view_field(r, "description")};
    errs e;
    errs_init(&e, r->a);
    long long parent = 0, id;
    if (users_parse_id(view_field(r, "parent_id"), &parent))
        in.has_parent = true, in.parent_id = parent;
    op_result res = groups_create(&r->op, &in, &e, &id);
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "groups/%lld", id), "group_created");
    if (res == OP_INVALID || res == OP_CONFLICT)
        return render_list(r, res == OP_INVALID ? 422 : 409, &e);
    view_fail(r, res);
}

/* Every permission with whether the group holds it, for the checkboxes. */
static void set_perm_table(page *p, json_object *group)
{
    json_object *held = json_object_object_get(group, "permissions");
    char key[64];
    int k = 0;
    for (int i = 0; i < perm_count; i++) {
        if (perm_all[i].scoped)
            continue;
        snprintf(key, sizeof key, "PermTable.%d.name", k);
        page_set(p, key, perm_all[i].name);
        snprintf(key, sizeof key, "PermTable.%d.area", k);
        page_set(p, key, perm_all[i].area);
        for (size_t j = 0; held && j < json_object_array_length(held); j++) {
            json_object *h = json_object_array_get_idx(held, j);
            if (!strcmp(json_object_get_string(json_object_object_get(h, "name")), perm_all[i].name) &&
                !*json_object_get_string(json_object_object_get(h, "scope"))) {
                snprintf(key, sizeof key, "PermTable.%d.held", k);
                page_set(p, key, "1");
            }
        }
        k++;
    }
}

static void render_group(request *r, int status, long long id, const errs *e)
{
    op_result res;
    json_object *g = groups_get(&r->op, id, &res);
    if (!g)
        return view_fail(r, res);
    json_object *all = groups_list(&r->op, &res), *users = all ? users_list(&r->op, &res) : NULL;
    if (!users) {
        json_object_put(g);
        json_object_put(all);
        return view_fail(r, res);
    }
    page *p = view_page(r, "group.title");
    page_set_json(p, "G", g);
    page_set_json(p, "Groups", all);
    page_set_json(p, "Users", users);
    /* members as a set, for the checkboxes */
    json_object *m = json_object_object_get(g, "members");
    for (size_t i = 0; i < json_object_array_length(m); i++)
        page_set(p, arena_printf(r->a, "Member.%s", json_object_get_string(json_object_array_get_idx(m, i))), "1");
    set_perm_table(p, g);
    json_object *scoped = groups_def_rights(&r->op, id, &res);   /* shown, not edited here */
    page_set_json(p, "Scoped", scoped);
    json_object_put(scoped);
    if (e)
        page_set_errors(p, r, e);
    json_object_put(g);
    json_object_put(all);
    json_object_put(users);
    page_render(r, status, &p, "manager/group.cs");
}

void manager_group(request *r)
{
    long long id;
    if (view_id(r, "id", &id))
        render_group(r, 200, id, NULL);
}

void manager_group_update(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    int n = r->form->n;
    /* the page shows the tenant-wide permissions as boxes: a save changes
     * exactly those (per-definition rights are set on the definition's page) */
    group_in in = {.name = view_field(r, "name"), .description = view_field(r, "description"), .has_parent = true,
                   .has_perms = true, .perms_tenant_wide = true};
    users_parse_id(view_field(r, "parent_id"), &in.parent_id);
    in.perms = arena_calloc(r->a, (size_t)n + 1, sizeof *in.perms);
    long long *members = arena_calloc(r->a, (size_t)n + 1, sizeof *members);
    int nm = 0;
    for (int i = 0; i < n; i++) {
        const form_field *f = &r->form->f[i];
        if (!strcmp(f->name, "perm"))
            in.perms[in.nperms++] = (group_perm){f->value, ""};
        else if (!strcmp(f->name, "member") && users_parse_id(f->value, &members[nm]))
            nm++;
    }
    errs e;
    errs_init(&e, r->a);
    op_result res = groups_update(&r->op, id, &in, &e);
    if (res == OP_OK)
        res = groups_set_members(&r->op, id, members, nm, &e);
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "groups/%lld", id), "group_saved");
    if (res == OP_INVALID || res == OP_CONFLICT)
        return render_group(r, res == OP_INVALID ? 422 : 409, id, &e);
    view_fail(r, res);
}

void manager_group_delete(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    errs e;
    errs_init(&e, r->a);
    op_result res = groups_delete(&r->op, id, &e);
    if (res == OP_OK)
        return view_done(r, "groups", "group_deleted");
    if (res == OP_CONFLICT)
        return render_group(r, 409, id, &e);
    view_fail(r, res);
}
