"""Every label of the interface, in one dictionary: key -> (简体中文, English). Chinese is the default."""
from __future__ import annotations

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # --- app and navigation ---
    "app_title": ("基层党建态势看板", "Grassroots Party-Building Dashboard"),
    "page_overview": ("总览", "Overview"),
    "page_coverage": ("两新覆盖", "Coverage"),
    "page_outflow": ("流动党员", "Mobile members"),
    "page_services": ("便民服务", "Services"),
    "page_satisfaction": ("满意度", "Satisfaction"),
    "page_cadres": ("干部结构", "Cadres"),
    "page_township": ("乡镇画像", "Township profile"),
    "page_present": ("汇报模式", "Presentation"),
    "page_data": ("数据管理", "Data management"),
    "nav_group_main": ("态势", "Situation"),
    "nav_group_tools": ("工具", "Tools"),
    # --- global filters and status ---
    "filter_township": ("乡镇（街道）", "Township"),
    "filter_as_of": ("数据截至", "As of"),
    "filter_language": ("语言", "Language"),
    "all_district": ("全区", "Whole district"),
    "data_as_of": ("数据截至 {date}", "Data as of {date}"),
    "demo_badge": ("演示数据", "Demo data"),
    "demo_note": ("当前为系统生成的演示数据，不代表真实情况。", "This is generated demo data, not real figures."),
    "db_unavailable": ("无法连接数据库：{error}", "The database cannot be reached: {error}"),
    "db_unavailable_help": ("请检查 DATABASE_URL 设置，或运行 `make run` 生成演示数据库。",
                            "Check DATABASE_URL, or run `make run` to build the demo database."),
    "db_empty": ("数据库中还没有数据。请在“数据管理”页导入，或运行 `python -m lib.cli demo` 生成演示数据。",
                 "The database holds no data yet. Import files on the Data page, or run `python -m lib.cli demo`."),
    "back_to_district": ("返回全区", "Back to district"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "clear_selection": ("返回全区视图", "Back to district view"),
    # --- KPI names ---
    "kpi_townships_n": ("乡镇（街道）", "Townships"),
    "kpi_villages_n": ("村（社区）", "Villages/communities"),
    "kpi_party_orgs_n": ("基层党组织", "Party organizations"),
    "kpi_members_n": ("党员", "Party members"),
    "kpi_nonpublic_n": ("非公企业", "Non-public enterprises"),
    "kpi_nonpublic_with_org_n": ("已建党组织非公企业", "Enterprises with a party org"),
    "kpi_nonpublic_org_coverage_rate": ("非公企业党组织覆盖率", "Enterprise org coverage"),
    "kpi_nonpublic_work_coverage_rate": ("非公企业党的工作覆盖率", "Enterprise work coverage"),
    "kpi_social_orgs_n": ("社会组织", "Social organizations"),
    "kpi_social_org_coverage_rate": ("社会组织党组织覆盖率", "Social org coverage"),
    "kpi_should_build_not_built_n": ("应建未建（两新组织）", "Should build, not built"),
    "kpi_outflow_n": ("流动党员", "Outflow members"),
    "kpi_outflow_at_risk_n": ("失联风险", "At risk of lost contact"),
    "kpi_outflow_at_risk_rate": ("失联风险占比", "Share at risk"),
    "kpi_outflow_branches_n": ("流动党员党支部", "Outflow branches"),
    "kpi_tickets_n": ("本年受理工单", "Tickets this year"),
    "kpi_tickets_on_time_rate": ("按时办结率", "On-time rate"),
    "kpi_tickets_open_overdue_n": ("超期未办结", "Open and overdue"),
    "kpi_satisfaction_rate": ("群众满意率", "Satisfaction rate"),
    "kpi_satisfaction_basic_rate": ("满意及基本满意率", "Satisfied or fairly satisfied"),
    "kpi_cadres_n": ("科级干部", "Section-level cadres"),
    "kpi_cadres_40_or_younger_rate": ("40岁以下占比", "Aged 40 or younger"),
    "kpi_cadres_bachelor_plus_rate": ("本科以上占比", "Bachelor's or above"),
    "kpi_satisfaction_period": ("测评期次", "Survey period"),
    # --- overview page ---
    "overview_heading": ("{scope}基层党建态势", "Grassroots party building: {scope}"),
    "section_organization": ("组织与党员", "Organizations and members"),
    "section_coverage": ("两新组织覆盖", "Coverage of new organizations"),
    "section_outflow": ("流动党员管理", "Mobile members"),
    "section_services": ("便民服务", "Convenience services"),
    "section_satisfaction": ("群众满意度", "Satisfaction"),
    "section_cadres": ("干部队伍", "Cadres"),
    "vs_last_year": ("较上年同期", "vs. a year earlier"),
    "unchanged": ("持平", "unchanged"),
    "label_with_period": ("{label}（{period}）", "{label} ({period})"),
    "axis_with_unit": ("{label}（{unit}）", "{label} ({unit})"),
    "target_met": ("达到目标 {target}", "Target {target} met"),
    "target_missed": ("低于目标 {target}", "Below target {target}"),
    "limit_met": ("不超过 {limit}", "Within {limit}"),
    "limit_missed": ("超过控制值 {limit}", "Above limit {limit}"),
    "no_data": ("暂无数据", "No data"),
    "alerts": ("需要关注", "Needs attention"),
    "alert_should_build": ("{n} 家“两新”组织党员3人以上尚未建立党组织（应建未建）。",
                           "{n} organizations have 3+ formal members but no party organization."),
    "alert_overdue": ("{n} 件便民服务工单已超期仍未办结。", "{n} service tickets are open past their due date."),
    "alert_at_risk": ("{n} 名流动党员超过 {months} 个月未联系或无联系记录（失联风险）。",
                      "{n} outflow members have had no contact for over {months} months."),
    "alert_coverage": ("非公企业党组织覆盖率 {rate}，低于目标 {target}。", "Enterprise org coverage {rate} is below the {target} target."),
    "alert_satisfaction": ("{period} 群众满意率 {rate}，低于目标 {target}。", "Satisfaction in {period} is {rate}, below the {target} target."),
    "alert_none": ("各项指标均在目标范围内。", "Every indicator is within its target."),
    "ranking_title": ("乡镇（街道）排名", "Township ranking"),
    "ranking_metric": ("排名指标", "Rank by"),
    "ranking_ends": ("图中列出排名前 {n} 名和后 {n} 名的乡镇（另有 {rest} 个未列出）；完整排名见下方排名表和地图。",
                     "The chart lists the {n} best and the {n} worst townships ({rest} more not shown); the whole ranking is in the table below and on the map."),
    "ranking_caption": ("点击图中的乡镇查看该乡镇；表格按所选指标排序。", "Click a township in the chart to open its view; the table is sorted by the chosen indicator."),
    "rank_col": ("排名", "Rank"),
    "ranking_table_title": ("显示排名表：{metric}", "Show the ranking table: {metric}"),
    "map_approximate": ("乡镇边界为示意（按乡镇驻地划分的近似范围），可在 data/geo/ 放入官方边界文件替换。",
                        "Township boundaries are approximate (cells around township seats); put an official GeoJSON in data/geo/ to replace them."),
    "township_col": ("乡镇（街道）", "Township"),
    "rank_of": ("第 {rank}/{n}", "#{rank} of {n}"),
    "chart_ranking_title": ("各乡镇（街道）{metric}", "{metric} by township"),
    "target_line": ("目标 {target}", "Target {target}"),
    "caliber_coverage": ("口径：已建立党组织（含联合党组织）的非公企业 ÷ 非公企业总数，截至所选日期。",
                         "Definition: enterprises with their own or a joint party organization ÷ all non-public enterprises, at the chosen date."),
    "caliber_on_time": ("口径：本年受理、截至所选日期已办结或已超期的工单中，按时办结的比例。",
                        "Definition: of tickets received this year that are closed or past due at the chosen date, the share closed on time."),
    "caliber_satisfaction": ("口径：最近一期测评满意人数 ÷ 受访人数。", "Definition: satisfied ÷ respondents in the latest survey period."),
    "caliber_generic": ("口径：截至所选日期。", "Definition: at the chosen date."),
    "unit_percent": ("百分比", "percent"),
    "unit_count": ("数量", "count"),
    "kind_街道": ("街道", "Street"),
    "kind_镇": ("镇", "Town"),
    "kind_乡": ("乡", "Township"),
    # --- pages not built yet ---
    "coming_soon": ("本页正在建设中。", "This page is being built."),
}


def _merge_parts() -> None:
    """Add the labels of each area (lib/labels/<area>.py, a dict LABELS) into the one dictionary.

    A key defined twice is a bug, so it stops the import instead of silently winning.
    """
    import importlib
    import pkgutil

    from lib import labels

    for info in sorted(pkgutil.iter_modules(labels.__path__), key=lambda m: m.name):
        part = importlib.import_module(f"lib.labels.{info.name}").LABELS
        clash = sorted(set(part) & set(LABELS))
        if clash:
            raise KeyError(f"labels defined twice ({info.name}): {', '.join(clash)}")
        LABELS.update(part)


_merge_parts()


def t(key: str, lang: str = "zh", **values) -> str:
    """Return the label `key` in `lang`, formatted with `values`; unknown keys show as the key itself."""
    pair = LABELS.get(key)
    text = key if pair is None else pair[1 if lang == "en" else 0]
    return text.format(**values) if values else text
