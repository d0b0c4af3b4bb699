// Json::parse: nlohmann_json reads the text through its SAX interface and JsonBuilder fills our
// tree. The only file of the engine that includes nlohmann/json.hpp (it is heavy to compile).
//
// nlohmann_json checks the syntax (RFC 8259), UTF-8 in strings (RFC 3629), \u escapes and
// surrogate pairs, and numbers that overflow a double. This file adds what the scenario loader
// needs beyond that: duplicate keys are an error (nlohmann_json keeps the last one silently),
// nesting stops at 256 levels, and every error names the line and column where the problem
// starts, in words that say what was expected (nlohmann_json's own message says where the
// parser stopped, and its "last read" text is not always the offending token).
//
// To know where each value starts, the text reaches nlohmann_json through PositionIterator,
// which records how many bytes the lexer has read; that count, at each SAX event, is where the
// event's token ends.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "json/json.h"

namespace tcpplay {

namespace {

constexpr int kMaxDepth = 256;

/// A pointer into the text that tells `*read` how far nlohmann_json's lexer has read.
class PositionIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  PositionIterator(const char* p, const char** read) : p_(p), read_(read) {}
  reference operator*() const { return *p_; }
  PositionIterator& operator++() {
    *read_ = ++p_;
    return *this;
  }
  PositionIterator operator++(int) {
    PositionIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const PositionIterator& o) const { return p_ == o.p_; }
  bool operator!=(const PositionIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_;
  const char** read_;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

/// nlohmann_json's SAX handler (json_sax's interface, without virtual calls) that builds a
/// Json tree, and the parse error in our words.
class JsonBuilder {
 public:
  using Sax = nlohmann::json_sax<nlohmann::json>;

  JsonBuilder(std::string_view text, const char* const* read) : s_(text), read_(read) {}

  // --- SAX events (nlohmann_json calls these in document order) ---
  bool null() { return add(Json()); }
  bool boolean(bool b) { return add(Json(b)); }
  bool number_integer(Sax::number_integer_t n) {
    // Only for a leading '-': "-0" arrives here as 0 and keeps its text.
    Json j(Json::Type::number);
    j.text_ = n == 0 ? "-0" : std::to_string(n);
    j.form_ = Json::Form::negative_int;
    j.magnitude_ = 0 - static_cast<std::uint64_t>(n);
    j.double_ = n == 0 ? -0.0 : static_cast<double>(n);
    return add(std::move(j));
  }
  bool number_unsigned(Sax::number_unsigned_t n) {
    Json j(Json::Type::number);
    j.text_ = std::to_string(n);
    j.form_ = Json::Form::unsigned_int;
    j.magnitude_ = n;
    j.double_ = static_cast<double>(n);
    return add(std::move(j));
  }
  bool number_float(Sax::number_float_t d, const Sax::string_t& text) {
    // A fraction, an exponent, or an integer beyond 64 bits: the text as written.
    Json j(Json::Type::number);
    j.text_ = text;
    j.double_ = d;
    return add(std::move(j));
  }
  bool string(Sax::string_t& v) { return add(Json(std::move(v))); }
  bool binary(Sax::binary_t&) { return false; }  // only from binary formats (CBOR, ...), never JSON
  bool start_object(std::size_t) { return open(Json::object()); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(Sax::string_t& k) {
    Json& o = *stack_.back();
    const std::size_t at = token_start(true);
    for (const std::string& existing : o.keys_)
      if (existing == k) return fail(at, "duplicate key \"" + k + "\" in an object");
    o.keys_.push_back(std::move(k));
    after_key_ = true;
    mark_end();
    return true;
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) {
    describe_error(position, e);
    return false;
  }

  bool failed() const { return failed_; }
  const Json::ParseError& error() const { return error_; }
  Json take_root() { return std::move(root_); }

 private:
  /// What the parser expected where it stopped.
  enum class Expect { document, value, key_or_close, key, colon, comma_or_close, end };

  bool add(Json v) {
    const bool number = v.is_number();
    // A number's token is its text (nlohmann_json gives integers as values: their text is
    // canonical, since JSON has no leading zeros or '+'); kept before v moves.
    const std::string number_text = number ? v.text_ : std::string();
    if (stack_.empty()) {
      root_ = std::move(v);
      have_root_ = true;
    } else {
      Json& parent = *stack_.back();
      parent.items_.push_back(std::move(v));
      after_key_ = false;
    }
    mark_end(number_text);
    last_was_open_ = false;
    return true;
  }

  bool open(Json container) {
    if (static_cast<int>(stack_.size()) >= kMaxDepth)
      return fail(read_offset() - 1, "nested deeper than 256 levels");
    Json* placed;
    if (stack_.empty()) {
      root_ = std::move(container);
      have_root_ = true;
      placed = &root_;
    } else {
      // Pointers to the open containers stay valid: only the innermost one grows.
      Json& parent = *stack_.back();
      parent.items_.push_back(std::move(container));
      after_key_ = false;
      placed = &parent.items_.back();
    }
    stack_.push_back(placed);
    mark_end();
    last_was_open_ = true;
    return true;
  }

  bool close() {
    stack_.pop_back();
    mark_end();
    last_was_open_ = false;
    return true;
  }

  std::size_t read_offset() const { return static_cast<std::size_t>(*read_ - s_.data()); }

  /// Remembers where the last token ended. After a number (its text given) the lexer has read
  /// one byte more, to see that the number ended, unless the text ended there: when the text
  /// just before the last byte read is the number, that byte was the look-ahead. (Both readings
  /// fit only for "0" right after a '0', "00", where the look-ahead one is right.)
  void mark_end(const std::string& number_text = std::string()) {
    std::size_t end = read_offset();
    const std::size_t n = number_text.size();
    if (n > 0 && end > n && s_.substr(end - 1 - n, n) == number_text) --end;
    last_end_ = end;
    last_was_number_ = n > 0;
  }

  std::size_t skip_space(std::size_t i) const {
    while (i < s_.size() && is_space(s_[i])) ++i;
    return i;
  }

  /// Where the token after the last event starts, past a ',' or ':' the parser accepted (it
  /// accepted one when it read further than it); with `separator_known`, past one always.
  std::size_t token_start(bool separator_known, bool* separator = nullptr) const {
    std::size_t t = skip_space(last_end_);
    bool sep = false;
    if (t < s_.size() && (s_[t] == ',' || s_[t] == ':') &&
        (separator_known || stopped_at_ > t + 1)) {
      sep = true;
      t = skip_space(t + 1);
    }
    if (separator) *separator = sep;
    return t;
  }

  Expect expected(bool separator) const {
    if (stack_.empty()) return have_root_ ? Expect::end : Expect::document;
    const Json& top = *stack_.back();
    if (top.is_array()) {
      if (last_was_open_ || separator) return Expect::value;
      return Expect::comma_or_close;
    }
    if (after_key_) return separator ? Expect::value : Expect::colon;
    if (last_was_open_) return Expect::key_or_close;
    return separator ? Expect::key : Expect::comma_or_close;
  }

  /// What stands at byte i, for messages: "'}'", "a string", "the end of the text".
  std::string describe(std::size_t i) const {
    if (i >= s_.size()) return "the end of the text";
    const char c = s_[i];
    if (c == '"') return "a string";
    if (c == '-' || is_digit(c)) return "a number";
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      static const char* hex = "0123456789abcdef";
      return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
    }
    return std::string("'") + c + "'";
  }

  bool fail(std::size_t at, std::string message) {
    if (failed_) return false;
    failed_ = true;
    error_.line = 1;
    std::size_t line_start = 0;
    for (std::size_t k = 0; k < at && k < s_.size(); ++k)
      if (s_[k] == '\n') {
        ++error_.line;
        line_start = k + 1;
      }
    error_.column = at - line_start + 1;
    error_.message = std::move(message);
    return false;
  }

  static constexpr const char* kAnyValue =
      "expected a value (object, array, string, number, true, false or null)";

  /// nlohmann_json stopped after reading `position` bytes: say what was wrong, and where.
  void describe_error(std::size_t position, const nlohmann::detail::exception& e) {
    stopped_at_ = position;
    bool separator = false;
    const std::size_t t = token_start(false, &separator);
    const std::size_t last = position > 0 ? position - 1 : 0;  // the byte the lexer stopped on
    // nlohmann_json's message: "[json.exception.parse_error.101] parse error at line L,
    // column C: syntax error while parsing CONTEXT - PROBLEM[; last read: '...'][; expected ...]"
    std::string what = e.what();
    std::string problem;
    if (const std::size_t dash = what.find(" - "); dash != std::string::npos)
      problem = what.substr(dash + 3);
    if (const std::size_t cut = problem.find("; last read:"); cut != std::string::npos)
      problem.resize(cut);
    const bool lexer_error = !problem.empty() && problem.rfind("unexpected ", 0) != 0;
    const Expect expect = expected(separator);
    const char c = t < s_.size() ? s_[t] : '\0';

    // "01": a number, then a digit right after it.
    if (last_was_number_ && t == last_end_ && t < s_.size() && is_digit(c) &&
        (expect == Expect::end || expect == Expect::comma_or_close)) {
      std::size_t start = last_end_;
      while (start > 0 && (is_digit(s_[start - 1]) || s_[start - 1] == '-')) --start;
      fail(start, "invalid number: leading zeros are not allowed");
      return;
    }
    if (e.id == 406) {  // out_of_range: a number beyond a double
      fail(t, "number out of range (beyond a double): " + std::string(s_.substr(t, position - t)));
      return;
    }
    const bool value_here = expect == Expect::document || expect == Expect::value;
    if (lexer_error &&
        (value_here || ((expect == Expect::key || expect == Expect::key_or_close) && c == '"'))) {
      if (c == '"') {
        string_error(t, last, problem);
        return;
      }
      std::size_t word = t;
      while (word < s_.size() && (is_letter(s_[word]) || is_digit(s_[word]))) ++word;
      const std::string_view w = s_.substr(t, word - t);
      if (w == "NaN" || w == "Infinity" || s_.substr(t, 9) == "-Infinity" ||
          s_.substr(t, 4) == "-NaN") {
        fail(t, "NaN and Infinity are not JSON numbers (RFC 8259 §6)");
        return;
      }
      if (c == '-' || is_digit(c)) {
        // "invalid number; expected digit after '.'" -> "invalid number: expected a digit after '.'"
        std::string p = problem;
        if (p.rfind("invalid number; ", 0) == 0) p = "invalid number: " + p.substr(16);
        if (const std::size_t d = p.find("expected digit"); d != std::string::npos)
          p.replace(d, 14, "expected a digit");
        fail(last, p);
        return;
      }
      if (c == '+') {
        fail(t, "invalid number: a number cannot start with '+'");
        return;
      }
      if (!w.empty() && is_letter(c)) {
        fail(t, "invalid literal '" + std::string(w) + "'");
        return;
      }
    }
    switch (expect) {
      case Expect::document:
        fail(t, t >= s_.size() ? "the text is empty; expected a JSON value"
                               : std::string(kAnyValue) + ", found " + describe(t));
        return;
      case Expect::end:
        fail(t, "expected the end of the text after the JSON value, found " + describe(t));
        return;
      case Expect::value:
        if (t >= s_.size()) {
          fail(t, "expected a value, found the end of the text");
        } else if (separator && stack_.back()->is_array() && c == ']') {
          fail(t, "expected a value after ',', found ']' (a trailing comma is not allowed)");
        } else {
          fail(t, std::string(kAnyValue) + ", found " + describe(t));
        }
        return;
      case Expect::key_or_close:
      case Expect::key:
        if (expect == Expect::key && c == '}')
          fail(t, "expected a member name after ',', found '}' (a trailing comma is not allowed)");
        else fail(t, "expected a member name in double quotes, found " + describe(t));
        return;
      case Expect::colon: fail(t, "expected ':' after a member name, found " + describe(t)); return;
      case Expect::comma_or_close: {
        const bool array = stack_.back()->is_array();
        const std::string want =
            array ? "expected ',' or ']' in an array" : "expected ',' or '}' in an object";
        if (t >= s_.size()) fail(t, want + ", found the end of the text");
        else fail(t, want + ", found " + describe(t) + " (a comma missing?)");
        return;
      }
    }
  }

  /// A string token starting at t that the lexer refused at byte `last`.
  void string_error(std::size_t t, std::size_t last, const std::string& problem) {
    if (problem.find("missing closing quote") != std::string::npos) {
      fail(t, "unterminated string (it starts here)");
    } else if (problem.find("ill-formed UTF-8") != std::string::npos) {
      // nlohmann_json stops on the byte that breaks the sequence: name where the sequence starts.
      const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s_[i]); };
      std::size_t start = last;
      if (last < s_.size() && byte(last) < 0xc0) {
        std::size_t k = last;
        while (k > t + 1 && last - k < 3 && (byte(k - 1) & 0xc0) == 0x80) --k;
        if (k > t + 1 && byte(k - 1) >= 0xc0) start = k - 1;
      }
      fail(start, "invalid UTF-8 in a string");
    } else if (problem.find("control character") != std::string::npos) {
      fail(last, "control character (" + describe(last) +
                     ") in a string: write it as an escape like \\n or \\u0009");
    } else if (problem.find("forbidden character after backslash") != std::string::npos) {
      const std::size_t backslash = last > 0 ? last - 1 : last;
      fail(backslash, "invalid escape '\\" + std::string(s_.substr(last, 1)) + "' in a string");
    } else {
      // \u escapes: "'\u' must be followed by 4 hex digits", surrogates without their pair;
      // placed at the escape (the last "\u" before where the lexer stopped).
      std::string p = problem;
      if (p.rfind("invalid string: ", 0) == 0) p = p.substr(16);
      std::size_t at = last < s_.size() ? last : s_.size() - 1;
      while (at > t && !(s_[at] == '\\' && at + 1 < s_.size() && s_[at + 1] == 'u')) --at;
      fail(at, "invalid \\u escape in a string: " + p);
    }
  }

