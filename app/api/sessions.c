#include "api/sessions.h"
#include "api/reply.h"
#include "tenant/audit.h"
#include "auth/devices.h"
#include "auth/login.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "http/response.h"
#include "tenant/resolve.h"
#include "util/crypto.h"
#include "util/jsonx.h"
#include "util/str.h"

#include <string.h>
#include <time.h>

static void bad_request(request *r, const char *msg)
{
    resp_error(r, 400, "bad_request", msg);
}

void api_session_create(request *r)
{
    static const char *const allowed[] = {"user", "password", "device", NULL};
    static const char *const dev_allowed[] = {"id", "name", "platform", NULL};
    json_object *body = api_body_only(r, allowed);
    if (!body)
        return;
    const char *login = NULL, *password = NULL, *dev_id = NULL, *dev_name = "", *dev_platform = "";
    json_object *dev = NULL;
    const char *unknown;
    if (jx_str(body, "user", &login) != JX_OK || jx_str(body, "password", &password) != JX_OK) {
        json_object_put(body);
        return bad_request(r, "\"user\" and \"password\" must be strings.");
    }
    if (json_object_object_get_ex(body, "device", &dev)) {
        if (!dev || !json_object_is_type(dev, json_type_object) || !jx_only(dev, dev_allowed, &unknown) ||
            jx_str(dev, "id", &dev_id) != JX_OK || jx_str(dev, "name", &dev_name) == JX_WRONG_TYPE ||
            jx_str(dev, "platform", &dev_platform) == JX_WRONG_TYPE) {
            json_object_put(body);
            return bad_request(r, "\"device\" must be {\"id\": UUID, \"name\": text, \"platform\": text}.");
        }
        if (!devices_id_ok(dev_id) || str_utf8_len(dev_name) > 100 || strlen(dev_platform) > 20) {
            json_object_put(body);
            return bad_request(r, "The device id must be a UUID; name up to 100 and platform up to 20 characters.");
        }
    }
    /* copy out of the JSON before it goes */
    login = arena_strdup(r->a, login);
    password = arena_strdup(r->a, password);
    dev_id = dev ? arena_strdup(r->a, dev_id) : NULL;
    dev_name = arena_strdup(r->a, dev_name);
    dev_platform = arena_strdup(r->a, dev_platform);
    json_object_put(body);

    r->op.channel = dev_id ? "tablet" : "script";
    login_user lu;
    long retry;
    switch (login_check(&r->op, login, password, &lu, &retry)) {
    case LOGIN_OK:
        break;
    case LOGIN_THROTTLED:
        resp_header(r, "Retry-After", arena_printf(r->a, "%ld", retry));
        resp_error(r, 429, "too_many_attempts", "Too many failed sign-ins; please wait before trying again.");
        return;
    case LOGIN_DB_GONE:
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        return;
    default:
        resp_error(r, 401, "invalid_credentials", "The login id or the password is not right.");
        return;
    }
    /* the user is known from here: rows in the access log name it */
    auth_user *u = arena_calloc(r->a, 1, sizeof *u);
    u->id = lu.id;
    u->login = lu.login;
    u->name = lu.name;
    u->is_admin = lu.is_admin;
    u->kind = dev_id ? SESS_TABLET : SESS_SCRIPT;
    u->device_id = dev_id;
    r->op.user = u;
    op_result res = OP_OK;
    const char *status = "approved";
    if (dev_id) {
        status = devices_register(&r->op, dev_id, *dev_name ? dev_name : dev_id, *dev_platform ? dev_platform : "unknown", &res);
        if (!status)
            return api_fail(r, res, NULL);
        if (strcmp(status, "approved")) {
            bool pending = !strcmp(status, "pending");
            audit_log(&r->op, NULL, "login", "device", dev_id, AUDIT_DENIED, pending ? "device pending" : "device revoked");
            resp_error(r, 403, pending ? "device_pending" : "device_revoked",
                       pending ? "This device waits for an administrator's approval."
                               : "This device was revoked by an administrator.");
            return;
        }
    } else if (!perm_has(&r->op, "api", NULL)) {
        audit_log(&r->op, NULL, "login", "user", lu.login, AUDIT_DENIED, "no external API permission");
        resp_error(r, 403, "api_not_allowed", "This user may not use the API without a device.");
        return;
    }
    char token[65];
    time_t expires;
    db_status st = db_begin(r->op.tenant->db);
    if (st == DB_OK)
        st = session_create(&r->op, lu.id, u->kind, dev_id, token, &expires);
    if (st == DB_OK)
        st = audit_log(&r->op, NULL, "login", "user", lu.login, AUDIT_OK, NULL);
    if ((res = txn_finish(r->op.tenant->db, st, r->id, "session")) != OP_OK)
        return api_fail(r, res, NULL);
    char when[32];
    struct tm tm;
    gmtime_r(&expires, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object *o = json_object_new_object(), *uo = json_object_new_object();
    jx_add_str(o, "token", token);
    jx_add_str(o, "expires_at", when);
    jx_add_int(uo, "id", lu.id);
    jx_add_str(uo, "login", lu.login);
    jx_add_str(uo, "name", lu.name);
    json_object_object_add(o, "user", uo);
    if (dev_id) {
        json_object *d = json_object_new_object();
        jx_add_str(d, "id", dev_id);
        jx_add_str(d, "status", status);
        json_object_object_add(o, "device", d);
    } else {
        jx_add_str(o, "device", NULL);
    }
    jx_add_bool(o, "must_change_password", lu.must_change);
    crypto_wipe(token, sizeof token);
    resp_json(r, 201, o);
}

void api_session_delete(request *r)
{
    db_status st = db_begin(r->op.tenant->db);
    if (st == DB_OK)
        st = session_end_current(&r->op);
    if (st == DB_OK)
        st = audit_log(&r->op, NULL, "logout", "user", r->op.user->login, AUDIT_OK, NULL);
    op_result res = txn_finish(r->op.tenant->db, st, r->id, "sign-out");
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    resp_send(r, 204, NULL, "", 0);
}
