#!/usr/bin/env python3
"""Every include of a Skøn header follows the arrows of docs/architecture.md:

    cli -> documents, studies, audit, core;  documents -> studies, core;  studies -> core;
    audit -> core;  core -> dsl, models;  dsl -> base;  models -> base.

The compiler already refuses most wrong includes (each wing sees only the include folders of the
wings below it); this check names each one with file and line, and also catches an arrow a
target's link line lets through by mistake.   include_check.py SOURCE_DIR
"""
import pathlib
import re
import sys

BELOW = {
    "base": set(),
    "dsl": {"base"},
    "models": {"base"},
    "core": {"dsl", "models", "base"},
    "audit": {"core", "dsl", "models", "base"},
    "studies": {"core", "dsl", "models", "base"},
    "documents": {"studies", "core", "dsl", "models", "base"},
}
FOLDERS = {
    "base": "base", "dsl": "dsl", "models": "models", "core": "engine/core",
    "audit": "engine/audit", "studies": "engine/studies", "documents": "engine/documents",
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"skon/([a-z_]+)/')


def main(root: pathlib.Path) -> int:
    wrong = []
    files = 0
    for part, folder in FOLDERS.items():
        allowed = BELOW[part] | {part}
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".def"):
                continue
            files += 1
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = INCLUDE.match(line)
                if m and m.group(1) not in allowed:
                    wrong.append(f"{path.relative_to(root)}:{number}: {part} includes "
                                 f"{m.group(1)} ({line.strip()}); {part} may include only "
                                 f"{', '.join(sorted(allowed))}")
    if files == 0:
        print(f"no sources found under {root}", file=sys.stderr)
        return 1
    for w in wrong:
        print(w, file=sys.stderr)
    if wrong:
        print(f"{len(wrong)} includes against the arrows (docs/architecture.md)", file=sys.stderr)
        return 1
    print(f"{files} files: every include follows the arrows")
    return 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1])))
