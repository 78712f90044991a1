#include "reports/report.h"
#include "tenant/audit.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "forms/defcache.h"
#include "forms/formula.h"
#include "forms/masters.h"
#include "forms/store.h"
#include "forms/value.h"
#include "reports/number.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/str.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One cluster's value while a write is worked out. */
typedef struct slot {
    const def_cluster *c;
    const char *old, *value, *gps, *edited_at;
    bool out_of_normal, submitted;
} slot;

typedef struct work {
    op_ctx *op;
    const definition *d;
    slot *s;
    int n;
} work;

static slot *find(work *w, int sheet, int id)
{
    for (int i = 0; i < w->n; i++)
        if (w->s[i].c->sheet_no == sheet && w->s[i].c->id == id)
            return &w->s[i];
    return NULL;
}

static const char *where(op_ctx *op, int sheet, int cluster)
{
    return arena_printf(op->a, "%d/%d", sheet, cluster);
}

bool report_values_from_json(op_ctx *op, json_object *arr, report_write *w, errs *e)
{
    if (!arr || !json_object_is_type(arr, json_type_array) || json_object_array_length(arr) > 20000) {
        errs_add(e, "values", "wrong_type");
        return false;
    }
    int n = (int)json_object_array_length(arr);
    w->values = arena_calloc(op->a, (size_t)n + 1, sizeof *w->values);
    w->nvalues = 0;
    static const char *const allowed[] = {"sheet", "cluster", "value", "edited_at", "gps", NULL};
    for (int i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(arr, (size_t)i), *sheet, *cl, *gps;
        const char *unknown, *val = NULL, *at = NULL;
        if (!v || !json_object_is_type(v, json_type_object) || !jx_only(v, allowed, &unknown) ||
            !json_object_object_get_ex(v, "sheet", &sheet) || !json_object_is_type(sheet, json_type_int) ||
            !json_object_object_get_ex(v, "cluster", &cl) || !json_object_is_type(cl, json_type_int) ||
            jx_str(v, "value", &val) != JX_OK || jx_str(v, "edited_at", &at) == JX_WRONG_TYPE) {
            errs_add(e, arena_printf(op->a, "values[%d]", i), "wrong_type");
            continue;
        }
        report_value_in *x = &w->values[w->nvalues];
        x->sheet = json_object_get_int(sheet);
        x->cluster = json_object_get_int(cl);
        x->value = arena_strdup(op->a, val);
        x->edited_at = at ? arena_strndup(op->a, at, 40) : NULL;
        if (json_object_object_get_ex(v, "gps", &gps) && gps)
            x->gps = arena_strndup(op->a, json_object_to_json_string_ext(gps, JSON_C_TO_STRING_PLAIN), 100);
        for (int k = 0; k < w->nvalues; k++)
            if (w->values[k].sheet == x->sheet && w->values[k].cluster == x->cluster)
                errs_add(e, where(op, x->sheet, x->cluster), "duplicate_value");
        w->nvalues++;
    }
    return e->n == 0;
}

definition *report_definition(op_ctx *op, long long def_id, int rev, op_result *res)
{
    def_rev v;
    const definition *d = defcache_get(op, def_id, rev, &v, res);
    if (!d)
        return NULL;
    /* a revision tablets could have: published (or published before and
     * archived since: a tablet offline for weeks still holds it), or test
     * for testers */
    bool usable = !strcmp(v.status, "published") || !strcmp(v.status, "archived") ||
                  (!strcmp(v.status, "test") && perm_has(op, "tester", NULL));
    if (!usable) {
        *res = OP_NOT_FOUND;
        return NULL;
    }
    return (definition *)d;   /* read-only: shared with later requests of this thread */
}

/* Load the stored values of report id (or none) into w. */
static db_status load(work *w, const char *id)
{
    op_ctx *op = w->op;
    int total = 0;
    for (int s = 0; s < w->d->nsheets; s++)
        total += w->d->sheets[s].nclusters;
    w->s = arena_calloc(op->a, (size_t)total + 1, sizeof *w->s);
    w->n = 0;
    for (int s = 0; s < w->d->nsheets; s++)
        for (int i = 0; i < w->d->sheets[s].nclusters; i++)
            w->s[w->n++].c = &w->d->sheets[s].clusters[i];
    if (!id)
        return DB_OK;
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT sheet_no, cluster_id, value, gps FROM report_values WHERE report_id = ?",
                            DB_ARGS(DB_STR(id)), &rows, NULL);
    for (size_t i = 0; st == DB_OK && i < rows.nrows; i++) {
        slot *sl = find(w, atoi(db_cell(&rows, i, 0)), atoi(db_cell(&rows, i, 1)));
        if (sl) {
            sl->old = sl->value = db_cell(&rows, i, 2);
            sl->gps = db_cell(&rows, i, 3);
        }
    }
    return st;
}

