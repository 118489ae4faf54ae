#pragma once

#include "python/interpreter.h"
#include "util/result.h"

#include <QFutureWatcher>
#include <QObject>

#include <memory>
#include <optional>

namespace parviz {

// Finds the CPython interpreter that Run in CPython Too uses, in the background: findPython()
// starts the interpreter (about 50 ms a candidate), which the GUI thread must not wait for.
// It looks when asked to and keeps what it found until the choice changes or it is asked again,
// so that enabling an action costs nothing.
//
// GUI thread.
class PythonLocator : public QObject
{
    Q_OBJECT

public:
    explicit PythonLocator(QObject *parent = nullptr);
    ~PythonLocator() override;

    // The interpreter asked for, a path or a name on PATH; empty: automatic (see findPython()).
    const QString &chosen() const { return m_chosen; }
    // Asks for another. What was found for the one before is forgotten; if it had looked, it
    // looks again at once, else when asked to.
    void setChosen(const QString &chosen);

    // Looks again, in the background; found() follows.
    void refresh();
    // Looks unless it has already found something or is looking.
    void ensureLooked();

    bool isLooking() const { return m_watcher.isRunning(); }
    // What the last look found, for the interpreter chosen now; nullptr before it has looked or
    // while it looks again for another choice.
    const Result<PythonInterpreter> *result() const { return m_result ? &*m_result : nullptr; }
    // The interpreter result() found, shared by the plans that run with it (RunPlan::python);
    // null where result() is null or an error.
    const std::shared_ptr<const PythonInterpreter> &interpreter() const { return m_interpreter; }

signals:
    // A look has ended: result() is what it found.
    void found();

private:
    void onFinished();

    using Found = std::optional<Result<PythonInterpreter>>;
    QString m_chosen;
    Found m_result;
    std::shared_ptr<const PythonInterpreter> m_interpreter; // m_result's, if it found one
    QFutureWatcher<Found> m_watcher;
    bool m_again = false; // asked again while looking: look once more when this look ends
};

} // namespace parviz
