#include "auth/password.h"
#include "util/crypto.h"

#include <argon2.h>
#include <string.h>

#define SALT_LEN 16
#define HASH_LEN 32

static unsigned m_cost = PASSWORD_DEFAULT_MEMORY, t_cost = PASSWORD_DEFAULT_TIME,
                parallel = PASSWORD_DEFAULT_PARALLELISM;

void password_set_cost(unsigned m_kib, unsigned t, unsigned p)
{
    m_cost = m_kib;
    t_cost = t;
    parallel = p;
}

bool password_hash(const char *password, char *out, size_t outlen)
{
    unsigned char salt[SALT_LEN];
    if (!crypto_random(salt, sizeof salt))
        return false;
    return argon2id_hash_encoded(t_cost, m_cost, parallel, password, strlen(password), salt, sizeof salt, HASH_LEN,
                                 out, outlen) == ARGON2_OK;
}

bool password_verify(const char *encoded, const char *password)
{
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

/* Reads "<name>=<decimal>" at *s (no sign, no leading zero, at most
 * 10 digits, fits unsigned) and moves *s past it. */
static bool param(const char **s, const char *name, unsigned *out)
{
    size_t nl = strlen(name);
    const char *p = *s;
    if (strncmp(p, name, nl) || p[nl] != '=')
        return false;
    const char *start = p + nl + 1;
    unsigned long long v = 0;
    for (p = start; *p >= '0' && *p <= '9' && p - start < 11; p++)
        v = v * 10 + (unsigned)(*p - '0');
    if (p == start || (p - start > 1 && *start == '0') || v > 0xffffffffu)
        return false;
    *out = (unsigned)v;
    *s = p;
    return true;
}

bool password_needs_rehash(const char *encoded)
{
    static const char prefix[] = "$argon2id$";
    unsigned v, m, t, p;
    if (!encoded || strncmp(encoded, prefix, sizeof prefix - 1))
        return true;
    const char *s = encoded + sizeof prefix - 1;
    if (!param(&s, "v", &v) || v != ARGON2_VERSION_13 || *s++ != '$')
        return true;
    if (!param(&s, "m", &m) || *s++ != ',' || !param(&s, "t", &t) || *s++ != ',' || !param(&s, "p", &p))
        return true;
    if (*s != '$' || !strchr(s + 1, '$'))   /* salt and hash must follow */
        return true;
    return m < m_cost || t < t_cost || p != parallel;
}

bool password_generate(char *out, size_t n)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"; /* 50 symbols */
    size_t k = 0;
    while (k < n) {
        unsigned char b[32];
        if (!crypto_random(b, sizeof b))
            return false;
        for (size_t i = 0; i < sizeof b && k < n; i++)
            if (b[i] < 250)   /* 250 = 5 * 50: no modulo bias */
                out[k++] = alphabet[b[i] % 50];
    }
    out[n] = '\0';
    return true;
}
