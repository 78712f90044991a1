/* health.h - liveness, readiness and metrics for the operator's probes. */
#ifndef GENBA_HEALTH_H
#define GENBA_HEALTH_H
#include "http/request.h"
/* GET /healthz: the process answers. */
void health_live(request *r);
/* GET /readyz: control DB reachable and its schema current. */
void health_ready(request *r);
/* GET /metrics: Prometheus text, local host only. */
void health_metrics(request *r);
#endif
