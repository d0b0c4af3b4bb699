# Code generation of the native Release build (CLI, tests, benchmarks), shared by the top-level
# CMakeLists.txt and bench/CMakeLists.txt so that a benchmark measures what users run.
# Sanitizer, fuzzing and WebAssembly builds do not include this file.
#
# - Link-time optimisation, when TCPPLAY_LTO is on (bench/CMakeLists.txt turns it on; the
#   top-level build leaves it off): the per-packet path crosses many small functions in different
#   files (trace, link, host, TCP); inlining across them cuts b1's instructions by 6%
#   (bench/README.md). The CLI and the doctest suite do not need those 6%, and linking the suite
#   with LTO took minutes of CI's 2 cores.
# - Small copies and clears as vector loops (GCC on x86-64): by default GCC zeroes a 144-byte
#   Packet and copies small structs with `rep stos` / `rep movs`, whose start-up cost on AMD Zen
#   (this machine's kind) is tens of cycles; b1 runs about 9% faster without it
#   (bench/README.md). Only the instruction selection changes, not the target ISA.
if(TCPPLAY_LTO)
  include(CheckIPOSupported)
  check_ipo_supported(RESULT TCPPLAY_IPO OUTPUT tcpplay_ipo_error LANGUAGES CXX)
  if(TCPPLAY_IPO)
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
  else()
    message(STATUS "no link-time optimisation: ${tcpplay_ipo_error}")
  endif()
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  add_compile_options(
    -mmemset-strategy=vector_loop:256:noalign,libcall:-1:noalign
    -mmemcpy-strategy=vector_loop:256:noalign,libcall:-1:noalign)
endif()
