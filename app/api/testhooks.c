#include "api/testhooks.h"
#include "http/response.h"
#include "server/worker.h"

#include <stdlib.h>
#include <time.h>

void testhook_sleep(request *r)
{
    if (!worker_config()->test_hooks) {
        resp_error(r, 404, "not_found", "There is nothing at this address.");
        return;
    }
    const char *ms_s = req_query(r, "ms");
    long ms = ms_s ? atol(ms_s) : 0;
    if (ms < 0 || ms > 10000)
        ms = 10000;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "slept_ms", json_object_new_int64(ms));
    resp_json(r, 200, o);
}
