"""Labels of the overview's KPI cards (ov_): which baseline a change uses, rank denominators, 口径 notes."""

LABELS = {
    # rank badge when only some townships have a value: 第 1/9（有流动党员的乡镇）
    "ov_rank_among": ("第 {rank}/{n}（{among}）", "#{rank} of {n} ({among})"),
    "ov_among_generic": ("有数据的乡镇", "townships with data"),
    "ov_among_nonpublic_org_coverage_rate": ("有非公企业的乡镇", "townships with enterprises"),
    "ov_among_nonpublic_work_coverage_rate": ("有非公企业的乡镇", "townships with enterprises"),
    "ov_among_social_org_coverage_rate": ("有社会组织的乡镇", "townships with social organizations"),
    "ov_among_tickets_on_time_rate": ("有已办结或到期工单的乡镇", "townships with tickets closed or due"),
    "ov_among_satisfaction_rate": ("有测评数据的乡镇", "townships surveyed"),
    "ov_among_satisfaction_basic_rate": ("有测评数据的乡镇", "townships surveyed"),
    "ov_among_outflow_at_risk_rate": ("有流动党员的乡镇", "townships with outflow members"),
    "ov_among_cadres_40_or_younger_rate": ("有科级干部的乡镇", "townships with section-level cadres"),
    # captions under the KPI board
    "ov_caliber_cards": ("口径：变化均为较上年同期（与一年前同一日期的数据相比；群众满意率为最近一期测评与一年前的最近一期相比）。"
                         "科级干部人数和学历为现有干部名册（名册无历史记录），不显示变化；年龄按所选日期计算，"
                         "40岁以下含40岁。",
                         "Definition: every change is against the same date a year earlier (satisfaction: the latest "
                         "survey against the latest survey a year earlier). Cadre head count and education are the "
                         "current roster (it keeps no history), so no change is shown; ages are computed at the chosen "
                         "date, and 40 or younger includes 40."),
    "ov_no_baseline": ("所选日期一年前（{day}）早于数据起始日期（{first}），无上年同期数据，不显示变化。",
                       "A year before the chosen date ({day}) lies before the first day of the data ({first}): "
                       "there is nothing to compare with, so no change is shown."),
    "ov_no_comparison": ("所选日期一年前（{day}）尚无以下数据，相关指标不显示较上年变化：{items}。",
                         "A year before the chosen date ({day}) there were no data yet for: {items}; their "
                         "indicators show no change."),
    "ov_family_since": ("{family}（数据始于 {first}）", "{family} (data from {first})"),
    "ov_list_sep": ("、", "; "),
    "ov_family_tickets": ("便民服务工单", "service tickets"),
    "ov_family_satisfaction": ("满意度测评", "satisfaction surveys"),
    "ov_family_organisations": ("党组织与覆盖", "party organisations and coverage"),
    "ov_family_members": ("党员", "party members"),
    "ov_family_outflow": ("流动党员", "outflow members"),
}
