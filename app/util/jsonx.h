/* jsonx.h - small json-c conveniences: adding nullable values, reading
 * typed members (result rows as arrays: db/rowjson.h).  Objects built here are
 * owned by the caller (json_object_put).  Thread-safe (no shared state). */
#ifndef GENBA_JSONX_H
#define GENBA_JSONX_H

#include <json-c/json.h>
#include <stdbool.h>

struct buf;
/* Append s to b as a JSON string literal (quoted; escaped as json-c's
 * JSON_C_TO_STRING_PLAIN | NOSLASHESCAPE would), or null when s is NULL. */
void jx_buf_str(struct buf *b, const char *s);

/* Add s as a string, or null when s is NULL. */
void jx_add_str(json_object *o, const char *key, const char *s);
void jx_add_int(json_object *o, const char *key, long long v);
void jx_add_bool(json_object *o, const char *key, bool v);

typedef enum jx_status { JX_ABSENT, JX_OK, JX_WRONG_TYPE } jx_status;
/* Member key as a string: JX_ABSENT when missing, JX_OK with *out ("" for
 * null), JX_WRONG_TYPE otherwise.  *out points into o. */
jx_status jx_str(json_object *o, const char *key, const char **out);
jx_status jx_bool(json_object *o, const char *key, bool *out);
/* A positive integer (number or digit string). */
jx_status jx_id(json_object *o, const char *key, long long *out);
/* Is every member of o one of the names (NULL-terminated)?  *unknown gets
 * the first that is not. */
bool jx_only(json_object *o, const char *const *names, const char **unknown);

#endif
