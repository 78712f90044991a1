#include "server/metrics.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NB (sizeof bounds / sizeof bounds[0])

struct mroute {
    uint64_t status[600];
    uint64_t bucket[NB];
    uint64_t count, sum_us;
};

struct mslot {
    int32_t pid;
    int32_t control_conns, tenant_conns, busy;
};

struct mshm {
    uint64_t magic;
    uint64_t worker_restarts;
    struct mroute routes[METRICS_ROUTES + 1];
    struct mslot slots[METRICS_SLOTS];
};

static struct mshm *shm;

#define ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

int metrics_create(void)
{
    int fd = memfd_create("genba-metrics", 0);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, sizeof(struct mshm)) != 0 || !metrics_attach(fd)) {
        close(fd);
        return -1;
    }
    shm->magic = 0x67656e6261u;
    return fd;
}

bool metrics_attach(int fd)
{
    void *p = mmap(NULL, sizeof(struct mshm), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return false;
    shm = p;
    return true;
}

void metrics_request(int route, int status, uint64_t us)
{
    if (!shm)
        return;
    if (route < 0 || route >= METRICS_ROUTES)
        route = METRICS_ROUTES;
    struct mroute *m = &shm->routes[route];
    if (status < 100 || status > 599)
        status = 500;
    ADD(&m->status[status], 1);
    ADD(&m->count, 1);
    ADD(&m->sum_us, us);
    double s = (double)us / 1e6;
    for (size_t i = 0; i < NB; i++)
        if (s <= bounds[i]) {
            ADD(&m->bucket[i], 1);
            break;
        }
}

void metrics_worker_restart(void)
{
    if (shm)
        ADD(&shm->worker_restarts, 1);
}

void metrics_slot_set(unsigned slot, int pid)
{
    if (!shm || slot >= METRICS_SLOTS)
        return;
    struct mslot *s = &shm->slots[slot];
    STORE(&s->control_conns, 0);
    STORE(&s->tenant_conns, 0);
    STORE(&s->busy, 0);
    STORE(&s->pid, pid);
}

void metrics_slot_clear(unsigned slot)
{
    metrics_slot_set(slot, 0);
}

void metrics_conn(unsigned slot, bool tenant, int delta)
{
    if (!shm || slot >= METRICS_SLOTS)
        return;
    ADD(tenant ? &shm->slots[slot].tenant_conns : &shm->slots[slot].control_conns, delta);
}

void metrics_busy(unsigned slot, int delta)
{
    if (!shm || slot >= METRICS_SLOTS)
        return;
    ADD(&shm->slots[slot].busy, delta);
}

void metrics_render(buf *o, const char *(*route_name)(int))
{
    if (!shm) {
        buf_adds(o, "# metrics unavailable\n");
        return;
    }
    buf_adds(o, "# HELP genba_requests_total Requests answered, by route pattern and status.\n"
                "# TYPE genba_requests_total counter\n");
    for (int r = 0; r <= METRICS_ROUTES; r++) {
        const char *name = r < METRICS_ROUTES ? route_name(r) : "unmatched";
        if (!name)
            continue;
        for (int s = 100; s < 600; s++) {
            uint64_t v = LOAD(&shm->routes[r].status[s]);
            if (v)
                buf_printf(o, "genba_requests_total{route=\"%s\",status=\"%d\"} %llu\n", name, s,
                           (unsigned long long)v);
        }
    }
    buf_adds(o, "# HELP genba_request_duration_seconds Time from accept to the last byte written.\n"
                "# TYPE genba_request_duration_seconds histogram\n");
    for (int r = 0; r <= METRICS_ROUTES; r++) {
        const char *name = r < METRICS_ROUTES ? route_name(r) : "unmatched";
        struct mroute *m = &shm->routes[r];
        uint64_t count = LOAD(&m->count);
        if (!name || !count)
            continue;
        uint64_t cum = 0;
        for (size_t i = 0; i < NB; i++) {
            cum += LOAD(&m->bucket[i]);
            buf_printf(o, "genba_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", name, bounds[i],
                       (unsigned long long)cum);
        }
        buf_printf(o, "genba_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", name,
                   (unsigned long long)count);
        buf_printf(o, "genba_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
                   (double)LOAD(&m->sum_us) / 1e6);
        buf_printf(o, "genba_request_duration_seconds_count{route=\"%s\"} %llu\n", name, (unsigned long long)count);
    }
    int workers = 0;
    long ctl = 0, ten = 0, busy = 0;
    for (int i = 0; i < METRICS_SLOTS; i++) {
        if (!LOAD(&shm->slots[i].pid))
            continue;
        workers++;
        ctl += LOAD(&shm->slots[i].control_conns);
        ten += LOAD(&shm->slots[i].tenant_conns);
        busy += LOAD(&shm->slots[i].busy);
    }
    buf_printf(o, "# HELP genba_worker_restarts_total Workers the master restarted after they died.\n"
                  "# TYPE genba_worker_restarts_total counter\n"
                  "genba_worker_restarts_total %llu\n",
               (unsigned long long)LOAD(&shm->worker_restarts));
    buf_printf(o, "# HELP genba_workers Worker processes running.\n# TYPE genba_workers gauge\ngenba_workers %d\n",
               workers);
    buf_printf(o, "# HELP genba_requests_in_flight Requests being served.\n# TYPE genba_requests_in_flight gauge\n"
                  "genba_requests_in_flight %ld\n", busy);
    buf_printf(o, "# HELP genba_db_connections Open MariaDB connections held by workers.\n"
                  "# TYPE genba_db_connections gauge\n"
                  "genba_db_connections{kind=\"control\"} %ld\n"
                  "genba_db_connections{kind=\"tenant\"} %ld\n",
               ctl, ten);
}
