"""Checking an import: recognise each sheet's entity, read every cell, check rows, keys and references.

Every problem found is collected (never stop at the first) with file, sheet, Excel row, column,
the value (masked when personal) and what to do. What is wrong and what to do are label messages
(`Msg`: a key of the one dictionary plus values), rendered in the reader's language when shown;
column headers, codes and cell values are data and stay as in the user's file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import Engine, select

from lib import idcodes, schema
from lib.i18n import t
from lib.importer import values as V
from lib.importer.contract import BY_TABLE, ENTITIES, Entity, Field, header_key
from lib.importer.messages import Msg, msg, render
from lib.importer.read import RawFile, RawSheet, _blank

IGNORED_HEADERS = {"序号"}  # a running number column is common and carries no data
SEX = {"男": "imp_sex_male", "女": "imp_sex_female"}  # what the 17th digit of a 身份证号 says


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the import, and what to do about it."""

    file: str
    sheet: str = ""
    row: int | None = None  # Excel row number
    column: str = ""
    value: str = ""  # masked when personal
    message: Msg | None = None  # what is wrong
    fix: Msg | None = None  # what to do

    def problem_text(self, lang: str = "zh") -> str:
        """Return what is wrong, in `lang`."""
        return render(self.message, lang)

    def fix_text(self, lang: str = "zh") -> str:
        """Return what to do, in `lang`."""
        return render(self.fix, lang)

    def text(self, lang: str = "zh") -> str:
        """Return the problem as one line: 党员.xlsx › 党员 › 第5行 › 身份证号“4114**********0015”：…。…"""
        where = " › ".join(p for p in (self.file, self.sheet, row_label(self.row, lang) if self.row else "",
                                       self.column) if p)
        value = t("imp_line_value", lang, value=self.value) if self.value else ""
        fix = t("imp_line_fix", lang, fix=self.fix_text(lang)) if self.fix else ""
        return t("imp_line", lang, where=where, value=value, message=self.problem_text(lang), fix=fix)


def row_label(row: int, lang: str = "zh") -> str:
    """Return 第5行 (row 5)."""
    return t("imp_row", lang, row=row)


@dataclass
class Row:
    """One data row: where it came from and its values by table column."""

    file: str
    sheet: str
    row: int
    values: dict
    raw: dict  # column -> raw cell, for references resolved later


@dataclass
class SheetResult:
    """One recognised sheet: its entity, the columns present and its good rows."""

    file: str
    sheet: str
    entity: Entity
    columns: set[str]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Plan:
    """The outcome of checking an import: files, recognised sheets, and every problem."""

    files: list[RawFile]
    sheets: list[SheetResult]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def rows_by_table(self) -> dict[str, int]:
        """Return the number of data rows per table in the import."""
        out: dict[str, int] = {}
        for s in self.sheets:
            out[s.entity.table] = out.get(s.entity.table, 0) + len(s.rows)
        return out


def recognise(sheet: RawSheet) -> Entity | None:
    """Return the entity whose headers best match the sheet's (sheet and file names break ties)."""
    names = {header_key(h) for h in sheet.headers if not _blank(h)}
    places = f"{sheet.sheet} {PurePath(sheet.file).stem}"
    best, best_score = None, (0, 0, 0.0)
    for e in ENTITIES:
        hits = sum(1 for f in e.fields if f.name in names)
        hint = max((len(h) for h in (e.label, *e.hints) if h in places), default=0)
        required = [f for f in e.fields if f.required]
        enough = hits >= 2 and hits >= 0.4 * len(required) or (hint and hits >= 1)
        score = (hits, hint, hits / len(e.fields))
        if enough and score > best_score:
            best, best_score = e, score
    return best


def _shown(f: Field | None, raw: object) -> str:
    if raw is None or _blank(raw):
        return ""
    if f is not None and f.personal:
        return V.mask(raw, kind=f.kind)
    return V.text(raw)[:60]


def _parse(f: Field, raw: object):
    kind = f.kind
    if kind in ("text",):
        return V.text(raw)
    if kind == "code":
        return V.code(raw)
    if kind == "int":
        return V.parse_int(raw, low=f.low, high=f.high)
    if kind == "float":
        return V.parse_float(raw, low=f.low, high=f.high)
    if kind == "date":
        return V.parse_date(raw)
    if kind == "month_date":
        return V.parse_date(raw, month_ok=True)
    if kind == "datetime":
        return V.parse_datetime(raw)
    if kind == "enum":
        return V.parse_enum(raw, f)
    if kind == "bool":
        return V.parse_bool(raw)
    if kind == "rating":
        return V.parse_rating(raw)
    if kind == "id_number":
        return V.parse_id_number(raw)
    if kind == "credit_code":
        return V.parse_credit_code(raw)
    if kind == "phone":
        return V.parse_phone(raw)
    if kind == "period":
        return V.parse_period(raw)
    if kind == "month":
        return V.parse_month(raw)
    if kind.startswith("ref_"):
        return V.text(raw).replace(" ", "")  # resolved against the database and the import later
    raise AssertionError(kind)


