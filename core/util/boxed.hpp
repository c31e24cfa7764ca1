// A large, mostly unused member kept on the heap, and only once written:
// reading an empty box gives a default-constructed T (one shared instance),
// writing (mut()) creates it. Copies are deep, moves move the pointer.
// Used for model::InnerFacts (1.5 KB, filled only with a key log or port-88
// Kerberos): every other connection summary is that much smaller to hold
// (open connections, those kept for the capture-wide pass) and to move.
#pragma once

#include <memory>

namespace rdpcap::util {

template <class T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;

  const T& operator*() const { return p_ ? *p_ : empty(); }
  const T* operator->() const { return &**this; }
  // The value, to write: created (default) when the box is empty.
  T& mut() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  bool written() const { return p_ != nullptr; }

 private:
  static const T& empty() {
    static const T value{};
    return value;
  }
  std::unique_ptr<T> p_;
};

}  // namespace rdpcap::util
