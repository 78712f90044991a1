/* util/recio.c - length-framed records on a file descriptor (util/recio.h). */
#include "util/recio.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool recio_sync_close(int *fd)
{
    int f = *fd;
    *fd = -1;
    bool ok = fsync(f) == 0;
    int saved = errno;
    if (close(f) != 0 && ok)
        return false;
    errno = saved;
    return ok;
}

bool recio_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

bool recio_sync_dir_of(const char *path)
{
    char *d = strdup(path);
    bool ok = d && recio_sync_dir(dirname(d));
    free(d);
    return ok;
}

bool recio_write_all(int fd, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

bool recio_write_file(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        return false;
    }
    bool ok = recio_write_all(fd, data, n);
    int saved = errno;
    if (!recio_sync_close(&fd) && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(saved));
        unlink(tmp);
        return false;
    }
    recio_sync_dir_of(path);
    return true;
}

bool recio_read_all(int fd, void *p, size_t n, size_t *got)
{
    unsigned char *b = p;
    *got = 0;
    while (*got < n) {
        ssize_t r = read(fd, b + *got, n - *got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return false;
        if (r == 0)
            break;
        *got += (size_t)r;
    }
    return true;
}

bool recio_put(int fd, const void *p, size_t n, unsigned char len4[RECIO_LEN_BYTES])
{
    unsigned char l[RECIO_LEN_BYTES] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8),
                                        (unsigned char)n};
    if (len4)
        for (int i = 0; i < RECIO_LEN_BYTES; i++)
            len4[i] = l[i];
    return recio_write_all(fd, l, sizeof l) && recio_write_all(fd, p, n);
}

recio_status recio_get_len(int fd, unsigned char len4[RECIO_LEN_BYTES], size_t *got, size_t *len)
{
    *len = 0;
    if (!recio_read_all(fd, len4, RECIO_LEN_BYTES, got))
        return RECIO_IO;
    if (*got < RECIO_LEN_BYTES)
        return *got ? RECIO_TRUNCATED : RECIO_END;
    *len = (size_t)len4[0] << 24 | (size_t)len4[1] << 16 | (size_t)len4[2] << 8 | len4[3];
    return RECIO_OK;
}
