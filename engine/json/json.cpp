#include "json/json.h"

#include <cctype>
#include <cfloat>

#include "trace/jsonl.h"

namespace tcpplay {

// --- values ----------------------------------------------------------------------------------

Json Json::number_text(std::string text) {
  Json j(Type::number);
  j.text_ = std::move(text);
  return j;
}

bool Json::is_float() const {
  return is_number() && text_.find_first_of(".eE") != std::string::npos;
}

std::optional<std::uint64_t> Json::unsigned_value() const {
  if (!is_number() || text_.empty() || text_.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  std::uint64_t n = 0;
  for (char c : text_) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

std::optional<std::int64_t> Json::int64_value() const {
  if (!is_number() || text_.empty()) return std::nullopt;
  const bool negative = text_[0] == '-';
  Json magnitude = number_text(text_.substr(negative ? 1 : 0));
  const auto m = magnitude.unsigned_value();
  if (!m || *m > static_cast<std::uint64_t>(INT64_MAX) + (negative ? 1 : 0)) return std::nullopt;
  return negative ? static_cast<std::int64_t>(0 - *m) : static_cast<std::int64_t>(*m);
}

double Json::as_double() const { return is_number() ? parse_decimal(text_) : 0.0; }

double parse_decimal(std::string_view text) {
  std::size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  // Up to 19 significant digits in m; further ones only move the decimal exponent.
  std::uint64_t m = 0;
  int digits = 0, exp10 = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (m == 0 && c == '0') {
      if (seen_point) --exp10;  // leading zeros of a fraction
      continue;
    }
    if (digits < 19) {
      m = m * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
      if (seen_point) --exp10;
    } else if (!seen_point) {
      ++exp10;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool neg_exp = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    int e = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
      if (e < 100000) e = e * 10 + (text[i] - '0');
    exp10 += neg_exp ? -e : e;
  }
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  double v = static_cast<double>(m);
  if (m == 0) {
    v = 0;
  } else if (m < (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
    // Clinger's fast path: both operands exact, so one correctly rounded operation.
    v = exp10 < 0 ? v / kPow10[-exp10] : v * kPow10[exp10];
  } else {
    for (int e = exp10; e > 0 && v <= DBL_MAX; e -= 22) v *= kPow10[e > 22 ? 22 : e];
    for (int e = exp10; e < 0 && v > 0; e += 22) v /= kPow10[-e > 22 ? 22 : -e];
  }
  return negative ? -v : v;
}

const Json* Json::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return &items_[i];
  return nullptr;
}

Json* Json::find(std::string_view key) {
  return const_cast<Json*>(static_cast<const Json&>(*this).find(key));
}

void Json::set(std::string_view key, Json value) {
  if (Json* v = find(key)) {
    *v = std::move(value);
    return;
  }
  keys_.emplace_back(key);
  items_.push_back(std::move(value));
}

// --- printing --------------------------------------------------------------------------------

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

void Json::dump_to(std::string& out, int indent, int depth) const {
  switch (type_) {
    case Type::null: out += "null"; return;
    case Type::boolean: out += bool_ ? "true" : "false"; return;
    case Type::number: out += text_; return;
    case Type::string: append_json_string(out, text_); return;
    case Type::array:
    case Type::object: break;
  }
  const bool obj = is_object();
  out += obj ? '{' : '[';
  if (items_.empty()) {
    out += obj ? '}' : ']';
    return;
  }
  const auto newline = [&](int d) {
    if (indent <= 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * d), ' ');
  };
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (i) out += ',';
    newline(depth + 1);
    if (obj) {
      append_json_string(out, keys_[i]);
      out += indent > 0 ? ": " : ":";
    }
    items_[i].dump_to(out, indent, depth + 1);
  }
  newline(depth);
  out += obj ? '}' : ']';
}

// --- parsing ---------------------------------------------------------------------------------

namespace {

constexpr int kMaxDepth = 256;

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  std::optional<Json> document(Json::ParseError* error) {
    std::optional<Json> v;
    skip_space();
    if (at_end()) {
      fail("the text is empty; expected a JSON value");
    } else {
      v = value(0);
      if (v) {
        skip_space();
        if (!at_end()) fail("expected the end of the text after the JSON value, found " + describe_here());
      }
    }
    if (failed_) {
      if (error) *error = error_;
      return std::nullopt;
    }
    return v;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++i_;
  }

