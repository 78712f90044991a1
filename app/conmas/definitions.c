/* definitions.c - GetDefinitionList and GetDefinitionDetail: the
 * definitions the user may use (def.view), as labels (type 0) and
 * definitions (type 1), and one definition's XML. */
#include "conmas/conmas.h"
#include "auth/perm.h"
#include "db/txn.h"
#include "forms/defcache.h"
#include "forms/store.h"
#include "tenant/resolve.h"
#include "http/response.h"
#include "util/cdate.h"
#include "util/str.h"
#include "util/tz.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* Does any of the definition's remark names hold word? */
static bool remarks_hold(conmas_call *c, long long id, int rev, const char *word)
{
    def_rev v;
    op_result res;
    const definition *d = defcache_get(&c->r->op, id, rev, &v, &res);
    for (int i = 0; d && i < 10; i++)
        if (d->remarks_names[i] && strstr(d->remarks_names[i], word))
            return true;
    return false;
}

static bool flag(conmas_call *c, const char *name, bool dflt)
{
    const char *v = conmas_field(c, name);
    return v && *v ? strcmp(v, "0") && strcasecmp(v, "false") : dflt;
}

void conmas_definition_list(conmas_call *c)
{
    request *r = c->r;
    op_ctx *op = &r->op;
    long long label, pub;
    if (!conmas_int(c, "labelId", -9, 1LL << 53, -9, &label) || !conmas_int(c, "publicStatus", 0, 2, 0, &pub))
        return;
    if (label < 0 && label != -9)
        return conmas_error(c, CM_FIELD_INVALID, "The field \"labelId\" must be -9 (all), 0 (the top) or a label id.");
    const char *word = conmas_field(c, "word");
    if (word && str_utf8_len(word) > 200)
        return conmas_error(c, CM_FIELD_INVALID, "The field \"word\" may have at most 200 characters.");
    if (word && !*word)
        word = NULL;
    bool in_name = flag(c, "wordTargetName", true), in_remarks = flag(c, "wordTargetRemarks", false);
    /* definitions carry no system keys in genba: a key asked for matches none */
    bool by_key = false;
    for (int i = 1; i <= 5; i++) {
        const char *k = conmas_field(c, arena_printf(r->a, "systemKey%d", i));
        by_key |= k && *k;
    }
    bool tester = perm_has(op, "tester", NULL);
    /* publicStatus 1: test revisions (testers), 2: published; none: both as the user may */
    const char *statuses = pub == 1 ? (tester ? "test" : "") : pub == 2 ? "published" : tester ? "published,test" : "published";
    const char *scopes = perm_scopes(op, "def.view");
    char today[11];   /* availability windows are the customer's days */
    cdate_format(tz_today(tenant_zone(op->tenant)), today);
    db_rows defs, labels;
    db_status st = db_query(
        op->tenant->db, r->a,
        "SELECT d.id, v.name, v.revision, v.status, DATE_FORMAT(d.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
        "DATE_FORMAT(v.updated_at, '%Y-%m-%dT%H:%i:%sZ'), d.latest_revision > v.revision, "
        "(SELECT MIN(label_id) FROM definition_labels WHERE definition_id = d.id) "
        "FROM definitions d JOIN definition_revisions v ON v.definition_id = d.id AND v.revision = "
        "(SELECT MAX(x.revision) FROM definition_revisions x WHERE x.definition_id = d.id AND FIND_IN_SET(x.status, ?)) "
        "WHERE (? IS NULL OR FIND_IN_SET(d.id, ?)) "
        "AND (? = -9 OR (? = 0 AND NOT EXISTS (SELECT 1 FROM definition_labels WHERE definition_id = d.id)) "
        "OR d.id IN (SELECT definition_id FROM definition_labels WHERE label_id = ?)) "
        "AND (v.available_from IS NULL OR v.available_from <= ?) AND (v.available_until IS NULL OR v.available_until >= ?) "
        "ORDER BY d.id LIMIT 1000",
        DB_ARGS(DB_STR(statuses), DB_STR(scopes), DB_STR(scopes), DB_INT(label), DB_INT(label), DB_INT(label),
                DB_STR(today), DB_STR(today)),
        &defs, NULL);
    if (st == DB_OK)
        st = db_query(op->tenant->db, r->a,
                      "SELECT id, name, parent_id FROM labels WHERE ? = -9 OR (? = 0 AND parent_id IS NULL) OR parent_id = ? "
                      "ORDER BY id LIMIT 1000",
                      DB_ARGS(DB_INT(label), DB_INT(label), DB_INT(label)), &labels, NULL);
    if (st != DB_OK)
        return conmas_refusal(c, txn_result(st), NULL, NULL);
    cmx x;
    cmx_init(&x, r->a);
    cmx_open(&x, "items");
    for (size_t i = 0; !word && !by_key && i < labels.nrows; i++) {
        cmx_open(&x, "item");
        cmx_int(&x, "type", 0);
        cmx_text(&x, "itemId", db_cell(&labels, i, 0));
        cmx_text(&x, "name", db_cell(&labels, i, 1));
        cmx_text(&x, "parentId", db_cell(&labels, i, 2) ? db_cell(&labels, i, 2) : "0");
        cmx_close(&x);
    }
    int n = 0;
    for (size_t i = 0; !by_key && i < defs.nrows; i++) {
        const char *name = db_cell(&defs, i, 1);
        long long id = atoll(db_cell(&defs, i, 0));
        int rev = atoi(db_cell(&defs, i, 2));
        if (word && !((in_name && strstr(name, word)) || (in_remarks && remarks_hold(c, id, rev, word))))
            continue;
        cmx_open(&x, "item");
        cmx_int(&x, "type", 1);
        cmx_int(&x, "itemId", id);
        cmx_text(&x, "name", name);
        cmx_int(&x, "revNo", rev);
        cmx_int(&x, "editStatus", !strcmp(db_cell(&defs, i, 6), "1"));   /* 1: a newer revision is being edited */
        cmx_int(&x, "publicStatus", !strcmp(db_cell(&defs, i, 3), "test") ? 1 : 2);
        cmx_text(&x, "labelId", db_cell(&defs, i, 7) ? db_cell(&defs, i, 7) : "0");
        cmx_text(&x, "registTime", conmas_time(c, db_cell(&defs, i, 4)));
        cmx_text(&x, "updateTime", conmas_time(c, db_cell(&defs, i, 5)));
        for (int k = 1; k <= 5; k++)
            cmx_text(&x, arena_printf(r->a, "systemKey%d", k), "");
        cmx_close(&x);
        n++;
    }
    c->detail = arena_printf(r->a, "%d definitions", n);
    conmas_reply(c, &x);
}

