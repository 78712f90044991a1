/* export/xml.c - one report in the ConMas report-data XML
 * (../shared/spec/conmas-api.md, "Report data XML"), the document
 * AutoGenerate and UpdateReport take, so a report written out can be
 * imported again:
 *
 *   <conmas><top>
 *     <defTopId>, <defTopName>, <revNo>      its definition and revision
 *     <repTopId>                             the report's topId (reports.seq, as the ConMas API lists it)
 *     <reportId>                             genba's id (UUID)
 *     <repTopName>, <reportNo>, <editStatus> (export_edit_status)
 *     <createUserId>, <registTime>, <updateUserId>, <updateTime>   logins; "YYYY/MM/DD HH:MM:SS" in the tenant's zone
 *     <deleteTime>                           only for a deleted report (the tenant export's archive alone
 *                                            holds those), its time of deletion as above: genba's
 *                                            extension, which the import (reports/import_read.c) ignores
 *     <remarksValue1..10>, <systemKey1..5>   those that are set
 *     <sheets><sheet><sheetNo><clusters><cluster>
 *       <sheetNo>, <clusterId>, <name>, <type>, <value>   every cluster of the definition but
 *         FixedText, its stored value ("" when none); a sign-off's value 4 when signed, with
 *       <approver> (name), <approverLoginId>, <approvalDate>, <approverComment>, <approvalSignImage/>
 *
 * Text is escaped (& < > ", and CR as &#13; so a parser keeps it);
 * characters XML 1.0 forbids (controls other than tab, LF and CR,
 * U+FFFE, U+FFFF) and bytes that are not UTF-8 are left out. */
#include "export/layout.h"
#include "export/writer.h"
#include "reports/report.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "util/tz.h"

#include <string.h>

int export_edit_status(const char *status, bool untouched)
{
    if (!status || !strcmp(status, "editing"))
        return untouched ? 0 : 1;
    if (!strcmp(status, "applying"))
        return 2;
    if (!strcmp(status, "rejected"))
        return 3;
    return 4;   /* completed (no approval stages), approved (every stage) */
}

void export_xml_text(buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c == '&')
                buf_adds(b, "&amp;");
            else if (c == '<')
                buf_adds(b, "&lt;");
            else if (c == '>')
                buf_adds(b, "&gt;");
            else if (c == '"')
                buf_adds(b, "&quot;");
            else if (c == '\r')
                buf_adds(b, "&#13;");
            else if (c >= 0x20 || c == '\t' || c == '\n')
                buf_addc(b, (char)c);
            p++;
            continue;
        }
        /* a UTF-8 sequence: kept when well formed (no overlong forms, no
         * surrogates, at most U+10FFFF) and a character XML allows */
        int n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        unsigned cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        int k = 1;
        while (n && k < n && (p[k] & 0xC0) == 0x80) {
            cp = cp << 6 | (p[k] & 0x3F);
            k++;
        }
        bool ok = n && k == n && !(n == 2 && cp < 0x80) && !(n == 3 && cp < 0x800) && !(n == 4 && cp < 0x10000) &&
                  cp <= 0x10FFFF && !(cp >= 0xD800 && cp < 0xE000) && cp != 0xFFFE && cp != 0xFFFF;
        if (ok)
            buf_add(b, p, (size_t)n);
        p += k;
    }
}

static void elem(buf *b, int indent, const char *name, const char *text)
{
    buf_printf(b, "%*s<%s>", indent, "", name);
    export_xml_text(b, text);
    buf_printf(b, "</%s>\n", name);
}

static void elem_int(buf *b, int indent, const char *name, long long v)
{
    buf_printf(b, "%*s<%s>%lld</%s>\n", indent, "", name, v, name);
}

/* "YYYY/MM/DD HH:MM:SS" of a stored UTC time in the tenant's zone, as the ConMas API shows times. */
static const char *cm_time(op_ctx *op, const char *utc)
{
    if (!utc || !*utc)
        return "";
    const char *t = tz_show(op->a, tenant_zone(op->tenant), utc, TZ_SHOW_RFC3339);
    if (!t || strlen(t) < 19 || t[10] != 'T')
        return utc;
    char *s = arena_strndup(op->a, t, 19);
    s[4] = s[7] = '/';
    s[10] = ' ';
    return s;
}

