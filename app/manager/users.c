#include "manager/users.h"
#include "http/router.h"
#include "tenant/audit.h"
#include "auth/groups.h"
#include "auth/users.h"
#include "auth/userscsv.h"
#include "db/txn.h"
#include "http/form.h"
#include "http/multipart.h"
#include "http/response.h"
#include "manager/view.h"
#include "tenant/keys.h"
#include "tenant/resolve.h"

#include <stdlib.h>
#include <string.h>

#define SEAL_MAX (512 * 1024)

void manager_users(request *r)
{
    op_result res;
    json_object *arr = users_list(&r->op, &res);
    if (!arr)
        return view_fail(r, res);
    page *p = view_page(r, "users.title");
    page_set_json(p, "Users", arr);
    json_object_put(arr);
    page_render(r, 200, &p, "manager/users.cs");
}

/* The form page for a new or an existing user (id 0 = new). */
static void render_form(request *r, int status, long long id, json_object *user, const errs *e)
{
    op_result res;
    json_object *groups = groups_list(&r->op, &res);
    if (!groups)
        return view_fail(r, res);
    page *p = view_page(r, id ? "user.title" : "user.new_title");
    page_set_json(p, "Groups", groups);
    json_object_put(groups);
    if (user)
        page_set_json(p, "U", user);
    if (e)
        page_set_errors(p, r, e);
    if (id) {
        json_object *s = users_sessions(&r->op, id, &res);
        if (s) {
            page_set_json(p, "Sessions", s);
            json_object_put(s);
        }
    }
    page_render(r, status, &p, "manager/user.cs");
}

/* The submitted form as a user_in, and the same values as JSON to show
 * again when something is wrong. */
static json_object *read_form(request *r, user_in *in, bool create)
{
    user_in_init(in);
    if (create) {
        in->login = view_field(r, "login");
        in->password = view_field(r, "password");
    }
    in->name = view_field(r, "name");
    in->email = view_field(r, "email");
    in->lang = view_field(r, "lang");
    in->valid_from = view_field(r, "valid_from");
    in->valid_until = view_field(r, "valid_until");
    in->enabled = !strcmp(view_field(r, "enabled"), "1");
    in->has_groups = true;
    in->groups = arena_calloc(r->a, (size_t)r->form->n + 1, sizeof *in->groups);
    json_object *o = json_object_new_object(), *g = json_object_new_array();
    for (int i = 0; i < r->form->n; i++)
        if (!strcmp(r->form->f[i].name, "groups") && users_parse_id(r->form->f[i].value, &in->groups[in->ngroups])) {
            json_object_array_add(g, json_object_new_int64(in->groups[in->ngroups]));
            in->ngroups++;
        }
    json_object_object_add(o, "login", json_object_new_string(in->login ? in->login : ""));
    json_object_object_add(o, "name", json_object_new_string(in->name));
    json_object_object_add(o, "email", json_object_new_string(in->email));
    json_object_object_add(o, "lang", json_object_new_string(in->lang));
    json_object_object_add(o, "valid_from", json_object_new_string(in->valid_from));
    json_object_object_add(o, "valid_until", json_object_new_string(in->valid_until));
    json_object_object_add(o, "enabled", json_object_new_boolean(in->enabled));
    json_object_object_add(o, "groups", g);
    return o;
}

void manager_user_new(request *r)
{
    json_object *u = json_object_new_object();
    json_object_object_add(u, "enabled", json_object_new_boolean(1));
    render_form(r, 200, 0, u, NULL);
    json_object_put(u);
}

void manager_user_create(request *r)
{
    user_in in;
    errs e;
    errs_init(&e, r->a);
    json_object *shown = read_form(r, &in, true);
    long long id;
    op_result res = users_create(&r->op, &in, &e, &id);
    if (res == OP_OK) {
        json_object_put(shown);
        return view_done(r, arena_printf(r->a, "users/%lld", id), "user_created");
    }
    if (res == OP_INVALID || res == OP_CONFLICT)
        render_form(r, res == OP_INVALID ? 422 : 409, 0, shown, &e);
    else
        view_fail(r, res);
    json_object_put(shown);
}

void manager_user(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    op_result res;
    json_object *u = users_get(&r->op, id, &res);
    if (!u)
        return view_fail(r, res);
    render_form(r, 200, id, u, NULL);
    json_object_put(u);
}

/* Store an uploaded seal image (PNG or JPEG by its magic bytes), sealed
 * with the tenant's data key. */
