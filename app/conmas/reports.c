/* reports.c - GetReportList and GetReportDetail: the reports the user may
 * see, found by definition, label, word, status, dates, remarks and system
 * keys, and one report whole (values, who and when, remarks, sign-offs on
 * the workflow's stages). */
#include "conmas/conmas.h"
#include "db/txn.h"
#include "export/report.h"
#include "export/writer.h"
#include "forms/defcache.h"
#include "forms/store.h"
#include "reports/list.h"
#include "reports/report.h"
#include "tenant/resolve.h"
#include "auth/users.h"
#include "util/cdate.h"
#include "util/jsonx.h"
#include "util/str.h"
#include "util/tz.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *conmas_report_id(conmas_call *c, const char *field)
{
    request *r = c->r;
    const char *v = conmas_need(c, field);
    if (!v)
        return NULL;
    c->object_type = "report";
    c->object_id = v;
    long long seq = 0;
    if (!str_uuid_ok(v) && !users_parse_id(v, &seq)) {
        conmas_error(c, CM_FIELD_INVALID, arena_printf(r->a, "The field \"%s\" must be a report's topId or reportId.", field));
        return NULL;
    }
    db_rows rows;
    db_status st = seq ? db_query(r->op.tenant->db, r->a, "SELECT id FROM reports WHERE seq = ? AND deleted_at IS NULL",
                                  DB_ARGS(DB_INT(seq)), &rows, NULL)
                       : db_query(r->op.tenant->db, r->a, "SELECT id FROM reports WHERE id = LOWER(?) AND deleted_at IS NULL",
                                  DB_ARGS(DB_STR(v)), &rows, NULL);
    if (st != DB_OK) {
        conmas_refusal(c, txn_result(st), NULL, NULL);
        return NULL;
    }
    if (!rows.nrows) {
        conmas_error(c, CM_NOT_FOUND, "There is no such report for you.");
        return NULL;
    }
    c->object_id = db_cell(&rows, 0, 0);
    return c->object_id;   /* visibility: the loaders check it (not found for another's) */
}

/* "2026/12/05", "2026-12-05", with an optional time after it: the date
 * ("YYYY-MM-DD") and the seconds into that day. */
static bool parse_when(request *r, const char *s, const char **day, int *secs)
{
    int y, mo, d, h = 0, mi = 0, se = 0, used = 0;
    char sep;
    if (sscanf(s, "%4d%c%2d%*c%2d%n", &y, &sep, &mo, &d, &used) != 4 || (sep != '/' && sep != '-'))
        return false;
    const char *t = s + used;
    if (*t && (sscanf(t, "%*[ T]%2d:%2d%n", &h, &mi, &used) != 2 || h > 23 || mi > 59))
        return false;
    if (*t) {
        t += used;
        if (*t == ':' && (sscanf(t, ":%2d%n", &se, &used) != 1 || se > 59))
            return false;
        else if (*t == ':')
            t += used;
        if (*t)
            return false;
    }
    *day = arena_printf(r->a, "%04d-%02d-%02d", y, mo, d);
    *secs = h * 3600 + mi * 60 + se;
    return users_date_ok(*day);
}

/* The statuses an editStatus stands for. */
static const char *statuses_of(long long es)
{
    switch (es) {
    case 0:
    case 1: return "editing";
    case 2: return "applying";
    case 3: return "rejected";
    default: return "completed,approved";
    }
}

