/* page.h - console pages rendered with ClearSilver.
 *
 * Templates live in templates_dir and render with Config.VarEscapeMode=html,
 * so every value set here is escaped on output; C never builds markup.
 * Message catalogs templates/lang/<lang>.hdf are loaded once per thread
 * (page_thread_init) and copied under "L." in each page.
 */
#ifndef GENBA_PAGE_H
#define GENBA_PAGE_H

#include "http/request.h"

typedef struct page page;

/* Once per process, before threads (ClearSilver's nerr_init). */
void page_global_init(void);
/* Load the catalogs for this thread.  False with a message when a catalog
 * is missing or malformed. */
bool page_thread_init(const char *templates_dir, char *err, size_t errlen);
void page_thread_end(void);
/* "ja" or "en" from an Accept-Language header (highest q wins, en default). */
const char *page_pick_lang(const char *accept_language);
/* A page in the request's language with the common values set: Lang,
 * Tenant.*, and for a signed-in user User.*, CSRF (the form token) and
 * Perm.<name with _ for .> = 1 for each permission held (navigation). */
page *page_new(request *r);
void page_set(page *p, const char *name, const char *value);
void page_set_int(page *p, const char *name, long v);
/* Copy a JSON value under name: objects by member, arrays by index
 * (name.0, name.1, ...), booleans as 1/0, null as nothing. */
struct json_object;
void page_set_json(page *p, const char *name, struct json_object *v);
/* Field errors as Errors.<field> = message in the page's language. */
struct errs;
void page_set_errors(page *p, request *r, const struct errs *e);
/* Render template (relative to templates_dir) and send it; frees *p. */
void page_render(request *r, int status, page **p, const char *tmpl);
/* Render template tmpl (a path under the templates folder) into out (in
 * r->a) and free *p; false (logged) when the template fails. */
bool page_render_buf(request *r, page **pp, const char *tmpl, buf *out);
void page_free(page **p);
/* The console error page. */
void page_error(request *r, int status, const char *code, const char *message);
/* The message for an error code in lang ("err.<code>"), with its detail:
 * "{arg}" in the message is replaced by arg, or arg is added in
 * parentheses when the message has no place for it.  In a. */
struct arena;
const char *page_err_message(struct arena *a, const char *lang, const char *code, const char *arg);
/* A message from the catalog of lang ("error.404.title"), or NULL. */
const char *page_msg(const char *lang, const char *key);

#endif
