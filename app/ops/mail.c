#include "ops/mail.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/crypto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct mail_session {
    const mail_cfg *cfg;
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    bool esmtp, can_starttls, can_auth_plain, broken;
    char in[8192];
    size_t in_len;
    char reply[512];   /* the last reply, for messages */
};

/* ---------- pure builders ---------- */

bool mail_addr_ok(const char *e)
{
    if (!e)
        return false;
    size_t n = strlen(e);
    const char *at = strrchr(e, '@');
    if (n < 3 || n > 254 || !at || at == e || !at[1] || strchr(e, '@') != at || at - e > 64)
        return false;
    if (!strchr(at + 1, '.') || at[1] == '.' || e[n - 1] == '.')
        return false;
    for (const unsigned char *p = (const unsigned char *)e; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p))
            return false;
    return true;
}

static char *b64(arena *a, const void *in, size_t n)
{
    char *out = arena_alloc(a, 4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    return out;
}

char *mail_header_text(arena *a, const char *text)
{
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < ' ' || *p >= 0x7f)
            plain = false;
    if (plain && !strstr(text, "=?"))
        return arena_strdup(a, text);
    buf b;
    buf_init(&b, a);
    const unsigned char *p = (const unsigned char *)text;
    size_t left = strlen(text);
    while (left) {
        size_t n = left > 45 ? 45 : left;
        while (n < left && n > 0 && (p[n] & 0xc0) == 0x80)   /* never split a character */
            n--;
        if (n == 0)
            n = left > 45 ? 45 : left;
        if (b.len)
            buf_adds(&b, "\r\n ");
        buf_adds(&b, "=?UTF-8?B?");
        buf_adds(&b, b64(a, p, n));
        buf_adds(&b, "?=");
        p += n;
        left -= n;
    }
    return b.data;
}

