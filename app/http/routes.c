/* routes.c - every URL genba answers (nginx serves /static/ itself).
 * Handlers live in api/ (JSON for tablets and probes) and manager/ (console
 * pages). */
#include "http/router.h"
#include "api/health.h"
#include "api/status.h"
#include "api/testhooks.h"
#include "manager/home.h"

#define JSON "application/json"

const route routes[] = {
    /* method  pattern                        handler           kind          auth        csrf   body */
    {"GET", "/healthz",                       health_live,      KIND_PLAIN,   AUTH_NONE,  false, NULL},
    {"GET", "/readyz",                        health_ready,     KIND_PLAIN,   AUTH_NONE,  false, NULL},
    {"GET", "/metrics",                       health_metrics,   KIND_PLAIN,   AUTH_LOCAL, false, NULL},
    {"GET", "/{tenant}/api/v1/status",        api_status,       KIND_API,     AUTH_NONE,  false, NULL},
    {"GET", "/{tenant}/manager",              manager_home,     KIND_CONSOLE, AUTH_NONE,  false, NULL},
    /* only when test_hooks = 1 (test stacks): a slow request for the drain test */
    {"GET", "/__test/sleep",                  testhook_sleep,   KIND_PLAIN,   AUTH_LOCAL, false, NULL},
};
const int nroutes = (int)(sizeof routes / sizeof routes[0]);
