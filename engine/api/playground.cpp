// Playground: loading, running, live edits, the event feed and the exports.
// Snapshots and series (the larger JSON documents) are in playground_snapshot.cpp.
#include "api/playground.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <new>
#include <optional>

#include "core/duration.h"
#include "json/json.h"
#include "json/json_writer.h"
#include "net/network.h"
#include "scenario/scenario.h"
#include "tcp/tcp_stack.h"
#include "trace/jsonl.h"
#include "trace/pcap.h"
#include "udp/udp_stack.h"

namespace tcpplay {

namespace {

/// Runs `f`, turning anything but a PlaygroundError into one with the CLI's wording for an
/// unexpected failure ("internal error: ...").
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const PlaygroundError&) {
    throw;
  } catch (const std::exception& e) {
    throw PlaygroundError(std::string("internal error: ") + e.what());
  }
}

std::string errors_json(const std::vector<ScenarioError>& errors) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const ScenarioError& e : errors)
    w.begin_object().field("path", e.path).field("message", e.message).end_object();
  w.end_array();
  return out;
}

/// Checks a reader's cursor against the trace and returns the first index to read.
std::uint64_t checked_cursor(const Trace& trace, std::int64_t cursor, std::int64_t max_events,
                             const char* what) {
  if (cursor < 0)
    throw PlaygroundError(std::string(what) + ": the cursor must be 0 or more, got " +
                          std::to_string(cursor));
  if (max_events < 1)
    throw PlaygroundError(std::string(what) + ": max_events must be 1 or more, got " +
                          std::to_string(max_events));
  if (static_cast<std::uint64_t>(cursor) > trace.end_index())
    throw PlaygroundError(std::string(what) + ": cursor " + std::to_string(cursor) +
                          " is past the end of the trace (" + std::to_string(trace.end_index()) +
                          " events): after load(), reset() or set_path(), start again from 0");
  return std::max<std::uint64_t>(static_cast<std::uint64_t>(cursor), trace.first_index());
}

std::string names_json(const std::vector<std::string>& names) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const std::string& n : names) w.value(n);
  w.end_array();
  return out;
}
std::string port_error(std::string_view what, std::int64_t v) {
  return std::string(what) + ": expected an integer between 1 and 65535, got " + std::to_string(v);
}

}  // namespace

Playground::~Playground() = default;

ScenarioRunner& Playground::runner() const {
  if (!runner_) {
    check_not_ended();
    throw PlaygroundError("no scenario loaded (call load() first)");
  }
  return *runner_;
}

void Playground::check_not_ended() const {
  if (!ended_.empty())
    throw PlaygroundError("the run ended: " + ended_ + "; load() or reset() to start again");
}

void Playground::running_impl(void (*call)(void*), void* f) {
  try {
    SimHeapScope scope(heap_.get());  // everything the simulation allocates goes to its heap
    return call(f);
  } catch (const RunLimitExceeded& e) {
    end_run(e.what(), false);
  } catch (const std::bad_alloc&) {
    const SimTime t = runner_ ? runner_->now() : 0;
    end_run("out of memory while running (at " + format_seconds(t) +
                "s); the run was dropped to free its memory",
            true);
  }
  throw PlaygroundError(ended_ + "; load() or reset() to start again");
}

void Playground::end_run(std::string why, bool drop_runner) {
  if (drop_runner && runner_) {
    // The trace is most of the memory: freed first, so that the document can be copied out.
    runner_->sim().trace().clear();
    try {
      dropped_scenario_ = scenario_json();
    } catch (const std::bad_alloc&) {
      dropped_scenario_.clear();  // reset() then says there is nothing to reset to
    }
    drop_run();
  }
  ended_ = std::move(why);
}

void Playground::restarted() {
  ended_.clear();
  dropped_scenario_.clear();
  ++run_number_;
  formatter_.reset();
  formatted_until_ = 0;
  lines_.clear();
  live_named_.clear();
  feed_.reset();
  text_marks_.clear();
  actions_.clear();
}

// --- loading ---------------------------------------------------------------------------------

