"""基层党建态势看板: everything except the Streamlit pages. Importable and testable without a browser."""
