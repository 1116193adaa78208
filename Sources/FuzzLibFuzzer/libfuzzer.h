// libFuzzer's driver, for a binary that keeps its own `main` (SwiftPM executables must):
// `main` hands the command line to libFuzzer, which parses its flags and calls `callback` with
// each input. Defined by libclang_rt.fuzzer, linked in by `swiftc -sanitize=fuzzer`; declared
// here only, so a normal build that never calls it links without libFuzzer.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
