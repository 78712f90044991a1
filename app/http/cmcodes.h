/* cmcodes.h - the ConMas-compatible API's error codes: the one table.
 *
 * Every ConMas API answer that is not a success carries a number (stable,
 * documented in the README's "For integrators") and a name.  Application
 * errors answer HTTP 200 like the original; transport problems keep their
 * HTTP status (413, 415, 503 ...) with the same XML body.  The table is
 * here, below conmas/, because the front line (router.c, maint.c) renders
 * transport errors before a ConMas handler runs: resp_error looks the
 * number up by the name it was given.  Pure and read-only: thread-safe.
 */
#ifndef GENBA_CMCODES_H
#define GENBA_CMCODES_H

typedef struct cm_code_info {
    int code;                /* the number answered in <code> */
    const char *name;        /* the name answered in <name>; what resp_error is called with */
    int http;                /* the HTTP status that goes with it (200: an application error) */
    const char *meaning;     /* for the README's table */
} cm_code_info;

/* Numbers of the application errors, for handlers. */
enum {
    CM_OK = 0,
    CM_NOT_LOGGED_IN = 1,
    CM_SESSION_EXPIRED = 2,
    CM_LOGIN_FAILED = 3,
    CM_LOGIN_THROTTLED = 4,
    CM_API_NOT_ALLOWED = 5,
    CM_PASSWORD_CHANGE = 6,
    CM_COMMAND_MISSING = 10,
    CM_UNKNOWN_COMMAND = 11,
    CM_FIELD_MISSING = 12,
    CM_FIELD_INVALID = 13,
    CM_BAD_XML = 14,
    CM_BAD_ENCODING = 15,
    CM_FILE_MISSING = 16,
    CM_BAD_FILE = 17,
    CM_BAD_ZIP = 18,
    CM_ZIP_LIMITS = 19,
    CM_NOT_FOUND = 20,
    CM_FORBIDDEN = 21,
    CM_CONFLICT = 22,
    CM_VALIDATION = 23,
    CM_QUOTA = 24,
    CM_NO_PAGES = 25,
    CM_UNAVAILABLE = 96,
    CM_INTERNAL = 99,
};

/* Every code (aliases share a number), ending with {0, NULL}. */
extern const cm_code_info cm_codes[];
/* The entry for a number, or NULL. */
const cm_code_info *cm_code_by_number(int code);
/* The number for a name (resp_error's code); unknown names are 99. */
int cm_code_of(const char *name);

#endif
