/* import.c - writing a batch of imported reports (AutoGenerate,
 * UpdateReport): see import.h.
 *
 * Each report is one transaction (txn_run, retried after a deadlock):
 *   1. its values, name, remarks, system keys and completion through
 *      report_create / report_update (the value engine, the same checks as
 *      the tablet API);
 *   2. its images (Image, Handwriting, FreeDraw clusters whose value names
 *      a file of the zip; a sign-off cluster's approvalSignImage) through
 *      attach_store_in; when the report is also completed, the completion
 *      comes after the images (a required Image cluster is then present);
 *   3. its sign-offs: Create and Inspect clusters take the given signer,
 *      date and comment; signing the Approve clusters of a stage approves
 *      that stage on the workflow, in stage order, from the stage pending
 *      (an application made in step 1 when editStatus is 4).
 * Anything refused rolls the whole report back.
 *
 * Work per report runs in a scratch arena (reset between reports); what a
 * result keeps is copied into the operation's arena.  Definitions and
 * users named in the batch are looked up once per batch.
 */
#include "reports/import.h"
#include "reports/attach.h"
#include "reports/flow.h"
#include "reports/report.h"
#include "reports/values.h"
#include "auth/perm.h"
#include "db/txn.h"
#include "forms/store.h"
#include "tenant/audit.h"
#include "tenant/quota.h"
#include "tenant/resolve.h"
#include "tenant/user.h"
#include "util/cdate.h"
#include "util/crypto.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/str.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cluster name → its place (CSV headers). */
typedef struct named {
    const char *name;
    int sheet, id;
    bool ambiguous;
} named;

/* A definition the batch uses. */
typedef struct bdef {
    long long id;
    int rev;                  /* AutoGenerate: the revision reports are created on */
    op_result res;            /* not usable: why */
    const char *code, *message;
    named *names;             /* sorted by name; built on first use */
    int nnames;
} bdef;

/* A user the batch names (createUserId, updateUser, approver). */
typedef struct buser {
    const char *key;
    bool found;
    auth_user u;
} buser;

typedef struct bctx {
    op_ctx *op;               /* the operation (its arena keeps results and these caches) */
    const imp_batch *b;
    const import_opts *o;
    bdef *defs;
    int ndefs, capdefs;
    buser *users;
    int nusers, capusers;
} bctx;

/* ---------------------------------------------------------------- caches */

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

static bdef *bdef_get(bctx *bc, long long id)
{
    for (int i = 0; i < bc->ndefs; i++)
        if (bc->defs[i].id == id)
            return &bc->defs[i];
    if (bc->ndefs == bc->capdefs) {
        int cap = bc->capdefs ? bc->capdefs * 2 : 8;
        bdef *n = arena_calloc(bc->op->a, (size_t)cap, sizeof *n);
        if (bc->ndefs)
            memcpy(n, bc->defs, (size_t)bc->ndefs * sizeof *n);
        bc->defs = n;
        bc->capdefs = cap;
    }
    bdef *d = &bc->defs[bc->ndefs++];
    memset(d, 0, sizeof *d);
    d->id = id;
    d->res = OP_OK;
    return d;
}

/* The revision new reports of definition id are made on: the latest
 * published one (a tester's newer test revision), as a tablet gets it. */
static bdef *def_for_create(bctx *bc, long long id)
{
    bdef *d = bdef_get(bc, id);
    if (d->rev || d->res != OP_OK)
        return d;
    op_ctx *op = bc->op;
    def_rev v;
    op_result res = defstore_get_for_tablet(op, id, perm_has(op, "tester", NULL), &v);
    if (res == OP_OK) {
        d->rev = v.revision;
    } else {
        d->res = res;
        d->code = "definition_not_found";
        d->message = arena_printf(op->a, "Definition %lld has no published revision for you.", id);
    }
    return d;
}

/* The name map of definition d (revision rev) for CSV headers. */
static void names_of(bctx *bc, bdef *bd, const definition *d)
{
    if (bd->names)
        return;
    int n = 0;
    for (int s = 0; s < d->nsheets; s++)
        n += d->sheets[s].nclusters;
    bd->names = arena_calloc(bc->op->a, (size_t)n + 1, sizeof *bd->names);
    for (int s = 0; s < d->nsheets; s++)
        for (int i = 0; i < d->sheets[s].nclusters; i++) {
            const def_cluster *c = &d->sheets[s].clusters[i];
            if (c->name && *c->name)
                bd->names[bd->nnames++] = (named){arena_strdup(bc->op->a, c->name), c->sheet_no, c->id, false};
        }
    qsort(bd->names, (size_t)bd->nnames, sizeof *bd->names, named_cmp);
    for (int i = 1; i < bd->nnames; i++)
        if (!strcmp(bd->names[i].name, bd->names[i - 1].name))
            bd->names[i].ambiguous = bd->names[i - 1].ambiguous = true;
}

