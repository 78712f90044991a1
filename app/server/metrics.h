/* metrics.h - counters shared by the master and every worker process.
 *
 * The master creates one shared memory region (memfd) before forking;
 * workers map it from an inherited descriptor.  Counters are updated with
 * relaxed atomics, so any thread of any process may call these functions.
 */
#ifndef GENBA_METRICS_H
#define GENBA_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include "util/buf.h"

#define METRICS_ROUTES 64        /* route table index; the last is "unmatched" */
#define METRICS_SLOTS 512        /* worker slots (two generations during a reload) */

/* Master: create the region; returns its descriptor or -1. */
int metrics_create(void);
/* Worker: map the region behind fd; false when it cannot. */
bool metrics_attach(int fd);
/* Count one answered request (route index -1 = unmatched). */
void metrics_request(int route, int status, uint64_t micros);
void metrics_worker_restart(void);
/* A worker's slot: its pid and the connections it holds open. */
void metrics_slot_set(unsigned slot, int pid);
void metrics_slot_clear(unsigned slot);
void metrics_conn(unsigned slot, bool tenant, int delta);
void metrics_busy(unsigned slot, int delta);
/* Prometheus text exposition; route_name(i) gives the pattern of route i. */
void metrics_render(buf *out, const char *(*route_name)(int));

#endif
