# The tutorial's first program: three calls one after another, 0.1 + 1 + 0.3 s.
# Nothing runs in parallel: traced, it is one row, the main thread, with its three calls.
import time


def my_awesome_function(sleepTime):
    time.sleep(sleepTime)


Stime = time.perf_counter()
my_awesome_function(0.1)
my_awesome_function(1)
my_awesome_function(0.3)
print(f"Finished in {time.perf_counter()-Stime:.2f}")
