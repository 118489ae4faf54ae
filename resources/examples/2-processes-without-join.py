# Three processes, started and not waited for: the script prints "Finished in 0.01" while
# they are still starting, and they finish after it.
import time
import multiprocessing


def my_awesome_function(sleepTime=0.1):
    time.sleep(sleepTime)
    print(f"function with {sleepTime} time finished")


if __name__ == "__main__":
    Stime = time.perf_counter()
    p1 = multiprocessing.Process(target=my_awesome_function)
    p2 = multiprocessing.Process(target=my_awesome_function)
    p3 = multiprocessing.Process(target=my_awesome_function)

    ## start the process
    p1.start()
    p2.start()
    p3.start()

    ## script will continue while the process starts...

    print(f"Finished in {time.perf_counter()-Stime:.2f}")
