#!/usr/bin/env python3
"""Checks the include graph against the layer table of docs/architecture.md ("Layers").

Every C++ file of src/, include/, tests/ and bench/ is followed through the project's own
headers (transitively, as the compiler would open them); the check fails on
  - a project header of a module that the file's row does not allow,
  - a private header of another module (src/<other>/..., reached by a relative path or any
    other way) from a module's own code or unit tests, even when the row allows that module:
    a module's interface is include/smtpsend/<module>/, and
  - an outside header (one that is not the project's) in a group of the row's "never reaches"
    column, found in the file itself or in any project header it reaches;
  - for the "clocks" group, the text of a clock read in the file or a header it reaches.
Each failure names the chain of includes that led to it.

Usage: check_layers.py SOURCE_DIR [--only CODE]   (CODE as in the table, e.g. "smtp/")
       check_layers.py --self-test                  (the check catches what it should)
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

TABLE_HEADER = re.compile(r"^\|\s*code\s*\|\s*may include\s*\|\s*never reaches\s*\|\s*$")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}

# The "never reaches" groups: outside headers by name (a prefix ending in "/" matches a
# directory), and for clocks the text that reads one.
GROUPS: dict[str, list[str]] = {
    "asio": ["boost/asio/", "boost/asio.hpp", "asio.hpp", "asio/"],
    "openssl": ["openssl/"],
    "c-ares": ["ares.h", "ares_build.h", "ares_dns.h", "ares_version.h"],
    "sockets": ["sys/socket.h", "netinet/", "netdb.h", "sys/un.h", "sys/epoll.h", "sys/select.h"],
    "file I/O": ["fstream", "cstdio", "stdio.h", "unistd.h", "fcntl.h", "sys/stat.h",
                 "sys/mman.h", "sys/statvfs.h", "filesystem", "dirent.h", "sys/uio.h"],
    "threads": ["thread", "mutex", "shared_mutex", "condition_variable", "future", "semaphore",
                "latch", "barrier", "stop_token", "pthread.h"],
    "clocks": [],
}
CLOCK_READ = re.compile(r"\b(steady_clock|system_clock|high_resolution_clock|utc_clock|"
                        r"clock_gettime|gettimeofday)\b")


@dataclass
class Row:
    code: str                   # as written: "smtp/", "src/main.cpp", "tests/fuzz/"
    allowed: set[str]           # modules whose headers may be reached
    never: list[str]            # group names
    files: list[Path] = field(default_factory=list)


def read_table(doc: Path) -> list[Row]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if TABLE_HEADER.match(line):
            break
    else:
        raise SystemExit(f"{doc}: no table with the header '| code | may include | never reaches |'")
    rows = []
    for line in lines[i + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3:
            raise SystemExit(f"{doc}: a layer row needs 3 cells: {line}")
        code = cells[0].strip("`")
        allowed = {m.strip().strip("`") for m in cells[1].split(",") if m.strip()}
        never = [g.strip() for g in cells[2].split(",") if g.strip()]
        for group in never:
            if group not in GROUPS:
                raise SystemExit(f"{doc}: unknown group '{group}' (known: {', '.join(GROUPS)})")
        rows.append(Row(code, allowed, never))
    return rows


def module_names(root: Path) -> set[str]:
    return {p.name for p in (root / "src").iterdir() if p.is_dir()} | \
           {p.name for p in (root / "include" / "smtpsend").iterdir() if p.is_dir()}


def sources_under(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file())


class IncludeGraph:
    """Resolves #include lines the way the build's include paths do."""

    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[tuple[Path, tuple[Path, ...]], list[tuple[str, Path | None]]] = {}

    def includes(self, path: Path, search: tuple[Path, ...]) -> list[tuple[str, Path | None]]:
        key = (path, search)
        if key not in self.cache:
            found = []
            for quote, name in INCLUDE.findall(path.read_text(encoding="utf-8", errors="replace")):
                found.append((name, self.resolve(path, quote, name, search)))
            self.cache[key] = found
        return self.cache[key]

    def resolve(self, current: Path, quote: str, name: str, search: tuple[Path, ...]) -> Path | None:
        candidates = [current.parent / name] if quote == '"' else []
        candidates += [self.root / "include" / name] + [d / name for d in search]
        for candidate in candidates:
            if candidate.is_file():
                return candidate.resolve()
        if quote == '"' or name.startswith("smtpsend/"):  # outside headers are written <...>
            raise SystemExit(f"{current}: cannot find the project header \"{name}\"")
        return None

    def private_to(self, path: Path) -> str | None:
        """The module whose private header (src/<module>/...) this is; None for any other file."""
        rel = path.relative_to(self.root).parts
        return rel[1] if rel[0] == "src" and len(rel) > 2 else None

    def module_of(self, path: Path) -> str:
        rel = path.relative_to(self.root).parts
        if rel[0] == "include" and len(rel) > 3 and rel[1] == "smtpsend":
            return rel[2]
        if rel[0] == "src" and len(rel) > 2:
            return rel[1]
        if rel[0] == "tests" and len(rel) > 1 and rel[1] == "unit":
            return "tests/unit"  # test helpers: open to every test, to nothing else
        return "/".join(rel)


