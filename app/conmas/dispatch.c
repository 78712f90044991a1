/* dispatch.c - the ConMas API's one URL: read the body, find the command,
 * check the session and the right, run it, log it. */
#include "conmas/conmas.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "http/form.h"
#include "http/response.h"
#include "tenant/audit.h"
#include "tenant/user.h"
#include "util/config.h"
#include "util/log.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Every command: name (as the original spells it), handler, session needed,
 * access-log action. */
const conmas_command conmas_commands[] = {
    {"Login", conmas_login, false, "login"},
    {"Logout", conmas_logout, true, "logout"},
    {"GetDefinitionList", conmas_definition_list, true, "conmas.get_definition_list"},
    {"GetDefinitionDetail", conmas_definition_detail, true, "conmas.get_definition_detail"},
    {"GetReportList", conmas_report_list, true, "conmas.get_report_list"},
    {"GetReportDetail", conmas_report_detail, true, "conmas.get_report_detail"},
    {"GetReportFile", conmas_report_file, true, "conmas.get_report_file"},
    {"GetMasterRecordList", conmas_master_records, true, "conmas.get_master_record_list"},
    {"AutoGenerate", conmas_auto_generate, true, "conmas.auto_generate"},
    {"UpdateReport", conmas_update_report, true, "conmas.update_report"},
    {"DownloadCsv", conmas_download_csv, true, "conmas.download_csv"},
    {NULL, NULL, false, NULL},
};

const char *conmas_field(conmas_call *c, const char *name)
{
    const char *v = c->fields ? form_get(c->fields, name) : NULL;
    return v ? v : req_query(c->r, name);
}

const char *conmas_need(conmas_call *c, const char *name)
{
    const char *v = conmas_field(c, name);
    if (v && *v)
        return v;
    conmas_error(c, CM_FIELD_MISSING, arena_printf(c->r->a, "The field \"%s\" is required.", name));
    return NULL;
}

bool conmas_int(conmas_call *c, const char *name, long long lo, long long hi, long long dflt, long long *out)
{
    const char *v = conmas_field(c, name);
    *out = dflt;
    if (!v || !*v)
        return true;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (*end || end == v || n < lo || n > hi || strlen(v) > 20) {
        conmas_error(c, CM_FIELD_INVALID,
                     arena_printf(c->r->a, "The field \"%s\" must be a whole number from %lld to %lld.", name, lo, hi));
        return false;
    }
    *out = n;
    return true;
}

const multipart_part *conmas_file(conmas_call *c, const char *name)
{
    const multipart_part *p = multipart_get(c->r->parts, c->r->nparts, name);
    return p && p->filename ? p : NULL;
}

/* The body's fields: urlencoded, or the text parts of a multipart body
 * (files stay in r->parts).  false after answering 400 / 413. */
static bool read_fields(conmas_call *c)
{
    request *r = c->r;
    form *f = arena_calloc(r->a, 1, sizeof *f);
    c->fields = f;
    r->form = f;
    if (!r->has_body)
        return true;
    int st;
    if (str_starts(r->content_type, "multipart/form-data")) {
        char err[200];
        st = req_body(r, r->op.cfg->max_body);
        if (!st && !multipart_parse(r->a, r->content_type, r->body, r->body_len, &r->parts, &r->nparts, err, sizeof err)) {
            resp_error(r, 400, "bad_form", arena_printf(r->a, "The multipart body could not be read: %s", err));
            return false;
        }
        f->f = arena_calloc(r->a, (size_t)r->nparts + 1, sizeof *f->f);
        for (int i = 0; !st && i < r->nparts; i++)
            if (!r->parts[i].filename) {
                if (!str_utf8_valid(r->parts[i].data, r->parts[i].len) || memchr(r->parts[i].data, 0, r->parts[i].len)) {
                    resp_error(r, 400, "bad_form",
                               arena_printf(r->a, "The field \"%.64s\" is not UTF-8 text.", r->parts[i].name));
                    return false;
                }
                f->f[f->n].name = r->parts[i].name;
                f->f[f->n].value = arena_strndup(r->a, r->parts[i].data, r->parts[i].len);
                f->n++;
            }
    } else {
        st = req_form(r, f);
    }
    if (st == 413)
        resp_error(r, 413, "body_too_large", "The request body is larger than the service accepts.");
    else if (st)
        resp_error(r, 400, "bad_form", "The form body could not be read (bad escapes or text that is not UTF-8).");
    return st == 0;
}

