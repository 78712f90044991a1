#include "tenant/code.h"

#include <stdio.h>
#include <string.h>

/* First path segments that are ours, and names that would confuse people. */
static const char *const reserved[] = {
    "admin", "api", "assets", "ceiling", "conmasapi", "console", "control", "default", "genba", "healthz",
    "help", "login", "logout", "maintenance", "manager", "metrics", "mysql", "null", "readyz", "root",
    "static", "status", "support", "system", "test", "www", NULL,
};

const char *tenant_code_problem(const char *code)
{
    if (!code)
        return "a tenant code is required";
    size_t n = strlen(code);
    if (n < 2 || n > TENANT_CODE_MAX)
        return "a tenant code has 2 to 32 characters";
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return "a tenant code uses only lowercase letters, digits and '-'";
    }
    if (code[0] == '-' || code[n - 1] == '-')
        return "a tenant code cannot start or end with '-'";
    for (const char *const *r = reserved; *r; r++)
        if (!strcmp(*r, code))
            return "that tenant code is reserved";
    return NULL;
}

bool tenant_code_valid(const char *code)
{
    return tenant_code_problem(code) == NULL;
}

void tenant_db_name(const char *code, char *out, size_t outlen)
{
    snprintf(out, outlen, "genba_t_%s", code);
    for (char *p = out; *p; p++)
        if (*p == '-')
            *p = '_';
}

void tenant_db_user(const char *code, char *out, size_t outlen)
{
    tenant_db_name(code, out, outlen);
}
