/* genbactl tenant cancel|renew, contracts due|run: the contract rules of
 * ops/contract.h applied to the control DB. */
#include "ctl/ctl.h"
#include "ops/contract.h"
#include "ops/maint.h"
#include "tenant/code.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTRACT_ENDED_REASON "contract ended"

typedef struct row {
    long long id;
    const char *code, *name, *status, *reason;
    contract k;
} row;

static const char *const rows_sql =
    "SELECT t.id, t.code, t.name, t.status, COALESCE(t.status_reason, ''), t.plan, t.contract_months, "
    "COALESCE(t.contract_signed, DATE(t.created_at)), t.contract_start, t.contract_end, "
    "(SELECT r.end_before FROM contract_requests r WHERE r.tenant_id = t.id AND r.kind = 'renew' "
    "   AND r.end_after = t.contract_end ORDER BY r.id DESC LIMIT 1) "
    "FROM tenants t WHERE t.status IN ('active', 'suspended') AND (? IS NULL OR t.code = ?) ORDER BY t.code";

static bool fill(const db_rows *r, size_t i, row *out)
{
    memset(out, 0, sizeof *out);
    out->id = strtoll(db_cell(r, i, 0), NULL, 10);
    out->code = db_cell(r, i, 1);
    out->name = db_cell(r, i, 2);
    out->status = db_cell(r, i, 3);
    out->reason = db_cell(r, i, 4);
    contract *k = &out->k;
    if (!contract_plan_parse(db_cell(r, i, 5), &k->plan) || !cdate_parse(db_cell(r, i, 7), &k->signed_on))
        return false;
    if (!db_cell(r, i, 8) || !cdate_parse(db_cell(r, i, 8), &k->start))
        k->start = contract_start_for(k->signed_on);
    k->has_end = db_cell(r, i, 9) && cdate_parse(db_cell(r, i, 9), &k->end);
    k->months = db_cell(r, i, 6) ? atoi(db_cell(r, i, 6)) : 0;
    if (k->months <= 0) {   /* rows from before 0003: the term from the dates */
        if (k->plan == PLAN_MONTHLY)
            k->months = 1;
        else if (k->plan == PLAN_ANNUAL)
            k->months = 12;
        else
            k->months = k->has_end ? (k->end.y - k->start.y) * 12 + (k->end.m - k->start.m) + 1 : 3;
    }
    if (k->plan != PLAN_MONTHLY && !k->has_end) {   /* a fixed term always ends */
        k->has_end = true;
        k->end = contract_term_end(k->start, k->months);
    }
    k->renewed = k->plan != PLAN_MONTHLY && db_cell(r, i, 10) && cdate_parse(db_cell(r, i, 10), &k->renewed_from);
    return true;
}

/* --date D, or today in the service's local time; false after a usage error. */
static bool date_opt(ctl *c, int argc, char **argv, cdate *out)
{
    bool bad = false;
    const char *s = ctl_opt(argc, argv, "--date", &bad);
    if (bad || (s && !cdate_parse(s, out)))
        return false;
    if (!s)
        *out = cdate_today(maint_local_offset(&c->cfg));
    return true;
}

static const char *F(ctl *c, cdate d)
{
    char *s = arena_alloc(c->a, 11);
    cdate_format(d, s);
    return s;
}

static bool load_one(ctl *c, db_conn *db, const char *code, row *out)
{
    db_rows r;
    if (db_query(db, c->a, rows_sql, DB_ARGS(DB_STR(code), DB_STR(code)), &r, NULL) != DB_OK) {
        ctl_fail(c, "cannot read tenants (did you run genbactl migrate?): %s", db_error(db));
        return false;
    }
    if (r.nrows == 0) {
        ctl_fail(c, "no tenant %s (or it is not active or suspended)", code);
        return false;
    }
    if (!fill(&r, 0, out)) {
        ctl_fail(c, "tenant %s has no readable contract dates", code);
        return false;
    }
    return true;
}

