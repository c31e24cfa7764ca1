#include "redaction.hpp"

#include <algorithm>
#include <set>

namespace rdpcap::cli {

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_at(const uint8_t* data, size_t size, size_t pos, const std::string& what) {
  if (pos + what.size() > size) return false;
  for (size_t i = 0; i < what.size(); ++i)
    if (lower(static_cast<char>(data[pos + i])) != lower(what[i])) return false;
  return true;
}

void add(Secrets& out, std::set<std::string>& seen, const std::string& value, std::string prefix,
         std::string suffix) {
  if (value.empty()) return;
  std::string key;
  for (char c : value) key += lower(c);
  if (!seen.insert(key + '\0' + prefix).second) return;
  if (value.size() >= kMinFreeLength) prefix.clear(), suffix.clear();
  out.items.push_back({value, std::move(prefix), std::move(suffix)});
}

}  // namespace

size_t Secrets::longest() const {
  size_t n = 0;
  for (const auto& s : items) n = std::max(n, s.prefix.size() + s.value.size() + s.suffix.size());
  return n;
}

Secrets collect_secrets(const session::AnalysisResult& result) {
  Secrets out;
  std::set<std::string> seen;
  for (const auto& r : result.connections) {
    const auto& n = r.summary.negotiation;
    if (n.request) add(out, seen, n.request->cookie, "mstshash=", "\r\n");
    const auto& t = r.summary.tls;
    if (t.client_hello) {
      const std::string& sni = t.client_hello->sni;
      // RFC 6066 3: ServerName { NameType host_name(0); opaque HostName<1..2^16-1> }
      std::string prefix{'\0', static_cast<char>((sni.size() >> 8) & 0xff), static_cast<char>(sni.size() & 0xff)};
      add(out, seen, sni, prefix, "");
    }
    // Decrypted NTLM AUTHENTICATE and Client Info names (issue 11): the fields themselves are
    // masked by redact_result; names long enough are also masked wherever a text quotes them.
    const auto& in = *r.summary.inner;
    // Shorter names ("vm", "bob") are masked only where the texts quote them: after "DOMAIN\\",
    // "user ", "for ", "from [workstation ]", or before "\\" (core/text/inner_text, rules/nla_rules).
    const auto add_user = [&](const std::string& v) {
      if (v.size() >= kMinFreeLength) return add(out, seen, v, "", "");
      for (const char* p : {"\\", "user ", "for "}) add(out, seen, v, p, "");
    };
    const auto add_domain = [&](const std::string& v) {
      if (v.size() >= kMinFreeLength) return add(out, seen, v, "", "");
      for (const char* p : {"user ", "for "}) add(out, seen, v, p, "\\");
    };
    const auto add_workstation = [&](const std::string& v) {
      if (v.size() >= kMinFreeLength) return add(out, seen, v, "", "");
      for (const char* p : {"from workstation ", "from "}) add(out, seen, v, p, "");
    };
    if (in.ntlm_authenticate) {
      add_user(in.ntlm_authenticate->user);
      add_domain(in.ntlm_authenticate->domain);
      add_workstation(in.ntlm_authenticate->workstation);
    }
    add_user(in.client_info_user);
    add_domain(in.client_info_domain);
  }
  // Longest first, so that a secret containing another is masked whole.
  std::stable_sort(out.items.begin(), out.items.end(),
                   [](const Secret& a, const Secret& b) { return a.value.size() > b.value.size(); });
  return out;
}

std::string redact_text(const std::string& text, const Secrets& secrets) {
  std::string out = text;
  for (const auto& s : secrets.items)  // the whole string is a secret, whatever its length
    if (s.value.size() == out.size() &&
        equal_at(reinterpret_cast<const uint8_t*>(out.data()), out.size(), 0, s.value))
      return kRedacted;
  for (const auto& s : secrets.items) {
    const bool in_context = s.value.size() < kMinFreeLength;
    // A short value is masked only in its context, and only as a whole word ("from vm," not "from vmware").
    if (in_context && s.prefix.empty() && s.suffix.empty()) continue;
    const auto* data = reinterpret_cast<const uint8_t*>(out.data());
    const size_t total = s.prefix.size() + s.value.size() + s.suffix.size();
    std::string result;
    size_t i = 0;
    while (i < out.size()) {
      const size_t end = i + total;
      const bool hit = equal_at(data, out.size(), i, s.prefix) &&
                       equal_at(data, out.size(), i + s.prefix.size(), s.value) &&
                       equal_at(data, out.size(), i + s.prefix.size() + s.value.size(), s.suffix) &&
                       (!in_context || !s.suffix.empty() || end >= out.size() || !word_char(out[end]));
      if (hit) {
        result += s.prefix;
        result += kRedacted;
        result += s.suffix;
        i = end;
      } else {
        result += out[i++];
      }
    }
    out = std::move(result);
  }
  return out;
}

size_t redact_bytes(uint8_t* data, size_t size, const Secrets& secrets) {
  size_t count = 0;
  for (const auto& s : secrets.items) {
    const size_t total = s.prefix.size() + s.value.size() + s.suffix.size();
    for (size_t pos = 0; pos + total <= size; ++pos) {
      if (!equal_at(data, size, pos, s.prefix) || !equal_at(data, size, pos + s.prefix.size(), s.value) ||
          !equal_at(data, size, pos + s.prefix.size() + s.value.size(), s.suffix))
        continue;
      std::fill_n(data + pos + s.prefix.size(), s.value.size(), static_cast<uint8_t>('x'));
      ++count;
      pos += total - 1;
    }
  }
  return count;
}

void redact_result(session::AnalysisResult& result, const Secrets& secrets) {
  const auto r = [&](std::string& s) { s = redact_text(s, secrets); };
  for (auto& c : result.connections) {
    auto& sum = c.summary;
    if (sum.negotiation.request && !sum.negotiation.request->cookie.empty())
      sum.negotiation.request->cookie = kRedacted;
    if (sum.tls.client_hello && !sum.tls.client_hello->sni.empty()) sum.tls.client_hello->sni = kRedacted;
    r(sum.negotiation.parse_error);
    const auto mask = [](std::string& v) {
      if (!v.empty()) v = kRedacted;
    };
    if (sum.inner.written()) {  // an empty box has nothing to mask
      auto& in = sum.inner.mut();
      if (in.ntlm_authenticate) {
        mask(in.ntlm_authenticate->user);
        mask(in.ntlm_authenticate->domain);
        mask(in.ntlm_authenticate->workstation);
      }
      mask(in.client_info_user);
      mask(in.client_info_domain);
      if (in.client_gcc) r(in.client_gcc->client_name);
    }
    for (size_t i = 0; i < sum.tls.certificates.size(); ++i) {
      auto& cert = sum.tls.certificates.mut(i);
      r(cert.subject), r(cert.subject_cn), r(cert.issuer);
      for (auto& d : cert.san_dns) r(d);
    }
    for (auto& e : sum.timeline) r(e.detail);  // the words around it are not from the capture
    r(c.verdict.text);
    for (auto& f : c.findings) {
      r(f.title), r(f.remediation), r(f.client_error), r(f.server_event);
      for (auto& e : f.evidence) r(e.key), r(e.value);
    }
  }
}

}  // namespace rdpcap::cli