/* The user a login (or, failing that, a unique display name) names; NULL
 * when none.  *res: OP_OK unless the database failed. */
static const auth_user *user_named(bctx *bc, const char *key, op_result *res)
{
    *res = OP_OK;
    for (int i = 0; i < bc->nusers; i++)
        if (!strcmp(bc->users[i].key, key))
            return bc->users[i].found ? &bc->users[i].u : NULL;
    op_ctx *op = bc->op;
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT id, login, name, login = ? FROM users WHERE (login = ? OR name = ?) AND enabled = 1 "
                            "ORDER BY login = ? DESC LIMIT 2",
                            DB_ARGS(DB_STR(key), DB_STR(key), DB_STR(key), DB_STR(key)), &rows, NULL);
    if (st != DB_OK) {
        *res = txn_result(st);
        return NULL;
    }
    if (bc->nusers == bc->capusers) {
        int cap = bc->capusers ? bc->capusers * 2 : 8;
        buser *n = arena_calloc(op->a, (size_t)cap, sizeof *n);
        if (bc->nusers)
            memcpy(n, bc->users, (size_t)bc->nusers * sizeof *n);
        bc->users = n;
        bc->capusers = cap;
    }
    buser *u = &bc->users[bc->nusers++];
    memset(u, 0, sizeof *u);
    u->key = arena_strdup(op->a, key);
    /* a login matches first; a display name only when one user has it */
    u->found = rows.nrows == 1 || (rows.nrows == 2 && !strcmp(db_cell(&rows, 0, 3), "1"));
    if (u->found) {
        u->u = *op->user;   /* the caller's rights: only who is recorded changes */
        u->u.id = atoll(db_cell(&rows, 0, 0));
        u->u.login = db_cell(&rows, 0, 1);
        u->u.name = db_cell(&rows, 0, 2);
        u->u.device_id = NULL;
    }
    return u->found ? &u->u : NULL;
}

/* ---------------------------------------------------------------- one report */

/* A sign-off the file asks for. */
typedef struct signoff {
    const def_cluster *c;
    bool clear;
    const char *value;        /* the sign-off JSON (when not clear) */
    const auth_user *who;     /* the signer when a user of the tenant, else NULL */
    const char *at_sql;       /* the approval time as DATETIME text */
    const char *comment;
} signoff;

/* An image the file asks for. */
typedef struct image_in {
    const def_cluster *c;
    const zip_entry *file;    /* NULL: clear */
    const char *sign_of;      /* a sign-off's stamp (approvalSignImage) */
} image_in;

typedef struct job {
    bctx *bc;
    op_ctx *op;               /* the scratch operation: bc->op with a per-report arena */
    const imp_report *in;
    import_result *out;
    char new_id[37];
} job;

static bool signoff_type(cluster_type t)
{
    return t == CT_CREATE || t == CT_INSPECT || t == CT_APPROVE;
}

static bool image_type(cluster_type t)
{
    return t == CT_IMAGE || t == CT_HANDWRITING || t == CT_FREE_DRAW;
}

static const char *where(op_ctx *op, int sheet, int cluster)
{
    return arena_printf(op->a, "%d/%d", sheet, cluster);
}

/* approvalDate: the tenant's local "yyyy/MM/dd HH:mm[:ss]" (or with '-'),
 * or an RFC 3339 time with its zone; into UTC (time_t). */