void conmas_report_list(conmas_call *c)
{
    request *r = c->r;
    op_ctx *op = &r->op;
    report_filter f = {.limit = 100};
    long long def = 0, label = 0, es = -1, limit;
    if (!conmas_int(c, conmas_field(c, "defTopId") ? "defTopId" : "topId", 0, 1LL << 53, 0, &def) ||
        !conmas_int(c, "labelId", -9, 1LL << 53, 0, &label) || !conmas_int(c, "editStatus", -1, 4, -1, &es) ||
        !conmas_int(c, "limit", 1, 500, 100, &limit))
        return;
    f.definition = def;
    f.label = label > 0 ? label : 0;
    f.limit = (int)limit;
    if (es >= 0)
        f.status = statuses_of(es);
    const char *word = conmas_field(c, "word");
    if (word && str_utf8_len(word) > 100)
        return conmas_error(c, CM_FIELD_INVALID, "The field \"word\" may have at most 100 characters.");
    f.text = word && *word ? word : NULL;
    /* creation between two local days; changed after a local time */
    static const char *const dates[] = {"registTimeFrom", "registTimeTo", "updateTimeFrom"};
    for (int i = 0; i < 3; i++) {
        const char *v = conmas_field(c, dates[i]), *day;
        int secs;
        if (!v || !*v)
            continue;
        if (!parse_when(r, v, &day, &secs))
            return conmas_error(c, CM_FIELD_INVALID,
                                arena_printf(r->a, "The field \"%s\" must be a date (yyyy/MM/dd, with an optional HH:mm:ss).", dates[i]));
        if (i == 0)
            f.from = day;
        else if (i == 1)
            f.to = day;
        else {
            cdate cd;
            cdate_parse(day, &cd);
            time_t t = tz_local_to_utc(tenant_zone(op->tenant), cd, secs / 3600, secs / 60 % 60, secs % 60);
            struct tm tm;
            char b[24];
            gmtime_r(&t, &tm);
            strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
            f.updated_since = arena_strdup(r->a, b);
        }
    }
    for (int i = 0; i < REPORT_REMARKS + REPORT_SYSKEYS; i++) {
        const char *k = i < REPORT_REMARKS ? arena_printf(r->a, "remarksValue%d", i + 1)
                                           : arena_printf(r->a, "systemKey%d", i - REPORT_REMARKS + 1);
        const char *v = conmas_field(c, k);
        if (!v || !*v)
            continue;
        if (str_utf8_len(v) > REPORT_REMARK_MAX)
            return conmas_error(c, CM_FIELD_INVALID, arena_printf(r->a, "The field \"%s\" is too long.", k));
        if (i < REPORT_REMARKS)
            f.remarks[i] = v;
        else
            f.system_keys[i - REPORT_REMARKS] = v;
    }
    const char *cursor = conmas_field(c, "cursor");
    f.cursor = cursor && *cursor ? cursor : NULL;
    op_result res;
    json_object *o = reports_list(op, &f, false, &res);
    if (!o && res == OP_INVALID)
        return conmas_error(c, CM_FIELD_INVALID, "The field \"cursor\" is not one this server gave.");
    if (!o)
        return conmas_refusal(c, res, NULL, NULL);
    json_object *arr = json_object_object_get(o, "reports");
    size_t n = json_object_array_length(arr);
    /* each report's topId, and whether it is untouched (editStatus 0) */
    buf ids;
    buf_init(&ids, r->a);
    for (size_t i = 0; i < n; i++)
        buf_printf(&ids, "%s%s", i ? "," : "", json_object_get_string(json_object_object_get(json_object_array_get_idx(arr, i), "id")));
    db_rows extra = {0};
    db_status st = n ? db_query(op->tenant->db, r->a,
                                "SELECT id, seq, vals = '{}' FROM reports WHERE FIND_IN_SET(id, ?)", DB_ARGS(DB_STR(ids.data)),
                                &extra, NULL)
                     : DB_OK;
    if (st != DB_OK) {
        json_object_put(o);
        return conmas_refusal(c, txn_result(st), NULL, NULL);
    }
    cmx x;
    cmx_init(&x, r->a);
    cmx_open(&x, "items");
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *it = json_object_array_get_idx(arr, i);
        const char *id = json_object_get_string(json_object_object_get(it, "id")), *seq = "", *status;
        bool untouched = false;
        for (size_t k = 0; k < extra.nrows; k++)
            if (!strcmp(db_cell(&extra, k, 0), id)) {
                seq = db_cell(&extra, k, 1);
                untouched = !strcmp(db_cell(&extra, k, 2), "1");
            }
        status = json_object_get_string(json_object_object_get(it, "status"));
        int edit = export_edit_status(status, untouched);
        if ((es == 0 && edit != 0) || (es == 1 && edit != 1))
            continue;
        cmx_open(&x, "item");
        cmx_text(&x, "itemId", seq);
        cmx_text(&x, "topId", seq);
        cmx_text(&x, "reportId", id);
        cmx_text(&x, "name", json_object_get_string(json_object_object_get(it, "name")));
        cmx_text(&x, "reportNo", json_object_get_string(json_object_object_get(it, "number")));
        cmx_int(&x, "defTopId", json_object_get_int64(json_object_object_get(it, "definition_id")));
        cmx_text(&x, "defTopName", json_object_get_string(json_object_object_get(it, "definition_name")));
        cmx_int(&x, "revNo", json_object_get_int64(json_object_object_get(it, "definition_revision")));
        cmx_int(&x, "editStatus", edit);
        cmx_text(&x, "registTime", conmas_time(c, json_object_get_string(json_object_object_get(it, "created_at"))));
        cmx_text(&x, "registUser", json_object_get_string(json_object_object_get(it, "created_by")));
        cmx_text(&x, "updateTime", conmas_time(c, json_object_get_string(json_object_object_get(it, "updated_at"))));
        cmx_text(&x, "updateUser", json_object_get_string(json_object_object_get(it, "updated_by")));
        json_object *rm = json_object_object_get(it, "remarks"), *sk = json_object_object_get(it, "system_keys");
        for (int k = 1; k <= REPORT_REMARKS; k++)
            cmx_text(&x, arena_printf(r->a, "remarksValue%d", k),
                     json_object_get_string(json_object_object_get(rm, arena_printf(r->a, "%d", k))));
        for (int k = 1; k <= REPORT_SYSKEYS; k++)
            cmx_text(&x, arena_printf(r->a, "systemKey%d", k),
                     json_object_get_string(json_object_object_get(sk, arena_printf(r->a, "%d", k))));
        cmx_close(&x);
        shown++;
    }
    cmx_close(&x);
    const char *next = json_object_get_string(json_object_object_get(o, "next_cursor"));
    cmx_text(&x, "nextCursor", next);
    c->detail = arena_printf(r->a, "%d reports", shown);
    json_object_put(o);
    conmas_reply(c, &x);
}

