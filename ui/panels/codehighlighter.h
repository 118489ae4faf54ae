#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace parviz {

// Colours Python or C++ source: keywords, built-in names, type names, strings, numbers,
// comments (and C++ preprocessor lines), in colours readable on a light and on a dark
// background. A small scanner rather than regular expressions, so that a # inside a string is
// not a comment; Python's triple-quoted strings and C++'s block comments may span lines.
//
// GUI thread.
class CodeHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    enum class Language { Python, Cpp };

    CodeHighlighter(Language language, QTextDocument *document);

    // Takes the colours for a dark or a light background, and colours the text again.
    void setDark(bool dark);
    bool isDark() const { return m_dark; }
    Language language() const { return m_language; }

protected:
    void highlightBlock(const QString &text) override;

private:
    // What a line left open for the next one.
    enum State { Normal = -1, InTripleDouble = 1, InTripleSingle = 2, InBlockComment = 3 };

    // Colours from `from` to the end of what the open `state` closes; returns the index after
    // it, or -1 if it stays open to the end of the line.
    int continueOpen(const QString &text, int from, State state);
    int scanString(const QString &text, int from, int formatFrom);
    void colourWord(const QString &word, int start);

    Language m_language;
    bool m_dark = false;
    QTextCharFormat m_keyword;
    QTextCharFormat m_builtin;
    QTextCharFormat m_type;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_comment;
    QTextCharFormat m_preprocessor;
};

} // namespace parviz
