#include "traceprogramdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>

namespace parviz {

namespace {
constexpr QLatin1String ProgramsKey("trace/programs"); // the last first
constexpr QLatin1String ArgumentsKey("trace/arguments");
constexpr QLatin1String FolderKey("trace/folder");
} // namespace

TraceProgramDialog::TraceProgramDialog(QWidget *parent)
    : QDialog(parent)
    , m_program(new QComboBox)
    , m_arguments(new QLineEdit)
    , m_folder(new QLineEdit)
    , m_problem(new QLabel)
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    setWindowTitle(tr("Trace Python Program"));
    auto *form = new QFormLayout(this);
    auto *intro = new QLabel(
        tr("ParViz runs the program as it is under CPython, with its tracer loaded, and draws "
           "every unit of parallel work it hands out: pools, threads, processes, joblib."));
    intro->setWordWrap(true);
    form->addRow(intro);

    m_program->setEditable(true);
    m_program->setInsertPolicy(QComboBox::NoInsert);
    m_program->setMinimumContentsLength(40);
    m_program->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_program->lineEdit()->setPlaceholderText(tr("PROGRAM.py"));
    m_program->setToolTip(tr("The Python program to run; the last ones traced are in the list"));
    auto *browse = new QPushButton(tr("&Choose…"));
    connect(browse, &QPushButton::clicked, this, &TraceProgramDialog::chooseProgram);
    auto *programRow = new QHBoxLayout;
    programRow->addWidget(m_program, 1);
    programRow->addWidget(browse);
    // A row of several widgets has no buddy of its own: the label's mnemonic needs one.
    auto *programLabel = new QLabel(tr("&Program:"));
    programLabel->setBuddy(m_program);
    form->addRow(programLabel, programRow);

    m_arguments->setPlaceholderText(tr("none"));
    m_arguments->setToolTip(tr("Its arguments, on one line as a shell takes them: quote an "
                               "argument with spaces (\"my file.txt\")"));
    form->addRow(tr("&Arguments:"), m_arguments);

    m_folder->setPlaceholderText(tr("the program's folder"));
    m_folder->setToolTip(tr("The folder the program runs in; empty: the program's own"));
    auto *chooseFolder = new QPushButton(tr("C&hoose…"));
    connect(chooseFolder, &QPushButton::clicked, this, &TraceProgramDialog::chooseFolder);
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(chooseFolder);
    auto *folderLabel = new QLabel(tr("&Working folder:"));
    folderLabel->setBuddy(m_folder);
    form->addRow(folderLabel, folderRow);

    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c01c28"));
    form->addRow(m_problem);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Trace"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(m_buttons);

    connect(m_program, &QComboBox::currentTextChanged, this, &TraceProgramDialog::validate);
    connect(m_folder, &QLineEdit::textChanged, this, &TraceProgramDialog::validate);
    validate();
}

void TraceProgramDialog::readSettings(const QSettings &settings)
{
    const QStringList programs = settings.value(ProgramsKey).toStringList();
    m_program->clear();
    m_program->addItems(programs.mid(0, RememberedPrograms));
    setProgramPath(programs.value(0));
    m_arguments->setText(settings.value(ArgumentsKey).toString());
    m_folder->setText(settings.value(FolderKey).toString());
    validate();
}

void TraceProgramDialog::writeSettings(QSettings &settings) const
{
    QStringList programs = settings.value(ProgramsKey).toStringList();
    const QString path = programPath();
    if (!path.isEmpty()) {
        programs.removeAll(path);
        programs.prepend(path);
    }
    settings.setValue(ProgramsKey, programs.mid(0, RememberedPrograms));
    settings.setValue(ArgumentsKey, argumentsLine());
    settings.setValue(FolderKey, workingDirectoryField());
}

QString TraceProgramDialog::programPath() const
{
    return m_program->currentText().trimmed();
}

void TraceProgramDialog::setProgramPath(const QString &path)
{
    m_program->setEditText(path);
}

QString TraceProgramDialog::argumentsLine() const
{
    return m_arguments->text();
}

void TraceProgramDialog::setArgumentsLine(const QString &line)
{
    m_arguments->setText(line);
}

QString TraceProgramDialog::workingDirectoryField() const
{
    return m_folder->text().trimmed();
}

void TraceProgramDialog::setWorkingDirectoryField(const QString &folder)
{
    m_folder->setText(folder);
}

TracedProgram TraceProgramDialog::program() const
{
    TracedProgram program;
    // Absolute: the program runs from its working folder, which need not be ParViz's.
    program.path = QFileInfo(programPath()).absoluteFilePath();
    program.arguments = QProcess::splitCommand(argumentsLine());
    program.workingDirectory = workingDirectoryField().isEmpty()
        ? QFileInfo(program.path).absolutePath()
        : workingDirectoryField();
    return program;
}

QString TraceProgramDialog::problem() const
{
    const QString path = programPath();
    if (path.isEmpty())
        return tr("Choose a Python program to trace.");
    const QFileInfo file(path);
    if (!file.isFile())
        return tr("There is no file %1.").arg(path);
    if (!file.isReadable())
        return tr("%1 cannot be read.").arg(path);
    if (const QString folder = workingDirectoryField();
        !folder.isEmpty() && !QFileInfo(folder).isDir())
        return tr("There is no folder %1.").arg(folder);
    return {};
}

void TraceProgramDialog::chooseProgram()
{
    const QString start = programPath().isEmpty() ? QDir::homePath() : programPath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Trace Python Program"), start, tr("Python programs (*.py);;All files (*)"));
    if (!path.isEmpty())
        setProgramPath(path);
}

void TraceProgramDialog::chooseFolder()
{
    const QString start = workingDirectoryField().isEmpty()
        ? QFileInfo(programPath()).absolutePath()
        : workingDirectoryField();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Working Folder"), start);
    if (!folder.isEmpty())
        m_folder->setText(folder);
}

void TraceProgramDialog::validate()
{
    const QString why = problem();
    // Nothing typed yet is no error: OK waits without a word in red.
    m_problem->setText(programPath().isEmpty() ? QString() : why);
    m_problem->setVisible(!m_problem->text().isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

} // namespace parviz
