#pragma once
// The worker's side (`ktune worker`): opens the device a WorkerSpec names, then serves requests
// on its socket until the parent closes it. Each launch is announced before it starts and after
// it ends, so the parent can hold one run to the timeout and kill a worker whose kernel never
// ends. The worker ignores SIGINT: Ctrl-C is the parent's to handle (it stops between variants,
// then closes the socket, and the worker exits).
namespace ktune::profiles::isolation {

// Serves on descriptor `fd`; returns the process's exit code.
int serve_worker(int fd);

}  // namespace ktune::profiles::isolation