def _check_sheet(sheet: RawSheet, problems: list[Problem]) -> SheetResult | None:
    p = lambda **kw: problems.append(Problem(file=sheet.file, sheet=sheet.sheet, **kw))  # noqa: E731
    if sheet.empty:
        p(message=msg("imp_sheet_empty"), fix=msg("imp_fix_fill_or_delete"))
        return None
    entity = recognise(sheet)
    if entity is None:
        p(row=sheet.header_row, message=msg("imp_unrecognised"), fix=msg("imp_fix_use_template"))
        return None
    label = msg(f"imp_entity_{entity.table}")
    positions: dict[str, int] = {}
    for i, h in enumerate(sheet.headers):
        if _blank(h):
            continue
        name = header_key(h)
        if name in IGNORED_HEADERS:
            continue
        if entity.field_by_name(name) is None:
            p(row=sheet.header_row, column=V.text(h), message=msg("imp_unknown_header", entity=label),
              fix=msg("imp_fix_unknown_header"))
        elif name in positions:
            p(row=sheet.header_row, column=name, message=msg("imp_duplicate_header", first=positions[name] + 1,
                                                             second=i + 1), fix=msg("imp_fix_delete_column"))
        else:
            positions[name] = i
    for f in entity.fields:
        if f.required and f.name not in positions:
            p(row=sheet.header_row, column=f.name, message=msg("imp_missing_column", entity=label),
              fix=msg("imp_fix_add_column", header=f.header))
    if not sheet.rows:
        p(message=msg("imp_header_only"), fix=msg("imp_fix_fill_or_delete"))
        return None
    result = SheetResult(file=sheet.file, sheet=sheet.sheet, entity=entity,
                         columns={entity.field_by_name(n).column for n in positions})
    fields = [(entity.field_by_name(n), i) for n, i in positions.items()]
    for n, cells in sheet.rows:
        values, raw = {}, {}
        for f, i in fields:
            cell = cells[i] if i < len(cells) else None
            if V.is_blank(cell):
                values[f.column] = None
                if f.required and f.column not in ("gender", "birth_date"):  # those two derive from 身份证号
                    p(row=n, column=f.name, message=msg("imp_required_empty"),
                      fix=msg("imp_fix_fill_in", column=f.name))
                continue
            try:
                values[f.column] = _parse(f, cell)
                raw[f.column] = cell
                limit = getattr(entity.schema_table.c[f.column].type, "length", None)
                if limit and isinstance(values[f.column], str) and len(values[f.column]) > limit:
                    values[f.column] = None
                    raise V.Bad(msg("imp_too_long", limit=limit), msg("imp_fix_shorten"))
            except V.Bad as bad:
                p(row=n, column=f.name, value=_shown(f, cell), message=bad.message, fix=bad.fix)
        _check_row(entity, values, raw, lambda **kw: p(row=n, **kw))
        # rows with problems are kept too, so duplicates and references are checked on every row;
        # nothing is written unless the whole plan is free of problems
        result.rows.append(Row(file=sheet.file, sheet=sheet.sheet, row=n, values=values, raw=raw))
    return result


