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
#include "reports/values.h"
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
    const rvalue *stored;           /* as stored before this write, or NULL */
    const char *old, *value, *gps, *edited_at;
    bool out_of_normal, submitted;
} slot;

typedef struct work {
    op_ctx *op;
    const definition *d;
    slot *s;                        /* sorted by sheet, then cluster id */
    int n;
    rvals before;                   /* the stored values */
} work;

static int slot_cmp(const void *a, const void *b)
{
    const slot *x = a, *y = b;
    return x->c->sheet_no != y->c->sheet_no ? (x->c->sheet_no < y->c->sheet_no ? -1 : 1)
                                            : (x->c->id > y->c->id) - (x->c->id < y->c->id);
}

static slot *find(work *w, int sheet, int id)
{
    int lo = 0, hi = w->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const def_cluster *c = w->s[mid].c;
        if (c->sheet_no == sheet && c->id == id)
            return &w->s[mid];
        if (c->sheet_no < sheet || (c->sheet_no == sheet && c->id < id))
            lo = mid + 1;
        else
            hi = mid - 1;
    }
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

const char *const report_extra_cols[REPORT_REMARKS + REPORT_SYSKEYS] = {
    "remarks1", "remarks2", "remarks3", "remarks4", "remarks5", "remarks6", "remarks7", "remarks8", "remarks9",
    "remarks10", "system_key1", "system_key2", "system_key3", "system_key4", "system_key5"};

static bool extra_ok(op_ctx *op, const char *v, size_t max, bool lines, const char *field, errs *e)
{
    if (!v)
        return true;
    size_t n = strlen(v);
    if (!str_utf8_valid(v, n)) {
        errs_add(e, field, "bad_charset");
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f) {
            errs_add(e, field, "bad_charset");
            return false;
        }
    if (str_utf8_len(v) > max) {
        errs_add_arg(e, field, "too_long", arena_printf(op->a, "%zu", max));
        return false;
    }
    return true;
}

bool report_extras_check(op_ctx *op, const report_write *w, errs *e)
{
    bool ok = true;
    for (int i = 0; i < REPORT_REMARKS; i++)
        ok &= extra_ok(op, w->remarks[i], REPORT_REMARK_MAX, true, arena_printf(op->a, "remarks.%d", i + 1), e);
    for (int i = 0; i < REPORT_SYSKEYS; i++)
        ok &= extra_ok(op, w->system_keys[i], REPORT_SYSKEY_MAX, false, arena_printf(op->a, "system_key.%d", i + 1), e);
    return ok;
}

/* The remarks and system keys as arguments: create: the value or ""; update: the value or NULL (keep). */
static void extra_args(const report_write *w, bool create, db_arg *out)
{
    for (int i = 0; i < REPORT_REMARKS + REPORT_SYSKEYS; i++) {
        const char *v = i < REPORT_REMARKS ? w->remarks[i] : w->system_keys[i - REPORT_REMARKS];
        out[i] = v ? DB_STR(v) : create ? DB_STR("") : DB_NULLARG;
    }
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

/* A slot for every cluster of the definition, holding the stored values
 * (reports.vals text; NULL for a new report).  false when the text does
 * not parse (logged). */
static bool load(work *w, const char *vals)
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
    qsort(w->s, (size_t)w->n, sizeof *w->s, slot_cmp);
    if (!rvals_parse(op->a, vals, &w->before)) {
        log_error("req id=%s tenant=%s: a report's stored values do not parse", op->req_id, op->tenant->code);
        return false;
    }
    for (int i = 0; i < w->before.n; i++) {
        slot *sl = find(w, w->before.v[i].sheet, w->before.v[i].cluster);
        if (sl) {
            sl->stored = &w->before.v[i];
            sl->old = sl->value = sl->stored->value;
            sl->gps = sl->stored->gps;
        }
    }
    return true;
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
    return tz_show(op->a, tenant_zone(op->tenant), utc, TZ_SHOW_RFC3339);
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

/* One instant as the API shows it ("2026-12-05T00:30:00Z") and as
 * DATETIME(3) text for the rows ("2026-12-05 00:30:00.123"). */
typedef struct instant {
    const char *iso, *sql;
    long long ms;   /* milliseconds since 1970, UTC */
} instant;

static instant instant_now(op_ctx *op)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return (instant){.iso = arena_strdup(op->a, b),
                     .sql = arena_printf(op->a, "%.10s %.8s.%03ld", b, b + 11, ts.tv_nsec / 1000000),
                     .ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000};
}

