// Where the app is: the tenant is the first segment of its address
// (https://HOST/<tenant>/app/), and the API is beside it.

const m = /^\/([a-z0-9-]{2,32})\/app\//.exec(location.pathname);

/** The tenant code, or null when the app was opened from an address without one. */
export const TENANT = m ? m[1] : null;
export const API_BASE = TENANT ? `/${TENANT}/api/v1` : null;
export const APP_BASE = TENANT ? `/${TENANT}/app/` : null;
