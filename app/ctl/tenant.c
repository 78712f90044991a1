/* genbactl tenant create|list|show|suspend|resume */
#include "auth/password.h"
#include "ctl/ctl.h"
#include "db/migrate.h"
#include "ops/contract.h"
#include "ops/maint.h"
#include "tenant/code.h"
#include "tenant/provision.h"
#include "util/str.h"
#include "util/tz.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool email_ok(const char *e)
{
    const char *at = strchr(e, '@');
    if (!at || at == e || !at[1] || strchr(at + 1, '@') || strlen(e) > 254 || !strchr(at + 1, '.'))
        return false;
    for (const char *p = e; *p; p++)
        if ((unsigned char)*p <= ' ' || strchr("<>()[]\\,;:\"", *p))
            return false;
    return true;
}

/* Contracts start on the first day of the month after signing (today in the
 * service's local time); fixed terms end after their months (ops/contract.h). */
static void contract_dates(ctl *c, const char *plan, unsigned months, char *signed_on, char *start, char *end)
{
    cdate today = cdate_today(maint_local_offset(&c->cfg)), s = contract_start_for(today);
    cdate_format(today, signed_on);
    cdate_format(s, start);
    end[0] = '\0';
    if (!strcmp(plan, "monthly"))
        return;
    cdate_format(contract_term_end(s, !strcmp(plan, "annual") ? 12 : (int)months), end);
}

static void undo_create(ctl *c, db_conn *db, const char *code, const char *dbname, const char *user)
{
    char *sql = arena_printf(c->a, "DROP DATABASE IF EXISTS `%s`; DROP USER IF EXISTS '%s'@'%s'", dbname, user,
                             c->cfg.db_account_host);
    db_exec_script(db, sql);
    db_use(db, c->cfg.control_db);
    db_rows r;
    db_query(db, c->a, "SELECT id FROM tenants WHERE code = ? AND status = 'provisioning'", DB_ARGS(DB_STR(code)),
             &r, NULL);
    if (r.nrows == 1) {
        db_query(db, c->a, "DELETE FROM tenant_contacts WHERE tenant_id = ?", DB_ARGS(DB_STR(db_cell(&r, 0, 0))),
                 NULL, NULL);
        db_query(db, c->a, "DELETE FROM tenants WHERE id = ?", DB_ARGS(DB_STR(db_cell(&r, 0, 0))), NULL, NULL);
    }
}

