"""Command line for the bokmål edition.

    python -m course.i18n update            bring every catalogue in step with the English source
    python -m course.i18n check [--only S]  list missing, stale or unfaithful translations (exit 1 if any)
    python -m course.i18n build OUT         write the bokmål notebooks under OUT/modules
    python -m course.i18n stats             how much is translated, per catalogue
    python -m course.i18n export CAT        a plain-text draft of a catalogue (English and bokmål blocks)
    python -m course.i18n import CAT DRAFT  read a draft's bokmål back into the catalogue
    python -m course.i18n lab-settings DIR  JupyterLab settings (in DIR) that show its menus in the language
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..paths import REPO_ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.i18n", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="nb")
    sub = parser.add_subparsers(dest="command", required=True)
    upd = sub.add_parser("update")
    upd.add_argument("--only", help="only catalogues whose path contains this text")
    exp = sub.add_parser("export")
    exp.add_argument("catalogue", type=Path)
    exp.add_argument("--untranslated", action="store_true", help="only entries still to translate or revise")
    imp = sub.add_parser("import")
    imp.add_argument("catalogue", type=Path)
    imp.add_argument("draft", type=Path)
    check = sub.add_parser("check")
    check.add_argument("--only", help="only catalogues whose path contains this text")
    build = sub.add_parser("build")
    build.add_argument("out", type=Path)
    build.add_argument("--strict", action="store_true", help="refuse to build with untranslated cells")
    sub.add_parser("stats")
    lab = sub.add_parser("lab-settings", help="JupyterLab user settings that choose the interface language")
    lab.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.command == "lab-settings":
        from .lab import write_settings

        print(write_settings(args.folder, args.lang))
        return 0

    if args.command == "update":
        from .catalogues import update

        for line in update(args.lang, only=args.only):
            print(line)
        return 0
    if args.command == "export":
        from .drafts import export

        sys.stdout.write(export(args.catalogue, args.untranslated))
        return 0
    if args.command == "import":
        from .drafts import DraftError, import_draft

        try:
            changed = import_draft(args.catalogue, args.draft.read_text(encoding="utf-8"))
        except DraftError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"{changed} translation(s) written to {args.catalogue}")
        return 0
    if args.command == "check":
        from .checks import problems

        found = problems(args.lang, args.only)
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)" if found else "All translations are present, current and faithful.")
        return 1 if found else 0
    if args.command == "build":
        from .build import build as build_notebooks

        written = build_notebooks(args.out / "modules", args.lang, strict=args.strict)
        print(f"wrote {len(written)} notebooks under {args.out / 'modules'}")
        return 0
    if args.command == "stats":
        from .catalogues import load, templates

        total_done = total = 0
        for path, template in templates(args.lang).items():
            catalog = load(path)
            done = sum(1 for m in catalog if m.id and m.string and "fuzzy" not in m.flags)
            total_done, total = total_done + done, total + len(template)
            print(f"{done:4d} / {len(template):4d}  {path.relative_to(REPO_ROOT)}")
        print(f"{total_done} of {total} messages translated")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