static const char *lookup(void *ctx, int sheet, int cluster)
{
    slot *s = find(ctx, sheet, cluster);
    return s ? s->value : NULL;
}

/* "C(1,4)" or "4" (same sheet) → the slot. */
static slot *ref(work *w, const def_cluster *c, const char *spec)
{
    int s = c->sheet_no, id;
    if (!spec)
        return NULL;
    if (sscanf(spec, " C ( %d , %d )", &s, &id) == 2 || sscanf(spec, " c ( %d , %d )", &s, &id) == 2 ||
        sscanf(spec, "%d", &id) == 1)
        return find(w, s, id);
    return NULL;
}

/* A UTC time as the tenant's local RFC 3339 time ("2026-12-05T09:30:00+09:00"):
 * RegisterDate and UpdateDate show the customer's day and clock. */
static const char *local_time(op_ctx *op, const char *utc)
{
    return tz_show(op->a, op->tenant->tz, utc, TZ_SHOW_RFC3339);
}

/* The clusters the server fills. */
static void compute(work *w, const char *creator, const char *created_at, const char *now)
{
    op_ctx *op = w->op;
    for (int i = 0; i < w->n; i++) {
        slot *sl = &w->s[i];
        switch (sl->c->type) {
        case CT_REGISTRANT: sl->value = creator; break;
        case CT_REGISTER_DATE: sl->value = local_time(op, created_at); break;
        case CT_UPDATER: sl->value = op->user->name; break;
        case CT_UPDATE_DATE: sl->value = local_time(op, now); break;
        case CT_LOGIN_USER: sl->value = op->user->name; break;
        case CT_TIME_CALCULATE: {
            slot *a = ref(w, sl->c, def_param_get(sl->c, "start")), *b = ref(w, sl->c, def_param_get(sl->c, "end"));
            const char *bm = def_param_get(sl->c, "breakMinutes"), *res = "";
            if (a && b && timecalc_eval(op->a, a->value, b->value, bm ? atoi(bm) : 0, &res))
                res = "";
            sl->value = res;
            break;
        }
        default: break;
        }
    }
    /* Calculate clusters may use each other (no cycles: refused at upload):
     * as many passes as there are of them settle every value */
    int ncalc = 0;
    for (int i = 0; i < w->n; i++)
        ncalc += w->s[i].c->type == CT_CALCULATE;
    for (int pass = 0; pass < ncalc; pass++)
        for (int i = 0; i < w->n; i++) {
            slot *sl = &w->s[i];
            if (sl->c->type != CT_CALCULATE)
                continue;
            formula *f;
            char err[200];
            const char *res = "", *dp = def_param_get(sl->c, "decimalPlaces");
            if (!formula_parse(op->a, def_param_get(sl->c, "formula") ? def_param_get(sl->c, "formula") : "", &f, err, sizeof err))
                res = "";
            else if (formula_eval(op->a, f, lookup, w, dp ? atoi(dp) : -1, &res))
                res = "";   /* division by zero and the like: the result stays empty; the inputs are valid */
            sl->value = res;
        }
}

static const char *iso_now(op_ctx *op);

const char *report_signoff(op_ctx *op, const char *comment)
{
    json_object *o = json_object_new_object();
    jx_add_str(o, "user", op->user->login);
    jx_add_str(o, "name", op->user->name);
    jx_add_str(o, "at", iso_now(op));
    jx_add_str(o, "comment", comment && *comment ? comment : NULL);
    const char *s = arena_strdup(op->a, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return s;
}

static const char *iso_now(op_ctx *op)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(op->a, b);
}

static bool attachment_present(op_ctx *op, const char *id, const def_cluster *c)
{
    db_rows rows;
    return id && db_query(op->tenant->db, op->a,
                          "SELECT 1 FROM report_attachments WHERE report_id = ? AND sheet_no = ? AND cluster_id = ?",
                          DB_ARGS(DB_STR(id), DB_INT(c->sheet_no), DB_INT(c->id)), &rows, NULL) == DB_OK &&
           rows.nrows > 0;
}