/* ----------------------------------------------------------- the detail */

static bool signoff_type(cluster_type t)
{
    return t == CT_CREATE || t == CT_INSPECT || t == CT_APPROVE;
}

/* Member k of a sign-off value ({"user","name","at","comment"}), or "". */
static const char *member(json_object *o, const char *k)
{
    json_object *v;
    return o && json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : "";
}

/* One sign-off cluster in <approval>: its stage, and who signed when. */
static void approval_cluster(conmas_call *c, cmx *x, const export_report *rep, const def_cluster *cl)
{
    const rvalue *v = rvals_get(&rep->vals, cl->sheet_no, cl->id);
    json_object *s = v && *v->value ? json_tokener_parse(v->value) : NULL;
    const char *stage = def_param_get(cl, "stage");
    cmx_open(x, "cluster");
    cmx_int(x, "sheetNo", cl->sheet_no);
    cmx_int(x, "clusterId", cl->id);
    cmx_text(x, "name", cl->name);
    cmx_text(x, "type", cluster_type_name(cl->type));
    cmx_text(x, "stageNo", cl->type == CT_APPROVE ? stage : "");
    const char *stage_name = "";
    for (int i = 0; cl->type == CT_APPROVE && stage && i < rep->def->nstages; i++)
        if (rep->def->stages[i].no == atoi(stage))
            stage_name = rep->def->stages[i].name;
    cmx_text(x, "stageName", stage_name);
    cmx_text(x, "value", s ? "4" : "");   /* 4: signed (approved) */
    cmx_text(x, "approver", s ? member(s, "name") : "");
    cmx_text(x, "approverLoginId", s ? member(s, "user") : "");
    cmx_text(x, "approvalDate", s ? conmas_time(c, member(s, "at")) : "");
    cmx_text(x, "approverComment", s ? member(s, "comment") : "");
    cmx_close(x);
    json_object_put(s);
}

