"""The in-browser part of `make bench`: a large opportunities export in a real browser.

What it measures, against a fresh ``streamlit run`` server and Debian's Chromium (headless),
as one user would meet the app (the demo first, then their own files):

1. **Upload.** On the Data page, ``people.csv``, ``quotas.csv`` and ``opportunities.csv`` (1,000,000
   rows in the 100% folder) are handed to the exports' uploader together: on the demo an upload
   replaces the demo, and without the roster owners resolve to no manager.

   * *choose → recognised*: from ``set_input_files`` until the run that shows the recognised
     files (the "Load 3 file(s)" button) has finished. Includes the browser-to-server transfer,
     reported on its own as *transfer* (the last ``/_stcore/upload_file`` request finished).
   * *Load → report*: from the click on Load until the run that shows the validation report
     has finished (the import run plus its ``st.rerun``).
   * *choose → report*: the two added (the user's pause before clicking Load left out; with the
     harness's own pause, ~0.5 s, it is ``choose_to_report_wall_s`` in each run's numbers).

   The report is checked: the opportunities file's rows read equal the rows in the file,
   loaded + rejected = read for every file, and no ``stException`` is on the page.
2. **Managers.** The Managers page's first visit after the load (sidebar link click to run
   finished), then a realistic single filter change in the sidebar: one region picked in the
   Region multiselect (each region in turn), and back to all regions, each until the page's run
   finished. Medians are reported.
3. **Server memory** (RSS, MB): at start, before the upload, the peak during upload + import
   (the kernel's exact high-water mark, ``VmHWM``, reset just before the upload through
   ``/proc/PID/clear_refs``; the 1 s samples' peak beside it), right after the report, and after
   the Managers page and the filter changes.

Run times come from :mod:`benchmarks.loadtest`'s script-state observer (a MutationObserver on
``data-test-script-state``): from the action until the app reports the run finished, not
counting the 300 ms quiet period that confirms no rerun follows.

``python -m benchmarks.browser --folder benchmarks/out/largeorg-10pct`` (default: the 100%
folder; ``--repeats N`` runs the whole sequence N times, each against a fresh server; ``--json``).
Speed is never asserted: this is a benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

from benchmarks.loadtest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MB,
    Sampler,
    Session,
    SessionFailed,
    free_port,
    start_server,
    stop_server,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = ROOT / "benchmarks" / "out" / "largeorg-100pct"
FILES = ("people.csv", "quotas.csv", "opportunities.csv")
REGIONS = ("EMEA", "APAC", "North America")
TIMEOUT_S = 1800.0
TTL_S = 120

HEADLINE = re.compile(r"^(?P<file>.+?): (?P<read>[\d,]+) rows read · (?P<loaded>[\d,]+) loaded · "
                      r"(?P<rejected>[\d,]+) rejected")

#: A recognised file's card on the Data page: "people.csv: <shape> → People, 2,220 rows".
RECOGNISED = re.compile(r"(?P<file>[^\s:]+\.\w+): .+ → (?P<table>.+), (?P<rows>[\d,]+) rows")


# ----------------------------------------------------------------------------- server memory
def _tree_pids(pid: int) -> list[int]:
    import psutil
    try:
        p = psutil.Process(pid)
        return [pid, *(c.pid for c in p.children(recursive=True))]
    except psutil.NoSuchProcess:
        return []


def reset_peak_rss(pid: int) -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) of the server and its children (Linux >= 4.0)."""
    ok = True
    for p in _tree_pids(pid):
        try:
            Path(f"/proc/{p}/clear_refs").write_text("5")
        except OSError:
            ok = False
    return ok


