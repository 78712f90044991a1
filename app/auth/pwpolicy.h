/* pwpolicy.h - the rules a new account password must pass (NIST SP 800-63B).
 *
 * 8 to 128 Unicode code points of valid UTF-8 (a combining mark counts as
 * its own code point; no normalisation), no control characters (U+0000 to
 * U+001F, U+007F), spaces allowed, no composition rules; refused when its
 * ASCII lower-case form is in the list of common passwords
 * (common-passwords.txt, compiled in) or when it equals the login ignoring
 * ASCII case.  Pure functions over read-only data: thread-safe.
 */
#ifndef GENBA_PWPOLICY_H
#define GENBA_PWPOLICY_H

#include <stddef.h>

#define PWPOLICY_MIN 8     /* code points */
#define PWPOLICY_MAX 128

typedef enum { PW_OK, PW_TOO_SHORT, PW_TOO_LONG, PW_COMMON, PW_BAD_CHARS, PW_SAME_AS_LOGIN } pw_verdict;

/* Checks in this order: bad characters, length, login, common list.
 * password NULL counts as "", login NULL or "" is not compared. */
pw_verdict pwpolicy_check(const char *password, const char *login);
/* Stable machine code for API errors: "password_too_short", ...;
 * "ok" for PW_OK.  Static strings. */
const char *pwpolicy_code(pw_verdict v);

/* The compiled-in list (common-passwords-data.c): lower case, sorted by
 * strcmp, no duplicates. */
extern const char *const common_passwords[];
extern const size_t common_passwords_count;

#endif
