/* conmas.h - the ConMas i-Reporter compatible external API
 * (../shared/spec/conmas-api.md; README "For integrators").
 *
 * One URL, POST /<tenant>/ConMasAPI/Rests/APIExecute.aspx; the command is
 * the field `command` (form or query).  conmas/dispatch.c reads the body
 * (application/x-www-form-urlencoded or multipart/form-data), finds the
 * command in its table, checks the session (cookie ASP.NET_SessionId) and
 * the `api` permission, runs the handler and writes one access-log row
 * per call.  A handler answers exactly once: with an XML document
 * (conmas_reply), an error (conmas_error / conmas_refusal) or a file
 * (conmas_send_file).  Every answer is text/xml; charset=utf-8 with root
 * <conmas> (files aside), HTTP 200 also for application errors; the error
 * numbers are http/cmcodes.h's.
 *
 * Fields the original's clients send that genba gives no meaning are
 * accepted and ignored; unknown fields are ignored too.
 *
 * Everything here runs on the request's thread; strings live in the
 * request's arena.
 */
#ifndef GENBA_CONMAS_H
#define GENBA_CONMAS_H

#include <stdbool.h>
#include <stddef.h>

#include "http/cmcodes.h"
#include "http/multipart.h"
#include "http/request.h"
#include "util/buf.h"
#include "util/errs.h"

/* One call: the request, the command, and its outcome for the access log. */
typedef struct conmas_call {
    request *r;
    const struct conmas_command *cmd;
    const char *command;            /* as sent */
    struct form *fields;            /* the body's text fields (form or multipart) */
    int code;                       /* the outcome: 0, or the error number answered */
    const char *detail;             /* for the access log (short, never a secret), or NULL */
    const char *object_type, *object_id;   /* what the call was about (access log), or NULL */
} conmas_call;

typedef void (*conmas_handler)(conmas_call *c);

typedef struct conmas_command {
    const char *name;               /* "GetReportList": matched ignoring case */
    conmas_handler handler;
    bool session;                   /* needs a signed-in session (every command but Login) */
    const char *action;             /* access-log action, "conmas.get_report_list" */
} conmas_command;

/* The command table (conmas/dispatch.c) and the route's handler. */
extern const conmas_command conmas_commands[];
void conmas_execute(request *r);

/* ---- reading the call ---- */

/* A text field: the body's (form or multipart text part) first, else the
 * query string's; NULL when absent.  Surrounding spaces are kept. */
const char *conmas_field(conmas_call *c, const char *name);
/* A field that must be present and not empty: NULL after answering
 * field_missing. */
const char *conmas_need(conmas_call *c, const char *name);
/* A whole number field in [lo, hi]; absent or empty: dflt.  false after
 * answering field_invalid. */
bool conmas_int(conmas_call *c, const char *name, long long lo, long long hi, long long dflt, long long *out);
/* A file part of a multipart body (the field name, e.g. "dataFile"), or NULL. */
const multipart_part *conmas_file(conmas_call *c, const char *name);

/* ---- writing the answer ---- */

/* A small XML writer (escapes text; characters XML 1.0 cannot hold are
 * dropped, bytes that are not UTF-8 become U+FFFD).  cmx_init writes the
 * declaration and opens <conmas>; conmas_reply closes what is open. */
#define CMX_DEPTH 32
typedef struct cmx {
    buf b;
    const char *open[CMX_DEPTH];
    int depth;
} cmx;
void cmx_init(cmx *x, arena *a);
void cmx_open(cmx *x, const char *tag);
void cmx_close(cmx *x);
/* <tag>text</tag>; NULL or "": <tag></tag>. */
void cmx_text(cmx *x, const char *tag, const char *text);
void cmx_int(cmx *x, const char *tag, long long v);
/* Escaped text into b (for writers that build their own documents). */
void cmx_escape(buf *b, const char *s);

/* Close every open element and answer 200 text/xml. */
void conmas_reply(conmas_call *c, cmx *x);
/* Answer 200 <conmas><error><code>N</code><name>…</name><message>…</message>
 * [<details><detail>…</detail></details>]</error></conmas> and record N as
 * the outcome.  message: English, for people. */
void conmas_error(conmas_call *c, int code, const char *message);
/* The same with the field problems of e as <details>. */
void conmas_error_details(conmas_call *c, int code, const char *message, const errs *e);
/* A domain outcome as an error: OP_NOT_FOUND object_not_found,
 * REF_FORBIDDEN forbidden, conflicts, OP_INVALID validation_failed (with
 * e's details when e is not NULL), 507 quota, OP_BUSY/OP_ERROR database
 * (503 unavailable / internal). */
void conmas_refusal(conmas_call *c, op_result res, const refusal *why, const errs *e);
/* The error number and message of a domain outcome (what conmas_refusal
 * answers), for answers that list several outcomes (AutoGenerate). */
int conmas_outcome(request *r, op_result res, const refusal *why, const errs *e, const char **message);
/* e as <details><detail>(sheetNo, clusterId | field) line? code message</detail>… into x. */
void conmas_details(request *r, cmx *x, const errs *e);
/* A file as the answer (GetReportFile, DownloadCsv): 200 with its type and
 * a Content-Disposition of filename. */
void conmas_send_file(conmas_call *c, const char *content_type, const char *filename, const void *p, size_t n);

/* ---- shared by the commands ---- */

/* A UTC time from the database ("2026-12-05T00:30:00Z") as the original
 * shows times: the tenant's local "yyyy/MM/dd HH:mm:ss". */
const char *conmas_time(conmas_call *c, const char *utc);

/* The report a field names: its topId (a number: the report's serial in
 * the tenant, reports.seq, which every answer gives as topId / itemId) or
 * its UUID (reportId).  NULL after answering field_missing, field_invalid
 * or object_not_found (also for a report the user may not see). */
const char *conmas_report_id(conmas_call *c, const char *field);

/* The command groups' handlers (one file each). */
void conmas_login(conmas_call *c);          /* conmas/login.c */
void conmas_logout(conmas_call *c);
void conmas_definition_list(conmas_call *c);     /* conmas/definitions.c */
void conmas_definition_detail(conmas_call *c);
void conmas_report_list(conmas_call *c);         /* conmas/reports.c */
void conmas_report_detail(conmas_call *c);
void conmas_report_file(conmas_call *c);         /* conmas/files.c */
void conmas_master_records(conmas_call *c);      /* conmas/masters.c */
void conmas_auto_generate(conmas_call *c);       /* conmas/import.c */
void conmas_update_report(conmas_call *c);
void conmas_download_csv(conmas_call *c);        /* conmas/download.c */

#endif
