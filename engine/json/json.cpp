#include "json/json.h"

#include <cstdint>

#include "trace/jsonl.h"

namespace tcpplay {

// --- values ----------------------------------------------------------------------------------

Json Json::number(std::int64_t n) {
  Json j(Type::number);
  j.text_ = std::to_string(n);
  j.form_ = n < 0 ? Form::negative_int : Form::unsigned_int;
  j.magnitude_ = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  j.double_ = static_cast<double>(n);
  return j;
}

bool Json::is_float() const {
  return is_number() && text_.find_first_of(".eE") != std::string::npos;
}

std::optional<std::uint64_t> Json::unsigned_value() const {
  if (!is_unsigned()) return std::nullopt;
  return magnitude_;
}

std::optional<std::int64_t> Json::int64_value() const {
  if (!is_number()) return std::nullopt;
  if (form_ == Form::unsigned_int && magnitude_ <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(magnitude_);
  if (form_ == Form::negative_int)
    return static_cast<std::int64_t>(0 - magnitude_);  // down to INT64_MIN
  return std::nullopt;
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
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(d), ' ');
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

}  // namespace tcpplay
