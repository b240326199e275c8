#pragma once
// Where a tuning session stands. A session is `running` while a process works on it (or was
// killed while it did: kill -9 leaves it so), and ends `completed` (its budget or space is
// spent), `interrupted` (the user stopped it; it can be resumed) or `failed` (an error ended it).
// A search that ends says why it stopped.
namespace ktune {

enum class SessionStatus { running, completed, interrupted, failed };

// Why a search stopped (stored with the session when it ends).
enum class StopReason {
  space_exhausted,    // every configuration was evaluated (or the strategy has no more)
  evaluation_budget,  // the evaluation budget was reached
  time_budget,        // the time budget was reached
  stagnation,         // the stagnation limit: that many evaluations without improvement
  interrupted,        // stopped on request (Ctrl-C)
  only_revisits,      // the strategy proposed only configurations it had already seen
};

}  // namespace ktune
