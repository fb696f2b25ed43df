#include "skon/documents/document.hpp"

namespace skon::engine {

void Document::heading(int level, std::string text) {
  DocBlock b;
  b.kind = DocBlock::Kind::Heading;
  b.level = level;
  b.text = std::move(text);
  blocks.push_back(std::move(b));
}

void Document::paragraph(std::string text) {
  DocBlock b;
  b.text = std::move(text);
  blocks.push_back(std::move(b));
}

void Document::table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
  DocBlock b;
  b.kind = DocBlock::Kind::Table;
  b.header = std::move(header);
  b.rows = std::move(rows);
  blocks.push_back(std::move(b));
}

void Document::list(std::vector<std::string> items) {
  DocBlock b;
  b.kind = DocBlock::Kind::List;
  b.items = std::move(items);
  blocks.push_back(std::move(b));
}

void Document::quote(std::string text, std::string cite) {
  DocBlock b;
  b.kind = DocBlock::Kind::Quote;
  b.text = std::move(text);
  b.cite = std::move(cite);
  blocks.push_back(std::move(b));
}

void Document::html(std::string html, std::string markdown) {
  DocBlock b;
  b.kind = DocBlock::Kind::Html;
  b.html = std::move(html);
  b.text = std::move(markdown);
  blocks.push_back(std::move(b));
}

// A table cell in Markdown: one line, pipes escaped.
std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

// Escaped text with `code` and **strong** as HTML; newlines as line breaks.
std::string inline_html(const std::string& s) {
  const std::string e = escape_html(s);
  std::string out;
  bool code = false, strong = false;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i] == '`') {
      out += code ? "</code>" : "<code>";
      code = !code;
    } else if (!code && e.compare(i, 2, "**") == 0) {
      out += strong ? "</strong>" : "<strong>";
      strong = !strong;
      ++i;
    } else if (e[i] == '\n') {
      out += "<br>";
    } else {
      out += e[i];
    }
  }
  if (code) out += "</code>";
  if (strong) out += "</strong>";
  return out;
}

}  // namespace

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void keyed_table(Document& d, const std::vector<std::string>& header,
                 const std::vector<std::vector<KeyedCell>>& rows, const std::string& cls) {
  std::string html =
      "<table" + (cls.empty() ? std::string() : " class=\"" + cls + "\"") + ">\n<thead><tr>";
  std::string md = "|";
  for (const auto& h : header) {
    html += "<th>" + escape_html(h) + "</th>";
    md += " " + md_cell(h) + " |";
  }
  md += "\n|";
  for (std::size_t i = 0; i < header.size(); ++i) md += "---|";
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    html += "<tr>";
    md += "\n|";
    for (const auto& c : row) {
      html += "<td" + (c.key.empty() ? std::string() : " data-key=\"" + escape_html(c.key) + "\"") +
              (c.cls.empty() ? std::string() : " class=\"" + c.cls + "\"") + ">" +
              inline_html(c.text) + "</td>";
      md += " " + md_cell(c.text) + " |";
    }
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n";
  d.html(std::move(html), std::move(md));
}

std::string render_markdown(const Document& doc) {
  std::string out = "# " + doc.title + "\n";
  for (const DocBlock& b : doc.blocks) {
    out += "\n";
    switch (b.kind) {
      case DocBlock::Kind::Heading:
        out += std::string(static_cast<std::size_t>(b.level + 1), '#') + " " + b.text + "\n";
        break;
      case DocBlock::Kind::Paragraph:
        out += b.text + "\n";
        break;
      case DocBlock::Kind::Table: {
        out += "|";
        for (const auto& h : b.header) out += " " + md_cell(h) + " |";
        out += "\n|";
        for (std::size_t i = 0; i < b.header.size(); ++i) out += "---|";
        out += "\n";
        for (const auto& row : b.rows) {
          out += "|";
          for (const auto& cell : row) out += " " + md_cell(cell) + " |";
          out += "\n";
        }
        break;
      }
      case DocBlock::Kind::List:
        for (const auto& item : b.items) out += "- " + item + "\n";
        break;
      case DocBlock::Kind::Quote: {
        out += "> ";
        for (char c : b.text) out += c == '\n' ? std::string("\n> ") : std::string(1, c);
        out += "\n>\n> — " + b.cite + "\n";
        break;
      }
      case DocBlock::Kind::Html:
        out += b.text + "\n";
        break;
    }
  }
  return out;
}

