// approx_bytes(ConnectionSummary): kept beside the struct it measures.
#include "model/connection_summary.hpp"

namespace rdpcap::model {

// Every struct approx_bytes() walks, with its size on x86-64 libstdc++. A
// field added to one of them changes its size and stops the build here: count
// the field's heap bytes in approx_bytes() if it can grow with the capture
// (string, vector, optional of those), then update the number.
#if defined(__x86_64__) && defined(__GLIBCXX__)
#define RDPCAP_MEASURED(T, n)                                                                            \
  static_assert(sizeof(T) == (n), #T " changed: count its new field in approx_bytes() "                  \
                                     "(model/summary_bytes.cpp), then update its size here")
RDPCAP_MEASURED(ConnectionSummary, 2096);
RDPCAP_MEASURED(TcpFacts, 240);
RDPCAP_MEASURED(IcmpReport, 56);
RDPCAP_MEASURED(NegotiationFacts, 440);
RDPCAP_MEASURED(ProxyFacts, 80);
RDPCAP_MEASURED(TlsFacts, 1152);
RDPCAP_MEASURED(DecryptionFacts, 264);
RDPCAP_MEASURED(DecryptionSide, 112);
RDPCAP_MEASURED(TimelineEvent, 72);
RDPCAP_MEASURED(AlertFact, 24);
RDPCAP_MEASURED(EncryptedTraffic, 48);
RDPCAP_MEASURED(proto::ConnectionRequest, 120);
RDPCAP_MEASURED(proto::ConnectionConfirm, 16);
RDPCAP_MEASURED(proto::ClientGcc, 96);
RDPCAP_MEASURED(proto::ServerGcc, 40);
RDPCAP_MEASURED(tls::ClientHello, 224);
RDPCAP_MEASURED(tls::ServerHello, 80);
RDPCAP_MEASURED(tls::CertificateRequest, 56);
RDPCAP_MEASURED(x509::CertificateFacts, 448);
RDPCAP_MEASURED(InnerFacts, 1512);
RDPCAP_MEASURED(NtlmChallengeFacts, 232);
RDPCAP_MEASURED(NtlmAuthenticateFacts, 120);
RDPCAP_MEASURED(KerberosErrorFact, 192);
RDPCAP_MEASURED(KerberosRequestFact, 88);
#undef RDPCAP_MEASURED
#endif

namespace {
size_t str_bytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
template <typename T>
size_t vec_bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}
size_t strs_bytes(const std::vector<std::string>& v) {
  size_t n = vec_bytes(v);
  for (const auto& s : v) n += str_bytes(s);
  return n;
}
size_t client_gcc_bytes(const std::optional<proto::ClientGcc>& g) {
  return g ? str_bytes(g->client_name) + strs_bytes(g->channels) : 0;  // ServerGcc: fixed-size
}

// The decrypted inside and the port-88 Kerberos (InnerFacts): part of sizeof(c);
// its strings and vectors here.
size_t inner_bytes(const InnerFacts& in) {
  size_t n = strs_bytes(in.offered_mechs) + str_bytes(in.package) + str_bytes(in.spn) + str_bytes(in.spn_realm) +
             vec_bytes(in.kerberos_errors) + vec_bytes(in.kerberos_requests) + client_gcc_bytes(in.client_gcc) +
             str_bytes(in.client_info_domain) + str_bytes(in.client_info_user) + str_bytes(in.parse_error);
  if (const auto& ch = in.ntlm_challenge)
    n += str_bytes(ch->target_name) + str_bytes(ch->nb_computer) + str_bytes(ch->nb_domain) +
         str_bytes(ch->dns_computer) + str_bytes(ch->dns_domain) + str_bytes(ch->windows_version);
  if (const auto& a = in.ntlm_authenticate) n += str_bytes(a->domain) + str_bytes(a->user) + str_bytes(a->workstation);
  for (const auto& e : in.kerberos_errors)
    n += str_bytes(e.realm) + str_bytes(e.sname) + str_bytes(e.cname) + str_bytes(e.stime) + str_bytes(e.kdc_ip);
  for (const auto& r : in.kerberos_requests) n += str_bytes(r.sname) + str_bytes(r.realm);
  return n;
}
}  // namespace

size_t approx_bytes(const ConnectionSummary& c) {
  size_t n = sizeof(c) + str_bytes(c.client_ip) + str_bytes(c.server_ip) + vec_bytes(c.tcp.icmp) +
             str_bytes(c.proxy.target) + str_bytes(c.negotiation.parse_error) + strs_bytes(c.limits_hit) +
             vec_bytes(c.timeline);
  for (const auto& i : c.tcp.icmp) n += str_bytes(i.reporter);
  for (const auto& e : c.timeline) n += str_bytes(e.detail);
  if (const auto& r = c.negotiation.request)
    n += str_bytes(r->cookie) + str_bytes(r->routing_token) + str_bytes(r->correlation_id_hex);
  n += client_gcc_bytes(c.negotiation.client_gcc);
  const auto& t = c.tls;
  if (const auto& h = t.client_hello)
    n += vec_bytes(h->cipher_suites) + vec_bytes(h->supported_versions) + str_bytes(h->sni) +
         vec_bytes(h->supported_groups) + vec_bytes(h->signature_algorithms) + strs_bytes(h->alpn) +
         vec_bytes(h->extension_types);
  if (t.hello_retry) n += vec_bytes(t.hello_retry->extension_types);
  if (t.server_hello) n += vec_bytes(t.server_hello->extension_types);
  if (const auto& r = t.certificate_request) n += vec_bytes(r->certificate_types) + vec_bytes(r->signature_algorithms);
  // A chain's facts are shared with the certificate cache and other connections: counted as if
  // this summary owned them (an upper bound).
  n += t.certificates.size() * (sizeof(x509::CertificateChain::Shared) + sizeof(x509::CertificateFacts)) +
       vec_bytes(t.alerts) + str_bytes(t.client_error) + str_bytes(t.server_error);
  for (const auto& f : t.certificates)
    n += str_bytes(f.parse_error) + str_bytes(f.subject) + str_bytes(f.subject_cn) + str_bytes(f.issuer) +
         str_bytes(f.serial_hex) + str_bytes(f.key_type) + str_bytes(f.ec_curve) + str_bytes(f.signature_algorithm) +
         str_bytes(f.signature_hash) + strs_bytes(f.san_dns) + strs_bytes(f.san_ip) + strs_bytes(f.eku_oids) +
         str_bytes(f.sha256_fingerprint);
  const auto& d = t.decryption;
  n += str_bytes(d.detail) + str_bytes(d.client.failure) + str_bytes(d.client.ended) + str_bytes(d.server.failure) +
       str_bytes(d.server.ended);
  if (c.inner.written()) n += sizeof(InnerFacts) + inner_bytes(*c.inner);
  return n;
}

}  // namespace rdpcap::model
