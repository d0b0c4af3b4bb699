// Embind layer over tcpplay::Playground (engine/api/playground.h): type conversions only.
//
// Errors: no exception ever leaves C++. Each call catches, keeps the message as the pending
// error and returns a placeholder; post.js wraps every method so that JavaScript sees a thrown
// Error with that message. Throwing a JS error from inside C++ (val::throw_) would unwind the
// wasm frames without restoring the stack pointer or freeing Embind's argument buffers: about
// 50 bytes lost per error, measured with Emscripten 3.1.6.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <exception>
#include <string>
#include <type_traits>

#include "api/playground.h"

namespace {

using emscripten::val;
using tcpplay::Playground;

std::string pending_error;
std::vector<tcpplay::ScenarioError> pending_errors;  // the same as data: {path, message} each
bool failed = false;

/// Runs `f`; on an exception keeps its message for takeError() and returns `fallback`.
template <typename F, typename R = std::invoke_result_t<F>>
R guarded(F&& f, R fallback = R()) {
  try {
    return f();
  } catch (const tcpplay::PlaygroundError& e) {
    pending_error = e.what();
    pending_errors = e.errors();
  } catch (const std::exception& e) {
    pending_error = e.what();
    pending_errors = {{"", pending_error}};
  } catch (...) {
    pending_error = "internal error";
    pending_errors = {{"", pending_error}};
  }
  failed = true;
  return fallback;
}

template <typename F>
void guarded_void(F&& f) {
  guarded([&] {
    f();
    return true;
  });
}

/// The pending error (clearing it) as {message, errors: [{path, message}]}, or undefined.
val take_error() {
  if (!failed) return val::undefined();
  failed = false;
  val errors = val::array();
  for (const tcpplay::ScenarioError& e : pending_errors) {
    val item = val::object();
    item.set("path", e.path);
    item.set("message", e.message);
    errors.call<void>("push", item);
  }
  val out = val::object();
  out.set("message", pending_error);
  out.set("errors", errors);
  pending_error.clear();
  pending_errors.clear();
  return out;
}

/// The parameter catalogue as JSON text (no playground needed).
std::string parameters() {
  return guarded([] { return Playground::parameters(); });
}

/// Bytes allocated on the wasm heap now (malloc's view): for leak checks.
double heap_used() { return static_cast<double>(mallinfo().uordblks); }

double to_number(std::int64_t v) { return static_cast<double>(v); }

// --- Playground methods ------------------------------------------------------------------------

tcpplay::RunBudget budget_of(double max_events) {
  const std::int64_t events = Playground::integer_arg(max_events, "maxEvents");
  if (events < 0)
    throw tcpplay::PlaygroundError("maxEvents: expected 0 or more, got " + std::to_string(events));
  return {static_cast<std::uint64_t>(events)};
}

val run_result(const tcpplay::RunResult& r) {
  val out = val::object();
  out.set("now", to_number(r.now));
  out.set("reached", r.reached);
  out.set("events", static_cast<double>(r.events));
  out.set("sent", r.sent);
  return out;
}

std::string load(Playground& p, const std::string& json) {
  return guarded([&] { return p.load(json); });
}
void reset(Playground& p) {
  guarded_void([&] { p.reset(); });
}
void set_path(Playground& p, const std::string& path, const std::string& value) {
  guarded_void([&] { p.set_path(path, value); });
}
double run_number(Playground& p) { return to_number(static_cast<std::int64_t>(p.run_number())); }
bool loaded(Playground& p) { return p.loaded(); }

void run_until(Playground& p, double t) {
  guarded_void([&] { p.run_until(Playground::integer_arg(t, "run_until")); });
}
void run_until_text(Playground& p, const std::string& t) {
  guarded_void([&] { p.run_until_text(t); });
}
val run_until_budget(Playground& p, double t, double max_events) {
  return guarded(
      [&] {
        return run_result(p.run_until(Playground::integer_arg(t, "t"), budget_of(max_events)));
      },
      val::undefined());
}
val step_packet_budget(Playground& p, double max_events) {
  return guarded([&] { return run_result(p.step_packet(budget_of(max_events))); },
                 val::undefined());
}
double parse_time(const std::string& t) {
  return guarded([&] { return to_number(Playground::time_arg(t)); });
}
bool step(Playground& p) {
  return guarded([&] { return p.step(); });
}
bool step_packet(Playground& p) {
  return guarded([&] { return p.step_packet(); });
}
double now(Playground& p) {
  return guarded([&] { return to_number(p.now()); });
}
double next_event_time(Playground& p) {
  return guarded([&] { return to_number(p.next_event_time()); });
}
double duration(Playground& p) {
  return guarded([&] { return to_number(p.duration()); });
}

void apply(Playground& p, const std::string& action) {
  guarded_void([&] { p.apply(action); });
}
void set_link(Playground& p, const std::string& link, const std::string& params) {
  guarded_void([&] { p.set_link(link, params); });
}
std::string suggest_seq_ack(Playground& p, const std::string& host, const std::string& to,
                            double src_port, double dst_port) {
  return guarded([&] {
    return p.suggest_seq_ack(host, to, Playground::integer_arg(src_port, "src_port"),
                             Playground::integer_arg(dst_port, "dst_port"));
  });
}

std::string events_since(Playground& p, double cursor, double max_events) {
  return guarded([&] {
    return p.events_since(Playground::integer_arg(cursor, "cursor"),
                          Playground::integer_arg(max_events, "max_events"));
  });
}
/// Fills the feed's columns; returns the page and each column's address in the wasm memory
/// (valid until the next call: the wrapper copies them at once).
val feed_fill(Playground& p, double cursor, double max_events) {
  return guarded(
      [&] {
        const tcpplay::FeedPage page =
            p.feed_fill(Playground::integer_arg(cursor, "cursor"),
                        Playground::integer_arg(max_events, "maxEvents"));
        val out = val::object();
        out.set("run", static_cast<double>(page.run));
        out.set("first", static_cast<double>(page.first));
        out.set("end", static_cast<double>(page.end));
        out.set("dropped", static_cast<double>(page.dropped));
        out.set("next", static_cast<double>(page.next));
        out.set("count", static_cast<double>(page.count));
        out.set("block", static_cast<double>(reinterpret_cast<std::uintptr_t>(p.feed().block())));
        out.set("bytes", static_cast<double>(p.feed().block_bytes()));
        val ptrs = val::array();
        for (int c = 0; c < tcpplay::EventFeed::column_count; ++c)
          ptrs.call<void>("push", reinterpret_cast<std::uintptr_t>(
                                      p.feed().column(static_cast<tcpplay::EventFeed::Column>(c))));
        out.set("ptrs", ptrs);
        return out;
      },
      val::undefined());
}
std::string feed_labels(Playground& p) {
  return guarded([&] { return p.feed_labels(); });
}
std::string event_text(Playground& p, double index) {
  return guarded([&] { return p.event_text(Playground::integer_arg(index, "index")); });
}
std::string host_names(Playground& p) {
  return guarded([&] { return p.host_names(); });
}
std::string link_names(Playground& p) {
  return guarded([&] { return p.link_names(); });
}
std::string snapshot(Playground& p) {
  return guarded([&] { return p.snapshot(); });
}
std::string series(Playground& p, double conn_id, double since) {
  return guarded([&] {
    return p.series(Playground::integer_arg(conn_id, "conn_id"),
                    Playground::integer_arg(since, "since"));
  });
}
/// A Uint8Array holding a copy of the capture.
val pcap(Playground& p) {
  return guarded(
      [&] {
        const std::vector<std::uint8_t> bytes = p.pcap();
        return val::global("Uint8Array")
            .new_(emscripten::typed_memory_view(bytes.size(), bytes.data()));
      },
      val::undefined());
}
/// Packet ids are 1 or more; anything below is passed as 0, which packet_bytes() refuses by name.
std::uint64_t packet_id(double v) {
  const std::int64_t id = Playground::integer_arg(v, "packet id");
  return id < 0 ? 0 : static_cast<std::uint64_t>(id);
}
/// A Uint8Array holding a copy of one packet's wire bytes.
val packet_bytes(Playground& p, double id) {
  return guarded(
      [&] {
        const std::vector<std::uint8_t> bytes = p.packet_bytes(packet_id(id));
        return val::global("Uint8Array")
            .new_(emscripten::typed_memory_view(bytes.size(), bytes.data()));
      },
      val::undefined());
}
std::string packet_fields(Playground& p, double id) {
  return guarded([&] { return p.packet_fields(packet_id(id)); });
}
std::string tcpdump_text(Playground& p) {
  return guarded([&] { return p.tcpdump_text(); });
}
std::string jsonl(Playground& p) {
  return guarded([&] { return p.jsonl(); });
}
std::string jsonl_with(Playground& p, const std::string& payload) {
  return guarded([&] { return p.jsonl(payload); });
}
std::string scenario(Playground& p) {
  return guarded([&] { return p.scenario_json(); });
}

// --- seeking, branches and undo (engine/api/playground_seek.cpp) -------------------------------

void seek(Playground& p, double t) {
  guarded_void([&] { p.seek(Playground::integer_arg(t, "t")); });
}
bool step_back(Playground& p) {
  return guarded([&] { return p.step_back(); });
}
void undo_last_action(Playground& p) {
  guarded_void([&] { p.undo_last_action(); });
}
std::string actions(Playground& p) {
  return guarded([&] { return p.actions_json(); });
}
std::string checkpoint_stats(Playground& p) {
  return guarded([&] { return p.checkpoint_stats(); });
}
double events_run(Playground& p) {
  return guarded([&] { return static_cast<double>(p.events_run()); });
}

}  // namespace

