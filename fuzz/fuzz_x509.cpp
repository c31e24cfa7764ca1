// Certificate facts (RFC 5280 via OpenSSL): any DER, never a crash, a leak or
// a throw; what is kept is bounded and printable once escaped.
#include <cstdlib>

#include "text/time_text.hpp"
#include "text/event_text.hpp"
#include "util/escape.hpp"
#include "x509/certificate_facts.hpp"

using namespace rdpcap;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto facts = x509::read_certificate(util::Bytes(data, size));
  if (facts.der_size != size && facts.parsed) abort();
  if (facts.san_dns.size() + facts.san_ip.size() > 1024) abort();
  (void)util::escape_text(facts.subject);
  (void)util::escape_text(facts.issuer);
  (void)util::sanitize_utf8(facts.subject_cn);
  for (const auto& n : facts.san_dns) (void)util::escape_text(n);
  (void)text::utc_seconds(facts.not_before);
  (void)text::utc_seconds(facts.not_after);
  x509::CertificateChain chain{facts};
  (void)text::event_text(model::events::certificate(chain, 1, {}));
  return 0;
}
