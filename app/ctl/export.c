/* genbactl tenant export CODE DIR and tenant erase CODE --confirm CODE: the
 * command-line side of app/ops/export.h and app/ops/erase.h. */
#include "ctl/ctl.h"
#include "ops/erase.h"
#include "ops/export.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

int ctl_tenant_export(ctl *c, int argc, char **argv)
{
    static const char *const wv[] = {NULL}, *const fl[] = {"--json", NULL};
    if (!ctl_known_options(argc, argv, wv, fl))
        return 2;
    const char *code = ctl_positional(argc, argv, wv, 0), *dir = ctl_positional(argc, argv, wv, 1);
    if (!code || !dir || ctl_positional(argc, argv, wv, 2))
        return ctl_usage("usage: genbactl tenant export CODE DIR");
    if (!ctl_keys(c))
        return 1;
    ops_env e;
    ctl_ops_env(c, &e);
    export_result r;
    char err[1024];
    bool ok = tenant_export(&e, code, dir, &r, err, sizeof err);
    if (!ok) {
        ctl_fail(c, "export of tenant %s failed: %s", code, err);
    } else if (c->json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "tenant", json_object_new_string(code));
        json_object_object_add(o, "dir", json_object_new_string(dir));
        json_object_object_add(o, "files", json_object_new_int((int)r.files));
        json_object_object_add(o, "bytes", json_object_new_int64((int64_t)r.bytes));
        json_object_object_add(o, "reports", json_object_new_int64(r.reports));
        json_object_object_add(o, "attachments", json_object_new_int64(r.attachments));
        json_object_object_add(o, "manifest_sha256", json_object_new_string(r.manifest_sha256));
        printf("%s\n", ops_json_text(o, false));
        json_object_put(o);
    } else {
        char size[32];
        str_format_size(r.bytes, size, sizeof size);
        printf("tenant %s exported to %s: %u files, %s (%lld definition revisions, %lld reports, %lld attachments, "
               "%lld seal images, %lld access log rows); manifest.json SHA-256 %s\n",
               code, dir, r.files, size, r.definitions, r.reports, r.attachments, r.seals, r.log_rows,
               r.manifest_sha256);
    }
    ctl_audit(c, code, ok, ok ? arena_printf(c->a, "to %s, manifest %s", dir, r.manifest_sha256) : err);
    return ok ? 0 : 1;
}

int ctl_tenant_erase(ctl *c, int argc, char **argv)
{
    static const char *const wv[] = {"--confirm", NULL}, *const fl[] = {"--json", NULL};
    if (!ctl_known_options(argc, argv, wv, fl))
        return 2;
    bool bad = false;
    const char *code = ctl_positional(argc, argv, wv, 0), *confirm = ctl_opt(argc, argv, "--confirm", &bad);
    if (bad || !code || ctl_positional(argc, argv, wv, 1))
        return ctl_usage("usage: genbactl tenant erase CODE --confirm CODE");
    if (!confirm || strcmp(confirm, code))
        return ctl_usage("tenant erase destroys tenant %s for good: repeat its code with --confirm %s", code, code);
    if (!ctl_keys(c))
        return 1;
    ops_env e;
    ctl_ops_env(c, &e);
    erase_result r;
    char err[1024];
    bool ok = tenant_erase(&e, code, &r, err, sizeof err);
    if (!ok) {
        ctl_fail(c, "erase of tenant %s failed: %s", code, err);
    } else if (c->json) {
        printf("%s\n", ops_json_text(r.json, true));
    } else {
        if (r.already)
            printf("tenant %s was already erased; its certificate:\n\n", code);
        printf("%scertificate SHA-256: %s\n", r.text, r.sha256);
    }
    json_object_put(r.json);
    ctl_audit(c, code, ok,
              ok ? arena_printf(c->a, "certificate #%lld, SHA-256 %s%s", r.certificate_id, r.sha256,
                                r.already ? " (already erased)" : "")
                 : err);
    return ok ? 0 : 1;
}
