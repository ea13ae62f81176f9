"""Generate a synthetic inbox of self-evaluation reports with their ground truth.

    uv run python bench/make_inbox.py OUT_DIR --n 500 [--seed 1] [--formats docx,xlsx,txt,pdf]
        [--pdf-share 0.05] [--defects 0.3] [--workers 2] [--force] [--known-issues]

Writes ``OUT_DIR/<单位名>/<文件>`` (.docx, .xlsx, .txt in UTF-8 or GBK, .pdf converted from .docx
through LibreOffice in batches; on request also .doc and .wps from .docx and .xls from .xlsx through
LibreOffice, and .html) and ``OUT_DIR/ground_truth.jsonl``: one line per file with its
relative path, format, layout, the facts it states (project name, unit, year, planned and executed
yuan as exact strings, the claimed total, grade and budget score, every indicator row) and the
defects injected into it with the finding codes each must raise (``expected_codes`` is their
union). ``--defects`` is the share of files with at least one defect.

The same arguments give byte-identical files and ground truth, except the PDFs (LibreOffice
stamps each with its creation time). See ``bench/inbox/`` for the layouts and the facts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inbox import ALL_FORMATS
from inbox import FORMATS
from inbox import generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--n", type=int, default=500, help="number of files (default 500)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--formats", default=",".join(FORMATS), help=f"comma-separated, of: {','.join(ALL_FORMATS)}"
    )
    ap.add_argument("--pdf-share", type=float, default=0.05, help="share of files that are PDFs")
    ap.add_argument("--defects", type=float, default=0.3, help="share of files with injected defects")
    ap.add_argument("--workers", type=int, default=2, help="processes (and parallel LibreOffice calls)")
    ap.add_argument("--force", action="store_true", help="write into a non-empty OUT_DIR")
    ap.add_argument(
        "--known-issues",
        action="store_true",
        help="also use wordings and layouts jixiao is known to misread (see inbox.KNOWN_ISSUES)",
    )
    args = ap.parse_args(argv)
    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    unknown = sorted(set(formats) - set(ALL_FORMATS))
    if unknown or not formats:
        ap.error(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(ALL_FORMATS)}")
    if args.n < 1:
        ap.error("--n must be at least 1")
    if not 0 <= args.pdf_share <= 1 or not 0 <= args.defects <= 1:
        ap.error("--pdf-share and --defects are shares between 0 and 1")
    out: Path = args.out_dir
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"{out} is not empty (use --force to write into it)", file=sys.stderr)
        return 2
    print(f"writing {args.n} files into {out} (seed {args.seed}, workers {args.workers})")
    summary = generate(
        out,
        args.n,
        seed=args.seed,
        formats=formats,
        pdf_share=args.pdf_share,
        defects=args.defects,
        workers=args.workers,
        known_issues=args.known_issues,
    )
    for problem in summary.problems:
        print(f"warning: {problem}", file=sys.stderr)
    counts = ", ".join(f"{fmt} {count}" for fmt, count in summary.by_format.items())
    pdf = f" (PDF conversion {summary.pdf_seconds:.1f} s)" if summary.pdf_seconds else ""
    print(
        f"done: {summary.files} files ({counts}), {summary.with_defects} with defects, "
        f"in {summary.seconds:.1f} s{pdf}; ground truth in {out / 'ground_truth.jsonl'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
