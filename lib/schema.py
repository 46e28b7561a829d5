"""The data contract of DESIGN.md as SQLAlchemy Core tables.

Natural keys are primary keys (codes, 身份证号, 统一社会信用代码, 工单编号), so a re-import updates
rows instead of duplicating them. A few derived columns (ticket.due_at, ticket.received_month,
survey.period_end) are filled by `lib.rules` on every write path so queries stay portable SQL.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData,
    SmallInteger, String, Table, Text,
)

metadata = MetaData()

# Enumerations of the contract; importer synonyms map onto these values.
TOWNSHIP_KINDS = ("乡", "镇", "街道")
VILLAGE_KINDS = ("村", "社区")
ORG_CATEGORIES = ("党委", "党总支", "党支部", "联合党支部")
ORG_DOMAINS = ("农村", "社区", "机关", "事业单位", "国有企业", "非公企业", "社会组织", "流动党员")
ENTERPRISE_KINDS = ("非公企业", "社会组织")
GENDERS = ("男", "女")
EDUCATIONS = ("研究生", "大学本科", "大专", "中专", "高中", "初中及以下")
MEMBER_TYPES = ("正式", "预备")
TICKET_CHANNELS = ("窗口", "网上", "电话", "上门")
CADRE_RANKS = ("正处", "副处", "正科", "副科", "科员")
SECTION_RANKS = ("正科", "副科")  # 科级干部
BACHELOR_PLUS = ("大学本科", "研究生")  # 本科以上


def _in(column: str, values: tuple[str, ...]) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})")


township = Table(
    "township", metadata,
    Column("code", String(20), primary_key=True),  # 乡镇代码
    Column("name", String(60), nullable=False, unique=True),  # 乡镇名称
    Column("kind", String(4), nullable=False),  # 类型
    Column("lon", Float, nullable=True),  # 经度 (WGS-84)
    Column("lat", Float, nullable=True),  # 纬度 (WGS-84)
    _in("kind", TOWNSHIP_KINDS),
)

village = Table(
    "village", metadata,
    Column("code", String(20), primary_key=True),  # 村社区代码
    Column("name", String(60), nullable=False),  # 村社区名称
    Column("township_code", String(20), ForeignKey("township.code"), nullable=False),  # 所属乡镇
    Column("kind", String(4), nullable=False),  # 类型
    _in("kind", VILLAGE_KINDS),
    Index("ix_village_township", "township_code"),
)

party_org = Table(
    "party_org", metadata,
    Column("code", String(30), primary_key=True),  # 组织代码
    Column("name", String(120), nullable=False),  # 组织名称
    Column("category", String(8), nullable=False),  # 组织类别
    Column("domain", String(8), nullable=False),  # 所属领域
    Column("township_code", String(20), ForeignKey("township.code"), nullable=False),  # 所属乡镇
    Column("village_code", String(20), ForeignKey("village.code"), nullable=True),  # 所属村社区
    Column("parent_code", String(30), ForeignKey("party_org.code"), nullable=True),  # 上级组织代码
    Column("founded_on", Date, nullable=False),  # 成立日期
    Column("is_weak", Boolean, nullable=False, default=False),  # 是否软弱涣散
    _in("category", ORG_CATEGORIES),
    _in("domain", ORG_DOMAINS),
    Index("ix_party_org_township_founded", "township_code", "founded_on"),
    Index("ix_party_org_domain", "domain", "township_code"),
    Index("ix_party_org_founded", "founded_on"),
)

enterprise = Table(
    "enterprise", metadata,
    Column("credit_code", String(18), primary_key=True),  # 统一社会信用代码
    Column("name", String(120), nullable=False),  # 名称
    Column("kind", String(8), nullable=False),  # 类型
    Column("industry", String(40), nullable=False),  # 行业
    Column("township_code", String(20), ForeignKey("township.code"), nullable=False),  # 所属乡镇
    Column("employees_n", Integer, nullable=False),  # 从业人员数
    Column("members_n", Integer, nullable=False),  # 党员数(正式党员)
    Column("org_code", String(30), ForeignKey("party_org.code"), nullable=True),  # 党组织代码
    Column("instructor", String(60), nullable=True),  # 党建指导员
    Column("not_built_reason", Text, nullable=True),  # 未建原因
    _in("kind", ENTERPRISE_KINDS),
    CheckConstraint("employees_n >= 0 AND members_n >= 0"),
    Index("ix_enterprise_township_kind", "township_code", "kind"),
    # the 应建未建 list: enterprises of a kind without an organization, or with a given one
    Index("ix_enterprise_kind_org", "kind", "org_code", "members_n"),
)

member = Table(
    "member", metadata,
    Column("id_number", String(18), primary_key=True),  # 身份证号
    Column("name", String(40), nullable=False),  # 姓名
    Column("gender", String(2), nullable=False),  # 性别
    Column("birth_date", Date, nullable=False),  # 出生日期
    Column("education", String(10), nullable=False),  # 学历
    Column("joined_on", Date, nullable=False),  # 入党日期
    Column("member_type", String(4), nullable=False),  # 党员类型
    Column("org_code", String(30), ForeignKey("party_org.code"), nullable=False),  # 所属党组织代码
    Column("ethnicity", String(20), nullable=True),  # 民族
    Column("phone", String(20), nullable=True),  # 手机号
    _in("gender", GENDERS),
    _in("education", EDUCATIONS),
    _in("member_type", MEMBER_TYPES),
    Index("ix_member_org_joined", "org_code", "joined_on"),
    Index("ix_member_joined", "joined_on"),  # latest date in the data (max) without a scan
)

outflow = Table(
    "outflow", metadata,
    Column("id_number", String(18), primary_key=True),  # 身份证号
    Column("name", String(40), nullable=False),  # 姓名
    Column("township_code", String(20), ForeignKey("township.code"), nullable=False),  # 流出乡镇
    Column("dest_province", String(20), nullable=False),  # 流入省份
    Column("dest_city", String(30), nullable=False),  # 流入城市
    Column("out_on", Date, nullable=False),  # 流出日期
    Column("branch_code", String(30), ForeignKey("party_org.code"), nullable=True),  # 流动党员党支部代码
    Column("last_contact_on", Date, nullable=True),  # 最近联系日期
    Index("ix_outflow_township_out", "township_code", "out_on"),
    # covering the outflow KPIs: count and 失联风险 by township read from the index alone
    Index("ix_outflow_out_township_contact", "out_on", "township_code", "last_contact_on"),
    Index("ix_outflow_contact", "last_contact_on"),
    # covering the 流动党员 breakdowns (flows, destinations, townships, branches) in one narrow index scan
    Index("ix_outflow_breakdowns", "township_code", "dest_province", "dest_city", "out_on", "last_contact_on",
          "branch_code"),
)

ticket = Table(
    "ticket", metadata,
    Column("ticket_no", String(40), primary_key=True),  # 工单编号
    Column("township_code", String(20), ForeignKey("township.code"), nullable=False),  # 所属乡镇
    Column("village_code", String(20), ForeignKey("village.code"), nullable=True),  # 所属村社区
    Column("station", String(60), nullable=False),  # 服务站点
    Column("category", String(30), nullable=False),  # 事项类别
    Column("channel", String(4), nullable=False),  # 受理渠道
    Column("received_at", DateTime, nullable=False),  # 受理时间
    Column("due_days", Integer, nullable=False),  # 办结时限(天)
    Column("closed_at", DateTime, nullable=True),  # 办结时间
    Column("rating", SmallInteger, nullable=True),  # 满意度评价(1-5)
    # derived by lib.rules.ticket_derived: received_at + due_days, and 'YYYY-MM' of received_at
    Column("due_at", DateTime, nullable=False),
    Column("received_month", String(7), nullable=False),
    _in("channel", TICKET_CHANNELS),
    CheckConstraint("due_days >= 0"),
    CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)"),
    Index("ix_ticket_township_received", "township_code", "received_at"),
    Index("ix_ticket_received", "received_at"),
    Index("ix_ticket_open", "closed_at", "due_at"),
    # 乡镇画像 villages table: one township's villages' tickets read from the index alone
    Index("ix_ticket_village", "village_code", "received_at", "due_at", "closed_at"),
    # the as-of month's tickets of the 便民服务 breakdowns (lib.queries.services) read from the index alone
    Index("ix_ticket_received_dims", "received_at", "township_code", "category", "channel", "received_month",
          "closed_at"),
    Index("ix_ticket_closed_dims", "closed_at", "received_month", "category", "received_at"),
)

survey = Table(
    "survey", metadata,
    Column("period", String(6), primary_key=True),  # 测评期次, e.g. 2018Q3
    Column("township_code", String(20), ForeignKey("township.code"), primary_key=True),  # 所属乡镇
    Column("respondents_n", Integer, nullable=False),  # 受访人数
    Column("satisfied_n", Integer, nullable=False),  # 满意人数
    Column("basic_satisfied_n", Integer, nullable=False),  # 基本满意人数
    Column("dissatisfied_n", Integer, nullable=False),  # 不满意人数
    Column("period_end", Date, nullable=False),  # derived: last day of the quarter
    CheckConstraint("satisfied_n + basic_satisfied_n + dissatisfied_n <= respondents_n"),
    Index("ix_survey_period_end", "period_end"),
)

petition = Table(
    "petition", metadata,
    Column("month", String(7), primary_key=True),  # 月份, e.g. 2018-07
    Column("township_code", String(20), ForeignKey("township.code"), primary_key=True),  # 所属乡镇
    Column("petitions_n", Integer, nullable=False),  # 信访件数
    Column("resolved_n", Integer, nullable=False),  # 基层化解件数
    CheckConstraint("resolved_n <= petitions_n"),
)

cadre = Table(
    "cadre", metadata,
    Column("id_number", String(18), primary_key=True),  # 身份证号
    Column("name", String(40), nullable=False),  # 姓名
    Column("gender", String(2), nullable=False),  # 性别
    Column("birth_date", Date, nullable=False),  # 出生日期
    Column("education", String(10), nullable=False),  # 学历
    Column("rank", String(4), nullable=False),  # 职级
    Column("position", String(60), nullable=False),  # 现任职务
    Column("unit", String(80), nullable=False),  # 任职单位
    Column("township_code", String(20), ForeignKey("township.code"), nullable=True),  # 所属乡镇 (NULL: 区直)
    Column("ethnicity", String(20), nullable=True),  # 民族
    Column("appointed_on", Date, nullable=True),  # 任现职时间
    _in("gender", GENDERS),
    _in("education", EDUCATIONS),
    _in("rank", CADRE_RANKS),
    Index("ix_cadre_rank_township", "rank", "township_code"),
    # covering the section-level cadre KPIs and 干部结构 breakdowns (age, education, gender by township)
    Index("ix_cadre_rank_township_birth_edu_gender", "rank", "township_code", "birth_date", "education", "gender"),
)

# Bookkeeping: data version (bumped by every write), demo flag, per-table load times, import history.
meta = Table(
    "meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

table_load = Table(
    "table_load", metadata,
    Column("table_name", String(40), primary_key=True),
    Column("loaded_at", DateTime, nullable=False),
    Column("source", Text, nullable=False),  # 'demo' or the import file name
)

import_log = Table(
    "import_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("imported_at", DateTime, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("rows_json", Text, nullable=False),  # {"member": {"inserted": 3, "updated": 1}, ...}
    Column("imported_by", String(60), nullable=False),
)

# Tables of the data contract, in an order that satisfies foreign keys when loading.
CONTRACT_TABLES = (township, village, party_org, enterprise, member, outflow, ticket, survey, petition, cadre)

# Summary tables (lib.summaries): derived from the contract tables, never imported or edited by hand.
# ticket_daily: for each township and each day on which something happened to its tickets, running totals
# from which the ticket KPIs at any as-of date are read in one row per township (see lib.summaries).
ticket_daily = Table(
    "ticket_daily", metadata,
    Column("township_code", String(20), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("year", Integer, nullable=False),  # year of `day`: the *_ytd columns restart every year
    Column("received_ytd", Integer, nullable=False),  # received in year(day), on or before day
    Column("on_time_ytd", Integer, nullable=False),  # received in year(day), closed on time on or before day
    Column("settled_ytd", Integer, nullable=False),  # received in year(day), closed or past due on or before day
    Column("due_cum", Integer, nullable=False),  # any year: due on or before day
    Column("due_closed_cum", Integer, nullable=False),  # any year: due and closed on or before day
)
member_daily = Table(
    "member_daily", metadata,
    Column("township_code", String(20), primary_key=True),  # township of the member's organization
    Column("day", Date, primary_key=True),
    Column("members_cum", Integer, nullable=False),  # members who joined on or before day
)
# ticket_station_daily: like ticket_daily per (township, station), plus running totals of tickets received
# and of tickets received-and-closed (open at D = received_cum - recv_closed_cum); ticket_station lists the
# stations (the groups whose latest row is read).
ticket_station_daily = Table(
    "ticket_station_daily", metadata,
    Column("township_code", String(20), primary_key=True),
    Column("station", String(60), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("received_ytd", Integer, nullable=False),
    Column("on_time_ytd", Integer, nullable=False),
    Column("settled_ytd", Integer, nullable=False),
    Column("received_cum", Integer, nullable=False),  # any year: received on or before day
    Column("recv_closed_cum", Integer, nullable=False),  # any year: received and closed on or before day
    Column("due_cum", Integer, nullable=False),
    Column("due_closed_cum", Integer, nullable=False),
)
# ticket_town_daily: the same columns per township (tickets_by_township reads one row per township)
ticket_town_daily = Table(
    "ticket_town_daily", metadata,
    Column("township_code", String(20), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("received_ytd", Integer, nullable=False),
    Column("on_time_ytd", Integer, nullable=False),
    Column("settled_ytd", Integer, nullable=False),
    Column("received_cum", Integer, nullable=False),
    Column("recv_closed_cum", Integer, nullable=False),
    Column("due_cum", Integer, nullable=False),
    Column("due_closed_cum", Integer, nullable=False),
)
ticket_station = Table(
    "ticket_station", metadata,
    Column("township_code", String(20), primary_key=True),
    Column("station", String(60), primary_key=True),
)
# ticket_month_daily: per (township, received month) running totals over the event day: tickets received,
# on time, in the on-time base (event day: the later of receiving and the event), and ratings (closing day).
ticket_month_daily = Table(
    "ticket_month_daily", metadata,
    Column("township_code", String(20), primary_key=True),
    Column("received_month", String(7), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("received_cum", Integer, nullable=False),
    Column("on_time_cum", Integer, nullable=False),
    Column("settled_cum", Integer, nullable=False),
    Column("rated_cum", Integer, nullable=False),
    Column("rating_sum_cum", Integer, nullable=False),
    Column("high_cum", Integer, nullable=False),
)
# ticket_month_dim: tickets received per (township, received month, dim, value); dim is 'category',
# 'channel' or 'total' (value ''). Whole months come from here, a partial as-of month from the tickets.
ticket_month_dim = Table(
    "ticket_month_dim", metadata,
    Column("dim", String(10), primary_key=True),
    Column("received_month", String(7), primary_key=True),
    Column("township_code", String(20), primary_key=True),
    Column("value", String(30), primary_key=True),
    Column("received_n", Integer, nullable=False),
)
# ticket_close_hist: the whole area's (all townships) tickets closed, per category, received month, month of the
# later of receiving and closing, and close_days (read only for the all-townships scope; rebuilt whole).
ticket_close_hist = Table(
    "ticket_close_hist", metadata,
    Column("category", String(30), primary_key=True),
    Column("received_month", String(7), primary_key=True),
    Column("close_month", String(7), primary_key=True),
    Column("close_days", Integer, primary_key=True),
    Column("tickets_n", Integer, nullable=False),
)
# ticket_close_daily: the same histogram by day, for the as-of month when as_of is not a month's last day: tickets
# closed per year received, day of the later of receiving and closing, category and close_days (rebuilt whole).
ticket_close_daily = Table(
    "ticket_close_daily", metadata,
    Column("received_year", Integer, primary_key=True),
    Column("close_day", Date, primary_key=True),
    Column("category", String(30), primary_key=True),
    Column("close_days", Integer, primary_key=True),
    Column("tickets_n", Integer, nullable=False),
)
# ticket_day_dim: the whole area's tickets received per (dim, received day, value), with the received month
# (read for the all-townships scope: a window of days, not every township's months; rebuilt whole).
ticket_day_dim = Table(
    "ticket_day_dim", metadata,
    Column("dim", String(10), primary_key=True),
    Column("received_day", Date, primary_key=True),
    Column("value", String(30), primary_key=True),
    Column("received_month", String(7), nullable=False),
    Column("received_n", Integer, nullable=False),
)
# ticket_category_daily: per township and category, tickets received this year on or before each day on which
# one was received (the township x category heatmap reads one row per pair)
ticket_category_daily = Table(
    "ticket_category_daily", metadata,
    Column("township_code", String(20), primary_key=True),
    Column("category", String(30), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("received_ytd", Integer, nullable=False),
)
# ticket_dim_first: per township, dim and value, the day its first ticket was received (which categories
# exist by as_of, in one small read)
ticket_dim_first = Table(
    "ticket_dim_first", metadata,
    Column("township_code", String(20), primary_key=True),
    Column("dim", String(10), primary_key=True),
    Column("value", String(30), primary_key=True),
    Column("first_day", Date, nullable=False),
)

# Summaries of the small tables (cadres, "两新" organizations, outflow members; lib.small_summaries): events
# per group (a dim and its key columns; '' where a group is not split by that column) on the day they happen, kept
# three ways so that a count at any as-of date is read with index range scans only, never one seek per group:
# - <subject>_group: one row per group, its counts that do not depend on the date, its first and last event day and
#   its running totals on the last day (<count>_cum);
# - <subject>_monthly: running totals at the end of every month from the group's first event month to its last;
# - <subject>_daily: the counts of each day with events (<count>_n), keyed by day first: a few days of every group;
#   indexed by the day of the year too: the same few days of every year.
# A running total at D is the group's total when D is on or after its last day, else the total at the end of the
# month before D's month (D's own when D is a month's last day) plus the days after it up to D.


def _rollup_tables(subject: str, keys: list[Column], counts: list[str], static: list[str] = ()) -> tuple[Table, ...]:
    """Return the group, monthly and daily tables of a small-table summary (keys: the group key columns after dim)."""
    def key_columns():
        return [Column(k.name, k.type, primary_key=True) for k in keys]

    group = Table(f"{subject}_group", metadata, Column("dim", String(10), primary_key=True), *key_columns(),
                  *[Column(name, Integer, nullable=False) for name in static],
                  Column("first_day", Date, nullable=True), Column("last_day", Date, nullable=True),
                  *[Column(f"{c}_cum", Integer, nullable=False) for c in counts])
    monthly = Table(f"{subject}_monthly", metadata, Column("dim", String(10), primary_key=True),
                    Column("month_end", Date, primary_key=True), *key_columns(),
                    Column("month_of_year", Integer, nullable=False),  # 1-12: the month of month_end
                    *[Column(f"{c}_cum", Integer, nullable=False) for c in counts],
                    # the end of the same month in a run of years (the cut-offs of every age at one date)
                    Index(f"ix_{subject}_monthly_month_of_year", "dim", "month_of_year", "month_end"),
                    sqlite_with_rowid=False)
    daily = Table(f"{subject}_daily", metadata, Column("dim", String(10), primary_key=True),
                  Column("day", Date, primary_key=True), *key_columns(),
                  Column("month_day", Integer, nullable=False),  # 100 * month + day of `day`
                  *[Column(f"{c}_n", Integer, nullable=False) for c in counts],
                  # the same days of the year in every year (birthdays: the cut-offs of every age at one date)
                  Index(f"ix_{subject}_daily_month_day", "dim", "month_day"),
                  sqlite_with_rowid=False)
    return group, monthly, daily


# cadres by birth date (born by D: in view; aged a or more at D: born on or before D minus a years). section: 1 for
# 正科/副科, 0 for the other ranks. dims: 'age' (unit_type x gender), 'education' (value: education group), 'rank'
# (value: rank, x unit_type), 'township' (value: township code, '' for 区直, x unit_type). unit_type: 'township'
# (a township is set) or 'district' (区直). Counts: cadres, bachelor (大学本科 or 研究生).
cadre_group, cadre_monthly, cadre_daily = _rollup_tables(
    "cadre", [Column("section", Integer), Column("unit_type", String(10)), Column("gender", String(2)),
              Column("value", String(20))], ["cadres", "bachelor"])
# enterprises of a kind (非公企业, 社会组织) by the day their organization was founded. dims: 'township', 'industry',
# 'size' (value: size band), 'total' (value ''). Static: enterprises, with a party-building instructor, with 3+ formal
# members. Counts: covered (organization founded), covered with an instructor, covered with 3+ formal members.
coverage_group, coverage_monthly, coverage_daily = _rollup_tables(
    "coverage", [Column("kind", String(10)), Column("value", String(40))],
    ["covered", "covered_instructor", "covered_eligible"],
    ["enterprises_n", "instructor_n", "eligible_n"])
# outflow members by the day they left (members; in_branch: assigned to an outflow branch) and the day they became at
# risk of lost contact (失联风险: never contacted, or last contact more than outflow_contact_months before D; the
# months used are kept in meta). dims: 'township', 'province', 'city' (dest_province x dest_city), 'branch', 'total'
# (with cities and provinces: destinations reached, by the day the first member left for each).
outflow_group, outflow_monthly, outflow_daily = _rollup_tables(
    "outflow", [Column("township_code", String(20)), Column("dest_province", String(20)), Column("dest_city", String(30)),
                Column("branch_code", String(30))], ["members", "at_risk", "in_branch", "cities", "provinces"])
SMALL_SUMMARIES = (cadre_group, cadre_monthly, cadre_daily, coverage_group, coverage_monthly, coverage_daily,
                   outflow_group, outflow_monthly, outflow_daily)

SUMMARY_TABLES = (ticket_daily, member_daily, ticket_station_daily, ticket_town_daily, ticket_station, ticket_month_daily,
                  ticket_month_dim, ticket_close_hist, ticket_close_daily, ticket_day_dim, ticket_category_daily,
                  ticket_dim_first, *SMALL_SUMMARIES)