op_result export_xml_write(op_ctx *op, const export_report *r, export_sink *out)
{
    buf b;
    buf_init(&b, op->a);
    buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<conmas>\n  <top>\n");
    elem_int(&b, 4, "defTopId", r->definition_id);
    elem(&b, 4, "defTopName", r->def && r->def->name ? r->def->name : "");
    elem_int(&b, 4, "revNo", r->definition_revision);
    elem_int(&b, 4, "repTopId", r->seq);
    elem(&b, 4, "reportId", r->id);
    elem(&b, 4, "repTopName", r->name);
    elem(&b, 4, "reportNo", r->number);
    elem_int(&b, 4, "editStatus", export_edit_status(r->status, r->vals.n == 0));
    elem(&b, 4, "createUserId", r->created_by);
    elem(&b, 4, "registTime", cm_time(op, r->created_at));
    elem(&b, 4, "updateUserId", r->updated_by);
    elem(&b, 4, "updateTime", cm_time(op, r->updated_at));
    if (r->deleted_at && *r->deleted_at)
        elem(&b, 4, "deleteTime", cm_time(op, r->deleted_at));
    for (int k = 0; k < REPORT_REMARKS; k++)
        if (r->remarks[k] && *r->remarks[k])
            elem(&b, 4, arena_printf(op->a, "remarksValue%d", k + 1), r->remarks[k]);
    for (int k = 0; k < REPORT_SYSKEYS; k++)
        if (r->system_keys[k] && *r->system_keys[k])
            elem(&b, 4, arena_printf(op->a, "systemKey%d", k + 1), r->system_keys[k]);
    buf_adds(&b, "    <sheets>\n");
    for (int s = 0; r->def && s < r->def->nsheets; s++) {
        const def_sheet *sh = &r->def->sheets[s];
        buf_adds(&b, "      <sheet>\n");
        elem_int(&b, 8, "sheetNo", sh->no);
        buf_adds(&b, "        <clusters>\n");
        for (int i = 0; i < sh->nclusters; i++) {
            const def_cluster *c = &sh->clusters[i];
            if (c->type == CT_FIXED_TEXT)
                continue;
            const rvalue *v = rvals_get(&r->vals, c->sheet_no, c->id);
            const char *val = v ? v->value : "";
            buf_adds(&b, "          <cluster>\n");
            elem_int(&b, 12, "sheetNo", c->sheet_no);
            elem_int(&b, 12, "clusterId", c->id);
            elem(&b, 12, "name", c->name);
            elem(&b, 12, "type", cluster_type_name(c->type));
            if (layout_is_signoff(c->type)) {
                layout_signoff so;
                bool signed_ = *val && layout_signoff_parse(op->a, val, &so);
                elem(&b, 12, "value", signed_ ? "4" : "");
                elem(&b, 12, "approver", signed_ ? so.name : "");
                elem(&b, 12, "approverLoginId", signed_ ? so.user : "");
                elem(&b, 12, "approvalDate", signed_ ? cm_time(op, so.at) : "");
                elem(&b, 12, "approverComment", signed_ && so.comment ? so.comment : "");
                buf_adds(&b, "            <approvalSignImage/>\n");
            } else if (layout_is_attachment(c->type)) {
                /* the file is not in the XML: "(ignore)" so that the file
                 * imported again (UpdateReport) keeps it, where "" would clear it */
                elem(&b, 12, "value", "(ignore)");
            } else {
                elem(&b, 12, "value", val);
            }
            buf_adds(&b, "          </cluster>\n");
        }
        buf_adds(&b, "        </clusters>\n      </sheet>\n");
    }
    buf_adds(&b, "    </sheets>\n  </top>\n</conmas>\n");
    return out->write(out->ctx, b.data, b.len) ? OP_OK : OP_ERROR;
}