std::string Playground::load(std::string_view scenario_json) {
  return guarded([&] {
    // Checked outside the simulation's heap first: the errors are returned from here, and the
    // tables the loader builds on first use are made in the system heap (sim_heap.h).
    LoadResult r = Scenario::load(scenario_json);
    if (!r.ok()) return errors_json(r.errors);
    start_fresh(std::string(scenario_json), {});
    return std::string("[]");
  });
}

void Playground::reset() {
  guarded([&] {
    const bool dropped = !runner_ && !dropped_scenario_.empty();
    std::string text = dropped ? dropped_scenario_ : (runner(), scenario_json());
    // The document came from a loaded scenario plus validated actions, so it loads again; if it
    // ever did not, that is a bug worth reporting with its errors.
    LoadResult r = Scenario::load(text);
    if (!r.ok())
      throw PlaygroundError("internal error: the current scenario no longer loads:\n" +
                            r.error_text());
    start_fresh(std::move(text), {});
  });
}

void Playground::set_path(std::string_view path, std::string_view value) {
  guarded([&] {
    runner();
    // The document with every recorded action and the change; checked outside the heap.
    std::string text = scenario_json();
    std::vector<Override> overrides{Override{std::string(path), std::string(value)}};
    LoadResult r = Scenario::load(text, overrides);
    if (!r.ok()) {
      std::string message = r.error_text();
      message.pop_back();  // "path: message" lines, without the last newline
      throw PlaygroundError(message, std::move(r.errors));
    }
    start_fresh(std::move(text), std::move(overrides));
  });
}

// --- running ---------------------------------------------------------------------------------

void Playground::run_until(SimTime t) { run_until(t, RunBudget{}); }

SimTime Playground::time_arg(std::string_view t) {
  const bool digits =
      !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::optional<SimTime> v;
  if (digits && t.size() <= 18) v = static_cast<SimTime>(std::stoll(std::string(t)));
  else if (!digits) v = parse_duration(t);
  if (!v)
    throw PlaygroundError(
        "run_until: expected a duration like \"30s\" or a number of nanoseconds, got \"" +
        std::string(t) + "\"");
  return *v;
}

void Playground::run_until_text(std::string_view t) { run_until(time_arg(t)); }

template <typename Chunk>
RunResult Playground::run_budgeted(RunBudget budget, Chunk&& chunk) {
  const auto [ran, done] = chunk(budget.max_events ? budget.max_events : UINT64_MAX);
  RunResult result;
  result.events = ran;
  result.reached = done;
  result.now = runner().now();
  return result;
}

RunResult Playground::run_until(SimTime t, RunBudget budget) {
  return guarded([&] {
    check_not_ended();
    ScenarioRunner& r = runner();
    if (t < 0)
      throw PlaygroundError("run_until: expected a time of 0 or more, got " + std::to_string(t));
    if (t < r.now())
      throw PlaygroundError("run_until: " + format_duration(t) + " is before the current time " +
                            format_duration(r.now()) + " (virtual time never goes backwards)");
    return run_budgeted(budget, [&](std::uint64_t n) {
      return advance(Position{t, UINT64_MAX}, n, budget.max_events != 0);
    });
  });
}

RunResult Playground::step_packet(RunBudget budget) {
  return guarded([&] {
    check_not_ended();
    ScenarioRunner& r = runner();
    const Trace& trace = r.sim().trace();
    bool sent = false, none_left = false;
    std::uint64_t total = 0;
    RunResult result = run_budgeted(budget, [&](std::uint64_t n) {
      std::uint64_t ran = 0;
      for (; ran < n && total < kStepPacketLimit; ++ran, ++total) {
        const std::uint64_t before = trace.end_index();
        if (!step_one()) {
          none_left = true;
          break;
        }
        for (std::uint64_t i = std::max(before, trace.first_index()); i < trace.end_index(); ++i)
          if (trace.kind_at(i) == TraceKind::packet_sent) sent = true;
        if (sent) {
          ++ran;
          break;
        }
      }
      return std::pair<std::uint64_t, bool>(ran, sent || none_left || total >= kStepPacketLimit);
    });
    result.sent = sent;
    return result;
  });
}

