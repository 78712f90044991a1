/* defxml.h - form definitions as XML (definition-xml.md): read, check, write.
 *
 * Reading goes: size limit, a locked-down libxml2 parse (no DOCTYPE, so no
 * entities of any kind; no network; no external loads: the process-wide
 * external entity loader refuses everything; libxml2's default size
 * limits; depth at most DEFXML_MAX_DEPTH), validation against the schema
 * compiled into the program (app/forms/definition.xsd, every violation
 * with its line), bounds on sheets, clusters, items and stages (the
 * checks compare some of them pairwise), then the model (forms/model.h)
 * and the semantic checks (forms/defcheck.h), which again report every
 * problem at once.
 * At most DEFXML_MAX_ERRORS errors are listed, then too_many_errors.
 *
 * Ownership: everything returned (the definition, its strings, error
 * fields and details) is allocated in the caller's arena; libxml2's own
 * memory is freed before returning.  Thread-safety: any number of threads
 * may read and write at once, each with its own arena and errs.  The first
 * call initialises libxml2 once (pthread_once); programs that use libxml2
 * from several threads should call defxml_init() in main before starting
 * them, as libxml2 asks.
 *
 * Error codes added by the reader (field "definition" unless said; line =
 * where the parser or validator stopped; suggested English message):
 *   too_large         The definition is larger than {arg}.
 *   xml_malformed     The file is not well-formed XML: {arg}.
 *   doctype_refused   Definitions may not contain a DOCTYPE (no DTDs or entities).
 *   too_deep          The XML is nested more than {arg} levels deep.
 *   schema            The XML does not follow the definition schema: {arg}.
 *                     field: "sheet S cluster C (name)", "sheet S",
 *                     "approval stage N" or the element's name
 *   too_many_errors   More than {arg} problems: only the first are listed.
 *   too_many_sheets   A definition may have at most {arg} sheets.  (line: <sheets>)
 *   too_many_clusters A definition may have at most {arg} clusters. (line: the first one too many)
 *   too_many_items    A cluster may have at most {arg} items.       (field: the cluster; line: <items>)
 *   too_many_stages   A definition may have at most {arg} approval stages. (line: <approvalStages>)
 *   duplicate_param   The parameter {arg} is given more than once.
 *                     (field: the cluster; line: the repeated element)
 *   internal          The definition schema could not be loaded (a bug).
 * and every code of forms/defcheck.h.
 */
#ifndef GENBA_DEFXML_H
#define GENBA_DEFXML_H

#include <stdbool.h>
#include <stddef.h>

#include "forms/model.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/errs.h"

#define DEFXML_MAX_BYTES (5u * 1024 * 1024)
#define DEFXML_MAX_DEPTH 64
#define DEFXML_MAX_ERRORS 200      /* listed; then too_many_errors */
#define DEFXML_MAX_SHEETS 200
#define DEFXML_MAX_CLUSTERS 10000  /* in all sheets together */
#define DEFXML_MAX_ITEMS 1000      /* per cluster */
#define DEFXML_MAX_STAGES 50       /* approval stages */

/* The schema (definition.xsd) as compiled in, NUL-terminated. */
extern const char defxml_xsd[];
extern const size_t defxml_xsd_len;

/* Initialise libxml2, install the refusing entity loader and compile the
 * schema; idempotent and thread-safe.  false when the schema does not
 * compile (a build problem). */
bool defxml_init(void);

/* Read the definition in xml[0..len).  On success *out is the definition
 * and true is returned.  On any problem the errors are appended to e and
 * false is returned; *out is NULL when the XML could not be read or does
 * not follow the schema, and the (invalid) definition when only the
 * semantic checks failed.  Approval stages' groups are not checked. */
bool defxml_read(arena *a, const char *xml, size_t len, definition **out, errs *e);

/* The same, checking with group_exists (see defcheck_run) that each
 * approval stage names a group of the tenant. */
bool defxml_read_checked(arena *a, const char *xml, size_t len,
                         bool (*group_exists)(void *ctx, const char *name), void *ctx,
                         definition **out, errs *e);

/* Append d as XML to out (buf_init'ed by the caller, in its arena), in one
 * fixed layout: UTF-8, 2-space indent, elements in the order of the
 * specification; per cluster: identity, type, rectangle, the true ones of
 * required/copyOnDuplicate/lockAfterSave, remarks1..10, the parameters in
 * model order, items, fill.  Settings are always written (autoNumber and
 * approvalStages only when present).  Text is escaped (& < > always; " and
 * tab/line breaks in attributes; carriage returns everywhere); control
 * characters XML cannot carry are dropped, and so are parameters whose
 * name the format does not know.  For any d read by defxml_read,
 * read(write(d)) is the same model and write(read(write(d))) the same
 * bytes.  Thread-safe; pure. */
void defxml_write(const definition *d, buf *out);

#endif