static const conmas_command *find_command(const char *name)
{
    for (const conmas_command *k = conmas_commands; k->name; k++)
        if (!strcasecmp(k->name, name))
            return k;
    return NULL;
}

/* The session of the ASP.NET_SessionId cookie; false after answering. */
static bool signed_in(conmas_call *c)
{
    request *r = c->r;
    const char *tok = req_cookie(r, "ASP.NET_SessionId");
    if (!tok || !*tok) {
        conmas_error(c, CM_NOT_LOGGED_IN, "Not logged in: call Login first and send its ASP.NET_SessionId cookie.");
        return false;
    }
    sess_result s = session_lookup(&r->op, tok, SESS_CONMAS);
    if (s == SESS_DB_GONE) {
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        c->code = CM_UNAVAILABLE;
        return false;
    }
    if (s != SESS_OK) {
        conmas_error(c, CM_SESSION_EXPIRED, "The session has ended or is not known here; call Login again.");
        return false;
    }
    if (r->op.user->lang)
        r->lang = r->op.lang = r->op.user->lang;
    /* the right may have been taken away since Login */
    if (!perm_has(&r->op, "api", NULL)) {
        if (r->op.user->perms_failed) {   /* not a refusal: the rights could not be read */
            resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
            c->code = CM_UNAVAILABLE;
            return false;
        }
        conmas_error(c, CM_API_NOT_ALLOWED, "This user may not use the external API.");
        return false;
    }
    return true;
}

void conmas_execute(request *r)
{
    conmas_call c = {.r = r};
    if (!read_fields(&c))
        return;
    const char *name = conmas_field(&c, "command");
    if (!name || !*name) {
        conmas_error(&c, CM_COMMAND_MISSING, "The field \"command\" is missing.");
        return;   /* no user, no command: nothing for the access log */
    }
    c.command = name;
    c.cmd = find_command(name);
    if (!c.cmd) {
        conmas_error(&c, CM_UNKNOWN_COMMAND, arena_printf(r->a, "Unknown command \"%.64s\".", name));
        return;
    }
    if (c.cmd->session && !signed_in(&c)) {
        if (c.code == CM_SESSION_EXPIRED || c.code == CM_NOT_LOGGED_IN || c.code == CM_UNAVAILABLE)
            return;   /* no user known: nothing to log against */
    } else {
        c.cmd->handler(&c);
    }
    if (!r->responded) {
        log_error("req id=%s: ConMas command %s gave no answer", r->id, c.cmd->name);
        resp_error(r, 500, "internal_error", "An internal error occurred.");
        c.code = CM_INTERNAL;
    }
    /* one access-log row per call (Login and Logout write their own) */
    if (c.cmd->session && strcmp(c.cmd->name, "Logout") && r->op.user) {
        const cm_code_info *ci = c.code ? cm_code_by_number(c.code) : NULL;
        const char *detail = c.detail;
        if (ci)
            detail = arena_printf(r->a, "code %d %s%s%s", c.code, ci->name, c.detail ? ": " : "", c.detail ? c.detail : "");
        audit_result res = !c.code ? AUDIT_OK : c.code == CM_FORBIDDEN || c.code == CM_API_NOT_ALLOWED ? AUDIT_DENIED
                                                                                                     : AUDIT_FAILED;
        audit_log(&r->op, NULL, c.cmd->action, c.object_type, c.object_id, res, detail);
    }
}
