#pragma once

// A small document model — headings, paragraphs, tables, lists, quotations — rendered to Markdown
// or to one self-contained HTML file (inline CSS, nothing loaded from the network, laid out for
// print). The documents Skøn generates (the legal reviewer's document; later the analyst's
// report) are built as blocks once and rendered either way, so both say the same.
//
// Inline text may use `code` and **strong**; everything else is literal (escaped for HTML and
// for Markdown tables).

#include <string>
#include <vector>

#include "skon/core/messages.hpp"

namespace skon::engine {

struct DocBlock {
  // Html: markup Skøn generated itself (a plot, a card) kept as is in HTML; `text` stands in
  // for it in Markdown.
  enum class Kind { Heading, Paragraph, Table, List, Quote, Html };
  Kind kind = Kind::Paragraph;
  int level = 1;                               // headings: 1..3
  std::string text;                            // heading, paragraph, quotation
  std::string cite;                            // a quotation's source (file:line)
  std::vector<std::string> header;             // table
  std::vector<std::vector<std::string>> rows;  // table
  std::vector<std::string> items;              // list
  std::string html;                            // Html
};

struct Document {
  std::string title;
  Language language = Language::Danish;  // the HTML's language
  std::vector<DocBlock> blocks;
  std::string css;     // added to the house style
  std::string script;  // inline, at the end of the page (no file is ever loaded)

  void heading(int level, std::string text);
  void paragraph(std::string text);
  void table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows);
  void list(std::vector<std::string> items);
  void quote(std::string text, std::string cite);
  void html(std::string html, std::string markdown);
};

// A table cell that may carry the JSON path of the number it shows (`data-key` in HTML), so a
// reader's tools and the browser test can check it against the JSON it came from.
struct KeyedCell {
  KeyedCell(std::string t, std::string k = "", std::string c = "")
      : text(std::move(t)), key(std::move(k)), cls(std::move(c)) {}
  KeyedCell(const char* t) : text(t) {}  // NOLINT: plain text cells read as strings
  std::string text;
  std::string key;  // "" for plain text
  std::string cls;  // a CSS class
};
// Adds a table of such cells (an Html block, with a Markdown table for the Markdown rendering).
void keyed_table(Document& doc, const std::vector<std::string>& header,
                 const std::vector<std::vector<KeyedCell>>& rows, const std::string& cls = "");

std::string render_markdown(const Document& doc);
// A table cell in Markdown: one line (a line break as <br>), pipes escaped. The one md_cell.
std::string md_cell(const std::string& s);
std::string render_html(const Document& doc);

// The house style of Skøn's HTML documents (shared by every generated document).
const char* document_css();

// Text made safe inside HTML elements and attribute values.
std::string escape_html(const std::string& s);

}  // namespace skon::engine
