"""数据管理: download templates, upload and check ledgers, load all or nothing, history and freshness."""
import hashlib

import streamlit as st

import ui
from lib import cached, importer
from lib.importer.contract import ENTITIES
from lib.importer.report import (entity_name, history_frame, preview_frame, problems_frame, result_lines,
                                 sheets_frame, status_frame, template_bytes, templates_zip)
from lib.importer.template import file_name
from lib.queries.imports import import_history, table_status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ctx = ui.page_setup("page_data", require_data=False)
st.title(ctx.t("page_data"))
st.caption(ctx.t("data_intro"))
if ctx.engine is None:
    st.error(ctx.t("data_db_down"))

st.subheader(ctx.t("data_templates"))
st.caption(ctx.t("data_templates_help"))
left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
table = left.selectbox(ctx.t("data_template_one"), [e.table for e in ENTITIES], key="data_template",
                       format_func=lambda t: entity_name(t, ctx.t))
# workbooks are built when a button is clicked (deferred), not on every run
middle.download_button(ctx.t("data_template_download"), lambda: template_bytes(table), key="data_template_dl", mime=XLSX,
                       file_name=file_name(next(e for e in ENTITIES if e.table == table)), icon=":material/download:",
                       on_click="ignore")
right.download_button(ctx.t("data_template_all"), templates_zip, file_name=ctx.t("data_template_zip_name"), mime="application/zip",
                      key="data_template_zip", icon=":material/folder_zip:", on_click="ignore")

if ctx.engine is not None:
    st.subheader(ctx.t("data_upload"))
    # Streamlit's drop zone speaks English and lists .xls (accepted only to explain it must be saved as .xlsx):
    # replace its button text and hint with ours
    hint = ctx.t("data_upload_hint", mb=st.get_option("server.maxUploadSize"))
    st.markdown(
        "<style>"
        "[data-testid='stFileUploaderDropzoneInstructions'] * {display: none;}"
        f"[data-testid='stFileUploaderDropzoneInstructions']::after {{content: '{hint}'; font-size: 0.85rem;"
        " opacity: 0.75;}"
        "[data-testid='stFileUploaderDropzone'] button {font-size: 0;}"
        "[data-testid='stFileUploaderDropzone'] button > * {display: none;}"
        f"[data-testid='stFileUploaderDropzone'] button::after {{content: '{ctx.t('data_upload_button')}';"
        " font-size: 0.9rem;}"
        "</style>", unsafe_allow_html=True)
    uploads = st.file_uploader(ctx.t("data_upload_label"), type=["xlsx", "csv", "xls"], accept_multiple_files=True,
                               key="imp_files")
    if uploads:
        files = [(f.name, f.getvalue()) for f in uploads]
        batch = hashlib.sha256(b"".join(hashlib.sha256(c).digest() + n.encode() for n, c in files)).hexdigest()
        if st.session_state.get("imp_batch") != batch:  # check each new set of files once
            st.session_state["imp_batch"] = batch
            st.session_state["imp_plan"] = importer.check_files(files, ctx.engine)
            st.session_state.pop("imp_result", None)
        plan = st.session_state["imp_plan"]
        if plan.sheets:
            st.markdown(f"**{ctx.t('data_sheets')}**")
            st.dataframe(sheets_frame(plan, ctx.t), hide_index=True, key="imp_sheets_table")
            for i, sheet in enumerate(plan.sheets):
                with st.expander(ctx.t("data_preview", file=sheet.file, sheet=sheet.sheet or "—",
                                       entity=entity_name(sheet.entity.table, ctx.t))):
                    st.dataframe(preview_frame(sheet, tr=ctx.t), hide_index=True, key=f"imp_preview_{i}")
        result = st.session_state.get("imp_result")
        if not plan.ok:
            st.error(ctx.t("data_problems", n=len(plan.problems)), icon=":material/error:")
            problems = problems_frame(plan, ctx.t, ctx.lang)
            st.dataframe(problems, hide_index=True, key="imp_problems_table")
            ui.table_downloads(ctx, problems, title=ctx.t("data_problems_title"), key="imp_problems")
        elif result is None:
            st.success(ctx.t("data_ready", n=sum(plan.rows_by_table().values())), icon=":material/task_alt:")
            if st.button(ctx.t("data_confirm"), type="primary", key="imp_confirm", icon=":material/upload:"):
                try:
                    st.session_state["imp_result"] = importer.load(ctx.engine, plan, who=ctx.t("imp_who_web"))
                except Exception as exc:  # noqa: BLE001 - rolled back; say why
                    st.error(ctx.t("data_load_failed", error=str(exc).splitlines()[0]))
                else:
                    cached.forget_data_version()
                    st.rerun()
        if result is not None:
            st.success(ctx.t("data_loaded") + "\n\n" + "\n\n".join(result_lines(result, ctx.t)),
                       icon=":material/check_circle:")

    st.subheader(ctx.t("data_history"))
    history = history_frame(cached.query(import_history, scope=ctx.scope), ctx.t)
    if history.empty:
        st.caption(ctx.t("data_history_empty"))
    else:
        st.dataframe(history, hide_index=True, key="imp_history_table")
        ui.table_downloads(ctx, history, title=ctx.t("data_history"), key="imp_history")

    st.subheader(ctx.t("data_tables"))
    status = status_frame(cached.query(table_status, scope=ctx.scope), ctx.t)
    st.dataframe(status, hide_index=True, key="imp_status_table",
                 column_config={ctx.t("data_col_rows_n"): st.column_config.NumberColumn(format="localized")})
    ui.table_downloads(ctx, status, title=ctx.t("data_tables"), key="imp_status")