static int tenant_create(ctl *c, int argc, char **argv)
{
    bool bad = false;
    const char *code = argc > 0 ? argv[0] : NULL;
    const char *name = ctl_opt(argc, argv, "--name", &bad);
    const char *contact = ctl_opt(argc, argv, "--contact", &bad);
    const char *plan = ctl_opt(argc, argv, "--plan", &bad);
    const char *quota_s = ctl_opt(argc, argv, "--quota", &bad);
    const char *users_s = ctl_opt(argc, argv, "--users", &bad);
    const char *months_s = ctl_opt(argc, argv, "--months", &bad);
    const char *zone = ctl_opt(argc, argv, "--time-zone", &bad);
    uint64_t quota = 20ULL << 30, users = 0, months = 3;
    if (bad || !code || code[0] == '-')
        return ctl_usage("usage: genbactl tenant create CODE --name NAME --contact EMAIL "
                         "[--plan monthly|annual|multi-month] [--months N] [--quota 20GiB] [--users N] "
                         "[--time-zone Asia/Tokyo] [--json]");
    const char *why = tenant_code_problem(code);
    if (why)
        return ctl_usage("tenant code '%s' refused: %s", code, why);
    if (!name || !*name || strlen(name) > 200)
        return ctl_usage("--name is required (at most 200 characters)");
    if (!contact || !email_ok(contact))
        return ctl_usage("--contact needs a valid email address");
    if (!plan)
        plan = "monthly";
    if (strcmp(plan, "monthly") && strcmp(plan, "annual") && strcmp(plan, "multi-month"))
        return ctl_usage("--plan must be monthly, annual or multi-month");
    if (quota_s && (!str_parse_size(quota_s, &quota) || quota == 0))
        return ctl_usage("--quota must be a size such as 20GiB or 500MiB");
    if (users_s && !str_parse_uint(users_s, 1000000, &users))
        return ctl_usage("--users must be a number");
    if (months_s && (!str_parse_uint(months_s, 120, &months) || months < 2))
        return ctl_usage("--months must be 2 to 120");
    if (!zone)
        zone = TZ_DEFAULT;
    if (!tz_find(zone))
        return ctl_usage("--time-zone '%s' is not a time zone: give an IANA name such as Asia/Tokyo, "
                         "America/New_York or UTC", zone);
    if (!ctl_keys(c))
        return 1;

    char dbname[64], dbuser[64], errbuf[512];
    tenant_db_name(code, dbname, sizeof dbname);
    tenant_db_user(code, dbuser, sizeof dbuser);
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    bool inserted = false;
    db_rows rows;
    if (db_query(db, c->a, "SELECT status FROM tenants WHERE code = ?", DB_ARGS(DB_STR(code)), &rows, NULL) != DB_OK) {
        ctl_fail(c, "cannot read the control database (did you run genbactl setup?): %s", db_error(db));
        goto out;
    }
    if (rows.nrows) {
        ctl_fail(c, "tenant %s already exists (status %s)", code, db_cell(&rows, 0, 0));
        goto out;
    }
    /* secrets: a data key and the account's password, wrapped by the master key */
    unsigned char datakey[CRYPTO_KEY_LEN], pwraw[24];
    char dbpass[49], adminpw[21], hash[PASSWORD_HASH_MAX];
    unsigned char dk_w[CRYPTO_KEY_LEN + CRYPTO_SEAL_OVERHEAD], pw_w[48 + CRYPTO_SEAL_OVERHEAD];
    if (!crypto_random(datakey, sizeof datakey) || !crypto_random(pwraw, sizeof pwraw) ||
        !password_generate(adminpw, 20)) {
        ctl_fail(c, "the random number generator failed");
        goto out;
    }
    str_hex(pwraw, sizeof pwraw, dbpass);
    if (!keys_wrap(&c->kr, code, "datakey", datakey, sizeof datakey, dk_w) ||
        !keys_wrap(&c->kr, code, "dbpass", dbpass, 48, pw_w) || !password_hash(adminpw, hash, sizeof hash)) {
        ctl_fail(c, "could not wrap the tenant's keys");
        goto out;
    }
    crypto_wipe(datakey, sizeof datakey);
    char signed_on[40], start[40], end[40];
    contract_dates(c, plan, (unsigned)months, signed_on, start, end);
    if (db_query(db, c->a,
                 "INSERT INTO tenants (code, name, status, plan, quota_bytes, max_users, contract_signed, "
                 "contract_start, contract_end, contract_months, db_name, db_user, db_password_wrapped, "
                 "data_key_wrapped) VALUES (?, ?, 'provisioning', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DB_STR(code), DB_STR(name), DB_STR(plan), DB_INT(quota),
                         users ? DB_INT(users) : DB_NULLARG, DB_STR(signed_on), DB_STR(start),
                         end[0] ? DB_STR(end) : DB_NULLARG,
                         DB_INT(!strcmp(plan, "monthly") ? 1 : !strcmp(plan, "annual") ? 12 : months),
                         DB_STR(dbname), DB_STR(dbuser),
                         DB_BLOB(pw_w, sizeof pw_w), DB_BLOB(dk_w, sizeof dk_w)),
                 NULL, NULL) != DB_OK) {
        ctl_fail(c, db_errno(db) == 1062 ? "tenant %s already exists" : "cannot register tenant %s: %s", code,
                 db_error(db));
        goto out;
    }
    inserted = true;
    long long tid = (long long)db_insert_id(db);
    if (db_query(db, c->a, "INSERT INTO tenant_contacts (tenant_id, email, role) VALUES (?, ?, 'primary')",
                 DB_ARGS(DB_INT(tid), DB_STR(contact)), NULL, NULL) != DB_OK) {
        ctl_fail(c, "cannot record the contact: %s", db_error(db));
        goto out;
    }
    char *sql = arena_printf(c->a,
                             "CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
                             "CREATE USER '%s'@'%s' IDENTIFIED BY '%s'",
                             dbname, dbuser, c->cfg.db_account_host, dbpass);
    db_status st = db_exec_script(db, sql);
    memset(sql, 0, strlen(sql));
    crypto_wipe(dbpass, sizeof dbpass);
    if (st != DB_OK) {
        ctl_fail(c, "cannot create database or account for %s: %s", code, db_error(db));
        goto out;
    }
    int from, to;
    if (!provision_migrate(db, c->a, code, c->cfg.db_account_host, &from, &to, errbuf, sizeof errbuf)) {
        ctl_fail(c, "%s", errbuf);
        goto out;
    }
    if (db_query(db, c->a,
                 "INSERT INTO users (login, name, email, password_hash, must_change_password, is_admin) "
                 "VALUES ('admin', 'Administrator', ?, ?, 1, 1)",
                 DB_ARGS(DB_STR(contact), DB_STR(hash)), NULL, NULL) != DB_OK) {
        ctl_fail(c, "cannot create the first administrator: %s", db_error(db));
        goto out;
    }
    if (db_query(db, c->a, "INSERT INTO settings (name, value) VALUES ('time_zone', ?) ON DUPLICATE KEY UPDATE value = ?",
                 DB_ARGS(DB_STR(zone), DB_STR(zone)), NULL, NULL) != DB_OK) {
        ctl_fail(c, "cannot set the time zone: %s", db_error(db));
        goto out;
    }
    if (db_use(db, c->cfg.control_db) != DB_OK ||
        db_query(db, c->a, "UPDATE tenants SET status = 'active', schema_version = ? WHERE id = ?",
                 DB_ARGS(DB_INT(to), DB_INT(tid)), NULL, NULL) != DB_OK) {
        ctl_fail(c, "cannot activate tenant %s: %s", code, db_error(db));
        goto out;
    }
    rc = 0;
    if (c->json) {
        json_object *o = json_object_new_object(), *ad = json_object_new_object();
        json_object_object_add(o, "code", json_object_new_string(code));
        json_object_object_add(o, "name", json_object_new_string(name));
        json_object_object_add(o, "database", json_object_new_string(dbname));
        json_object_object_add(o, "time_zone", json_object_new_string(zone));
        json_object_object_add(ad, "login", json_object_new_string("admin"));
        json_object_object_add(ad, "password", json_object_new_string(adminpw));
        json_object_object_add(o, "admin", ad);
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
    } else {
        printf("tenant %s created (database %s, schema %d, contract from %s, time zone %s)\n", code, dbname, to,
               start, zone);
        printf("first administrator: login admin, one-time password %s (must be changed at first login)\n",
               adminpw);
    }
