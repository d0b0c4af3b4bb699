// A JSON document tree for the scenario loader and live edits: read with checked accessors,
// edit, and print. nlohmann_json parses the text (json_parse.cpp, the only file that includes
// it, through its SAX interface); this header stays light so that the scenario code compiles
// fast, and its interface is the one the scenario code has always used.
//
// Objects keep their members in document order, so a scenario printed back reads like the one
// the person wrote. Numbers keep the text they were written with (1e3 stays 1e3), so printing
// never changes a value. Duplicate keys are a parse error (RFC 8259 §4: names SHOULD be unique;
// a silent "last one wins", nlohmann_json's own behaviour, would hide a mistake in a scenario).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcpplay {

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
  static Json number(std::int64_t n);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_boolean() const { return type_ == Type::boolean; }
  bool is_number() const { return type_ == Type::number; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }
  /// A number written without fraction or exponent that fits in 64 bits unsigned.
  bool is_unsigned() const { return is_number() && form_ == Form::unsigned_int; }
  /// A number written with a fraction or an exponent ("1.5", "1e3").
  bool is_float() const;

  bool as_bool() const { return bool_; }
  /// The text of a string (or of a number, as written).
  const std::string& text() const { return text_; }
  std::optional<std::uint64_t> unsigned_value() const;
  /// A number written without fraction or exponent that fits in 64 bits signed.
  std::optional<std::int64_t> int64_value() const;
  /// The number as a double (the nearest one, as nlohmann_json reads it); 0 for other types.
  double as_double() const { return is_number() ? double_ : 0.0; }

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
  /// Parses one JSON text (RFC 8259) with nlohmann_json; whitespace around it is allowed (and
  /// a UTF-8 byte order mark before it), anything else is not. Nesting deeper than 256 is
  /// refused, so hostile input cannot exhaust the stack of the code that walks the tree; a
  /// number beyond the range of a double, NaN, Infinity and invalid UTF-8 are errors too.
  /// In json_parse.cpp.
  static std::optional<Json> parse(std::string_view text, ParseError* error = nullptr);

 private:
  friend class JsonBuilder;  // json_parse.cpp: fills a tree from nlohmann_json's SAX events
  /// How a number was written: what unsigned_value() and int64_value() can give.
  enum class Form : std::uint8_t { unsigned_int, negative_int, other };

  explicit Json(Type t) : type_(t) {}
  void dump_to(std::string& out, int indent, int depth) const;

  Type type_ = Type::null;
  bool bool_ = false;
  Form form_ = Form::other;
  std::uint64_t magnitude_ = 0;  // |n| of an integer (numbers of Form unsigned_int, negative_int)
  double double_ = 0;            // numbers
  std::string text_;
  std::vector<Json> items_;        // array elements or object values
  std::vector<std::string> keys_;  // object keys, parallel to items_
};

}  // namespace tcpplay
