#include "pythonlocator.h"

#include <QtConcurrent/QtConcurrentRun>

namespace parviz {

PythonLocator::PythonLocator(QObject *parent)
    : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &PythonLocator::onFinished);
}

// A look under way finishes on its pool thread: it holds nothing of this object, and the
// interpreter it started ends within findPython()'s time limit.
PythonLocator::~PythonLocator() = default;

void PythonLocator::setChosen(const QString &chosen)
{
    if (chosen == m_chosen)
        return;
    m_chosen = chosen;
    const bool looked = m_result || isLooking();
    m_result.reset(); // it was for another choice
    m_interpreter.reset();
    if (looked)
        refresh();
}

void PythonLocator::refresh()
{
    if (isLooking()) {
        m_again = true;
        return;
    }
    m_again = false;
    m_watcher.setFuture(
        QtConcurrent::run([chosen = m_chosen]() -> Found { return findPython(chosen); }));
}

void PythonLocator::ensureLooked()
{
    if (!m_result && !isLooking())
        refresh();
}

void PythonLocator::onFinished()
{
    if (m_again) {
        // The choice changed, or someone asked again, while it looked: this look may be stale.
        refresh();
        return;
    }
    m_result = m_watcher.result();
    m_interpreter =
        m_result && *m_result ? std::make_shared<const PythonInterpreter>(**m_result) : nullptr;
    emit found();
}

} // namespace parviz
