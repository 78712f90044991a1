#include "auth/password.h"
#include "util/crypto.h"

#include <argon2.h>
#include <string.h>

#define T_COST 2
#define M_COST (19 * 1024)
#define PARALLEL 1
#define SALT_LEN 16
#define HASH_LEN 32

bool password_hash(const char *password, char *out, size_t outlen)
{
    unsigned char salt[SALT_LEN];
    if (!crypto_random(salt, sizeof salt))
        return false;
    return argon2id_hash_encoded(T_COST, M_COST, PARALLEL, password, strlen(password), salt, sizeof salt, HASH_LEN,
                                 out, outlen) == ARGON2_OK;
}

bool password_verify(const char *encoded, const char *password)
{
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
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
