// toml++'s parser, compiled once for the whole program (TOML_HEADER_ONLY=0 everywhere, and
// TOML_IMPLEMENTATION here only). Linking libtomlplusplus.so instead made every start load and
// bind libstdc++.so (docs/performance.md, "Start-up").
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
