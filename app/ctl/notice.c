/* genbactl notice send|log: incident and service notices to registered
 * contacts, each send logged (notice_log) and audited. */
#include "ctl/ctl.h"
#include "ops/notice.h"
#include "util/str.h"
#include "tenant/code.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY_MAX (64 * 1024)
#define SUBJECT_MAX 200

static void progress(void *ctx, size_t i, size_t n)
{
    ctl_progress(ctx, "mailing contacts", (unsigned)i, (unsigned)n);
}

/* The body file ("-" = standard input), UTF-8 text; NULL after saying why. */
static char *read_body(ctl *c, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        ctl_fail(c, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *b = arena_alloc(c->a, BODY_MAX + 2);
    size_t n = fread(b, 1, BODY_MAX + 1, f);
    bool err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (err) {
        ctl_fail(c, "cannot read %s", path);
        return NULL;
    }
    if (n > BODY_MAX) {
        ctl_fail(c, "%s is larger than %d KiB", path, BODY_MAX / 1024);
        return NULL;
    }
    b[n] = '\0';
    if (n == 0 || strlen(b) != n || !str_utf8_valid(b, n)) {
        ctl_fail(c, "%s must be non-empty UTF-8 text", path);
        return NULL;
    }
    if (n >= 3 && !memcmp(b, "\xef\xbb\xbf", 3))   /* a byte order mark is not part of the text */
        b += 3;
    return b;
}

static bool subject_ok(const char *s)
{
    if (!s || !*s || !str_utf8_valid(s, strlen(s)) || str_utf8_len(s) > SUBJECT_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < ' ' || *p == 0x7f)
            return false;
    return true;
}

static int send_notice(ctl *c, int argc, char **argv)
{
    bool bad = false;
    const char *code = ctl_opt(argc, argv, "--tenant", &bad), *subject = ctl_opt(argc, argv, "--subject", &bad);
    const char *file = ctl_opt(argc, argv, "--body-file", &bad);
    bool all = ctl_flag(argc, argv, "--all");
    if (bad || !subject || !file || (!code) == (!all))
        return ctl_usage("usage: genbactl notice send --tenant CODE|--all --subject TEXT --body-file FILE");
    if (code && !tenant_code_valid(code))
        return ctl_usage("'%s' is not a tenant code", code);
    if (!subject_ok(subject))
        return ctl_usage("--subject must be 1 to %d characters of UTF-8 text on one line", SUBJECT_MAX);
    char *body = read_body(c, file);
    if (!body)
        return 1;
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    char detail[400] = "";
    notice_contact *k;
    size_t n;
    if (code) {
        db_rows t;
        if (db_query(db, c->a, "SELECT status FROM tenants WHERE code = ?", DB_ARGS(DB_STR(code)), &t, NULL) != DB_OK) {
            ctl_fail(c, "cannot read tenants: %s", db_error(db));
            goto out;
        }
        if (t.nrows == 0 || !strcmp(db_cell(&t, 0, 0), "erased")) {
            ctl_fail(c, "no tenant %s", code);
            goto out;
        }
    }
    if (notice_contacts(db, c->a, code, &k, &n) != DB_OK) {
        ctl_fail(c, "cannot read the contacts (did you run genbactl migrate?): %s", db_error(db));
        goto out;
    }
    if (n == 0) {
        ctl_fail(c, code ? "tenant %s has no registered contacts" : "no active tenant has a registered contact%s",
                 code ? code : "");
        goto out;
    }
    notice_mail *m = arena_calloc(c->a, n, sizeof *m);
    size_t tenants = 0;
    for (size_t i = 0; i < n; i++) {
        m[i].tenant_code = k[i].code;
        m[i].to = k[i].email;
        m[i].subject = subject;
        m[i].body = body;
        if (i == 0 || strcmp(k[i].code, k[i - 1].code))
            tenants++;
    }
    mail_cfg mc;
    notice_mail_cfg(&c->cfg, &mc);
    size_t failed = notice_deliver(db, c->a, &mc, c->os_user, "notice", 0, m, n, progress, c);
    for (size_t i = 0; i < n; i++)
        if (!m[i].sent)
            fprintf(stderr, "genbactl: mail to %s (tenant %s) failed: %s\n", m[i].to, m[i].tenant_code, m[i].error);
    snprintf(detail, sizeof detail, "subject \"%.200s\": %zu sent, %zu failed", subject, n - failed, failed);
    if (failed) {
        ctl_fail(c, "%zu of %zu mails failed (listed above; each attempt is in notice_log)", failed, n);
        goto out;
    }
    printf("notice sent to %zu contact%s of %zu tenant%s\n", n, n == 1 ? "" : "s", tenants, tenants == 1 ? "" : "s");
    rc = 0;
out:
    db_close(&db);
    ctl_audit(c, code, rc == 0, detail[0] ? detail : NULL);
    return rc;
}

static int show_log(ctl *c, int argc, char **argv)
{
    bool bad = false;
    const char *code = ctl_opt(argc, argv, "--tenant", &bad), *limit_s = ctl_opt(argc, argv, "--limit", &bad);
    uint64_t limit = 50;
    if (bad || (limit_s && (!str_parse_uint(limit_s, 100000, &limit) || limit == 0)))
        return ctl_usage("usage: genbactl notice log [--tenant CODE] [--limit N] [--json]");
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    db_rows r;
    db_status st = db_query(db, c->a,
                            "SELECT DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%sZ'), os_user, kind, window_id, tenant_code, "
                            "recipient, result, subject, COALESCE(detail, '') FROM notice_log "
                            "WHERE ? IS NULL OR tenant_code = ? ORDER BY id DESC LIMIT ?",
                            DB_ARGS(DB_STR(code), DB_STR(code), DB_INT(limit)), &r, NULL);
    if (st != DB_OK) {
        int rc = ctl_fail(c, "cannot read notice_log (did you run genbactl migrate?): %s", db_error(db));
        db_close(&db);
        return rc;
    }
    db_close(&db);
    if (c->json) {
        static const char *const names[] = {"at", "os_user", "kind", "window_id", "tenant", "recipient", "result",
                                            "subject", "detail"};
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < r.nrows; i++) {
            json_object *o = json_object_new_object();
            for (size_t j = 0; j < 9; j++)
                json_object_object_add(o, names[j], db_cell(&r, i, j) ? json_object_new_string(db_cell(&r, i, j)) : NULL);
            json_object_array_add(a, o);
        }
        printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
        json_object_put(a);
        return 0;
    }
    printf("%-20s %-10s %-18s %-16s %-30s %-6s %s\n", "WHEN (UTC)", "WHO", "KIND", "TENANT", "RECIPIENT", "RESULT",
           "SUBJECT / WHY");
    for (size_t i = 0; i < r.nrows; i++)
        printf("%-20s %-10s %-18s %-16s %-30s %-6s %s%s%s\n", db_cell(&r, i, 0), db_cell(&r, i, 1), db_cell(&r, i, 2),
               db_cell(&r, i, 4), db_cell(&r, i, 5), db_cell(&r, i, 6), db_cell(&r, i, 7),
               *db_cell(&r, i, 8) ? " / " : "", db_cell(&r, i, 8));
    return 0;
}

int cmd_notice(ctl *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    if (!strcmp(sub, "send"))
        return send_notice(c, argc - 1, argv + 1);
    if (!strcmp(sub, "log"))
        return show_log(c, argc - 1, argv + 1);
    return ctl_usage("usage: genbactl notice send --tenant CODE|--all --subject TEXT --body-file FILE | "
                     "notice log [--tenant CODE] [--limit N]");
}
