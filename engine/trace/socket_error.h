// What the application sees when a socket call fails: Linux's errno names and texts
// (strerror, glibc), and the socket_error trace event that records one. The engine reports
// the errors a Linux socket reports, where Linux reports them:
//   ECONNREFUSED  connect() answered by RST (RFC 9293 §3.10.7.3); a connected UDP socket's
//                 pending ICMP port unreachable (RFC 1122 §4.1.3.3, Linux udp_err)
//   ECONNRESET    an RST on a synchronized connection (RFC 9293 §3.10.7.4)
//   ETIMEDOUT     connect, retransmission, TCP_USER_TIMEOUT or keepalive gave up (§3.8.3)
//   EPIPE         send() after shutdown(SHUT_WR)/close or after the connection is gone
//   EADDRINUSE    listen/bind/connect on a port or 4-tuple already in use
//   EHOSTUNREACH  an ICMP host unreachable reported to a socket (IP_RECVERR off: see udp)
//   EAGAIN        a read or send that waited longer than SO_RCVTIMEO / SO_SNDTIMEO
#pragma once
#include <cstdint>
#include <string>

#include "core/time.h"
#include "trace/trace.h"

namespace tcpplay {

namespace sock_errno {
constexpr const char* econnrefused = "ECONNREFUSED";
constexpr const char* econnreset = "ECONNRESET";
constexpr const char* etimedout = "ETIMEDOUT";
constexpr const char* epipe = "EPIPE";
constexpr const char* eaddrinuse = "EADDRINUSE";
constexpr const char* ehostunreach = "EHOSTUNREACH";
constexpr const char* enetunreach = "ENETUNREACH";
constexpr const char* enoprotoopt = "ENOPROTOOPT";
constexpr const char* emsgsize = "EMSGSIZE";
constexpr const char* eagain = "EAGAIN";
}  // namespace sock_errno

/// The errno's text as strerror() gives it on Linux ("Connection refused"); "" if unknown.
const char* errno_text(const char* name);
/// The errno constant (a stable pointer, usable as a trace label) for this name, or nullptr.
const char* errno_by_name(const std::string& name);

/// Adds a socket_error event: `err` is a sock_errno constant, `call` a string literal.
void trace_socket_error(Trace& trace, SimTime time, int host, int conn, const FourTuple& tuple,
                        const char* err, const char* call, std::string detail);

}  // namespace tcpplay
