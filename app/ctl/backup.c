/* genbactl backup run|list|verify|extract and genbactl restore: the
 * command-line side of app/ops/backup.h. */
#include "ctl/ctl.h"
#include "ops/backup.h"
#include "ops/manifest.h"
#include "ops/retention.h"
#include "util/str.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void progress(void *arg, const char *label, unsigned i, unsigned n)
{
    ctl_progress(arg, label, i, n);
}

void ctl_ops_env(ctl *c, ops_env *e)
{
    memset(e, 0, sizeof *e);
    e->cfg = &c->cfg;
    e->kr = &c->kr;
    e->a = c->a;
    e->os_user = c->os_user;
    e->progress = progress;
    e->progress_arg = c;
}

/* The first argument that is neither an option nor an option's value
 * (options taking a value are listed in with_value). */
const char *ctl_positional(int argc, char **argv, const char *const *with_value, int skip)
{
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-') {
            for (const char *const *w = with_value; *w; w++)
                if (!strcmp(argv[i], *w)) {   /* its value is not a positional (and may be missing: argv[argc]) */
                    i++;
                    break;
                }
            continue;
        }
        if (skip-- > 0)
            continue;
        return argv[i];
    }
    return NULL;
}

/* Options other than the known ones are a usage error. */
bool ctl_known_options(int argc, char **argv, const char *const *with_value, const char *const *flags)
{
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] != '-')
            continue;
        bool known = false;
        for (const char *const *w = with_value; *w && !known; w++)
            if (!strcmp(argv[i], *w)) {
                known = true;
                i++;
            }
        for (const char *const *f = flags; *f && !known; f++)
            known = !strcmp(argv[i], *f);
        if (!known) {
            ctl_usage("unknown option '%s'", argv[i]);
            return false;
        }
    }
    return true;
}

static int backup_run_cmd(ctl *c, int argc, char **argv)
{
    static const char *const wv[] = {"--now", NULL}, *const fl[] = {"--json", NULL};
    if (!ctl_known_options(argc, argv, wv, fl))
        return 2;
    bool bad = false;
    const char *now_s = ctl_opt(argc, argv, "--now", &bad);
    if (bad || ctl_positional(argc, argv, wv, 0))
        return ctl_usage("usage: genbactl backup run [--json]");
    time_t now = time(NULL);
    if (now_s) {
        /* a fake clock for the retention tests: never a production path */
        if (!c->cfg.test_hooks)
            return ctl_usage("--now is a test hook: it needs test_hooks = 1 in %s", c->cfg.path);
        if (!ops_parse_time(now_s, &now))
            return ctl_usage("--now wants a UTC time such as 2026-03-01T01:00:00Z");
    }
    if (!ctl_keys(c))
        return 1;
    /* "disk full" shows as a write error (EFBIG under a file size limit), not a signal */
    signal(SIGXFSZ, SIG_IGN);
    ops_env e;
    ctl_ops_env(c, &e);
    backup_result r;
    char err[1024];
    bool wrote = backup_run(&e, now, &r, err, sizeof err);
    char size[32];
    str_format_size(r.bytes, size, sizeof size);
    char detail[600];
    if (!wrote) {
        ctl_fail(c, "backup failed, nothing was pruned: %s", err);
        if (r.problems[0])
            fprintf(stderr, "%s\n", r.problems);
        snprintf(detail, sizeof detail, "failed: %.500s", err);
        ctl_audit(c, NULL, false, detail);
        return 1;
    }
    if (r.problems[0]) {
        for (char *line = r.problems; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            fprintf(stderr, "genbactl: %s\n", line);
            line = nl ? nl + 1 : NULL;
        }
    }
    if (c->json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "generation", json_object_new_string(r.gen));
        json_object_object_add(o, "tags", json_object_new_string(r.tags));
        json_object_object_add(o, "complete", json_object_new_boolean(r.complete));
        json_object_object_add(o, "files", json_object_new_int((int)r.files));
        json_object_object_add(o, "failed", json_object_new_int((int)r.failed));
        json_object_object_add(o, "bytes", json_object_new_int64((int64_t)r.bytes));
        json_object_object_add(o, "kept", json_object_new_int((int)r.kept));
        json_object_object_add(o, "pruned", json_object_new_int((int)r.pruned));
        json_object_object_add(o, "manifest_sha256", json_object_new_string(r.manifest_sha256));
        printf("%s\n", ops_json_text(o, false));
        json_object_put(o);
    } else if (r.failed == 0) {
        printf("backup %s (%s): %u database%s, %s, checked; %u generation%s kept, %u pruned%s\n", r.gen, r.tags,
               r.files, r.files == 1 ? "" : "s", size, r.kept, r.kept == 1 ? "" : "s", r.pruned,
               r.copy_ran ? "; copied" : "");
    } else {
        printf("backup %s (%s) is %s: %u database%s written, %u problem%s; nothing was pruned\n", r.gen, r.tags,
               r.complete ? "written but not copied" : "incomplete", r.files, r.files == 1 ? "" : "s", r.failed,
               r.failed == 1 ? "" : "s");
    }
    snprintf(detail, sizeof detail, "generation %s (%s): %u databases, %u problems, %u pruned, manifest %s", r.gen,
             r.tags, r.files, r.failed, r.pruned, r.manifest_sha256);
    ctl_audit(c, NULL, r.failed == 0, detail);
    return r.failed ? 1 : 0;
}