/* Resume a tenant the contract job suspended once its contract runs again. */
static void resume_if_running(ctl *c, db_conn *db, const row *t, const contract *k, cdate day)
{
    if (strcmp(t->status, "suspended") || strcmp(t->reason, CONTRACT_ENDED_REASON) || contract_ended_before(k, day))
        return;
    if (db_query(db, c->a, "UPDATE tenants SET status = 'active', status_reason = NULL WHERE id = ? AND status = "
                           "'suspended' AND status_reason = ?",
                 DB_ARGS(DB_INT(t->id), DB_STR(CONTRACT_ENDED_REASON)), NULL, NULL) == DB_OK)
        printf("tenant %s resumed (its contract runs again)\n", t->code);
}

static int contract_request(ctl *c, int argc, char **argv, bool renew)
{
    const char *code = argc > 0 ? argv[0] : NULL;
    cdate day;
    bool force = renew && ctl_flag(argc, argv, "--force");
    if (!code || code[0] == '-' || !date_opt(c, argc, argv, &day))
        return ctl_usage("usage: genbactl tenant %s CODE [--date YYYY-MM-DD]%s", renew ? "renew" : "cancel",
                         renew ? " [--force]" : "");
    if (!tenant_code_valid(code))
        return ctl_usage("'%s' is not a tenant code", code);
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    char detail[300] = "";
    row t;
    contract after;
    if (!load_one(c, db, code, &t))
        goto out;
    const contract *k = &t.k;
    const char *plan = contract_plan_name(k->plan);
    contract_outcome o = renew ? contract_renew(k, day, force, &after) : contract_cancel(k, day, &after);
    const char *end = k->has_end ? F(c, k->end) : NULL, *new_end = after.has_end ? F(c, after.end) : NULL;
    switch (o) {
    case CO_BEFORE_SIGNING:
        rc = ctl_usage("the request date %s is before the contract was signed (%s)", F(c, day), F(c, k->signed_on));
        goto out;
    case CO_ENDED:
        ctl_fail(c, "the %s contract of %s ended on %s%s", plan, code, end,
                 renew ? "; a renewal the provider accepts anyway: --force" : "");
        goto out;
    case CO_TOO_LATE:
        if (renew)
            ctl_fail(c, "too late: a %s must arrive by %s to take effect; the contract of %s ends on %s%s",
                     k->plan == PLAN_MONTHLY ? "withdrawal of the cancellation" : "renewal",
                     F(c, contract_deadline(k->end)), code, end, " (a renewal the provider accepts anyway: --force)");
        else
            ctl_fail(c, "too late: the renewal binds after %s; the contract of %s runs until %s",
                     F(c, contract_deadline(k->renewed_from)), code, end);
        goto out;
    case CO_UNCHANGED:
    case CO_CHANGED:
        break;
    }
    /* record the request (once: the same request again is not a new one) */
    db_rows dup;
    if (db_query(db, c->a,
                 "SELECT COUNT(*) FROM contract_requests WHERE tenant_id = ? AND kind = ? AND requested_on = ? AND "
                 "end_after <=> ?",
                 DB_ARGS(DB_INT(t.id), DB_STR(renew ? "renew" : "cancel"), DB_STR(F(c, day)), DB_STR(new_end)), &dup,
                 NULL) != DB_OK ||
        db_begin(db) != DB_OK) {
        ctl_fail(c, "cannot record the request: %s", db_error(db));
        goto out;
    }
    if ((o == CO_CHANGED &&
         db_query(db, c->a, "UPDATE tenants SET contract_end = ? WHERE id = ?", DB_ARGS(DB_STR(new_end), DB_INT(t.id)),
                  NULL, NULL) != DB_OK) ||
        (!strcmp(db_cell(&dup, 0, 0), "0") &&
         db_query(db, c->a,
                  "INSERT INTO contract_requests (tenant_id, kind, requested_on, end_before, end_after, os_user) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
                  DB_ARGS(DB_INT(t.id), DB_STR(renew ? "renew" : "cancel"), DB_STR(F(c, day)), DB_STR(end),
                          DB_STR(new_end), DB_STR(c->os_user)),
                  NULL, NULL) != DB_OK) ||
        db_commit(db) != DB_OK) {
        ctl_fail(c, "cannot record the request: %s", db_error(db));
        db_rollback(db);
        goto out;
    }
    snprintf(detail, sizeof detail, "%s requested %s: end %s -> %s", renew ? "renewal" : "cancellation", F(c, day),
             end ? end : "none", new_end ? new_end : "none");
    if (o == CO_UNCHANGED) {
        if (k->plan == PLAN_MONTHLY)
            printf(renew ? "tenant %s: the monthly contract renews by itself; nothing to change\n"
                         : "tenant %s: the monthly contract already ends on %s\n",
                   code, end);
        else if (renew)
            printf("tenant %s: the %s contract is already renewed until %s\n", code, plan, end);
        else
            printf("tenant %s: the %s contract ends at its term on %s (no renewal recorded); request of %s noted\n",
                   code, plan, end, F(c, day));
    } else if (renew) {
        if (k->plan == PLAN_MONTHLY)
            printf("tenant %s: cancellation withdrawn (request of %s); the monthly contract renews again\n", code,
                   F(c, day));
        else
            printf("tenant %s: %s contract renewed (request of %s): ends on %s instead of %s\n", code, plan, F(c, day),
                   new_end, end);
        resume_if_running(c, db, &t, &after, cdate_today(maint_local_offset(&c->cfg)));
    } else if (k->plan == PLAN_MONTHLY) {
        printf("tenant %s: cancellation of %s recorded; the contract ends on %s (last day of service)\n", code,
               F(c, day), new_end);
    } else {
        printf("tenant %s: renewal withdrawn (request of %s); the %s contract ends on %s\n", code, F(c, day), plan,
               new_end);
    }
    rc = 0;
out:
    db_close(&db);
    ctl_audit(c, code, rc == 0, detail[0] ? detail : NULL);
    return rc;
}

