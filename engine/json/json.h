// A JSON document tree for the scenario loader and live edits: parse with line/column errors,
// read with checked accessors, edit, and print. Written for this engine instead of using a
// general library: in the WebAssembly module a template-heavy library cost over 100 KB of code.
//
// Objects keep their members in document order, so a scenario printed back reads like the one
// the person wrote. Numbers keep the text they were written with (1e3 stays 1e3), so printing
// never changes a value. Duplicate keys are a parse error (RFC 8259 §4: names SHOULD be unique;
// a silent "last one wins" would hide a mistake in a scenario).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcpplay {

/// The double nearest to a decimal number in JSON's syntax (an optional '+' in the exponent is
/// accepted too). Exact (correctly rounded) when the digits fit in 2^53 and the decimal
/// exponent is within ±22, which covers every probability or rate a scenario holds; otherwise
/// within a few units in the last place. The same on every platform: it uses only IEEE double
/// arithmetic, never the C library (whose strtod would also pull 15 KB of long-double code into
/// the WebAssembly module).
double parse_decimal(std::string_view text);

class Json {
 public:
  enum class Type : std::uint8_t { null, boolean, number, string, array, object };

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::boolean), bool_(b) {}
  Json(std::string s) : type_(Type::string), text_(std::move(s)) {}
  Json(std::string_view s) : type_(Type::string), text_(s) {}
  Json(const char* s) : type_(Type::string), text_(s) {}
  static Json array() { return Json(Type::array); }
  static Json object() { return Json(Type::object); }
  /// A number from its JSON text (checked by the caller: parse() does it).
  static Json number_text(std::string text);
  static Json number(std::int64_t n) { return number_text(std::to_string(n)); }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_boolean() const { return type_ == Type::boolean; }
  bool is_number() const { return type_ == Type::number; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }
  /// A number written without fraction or exponent that fits in 64 bits unsigned.
  bool is_unsigned() const { return unsigned_value().has_value(); }
  /// A number written with a fraction or an exponent ("1.5", "1e3").
  bool is_float() const;

  bool as_bool() const { return bool_; }
  /// The text of a string (or of a number, as written).
  const std::string& text() const { return text_; }
  std::optional<std::uint64_t> unsigned_value() const;
  /// A number written without fraction or exponent that fits in 64 bits signed.
  std::optional<std::int64_t> int64_value() const;
  double as_double() const;

  // Arrays and objects.
  std::size_t size() const { return items_.size(); }
  const Json& operator[](std::size_t i) const { return items_[i]; }
  Json& operator[](std::size_t i) { return items_[i]; }
  /// The key of member i (objects).
  const std::string& key(std::size_t i) const { return keys_[i]; }
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  /// Sets a member: replaces it in place when present, else appends it.
  void set(std::string_view key, Json value);
  void push_back(Json value) { items_.push_back(std::move(value)); }

  /// Compact text; with indent > 0, one member or element per line (an empty container stays
  /// "{}" or "[]").
  std::string dump(int indent = 0) const;

  struct ParseError {
    std::size_t line = 1, column = 1;  // 1-based; the column counts bytes
    std::string message;
  };
  /// Parses one JSON text (RFC 8259); whitespace around it is allowed, anything else is not.
  /// Nesting deeper than 256 is refused, so hostile input cannot exhaust the stack.
  static std::optional<Json> parse(std::string_view text, ParseError* error = nullptr);

 private:
  explicit Json(Type t) : type_(t) {}
  void dump_to(std::string& out, int indent, int depth) const;

  Type type_ = Type::null;
  bool bool_ = false;
  std::string text_;
  std::vector<Json> items_;        // array elements or object values
  std::vector<std::string> keys_;  // object keys, parallel to items_
};

}  // namespace tcpplay