void mail_date(time_t t, char *out, size_t outlen)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday % 7], tm.tm_mday,
             mo[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

char *mail_message(arena *a, const char *from, const char *to, const char *subject, const char *body, time_t date,
                   const char *msgid)
{
    buf b;
    char d[64];
    buf_init(&b, a);
    mail_date(date, d, sizeof d);
    buf_printf(&b, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n", d, from, to,
               mail_header_text(a, subject), msgid);
    buf_adds(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                 "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
    /* CRLF line ends inside the text, then base64 in 76-column lines */
    buf t;
    buf_init(&t, a);
    for (const char *p = body; *p; p++) {
        if (*p == '\n' && (p == body || p[-1] != '\r'))
            buf_addc(&t, '\r');
        buf_addc(&t, *p);
    }
    for (size_t off = 0; off < t.len; off += 57) {
        size_t n = t.len - off > 57 ? 57 : t.len - off;
        buf_adds(&b, b64(a, t.data + off, n));
        buf_adds(&b, "\r\n");
    }
    return b.data;
}

char *mail_dot_stuff(arena *a, const char *msg)
{
    buf b;
    buf_init(&b, a);
    bool bol = true;
    for (const char *p = msg; *p; p++) {
        if (bol && *p == '.')
            buf_addc(&b, '.');
        if (*p == '\n' && (p == msg || p[-1] != '\r'))
            buf_addc(&b, '\r');
        buf_addc(&b, *p);
        bol = *p == '\n';
    }
    if (b.len && !bol)
        buf_adds(&b, "\r\n");
    buf_adds(&b, ".\r\n");
    return b.data;
}

/* ---------- the connection ---------- */

static void fail(mail_session *s, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s:%u: %s", s->cfg->host, s->cfg->port, what);
}

static bool io_write(mail_session *s, const char *p, size_t n)
{
    while (n) {
        ssize_t w;
        if (s->ssl) {
            int k = SSL_write(s->ssl, p, n > 1 << 20 ? 1 << 20 : (int)n);
            w = k > 0 ? k : -1;
        } else {
            w = send(s->fd, p, n, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
        }
        if (w <= 0) {
            s->broken = true;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static ssize_t io_read(mail_session *s, char *p, size_t n)
{
    if (s->ssl) {
        int k = SSL_read(s->ssl, p, (int)n);
        return k > 0 ? k : -1;
    }
    for (;;) {
        ssize_t r = recv(s->fd, p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        return r;
    }
}

/* One line (without CRLF) into line; false on a timeout or a closed
 * connection. */
static bool read_line(mail_session *s, char *line, size_t linelen)
{
    for (;;) {
        char *nl = memchr(s->in, '\n', s->in_len);
        if (nl) {
            size_t n = (size_t)(nl - s->in) + 1, k = n - 1;
            if (k && s->in[k - 1] == '\r')
                k--;
            if (k >= linelen)
                k = linelen - 1;
            memcpy(line, s->in, k);
            line[k] = '\0';
            memmove(s->in, s->in + n, s->in_len - n);
            s->in_len -= n;
            return true;
        }
        if (s->in_len == sizeof s->in)   /* a line longer than any SMTP line: keep its end */
            s->in_len = 0;
        ssize_t r = io_read(s, s->in + s->in_len, sizeof s->in - s->in_len);
        if (r <= 0) {
            s->broken = true;
            return false;
        }
        s->in_len += (size_t)r;
    }
}

/* Read a whole (multi-line) reply; its code, or 0 when the connection
 * failed.  For EHLO, notes the extensions. */
static int read_reply(mail_session *s, bool ehlo)
{
    char line[1024];
    int code = 0;
    size_t rl = 0;
    s->reply[0] = '\0';
    for (int lines = 0; lines < 200; lines++) {
        if (!read_line(s, line, sizeof line))
            return 0;
        if (strlen(line) < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' || line[1] > '9' || line[2] < '0' ||
            line[2] > '9' || (line[3] && line[3] != ' ' && line[3] != '-')) {
            snprintf(s->reply, sizeof s->reply, "not an SMTP reply: %.80s", line);
            s->broken = true;
            return 0;
        }
        code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        const char *text = line[3] ? line + 4 : "";
        if (rl < sizeof s->reply - 1)
            rl += (size_t)snprintf(s->reply + rl, sizeof s->reply - rl, "%s%d %s", rl ? " / " : "", code, text);
        if (rl >= sizeof s->reply)
            rl = sizeof s->reply - 1;
        if (ehlo && lines > 0) {
            if (!strncasecmp(text, "STARTTLS", 8) && (!text[8] || text[8] == ' '))
                s->can_starttls = true;
            if (!strncasecmp(text, "AUTH", 4) && (text[4] == ' ' || text[4] == '=')) {
                for (const char *p = text + 5; (p = strcasestr(p, "PLAIN")); p += 5)
                    if ((p[-1] == ' ' || p[-1] == '=') && (!p[5] || p[5] == ' '))
                        s->can_auth_plain = true;
            }
        }
        if (line[3] != '-')
            return code;
    }
    s->broken = true;
    return 0;
}

/* Send a command line and read the reply's code (0 when the connection
 * failed). */
static int command(mail_session *s, const char *line, bool ehlo)
{
    if (!io_write(s, line, strlen(line)) || !io_write(s, "\r\n", 2))
        return 0;
    return read_reply(s, ehlo);
}

static bool connect_timeout(mail_session *s, char *err, size_t errlen)
{
    char port[16];
    snprintf(port, sizeof port, "%u", s->cfg->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int g = getaddrinfo(s->cfg->host, port, &hints, &res);
    if (g != 0) {
        char why[200];
        snprintf(why, sizeof why, "cannot resolve the SMTP server: %s", gai_strerror(g));
        fail(s, err, errlen, why);
        return false;
    }
    int last = 0;
    bool timed_out = false;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            struct pollfd pf = {.fd = fd, .events = POLLOUT};
            int pr;
            do
                pr = poll(&pf, 1, (int)s->cfg->timeout * 1000);
            while (pr < 0 && errno == EINTR);
            if (pr == 0) {
                timed_out = true;
                last = ETIMEDOUT;
                close(fd);
                continue;
            }
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
            rc = soerr ? -1 : 0;
            errno = soerr;
        }
        if (rc != 0) {
            last = errno;
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        struct timeval tv = {.tv_sec = s->cfg->timeout};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        s->fd = fd;
        freeaddrinfo(res);
        return true;
    }
    freeaddrinfo(res);
    char why[200];
    snprintf(why, sizeof why, "cannot connect to the SMTP server: %s%s", strerror(last),
             timed_out ? " (connection timed out)" : "");
    fail(s, err, errlen, why);
    return false;
}

static bool start_tls(mail_session *s, char *err, size_t errlen)
{
    char why[700];
    s->ctx = SSL_CTX_new(TLS_client_method());
    if (!s->ctx) {
        fail(s, err, errlen, "cannot set up TLS");
        return false;
    }
    SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, NULL);
    int loaded = s->cfg->cafile && *s->cfg->cafile ? SSL_CTX_load_verify_locations(s->ctx, s->cfg->cafile, NULL)
                                                   : SSL_CTX_set_default_verify_paths(s->ctx);
    if (loaded != 1) {
        snprintf(why, sizeof why, "cannot load the CA certificates (smtp_cafile %s)",
                 s->cfg->cafile && *s->cfg->cafile ? s->cfg->cafile : "unset: system store");
        fail(s, err, errlen, why);
        return false;
    }
    int code = command(s, "STARTTLS", false);
    if (code != 220) {
        snprintf(why, sizeof why, "STARTTLS refused: %s", s->reply);
        fail(s, err, errlen, why);
        return false;
    }
    s->ssl = SSL_new(s->ctx);
    if (!s->ssl || SSL_set_fd(s->ssl, s->fd) != 1) {
        fail(s, err, errlen, "cannot set up TLS");
        return false;
    }
    unsigned char ip[16];
    if (inet_pton(AF_INET, s->cfg->host, ip) == 1 || inet_pton(AF_INET6, s->cfg->host, ip) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl), s->cfg->host);
    } else {
        SSL_set_tlsext_host_name(s->ssl, s->cfg->host);
        SSL_set1_host(s->ssl, s->cfg->host);
    }
    ERR_clear_error();
    if (SSL_connect(s->ssl) != 1) {
        long v = SSL_get_verify_result(s->ssl);
        snprintf(why, sizeof why, "TLS handshake failed: %s",
                 v != X509_V_OK ? X509_verify_cert_error_string(v) : ERR_reason_error_string(ERR_peek_last_error())
                                                                        ? ERR_reason_error_string(ERR_peek_last_error())
                                                                        : "connection closed");
        SSL_free(s->ssl);
        s->ssl = NULL;
        s->broken = true;
        fail(s, err, errlen, why);
        return false;
    }
    s->in_len = 0;   /* nothing read before the handshake may be trusted */
    return true;
}

static bool hello(mail_session *s, const char *name, char *err, size_t errlen)
{
    char line[300], why[700];
    s->can_starttls = s->can_auth_plain = false;
    snprintf(line, sizeof line, "EHLO %s", name);
    int code = command(s, line, true);
    if (code == 250) {
        s->esmtp = true;
        return true;
    }
    if (code >= 500 && code < 600) {   /* an old server: HELO */
        snprintf(line, sizeof line, "HELO %s", name);
        code = command(s, line, false);
        if (code == 250)
            return true;
    }
    snprintf(why, sizeof why, "the server refused the greeting: %s", code ? s->reply : "connection closed");
    fail(s, err, errlen, why);
    return false;
}

mail_session *mail_open(const mail_cfg *cfg, char *err, size_t errlen)
{
    char why[700];
    if (!cfg->host || !*cfg->host) {
        snprintf(err, errlen, "no SMTP server is configured (set smtp_host, smtp_port and smtp_from)");
        return NULL;
    }
    if (!mail_addr_ok(cfg->from)) {
        snprintf(err, errlen, "smtp_from '%s' is not a mail address", cfg->from ? cfg->from : "");
        return NULL;
    }
    signal(SIGPIPE, SIG_IGN);   /* a server hanging up must not kill genbactl (SSL_write) */
    mail_session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = cfg;
    s->fd = -1;
    if (!connect_timeout(s, err, errlen))
        goto bad;
    int code = read_reply(s, false);
    if (code != 220) {
        snprintf(why, sizeof why, "the server did not greet: %s", code ? s->reply : "no answer (timeout or closed)");
        fail(s, err, errlen, why);
        goto bad;
    }
    char name[256] = "localhost";
    if (gethostname(name, sizeof name - 1) != 0 || !name[0] || strpbrk(name, " \r\n"))
        snprintf(name, sizeof name, "localhost");
    name[sizeof name - 1] = '\0';
    if (!hello(s, name, err, errlen))
        goto bad;
    if (cfg->starttls) {
        if (!s->can_starttls) {
            fail(s, err, errlen, "the server does not offer STARTTLS (smtp_tls = starttls requires it)");
            goto bad;
        }
        if (!start_tls(s, err, errlen) || !hello(s, name, err, errlen))
            goto bad;
    }
    if (cfg->user && *cfg->user) {
        if (!s->ssl) {
            fail(s, err, errlen, "refusing to send smtp_password over an unencrypted connection (set smtp_tls = starttls)");
            goto bad;
        }
        if (!s->can_auth_plain) {
            fail(s, err, errlen, "the server does not offer AUTH PLAIN");
            goto bad;
        }
        size_t ul = strlen(cfg->user), pl = cfg->password ? strlen(cfg->password) : 0;
        char *raw = calloc(1, ul + pl + 2), *enc = calloc(1, 4 * ((ul + pl + 4) / 3) + 16);
        char *line = calloc(1, 4 * ((ul + pl + 4) / 3) + 32);
        if (!raw || !enc || !line) {
            free(raw), free(enc), free(line);
            snprintf(err, errlen, "out of memory");
            goto bad;
        }
        memcpy(raw + 1, cfg->user, ul);
        if (pl)
            memcpy(raw + 2 + ul, cfg->password, pl);
        EVP_EncodeBlock((unsigned char *)enc, (unsigned char *)raw, (int)(ul + pl + 2));
        sprintf(line, "AUTH PLAIN %s", enc);
        code = command(s, line, false);
        crypto_wipe(raw, ul + pl + 2);
        crypto_wipe(enc, strlen(enc));
        crypto_wipe(line, strlen(line));
        free(raw), free(enc), free(line);
        if (code != 235) {
            snprintf(why, sizeof why, "authentication as %s failed: %s", cfg->user,
                     code ? s->reply : "connection closed");
            fail(s, err, errlen, why);
            goto bad;
        }
    }
    return s;
bad:
    mail_close(&s);
    return NULL;
}

bool mail_send(mail_session *s, arena *a, const char *to, const char *subject, const char *body, char *err,
               size_t errlen, bool *broken)
{
    char line[400], why[700];
    *broken = false;
    if (!mail_addr_ok(to)) {
        snprintf(err, errlen, "'%s' is not a mail address", to);
        return false;
    }
    if (s->broken) {
        *broken = true;
        fail(s, err, errlen, "the connection was lost");
        return false;
    }
    snprintf(line, sizeof line, "MAIL FROM:<%s>", s->cfg->from);
    int code = command(s, line, false);
    if (code != 250) {
        snprintf(why, sizeof why, "sender refused: %s", code ? s->reply : "connection lost");
        goto refused;
    }
    snprintf(line, sizeof line, "RCPT TO:<%s>", to);
    code = command(s, line, false);
    if (code != 250 && code != 251) {
        snprintf(why, sizeof why, "recipient refused: %s", code ? s->reply : "connection lost");
        goto refused;
    }
    code = command(s, "DATA", false);
    if (code != 354) {
        snprintf(why, sizeof why, "DATA refused: %s", code ? s->reply : "connection lost");
        goto refused;
    }
    unsigned char rnd[12];
    char hex[25];
    crypto_random(rnd, sizeof rnd);
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    const char *domain = strrchr(s->cfg->from, '@') + 1;
    char *msgid = arena_printf(a, "%lld.%s@%s", (long long)time(NULL), hex, domain);
    char *payload = mail_dot_stuff(a, mail_message(a, s->cfg->from, to, subject, body, time(NULL), msgid));
    if (!io_write(s, payload, strlen(payload))) {
        snprintf(why, sizeof why, "connection lost while sending the message");
        goto refused;
    }
    code = read_reply(s, false);
    if (code != 250) {
        snprintf(why, sizeof why, "message refused: %s", code ? s->reply : "no answer (timeout or closed)");
        goto refused;
    }
    return true;
refused:
    fail(s, err, errlen, why);
    if (!s->broken && code >= 400)
        command(s, "RSET", false);   /* leave the session usable for the next recipient */
    if (code == 0)
        s->broken = true;
    *broken = s->broken;
    return false;
}

void mail_close(mail_session **sp)
{
    if (!sp || !*sp)
        return;
    mail_session *s = *sp;
    if (s->fd >= 0 && !s->broken) {
        struct timeval tv = {.tv_sec = 2};   /* a polite QUIT, never a long wait */
        setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        command(s, "QUIT", false);
    }
    if (s->ssl) {
        if (!s->broken)
            SSL_shutdown(s->ssl);
        SSL_free(s->ssl);
    }
    if (s->ctx)
        SSL_CTX_free(s->ctx);
    if (s->fd >= 0)
        close(s->fd);
    free(s);
    *sp = NULL;
}
