#pragma once

#include "panels/codehighlighter.h"
#include "plan/runplan.h"
#include "util/result.h"

#include <QWidget>

class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace parviz {

// The Python beside the picture: the program the chosen strategy mirrors, with the chosen
// numbers filled in, and the C++ that ParViz runs for it, each in a read-only, monospace,
// coloured view with a button that copies it.
//
// GUI thread.
class CodePanel : public QWidget
{
    Q_OBJECT

public:
    using Language = CodeHighlighter::Language;

    explicit CodePanel(QWidget *parent = nullptr);

    // Shows the programs of `plan` (whose tasks need not be made), or why there are none.
    void showPlan(const Result<RunPlan> &plan);

    QString pythonText() const;
    QString cppText() const;
    void showLanguage(Language language);
    Language shownLanguage() const;
    const CodeHighlighter *highlighter(Language language) const;

    // Puts the program shown on the clipboard.
    void copy();
    // The code `scale` times larger, for a projector (its fixed font does not follow the
    // application's).
    void setScale(qreal scale);

    // Wide enough for PEP 8's 79 columns, so that the Python needs no sideways scrolling.
    QSize sizeHint() const override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPlainTextEdit *addView(Language language, const QString &title);
    static void setText(QPlainTextEdit *view, const QString &text);

    QTabWidget *m_tabs;
    QPlainTextEdit *m_python = nullptr;
    QPlainTextEdit *m_cpp = nullptr;
    CodeHighlighter *m_pythonColours = nullptr;
    CodeHighlighter *m_cppColours = nullptr;
    QPushButton *m_copy;
};

} // namespace parviz
