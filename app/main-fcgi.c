/* genba-fcgi: the FastCGI application.
 *
 *   genba-fcgi -c CONFIG        run the master (socket + worker pool)
 *   genba-fcgi --runner -c CONFIG  run one job runner alone (a host without workers)
 *   genba-fcgi --help-config    list every configuration key
 *
 * The master re-executes this program with --worker for each worker and
 * --runner for each job runner.
 */
#include "config.h"
#include "server/pool.h"
#include "server/runner.h"
#include "server/worker.h"
#include "util/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: genba-fcgi [-c CONFIG]   (default $GENBA_CONFIG or /etc/genba/genba.conf)\n"
          "       genba-fcgi --runner [-c CONFIG]   run one background job runner alone\n"
          "       genba-fcgi --help-config   list the configuration keys and defaults\n"
          "       genba-fcgi --version\n",
          f);
}

int main(int argc, char **argv)
{
    const char *config = getenv("GENBA_CONFIG");
    bool worker = false, runner = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc)
            config = argv[++i];
        else if (!strcmp(argv[i], "--worker"))
            worker = true;
        else if (!strcmp(argv[i], "--runner"))
            runner = true;
        else if (!strcmp(argv[i], "--help-config")) {
            config_print_keys();
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            puts("genba-fcgi " PACKAGE_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "genba-fcgi: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!config)
        config = "/etc/genba/genba.conf";
    return runner ? runner_main(config) : worker ? worker_main(config) : pool_main(config);
}
