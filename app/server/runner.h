/* runner.h - a runner process: works background jobs (jobs/run.h).
 *
 * runner_main runs in a process the master started with --runner (or on
 * its own: `genba-fcgi --runner -c CONFIG` on a host that runs no
 * workers, reading the key file itself).  It reads its keyring from an
 * inherited descriptor when the master gave one, drops to `user`, and
 * works jobs until SIGTERM, when it gives its job back to the queue.
 */
#ifndef GENBA_RUNNER_H
#define GENBA_RUNNER_H

/* Entry point of a runner process; returns the exit status. */
int runner_main(const char *config_path);

#endif
