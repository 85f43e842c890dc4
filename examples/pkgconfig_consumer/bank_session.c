/* Sets a cookie and prints the Cookie header a browser would send, from C. */

#include <stdio.h>

#include "cookiejar/cookiejar_c.h"

int main(void) {
  cookiejar_jar* jar = cookiejar_jar_new("chromium");
  if (jar == NULL) return 1;
  cookiejar_set_cookie(jar, "https://bank.example/login", "sessionid=abc; Secure; HttpOnly", NULL,
                       NULL);
  char* header = NULL;
  if (cookiejar_cookie_header(jar, "https://bank.example/transfer", NULL, &header) !=
      COOKIEJAR_OK) {
    fprintf(stderr, "%s\n", cookiejar_last_error());
    return 1;
  }
  printf("Cookie: %s\n", header);
  cookiejar_free(header);
  cookiejar_jar_free(jar);
  return 0;
}
