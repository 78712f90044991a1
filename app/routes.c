/* routes.c - every URL genba answers (nginx serves /static/ itself).
 * Handlers live in api/ (JSON for tablets, scripts and probes), conmas/ (the
 * ConMas-compatible XML API) and manager/
 * (console pages).  The front line (router.c, guard.c) enforces, in order:
 * size, route and method, content type, tenant, session (auth), the
 * permission named here, and the CSRF token of console forms. */
#include "http/router.h"
#include "api/accesslog.h"
#include "api/attachments.h"
#include "api/account.h"
#include "api/definitions.h"
#include "api/devices.h"
#include "api/exports.h"
#include "api/groups.h"
#include "api/health.h"
#include "api/masters.h"
#include "api/reports.h"
#include "api/reports_flow.h"
#include "api/reports_out.h"
#include "api/sessions.h"
#include "api/settings.h"
#include "api/status.h"
#include "api/testhooks.h"
#include "api/users.h"
#include "manager/accesslog.h"
#include "manager/definitions.h"
#include "manager/account.h"
#include "manager/devices.h"
#include "manager/exports.h"
#include "manager/groups.h"
#include "manager/home.h"
#include "manager/login.h"
#include "manager/masters.h"
#include "manager/reports.h"
#include "manager/report_out.h"
#include "manager/settings.h"
#include "manager/users.h"
#include "manager/maintenance.h"
#include "conmas/conmas.h"

#define JSON "application/json"
#define FORM "application/x-www-form-urlencoded"
#define MULTI "multipart/form-data"
#define CSV "text/csv"
#define DEFBODY "application/xml|text/xml|application/zip"

