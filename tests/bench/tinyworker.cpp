// bench_processpool's reference worker: the least a worker process can be. For each line it
// reads on stdin it writes one line back on stdout ("done <CLOCK_MONOTONIC ns>"), until its
// input ends. Plain system calls: no Qt, no iostreams, no threads.

#include <cstdio>
#include <ctime>
#include <unistd.h>

int main()
{
    char buffer[1024];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0)
            return 0;
        for (ssize_t i = 0; i < n; ++i) {
            if (buffer[i] != '\n')
                continue;
            timespec now{};
            ::clock_gettime(CLOCK_MONOTONIC, &now);
            char reply[64];
            const int length = std::snprintf(reply,
                sizeof reply,
                "done %lld\n",
                static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec);
            if (::write(STDOUT_FILENO, reply, static_cast<std::size_t>(length)) != length)
                return 1;
        }
    }
}
