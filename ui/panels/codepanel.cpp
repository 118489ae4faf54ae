#include "panels/codepanel.h"

#include "python/pythonsnippet.h"
#include "theme.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace parviz {

CodePanel::CodePanel(QWidget *parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget)
    , m_copy(new QPushButton(tr("Copy")))
{
    m_tabs->setDocumentMode(true);
    m_python = addView(Language::Python, tr("Python"));
    m_cpp = addView(Language::Cpp, tr("C++"));
    m_pythonColours = new CodeHighlighter(Language::Python, m_python->document());
    m_cppColours = new CodeHighlighter(Language::Cpp, m_cpp->document());
    m_tabs->setTabToolTip(0,
        tr("The Python program this run mirrors, with its numbers: save it and run it with "
           "python3 to time the same workload in CPython"));
    m_tabs->setTabToolTip(1, tr("What ParViz itself runs for it, in short"));

    m_copy->setToolTip(tr("Put the program shown on the clipboard"));
    connect(m_copy, &QPushButton::clicked, this, &CodePanel::copy);
    m_tabs->setCornerWidget(m_copy, Qt::TopRightCorner);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    const bool dark = isDarkTheme();
    m_pythonColours->setDark(dark);
    m_cppColours->setDark(dark);
    qApp->installEventFilter(this);
}

QPlainTextEdit *CodePanel::addView(Language language, const QString &title)
{
    auto *view = new QPlainTextEdit;
    view->setReadOnly(true);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    view->setObjectName(
        language == Language::Python ? QStringLiteral("pythonView") : QStringLiteral("cppView"));
    m_tabs->addTab(view, title);
    return view;
}

void CodePanel::setText(QPlainTextEdit *view, const QString &text)
{
    // Most changes of an input leave a program as it was: keep the reader's place then.
    if (view->toPlainText() != text)
        view->setPlainText(text);
}

void CodePanel::showPlan(const Result<RunPlan> &plan)
{
    if (!plan) {
        setText(m_python, QStringLiteral("# No program: %1\n").arg(plan.error().message));
        setText(m_cpp, QStringLiteral("// Nothing to run: %1\n").arg(plan.error().message));
        return;
    }
    setText(m_python, pythonProgram(*plan));
    setText(m_cpp, cppCall(*plan));
}

QString CodePanel::pythonText() const
{
    return m_python->toPlainText();
}

QString CodePanel::cppText() const
{
    return m_cpp->toPlainText();
}

void CodePanel::showLanguage(Language language)
{
    m_tabs->setCurrentWidget(language == Language::Python ? m_python : m_cpp);
}

CodePanel::Language CodePanel::shownLanguage() const
{
    return m_tabs->currentWidget() == m_cpp ? Language::Cpp : Language::Python;
}

const CodeHighlighter *CodePanel::highlighter(Language language) const
{
    return language == Language::Python ? m_pythonColours : m_cppColours;
}

QSize CodePanel::sizeHint() const
{
    const QFontMetrics metrics(m_python->font());
    const int text = metrics.horizontalAdvance(QString(80, u'x'));
    const int chrome = 2 * m_python->frameWidth()
        + m_python->verticalScrollBar()->sizeHint().width()
        + 2 * static_cast<int>(m_python->document()->documentMargin());
    return {text + chrome, QWidget::sizeHint().height()};
}

void CodePanel::setScale(qreal scale)
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSizeF(font.pointSizeF() * scale);
    for (QPlainTextEdit *view : {m_python, m_cpp})
        view->setFont(font);
}

void CodePanel::copy()
{
    QApplication::clipboard()->setText(
        shownLanguage() == Language::Python ? pythonText() : cppText());
    m_copy->setText(tr("Copied"));
    QTimer::singleShot(1500, m_copy, [button = m_copy] { button->setText(tr("Copy")); });
}

bool CodePanel::eventFilter(QObject *watched, QEvent *event)
{
    // A new theme: colours for the new background. Qt tells the application of its new
    // palette; widgets hear of it only in some cases.
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange) {
        const bool dark = isDarkTheme();
        if (dark != m_pythonColours->isDark()) {
            m_pythonColours->setDark(dark);
            m_cppColours->setDark(dark);
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace parviz