  /// Records the first error, placed at byte `at` (default: the current one).
  std::nullopt_t fail(std::string message, std::size_t at = SIZE_MAX) {
    if (failed_) return std::nullopt;
    failed_ = true;
    at = at == SIZE_MAX ? i_ : at;
    error_.line = 1;
    std::size_t line_start = 0;
    for (std::size_t k = 0; k < at && k < s_.size(); ++k)
      if (s_[k] == '\n') {
        ++error_.line;
        line_start = k + 1;
      }
    error_.column = at - line_start + 1;
    error_.message = std::move(message);
    return std::nullopt;
  }

  /// What stands at the current position, for messages: "'}'", "a string", "the end of the text".
  std::string describe_here() const {
    if (at_end()) return "the end of the text";
    const char c = peek();
    if (c == '"') return "a string";
    if (c == '-' || (c >= '0' && c <= '9')) return "a number";
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      char buf[16];
      static const char* hex = "0123456789abcdef";
      buf[0] = 'b'; buf[1] = 'y'; buf[2] = 't'; buf[3] = 'e'; buf[4] = ' ';
      buf[5] = '0'; buf[6] = 'x';
      buf[7] = hex[static_cast<unsigned char>(c) >> 4];
      buf[8] = hex[static_cast<unsigned char>(c) & 15];
      return std::string(buf, 9);
    }
    return std::string("'") + c + "'";
  }

