#pragma once
// A configuration of a space as JSON: an object NAME -> value in the space's parameter order,
// integers and booleans as numbers, choices by their label (the same shape db/json.hpp gives a
// stored configuration's typed values). Read back from that object or from canonical text.
#include "core/json.hpp"
#include "space/space.hpp"

namespace ktune {

Json params_json(const Space& space, const Config& config);
// Accepts the object above or the canonical text "BM=64,BN=32"; parameters left out take their
// defaults. Throws UsageError for an unknown parameter or value.
Config config_from_json(const Space& space, const Json& json);

}  // namespace ktune