/* Apply the submitted values, compute, check; false when e has problems. */
static bool apply(work *w, const report_write *wr, const char *id, const char *creator, const char *created_at, errs *e)
{
    op_ctx *op = w->op;
    char today[11];
    cdate_format(tz_today(op->tenant->tz), today);   /* "today" bounds are the customer's day */
    value_ctx vc = {.today = today};
    for (int i = 0; i < wr->nvalues; i++) {
        const report_value_in *in = &wr->values[i];
        slot *sl = find(w, in->sheet, in->cluster);
        const char *f = where(op, in->sheet, in->cluster);
        if (!sl) {
            errs_add(e, f, "unknown_cluster");
            continue;
        }
        if (value_server_computed(sl->c->type))
            continue;   /* the server fills these; what was sent is ignored */
        if (value_read_only(sl->c->type)) {
            /* labels, attachments and sign-offs are set elsewhere: sending
             * what is stored is harmless, anything else (even "") is refused */
            if (strcmp(in->value ? in->value : "", sl->old ? sl->old : ""))
                errs_add(e, f, "read_only");
            continue;
        }
        const char *canon = NULL;
        bool oon = false;
        const char *code = value_check(op->a, sl->c, in->value, &vc, &canon, &oon);
        if (code) {
            errs_add(e, f, code);
            continue;
        }
        if (sl->c->lock_after_save && sl->old && *sl->old && strcmp(sl->old, canon)) {
            errs_add(e, f, "locked_after_save");
            continue;
        }
        /* a value drawn from master data must be a live record of it; a
         * MasterSelect also fills its linked clusters from that record */
        const char *master = def_param_get(sl->c, "master");
        if (master && *canon && (sl->c->type == CT_SELECT || sl->c->type == CT_MASTER_SELECT)) {
            bool gone = false;
            if (!masters_field(op, master, canon, NULL, &gone)) {
                errs_add(e, f, gone ? "master_unavailable" : "not_in_items");
                continue;
            }
            for (int k = 0; sl->c->type == CT_MASTER_SELECT && k < sl->c->nfills; k++) {
                slot *t = find(w, sl->c->sheet_no, sl->c->fills[k].cluster);
                const char *fv = masters_field(op, master, canon, sl->c->fills[k].field, &gone);
                if (t && fv && !value_read_only(t->c->type)) {
                    t->value = fv;
                    t->submitted = true;
                }
            }
        }
        sl->value = canon;
        sl->out_of_normal = oon;
        sl->submitted = true;
        sl->edited_at = in->edited_at;
        if (in->gps)
            sl->gps = in->gps;
    }
    compute(w, creator, created_at, iso_now(op));
    if (wr->complete)
        for (int i = 0; i < w->n; i++) {
            slot *sl = &w->s[i];
            /* completing signs the Create and Inspect clusters for the user
             * (Approve ones are signed by their stage's approval) */
            if ((sl->c->type == CT_CREATE || sl->c->type == CT_INSPECT) && (!sl->value || !*sl->value))
                sl->value = report_signoff(op, NULL);
            if (sl->c->type == CT_APPROVE)
                continue;
            bool attached = sl->c->type == CT_IMAGE || sl->c->type == CT_HANDWRITING || sl->c->type == CT_FREE_DRAW;
            if (sl->c->required && (attached ? !attachment_present(op, id, sl->c) : value_required_missing(sl->c, sl->value)))
                errs_add(e, where(op, sl->c->sheet_no, sl->c->id), "required");
        }
    return e->n == 0;
}

/* Write the changed values and their history. */
static db_status store(work *w, const char *id, int rev)
{
    op_ctx *op = w->op;
    db_conn *db = op->tenant->db;
    db_status st = DB_OK;
    for (int i = 0; st == DB_OK && i < w->n; i++) {
        slot *sl = &w->s[i];
        const char *old = sl->old ? sl->old : "", *nv = sl->value ? sl->value : "";
        if (!strcmp(old, nv) && !(sl->submitted && sl->gps))
            continue;
        st = db_query(db, op->a,
                      "INSERT INTO report_values (report_id, sheet_no, cluster_id, value, out_of_normal, gps, edited_by, "
                      "edited_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?) ON DUPLICATE KEY UPDATE "
                      "value = VALUES(value), out_of_normal = VALUES(out_of_normal), gps = VALUES(gps), "
                      "edited_by = VALUES(edited_by), edited_at = VALUES(edited_at), device_id = VALUES(device_id)",
                      DB_ARGS(DB_STR(id), DB_INT(sl->c->sheet_no), DB_INT(sl->c->id), DB_STR(nv), DB_INT(sl->out_of_normal),
                              DB_STR(sl->gps), DB_INT(op->user->id), DB_STR(op->user->device_id)),
                      NULL, NULL);
        if (st == DB_OK && strcmp(old, nv))
            st = db_query(db, op->a,
                          "INSERT INTO report_history (report_id, rev, sheet_no, cluster_id, old_value, new_value, user_id, "
                          "device_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))",
                          DB_ARGS(DB_STR(id), DB_INT(rev), DB_INT(sl->c->sheet_no), DB_INT(sl->c->id),
                                  sl->old ? DB_STR(sl->old) : DB_NULLARG, DB_STR(nv), DB_INT(op->user->id),
                                  DB_STR(op->user->device_id)),
                          NULL, NULL);
    }
    return st;
}

