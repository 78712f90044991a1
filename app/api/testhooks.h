/* testhooks.h - routes that exist only when the configuration says
 * test_hooks = 1 (the test stack); otherwise they answer 404. */
#ifndef GENBA_TESTHOOKS_H
#define GENBA_TESTHOOKS_H
#include "http/request.h"
/* GET /__test/sleep?ms=N (N <= 10000): answers after N ms. */
void testhook_sleep(request *r);
#endif
