#ifndef CSPAWN_H
#define CSPAWN_H

#include <spawn.h>

/// Adds to `actions` the closing of every descriptor from `lowest` up, in the child, after
/// the actions before it (glibc's `posix_spawn_file_actions_addclosefrom_np`, which Swift's
/// Glibc module does not expose). Returns 0, or an errno value (ENOSYS before glibc 2.34).
int cspawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

#endif
