#include "ops/contract.h"

#include <string.h>

bool contract_plan_parse(const char *s, contract_plan *out)
{
    if (!s)
        return false;
    if (!strcmp(s, "monthly"))
        *out = PLAN_MONTHLY;
    else if (!strcmp(s, "annual"))
        *out = PLAN_ANNUAL;
    else if (!strcmp(s, "multi-month"))
        *out = PLAN_MULTI;
    else
        return false;
    return true;
}

const char *contract_plan_name(contract_plan p)
{
    return p == PLAN_MONTHLY ? "monthly" : p == PLAN_ANNUAL ? "annual" : "multi-month";
}

cdate contract_start_for(cdate signed_on)
{
    cdate e = cdate_month_end(signed_on);
    return cdate_add_days(e, 1);
}

cdate contract_term_end(cdate start, int months)
{
    return cdate_add_months_end(start, months - 1);
}

cdate contract_deadline(cdate d)
{
    d.d = CONTRACT_DEADLINE_DAY;
    return d;
}

cdate contract_cancel_end(cdate req)
{
    return req.d <= CONTRACT_DEADLINE_DAY ? cdate_month_end(req) : cdate_add_months_end(req, 1);
}

bool contract_renewal_in_time(cdate req, cdate term_end)
{
    return cdate_cmp(req, contract_deadline(term_end)) <= 0;
}

cdate contract_renewed_end(cdate term_end, int months)
{
    return cdate_add_months_end(term_end, months);
}

static int term_months(const contract *c)
{
    if (c->plan == PLAN_MONTHLY)
        return 1;
    if (c->plan == PLAN_ANNUAL)
        return 12;
    return c->months > 0 ? c->months : 1;
}

contract_outcome contract_cancel(const contract *c, cdate req, contract *after)
{
    *after = *c;
    if (cdate_cmp(req, c->signed_on) < 0)
        return CO_BEFORE_SIGNING;
    if (c->has_end && cdate_cmp(req, c->end) > 0)
        return CO_ENDED;
    if (c->plan == PLAN_MONTHLY) {
        cdate e = contract_cancel_end(req);
        if (c->has_end && cdate_cmp(c->end, e) <= 0)
            return CO_UNCHANGED;
        after->has_end = true;
        after->end = e;
        return CO_CHANGED;
    }
    /* fixed term: only a renewal whose term has not started can be undone */
    if (!c->renewed || cdate_cmp(req, c->renewed_from) > 0)
        return CO_UNCHANGED;
    if (!contract_renewal_in_time(req, c->renewed_from))
        return CO_TOO_LATE;
    after->end = c->renewed_from;
    after->renewed = false;
    return CO_CHANGED;
}

contract_outcome contract_renew(const contract *c, cdate req, bool force, contract *after)
{
    *after = *c;
    if (cdate_cmp(req, c->signed_on) < 0)
        return CO_BEFORE_SIGNING;
    if (c->plan == PLAN_MONTHLY) {
        if (!c->has_end)
            return CO_UNCHANGED;
        if (!force) {
            if (cdate_cmp(req, c->end) > 0)
                return CO_ENDED;
            if (cdate_cmp(req, contract_deadline(c->end)) > 0)
                return CO_TOO_LATE;
        }
        after->has_end = false;
        return CO_CHANGED;
    }
    if (c->renewed && cdate_cmp(req, c->renewed_from) <= 0)
        return CO_UNCHANGED;   /* the coming term is already renewed */
    if (!force) {
        if (cdate_cmp(req, c->end) > 0)
            return CO_ENDED;
        if (!contract_renewal_in_time(req, c->end))
            return CO_TOO_LATE;
    }
    after->renewed = true;
    after->renewed_from = c->end;
    after->end = contract_renewed_end(c->end, term_months(c));
    after->has_end = true;
    return CO_CHANGED;
}

contract_due contract_due_in(const contract *c, cdate today, cdate *when)
{
    cdate first = cdate_month_first(today), last = cdate_month_end(today);
    if (c->has_end && cdate_cmp(c->end, first) < 0) {
        *when = c->end;
        return DUE_ENDED;
    }
    if (cdate_cmp(c->start, last) > 0) {
        *when = c->start;
        return DUE_NOT_STARTED;
    }
    if (c->has_end && cdate_cmp(c->end, last) <= 0) {
        *when = c->end;
        return DUE_ENDS;
    }
    if (c->plan == PLAN_MONTHLY ||
        (c->renewed && cdate_cmp(c->renewed_from, first) >= 0 && cdate_cmp(c->renewed_from, last) <= 0)) {
        *when = last;
        return DUE_RENEWS;
    }
    *when = c->end;
    return DUE_NONE;
}

bool contract_ended_before(const contract *c, cdate day)
{
    return c->has_end && cdate_cmp(c->end, day) < 0;
}
