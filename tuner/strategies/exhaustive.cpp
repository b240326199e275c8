#include "tuner/strategies/exhaustive.hpp"
