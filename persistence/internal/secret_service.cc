#include "persistence/internal/secret_service.h"

#include <sys/stat.h>

#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"

#ifdef COOKIEJAR_WITH_LIBSECRET
#include <libsecret/secret.h>
#endif

namespace cookiejar {
namespace persistence_internal {
namespace {

// Whether a session bus can be reached without starting one: GLib would
// otherwise "autolaunch" a bus through X11, or fail only after a while.
bool HaveSessionBus() {
  const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  if (address != nullptr && *address != '\0') return true;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime == nullptr || *runtime == '\0') return false;
  struct stat st;
  const std::string socket = std::string(runtime) + "/bus";
  return stat(socket.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

std::string Label(const std::string& application) {
  if (application == "chrome") return "Chrome Safe Storage";
  if (application == "chromium") return "Chromium Safe Storage";
  return absl::StrCat("the ", application, " Safe Storage secret");
}

#ifdef COOKIEJAR_WITH_LIBSECRET

// Chromium's schema (components/os_crypt/sync/key_storage_libsecret.cc):
// matched by its attribute only, not by the schema's name.
const SecretSchema* ChromiumSchema() {
  static const SecretSchema schema = {
      "chrome_libsecret_os_crypt_password_v2",
      SECRET_SCHEMA_DONT_MATCH_NAME,
      {{"application", SECRET_SCHEMA_ATTRIBUTE_STRING}, {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
      0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  return &schema;
}

struct GErrorDeleter {
  void operator()(GError* e) const { g_error_free(e); }
};
using Error = std::unique_ptr<GError, GErrorDeleter>;

// Whether the bus has, or can start, the Secret Service.
bool SecretServiceOnBus(GDBusConnection* bus, GCancellable* cancel) {
  for (const char* method : {"NameHasOwner", "ListActivatableNames"}) {
    GError* raw = nullptr;
    const bool has_owner = std::string(method) == "NameHasOwner";
    GVariant* reply = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", method,
        has_owner ? g_variant_new("(s)", "org.freedesktop.secrets") : nullptr, nullptr,
        G_DBUS_CALL_FLAGS_NONE, -1, cancel, &raw);
    Error error(raw);
    if (reply == nullptr) return false;
    bool found = false;
    if (has_owner) {
      gboolean owned = FALSE;
      g_variant_get(reply, "(b)", &owned);
      found = owned;
    } else {
      GVariantIter* names = nullptr;
      const gchar* name = nullptr;
      g_variant_get(reply, "(as)", &names);
      while (g_variant_iter_next(names, "&s", &name)) {
        if (std::string(name) == "org.freedesktop.secrets") found = true;
      }
      g_variant_iter_free(names);
    }
    g_variant_unref(reply);
    if (found) return true;
  }
  return false;
}

KeyringLookup LookUp(const std::vector<std::string>& applications, GCancellable* cancel) {
  KeyringLookup out;
  GError* raw = nullptr;
  GDBusConnection* bus = g_bus_get_sync(G_BUS_TYPE_SESSION, cancel, &raw);
  Error error(raw);
  if (bus == nullptr) {
    out.status = KeyringStatus::kNoSessionBus;
    out.message = absl::StrCat("cannot connect to the D-Bus session bus: ",
                               error ? error->message : "unknown error");
    return out;
  }
  const bool present = SecretServiceOnBus(bus, cancel);
  g_object_unref(bus);
  if (!present) {
    out.status = KeyringStatus::kNoSecretService;
    out.message =
        "no Secret Service on the D-Bus session bus (no gnome-keyring-daemon, KeePassXC or "
        "other keyring running)";
    return out;
  }
  raw = nullptr;
  SecretService* service = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, cancel, &raw);
  error.reset(raw);
  if (service == nullptr) {
    out.status = g_cancellable_is_cancelled(cancel) ? KeyringStatus::kTimedOut
                                                    : KeyringStatus::kNoSecretService;
    out.message = absl::StrCat("the Secret Service does not answer: ",
                               error ? error->message : "unknown error");
    return out;
  }
  bool locked = false;
  for (const std::string& application : applications) {
    GHashTable* attributes = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(attributes, const_cast<char*>("application"),
                        const_cast<char*>(application.c_str()));
    raw = nullptr;
    // No SECRET_SEARCH_UNLOCK: unlocking prompts the user, and a library
    // must not wait on a dialog nobody may see.
    GList* items = secret_service_search_sync(
        service, ChromiumSchema(), attributes,
        static_cast<SecretSearchFlags>(SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS), cancel,
        &raw);
    g_hash_table_unref(attributes);
    error.reset(raw);
    if (error) {
      out.status = g_cancellable_is_cancelled(cancel) ? KeyringStatus::kTimedOut
                                                      : KeyringStatus::kNoSecretService;
      out.message = absl::StrCat("the Secret Service search failed: ", error->message);
      g_list_free_full(items, g_object_unref);
      g_object_unref(service);
      return out;
    }
    for (GList* item = items; item != nullptr; item = item->next) {
      SecretItem* secret_item = static_cast<SecretItem*>(item->data);
      if (secret_item_get_locked(secret_item)) {
        locked = true;
        continue;
      }
      SecretValue* value = secret_item_get_secret(secret_item);
      if (value == nullptr) continue;
      const gchar* text = secret_value_get_text(value);
      if (text != nullptr) out.passwords.emplace_back(text);
      secret_value_unref(value);
      break;  // Chromium takes the first.
    }
    g_list_free_full(items, g_object_unref);
  }
  g_object_unref(service);
  if (!out.passwords.empty()) {
    out.status = KeyringStatus::kFound;
  } else if (locked) {
    out.status = KeyringStatus::kLocked;
    out.message = "the keyring holding the browser's key is locked (unlock it, e.g. by logging in "
                  "to the desktop; cookiejar never prompts)";
  } else {
    out.status = KeyringStatus::kNoKey;
    std::string names;
    for (const std::string& application : applications) {
      absl::StrAppend(&names, names.empty() ? "" : " or ", "\"", Label(application),
                      "\" (application=", application, ")");
    }
    out.message = absl::StrCat("the keyring has no ", names);
  }
  return out;
}

#endif  // COOKIEJAR_WITH_LIBSECRET

}  // namespace

KeyringLookup LookUpChromiumPasswords(const std::vector<std::string>& applications,
                                      absl::Duration timeout) {
  KeyringLookup out;
#ifndef COOKIEJAR_WITH_LIBSECRET
  (void)applications;
  (void)timeout;
  out.status = KeyringStatus::kNotBuilt;
  out.message = "cookiejar was built without the Secret Service (libsecret)";
  return out;
#else
  if (!HaveSessionBus()) {
    out.status = KeyringStatus::kNoSessionBus;
    out.message =
        "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no desktop keyring";
    return out;
  }
  // The lookup runs on a thread of its own so that a bus or keyring that
  // never answers costs `timeout`, then the calls are cancelled.
  struct Shared {
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;
    KeyringLookup result;
    GCancellable* cancel = g_cancellable_new();
    ~Shared() { g_object_unref(cancel); }
  };
  auto shared = std::make_shared<Shared>();
  std::thread worker([shared, applications] {
    KeyringLookup result = LookUp(applications, shared->cancel);
    std::lock_guard<std::mutex> lock(shared->mu);
    shared->result = std::move(result);
    shared->done = true;
    shared->done_cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(shared->mu);
  const auto wait = std::chrono::microseconds(absl::ToInt64Microseconds(timeout));
  if (!shared->done_cv.wait_for(lock, wait, [&] { return shared->done; })) {
    g_cancellable_cancel(shared->cancel);
    // Cancelled calls return at once; a thread stuck elsewhere is left to
    // finish on its own (it holds its state).
    if (!shared->done_cv.wait_for(lock, std::chrono::seconds(2), [&] { return shared->done; })) {
      lock.unlock();
      worker.detach();
      out.status = KeyringStatus::kTimedOut;
      out.message = absl::StrCat("the keyring did not answer within ", absl::FormatDuration(timeout));
      return out;
    }
    lock.unlock();
    worker.join();
    out = shared->result;
    if (out.status != KeyringStatus::kFound) {
      out.status = KeyringStatus::kTimedOut;
      out.message = absl::StrCat("the keyring did not answer within ", absl::FormatDuration(timeout));
    }
    return out;
  }
  lock.unlock();
  worker.join();
  return shared->result;
#endif
}

}  // namespace persistence_internal
}  // namespace cookiejar