out:
    crypto_wipe(adminpw, sizeof adminpw);
    if (rc != 0 && inserted)
        undo_create(c, db, code, dbname, dbuser);
    db_close(&db);
    ctl_audit(c, code, rc == 0, NULL);
    return rc;
}

static const char *const show_sql =
    "SELECT code, name, status, plan, quota_bytes, contract_start, contract_end, schema_version, db_name, "
    "created_at, COALESCE(status_reason, ''), "
    "(SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables t "
    "  WHERE t.table_schema = tenants.db_name) AS used, "
    "(SELECT GROUP_CONCAT(email ORDER BY email) FROM tenant_contacts c WHERE c.tenant_id = tenants.id) "
    "FROM tenants WHERE status <> 'erased' AND (? IS NULL OR code = ?) ORDER BY code";

static json_object *row_json(const db_rows *r, size_t i)
{
    static const char *names[] = {"code", "name", "status", "plan", "quota_bytes", "contract_start",
                                  "contract_end", "schema_version", "database", "created_at", "status_reason",
                                  "used_bytes", "contacts"};
    json_object *o = json_object_new_object();
    for (size_t j = 0; j < sizeof names / sizeof names[0]; j++) {
        const char *v = db_cell(r, i, j);
        if (j == 4 || j == 7 || j == 11)
            json_object_object_add(o, names[j], json_object_new_int64(v ? atoll(v) : 0));
        else
            json_object_object_add(o, names[j], v ? json_object_new_string(v) : NULL);
    }
    return o;
}

static int tenant_list(ctl *c, const char *only)
{
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    db_rows r;
    if (db_query(db, c->a, show_sql, DB_ARGS(DB_STR(only), DB_STR(only)), &r, NULL) != DB_OK) {
        int rc = ctl_fail(c, "cannot read tenants: %s", db_error(db));
        db_close(&db);
        return rc;
    }
    db_close(&db);
    if (only && r.nrows == 0)
        return ctl_fail(c, "no tenant %s", only);
    if (c->json) {
        json_object *out = only ? row_json(&r, 0) : json_object_new_array();
        for (size_t i = 0; !only && i < r.nrows; i++)
            json_object_array_add(out, row_json(&r, i));
        printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
        json_object_put(out);
        return 0;
    }
    if (only) {
        char q[32], u[32];
        str_format_size(strtoull(db_cell(&r, 0, 4), NULL, 10), q, sizeof q);
        str_format_size(strtoull(db_cell(&r, 0, 11), NULL, 10), u, sizeof u);
        printf("code      %s\nname      %s\nstatus    %s%s%s\nplan      %s\ncontract  %s to %s\n"
               "storage   %s used of %s\nschema    %s\ndatabase  %s\ncontacts  %s\ncreated   %s\n",
               db_cell(&r, 0, 0), db_cell(&r, 0, 1), db_cell(&r, 0, 2), *db_cell(&r, 0, 10) ? ": " : "",
               db_cell(&r, 0, 10), db_cell(&r, 0, 3), db_cell(&r, 0, 5) ? db_cell(&r, 0, 5) : "-",
               db_cell(&r, 0, 6) ? db_cell(&r, 0, 6) : "(renews monthly)", u, q, db_cell(&r, 0, 7),
               db_cell(&r, 0, 8), db_cell(&r, 0, 12) ? db_cell(&r, 0, 12) : "-", db_cell(&r, 0, 9));
        return 0;
    }
    printf("%-20s %-10s %-12s %-10s %s\n", "CODE", "STATUS", "PLAN", "QUOTA", "NAME");
    for (size_t i = 0; i < r.nrows; i++) {
        char q[32];
        str_format_size(strtoull(db_cell(&r, i, 4), NULL, 10), q, sizeof q);
        printf("%-20s %-10s %-12s %-10s %s\n", db_cell(&r, i, 0), db_cell(&r, i, 2), db_cell(&r, i, 3), q,
               db_cell(&r, i, 1));
    }
    printf("%zu tenant%s\n", r.nrows, r.nrows == 1 ? "" : "s");
    return 0;
}

