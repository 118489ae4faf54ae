#pragma once

#include "strategies/dask.h"

namespace parviz {

// makeDaskEngine() (strategies/dask.h): the plan's program in CPython (CPythonEngine), with the
// interpreter the front end chose (RunPlan::python), else the one findPython() finds as the run
// starts. It needs Dask's distributed; without it the run fails, naming Debian's package.
class DaskEngine : public Strategy
{
public:
    int laneCount(const RunPlan &plan) const override;
    bool hasGilLane(const RunPlan &) const override { return false; }
    void run(RunContext &context) override;
};

} // namespace parviz
