/* decimal.c - exact decimal arithmetic on base-10 digit strings (see decimal.h).
 *
 * Magnitudes are little-endian digit arrays.  Intermediate work happens in
 * a wider "big" buffer so aligning scales, multiplying and long division
 * never overflow before the result is checked against DEC_DIGITS. */
#include "forms/decimal.h"

#include <string.h>

#define BIG (2 * DEC_DIGITS + 2 * DEC_MAX_SCALE + 8)

typedef struct big {
    int n;                      /* digits in use; d[n-1] != 0 unless n == 0 */
    unsigned char d[BIG];
} big;

static void big_norm(big *b)
{
    while (b->n > 0 && b->d[b->n - 1] == 0)
        b->n--;
}

static void big_from(big *b, const decimal *x, int shift)
{
    memset(b, 0, sizeof *b);
    if (x->n == 0)
        return;
    memcpy(b->d + shift, x->d, (size_t)x->n);
    b->n = x->n + shift;
}

static int big_cmp(const big *a, const big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

/* a += b */
static void big_add(big *a, const big *b)
{
    int n = a->n > b->n ? a->n : b->n, carry = 0;
    for (int i = 0; i < n || carry; i++) {
        int s = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
        a->d[i] = (unsigned char)(s % 10);
        carry = s / 10;
        if (i + 1 > a->n)
            a->n = i + 1;
    }
    big_norm(a);
}

/* a -= b, with a >= b */
static void big_sub(big *a, const big *b)
{
    int borrow = 0;
    for (int i = 0; i < a->n; i++) {
        int s = a->d[i] - borrow - (i < b->n ? b->d[i] : 0);
        borrow = s < 0;
        a->d[i] = (unsigned char)(s + (borrow ? 10 : 0));
    }
    big_norm(a);
}

/* Increment the magnitude by one unit of its last digit. */
static void big_inc(big *a)
{
    big one = {.n = 1, .d = {1}};
    big_add(a, &one);
}

/* Drop the k lowest digits, rounding half up; k >= 1. */
static void big_drop_round(big *a, int k)
{
    bool up = k <= a->n && a->d[k - 1] >= 5;
    if (k >= a->n) {
        memset(a, 0, sizeof *a);
    } else {
        memmove(a->d, a->d + k, (size_t)(a->n - k));
        memset(a->d + a->n - k, 0, (size_t)k);
        a->n -= k;
    }
    if (up)
        big_inc(a);
}

static dec_status to_dec(const big *b, bool neg, int scale, decimal *out)
{
    if (b->n > DEC_DIGITS) {
        dec_zero(out);
        return DEC_OVERFLOW;
    }
    decimal r;
    memset(&r, 0, sizeof r);
    memcpy(r.d, b->d, (size_t)b->n);
    r.n = b->n;
    r.scale = scale;
    r.neg = neg && b->n > 0;
    *out = r;
    return DEC_OK;
}

void dec_zero(decimal *out)
{
    memset(out, 0, sizeof *out);
}

void dec_from_int(decimal *out, long long v)
{
    dec_zero(out);
    unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    out->neg = v < 0;
    while (m) {
        out->d[out->n++] = (unsigned char)(m % 10);
        m /= 10;
    }
}

bool dec_is_zero(const decimal *d)
{
    return d->n == 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Syntax check; sets where the integer and fraction digits are. */
static bool scan(const char *s, bool *neg, const char **ip, size_t *il, const char **fp, size_t *fl)
{
    const char *p = s;
    *neg = *p == '-';
    if (*neg)
        p++;
    if (!is_digit(*p))
        return false;
    *ip = p;
    while (is_digit(*p))
        p++;
    *il = (size_t)(p - *ip);
    *fp = p;
    *fl = 0;
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return false;
        *fp = p;
        while (is_digit(*p))
            p++;
        *fl = (size_t)(p - *fp);
    }
    return *p == '\0';
}

int dec_places_written(const char *s)
{
    bool neg;
    const char *ip, *fp;
    size_t il, fl;
    if (!s || !scan(s, &neg, &ip, &il, &fp, &fl))
        return -1;
    return fl > 1000000 ? 1000000 : (int)fl;
}

dec_status dec_parse(const char *s, decimal *out)
{
    dec_zero(out);
    bool neg;
    const char *ip, *fp;
    size_t il, fl;
    if (!s || !scan(s, &neg, &ip, &il, &fp, &fl))
        return DEC_SYNTAX;
    if (fl > DEC_MAX_SCALE)
        return DEC_TOO_MANY_PLACES;
    while (il > 0 && *ip == '0') {   /* leading zeros carry nothing */
        ip++;
        il--;
    }
    if (il > DEC_SIGNIFICANT)
        return DEC_TOO_MANY_DIGITS;
    decimal r;
    dec_zero(&r);
    r.scale = (int)fl;
    for (size_t i = 0; i < fl; i++)
        r.d[r.n++] = (unsigned char)(fp[fl - 1 - i] - '0');
    for (size_t i = 0; i < il; i++)
        r.d[r.n++] = (unsigned char)(ip[il - 1 - i] - '0');
    while (r.n > 0 && r.d[r.n - 1] == 0)
        r.n--;
    r.neg = neg && r.n > 0;
    if (dec_significant(&r) > DEC_SIGNIFICANT)
        return DEC_TOO_MANY_DIGITS;
    *out = r;
    return DEC_OK;
}

int dec_significant(const decimal *d)
{
    int k = 0;
    while (k < d->scale && k < d->n && d->d[k] == 0)
        k++;
    return d->n - k;
}

void dec_trim(decimal *d)
{
    int k = 0;
    while (k < d->scale && (k >= d->n || d->d[k] == 0))
        k++;
    if (k == 0)
        return;
    if (k >= d->n) {
        memset(d->d, 0, (size_t)d->n);
        d->n = 0;
    } else {
        memmove(d->d, d->d + k, (size_t)(d->n - k));
        memset(d->d + d->n - k, 0, (size_t)k);
        d->n -= k;
    }
    d->scale -= k;
    if (d->n == 0)
        d->neg = false;
}

void dec_neg(decimal *d)
{
    if (d->n)
        d->neg = !d->neg;
}

void dec_abs(decimal *d)
{
    d->neg = false;
}

/* Magnitudes of a and b aligned to the larger scale. */
static int align(const decimal *a, const decimal *b, big *x, big *y)
{
    int s = a->scale > b->scale ? a->scale : b->scale;
    big_from(x, a, s - a->scale);
    big_from(y, b, s - b->scale);
    return s;
}

static dec_status add_signed(const decimal *a, const decimal *b, bool bneg, decimal *out)
{
    big x, y;
    int s = align(a, b, &x, &y);
    if (a->neg == bneg) {
        big_add(&x, &y);
        return to_dec(&x, a->neg, s, out);
    }
    if (big_cmp(&x, &y) >= 0) {
        big_sub(&x, &y);
        return to_dec(&x, a->neg, s, out);
    }
    big_sub(&y, &x);
    return to_dec(&y, bneg, s, out);
}

dec_status dec_add(const decimal *a, const decimal *b, decimal *out)
{
    return add_signed(a, b, b->neg, out);
}

dec_status dec_sub(const decimal *a, const decimal *b, decimal *out)
{
    return add_signed(a, b, b->n ? !b->neg : false, out);
}

dec_status dec_mul(const decimal *a, const decimal *b, decimal *out)
{
    big p;
    memset(&p, 0, sizeof p);
    bool neg = a->neg != b->neg;
    int scale = a->scale + b->scale;
    if (a->n && b->n) {
        for (int i = 0; i < a->n; i++) {
            int carry = 0;
            for (int j = 0; j < b->n || carry; j++) {
                int v = p.d[i + j] + carry + (j < b->n ? a->d[i] * b->d[j] : 0);
                p.d[i + j] = (unsigned char)(v % 10);
                carry = v / 10;
            }
        }
        p.n = a->n + b->n + 1;
        big_norm(&p);
    }
    if (scale > DEC_MAX_SCALE) {
        big_drop_round(&p, scale - DEC_MAX_SCALE);
        scale = DEC_MAX_SCALE;
    }
    return to_dec(&p, neg, scale, out);
}

dec_status dec_div(const decimal *a, const decimal *b, int scale, decimal *out)
{
    if (b->n == 0) {
        dec_zero(out);
        return DEC_DIV_ZERO;
    }
    if (scale < 0)
        scale = 0;
    if (scale > DEC_MAX_SCALE)
        scale = DEC_MAX_SCALE;
    bool neg = a->neg != b->neg;
    /* q = floor(a.m * 10^(b.scale + scale + 1) / (b.m * 10^a.scale)): the
     * quotient with one digit more than wanted, for the rounding. */
    big num, den, rem, q;
    big_from(&num, a, b->scale + scale + 1);
    big_from(&den, b, a->scale);
    memset(&rem, 0, sizeof rem);
    memset(&q, 0, sizeof q);
    for (int i = num.n - 1; i >= 0; i--) {
        /* rem = rem * 10 + digit */
        if (rem.n) {
            memmove(rem.d + 1, rem.d, (size_t)rem.n);
            rem.n++;
        }
        rem.d[0] = num.d[i];
        if (!rem.n && rem.d[0])
            rem.n = 1;
        big_norm(&rem);
        int digit = 0;
        while (big_cmp(&rem, &den) >= 0) {
            big_sub(&rem, &den);
            digit++;
        }
        q.d[i] = (unsigned char)digit;
    }
    q.n = num.n;
    big_norm(&q);
    big_drop_round(&q, 1);
    return to_dec(&q, neg, scale, out);
}

dec_status dec_round(const decimal *a, int places, decimal *out)
{
    if (places > DEC_MAX_SCALE)
        places = DEC_MAX_SCALE;
    if (places < -(DEC_DIGITS - 1))
        places = -(DEC_DIGITS - 1);
    big x;
    if (places >= a->scale) {
        big_from(&x, a, places - a->scale);
        return to_dec(&x, a->neg, places, out);
    }
    big_from(&x, a, 0);
    big_drop_round(&x, a->scale - places);
    if (places < 0 && x.n) {   /* back to units: 13 hundreds -> 1300 */
        memmove(x.d - places, x.d, (size_t)x.n);
        memset(x.d, 0, (size_t)-places);
        x.n -= places;
    }
    return to_dec(&x, a->neg, places < 0 ? 0 : places, out);
}

int dec_cmp(const decimal *a, const decimal *b)
{
    if (a->neg != b->neg)
        return a->neg ? -1 : 1;
    big x, y;
    align(a, b, &x, &y);
    int c = big_cmp(&x, &y);
    return a->neg ? -c : c;
}

size_t dec_format(const decimal *d, char *out, size_t outlen)
{
    char tmp[DEC_STRLEN + DEC_MAX_SCALE];
    size_t k = 0;
    if (d->n && d->neg)
        tmp[k++] = '-';
    int top = d->n > d->scale ? d->n - 1 : d->scale;   /* highest digit position printed */
    for (int i = top; i >= 0; i--) {
        if (i == d->scale - 1)
            tmp[k++] = '.';
        tmp[k++] = (char)('0' + (i < d->n ? d->d[i] : 0));
    }
    tmp[k] = '\0';
    if (outlen) {
        size_t c = k < outlen ? k : outlen - 1;
        memcpy(out, tmp, c);
        out[c] = '\0';
    }
    return k;
}

char *dec_str(arena *a, const decimal *d)
{
    char tmp[DEC_STRLEN + DEC_MAX_SCALE];
    dec_format(d, tmp, sizeof tmp);
    return arena_strdup(a, tmp);
}
