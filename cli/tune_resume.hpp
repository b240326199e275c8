#pragma once
// `ktune tune --resume`: which stored session to continue, and its evaluations as configurations
// of the current space.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/tune_target.hpp"
#include "db/store.hpp"

namespace ktune::cli {

// What defines the searched space besides the kernel, problem and device, as the session's
// settings store it; a session with other ones searched another space (another shard, say).
std::map<std::string, std::string> space_settings(const TuneOptions& o);

// The session to resume: `--resume ID`, or the latest matching one, unfinished ones first.
// Adopts the stored strategy and seed where the command line did not name them.
db::StoredSession session_to_resume(const db::Store& store, TuneOptions& o, const CommandLine& line,
                                    const Target& t);

// The stored evaluations of a session as configurations of the current space. A replay serves
// them from the dataset again (a lookup, not a measurement) so they carry the recorded figures
// and costs exactly; measured ones come back as stored, their cost estimated from the compile
// time and the timed runs.
std::vector<std::pair<Config, Evaluation>> stored_evaluations(const db::Store& store,
                                                              const db::StoredSession& session,
                                                              Target& t);

}  // namespace ktune::cli
