#include "persistence/internal/sealing.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"

namespace cookiejar {
namespace persistence_internal {
namespace {

constexpr unsigned char kFormat = 0x01;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kMaxIdBytes = 32;
constexpr size_t kCheckBytes = 16;

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// HMAC-SHA256 of `text` under `key`, its first `bytes` bytes.
std::string Mac(const std::string& key, std::string_view text, size_t bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(text), text.size(), out,
           &length) == nullptr) {
    // Only an allocation failure inside libcrypto can get here; a hash that
    // collides with nothing else would silently merge cookies.
    std::abort();
  }
  return std::string(reinterpret_cast<char*>(out), std::min<size_t>(bytes, length));
}

std::string Base64(const std::string& bytes) {
  return absl::WebSafeBase64Escape(bytes);
}

struct CipherContext {
  CipherContext() : ctx(EVP_CIPHER_CTX_new()) {}
  ~CipherContext() { EVP_CIPHER_CTX_free(ctx); }
  EVP_CIPHER_CTX* ctx;
};

}  // namespace

Sealer::Sealer(std::vector<Key> keys, std::string name_key)
    : keys_(std::move(keys)), name_key_(std::move(name_key)) {}

Sealer::~Sealer() {
  // The secrets do not outlive their use in this process's memory.
  for (const Key& key : keys_) {
    OPENSSL_cleanse(const_cast<char*>(key.secret.data()), key.secret.size());
  }
  OPENSSL_cleanse(const_cast<char*>(name_key_.data()), name_key_.size());
}

absl::StatusOr<std::unique_ptr<Sealer>> Sealer::Create(const StoreKeyRing& ring,
                                                       bool need_name_key) {
  if (ring.keys.empty()) return absl::InvalidArgumentError("the key ring has no key");
  std::set<std::string> ids;
  std::vector<Key> keys;
  for (const StoreKey& key : ring.keys) {
    if (!ValidId(key.id)) {
      return absl::InvalidArgumentError(
          "a key id has 1 to 32 letters, digits, '-', '_' or '.'");
    }
    if (!ids.insert(key.id).second) {
      return absl::InvalidArgumentError(absl::StrCat("key id \"", key.id, "\" is given twice"));
    }
    if (key.secret.size() != kSealingKeyBytes) {
      return absl::InvalidArgumentError(absl::StrCat("key \"", key.id, "\" has ",
                                                     key.secret.size(), " bytes, not 32"));
    }
    keys.push_back({key.id, key.secret});
  }
  if (!ring.name_key.empty() && ring.name_key.size() != kSealingKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the name key has ", ring.name_key.size(), " bytes, not 32"));
  }
  if (need_name_key && ring.name_key.empty()) {
    return absl::InvalidArgumentError("the key ring has no name key (32 bytes)");
  }
  return std::unique_ptr<Sealer>(new Sealer(std::move(keys), ring.name_key));
}

const Sealer::Key* Sealer::Find(std::string_view id) const {
  for (const Key& key : keys_) {
    if (key.id == id) return &key;
  }
  return nullptr;
}

const std::string& Sealer::current_id() const { return keys_.front().id; }

std::vector<std::string> Sealer::key_ids() const {
  std::vector<std::string> out;
  for (const Key& key : keys_) out.push_back(key.id);
  return out;
}

std::string Sealer::Seal(std::string_view plaintext, std::string_view associated) const {
  const Key& key = keys_.front();
  std::string out;
  out.reserve(2 + key.id.size() + kNonceBytes + plaintext.size() + kTagBytes);
  out.push_back(static_cast<char>(kFormat));
  out.push_back(static_cast<char>(key.id.size()));
  out.append(key.id);
  const size_t nonce_at = out.size();
  out.resize(nonce_at + kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* nonce = reinterpret_cast<unsigned char*>(&out[nonce_at]);
  unsigned char* cipher = nonce + kNonceBytes;
  CipherContext c;
  int n = 0, tail = 0;
  // A failure here is libcrypto out of memory or its random source broken:
  // writing the cookie in clear, or with a repeated nonce, is worse than
  // stopping.
  if (RAND_bytes(nonce, static_cast<int>(kNonceBytes)) != 1 || c.ctx == nullptr ||
      EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, Bytes(key.secret), nonce) != 1 ||
      EVP_EncryptUpdate(c.ctx, nullptr, &n, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(c.ctx, cipher, &n, Bytes(plaintext), static_cast<int>(plaintext.size())) !=
          1 ||
      EVP_EncryptFinal_ex(c.ctx, cipher + n, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          cipher + plaintext.size()) != 1) {
    std::abort();
  }
  return out;
}

std::string_view Sealer::KeyIdOf(std::string_view sealed) {
  if (sealed.size() < 2 || static_cast<unsigned char>(sealed[0]) != kFormat) return "";
  const size_t id_size = static_cast<unsigned char>(sealed[1]);
  if (id_size == 0 || id_size > kMaxIdBytes || sealed.size() < 2 + id_size) return "";
  return sealed.substr(2, id_size);
}

absl::StatusOr<std::string> Sealer::Open(std::string_view sealed,
                                         std::string_view associated) const {
  const std::string_view id = KeyIdOf(sealed);
  if (id.empty()) return absl::DataLossError("not a sealed record");
  if (!ValidId(id)) return absl::DataLossError("sealed record with a malformed key id");
  const size_t header = 2 + id.size();
  if (sealed.size() < header + kNonceBytes + kTagBytes) {
    return absl::DataLossError("sealed record too short");
  }
  const Key* key = Find(id);
  if (key == nullptr) {
    return absl::DataLossError(
        absl::StrCat("sealed under key \"", AbslView(id), "\", which the key ring lacks"));
  }
  const unsigned char* nonce = Bytes(sealed) + header;
  const unsigned char* cipher = nonce + kNonceBytes;
  const size_t cipher_size = sealed.size() - header - kNonceBytes - kTagBytes;
  std::string out(cipher_size, '\0');
  unsigned char tag[kTagBytes];
  std::copy(cipher + cipher_size, cipher + cipher_size + kTagBytes, tag);
  CipherContext c;
  int n = 0, tail = 0;
  if (c.ctx == nullptr ||
      EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, Bytes(key->secret), nonce) != 1 ||
      EVP_DecryptUpdate(c.ctx, nullptr, &n, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char*>(out.data()), &n, cipher,
                        static_cast<int>(cipher_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag) != 1 ||
      EVP_DecryptFinal_ex(c.ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &tail) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return absl::DataLossError(absl::StrCat(
        "sealed record does not open with key \"", AbslView(id),
        "\" (another secret under that id, a record of another cookie or profile, or altered)"));
  }
  return out;
}

std::string Sealer::HashName(std::string_view text) const {
  if (name_key_.empty()) return "";
  return Base64(Mac(name_key_, text, kCheckBytes));
}

std::string Sealer::NameKeyCheck() const {
  if (name_key_.empty()) return "";
  return Base64(Mac(name_key_, "cookiejar name key check", kCheckBytes));
}

std::string Sealer::KeyCheck(const std::string& id) const {
  const Key* key = Find(id);
  if (key == nullptr) return "";
  return Base64(Mac(key->secret, "cookiejar sealing key check", kCheckBytes));
}

}  // namespace persistence_internal
}  // namespace cookiejar
