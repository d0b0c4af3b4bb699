// JSON of a packet dissection (wire/dissect.h), for Playground::packet_fields().
#pragma once
#include <cstdint>
#include <string>

#include "wire/dissect.h"

namespace tcpplay {

/// {"id":N,"length":N,"layers":[Layer...],"error"?:{"layer","field","message"}}
/// Layer: {"name","label","offset","length","fields":[Field...],"options"?:[Option...],
///         "quoted"?:[Layer...],"error"?:{...}}
/// Field: {"name","label","value","number"?,"offset","length","mask"?,"valid"?,"computed"?,
///         "fields"?:[Field...]}  (mask only when nonzero; fields only when there are children)
/// Option: {"kind","name","offset","length","mss"?,"shift"?,"multiplier"?,
///          "blocks"?:[{"left","right"}],"tsval"?,"tsecr"?,"data"?:[bytes]}
std::string dissection_json(const Dissection& d, std::uint64_t id);

}  // namespace tcpplay
