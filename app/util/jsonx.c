#include "util/jsonx.h"
#include "util/buf.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void jx_add_str(json_object *o, const char *key, const char *s)
{
    json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

void jx_add_int(json_object *o, const char *key, long long v)
{
    json_object_object_add(o, key, json_object_new_int64(v));
}

void jx_add_bool(json_object *o, const char *key, bool v)
{
    json_object_object_add(o, key, json_object_new_boolean(v));
}

jx_status jx_str(json_object *o, const char *key, const char **out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return JX_ABSENT;
    if (!v) {
        *out = "";
        return JX_OK;
    }
    if (!json_object_is_type(v, json_type_string))
        return JX_WRONG_TYPE;
    *out = json_object_get_string(v);
    return strlen(*out) == (size_t)json_object_get_string_len(v) ? JX_OK : JX_WRONG_TYPE; /* no NUL inside */
}

jx_status jx_bool(json_object *o, const char *key, bool *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return JX_ABSENT;
    if (!v || !json_object_is_type(v, json_type_boolean))
        return JX_WRONG_TYPE;
    *out = json_object_get_boolean(v);
    return JX_OK;
}

jx_status jx_id(json_object *o, const char *key, long long *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return JX_ABSENT;
    if (v && json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0) {
        *out = json_object_get_int64(v);
        return JX_OK;
    }
    if (v && json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        char *end;
        long long x = strtoll(s, &end, 10);
        if (*s >= '0' && *s <= '9' && !*end && x > 0) {
            *out = x;
            return JX_OK;
        }
    }
    return JX_WRONG_TYPE;
}

bool jx_only(json_object *o, const char *const *names, const char **unknown)
{
    json_object_object_foreach(o, k, v) {
        (void)v;
        bool found = false;
        for (const char *const *n = names; *n && !found; n++)
            found = !strcmp(*n, k);
        if (!found) {
            *unknown = k;
            return false;
        }
    }
    return true;
}

void jx_buf_str(buf *b, const char *s)
{
    if (!s) {
        buf_adds(b, "null");
        return;
    }
    buf_addc(b, '"');
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *esc = NULL;
        char u[8];
        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (*p < 0x20) {
                snprintf(u, sizeof u, "\\u%04x", *p);
                esc = u;
            }
        }
        if (!esc)
            continue;
        buf_add(b, run, (size_t)((const char *)p - run));
        buf_adds(b, esc);
        run = (const char *)p + 1;
    }
    buf_adds(b, run);
    buf_addc(b, '"');
}
