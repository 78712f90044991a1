#include "util/crypto.h"
#include "util/str.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

bool crypto_random(void *out, size_t n)
{
    return n <= 0x7fffffff && RAND_bytes(out, (int)n) == 1;
}

bool crypto_token_hex(size_t nbytes, char *out)
{
    unsigned char b[64];
    if (nbytes > sizeof b || !crypto_random(b, nbytes))
        return false;
    str_hex(b, nbytes, out);
    crypto_wipe(b, sizeof b);
    return true;
}

void crypto_sha256(const void *in, size_t n, unsigned char out[32])
{
    unsigned int len = 32;
    EVP_Digest(in, n, out, &len, EVP_sha256(), NULL);
}

void crypto_key_id(const unsigned char key[CRYPTO_KEY_LEN], unsigned char id[CRYPTO_KEYID_LEN])
{
    unsigned char m[11 + CRYPTO_KEY_LEN], h[32];
    memcpy(m, "genba-keyid", 11);
    memcpy(m + 11, key, CRYPTO_KEY_LEN);
    crypto_sha256(m, sizeof m, h);
    memcpy(id, h, CRYPTO_KEYID_LEN);
    crypto_wipe(m, sizeof m);
}

void crypto_wipe(void *p, size_t n)
{
    OPENSSL_cleanse(p, n);
}

bool crypto_seal(const unsigned char key[CRYPTO_KEY_LEN], const char *ad, const void *in, size_t n,
                 unsigned char *out)
{
    bool ok = false;
    int len;
    if (n > 0x7fffffff - CRYPTO_SEAL_OVERHEAD)
        return false;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return false;
    unsigned char *nonce = out + 1 + CRYPTO_KEYID_LEN, *ct = nonce + 12, *tag = ct + n;
    out[0] = 0x01;
    crypto_key_id(key, out + 1);
    if (!crypto_random(nonce, 12))
        goto fail;
    if (EVP_EncryptInit_ex2(ctx, EVP_aes_256_gcm(), key, nonce, NULL) != 1)
        goto fail;
    if (ad && EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)ad, (int)strlen(ad)) != 1)
        goto fail;
    if (n && EVP_EncryptUpdate(ctx, ct, &len, in, (int)n) != 1)
        goto fail;
    if (EVP_EncryptFinal_ex(ctx, ct + n, &len) != 1)
        goto fail;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
        goto fail;
    ok = true;
fail:
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

bool crypto_blob_key_id(const unsigned char *in, size_t n, unsigned char id[CRYPTO_KEYID_LEN])
{
    if (n < CRYPTO_SEAL_OVERHEAD || in[0] != 0x01)
        return false;
    memcpy(id, in + 1, CRYPTO_KEYID_LEN);
    return true;
}

bool crypto_open(const unsigned char key[CRYPTO_KEY_LEN], const char *ad, const unsigned char *in,
                 size_t n, unsigned char *out)
{
    bool ok = false;
    int len;
    if (n < CRYPTO_SEAL_OVERHEAD || in[0] != 0x01 || n > 0x7fffffff)
        return false;
    unsigned char id[CRYPTO_KEYID_LEN];
    crypto_key_id(key, id);
    if (!str_ct_equal(id, in + 1, CRYPTO_KEYID_LEN))
        return false;
    size_t ctlen = n - CRYPTO_SEAL_OVERHEAD;
    const unsigned char *nonce = in + 1 + CRYPTO_KEYID_LEN, *ct = nonce + 12, *tag = ct + ctlen;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return false;
    if (EVP_DecryptInit_ex2(ctx, EVP_aes_256_gcm(), key, nonce, NULL) != 1)
        goto fail;
    if (ad && EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)ad, (int)strlen(ad)) != 1)
        goto fail;
    if (ctlen && EVP_DecryptUpdate(ctx, out, &len, ct, (int)ctlen) != 1)
        goto fail;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) != 1)
        goto fail;
    if (EVP_DecryptFinal_ex(ctx, out + ctlen, &len) != 1)
        goto fail;
    ok = true;
fail:
    if (!ok && ctlen)
        crypto_wipe(out, ctlen);
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

bool crypto_uuid4(char out[37])
{
    unsigned char b[16];
    if (!crypto_random(b, sizeof b))
        return false;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
             b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return true;
}
