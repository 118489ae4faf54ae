#include "panels/codehighlighter.h"

#include <QSet>

#include <algorithm>

namespace parviz {

namespace {

const QSet<QString> &pythonKeywords()
{
    static const QSet<QString> words{QStringLiteral("False"),
        QStringLiteral("None"),
        QStringLiteral("True"),
        QStringLiteral("and"),
        QStringLiteral("as"),
        QStringLiteral("assert"),
        QStringLiteral("async"),
        QStringLiteral("await"),
        QStringLiteral("break"),
        QStringLiteral("class"),
        QStringLiteral("continue"),
        QStringLiteral("def"),
        QStringLiteral("del"),
        QStringLiteral("elif"),
        QStringLiteral("else"),
        QStringLiteral("except"),
        QStringLiteral("finally"),
        QStringLiteral("for"),
        QStringLiteral("from"),
        QStringLiteral("global"),
        QStringLiteral("if"),
        QStringLiteral("import"),
        QStringLiteral("in"),
        QStringLiteral("is"),
        QStringLiteral("lambda"),
        QStringLiteral("nonlocal"),
        QStringLiteral("not"),
        QStringLiteral("or"),
        QStringLiteral("pass"),
        QStringLiteral("raise"),
        QStringLiteral("return"),
        QStringLiteral("try"),
        QStringLiteral("while"),
        QStringLiteral("with"),
        QStringLiteral("yield")};
    return words;
}

const QSet<QString> &pythonBuiltins()
{
    static const QSet<QString> words{QStringLiteral("abs"),
        QStringLiteral("all"),
        QStringLiteral("any"),
        QStringLiteral("dict"),
        QStringLiteral("enumerate"),
        QStringLiteral("float"),
        QStringLiteral("int"),
        QStringLiteral("len"),
        QStringLiteral("list"),
        QStringLiteral("map"),
        QStringLiteral("max"),
        QStringLiteral("min"),
        QStringLiteral("open"),
        QStringLiteral("print"),
        QStringLiteral("range"),
        QStringLiteral("self"),
        QStringLiteral("sorted"),
        QStringLiteral("str"),
        QStringLiteral("sum"),
        QStringLiteral("tuple"),
        QStringLiteral("zip"),
        QStringLiteral("__name__")};
    return words;
}

const QSet<QString> &cppKeywords()
{
    static const QSet<QString> words{QStringLiteral("auto"),
        QStringLiteral("bool"),
        QStringLiteral("break"),
        QStringLiteral("case"),
        QStringLiteral("catch"),
        QStringLiteral("char"),
        QStringLiteral("class"),
        QStringLiteral("const"),
        QStringLiteral("constexpr"),
        QStringLiteral("continue"),
        QStringLiteral("default"),
        QStringLiteral("delete"),
        QStringLiteral("do"),
        QStringLiteral("double"),
        QStringLiteral("else"),
        QStringLiteral("enum"),
        QStringLiteral("false"),
        QStringLiteral("for"),
        QStringLiteral("if"),
        QStringLiteral("int"),
        QStringLiteral("long"),
        QStringLiteral("namespace"),
        QStringLiteral("new"),
        QStringLiteral("nullptr"),
        QStringLiteral("return"),
        QStringLiteral("static"),
        QStringLiteral("static_cast"),
        QStringLiteral("struct"),
        QStringLiteral("switch"),
        QStringLiteral("template"),
        QStringLiteral("this"),
        QStringLiteral("throw"),
        QStringLiteral("true"),
        QStringLiteral("try"),
        QStringLiteral("using"),
        QStringLiteral("void"),
        QStringLiteral("while")};
    return words;
}

const QSet<QString> &cppBuiltins()
{
    static const QSet<QString> words{QStringLiteral("std"),
        QStringLiteral("size_t"),
        QStringLiteral("int32_t"),
        QStringLiteral("int64_t"),
        QStringLiteral("uint64_t"),
        QStringLiteral("min"),
        QStringLiteral("max"),
        QStringLiteral("poll"),
        QStringLiteral("posix_spawn"),
        QStringLiteral("socketpair")};
    return words;
}

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

QTextCharFormat colourFormat(const QColor &colour, bool bold = false, bool italic = false)
{
    QTextCharFormat result;
    result.setForeground(colour);
    if (bold)
        result.setFontWeight(QFont::DemiBold);
    result.setFontItalic(italic);
    return result;
}

} // namespace

CodeHighlighter::CodeHighlighter(Language language, QTextDocument *document)
    : QSyntaxHighlighter(document)
    , m_language(language)
{
    setDark(false);
}

void CodeHighlighter::setDark(bool dark)
{
    m_dark = dark;
    // The colours of Visual Studio Code's Light+ and Dark+ themes, chosen for contrast on a
    // white and on a near-black background.
    if (dark) {
        m_keyword = colourFormat(QColor(0x56, 0x9C, 0xD6), true);
        m_builtin = colourFormat(QColor(0xDC, 0xDC, 0xAA));
        m_type = colourFormat(QColor(0x4E, 0xC9, 0xB0));
        m_string = colourFormat(QColor(0xCE, 0x91, 0x78));
        m_number = colourFormat(QColor(0xB5, 0xCE, 0xA8));
        m_comment = colourFormat(QColor(0x6A, 0x99, 0x55), false, true);
        m_preprocessor = colourFormat(QColor(0xC5, 0x86, 0xC0));
    } else {
        m_keyword = colourFormat(QColor(0x00, 0x00, 0xFF), true);
        m_builtin = colourFormat(QColor(0x79, 0x5E, 0x26));
        m_type = colourFormat(QColor(0x26, 0x7F, 0x99));
        m_string = colourFormat(QColor(0xA3, 0x15, 0x15));
        m_number = colourFormat(QColor(0x09, 0x86, 0x58));
        m_comment = colourFormat(QColor(0x00, 0x80, 0x00), false, true);
        m_preprocessor = colourFormat(QColor(0xAF, 0x00, 0xDB));
    }
    rehighlight();
}

int CodeHighlighter::continueOpen(const QString &text, int from, State state)
{
    const QString closing = state == InTripleDouble ? QStringLiteral("\"\"\"")
        : state == InTripleSingle                   ? QStringLiteral("'''")
                                                    : QStringLiteral("*/");
    const QTextCharFormat &colour = state == InBlockComment ? m_comment : m_string;
    const int end = text.indexOf(closing, from);
    if (end < 0) {
        setFormat(from, static_cast<int>(text.size()) - from, colour);
        setCurrentBlockState(state);
        return -1;
    }
    const int after = end + static_cast<int>(closing.size());
    setFormat(from, after - from, colour);
    return after;
}

// A one-line string starting with the quote at `from`, coloured from `formatFrom` (before the
// quote when it has a prefix such as f or r). Returns the index after its closing quote.
int CodeHighlighter::scanString(const QString &text, int from, int formatFrom)
{
    const QChar quote = text[from];
    const int size = static_cast<int>(text.size());
    int i = from + 1;
    while (i < size && text[i] != quote)
        i += text[i] == u'\\' ? 2 : 1;
    const int after = std::min(i + 1, size);
    setFormat(formatFrom, after - formatFrom, m_string);
    return after;
}

void CodeHighlighter::colourWord(const QString &word, int start)
{
    const bool python = m_language == Language::Python;
    const int length = static_cast<int>(word.size());
    if ((python ? pythonKeywords() : cppKeywords()).contains(word))
        setFormat(start, length, m_keyword);
    else if ((python ? pythonBuiltins() : cppBuiltins()).contains(word))
        setFormat(start, length, m_builtin);
    else if (word.front().isUpper() && word.size() > 1
        && std::any_of(word.begin(), word.end(), [](QChar c) { return c.isLower(); }))
        setFormat(start, length, m_type); // ThreadPoolExecutor, TaskQueue; not IO_SHARE
}

void CodeHighlighter::highlightBlock(const QString &text)
{
    const bool python = m_language == Language::Python;
    const int size = static_cast<int>(text.size());
    setCurrentBlockState(Normal);
    int i = 0;
    if (const int open = previousBlockState(); open > 0) {
        i = continueOpen(text, 0, static_cast<State>(open));
        if (i < 0)
            return;
    }
    if (!python && text.trimmed().startsWith(u'#')) {
        setFormat(0, size, m_preprocessor);
        return;
    }
    while (i < size) {
        const QChar c = text[i];
        if ((python && c == u'#') || (!python && text.mid(i, 2) == QLatin1String("//"))) {
            setFormat(i, size - i, m_comment);
            return;
        }
        if (!python && text.mid(i, 2) == QLatin1String("/*")) {
            i = continueOpen(text, i, InBlockComment);
            if (i < 0)
                return;
            continue;
        }
        if (c == u'"' || c == u'\'') {
            const QString triple(3, c);
            if (python && text.mid(i, 3) == triple) {
                setFormat(i, 3, m_string);
                i = continueOpen(text, i + 3, c == u'"' ? InTripleDouble : InTripleSingle);
                if (i < 0)
                    return;
                continue;
            }
            // C++ char literals and Python strings alike; C++'s ' digit separators never appear.
            i = scanString(text, i, i);
            continue;
        }
        if (c.isDigit() || (c == u'.' && i + 1 < size && text[i + 1].isDigit())) {
            int end = i + 1;
            while (end < size
                && (isWordChar(text[end]) || text[end] == u'.'
                    || ((text[end] == u'-' || text[end] == u'+')
                        && (text[end - 1] == u'e' || text[end - 1] == u'E'))))
                ++end;
            setFormat(i, end - i, m_number);
            i = end;
            continue;
        }
        if (isWordChar(c)) {
            int end = i + 1;
            while (end < size && isWordChar(text[end]))
                ++end;
            const QString word = text.mid(i, end - i);
            // f"...", r'...', rb"...": the prefix belongs to the string.
            if (python && end < size && (text[end] == u'"' || text[end] == u'\'')
                && word.size() <= 2 && std::all_of(word.begin(), word.end(), [](QChar p) {
                       return QStringLiteral("rRbBfFuU").contains(p);
                   })) {
                i = scanString(text, end, i);
                continue;
            }
            colourWord(word, i);
            i = end;
            continue;
        }
        ++i;
    }
}

} // namespace parviz
