// Bounds-checked reader over an untrusted byte view. Every accessor checks
// the remaining length first and fails (returns false) instead of reading past
// the end; after a failure the reader stays where it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace rdpcap::util {

using Bytes = std::span<const uint8_t>;

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(Bytes data) : data_(data) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  Bytes rest() const { return data_.subspan(pos_); }

  bool u8(uint8_t& out) {
    if (remaining() < 1) return false;
    out = data_[pos_++];
    return true;
  }
  bool u16be(uint16_t& out) {
    if (remaining() < 2) return false;
    out = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u24be(uint32_t& out) {
    if (remaining() < 3) return false;
    out = (uint32_t{data_[pos_]} << 16) | (uint32_t{data_[pos_ + 1]} << 8) | data_[pos_ + 2];
    pos_ += 3;
    return true;
  }
  bool u32be(uint32_t& out) {
    if (remaining() < 4) return false;
    out = (uint32_t{data_[pos_]} << 24) | (uint32_t{data_[pos_ + 1]} << 16) |
          (uint32_t{data_[pos_ + 2]} << 8) | data_[pos_ + 3];
    pos_ += 4;
    return true;
  }
  bool u16le(uint16_t& out) {
    if (remaining() < 2) return false;
    out = static_cast<uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
    pos_ += 2;
    return true;
  }
  bool u32le(uint32_t& out) {
    if (remaining() < 4) return false;
    out = uint32_t{data_[pos_]} | (uint32_t{data_[pos_ + 1]} << 8) |
          (uint32_t{data_[pos_ + 2]} << 16) | (uint32_t{data_[pos_ + 3]} << 24);
    pos_ += 4;
    return true;
  }
  // A view of the next n bytes; the view borrows from the reader's data.
  bool bytes(size_t n, Bytes& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  // A reader limited to the next n bytes (for length-prefixed structures).
  bool sub(size_t n, ByteReader& out) {
    Bytes b;
    if (!bytes(n, b)) return false;
    out = ByteReader(b);
    return true;
  }
  bool skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }
  // Peek without consuming.
  bool peek_u8(size_t at, uint8_t& out) const {
    if (remaining() <= at) return false;
    out = data_[pos_ + at];
    return true;
  }

 private:
  Bytes data_;
  size_t pos_ = 0;
};

}  // namespace rdpcap::util