static int backup_list_cmd(ctl *c, int argc, char **argv)
{
    static const char *const wv[] = {"--tenant", NULL}, *const fl[] = {"--json", NULL};
    if (!ctl_known_options(argc, argv, wv, fl))
        return 2;
    bool bad = false;
    const char *tenant = ctl_opt(argc, argv, "--tenant", &bad);
    if (bad || ctl_positional(argc, argv, wv, 0))
        return ctl_usage("usage: genbactl backup list [--tenant CODE] [--json]");
    ops_env e;
    ctl_ops_env(c, &e);
    bk_gen *g;
    size_t n;
    char err[600];
    if (!manifest_list(&e, &g, &n, err, sizeof err))
        return ctl_fail(c, "%s", err);
    json_object *arr = json_object_new_array();
    if (!c->json)
        printf("%-20s %-20s %-22s %-10s %-4s %s\n", "GENERATION", "TIME", "TAGS", "SIZE", "OK", "SHA-256");
    unsigned shown = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *f = tenant ? manifest_file(g[i].m, tenant) : NULL;
        if (tenant && !f)
            continue;
        char tags[40], size[32];
        retention_tags_format(g[i].tags, tags, sizeof tags);
        uint64_t bytes = f ? (uint64_t)manifest_int(f, "bytes") : g[i].bytes;
        const char *sha = f ? manifest_str(f, "sha256") : g[i].sha256;
        str_format_size(bytes, size, sizeof size);
        shown++;
        if (c->json) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "generation", json_object_new_string(g[i].id));
            json_object_object_add(o, "run_at", json_object_new_string(manifest_str(g[i].m, "run_at")));
            json_object *t = json_object_object_get(g[i].m, "tags");
            json_object_object_add(o, "tags", t ? json_object_get(t) : json_object_new_array());
            json_object_object_add(o, "complete", json_object_new_boolean(g[i].complete));
            json_object_object_add(o, "bytes", json_object_new_int64((int64_t)bytes));
            json_object_object_add(o, tenant ? "sha256" : "manifest_sha256", json_object_new_string(sha ? sha : ""));
            json_object_object_add(o, "path", json_object_new_string(g[i].path));
            if (!tenant) {
                json_object *files = json_object_new_array(), *fa = json_object_object_get(g[i].m, "files");
                for (size_t k = 0; fa && k < json_object_array_length(fa); k++) {
                    json_object *x = json_object_array_get_idx(fa, k);
                    json_object *y = json_object_new_object();
                    const char *tn = manifest_str(x, "tenant");
                    json_object_object_add(y, "tenant", tn ? json_object_new_string(tn) : NULL);
                    json_object_object_add(y, "file", json_object_new_string(manifest_str(x, "file")));
                    json_object_object_add(y, "bytes", json_object_new_int64(manifest_int(x, "bytes")));
                    json_object_object_add(y, "sha256", json_object_new_string(manifest_str(x, "sha256")));
                    json_object_array_add(files, y);
                }
                json_object_object_add(o, "files", files);
            }
            json_object_array_add(arr, o);
        } else {
            char when[32];
            snprintf(when, sizeof when, "%s", manifest_str(g[i].m, "run_at"));
            printf("%-20s %-20s %-22s %-10s %-4s %s\n", g[i].id, when, tags, size, g[i].complete ? "yes" : "no",
                   sha ? sha : "");
        }
    }
    if (c->json)
        printf("%s\n", ops_json_text(arr, true));
    else
        printf("%u generation%s in %s\n", shown, shown == 1 ? "" : "s", c->cfg.backup_dir);
    json_object_put(arr);
    manifest_list_free(&g, n);
    return 0;
}