bool Playground::step() {
  return guarded([&] {
    check_not_ended();
    runner();
    return step_one();
  });
}

bool Playground::step_packet() { return step_packet(RunBudget{}).sent; }

SimTime Playground::now() const { return runner().now(); }

SimTime Playground::next_event_time() {
  const SimTime t = runner().sim().next_event_time();
  return t == kNever ? -1 : t;
}

SimTime Playground::duration() const { return runner().duration(); }

// --- live edits ------------------------------------------------------------------------------

void Playground::apply(std::string_view action_json) {
  guarded([&] {
    check_not_ended();
    ScenarioRunner& r = runner();
    const Position at = here();
    const std::size_t before = applied();
    std::vector<ScenarioError> errors;
    Status st = Status::success();
    running([&] { st = r.apply_action_text(action_json, &errors); });
    if (!st) throw PlaygroundError(st.error(), std::move(errors));
    // Acting in the past starts a new branch: the actions ahead of the playhead are dropped, and
    // so are the checkpoints after this place (they were taken without this action).
    if (before < actions_.size()) {
      actions_.resize(before);
      std::erase_if(live_named_, [&](const NamedSocket& s) { return s.action >= before; });
    }
    invalidate_after(at, before);
    actions_.push_back({at, std::string(r.live_action(before))});  // copied out of the heap
    remember_named_socket(action_json);
  });
}

void Playground::set_link(std::string_view link, std::string_view params_json) {
  guarded([&] {
    check_not_ended();
    ScenarioRunner& r = runner();
    const std::optional<Json> params = Json::parse(params_json);
    if (!params || !params->is_object())
      throw PlaygroundError(
          "set_link: expected an object of link parameters like {\"loss\": 0.1}, got " +
          std::string(params_json));
    // All or nothing: every field is checked before any is applied. A checked link `set`
    // cannot fail when it runs, so the applying loop below never stops half way.
    std::vector<std::string> actions;
    for (std::size_t i = 0; i < params->size(); ++i) {
      const std::string& param = params->key(i);
      std::string action;
      JsonWriter(action)
          .begin_object()
          .field("do", "set")
          .field("target", "link:" + std::string(link))
          .field("param", param)
          .key("value")
          .raw((*params)[i].dump())
          .end_object();
      std::vector<ScenarioError> errors;
      if (!r.check_action(*Json::parse(action), &errors)) {
        // Named by the field (or the link), not by the timeline entry the action would have been.
        const ScenarioError& e = errors.front();
        const bool about_link =
            e.path.size() >= 7 && e.path.compare(e.path.size() - 7, 7, "/target") == 0;
        const std::string where = about_link ? "link" : param;
        throw PlaygroundError("set_link: " + where + ": " + e.message,
                              {ScenarioError{where, e.message}});
      }
      actions.push_back(std::move(action));
    }
    for (const std::string& a : actions) apply(a);
  });
}

std::string Playground::suggest_seq_ack(std::string_view host, std::string_view to,
                                        std::int64_t src_port, std::int64_t dst_port) {
  return guarded([&] {
    Network& net = runner().sim().net();
    Host* h = net.find_host(host);
    if (!h) throw PlaygroundError("host: unknown host \"" + std::string(host) + "\"");
    std::optional<Ipv4Addr> dst;
    if (Host* t = net.find_host(to)) dst = t->addr();
    else dst = parse_ipv4(to);
    if (!dst) throw PlaygroundError("to: unknown host \"" + std::string(to) + "\"");
    if (src_port < 1 || src_port > 65535) throw PlaygroundError(port_error("src_port", src_port));
    if (dst_port < 1 || dst_port > 65535) throw PlaygroundError(port_error("dst_port", dst_port));
    const FourTuple t{h->addr(), *dst, static_cast<std::uint16_t>(src_port),
                      static_cast<std::uint16_t>(dst_port)};
    const std::optional<TcpStack::SeqAck> known = runner().sim().tcp(*h).known_seq_ack(t);
    if (!known)
      throw PlaygroundError(
          "suggest_seq_ack: no connection " + format_tuple(t) +
          " on either host, and no segment seen on it in manual mode: give seq and ack yourself");
    const TcpStack::SeqAck sa = *known;
    return "{\"seq\":" + std::to_string(sa.seq) + ",\"ack\":" + std::to_string(sa.ack) + "}";
  });
}

