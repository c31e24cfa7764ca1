#include "x509/certificate_chain.hpp"

#include <algorithm>
#include <utility>

namespace rdpcap::x509 {

CertificateChain::CertificateChain(std::initializer_list<CertificateFacts> certificates) {
  certificates_.reserve(certificates.size());
  for (const auto& c : certificates) push_back(c);
}

void CertificateChain::push_back(CertificateFacts facts) {
  certificates_.push_back(std::make_shared<CertificateFacts>(std::move(facts)));
}

void CertificateChain::push_back(Shared facts) {
  if (facts) certificates_.push_back(std::move(facts));
}

CertificateFacts& CertificateChain::mut(size_t i) {
  // Always a fresh copy (writes are rare: redaction, tests), so no other
  // chain nor the cache sees the change.
  auto own = std::make_shared<CertificateFacts>(*certificates_.at(i));
  CertificateFacts& facts = *own;
  certificates_[i] = std::move(own);
  return facts;
}

bool CertificateChain::operator==(const CertificateChain& other) const {
  return std::equal(certificates_.begin(), certificates_.end(), other.certificates_.begin(), other.certificates_.end(),
                    [](const Shared& a, const Shared& b) { return a == b || *a == *b; });
}

}  // namespace rdpcap::x509