static bool approval_time(op_ctx *op, const char *s, time_t *t)
{
    if (rfc3339_parse(s, t))
        return true;
    int y, mo, d, h = 0, mi = 0, se = 0, used = 0;
    char s1, s2;
    if (sscanf(s, "%4d%c%2d%c%2d%n", &y, &s1, &mo, &s2, &d, &used) != 5 || s1 != s2 || (s1 != '/' && s1 != '-'))
        return false;
    const char *r = s + used;
    if (*r) {
        int u2 = 0;
        if (sscanf(r, "%*[ T]%2d:%2d%n", &h, &mi, &u2) != 2)
            return false;
        r += u2;
        if (*r == ':' && sscanf(r, ":%2d%n", &se, &u2) == 1)
            r += u2;
        if (*r || h > 23 || mi > 59 || se > 59)
            return false;
    }
    cdate cd;
    char day[11];
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
    if (!cdate_parse(day, &cd))
        return false;
    *t = tz_local_to_utc(tenant_zone(op->tenant), cd, h, mi, se);
    return true;
}

/* The sign-off cluster c as the file has it: *s filled, false when it
 * leaves it as it is.  Problems into e. */
static bool signoff_of(job *j, const imp_cluster *ic, const def_cluster *c, signoff *s, errs *e)
{
    op_ctx *op = j->op;
    const char *f = where(op, c->sheet_no, c->id);
    memset(s, 0, sizeof *s);
    s->c = c;
    bool sign = (ic->approver && *ic->approver) || (ic->value && !strcmp(str_trim(arena_strdup(op->a, ic->value)), "4"));
    if (ic->value && *ic->value && !sign) {
        errs_add_arg(e, f, "bad_signoff_value", ic->value);
        return false;
    }
    if (!sign) {
        s->clear = (ic->value && !*ic->value) || (!ic->value && ic->approver);
        return s->clear;
    }
    op_result res;
    const char *name = op->user->name, *login = op->user->login;
    s->who = op->user;
    if (ic->approver && *ic->approver) {
        s->who = user_named(j->bc, str_trim(arena_strdup(op->a, ic->approver)), &res);
        if (res != OP_OK) {
            errs_add(e, f, "unavailable");
            return false;
        }
        if (!s->who && !j->bc->o->force) {
            errs_add_arg(e, f, "unknown_approver", ic->approver);
            return false;
        }
        name = s->who ? s->who->name : ic->approver;   /* force: someone outside the tenant (paper-era approvals) */
        login = s->who ? s->who->login : NULL;
    }
    time_t at = time(NULL);
    if (ic->approval_date && *ic->approval_date && !approval_time(op, ic->approval_date, &at)) {
        errs_add_arg(e, f, "bad_approval_date", ic->approval_date);
        return false;
    }
    char iso[32];
    rfc3339_format(at, iso);
    struct tm tm;
    gmtime_r(&at, &tm);
    char sqlt[24];
    strftime(sqlt, sizeof sqlt, "%Y-%m-%d %H:%M:%S", &tm);
    s->at_sql = arena_strdup(op->a, sqlt);
    s->comment = ic->approver_comment && *ic->approver_comment ? ic->approver_comment : NULL;
    json_object *o = json_object_new_object();
    jx_add_str(o, "user", login);
    jx_add_str(o, "name", name);
    jx_add_str(o, "at", iso);
    jx_add_str(o, "comment", s->comment);
    /* a stamp image sent with it: drawn instead of the round stamp while this sign-off holds */
    const zip_entry *img = ic->sign_image && *ic->sign_image ? import_file(j->bc->b, ic->sign_image) : NULL;
    if (img) {
        unsigned char h[32];
        char hex[65];
        crypto_sha256(img->data, img->len, h);
        str_hex(h, 32, hex);
        hex[64] = '\0';
        jx_add_str(o, "stamp", hex);
    }
    s->value = arena_strdup(op->a, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return true;
}

/* Do two sign-off values name the same signer ("user" and "name")? */
static bool same_signer(const char *a, const char *b)
{
    if (!*a || !*b)
        return false;
    json_object *x = json_tokener_parse(a), *y = json_tokener_parse(b), *v;
    const char *k[2] = {"user", "name"};
    bool same = x && y;
    for (int i = 0; same && i < 2; i++) {
        const char *p = json_object_object_get_ex(x, k[i], &v) && v ? json_object_get_string(v) : "";
        const char *q = json_object_object_get_ex(y, k[i], &v) && v ? json_object_get_string(v) : "";
        same = !strcmp(p, q);
    }
    json_object_put(x);
    json_object_put(y);
    return same;
}

static const def_stage *stage_after(const definition *d, int no)
{
    for (int i = 0; i + 1 < d->nstages; i++)
        if (d->stages[i].no == no)
            return &d->stages[i + 1];
    return NULL;
}


/* Write the sign-offs (step 3). */
static op_result write_signoffs(job *j, const char *id, const definition *d, const signoff *so, int n)
{
    op_ctx *op = j->op;
    import_result *out = j->out;
    flow_report fr;
    op_result res = flow_load(op, id, &fr, &out->why);
    if (res != OP_OK)
        return res;
    if (!flow_may_edit(op, &fr))
        return refuse(&out->why, REF_FORBIDDEN, "forbidden", "You may not edit this report.");
    rvals after = {.n = fr.vals.n, .cap = fr.vals.n};
    after.v = arena_calloc(op->a, (size_t)fr.vals.n + 1, sizeof *after.v);
    if (fr.vals.n)
        memcpy(after.v, fr.vals.v, (size_t)fr.vals.n * sizeof *after.v);
    const char *now = rvals_now(op->a), *status = fr.status;
    int stage = fr.stage;
    bool moved = false;
    /* Create and Inspect: as given; Approve: cleared only where empty already */
    for (int i = 0; i < n; i++) {
        const def_cluster *c = so[i].c;
        const rvalue *old = rvals_get(&after, c->sheet_no, c->id);
        const char *ov = old ? old->value : "";
        if (c->type == CT_APPROVE) {
            if (so[i].clear && *ov)
                errs_add(&out->e, where(op, c->sheet_no, c->id), "approval_clear_refused");
            continue;
        }
        const char *nv = so[i].clear ? "" : so[i].value;
        if (strcmp(ov, nv))
            rvals_put(op->a, &after, &(rvalue){.sheet = c->sheet_no, .cluster = c->id, .value = nv, .at = now,
                                               .by = op->user->login});
    }
    /* Approve: stage by stage, in the definition's order, from the one pending */
    typedef struct appr {
        int stage;
        const signoff *s;
    } appr;
    appr *done = arena_calloc(op->a, (size_t)d->nstages + 1, sizeof *done);
    int ndone = 0;
    for (int k = 0; k < d->nstages && !out->e.n; k++) {
        const def_stage *st = &d->stages[k];
        const signoff *first = NULL;
        bool changes = false;
        for (int i = 0; i < n; i++) {
            const char *p = def_param_get(so[i].c, "stage");
            if (so[i].c->type != CT_APPROVE || so[i].clear || !p || atoi(p) != st->no)
                continue;
            const rvalue *old = rvals_get(&after, so[i].c->sheet_no, so[i].c->id);
            if (!first)
                first = &so[i];
            /* signed already (a file sent again): the same signer is no change */
            changes |= !same_signer(old ? old->value : "", so[i].value);
        }
        if (!first || !changes)
            continue;
        if (strcmp(status, "applying") || stage != st->no) {
            errs_add_arg(&out->e, where(op, first->c->sheet_no, first->c->id), "approval_out_of_order",
                         arena_printf(op->a, "stage %d; the report is %s%s", st->no, status,
                                      !strcmp(status, "applying") ? arena_printf(op->a, " at stage %d", stage) : ""));
            break;
        }
        for (int i = 0; i < n && !j->bc->o->force; i++) {
            const char *p = def_param_get(so[i].c, "stage");
            if (so[i].c->type != CT_APPROVE || so[i].clear || !p || atoi(p) != st->no)
                continue;
            bool member = flow_in_stage_group(op, st, so[i].who, &res);
            if (res != OP_OK)
                return res;
            if (!member)
                errs_add_arg(&out->e, where(op, so[i].c->sheet_no, so[i].c->id), "approver_not_in_stage_group",
                             st->group ? st->group : "");
        }
        if (out->e.n)
            break;
        /* the stage's Approve clusters: as given, the others of the stage as the first */
        for (int s = 0; s < d->nsheets; s++)
            for (int i = 0; i < d->sheets[s].nclusters; i++) {
                const def_cluster *c = &d->sheets[s].clusters[i];
                const char *p = def_param_get(c, "stage");
                if (c->type != CT_APPROVE || !p || atoi(p) != st->no)
                    continue;
                const signoff *g = first;
                for (int x = 0; x < n; x++)
                    if (so[x].c == c && !so[x].clear)
                        g = &so[x];
                rvals_put(op->a, &after, &(rvalue){.sheet = c->sheet_no, .cluster = c->id, .value = g->value, .at = now,
                                                   .by = op->user->login});
            }
        done[ndone++] = (appr){st->no, first};
        const def_stage *next = stage_after(d, st->no);
        status = next ? "applying" : "approved";
        stage = next ? next->no : st->no;
        moved = true;
    }
    if (out->e.n)
        return OP_INVALID;
    const char *text;
    db_status dbs = flow_set_values(op, &fr, d, fr.rev + 1, "sign", &after, &text);
    if (dbs == DB_OK && (text || moved))
        dbs = db_query(op->tenant->db, op->a,
                       "UPDATE reports SET rev = rev + 1, status = ?, stage = ?, updated_by = ?, updated_at = UTC_TIMESTAMP(3), "
                       "vals = COALESCE(?, vals) WHERE id = ?",
                       DB_ARGS(DB_STR(status), stage ? DB_INT(stage) : DB_NULLARG, DB_INT(op->user->id), DB_STR(text),
                               DB_STR(fr.id)),
                       NULL, NULL);
    for (int i = 0; dbs == DB_OK && i < ndone; i++) {
        const signoff *s = done[i].s;
        dbs = db_query(op->tenant->db, op->a,
                       "INSERT INTO report_approvals (report_id, stage, action, user_id, comment, at) VALUES (?, ?, 'approve', ?, ?, ?)",
                       DB_ARGS(DB_STR(fr.id), DB_INT(done[i].stage), DB_INT(s->who ? s->who->id : op->user->id),
                               DB_STR(s->comment), DB_STR(s->at_sql)),
                       NULL, NULL);
        if (dbs == DB_OK)
            dbs = audit_log(op, NULL, "report.approve", "report", fr.id, AUDIT_OK,
                            s->who ? arena_printf(op->a, "stage %d (imported, signed by %s)", done[i].stage, s->who->login)
                                   : arena_printf(op->a, "stage %d (imported, signed by someone outside the tenant)",
                                                  done[i].stage));
    }
    return txn_result(dbs);
}

/* The report an UpdateReport names, locked: its id, revision, definition. */
static op_result find_report(job *j, const char **id, int *rev, long long *def_id, int *drev, const char **status)
{
    op_ctx *op = j->op;
    const char *k = j->in->rep_id;
    long long seq = 0;
    if (!k)
        return refuse(&j->out->why, REF_BAD_INPUT, "field_missing", "repTopId is required to update a report.");
    bool uuid = str_uuid_ok(k);
    if (!uuid) {
        char *end;
        seq = strtoll(k, &end, 10);
        if (*end || seq <= 0 || strlen(k) > 18)
            return refuse(&j->out->why, REF_BAD_INPUT, "field_invalid",
                          arena_printf(op->a, "repTopId \"%.40s\" is not a report's topId or id.", k));
    }
    db_rows rows;
    db_arg arg = uuid ? DB_STR(k) : DB_INT(seq);
    db_status st = db_query(op->tenant->db, op->a,
                            uuid ? "SELECT id, rev, definition_id, definition_revision, seq, status FROM reports WHERE id = LOWER(?) "
                                   "AND deleted_at IS NULL FOR UPDATE"
                                 : "SELECT id, rev, definition_id, definition_revision, seq, status FROM reports WHERE seq = ? "
                                   "AND deleted_at IS NULL FOR UPDATE",
                            &arg, 1, &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return refuse(&j->out->why, REF_NOT_FOUND, "not_found", "There is no such report.");
    *id = db_cell(&rows, 0, 0);
    *rev = atoi(db_cell(&rows, 0, 1));
    *def_id = atoll(db_cell(&rows, 0, 2));
    *drev = atoi(db_cell(&rows, 0, 3));
    j->out->seq = atoll(db_cell(&rows, 0, 4));
    *status = db_cell(&rows, 0, 5);
    return OP_OK;
}

static int place_cmp(const void *a, const void *b)
{
    const report_value_in *x = a, *y = b;
    return x->sheet != y->sheet ? (x->sheet < y->sheet ? -1 : 1) : (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

static db_status current_rev(op_ctx *op, const char *id, int *rev)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, "SELECT rev FROM reports WHERE id = ?", DB_ARGS(DB_STR(id)), &rows, NULL);
    if (st == DB_OK && !rows.nrows)
        st = DB_ERR;
    if (st == DB_OK)
        *rev = atoi(db_cell(&rows, 0, 0));
    return st;
}

/* One report, in txn_run's transaction (run again from scratch after a deadlock). */
static op_result write_once(void *arg)
{
    job *j = arg;
    op_ctx *op = j->op;
    const imp_report *in = j->in;
    const import_opts *o = j->bc->o;
    import_result *out = j->out;
    json_object_put(out->why.body);
    memset(&out->why, 0, sizeof out->why);
    errs_init(&out->e, op->a);
    op_result res;
    const char *id = NULL, *status = "editing";
    int rev = 0, drev = 0;
    long long def_id = 0;
    bdef *bd;
    if (!o->update) {
        if (!in->def_id)
            return refuse(&out->why, REF_BAD_INPUT, "field_missing", "defTopId is required to create a report.");
        bd = def_for_create(j->bc, in->def_id);
        if (bd->res != OP_OK)
            return bd->res == OP_NOT_FOUND ? refuse(&out->why, REF_NOT_FOUND, bd->code, bd->message) : bd->res;
        id = j->new_id;
        def_id = in->def_id;
        drev = bd->rev;
    } else {
        res = find_report(j, &id, &rev, &def_id, &drev, &status);
        if (res != OP_OK)
            return res;
        if (in->def_id && in->def_id != def_id)
            return refuse(&out->why, REF_INVALID, "definition_mismatch",
                          arena_printf(op->a, "The report is of definition %lld, not %lld.", def_id, in->def_id));
        if (in->rev && !o->force && in->rev != rev)
            return refuse(&out->why, REF_STALE, "stale_revision",
                          arena_printf(op->a, "The report is at revision %d, not %d: it changed since it was read.", rev,
                                       in->rev));
        bd = bdef_get(j->bc, def_id);
        /* recording another user as the updater takes the right to edit
         * every report of the definition (not only one's own) */
        if (op->user != j->bc->op->user && !perm_has(j->bc->op, "def.reports.edit", arena_printf(op->a, "%lld", def_id)))
            return refuse(&out->why, REF_FORBIDDEN, "forbidden",
                          "updateUser names another user: that needs the right to edit this definition's reports.");
    }
    const definition *d = report_definition(op, def_id, drev, &res);
    if (!d)
        return res == OP_NOT_FOUND ? refuse(&out->why, o->update ? REF_CONFLICT : REF_NOT_FOUND,
                                            o->update ? "definition_gone" : "definition_not_found",
                                            "The report's definition revision is not available to you.")
                                   : res;
    /* editStatus: 2 or 4 completes an editing (or rejected) report; a report
     * already completed, applying or approved stays as it is (a file
     * written out by GetReportDetail or export/xml.c comes back unchanged);
     * 3 only where the report is rejected already */
    bool editing = !strcmp(status, "editing") || !strcmp(status, "rejected");
    if (in->edit_status == 3 && strcmp(status, "rejected"))
        return refuse(&out->why, REF_INVALID, "field_invalid",
                      "editStatus 3 (rejected) is set by an approver, not by an import.");
    if (o->update && in->name && !*in->name)
        return refuse(&out->why, REF_INVALID, "field_invalid", "repTopName cannot be emptied.");
    /* the clusters: values, images, sign-offs */
    report_write w = {.id = id, .definition_id = def_id, .definition_revision = drev,
                      .name = in->name && *in->name ? in->name : NULL,
                      .complete = editing && (in->edit_status == 2 || in->edit_status == 4)};
#ifdef REPORT_REMARKS
    for (int i = 0; i < IMP_REMARKS; i++)
        w.remarks[i] = in->remarks[i];
    for (int i = 0; i < IMP_SYSKEYS; i++)
        w.system_keys[i] = in->system_keys[i];
#endif
    w.values = arena_calloc(op->a, (size_t)in->nc + 1, sizeof *w.values);
    signoff *so = arena_calloc(op->a, (size_t)in->nc + 1, sizeof *so);
    image_in *img = arena_calloc(op->a, (size_t)2 * in->nc + 1, sizeof *img);
    report_value_in *seen = arena_calloc(op->a, (size_t)in->nc + 1, sizeof *seen);
    int nso = 0, nimg = 0, nseen = 0;
    for (int i = 0; i < in->nc; i++) {
        const imp_cluster *ic = &in->c[i];
        int sheet = ic->sheet, cid = ic->cluster;
        if (ic->name) {
            names_of(j->bc, bd, d);
            named key = {.name = ic->name}, *hit = bsearch(&key, bd->names, (size_t)bd->nnames, sizeof key, named_cmp);
            if (!hit || hit->ambiguous) {
                errs_add_arg(&out->e, arena_printf(op->a, "line %d", ic->line), hit ? "ambiguous_cluster_name" : "unknown_cluster_name",
                             ic->name);
                continue;
            }
            sheet = hit->sheet;
            cid = hit->id;
        }
        seen[nseen++] = (report_value_in){.sheet = sheet, .cluster = cid};
        const def_cluster *c = def_find(d, sheet, cid);
        if (!c) {   /* the value engine lists it with every other problem */
            w.values[w.nvalues++] = (report_value_in){.sheet = sheet, .cluster = cid, .value = ic->value ? ic->value : ""};
            continue;
        }
        bool approval = (ic->approver && *ic->approver) || (ic->approval_date && *ic->approval_date) ||
                        (ic->approver_comment && *ic->approver_comment) || (ic->sign_image && *ic->sign_image);
        if (signoff_type(c->type)) {
            if (signoff_of(j, ic, c, &so[nso], &out->e))
                nso++;
            if (ic->sign_image) {
                const zip_entry *f = *ic->sign_image ? import_file(j->bc->b, ic->sign_image) : NULL;
                if (*ic->sign_image && !f)
                    errs_add_arg(&out->e, where(op, sheet, cid), "file_not_in_zip", ic->sign_image);
                else
                    img[nimg++] = (image_in){c, f, ic->sign_image};
            }
            continue;
        }
        if (approval) {
            errs_add(&out->e, where(op, sheet, cid), "not_signoff_cluster");
            continue;
        }
        if (!ic->value)
            continue;
        if (image_type(c->type)) {
            const zip_entry *f = *ic->value ? import_file(j->bc->b, ic->value) : NULL;
            if (*ic->value && !f)
                errs_add_arg(&out->e, where(op, sheet, cid), "file_not_in_zip", ic->value);
            else
                img[nimg++] = (image_in){c, f, NULL};
            continue;
        }
        w.values[w.nvalues++] = (report_value_in){.sheet = sheet, .cluster = cid, .value = ic->value};
    }
    qsort(seen, (size_t)nseen, sizeof *seen, place_cmp);
    for (int i = 1; i < nseen; i++)
        if (!place_cmp(&seen[i], &seen[i - 1]) && (i < 2 || place_cmp(&seen[i - 1], &seen[i - 2])))
            errs_add(&out->e, where(op, seen[i].sheet, seen[i].cluster), "duplicate_value");
    if (out->e.n)
        return OP_INVALID;
    /* 1. values (completing after the images when there are any) */
    bool complete_later = w.complete && nimg > 0;
    w.complete = w.complete && !complete_later;
    w.force = o->force;
    /* an update that only signs (an approver's stamp on a report under
     * approval) does not go through report_update: the applicant lock is
     * for changing values, not for approving them */
    bool values = w.nvalues || w.name || w.complete || complete_later;
    for (int i = 0; i < IMP_REMARKS; i++)
        values |= in->remarks[i] != NULL;
    for (int i = 0; i < IMP_SYSKEYS; i++)
        values |= in->system_keys[i] != NULL;
    res = !o->update ? report_create(op, &w, &out->e, &out->why, NULL)
          : values   ? report_update(op, id, rev, &w, &out->e, &out->why)
                     : OP_OK;
    if (res != OP_OK)
        return res;
    /* 2. images */
    for (int i = 0; i < nimg; i++) {
        res = img[i].file ? attach_store_in(op, id, img[i].c, img[i].file->data, img[i].file->len, o->force, &out->why)
                          : attach_clear_in(op, id, img[i].c, o->force, &out->why);
        if (res != OP_OK) {
            if (out->why.message)
                out->why.message = arena_printf(op->a, "sheet %d cluster %d%s%s: %s", img[i].c->sheet_no, img[i].c->id,
                                                img[i].file ? " " : "", img[i].file ? img[i].file->name : "",
                                                out->why.message);
            return res;
        }
    }
    if (complete_later) {
        db_status st = current_rev(op, id, &rev);
        if (st != DB_OK)
            return txn_result(st);
        report_write c = {.complete = true, .force = o->force};
        res = report_update(op, id, rev, &c, &out->e, &out->why);
        if (res != OP_OK)
            return res;
    }
    /* 3. sign-offs */
    if (nso) {
        res = write_signoffs(j, id, d, so, nso);
        if (res != OP_OK)
            return res;
    }
    /* 4. the tenant's storage quota, once the report went through (as the
     * tablet API does; the text the report brought stands for what it
     * adds, its images were counted as they were stored): refused, and the
     * whole report rolls back */
    size_t bytes = 0;
    for (int i = 0; i < in->nc; i++)
        bytes += (in->c[i].value ? strlen(in->c[i].value) : 0) + (in->c[i].approver_comment ? strlen(in->c[i].approver_comment) : 0);
    for (int i = 0; i < IMP_REMARKS; i++)
        bytes += in->remarks[i] ? strlen(in->remarks[i]) : 0;
    bool fits;
    res = quota_check(op, bytes + 256, &fits);
    if (res != OP_OK)
        return res;
    if (!fits)
        return refuse(&out->why, REF_NO_SPACE, QUOTA_CODE, QUOTA_MESSAGE);
    if (!o->update) {
        db_rows rows;
        db_status st = db_query(op->tenant->db, op->a, "SELECT seq FROM reports WHERE id = ?", DB_ARGS(DB_STR(id)), &rows, NULL);
        if (st == DB_OK && !rows.nrows)
            st = DB_ERR;
        if (st != DB_OK)
            return txn_result(st);
        out->seq = atoll(db_cell(&rows, 0, 0));
    }
    out->id = id;
    return OP_OK;
}

/* What a result keeps, copied from the scratch arena into a. */
static void keep(arena *a, import_result *r)
{
    r->why.code = r->why.code ? arena_strdup(a, r->why.code) : NULL;
    r->why.message = r->why.message ? arena_strdup(a, r->why.message) : NULL;
    json_object_put(r->why.body);
    r->why.body = NULL;
    r->id = r->id ? arena_strdup(a, r->id) : NULL;
    errs e;
    errs_init(&e, a);
    for (int i = 0; i < r->e.n && i < 50; i++) {
        e.line = r->e.e[i].line;
        errs_add_arg(&e, r->e.e[i].field ? arena_strdup(a, r->e.e[i].field) : NULL, arena_strdup(a, r->e.e[i].code),
                     r->e.e[i].arg ? arena_strdup(a, r->e.e[i].arg) : NULL);
    }
    r->e = e;
}

int import_run(op_ctx *op, const imp_batch *b, const import_opts *o, import_result *results)
{
    bctx bc = {.op = op, .b = b, .o = o};
    int written = 0;
    perm_has(op, "api", NULL);   /* the rights loaded into the operation's arena, before any scratch work */
    const auth_user *as = NULL;
    arena *scratch = arena_new();
    for (int i = 0; i < b->n; i++) {
        const imp_report *in = &b->r[i];
        import_result *out = &results[i];
        memset(out, 0, sizeof *out);
        errs_init(&out->e, op->a);
        if (in->bad_code) {
            out->res = refuse(&out->why, REF_BAD_INPUT, in->bad_code, in->bad_msg);
            continue;
        }
        /* who is recorded: the caller, createUserId (userMode 1) or updateUser */
        const char *who = !o->update && o->creator_from_file ? in->create_user : o->update ? o->update_user : NULL;
        as = NULL;
        if (who && *who && strcmp(who, op->user->login)) {
            op_result ur;
            as = user_named(&bc, who, &ur);
            if (ur != OP_OK) {
                out->res = ur;
                continue;
            }
            if (!as) {
                out->res = refuse(&out->why, REF_INVALID, "unknown_user",
                                  arena_printf(op->a, "\"%s\" is not a user of this tenant.", who));
                continue;
            }
        }   /* userMode 1 without createUserId: the caller is the creator */
        arena_reset(scratch);
        op_ctx sop = *op;
        sop.a = scratch;
        if (as)
            sop.user = (auth_user *)as;
        job j = {.bc = &bc, .op = &sop, .in = in, .out = out};
        errs_init(&out->e, scratch);
        if (!o->update && !crypto_uuid4(j.new_id)) {
            out->res = OP_ERROR;
            continue;
        }
        out->res = txn_run(op->tenant->db, op->req_id, o->update ? "report import (update)" : "report import",
                           write_once, &j);
        keep(op->a, out);
        if (out->res == OP_OK)
            written++;
    }
    arena_free(&scratch);
    return written;
}
