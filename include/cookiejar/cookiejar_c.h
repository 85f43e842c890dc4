/* The cookie jar from C: an opaque jar handle, plain C types, result codes.
 * What other languages' bindings and plain-C HTTP clients link against; a
 * thin layer over the C++ API (cookie_jar.h), with the same rules and the
 * same thread safety (every function may be called from any thread, on the
 * same jar at once; free a jar only when no other call uses it).
 *
 * Strings are NUL-terminated UTF-8 (or bytes, for cookie values). Strings
 * the library returns are allocated for the caller: release them with
 * cookiejar_free, and cookie lists with cookiejar_cookie_list_free.
 *
 * Example:
 *   cookiejar_jar* jar = cookiejar_jar_new("chromium");
 *   cookiejar_set_cookie(jar, "https://bank.example/login",
 *                        "sessionid=abc; Secure; HttpOnly", NULL, NULL);
 *   char* header = NULL;
 *   if (cookiejar_cookie_header(jar, "https://bank.example/transfer", NULL,
 *                               &header) == COOKIEJAR_OK) {
 *     printf("Cookie: %s\n", header);   // sessionid=abc
 *     cookiejar_free(header);
 *   }
 *   cookiejar_jar_free(jar);
 */

#ifndef COOKIEJAR_COOKIEJAR_C_H_
#define COOKIEJAR_COOKIEJAR_C_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cookiejar_result {
  COOKIEJAR_OK = 0,
  /* The cookie was not stored: the reasons say why. */
  COOKIEJAR_REFUSED = 1,
  /* The URL is not an absolute http, https, ws or wss URL. */
  COOKIEJAR_INVALID_URL = 2,
  /* A required argument is NULL, or a name (of browser rules) is unknown. */
  COOKIEJAR_INVALID_ARGUMENT = 3,
  /* A file could not be read or written, or is not a cookies.txt;
     cookiejar_last_error() says which and why. */
  COOKIEJAR_FILE_ERROR = 4,
  COOKIEJAR_OUT_OF_MEMORY = 5,
} cookiejar_result;

/* The library's version, "MAJOR.MINOR.PATCH". */
const char* cookiejar_version(void);

/* A message about the last error of a call on this thread ("" if none). */
const char* cookiejar_last_error(void);

/* Releases a string returned by the library. NULL is allowed. */
void cookiejar_free(void* pointer);

typedef struct cookiejar_jar cookiejar_jar;

/* A source of "now", in microseconds since 1970-01-01T00:00:00Z. */
typedef int64_t (*cookiejar_clock_fn)(void* user);

/* A new, empty jar that follows the browser rules named `rules`: "chromium"
   (also NULL), "firefox", "rfc6265-minimum" or "unlimited". NULL for unknown
   rules.
   With `clock`, the jar asks it for the time (tests); it must outlive the
   jar. */
cookiejar_jar* cookiejar_jar_new(const char* rules);
cookiejar_jar* cookiejar_jar_new_with_clock(const char* rules, cookiejar_clock_fn clock,
                                            void* user);
void cookiejar_jar_free(cookiejar_jar* jar);

/* Where a request sits in the browser; NULL where a function takes one
   means a first-party HTTP request (what a plain HTTP client makes). */
typedef struct cookiejar_request {
  /* Nonzero for a navigation of the top-level window (the address bar). */
  int top_level_navigation;
  /* The top-level page's URL for subresources and frames; NULL: none. */
  const char* top_level_url;
  /* The URL of the page that started the request; NULL: the user did. */
  const char* initiator_url;
  /* The HTTP method; NULL: "GET". */
  const char* method;
  /* Nonzero for the script API (document.cookie): no HttpOnly cookies. */
  int script;
  /* The frames between the top-level page and the request, outermost
     first (see CookieOptions::frame_ancestors); may be NULL when 0. */
  const char* const* frame_ancestors;
  size_t frame_ancestor_count;
  /* The earlier URLs of the request's redirect chain, oldest first; may be
     NULL when 0. */
  const char* const* redirect_chain;
  size_t redirect_chain_length;
  /* For cookiejar_set_cookie: the response's Date header, which corrects
     Expires by the server's clock as browsers do; NULL: none. */
  const char* server_date;
} cookiejar_request;

/* Stores the cookie of one Set-Cookie header value received from `url`.
   COOKIEJAR_OK when stored (or when, already expired, it deleted its match);
   COOKIEJAR_REFUSED with `*reasons` (if not NULL) set to the bit set of
   reasons (bit i: cookiejar_reason_name(i)). */
cookiejar_result cookiejar_set_cookie(cookiejar_jar* jar, const char* url, const char* set_cookie,
                                      const cookiejar_request* request, uint32_t* reasons);

/* The Cookie header value for a request to `url` in `*header` ("" when no
   cookie applies: send no Cookie header). */
cookiejar_result cookiejar_cookie_header(cookiejar_jar* jar, const char* url,
                                         const cookiejar_request* request, char** header);

/* The SameSite context of a request, from least to most permissive
   (same_site.h): which cookies it may send or set by their SameSite. */
