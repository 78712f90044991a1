/* jobs/full.c - the customer's full export as a background job (kind
 * "tenant-export"): what genbactl tenant export writes (ops/export.h),
 * read through the tenant's own connection in one consistent snapshot,
 * then zipped into the job's sealed file.  The export's files lie in a
 * working folder under data_dir/CODE/exports (0700) for the time of the
 * job only. */
#include "jobs/job.h"
#include "jobs/run.h"
#include "ops/export.h"
#include "tenant/resolve.h"
#include "util/cdate.h"
#include "util/log.h"
#include "util/tz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void progress(void *arg, const char *label, unsigned i, unsigned n)
{
    (void)label;
    job_run *r = arg;
    r->progress(r, i, n + 1);   /* the last step: the zip */
}

static bool cancelled(void *arg)
{
    job_run *r = arg;
    return r->stop(r);
}

/* The file rel of dir into the zip, streamed. */
static bool add_file(export_zip *z, const char *dir, const char *rel, const char *prefix)
{
    char path[9000], name[9000];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    snprintf(name, sizeof name, "%s/%s", prefix, rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    const char *dot = strrchr(rel, '.');
    bool packed = dot && (!strcmp(dot, ".png") || !strcmp(dot, ".jpg"));
    bool ok = export_zip_begin(z, name, !packed);
    static unsigned char b[1 << 16];
    ssize_t n;
    while (ok && (n = read(fd, b, sizeof b)) > 0)
        ok = export_zip_write(z, b, (size_t)n);
    close(fd);
    return ok && export_zip_end(z);
}

/* Every file under dir/rel, depth first, sorted by name within a folder. */
static bool add_tree(export_zip *z, const char *dir, const char *rel, const char *prefix, job_run *r)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
    struct dirent **list;
    int n = scandir(path, &list, NULL, alphasort);
    if (n < 0)
        return false;
    bool ok = true;
    for (int i = 0; i < n; i++) {
        const char *d = list[i]->d_name;
        if (ok && strcmp(d, ".") && strcmp(d, "..")) {
            char sub[4096], p[9000];
            snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", d);
            snprintf(p, sizeof p, "%s/%s", dir, sub);
            struct stat st;
            if (lstat(p, &st) != 0)
                ok = false;
            else if (S_ISDIR(st.st_mode))
                ok = add_tree(z, dir, sub, prefix, r);
            else if (S_ISREG(st.st_mode))
                ok = !r->stop(r) && add_file(z, dir, sub, prefix);
        }
        free(list[i]);
    }
    free(list);
    return ok;
}

static void rmtree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", path, de->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                rmtree(p);
            else
                unlink(p);
        }
        closedir(d);
    }
    rmdir(path);
}

op_result job_full_export_run(job_run *r)
{
    op_ctx *op = r->op;
    tenant_ctx *t = op->tenant;
    const char *dir = jobs_file_path(op->a, op->cfg, t->code, arena_printf(op->a, "%s-%d.dir", r->j->id, r->j->attempts));
    for (int k = 1; k <= r->j->attempts; k++)   /* what runners that died left */
        rmtree(jobs_file_path(op->a, op->cfg, t->code, arena_printf(op->a, "%s-%d.dir", r->j->id, k)));
    ops_env e = {.cfg = op->cfg, .a = op->a, .os_user = "console", .progress = progress, .progress_arg = r,
                 .cancelled = cancelled};
    export_result res;
    char err[512];
    char day[11];
    cdate_format(tz_today(tenant_zone(t)), day);
    r->file_name = arena_printf(op->a, "%s-export-%s.zip", t->code, day);
    r->content_type = "application/zip";
    bool ok = tenant_export_from(&e, t->db, t->code, t->name, t->schema_version, t->datakey, dir, &res, err, sizeof err);
    if (!ok) {
        rmtree(dir);
        if (r->stop(r))
            return OP_GONE;
        log_error("job %s: the full export of %s failed: %s", r->j->id, t->code, err);
        return OP_ERROR;
    }
    export_zip *z = export_zip_new(&r->out);
    const char *prefix = arena_printf(op->a, "%s-export-%s", t->code, day);
    ok = z && add_tree(z, dir, "", prefix, r) && export_zip_finish(&z);
    export_zip_free(&z);
    rmtree(dir);
    if (!ok)
        return r->stop(r) ? OP_GONE : OP_ERROR;
    r->progress(r, 7, 7);
    return OP_OK;
}