static op_result save_seal(request *r, long long id, const multipart_part *f, errs *e)
{
    const unsigned char *d = (const unsigned char *)f->data;
    const char *type = NULL;
    if (f->len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
        type = "image/png";
    else if (f->len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
        type = "image/jpeg";
    if (!type) {
        errs_add(e, "seal", "image_type");
        return OP_INVALID;
    }
    if (f->len > SEAL_MAX) {
        errs_add(e, "seal", "image_too_large");
        return OP_INVALID;
    }
    unsigned char *sealed = arena_alloc(r->a, f->len + CRYPTO_SEAL_OVERHEAD);
    const char *oid = arena_printf(r->a, "%lld", id);
    if (!tenant_seal(r->op.tenant->datakey, r->op.tenant->code, "seal", oid, f->data, f->len, sealed))
        return OP_ERROR;
    db_status st = db_query(r->op.tenant->db, r->a, "UPDATE users SET seal_image = ?, seal_type = ? WHERE id = ?",
                            DB_ARGS(DB_BLOB(sealed, f->len + CRYPTO_SEAL_OVERHEAD), DB_STR(type), DB_INT(id)), NULL, NULL);
    return txn_result(st);
}

void manager_user_update(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    user_in in;
    errs e;
    errs_init(&e, r->a);
    json_object *shown = read_form(r, &in, false);
    op_result res = users_update(&r->op, id, &in, &e);
    const multipart_part *seal = multipart_get(r->parts, r->nparts, "seal");
    if (res == OP_OK && seal && seal->filename && seal->len)
        res = save_seal(r, id, seal, &e);
    if (res == OP_OK) {
        json_object_put(shown);
        return view_done(r, arena_printf(r->a, "users/%lld", id), "user_saved");
    }
    if (res == OP_INVALID) {
        op_result r2;
        json_object *cur = users_get(&r->op, id, &r2);
        if (cur)   /* keep what was typed, with the login and state stored */
            json_object_object_add(shown, "login", json_object_get(json_object_object_get(cur, "login")));
        render_form(r, 422, id, shown, &e);
        json_object_put(cur);
    } else {
        view_fail(r, res);
    }
    json_object_put(shown);
}

void manager_user_reset_pw(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    errs e;
    errs_init(&e, r->a);
    op_result res = users_reset_password(&r->op, id, view_field(r, "password"), &e);
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "users/%lld", id), "password_reset");
    if (res != OP_INVALID)
        return view_fail(r, res);
    json_object *u = users_get(&r->op, id, &res);
    if (!u)
        return view_fail(r, res);
    render_form(r, 422, id, u, &e);
    json_object_put(u);
}

void manager_user_end_sessions(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    op_result res = users_end_sessions(&r->op, id);
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, arena_printf(r->a, "users/%lld", id), "sessions_ended");
}

void manager_user_seal(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    db_rows rows;
    db_status st = db_query(r->op.tenant->db, r->a, "SELECT seal_image, seal_type FROM users WHERE id = ? AND seal_image IS NOT NULL",
                            DB_ARGS(DB_INT(id)), &rows, NULL);
    if (st != DB_OK)
        return view_fail(r, txn_result(st));
    if (!rows.nrows || rows.len[0] < CRYPTO_SEAL_OVERHEAD)
        return view_fail(r, OP_NOT_FOUND);
    size_t n = rows.len[0] - CRYPTO_SEAL_OVERHEAD;
    unsigned char *img = arena_alloc(r->a, n + 1);
    if (!tenant_open(r->op.tenant->datakey, r->op.tenant->code, "seal", arena_printf(r->a, "%lld", id),
                     (const unsigned char *)db_cell(&rows, 0, 0), rows.len[0], img))
        return resp_error(r, 500, "seal_unreadable", "The stored image could not be decrypted.");
    resp_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    resp_header(r, "Cache-Control", "private, no-store");
    resp_send(r, 200, db_cell(&rows, 0, 1), img, n);
}

void manager_users_export(request *r)
{
    const char *kind = req_query(r, "kind");
    if (!kind)
        kind = "users";
    buf out;
    buf_init(&out, r->a);
    op_result res = userscsv_export(&r->op, kind, &out);
    if (res == OP_INVALID)
        return resp_error(r, 400, "bad_kind", "kind must be users, groups or memberships.");
    if (res != OP_OK)
        return view_fail(r, res);
    audit_log(&r->op, NULL, "users.export", "csv", kind, AUDIT_OK, NULL);
    resp_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"%s.csv\"", kind));
    resp_send(r, 200, "text/csv; charset=utf-8", out.data, out.len);
}

static void render_import(request *r, int status, const errs *e, int count)
{
    page *p = view_page(r, "import.title");
    if (e)
        page_set_errors(p, r, e);
    if (count >= 0)
        page_set_int(p, "Imported", count);
    page_set(p, "Form.kind", r->form ? view_field(r, "kind") : "users");
    page_render(r, status, &p, "manager/import.cs");
}

void manager_users_import_form(request *r)
{
    render_import(r, 200, NULL, -1);
}

void manager_users_import(request *r)
{
    const multipart_part *f = multipart_get(r->parts, r->nparts, "file");
    errs e;
    errs_init(&e, r->a);
    if (!f || !f->len) {
        errs_add(&e, "file", "required");
        return render_import(r, 422, &e, -1);
    }
    int count = 0;
    op_result res = userscsv_import(&r->op, view_field(r, "kind"), *view_field(r, "encoding") ? view_field(r, "encoding") : "auto",
                                    f->data, f->len, &e, &count);
    if (res == OP_INVALID)
        return render_import(r, 422, &e, -1);
    if (res != OP_OK)
        return view_fail(r, res);
    render_import(r, 200, NULL, count);
}
