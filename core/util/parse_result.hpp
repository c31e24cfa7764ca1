// The result of parsing one PDU from a byte view: ok (value + bytes consumed),
// need_more (the view is a valid prefix, wait for more bytes) or invalid
// (reason + offset of the offending byte). No exceptions in core/.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace rdpcap::util {

enum class ParseStatus { ok, need_more, invalid };

template <typename T>
class ParseResult {
 public:
  static ParseResult ok(T value, size_t consumed) {
    ParseResult r;
    r.status_ = ParseStatus::ok;
    r.value_ = std::move(value);
    r.consumed_ = consumed;
    return r;
  }
  static ParseResult need_more() {
    ParseResult r;
    r.status_ = ParseStatus::need_more;
    return r;
  }
  static ParseResult invalid(std::string reason, size_t offset) {
    ParseResult r;
    r.status_ = ParseStatus::invalid;
    r.reason_ = std::move(reason);
    r.offset_ = offset;
    return r;
  }

  ParseStatus status() const { return status_; }
  bool is_ok() const { return status_ == ParseStatus::ok; }
  bool is_need_more() const { return status_ == ParseStatus::need_more; }
  bool is_invalid() const { return status_ == ParseStatus::invalid; }
  const T& value() const { return value_; }
  T& value() { return value_; }
  size_t consumed() const { return consumed_; }
  const std::string& reason() const { return reason_; }
  size_t offset() const { return offset_; }

 private:
  ParseStatus status_ = ParseStatus::invalid;
  T value_{};
  size_t consumed_ = 0;
  std::string reason_;
  size_t offset_ = 0;
};

}  // namespace rdpcap::util