void conmas_definition_detail(conmas_call *c)
{
    request *r = c->r;
    op_ctx *op = &r->op;
    long long id;
    if (!conmas_need(c, "topId") || !conmas_int(c, "topId", 1, 1LL << 53, 0, &id))
        return;
    c->object_type = "definition";
    c->object_id = conmas_field(c, "topId");
    const char *scope = arena_printf(r->a, "%lld", id);
    if (!perm_has(op, "def.view", scope))
        return conmas_error(c, CM_NOT_FOUND, "There is no such definition for you.");
    long long rev;
    if (!conmas_int(c, "revNo", 0, 1 << 30, 0, &rev))
        return;
    def_rev v;
    op_result res = rev ? defstore_get(op, id, (int)rev, &v) : defstore_get_for_tablet(op, id, perm_has(op, "tester", NULL), &v);
    if (res == OP_OK && rev && strcmp(v.status, "published") && strcmp(v.status, "archived") &&
        !(perm_has(op, "tester", NULL) && !strcmp(v.status, "test")))
        res = OP_NOT_FOUND;   /* drafts are the designers' */
    if (res == OP_NOT_FOUND)
        return conmas_error(c, CM_NOT_FOUND, "There is no such definition (published, or in test for testers) for you.");
    if (res != OP_OK)
        return conmas_refusal(c, res, NULL, NULL);
    /* the stored canonical XML is itself a <conmas> document: sent as it is */
    c->code = CM_OK;
    resp_send(r, 200, "text/xml; charset=utf-8", v.xml, strlen(v.xml));
}
