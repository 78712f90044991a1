/* genbactl: the operator's and DBA's tool (no HTTP; same library). */
#include "auth/password.h"
#include "ctl/ctl.h"
#include "util/log.h"

#include <mysql.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fputs("usage: genbactl [-c CONFIG] [--json] COMMAND ...\n"
          "\n"
          "  setup                         create the master key file (0600) if missing, the control\n"
          "                                database, its migrations and the application account\n"
          "  migrate [--tenant CODE]       apply pending migrations (control DB, then each tenant)\n"
          "  tenant create CODE --name NAME --contact EMAIL [--plan monthly|annual|multi-month]\n"
          "                [--months N] [--quota 20GiB] [--users N]\n"
          "                                new tenant: database, account, data key, first administrator\n"
          "  tenant list                   all tenants\n"
          "  tenant show CODE              one tenant: status, contract, storage, schema\n"
          "  tenant suspend CODE [--reason TEXT]   answer 403 for the tenant; nothing is deleted\n"
          "  tenant resume CODE\n"
          "  key rotate-master             new master key; every tenant key re-wrapped\n"
          "  tenant quota CODE SIZE        change a tenant's storage quota (40GiB, 500MiB)\n"
          "  usage                         every tenant's storage against its quota (70 % and more flagged)\n"
          "  tenant cancel|renew CODE [--date YYYY-MM-DD] [--force]\n"
          "                                record a cancellation or renewal request (the 25th rule)\n"
          "  contracts due [--date D]      what renews or ends this month\n"
          "  contracts run [--date D]      daily: suspend tenants whose contract ended (and resume renewed ones)\n"
          "  maintenance schedule --from T --to T --message M [--no-mail]\n"
          "                                announce a window (RFC 3339 times) and mail every active tenant's contacts\n"
          "  maintenance list [--all]      upcoming windows and whether maintenance mode is on\n"
          "  maintenance cancel ID [--no-mail] | notify ID\n"
          "                                cancel a window (contacts told) | mail contacts who missed it\n"
          "  maintenance on [--message M] [--until T] | off\n"
          "                                every tenant answers 503 with Retry-After | back to normal\n"
          "  notice send --tenant CODE|--all --subject S --body-file FILE\n"
          "                                mail registered contacts (each send logged)\n"
          "  notice log [--tenant CODE] [--limit N]   the mails sent\n"
          "  tenant export CODE DIR        everything the tenant owns, decrypted, with a SHA-256 manifest\n"
          "  tenant report-table CODE --format csv|xlsx|xml-zip|pdf-zip [--encoding utf-8|shift_jis] [--ids ID,..] [--definition ID]\n"
          "      [--status S] [--from DAY] [--to DAY] [--lang ja|en] [--as LOGIN] --out FILE|-\n"
          "                                the reports as one table, a row each, or a zip of a file each (FILE.tmp, then renamed)\n"
          "  tenant erase CODE --confirm CODE   drop its database, account, files and keys; prints a certificate\n"
          "  backup run                    encrypted dumps of the control DB and every tenant, checked, then pruning\n"
          "  backup list [--tenant CODE]   generations: time, tags, size, SHA-256\n"
          "  backup verify [--tenant CODE] [GENERATION]   restore into a scratch database and compare checksums\n"
          "  backup extract GENERATION --tenant CODE|--control   the decrypted SQL dump on standard output\n"
          "  restore --tenant CODE GENERATION [--as NEWCODE] [--force]\n"
          "                                one tenant from a backup: in place (suspended) or as a new tenant\n"
          "  job list [--tenant CODE] [--status queued|running|done|failed|cancelled] [--limit N]\n"
          "                                background jobs, newest first: progress, age, the runner working it\n"
          "\n"
          "CONFIG defaults to $GENBA_CONFIG, else /etc/genba/genba.conf.  Exit status: 0 done,\n"
          "1 failed (the message says why), 2 wrong usage.\n",
          f);
}

int main(int argc, char **argv)
{
    ctl c;
    memset(&c, 0, sizeof c);
    const char *config = getenv("GENBA_CONFIG");
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc)
            config = argv[++i];
        else if (!strcmp(argv[i], "--json"))
            c.json = true;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "genbactl: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[i], "help")) {
        usage(stdout);
        return 0;
    }
    for (int k = i; k < argc; k++)
        if (!strcmp(argv[k], "--json"))
            c.json = true;
    if (!config)
        config = "/etc/genba/genba.conf";
    char err[1024];
    if (!config_load(&c.cfg, config, err, sizeof err)) {
        fprintf(stderr, "genbactl: %s\n", err);
        config_free(&c.cfg);   /* config_load's strings live until config_free, failed or not */
        return 1;
    }
    password_set_cost(c.cfg.argon2_memory, c.cfg.argon2_time, c.cfg.argon2_parallelism);
    log_open(NULL);
    c.a = arena_new();
    c.tty = isatty(2);
    struct passwd *pw = getpwuid(getuid());
    c.os_user = pw ? pw->pw_name : "?";
    {
        /* the command line for the audit log, without option values that
         * could hold secrets (none do today, but keep it short) */
        char line[200] = "";
        size_t n = 0;
        for (int k = i; k < argc && n < sizeof line - 1; k++)
            n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", k > i ? " " : "", argv[k]);
        c.command_line = arena_strdup(c.a, line);
    }
    mysql_library_init(0, NULL, NULL);
    const char *cmd = argv[i];
    int sub_argc = argc - i - 1;
    char **sub_argv = argv + i + 1;
    int rc;
    if (!strcmp(cmd, "setup"))
        rc = cmd_setup(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "migrate"))
        rc = cmd_migrate(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "tenant"))
        rc = cmd_tenant(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "key"))
        rc = cmd_key(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "maintenance"))
        rc = cmd_maintenance(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "notice"))
        rc = cmd_notice(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "contracts"))
        rc = cmd_contracts(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "usage"))
        rc = cmd_usage(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "backup"))
        rc = cmd_backup(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "restore"))
        rc = cmd_restore(&c, sub_argc, sub_argv);
    else if (!strcmp(cmd, "job"))
        rc = cmd_job(&c, sub_argc, sub_argv);
    else
        rc = ctl_usage("unknown command '%s'", cmd);
    keyring_wipe(&c.kr);
    arena_free(&c.a);
    config_free(&c.cfg);
    mysql_library_end();
    return rc;
}
