/* dbproc.c - mariadb-dump and mariadb as child processes (see dbproc.h). */
#include "ops/dbproc.h"
#include "util/recio.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* An option-file value: double-quoted, with \ and " escaped. */
static void opt_value(buf *b, const char *name, const char *v)
{
    buf_printf(b, "%s=\"", name);
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            buf_addc(b, '\\');
        buf_addc(b, *v);
    }
    buf_adds(b, "\"\n");
}

static int option_memfd(const ops_env *e, char *err, size_t errlen)
{
    const genba_config *c = e->cfg;
    buf b;
    buf_init(&b, e->a);
    buf_adds(&b, "[client]\n");
    opt_value(&b, "user", c->admin_user);
    if (c->admin_password && c->admin_password[0])
        opt_value(&b, "password", c->admin_password);
    if (c->db_host && c->db_host[0]) {
        opt_value(&b, "host", c->db_host);
        buf_printf(&b, "port=%u\nprotocol=tcp\n", c->db_port);
    } else {
        opt_value(&b, "socket", c->db_socket);
    }
    int fd = memfd_create("genba-client-options", MFD_CLOEXEC);
    /* 0400: the client programs ignore an option file others may write */
    bool ok = fd >= 0 && fchmod(fd, 0400) == 0 && write(fd, b.data, b.len) == (ssize_t)b.len &&
              lseek(fd, 0, SEEK_SET) == 0;
    memset(b.data, 0, b.len);
    if (!ok) {
        snprintf(err, errlen, "cannot prepare the client options: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Start prog with args; dump: its stdout is ours to read; else its stdin is
 * ours to write. */
static bool spawn(const ops_env *e, const char *prog, const char *const *args, bool dump, ops_child *ch, char *err,
                  size_t errlen)
{
    memset(ch, 0, sizeof *ch);
    ch->pid = -1;
    ch->fd = ch->errfd = -1;
    ch->what = prog;
    int p[2] = {-1, -1};
    int opt = option_memfd(e, err, errlen);
    if (opt < 0)
        return false;
    char tmpl[] = "/tmp/genba-stderr.XXXXXX";
    int efd = mkostemp(tmpl, O_CLOEXEC);
    if (efd >= 0)
        unlink(tmpl);
    if (efd < 0 || pipe2(p, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot start %s: %s", prog, strerror(errno));
        close(opt);
        if (efd >= 0)
            close(efd);
        return false;
    }
    signal(SIGPIPE, SIG_IGN);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start %s: %s", prog, strerror(errno));
        close(opt);
        close(efd);
        close(p[0]);
        close(p[1]);
        return false;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        int in = dump ? open("/dev/null", O_RDONLY) : p[0];
        int out = dump ? p[1] : open("/dev/null", O_WRONLY);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(efd, 2) < 0 || dup2(opt, 3) < 0)
            _exit(126);
        closefrom(4);
        char *argv[32];
        size_t n = 0;
        argv[n++] = (char *)prog;
        argv[n++] = (char *)"--defaults-file=/dev/fd/3";
        for (const char *const *a = args; *a && n < 31; a++)
            argv[n++] = (char *)*a;
        argv[n] = NULL;
        execvp(prog, argv);
        dprintf(2, "cannot run %s: %s (install the Debian package mariadb-client)\n", prog, strerror(errno));
        _exit(127);
    }
    close(opt);
    ch->pid = pid;
    ch->errfd = efd;
    if (dump) {
        close(p[1]);
        ch->fd = p[0];
    } else {
        close(p[0]);
        ch->fd = p[1];
    }
    return true;
}

bool ops_dump_start(const ops_env *e, const char *db, ops_child *ch, char *err, size_t errlen)
{
    if (!db_ident_ok(db)) {
        snprintf(err, errlen, "unsafe database name");
        return false;
    }
    const char *args[] = {"--single-transaction", "--routines", "--triggers", "--no-tablespaces", "--skip-dump-date",
                          "--default-character-set=utf8mb4", "--max-allowed-packet=1G", db, NULL};
    return spawn(e, "mariadb-dump", args, true, ch, err, errlen);
}

bool ops_load_start(const ops_env *e, const char *db, ops_child *ch, char *err, size_t errlen)
{
    if (!db_ident_ok(db)) {
        snprintf(err, errlen, "unsafe database name");
        return false;
    }
    const char *args[] = {"--binary-mode", "--batch", "--default-character-set=utf8mb4", "--max-allowed-packet=1G",
                          db, NULL};
    return spawn(e, "mariadb", args, false, ch, err, errlen);
}

static void err_tail(int fd, char *out, size_t len)
{
    out[0] = '\0';
    if (fd < 0)
        return;
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > 600 ? end - 600 : 0;
    char b[601];
    ssize_t n = pread(fd, b, 600, from);
    if (n <= 0)
        return;
    b[n] = '\0';
    /* one line: the last non-empty lines, newlines as "; " */
    char *s = b;
    while (*s == '\n' || *s == ' ')
        s++;
    size_t o = 0;
    for (; *s && o + 3 < len; s++) {
        if (*s == '\n') {
            if (s[1] && o + 3 < len) {
                out[o++] = ';';
                out[o++] = ' ';
            }
        } else if ((unsigned char)*s >= 0x20) {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
}

bool ops_child_wait(ops_child *ch, char *err, size_t errlen)
{
    if (ch->fd >= 0) {
        close(ch->fd);
        ch->fd = -1;
    }
    int status = 0;
    bool ok = false;
    if (ch->pid > 0) {
        while (waitpid(ch->pid, &status, 0) < 0 && errno == EINTR)
            ;
        ch->pid = -1;
        ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    if (!ok) {
        char tail[400];
        err_tail(ch->errfd, tail, sizeof tail);
        if (WIFSIGNALED(status))
            snprintf(err, errlen, "%s was killed by signal %d%s%s", ch->what, WTERMSIG(status), tail[0] ? ": " : "", tail);
        else
            snprintf(err, errlen, "%s failed (exit status %d)%s%s", ch->what, WEXITSTATUS(status), tail[0] ? ": " : "",
                     tail);
    }
    if (ch->errfd >= 0) {
        close(ch->errfd);
        ch->errfd = -1;
    }
    return ok;
}

void ops_child_kill(ops_child *ch)
{
    if (!ch)
        return;
    if (ch->fd >= 0) {
        close(ch->fd);
        ch->fd = -1;
    }
    if (ch->pid > 0) {
        kill(ch->pid, SIGTERM);
        while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        ch->pid = -1;
    }
    if (ch->errfd >= 0) {
        close(ch->errfd);
        ch->errfd = -1;
    }
}

bool ops_dump_to_file(const ops_env *e, const char *db, const char *path, const bk_key *key, const char *gen,
                      bk_stats *st, char *err, size_t errlen)
{
    ops_child ch;
    bk_writer *w = bk_writer_new(path, key, gen, err, errlen);
    if (!w)
        return false;
    if (!ops_dump_start(e, db, &ch, err, errlen)) {
        bk_writer_abort(&w);
        return false;
    }
    size_t cap = 256 * 1024;
    unsigned char *b = malloc(cap);
    bool ok = b != NULL;
    if (!ok)
        snprintf(err, errlen, "out of memory");
    while (ok) {
        ssize_t n = read(ch.fd, b, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read from mariadb-dump: %s", strerror(errno));
            ok = false;
            break;
        }
        if (n == 0)
            break;
        ok = bk_writer_add(w, b, (size_t)n, err, errlen);
    }
    free(b);
    if (!ok) {
        ops_child_kill(&ch);
        bk_writer_abort(&w);
        return false;
    }
    if (!ops_child_wait(&ch, err, errlen)) {
        bk_writer_abort(&w);
        return false;
    }
    return bk_writer_finish(&w, st, err, errlen);
}

typedef struct load_sink {
    int fd;
    int err;
} load_sink;

static bool to_loader(void *arg, const void *p, size_t n)
{
    load_sink *s = arg;
    if (!recio_write_all(s->fd, p, n)) {
        s->err = errno;
        return false;
    }
    return true;
}

bool ops_load_file(const ops_env *e, const char *path, const bk_key *key, const char *gen, const char *db,
                   bk_status *bst, bk_stats *st, char *err, size_t errlen)
{
    ops_child ch;
    *bst = BK_OK;
    if (!ops_load_start(e, db, &ch, err, errlen))
        return false;
    load_sink s = {.fd = ch.fd};
    *bst = bk_read(path, key, gen, to_loader, &s, st, err, errlen);
    if (*bst != BK_OK) {
        if (*bst == BK_SINK) {
            /* the loader stopped reading: its own message says why */
            if (!ops_child_wait(&ch, err, errlen))
                return false;
            snprintf(err, errlen, "mariadb stopped reading the dump (%s)", strerror(s.err));
            return false;
        }
        ops_child_kill(&ch);
        return false;
    }
    return ops_child_wait(&ch, err, errlen);
}
