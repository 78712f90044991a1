/* code.h - tenant codes: 2-32 of [a-z0-9-], not starting or ending with
 * '-', not a reserved word.  Pure and thread-safe. */
#ifndef GENBA_TENANT_CODE_H
#define GENBA_TENANT_CODE_H

#include <stdbool.h>
#include <stddef.h>

#define TENANT_CODE_MAX 32

/* true when code is well-formed and not reserved. */
bool tenant_code_valid(const char *code);
/* Why a code is refused (English), or NULL when it is valid. */
const char *tenant_code_problem(const char *code);
/* Database name for a code: genba_t_<code with '-' as '_'>.  out >= 48. */
void tenant_db_name(const char *code, char *out, size_t outlen);
/* MariaDB account name for a code (same as the database name). */
void tenant_db_user(const char *code, char *out, size_t outlen);

#endif
