# nlohmann_json (Debian's nlohmann-json3-dev, header-only) for the engine's JSON reader
# (engine/json/json_parse.cpp) and the tests. Natively a plain find_package works. Under
# emcmake the package search is confined to Emscripten's sysroot, and Debian's target exports
# -isystem /usr/include, which would put the host's glibc headers ahead of Emscripten's libc:
# there the package is found outside the sysroot and its include directory replaced by a folder
# that holds only a link to /usr/include/nlohmann (shared/docs/toolchain.md, pitfall 2).
if(EMSCRIPTEN)
  find_package(nlohmann_json 3 REQUIRED NO_CMAKE_FIND_ROOT_PATH)
  get_target_property(tcpplay_nlohmann_inc nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
  list(GET tcpplay_nlohmann_inc 0 tcpplay_nlohmann_inc)  # Debian lists /usr/include twice
  set(tcpplay_hostinc ${CMAKE_BINARY_DIR}/hostinc)
  file(MAKE_DIRECTORY ${tcpplay_hostinc})
  if(NOT EXISTS ${tcpplay_hostinc}/nlohmann)
    file(CREATE_LINK ${tcpplay_nlohmann_inc}/nlohmann ${tcpplay_hostinc}/nlohmann SYMBOLIC)
  endif()
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${tcpplay_hostinc})
else()
  find_package(nlohmann_json 3 REQUIRED)
endif()
