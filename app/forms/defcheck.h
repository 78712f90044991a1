/* defcheck.h - the semantic checks of a form definition (definition-xml.md).
 *
 * defcheck_run looks at a whole definition and reports EVERY problem it
 * finds, not only the first, into the caller's errs (field strings and
 * details are allocated in e->a).  It reads the model only: no database,
 * no files, no global state, so it is thread-safe as long as the arena of
 * e belongs to the calling thread.  Formulas are checked elsewhere
 * (formula_check_definition); here a Calculate only needs a `formula`.
 *
 * Each error carries a field naming where the problem is:
 *   "sheet S cluster C (name)"   a cluster on sheet S; line = its <cluster> element
 *   "sheet S"                    a sheet; line = its <sheet> element
 *   "approval stage N"           the N-th <stage> (counted from 1)
 *   "autoNumber", "availableFrom", "availableUntil"
 * Lines come from the model (def_cluster.line, def_sheet.line); the XML
 * reader adds lines for the settings-level fields, which the model has no
 * line for.
 *
 * Codes (suggested English message; {arg} = field_err.arg):
 *   duplicate_sheet       Sheet number {arg} is used by another sheet.
 *   bad_size              The sheet's {arg} must be 1 to 20000 points.
 *   bad_background        The background file name "{arg}" is not allowed: use
 *                         a plain name ending in .png, .jpg or .jpeg (at most
 *                         100 characters, no folders, not starting with ".").
 *   duplicate_cluster_id  Cluster id {arg} is used twice on this sheet.
 *   sheet_mismatch        The cluster says sheet {arg}, but it is on another sheet.
 *   rect_outside          The cluster's {arg} edge is outside the sheet (0 to 1).
 *   rect_inverted         The cluster's rectangle is empty or upside down
 *                         (top must be above bottom, left before right).
 *   param_not_allowed     This type of cluster cannot have the parameter {arg}.
 *   duplicate_param       The parameter {arg} is given more than once.
 *   param_missing         This cluster needs the parameter {arg} (Approve: stage;
 *                         MasterSelect: master; TimeCalculate: start, end).
 *   formula_missing       A Calculate cluster needs a formula.
 *   bad_number            {arg} must be a decimal number (at most 15 significant digits).
 *                         (Numeric minimum/maximum/normalMinimum/normalMaximum/
 *                         default: -?digits[.digits]; integer parameters of a
 *                         model not read from XML)
 *   bad_date              {arg} must be a date (YYYY-MM-DD), today, or today+N / today-N.
 *   min_above_max         The lower limit {arg} is above its upper limit.
 *   bad_decimal_places    Decimal places must be 0 to 10.
 *   bad_max_length        The maximum length must be 1 to 10000 characters.
 *   bad_charset           Unknown character set "{arg}": use any, alphanumeric, digits or ascii.
 *   bad_pattern           The pattern is not a valid regular expression: {arg}.
 *   items_missing         This cluster needs at least one item (Select, Toggle,
 *                         MultipleChoice, NumericSelect; a Select with `master`
 *                         takes its items from master data).
 *   duplicate_item        The item value "{arg}" appears more than once.
 *   bad_item_value        The item value "{arg}" is not allowed (empty, or with
 *                         tabs, line breaks or control characters).
 *   item_not_numeric      The item value "{arg}" is not a number.
 *   multiple_defaults     More items are marked as default than can be chosen
 *                         (one; for MultipleChoice at most maxSelected).
 *   selected_above_items  {arg} is larger than the number of items.
 *   stage_order           Approval stages must be numbered 1, 2, 3... in order (found {arg}).
 *   unknown_group         The approval stage names the group "{arg}", which does not exist.
 *   unknown_stage         There is no approval stage {arg}.
 *   bad_autonumber        The automatic number's {arg} is not valid (digits 1 to
 *                         12, date only of yyyy yy MM dd and - _ ., start 0 or
 *                         more, step 1 or more).
 *   bad_reference         {arg} must name a Time cluster as C(sheet,cluster).
 *   bad_fill              The fill names cluster {arg}, which is not another
 *                         cluster of this sheet.
 */
#ifndef GENBA_DEFCHECK_H
#define GENBA_DEFCHECK_H

#include <stdbool.h>

#include "forms/model.h"
#include "util/arena.h"
#include "util/errs.h"

/* Limits the checks apply. */
#define DEF_MAX_SIZE 20000         /* sheet width and height, points */
#define DEF_MAX_DECIMALS 10
#define DEF_MAX_TEXT_LENGTH 10000  /* KeyboardText/CodeReader maxLength */
#define DEF_MAX_SIGNIFICANT 15     /* digits of a decimal limit */
#define DEF_MAX_BACKGROUND_NAME 100

/* Run every check.  group_exists (may be NULL: groups are then not
 * checked) answers whether the tenant has a group of that name; it is
 * called once per approval stage with ctx. */
void defcheck_run(const definition *d, bool (*group_exists)(void *ctx, const char *name), void *ctx,
                  errs *e);

/* The type parameters in the format's order: every cluster child that is
 * not identity, rectangle, required/copyOnDuplicate/lockAfterSave or
 * remarksN.  "items" and "fill" are in the list although the model keeps
 * them apart (def_item, def_fill).  Static strings. */
extern const char *const defcheck_param_names[];
extern const int defcheck_nparams;
/* The static name from that list equal to name, or NULL when unknown. */
const char *defcheck_param_name(const char *name);
/* true when a cluster of type t may carry parameter name (common ones
 * included: required, copyOnDuplicate, lockAfterSave, default, remarksN). */
bool defcheck_param_allowed(cluster_type t, const char *name);

/* A background file name the format accepts (see bad_background). */
bool defcheck_background_ok(const char *name);

/* The field label of a cluster on sheet sheet_no (the sheet it is on,
 * whatever its own sheetNo says): "sheet 1 cluster 6 (pressure)", in a. */
const char *defcheck_cluster_field(arena *a, int sheet_no, const def_cluster *c);

/* Decimal strings -?[0-9]+(.[0-9]+)? compared exactly, without binary
 * floats: <0, 0, >0 (-0 equals 0; trailing fraction zeros do not count).
 * Both must pass defcheck_is_decimal. */
bool defcheck_is_decimal(const char *s);
int defcheck_deccmp(const char *a, const char *b);

#endif