  std::optional<Json> value(int depth) {
    skip_space();
    if (at_end()) return fail("expected a value, found the end of the text");
    switch (peek()) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': {
        auto s = string();
        if (!s) return std::nullopt;
        return Json(std::move(*s));
      }
      case 't': return literal("true", Json(true));
      case 'f': return literal("false", Json(false));
      case 'n': return literal("null", Json());
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        return fail("expected a value (object, array, string, number, true, false or null), found " + describe_here());
    }
  }

  std::optional<Json> literal(std::string_view word, Json v) {
    if (s_.substr(i_, word.size()) != word) {
      std::size_t n = 0;
      while (i_ + n < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i_ + n]))) ++n;
      return fail("invalid literal '" + std::string(s_.substr(i_, n ? n : 1)) + "'");
    }
    i_ += word.size();
    return v;
  }

  // RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  std::optional<Json> number() {
    const std::size_t start = i_;
    const auto digits = [&] {
      const std::size_t from = i_;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++i_;
      return i_ - from;
    };
    if (peek() == '-') ++i_;
    if (!at_end() && peek() == '0') {
      ++i_;
      if (!at_end() && peek() >= '0' && peek() <= '9')
        return fail("invalid number: leading zeros are not allowed", start);
    } else if (digits() == 0) {
      return fail("invalid number: expected a digit after '-'");
    }
    if (!at_end() && peek() == '.') {
      ++i_;
      if (digits() == 0) return fail("invalid number: expected a digit after '.'");
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++i_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++i_;
      if (digits() == 0) return fail("invalid number: expected a digit in the exponent");
    }
    return Json::number_text(std::string(s_.substr(start, i_ - start)));
  }

  bool hex4(unsigned& out) {
    out = 0;
    for (int k = 0; k < 4; ++k, ++i_) {
      if (at_end()) return false;
      const char c = peek();
      out <<= 4;
      if (c >= '0' && c <= '9') out |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') out |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') out |= static_cast<unsigned>(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  /// Length of the well-formed UTF-8 sequence at i_ (RFC 3629 §4), or 0.
  std::size_t utf8_sequence() const {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s_[i_ + k]); };
    const unsigned char c = b(0);
    std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    if (n == 0 || i_ + n > s_.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
      if ((b(k) & 0xc0) != 0x80) return 0;
    if (c == 0xe0 && b(1) < 0xa0) return 0;   // overlong
    if (c == 0xed && b(1) > 0x9f) return 0;   // surrogates
    if (c == 0xf0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xf4 && b(1) > 0x8f) return 0;   // above U+10FFFF
    return n;
  }

  std::optional<std::string> string() {
    const std::size_t start = i_;
    ++i_;  // the opening quote
    std::string out;
    while (true) {
      if (at_end()) {
        fail("unterminated string (it starts here)", start);
        return std::nullopt;
      }
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++i_;
        return out;
      }
      if (c < 0x20) {
        fail("control character in a string: write it as an escape like \\n");
        return std::nullopt;
      }
      if (c >= 0x80) {
        const std::size_t n = utf8_sequence();
        if (n == 0) {
          fail("invalid UTF-8 in a string");
          return std::nullopt;
        }
        out.append(s_.substr(i_, n));
        i_ += n;
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++i_;
        continue;
      }
      const std::size_t esc = i_++;
      if (at_end()) continue;  // reported as unterminated
      const char e = peek();
      ++i_;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) {
            fail("invalid \\u escape: expected 4 hex digits", esc);
            return std::nullopt;
          }
          if (cp >= 0xdc00 && cp <= 0xdfff) {
            fail("invalid \\u escape: a low surrogate without a high one", esc);
            return std::nullopt;
          }
          if (cp >= 0xd800 && cp <= 0xdbff) {  // RFC 8259 §7: a UTF-16 surrogate pair
            unsigned low = 0;
            if (s_.substr(i_, 2) != "\\u" || (i_ += 2, !hex4(low)) || low < 0xdc00 || low > 0xdfff) {
              fail("invalid \\u escape: a high surrogate must be followed by a low one", esc);
              return std::nullopt;
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          fail(std::string("invalid escape '\\") + e + "' in a string", esc);
          return std::nullopt;
      }
    }
  }

  std::optional<Json> array(int depth) {
    if (depth > kMaxDepth) return fail("nested deeper than 256 levels");
    ++i_;  // '['
    Json a = Json::array();
    skip_space();
    if (!at_end() && peek() == ']') {
      ++i_;
      return a;
    }
    while (true) {
      auto v = value(depth);
      if (!v) return std::nullopt;
      a.push_back(std::move(*v));
      skip_space();
      if (at_end()) return fail("expected ',' or ']' in an array, found the end of the text");
      if (peek() == ',') {
        ++i_;
        skip_space();
        if (!at_end() && peek() == ']') return fail("expected a value after ',', found ']' (a trailing comma is not allowed)");
        continue;
      }
      if (peek() == ']') {
        ++i_;
        return a;
      }
      return fail("expected ',' or ']' in an array, found " + describe_here() + " (a comma missing?)");
    }
  }

  std::optional<Json> object(int depth) {
    if (depth > kMaxDepth) return fail("nested deeper than 256 levels");
    ++i_;  // '{'
    Json o = Json::object();
    skip_space();
    if (!at_end() && peek() == '}') {
      ++i_;
      return o;
    }
    while (true) {
      skip_space();
      if (at_end() || peek() != '"') {
        if (!at_end() && peek() == '}') return fail("expected a member name after ',', found '}' (a trailing comma is not allowed)");
        return fail("expected a member name in double quotes, found " + describe_here());
      }
      const std::size_t key_at = i_;
      auto key = string();
      if (!key) return std::nullopt;
      if (o.find(*key)) return fail("duplicate key \"" + *key + "\" in an object", key_at);
      skip_space();
      if (at_end() || peek() != ':') return fail("expected ':' after a member name, found " + describe_here());
      ++i_;
      auto v = value(depth);
      if (!v) return std::nullopt;
      o.set(*key, std::move(*v));
      skip_space();
      if (at_end()) return fail("expected ',' or '}' in an object, found the end of the text");
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() == '}') {
        ++i_;
        return o;
      }
      return fail("expected ',' or '}' in an object, found " + describe_here() + " (a comma missing?)");
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  bool failed_ = false;
  Json::ParseError error_;
};

}  // namespace

std::optional<Json> Json::parse(std::string_view text, ParseError* error) {
  return Parser(text).document(error);
}

}  // namespace tcpplay
