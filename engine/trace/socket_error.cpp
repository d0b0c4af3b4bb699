#include "trace/socket_error.h"

#include <cstring>

namespace tcpplay {

namespace {
struct ErrnoEntry {
  const char* name;
  const char* text;  // glibc's strerror()
};
constexpr ErrnoEntry kErrnos[] = {
    {sock_errno::econnrefused, "Connection refused"},
    {sock_errno::econnreset, "Connection reset by peer"},
    {sock_errno::etimedout, "Connection timed out"},
    {sock_errno::epipe, "Broken pipe"},
    {sock_errno::eaddrinuse, "Address already in use"},
    {sock_errno::ehostunreach, "No route to host"},
    {sock_errno::enetunreach, "Network is unreachable"},
    {sock_errno::enoprotoopt, "Protocol not available"},
    {sock_errno::emsgsize, "Message too long"},
    {sock_errno::eagain, "Resource temporarily unavailable"},
};
}  // namespace

const char* errno_text(const char* name) {
  for (const ErrnoEntry& e : kErrnos)
    if (std::strcmp(e.name, name) == 0) return e.text;
  return "";
}

const char* errno_by_name(const std::string& name) {
  for (const ErrnoEntry& e : kErrnos)
    if (name == e.name) return e.name;
  return nullptr;
}

void trace_socket_error(Trace& trace, SimTime time, int host, int conn, const FourTuple& tuple,
                        const char* err, const char* call, std::string detail) {
  TraceEvent ev;
  ev.time = time;
  ev.kind = TraceKind::socket_error;
  ev.host = host;
  ev.conn = conn;
  ev.tuple = tuple;
  ev.name = err;
  ev.from = call;
  ev.detail = std::move(detail);
  trace.add(std::move(ev));
}

}  // namespace tcpplay