static int backup_verify_cmd(ctl *c, int argc, char **argv)
{
    static const char *const wv[] = {"--tenant", NULL}, *const fl[] = {"--json", NULL};
    if (!ctl_known_options(argc, argv, wv, fl))
        return 2;
    bool bad = false;
    const char *tenant = ctl_opt(argc, argv, "--tenant", &bad);
    const char *gen = ctl_positional(argc, argv, wv, 0);
    if (bad || ctl_positional(argc, argv, wv, 1))
        return ctl_usage("usage: genbactl backup verify [--tenant CODE] [GENERATION]");
    if (!ctl_keys(c))
        return 1;
    ops_env e;
    ctl_ops_env(c, &e);
    verify_item *it;
    size_t n;
    char err[1024], g[48] = "";
    bool ok = backup_verify(&e, gen, tenant, g, &it, &n, err, sizeof err);
    if (!n && !ok) {
        ctl_fail(c, "%s", err);
        ctl_audit(c, tenant, false, err);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        FILE *out = it[i].ok ? stdout : stderr;
        fprintf(out, "%s %-20s %s\n", it[i].ok ? (it[i].skipped ? "skip" : "ok  ") : "FAIL", it[i].what, it[i].msg);
    }
    if (ok)
        printf("generation %s verified: %zu file%s\n", g, n, n == 1 ? "" : "s");
    else
        ctl_fail(c, "%s", err);
    ctl_audit(c, tenant, ok, arena_printf(c->a, "generation %s", g));
    return ok ? 0 : 1;
}

static int backup_extract_cmd(ctl *c, int argc, char **argv)
{
    static const char *const wv[] = {"--tenant", NULL}, *const fl[] = {"--control", NULL};
    if (!ctl_known_options(argc, argv, wv, fl))
        return 2;
    bool bad = false;
    const char *tenant = ctl_opt(argc, argv, "--tenant", &bad);
    bool control = ctl_flag(argc, argv, "--control");
    const char *gen = ctl_positional(argc, argv, wv, 0);
    if (bad || !gen || ctl_positional(argc, argv, wv, 1) || (!tenant) == (!control))
        return ctl_usage("usage: genbactl backup extract GENERATION --tenant CODE|--control > dump.sql");
    if (isatty(1))
        return ctl_usage("backup extract writes the decrypted SQL dump to standard output: redirect it to a file");
    if (!ctl_keys(c))
        return 1;
    ops_env e;
    ctl_ops_env(c, &e);
    char err[1024];
    bool ok = backup_extract(&e, gen, tenant, 1, err, sizeof err);
    if (!ok)
        ctl_fail(c, "%s", err);
    ctl_audit(c, tenant, ok, arena_printf(c->a, "generation %s%s", gen, control ? ", control database" : ""));
    return ok ? 0 : 1;
}

