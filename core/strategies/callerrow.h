#pragma once

#include "run/runcontext.h"

namespace parviz {

// The caller's `main` row during a pooled run: `submit` from construction (starting workers,
// handing tasks over) until startWaiting(), then `wait` until destruction. Declare it before
// the strategy's WorkerThreads, so that the wait ends after the workers are joined: the moment
// the caller's program would continue.
//
// The run's main thread only.
class CallerRow
{
public:
    explicit CallerRow(RunContext &context)
        : m_context(context)
        , m_lane(context.recorder().main())
    {
        m_lane.begin(-1, EventKind::Submit, m_context.now());
    }
    ~CallerRow() { m_lane.end(m_context.now()); }
    CallerRow(const CallerRow &) = delete;
    CallerRow &operator=(const CallerRow &) = delete;

    void startWaiting()
    {
        const std::int64_t now = m_context.now();
        m_lane.end(now);
        m_lane.begin(-1, EventKind::Wait, now);
    }

private:
    RunContext &m_context;
    TraceLane &m_lane;
};

} // namespace parviz
