/* mail.h - a small SMTP client for operator mail (notices, maintenance).
 *
 * Plain SMTP (RFC 5321) to one configured server: EHLO (HELO when the
 * server does not know EHLO), optional STARTTLS (certificate and host name
 * verified against the system's CAs or smtp_cafile), optional AUTH PLAIN
 * (only over TLS), then per message MAIL FROM, RCPT TO, DATA with
 * dot-stuffing, and QUIT at the end.  Every connect, read and write is
 * bounded by the timeout.  Messages are RFC 5322 with Date, Message-ID,
 * MIME-Version, an RFC 2047 (=?UTF-8?B?...?=) subject when it is not plain
 * ASCII, text/plain; charset=UTF-8 and a base64 body.
 *
 * A mail_session belongs to one thread.  The builders are pure.
 */
#ifndef GENBA_MAIL_H
#define GENBA_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct arena;

typedef struct mail_cfg {
    const char *host;        /* smtp_host: empty = mail is not configured */
    unsigned port;           /* smtp_port */
    const char *from;        /* smtp_from: envelope sender and From: address */
    const char *user, *password;   /* smtp_user / smtp_password: AUTH PLAIN when user is set */
    bool starttls;           /* smtp_tls = starttls */
    const char *cafile;      /* smtp_cafile: CA bundle for the server's certificate, empty = system */
    unsigned timeout;        /* seconds for connect and for each reply */
} mail_cfg;

typedef struct mail_session mail_session;

/* Connect and greet.  NULL with the reason in err (host, port and the
 * server's answer). */
mail_session *mail_open(const mail_cfg *cfg, char *err, size_t errlen);
/* Send one message to one recipient.  False with the reason in err; when
 * *broken is set the connection is unusable (open a new one). */
bool mail_send(mail_session *s, struct arena *a, const char *to, const char *subject, const char *body, char *err,
               size_t errlen, bool *broken);
/* QUIT (when the connection still works) and free; NULL-safe. */
void mail_close(mail_session **s);

/* A plausible single address (local@domain, no spaces, quotes, angle
 * brackets or control characters; at most 254 bytes). */
bool mail_addr_ok(const char *addr);
/* The header value for text: itself when printable ASCII, else RFC 2047
 * encoded-words of at most 75 characters, split between UTF-8 characters,
 * folded with CRLF SP. */
char *mail_header_text(struct arena *a, const char *text);
/* The whole RFC 5322 message, CRLF line ends, body base64 in 76-column
 * lines.  msgid without angle brackets. */
char *mail_message(struct arena *a, const char *from, const char *to, const char *subject, const char *body,
                   time_t date, const char *msgid);
/* The DATA payload for msg: every line starting with '.' gets another,
 * bare LF becomes CRLF, and the terminating CRLF.CRLF is added. */
char *mail_dot_stuff(struct arena *a, const char *msg);
/* RFC 5322 date: "Thu, 26 Nov 2026 07:01:27 +0000". */
void mail_date(time_t t, char *out, size_t outlen);

#endif