static const char *iso_now(op_ctx *op)
{
    return instant_now(op).iso;
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
    cdate_format(tz_today(tenant_zone(op->tenant)), today);   /* "today" bounds are the customer's day */
    value_ctx vc = {.today = today};
    for (int i = 0; i < wr->nvalues; i++) {
        const report_value_in *in = &wr->values[i];
        slot *sl = find(w, in->sheet, in->cluster);
        if (!sl) {
            errs_add(e, where(op, in->sheet, in->cluster), "unknown_cluster");
            continue;
        }
        if (value_server_computed(sl->c->type))
            continue;   /* the server fills these; what was sent is ignored */
        if (value_read_only(sl->c->type)) {
            /* labels, attachments and sign-offs are set elsewhere: sending
             * what is stored is harmless, anything else (even "") is refused */
            if (strcmp(in->value ? in->value : "", sl->old ? sl->old : ""))
                errs_add(e, where(op, in->sheet, in->cluster), "read_only");
            continue;
        }
        const char *canon = NULL;
        bool oon = false;
        const char *code = value_check(op->a, sl->c, in->value, &vc, &canon, &oon);
        if (code) {
            errs_add(e, where(op, in->sheet, in->cluster), code);
            continue;
        }
        if (!wr->force && sl->c->lock_after_save && sl->old && *sl->old && strcmp(sl->old, canon)) {
            errs_add(e, where(op, in->sheet, in->cluster), "locked_after_save");
            continue;
        }
        /* a value drawn from master data must be a live record of it; a
         * MasterSelect also fills its linked clusters from that record */
        const char *master = def_param_get(sl->c, "master");
        if (master && *canon && (sl->c->type == CT_SELECT || sl->c->type == CT_MASTER_SELECT)) {
            bool gone = false;
            if (!masters_field(op, master, canon, NULL, &gone)) {
                errs_add(e, where(op, in->sheet, in->cluster), gone ? "master_unavailable" : "not_in_items");
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

/* The values after the write: a changed (or newly located) value is
 * stamped with now and the user; the others stay as stored.  Values that
 * were never set and are empty are not kept. */
static void settle(work *w, const char *now, rvals *after)
{
    op_ctx *op = w->op;
    memset(after, 0, sizeof *after);
    after->cap = w->n + 1;
    after->v = arena_calloc(op->a, (size_t)after->cap, sizeof *after->v);
    for (int i = 0; i < w->n; i++) {   /* slots are in sheet and cluster order: appended in order */
        slot *sl = &w->s[i];
        const char *nv = sl->value ? sl->value : "";
        bool changed = strcmp(sl->old ? sl->old : "", nv) || (sl->submitted && sl->gps);
        if (!changed && sl->stored) {
            after->v[after->n++] = *sl->stored;
        } else if (changed) {
            after->v[after->n++] = (rvalue){.sheet = sl->c->sheet_no, .cluster = sl->c->id, .value = nv, .at = now,
                                            .by = op->user->login, .gps = sl->gps, .oon = sl->out_of_normal};
        }
    }
}

/* The report as the API answers it, made from what was just written (no
 * reading back): a new report has no attachments, and at most the
 * approval it applied for. */
static const char *new_report_json(op_ctx *op, const report_write *wr, const char *name, const char *number,
                                   const char *status, bool applied, const char *now, const rvals *after)
{
    buf b;
    buf_init(&b, op->a);
    buf_adds(&b, "{\"id\":");
    jx_buf_str(&b, wr->id);
    buf_printf(&b, ",\"definition_id\":%lld,\"definition_revision\":%d,\"name\":", wr->definition_id,
               wr->definition_revision);
    jx_buf_str(&b, name);
    buf_adds(&b, ",\"number\":");
    jx_buf_str(&b, number);
    buf_adds(&b, ",\"status\":");
    jx_buf_str(&b, status);
    buf_printf(&b, ",\"stage\":%s,\"rev\":1,\"created_at\":", applied ? "1" : "null");
    jx_buf_str(&b, now);
    buf_adds(&b, ",\"created_by\":");
    jx_buf_str(&b, op->user->login);
    buf_adds(&b, ",\"updated_at\":");
    jx_buf_str(&b, now);
    buf_adds(&b, ",\"updated_by\":");
    jx_buf_str(&b, op->user->login);
    for (int k = 0; k < 2; k++) {   /* "remarks": {"1": "…"}, "system_keys": {…}: the ones set */
        buf_adds(&b, k ? ",\"system_keys\":{" : ",\"remarks\":{");
        bool first = true;
        for (int i = 0; i < (k ? REPORT_SYSKEYS : REPORT_REMARKS); i++) {
            const char *v = k ? wr->system_keys[i] : wr->remarks[i];
            if (!v || !*v)
                continue;
            buf_printf(&b, "%s\"%d\":", first ? "" : ",", i + 1);
            jx_buf_str(&b, v);
            first = false;
        }
        buf_addc(&b, '}');
    }
    buf_adds(&b, ",\"values\":");
    rvals_api_text(&b, after);
    buf_adds(&b, ",\"attachments\":[],\"approvals\":[");
    if (applied) {
        buf_adds(&b, "{\"stage\":1,\"action\":\"apply\",\"user\":");
        jx_buf_str(&b, op->user->login);
        buf_adds(&b, ",\"user_name\":");
        jx_buf_str(&b, op->user->name);
        buf_adds(&b, ",\"comment\":null,\"at\":");
        jx_buf_str(&b, now);
        buf_addc(&b, '}');
    }
    buf_adds(&b, "]}");
    return b.data;
}

op_result report_create(op_ctx *op, const report_write *wr, errs *e, refusal *why, const char **json)
{
    memset(why, 0, sizeof *why);
    if (json)
        *json = NULL;
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
    if (!load(&w, NULL))
        return OP_ERROR;
    instant t = instant_now(op);
    const char *now = t.iso;
    bool extras = report_extras_check(op, wr, e);
    if (!apply(&w, wr, NULL, op->user->name, now, e) || !extras)
        return OP_INVALID;
    db_conn *db = op->tenant->db;
    const char *number = NULL;
    db_status st = DB_OK;
    if (d->has_autonumber)
        st = number_next(op, wr->definition_id, d, &number);
    bool stages = d->nstages > 0, applied = wr->complete && stages;
    const char *name = wr->name ? wr->name : number ? arena_printf(op->a, "%s %s", d->name, number) : d->name;
    const char *status = !wr->complete ? "editing" : stages ? "applying" : "completed";
    rvals after;
    settle(&w, now, &after);
    if (st == DB_OK) {
        db_arg a[14 + REPORT_REMARKS + REPORT_SYSKEYS] = {
            DB_STR(wr->id), DB_INT(wr->definition_id), DB_INT(wr->definition_revision), DB_STR(name), DB_STR(number),
            DB_STR(status), applied ? DB_INT(1) : DB_NULLARG, applied ? DB_INT(op->user->id) : DB_NULLARG,
            DB_INT(op->user->id), DB_STR(t.sql), DB_STR(op->user->device_id), DB_INT(op->user->id), DB_STR(t.sql),
            DB_STR(rvals_text(op->a, &after))};
        extra_args(wr, true, a + 14);
        st = db_query(db, op->a,
                      "INSERT INTO reports (id, definition_id, definition_revision, name, number, status, stage, applicant_id, "
                      "rev, created_by, created_at, created_device, updated_by, updated_at, vals, "
                      "remarks1, remarks2, remarks3, remarks4, remarks5, remarks6, remarks7, remarks8, remarks9, remarks10, "
                      "system_key1, system_key2, system_key3, system_key4, system_key5) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      a, sizeof a / sizeof a[0], NULL, NULL);
    }
    if (st == DB_DUP)
        return refuse(why, REF_CONFLICT, "report_exists", "A report with this id exists already; update it with PUT.");
    long long seq = st == DB_OK ? (long long)db_insert_id(db) : 0;
    if (st == DB_OK)
        st = rvals_index(op, d, (rsearch_key){wr->definition_id, t.ms, seq}, NULL, &after);
    /* no history row: the create is one event, which the report's row is
     * (created_at, created_by, created_device; report_history shows it) */
    if (st == DB_OK && applied)
        st = db_query(db, op->a,
                      "INSERT INTO report_approvals (report_id, stage, action, user_id, at) VALUES (?, 1, 'apply', ?, ?)",
                      DB_ARGS(DB_STR(wr->id), DB_INT(op->user->id), DB_STR(t.sql)), NULL, NULL);
    if (st == DB_OK && applied)
        st = audit_log(op, NULL, "report.apply", "report", wr->id, AUDIT_OK, "stage 1");
    if (st == DB_OK && json)
        *json = new_report_json(op, wr, name, number, status, applied, now, &after);
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

/* The history's changes (rvals_changes' JSON, or NULL) with the remarks wr
 * changes added, {"r": N, "o": old, "n": new} each ("" for none); rows'
 * columns col .. col + 9 hold the stored remarks.  NULL when nothing
 * changed. */
static const char *remark_changes(op_ctx *op, const char *changes, const report_write *wr, const db_rows *rows, int col)
{
    buf b;
    buf_init(&b, op->a);
    if (changes)
        buf_add(&b, changes, strlen(changes) - 1);   /* without its "]" */
    for (int i = 0; i < REPORT_REMARKS; i++) {
        const char *old = db_cell(rows, 0, (size_t)(col + i)), *nw = wr->remarks[i];
        if (!old)
            old = "";
        if (!nw || !strcmp(old, nw))
            continue;
        buf_adds(&b, b.len ? "," : "[");
        buf_printf(&b, "{\"r\":%d,\"o\":", i + 1);
        jx_buf_str(&b, old);
        buf_adds(&b, ",\"n\":");
        jx_buf_str(&b, nw);
        buf_addc(&b, '}');
    }
    if (!b.len)
        return NULL;
    buf_addc(&b, ']');
    return b.data;
}

op_result report_update(op_ctx *op, const char *id, int if_match, const report_write *wr, errs *e, refusal *why)
{
    memset(why, 0, sizeof *why);
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a,
                            "SELECT definition_id, definition_revision, rev, status, created_by, "
                            "(SELECT name FROM users WHERE id = created_by), DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
                            "applicant_id, seq, vals, " REPORT_EXTRA_SELECT("") ", " RSEARCH_CREATED_MS " FROM reports WHERE id = ? AND "
                            "deleted_at IS NULL FOR UPDATE",
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
    res = wr->force ? OP_OK : report_check_locks(op, id, status, d, why);
    if (res != OP_OK)
        return res;
    work w = {.op = op, .d = d};
    if (!load(&w, db_cell(&rows, 0, 9)))
        return OP_ERROR;
    bool extras = report_extras_check(op, wr, e);
    if (!apply(&w, wr, id, db_cell(&rows, 0, 5), db_cell(&rows, 0, 6), e) || !extras)
        return OP_INVALID;
    bool stages = d->nstages > 0;
    const char *nstatus = status;
    if (wr->complete)
        nstatus = stages ? "applying" : "completed";
    if (wr->complete && stages)   /* applying again: earlier sign-offs no longer hold */
        for (int i = 0; i < w.n; i++)
            if (w.s[i].c->type == CT_APPROVE)
                w.s[i].value = "";
    instant t = instant_now(op);
    rvals after;
    settle(&w, t.iso, &after);
    const char *changes = remark_changes(op, rvals_changes(op->a, &w.before, &after), wr, &rows, 10);
    rsearch_key key = {def_id, atoll(db_cell(&rows, 0, 10 + REPORT_REMARKS + REPORT_SYSKEYS)), atoll(db_cell(&rows, 0, 8))};
    st = rvals_index(op, d, key, &w.before, &after);
    if (st == DB_OK)
        st = report_event(op, id, rev + 1, "update", changes);
    if (st == DB_OK && wr->complete && stages)
        st = audit_log(op, NULL, "report.apply", "report", id, AUDIT_OK, "stage 1");
    if (st == DB_OK) {
        db_arg a[8 + REPORT_REMARKS + REPORT_SYSKEYS + 1] = {
            DB_STR(wr->name), DB_STR(nstatus), DB_INT(wr->complete && stages), DB_INT(wr->complete && stages),
            DB_INT(op->user->id), DB_INT(op->user->id), DB_STR(t.sql), DB_STR(rvals_text(op->a, &after))};
        extra_args(wr, false, a + 8);
        a[8 + REPORT_REMARKS + REPORT_SYSKEYS] = DB_STR(id);
        st = db_query(db, op->a,
                      "UPDATE reports SET rev = rev + 1, name = COALESCE(?, name), status = ?, stage = IF(?, 1, stage), "
                      "applicant_id = IF(?, ?, applicant_id), updated_by = ?, updated_at = ?, vals = ?, "
                      "remarks1 = COALESCE(?, remarks1), remarks2 = COALESCE(?, remarks2), remarks3 = COALESCE(?, remarks3), "
                      "remarks4 = COALESCE(?, remarks4), remarks5 = COALESCE(?, remarks5), remarks6 = COALESCE(?, remarks6), "
                      "remarks7 = COALESCE(?, remarks7), remarks8 = COALESCE(?, remarks8), remarks9 = COALESCE(?, remarks9), "
                      "remarks10 = COALESCE(?, remarks10), system_key1 = COALESCE(?, system_key1), "
                      "system_key2 = COALESCE(?, system_key2), system_key3 = COALESCE(?, system_key3), "
                      "system_key4 = COALESCE(?, system_key4), system_key5 = COALESCE(?, system_key5) WHERE id = ?",
                      a, 8 + REPORT_REMARKS + REPORT_SYSKEYS + 1, NULL, NULL);
    }
    if (st == DB_OK && wr->complete && stages)
        st = db_query(db, op->a,
                      "INSERT INTO report_approvals (report_id, stage, action, user_id, at) VALUES (?, 1, 'apply', ?, ?)",
                      DB_ARGS(DB_STR(id), DB_INT(op->user->id), DB_STR(t.sql)), NULL, NULL);
    return st == DB_OK ? OP_OK : txn_result(st);
}
