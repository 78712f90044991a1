#include "tenant/keys.h"
#include "util/recio.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool read_key_file(const char *path, unsigned char key[CRYPTO_KEY_LEN], bool *missing, char *err,
                          size_t errlen)
{
    *missing = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        *missing = errno == ENOENT;
        snprintf(err, errlen, "cannot open key file %s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    char text[130];
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
        snprintf(err, errlen, "key file %s is readable by group or others: chmod 600 %s", path, path);
        close(fd);
        return false;
    }
    n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n < 64) {
        snprintf(err, errlen, "key file %s is too short (64 hex digits expected)", path);
        return false;
    }
    text[n] = '\0';
    str_trim(text);
    bool ok = strlen(text) == 64 && str_unhex(text, key, CRYPTO_KEY_LEN);
    crypto_wipe(text, sizeof text);
    if (!ok)
        snprintf(err, errlen, "key file %s does not hold 64 hex digits", path);
    return ok;
}

bool keyring_write_file(const char *path, const unsigned char key[CRYPTO_KEY_LEN], char *err, size_t errlen)
{
    char text[66];
    str_hex(key, CRYPTO_KEY_LEN, text);
    text[64] = '\n';
    text[65] = '\0';
    bool ok = recio_write_file(path, text, 65, err, errlen);
    crypto_wipe(text, sizeof text);
    return ok;
}

bool keyring_create_file(const char *path, bool *created, char *err, size_t errlen)
{
    *created = false;
    if (access(path, F_OK) == 0)
        return true;
    unsigned char key[CRYPTO_KEY_LEN];
    if (!crypto_random(key, sizeof key)) {
        snprintf(err, errlen, "the random number generator failed");
        return false;
    }
    bool ok = keyring_write_file(path, key, err, errlen);
    crypto_wipe(key, sizeof key);
    *created = ok;
    return ok;
}

bool keyring_load(keyring *kr, const char *path, char *err, size_t errlen)
{
    memset(kr, 0, sizeof *kr);
    bool missing;
    if (!read_key_file(path, kr->keys[0], &missing, err, errlen))
        return false;
    kr->n = 1;
    const char *sfx[] = {".new", ".prev"};
    for (unsigned i = 0; i < 2; i++) {
        char p[4096], e2[256];
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        if (read_key_file(p, kr->keys[kr->n], &missing, e2, sizeof e2))
            kr->n++;
        else if (!missing) {
            snprintf(err, errlen, "%s", e2);
            return false;
        }
    }
    return true;
}

bool keyring_to_fd(const keyring *kr, int fd)
{
    unsigned char n = (unsigned char)kr->n;
    return write(fd, &n, 1) == 1 &&
           write(fd, kr->keys, (size_t)kr->n * CRYPTO_KEY_LEN) == (ssize_t)(kr->n * CRYPTO_KEY_LEN);
}

bool keyring_from_fd(keyring *kr, int fd)
{
    unsigned char n;
    memset(kr, 0, sizeof *kr);
    if (read(fd, &n, 1) != 1 || n == 0 || n > KEYRING_MAX)
        return false;
    size_t want = (size_t)n * CRYPTO_KEY_LEN, got = 0;
    while (got < want) {
        ssize_t r = read(fd, (unsigned char *)kr->keys + got, want - got);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    kr->n = n;
    return true;
}

void keyring_wipe(keyring *kr)
{
    crypto_wipe(kr, sizeof *kr);
}

static void master_ad(char *ad, size_t len, const char *tenant, const char *purpose)
{
    snprintf(ad, len, "genba/master|%s|%s", tenant, purpose);
}

bool keys_wrap(const keyring *kr, const char *tenant, const char *purpose, const void *in, size_t n,
               unsigned char *out)
{
    char ad[256];
    if (kr->n == 0)
        return false;
    master_ad(ad, sizeof ad, tenant, purpose);
    return crypto_seal(kr->keys[0], ad, in, n, out);
}

bool keys_unwrap(const keyring *kr, const char *tenant, const char *purpose, const unsigned char *in,
                 size_t n, unsigned char *out)
{
    char ad[256];
    unsigned char want[CRYPTO_KEYID_LEN], id[CRYPTO_KEYID_LEN];
    if (!crypto_blob_key_id(in, n, want))
        return false;
    master_ad(ad, sizeof ad, tenant, purpose);
    for (unsigned i = 0; i < kr->n; i++) {
        crypto_key_id(kr->keys[i], id);
        if (!memcmp(id, want, sizeof id))
            return crypto_open(kr->keys[i], ad, in, n, out);
    }
    return false;
}

static void data_ad(char *ad, size_t len, const char *tenant, const char *purpose, const char *object_id)
{
    snprintf(ad, len, "genba/data|%s|%s|%s", tenant, purpose, object_id ? object_id : "");
}

bool tenant_seal(const unsigned char datakey[CRYPTO_KEY_LEN], const char *tenant, const char *purpose,
                 const char *object_id, const void *in, size_t n, unsigned char *out)
{
    char ad[512];
    data_ad(ad, sizeof ad, tenant, purpose, object_id);
    return crypto_seal(datakey, ad, in, n, out);
}

bool tenant_open(const unsigned char datakey[CRYPTO_KEY_LEN], const char *tenant, const char *purpose,
                 const char *object_id, const unsigned char *in, size_t n, unsigned char *out)
{
    char ad[512];
    data_ad(ad, sizeof ad, tenant, purpose, object_id);
    return crypto_open(datakey, ad, in, n, out);
}
