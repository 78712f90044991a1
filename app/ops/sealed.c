/* sealed.c - the sealed columns and re-sealing (see sealed.h). */
#include "ops/sealed.h"
#include "util/buf.h"
#include "util/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const sealed_column sealed_columns[] = {
    {"users", "seal_image", "seal", {"id", NULL}},
    {"report_attachments", "sealed", "attachment", {"report_id", "sheet_no", "cluster_id", NULL}},
    {NULL, NULL, NULL, {NULL}},
};

static bool has_column(const ops_env *e, db_conn *admin, const char *db, const char *table, const char *column)
{
    db_rows r;
    return db_query(admin, e->a,
                    "SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                    "AND column_name = ?",
                    DB_ARGS(DB_STR(db), DB_STR(table), DB_STR(column)), &r, NULL) == DB_OK &&
           r.nrows == 1;
}

bool sealed_reseal(const ops_env *e, db_conn *admin, const char *db, const char *from, const unsigned char *from_key,
                   const char *to, const unsigned char *to_key, unsigned *count, char *err, size_t errlen)
{
    *count = 0;
    for (const sealed_column *c = sealed_columns; c->table; c++) {
        if (!has_column(e, admin, db, c->table, c->column))
            continue;
        size_t npk = 0;
        while (c->pk[npk])
            npk++;
        /* the keys first (small), then one value at a time: attachments can be large */
        buf keys, one, upd;
        buf_init(&keys, e->a);
        buf_init(&one, e->a);
        buf_init(&upd, e->a);
        buf_adds(&keys, "SELECT ");
        for (size_t i = 0; i < npk; i++)
            buf_printf(&keys, "%s`%s`", i ? ", " : "", c->pk[i]);
        buf_printf(&keys, " FROM `%s`.`%s` WHERE `%s` IS NOT NULL", db, c->table, c->column);
        buf_printf(&one, "SELECT `%s` FROM `%s`.`%s` WHERE ", c->column, db, c->table);
        buf_printf(&upd, "UPDATE `%s`.`%s` SET `%s` = ? WHERE ", db, c->table, c->column);
        for (size_t i = 0; i < npk; i++) {
            buf_printf(&one, "%s`%s` = ?", i ? " AND " : "", c->pk[i]);
            buf_printf(&upd, "%s`%s` = ?", i ? " AND " : "", c->pk[i]);
        }
        db_rows k;
        if (db_query(admin, e->a, keys.data, DB_NOARGS, &k, NULL) != DB_OK) {
            snprintf(err, errlen, "cannot read %s.%s: %s", c->table, c->column, db_error(admin));
            return false;
        }
        for (size_t r = 0; r < k.nrows; r++) {
            arena *t = arena_new();
            db_arg args[5];
            buf oid;
            buf_init(&oid, t);
            for (size_t i = 0; i < npk; i++) {
                buf_printf(&oid, "%s%s", i ? "/" : "", db_cell(&k, r, i));
                args[i + 1] = DB_STR(db_cell(&k, r, i));
            }
            db_rows v;
            bool ok = db_query(admin, t, one.data, args + 1, npk, &v, NULL) == DB_OK && v.nrows == 1 && v.cell[0];
            size_t n = ok ? v.len[0] : 0;
            unsigned char *plain = NULL, *sealed = NULL;
            if (ok && n <= CRYPTO_SEAL_OVERHEAD) {
                snprintf(err, errlen, "%s.%s of %s is too short to be sealed", c->table, c->column, oid.data);
                arena_free(&t);
                return false;
            }
            if (ok) {
                plain = arena_alloc(t, n - CRYPTO_SEAL_OVERHEAD + 1);
                sealed = arena_alloc(t, n);
                if (!tenant_open(from_key, from, c->purpose, oid.data, (const unsigned char *)v.cell[0], n, plain)) {
                    snprintf(err, errlen, "%s.%s of %s does not open with tenant %s's key", c->table, c->column,
                             oid.data, from);
                    arena_free(&t);
                    return false;
                }
                ok = tenant_seal(to_key, to, c->purpose, oid.data, plain, n - CRYPTO_SEAL_OVERHEAD, sealed);
                crypto_wipe(plain, n - CRYPTO_SEAL_OVERHEAD);
            }
            if (ok) {
                args[0] = DB_BLOB(sealed, n);
                ok = db_query(admin, t, upd.data, args, npk + 1, NULL, NULL) == DB_OK;
            }
            arena_free(&t);
            if (!ok) {
                snprintf(err, errlen, "cannot re-seal %s.%s: %s", c->table, c->column, db_error(admin));
                return false;
            }
            (*count)++;
        }
    }
    return true;
}