enum {
  COOKIEJAR_CONTEXT_CROSS_SITE = 0,        /* SameSite=None only */
  COOKIEJAR_CONTEXT_LAX_METHOD_UNSAFE = 1, /* cross-site navigation, unsafe method */
  COOKIEJAR_CONTEXT_LAX = 2,               /* cross-site navigation, safe method */
  COOKIEJAR_CONTEXT_STRICT = 3,            /* same-site: every cookie */
};

/* What the jar decides about a request (cookie_request.h's ResolvedRequest). */
typedef struct cookiejar_resolved_request {
  int same_site;             /* COOKIEJAR_CONTEXT_* of the cookies it sends */
  int same_site_for_setting; /* ... of the cookies its response sets */
  int third_party;           /* nonzero: a third-party request */
  /* The partition: its top-level site ("https://example.com"), allocated
     for the caller (cookiejar_free), and whether it has the cross-site
     ancestor bit. */
  char* partition_site;
  int partition_cross_site_ancestor;
} cookiejar_resolved_request;

/* Resolves the request to `url` that `request` describes (NULL: a
   first-party HTTP request) by the jar's rules, as every call taking a
   request does: COOKIEJAR_INVALID_URL when a URL does not parse (or a list
   is NULL with a count, or holds a NULL), with cookiejar_last_error()
   naming it. */
cookiejar_result cookiejar_resolve_request(cookiejar_jar* jar, const char* url,
                                           const cookiejar_request* request,
                                           cookiejar_resolved_request* resolved);

/* "cross-site", "lax-method-unsafe", "lax" or "strict" for a
   COOKIEJAR_CONTEXT_* value, or NULL. */
const char* cookiejar_same_site_context_name(int context);

/* The short name of reason bit `bit` ("secure_only"), or NULL. */
const char* cookiejar_reason_name(int bit);
/* The names of the reasons in `reasons`, joined by ", " ("include" for 0). */
char* cookiejar_reasons_string(uint32_t reasons);

enum {
  COOKIEJAR_SAME_SITE_UNSPECIFIED = 0,
  COOKIEJAR_SAME_SITE_NONE = 1,
  COOKIEJAR_SAME_SITE_LAX = 2,
  COOKIEJAR_SAME_SITE_STRICT = 3,
};
enum { COOKIEJAR_PRIORITY_LOW = 0, COOKIEJAR_PRIORITY_MEDIUM = 1, COOKIEJAR_PRIORITY_HIGH = 2 };
#define COOKIEJAR_SESSION INT64_MAX /* expiry_us of a session cookie */

typedef struct cookiejar_cookie {
  const char* name;
  const char* value;
  const char* domain; /* Without a leading dot; see host_only. */
  const char* path;
  int64_t expiry_us;  /* COOKIEJAR_SESSION for a session cookie. */
  int64_t creation_us;
  int64_t last_access_us;
  int host_only;
  int secure;
  int http_only;
  int same_site; /* COOKIEJAR_SAME_SITE_* */
  int priority;  /* COOKIEJAR_PRIORITY_* */
  /* The partition's top-level site ("https://example.com") of a partitioned
     cookie, else NULL. */
  const char* partition_site;
  /* cookiejar_explain: 0 when the cookie would be sent, else why not. */
  uint32_t reasons;
} cookiejar_cookie;

typedef struct cookiejar_cookie_list cookiejar_cookie_list;
size_t cookiejar_cookie_list_size(const cookiejar_cookie_list* list);
/* The cookie at `index` (< size), valid until the list is freed. */
const cookiejar_cookie* cookiejar_cookie_list_at(const cookiejar_cookie_list* list, size_t index);
void cookiejar_cookie_list_free(cookiejar_cookie_list* list);

/* Every unexpired cookie of the jar. */
cookiejar_result cookiejar_all_cookies(cookiejar_jar* jar, cookiejar_cookie_list** list);
/* Every unexpired cookie with whether it would be sent to `url` (reasons 0)
   and why not; sent cookies first, in header order. */
cookiejar_result cookiejar_explain(cookiejar_jar* jar, const char* url,
                                   const cookiejar_request* request,
                                   cookiejar_cookie_list** list);

/* Unexpired cookies in the jar. */
size_t cookiejar_size(cookiejar_jar* jar);
/* The browser closed: removes session cookies; returns how many. */
size_t cookiejar_end_session(cookiejar_jar* jar);
/* Removes every cookie; returns how many. */
size_t cookiejar_clear(cookiejar_jar* jar);

/* Adds the cookies of a cookies.txt file (curl's, wget's). `*imported` (if
   not NULL) counts them; bad lines are skipped. A missing file, or one that
   is not a cookies.txt, is COOKIEJAR_FILE_ERROR. */
cookiejar_result cookiejar_load_cookies_txt(cookiejar_jar* jar, const char* path,
                                            size_t* imported);
/* Writes the jar to a cookies.txt file, atomically, readable by its owner
   only. Refuses (COOKIEJAR_FILE_ERROR, nothing written) to replace a file
   that is not a cookies.txt, or to drop what the format cannot hold
   (SameSite, Priority, partitioned cookies): cookiejar_last_error() names
   the cookie. */
cookiejar_result cookiejar_save_cookies_txt(cookiejar_jar* jar, const char* path);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* COOKIEJAR_COOKIEJAR_C_H_ */
