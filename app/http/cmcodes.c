#include "http/cmcodes.h"

#include <stddef.h>
#include <string.h>

/* Application errors answer HTTP 200; the rest keep their status.  Names
 * listed twice for one number are what the front line calls the same
 * problem in different places. */
const cm_code_info cm_codes[] = {
    {CM_NOT_LOGGED_IN, "not_logged_in", 200, "no session: Login first (no ASP.NET_SessionId cookie sent)"},
    {CM_SESSION_EXPIRED, "session_expired", 200,
     "the session is unknown, was ended by Logout or by an administrator, expired (idle or absolute limit), "
     "or belongs to another tenant: Login again"},
    {CM_LOGIN_FAILED, "login_failed", 200,
     "Login: the login id or the password is not right (the same for unknown ids, disabled users and users "
     "outside their validity dates)"},
    {CM_LOGIN_THROTTLED, "login_throttled", 200,
     "Login: too many failed attempts for this login id or address; the remark says how many seconds to wait"},
    {CM_API_NOT_ALLOWED, "api_not_allowed", 200,
     "Login or any command: the user's groups do not hold the external API permission (`api`)"},
    {CM_PASSWORD_CHANGE, "password_change_required", 200,
     "Login: the user must set a new password in the console first"},
    {CM_COMMAND_MISSING, "command_missing", 200, "no `command` field (form or query)"},
    {CM_UNKNOWN_COMMAND, "unknown_command", 200, "`command` names no command genba knows"},
    {CM_FIELD_MISSING, "field_missing", 200, "a required field is absent or empty (the message names it)"},
    {CM_FIELD_INVALID, "field_invalid", 200, "a field's value is not valid (the message names it and says why)"},
    {CM_BAD_XML, "bad_xml", 200,
     "an XML file is not well-formed, carries a DOCTYPE, entities or external references, or is too deep or large"},
    {CM_BAD_ENCODING, "bad_encoding", 200, "text does not decode in the declared encoding (UTF-8 or Shift_JIS)"},
    {CM_FILE_MISSING, "file_missing", 200, "the command needs a file (`dataFile`) and none was sent"},
    {CM_BAD_FILE, "bad_file", 200,
     "the file cannot be used: an XML without a report (`<top>`), a CSV that does not parse, holds no report or has an empty header cell, a file or batch over the limits"},
    {CM_BAD_ZIP, "bad_zip", 200, "a zip that does not open, or holds an absolute or `..` path"},
    {CM_ZIP_LIMITS, "zip_limits", 200, "a zip with too many entries or too large once unpacked"},
    {CM_NOT_FOUND, "object_not_found", 200,
     "no such definition, report or master for this user in this tenant (also another tenant's ids)"},
    {CM_FORBIDDEN, "forbidden", 200,
     "the user may not do this to this object: AutoGenerate without the right to create the definition's reports, UpdateReport of a report the user may not edit, `updateUser` naming another user without the right to edit the definition's reports"},
    {CM_CONFLICT, "conflict", 200, "the stored state does not allow it (locked, under approval, changed meanwhile)"},
    {CM_VALIDATION, "validation_failed", 200, "values break the definition's rules (each problem listed)"},
    {CM_QUOTA, "quota_exceeded", 200,
     "the tenant's storage quota is used up (AutoGenerate and UpdateReport check it per report, images included); nothing of that report was written"},
    {CM_NO_PAGES, "no_pages", 200, "GetReportFile: pageNo selects no page of the report"},
    {90, "bad_request", 400, "the body could not be read (a malformed form or multipart body)"},
    {90, "bad_form", 400, NULL},
    {90, "bad_path", 400, NULL},
    {91, "not_found", 404, "nothing at this address (a ConMas API URL other than APIExecute.aspx)"},
    {92, "method_not_allowed", 405, "APIExecute.aspx takes POST only"},
    {93, "body_too_large", 413, "the body is larger than the service accepts (`max_body`)"},
    {94, "unsupported_media_type", 415,
     "the body is neither application/x-www-form-urlencoded nor multipart/form-data"},
    {94, "unexpected_body", 415, NULL},
    {95, "maintenance", 503, "maintenance mode: try again after Retry-After seconds"},
    {CM_UNAVAILABLE, "database_unavailable", 503,
     "the tenant's database is not reachable or is being upgraded (Retry-After); nothing was written"},
    {CM_UNAVAILABLE, "schema_outdated", 503, NULL},
    {CM_UNAVAILABLE, "schema_unknown", 503, NULL},
    {97, "tenant_not_found", 404, "no such tenant"},
    {98, "tenant_suspended", 403, "the tenant's service is suspended"},
    {CM_INTERNAL, "internal_error", 500, "an internal error (logged with the request id)"},
    {0, NULL, 0, NULL},
};

const cm_code_info *cm_code_by_number(int code)
{
    for (const cm_code_info *c = cm_codes; c->name; c++)
        if (c->code == code)
            return c;
    return NULL;
}

int cm_code_of(const char *name)
{
    for (const cm_code_info *c = cm_codes; name && c->name; c++)
        if (!strcmp(c->name, name))
            return c->code;
    return CM_INTERNAL;
}
