#pragma once

#include "plan/runplan.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSettings;

namespace parviz {

// File > Trace Python Program…: a Python program of one's own, its arguments (one line, split
// as a shell splits it: QProcess::splitCommand) and the folder it runs in (empty: the program's
// own). The three are remembered in the settings and offered next time, the last programs in
// the program's list.
//
// GUI thread.
class TraceProgramDialog : public QDialog
{
    Q_OBJECT

public:
    static constexpr int RememberedPrograms = 10;

    explicit TraceProgramDialog(QWidget *parent = nullptr);

    // The fields as last accepted (writeSettings()).
    void readSettings(const QSettings &settings);
    void writeSettings(QSettings &settings) const;

    QString programPath() const;
    void setProgramPath(const QString &path);
    QString argumentsLine() const;
    void setArgumentsLine(const QString &line);
    // As typed; empty means the program's folder (workingDirectory() says which).
    QString workingDirectoryField() const;
    void setWorkingDirectoryField(const QString &folder);
    // The program as it will run, without an output: arguments split, the folder resolved.
    TracedProgram program() const;
    // Why OK cannot run it, or empty.
    QString problem() const;

private:
    void chooseProgram();
    void chooseFolder();
    void validate();

    QComboBox *m_program;
    QLineEdit *m_arguments;
    QLineEdit *m_folder;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace parviz
