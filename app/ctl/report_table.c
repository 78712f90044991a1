/* genbactl tenant report-table CODE --format csv|xlsx|xml-zip|pdf-zip [--encoding utf-8|shift_jis] [--ids ID,ID...]
 *   [--definition ID] [--status S] [--from DAY] [--to DAY] [--lang ja|en] [--as LOGIN] --out FILE|-
 *
 * Many reports as one table (export/writer.h: export_csv_table_write,
 * export_xlsx_table_write; or a zip of one XML or PDF file each,
 * export_zip_reports_write), as the system (every report of the tenant the
 * filter selects) or, with --as, as that user (what it may see: its own
 * reports and those of definitions it holds def.reports.view for), written to FILE.tmp and renamed to FILE when complete
 * (or to standard output with "-").  A summary on standard error: reports,
 * bytes, seconds, rows/s and the process's peak RSS (VmHWM). */
#include "auth/users.h"
#include "ctl/ctl.h"
#include "export/writer.h"
#include "tenant/code.h"
#include "tenant/resolve.h"
#include "tenant/user.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct rt {
    ctl *c;
    db_conn *control;
    FILE *f;
    unsigned long long bytes;
    long long done;
} rt;

static db_status control(void *ctx, db_conn **out)
{
    rt *x = ctx;
    if (!x->control)
        x->control = ctl_admin(x->c, x->c->cfg.control_db);
    *out = x->control;
    return x->control ? DB_OK : DB_GONE;
}

static bool to_file(void *ctx, const void *p, size_t n)
{
    rt *x = ctx;
    x->bytes += n;
    return fwrite(p, 1, n, x->f) == n;
}

static void step(void *ctx, long long done, long long total)
{
    rt *x = ctx;
    x->done = done;
    ctl_progress(x->c, "reports", (unsigned)done, done >= total ? (unsigned)done : (unsigned)total);
}

static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kib = atol(line + 6);
    if (f)
        fclose(f);
    return kib;
}

