# A ProcessPoolExecutor of 80% of the CPUs, int(0.8 * cpu_count()) worker processes (at least
# one), one submit() a task. Each task counts for a while: CPU work, which threads under the GIL
# could not share, and processes can.
import concurrent.futures
import multiprocessing
import time


def my_awesome_function(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


if __name__ == "__main__":
    Stime = time.perf_counter()
    workers = max(1, int(0.8 * multiprocessing.cpu_count()))
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(my_awesome_function, 2_000_000) for _ in range(12)]
        for future in concurrent.futures.as_completed(futures):
            future.result()
    print(f"{workers} workers: finished in {time.perf_counter()-Stime:.2f}")