  std::string_view s_;
  const char* const* read_;  // how far the lexer has read (PositionIterator)
  Json root_;
  bool have_root_ = false;
  std::vector<Json*> stack_;  // the open containers, innermost last
  bool after_key_ = false;    // in an object: a key read, its value not yet
  bool last_was_open_ = false;
  bool last_was_number_ = false;
  std::size_t last_end_ = 0;    // where the last event's token ended
  std::size_t stopped_at_ = 0;  // bytes read when nlohmann_json reported an error
  bool failed_ = false;
  Json::ParseError error_;
};

std::optional<Json> Json::parse(std::string_view text, ParseError* error) {
  const char* read = text.data();
  JsonBuilder builder(text, &read);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(PositionIterator(text.data(), &read),
                                   PositionIterator(text.data() + text.size(), &read), &builder);
  } catch (const std::exception& e) {
    // nlohmann_json reports errors to the handler rather than throwing; this is a safety net.
    if (error) *error = ParseError{1, 1, std::string("invalid JSON: ") + e.what()};
    return std::nullopt;
  }
  if (!ok || builder.failed()) {
    if (error) {
      *error = builder.error();
      if (!builder.failed()) error->message = "invalid JSON";
    }
    return std::nullopt;
  }
  return builder.take_root();
}

}  // namespace tcpplay