void conmas_report_detail(conmas_call *c)
{
    request *r = c->r;
    op_ctx *op = &r->op;
    const char *id = conmas_report_id(c, conmas_field(c, "topId") ? "topId" : "reportId");
    if (!id)
        return;
    export_report rep;
    op_result res = export_report_load(op, id, &rep);
    if (res == OP_NOT_FOUND)
        return conmas_error(c, CM_NOT_FOUND, "There is no such report for you.");
    if (res != OP_OK)
        return conmas_refusal(c, res, NULL, NULL);
    def_rev v;
    const definition *d = rep.def;
    bool test = defcache_get(op, rep.definition_id, rep.definition_revision, &v, &res) && !strcmp(v.status, "test");
    cmx x;
    cmx_init(&x, r->a);
    cmx_open(&x, "detailInfo");
    cmx_int(&x, "topId", rep.seq);
    cmx_text(&x, "topName", rep.name);
    cmx_text(&x, "reportId", rep.id);
    cmx_text(&x, "reportNo", rep.number);
    cmx_int(&x, "defTopId", rep.definition_id);
    cmx_text(&x, "defTopName", d->name);
    cmx_int(&x, "revNo", rep.definition_revision);
    cmx_int(&x, "rev", rep.rev);   /* the report's revision: UpdateReport's <rev> checks it */
    cmx_text(&x, "registTime", conmas_time(c, rep.created_at));
    cmx_text(&x, "registUser", rep.created_by);
    cmx_text(&x, "registUserName", rep.created_by_name);
    cmx_text(&x, "updateTime", conmas_time(c, rep.updated_at));
    cmx_text(&x, "updateUser", rep.updated_by);
    cmx_text(&x, "updateUserName", rep.updated_by_name);
    cmx_int(&x, "publicStatus", test ? 1 : 2);
    cmx_int(&x, "sheetCount", d->nsheets);
    cmx_int(&x, "editStatus", export_edit_status(rep.status, rep.vals.n == 0));
    for (int i = 0; i < REPORT_REMARKS; i++)
        cmx_text(&x, arena_printf(r->a, "remarksName%d", i + 1), d->remarks_names[i]);
    for (int i = 0; i < REPORT_REMARKS; i++)
        cmx_text(&x, arena_printf(r->a, "remarksValue%d", i + 1), rep.remarks[i]);
    for (int i = 0; i < REPORT_SYSKEYS; i++)
        cmx_text(&x, arena_printf(r->a, "systemKey%d", i + 1), rep.system_keys[i]);
    cmx_open(&x, "clusters");
    for (int s = 0; s < d->nsheets; s++)
        for (int i = 0; i < d->sheets[s].nclusters; i++) {
            const def_cluster *cl = &d->sheets[s].clusters[i];
            const rvalue *rv = rvals_get(&rep.vals, cl->sheet_no, cl->id);
            cmx_open(&x, "cluster");
            cmx_int(&x, "sheetNo", cl->sheet_no);
            cmx_int(&x, "clusterId", cl->id);
            cmx_text(&x, "name", cl->name);
            cmx_text(&x, "type", cluster_type_name(cl->type));
            cmx_text(&x, "value", !rv ? "" : signoff_type(cl->type) ? (*rv->value ? "4" : "") : rv->value);
            cmx_text(&x, "editUser", rv ? rv->by : "");
            cmx_text(&x, "editTime", rv ? conmas_time(c, rv->at) : "");
            cmx_close(&x);
        }
    cmx_close(&x);
    /* the sign-off clusters on the workflow: Create, Inspect, and an
     * Approve cluster per stage, with who signed and when */
    cmx_open(&x, "approval");
    for (int s = 0; s < d->nsheets; s++)
        for (int i = 0; i < d->sheets[s].nclusters; i++)
            if (signoff_type(d->sheets[s].clusters[i].type))
                approval_cluster(c, &x, &rep, &d->sheets[s].clusters[i]);
    cmx_close(&x);
    cmx_open(&x, "stages");
    for (int i = 0; i < d->nstages; i++) {
        int no = d->stages[i].no;
        const char *state = !strcmp(rep.status, "approved")                          ? "approved"
                            : !strcmp(rep.status, "applying") && no < rep.stage  ? "approved"
                            : !strcmp(rep.status, "applying") && no == rep.stage ? "pending"
                                                                                 : "";
        cmx_open(&x, "stage");
        cmx_int(&x, "stageNo", no);
        cmx_text(&x, "name", d->stages[i].name);
        cmx_text(&x, "group", d->stages[i].group);
        cmx_text(&x, "state", state);
        cmx_close(&x);
    }
    cmx_close(&x);
    conmas_reply(c, &x);
}