def _check_row(entity: Entity, v: dict, raw: dict, p) -> bool:
    """Check rules between the columns of one row; fill 性别/出生日期 from 身份证号 when blank."""
    ok = True
    if "id_number" in v and v["id_number"] and "birth_date" in entity.schema_table.c:
        pid = v["id_number"]
        born, gender = idcodes.id_birth_date(pid), idcodes.id_gender(pid)
        if v.get("birth_date") is None:
            v["birth_date"] = born
        elif v["birth_date"] != born:
            p(column="出生日期", value=v["birth_date"].isoformat(),
              message=msg("imp_birth_date_mismatch", born=born.isoformat()), fix=msg("imp_fix_check_birth_or_id"))
            ok = False
        if v.get("gender") is None:
            v["gender"] = gender
        elif v["gender"] != gender:
            p(column="性别", value=v["gender"], message=msg("imp_gender_mismatch", gender=msg(SEX[gender])),
              fix=msg("imp_fix_check_gender_or_id"))
            ok = False
    elif "birth_date" in entity.schema_table.c and (v.get("birth_date") is None or v.get("gender") is None):
        for column, name in (("birth_date", "出生日期"), ("gender", "性别")):
            if column in v and v[column] is None:
                p(column=name, message=msg("imp_required_empty"), fix=msg("imp_fix_fill_in", column=name))
                ok = False
    if entity.table == "survey" and all(v.get(c) is not None for c in (
            "respondents_n", "satisfied_n", "basic_satisfied_n", "dissatisfied_n")):
        total = v["satisfied_n"] + v["basic_satisfied_n"] + v["dissatisfied_n"]
        if total > v["respondents_n"]:
            p(column="受访人数", value=str(v["respondents_n"]),
              message=msg("imp_survey_sum", total=total), fix=msg("imp_fix_check_counts"))
            ok = False
    if entity.table == "petition" and v.get("resolved_n") is not None and v.get("petitions_n") is not None:
        if v["resolved_n"] > v["petitions_n"]:
            p(column="基层化解件数", value=str(v["resolved_n"]), message=msg("imp_resolved_over", petitions=v["petitions_n"]),
              fix=msg("imp_fix_check_cases"))
            ok = False
    if entity.table == "ticket" and v.get("closed_at") and v.get("received_at") and v["closed_at"] < v["received_at"]:
        p(column="办结时间", value=f"{v['closed_at']:%Y-%m-%d %H:%M}", message=msg("imp_closed_before_received"),
          fix=msg("imp_fix_check_closed_at"))
        ok = False
    return ok


@dataclass
class Places:
    """What references can point at: the database's rows plus those of the import."""

    townships: dict[str, str]  # code -> name
    villages: dict[str, tuple[str, str]]  # code -> (name, township code)
    orgs: dict[str, str]  # code -> township code


def existing_places(engine: Engine | None) -> Places:
    """Return the townships, villages and organizations already in the database."""
    if engine is None:
        return Places({}, {}, {})
    with engine.connect() as conn:
        towns = dict(conn.execute(select(schema.township.c.code, schema.township.c.name)).all())
        villages = {c: (n, t) for c, n, t in conn.execute(
            select(schema.village.c.code, schema.village.c.name, schema.village.c.township_code)).all()}
        orgs = dict(conn.execute(select(schema.party_org.c.code, schema.party_org.c.township_code)).all())
    return Places(towns, villages, orgs)


def _resolve_refs(sheets: list[SheetResult], places: Places, problems: list[Problem]) -> None:
    for s in sheets:  # the import's own places count as existing
        for r in s.rows:
            v = r.values
            if s.entity.table == "township" and v.get("code"):
                places.townships[v["code"]] = v.get("name") or ""
    for s in sheets:
        for r in s.rows:
            if not r.values.get("code"):
                continue
            if s.entity.table == "village":
                town = _township(r.values.get("township_code"), places)
                places.villages[r.values["code"]] = (r.values.get("name") or "", town or "")
            if s.entity.table == "party_org":
                places.orgs[r.values["code"]] = _township(r.values.get("township_code"), places) or ""
    names: dict[str, list[str]] = {}
    for code, name in places.townships.items():
        names.setdefault(name, []).append(code)
    name_field = BY_TABLE["township"].field_by_name("乡镇名称")
    for s in sheets:  # 乡镇名称 is unique (names stand in for codes)
        for r in s.rows if s.entity.table == "township" else ():
            others = [c for c in names.get(r.values.get("name"), []) if c != r.values.get("code")]
            if r.values.get("name") and others:
                problems.append(Problem(file=r.file, sheet=r.sheet, row=r.row, column=name_field.name,
                                        value=r.values["name"],
                                        message=msg("imp_township_name_taken", codes=tuple(others)),
                                        fix=msg("imp_fix_check_township_name")))
    for s in sheets:
        for r in s.rows:
            def p(f: Field, message: Msg, fix: Msg) -> None:
                problems.append(Problem(file=r.file, sheet=r.sheet, row=r.row, column=f.name,
                                        value=_shown(f, r.raw.get(f.column)), message=message, fix=fix))
            fields = [f for f in s.entity.fields if f.kind.startswith("ref_") and r.values.get(f.column)]
            for f in sorted(fields, key=lambda f: f.kind != "ref_township"):  # township first: villages need it
                value = r.values[f.column]
                if f.kind == "ref_township":
                    if value in places.townships:
                        continue
                    found = names.get(value, [])
                    if len(found) == 1:
                        r.values[f.column] = found[0]
                    elif found:
                        p(f, msg("imp_township_ambiguous", n=len(found)), msg("imp_fix_township_code"))
                    else:
                        p(f, msg("imp_township_unknown"), msg("imp_fix_township_unknown"))
                elif f.kind == "ref_village":
                    town = r.values.get("township_code")
                    if value in places.villages:
                        if town and places.villages[value][1] and places.villages[value][1] != town:
                            p(f, msg("imp_village_elsewhere", township=town), msg("imp_fix_check_village"))
                        continue
                    found = [c for c, (n, t) in places.villages.items() if n == value and (not town or t == town)]
                    if len(found) == 1:
                        r.values[f.column] = found[0]
                    elif found:
                        p(f, msg("imp_village_ambiguous", n=len(found)), msg("imp_fix_village_code"))
                    else:
                        p(f, msg("imp_village_unknown_in_township" if town else "imp_village_unknown"),
                          msg("imp_fix_village_unknown"))
                elif f.kind == "ref_org":
                    value = V.code(value)
                    r.values[f.column] = value
                    if value not in places.orgs:
                        p(f, msg("imp_org_unknown"), msg("imp_fix_org_unknown"))
                    elif s.entity.table == "party_org" and value == r.values.get("code"):
                        p(f, msg("imp_org_own_parent"), msg("imp_fix_parent_code"))