def peak_rss_mb(pid: int) -> float | None:
    """Sum over the server and its children of each process's peak RSS since the last reset."""
    total = 0
    for p in _tree_pids(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        m = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if not m:
            return None
        total += int(m.group(1)) * 1024
    return total / MB


# ----------------------------------------------------------------------------- the browser side
class BenchSession(Session):
    """:class:`benchmarks.loadtest.Session` with the upload split into its two waits, the
    report's numbers read back, and sidebar filter changes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.uploads_done: list[float] = []  # time.monotonic() when an upload_file request finished

    async def start(self) -> None:
        await super().start()
        self.page.on("requestfinished",
                     lambda req: self.uploads_done.append(time.monotonic()) if "/_stcore/upload_file" in req.url
                     and req.method == "PUT" else None)

    async def timed_upload(self, data_path: str) -> dict:
        page = self.page
        if await page.evaluate("() => location.pathname.replace(/\\/+$/, '')") != data_path:
            await self.visit("Data", data_path)
        self.uploads_done.clear()
        mark_upload = await self._mark()
        t_py = time.monotonic()
        await page.locator("[data-testid='stFileUploaderDropzoneInput'][multiple]").first.set_input_files(
            [str(f) for f in self.files], timeout=self.timeout_ms)
        set_files_s = time.monotonic() - t_py
        button = page.get_by_role("button", name=re.compile(rf"^Load {len(self.files)} files? into the workspace$"))
        try:
            await button.wait_for(state="visible", timeout=self.timeout_ms)
        except Exception as exc:
            raise SessionFailed(await self._describe(f"upload: no Load button: {type(exc).__name__}", exc)) from None
        recognised_s = await self._wait_run("upload", data_path, mark_upload)
        transfer_s = (max(self.uploads_done) - t_py) if self.uploads_done else float("nan")
        recognised = {}
        for text in await page.locator("[data-testid='stAlertContentSuccess']").all_inner_texts():
            m = RECOGNISED.search(text.strip())
            if m:
                recognised[m["file"]] = {"as": m["table"], "rows": int(m["rows"].replace(",", ""))}
        if await button.is_disabled():
            cards = await page.locator("[data-testid='stAlert']").all_inner_texts()
            raise SessionFailed("upload: the Load button is disabled: " + " | ".join(c.strip()[:150] for c in cards))

        mark_load = await self._mark()
        try:
            await button.click(timeout=self.timeout_ms)
        except Exception as exc:
            raise SessionFailed(await self._describe(f"click Load: {type(exc).__name__}", exc)) from None
        load_s = await self._wait_run("load", data_path, mark_load)
        report = await self.read_report()
        return {
            "choose_to_recognised_s": recognised_s,
            "transfer_s": transfer_s,
            "set_input_files_call_s": set_files_s,
            "load_to_report_s": load_s,
            "choose_to_report_s": recognised_s + load_s,
            # with the harness's own gap before the click (the 300 ms quiet period, the checks)
            "choose_to_report_wall_s": (mark_load[1] - mark_upload[1]) / 1000 + load_s,
            "recognised": recognised,
            "report": report,
        }

    async def read_report(self) -> dict[str, dict[str, int]]:
        """The validation report's per-file headlines: rows read, loaded and rejected."""
        page = self.page
        try:
            await page.get_by_role("heading", name="Validation report").wait_for(timeout=15_000)
        except Exception:
            alerts = await page.locator("[data-testid='stAlert']").all_inner_texts()
            raise SessionFailed("load: no validation report (alerts: "
                                + (" | ".join(a.strip()[:150] for a in alerts[:3]) or "none") + ")") from None
        out: dict[str, dict[str, int]] = {}
        lines = page.get_by_text(re.compile(r"^.+: [\d,]+ rows read · [\d,]+ loaded · [\d,]+ rejected"))
        for text in await lines.all_inner_texts():
            m = HEADLINE.match(text.strip())
            if m:
                out[m["file"]] = {k: int(m[k].replace(",", "")) for k in ("read", "loaded", "rejected")}
        return out

    def _region_box(self):
        region = self.page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Region")
        return region, region.get_by_role("combobox")

    async def set_region(self, value: str | None, path: str) -> float:
        """Pick one region in the sidebar, or (``None``) remove the picked one by its tag's x,
        back to all regions; the page's run time after the change."""
        region, box = self._region_box()
        if value is None:
            remove = region.locator("[data-tag] button[aria-label^='Remove ']")
            await remove.first.wait_for(timeout=self.timeout_ms)
            mark = await self._mark()
            await remove.first.click()
        else:
            await box.click()
            await box.fill(value)
            option = self.page.get_by_role("option", name=value, exact=True)
            await option.wait_for(timeout=self.timeout_ms)
            mark = await self._mark()
            await option.click()
        took = await self._wait_run(f"region {value or 'all'}", path, mark)
        if value is not None:
            await box.press("Escape")  # the list stays open after a pick
        tags = await region.locator("[data-tag] span[title]").all_inner_texts()
        want = [value] if value else []
        if [t.strip() for t in tags] != want:
            raise SessionFailed(f"region filter: expected {want}, the multiselect shows {tags}")
        return took


# ----------------------------------------------------------------------------- one run
def _rows_in(path: Path) -> int:
    n = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
    return n - 1


async def _drive(url: str, files: list[Path], timeout_s: float, server_pid: int, sampler: Sampler) -> dict:
    out: dict = {"rss_mb": {}}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        s = BenchSession("browser-bench", context, url, timeout_s, files)
        try:
            await s.start()
            await s.open()
            out["open_demo_s"] = s.r.open_s[-1]
            links = dict(await s.sidebar_links())
            for title in ("Data", "Managers"):
                if title not in links:
                    raise SessionFailed(f"no {title} page in the sidebar")
            await s.visit("Data", links["Data"])
            out["data_page_s"] = s.r.page_s["Data"][-1]
            await asyncio.sleep(1.5)  # a settled sample or two before the upload
            out["rss_mb"]["before_upload"] = sampler.rss_mb()

            reset_peak_rss(server_pid)
            t0 = time.monotonic()
            out.update(await s.timed_upload(links["Data"]))
            t1 = time.monotonic()
            out["rss_mb"]["peak_upload_import"] = peak_rss_mb(server_pid)
            out["rss_mb"]["peak_upload_import_sampled"] = max(
                (x[1] for x in sampler.between(t0, t1 + 1)), default=float("nan"))
            out["rss_mb"]["after_report"] = sampler.rss_mb()

            await s.visit("Managers", links["Managers"])
            out["managers_first_visit_s"] = s.r.page_s["Managers"][-1]
            empty = await s.page.get_by_text("No managers in scope").count()
            out["managers_computed"] = not empty
            picks, clears = {}, []
            for region in REGIONS:
                picks[region] = await s.set_region(region, links["Managers"])
                clears.append(await s.set_region(None, links["Managers"]))
            out["filter_pick_region_s"] = picks
            out["filter_all_regions_s"] = clears
            await asyncio.sleep(1.5)
            out["rss_mb"]["after_managers"] = sampler.rss_mb()
            out["rss_mb"]["peak_since_start_of_import"] = peak_rss_mb(server_pid)
            out["error_alerts"] = s.r.error_alerts
            out["unobserved_runs"] = s.r.unobserved_runs
        except SessionFailed as exc:
            out["failure"] = str(exc)
        except Exception as exc:
            out["failure"] = await s._describe(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        finally:
            try:
                await context.close()
            finally:
                await browser.close()
    return out


def _check_report(run: dict, expected_rows: int) -> list[str]:
    problems = []
    report = run.get("report") or {}
    recognised = run.get("recognised") or {}
    for name in FILES:
        if name not in recognised:
            problems.append(f"{name}: not shown as recognised after the upload")
        if name not in report:
            problems.append(f"{name}: no line in the validation report")
    for name, r in report.items():
        if r["loaded"] + r["rejected"] != r["read"]:
            problems.append(f"{name}: loaded {r['loaded']:,} + rejected {r['rejected']:,} != read {r['read']:,}")
        if r["loaded"] <= 0:
            problems.append(f"{name}: nothing loaded")
    opp = report.get("opportunities.csv")
    if "opportunities.csv" in recognised and recognised["opportunities.csv"]["rows"] != expected_rows:
        problems.append(f"opportunities.csv: recognised with {recognised['opportunities.csv']['rows']:,} rows, "
                        f"the file has {expected_rows:,}")
    if opp and opp["read"] != expected_rows:
        problems.append(f"opportunities.csv: {opp['read']:,} rows read, the file has {expected_rows:,}")
    if run.get("managers_computed") is False:
        problems.append("Managers: no managers in scope")
    if run.get("error_alerts"):
        problems.append(f"{run['error_alerts']} error message(s) on the pages")
    return problems


def measure_one(folder: Path, timeout_s: float = TIMEOUT_S, server_log: Path | None = None) -> dict:
    """One run: a fresh server, one browser session, upload + load, Managers and filters."""
    files = [folder / name for name in FILES]
    for f in files:
        if not f.exists():
            raise FileNotFoundError(f)
    expected = _rows_in(folder / "opportunities.csv")
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        log_path = Path(tmp) / "streamlit.log"
        port = free_port()
        proc = start_server(port, TTL_S, log_path)
        sampler = Sampler(proc.pid, log_path)
        sampler.start()
        try:
            time.sleep(1.5)
            at_start = sampler.rss_mb()
            load_before = os.getloadavg()[0]
            run = asyncio.run(_drive(f"http://127.0.0.1:{port}", files, timeout_s, proc.pid, sampler))
            run["rss_mb"] = {"at_start": at_start, **run["rss_mb"]}
        finally:
            try:
                sampler.stop()
            finally:
                stop_server(proc)
            log = log_path.read_text(errors="replace")
            if server_log:
                shutil.copy(log_path, server_log)
    # the machine is shared (2 cores here): how busy it was says how far to trust the seconds
    run["machine"] = {"cpus": os.cpu_count(), "load_avg_1min_before": load_before,
                      "load_avg_1min_after": os.getloadavg()[0],
                      "cpu_pct_mean": statistics.mean(x[4] for x in sampler.samples) if sampler.samples else None}
    run["server_tracebacks"] = log.count("Traceback")
    run["problems"] = _check_report(run, expected) if "failure" not in run else [run["failure"]]
    if run["server_tracebacks"]:
        run["server_log_tail"] = log[-3000:]
    return run


def _median(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def measure_browser(folder: Path, repeats: int = 1, timeout_s: float = TIMEOUT_S,
                    server_log: Path | None = None) -> dict:
    """Upload + load of ``folder``'s people, quotas and opportunities exports in a real browser,
    then the Managers page and sidebar filter changes; ``repeats`` runs, each on a fresh server.

    Seconds and MB; medians over the runs (and, for filter changes, over the changes too), with
    each run's own numbers under ``runs``."""
    folder = Path(folder)
    runs = []
    for _ in range(repeats):
        runs.append(measure_one(folder, timeout_s, server_log))
    ok = runs  # a failed run still reports what it measured before it failed

    def med(key: str) -> float:
        return _median([r[key] for r in ok if key in r])

    opp = folder / "opportunities.csv"
    return {
        "folder": str(folder),
        "opportunities_rows": _rows_in(opp),
        "upload_mb": sum((folder / n).stat().st_size for n in FILES) / MB,
        "opportunities_mb": opp.stat().st_size / MB,
        "repeats": repeats,
        "failed_runs": sum(1 for r in runs if "failure" in r),
        "open_demo_s": med("open_demo_s"),
        "choose_to_recognised_s": med("choose_to_recognised_s"),
        "transfer_s": med("transfer_s"),
        "load_to_report_s": med("load_to_report_s"),
        "choose_to_report_s": med("choose_to_report_s"),
        "managers_first_visit_s": med("managers_first_visit_s"),
        "filter_pick_region_s": _median([t for r in ok for t in r.get("filter_pick_region_s", {}).values()]),
        "filter_all_regions_s": _median([t for r in ok for t in r.get("filter_all_regions_s", [])]),
        "rss_mb": {k: _median([r["rss_mb"].get(k, float("nan")) for r in ok]) for k in
                   ("at_start", "before_upload", "peak_upload_import", "peak_upload_import_sampled",
                    "after_report", "after_managers")},
        "report": ok[-1].get("report") if ok else None,
        "problems": sorted({p for r in runs for p in r["problems"]}),
        "runs": runs,
    }


# ----------------------------------------------------------------------------- the table
def print_report(res: dict) -> None:
    m = res["rss_mb"]
    f = lambda v: f"{v:,.2f} s" if v == v else "—"  # noqa: E731
    mb = lambda v: f"{v:,.0f} MB" if v is not None and v == v else "—"  # noqa: E731
    picks = [t for r in res["runs"] for t in r.get("filter_pick_region_s", {}).values()]
    rows = [
        ("data", f"{res['folder']}: opportunities {res['opportunities_rows']:,} rows ({res['opportunities_mb']:.1f} MB)"
                 f" + people + quotas = {res['upload_mb']:.1f} MB uploaded"),
        ("runs", f"{res['repeats']} (fresh server each; medians), {res['failed_runs']} failed"),
        ("open the app (demo)", f(res["open_demo_s"])),
        ("choose files → recognised", f"{f(res['choose_to_recognised_s'])}  (of which transfer to the server "
                                      f"{f(res['transfer_s'])})"),
        ("click Load → report", f(res["load_to_report_s"])),
        ("choose files → report", f(res["choose_to_report_s"])),
        ("Managers, first visit", f(res["managers_first_visit_s"])),
        ("filter: pick one region", f"{f(res['filter_pick_region_s'])} median of {len(picks)}"
                                    + (f" ({', '.join(f'{t:.2f}' for t in picks)})" if picks else "")),
        ("filter: back to all", f(res["filter_all_regions_s"])),
        ("server RSS at start", mb(m["at_start"])),
        ("server RSS before upload", mb(m["before_upload"]) + "  (demo opened, Data page shown)"),
        ("server RSS peak, import", f"{mb(m['peak_upload_import'])}  (VmHWM; 1 s samples' peak "
                                    f"{mb(m['peak_upload_import_sampled'])})"),
        ("server RSS after report", mb(m["after_report"])),
        ("server RSS after Managers", mb(m["after_managers"]) + "  (and the filter changes)"),
    ]
    for name, r in (res["runs"][-1].get("recognised") or {}).items():
        rows.append((f"  recognised: {name}", f"{r['as']}, {r['rows']:,} rows"))
    if res["report"]:
        for name, r in res["report"].items():
            rows.append((f"  report: {name}", f"{r['read']:,} read · {r['loaded']:,} loaded · {r['rejected']:,} rejected"))
    load = [r["machine"] for r in res["runs"] if "machine" in r]
    if load:
        rows.append(("machine", f"{load[0]['cpus']} CPUs; 1-min load average "
                                + ", ".join(f"{x['load_avg_1min_before']:.1f}→{x['load_avg_1min_after']:.1f}" for x in load)
                                + " per run (above the CPU count, other work competed for the cores)"))
    rows.append(("checks", "OK" if not res["problems"] else "; ".join(res["problems"])))
    width = max(len(k) for k, _ in rows) + 2
    print("\nIn the browser")
    print("-" * 100)
    for k, v in rows:
        print(f"{k:<{width}}{v}")
    print("-" * 100)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folder", type=Path, default=DEFAULT_FOLDER,
                    help="a benchmarks.largeorg output folder (default: the 100%% one)")
    ap.add_argument("--repeats", type=int, default=1, help="whole runs, each on a fresh server (default 1)")
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S, help="longest wait for one run, s")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--server-log", type=Path, help="keep the (last) server log here")
    args = ap.parse_args(argv)
    res = measure_browser(args.folder, args.repeats, args.timeout, args.server_log)
    print_report(res)
    for r in res["runs"]:
        if r.get("server_log_tail"):
            print("\n--- end of a server log ---\n" + r["server_log_tail"], file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if not res["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
