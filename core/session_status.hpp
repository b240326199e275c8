#pragma once
// Where a tuning session stands. A session is `running` while a process works on it (or was
// killed while it did: kill -9 leaves it so), and ends `completed` (its budget or space is
// spent), `interrupted` (the user stopped it; it can be resumed) or `failed` (an error ended it).
namespace ktune {

enum class SessionStatus { running, completed, interrupted, failed };

}  // namespace ktune
