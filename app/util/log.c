#include "util/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int log_fd = 2;
static char log_path[1024];

bool log_open(const char *path)
{
    if (!path || !*path) {
        log_fd = 2;
        log_path[0] = '\0';
        return true;
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return false;
    snprintf(log_path, sizeof log_path, "%s", path);
    int old = log_fd;
    log_fd = fd;
    if (old > 2)
        close(old);
    return true;
}

void log_reopen(void)
{
    if (log_path[0]) {
        char p[sizeof log_path];
        memcpy(p, log_path, sizeof p);
        log_open(p);
    }
}

void log_timestamp(char *out, unsigned long outlen)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static void log_v(const char *level, const char *fmt, va_list ap)
{
    char line[4096], ts[40];
    log_timestamp(ts, sizeof ts);
    int n = snprintf(line, sizeof line, "%s %s pid=%d ", ts, level, (int)getpid());
    if (n < 0)
        return;
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    if (m < 0)
        return;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    /* one event, one line: fold control characters a caller let through */
    for (size_t i = (size_t)n; i < len; i++)
        if ((unsigned char)line[i] < 0x20)
            line[i] = ' ';
    line[len++] = '\n';
    ssize_t w = write(log_fd, line, len);
    (void)w;
}

#define LOG_FN(name, level)                 \
    void name(const char *fmt, ...)         \
    {                                       \
        va_list ap;                         \
        va_start(ap, fmt);                  \
        log_v(level, fmt, ap);              \
        va_end(ap);                         \
    }
LOG_FN(log_info, "info")
LOG_FN(log_warn, "warn")
LOG_FN(log_error, "error")
