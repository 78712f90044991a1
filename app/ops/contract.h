/* contract.h - the contract rules of operations.md, as pure date functions.
 *
 *  - A contract starts on the first day of the month after signing.
 *  - monthly: renews by itself at every month's end.  A cancellation takes
 *    effect at the end of the month it arrives in when it arrives by the
 *    25th, else at the end of the next month.  Withdrawing a cancellation
 *    (a renewal) must also arrive by the 25th of the month it would end in.
 *  - annual (12 months) and multi-month (N months): end at the end of
 *    their term unless renewed by the 25th of the term's last month; a
 *    renewal adds one more term.  A renewal for the coming term can be
 *    withdrawn (a cancellation) by that same 25th; after it, it binds.
 *
 * Every function is pure and thread-safe.
 */
#ifndef GENBA_CONTRACT_H
#define GENBA_CONTRACT_H

#include <stdbool.h>
#include "util/cdate.h"

typedef enum contract_plan { PLAN_MONTHLY, PLAN_ANNUAL, PLAN_MULTI } contract_plan;

#define CONTRACT_DEADLINE_DAY 25

typedef struct contract {
    contract_plan plan;
    int months;          /* term length: 1 monthly, 12 annual, N multi-month */
    cdate signed_on;
    cdate start;         /* first day of the month after signed_on */
    bool has_end;        /* monthly: cancelled; fixed terms: always */
    cdate end;           /* last day of service */
    /* fixed terms: a renewal for the term after `renewed_from` was
     * recorded (end = renewed_from + one term) */
    bool renewed;
    cdate renewed_from;
} contract;

/* "monthly", "annual", "multi-month". */
bool contract_plan_parse(const char *s, contract_plan *out);
const char *contract_plan_name(contract_plan p);

/* The first day of the month after signing. */
cdate contract_start_for(cdate signed_on);
/* Last day of a term of `months` months that starts on `start`. */
cdate contract_term_end(cdate start, int months);
/* The 25th of the month of d: the last day a request takes effect at that
 * month's end. */
cdate contract_deadline(cdate d);
/* monthly: the last day of service after a cancellation requested on req. */
cdate contract_cancel_end(cdate req);
/* fixed term ending term_end: is a renewal requested on req in time? */
bool contract_renewal_in_time(cdate req, cdate term_end);
/* The end of the next term after term_end. */
cdate contract_renewed_end(cdate term_end, int months);

typedef enum contract_outcome {
    CO_CHANGED,       /* *after is the new state */
    CO_UNCHANGED,     /* nothing to do: already so */
    CO_TOO_LATE,      /* after the 25th of the month concerned */
    CO_ENDED,         /* the contract ended before the request */
    CO_BEFORE_SIGNING /* request dated before the contract was signed */
} contract_outcome;

/* A cancellation requested on req.  monthly: set the end by the 25th rule
 * (an earlier end already recorded stays: CO_UNCHANGED).  fixed terms: a
 * recorded renewal whose term has not started is withdrawn when req is by
 * the 25th of the current term's last month (else CO_TOO_LATE); without
 * one the contract already ends at its term (CO_UNCHANGED). */
contract_outcome contract_cancel(const contract *c, cdate req, contract *after);
/* A renewal requested on req.  fixed terms: one more term when in time
 * (CO_TOO_LATE after the 25th, CO_ENDED after the end; force accepts both
 * and still extends from the term's end); a second renewal before the
 * renewed term starts is CO_UNCHANGED.  monthly: withdraws a cancellation
 * when by the 25th of the month it ends in (else CO_TOO_LATE / CO_ENDED,
 * force accepts); without one, CO_UNCHANGED (it renews by itself). */
contract_outcome contract_renew(const contract *c, cdate req, bool force, contract *after);

typedef enum contract_due {
    DUE_NONE,         /* nothing happens this month */
    DUE_NOT_STARTED,  /* starts after this month */
    DUE_RENEWS,       /* runs on into next month (monthly, or a renewed term) */
    DUE_ENDS,         /* its last day is in this month */
    DUE_ENDED,        /* ended before this month */
} contract_due;

/* What happens to c in the month of today; *when = the month's end for
 * DUE_RENEWS, the last day for DUE_ENDS and DUE_ENDED. */
contract_due contract_due_in(const contract *c, cdate today, cdate *when);
/* Has c ended before day (so a daily job on day suspends it)? */
bool contract_ended_before(const contract *c, cdate day);

#endif
