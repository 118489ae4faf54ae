# A ThreadPoolExecutor, one submit() a task: ten sleeps of 1 s on the pool's threads, of which
# it has min(32, CPUs + 4) by default. Sleeping threads do not wait for each other, so they
# overlap: 1 s in all where there are ten threads or more, 2 s with 6 (on 2 CPUs), not 10.
import concurrent.futures
import time


def my_awesome_function(sleepTime):
    time.sleep(sleepTime)
    return f"slept {sleepTime} s"


if __name__ == "__main__":
    Stime = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor() as executor:
        futures = [executor.submit(my_awesome_function, 1) for _ in range(10)]
        for future in concurrent.futures.as_completed(futures):
            print(future.result())
    print(f"Finished in {time.perf_counter()-Stime:.2f}")
