"""The HTTP side of the app server: Starlette routes and middleware mounted by ``app.py``'s ``st.App``.

Nothing here imports Streamlit; the routes reach the store through a provider that
``app.py`` passes in, so the app's pages and its routes share one store per process.
"""