int cmd_tenant_contract(ctl *c, const char *sub, int argc, char **argv)
{
    return contract_request(c, argc, argv, !strcmp(sub, "renew"));
}

static const char *due_note(ctl *c, const row *t, contract_due d, cdate day)
{
    const contract *k = &t->k;
    cdate deadline = contract_deadline(day);
    if (d == DUE_RENEWS) {
        if (k->plan != PLAN_MONTHLY)
            return arena_printf(c->a, "renewed: next term ends %s", F(c, k->end));
        return cdate_cmp(day, deadline) <= 0
                   ? arena_printf(c->a, "renews by itself unless cancelled by %s", F(c, deadline))
                   : "renews by itself (a cancellation now ends it next month)";
    }
    if (k->plan == PLAN_MONTHLY)
        return "cancelled";
    return cdate_cmp(day, deadline) <= 0 ? arena_printf(c->a, "ends unless renewed by %s", F(c, deadline))
                                         : "renewal deadline passed";
}

static int due(ctl *c, int argc, char **argv)
{
    cdate day;
    if (!date_opt(c, argc, argv, &day))
        return ctl_usage("usage: genbactl contracts due [--date YYYY-MM-DD] [--json]");
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    db_rows r;
    if (db_query(db, c->a, rows_sql, DB_ARGS(DB_NULLARG, DB_NULLARG), &r, NULL) != DB_OK) {
        int rc = ctl_fail(c, "cannot read tenants (did you run genbactl migrate?): %s", db_error(db));
        db_close(&db);
        return rc;
    }
    db_close(&db);
    json_object *a = c->json ? json_object_new_array() : NULL;
    unsigned renews = 0, ends = 0;
    if (!c->json)
        printf("%-20s %-12s %-8s %-10s %-10s %s\n", "CODE", "PLAN", "DUE", "DATE", "STATUS", "NOTE");
    for (size_t i = 0; i < r.nrows; i++) {
        row t;
        cdate when;
        if (!fill(&r, i, &t)) {
            fprintf(stderr, "genbactl: tenant %s: no readable contract dates\n", db_cell(&r, i, 1));
            continue;
        }
        contract_due d = contract_due_in(&t.k, day, &when);
        if (d != DUE_RENEWS && d != DUE_ENDS)
            continue;
        if (d == DUE_RENEWS)
            renews++;
        else
            ends++;
        const char *what = d == DUE_RENEWS ? "renews" : "ends", *note = due_note(c, &t, d, day);
        if (a) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "code", json_object_new_string(t.code));
            json_object_object_add(o, "plan", json_object_new_string(contract_plan_name(t.k.plan)));
            json_object_object_add(o, "due", json_object_new_string(what));
            json_object_object_add(o, "date", json_object_new_string(F(c, when)));
            json_object_object_add(o, "status", json_object_new_string(t.status));
            json_object_object_add(o, "note", json_object_new_string(note));
            json_object_array_add(a, o);
        } else {
            printf("%-20s %-12s %-8s %-10s %-10s %s\n", t.code, contract_plan_name(t.k.plan), what, F(c, when),
                   t.status, note);
        }
    }
    if (a) {
        printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
        json_object_put(a);
    } else {
        printf("%04d-%02d: %u renew%s, %u end%s\n", day.y, day.m, renews, renews == 1 ? "s" : "", ends,
               ends == 1 ? "s" : "");
    }
    return 0;
}

