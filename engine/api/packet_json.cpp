// The dissection as JSON (keys in packet_json.h), written straight to text with JsonWriter.
#include "api/packet_json.h"

#include <algorithm>

#include "json/json_writer.h"

namespace tcpplay {

namespace {

void write_error(JsonWriter& w, const DissectError& e) {
  w.key("error")
      .begin_object()
      .field("layer", e.layer)
      .field("field", e.field)
      .field("message", e.message)
      .end_object();
}

void write_field(JsonWriter& w, const DissectField& f) {
  w.begin_object().field("name", f.name).field("label", f.label).field("value", f.value);
  if (f.number) w.field("number", *f.number);
  w.field("offset", f.offset).field("length", f.length);
  if (f.mask) w.field("mask", f.mask);
  if (f.valid) w.field("valid", *f.valid);
  if (f.computed) w.field("computed", *f.computed);
  if (!f.children.empty()) {
    w.key("fields").begin_array();
    for (const DissectField& c : f.children) write_field(w, c);
    w.end_array();
  }
  w.end_object();
}

void write_option(JsonWriter& w, const DissectTcpOption& o) {
  w.begin_object()
      .field("kind", o.kind)
      .field("name", o.name)
      .field("offset", o.offset)
      .field("length", o.length);
  if (o.mss) w.field("mss", *o.mss);
  if (o.shift)
    w.field("shift", *o.shift).field("multiplier", 1u << std::min<unsigned>(*o.shift, 14));
  if (o.name == "sack") {
    w.key("blocks").begin_array();
    for (const SackBlock& b : o.blocks)
      w.begin_object().field("left", b.left).field("right", b.right).end_object();
    w.end_array();
  }
  if (o.tsval) w.field("tsval", *o.tsval).field("tsecr", o.tsecr.value_or(0));
  if (!o.data.empty()) {
    w.key("data").begin_array();
    for (std::uint8_t b : o.data) w.value(b);
    w.end_array();
  }
  w.end_object();
}

void write_layer(JsonWriter& w, const DissectLayer& l) {
  w.begin_object()
      .field("name", l.name)
      .field("label", l.label)
      .field("offset", l.offset)
      .field("length", l.length);
  w.key("fields").begin_array();
  for (const DissectField& f : l.fields) write_field(w, f);
  w.end_array();
  if (!l.options.empty()) {
    w.key("options").begin_array();
    for (const DissectTcpOption& o : l.options) write_option(w, o);
    w.end_array();
  }
  if (!l.quoted.empty()) {
    w.key("quoted").begin_array();
    for (const DissectLayer& q : l.quoted) write_layer(w, q);
    w.end_array();
  }
  if (l.error) write_error(w, *l.error);
  w.end_object();
}

}  // namespace

std::string dissection_json(const Dissection& d, std::uint64_t id) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("id", id).field("length", d.length);
  w.key("layers").begin_array();
  for (const DissectLayer& l : d.layers) write_layer(w, l);
  w.end_array();
  if (d.error) write_error(w, *d.error);
  w.end_object();
  return out;
}

}  // namespace tcpplay