static int tenant_set_status(ctl *c, const char *code, const char *reason, bool suspend)
{
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    db_rows r;
    int rc = 1;
    if (db_query(db, c->a, "SELECT status FROM tenants WHERE code = ?", DB_ARGS(DB_STR(code)), &r, NULL) != DB_OK) {
        ctl_fail(c, "cannot read tenants: %s", db_error(db));
        goto out;
    }
    if (r.nrows == 0 || !strcmp(db_cell(&r, 0, 0), "erased")) {
        ctl_fail(c, "no tenant %s", code);
        goto out;
    }
    const char *cur = db_cell(&r, 0, 0), *want = suspend ? "suspended" : "active";
    if (!strcmp(cur, "provisioning")) {
        ctl_fail(c, "tenant %s is still being provisioned", code);
        goto out;
    }
    if (!strcmp(cur, want)) {
        printf("tenant %s is already %s\n", code, want);
        rc = 0;
        goto out;
    }
    if (db_query(db, c->a, "UPDATE tenants SET status = ?, status_reason = ? WHERE code = ?",
                 DB_ARGS(DB_STR(want), DB_STR(suspend ? reason : NULL), DB_STR(code)), NULL, NULL) != DB_OK) {
        ctl_fail(c, "cannot change tenant %s: %s", code, db_error(db));
        goto out;
    }
    printf("tenant %s %s\n", code, suspend ? "suspended" : "resumed");
    rc = 0;
out:
    db_close(&db);
    ctl_audit(c, code, rc == 0, reason);
    return rc;
}

int cmd_tenant(ctl *c, int argc, char **argv)
{
    if (argc < 1)
        return ctl_usage("usage: genbactl tenant create|list|show|suspend|resume|export|report-table|erase ...");
    const char *sub = argv[0];
    if (!strcmp(sub, "cancel") || !strcmp(sub, "renew"))
        return cmd_tenant_contract(c, sub, argc - 1, argv + 1);
    if (!strcmp(sub, "quota"))
        return cmd_tenant_quota(c, argc - 1, argv + 1);
    if (!strcmp(sub, "create"))
        return tenant_create(c, argc - 1, argv + 1);
    if (!strcmp(sub, "list"))
        return tenant_list(c, NULL);
    if (!strcmp(sub, "show")) {
        if (argc < 2)
            return ctl_usage("usage: genbactl tenant show CODE [--json]");
        return tenant_list(c, argv[1]);
    }
    if (!strcmp(sub, "suspend") || !strcmp(sub, "resume")) {
        if (argc < 2 || argv[1][0] == '-')
            return ctl_usage("usage: genbactl tenant %s CODE%s", sub, sub[0] == 's' ? " [--reason TEXT]" : "");
        bool bad = false;
        const char *reason = ctl_opt(argc, argv, "--reason", &bad);
        if (bad)
            return ctl_usage("--reason needs a text");
        return tenant_set_status(c, argv[1], reason, sub[0] == 's');
    }
    if (!strcmp(sub, "export"))
        return ctl_tenant_export(c, argc - 1, argv + 1);
    if (!strcmp(sub, "erase"))
        return ctl_tenant_erase(c, argc - 1, argv + 1);
    if (!strcmp(sub, "report-table"))
        return ctl_tenant_report_table(c, argc - 1, argv + 1);
    return ctl_usage("unknown tenant command '%s'", sub);
}
