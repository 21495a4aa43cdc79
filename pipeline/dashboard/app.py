"""The gongkai dashboard (Streamlit). Run it with `gongkai dashboard`.

Four pages: the national overview, a region drill-down (province → county → town), one report as
printed, and portal health. Every label of the template comes from the warehouse (core_cell and
core_row_label); every number from the SQL files in sql/dashboard/.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from pipeline.dashboard import data


def metric_row(items: list[tuple[str, object]]) -> None:
    for column, (label, value) in zip(st.columns(len(items)), items):
        column.metric(label, "—" if value is None else value)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


LEVELS = {"province": "省", "city": "市", "county": "县级", "town": "乡镇", "sub-district": "街道", "department": "部门"}


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:,.2f}"
    return str(value)


def table(frame: pl.DataFrame, labels: dict[str, str]) -> None:
    """A plain HTML table with numbers as printed text (no 42.0), columns renamed to Chinese headings."""
    shown = frame.select([c for c in labels if c in frame.columns])
    shown = shown.with_columns(
        pl.col(c).map_elements(number, return_dtype=pl.Utf8, skip_nulls=False) if shown[c].dtype.is_numeric()
        else pl.col(c).cast(pl.Utf8) for c in shown.columns
    ).fill_null("")
    st.table(shown.rename({k: v for k, v in labels.items() if k in shown.columns}).to_pandas())


def coverage_note(row: dict) -> str:
    """The like-for-like comparison in plain Chinese (the view's coverage_note is for analysts)."""
    both, now, before = row["same_publishers_count"], row["publishers_count"], row["prior_publishers_count"]
    if both == 0:
        return "两年没有相同的发布机关，不可比"
    if both == now == before:
        return "两年发布机关相同"
    return f"覆盖范围变化：新增 {now - both} 个、不再发布 {before - both} 个机关，按两年都发布的 {both} 个比较"


def overview() -> None:
    st.title("全国概览")
    totals = data.query("overview_totals").row(0, named=True)
    metric_row([
        ("收到报告", totals["reports_count"]),
        ("成功解析", totals["parsed_reports_count"]),
        ("有报告的县级地区", totals["counties_reporting_count"]),
        ("登记门户覆盖的县级地区", totals["counties_expected_count"]),
        ("算术校验未通过的报告", totals["failing_reports_count"]),
    ])
    st.caption(f"最近一次装载：{totals['last_load_at']}")
    trend = data.query("overview_trend")
    if trend.height:
        st.subheader("趋势（旁附覆盖范围）")
        left, right = st.columns(2)
        chart = trend.select(pl.col("report_year").cast(pl.Utf8).alias("年度"),
                             pl.col("new_received_count").alias("本年新收申请"),
                             pl.col("total_processed_count").alias("办理总计"))
        left.caption("申请数量")
        left.line_chart(chart.to_pandas(), x="年度")
        coverage = trend.select(pl.col("report_year").cast(pl.Utf8).alias("年度"),
                                pl.col("reports_count").alias("报告数"),
                                pl.col("counties_reporting_count").alias("有报告的县级地区"))
        right.caption("覆盖范围：同一年度的报告数与县级地区数")
        right.bar_chart(coverage.to_pandas(), x="年度", stack=False)
    years = data.query("report_years")["report_year"].to_list()
    if not years:
        st.info("仓库中还没有成功解析的报告。")
        return
    year = st.selectbox("年度", years, key="overview_year")
    left, right = st.columns(2)
    shares = data.query("outcome_shares", year=year)
    left.subheader(f"{year}年 办理结果占比")
    left.bar_chart(shares.select(pl.col("outcome_label").alias("办理结果"), pl.col("share").alias("占比")).to_pandas(),
                   x="办理结果", y="占比", horizontal=True, sort=False)
    coverage = data.query("province_coverage", year=year)
    right.subheader(f"{year}年 各省覆盖范围")
    right.bar_chart(coverage.select(pl.col("province_name").alias("省份"),
                                    pl.col("counties_reporting_count").alias("有报告的县级地区"),
                                    pl.col("counties_expected_count").alias("登记门户覆盖的县级地区")).to_pandas(),
                    x="省份", stack=False)
    table(coverage, {"province_name": "省份", "reports_count": "报告数", "counties_reporting_count": "有报告的县级地区",
                     "counties_expected_count": "登记门户覆盖", "new_received_count": "本年新收申请"})


def regions() -> None:
    st.title("地区")
    provinces = data.query("provinces")
    if not provinces.height:
        st.info("仓库中还没有成功解析的报告。")
        return
    names = dict(zip(provinces["province_name"], provinces["province_code"]))
    province = st.selectbox("省份", list(names), key="province")
    trend = data.query("province_trend", province_code=names[province])
    st.subheader(f"{province} 趋势（旁附覆盖范围）")
    left, right = st.columns(2)
    left.line_chart(trend.select(pl.col("report_year").cast(pl.Utf8).alias("年度"),
                                 pl.col("new_received_count").alias("本年新收申请")).to_pandas(), x="年度")
    right.bar_chart(trend.select(pl.col("report_year").cast(pl.Utf8).alias("年度"),
                                 pl.col("reports_count").alias("报告数"),
                                 pl.col("counties_reporting_count").alias("有报告的县级地区")).to_pandas(), x="年度", stack=False)
    years = trend["report_year"].sort(descending=True).to_list()
    year = st.selectbox("年度", years, key="region_year")
    counties = data.query("province_counties", province_code=names[province], year=year)
    st.subheader(f"{province} {year}年 县级地区排名")
    table(counties.with_columns(pl.col("denied_share").map_elements(percent, return_dtype=pl.Utf8)),
          {"province_rank": "省内排名", "county_name": "县级地区", "reports_count": "报告数", "publishers_count": "发布机关数",
           "new_received_count": "本年新收申请", "total_processed_count": "办理总计", "denied_share": "不予公开占比"})
    if not counties.height:
        return
    county_names = dict(zip(counties["county_name"], counties["county_code"]))
    county = st.selectbox("县级地区", list(county_names), key="county")
    yoy = data.query("county_year_over_year", county_code=county_names[county])
    st.subheader(f"{county} 同比（仅比较两年都发布报告的机关）")
    yoy = yoy.with_columns(pl.Series("coverage_note", [coverage_note(r) for r in yoy.iter_rows(named=True)], dtype=pl.Utf8))
    table(yoy.with_columns(pl.col("new_received_change_ratio").map_elements(percent, return_dtype=pl.Utf8)),
          {"report_year": "年度", "prior_report_year": "对比年度", "same_publishers_count": "两年都发布的机关",
           "prior_new_received_count": "上年新收", "new_received_count": "本年新收", "new_received_change_count": "变化",
           "new_received_change_ratio": "变化率", "coverage_note": "覆盖说明"})
    towns = data.query("county_towns", county_code=county_names[county])
    st.subheader(f"{county} 下辖乡镇与机关")
    table(towns.with_columns(pl.col("region_level").replace(LEVELS)), {"report_year": "年度", "region_name": "地区", "region_level": "层级", "reports_count": "报告数",
                  "new_received_count": "本年新收申请", "total_processed_count": "办理总计"})
    town_rows = towns.filter(pl.col("region_level") == "town").unique("division_code", maintain_order=True)
    if town_rows.height:
        town_codes = dict(zip(town_rows["region_name"], town_rows["division_code"]))
        town = st.selectbox("乡镇", list(town_codes), key="town")
        st.subheader(f"{town} 同比")
        table(data.query("town_trend", division_code=town_codes[town])
              .with_columns(pl.col("new_received_change_ratio").map_elements(percent, return_dtype=pl.Utf8)),
              {"report_year": "年度", "prior_report_year": "对比年度", "publisher_name": "发布机关",
               "prior_year_new_received_count": "上年新收", "new_received_count": "本年新收",
               "new_received_change_count": "变化", "new_received_change_ratio": "变化率"})


def report() -> None:
    st.title("报告")
    reports = data.query("reports")
    if not reports.height:
        st.info("仓库中还没有报告。")
        return
    choices = {f"{r['publisher_name']} {r['report_year'] or ''} ({r['parse_status']})": r["report_id"]
               for r in reports.iter_rows(named=True)}
    wanted = st.query_params.get("report")
    keys = list(choices)
    index = next((i for i, k in enumerate(keys) if choices[k] == wanted), 0)
    picked = st.selectbox("报告", keys, index=index, key="report_pick")
    report_id = choices[picked]
    st.query_params["report"] = report_id
    summary = data.query("report_summary", report_id=report_id).row(0, named=True)
    st.subheader(summary["title"] or picked)
    metric_row([
        ("完整度", percent(summary["completeness"])),
        ("单元格", summary["cells_count"]),
        ("存疑单元格", summary["uncertain_cells_count"]),
        ("校验", summary["checks_count"]),
        ("未通过校验", summary["failed_checks_count"]),
    ])
    st.markdown(f"原文：[{summary['source_url']}]({summary['source_url']})")
    sha256 = summary["document_sha256"]
    archived = data.archived_copy(sha256)
    if archived:
        location, content = archived
        st.download_button("下载存档副本", content, file_name=f"{sha256}.{summary['document_format'] or 'bin'}")
        st.caption(f"存档：{location}")
    else:
        st.caption(f"存档：archive/blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}（此处未配置存档，设置 GONGKAI_ARCHIVE_ROOT 或 --data-dir）")
    if summary["parse_status"] != "ok":
        st.warning(f"{summary['parse_status']}: {summary['parse_error']}")
    facts = data.query("report_facts", report_id=report_id)
    for family in facts["family"].unique(maintain_order=True):
        cells = facts.filter(pl.col("family") == family)
        printed = cells.with_columns(
            pl.when(pl.col("is_uncertain")).then(pl.col("raw_text") + "？").otherwise(pl.col("raw_text")).alias("text"))
        grid = printed.pivot(on="col_label", index=["row_order", "row_label"], values="text", aggregate_function="first",
                             sort_columns=False).sort("row_order").drop("row_order").rename({"row_label": "项目"})
        st.subheader(cells["family_label"][0])
        st.table(grid.to_pandas())
    checks = data.query("report_checks", report_id=report_id)
    st.subheader("模板算术校验")
    table(checks.with_columns(pl.col("ok").replace_strict({True: "通过", False: "未通过"}, return_dtype=pl.Utf8)),
          {"ok": "结果", "check_name": "校验", "row_label": "行", "col_label": "列", "expected": "应为", "actual": "实为",
           "detail": "算式"})


def portal_health() -> None:
    st.title("门户健康")
    outcomes = data.query("portal_outcomes")
    metric_row([(row["outcome"], row["portals_count"]) for row in outcomes.iter_rows(named=True)] or [("门户", 0)])
    st.bar_chart(outcomes.select(pl.col("outcome").alias("结果"), pl.col("portals_count").alias("门户数")).to_pandas(),
                 x="结果", sort=False)
    table(data.query("portal_health"), {"outcome": "结果", "portal_id": "门户", "division_code": "区划代码",
                                        "pages_fetched": "请求数", "documents_found": "报告数", "documents_new": "新报告",
                                        "detail": "说明"})


def main() -> None:
    st.set_page_config(page_title="gongkai 政府信息公开年度报告", layout="wide")
    pages = st.navigation([
        st.Page(overview, title="全国概览", url_path="overview", default=True),
        st.Page(regions, title="地区", url_path="region"),
        st.Page(report, title="报告", url_path="report"),
        st.Page(portal_health, title="门户健康", url_path="health"),
    ])
    pages.run()


main()