int ctl_tenant_report_table(ctl *c, int argc, char **argv)
{
    static const char *const with_value[] = {"--format", "--encoding", "--definition", "--status", "--from",
                                             "--to", "--lang", "--out", "--as", "--ids", NULL};
    static const char *const flags[] = {NULL};
    const char *usage = "usage: genbactl tenant report-table CODE --format csv|xlsx|xml-zip|pdf-zip [--encoding utf-8|shift_jis] [--ids ID,ID...] "
                        "[--definition ID] [--status S] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--lang ja|en] [--as LOGIN] --out FILE|-";
    if (!ctl_known_options(argc, argv, with_value, flags))
        return 2;
    const char *code = ctl_positional(argc, argv, with_value, 0);
    bool bad = false;
    const char *format = ctl_opt(argc, argv, "--format", &bad), *enc = ctl_opt(argc, argv, "--encoding", &bad),
               *def = ctl_opt(argc, argv, "--definition", &bad), *status = ctl_opt(argc, argv, "--status", &bad),
               *from = ctl_opt(argc, argv, "--from", &bad), *to = ctl_opt(argc, argv, "--to", &bad),
               *lang = ctl_opt(argc, argv, "--lang", &bad), *out = ctl_opt(argc, argv, "--out", &bad),
               *as = ctl_opt(argc, argv, "--as", &bad), *idlist = ctl_opt(argc, argv, "--ids", &bad);
    if (bad || !code || !format || !out)
        return ctl_usage("%s", usage);
    if (!tenant_code_valid(code))
        return ctl_usage("'%s' is not a tenant code", code);
    bool xlsx = !strcmp(format, "xlsx"), xmlzip = !strcmp(format, "xml-zip"), pdfzip = !strcmp(format, "pdf-zip");
    if (!xlsx && !xmlzip && !pdfzip && strcmp(format, "csv"))
        return ctl_usage("--format must be csv, xlsx, xml-zip or pdf-zip");
    if (enc && strcmp(enc, "utf-8") && strcmp(enc, "shift_jis"))
        return ctl_usage("--encoding must be utf-8 or shift_jis");
    if (enc && strcmp(format, "csv"))
        return ctl_usage("--encoding is for csv");
    const char **ids = NULL;
    int nids = 0;
    if (idlist) {   /* comma-separated; each checked by the walk (OP_INVALID) */
        ids = arena_calloc(c->a, strlen(idlist) / 2 + 2, sizeof *ids);
        for (char *p = arena_strdup(c->a, idlist), *save = NULL, *t = strtok_r(p, ",", &save); t;
             t = strtok_r(NULL, ",", &save))
            ids[nids++] = t;
        if (!nids)
            return ctl_usage("--ids needs report ids");
    }
    export_filter f = {.status = status};
    if (def && !users_parse_id(def, &f.definition))
        return ctl_usage("--definition must be a definition id");
    if (status && strcmp(status, "editing") && strcmp(status, "completed") && strcmp(status, "applying") &&
        strcmp(status, "approved") && strcmp(status, "rejected"))
        return ctl_usage("--status must be editing, completed, applying, approved or rejected");
    if ((from && !users_date_ok(from)) || (to && !users_date_ok(to)))
        return ctl_usage("--from and --to must be days, YYYY-MM-DD");
    f.from = from;
    f.to = to;
    if (lang && strcmp(lang, "ja") && strcmp(lang, "en"))
        return ctl_usage("--lang must be ja or en");
    if (!ctl_keys(c))
        return 1;

    rt x = {.c = c};
    tenant_env env = {.cfg = &c->cfg, .keys = &c->kr, .control = control, .ctx = &x};
    tenant_cache *tc = tenant_cache_new(1, &env);
    tenant_ctx *t = NULL;
    int rc = 1;
    char *tmp = NULL;
    char detail[160] = "";
    tenant_result tr = tenant_checkout(tc, c->a, code, &t);
    if (tr != TR_OK) {
        ctl_fail(c, "tenant %s: %s", code,
                 tr == TR_NOT_FOUND ? "no such tenant" : tr == TR_SUSPENDED ? "suspended" :
                 tr == TR_UNAVAILABLE ? "MariaDB cannot be reached" : tr == TR_SCHEMA_OLD ? "migrations pending (genbactl migrate)" :
                 tr == TR_SCHEMA_NEW ? "its schema is newer than this genbactl" : "cannot be opened (see the log)");
        goto done;
    }
    auth_user *user = NULL;
    if (as) {
        db_rows u;
        if (db_query(t->db, c->a, "SELECT id, login, name, is_admin FROM users WHERE login = ? AND enabled = 1",
                     DB_ARGS(DB_STR(as)), &u, NULL) != DB_OK || !u.nrows) {
            ctl_fail(c, "tenant %s has no enabled user %s", code, as);
            goto done;
        }
        user = arena_calloc(c->a, 1, sizeof *user);
        user->id = atoll(db_cell(&u, 0, 0));
        user->login = db_cell(&u, 0, 1);
        user->name = db_cell(&u, 0, 2);
        user->is_admin = !strcmp(db_cell(&u, 0, 3), "1");
        user->kind = SESS_SCRIPT;
    }
    if (!strcmp(out, "-")) {
        x.f = stdout;
    } else {
        tmp = arena_printf(c->a, "%s.tmp", out);
        if (!(x.f = fopen(tmp, "wb"))) {
            ctl_fail(c, "cannot write %s: %s", tmp, strerror(errno));
            goto done;
        }
    }
    op_ctx op = {.a = c->a, .req_id = "genbactl", .tenant = t, .user = user, .channel = "system", .client_addr = "system",
                 .user_agent = "", .lang = lang ? lang : "ja", .cfg = &c->cfg};
    export_sink sink = {to_file, &x};
    export_progress p = {.step = step, .ctx = &x};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    op_result res = xlsx     ? export_xlsx_table_write(&op, &f, ids, nids, &p, &sink)
                    : xmlzip ? export_zip_reports_write(&op, &f, ids, nids, EXPORT_ZIP_XML, NULL, &p, &sink)
                    : pdfzip ? export_zip_reports_write(&op, &f, ids, nids, EXPORT_ZIP_PDF, NULL, &p, &sink)
                             : export_csv_table_write(&op, &f, ids, nids, enc && !strcmp(enc, "shift_jis"), &p, &sink);
    if (res == OP_INVALID) {
        ctl_fail(c, "%s", ids ? "--ids holds something that is not a report id (or more than the walk takes)"
                              : "the selection holds more reports than an XLSX sheet's 1,048,575 rows");
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    bool ok = res == OP_OK && fflush(x.f) == 0 && !ferror(x.f);
    if (x.f != stdout && fclose(x.f) != 0)
        ok = false;
    x.f = NULL;
    if (!ok) {
        ctl_fail(c, "the table could not be written (%s)", res == OP_OK ? strerror(errno) : "see the log");
        goto done;
    }
    if (tmp && rename(tmp, out) != 0) {
        ctl_fail(c, "cannot rename %s to %s: %s", tmp, out, strerror(errno));
        goto done;
    }
    tmp = NULL;
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "report-table: %lld reports (%s), %llu bytes in %.2f s: %.0f rows/s; peak RSS %.1f MiB\n",
            x.done, format, x.bytes, secs, secs > 0 ? (double)x.done / secs : 0.0, (double)peak_rss_kib() / 1024.0);
    snprintf(detail, sizeof detail, "report-table %s%s, %llu bytes", format, enc ? arena_printf(c->a, " %s", enc) : "",
             x.bytes);
    rc = 0;
done:
    if (tmp)
        unlink(tmp);
    if (x.f && x.f != stdout)
        fclose(x.f);
    tenant_cache_free(&tc);
    db_close(&x.control);
    ctl_audit(c, code, rc == 0, detail[0] ? detail : NULL);
    return rc;
}
