// A small streaming JSON writer for the documents the engine prints (snapshots, series, events):
// they run every frame in a UI, so they are written straight to text without building a tree.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "trace/jsonl.h"

namespace tcpplay {

namespace json_writer_detail {
/// The double nearest to printf's "%.*g" text, for value(double)'s round-trip check (declared
/// here for its test).
double parse_decimal(std::string_view text);
}  // namespace json_writer_detail

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  /// The key of the next member (inside an object).
  JsonWriter& key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }

  JsonWriter& value(std::string_view v) {
    separate();
    append_json_string(out_, v);
    return *this;
  }
  JsonWriter& value(const char* v) { return value(std::string_view(v ? v : "")); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(bool v) { return raw(v ? "true" : "false"); }
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  JsonWriter& value(T v) {
    return raw(std::to_string(v));
  }
  /// Shortest text that reads back as the same double.
  JsonWriter& value(double v);
  JsonWriter& null() { return raw("null"); }
  /// Already-serialized JSON.
  JsonWriter& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }

  /// key(k).value(v) in one call.
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    return key(k).value(v);
  }

 private:
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    first_ += '1';
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_.pop_back();
    return *this;
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (first_.back() == '0') out_ += ',';
    first_.back() = '0';
  }

  std::string& out_;
  std::string first_;  // per open container: '1' while nothing was written in it
  bool after_key_ = false;
};

}  // namespace tcpplay