int cmd_backup(ctl *c, int argc, char **argv)
{
    if (argc < 1)
        return ctl_usage("usage: genbactl backup run|list|verify|extract ...");
    const char *sub = argv[0];
    if (!strcmp(sub, "run"))
        return backup_run_cmd(c, argc - 1, argv + 1);
    if (!strcmp(sub, "list"))
        return backup_list_cmd(c, argc - 1, argv + 1);
    if (!strcmp(sub, "verify"))
        return backup_verify_cmd(c, argc - 1, argv + 1);
    if (!strcmp(sub, "extract"))
        return backup_extract_cmd(c, argc - 1, argv + 1);
    return ctl_usage("unknown backup command '%s'", sub);
}

int cmd_restore(ctl *c, int argc, char **argv)
{
    static const char *const wv[] = {"--tenant", "--as", NULL}, *const fl[] = {"--force", "--json", NULL};
    if (!ctl_known_options(argc, argv, wv, fl))
        return 2;
    bool bad = false;
    restore_opts o = {.tenant = ctl_opt(argc, argv, "--tenant", &bad), .as = ctl_opt(argc, argv, "--as", &bad),
                      .gen = ctl_positional(argc, argv, wv, 0), .force = ctl_flag(argc, argv, "--force")};
    if (bad || !o.tenant || !o.gen || ctl_positional(argc, argv, wv, 1))
        return ctl_usage("usage: genbactl restore --tenant CODE GENERATION [--as NEWCODE] [--force]");
    if (!ctl_keys(c))
        return 1;
    ops_env e;
    ctl_ops_env(c, &e);
    restore_result r;
    char err[1024];
    bool ok = backup_restore(&e, &o, &r, err, sizeof err);
    if (!ok) {
        ctl_fail(c, "restore of tenant %s from %s failed: %s", o.tenant, o.gen, err);
    } else if (c->json) {
        json_object *j = json_object_new_object();
        json_object_object_add(j, "tenant", json_object_new_string(r.code));
        json_object_object_add(j, "from", json_object_new_string(o.tenant));
        json_object_object_add(j, "generation", json_object_new_string(o.gen));
        json_object_object_add(j, "created", json_object_new_boolean(r.created));
        json_object_object_add(j, "tables", json_object_new_int((int)r.tables));
        json_object_object_add(j, "rows", json_object_new_int64(r.rows));
        json_object_object_add(j, "resealed", json_object_new_int((int)r.resealed));
        json_object_object_add(j, "schema_from", json_object_new_int(r.schema_from));
        json_object_object_add(j, "schema_to", json_object_new_int(r.schema_to));
        printf("%s\n", ops_json_text(j, false));
        json_object_put(j);
    } else if (o.as) {
        printf("tenant %s restored from %s generation %s as new tenant %s: %u tables, %lld rows, %u sealed values "
               "re-encrypted, schema %d%s%d; sessions cleared (users sign in again)\n",
               o.tenant, o.tenant, o.gen, o.as, r.tables, r.rows, r.resealed, r.schema_from,
               r.schema_from == r.schema_to ? " = " : " -> ", r.schema_to);
    } else {
        printf("tenant %s restored in place from generation %s: %u tables, %lld rows, schema %d%s%d; sessions "
               "cleared%s\n",
               o.tenant, o.gen, r.tables, r.rows, r.schema_from, r.schema_from == r.schema_to ? " = " : " -> ",
               r.schema_to, o.force ? "" : "; genbactl tenant resume when checked");
    }
    ctl_audit(c, o.tenant, ok,
              ok ? arena_printf(c->a, "generation %s%s%s", o.gen, o.as ? " as " : " in place", o.as ? o.as : "")
                 : err);
    return ok ? 0 : 1;
}
