#include "ops/notice.h"
#include "util/tz.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

void notice_mail_cfg(const genba_config *cfg, mail_cfg *out)
{
    memset(out, 0, sizeof *out);
    out->host = cfg->smtp_host;
    out->port = cfg->smtp_port;
    out->from = cfg->smtp_from;
    out->user = cfg->smtp_user;
    out->password = cfg->smtp_password;
    out->starttls = cfg->smtp_tls && !strcmp(cfg->smtp_tls, "starttls");
    out->cafile = cfg->smtp_cafile;
    out->timeout = cfg->smtp_timeout ? cfg->smtp_timeout : 30;
}

db_status notice_contacts(db_conn *db, arena *a, const char *code, notice_contact **out, size_t *n)
{
    db_rows r;
    *out = NULL;
    *n = 0;
    db_status st = db_query(db, a,
                            "SELECT t.code, t.name, c.email, t.db_name FROM tenants t JOIN tenant_contacts c ON c.tenant_id = t.id "
                            "WHERE (? IS NULL AND t.status = 'active') OR (t.code = ? AND t.status <> 'erased') "
                            "ORDER BY t.code, c.email",
                            DB_ARGS(DB_STR(code), DB_STR(code)), &r, NULL);
    if (st != DB_OK)
        return st;
    notice_contact *c = arena_calloc(a, r.nrows ? r.nrows : 1, sizeof *c);
    for (size_t i = 0; i < r.nrows; i++) {
        c[i].code = db_cell(&r, i, 0);
        c[i].name = db_cell(&r, i, 1);
        c[i].email = db_cell(&r, i, 2);
        /* the tenant's time zone (its own database's settings), read once per tenant */
        if (i > 0 && !strcmp(c[i - 1].code, c[i].code)) {
            c[i].zone = c[i - 1].zone;
            continue;
        }
        const char *dbname = db_cell(&r, i, 3);
        db_rows z;
        if (dbname && db_ident_ok(dbname) &&
            db_query(db, a, arena_printf(a, "SELECT value FROM `%s`.settings WHERE name = 'time_zone'", dbname),
                     DB_NOARGS, &z, NULL) == DB_OK && z.nrows)
            c[i].zone = tz_find(db_cell(&z, 0, 0));
        if (!c[i].zone)
            c[i].zone = tz_default();
    }
    *out = c;
    *n = r.nrows;
    return DB_OK;
}

static void log_row(db_conn *db, arena *a, const char *os_user, const char *kind, long long window_id,
                    const notice_mail *m)
{
    char subject[500], detail[1000];
    snprintf(subject, sizeof subject, "%s", m->subject);
    snprintf(detail, sizeof detail, "%s", m->sent ? "" : m->error ? m->error : "failed");
    if (db_query(db, a,
                 "INSERT INTO notice_log (os_user, kind, window_id, tenant_code, recipient, subject, result, detail) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))",
                 DB_ARGS(DB_STR(os_user), DB_STR(kind), window_id ? DB_INT(window_id) : DB_NULLARG,
                         DB_STR(m->tenant_code), DB_STR(m->to), DB_STR(subject), DB_STR(m->sent ? "sent" : "failed"),
                         DB_STR(detail)),
                 NULL, NULL) != DB_OK)
        log_warn("could not record the mail to %s in notice_log: %s", m->to, db_error(db));
}

size_t notice_deliver(db_conn *db, arena *a, const mail_cfg *mc, const char *os_user, const char *kind,
                      long long window_id, notice_mail *m, size_t n, void (*progress)(void *, size_t, size_t),
                      void *ctx)
{
    mail_session *s = NULL;
    size_t failed = 0;
    int open_failures = 0;
    char open_err[600] = "";
    for (size_t i = 0; i < n; i++) {
        char err[700];
        if (progress)
            progress(ctx, i, n);
        m[i].sent = false;
        m[i].error = NULL;
        if (!s && open_failures < 2) {
            s = mail_open(mc, open_err, sizeof open_err);
            open_failures = s ? 0 : open_failures + 1;
        }
        if (!s) {
            m[i].error = arena_strdup(a, open_err);
        } else {
            bool broken = false;
            if (mail_send(s, a, m[i].to, m[i].subject, m[i].body, err, sizeof err, &broken))
                m[i].sent = true;
            else
                m[i].error = arena_strdup(a, err);
            if (broken)
                mail_close(&s);
        }
        if (!m[i].sent)
            failed++;
        log_row(db, a, os_user, kind, window_id, &m[i]);
    }
    if (progress)
        progress(ctx, n, n);
    mail_close(&s);
    return failed;
}
