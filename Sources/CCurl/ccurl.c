// See include/ccurl.h. libcurl's header gives the types and option numbers; its functions are looked up
// with dlsym, so nothing links against libcurl.
#include "ccurl.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static const char *load_error;
static char load_message[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(load_message, sizeof load_message, "cannot load libcurl (%s); install it: apt-get install libcurl4",
                 dlerror());
        load_error = load_message;
        return;
    }
#define FIND(field, name)                                                                                   \
    if (!(*(void **)&curl.field = dlsym(lib, name))) {                                                     \
        snprintf(load_message, sizeof load_message, "libcurl has no %s; it is too old", name);              \
        load_error = load_message;                                                                           \
        return;                                                                                              \
    }
    FIND(global_init, "curl_global_init")
    FIND(easy_init, "curl_easy_init")
    FIND(easy_setopt, "curl_easy_setopt")
    FIND(easy_perform, "curl_easy_perform")
    FIND(easy_getinfo, "curl_easy_getinfo")
    FIND(easy_cleanup, "curl_easy_cleanup")
    FIND(easy_strerror, "curl_easy_strerror")
    FIND(slist_append, "curl_slist_append")
    FIND(slist_free_all, "curl_slist_free_all")
#undef FIND
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        load_error = "libcurl could not start (curl_global_init failed)";
    }
}

const char *ccurl_load(void) {
    pthread_once(&once, load);
    return load_error;
}

/// A growing buffer that refuses to grow past 64 MiB (a server sending without end).
typedef struct {
    char *data;
    size_t length;
    int overflow;
} buffer;

static size_t append(char *ptr, size_t size, size_t count, void *user) {
    buffer *b = user;
    size_t n = size * count;
    if (b->length + n > (64u << 20)) {
        b->overflow = 1;
        return 0;
    }
    char *grown = realloc(b->data, b->length + n + 1);
    if (!grown) return 0;
    memcpy(grown + b->length, ptr, n);
    b->length += n;
    grown[b->length] = 0;
    b->data = grown;
    return n;
}

int ccurl_perform(const char *method, const char *url, const char *const *headers, size_t header_count,
                  const char *body, size_t body_length, const char *userpwd, const char *ca_file,
                  long timeout_seconds, ccurl_response *out) {
    memset(out, 0, sizeof *out);
    const char *why = ccurl_load();
    if (why) {
        snprintf(out->error, sizeof out->error, "%s", why);
        return -1;
    }
    CURL *h = curl.easy_init();
    if (!h) {
        snprintf(out->error, sizeof out->error, "libcurl could not start a request");
        return -1;
    }
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < header_count; i++) list = curl.slist_append(list, headers[i]);
    buffer content = {0}, head = {0};
    char message[CURL_ERROR_SIZE] = {0};
    curl.easy_setopt(h, CURLOPT_URL, url);
    curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, list);
    if (body_length > 0 || strcmp(method, "PUT") == 0) {
        curl.easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
        curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    }
    if (userpwd) {
        curl.easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl.easy_setopt(h, CURLOPT_USERPWD, userpwd);
    }
    if (ca_file) curl.easy_setopt(h, CURLOPT_CAINFO, ca_file);
    curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_TIMEOUT, timeout_seconds);
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout_seconds < 10 ? timeout_seconds : 10L);
    curl.easy_setopt(h, CURLOPT_USERAGENT, "nudge");
    curl.easy_setopt(h, CURLOPT_ERRORBUFFER, message);
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, append);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, &content);
    curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, append);
    curl.easy_setopt(h, CURLOPT_HEADERDATA, &head);
    CURLcode code = curl.easy_perform(h);
    int result = 0;
    if (code == CURLE_OK) {
        curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
        out->body = content.data;
        out->body_length = content.length;
        out->headers = head.data;
        out->headers_length = head.length;
    } else {
        snprintf(out->error, sizeof out->error, "%s",
                 content.overflow ? "the server sent more than 64 MiB" : (message[0] ? message : curl.easy_strerror(code)));
        free(content.data);
        free(head.data);
        result = -1;
    }
    curl.slist_free_all(list);
    curl.easy_cleanup(h);
    return result;
}

void ccurl_free(ccurl_response *response) {
    free(response->body);
    free(response->headers);
    response->body = response->headers = NULL;
}
