// libcurl, loaded only when a sync runs: the daemon never maps it while it waits.
#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>

/// What one HTTP exchange gave.
typedef struct {
    /// The HTTP status; 0 when no response came (then `error` says why).
    long status;
    /// The body and the raw header lines, malloc'd; free them with ccurl_free.
    char *body;
    size_t body_length;
    char *headers;
    size_t headers_length;
    /// curl's own words when the exchange failed.
    char error[512];
} ccurl_response;

/// Loads libcurl once. NULL on success, else a sentence saying what is missing.
const char *ccurl_load(void);

/// One request: `method` to `url` with `header_count` header lines and a body (may be empty), Basic
/// credentials `userpwd` ("user:password", may be NULL), `ca_file` to trust instead of the system's (may be
/// NULL), at most `timeout_seconds` in all. Redirects are not followed; only http and https are spoken.
/// Returns 0 when a response came (any status), else -1 with `out->error` set.
int ccurl_perform(const char *method, const char *url, const char *const *headers, size_t header_count,
                  const char *body, size_t body_length, const char *userpwd, const char *ca_file,
                  long timeout_seconds, ccurl_response *out);

/// Frees what ccurl_perform allocated.
void ccurl_free(ccurl_response *response);

#endif
