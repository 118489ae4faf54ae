# The same three processes, waited for with join(): "Finished in 0.11" comes last.
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

    p1.join()
    p2.join()
    p3.join()

    print(f"Finished in {time.perf_counter()-Stime:.2f}")