/// A successful listen or udp_bind with a name: remembered so snapshots can name the socket.
void Playground::remember_named_socket(std::string_view action_json) {
  const std::optional<Json> a = Json::parse(action_json);
  if (!a || !a->is_object()) return;
  const Json* name = a->find("name");
  const Json* kind = a->find("do");
  if (!name || !name->is_string() || !kind || !kind->is_string()) return;
  NamedSocket s;
  s.name = name->text();
  if (const Json* host = a->find("host"); host && host->is_string()) s.host = host->text();
  if (kind->text() == "listen") {
    const Json* port = a->find("port");
    s.port = static_cast<std::uint16_t>(port ? port->unsigned_value().value_or(0) : 0);
  } else if (kind->text() == "udp_bind") {
    s.udp = true;
    const UdpSocket* u = runner().udp_socket(s.name);
    if (!u) return;
    s.port = u->port();
  } else {
    return;
  }
  s.action = actions_.size() - 1;
  live_named_.push_back(std::move(s));
}

std::vector<Playground::NamedSocket> Playground::named_sockets() const {
  std::vector<NamedSocket> out;
  const ScenarioRunner& r = runner();
  for (const Action& a : r.scenario().timeline) {
    if (a.name.empty() || a.at > r.now()) continue;
    if (a.kind == ActionKind::listen) {
      out.push_back({false, a.host, a.name, a.port});
    } else if (a.kind == ActionKind::udp_bind) {
      if (const UdpSocket* u = runner_->udp_socket(a.name))
        out.push_back({true, a.host, a.name, u->port()});
    }
  }
  const std::size_t n = applied();
  for (const NamedSocket& s : live_named_)
    if (s.action < n) out.push_back(s);
  return out;
}

// --- reading ---------------------------------------------------------------------------------

/// Formats the packet_sent events before `end` that were not formatted yet, in trace order.
void Playground::format_lines_until(std::uint64_t end) {
  const Trace& trace = runner().sim().trace();
  for (std::uint64_t i = std::max(formatted_until_, trace.first_index()); i < end; ++i) {
    if (trace.kind_at(i) != TraceKind::packet_sent) continue;  // the kind alone is cheap
    // Every so many lines, the formatter's state, for a seek back to return to (rewound()).
    if (lines_.empty() || lines_.size() % kTextMarkLines == 0)
      if (text_marks_.empty() || text_marks_.back().index < i)
        text_marks_.push_back({i, formatter_});
    const TraceEvent e = trace.at(i);
    if (!e.packet_id) continue;
    if (const std::optional<Packet> p = trace.packet(e.packet_id))
      lines_.push_back({i, formatter_.format_line(*p, e.time)});
  }
  formatted_until_ = std::max(formatted_until_, end);
  while (!lines_.empty() && lines_.front().index < trace.first_index()) lines_.pop_front();
}

std::string Playground::events_since(std::int64_t cursor, std::int64_t max_events) {
  return guarded([&] {
    const Trace& trace = runner().sim().trace();
    const std::uint64_t first = trace.first_index(), end = trace.end_index();
    const std::uint64_t start = checked_cursor(trace, cursor, max_events, "events_since");
    const std::uint64_t stop =
        std::min<std::uint64_t>(end, start + static_cast<std::uint64_t>(max_events));
    format_lines_until(stop);

    std::string out = "{\"run\":" + std::to_string(run_number_) +
                      ",\"first\":" + std::to_string(first) + ",\"end\":" + std::to_string(end) +
                      ",\"dropped\":" + std::to_string(start - static_cast<std::uint64_t>(cursor)) +
                      ",\"next\":" + std::to_string(stop) + ",\"events\":[";
    auto line = std::lower_bound(lines_.begin(), lines_.end(), start,
                                 [](const PacketLine& l, std::uint64_t i) { return l.index < i; });
    for (std::uint64_t i = start; i < stop; ++i) {
      if (i > start) out += ',';
      std::string ev = event_to_json(trace, trace.at(i));
      if (line != lines_.end() && line->index == i) {
        ev.pop_back();  // the closing brace
        ev += ",\"text\":";
        append_json_string(ev, line->text);
        ev += '}';
        ++line;
      }
      out += ev;
    }
    return out + "]}";
  });
}