EMSCRIPTEN_BINDINGS(tcpplay) {
  emscripten::function("takeError", &take_error);
  emscripten::function("heapUsed", &heap_used);
  emscripten::function("parseTime", &parse_time);
  emscripten::function("parameters", &parameters);
  emscripten::class_<Playground>("Playground")
      .constructor<>()
      .function("load", &load)
      .function("reset", &reset)
      .function("setPath", &set_path)
      .function("runNumber", &run_number)
      .function("loaded", &loaded)
      .function("runUntil", &run_until)
      .function("runUntilText", &run_until_text)
      .function("runUntilBudget", &run_until_budget)
      .function("stepPacketBudget", &step_packet_budget)
      .function("step", &step)
      .function("stepPacket", &step_packet)
      .function("now", &now)
      .function("nextEventTime", &next_event_time)
      .function("duration", &duration)
      .function("apply", &apply)
      .function("setLink", &set_link)
      .function("suggestSeqAck", &suggest_seq_ack)
      .function("eventsSince", &events_since)
      .function("feedFill", &feed_fill)
      .function("feedLabels", &feed_labels)
      .function("eventText", &event_text)
      .function("hostNames", &host_names)
      .function("linkNames", &link_names)
      .function("snapshot", &snapshot)
      .function("series", &series)
      .function("pcap", &pcap)
      .function("packetBytes", &packet_bytes)
      .function("packetFields", &packet_fields)
      .function("tcpdumpText", &tcpdump_text)
      .function("jsonl", &jsonl)
      .function("jsonlWith", &jsonl_with)
      .function("scenario", &scenario)
      .function("seek", &seek)
      .function("stepBack", &step_back)
      .function("undoLastAction", &undo_last_action)
      .function("actions", &actions)
      .function("checkpointStats", &checkpoint_stats)
      .function("eventsRun", &events_run);
}
