// The eleven connection states of RFC 9293 §3.3.2 (CLOSED meaning "no TCB").
#pragma once
#include <cstdint>

namespace tcpplay {

enum class TcpState : std::uint8_t {
  closed,
  listen,
  syn_sent,
  syn_received,
  established,
  fin_wait_1,
  fin_wait_2,
  close_wait,
  closing,
  last_ack,
  time_wait,
};

/// The names people know from netstat and the textbooks: "SYN_SENT", "TIME_WAIT".
const char* to_string(TcpState s);

/// States in which both sides' ISNs are known (RFC 9293 §3.10.7.4).
inline bool is_synchronized(TcpState s) {
  return s != TcpState::closed && s != TcpState::listen && s != TcpState::syn_sent &&
         s != TcpState::syn_received;
}

}  // namespace tcpplay
