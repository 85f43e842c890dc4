/* The C API from a C program (compiled as C11): every function, its result
   codes, and the strings and lists it hands over. Exits non-zero on the
   first failed check. */

/* mkstemp is POSIX, hidden by -std=c11 without this. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cookiejar/cookiejar_c.h"

static int failures = 0;

#define CHECK(condition)                                               \
  do {                                                                 \
    if (!(condition)) {                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
              #condition);                                             \
      ++failures;                                                      \
    }                                                                  \
  } while (0)

static int64_t now_us = 1700000000LL * 1000000;
static int64_t fake_clock(void* user) { return *(int64_t*)user; }

static char* header(cookiejar_jar* jar, const char* url, const cookiejar_request* request) {
  char* text = NULL;
  CHECK(cookiejar_cookie_header(jar, url, request, &text) == COOKIEJAR_OK);
  return text;
}

static void check_header(cookiejar_jar* jar, const char* url, const cookiejar_request* request,
                         const char* expected) {
  char* text = header(jar, url, request);
  if (text == NULL || strcmp(text, expected) != 0) {
    fprintf(stderr, "header for %s: got \"%s\", want \"%s\"\n", url, text ? text : "(null)",
            expected);
    ++failures;
  }
  cookiejar_free(text);
}

int main(void) {
  CHECK(strcmp(cookiejar_version(), "") != 0);
  CHECK(cookiejar_jar_new("netscape") == NULL);
  CHECK(strstr(cookiejar_last_error(), "netscape") != NULL);

  cookiejar_jar* jar = cookiejar_jar_new_with_clock("chromium", fake_clock, &now_us);
  CHECK(jar != NULL);

  /* A bank session. */
  uint32_t reasons = 123;
  CHECK(cookiejar_set_cookie(jar, "https://bank.example/login", "sessionid=abc; Secure; HttpOnly",
                             NULL, &reasons) == COOKIEJAR_OK);
  CHECK(reasons == 0);
  CHECK(cookiejar_set_cookie(jar, "https://bank.example/", "theme=dark; Max-Age=5", NULL, NULL) ==
        COOKIEJAR_OK);
  check_header(jar, "https://bank.example/transfer", NULL, "sessionid=abc; theme=dark");
  check_header(jar, "http://bank.example/", NULL, "theme=dark");

  /* Script sees no HttpOnly cookie. */
  cookiejar_request script;
  memset(&script, 0, sizeof(script));
  script.script = 1;
  check_header(jar, "https://bank.example/", &script, "theme=dark");

  /* Refusals carry their reasons. */
  CHECK(cookiejar_set_cookie(jar, "http://bank.example/", "x=1; Secure", NULL, &reasons) ==
        COOKIEJAR_REFUSED);
  char* names = cookiejar_reasons_string(reasons);
  CHECK(names != NULL && strcmp(names, "secure_only") == 0);
  cookiejar_free(names);
  CHECK(cookiejar_reason_name(0) != NULL);
  CHECK(cookiejar_reason_name(-1) == NULL);
  CHECK(cookiejar_reason_name(1000) == NULL);

  /* Bad input is a result code, never a crash. */
  char* text = NULL;
  CHECK(cookiejar_cookie_header(jar, "not a url", NULL, &text) == COOKIEJAR_INVALID_URL);
  CHECK(text == NULL);
  CHECK(strlen(cookiejar_last_error()) > 0);
  CHECK(cookiejar_set_cookie(NULL, "https://a.example/", "a=1", NULL, NULL) ==
        COOKIEJAR_INVALID_ARGUMENT);
  CHECK(cookiejar_set_cookie(jar, "https://a.example/", NULL, NULL, NULL) ==
        COOKIEJAR_INVALID_ARGUMENT);
  CHECK(cookiejar_cookie_header(jar, "https://a.example/", NULL, NULL) ==
        COOKIEJAR_INVALID_ARGUMENT);

  /* A cross-site subresource gets no cookies: Chromium blocks third-party
     cookies out of the box. */
  CHECK(cookiejar_set_cookie(jar, "https://news.example/", "lax=1", NULL, NULL) == COOKIEJAR_OK);
  CHECK(cookiejar_set_cookie(jar, "https://news.example/", "none=1; SameSite=None; Secure", NULL,
                             NULL) == COOKIEJAR_OK);
  cookiejar_request embedded;
  memset(&embedded, 0, sizeof(embedded));
  embedded.top_level_url = "https://blog.example/post";
  check_header(jar, "https://news.example/pixel.gif", &embedded, "");
  embedded.top_level_url = "https://www.news.example/";  /* Same-site: first-party. */
  check_header(jar, "https://news.example/pixel.gif", &embedded, "lax=1; none=1");
  /* Under a cross-site frame the same request is third-party again. */
  const char* frames[] = {"https://ads.example/frame"};
  embedded.frame_ancestors = frames;
  embedded.frame_ancestor_count = 1;
  check_header(jar, "https://news.example/pixel.gif", &embedded, "");
  embedded.frame_ancestor_count = 0;
  embedded.top_level_url = "::bad::";
  CHECK(cookiejar_cookie_header(jar, "https://news.example/", &embedded, &text) ==
        COOKIEJAR_INVALID_URL);
  embedded.top_level_url = "https://www.news.example/";
  embedded.frame_ancestors = NULL;
  embedded.frame_ancestor_count = 2;
  CHECK(cookiejar_cookie_header(jar, "https://news.example/", &embedded, &text) ==
        COOKIEJAR_INVALID_URL);
  CHECK(text == NULL);

  /* What the jar decides about a request. */
  cookiejar_resolved_request resolved;
  embedded.frame_ancestors = frames;
  embedded.frame_ancestor_count = 1;
  CHECK(cookiejar_resolve_request(jar, "https://news.example/pixel.gif", &embedded, &resolved) ==
        COOKIEJAR_OK);
  CHECK(resolved.same_site == COOKIEJAR_CONTEXT_CROSS_SITE);
  CHECK(resolved.same_site_for_setting == COOKIEJAR_CONTEXT_CROSS_SITE);
  CHECK(resolved.third_party);
  CHECK(strcmp(resolved.partition_site, "https://news.example") == 0);
  CHECK(resolved.partition_cross_site_ancestor);
  cookiejar_free(resolved.partition_site);
  CHECK(cookiejar_resolve_request(jar, "https://news.example/", NULL, &resolved) == COOKIEJAR_OK);
  CHECK(resolved.same_site == COOKIEJAR_CONTEXT_STRICT && !resolved.third_party);
  cookiejar_free(resolved.partition_site);
  CHECK(strcmp(cookiejar_same_site_context_name(COOKIEJAR_CONTEXT_LAX_METHOD_UNSAFE),
               "lax-method-unsafe") == 0);
  CHECK(cookiejar_same_site_context_name(4) == NULL);
  CHECK(cookiejar_same_site_context_name(-1) == NULL);
  /* Errors leave nothing to free, and say which URL. */
  const char* bad_frames[] = {"https://ok.example/", NULL};
  embedded.frame_ancestors = bad_frames;
  embedded.frame_ancestor_count = 2;
  CHECK(cookiejar_resolve_request(jar, "https://news.example/", &embedded, &resolved) ==
        COOKIEJAR_INVALID_URL);
  CHECK(strstr(cookiejar_last_error(), "frame_ancestors[1] is NULL") != NULL);
  CHECK(resolved.partition_site == NULL);
  embedded.frame_ancestor_count = 0;
  embedded.initiator_url = "javascript:void(0)";
  CHECK(cookiejar_resolve_request(jar, "https://news.example/", &embedded, &resolved) ==
        COOKIEJAR_INVALID_URL);
  CHECK(strstr(cookiejar_last_error(), "initiator") != NULL);
  embedded.initiator_url = NULL;
  CHECK(cookiejar_resolve_request(jar, "https://news.example/", &embedded, NULL) ==
        COOKIEJAR_INVALID_ARGUMENT);
  CHECK(cookiejar_resolve_request(NULL, "https://news.example/", NULL, &resolved) ==
        COOKIEJAR_INVALID_ARGUMENT);
  embedded.frame_ancestors = NULL;

  /* Listing and explaining. */
  cookiejar_cookie_list* list = NULL;
  CHECK(cookiejar_all_cookies(jar, &list) == COOKIEJAR_OK);
  CHECK(cookiejar_cookie_list_size(list) == 4);
  int found = 0;
  for (size_t i = 0; i < cookiejar_cookie_list_size(list); ++i) {
    const cookiejar_cookie* c = cookiejar_cookie_list_at(list, i);
    if (strcmp(c->name, "sessionid") == 0) {
      found = 1;
      CHECK(strcmp(c->domain, "bank.example") == 0);
      CHECK(c->host_only && c->secure && c->http_only);
      CHECK(c->expiry_us == COOKIEJAR_SESSION);
      CHECK(c->partition_site == NULL);
    }
    if (strcmp(c->name, "none") == 0) CHECK(c->same_site == COOKIEJAR_SAME_SITE_NONE);
  }
  CHECK(found);
  CHECK(cookiejar_cookie_list_at(list, 99) == NULL);
  cookiejar_cookie_list_free(list);

  CHECK(cookiejar_explain(jar, "http://bank.example/", NULL, &list) == COOKIEJAR_OK);
  CHECK(cookiejar_cookie_list_size(list) == 4);
  CHECK(strcmp(cookiejar_cookie_list_at(list, 0)->name, "theme") == 0);
  CHECK(cookiejar_cookie_list_at(list, 0)->reasons == 0);
  CHECK(cookiejar_cookie_list_at(list, 1)->reasons != 0);
  cookiejar_cookie_list_free(list);

  /* Time: the 5-second cookie expires. */
  now_us += 6 * 1000000LL;
  check_header(jar, "https://bank.example/", NULL, "sessionid=abc");
  CHECK(cookiejar_size(jar) == 3);

  /* cookies.txt round trip. */
  char path[] = "/tmp/cookiejar_c_api_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  unlink(path);
  /* The SameSite=None cookie cannot go into a cookies.txt: refused, named. */
  CHECK(cookiejar_save_cookies_txt(jar, path) == COOKIEJAR_FILE_ERROR);
  CHECK(strstr(cookiejar_last_error(), "SameSite=None") != NULL);
  cookiejar_jar* plain = cookiejar_jar_new_with_clock(NULL, fake_clock, &now_us);
  CHECK(cookiejar_set_cookie(plain, "https://a.example/", "a=1; Max-Age=60", NULL, NULL) ==
        COOKIEJAR_OK);
  CHECK(cookiejar_save_cookies_txt(plain, path) == COOKIEJAR_OK);
  cookiejar_jar* loaded = cookiejar_jar_new_with_clock("firefox", fake_clock, &now_us);
  size_t imported = 0;
  CHECK(cookiejar_load_cookies_txt(loaded, path, &imported) == COOKIEJAR_OK);
  CHECK(imported == 1);
  check_header(loaded, "https://a.example/", NULL, "a=1");
  unlink(path);
  CHECK(cookiejar_load_cookies_txt(loaded, path, &imported) == COOKIEJAR_FILE_ERROR);

  /* A server whose clock is a day behind: its "in an hour" is ours. */
  cookiejar_jar* skewed = cookiejar_jar_new_with_clock(NULL, fake_clock, &now_us);
  cookiejar_request response;
  memset(&response, 0, sizeof(response));
  response.server_date = "Mon, 13 Nov 2023 22:13:26 GMT"; /* now_us - 1 day */
  CHECK(cookiejar_set_cookie(skewed, "https://a.example/",
                             "d=1; Expires=Mon, 13 Nov 2023 23:13:26 GMT", &response,
                             NULL) == COOKIEJAR_OK);
  CHECK(cookiejar_all_cookies(skewed, &list) == COOKIEJAR_OK);
  CHECK(cookiejar_cookie_list_size(list) == 1);
  CHECK(cookiejar_cookie_list_at(list, 0)->expiry_us == now_us + 3600 * 1000000LL);
  cookiejar_cookie_list_free(list);
  cookiejar_jar_free(skewed);

  /* Sessions end; the jar empties. */
  CHECK(cookiejar_end_session(jar) == 3);
  CHECK(cookiejar_clear(jar) == 0);
  CHECK(cookiejar_size(jar) == 0);
  check_header(jar, "https://bank.example/", NULL, "");

  cookiejar_jar_free(loaded);
  cookiejar_jar_free(plain);
  cookiejar_jar_free(jar);
  cookiejar_jar_free(NULL);
  cookiejar_free(NULL);
  if (failures) fprintf(stderr, "%d checks failed\n", failures);
  return failures ? 1 : 0;
}