FeedPage Playground::feed_fill(std::int64_t cursor, std::int64_t max_events) {
  return guarded([&] {
    const Trace& trace = runner().sim().trace();
    const std::uint64_t start = checked_cursor(trace, cursor, max_events, "feed");
    const std::uint64_t stop =
        std::min<std::uint64_t>(trace.end_index(), start + static_cast<std::uint64_t>(max_events));
    feed_.fill(trace, start, stop);
    FeedPage page;
    page.run = run_number_;
    page.first = trace.first_index();
    page.end = trace.end_index();
    page.dropped = start - static_cast<std::uint64_t>(cursor);
    page.next = stop;
    page.count = stop - start;
    return page;
  });
}

std::string Playground::feed_labels() const { return names_json(feed_.labels()); }

std::string Playground::event_text(std::int64_t index) {
  return guarded([&] {
    const Trace& trace = runner().sim().trace();
    if (index < 0)
      throw PlaygroundError("event_text: the index must be 0 or more, got " +
                            std::to_string(index));
    const auto i = static_cast<std::uint64_t>(index);
    if (i < trace.first_index() || i >= trace.end_index()) return std::string();
    if (trace.kind_at(i) == TraceKind::packet_sent) {
      format_lines_until(i + 1);
      auto line =
          std::lower_bound(lines_.begin(), lines_.end(), i,
                           [](const PacketLine& l, std::uint64_t k) { return l.index < k; });
      return line != lines_.end() && line->index == i ? line->text : std::string();
    }
    return trace.at(i).detail;
  });
}

std::string Playground::host_names() const {
  return guarded([&] { return names_json(runner().sim().trace().host_names); });
}

std::string Playground::link_names() const {
  return guarded([&] { return names_json(runner().sim().trace().link_names); });
}

std::vector<std::uint8_t> Playground::pcap() const {
  return guarded([&] { return export_pcap(runner().sim().trace()); });
}

std::string Playground::tcpdump_text() const {
  return guarded([&] { return export_tcpdump_text(runner().sim().trace()); });
}

std::string Playground::jsonl(const std::string& payload) const {
  return guarded([&] {
    JsonlOptions options;
    const auto mode = parse_jsonl_payload(payload);
    if (!mode)
      throw PlaygroundError("jsonl: payload must be \"none\", \"text\" or \"hex\", got \"" +
                            payload + "\"");
    options.payload = *mode;
    return export_jsonl(runner().sim().trace(), options);
  });
}

std::string Playground::scenario_json() const {
  return guarded([&] {
    // The runner's document plus every recorded action (the runner itself knows only those
    // before the playhead). The same text as ScenarioRunner::scenario_json().
    Json doc = Json::parse(runner().scenario().document).value_or(Json::object());
    if (!actions_.empty()) {
      if (!doc.find("timeline")) doc.set("timeline", Json::array());
      Json& timeline = *doc.find("timeline");
      for (const RecordedAction& a : actions_)
        timeline.push_back(Json::parse(a.json).value_or(Json()));
    }
    return doc.dump(2) + "\n";
  });
}

std::int64_t Playground::integer_arg(double v, std::string_view what) {
  // 2^53: every integer up to it is exact in a double (a JavaScript number).
  constexpr double kMaxExact = 9007199254740992.0;
  if (!std::isfinite(v) || std::floor(v) != v || v > kMaxExact || v < -kMaxExact) {
    std::string shown = std::isnan(v)   ? "NaN"
                        : std::isinf(v) ? (v > 0 ? "Infinity" : "-Infinity")
                                        : std::to_string(v);
    throw PlaygroundError(std::string(what) + ": expected an integer, got " + shown);
  }
  return static_cast<std::int64_t>(v);
}

}  // namespace tcpplay