/* The daily job: suspend tenants whose contract ended before the day,
 * resume those it suspended whose contract runs again. */
static int run(ctl *c, int argc, char **argv)
{
    cdate day;
    if (!date_opt(c, argc, argv, &day))
        return ctl_usage("usage: genbactl contracts run [--date YYYY-MM-DD]");
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    db_rows r;
    if (db_query(db, c->a, rows_sql, DB_ARGS(DB_NULLARG, DB_NULLARG), &r, NULL) != DB_OK) {
        int rc = ctl_fail(c, "cannot read tenants (did you run genbactl migrate?): %s", db_error(db));
        db_close(&db);
        ctl_audit(c, NULL, false, "cannot read tenants");
        return rc;
    }
    unsigned suspended = 0, resumed = 0, failed = 0;
    for (size_t i = 0; i < r.nrows; i++) {
        row t;
        if (!fill(&r, i, &t)) {
            fprintf(stderr, "genbactl: tenant %s: no readable contract dates\n", db_cell(&r, i, 1));
            failed++;
            continue;
        }
        bool ended = contract_ended_before(&t.k, day);
        const char *sql = NULL;
        if (ended && !strcmp(t.status, "active"))
            sql = "UPDATE tenants SET status = 'suspended', status_reason = ? WHERE id = ? AND status = 'active'";
        else if (!ended && !strcmp(t.status, "suspended") && !strcmp(t.reason, CONTRACT_ENDED_REASON))
            sql = "UPDATE tenants SET status = 'active', status_reason = NULL WHERE id = ? AND status = 'suspended' "
                  "AND status_reason = ? ";
        if (!sql)
            continue;
        db_status st = ended ? db_query(db, c->a, sql, DB_ARGS(DB_STR(CONTRACT_ENDED_REASON), DB_INT(t.id)), NULL, NULL)
                             : db_query(db, c->a, sql, DB_ARGS(DB_INT(t.id), DB_STR(CONTRACT_ENDED_REASON)), NULL, NULL);
        char detail[200];
        snprintf(detail, sizeof detail, "contracts run %s: %s (contract %s %s)", F(c, day),
                 ended ? "suspended" : "resumed", ended ? "ended" : "runs; end",
                 t.k.has_end ? F(c, t.k.end) : "none");
        if (st != DB_OK) {
            fprintf(stderr, "genbactl: tenant %s: cannot change its status: %s\n", t.code, db_error(db));
            failed++;
            ctl_audit(c, t.code, false, detail);
            continue;
        }
        if (ended) {
            suspended++;
            printf("tenant %s suspended: its %s contract ended on %s\n", t.code, contract_plan_name(t.k.plan),
                   F(c, t.k.end));
        } else {
            resumed++;
            printf("tenant %s resumed: its contract runs again\n", t.code);
        }
        ctl_audit(c, t.code, true, detail);
    }
    db_close(&db);
    printf("contracts run for %s: %u suspended, %u resumed, %u failed\n", F(c, day), suspended, resumed, failed);
    ctl_audit(c, NULL, failed == 0,
              arena_printf(c->a, "run for %s: %u suspended, %u resumed, %u failed", F(c, day), suspended, resumed, failed));
    return failed ? 1 : 0;
}

int cmd_contracts(ctl *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    if (!strcmp(sub, "due"))
        return due(c, argc - 1, argv + 1);
    if (!strcmp(sub, "run"))
        return run(c, argc - 1, argv + 1);
    return ctl_usage("usage: genbactl contracts due|run [--date YYYY-MM-DD]");
}
