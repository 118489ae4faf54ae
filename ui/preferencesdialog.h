#pragma once

#include "pictures/figures.h"

#include <QDialog>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

namespace parviz {

class PythonLocator;

// Edit > Preferences: the Python interpreter that Run in CPython Too uses, a path or empty for
// automatic (python3 on PATH). Under the field, what that choice finds, looked for in the
// background a moment after typing stops: the interpreter, its version, and whether it has
// joblib, which the batched strategy's program needs, and Dask's distributed, which the dask
// strategy needs. The Dask scheduler a workload starts with: an existing cluster's address, or
// empty for a LocalCluster of each run's own. And the pictures File > Save writes: their
// width (a slide's 1600 pixels, or 1920, ...) and whether they are drawn in the dark theme.
//
// GUI thread.
class PreferencesDialog : public QDialog
{
    Q_OBJECT

public:
    // How long typing must pause before the interpreter typed is tried: it is started to be
    // asked its version, which is not to happen on every keystroke.
    static constexpr int LookDelayMs = 400;

    explicit PreferencesDialog(const QString &interpreter, QWidget *parent = nullptr);

    // The interpreter chosen: a path, or empty for automatic.
    QString interpreter() const;
    void setInterpreter(const QString &interpreter);

    // The scheduler of a running Dask cluster ("tcp://HOST:PORT"), or empty for a local one.
    QString daskScheduler() const;
    void setDaskScheduler(const QString &address);

    // The width and theme of saved pictures.
    FigureStyle pictureStyle() const;
    void setPictureStyle(const FigureStyle &style);
    QComboBox *pictureWidthBox() const { return m_pictureWidth; }
    QCheckBox *darkPicturesBox() const { return m_darkPictures; }

    // For tests: what the choice found, as the dialog says it.
    PythonLocator *locator() const { return m_locator; }
    QString foundText() const;

private:
    void browse();
    void look();
    void showFound();

    QLineEdit *m_interpreter;
    QLabel *m_found;
    QLineEdit *m_daskScheduler;
    QComboBox *m_pictureWidth;
    QCheckBox *m_darkPictures;
    PythonLocator *m_locator;
    QTimer m_typing;
};

} // namespace parviz
