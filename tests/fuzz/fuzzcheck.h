#pragma once

#include <cstdio>
#include <cstdlib>

// A property of a fuzz target that must hold for every input. A broken one aborts, which
// libFuzzer reports as a crash (and saves the input) and the replay driver as a failed test.
#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(                                                                          \
                stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition);         \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
