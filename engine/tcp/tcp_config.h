// Every TCP parameter a person can change, with named profiles for the defaults.
// `rfc` follows the RFCs' numbers, `linux` and `windows` the values those stacks ship with
// (sources in ../shared/docs/domain-facts.md §2–§4).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace tcpplay {

struct TcpConfig {
  std::string profile = "rfc";

  // Segment size, buffers and options (RFC 9293 §3.7.1, RFC 7323, RFC 2018).
  std::uint32_t mss = 1460;            ///< MSS to advertise; clamped by the path MTU - 40
  std::uint32_t send_buffer = 262144;  ///< bytes the application may queue unsent/unacked
  std::uint32_t recv_buffer =
      131072;  ///< receive buffer; the advertised window follows its free space
  bool window_scaling = true;
  bool sack = true;
  bool timestamps = true;

  // Retransmission timer (RFC 6298).
  SimTime rto_initial = 1 * kSecond;
  SimTime rto_min = 1 * kSecond;
  SimTime rto_max = 60 * kSecond;
  SimTime syn_fallback_rto = 3 * kSecond;  ///< RTO once data starts if the SYN timed out (§5.7)

  // Connection establishment and giving up.
  std::uint32_t syn_retries = 6;  ///< SYN retransmissions before connect fails
  std::uint32_t syn_linear_retries =
      0;  ///< first N SYN retries without backoff (Linux tcp_syn_linear_timeouts)
  SimTime connect_timeout = 0;  ///< explicit connect timeout; 0 = only syn_retries
  std::uint32_t synack_retries = 5;
  std::uint32_t data_retries = 15;  ///< tcp_retries2: RTO expiries before the connection is dropped
  SimTime user_timeout = 0;         ///< TCP_USER_TIMEOUT; 0 = off

  // Keepalive (RFC 9293 §3.8.4; off by default).
  bool keepalive = false;
  SimTime keepalive_idle = 7200 * kSecond;
  SimTime keepalive_interval = 75 * kSecond;
  std::uint32_t keepalive_count = 9;

  // Acknowledgements and sending (RFC 9293 §3.8.6.3, §3.7.4; RFC 5681 §4.2).
  bool delayed_ack = true;
  SimTime delayed_ack_timeout = 200 * kMillisecond;
  std::uint32_t ack_every_segments = 2;
  bool nagle = true;

  // Closing.
  SimTime time_wait = 240 * kSecond;  ///< 2 x MSL (MSL = 2 min, RFC 9293 §3.4.2)
  SimTime fin_wait_2_timeout =
      0;  ///< orphaned FIN_WAIT_2 lifetime (Linux tcp_fin_timeout); 0 = none

  // Robustness (RFC 5961; off = the RFC 793 behaviour).
  bool rfc5961 = true;

  // Congestion control (RFC 5681, 6582, 6928, 9438).
  std::string congestion_control = "newreno";
  std::uint32_t initial_window_segments = 0;  ///< 0 = RFC 6928: min(10*MSS, max(2*MSS, 14600))
  /// Loss recovery with SACK: "rfc6675" (cwnd = ssthresh on entry, RFC 6675 §5) or "prr"
  /// (Proportional Rate Reduction with the slow-start reduction bound, RFC 6937 §3).
  std::string recovery = "rfc6675";

  // Socket options with no other parameter behind them (Linux man 7 tcp, man 7 socket; the
  // Linux names that map onto parameters above are in socket_options()).
  bool cork = false;         ///< TCP_CORK: send only full segments (200 ms ceiling)
  bool linger = false;       ///< SO_LINGER l_onoff
  SimTime linger_time = 0;   ///< SO_LINGER l_linger; with linger on, 0 = close() sends RST
  SimTime recv_timeout = 0;  ///< SO_RCVTIMEO: a read waiting longer fails (EAGAIN); 0 = never
  SimTime send_timeout = 0;  ///< SO_SNDTIMEO: a send waiting longer fails (EAGAIN); 0 = never

  // Application side.
  std::uint64_t read_rate = 0;  ///< bytes/s the application reads; 0 = reads at once
  SimTime idle_timeout =
      0;  ///< application read/idle timeout: close when nothing is received for this long

  /// The defaults of a named profile: "rfc", "linux" or "windows".
  static Result<TcpConfig> profile_defaults(std::string_view name);

  /// Sets one parameter by name from its text form ("200ms", "true", "cubic", "65535").
  Status set(std::string_view name, std::string_view value);
  /// The parameter's current value in the same text form.
  Result<std::string> get(std::string_view name) const;
  /// Every parameter (and the profile name) equal: connections may share one copy.
  bool same_as(const TcpConfig& other) const;

  enum class Kind { duration, count, boolean, text };
  /// One parameter, as the parameter catalogue (scenario/param_catalogue.h) lists it: set()
  /// enforces exactly these bounds and choices, so the catalogue cannot drift from what is taken.
  struct ParamInfo {
    const char* name;
    Kind kind;
    const char* help;
    const char* unit = "";           ///< "bytes", "segments", "s" (a duration), ...
    std::uint64_t min = 0;           ///< smallest value (ns for a duration)
    std::uint64_t max = UINT64_MAX;  ///< largest value (UINT64_MAX: as large as the type holds)
    const char* choices = "";        ///< text kind: the allowed values, comma separated
    const char* timer = "";          ///< the timer whose length it is (a live change moves it)
  };
  static const std::vector<ParamInfo>& params();

  /// A Linux socket option name (setsockopt) and the parameter it sets. set() and get() take
  /// these names too: "TCP_KEEPIDLE" is keepalive_idle, "TCP_NODELAY" is nagle inverted.
  struct SocketOption {
    const char* name;   ///< "SO_RCVBUF", "TCP_USER_TIMEOUT", ...
    const char* param;  ///< the parameter behind it ("recv_buffer"); SO_LINGER sets two
    bool inverted;      ///< a boolean that is the parameter's opposite (TCP_NODELAY = !nagle)
    const char* help;   ///< what Linux does and how the value is given here
  };
  static const std::vector<SocketOption>& socket_options();
  /// The parameter assignments that `name` = `value` stands for: itself, or a socket option's
  /// parameter(s) with the value translated. Error if the name is unknown or the value is not
  /// one the option takes.
  static Result<std::vector<std::pair<std::string, std::string>>> resolve(std::string_view name,
                                                                          std::string_view value);

 private:
  Status assign(std::string_view name, std::string_view value);
};

}  // namespace tcpplay