@dataclass
class Finding:
    file: Path
    chain: list[Path]
    what: str


def walk(graph: IncludeGraph, start: Path, search: tuple[Path, ...]):
    """Yields (chain, outside header or None, project header or None) for every include reached."""
    seen = {start.resolve()}
    stack = [(start.resolve(), [start.resolve()])]
    while stack:
        current, chain = stack.pop()
        for name, target in graph.includes(current, search):
            if target is None:
                yield chain, name, None
            elif target not in seen:
                seen.add(target)
                yield chain + [target], None, target
                stack.append((target, chain + [target]))


def outside_group(name: str, groups: list[str]) -> str | None:
    for group in groups:
        for pattern in GROUPS[group]:
            if name == pattern or pattern.endswith("/") and name.startswith(pattern):
                return group
    return None


def check_file(graph: IncludeGraph, path: Path, module: str, allowed: set[str],
               never: list[str], search: tuple[Path, ...], modules: set[str]) -> list[Finding]:
    """`module`: the module the file belongs to (its own src/<module>/ headers are open to it;
    every other module's are not, whatever its row allows: a module's API is include/), or the
    row's code for a file outside the modules (a fuzz target: its row's search path opens the
    private headers of the modules it may include, as its CMake target does)."""
    findings = []
    reached = [path.resolve()]
    named = set()  # one finding per group or module and file: the first chain says enough
    for chain, outside, target in walk(graph, path, search):
        if outside is not None:
            group = outside_group(outside, never)
            if group and group not in named:
                named.add(group)
                findings.append(Finding(path, chain, f"<{outside}> ({group})"))
            continue
        reached.append(target)
        owner = graph.module_of(target)
        if owner == "tests/unit" and path.resolve().is_relative_to(graph.root / "tests"):
            continue  # test helpers serve every test
        private = graph.private_to(target)
        if module in modules and private is not None and private != module:
            if f"private {private}" not in named:
                named.add(f"private {private}")
                findings.append(Finding(path, chain, f"a private header of {private} (src/{private}/)"))
            continue
        if owner != module and owner not in allowed and owner not in named:
            named.add(owner)
            findings.append(Finding(path, chain, f"a header of {owner}"))
    if "clocks" in never:
        for header in reached:
            for n, line in enumerate(header.read_text(encoding="utf-8").splitlines(), 1):
                if CLOCK_READ.search(line.split("//")[0]):
                    findings.append(Finding(path, [path.resolve(), header],
                                            f"a clock read at line {n} (clocks)"))
    return findings


def files_of(root: Path, row: Row, modules: set[str]) -> tuple[str, list[Path], tuple[Path, ...]]:
    """(module name, files, extra search directories) of one row."""
    code = row.code
    if code.endswith("/") and code[:-1] in modules:  # a module: "smtp/"
        name = code[:-1]
        return name, sources_under(root / "src" / name) + sources_under(root / "include" / "smtpsend" / name), ()
    path = root / code
    files = sources_under(path) if code.endswith("/") else [path]
    # A test of a module's internals (a fuzz target of message/'s private tokenizer) sees the
    # private headers of the modules its row allows, as its CMake target does.
    private = tuple(root / "src" / m for m in row.allowed if m in modules)
    return code.rstrip("/"), files, (root / "tests" / "unit",) + private


