// The certificates a connection received, leaf first, as its summary keeps
// them: each certificate's facts read-only and shared with every other
// connection that received the same DER (certificate_cache.hpp hands out one
// copy per distinct certificate). Keeping a chain costs a pointer per
// certificate, not a copy of its strings: a gateway's capture holds thousands
// of connections to a few servers, and copying each chain out of the cache,
// then freeing it when the connection was written, was about a tenth of the
// allocations at 20,000 connections (issue 13, "do not copy summaries").
//
// Reads look like a std::vector<CertificateFacts> (size, front, [i], range
// for); a write to a certificate (mut) changes this chain's own copy of it,
// so no other connection sees the change.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

#include "x509/certificate_facts.hpp"

namespace rdpcap::x509 {

class CertificateChain {
 public:
  using Shared = std::shared_ptr<const CertificateFacts>;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = CertificateFacts;
    using difference_type = std::ptrdiff_t;
    using pointer = const CertificateFacts*;
    using reference = const CertificateFacts&;

    const_iterator() = default;
    explicit const_iterator(std::vector<Shared>::const_iterator it) : it_(it) {}
    reference operator*() const { return **it_; }
    pointer operator->() const { return it_->get(); }
    reference operator[](difference_type n) const { return *it_[n]; }
    const_iterator& operator++() { return ++it_, *this; }
    const_iterator operator++(int) { return const_iterator(it_++); }
    const_iterator& operator--() { return --it_, *this; }
    const_iterator operator--(int) { return const_iterator(it_--); }
    const_iterator& operator+=(difference_type n) { return it_ += n, *this; }
    const_iterator& operator-=(difference_type n) { return it_ -= n, *this; }
    friend const_iterator operator+(const_iterator i, difference_type n) { return i += n; }
    friend const_iterator operator+(difference_type n, const_iterator i) { return i += n; }
    friend const_iterator operator-(const_iterator i, difference_type n) { return i -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) { return a.it_ - b.it_; }
    friend bool operator==(const const_iterator&, const const_iterator&) = default;
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.it_ <=> b.it_; }

   private:
    std::vector<Shared>::const_iterator it_;
  };

  CertificateChain() = default;
  CertificateChain(std::initializer_list<CertificateFacts> certificates);

  size_t size() const { return certificates_.size(); }
  bool empty() const { return certificates_.empty(); }
  const CertificateFacts& operator[](size_t i) const { return *certificates_[i]; }
  const CertificateFacts& at(size_t i) const { return *certificates_.at(i); }  // std::out_of_range beyond size()
  const CertificateFacts& front() const { return *certificates_.front(); }
  const CertificateFacts& back() const { return *certificates_.back(); }
  const_iterator begin() const { return const_iterator(certificates_.begin()); }
  const_iterator end() const { return const_iterator(certificates_.end()); }
  const Shared& shared(size_t i) const { return certificates_[i]; }

  void push_back(CertificateFacts facts);
  void push_back(Shared facts);  // null: not added
  // Certificate i, to change: this chain's own copy from then on.
  CertificateFacts& mut(size_t i);
  void clear() { certificates_.clear(); }

  // The same facts in the same order (shared or not).
  bool operator==(const CertificateChain& other) const;

 private:
  std::vector<Shared> certificates_;
};

}  // namespace rdpcap::x509
