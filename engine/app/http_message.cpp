#include "app/http_message.h"

#include <algorithm>

namespace tcpplay {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const char* http_reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string HttpMessage::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return "";
}

bool HttpMessage::has_header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return true;
  return false;
}

void HttpMessage::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

bool HttpMessage::wants_close() const {
  const std::string c = header("Connection");
  if (iequals(c, "close")) return true;
  if (version == "HTTP/1.0") return !iequals(c, "keep-alive");
  return false;
}

std::string HttpMessage::summary() const {
  if (is_request) return method + " " + target;
  return std::to_string(status) + " " + reason;
}

std::string HttpMessage::head() const {
  std::string s = is_request ? method + " " + target + " " + version
                             : version + " " + std::to_string(status) + " " + reason;
  s += "\r\n";
  for (const auto& [k, v] : headers) s += k + ": " + v + "\r\n";
  s += "\r\n";
  return s;
}

std::vector<Payload> HttpMessage::to_payloads() const {
  // One write for the head and a small body, as servers do (writev): two small writes would
  // meet Nagle and the peer's delayed ACK (the 200 ms write-write-read stall).
  std::vector<Payload> out;
  out.push_back(Payload::from_text(head()));
  for (const Payload& p : body) {
    if (p.empty()) continue;
    if (body_size <= kCoalesceBody) out.back() = Payload::concat(out.back(), p);
    else out.push_back(p);
  }
  return out;
}

HttpMessage HttpMessage::request(std::string method, std::string target, std::string host) {
  HttpMessage m;
  m.is_request = true;
  m.method = std::move(method);
  m.target = std::move(target);
  m.headers.emplace_back("Host", std::move(host));
  return m;
}

HttpMessage HttpMessage::response(int status, std::string reason, std::string body) {
  HttpMessage m;
  m.is_request = false;
  m.status = status;
  m.reason = std::move(reason);
  m.headers.emplace_back("Content-Length", std::to_string(body.size()));
  m.body_size = body.size();
  if (!body.empty()) m.body.push_back(Payload::from_text(body));
  return m;
}

HttpMessage HttpMessage::response_pattern(int status, std::string reason, std::uint32_t seed,
                                          std::uint32_t len) {
  HttpMessage m;
  m.is_request = false;
  m.status = status;
  m.reason = std::move(reason);
  m.headers.emplace_back("Content-Length", std::to_string(len));
  m.body_size = len;
  if (len > 0) m.body.push_back(Payload::pattern(seed, 0, len));
  return m;
}

// --- parser ------------------------------------------------------------------------------

bool HttpParser::feed(const Payload& data) {
  if (failed()) return false;
  std::uint32_t i = 0;
  while (i < data.size()) {
    if (in_body_) {
      const std::uint32_t take =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(body_left_, data.size() - i));
      current_.body.push_back(data.slice(i, take));
      current_.body_size += take;
      body_left_ -= take;
      i += take;
      if (body_left_ == 0) {
        in_body_ = false;
        done_.push_back(std::move(current_));
        current_ = HttpMessage{};
      }
      continue;
    }
    // In the head: take bytes until the empty line that ends it.
    head_ += static_cast<char>(data.at(i++));
    if (head_.size() > kMaxHead) {
      error_ = "header section longer than " + std::to_string(kMaxHead) + " bytes";
      return false;
    }
    if (head_.size() == 2 && head_ == "\r\n") {
      head_.clear();  // RFC 9112 §2.2: ignore empty lines before a request line
      continue;
    }
    if (head_.size() >= 4 && head_.compare(head_.size() - 4, 4, "\r\n\r\n") == 0) {
      if (!finish_head()) return false;
    }
  }
  return true;
}

bool HttpParser::finish_head() {
  current_ = HttpMessage{};
  current_.is_request = requests_;
  std::string_view rest(head_);
  rest.remove_suffix(2);  // the final empty line
  bool first = true;
  while (!rest.empty()) {
    const auto eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 2);
    if (first) {
      first = false;
      const auto sp1 = line.find(' ');
      const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
      if (sp1 == std::string_view::npos || (requests_ && sp2 == std::string_view::npos)) {
        error_ = "malformed " + std::string(requests_ ? "request" : "status") + " line \"" +
                 std::string(line) + "\"";
        return false;
      }
      if (requests_) {
        current_.method = std::string(line.substr(0, sp1));
        current_.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
        current_.version = std::string(line.substr(sp2 + 1));
        if (!is_token(current_.method) || current_.target.empty()) {
          error_ = "malformed request line \"" + std::string(line) + "\"";
          return false;
        }
      } else {
        current_.version = std::string(line.substr(0, sp1));
        const std::string_view code =
            line.substr(sp1 + 1, sp2 == std::string_view::npos ? 3 : sp2 - sp1 - 1);
        if (code.size() != 3 ||
            !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          error_ = "malformed status line \"" + std::string(line) + "\"";
          return false;
        }
        current_.status = std::stoi(std::string(code));
        current_.reason = sp2 == std::string_view::npos ? "" : std::string(line.substr(sp2 + 1));
      }
      if (current_.version.rfind("HTTP/1.", 0) != 0) {
        error_ = "unsupported HTTP version \"" + current_.version + "\"";
        return false;
      }
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      error_ = "malformed header field \"" + std::string(line) + "\"";
      return false;
    }
    current_.headers.emplace_back(std::string(line.substr(0, colon)),
                                  std::string(trim(line.substr(colon + 1))));
  }
  if (first) {
    error_ = "empty message head";
    return false;
  }
  if (!current_.header("Transfer-Encoding").empty()) {
    error_ = "Transfer-Encoding is not supported (only Content-Length)";
    return false;
  }
  body_left_ = 0;
  if (current_.has_header("Content-Length")) {
    const std::string cl = current_.header("Content-Length");
    if (cl.empty() || cl.size() > 15 ||
        !std::all_of(cl.begin(), cl.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      error_ = "invalid Content-Length \"" + cl + "\"";
      return false;
    }
    body_left_ = std::stoull(cl);
  }
  head_.clear();
  if (body_left_ > 0) {
    in_body_ = true;
  } else {
    done_.push_back(std::move(current_));
    current_ = HttpMessage{};
  }
  return true;
}

HttpMessage HttpParser::pop() {
  HttpMessage m = std::move(done_.front());
  done_.pop_front();
  return m;
}

}  // namespace tcpplay
