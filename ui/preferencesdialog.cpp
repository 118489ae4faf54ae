#include "preferencesdialog.h"

#include "pythonlocator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace parviz {

PreferencesDialog::PreferencesDialog(const QString &interpreter, QWidget *parent)
    : QDialog(parent)
    , m_interpreter(new QLineEdit)
    , m_found(new QLabel)
    , m_daskScheduler(new QLineEdit)
    , m_pictureWidth(new QComboBox)
    , m_darkPictures(new QCheckBox(tr("Draw pictures in the &dark theme")))
    , m_locator(new PythonLocator(this))
{
    setWindowTitle(tr("Preferences – ParViz"));

    m_interpreter->setPlaceholderText(tr("automatic: python3 on PATH"));
    m_interpreter->setClearButtonEnabled(true);
    m_interpreter->setToolTip(
        tr("The Python that Run in CPython Too runs the strategy's program with: a path, or a "
           "name on PATH. Empty: python3 on PATH (or $PARVIZ_PYTHON), preferring one with "
           "joblib."));
    auto *browse = new QPushButton(tr("&Browse…"));
    connect(browse, &QPushButton::clicked, this, &PreferencesDialog::browse);
    auto *row = new QHBoxLayout;
    row->addWidget(m_interpreter, 1);
    row->addWidget(browse);

    m_found->setWordWrap(true);
    m_found->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_found->setMinimumWidth(420);

    auto *python = new QGroupBox(tr("Python (Run in CPython Too)"));
    auto *form = new QFormLayout(python);
    auto *label = new QLabel(tr("&Interpreter:"));
    label->setBuddy(m_interpreter);
    form->addRow(label, row);
    form->addRow(tr("Found:"), m_found);

    m_daskScheduler->setPlaceholderText(tr("empty: a LocalCluster on this machine"));
    m_daskScheduler->setClearButtonEnabled(true);
    m_daskScheduler->setToolTip(
        tr("The scheduler the dask strategy starts with, until you type another beside it: "
           "tcp://HOST:PORT of a Dask cluster already running, which runs leave running. "
           "Empty: each run starts a LocalCluster on this machine and shuts it down after."));
    auto *dask = new QGroupBox(tr("Dask (the dask strategy)"));
    auto *daskForm = new QFormLayout(dask);
    auto *schedulerLabel = new QLabel(tr("&Scheduler:"));
    schedulerLabel->setBuddy(m_daskScheduler);
    daskForm->addRow(schedulerLabel, m_daskScheduler);

    // The pictures of File > Save and Edit > Copy Picture: parviz-cli's figures, at a width
    // for slides rather than the chart's size on screen.
    for (int width : {1280, 1600, 1920, 2560})
        m_pictureWidth->addItem(tr("%1 pixels").arg(width), width);
    m_pictureWidth->setToolTip(
        tr("The width of saved Gantts and speedup charts (points in a PDF); their height follows "
           "what they show. parviz-cli's --picture-width does the same."));
    m_darkPictures->setToolTip(
        tr("Saved pictures are light, for slides and paper, whatever the window's theme; this "
           "draws them dark (parviz-cli --dark-pictures)."));
    auto *pictures = new QGroupBox(tr("Pictures (File > Save Gantt, Save Speedup Chart)"));
    auto *pictureForm = new QFormLayout(pictures);
    auto *widthLabel = new QLabel(tr("&Width:"));
    widthLabel->setBuddy(m_pictureWidth);
    pictureForm->addRow(widthLabel, m_pictureWidth);
    pictureForm->addRow(QString(), m_darkPictures);
    setPictureStyle(FigureStyle{});

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(python);
    layout->addWidget(dask);
    layout->addWidget(pictures);
    layout->addStretch(1);
    layout->addWidget(buttons);

    m_typing.setSingleShot(true);
    m_typing.setInterval(LookDelayMs);
    connect(&m_typing, &QTimer::timeout, this, &PreferencesDialog::look);
    connect(m_interpreter, &QLineEdit::textEdited, this, [this] {
        m_found->setText(tr("Looking…"));
        m_typing.start();
    });
    connect(m_locator, &PythonLocator::found, this, &PreferencesDialog::showFound);

    setInterpreter(interpreter);
}

QString PreferencesDialog::interpreter() const
{
    return m_interpreter->text().trimmed();
}

void PreferencesDialog::setInterpreter(const QString &interpreter)
{
    m_typing.stop();
    m_interpreter->setText(interpreter);
    look();
}

void PreferencesDialog::look()
{
    m_typing.stop();
    m_found->setText(tr("Looking…"));
    m_locator->setChosen(interpreter());
    m_locator->ensureLooked();
    if (!m_locator->isLooking())
        showFound(); // found already: the same choice as before
}

QString PreferencesDialog::daskScheduler() const
{
    return m_daskScheduler->text().trimmed();
}

void PreferencesDialog::setDaskScheduler(const QString &address)
{
    m_daskScheduler->setText(address);
}

FigureStyle PreferencesDialog::pictureStyle() const
{
    FigureStyle style;
    style.width = m_pictureWidth->currentData().toInt();
    style.dark = m_darkPictures->isChecked();
    return style;
}

void PreferencesDialog::setPictureStyle(const FigureStyle &style)
{
    // A width set elsewhere (by hand in the settings file) is offered as it is.
    int index = m_pictureWidth->findData(style.width);
    if (index < 0) {
        m_pictureWidth->addItem(tr("%1 pixels").arg(style.width), style.width);
        index = m_pictureWidth->count() - 1;
    }
    m_pictureWidth->setCurrentIndex(index);
    m_darkPictures->setChecked(style.dark);
}

QString PreferencesDialog::foundText() const
{
    return m_found->text();
}

void PreferencesDialog::browse()
{
    const QString current = interpreter();
    const QString path = QFileDialog::getOpenFileName(this,
        tr("Python Interpreter"),
        current.contains(u'/') ? QFileInfo(current).absolutePath() : QStringLiteral("/usr/bin"));
    if (!path.isEmpty())
        setInterpreter(path);
}

void PreferencesDialog::showFound()
{
    const Result<PythonInterpreter> *found = m_locator->result();
    if (!found)
        return;
    if (!*found) {
        m_found->setText(found->error().message);
        return;
    }
    const PythonInterpreter &python = **found;
    QString text;
    if (python.hasJoblib && python.hasDistributed)
        text = tr("Python %1 at %2, with joblib and Dask's distributed: every strategy can run "
                  "in CPython.");
    else if (python.hasJoblib)
        text = tr("Python %1 at %2, with joblib, without Dask's distributed: every strategy but "
                  "dask can run in CPython (Debian: apt-get install python3-distributed).");
    else if (python.hasDistributed)
        text = tr("Python %1 at %2, with Dask's distributed, without joblib: every strategy but "
                  "batched can run in CPython (Debian: apt-get install python3-joblib).");
    else
        text = tr("Python %1 at %2, without joblib or Dask's distributed: every strategy but "
                  "batched and dask can run in CPython (Debian: apt-get install python3-joblib "
                  "python3-distributed).");
    m_found->setText(text.arg(python.version, python.path));
}

} // namespace parviz