const char* document_css() {
  return R"(:root { --ink: #1d2433; --muted: #5b6475; --line: #d5dae3; --accent: #1f5f8b; --warn: #8a4b00; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #f6f7f9; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 2.5rem 4rem; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 1rem; color: var(--accent); }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1.2rem 0 .3rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
code { font: .88em ui-monospace, "SFMono-Regular", Menlo, monospace; background: #f1f3f6; padding: 0 .2em; border-radius: 3px; }
blockquote { margin: .5rem 0 1rem; padding: .4rem .9rem; border-left: 4px solid var(--accent); background: #f4f8fb; }
blockquote footer { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
strong { color: var(--warn); }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-before: auto; break-after: avoid; }
  h3, h4 { break-after: avoid; }
  table, blockquote, figure { break-inside: avoid; }
}
figure.plot { margin: 1rem 0 1.4rem; }
figure.plot svg { width: 100%; max-width: 38rem; height: auto; font: 11px system-ui, sans-serif; }
.plot .frame, .plot .tick { stroke: #5b6475; }
.plot .grid { stroke: #e6e9ef; }
.plot text { fill: #1d2433; }
.plot .title { font-weight: 600; font-size: 13px; }
.plot .diagonal { stroke: #9aa3b2; stroke-dasharray: 4 4; }
.plot .marker line { stroke: #8a4b00; stroke-dasharray: 3 3; }
.plot .marker text { fill: #8a4b00; }
figcaption { color: var(--muted); font-size: .85rem; }
)";
}

std::string render_html(const Document& doc) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + std::string(language_code(doc.language)) +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape_html(doc.title) +
                    "</title>\n<style>\n" + document_css() + doc.css +
                    "</style>\n</head>\n<body>\n<main>\n";
  out += "<h1>" + inline_html(doc.title) + "</h1>\n";
  for (const DocBlock& b : doc.blocks) {
    switch (b.kind) {
      case DocBlock::Kind::Heading: {
        const std::string tag = "h" + std::to_string(b.level + 1);
        out += "<" + tag + ">" + inline_html(b.text) + "</" + tag + ">\n";
        break;
      }
      case DocBlock::Kind::Paragraph:
        out += "<p>" + inline_html(b.text) + "</p>\n";
        break;
      case DocBlock::Kind::Table:
        out += "<table>\n<thead><tr>";
        for (const auto& h : b.header) out += "<th>" + inline_html(h) + "</th>";
        out += "</tr></thead>\n<tbody>\n";
        for (const auto& row : b.rows) {
          out += "<tr>";
          for (const auto& cell : row) out += "<td>" + inline_html(cell) + "</td>";
          out += "</tr>\n";
        }
        out += "</tbody>\n</table>\n";
        break;
      case DocBlock::Kind::List:
        out += "<ul>\n";
        for (const auto& item : b.items) out += "<li>" + inline_html(item) + "</li>\n";
        out += "</ul>\n";
        break;
      case DocBlock::Kind::Quote:
        out += "<blockquote><p>" + inline_html(b.text) + "</p><footer>" + inline_html(b.cite) +
               "</footer></blockquote>\n";
        break;
      case DocBlock::Kind::Html:
        out += b.html;
        break;
    }
  }
  out += "</main>\n";
  if (!doc.script.empty()) out += "<script>\n" + doc.script + "</script>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace skon::engine
