#include "model/decryption_facts.hpp"

#include <fmt/format.h>

namespace rdpcap::model {

const char* decryption_status_name(DecryptionFacts::Status s) {
  switch (s) {
    case DecryptionFacts::Status::not_attempted: return "not_attempted";
    case DecryptionFacts::Status::no_matching_key: return "no_matching_key";
    case DecryptionFacts::Status::unsupported: return "unsupported";
    case DecryptionFacts::Status::decrypted: return "decrypted";
    case DecryptionFacts::Status::failed: return "failed";
  }
  return "not_attempted";
}

namespace {
std::string side_text(const char* who, const DecryptionSide& s) {
  if (!s.keys) return "";
  std::string t = fmt::format("{} {} record{}", who, s.records, s.records == 1 ? "" : "s");
  if (s.failed) t += fmt::format(", then a record at frame {} did not decrypt ({})", s.failed_at.frame, s.failure);
  else if (!s.ended.empty()) t += " (" + s.ended + ")";
  return t;
}
}  // namespace

std::string decryption_text(const DecryptionFacts& d) {
  using S = DecryptionFacts::Status;
  switch (d.status) {
    case S::not_attempted:
      return d.keys_given ? "not attempted (no complete TLS hello exchange)" : "not attempted (no keys given)";
    case S::no_matching_key:
      return "no matching key: " + d.detail;
    case S::unsupported:
      return "not possible: " + d.detail;
    case S::decrypted:
    case S::failed: {
      std::string c = side_text("client", d.client), s = side_text("server", d.server);
      std::string both = c.empty() ? s : s.empty() ? c : c + "; " + s;
      return std::string(d.status == S::failed ? "failed: " : "decrypted: ") + both;
    }
  }
  return "";
}

}  // namespace rdpcap::model
