// Chromium's "v11" key, read from the desktop keyring over the Secret Service
// D-Bus API (libsecret) the way Chromium's os_crypt does on Linux: the secret
// of schema "chrome_libsecret_os_crypt_password_v2" whose attribute
// "application" is "chromium" or "chrome" (labelled "Chromium Safe Storage" /
// "Chrome Safe Storage").

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_SECRET_SERVICE_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_SECRET_SERVICE_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cookiejar/formats/browser_databases.h"

namespace cookiejar {
namespace persistence_internal {

struct KeyringLookup {
  KeyringStatus status = KeyringStatus::kNotNeeded;
  // The passwords found, one per application that has one, in the order
  // asked.
  std::vector<std::string> passwords;
  std::string message;  // Why not, for people.
};

// Looks up the password of each of `applications`. Never starts a session
// bus (no autolaunch) and never prompts; gives up after `timeout`.
KeyringLookup LookUpChromiumPasswords(const std::vector<std::string>& applications,
                                      absl::Duration timeout);

}  // namespace persistence_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_SECRET_SERVICE_H_