def _township(value: str | None, places: Places) -> str | None:
    if not value:
        return None
    if value in places.townships:
        return value
    found = [c for c, n in places.townships.items() if n == value]
    return found[0] if len(found) == 1 else None


def _check_keys(sheets: list[SheetResult], problems: list[Problem]) -> None:
    seen: dict[tuple, Row] = {}
    for s in sheets:
        key_fields = s.entity.key_fields
        for r in s.rows:
            key = (s.entity.table, *(r.values.get(f.column) for f in key_fields))
            if any(k is None for k in key):
                continue
            first = seen.get(key)
            if first is None:
                seen[key] = r
                continue
            where = msg("imp_row", row=first.row) if (first.file, first.sheet) == (r.file, r.sheet) else \
                msg("imp_row_in", place=" › ".join(x for x in (first.file, first.sheet) if x), row=first.row)
            shown = "、".join(_shown(f, r.raw.get(f.column, r.values.get(f.column))) for f in key_fields)
            problems.append(Problem(file=r.file, sheet=r.sheet, row=r.row, column="、".join(f.name for f in key_fields),
                                    value=shown, message=msg("imp_duplicate_key", where=where,
                                                             entity=msg(f"imp_entity_{s.entity.table}")),
                                    fix=msg("imp_fix_merge_rows")))


def _check_org_cycles(sheets: list[SheetResult], problems: list[Problem]) -> None:
    rows = {r.values["code"]: r for s in sheets if s.entity.table == "party_org" for r in s.rows if r.values.get("code")}
    reported: set[str] = set()
    for code in rows:
        path, current = [], code
        while current in rows and current not in path:
            path.append(current)
            current = rows[current].values.get("parent_code")
        if current in path and code == current and code not in reported:
            cycle = path[path.index(current):]
            reported.update(cycle)
            r = rows[code]
            problems.append(Problem(file=r.file, sheet=r.sheet, row=r.row, column="上级组织代码",
                                    value=r.values["parent_code"],
                                    message=msg("imp_org_cycle", path=" → ".join(cycle + [current])),
                                    fix=msg("imp_fix_check_parent_code")))


def check(files: list[RawFile], engine: Engine | None) -> Plan:
    """Return the plan of an import: its recognised sheets and every problem found."""
    problems: list[Problem] = []
    sheets: list[SheetResult] = []
    for f in files:
        if f.error:
            problems.append(Problem(file=f.name, message=f.error[0], fix=f.error[1]))
            continue
        if not f.sheets:
            problems.append(Problem(file=f.name, message=msg("imp_no_sheets"), fix=msg("imp_fix_choose_filled")))
        for sheet in f.sheets:
            result = _check_sheet(sheet, problems)
            if result is not None:
                sheets.append(result)
    _resolve_refs(sheets, existing_places(engine), problems)
    _check_keys(sheets, problems)
    _check_org_cycles(sheets, problems)
    file_order = {f.name: i for i, f in enumerate(files)}
    sheet_order = {(f.name, s.sheet): j for f in files for j, s in enumerate(f.sheets)}
    problems.sort(key=lambda q: (file_order.get(q.file, 0), sheet_order.get((q.file, q.sheet), 0), q.row or 0))
    return Plan(files=files, sheets=sheets, problems=problems)
