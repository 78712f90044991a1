/* fcgi-ceiling: the barest FastCGI responder, used by test/bench as the
 * ceiling genba's own answers are compared with.  Same socket kind, same
 * nginx, same thread count; it does nothing but answer "ok".
 *   fcgi-ceiling SOCKET THREADS */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int sock;

static void *loop(void *arg)
{
    (void)arg;
    FCGX_Request r;
    static const char answer[] = "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";
    FCGX_InitRequest(&r, sock, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        FCGX_PutStr(answer, sizeof answer - 1, r.out);
        FCGX_Finish_r(&r);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fcgi-ceiling SOCKET THREADS\n");
        return 2;
    }
    FCGX_Init();
    unlink(argv[1]);
    sock = FCGX_OpenSocket(argv[1], 1024);
    if (sock < 0) {
        fprintf(stderr, "fcgi-ceiling: cannot listen on %s\n", argv[1]);
        return 1;
    }
    chmod(argv[1], 0666);
    int n = atoi(argv[2]);
    if (n < 1)
        n = 1;
    pthread_t t[256];
    for (int i = 0; i < n && i < 256; i++)
        pthread_create(&t[i], NULL, loop, NULL);
    for (int i = 0; i < n && i < 256; i++)
        pthread_join(t[i], NULL);
    return 0;
}
