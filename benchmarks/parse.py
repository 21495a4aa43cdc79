"""Parse throughput and peak memory per format, on one core, on generated reports.

    .venv/bin/python benchmarks/parse.py [--documents 40] [--formats html,text,docx,pdf,pdf-unruled,pdf-scanned]

Each format runs in a fresh process pinned to one CPU (POLARS_MAX_THREADS=1) so its peak RSS
is its own; `*-isolated` rows go through pipeline.extract.isolate.parse_many (one worker
process on the same CPU) to show what the process isolation costs. Documents are rendered by pipeline.fixtures.documents (5-page PDFs with the
applications table broken across pages), parsed with parse_document, and compared with a
bare pdfplumber `extract_tables` pass over the same PDFs. Targets: ≥ 100 reports/s/core for
HTML and text, ≥ 10 reports/s/core for 5-page PDFs. `pdf-scanned` is the OCR route: the same
PDFs rasterised at 150 dpi with a 1° skew and JPEG compression (pipeline.fixtures.scans), every
page an image; its row adds seconds per page (target ≤ 3 s/page on one core). It is slow, so
it parses a tenth of --documents (at least 2).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time

FORMATS = ("html", "text", "docx", "pdf", "pdf-unruled", "html-isolated", "pdf-isolated", "pdf-scanned")


def render(fmt: str, count: int) -> list[bytes]:
    from pipeline.fixtures.documents import render_docx, render_html, render_pdf, render_text, sample_report
    from pipeline.fixtures.scans import Scan, scanned_pdf

    fmt = fmt.removesuffix("-isolated")
    documents = []
    for seed in range(count):
        meta, values = sample_report("2019" if seed % 2 else "2021", seed=seed)
        documents.append({
            "html": lambda: render_html(meta, values, word_export=bool(seed % 3 == 0), encoding="gbk"),
            "text": lambda: render_text(meta, values, layout=("tab", "pipe", "cell_per_line")[seed % 3]).encode(),
            "docx": lambda: render_docx(meta, values),
            "pdf": lambda: render_pdf(meta, values),
            "pdf-unruled": lambda: render_pdf(meta, values, ruled=False),
            "pdf-scanned": lambda: scanned_pdf(render_pdf(meta, values), Scan(dpi=150, skew=1.0, jpeg=75, seed=seed)),
        }[fmt]())
    return documents


def measure(fmt: str, count: int) -> dict:
    """Runs inside the pinned child: parse every document, time it, report peak RSS."""
    from pipeline.extract.formats import read_document
    from pipeline.extract.parse import parse_document

    if fmt == "pdf-scanned":
        count = max(2, count // 10)
    documents = render(fmt, count)
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kind = fmt.removesuffix("-isolated").split("-")[0]
    if fmt.endswith("-isolated"):
        from pipeline.extract.isolate import parse_many

        # one worker process (its start-up excluded by a warm-up document), reports piped back
        items = [(f"doc.{kind}", data, f"doc.{kind}", None) for data in [documents[0], *documents]]
        results = parse_many(items, workers=1)
        next(results)
        started = time.perf_counter()
        statuses = [report.status for report in results]
    else:
        parse_document(documents[0], source=f"warmup.{kind}")
        started = time.perf_counter()
        statuses = [parse_document(data, source=f"doc.{kind}").status for data in documents]
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    for data in documents:
        read_document(data, filename=f"doc.{kind}")
    read_s = time.perf_counter() - started
    result = {"format": fmt, "documents": count, "ok": statuses.count("ok"),
              "reports_per_s": count / parse_s, "readers_per_s": count / read_s,
              "bytes_avg": sum(map(len, documents)) // count,
              "peak_rss_mb": max(resource.getrusage(who).ru_maxrss  # a finished worker counts as a child
                                 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024,
              "rss_before_parsing_mb": baseline_rss / 1024}
    if kind == "pdf":
        import pdfplumber

        started = time.perf_counter()
        for data in documents:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for page in pdf.pages:
                    page.extract_tables()
        result["pdfplumber_extract_tables_per_s"] = count / (time.perf_counter() - started)
        with pdfplumber.open(io.BytesIO(documents[0])) as pdf:
            result["pages"] = len(pdf.pages)
        result["seconds_per_page"] = parse_s / count / result["pages"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.documents)))
        return 0
    env = {**os.environ, "POLARS_MAX_THREADS": "1", "RAYON_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    cpu = sorted(os.sched_getaffinity(0))[-1]
    print(f"{'format':<12} {'docs':>5} {'ok':>4} {'KB/doc':>7} {'reports/s':>10} {'readers/s':>10} "
          f"{'peak RSS MB':>12} {'pdfplumber tables/s':>20} {'speed-up':>9} {'s/page':>7}")
    for fmt in args.formats.split(","):
        output = subprocess.run(["taskset", "-c", str(cpu), sys.executable, __file__, "--child", fmt,
                                 "--documents", str(args.documents)],
                                env=env, capture_output=True, text=True, check=True).stdout
        r = json.loads(output.strip().splitlines()[-1])
        bare = r.get("pdfplumber_extract_tables_per_s")
        bare_text = f"{bare:.1f} ({r.get('pages')} pages)" if bare else "-"
        ratio_text = f"{r['reports_per_s'] / bare:.1f}x" if bare else "-"
        print(f"{fmt:<12} {r['documents']:>5} {r['ok']:>4} {r['bytes_avg'] / 1024:>7.1f} {r['reports_per_s']:>10.1f} "
              f"{r['readers_per_s']:>10.1f} {r['peak_rss_mb']:>12.0f} {bare_text:>20} {ratio_text:>9} "
              f"{r.get('seconds_per_page', 0):>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