def run_check(root: Path, only: str | None = None) -> int:
    rows = read_table(root / "docs" / "architecture.md")
    graph = IncludeGraph(root)
    by_code = {row.code: row for row in rows}
    findings: list[Finding] = []
    checked = 0
    modules = module_names(root)
    missing = sorted(m for m in modules if f"{m}/" not in by_code)
    if missing and only is None:
        print(f"modules without a row in the layer table: {', '.join(missing)}")
        return 1
    for row in rows:
        if only is not None and row.code != only:
            continue
        name, files, search = files_of(root, row, modules)
        for path in files:
            findings += check_file(graph, path, name, row.allowed, row.never, search, modules)
            checked += 1
    # tests/unit/<module>/: what the module may include, the module itself, and the test helpers.
    for module in sorted(modules):
        if only is not None and only != f"{module}/":
            continue
        row = by_code[f"{module}/"]
        search = (root / "tests" / "unit", root / "src" / module)
        for path in sources_under(root / "tests" / "unit" / module):
            findings += check_file(graph, path, module, row.allowed, [], search, modules)
            checked += 1
    if only is None:
        covered = {p.resolve() for row in rows for p in files_of(root, row, modules)[1]}
        covered |= {p.resolve() for m in modules for p in sources_under(root / "tests" / "unit" / m)}
        stray = [p for top in ("src", "include", "bench", "tests/fuzz") for p in sources_under(root / top)
                 if p.resolve() not in covered]
        for path in stray:
            findings.append(Finding(path, [path], "a file no row of the layer table covers"))
    for f in findings:
        chain = " -> ".join(str(p.relative_to(root)) for p in f.chain)
        print(f"{f.file.relative_to(root)}: reaches {f.what}: {chain}")
    if findings:
        print(f"{len(findings)} include(s) the layer table (docs/architecture.md) does not allow")
        return 1
    print(f"layers hold: {checked} files checked against {len(rows)} rows"
          + (f" (only {only})" if only else ""))
    return 0


def self_test() -> int:
    """A small tree with one wrong include of each kind; the check must name each of them."""
    table = ("| code | may include | never reaches |\n|---|---|---|\n"
             "| `core/` | | |\n| `low/` | `core` | asio, file I/O, clocks |\n"
             "| `high/` | `core`, `low` | |\n")
    cases = {
        "clean": {},
        "direct": {"src/low/a.cpp": '#include "smtpsend/high/h.hpp"\n'},
        "transitive": {"include/smtpsend/core/c.hpp": '#include "smtpsend/high/h.hpp"\n'},
        "outside through a header": {"include/smtpsend/core/c.hpp": "#include <boost/asio/post.hpp>\n"},
        "file I/O through a private header": {"src/low/p.hpp": "#include <fstream>\n",
                                              "src/low/a.cpp": '#include "p.hpp"\n'},
        "clock in a reached header": {"include/smtpsend/core/c.hpp": "auto t = std::chrono::steady_clock::now();\n"},
        "test beyond its module": {"tests/unit/low/t.cpp": '#include "smtpsend/high/h.hpp"\n'},
        "module without a row": {"src/extra/x.cpp": "\n"},
        "private header of an allowed module by a relative path": {
            "src/low/p.hpp": "#include <string>\n", "src/high/b.cpp": '#include "../low/p.hpp"\n'},
        "test reaching another module's private header": {
            "src/low/p.hpp": "#include <string>\n",
            "tests/unit/high/t.cpp": '#include "../../../src/low/p.hpp"\n'},
    }
    failures = 0
    for case, overrides in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            files = {
                "docs/architecture.md": table,
                "include/smtpsend/core/c.hpp": "#include <string>\n",
                "include/smtpsend/low/l.hpp": '#include "smtpsend/core/c.hpp"\n',
                "include/smtpsend/high/h.hpp": '#include "smtpsend/low/l.hpp"\n#include <boost/asio/post.hpp>\n',
                "src/core/c.cpp": '#include "smtpsend/core/c.hpp"\n',
                "src/low/a.cpp": '#include "smtpsend/low/l.hpp"\n',
                "src/high/b.cpp": '#include "smtpsend/high/h.hpp"\n#include <fstream>\n',
                "tests/unit/low/t.cpp": '#include "smtpsend/low/l.hpp"\n#include <fstream>\n',
            }
            files.update(overrides)
            for name, text in files.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_text(text)
            with open(os.devnull, "w") as quiet:
                stdout, sys.stdout = sys.stdout, quiet
                try:
                    status = run_check(root)
                finally:
                    sys.stdout = stdout
            expected = 0 if case == "clean" else 1
            ok = status == expected
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {case}: exit {status}, expected {expected}")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) not in (2, 4) or len(argv) == 4 and argv[2] != "--only":
        print(__doc__)
        return 2
    return run_check(Path(argv[1]).resolve(), argv[3] if len(argv) == 4 else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
