# The same ten tasks through executor.map: the results come back in the order of the tasks,
# each as soon as it and every task before it have ended.
import concurrent.futures
import time


def my_awesome_function(sleepTime):
    time.sleep(sleepTime)
    return f"slept {sleepTime} s"


if __name__ == "__main__":
    Stime = time.perf_counter()
    sleepTimes = [1, 0.5, 0.9, 0.2, 0.7, 1, 0.3, 0.8, 0.4, 0.6]
    with concurrent.futures.ThreadPoolExecutor() as executor:
        for result in executor.map(my_awesome_function, sleepTimes):
            print(result)
    print(f"Finished in {time.perf_counter()-Stime:.2f}")
