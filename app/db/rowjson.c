#include "db/rowjson.h"
#include "util/jsonx.h"

json_object *db_rows_json(const db_rows *rows, const char *const *names, size_t ncols)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rows->nrows; i++) {
        json_object *o = json_object_new_object();
        for (size_t c = 0; c < ncols && c < rows->ncols; c++)
            jx_add_str(o, names[c], db_cell(rows, i, c));
        json_object_array_add(arr, o);
    }
    return arr;
}
