/* pool.h - the genba-fcgi master: socket, workers, signals.
 *
 * The master creates the unix socket (mode and owner from the config), starts
 * `workers` worker processes (fork + exec of this program with --worker),
 * restarts a worker that dies (with backoff while it keeps dying), replaces
 * every worker gracefully on SIGHUP (new generation first, then the old one
 * drains), and on SIGTERM/SIGINT removes the socket, lets workers drain for
 * drain_timeout seconds and exits.  SIGUSR1 reopens the log.  Single-threaded.
 */
#ifndef GENBA_POOL_H
#define GENBA_POOL_H

/* Run the master; returns the process exit status. */
int pool_main(const char *config_path);

#endif
