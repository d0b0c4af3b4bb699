// Actions on a connection given by its id (`"conn": 7`, or the target "conn:7" of a set):
// every connection, whoever opened it (a timeline socket, an application, a middlebox), can be
// sent to, read, shut down, closed, aborted and tuned.
//
// A connection the timeline named goes through its name, so that data that did not fit in the
// send buffer still waits for room and a close still follows the queued data. Any other
// connection belongs to an application or a middlebox, which is its TcpObserver: the action
// acts on the TCP connection under it, as another thread of that program would on its socket,
// and the program learns of it only through TCP's own callbacks: on_closed("aborted") after an
// abort, on_peer_closed/on_closed as the peer answers a close, refused writes after a shutdown
// (send() takes nothing once a FIN is queued, RFC 9293 §3.10.2). Bytes sent there go into the
// program's byte stream, what fits in the send buffer now (there is no one to wait for room).
//
// Ids are stable across a replay: the network numbers connections in the order they are made,
// and a recorded live action runs at the very event it ran at before (Action::after_events), so
// the same document and seed meet the same connection under the same id.
#include <algorithm>

#include "scenario/scenario.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"

namespace tcpplay {

namespace {
std::string bytes_text(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}
}  // namespace

Status ScenarioRunner::do_by_conn(const Action& a) {
  TcpConnection* c = sim_->connection(a.conn);
  const std::string id = std::to_string(a.conn);
  if (!c || c->is_gone())
    return make_error("connection " + id + " does not exist (it has closed, or was never opened)");
  const int host = c->stack().host().index();
  const std::string who = "conn " + id;

  if (a.kind == ActionKind::set) return set_on_connection(*c, a);
  // A timeline socket: by its name, with its queued data and deferred close.
  if (const std::string name = socket_name(a.conn); !name.empty() && socket(name) == c) {
    Action named = a;
    named.conn = -1;
    named.socket = name;
    switch (a.kind) {
      case ActionKind::send: return do_send(named);
      case ActionKind::read: return do_read(named);
      default: return do_end(named);
    }
  }
  switch (a.kind) {
    case ActionKind::send: {
      const std::uint64_t total = a.text ? a.text->size() : a.bytes;
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(total, c->send_space()));
      const Payload piece = a.text ? Payload::from_text(*a.text).slice(0, n)
                                   : Payload::pattern(static_cast<std::uint32_t>(a.conn), 0, n);
      std::string what = (a.urgent ? "send urgent " : "send ") + bytes_text(total);
      const std::uint32_t taken = n ? c->send(piece, a.urgent) : 0;
      if (taken < total)
        what += taken == 0 ? " (the connection took none: its send buffer is full or it is closing)"
                           : " (only " + bytes_text(taken) +
                                 " fit in its send buffer; the rest is not sent)";
      trace_app(host, a.conn, who, std::move(what));
      return Status::success();
    }
    case ActionKind::read:
      trace_app(host, a.conn, who, "read up to " + bytes_text(a.bytes));
      c->read(static_cast<std::uint32_t>(std::min<std::uint64_t>(a.bytes, UINT32_MAX)));
      return Status::success();
    case ActionKind::shutdown:
      trace_app(host, a.conn, who, "shutdown");
      c->shutdown_write();
      return Status::success();
    case ActionKind::close:
      trace_app(host, a.conn, who, "close");
      c->close();
      return Status::success();
    case ActionKind::abort:
      trace_app(host, a.conn, who, "abort");
      c->abort();
      return Status::success();
    default: return make_error(std::string(to_string(a.kind)) + " does not take a connection id");
  }
}

}  // namespace tcpplay
