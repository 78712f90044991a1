/* export/filename.c - the file name a report is downloaded or zipped as. */
#include "export/writer.h"

#include <string.h>

const char *export_file_name(arena *a, const export_report *r, const char *ext)
{
    const char *name = r->name && *r->name ? r->name : r->id;
    bool numbered = r->number && *r->number && !strstr(name, r->number);   /* a name often carries the number */
    const char *base = numbered ? arena_printf(a, "%s %s", r->number, name) : arena_strdup(a, name);
    char *s = (char *)base;
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || strchr("/\\:*?\"<>|", *p))
            *p = '_';
    size_t n = strlen(s);
    if (n > 150) {   /* cut at a code point */
        n = 150;
        while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        s[n] = '\0';
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '.'))
        s[--n] = '\0';
    while (*s == ' ' || *s == '.')
        s++;
    return arena_printf(a, "%s.%s", *s ? s : r->id, ext);
}
