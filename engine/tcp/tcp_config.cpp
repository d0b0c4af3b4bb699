#include "tcp/tcp_config.h"

#include <algorithm>
#include <charconv>
#include <variant>

#include "core/duration.h"

namespace tcpplay {
namespace {

using Field = std::variant<SimTime TcpConfig::*, std::uint32_t TcpConfig::*,
                           std::uint64_t TcpConfig::*, bool TcpConfig::*, std::string TcpConfig::*>;
struct Param {
  TcpConfig::ParamInfo info;
  Field field;
};

const std::vector<Param>& table() {
  using K = TcpConfig::Kind;
  static const std::vector<Param> t = {
      {{"mss", K::count, "MSS to advertise (clamped by path MTU - 40)", "bytes", 88, 65495},
       &TcpConfig::mss},
      {{"send_buffer", K::count, "send buffer size in bytes", "bytes", 0, UINT32_MAX},
       &TcpConfig::send_buffer},
      {{"recv_buffer", K::count, "receive buffer size in bytes", "bytes", 0, UINT32_MAX},
       &TcpConfig::recv_buffer},
      {{"window_scaling", K::boolean, "offer the window scale option (RFC 7323)"},
       &TcpConfig::window_scaling},
      {{"sack", K::boolean, "offer SACK (RFC 2018)"}, &TcpConfig::sack},
      {{"timestamps", K::boolean, "offer timestamps (RFC 7323)"}, &TcpConfig::timestamps},
      {{"rto_initial", K::duration, "initial RTO (RFC 6298 2.1)", "s"}, &TcpConfig::rto_initial},
      {{"rto_min", K::duration, "minimum RTO (RFC 6298 2.4)", "s", 1}, &TcpConfig::rto_min},
      {{"rto_max", K::duration, "maximum RTO (RFC 6298 2.5)", "s"}, &TcpConfig::rto_max},
      {{"syn_fallback_rto", K::duration, "RTO after a SYN timeout (RFC 6298 5.7)", "s"},
       &TcpConfig::syn_fallback_rto},
      {{"syn_retries", K::count, "SYN retransmissions before connect fails", "retransmissions", 0,
        UINT32_MAX},
       &TcpConfig::syn_retries},
      {{"syn_linear_retries", K::count, "first SYN retries without backoff", "retransmissions", 0,
        UINT32_MAX},
       &TcpConfig::syn_linear_retries},
      {{"connect_timeout", K::duration, "explicit connect timeout (0 = off)", "s", 0, UINT64_MAX,
        "", "connect"},
       &TcpConfig::connect_timeout},
      {{"synack_retries", K::count, "SYN-ACK retransmissions", "retransmissions", 0, UINT32_MAX},
       &TcpConfig::synack_retries},
      {{"data_retries", K::count, "RTO expiries before giving up (tcp_retries2)", "retransmissions",
        0, UINT32_MAX},
       &TcpConfig::data_retries},
      {{"user_timeout", K::duration, "TCP_USER_TIMEOUT (0 = off)", "s"}, &TcpConfig::user_timeout},
      {{"keepalive", K::boolean, "send keepalive probes"}, &TcpConfig::keepalive},
      {{"keepalive_idle", K::duration, "idle time before the first probe", "s", 0, UINT64_MAX, "",
        "keepalive"},
       &TcpConfig::keepalive_idle},
      {{"keepalive_interval", K::duration, "time between probes", "s", 0, UINT64_MAX, "",
        "keepalive"},
       &TcpConfig::keepalive_interval},
      {{"keepalive_count", K::count, "unanswered probes before the connection is dropped", "probes",
        0, UINT32_MAX},
       &TcpConfig::keepalive_count},
      {{"delayed_ack", K::boolean, "delay ACKs (RFC 9293 3.8.6.3)"}, &TcpConfig::delayed_ack},
      {{"delayed_ack_timeout", K::duration, "longest ACK delay", "s", 0, UINT64_MAX, "",
        "delayed_ack"},
       &TcpConfig::delayed_ack_timeout},
      {{"ack_every_segments", K::count, "ACK at least every N full segments", "segments", 1,
        UINT32_MAX},
       &TcpConfig::ack_every_segments},
      {{"nagle", K::boolean, "Nagle's algorithm (false = TCP_NODELAY)"}, &TcpConfig::nagle},
      {{"time_wait", K::duration, "TIME_WAIT length (2 x MSL)", "s", 0, UINT64_MAX, "",
        "time_wait"},
       &TcpConfig::time_wait},
      {{"fin_wait_2_timeout", K::duration, "orphaned FIN_WAIT_2 lifetime (0 = none)", "s", 0,
        UINT64_MAX, "", "fin_wait_2"},
       &TcpConfig::fin_wait_2_timeout},
      {{"rfc5961", K::boolean, "challenge ACKs for RST/SYN (false = RFC 793)"},
       &TcpConfig::rfc5961},
      {{"congestion_control", K::text, "newreno or cubic", "", 0, UINT64_MAX, "newreno,cubic"},
       &TcpConfig::congestion_control},
      {{"initial_window_segments", K::count, "initial cwnd in segments (0 = RFC 6928)", "segments",
        0, UINT32_MAX},
       &TcpConfig::initial_window_segments},
      {{"recovery", K::text, "SACK loss recovery: rfc6675 or prr (RFC 6937)", "", 0, UINT64_MAX,
        "rfc6675,prr"},
       &TcpConfig::recovery},
      {{"cork", K::boolean, "TCP_CORK: hold partial segments (sent when uncorked or after 200 ms)"},
       &TcpConfig::cork},
      {{"linger", K::boolean, "SO_LINGER on: close() waits linger_time (0: close sends RST)"},
       &TcpConfig::linger},
      {{"linger_time", K::duration, "SO_LINGER l_linger (with linger on; 0 = abortive close)", "s"},
       &TcpConfig::linger_time},
      {{"recv_timeout", K::duration,
        "SO_RCVTIMEO: a read that waits longer fails with EAGAIN (0 = never)", "s"},
       &TcpConfig::recv_timeout},
      {{"send_timeout", K::duration,
        "SO_SNDTIMEO: a send that waits longer fails with EAGAIN (0 = never)", "s"},
       &TcpConfig::send_timeout},
      {{"read_rate", K::count, "application read rate in bytes/s (0 = at once)", "bytes/s"},
       &TcpConfig::read_rate},
      {{"idle_timeout", K::duration, "application idle timeout (0 = off)", "s", 0, UINT64_MAX, "",
        "idle"},
       &TcpConfig::idle_timeout},
  };
  return t;
}

const Param* find(std::string_view name) {
  for (const Param& p : table())
    if (name == p.info.name) return &p;
  return nullptr;
}

template <typename T>
bool parse_uint(std::string_view text, T& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<TcpConfig> TcpConfig::profile_defaults(std::string_view name) {
  TcpConfig c;
  if (name == "rfc") return c;
  if (name == "linux") {
    // include/net/tcp.h and ip-sysctl.rst defaults.
    c.profile = "linux";
    c.rto_min = 200 * kMillisecond;
    c.rto_max = 120 * kSecond;
    c.time_wait = 60 * kSecond;
    c.delayed_ack_timeout = 40 * kMillisecond;
    c.fin_wait_2_timeout = 60 * kSecond;
    c.congestion_control = "cubic";
    c.recv_buffer = 131072;
    return c;
  }
  if (name == "windows") {
    // Microsoft KB 314053: TcpMaxConnectRetransmissions 2 with a 3 s initial RTO,
    // TcpMaxDataRetransmissions 5, TcpTimedWaitDelay 240 s (Windows 2000 and the IPv6 stack).
    c.profile = "windows";
    c.rto_initial = 3 * kSecond;
    c.rto_min = 300 * kMillisecond;
    c.syn_retries = 2;
    c.data_retries = 5;
    c.time_wait = 240 * kSecond;
    c.congestion_control = "cubic";
    return c;
  }
  return make_error("unknown TCP profile \"" + std::string(name) +
                    "\" (expected rfc, linux or windows)");
}

const std::vector<TcpConfig::ParamInfo>& TcpConfig::params() {
  static const std::vector<ParamInfo> infos = [] {
    std::vector<ParamInfo> v;
    for (const Param& p : table()) v.push_back(p.info);
    return v;
  }();
  return infos;
}

const std::vector<TcpConfig::SocketOption>& TcpConfig::socket_options() {
  // man 7 socket, man 7 tcp. Values are given as everywhere else in a scenario (durations with
  // a unit, byte counts, true/false), not in the units setsockopt takes (TCP_USER_TIMEOUT in ms,
  // TCP_KEEPIDLE in s, SO_RCVTIMEO as a struct timeval).
  static const std::vector<SocketOption> t = {
      {"SO_RCVBUF", "recv_buffer", false,
       "receive buffer in bytes; Linux stores twice the value (half for its own bookkeeping) and "
       "offers about the value given as window: here the window follows the value given"},
      {"SO_SNDBUF", "send_buffer", false,
       "send buffer in bytes (Linux doubles it for bookkeeping, as for SO_RCVBUF)"},
      {"SO_KEEPALIVE", "keepalive", false, "send keepalive probes"},
      {"SO_LINGER", "linger,linger_time", false,
       "\"off\", or a duration: linger on with that l_linger; \"0s\" makes close() send RST "
       "and drop queued data (RFC 9293 §3.10.4 ABORT)"},
      {"SO_RCVTIMEO", "recv_timeout", false, "a read that waits longer fails with EAGAIN"},
      {"SO_SNDTIMEO", "send_timeout", false,
       "a send that waits longer for buffer space fails with EAGAIN (or returns what it wrote)"},
      {"TCP_NODELAY", "nagle", true, "true turns Nagle's algorithm off"},
      {"TCP_CORK", "cork", false,
       "hold partial segments until uncorked, at most 200 ms (Linux's ceiling)"},
      {"TCP_QUICKACK", "delayed_ack", true,
       "true: ACK at once, and a delayed ACK pending is sent now. Linux may later re-enter its "
       "delayed-ACK (pingpong) mode by itself; here it stays until set false"},
      {"TCP_USER_TIMEOUT", "user_timeout", false,
       "longest time data may stay unacknowledged before the connection fails with ETIMEDOUT"},
      {"TCP_KEEPIDLE", "keepalive_idle", false, "idle time before the first keepalive probe"},
      {"TCP_KEEPINTVL", "keepalive_interval", false, "time between keepalive probes"},
      {"TCP_KEEPCNT", "keepalive_count", false, "unanswered probes before ETIMEDOUT"},
  };
  return t;
}

Result<std::vector<std::pair<std::string, std::string>>> TcpConfig::resolve(
    std::string_view name, std::string_view value) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  const SocketOption* opt = nullptr;
  for (const SocketOption& o : socket_options())
    if (name == o.name) opt = &o;
  if (!opt) return Pairs{{std::string(name), std::string(value)}};
  if (std::string_view(opt->name) == "SO_LINGER") {
    if (value == "off") return Pairs{{"linger", "false"}};
    if (!parse_duration(value))
      return make_error("expected \"off\" or a duration like \"0s\", got " + std::string(value));
    return Pairs{{"linger", "true"}, {"linger_time", std::string(value)}};
  }
  if (opt->inverted) {
    if (value == "true") return Pairs{{opt->param, "false"}};
    if (value == "false") return Pairs{{opt->param, "true"}};
    return make_error("expected true or false, got " + std::string(value));
  }
  return Pairs{{opt->param, std::string(value)}};
}

Status TcpConfig::set(std::string_view name, std::string_view value) {
  auto pairs = resolve(name, value);
  if (!pairs) return make_error(pairs.error());
  // Work on a copy so that a rejected value leaves the configuration as it was.
  TcpConfig next = *this;
  for (const auto& [param, v] : *pairs)
    if (Status st = next.assign(param, v); !st) return st;
  *this = std::move(next);
  return Status::success();
}

Status TcpConfig::assign(std::string_view name, std::string_view value) {
  const Param* p = find(name);
  if (!p) return make_error("unknown TCP parameter \"" + std::string(name) + "\"");
  const std::string v(value);
  if (auto f = std::get_if<SimTime TcpConfig::*>(&p->field)) {
    auto d = parse_duration(value);
    if (!d) return make_error("expected a duration like \"10ms\", got " + v);
    this->*(*f) = *d;
  } else if (auto f = std::get_if<std::uint32_t TcpConfig::*>(&p->field)) {
    std::uint32_t n;
    if (!parse_uint(value, n)) return make_error("expected a non-negative integer, got " + v);
    this->*(*f) = n;
  } else if (auto f = std::get_if<std::uint64_t TcpConfig::*>(&p->field)) {
    std::uint64_t n;
    if (!parse_uint(value, n)) return make_error("expected a non-negative integer, got " + v);
    this->*(*f) = n;
  } else if (auto f = std::get_if<bool TcpConfig::*>(&p->field)) {
    if (value == "true") this->*(*f) = true;
    else if (value == "false") this->*(*f) = false;
    else return make_error("expected true or false, got " + v);
  } else if (auto f = std::get_if<std::string TcpConfig::*>(&p->field)) {
    // The allowed values are the table's (one list for set() and the parameter catalogue).
    const std::string_view choices = p->info.choices;
    bool allowed = false;
    std::string list;
    for (std::size_t at = 0; at <= choices.size();) {
      const std::size_t comma = std::min(choices.find(',', at), choices.size());
      const std::string_view c = choices.substr(at, comma - at);
      allowed |= c == value;
      list += (list.empty() ? "" : comma == choices.size() ? " or " : ", ") + std::string(c);
      at = comma + 1;
    }
    if (!allowed) return make_error("expected " + list + ", got " + v);
    this->*(*f) = v;
  }
  // The table's bounds (a count's type bounds it too).
  const TcpConfig::ParamInfo& i = p->info;
  std::uint64_t n = 0;
  if (auto f = std::get_if<SimTime TcpConfig::*>(&p->field))
    n = static_cast<std::uint64_t>(this->*(*f));
  else if (auto f = std::get_if<std::uint32_t TcpConfig::*>(&p->field)) n = this->*(*f);
  else if (auto f = std::get_if<std::uint64_t TcpConfig::*>(&p->field)) n = this->*(*f);
  else return Status::success();
  if (n >= i.min && n <= i.max) return Status::success();
  if (i.kind == Kind::duration)
    return make_error(i.min == 1 ? "must be greater than 0" : "out of range");
  if (i.max == UINT32_MAX || i.max == UINT64_MAX)
    return make_error("must be at least " + std::to_string(i.min));
  return make_error(std::string(name) + " must be between " + std::to_string(i.min) + " and " +
                    std::to_string(i.max));
}

Result<std::string> TcpConfig::get(std::string_view name) const {
  for (const SocketOption& o : socket_options()) {
    if (name != o.name) continue;
    if (std::string_view(o.name) == "SO_LINGER")
      return linger ? format_duration(linger_time) : std::string("off");
    auto v = get(o.param);
    if (v && o.inverted) return std::string(*v == "true" ? "false" : "true");
    return v;
  }
  const Param* p = find(name);
  if (!p) return make_error("unknown TCP parameter \"" + std::string(name) + "\"");
  if (auto f = std::get_if<SimTime TcpConfig::*>(&p->field)) return format_duration(this->*(*f));
  if (auto f = std::get_if<std::uint32_t TcpConfig::*>(&p->field))
    return std::to_string(this->*(*f));
  if (auto f = std::get_if<std::uint64_t TcpConfig::*>(&p->field))
    return std::to_string(this->*(*f));
  if (auto f = std::get_if<bool TcpConfig::*>(&p->field))
    return std::string(this->*(*f) ? "true" : "false");
  return this->*std::get<std::string TcpConfig::*>(p->field);
}

bool TcpConfig::same_as(const TcpConfig& other) const {
  if (profile != other.profile) return false;
  // The parameter table lists every field that can differ (all of them are settable by name).
  for (const Param& p : table()) {
    const bool equal =
        std::visit([&](auto field) { return this->*field == other.*field; }, p.field);
    if (!equal) return false;
  }
  return true;
}

}  // namespace tcpplay