op_result report_create(op_ctx *op, const report_write *wr, errs *e, refusal *why)
{
    memset(why, 0, sizeof *why);
    if (!str_uuid_ok(wr->id))
        return refuse(why, REF_BAD_INPUT, "bad_id", "The report id must be a UUID.");
    op_result res;
    const char *scope = arena_printf(op->a, "%lld", wr->definition_id);
    if (!perm_has(op, "def.view", scope) && !perm_has(op, "def.reports.create", scope))
        return refuse(why, REF_NOT_FOUND, "definition_not_found", "There is no such definition for you.");
    const definition *d = report_definition(op, wr->definition_id, wr->definition_revision, &res);
    if (!d)
        return res == OP_NOT_FOUND ? refuse(why, REF_INVALID, "definition_not_usable",
                                            "This definition revision is not published (or does not exist).")
                                   : res;
    if (!perm_has(op, "def.reports.create", scope))
        return refuse(why, REF_FORBIDDEN, "forbidden", "You may not create reports of this definition.");
    work w = {.op = op, .d = d};
    db_status st = load(&w, NULL);
    const char *now = iso_now(op);
    if (st == DB_OK && !apply(&w, wr, NULL, op->user->name, now, e))
        return OP_INVALID;
    db_conn *db = op->tenant->db;
    const char *number = NULL;
    if (st == DB_OK && d->has_autonumber)
        st = number_next(op, wr->definition_id, d, &number);
    bool stages = d->nstages > 0;
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "INSERT INTO reports (id, definition_id, definition_revision, name, number, status, stage, applicant_id, "
                      "rev, created_by, created_at, updated_by, updated_at) VALUES (LOWER(?), ?, ?, ?, ?, ?, ?, ?, 1, ?, "
                      "UTC_TIMESTAMP(3), ?, UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(wr->id), DB_INT(wr->definition_id), DB_INT(wr->definition_revision),
                              DB_STR(wr->name ? wr->name : number ? arena_printf(op->a, "%s %s", d->name, number) : d->name),
                              DB_STR(number),
                              DB_STR(!wr->complete ? "editing" : stages ? "applying" : "completed"),
                              wr->complete && stages ? DB_INT(1) : DB_NULLARG,
                              wr->complete && stages ? DB_INT(op->user->id) : DB_NULLARG, DB_INT(op->user->id),
                              DB_INT(op->user->id)),
                      NULL, NULL);
    if (st == DB_DUP)
        return refuse(why, REF_CONFLICT, "report_exists", "A report with this id exists already; update it with PUT.");
    if (st == DB_OK)
        st = store(&w, arena_strdup(op->a, wr->id), 1);
    if (st == DB_OK && wr->complete && stages)
        st = db_query(db, op->a,
                      "INSERT INTO report_approvals (report_id, stage, action, user_id, at) VALUES (LOWER(?), 1, 'apply', ?, "
                      "UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(wr->id), DB_INT(op->user->id)), NULL, NULL);
    if (st == DB_OK && wr->complete && stages)
        st = audit_log(op, NULL, "report.apply", "report", wr->id, AUDIT_OK, "stage 1");
    return st == DB_OK ? OP_OK : txn_result(st);
}