const route routes[] = {
    /* method  pattern                                   handler               kind          auth              csrf   body   permission */
    {"GET",    "/healthz",                               health_live,          KIND_PLAIN,   AUTH_NONE,        false, NULL,  NULL},
    {"GET",    "/readyz",                                health_ready,         KIND_PLAIN,   AUTH_NONE,        false, NULL,  NULL},
    {"GET",    "/metrics",                               health_metrics,       KIND_PLAIN,   AUTH_LOCAL,       false, NULL,  NULL},
    {"GET",    "/maintenance",                           maint_page,           KIND_CONSOLE, AUTH_NONE,        false, NULL,  NULL},

    /* tablet and script API (tablet-api.md) */
    {"GET",    "/{tenant}/api/v1/status",                api_status,           KIND_API,     AUTH_NONE,        false, NULL,  NULL},
    {"POST",   "/{tenant}/api/v1/sessions",              api_session_create,   KIND_API,     AUTH_NONE,        false, JSON,  NULL},
    {"DELETE", "/{tenant}/api/v1/sessions/current",      api_session_delete,   KIND_API,     AUTH_TOKEN_ANY,   false, NULL,  NULL},
    {"GET",    "/{tenant}/api/v1/me",                    api_me,               KIND_API,     AUTH_TOKEN_ANY,   false, NULL,  NULL},
    {"POST",   "/{tenant}/api/v1/account/password",      api_account_password, KIND_API,     AUTH_TOKEN_ANY,   false, JSON,  NULL},
    {"GET",    "/{tenant}/api/v1/users",                 api_users_list,       KIND_API,     AUTH_TOKEN,       false, NULL,  "users.view"},
    {"POST",   "/{tenant}/api/v1/users",                 api_users_create,     KIND_API,     AUTH_TOKEN,       false, JSON,  "users.edit"},
    {"GET",    "/{tenant}/api/v1/users/export",          api_users_export,     KIND_API,     AUTH_TOKEN,       false, NULL,  "users.view"},
    {"POST",   "/{tenant}/api/v1/users/import",          api_users_import,     KIND_API,     AUTH_TOKEN,       false, CSV,   "users.edit"},
    {"GET",    "/{tenant}/api/v1/users/{id}",            api_users_get,        KIND_API,     AUTH_TOKEN,       false, NULL,  "users.view"},
    {"PUT",    "/{tenant}/api/v1/users/{id}",            api_users_update,     KIND_API,     AUTH_TOKEN,       false, JSON,  "users.edit"},
    {"POST",   "/{tenant}/api/v1/users/{id}/password",   api_users_reset_pw,   KIND_API,     AUTH_TOKEN,       false, JSON,  "users.edit"},
    {"GET",    "/{tenant}/api/v1/users/{id}/sessions",   api_users_sessions,   KIND_API,     AUTH_TOKEN,       false, NULL,  "users.view"},
    {"DELETE", "/{tenant}/api/v1/users/{id}/sessions",   api_users_end_sessions, KIND_API,   AUTH_TOKEN,       false, NULL,  "users.edit"},
    {"GET",    "/{tenant}/api/v1/groups",                api_groups_list,      KIND_API,     AUTH_TOKEN,       false, NULL,  "users.view"},
    {"POST",   "/{tenant}/api/v1/groups",                api_groups_create,    KIND_API,     AUTH_TOKEN,       false, JSON,  "users.edit"},
    {"GET",    "/{tenant}/api/v1/groups/{id}",           api_groups_get,       KIND_API,     AUTH_TOKEN,       false, NULL,  "users.view"},
    {"PUT",    "/{tenant}/api/v1/groups/{id}",           api_groups_update,    KIND_API,     AUTH_TOKEN,       false, JSON,  "users.edit"},
    {"DELETE", "/{tenant}/api/v1/groups/{id}",           api_groups_delete,    KIND_API,     AUTH_TOKEN,       false, NULL,  "users.delete"},
    {"PUT",    "/{tenant}/api/v1/groups/{id}/members",   api_groups_members,   KIND_API,     AUTH_TOKEN,       false, JSON,  "users.edit"},
    {"PUT",    "/{tenant}/api/v1/groups/{id}/permissions", api_groups_perms,   KIND_API,     AUTH_TOKEN,       false, JSON,  "users.edit"},
    {"GET",    "/{tenant}/api/v1/devices",               api_devices_list,     KIND_API,     AUTH_TOKEN,       false, NULL,  "users.view"},
    {"POST",   "/{tenant}/api/v1/devices/{id}/approve",  api_devices_approve,  KIND_API,     AUTH_TOKEN,       false, NULL,  "users.edit"},
    {"POST",   "/{tenant}/api/v1/devices/{id}/revoke",   api_devices_revoke,   KIND_API,     AUTH_TOKEN,       false, NULL,  "users.edit"},
    {"GET",    "/{tenant}/api/v1/settings",              api_settings_get,     KIND_API,     AUTH_TOKEN,       false, NULL,  "settings.view"},
    {"PUT",    "/{tenant}/api/v1/settings",              api_settings_put,     KIND_API,     AUTH_TOKEN,       false, JSON,  "settings.edit"},
    {"GET",    "/{tenant}/api/v1/access-log",            api_accesslog_list,   KIND_API,     AUTH_TOKEN,       false, NULL,  "logs.view"},
    {"GET",    "/{tenant}/api/v1/definitions",           api_definitions_list, KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"POST",   "/{tenant}/api/v1/definitions",           api_definitions_create, KIND_API,   AUTH_TOKEN,       false, DEFBODY, "design"},
    {"GET",    "/{tenant}/api/v1/definitions/{id}",      api_definitions_get,  KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"PUT",    "/{tenant}/api/v1/definitions/{id}",      api_definitions_update, KIND_API,   AUTH_TOKEN,       false, DEFBODY, "design"},
    {"POST",   "/{tenant}/api/v1/definitions/{id}/status", api_definitions_status, KIND_API, AUTH_TOKEN,       false, JSON,  "definitions.edit"},
    {"PUT",    "/{tenant}/api/v1/definitions/{id}/labels", api_definitions_labels, KIND_API, AUTH_TOKEN,       false, JSON,  "definitions.edit"},
    {"GET",    "/{tenant}/api/v1/definitions/{id}/export", api_definitions_export, KIND_API, AUTH_TOKEN,       false, NULL,  "definitions.view"},
    {"GET",    "/{tenant}/api/v1/definitions/{id}/revisions", api_definitions_revisions, KIND_API, AUTH_TOKEN, false, NULL,  "definitions.view"},
    {"GET",    "/{tenant}/api/v1/definitions/{id}/revisions/{rev}/sheets/{no}/background", api_definitions_background, KIND_API, AUTH_TOKEN, false, NULL, NULL},
    {"GET",    "/{tenant}/api/v1/labels",                api_labels_list,      KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"POST",   "/{tenant}/api/v1/labels",                api_labels_create,    KIND_API,     AUTH_TOKEN,       false, JSON,  "definitions.edit"},
    {"POST",   "/{tenant}/api/v1/reports",               api_reports_create,   KIND_API,     AUTH_TOKEN,       false, JSON,  NULL},
    {"GET",    "/{tenant}/api/v1/reports",               api_reports_list,     KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"GET",    "/{tenant}/api/v1/reports/{id}",          api_reports_get,      KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"PUT",    "/{tenant}/api/v1/reports/{id}",          api_reports_update,   KIND_API,     AUTH_TOKEN,       false, JSON,  NULL},
    {"DELETE", "/{tenant}/api/v1/reports/{id}",          api_reports_delete,   KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"GET",    "/{tenant}/api/v1/reports/{id}/history",  api_reports_history,  KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"GET",    "/{tenant}/api/v1/reports/{id}/pdf",      api_reports_pdf,      KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"GET",    "/{tenant}/api/v1/reports/{id}/xlsx",     api_reports_xlsx,     KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"GET",    "/{tenant}/api/v1/reports/{id}/xml",      api_reports_xml,      KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"POST",   "/{tenant}/api/v1/reports/{id}/lock",     api_reports_lock,     KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"DELETE", "/{tenant}/api/v1/reports/{id}/lock",     api_reports_unlock,   KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"POST",   "/{tenant}/api/v1/reports/{id}/approvals", api_reports_approvals, KIND_API,   AUTH_TOKEN,       false, JSON,  NULL},
    {"POST",   "/{tenant}/api/v1/reports/{id}/copy",     api_reports_copy,     KIND_API,     AUTH_TOKEN,       false, JSON,  NULL},
    {"PUT",    "/{tenant}/api/v1/reports/{id}/attachments/{sheet}/{cluster}", api_attachment_put, KIND_API, AUTH_TOKEN, false, "image/png|image/jpeg", NULL},
    {"GET",    "/{tenant}/api/v1/reports/{id}/attachments/{sheet}/{cluster}", api_attachment_get, KIND_API, AUTH_TOKEN, false, NULL, NULL},
    {"POST",   "/{tenant}/api/v1/exports",               api_exports_create,   KIND_API,     AUTH_TOKEN,       false, JSON,  NULL},
    {"GET",    "/{tenant}/api/v1/exports",               api_exports_list,     KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"POST",   "/{tenant}/api/v1/exports/full",          api_exports_full,     KIND_API,     AUTH_TOKEN,       false, NULL,  "admin"},
    {"GET",    "/{tenant}/api/v1/exports/{id}",          api_exports_get,      KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"DELETE", "/{tenant}/api/v1/exports/{id}",          api_exports_cancel,   KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"GET",    "/{tenant}/api/v1/exports/{id}/file",     api_exports_file,     KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"GET",    "/{tenant}/api/v1/masters",               api_masters_list,     KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},
    {"POST",   "/{tenant}/api/v1/masters",               api_masters_upload,   KIND_API,     AUTH_TOKEN,       false, CSV,   "definitions.edit"},
    {"GET",    "/{tenant}/api/v1/masters/{id}/records",  api_masters_records,  KIND_API,     AUTH_TOKEN,       false, NULL,  NULL},

    /* the ConMas-compatible API (conmas-api.md): one URL, the command in the body */
    {"POST",   "/{tenant}/ConMasAPI/Rests/APIExecute.aspx", conmas_execute,    KIND_CONMAS,  AUTH_NONE,        false, FORM "|" MULTI, NULL},

    /* console (server-rendered pages) */
    {"GET",    "/{tenant}/manager",                      manager_home,         KIND_CONSOLE, AUTH_SESSION,     false, NULL,  NULL},
    {"GET",    "/{tenant}/manager/login",                manager_login_form,   KIND_CONSOLE, AUTH_NONE,        false, NULL,  NULL},
    {"POST",   "/{tenant}/manager/login",                manager_login,        KIND_CONSOLE, AUTH_NONE,        true,  FORM,  NULL},
    {"POST",   "/{tenant}/manager/logout",               manager_logout,       KIND_CONSOLE, AUTH_SESSION_ANY, true,  FORM,  NULL},
    {"GET",    "/{tenant}/manager/account",              manager_account,      KIND_CONSOLE, AUTH_SESSION_ANY, false, NULL,  NULL},
    {"POST",   "/{tenant}/manager/account/password",     manager_account_password, KIND_CONSOLE, AUTH_SESSION_ANY, true, FORM, NULL},
    {"POST",   "/{tenant}/manager/account/language",     manager_account_language, KIND_CONSOLE, AUTH_SESSION_ANY, true, FORM, NULL},
    {"GET",    "/{tenant}/manager/users",                manager_users,        KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "users.view"},
    {"GET",    "/{tenant}/manager/users/new",            manager_user_new,     KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "users.edit"},
    {"POST",   "/{tenant}/manager/users/new",            manager_user_create,  KIND_CONSOLE, AUTH_SESSION,     true,  FORM,  "users.edit"},
    {"GET",    "/{tenant}/manager/users/export.csv",     manager_users_export, KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "users.view"},
    {"GET",    "/{tenant}/manager/users/import",         manager_users_import_form, KIND_CONSOLE, AUTH_SESSION, false, NULL, "users.edit"},
    {"POST",   "/{tenant}/manager/users/import",         manager_users_import, KIND_CONSOLE, AUTH_SESSION,     true,  MULTI, "users.edit"},
    {"GET",    "/{tenant}/manager/users/{id}",           manager_user,         KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "users.view"},
    {"POST",   "/{tenant}/manager/users/{id}",           manager_user_update,  KIND_CONSOLE, AUTH_SESSION,     true,  MULTI, "users.edit"},
    {"POST",   "/{tenant}/manager/users/{id}/password",  manager_user_reset_pw, KIND_CONSOLE, AUTH_SESSION,    true,  FORM,  "users.edit"},
    {"POST",   "/{tenant}/manager/users/{id}/sessions/end", manager_user_end_sessions, KIND_CONSOLE, AUTH_SESSION, true, FORM, "users.edit"},
    {"GET",    "/{tenant}/manager/users/{id}/seal",      manager_user_seal,    KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "users.view"},
    {"GET",    "/{tenant}/manager/groups",               manager_groups,       KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "users.view"},
    {"POST",   "/{tenant}/manager/groups",               manager_group_create, KIND_CONSOLE, AUTH_SESSION,     true,  FORM,  "users.edit"},
    {"GET",    "/{tenant}/manager/groups/{id}",          manager_group,        KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "users.view"},
    {"POST",   "/{tenant}/manager/groups/{id}",          manager_group_update, KIND_CONSOLE, AUTH_SESSION,     true,  FORM,  "users.edit"},
    {"POST",   "/{tenant}/manager/groups/{id}/delete",   manager_group_delete, KIND_CONSOLE, AUTH_SESSION,     true,  FORM,  "users.delete"},
    {"GET",    "/{tenant}/manager/devices",              manager_devices,      KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "users.view"},
    {"POST",   "/{tenant}/manager/devices/{id}/approve", manager_device_approve, KIND_CONSOLE, AUTH_SESSION,   true,  FORM,  "users.edit"},
    {"POST",   "/{tenant}/manager/devices/{id}/revoke",  manager_device_revoke, KIND_CONSOLE, AUTH_SESSION,    true,  FORM,  "users.edit"},
    {"GET",    "/{tenant}/manager/settings",             manager_settings,     KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "settings.view"},
    {"POST",   "/{tenant}/manager/settings",             manager_settings_save, KIND_CONSOLE, AUTH_SESSION,    true,  FORM,  "settings.edit"},
    {"GET",    "/{tenant}/manager/log",                  manager_log,          KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "logs.view"},
    {"GET",    "/{tenant}/manager/log.csv",              manager_log_csv,      KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "logs.view"},

    {"GET",    "/{tenant}/manager/definitions",          manager_definitions,  KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "definitions.view"},
    {"POST",   "/{tenant}/manager/definitions",          manager_definition_upload, KIND_CONSOLE, AUTH_SESSION, true, MULTI, "design"},
    {"POST",   "/{tenant}/manager/labels",               manager_label_create, KIND_CONSOLE, AUTH_SESSION,     true,  FORM,  "definitions.edit"},
    {"GET",    "/{tenant}/manager/definitions/{id}",     manager_definition,   KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "definitions.view"},
    {"POST",   "/{tenant}/manager/definitions/{id}",     manager_definition_revise, KIND_CONSOLE, AUTH_SESSION, true, MULTI, "design"},
    {"POST",   "/{tenant}/manager/definitions/{id}/status", manager_definition_status, KIND_CONSOLE, AUTH_SESSION, true, FORM, "definitions.edit"},
    {"POST",   "/{tenant}/manager/definitions/{id}/labels", manager_definition_labels, KIND_CONSOLE, AUTH_SESSION, true, FORM, "definitions.edit"},
    {"POST",   "/{tenant}/manager/definitions/{id}/permissions", manager_definition_perms, KIND_CONSOLE, AUTH_SESSION, true, FORM, "users.edit"},
    {"GET",    "/{tenant}/manager/definitions/{id}/export", manager_definition_export, KIND_CONSOLE, AUTH_SESSION, false, NULL, "definitions.view"},
    {"GET",    "/{tenant}/manager/definitions/{id}/revisions/{rev}/sheets/{no}/background", manager_definition_background, KIND_CONSOLE, AUTH_SESSION, false, NULL, "definitions.view"},
    {"GET",    "/{tenant}/manager/masters",              manager_masters,      KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "definitions.view"},
    {"POST",   "/{tenant}/manager/masters",              manager_master_upload, KIND_CONSOLE, AUTH_SESSION,    true,  MULTI, "definitions.edit"},
    {"GET",    "/{tenant}/manager/masters/{id}",         manager_master,       KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "definitions.view"},

    {"GET",    "/{tenant}/manager/reports",              manager_reports,      KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "reports.view"},
    {"GET",    "/{tenant}/manager/exports",              manager_exports,      KIND_CONSOLE, AUTH_SESSION,     false, NULL,  NULL},
    {"POST",   "/{tenant}/manager/exports",              manager_exports_start, KIND_CONSOLE, AUTH_SESSION,    true,  FORM,  "reports.view"},
    {"GET",    "/{tenant}/manager/exports/status",       manager_exports_status, KIND_CONSOLE, AUTH_SESSION,   false, NULL,  NULL},
    {"POST",   "/{tenant}/manager/exports/full",         manager_exports_full, KIND_CONSOLE, AUTH_SESSION,     true,  FORM,  "admin"},
    {"POST",   "/{tenant}/manager/exports/{id}/cancel",  manager_exports_cancel, KIND_CONSOLE, AUTH_SESSION,   true,  FORM,  NULL},
    {"GET",    "/{tenant}/manager/exports/{id}/file",    manager_exports_file, KIND_CONSOLE, AUTH_SESSION,     false, NULL,  NULL},
    {"GET",    "/{tenant}/manager/reports/{id}",         manager_report,       KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "reports.view"},
    {"POST",   "/{tenant}/manager/reports/{id}",         manager_report_save,  KIND_CONSOLE, AUTH_SESSION,     true,  FORM,  "reports.edit"},
    {"POST",   "/{tenant}/manager/reports/{id}/approvals", manager_report_approval, KIND_CONSOLE, AUTH_SESSION, true, FORM, "reports.view"},
    {"POST",   "/{tenant}/manager/reports/{id}/remarks", manager_report_remarks, KIND_CONSOLE, AUTH_SESSION,   true,  FORM,  "reports.edit"},
    {"POST",   "/{tenant}/manager/reports/{id}/copy",    manager_report_copy,  KIND_CONSOLE, AUTH_SESSION,     true,  FORM,  "reports.edit"},
    {"POST",   "/{tenant}/manager/reports/{id}/delete",  manager_report_delete, KIND_CONSOLE, AUTH_SESSION,    true,  FORM,  "reports.delete"},
    {"GET",    "/{tenant}/manager/reports/{id}/attachments/{sheet}/{cluster}", manager_report_attachment, KIND_CONSOLE, AUTH_SESSION, false, NULL, "reports.view"},
    {"GET",    "/{tenant}/manager/reports/{id}/pdf",     manager_report_pdf,   KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "reports.view"},
    {"GET",    "/{tenant}/manager/reports/{id}/xlsx",    manager_report_xlsx,  KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "reports.view"},
    {"GET",    "/{tenant}/manager/reports/{id}/xml",     manager_report_xml,   KIND_CONSOLE, AUTH_SESSION,     false, NULL,  "reports.view"},

    /* only when test_hooks = 1 (test stacks): a slow request for the drain test */
    {"GET",    "/__test/sleep",                          testhook_sleep,       KIND_PLAIN,   AUTH_LOCAL,       false, NULL,  NULL},
};
const int nroutes = (int)(sizeof routes / sizeof routes[0]);
