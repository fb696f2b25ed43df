#!/usr/bin/python3
"""Checks an HTML document Skøn generated, as a browser rendered it (chromium --dump-dom).

    html_check.py DOM.html [FIGURES.json]

- Self-contained: no URL, no src=, no <link>, no url( — nothing could be loaded from outside.
- Every plot (figure.plot) has a title, both axes with tick labels, and at least one series
  with data.
- With FIGURES.json: every element with data-key="a.b.0.c" shows the JSON's value at that path,
  to the precision shown (Danish decimal commas and percentages understood).
Prints a one-line summary; exits 1 with the problems otherwise.
"""
import json
import re
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open elements: (tag, attrs, text parts)
        self.plots = []  # per figure.plot: dict of what it holds
        self.keyed = []  # (key, text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append((tag, a, []))
        classes = a.get("class", "").split()
        if tag == "figure" and "plot" in classes:
            self.plots.append({"id": a.get("id", "?"), "title": "", "x": 0, "y": 0, "series": []})
        if self.plots and self.in_plot():
            if tag == "g" and "series" in classes:
                self.plots[-1]["series"].append(int(a.get("data-points", "0")))

    def handle_endtag(self, tag):
        while self.stack:
            t, a, text = self.stack.pop()
            content = "".join(text).strip()
            if self.stack:
                self.stack[-1][2].append("".join(text))
            if "data-key" in a:
                self.keyed.append((a["data-key"], content))
            if self.plots and self.in_plot(extra=(t, a)):
                if t == "title" and not self.plots[-1]["title"]:
                    self.plots[-1]["title"] = content
                if t == "text":
                    axis = self.axis()
                    if axis:
                        self.plots[-1][axis] += 1
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)

    def in_plot(self, extra=None):
        elements = self.stack + ([extra + ([],)] if extra else [])
        return any(t == "figure" and "plot" in a.get("class", "").split() for t, a, *_ in elements)

    def axis(self):
        for t, a, _ in reversed(self.stack):
            classes = a.get("class", "").split()
            if t == "g" and "axis" in classes:
                return "x" if "x" in classes else "y" if "y" in classes else None
        return None


def value_at(figures, key):
    v = figures
    for part in key.split("."):
        v = v[int(part)] if isinstance(v, list) else v[part]
    return v


def shown_matches(value, text):
    if isinstance(value, bool):
        return text in (("met", "opfyldt") if value else ("NOT met", "IKKE opfyldt"))
    if value is None:
        return text == "–"
    m = re.fullmatch(r"([-+−]?)([0-9]+)(?:[.,]([0-9]+))?( %)?", text)
    if not m:
        return False
    decimals = len(m.group(3) or "")
    shown = float(m.group(2) + "." + (m.group(3) or "0")) * (-1 if m.group(1) in "-−" and m.group(1) else 1)
    if m.group(4):
        value = value * 100
    return abs(value - shown) <= 0.5 * 10 ** -decimals + 1e-9


def main():
    html = open(sys.argv[1], encoding="utf-8").read()
    problems = []
    for pattern in (r"https?://", r"\bsrc\s*=", r"<link\b", r"url\("):
        if re.search(pattern, html, re.I):
            problems.append(f"loads from outside: {pattern}")
    dom = Dom()
    dom.feed(html)
    for p in dom.plots:
        if not p["title"]:
            problems.append(f"plot {p['id']}: no title")
        if p["x"] < 3 or p["y"] < 3:
            problems.append(f"plot {p['id']}: axes without tick labels ({p['x']}, {p['y']})")
        if not p["series"] or max(p["series"]) == 0:
            problems.append(f"plot {p['id']}: no data")
    checked = 0
    if len(sys.argv) > 2:
        figures = json.load(open(sys.argv[2], encoding="utf-8"))
        for key, text in dom.keyed:
            try:
                value = value_at(figures, key)
            except (KeyError, IndexError, ValueError):
                problems.append(f"{key}: not in the JSON")
                continue
            if not shown_matches(value, text):
                problems.append(f"{key}: shows '{text}', the JSON has {value}")
            checked += 1
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"{len(dom.plots)} plots with titles, axes and data; {checked} numbers equal the JSON")


if __name__ == "__main__":
    main()
