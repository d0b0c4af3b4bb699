// Playground::parameters(): the parameter catalogue as data for the API.
#include "api/playground.h"
#include "scenario/param_catalogue.h"

namespace tcpplay {

std::string Playground::parameters() {
  static const std::string json = param_catalogue_json();  // the same for every playground
  return json;
}

}  // namespace tcpplay