op_result report_check_locks(op_ctx *op, const char *id, const char *status, const definition *d, refusal *why)
{
    if (d->applicant_lock && (!strcmp(status, "applying") || !strcmp(status, "approved")))
        return refuse(why, REF_CONFLICT, !strcmp(status, "applying") ? "approval_pending" : "approved_locked",
                      "The report is under approval and cannot be edited now.");
    if (!d->exclusive_lock)
        return OP_OK;
    db_rows lk;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT l.user_id, u.login, u.name, DATE_FORMAT(l.expires_at, '%Y-%m-%dT%H:%i:%sZ') FROM report_locks l "
                            "JOIN users u ON u.id = l.user_id WHERE l.report_id = ? AND l.expires_at > UTC_TIMESTAMP(3)",
                            DB_ARGS(DB_STR(id)), &lk, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (lk.nrows && atoll(db_cell(&lk, 0, 0)) != op->user->id) {
        json_object *h = json_object_new_object(), *o = json_object_new_object();
        jx_add_int(h, "id", atoll(db_cell(&lk, 0, 0)));
        jx_add_str(h, "login", db_cell(&lk, 0, 1));
        jx_add_str(h, "name", db_cell(&lk, 0, 2));
        json_object_object_add(o, "holder", h);
        jx_add_str(o, "expires_at", db_cell(&lk, 0, 3));
        why->body = o;
        return refuse(why, REF_CONFLICT, "report_locked", arena_printf(op->a, "The report is being edited by %s.", db_cell(&lk, 0, 2)));
    }
    return OP_OK;
}

op_result report_update(op_ctx *op, const char *id, int if_match, const report_write *wr, errs *e, refusal *why)
{
    memset(why, 0, sizeof *why);
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a,
                            "SELECT definition_id, definition_revision, rev, status, created_by, "
                            "(SELECT name FROM users WHERE id = created_by), DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
                            "applicant_id FROM reports WHERE id = ? AND deleted_at IS NULL FOR UPDATE",
                            DB_ARGS(DB_STR(id)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such report.");
    long long def_id = atoll(db_cell(&rows, 0, 0));
    int rev = atoi(db_cell(&rows, 0, 2));
    const char *status = db_cell(&rows, 0, 3), *scope = arena_printf(op->a, "%lld", def_id);
    bool own = atoll(db_cell(&rows, 0, 4)) == op->user->id;
    if (!own && !perm_has(op, "def.reports.view", scope))
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such report.");
    if (!(own && perm_has(op, "def.reports.create", scope)) && !perm_has(op, "def.reports.edit", scope))
        return refuse(why, REF_FORBIDDEN, "forbidden", "You may not edit this report.");
    if (rev != if_match) {
        op_result res;
        why->body = report_json(op, id, &res);
        return refuse(why, REF_STALE, "stale_revision", "The report changed since you read it; the current report is in the body.");
    }
    op_result res;
    const definition *d = report_definition(op, def_id, atoi(db_cell(&rows, 0, 1)), &res);
    if (!d)
        return res == OP_NOT_FOUND ? refuse(why, REF_CONFLICT, "definition_gone", "The report's definition revision is not available.") : res;
    res = report_check_locks(op, id, status, d, why);
    if (res != OP_OK)
        return res;
    work w = {.op = op, .d = d};
    st = load(&w, id);
    if (st != DB_OK)
        return txn_result(st);
    if (!apply(&w, wr, id, db_cell(&rows, 0, 5), db_cell(&rows, 0, 6), e))
        return OP_INVALID;
    bool stages = d->nstages > 0;
    const char *nstatus = status;
    if (wr->complete)
        nstatus = stages ? "applying" : "completed";
    if (wr->complete && stages)   /* applying again: earlier sign-offs no longer hold */
        for (int i = 0; i < w.n; i++)
            if (w.s[i].c->type == CT_APPROVE)
                w.s[i].value = "";
    st = store(&w, id, rev + 1);
    if (st == DB_OK && wr->complete && stages)
        st = audit_log(op, NULL, "report.apply", "report", id, AUDIT_OK, "stage 1");
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "UPDATE reports SET rev = rev + 1, name = COALESCE(?, name), status = ?, stage = IF(?, 1, stage), "
                      "applicant_id = IF(?, ?, applicant_id), updated_by = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
                      DB_ARGS(DB_STR(wr->name), DB_STR(nstatus), DB_INT(wr->complete && stages),
                              DB_INT(wr->complete && stages), DB_INT(op->user->id), DB_INT(op->user->id), DB_STR(id)),
                      NULL, NULL);
    if (st == DB_OK && wr->complete && stages)
        st = db_query(db, op->a,
                      "INSERT INTO report_approvals (report_id, stage, action, user_id, at) VALUES (?, 1, 'apply', ?, "
                      "UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(id), DB_INT(op->user->id)), NULL, NULL);
    return st == DB_OK ? OP_OK : txn_result(st);
}
