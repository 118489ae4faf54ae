#pragma once

#include "plan/runcontext.h"

namespace parviz {

// The caller's `main` row during a pooled run: `submit` from construction (starting workers,
// handing tasks over) until startWaiting(), then `wait` until destruction. Without join
// (StrategyOptions::join off) the row ends at startWaiting(): the moment the caller's program
// would go on, while the strategy still waits for its workers, unseen. Declare it before
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
    ~CallerRow()
    {
        if (m_open)
            m_lane.end(m_context.now());
    }
    CallerRow(const CallerRow &) = delete;
    CallerRow &operator=(const CallerRow &) = delete;

    void startWaiting()
    {
        const std::int64_t now = m_context.now();
        m_lane.end(now);
        if (m_context.plan().options.join)
            m_lane.begin(-1, EventKind::Wait, now);
        else
            m_open = false;
    }

private:
    RunContext &m_context;
    TraceLane &m_lane;
    bool m_open = true;
};

} // namespace parviz
