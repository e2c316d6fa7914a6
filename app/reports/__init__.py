"""The programme's figures per village and for the district, charts, and the final report.

`figures` computes (pure), `queries` gathers the data from the database, `charts` draws SVG,
`export` writes XLSX and CSV.
"""
